//! Access tokens: the [`TokenProvider`] abstraction, a static token, and the
//! OAuth2 client-credentials flow against Microsoft Entra ID (and, with the
//! cargo feature `azure`, any `azure_core` credential: `AzureCredential`).
//!
//! A [`Client`](crate::Client) asks its provider for a token *of its own
//! cloud's scope* ([`Cloud::graph_scope`]) on every attempt, through a
//! [`TokenRequest`], so a client never sends a token meant for another
//! cloud.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::header::{HeaderValue, ACCEPT, CONTENT_TYPE};
use http::{Method, Request, StatusCode};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Deserialize;

use crate::error::AuthError;
use crate::transport::{BoxFuture, Transport};
use crate::{AccessToken, BaseUrl, Cloud, Error, Secret};

#[cfg(feature = "azure")]
mod azure;
#[cfg(feature = "azure")]
pub use azure::AzureCredential;

/// What a client asks a [`TokenProvider`] for: a token for `scope`, on
/// behalf of a client of `cloud`, which sends its requests with
/// `transport` (a provider that makes HTTP requests may use it too, so
/// proxies and middleware carry token requests as well).
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct TokenRequest<'a> {
    /// The OAuth2 scope, e.g. `https://graph.microsoft.us/.default`.
    pub scope: &'a str,
    /// The cloud of the client asking.
    pub cloud: Cloud,
    /// The client's transport.
    pub transport: &'a dyn Transport,
}

impl<'a> TokenRequest<'a> {
    /// A request for `cloud`'s Graph scope ([`Cloud::graph_scope`]).
    ///
    /// ```no_run
    /// use graphgen_runtime::auth::{ClientCredentials, TokenProvider, TokenRequest};
    /// use graphgen_runtime::{Cloud, Error, Transport};
    ///
    /// async fn us_gov_token(transport: &dyn Transport) -> Result<(), Error> {
    ///     let creds = ClientCredentials::from_env(Cloud::UsGovL4)?;
    ///     let token = creds.token(TokenRequest::new(Cloud::UsGovL4, transport)).await?;
    ///     Ok(())
    /// }
    /// ```
    pub fn new(cloud: Cloud, transport: &'a dyn Transport) -> Self {
        TokenRequest {
            scope: cloud.graph_scope(),
            cloud,
            transport,
        }
    }
}

impl fmt::Debug for TokenRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRequest")
            .field("scope", &self.scope)
            .field("cloud", &self.cloud)
            .finish_non_exhaustive()
    }
}

/// Gives the bearer token for each request. Object safe; called once per
/// attempt, so implementations should cache.
///
/// A provider must return a token for [`TokenRequest::scope`] or fail: the
/// client sends what it gets to its cloud's Graph.
pub trait TokenProvider: Send + Sync {
    /// A currently valid access token for `request.scope`.
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> BoxFuture<'a, Result<AccessToken, Error>>;
}

impl<T: TokenProvider + ?Sized> TokenProvider for Arc<T> {
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> BoxFuture<'a, Result<AccessToken, Error>> {
        (**self).token(request)
    }
}

/// A fixed bearer token (e.g. from the command line), whatever the scope
/// asked: getting it for the right cloud is up to you. Debug prints
/// `StaticToken([redacted])`.
#[derive(Clone, Debug)]
pub struct StaticToken(Secret);

impl StaticToken {
    /// Wraps a token.
    pub fn new(token: impl Into<Secret>) -> Self {
        StaticToken(token.into())
    }
}

impl TokenProvider for StaticToken {
    fn token<'a>(&'a self, _: TokenRequest<'a>) -> BoxFuture<'a, Result<AccessToken, Error>> {
        let token = AccessToken::new(self.0.clone(), None);
        Box::pin(async move { Ok(token) })
    }
}

/// What `application/x-www-form-urlencoded` and tenant path segments leave
/// unencoded.
const FORM_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Largest token endpoint response read.
const TOKEN_RESPONSE_LIMIT: usize = 1 << 20;

/// The OAuth2 client-credentials flow (app-only tokens with a client
/// secret) against `<authority>/<tenant>/oauth2/v2.0/token`, for the scope
/// the client asks (its cloud's `<graph host>/.default`).
///
/// The authority is the asking client's cloud's ([`Cloud::login_host`]).
/// Credentials pinned to a cloud (with [`cloud`](Self::cloud) or
/// [`from_env`](Self::from_env)) refuse, without any request, to get a token
/// for a client of another cloud. The token request goes through the
/// client's [`Transport`] unless another is set with
/// [`transport`](Self::transport).
///
/// Tokens are cached per scope until five minutes before they expire (half
/// their lifetime for tokens issued for less than ten minutes); concurrent
/// callers share one refresh. The secret and the tokens never appear in
/// `Debug`, errors or logs.
///
/// ```no_run
/// use graphgen_runtime::{auth::ClientCredentials, Client, Cloud};
///
/// # async fn f() -> Result<(), graphgen_runtime::Error> {
/// let creds = ClientCredentials::new("contoso.onmicrosoft.com", "app-id", "app-secret");
/// // Asks login.microsoftonline.us for https://graph.microsoft.us/.default.
/// let client = Client::builder(Cloud::UsGovL4).token_provider(creds).build()?;
/// # Ok(()) }
/// ```
pub struct ClientCredentials {
    tenant_id: String,
    client_id: String,
    client_secret: Secret,
    cloud: Option<Cloud>,
    authority_host: Option<BaseUrl>,
    timeout: Duration,
    transport: Option<Arc<dyn Transport>>,
    cache: tokio::sync::Mutex<Vec<(String, AccessToken)>>,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("cloud", &self.cloud)
            .field("authority_host", &self.authority_host)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default, deserialize_with = "number_or_string")]
    expires_in: Option<u64>,
}

#[derive(Deserialize, Default)]
struct TokenErrorResponse {
    error: Option<String>,
    error_description: Option<String>,
    #[serde(default)]
    error_codes: Vec<i64>,
}

/// The longest a cached token is trusted, whatever `expires_in` says.
const MAX_TOKEN_LIFETIME_SECS: u64 = 24 * 3600;

/// Entra ID v2 sends `expires_in` as a number, v1 as a string.
fn number_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum N {
        N(u64),
        S(String),
    }
    Ok(match Option::<N>::deserialize(d)? {
        Some(N::N(n)) => Some(n),
        Some(N::S(s)) => s.trim().parse().ok(),
        None => None,
    })
}

impl ClientCredentials {
    /// Credentials for whatever cloud the client using them belongs to.
    pub fn new(
        tenant_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        ClientCredentials {
            tenant_id: tenant_id.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            cloud: None,
            authority_host: None,
            timeout: Duration::from_secs(30),
            transport: None,
            cache: tokio::sync::Mutex::new(Vec::new()),
        }
    }

    /// Reads `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and `AZURE_CLIENT_SECRET`;
    /// the credentials are pinned to `cloud` (see [`cloud`](Self::cloud)).
    pub fn from_env(cloud: Cloud) -> Result<Self, Error> {
        let var = |name: &'static str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .ok_or_else(|| {
                    Error::from(AuthError::message(
                        format!("environment variable {name} is not set"),
                        None,
                    ))
                })
        };
        Ok(ClientCredentials::new(
            var("AZURE_TENANT_ID")?,
            var("AZURE_CLIENT_ID")?,
            Secret::new(var("AZURE_CLIENT_SECRET")?),
        )
        .cloud(cloud))
    }

    /// Pins the credentials to `cloud` (an app registration belongs to one
    /// cloud): a client of another cloud gets [`Error::Auth`] and nothing is
    /// sent.
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        self.cloud = Some(cloud);
        self
    }

    /// Another authority host (tests, proxies), e.g. `http://127.0.0.1:8080`;
    /// `https` required except for loopback hosts.
    pub fn authority_host(mut self, url: &str) -> Result<Self, Error> {
        self.authority_host = Some(BaseUrl::parse(url)?);
        Ok(self)
    }

    /// Timeout of one token request (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The transport for token requests (default: the asking client's).
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// The token endpoint URL for a client of `cloud`, or why these
    /// credentials cannot serve it.
    ///
    /// ```
    /// use graphgen_runtime::{auth::ClientCredentials, Cloud};
    ///
    /// let creds = ClientCredentials::new("contoso.com", "app", "secret");
    /// assert_eq!(
    ///     creds.token_endpoint(Cloud::China)?,
    ///     "https://login.chinacloudapi.cn/contoso.com/oauth2/v2.0/token"
    /// );
    /// assert!(creds.cloud(Cloud::Global).token_endpoint(Cloud::UsGovL4).is_err());
    /// # Ok::<(), graphgen_runtime::Error>(())
    /// ```
    pub fn token_endpoint(&self, cloud: Cloud) -> Result<String, Error> {
        if let Some(pinned) = self.cloud {
            if pinned != cloud {
                return Err(AuthError::message(
                    format!(
                        "these credentials are for the {pinned} cloud, not the {cloud} cloud of the client"
                    ),
                    None,
                )
                .into());
            }
        }
        if self.tenant_id.is_empty() {
            return Err(AuthError::message("the tenant id is empty", None).into());
        }
        let host = match &self.authority_host {
            Some(h) => h.as_str(),
            None => cloud.login_host(),
        };
        Ok(format!(
            "{host}/{}/oauth2/v2.0/token",
            utf8_percent_encode(&self.tenant_id, FORM_ENCODE)
        ))
    }

    fn form(&self, scope: &str) -> String {
        let mut out = String::new();
        for (k, v) in [
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
            ("scope", scope),
            ("grant_type", "client_credentials"),
        ] {
            if !out.is_empty() {
                out.push('&');
            }
            out.push_str(k);
            out.push('=');
            out.extend(utf8_percent_encode(v, FORM_ENCODE));
        }
        out
    }

    async fn fetch(&self, request: TokenRequest<'_>) -> Result<AccessToken, Error> {
        let endpoint = self.token_endpoint(request.cloud)?;
        let http_request = Request::builder()
            .method(Method::POST)
            .uri(&endpoint)
            .header(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            )
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .body(self.form(request.scope).into_bytes())
            .map_err(|_| AuthError::message("invalid token endpoint URL", None))?;
        let transport: &dyn Transport = match &self.transport {
            Some(t) => t.as_ref(),
            None => request.transport,
        };
        tracing::debug!(
            token_endpoint = %endpoint,
            client_id = %self.client_id,
            "requesting an access token (client credentials)"
        );
        let started = Instant::now();
        let sent = tokio::time::timeout(
            self.timeout,
            transport.send(http_request, TOKEN_RESPONSE_LIMIT),
        )
        .await;
        let response = match sent {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => {
                tracing::warn!(token_endpoint = %endpoint, error = %e, "token request failed");
                return Err(
                    AuthError::message("the token request failed", Some(Box::new(e))).into(),
                );
            }
            Err(_) => {
                let e = Error::Timeout {
                    after: self.timeout,
                };
                tracing::warn!(token_endpoint = %endpoint, "token request timed out");
                return Err(
                    AuthError::message("the token request timed out", Some(Box::new(e))).into(),
                );
            }
        };
        let status = response.status();
        let body = response.body();
        if status != StatusCode::OK {
            let parsed: TokenErrorResponse = serde_json::from_slice(body).unwrap_or_default();
            let err = AuthError {
                status: Some(status),
                error: parsed.error,
                error_description: parsed.error_description,
                error_codes: parsed.error_codes,
                message: None,
                source: None,
            };
            tracing::warn!(
                token_endpoint = %endpoint,
                status = %status,
                error = err.error.as_deref().unwrap_or(""),
                "the token endpoint refused"
            );
            return Err(err.into());
        }
        let parsed: TokenResponse = serde_json::from_slice(body).map_err(|e| {
            // serde_json's message names positions and types, never the content.
            AuthError {
                status: Some(status),
                error: None,
                error_description: None,
                error_codes: Vec::new(),
                message: Some(format!("malformed token response: {e}")),
                source: None,
            }
        })?;
        // Entra ID tokens live at most a day; a larger `expires_in` (even
        // u64::MAX seconds, which would overflow an Instant) is capped.
        let expires_at = parsed.expires_in.and_then(|secs| {
            let lifetime = Duration::from_secs(secs.min(MAX_TOKEN_LIFETIME_SECS));
            let margin = Duration::from_secs(300).min(lifetime / 2);
            started.checked_add(lifetime - margin)
        });
        tracing::debug!(expires_in = parsed.expires_in, "got an access token");
        Ok(AccessToken::new(parsed.access_token, expires_at))
    }
}

impl TokenProvider for ClientCredentials {
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> BoxFuture<'a, Result<AccessToken, Error>> {
        Box::pin(async move {
            // Holding the lock across the fetch makes concurrent callers wait
            // for one refresh instead of each starting their own.
            let mut cache = self.cache.lock().await;
            let now = Instant::now();
            if let Some((_, token)) = cache.iter().find(|(s, _)| s == request.scope) {
                if token.is_fresh(now) {
                    return Ok(token.clone());
                }
            }
            let token = self.fetch(request).await?;
            cache.retain(|(s, t)| s != request.scope && t.is_fresh(now));
            cache.push((request.scope.to_owned(), token.clone()));
            Ok(token)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_and_endpoint() {
        let c = ClientCredentials::new("contoso.com", "app id", "s&cr=t+/").cloud(Cloud::China);
        assert_eq!(
            c.token_endpoint(Cloud::China).unwrap(),
            "https://login.chinacloudapi.cn/contoso.com/oauth2/v2.0/token"
        );
        assert_eq!(
            c.form(Cloud::China.graph_scope()),
            "client_id=app%20id&client_secret=s%26cr%3Dt%2B%2F&scope=https%3A%2F%2Fmicrosoftgraph.chinacloudapi.cn%2F.default&grant_type=client_credentials"
        );
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("s&cr=t"), "{dbg}");
        assert!(dbg.contains("[redacted]"), "{dbg}");
        let e = c.token_endpoint(Cloud::Global).unwrap_err();
        assert!(e.to_string().contains("china cloud"), "{e}");
        let c = c.authority_host("http://127.0.0.1:9/").unwrap();
        assert_eq!(
            c.token_endpoint(Cloud::China).unwrap(),
            "http://127.0.0.1:9/contoso.com/oauth2/v2.0/token"
        );
        assert!(ClientCredentials::new("t", "c", "s")
            .authority_host("http://login.example.com")
            .is_err());
        let unpinned = ClientCredentials::new("t", "c", "s");
        for cloud in Cloud::ALL {
            assert!(unpinned
                .token_endpoint(*cloud)
                .unwrap()
                .starts_with(cloud.login_host()));
        }
        assert!(ClientCredentials::new("", "c", "s")
            .token_endpoint(Cloud::Global)
            .is_err());
    }
}
