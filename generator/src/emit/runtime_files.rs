//! The runtime's source files, as the generator embeds them: the table a vendored crate copies
//! into `src/runtime/`. A plain list, so that a runtime file added or renamed is one line here.

/// The runtime's sources (the `toolgen-runtime` crate), copied into a vendored crate: its
/// `lib.rs` becomes `src/runtime/mod.rs`.
pub(super) const RUNTIME: &[(&str, &str)] = &[
    ("mod.rs", include_str!("../../../runtime/src/lib.rs")),
    ("client.rs", include_str!("../../../runtime/src/client.rs")),
    ("enums.rs", include_str!("../../../runtime/src/enums.rs")),
    ("error.rs", include_str!("../../../runtime/src/error.rs")),
    ("locale.rs", include_str!("../../../runtime/src/locale.rs")),
    ("memory.rs", include_str!("../../../runtime/src/memory.rs")),
    (
        "nullable.rs",
        include_str!("../../../runtime/src/nullable.rs"),
    ),
    ("oauth.rs", include_str!("../../../runtime/src/oauth.rs")),
    ("output.rs", include_str!("../../../runtime/src/output.rs")),
    ("retry.rs", include_str!("../../../runtime/src/retry.rs")),
    (
        "rmcp_transport.rs",
        include_str!("../../../runtime/src/rmcp_transport.rs"),
    ),
    (
        "session.rs",
        include_str!("../../../runtime/src/session.rs"),
    ),
    (
        "transport.rs",
        include_str!("../../../runtime/src/transport.rs"),
    ),
    (
        "validate.rs",
        include_str!("../../../runtime/src/validate.rs"),
    ),
    ("wire.rs", include_str!("../../../runtime/src/wire.rs")),
];
