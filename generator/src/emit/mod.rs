//! Emit: turns the model into the generated crate's files, as token streams, parsed syntax and
//! text. No I/O.

mod enums;
mod layout;
mod locale;
mod paths;
mod types;
mod wire;

pub use self::paths::RUNTIME_CRATE;
pub use crate::options::{EmitOptions, Layout, Package, Runtime};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::diagnostics::Diagnostics;
use crate::docs::{self, DocOptions};
use crate::model::{Model, Namespace, Operation, Provider};

/// The runtime's sources (the `toolgen-runtime` crate), copied into a vendored crate: its
/// `lib.rs` becomes `src/runtime/mod.rs`, and its sub-folders (`oauth/`, `rmcp_transport/`)
/// sub-folders of `src/runtime/`. Every file of `runtime/src` is listed.
const RUNTIME: &[(&str, &str)] = &[
    ("mod.rs", include_str!("../../../runtime/src/lib.rs")),
    ("client.rs", include_str!("../../../runtime/src/client.rs")),
    ("enums.rs", include_str!("../../../runtime/src/enums.rs")),
    ("error.rs", include_str!("../../../runtime/src/error.rs")),
    ("locale.rs", include_str!("../../../runtime/src/locale.rs")),
    ("memory.rs", include_str!("../../../runtime/src/memory.rs")),
    (
        "nullable.rs",
        include_str!("../../../runtime/src/nullable.rs"),
    ),
    (
        "oauth/config.rs",
        include_str!("../../../runtime/src/oauth/config.rs"),
    ),
    (
        "oauth/failure.rs",
        include_str!("../../../runtime/src/oauth/failure.rs"),
    ),
    (
        "oauth/file_store.rs",
        include_str!("../../../runtime/src/oauth/file_store.rs"),
    ),
    (
        "oauth/flows.rs",
        include_str!("../../../runtime/src/oauth/flows.rs"),
    ),
    (
        "oauth/mod.rs",
        include_str!("../../../runtime/src/oauth/mod.rs"),
    ),
    (
        "oauth/prompt.rs",
        include_str!("../../../runtime/src/oauth/prompt.rs"),
    ),
    (
        "oauth/session_auth.rs",
        include_str!("../../../runtime/src/oauth/session_auth.rs"),
    ),
    (
        "oauth/store.rs",
        include_str!("../../../runtime/src/oauth/store.rs"),
    ),
    (
        "oauth/store_adapter.rs",
        include_str!("../../../runtime/src/oauth/store_adapter.rs"),
    ),
    ("output.rs", include_str!("../../../runtime/src/output.rs")),
    ("retry.rs", include_str!("../../../runtime/src/retry.rs")),
    (
        "rmcp_transport/calls.rs",
        include_str!("../../../runtime/src/rmcp_transport/calls.rs"),
    ),
    (
        "rmcp_transport/errors.rs",
        include_str!("../../../runtime/src/rmcp_transport/errors.rs"),
    ),
    (
        "rmcp_transport/handshake.rs",
        include_str!("../../../runtime/src/rmcp_transport/handshake.rs"),
    ),
    (
        "rmcp_transport/http.rs",
        include_str!("../../../runtime/src/rmcp_transport/http.rs"),
    ),
    (
        "rmcp_transport/mod.rs",
        include_str!("../../../runtime/src/rmcp_transport/mod.rs"),
    ),
    (
        "rmcp_transport/options.rs",
        include_str!("../../../runtime/src/rmcp_transport/options.rs"),
    ),
    (
        "rmcp_transport/stdio.rs",
        include_str!("../../../runtime/src/rmcp_transport/stdio.rs"),
    ),
    ("secret.rs", include_str!("../../../runtime/src/secret.rs")),
    (
        "session.rs",
        include_str!("../../../runtime/src/session.rs"),
    ),
    (
        "transport.rs",
        include_str!("../../../runtime/src/transport.rs"),
    ),
    (
        "validate.rs",
        include_str!("../../../runtime/src/validate.rs"),
    ),
    ("wire.rs", include_str!("../../../runtime/src/wire.rs")),
];

/// One file of the generated crate, before formatting.
#[derive(Debug, Clone)]
pub struct EmittedFile {
    /// The path inside the crate, with `/` separators.
    pub path: String,
    /// The contents.
    pub contents: Contents,
    /// The schema files it is derived from (relative to the schemas root), for its header.
    pub sources: Vec<String>,
}

/// What emit produces: the files, and warnings about schemas that could not be typed as written.
#[derive(Debug, Clone)]
pub struct Emitted {
    /// Every file of the crate, sorted by path.
    pub files: Vec<EmittedFile>,
    /// Parts of schemas given a looser type than they ask for, each with file and pointer.
    pub warnings: Vec<crate::diagnostics::Diagnostic>,
}

/// The contents of an emitted file.
#[derive(Clone)]
pub enum Contents {
    /// Rust items, formatted by the render stage.
    Rust(TokenStream),
    /// Rust items already parsed (a tool module, whose types come parsed from typify),
    /// formatted by the render stage.
    Parsed(Box<syn::File>),
    /// Text written as is: the runtime sources and `Cargo.toml`.
    Text(String),
}

impl std::fmt::Debug for Contents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Rust(tokens) => f.debug_tuple("Rust").field(tokens).finish(),
            // syn's syntax trees implement `Debug` only with a feature the generator does not use.
            Self::Parsed(file) => f
                .debug_tuple("Parsed")
                .field(&format_args!("{} items", file.items.len()))
                .finish(),
            Self::Text(text) => f.debug_tuple("Text").field(text).finish(),
        }
    }
}

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
) -> (Vec<T>, Vec<crate::diagnostics::Diagnostic>, Diagnostics) {
    match options.layout {
        Layout::Crate => {
            let routes = paths::Routes::new(&options.runtime);
            crate_files(model, options, |file| each(route_file(file, &routes)))
        }
        Layout::Modules => {
            let (files, warnings, diagnostics) = crate_files(model, options, |file| file);
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
fn crate_files<T>(
    model: &Model,
    options: &EmitOptions,
    mut each: impl FnMut(EmittedFile) -> T,
) -> (Vec<T>, Vec<crate::diagnostics::Diagnostic>, Diagnostics) {
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
            provider_module(provider),
            Vec::new(),
        )));
        match shared_module(provider, options) {
            Ok((tokens, used, shared_warnings)) => {
                uses.merge(used);
                warnings.extend(shared_warnings);
                files.push(each(rust(
                    format!("{base}/{}.rs", provider.shared_module),
                    tokens,
                    shared_sources(provider),
                )));
            }
            Err(diagnostic) => diagnostics.push(*diagnostic),
        }
        for namespace in provider.root.all_namespaces() {
            let dir = namespace_dir(&base, namespace);
            if !namespace.path.is_empty() {
                files.push(each(rust(
                    format!("{dir}/mod.rs"),
                    namespace_module(namespace),
                    Vec::new(),
                )));
            }
            for op in &namespace.operations {
                match tool_module(provider, namespace, op, options) {
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
    if !model.crate_enums.is_empty() {
        let module = format_ident!("{}", crate::model::CRATE_SHARED_MODULE);
        let tables = model.crate_locale_data.as_ref().map(|data| locale::Tables {
            data,
            module: quote!(crate::#module),
        });
        let enums = model
            .crate_enums
            .iter()
            .map(|e| enums::string_enum(&e.ty, true, &options.docs, tables.as_ref()));
        let data = model.crate_locale_data.as_ref().map(locale::data);
        let tokens = quote! {
            #![doc = "Locale enums that several providers repeat exactly, shared by all of them."]
            #(#enums)*
            #data
        };
        let path = format!("src/{}.rs", crate::model::CRATE_SHARED_MODULE);
        files.push(each(rust(path, tokens, Vec::new())));
    }
    files.push(each(rust(
        "src/lib.rs".to_string(),
        lib_rs(model, &options.runtime),
        Vec::new(),
    )));
    files.push(each(EmittedFile {
        path: "Cargo.toml".to_string(),
        contents: Contents::Text(cargo_toml(model, options, &uses)),
        sources: Vec::new(),
    }));
    if options.runtime == Runtime::Vendored {
        for (name, text) in RUNTIME {
            files.push(each(EmittedFile {
                path: format!("src/runtime/{name}"),
                contents: Contents::Text((*text).to_string()),
                sources: Vec::new(),
            }));
        }
    }
    (files, warnings, diagnostics)
}

fn rust(path: String, tokens: TokenStream, sources: Vec<String>) -> EmittedFile {
    EmittedFile {
        path,
        contents: Contents::Rust(tokens),
        sources,
    }
}

fn namespace_dir(base: &str, namespace: &Namespace) -> String {
    std::iter::once(base.to_string())
        .chain(namespace.modules.iter().cloned())
        .collect::<Vec<_>>()
        .join("/")
}

fn shared_sources(provider: &Provider) -> Vec<String> {
    let mut sources: Vec<String> = provider
        .root
        .all_operations()
        .into_iter()
        .filter(|op| !op.shared_enums.is_empty() || !op.shared_objects.is_empty())
        .map(|op| op.tool.origin.file.clone())
        .collect();
    sources.sort();
    sources.dedup();
    sources
}

/// Optional crates that typify's output may need.
#[derive(Debug, Default, Clone, Copy)]
struct Dependencies {
    chrono: bool,
    uuid: bool,
}

impl Dependencies {
    fn merge(&mut self, other: Self) {
        self.chrono |= other.chrono;
        self.uuid |= other.uuid;
    }

    fn scan(items: &TokenStream) -> Self {
        let text = items.to_string();
        Self {
            chrono: text.contains(":: chrono ::"),
            uuid: text.contains(":: uuid ::"),
        }
    }
}

/// `crate::<provider>::<Accessor>`, the type whose methods a namespace's tools become.
fn accessor_path(provider: &Provider, namespace: &Namespace) -> TokenStream {
    let module = format_ident!("{}", provider.module);
    let accessor = format_ident!("{}", namespace.accessor);
    quote!(crate::#module::#accessor)
}

fn dotted(namespace: &Namespace) -> String {
    namespace.path.join(".")
}

/// The provider module: its `Client`, the accessor structs, and the namespace modules.
fn provider_module(provider: &Provider) -> TokenStream {
    let doc = format!(
        "Typed client for the tools of the `{}` provider.\n\nStart with [`Client`]; its methods \
         follow the dotted tool names, so `a.b.c` is `client.a().b().c(&params)`.",
        provider.folder
    );
    let shared = format_ident!("{}", provider.shared_module);
    let root = &provider.root;
    let children = child_mod_decls(root);
    let root_tools = root.operations.iter().map(tool_mod_decl);
    let accessors = root
        .all_namespaces()
        .into_iter()
        .skip(1)
        .map(accessor_struct);
    let root_methods = namespace_methods(root);
    quote! {
        #![doc = #doc]

        pub mod #shared;
        #(#children)*
        #(#root_tools)*

        /// The typed client: one method per tool, grouped by the dotted tool names.
        ///
        /// Cloning is cheap; clones share the connection.
        #[derive(Clone, Debug)]
        pub struct Client {
            pub(crate) client: crate::runtime::Client,
        }

        impl Client {
            /// A client that sends every call through `transport`.
            pub fn new(transport: impl crate::runtime::Transport) -> Self {
                Self { client: crate::runtime::Client::new(transport) }
            }

            /// A typed client over an existing runtime client, sharing its connection.
            pub fn from_runtime(client: crate::runtime::Client) -> Self {
                Self { client }
            }

            /// The runtime client underneath, for calls by tool name.
            pub fn runtime(&self) -> &crate::runtime::Client {
                &self.client
            }

            /// Starts connecting to a Streamable HTTP MCP server at `url`; finish with
            /// [`HttpBuilder::connect`](crate::runtime::HttpBuilder::connect).
            #[cfg(feature = "transport-rmcp")]
            pub fn connect_http(url: impl Into<String>) -> crate::runtime::HttpBuilder<Self> {
                crate::runtime::HttpBuilder::new(url)
            }

            /// Starts an MCP server as the child process `command args...`, over stdio; finish
            /// with [`StdioBuilder::connect`](crate::runtime::StdioBuilder::connect).
            #[cfg(feature = "transport-rmcp")]
            pub fn spawn_stdio<I, S>(
                command: impl Into<String>,
                args: I,
            ) -> crate::runtime::StdioBuilder<Self>
            where
                I: IntoIterator<Item = S>,
                S: Into<String>,
            {
                crate::runtime::StdioBuilder::new(command, args)
            }

            #(#root_methods)*
        }

        impl From<crate::runtime::Client> for Client {
            fn from(client: crate::runtime::Client) -> Self {
                Self { client }
            }
        }

        #(#accessors)*
    }
}

/// The accessor struct of a (non-root) namespace, with its child accessor methods.
fn accessor_struct(namespace: &Namespace) -> TokenStream {
    let name = format_ident!("{}", namespace.accessor);
    let doc = format!("The tools under `{}`.", dotted(namespace));
    let methods = namespace_methods(namespace);
    quote! {
        #[doc = #doc]
        #[derive(Clone, Copy, Debug)]
        pub struct #name<'a> {
            pub(crate) client: &'a crate::runtime::Client,
        }

        impl<'a> #name<'a> {
            #(#methods)*
        }
    }
}

/// The methods that lead from a namespace's accessor to its children's accessors.
fn namespace_methods(namespace: &Namespace) -> Vec<TokenStream> {
    let lifetime = if namespace.path.is_empty() {
        quote!('_)
    } else {
        quote!('a)
    };
    namespace
        .children
        .iter()
        .map(|child| {
            let method = format_ident!("{}", child.method);
            let accessor = format_ident!("{}", child.accessor);
            let doc = format!("The tools under `{}`.", dotted(child));
            let client = if namespace.path.is_empty() {
                quote!(&self.client)
            } else {
                quote!(self.client)
            };
            quote! {
                #[doc = #doc]
                #[inline]
                pub fn #method(&self) -> #accessor<#lifetime> {
                    #accessor { client: #client }
                }
            }
        })
        .collect()
}

fn tool_mod_decl(op: &Operation) -> TokenStream {
    let module = format_ident!("{}", op.module);
    let params = format_ident!("{}", op.params_type);
    let output = op.output_type.as_ref().map(|name| {
        let name = format_ident!("{name}");
        quote!(pub use self::#module::#name;)
    });
    quote! {
        pub mod #module;
        pub use self::#module::#params;
        #output
    }
}

/// `pub mod x;` for each child namespace.
fn child_mod_decls(namespace: &Namespace) -> Vec<TokenStream> {
    namespace
        .children
        .iter()
        .map(|child| {
            let module = format_ident!(
                "{}",
                child.modules.last().map(String::as_str).unwrap_or_default()
            );
            quote! { pub mod #module; }
        })
        .collect()
}

/// A namespace module: declares its child namespaces and its tools' modules.
fn namespace_module(namespace: &Namespace) -> TokenStream {
    let doc = format!("Types of the tools under `{}`.", dotted(namespace));
    let children = child_mod_decls(namespace);
    let tools = namespace.operations.iter().map(tool_mod_decl);
    quote! {
        #![doc = #doc]
        #(#children)*
        #(#tools)*
    }
}

/// The shared enums and object types of a provider.
fn shared_module(
    provider: &Provider,
    options: &EmitOptions,
) -> Result<
    (
        TokenStream,
        Dependencies,
        Vec<crate::diagnostics::Diagnostic>,
    ),
    Box<crate::diagnostics::Diagnostic>,
> {
    let what = if provider.shared_objects.is_empty() {
        "Enums"
    } else {
        "Enums and types"
    };
    let doc = format!(
        "{what} shared by several tools of the `{}` provider.",
        provider.folder
    );
    let tables = locale_tables(provider);
    let enums = provider
        .shared_enums
        .iter()
        .map(|ty| enums::string_enum(ty, true, &options.docs, tables.as_ref()));
    let data = provider.locale_data.as_ref().map(locale::data);
    let (objects, uses, warnings) = match shared_objects_op(provider) {
        Some(op) => {
            let types::ToolTypes { items, warnings } =
                types::tool_types(provider, &op, &[], &options.docs)?;
            let objects = quote!(#(#items)*);
            let uses = Dependencies::scan(&objects);
            (objects, uses, warnings)
        }
        None => (TokenStream::new(), Dependencies::default(), Vec::new()),
    };
    let tokens = quote! {
        #![doc = #doc]
        #(#enums)*
        #objects
        #data
    };
    Ok((tokens, uses, warnings))
}

/// Where the locale enums of `provider` find its shared CLDR tables.
fn locale_tables(provider: &Provider) -> Option<locale::Tables<'_>> {
    let module = format_ident!("{}", provider.module);
    let shared = format_ident!("{}", provider.shared_module);
    provider.locale_data.as_ref().map(|data| locale::Tables {
        data,
        module: quote!(crate::#module::#shared),
    })
}

/// The provider's shared object types as one typify run: an operation whose definitions are
/// the shared objects (they may refer to each other and to the shared enums). Its tool, for
/// diagnostics, is the first tool that uses one.
fn shared_objects_op(provider: &Provider) -> Option<Operation> {
    if provider.shared_objects.is_empty() {
        return None;
    }
    let first = provider
        .root
        .all_operations()
        .into_iter()
        .find(|op| !op.shared_objects.is_empty())?;
    let mut op = first.clone();
    op.definitions = provider
        .shared_objects
        .iter()
        .map(|o| (o.name.clone(), o.schema.clone()))
        .collect();
    op.output_type = None;
    op.local_enums = Vec::new();
    op.shared_enums = provider
        .shared_enums
        .iter()
        .map(|e| e.name.clone())
        .collect();
    op.shared_objects = Default::default();
    op.aliases = Default::default();
    op.external_enums = provider
        .root
        .all_operations()
        .into_iter()
        .flat_map(|op| op.external_enums.clone())
        .collect();
    op.output_definitions = provider
        .shared_objects
        .iter()
        .filter(|o| o.open)
        .map(|o| o.name.clone())
        .collect();
    op.notes = Vec::new();
    Some(op)
}

/// One tool's module: its types, its enums and its method.
fn tool_module(
    provider: &Provider,
    namespace: &Namespace,
    op: &Operation,
    options: &EmitOptions,
) -> Result<
    (Contents, Dependencies, Vec<crate::diagnostics::Diagnostic>),
    Box<crate::diagnostics::Diagnostic>,
> {
    let accessor = accessor_path(provider, namespace);
    let accessor_name = &namespace.accessor;
    let method_link = format!("crate::{}::{accessor_name}::{}", provider.module, op.method);
    let params_doc = format!(
        "The arguments of the tool {}, for [`{accessor_name}::{}`]({method_link}).",
        docs::code(&op.tool.name),
        op.method
    );
    let mut root_docs = vec![(op.params_type.clone(), params_doc)];
    if let Some(output) = &op.output_type {
        root_docs.push((
            output.clone(),
            format!(
                "The structured result of the tool {}.",
                docs::code(&op.tool.name)
            ),
        ));
    }
    let types::ToolTypes { items, warnings } =
        types::tool_types(provider, op, &root_docs, &options.docs)?;
    let uses = Dependencies::scan(&quote!(#(#items)*));
    let tables = locale_tables(provider);
    let enums = op
        .local_enums
        .iter()
        .map(|ty| enums::string_enum(ty, false, &options.docs, tables.as_ref()));

    let module_doc = match &op.tool.description {
        Some(description) if !description.trim().is_empty() => format!(
            "{}: {}",
            docs::code(&op.tool.name),
            docs::summary(description, &options.docs)
        ),
        _ => format!("The tool {}.", docs::code(&op.tool.name)),
    };
    let method = format_ident!("{}", op.method);
    let params = format_ident!("{}", op.params_type);
    let schema = raw_string(
        &serde_json::to_string(&op.validation_schema).unwrap_or_else(|_| "true".to_string()),
    );
    let output_impl = match (&op.output_type, &op.output_validation_schema) {
        (Some(output), Some(checked)) => {
            let output = format_ident!("{output}");
            let schema =
                raw_string(&serde_json::to_string(checked).unwrap_or_else(|_| "true".to_string()));
            quote! {
                impl #output {
                    /// The tool's output schema (normalized, annotations left out) that the
                    /// client checks `structuredContent` against before parsing it.
                    pub const SCHEMA: &'static str = #schema;

                    /// The compiled [`SCHEMA`](Self::SCHEMA), built once.
                    #[inline]
                    pub fn validator() -> &'static crate::runtime::Validator {
                        static VALIDATOR: ::std::sync::OnceLock<crate::runtime::Validator> = ::std::sync::OnceLock::new();
                        VALIDATOR.get_or_init(|| crate::runtime::Validator::new(Self::SCHEMA))
                    }
                }
            }
        }
        _ => TokenStream::new(),
    };
    let method_doc = method_doc(op, &options.docs);
    let name = &op.tool.name;
    let lifetime = if namespace.path.is_empty() {
        quote!()
    } else {
        quote!(<'_>)
    };
    let retry_safe = is_retry_safe(op);
    let info = quote!(crate::runtime::ToolInfo { name: #name, retry_safe: #retry_safe });
    let (output, call, validated) = match &op.output_type {
        Some(output) => {
            let output = format_ident!("{output}");
            (
                quote!(#output),
                quote!(self.client.call_checked(#info, params, #output::validator)),
                quote!(self.client.call_validated_checked(#info, params, params.validate(), #output::validator)),
            )
        }
        None => (
            quote!(crate::runtime::ToolOutput),
            quote!(self.client.call(#info, params)),
            quote!(self.client.call_validated(#info, params, params.validate())),
        ),
    };
    // A tool that declares no arguments is called without any: its method takes no parameter
    // and sends an empty object, which its schema always accepts.
    let method_item = if takes_no_arguments(&op.validation_schema) {
        quote! {
            impl #accessor #lifetime {
                #[doc = #method_doc]
                #[inline]
                pub fn #method(&self) -> crate::runtime::Call<#output> {
                    let params = &::serde_json::Map::new();
                    #call
                }
            }
        }
    } else {
        quote! {
            impl #accessor #lifetime {
                #[doc = #method_doc]
                #[inline]
                pub fn #method(&self, params: &#params) -> crate::runtime::Call<#output> {
                    #validated
                }
            }
        }
    };
    let rest = quote! {
        #(#enums)*

        impl #params {
            /// The tool's input schema (normalized, annotations left out) that
            /// [`validate`](Self::validate) checks against.
            pub const SCHEMA: &'static str = #schema;

            /// Checks these arguments against the tool's input schema, including every constraint
            /// the Rust type cannot express (bounds, lengths, patterns, formats, `const`, unions).
            ///
            /// # Errors
            ///
            /// Every violation, each with the JSON pointer of the offending value.
            #[inline]
            pub fn validate(&self) -> ::std::result::Result<(), ::std::vec::Vec<crate::runtime::Violation>> {
                static VALIDATOR: ::std::sync::OnceLock<crate::runtime::Validator> = ::std::sync::OnceLock::new();
                VALIDATOR
                    .get_or_init(|| crate::runtime::Validator::new(Self::SCHEMA))
                    .validate(self)
            }
        }

        #output_impl

        #method_item
    };
    // typify's items are already parsed: only the rest is parsed, and the file is handed to
    // render as syntax, so the bulk of the module is never printed to tokens and parsed again.
    let contents = match syn::parse2::<syn::File>(rest.clone()) {
        Ok(parsed) => {
            let mut file = syn::File {
                shebang: None,
                frontmatter: None,
                attrs: vec![syn::parse_quote!(#![doc = #module_doc])],
                items,
            };
            file.items.extend(parsed.items);
            Contents::Parsed(Box::new(file))
        }
        // A generator bug; render reports it for the file.
        Err(_) => Contents::Rust(quote! {
            #![doc = #module_doc]
            #(#items)*
            #rest
        }),
    };
    Ok((contents, uses, warnings))
}

/// `text` as a raw string literal (`r#"..."#`), so embedded JSON reads as JSON in the output.
fn raw_string(text: &str) -> TokenStream {
    let hashes = (1..)
        .map(|n| "#".repeat(n))
        .find(|h| !text.contains(&format!("\"{h}")))
        .unwrap_or_default();
    let literal = format!("r{hashes}\"{text}\"{hashes}");
    match literal.parse::<proc_macro2::Literal>() {
        Ok(lit) => quote!(#lit),
        Err(_) => quote!(#text),
    }
}

/// Whether an input schema declares that the tool takes no arguments: an object schema with an
/// empty `properties` (`{"type": "object", "properties": {}}`), nothing required, and no other
/// properties allowed than those (absent `additionalProperties`, or `false`). An empty schema
/// (`{}`) is not one: it takes any object, so its method keeps its parameter.
fn takes_no_arguments(schema: &serde_json::Value) -> bool {
    use serde_json::Value;
    let Some(object) = schema.as_object() else {
        return false;
    };
    let declared_empty = object
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(serde_json::Map::is_empty);
    declared_empty
        && object.iter().all(|(key, value)| match key.as_str() {
            "type" => value == "object",
            "properties" | "$schema" => true,
            "required" => value.as_array().is_some_and(Vec::is_empty),
            "additionalProperties" => value == &Value::Bool(false),
            _ => false,
        })
}

/// Whether the tool's annotations say that calling it twice is harmless (`readOnlyHint` or
/// `idempotentHint`), so that the runtime may retry it.
fn is_retry_safe(op: &Operation) -> bool {
    ["readOnlyHint", "idempotentHint"]
        .iter()
        .any(|key| annotation(op, key))
}

/// Whether the tool's annotation `key` is `true`.
fn annotation(op: &Operation, key: &str) -> bool {
    op.tool
        .annotations
        .as_ref()
        .and_then(|a| a.get(key))
        .and_then(serde_json::Value::as_bool)
        == Some(true)
}

fn method_doc(op: &Operation, options: &DocOptions) -> String {
    let mut parts = Vec::new();
    if let Some(title) = op.tool.title.as_deref().filter(|t| !t.trim().is_empty()) {
        parts.push(format!("**{}**", docs::summary(title, options)));
    }
    match op
        .tool
        .description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
    {
        Some(description) => parts.push(docs::sanitize(description, options)),
        None => parts.push(format!("Calls the tool {}.", docs::code(&op.tool.name))),
    }
    let mut call = if takes_no_arguments(&op.validation_schema) {
        format!(
            "Calls the MCP tool {}, which takes no arguments.",
            docs::code(&op.tool.name)
        )
    } else {
        format!(
            "Calls the MCP tool {} with [`{}`].",
            docs::code(&op.tool.name),
            op.params_type
        )
    };
    let hints: Vec<&str> = [
        ("readOnlyHint", "read-only"),
        ("idempotentHint", "idempotent"),
        ("destructiveHint", "destructive"),
    ]
    .into_iter()
    .filter(|(key, _)| annotation(op, key))
    .map(|(_, word)| word)
    .collect();
    if !hints.is_empty() {
        call.push_str(&format!(" The server marks it {}.", hints.join(", ")));
    }
    match &op.output_type {
        Some(output) => call.push_str(&format!(
            " Awaiting the call gives its structured result as [`{output}`]."
        )),
        None => call
            .push_str(" Awaiting the call gives its [`ToolOutput`](crate::runtime::ToolOutput)."),
    }
    if is_retry_safe(op) {
        call.push_str(" Transient failures are retried by the client's retry policy.");
    } else {
        call.push_str(
            " Only failures before the request is sent are retried, unless \
             [`Call::retry`](crate::runtime::Call::retry) opts in.",
        );
    }
    parts.push(call);
    parts.push(
        "# Errors\n\nReturns [`Error::InvalidArguments`](crate::runtime::Error::InvalidArguments), \
         without sending anything, when the arguments break the tool's schema; \
         [`Error::Tool`](crate::runtime::Error::Tool) when the tool reports an error; and the other \
         [`Error`](crate::runtime::Error) variants when the call fails."
            .to_string(),
    );
    parts.join("\n\n")
}

fn lib_rs(model: &Model, runtime: &Runtime) -> TokenStream {
    let mut doc = String::from(
        "Typed clients for MCP tools, generated by toolgen from JSON Schema tool definitions.\n\n\
         Each provider is a module and a cargo feature (all on by default):\n",
    );
    for provider in &model.providers {
        let count = provider.root.all_operations().len();
        doc.push_str(&format!(
            "\n- [`{}`]: {count} tool{} (feature {})",
            provider.module,
            if count == 1 { "" } else { "s" },
            docs::code(&provider.feature)
        ));
    }
    doc.push_str(
        "\n\nEvery call goes through a [`Transport`]; \
         [`MemoryTransport`](runtime::MemoryTransport) records calls for tests. With the \
         `transport-rmcp` feature (on by default), each provider's `Client::connect_http` and \
         `Client::spawn_stdio` reach real MCP servers through rmcp.",
    );
    let providers = model.providers.iter().map(|provider| {
        let module = format_ident!("{}", provider.module);
        let feature = &provider.feature;
        quote! {
            #[cfg(feature = #feature)]
            #[rustfmt::skip]
            pub mod #module;
        }
    });
    let crate_shared = (!model.crate_enums.is_empty()).then(|| {
        let module = format_ident!("{}", crate::model::CRATE_SHARED_MODULE);
        let features: std::collections::BTreeSet<&String> =
            model.crate_enums.iter().flat_map(|e| &e.features).collect();
        let features = features.into_iter();
        quote! {
            #[cfg(any(#(feature = #features),*))]
            #[rustfmt::skip]
            pub mod #module;
        }
    });
    let runtime = match runtime {
        // No `#[rustfmt::skip]` here: the runtime's sources are formatted by rustfmt already, and
        // an attribute on the module would make the macros it exports "macro-expanded", which
        // cannot be named by path.
        Runtime::Vendored => quote! {
            pub mod runtime;
            // The runtime's macros name it as `$crate::__toolgen`.
            #[doc(hidden)]
            pub use self::runtime as __toolgen;
        },
        Runtime::Shared { .. } => {
            let krate = format_ident!("{RUNTIME_CRATE}");
            quote! {
                /// The runtime every call goes through, shared with every other toolgen SDK of the
                /// application: one [`Error`], one [`Transport`].
                pub use ::#krate as runtime;
            }
        }
    };
    quote! {
        #![doc = #doc]

        #runtime
        #crate_shared
        #(#providers)*

        pub use runtime::Error;
        pub use runtime::ToolOutput;
        pub use runtime::Transport;
    }
}

/// `text` as a TOML string (quoted and escaped by the `toml` crate): package fields come from
/// `toolgen.toml` and are untrusted.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

fn has_locales(model: &Model) -> bool {
    model.providers.iter().any(|provider| {
        provider.shared_enums.iter().any(|e| e.locale.is_some())
            || provider
                .root
                .all_operations()
                .iter()
                .any(|op| op.local_enums.iter().any(|e| e.locale.is_some()))
    })
}

fn cargo_toml(model: &Model, options: &EmitOptions, uses: &Dependencies) -> String {
    let package = &options.package;
    let mut out = format!(
        "[package]\n\
         name = {name}\n\
         version = {version}\n\
         edition = \"2024\"\n\
         rust-version = \"1.88\"\n\
         description = {description}\n",
        name = toml_string(&options.crate_name),
        version = toml_string(&options.crate_version),
        description = toml_string(&package.description),
    );
    for (key, value) in [
        ("license", &package.license),
        ("repository", &package.repository),
        ("homepage", &package.homepage),
        ("documentation", &package.documentation),
    ] {
        if let Some(value) = value {
            out.push_str(&format!("{key} = {}\n", toml_string(value)));
        }
    }
    if !package.publish {
        out.push_str("publish = false\n");
    }
    let features: Vec<String> = model
        .providers
        .iter()
        .map(|p| toml_string(&p.feature))
        .collect();
    let locales = has_locales(model);
    match &options.runtime {
        Runtime::Shared { path } => {
            out.push_str(&format!(
                "\n[features]\n\
                 default = [\"transport-rmcp\", {default}]\n\
                 # The MCP transports over rmcp: Streamable HTTP (`Client::connect_http`) and a child\n\
                 # process over stdio (`Client::spawn_stdio`).\n\
                 transport-rmcp = [\"toolgen-runtime/transport-rmcp\"]\n\
                 # `OAuth::client_credentials_jwt`: client credentials with `private_key_jwt`.\n\
                 oauth-jwt = [\"toolgen-runtime/oauth-jwt\"]\n\
                 # HTTPS for `connect_http`, with rustls.\n\
                 tls = [\"toolgen-runtime/tls\"]\n",
                default = features.join(", "),
            ));
            for provider in &model.providers {
                out.push_str(&format!("{} = []\n", provider.feature));
            }
            if locales {
                out.push_str(&format!(
                    "# Converts the locale enums to and from `icu_locale_core::LanguageIdentifier`.\n\
                     {} = [\"toolgen-runtime/icu\"]\n",
                    locale::ICU_FEATURE
                ));
            }
            let mut runtime_features = Vec::new();
            if uses.chrono {
                runtime_features.push("\"chrono\"");
            }
            if uses.uuid {
                runtime_features.push("\"uuid\"");
            }
            let path = path
                .as_ref()
                .map(|path| format!("path = {}, ", toml_string(path)))
                .unwrap_or_default();
            out.push_str(&format!(
                "\n[dependencies]\n\
                 # The runtime, shared by every toolgen SDK of an application; it re-exports the\n\
                 # crates generated code needs (serde, serde_json, ...).\n\
                 toolgen-runtime = {{ {path}version = \"{version}\", default-features = false, features = [{features}] }}\n",
                version = env!("CARGO_PKG_VERSION"),
                features = runtime_features.join(", "),
            ));
        }
        Runtime::Vendored => {
            let mut default = vec!["\"transport-rmcp\"".to_string()];
            default.extend(features);
            // Each provider turns on the optional crates its types need.
            let mut needs = Vec::new();
            if uses.chrono {
                needs.push("\"chrono\"");
            }
            if uses.uuid {
                needs.push("\"uuid\"");
            }
            let needs = needs.join(", ");
            out.push_str(&format!(
                "\n[features]\n\
                 default = [{default}]\n\
                 # The MCP transports over rmcp: Streamable HTTP (`Client::connect_http`) and a child\n\
                 # process over stdio (`Client::spawn_stdio`).\n\
                 # With OAuth 2.1 through rmcp's `auth` feature (and `auth-enterprise-managed` for\n\
                 # cross-app access), and the loopback listener that receives the authorization\n\
                 # redirect.\n\
                 transport-rmcp = [\"dep:rmcp\", \"rmcp/auth\", \"rmcp/auth-enterprise-managed\", \"dep:oauth2\", \"dep:http\", \"dep:reqwest\", \"dep:async-trait\", \"tokio/process\", \"tokio/rt\", \"tokio/net\", \"tokio/io-util\"]\n\
                 # `OAuth::client_credentials_jwt`: client credentials with `private_key_jwt`.\n\
                 oauth-jwt = [\"transport-rmcp\", \"rmcp/auth-client-credentials-jwt\"]\n\
                 # HTTPS for `connect_http`, with rustls.\n\
                 tls = [\"transport-rmcp\", \"rmcp/reqwest\"]\n\
                 # Types for `format: date-time`, `date` and `uuid` (on with the providers that use them).\n\
                 chrono = [\"dep:chrono\"]\n\
                 uuid = [\"dep:uuid\"]\n\
                 # Converts the locale enums to and from `icu_locale_core::LanguageIdentifier`.\n\
                 {icu} = [\"dep:icu_locale_core\"]\n",
                default = default.join(", "),
                icu = locale::ICU_FEATURE,
            ));
            for provider in &model.providers {
                out.push_str(&format!("{} = [{needs}]\n", provider.feature));
            }
            out.push_str(
                "\n[dependencies]\n\
                 serde = { version = \"1.0.190\", features = [\"derive\"] }\n\
                 serde_json = \"1.0.100\"\n\
                 tokio = { version = \"1.38\", features = [\"time\"] }\n\
                 tracing = \"0.1.40\"\n\
                 fastrand = \"2\"\n\
                 # `validate()` is the jsonschema crate, without network access.\n\
                 jsonschema = { version = \"0.61\", default-features = false, features = [\"idna\"] }\n\
                 rmcp = { version = \"3.11\", default-features = false, features = [\"client\", \"transport-streamable-http-client-reqwest\", \"transport-child-process\"], optional = true }\n\
                 http = { version = \"1\", optional = true }\n\
                 oauth2 = { version = \"5\", default-features = false, optional = true }\n\
                 async-trait = { version = \"0.1\", optional = true }\n\
                 reqwest = { version = \"0.13\", default-features = false, optional = true }\n\
                 chrono = { version = \"0.4\", default-features = false, features = [\"serde\", \"std\"], optional = true }\n\
                 uuid = { version = \"1\", features = [\"serde\"], optional = true }\n\
                 icu_locale_core = { version = \"2.4\", optional = true, default-features = false, features = [\"alloc\"] }\n",
            );
        }
    }
    out.push_str(
        "\n[lints.rust]\n\
         missing_docs = \"warn\"\n\
         unsafe_code = \"forbid\"\n\n\
         [lints.clippy]\n\
         # Descriptions are the provider's prose; their Markdown layout is kept as written.\n\
         doc_lazy_continuation = \"allow\"\n\
         doc_overindented_list_items = \"allow\"\n\
         # typify derives these shapes from the schema; changing them would change the API.\n\
         large_enum_variant = \"allow\"\n\
         # typify writes `Default` by hand where a schema gives defaults; some equal the derived one.\n\
         derivable_impls = \"allow\"\n",
    );
    out
}
