//! A maintainer's publishable SDK: `toolgen.toml` beside `schemas/` sets the crate's package
//! fields and a vendored runtime, `toolgen generate` run in that folder (paths from where the
//! user stands) writes the crate, and `cargo package` (which builds the packaged crate from
//! registry crates only) accepts it.

use std::path::Path;
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).expect("copy");
        }
    }
}

#[test]
fn a_vendored_sdk_crate_packages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&root.join("schemas"), &dir.path().join("schemas"));
    std::fs::write(
        dir.path().join("toolgen.toml"),
        "out = \"sdk\"\n\
         [package]\n\
         name = \"workos-mcp-sdk\"\n\
         version = \"1.4.0\"\n\
         description = \"Typed client for WorkOS's MCP tools.\"\n\
         license = \"Apache-2.0\"\n\
         repository = \"https://example.com/acme/workos-mcp-sdk\"\n\
         publish = true\n\
         [runtime]\n\
         mode = \"vendored\"\n",
    )
    .expect("write toolgen.toml");

    // No flags: toolgen.toml of the current folder decides everything.
    let generate = Command::new(env!("CARGO_BIN_EXE_toolgen"))
        .arg("generate")
        .current_dir(dir.path())
        .output()
        .expect("run toolgen");
    assert!(
        generate.status.success(),
        "{}",
        String::from_utf8_lossy(&generate.stderr)
    );
    let crate_dir = dir.path().join("sdk");
    let manifest = std::fs::read_to_string(crate_dir.join("Cargo.toml")).expect("manifest");
    for line in [
        "name = \"workos-mcp-sdk\"",
        "version = \"1.4.0\"",
        "license = \"Apache-2.0\"",
        "repository = \"https://example.com/acme/workos-mcp-sdk\"",
    ] {
        assert!(manifest.contains(line), "{line} missing from:\n{manifest}");
    }
    assert!(!manifest.contains("publish = false"), "{manifest}");
    assert!(
        !manifest.contains("toolgen-runtime"),
        "vendored: {manifest}"
    );
    assert!(crate_dir.join("src/runtime/mod.rs").is_file());

    let target = root.join("target/package-check");
    let package = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["package", "--allow-dirty"])
        .current_dir(&crate_dir)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("run cargo package");
    let stderr = String::from_utf8_lossy(&package.stderr);
    assert!(package.status.success(), "cargo package failed:\n{stderr}");
    assert!(
        target.join("package/workos-mcp-sdk-1.4.0.crate").is_file(),
        "{stderr}"
    );
}
