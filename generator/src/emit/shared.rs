//! The shared modules: a provider's `shared` module (the enums and object types several of its
//! tools use, and its CLDR tables) and the crate-wide module of locale enums that several
//! providers repeat.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::files::Dependencies;
use super::{enums, locale, types};
use crate::diagnostics::Diagnostic;
use crate::model::{CRATE_SHARED_MODULE, Model, Operation, Provider};
use crate::options::EmitOptions;

/// The shared enums and object types of a provider.
pub(super) fn shared_module(
    provider: &Provider,
    options: &EmitOptions,
) -> Result<(TokenStream, Dependencies, Vec<Diagnostic>), Box<Diagnostic>> {
    let what = if provider.shared_objects.is_empty() {
        "Enums"
    } else {
        "Enums and types"
    };
    let doc = format!(
        "{what} shared by several tools of the `{}` provider.",
        provider.folder
    );
    let tables = locale::tables(provider);
    let enums = provider
        .shared_enums
        .iter()
        .map(|ty| enums::string_enum(ty, true, &options.docs, tables.as_ref()));
    let data = provider.locale_data.as_ref().map(locale::data);
    let (objects, uses, warnings) = match shared_objects_op(provider) {
        Some(op) => {
            let types::ToolTypes {
                items, warnings, ..
            } = types::tool_types(provider, &op, &[], &options.docs)?;
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

/// The crate-wide module of the locale enums that several providers repeat exactly, with their
/// CLDR tables; `None` when there are none.
pub(super) fn crate_shared_module(model: &Model, options: &EmitOptions) -> Option<TokenStream> {
    if model.crate_enums.is_empty() {
        return None;
    }
    let module = format_ident!("{}", CRATE_SHARED_MODULE);
    let tables = model.crate_locale_data.as_ref().map(|data| locale::Tables {
        data,
        module: quote!(crate::#module),
    });
    let enums = model
        .crate_enums
        .iter()
        .map(|e| enums::string_enum(&e.ty, true, &options.docs, tables.as_ref()));
    let data = model.crate_locale_data.as_ref().map(locale::data);
    Some(quote! {
        #![doc = "Locale enums that several providers repeat exactly, shared by all of them."]
        #(#enums)*
        #data
    })
}

/// The schema files behind a provider's shared module: those of the tools that use a shared
/// enum or object type.
pub(super) fn shared_sources(provider: &Provider) -> Vec<String> {
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
