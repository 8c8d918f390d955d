//! What emit hands on: the files of the generated crate (path, contents, sources), and the optional
//! crates their code turned out to use. Every other emit file builds these; this one imports none.

use proc_macro2::TokenStream;

use crate::diagnostics::Diagnostic;

/// One file of the generated crate, before formatting.
#[derive(Debug, Clone)]
pub struct EmittedFile {
    /// The path inside the crate, with `/` separators.
    pub path: String,
    /// The contents.
    pub contents: Contents,
    /// The schema files it is derived from (relative to the schemas root), for its header.
    pub sources: Vec<String>,
}

/// What emit produces: the files, and warnings about schemas that could not be typed as written.
#[derive(Debug, Clone)]
pub struct Emitted {
    /// Every file of the crate, sorted by path.
    pub files: Vec<EmittedFile>,
    /// Parts of schemas given a looser type than they ask for, each with file and pointer.
    pub warnings: Vec<Diagnostic>,
}

/// The contents of an emitted file.
#[derive(Clone)]
pub enum Contents {
    /// Rust items, formatted by the render stage.
    Rust(TokenStream),
    /// Rust items already parsed (a tool module, whose types come parsed from typify),
    /// formatted by the render stage.
    Parsed(Box<syn::File>),
    /// Text written as is: the runtime sources and `Cargo.toml`.
    Text(String),
}

impl std::fmt::Debug for Contents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Rust(tokens) => f.debug_tuple("Rust").field(tokens).finish(),
            // syn's syntax trees implement `Debug` only with a feature the generator does not use.
            Self::Parsed(file) => f
                .debug_tuple("Parsed")
                .field(&format_args!("{} items", file.items.len()))
                .finish(),
            Self::Text(text) => f.debug_tuple("Text").field(text).finish(),
        }
    }
}

/// A Rust file of the crate, from its items.
pub(super) fn rust(path: String, tokens: TokenStream, sources: Vec<String>) -> EmittedFile {
    EmittedFile {
        path,
        contents: Contents::Rust(tokens),
        sources,
    }
}

/// Optional crates that typify's output may need.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Dependencies {
    chrono: bool,
    uuid: bool,
}

impl Dependencies {
    pub(super) fn merge(&mut self, other: Self) {
        self.chrono |= other.chrono;
        self.uuid |= other.uuid;
    }

    pub(super) fn scan(items: &TokenStream) -> Self {
        let text = items.to_string();
        Self {
            chrono: text.contains(":: chrono ::"),
            uuid: text.contains(":: uuid ::"),
        }
    }

    /// The cargo features of the crates used, each quoted for a TOML array: `"chrono"`, `"uuid"`.
    pub(super) fn features(&self) -> Vec<&'static str> {
        let mut features = Vec::new();
        if self.chrono {
            features.push("\"chrono\"");
        }
        if self.uuid {
            features.push("\"uuid\"");
        }
        features
    }
}
