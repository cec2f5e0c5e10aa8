//! The token provider contract: a client asks for its own cloud's scope,
//! credentials never serve another cloud, and token requests share the
//! client's transport.
#![cfg(feature = "reqwest")]

mod support;

use std::sync::{Arc, Mutex};

use graphgen_runtime::http::{Request, Response};
use graphgen_runtime::transport::{BoxFuture, ReqwestTransport, Transport};
use graphgen_runtime::{
    AccessToken, Client, ClientCredentials, Cloud, Error, TokenProvider, TokenRequest,
};
use support::op::{add, results_body};
use support::{json, Recorded, Server};

fn token_reply(token: &str) -> support::Reply {
    json(
        200,
        &format!(r#"{{"token_type":"Bearer","expires_in":3599,"access_token":"{token}"}}"#),
    )
}

fn form_scope(r: &Recorded) -> String {
    let body = r.body_str();
    let scope = body
        .split('&')
        .find_map(|kv| kv.strip_prefix("scope="))
        .unwrap();
    scope.replace("%3A", ":").replace("%2F", "/")
}

fn graph_ok() -> support::Reply {
    json(200, &results_body(&add(1).activities, &[]))
}

fn client(cloud: Cloud, graph: &Server, provider: impl TokenProvider + 'static) -> Client {
    Client::builder(cloud)
        .base_url(graph.url())
        .token_provider(provider)
        .build()
        .unwrap()
}

#[tokio::test]
async fn credentials_ask_for_the_scope_of_the_clients_cloud() {
    for cloud in [Cloud::Global, Cloud::UsGovL4, Cloud::UsGovL5] {
        let tokens = Server::start(vec![token_reply("t")]).await;
        let graph = Server::start(vec![graph_ok()]).await;
        // Not pinned: follows the client's cloud.
        let creds = ClientCredentials::new("tenant", "client", "secret")
            .authority_host(&tokens.url())
            .unwrap();
        client(cloud, &graph, creds).send(add(1)).await.unwrap();
        assert_eq!(form_scope(&tokens.requests()[0]), cloud.graph_scope());
        // Pinned to the same cloud: the same.
        let creds = ClientCredentials::new("tenant", "client", "secret")
            .cloud(cloud)
            .authority_host(&tokens.url())
            .unwrap();
        client(cloud, &graph, creds).send(add(1)).await.unwrap();
        assert_eq!(form_scope(&tokens.requests()[1]), cloud.graph_scope());
    }
}

#[tokio::test]
async fn credentials_pinned_to_a_cloud_refuse_a_client_of_another() {
    let tokens = Server::start(vec![token_reply("global-token")]).await;
    let graph = Server::start(vec![graph_ok()]).await;
    let creds = ClientCredentials::new("tenant", "client", "secret")
        .cloud(Cloud::Global)
        .authority_host(&tokens.url())
        .unwrap();
    let err = client(Cloud::UsGovL4, &graph, creds)
        .send(add(1))
        .await
        .unwrap_err();
    let Error::Auth(a) = &err else {
        panic!("{err:?}")
    };
    assert!(a.status.is_none());
    let text = err.to_string();
    assert!(
        text.contains("global") && text.contains("usgov-l4"),
        "{text}"
    );
    assert!(err.certainly_not_processed());
    assert_eq!(tokens.count(), 0, "no token asked");
    assert_eq!(graph.count(), 0, "nothing sent");
}

#[tokio::test]
async fn one_provider_serving_two_clouds_caches_a_token_per_scope() {
    let tokens = Server::respond_with(|_, i| token_reply(&format!("token-{i}"))).await;
    let graph = Server::start(vec![graph_ok()]).await;
    let creds = Arc::new(
        ClientCredentials::new("tenant", "client", "secret")
            .authority_host(&tokens.url())
            .unwrap(),
    );
    let global = client(Cloud::Global, &graph, creds.clone());
    let gov = client(Cloud::UsGovL4, &graph, creds);
    for c in [&global, &gov, &global, &gov] {
        c.send(add(1)).await.unwrap();
    }
    let scopes: Vec<String> = tokens.requests().iter().map(form_scope).collect();
    assert_eq!(
        scopes,
        [Cloud::Global.graph_scope(), Cloud::UsGovL4.graph_scope()]
    );
    let auth: Vec<_> = graph
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!(
        auth,
        [
            "Bearer token-0",
            "Bearer token-1",
            "Bearer token-0",
            "Bearer token-1"
        ]
    );
}

/// A transport that records the URL of each request, then sends it.
#[derive(Clone)]
struct Recording {
    seen: Arc<Mutex<Vec<String>>>,
    inner: Arc<ReqwestTransport>,
}

impl Recording {
    fn new() -> Self {
        Recording {
            seen: Arc::default(),
            inner: Arc::new(ReqwestTransport::new().unwrap()),
        }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

impl Transport for Recording {
    fn send(
        &self,
        request: Request<Vec<u8>>,
        max_response_bytes: usize,
    ) -> BoxFuture<'_, Result<Response<Vec<u8>>, Error>> {
        self.seen
            .lock()
            .unwrap()
            .push(request.uri().path().to_owned());
        self.inner.send(request, max_response_bytes)
    }
}

#[tokio::test]
async fn token_requests_go_through_the_clients_transport() {
    let tokens = Server::start(vec![token_reply("t")]).await;
    let graph = Server::start(vec![graph_ok()]).await;
    let transport = Recording::new();
    let creds = ClientCredentials::new("tenant", "client", "secret")
        .authority_host(&tokens.url())
        .unwrap();
    let c = Client::builder(Cloud::Global)
        .base_url(graph.url())
        .transport(transport.clone())
        .token_provider(creds)
        .build()
        .unwrap();
    c.send(add(1)).await.unwrap();
    let graph_path = "/external/connections/contosohr/items/TSP228082938/addActivities";
    assert_eq!(
        transport.seen(),
        ["/tenant/oauth2/v2.0/token", graph_path],
        "the token request, then the call"
    );

    // Credentials given their own transport use it instead.
    let own = Recording::new();
    let creds = ClientCredentials::new("tenant", "client", "secret")
        .authority_host(&tokens.url())
        .unwrap()
        .transport(own.clone());
    let client_transport = Recording::new();
    let c = Client::builder(Cloud::Global)
        .base_url(graph.url())
        .transport(client_transport.clone())
        .token_provider(creds)
        .build()
        .unwrap();
    c.send(add(1)).await.unwrap();
    assert_eq!(own.seen(), ["/tenant/oauth2/v2.0/token"]);
    assert_eq!(client_transport.seen(), [graph_path]);
}

/// A provider of its own, as a user writes one.
struct Recorder(Mutex<Vec<(String, Cloud)>>);

impl TokenProvider for Recorder {
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> BoxFuture<'a, Result<AccessToken, Error>> {
        self.0
            .lock()
            .unwrap()
            .push((request.scope.to_owned(), request.cloud));
        Box::pin(async { Ok(AccessToken::new("mine", None)) })
    }
}

#[tokio::test]
async fn a_custom_provider_is_asked_for_the_scope_on_each_attempt() {
    let graph = Server::start(vec![
        support::response(429, &[("Retry-After", "0")], ""),
        graph_ok(),
    ])
    .await;
    let recorder = Arc::new(Recorder(Mutex::new(Vec::new())));
    client(Cloud::UsGovL5, &graph, recorder.clone())
        .send(add(1))
        .await
        .unwrap();
    let asked = recorder.0.lock().unwrap().clone();
    let expected = (Cloud::UsGovL5.graph_scope().to_owned(), Cloud::UsGovL5);
    assert_eq!(asked, [expected.clone(), expected], "once per attempt");
    assert_eq!(
        graph.requests()[1].header("authorization"),
        Some("Bearer mine")
    );
}

#[cfg(feature = "azure")]
mod azure {
    use super::*;
    use azure_core::credentials::{self, TokenCredential, TokenRequestOptions};
    use azure_core::error::ErrorKind;
    use azure_core::time::{Duration, OffsetDateTime};
    use graphgen_runtime::auth::AzureCredential;
    use std::error::Error as _;

    /// Stands for a managed identity: no network, records the scopes asked.
    #[derive(Debug, Default)]
    struct Fake {
        scopes: Mutex<Vec<Vec<String>>>,
        fail: bool,
    }

    #[async_trait::async_trait]
    impl TokenCredential for Fake {
        async fn get_token(
            &self,
            scopes: &[&str],
            _options: Option<TokenRequestOptions<'_>>,
        ) -> azure_core::Result<credentials::AccessToken> {
            self.scopes
                .lock()
                .unwrap()
                .push(scopes.iter().map(|s| s.to_string()).collect());
            if self.fail {
                return Err(azure_core::Error::with_message(
                    ErrorKind::Credential,
                    "no managed identity endpoint",
                ));
            }
            Ok(credentials::AccessToken::new(
                "AZURE-TOKEN-0123",
                OffsetDateTime::now_utc() + Duration::hours(1),
            ))
        }
    }

    #[tokio::test]
    async fn an_azure_credential_gets_the_clients_scope() {
        let graph = Server::start(vec![graph_ok()]).await;
        let fake = Arc::new(Fake::default());
        let provider = AzureCredential::new(fake.clone());
        assert!(!format!("{provider:?}").contains("AZURE-TOKEN"));
        let c = client(Cloud::UsGovL4, &graph, provider.clone());
        c.send(add(1)).await.unwrap();
        assert_eq!(
            *fake.scopes.lock().unwrap(),
            [vec![Cloud::UsGovL4.graph_scope().to_owned()]]
        );
        assert_eq!(
            graph.requests()[0].header("authorization"),
            Some("Bearer AZURE-TOKEN-0123")
        );
        // The expiry is carried over.
        let transport = ReqwestTransport::new().unwrap();
        let token = provider
            .token(TokenRequest::new(Cloud::Global, &transport))
            .await
            .unwrap();
        let left = token.expires_at.unwrap() - std::time::Instant::now();
        assert!(left > std::time::Duration::from_secs(3500), "{left:?}");
    }

    #[tokio::test]
    async fn a_failing_azure_credential_sends_nothing() {
        let graph = Server::start(vec![graph_ok()]).await;
        let fake = Arc::new(Fake {
            fail: true,
            ..Fake::default()
        });
        let err = client(Cloud::Global, &graph, AzureCredential::new(fake))
            .send(add(1))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Auth(_)), "{err:?}");
        let source = err.source().unwrap().to_string();
        assert_eq!(source, "no managed identity endpoint");
        assert!(!err.to_string().contains(&source), "{err}");
        assert_eq!(graph.count(), 0);
    }
}
