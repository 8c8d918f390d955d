//! Emit: turns the model into the generated crate's files, as token streams, parsed syntax and
//! text. No I/O.
//!
//! This file only orders the work; each kind of file has its own module:
//! - `files`: what emit hands on (`EmittedFile`, `Contents`, `Emitted`), imported by the rest;
//! - `crate_files`: `Cargo.toml` and `src/lib.rs`;
//! - `runtime_files`: the runtime's sources a vendored crate copies;
//! - `client`: a provider's `Client`, its accessors, and the namespace modules;
//! - `tool`: one tool's module (types, `validate()`, method);
//! - `server`: a provider's server side (feature `server`): its trait, tool table and dispatch;
//! - `shared`: a provider's shared module and the crate-wide one;
//! - `types`: a tool's types, through typify; `enums` and `locale`: the string and locale enums;
//! - `wire`: compact serde code; `paths`: how generated paths reach the runtime; `layout`: one
//!   file per provider for a build script.

mod client;
mod crate_files;
mod enums;
mod examples;
mod files;
mod layout;
mod locale;
mod paths;
mod runtime_files;
mod server;
mod shared;
mod tool;
mod types;
mod wire;

pub use self::files::{Contents, Emitted, EmittedFile};
pub use self::paths::RUNTIME_CRATE;
pub use crate::options::{EmitOptions, Layout, Package, Runtime};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Model, Namespace};

use self::files::{Dependencies, rust};

/// Every file of the generated crate, sorted by path.
pub fn emit(model: &Model, options: &EmitOptions) -> Result<Emitted, Diagnostics> {
    let (emitted, diagnostics) = emit_partial(model, options);
    diagnostics.into_result(emitted)
}

/// Like [`emit`], but keeps the files of the tools that did emit next to the problems of those
/// that did not, for reports.
pub fn emit_partial(model: &Model, options: &EmitOptions) -> (Emitted, Diagnostics) {
    let (mut files, warnings, diagnostics) = emit_each(model, options, |file| file);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    (Emitted { files, warnings }, diagnostics)
}

/// Emits every file of the crate and hands each to `each` as soon as it is made, returning what
/// `each` returned (in emission order), the warnings, and the problems. A caller that renders in
/// `each` holds only one file's tokens at a time: the tokens of a large tool set take several
/// times the memory of its text, and a heap that large slows every allocation down.
pub fn emit_each<T>(
    model: &Model,
    options: &EmitOptions,
    mut each: impl FnMut(EmittedFile) -> T,
) -> (Vec<T>, Vec<Diagnostic>, Diagnostics) {
    match options.layout {
        Layout::Crate => {
            let routes = paths::Routes::new(&options.runtime);
            all_files(model, options, |file| each(route_file(file, &routes)))
        }
        Layout::Modules => {
            let (files, warnings, diagnostics) = all_files(model, options, |file| file);
            let files = layout::provider_files(model, files);
            (files.into_iter().map(each).collect(), warnings, diagnostics)
        }
    }
}

/// A Rust file with its paths routed (see [`paths`]); other files as they are.
fn route_file(file: EmittedFile, routes: &paths::Routes) -> EmittedFile {
    if routes.is_identity() {
        return file;
    }
    let contents = match file.contents {
        Contents::Rust(tokens) => match syn::parse2::<syn::File>(tokens.clone()) {
            Ok(parsed) => Contents::Parsed(Box::new(parsed)),
            // A generator bug; render reports it for the file.
            Err(_) => Contents::Rust(tokens),
        },
        other => other,
    };
    let contents = match contents {
        Contents::Parsed(mut parsed) => {
            routes.apply(&mut parsed);
            Contents::Parsed(parsed)
        }
        other => other,
    };
    EmittedFile { contents, ..file }
}

/// Every file of the crate layout, each handed to `each` as soon as it is made.
fn all_files<T>(
    model: &Model,
    options: &EmitOptions,
    mut each: impl FnMut(EmittedFile) -> T,
) -> (Vec<T>, Vec<Diagnostic>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let mut files = Vec::new();
    let mut uses = Dependencies::default();
    let mut warnings = Vec::new();

    for provider in &model.providers {
        // A provider's overlay may name its documentation site; it wins over the global one.
        let mut provider_options = options.clone();
        if let Some(url) = &provider.docs_base_url {
            provider_options.docs.base_url = Some(url.clone());
        }
        let options = &provider_options;
        let base = format!("src/{}", provider.module);
        files.push(each(rust(
            format!("{base}/mod.rs"),
            client::provider_module(provider),
            Vec::new(),
        )));
        files.push(each(rust(
            format!("{base}/{}.rs", server::SERVER_MODULE),
            server::server_module(provider, &options.docs),
            Vec::new(),
        )));
        match shared::shared_module(provider, options) {
            Ok((tokens, used, shared_warnings)) => {
                uses.merge(used);
                warnings.extend(shared_warnings);
                files.push(each(rust(
                    format!("{base}/{}.rs", provider.shared_module),
                    tokens,
                    shared::shared_sources(provider),
                )));
            }
            Err(diagnostic) => diagnostics.push(*diagnostic),
        }
        for namespace in provider.root.all_namespaces() {
            let dir = namespace_dir(&base, namespace);
            if !namespace.path.is_empty() {
                files.push(each(rust(
                    format!("{dir}/mod.rs"),
                    client::namespace_module(namespace),
                    Vec::new(),
                )));
            }
            for op in &namespace.operations {
                match tool::tool_module(provider, namespace, op, options) {
                    Ok((contents, used, tool_warnings)) => {
                        uses.merge(used);
                        warnings.extend(tool_warnings);
                        files.push(each(EmittedFile {
                            path: format!("{dir}/{}.rs", op.module),
                            contents,
                            sources: vec![op.tool.origin.file.clone()],
                        }));
                    }
                    Err(diagnostic) => diagnostics.push(*diagnostic),
                }
            }
        }
    }
    if let Some(tokens) = shared::crate_shared_module(model, options) {
        let path = format!("src/{}.rs", crate::model::CRATE_SHARED_MODULE);
        files.push(each(rust(path, tokens, Vec::new())));
    }
    files.push(each(rust(
        "src/lib.rs".to_string(),
        crate_files::lib_rs(model, &options.runtime),
        Vec::new(),
    )));
    files.push(each(EmittedFile {
        path: "Cargo.toml".to_string(),
        contents: Contents::Text(crate_files::cargo_toml(model, options, &uses)),
        sources: Vec::new(),
    }));
    if options.runtime == Runtime::Vendored {
        for (name, text) in runtime_files::RUNTIME {
            files.push(each(EmittedFile {
                path: format!("src/runtime/{name}"),
                contents: Contents::Text((*text).to_string()),
                sources: Vec::new(),
            }));
        }
    }
    (files, warnings, diagnostics)
}

/// The folder of a namespace's files: the provider's `base` and one folder per module below it.
fn namespace_dir(base: &str, namespace: &Namespace) -> String {
    std::iter::once(base.to_string())
        .chain(namespace.modules.iter().cloned())
        .collect::<Vec<_>>()
        .join("/")
}
