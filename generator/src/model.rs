//! Model: turns loaded tools into a plain, ordered IR. No I/O, no tokens.
//!
//! The IR is providers → namespaces (from the dotted tool names) → operations, plus the string
//! enums, which are lifted out of the schemas here so that the generator, not typify, owns their
//! names and API. An enum whose exact value list appears in several tools of a provider becomes
//! one shared type; every other enum stays with its tool.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::cldr::{self, LocaleData, LocaleInfo};
use crate::diagnostics::pointer_token;
use crate::load::Tool;
use crate::naming::{self, Scope};
use crate::normalize;

/// The whole generated crate, as data.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Providers, sorted by folder name.
    pub providers: Vec<Provider>,
    /// Locale enums that several providers repeat exactly, shared crate-wide (module
    /// [`CRATE_SHARED_MODULE`]), sorted by name.
    pub crate_enums: Vec<CrateEnum>,
    /// The CLDR tables of the crate-wide locale enums, in the same module.
    pub crate_locale_data: Option<LocaleData>,
}

/// The crate-level module of enums shared across providers.
pub const CRATE_SHARED_MODULE: &str = "shared";

/// An enum shared by several providers.
#[derive(Debug, Clone, PartialEq)]
pub struct CrateEnum {
    /// The enum.
    pub ty: EnumType,
    /// The features of the providers that use it; the module is compiled when any is on.
    pub features: Vec<String>,
}

/// One provider: one module and one cargo feature of the generated crate.
#[derive(Debug, Clone, PartialEq)]
pub struct Provider {
    /// The folder name under the schemas root.
    pub folder: String,
    /// The Rust module name.
    pub module: String,
    /// The cargo feature name.
    pub feature: String,
    /// The root namespace, whose accessor is the provider's `Client`.
    pub root: Namespace,
    /// The module that holds the shared enums.
    pub shared_module: String,
    /// Enums used by several tools, sorted by name.
    pub shared_enums: Vec<EnumType>,
    /// Object types used by several tools, in the order they were lifted (inner ones first).
    pub shared_objects: Vec<SharedObject>,
    /// The provider's documentation site (from its overlay), for relative links in descriptions.
    pub docs_base_url: Option<String>,
    /// The CLDR tables that the provider's locale enums share (in its shared module), resolved
    /// once for the union of their values.
    pub locale_data: Option<LocaleData>,
}

/// A namespace: one segment of the dotted tool names, with an accessor struct and a module.
#[derive(Debug, Clone, PartialEq)]
pub struct Namespace {
    /// The raw segments from the provider root (empty for the root).
    pub path: Vec<String>,
    /// The module names from the provider root.
    pub modules: Vec<String>,
    /// The accessor struct (`Client` for the root).
    pub accessor: String,
    /// The method on the parent accessor that returns this one (empty for the root).
    pub method: String,
    /// Child namespaces, sorted by segment.
    pub children: Vec<Namespace>,
    /// Tools directly in this namespace, sorted by name.
    pub operations: Vec<Operation>,
}

/// One tool: a method, a module holding its types, and its schemas.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The tool as loaded.
    pub tool: Tool,
    /// The method on the namespace accessor.
    pub method: String,
    /// The module (and file) holding the tool's types.
    pub module: String,
    /// The input type.
    pub params_type: String,
    /// The output type, when the tool declares an `outputSchema`.
    pub output_type: Option<String>,
    /// Named schemas for typify, in order: the input (and output) first, then the tool's own
    /// definitions. Every `$ref` in them points at `#/definitions/<name>` of this list or at an
    /// enum.
    pub definitions: Vec<(String, Value)>,
    /// Enums used only by this tool.
    pub local_enums: Vec<EnumType>,
    /// The shared enums this tool uses, by name.
    pub shared_enums: BTreeSet<String>,
    /// The shared object types this tool's schemas refer to, by name.
    pub shared_objects: BTreeSet<String>,
    /// Enums this tool uses that live outside its provider (crate-wide locale enums): the name
    /// its schemas use → the Rust path of the type.
    pub external_enums: BTreeMap<String, String>,
    /// Definitions that are enums, mapped to the enum type that stands for them.
    pub aliases: BTreeMap<String, String>,
    /// What was changed or given up in the tool's schemas to make them typeable.
    pub notes: Vec<Note>,
    /// The definitions that describe the tool's result (the output root and what it refers
    /// to): their enums are open.
    pub output_definitions: BTreeSet<String>,
    /// The normalized input schema, `$ref`s as written and annotations stripped, which the
    /// generated `validate()` checks arguments against.
    pub validation_schema: Value,
    /// The normalized output schema, in the same form, which the client checks a result's
    /// `structuredContent` against; `None` for a tool without an `outputSchema`.
    pub output_validation_schema: Option<Value>,
}

/// A change made to a schema so that it can be typed, reported as a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The JSON pointer (from the tool object) of the changed schema.
    pub pointer: String,
    /// What was changed and why.
    pub message: String,
}

/// A string enum whose type, names and API the generator emits itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumType {
    /// The type name.
    pub name: String,
    /// The description, when the enum has one of its own.
    pub description: Option<String>,
    /// The property (or definition) names it was found under, most frequent first.
    pub hints: Vec<String>,
    /// The variants, in schema order.
    pub variants: Vec<Variant>,
    /// The tools that use it, sorted.
    pub used_by: Vec<String>,
    /// The values of a locale enum as tags (see [`detect_locale`]); `None` for other enums.
    /// Its CLDR tables are its provider's [`Provider::locale_data`] (or the crate's).
    pub locale: Option<LocaleInfo>,
    /// Whether the enum comes back from the server (it is in an `outputSchema`). Such an enum
    /// is open: `#[non_exhaustive]`, with an `Unknown(String)` variant, so a value the server
    /// adds later never breaks deserialization. Input enums stay closed, so typos are caught.
    pub open: bool,
}

/// The schema keyword that forces locale detection on (`true`) or off (`false`) for one enum.
pub const LOCALE_KEYWORD: &str = "x-toolgen-locale";

/// Decides whether an enum is a locale enum. Its CLDR data is resolved later, once for all
/// locale enums of its provider (see [`Provider::locale_data`]).
///
/// It is one when every value is a well-formed BCP 47 language tag (as icu_locale_core parses
/// it) and either a name it was found under says locale, language or lang, or it has at least
/// ten values whose languages CLDR knows. `forced` (the [`LOCALE_KEYWORD`]) overrides the
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

/// One enum value and its variant name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The variant name.
    pub name: String,
    /// The exact string on the wire.
    pub value: String,
    /// What this value means, when the schema says (per-branch descriptions of a union).
    pub description: Option<String>,
}

/// Names that the provider module itself defines, so no namespace or tool may take them.
const PROVIDER_RESERVED_MODULES: &[&str] = &["shared"];
/// Inherent methods of the provider `Client`, so no tool method may take them.
const CLIENT_RESERVED_METHODS: &[&str] = &["new", "from_runtime", "runtime", "clone", "fmt"];
/// Variant names the enum API reserves for itself.
const RESERVED_VARIANTS: &[&str] = &["Unknown"];

/// Builds the model. It cannot fail: every tool that loaded has a place in it.
pub fn build(tools: &[Tool]) -> Model {
    build_with(tools, &ModelOptions::default())
}

/// How the model reads schemas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelOptions {
    /// Treat an input schema that leaves its type open as an object, as MCP arguments always
    /// are. Off for plain JSON Schemas, such as the conformance suite's.
    pub object_inputs: bool,
    /// Move locale enums that several providers repeat exactly into one crate-wide type. Off
    /// when each provider is written as a file of its own (the build step).
    pub share_across_providers: bool,
}

impl Default for ModelOptions {
    fn default() -> Self {
        Self {
            object_inputs: true,
            share_across_providers: true,
        }
    }
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

/// Resolves the CLDR tables of each provider's locale enums, and of the crate-wide ones, once
/// for the union of their values: an enum only points into them, so many different locale enums
/// cost one resolution.
fn resolve_locales(model: &mut Model) {
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
fn share_locales_across_providers(model: &mut Model) {
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

fn provider_label(tool: &Tool) -> &str {
    &tool.provider
}

fn collect_operations_mut_each(namespace: &mut Namespace, f: &mut impl FnMut(&mut Operation)) {
    namespace.operations.iter_mut().for_each(&mut *f);
    for child in &mut namespace.children {
        collect_operations_mut_each(child, f);
    }
}

/// A string enum found in one tool's schema.
struct Found {
    tool: usize,
    /// Index of the definition it was found in, its name, and the pointer inside it.
    definition: usize,
    prefix: String,
    pointer: String,
    /// The property path from the tool's root type, for naming a local enum.
    hint_path: Vec<String>,
    values: Vec<String>,
    description: Option<String>,
    /// The enum schema's [`LOCALE_KEYWORD`], when it has a boolean one.
    forced_locale: Option<bool>,
    /// Descriptions of single values, kept when a union of constants became this enum.
    variant_docs: BTreeMap<String, String>,
    /// Found in the output schema: the enum is open.
    open: bool,
    /// The type name an overlay asked for ([`crate::renames::TYPE`]).
    type_rename: Option<String>,
    /// Value → variant name, as an overlay asked ([`crate::renames::VARIANTS`]).
    variant_renames: BTreeMap<String, String>,
}

impl Found {
    /// Enums are shared when their values and their direction agree.
    fn key(&self) -> (&Vec<String>, bool) {
        (&self.values, self.open)
    }
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
                        .and_then(|node| node.get(normalize::VARIANT_DOCS))
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
                    // A name asked for that is taken gets a number here; `renames::check_model`
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

struct SharedEnum {
    variants_values: Vec<String>,
    ty: EnumType,
}

/// Names each shared enum after the property it is found under most often (`Locale`). Enums that
/// want the same name are told apart by the namespace their tools share, then by a number, in an
/// order fixed by their values; none of them keeps the bare name, so none is picked arbitrarily.
fn name_shared_enums(
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
                    let prefix = common_namespace(&used_by);
                    format!(
                        "{}{base}",
                        naming::accessor_type(&prefix).trim_start_matches("Root")
                    )
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

/// An object type that several tools of a provider repeat exactly, emitted once in the
/// provider's shared module.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedObject {
    /// The type name in the shared module.
    pub name: String,
    /// The schema (with its enums and inner shared objects already replaced by `$ref`s).
    pub schema: Value,
    /// Found in an output schema: its enums are open.
    pub open: bool,
    /// The tools that use it, sorted.
    pub used_by: Vec<String>,
    /// How many types it stands for: one per tool that uses it (typify already merges equal
    /// schemas within one tool).
    pub uses: usize,
}

/// Keywords that document a schema without changing what it accepts or its Rust shape: two
/// objects that differ only in them are the same type.
const ANNOTATIONS: &[&str] = &["description", "title", "examples", "$comment"];

/// One place in a tool's schemas where an object schema may be replaced by a shared type.
struct ObjectSite {
    tool: usize,
    definition: usize,
    pointer: String,
    /// The property it is found under (or the definition's name), for its type name.
    hint: String,
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
fn share_objects(ops: &mut [&mut Operation], shared_enums: &[EnumType]) -> Vec<SharedObject> {
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
                let prefix = common_namespace(&used_by);
                format!(
                    "{}{base}",
                    naming::accessor_type(&prefix).trim_start_matches("Root")
                )
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
fn object_sites(
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
        let at = format!("{pointer}/{}", escape_pointer(key));
        match (key.as_str(), child) {
            ("enum" | "const" | "default" | "examples", _) => {}
            ("properties" | "patternProperties" | "$defs" | "definitions", Value::Object(m)) => {
                for (name, sub) in m {
                    let sub_at = format!("{at}/{}", escape_pointer(name));
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

fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Are all `$ref`s below `schema` references to one of `names` (`#/definitions/<name>`)?
fn refs_only_to(schema: &Value, names: &BTreeSet<String>) -> bool {
    let mut refs = Vec::new();
    collect_refs(schema, &mut refs);
    refs.iter().all(|target| {
        target
            .strip_prefix("#/definitions/")
            .is_some_and(|name| names.contains(name))
    })
}

/// `schema` without its annotations, at every depth (enum and const values are data and stay).
fn strip_annotations(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| !ANNOTATIONS.contains(&key.as_str()))
                .map(|(key, value)| match key.as_str() {
                    "enum" | "const" | "default" => (key.clone(), value.clone()),
                    "properties" | "patternProperties" | "$defs" | "definitions" => (
                        key.clone(),
                        match value {
                            Value::Object(m) => Value::Object(
                                m.iter()
                                    .map(|(k, v)| (k.clone(), strip_annotations(v)))
                                    .collect(),
                            ),
                            other => other.clone(),
                        },
                    ),
                    _ => (key.clone(), strip_annotations(value)),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_annotations).collect()),
        other => other.clone(),
    }
}

/// A text form in which key order does not matter.
fn canonical(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
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

/// The namespace segments that all of `tools` share.
fn common_namespace(tools: &BTreeSet<String>) -> Vec<String> {
    let mut paths = tools.iter().map(|name| {
        let mut segments: Vec<String> = name.split('.').map(str::to_string).collect();
        segments.pop();
        segments
    });
    let Some(mut common) = paths.next() else {
        return Vec::new();
    };
    for path in paths {
        let n = common.iter().zip(&path).take_while(|(a, b)| a == b).count();
        common.truncate(n);
    }
    common
}

/// Variants in schema order; a name already taken gets the next free number, so a value added
/// later never renames an earlier one. Names an overlay asked for (checked at load to be valid
/// and distinct) are claimed first.
fn variants(
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

fn replace_with_ref(node: &mut Value, type_name: &str) {
    let mut replacement = Map::new();
    replacement.insert(
        "$ref".to_string(),
        Value::String(format!("#/definitions/{type_name}")),
    );
    if let Some(description) = node.get("description").cloned() {
        replacement.insert("description".to_string(), description);
    }
    *node = Value::Object(replacement);
}

/// Is this schema a plain string enum that the generator emits itself?
fn string_enum(object: &Map<String, Value>) -> Option<Vec<String>> {
    // A string `const` is a one-value enum; as an enum its type enforces it.
    let values: Vec<Value> = match (object.get("enum"), object.get("const")) {
        (Some(Value::Array(values)), None) if !values.is_empty() => values.clone(),
        (None, Some(value @ Value::String(_))) => vec![value.clone()],
        _ => return None,
    };
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
    let mut out: Vec<String> = Vec::new();
    for value in &values {
        let text = value.as_str()?;
        if !out.iter().any(|v| v == text) {
            out.push(text.to_string());
        }
    }
    Some(out)
}

type OnEnum<'a> = dyn FnMut(String, Vec<String>, Vec<String>, Option<String>, Option<bool>) + 'a;

/// Walks a schema and reports every string enum with its pointer and property path.
fn find_enums(schema: &Value, pointer: &str, hint_path: &[String], on_enum: &mut OnEnum<'_>) {
    let Value::Object(object) = schema else {
        return;
    };
    if let Some(values) = string_enum(object) {
        let description = object
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string);
        let forced_locale = object.get(LOCALE_KEYWORD).and_then(Value::as_bool);
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

#[derive(Default)]
struct NamespaceBuilder {
    children: BTreeMap<String, NamespaceBuilder>,
    tools: BTreeMap<String, Tool>,
}

impl NamespaceBuilder {
    fn finish(
        self,
        path: &[String],
        modules: &[String],
        method: String,
        accessor: String,
        accessor_scope: &mut Scope,
    ) -> Namespace {
        let is_root = path.is_empty();
        let mut module_scope = if is_root {
            Scope::with_reserved(PROVIDER_RESERVED_MODULES.iter().copied())
        } else {
            Scope::default()
        };
        let mut method_scope = if is_root {
            Scope::with_reserved(CLIENT_RESERVED_METHODS.iter().copied())
        } else {
            Scope::default()
        };
        let mut children = Vec::new();
        for (segment, child) in self.children {
            let child_path: Vec<String> = path.iter().cloned().chain([segment.clone()]).collect();
            let child_module = module_scope.claim(&naming::snake_name(&segment), "_");
            let child_modules: Vec<String> =
                modules.iter().cloned().chain([child_module]).collect();
            let child_method = method_scope.claim(&naming::snake_name(&segment), "_");
            let child_accessor = accessor_scope.claim(&naming::accessor_type(&child_path), "");
            children.push(child.finish(
                &child_path,
                &child_modules,
                child_method,
                child_accessor,
                accessor_scope,
            ));
        }
        let mut type_scope = Scope::default();
        let operations = self
            .tools
            .into_values()
            .map(|tool| {
                let leaf = tool.name.rsplit('.').next().unwrap_or_default().to_string();
                let method = method_scope.claim(&naming::snake_name(&leaf), "_");
                let module = module_scope.claim(&naming::snake_name(&leaf), "_");
                let params_type = type_scope.claim(&naming::params_type(&method), "");
                let output_type = tool.output_schema.as_ref().map(|_| {
                    type_scope.claim(&format!("{}Output", naming::type_name(&method)), "")
                });
                let mut notes = Vec::new();
                let mut validation_schema = Value::Bool(true);
                let mut output_validation_schema = None;
                let mut output_definitions = BTreeSet::new();
                let definitions = definitions(
                    &tool,
                    &params_type,
                    output_type.as_deref(),
                    &mut notes,
                    (&mut validation_schema, &mut output_validation_schema),
                    &mut output_definitions,
                );
                Operation {
                    tool,
                    method,
                    module,
                    params_type,
                    output_type,
                    definitions,
                    local_enums: Vec::new(),
                    shared_enums: BTreeSet::new(),
                    shared_objects: BTreeSet::new(),
                    external_enums: BTreeMap::new(),
                    aliases: BTreeMap::new(),
                    notes,
                    validation_schema,
                    output_validation_schema,
                    output_definitions,
                }
            })
            .collect();
        Namespace {
            path: path.to_vec(),
            modules: modules.to_vec(),
            accessor,
            method,
            children,
            operations,
        }
    }
}

/// Compiles `schema` as the runtime's `Validator` does (the jsonschema crate, formats asserted,
/// other documents never fetched), so that a schema it would give up on is a warning here.
fn compiles(schema: &Value) -> Result<(), String> {
    struct AcceptUnknownDocuments;
    impl jsonschema::Retrieve for AcceptUnknownDocuments {
        fn retrieve(
            &self,
            _uri: &jsonschema::Uri<String>,
        ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
            Ok(Value::Bool(true))
        }
    }
    jsonschema::options()
        .should_validate_formats(true)
        .with_retriever(AcceptUnknownDocuments)
        .build(schema)
        .map(drop)
        .map_err(|err| err.to_string())
}

/// Whether a `$ref` below `schema` points into a keyword that `without_annotations` drops.
fn refers_into_annotations(schema: &Value) -> bool {
    match schema {
        Value::Object(object) => {
            object
                .get("$ref")
                .and_then(Value::as_str)
                .is_some_and(|target| {
                    target.split('/').any(|segment| {
                        matches!(
                            segment,
                            "examples" | "default" | "description" | "title" | "$comment"
                        )
                    })
                })
                || object.values().any(refers_into_annotations)
        }
        Value::Array(items) => items.iter().any(refers_into_annotations),
        _ => false,
    }
}

/// The named schemas of one tool: its input, its output, and every schema they point at with a
/// local `$ref` (their `$defs`/`definitions`, and also targets such as `#/properties/a/items`),
/// hoisted under names unique in the tool's module, with every `$ref` rewritten to
/// `#/definitions/<name>`. A `$ref` that points nowhere becomes `{}` (any value), with a note.
fn definitions(
    tool: &Tool,
    params_type: &str,
    output_type: Option<&str>,
    notes: &mut Vec<Note>,
    (validation_schema, output_validation_schema): (&mut Value, &mut Option<Value>),
    output_definitions: &mut BTreeSet<String>,
) -> Vec<(String, Value)> {
    let mut scope = Scope::with_reserved(
        [params_type.to_string()]
            .into_iter()
            .chain(output_type.map(str::to_string)),
    );
    let input = tool.input_schema.clone();
    let mut out = vec![(params_type.to_string(), input, "/inputSchema")];
    if let (Some(name), Some(schema)) = (output_type, &tool.output_schema) {
        out.push((name.to_string(), schema.clone(), "/outputSchema"));
    }
    let mut result = Vec::new();
    let mut hoisted_all = Vec::new();
    for (root_name, mut root, base) in out {
        if tool.formats == crate::overlay::Formats::Annotation {
            normalize::drop_formats(&mut root);
        }
        normalize::normalize(&mut root, base, notes);
        // A `$ref` may point into an annotation (`#/examples/0`): then they all stay.
        let mut checked = if refers_into_annotations(&root) {
            root.clone()
        } else {
            normalize::without_annotations(&root)
        };
        crate::metaschema::bundle(&mut checked);
        if let Err(why) = compiles(&checked) {
            notes.push(Note {
                pointer: base.to_string(),
                message: format!(
                    "the schema cannot be compiled for checking ({why}); the generated code \
                     accepts every value here instead of checking it"
                ),
            });
        }
        if base == "/inputSchema" {
            *validation_schema = checked;
        } else {
            *output_validation_schema = Some(checked);
        }
        localize_refs(&mut root);
        let mut renames: BTreeMap<String, String> = BTreeMap::new();
        renames.insert("#".to_string(), format!("#/definitions/{root_name}"));
        renames.insert(String::new(), format!("#/definitions/{root_name}"));
        let mut hoisted = Vec::new();

        // Deep local pointers first, longest first, so that an inner target is already a `$ref`
        // when an outer one is copied.
        let mut targets: Vec<String> = Vec::new();
        collect_refs(&root, &mut targets);
        targets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        targets.dedup();
        for target in targets {
            if renames.contains_key(&target) || is_def_ref(&target) {
                continue;
            }
            let pointer = target.strip_prefix('#').unwrap_or("\u{0}");
            match root.pointer_mut(pointer) {
                Some(node) if pointer.starts_with('/') => {
                    let name = scope.claim(&naming::type_name(&pointer_name(pointer)), "");
                    let def = std::mem::replace(node, ref_to(&name));
                    renames.insert(target, format!("#/definitions/{name}"));
                    hoisted.push((name, def));
                }
                _ => {
                    notes.push(Note {
                        pointer: base.to_string(),
                        message: format!(
                            "`$ref` {} cannot be resolved in this document; it accepts any value",
                            crate::load::quoted(&target)
                        ),
                    });
                    renames.insert(target, String::new());
                }
            }
        }
        if let Value::Object(object) = &mut root {
            for key in ["$defs", "definitions"] {
                if let Some(Value::Object(defs)) = object.remove(key) {
                    for (def_name, def_schema) in defs {
                        let name = scope.claim(&naming::type_name(&def_name), "");
                        renames.insert(
                            format!("#/{key}/{}", pointer_token(&def_name)),
                            format!("#/definitions/{name}"),
                        );
                        hoisted.push((name, def_schema));
                    }
                }
            }
        }
        rewrite_refs(&mut root, &renames);
        for (_, schema) in &mut hoisted {
            rewrite_refs(schema, &renames);
        }
        if base == "/outputSchema" {
            output_definitions.insert(root_name.clone());
            output_definitions.extend(hoisted.iter().map(|(name, _)| name.clone()));
        }
        result.push((root_name, root));
        hoisted_all.extend(hoisted);
    }
    result.extend(hoisted_all);
    result
}

/// The base URI of a schema without `$id`, as in the runtime's validator.
const DEFAULT_BASE: &str = "urn:toolgen:schema";

/// Rewrites every `$ref` that names a place inside `root` through the base URIs its `$id`s set
/// or through an anchor into the plain local pointer that hoisting reads (`#/properties/foo/
/// definitions/inner` for a `#/definitions/inner` written inside `properties/foo`, whose `$id`
/// makes it a resource of its own; `#/$defs/a` for `other.json#a`). Without this, such a
/// reference would be read against the whole document and miss (typed as any value) or, worse,
/// hit another schema. A reference to another document is left as written.
fn localize_refs(root: &mut Value) {
    let dialect = root.get("$schema").and_then(Value::as_str).unwrap_or("");
    let index = {
        let mut index = RefIndex {
            // Drafts 4 to 7 ignore every keyword beside `$ref`, `$id` included; draft 4
            // spells it `id`.
            siblings_ignored: dialect.starts_with("http://json-schema.org/draft-0"),
            id_keyword: if dialect.starts_with("http://json-schema.org/draft-04") {
                "id"
            } else {
                "$id"
            },
            ..RefIndex::default()
        };
        index.walk(root, DEFAULT_BASE, String::new());
        index
    };
    for (at, target) in &index.refs {
        let Some(local) = index.locate(target) else {
            continue;
        };
        if let Some(Value::Object(object)) = root.pointer_mut(at) {
            object.insert("$ref".to_string(), Value::String(format!("#{local}")));
        }
    }
}

/// The resources, anchors and references of one document, by absolute URI.
#[derive(Default)]
struct RefIndex {
    siblings_ignored: bool,
    id_keyword: &'static str,
    /// Absolute URI (no fragment) → JSON pointer of the resource.
    resources: BTreeMap<String, String>,
    /// Absolute URI with the anchor as fragment → JSON pointer.
    anchors: BTreeMap<String, String>,
    /// JSON pointer of each object holding a `$ref`, and the reference made absolute.
    refs: Vec<(String, String)>,
}

impl RefIndex {
    fn walk(&mut self, schema: &Value, base: &str, pointer: String) {
        match schema {
            Value::Object(object) => {
                let mut base = base.to_string();
                let reference = object.get("$ref").and_then(Value::as_str);
                let id = object.get(self.id_keyword).and_then(Value::as_str);
                if let Some(id) = id.filter(|_| !(self.siblings_ignored && reference.is_some())) {
                    let uri = crate::uri::resolve_uri(&base, id);
                    let (document, anchor) = uri.split_once('#').unwrap_or((&uri, ""));
                    // Drafts 6 and 7 name anchors with `$id: "#name"`.
                    if !anchor.is_empty() {
                        self.anchors
                            .insert(format!("{document}#{anchor}"), pointer.clone());
                    }
                    if !id.starts_with('#') {
                        base = document.to_string();
                        self.resources.insert(base.clone(), pointer.clone());
                    }
                }
                if pointer.is_empty() {
                    self.resources.entry(base.clone()).or_default();
                }
                for keyword in ["$anchor", "$dynamicAnchor"] {
                    if let Some(Value::String(anchor)) = object.get(keyword) {
                        self.anchors
                            .insert(format!("{base}#{anchor}"), pointer.clone());
                    }
                }
                if let Some(reference) = reference {
                    self.refs
                        .push((pointer.clone(), crate::uri::resolve_uri(&base, reference)));
                }
                for (key, value) in object {
                    // Values of these keywords are data, not schemas.
                    if !matches!(key.as_str(), "enum" | "const" | "default" | "examples") {
                        self.walk(value, &base, format!("{pointer}/{}", pointer_token(key)));
                    }
                }
            }
            Value::Array(items) => {
                for (at, item) in items.iter().enumerate() {
                    self.walk(item, base, format!("{pointer}/{at}"));
                }
            }
            _ => {}
        }
    }

    /// The local JSON pointer that the absolute reference `target` names, if it is inside the
    /// document.
    fn locate(&self, target: &str) -> Option<String> {
        let (document, fragment) = target.split_once('#').unwrap_or((target, ""));
        let resource = self.resources.get(document)?;
        let fragment = crate::uri::percent_decode(fragment);
        if fragment.is_empty() {
            Some(resource.clone())
        } else if fragment.starts_with('/') {
            Some(format!("{resource}{fragment}"))
        } else {
            self.anchors.get(target).cloned()
        }
    }
}

fn ref_to(name: &str) -> Value {
    let mut object = Map::new();
    object.insert(
        "$ref".to_string(),
        Value::String(format!("#/definitions/{name}")),
    );
    Value::Object(object)
}

fn is_def_ref(target: &str) -> bool {
    ["#/$defs/", "#/definitions/"].iter().any(|prefix| {
        target
            .strip_prefix(prefix)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
    })
}

/// A name for the schema at a JSON pointer: its last token that is not a keyword or an index
/// (`/properties/data/properties/children/items` → `children_item`).
fn pointer_name(pointer: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "properties",
        "items",
        "anyOf",
        "oneOf",
        "allOf",
        "additionalProperties",
        "$defs",
        "definitions",
        "prefixItems",
        "patternProperties",
        "not",
    ];
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let item = tokens.last().is_some_and(|t| t == "items");
    let name = tokens
        .iter()
        .rev()
        .find(|t| !KEYWORDS.contains(&t.as_str()) && t.parse::<usize>().is_err())
        .cloned()
        .unwrap_or_else(|| "schema".to_string());
    if item { format!("{name}_item") } else { name }
}

fn collect_refs(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(object) => {
            if let Some(Value::String(target)) = object.get("$ref") {
                out.push(target.clone());
            }
            for (key, child) in object {
                if !matches!(key.as_str(), "enum" | "const" | "default" | "examples") {
                    collect_refs(child, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, out)),
        _ => {}
    }
}

fn rewrite_refs(schema: &mut Value, renames: &BTreeMap<String, String>) {
    match schema {
        Value::Object(object) => {
            if let Some(Value::String(target)) = object.get_mut("$ref")
                && let Some(new) = renames.get(target.as_str())
            {
                if new.is_empty() {
                    object.remove("$ref");
                } else {
                    *target = new.clone();
                }
            }
            for (key, child) in object.iter_mut() {
                // Values of these keywords are data, not schemas.
                if !matches!(key.as_str(), "enum" | "const" | "default" | "examples") {
                    rewrite_refs(child, renames);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| rewrite_refs(item, renames)),
        _ => {}
    }
}

fn collect_operations_mut<'a>(namespace: &'a mut Namespace, out: &mut Vec<&'a mut Operation>) {
    out.extend(namespace.operations.iter_mut());
    for child in &mut namespace.children {
        collect_operations_mut(child, out);
    }
}

impl Namespace {
    /// Every operation in this namespace and below, depth first.
    pub fn all_operations(&self) -> Vec<&Operation> {
        let mut out: Vec<&Operation> = self.operations.iter().collect();
        for child in &self.children {
            out.extend(child.all_operations());
        }
        out
    }

    /// Every namespace from this one down, depth first.
    pub fn all_namespaces(&self) -> Vec<&Namespace> {
        let mut out = vec![self];
        for child in &self.children {
            out.extend(child.all_namespaces());
        }
        out
    }
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
