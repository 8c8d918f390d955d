//! The `jsonschema` crate as a reference judge: every instance of the JSON-Schema-Test-Suite
//! (draft 2020-12 and draft 7, `optional/` and the remotes included), and random variations of
//! each, get the same verdict from the runtime's `Validator` on the schema that the generated
//! `validate()` embeds (normalized, annotations dropped, meta-schemas and remotes bundled) as from
//! the reference run on the schema as the suite writes it.
//!
//! Nothing is compiled: the schemas come from the model, as `toolgen conformance` builds them.
//! The suite is read in place from `../shared/corpora/json-schema-test-suite`; without it the test
//! skips with a message, except under `CI=true`, where its absence is a failure.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use toolgen::conformance::{JudgeCase, Options, judge_cases};

fn suite() -> Option<PathBuf> {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpora/json-schema-test-suite");
    if dir.is_dir() {
        return Some(dir);
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(
        !in_ci,
        "CI must have ../shared/corpora/json-schema-test-suite next to the checkout"
    );
    eprintln!("skipped: ../shared/corpora/json-schema-test-suite is not there");
    None
}

/// Fetches nothing: the remote documents are embedded in the schemas.
struct NoNetwork;

impl jsonschema::Retrieve for NoNetwork {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        Err(format!("{uri} is not embedded").into())
    }
}

/// Judges every case; the disagreements, one line each.
fn disagreements(cases: &[JudgeCase]) -> (usize, Vec<String>) {
    let mut rng = toolgen::synth::Rng::new(13);
    let mut judged = 0;
    let mut out = Vec::new();
    for case in cases {
        let Ok(reference) = jsonschema::options()
            .should_validate_formats(case.formats)
            .with_retriever(NoNetwork)
            .build(&case.schema)
        else {
            out.push(format!(
                "{}: the reference cannot compile the schema",
                case.name
            ));
            continue;
        };
        let ours = toolgen_runtime::Validator::from_value(case.validation_schema.clone());
        let mut instances = case.instances.clone();
        for data in &case.instances {
            for _ in 0..3 {
                instances.push(mutate(data, &mut rng));
            }
        }
        for data in &instances {
            judged += 1;
            let expected = reference.is_valid(data);
            if ours.is_valid(data) != expected {
                out.push(format!(
                    "{}: {data} is {} for the reference",
                    case.name,
                    if expected { "valid" } else { "invalid" }
                ));
            }
        }
    }
    (judged, out)
}

/// A copy of `data` with one part replaced by a value of another shape.
fn mutate(data: &Value, rng: &mut toolgen::synth::Rng) -> Value {
    let mut pointers = vec![String::new()];
    collect_pointers(data, "", &mut pointers);
    let pointer = rng.pick(&pointers).clone();
    let replacements = [
        json!("zz"),
        json!(-7),
        json!(1.5),
        json!(2.0),
        json!([1, "a"]),
        json!({"foo": 1, "bar": "x"}),
        json!(null),
        json!(true),
        json!(""),
        json!("2024-13-45"),
        json!("a@b.c"),
    ];
    let mut mutated = data.clone();
    if let Some(target) = mutated.pointer_mut(&pointer) {
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

fn judge(draft: &str) {
    let Some(suite) = suite() else { return };
    let options = Options {
        remotes: Some(suite.join("remotes")),
    };
    let cases = judge_cases(&suite.join("tests").join(draft), &options)
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(cases.len() > 100, "only {} groups read", cases.len());
    let (judged, disagreements) = disagreements(&cases);
    eprintln!("{draft}: {} groups, {judged} instances judged", cases.len());
    assert!(
        disagreements.is_empty(),
        "{} of {judged} verdicts differ from the reference:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

#[test]
fn validate_agrees_with_the_reference_on_the_2020_12_suite() {
    judge("draft2020-12");
}

#[test]
fn validate_agrees_with_the_reference_on_the_draft_7_suite() {
    judge("draft7");
}
