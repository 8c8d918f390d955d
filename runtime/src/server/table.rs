//! The contract between the runtime's [`Server`](super::Server) and generated code: the tool
//! table ([`ToolDefinition`]) and the dispatch from a tool name to a trait method ([`Tools`]).

use serde_json::Value;

use super::super::output::ToolOutput;
use super::super::transport::BoxFuture;
use super::context::Context;
use super::error::ToolError;

/// One tool as a generated crate serves it.
#[derive(Debug, Clone, Copy)]
pub struct ToolDefinition {
    /// The tool name.
    pub name: &'static str,
    /// The definition as `tools/list` serves it (JSON): name, title, description, `inputSchema`,
    /// `outputSchema` and annotations, as they stand in the schemas after the overlay.
    pub definition: &'static str,
    /// The normalized input schema that arguments are validated against, the one the client's
    /// `validate()` uses.
    pub input_schema: &'static str,
    /// The normalized output schema that structured results are checked against.
    pub output_schema: Option<&'static str>,
}

/// What a tool method returned, before the runtime checks and sends it.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// The structured result of a tool with an `outputSchema`.
    Structured(Value),
    /// The content of a tool without one.
    Output(ToolOutput),
}

/// A provider's tools, served: generated for each provider's `Server` trait.
pub trait Tools: Send + Sync + 'static {
    /// Every tool, sorted by name.
    fn definitions(&self) -> &'static [ToolDefinition];

    /// Calls the method of the tool `name` with `arguments`, which have passed the tool's input
    /// schema. `None` for a name that is not in [`definitions`](Self::definitions).
    fn call<'a>(
        &'a self,
        name: &str,
        arguments: Value,
        context: Context,
    ) -> Option<BoxFuture<'a, Result<Reply, ToolError>>>;
}

impl Reply {
    /// The structured result `output`, serialized.
    ///
    /// # Errors
    ///
    /// A tool error when `output` cannot be serialized.
    pub fn structured<T: serde::Serialize>(output: &T) -> Result<Self, ToolError> {
        serde_json::to_value(output)
            .map(Self::Structured)
            .map_err(|err| ToolError::new(format!("the result cannot be serialized: {err}")))
    }
}

/// Reads the arguments of `tool` (already checked against its input schema) as its params type.
///
/// # Errors
///
/// A tool error naming the tool, for arguments the schema accepts but the type does not.
pub fn arguments<P: serde::de::DeserializeOwned>(
    tool: &str,
    arguments: Value,
) -> Result<P, ToolError> {
    serde_json::from_value(arguments)
        .map_err(|err| ToolError::new(format!("invalid arguments for the tool `{tool}`: {err}")))
}
