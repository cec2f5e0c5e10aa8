//! Access tokens: the [`TokenProvider`] abstraction, a static token, and the
//! OAuth2 client-credentials flow against Microsoft Entra ID.

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

/// Gives the bearer token for each request. Object safe; called once per
/// attempt, so implementations should cache.
pub trait TokenProvider: Send + Sync {
    /// A currently valid access token.
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>>;
}

impl<T: TokenProvider + ?Sized> TokenProvider for Arc<T> {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>> {
        (**self).token()
    }
}

/// A fixed bearer token (e.g. from the command line). Debug prints
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
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>> {
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
/// secret) against `<authority>/<tenant>/oauth2/v2.0/token`, with scope
/// `<graph host>/.default` of the chosen cloud.
///
/// Tokens are cached until five minutes before they expire (half their
/// lifetime for tokens issued for less than ten minutes); concurrent callers
/// share one refresh. The secret and the tokens never appear in `Debug`,
/// errors or logs.
///
/// ```no_run
/// use graphgen_runtime::{auth::ClientCredentials, Client, Cloud};
///
/// # async fn f() -> Result<(), graphgen_runtime::Error> {
/// let creds = ClientCredentials::new("contoso.onmicrosoft.com", "app-id", "app-secret")
///     .cloud(Cloud::UsGovL4);
/// let client = Client::builder(Cloud::UsGovL4).token_provider(creds).build()?;
/// # Ok(()) }
/// ```
pub struct ClientCredentials {
    tenant_id: String,
    client_id: String,
    client_secret: Secret,
    cloud: Cloud,
    authority_host: Option<BaseUrl>,
    scope: Option<String>,
    timeout: Duration,
    transport: std::sync::OnceLock<Arc<dyn Transport>>,
    cache: tokio::sync::Mutex<Option<AccessToken>>,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("cloud", &self.cloud)
            .field("token_endpoint", &self.token_endpoint())
            .field("scope", &self.scope())
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
    /// Credentials for the global cloud; see [`cloud`](Self::cloud).
    pub fn new(
        tenant_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        ClientCredentials {
            tenant_id: tenant_id.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            cloud: Cloud::Global,
            authority_host: None,
            scope: None,
            timeout: Duration::from_secs(30),
            transport: std::sync::OnceLock::new(),
            cache: tokio::sync::Mutex::new(None),
        }
    }

    /// Reads `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and `AZURE_CLIENT_SECRET`.
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

    /// The cloud whose authority host and Graph scope are used (default
    /// global). Use the same cloud as the [`Client`](crate::Client).
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        self.cloud = cloud;
        self
    }

    /// Another authority host (tests, proxies), e.g. `http://127.0.0.1:8080`;
    /// `https` required except for loopback hosts.
    pub fn authority_host(mut self, url: &str) -> Result<Self, Error> {
        self.authority_host = Some(BaseUrl::parse(url)?);
        Ok(self)
    }

    /// The scope requested: the cloud's `<graph host>/.default` unless set
    /// with [`with_scope`](Self::with_scope).
    pub fn scope(&self) -> &str {
        self.scope
            .as_deref()
            .unwrap_or_else(|| self.cloud.graph_scope())
    }

    /// Sets the scope.
    pub fn with_scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Timeout of one token request (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The transport for token requests (default: reqwest).
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = std::sync::OnceLock::from(Arc::new(transport) as Arc<dyn Transport>);
        self
    }

    /// The token endpoint URL.
    pub fn token_endpoint(&self) -> String {
        let host = match &self.authority_host {
            Some(h) => h.as_str(),
            None => self.cloud.login_host(),
        };
        format!(
            "{host}/{}/oauth2/v2.0/token",
            utf8_percent_encode(&self.tenant_id, FORM_ENCODE)
        )
    }

    fn form(&self) -> String {
        let mut out = String::new();
        for (k, v) in [
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
            ("scope", self.scope()),
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

    fn transport_or_default(&self) -> Result<Arc<dyn Transport>, Error> {
        if let Some(t) = self.transport.get() {
            return Ok(t.clone());
        }
        #[cfg(feature = "reqwest")]
        {
            // Built once, on first use; a race builds two and keeps one.
            let built: Arc<dyn Transport> = Arc::new(crate::transport::ReqwestTransport::new()?);
            Ok(self.transport.get_or_init(|| built).clone())
        }
        #[cfg(not(feature = "reqwest"))]
        {
            Err(AuthError::message(
                "no transport: enable the `reqwest` feature or call ClientCredentials::transport",
                None,
            )
            .into())
        }
    }

    async fn fetch(&self) -> Result<AccessToken, Error> {
        if self.tenant_id.is_empty() {
            return Err(AuthError::message("the tenant id is empty", None).into());
        }
        let endpoint = self.token_endpoint();
        let request = Request::builder()
            .method(Method::POST)
            .uri(&endpoint)
            .header(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            )
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .body(self.form().into_bytes())
            .map_err(|_| AuthError::message("invalid token endpoint URL", None))?;
        let transport = self.transport_or_default()?;
        tracing::debug!(
            token_endpoint = %endpoint,
            client_id = %self.client_id,
            scope = %self.scope(),
            "requesting an access token (client credentials)"
        );
        let started = Instant::now();
        let response =
            match tokio::time::timeout(self.timeout, transport.send(request, TOKEN_RESPONSE_LIMIT))
                .await
            {
                Ok(Ok(r)) => r,
                Ok(Err(e)) => {
                    tracing::warn!(token_endpoint = %endpoint, error = %e, "token request failed");
                    return Err(AuthError::message("the token request failed", Some(e)).into());
                }
                Err(_) => {
                    let e = Error::Timeout {
                        after: self.timeout,
                    };
                    tracing::warn!(token_endpoint = %endpoint, "token request timed out");
                    return Err(AuthError::message("the token request timed out", Some(e)).into());
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
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, Error>> {
        Box::pin(async move {
            // Holding the lock across the fetch makes concurrent callers wait
            // for one refresh instead of each starting their own.
            let mut cache = self.cache.lock().await;
            if let Some(token) = cache.as_ref() {
                if token.is_fresh(Instant::now()) {
                    return Ok(token.clone());
                }
            }
            let token = self.fetch().await?;
            *cache = Some(token.clone());
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
            c.token_endpoint(),
            "https://login.chinacloudapi.cn/contoso.com/oauth2/v2.0/token"
        );
        assert_eq!(
            c.form(),
            "client_id=app%20id&client_secret=s%26cr%3Dt%2B%2F&scope=https%3A%2F%2Fmicrosoftgraph.chinacloudapi.cn%2F.default&grant_type=client_credentials"
        );
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("s&cr=t"), "{dbg}");
        assert!(dbg.contains("[redacted]"), "{dbg}");
        let c = c.authority_host("http://127.0.0.1:9/").unwrap();
        assert_eq!(
            c.token_endpoint(),
            "http://127.0.0.1:9/contoso.com/oauth2/v2.0/token"
        );
        assert!(ClientCredentials::new("t", "c", "s")
            .authority_host("http://login.example.com")
            .is_err());
    }
}
