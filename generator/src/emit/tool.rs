//! One tool's module file: its parameter and output types (through `types`), its local enums,
//! the `SCHEMA` and `validate()` of its arguments, its `DEFINITION` as a server lists it, and the
//! client method that calls it, with that method's documentation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::client::accessor_path;
use super::files::{Contents, Dependencies};
use super::server::SERVER_FEATURE;
use super::{enums, examples, locale, types};
use crate::diagnostics::Diagnostic;
use crate::docs::{self, DocOptions};
use crate::keywords::{TOOLGEN, without};
use crate::model::{Arguments, Namespace, Operation, Provider};
use crate::options::EmitOptions;

/// One tool's module: its types, its enums and its method.
pub(super) fn tool_module(
    provider: &Provider,
    namespace: &Namespace,
    op: &Operation,
    options: &EmitOptions,
) -> Result<(Contents, Dependencies, Vec<Diagnostic>), Box<Diagnostic>> {
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
    let types::ToolTypes {
        items,
        warnings,
        constructible,
    } = types::tool_types(provider, op, &root_docs, &options.docs)?;
    let uses = Dependencies::scan(&quote!(#(#items)*));
    let tables = locale::tables(provider);
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
    let schema = schema_literal(&op.validation_schema);
    let output_impl = match (&op.output_type, &op.output_validation_schema) {
        (Some(output), Some(checked)) => {
            let output = format_ident!("{output}");
            let schema = schema_literal(checked);
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
    let example = examples::method_example(provider, namespace, op, options, &constructible)
        .map(|example| format!("\n\n{example}"))
        .unwrap_or_default();
    let base_doc = method_doc(op, &options.docs);
    let method_doc = format!("{base_doc}{example}");
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
    let with_params = quote! {
        let params = ::std::borrow::Borrow::<#params>::borrow(&params);
        #validated
    };
    // A tool that declares no arguments is called without any: its method takes no parameter
    // and sends an empty object, which its schema always accepts. One whose arguments are all
    // optional gets that method too, and a second one that takes them.
    let method_item = match (op.arguments, &op.method_with) {
        (Arguments::None, _) => quote! {
            impl #accessor #lifetime {
                #[doc = #method_doc]
                #[inline]
                pub fn #method(&self) -> crate::runtime::Call<#output> {
                    let params = &::serde_json::Map::new();
                    #call
                }
            }
        },
        (Arguments::Optional, Some(method_with)) => {
            let method_with = format_ident!("{method_with}");
            let with_doc = format!(
                "Calls the tool `{name}` with the arguments given: build them with \
                 [`{params}::default()`]({params}) and its setters. [`{method}`](Self::{method}) \
                 calls it with none."
            );
            let none_doc = format!(
                "{base_doc}\n\nThis sends no arguments; [`{method_with}`](Self::{method_with}) \
                 sends some.{example}"
            );
            quote! {
                impl #accessor #lifetime {
                    #[doc = #none_doc]
                    #[inline]
                    pub fn #method(&self) -> crate::runtime::Call<#output> {
                        self.#method_with(#params::default())
                    }

                    #[doc = #with_doc]
                    #[inline]
                    pub fn #method_with(
                        &self,
                        params: impl ::std::borrow::Borrow<#params>,
                    ) -> crate::runtime::Call<#output> {
                        #with_params
                    }
                }
            }
        }
        _ => quote! {
            impl #accessor #lifetime {
                #[doc = #method_doc]
                #[inline]
                pub fn #method(
                    &self,
                    params: impl ::std::borrow::Borrow<#params>,
                ) -> crate::runtime::Call<#output> {
                    #with_params
                }
            }
        },
    };
    let definition = raw_string(&definition(op).to_string());
    let rest = quote! {
        #(#enums)*

        /// The tool's definition as a server lists it (`tools/list`): what its schema file says
        /// after the overlay.
        #[cfg(feature = #SERVER_FEATURE)]
        pub const DEFINITION: &str = #definition;

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

/// The tool's definition as `tools/list` serves it: what the schema file says after the
/// overlay (name, title, description, schemas, annotations), without toolgen's own keywords.
fn definition(op: &Operation) -> serde_json::Value {
    use serde_json::Value;
    let tool = &op.tool;
    let strip = |schema: &Value| without(schema, &|key| TOOLGEN.contains(&key));
    let mut out = serde_json::Map::new();
    out.insert("name".into(), Value::String(tool.name.clone()));
    if let Some(title) = &tool.title {
        out.insert("title".into(), Value::String(title.clone()));
    }
    if let Some(description) = &tool.description {
        out.insert("description".into(), Value::String(description.clone()));
    }
    out.insert("inputSchema".into(), strip(&tool.input_schema));
    if let Some(output) = &tool.output_schema {
        out.insert("outputSchema".into(), strip(output));
    }
    if let Some(annotations) = &tool.annotations {
        out.insert("annotations".into(), Value::Object(annotations.clone()));
    }
    Value::Object(out)
}

/// `schema` as JSON in a raw string literal, for a `SCHEMA` constant.
fn schema_literal(schema: &serde_json::Value) -> TokenStream {
    raw_string(&serde_json::to_string(schema).unwrap_or_else(|_| "true".to_string()))
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
    let mut call = if op.arguments == Arguments::None {
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
