//! Secrets that never print.

use std::fmt;
use std::time::Instant;

/// A secret string (client secret, access token). Its `Debug` and `Display`
/// print `[redacted]`; read it with [`Secret::expose`].
///
/// ```
/// use graphgen_runtime::Secret;
///
/// let s = Secret::new("hunter2");
/// assert_eq!(format!("{s:?} {s}"), "[redacted] [redacted]");
/// assert_eq!(s.expose(), "hunter2");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Box<str>);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Secret(secret.into().into_boxed_str())
    }

    /// The secret text. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret::new(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret::new(s)
    }
}

/// A bearer access token and, when known, when it stops being usable.
#[derive(Clone, Debug)]
pub struct AccessToken {
    /// The token (redacted in `Debug`).
    pub secret: Secret,
    /// When to stop using it (already including any safety margin); `None`
    /// for a token that does not expire as far as this crate knows.
    pub expires_at: Option<Instant>,
}

impl AccessToken {
    /// A token with an optional expiry.
    pub fn new(secret: impl Into<Secret>, expires_at: Option<Instant>) -> Self {
        AccessToken {
            secret: secret.into(),
            expires_at,
        }
    }

    /// Whether it is still usable at `now`.
    pub fn is_fresh(&self, now: Instant) -> bool {
        match self.expires_at {
            Some(t) => now < t,
            None => true,
        }
    }
}
