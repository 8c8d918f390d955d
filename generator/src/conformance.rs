//! The conformance harness: runs the JSON-Schema-Test-Suite through the generator and the Rust
//! compiler, and checks every instance against the generated types.
//!
//! For each test group it generates a type from the group's schema, compiles all of them in one
//! crate with a small driver, and runs the driver on every instance. A valid instance must
//! deserialize, pass `validate()`, and serialize back to equal JSON; an invalid one must be
//! rejected by deserialization or by `validate()`. Groups the generator does not support (remote
//! references, dynamic references, unevaluated keywords) or that do not compile are counted as
//! unsupported, never as passed. This module does its own I/O: it is a tool around the pipeline,
//! not a stage of it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::emit::EmitOptions;
use crate::model::{self, ModelOptions};
use crate::tool::Formats;
use crate::tool::{Origin, Tool};

use crate::uri::resolve_uri;

/// One test group of the suite.
#[derive(Debug, Clone)]
struct Group {
    file: String,
    description: String,
    schema: Value,
    tests: Vec<(String, Value, bool)>,
}

/// The result of one keyword file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FileResult {
    /// Tests that behaved as the suite says.
    pub passed: usize,
    /// Tests that did not.
    pub failed: usize,
    /// Tests in groups the generator does not support, with the reasons.
    pub unsupported: usize,
    /// Why groups were unsupported, with counts of tests.
    pub reasons: BTreeMap<String, usize>,
    /// Descriptions of failed tests, for reading.
    pub failures: Vec<String>,
    /// Valid instances that `validate()` refused (on the instance as JSON).
    pub refused_by_validate: usize,
    /// Valid instances that `validate()` accepts but the generated type cannot hold.
    pub refused_by_type_only: usize,
    /// Invalid instances that were accepted.
    pub accepted_invalid: usize,
}

/// The whole run.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// Keyword file (relative path) → results.
    pub files: BTreeMap<String, FileResult>,
}

impl Report {
    /// Totals: (passed, failed, unsupported).
    pub fn totals(&self) -> (usize, usize, usize) {
        self.files.values().fold((0, 0, 0), |(p, f, u), r| {
            (p + r.passed, f + r.failed, u + r.unsupported)
        })
    }

    /// The table, ending with the line `N passed, M failed`.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "| file | passed | failed | unsupported | pass rate | unsupported because |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---|");
        for (file, r) in &self.files {
            let total = r.passed + r.failed + r.unsupported;
            let rate = if total == 0 {
                100.0
            } else {
                100.0 * r.passed as f64 / total as f64
            };
            let reasons: Vec<String> = r
                .reasons
                .iter()
                .map(|(why, n)| format!("{why} ({n})"))
                .collect();
            let _ = writeln!(
                out,
                "| {file} | {} | {} | {} | {rate:.1}% | {} |",
                r.passed,
                r.failed,
                r.unsupported,
                reasons.join("; ")
            );
        }
        let (passed, failed, unsupported) = self.totals();
        let total = passed + failed + unsupported;
        let rate = if total == 0 {
            100.0
        } else {
            100.0 * passed as f64 / total as f64
        };
        let _ = writeln!(
            out,
            "\ntotal: {passed} passed, {failed} failed, {unsupported} unsupported ({rate:.1}% passed)"
        );
        let (by_validate, by_type, accepted) =
            self.files.values().fold((0, 0, 0), |(v, t, a), r| {
                (
                    v + r.refused_by_validate,
                    t + r.refused_by_type_only,
                    a + r.accepted_invalid,
                )
            });
        let _ = writeln!(
            out,
            "valid instances refused: {} ({by_validate} by validate(), {by_type} only by the \
             generated type); invalid instances accepted: {accepted}",
            by_validate + by_type
        );
        // Unsupported tests did not pass, so they count as failed in the closing line.
        let _ = write!(out, "{passed} passed, {} failed", failed + unsupported);
        out
    }
}

/// Why the generator cannot support a group's schema, shown in the table: references to other
/// documents (the suite's remotes), which a tool schema cannot carry; the 2020-12 meta-schema is
/// bundled by the generator (`metaschema`), so a reference to it is supported.
fn unsupported_reason(schema: &Value) -> Option<&'static str> {
    // The generator bundles the 2020-12 meta-schema for schemas that name it.
    let mut documents: Vec<String> = std::iter::once(DEFAULT_BASE)
        .chain(crate::metaschema::uris())
        .map(str::to_string)
        .collect();
    let mut references = Vec::new();
    index_uris(schema, DEFAULT_BASE, true, &mut documents, &mut references);
    references
        .iter()
        .any(|reference| {
            let document = reference.split('#').next().unwrap_or_default();
            !documents.iter().any(|d| d == document)
        })
        .then_some("reference to another document")
}

/// The base URI of a schema without an `$id`, as in the runtime's validator.
const DEFAULT_BASE: &str = "urn:toolgen:schema";

/// Collects the absolute URIs of the `$id`s of `schema` and those of its `$ref`s and
/// `$dynamicRef`s, each resolved against the base URI in effect where it is written. Values of
/// `enum`, `const`, `default` and `examples` are data, not schemas.
fn index_uris(
    schema: &Value,
    base: &str,
    is_schema: bool,
    documents: &mut Vec<String>,
    references: &mut Vec<String>,
) {
    match schema {
        Value::Object(object) => {
            let mut base = base.to_string();
            if is_schema {
                if let Some(Value::String(id)) = object.get("$id")
                    && !id.starts_with('#')
                {
                    let uri = resolve_uri(&base, id);
                    base = uri.split('#').next().unwrap_or_default().to_string();
                    documents.push(base.clone());
                }
                for keyword in ["$ref", "$dynamicRef"] {
                    if let Some(Value::String(target)) = object.get(keyword) {
                        references.push(resolve_uri(&base, target));
                    }
                }
            }
            for (key, value) in object {
                let data = matches!(key.as_str(), "enum" | "const" | "default" | "examples");
                index_uris(value, &base, is_schema && !data, documents, references);
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|item| index_uris(item, base, is_schema, documents, references)),
        _ => {}
    }
}

/// Reads every keyword file under `dir` (recursively, so `optional/` is included).
fn read_suite(dir: &Path) -> Result<Vec<Group>, String> {
    let mut files = Vec::new();
    collect_json(dir, &mut files).map_err(|err| format!("cannot read {}: {err}", dir.display()))?;
    files.sort();
    let mut groups = Vec::new();
    for path in files {
        let rel = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let text = fs::read_to_string(&path).map_err(|err| format!("cannot read {rel}: {err}"))?;
        let value: Value = serde_json::from_str(&text).map_err(|err| format!("{rel}: {err}"))?;
        for group in value.as_array().into_iter().flatten() {
            let tests = group
                .get("tests")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|t| {
                    (
                        t.get("description")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string(),
                        t.get("data").cloned().unwrap_or(Value::Null),
                        t.get("valid").and_then(Value::as_bool).unwrap_or(false),
                    )
                })
                .collect();
            groups.push(Group {
                file: rel.clone(),
                description: group
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                schema: group.get("schema").cloned().unwrap_or(Value::Bool(true)),
                tests,
            });
        }
    }
    Ok(groups)
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_json(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

/// How a suite is run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A folder holding the suite's `remotes/`: the documents that `http://localhost:1234/...`
    /// names, read from disk (never from the network) and bundled into each schema that refers
    /// to them, so that `refRemote` and remote meta-schemas count. Without it, groups that refer
    /// to another document are unsupported.
    pub remotes: Option<PathBuf>,
}

/// The base URI under which the suite serves its `remotes/` folder.
const REMOTES_BASE: &str = "http://localhost:1234/";

/// The dialect a suite folder tests, from its name (`draft7`, `draft2020-12`, ...): the
/// `$schema` given to each group's schema that declares none. The suite's schemas rarely declare
/// one; toolgen, like JSON Schema, reads a schema without `$schema` as 2020-12.
fn dialect_of(suite: &Path) -> Option<&'static str> {
    let name = suite.file_name()?.to_str()?;
    Some(match name {
        "draft4" => "http://json-schema.org/draft-04/schema#",
        "draft6" => "http://json-schema.org/draft-06/schema#",
        "draft7" => "http://json-schema.org/draft-07/schema#",
        "draft2019-09" => "https://json-schema.org/draft/2019-09/schema",
        _ => return None,
    })
}

/// Whether `dialect` keeps subschemas under `definitions` (draft 7 and earlier) rather than
/// `$defs`.
fn uses_definitions(dialect: Option<&str>) -> bool {
    dialect.is_some_and(|d| d.starts_with("http://json-schema.org/draft-0"))
}

/// Reads every JSON file under `dir` as a remote document: `http://localhost:1234/<path>` → value.
fn read_remotes(dir: &Path) -> Result<BTreeMap<String, Value>, String> {
    let mut files = Vec::new();
    collect_json(dir, &mut files).map_err(|err| format!("cannot read {}: {err}", dir.display()))?;
    files.sort();
    let mut out = BTreeMap::new();
    for path in files {
        let rel = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let text = fs::read_to_string(&path).map_err(|err| format!("cannot read {rel}: {err}"))?;
        let value: Value = serde_json::from_str(&text).map_err(|err| format!("{rel}: {err}"))?;
        out.insert(format!("{REMOTES_BASE}{rel}"), value);
    }
    Ok(out)
}

/// The documents (without fragments) that `schema` refers to and does not contain, including
/// the meta-schema its `$schema` names.
fn foreign_documents(schema: &Value) -> Vec<String> {
    let mut documents: Vec<String> = std::iter::once(DEFAULT_BASE)
        .chain(crate::metaschema::uris())
        .map(str::to_string)
        .collect();
    let mut references = Vec::new();
    if let Some(meta) = schema.get("$schema").and_then(Value::as_str) {
        references.push(meta.to_string());
    }
    index_uris(schema, DEFAULT_BASE, true, &mut documents, &mut references);
    let mut out: Vec<String> = references
        .iter()
        .map(|r| r.split('#').next().unwrap_or_default().to_string())
        .filter(|d| !documents.iter().any(|known| known == d) && !is_standard_meta_schema(d))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether `uri` is a meta-schema that the validator ships (drafts 4 to 2020-12).
fn is_standard_meta_schema(uri: &str) -> bool {
    uri.starts_with("http://json-schema.org/") || uri.starts_with("https://json-schema.org/draft/")
}

/// Adds to `schema` every remote document it needs, transitively, as embedded resources (each
/// under `$defs` or `definitions` with its own `$id`): a compound document that the generated
/// `validate()` resolves without reading anything. False when one of them is not in `remotes`.
fn bundle_remotes(
    schema: &mut Value,
    remotes: &BTreeMap<String, Value>,
    definitions: bool,
) -> bool {
    let mut bundled: BTreeMap<String, Value> = BTreeMap::new();
    let mut pending = foreign_documents(schema);
    while let Some(uri) = pending.pop() {
        if bundled.contains_key(&uri) {
            continue;
        }
        let Some(document) = remotes.get(&uri) else {
            return false;
        };
        let mut document = document.clone();
        let own_id = document
            .get("$id")
            .and_then(Value::as_str)
            .map(|id| resolve_uri(&uri, id));
        match (&mut document, own_id) {
            // The URI it is served at names it.
            (Value::Object(object), None) => {
                object.insert("$id".to_string(), Value::String(uri.clone()));
            }
            // Its own `$id` names it too: a resource at the URI it is served at refers to it, as
            // a retrieval would see it.
            (_, Some(id)) if id.split('#').next() != Some(uri.as_str()) => {
                let key = if definitions { "definitions" } else { "$defs" };
                let inner = std::mem::take(&mut document);
                document = serde_json::json!({
                    "$id": uri,
                    "allOf": [{"$ref": id}],
                    key: {"document": inner},
                });
            }
            _ => {}
        }
        for inner in foreign_documents(&rebase(&document, &uri)) {
            if !bundled.contains_key(&inner) && inner != uri {
                pending.push(inner);
            }
        }
        bundled.insert(uri, document);
    }
    if bundled.is_empty() {
        return true;
    }
    let Value::Object(root) = schema else {
        return false;
    };
    let key = if definitions { "definitions" } else { "$defs" };
    let Value::Object(defs) = root
        .entry(key)
        .or_insert_with(|| Value::Object(serde_json::Map::new()))
    else {
        return false;
    };
    for (index, (_, document)) in bundled.into_iter().enumerate() {
        defs.insert(format!("toolgen-remote-{index}"), document);
    }
    true
}

/// A remote document whose relative `$id` is resolved against the URI it is served at, for
/// finding what it refers to.
fn rebase(document: &Value, uri: &str) -> Value {
    let mut document = document.clone();
    if let Value::Object(object) = &mut document {
        let id = object
            .get("$id")
            .and_then(Value::as_str)
            .map_or_else(|| uri.to_string(), |id| resolve_uri(uri, id));
        object.insert("$id".to_string(), Value::String(id));
    }
    document
}

/// Runs the suite in `suite` (a draft folder such as `tests/draft2020-12` or `tests/draft7`),
/// building in `work`.
pub fn run(suite: &Path, work: &Path, options: &Options) -> Result<Report, String> {
    // Cargo runs inside `work` and the driver from here: a relative path must mean one place.
    let work = &std::path::absolute(work)
        .map_err(|err| format!("cannot resolve {}: {err}", work.display()))?;
    let mut groups = read_suite(suite)?;
    let dialect = dialect_of(suite);
    if let Some(dialect) = dialect {
        for group in &mut groups {
            if let Value::Object(object) = &mut group.schema {
                object
                    .entry("$schema")
                    .or_insert_with(|| Value::String(dialect.to_string()));
            }
        }
    }
    let remotes = match &options.remotes {
        Some(dir) => read_remotes(dir)?,
        None => BTreeMap::new(),
    };
    let mut report = Report::default();
    let mut excluded: BTreeMap<usize, String> = BTreeMap::new();
    for (index, group) in groups.iter().enumerate() {
        report.files.entry(group.file.clone()).or_default();
        if !remotes.is_empty() {
            if !bundle_remotes(
                &mut group.schema.clone(),
                &remotes,
                uses_definitions(dialect),
            ) {
                excluded.insert(
                    index,
                    "reference to a document not in --remotes".to_string(),
                );
            }
        } else if let Some(reason) = unsupported_reason(&group.schema) {
            excluded.insert(index, reason.to_string());
        }
    }

    // Generate and compile; groups that fail to generate or to compile are excluded, then the
    // rest is tried again (a bounded number of times).
    let mut results = None;
    for _round in 0..6 {
        let included: Vec<usize> = (0..groups.len())
            .filter(|i| !excluded.contains_key(i))
            .collect();
        let bundle = |schema: &mut Value| {
            bundle_remotes(schema, &remotes, uses_definitions(dialect));
        };
        let (types, failed_generation) = generate(&groups, &included, work, &bundle)?;
        if !failed_generation.is_empty() {
            for (index, why) in failed_generation {
                excluded.insert(index, why);
            }
            continue;
        }
        write_driver(&groups, &types, work)?;
        match build(work)? {
            Ok(()) => {
                results = Some(run_driver(&groups, &types, work)?);
                break;
            }
            Err(files) => {
                let mut any = false;
                for (index, (module_file, _, _)) in &types {
                    if files.iter().any(|f| f.ends_with(module_file.as_str())) {
                        excluded.insert(*index, "generated code does not compile".to_string());
                        any = true;
                    }
                }
                if !any {
                    return Err(
                        "the conformance crate does not compile, and no group is to blame".into(),
                    );
                }
            }
        }
    }
    let results = results.ok_or("gave up after repeated compile failures")?;

    for (index, group) in groups.iter().enumerate() {
        let entry = report.files.entry(group.file.clone()).or_default();
        if let Some(reason) = excluded.get(&index) {
            entry.unsupported += group.tests.len();
            *entry.reasons.entry(reason.clone()).or_default() += group.tests.len();
            continue;
        }
        for (test, (description, _, valid)) in group.tests.iter().enumerate() {
            let outcome = results.get(&(index, test)).copied().unwrap_or_default();
            let ok = if *valid {
                outcome.deserialized && outcome.validated && outcome.round_trip
            } else {
                !(outcome.deserialized && outcome.validated)
            };
            if !ok && *valid {
                if outcome.schema_valid {
                    entry.refused_by_type_only += 1;
                } else {
                    entry.refused_by_validate += 1;
                }
            } else if !ok {
                entry.accepted_invalid += 1;
            }
            if ok {
                entry.passed += 1;
            } else {
                entry.failed += 1;
                entry.failures.push(format!(
                    "{} / {}: expected {}, got {outcome:?}",
                    group.description,
                    description,
                    if *valid { "valid" } else { "invalid" }
                ));
            }
        }
    }
    Ok(report)
}

/// What the driver saw for one instance.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Outcome {
    deserialized: bool,
    validated: bool,
    round_trip: bool,
    /// `validate()`'s verdict on the instance as JSON, before any typing.
    schema_valid: bool,
}

/// Group index → (module file, Rust path of the type, tool name).
type Types = BTreeMap<usize, (String, String, String)>;

/// One tool per included group, named `g<index>`.
fn tools_of(groups: &[Group], included: &[usize]) -> Vec<Tool> {
    included
        .iter()
        .map(|&index| Tool {
            provider: "suite".to_string(),
            group: Vec::new(),
            name: format!("g{index}"),
            title: None,
            description: Some(groups[index].description.clone()),
            input_schema: groups[index].schema.clone(),
            output_schema: None,
            annotations: None,
            origin: Origin {
                file: groups[index].file.clone(),
                pointer: format!("/g{index}/schema"),
            },
            docs_base_url: None,
            // The suite's own files test the 2020-12 default, `format` as an annotation; those
            // under `optional/` (`optional/format/`) test formats as assertions, toolgen's default.
            formats: if groups[index].file.starts_with("optional") {
                Formats::Assertion
            } else {
                Formats::Annotation
            },
        })
        .collect()
}

/// The groups of `suite` prepared as the harness prepares them, without compiling anything:
/// for each, the schema as the suite writes it (with the folder's dialect and, with `--remotes`,
/// the remote documents it needs embedded), whether formats assert, the schema that the
/// generated `validate()` embeds, and the instances. For the reference-judge test, which checks
/// that `validate()` agrees with an independent validator run on the suite's own schema.
pub fn judge_cases(suite: &Path, options: &Options) -> Result<Vec<JudgeCase>, String> {
    let mut groups = read_suite(suite)?;
    let dialect = dialect_of(suite);
    if let Some(dialect) = dialect {
        for group in &mut groups {
            if let Value::Object(object) = &mut group.schema {
                object
                    .entry("$schema")
                    .or_insert_with(|| Value::String(dialect.to_string()));
            }
        }
    }
    let remotes = match &options.remotes {
        Some(dir) => read_remotes(dir)?,
        None => BTreeMap::new(),
    };
    let included: Vec<usize> = (0..groups.len()).collect();
    let model = model::build_with(
        &tools_of(&groups, &included),
        &ModelOptions {
            object_inputs: false,
            ..ModelOptions::default()
        },
    );
    let mut schemas: BTreeMap<usize, Value> = BTreeMap::new();
    for provider in &model.providers {
        for op in provider.root.all_operations() {
            if let Ok(index) = op.tool.name.trim_start_matches('g').parse::<usize>() {
                let mut schema = op.validation_schema.clone();
                bundle_remotes(&mut schema, &remotes, uses_definitions(dialect));
                schemas.insert(index, schema);
            }
        }
    }
    Ok(groups
        .into_iter()
        .enumerate()
        .filter_map(|(index, group)| {
            let mut schema = group.schema.clone();
            let complete = bundle_remotes(&mut schema, &remotes, uses_definitions(dialect));
            Some(JudgeCase {
                formats: group.file.starts_with("optional"),
                name: format!("{} / {}", group.file, group.description),
                validation_schema: schemas.remove(&index)?,
                schema: complete.then_some(schema)?,
                instances: group.tests.into_iter().map(|(_, data, _)| data).collect(),
            })
        })
        .collect())
}

/// One group for the reference-judge test (see [`judge_cases`]).
#[derive(Debug, Clone)]
pub struct JudgeCase {
    /// The keyword file and the group's description.
    pub name: String,
    /// Whether `format` asserts (the suite's `optional/` files).
    pub formats: bool,
    /// The schema as the suite writes it, with its dialect and remote documents embedded.
    pub schema: Value,
    /// The schema that the generated `validate()` embeds.
    pub validation_schema: Value,
    /// The suite's instances.
    pub instances: Vec<Value>,
}

fn generate(
    groups: &[Group],
    included: &[usize],
    work: &Path,
    bundle: &dyn Fn(&mut Value),
) -> Result<(Types, Vec<(usize, String)>), String> {
    let tools = tools_of(groups, included);
    let mut model = model::build_with(
        &tools,
        &ModelOptions {
            object_inputs: false,
            ..ModelOptions::default()
        },
    );
    // The typed layer reads a reference to another document as any value; `validate()` gets the
    // documents themselves.
    for provider in &mut model.providers {
        for op in &mut provider.root.operations {
            bundle(&mut op.validation_schema);
        }
    }
    let options = EmitOptions {
        crate_name: "conformance-types".to_string(),
        ..EmitOptions::default()
    };
    let output = match crate::from_model(&model, &options) {
        Ok(output) => output,
        Err(diagnostics) => {
            let failed = diagnostics
                .iter()
                .filter_map(|d| {
                    let pointer = d.pointer.as_deref()?;
                    let index = pointer
                        .strip_prefix("/g")?
                        .split('/')
                        .next()?
                        .parse()
                        .ok()?;
                    Some((index, "the generator rejects the schema".to_string()))
                })
                .collect::<Vec<_>>();
            if failed.is_empty() {
                return Err(format!("generation failed:\n{diagnostics}"));
            }
            return Ok((Types::new(), failed));
        }
    };
    let types_dir = work.join("types");
    crate::write::write(&types_dir, &output.files)
        .map_err(|err| format!("cannot write {}: {err}", types_dir.display()))?;
    let mut types = Types::new();
    let provider = model.providers.first().ok_or("no provider")?;
    for op in provider.root.all_operations() {
        let index: usize = op
            .tool
            .name
            .trim_start_matches('g')
            .parse()
            .map_err(|_| "bad tool name")?;
        types.insert(
            index,
            (
                format!("src/{}/{}.rs", provider.module, op.module),
                format!(
                    "conformance_types::{}::{}::{}",
                    provider.module, op.module, op.params_type
                ),
                op.tool.name.clone(),
            ),
        );
    }
    Ok((types, Vec::new()))
}

fn write_driver(groups: &[Group], types: &Types, work: &Path) -> Result<(), String> {
    let driver = work.join("driver");
    fs::create_dir_all(driver.join("src")).map_err(|e| e.to_string())?;
    let manifest = "[package]\nname = \"conformance-driver\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
        [dependencies]\nconformance-types = { path = \"../types\" }\nserde = \"1\"\nserde_json = \"1\"\n";
    write_if_changed(&driver.join("Cargo.toml"), manifest)?;
    write_if_changed(
        &work.join("Cargo.toml"),
        "[workspace]\nmembers = [\"driver\", \"types\"]\nresolver = \"3\"\n",
    )?;
    let mut cases = String::new();
    let mut impls = String::new();
    for (index, (_, path, _)) in types {
        let _ = writeln!(cases, "        {index} => check::<{path}>(data),");
        let _ = writeln!(
            impls,
            "impl Validate for {path} {{ fn valid(&self) -> bool {{ self.validate().is_ok() }} \
             fn schema_valid(data: &serde_json::Value) -> bool {{ \
             conformance_types::runtime::Validator::new(<{path}>::SCHEMA).is_valid(data) }} }}"
        );
    }
    let _ = groups;
    let main = format!(
        "//! Runs each instance through its group's generated type and prints one JSON line each.\n\
         use std::io::BufRead;\n\
         trait Validate {{ fn valid(&self) -> bool; fn schema_valid(data: &serde_json::Value) -> bool; }}\n\
         {impls}\n\
         fn equal(a: &serde_json::Value, b: &serde_json::Value) -> bool {{\n\
             use serde_json::Value::*;\n\
             match (a, b) {{\n\
                 (Number(x), Number(y)) => x.as_f64() == y.as_f64(),\n\
                 (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| equal(a, b)),\n\
                 (Object(x), Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal(v, w))),\n\
                 _ => a == b,\n\
             }}\n\
         }}\n\
         fn check<T: serde::de::DeserializeOwned + serde::Serialize + Validate>(data: &serde_json::Value) -> (bool, bool, bool, bool) {{\n\
             let schema = T::schema_valid(data);\n\
             // Read as the client reads a result: again with integral floats as integers.\n\
             let parsed = serde_json::from_value::<T>(data.clone()).or_else(|err| {{\n\
                 let mut data = data.clone();\n\
                 if conformance_types::runtime::wire::integral_floats_as_integers(&mut data) {{ serde_json::from_value::<T>(data) }} else {{ Err(err) }}\n\
             }});\n\
             match parsed {{\n\
                 Ok(value) => {{\n\
                     let round = serde_json::to_value(&value).map(|v| equal(&v, data)).unwrap_or(false);\n\
                     (true, value.valid(), round, schema)\n\
                 }}\n\
                 Err(_) => (false, false, false, schema),\n\
             }}\n\
         }}\n\
         fn main() {{\n\
             let stdin = std::io::stdin();\n\
             for line in stdin.lock().lines() {{\n\
                 let Ok(line) = line else {{ break }};\n\
                 let Ok(case) = serde_json::from_str::<serde_json::Value>(&line) else {{ continue }};\n\
                 let group = case[\"group\"].as_u64().unwrap_or(u64::MAX);\n\
                 let data = &case[\"data\"];\n\
                 let run = || match group {{\n\
         {cases}\
                     _ => (false, false, false, false),\n\
                 }};\n\
                 let (d, v, r, s) = std::panic::catch_unwind(run).unwrap_or((false, false, false, false));\n\
                 println!(\"{{}}\", serde_json::json!({{\"group\": group, \"test\": case[\"test\"], \"d\": d, \"v\": v, \"r\": r, \"s\": s}}));\n\
             }}\n\
         }}\n"
    );
    write_if_changed(&driver.join("src/main.rs"), &main)
}

fn write_if_changed(path: &Path, text: &str) -> Result<(), String> {
    if fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    fs::write(path, text).map_err(|err| format!("cannot write {}: {err}", path.display()))
}

/// Builds the driver; on failure, the files the compiler blamed.
fn build(work: &Path) -> Result<Result<(), Vec<String>>, String> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string()))
        .args([
            "build",
            "--quiet",
            "--message-format=short",
            "-p",
            "conformance-driver",
        ])
        .current_dir(work)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .output()
        .map_err(|err| format!("cannot run cargo: {err}"))?;
    if output.status.success() {
        return Ok(Ok(()));
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let files: Vec<String> = stderr
        .lines()
        .filter(|line| line.contains(": error"))
        .filter_map(|line| line.split(':').next())
        .map(str::to_string)
        .collect();
    if files.is_empty() {
        return Err(format!("cargo build failed:\n{stderr}"));
    }
    Ok(Err(files))
}

fn run_driver(
    groups: &[Group],
    types: &Types,
    work: &Path,
) -> Result<BTreeMap<(usize, usize), Outcome>, String> {
    let mut input = String::new();
    for index in types.keys() {
        for (test, (_, data, _)) in groups[*index].tests.iter().enumerate() {
            let line = serde_json::json!({"group": index, "test": test, "data": data});
            input.push_str(&line.to_string());
            input.push('\n');
        }
    }
    let input_path = work.join("instances.jsonl");
    fs::write(&input_path, &input).map_err(|e| e.to_string())?;
    let binary = work.join("target/debug/conformance-driver");
    let output = Command::new(&binary)
        .stdin(fs::File::open(&input_path).map_err(|e| e.to_string())?)
        .output()
        .map_err(|err| format!("cannot run {}: {err}", binary.display()))?;
    let mut results = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(value) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let (Some(group), Some(test)) = (value["group"].as_u64(), value["test"].as_u64()) else {
            continue;
        };
        results.insert(
            (group as usize, test as usize),
            Outcome {
                deserialized: value["d"] == Value::Bool(true),
                validated: value["v"] == Value::Bool(true),
                round_trip: value["r"] == Value::Bool(true),
                schema_valid: value["s"] == Value::Bool(true),
            },
        );
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{resolve_uri, unsupported_reason};

    #[test]
    fn uris_resolve_as_rfc_3986_says() {
        let base = "http://a/b/c/d;p?q";
        for (reference, expected) in [
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g"),
            ("?y", "http://a/b/c/d;p?y"),
            ("#s", "http://a/b/c/d;p?q#s"),
            ("", "http://a/b/c/d;p?q"),
            ("..", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../../g", "http://a/g"),
            ("urn:x:y", "urn:x:y"),
        ] {
            assert_eq!(resolve_uri(base, reference), expected, "{reference}");
        }
    }

    #[test]
    fn only_references_to_other_documents_are_unsupported() {
        assert_eq!(unsupported_reason(&json!({"$ref": "#/$defs/a"})), None);
        assert_eq!(unsupported_reason(&json!({"$ref": "#"})), None);
        // Embedded resources and anchors resolve inside the document.
        let embedded = json!({
            "$id": "http://example.com/root.json",
            "$defs": {"a": {"$id": "a.json", "$anchor": "x"}},
            "allOf": [{"$ref": "a.json"}, {"$ref": "http://example.com/a.json#x"}]
        });
        assert_eq!(unsupported_reason(&embedded), None);
        assert!(
            unsupported_reason(&json!({"$ref": "http://localhost:1234/integer.json"})).is_some()
        );
        // An `$id` inside `enum` data names no document.
        let data = json!({
            "enum": [{"$id": "http://example.com/x.json"}],
            "$ref": "http://example.com/x.json"
        });
        assert!(unsupported_reason(&data).is_some());
    }
}
