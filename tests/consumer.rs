//! An application crate outside the workspace's members (`tests/consumer/`, with its own
//! `Cargo.toml`, lock file and `schemas/`), as a user would write it: its `build.rs` runs
//! `toolgen::Builder`, its code `include_sdk!`s the result and also uses the separately
//! generated fixtures crate, and its tests call both against echo servers on 127.0.0.1. This test
//! builds it and runs its tests, so `cargo test --workspace` proves the build-step mode.

use std::path::Path;
use std::process::Command;

#[test]
fn the_consumer_crate_builds_and_its_tests_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let consumer = root.join("tests/consumer");
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["test", "--locked", "--manifest-path"])
        .arg(consumer.join("Cargo.toml"))
        // Its own target folder: this test's cargo holds the workspace's.
        .env("CARGO_TARGET_DIR", root.join("target/consumer"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("run cargo");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the consumer crate failed:\n{stdout}\n{stderr}"
    );
    // Its three tests ran (an empty run would also succeed).
    assert!(
        stdout.contains("test result: ok. 3 passed"),
        "the consumer's tests did not all run:\n{stdout}"
    );
}

/// A schema mistake in an application's `schemas/` fails its build, and cargo's output shows the
/// rustc-style diagnostic: the file, line and column, and what is wrong. Nothing panics.
#[test]
fn a_schema_error_fails_the_application_build_with_a_diagnostic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let app = root.join("target/consumer-broken");
    let _ = std::fs::remove_dir_all(&app);
    std::fs::create_dir_all(app.join("src")).expect("mkdir");
    std::fs::create_dir_all(app.join("schemas/acme")).expect("mkdir");
    let path = |dir: &str| root.join(dir).display().to_string().replace('\\', "/");
    std::fs::write(
        app.join("Cargo.toml"),
        format!(
            "[package]\nname = \"broken-app\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
             publish = false\n[workspace]\n\
             [dependencies]\ntoolgen-runtime = {{ path = {:?} }}\n\
             [build-dependencies]\ntoolgen = {{ path = {:?}, default-features = false }}\n",
            path("runtime"),
            path("generator"),
        ),
    )
    .expect("manifest");
    // The consumer's lock file: the same versions, so nothing new is resolved.
    std::fs::copy(
        root.join("tests/consumer/Cargo.lock"),
        app.join("Cargo.lock"),
    )
    .expect("lock");
    std::fs::copy(root.join("tests/consumer/build.rs"), app.join("build.rs")).expect("build.rs");
    std::fs::write(
        app.join("src/lib.rs"),
        "//! An application with a broken schema.\ntoolgen_runtime::include_sdk!(\"acme\");\n",
    )
    .expect("lib.rs");
    std::fs::write(
        app.join("schemas/acme/bad.json"),
        "{\n  \"name\": \"bad\",\n  \"inputSchema\": {\"type\": \"object\",}\n}\n",
    )
    .expect("schema");
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--manifest-path"])
        .arg(app.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", root.join("target/consumer"))
        .output()
        .expect("run cargo");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "a broken schema must fail the build"
    );
    assert!(stderr.contains("malformed JSON"), "{stderr}");
    assert!(stderr.contains("acme/bad.json:3:"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
