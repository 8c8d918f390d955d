//! [`Validator`]: checks a JSON value against a tool's JSON Schema and reports every violation
//! with its JSON pointer, before anything is sent.
//!
//! Each generated input type embeds its schema and validates through here, so that every
//! constraint the Rust type cannot express (bounds, lengths, patterns, `const`, unions, `not`,
//! `uniqueItems`, ...) is still enforced. Unknown keywords are ignored, as JSON Schema says.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use super::error::Violation;

/// How deep `$ref`s and nested schemas may go before validation stops descending; it bounds the
/// work on recursive schemas.
const MAX_DEPTH: usize = 128;

/// A compiled JSON Schema.
#[derive(Debug)]
pub struct Validator {
    root: Value,
    patterns: BTreeMap<String, Option<regress::Regex>>,
}

impl Validator {
    /// Compiles `schema` (JSON text). A schema that does not parse accepts everything; the
    /// generator only embeds schemas it has parsed itself.
    pub fn new(schema: &str) -> Self {
        Self::from_value(serde_json::from_str(schema).unwrap_or(Value::Bool(true)))
    }

    /// Compiles a schema value.
    pub fn from_value(root: Value) -> Self {
        let mut patterns = BTreeMap::new();
        collect_patterns(&root, &mut patterns);
        Self { root, patterns }
    }

    /// Every way in which `instance` breaks the schema; empty when it is valid.
    pub fn violations(&self, instance: &Value) -> Vec<Violation> {
        let mut out = Vec::new();
        let mut path = String::new();
        self.check(&self.root, instance, &mut path, &mut out, 0);
        out
    }

    /// Serializes `value` and validates it.
    pub fn validate<T: Serialize + ?Sized>(&self, value: &T) -> Result<(), Vec<Violation>> {
        let instance = serde_json::to_value(value).map_err(|err| {
            vec![Violation {
                pointer: String::new(),
                message: format!("cannot be serialized: {err}"),
            }]
        })?;
        let violations = self.violations(&instance);
        if violations.is_empty() {
            Ok(())
        } else {
            Err(violations)
        }
    }

    fn is_valid(&self, schema: &Value, instance: &Value, depth: usize) -> bool {
        let mut out = Vec::new();
        let mut path = String::new();
        self.check(schema, instance, &mut path, &mut out, depth);
        out.is_empty()
    }

    fn check(
        &self,
        schema: &Value,
        instance: &Value,
        path: &mut String,
        out: &mut Vec<Violation>,
        depth: usize,
    ) {
        let fail = |out: &mut Vec<Violation>, path: &str, message: String| {
            out.push(Violation {
                pointer: path.to_string(),
                message,
            })
        };
        let object = match schema {
            Value::Bool(true) => return,
            Value::Bool(false) => return fail(out, path, "no value is allowed here".into()),
            Value::Object(object) => object,
            _ => return,
        };
        if depth > MAX_DEPTH {
            return;
        }

        if let Some(Value::String(target)) = object.get("$ref") {
            match self.resolve(target) {
                Some(resolved) => self.check(resolved, instance, path, out, depth + 1),
                None => fail(
                    out,
                    path,
                    format!("the schema reference {target:?} cannot be resolved"),
                ),
            }
        }

        if let Some(types) = object.get("type") {
            let nullable = object.get("nullable") == Some(&Value::Bool(true)) && instance.is_null();
            if !nullable && !type_matches(types, instance) {
                fail(
                    out,
                    path,
                    format!(
                        "expected {}, found {}",
                        describe_type(types),
                        kind(instance)
                    ),
                );
            }
        }
        if let Some(Value::Array(values)) = object.get("enum")
            && !values.iter().any(|v| json_equal(v, instance))
        {
            fail(
                out,
                path,
                format!("{} is not one of the allowed values", short(instance)),
            );
        }
        if let Some(expected) = object.get("const")
            && !json_equal(expected, instance)
        {
            fail(out, path, format!("must be {}", short(expected)));
        }

        match instance {
            Value::Number(_) => self.check_number(object, instance, path, out),
            Value::String(text) => self.check_string(object, text, path, out),
            Value::Array(items) => self.check_array(object, items, path, out, depth),
            Value::Object(map) => self.check_object(object, map, path, out, depth),
            _ => {}
        }

        if let Some(Value::Array(all)) = object.get("allOf") {
            for schema in all {
                self.check(schema, instance, path, out, depth + 1);
            }
        }
        if let Some(Value::Array(any)) = object.get("anyOf")
            && !any.iter().any(|s| self.is_valid(s, instance, depth + 1))
        {
            fail(
                out,
                path,
                "matches none of the allowed alternatives (anyOf)".into(),
            );
        }
        if let Some(Value::Array(one)) = object.get("oneOf") {
            let matching = one
                .iter()
                .filter(|s| self.is_valid(s, instance, depth + 1))
                .count();
            if matching != 1 {
                fail(
                    out,
                    path,
                    format!("must match exactly one alternative (oneOf), matches {matching}"),
                );
            }
        }
        if let Some(not) = object.get("not")
            && self.is_valid(not, instance, depth + 1)
        {
            fail(out, path, "matches a schema it must not match (not)".into());
        }
        if let Some(condition) = object.get("if") {
            let branch = if self.is_valid(condition, instance, depth + 1) {
                "then"
            } else {
                "else"
            };
            if let Some(schema) = object.get(branch) {
                self.check(schema, instance, path, out, depth + 1);
            }
        }
    }

    fn check_number(
        &self,
        object: &Map<String, Value>,
        instance: &Value,
        path: &str,
        out: &mut Vec<Violation>,
    ) {
        let Some(n) = instance.as_f64() else { return };
        let bound = |key: &str| object.get(key).and_then(Value::as_f64);
        let mut fail = |message: String| {
            out.push(Violation {
                pointer: path.to_string(),
                message,
            })
        };
        // Draft 4 wrote exclusive bounds as booleans beside `minimum`/`maximum`.
        let exclusive_min_flag = object.get("exclusiveMinimum") == Some(&Value::Bool(true));
        let exclusive_max_flag = object.get("exclusiveMaximum") == Some(&Value::Bool(true));
        if let Some(min) = bound("minimum") {
            if exclusive_min_flag && n <= min {
                fail(format!("must be greater than {min}"));
            } else if n < min {
                fail(format!("must be at least {min}"));
            }
        }
        if let Some(max) = bound("maximum") {
            if exclusive_max_flag && n >= max {
                fail(format!("must be less than {max}"));
            } else if n > max {
                fail(format!("must be at most {max}"));
            }
        }
        if let Some(min) = bound("exclusiveMinimum")
            && n <= min
        {
            fail(format!("must be greater than {min}"));
        }
        if let Some(max) = bound("exclusiveMaximum")
            && n >= max
        {
            fail(format!("must be less than {max}"));
        }
        if let Some(step) = bound("multipleOf")
            && step > 0.0
        {
            let quotient = n / step;
            let whole = quotient.is_finite() && (quotient - quotient.round()).abs() < 1e-9;
            if !whole && quotient.is_finite() {
                fail(format!("must be a multiple of {step}"));
            }
        }
    }

    fn check_string(
        &self,
        object: &Map<String, Value>,
        text: &str,
        path: &str,
        out: &mut Vec<Violation>,
    ) {
        let length = text.chars().count() as u64;
        let mut fail = |message: String| {
            out.push(Violation {
                pointer: path.to_string(),
                message,
            })
        };
        if let Some(min) = object.get("minLength").and_then(Value::as_u64)
            && length < min
        {
            fail(format!("must be at least {min} characters long"));
        }
        if let Some(max) = object.get("maxLength").and_then(Value::as_u64)
            && length > max
        {
            fail(format!("must be at most {max} characters long"));
        }
        if let Some(Value::String(pattern)) = object.get("pattern")
            && let Some(Some(regex)) = self.patterns.get(pattern)
            && regex.find(text).is_none()
        {
            fail(format!("must match the pattern {pattern:?}"));
        }
        if let Some(Value::String(format)) = object.get("format")
            && !format_matches(format, text)
        {
            fail(format!("is not a valid {format}"));
        }
    }

    fn check_array(
        &self,
        object: &Map<String, Value>,
        items: &[Value],
        path: &mut String,
        out: &mut Vec<Violation>,
        depth: usize,
    ) {
        let count = items.len() as u64;
        if let Some(min) = object.get("minItems").and_then(Value::as_u64)
            && count < min
        {
            push(out, path, format!("must have at least {min} items"));
        }
        if let Some(max) = object.get("maxItems").and_then(Value::as_u64)
            && count > max
        {
            push(out, path, format!("must have at most {max} items"));
        }
        if object.get("uniqueItems") == Some(&Value::Bool(true)) {
            'outer: for (i, a) in items.iter().enumerate() {
                for b in &items[i + 1..] {
                    if json_equal(a, b) {
                        push(out, path, "items must be unique".into());
                        break 'outer;
                    }
                }
            }
        }
        // `prefixItems` (2020-12) or an array-valued `items` (draft 7) type the first items; the
        // rest follow `items` (2020-12) or `additionalItems` (draft 7).
        let (prefix, rest) = match (object.get("prefixItems"), object.get("items")) {
            (Some(Value::Array(prefix)), rest) => (prefix.as_slice(), rest),
            (None, Some(Value::Array(prefix))) => {
                (prefix.as_slice(), object.get("additionalItems"))
            }
            (_, rest) => (&[][..], rest),
        };
        for (index, item) in items.iter().enumerate() {
            let schema = prefix.get(index).or(rest);
            if let Some(schema) = schema {
                with_token(path, &index.to_string(), |path| {
                    self.check(schema, item, path, out, depth + 1)
                });
            }
        }
        if let Some(contains) = object.get("contains") {
            let matching = items
                .iter()
                .filter(|i| self.is_valid(contains, i, depth + 1))
                .count() as u64;
            let min = object
                .get("minContains")
                .and_then(Value::as_u64)
                .unwrap_or(1);
            if matching < min {
                push(
                    out,
                    path,
                    format!("must contain at least {min} matching item(s)"),
                );
            }
            if let Some(max) = object.get("maxContains").and_then(Value::as_u64)
                && matching > max
            {
                push(
                    out,
                    path,
                    format!("must contain at most {max} matching item(s)"),
                );
            }
        }
    }

    fn check_object(
        &self,
        object: &Map<String, Value>,
        map: &Map<String, Value>,
        path: &mut String,
        out: &mut Vec<Violation>,
        depth: usize,
    ) {
        let count = map.len() as u64;
        if let Some(min) = object.get("minProperties").and_then(Value::as_u64)
            && count < min
        {
            push(out, path, format!("must have at least {min} properties"));
        }
        if let Some(max) = object.get("maxProperties").and_then(Value::as_u64)
            && count > max
        {
            push(out, path, format!("must have at most {max} properties"));
        }
        if let Some(Value::Array(required)) = object.get("required") {
            for key in required.iter().filter_map(Value::as_str) {
                if !map.contains_key(key) {
                    with_token(path, key, |p| push(out, p, "is required".into()));
                }
            }
        }
        if let Some(Value::Object(dependent)) = object.get("dependentRequired") {
            for (key, needs) in dependent {
                if map.contains_key(key) {
                    for need in needs
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                    {
                        if !map.contains_key(need) {
                            with_token(path, need, |p| {
                                push(out, p, format!("is required when {key:?} is present"))
                            });
                        }
                    }
                }
            }
        }
        if let Some(Value::Object(dependent)) = object.get("dependentSchemas") {
            for (key, schema) in dependent {
                if map.contains_key(key) {
                    self.check(schema, &Value::Object(map.clone()), path, out, depth + 1);
                }
            }
        }
        let properties = object.get("properties").and_then(Value::as_object);
        let patterns = object.get("patternProperties").and_then(Value::as_object);
        for (key, value) in map {
            let mut matched = false;
            if let Some(schema) = properties.and_then(|p| p.get(key)) {
                matched = true;
                with_token(path, key, |p| self.check(schema, value, p, out, depth + 1));
            }
            for (pattern, schema) in patterns.into_iter().flatten() {
                if let Some(Some(regex)) = self.patterns.get(pattern)
                    && regex.find(key).is_some()
                {
                    matched = true;
                    with_token(path, key, |p| self.check(schema, value, p, out, depth + 1));
                }
            }
            if !matched && let Some(additional) = object.get("additionalProperties") {
                if *additional == Value::Bool(false) {
                    with_token(path, key, |p| {
                        push(out, p, "is not an allowed property".into())
                    });
                } else {
                    with_token(path, key, |p| {
                        self.check(additional, value, p, out, depth + 1)
                    });
                }
            }
            if let Some(names) = object.get("propertyNames")
                && !self.is_valid(names, &Value::String(key.clone()), depth + 1)
            {
                with_token(path, key, |p| {
                    push(out, p, "is not an allowed property name".into())
                });
            }
        }
    }

    /// Resolves a local reference: `#`, `#/$defs/x`, or any JSON pointer into the schema.
    fn resolve(&self, target: &str) -> Option<&Value> {
        let pointer = target.strip_prefix('#')?;
        let decoded = percent_decode(pointer);
        self.root.pointer(&decoded)
    }
}

fn push(out: &mut Vec<Violation>, path: &str, message: String) {
    out.push(Violation {
        pointer: path.to_string(),
        message,
    });
}

/// Runs `f` with `token` appended to the JSON pointer `path`, then restores it.
fn with_token<R>(path: &mut String, token: &str, f: impl FnOnce(&mut String) -> R) -> R {
    let len = path.len();
    path.push('/');
    path.push_str(&token.replace('~', "~0").replace('/', "~1"));
    let result = f(path);
    path.truncate(len);
    result
}

fn collect_patterns(schema: &Value, out: &mut BTreeMap<String, Option<regress::Regex>>) {
    match schema {
        Value::Object(object) => {
            if let Some(Value::String(pattern)) = object.get("pattern") {
                out.entry(pattern.clone())
                    .or_insert_with(|| regress::Regex::new(pattern).ok());
            }
            if let Some(Value::Object(patterns)) = object.get("patternProperties") {
                for pattern in patterns.keys() {
                    out.entry(pattern.clone())
                        .or_insert_with(|| regress::Regex::new(pattern).ok());
                }
            }
            for (key, child) in object {
                if !matches!(key.as_str(), "enum" | "const" | "default" | "examples") {
                    collect_patterns(child, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_patterns(item, out)),
        _ => {}
    }
}

fn type_matches(types: &Value, instance: &Value) -> bool {
    let one = |t: &str| match t {
        "null" => instance.is_null(),
        "boolean" => instance.is_boolean(),
        "string" => instance.is_string(),
        "number" => instance.is_number(),
        "integer" => is_integer(instance),
        "array" => instance.is_array(),
        "object" => instance.is_object(),
        _ => true,
    };
    match types {
        Value::String(t) => one(t),
        Value::Array(list) => list.iter().filter_map(Value::as_str).any(one),
        _ => true,
    }
}

fn is_integer(value: &Value) -> bool {
    match value {
        Value::Number(n) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => false,
    }
}

fn describe_type(types: &Value) -> String {
    match types {
        Value::String(t) => t.clone(),
        Value::Array(list) => list
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "a value".to_string(),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A value for a message, cut short when long.
fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

/// JSON equality, where `1` equals `1.0`.
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                (Some(x), Some(y), _, _) => x == y,
                (_, _, Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((high * 16 + low) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// Checks the formats the SDK asserts; any other format is an annotation only.
fn format_matches(format: &str, text: &str) -> bool {
    match format {
        "date-time" => is_date_time(text),
        "date" => is_date(text),
        "time" => is_time(text),
        "uuid" => is_uuid(text),
        "email" => is_email(text),
        "uri" => is_uri(text),
        "ipv4" => text.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => text.parse::<std::net::Ipv6Addr>().is_ok(),
        _ => true,
    }
}

fn digits(text: &str, n: usize) -> Option<u32> {
    (text.len() == n && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.parse().ok())?
}

fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    let (Some(y), Some(m), Some(d)) = (digits(y, 4), digits(m, 2), digits(d, 2)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

fn is_time(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    let (clock, offset) = if let Some(stripped) = upper.strip_suffix('Z') {
        (stripped, "")
    } else if let Some(pos) = upper.rfind(['+', '-']) {
        (&upper[..pos], &upper[pos + 1..])
    } else {
        return false;
    };
    if !offset.is_empty() {
        let parts: Vec<&str> = offset.split(':').collect();
        let [h, m] = parts.as_slice() else {
            return false;
        };
        let (Some(h), Some(m)) = (digits(h, 2), digits(m, 2)) else {
            return false;
        };
        if h > 23 || m > 59 {
            return false;
        }
    }
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
    if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let parts: Vec<&str> = hms.split(':').collect();
    let [h, m, s] = parts.as_slice() else {
        return false;
    };
    let (Some(h), Some(m), Some(s)) = (digits(h, 2), digits(m, 2), digits(s, 2)) else {
        return false;
    };
    h <= 23 && m <= 59 && s <= 60
}

fn is_date_time(text: &str) -> bool {
    match text.find(['T', 't', ' ']) {
        Some(pos) => is_date(&text[..pos]) && is_time(&text[pos + 1..]),
        None => false,
    }
}

fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_email(text: &str) -> bool {
    match text.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !local.starts_with('.')
                && !local.ends_with('.')
                && !local.contains("..")
                && !text.contains(char::is_whitespace)
        }
        None => false,
    }
}

fn is_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.contains(|c: char| {
            c.is_whitespace() || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
        })
}
