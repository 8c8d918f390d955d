//! The build step: regenerates the SDK from `schemas/` (as `toolgen.toml` configures it) and the
//! test fixtures from `tests/fixtures/schemas/` into `OUT_DIR`, through the generator library.
//!
//! It writes nothing outside `OUT_DIR` and reruns only when a schema or the generator changes.
//! `tests/freshness.rs` compares its output with the committed crates.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=toolgen.toml");
    let config = match toolgen::load::read_config(&root) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    let sdk = toolgen::Generator::new(&config.schemas).options(config.emit_options());
    // The fixtures crate lives in tests/fixtures/generated and shares the workspace's runtime.
    let fixtures_dir = root.join("tests/fixtures/generated");
    // As `toolgen generate --schemas tests/fixtures/schemas --out tests/fixtures/generated
    // --crate-name toolgen-fixtures` makes it: toolgen.toml's settings, with that name and output.
    let mut options = config.emit_options();
    options.crate_name = "toolgen-fixtures".to_string();
    options.runtime = config.runtime.for_output(&fixtures_dir);
    let fixtures = toolgen::Generator::new(root.join("tests/fixtures/schemas")).options(options);
    let jobs = [
        (sdk, "generated", "TOOLGEN_GENERATED"),
        (fixtures, "fixtures", "TOOLGEN_FIXTURES"),
    ];
    for (generator, dest, env) in jobs {
        let dest = out.join(dest);
        if let Err(err) = generator.emit_rerun_if_changed(true).write_to(&dest) {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
        println!("cargo:rustc-env={env}={}", dest.display());
    }
    ExitCode::SUCCESS
}
