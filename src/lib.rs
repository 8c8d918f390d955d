//! The workspace's top-level package: integration tests, examples and the build step.
//!
//! Application developers depend on `generated/` (`toolgen-sdk`), never on this package. Its
//! build script regenerates the SDK into `OUT_DIR`; these constants say where.

/// Where the build step wrote the SDK generated from `schemas/`.
pub const GENERATED_BY_BUILD: &str = env!("TOOLGEN_GENERATED");

/// Where the build step wrote the fixture crate generated from `tests/fixtures/schemas/`.
pub const FIXTURES_BY_BUILD: &str = env!("TOOLGEN_FIXTURES");

pub mod echo;
