//! Check: the stage after the model. Compares the finished model with what the schemas asked
//! for, so that nothing asked for is silently dropped. Pure; its findings are diagnostics.

use std::collections::BTreeSet;

use crate::diagnostics::{Diagnostic, pointer_token, quoted};
use crate::keywords::{TYPE, VARIANTS};
use crate::model::{EnumType, Model};
use crate::renames::{enum_nodes, type_rename, variant_renames};

/// Every problem the finished model shows: today, the renames it could not apply.
pub fn check(model: &Model) -> Vec<Diagnostic> {
    renames_applied(model)
}

/// Every rename the model did not apply exactly as asked, as an error: a type name that another
/// type of the module already had (the model numbered it), or a rename on an enum the model did
/// not generate as asked (a crate-wide locale enum, say). Renames are never silently dropped.
fn renames_applied(model: &Model) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for provider in &model.providers {
        for op in provider.root.all_operations() {
            // The enum types this tool's schemas can use.
            let shared = provider
                .shared_enums
                .iter()
                .filter(|ty| op.shared_enums.contains(&ty.name));
            let external = model
                .crate_enums
                .iter()
                .map(|e| &e.ty)
                .filter(|ty| op.external_enums.contains_key(&ty.name));
            let types: Vec<&EnumType> = op
                .local_enums
                .iter()
                .chain(shared)
                .chain(external)
                .collect();
            let mut nodes = Vec::new();
            enum_nodes(&op.tool.input_schema, "/inputSchema", &mut nodes);
            if let Some(output) = &op.tool.output_schema {
                enum_nodes(output, "/outputSchema", &mut nodes);
            }
            for (pointer, node, values) in nodes {
                let same_values = |ty: &&&EnumType| {
                    ty.variants
                        .iter()
                        .map(|v| &v.value)
                        .collect::<BTreeSet<_>>()
                        == values.iter().collect()
                };
                if let Some(name) = type_rename(node)
                    && !types.iter().filter(same_values).any(|ty| ty.name == name)
                {
                    let taken = types
                        .iter()
                        .filter(same_values)
                        .map(|ty| ty.name.as_str())
                        .next();
                    problems.push(op.tool.origin.diagnostic(
                        &format!("{pointer}/{TYPE}"),
                        match taken {
                            Some(got) => format!(
                                "the type name `{name}` is already taken in its module, so the enum would be `{got}`"
                            ),
                            None => format!("the type name `{name}` could not be applied to this enum"),
                        },
                    ).with_help("pick another name with the overlay"));
                }
                for (value, name) in variant_renames(node) {
                    let applied = types.iter().filter(same_values).any(|ty| {
                        ty.variants
                            .iter()
                            .any(|v| v.value == value && v.name == name)
                    });
                    if !applied {
                        problems.push(op.tool.origin.diagnostic(
                            &format!("{pointer}/{VARIANTS}/{}", pointer_token(&value)),
                            format!("the variant name `{name}` for {} could not be applied", quoted(&value)),
                        ).with_help("an enum shared by several tools or providers takes one set of names; rename it the same way everywhere"));
                    }
                }
            }
        }
    }
    problems
}
