//! Random but valid tool schemas (nested objects, enums, unions, constraints, hostile names and
//! descriptions) all generate, and every generated Rust file parses with syn.
//!
//! The case count is kept small so that the suite stays fast; raise it with `PROPTEST_CASES`.

use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Text that tries to break out of doc comments, string literals and attributes.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("end */ /* \"] #[cfg(any())] `x` ``` \u{0} \r\n <b> [x](y) \\".to_string()),
        Just("r#\"raw\"# '\\u{0}' {} {{}} %s $1".to_string()),
        Just("self".to_string()),
        Just("Self".to_string()),
        Just("type".to_string()),
        Just("".to_string()),
        Just("123".to_string()),
        Just("über ñ 日本語 🦀".to_string()),
        "[a-z_]{1,12}",
        any::<String>(),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0u32..10, 10u32..100)
            .prop_map(|(a, b)| json!({"type": "string", "minLength": a, "maxLength": b})),
        (-5i64..5, 5i64..50)
            .prop_map(|(a, b)| json!({"type": "integer", "minimum": a, "maximum": b})),
        Just(json!({"type": "number", "exclusiveMinimum": 0})),
        Just(json!({"type": "boolean"})),
        Just(json!({"type": "string", "format": "date-time"})),
        Just(json!({"type": "string", "pattern": "^[a-z]+$"})),
        Just(json!({"const": "fixed"})),
        Just(json!({"type": "null"})),
        Just(json!({})),
        proptest::collection::btree_set(hostile_text(), 1..8)
            .prop_map(|values| json!({"type": "string", "enum": values})),
        Just(json!({"enum": ["a", 1, null, true]})),
    ]
}

fn schema() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            (
                proptest::collection::btree_map(hostile_text(), inner.clone(), 0..6),
                any::<bool>(),
                any::<bool>(),
            )
                .prop_map(|(props, require_all, closed)| {
                    let required: Vec<&String> = if require_all {
                        props.keys().collect()
                    } else {
                        Vec::new()
                    };
                    let mut schema = json!({"type": "object", "properties": props});
                    if !required.is_empty() {
                        schema["required"] = json!(required);
                    }
                    if closed {
                        schema["additionalProperties"] = Value::Bool(false);
                    }
                    schema
                }),
            inner
                .clone()
                .prop_map(|items| json!({"type": "array", "items": items, "maxItems": 9})),
            proptest::collection::vec(inner.clone(), 1..4).prop_map(|v| json!({"anyOf": v})),
            proptest::collection::vec(inner.clone(), 1..4).prop_map(|v| json!({"oneOf": v})),
            (inner.clone(), hostile_text()).prop_map(|(mut s, d)| {
                if let Value::Object(map) = &mut s {
                    map.insert("description".into(), Value::String(d));
                }
                s
            }),
        ]
    })
}

/// A valid MCP tool name: dotted segments of `A-Za-z0-9_-`.
fn tool_name() -> impl Strategy<Value = String> {
    proptest::collection::vec("[A-Za-z0-9_-]{1,10}", 1..4).prop_map(|parts| parts.join("."))
}

fn tool() -> impl Strategy<Value = Value> {
    (
        tool_name(),
        hostile_text(),
        proptest::collection::btree_map(hostile_text(), schema(), 0..6),
        proptest::option::of(schema()),
    )
        .prop_map(|(name, description, props, output)| {
            let mut tool = Map::new();
            tool.insert("name".into(), Value::String(name));
            tool.insert("description".into(), Value::String(description));
            tool.insert(
                "inputSchema".into(),
                json!({"type": "object", "properties": props}),
            );
            if let Some(output) = output {
                tool.insert(
                    "outputSchema".into(),
                    json!({"type": "object", "properties": {"result": output}}),
                );
            }
            Value::Object(tool)
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(24),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_valid_tools_generate_code_that_parses(tools in proptest::collection::vec(tool(), 1..4)) {
        // Tool names must be unique within a provider: suffix each with its index.
        let tools: Vec<Value> = tools
            .into_iter()
            .enumerate()
            .map(|(i, mut t)| {
                let name = format!("{}_{i}", t["name"].as_str().unwrap_or("t"));
                t["name"] = Value::String(name);
                t
            })
            .collect();
        let bytes = serde_json::to_vec(&json!({"tools": tools})).expect("serialize");
        let mut parsed = Vec::new();
        let mut diagnostics = toolgen::Diagnostics::default();
        toolgen::load::parse_file("acme", "acme/tools.json", &bytes, &mut parsed, &mut diagnostics);
        prop_assert!(diagnostics.is_empty(), "valid tools are rejected: {diagnostics}");
        let model = toolgen::model::build(&parsed);
        let output = toolgen::from_model(&model, &toolgen::emit::EmitOptions::default());
        let output = output.map_err(|err| {
            TestCaseError::fail(format!("valid tools fail to generate:\n{err}"))
        })?;
        for (path, text) in &output.files {
            if path.ends_with(".rs") && let Err(err) = syn::parse_file(text) {
                prop_assert!(false, "{path} does not parse: {err}");
            }
        }
    }
}

/// Generates `tools` (a `tools/list` reply) in memory and parses every output file.
fn generates_and_parses(tools: &Value) -> toolgen::Output {
    let bytes = serde_json::to_vec(tools).expect("serialize");
    let mut parsed = Vec::new();
    let mut diagnostics = toolgen::Diagnostics::default();
    toolgen::load::parse_file(
        "acme",
        "acme/tools.json",
        &bytes,
        &mut parsed,
        &mut diagnostics,
    );
    assert!(diagnostics.is_empty(), "{diagnostics}");
    let model = toolgen::model::build(&parsed);
    let output = toolgen::from_model(&model, &toolgen::emit::EmitOptions::default())
        .unwrap_or_else(|err| panic!("{err}"));
    for (path, text) in &output.files {
        if path.ends_with(".rs") {
            syn::parse_file(text).unwrap_or_else(|err| panic!("{path}: {err}"));
        }
    }
    output
}

/// Found by the proptest: typify panics on an enum without `type` whose values have several JSON
/// types, and the fallback ladder relaxed one part at a time, so two such enums in one tool
/// (input and output) failed the whole tool. Such an enum is now typed as any JSON value before
/// typify sees it (`validate()` checks the values), so nothing falls back.
#[test]
fn two_mixed_type_enums_in_one_tool_generate() {
    let mixed = json!({"enum": ["a", 1, null, true]});
    let output = generates_and_parses(&json!({"tools": [{
        "name": "mixed",
        "inputSchema": {"type": "object", "properties": {"x": {"anyOf": [mixed]}}},
        "outputSchema": {"type": "object", "properties": {"result": mixed}},
    }]}));
    assert!(output.warnings.is_empty(), "{:?}", output.warnings);
    let module = output
        .files
        .iter()
        .find(|(path, _)| path.ends_with("mixed.rs"))
        .map(|(_, text)| text)
        .expect("the tool's module");
    for field in ["pub x:", "pub result:"] {
        let line = module
            .lines()
            .find(|l| l.contains(field))
            .unwrap_or_else(|| panic!("{field} in {module}"));
        assert!(line.contains("serde_json::Value"), "{line}");
    }
}
