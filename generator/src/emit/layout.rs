//! The build-step layout: folds each provider's module files into one file of inline modules,
//! `<module>.rs` holding `pub mod <module> { ... }`, that an application `include!`s anywhere.

use std::collections::BTreeMap;

use quote::quote;

use super::files::{Contents, EmittedFile};
use super::paths::Routes;
use crate::model::Model;
use crate::options::Runtime;

/// One file per provider, from the files of the crate layout (`src/<module>/...`); the crate's
/// own files (`lib.rs`, `Cargo.toml`, the runtime) are left out.
pub(super) fn provider_files(model: &Model, files: Vec<EmittedFile>) -> Vec<EmittedFile> {
    let mut by_path: BTreeMap<String, EmittedFile> =
        files.into_iter().map(|f| (f.path.clone(), f)).collect();
    let mut out = Vec::new();
    for provider in &model.providers {
        let dir = format!("src/{}", provider.module);
        let Some(root) = by_path.remove(&format!("{dir}/mod.rs")) else {
            continue;
        };
        let mut sources = root.sources.clone();
        let Some(mut root) = parsed(root.contents) else {
            continue;
        };
        root.items = inline(&dir, root.items, &mut by_path, &mut sources);
        // Routed before it is wrapped, so that the provider module is depth 0.
        Routes::new(&Runtime::Shared { path: None })
            .relative_to(&provider.module, 0)
            .apply(&mut root);
        let module = quote::format_ident!("{}", provider.module);
        let attrs = &root.attrs;
        let items = &root.items;
        let wrapped = quote! {
            pub mod #module {
                #(#attrs)*
                #(#items)*
            }
        };
        sources.sort();
        sources.dedup();
        out.push(EmittedFile {
            path: format!("{}.rs", provider.module),
            contents: Contents::Rust(wrapped),
            sources,
        });
    }
    out
}

fn parsed(contents: Contents) -> Option<syn::File> {
    match contents {
        Contents::Parsed(file) => Some(*file),
        Contents::Rust(tokens) => syn::parse2(tokens).ok(),
        Contents::Text(_) => None,
    }
}

/// Replaces each `mod x;` among `items` (a module whose files live in `dir`) by the inline module
/// made of `dir/x.rs` or `dir/x/mod.rs`, recursively.
fn inline(
    dir: &str,
    items: Vec<syn::Item>,
    files: &mut BTreeMap<String, EmittedFile>,
    sources: &mut Vec<String>,
) -> Vec<syn::Item> {
    items
        .into_iter()
        .map(|item| match item {
            syn::Item::Mod(mut module) if module.content.is_none() => {
                let name = module.ident.to_string();
                let child_dir = format!("{dir}/{name}");
                let file = files
                    .remove(&format!("{dir}/{name}.rs"))
                    .or_else(|| files.remove(&format!("{child_dir}/mod.rs")));
                if let Some(file) = file {
                    sources.extend(file.sources.iter().cloned());
                    if let Some(parsed) = parsed(file.contents) {
                        // The file's inner attributes (`#![doc = ...]`) stay inner, inside the
                        // braces of the inline module.
                        module.attrs.extend(parsed.attrs);
                        let items = inline(&child_dir, parsed.items, files, sources);
                        module.content = Some((Default::default(), items));
                        module.semi = None;
                    }
                }
                syn::Item::Mod(module)
            }
            other => other,
        })
        .collect()
}
