//! Fuzzes load → model → emit → render on one file's bytes. The first byte picks the shape:
//! even, the rest is the whole file (arbitrary JSON or not JSON at all); odd, the rest, when it
//! is JSON, becomes the `inputSchema` of a tool (arbitrary tool-shaped JSON), and a trailing
//! object becomes its `outputSchema`. The generator must never panic, and every Rust file it
//! renders must parse with syn.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let bytes = if mode % 2 == 0 {
        rest.to_vec()
    } else {
        let mut values = serde_json::Deserializer::from_slice(rest).into_iter::<Value>();
        let Some(Ok(input)) = values.next() else {
            return;
        };
        let mut tool = json!({"name": "fuzz.tool", "description": "Fuzzed.", "inputSchema": input});
        if let Some(Ok(output)) = values.next() {
            tool["outputSchema"] = output;
        }
        serde_json::to_vec(&tool).unwrap_or_default()
    };
    let mut tools = Vec::new();
    let mut diagnostics = toolgen::Diagnostics::default();
    toolgen::load::parse_file("fuzz", "fuzz/input.json", &bytes, &mut tools, &mut diagnostics);
    if !diagnostics.is_empty() {
        return;
    }
    let model = toolgen::model::build(&tools);
    let Ok(output) = toolgen::from_model(&model, &toolgen::emit::EmitOptions::default()) else {
        return;
    };
    for (path, text) in &output.files {
        if path.ends_with(".rs")
            && let Err(err) = syn::parse_file(text)
        {
            panic!("{path} does not parse: {err}\n{text}");
        }
    }
});
