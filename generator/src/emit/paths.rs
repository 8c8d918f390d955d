//! Where generated code finds the runtime, the crates it re-exports, and its own provider root:
//! one pass over each file's syntax, so that every emitter writes the same canonical paths.
//!
//! Emitters (and typify) write `crate::runtime::X` for the runtime, `::serde::X` and friends for
//! the crates generated code needs, and `crate::<provider>::X` for items of the provider. This
//! pass rewrites them for the chosen [`Runtime`] and layout:
//!
//! - a crate on the shared runtime reaches everything through `::toolgen_runtime` (serde's derive
//!   is told so with `#[serde(crate = "::toolgen_runtime::serde")]`), so the same code also works
//!   when it is `include!`d into any module of another crate;
//! - a vendored crate keeps `crate::runtime` and its own dependencies;
//! - a provider written as one file of inline modules (the build step) names its own items
//!   relative to its root module (`super::super::X`), wherever the user includes it.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};

use crate::options::Runtime;

/// The crate name generated code names the shared runtime by.
pub const RUNTIME_CRATE: &str = "toolgen_runtime";

/// The crates that generated code names with a leading `::`, all re-exported by the runtime.
const REEXPORTED: &[&str] = &["serde", "serde_json", "chrono", "uuid", "icu_locale_core"];

/// The runtime macros whose bodies hold generated items (feature gates of the runtime), and the
/// generated crate's feature each stands for.
const GATE_MACROS: &[(&str, &str)] = &[
    ("__toolgen_if_transport_rmcp", "transport-rmcp"),
    ("__toolgen_if_icu", "icu"),
    ("__toolgen_if_server", "server"),
];

/// How one file's paths are rewritten.
#[derive(Debug, Clone)]
pub(crate) struct Routes {
    shared: bool,
    /// The provider module whose `crate::<provider>` paths become relative, and the depth of the
    /// file's root below it.
    relative: Option<(String, usize)>,
}

impl Routes {
    /// Routes for a file of a crate on `runtime`.
    pub(crate) fn new(runtime: &Runtime) -> Self {
        Self {
            shared: matches!(runtime, Runtime::Shared { .. }),
            relative: None,
        }
    }

    /// Also rewrites `crate::<provider>::X` relative to the provider module, for a file whose
    /// root lies `depth` modules below it.
    pub(crate) fn relative_to(mut self, provider: &str, depth: usize) -> Self {
        self.relative = Some((provider.to_string(), depth));
        self
    }

    /// Whether [`Routes::apply`] changes nothing (a vendored crate).
    pub(crate) fn is_identity(&self) -> bool {
        !self.shared && self.relative.is_none()
    }

    /// Rewrites every path of `file`.
    pub(crate) fn apply(&self, file: &mut syn::File) {
        if self.is_identity() {
            return;
        }
        let mut pass = Pass {
            routes: self,
            depth: self.relative.as_ref().map_or(0, |(_, depth)| *depth),
        };
        pass.visit_file_mut(file);
    }
}

struct Pass<'a> {
    routes: &'a Routes,
    /// How many modules below the provider module the visited item stands.
    depth: usize,
}

fn ident(name: &str) -> syn::Ident {
    syn::Ident::new(name, Span::call_site())
}

fn is(segment: Option<&syn::PathSegment>, name: &str) -> bool {
    segment.is_some_and(|s| s.ident == name)
}

/// The runtime gate macro that stands for `#[cfg(feature = "...")]` among `attrs`, with that
/// attribute's position.
fn gate_of(attrs: &[syn::Attribute]) -> Option<(usize, &'static str)> {
    attrs.iter().enumerate().find_map(|(index, attr)| {
        if !attr.path().is_ident("cfg") {
            return None;
        }
        let meta = attr.parse_args::<syn::MetaNameValue>().ok()?;
        let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(feature),
            ..
        }) = &meta.value
        else {
            return None;
        };
        let feature = feature.value();
        meta.path.is_ident("feature").then_some(())?;
        GATE_MACROS
            .iter()
            .find(|(_, f)| *f == feature)
            .map(|(m, _)| (index, *m))
    })
}

/// `crate::runtime::<gate>! { tokens }`.
fn gate_macro(gate: &str, tokens: TokenStream) -> syn::Macro {
    let gate = ident(gate);
    syn::parse_quote!(crate::runtime::#gate! { #tokens })
}

impl Pass<'_> {
    /// In a provider written as inline modules, the crate it lands in has none of the generated
    /// crate's features: an item under `#[cfg(feature = "icu")]` (or `transport-rmcp`) is put
    /// inside the runtime's gate macro for that feature instead.
    fn gate_items(&self, items: &mut [syn::Item]) {
        if self.routes.relative.is_none() {
            return;
        }
        for item in items.iter_mut() {
            let attrs = match item {
                syn::Item::Impl(i) => &mut i.attrs,
                syn::Item::Fn(i) => &mut i.attrs,
                syn::Item::Struct(i) => &mut i.attrs,
                syn::Item::Enum(i) => &mut i.attrs,
                syn::Item::Use(i) => &mut i.attrs,
                syn::Item::Const(i) => &mut i.attrs,
                syn::Item::Mod(i) => &mut i.attrs,
                _ => continue,
            };
            if let Some((index, gate)) = gate_of(attrs) {
                attrs.remove(index);
                let mac = gate_macro(gate, item.to_token_stream());
                *item = syn::Item::Macro(syn::ItemMacro {
                    attrs: Vec::new(),
                    ident: None,
                    mac,
                    semi_token: None,
                });
            }
        }
    }

    fn gate_impl_items(&self, items: &mut [syn::ImplItem]) {
        if self.routes.relative.is_none() {
            return;
        }
        for item in items.iter_mut() {
            let attrs = match item {
                syn::ImplItem::Fn(i) => &mut i.attrs,
                syn::ImplItem::Const(i) => &mut i.attrs,
                _ => continue,
            };
            if let Some((index, gate)) = gate_of(attrs) {
                attrs.remove(index);
                let mac = gate_macro(gate, item.to_token_stream());
                *item = syn::ImplItem::Macro(syn::ImplItemMacro {
                    attrs: Vec::new(),
                    mac,
                    semi_token: None,
                });
            }
        }
    }

    /// The segments that replace `crate::<provider>` at the current depth.
    fn provider_root(&self) -> Vec<syn::PathSegment> {
        if self.depth == 0 {
            vec![ident("self").into()]
        } else {
            (0..self.depth).map(|_| ident("super").into()).collect()
        }
    }

    /// The new leading segments and leading colon for a path, if it is one this pass routes.
    fn route(
        &self,
        leading_colon: bool,
        segments: &[&syn::Ident],
    ) -> Option<(bool, usize, Vec<syn::PathSegment>)> {
        let first = segments.first()?;
        if !leading_colon && *first == "crate" {
            let second = segments.get(1)?;
            if self.routes.shared && *second == "runtime" {
                return Some((true, 2, vec![ident(RUNTIME_CRATE).into()]));
            }
            if let Some((provider, _)) = &self.routes.relative
                && *second == provider.as_str()
            {
                return Some((false, 2, self.provider_root()));
            }
        }
        if leading_colon && self.routes.shared && REEXPORTED.iter().any(|c| *first == c) {
            return Some((true, 0, vec![ident(RUNTIME_CRATE).into()]));
        }
        None
    }

    /// Rewrites `path`'s leading segments; returns how many segments it gained (for a
    /// qualified path's `position`).
    fn rewrite_path(&self, path: &mut syn::Path) -> isize {
        let idents: Vec<&syn::Ident> = path.segments.iter().map(|s| &s.ident).collect();
        let Some((colon, drop, prefix)) = self.route(path.leading_colon.is_some(), &idents) else {
            return 0;
        };
        let gained = prefix.len() as isize - drop as isize;
        let rest: Vec<syn::PathSegment> = path.segments.iter().skip(drop).cloned().collect();
        path.leading_colon = colon.then(Default::default);
        path.segments = prefix.into_iter().chain(rest).collect::<Punctuated<_, _>>();
        gained
    }

    /// `<T as ::serde::Deserialize>::f`: the trait's segments are the first `position` of the
    /// path, so the position moves with the rewrite.
    fn rewrite_qualified(&self, qself: Option<&mut syn::QSelf>, path: &mut syn::Path) {
        let gained = self.rewrite_path(path);
        if let Some(qself) = qself
            && qself.position > 0
        {
            qself.position = qself.position.saturating_add_signed(gained);
        }
    }

    /// A string that holds a path (`deserialize_with = "crate::runtime::..."`) or doc links
    /// (`[x](crate::runtime::X)`), rewritten like the paths of the code.
    fn rewrite_text(&self, text: &str, in_docs: bool) -> String {
        let mut text = text.to_string();
        let runtime_to = if in_docs {
            format!("{RUNTIME_CRATE}::")
        } else {
            format!("::{RUNTIME_CRATE}::")
        };
        let (open, runtime_to) = if in_docs {
            ("](", format!("]({runtime_to}"))
        } else {
            ("", runtime_to)
        };
        if self.routes.shared {
            text = text.replace(&format!("{open}crate::runtime::"), &runtime_to);
        }
        if let Some((provider, _)) = &self.routes.relative {
            let root = self
                .provider_root()
                .iter()
                .map(|s| format!("{}::", s.ident))
                .collect::<String>();
            text = text.replace(
                &format!("{open}crate::{provider}::"),
                &format!("{open}{root}"),
            );
        }
        text
    }

    fn rewrite_literal(&self, literal: &mut syn::LitStr, in_docs: bool) {
        let value = literal.value();
        let routed = self.rewrite_text(&value, in_docs);
        if routed != value {
            *literal = syn::LitStr::new(&routed, literal.span());
        }
    }

    /// `#[serde(crate = "::toolgen_runtime::serde")]`, for an item that derives serde's traits.
    fn serde_crate_attr(&self, attrs: &mut Vec<syn::Attribute>) {
        if !self.routes.shared {
            return;
        }
        let derives_serde = attrs.iter().any(|attr| {
            attr.path().is_ident("derive")
                && attr
                    .parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
                    .is_ok_and(|paths| {
                        paths.iter().any(|p| {
                            p.segments.iter().any(|s| s.ident == "serde")
                                && (is(p.segments.last(), "Serialize")
                                    || is(p.segments.last(), "Deserialize"))
                        })
                    })
        });
        if derives_serde {
            let krate = format!("::{RUNTIME_CRATE}::serde");
            attrs.push(syn::parse_quote!(#[serde(crate = #krate)]));
        }
    }
}

impl VisitMut for Pass<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        self.rewrite_path(path);
        visit_mut::visit_path_mut(self, path);
    }

    // Qualified paths are rewritten here first (the rewrite is idempotent, so the visit of the
    // inner path that follows changes nothing more).
    fn visit_expr_path_mut(&mut self, expr: &mut syn::ExprPath) {
        self.rewrite_qualified(expr.qself.as_mut(), &mut expr.path);
        visit_mut::visit_expr_path_mut(self, expr);
    }

    fn visit_type_path_mut(&mut self, ty: &mut syn::TypePath) {
        self.rewrite_qualified(ty.qself.as_mut(), &mut ty.path);
        visit_mut::visit_type_path_mut(self, ty);
    }

    fn visit_item_use_mut(&mut self, item: &mut syn::ItemUse) {
        // `use crate::runtime::x::{A, B};` and `use ::serde::X;` are use trees, not paths.
        let mut idents = Vec::new();
        let mut tree = &item.tree;
        while let syn::UseTree::Path(path) = tree {
            idents.push(&path.ident);
            tree = &path.tree;
        }
        if let Some((colon, drop, prefix)) = self.route(item.leading_colon.is_some(), &idents) {
            let mut rest = item.tree.clone();
            for _ in 0..drop {
                if let syn::UseTree::Path(path) = rest {
                    rest = *path.tree;
                }
            }
            for segment in prefix.into_iter().rev() {
                rest = syn::UseTree::Path(syn::UsePath {
                    ident: segment.ident,
                    colon2_token: Default::default(),
                    tree: Box::new(rest),
                });
            }
            item.tree = rest;
            item.leading_colon = colon.then(Default::default);
        }
        visit_mut::visit_item_use_mut(self, item);
    }

    fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
        if attr.path().is_ident("derive") {
            if let Ok(mut paths) =
                attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            {
                for path in paths.iter_mut() {
                    self.rewrite_path(path);
                }
                if let syn::Meta::List(list) = &mut attr.meta {
                    list.tokens = paths.to_token_stream();
                }
            }
            return;
        }
        if let syn::Meta::NameValue(nv) = &mut attr.meta
            && nv.path.is_ident("doc")
            && let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) = &mut nv.value
        {
            self.rewrite_literal(text, true);
            return;
        }
        if attr.path().is_ident("serde")
            && let syn::Meta::List(list) = &mut attr.meta
        {
            // `deserialize_with = "crate::runtime::nullable::deserialize"` and the like.
            let tokens = std::mem::take(&mut list.tokens);
            list.tokens = tokens
                .into_iter()
                .map(|tree| match tree {
                    proc_macro2::TokenTree::Literal(literal) => {
                        match syn::parse2::<syn::LitStr>(literal.to_token_stream()) {
                            Ok(mut text) => {
                                self.rewrite_literal(&mut text, false);
                                text.to_token_stream()
                            }
                            Err(_) => literal.to_token_stream(),
                        }
                    }
                    other => other.to_token_stream(),
                })
                .collect();
            return;
        }
        visit_mut::visit_attribute_mut(self, attr);
    }

    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        visit_mut::visit_item_struct_mut(self, item);
        self.serde_crate_attr(&mut item.attrs);
    }

    fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
        visit_mut::visit_item_enum_mut(self, item);
        self.serde_crate_attr(&mut item.attrs);
    }

    fn visit_file_mut(&mut self, file: &mut syn::File) {
        self.gate_items(&mut file.items);
        visit_mut::visit_file_mut(self, file);
    }

    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        self.gate_impl_items(&mut item.items);
        visit_mut::visit_item_impl_mut(self, item);
    }

    fn visit_item_mod_mut(&mut self, item: &mut syn::ItemMod) {
        if let Some((_, items)) = &mut item.content {
            self.gate_items(items);
        }
        let inline = item.content.is_some();
        self.depth += usize::from(inline);
        visit_mut::visit_item_mod_mut(self, item);
        self.depth -= usize::from(inline);
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        visit_mut::visit_macro_mut(self, mac);
        // The runtime's feature gates hold generated items: route them too.
        let gate = mac
            .path
            .segments
            .last()
            .is_some_and(|s| GATE_MACROS.iter().any(|(m, _)| s.ident == m));
        if gate && let Ok(mut body) = syn::parse2::<syn::File>(mac.tokens.clone()) {
            self.visit_file_mut(&mut body);
            let items = body.items;
            mac.tokens = quote!(#(#items)*);
        }
    }
}

/// Prints a routed file back to tokens, for callers that hold tokens.
#[cfg(test)]
fn routed(tokens: TokenStream, routes: &Routes) -> String {
    let mut file: syn::File = syn::parse2(tokens).expect("test input parses");
    routes.apply(&mut file);
    file.to_token_stream().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared() -> Routes {
        Routes::new(&Runtime::Shared { path: None })
    }

    #[test]
    fn shared_runtime_paths_go_through_the_runtime_crate() {
        let out = routed(
            quote! {
                use crate::runtime::locale::{LocaleRow, NO_MATCH};
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
                pub struct A {
                    #[serde(default, deserialize_with = "crate::runtime::nullable::deserialize")]
                    pub x: ::serde_json::Value,
                }
                /// See [`Error`](crate::runtime::Error).
                pub fn f() -> crate::runtime::Call<crate::workos::A> {
                    <String as ::serde::Deserialize>::deserialize(d)
                }
            },
            &shared(),
        );
        assert!(
            out.contains("use :: toolgen_runtime :: locale :: { LocaleRow , NO_MATCH }"),
            "{out}"
        );
        assert!(out.contains("derive (:: toolgen_runtime :: serde :: Deserialize , :: toolgen_runtime :: serde :: Serialize , Clone)"), "{out}");
        assert!(
            out.contains("serde (crate = \"::toolgen_runtime::serde\")"),
            "{out}"
        );
        assert!(
            out.contains("\"::toolgen_runtime::nullable::deserialize\""),
            "{out}"
        );
        assert!(
            out.contains(":: toolgen_runtime :: serde_json :: Value"),
            "{out}"
        );
        assert!(out.contains("(toolgen_runtime::Error)"), "{out}");
        assert!(
            out.contains(":: toolgen_runtime :: Call < crate :: workos :: A >"),
            "{out}"
        );
        assert!(
            out.contains("< String as :: toolgen_runtime :: serde :: Deserialize > :: deserialize"),
            "{out}"
        );
        assert!(
            !out.contains("crate :: runtime") && !out.contains("crate::runtime"),
            "{out}"
        );
    }

    #[test]
    fn feature_gated_items_of_a_provider_module_use_the_runtime_gates() {
        let out = routed(
            quote! {
                impl Client {
                    #[cfg(feature = "transport-rmcp")]
                    pub fn connect_http(url: String) -> crate::runtime::HttpBuilder<Self> {
                        crate::runtime::HttpBuilder::new(url)
                    }
                }
                #[cfg(feature = "icu")]
                impl From<crate::workos::A> for ::icu_locale_core::LanguageIdentifier {}
            },
            &shared().relative_to("workos", 0),
        );
        assert!(out.contains(":: toolgen_runtime :: __toolgen_if_transport_rmcp ! { pub fn connect_http (url : String) -> :: toolgen_runtime :: HttpBuilder < Self >"), "{out}");
        assert!(out.contains(":: toolgen_runtime :: __toolgen_if_icu ! { impl From < self :: A > for :: toolgen_runtime :: icu_locale_core"), "{out}");
        assert!(!out.contains("cfg"), "{out}");
    }

    #[test]
    fn vendored_paths_stay() {
        let input = quote! {
            #[derive(::serde::Serialize)]
            pub struct A(pub crate::runtime::Call<::serde_json::Value>);
        };
        let expected = syn::parse2::<syn::File>(input.clone())
            .expect("parses")
            .to_token_stream()
            .to_string();
        assert_eq!(routed(input, &Routes::new(&Runtime::Vendored)), expected);
    }

    #[test]
    fn provider_paths_become_relative_to_the_provider_module() {
        let out = routed(
            quote! {
                pub struct Client { pub(crate) client: crate::runtime::Client }
                impl crate::workos::Client {}
                pub mod ns {
                    /// Calls [`x`](crate::workos::Ns::x).
                    pub mod tool {
                        impl crate::workos::Ns<'_> {}
                        crate::runtime::__toolgen_if_icu! {
                            impl From<crate::workos::A> for ::icu_locale_core::LanguageIdentifier {}
                        }
                    }
                }
            },
            &shared().relative_to("workos", 0),
        );
        assert!(out.contains("impl self :: Client"), "{out}");
        assert!(out.contains("impl super :: super :: Ns < '_ >"), "{out}");
        assert!(out.contains("(super::super::Ns::x)"), "{out}");
        assert!(
            out.contains(":: toolgen_runtime :: __toolgen_if_icu !"),
            "{out}"
        );
        assert!(
            out.contains("From < super :: super :: A > for :: toolgen_runtime :: icu_locale_core"),
            "{out}"
        );
        assert!(
            !out.contains("crate ::") && !out.contains("crate::"),
            "{out}"
        );
    }
}
