//! The rules a vendor, agency or tier name follows, shared by validation
//! (a file's names) and `Scenario::verify` (names set in code).
//!
//! Names end up in CSV cells and headers and in terminal tables, so they
//! are compared as spreadsheets compare them ([`folded`]), must show
//! something, must hold no character that terminals or spreadsheets act on
//! or hide, and must not start a formula; a few words are reserved for the
//! outputs' totals and for `*`. Names a spreadsheet or pandas would read as
//! something else are legal, and validation warns about them.

/// A name as spreadsheets and readers compare it: Excel's AutoFilter,
/// pivot tables and lookups ignore letter case, and names are trimmed of
/// surrounding spaces, so two names that fold alike would share the rows
/// of the outputs; and compared as it looks ([`as_seen`]), since two names
/// that differ only in what does not show look the same in every table and
/// chart.
pub(crate) fn folded(name: &str) -> String {
    as_seen(name.trim()).trim().to_lowercase()
}

/// `text` as it looks: without joiners and variation selectors, which show
/// nothing by themselves (`text::without_modifiers`), and with the
/// differences of encoding that do not show undone: every blank space (a
/// non-breaking one, U+00A0) as an ordinary space, and characters in
/// Unicode's composed form (NFC), so that an `é` typed as one character and
/// one written as `e` and a combining accent (as some systems paste it)
/// are one letter.
pub(crate) fn as_seen(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() {
        return text.into();
    }
    encoded_alike(&crate::text::without_modifiers(text)).into()
}

/// Whether `c` is a space that shows blank other than the ordinary one:
/// the space separators of Unicode (no-break, the typographic widths, the
/// ideographic space) but the Ogham space mark (U+1680), which is drawn as
/// a dash. Line and paragraph separators are not among them (names refuse
/// them as formatting characters).
fn is_special_space(c: char) -> bool {
    matches!(
        c,
        '\u{A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// `text` with every blank space as an ordinary space ([`is_special_space`])
/// and in Unicode's composed form (NFC): how it would be encoded had it
/// been typed alike.
fn encoded_alike(text: &str) -> String {
    composed(&ordinary_spaces(text))
}

/// `text` with every blank space as an ordinary space.
fn ordinary_spaces(text: &str) -> String {
    text.replace(is_special_space, " ")
}

/// `text` in Unicode's composed form (NFC).
fn composed(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfc().collect()
}

/// Vendor names that head a column of `shares_wide.csv` already or mean
/// every vendor in `--set` and `--vary`, compared [`folded`].
pub(super) const RESERVED_VENDOR_NAMES: [&str; 3] = ["period", "date", "*"];
/// Agency names that name the totals in the outputs or mean every agency
/// in events, compared [`folded`].
pub(super) const RESERVED_AGENCY_NAMES: [&str; 2] = ["all", "*"];
/// Tier names that name the totals in the outputs, compared [`folded`].
pub(super) const RESERVED_TIER_NAMES: [&str; 1] = ["all"];

/// Whether `a` and `b` are one name to the rules ([`folded`] alike),
/// without allocating when both are ASCII.
pub(super) fn same_folded(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        folded(a) == folded(b)
    }
}

/// Whether `name`, [`folded`], is one of `reserved` (lower-case words).
pub(super) fn is_reserved(name: &str, reserved: &[&str]) -> bool {
    reserved.iter().any(|word| same_folded(name, word))
}

/// The character a name starts with when a spreadsheet would read the
/// cell as a formula (`=`, `+`, `-`, `@`).
pub(super) fn formula_start(name: &str) -> Option<char> {
    name.chars().next().filter(|c| "=+-@".contains(*c))
}

/// The first rule of a file's vendor, agency or tier names that the
/// trimmed `name` breaks, for a scenario built in code: it shows something,
/// holds no control, formatting or invisible character, does not start a
/// spreadsheet formula and is none of `reserved`.
pub(super) fn broken_name_rule(name: &str, reserved: &[&str]) -> Option<String> {
    if let Some(why) = not_shown(name) {
        return Some(why);
    }
    if let Some(c) = hidden_char(name) {
        return Some(format!(
            "contains the {} U+{:04X}",
            kind_of_hidden(c),
            u32::from(c)
        ));
    }
    if formula_start(name).is_some() {
        return Some("starts a spreadsheet formula".to_string());
    }
    is_reserved(name, reserved).then(|| format!("is reserved ({})", reserved.join(", ")))
}

/// Why `text` cannot be a name, if it shows nothing: it is empty once
/// trimmed, or made of spaces and U+2800 (see `text::shows_blank`).
pub(super) fn not_shown(text: &str) -> Option<String> {
    // Typed spaces and tabs alone are an empty name; a non-breaking or
    // ideographic space, like U+2800, is something written that shows blank.
    if text.chars().all(|c| c.is_ascii_whitespace()) {
        Some("must not be empty".to_string())
    } else if crate::text::shows_blank(text) {
        Some(format!(
            "'{}' shows as blank (it is made of spaces, U+2800 the blank braille pattern, joiners or variation selectors); a name must show at least one visible character",
            with_modifiers_escaped(text)
        ))
    } else {
        None
    }
}

/// The cells pandas' `read_csv` loads as missing by default (its
/// `na_values`, matched exactly), which include R's `NA`; those that start
/// with `-` are refused as formula starts anyway.
pub(super) const MISSING_VALUE_WORDS: [&str; 14] = [
    "#N/A", "#N/A N/A", "#NA", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None",
    "n/a", "nan", "null",
];

/// What a spreadsheet would take `name` for instead of text, if anything,
/// and how it would show it: "a truth value" (TRUE, FALSE in any letter
/// case), "a number" (`1e5`: digits and an exponent), or "a number or a
/// date" (digits with at most spaces and `-/.:,` between them: `00123`,
/// `1-2`, `3/4`, `12:30`, `2026`), or "a number" too for digits that a
/// currency sign, a percent sign or parentheses dress (`$5`, `12%`, `(5)`,
/// `$(1,000)`), which Excel and LibreOffice (with "Detect special
/// numbers") store as the numbers 5, 0.12, -5 and -1000, showing `$5` and
/// `12%` in a currency or percent format; other currencies than the dollar
/// only in some locales, but they are flagged alike. Names with letters
/// (`3M`, or `Jan-1` and `10 AM`, which spreadsheets read as a date and a
/// time) are left alone: a rule for those would flag ordinary names.
pub(super) fn spreadsheet_value(name: &str) -> Option<(&'static str, &'static str)> {
    let folded = name.to_lowercase();
    if folded == "true" || folded == "false" {
        return Some(("a truth value", "in capitals, as TRUE or FALSE"));
    }
    let numeral = name.chars().any(|c| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_digit() || " -/.:,".contains(c));
    if numeral {
        return Some((
            "a number or a date",
            "as a number (leading zeros dropped) or as a date",
        ));
    }
    let scientific = name
        .split_once(['e', 'E'])
        .is_some_and(|(mantissa, exponent)| {
            let digits =
                |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '.');
            digits(mantissa) && digits(exponent.strip_prefix(['+', '-']).unwrap_or(exponent))
        });
    if scientific {
        return Some(("a number", "as the number it spells (1e5 as 100000)"));
    }
    // Peel currency and percent signs and parentheses, in any nesting.
    let mut bare = name.trim();
    loop {
        let peeled = bare.trim_matches(|c: char| "$€£¥% ".contains(c));
        let peeled = peeled
            .strip_prefix('(')
            .and_then(|inner| inner.strip_suffix(')'))
            .unwrap_or(peeled);
        if peeled == bare {
            break;
        }
        bare = peeled;
    }
    let money_or_percent = bare != name
        && bare.chars().any(|c| c.is_ascii_digit())
        && bare.chars().all(|c| c.is_ascii_digit() || ".,".contains(c));
    money_or_percent.then_some((
        "a number",
        "as a number in a currency or percent format ($5 becomes 5, 12% becomes 0.12, (5) becomes -5)",
    ))
}

/// Whether two names that fold alike ([`folded`]) differ in something
/// that does not show (joiners, variation selectors, or the encoding of a
/// letter or a space): whatever letter case and surrounding spaces leave
/// unexplained.
pub(crate) fn differ_invisibly(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() != b.trim().to_lowercase()
}

/// How two different names that fold alike ([`folded`]) differ: in letter
/// case, surrounding spaces, joiners and variation selectors, or the
/// encoding of their letters or spaces.
pub(crate) fn difference(a: &str, b: &str) -> String {
    use crate::text::without_modifiers;
    // Alike but for one kind of difference when each side is undone of the
    // others (and of letter case and surrounding spaces).
    let alike_but = |undo: fn(&str) -> String| {
        let key = |text: &str| undo(text).trim().to_lowercase();
        key(&without_modifiers(a)) == key(&without_modifiers(b))
    };
    let modifiers = {
        let key = |text: &str| encoded_alike(text).trim().to_lowercase();
        key(a) != key(b)
    };
    let space_kinds = !alike_but(composed);
    let accents = !alike_but(ordinary_spaces);
    let (a, b) = (as_seen(a), as_seen(b));
    let case = a.trim() != b.trim();
    let spaces = a.to_lowercase() != b.to_lowercase();
    let parts: Vec<&str> = [
        (case, "letter case"),
        (spaces, "surrounding spaces"),
        (modifiers, "joiners or variation selectors"),
        (
            accents,
            "how a character is encoded (such as an accented letter as one character or as a letter and a combining accent)",
        ),
        (
            space_kinds,
            "the kind of space (a non-breaking or other special space for an ordinary one)",
        ),
    ]
    .into_iter()
    .filter_map(|(differs, what)| differs.then_some(what))
    .collect();
    if parts.is_empty() {
        // Only for names that are equal: not a difference at all.
        "nothing".to_string()
    } else {
        parts.join(" and ")
    }
}

/// The first control, formatting or invisible character of `text` (see
/// `text::is_hidden`).
pub(super) fn hidden_char(text: &str) -> Option<char> {
    if text.is_ascii() {
        // The only hidden ASCII characters are the control characters.
        return text.bytes().find(u8::is_ascii_control).map(char::from);
    }
    text.chars().find(|&c| crate::text::is_hidden(c))
}

/// What [`hidden_char`] found, for messages.
pub(super) fn kind_of_hidden(c: char) -> &'static str {
    if c.is_control() {
        "control character"
    } else if crate::text::is_formatting(c) {
        "formatting character"
    } else {
        "invisible character"
    }
}

/// The most characters a vendor, agency or tier name may have: far more
/// than a column header shows, and a bound on what the messages that list
/// the declared names repeat (a file of long names and many mistakes would
/// otherwise make messages of gigabytes).
pub(super) const MAX_NAME_CHARS: usize = 200;

/// `name` as a list of declared names or a suggestion shows it: cut to
/// [`MAX_NAME_CHARS`] characters and `...` when longer (such a name is
/// refused on its own), so that no message repeats more of it.
pub(super) fn listed_name(name: &str) -> std::borrow::Cow<'_, str> {
    match name.char_indices().nth(MAX_NAME_CHARS) {
        Some((cut, _)) => format!("{}...", &name[..cut]).into(),
        None => name.into(),
    }
}

/// `name` for a message that compares it with a name it looks like: with
/// its joiners and variation selectors escaped, and the characters that
/// [`as_seen`] would encode otherwise (a blank space other than the
/// ordinary one; a character with its combining marks that Unicode's
/// composed form writes otherwise, as `e` and U+0301 for `é`), and a
/// combining mark with nothing before it to sit on, so the reader sees
/// where two names differ. Other marks stay as written, so a name in a
/// script that needs them stays readable.
pub(crate) fn printable_name(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let name = printable(name);
    if name.is_ascii() {
        return name;
    }
    let mut out = String::with_capacity(name.len());
    // Each character with the combining marks after it.
    let mut rest = name.as_str();
    while let Some(first) = rest.chars().next() {
        let end = rest
            .char_indices()
            .skip(1)
            .find(|&(_, c)| !is_combining_mark(c))
            .map_or(rest.len(), |(i, _)| i);
        let (cluster, after) = rest.split_at(end);
        let recomposed = cluster.nfc().eq(cluster.chars());
        for c in cluster.chars() {
            let hidden = crate::text::is_modifier(c)
                || is_special_space(c)
                || (!recomposed && !c.is_ascii())
                || (is_combining_mark(first) && out.is_empty() && c == first);
            if hidden {
                out.push_str(&toml_escape(c));
            } else {
                out.push(c);
            }
        }
        rest = after;
    }
    out
}

/// [`printable`] `text` with its joiners and variation selectors written as
/// escapes too, for a message about a name that shows nothing.
fn with_modifiers_escaped(text: &str) -> String {
    printable(text)
        .chars()
        .map(|c| {
            if crate::text::is_modifier(c) {
                toml_escape(c)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `c` written as TOML reads it in a quoted string: `\uXXXX`, or
/// `\UXXXXXXXX` beyond U+FFFF.
fn toml_escape(c: char) -> String {
    match u32::from(c) {
        code if code > 0xFFFF => format!("\\U{code:08X}"),
        code => format!("\\u{code:04X}"),
    }
}

/// `text` with each control, formatting or invisible character written as an escape (see
/// `text::escape_hidden`), so that no message writes one raw.
pub(super) fn printable(text: &str) -> String {
    crate::text::escape_hidden(text, false)
}

/// The message for `what` named `name` after `first`, declared on `line`,
/// which it equals as spreadsheets compare names (see [`folded`]).
pub(super) fn same_name(what: &str, name: &str, first: &str, line: Option<usize>) -> String {
    let at = |before: &str| {
        line.map(|l| format!(" ({before}line {l})"))
            .unwrap_or_default()
    };
    if name == first {
        format!(
            "{what} name '{}' is declared twice{}; names must be unique",
            printable_name(name.trim()),
            at("first on ")
        )
    } else {
        let how = difference(name, first);
        let why = if differ_invisibly(name, first) {
            "such differences do not show and spreadsheets ignore letter case, so the two would look the same or their rows in the outputs would merge: names must differ in something visible"
        } else {
            "names are trimmed and spreadsheets ignore letter case, so their rows in the outputs would merge: names must differ in more than that"
        };
        format!(
            "{what} '{}' differs from {what} '{}'{} only in {how}; {why}",
            printable_name(name),
            printable_name(first),
            at(""),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{difference, folded, not_shown, printable_name, same_name, spreadsheet_value};

    /// A time and digits grouped by commas are numbers or dates to a
    /// spreadsheet: 12:30 is half past twelve, 1,000 a thousand.
    #[test]
    fn times_and_grouped_digits_read_as_numbers_or_dates() {
        for name in ["12:30", "10:30:15", "1,000", "1,000,000"] {
            assert_eq!(
                spreadsheet_value(name).map(|(kind, _)| kind),
                Some("a number or a date"),
                "{name}"
            );
        }
    }

    /// A name of typed spaces alone is empty once trimmed, and is told so;
    /// one that holds U+2800, a joiner or a non-breaking or ideographic
    /// space is not empty but shows as blank.
    #[test]
    fn a_name_of_spaces_is_empty_and_one_of_blank_characters_shows_as_blank() {
        for name in ["", "   ", "\t "] {
            assert_eq!(
                not_shown(name).as_deref(),
                Some("must not be empty"),
                "{name:?}"
            );
        }
        for name in [" \u{2800} ", "\u{200D}", "\u{a0}", " \u{3000}"] {
            let why = not_shown(name).unwrap();
            assert!(why.contains("shows as blank"), "{name:?}: {why}");
        }
        assert_eq!(not_shown(" A "), None);
    }

    const ACCENT: &str = "how a character is encoded (such as an accented letter as one character or as a letter and a combining accent)";
    const SPACE: &str =
        "the kind of space (a non-breaking or other special space for an ordinary one)";

    /// An accented letter typed as one character and pasted as a letter and
    /// a combining accent, or a non-breaking space for a space, look the
    /// same: one name to the rules, and a message escapes what differs.
    #[test]
    fn names_encoded_otherwise_fold_alike_and_show_where_they_differ() {
        assert_eq!(folded("Caf\u{e9}"), folded("Cafe\u{301}"));
        assert_eq!(folded("Acme AI"), folded("Acme\u{a0}AI"));
        assert_ne!(folded("Cafe"), folded("Caf\u{e9}"));
        assert_eq!(printable_name("Cafe\u{301}"), "Cafe\\u0301");
        assert_eq!(printable_name("Acme\u{a0}AI"), "Acme\\u00A0AI");
        assert_eq!(printable_name("Caf\u{e9} \u{1F600}"), "Caf\u{e9} \u{1F600}");
        // Only what differs is escaped: a script's own marks stay.
        assert_eq!(
            printable_name("\u{939}\u{93F}\u{928}\u{94D}\u{926}\u{940}\u{a0}AI"),
            "\u{939}\u{93F}\u{928}\u{94D}\u{926}\u{940}\\u00A0AI"
        );
        // A character Unicode writes as another (the Greek question mark
        // is a semicolon), and a mark with nothing to sit on.
        assert_eq!(printable_name("AI\u{37E}"), "AI\\u037E");
        assert_eq!(folded("AI\u{37E}"), folded("AI;"));
        assert_eq!(printable_name("\u{301}x"), "\\u0301x");
        assert_eq!(printable_name("\u{1F44D}\u{FE0F}"), "\u{1F44D}\\uFE0F");
        // The Ogham space mark is drawn as a dash: not a space.
        assert_ne!(folded("A\u{1680}B"), folded("A B"));
        assert_eq!(folded("A\u{2003}B"), folded("A B"));
        assert_eq!(
            same_name("vendor", "Cafe\u{301}", "Caf\u{e9}", Some(11)),
            format!(
                "vendor 'Cafe\\u0301' differs from vendor 'Caf\u{e9}' (line 11) only in {ACCENT}; \
                 such differences do not show and spreadsheets ignore letter case, so the two would \
                 look the same or their rows in the outputs would merge: names must differ in \
                 something visible"
            )
        );
    }

    /// Names that fold alike always differ in something the message can
    /// name, including joiners that sit in different places.
    #[test]
    fn names_that_fold_alike_say_how_they_differ() {
        for (a, b, how) in [
            ("Acme", "ACME", "letter case"),
            ("Acme", " Acme", "surrounding spaces"),
            ("Acme", "Acme\u{200C}", "joiners or variation selectors"),
            (
                "A\u{200D}cme",
                "Ac\u{200D}me",
                "joiners or variation selectors",
            ),
            (
                "Acme\u{FE0F}",
                "ACME",
                "letter case and joiners or variation selectors",
            ),
            ("Caf\u{e9}", "Cafe\u{301}", ACCENT),
            ("Acme AI", "Acme\u{a0}AI", SPACE),
            ("Acme AI", "Acme\u{3000}AI", SPACE),
            (
                "CAF\u{c9}\u{200D} AI",
                "cafe\u{301}\u{a0}ai",
                &format!("letter case and joiners or variation selectors and {ACCENT} and {SPACE}"),
            ),
        ] {
            assert_eq!(folded(a), folded(b), "{a:?} {b:?}");
            assert_eq!(difference(a, b), how, "{a:?} {b:?}");
        }
    }
}
