//! Writing a generated crate to disk, all or nothing.
//!
//! The generated parts of a crate are the files [`Output`] holds and every
//! `.rs` file under `src/`; everything else in the folder (tests, examples,
//! benchmarks, a lock file) is the user's and is kept as it is.
//!
//! A write builds the whole new crate in a sibling folder `.NAME.graphgen-new`:
//! changed files are written there, and every other file (unchanged generated
//! ones and the user's) is hard-linked from the crate, so it keeps its contents,
//! its inode and its modification time (copied where a link is refused). Then
//! the two folders are swapped: in one step on Linux (`renameat2` with
//! `RENAME_EXCHANGE`), elsewhere with two renames through `.NAME.graphgen-old`.
//! Last the previous copy is removed. So the crate's path holds the whole old
//! crate or the whole new one at every instant, save on systems without the
//! exchange, where it is absent between the two renames.
//!
//! What a process that dies midway can leave, and what the next write does
//! before anything else:
//! - `.NAME.graphgen-new` beside the crate: a new copy not yet swapped in, or
//!   after the exchange the old crate: removed (the crate itself is whole).
//! - no crate but `.NAME.graphgen-old`: death between the two renames: the old
//!   crate is renamed back, as if the write had not started.
//! - the crate and `.NAME.graphgen-old`: death after both renames: removed.
//!
//! One writer at a time per folder. A user's file replaced (not edited in
//! place) while a write runs keeps its old contents. Nothing is synced to the
//! disk: a process dying is covered, a power cut is not.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};

use super::Output;

#[cfg(test)]
mod tests;

/// What [`write()`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// Generated files whose contents changed or that are new.
    pub written: Vec<String>,
    /// Generated files the output no longer has.
    pub removed: Vec<String>,
    pub unchanged: usize,
    /// The previous copy of the crate, when it could not be removed after the
    /// swap: why, and where it is. The next write removes it.
    pub leftover: Option<String>,
}

/// The filesystem changes a write makes, one call each, so that tests can
/// fail any one of them.
pub(crate) trait Fs {
    fn create_dir(&mut self, path: &Path) -> io::Result<()>;
    fn write(&mut self, path: &Path, contents: &[u8]) -> io::Result<()>;
    fn hard_link(&mut self, from: &Path, to: &Path) -> io::Result<()>;
    fn copy(&mut self, from: &Path, to: &Path) -> io::Result<()>;
    fn symlink(&mut self, target: &Path, link: &Path) -> io::Result<()>;
    fn set_permissions(&mut self, path: &Path, permissions: fs::Permissions) -> io::Result<()>;
    fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()>;
    /// Swaps two existing paths in one step; `Unsupported` where the system
    /// or the filesystem cannot.
    fn exchange(&mut self, a: &Path, b: &Path) -> io::Result<()>;
    fn remove_file(&mut self, path: &Path) -> io::Result<()>;
    fn remove_dir(&mut self, path: &Path) -> io::Result<()>;
}

/// The real filesystem.
pub(crate) struct RealFs;

impl Fs for RealFs {
    fn create_dir(&mut self, path: &Path) -> io::Result<()> {
        fs::create_dir(path)
    }
    fn write(&mut self, path: &Path, contents: &[u8]) -> io::Result<()> {
        fs::write(path, contents)
    }
    fn hard_link(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        fs::hard_link(from, to)
    }
    fn copy(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        fs::copy(from, to).map(|_| ())
    }
    fn symlink(&mut self, target: &Path, link: &Path) -> io::Result<()> {
        symlink(target, link)
    }
    fn set_permissions(&mut self, path: &Path, permissions: fs::Permissions) -> io::Result<()> {
        fs::set_permissions(path, permissions)
    }
    fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        fs::rename(from, to)
    }
    fn exchange(&mut self, a: &Path, b: &Path) -> io::Result<()> {
        exchange(a, b)
    }
    fn remove_file(&mut self, path: &Path) -> io::Result<()> {
        fs::remove_file(path)
    }
    fn remove_dir(&mut self, path: &Path) -> io::Result<()> {
        fs::remove_dir(path)
    }
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(target: &Path, link: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        format!(
            "{}: symbolic link to {} not carried over",
            link.display(),
            target.display()
        ),
    ))
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        // Old kernels, and filesystems without the flag.
        Err(e) if [Errno::INVAL, Errno::NOSYS, Errno::OPNOTSUPP].contains(&e) => {
            Err(io::ErrorKind::Unsupported.into())
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// Writes `output` into `dir` (created if missing): generated files the
/// output changes are replaced, generated files it no longer has are removed,
/// the rest is kept. An error leaves the crate as it was; see the module
/// documentation for how.
pub fn write(dir: &Path, output: &Output) -> Result<WriteReport> {
    write_with(&mut RealFs, dir, output)
}

pub(crate) fn write_with(fs_: &mut dyn Fs, dir: &Path, output: &Output) -> Result<WriteReport> {
    let paths = Paths::of(dir)?;
    recover(fs_, &paths)?;
    let existed = match fs::symlink_metadata(&paths.dir) {
        Ok(m) if m.is_dir() => true,
        Ok(_) => {
            return Err(Error::new(
                ErrorKind::Usage,
                format!("{}: not a folder", paths.dir.display()),
            ))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(Error::io(&paths.dir, &e)),
    };
    let mut report = WriteReport::default();
    if let Err(e) = build(fs_, &paths, output, existed, &mut report) {
        // The crate is untouched; a copy that cannot be removed now is
        // removed by the next write.
        let _ = remove_all(fs_, &paths.new);
        return Err(e);
    }
    let retired = swap(fs_, &paths, existed)?;
    if let Some(retired) = retired {
        if let Err(e) = remove_all(fs_, &retired) {
            report.leftover = Some(format!(
                "the previous copy of the crate, {}, could not be removed ({e}); the next write removes it",
                retired.display()
            ));
        }
    }
    Ok(report)
}

/// The crate's folder and its two siblings, resolved so that a symbolic link
/// to the crate is kept and the folder it points to is written.
struct Paths {
    dir: PathBuf,
    new: PathBuf,
    old: PathBuf,
}

impl Paths {
    fn of(dir: &Path) -> Result<Self> {
        let dir = if fs::symlink_metadata(dir).is_ok() {
            fs::canonicalize(dir).map_err(|e| Error::io(dir, &e))?
        } else {
            let parent = match dir.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, &e))?;
            let parent = fs::canonicalize(parent).map_err(|e| Error::io(parent, &e))?;
            match dir.file_name() {
                Some(name) => parent.join(name),
                None => parent,
            }
        };
        let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
            return Err(Error::new(
                ErrorKind::Usage,
                format!(
                    "{}: a crate cannot be written at a filesystem root",
                    dir.display()
                ),
            ));
        };
        let sibling = |suffix: &str| {
            let mut n = OsString::from(".");
            n.push(name);
            n.push(suffix);
            parent.join(n)
        };
        Ok(Paths {
            new: sibling(".graphgen-new"),
            old: sibling(".graphgen-old"),
            dir,
        })
    }
}

fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Brings the crate back whole after a write that died midway, and removes
/// what such a write left beside it.
fn recover(fs_: &mut dyn Fs, paths: &Paths) -> Result<()> {
    if !exists(&paths.dir) && exists(&paths.old) {
        fs_.rename(&paths.old, &paths.dir).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!(
                    "{} is missing and an earlier write left the crate at {}, which cannot be moved back: {e}",
                    paths.dir.display(),
                    paths.old.display()
                ),
            )
        })?;
    }
    for leftover in [&paths.new, &paths.old] {
        if exists(leftover) {
            remove_all(fs_, leftover).map_err(|e| {
                Error::new(
                    ErrorKind::Io,
                    format!(
                        "{}, left by an earlier write, cannot be removed ({e}); remove it by hand",
                        leftover.display()
                    ),
                )
            })?;
        }
    }
    Ok(())
}

/// Whether a file at `rel` is one the generator owns, whether or not the
/// output has it.
fn is_generated(rel: &str, output: &Output) -> bool {
    output.files.contains_key(rel) || (rel.starts_with("src/") && rel.ends_with(".rs"))
}

/// Fills `paths.new` with the whole new crate.
fn build(
    fs_: &mut dyn Fs,
    paths: &Paths,
    output: &Output,
    existed: bool,
    report: &mut WriteReport,
) -> Result<()> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e: io::Error| Error::io(&path, &e)
    };
    fs_.create_dir(&paths.new).map_err(io(&paths.new))?;
    let mut made = Made {
        root: &paths.new,
        dirs: BTreeSet::from([String::new()]),
    };
    let old = if existed {
        walk(&paths.dir).map_err(io(&paths.dir))?
    } else {
        BTreeMap::new()
    };
    for (rel, entry) in &old {
        let (from, to) = (paths.dir.join(rel), paths.new.join(rel));
        match entry {
            // Empty folders of the user's are kept; under `src/` only those
            // something is written into.
            Entry::Dir(_) if rel != "src" && !rel.starts_with("src/") => made.dir(fs_, rel)?,
            Entry::Dir(_) => {}
            _ if output.files.contains_key(rel) => {}
            _ if is_generated(rel, output) => report.removed.push(rel.clone()),
            Entry::File => {
                made.parent_of(fs_, rel)?;
                link_or_copy(fs_, &from, &to).map_err(io(&to))?;
            }
            Entry::Symlink(target) => {
                made.parent_of(fs_, rel)?;
                fs_.symlink(target, &to).map_err(io(&to))?;
            }
        }
    }
    for (rel, contents) in &output.files {
        made.parent_of(fs_, rel)?;
        let (from, to) = (paths.dir.join(rel), paths.new.join(rel));
        let same = existed && fs::read(&from).is_ok_and(|old| old == contents.as_bytes());
        if same {
            link_or_copy(fs_, &from, &to).map_err(io(&to))?;
            report.unchanged += 1;
        } else {
            fs_.write(&to, contents.as_bytes()).map_err(io(&to))?;
            report.written.push(rel.clone());
        }
    }
    // Permissions last, deepest first, so a read-only folder is filled first.
    let root_meta = existed
        .then(|| fs::metadata(&paths.dir).ok())
        .flatten()
        .map(|m| m.permissions());
    for rel in made.dirs.iter().rev() {
        let permissions = match old.get(rel) {
            Some(Entry::Dir(p)) => Some(p.clone()),
            _ if rel.is_empty() => root_meta.clone(),
            _ => None,
        };
        let target = paths.new.join(rel);
        if let Some(p) = permissions {
            if fs::metadata(&target).map_or(true, |m| m.permissions() != p) {
                fs_.set_permissions(&target, p).map_err(io(&target))?;
            }
        }
    }
    Ok(())
}

/// The folders made so far in the new copy, by path relative to it.
struct Made<'a> {
    root: &'a Path,
    dirs: BTreeSet<String>,
}

impl Made<'_> {
    fn dir(&mut self, fs_: &mut dyn Fs, rel: &str) -> Result<()> {
        if self.dirs.contains(rel) {
            return Ok(());
        }
        if let Some((parent, _)) = rel.rsplit_once('/') {
            self.dir(fs_, parent)?;
        }
        let path = self.root.join(rel);
        fs_.create_dir(&path).map_err(|e| Error::io(&path, &e))?;
        self.dirs.insert(rel.to_string());
        Ok(())
    }

    fn parent_of(&mut self, fs_: &mut dyn Fs, rel: &str) -> Result<()> {
        match rel.rsplit_once('/') {
            Some((parent, _)) => self.dir(fs_, parent),
            None => Ok(()),
        }
    }
}

fn link_or_copy(fs_: &mut dyn Fs, from: &Path, to: &Path) -> io::Result<()> {
    fs_.hard_link(from, to).or_else(|_| fs_.copy(from, to))
}

/// Puts the new copy in the crate's place; returns where the old crate now is.
fn swap(fs_: &mut dyn Fs, paths: &Paths, existed: bool) -> Result<Option<PathBuf>> {
    let abandon = |fs_: &mut dyn Fs, e: Error| {
        let _ = remove_all(fs_, &paths.new);
        Err(e)
    };
    if !existed {
        return match fs_.rename(&paths.new, &paths.dir) {
            Ok(()) => Ok(None),
            Err(e) => abandon(fs_, Error::io(&paths.dir, &e)),
        };
    }
    match fs_.exchange(&paths.new, &paths.dir) {
        Ok(()) => return Ok(Some(paths.new.clone())),
        Err(e) if e.kind() == io::ErrorKind::Unsupported => {}
        Err(e) => return abandon(fs_, Error::io(&paths.dir, &e)),
    }
    if let Err(e) = fs_.rename(&paths.dir, &paths.old) {
        return abandon(fs_, Error::io(&paths.dir, &e));
    }
    if let Err(e) = fs_.rename(&paths.new, &paths.dir) {
        return match fs_.rename(&paths.old, &paths.dir) {
            Ok(()) => abandon(fs_, Error::io(&paths.dir, &e)),
            Err(back) => Err(Error::new(
                ErrorKind::Io,
                format!(
                    "{}: the new crate could not be moved into place ({e}) nor the old one back ({back}); the old crate is at {}, and the next write puts it back",
                    paths.dir.display(),
                    paths.old.display()
                ),
            )),
        };
    }
    Ok(Some(paths.old.clone()))
}

/// Removes a file, a symbolic link (not what it points to) or a whole folder.
fn remove_all(fs_: &mut dyn Fs, path: &Path) -> io::Result<()> {
    if fs::symlink_metadata(path)?.is_dir() {
        for entry in fs::read_dir(path)? {
            remove_all(fs_, &entry?.path())?;
        }
        fs_.remove_dir(path)
    } else {
        fs_.remove_file(path)
    }
}

/// One thing in a crate's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    Dir(fs::Permissions),
    File,
    Symlink(PathBuf),
}

/// Everything under `dir` (not following symbolic links), by path relative
/// to it with `/` separators; parents come before their contents.
fn walk(dir: &Path) -> io::Result<BTreeMap<String, Entry>> {
    fn go(root: &Path, dir: &Path, out: &mut BTreeMap<String, Entry>) -> io::Result<()> {
        for entry in fs::read_dir(dir)? {
            let path = entry?.path();
            let rel = path
                .strip_prefix(root)
                .map_err(io::Error::other)?
                .to_string_lossy()
                .replace('\\', "/");
            let meta = fs::symlink_metadata(&path)?;
            if meta.is_dir() {
                out.insert(rel, Entry::Dir(meta.permissions()));
                go(root, &path, out)?;
            } else if meta.is_symlink() {
                out.insert(rel, Entry::Symlink(fs::read_link(&path)?));
            } else if meta.is_file() {
                out.insert(rel, Entry::File);
            } else {
                return Err(io::Error::other(format!(
                    "{}: not a file, a folder or a symbolic link",
                    path.display()
                )));
            }
        }
        Ok(())
    }
    let mut out = BTreeMap::new();
    go(dir, dir, &mut out)?;
    Ok(out)
}

/// Generated files on disk that the output no longer has.
pub fn stale_files(dir: &Path, output: &Output) -> Vec<String> {
    walk(dir)
        .unwrap_or_default()
        .into_iter()
        .filter(|(rel, entry)| {
            !matches!(entry, Entry::Dir(_))
                && !output.files.contains_key(rel)
                && is_generated(rel, output)
        })
        .map(|(rel, _)| rel)
        .collect()
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
