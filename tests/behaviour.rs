//! Behaviour of the generated code, compiled and run: serde round trips, enum conversions, and
//! calls through the in-memory transport.

use serde_json::json;
use toolgen_sdk::runtime::{Error, MemoryTransport, ToolResult};
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

#[test]
fn seed_params_round_trip_through_serde() {
    let input = json!({"email": "a@b.c", "locale": "es-419", "expires_in_days": 7});
    let params: CreateParams = serde_json::from_value(input.clone()).expect("valid params");
    assert_eq!(params.email.as_deref(), Some("a@b.c"));
    assert_eq!(params.locale, Some(Locale::Es419));
    assert_eq!(params.expires_in_days, Some(7));
    assert_eq!(params.role_slug, None);
    assert_eq!(serde_json::to_value(&params).expect("serializes"), input);
}

#[test]
fn unknown_locale_is_rejected_with_a_clear_error() {
    let err = serde_json::from_value::<CreateParams>(json!({"locale": "xx-YY"}))
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
    let params = CreateParams {
        email: Some("ada@example.com".into()),
        locale: Some(Locale::EnGb),
        expires_in_days: Some(7),
        ..Default::default()
    };
    let output = block_on(client.user_management().invitations().create(&params))
        .expect("the call succeeds");

    let calls = transport.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].name, "user_management.invitations.create");
    let sent = serde_json::Value::Object(calls[0].arguments.clone());
    // Absent optional fields are left out, never sent as null.
    assert_eq!(
        sent,
        json!({"email": "ada@example.com", "locale": "en-GB", "expires_in_days": 7})
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
    let err = block_on(
        client
            .user_management()
            .invitations()
            .create(&CreateParams::default()),
    )
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
    let output = block_on(
        client
            .user_management()
            .invitations()
            .create(&CreateParams::default()),
    )
    .expect("success");
    assert_eq!(output.text(), "{\"id\": \"inv_1\"}");
    let parsed: serde_json::Value = output.json().expect("the text is JSON");
    assert_eq!(parsed, json!({"id": "inv_1"}));
    assert!(ToolResult::from_json(json!({"content": 3})).is_err());
}
