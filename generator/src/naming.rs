//! Naming policy: every identifier the generator emits is decided here, from untrusted text.
//!
//! The functions are pure and total: any input string, including the empty string, symbols and
//! non-Latin text, yields a valid, warning-free Rust identifier. Collisions are settled by
//! [`Scope`], which hands out names in a fixed order so that adding a name never renames the
//! names handed out before it.

use std::collections::BTreeSet;

/// Words that cannot be used as plain identifiers (strict and reserved keywords of every edition).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Is `word` a Rust keyword (in any edition) or otherwise unusable as a plain identifier?
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word) || word == "Self" || word == "_"
}

/// Splits text into lowercase words at separators, case changes and symbol runs.
///
/// `"accountId"` gives `["account", "id"]`, `"HTTPServer"` gives `["http", "server"]`, `"es-419"`
/// gives `["es", "419"]`. Characters outside ASCII become `u` plus their hex code point, so that
/// the result is always ASCII and never trips the confusable-identifier lints.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    let flush = |current: &mut String, out: &mut Vec<String>| {
        if !current.is_empty() {
            out.push(std::mem::take(current).to_ascii_lowercase());
        }
    };
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_alphanumeric() {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                Some(p) if p.is_ascii_lowercase() && c.is_ascii_uppercase() => true,
                // "HTTPServer": the "S" starts a new word because a lowercase letter follows it.
                Some(p) if p.is_ascii_uppercase() && c.is_ascii_uppercase() => {
                    next.is_some_and(|n| n.is_ascii_lowercase())
                }
                _ => false,
            };
            if boundary {
                flush(&mut current, &mut out);
            }
            current.push(c);
        } else if c.is_ascii() {
            flush(&mut current, &mut out);
        } else {
            flush(&mut current, &mut out);
            out.push(format!("u{:x}", c as u32));
        }
    }
    flush(&mut current, &mut out);
    out
}

/// Names for the symbols that carry meaning in enum values such as `+1`, `<=` or `*`.
fn symbol_word(c: char) -> Option<&'static str> {
    Some(match c {
        '+' => "plus",
        '-' => "minus",
        '<' => "lt",
        '>' => "gt",
        '=' => "eq",
        '!' => "not",
        '*' => "star",
        '/' => "slash",
        '%' => "percent",
        '&' => "and",
        '|' => "or",
        '^' => "caret",
        '~' => "tilde",
        '#' => "hash",
        '@' => "at",
        '$' => "dollar",
        '.' => "dot",
        '?' => "question",
        _ => return None,
    })
}

/// Words for an enum value. Symbols are spelled out where they carry meaning: at the start of the
/// value (`+1`, `-1`) or where the value has no letters or digits at all (`<=`, `*`).
fn value_words(value: &str) -> Vec<String> {
    let has_alnum = value.chars().any(|c| c.is_alphanumeric());
    let mut spelled = String::new();
    let mut leading = true;
    for c in value.chars() {
        match symbol_word(c) {
            Some(word) if leading || !has_alnum => {
                spelled.push(' ');
                spelled.push_str(word);
                spelled.push(' ');
            }
            _ => {
                leading = false;
                spelled.push(c);
            }
        }
    }
    // "<=" reads better as "le" than "lt eq".
    let mut out = words(&spelled);
    for (pair, joined) in [
        (["lt", "eq"], "le"),
        (["gt", "eq"], "ge"),
        (["not", "eq"], "ne"),
    ] {
        let mut i = 0;
        while i + 1 < out.len() {
            if out[i] == pair[0] && out[i + 1] == pair[1] {
                out.splice(i..i + 2, [joined.to_string()]);
            }
            i += 1;
        }
    }
    out
}

fn join_pascal(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// Makes a PascalCase type or variant name valid: never empty, never a keyword, never starting
/// with a digit.
fn finish_pascal(name: String, empty: &str) -> String {
    if name.is_empty() {
        empty.to_string()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{name}")
    } else if name == "Self" {
        "SelfValue".to_string()
    } else {
        name
    }
}

/// Makes a snake_case name valid: never empty, never a keyword, never starting with a digit.
fn finish_snake(name: String, empty: &str) -> String {
    if name.is_empty() {
        empty.to_string()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{name}")
    } else if is_keyword(&name) {
        format!("{name}_")
    } else {
        name
    }
}

/// A PascalCase type name for a property, definition or tool name (`locale` → `Locale`).
pub fn type_name(text: &str) -> String {
    finish_pascal(join_pascal(&words(text)), "Type")
}

/// A PascalCase variant name for a string enum value (`en-US` → `EnUs`, `+1` → `Plus1`).
pub fn variant_name(value: &str) -> String {
    finish_pascal(join_pascal(&value_words(value)), "Empty")
}

/// A snake_case name for a method, module or field (`organization-memberships` →
/// `organization_memberships`, `type` → `type_`).
pub fn snake_name(text: &str) -> String {
    finish_snake(words(text).join("_"), "unnamed")
}

/// A cargo feature name for a provider folder: lowercase ASCII letters, digits, `-` and `_`.
pub fn feature_name(text: &str) -> String {
    let name = words(text).join("-");
    if name.is_empty() {
        "provider".to_string()
    } else {
        name
    }
}

/// The method that takes the arguments of a tool whose arguments are all optional, beside its
/// own method, which sends none (`list` → `list_with`).
pub fn with_arguments_method(method: &str) -> String {
    format!("{method}_with")
}

/// The PascalCase name of a generated input type for a tool method (`create` → `CreateParams`).
pub fn params_type(method: &str) -> String {
    format!("{}Params", type_name(method))
}

/// The PascalCase name of the accessor struct for a namespace path
/// (`["user_management", "invitations"]` → `UserManagementInvitations`).
pub fn accessor_type(path: &[String]) -> String {
    let words: Vec<String> = path.iter().flat_map(|segment| words(segment)).collect();
    finish_pascal(join_pascal(&words), "Root")
}

/// The methods of a provider's server trait, one per tool, in the order given: each tool's
/// namespace path (its group folders, then the segments of its dotted name) joined into one
/// snake_case name (`["user_management", "invitations", "create"]` →
/// `user_management_invitations_create`). The trait is flat, unlike the client's accessors,
/// because an implementation is one `impl` block: nesting would make it one `impl` and one type
/// per namespace. Two tools whose paths spell the same name (`a.b_c`, `a_b.c`) are told apart by
/// `_2`, `_3`, ... in the order given, as [`Scope`] does.
pub fn server_methods(paths: &[Vec<String>]) -> Vec<String> {
    let mut scope = Scope::default();
    paths
        .iter()
        .map(|path| scope.claim(&snake_name(&path.join(".")), "_"))
        .collect()
}

/// The methods of a provider's mock for each server method, in the order given: the one that
/// sets a tool's expectation (`on_<method>`) and the one that returns its recorded calls
/// (`<method>_calls`), clear of the mock's own methods and of each other.
pub fn mock_methods(server_methods: &[String]) -> Vec<(String, String)> {
    let mut scope = Scope::with_reserved(["new", "client", "runtime", "default", "clone"]);
    server_methods
        .iter()
        .map(|method| {
            (
                scope.claim(&format!("on_{method}"), "_"),
                scope.claim(&format!("{method}_calls"), "_"),
            )
        })
        .collect()
}

/// A shared type's name told apart from others that want the same one by the namespace its tools
/// share (`Status` of `orders.*` tools → `OrdersStatus`); at the root, the name as it is.
pub fn namespaced_type(base: &str, namespace: &[String]) -> String {
    format!(
        "{}{base}",
        accessor_type(namespace).trim_start_matches("Root")
    )
}

/// Does a property or schema name say that it holds a locale (`locale`, `preferredLanguage`,
/// `ui_lang`)?
pub fn says_locale(name: &str) -> bool {
    words(name).iter().any(|word| {
        matches!(
            word.as_str(),
            "locale" | "locales" | "language" | "languages" | "lang" | "langs"
        )
    })
}

/// What an overlay may rename, and so which case its new name must be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenameKind {
    /// A struct field: snake_case.
    Field,
    /// A generated type: PascalCase.
    Type,
    /// An enum variant: PascalCase.
    Variant,
}

/// Why `name` cannot be the name an overlay asks for, if it cannot. A requested name must already
/// be what the naming policy would make of it (so `type_name(name) == name` for a type), which
/// rules out keywords, non-ASCII, leading digits and the wrong case; the generator never changes
/// a requested name behind the maintainer's back.
pub fn rename_problem(kind: RenameKind, name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("it is empty".to_string());
    }
    if is_keyword(name) {
        return Some("it is a Rust keyword".to_string());
    }
    let (policy, case) = match kind {
        RenameKind::Field => (snake_name(name), "snake_case"),
        RenameKind::Type => (type_name(name), "PascalCase"),
        RenameKind::Variant => (variant_name(name), "PascalCase"),
    };
    (policy != name)
        .then(|| format!("it is not a {case} Rust identifier (did you mean `{policy}`?)"))
}

/// Hands out unique names within one Rust namespace (a module's types, an enum's variants, an
/// impl block's methods).
///
/// Methods a generated struct has besides its setters, and names that clippy expects to
/// implement a standard trait (`add`, `next`, ...): a setter never takes one.
const SETTER_RESERVED: &[&str] = &[
    "new",
    "validate",
    "default",
    "clone",
    "fmt",
    "add",
    "as_mut",
    "as_ref",
    "bitand",
    "bitor",
    "bitxor",
    "borrow",
    "borrow_mut",
    "cmp",
    "deref",
    "deref_mut",
    "div",
    "drop",
    "eq",
    "from_iter",
    "from_str",
    "hash",
    "index",
    "index_mut",
    "into_iter",
    "mul",
    "neg",
    "next",
    "not",
    "partial_cmp",
    "rem",
    "shl",
    "shr",
    "sub",
];

/// The setter of each field of a generated struct (snake_case field names, `r#` left off): the
/// field's own name, or `set_<name>` when the struct or a standard trait has a method of that
/// name, numbered if that is a field's name too. In field order, one per field.
pub fn setter_names(fields: &[&str]) -> Vec<String> {
    let mut scope = Scope::with_reserved(
        SETTER_RESERVED.iter().copied().chain(
            fields
                .iter()
                .copied()
                .filter(|f| !SETTER_RESERVED.contains(f)),
        ),
    );
    fields
        .iter()
        .map(|field| {
            if SETTER_RESERVED.contains(field) {
                scope.claim(&format!("set_{field}"), "_")
            } else {
                (*field).to_string()
            }
        })
        .collect()
}

/// A name that is already taken gets the smallest free numeric suffix (`EnUs2`, `EnUs3`, ...).
/// Names are claimed in the caller's order, so a caller that claims in schema order keeps every
/// earlier name stable when a later one is added.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` names are already taken.
    pub fn with_reserved<I, S>(reserved: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            taken: reserved.into_iter().map(Into::into).collect(),
        }
    }

    /// Is `name` taken in this scope?
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Claims `wanted`, or the first free `wanted` + `sep` + N for N = 2, 3, ...
    pub fn claim(&mut self, wanted: &str, sep: &str) -> String {
        if self.taken.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        (2u64..)
            .map(|n| format!("{wanted}{sep}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or_else(|| wanted.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_method_names() {
        let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let table = [(
            vec![
                path(&["user_management", "invitations", "create"]),
                path(&["ping"]),
                path(&["type"]),
                path(&["a", "b_c"]),
                path(&["a_b", "c"]),
                path(&["server-one", "files.read"]),
            ],
            vec![
                "user_management_invitations_create",
                "ping",
                "type_",
                "a_b_c",
                "a_b_c_2",
                "server_one_files_read",
            ],
        )];
        for (paths, names) in table {
            assert_eq!(server_methods(&paths), names);
        }
    }

    #[test]
    fn mock_method_names() {
        let methods = ["report_get", "on_a", "a", "a_calls"].map(String::from);
        let pairs = mock_methods(&methods);
        let names: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("on_report_get", "report_get_calls"),
                ("on_on_a", "on_a_calls"),
                ("on_a", "a_calls"),
                ("on_a_calls_2", "a_calls_calls"),
            ]
        );
    }

    #[test]
    fn rename_checks() {
        let table = [
            (RenameKind::Field, "organization", None),
            (RenameKind::Field, "org_id2", None),
            (RenameKind::Field, "type", Some("it is a Rust keyword")),
            (RenameKind::Field, "", Some("it is empty")),
            (RenameKind::Field, "orgId", Some("did you mean `org_id`?")),
            (RenameKind::Field, "2nd", Some("did you mean `n2nd`?")),
            (RenameKind::Type, "InvitationState", None),
            (
                RenameKind::Type,
                "invitation_state",
                Some("did you mean `InvitationState`?"),
            ),
            (RenameKind::Type, "Self", Some("it is a Rust keyword")),
            (
                RenameKind::Type,
                "Café",
                Some("not a PascalCase Rust identifier"),
            ),
            (RenameKind::Variant, "EnUs", None),
            (RenameKind::Variant, "en-US", Some("did you mean `EnUs`?")),
        ];
        for (kind, name, problem) in table {
            let got = rename_problem(kind, name);
            match problem {
                None => assert_eq!(got, None, "{name}"),
                Some(expected) => {
                    let got = got.unwrap_or_default();
                    assert!(got.contains(expected), "{name}: {got}");
                }
            }
        }
    }

    #[test]
    fn variant_names() {
        let table = [
            ("en-US", "EnUs"),
            ("es-419", "Es419"),
            ("zh-TW", "ZhTw"),
            ("fil", "Fil"),
            ("+1", "Plus1"),
            ("-1", "Minus1"),
            ("<=", "Le"),
            (">=", "Ge"),
            ("!=", "Ne"),
            ("<", "Lt"),
            ("*", "Star"),
            ("", "Empty"),
            ("300", "V300"),
            ("Self", "SelfValue"),
            ("self", "SelfValue"),
            ("in_progress", "InProgress"),
            ("IN PROGRESS", "InProgress"),
            ("HTTPServer", "HttpServer"),
            ("a+b", "AB"),
            ("中文", "U4e2dU6587"),
            ("café", "CafUe9"),
        ];
        for (value, expected) in table {
            assert_eq!(variant_name(value), expected, "value {value:?}");
        }
    }

    #[test]
    fn snake_names() {
        let table = [
            ("type", "type_"),
            ("ref", "ref_"),
            ("match", "match_"),
            ("self", "self_"),
            ("accountId", "account_id"),
            ("account_id", "account_id"),
            ("Upload-Length", "upload_length"),
            ("severity~neq", "severity_neq"),
            ("_worker.js", "worker_js"),
            ("300", "n300"),
            ("", "unnamed"),
            ("organization-memberships", "organization_memberships"),
            ("getURLForID", "get_url_for_id"),
        ];
        for (text, expected) in table {
            assert_eq!(snake_name(text), expected, "text {text:?}");
        }
    }

    #[test]
    fn type_names() {
        let table = [
            ("locale", "Locale"),
            ("role_slug", "RoleSlug"),
            ("Self", "SelfValue"),
            ("", "Type"),
            ("2fa", "V2fa"),
        ];
        for (text, expected) in table {
            assert_eq!(type_name(text), expected, "text {text:?}");
        }
        assert_eq!(params_type("create"), "CreateParams");
        let path = ["user_management".to_string(), "invitations".to_string()];
        assert_eq!(accessor_type(&path), "UserManagementInvitations");
        assert_eq!(feature_name("workos-derived"), "workos-derived");
        assert_eq!(feature_name("Cloud Flare"), "cloud-flare");
    }

    #[test]
    fn locale_names() {
        for yes in [
            "locale",
            "preferredLanguage",
            "ui_lang",
            "LANGUAGES",
            "lang-code",
        ] {
            assert!(says_locale(yes), "{yes}");
        }
        for no in ["slang", "format", "localeish", "region", ""] {
            assert!(!says_locale(no), "{no}");
        }
    }

    #[test]
    fn setter_names_avoid_the_struct_s_own_methods() {
        let table: [(&[&str], &[&str]); 4] = [
            (&["email", "locale"], &["email", "locale"]),
            (
                &["new", "validate", "type"],
                &["set_new", "set_validate", "type"],
            ),
            (&["next", "set_next"], &["set_next_2", "set_next"]),
            (&["default", "extra"], &["set_default", "extra"]),
        ];
        for (fields, expected) in table {
            assert_eq!(setter_names(fields), expected, "{fields:?}");
        }
    }

    #[test]
    fn scope_keeps_earlier_names_stable() {
        let mut scope = Scope::with_reserved(["Unknown"]);
        assert_eq!(scope.claim("EnUs", ""), "EnUs");
        assert_eq!(scope.claim("EnUs", ""), "EnUs2");
        assert_eq!(scope.claim("Unknown", ""), "Unknown2");
        assert_eq!(scope.claim("EnUs", ""), "EnUs3");
        assert!(scope.contains("EnUs2"));
    }

    #[test]
    fn every_output_is_an_identifier() {
        let nasty = [
            "", " ", "-", "__", "0", "fn", "Self", "_", "é", "a b c", "\u{0}", "`",
        ];
        for text in nasty {
            for name in [variant_name(text), type_name(text), snake_name(text)] {
                assert!(
                    syn::parse_str::<syn::Ident>(&name).is_ok(),
                    "{text:?} gave {name:?}"
                );
            }
        }
    }
}
