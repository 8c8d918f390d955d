//! Write: puts the rendered crate on disk. The only stage that writes files.
//!
//! A file is written only when its bytes change, through a temporary file and a rename, so that
//! a reader never sees half a file and an unchanged build is not disturbed. Files that carry the
//! generator's marker but are no longer produced are removed; files without it are never touched.

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
