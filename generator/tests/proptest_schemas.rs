//! Random but valid tool schemas (nested objects, enums, unions, constraints, hostile names and
//! descriptions) all generate, and every generated Rust file parses with syn.
//!
//! The case count is kept small so that the suite stays fast; raise it with `PROPTEST_CASES`.
//!
//! A sample of them is also compiled in one crate and run (see
//! `a_compiled_sample_round_trips_valid_instances_and_rejects_invalid_ones`). Two environment
//! variables widen it: `TOOLGEN_SAMPLE_UNIONS=1` adds `anyOf`/`oneOf` to the sample (typify's
//! `anyOf` structs still reject valid input: a known gap of issue #3), and
//! `TOOLGEN_SAMPLE_STRICT=1` stops tolerating the known `null`/absent/empty gaps.

use proptest::prelude::*;
use proptest::strategy::ValueTree as _;
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

/// Random schemas; without `unions`, no `anyOf`/`oneOf`.
fn schema_with(unions: bool) -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 40, 6, move |inner| {
        // Without unions, a union's first branch stands alone.
        let union = move |keyword: &str, branches: Vec<Value>| {
            if unions {
                json!({ keyword: branches })
            } else {
                branches.into_iter().next().unwrap_or_default()
            }
        };
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
            proptest::collection::vec(inner.clone(), 1..4).prop_map(move |v| union("anyOf", v)),
            proptest::collection::vec(inner.clone(), 1..4).prop_map(move |v| union("oneOf", v)),
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
    tool_with(true)
}

fn tool_with(unions: bool) -> impl Strategy<Value = Value> {
    (
        tool_name(),
        hostile_text(),
        proptest::collection::btree_map(hostile_text(), schema_with(unions), 0..6),
        proptest::option::of(schema_with(unions)),
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

/// Tools in the compiled sample: enough to meet every construct, few enough for one quick build.
const SAMPLE: usize = 32;

/// The compiled sample: `SAMPLE` random tools (drawn deterministically, so the crate is the same
/// from run to run and its build is reused) generated into one crate, which a driver program
/// compiles against. For each tool, instances proposed from its input schema and judged by the
/// `jsonschema` crate (formats checked) are fed to the driver: a valid one must deserialize,
/// pass `validate()` and serialize back to equal JSON; an invalid one must be rejected by either.
/// Output types must deserialize their valid instances and serialize them back equal.
///
/// The crate and the driver live in `<target>/proptest-sample`, with their own target folder.
/// Instances never carry properties that an open object does not declare: the generated structs
/// ignore those (the arguments a caller builds cannot hold them), so they cannot round-trip.
#[test]
fn a_compiled_sample_round_trips_valid_instances_and_rejects_invalid_ones() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    // Unions are left out unless `TOOLGEN_SAMPLE_UNIONS=1` (see the module docs).
    let unions = std::env::var_os("TOOLGEN_SAMPLE_UNIONS").is_some();
    let strategy = tool_with(unions);
    let tools: Vec<Value> = (0..SAMPLE)
        .map(|i| {
            let mut tool = strategy
                .new_tree(&mut runner)
                .expect("draw a tool")
                .current();
            tool["name"] = Value::String(format!("t{i}"));
            tool
        })
        .collect();
    let bytes = serde_json::to_vec(&json!({"tools": tools})).expect("serialize");
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
    let options = toolgen::emit::EmitOptions {
        crate_name: "proptest-sample".to_string(),
        ..toolgen::emit::EmitOptions::default()
    };
    let output = toolgen::from_model(&model, &options).unwrap_or_else(|err| panic!("{err}"));

    let work = sample_dir();
    toolgen::write::write(&work.join("types"), &output.files).expect("write the sample crate");
    let provider = model.providers.first().expect("one provider");
    // Driver arm → (tool index, "in"/"out", Rust type path).
    let mut arms = Vec::new();
    for op in provider.root.all_operations() {
        let index: usize = op.tool.name[1..].parse().expect("t<index>");
        let module = format!("proptest_sample::{}::{}", provider.module, op.module);
        arms.push((index, "in", format!("{module}::{}", op.params_type)));
        if let Some(output_type) = &op.output_type {
            arms.push((index, "out", format!("{module}::{output_type}")));
        }
    }
    write_driver(&work, &provider.module, &arms);
    build_driver(&work);

    // Instances, judged by the reference validator.
    let mut rng = toolgen::synth::Rng::new(2024);
    let mut lines = String::new();
    let mut cases = Vec::new();
    for (index, tool) in tools.iter().enumerate() {
        for (side, key) in [("in", "inputSchema"), ("out", "outputSchema")] {
            let Some(schema) = tool.get(key) else {
                continue;
            };
            let reference = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .build(schema)
                .expect("the reference validator takes the schema");
            let mut valid = Vec::new();
            for _ in 0..8 {
                let candidate = instance(schema, &mut rng, 0);
                if reference.is_valid(&candidate) && !valid.contains(&candidate) {
                    valid.push(candidate);
                }
            }
            let mut invalid = Vec::new();
            if side == "in" {
                for base in &valid {
                    for _ in 0..3 {
                        let candidate = mutate(base, &mut rng);
                        if !reference.is_valid(&candidate) && !invalid.contains(&candidate) {
                            invalid.push(candidate);
                        }
                    }
                }
            }
            for (expect_valid, data) in valid
                .into_iter()
                .map(|v| (true, v))
                .chain(invalid.into_iter().map(|v| (false, v)))
            {
                let line = json!({"case": cases.len(), "tool": index, "side": side, "data": data});
                lines.push_str(&line.to_string());
                lines.push('\n');
                // Only for the known gap below: the instance with its `null` members taken out.
                let without_nulls_valid = reference.is_valid(&loose(&data, false));
                cases.push((index, side, expect_valid, data, without_nulls_valid));
            }
        }
    }
    let results = run_driver(&work, &lines);
    let strict = std::env::var_os("TOOLGEN_SAMPLE_STRICT").is_some();
    let mut failures = Vec::new();
    let (mut valid_count, mut invalid_count) = (0, 0);
    let (mut absent_gap, mut null_gap) = (0, 0);
    for (case, (index, side, expect_valid, data, without_nulls_valid)) in cases.iter().enumerate() {
        let Some((deserialized, validated, again)) = results.get(&case) else {
            failures.push(format!(
                "t{index} {side}: no result (the driver crashed?) for {data}"
            ));
            continue;
        };
        let round_trip = again.as_ref().is_some_and(|again| equal(again, data));
        let ok = if *expect_valid {
            valid_count += 1;
            let loose_round_trip = again
                .as_ref()
                .is_some_and(|again| equal(&loose(again, true), &loose(data, true)));
            if *deserialized && *validated && !round_trip && loose_round_trip && !strict {
                absent_gap += 1;
                true
            } else {
                *deserialized && *validated && round_trip
            }
        } else {
            invalid_count += 1;
            let rejected = !(*deserialized && *validated);
            if !rejected && *without_nulls_valid && !strict {
                null_gap += 1;
                true
            } else {
                rejected
            }
        };
        if !ok {
            let schema = &tools[*index][if *side == "in" {
                "inputSchema"
            } else {
                "outputSchema"
            }];
            let again = again.as_ref().map(Value::to_string).unwrap_or_default();
            failures.push(format!(
                "t{index} {side} ({}): deserialized {deserialized}, validate() {validated}, \
                 round trip {round_trip}\n  instance: {data}\n  came back as: {again}\n  \
                 schema: {schema}",
                if *expect_valid { "valid" } else { "invalid" },
            ));
        }
    }
    eprintln!(
        "{SAMPLE} tools compiled; {valid_count} valid and {invalid_count} invalid instances \
         checked; known gaps: {absent_gap} valid instances came back with a `null`, `[]` or `{{}}` \
         member added or dropped, {null_gap} invalid ones were accepted because a `null` was \
         taken for an absent optional property"
    );
    assert!(
        valid_count >= SAMPLE && invalid_count >= SAMPLE / 2,
        "too few instances: {valid_count} valid, {invalid_count} invalid"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Numbers compare by value (`1.0` is `1`), everything else exactly.
fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => a == b,
    }
}

/// `value` with the object members that are `null` removed, at every depth; with `empty`, also
/// the members that are `[]` or `{}`. The two known gaps of the generated types (typify's
/// `Option` fields read `null` as absent and write absent, `null`-typed optional fields write
/// `null` when absent, and empty lists and maps are not written) compare equal under it.
fn loose(value: &Value, empty: bool) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), loose(v, empty)))
                .filter(|(_, v)| {
                    !(v.is_null()
                        || empty
                            && (v.as_array().is_some_and(Vec::is_empty)
                                || v.as_object().is_some_and(Map::is_empty)))
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| loose(v, empty)).collect()),
        _ => value.clone(),
    }
}

/// `<target>/proptest-sample`, beside the test binary's own build.
fn sample_dir() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test binary");
    // <target>/<profile>/deps/<binary>
    let target = exe
        .ancestors()
        .nth(3)
        .expect("the test binary lies in <target>/<profile>/deps");
    target.join("proptest-sample")
}

fn write_if_changed(path: &std::path::Path, text: &str) {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return;
    }
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("create");
    std::fs::write(path, text).expect("write");
}

fn write_driver(work: &std::path::Path, feature: &str, arms: &[(usize, &str, String)]) {
    write_if_changed(
        &work.join("Cargo.toml"),
        "[workspace]\nmembers = [\"driver\", \"types\"]\nresolver = \"3\"\n",
    );
    write_if_changed(
        &work.join("driver/Cargo.toml"),
        &format!(
            "[package]\nname = \"proptest-driver\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
             publish = false\n\n[dependencies]\n\
             proptest-sample = {{ path = \"../types\", default-features = false, features = [\"{feature}\"] }}\n\
             serde = \"1\"\nserde_json = \"1\"\n"
        ),
    );
    let mut match_arms = String::new();
    for (index, side, path) in arms {
        let check = if *side == "in" {
            "check_in"
        } else {
            "check_out"
        };
        match_arms.push_str(&format!(
            "            ({index}, \"{side}\") => {check}::<{path}>(data),\n"
        ));
    }
    let main = format!(
        r#"//! Runs each instance through its tool's generated type and prints one JSON line each.
use std::io::BufRead as _;

trait Valid {{
    fn valid(&self) -> bool;
}}

fn check_in<T>(data: &serde_json::Value) -> (bool, bool, Option<serde_json::Value>)
where
    T: serde::de::DeserializeOwned + serde::Serialize + Valid,
{{
    match serde_json::from_value::<T>(data.clone()) {{
        Ok(value) => (true, value.valid(), serde_json::to_value(&value).ok()),
        Err(_) => (false, false, None),
    }}
}}

fn check_out<T>(data: &serde_json::Value) -> (bool, bool, Option<serde_json::Value>)
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{{
    match serde_json::from_value::<T>(data.clone()) {{
        Ok(value) => (true, true, serde_json::to_value(&value).ok()),
        Err(_) => (false, false, None),
    }}
}}

{impls}
fn main() {{
    for line in std::io::stdin().lock().lines() {{
        let line = line.expect("stdin");
        let case: serde_json::Value = serde_json::from_str(&line).expect("a case");
        let data = &case["data"];
        let key = (case["tool"].as_u64().unwrap_or(u64::MAX), case["side"].as_str().unwrap_or(""));
        let run = || match key {{
{match_arms}            _ => (false, false, None),
        }};
        let (d, v, s) = std::panic::catch_unwind(run).unwrap_or((false, false, None));
        println!("{{}}", serde_json::json!({{"case": case["case"], "d": d, "v": v, "s": s}}));
    }}
}}
"#,
        impls = arms
            .iter()
            .filter(|(_, side, _)| *side == "in")
            .map(|(_, _, path)| format!(
                "impl Valid for {path} {{\n    fn valid(&self) -> bool {{\n        self.validate().is_ok()\n    }}\n}}\n"
            ))
            .collect::<String>(),
    );
    write_if_changed(&work.join("driver/src/main.rs"), &main);
}

fn build_driver(work: &std::path::Path) {
    let output =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args([
                "build",
                "--quiet",
                "--message-format=short",
                "-p",
                "proptest-driver",
            ])
            .current_dir(work)
            .env("CARGO_TARGET_DIR", work.join("target"))
            .env_remove("RUSTFLAGS")
            .output()
            .expect("run cargo");
    assert!(
        output.status.success(),
        "the sample crate or its driver does not compile:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs the driver on `lines`; case number → (deserialized, validated, serialized again).
fn run_driver(
    work: &std::path::Path,
    lines: &str,
) -> std::collections::BTreeMap<usize, (bool, bool, Option<Value>)> {
    use std::io::Write as _;
    let binary = work.join("target/debug/proptest-driver");
    let mut child = std::process::Command::new(&binary)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot run {}: {err}", binary.display()));
    let mut stdin = child.stdin.take().expect("stdin");
    let input = lines.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("the driver");
    writer.join().expect("writer").expect("feed the driver");
    let mut results = std::collections::BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let value: Value = serde_json::from_str(line).expect("a driver line");
        let flag = |key: &str| value[key] == Value::Bool(true);
        let case = value["case"].as_u64().expect("case") as usize;
        let again = Some(value["s"].clone()).filter(|_| flag("d"));
        results.insert(case, (flag("d"), flag("v"), again));
    }
    results
}

/// A proposed instance of `schema` (the strategies' constructs); the reference validator decides
/// whether it is valid.
fn instance(schema: &Value, rng: &mut toolgen::synth::Rng, depth: usize) -> Value {
    let Some(map) = schema.as_object() else {
        return json!(null);
    };
    if let Some(value) = map.get("const") {
        return value.clone();
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        return rng.pick(values).clone();
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = map.get(key) {
            return instance(rng.pick(branches), rng, depth + 1);
        }
    }
    let word = |rng: &mut toolgen::synth::Rng, min: usize, max: usize| {
        let len = min + rng.below(max.saturating_sub(min).max(1));
        (0..len)
            .map(|_| char::from(b'a' + rng.below(26) as u8))
            .collect::<String>()
    };
    let bound = |key: &str| map.get(key).and_then(Value::as_i64);
    match map.get("type").and_then(Value::as_str) {
        Some("string") => match map.get("format").and_then(Value::as_str) {
            Some("date-time") => json!(format!(
                "2024-0{}-1{}T0{}:30:00Z",
                1 + rng.below(9),
                rng.below(10),
                rng.below(10)
            )),
            _ => {
                let min = bound("minLength").unwrap_or(1) as usize;
                let max = bound("maxLength").unwrap_or(12) as usize;
                json!(word(rng, min, max.min(min + 12)))
            }
        },
        Some("integer") => {
            let min = bound("minimum").unwrap_or(-100);
            let max = bound("maximum").unwrap_or(100);
            json!(min + rng.below((max - min + 1).max(1) as usize) as i64)
        }
        Some("number") => json!(0.25 + rng.below(400) as f64 / 4.0),
        Some("boolean") => json!(rng.below(2) == 1),
        Some("null") => Value::Null,
        Some("array") => {
            let items = map.get("items").cloned().unwrap_or(json!({}));
            let len = rng.below(4);
            Value::Array((0..len).map(|_| instance(&items, rng, depth + 1)).collect())
        }
        Some("object") => {
            let mut object = Map::new();
            let required: Vec<&str> = map
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(Value::Object(props)) = map.get("properties") {
                for (name, sub) in props {
                    if required.contains(&name.as_str()) || rng.below(4) != 0 {
                        object.insert(name.clone(), instance(sub, rng, depth + 1));
                    }
                }
            }
            Value::Object(object)
        }
        _ => match rng.below(if depth > 3 { 3 } else { 5 }) {
            0 => json!("any"),
            1 => json!(rng.below(50)),
            2 => json!(true),
            3 => json!([1, "two"]),
            _ => json!({"k": [1.5, null]}),
        },
    }
}

/// A copy of `valid` with one part replaced by a value of another shape, or with an unknown
/// property added to an object, or replaced as a whole.
fn mutate(valid: &Value, rng: &mut toolgen::synth::Rng) -> Value {
    let mut pointers = vec![String::new()];
    collect_pointers(valid, "", &mut pointers);
    let pointer = rng.pick(&pointers).clone();
    let mut mutated = valid.clone();
    let replacements = [
        json!("zz"),
        json!(-100_000),
        json!(1.5),
        json!([1]),
        json!({"zz": 1}),
        json!(null),
        json!(true),
        json!("2024-13-45T99:99:99Z"),
        json!(""),
    ];
    let target = mutated.pointer_mut(&pointer).expect("the pointer exists");
    if target.is_object() && rng.below(2) == 0 {
        target
            .as_object_mut()
            .expect("an object")
            .insert("zz_unknown".into(), json!(1));
    } else {
        *target = rng.pick(&replacements).clone();
    }
    mutated
}

fn collect_pointers(value: &Value, at: &str, out: &mut Vec<String>) {
    let escape = |key: &str| key.replace('~', "~0").replace('/', "~1");
    match value {
        Value::Object(map) => {
            for (key, sub) in map {
                let pointer = format!("{at}/{}", escape(key));
                out.push(pointer.clone());
                collect_pointers(sub, &pointer, out);
            }
        }
        Value::Array(items) => {
            for (i, sub) in items.iter().enumerate() {
                let pointer = format!("{at}/{i}");
                out.push(pointer.clone());
                collect_pointers(sub, &pointer, out);
            }
        }
        _ => {}
    }
}

/// Found by the compiled sample: a tool-local enum was named like a shared enum of its provider
/// (`Type`), and the tool's property was then typed with the shared one.
#[test]
fn a_local_enum_is_never_named_like_a_shared_one() {
    let shared = json!({"type": "object", "properties": {"type": {"enum": ["fixed"]}}});
    let output = generates_and_parses(&json!({"tools": [
        {"name": "a", "inputSchema": shared},
        {"name": "b", "inputSchema": shared},
        {"name": "c", "inputSchema": {"type": "object", "properties": {"type": {"enum": ["x", "y"]}}}},
    ]}));
    let c = &output.files["src/acme/c.rs"];
    assert!(!c.contains("shared::Type"), "{c}");
    assert!(c.contains("\"x\""), "{c}");
}

/// Found by the compiled sample: `self` in one object and `Self` in a nested one both became the
/// field `self_`, and both were renamed to the same wire name.
#[test]
fn equal_field_names_in_two_objects_keep_their_own_wire_names() {
    let output = generates_and_parses(&json!({"tools": [{
        "name": "t",
        "inputSchema": {"type": "object", "properties": {
            "self": {"type": "object", "properties": {"Self": {"type": "string"}}},
        }},
    }]}));
    let t = &output.files["src/acme/t.rs"];
    // Each object writes its field under its own wire name.
    assert!(t.contains("self_.some(\"self\")"), "{t}");
    assert!(t.contains("self_.some(\"Self\")"), "{t}");
}

/// The reference judge on random tools: the runtime's `Validator`, on the schema that the
/// generated `validate()` embeds, gives every proposed instance (and a mutation of each) the same
/// verdict as the `jsonschema` crate on the tool's input schema as written. Nothing is compiled.
#[test]
fn validate_agrees_with_the_reference_on_random_tools() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = tool_with(true);
    let tools: Vec<Value> = (0..200)
        .map(|i| {
            let mut tool = strategy
                .new_tree(&mut runner)
                .expect("draw a tool")
                .current();
            tool["name"] = Value::String(format!("t{i}"));
            tool
        })
        .collect();
    let bytes = serde_json::to_vec(&json!({"tools": tools})).expect("serialize");
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
    let mut rng = toolgen::synth::Rng::new(13);
    let (mut judged, mut differ) = (0, Vec::new());
    for op in model.providers.iter().flat_map(|p| p.root.all_operations()) {
        let index: usize = op.tool.name[1..].parse().expect("t<index>");
        let schema = &tools[index]["inputSchema"];
        let reference = jsonschema::options()
            .should_validate_formats(true)
            .build(schema)
            .expect("the reference validator takes the schema");
        let ours = toolgen_runtime::Validator::from_value(op.validation_schema.clone());
        for _ in 0..8 {
            let valid = instance(schema, &mut rng, 0);
            for data in [mutate(&valid, &mut rng), valid] {
                judged += 1;
                if ours.is_valid(&data) != reference.is_valid(&data) {
                    differ.push(format!("t{index}: {data} against {schema}"));
                }
            }
        }
    }
    assert!(judged > 1000, "only {judged} instances");
    assert!(
        differ.is_empty(),
        "{} of {judged} verdicts differ from the reference:\n{}",
        differ.len(),
        differ.join("\n")
    );
}
