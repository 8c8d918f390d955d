//! Overlays: local corrections to a provider's tool definitions that survive a `pull`.
//!
//! `schemas/<provider>/overlay.json` is never a tool. It holds the provider's documentation base
//! URL and, per tool name, an RFC 6902 JSON Patch applied to the tool object (`{"name",
//! "inputSchema", ...}`) as it was read, before the tool is parsed:
//!
//! ```json
//! {
//!   "docs_base_url": "https://workos.com/docs",
//!   "tools": {
//!     "user_management.invitations.create": [
//!       {"op": "add", "path": "/inputSchema/required", "value": ["email"]},
//!       {"op": "add", "path": "/inputSchema/properties/email/format", "value": "email"}
//!     ]
//!   }
//! }
//! ```
//!
//! `overlay.toml` holds the same structure in TOML (`[[tools."<name>"]]` tables of `op`, `path`,
//! `value`); a provider has one or the other. Renames are patch operations too: they add the
//! keywords of [`crate::renames`].
//!
//! An operation whose pointer leads nowhere, and a tool name that no tool of the provider has,
//! are errors naming the overlay file and the pointer; an overlay is never silently ignored. This
//! module does no I/O: `load` reads the file and hands its bytes here.

use std::collections::{BTreeMap, BTreeSet};

use json_patch::{Patch, PatchOperation};
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics, kind, pointer_token, quoted};
use crate::tool::Formats;

/// The file name of a provider's overlay (JSON), directly inside the provider folder.
pub const OVERLAY_FILE: &str = "overlay.json";

/// The TOML spelling of the overlay, with the same structure (`docs_base_url`, and per tool an
/// array of tables `[[tools."<name>"]]` with `op`, `path` and `value`). A provider has one or the
/// other, never both.
pub const OVERLAY_TOML: &str = "overlay.toml";

/// Is `name` the file name of an overlay?
pub fn is_overlay(name: &str) -> bool {
    name == OVERLAY_FILE || name == OVERLAY_TOML
}

fn parse_json(file: &str, bytes: &[u8]) -> Result<Value, Diagnostics> {
    serde_json::from_slice(bytes).map_err(|err| {
        let text = err.to_string();
        let message = text.split(" at line ").next().unwrap_or(&text).to_string();
        Diagnostic::new(file, format!("malformed JSON: {message}"))
            .at_position(err.line(), err.column())
            .into()
    })
}

fn parse_toml(file: &str, bytes: &[u8]) -> Result<Value, Diagnostics> {
    let text = std::str::from_utf8(bytes).map_err(|err| {
        Diagnostic::new(file, "the file is not valid UTF-8").with_help(format!(
            "the first bad byte is at offset {}",
            err.valid_up_to()
        ))
    })?;
    toml::from_str::<Value>(text).map_err(|err| {
        let message = err.message().trim_end().to_string();
        let mut diagnostic = Diagnostic::new(file, format!("malformed TOML: {message}"));
        if let Some(span) = err.span() {
            let (line, column) = crate::locate::line_column(text, span.start);
            diagnostic = diagnostic.at_position(line, column);
        }
        diagnostic.into()
    })
}

/// One provider's overlay, parsed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overlay {
    /// The overlay file, relative to the schemas root (`<provider>/overlay.json`).
    pub file: String,
    /// The provider's documentation site, against which relative links in descriptions resolve.
    pub docs_base_url: Option<String>,
    /// Whether the provider's `format`s are checked.
    pub formats: Formats,
    /// Tool name → the patch applied to that tool's definition.
    pub tools: BTreeMap<String, Vec<PatchOperation>>,
}

impl Overlay {
    /// Parses an overlay file's bytes, as TOML when `file` ends in `.toml` and as JSON
    /// otherwise; `file` names it in diagnostics.
    pub fn parse(file: &str, bytes: &[u8]) -> Result<Self, Diagnostics> {
        let value = if file.ends_with(".toml") {
            parse_toml(file, bytes)?
        } else {
            parse_json(file, bytes)?
        };
        Self::from_value(file, value)
    }

    fn from_value(file: &str, value: Value) -> Result<Self, Diagnostics> {
        let mut diagnostics = Diagnostics::default();
        let mut overlay = Overlay {
            file: file.to_string(),
            ..Overlay::default()
        };
        let Value::Object(object) = value else {
            return Err(Diagnostic::new(
                file,
                format!("an overlay must be a JSON object, not {}", kind(&value)),
            )
            .with_help(r#"expected {"docs_base_url": "...", "formats": "assertion" | "annotation", "tools": {"<tool name>": [<JSON Patch operations>]}}"#)
            .into());
        };
        for (key, value) in &object {
            let pointer = format!("/{}", pointer_token(key));
            match (key.as_str(), value) {
                ("docs_base_url", Value::String(url))
                    if url.starts_with("https://") || url.starts_with("http://") =>
                {
                    overlay.docs_base_url = Some(url.clone());
                }
                ("docs_base_url", _) => diagnostics.push(
                    Diagnostic::new(file, "`docs_base_url` must be an http(s) URL string")
                        .at(pointer),
                ),
                ("formats", Value::String(mode)) if mode == "assertion" => {
                    overlay.formats = Formats::Assertion;
                }
                ("formats", Value::String(mode)) if mode == "annotation" => {
                    overlay.formats = Formats::Annotation;
                }
                ("formats", _) => diagnostics.push(
                    Diagnostic::new(file, "`formats` must be \"assertion\" or \"annotation\"")
                        .at(pointer)
                        .with_help(
                            "\"annotation\" leaves formatted values as documented strings; \"assertion\" (the default) checks them",
                        ),
                ),
                ("tools", Value::Object(tools)) => {
                    for (name, ops) in tools {
                        let pointer = format!("/tools/{}", pointer_token(name));
                        match serde_json::from_value::<Patch>(ops.clone()) {
                            Ok(patch) => {
                                overlay.tools.insert(name.clone(), patch.0);
                            }
                            Err(err) => diagnostics.push(
                                Diagnostic::new(
                                    file,
                                    format!(
                                        "the overlay of {} is not a JSON Patch: {err}",
                                        quoted(name)
                                    ),
                                )
                                .at(pointer)
                                .with_help(
                                    r#"an RFC 6902 patch is an array of {"op": "add" | "remove" | "replace" | "move" | "copy" | "test", "path": "/...", ...}"#,
                                ),
                            ),
                        }
                    }
                }
                ("tools", other) => diagnostics.push(
                    Diagnostic::new(
                        file,
                        format!(
                            "`tools` must map tool names to JSON Patches, not {}",
                            kind(other)
                        ),
                    )
                    .at(pointer),
                ),
                _ => diagnostics.push(
                    Diagnostic::new(file, format!("unknown overlay key {}", quoted(key)))
                        .at_key(pointer)
                        .with_help("an overlay has `docs_base_url`, `formats` and `tools`"),
                ),
            }
        }
        diagnostics.into_result(overlay)
    }

    /// Applies the patch for `name` (if any) to the tool object `tool`, in place. On error the
    /// tool is left as it was and the diagnostic names the overlay file and the operation.
    pub fn apply(&self, name: &str, tool: &mut Value) -> Result<(), Box<Diagnostic>> {
        let Some(ops) = self.tools.get(name) else {
            return Ok(());
        };
        json_patch::patch(tool, ops).map_err(|err| {
            let op = ops.get(err.operation);
            let verb = match op {
                Some(PatchOperation::Add(_)) => "add",
                Some(PatchOperation::Remove(_)) => "remove",
                Some(PatchOperation::Replace(_)) => "replace",
                Some(PatchOperation::Move(_)) => "move",
                Some(PatchOperation::Copy(_)) => "copy",
                Some(PatchOperation::Test(_)) => "test",
                None => "?",
            };
            let what = match err.kind {
                json_patch::PatchErrorKind::TestFailed => "a `test` that failed".to_string(),
                _ => format!("nothing ({})", err.kind),
            };
            Box::new(Diagnostic::new(
                &self.file,
                format!(
                    "overlay operation `{verb}` on tool {} points at {what}: `{}`",
                    quoted(name),
                    err.path
                ),
            )
            .at(format!(
                "/tools/{}/{}/path",
                pointer_token(name),
                err.operation
            ))
            .with_help(
                "paths are JSON pointers into the tool object ({\"name\", \"inputSchema\", ...}); \
                 the schema may have changed upstream, so update or remove the operation",
            ))
        })
    }

    /// The overlay file and the pointer inside it of the last operation on tool `name` that
    /// wrote the value at `pointer` (a pointer into the tool object), if one did: for an `add` or
    /// `replace` of `pointer` or of an ancestor, the matching part of its `value`.
    pub fn operation_setting(&self, name: &str, pointer: &str) -> Option<(String, String)> {
        let ops = self.tools.get(name)?;
        ops.iter().enumerate().rev().find_map(|(index, op)| {
            let (PatchOperation::Add(json_patch::AddOperation { path, .. })
            | PatchOperation::Replace(json_patch::ReplaceOperation { path, .. })) = op
            else {
                return None;
            };
            let path = path.to_string();
            let rest = pointer.strip_prefix(path.as_str())?;
            (rest.is_empty() || rest.starts_with('/')).then(|| {
                (
                    self.file.clone(),
                    format!("/tools/{}/{index}/value{rest}", pointer_token(name)),
                )
            })
        })
    }

    /// One error for each tool named by the overlay that no loaded tool has.
    pub fn unknown_tools(&self, known: &BTreeSet<String>) -> Vec<Diagnostic> {
        self.tools
            .keys()
            .filter(|name| !known.contains(*name))
            .map(|name| {
                Diagnostic::new(
                    &self.file,
                    format!(
                        "the overlay names the tool {}, which does not exist",
                        quoted(name)
                    ),
                )
                .at(format!("/tools/{}", pointer_token(name)))
                .with_help("the tool may have been renamed or removed upstream; update the overlay")
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(value: Value) -> Overlay {
        Overlay::parse("p/overlay.json", value.to_string().as_bytes()).expect("an overlay")
    }

    #[test]
    fn formats_are_asserted_unless_the_overlay_says_annotation() {
        assert_eq!(overlay(json!({})).formats, Formats::Assertion);
        assert_eq!(
            overlay(json!({"formats": "annotation"})).formats,
            Formats::Annotation
        );
        assert_eq!(
            overlay(json!({"formats": "assertion"})).formats,
            Formats::Assertion
        );
        let err = Overlay::parse("p/overlay.json", br#"{"formats": "loose"}"#)
            .expect_err("an unknown mode is an error");
        let text = err.to_string();
        assert!(text.contains("`formats` must be"), "{text}");
        assert!(text.contains("p/overlay.json"), "{text}");
    }

    #[test]
    fn patches_the_named_tool() {
        let overlay = overlay(json!({"tools": {"t": [
            {"op": "add", "path": "/inputSchema/required", "value": ["a"]}
        ]}}));
        let mut tool = json!({"name": "t", "inputSchema": {"type": "object"}});
        overlay.apply("t", &mut tool).expect("applies");
        assert_eq!(tool["inputSchema"]["required"], json!(["a"]));
        let mut other = json!({"name": "u"});
        overlay.apply("u", &mut other).expect("no patch");
        assert_eq!(other, json!({"name": "u"}));
    }

    #[test]
    fn a_pointer_to_nothing_is_an_error_with_file_and_pointer() {
        let overlay = overlay(json!({"tools": {"a/b": [
            {"op": "add", "path": "/inputSchema/properties/emial/format", "value": "email"}
        ]}}));
        let mut tool = json!({"name": "a/b", "inputSchema": {"properties": {"email": {}}}});
        let before = tool.clone();
        let err = overlay
            .apply("a/b", &mut tool)
            .expect_err("points at nothing");
        assert_eq!(tool, before, "nothing is half-applied");
        assert_eq!(err.file.to_str(), Some("p/overlay.json"));
        assert_eq!(err.pointer.as_deref(), Some("/tools/a~1b/0/path"));
        assert!(
            err.message.contains("/inputSchema/properties/emial/format"),
            "{}",
            err.message
        );
        let removed = overlay_with_replace();
        let mut tool = json!({"name": "t", "inputSchema": {}});
        assert!(removed.apply("t", &mut tool).is_err());
    }

    fn overlay_with_replace() -> Overlay {
        overlay(json!({"tools": {"t": [{"op": "replace", "path": "/title", "value": "x"}]}}))
    }

    #[test]
    fn unknown_tools_and_bad_shapes_are_errors() {
        let overlay = overlay(json!({"tools": {"gone": []}}));
        let errors = overlay.unknown_tools(&BTreeSet::from(["here".to_string()]));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].pointer.as_deref(), Some("/tools/gone"));

        for bad in [
            json!([]),
            json!({"tools": []}),
            json!({"tools": {"t": [{"op": "frobnicate", "path": "/x"}]}}),
            json!({"docs_base_url": "workos.com"}),
            json!({"tool": {}}),
        ] {
            assert!(
                Overlay::parse("p/overlay.json", bad.to_string().as_bytes()).is_err(),
                "{bad}"
            );
        }
    }
}
