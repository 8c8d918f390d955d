//! No file of `runtime/src` imports, directly or through others, a file that imports it.
//!
//! The edges are read from the code (comments are skipped, and so is the `#[cfg(test)]` module
//! at the end of a file, whose `super` is the file itself): every `super::`, `self::` and
//! `crate::` path leads to the deepest module file it names, and a path that names an item of
//! the crate root (`super::Error` from a top-level file) leads to `lib.rs`, which imports every
//! module.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each file's module path (`["oauth", "store"]`), keyed by its path below `src/`.
fn modules(src: &Path) -> BTreeMap<String, Vec<String>> {
    let mut found = BTreeMap::new();
    let mut folders = vec![PathBuf::new()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(src.join(&folder)).expect("read runtime/src");
        for entry in entries {
            let entry = entry.expect("entry");
            let relative = folder.join(entry.file_name());
            if entry.path().is_dir() {
                folders.push(relative);
                continue;
            }
            let name = relative.to_string_lossy().replace('\\', "/");
            let Some(stem) = name.strip_suffix(".rs") else {
                continue;
            };
            let mut path: Vec<String> = stem.split('/').map(str::to_string).collect();
            if matches!(path.last().map(String::as_str), Some("mod" | "lib")) {
                path.pop();
            }
            found.insert(name, path);
        }
    }
    found
}

/// The code of a file without comments and without its trailing test module.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod ") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The module paths that `code`, in the module `here`, names through `super::`, `self::` and
/// `crate::` (including the members of a `{...}` group right after the prefix).
fn paths(code: &str, here: &[String]) -> Vec<Vec<String>> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let rest = &code[at..];
        let boundary = at == 0 || {
            let before = bytes[at - 1];
            !(before.is_ascii_alphanumeric() || matches!(before, b'_' | b'$' | b':'))
        };
        let start = ["super::", "self::", "crate::"]
            .iter()
            .find(|prefix| boundary && rest.starts_with(**prefix));
        let Some(_) = start else {
            at += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let path = &rest[..end];
        let after = rest[end..].chars().next();
        at += end.max(1);
        if after == Some('!') {
            continue; // a macro, found by name wherever it is exported
        }
        let mut module: Vec<String> = here.to_vec();
        let mut segments = path.split("::").filter(|s| !s.is_empty()).peekable();
        match segments.peek().copied() {
            Some("crate") => {
                module.clear();
                segments.next();
            }
            Some("self") => {
                segments.next();
            }
            _ => {}
        }
        while segments.peek() == Some(&"super") {
            segments.next();
            module.pop();
        }
        let named: Vec<String> = segments.map(str::to_string).collect();
        if named.is_empty() && after == Some('{') {
            // A group: each member's first segment.
            let group = &rest[end + 1..];
            let group = &group[..group.find('}').unwrap_or(group.len())];
            for member in group.split(',') {
                let first = member.trim().split("::").next().unwrap_or("").trim();
                let mut path = module.clone();
                path.push(first.to_string());
                out.push(path);
            }
        } else {
            let mut path = module;
            path.extend(named);
            out.push(path);
        }
    }
    out
}

#[test]
fn no_file_of_the_runtime_imports_a_file_that_imports_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = modules(&src);
    let by_path: BTreeMap<&Vec<String>, &String> =
        modules.iter().map(|(file, path)| (path, file)).collect();
    let mut edges: BTreeMap<&String, BTreeSet<&String>> = BTreeMap::new();
    for (file, here) in &modules {
        let text = std::fs::read_to_string(src.join(file)).expect("read a runtime file");
        for mut path in paths(&code(&text), here) {
            // The deepest prefix that is a module file.
            let target = loop {
                if let Some(target) = by_path.get(&path) {
                    break *target;
                }
                path.pop();
            };
            if target != file {
                edges.entry(file).or_default().insert(target);
            }
        }
    }
    assert!(
        edges
            .get(&"lib.rs".to_string())
            .is_some_and(|e| e.len() > 10),
        "the check must see lib.rs's re-exports: {edges:?}"
    );
    // Depth-first search for a cycle.
    fn visit<'a>(
        file: &'a String,
        edges: &BTreeMap<&'a String, BTreeSet<&'a String>>,
        stack: &mut Vec<&'a String>,
        done: &mut BTreeSet<&'a String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|f| *f == file) {
            let mut cycle: Vec<String> = stack[at..].iter().map(|f| f.to_string()).collect();
            cycle.push(file.clone());
            return Some(cycle);
        }
        if !done.insert(file) {
            return None;
        }
        stack.push(file);
        for next in edges.get(file).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    for file in modules.keys() {
        if let Some(cycle) = visit(file, &edges, &mut Vec::new(), &mut done) {
            panic!("runtime/src has an import cycle: {}", cycle.join(" → "));
        }
    }
}

#[test]
fn the_cycle_check_sees_a_cycle() {
    // `a.rs` names `super::b`, `b.rs` names `super::a`: each path leads to the other module.
    let a = paths("use super::b::Thing;", &["a".to_string()]);
    let b = paths("use super::{a::Other, c};", &["b".to_string()]);
    assert_eq!(a, vec![vec!["b".to_string(), "Thing".to_string()]]);
    assert_eq!(b, vec![vec!["a".to_string()], vec!["c".to_string()]]);
    let nested = paths(
        "use super::super::error::Error; $crate::x; crate::m!();",
        &["oauth".to_string(), "flows".to_string()],
    );
    assert_eq!(nested, vec![vec!["error".to_string(), "Error".to_string()]]);
}
