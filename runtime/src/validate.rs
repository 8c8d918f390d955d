//! [`Validator`]: checks a JSON value against a tool's JSON Schema and reports every violation
//! with its JSON pointer, before anything is sent (arguments) or parsed (`structuredContent`).
//!
//! The checking is done by the [`jsonschema`] crate, compiled once per schema. It honours the
//! dialect a schema declares with `$schema` (draft 4, 6, 7, 2019-09, 2020-12; none means
//! 2020-12), checks `format` as an assertion, and reads nothing from the network or the disk:
//! the meta-schemas are bundled in the crate, and a reference to any other document that the
//! schema does not embed accepts every value, as does a schema that cannot be compiled at all
//! (the generator reports such schemas when it embeds them). Formats that cannot be checked
//! exactly are accepted rather than rejected: a call is never refused for a value the schema
//! allows.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use super::error::Violation;

/// A compiled JSON Schema.
pub struct Validator {
    /// `None` when the schema could not be compiled: then every value is accepted.
    inner: Option<jsonschema::Validator>,
}

impl fmt::Debug for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Validator")
            .field("compiled", &self.inner.is_some())
            .finish()
    }
}

/// Answers every reference to a document the schema does not embed with the schema `true`, so
/// that nothing is fetched and the rest of the schema is still checked.
struct AcceptUnknownDocuments;

impl jsonschema::Retrieve for AcceptUnknownDocuments {
    fn retrieve(
        &self,
        _uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Value::Bool(true))
    }
}

impl Validator {
    /// Compiles `schema` (JSON text). A schema that does not parse or compile accepts
    /// everything; the generator only embeds schemas it has compiled itself.
    pub fn new(schema: &str) -> Self {
        Self::from_value(serde_json::from_str(schema).unwrap_or(Value::Bool(true)))
    }

    /// Compiles a schema value.
    pub fn from_value(schema: Value) -> Self {
        Self {
            inner: Self::compile(&schema).ok(),
        }
    }

    /// Compiles a schema value, or says why it cannot be: the check the generator runs on every
    /// schema it embeds.
    ///
    /// # Errors
    ///
    /// The compiler's message, for a schema that [`Validator::from_value`] would turn into one
    /// that accepts everything.
    pub fn try_from_value(schema: &Value) -> Result<Self, String> {
        Self::compile(schema).map(|inner| Self { inner: Some(inner) })
    }

    fn compile(schema: &Value) -> Result<jsonschema::Validator, String> {
        jsonschema::options()
            .should_validate_formats(true)
            .with_retriever(AcceptUnknownDocuments)
            .build(schema)
            .map_err(|err| err.to_string())
    }

    /// Whether `instance` is valid, without collecting violations.
    pub fn is_valid(&self, instance: &Value) -> bool {
        self.inner.as_ref().is_none_or(|v| v.is_valid(instance))
    }

    /// Every way in which `instance` breaks the schema; empty when it is valid.
    pub fn violations(&self, instance: &Value) -> Vec<Violation> {
        let Some(validator) = &self.inner else {
            return Vec::new();
        };
        use jsonschema::error::ValidationErrorKind as Kind;
        let mut out = Vec::new();
        for error in validator.iter_errors(instance) {
            let at = |name: &str| {
                format!(
                    "{}/{}",
                    error.instance_path(),
                    name.replace('~', "~0").replace('/', "~1")
                )
            };
            // Errors about properties name the property, as field errors do.
            match error.kind() {
                Kind::Required {
                    property: Value::String(name),
                } => out.push(Violation {
                    pointer: at(name),
                    message: "is required".to_string(),
                }),
                Kind::AdditionalProperties { unexpected }
                | Kind::UnevaluatedProperties { unexpected } => {
                    out.extend(unexpected.iter().map(|name| Violation {
                        pointer: at(name),
                        message: "is not allowed here".to_string(),
                    }));
                }
                _ => out.push(Violation {
                    pointer: error.instance_path().to_string(),
                    message: error.to_string(),
                }),
            }
        }
        out
    }

    /// Checks `instance`: every violation when it is invalid.
    ///
    /// # Errors
    ///
    /// Every violation, each with the JSON pointer of the offending value.
    pub fn check(&self, instance: &Value) -> Result<(), Vec<Violation>> {
        // The fast answer first; violations are collected only for an invalid value.
        if self.is_valid(instance) {
            Ok(())
        } else {
            Err(self.violations(instance))
        }
    }

    /// Serializes `value` and validates it.
    ///
    /// # Errors
    ///
    /// Every violation, or one at the root when `value` cannot be serialized.
    pub fn validate<T: Serialize + ?Sized>(&self, value: &T) -> Result<(), Vec<Violation>> {
        if self.inner.is_none() {
            return Ok(());
        }
        let instance = serde_json::to_value(value).map_err(|err| {
            vec![Violation {
                pointer: String::new(),
                message: format!("cannot be serialized: {err}"),
            }]
        })?;
        self.check(&instance)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::Validator;

    #[test]
    fn reports_every_violation_with_its_pointer() {
        let validator = Validator::from_value(json!({
            "type": "object",
            "properties": {"a": {"type": "integer", "minimum": 2}, "b": {"format": "email"}},
            "required": ["c"]
        }));
        let violations = validator.violations(&json!({"a": 1, "b": "nope"}));
        let mut pointers: Vec<&str> = violations.iter().map(|v| v.pointer.as_str()).collect();
        pointers.sort_unstable();
        assert_eq!(pointers, ["/a", "/b", "/c"], "{violations:?}");
        assert!(violations.iter().any(|v| v.message == "is required"));
        assert!(validator.check(&json!({"a": 2.0, "c": 1})).is_ok());
    }

    #[test]
    fn honours_the_declared_dialect() {
        // Draft 7 ignores the siblings of `$ref`; 2020-12 applies them.
        let schema = json!({
            "definitions": {"n": {"type": "number"}},
            "properties": {"a": {"$ref": "#/definitions/n", "maximum": 1}}
        });
        let mut draft7 = schema.clone();
        draft7["$schema"] = json!("http://json-schema.org/draft-07/schema#");
        assert!(Validator::from_value(draft7).is_valid(&json!({"a": 5})));
        assert!(!Validator::from_value(schema).is_valid(&json!({"a": 5})));
    }

    #[test]
    fn reads_nothing_from_outside() {
        // The meta-schema is bundled; another document is not fetched, and accepts everything.
        let meta =
            Validator::from_value(json!({"$ref": "https://json-schema.org/draft/2020-12/schema"}));
        assert!(!meta.is_valid(&json!({"type": 5})));
        let remote = Validator::from_value(json!({
            "properties": {"a": {"$ref": "http://localhost:1/x.json"}, "b": {"type": "string"}}
        }));
        assert!(remote.is_valid(&json!({"a": 1})));
        assert!(!remote.is_valid(&json!({"b": 1})));
    }

    #[test]
    fn a_schema_that_does_not_compile_accepts_everything() {
        let bad = json!({"pattern": "(", "type": "string"});
        assert!(Validator::try_from_value(&bad).is_err());
        assert!(Validator::from_value(bad).is_valid(&json!(1)));
    }
}
