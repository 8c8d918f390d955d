//! Rustdoc examples: a `no_run` call of each tool method, with a value for every required
//! argument built from its Rust type and its schema (a format's sample, the first value of an
//! enum, a nested struct's own `new`); a value it cannot build (a union, a type of another
//! module) is a typed parameter of the example's function. They are compiled as doc tests, so
//! an example that does not build is a generator bug that the tests catch.

use std::cell::RefCell;
use std::collections::BTreeMap;

use quote::ToTokens;
use serde_json::Value;

use crate::model::{Arguments, Namespace, Operation, Provider};
use crate::naming::{self, Scope};
use crate::options::{EmitOptions, Layout, Runtime};

/// How deep nested `new` calls go before an argument is left to the reader.
const DEPTH: usize = 3;

/// The `# Examples` section of `op`'s method docs, or `None` where no example can be compiled
/// (the build-step layout, whose module path is the application's).
pub(super) fn method_example(
    provider: &Provider,
    namespace: &Namespace,
    op: &Operation,
    options: &EmitOptions,
    constructible: &BTreeMap<String, Vec<(syn::Type, String)>>,
) -> Option<String> {
    if options.layout != Layout::Crate {
        return None;
    }
    let krate = options.crate_name.replace('-', "_");
    let mut modules = vec![krate.clone(), provider.module.clone()];
    modules.extend(namespace.modules.iter().cloned());
    modules.push(op.module.clone());
    let tool_module = modules.join("::");

    // The accessor calls from the provider's client down to the namespace.
    let mut chain = String::new();
    let mut node = &provider.root;
    for depth in 1..=namespace.path.len() {
        node = node
            .children
            .iter()
            .find(|child| child.path[..] == namespace.path[..depth])?;
        chain.push_str(&format!(".{}()", node.method));
    }

    let values = Values {
        krate: &krate,
        runtime: &options.runtime,
        constructible,
        enums: enum_variants(provider, op),
        inputs: RefCell::new(Vec::new()),
        names: RefCell::new(Scope::with_reserved(["client", "output", "example"])),
    };
    let call = match op.arguments {
        Arguments::None | Arguments::Optional => format!(".{}()", op.method),
        Arguments::Required => {
            let params = values.value_of_named(&op.params_type, &op.validation_schema, "params", 0);
            format!(".{}({params})", op.method)
        }
    };
    // Values the generator cannot build (a union, a type of another module) are the example
    // function's own parameters, typed, for the reader to supply.
    let inputs: String = values
        .inputs
        .into_inner()
        .into_iter()
        .map(|(name, ty)| format!(", {name}: {ty}"))
        .collect();
    Some(format!(
        "# Examples\n\n```no_run\nuse {tool_module}::*;\n\n# async fn example(client: \
         &{krate}::{provider}::Client{inputs}) -> Result<(), Box<dyn std::error::Error>> {{\n\
         let output = client{chain}{call}.await?;\n# let _ = output;\n# Ok(())\n# }}\n```",
        provider = provider.module,
    ))
}

/// Enum type name → its first variant, for the enums a tool's types can name.
fn enum_variants(provider: &Provider, op: &Operation) -> BTreeMap<String, String> {
    op.local_enums
        .iter()
        .chain(provider.shared_enums.iter())
        .filter_map(|ty| Some((ty.name.clone(), ty.variants.first()?.name.clone())))
        .collect()
}

struct Values<'a> {
    krate: &'a str,
    runtime: &'a Runtime,
    constructible: &'a BTreeMap<String, Vec<(syn::Type, String)>>,
    enums: BTreeMap<String, String>,
    /// The example function's parameters: a name and a type for each value left to the reader.
    inputs: RefCell<Vec<(String, String)>>,
    names: RefCell<Scope>,
}

impl Values<'_> {
    /// A value of the struct named `name` (one of the tool's items), through its `new`, or
    /// its `Default` when nothing is required.
    fn value_of_named(&self, name: &str, schema: &Value, hint: &str, depth: usize) -> String {
        let Some(required) = self.constructible.get(name) else {
            return self.input(hint, name.to_string());
        };
        if required.is_empty() {
            return format!("{name}::default()");
        }
        if depth >= DEPTH {
            return self.input(hint, name.to_string());
        }
        let args: Vec<String> = required
            .iter()
            .map(|(ty, wire)| {
                let property = schema
                    .get("properties")
                    .and_then(|p| p.get(wire))
                    .unwrap_or(&Value::Null);
                self.value(ty, property, wire, depth + 1)
            })
            .collect();
        format!("{name}::new({})", args.join(", "))
    }

    /// A parameter of the example function, named after the property, of type `ty`.
    fn input(&self, hint: &str, ty: String) -> String {
        let name = self
            .names
            .borrow_mut()
            .claim(&naming::snake_name(hint), "_");
        self.inputs.borrow_mut().push((name.clone(), ty));
        name
    }

    /// A value of type `ty` for a property with schema `schema`.
    fn value(&self, ty: &syn::Type, schema: &Value, hint: &str, depth: usize) -> String {
        let syn::Type::Path(path) = ty else {
            return self.input(hint, self.text(ty));
        };
        let Some(last) = path.path.segments.last() else {
            return self.input(hint, self.text(ty));
        };
        let name = last.ident.to_string();
        match name.as_str() {
            "String" => format!("{:?}", string_sample(schema)),
            "Value" => format!("{}::from({:?})", self.text(ty), string_sample(schema)),
            "bool" => "true".to_string(),
            "f32" | "f64" => "1.0".to_string(),
            "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64"
            | "u128" | "usize" => integer_sample(schema).to_string(),
            "Vec" => format!("{}::new()", self.text(ty).replacen('<', "::<", 1)),
            _ if self.enums.contains_key(&name) => {
                format!("{}::{}", self.text(ty), self.enums[&name])
            }
            _ if path.path.segments.len() == 1 && last.arguments.is_none() => {
                self.value_of_named(&name, schema, hint, depth)
            }
            _ => self.input(hint, self.text(ty)),
        }
    }

    /// `ty` as an example names it: from outside the crate, with the runtime where it is.
    fn text(&self, ty: &syn::Type) -> String {
        let tokens = ty.to_token_stream().to_string();
        let compact = tokens
            .replace(" :: ", "::")
            .replace(":: ", "::")
            .replace(" < ", "<")
            .replace(" <", "<")
            .replace("< ", "<")
            .replace(" >", ">")
            .replace(" ,", ",");
        let runtime = match self.runtime {
            Runtime::Shared { .. } => "::toolgen_runtime".to_string(),
            Runtime::Vendored => format!("{}::runtime", self.krate),
        };
        compact
            .replace("crate::runtime", &runtime)
            .replace("::serde_json::", &format!("{runtime}::serde_json::"))
            .replace(&format!("{runtime}{runtime}"), &runtime)
            .replace("crate::", &format!("{}::", self.krate))
            .replace("::std::string::String", "String")
            .replace("::std::vec::Vec", "Vec")
            .replace("::std::option::Option", "Option")
    }
}

/// A string that a property of this schema accepts, for an example: a sample of its format, its
/// first example, or a plain word.
fn string_sample(schema: &Value) -> String {
    if let Some(Value::String(example)) = schema
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
        && !example.contains(['`', '\n', '\r'])
    {
        return example.clone();
    }
    match schema.get("format").and_then(Value::as_str) {
        Some("email" | "idn-email") => "user@example.com",
        Some("uri" | "url" | "iri" | "uri-reference" | "iri-reference") => "https://example.com",
        Some("hostname" | "idn-hostname") => "example.com",
        Some("ipv4") => "192.0.2.1",
        Some("ipv6") => "2001:db8::1",
        Some("date") => "2025-01-31",
        Some("time") => "12:00:00Z",
        Some("date-time") => "2025-01-31T12:00:00Z",
        Some("uuid") => "00000000-0000-0000-0000-000000000000",
        _ => "example",
    }
    .to_string()
}

/// An integer that a property of this schema accepts: its minimum, or 1.
fn integer_sample(schema: &Value) -> i64 {
    let minimum = schema.get("minimum").and_then(Value::as_i64).or_else(|| {
        schema
            .get("exclusiveMinimum")
            .and_then(Value::as_i64)
            .map(|m| m + 1)
    });
    minimum.unwrap_or(1).max(0)
}
