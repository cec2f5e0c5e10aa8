//! A write that fails or dies at any one of its filesystem steps leaves the
//! old crate or the new one, never a mix, and nothing beside it once recovered.

use super::*;

const OLD: &[(&str, &str)] = &[
    ("Cargo.toml", "[package] old"),
    ("OPERATIONS.md", "operations"),
    ("src/lib.rs", "lib old"),
    ("src/a/mod.rs", "a"),
    ("src/a/stale.rs", "stale"),
    ("src/gone/only.rs", "only"),
    ("src/b/same.rs", "same"),
];

const NEW: &[(&str, &str)] = &[
    ("Cargo.toml", "[package] new"),
    ("OPERATIONS.md", "operations"),
    ("src/lib.rs", "lib new"),
    ("src/a/mod.rs", "a"),
    ("src/b/same.rs", "same"),
    ("src/c/added.rs", "added"),
];

fn output(files: &[(&str, &str)]) -> Output {
    Output {
        files: files
            .iter()
            .map(|(rel, text)| (rel.to_string(), text.to_string()))
            .collect(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Dir,
    File(Vec<u8>),
    Link(PathBuf),
}

/// Everything in a folder, byte for byte, when it exists.
type Tree = Option<BTreeMap<String, Node>>;

fn tree(dir: &Path) -> Tree {
    if !exists(dir) {
        return None;
    }
    let nodes = walk(dir)
        .unwrap()
        .into_iter()
        .map(|(rel, entry)| {
            let node = match entry {
                Entry::Dir(_) => Node::Dir,
                Entry::File => Node::File(fs::read(dir.join(&rel)).unwrap()),
                Entry::Symlink(target) => Node::Link(target),
            };
            (rel, node)
        })
        .collect();
    Some(nodes)
}

/// A temporary folder holding `crate`: written from [`OLD`] and given the
/// files a user adds (tests, examples, a lock file, an empty folder, a note
/// under `src/`, a symbolic link), or absent.
fn fixture(with_old: bool) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("crate");
    if with_old {
        write(&dir, &output(OLD)).unwrap();
        for (rel, text) in [
            ("tests/client.rs", "#[test] fn t() {}"),
            ("examples/add.rs", "fn main() {}"),
            ("benches/wire.rs", "fn main() {}"),
            ("Cargo.lock", "# lock"),
            ("src/NOTES.txt", "kept"),
        ] {
            let path = dir.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        fs::create_dir(dir.join("tests/data")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("tests/client.rs", dir.join("latest.rs")).unwrap();
    }
    (tmp, dir)
}

/// What is beside the crate in its temporary folder.
fn beside(dir: &Path) -> Vec<String> {
    fs::read_dir(dir.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "crate")
        .collect()
}

/// The real filesystem, failing at step `fail_at` (and every later one when
/// the process `dies` there), optionally without the one-step exchange.
struct Faulty {
    steps: usize,
    fail_at: usize,
    dies: bool,
    exchange: bool,
}

impl Faulty {
    fn new(fail_at: usize, dies: bool, exchange: bool) -> Self {
        Faulty {
            steps: 0,
            fail_at,
            dies,
            exchange,
        }
    }

    fn step(&mut self) -> io::Result<()> {
        let n = self.steps;
        self.steps += 1;
        if n == self.fail_at || (self.dies && n > self.fail_at) {
            Err(io::Error::other(format!("injected failure at step {n}")))
        } else {
            Ok(())
        }
    }
}

impl Fs for Faulty {
    fn create_dir(&mut self, path: &Path) -> io::Result<()> {
        self.step()?;
        RealFs.create_dir(path)
    }
    fn write(&mut self, path: &Path, contents: &[u8]) -> io::Result<()> {
        self.step()?;
        RealFs.write(path, contents)
    }
    fn hard_link(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        self.step()?;
        RealFs.hard_link(from, to)
    }
    fn copy(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        self.step()?;
        RealFs.copy(from, to)
    }
    fn symlink(&mut self, target: &Path, link: &Path) -> io::Result<()> {
        self.step()?;
        RealFs.symlink(target, link)
    }
    fn set_permissions(&mut self, path: &Path, permissions: fs::Permissions) -> io::Result<()> {
        self.step()?;
        RealFs.set_permissions(path, permissions)
    }
    fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        self.step()?;
        RealFs.rename(from, to)
    }
    fn exchange(&mut self, a: &Path, b: &Path) -> io::Result<()> {
        self.step()?;
        if self.exchange {
            RealFs.exchange(a, b)
        } else {
            Err(io::ErrorKind::Unsupported.into())
        }
    }
    fn remove_file(&mut self, path: &Path) -> io::Result<()> {
        self.step()?;
        RealFs.remove_file(path)
    }
    fn remove_dir(&mut self, path: &Path) -> io::Result<()> {
        self.step()?;
        RealFs.remove_dir(path)
    }
}

/// The crate before and after a whole write of [`NEW`], and how many steps
/// that write takes.
fn expected(with_old: bool, exchange: bool) -> (Tree, Tree, usize) {
    let (_tmp, dir) = fixture(with_old);
    let old = tree(&dir);
    let mut fs_ = Faulty::new(usize::MAX, false, exchange);
    let report = write_with(&mut fs_, &dir, &output(NEW)).unwrap();
    assert_eq!(report.leftover, None);
    assert!(beside(&dir).is_empty());
    let new = tree(&dir);
    assert_ne!(old, new);
    (old, new, fs_.steps)
}

/// The cases: with and without the one-step exchange, over a crate and into
/// a folder that does not exist yet.
const CASES: [(bool, bool); 4] = [(true, true), (true, false), (false, true), (false, false)];

#[test]
fn a_failing_step_leaves_the_old_crate_or_the_new_one() {
    for (with_old, exchange) in CASES {
        let (old, new, steps) = expected(with_old, exchange);
        let (mut failed, mut left) = (0, 0);
        for n in 0..steps {
            let case = format!("old crate {with_old}, exchange {exchange}, failing step {n}");
            let (_tmp, dir) = fixture(with_old);
            match write_with(&mut Faulty::new(n, false, exchange), &dir, &output(NEW)) {
                Err(e) => {
                    failed += 1;
                    assert!(e.message.contains("injected failure"), "{case}: {e}");
                    assert_eq!(tree(&dir), old, "{case}");
                    assert_eq!(beside(&dir), Vec::<String>::new(), "{case}");
                }
                Ok(report) => {
                    assert_eq!(tree(&dir), new, "{case}");
                    if report.leftover.is_some() {
                        left += 1;
                        // Only removing the previous copy failed: the next
                        // write finds nothing to change and removes it.
                        assert!(!beside(&dir).is_empty(), "{case}");
                        let again = write(&dir, &output(NEW)).unwrap();
                        assert!(
                            again.written.is_empty() && again.leftover.is_none(),
                            "{case}"
                        );
                        assert_eq!(tree(&dir), new, "{case}");
                    }
                    assert_eq!(beside(&dir), Vec::<String>::new(), "{case}");
                }
            }
        }
        // Both outcomes happen: a failure before the swap, and one in
        // removing the old copy after it.
        assert!(
            failed >= 5,
            "{with_old} {exchange}: {failed} of {steps} failed"
        );
        assert_eq!(
            left > 0,
            with_old,
            "{with_old} {exchange}: {left} leftovers"
        );
    }
}

#[test]
fn a_write_that_dies_at_any_step_is_recovered() {
    for (with_old, exchange) in CASES {
        let (old, new, steps) = expected(with_old, exchange);
        let (mut left_something, mut left_no_crate) = (false, false);
        for n in 0..steps {
            let case = format!("old crate {with_old}, exchange {exchange}, dying at step {n}");
            let (_tmp, dir) = fixture(with_old);
            let _ = write_with(&mut Faulty::new(n, true, exchange), &dir, &output(NEW));
            let at_death = tree(&dir);
            left_something |= !beside(&dir).is_empty();
            if at_death.is_none() && with_old {
                // Between the two renames: the old crate is whole beside it.
                assert!(!exchange, "{case}");
                let parked = tree(&Paths::of(&dir).unwrap().old);
                assert_eq!(parked, old, "{case}");
                left_no_crate = true;
            } else {
                assert!(at_death == old || at_death == new, "{case}: a mix");
            }
            recover(&mut RealFs, &Paths::of(&dir).unwrap()).unwrap();
            let recovered = tree(&dir);
            assert!(
                recovered == old || recovered == new,
                "{case}: recovered a mix"
            );
            assert_eq!(beside(&dir), Vec::<String>::new(), "{case}");
            // The next write starts from there as from any crate.
            write(&dir, &output(NEW)).unwrap();
            assert_eq!(tree(&dir), new, "{case}");
            assert_eq!(beside(&dir), Vec::<String>::new(), "{case}");
        }
        assert!(
            left_something,
            "{with_old} {exchange}: no death left anything"
        );
        assert_eq!(
            left_no_crate,
            with_old && !exchange,
            "{with_old} {exchange}"
        );
    }
}

/// A write recovers by itself before it starts.
#[test]
fn the_next_write_recovers_first() {
    let (old, _, steps) = expected(true, false);
    for n in 0..steps {
        let (_tmp, dir) = fixture(true);
        let _ = write_with(&mut Faulty::new(n, true, false), &dir, &output(NEW));
        write(&dir, &output(OLD)).unwrap();
        assert_eq!(tree(&dir), old, "dying at step {n}");
        assert_eq!(beside(&dir), Vec::<String>::new(), "dying at step {n}");
    }
}

#[test]
fn only_generated_files_change() {
    let (_tmp, dir) = fixture(true);
    let before = tree(&dir).unwrap();
    let report = write(&dir, &output(NEW)).unwrap();
    assert_eq!(
        report,
        WriteReport {
            written: vec![
                "Cargo.toml".into(),
                "src/c/added.rs".into(),
                "src/lib.rs".into()
            ],
            removed: vec!["src/a/stale.rs".into(), "src/gone/only.rs".into()],
            unchanged: 3,
            leftover: None,
        }
    );
    let after = tree(&dir).unwrap();
    let in_src = |rel: &str| rel == "src" || rel.starts_with("src/");
    let users: Vec<_> = before
        .iter()
        .filter(|(rel, node)| {
            let generated_dir = **node == Node::Dir && in_src(rel);
            !(is_generated(rel, &output(OLD)) || generated_dir)
        })
        .collect();
    assert!(users.len() >= 9, "{users:?}");
    for (rel, node) in users {
        assert_eq!(after.get(rel), Some(node), "{rel}");
    }
    assert!(
        !after.contains_key("src/gone"),
        "an emptied generated folder goes"
    );
    assert_eq!(after.get("tests/data"), Some(&Node::Dir));
    assert_eq!(write(&dir, &output(NEW)).unwrap().unchanged, NEW.len());
}

/// The user's files and unchanged generated ones are the same files as
/// before, so their modification times stay and cargo rebuilds nothing.
#[cfg(unix)]
#[test]
fn kept_files_are_the_same_files() {
    use std::os::unix::fs::MetadataExt;
    let (_tmp, dir) = fixture(true);
    let kept = [
        "tests/client.rs",
        "Cargo.lock",
        "src/NOTES.txt",
        "src/b/same.rs",
    ];
    let ids = |dir: &Path| {
        kept.map(|rel| {
            let m = fs::metadata(dir.join(rel)).unwrap();
            (m.ino(), m.mtime_nsec(), m.mtime())
        })
    };
    let before = ids(&dir);
    write(&dir, &output(NEW)).unwrap();
    assert_eq!(ids(&dir), before);
    assert_eq!(
        fs::read_link(dir.join("latest.rs")).unwrap(),
        Path::new("tests/client.rs")
    );
}

/// A symbolic link to the crate stays a link; the folder it points to is
/// the one written.
#[cfg(unix)]
#[test]
fn a_link_to_the_crate_stays_a_link() {
    let (tmp, dir) = fixture(true);
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&dir, &link).unwrap();
    write(&link, &output(NEW)).unwrap();
    assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(fs::read(dir.join("src/lib.rs")).unwrap(), b"lib new");
}

#[test]
fn a_file_where_the_crate_goes_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("crate");
    fs::write(&dir, "not a folder").unwrap();
    let e = write(&dir, &output(NEW)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Usage);
    assert!(e.message.ends_with("crate: not a folder"), "{e}");
    assert_eq!(fs::read(&dir).unwrap(), b"not a folder");
}
