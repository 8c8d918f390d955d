//! Snapshots of the generated code: one per schema file (the files derived from it) and one for
//! the crate-level and shared parts. Review changes with `cargo insta review`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rendered(schemas: &str) -> &'static BTreeMap<String, String> {
    static SEED: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    static FIXTURES: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    let cell = if schemas == "schemas" {
        &SEED
    } else {
        &FIXTURES
    };
    // The committed crates' settings: on the workspace's shared runtime.
    cell.get_or_init(|| {
        toolgen::Generator::new(root().join(schemas))
            .runtime(toolgen::Runtime::Shared {
                path: Some("../runtime".to_string()),
            })
            .render()
            .unwrap_or_else(|err| panic!("{err}"))
    })
}

/// What a build script writes for the seed (`toolgen::Builder`): one file of inline modules.
#[test]
fn build_step_module() {
    let rendered = toolgen::Generator::new(root().join("schemas"))
        .layout(toolgen::Layout::Modules)
        .runtime(toolgen::Runtime::Shared { path: None })
        .render()
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        rendered.keys().collect::<Vec<_>>(),
        ["workos.rs"],
        "one file per provider"
    );
    let text = &rendered["workos.rs"];
    assert!(
        !text.contains("crate::"),
        "the module reaches nothing through `crate::`, so it can be included anywhere"
    );
    insta::assert_snapshot!(text);
}

/// The files whose header names `source` as their schema file.
fn derived_from(rendered: &BTreeMap<String, String>, source: &str) -> String {
    let marker = format!("// Source: {source}\n");
    let files: Vec<String> = rendered
        .iter()
        .filter(|(_, text)| {
            text.lines().take(8).any(|l| format!("{l}\n") == marker)
                && !text.contains("Shared by these tools")
        })
        .map(|(path, text)| format!("===== {path}\n{text}"))
        .collect();
    assert!(!files.is_empty(), "no generated file names {source}");
    files.join("\n")
}

/// Everything that is not one tool's own module and not the copied runtime.
fn crate_level(rendered: &BTreeMap<String, String>) -> String {
    rendered
        .iter()
        .filter(|(path, text)| {
            !path.starts_with("src/runtime/")
                && (!text.contains("// Source: ") || text.contains("Shared by these tools"))
        })
        .map(|(path, text)| format!("===== {path}\n{text}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn source_of(path: &Path, schemas: &Path) -> String {
    let rel = path.strip_prefix(schemas).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn tool_files() {
    insta::glob!("../schemas", "**/*.json", |path| {
        // An overlay is no tool: its effect shows in the snapshots of the tools it patches.
        if path.file_name().is_some_and(|name| name == "overlay.json") {
            return;
        }
        let source = source_of(path, &root().join("schemas"));
        insta::assert_snapshot!(derived_from(rendered("schemas"), &source));
    });
}

#[test]
fn crate_level_files() {
    insta::assert_snapshot!(crate_level(rendered("schemas")));
}

#[test]
fn fixture_tool_files() {
    insta::glob!("fixtures/schemas", "**/*.json", |path| {
        if path.file_name().is_some_and(|name| name == "overlay.json") {
            return;
        }
        let source = source_of(path, &root().join("tests/fixtures/schemas"));
        insta::assert_snapshot!(derived_from(rendered("tests/fixtures/schemas"), &source));
    });
}

#[test]
fn fixture_crate_level_files() {
    insta::assert_snapshot!(crate_level(rendered("tests/fixtures/schemas")));
}
