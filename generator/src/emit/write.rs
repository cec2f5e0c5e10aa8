//! Writing a generated crate to disk, all or nothing.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

use super::Output;

/// What [`write()`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    pub written: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: usize,
}

/// Writes `output` into `dir`: only files whose contents changed, and
/// removes generated files no longer produced (`.rs` files under `src/`).
/// Every new file is first written beside its target under a temporary name;
/// only when all of them are written are they renamed into place, so a
/// failure leaves the crate as it was.
pub fn write(dir: &Path, output: &Output) -> Result<WriteReport> {
    let mut report = WriteReport::default();
    let mut staged: Vec<(PathBuf, PathBuf, &str)> = Vec::new();
    let cleanup = |staged: &[(PathBuf, PathBuf, &str)]| {
        for (tmp, _, _) in staged {
            let _ = fs::remove_file(tmp);
        }
    };
    for (rel, contents) in &output.files {
        let target = dir.join(rel);
        if fs::read(&target).is_ok_and(|old| old == contents.as_bytes()) {
            report.unchanged += 1;
            continue;
        }
        let parent = target.parent().unwrap_or(dir);
        let tmp = parent.join(format!(
            ".{}.graphgen-tmp",
            target.file_name().and_then(|n| n.to_str()).unwrap_or("out")
        ));
        let result = fs::create_dir_all(parent).and_then(|()| fs::write(&tmp, contents));
        if let Err(e) = result {
            cleanup(&staged);
            return Err(Error::io(&tmp, &e));
        }
        staged.push((tmp, target, rel));
    }
    let stale = stale_files(dir, output);
    for (tmp, target, rel) in &staged {
        if let Err(e) = fs::rename(tmp, target) {
            cleanup(&staged);
            return Err(Error::io(target, &e));
        }
        report.written.push(rel.to_string());
    }
    for rel in stale {
        let path = dir.join(&rel);
        fs::remove_file(&path).map_err(|e| Error::io(&path, &e))?;
        report.removed.push(rel);
    }
    remove_empty_dirs(&dir.join("src"));
    Ok(report)
}

/// Generated files on disk that the output no longer has.
pub fn stale_files(dir: &Path, output: &Output) -> Vec<String> {
    let mut found = BTreeSet::new();
    collect_rs(&dir.join("src"), dir, &mut found);
    found
        .into_iter()
        .filter(|rel| !output.files.contains_key(rel))
        .collect()
}

fn collect_rs(path: &Path, root: &Path, out: &mut BTreeSet<String>) {
    let Ok(entries) = fs::read_dir(path) else {
        return;
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            collect_rs(&p, root, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            if let Ok(rel) = p.strip_prefix(root) {
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
}

fn remove_empty_dirs(path: &Path) {
    let Ok(entries) = fs::read_dir(path) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.path().is_dir() {
            remove_empty_dirs(&entry.path());
            let _ = fs::remove_dir(entry.path());
        }
    }
}

/// Files that differ between disk and `output` (changed, missing or stale):
/// what a freshness check reports.
pub fn diff(dir: &Path, output: &Output) -> Vec<String> {
    let mut out: Vec<String> = output
        .files
        .iter()
        .filter(|(rel, contents)| {
            fs::read(dir.join(rel)).map_or(true, |old| old != contents.as_bytes())
        })
        .map(|(rel, _)| rel.clone())
        .collect();
    out.extend(stale_files(dir, output));
    out.sort();
    out
}
