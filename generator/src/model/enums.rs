//! String enums: finds them in the schemas, decides which a provider shares, and names them
//! and their variants.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::ir::{EnumType, Operation, Variant};
use super::locales::detect_locale;
use super::namespace::common_namespace;
use crate::diagnostics::pointer_token;
use crate::keywords::{LOCALE, string_values};
use crate::naming::{self, Scope};

/// Variant names the enum API reserves for itself.
pub(super) const RESERVED_VARIANTS: &[&str] = &["Unknown"];

/// A string enum found in one tool's schema.
pub(super) struct Found {
    pub(super) tool: usize,
    /// Index of the definition it was found in, its name, and the pointer inside it.
    pub(super) definition: usize,
    pub(super) prefix: String,
    pub(super) pointer: String,
    /// The property path from the tool's root type, for naming a local enum.
    pub(super) hint_path: Vec<String>,
    pub(super) values: Vec<String>,
    pub(super) description: Option<String>,
    /// The enum schema's [`LOCALE`], when it has a boolean one.
    pub(super) forced_locale: Option<bool>,
    /// Descriptions of single values, kept when a union of constants became this enum.
    pub(super) variant_docs: BTreeMap<String, String>,
    /// Found in the output schema: the enum is open.
    pub(super) open: bool,
    /// The type name an overlay asked for ([`crate::keywords::TYPE`]).
    pub(super) type_rename: Option<String>,
    /// Value → variant name, as an overlay asked ([`crate::keywords::VARIANTS`]).
    pub(super) variant_renames: BTreeMap<String, String>,
}

impl Found {
    /// Enums are shared when their values and their direction agree.
    pub(super) fn key(&self) -> (&Vec<String>, bool) {
        (&self.values, self.open)
    }
}

pub(super) struct SharedEnum {
    pub(super) variants_values: Vec<String>,
    pub(super) ty: EnumType,
}

/// Names each shared enum after the property it is found under most often (`Locale`). Enums that
/// want the same name are told apart by the namespace their tools share, then by a number, in an
/// order fixed by their values; none of them keeps the bare name, so none is picked arbitrarily.
pub(super) fn name_shared_enums(
    found: &[Found],
    shared_values: &BTreeSet<(Vec<String>, bool)>,
    ops: &[&mut Operation],
) -> Vec<SharedEnum> {
    let mut candidates = Vec::new();
    for (values, open) in shared_values {
        let mut hint_counts: BTreeMap<String, usize> = BTreeMap::new();
        let mut used_by = BTreeSet::new();
        let mut forced = None;
        let mut variant_docs: BTreeMap<String, String> = BTreeMap::new();
        // A rename on any occurrence renames the one shared type, so it applies everywhere.
        let mut rename: Option<String> = None;
        let mut variant_renames: BTreeMap<String, String> = BTreeMap::new();
        for f in found.iter().filter(|f| f.key() == (values, *open)) {
            rename = rename.or_else(|| f.type_rename.clone());
            for (value, name) in &f.variant_renames {
                variant_renames
                    .entry(value.clone())
                    .or_insert_with(|| name.clone());
            }
            for (value, doc) in &f.variant_docs {
                variant_docs
                    .entry(value.clone())
                    .or_insert_with(|| doc.clone());
            }
            // A `false` anywhere wins: one tool saying "not a locale" is enough to be careful.
            forced = match (forced, f.forced_locale) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), _) | (_, Some(true)) => Some(true),
                _ => None,
            };
            let hint = f
                .hint_path
                .last()
                .cloned()
                .unwrap_or_else(|| f.prefix.clone());
            *hint_counts.entry(hint).or_default() += 1;
            used_by.insert(ops[f.tool].tool.name.clone());
        }
        let mut hints: Vec<(String, usize)> = hint_counts.into_iter().collect();
        hints.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let base = naming::type_name(&hints[0].0);
        candidates.push((
            rename.clone().unwrap_or(base),
            values.clone(),
            hints,
            used_by,
            forced,
            (variant_docs, variant_renames, rename.is_some()),
            *open,
        ));
    }
    let mut by_base: BTreeMap<String, usize> = BTreeMap::new();
    for (base, ..) in &candidates {
        *by_base.entry(base.clone()).or_default() += 1;
    }
    let mut scope = Scope::default();
    // Unique bases first, so that a clash elsewhere can never take a bare name from them.
    // Names an overlay asked for come first of all.
    candidates.sort_by_key(|(base, values, _, _, _, (_, _, renamed), open)| {
        (
            !*renamed,
            by_base[base] > 1,
            base.clone(),
            values.clone(),
            *open,
        )
    });
    candidates
        .into_iter()
        .map(
            |(
                base,
                values,
                hints,
                used_by,
                forced,
                (variant_docs, variant_renames, renamed),
                open,
            )| {
                // A name an overlay asked for is taken as it is.
                let wanted = if by_base[&base] > 1 && !renamed {
                    naming::namespaced_type(&base, &common_namespace(&used_by))
                } else {
                    base
                };
                let name = scope.claim(&wanted, "");
                let hints: Vec<String> = hints.into_iter().map(|(h, _)| h).collect();
                let locale = if open {
                    None
                } else {
                    detect_locale(&values, &hints, forced)
                };
                SharedEnum {
                    variants_values: values.clone(),
                    ty: EnumType {
                        name,
                        description: None,
                        hints,
                        variants: variants(&values, &variant_docs, &variant_renames),
                        used_by: used_by.into_iter().collect(),
                        locale,
                        open,
                    },
                }
            },
        )
        .collect()
}

/// Variants in schema order; a name already taken gets the next free number, so a value added
/// later never renames an earlier one. Names an overlay asked for (checked at load to be valid
/// and distinct) are claimed first.
pub(super) fn variants(
    values: &[String],
    docs: &BTreeMap<String, String>,
    renames: &BTreeMap<String, String>,
) -> Vec<Variant> {
    let mut scope = Scope::with_reserved(RESERVED_VARIANTS.iter().copied());
    for value in values {
        if let Some(name) = renames.get(value) {
            scope.claim(name, "");
        }
    }
    values
        .iter()
        .map(|value| Variant {
            name: match renames.get(value) {
                Some(name) => name.clone(),
                None => scope.claim(&naming::variant_name(value), ""),
            },
            value: value.clone(),
            description: docs.get(value).cloned(),
        })
        .collect()
}

/// Is this schema a plain string enum that the generator emits itself? Its values, if so.
pub(super) fn string_enum(object: &Map<String, Value>) -> Option<Vec<String>> {
    let type_ok = match object.get("type") {
        None => true,
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(types)) => types.len() == 1 && types[0] == "string",
        Some(_) => false,
    };
    const STRUCTURAL: &[&str] = &[
        "properties",
        "items",
        "anyOf",
        "oneOf",
        "allOf",
        "not",
        "$ref",
        "if",
    ];
    if !type_ok || STRUCTURAL.iter().any(|k| object.contains_key(*k)) {
        return None;
    }
    // A string `const` is a one-value enum; as an enum its type enforces it.
    string_values(object)
}

pub(super) type OnEnum<'a> =
    dyn FnMut(String, Vec<String>, Vec<String>, Option<String>, Option<bool>) + 'a;

/// Walks a schema and reports every string enum with its pointer and property path.
pub(super) fn find_enums(
    schema: &Value,
    pointer: &str,
    hint_path: &[String],
    on_enum: &mut OnEnum<'_>,
) {
    let Value::Object(object) = schema else {
        return;
    };
    if let Some(values) = string_enum(object) {
        let description = object
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string);
        let forced_locale = object.get(LOCALE).and_then(Value::as_bool);
        on_enum(
            pointer.to_string(),
            hint_path.to_vec(),
            values,
            description,
            forced_locale,
        );
        return;
    }
    for key in ["properties", "patternProperties", "$defs", "definitions"] {
        if let Some(Value::Object(children)) = object.get(key) {
            for (name, child) in children {
                let mut path = hint_path.to_vec();
                if key != "patternProperties" {
                    path.push(name.clone());
                }
                let child_pointer = format!("{pointer}/{key}/{}", pointer_token(name));
                find_enums(child, &child_pointer, &path, on_enum);
            }
        }
    }
    for key in ["items", "additionalProperties", "not", "contains"] {
        if let Some(child) = object.get(key) {
            if child.is_array() {
                for (i, item) in child.as_array().into_iter().flatten().enumerate() {
                    find_enums(item, &format!("{pointer}/{key}/{i}"), hint_path, on_enum);
                }
            } else {
                find_enums(child, &format!("{pointer}/{key}"), hint_path, on_enum);
            }
        }
    }
    for key in ["anyOf", "oneOf", "allOf", "prefixItems"] {
        if let Some(Value::Array(children)) = object.get(key) {
            // A union's discriminator stays a `const`, so that typify makes a tagged enum.
            let tag = matches!(key, "anyOf" | "oneOf")
                .then(|| discriminator(children))
                .flatten();
            for (i, child) in children.iter().enumerate() {
                let child_pointer = format!("{pointer}/{key}/{i}");
                match (&tag, child) {
                    (Some(tag), Value::Object(branch)) => {
                        let mut branch = branch.clone();
                        if let Some(Value::Object(properties)) = branch.get_mut("properties") {
                            properties.remove(tag);
                        }
                        find_enums(&Value::Object(branch), &child_pointer, hint_path, on_enum);
                    }
                    _ => find_enums(child, &child_pointer, hint_path, on_enum),
                }
            }
        }
    }
}

/// The property that tells a union's object branches apart: required in every branch, and a
/// string `const` (or one-value `enum`) with a different value in each.
pub(crate) fn discriminator(branches: &[Value]) -> Option<String> {
    let first = branches.first()?.get("properties")?.as_object()?;
    let constant = |branch: &Value, key: &str| -> Option<String> {
        let property = branch.get("properties")?.get(key)?;
        let value = match (property.get("const"), property.get("enum")) {
            (Some(value), _) => value,
            (None, Some(Value::Array(values))) if values.len() == 1 => &values[0],
            _ => return None,
        };
        let required = branch
            .get("required")?
            .as_array()?
            .iter()
            .any(|r| r.as_str() == Some(key));
        required.then(|| value.as_str().map(str::to_string))?
    };
    first
        .keys()
        .find(|key| {
            let mut seen = BTreeSet::new();
            branches.len() > 1
                && branches
                    .iter()
                    .all(|branch| constant(branch, key).is_some_and(|v| seen.insert(v)))
        })
        .cloned()
}
