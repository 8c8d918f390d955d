//! [`Validator`]: checks a JSON value against a tool's JSON Schema and reports every violation
//! with its JSON pointer, before anything is sent.
//!
//! Each generated input type embeds its schema and validates through here, so that every
//! constraint the Rust type cannot express (bounds, lengths, patterns, `const`, unions, `not`,
//! `uniqueItems`, `unevaluatedProperties`, ...) is still enforced. Unknown keywords are ignored,
//! as JSON Schema says.
//!
//! References resolve inside the one schema document: JSON pointers, `$id` (relative ones against
//! the enclosing base URI), `$anchor`, and `$dynamicRef`/`$dynamicAnchor` through the dynamic
//! scope. A reference to another document cannot be resolved and is reported as a violation.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use serde_json::{Map, Value};

use super::error::Violation;
use super::uri::resolve_uri;

/// How deep `$ref`s and nested schemas may go before validation stops descending; it bounds the
/// work on recursive schemas.
const MAX_DEPTH: usize = 128;

/// The base URI of a schema document without an `$id`.
const DEFAULT_BASE: &str = "urn:toolgen:schema";

/// A compiled JSON Schema.
#[derive(Debug)]
pub struct Validator {
    /// Boxed so that the addresses of its nodes, the keys of `bases` and `resources`, stay put
    /// when the validator moves.
    root: Box<Value>,
    patterns: BTreeMap<String, Option<regress::Regex>>,
    /// Every absolute URI a reference may name (a resource, `uri#anchor`) → JSON pointer.
    targets: BTreeMap<String, String>,
    /// The `uri#name` of every `$dynamicAnchor`.
    dynamic: BTreeSet<String>,
    /// The base URIs of the document.
    uris: Vec<String>,
    /// Node address → index in `uris` of the base URI in effect at that node.
    bases: HashMap<usize, usize>,
    /// Address of each schema with an `$id` → index in `uris` of its URI.
    resources: HashMap<usize, usize>,
    /// Whether the schema uses `unevaluatedProperties`/`unevaluatedItems`, so that evaluated
    /// properties and items must be collected.
    annotate: bool,
}

/// What a schema evaluated: the annotations `unevaluatedProperties` and `unevaluatedItems` read.
#[derive(Debug, Default)]
struct Evaluated {
    properties: BTreeSet<String>,
    items: BTreeSet<usize>,
    all_items: bool,
}

impl Evaluated {
    fn merge(&mut self, other: Evaluated) {
        self.properties.extend(other.properties);
        self.items.extend(other.items);
        self.all_items |= other.all_items;
    }
}

/// The state of one validation: the dynamic scope (indices in `uris` of the resources entered).
struct Walk {
    scope: Vec<usize>,
    depth: usize,
}

fn address(value: &Value) -> usize {
    std::ptr::from_ref(value) as usize
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
        let mut validator = Self {
            root: Box::new(root),
            patterns,
            targets: BTreeMap::new(),
            dynamic: BTreeSet::new(),
            uris: vec![DEFAULT_BASE.to_string()],
            bases: HashMap::new(),
            resources: HashMap::new(),
            annotate: false,
        };
        let mut index = Index::default();
        index
            .targets
            .insert(DEFAULT_BASE.to_string(), String::new());
        index.uris.push(DEFAULT_BASE.to_string());
        index.walk(&validator.root, &mut String::new(), 0, true);
        validator.targets = index.targets;
        validator.dynamic = index.dynamic;
        validator.uris = index.uris;
        validator.bases = index.bases;
        validator.resources = index.resources;
        validator.annotate = index.annotate;
        validator
    }

    /// Every way in which `instance` breaks the schema; empty when it is valid.
    pub fn violations(&self, instance: &Value) -> Vec<Violation> {
        let mut out = Vec::new();
        let mut path = String::new();
        let mut walk = Walk {
            scope: vec![0],
            depth: 0,
        };
        self.check(&self.root, instance, &mut path, &mut out, &mut walk);
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

    /// Checks `instance` against a subschema; what it evaluated when it is valid.
    fn evaluate(&self, schema: &Value, instance: &Value, walk: &mut Walk) -> Option<Evaluated> {
        let mut out = Vec::new();
        let mut path = String::new();
        let evaluated = self.check(schema, instance, &mut path, &mut out, walk);
        out.is_empty().then_some(evaluated)
    }

    fn is_valid(&self, schema: &Value, instance: &Value, walk: &mut Walk) -> bool {
        self.evaluate(schema, instance, walk).is_some()
    }

    /// Checks a subschema in place, keeping its annotations only when it holds.
    fn check_into(
        &self,
        schema: &Value,
        instance: &Value,
        path: &mut String,
        out: &mut Vec<Violation>,
        walk: &mut Walk,
        evaluated: &mut Evaluated,
    ) {
        let before = out.len();
        let inner = self.check(schema, instance, path, out, walk);
        if out.len() == before {
            evaluated.merge(inner);
        }
    }

    fn check(
        &self,
        schema: &Value,
        instance: &Value,
        path: &mut String,
        out: &mut Vec<Violation>,
        walk: &mut Walk,
    ) -> Evaluated {
        let mut evaluated = Evaluated::default();
        let object = match schema {
            Value::Bool(true) => return evaluated,
            Value::Bool(false) => {
                push(out, path, "no value is allowed here".into());
                return evaluated;
            }
            Value::Object(object) => object,
            _ => return evaluated,
        };
        if walk.depth > MAX_DEPTH {
            return evaluated;
        }
        walk.depth += 1;
        let resource = self.resources.get(&address(schema)).copied();
        if let Some(uri) = resource {
            walk.scope.push(uri);
        }
        self.check_object_schema(schema, object, instance, path, out, walk, &mut evaluated);
        if resource.is_some() {
            walk.scope.pop();
        }
        walk.depth -= 1;
        evaluated
    }

    #[allow(clippy::too_many_arguments, reason = "one walk's state, passed down")]
    fn check_object_schema(
        &self,
        schema: &Value,
        object: &Map<String, Value>,
        instance: &Value,
        path: &mut String,
        out: &mut Vec<Violation>,
        walk: &mut Walk,
        evaluated: &mut Evaluated,
    ) {
        for keyword in ["$ref", "$dynamicRef"] {
            let Some(Value::String(target)) = object.get(keyword) else {
                continue;
            };
            let resolved = if keyword == "$ref" {
                self.resolve(target, schema)
            } else {
                self.resolve_dynamic(target, schema, walk)
            };
            match resolved {
                Some(resolved) => {
                    let base = self.bases.get(&address(resolved)).copied().unwrap_or(0);
                    walk.scope.push(base);
                    self.check_into(resolved, instance, path, out, walk, evaluated);
                    walk.scope.pop();
                }
                None => push(
                    out,
                    path,
                    format!("the schema reference {target:?} cannot be resolved"),
                ),
            }
        }

        if let Some(types) = object.get("type") {
            let nullable = object.get("nullable") == Some(&Value::Bool(true)) && instance.is_null();
            if !nullable && !type_matches(types, instance) {
                push(
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
            push(
                out,
                path,
                format!("{} is not one of the allowed values", short(instance)),
            );
        }
        if let Some(expected) = object.get("const")
            && !json_equal(expected, instance)
        {
            push(out, path, format!("must be {}", short(expected)));
        }

        match instance {
            Value::Number(_) => self.check_number(object, instance, path, out),
            Value::String(text) => self.check_string(object, text, path, out),
            Value::Array(items) => self.check_array(object, items, path, out, walk, evaluated),
            Value::Object(map) => self.check_object(object, map, path, out, walk, evaluated),
            _ => {}
        }

        if let Some(Value::Array(all)) = object.get("allOf") {
            for schema in all {
                self.check_into(schema, instance, path, out, walk, evaluated);
            }
        }
        if let Some(Value::Array(any)) = object.get("anyOf") {
            let mut matched = false;
            for schema in any {
                if let Some(inner) = self.evaluate(schema, instance, walk) {
                    matched = true;
                    evaluated.merge(inner);
                    if !self.annotate {
                        break;
                    }
                }
            }
            if !matched {
                push(
                    out,
                    path,
                    "matches none of the allowed alternatives (anyOf)".into(),
                );
            }
        }
        if let Some(Value::Array(one)) = object.get("oneOf") {
            let mut matching = 0;
            for schema in one {
                if let Some(inner) = self.evaluate(schema, instance, walk) {
                    matching += 1;
                    evaluated.merge(inner);
                }
            }
            if matching != 1 {
                push(
                    out,
                    path,
                    format!("must match exactly one alternative (oneOf), matches {matching}"),
                );
            }
        }
        if let Some(not) = object.get("not")
            && self.is_valid(not, instance, walk)
        {
            push(out, path, "matches a schema it must not match (not)".into());
        }
        if let Some(condition) = object.get("if") {
            let branch = match self.evaluate(condition, instance, walk) {
                Some(inner) => {
                    evaluated.merge(inner);
                    "then"
                }
                None => "else",
            };
            if let Some(schema) = object.get(branch) {
                self.check_into(schema, instance, path, out, walk, evaluated);
            }
        }
        if let Value::Object(map) = instance {
            let dependent = object
                .get("dependentSchemas")
                .or_else(|| object.get("dependencies"));
            for (key, schema) in dependent.and_then(Value::as_object).into_iter().flatten() {
                if !map.contains_key(key) {
                    continue;
                }
                if let Value::Array(needs) = schema {
                    // Draft 7 `dependencies` also lists required properties.
                    for need in needs.iter().filter_map(Value::as_str) {
                        if !map.contains_key(need) {
                            with_token(path, need, |p| {
                                push(out, p, format!("is required when {key:?} is present"))
                            });
                        }
                    }
                } else {
                    self.check_into(schema, instance, path, out, walk, evaluated);
                }
            }
            if let Some(unevaluated) = object.get("unevaluatedProperties") {
                for (key, value) in map {
                    if !evaluated.properties.contains(key) {
                        with_token(path, key, |p| {
                            if *unevaluated == Value::Bool(false) {
                                push(out, p, "is not an allowed property".into());
                            } else {
                                self.check(unevaluated, value, p, out, walk);
                            }
                        });
                    }
                }
                evaluated.properties.extend(map.keys().cloned());
            }
        }
        if let Value::Array(items) = instance
            && let Some(unevaluated) = object.get("unevaluatedItems")
        {
            if !evaluated.all_items {
                for (index, item) in items.iter().enumerate() {
                    if !evaluated.items.contains(&index) {
                        with_token(path, &index.to_string(), |p| {
                            if *unevaluated == Value::Bool(false) {
                                push(out, p, "is not an allowed item".into());
                            } else {
                                self.check(unevaluated, item, p, out, walk);
                            }
                        });
                    }
                }
            }
            evaluated.all_items = true;
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
            // A quotient too large for `f64` cannot be checked exactly: only whole numbers and
            // whole steps divide, so anything else is rejected.
            let whole = if quotient.is_finite() {
                (quotient - quotient.round()).abs() < 1e-9
            } else {
                n.fract() == 0.0 && step.fract() == 0.0
            };
            if !whole {
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
        if let Some(min) = object.get("minLength").and_then(as_count)
            && length < min
        {
            fail(format!("must be at least {min} characters long"));
        }
        if let Some(max) = object.get("maxLength").and_then(as_count)
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
        walk: &mut Walk,
        evaluated: &mut Evaluated,
    ) {
        let count = items.len() as u64;
        if let Some(min) = object.get("minItems").and_then(as_count)
            && count < min
        {
            push(out, path, format!("must have at least {min} items"));
        }
        if let Some(max) = object.get("maxItems").and_then(as_count)
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
                    self.check(schema, item, path, out, walk)
                });
            }
        }
        if self.annotate {
            evaluated.items.extend(0..prefix.len().min(items.len()));
            if rest.is_some() && items.len() > prefix.len() {
                evaluated.all_items = true;
            }
        }
        if let Some(contains) = object.get("contains") {
            let mut matching = 0u64;
            for (index, item) in items.iter().enumerate() {
                if self.is_valid(contains, item, walk) {
                    matching += 1;
                    if self.annotate {
                        evaluated.items.insert(index);
                    }
                }
            }
            let min = object.get("minContains").and_then(as_count).unwrap_or(1);
            if matching < min {
                push(
                    out,
                    path,
                    format!("must contain at least {min} matching item(s)"),
                );
            }
            if let Some(max) = object.get("maxContains").and_then(as_count)
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

    #[allow(clippy::too_many_arguments, reason = "one walk's state, passed down")]
    fn check_object(
        &self,
        object: &Map<String, Value>,
        map: &Map<String, Value>,
        path: &mut String,
        out: &mut Vec<Violation>,
        walk: &mut Walk,
        evaluated: &mut Evaluated,
    ) {
        let count = map.len() as u64;
        if let Some(min) = object.get("minProperties").and_then(as_count)
            && count < min
        {
            push(out, path, format!("must have at least {min} properties"));
        }
        if let Some(max) = object.get("maxProperties").and_then(as_count)
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
        let properties = object.get("properties").and_then(Value::as_object);
        let patterns = object.get("patternProperties").and_then(Value::as_object);
        for (key, value) in map {
            let mut matched = false;
            if let Some(schema) = properties.and_then(|p| p.get(key)) {
                matched = true;
                with_token(path, key, |p| self.check(schema, value, p, out, walk));
            }
            for (pattern, schema) in patterns.into_iter().flatten() {
                if let Some(Some(regex)) = self.patterns.get(pattern)
                    && regex.find(key).is_some()
                {
                    matched = true;
                    with_token(path, key, |p| self.check(schema, value, p, out, walk));
                }
            }
            if !matched && let Some(additional) = object.get("additionalProperties") {
                matched = true;
                if *additional == Value::Bool(false) {
                    with_token(path, key, |p| {
                        push(out, p, "is not an allowed property".into())
                    });
                } else {
                    with_token(path, key, |p| self.check(additional, value, p, out, walk));
                }
            }
            if matched && self.annotate {
                evaluated.properties.insert(key.clone());
            }
            if let Some(names) = object.get("propertyNames")
                && !self.is_valid(names, &Value::String(key.clone()), walk)
            {
                with_token(path, key, |p| {
                    push(out, p, "is not an allowed property name".into())
                });
            }
        }
    }

    /// Resolves a reference written in `from` against the base URI in effect there: a JSON
    /// pointer, `#`, an anchor, or the `$id` of a schema in this document.
    fn resolve(&self, reference: &str, from: &Value) -> Option<&Value> {
        let base = self.bases.get(&address(from)).copied().unwrap_or(0);
        let absolute = resolve_uri(&self.uris[base], reference);
        let (document, fragment) = match absolute.split_once('#') {
            Some((document, fragment)) => (document, fragment),
            None => (absolute.as_str(), ""),
        };
        if fragment.is_empty() || fragment.starts_with('/') {
            let start = self.targets.get(document)?;
            self.root
                .pointer(&format!("{start}{}", percent_decode(fragment)))
        } else {
            let key = format!("{document}#{}", percent_decode(fragment));
            self.root.pointer(self.targets.get(&key)?)
        }
    }

    /// Resolves a `$dynamicRef`: like `$ref`, unless it lands on a `$dynamicAnchor`, in which
    /// case the outermost resource of the dynamic scope with that dynamic anchor wins.
    fn resolve_dynamic(&self, reference: &str, from: &Value, walk: &Walk) -> Option<&Value> {
        let target = self.resolve(reference, from)?;
        let base = self.bases.get(&address(from)).copied().unwrap_or(0);
        let absolute = resolve_uri(&self.uris[base], reference);
        let Some((_, name)) = absolute.split_once('#') else {
            return Some(target);
        };
        let initial = self
            .uris
            .get(self.bases.get(&address(target)).copied().unwrap_or(0))
            .map(|uri| format!("{uri}#{name}"));
        if name.is_empty()
            || name.starts_with('/')
            || !initial.is_some_and(|k| self.dynamic.contains(&k))
        {
            return Some(target);
        }
        for &scope in &walk.scope {
            let key = format!("{}#{name}", self.uris[scope]);
            if self.dynamic.contains(&key)
                && let Some(found) = self.targets.get(&key).and_then(|p| self.root.pointer(p))
            {
                return Some(found);
            }
        }
        Some(target)
    }
}

/// Keywords whose value is one schema, a list of schemas, or a map of names to schemas.
const SCHEMA_SINGLES: &[&str] = &[
    "items",
    "additionalItems",
    "additionalProperties",
    "unevaluatedItems",
    "unevaluatedProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
];
const SCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems", "items"];
const SCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
    "dependencies",
];

/// Collects the base URIs, `$id`s and anchors of a schema document.
#[derive(Default)]
struct Index {
    targets: BTreeMap<String, String>,
    dynamic: BTreeSet<String>,
    uris: Vec<String>,
    bases: HashMap<usize, usize>,
    resources: HashMap<usize, usize>,
    annotate: bool,
}

impl Index {
    /// Indexes `node` at `pointer`, inside the resource `base`; `schema` tells whether it sits
    /// where a schema is expected (an `$id` inside an `enum` value is no identifier).
    fn walk(&mut self, node: &Value, pointer: &mut String, mut base: usize, schema: bool) {
        if let (true, Value::Object(object)) = (schema, node) {
            if let Some(Value::String(id)) = object.get("$id") {
                if let Some(anchor) = id.strip_prefix('#') {
                    // Draft 7 spelled anchors as fragment-only `$id`s.
                    let key = format!("{}#{anchor}", self.uris[base]);
                    self.targets.entry(key).or_insert_with(|| pointer.clone());
                } else {
                    let uri = resolve_uri(&self.uris[base], id);
                    let uri = uri.split('#').next().unwrap_or_default().to_string();
                    self.targets.insert(uri.clone(), pointer.clone());
                    self.uris.push(uri);
                    base = self.uris.len() - 1;
                    self.resources.insert(address(node), base);
                }
            }
            for keyword in ["$anchor", "$dynamicAnchor"] {
                if let Some(Value::String(name)) = object.get(keyword) {
                    let key = format!("{}#{name}", self.uris[base]);
                    if keyword == "$dynamicAnchor" {
                        self.dynamic.insert(key.clone());
                    }
                    self.targets.entry(key).or_insert_with(|| pointer.clone());
                }
            }
            self.annotate |= object.contains_key("unevaluatedProperties")
                || object.contains_key("unevaluatedItems");
        }
        self.bases.insert(address(node), base);
        match node {
            Value::Object(object) => {
                for (key, child) in object {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    let key = key.as_str();
                    if schema && SCHEMA_MAPS.contains(&key) {
                        self.bases.insert(address(child), base);
                        if let Value::Object(map) = child {
                            for (name, grandchild) in map {
                                let len = pointer.len();
                                pointer.push('/');
                                pointer.push_str(&name.replace('~', "~0").replace('/', "~1"));
                                self.walk(grandchild, pointer, base, true);
                                pointer.truncate(len);
                            }
                        }
                    } else {
                        let is_schema = schema
                            && (SCHEMA_SINGLES.contains(&key) || SCHEMA_LISTS.contains(&key));
                        self.walk(child, pointer, base, is_schema);
                    }
                    pointer.truncate(len);
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&index.to_string());
                    self.walk(item, pointer, base, schema);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
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
                    .or_insert_with(|| compile_pattern(pattern));
            }
            if let Some(Value::Object(patterns)) = object.get("patternProperties") {
                for pattern in patterns.keys() {
                    out.entry(pattern.clone())
                        .or_insert_with(|| compile_pattern(pattern));
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

/// A count keyword's value (`minItems`, `maxLength`, ...): a non-negative integer, which JSON
/// may also spell `2.0`.
fn as_count(value: &Value) -> Option<u64> {
    value.as_u64().or_else(|| {
        value
            .as_f64()
            .filter(|f| *f >= 0.0 && f.fract() == 0.0)
            .map(|f| f as u64)
    })
}

/// Compiles an ECMA-262 pattern in Unicode mode (so `\p{Letter}` works), falling back to the
/// plain mode for patterns only that mode accepts.
fn compile_pattern(pattern: &str) -> Option<regress::Regex> {
    regress::Regex::with_flags(pattern, "u")
        .or_else(|_| regress::Regex::new(pattern))
        .ok()
}
