//! Keeps `null` apart from "absent" for optional properties that may be `null`.

use serde::{Deserialize, Deserializer};

/// Deserializes a property that is present: `null` becomes `Some(None)`, a value
/// `Some(Some(value))`. Together with `#[serde(default)]` (absent gives `None`) and
/// `skip_serializing_if = "Option::is_none"`, a field of type `Option<Option<T>>` round-trips
/// all three states.
///
/// # Errors
///
/// Whatever deserializing `T` reports.
pub fn deserialize<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Deserializes a present property whose type reads `null` as a value of its own
/// (`serde_json::Value`, a type for a nullable schema): `null` becomes `Some(T)` read from
/// `null` (`Some(Value::Null)`), where `Option`'s own reading would make it `None`, the same as
/// an absent property. Together with `#[serde(default)]` and
/// `skip_serializing_if = "Option::is_none"`, `null` and absent both round-trip.
///
/// # Errors
///
/// Whatever deserializing `T` reports.
pub fn some<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}
