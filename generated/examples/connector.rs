//! A whole Microsoft Search connector: creates a connection, registers its
//! schema and waits for the registration, puts items, records an activity
//! and lists the items back.
//!
//! ```text
//! cargo run -p msgraph-connectors --example connector        # against a double of the service, in-process
//! cargo run -p msgraph-connectors --example connector -- \
//!     --cloud global --connection contosohr --schema schema.json --items items.jsonl --cleanup
//! cargo run -p msgraph-connectors --example connector -- --base-url http://127.0.0.1:8080/v1.0 --token TOKEN
//! ```
//!
//! Without `--base-url`, `--cloud` or `--token` the flow runs against the
//! test kit's double of the service (`graphgen_testkit::connectors`),
//! started in this process. The requests, in order:
//!
//! 1. `POST /external/connections` (a 409 means it exists: the flow goes on);
//! 2. `PATCH /external/connections/{id}/schema`, then `GET` of the
//!    operation its 202 names in `Location` until it completes (waiting as
//!    each answer's `Retry-After` says);
//! 3. `PUT /external/connections/{id}/items/{itemId}` for each item;
//! 4. `POST …/items/{firstItemId}/addActivities` with one `created` activity;
//! 5. `GET /external/connections/{id}/items`, through every page;
//! 6. with `--cleanup`, `DELETE` of each item, then of the connection.
//!
//! Standard output has one line per request sent: method, path below the
//! service root, status. Exit status 0 when the flow completes, 1 otherwise
//! (the reason on standard error). A request the client refuses (an item id
//! other than 1 to 128 letters and digits, a body over 4 MB, a schema of
//! more than 128 properties) is never sent.
//!
//! The items are put `--concurrency` (default 4) at a time, so their lines
//! come in the order the PUTs end. After a PUT fails no further one starts;
//! those in flight end and are printed, then the flow fails with the first
//! item that failed. More than 20 items show progress on standard error: a
//! bar on a terminal, else lines such as `put 20/45`.
//!
//! `--schema FILE` holds the schema body (`{"baseType":
//! "microsoft.graph.externalItem", "properties": [...]}`); `--items FILE`
//! holds JSON Lines, one `externalItem` a line with its `id`. Without them,
//! built-in samples are used: five tickets, granted to everyone in the
//! tenant `AZURE_TENANT_ID` names (a placeholder id when it is not set).
//!
//! Auth, as in the `add_activities` example: `--token TOKEN`, or the
//! client-credentials flow with `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and
//! `AZURE_CLIENT_SECRET` (`--authority-host` or `AZURE_AUTHORITY_HOST`
//! overrides the authority). The app needs `ExternalConnection.ReadWrite.OwnedBy`
//! and `ExternalItem.ReadWrite.OwnedBy`. The service documents no list of
//! items; where it refuses step 5, the flow fails there.
//!
//! `RUST_LOG` (e.g. `RUST_LOG=graphgen_runtime=debug`) logs the runtime's
//! calls on standard error.

mod support;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Parser;
use futures_util::StreamExt as _;
use graphgen_testkit::connectors::Double;
use msgraph_connectors::external_connectors::{
    external, AccessType, Acl, AclType, AddActivities, ExternalActivity, ExternalActivityType,
    ExternalConnection, ExternalConnectionItemsCaps, ExternalConnectionNav, ExternalItem,
    ExternalItemContent, ExternalItemContentType, ExternalNav, Label, Properties, Property,
    PropertyType, Schema,
};
use msgraph_connectors::runtime::edm::DateTimeOffset;
use msgraph_connectors::runtime::http::{Request, Response, StatusCode};
use msgraph_connectors::runtime::transport::{BoxFuture, ReqwestTransport};
use msgraph_connectors::runtime::{
    BaseUrl, Client, Cloud, CollectionPath, Error, Transport, DEFAULT_CONCURRENCY,
};
use support::{describe, err_line, fail, out_line, Progress};

/// Create a Microsoft Search connection, register its schema, put items,
/// record an activity and list the items, printing each request.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The connection id: 3 to 32 letters and digits.
    #[arg(long, value_name = "ID", default_value = "contosohr")]
    connection: String,

    /// JSON file holding the schema body; a built-in sample without it.
    #[arg(long, value_name = "FILE")]
    schema: Option<PathBuf>,

    /// JSON Lines file, one externalItem (with its id) a line; built-in
    /// samples without it.
    #[arg(long, value_name = "FILE")]
    items: Option<PathBuf>,

    /// Then delete each item and the connection.
    #[arg(long)]
    cleanup: bool,

    /// Item PUTs in flight at once.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY as u16,
          value_parser = clap::value_parser!(u16).range(1..))]
    concurrency: u16,

    /// National cloud: global, usgov-l4, usgov-l5 or china.
    #[arg(long, value_name = "CLOUD")]
    cloud: Option<Cloud>,

    #[command(flatten)]
    service: support::Service,
}

/// The activity's time: the service's documented example.
const ACTIVITY_TIME: &str = "2021-04-06T18:04:31.033Z";
/// The ACL's tenant when `AZURE_TENANT_ID` is not set.
const PLACEHOLDER_TENANT: &str = "67a141d8-cf4e-4528-ba07-bed21bfacd2d";

fn main() -> ExitCode {
    support::main(run)
}

async fn run(args: Args) -> ExitCode {
    let schema = match &args.schema {
        Some(path) => read_schema(path),
        None => Ok(sample_schema()),
    };
    let items = match &args.items {
        Some(path) => read_items(path),
        None => Ok(sample_items()),
    };
    let (schema, items) = match (schema, items) {
        (Ok(schema), Ok(items)) => (schema, items),
        (Err(e), _) | (_, Err(e)) => return fail(e),
    };
    let live =
        args.service.base_url.is_some() || args.service.token.is_some() || args.cloud.is_some();
    // Kept alive until the flow ends.
    let double = match live {
        true => None,
        false => Some(Double::start().await),
    };
    let client = match client(&args, double.as_ref()) {
        Ok(client) => client,
        Err(e) => return fail(e),
    };
    match flow(&client, &args, &schema, &items).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

fn read_schema(path: &Path) -> Result<Schema, String> {
    let text = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_slice(&text)
        .map_err(|e| format!("{} is not a schema body: {e}", path.display()))
}

/// Each line's item, its id taken out for the URL.
fn read_items(path: &Path) -> Result<Vec<(String, ExternalItem)>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut items = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let at = format!("{}:{}", path.display(), n + 1);
        let mut item: ExternalItem =
            serde_json::from_str(line).map_err(|e| format!("{at}: not an externalItem: {e}"))?;
        let id = item.id.take().into_value();
        items.push((id.ok_or_else(|| format!("{at}: the item has no id"))?, item));
    }
    match items.is_empty() {
        true => Err(format!("{} holds no items", path.display())),
        false => Ok(items),
    }
}

fn sample_schema() -> Schema {
    let property = |name: &str, kind: PropertyType| {
        Property::new(name, kind)
            .is_retrievable(true)
            .is_queryable(true)
    };
    Schema::new("microsoft.graph.externalItem").properties(vec![
        property("title", PropertyType::String)
            .is_searchable(true)
            .labels(vec![Label::Title]),
        property("tags", PropertyType::StringCollection).labels(vec![Label::Tags]),
        property("priority", PropertyType::Int64).labels(vec![Label::Priority]),
        property("assignee", PropertyType::String),
    ])
}

fn sample_items() -> Vec<(String, ExternalItem)> {
    let tenant = std::env::var("AZURE_TENANT_ID").unwrap_or_else(|_| PLACEHOLDER_TENANT.into());
    let tickets: [(&str, &str, &[&str], i64, &str); 5] = [
        (
            "TSP228082938",
            "Payment gateway times out",
            &["payments"],
            1,
            "Zoë Martín",
        ),
        (
            "TSP228082939",
            "Printer on floor 3 jams",
            &["hardware", "printing"],
            3,
            "Ravi",
        ),
        (
            "TSP228082940",
            "VPN drops every hour",
            &["network"],
            2,
            "Amal",
        ),
        ("TSP228082941", "New hire laptop", &["onboarding"], 3, "Jon"),
        (
            "TSP228082942",
            "Expense report rejected",
            &["finance", "policy"],
            2,
            "Mei",
        ),
    ];
    tickets
        .iter()
        .map(|&(id, title, tags, priority, assignee)| {
            let mut properties = Properties::default();
            properties
                .set_property("title", title)
                .set_property("tags", tags.to_vec())
                .set_property("priority", priority)
                .set_property("assignee", assignee);
            let content = ExternalItemContent::new(ExternalItemContentType::Text)
                .value(format!("{title} ({assignee})"));
            let item = ExternalItem::default()
                .acl(vec![Acl::new(
                    AccessType::Grant,
                    AclType::Everyone,
                    tenant.clone(),
                )])
                .properties(properties)
                .content(content);
            (id.to_owned(), item)
        })
        .collect()
}

fn client(args: &Args, double: Option<&Double>) -> Result<Client, String> {
    let cloud = args.cloud.unwrap_or(Cloud::Global);
    let base_url = double
        .map(Double::base_url)
        .or_else(|| args.service.base_url.clone());
    let root = match &base_url {
        Some(url) => BaseUrl::parse(url).map_err(|e| describe(&e))?,
        None => BaseUrl::for_cloud(cloud),
    };
    let inner = ReqwestTransport::new().map_err(|e| describe(&e))?;
    // Names this crate in User-Agent.
    let builder = msgraph_connectors::client(cloud).transport(Printed { inner, root });
    let builder = match double {
        Some(double) => builder.base_url(double.base_url()).bearer_token("double"),
        None => args.service.apply(builder, cloud)?,
    };
    builder.build().map_err(|e| describe(&e))
}

/// The transport that prints each request it carries, with its status.
struct Printed {
    inner: ReqwestTransport,
    root: BaseUrl,
}

impl Transport for Printed {
    fn send(
        &self,
        request: Request<Vec<u8>>,
        max_response_bytes: usize,
    ) -> BoxFuture<'_, Result<Response<Vec<u8>>, Error>> {
        let url = request.uri().to_string();
        let path = self.root.path_of(&url).unwrap_or(url);
        let method = request.method().clone();
        Box::pin(async move {
            let response = self.inner.send(request, max_response_bytes).await;
            match &response {
                Ok(r) => out_line(format_args!("{method} {path} {}", r.status().as_u16())),
                Err(_) => out_line(format_args!("{method} {path} -")),
            }
            response
        })
    }
}

/// Puts every item, `concurrency` at a time, until one fails: then the
/// PUTs in flight end (the transport prints them) and the failure of the
/// first item, in file order, that failed is the error.
async fn put_items(
    client: &Client,
    to: &CollectionPath<ExternalItem, ExternalConnectionItemsCaps>,
    items: &[(String, ExternalItem)],
    concurrency: usize,
) -> Result<(), String> {
    let mut progress = Progress::new("put", items.len());
    let failed = AtomicBool::new(false);
    let puts = items
        .iter()
        .take_while(|_| !failed.load(Ordering::Relaxed))
        .map(|(id, item)| to.key(id).put(item));
    let mut results = client.send_all(puts, concurrency);
    let mut first: Option<(usize, Error)> = None;
    while let Some((index, result)) = results.next().await {
        progress.advance(1);
        if let Err(e) = result {
            failed.store(true, Ordering::Relaxed);
            if first.as_ref().is_none_or(|(i, _)| index < *i) {
                first = Some((index, e));
            }
        }
    }
    match first {
        Some((index, e)) => Err(format!("putting item {}: {}", items[index].0, describe(&e))),
        None => Ok(()),
    }
}

/// The step's name before its error.
fn at(step: &'static str) -> impl Fn(Error) -> String {
    move |e| format!("{step}: {}", describe(&e))
}

async fn flow(
    client: &Client,
    args: &Args,
    schema: &Schema,
    items: &[(String, ExternalItem)],
) -> Result<(), String> {
    let connections = external().connections();
    let connection = connections.key(&args.connection);

    let new = ExternalConnection::default()
        .id(args.connection.as_str())
        .name(format!("{} (graphgen example)", args.connection))
        .description("Tickets put by the graphgen connector example");
    match connections.create(&new).send(client).await {
        Ok(_) => {}
        Err(e) if e.status() == Some(StatusCode::CONFLICT) => {
            err_line(format_args!(
                "note: connection {} exists; going on",
                args.connection
            ));
        }
        Err(e) => return Err(at("creating the connection")(e)),
    }

    let registration = connection.schema().update(schema);
    let accepted = registration
        .send(client)
        .await
        .map_err(at("registering the schema"))?;
    accepted
        .poller(client)
        .await
        .map_err(at("waiting for the schema"))?;

    let to = connection.items();
    put_items(client, &to, items, usize::from(args.concurrency)).await?;

    let first = &items[0].0;
    let time = DateTimeOffset::new(ACTIVITY_TIME).map_err(|e| describe(&e))?;
    let activity = ExternalActivity::new(time, ExternalActivityType::Created);
    let outcome = AddActivities::new(&args.connection, first, [activity])
        .send(client)
        .await
        .map_err(at("adding the activity"))?;
    if !outcome.is_complete_success() {
        return Err(format!("the activity on item {first} was not recorded"));
    }

    let mut listed = connection.items().list().stream(client);
    let mut count = 0;
    while listed
        .try_next()
        .await
        .map_err(at("listing the items"))?
        .is_some()
    {
        count += 1;
    }
    err_line(format_args!("{count} item(s) listed"));

    if args.cleanup {
        for (id, _) in items {
            let deleted = connection.items().key(id).delete().send(client).await;
            deleted.map_err(|e| format!("deleting item {id}: {}", describe(&e)))?;
        }
        connection
            .delete()
            .send(client)
            .await
            .map_err(at("deleting the connection"))?;
    }
    Ok(())
}
