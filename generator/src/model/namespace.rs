//! The namespace tree: dotted tool names become nested namespaces, and every module, method
//! and type name in it is claimed here.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::ir::{Arguments, Namespace, Operation};
use super::refs::definitions;
use crate::naming::{self, Scope};
use crate::tool::Tool;

/// Names that the provider module itself defines (its shared types, and its server side under
/// the `server` feature), so no namespace or tool may take them.
pub(super) const PROVIDER_RESERVED_MODULES: &[&str] = &["shared", "server"];

/// Inherent methods of the provider `Client`, so no tool method may take them.
pub(super) const CLIENT_RESERVED_METHODS: &[&str] =
    &["new", "from_runtime", "runtime", "clone", "fmt"];

#[derive(Default)]
pub(super) struct NamespaceBuilder {
    pub(super) children: BTreeMap<String, NamespaceBuilder>,
    pub(super) tools: BTreeMap<String, Tool>,
}

impl NamespaceBuilder {
    pub(super) fn finish(
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
                let arguments = Arguments::of(&validation_schema);
                Operation {
                    tool,
                    method,
                    arguments,
                    method_with: None,
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
            .collect::<Vec<Operation>>();
        // The second method of tools whose arguments are all optional, claimed after every
        // tool's own method, so that a tool named `list_with` keeps its name.
        let mut operations = operations;
        for op in &mut operations {
            if op.arguments == Arguments::Optional {
                op.method_with =
                    Some(method_scope.claim(&naming::with_arguments_method(&op.method), "_"));
            }
        }
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

/// The namespace segments that all of `tools` share.
pub(super) fn common_namespace(tools: &BTreeSet<String>) -> Vec<String> {
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
