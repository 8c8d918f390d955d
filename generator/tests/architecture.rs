//! The architecture's invariants that the compiler does not check: no file of `generator/src` or
//! `runtime/src` imports, directly or through others, a file that imports it; and every file
//! that ARCHITECTURE.md's code map names exists.
//!
//! The imports are read from the source text: every `crate::`, `super::` and `self::` path (in
//! `use` trees and in code), resolved to the file of the longest module prefix it names. Test
//! modules (`#[cfg(test)] mod ... { }`), comments and `$crate` paths do not count, and neither do
//! paths that name no module of the crate (such as those inside `quote!` that name the generated
//! crate's modules).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator lies in the repository")
        .to_path_buf()
}

/// Every `.rs` file below `dir`, with the module path it defines.
fn modules(src: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = fs::read_dir(dir)
            .expect("read the source folder")
            .map(|e| e.expect("a folder entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(src, &mut files);
    let mut out = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(src).expect("below the folder");
        let mut segments: Vec<String> = relative
            .with_extension("")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        // Binaries are crates of their own: `bin/`, and `main.rs` beside a `lib.rs`.
        if relative.starts_with("bin")
            || (relative == Path::new("main.rs") && src.join("lib.rs").exists())
        {
            continue;
        }
        let last = segments.last().map(String::as_str);
        if matches!(last, Some("mod" | "lib" | "main")) {
            segments.pop();
        }
        out.insert(segments, file);
    }
    out
}

/// `text` without comments, string literals' contents and `#[cfg(test)]` modules.
fn code_of(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            // A test module (after any further attributes): skip to its closing brace at the
            // same indentation.
            let indent = &line[..line.len() - trimmed.len()];
            let ahead: Vec<&str> = lines.clone().take(8).collect();
            let module = ahead.iter().position(|next| {
                let next = next.strip_prefix(indent).unwrap_or(next);
                (next.starts_with("mod ") || next.starts_with("pub mod ")) && next.ends_with('{')
            });
            if let Some(module) = module {
                lines.nth(module);
                let close = format!("{indent}}}");
                for inner in lines.by_ref() {
                    if inner == close {
                        break;
                    }
                }
                continue;
            }
        }
        if trimmed.starts_with("//") {
            continue;
        }
        // Drop string literals' contents (paths inside them are text, not imports).
        let mut in_string = false;
        let mut escaped = false;
        for ch in line.chars() {
            if in_string {
                if escaped {
                    escaped = false;
                } else if ch == '\\' {
                    escaped = true;
                } else if ch == '"' {
                    in_string = false;
                    out.push('"');
                }
                continue;
            }
            if ch == '"' {
                in_string = true;
            }
            out.push(ch);
        }
        out.push('\n');
    }
    out
}

/// Every path that starts with `crate`, `super`, `self` or one of `children` (the file's child
/// modules), as segments, `use` trees expanded.
fn paths_in(code: &str, children: &BTreeSet<String>) -> Vec<Vec<String>> {
    let bytes: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let at_word_start =
            i == 0 || !(bytes[i - 1].is_alphanumeric() || "_$:".contains(bytes[i - 1]));
        if at_word_start {
            let roots = ["crate", "super", "self"]
                .into_iter()
                .chain(children.iter().map(String::as_str));
            for root in roots {
                let word: Vec<char> = root.chars().collect();
                if bytes[i..].starts_with(&word) && bytes[i + word.len()..].starts_with(&[':', ':'])
                {
                    let (paths, end) = tree(&bytes, i);
                    out.extend(paths);
                    i = end;
                    break;
                }
            }
        }
        i += 1;
    }
    out
}

/// Parses a path or `use` tree starting at `start`: its expanded paths and where it ends.
fn tree(chars: &[char], start: usize) -> (Vec<Vec<String>>, usize) {
    let mut prefix = Vec::new();
    let mut i = start;
    loop {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if i < chars.len() && chars[i] == '{' {
            // A group: each member is a tree below the prefix.
            let mut out = Vec::new();
            i += 1;
            loop {
                while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ',') {
                    i += 1;
                }
                if i >= chars.len() || chars[i] == '}' {
                    break;
                }
                let (members, end) = tree(chars, i);
                for member in members {
                    let mut path = prefix.clone();
                    path.extend(member);
                    out.push(path);
                }
                i = end.max(i + 1);
            }
            return (out, i + 1);
        }
        let word_start = i;
        while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '*')
        {
            i += 1;
        }
        if i == word_start {
            return (vec![prefix], i);
        }
        prefix.push(chars[word_start..i].iter().collect());
        if chars[i..].starts_with(&[':', ':']) {
            i += 2;
        } else {
            if chars.get(i) == Some(&'!') {
                // A macro: `#[macro_export]` ones sit at the crate root wherever they are defined.
                prefix.push("!".to_string());
            }
            return (vec![prefix], i);
        }
    }
}

/// A path as the absolute module path it names from `module`, or `None` when it does not start
/// at `crate`, `super`, `self` or a child module of `module`.
fn absolute(
    module: &[String],
    children: &BTreeSet<String>,
    path: &[String],
) -> Option<Vec<String>> {
    let mut out: Vec<String>;
    let mut rest = path;
    match path.first().map(String::as_str) {
        // `crate::#name` or `self::#name` inside `quote!`: a path built at run time.
        Some("crate" | "self") if path.len() == 1 => return None,
        Some("crate") => {
            out = Vec::new();
            rest = &path[1..];
        }
        Some("self") => {
            out = module.to_vec();
            rest = &path[1..];
        }
        Some("super") => {
            out = module.to_vec();
            while rest.first().is_some_and(|s| s == "super") {
                out.pop();
                rest = &rest[1..];
            }
        }
        Some(first) if children.contains(first) => out = module.to_vec(),
        _ => return None,
    }
    out.extend(rest.iter().filter(|s| *s != "*").cloned());
    Some(out)
}

/// The names a file defines at its top level (`fn`, `struct`, `enum`, `trait`, `type`, `const`,
/// `static`, `union`).
fn definitions(code: &str) -> BTreeSet<String> {
    const KINDS: &[&str] = &[
        "fn", "struct", "enum", "trait", "type", "const", "static", "union",
    ];
    let mut out = BTreeSet::new();
    for line in code.lines().filter(|l| !l.starts_with([' ', '\t', '}'])) {
        let words: Vec<&str> = line
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        let kind = words
            .iter()
            .position(|w| KINDS.contains(w) && !(*w == "const" && words.contains(&"fn")));
        if let Some(name) = kind.and_then(|k| words.get(k + 1)) {
            out.insert((*name).to_string());
        }
    }
    out
}

/// What one file names, for resolving paths.
struct FileInfo {
    /// The names of the items the file defines at its top level.
    defines: BTreeSet<String>,
    /// A name this file brings into scope with `use` → the absolute path it names.
    imports: BTreeMap<String, Vec<String>>,
    /// Every absolute path the file names.
    paths: Vec<Vec<String>>,
}

/// The import edges between the files of one crate's source folder. A path to a name that a file
/// only re-exports (`pub use`) leads on to the file that defines it.
fn edges(src: &Path) -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let modules = modules(src);
    let mut infos: BTreeMap<PathBuf, FileInfo> = BTreeMap::new();
    for (module, file) in &modules {
        let code = code_of(&fs::read_to_string(file).expect("read a source file"));
        let children: BTreeSet<String> = code
            .lines()
            .filter_map(|line| {
                let line = line.trim();
                let rest = line.strip_prefix("pub ").unwrap_or(line);
                let rest = rest.strip_prefix("pub(crate) ").unwrap_or(rest);
                rest.strip_prefix("mod ")?
                    .strip_suffix(';')
                    .map(str::to_string)
            })
            .collect();
        let mut imports = BTreeMap::new();
        for statement in code.split(';') {
            let statement = statement.trim_start();
            let statement = statement
                .strip_prefix("pub use ")
                .or_else(|| statement.strip_prefix("pub(crate) use "))
                .or_else(|| statement.strip_prefix("use "));
            let Some(statement) = statement else { continue };
            let chars: Vec<char> = statement.chars().collect();
            for path in tree(&chars, 0).0 {
                if let (Some(name), Some(target)) =
                    (path.last(), absolute(module, &children, &path))
                    && name != "*"
                    && name != "self"
                {
                    imports.insert(name.clone(), target);
                }
            }
        }
        let paths = paths_in(&code, &children)
            .iter()
            .filter_map(|path| absolute(module, &children, path))
            .collect();
        infos.insert(
            file.clone(),
            FileInfo {
                defines: definitions(&code),
                imports,
                paths,
            },
        );
    }
    // Where each `macro_rules!` macro is defined.
    let mut macros: BTreeMap<String, PathBuf> = BTreeMap::new();
    for file in modules.values() {
        let code = code_of(&fs::read_to_string(file).expect("read a source file"));
        for rest in code.split("macro_rules!").skip(1) {
            let name: String = rest
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            macros.entry(name).or_insert_with(|| file.clone());
        }
    }
    let resolve = |path: &[String]| -> Option<&PathBuf> {
        if path.last().is_some_and(|s| s == "!") {
            return macros.get(&path[path.len().checked_sub(2)?]);
        }
        let mut path = path.to_vec();
        for _ in 0..8 {
            let (n, file) = (0..=path.len())
                .rev()
                .find_map(|n| modules.get(&path[..n]).map(|f| (n, f)))?;
            // A path into the crate root that names no module nor anything the root defines or
            // brings into scope is not ours (`crate::runtime::X` inside `quote!` names the
            // generated crate's modules).
            if n == 0
                && !path.is_empty()
                && !infos[file].imports.contains_key(&path[0])
                && !infos[file].defines.contains(&path[0])
            {
                return None;
            }
            // An item the file only imports: follow it to where it comes from.
            match path.get(n).and_then(|item| infos[file].imports.get(item)) {
                Some(next)
                    if next[..] != path[..] && modules.get(&next[..]).is_none_or(|f| f != file) =>
                {
                    let mut next = next.clone();
                    next.extend(path[n + 1..].iter().cloned());
                    path = next;
                }
                _ => return Some(file),
            }
        }
        None
    };
    let mut out: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for (file, info) in &infos {
        let targets = out.entry(file.clone()).or_default();
        for path in &info.paths {
            if let Some(target) = resolve(path)
                && target != file
            {
                targets.insert(target.clone());
            }
        }
    }
    out
}

/// The strongly connected components with more than one file (Tarjan).
fn cycles(graph: &BTreeMap<PathBuf, BTreeSet<PathBuf>>) -> Vec<Vec<PathBuf>> {
    struct State<'a> {
        graph: &'a BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        index: BTreeMap<&'a PathBuf, usize>,
        low: BTreeMap<&'a PathBuf, usize>,
        stack: Vec<&'a PathBuf>,
        on_stack: BTreeSet<&'a PathBuf>,
        out: Vec<Vec<PathBuf>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a PathBuf) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.clone());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v) {
            visit(&mut state, v);
        }
    }
    state.out
}

fn describe(graph: &BTreeMap<PathBuf, BTreeSet<PathBuf>>, cycle: &[PathBuf]) -> String {
    let root = repo();
    let name = |p: &PathBuf| p.strip_prefix(&root).unwrap_or(p).display().to_string();
    let mut text = String::new();
    for file in cycle {
        for target in graph[file].iter().filter(|t| cycle.contains(t)) {
            text.push_str(&format!("  {} -> {}\n", name(file), name(target)));
        }
    }
    text
}

#[test]
fn no_file_imports_a_file_that_imports_it() {
    let mut problems = String::new();
    for src in ["generator/src", "runtime/src"] {
        let graph = edges(&repo().join(src));
        assert!(graph.len() > 5, "{src}: too few files read");
        for cycle in cycles(&graph) {
            problems.push_str(&format!(
                "a cycle of {} files in {src}:\n{}",
                cycle.len(),
                describe(&graph, &cycle)
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "imports must point one way (see ARCHITECTURE.md, Invariants); move what both sides \
         need into a module beneath them:\n{problems}"
    );
}

#[test]
fn the_checker_sees_a_cycle_and_use_trees() {
    // The reader itself: a `use` tree with groups, `super` and `self`, and a two-file cycle.
    let code = code_of(
        "use crate::{a::{B, c::D}, e};\n// use crate::ignored;\nfn f() { super::x::y(); \
         self::z::W; child::f(); not_child::g(); \"crate::in_a_string\"; $crate::macro_path }\n#[cfg(test)]\nmod tests {\n    \
         use crate::test_only;\n}\n",
    );
    let mut paths = paths_in(&code, &BTreeSet::from(["child".to_string()]));
    paths.sort();
    let expected: Vec<Vec<String>> = [
        &["crate", "a", "B"][..],
        &["crate", "a", "c", "D"],
        &["child", "f"],
        &["crate", "e"],
        &["self", "z", "W"],
        &["super", "x", "y"],
    ]
    .iter()
    .map(|p| p.iter().map(|s| s.to_string()).collect())
    .collect();
    let mut expected = expected;
    expected.sort();
    assert_eq!(paths, expected);

    let a = PathBuf::from("a.rs");
    let b = PathBuf::from("b.rs");
    let c = PathBuf::from("c.rs");
    let graph = BTreeMap::from([
        (a.clone(), BTreeSet::from([b.clone()])),
        (b.clone(), BTreeSet::from([a.clone(), c.clone()])),
        (c.clone(), BTreeSet::new()),
    ]);
    assert_eq!(cycles(&graph), vec![vec![a, b]]);
}

#[test]
fn every_file_the_code_map_names_exists() {
    let text = fs::read_to_string(repo().join("ARCHITECTURE.md")).expect("read ARCHITECTURE.md");
    let map = text
        .split("\n## Code map")
        .nth(1)
        .expect("ARCHITECTURE.md has a \"## Code map\" section");
    let map = map.split("\n## ").next().unwrap_or(map);
    let mut named = 0;
    let mut missing = Vec::new();
    for span in map.split('`').skip(1).step_by(2) {
        let looks_like_a_path =
            (span.ends_with(".rs") || span.ends_with('/') || span.ends_with(".toml"))
                && !span.contains(' ')
                && !span.contains('*')
                && !span.contains('<');
        if looks_like_a_path {
            named += 1;
            if !repo().join(span).exists() {
                missing.push(span.to_string());
            }
        }
    }
    assert!(named > 20, "the code map names only {named} files");
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md's code map names files that do not exist: {missing:?}"
    );
}

#[test]
fn the_vendored_runtime_lists_every_runtime_file() {
    let table = fs::read_to_string(repo().join("generator/src/emit/runtime_files.rs"))
        .expect("read the runtime table");
    let src = repo().join("runtime/src");
    let missing: Vec<String> = modules(&src)
        .values()
        .map(|file| {
            let relative = file.strip_prefix(&src).expect("below runtime/src");
            relative.display().to_string().replace('\\', "/")
        })
        .filter(|file| !table.contains(&format!("runtime/src/{file}\")")))
        .collect();
    assert!(
        missing.is_empty(),
        "generator/src/emit/runtime_files.rs must copy every runtime file into a vendored \
         crate; missing: {missing:?}"
    );
}
