//! The `toolgen` binary on bad input: one clear message per problem, a non-zero exit, and
//! nothing written anywhere.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh, empty folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("toolgen-cli-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create a scratch folder");
    dir
}

/// Runs `toolgen <command> --schemas <schemas> --out <out>` in the scratch folders' parent, so
/// that no `toolgen.toml` of this repository applies.
fn toolgen(command: &str, schemas: &Path, out: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_toolgen"))
        .current_dir(std::env::temp_dir())
        .arg(command)
        .arg("--schemas")
        .arg(schemas)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run toolgen")
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().expect("a parent")).expect("create folders");
    fs::write(path, text).expect("write a fixture");
}

#[test]
fn bad_input_fails_once_with_every_problem_and_writes_nothing() {
    let dir = scratch("bad");
    let schemas = dir.join("schemas");
    write(
        &schemas.join("acme/broken.json"),
        "{\"name\": \"broken\",\n  \"inputSchema\": {,}\n}",
    );
    write(
        &schemas.join("acme/no_input.json"),
        r#"{"name": "no_input", "description": "x"}"#,
    );
    write(
        &schemas.join("acme/escape.json"),
        r#"{"name": "../../escape", "inputSchema": {"type": "object"}}"#,
    );
    write(
        &schemas.join("acme/dup_a.json"),
        r#"{"name": "same", "inputSchema": {}}"#,
    );
    write(
        &schemas.join("acme/dup_b.json"),
        r#"{"tools": [{"name": "same", "inputSchema": {}}]}"#,
    );
    write(
        &schemas.join("acme/shape.json"),
        r#"{"name": "shape", "inputSchema": {"type": "object"}, "description": 3}"#,
    );
    let out = dir.join("out");

    let output = toolgen("generate", &schemas, &out);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(!out.exists(), "nothing may be written on error");
    let after: Vec<_> = fs::read_dir(&dir)
        .expect("list")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(after, ["schemas"], "nothing else may be written either");

    // Malformed JSON: file, line and column.
    assert!(stderr.contains("malformed JSON"), "{stderr}");
    assert!(stderr.contains("acme/broken.json:2:"), "{stderr}");
    // Wrong shape: file, line and column of the value the JSON pointer names.
    assert!(
        stderr.contains("has no `inputSchema`") && stderr.contains("acme/no_input.json:1:1"),
        "{stderr}"
    );
    assert!(
        stderr.contains("acme/shape.json:1:69") && stderr.contains("= note: at #/description"),
        "{stderr}"
    );
    // A hostile name is refused, not used as a path.
    assert!(
        stderr.contains("invalid tool name `../../escape`")
            && stderr.contains("acme/escape.json:1:10")
            && stderr.contains("at #/name"),
        "{stderr}"
    );
    // A duplicate names both files.
    assert!(
        stderr.contains("duplicate tool name `same`")
            && stderr.contains("dup_a.json")
            && stderr.contains("dup_b.json:1:21")
            && stderr.contains("at #/tools/0/name"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("error: ").count(),
        6,
        "five problems and one summary:\n{stderr}"
    );
    assert!(
        stderr.contains("5 problems found; nothing was written"),
        "{stderr}"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn generate_writes_a_crate_removes_stale_files_and_keeps_foreign_ones() {
    let dir = scratch("good");
    let schemas = dir.join("schemas");
    let seed = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../schemas/workos/user_management.invitations.create.json");
    write(
        &schemas.join("workos/user_management.invitations.create.json"),
        &fs::read_to_string(&seed).expect("seed"),
    );
    write(
        &schemas.join("workos/extra.json"),
        r#"{"name": "extra.tool", "inputSchema": {}}"#,
    );
    let out = dir.join("out");
    write(&out.join("NOTES.md"), "mine");

    let run = || {
        let status = toolgen("generate", &schemas, &out).status;
        assert!(status.success());
    };
    run();
    assert!(out.join("Cargo.toml").is_file());
    assert!(out.join("src/workos/extra/tool.rs").is_file());
    let check = |expect_ok: bool| {
        let status = toolgen("check", &schemas, &out).status;
        assert_eq!(status.success(), expect_ok);
    };
    check(true);

    fs::remove_file(schemas.join("workos/extra.json")).expect("remove a tool");
    check(false);
    run();
    check(true);
    assert!(
        !out.join("src/workos/extra/tool.rs").exists(),
        "the stale file is removed"
    );
    assert!(
        !out.join("src/workos/extra").exists(),
        "and its empty folder"
    );
    assert_eq!(
        fs::read_to_string(out.join("NOTES.md")).expect("kept"),
        "mine"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn an_empty_schemas_folder_is_an_error_not_an_empty_crate() {
    let dir = scratch("empty");
    let schemas = dir.join("schemas");
    fs::create_dir_all(&schemas).expect("create");
    let out = dir.join("out");
    write(
        &out.join("src/lib.rs"),
        "// @generated by toolgen. Do not edit.\n",
    );
    let output = toolgen("generate", &schemas, &out);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("no tool definitions"), "{stderr}");
    assert!(
        out.join("src/lib.rs").is_file(),
        "existing output is left alone"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn report_counts_tools_dedup_and_lines_per_provider() {
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/schemas");
    let output = Command::new(env!("CARGO_BIN_EXE_toolgen"))
        .args(["report", "--schemas"])
        .arg(&schemas)
        .output()
        .expect("run toolgen report");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    // shared_enums: two tools, one shared `Status` and one `Format` each: 3 types after dedup
    // (two params structs and `Status`) plus `Format`; the shared enum saved one type.
    let row = stdout
        .lines()
        .find(|l| l.starts_with("| shared_enums |"))
        .unwrap_or_else(|| panic!("no shared_enums row in\n{stdout}"));
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    assert_eq!(&cells[2..8], ["2", "2", "0", "0", "5", "4"], "{row}");
    assert!(
        cells[8].parse::<usize>().is_ok_and(|lines| lines > 100),
        "{row}"
    );
    assert!(
        stdout
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("| **total** |")),
        "{stdout}"
    );
}

#[test]
fn an_overlay_that_points_at_nothing_or_at_an_unknown_tool_is_an_error() {
    let dir = scratch("overlay");
    let schemas = dir.join("schemas");
    write(
        &schemas.join("acme/t.json"),
        r#"{"name": "t", "inputSchema": {"type": "object", "properties": {"email": {"type": "string"}}}}"#,
    );
    let out = dir.join("out");
    let overlay = schemas.join("acme/overlay.json");

    // A working overlay is applied, and is not read as a tool.
    write(
        &overlay,
        r#"{"docs_base_url": "https://acme.test/docs", "tools": {"t": [
            {"op": "add", "path": "/inputSchema/required", "value": ["email"]}]}}"#,
    );
    let output = toolgen("generate", &schemas, &out);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let tool = fs::read_to_string(out.join("src/acme/t.rs")).expect("the tool module");
    assert!(tool.contains("pub email: ::std::string::String,"), "{tool}");
    assert!(!out.join("src/acme/overlay.rs").exists());

    // A pointer to nothing and an unknown tool: errors naming the overlay and the pointer.
    write(
        &overlay,
        r#"{"tools": {"t": [
            {"op": "add", "path": "/inputSchema/properties/emial/format", "value": "email"}]}}"#,
    );
    let output = toolgen("generate", &schemas, &out);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("acme/overlay.json:2:35")
            && stderr.contains("at #/tools/t/0/path")
            && stderr.contains("/inputSchema/properties/emial/format"),
        "{stderr}"
    );
    write(
        &overlay,
        r#"{"tools": {"gone": [{"op": "remove", "path": "/title"}]}}"#,
    );
    let output = toolgen("generate", &schemas, &out);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("the overlay names the tool `gone`, which does not exist")
            && stderr.contains("acme/overlay.json:1:")
            && stderr.contains("at #/tools/gone"),
        "{stderr}"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_toml_overlay_is_read_from_the_provider_folder() {
    let dir = scratch("overlay-toml");
    let (schemas, out) = (dir.join("schemas"), dir.join("out"));
    write(
        &schemas.join("acme/t.json"),
        r#"{"name": "t", "inputSchema": {"type": "object", "properties": {"email": {"type": "string"}}}}"#,
    );
    write(
        &schemas.join("acme/overlay.toml"),
        "[[tools.t]]\nop = \"add\"\npath = \"/inputSchema/required\"\nvalue = [\"email\"]\n",
    );
    let output = toolgen("generate", &schemas, &out);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let tool = fs::read_to_string(out.join("src/acme/t.rs")).expect("the tool module");
    assert!(tool.contains("pub email: ::std::string::String,"), "{tool}");

    // Both spellings at once: an error naming both files, and nothing written.
    write(&schemas.join("acme/overlay.json"), r#"{"tools": {}}"#);
    let _ = fs::remove_dir_all(&out);
    let output = toolgen("generate", &schemas, &out);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("two overlays, acme/overlay.json and acme/overlay.toml"),
        "{stderr}"
    );
    assert!(!out.exists());
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn an_annotation_overlay_leaves_formats_as_documented_strings() {
    let dir = scratch("overlay-formats");
    let (schemas, out) = (dir.join("schemas"), dir.join("out"));
    let tool = r#"{"name": "t", "inputSchema": {"type": "object", "required": ["at"], "properties": {"at": {"type": "string", "format": "date-time"}}}}"#;
    write(&schemas.join("acme/t.json"), tool);
    let output = toolgen("generate", &schemas, &out);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let asserted = fs::read_to_string(out.join("src/acme/t.rs")).expect("the tool module");
    assert!(
        asserted.contains("pub at: ::chrono::DateTime<::chrono::offset::Utc>,"),
        "{asserted}"
    );
    assert!(asserted.contains(r#""format":"date-time""#), "{asserted}");

    write(
        &schemas.join("acme/overlay.json"),
        r#"{"formats": "annotation"}"#,
    );
    let output = toolgen("generate", &schemas, &out);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let annotated = fs::read_to_string(out.join("src/acme/t.rs")).expect("the tool module");
    assert!(
        annotated.contains("pub at: ::std::string::String,"),
        "{annotated}"
    );
    // `DEFINITION` (what a server lists) keeps the schema as written; the checked schemas do not.
    let checked: String = annotated
        .lines()
        .filter(|line| !line.starts_with("pub const DEFINITION"))
        .collect();
    assert!(
        !checked.contains(r#""format""#),
        "validate() must not check it: {annotated}"
    );
    let _ = fs::remove_dir_all(&dir);
}

/// Runs `toolgen` with any arguments.
fn toolgen_args(args: &[&str], cwd: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_toolgen"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run toolgen")
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .status()
        .expect("run git");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn diff_compares_folders_and_git_revisions() {
    let dir = scratch("diff");
    let tool = |required: &str| {
        format!(
            r#"{{"name": "t", "inputSchema": {{"type": "object", "properties": {{"a": {{"type": "string"}}}}, "required": [{required}]}}}}"#
        )
    };
    write(&dir.join("old/p/t.json"), &tool(""));
    write(&dir.join("new/p/t.json"), &tool(r#""a""#));
    write(
        &dir.join("new/p/u.json"),
        r#"{"name": "u", "inputSchema": {"type": "object"}}"#,
    );

    let output = toolgen_args(&["diff", "old", "new"], &dir);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(
        stdout.contains("field `a` became required") && stdout.contains("`p` `u`: tool added"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("**Suggested semver bump: major**\n"),
        "{stdout}"
    );

    // The same trees as two commits of `schemas/`.
    let repo = dir.join("repo");
    write(&repo.join("schemas/p/t.json"), &tool(""));
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-qm", "old"]);
    write(&repo.join("schemas/p/t.json"), &tool(r#""a""#));
    write(
        &repo.join("schemas/p/overlay.json"),
        r#"{"tools": {"t": [{"op": "add", "path": "/description", "value": "Documented."}]}}"#,
    );
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-qm", "new"]);
    let output = toolgen_args(&["diff", "HEAD~1", "HEAD", "--format", "json"], &repo);
    assert!(output.status.success(), "{output:?}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["bump"], "major", "{report:#}");
    let messages: Vec<&str> = report["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["message"].as_str())
        .collect();
    assert_eq!(
        messages,
        ["field `a` became required", "description changed"],
        "the overlay of the revision is applied: {report:#}"
    );
    // A revision against a folder, and an unknown revision.
    let output = toolgen_args(&["diff", "HEAD", "schemas"], &repo);
    assert!(output.status.success(), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).ends_with("bump: none**\n"));
    let output = toolgen_args(&["diff", "no-such-rev", "HEAD"], &repo);
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("git cannot read it as a revision"),
        "{output:?}"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn check_lists_the_stale_files() {
    let dir = scratch("check");
    let schemas = dir.join("schemas");
    write(
        &schemas.join("p/a.json"),
        r#"{"name": "a", "inputSchema": {"type": "object"}}"#,
    );
    write(
        &schemas.join("p/b.json"),
        r#"{"name": "b", "inputSchema": {"type": "object"}}"#,
    );
    let out = dir.join("out");
    assert!(toolgen("generate", &schemas, &out).status.success());
    let fresh = toolgen("check", &schemas, &out);
    assert!(fresh.status.success());
    assert!(String::from_utf8_lossy(&fresh.stderr).contains("is up to date"));

    // A changed schema, a hand edit and a removed tool: each stale file is listed.
    write(
        &schemas.join("p/a.json"),
        r#"{"name": "a", "description": "Now documented.", "inputSchema": {"type": "object"}}"#,
    );
    fs::remove_file(schemas.join("p/b.json")).expect("remove");
    let stale = toolgen("check", &schemas, &out);
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert_eq!(stale.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("is stale"), "{stderr}");
    assert!(stderr.contains("src/p/a.rs"), "{stderr}");
    assert!(stderr.contains("src/p/b.rs"), "{stderr}");
    assert!(!stderr.contains("Cargo.toml"), "{stderr}");
    let _ = fs::remove_dir_all(&dir);
}

/// `toolgen generate` with no flags, run in a sub-folder of a project: it finds the project's
/// `toolgen.toml` upward from where the user stands (never from where toolgen was built) and
/// writes where that file says, relative to the file.
#[test]
fn generate_finds_toolgen_toml_from_a_sub_folder() {
    let dir = scratch("config-upward");
    write(
        &dir.join("toolgen.toml"),
        "out = \"sdk\"\n[package]\nname = \"acme-sdk\"\nversion = \"2.0.0\"\n[runtime]\nmode = \"shared\"\n",
    );
    write(
        &dir.join("schemas/acme/ping.json"),
        r#"{"name": "ping", "inputSchema": {"type": "object", "properties": {}}}"#,
    );
    let below = dir.join("src/deep");
    fs::create_dir_all(&below).expect("mkdir");
    let output = toolgen_args(&["generate"], &below);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let manifest = fs::read_to_string(dir.join("sdk/Cargo.toml")).expect("the crate is at sdk/");
    assert!(manifest.contains("name = \"acme-sdk\"") && manifest.contains("version = \"2.0.0\""));
    // A shared runtime from the registry: no path, no copied runtime.
    assert!(
        manifest.contains("toolgen-runtime = { version = "),
        "{manifest}"
    );
    assert!(!dir.join("sdk/src/runtime").exists());
    assert!(!below.join("sdk").exists() && !below.join("generated").exists());

    // `--runtime vendored` overrides the file.
    let output = toolgen_args(&["generate", "--runtime", "vendored"], &dir);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(dir.join("sdk/src/runtime/mod.rs").is_file());
    let _ = fs::remove_dir_all(&dir);
}

/// A mistake in `toolgen.toml` is a diagnostic with the file, line and column; nothing is written.
#[test]
fn a_bad_toolgen_toml_is_a_diagnostic() {
    let dir = scratch("config-bad");
    write(&dir.join("toolgen.toml"), "[package]\nnmae = \"x\"\n");
    write(
        &dir.join("schemas/acme/ping.json"),
        r#"{"name": "ping", "inputSchema": {"type": "object"}}"#,
    );
    let output = toolgen_args(&["generate"], &dir);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("toolgen.toml:2:1"), "{stderr}");
    assert!(stderr.contains("unknown field `nmae`"), "{stderr}");
    assert!(!dir.join("generated").exists());
    let _ = fs::remove_dir_all(&dir);
}
