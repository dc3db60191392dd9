//! How messages find and name what a file declares: the index of a tier,
//! vendor, agency or attribute named somewhere else, and, when the name
//! refers to nothing, what it could have been ("did you mean ...?") and a
//! bounded list of the names there are. Shared by the TOML walk (`raw`),
//! validation and settings (`vary`).

use super::names::{differ_invisibly, difference, folded, listed_name, printable_name};
use toml::{Spanned, Value};

/// The closest candidate to a misspelt name, if one is close enough.
///
/// A name whose every word is a word of some candidates (`Police` for
/// `Large-city police`, `Federal grants begin` for `Federal AI
/// modernisation grants begin`) is a shortened name: the closest of those
/// candidates, however different their spelling. Otherwise the closest by
/// spelling, if similar enough.
pub(crate) fn suggest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let name = name.to_lowercase();
    let words_of = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let typed_words = words_of(&name);
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    // A name that differs only in letter case is what was meant, before
    // any longer name that holds it as a word (`Secret` is `secret`, not
    // `top_secret`).
    if let Some(&same) = candidates.iter().find(|c| c.to_lowercase() == name) {
        return Some(same);
    }
    // The most similar; of several as similar, the one fewest edits away,
    // then the first given (`Vendor1` among `Vendor00`..`Vendor24` is
    // `Vendor01`, not whichever came last). Candidates that hold every
    // typed word (a shortened name, or the same words in another order)
    // come before all others.
    // The edits are counted only between candidates equally similar (a
    // file of many misspelt references to many long names would otherwise
    // spend most of its check counting them), the best's once it meets
    // its first equal.
    let mut best: Option<(bool, f64, Option<usize>, &'a str)> = None;
    for c in candidates {
        let lower = c.to_lowercase();
        let score = strsim::jaro_winkler(&name, &lower);
        let words = words_of(&lower);
        // Every typed word: a shortened name, or its words in another order.
        let holds_every_word = !typed_words.is_empty()
            && typed_words.len() <= words.len()
            && typed_words.iter().all(|w| words.contains(w));
        if !holds_every_word && score < 0.8 {
            continue;
        }
        let better = match &mut best {
            None => true,
            Some((every, s, _, _)) if (holds_every_word, score) != (*every, *s) => {
                (holds_every_word, score) > (*every, *s)
            }
            Some((_, _, best_edits, best_name)) => {
                let best_edits = *best_edits
                    .get_or_insert_with(|| strsim::levenshtein(&name, &best_name.to_lowercase()));
                strsim::levenshtein(&name, &lower) < best_edits
            }
        };
        if better {
            best = Some((holds_every_word, score, None, c));
        }
    }
    best.map(|(_, _, _, c)| c)
}

pub(super) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    suggest(name, candidates)
        .map(|s| format!("; did you mean '{}'?", listed_name(s)))
        .unwrap_or_default()
}

/// What a `name` that refers to none of `declared` could have been: the
/// declared name it looks the same as (differing only in what does not
/// show: joiners, variation selectors, the encoding of a character or the
/// kind of space), saying where they differ; else the closest by spelling
/// ([`did_you_mean`]); else nothing.
pub(super) fn unknown_name_hint(name: &str, declared: &[&str]) -> String {
    declared
        .iter()
        .find(|g| folded(g) == folded(name) && differ_invisibly(name, g))
        .map(|g| {
            format!(
                "; did you mean '{}'? ('{}' differs from it only in {})",
                printable_name(g),
                printable_name(name),
                difference(name, g)
            )
        })
        .unwrap_or_else(|| did_you_mean(name, declared.iter().copied()))
}

/// "'access' needs a TIER after it: access.unclassified, access.secret":
/// a key named without the part that must follow it, and the keys it
/// could be (`keys`, already listed).
pub(super) fn needs_part(head: &str, part: &str, keys: &str) -> String {
    let article = if part.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    };
    format!("'{head}' needs {article} {part} after it: {keys}")
}

pub(super) fn list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    // A name that shows nothing, refused on its own, would only leave a
    // blank here; a name given twice, also refused on its own, is listed
    // once.
    let mut seen = std::collections::HashSet::new();
    let names: Vec<&str> = names
        .into_iter()
        .filter(|n| !crate::text::shows_blank(n) && seen.insert(*n))
        .collect();
    if names.is_empty() {
        "none".to_string()
    } else {
        let shown: Vec<std::borrow::Cow<'_, str>> = names.iter().map(|n| listed_name(n)).collect();
        let shown: Vec<&str> = shown.iter().map(|n| n.as_ref()).collect();
        crate::text::listing(&shown)
    }
}

/// `name` as a TOML key: bare when TOML allows it (`top_secret`), quoted
/// otherwise (`"top secret"`).
pub(super) fn toml_key(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        name.to_string()
    } else {
        Value::String(name.to_string()).to_string()
    }
}

/// The name of each declaration, in declaration order and index-aligned
/// with it: `None` where the name is left out.
pub(super) fn declared_names<'a>(
    names: impl Iterator<Item = &'a Option<Spanned<String>>>,
) -> Vec<Option<String>> {
    names
        .map(|n| n.as_ref().map(|n| n.get_ref().trim().to_string()))
        .collect()
}

/// A declared name: `None` for a declaration written without one.
pub(super) trait Declared {
    fn declared(&self) -> Option<&str>;
}

impl Declared for String {
    fn declared(&self) -> Option<&str> {
        Some(self)
    }
}

impl Declared for Option<String> {
    fn declared(&self) -> Option<&str> {
        self.as_deref()
    }
}

/// What a name refers to, for the message when it refers to nothing.
pub(super) struct Kind {
    /// The thing named: "tier".
    one: &'static str,
    /// Why the name is not one: "which is not declared".
    missing: &'static str,
    /// Introduces the names there are: "tiers are".
    all: &'static str,
    /// Said after those names.
    besides: &'static str,
}

pub(super) const TIER: Kind = Kind {
    one: "tier",
    missing: "which is not declared",
    all: "tiers are",
    besides: "",
};
pub(super) const VENDOR: Kind = Kind {
    one: "vendor",
    missing: "which is not declared",
    all: "vendors are",
    besides: "",
};
pub(super) const AGENCY: Kind = Kind {
    one: "agency",
    missing: "which is not declared",
    all: "agencies are",
    besides: ", or \"*\" for all",
};
pub(super) const ATTRIBUTE: Kind = Kind {
    one: "attribute",
    missing: "which has no weight in [choice]",
    all: "weighted attributes",
    besides: "",
};

/// The index of `name` among `names`, or the message
/// "SUBJECT names tier 'x', which is not declared; tiers are: ...", with a
/// suggestion when a declared name is close.
pub(super) fn find<N: Declared>(
    names: &[N],
    name: &str,
    subject: &str,
    kind: &Kind,
) -> Result<usize, String> {
    names
        .iter()
        .position(|n| n.declared() == Some(name))
        .ok_or_else(|| {
            let given = || names.iter().filter_map(Declared::declared);
            let hint = unknown_name_hint(name, &given().collect::<Vec<_>>());
            format!(
                "{subject} names {} '{}', {}; {}: {}{}{hint}",
                kind.one,
                printable_name(name),
                kind.missing,
                kind.all,
                list(given()),
                kind.besides,
            )
        })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::scenario::validate::validate;

    /// A reference that differs from a declared name only by a joiner looks
    /// like it: the message escapes the joiner and says so.
    #[test]
    fn a_reference_differing_only_by_a_joiner_says_so() {
        let names = ["Acme".to_string(), "Zenith".to_string()];
        let message = find(&names, "Acme\u{200D}", "event 1", &VENDOR).unwrap_err();
        assert_eq!(
            message,
            "event 1 names vendor 'Acme\\u200D', which is not declared; vendors are: Acme, Zenith; \
             did you mean 'Acme'? ('Acme\\u200D' differs from it only in joiners or variation selectors)"
        );
        assert_eq!(find(&names, "Zenith", "event 1", &VENDOR), Ok(1));
    }

    /// A name that refers to nothing lists what it could have been, but
    /// only the first few of thousands: a file of 3,000 vendors with a
    /// misspelt one in each of 100 events must not print a list of every
    /// vendor 100 times.
    #[test]
    fn messages_list_a_bounded_number_of_declared_names() {
        let mut source = String::from("start = \"2026-01\"\nperiods = 12\n");
        for i in 0..3000 {
            source.push_str(&format!(
                "[[vendor]]\nname = \"Vendor {i}\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n"
            ));
        }
        source.push_str(
            "[[agency]]\nname = \"B\"\nunits = 10\nterm = 12\ninnovation = 0.1\nimitation = 0.1\n",
        );
        for _ in 0..100 {
            source.push_str("[[event]]\nat = 1\nvendor = \"Vendor 12x\"\nset = { brand = 0.6 }\n");
        }
        let errors = validate(&source, Path::new("t.toml"), &[]).unwrap_err();
        assert_eq!(errors.len(), 100);
        let message = &errors[0].message;
        assert!(
            message.contains("vendors are: Vendor 0, Vendor 1, ")
                && message.contains("Vendor 19 and 2980 more; did you mean 'Vendor 12'?"),
            "{message}"
        );
        assert!(message.len() < 500, "{} bytes: {message}", message.len());
    }

    /// A name declared twice is refused on its own; the list of names in
    /// another message shows it once.
    #[test]
    fn a_name_declared_twice_is_listed_once() {
        let names = ["Incumbent AI".to_string(), "Incumbent AI".to_string()];
        let message = find(&names, "Challenger AI", "event 1", &VENDOR).unwrap_err();
        assert_eq!(
            message,
            "event 1 names vendor 'Challenger AI', which is not declared; vendors are: Incumbent AI"
        );
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("brnd", ["brand", "access"]), Some("brand"));
        assert_eq!(suggest("Acne", ["Acme", "Zeta"]), Some("Acme"));
        assert_eq!(suggest("xyz", ["brand", "access"]), None);
        // Similar enough from a Jaro-Winkler score of 0.8 on: "ab" against
        // "abrqwvuz" scores exactly 0.75 + 0.1 * 2 * 0.25.
        assert_eq!(suggest("ab", ["Abrqwvuz"]), Some("Abrqwvuz"));
        assert_eq!(suggest("ab", ["Abrqwvuzx"]), None);
        // Of several as similar, the first given.
        let vendors: Vec<String> = (0..25).map(|i| format!("Vendor{i:02}")).collect();
        assert_eq!(
            suggest("Vendor1", vendors.iter().map(String::as_str)),
            Some("Vendor01")
        );
        // A shortened name is the candidate that holds all its words, even
        // where another is spelt more like it.
        let events = [
            "Federal AI modernisation grants begin",
            "Federal grants end",
        ];
        assert_eq!(
            suggest("Federal grants begin", events),
            Some("Federal AI modernisation grants begin")
        );
        assert_eq!(
            suggest(
                "police",
                ["State DOTs", "Large-city police", "County courts"]
            ),
            Some("Large-city police")
        );
        // Of several that hold the words, the closest.
        assert_eq!(
            suggest("Agency 2", ["Agency 1", "Agency 2 east", "Agency 22 west"]),
            Some("Agency 2 east")
        );
        // A name that differs only in letter case comes before one that
        // holds it as a word.
        let tiers = ["unclassified", "secret", "top_secret"];
        assert_eq!(suggest("Secret", tiers), Some("secret"));
        assert_eq!(suggest("SECRET", tiers), Some("secret"));
        assert_eq!(suggest("top secret", tiers), Some("top_secret"));
        // The same words in another order hold every typed word too.
        assert_eq!(suggest("secret top", tiers), Some("top_secret"));
        assert_eq!(
            suggest("Security Homeland", ["DoD", "Homeland Security", "HHS"]),
            Some("Homeland Security")
        );
    }
}
