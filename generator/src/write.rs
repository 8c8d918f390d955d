//! Write: puts the rendered crate on disk. The only stage that writes files.
//!
//! The output folder switches from the old crate to the new one in one step, so that a run that
//! is killed at any moment leaves either the old folder or the new one, never a mix:
//!
//! 1. Leftovers of an interrupted run beside the output are recovered or removed
//!    (`recover`).
//! 2. Nothing happens when every file already has its bytes.
//! 3. Otherwise the new folder is built beside the output (`.<name>.toolgen-new`): files whose
//!    bytes did not change, and files without the generator's marker (foreign files), are
//!    hard-linked (copied, with their modification time, where links are not possible), so an
//!    unchanged file keeps its modification time and cargo sees nothing to rebuild; changed files
//!    are written; generated files that are no longer produced are left out.
//! 4. The two folders are exchanged atomically (`renameat2(RENAME_EXCHANGE)` on Linux and
//!    Android, `renameatx_np(RENAME_SWAP)` on macOS), and the old one is removed. Where the
//!    exchange is not available it is two renames: the output becomes `.<name>.toolgen-old`, then
//!    the new folder takes its name. A run killed between the two leaves no output folder; the
//!    next run puts the old one back before it starts.
//!
//! Runs on one output take an advisory lock on its parent folder where the platform allows it.
//! The hidden environment variables `TOOLGEN_WRITE_PAUSE` and `TOOLGEN_WRITE_NO_EXCHANGE` exist
//! for the interrupted-write tests only (see ARCHITECTURE.md).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use crate::render::{MARKER, Rendered};

/// What a write changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// Files created or rewritten, relative to the output folder.
    pub written: Vec<String>,
    /// Files left as they were because their bytes matched.
    pub unchanged: Vec<String>,
    /// Stale generated files that were removed.
    pub removed: Vec<String>,
    /// Schema parts that were typed more loosely than written.
    pub warnings: Vec<crate::diagnostics::Diagnostic>,
    /// The text of the schema files, for rendering the warnings with snippets.
    pub sources: crate::diagnostics::Sources,
}

/// Writes `rendered` under `out`, switching the whole folder at once (see the module docs).
pub fn write(out: &Path, rendered: &Rendered) -> io::Result<WriteReport> {
    let out = resolve(out)?;
    let swap = Swap::new(&out, "toolgen")?;
    let _lock = lock(&swap.parent);
    swap.recover()?;
    let exists = match fs::metadata(&out) {
        Ok(meta) if meta.is_dir() => true,
        Ok(_) => {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} is not a folder", out.display()),
            ));
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => false,
        Err(err) => return Err(err),
    };
    let mut report = WriteReport::default();
    for (rel, text) in rendered {
        if exists && fs::read(out.join(rel)).is_ok_and(|old| old == text.as_bytes()) {
            report.unchanged.push(rel.clone());
        } else {
            report.written.push(rel.clone());
        }
    }
    report.removed = stale_files(&out, rendered)?;
    if report.written.is_empty() && report.removed.is_empty() {
        return Ok(report);
    }
    fs::create_dir(&swap.staging)?;
    if let Err(err) = stage(&out, &swap.staging, rendered, &report, exists) {
        let _ = fs::remove_dir_all(&swap.staging);
        return Err(err);
    }
    pause("staged");
    swap.commit()?;
    Ok(report)
}

/// The output folder as an absolute path, through a symbolic link if it is one, so that the
/// folder it points to is the one replaced.
fn resolve(out: &Path) -> io::Result<PathBuf> {
    let is_link = fs::symlink_metadata(out).is_ok_and(|meta| meta.file_type().is_symlink());
    if is_link {
        fs::canonicalize(out)
    } else {
        std::path::absolute(out)
    }
}

/// Builds the new folder in `staging`: the old folder's foreign files and folders, the unchanged
/// files linked, the changed ones written, the stale ones left out.
fn stage(
    out: &Path,
    staging: &Path,
    rendered: &Rendered,
    report: &WriteReport,
    exists: bool,
) -> io::Result<()> {
    let mut placed = 0usize;
    let mut place = || {
        placed += 1;
        pause(&format!("staging:{placed}"));
    };
    if exists {
        let skip: BTreeSet<&str> = rendered
            .keys()
            .chain(&report.removed)
            .map(String::as_str)
            .collect();
        mirror(out, staging, "", &skip, &mut place)?;
    }
    let unchanged: BTreeSet<&str> = report.unchanged.iter().map(String::as_str).collect();
    for (rel, text) in rendered {
        let to = staging.join(rel);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)?;
        }
        if unchanged.contains(rel.as_str()) {
            link_or_copy(&out.join(rel), &to)?;
        } else {
            let mut file = fs::File::create_new(&to)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
        }
        place();
    }
    for stale in &report.removed {
        remove_empty_parents(staging, &staging.join(stale));
    }
    Ok(())
}

/// Recreates the folder `from` (relative path `rel`) in `to`, with every entry except the files
/// named in `skip`: folders are created, files hard-linked, symbolic links copied as links.
fn mirror(
    from: &Path,
    to: &Path,
    rel: &str,
    skip: &BTreeSet<&str>,
    place: &mut dyn FnMut(),
) -> io::Result<()> {
    let mut entries = fs::read_dir(from)?.collect::<io::Result<Vec<_>>>()?;
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name();
        let child_rel = if rel.is_empty() {
            name.to_string_lossy().into_owned()
        } else {
            format!("{rel}/{}", name.to_string_lossy())
        };
        let (source, target) = (entry.path(), to.join(&name));
        let kind = entry.file_type()?;
        if kind.is_dir() {
            fs::create_dir(&target)?;
            mirror(&source, &target, &child_rel, skip, place)?;
        } else if kind.is_symlink() {
            copy_link(&source, &target)?;
            place();
        } else if !skip.contains(child_rel.as_str()) {
            link_or_copy(&source, &target)?;
            place();
        }
    }
    Ok(())
}

/// Hard-links `from` to `to`; where that fails, copies a regular file and keeps its modification
/// time.
fn link_or_copy(from: &Path, to: &Path) -> io::Result<()> {
    match fs::hard_link(from, to) {
        Ok(()) => Ok(()),
        Err(err) => {
            let meta = fs::metadata(from)?;
            if !meta.is_file() {
                return Err(err);
            }
            fs::copy(from, to)?;
            fs::File::options()
                .write(true)
                .open(to)?
                .set_modified(meta.modified()?)
        }
    }
}

#[cfg(unix)]
fn copy_link(from: &Path, to: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(fs::read_link(from)?, to)
}

#[cfg(not(unix))]
fn copy_link(from: &Path, to: &Path) -> io::Result<()> {
    link_or_copy(from, to)
}

/// A folder replaced as a whole: the folder, and beside it the new folder being built and the
/// old one being retired (`.<name>.<tag>-new`, `.<name>.<tag>-old`).
#[derive(Debug)]
struct Swap {
    target: PathBuf,
    parent: PathBuf,
    staging: PathBuf,
    retired: PathBuf,
}

impl Swap {
    /// `target` must be absolute or have a parent; its parent folder is created.
    fn new(target: &Path, tag: &str) -> io::Result<Self> {
        let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} cannot be replaced as a folder", target.display()),
            ));
        };
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        fs::create_dir_all(parent)?;
        let name = name.to_string_lossy();
        Ok(Self {
            target: target.to_path_buf(),
            parent: parent.to_path_buf(),
            staging: parent.join(format!(".{name}.{tag}-new")),
            retired: parent.join(format!(".{name}.{tag}-old")),
        })
    }

    /// Cleans up after a run that was killed: when the target is missing but a retired folder
    /// exists, the run died between the two renames of the fallback, so the old folder goes back;
    /// then any half-built or retired folder is removed.
    fn recover(&self) -> io::Result<()> {
        let missing = fs::symlink_metadata(&self.target)
            .is_err_and(|err| err.kind() == io::ErrorKind::NotFound);
        if missing && self.retired.is_dir() {
            fs::rename(&self.retired, &self.target)?;
        }
        for leftover in [&self.staging, &self.retired] {
            if fs::symlink_metadata(leftover).is_ok() {
                fs::remove_dir_all(leftover)?;
            }
        }
        Ok(())
    }

    /// Puts the complete staging folder in the target's place and removes the old folder.
    fn commit(&self) -> io::Result<()> {
        if fs::symlink_metadata(&self.target).is_err() {
            return fs::rename(&self.staging, &self.target);
        }
        if exchange(&self.staging, &self.target)? {
            pause("swapped");
            // The staging path now holds the old folder. A failure to remove it is not the
            // caller's problem: the next run removes it.
            let _ = fs::remove_dir_all(&self.staging);
            return Ok(());
        }
        fs::rename(&self.target, &self.retired)?;
        pause("half-swapped");
        if let Err(err) = fs::rename(&self.staging, &self.target) {
            let _ = fs::rename(&self.retired, &self.target);
            return Err(err);
        }
        pause("swapped");
        let _ = fs::remove_dir_all(&self.retired);
        Ok(())
    }
}

/// Exchanges two folders atomically. `Ok(false)` when the platform or file system cannot (then
/// nothing happened).
#[cfg(any(target_os = "linux", target_os = "android", target_os = "macos"))]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    if std::env::var_os("TOOLGEN_WRITE_NO_EXCHANGE").is_some() {
        return Ok(false);
    }
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(Errno::INVAL | Errno::NOSYS | Errno::NOTSUP) => Ok(false),
        Err(errno) => Err(errno.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "macos")))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// An advisory lock on `dir` for the length of a write, so that two runs on one output do not
/// clean up each other's staging folder. Best effort: `None` where folders cannot be locked.
fn lock(dir: &Path) -> Option<fs::File> {
    let file = fs::File::open(dir).ok()?;
    file.lock().ok()?;
    Some(file)
}

/// A test hook: when `TOOLGEN_WRITE_PAUSE` names `point`, says so on stderr and waits forever,
/// so that a test can kill the process at exactly that point of a write.
fn pause(point: &str) {
    static PAUSE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let wanted = PAUSE.get_or_init(|| std::env::var("TOOLGEN_WRITE_PAUSE").ok());
    if wanted.as_deref() == Some(point) {
        eprintln!("toolgen: paused at {point}");
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}

/// Generated files under `out` (by their marker) that `rendered` no longer holds.
pub fn stale_files(out: &Path, rendered: &Rendered) -> io::Result<Vec<String>> {
    let mut stale = Vec::new();
    if out.is_dir() {
        for path in walk(out)? {
            let rel = path
                .strip_prefix(out)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            if !rendered.contains_key(&rel) && is_generated(&path) {
                stale.push(rel);
            }
        }
    }
    stale.sort();
    Ok(stale)
}

/// Does the file start with the generator's marker?
pub fn is_generated(path: &Path) -> bool {
    let Ok(bytes) = fs::read(path) else {
        return false;
    };
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    String::from_utf8_lossy(first_line).contains(MARKER)
}

/// Every file below `dir`, skipping `target` folders and hidden entries, without following links.
fn walk(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(&current)? {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') || name == "target" {
                continue;
            }
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                out.push(entry.path());
            }
        }
    }
    Ok(out)
}

/// Removes the folders that a removed file leaves empty, up to (not including) `out`.
fn remove_empty_parents(out: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(current) = dir {
        if current == out || !current.starts_with(out) || fs::remove_dir(current).is_err() {
            break;
        }
        dir = current.parent();
    }
}

/// Files under `out` that differ from `rendered`: missing, changed, or generated but no longer
/// produced. Empty when `out` is up to date.
pub fn stale(out: &Path, rendered: &Rendered) -> io::Result<Vec<String>> {
    let mut paths: Vec<String> = rendered
        .iter()
        .filter(|(rel, text)| fs::read(out.join(rel)).map_or(true, |old| old != text.as_bytes()))
        .map(|(rel, _)| rel.clone())
        .collect();
    paths.extend(stale_files(out, rendered)?);
    paths.sort();
    Ok(paths)
}

/// What a pull changed in one provider folder, by tool name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullReport {
    /// Tools that had no file.
    pub added: Vec<String>,
    /// Tools whose file changed.
    pub changed: Vec<String>,
    /// Tools whose file was deleted, because the server no longer lists them.
    pub removed: Vec<String>,
}

/// Replaces the pulled tool files of `schemas/<provider>/` with `files` (file name → text).
///
/// The pulled files are the provider folder's top-level `*.json` files that hold one tool
/// (`overlay.json`, sub-folders and other files are kept as they are). The new folder is built
/// beside the old one (`.<provider>.pull-new`) and swapped in the way [`write()`] swaps the
/// generated crate, so that a failure or a kill leaves the old folder or the new one; nothing is
/// written when nothing changed.
pub fn replace_provider(
    schemas: &Path,
    provider: &str,
    files: &BTreeMap<String, String>,
) -> io::Result<PullReport> {
    let unsafe_name = provider.is_empty()
        || provider.starts_with('.')
        || provider.contains(['/', '\\', '\0'])
        || Path::new(provider).components().count() != 1;
    if unsafe_name {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{provider:?} is not a provider folder name"),
        ));
    }
    let dir = schemas.join(provider);
    let swap = Swap::new(&dir, "pull")?;
    let _lock = lock(&swap.parent);
    swap.recover()?;
    // File name → (tool name, text) of the files a previous pull wrote.
    let mut pulled: BTreeMap<String, (String, String)> = BTreeMap::new();
    if dir.is_dir() {
        for entry in fs::read_dir(&dir)? {
            let path = entry?.path();
            let Some(file) = path
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_string)
            else {
                continue;
            };
            if file == crate::overlay::OVERLAY_FILE || !file.ends_with(".json") || !path.is_file() {
                continue;
            }
            let text = fs::read_to_string(&path).unwrap_or_default();
            let name = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v.get("name").and_then(|n| n.as_str()).map(str::to_string));
            if let Some(name) = name {
                pulled.insert(file, (name, text));
            }
        }
    }
    let tool_name = |text: &str| {
        serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| v.get("name").and_then(|n| n.as_str()).map(str::to_string))
            .unwrap_or_default()
    };
    let mut report = PullReport::default();
    for (file, text) in files {
        match pulled.get(file) {
            None => report.added.push(tool_name(text)),
            Some((_, old)) if old != text => report.changed.push(tool_name(text)),
            Some(_) => {}
        }
    }
    for (file, (name, _)) in &pulled {
        if !files.contains_key(file) {
            report.removed.push(name.clone());
        }
    }
    if report.added.is_empty() && report.changed.is_empty() && report.removed.is_empty() {
        return Ok(report);
    }

    fs::create_dir(&swap.staging)?;
    let built = (|| {
        if dir.is_dir() {
            for entry in fs::read_dir(&dir)? {
                let path = entry?.path();
                let file = path.file_name().map(|n| n.to_string_lossy().into_owned());
                if file.as_ref().is_some_and(|f| pulled.contains_key(f)) {
                    continue;
                }
                copy_tree(
                    &path,
                    &swap.staging.join(path.file_name().unwrap_or_default()),
                )?;
            }
        }
        for (file, text) in files {
            fs::write(swap.staging.join(file), text)?;
        }
        io::Result::Ok(())
    })();
    if let Err(err) = built {
        let _ = fs::remove_dir_all(&swap.staging);
        return Err(err);
    }
    swap.commit()?;
    Ok(report)
}

/// Copies a file, or a folder with everything in it (symbolic links are copied as the files
/// they point to).
fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    if fs::symlink_metadata(from)?.is_dir() {
        fs::create_dir_all(to)?;
        for entry in fs::read_dir(from)? {
            let path = entry?.path();
            copy_tree(&path, &to.join(path.file_name().unwrap_or_default()))?;
        }
        Ok(())
    } else {
        fs::copy(from, to).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(files: &[(&str, &str)]) -> Rendered {
        files
            .iter()
            .map(|(path, text)| (path.to_string(), format!("// {MARKER}\n{text}")))
            .collect()
    }

    /// Every file under `dir` (hidden ones included) with its bytes.
    fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(current) = stack.pop() {
            for entry in fs::read_dir(&current).expect("list") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path.strip_prefix(dir).expect("inside");
                    let rel = rel.to_string_lossy().replace('\\', "/");
                    files.insert(rel, fs::read(&path).expect("read"));
                }
            }
        }
        files
    }

    fn leftovers(parent: &Path) -> Vec<String> {
        fs::read_dir(parent)
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|name| name.contains(".toolgen-"))
            .collect()
    }

    #[test]
    fn a_rewrite_keeps_unchanged_files_and_foreign_files_and_drops_stale_ones() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("out");
        let first = rendered(&[("a.rs", "a"), ("sub/b.rs", "b"), ("gone/c.rs", "c")]);
        let report = write(&out, &first).expect("first write");
        assert_eq!(report.written.len(), 3);
        fs::write(out.join("NOTES.md"), "mine").expect("foreign file");
        fs::create_dir_all(out.join("target/debug")).expect("foreign folder");
        fs::write(out.join("target/debug/x"), "build").expect("foreign file");
        fs::create_dir(out.join("empty")).expect("foreign empty folder");
        let a_before = fs::metadata(out.join("a.rs")).expect("a.rs");

        let second = rendered(&[("a.rs", "a"), ("sub/b.rs", "b2"), ("d.rs", "d")]);
        let report = write(&out, &second).expect("second write");
        assert_eq!(report.unchanged, ["a.rs"]);
        assert_eq!(report.written, ["d.rs", "sub/b.rs"]);
        assert_eq!(report.removed, ["gone/c.rs"]);

        let files = tree(&out);
        let names: Vec<&str> = files.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            ["NOTES.md", "a.rs", "d.rs", "sub/b.rs", "target/debug/x"]
        );
        assert_eq!(files["NOTES.md"], b"mine");
        assert!(out.join("empty").is_dir(), "a foreign empty folder stays");
        assert!(
            !out.join("gone").exists(),
            "a folder emptied of stale files goes"
        );
        let a_after = fs::metadata(out.join("a.rs")).expect("a.rs");
        assert_eq!(
            a_before.modified().expect("mtime"),
            a_after.modified().expect("mtime"),
            "an unchanged file keeps its modification time"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            assert_eq!(
                a_before.ino(),
                a_after.ino(),
                "the unchanged file is the same file"
            );
        }
        assert!(
            leftovers(tmp.path()).is_empty(),
            "{:?}",
            leftovers(tmp.path())
        );
    }

    #[test]
    fn an_unchanged_crate_is_not_touched() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("out");
        let files = rendered(&[("a.rs", "a")]);
        write(&out, &files).expect("first write");
        #[cfg(unix)]
        let before = {
            use std::os::unix::fs::MetadataExt as _;
            fs::metadata(&out).expect("out").ino()
        };
        let report = write(&out, &files).expect("second write");
        assert!(report.written.is_empty() && report.removed.is_empty());
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            assert_eq!(
                before,
                fs::metadata(&out).expect("out").ino(),
                "not swapped"
            );
        }
    }

    #[test]
    fn leftovers_of_a_killed_run_are_recovered() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("out");
        let old = rendered(&[("a.rs", "old")]);
        write(&out, &old).expect("first write");
        // A run killed between the fallback's two renames: no output, the old one retired, a
        // complete new one staged.
        fs::rename(&out, tmp.path().join(".out.toolgen-old")).expect("retire");
        fs::create_dir(tmp.path().join(".out.toolgen-new")).expect("stage");
        fs::write(tmp.path().join(".out.toolgen-new/a.rs"), "half").expect("stage");
        let stale = super::stale(&out, &old).expect("stale");
        assert_eq!(stale, ["a.rs"], "before recovery the output is missing");
        let new = rendered(&[("a.rs", "new")]);
        write(&out, &new).expect("the next run succeeds");
        assert_eq!(tree(&out), tree_of(&new));
        assert!(
            leftovers(tmp.path()).is_empty(),
            "{:?}",
            leftovers(tmp.path())
        );
    }

    fn tree_of(rendered: &Rendered) -> BTreeMap<String, Vec<u8>> {
        rendered
            .iter()
            .map(|(path, text)| (path.clone(), text.clone().into_bytes()))
            .collect()
    }

    #[test]
    fn an_output_that_is_a_file_is_an_error() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("out");
        fs::write(&out, "not a folder").expect("file");
        let err = write(&out, &rendered(&[("a.rs", "a")])).expect_err("a file is not replaced");
        assert!(err.to_string().contains("is not a folder"), "{err}");
        assert_eq!(fs::read(&out).expect("kept"), b"not a folder");
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_to_the_output_stays_a_link() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let real = tmp.path().join("real");
        let link = tmp.path().join("link");
        write(&real, &rendered(&[("a.rs", "a")])).expect("first write");
        std::os::unix::fs::symlink(&real, &link).expect("link");
        write(&link, &rendered(&[("a.rs", "b")])).expect("write through the link");
        assert!(
            fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink()
        );
        assert!(
            fs::read_to_string(real.join("a.rs"))
                .expect("a.rs")
                .ends_with('b')
        );
    }
}
