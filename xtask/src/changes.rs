//! The generated crate's `CHANGES.md` and version, kept by `cargo xtask
//! regen`.
//!
//! Each entry of `CHANGES.md` (newest first) records, in an HTML comment,
//! the sha256 of the slices in `metadata/` the crate was generated from.
//! When the slices no longer match the newest entry, regen finds the ones
//! that did: in git, among the commits that changed `metadata/` (or in a
//! folder given with `--previous`). It compares the API of the crate made
//! from them with the API made from the slices now, both with this
//! generator, so the report shows what the metadata change does and
//! nothing else; writes the report as a new entry; and bumps the version
//! by semver. While the slices match, regen reproduces `CHANGES.md` and the
//! version as they are, so running it again changes nothing.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;

use crate::api::{self, Document};
use crate::api_diff::{self, Class};
use crate::metadata::{self, sha256_hex, CLOUDS};
use crate::regen::{self, SLICES};

/// The file, in the generated crate's folder.
pub const FILE: &str = "CHANGES.md";

/// Opens each entry's record of the slices it was made from.
const MADE_FROM: &str = "<!-- metadata:";

/// What the committed crate says of itself.
pub struct Committed {
    /// The newest entry's of its `CHANGES.md`; without one its
    /// `Cargo.toml`'s; without that [`regen::FIRST_VERSION`].
    pub version: String,
    /// Its `CHANGES.md`, if it has one.
    pub changelog: Option<String>,
}

impl Committed {
    pub fn read(crate_dir: &Path) -> Result<Committed, String> {
        let read = |name: &str| -> Result<Option<String>, String> {
            let path = crate_dir.join(name);
            match fs::read_to_string(&path) {
                Ok(text) => Ok(Some(text)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(graphgen::Error::io(&path, &e).to_string()),
            }
        };
        let changelog = read(FILE)?;
        let newest = changelog.as_deref().and_then(|c| {
            c.lines()
                .find_map(|l| l.strip_prefix("## "))
                .map(|v| v.trim().to_string())
        });
        let version = match (newest, read("Cargo.toml")?) {
            (Some(version), _) => version,
            (None, Some(manifest)) => package_version(&manifest).ok_or_else(|| {
                format!(
                    "{}: no `version = \"...\"` in [package]",
                    crate_dir.join("Cargo.toml").display()
                )
            })?,
            (None, None) => regen::FIRST_VERSION.to_string(),
        };
        Ok(Committed { version, changelog })
    }

    /// The slices (file name, sha256) the newest entry records.
    fn made_from(&self) -> Option<Vec<(String, String)>> {
        let line = self
            .changelog
            .as_deref()?
            .lines()
            .find(|l| l.starts_with(MADE_FROM))?;
        let words: Vec<&str> = line
            .trim_start_matches(MADE_FROM)
            .trim_end_matches("-->")
            .split_whitespace()
            .collect();
        Some(
            words
                .chunks(2)
                .filter_map(|pair| Some((pair.first()?.to_string(), pair.get(1)?.to_string())))
                .collect(),
        )
    }
}

/// The version in a manifest's `[package]` table.
fn package_version(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(value) = line.strip_prefix("version") {
                let value = value.trim_start().strip_prefix('=')?.trim();
                return Some(value.trim_matches('"').to_string());
            }
        }
    }
    None
}

/// The slices in `metadata/` now, as (file name, sha256).
fn made_from_now(root: &Path) -> Result<Vec<(String, String)>, String> {
    SLICES
        .iter()
        .map(|(_, path)| {
            let file = root.join(path);
            let bytes = fs::read(&file).map_err(|e| graphgen::Error::io(&file, &e).to_string())?;
            Ok((file_name(path).to_string(), sha256_hex(&bytes)))
        })
        .collect()
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Where the previous slices come from when the metadata changed.
#[derive(Debug, Clone, Copy)]
pub enum Previous<'a> {
    /// Nowhere: only say whether the metadata changed (`cargo xtask check`).
    NotLooked,
    /// Git history, or this folder of slices.
    Find(Option<&'a Path>),
}

/// The version and `CHANGES.md` of the crate regen writes.
pub struct Release {
    pub version: String,
    pub changelog: String,
    /// The entry this regen adds, if the metadata changed.
    pub entry: Option<String>,
}

/// The release regen makes of the crate in `crate_dir` from the slices in
/// `metadata/`: the committed one while the slices are those its newest
/// entry records, else one with a new entry. `None` when the metadata
/// changed and `previous` is [`Previous::NotLooked`].
pub fn release(
    root: &Path,
    crate_dir: &Path,
    previous: Previous<'_>,
) -> Result<Option<Release>, String> {
    let committed = Committed::read(crate_dir)?;
    let now = made_from_now(root)?;
    let recorded = committed.made_from();
    if let (Some(recorded), Some(changelog)) = (&recorded, &committed.changelog) {
        if *recorded == now {
            return Ok(Some(Release {
                version: committed.version,
                changelog: changelog.clone(),
                entry: None,
            }));
        }
    }
    let Previous::Find(folder) = previous else {
        return Ok(None);
    };
    let source_now = fs::read_to_string(root.join("metadata/PROVENANCE.md"))
        .ok()
        .and_then(|p| metadata::source(&p).map(str::to_string));
    let mut entry = String::new();
    let version;
    match recorded {
        None => {
            version = committed.version.clone();
            let _ = writeln!(entry, "## {version}\n\n{}\n", record(&now));
            if let Some(source) = &source_now {
                let _ = writeln!(entry, "Metadata: {source}.\n");
            }
            let _ = writeln!(
                entry,
                "The first entry: no earlier metadata is recorded, so there is nothing to compare with.\n"
            );
        }
        Some(recorded) => {
            let (documents, source_before) = match folder {
                Some(folder) => (slices_in(folder, &recorded)?, provenance_in(folder)),
                None => from_git(root, &recorded)?,
            };
            let config = regen::config(root);
            let old = api::api(&documents, &config.selection, &config.options)
                .map_err(|e| format!("the previous metadata: {e}"))?;
            let new = api::api_of_config(&config)?;
            let changes = api_diff::diff(&old, &new);
            let (bumped, why) = bump(&committed.version, api_diff::class(&changes))?;
            version = bumped;
            let _ = writeln!(entry, "## {version}\n\n{}\n", record(&now));
            let show = |s: &Option<String>| {
                s.clone()
                    .unwrap_or_else(|| "not recorded (no `Source:` in PROVENANCE.md)".into())
            };
            let _ = writeln!(
                entry,
                "Metadata: {}. Before: {}.\n",
                show(&source_now),
                show(&source_before)
            );
            let _ = writeln!(
                entry,
                "Version {} → {version}: {why}. {}\n",
                committed.version,
                api_diff::summary(&changes)
            );
            entry.push_str(&api_diff::markdown(&changes));
        }
    }
    let entry = entry.trim_end().to_string() + "\n";
    let older = committed
        .changelog
        .as_deref()
        .and_then(|c| c.find("\n## ").map(|at| &c[at + 1..]))
        .unwrap_or("");
    let mut changelog = format!(
        "<!-- @generated by `cargo xtask regen`; do not edit. -->\n\n# Changes of the generated API\n\n\
         Newest first. Each entry compares the API of the crate made from the metadata before and \
         after a change of `metadata/` (as `cargo xtask api-diff` does), classes each change \
         breaking or additive, and sets the version by semver: for a 0.x crate a breaking change \
         bumps the minor version, anything else the patch version.\n\n{entry}"
    );
    if !older.is_empty() {
        changelog.push('\n');
        changelog.push_str(older);
    }
    Ok(Some(Release {
        version,
        changelog,
        entry: Some(entry),
    }))
}

/// The HTML comment recording the slices an entry was made from.
fn record(made_from: &[(String, String)]) -> String {
    let pairs: Vec<String> = made_from
        .iter()
        .map(|(file, sha)| format!("{file} {sha}"))
        .collect();
    format!("{MADE_FROM} {} -->", pairs.join(" "))
}

/// `version` bumped by semver for changes of `class`, and why.
pub fn bump(version: &str, class: Option<Class>) -> Result<(String, &'static str), String> {
    let parts: Vec<u64> = version
        .split('.')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| format!("version `{version}` is not MAJOR.MINOR.PATCH"))?;
    let [major, minor, patch] = parts[..] else {
        return Err(format!("version `{version}` is not MAJOR.MINOR.PATCH"));
    };
    Ok(match (major, class) {
        (0, Some(Class::Breaking)) => (
            format!("0.{}.0", minor + 1),
            "breaking changes bump the minor version of a 0.x crate",
        ),
        (0, Some(Class::Additive)) => (
            format!("0.{minor}.{}", patch + 1),
            "additive changes only bump the patch version of a 0.x crate",
        ),
        (_, Some(Class::Breaking)) => (
            format!("{}.0.0", major + 1),
            "breaking changes bump the major version",
        ),
        (_, Some(Class::Additive)) => (
            format!("{major}.{}.0", minor + 1),
            "additive changes bump the minor version",
        ),
        (_, None) => (
            format!("{major}.{minor}.{}", patch + 1),
            "the metadata changed but not the API: the patch version goes up",
        ),
    })
}

/// The cloud label of a slice file.
fn cloud_of(file: &str) -> Result<&'static str, String> {
    CLOUDS
        .iter()
        .find(|c| c.slice == file)
        .map(|c| c.cloud)
        .ok_or_else(|| format!("`{file}` is not a slice this project keeps"))
}

/// The slices `recorded` names, read from `folder`.
fn slices_in(folder: &Path, recorded: &[(String, String)]) -> Result<Vec<Document>, String> {
    recorded
        .iter()
        .map(|(file, _)| {
            let path = folder.join(file);
            Ok(Document {
                cloud: cloud_of(file)?.into(),
                name: path.display().to_string(),
                bytes: fs::read(&path).map_err(|e| graphgen::Error::io(&path, &e).to_string())?,
            })
        })
        .collect()
}

fn provenance_in(folder: &Path) -> Option<String> {
    let text = fs::read_to_string(folder.join("PROVENANCE.md")).ok()?;
    metadata::source(&text).map(str::to_string)
}

/// Runs git in `root`; its stdout, or `None` when it fails.
fn git(root: &Path, args: &[&str]) -> Result<Option<Vec<u8>>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    Ok(out.status.success().then_some(out.stdout))
}

/// The slices `recorded` names, from the newest commit that changed
/// `metadata/` and holds them all with those sha256, and the source its
/// PROVENANCE.md names.
fn from_git(
    root: &Path,
    recorded: &[(String, String)],
) -> Result<(Vec<Document>, Option<String>), String> {
    let not_found = || {
        format!(
            "the metadata the committed crate was generated from ({}) is in no commit that changed \
             metadata/; pass `cargo xtask regen --previous <folder>` with those slices",
            recorded
                .iter()
                .map(|(f, sha)| format!("{f} sha256 {sha}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let log = git(root, &["log", "--format=%H", "--", "metadata"])?.ok_or_else(not_found)?;
    'commits: for commit in String::from_utf8_lossy(&log).lines() {
        let mut documents = Vec::new();
        for (file, sha) in recorded {
            let spec = format!("{commit}:metadata/{file}");
            match git(root, &["show", &spec])? {
                Some(bytes) if sha256_hex(&bytes) == *sha => documents.push(Document {
                    cloud: cloud_of(file)?.into(),
                    name: spec,
                    bytes,
                }),
                _ => continue 'commits,
            }
        }
        let provenance = git(root, &["show", &format!("{commit}:metadata/PROVENANCE.md")])?
            .and_then(|p| metadata::source(&String::from_utf8_lossy(&p)).map(str::to_string));
        return Ok((documents, provenance));
    }
    Err(not_found())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_semver() {
        let v = |version, class| bump(version, class).unwrap().0;
        assert_eq!(v("0.1.0", Some(Class::Breaking)), "0.2.0");
        assert_eq!(v("0.2.3", Some(Class::Breaking)), "0.3.0");
        assert_eq!(v("0.2.3", Some(Class::Additive)), "0.2.4");
        assert_eq!(v("0.2.3", None), "0.2.4");
        assert_eq!(v("1.2.3", Some(Class::Breaking)), "2.0.0");
        assert_eq!(v("1.2.3", Some(Class::Additive)), "1.3.0");
        assert_eq!(v("1.2.3", None), "1.2.4");
        assert!(bump("0.1", None).is_err());
        assert!(bump("0.1.x", None).is_err());
    }

    #[test]
    fn the_package_version_is_read_from_its_table() {
        let manifest = "# comment\n\n[package]\nname = \"x\"\nversion = \"0.3.1\"\n\n[dependencies]\nversion = \"9\"\n";
        assert_eq!(package_version(manifest).as_deref(), Some("0.3.1"));
        assert_eq!(package_version("[dependencies]\nversion = \"1\"\n"), None);
    }

    #[test]
    fn an_entry_records_its_slices() {
        let made = vec![
            ("global.csdl".to_string(), "aa".to_string()),
            ("usgov.csdl".to_string(), "bb".to_string()),
        ];
        let committed = Committed {
            version: "0.1.0".into(),
            changelog: Some(format!(
                "# x\n\n## 0.1.1\n\n{}\n\n## 0.1.0\n\n{MADE_FROM} global.csdl cc -->\n",
                record(&made)
            )),
        };
        assert_eq!(committed.made_from(), Some(made));
    }
}
