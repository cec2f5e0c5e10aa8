//! Example programs as the tests run them: built once per test process with
//! the cargo that runs the tests, then started with arguments, standard
//! input and environment, off the async runtime (which keeps serving).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The executable of `example` of `package`, built once per process
/// (`cargo test` does not build examples when only some tests are chosen).
/// `cargo` and `manifest_dir` are the test crate's `env!("CARGO")` and
/// `env!("CARGO_MANIFEST_DIR")`.
///
/// # Panics
///
/// When the build fails or cargo names no executable.
pub fn build(cargo: &str, manifest_dir: &str, package: &str, example: &str) -> PathBuf {
    static BUILT: Mutex<BTreeMap<String, PathBuf>> = Mutex::new(BTreeMap::new());
    // Held while building: two tests asking at once build it once.
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    let key = format!("{package}/{example}");
    if let Some(exe) = built.get(&key) {
        return exe.clone();
    }
    let mut cmd = Command::new(cargo);
    cmd.args([
        "build",
        "--quiet",
        "--package",
        package,
        "--example",
        example,
        "--message-format=json",
    ]);
    if !cfg!(debug_assertions) {
        cmd.arg("--release");
    }
    // Cargo sets these for the test process; passed on, they would make
    // build scripts that watch them (ring's watches CARGO_MANIFEST_DIR)
    // rebuild here, and again in the next `cargo test`.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_PKG_")
            || name.starts_with("CARGO_CRATE_")
            || name.starts_with("CARGO_BIN_")
            || name.starts_with("CARGO_MANIFEST_")
            || [
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
                "CARGO_RUSTC_CURRENT_DIR",
            ]
            .contains(&name.as_ref())
        {
            cmd.env_remove(name.as_ref());
        }
    }
    let out = cmd
        .current_dir(manifest_dir)
        .stderr(Stdio::inherit())
        .output()
        .expect("run cargo build");
    assert!(
        out.status.success(),
        "cargo build --example {example} failed"
    );
    let exe = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .filter(|m| m["target"]["name"] == example)
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .expect("cargo reported the example's executable");
    built.insert(key, exe.clone());
    exe
}

/// Runs `exe` with `args`, `stdin` (none: standard input is empty) and
/// `env`, the `AZURE_*` credentials of the test's own environment removed;
/// its whole output.
pub async fn run(
    exe: &Path,
    args: Vec<String>,
    stdin: Option<&str>,
    env: Vec<(&'static str, String)>,
) -> Output {
    let exe = exe.to_owned();
    let stdin = stdin.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        let mut cmd = Command::new(exe);
        cmd.args(&args)
            .env_remove("AZURE_TENANT_ID")
            .env_remove("AZURE_CLIENT_ID")
            .env_remove("AZURE_CLIENT_SECRET")
            .env_remove("AZURE_AUTHORITY_HOST")
            .envs(env)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("start the example");
        if let Some(text) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        }
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

/// A file in a folder of its own, both removed when dropped. Tests run at
/// once: a shared folder would be removed by one test's cleanup while
/// another writes into it.
#[derive(Debug)]
pub struct TempFile {
    dir: PathBuf,
    path: PathBuf,
}

impl TempFile {
    /// A file named `name`, holding `text`, in a new folder of this process.
    pub fn new(name: &str, text: &str) -> TempFile {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "graphgen-examples-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("create a temporary folder");
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write a temporary file");
        TempFile { dir, path }
    }

    /// The path, as an argument.
    pub fn arg(&self) -> String {
        self.path
            .to_str()
            .expect("a UTF-8 temporary path")
            .to_owned()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
