//! Object sharing: lifts the object schemas that several tools repeat into one shared type.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::ir::{EnumType, Operation, SharedObject};
use super::namespace::common_namespace;
use super::refs::{collect_refs, replace_with_ref};
use crate::diagnostics::pointer_token;
use crate::keywords::{self, ANNOTATIONS};
use crate::naming::{self, Scope};

/// One place in a tool's schemas where an object schema may be replaced by a shared type.
pub(super) struct ObjectSite {
    pub(super) tool: usize,
    pub(super) definition: usize,
    pub(super) pointer: String,
    /// The property it is found under (or the definition's name), for its type name.
    pub(super) hint: String,
}

/// Lifts nested object schemas (under `properties`, `items` and `additionalProperties`, in every
/// definition) that two or more tools repeat into shared types, innermost first, so that an outer
/// object made of shared inner ones can be shared in turn.
///
/// Two objects are the same type when they are equal without their annotations ([`ANNOTATIONS`],
/// so descriptions do not take part) and in the same direction (input or output, since their
/// enums are closed or open). The shared type keeps the annotations of the most frequent spelling
/// (ties: the smallest text). Objects that refer to anything but shared types (a tool's own
/// definitions or enums, or recursion) stay in their tool. The schema that `validate()` checks is
/// not touched.
pub(super) fn share_objects(
    ops: &mut [&mut Operation],
    shared_enums: &[EnumType],
) -> Vec<SharedObject> {
    let mut reserved: BTreeSet<String> = shared_enums.iter().map(|e| e.name.clone()).collect();
    for op in ops.iter() {
        reserved.extend(op.definitions.iter().map(|(name, _)| name.clone()));
        reserved.extend(op.local_enums.iter().map(|e| e.name.clone()));
        reserved.extend(op.aliases.keys().cloned());
        reserved.extend(op.external_enums.keys().cloned());
    }
    let mut scope = Scope::with_reserved(reserved);
    let mut shareable: BTreeSet<String> = shared_enums.iter().map(|e| e.name.clone()).collect();
    let mut settled: BTreeSet<(usize, usize, String)> = BTreeSet::new();
    let mut shared: Vec<SharedObject> = Vec::new();
    loop {
        // Candidates whose inner objects are all settled or lifted, by (identity, direction).
        let mut groups: BTreeMap<(String, bool), Vec<ObjectSite>> = BTreeMap::new();
        for (tool, op) in ops.iter().enumerate() {
            let roots = 1 + usize::from(op.output_type.is_some());
            for (definition, (name, schema)) in op.definitions.iter().enumerate() {
                let open = op.output_definitions.contains(name);
                let mut sites = Vec::new();
                // A tool's own definition (a `$defs` entry) may be shared as a whole; its roots
                // stay its own.
                let whole = definition >= roots;
                object_sites(schema, "", name, whole, &mut |pointer, hint, blocked| {
                    let key = (tool, definition, pointer.to_string());
                    if settled.contains(&key) {
                        return false;
                    }
                    if !blocked {
                        sites.push((pointer.to_string(), hint.to_string()));
                    }
                    true
                });
                for (pointer, hint) in sites {
                    let Some(node) = schema.pointer(&pointer) else {
                        continue;
                    };
                    if !refs_only_to(node, &shareable) {
                        settled.insert((tool, definition, pointer));
                        continue;
                    }
                    let identity = canonical(&strip_annotations(node));
                    groups
                        .entry((identity, open))
                        .or_default()
                        .push(ObjectSite {
                            tool,
                            definition,
                            pointer,
                            hint,
                        });
                }
            }
        }
        if groups.is_empty() {
            break;
        }
        // Name the groups that several tools share, in a fixed order.
        let mut lifted = Vec::new();
        for ((_, open), sites) in groups {
            let tools: BTreeSet<usize> = sites.iter().map(|s| s.tool).collect();
            if tools.len() < 2 {
                for site in sites {
                    settled.insert((site.tool, site.definition, site.pointer));
                }
                continue;
            }
            lifted.push((open, sites));
        }
        if lifted.is_empty() {
            continue;
        }
        let mut wanted: Vec<(String, bool, Vec<ObjectSite>, BTreeSet<String>)> = lifted
            .into_iter()
            .map(|(open, sites)| {
                let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
                for site in &sites {
                    *counts.entry(site.hint.as_str()).or_default() += 1;
                }
                let mut hints: Vec<(&str, usize)> = counts.into_iter().collect();
                hints.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
                let base = naming::type_name(hints[0].0);
                let used_by: BTreeSet<String> = sites
                    .iter()
                    .map(|s| ops[s.tool].tool.name.clone())
                    .collect();
                (base, open, sites, used_by)
            })
            .collect();
        let mut by_base: BTreeMap<String, usize> = BTreeMap::new();
        for (base, ..) in &wanted {
            *by_base.entry(base.clone()).or_default() += 1;
        }
        wanted.sort_by(|a, b| {
            (by_base[&a.0] > 1, &a.0, &a.3, a.1).cmp(&(by_base[&b.0] > 1, &b.0, &b.3, b.1))
        });
        for (base, open, sites, used_by) in wanted {
            let want = if by_base[&base] > 1 {
                naming::namespaced_type(&base, &common_namespace(&used_by))
            } else {
                base
            };
            let name = scope.claim(&want, "");
            // The most frequent spelling, annotations included, gives the docs.
            let mut spellings: BTreeMap<String, (usize, Value)> = BTreeMap::new();
            for site in &sites {
                if let Some(node) = ops[site.tool].definitions[site.definition]
                    .1
                    .pointer(&site.pointer)
                {
                    let entry = spellings
                        .entry(canonical(node))
                        .or_insert_with(|| (0, node.clone()));
                    entry.0 += 1;
                }
            }
            let Some(schema) = spellings
                .into_iter()
                .max_by(|a, b| a.1.0.cmp(&b.1.0).then_with(|| b.0.cmp(&a.0)))
                .map(|(_, (_, schema))| schema)
            else {
                continue;
            };
            for site in &sites {
                let op = &mut ops[site.tool];
                if site.pointer.is_empty() {
                    // A whole definition: it stays, as another name for the shared type.
                    let def_name = op.definitions[site.definition].0.clone();
                    op.aliases.insert(def_name, name.clone());
                } else if let Some(node) =
                    op.definitions[site.definition].1.pointer_mut(&site.pointer)
                {
                    replace_with_ref(node, &name);
                }
                op.shared_objects.insert(name.clone());
            }
            // A whole definition stays where it is, so it must not be found again.
            settled.extend(
                sites
                    .iter()
                    .map(|site| (site.tool, site.definition, site.pointer.clone())),
            );
            shareable.insert(name.clone());
            let uses = used_by.len();
            shared.push(SharedObject {
                name,
                schema,
                open,
                used_by: used_by.into_iter().collect(),
                uses,
            });
        }
    }
    shared
}

/// Calls `on_site(pointer, hint, blocked)` for every object schema with properties under
/// `properties`, `items` or `additionalProperties` below `schema`, innermost first. `blocked`
/// says that an inner site is still pending; `on_site` answers whether this one is.
pub(super) fn object_sites(
    schema: &Value,
    pointer: &str,
    hint: &str,
    is_site: bool,
    on_site: &mut dyn FnMut(&str, &str, bool) -> bool,
) -> bool {
    let Value::Object(map) = schema else {
        return false;
    };
    let mut pending = false;
    for (key, child) in map {
        let at = format!("{pointer}/{}", pointer_token(key));
        match (key.as_str(), child) {
            ("enum" | "const" | "default" | "examples", _) => {}
            ("properties" | "patternProperties" | "$defs" | "definitions", Value::Object(m)) => {
                for (name, sub) in m {
                    let sub_at = format!("{at}/{}", pointer_token(name));
                    let site = key == "properties";
                    pending |= object_sites(sub, &sub_at, name, site, on_site);
                }
            }
            ("items" | "additionalProperties", sub @ Value::Object(_)) => {
                pending |= object_sites(sub, &at, hint, true, on_site);
            }
            (_, Value::Array(items)) => {
                for (i, sub) in items.iter().enumerate() {
                    pending |= object_sites(sub, &format!("{at}/{i}"), hint, false, on_site);
                }
            }
            (_, sub @ Value::Object(_)) => {
                pending |= object_sites(sub, &at, hint, false, on_site);
            }
            _ => {}
        }
    }
    let is_object = map.get("type").and_then(Value::as_str) == Some("object")
        && map
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty());
    if is_site && is_object {
        pending | on_site(pointer, hint, pending)
    } else {
        pending
    }
}

/// Are all `$ref`s below `schema` references to one of `names` (`#/definitions/<name>`)?
pub(super) fn refs_only_to(schema: &Value, names: &BTreeSet<String>) -> bool {
    let mut refs = Vec::new();
    collect_refs(schema, &mut refs);
    refs.iter().all(|target| {
        target
            .strip_prefix("#/definitions/")
            .is_some_and(|name| names.contains(name))
    })
}

/// `schema` without its annotations ([`ANNOTATIONS`]), at every depth: the identity of an object
/// type. Data values and toolgen's own keywords stay, so two objects renamed apart stay apart.
pub(super) fn strip_annotations(schema: &Value) -> Value {
    keywords::without(schema, &|key| ANNOTATIONS.contains(&key))
}

/// A text form in which key order does not matter.
pub(super) fn canonical(value: &Value) -> String {
    pub(super) fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let ordered: BTreeMap<&String, Value> =
                    map.iter().map(|(k, v)| (k, sorted(v))).collect();
                Value::Object(ordered.into_iter().map(|(k, v)| (k.clone(), v)).collect())
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}
