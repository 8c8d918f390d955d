//! Locale enums: which string enums are locales, the CLDR tables they share, and the
//! locale enums that several providers repeat, moved into one crate-wide type.

use std::collections::{BTreeMap, BTreeSet};

use super::ir::{CRATE_SHARED_MODULE, CrateEnum, EnumType, Model, Namespace, Operation};
use crate::cldr::{self, LocaleData, LocaleInfo};
use crate::naming::{self, Scope};
use crate::tool::Tool;

/// Decides whether an enum is a locale enum. Its CLDR data is resolved later, once for all
/// locale enums of its provider (see [`Provider::locale_data`](super::Provider::locale_data)).
///
/// It is one when every value is a well-formed BCP 47 language tag (as icu_locale_core parses
/// it) and either a name it was found under says locale, language or lang, or it has at least
/// ten values whose languages CLDR knows. `forced` (the schema keyword `x-toolgen-locale`) overrides the
/// names and the count, but never makes a non-tag a locale.
pub fn detect_locale(
    values: &[String],
    hints: &[String],
    forced: Option<bool>,
) -> Option<LocaleInfo> {
    if forced == Some(false) {
        return None;
    }
    let tags: Vec<_> = values
        .iter()
        .map(|v| cldr::parse_tag(v))
        .collect::<Option<_>>()?;
    let named = hints.iter().any(|hint| naming::says_locale(hint));
    let many = tags.len() >= 10 && tags.iter().all(cldr::is_known_language);
    if forced == Some(true) || named || many {
        cldr::locale_info(values)
    } else {
        None
    }
}

/// Resolves the CLDR tables of each provider's locale enums, and of the crate-wide ones, once
/// for the union of their values: an enum only points into them, so many different locale enums
/// cost one resolution.
pub(super) fn resolve_locales(model: &mut Model) {
    for provider in &mut model.providers {
        let operations = provider.root.all_operations();
        let locals = operations.iter().flat_map(|op| op.local_enums.iter());
        let tags: BTreeSet<&str> = provider
            .shared_enums
            .iter()
            .chain(locals)
            .filter_map(|ty| ty.locale.as_ref())
            .flat_map(|info| info.tags.iter().map(String::as_str))
            .collect();
        let data = LocaleData::build(tags);
        provider.locale_data = data;
    }
    let tags: BTreeSet<&str> = model
        .crate_enums
        .iter()
        .filter_map(|e| e.ty.locale.as_ref())
        .flat_map(|info| info.tags.iter().map(String::as_str))
        .collect();
    model.crate_locale_data = LocaleData::build(tags);
}

/// Moves locale enums with exactly the same values in two or more providers into one crate-wide
/// type, named after its most common name, so that a user negotiates one `Locale` for all.
pub(super) fn share_locales_across_providers(model: &mut Model) {
    // values → (provider index, enum name) of every closed locale enum, shared or local.
    let mut seen: BTreeMap<Vec<String>, BTreeSet<(usize, String)>> = BTreeMap::new();
    for (index, provider) in model.providers.iter().enumerate() {
        let shared = provider.shared_enums.iter();
        let operations = provider.root.all_operations();
        let locals = operations.iter().flat_map(|op| op.local_enums.iter());
        for ty in shared
            .chain(locals)
            .filter(|ty| ty.locale.is_some() && !ty.open)
        {
            let values = ty.variants.iter().map(|v| v.value.clone()).collect();
            seen.entry(values)
                .or_default()
                .insert((index, ty.name.clone()));
        }
    }
    let mut scope = Scope::default();
    for (values, users) in seen {
        let providers: BTreeSet<usize> = users.iter().map(|(index, _)| *index).collect();
        if providers.len() < 2 {
            continue;
        }
        let mut names: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, name) in &users {
            *names.entry(name.as_str()).or_default() += 1;
        }
        let wanted = names
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(name, _)| name.to_string())
            .unwrap_or_else(|| "Locale".to_string());
        let name = scope.claim(&wanted, "");
        let path = format!("crate::{CRATE_SHARED_MODULE}::{name}");
        let mut shared_ty: Option<EnumType> = None;
        let mut used_by = BTreeSet::new();
        for index in &providers {
            let provider = &mut model.providers[*index];
            let matches = |ty: &EnumType| {
                ty.locale.is_some()
                    && !ty.open
                    && ty.variants.iter().map(|v| &v.value).eq(values.iter())
            };
            // A provider-wide shared enum: every tool that used it now points at the crate's.
            if let Some(position) = provider.shared_enums.iter().position(&matches) {
                let ty = provider.shared_enums.remove(position);
                collect_operations_mut_each(&mut provider.root, &mut |op| {
                    if op.shared_enums.remove(&ty.name) {
                        op.external_enums.insert(ty.name.clone(), path.clone());
                        used_by.insert(format!("{}: {}", provider_label(&op.tool), op.tool.name));
                    }
                });
                shared_ty.get_or_insert(ty);
            }
            collect_operations_mut_each(&mut provider.root, &mut |op| {
                if let Some(position) = op.local_enums.iter().position(&matches) {
                    let ty = op.local_enums.remove(position);
                    op.external_enums.insert(ty.name.clone(), path.clone());
                    used_by.insert(format!("{}: {}", provider_label(&op.tool), op.tool.name));
                    if shared_ty.is_none() {
                        shared_ty = Some(ty);
                    }
                }
            });
        }
        if let Some(mut ty) = shared_ty {
            ty.name = name;
            ty.used_by = used_by.into_iter().collect();
            ty.description = None;
            let features = providers
                .iter()
                .map(|index| model.providers[*index].feature.clone())
                .collect();
            model.crate_enums.push(CrateEnum { ty, features });
        }
    }
    model.crate_enums.sort_by(|a, b| a.ty.name.cmp(&b.ty.name));
}

pub(super) fn provider_label(tool: &Tool) -> &str {
    &tool.provider
}

pub(super) fn collect_operations_mut_each(
    namespace: &mut Namespace,
    f: &mut impl FnMut(&mut Operation),
) {
    namespace.operations.iter_mut().for_each(&mut *f);
    for child in &mut namespace.children {
        collect_operations_mut_each(child, f);
    }
}
