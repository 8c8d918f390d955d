//! Behaviour of the fixture crate (`tests/fixtures/schemas`), compiled and run.

use std::future::IntoFuture;

use serde_json::json;
use toolgen_fixtures::runtime::MemoryTransport;

#[test]
fn overlay_renames_keep_the_wire_names() {
    use toolgen_fixtures::renames::members::invite::InvitationState;
    use toolgen_fixtures::renames::members::{InviteParams, ListParams};
    use toolgen_fixtures::renames::shared::MemberRole;
    // `org_id` is the field `organization`; `pending` is `Waiting`; the shared enum `role` is
    // `MemberRole` in both tools, with `read-only` as `Viewer`.
    let invite = InviteParams::new("org_1")
        .role(MemberRole::Viewer)
        .state(InvitationState::Waiting);
    let wire = json!({"org_id": "org_1", "role": "read-only", "state": "pending"});
    assert_eq!(serde_json::to_value(&invite).expect("serializes"), wire);
    let back: InviteParams = serde_json::from_value(wire).expect("deserializes");
    assert_eq!(back.organization, "org_1");
    assert_eq!(back.state, Some(InvitationState::Waiting));
    assert_eq!("read-only".parse::<MemberRole>(), Ok(MemberRole::Viewer));
    assert_eq!(InvitationState::Waiting.as_str(), "pending");
    let list = ListParams::default().role(MemberRole::Viewer);
    assert_eq!(
        serde_json::to_value(&list).expect("serializes"),
        json!({"role": "read-only"})
    );
    assert!(invite.validate().is_ok());
}

#[test]
fn an_enum_shared_by_two_tools_is_one_type() {
    use toolgen_fixtures::shared_enums::orders::export::Format;
    use toolgen_fixtures::shared_enums::orders::{ExportParams, ListParams};
    use toolgen_fixtures::shared_enums::shared::Status;
    // Both tools take the very same type: this compiles only if it is shared.
    let status = Status::OnHold;
    let list = ListParams::default().status(status);
    let export = ExportParams::new(Format::Csv).status(status);
    assert_eq!(
        serde_json::to_value(&list).expect("list"),
        json!({"status": "on-hold"})
    );
    assert_eq!(
        serde_json::to_value(&export).expect("export"),
        json!({"status": "on-hold", "format": "csv"})
    );
}

#[test]
fn same_property_name_with_different_values_gives_distinct_types() {
    use toolgen_fixtures::enum_clash::gamma::get::Kind;
    use toolgen_fixtures::enum_clash::shared::{AlphaKind, BetaKind};
    assert_eq!(
        AlphaKind::ALL
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>(),
        ["small", "large"]
    );
    assert_eq!(
        BetaKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        ["red", "green", "blue"]
    );
    assert_eq!(
        Kind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        ["only"]
    );
    assert!("red".parse::<AlphaKind>().is_err());
}

#[test]
fn keyword_and_non_identifier_properties_keep_their_wire_names() {
    use toolgen_fixtures::keywords::match_::TypeParams;
    let input = json!({"type": "t", "ref": "r", "match": true, "Upload-Length": 5});
    let params: TypeParams = serde_json::from_value(input.clone()).expect("valid");
    assert_eq!(params.type_, "t");
    assert_eq!(params.ref_.as_deref(), Some("r"));
    assert_eq!(params.match_, Some(true));
    assert_eq!(params.upload_length, Some(5));
    assert_eq!(serde_json::to_value(&params).expect("serializes"), input);
    assert!(
        serde_json::from_value::<TypeParams>(json!({})).is_err(),
        "`type` is required"
    );
    // Properties named like the struct's own methods get `set_` setters; keywords keep theirs.
    let built = TypeParams::new("t")
        .ref_("r")
        .match_(true)
        .upload_length(5)
        .set_new("n")
        .set_validate(false);
    assert!(built.validate().is_ok());
    assert_eq!(
        serde_json::to_value(&built).expect("serializes"),
        json!({"type": "t", "ref": "r", "match": true, "Upload-Length": 5, "new": "n",
               "validate": false})
    );
}

#[test]
fn colliding_and_symbolic_values_get_distinct_variants() {
    use toolgen_fixtures::variants::values::set::{Delta, Op, Region};
    assert_eq!(Delta::Plus1.as_str(), "+1");
    assert_eq!(Delta::Minus1.as_str(), "-1");
    assert_eq!(Delta::V0.as_str(), "0");
    assert_eq!(Region::EnUs.as_str(), "en-US");
    assert_eq!(Region::EnUs2.as_str(), "en_us");
    assert_eq!(Region::Empty.as_str(), "");
    assert_eq!(Region::SelfValue.as_str(), "Self");
    // The duplicate "en-US" is one variant.
    assert_eq!(Region::ALL.len(), 5);
    assert_eq!(Op::Le.as_str(), "<=");
    assert_eq!(Op::Ge.as_str(), ">=");
    for &value in Region::ALL {
        let json = serde_json::to_value(value).expect("serializes");
        assert_eq!(
            serde_json::from_value::<Region>(json).expect("deserializes"),
            value
        );
    }
}

#[test]
fn an_empty_input_schema_takes_any_object() {
    use toolgen_fixtures::empty_input::{Client, PingParams};
    let transport = MemoryTransport::new();
    let client = Client::new(transport.clone());
    let mut arguments = serde_json::Map::new();
    arguments.insert("anything".into(), json!(1));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    runtime
        .block_on(
            client
                .ping(PingParams::from(arguments.clone()))
                .into_future(),
        )
        .expect("call");
    assert_eq!(transport.calls()[0].name, "ping");
    assert_eq!(transport.calls()[0].arguments, arguments);
}

#[test]
fn a_tool_without_arguments_is_called_without_any() {
    use toolgen_fixtures::empty_input::{Client, PingParams, ResetParams};
    let transport = MemoryTransport::new();
    let client = Client::new(transport.clone());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    // `{"type": "object", "properties": {}}`: a method without a parameter, sending `{}`.
    runtime
        .block_on(client.reset().into_future())
        .expect("call");
    // `{}` takes any object, so its method keeps its parameter, which has a default.
    runtime
        .block_on(client.ping(PingParams::default()).into_future())
        .expect("call");
    let calls = transport.calls();
    assert_eq!(calls[0].name, "reset");
    assert_eq!(calls[0].arguments, serde_json::Map::new());
    assert_eq!(calls[1].arguments, serde_json::Map::new());
    assert!(ResetParams::default().is_empty());
}

#[test]
fn locale_detection_follows_names_counts_and_the_override() {
    use toolgen_fixtures::locales::prefs::set::{KeyboardLanguage, Size, Subtitles, Voice};
    use toolgen_fixtures::shared::UiLang;
    // Named like a locale: case-insensitive parsing and negotiation.
    assert_eq!("FR_ca".parse::<UiLang>(), Ok(UiLang::FrCa));
    assert_eq!(UiLang::negotiate("zh-TW, en;q=0.5"), Some(UiLang::ZhHantTw));
    assert_eq!(UiLang::negotiate("pt-PT"), Some(UiLang::PtBr));
    assert_eq!(UiLang::ZhHantTw.script(), Some("Hant"));
    // Ten tags of known languages: a locale enum by count.
    assert_eq!(Subtitles::negotiate("sv-FI"), Some(Subtitles::Sv));
    // Forced on.
    // `en-AU` ⇒ `en-001` ⇒ `en`, whose likely region is US.
    assert_eq!(Voice::negotiate("en-AU"), Some(Voice::EnUs));
    assert_eq!(Voice::best_match(["en"]), Some(Voice::EnUs));
    // Not locale enums: exact parsing only.
    assert!("EN".parse::<KeyboardLanguage>().is_err());
    assert_eq!("en".parse::<KeyboardLanguage>(), Ok(KeyboardLanguage::En));
    assert!("XL".parse::<Size>().is_err());
}

#[test]
fn identical_locale_enums_of_two_providers_are_one_crate_wide_type() {
    use toolgen_fixtures::locales::prefs::SetParams;
    use toolgen_fixtures::locales_twin::profile::UpdateParams;
    use toolgen_fixtures::shared::UiLang;
    // Both providers' fields take the very same type: this compiles only if it is shared.
    let lang = UiLang::negotiate("fr-CA,fr;q=0.9").expect("a match");
    let prefs = SetParams::default().ui_lang(lang);
    let profile = UpdateParams::default().ui_lang(lang);
    assert_eq!(lang, UiLang::FrCa);
    assert_eq!(
        serde_json::to_value(&prefs).expect("prefs")["ui_lang"],
        json!("fr-CA")
    );
    assert_eq!(
        serde_json::to_value(&profile).expect("profile"),
        json!({"ui_lang": "fr-CA"})
    );
}

/// Deserializes JSON into the type, and checks that it serializes back unchanged.
macro_rules! round_trip {
    ($ty:ty, $input:expr) => {{
        let input = $input;
        let value: $ty = serde_json::from_value(input.clone()).expect("deserializes");
        assert_eq!(serde_json::to_value(&value).expect("serializes"), input);
        value
    }};
}

#[test]
fn a_const_discriminator_makes_a_tagged_enum() {
    use toolgen_fixtures::constructs::unions::{PickParams, pick::PickParamsShape};
    let params = round_trip!(
        PickParams,
        json!({"shape": {"kind": "circle", "radius": 2.5}})
    );
    assert!(matches!(params.shape, PickParamsShape::Circle { radius } if radius == 2.5));
    assert!(params.validate().is_ok());
    let square = round_trip!(
        PickParams,
        json!({"shape": {"kind": "square", "side": 1.0}})
    );
    assert!(matches!(square.shape, PickParamsShape::Square { .. }));
    // An unknown tag is no variant; a negative radius is caught by validate().
    assert!(
        serde_json::from_value::<PickParams>(json!({"shape": {"kind": "hexagon", "side": 1}}))
            .is_err()
    );
    let negative: PickParams =
        serde_json::from_value(json!({"shape": {"kind": "circle", "radius": -1.0}}))
            .expect("the type holds it");
    // The radius breaks the circle branch, so the union matches no branch (`oneOf`).
    let violations = negative.validate().expect_err("below minimum");
    assert_eq!(violations[0].pointer, "/shape", "{violations:?}");
    assert!(violations[0].message.contains("oneOf"), "{violations:?}");
}

#[test]
fn an_any_of_of_scalars_and_an_object_is_an_untagged_enum_that_deserializes() {
    use toolgen_fixtures::constructs::unions::{PickParams, pick::PickParamsTarget};
    let shape = json!({"kind": "square", "side": 1.0});
    for (target, expect) in [
        (json!(7), "integer"),
        (json!("ab"), "string"),
        (json!({"id": "x", "note": "kept"}), "object"),
    ] {
        let params = round_trip!(PickParams, json!({"shape": shape, "target": target}));
        let got = match params.target.as_ref().expect("set") {
            PickParamsTarget::Integer(_) => "integer",
            PickParamsTarget::String(_) => "string",
            PickParamsTarget::Object { .. } => "object",
        };
        assert_eq!(got, expect);
        assert!(params.validate().is_ok());
    }
    // Matches no branch: `0` is below the integer's minimum and no string or object.
    assert!(serde_json::from_value::<PickParams>(json!({"shape": shape, "target": 0})).is_err());
}

/// An untagged union whose variants each hold one value has its own short serde impls
/// (`runtime::wire::untagged`): the first variant that reads the value wins, as with serde's.
#[test]
fn an_any_of_of_plain_values_reads_the_first_variant_that_fits() {
    use toolgen_fixtures::constructs::unions::{PickParams, pick::PickParamsRef};
    let shape = json!({"kind": "square", "side": 1.0});
    for (value, expect) in [
        (json!("id-1"), "string"),
        (json!(42), "integer"),
        (json!(["a", "b"]), "array"),
    ] {
        let params = round_trip!(PickParams, json!({"shape": shape, "ref": value}));
        let got = match params.ref_.as_ref().expect("set") {
            PickParamsRef::String(_) => "string",
            PickParamsRef::Integer(_) => "integer",
            PickParamsRef::Array(_) => "array",
        };
        assert_eq!(got, expect, "{value}");
    }
    let err = serde_json::from_value::<PickParams>(json!({"shape": shape, "ref": true}))
        .expect_err("a boolean is none of them");
    assert_eq!(
        err.to_string(),
        "/ref: data did not match any variant of untagged enum PickParamsRef"
    );
    let source = include_str!("fixtures/generated/src/constructs/unions/pick.rs");
    assert!(source.contains("wire::untagged(deserializer, \"PickParamsRef\", read)"));
}

#[test]
fn open_shapes_accept_what_their_schema_accepts_and_round_trip() {
    use toolgen_fixtures::constructs::unions::PickParams;
    let shape = json!({"kind": "square", "side": 1.0});
    // `filter` has object keywords but no `type`: a string is as valid as an object.
    for filter in [json!("anything"), json!({"owner": "ada"}), json!([1, 2])] {
        let params = round_trip!(PickParams, json!({"shape": shape, "filter": filter}));
        assert!(params.validate().is_ok(), "{filter}");
    }
    let missing_owner = round_trip!(
        PickParams,
        json!({"shape": shape, "filter": {"team": "core"}})
    );
    assert_eq!(
        missing_owner.validate().expect_err("owner is required")[0].pointer,
        "/filter/owner"
    );
    // Properties the schema does not name are kept, at the top and in nested objects.
    let params = round_trip!(
        PickParams,
        json!({
            "shape": shape,
            "trace_id": "t-1",
            "labels": {"team": "core", "x-env": "prod"},
            "counts": {"total": 3, "open": 1}
        })
    );
    assert_eq!(params.extra["trace_id"], json!("t-1"));
    assert_eq!(
        params.labels.as_ref().expect("labels").extra["x-env"],
        json!("prod")
    );
    assert_eq!(params.counts.as_ref().expect("counts").extra["open"], 1);
    assert!(params.validate().is_ok());
    // `additionalProperties: false` beside `patternProperties`: a key matching no pattern is
    // held by the type and rejected by validate().
    let stray = round_trip!(
        PickParams,
        json!({"shape": shape, "labels": {"team": "core", "env": "prod"}})
    );
    assert_eq!(
        stray.validate().expect_err("not allowed")[0].pointer,
        "/labels/env"
    );
}

#[test]
fn tuples_defaults_and_integer_enums() {
    use toolgen_fixtures::constructs::unions::PickParams;
    let shape = json!({"kind": "square", "side": 1.0});
    // A `prefixItems` tuple holds fewer items than its prefix; `items: false` forbids more.
    let short = round_trip!(PickParams, json!({"shape": shape, "point": [1.5]}));
    assert!(short.validate().is_ok());
    let long = round_trip!(PickParams, json!({"shape": shape, "point": [1, 2, 3]}));
    assert_eq!(
        long.validate().expect_err("too many")[0].pointer,
        "/point/2"
    );
    // A default is not filled in: what was left out stays out.
    let params = round_trip!(PickParams, json!({"shape": shape}));
    assert_eq!(params.page_size, None);
    // An integer enum is an integer; validate() checks the values.
    let priority = round_trip!(PickParams, json!({"shape": shape, "priority": 4}));
    assert_eq!(priority.priority, Some(4));
    assert_eq!(
        priority.validate().expect_err("not 1, 2 or 3")[0].pointer,
        "/priority"
    );
}

#[test]
fn a_whole_input_can_be_a_union() {
    use toolgen_fixtures::constructs::unions::EitherParams;
    let by_email = round_trip!(
        EitherParams,
        json!({"by": "email", "email": "ada@example.com"})
    );
    assert!(matches!(by_email, EitherParams::Email { .. }));
    assert!(by_email.validate().is_ok());
    let by_id = round_trip!(EitherParams, json!({"by": "id", "id": "u_1"}));
    assert!(matches!(by_id, EitherParams::Id { .. }));
    // Closed branches: an unknown property is rejected by the type.
    assert!(
        serde_json::from_value::<EitherParams>(json!({"by": "id", "id": "u_1", "x": 1})).is_err()
    );
    let bad_email: EitherParams =
        serde_json::from_value(json!({"by": "email", "email": "not an email"})).expect("typed");
    assert!(bad_email.validate().is_err());
}

/// Every generated struct, nested ones too, is built with `new(required..)` and a setter per
/// optional property; one without a required property is `Default`. A tool whose arguments are
/// all optional has a method that sends none and a `_with` method that takes them, by value or
/// by reference.
#[test]
fn constructors_and_setters_build_exactly_what_is_sent() {
    use toolgen_fixtures::constructs::Client;
    use toolgen_fixtures::constructs::refs::tree::{D, Node, Point, Primary, S, TreeParams};
    assert_eq!(
        serde_json::to_value(TreeParams::default()).expect("serializes"),
        json!({})
    );
    let params = TreeParams::default()
        .root(Node::new("a").children(vec![Node::new("b").extra("x-b", json!([1, 2]))]))
        .located(Point::new(1))
        .primary(Primary::default().label("first"))
        .s(S::default().d(D::default().value(3)))
        .extra("x-top", "kept");
    let sent = json!({
        "root": {"name": "a", "children": [{"name": "b", "x-b": [1, 2]}]},
        "located": {"x": 1},
        "primary": {"label": "first"},
        "s": {"d": {"value": 3}},
        "x-top": "kept",
    });
    assert_eq!(serde_json::to_value(&params).expect("serializes"), sent);
    assert_eq!(params.validate(), Ok(()));
    // The fields stay public to read and to assign.
    assert_eq!(
        params.root.as_ref().map(|root| root.name.as_str()),
        Some("a")
    );
    let mut changed = params.clone();
    changed.located = None;
    assert_eq!(
        serde_json::to_value(&changed).expect("serializes")["located"],
        serde_json::Value::Null
    );

    let transport = MemoryTransport::new();
    let client = Client::new(transport.clone());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    let refs = client.refs();
    runtime
        .block_on(refs.tree().into_future())
        .expect("no arguments");
    runtime
        .block_on(refs.tree_with(&params).into_future())
        .expect("by reference");
    runtime
        .block_on(refs.tree_with(params).into_future())
        .expect("by value");
    let calls = transport.calls();
    assert_eq!(calls.len(), 3);
    assert_eq!(calls[0].name, "refs.tree");
    assert_eq!(calls[0].arguments, serde_json::Map::new());
    for call in &calls[1..] {
        assert_eq!(serde_json::Value::Object(call.arguments.clone()), sent);
    }
}
