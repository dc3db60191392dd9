//! Text that is safe to show. Names, labels, paths and arguments are quoted
//! in terminal tables, messages and CSV cells; a control character (an
//! escape sequence that clears the screen) acts on a terminal, and an
//! invisible formatting character hides itself (`Zen` + zero-width space +
//! `ith` looks like `Zenith`) or reverses how the rest of a line reads (a
//! right-to-left override), and a few other characters are drawn as nothing
//! (a Hangul filler). Validation refuses all of them in names; messages show
//! them escaped. Counts in messages and tables read as words do ("1 run",
//! "2 runs"), and a message lists at most the first [`LISTED`] names,
//! however many a file declares.

/// The format characters (Unicode category Cf, as of Unicode 15.1) and the
/// line and paragraph separators (Zl, Zp), but for the zero-width
/// non-joiner and joiner (U+200C, U+200D), which spell words in Persian and
/// the Indic scripts and join emoji.
const FORMATTING_RANGES: [(char, char); 22] = [
    ('\u{00AD}', '\u{00AD}'),
    ('\u{0600}', '\u{0605}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{06DD}', '\u{06DD}'),
    ('\u{070F}', '\u{070F}'),
    ('\u{0890}', '\u{0891}'),
    ('\u{08E2}', '\u{08E2}'),
    ('\u{180E}', '\u{180E}'),
    ('\u{200B}', '\u{200B}'),
    ('\u{200E}', '\u{200F}'),
    ('\u{2028}', '\u{202E}'),
    ('\u{2060}', '\u{2064}'),
    ('\u{2066}', '\u{206F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFF9}', '\u{FFFB}'),
    ('\u{110BD}', '\u{110BD}'),
    ('\u{110CD}', '\u{110CD}'),
    ('\u{13430}', '\u{1343F}'),
    ('\u{1BCA0}', '\u{1BCA3}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0001}', '\u{E0001}'),
    ('\u{E0020}', '\u{E007F}'),
];

/// Whether `c` is a formatting character: Unicode category Cf (zero-width
/// space, soft hyphen, bidirectional marks and overrides, byte-order mark,
/// ...) or a line or paragraph separator, but for the zero-width non-joiner
/// and joiner.
pub fn is_formatting(c: char) -> bool {
    FORMATTING_RANGES
        .iter()
        .any(|&(low, high)| (low..=high).contains(&c))
}

/// Characters that are not format characters but that fonts draw as
/// nothing, and that have no place in a name: the combining grapheme
/// joiner, the Hangul fillers and the Khmer inherent vowels (all
/// default-ignorable in Unicode). `A` + U+034F looks like `A`, and U+3164
/// alone looks like an empty name.
const INVISIBLE: [char; 7] = [
    '\u{034F}', '\u{115F}', '\u{1160}', '\u{17B4}', '\u{17B5}', '\u{3164}', '\u{FFA0}',
];

/// Whether `c` is a character that fonts draw as nothing and that has no
/// place in a name: the combining grapheme joiner (U+034F), a Hangul filler
/// (U+115F, U+1160, U+3164, U+FFA0) or a Khmer inherent vowel (U+17B4,
/// U+17B5).
pub fn is_invisible(c: char) -> bool {
    INVISIBLE.contains(&c)
}

/// Whether `c` acts on or hides text rather than showing itself: a control
/// character (Unicode Cc: NUL, tab, escape), a formatting character
/// ([`is_formatting`]) or an invisible one ([`is_invisible`]).
pub fn is_hidden(c: char) -> bool {
    c.is_control() || is_formatting(c) || is_invisible(c)
}

/// Whether `c` only changes how its neighbours are drawn and shows nothing
/// by itself: the zero-width non-joiner and joiner (U+200C, U+200D) and the
/// variation selectors (U+FE00-U+FE0F, U+E0100-U+E01EF, and the Mongolian
/// ones, U+180B-U+180D and U+180F). Names may hold them, as words and emoji
/// need them, but a name made only of them shows as blank, and two names
/// that differ only by them look the same ([`without_modifiers`]).
pub fn is_modifier(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
        || matches!(c, '\u{180B}'..='\u{180D}' | '\u{180F}')
}

/// `text` without its joiners and variation selectors ([`is_modifier`]):
/// how it looks, for telling names apart.
pub fn without_modifiers(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(is_modifier) {
        text.chars()
            .filter(|&c| !is_modifier(c))
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

/// Whether `text` shows nothing: only spaces of any kind, U+2800 (the
/// blank braille pattern, a visible character in braille, drawn as a
/// space), joiners and variation selectors ([`is_modifier`]).
pub fn shows_blank(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_whitespace() || c == '\u{2800}' || is_modifier(c))
}

/// A path as messages show it: each byte that is not UTF-8 as `\xNN`
/// ([`crate::manifest::readable_path`]) and each hidden character escaped
/// ([`escape_hidden`]), so that a name shows as typed, and one that could
/// act on the terminal, break a line or read like another cannot.
pub fn shown_path(path: &std::path::Path) -> String {
    escape_hidden(&crate::manifest::readable_path(path), false)
}

/// `text` with each hidden character ([`is_hidden`]) written as a TOML
/// escape (`\u001B`, `\u202E`, `\U000E0041`, `\t`, `\n`, `\r`), except
/// line breaks and tabs when `keep_layout`, so that nothing quoted from a
/// file, a file name or the command line can act on the terminal or hide
/// in it.
pub fn escape_hidden(text: &str, keep_layout: bool) -> String {
    let kept = |c: char| keep_layout && (c == '\n' || c == '\t');
    if !text.chars().any(|c| is_hidden(c) && !kept(c)) {
        return text.to_string();
    }
    text.chars()
        .map(|c| match c {
            c if kept(c) => c.to_string(),
            '\t' => "\\t".to_string(),
            '\n' => "\\n".to_string(),
            '\r' => "\\r".to_string(),
            // TOML's \u takes exactly four hex digits, \U eight.
            c if is_hidden(c) && u32::from(c) > 0xFFFF => format!("\\U{:08X}", u32::from(c)),
            c if is_hidden(c) => format!("\\u{:04X}", u32::from(c)),
            c => c.to_string(),
        })
        .collect()
}

/// At most this many names are listed in one message (see [`listing`]).
pub const LISTED: usize = 20;

/// `names` joined by commas, the first [`LISTED`] of them and then how many
/// more: a message that lists what a name could have been stays readable
/// (and small) for a file that declares thousands. When a shown name holds
/// a comma itself (an event's label often does), every name is put in
/// double quotes, so the list still reads as its names.
pub fn listing<S: AsRef<str>>(names: &[S]) -> String {
    let shown: Vec<&str> = names.iter().take(LISTED).map(AsRef::as_ref).collect();
    let mut text = if shown.iter().any(|name| name.contains(',')) {
        // Quoted as TOML quotes a string, so a `"` in a name is `\"`.
        let quoted: Vec<String> = shown
            .iter()
            .map(|name| format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\"")))
            .collect();
        quoted.join(", ")
    } else {
        shown.join(", ")
    };
    if names.len() > LISTED {
        text.push_str(&format!(" and {} more", names.len() - LISTED));
    }
    text
}

/// The most characters a message about a scenario shows: several times
/// the longest a rule needs with its lists of names ([`LISTED`] names of up
/// to 200 characters), and a bound on what a file repeats back (an unknown
/// key or a value of a megabyte would otherwise be printed whole).
pub const MAX_MESSAGE_CHARS: usize = 10_000;

/// `message` cut to [`MAX_MESSAGE_CHARS`] when longer: its beginning (what
/// and where) and its end (the rule and the remedy), with how much was left
/// out between them.
pub fn bounded_message(message: String) -> String {
    let chars = message.chars().count();
    if chars <= MAX_MESSAGE_CHARS {
        return message;
    }
    let (head, tail) = (MAX_MESSAGE_CHARS * 3 / 5, MAX_MESSAGE_CHARS / 5);
    let cut = |n: usize| {
        message
            .char_indices()
            .nth(n)
            .map_or(message.len(), |(i, _)| i)
    };
    format!(
        "{} [... {} characters left out ...] {}",
        &message[..cut(head)],
        chars - head - tail,
        &message[cut(chars - tail)..]
    )
}

/// `n` followed by `noun`, with an `s` unless `n` is 1: "1 run", "2 runs".
pub fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A message that repeats a huge value keeps its beginning and its
    /// rule, and says how much it left out; an ordinary one is untouched.
    #[test]
    fn a_huge_message_keeps_its_beginning_and_its_rule() {
        let short = "line 3: unknown key 'brnd'".to_string();
        assert_eq!(bounded_message(short.clone()), short);
        let key = "k".repeat(1_000_000);
        let message = format!("unknown key '{key}'; keys are: name, brand");
        let total = message.chars().count();
        let bounded = bounded_message(message);
        assert!(
            bounded.chars().count() < MAX_MESSAGE_CHARS + 60,
            "{}",
            bounded.len()
        );
        assert!(bounded.starts_with("unknown key 'kkk"));
        assert!(bounded.ends_with("kkk'; keys are: name, brand"));
        let left_out = total - MAX_MESSAGE_CHARS * 4 / 5;
        assert!(bounded.contains(&format!("[... {left_out} characters left out ...]")));
        // Cut at characters, never inside one.
        let wide = "\u{e9}".repeat(MAX_MESSAGE_CHARS + 1);
        assert!(bounded_message(wide).contains("characters left out"));
    }

    #[test]
    fn long_listings_name_the_first_names_and_count_the_rest() {
        assert_eq!(listing(&["a", "b"]), "a, b");
        assert_eq!(
            listing(&["OpenAI's deal", "AWS, classified", "Push"]),
            "\"OpenAI's deal\", \"AWS, classified\", \"Push\""
        );
        assert_eq!(
            listing(&["Say \"yes\", then", "De\u{301}fense", "a\\b"]),
            "\"Say \\\"yes\\\", then\", \"De\u{301}fense\", \"a\\\\b\""
        );
        let names: Vec<String> = (1..=LISTED + 3).map(|i| format!("v{i}")).collect();
        let text = listing(&names);
        assert!(text.starts_with("v1, v2, "), "{text}");
        assert!(text.ends_with(&format!("v{LISTED} and 3 more")), "{text}");
        assert!(!text.contains(&format!("v{}", LISTED + 1)), "{text}");
        assert_eq!(listing(&names[..LISTED]).matches(", ").count(), LISTED - 1);
    }

    #[test]
    fn hidden_characters_are_escaped_as_toml_reads_them_and_visible_ones_kept() {
        assert_eq!(
            escape_hidden("DoD\u{202E} livic", false),
            "DoD\\u202E livic"
        );
        assert_eq!(escape_hidden("Zen\u{200B}ith", false), "Zen\\u200Bith");
        assert_eq!(
            escape_hidden("a\u{2028}b\u{AD}c", false),
            "a\\u2028b\\u00ADc"
        );
        assert_eq!(
            escape_hidden("x\u{E0041}\u{1B}", false),
            "x\\U000E0041\\u001B"
        );
        assert_eq!(escape_hidden("a\tb\nc\r", true), "a\tb\nc\\r");
        assert_eq!(escape_hidden("A\u{34F}\u{3164}", false), "A\\u034F\\u3164");
        assert!(shows_blank("\u{2800} \u{3000}") && !shows_blank("\u{2800}A"));
        // Each escape reads back in TOML as the character it stands for.
        let escaped = escape_hidden("x\u{E0041}y\u{202E}z\u{7}", false);
        let parsed: toml::Table = toml::from_str(&format!("k = \"{escaped}\"")).unwrap();
        assert_eq!(parsed["k"].as_str(), Some("x\u{E0041}y\u{202E}z\u{7}"));
        for visible in [
            "Acme",
            "Défense",
            "国防部",
            "وزارة",
            "Ωmega",
            "A&B (US)",
            "💡",
            "می\u{200C}خواهم",
            "👩\u{200D}💻",
        ] {
            assert_eq!(escape_hidden(visible, false), visible);
        }
        for c in [
            '\u{200B}',
            '\u{FEFF}',
            '\u{2066}',
            '\u{0600}',
            '\u{1D173}',
            '\u{E007F}',
        ] {
            assert!(is_hidden(c), "U+{:04X}", u32::from(c));
        }
        for c in [
            '\u{00AC}', '\u{00AE}', '\u{200C}', '\u{200D}', '\u{2027}', '\u{2065}', '\u{2070}',
            '\u{FFFD}', ' ',
        ] {
            assert!(!is_hidden(c), "U+{:04X}", u32::from(c));
        }
    }

    /// Exactly [`LISTED`] names are all named, with no count of more.
    #[test]
    fn a_listing_of_exactly_the_listed_number_names_them_all() {
        let names: Vec<String> = (1..=LISTED).map(|i| format!("v{i}")).collect();
        assert_eq!(listing(&names), names.join(", "));
    }

    /// Both ends of every range of formatting characters are hidden, and
    /// the assigned, visible characters just outside them are not (the
    /// code points next to some ranges are unassigned): an end one short
    /// would let a character through (U+2064, the invisible plus, in a
    /// name), one long would hide a visible one.
    #[test]
    fn every_range_of_formatting_characters_is_hidden_to_both_ends_and_no_further() {
        let ends = "\u{00AD}\u{0600}\u{0605}\u{061C}\u{06DD}\u{070F}\u{0890}\u{0891}\u{08E2}\
                    \u{180E}\u{200B}\u{200E}\u{200F}\u{2028}\u{202E}\u{2060}\u{2064}\u{2066}\
                    \u{206F}\u{FEFF}\u{FFF9}\u{FFFB}\u{110BD}\u{110CD}\u{13430}\u{1343F}\
                    \u{1BCA0}\u{1BCA3}\u{1D173}\u{1D17A}\u{E0001}\u{E0020}\u{E007F}";
        for c in ends.chars() {
            assert!(is_formatting(c), "U+{:04X}", u32::from(c));
        }
        let neighbours = "\u{00AC}\u{00AE}\u{0606}\u{061B}\u{061D}\u{06DC}\u{06DE}\u{0710}\
                          \u{08E1}\u{08E3}\u{180D}\u{180F}\u{200A}\u{200C}\u{200D}\u{2010}\
                          \u{2027}\u{202F}\u{205F}\u{2070}\u{FFFC}\u{110BC}\u{110BE}\u{1BC9F}\
                          \u{1342F}\u{1D172}\u{1D17B}";
        for c in neighbours.chars() {
            assert!(!is_hidden(c), "U+{:04X}", u32::from(c));
        }
        assert_eq!((ends.chars().count(), neighbours.chars().count()), (33, 27));
    }

    /// The joiners and every variation selector are modifiers, the
    /// Mongolian ones on both sides of the vowel separator (U+180E)
    /// included; their neighbours are not.
    #[test]
    fn joiners_and_variation_selectors_are_modifiers_and_their_neighbours_not() {
        let modifiers =
            "\u{200C}\u{200D}\u{180B}\u{180D}\u{180F}\u{FE00}\u{FE0F}\u{E0100}\u{E01EF}";
        for c in modifiers.chars() {
            assert!(is_modifier(c), "U+{:04X}", u32::from(c));
        }
        let neighbours =
            "\u{200B}\u{200E}\u{180A}\u{180E}\u{1810}\u{FDFF}\u{FE10}\u{E00FF}\u{E01F0}";
        for c in neighbours.chars() {
            assert!(!is_modifier(c), "U+{:04X}", u32::from(c));
        }
        assert_eq!(without_modifiers("A\u{180F}cme\u{FE0F}"), "Acme");
    }

    #[test]
    fn counts_are_singular_only_for_one() {
        assert_eq!(count(1, "run"), "1 run");
        assert_eq!(count(0, "run"), "0 runs");
        assert_eq!(count(2, "value"), "2 values");
    }
}
