//! The report behind `toolgen report`: per provider, how many tools generated cleanly, how many
//! types deduplication saved, and how much code came out.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use crate::diagnostics::Diagnostics;
use crate::emit::{self, EmitOptions};
use crate::model::{self, Model};

/// The figures of one provider.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderReport {
    /// The provider folder.
    pub provider: String,
    /// Tools found.
    pub tools: usize,
    /// Tools whose code was generated.
    pub clean: usize,
    /// Tools that could not be generated.
    pub errors: usize,
    /// Warnings: schema parts typed more loosely than written.
    pub warnings: usize,
    /// Types (structs and enums) there would be if no enum and no object were shared.
    pub types_before_dedup: usize,
    /// Types generated.
    pub types_after_dedup: usize,
    /// Lines of generated code for the provider.
    pub lines: usize,
}

/// Generates every provider under `schemas` in memory and measures it. Only problems that stop
/// the tools being read at all are errors here; a tool that fails to generate is counted.
pub fn report(schemas: &Path, options: &EmitOptions) -> Result<Vec<ProviderReport>, Diagnostics> {
    let tools = crate::load::load(schemas).map_err(|d| d.under(schemas))?;
    let model = model::build(&tools);
    let mut out = Vec::new();
    for provider in &model.providers {
        let single = Model {
            providers: vec![provider.clone()],
            crate_enums: model
                .crate_enums
                .iter()
                .filter(|e| e.features.contains(&provider.feature))
                .cloned()
                .collect(),
            crate_locale_data: model.crate_locale_data.clone(),
        };
        let (emitted, problems) = emit::emit_partial(&single, options);
        let failed: BTreeSet<String> = problems
            .iter()
            .map(|d| d.file.display().to_string())
            .collect();
        let operations = provider.root.all_operations();
        let prefix = format!("src/{}/", provider.module);
        let warnings =
            emitted.warnings.len() + operations.iter().map(|op| op.notes.len()).sum::<usize>();
        let rendered = crate::render::render(emitted.files).unwrap_or_default();
        let mut lines = 0;
        let mut types = 0;
        for (path, text) in rendered
            .iter()
            .filter(|(path, _)| path.starts_with(&prefix))
        {
            lines += text.lines().count();
            // The provider's own module holds the client and accessors, and its server module
            // the server trait, dispatch and mock: no schema types.
            if *path != format!("{prefix}mod.rs") && *path != format!("{prefix}server.rs") {
                types += text
                    .lines()
                    .filter(|l| {
                        l.starts_with("pub struct ")
                            || l.starts_with("pub enum ")
                            // A string enum is one runtime macro call.
                            || l.ends_with("::string_enum! {")
                            || l.ends_with("::locale_enum! {")
                    })
                    .count();
            }
        }
        let shared_uses: usize = operations.iter().map(|op| op.shared_enums.len()).sum();
        // A shared object was one type in each tool that uses it (the helper types typify makes
        // inside it, such as constrained strings, are not counted).
        let object_uses: usize = provider.shared_objects.iter().map(|o| o.uses).sum();
        out.push(ProviderReport {
            provider: provider.folder.clone(),
            tools: operations.len(),
            clean: operations.len() - failed.len().min(operations.len()),
            errors: failed.len(),
            warnings,
            types_before_dedup: types + shared_uses - provider.shared_enums.len() + object_uses
                - provider.shared_objects.len(),
            types_after_dedup: types,
            lines,
        });
    }
    Ok(out)
}

/// The report as a Markdown table.
pub fn table(reports: &[ProviderReport]) -> String {
    let mut out = String::from(
        "| provider | tools | clean | errors | warnings | types before dedup | types after dedup | lines |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut total = ProviderReport {
        provider: "total".to_string(),
        ..ProviderReport::default()
    };
    for r in reports {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            r.provider,
            r.tools,
            r.clean,
            r.errors,
            r.warnings,
            r.types_before_dedup,
            r.types_after_dedup,
            r.lines
        );
        total.tools += r.tools;
        total.clean += r.clean;
        total.errors += r.errors;
        total.warnings += r.warnings;
        total.types_before_dedup += r.types_before_dedup;
        total.types_after_dedup += r.types_after_dedup;
        total.lines += r.lines;
    }
    let _ = write!(
        out,
        "| **{}** | {} | {} | {} | {} | {} | {} | {} |",
        total.provider,
        total.tools,
        total.clean,
        total.errors,
        total.warnings,
        total.types_before_dedup,
        total.types_after_dedup,
        total.lines
    );
    out
}
