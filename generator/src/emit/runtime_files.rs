//! The runtime's source files, as the generator embeds them: the table a vendored crate copies
//! into `src/runtime/`. A plain list, so that a runtime file added or renamed is one line here.

/// The runtime's sources (the `toolgen-runtime` crate), copied into a vendored crate: its
/// `lib.rs` becomes `src/runtime/mod.rs`, and its sub-folders (`oauth/`, `rmcp_transport/`)
/// sub-folders of `src/runtime/`. Every file of `runtime/src` is listed.
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
    (
        "oauth/config.rs",
        include_str!("../../../runtime/src/oauth/config.rs"),
    ),
    (
        "oauth/failure.rs",
        include_str!("../../../runtime/src/oauth/failure.rs"),
    ),
    (
        "oauth/file_store.rs",
        include_str!("../../../runtime/src/oauth/file_store.rs"),
    ),
    (
        "oauth/flows.rs",
        include_str!("../../../runtime/src/oauth/flows.rs"),
    ),
    (
        "oauth/mod.rs",
        include_str!("../../../runtime/src/oauth/mod.rs"),
    ),
    (
        "oauth/prompt.rs",
        include_str!("../../../runtime/src/oauth/prompt.rs"),
    ),
    (
        "oauth/session_auth.rs",
        include_str!("../../../runtime/src/oauth/session_auth.rs"),
    ),
    (
        "oauth/store.rs",
        include_str!("../../../runtime/src/oauth/store.rs"),
    ),
    (
        "oauth/store_adapter.rs",
        include_str!("../../../runtime/src/oauth/store_adapter.rs"),
    ),
    ("output.rs", include_str!("../../../runtime/src/output.rs")),
    ("retry.rs", include_str!("../../../runtime/src/retry.rs")),
    (
        "rmcp_transport/calls.rs",
        include_str!("../../../runtime/src/rmcp_transport/calls.rs"),
    ),
    (
        "rmcp_transport/errors.rs",
        include_str!("../../../runtime/src/rmcp_transport/errors.rs"),
    ),
    (
        "rmcp_transport/handshake.rs",
        include_str!("../../../runtime/src/rmcp_transport/handshake.rs"),
    ),
    (
        "rmcp_transport/http.rs",
        include_str!("../../../runtime/src/rmcp_transport/http.rs"),
    ),
    (
        "rmcp_transport/mod.rs",
        include_str!("../../../runtime/src/rmcp_transport/mod.rs"),
    ),
    (
        "rmcp_transport/options.rs",
        include_str!("../../../runtime/src/rmcp_transport/options.rs"),
    ),
    (
        "rmcp_transport/stdio.rs",
        include_str!("../../../runtime/src/rmcp_transport/stdio.rs"),
    ),
    ("secret.rs", include_str!("../../../runtime/src/secret.rs")),
    (
        "server/context.rs",
        include_str!("../../../runtime/src/server/context.rs"),
    ),
    (
        "server/error.rs",
        include_str!("../../../runtime/src/server/error.rs"),
    ),
    (
        "server/handler.rs",
        include_str!("../../../runtime/src/server/handler.rs"),
    ),
    (
        "server/mock.rs",
        include_str!("../../../runtime/src/server/mock.rs"),
    ),
    (
        "server/mod.rs",
        include_str!("../../../runtime/src/server/mod.rs"),
    ),
    (
        "server/serve.rs",
        include_str!("../../../runtime/src/server/serve.rs"),
    ),
    (
        "server/table.rs",
        include_str!("../../../runtime/src/server/table.rs"),
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
