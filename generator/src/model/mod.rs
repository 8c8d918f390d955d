//! Model: turns loaded tools into a plain, ordered IR. No I/O, no tokens.
//!
//! The IR is providers → namespaces (from the dotted tool names) → operations, plus the string
//! enums, which are lifted out of the schemas here so that the generator, not typify, owns their
//! names and API. An enum whose exact value list appears in several tools of a provider becomes
//! one shared type; every other enum stays with its tool.

mod enums;
mod ir;
mod locales;
mod namespace;
mod objects;
mod refs;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

pub(crate) use self::enums::discriminator;
use self::enums::{Found, SharedEnum, find_enums, name_shared_enums, variants};
pub use self::ir::{
    Arguments, CRATE_SHARED_MODULE, CrateEnum, EnumType, Model, ModelOptions, Namespace, Operation,
    Provider, SharedObject, Variant,
};
pub use self::locales::detect_locale;
use self::locales::{resolve_locales, share_locales_across_providers};
use self::namespace::NamespaceBuilder;
use self::objects::share_objects;
use self::refs::replace_with_ref;
use crate::naming::{self, Scope};
use crate::tool::Tool;

/// Builds the model. It cannot fail: every tool that loaded has a place in it.
pub fn build(tools: &[Tool]) -> Model {
    build_with(tools, &ModelOptions::default())
}

/// Builds the model with explicit options.
pub fn build_with(tools: &[Tool], options: &ModelOptions) -> Model {
    let mut by_provider: BTreeMap<&str, Vec<&Tool>> = BTreeMap::new();
    for tool in tools {
        by_provider.entry(&tool.provider).or_default().push(tool);
    }
    let mut module_scope =
        Scope::with_reserved(["runtime", "crate", "self", "super", CRATE_SHARED_MODULE]);
    // The generated crate's own features: locale interop and the transports.
    let mut feature_scope =
        Scope::with_reserved(["default", "full", "icu", "transport-rmcp", "tls"]);
    let providers = by_provider
        .into_iter()
        .map(|(folder, tools)| {
            let module = module_scope.claim(&naming::snake_name(folder), "_");
            let feature = feature_scope.claim(&naming::feature_name(folder), "-");
            build_provider(folder, module, feature, &tools, options)
        })
        .collect();
    let mut model = Model {
        providers,
        crate_enums: Vec::new(),
        crate_locale_data: None,
    };
    if options.share_across_providers {
        share_locales_across_providers(&mut model);
    }
    resolve_locales(&mut model);
    model
}

fn build_provider(
    folder: &str,
    module: String,
    feature: String,
    tools: &[&Tool],
    options: &ModelOptions,
) -> Provider {
    // MCP arguments are always an object; an input schema that leaves the type open (often `{}`)
    // means "an object with any properties".
    let tools: Vec<Tool> = tools
        .iter()
        .map(|tool| {
            let mut tool = (*tool).clone();
            if options.object_inputs
                && let Value::Object(object) = &mut tool.input_schema
            {
                const SHAPING: &[&str] = &[
                    "type", "anyOf", "oneOf", "allOf", "$ref", "enum", "const", "not", "if",
                ];
                if !SHAPING.iter().any(|k| object.contains_key(*k)) {
                    object.insert("type".to_string(), Value::String("object".to_string()));
                }
            }
            tool
        })
        .collect();

    // 1. Shape the namespace tree and claim every module, method and type name.
    let mut tree = NamespaceBuilder::default();
    for tool in &tools {
        let segments: Vec<&str> = tool
            .group
            .iter()
            .map(String::as_str)
            .chain(tool.name.split('.'))
            .collect();
        let (leaf, path) = segments.split_last().unwrap_or((&"", &[]));
        let mut node = &mut tree;
        for segment in path {
            node = node.children.entry(segment.to_string()).or_default();
        }
        node.tools.insert(leaf.to_string(), tool.clone());
    }
    let mut accessor_scope = Scope::with_reserved(["Client"]);
    let mut root = tree.finish(
        &[],
        &[],
        String::new(),
        "Client".to_string(),
        &mut accessor_scope,
    );

    // 2. Lift the string enums out of every schema, then decide which are shared.
    let mut ops: Vec<&mut Operation> = Vec::new();
    collect_operations_mut(&mut root, &mut ops);
    let mut found = Vec::new();
    for (index, op) in ops.iter().enumerate() {
        let roots = 1 + usize::from(op.output_type.is_some());
        for (definition, (name, schema)) in op.definitions.iter().enumerate() {
            find_enums(
                schema,
                "",
                &[],
                &mut |pointer, hint_path, values, description, forced_locale| {
                    // A root type stays a struct; a named definition that is an enum becomes one.
                    if pointer.is_empty() && definition < roots {
                        return;
                    }
                    let variant_docs = schema
                        .pointer(&pointer)
                        .and_then(|node| node.get(crate::keywords::VARIANT_DOCS))
                        .and_then(Value::as_object)
                        .map(|docs| {
                            docs.iter()
                                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                                .collect()
                        })
                        .unwrap_or_default();
                    let open = op.output_definitions.contains(name);
                    let node = schema.pointer(&pointer).unwrap_or(&Value::Null);
                    found.push(Found {
                        type_rename: crate::renames::type_rename(node),
                        variant_renames: crate::renames::variant_renames(node),
                        tool: index,
                        definition,
                        prefix: name.clone(),
                        pointer,
                        hint_path,
                        values,
                        description,
                        forced_locale,
                        variant_docs,
                        open,
                    });
                },
            );
        }
    }

    let mut users: BTreeMap<(&Vec<String>, bool), BTreeSet<usize>> = BTreeMap::new();
    for f in &found {
        users.entry(f.key()).or_default().insert(f.tool);
    }
    let shared_values: BTreeSet<(Vec<String>, bool)> = users
        .into_iter()
        .filter(|(_, tools)| tools.len() > 1)
        .map(|((values, open), _)| (values.clone(), open))
        .collect();

    // 3. Name the shared enums.
    let shared_enums = name_shared_enums(&found, &shared_values, &ops);
    let shared_by_values: BTreeMap<(&Vec<String>, bool), &EnumType> = shared_enums
        .iter()
        .map(|e| ((&e.variants_values, e.ty.open), &e.ty))
        .collect();

    // 4. Name the local enums and point every occurrence at its type. A definition that is itself
    //    an enum keeps its name and becomes an alias of the enum type.
    let mut local_by_tool: BTreeMap<usize, Vec<(Vec<String>, EnumType)>> = BTreeMap::new();
    // (A local enum is found again by its values and direction.)
    let mut replacements: Vec<(usize, usize, String, String)> = Vec::new();
    for f in &found {
        let op = &ops[f.tool];
        let is_alias = f.pointer.is_empty();
        let type_name = if let Some(shared) = shared_by_values.get(&f.key()) {
            shared.name.clone()
        } else {
            let locals = local_by_tool.entry(f.tool).or_default();
            match locals
                .iter()
                .find(|(values, ty)| *values == f.values && ty.open == f.open)
            {
                Some((_, ty)) => ty.name.clone(),
                None => {
                    // A name asked for that is taken gets a number here; `check::check`
                    // then reports it as an error.
                    let name = if let Some(rename) = &f.type_rename {
                        tool_type_scope(op, locals, &shared_enums).claim(rename, "")
                    } else if is_alias {
                        f.prefix.clone()
                    } else {
                        // Named after its property (`Locale`); a clash gets a number (`Type2`),
                        // never the `<Root><Path>` form, which is how typify names the types it
                        // makes and could collide with them.
                        let mut scope = tool_type_scope(op, locals, &shared_enums);
                        let short = f
                            .hint_path
                            .last()
                            .map(|h| naming::type_name(h))
                            .unwrap_or_else(|| format!("{}Value", f.prefix));
                        scope.claim(&short, "")
                    };
                    let hint = f
                        .hint_path
                        .last()
                        .cloned()
                        .unwrap_or_else(|| f.prefix.clone());
                    // Locale enums are closed: their API indexes a fixed table.
                    let locale = if f.open {
                        None
                    } else {
                        detect_locale(&f.values, std::slice::from_ref(&hint), f.forced_locale)
                    };
                    locals.push((
                        f.values.clone(),
                        EnumType {
                            name: name.clone(),
                            description: f.description.clone(),
                            hints: vec![hint],
                            variants: variants(&f.values, &f.variant_docs, &f.variant_renames),
                            used_by: vec![op.tool.name.clone()],
                            locale,
                            open: f.open,
                        },
                    ));
                    name
                }
            }
        };
        replacements.push((f.tool, f.definition, f.pointer.clone(), type_name));
    }
    for (tool, definition, pointer, type_name) in replacements {
        let op = &mut ops[tool];
        if shared_enums.iter().any(|e| e.ty.name == type_name) {
            op.shared_enums.insert(type_name.clone());
        }
        if pointer.is_empty() {
            let def_name = op.definitions[definition].0.clone();
            if def_name != type_name {
                op.aliases.insert(def_name, type_name);
            }
        } else if let Some(node) = op.definitions[definition].1.pointer_mut(&pointer) {
            replace_with_ref(node, &type_name);
        }
    }
    for (tool, locals) in local_by_tool {
        ops[tool].local_enums = locals.into_iter().map(|(_, ty)| ty).collect();
    }

    let mut shared_enums: Vec<EnumType> = shared_enums.into_iter().map(|e| e.ty).collect();
    shared_enums.sort_by(|a, b| a.name.cmp(&b.name));

    // 5. Lift the object schemas that several tools repeat into shared types.
    let shared_objects = share_objects(&mut ops, &shared_enums);
    Provider {
        folder: folder.to_string(),
        module,
        feature,
        root,
        shared_module: "shared".to_string(),
        shared_enums,
        shared_objects,
        docs_base_url: tools.iter().find_map(|tool| tool.docs_base_url.clone()),
        locale_data: None,
    }
}

fn collect_operations_mut<'a>(namespace: &'a mut Namespace, out: &mut Vec<&'a mut Operation>) {
    out.extend(namespace.operations.iter_mut());
    for child in &mut namespace.children {
        collect_operations_mut(child, out);
    }
}

/// The type names already taken in a tool's module, and the provider's shared enum names: a local
/// enum named like a shared one would be taken for it.
fn tool_type_scope(
    op: &Operation,
    locals: &[(Vec<String>, EnumType)],
    shared: &[SharedEnum],
) -> Scope {
    Scope::with_reserved(
        op.definitions
            .iter()
            .map(|(name, _)| name.clone())
            .chain(locals.iter().map(|(_, ty)| ty.name.clone()))
            .chain(shared.iter().map(|e| e.ty.name.clone())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model_of(tools: Value) -> Model {
        let bytes = serde_json::to_vec(&serde_json::json!({ "tools": tools })).expect("json");
        let mut parsed = Vec::new();
        let mut diagnostics = crate::Diagnostics::default();
        crate::load::parse_file("p", "p/tools.json", &bytes, &mut parsed, &mut diagnostics);
        assert!(diagnostics.is_empty(), "{diagnostics}");
        build(&parsed)
    }

    #[test]
    fn refs_resolve_against_the_base_uri_their_ids_set() {
        // `#/definitions/inner` inside `foo` names foo's own definition (its `$id` makes it a
        // resource); `item.json` and `#point` name places of this document too.
        let model = model_of(serde_json::json!([{
            "name": "t",
            "inputSchema": {
                "$id": "http://example.com/root.json",
                "type": "object",
                "properties": {
                    "foo": {
                        "$id": "foo.json",
                        "definitions": {"inner": {"type": "object", "properties": {"bar": {"type": "string"}}}},
                        "allOf": [{"$ref": "#/definitions/inner"}]
                    },
                    "item": {"$ref": "item.json"},
                    "point": {"$ref": "http://example.com/root.json#point"},
                    "far": {"$ref": "http://example.org/other.json"}
                },
                "$defs": {
                    "item": {"$id": "item.json", "type": "integer"},
                    "point": {"$anchor": "point", "type": "number"}
                }
            }
        }]));
        let op = &model.providers[0].root.operations[0];
        let find = |name: &str| {
            op.definitions
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, schema)| schema.clone())
                .unwrap_or_else(|| panic!("no definition {name}: {:?}", op.definitions))
        };
        assert_eq!(find("Inner")["properties"]["bar"]["type"], "string");
        let root = find(&op.params_type);
        let foo = &root["properties"]["foo"];
        let foo = match foo.get("$ref").and_then(Value::as_str) {
            Some(target) => find(target.trim_start_matches("#/definitions/")),
            None => foo.clone(),
        };
        assert_eq!(foo["allOf"][0]["$ref"], "#/definitions/Inner");
        assert_eq!(root["properties"]["item"]["$ref"], "#/definitions/Item");
        assert_eq!(root["properties"]["point"]["$ref"], "#/definitions/Point");
        // Another document is not in this one: any value, with a note.
        assert_eq!(root["properties"]["far"], serde_json::json!({}));
        assert!(op.notes.iter().any(|n| n.message.contains("other.json")));
        // `validate()` keeps the references as written.
        assert_eq!(
            op.validation_schema["properties"]["foo"]["allOf"][0]["$ref"],
            "#/definitions/inner"
        );
    }

    #[test]
    fn a_draft_7_ref_ignores_the_id_beside_it() {
        let model = model_of(serde_json::json!([{
            "name": "t",
            "inputSchema": {
                "$schema": "http://json-schema.org/draft-07/schema#",
                "$id": "http://example.com/root.json",
                "type": "object",
                "definitions": {"a": {"type": "integer"}},
                "properties": {
                    "x": {"$id": "elsewhere/", "$ref": "#/definitions/a"}
                }
            }
        }]));
        let op = &model.providers[0].root.operations[0];
        let root = &op.definitions[0].1;
        assert_eq!(root["properties"]["x"]["$ref"], "#/definitions/A");
    }

    #[test]
    fn objects_repeated_across_tools_become_one_shared_type() {
        let address = |doc: &str| {
            serde_json::json!({
                "type": "object",
                "description": doc,
                "properties": {
                    "street": {"type": "string", "description": doc},
                    "geo": {"type": "object", "properties": {"lat": {"type": "number"}}},
                },
            })
        };
        let input = |doc: &str, key: &str| serde_json::json!({"type": "object", "properties": {key: address(doc)}});
        let model = model_of(serde_json::json!([
            // Descriptions differ: still one type. The property names differ: the most common
            // one names it.
            {"name": "a.create", "inputSchema": input("One.", "address")},
            {"name": "a.update", "inputSchema": input("Two.", "address")},
            {"name": "a.quote", "inputSchema": input("Two.", "destination")},
            // Once in an output: a type of its own (its enums would be open).
            {"name": "a.get", "inputSchema": {"type": "object"},
             "outputSchema": input("One.", "address")},
            // Only one tool: stays in its tool.
            {"name": "b.solo", "inputSchema": {"type": "object", "properties": {
                "thing": {"type": "object", "properties": {"x": {"type": "string"}}}}}},
        ]));
        let provider = &model.providers[0];
        let names: Vec<(&str, usize, bool)> = provider
            .shared_objects
            .iter()
            .map(|o| (o.name.as_str(), o.uses, o.open))
            .collect();
        // The inner `geo` is lifted first (input: three tools); the output one is alone.
        assert_eq!(names, [("Geo", 3, false), ("Address", 3, false)]);
        let address = &provider.shared_objects[1];
        assert_eq!(
            address.schema["properties"]["geo"]["$ref"], "#/definitions/Geo",
            "the outer type refers to the inner one"
        );
        // The most frequent spelling gives the docs.
        assert_eq!(address.schema["description"], "Two.");
        let ops = provider.root.all_operations();
        let op = |name: &str| ops.iter().find(|op| op.tool.name == name).expect("tool");
        let quote = op("a.quote");
        assert_eq!(
            quote.definitions[0].1["properties"]["destination"]["$ref"],
            "#/definitions/Address"
        );
        assert!(quote.shared_objects.contains("Address"));
        assert!(op("a.get").shared_objects.is_empty());
        assert!(op("b.solo").shared_objects.is_empty());
        // validate() still checks the schema as written.
        assert_eq!(
            quote.validation_schema["properties"]["destination"]["properties"]["street"]["type"],
            "string"
        );
    }

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn locale_detection() {
        let few = strings(&["en", "fr-CA", "pt-BR"]);
        let ten = strings(&["de", "fr", "it", "es", "nl", "pt", "pl", "sv", "da", "fi"]);
        let hint = |h: &str| vec![h.to_string()];
        // A locale-ish name, or ten tags of known languages.
        assert!(detect_locale(&few, &hint("locale"), None).is_some());
        assert!(detect_locale(&few, &hint("preferredLanguage"), None).is_some());
        assert!(detect_locale(&ten, &hint("subtitles"), None).is_some());
        // Neither.
        assert!(detect_locale(&few, &hint("kind"), None).is_none());
        // The override, both ways.
        assert!(detect_locale(&few, &hint("kind"), Some(true)).is_some());
        assert!(detect_locale(&few, &hint("locale"), Some(false)).is_none());
        assert!(detect_locale(&ten, &hint("subtitles"), Some(false)).is_none());
    }

    #[test]
    fn non_locale_enums_are_not_detected() {
        // Ten or more values that are not tags.
        let sizes = strings(&["xxs", "xs", "s", "m", "l", "xl", "xxl", "3xl", "4xl", "5xl"]);
        assert!(detect_locale(&sizes, &["size".to_string()], None).is_none());
        // Ten short words that parse as tags but name no language CLDR knows.
        let codes = strings(&[
            "aaa", "bbb", "ccc", "ddd", "eee", "fff", "ggg", "hhh", "iii", "jjj",
        ]);
        assert!(detect_locale(&codes, &["code".to_string()], None).is_none());
        // A locale-ish name with values that are not BCP 47 tags; the override cannot help.
        for values in [
            strings(&["en_US", "fr_FR"]),
            strings(&["auto", "en-US"]),
            strings(&["English", "Français"]),
        ] {
            assert!(detect_locale(&values, &["locale".to_string()], None).is_none());
            assert!(detect_locale(&values, &["lang".to_string()], Some(true)).is_none());
        }
    }
}
