//! The serving side of a provider (the `server` feature): its `Server` trait, one method per
//! tool with a default body that answers "not implemented"; the tool table (`TOOLS`, pointing
//! at each tool module's `DEFINITION`, so that editing one schema changes only its tool's file);
//! `Serve`, the dispatch from a tool name to a method that the runtime's `server::Server` calls;
//! and `Mock`, typed expectations for application tests.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::docs::{self, DocOptions};
use crate::model::{Namespace, Operation, Provider};
use crate::naming;

/// The cargo feature of the generated crate (and of the runtime) that compiles the server side.
pub(super) const SERVER_FEATURE: &str = "server";

/// The module of a provider that holds its server side.
pub(super) const SERVER_MODULE: &str = "server";

/// The provider's `server` module.
pub(super) fn server_module(provider: &Provider, options: &DocOptions) -> TokenStream {
    let tools: Vec<(&Namespace, &Operation)> = provider
        .root
        .all_namespaces()
        .into_iter()
        .flat_map(|ns| ns.operations.iter().map(move |op| (ns, op)))
        .collect();
    let paths: Vec<Vec<String>> = tools
        .iter()
        .map(|(_, op)| {
            let mut path = op.tool.group.clone();
            path.push(op.tool.name.clone());
            path
        })
        .collect();
    let methods = naming::server_methods(&paths);
    let mock_methods = naming::mock_methods(&methods);
    let provider_mod = format_ident!("{}", provider.module);

    let mut trait_methods = Vec::new();
    let mut arms = Vec::new();
    let mut mock_items = Vec::new();
    // The table is sorted by tool name, as `tools/list` serves it.
    let mut by_name: Vec<(&str, TokenStream)> = Vec::new();
    for (((namespace, op), method), (on, calls)) in tools.iter().zip(&methods).zip(&mock_methods) {
        let method = format_ident!("{method}");
        let modules = namespace.modules.iter().map(|m| format_ident!("{m}"));
        let module = format_ident!("{}", op.module);
        let base = quote!(crate::#provider_mod::#(#modules::)*#module);
        let params = format_ident!("{}", op.params_type);
        let params = quote!(#base::#params);
        let name = &op.tool.name;
        let (on, calls) = (format_ident!("{on}"), format_ident!("{calls}"));
        let (output, output_schema, reply) = match &op.output_type {
            Some(output) => {
                let output = format_ident!("{output}");
                (
                    quote!(#base::#output),
                    quote!(::std::option::Option::Some(#base::#output::SCHEMA)),
                    quote!(crate::runtime::server::Reply::structured(&output)),
                )
            }
            None => (
                quote!(crate::runtime::ToolOutput),
                quote!(::std::option::Option::None),
                quote!(::std::result::Result::Ok(
                    crate::runtime::server::Reply::Output(output)
                )),
            ),
        };
        let doc = method_doc(provider, namespace, op, options);
        trait_methods.push(quote! {
            #[doc = #doc]
            fn #method(
                &self,
                params: #params,
                context: crate::runtime::server::Context,
            ) -> impl ::std::future::Future<
                Output = ::std::result::Result<#output, crate::runtime::server::ToolError>,
            > + ::std::marker::Send {
                let _ = (params, context);
                ::std::future::ready(::std::result::Result::Err(
                    crate::runtime::server::ToolError::not_implemented(#name),
                ))
            }
        });
        by_name.push((
            name.as_str(),
            quote! {
                crate::runtime::server::ToolDefinition {
                    name: #name,
                    definition: #base::DEFINITION,
                    input_schema: #params::SCHEMA,
                    output_schema: #output_schema,
                }
            },
        ));
        let on_doc = format!(
            "Answers every later call of {} (whose arguments passed its schema) with `answer`; \
             an `Err` is a tool error. Replaces an earlier expectation.",
            docs::code(name)
        );
        let calls_doc = format!(
            "The arguments of every call of {} so far, in order.",
            docs::code(name)
        );
        mock_items.push(quote! {
            #[doc = #on_doc]
            #[inline]
            pub fn #on(
                &self,
                answer: impl ::std::ops::Fn(#params) -> ::std::result::Result<#output, crate::runtime::server::ToolError>
                    + ::std::marker::Send + ::std::marker::Sync + 'static,
            ) -> &Self {
                self.0.on(#name, move |arguments| {
                    let params: #params = crate::runtime::server::arguments(#name, arguments)?;
                    let output = answer(params)?;
                    #reply
                });
                self
            }

            #[doc = #calls_doc]
            #[inline]
            pub fn #calls(&self) -> ::std::vec::Vec<#params> {
                self.0
                    .calls_of(#name)
                    .into_iter()
                    .filter_map(|arguments| ::serde_json::from_value(arguments).ok())
                    .collect()
            }
        });
        arms.push(quote! {
            #name => ::std::boxed::Box::pin(async move {
                let params: #params = crate::runtime::server::arguments(#name, arguments)?;
                let output = self.0.#method(params, context).await?;
                #reply
            }),
        });
    }
    by_name.sort_by(|a, b| a.0.cmp(b.0));
    let table = by_name.into_iter().map(|(_, tokens)| tokens);

    let doc = format!(
        "The server side of the `{}` provider: implement [`Server`], then serve it with \
         [`serve`].\n\nEvery method has a default body that answers the call with a tool error \
         (\"not implemented\"), so an implementation of some of the tools compiles and serves \
         the others as errors.",
        provider.folder
    );
    quote! {
        #![doc = #doc]

        /// The tools of this provider, one method per tool, named after the dotted tool name.
        ///
        /// A method receives the arguments after they have passed the tool's input schema, and
        /// its result is checked against the tool's output schema before it is sent. An `Err`
        /// becomes a tool execution error (`isError: true`) whose text the model reads.
        pub trait Server: ::std::marker::Send + ::std::marker::Sync + 'static {
            #(#trait_methods)*
        }

        /// Every tool of this provider as served, sorted by name: the definition that
        /// `tools/list` sends, and the schemas calls are checked against.
        pub const TOOLS: &[crate::runtime::server::ToolDefinition] = &[#(#table),*];

        /// An implementation of [`Server`], dispatched by tool name for the runtime.
        #[derive(Debug)]
        pub struct Serve<S>(pub S);

        impl<S: Server> crate::runtime::server::Tools for Serve<S> {
            #[inline]
            fn definitions(&self) -> &'static [crate::runtime::server::ToolDefinition] {
                TOOLS
            }

            #[inline]
            fn call<'a>(
                &'a self,
                name: &str,
                arguments: ::serde_json::Value,
                context: crate::runtime::server::Context,
            ) -> ::std::option::Option<
                crate::runtime::BoxFuture<
                    'a,
                    ::std::result::Result<
                        crate::runtime::server::Reply,
                        crate::runtime::server::ToolError,
                    >,
                >,
            > {
                ::std::option::Option::Some(match name {
                    #(#arms)*
                    _ => return ::std::option::Option::None,
                })
            }
        }

        /// A mock of this provider for application tests: typed expectations per tool
        /// (`on_<tool>`), the calls it received (`<tool>_calls`), and a [`Client`](super::Client) connected to it
        /// in-process ([`client`](Self::client)). Arguments are checked against each tool's
        /// schema, as a server does; a call of a tool without an expectation fails the test with
        /// the tool's name and the arguments. Clones share expectations and calls.
        #[derive(Clone, Debug)]
        pub struct Mock(crate::runtime::server::Mock);

        impl ::std::default::Default for Mock {
            #[inline]
            fn default() -> Self {
                Self::new()
            }
        }

        impl Mock {
            /// A mock with no expectation yet.
            #[inline]
            pub fn new() -> Self {
                Self(crate::runtime::server::Mock::new(TOOLS))
            }

            /// A client whose calls this mock answers, in-process.
            #[inline]
            pub fn client(&self) -> crate::#provider_mod::Client {
                crate::#provider_mod::Client::new(self.0.transport())
            }

            /// The untyped mock underneath: expectations and calls by tool name.
            #[inline]
            pub fn runtime(&self) -> &crate::runtime::server::Mock {
                &self.0
            }

            #(#mock_items)*
        }

        /// Serves `server`: reach it with
        /// [`router`](crate::runtime::server::Server::router) (Streamable HTTP) or
        /// [`serve_stdio`](crate::runtime::server::Server::serve_stdio).
        #[inline]
        pub fn serve<S: Server>(server: S) -> crate::runtime::server::Server<Serve<S>> {
            crate::runtime::server::Server::new(Serve(server))
        }
    }
}

/// The documentation of a trait method: the tool's summary, and what goes in and out.
fn method_doc(
    provider: &Provider,
    namespace: &Namespace,
    op: &Operation,
    options: &DocOptions,
) -> String {
    let base = std::iter::once(format!("crate::{}", provider.module))
        .chain(namespace.modules.iter().cloned())
        .chain(std::iter::once(op.module.clone()))
        .collect::<Vec<_>>()
        .join("::");
    let summary = op
        .tool
        .description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .map(|d| docs::summary(d, options))
        .unwrap_or_else(|| format!("The tool {}.", docs::code(&op.tool.name)));
    let result = match &op.output_type {
        Some(output) => format!("its structured result, [`{output}`]({base}::{output})"),
        None => "its content, a [`ToolOutput`](crate::runtime::ToolOutput)".to_string(),
    };
    format!(
        "{summary}\n\nServes the MCP tool {} with [`{params}`]({base}::{params}) in and {result} \
         out. Without an implementation, a call gets the tool error \"not implemented\".",
        docs::code(&op.tool.name),
        params = op.params_type
    )
}
