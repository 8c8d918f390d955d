//! The [`Client`]: serializes typed parameters and calls tools through a [`Transport`], with a
//! timeout, retries and one tracing span per call; [`Call`] is one call, ready to be awaited.

use std::borrow::Cow;
use std::fmt;
use std::future::IntoFuture;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use tracing::Instrument;

use super::error::{Error, Violation};
use super::output::ToolOutput;
use super::retry::{RetryPolicy, ToolInfo};
use super::transport::{BoxFuture, Progress, ProgressFn, ToolCall, ToolResult, Transport};
use super::validate::Validator;

/// How long one attempt of a call may take when nothing else is set.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A connection to an MCP server, shared by every provider's typed client.
///
/// Cloning is cheap (one reference count): clones share the transport, its session and the
/// settings, and can be used from many tasks at once. Calls need a Tokio runtime with its timer
/// enabled, for timeouts and backoff.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    transport: Arc<dyn Transport>,
    timeout: Duration,
    retry: RetryPolicy,
    log_arguments: bool,
    output_validation: OutputValidation,
}

/// What a call does with a `structuredContent` that breaks the tool's `outputSchema` (the MCP
/// specification says clients SHOULD validate it). Set it on the [`Client`] or per [`Call`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutputValidation {
    /// Fail with [`Error::InvalidOutput`], every violation with its JSON pointer.
    #[default]
    Strict,
    /// Log a `tracing` warning with the violations, then parse the value anyway.
    Warn,
    /// Do not check; parse the value as it is.
    Off,
}

/// The compiled `outputSchema` of a tool, as generated output types provide it.
pub type OutputSchema = fn() -> &'static Validator;

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("transport", &self.inner.transport)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish()
    }
}

impl Client {
    /// A client that sends every call through `transport`.
    pub fn new(transport: impl Transport) -> Self {
        Self::from_shared(Arc::new(transport))
    }

    /// A client over a transport that is already shared.
    pub fn from_shared(transport: Arc<dyn Transport>) -> Self {
        Self {
            inner: Arc::new(Inner {
                transport,
                timeout: DEFAULT_TIMEOUT,
                retry: RetryPolicy::default(),
                log_arguments: false,
                output_validation: OutputValidation::Strict,
            }),
        }
    }

    /// The same connection with another timeout for each attempt of a call (default 30 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        Arc::make_mut(&mut self.inner).timeout = timeout;
        self
    }

    /// The same connection with another retry policy ([`RetryPolicy::disabled`] turns retries
    /// off).
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        Arc::make_mut(&mut self.inner).retry = policy;
        self
    }

    /// The same connection, logging each call's argument values in a `debug` event. Off by
    /// default: arguments may hold personal data.
    pub fn with_argument_logging(mut self, enabled: bool) -> Self {
        Arc::make_mut(&mut self.inner).log_arguments = enabled;
        self
    }

    /// The same connection, treating results that break their tool's `outputSchema` as
    /// `policy` says (default [`OutputValidation::Strict`]).
    pub fn with_output_validation(mut self, policy: OutputValidation) -> Self {
        Arc::make_mut(&mut self.inner).output_validation = policy;
        self
    }

    /// The transport this client sends through.
    pub fn transport(&self) -> &Arc<dyn Transport> {
        &self.inner.transport
    }

    /// The timeout of each attempt.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Calls the tool `name` with `params` serialized as its arguments object.
    ///
    /// Fields that are `None` are left out of the arguments, not sent as `null`. A result the
    /// tool marks as an error becomes [`Error::Tool`]. The tool is not known to be retry-safe, so
    /// only failures before sending are retried unless [`Call::retry`] opts in.
    pub fn call_tool<P>(&self, name: &str, params: &P) -> Call<ToolOutput>
    where
        P: Serialize + ?Sized,
    {
        let arguments = to_arguments(name, params);
        Call::new(
            self,
            Cow::Owned(name.to_string()),
            false,
            arguments,
            untyped,
        )
    }

    /// Calls the tool `name` with an arguments object as is.
    pub fn call_tool_raw(&self, name: &str, arguments: Map<String, Value>) -> Call<ToolOutput> {
        Call::new(
            self,
            Cow::Owned(name.to_string()),
            false,
            Ok(arguments),
            untyped,
        )
    }

    /// Calls a known tool; the result is the whole [`ToolOutput`]. Generated methods use this
    /// for tools without an `outputSchema`.
    pub fn call<P>(&self, tool: ToolInfo, params: &P) -> Call<ToolOutput>
    where
        P: Serialize + ?Sized,
    {
        let arguments = to_arguments(tool.name, params);
        Call::new(
            self,
            Cow::Borrowed(tool.name),
            tool.retry_safe,
            arguments,
            untyped,
        )
    }

    /// A call that fails with [`Error::InvalidArguments`] when awaited and sends nothing.
    /// Generated methods return it when the arguments break the tool's schema.
    pub fn rejected<O>(&self, tool: ToolInfo, violations: Vec<Violation>) -> Call<O> {
        let error = Error::InvalidArguments {
            tool: tool.name.to_string(),
            violations,
        };
        Call::new(
            self,
            Cow::Borrowed(tool.name),
            tool.retry_safe,
            Err(error),
            never_parsed::<O>,
        )
    }

    /// [`call`](Self::call) for arguments that were checked first: `validation` is their
    /// `validate()`, and a call whose arguments break the schema sends nothing and fails with
    /// [`Error::InvalidArguments`] when awaited. Generated methods use this.
    pub fn call_validated<P>(
        &self,
        tool: ToolInfo,
        params: &P,
        validation: Result<(), Vec<Violation>>,
    ) -> Call<ToolOutput>
    where
        P: Serialize + ?Sized,
    {
        match validation {
            Ok(()) => self.call(tool, params),
            Err(violations) => self.rejected(tool, violations),
        }
    }

    /// [`call_checked`](Self::call_checked) for arguments that were checked first, as in
    /// [`call_validated`](Self::call_validated). Generated methods use this.
    pub fn call_validated_checked<P, O>(
        &self,
        tool: ToolInfo,
        params: &P,
        validation: Result<(), Vec<Violation>>,
        schema: OutputSchema,
    ) -> Call<O>
    where
        P: Serialize + ?Sized,
        O: DeserializeOwned + Send + 'static,
    {
        match validation {
            Ok(()) => self.call_checked(tool, params, schema),
            Err(violations) => self.rejected(tool, violations),
        }
    }

    /// Calls a known tool and parses its `structuredContent` as `O`, without checking it against
    /// an output schema (generated methods call [`call_checked`](Self::call_checked) or
    /// [`call_validated_checked`](Self::call_validated_checked), which do).
    pub fn call_typed<P, O>(&self, tool: ToolInfo, params: &P) -> Call<O>
    where
        P: Serialize + ?Sized,
        O: DeserializeOwned + Send + 'static,
    {
        let arguments = to_arguments(tool.name, params);
        Call::new(
            self,
            Cow::Borrowed(tool.name),
            tool.retry_safe,
            arguments,
            structured::<O>,
        )
    }

    /// Calls a known tool, checks its `structuredContent` against `schema` (the tool's
    /// `outputSchema`, as the client's or the call's [`OutputValidation`] says), then parses it
    /// as `O`. Generated methods use this for tools with an `outputSchema`.
    pub fn call_checked<P, O>(&self, tool: ToolInfo, params: &P, schema: OutputSchema) -> Call<O>
    where
        P: Serialize + ?Sized,
        O: DeserializeOwned + Send + 'static,
    {
        let mut call = self.call_typed(tool, params);
        call.output_schema = Some(schema);
        call
    }
}

/// Serializes `params` as a tool's arguments object. A failure here is
/// [`Error::InvalidArguments`], and nothing is sent.
fn to_arguments<P>(tool: &str, params: &P) -> Result<Map<String, Value>, Error>
where
    P: Serialize + ?Sized,
{
    let invalid = |message: String| Error::InvalidArguments {
        tool: tool.to_string(),
        violations: vec![Violation {
            pointer: String::new(),
            message,
        }],
    };
    match serde_json::to_value(params) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(Value::Null) => Ok(Map::new()),
        Ok(other) => Err(invalid(format!(
            "the arguments must be a JSON object, not {other}"
        ))),
        Err(err) => Err(invalid(err.to_string())),
    }
}

// `ToolOutput::json` is written here rather than in `output.rs`, which sits beneath `error.rs`:
// it is the typed parsing that `structured` builds on.
impl ToolOutput {
    /// Parses the result as `T`: the structured content when there is some, otherwise the text
    /// blocks as one JSON document.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let parsed = match &self.structured_content {
            Some(value) => T::deserialize(value),
            None => serde_json::from_str(&self.text()),
        };
        parsed.map_err(|err| Error::UnexpectedResponse {
            message: format!("the tool result does not fit the expected type: {err}"),
        })
    }
}

/// The parser of a call that is never sent.
fn never_parsed<O>(tool: &str, _output: ToolOutput) -> Result<O, Error> {
    Err(Error::UnexpectedResponse {
        message: format!("a rejected call to `{tool}` produced a result"),
    })
}

fn untyped(_tool: &str, output: ToolOutput) -> Result<ToolOutput, Error> {
    Ok(output)
}

fn structured<O: DeserializeOwned>(tool: &str, output: ToolOutput) -> Result<O, Error> {
    let parsed = output.json::<O>();
    // JSON Schema counts `1.0` as an integer, Rust's integer types do not: a value that failed
    // to parse is tried again with its integral floats written as integers.
    let parsed = match (parsed, &output.structured_content) {
        (Err(err), Some(value)) => {
            let mut value = value.clone();
            if super::wire::integral_floats_as_integers(&mut value) {
                O::deserialize(&value).map_err(|_| err)
            } else {
                Err(err)
            }
        }
        (parsed, _) => parsed,
    };
    parsed.map_err(|err| match err {
        Error::UnexpectedResponse { message } => Error::UnexpectedResponse {
            message: format!("the result of `{tool}` does not fit its outputSchema: {message}"),
        },
        other => other,
    })
}

/// Turns a successful result into an [`Error::Tool`] when the tool flagged an error.
fn check_tool_error(tool: &str, result: ToolResult) -> Result<ToolOutput, Error> {
    let output = ToolOutput {
        content: result.content,
        structured_content: result.structured_content,
    };
    if !result.is_error {
        return Ok(output);
    }
    let message = match output.text() {
        text if text.is_empty() => "the tool reported an error".to_string(),
        text => text,
    };
    Err(Error::Tool {
        tool: tool.to_string(),
        message,
        output: Box::new(output),
    })
}

type Parse<O> = fn(&str, ToolOutput) -> Result<O, Error>;

/// Waits for `sent` for at most `timeout`, counted from the last progress notification when
/// `last_progress` is given.
async fn with_timeout(
    timeout: Duration,
    last_progress: Option<&std::sync::Mutex<tokio::time::Instant>>,
    mut sent: BoxFuture<'_, Result<ToolResult, Error>>,
) -> Result<ToolResult, Error> {
    let Some(last_progress) = last_progress else {
        return match tokio::time::timeout(timeout, sent).await {
            Ok(outcome) => outcome,
            Err(_) => Err(Error::Timeout { after: timeout }),
        };
    };
    loop {
        let deadline = *last_progress.lock().unwrap_or_else(|e| e.into_inner()) + timeout;
        match tokio::time::timeout_at(deadline, &mut sent).await {
            Ok(outcome) => return outcome,
            // A progress notification came since the deadline was read: wait on.
            Err(_)
                if *last_progress.lock().unwrap_or_else(|e| e.into_inner()) + timeout
                    > deadline => {}
            Err(_) => return Err(Error::Timeout { after: timeout }),
        }
    }
}

/// One tool call, not sent yet: set per-call options, then `.await` it.
///
/// Awaiting sends the call; dropping the future before it finishes, or its timeout, cancels the
/// call (the transport stops waiting and tells the server with `notifications/cancelled`, when
/// it can).
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<O> {
    client: Client,
    tool: Cow<'static, str>,
    retry_safe: bool,
    arguments: Result<Map<String, Value>, Error>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    on_progress: Option<ProgressFn>,
    reset_timeout_on_progress: bool,
    parse: Parse<O>,
    output_schema: Option<OutputSchema>,
    output_validation: Option<OutputValidation>,
}

impl<O> fmt::Debug for Call<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The argument values are left out on purpose.
        f.debug_struct("Call")
            .field("tool", &self.tool)
            .field("retry_safe", &self.retry_safe)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("on_progress", &self.on_progress.is_some())
            .field("reset_timeout_on_progress", &self.reset_timeout_on_progress)
            .finish_non_exhaustive()
    }
}

impl<O> Call<O> {
    fn new(
        client: &Client,
        tool: Cow<'static, str>,
        retry_safe: bool,
        arguments: Result<Map<String, Value>, Error>,
        parse: Parse<O>,
    ) -> Self {
        Self {
            client: client.clone(),
            tool,
            retry_safe,
            arguments,
            timeout: None,
            retry: None,
            on_progress: None,
            reset_timeout_on_progress: false,
            parse,
            output_schema: None,
            output_validation: None,
        }
    }

    /// Calls `f` with each progress notification the server sends about this call (the
    /// transport asks for them with a progress token). `f` runs on the connection's task: keep it
    /// short.
    pub fn on_progress(mut self, f: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.on_progress = Some(std::sync::Arc::new(f));
        self
    }

    /// Restarts the attempt's timeout at each progress notification, so that a long call that
    /// keeps reporting progress is not cut off; a call that goes quiet for the timeout still is.
    pub fn reset_timeout_on_progress(mut self, enabled: bool) -> Self {
        self.reset_timeout_on_progress = enabled;
        self
    }

    /// The timeout of each attempt of this call, instead of the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Opts in (or out) of retrying this call after failures that may have reached the server,
    /// for a tool that is not marked read-only or idempotent. Only do this when repeating the
    /// call is harmless.
    pub fn retry(mut self, enabled: bool) -> Self {
        self.retry_safe = enabled;
        self
    }

    /// The retry policy of this call, instead of the client's.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// What this call does with a result that breaks the tool's `outputSchema`, instead of the
    /// client's setting. It matters only for tools with an `outputSchema`.
    pub fn output_validation(mut self, policy: OutputValidation) -> Self {
        self.output_validation = Some(policy);
        self
    }
}

/// Checks `output`'s `structuredContent` against `schema` as `policy` says.
fn check_output(
    tool: &str,
    output: ToolOutput,
    schema: OutputSchema,
    policy: OutputValidation,
) -> Result<ToolOutput, Error> {
    let Some(value) = &output.structured_content else {
        return Ok(output);
    };
    if policy == OutputValidation::Off {
        return Ok(output);
    }
    match schema().check(value) {
        Ok(()) => Ok(output),
        Err(violations) if policy == OutputValidation::Warn => {
            let shown: Vec<String> = violations.iter().map(ToString::to_string).collect();
            tracing::warn!(tool, violations = %shown.join("; "), "the result breaks the tool's outputSchema");
            Ok(output)
        }
        Err(violations) => Err(Error::InvalidOutput {
            tool: tool.to_string(),
            violations,
            output: Box::new(output),
        }),
    }
}

impl<O: Send + 'static> IntoFuture for Call<O> {
    type Output = Result<O, Error>;
    type IntoFuture = BoxFuture<'static, Result<O, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

impl<O> Call<O> {
    async fn run(self) -> Result<O, Error> {
        let Self {
            client,
            tool,
            retry_safe,
            arguments,
            timeout,
            retry,
            on_progress,
            reset_timeout_on_progress,
            parse,
            output_schema,
            output_validation,
        } = self;
        let mut arguments = arguments?;
        let inner = &client.inner;
        let timeout = timeout.unwrap_or(inner.timeout);
        let policy = retry.as_ref().unwrap_or(&inner.retry);
        let span = tracing::info_span!(
            "mcp.call_tool",
            tool = %tool,
            attempt = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        if inner.log_arguments {
            let shown = Value::Object(arguments.clone());
            tracing::debug!(parent: &span, arguments = %shown, "arguments");
        }
        let started = Instant::now();
        // The time of the last progress notification, when they restart the timeout.
        let last_progress = reset_timeout_on_progress
            .then(|| Arc::new(std::sync::Mutex::new(tokio::time::Instant::now())));
        let progress: Option<ProgressFn> = match (&on_progress, &last_progress) {
            (None, None) => None,
            (f, last) => {
                let f = f.clone();
                let last = last.clone();
                Some(Arc::new(move |p: Progress| {
                    if let Some(last) = &last {
                        *last.lock().unwrap_or_else(|e| e.into_inner()) =
                            tokio::time::Instant::now();
                    }
                    if let Some(f) = &f {
                        f(p);
                    }
                }))
            }
        };
        let result = async {
            let mut attempt = 0;
            loop {
                attempt += 1;
                tracing::Span::current().record("attempt", attempt);
                // The last attempt gives its arguments away; earlier ones keep a copy to resend.
                let sent = if attempt < policy.attempts() {
                    arguments.clone()
                } else {
                    std::mem::take(&mut arguments)
                };
                let call = ToolCall {
                    name: tool.to_string(),
                    arguments: sent,
                };
                if let Some(last) = &last_progress {
                    *last.lock().unwrap_or_else(|e| e.into_inner()) = tokio::time::Instant::now();
                }
                let sent = match &progress {
                    Some(progress) => inner
                        .transport
                        .call_tool_with_progress(call, Arc::clone(progress)),
                    None => inner.transport.call_tool(call),
                };
                // Dropping `sent` on a timeout cancels the request.
                let outcome = with_timeout(timeout, last_progress.as_deref(), sent).await;
                match outcome {
                    Ok(result) => return check_tool_error(&tool, result),
                    Err(err) => match policy.delay_after(&err, attempt, retry_safe) {
                        Some(delay) => {
                            tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, error = %err, "retrying");
                            tokio::time::sleep(delay).await;
                        }
                        None => return Err(err),
                    },
                }
            }
        }
        .instrument(span.clone())
        .await
        .and_then(|output| match output_schema {
            Some(schema) => check_output(
                &tool,
                output,
                schema,
                output_validation.unwrap_or(inner.output_validation),
            ),
            None => Ok(output),
        })
        .and_then(|output| parse(&tool, output));
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        span.record(
            "outcome",
            match &result {
                Ok(_) => "ok",
                Err(_) => "error",
            },
        );
        result
    }
}
