//! Any `azure_core` credential as a [`TokenProvider`] (cargo feature `azure`).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use azure_core::credentials::TokenCredential;

use super::{TokenProvider, TokenRequest};
use crate::error::AuthError;
use crate::transport::BoxFuture;
use crate::{AccessToken, Error};

/// An `azure_core` [`TokenCredential`] serving a [`Client`](crate::Client):
/// `azure_identity`'s managed identity, workload identity, certificate,
/// Azure CLI or client-secret credentials, or your own. The client asks for
/// its cloud's scope ([`Cloud::graph_scope`](crate::Cloud::graph_scope));
/// configure the credential for the same cloud's authority (an
/// `azure_identity` credential's `ClientOptions` cloud setting). The
/// credential does its own caching and HTTP, with its own transport.
///
/// ```
/// use std::sync::Arc;
/// use azure_core::credentials::TokenCredential;
/// use graphgen_runtime::{auth::AzureCredential, Client, Cloud};
///
/// // `credential` from azure_identity, e.g.
/// // `ManagedIdentityCredential::new(None)?` or `AzureCliCredential::new(None)?`.
/// fn client(credential: Arc<dyn TokenCredential>) -> Result<Client, graphgen_runtime::Error> {
///     Client::builder(Cloud::UsGovL4)
///         .token_provider(AzureCredential::new(credential))
///         .build()
/// }
/// ```
#[derive(Clone)]
pub struct AzureCredential {
    credential: Arc<dyn TokenCredential>,
}

impl AzureCredential {
    /// Wraps a credential (`azure_identity` constructors return an `Arc`).
    pub fn new(credential: Arc<dyn TokenCredential>) -> Self {
        AzureCredential { credential }
    }
}

impl fmt::Debug for AzureCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // azure_core's credentials print no secret in Debug.
        f.debug_tuple("AzureCredential")
            .field(&self.credential)
            .finish()
    }
}

impl TokenProvider for AzureCredential {
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> BoxFuture<'a, Result<AccessToken, Error>> {
        Box::pin(async move {
            tracing::debug!(
                scope = request.scope,
                "requesting an access token (azure_core credential)"
            );
            let token = self
                .credential
                .get_token(&[request.scope], None)
                .await
                .map_err(|e| {
                    tracing::warn!(error = %e, "the azure_core credential failed");
                    AuthError::message("the Azure credential failed", Some(Box::new(e)))
                })?;
            let left = token.expires_on - azure_core::time::OffsetDateTime::now_utc();
            // The credential owns the refresh: this is only informative.
            let now = Instant::now();
            let expires_at = match Duration::try_from(left) {
                Ok(left) => now.checked_add(left),
                Err(_) => Some(now), // already expired
            };
            tracing::debug!("got an access token");
            Ok(AccessToken::new(
                token.token.secret().to_owned(),
                expires_at,
            ))
        })
    }
}
