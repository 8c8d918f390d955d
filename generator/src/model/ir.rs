//! The model's IR: plain, ordered data that emit reads. No logic beyond walking it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::cldr::{LocaleData, LocaleInfo};
use crate::diagnostics::Note;
use crate::tool::Tool;

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
    /// The values of a locale enum as tags (see [`detect_locale`](super::detect_locale)); `None` for other enums.
    /// Its CLDR tables are its provider's [`Provider::locale_data`] (or the crate's).
    pub locale: Option<LocaleInfo>,
    /// Whether the enum comes back from the server (it is in an `outputSchema`). Such an enum
    /// is open: `#[non_exhaustive]`, with an `Unknown(String)` variant, so a value the server
    /// adds later never breaks deserialization. Input enums stay closed, so typos are caught.
    pub open: bool,
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
