//! What the example programs share: starting, logging, failing,
//! describing errors, showing progress, and the options saying where the
//! service is and how to authenticate.

mod progress;

use std::future::Future;
use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use msgraph_connectors::runtime::{ClientBuilder, ClientCredentials, Cloud};

pub use progress::{err_line, out_line, Progress};

/// Parses the arguments, installs the `RUST_LOG` subscriber and runs `run`
/// on a single-threaded runtime. A usage error is exit status 1; `--help`
/// and `--version` print to standard output and succeed.
pub fn main<A: Parser, F: Future<Output = ExitCode>>(run: impl FnOnce(A) -> F) -> ExitCode {
    logging();
    let args = match A::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(format!("cannot start the async runtime: {e}")),
    };
    runtime.block_on(run(args))
}

/// Says why on standard error: exit status 1.
pub fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(1)
}

/// The runtime's spans and events on standard error, as `RUST_LOG` says
/// (e.g. `RUST_LOG=graphgen_runtime=debug` shows each attempt). Without it
/// only errors would show, and the runtime logs none: the output stays as
/// it is.
fn logging() {
    // Colours only where a person reads them; `NO_COLOR` still turns them off.
    let ansi = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .init();
}

/// An error and each of its sources, joined by `: `. The runtime's errors
/// keep their source out of their own text, so nothing repeats.
pub fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s
}

/// Where the service is and how to authenticate, as options.
#[derive(clap::Args, Debug)]
pub struct Service {
    /// Service root to send to instead of the cloud's (e.g. a proxy or a
    /// test server: http://127.0.0.1:8080/v1.0).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,

    /// A bearer token; without it the client-credentials flow runs with
    /// AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET.
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,

    /// Entra ID authority host for the client-credentials flow instead of
    /// the cloud's (default: AZURE_AUTHORITY_HOST if set).
    #[arg(long, value_name = "URL")]
    pub authority_host: Option<String>,
}

impl Service {
    /// `builder` sending to the service root given, with the bearer token
    /// given or else the client-credentials flow from `AZURE_*`.
    pub fn apply(&self, mut builder: ClientBuilder, cloud: Cloud) -> Result<ClientBuilder, String> {
        if let Some(url) = &self.base_url {
            builder = builder.base_url(url);
        }
        if let Some(token) = &self.token {
            return Ok(builder.bearer_token(token.as_str()));
        }
        let mut creds = ClientCredentials::from_env(cloud)
            .map_err(|e| format!("{} (or pass --token)", describe(&e)))?;
        let authority = self
            .authority_host
            .clone()
            .or_else(|| std::env::var("AZURE_AUTHORITY_HOST").ok())
            .filter(|h| !h.is_empty());
        if let Some(host) = authority {
            creds = creds.authority_host(&host).map_err(|e| describe(&e))?;
        }
        Ok(builder.token_provider(creds))
    }
}
