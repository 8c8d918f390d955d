//! Overlay renames through load → model: shared and local enum types, variants, and the warning
//! for a type name that is already taken.

use serde_json::{Value, json};
use toolgen::Diagnostics;
use toolgen::model::{self, Model};

fn tool(name: &str, properties: Value) -> (String, Vec<u8>) {
    let tool = json!({"name": name, "inputSchema": {"type": "object", "properties": properties}});
    (format!("p/{name}.json"), tool.to_string().into_bytes())
}

fn build(files: Vec<(String, Vec<u8>)>) -> Model {
    let tools = toolgen::load::load_sources(files, Diagnostics::default()).expect("loads");
    model::build(&tools)
}

#[test]
fn a_rename_on_one_occurrence_names_the_shared_enum_and_keeps_its_exact_name() {
    let colors = json!({"enum": ["red", "green"]});
    let sizes = json!({"enum": ["s", "m"]});
    let overlay = json!({"tools": {"a.one": [
        {"op": "add", "path": "/inputSchema/properties/kind/x-toolgen-type", "value": "Kind"},
        {"op": "add", "path": "/inputSchema/properties/kind/x-toolgen-variants", "value": {"red": "Crimson"}}
    ]}});
    let model = build(vec![
        tool("a.one", json!({"kind": colors})),
        tool("a.two", json!({"kind": colors})),
        tool("b.one", json!({"kind": sizes})),
        tool("b.two", json!({"kind": sizes})),
        ("p/overlay.json".into(), overlay.to_string().into_bytes()),
    ]);
    let provider = &model.providers[0];
    let names: Vec<&str> = provider
        .shared_enums
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    // Without the rename both would be told apart by namespace (`AKind`, `BKind`); the renamed
    // one takes the name asked for, the other keeps the policy's.
    assert!(names.contains(&"Kind"), "{names:?}");
    assert!(names.contains(&"BKind"), "{names:?}");
    let kind = provider
        .shared_enums
        .iter()
        .find(|e| e.name == "Kind")
        .expect("the renamed enum");
    let variants: Vec<(&str, &str)> = kind
        .variants
        .iter()
        .map(|v| (v.name.as_str(), v.value.as_str()))
        .collect();
    assert_eq!(variants, [("Crimson", "red"), ("Green", "green")]);
    assert_eq!(kind.used_by, ["a.one", "a.two"], "one type for both tools");
}

#[test]
fn a_type_name_that_is_taken_is_an_error_naming_the_schema() {
    let overlay = json!({"tools": {"t": [
        {"op": "add", "path": "/inputSchema/properties/mode/x-toolgen-type", "value": "TParams"}
    ]}});
    let model = build(vec![
        tool("t", json!({"mode": {"enum": ["x", "y"]}})),
        ("p/overlay.json".into(), overlay.to_string().into_bytes()),
    ]);
    let problems = toolgen::from_model(&model, &toolgen::emit::EmitOptions::default())
        .expect_err("the name is taken by the params type");
    let problem = problems.iter().next().expect("one problem");
    assert_eq!(problems.len(), 1, "{problems}");
    assert_eq!(problem.file.to_str(), Some("p/t.json"));
    assert_eq!(
        problem.pointer.as_deref(),
        Some("/inputSchema/properties/mode/x-toolgen-type")
    );
    assert!(
        problem
            .message
            .contains("`TParams` is already taken in its module, so the enum would be `TParams2`"),
        "{problem}"
    );
}

#[test]
fn renames_that_apply_pass_the_model_check() {
    let overlay = json!({"tools": {"t": [
        {"op": "add", "path": "/inputSchema/properties/mode/x-toolgen-type", "value": "Mode2"},
        {"op": "add", "path": "/inputSchema/properties/mode/x-toolgen-variants", "value": {"x": "Ex"}}
    ]}});
    let model = build(vec![
        tool("t", json!({"mode": {"enum": ["x", "y"]}})),
        ("p/overlay.json".into(), overlay.to_string().into_bytes()),
    ]);
    assert!(toolgen::check::check(&model).is_empty());
}
