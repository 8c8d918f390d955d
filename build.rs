//! The build step: regenerates the SDK from `schemas/` (and the test fixtures from
//! `tests/fixtures/schemas/`) into `OUT_DIR`, through the generator library.
//!
//! It writes nothing outside `OUT_DIR` and reruns only when a schema or the generator changes.
//! `tests/freshness.rs` compares its output with the committed crates.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    println!("cargo:rerun-if-changed=build.rs");
    let jobs = [
        ("schemas", "generated", "toolgen-sdk", "TOOLGEN_GENERATED"),
        (
            "tests/fixtures/schemas",
            "fixtures",
            "toolgen-fixtures",
            "TOOLGEN_FIXTURES",
        ),
    ];
    for (schemas, dest, crate_name, env) in jobs {
        let dest = out.join(dest);
        let result = toolgen::Generator::new(root.join(schemas))
            .crate_name(crate_name)
            .emit_rerun_if_changed(true)
            .write_to(&dest);
        if let Err(err) = result {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
        println!("cargo:rustc-env={env}={}", dest.display());
    }
    ExitCode::SUCCESS
}
