//! [`Mock`]: the runtime half of a generated provider's `Mock`, for application tests. It answers
//! a generated `Client` in-process (through [`MemoryTransport`]) with the expectations a test
//! set per tool, checks arguments against the tool's input schema as the server does, records
//! every call, and fails the test on a call nobody expected.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::Value;

use super::super::memory::MemoryTransport;
use super::super::output::{Content, ToolOutput};
use super::super::transport::{ToolCall, ToolResult};
use super::super::validate::Validator;
use super::error::ToolError;
use super::table::{Reply, ToolDefinition};

type Answer = dyn Fn(Value) -> Result<Reply, ToolError> + Send + Sync;

#[derive(Default)]
struct State {
    answers: BTreeMap<String, Arc<Answer>>,
    calls: Vec<(String, Value)>,
}

/// Expectations and recorded calls, by tool name; clones share them.
#[derive(Clone)]
pub struct Mock {
    definitions: &'static [ToolDefinition],
    state: Arc<Mutex<State>>,
}

impl fmt::Debug for Mock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("Mock")
            .field("expected", &state.answers.keys().collect::<Vec<_>>())
            .field("calls", &state.calls.len())
            .finish()
    }
}

impl Mock {
    /// A mock of the tools `definitions`, with no expectation yet.
    pub fn new(definitions: &'static [ToolDefinition]) -> Self {
        Self {
            definitions,
            state: Arc::default(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Answers every later call of `tool` (whose arguments passed its schema) with `answer`,
    /// replacing an earlier expectation.
    pub fn on(
        &self,
        tool: &str,
        answer: impl Fn(Value) -> Result<Reply, ToolError> + Send + Sync + 'static,
    ) {
        self.state()
            .answers
            .insert(tool.to_string(), Arc::new(answer));
    }

    /// Every call received, in order: the tool name and the arguments.
    pub fn calls(&self) -> Vec<(String, Value)> {
        self.state().calls.clone()
    }

    /// The arguments of every call of `tool`, in order.
    pub fn calls_of(&self, tool: &str) -> Vec<Value> {
        self.state()
            .calls
            .iter()
            .filter(|(name, _)| name == tool)
            .map(|(_, arguments)| arguments.clone())
            .collect()
    }

    /// An in-process transport that answers from this mock; a generated `Client::new` takes it.
    pub fn transport(&self) -> MemoryTransport {
        let mock = self.clone();
        MemoryTransport::with_handler(move |call| Ok(mock.answer(call)))
    }

    /// Answers one call.
    ///
    /// # Panics
    ///
    /// On a tool this mock does not know, or one without an expectation: the test fails with
    /// the tool's name and the arguments.
    fn answer(&self, call: &ToolCall) -> ToolResult {
        let arguments = Value::Object(call.arguments.clone());
        let shown = serde_json::to_string_pretty(&arguments).unwrap_or_default();
        let Some(definition) = self.definitions.iter().find(|d| d.name == call.name) else {
            panic!(
                "the mock has no tool `{}`; it was called with {shown}",
                call.name
            );
        };
        self.state()
            .calls
            .push((call.name.clone(), arguments.clone()));
        if let Err(violations) = Validator::new(definition.input_schema).check(&arguments) {
            return error(&ToolError::invalid_arguments(&call.name, &violations));
        }
        let answer = self.state().answers.get(&call.name).cloned();
        let Some(answer) = answer else {
            panic!(
                "no expectation for the tool `{}`, which was called with {shown}; set one with the \
                 mock's `on_` method for it",
                call.name
            );
        };
        match answer(arguments) {
            Err(err) => error(&err),
            Ok(Reply::Structured(value)) => ToolResult {
                content: vec![Content::Text(value.to_string())],
                structured_content: Some(value),
                is_error: false,
            },
            Ok(Reply::Output(ToolOutput {
                content,
                structured_content,
            })) => ToolResult {
                content,
                structured_content,
                is_error: false,
            },
        }
    }
}

fn error(error: &ToolError) -> ToolResult {
    ToolResult {
        content: vec![Content::Text(error.message().to_string())],
        structured_content: None,
        is_error: true,
    }
}
