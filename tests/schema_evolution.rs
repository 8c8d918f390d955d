//! A schema that gains an optional property breaks no caller, and `toolgen diff` calls it minor:
//! an application crate that builds the generated SDK's arguments with `new` and setters, as the
//! README shows, compiles against the SDK generated before and after the change. A new required
//! property is major, and the same caller no longer compiles.
//!
//! The SDK is a crate of its own (a path dependency on the workspace's runtime), so the
//! `#[non_exhaustive]` that makes this hold is in force, as for any user of a published SDK.
//! Both crates build in `target/consumer`, the folder the consumer test already fills with the
//! runtime's dependencies.

use std::path::{Path, PathBuf};
use std::process::Command;

use toolgen::diff::{Level, diff};
use toolgen::{Generator, Runtime};

const V1: &str = r#"{"name": "notes.create", "description": "Creates a note.",
  "inputSchema": {"type": "object", "required": ["title"], "properties": {
    "title": {"type": "string"},
    "pinned": {"type": "boolean"},
    "priority": {"type": "integer", "minimum": 1, "maximum": 5}}}}"#;

/// V1 and an optional `color`.
const V2: &str = r#"{"name": "notes.create", "description": "Creates a note.",
  "inputSchema": {"type": "object", "required": ["title"], "properties": {
    "title": {"type": "string"},
    "pinned": {"type": "boolean"},
    "priority": {"type": "integer", "minimum": 1, "maximum": 5},
    "color": {"type": "string", "enum": ["red", "blue"]}}}}"#;

/// V2 with `color` required.
const V3: &str = r#"{"name": "notes.create", "description": "Creates a note.",
  "inputSchema": {"type": "object", "required": ["title", "color"], "properties": {
    "title": {"type": "string"},
    "pinned": {"type": "boolean"},
    "priority": {"type": "integer", "minimum": 1, "maximum": 5},
    "color": {"type": "string", "enum": ["red", "blue"]}}}}"#;

/// The application's code, unchanged across the three versions.
const CALLER: &str = r#"//! Calls `notes.create` as the README shows.
use evolve_sdk::acme::notes::CreateParams;

/// The arguments of one call: the required title, and the optional fields it cares about.
pub fn arguments() -> CreateParams {
    CreateParams::new("groceries").pinned(true).priority(2)
}

/// One call through the typed client.
pub async fn create(client: &evolve_sdk::acme::Client) -> Result<(), toolgen_runtime::Error> {
    client.notes().create(arguments()).await.map(drop)
}
"#;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// Generates the SDK from `schema` into `dir/sdk` and builds `dir/app` against it.
fn build_with(dir: &Path, schema: &str) -> (bool, String) {
    let schemas = dir.join("schemas");
    write(&schemas.join("acme/notes.create.json"), schema);
    let runtime = root()
        .join("runtime")
        .display()
        .to_string()
        .replace('\\', "/");
    Generator::new(&schemas)
        .crate_name("evolve-sdk")
        .runtime(Runtime::Shared {
            path: Some(runtime.clone()),
        })
        .write_to(dir.join("sdk"))
        .expect("generate the SDK");
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--manifest-path"])
        .arg(dir.join("app/Cargo.toml"))
        .env("CARGO_TARGET_DIR", root().join("target/consumer"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("run cargo");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn tools(dir: &Path, schema: &str) -> Vec<toolgen::tool::Tool> {
    write(&dir.join("acme/notes.create.json"), schema);
    toolgen::load::load(dir).expect("load")
}

#[test]
fn an_optional_property_breaks_no_caller_and_is_minor() {
    let dir: PathBuf = root().join("target/schema-evolution");
    let _ = std::fs::remove_dir_all(&dir);
    let runtime = root()
        .join("runtime")
        .display()
        .to_string()
        .replace('\\', "/");
    write(
        &dir.join("app/Cargo.toml"),
        &format!(
            "[package]\nname = \"evolve-app\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
             publish = false\n[workspace]\n[dependencies]\n\
             evolve-sdk = {{ path = \"../sdk\" }}\ntoolgen-runtime = {{ path = {runtime:?} }}\n"
        ),
    );
    // The consumer's lock file: the same versions, so nothing new is resolved.
    std::fs::copy(
        root().join("tests/consumer/Cargo.lock"),
        dir.join("app/Cargo.lock"),
    )
    .expect("lock");
    write(&dir.join("app/src/lib.rs"), CALLER);

    let (built, stderr) = build_with(&dir, V1);
    assert!(built, "the caller builds against the first SDK:\n{stderr}");
    let (built, stderr) = build_with(&dir, V2);
    assert!(
        built,
        "an optional property must not break the caller:\n{stderr}"
    );
    let report = diff(&tools(&dir.join("v1"), V1), &tools(&dir.join("v2"), V2));
    assert_eq!(report.bump, Some(Level::Minor), "{}", report.markdown());

    // A required property is breaking: the caller does not give it, and diff says major.
    let (built, stderr) = build_with(&dir, V3);
    assert!(!built, "a new required property must break this caller");
    assert!(stderr.contains("CreateParams::new"), "{stderr}");
    let report = diff(&tools(&dir.join("v2"), V2), &tools(&dir.join("v3"), V3));
    assert_eq!(report.bump, Some(Level::Major), "{}", report.markdown());
}
