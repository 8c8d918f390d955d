//! Load: reads a folder of tool definition files into [`Tool`]s. The only stage that reads files.
//!
//! The layout is `<root>/<provider>/**/<anything>.json`. A file holds either one tool
//! (`{"name", "description", "inputSchema", ...}`) or an MCP `tools/list` result
//! (`{"tools": [...]}`). Every problem in every file is collected before the stage fails.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, Sources, kind, quoted, relative};
use crate::overlay::{OVERLAY_TOML, Overlay, is_overlay};
use crate::tool::{Formats, MAX_TOOL_NAME_LEN, Origin, Tool};

/// Reads every tool under `root`, sorted by provider and tool name. Errors carry the files'
/// text (relative paths), for snippets.
pub fn load(root: &Path) -> Result<Vec<Tool>, Diagnostics> {
    let (sources, diagnostics) = read(root);
    load_sources(sources, diagnostics)
}

/// Reads the bytes of every schema and overlay file under `root` (paths relative to `root` with
/// `/` separators), and the problems met on the way.
pub fn read(root: &Path) -> (Vec<(String, Vec<u8>)>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let mut files = Vec::new();
    match fs::metadata(root) {
        Ok(meta) if meta.is_dir() => collect_files(root, root, &mut files, &mut diagnostics),
        Ok(_) => diagnostics.push(Diagnostic::new(root, "the schemas path is not a folder")),
        Err(err) => diagnostics.push(
            Diagnostic::new(root, format!("cannot read the schemas folder: {err}"))
                .with_help("pass the folder that holds one sub-folder per provider with --schemas"),
        ),
    }
    let mut sources = Vec::new();
    for path in &files {
        let file = relative(path, root)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        match fs::read(path) {
            Ok(bytes) => sources.push((file, bytes)),
            Err(err) => diagnostics.push(Diagnostic::new(
                &file,
                format!("cannot read the file: {err}"),
            )),
        }
    }
    if files.is_empty() && diagnostics.is_empty() {
        // Generating from an empty folder would delete every generated file; that is never meant.
        diagnostics.push(
            Diagnostic::new(root, "no tool definitions (*.json) found")
                .with_help("the schemas folder holds one sub-folder of tool files per provider"),
        );
    }
    (sources, diagnostics)
}

/// Reads the `toolgen.toml` of `start` or of its nearest ancestor that has one (as cargo finds
/// `Cargo.toml`), so that a command run anywhere inside a project uses its settings; without
/// any, the defaults for `start`.
pub fn find_config(start: &Path) -> Result<crate::config::Config, Diagnostics> {
    let absolute = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    for dir in absolute.ancestors() {
        if dir.join(crate::config::FILE_NAME).is_file() {
            // Relative to where the user stands when the file is there, absolute otherwise.
            let dir = if dir == absolute { start } else { dir };
            return read_config(dir);
        }
    }
    Ok(crate::config::Config::defaults(start))
}

/// Reads the `toolgen.toml` of `dir` itself (the workspace's `build.rs`; the command line uses
/// [`find_config`], which also looks in the parent folders) and parses it; without
/// one, the defaults for `dir`. A problem comes back with the file's text, for its snippet.
pub fn read_config(dir: &Path) -> Result<crate::config::Config, Diagnostics> {
    let file = dir.join(crate::config::FILE_NAME);
    match fs::read(&file) {
        Ok(bytes) => crate::config::Config::parse(&file, dir, &bytes).map_err(|problems| {
            let mut sources = Sources::default();
            sources.insert(&file, &bytes);
            problems.with_sources(sources)
        }),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            Ok(crate::config::Config::defaults(dir))
        }
        Err(err) => Err(Diagnostic::new(&file, format!("cannot read the file: {err}")).into()),
    }
}

/// The text of files already read, keyed as their diagnostics name them.
pub fn sources_of(files: &[(String, Vec<u8>)]) -> Sources {
    let mut sources = Sources::default();
    for (file, bytes) in files {
        sources.insert(file, bytes);
    }
    sources
}

/// Reads every tool under the folder `path` of the git revision `rev` of the repository that
/// holds `repo`, through `git ls-tree` and `git show` (nothing is checked out or written).
pub fn load_git(repo: &Path, rev: &str, path: &str) -> Result<Vec<Tool>, Diagnostics> {
    let origin = format!("{rev}:{path}");
    let git = |args: &[&str]| -> Result<Vec<u8>, Diagnostics> {
        let output = std::process::Command::new("git")
            .arg("-C")
            .arg(repo)
            .args(args)
            .output()
            .map_err(|err| Diagnostic::new(&origin, format!("cannot run git: {err}")))?;
        if output.status.success() {
            Ok(output.stdout)
        } else {
            Err(Diagnostic::new(
                &origin,
                format!(
                    "not a folder, and git cannot read it as a revision: {}",
                    String::from_utf8_lossy(&output.stderr).trim()
                ),
            )
            .with_help("pass a schemas folder or a git revision such as `HEAD~1` or `v1.2.0`")
            .into())
        }
    };
    if rev.starts_with('-') {
        return Err(Diagnostic::new(&origin, "a git revision cannot start with `-`").into());
    }
    let prefix = format!("{}/", path.trim_end_matches('/'));
    // The revision must name a commit; `--` keeps a revision from being read as an option.
    git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{rev}^{{commit}}"),
    ])?;
    let listing = git(&[
        "ls-tree",
        "-r",
        "-z",
        "--name-only",
        "--full-tree",
        rev,
        "--",
        &prefix,
    ])?;
    let mut sources = Vec::new();
    for name in listing.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let name = String::from_utf8_lossy(name).into_owned();
        let Some(file) = name.strip_prefix(&prefix) else {
            continue;
        };
        let hidden = file.split('/').any(|part| part.starts_with('.'));
        let overlay_toml =
            file.split('/').nth(1) == Some(OVERLAY_TOML) && file.matches('/').count() == 1;
        if hidden || !(file.ends_with(".json") || overlay_toml) {
            continue;
        }
        let bytes = git(&["show", &format!("{rev}:{name}")])?;
        sources.push((file.to_string(), bytes));
    }
    if sources.is_empty() {
        return Err(Diagnostic::new(&origin, "no tool definitions (*.json) found").into());
    }
    load_sources(sources, Diagnostics::default())
}

/// Parses files already read (path relative to the schemas root with `/` separators, bytes),
/// such as the files of a git revision: overlays first, then every tool file, patched.
pub fn load_sources(
    sources: Vec<(String, Vec<u8>)>,
    diagnostics: Diagnostics,
) -> Result<Vec<Tool>, Diagnostics> {
    let text = sources_of(&sources);
    load_parsed(sources, diagnostics).map_err(|problems| problems.with_sources(text))
}

fn load_parsed(
    sources: Vec<(String, Vec<u8>)>,
    mut diagnostics: Diagnostics,
) -> Result<Vec<Tool>, Diagnostics> {
    // Overlays first: every tool file of their provider is patched as it is read.
    let mut overlays: BTreeMap<String, Overlay> = BTreeMap::new();
    let mut tool_files = Vec::new();
    for (file, bytes) in sources {
        let parts: Vec<&str> = file.split('/').collect();
        match parts.as_slice() {
            [provider, name] if is_overlay(name) => match Overlay::parse(&file, &bytes) {
                Ok(overlay) => match overlays.get(*provider) {
                    Some(other) => diagnostics.push(
                        Diagnostic::new(
                            &file,
                            format!(
                                "the provider `{provider}` has two overlays, {} and {file}",
                                other.file
                            ),
                        )
                        .with_help("keep one: both spellings hold the same corrections"),
                    ),
                    None => {
                        overlays.insert((*provider).to_string(), overlay);
                    }
                },
                Err(problems) => diagnostics.extend(problems),
            },
            [_] => diagnostics.push(
                Diagnostic::new(&file, "a tool file must lie inside a provider folder")
                    .with_help("move it to <schemas>/<provider>/"),
            ),
            [provider, group @ .., _] => {
                let group: Vec<String> = group.iter().map(|g| (*g).to_string()).collect();
                tool_files.push(((*provider).to_string(), group, file.clone(), bytes));
            }
            [] => {}
        }
    }

    let mut tools = Vec::new();
    for (provider, group, file, bytes) in tool_files {
        let before = tools.len();
        let overlay = overlays.get(&provider);
        parse_file_with(
            &provider,
            &file,
            &bytes,
            overlay,
            &mut tools,
            &mut diagnostics,
        );
        for tool in &mut tools[before..] {
            tool.group = group.clone();
        }
    }

    for (provider, overlay) in &overlays {
        let known = tools
            .iter()
            .filter(|tool| &tool.provider == provider)
            .map(|tool| tool.name.clone())
            .collect();
        // A tool the overlay could not patch was not loaded; do not also call it unknown.
        if diagnostics.is_empty() {
            for problem in overlay.unknown_tools(&known) {
                diagnostics.push(problem);
            }
        }
    }
    check_duplicates(&tools, &mut diagnostics);
    tools.sort_by(|a, b| (&a.provider, &a.group, &a.name).cmp(&(&b.provider, &b.group, &b.name)));
    diagnostics.into_result(tools)
}

/// Parses one file's bytes into tools. Public so that fuzzing and tests can skip the file system.
pub fn parse_file(
    provider: &str,
    file: &str,
    bytes: &[u8],
    tools: &mut Vec<Tool>,
    diagnostics: &mut Diagnostics,
) {
    parse_file_with(provider, file, bytes, None, tools, diagnostics);
}

/// Like [`parse_file`], patching each tool with the provider's overlay before parsing it.
pub fn parse_file_with(
    provider: &str,
    file: &str,
    bytes: &[u8],
    overlay: Option<&Overlay>,
    tools: &mut Vec<Tool>,
    diagnostics: &mut Diagnostics,
) {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let valid = &bytes[..err.valid_up_to()];
            let line = 1 + valid.iter().filter(|&&b| b == b'\n').count();
            let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            diagnostics.push(
                Diagnostic::new(file, "the file is not valid UTF-8")
                    .at_position(line, 1 + valid.len() - line_start)
                    .with_help(format!(
                        "the first bad byte is at offset {}",
                        err.valid_up_to()
                    )),
            );
            return;
        }
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(err) => {
            diagnostics.push(
                Diagnostic::new(file, format!("malformed JSON: {}", strip_position(&err)))
                    .at_position(err.line(), err.column()),
            );
            return;
        }
    };
    match &value {
        Value::Object(object) if object.contains_key("tools") && !object.contains_key("name") => {
            match &object["tools"] {
                Value::Array(items) => {
                    for (index, item) in items.iter().enumerate() {
                        let origin = Origin {
                            file: file.to_string(),
                            pointer: format!("/tools/{index}"),
                        };
                        let item = patched(item, overlay, diagnostics);
                        if let Some(tool) = parse_tool(provider, &item, origin, diagnostics) {
                            push_checked(tool, overlay, tools, diagnostics);
                        }
                    }
                }
                _ => diagnostics.push(
                    Diagnostic::new(file, "`tools` must be an array of tool definitions")
                        .at("/tools"),
                ),
            }
        }
        _ => {
            let origin = Origin {
                file: file.to_string(),
                pointer: String::new(),
            };
            let value = patched(&value, overlay, diagnostics);
            if let Some(tool) = parse_tool(provider, &value, origin, diagnostics) {
                push_checked(tool, overlay, tools, diagnostics);
            }
        }
    }
    if let Some(overlay) = overlay {
        for tool in tools.iter_mut().filter(|t| t.provider == provider) {
            tool.docs_base_url.clone_from(&overlay.docs_base_url);
            tool.formats = overlay.formats;
        }
    }
}

/// Keeps a parsed tool, after checking its rename keywords ([`crate::renames`]).
fn push_checked(
    tool: Tool,
    overlay: Option<&Overlay>,
    tools: &mut Vec<Tool>,
    diagnostics: &mut Diagnostics,
) {
    for problem in crate::renames::check(&tool, overlay) {
        diagnostics.push(problem);
    }
    tools.push(tool);
}

/// The tool object with the overlay's patch for its name applied (a failed patch is recorded
/// and the tool is left unpatched).
fn patched(tool: &Value, overlay: Option<&Overlay>, diagnostics: &mut Diagnostics) -> Value {
    let mut tool = tool.clone();
    if let (Some(overlay), Some(Value::String(name))) = (overlay, tool.get("name").cloned())
        && let Err(problem) = overlay.apply(&name, &mut tool)
    {
        diagnostics.push(*problem);
    }
    tool
}

fn parse_tool(
    provider: &str,
    value: &Value,
    origin: Origin,
    diagnostics: &mut Diagnostics,
) -> Option<Tool> {
    let Value::Object(object) = value else {
        diagnostics.push(
            origin
                .diagnostic(
                    "",
                    format!(
                        "a tool definition must be a JSON object, not {}",
                        kind(value)
                    ),
                )
                .with_help(r#"expected {"name": ..., "description": ..., "inputSchema": {...}}"#),
        );
        return None;
    };
    let before = diagnostics.len();

    let name = match object.get("name") {
        Some(Value::String(name)) => {
            if let Some(problem) = tool_name_problem(name) {
                diagnostics.push(
                    origin
                        .diagnostic("/name", format!("invalid tool name {}: {problem}", quoted(name)))
                        .with_help(
                            "MCP tool names are 1 to 128 characters of A-Z, a-z, 0-9, `_`, `-` and `.`",
                        ),
                );
            }
            name.clone()
        }
        Some(other) => {
            diagnostics.push(origin.diagnostic(
                "/name",
                format!("`name` must be a string, not {}", kind(other)),
            ));
            String::new()
        }
        None => {
            diagnostics.push(origin.diagnostic("", "the tool has no `name`"));
            String::new()
        }
    };
    let title = optional_string(object, "title", &origin, diagnostics);
    let description = optional_string(object, "description", &origin, diagnostics);

    let input_schema = match object.get("inputSchema") {
        Some(schema @ Value::Object(_)) => schema.clone(),
        Some(other) => {
            diagnostics.push(origin.diagnostic(
                "/inputSchema",
                format!(
                    "`inputSchema` must be a JSON Schema object, not {}",
                    kind(other)
                ),
            ));
            Value::Null
        }
        None => {
            diagnostics.push(
                origin
                    .diagnostic("", format!("the tool {} has no `inputSchema`", quoted(&name)))
                    .with_help(r#"a tool without arguments still declares `"inputSchema": {"type": "object"}`"#),
            );
            Value::Null
        }
    };
    let output_schema = match object.get("outputSchema") {
        None | Some(Value::Null) => None,
        Some(schema @ Value::Object(_)) => Some(schema.clone()),
        Some(other) => {
            diagnostics.push(origin.diagnostic(
                "/outputSchema",
                format!(
                    "`outputSchema` must be a JSON Schema object, not {}",
                    kind(other)
                ),
            ));
            None
        }
    };
    let annotations = match object.get("annotations") {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) => Some(map.clone()),
        Some(other) => {
            diagnostics.push(origin.diagnostic(
                "/annotations",
                format!("`annotations` must be an object, not {}", kind(other)),
            ));
            None
        }
    };

    (diagnostics.len() == before).then(|| Tool {
        provider: provider.to_string(),
        group: Vec::new(),
        name,
        title,
        description,
        input_schema,
        output_schema,
        annotations,
        origin,
        docs_base_url: None,
        formats: Formats::default(),
    })
}

/// Why `name` is not a valid MCP tool name, if it is not.
pub fn tool_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("it is empty".to_string());
    }
    if name.chars().count() > MAX_TOOL_NAME_LEN {
        return Some(format!(
            "it is {} characters long, more than {MAX_TOOL_NAME_LEN}",
            name.chars().count()
        ));
    }
    let bad: Vec<String> = name
        .chars()
        .filter(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
        .map(|c| format!("{c:?}"))
        .collect();
    if !bad.is_empty() {
        let mut unique = bad;
        unique.dedup();
        return Some(format!("it contains {}", unique.join(", ")));
    }
    if name.split('.').any(str::is_empty) {
        return Some("it has an empty segment between dots".to_string());
    }
    None
}

fn optional_string(
    object: &Map<String, Value>,
    key: &str,
    origin: &Origin,
    diagnostics: &mut Diagnostics,
) -> Option<String> {
    match object.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text.clone()),
        Some(other) => {
            diagnostics.push(origin.diagnostic(
                &format!("/{key}"),
                format!("`{key}` must be a string, not {}", kind(other)),
            ));
            None
        }
    }
}

fn check_duplicates(tools: &[Tool], diagnostics: &mut Diagnostics) {
    let mut seen: BTreeMap<(&str, &[String], &str), &Origin> = BTreeMap::new();
    for tool in tools {
        let key = (
            tool.provider.as_str(),
            tool.group.as_slice(),
            tool.name.as_str(),
        );
        if let Some(first) = seen.insert(key, &tool.origin) {
            let (first, second) = if first <= &tool.origin {
                (first, &tool.origin)
            } else {
                (&tool.origin, first)
            };
            diagnostics.push(
                second
                    .diagnostic(
                        "/name",
                        format!(
                            "duplicate tool name {} in provider `{}`: also defined in {} at #{}",
                            quoted(&tool.name),
                            tool.provider,
                            first.file,
                            first.pointer
                        ),
                    )
                    .with_help(
                        "each tool name must be unique within its provider; remove or rename one",
                    ),
            );
            seen.insert(key, first);
        }
    }
}

/// Every `.json` file under `dir`, in sorted order. Hidden entries are skipped, and so are
/// symbolic links to folders, so that a link cycle cannot make the walk endless.
fn collect_files(root: &Path, dir: &Path, files: &mut Vec<PathBuf>, diagnostics: &mut Diagnostics) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            diagnostics.push(Diagnostic::new(
                relative(dir, root),
                format!("cannot list the folder: {err}"),
            ));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            collect_files(root, &path, files, diagnostics);
        } else if (path.extension().is_some_and(|e| e == "json")
            || (path.parent().and_then(Path::parent) == Some(root)
                && path.file_name().is_some_and(|n| n == OVERLAY_TOML)))
            && path.is_file()
        {
            files.push(path);
        }
    }
}

/// serde_json appends " at line L column C" to its messages; the diagnostic shows that itself.
fn strip_position(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(index) => text[..index].to_string(),
        None => text,
    }
}
