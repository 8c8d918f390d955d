//! The client side of a provider: its module file (`Client`, one accessor struct per namespace,
//! the methods that lead from one accessor to the next) and the namespace module files that
//! declare the tool modules. A tool's own method is made in `tool.rs`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Namespace, Operation, Provider};

/// `crate::<provider>::<Accessor>`, the type whose methods a namespace's tools become.
pub(super) fn accessor_path(provider: &Provider, namespace: &Namespace) -> TokenStream {
    let module = format_ident!("{}", provider.module);
    let accessor = format_ident!("{}", namespace.accessor);
    quote!(crate::#module::#accessor)
}

fn dotted(namespace: &Namespace) -> String {
    namespace.path.join(".")
}

/// The provider module: its `Client`, the accessor structs, and the namespace modules.
pub(super) fn provider_module(provider: &Provider) -> TokenStream {
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
    let server = format_ident!("{}", super::server::SERVER_MODULE);
    let server_feature = super::server::SERVER_FEATURE;
    quote! {
        #![doc = #doc]

        pub mod #shared;
        #[cfg(feature = #server_feature)]
        pub mod #server;
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
pub(super) fn namespace_module(namespace: &Namespace) -> TokenStream {
    let doc = format!("Types of the tools under `{}`.", dotted(namespace));
    let children = child_mod_decls(namespace);
    let tools = namespace.operations.iter().map(tool_mod_decl);
    quote! {
        #![doc = #doc]
        #(#children)*
        #(#tools)*
    }
}
