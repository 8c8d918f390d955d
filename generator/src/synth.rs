//! Synthetic tool definitions for the benchmark and the robustness tests: a deterministic set of
//! `count` tools with varied property names, string enums (some repeated across tools, as real
//! providers repeat them), nested objects, arrays, unions and constraints ([`tools`]), and
//! variations of the seed tool with its 90-value locale enum ([`seed_like`]), and seed-like tools
//! whose locale enums are many different subsets of those 90 values ([`many_locales`]). Pure: no
//! I/O.

use serde_json::{Map, Value, json};

/// Words that property and tool names are made from.
const WORDS: &[&str] = &[
    "account", "address", "amount", "author", "billing", "bucket", "cache", "channel", "comment",
    "config", "country", "cursor", "domain", "email", "event", "expires", "filter", "group",
    "invoice", "label", "limit", "locale", "member", "message", "metric", "note", "order", "owner",
    "page", "policy", "project", "query", "record", "region", "role", "rule", "scope", "secret",
    "session", "sort", "status", "tag", "team", "ticket", "token", "type", "user", "value",
    "version", "webhook", "zone",
];

/// Value lists that many tools repeat; the generator shares them, typify repeats them.
const SHARED_ENUMS: &[&[&str]] = &[
    &["asc", "desc"],
    &["active", "inactive", "pending", "deleted"],
    &[
        "en", "en-US", "en-GB", "es", "es-419", "fr", "de", "ja", "pt-BR", "zh-Hans",
    ],
    &["low", "medium", "high", "critical"],
    &["json", "csv", "xml"],
];

/// A small deterministic generator (xorshift64*), so that every run builds the same tools.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed` (any value; zero is replaced).
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    /// The next pseudo-random number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        // The modulo bias is irrelevant for test data.
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// One element of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// `count` tool definitions (`{"name", "description", "inputSchema", ...}`), with unique names.
pub fn tools(count: usize, seed: u64) -> Vec<Value> {
    let mut rng = Rng::new(seed);
    (0..count).map(|i| tool(i, &mut rng)).collect()
}

/// The tools as the files of one provider: `(file name, JSON text)`.
pub fn files(count: usize, seed: u64) -> Vec<(String, String)> {
    to_files(tools(count, seed))
}

/// The seed tool (`schemas/workos/user_management.invitations.create.json`, with its 90-value
/// `locale` enum), built into the library so that [`seed_like`] needs no file.
const SEED: &str = include_str!("../../schemas/workos/user_management.invitations.create.json");

/// `count` variations of the seed tool: the same shape and the same `locale` enum, under unique
/// names spread over namespaces, each with one or two extra properties of its own and its
/// properties in a varying subset required. This is the "seed-like" benchmark set.
pub fn seed_like(count: usize, seed: u64) -> Vec<Value> {
    let mut rng = Rng::new(seed);
    let base: Value = serde_json::from_str(SEED).unwrap_or_else(|_| json!({"inputSchema": {}}));
    (0..count)
        .map(|index| seed_variation(&base, index, &mut rng))
        .collect()
}

/// How many different subsets of the seed's locales [`many_locales`] gives its tools.
pub const LOCALE_SUBSETS: usize = 649;

/// `count` seed-like tools (as [`seed_like`]) whose `locale` enums differ: every third tool keeps
/// the seed's 90 values, each other tool gets one of [`LOCALE_SUBSETS`] subsets of them (10 to 80
/// values, in the seed's order), taken in turn, so that 1,000 tools carry 650 distinct locale
/// enums, some of them repeated. The set of issue #14: generation that stays fast when a provider
/// has many different locale enums.
pub fn many_locales(count: usize, seed: u64) -> Vec<Value> {
    let base: Value = serde_json::from_str(SEED).unwrap_or_else(|_| json!({"inputSchema": {}}));
    let all: Vec<Value> = base["inputSchema"]["properties"]["locale"]["enum"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    // The subsets come from their own generator, so that subset `n` is the same in every set.
    let mut subsets_rng = Rng::new(seed ^ 0x5eed_10ca);
    let subsets: Vec<Vec<Value>> = (0..LOCALE_SUBSETS.min(count))
        .map(|_| {
            let size = 10 + subsets_rng.below(71);
            let mut keep = vec![false; all.len()];
            let mut kept = 0;
            while kept < size.min(all.len()) {
                let slot = subsets_rng.below(all.len());
                if !keep[slot] {
                    keep[slot] = true;
                    kept += 1;
                }
            }
            all.iter()
                .zip(&keep)
                .filter(|(_, keep)| **keep)
                .map(|(value, _)| value.clone())
                .collect()
        })
        .collect();
    let mut rng = Rng::new(seed);
    let mut subset = 0;
    (0..count)
        .map(|index| {
            let mut tool = seed_variation(&base, index, &mut rng);
            if index % 3 != 0 && !subsets.is_empty() {
                let values = subsets[subset % subsets.len()].clone();
                subset += 1;
                tool["inputSchema"]["properties"]["locale"]["enum"] = Value::Array(values);
            }
            tool
        })
        .collect()
}

/// The seed tool under a unique name, with extra properties and a varying `required`.
fn seed_variation(base: &Value, index: usize, rng: &mut Rng) -> Value {
    let mut tool = base.clone();
    let namespace = rng.pick(WORDS);
    let noun = rng.pick(WORDS);
    tool["name"] = Value::String(format!("{namespace}.{noun}_{index}.create"));
    tool["description"] = Value::String(format!(
        "Sends an invitation for a {noun} of the {namespace} API (seed-like tool {index})."
    ));
    let schema = &mut tool["inputSchema"];
    for _ in 0..1 + rng.below(2) {
        let key = format!("{}_{}", rng.pick(WORDS), rng.pick(WORDS));
        let value = property(rng, 1, &key);
        if let Some(Value::Object(properties)) = schema.get_mut("properties") {
            properties.insert(key, value);
        }
    }
    let keys: Vec<Value> = schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.keys())
        .filter(|_| rng.below(3) == 0)
        .map(|k| Value::String(k.clone()))
        .collect();
    if !keys.is_empty() {
        schema["required"] = Value::Array(keys);
    }
    tool
}

/// Tools as the files of one provider: `(file name, JSON text)`.
pub fn to_files(tools: Vec<Value>) -> Vec<(String, String)> {
    tools
        .into_iter()
        .map(|tool| {
            let name = tool["name"].as_str().unwrap_or("tool").to_string();
            let text = serde_json::to_string_pretty(&tool).unwrap_or_default();
            (format!("{name}.json"), text)
        })
        .collect()
}

fn tool(index: usize, rng: &mut Rng) -> Value {
    let namespace = rng.pick(WORDS);
    let verb = rng.pick(&["create", "get", "list", "update", "delete", "search"]);
    let noun = rng.pick(WORDS);
    let name = format!("{namespace}.{noun}_{index}.{verb}");
    let mut tool = json!({
        "name": name,
        "description": format!("{verb} a {noun} in the {namespace} API (synthetic tool {index})."),
    });
    let properties = 3 + rng.below(8);
    tool["inputSchema"] = object(rng, 0, properties);
    if rng.below(3) == 0 {
        let properties = 2 + rng.below(4);
        tool["outputSchema"] = object(rng, 1, properties);
    }
    if rng.below(4) == 0 {
        tool["annotations"] = json!({"readOnlyHint": true});
    }
    tool
}

fn object(rng: &mut Rng, depth: usize, properties: usize) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for _ in 0..properties {
        let key = match rng.below(3) {
            0 => rng.pick(WORDS).to_string(),
            1 => format!("{}_{}", rng.pick(WORDS), rng.pick(WORDS)),
            _ => {
                let first = *rng.pick(WORDS);
                let second = *rng.pick(WORDS);
                format!("{first}{}", capitalize(second))
            }
        };
        if props.contains_key(&key) {
            continue;
        }
        if rng.below(3) == 0 {
            required.push(Value::String(key.clone()));
        }
        let value = property(rng, depth, &key);
        props.insert(key, value);
    }
    let mut schema = json!({"type": "object", "properties": props});
    if !required.is_empty() {
        schema["required"] = Value::Array(required);
    }
    if rng.below(2) == 0 {
        schema["additionalProperties"] = Value::Bool(false);
    }
    schema
}

fn property(rng: &mut Rng, depth: usize, key: &str) -> Value {
    let mut schema = match rng.below(if depth < 3 { 10 } else { 8 }) {
        0 => json!({"type": "string", "minLength": 1, "maxLength": 200}),
        1 => json!({"type": "integer", "minimum": 0, "maximum": 1000}),
        2 => json!({"type": "boolean"}),
        3 => json!({"type": "string", "enum": rng.pick(SHARED_ENUMS)}),
        4 => {
            let values: Vec<String> = (0..2 + rng.below(6))
                .map(|i| format!("{}_{}", rng.pick(WORDS), i))
                .collect();
            json!({"type": "string", "enum": values})
        }
        5 => json!({"type": "array", "items": {"type": "string"}, "maxItems": 50}),
        6 => json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}),
        7 => json!({"type": "string", "format": "date-time"}),
        8 => {
            let properties = 1 + rng.below(4);
            object(rng, depth + 1, properties)
        }
        _ => {
            let properties = 1 + rng.below(3);
            json!({"type": "array", "items": object(rng, depth + 1, properties)})
        }
    };
    if rng.below(2) == 0 {
        schema["description"] = Value::String(format!("The {key}."));
    }
    schema
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tools_are_deterministic_and_uniquely_named() {
        let a = tools(200, 7);
        assert_eq!(a, tools(200, 7));
        let names: std::collections::BTreeSet<_> = a
            .iter()
            .map(|t| t["name"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(names.len(), 200);
    }

    #[test]
    fn seed_like_tools_keep_the_seed_locale_enum() {
        let tools = seed_like(50, 3);
        assert_eq!(tools, seed_like(50, 3));
        let names: std::collections::BTreeSet<_> =
            tools.iter().map(|t| t["name"].as_str()).collect();
        assert_eq!(names.len(), 50);
        for tool in &tools {
            let locale = &tool["inputSchema"]["properties"]["locale"]["enum"];
            assert_eq!(locale.as_array().map(Vec::len), Some(90), "{tool}");
            assert!(tool["inputSchema"]["properties"]["email"].is_object());
        }
    }

    #[test]
    fn many_locales_gives_many_distinct_subsets_of_the_seed_locales() {
        let tools = many_locales(1000, 42);
        assert_eq!(tools, many_locales(1000, 42));
        let enums: Vec<Vec<Value>> = tools
            .iter()
            .map(|t| {
                t["inputSchema"]["properties"]["locale"]["enum"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        let full = enums
            .iter()
            .find(|e| e.len() == 90)
            .cloned()
            .unwrap_or_default();
        assert_eq!(enums.iter().filter(|e| e.len() == 90).count(), 334);
        for values in &enums {
            assert!((10..=90).contains(&values.len()));
            // A subset, in the seed's order.
            let mut rest = full.iter();
            assert!(values.iter().all(|v| rest.any(|f| f == v)), "{values:?}");
        }
        let distinct: std::collections::BTreeSet<String> =
            enums.iter().map(|e| format!("{e:?}")).collect();
        assert_eq!(distinct.len(), LOCALE_SUBSETS + 1);
    }
}
