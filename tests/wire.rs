//! The generated types' own `Serialize`/`Deserialize` impls (`runtime::wire`, written by
//! `generator/src/emit/wire.rs` instead of serde's derive): what they accept, what they write, and
//! the errors they give, on the fixture crate's types.

use serde_json::{Map, Value, json};
use toolgen_fixtures::constructs::refs::tree::{D, Node, S, TreeParams};
use toolgen_fixtures::constructs::status::read::State as Status;
use toolgen_fixtures::runtime::wire;

fn error<T: serde::de::DeserializeOwned + std::fmt::Debug>(value: Value) -> String {
    serde_json::from_value::<T>(value)
        .expect_err("must be rejected")
        .to_string()
}

#[test]
fn a_wrong_type_deep_inside_is_reported_with_its_pointer() {
    assert_eq!(
        error::<TreeParams>(json!({"root": {"name": 1}})),
        "/root/name: invalid type: integer `1`, expected a string"
    );
    assert_eq!(
        error::<TreeParams>(json!({"primary": {"label": 5}})),
        "/primary/label: invalid type: integer `5`, expected a string"
    );
}

#[test]
fn a_missing_required_field_names_the_field_and_where_it_is_missing() {
    assert_eq!(
        error::<TreeParams>(json!({"root": {"children": []}})),
        "/root: missing field `name`"
    );
    assert_eq!(error::<Node>(json!({})), "missing field `name`");
}

#[test]
fn only_an_object_is_read_as_a_struct() {
    assert_eq!(
        error::<Node>(json!("node")),
        "invalid type: string \"node\", expected a JSON object"
    );
    assert_eq!(
        error::<Node>(json!(["a", []])),
        "invalid type: sequence, expected a JSON object"
    );
    // From text, the pointer stands in for serde_json's line and column.
    let err = serde_json::from_str::<TreeParams>(r#"{"root": {"name": true}}"#)
        .expect_err("must be rejected")
        .to_string();
    assert_eq!(
        err,
        "/root/name: invalid type: boolean `true`, expected a string"
    );
    // Text that is not JSON still gets serde_json's position.
    let err = serde_json::from_str::<TreeParams>(r#"{"root": {"name": }"#)
        .expect_err("must be rejected")
        .to_string();
    assert!(err.contains("at line 1 column"), "{err}");
}

#[test]
fn absent_null_and_defaults_read_as_serde_derive_reads_them() {
    // `children` has `default`: absent is empty. `name` is required.
    let node: Node = serde_json::from_value(json!({"name": "a"})).expect("reads");
    assert!(node.children.is_empty());
    assert!(node.extra.is_empty());
    // An `Option` field: absent and null are both `None`, and neither is written back.
    let params: TreeParams = serde_json::from_value(json!({"root": null})).expect("reads");
    assert!(params.root.is_none());
    assert_eq!(serde_json::to_value(&params).expect("writes"), json!({}));
    // Properties no field names are kept and written back, nested too.
    let input = json!({
        "root": {"name": "a", "children": [{"name": "b", "x-b": [1, 2]}], "x-a": {"k": null}},
        "x-top": "kept",
    });
    let params: TreeParams = serde_json::from_value(input.clone()).expect("reads");
    assert_eq!(params.extra.get("x-top"), Some(&json!("kept")));
    let root = params.root.as_ref().expect("root");
    assert_eq!(root.children[0].extra.get("x-b"), Some(&json!([1, 2])));
    assert_eq!(serde_json::to_value(&params).expect("writes"), input);
    // Text in, text out, through the same impls.
    let text = serde_json::to_string(&params).expect("writes text");
    let again: TreeParams = serde_json::from_str(&text).expect("reads text");
    assert_eq!(serde_json::to_value(&again).expect("writes"), input);
}

#[test]
fn a_string_enum_reads_only_its_exact_values_and_lists_them_otherwise() {
    let all: Vec<&str> = Status::ALL.iter().map(Status::as_str).collect();
    for value in &all {
        let parsed: Status = serde_json::from_value(json!(value)).expect("a known value");
        assert_eq!(serde_json::to_value(parsed).expect("writes"), json!(value));
    }
    let message = error::<Status>(json!("no-such-status"));
    assert!(
        message.starts_with("unknown variant `no-such-status`, expected `"),
        "{message}"
    );
    for value in &all {
        assert!(message.contains(&format!("`{value}`")), "{message}");
    }
    assert_eq!(
        error::<Status>(json!(3)),
        "invalid type: integer `3`, expected a string"
    );
}

/// `additionalProperties: false` objects read through `Reader::deny_unknown`.
#[test]
fn an_unknown_property_of_a_closed_object_is_named_with_the_known_ones() {
    #[derive(Debug)]
    struct Closed {
        a: Option<i64>,
    }
    fn read(input: &mut wire::Reader) -> Option<Closed> {
        let a = input.field("a");
        input.deny_unknown();
        Some(Closed { a: a? })
    }
    let closed = |value: Value| wire::deserialize(value, &["a", "b/c"], read);
    assert_eq!(closed(json!({"a": 1})).expect("known").a, Some(1));
    assert!(closed(json!({})).expect("empty").a.is_none());
    assert_eq!(
        closed(json!({"a": 1, "z": 2}))
            .expect_err("unknown")
            .to_string(),
        "unknown field `z`, expected one of `a`, `b/c`"
    );
    // A pointer escapes `/` and `~` in property names (RFC 6901).
    assert_eq!(
        closed(json!({"a": "x"}))
            .expect_err("wrong type")
            .to_string(),
        "/a: invalid type: string \"x\", expected i64"
    );
    let mut map = Map::new();
    map.insert("a~/b".into(), json!(1));
    fn read_odd(input: &mut wire::Reader) -> Option<String> {
        input.field("a~/b")
    }
    assert_eq!(
        wire::deserialize(Value::Object(map), &[], read_odd)
            .expect_err("wrong type")
            .to_string(),
        "/a~0~1b: invalid type: integer `1`, expected a string"
    );
}

/// Types named `S` and `D` (serde's usual names for its type parameters) read and write, so the
/// generated impls' own parameters never shadow a generated type.
#[test]
fn types_named_like_serde_type_parameters_work() {
    let input = json!({"s": {"d": {"value": 1}}, "d": {"value": 2}});
    let params: TreeParams = serde_json::from_value(input.clone()).expect("reads");
    let s: &S = params.s.as_ref().expect("s");
    let d: &D = s.d.as_ref().expect("d");
    assert_eq!(d.value, Some(1));
    assert_eq!(serde_json::to_value(&params).expect("writes"), input);
}
