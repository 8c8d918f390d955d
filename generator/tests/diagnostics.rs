//! Rendered diagnostics, as a maintainer sees them: `file:line:column`, the source line with the
//! offending span underlined, the JSON pointer and a help line. Plain text (no colour) so that
//! the snapshots are readable; one case checks that colour is only added on request.

use toolgen::Diagnostics;
use toolgen::diagnostics::{Diagnostic, Sources};

/// Loads in-memory files and renders the problems found, as `toolgen generate` prints them.
fn problems(files: &[(&str, &[u8])]) -> String {
    let sources = files
        .iter()
        .map(|(file, bytes)| ((*file).to_string(), bytes.to_vec()))
        .collect();
    toolgen::load::load_sources(sources, Diagnostics::default())
        .expect_err("the files have problems")
        .render(false)
}

/// Loads in-memory files that are valid and renders the warnings of the run.
fn warnings(files: &[(&str, &[u8])]) -> String {
    let files: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(file, bytes)| ((*file).to_string(), bytes.to_vec()))
        .collect();
    let sources = toolgen::load::sources_of(&files);
    let tools = toolgen::load::load_sources(files, Diagnostics::default()).expect("valid tools");
    let model = toolgen::model::build(&tools);
    let output =
        toolgen::from_model(&model, &toolgen::emit::EmitOptions::default()).expect("generates");
    assert!(!output.warnings.is_empty(), "the case must warn");
    output
        .warnings
        .iter()
        .map(|warning| sources.render(warning, false))
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[test]
fn malformed_json_shows_line_and_column() {
    let text = "{\n  \"name\": \"create\",\n  \"inputSchema\": {\"type\": \"object\",}\n}\n";
    let out = problems(&[("acme/create.json", text.as_bytes())]);
    assert!(out.contains("acme/create.json:3:36"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn a_wrong_shape_underlines_the_value_its_pointer_names() {
    let single = "{\n  \"name\": \"shape\",\n  \"inputSchema\": {\"type\": \"object\"},\n  \"annotations\": [\"readOnly\"]\n}\n";
    let list = "{\"tools\": [\n  {\"name\": \"ok\", \"inputSchema\": {}},\n  {\"name\": \"bad name!\", \"inputSchema\": {}}\n]}\n";
    let out = problems(&[
        ("acme/shape.json", single.as_bytes()),
        ("acme/list.json", list.as_bytes()),
    ]);
    assert!(out.contains("acme/shape.json:4:18"), "{out}");
    assert!(out.contains("acme/list.json:3:12"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn a_bad_overlay_operation_points_into_the_overlay() {
    let tool = r#"{"name": "t", "inputSchema": {"type": "object", "properties": {"email": {}}}}"#;
    let overlay = "{\n  \"tools\": {\n    \"t\": [\n      {\"op\": \"add\", \"path\": \"/inputSchema/properties/emial/format\", \"value\": \"email\"}\n    ]\n  }\n}\n";
    let out = problems(&[
        ("acme/t.json", tool.as_bytes()),
        ("acme/overlay.json", overlay.as_bytes()),
    ]);
    assert!(out.contains("acme/overlay.json:4:29"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn a_bad_rename_points_at_the_overlay_operation_that_set_it() {
    let tool = r#"{"name": "t", "inputSchema": {"type": "object", "properties": {
        "state": {"enum": ["pending", "done"]}, "org_id": {"type": "string"}, "org": {}}}}"#;
    let overlay = r#"{"tools": {"t": [
  {"op": "add", "path": "/inputSchema/properties/state/x-toolgen-variants", "value": {"pendin": "Waiting"}},
  {"op": "add", "path": "/inputSchema/properties/org_id/x-toolgen-field", "value": "org"},
  {"op": "add", "path": "/inputSchema/properties/state/x-toolgen-type", "value": "match"}
]}}
"#;
    let out = problems(&[
        ("acme/t.json", tool.as_bytes()),
        ("acme/overlay.json", overlay.as_bytes()),
    ]);
    assert!(out.contains("acme/overlay.json:2:"), "{out}");
    assert!(out.contains("the enum has no value `pendin`"), "{out}");
    assert!(out.contains("also the name of property `org`"), "{out}");
    assert!(out.contains("cannot name a type `match`"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn an_unknown_overlay_key_underlines_the_key() {
    let overlay = "{\n  \"tools\": {},\n  \"colour\": 1\n}\n";
    let out = problems(&[("acme/overlay.json", overlay.as_bytes())]);
    assert!(out.contains("acme/overlay.json:3:3"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn normalizer_warnings_show_the_schema_part() {
    let tool = "{\n  \"name\": \"t\",\n  \"inputSchema\": {\n    \"type\": \"object\",\n    \"properties\": {\n      \"size\": {\"type\": \"integer\", \"default\": \"big\"},\n      \"mode\": {\"type\": \"integer\", \"enum\": [\"a\", \"b\"]}\n    }\n  }\n}\n";
    let out = warnings(&[("acme/t.json", tool.as_bytes())]);
    assert!(out.contains("warning:"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn a_pointer_into_the_normalized_schema_falls_back_to_its_nearest_ancestor() {
    let text = "{\n  \"name\": \"t\",\n  \"inputSchema\": {\n    \"properties\": {\"a\": {\"nullable\": true, \"type\": \"string\"}}\n  }\n}\n";
    let mut sources = Sources::default();
    sources.insert("acme/t.json", text.as_bytes());
    let warning = Diagnostic::new("acme/t.json", "the union of `a` was typed as any value")
        .at("/inputSchema/properties/a/anyOf/1")
        .with_help("simplify the schema with an overlay")
        .warning();
    let out = sources.render(&warning, false);
    assert!(out.contains("acme/t.json:4:25"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn a_file_that_is_not_utf8_is_named_without_a_snippet() {
    let out = problems(&[("acme/latin1.json", b"{\"name\": \"caf\xe9\"}\n")]);
    assert!(out.contains("acme/latin1.json:1:14"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn colour_only_on_request() {
    let mut sources = Sources::default();
    sources.insert("acme/t.json", b"{\"name\": 1}");
    let diagnostic = Diagnostic::new("acme/t.json", "`name` must be a string").at("/name");
    assert!(!sources.render(&diagnostic, false).contains('\u{1b}'));
    assert!(sources.render(&diagnostic, true).contains('\u{1b}'));
}

const TOML_TOOL: &str = r#"{"name": "t", "inputSchema": {"type": "object", "properties": {"email": {"type": "string"}}}}"#;

#[test]
fn a_toml_overlay_patches_like_a_json_one() {
    let overlay = r#"docs_base_url = "https://acme.test/docs"

[[tools.t]]
op = "add"
path = "/inputSchema/required"
value = ["email"]

[[tools.t]]
op = "add"
path = "/inputSchema/properties/email/x-toolgen-field"
value = "address"
"#;
    let sources = vec![
        ("acme/t.json".to_string(), TOML_TOOL.as_bytes().to_vec()),
        ("acme/overlay.toml".to_string(), overlay.as_bytes().to_vec()),
    ];
    let tools = toolgen::load::load_sources(sources, Diagnostics::default()).expect("loads");
    assert_eq!(
        tools[0].input_schema["required"],
        serde_json::json!(["email"])
    );
    assert_eq!(
        tools[0].input_schema["properties"]["email"]["x-toolgen-field"],
        "address"
    );
    assert_eq!(
        tools[0].docs_base_url.as_deref(),
        Some("https://acme.test/docs")
    );
}

#[test]
fn malformed_toml_shows_line_and_column() {
    let overlay = "docs_base_url = \"https://acme.test\"\n\n[[tools.t]]\nop = add\n";
    let out = problems(&[
        ("acme/t.json", TOML_TOOL.as_bytes()),
        ("acme/overlay.toml", overlay.as_bytes()),
    ]);
    assert!(out.contains("malformed TOML"), "{out}");
    assert!(out.contains("acme/overlay.toml:4:6"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn a_bad_toml_operation_is_underlined_in_the_toml() {
    let overlay = "[[tools.t]]\nop = \"add\"\npath = \"/inputSchema/properties/emial/format\"\nvalue = \"email\"\n";
    let out = problems(&[
        ("acme/t.json", TOML_TOOL.as_bytes()),
        ("acme/overlay.toml", overlay.as_bytes()),
    ]);
    assert!(out.contains("acme/overlay.toml:3:8"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn two_overlays_for_one_provider_are_an_error_naming_both() {
    let out = problems(&[
        ("acme/t.json", TOML_TOOL.as_bytes()),
        ("acme/overlay.json", br#"{"tools": {}}"#),
        ("acme/overlay.toml", b"[tools]\n"),
    ]);
    assert!(
        out.contains("two overlays, acme/overlay.json and acme/overlay.toml"),
        "{out}"
    );
}
