//! Behaviour of the generated code, compiled and run: serde round trips, enum conversions, and
//! calls through the in-memory transport.

use serde_json::json;
use toolgen_sdk::runtime::{Error, MemoryTransport, ToolResult, Validator};
use toolgen_sdk::workos;
use toolgen_sdk::workos::user_management::invitations::CreateParams;
use toolgen_sdk::workos::user_management::invitations::create::Locale;

fn block_on<F: std::future::IntoFuture>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime")
        .block_on(future.into_future())
}

/// The seed's required arguments (required through `schemas/workos/overlay.json`).
fn seed(email: &str) -> CreateParams {
    CreateParams::new(email).organization_id("org_1")
}

#[test]
fn seed_params_round_trip_through_serde() {
    let input = json!({"email": "a@b.c", "expires_in_days": 7, "locale": "es-419", "organization_id": "org_1"});
    let params: CreateParams = serde_json::from_value(input.clone()).expect("valid params");
    assert_eq!(params.email, "a@b.c");
    assert_eq!(params.locale, Some(Locale::Es419));
    assert_eq!(params.expires_in_days, Some(7));
    assert_eq!(params.role_slug, None);
    assert_eq!(serde_json::to_value(&params).expect("serializes"), input);
}

#[test]
fn unknown_locale_is_rejected_with_a_clear_error() {
    let err = serde_json::from_value::<CreateParams>(
        json!({"email": "a@b.c", "organization_id": "org_1", "locale": "xx-YY"}),
    )
    .expect_err("unknown locale");
    let message = err.to_string();
    assert!(message.contains("xx-YY"), "{message}");
    assert!(
        message.contains("es-419"),
        "the message lists the accepted values: {message}"
    );

    let err = "xx-YY".parse::<Locale>().expect_err("unknown locale");
    assert_eq!(err.value(), "xx-YY");
    assert_eq!(err.expected().len(), 90);
    assert!(
        err.to_string()
            .starts_with("\"xx-YY\" is not a valid Locale; the closest supported values are "),
        "{err}"
    );
}

#[test]
fn locale_api_is_consistent() {
    assert_eq!(Locale::ALL.len(), 90);
    for &locale in Locale::ALL {
        assert_eq!(
            locale.as_str().parse::<Locale>().expect("own value"),
            locale
        );
        assert_eq!(locale.to_string(), locale.as_str());
        assert_eq!(
            serde_json::to_value(locale).expect("serializes"),
            json!(locale.as_str())
        );
    }
    assert_eq!(Locale::EnUs.as_str(), "en-US");
    assert_eq!(Locale::ZhTw.as_str(), "zh-TW");
}

#[test]
fn a_call_sends_the_exact_tool_name_and_arguments() {
    let transport = MemoryTransport::new();
    let client = workos::Client::new(transport.clone());
    let params = seed("ada@example.com")
        .locale(Locale::EnGb)
        .expires_in_days(7);
    let output = block_on(client.user_management().invitations().create(&params))
        .expect("the call succeeds");

    let calls = transport.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].name, "user_management.invitations.create");
    let sent = serde_json::Value::Object(calls[0].arguments.clone());
    // Absent optional fields are left out, never sent as null.
    assert_eq!(
        sent,
        json!({"email": "ada@example.com", "expires_in_days": 7, "locale": "en-GB", "organization_id": "org_1"})
    );
    assert_eq!(output.structured_content, Some(sent));
}

#[test]
fn a_tool_error_becomes_error_tool() {
    let transport = MemoryTransport::with_handler(|_| {
        Ok(ToolResult {
            is_error: true,
            ..ToolResult::text("organization not found")
        })
    });
    let client = workos::Client::new(transport);
    let err = block_on(client.user_management().invitations().create(seed("a@b.c")))
        .expect_err("tool error");
    match err {
        Error::Tool { tool, message, .. } => {
            assert_eq!(tool, "user_management.invitations.create");
            assert_eq!(message, "organization not found");
        }
        other => panic!("expected Error::Tool, got {other:?}"),
    }
}

#[test]
fn tool_output_parses_text_and_structured_content() {
    let result = ToolResult::from_json(json!({
        "content": [{"type": "text", "text": "{\"id\": \"inv_1\"}"}, {"type": "image", "data": "AA==", "mimeType": "image/png"}],
        "isError": false
    }))
    .expect("a valid result");
    let transport = MemoryTransport::with_handler(move |_| Ok(result.clone()));
    let client = workos::Client::new(transport);
    let output =
        block_on(client.user_management().invitations().create(seed("a@b.c"))).expect("success");
    assert_eq!(output.text(), "{\"id\": \"inv_1\"}");
    let parsed: serde_json::Value = output.json().expect("the text is JSON");
    assert_eq!(parsed, json!({"id": "inv_1"}));
    assert!(ToolResult::from_json(json!({"content": 3})).is_err());
}

/// `schemas/workos/overlay.json` corrects the seed as WorkOS's own API description does: only
/// `email` is required (an invitation need not name an organization), `expires_in_days` is
/// 1..=30 and `email` has `format: email`.
#[test]
fn the_overlay_makes_the_seed_stricter() {
    // Required: `email` is a plain `String`, and JSON without it does not parse.
    let err = serde_json::from_value::<CreateParams>(json!({"organization_id": "org_1"}))
        .expect_err("email is required");
    assert!(err.to_string().contains("email"), "{err}");
    let only_email = serde_json::from_value::<CreateParams>(json!({"email": "a@b.c"}))
        .expect("organization_id is optional");
    assert_eq!(only_email.organization_id, None);
    assert_eq!(only_email.validate(), Ok(()));
    // Only the arguments given are sent.
    assert_eq!(
        serde_json::to_value(&only_email).expect("serializes"),
        json!({"email": "a@b.c"})
    );
    let schema: serde_json::Value = serde_json::from_str(CreateParams::SCHEMA).expect("JSON");
    assert_eq!(schema["required"], json!(["email"]));

    // In bounds: accepted.
    for days in [1, 7, 30] {
        let params = seed("a@b.c").expires_in_days(days);
        assert!(params.validate().is_ok(), "{days} days");
    }
    // 31 days: rejected by validate(), with the pointer of the field.
    let params = seed("a@b.c").expires_in_days(31);
    let violations = params.validate().expect_err("31 days");
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(violations[0].pointer, "/expires_in_days");
    // 0 days: `minimum: 1` is a plain `u64`, so the setter and JSON accept 0, and validate()
    // rejects it with the pointer of the field (as a call does, before sending anything).
    let params = seed("a@b.c").expires_in_days(0);
    assert_eq!(params.expires_in_days, Some(0));
    let violations = params.validate().expect_err("0 days");
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(violations[0].pointer, "/expires_in_days");
    let from_json = serde_json::from_value::<CreateParams>(
        json!({"email": "a@b.c", "organization_id": "org_1", "expires_in_days": 0}),
    )
    .expect("0 parses into a u64");
    assert_eq!(from_json.expires_in_days, Some(0));
    let violations = from_json.validate().expect_err("0 days from JSON");
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(violations[0].pointer, "/expires_in_days");
    // A call with 0 days (params given by value) is refused without sending anything.
    let transport = MemoryTransport::new();
    let client = workos::Client::new(transport.clone());
    let err = block_on(
        client
            .user_management()
            .invitations()
            .create(seed("a@b.c").expires_in_days(0)),
    )
    .expect_err("0 days");
    assert!(
        matches!(&err, Error::InvalidArguments { violations, .. }
            if violations.len() == 1 && violations[0].pointer == "/expires_in_days"),
        "{err:?}"
    );
    assert!(transport.calls().is_empty(), "nothing was sent");
    let validator = Validator::new(CreateParams::SCHEMA);
    for days in [0, 31] {
        let violations = validator.violations(
            &json!({"email": "a@b.c", "organization_id": "org_1", "expires_in_days": days}),
        );
        assert_eq!(violations.len(), 1, "{days}: {violations:?}");
        assert_eq!(violations[0].pointer, "/expires_in_days");
    }
    assert!(
        validator
            .violations(&json!({"organization_id": "org_1"}))
            .iter()
            .any(|v| v.pointer == "/email" && v.message == "is required"),
        "a missing email is a violation"
    );

    // format: email.
    let violations = seed("not an email").validate().expect_err("bad email");
    assert_eq!(violations[0].pointer, "/email");
}
