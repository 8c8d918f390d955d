//! Behaviour of the fixture crate (`tests/fixtures/schemas`), compiled and run.

use std::future::IntoFuture;

use serde_json::json;
use toolgen_fixtures::runtime::MemoryTransport;

#[test]
fn an_enum_shared_by_two_tools_is_one_type() {
    use toolgen_fixtures::shared_enums::orders::export::Format;
    use toolgen_fixtures::shared_enums::orders::{ExportParams, ListParams};
    use toolgen_fixtures::shared_enums::shared::Status;
    // Both tools take the very same type: this compiles only if it is shared.
    let status = Status::OnHold;
    let list = ListParams {
        status: Some(status),
        limit: None,
        extra: Default::default(),
    };
    let export = ExportParams {
        status: Some(status),
        format: Format::Csv,
        extra: Default::default(),
    };
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
                .ping(&PingParams::from(arguments.clone()))
                .into_future(),
        )
        .expect("call");
    assert_eq!(transport.calls()[0].name, "ping");
    assert_eq!(transport.calls()[0].arguments, arguments);
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
    let prefs = SetParams {
        ui_lang: Some(lang),
        ..Default::default()
    };
    let profile = UpdateParams {
        ui_lang: Some(lang),
        ..Default::default()
    };
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
