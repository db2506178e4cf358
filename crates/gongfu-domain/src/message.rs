//! The message catalogue: every sentence gongfu says to a person (a page, an API `message`,
//! a workbook, a clerk's command-line run), kept in Project Fluent files under
//! `locales/zh-CN/`, one file per capability, and looked up by id.
//!
//! Code never spells user-facing text inline: it names a message and its arguments with
//! [`msg!`](crate::msg) and the catalogue renders it, so a wording is fixed in one place and a
//! second language is a second folder of files, not a hunt through handlers. The test
//! `tests/catalogue.rs` reads every `msg!` in the workspace and fails when an id is missing
//! from the catalogue, when its text is not Chinese, or when the arguments given differ from
//! the variables the message uses.
//!
//! English stays where developers read it: `Display` of internal errors, logs, the API's
//! `detail`.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The catalogue's files, compiled in: (file name, Fluent source).
pub const FILES: &[(&str, &str)] = &[
    ("common.ftl", include_str!("../locales/zh-CN/common.ftl")),
    ("list.ftl", include_str!("../locales/zh-CN/list.ftl")),
    ("imports.ftl", include_str!("../locales/zh-CN/imports.ftl")),
    (
        "standards.ftl",
        include_str!("../locales/zh-CN/standards.ftl"),
    ),
    ("places.ftl", include_str!("../locales/zh-CN/places.ftl")),
    (
        "accounts.ftl",
        include_str!("../locales/zh-CN/accounts.ftl"),
    ),
    ("audit.ftl", include_str!("../locales/zh-CN/audit.ftl")),
];

static ZH_CN: LazyLock<FluentBundle<FluentResource>> = LazyLock::new(|| {
    let lang = unic_langid::LanguageIdentifier::from_parts(
        unic_langid::subtags::Language::from_bytes(b"zh").unwrap_or_default(),
        None,
        unic_langid::subtags::Region::from_bytes(b"CN").ok(),
        &[],
    );
    let mut bundle = FluentBundle::new_concurrent(vec![lang]);
    // Unicode isolation marks around arguments help mixed-direction scripts; in Chinese
    // they are invisible noise that breaks copy and paste and string comparison.
    bundle.set_use_isolating(false);
    for (name, source) in FILES {
        // A file that does not parse keeps the entries it could read; the catalogue test
        // fails on any parse error, so this never happens in a build that passed.
        let res = FluentResource::try_new((*source).to_string()).unwrap_or_else(|(r, _)| r);
        if bundle.add_resource(res).is_err() {
            debug_assert!(false, "duplicate message id in {name}");
        }
    }
    bundle
});

/// Renders message `id` with `args` (name, value) in Chinese. An id the catalogue lacks
/// renders as the id itself, which the catalogue test makes impossible in a passing build.
pub fn text(id: &str, args: &[(&str, String)]) -> String {
    let bundle = &*ZH_CN;
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        return id.to_string();
    };
    let mut fargs = FluentArgs::new();
    for (k, v) in args {
        fargs.set(*k, FluentValue::from(v.clone()));
    }
    let mut errors = vec![];
    bundle
        .format_pattern(pattern, Some(&fargs), &mut errors)
        .into_owned()
}

/// Whether the catalogue has message `id`.
pub fn has(id: &str) -> bool {
    ZH_CN.has_message(id)
}

/// Renders a catalogue message: `msg!("import-missing-column", column = name)`. Every
/// argument is turned into text with `ToString`.
#[macro_export]
macro_rules! msg {
    ($id:literal $(, $k:ident = $v:expr)* $(,)?) => {
        $crate::message::text($id, &[$((stringify!($k), ($v).to_string())),*])
    };
}

/// The Chinese name of a kind of record that errors name by an English key (`NotFound`'s
/// `what`): `list version` → 清单版本. An unknown key is returned as it is.
pub fn thing(what: &str) -> String {
    match what {
        "list version" => crate::msg!("thing-version"),
        "adjustment" => crate::msg!("thing-adjustment"),
        "proposal" => crate::msg!("thing-proposal"),
        "region" => crate::msg!("thing-region"),
        "item" => crate::msg!("thing-item"),
        "standard" => crate::msg!("thing-standard"),
        "text" => crate::msg!("thing-text"),
        "service point" => crate::msg!("thing-service-point"),
        "population" => crate::msg!("thing-population"),
        "affordability run" => crate::msg!("thing-affordability-run"),
        "life event" => crate::msg!("thing-life-event"),
        "answers" => crate::msg!("thing-answers"),
        other => other.to_string(),
    }
}

/// Items of a list joined as Chinese lists them: 甲、乙、丙.
pub fn join<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|s| s.as_ref())
        .collect::<Vec<_>>()
        .join("、")
}

#[cfg(test)]
mod tests {
    #[test]
    fn renders_with_arguments_and_without_isolation_marks() {
        let s = crate::msg!("not-found", what = "事项", key = "L0302");
        assert!(s.contains("L0302") && s.contains("事项"), "{s}");
        assert!(!s.contains('\u{2068}'), "{s:?}");
    }

    #[test]
    fn an_unknown_id_renders_as_itself() {
        assert_eq!(super::text("no-such-message", &[]), "no-such-message");
        assert!(!super::has("no-such-message"));
    }
}
