//! Hostile input: each case gives code that parses or a clear error with file and pointer, never
//! a panic, and finishes by itself within bounded time and memory.
//!
//! Each case runs the `toolgen` binary in a child process under `timeout` (a generous wall-clock
//! deadline, only to prove termination) and `ulimit -v` (an address-space cap). Speed itself is
//! measured by the benchmark (`cargo run --release -p toolgen --example bench`), never here.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

/// Seconds a case may take before `timeout` kills it: generous, it only proves termination.
const DEADLINE_SECS: u32 = 300;
/// The address-space cap of a case, in KiB (4 GiB).
const MEMORY_KIB: u64 = 4 * 1024 * 1024;

/// A fresh, empty folder for one test, removed when the test's `Run` is dropped.
fn scratch(name: &str) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix(&format!("toolgen-hostile-{name}-"))
        .tempdir()
        .expect("create a scratch folder");
    fs::create_dir_all(dir.path().join("schemas/acme")).expect("create a scratch folder");
    dir
}

/// How a bounded run ended.
struct Run {
    code: i32,
    stderr: String,
    out: PathBuf,
    /// Holds the scratch folder until the test ends.
    _scratch: tempfile::TempDir,
}

/// Writes `files` under `<dir>/schemas/acme/` and runs `toolgen generate` on them, bounded.
fn generate(name: &str, files: &[(&str, Vec<u8>)]) -> Run {
    let scratch = scratch(name);
    let dir = scratch.path();
    for (file, bytes) in files {
        fs::write(dir.join("schemas/acme").join(file), bytes).expect("write a schema");
    }
    let out = dir.join("out");
    let script = format!(
        "ulimit -v {MEMORY_KIB} && exec timeout -s KILL {DEADLINE_SECS} \"$0\" generate --schemas \"$1\" --out \"$2\""
    );
    // Run outside the repository, so that its `toolgen.toml` does not apply.
    let output = Command::new("sh")
        .current_dir(std::env::temp_dir())
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_toolgen"))
        .arg(dir.join("schemas"))
        .arg(&out)
        .output()
        .expect("run sh");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let code = output.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "{name}: the generator must exit by itself with 0 or 1 (got {:?}: killed by the deadline \
         or the memory cap, or panicked):\n{}",
        output.status,
        tail(&stderr)
    );
    assert!(!stderr.contains("panicked"), "{name}: {}", tail(&stderr));
    Run {
        code,
        stderr,
        out,
        _scratch: scratch,
    }
}

fn tail(text: &str) -> &str {
    let start = text.len().saturating_sub(4000);
    let start = (start..=text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    &text[start..]
}

/// A tool file with one input schema.
fn tool(name: &str, description: &str, input: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({"name": name, "description": description, "inputSchema": input}))
        .expect("serialize")
}

/// Asserts success and parses every generated Rust file with syn; returns the tool file's text.
fn assert_generates(run: &Run, tool_file: &str) -> String {
    assert_eq!(run.code, 0, "{}", tail(&run.stderr));
    let mut files = Vec::new();
    rust_files(&run.out, &mut files);
    assert!(!files.is_empty());
    for file in &files {
        let text = fs::read_to_string(file).expect("read generated file");
        if let Err(err) = syn::parse_file(&text) {
            panic!("{} does not parse: {err}", file.display());
        }
    }
    fs::read_to_string(run.out.join("src/acme").join(tool_file)).expect("the tool's module")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("list").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn fifty_levels_of_nesting_generate() {
    let mut schema = json!({"type": "object", "properties": {"leaf": {"type": "string"}}});
    for level in (0..50).rev() {
        schema = json!({
            "type": "object",
            "properties": {format!("level{level}"): schema},
            "required": [format!("level{level}")],
        });
    }
    let run = generate("nesting", &[("deep.json", tool("deep", "Deep.", schema))]);
    let text = assert_generates(&run, "deep.rs");
    assert!(text.contains("level49"), "the innermost level is typed");
}

#[test]
fn an_enum_of_ten_thousand_values_generates() {
    let values: Vec<String> = (0..10_000).map(|i| format!("value_{i}")).collect();
    let schema = json!({
        "type": "object",
        "properties": {"choice": {"type": "string", "enum": values}},
    });
    let run = generate("enum", &[("pick.json", tool("pick", "Pick.", schema))]);
    let text = assert_generates(&run, "pick.rs");
    assert!(text.contains("\"value_9999\""), "every value is kept");
}

#[test]
fn a_ten_megabyte_description_generates() {
    let description = "All work and no play. ".repeat(10 * 1024 * 1024 / 22);
    let schema = json!({"type": "object", "properties": {"x": {"type": "string"}}});
    let run = generate(
        "big-doc",
        &[("big.json", tool("big", &description, schema))],
    );
    let text = assert_generates(&run, "big.rs");
    assert!(text.len() >= description.len(), "the description is kept");
}

#[test]
fn comment_and_attribute_breakers_in_descriptions_stay_text() {
    let nasty = "end */ of \"] comment #[cfg(any())] `tick` ``` fence \u{0} nul /* open \r\n";
    let schema = json!({
        "type": "object",
        "description": nasty,
        "properties": {
            "x": {"type": "string", "description": nasty, "default": nasty},
            "e": {"type": "string", "enum": [nasty, "plain"], "description": nasty},
        },
    });
    let run = generate("breakers", &[("nasty.json", tool("nasty", nasty, schema))]);
    let text = assert_generates(&run, "nasty.rs");
    // The text stays inside doc comments and string literals: no line of code starts with it.
    for line in text.lines() {
        let code = line.trim_start();
        assert!(
            !code.starts_with("#[cfg(any"),
            "an attribute leaked: {line}"
        );
        assert!(
            !code.starts_with("*/") && !code.starts_with("of \\\"]"),
            "{line}"
        );
    }
    assert!(text.contains("tick"), "the description is kept");
}

#[test]
fn non_utf8_bytes_are_a_clear_error() {
    let mut bytes = br#"{"name": "bad", "description": "caf"#.to_vec();
    bytes.extend([0xff, 0xfe, b'"']);
    bytes.extend(br#", "inputSchema": {}}"#);
    let run = generate("utf8", &[("bad.json", bytes)]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("bad.json"), "{}", run.stderr);
    assert!(run.stderr.contains("not valid UTF-8"), "{}", run.stderr);
    assert!(!run.out.exists(), "nothing is written on error");
}

#[test]
fn ref_cycles_without_a_base_case_terminate() {
    let mutual = json!({
        "type": "object",
        "properties": {"x": {"$ref": "#/$defs/A"}},
        "required": ["x"],
        "$defs": {"A": {"$ref": "#/$defs/B"}, "B": {"$ref": "#/$defs/A"}},
    });
    let own = json!({
        "type": "object",
        "properties": {"next": {"$ref": "#"}},
        "required": ["next"],
    });
    let selfish = json!({
        "type": "object",
        "properties": {"me": {"$ref": "#/definitions/Me"}},
        "definitions": {"Me": {"$ref": "#/definitions/Me"}},
    });
    let run = generate(
        "cycle",
        &[
            ("mutual.json", tool("mutual", "Mutual.", mutual)),
            ("own.json", tool("own", "Own.", own)),
            ("selfish.json", tool("selfish", "Selfish.", selfish)),
        ],
    );
    // Each cycle goes through a `Box`, so the types are finite and the code parses.
    let mutual = assert_generates(&run, "mutual.rs");
    assert!(mutual.contains("Box<A>"), "{mutual}");
    let own = fs::read_to_string(run.out.join("src/acme/own.rs")).expect("own.rs");
    assert!(own.contains("Box<OwnParams>"), "{own}");
}

#[test]
fn a_five_thousand_character_tool_name_is_a_clear_error() {
    let name = "a".repeat(5000);
    let run = generate(
        "long-name",
        &[("long.json", tool(&name, "Long.", json!({"type": "object"})))],
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("long.json") && run.stderr.contains("/name"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("5000 characters"), "{}", run.stderr);
    assert!(
        run.stderr.len() < 2000,
        "the message quotes the name shortly"
    );
}
