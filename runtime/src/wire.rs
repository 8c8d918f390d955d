//! How generated types go to and from JSON: the small, shared code behind their `Serialize` and
//! `Deserialize` impls.
//!
//! `#[derive(Serialize, Deserialize)]` writes a visitor, a field enum and a sequence form for every
//! struct, generic over the serializer; for a crate of a thousand tools that code is most of its
//! build time. Generated structs and string enums instead implement both traits in a few lines
//! each, through this module: a struct becomes a JSON object field by field in one non-generic
//! function and is read back the same way. The generic parts here are instantiated once per field
//! type (`String`, `Option<i64>`, ...) and once per serializer, and are shared by every type.
//!
//! The JSON is the same as serde's derive would read and write, with these differences:
//! - an error names where it happened as a JSON pointer (`/rule/policy: invalid type: ...`),
//!   in place of serde_json's line and column;
//! - keys come out in `serde_json::Map`'s order, not in field order;
//! - only the JSON object form is read (serde's derive also reads a struct from a sequence);
//! - a repeated key keeps its last value instead of failing.
//!
//! This module supports the generated code; its items are not meant to be called directly.

use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::ser::{self, Serialize, Serializer};
use serde_json::{Map, Value};

/// The object a generated type's fields were written into.
pub type Written = Result<Map<String, Value>, serde_json::Error>;

/// A JSON object being written, one field at a time. The first error is kept and returned by
/// [`finish`](Self::finish), so that generated code writes each field with one plain call.
#[derive(Debug, Default)]
pub struct Writer {
    map: Map<String, Value>,
    error: Option<serde_json::Error>,
}

impl Writer {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes `value` as the property `name`.
    pub fn field<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        if self.error.is_some() {
            return;
        }
        match serde_json::to_value(value) {
            Ok(value) => {
                self.map.insert(name.to_string(), value);
            }
            Err(err) => self.error = Some(err),
        }
    }

    /// Writes `value` as the property `name` when it is `Some`; `None` leaves the property out.
    pub fn some<T: Serialize>(&mut self, name: &str, value: &Option<T>) {
        if let Some(value) = value {
            self.field(name, value);
        }
    }

    /// Writes `value` as the property `name`, like [`field`](Self::field), for a field that is
    /// read with [`Reader::or_default`] (the name lets [`wire_struct!`](crate::wire_struct) use
    /// one kind for both directions).
    pub fn or_default<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        self.field(name, value);
    }

    /// Writes the properties of `value`, which must serialize as an object (a field that holds
    /// the properties the schema does not name).
    pub fn flatten<T: Serialize + ?Sized>(&mut self, value: &T) {
        if self.error.is_some() {
            return;
        }
        match serde_json::to_value(value) {
            Ok(Value::Object(map)) => self.map.extend(map),
            Ok(Value::Null) => {}
            Ok(other) => {
                self.error = Some(ser::Error::custom(format_args!(
                    "can only flatten an object, not {other}"
                )));
            }
            Err(err) => self.error = Some(err),
        }
    }

    /// The object written, or the first error.
    pub fn finish(self) -> Written {
        match self.error {
            None => Ok(self.map),
            Some(err) => Err(err),
        }
    }
}

/// Serializes the object that a generated type's fields were written into.
pub fn serialize<S: Serializer>(object: Written, serializer: S) -> Result<S::Ok, S::Error> {
    match object {
        Ok(map) => map.serialize(serializer),
        Err(err) => Err(ser::Error::custom(err)),
    }
}

/// Where in a value an error happened, and what it was.
#[derive(Debug)]
pub struct FieldError {
    pointer: String,
    message: String,
}

impl FieldError {
    /// An error as written; one from a nested generated type already starts with its pointer.
    fn read(inner: &serde_json::Error) -> Self {
        let text = inner.to_string();
        match text.split_once(": ") {
            Some((pointer, message)) if pointer.starts_with('/') => Self {
                pointer: pointer.to_string(),
                message: message.to_string(),
            },
            _ => Self {
                pointer: String::new(),
                message: text,
            },
        }
    }

    /// An error inside the property `name`.
    fn at(name: &str, inner: serde_json::Error) -> Self {
        let mut error = Self::read(&inner);
        error.pointer = format!("/{}{}", escape(name), error.pointer);
        error
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.pointer, self.message)
        }
    }
}

/// A property name as a JSON pointer token (RFC 6901).
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// A JSON object being read into a generated struct, one field at a time. Each read returns
/// `None` after an error, which the reader keeps (the first one) and [`deserialize`] returns, so
/// that generated code reads each field with one plain call.
#[derive(Debug)]
pub struct Reader {
    map: Map<String, Value>,
    known: &'static [&'static str],
    error: Option<FieldError>,
}

impl Reader {
    fn fail<T>(&mut self, error: FieldError) -> Option<T> {
        self.error.get_or_insert(error);
        None
    }

    /// Reads the property `name`. When it is absent the field's type decides, as with serde's
    /// derive: an `Option` is `None`, anything else is a missing-field error.
    pub fn field<T: DeserializeOwned>(&mut self, name: &'static str) -> Option<T> {
        if self.error.is_some() {
            return None;
        }
        let read = match self.map.remove(name) {
            Some(value) => T::deserialize(value).map_err(|err| FieldError::at(name, err)),
            None => T::deserialize(Missing(name)).map_err(|err| FieldError::read(&err)),
        };
        match read {
            Ok(value) => Some(value),
            Err(err) => self.fail(err),
        }
    }

    /// Reads the property `name` with `read` (a `deserialize_with` function) when it is there;
    /// `None` when it is absent, and an error when `read` fails.
    fn read_with<T>(
        &mut self,
        name: &'static str,
        read: fn(Value) -> Result<T, serde_json::Error>,
    ) -> Result<Option<T>, ()> {
        if self.error.is_some() {
            return Err(());
        }
        match self.map.remove(name).map(read) {
            None => Ok(None),
            Some(Ok(value)) => Ok(Some(value)),
            Some(Err(err)) => {
                self.fail::<()>(FieldError::at(name, err));
                Err(())
            }
        }
    }

    /// Reads the property `name`, or `T::default()` when it is absent (`#[serde(default)]`).
    pub fn or_default<T: DeserializeOwned + Default>(&mut self, name: &'static str) -> Option<T> {
        self.read_with(name, plain::<T>)
            .ok()
            .map(Option::unwrap_or_default)
    }

    /// Reads the optional property `name` (`None` when it is absent or null), for a field that
    /// [`Writer::some`] writes.
    pub fn some<T: DeserializeOwned>(&mut self, name: &'static str) -> Option<Option<T>> {
        self.or_default(name)
    }

    /// Reads the property `name`, or `default()` when it is absent (`#[serde(default = "f")]`).
    pub fn or_else<T: DeserializeOwned>(
        &mut self,
        name: &'static str,
        default: fn() -> T,
    ) -> Option<T> {
        self.read_with(name, plain::<T>)
            .ok()
            .map(|value| value.unwrap_or_else(default))
    }

    /// Reads the property `name` with `read`, or `T::default()` when it is absent
    /// (`#[serde(default, deserialize_with = "read")]`).
    pub fn with_or_default<T: Default>(
        &mut self,
        name: &'static str,
        read: fn(Value) -> Result<T, serde_json::Error>,
    ) -> Option<T> {
        self.read_with(name, read)
            .ok()
            .map(Option::unwrap_or_default)
    }

    /// Reads the property `name` with `read`, or `default()` when it is absent.
    pub fn with_or_else<T>(
        &mut self,
        name: &'static str,
        read: fn(Value) -> Result<T, serde_json::Error>,
        default: fn() -> T,
    ) -> Option<T> {
        self.read_with(name, read)
            .ok()
            .map(|value| value.unwrap_or_else(default))
    }

    /// The properties no field took, read as the field that keeps them.
    pub fn rest<T: DeserializeOwned>(&mut self) -> Option<T> {
        if self.error.is_some() {
            return None;
        }
        let rest = std::mem::take(&mut self.map);
        match T::deserialize(Value::Object(rest)) {
            Ok(value) => Some(value),
            Err(err) => self.fail(FieldError::read(&err)),
        }
    }

    /// Fails when a property is left that no field took (`additionalProperties: false`).
    pub fn deny_unknown(&mut self) {
        if self.error.is_some() {
            return;
        }
        let Some(name) = self.map.keys().next() else {
            return;
        };
        let mut message = format!("unknown field `{name}`");
        if self.known.is_empty() {
            message.push_str(", there are no fields");
        } else {
            message.push_str(", expected one of ");
            for (i, known) in self.known.iter().enumerate() {
                let sep = if i == 0 { "" } else { ", " };
                message.push_str(&format!("{sep}`{known}`"));
            }
        }
        self.fail::<()>(FieldError {
            pointer: String::new(),
            message,
        });
    }
}

/// `T` from a JSON value, as a function pointer.
fn plain<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    T::deserialize(value)
}

/// Deserializes a JSON object and reads a generated struct from it with `read`, which returns
/// `None` when a read failed. `known` lists the struct's property names, for the message about
/// an unknown one.
pub fn deserialize<'de, D, T>(
    deserializer: D,
    known: &'static [&'static str],
    read: fn(&mut Reader) -> Option<T>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let map = deserializer.deserialize_map(ObjectVisitor)?;
    let mut reader = Reader {
        map,
        known,
        error: None,
    };
    let value = read(&mut reader);
    match (reader.error, value) {
        (Some(error), _) => Err(de::Error::custom(error)),
        (None, Some(value)) => Ok(value),
        (None, None) => Err(de::Error::custom("the object could not be read")),
    }
}

/// Reads a JSON object, naming the expected type in its error as serde's derive does.
struct ObjectVisitor;

impl<'de> Visitor<'de> for ObjectVisitor {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map = Map::new();
        while let Some((key, value)) = access.next_entry::<String, Value>()? {
            map.insert(key, value);
        }
        Ok(map)
    }
}

/// Deserializes an untagged enum: `read` tries its variants in order on the value, and the first
/// that deserializes wins, as with serde's `#[serde(untagged)]`.
pub fn untagged<'de, D, T>(
    deserializer: D,
    type_name: &'static str,
    read: fn(&Value) -> Option<T>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let value = <Value as serde::Deserialize>::deserialize(deserializer)?;
    read(&value).ok_or_else(|| {
        de::Error::custom(format_args!(
            "data did not match any variant of untagged enum {type_name}"
        ))
    })
}

/// Deserializes a string enum: the exact wire value `values[i]` is `all[i]`; any other string
/// fails with serde's "unknown variant" error, which lists them all.
pub fn string_enum<'de, D, T>(
    deserializer: D,
    all: &'static [T],
    values: &'static [&'static str],
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Clone,
{
    let value = deserializer.deserialize_str(StrVisitor)?;
    match values.iter().position(|known| *known == value) {
        Some(index) => Ok(all[index].clone()),
        None => Err(de::Error::unknown_variant(&value, values)),
    }
}

/// Reads a string, borrowed or not.
struct StrVisitor;

impl<'de> Visitor<'de> for StrVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<String, E> {
        Ok(value)
    }
}

/// The deserializer for a property that is absent: an `Option` reads it as `None`, any other
/// type fails with serde's "missing field" error.
struct Missing(&'static str);

impl<'de> Deserializer<'de> for Missing {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// Rewrites every float of `value` that has no fractional part and fits an `i64` (`1.0`) as
/// that integer, as JSON Schema counts it one; whether anything changed. The client reads a
/// result again through this when it does not parse as it is, so that Rust's integer types
/// accept every integer the schema does.
pub fn integral_floats_as_integers(value: &mut Value) -> bool {
    match value {
        Value::Number(number) if number.is_f64() => {
            let float = number.as_f64().unwrap_or(f64::NAN);
            // Both bounds are exact powers of two, so the comparison is exact.
            if float.fract() == 0.0
                && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&float)
            {
                *value = Value::from(float as i64);
                true
            } else {
                false
            }
        }
        Value::Array(items) => items.iter_mut().fold(false, |changed, item| {
            integral_floats_as_integers(item) | changed
        }),
        Value::Object(map) => map.values_mut().fold(false, |changed, item| {
            integral_floats_as_integers(item) | changed
        }),
        _ => false,
    }
}

/// The `Serialize` and `Deserialize` impls of a generated struct, through [`Writer`] and
/// [`Reader`]: `Name { field.kind("wire name"), ..., ..rest }`, optionally followed by
/// `deny_unknown`. A kind names both the [`Writer`] and the [`Reader`] method of the field:
/// `field` (always written; absent is `None` for an `Option`, else an error), `some` (an
/// `Option` left out when `None`) or `or_default` (absent reads as `Default::default()`);
/// `..rest` is the field that keeps the properties the others do not name. The generator writes
/// this for structs of those shapes and spells out the impls for any other.
#[doc(hidden)]
#[macro_export]
macro_rules! wire_struct {
    (
        $name:ident {
            $($field:ident.$kind:ident($wire:literal),)*
            $(..$rest:ident)?
        }
        $($deny:ident)?
    ) => {
        impl $crate::__toolgen::serde::Serialize for $name {
            #[inline]
            fn serialize<__S: $crate::__toolgen::serde::Serializer>(
                &self,
                serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                #[inline]
                fn write(this: &$name) -> $crate::__toolgen::wire::Written {
                    let mut out = $crate::__toolgen::wire::Writer::new();
                    $(out.$kind($wire, &this.$field);)*
                    $(out.flatten(&this.$rest);)?
                    out.finish()
                }
                $crate::__toolgen::wire::serialize(write(self), serializer)
            }
        }

        impl<'de> $crate::__toolgen::serde::Deserialize<'de> for $name {
            #[inline]
            fn deserialize<__D: $crate::__toolgen::serde::Deserializer<'de>>(
                deserializer: __D,
            ) -> ::core::result::Result<Self, __D::Error> {
                // Every field is read before any `?`, so that the reader keeps the first error
                // whichever field it is in.
                #[inline]
                fn read(
                    input: &mut $crate::__toolgen::wire::Reader,
                ) -> ::core::option::Option<$name> {
                    $(let $field = input.$kind($wire);)*
                    $(let $rest = input.rest();)?
                    $(input.$deny();)?
                    ::core::option::Option::Some($name {
                        $($field: $field?,)*
                        $($rest: $rest?,)?
                    })
                }
                $crate::__toolgen::wire::deserialize(deserializer, &[$($wire),*], read)
            }
        }
    };
}

#[cfg(test)]
#[allow(
    unreachable_pub,
    reason = "the macro writes an SDK's public impls; here the struct sits in a private test module"
)]
mod macro_tests {
    use serde_json::{Map, Value, json};

    #[derive(Debug, PartialEq)]
    pub struct Plain {
        id: String,
        note: Option<String>,
        tags: Vec<String>,
        r#type: i64,
        extra: Map<String, Value>,
    }
    crate::wire_struct! {
        Plain { id.field("id"), note.some("note"), tags.or_default("tags"), r#type.field("type"), ..extra }
    }

    #[derive(Debug, PartialEq)]
    pub struct Closed {
        input: Option<i64>,
    }
    crate::wire_struct! { Closed { input.some("input"), } deny_unknown }

    #[test]
    fn wire_struct_reads_and_writes_like_serde_derive() {
        let value: Plain =
            serde_json::from_value(json!({"id": "a", "type": 3, "other": true})).expect("reads");
        assert_eq!(
            value,
            Plain {
                id: "a".into(),
                note: None,
                tags: Vec::new(),
                r#type: 3,
                extra: json!({"other": true}).as_object().cloned().expect("object"),
            }
        );
        assert_eq!(
            serde_json::to_value(&value).expect("writes"),
            json!({"id": "a", "tags": [], "type": 3, "other": true})
        );
        let missing = serde_json::from_value::<Plain>(json!({"type": 1})).expect_err("id");
        assert!(
            missing.to_string().contains("missing field `id`"),
            "{missing}"
        );
        let wrong =
            serde_json::from_value::<Plain>(json!({"id": "a", "type": "x"})).expect_err("type");
        assert!(wrong.to_string().contains("/type"), "{wrong}");
        assert_eq!(
            serde_json::from_value::<Closed>(json!({"input": null})).ok(),
            Some(Closed { input: None })
        );
        let unknown = serde_json::from_value::<Closed>(json!({"inputs": 1})).expect_err("unknown");
        assert!(
            unknown.to_string().contains("unknown field `inputs`"),
            "{unknown}"
        );
        assert_eq!(
            serde_json::to_value(Closed { input: None }).expect("writes"),
            json!({})
        );
    }
}
