//! A double of the Microsoft Search connectors service (`/external`), on
//! the scripted server: it keeps connections, schemas, items, groups and
//! members in memory, answers as the service does (see
//! `../shared/SERVICE-FACTS.md`), and records every request with the
//! status it got.
//!
//! Under `http://127.0.0.1:PORT/v1.0` ([`Double::base_url`]), every request
//! needs `Authorization: Bearer …` (else 401), and:
//!
//! | request | answer |
//! | --- | --- |
//! | `GET`, `POST /external/connections` | the connections; create one: 201, 409 when the id exists, 400 unless the id is 3 to 32 letters and digits |
//! | `GET`, `PATCH`, `DELETE /external/connections/{id}` | 200; 204 (the members sent replace the stored ones); 204 |
//! | `PATCH …/{id}/schema` | 202, empty, `Location: <base>/external/connections/{id}/operations/op<N>`; 400 without `baseType: microsoft.graph.externalItem` or with more than 128 properties |
//! | `GET …/{id}/operations/{op}` | `{"id", "status": "inprogress"}` ([`Config::polls_running`] times, with [`Config::retry_after`]), then `completed` (the schema is registered only then) or, with [`Config::fail_schema`], `failed` with an `error` |
//! | `GET …/{id}/schema` | the registered schema; 404 before |
//! | `PUT …/{id}/items/{item}` | 201 created or 200 replaced, the item back; 400 before a schema is registered or for an id other than 1 to 128 letters and digits, 413 over 4,000,000 bytes |
//! | `GET`, `DELETE …/items/{item}` | 200; 204, then 404 |
//! | `GET …/{id}/items` | pages of [`Config::page_size`] items in id order, `@odata.nextLink` an absolute URL with `$skiptoken` |
//! | `POST …/items/{item}/addActivities` | 200 with one `externalActivityResult` per activity echoing its `type` and `startDateTime`; 207 with an `error` on those of [`Config::failing_activities`]; 400 for none or more than 20 |
//! | `…/{id}/groups`, `…/groups/{g}`, `…/groups/{g}/members`, `…/members/{m}` | stored collections: `GET` lists, `POST` adds (201, 409), `GET`, `PATCH` (groups), `DELETE` one |
//!
//! An unknown path is 404, a known path with another method 405, and a
//! query option anywhere but `$skiptoken` on the items 400, each with an
//! OData error (`{"error": {"code", "message"}}`): a wrong URL fails loudly.
//! Path segments are compared as sent (percent-encoded).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{json, Map, Value};

use crate::{response, Recorded, Reply, Server};

/// The largest item body the service takes.
const MAX_ITEM_BYTES: usize = 4_000_000;
/// The most properties a schema may have.
const MAX_SCHEMA_PROPERTIES: usize = 128;
/// The most activities one `addActivities` call takes.
const MAX_ACTIVITIES: usize = 20;

/// What the double does where the service varies.
#[derive(Debug, Clone)]
pub struct Config {
    /// Items per page of `GET …/items` (default 2).
    pub page_size: usize,
    /// Polls of a schema operation answered `inprogress` before it ends
    /// (default 2).
    pub polls_running: usize,
    /// The `Retry-After` of those answers, in seconds (default 1; `None`
    /// sends none).
    pub retry_after: Option<u32>,
    /// Schema operations end `failed` and register nothing.
    pub fail_schema: bool,
    /// The activities of each `addActivities` call, by position, answered
    /// with an error (a 207).
    pub failing_activities: Vec<usize>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            page_size: 2,
            polls_running: 2,
            retry_after: Some(1),
            fail_schema: false,
            failing_activities: Vec::new(),
        }
    }
}

/// The running double (see the [module docs](self)); it stops when dropped.
pub struct Double {
    server: Server,
    state: Arc<Mutex<State>>,
}

impl Double {
    /// A double with the default [`Config`].
    pub async fn start() -> Double {
        Double::start_with(Config::default()).await
    }

    /// A double with `config`.
    pub async fn start_with(config: Config) -> Double {
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        let server = Server::start_handler(move |url| {
            let service = Service {
                base: format!("{url}/v1.0"),
                config,
                state: shared,
            };
            move |request: &Recorded| service.handle(request)
        })
        .await;
        Double { server, state }
    }

    /// The service root: `http://127.0.0.1:PORT/v1.0`.
    pub fn base_url(&self) -> String {
        format!("{}/v1.0", self.server.url())
    }

    /// Every request so far, in order, with the status it got.
    pub fn requests(&self) -> Vec<Recorded> {
        self.server.requests()
    }

    /// Each request so far as `METHOD target STATUS`.
    pub fn lines(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| format!("{} {} {}", r.method(), r.target(), status(r)))
            .collect()
    }

    /// The stored connection `id`, if any.
    pub fn connection(&self, id: &str) -> Option<Value> {
        self.state().connections.get(id).map(|c| c.value.clone())
    }

    /// The ids of the items of connection `id`, in order.
    pub fn item_ids(&self, id: &str) -> Vec<String> {
        self.state()
            .connections
            .get(id)
            .map_or_else(Vec::new, |c| c.items.keys().cloned().collect())
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn status(r: &Recorded) -> String {
    r.status.map_or_else(|| "-".to_owned(), |s| s.to_string())
}

#[derive(Default)]
struct State {
    connections: BTreeMap<String, Connection>,
    /// Operations started, for their ids.
    started: usize,
}

#[derive(Default)]
struct Connection {
    value: Value,
    schema: Option<Value>,
    operations: BTreeMap<String, Operation>,
    items: BTreeMap<String, Value>,
    groups: BTreeMap<String, Value>,
    /// By group id.
    members: BTreeMap<String, BTreeMap<String, Value>>,
}

struct Operation {
    polls: usize,
    /// Registered when the operation completes.
    schema: Option<Value>,
    fails: bool,
}

/// Where a request goes (the connection's id first).
enum Route<'a> {
    Connections,
    Connection(&'a str),
    Schema(&'a str),
    Operation(&'a str, &'a str),
    Items(&'a str),
    Item(&'a str, &'a str),
    AddActivities(&'a str, &'a str),
    Groups(&'a str),
    Group(&'a str, &'a str),
    Members(&'a str, &'a str),
    Member(&'a str, &'a str, &'a str),
}

impl<'a> Route<'a> {
    fn parse(path: &'a str) -> Option<Route<'a>> {
        let segments: Vec<&str> = path.strip_prefix("/v1.0/")?.split('/').collect();
        let ["external", "connections", rest @ ..] = segments.as_slice() else {
            return None;
        };
        Some(match *rest {
            [] => Route::Connections,
            [c] => Route::Connection(c),
            [c, "schema"] => Route::Schema(c),
            [c, "operations", op] => Route::Operation(c, op),
            [c, "items"] => Route::Items(c),
            [c, "items", item] => Route::Item(c, item),
            [c, "items", item, "addActivities"] => Route::AddActivities(c, item),
            [c, "groups"] => Route::Groups(c),
            [c, "groups", g] => Route::Group(c, g),
            [c, "groups", g, "members"] => Route::Members(c, g),
            [c, "groups", g, "members", m] => Route::Member(c, g, m),
            _ => return None,
        })
    }

    fn connection(&self) -> Option<&'a str> {
        match *self {
            Route::Connections => None,
            Route::Connection(c)
            | Route::Schema(c)
            | Route::Operation(c, _)
            | Route::Items(c)
            | Route::Item(c, _)
            | Route::AddActivities(c, _)
            | Route::Groups(c)
            | Route::Group(c, _)
            | Route::Members(c, _)
            | Route::Member(c, _, _) => Some(c),
        }
    }
}

/// An OData error.
fn error(status: u16, code: &str, message: &str) -> Reply {
    let body = json!({ "error": { "code": code, "message": message } });
    crate::json(status, &body.to_string())
}

fn not_found(what: &str, id: &str) -> Reply {
    error(
        404,
        "itemNotFound",
        &format!("{what} '{id}' does not exist"),
    )
}

fn bad_request(message: &str) -> Reply {
    error(400, "BadRequest", message)
}

fn ok(status: u16, value: &Value) -> Reply {
    crate::json(status, &value.to_string())
}

fn no_content() -> Reply {
    response(204, &[], "")
}

fn list<'v>(values: impl Iterator<Item = &'v Value>) -> Reply {
    ok(200, &json!({ "value": values.collect::<Vec<_>>() }))
}

fn alphanumeric(id: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The request body as a JSON object.
fn object(request: &Recorded) -> Result<Map<String, Value>, Reply> {
    match serde_json::from_slice(&request.body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(bad_request("the request body is not a JSON object")),
    }
}

/// Adds the body, by its `id`, to a stored collection.
fn insert(map: &mut BTreeMap<String, Value>, request: &Recorded, what: &str) -> Reply {
    let body = match object(request) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let Some(id) = body.get("id").and_then(Value::as_str).map(str::to_owned) else {
        return bad_request(&format!("a {what} needs an id"));
    };
    if map.contains_key(&id) {
        return error(409, "conflict", &format!("{what} '{id}' already exists"));
    }
    let value = Value::Object(body);
    map.insert(id, value.clone());
    ok(201, &value)
}

/// `GET`, `PATCH` (when `patchable`) or `DELETE` of a stored member.
fn member(
    map: &mut BTreeMap<String, Value>,
    id: &str,
    request: &Recorded,
    what: &str,
    patchable: bool,
) -> Reply {
    let Some(value) = map.get_mut(id) else {
        return not_found(what, id);
    };
    match request.method() {
        "GET" => ok(200, value),
        "PATCH" if patchable => patch(value, request),
        "DELETE" => {
            map.remove(id);
            no_content()
        }
        _ => method_not_allowed(request),
    }
}

/// The members of the body replace those of `value`: 204.
fn patch(value: &mut Value, request: &Recorded) -> Reply {
    match (object(request), value) {
        (Ok(changes), Value::Object(stored)) => {
            stored.extend(changes);
            no_content()
        }
        (Err(reply), _) => reply,
        (Ok(_), _) => bad_request("the stored value is not an object"),
    }
}

fn method_not_allowed(request: &Recorded) -> Reply {
    let message = format!(
        "{} is not allowed on {}",
        request.method(),
        request.target()
    );
    error(405, "MethodNotAllowed", &message)
}

/// The double's handler.
struct Service {
    base: String,
    config: Config,
    state: Arc<Mutex<State>>,
}

impl Service {
    fn handle(&self, request: &Recorded) -> Reply {
        let target = request.target();
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let Some(route) = Route::parse(path) else {
            let message = format!("the connectors double has no {}", target);
            return error(404, "UnknownPath", &message);
        };
        let bearer = request.header("authorization");
        if !bearer.is_some_and(|b| b.starts_with("Bearer ") && b.len() > 7) {
            return error(401, "InvalidAuthenticationToken", "Access token is empty.");
        }
        let skip = match (&route, query) {
            (_, "") => 0,
            (Route::Items(_), q) if q.starts_with("$skiptoken=") => {
                match q["$skiptoken=".len()..].parse() {
                    Ok(n) => n,
                    Err(_) => return bad_request(&format!("bad $skiptoken in {q}")),
                }
            }
            (_, q) => return bad_request(&format!("the double takes no query options: {q}")),
        };
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let State {
            connections,
            started,
        } = &mut *state;
        let Some(id) = route.connection() else {
            return match request.method() {
                "GET" => list(connections.values().map(|c| &c.value)),
                "POST" => create_connection(connections, request),
                _ => method_not_allowed(request),
            };
        };
        let Some(connection) = connections.get_mut(id) else {
            return not_found("connection", id);
        };
        match (route, request.method()) {
            (Route::Connection(_), "DELETE") => {
                connections.remove(id);
                no_content()
            }
            (Route::Connection(_), "GET") => ok(200, &connection.value),
            (Route::Connection(_), "PATCH") => patch(&mut connection.value, request),
            (Route::Schema(_), "GET") => match &connection.schema {
                Some(schema) => ok(200, schema),
                None => not_found("schema of connection", id),
            },
            (Route::Schema(_), "PATCH") => {
                *started += 1;
                self.register_schema(connection, id, *started, request)
            }
            (Route::Operation(_, op), "GET") => self.poll(connection, op),
            (Route::Items(_), "GET") => self.page(connection, id, skip),
            (Route::Item(_, item), "PUT") => put_item(connection, item, request),
            (Route::Item(_, item), _) => {
                member(&mut connection.items, item, request, "item", false)
            }
            (Route::AddActivities(_, item), "POST") => {
                if !connection.items.contains_key(item) {
                    return not_found("item", item);
                }
                self.add_activities(request)
            }
            (Route::Groups(_), "GET") => list(connection.groups.values()),
            (Route::Groups(_), "POST") => insert(&mut connection.groups, request, "group"),
            (Route::Group(_, group), method) => {
                let reply = member(&mut connection.groups, group, request, "group", true);
                if method == "DELETE" {
                    connection.members.remove(group);
                }
                reply
            }
            (Route::Members(_, group) | Route::Member(_, group, _), _)
                if !connection.groups.contains_key(group) =>
            {
                not_found("group", group)
            }
            (Route::Members(_, group), method) => {
                let members = connection.members.entry(group.to_owned()).or_default();
                match method {
                    "GET" => list(members.values()),
                    "POST" => insert(members, request, "member"),
                    _ => method_not_allowed(request),
                }
            }
            (Route::Member(_, group, m), _) => {
                let members = connection.members.entry(group.to_owned()).or_default();
                member(members, m, request, "member", false)
            }
            _ => method_not_allowed(request),
        }
    }

    fn register_schema(
        &self,
        connection: &mut Connection,
        id: &str,
        number: usize,
        request: &Recorded,
    ) -> Reply {
        let schema = match object(request) {
            Ok(schema) => schema,
            Err(reply) => return reply,
        };
        if schema.get("baseType") != Some(&json!("microsoft.graph.externalItem")) {
            return bad_request("baseType must be microsoft.graph.externalItem");
        }
        let properties = schema.get("properties").and_then(Value::as_array);
        if properties.map_or(0, Vec::len) > MAX_SCHEMA_PROPERTIES {
            return bad_request("a schema has at most 128 properties");
        }
        let op = format!("op{number}");
        let operation = Operation {
            polls: 0,
            schema: Some(Value::Object(schema)),
            fails: self.config.fail_schema,
        };
        connection.operations.insert(op.clone(), operation);
        let location = format!("{}/external/connections/{id}/operations/{op}", self.base);
        response(202, &[("Location", &location)], "")
    }

    fn poll(&self, connection: &mut Connection, op: &str) -> Reply {
        let Some(operation) = connection.operations.get_mut(op) else {
            return not_found("operation", op);
        };
        operation.polls += 1;
        if operation.polls <= self.config.polls_running {
            let body = json!({ "id": op, "status": "inprogress" }).to_string();
            let retry_after = self.config.retry_after.map(|s| s.to_string());
            let mut headers = vec![("Content-Type", "application/json")];
            headers.extend(retry_after.as_deref().map(|s| ("Retry-After", s)));
            return response(200, &headers, &body);
        }
        if operation.fails {
            let error = json!({ "code": "InvalidSchema", "message": "The schema was refused." });
            return ok(
                200,
                &json!({ "id": op, "status": "failed", "error": error }),
            );
        }
        if let Some(schema) = operation.schema.take() {
            connection.schema = Some(schema);
        }
        ok(200, &json!({ "id": op, "status": "completed" }))
    }

    fn page(&self, connection: &Connection, id: &str, skip: usize) -> Reply {
        let size = self.config.page_size.max(1);
        let mut body = json!({
            "value": connection.items.values().skip(skip).take(size).collect::<Vec<_>>(),
        });
        if skip + size < connection.items.len() {
            let next = format!(
                "{}/external/connections/{id}/items?$skiptoken={}",
                self.base,
                skip + size
            );
            body["@odata.nextLink"] = json!(next);
        }
        ok(200, &body)
    }

    fn add_activities(&self, request: &Recorded) -> Reply {
        let body = match object(request) {
            Ok(body) => body,
            Err(reply) => return reply,
        };
        let activities = body.get("activities").and_then(Value::as_array);
        let activities = match activities {
            Some(a) if (1..=MAX_ACTIVITIES).contains(&a.len()) => a,
            _ => return bad_request("addActivities takes 1 to 20 activities"),
        };
        let mut failed = false;
        let results: Vec<Value> = activities
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let error = self.config.failing_activities.contains(&i).then(|| {
                    failed = true;
                    json!({ "code": "InvalidRequest", "message": "The activity was refused." })
                });
                json!({
                    "@odata.type": "#microsoft.graph.externalConnectors.externalActivityResult",
                    "type": a.get("type"),
                    "startDateTime": a.get("startDateTime"),
                    "error": error,
                })
            })
            .collect();
        ok(if failed { 207 } else { 200 }, &json!({ "value": results }))
    }
}

fn create_connection(connections: &mut BTreeMap<String, Connection>, request: &Recorded) -> Reply {
    let body = match object(request) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let id = body.get("id").and_then(Value::as_str).unwrap_or("");
    if !alphanumeric(id, 3, 32) {
        return bad_request("a connection id is 3 to 32 letters and digits");
    }
    if connections.contains_key(id) {
        return error(
            409,
            "conflict",
            &format!("connection '{id}' already exists"),
        );
    }
    let mut value = body.clone();
    value.insert("state".into(), json!("draft"));
    let value = Value::Object(value);
    let connection = Connection {
        value: value.clone(),
        ..Connection::default()
    };
    connections.insert(id.to_owned(), connection);
    ok(201, &value)
}

fn put_item(connection: &mut Connection, item: &str, request: &Recorded) -> Reply {
    if !alphanumeric(item, 1, 128) {
        return bad_request("an item id is 1 to 128 letters and digits");
    }
    if request.body.len() > MAX_ITEM_BYTES {
        return error(413, "RequestEntityTooLarge", "an item body is at most 4 MB");
    }
    if connection.schema.is_none() {
        return bad_request("the connection has no registered schema");
    }
    let mut body = match object(request) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    body.insert("id".into(), json!(item));
    let value = Value::Object(body);
    let created = connection
        .items
        .insert(item.to_owned(), value.clone())
        .is_none();
    ok(if created { 201 } else { 200 }, &value)
}
