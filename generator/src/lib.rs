//! toolgen turns MCP tool definitions (JSON Schema) into a typed, documented Rust SDK crate.
//!
//! The pipeline has one stage per module: [`load`] (files → tools) → [`normalize`] (each schema
//! into the subset the type stage handles, run by the model) → [`model`] (tools → plain, ordered
//! IR) → [`check`] (what the model could not apply, as errors) → [`emit`] (IR → tokens) →
//! [`render`] (tokens → text) → [`write`](mod@write) (text → files). Only the two ends touch the
//! file system. [`Generator`] runs it, from the CLI or a `build.rs`:
//!
//! An application's `build.rs` writes one file per provider into `OUT_DIR` with [`Builder`]:
//!
//! ```no_run
//! fn main() -> Result<(), toolgen::Error> {
//!     toolgen::Builder::new("schemas").compile()
//! }
//! ```
//!
//! and includes it with `toolgen_runtime::include_sdk!("workos")` in any module. A maintainer's
//! committed crate comes from [`Generator`] (the `toolgen generate` command), configured by
//! `toolgen.toml` ([`config`]).

pub mod check;
pub mod cldr;
pub mod config;
pub mod conformance;
pub mod diagnostics;
pub mod diff;
pub mod docs;
pub mod emit;
pub mod keywords;
pub mod load;
pub mod locate;
pub mod metaschema;
pub mod model;
pub mod naming;
pub mod normalize;
pub mod options;
pub mod overlay;
#[cfg(feature = "pull")]
pub mod pull;
pub mod renames;
pub mod render;
pub mod report;
pub mod synth;
pub mod tool;
mod uri;
pub mod write;

use std::path::{Path, PathBuf};

pub use crate::diagnostics::{Diagnostic, Diagnostics, Sources};
pub use crate::options::{EmitOptions, Layout, Package, Runtime};
pub use crate::render::Rendered;
pub use crate::write::WriteReport;

/// Runs the pipeline on one schemas folder.
#[derive(Debug, Clone)]
pub struct Generator {
    schemas: PathBuf,
    options: emit::EmitOptions,
    rerun_if_changed: bool,
    providers: Option<Vec<String>>,
}

impl Generator {
    /// A generator for the tool definitions under `schemas` (one sub-folder per provider).
    pub fn new(schemas: impl Into<PathBuf>) -> Self {
        Self {
            schemas: schemas.into(),
            options: emit::EmitOptions::default(),
            rerun_if_changed: false,
            providers: None,
        }
    }

    /// Sets the package name of the generated crate (default `toolgen-sdk`).
    pub fn crate_name(mut self, name: impl Into<String>) -> Self {
        self.options.crate_name = name.into();
        self
    }

    /// Sets the package version of the generated crate (default `0.1.0`).
    pub fn crate_version(mut self, version: impl Into<String>) -> Self {
        self.options.crate_version = version.into();
        self
    }

    /// Sets how the generated crate reaches the runtime (default: vendored, a crate that stands
    /// alone).
    pub fn runtime(mut self, runtime: Runtime) -> Self {
        self.options.runtime = runtime;
        self
    }

    /// Sets the generated crate's other `[package]` fields.
    pub fn package(mut self, package: Package) -> Self {
        self.options.package = package;
        self
    }

    /// Sets the layout: a crate, or one file of inline modules per provider.
    pub fn layout(mut self, layout: Layout) -> Self {
        self.options.layout = layout;
        self
    }

    /// Sets every emit option at once (as [`config::Config::emit_options`] gives them).
    pub fn options(mut self, options: EmitOptions) -> Self {
        self.options = options;
        self
    }

    /// Prints `cargo:rerun-if-changed` for the schemas folder, for use in a `build.rs`.
    pub fn emit_rerun_if_changed(mut self, on: bool) -> Self {
        self.rerun_if_changed = on;
        self
    }

    /// Generates only the providers (folder names) listed, instead of all of them.
    pub fn only_providers<I, S>(mut self, providers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.providers = Some(providers.into_iter().map(Into::into).collect());
        self
    }

    /// The schemas folder.
    pub fn schemas(&self) -> &Path {
        &self.schemas
    }

    /// Runs load → model → emit → render and returns the crate as text, touching no file.
    pub fn render(&self) -> Result<Rendered, Diagnostics> {
        self.run().map(|output| output.files)
    }

    /// Like [`Generator::render`], with the warnings and figures of the run.
    pub fn run(&self) -> Result<Output, Diagnostics> {
        if self.rerun_if_changed {
            // Cargo watches every file below a folder named here, so added files count too.
            println!("cargo:rerun-if-changed={}", self.schemas.display());
        }
        let (files, problems) = load::read(&self.schemas);
        let sources = load::sources_of(&files);
        let mut tools = load::load_sources(files, problems).map_err(|d| d.under(&self.schemas))?;
        if let Some(only) = &self.providers {
            tools.retain(|tool| only.contains(&tool.provider));
        }
        // A provider written as one file for the build step must stand alone: locale enums
        // are shared within a provider only.
        let model_options = model::ModelOptions {
            share_across_providers: self.options.layout == Layout::Crate,
            ..model::ModelOptions::default()
        };
        let model = model::build_with(&tools, &model_options);
        let mut output = from_model(&model, &self.options)
            .map_err(|d| d.with_sources(sources.clone()).under(&self.schemas))?;
        for warning in &mut output.warnings {
            if warning.file.is_relative() {
                warning.file = self.schemas.join(&warning.file);
            }
        }
        output.sources = sources.under(&self.schemas);
        Ok(output)
    }

    /// Renders the crate, then writes it under `out`. On any problem nothing is written.
    pub fn write_to(&self, out: impl AsRef<Path>) -> Result<WriteReport, Error> {
        let output = self.run().map_err(Error::Input)?;
        let out = out.as_ref();
        let mut report = write::write(out, &output.files).map_err(|source| Error::Write {
            path: out.to_path_buf(),
            source,
        })?;
        report.warnings = output.warnings;
        report.sources = output.sources;
        Ok(report)
    }
}

/// The build-script API, in the style of prost-build: writes one file per provider into
/// `OUT_DIR/toolgen/` (`<module>.rs`, holding `pub mod <module> { ... }`), which the application
/// includes with `toolgen_runtime::include_sdk!("<module>")` (or a plain `include!`) in any
/// module. The code reaches the runtime as `::toolgen_runtime`, so the application depends on
/// `toolgen-runtime` and nothing else.
///
/// Cargo reruns the script when a file under the schemas folder is added, changed or removed.
/// Problems in the schemas fail the build with rustc-style diagnostics: return the
/// [`Error`] from `main`, whose `Debug` is the rendered report.
#[derive(Debug, Clone)]
pub struct Builder {
    schemas: PathBuf,
    out_dir: Option<PathBuf>,
    providers: Option<Vec<String>>,
    docs: docs::DocOptions,
}

impl Builder {
    /// A builder for the tool definitions under `schemas` (relative to the package's folder,
    /// where cargo runs build scripts).
    pub fn new(schemas: impl Into<PathBuf>) -> Self {
        Self {
            schemas: schemas.into(),
            out_dir: None,
            providers: None,
            docs: docs::DocOptions::default(),
        }
    }

    /// Writes into `dir` instead of `$OUT_DIR/toolgen`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Generates only the providers (folder names) listed.
    pub fn only_providers<I, S>(mut self, providers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.providers = Some(providers.into_iter().map(Into::into).collect());
        self
    }

    /// Runs the pipeline and writes the files; prints the schema warnings as cargo warnings.
    pub fn compile(&self) -> Result<(), Error> {
        let out = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => PathBuf::from(std::env::var_os("OUT_DIR").ok_or_else(|| Error::Write {
                path: PathBuf::from("$OUT_DIR"),
                source: std::io::Error::other(
                    "OUT_DIR is not set: run from a build script, or set Builder::out_dir",
                ),
            })?)
            .join("toolgen"),
        };
        let mut generator = Generator::new(&self.schemas)
            .layout(Layout::Modules)
            .runtime(Runtime::Shared { path: None })
            .emit_rerun_if_changed(true);
        generator.options.docs = self.docs.clone();
        generator.providers = self.providers.clone();
        let report = generator.write_to(&out)?;
        for warning in &report.warnings {
            // One line each: cargo shows `warning:` lines of path dependencies and packages.
            let text = warning.to_string().replace('\n', " ");
            println!("cargo::warning={text}");
        }
        Ok(())
    }
}

/// Runs emit → render on a model built by the caller (for tools that are not read from files,
/// such as the conformance suite's).
pub fn from_model(
    model: &model::Model,
    options: &emit::EmitOptions,
) -> Result<Output, Diagnostics> {
    let unapplied = check::check(model);
    if !unapplied.is_empty() {
        let mut problems = Diagnostics::default();
        unapplied.into_iter().for_each(|d| problems.push(d));
        return problems.into_result(Output {
            files: Rendered::default(),
            warnings: Vec::new(),
            sources: Sources::default(),
        });
    }
    // Each file is rendered as soon as it is emitted, so only its own tokens are ever held.
    let (files, emit_warnings, problems) = emit::emit_each(model, options, render::render_file);
    problems.into_result(())?;
    let mut warnings = Vec::new();
    for provider in &model.providers {
        for op in provider.root.all_operations() {
            for note in &op.notes {
                warnings.push(
                    op.tool
                        .origin
                        .diagnostic(&note.pointer, note.message.clone())
                        .warning(),
                );
            }
        }
    }
    warnings.extend(emit_warnings.into_iter().map(Diagnostic::warning));
    let mut problems = Diagnostics::default();
    let mut rendered = Rendered::new();
    for file in files {
        match file {
            Ok((path, text)) => {
                rendered.insert(path, text);
            }
            Err(diagnostic) => problems.push(*diagnostic),
        }
    }
    let files = problems.into_result(rendered)?;
    Ok(Output {
        files,
        warnings,
        sources: Sources::default(),
    })
}

/// A successful run: the crate as text, and what the schemas made the generator give up.
#[derive(Debug, Clone)]
pub struct Output {
    /// Path inside the crate → contents.
    pub files: Rendered,
    /// Schema parts that were typed more loosely than written, each with file and pointer.
    pub warnings: Vec<Diagnostic>,
    /// The text of the files read, for rendering the warnings with snippets.
    pub sources: Sources,
}

/// Why a run failed. Its `Debug` is the rendered report, as `Display`, so that a build script
/// whose `main` returns it shows the diagnostics.
pub enum Error {
    /// The input has problems; each names its file and JSON pointer.
    Input(Diagnostics),
    /// The output could not be written.
    Write {
        /// The output folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Input(diagnostics) => diagnostics.fmt(f),
            Self::Write { path, source } => {
                write!(f, "error: cannot write {}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Input(diagnostics) => Some(diagnostics),
            Self::Write { source, .. } => Some(source),
        }
    }
}
