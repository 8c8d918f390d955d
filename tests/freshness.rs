//! The committed crates equal what the build step generates, and the build step's output is
//! what compiles: `generated/` is a dependency of these tests, so equal bytes mean it built.
//!
//! Like rust-analyzer's `ensure_file_contents`: when a committed crate is stale, the test
//! rewrites it locally and fails with the command to run; under `CI=true` it only fails.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file below `dir`, relative path → bytes, skipping `target/` and hidden entries.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name == "target" || name == "Cargo.lock" {
                continue;
            }
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else if let Ok(bytes) = fs::read(&path) {
                let rel = path.strip_prefix(base).unwrap_or(&path);
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(rel, bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn ensure_fresh(built: &str, committed: &str, command: &str) {
    let built = tree(Path::new(built));
    let committed_dir = root().join(committed);
    let current = tree(&committed_dir);
    assert!(!built.is_empty(), "the build step wrote nothing");
    let differing: Vec<&String> = built
        .keys()
        .chain(current.keys())
        .filter(|path| built.get(*path) != current.get(*path))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if differing.is_empty() {
        return;
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    if !in_ci {
        let rendered: BTreeMap<String, String> = built
            .iter()
            .map(|(path, bytes)| (path.clone(), String::from_utf8_lossy(bytes).into_owned()))
            .collect();
        toolgen::write::write(&committed_dir, &rendered).expect("rewrite the stale crate");
    }
    panic!(
        "{committed}/ is stale ({} file(s) differ: {differing:?}).\n{}Run `{command}` and commit the result.",
        differing.len(),
        if in_ci {
            ""
        } else {
            "It has been updated in place. "
        },
    );
}

#[test]
fn generated_crate_matches_the_build_step() {
    ensure_fresh(
        toolgen_workspace::GENERATED_BY_BUILD,
        "generated",
        "cargo run -p toolgen -- generate",
    );
}

#[test]
fn fixture_crate_matches_the_build_step() {
    ensure_fresh(
        toolgen_workspace::FIXTURES_BY_BUILD,
        "tests/fixtures/generated",
        "cargo run -p toolgen -- generate --schemas tests/fixtures/schemas --out tests/fixtures/generated --crate-name toolgen-fixtures",
    );
}

#[test]
fn conformance_sdk_matches_its_schemas() {
    // As the command below makes it: toolgen.toml's settings, with that name and output.
    let config = toolgen::load::read_config(&root()).expect("toolgen.toml");
    let mut options = config.emit_options();
    options.crate_name = "toolgen-conformance-sdk".to_string();
    options.runtime = config
        .runtime
        .for_output(&root().join("tests/conformance/generated"));
    let rendered = toolgen::Generator::new(root().join("tests/conformance/schemas"))
        .options(options)
        .render()
        .expect("the conformance schemas generate");
    let built = Path::new(env!("CARGO_TARGET_TMPDIR")).join("conformance-sdk");
    toolgen::write::write(&built, &rendered).expect("write the conformance SDK");
    ensure_fresh(
        built.to_str().expect("a UTF-8 path"),
        "tests/conformance/generated",
        "cargo run -p toolgen -- generate --schemas tests/conformance/schemas --out tests/conformance/generated --crate-name toolgen-conformance-sdk",
    );
}

#[test]
fn generating_twice_gives_identical_bytes() {
    let generator = toolgen::Generator::new(root().join("schemas"));
    let first = generator.render().expect("the schemas generate");
    let second = generator.render().expect("the schemas generate");
    assert_eq!(first, second);
    let fixtures = toolgen::Generator::new(root().join("tests/fixtures/schemas"));
    assert_eq!(
        fixtures.render().expect("fixtures"),
        fixtures.render().expect("fixtures")
    );
}

#[test]
fn every_generated_file_has_the_header() {
    for (path, text) in toolgen::Generator::new(root().join("schemas"))
        .render()
        .expect("generate")
    {
        let first = text.lines().next().unwrap_or_default();
        assert!(first.contains("@generated"), "{path} starts with {first:?}");
    }
}

#[test]
fn exactly_one_locale_with_all_ninety_values() {
    let rendered = toolgen::Generator::new(root().join("schemas"))
        .render()
        .expect("generate");
    let definitions: Vec<&String> = rendered
        .iter()
        .filter(|(_, text)| text.contains("pub enum Locale {"))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(definitions.len(), 1, "Locale is defined in {definitions:?}");
    assert_eq!(
        toolgen_sdk::workos::user_management::invitations::create::Locale::ALL.len(),
        90
    );
}

/// Copies a schemas folder to a fresh scratch folder.
fn copy_tree(from: &Path, to: &Path) {
    for (rel, bytes) in tree(from) {
        let dest = to.join(rel);
        fs::create_dir_all(dest.parent().expect("a parent")).expect("create folders");
        fs::write(dest, bytes).expect("copy");
    }
}

#[test]
fn editing_one_schema_changes_only_the_files_derived_from_it() {
    let scratch = std::env::temp_dir().join(format!("toolgen-edit-{}", std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    copy_tree(&root().join("tests/fixtures/schemas"), &scratch);
    let before = toolgen::Generator::new(&scratch)
        .render()
        .expect("generate");

    let file = scratch.join("shared_enums/orders.list.json");
    let text = fs::read_to_string(&file).expect("read");
    let edited = text.replace(
        "At most this many orders.",
        "At most this many orders, newest first.",
    );
    assert_ne!(text, edited);
    fs::write(&file, edited).expect("edit");
    let after = toolgen::Generator::new(&scratch)
        .render()
        .expect("generate");
    let _ = fs::remove_dir_all(&scratch);

    let changed: Vec<&String> = after
        .keys()
        .filter(|path| before.get(*path) != after.get(*path))
        .collect();
    assert_eq!(changed, ["src/shared_enums/orders/list.rs"]);
    assert_eq!(before.len(), after.len());
}
