//! The real tool schemas in `../shared/corpora/tools` (2,781 tools from four sources): every one
//! generates without an error, and the generated code for the smaller providers compiles.
//!
//! These tests read the corpus in place. Without `../shared` they skip with a message, except
//! under `CI=true`, where CI always has it and its absence is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/tools");
    if dir.is_dir() {
        return Some(dir);
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(
        !in_ci,
        "CI must have ../shared/corpora/tools next to the checkout"
    );
    eprintln!("skipped: ../shared/corpora/tools is not there");
    None
}

#[test]
fn every_corpus_tool_generates_without_errors() {
    let Some(dir) = corpus() else { return };
    let output = toolgen::Generator::new(&dir)
        .run()
        .unwrap_or_else(|err| panic!("the corpus must generate without errors:\n{err}"));
    let tools = output
        .files
        .keys()
        .filter(|path| {
            !path.starts_with("src/runtime/")
                && !path.ends_with("/mod.rs")
                && !path.ends_with("/shared.rs")
                // The server side of each provider (feature `server`), `src/<provider>/server.rs`.
                && (!path.ends_with("/server.rs") || path.matches('/').count() != 2)
                && path.starts_with("src/")
                && path.matches('/').count() >= 2
        })
        .count();
    assert_eq!(tools, 2781, "one module per tool");
    // Every warning names its file and pointer; none of them drops a whole tool's types.
    for warning in &output.warnings {
        assert!(warning.pointer.is_some(), "{warning}");
        assert!(!warning.message.contains("open JSON object"), "{warning}");
    }
    eprintln!("{} tools, {} warnings", tools, output.warnings.len());
}

/// Generates `providers` of the corpus into `target/corpus-check/<name>` and checks that the crate
/// compiles with warnings denied.
fn check_compiles(name: &str, providers: &[&str]) {
    let Some(dir) = corpus() else { return };
    let work = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/corpus-check");
    let out = work.join(name);
    toolgen::Generator::new(&dir)
        .only_providers(providers.iter().copied())
        .crate_name(format!("corpus-{name}"))
        .write_to(&out)
        .unwrap_or_else(|err| panic!("{err}"));
    // The crate is its own workspace, so that it does not join this one.
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("manifest");
    if !manifest.contains("[workspace]") {
        std::fs::write(out.join("Cargo.toml"), format!("{manifest}\n[workspace]\n"))
            .expect("write");
    }
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--quiet", "--no-default-features", "--features"])
        .arg(providers.join(","))
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .status()
        .expect("run cargo check");
    assert!(
        status.success(),
        "the generated crate for {providers:?} does not compile cleanly"
    );
}

#[test]
fn smaller_corpus_providers_compile_with_warnings_denied() {
    check_compiles(
        "small",
        &["workos-derived", "cloudflare-remote-mcp", "livemcpbench"],
    );
}

/// cloudflare-api alone: 2,016 tools, about 435,000 lines; checked on its own so that it runs
/// beside the smaller providers.
#[test]
fn cloudflare_api_compiles_with_warnings_denied() {
    check_compiles("cloudflare", &["cloudflare-api"]);
}
