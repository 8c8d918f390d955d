//! `toolgen.toml`: what a maintainer sets once for the generated crate, beside `schemas/`.
//!
//! ```toml
//! schemas = "schemas"          # the tool definitions (default)
//! out = "generated"            # the generated crate (default)
//!
//! [package]                    # the generated crate's Cargo.toml
//! name = "workos-mcp"
//! version = "0.3.0"
//! description = "Typed client for WorkOS's MCP tools."
//! license = "Apache-2.0"
//! repository = "https://github.com/acme/workos-mcp"
//! publish = true
//!
//! [runtime]
//! mode = "shared"              # or "vendored": copy the runtime into the crate
//! path = "runtime"             # where toolgen-runtime lives (else: the registry)
//! ```
//!
//! Paths are relative to the file's folder. Parsing is pure; `load::read_config` reads the file.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::options::{EmitOptions, Package, Runtime};

/// The file name toolgen looks for in the current folder.
pub const FILE_NAME: &str = "toolgen.toml";

/// A parsed `toolgen.toml`, its paths resolved against its folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The schemas folder.
    pub schemas: PathBuf,
    /// The generated crate's folder.
    pub out: PathBuf,
    /// The crate's package name, if set.
    pub name: Option<String>,
    /// The crate's version, if set.
    pub version: Option<String>,
    /// The other package fields.
    pub package: Package,
    /// How the crate reaches the runtime.
    pub runtime: RuntimeChoice,
}

/// The `[runtime]` table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RuntimeChoice {
    /// Not set: the command line decides, else vendored.
    #[default]
    Unset,
    /// Copy the runtime in.
    Vendored,
    /// Depend on `toolgen-runtime`, from this folder (absolute, or relative to the current
    /// folder) or else from the registry.
    Shared(Option<PathBuf>),
}

impl RuntimeChoice {
    /// The emit option for a crate written to `out`: a runtime folder becomes a path relative
    /// to `out`, as `Cargo.toml` wants it.
    pub fn for_output(&self, out: &Path) -> Runtime {
        match self {
            Self::Unset | Self::Vendored => Runtime::Vendored,
            Self::Shared(None) => Runtime::Shared { path: None },
            Self::Shared(Some(dir)) => Runtime::Shared {
                path: Some(relative_path(out, dir)),
            },
        }
    }
}

impl Config {
    /// The defaults for a folder without `toolgen.toml`.
    pub fn defaults(dir: &Path) -> Self {
        Self {
            schemas: dir.join("schemas"),
            out: dir.join("generated"),
            name: None,
            version: None,
            package: Package::default(),
            runtime: RuntimeChoice::Unset,
        }
    }

    /// Parses the bytes of `file` (whose folder is `dir`).
    pub fn parse(file: &Path, dir: &Path, bytes: &[u8]) -> Result<Self, Diagnostics> {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| Diagnostic::new(file, "the file is not valid UTF-8"))?;
        let raw: RawConfig = toml::from_str(text).map_err(|err| {
            let message = err.message().trim_end().to_string();
            let mut diagnostic = Diagnostic::new(file, format!("invalid {FILE_NAME}: {message}"))
                .with_help(
                    "see the README's \"Publishing an SDK crate\" for the keys of toolgen.toml",
                );
            if let Some(span) = err.span() {
                let (line, column) = crate::locate::line_column(text, span.start);
                diagnostic = diagnostic.at_position(line, column);
            }
            Diagnostics::from(diagnostic)
        })?;
        let mut config = Self::defaults(dir);
        if let Some(schemas) = raw.schemas {
            config.schemas = dir.join(schemas);
        }
        if let Some(out) = raw.out {
            config.out = dir.join(out);
        }
        let package = raw.package.unwrap_or_default();
        config.name = package.name;
        config.version = package.version;
        if let Some(description) = package.description {
            config.package.description = description;
        }
        config.package.license = package.license;
        config.package.repository = package.repository;
        config.package.homepage = package.homepage;
        config.package.documentation = package.documentation;
        config.package.publish = package.publish.unwrap_or(false);
        config.runtime = match raw.runtime {
            None => RuntimeChoice::Unset,
            Some(RawRuntime {
                mode: Some(Mode::Vendored),
                path: Some(_),
            }) => {
                return Err(Diagnostic::new(
                    file,
                    "`runtime.path` names the toolgen-runtime crate, which a vendored runtime does not use",
                )
                .with_help("remove `path`, or set `mode = \"shared\"`")
                .into());
            }
            Some(RawRuntime {
                mode: Some(Mode::Vendored),
                path: None,
            }) => RuntimeChoice::Vendored,
            Some(RawRuntime { path, .. }) => RuntimeChoice::Shared(path.map(|p| dir.join(p))),
        };
        Ok(config)
    }

    /// The emit options this file asks for (crate name and version fall back to the defaults).
    pub fn emit_options(&self) -> EmitOptions {
        let mut options = EmitOptions::default();
        if let Some(name) = &self.name {
            options.crate_name = name.clone();
        }
        if let Some(version) = &self.version {
            options.crate_version = version.clone();
        }
        options.package = self.package.clone();
        options.runtime = self.runtime.for_output(&self.out);
        options
    }
}

/// `to` as a path relative to the folder `from` (both relative to the same folder, or both
/// absolute), with `/` separators, for `Cargo.toml`.
pub fn relative_path(from: &Path, to: &Path) -> String {
    let (from, to) = (absolute(from), absolute(to));
    pathdiff::diff_paths(&to, &from)
        .unwrap_or(to)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// `path` made absolute against the current folder and cleaned of `.` and `..`, lexically.
fn absolute(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    schemas: Option<PathBuf>,
    out: Option<PathBuf>,
    package: Option<RawPackage>,
    runtime: Option<RawRuntime>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPackage {
    name: Option<String>,
    version: Option<String>,
    description: Option<String>,
    license: Option<String>,
    repository: Option<String>,
    homepage: Option<String>,
    documentation: Option<String>,
    publish: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuntime {
    mode: Option<Mode>,
    path: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Mode {
    Shared,
    Vendored,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Diagnostics> {
        Config::parse(
            Path::new("toolgen.toml"),
            Path::new("/repo"),
            text.as_bytes(),
        )
    }

    #[test]
    fn a_full_file() {
        let config = parse(
            "out = \"sdk\"\n[package]\nname = \"acme-mcp\"\nversion = \"1.2.3\"\n\
             license = \"MIT\"\npublish = true\n[runtime]\npath = \"runtime\"\n",
        )
        .expect("parses");
        assert_eq!(config.out, Path::new("/repo/sdk"));
        assert_eq!(config.schemas, Path::new("/repo/schemas"));
        let options = config.emit_options();
        assert_eq!(options.crate_name, "acme-mcp");
        assert_eq!(options.crate_version, "1.2.3");
        assert_eq!(options.package.license.as_deref(), Some("MIT"));
        assert!(options.package.publish);
        assert_eq!(
            options.runtime,
            Runtime::Shared {
                path: Some("../runtime".to_string())
            }
        );
    }

    #[test]
    fn defaults_and_modes() {
        let config = parse("").expect("parses");
        assert_eq!(config.emit_options(), EmitOptions::default());
        assert_eq!(
            parse("[runtime]\nmode = \"shared\"\n")
                .expect("parses")
                .emit_options()
                .runtime,
            Runtime::Shared { path: None }
        );
        assert_eq!(
            parse("[runtime]\nmode = \"vendored\"\n")
                .expect("parses")
                .runtime,
            RuntimeChoice::Vendored
        );
    }

    #[test]
    fn mistakes_are_diagnostics_with_positions() {
        let err = parse("[package]\nnmae = \"x\"\n").expect_err("unknown key");
        let diagnostic = err.iter().next().expect("one");
        assert!(
            diagnostic.message.contains("nmae"),
            "{}",
            diagnostic.message
        );
        assert_eq!(diagnostic.position, Some((2, 1)));
        assert!(parse("[runtime]\nmode = \"copied\"\n").is_err());
        assert!(parse("[runtime]\nmode = \"vendored\"\npath = \"x\"\n").is_err());
        assert!(parse("[package]\npublish = \"yes\"\n").is_err());
    }

    #[test]
    fn relative_paths_for_cargo() {
        assert_eq!(
            relative_path(
                Path::new("/r/tests/fixtures/generated"),
                Path::new("/r/runtime")
            ),
            "../../../runtime"
        );
        assert_eq!(
            relative_path(Path::new("/r/./generated"), Path::new("/r/x/../runtime")),
            "../runtime"
        );
    }
}
