//! Schema constructs, compiled and run: constraints enforced by `validate()` before any call,
//! `const` and `$ref`s typed, and the messy spellings real schemas use.

use std::future::IntoFuture;

use serde_json::json;
use toolgen_fixtures::constructs::bounds::check::{CheckParams, Kind};
use toolgen_fixtures::runtime::{Error, MemoryTransport, Validator};

fn pointers(result: Result<(), Vec<toolgen_fixtures::runtime::Violation>>) -> Vec<String> {
    result
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|v| v.pointer)
        .collect()
}

fn valid_check() -> serde_json::Value {
    json!({
        "days": 7, "ratio": 0.5, "step": 15, "slug": "ab-cd", "tags": ["a", "b"], "kind": "fixed",
        "email": "ada@example.com", "when": "2026-11-26T05:16:46Z",
        "id": "67e55044-10b1-426f-9247-bb680e5fe0c8", "address": "10.0.0.1", "not_empty": "x"
    })
}

#[test]
fn a_valid_instance_round_trips_and_validates() {
    let params: CheckParams = serde_json::from_value(valid_check()).expect("valid");
    assert_eq!(params.validate(), Ok(()));
    assert_eq!(
        serde_json::to_value(&params).expect("serializes"),
        valid_check()
    );
    assert_eq!(params.kind, Some(Kind::Fixed));
}

#[test]
fn every_violation_is_reported_with_its_pointer() {
    // These all deserialize (the Rust types cannot express the constraints) but break the schema.
    let mut input = valid_check();
    input["days"] = json!(31);
    input["ratio"] = json!(1.0);
    input["step"] = json!(7);
    input["tags"] = json!(["a", "a"]);
    input["email"] = json!("not an email");
    input["not_empty"] = json!("");
    let params: CheckParams = serde_json::from_value(input).expect("deserializes");
    let mut found = pointers(params.validate());
    found.sort();
    assert_eq!(
        found,
        ["/days", "/email", "/not_empty", "/ratio", "/step", "/tags"]
    );
}

#[test]
fn types_reject_what_they_can_express() {
    for (key, bad) in [
        ("kind", json!("other")),
        ("id", json!("not-a-uuid")),
        ("address", json!("300.1.1.1")),
        ("when", json!("yesterday")),
    ] {
        let mut input = valid_check();
        input[key] = bad.clone();
        assert!(
            serde_json::from_value::<CheckParams>(input).is_err(),
            "{key} = {bad} must be rejected"
        );
    }
    // `minimum: 1` is a plain `u64`: 0 reads, and `validate()` rejects it with its pointer.
    let mut input = valid_check();
    input["days"] = json!(0);
    let params: CheckParams = serde_json::from_value(input).expect("the type holds 0");
    assert_eq!(params.days, 0);
    assert_eq!(pointers(params.validate()), ["/days"]);
    assert_eq!(pointers(CheckParams::new(0).validate()), ["/days"]);
    assert_eq!(CheckParams::new(1).validate(), Ok(()));
}

/// An integer whose bounds reach past `i64` has a type that holds every value in them: `u64`
/// for bounds that are not negative, `serde_json::Number` otherwise; `validate()` checks the
/// bounds and that the number is an integer. An integer without bounds stays `i64`.
#[test]
fn integers_with_bounds_past_i64_are_not_refused_by_their_type() {
    let mut input = valid_check();
    input["serial"] = json!(10_000_000_000_000_000_000_u64);
    input["huge"] = json!(1e25);
    let params: CheckParams = serde_json::from_value(input.clone()).expect("valid");
    let serial: Option<u64> = params.serial;
    assert_eq!(serial, Some(10_000_000_000_000_000_000));
    let huge: Option<&serde_json::Number> = params.huge.as_ref();
    assert_eq!(huge.and_then(serde_json::Number::as_f64), Some(1e25));
    assert_eq!(serde_json::to_value(&params).expect("serializes"), input);
    assert_eq!(params.validate(), Ok(()));
    for (bad, pointer) in [(json!(1.5), "/huge"), (json!(1e31), "/huge")] {
        let mut input = valid_check();
        input["huge"] = bad;
        let params: CheckParams = serde_json::from_value(input).expect("the type holds it");
        assert_eq!(pointers(params.validate()), [pointer]);
    }
    let mut input = valid_check();
    input["serial"] = json!(-1);
    assert!(serde_json::from_value::<CheckParams>(input).is_err());
    let params: CheckParams = serde_json::from_value(valid_check()).expect("valid");
    let step: Option<i64> = params.step;
    assert_eq!(step, Some(15));
}

/// A constrained string is a plain `String`: its length and pattern are `validate()`'s to check,
/// as number bounds are, and the field's docs say what they are.
#[test]
fn string_constraints_are_checked_by_validate() {
    for (bad, reason) in [
        (json!("UPPER"), "pattern"),
        (json!("x"), "minLength"),
        (json!("much-too-long"), "maxLength"),
    ] {
        let mut input = valid_check();
        input["slug"] = bad.clone();
        let params: CheckParams = serde_json::from_value(input).expect("any string reads");
        let violations = params.validate().expect_err(reason);
        assert_eq!(violations.len(), 1, "{bad}: {violations:?}");
        assert_eq!(violations[0].pointer, "/slug", "{bad}");
    }
    let mut input = valid_check();
    input["slug"] = json!("a-slug");
    let params: CheckParams = serde_json::from_value(input).expect("valid");
    assert!(params.validate().is_ok());
    let source = include_str!("fixtures/generated/src/constructs/bounds/check.rs");
    assert!(
        source.contains("Constraints from the schema: 2 to 8 characters; matches `^[a-z-]+$`."),
        "the slug's docs state its constraints"
    );
}

#[test]
fn invalid_arguments_never_reach_the_transport() {
    let transport = MemoryTransport::new();
    let client = toolgen_fixtures::constructs::Client::new(transport.clone());
    let mut params: CheckParams = serde_json::from_value(valid_check()).expect("valid");
    params.step = Some(3);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let err = runtime
        .block_on(client.bounds().check(&params).into_future())
        .expect_err("invalid");
    match err {
        Error::InvalidArguments { tool, violations } => {
            assert_eq!(tool, "bounds.check");
            assert_eq!(violations.len(), 1);
            assert_eq!(violations[0].pointer, "/step");
            assert!(
                violations[0].message.contains("multiple of 5"),
                "{}",
                violations[0].message
            );
        }
        other => panic!("expected InvalidArguments, got {other:?}"),
    }
    assert!(transport.calls().is_empty(), "nothing may be sent");

    params.step = Some(10);
    runtime
        .block_on(client.bounds().check(&params).into_future())
        .expect("valid arguments are sent");
    assert_eq!(transport.calls().len(), 1);
}

#[test]
fn refs_to_defs_and_to_properties_are_typed_and_recursive() {
    use toolgen_fixtures::constructs::refs::tree::{Node, Primary, TreeParams};
    let input = json!({
        "root": {"name": "a", "children": [{"name": "b", "children": [{"name": "c"}]}]},
        "primary": {"label": "one"},
        "secondary": {"label": "two"}
    });
    let params: TreeParams = serde_json::from_value(input.clone()).expect("valid");
    let root: &Node = params.root.as_ref().expect("root");
    assert_eq!(root.children[0].children[0].name, "c");
    // `#/properties/primary` became one type, used by both properties.
    let _same: (&Option<Primary>, &Option<Primary>) = (&params.primary, &params.secondary);
    assert_eq!(serde_json::to_value(&params).expect("serializes"), input);
    let too_long: TreeParams =
        serde_json::from_value(json!({"secondary": {"label": "too long"}})).expect("reads");
    let violations = too_long.validate().expect_err("maxLength");
    assert_eq!(violations[0].pointer, "/secondary/label");
}

#[test]
fn a_ref_inside_a_subschema_with_an_id_is_read_against_that_id() {
    use toolgen_fixtures::constructs::refs::tree::{Point, TreeParams};
    // `located` has `$id: located.json`, so its `#/$defs/point` is its own definition, not the
    // root's: it is typed, and a point without an integer `x` is not one.
    let input = json!({"located": {"x": 1}});
    let params: TreeParams = serde_json::from_value(input.clone()).expect("valid");
    let located: &Option<Point> = &params.located;
    assert_eq!(located.as_ref().map(|point| point.x), Some(1));
    assert_eq!(serde_json::to_value(&params).expect("serializes"), input);
    assert_eq!(params.validate(), Ok(()));
    assert!(serde_json::from_value::<TreeParams>(json!({"located": {"x": "1"}})).is_err());
}

#[test]
fn null_stays_apart_from_absent_in_types_that_hold_null() {
    use toolgen_fixtures::constructs::refs::tree::TreeParams;
    use toolgen_fixtures::constructs::unions::pick::PickParams;
    // `maybe` is a `$ref` to `{"type": ["string", "null"]}`; `filter` is any value. Both read a
    // present `null` as a value of their own, not as "left out", and write it back.
    let with_null = json!({"maybe": null});
    let params: TreeParams = serde_json::from_value(with_null.clone()).expect("null");
    assert_eq!(
        params.maybe.as_ref().map(|maybe| maybe.0.clone()),
        Some(None)
    );
    assert_eq!(
        serde_json::to_value(&params).expect("serializes"),
        with_null
    );
    assert_eq!(params.validate(), Ok(()));
    let absent: TreeParams = serde_json::from_value(json!({})).expect("absent");
    assert!(absent.maybe.is_none());
    assert_eq!(
        serde_json::to_value(&absent).expect("serializes"),
        json!({})
    );
    let text: TreeParams = serde_json::from_value(json!({"maybe": "m"})).expect("text");
    assert_eq!(
        text.maybe.as_ref().and_then(|maybe| maybe.0.as_deref()),
        Some("m")
    );

    let with_null = json!({"shape": {"kind": "circle", "radius": 1.0}, "filter": null});
    let params: PickParams = serde_json::from_value(with_null.clone()).expect("null");
    assert_eq!(params.filter, Some(serde_json::Value::Null));
    assert_eq!(
        serde_json::to_value(&params).expect("serializes"),
        with_null
    );
    let absent = json!({"shape": {"kind": "circle", "radius": 1.0}});
    let params: PickParams = serde_json::from_value(absent.clone()).expect("absent");
    assert_eq!(params.filter, None);
    assert_eq!(serde_json::to_value(&params).expect("serializes"), absent);
}

#[test]
fn messy_real_world_spellings_still_work() {
    use toolgen_fixtures::constructs::messy::inputs::InputsParams;
    let input = json!({"account_id": "a", "accountId": 2.5, "agree": 1, "page": 3, "note": "n", "label": "l", "alias": "x"});
    let params: InputsParams = serde_json::from_value(input.clone()).expect("valid");
    assert_eq!(params.account_id.as_deref(), Some("a"));
    assert_eq!(params.account_id_2, Some(2.5));
    assert_eq!(serde_json::to_value(&params).expect("serializes"), input);
    assert_eq!(params.note, Some(Some("n".to_string())));
    // Draft 4 `exclusiveMinimum: true` with `minimum: 0`: zero is out. The field is a plain
    // `u64`, so 0 reads, and `validate()` rejects it.
    let zero: InputsParams = serde_json::from_value(json!({"page": 0})).expect("the type holds 0");
    assert_eq!(zero.page, Some(0));
    assert_eq!(pointers(zero.validate()), ["/page"]);
    assert_eq!(
        pointers(InputsParams::default().page(0).validate()),
        ["/page"]
    );
    assert_eq!(InputsParams::default().page(1).validate(), Ok(()));
    // All three nullable spellings accept null, and keep it apart from absent.
    for key in ["note", "label", "alias"] {
        let with_null = json!({ key: null });
        let params: InputsParams = serde_json::from_value(with_null.clone()).expect(key);
        assert_eq!(
            serde_json::to_value(&params).expect("serializes"),
            with_null,
            "{key}"
        );
        assert_eq!(params.validate(), Ok(()), "{key}");
    }
    let absent: InputsParams = serde_json::from_value(json!({})).expect("absent");
    assert_eq!(absent.note, None);
    let null: InputsParams = serde_json::from_value(json!({"note": null})).expect("null");
    assert_eq!(null.note, Some(None));
    assert_eq!(
        serde_json::to_value(&absent).expect("serializes"),
        json!({})
    );
}

#[test]
fn the_validator_covers_the_keywords_tool_schemas_use() {
    let cases = [
        (
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}),
            json!(1),
            true,
        ),
        (
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}),
            json!(1.5),
            false,
        ),
        (
            json!({"oneOf": [{"minimum": 0}, {"maximum": 10}]}),
            json!(5),
            false,
        ),
        (
            json!({"oneOf": [{"minimum": 0}, {"maximum": 10}]}),
            json!(50),
            true,
        ),
        (
            json!({"allOf": [{"minimum": 0}, {"maximum": 10}]}),
            json!(11),
            false,
        ),
        (json!({"not": {"type": "null"}}), json!(null), false),
        (
            json!({"if": {"const": 1}, "then": {"maximum": 0}}),
            json!(1),
            false,
        ),
        (
            json!({"prefixItems": [{"type": "string"}], "items": {"type": "integer"}}),
            json!(["a", 1, 2]),
            true,
        ),
        (
            json!({"prefixItems": [{"type": "string"}], "items": {"type": "integer"}}),
            json!(["a", "b"]),
            false,
        ),
        (json!({"uniqueItems": true}), json!([1, 1.0]), false),
        (json!({"enum": [1]}), json!(1.0), true),
        (
            json!({"patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": false}),
            json!({"x-a": "s"}),
            true,
        ),
        (
            json!({"patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": false}),
            json!({"y": "s"}),
            false,
        ),
        (
            json!({"additionalProperties": {"type": "integer"}}),
            json!({"a": "s"}),
            false,
        ),
        (
            json!({"dependentRequired": {"a": ["b"]}}),
            json!({"a": 1}),
            false,
        ),
        (
            json!({"properties": {"a": {"$ref": "#/$defs/pos"}}, "$defs": {"pos": {"minimum": 1}}}),
            json!({"a": 0}),
            false,
        ),
        (
            json!({"properties": {"a": {"type": "integer"}, "b": {"$ref": "#/properties/a"}}}),
            json!({"b": "s"}),
            false,
        ),
        (json!({"maxLength": 2}), json!("日本"), true),
        (json!({"maxLength": 2}), json!("日本語"), false),
        (json!({"format": "date"}), json!("2026-02-29"), false),
        (json!({"format": "date"}), json!("2028-02-29"), true),
        (json!({"format": "ipv6"}), json!("::1"), true),
        (json!({"type": "integer"}), json!(1.0), true),
        (json!(false), json!(1), false),
    ];
    for (schema, instance, valid) in cases {
        let violations = Validator::from_value(schema.clone()).violations(&instance);
        assert_eq!(
            violations.is_empty(),
            valid,
            "{schema} on {instance}: {violations:?}"
        );
    }
}

#[test]
fn the_validator_resolves_ids_anchors_and_dynamic_refs_and_tracks_evaluation() {
    let cases = [
        // `$id` with a relative reference resolved against the enclosing base URI.
        (
            json!({"$id": "http://example.com/root.json", "$defs": {"n": {"$id": "nested.json", "type": "integer"}}, "$ref": "nested.json"}),
            json!("x"),
            false,
        ),
        (
            json!({"$id": "http://example.com/root.json", "$defs": {"n": {"$id": "nested.json", "type": "integer"}}, "$ref": "nested.json"}),
            json!(3),
            true,
        ),
        // `$anchor`, and an `$id` inside `enum` data that is no identifier.
        (
            json!({"$defs": {"a": {"$anchor": "num", "type": "number"}}, "$ref": "#num"}),
            json!("x"),
            false,
        ),
        // A reference to another document is never fetched: it accepts every value (a call is
        // never refused for a value the schema may allow), and the rest is still checked.
        (
            json!({"$ref": "http://example.com/other.json"}),
            json!(1),
            true,
        ),
        (
            json!({"properties": {"a": {"$ref": "http://example.com/other.json"}}, "maxProperties": 1}),
            json!({"a": 1, "b": 2}),
            false,
        ),
        // `$dynamicRef` finds the outermost `$dynamicAnchor` of the dynamic scope.
        (
            json!({
                "$id": "https://example.com/strict",
                "$dynamicAnchor": "node",
                "$ref": "tree",
                "unevaluatedProperties": false,
                "$defs": {"tree": {
                    "$id": "tree",
                    "$dynamicAnchor": "node",
                    "type": "object",
                    "properties": {"kids": {"type": "array", "items": {"$dynamicRef": "#node"}}}
                }}
            }),
            json!({"kids": [{"kids": [], "typo": 1}]}),
            false,
        ),
        // Properties evaluated in a passing `anyOf` branch are not unevaluated.
        (
            json!({"anyOf": [{"properties": {"a": true}}, {"properties": {"b": true}}], "unevaluatedProperties": false}),
            json!({"a": 1, "b": 2}),
            true,
        ),
        (
            json!({"anyOf": [{"properties": {"a": true}}, {"properties": {"b": true}}], "unevaluatedProperties": false}),
            json!({"a": 1, "c": 2}),
            false,
        ),
        (
            json!({"prefixItems": [true], "allOf": [{"contains": {"const": 2}}], "unevaluatedItems": false}),
            json!([1, 2]),
            true,
        ),
        (
            json!({"prefixItems": [true], "unevaluatedItems": false}),
            json!([1, 2]),
            false,
        ),
        // Counts spelled as decimals, and Unicode property escapes in patterns.
        (json!({"maxItems": 1.0}), json!([1, 2]), false),
        (json!({"pattern": "^\\p{Letter}+$"}), json!("élan"), true),
    ];
    for (schema, instance, valid) in cases {
        let violations = Validator::from_value(schema.clone()).violations(&instance);
        assert_eq!(
            violations.is_empty(),
            valid,
            "{schema} on {instance}: {violations:?}"
        );
    }
}

#[test]
fn a_recursive_ref_without_a_base_case_terminates() {
    let validator = Validator::from_value(json!({"$ref": "#"}));
    assert!(validator.violations(&json!({"a": [1, 2, 3]})).is_empty());
    let validator = Validator::from_value(
        json!({"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}),
    );
    assert!(validator.violations(&json!(1)).is_empty());
}

#[test]
fn enums_in_results_are_open_and_enums_in_arguments_are_closed() {
    use toolgen_fixtures::constructs::status::read::{ReadOutput, ReadParams, State, State2};
    // An argument with a value the schema does not list is a typo: rejected.
    assert!(serde_json::from_value::<ReadParams>(json!({"state": "paused"})).is_err());
    assert!("paused".parse::<State>().is_err());
    // A result with a value the schema does not list yet still parses, and round-trips.
    let result = json!({"state": "paused", "history": ["active", "paused"]});
    let output: ReadOutput = serde_json::from_value(result.clone()).expect("an open enum parses");
    assert_eq!(output.state, State2::Unknown("paused".to_string()));
    assert_eq!(
        output.history,
        vec![State2::Active, State2::Unknown("paused".to_string())]
    );
    assert_eq!(serde_json::to_value(&output).expect("serializes"), result);
    assert_eq!(State2::ALL, &[State2::Active, State2::Suspended]);
    assert_eq!(State2::from("suspended"), State2::Suspended);
}
