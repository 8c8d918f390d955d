//! Write: puts the rendered crate on disk. The only stage that writes files.
//!
//! A file is written only when its bytes change, through a temporary file and a rename, so that
//! a reader never sees half a file and an unchanged build is not disturbed. Files that carry the
//! generator's marker but are no longer produced are removed; files without it are never touched.

use std::collections::BTreeMap;
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

/// Writes `rendered` under `out`.
pub fn write(out: &Path, rendered: &Rendered) -> io::Result<WriteReport> {
    let mut report = WriteReport::default();
    for (rel, text) in rendered {
        let path = out.join(rel);
        if fs::read(&path).is_ok_and(|old| old == text.as_bytes()) {
            report.unchanged.push(rel.clone());
            continue;
        }
        write_atomic(&path, text.as_bytes())?;
        report.written.push(rel.clone());
    }
    for stale in stale_files(out, rendered)? {
        let path = out.join(&stale);
        fs::remove_file(&path)?;
        remove_empty_parents(out, &path);
        report.removed.push(stale);
    }
    Ok(report)
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

fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.toolgen-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
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
/// beside the old one (`.<provider>.pull-new`) and swapped in with two renames, so that a
/// failure leaves the old folder in place; nothing is written when nothing changed.
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

    let staging = schemas.join(format!(".{provider}.pull-new"));
    let retired = schemas.join(format!(".{provider}.pull-old"));
    for leftover in [&staging, &retired] {
        if leftover.exists() {
            fs::remove_dir_all(leftover)?;
        }
    }
    fs::create_dir_all(&staging)?;
    let built = (|| {
        if dir.is_dir() {
            for entry in fs::read_dir(&dir)? {
                let path = entry?.path();
                let file = path.file_name().map(|n| n.to_string_lossy().into_owned());
                if file.as_ref().is_some_and(|f| pulled.contains_key(f)) {
                    continue;
                }
                copy_tree(&path, &staging.join(path.file_name().unwrap_or_default()))?;
            }
        }
        for (file, text) in files {
            fs::write(staging.join(file), text)?;
        }
        io::Result::Ok(())
    })();
    if let Err(err) = built {
        let _ = fs::remove_dir_all(&staging);
        return Err(err);
    }
    if dir.exists() {
        fs::rename(&dir, &retired)?;
        if let Err(err) = fs::rename(&staging, &dir) {
            let _ = fs::rename(&retired, &dir);
            return Err(err);
        }
        fs::remove_dir_all(&retired)?;
    } else {
        fs::rename(&staging, &dir)?;
    }
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
