//! Field names: every property's Rust field name decided through the naming policy before typify
//! runs (placeholders for the keys it would name otherwise), and the real keys put back into
//! typify's output afterwards.

use std::collections::BTreeMap;

use proc_macro2::{TokenStream as Tokens, TokenTree};
use serde_json::Value;
use syn::visit_mut::{self, VisitMut};

use super::walk::each_subschema;

/// The name typify gives the flattened map that keeps an object's other properties.
pub(super) const EXTRA_FIELD: &str = "extra";

/// Marks a property key whose field name the generator chose. typify turns the key into a field
/// name by dropping this character (it cannot continue an identifier), and writes the key into
/// the field's `serde(rename)`, from which [`RestoreWireNames`] puts the real key back.
const FIELD_MARK: char = '\u{1}';

/// Decides every field name through the naming policy, so that `account_id` next to `accountId`,
/// keywords and non-identifiers all get distinct, stable names. Keys whose name is the key itself
/// are left alone; the others are replaced by `<name>` + [`FIELD_MARK`], recorded in `wire_names`.
pub(super) fn name_fields(schema: &mut Value, wire_names: &mut BTreeMap<String, String>) {
    if let Value::Object(object) = schema {
        let extra = matches!(object.get("additionalProperties"), Some(Value::Object(_)));
        if let Some(Value::Object(properties)) = object.get_mut("properties") {
            let keys: Vec<String> = properties.keys().cloned().collect();
            // Names an overlay asked for (`x-toolgen-field`, checked at load to be valid and
            // distinct) come first, then keys that already are their own name, so neither
            // ever moves. typify names the flattened map of other properties `extra`; a
            // property of that name moves aside.
            let asked: BTreeMap<String, String> = properties
                .iter()
                .filter_map(|(key, schema)| {
                    let name = schema.get(crate::keywords::FIELD)?.as_str()?;
                    Some((key.clone(), name.to_string()))
                })
                .collect();
            let own_name = |k: &String| {
                crate::naming::snake_name(k) == *k
                    && !(extra && k == EXTRA_FIELD)
                    && !asked.contains_key(k)
            };
            let mut scope = crate::naming::Scope::default();
            let mut renamed = BTreeMap::new();
            if extra {
                scope.claim(EXTRA_FIELD, "_");
            }
            for name in asked.values() {
                scope.claim(name, "_");
            }
            for key in keys.iter().filter(|k| own_name(k)) {
                scope.claim(key, "_");
            }
            let wanted = keys.iter().filter_map(|key| match asked.get(key) {
                Some(name) if name == key => None,
                Some(name) => Some((key, name.clone())),
                None if own_name(key) => None,
                None => Some((key, scope.claim(&crate::naming::snake_name(key), "_"))),
            });
            let wanted: Vec<(&String, String)> = wanted.collect();
            for (key, name) in wanted {
                // One placeholder per wire name in the whole tool: `self` in one object and
                // `Self` in another both want the field `self_`, so the mark is repeated.
                let mut placeholder = format!("{name}{FIELD_MARK}");
                while wire_names.get(&placeholder).is_some_and(|wire| wire != key) {
                    placeholder.push(FIELD_MARK);
                }
                wire_names.insert(placeholder.clone(), key.clone());
                renamed.insert(key.clone(), placeholder);
            }
            if !renamed.is_empty() {
                let old = std::mem::take(properties);
                for (key, value) in old {
                    let key = renamed.get(&key).cloned().unwrap_or(key);
                    properties.insert(key, value);
                }
                if let Some(Value::Array(required)) = object.get_mut("required") {
                    for entry in required.iter_mut() {
                        if let Some(new) = entry.as_str().and_then(|k| renamed.get(k)) {
                            *entry = Value::String(new.clone());
                        }
                    }
                }
            }
        }
    }
    each_subschema(schema, |child| {
        name_fields(child, wire_names);
        false
    });
}

/// Puts the real property keys back into the string literals typify wrote from placeholders.
pub(super) struct RestoreWireNames<'a>(pub(super) &'a BTreeMap<String, String>);

impl RestoreWireNames<'_> {
    fn tokens(&self, tokens: Tokens) -> Tokens {
        tokens
            .into_iter()
            .map(|tree| match tree {
                TokenTree::Literal(literal) => {
                    let lit =
                        syn::parse2::<syn::LitStr>(TokenTree::Literal(literal.clone()).into());
                    match lit.ok().and_then(|l| self.0.get(&l.value())) {
                        Some(key) => TokenTree::Literal(proc_macro2::Literal::string(key)),
                        None => TokenTree::Literal(literal),
                    }
                }
                TokenTree::Group(group) => {
                    let mut new =
                        proc_macro2::Group::new(group.delimiter(), self.tokens(group.stream()));
                    new.set_span(group.span());
                    TokenTree::Group(new)
                }
                other => other,
            })
            .collect()
    }
}

impl VisitMut for RestoreWireNames<'_> {
    fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
        if let syn::Meta::List(list) = &mut attr.meta {
            list.tokens = self.tokens(std::mem::take(&mut list.tokens));
        }
        visit_mut::visit_attribute_mut(self, attr);
    }

    fn visit_lit_str_mut(&mut self, lit: &mut syn::LitStr) {
        if let Some(key) = self.0.get(&lit.value()) {
            *lit = syn::LitStr::new(key, lit.span());
        }
    }
}
