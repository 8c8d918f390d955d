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
