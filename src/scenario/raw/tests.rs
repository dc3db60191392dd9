//! Tests of reading a scenario's text: the messages of [`read`](super::read)
//! for files that do not parse or hold keys and values of the wrong kind.

use super::syntax::*;
use super::*;

/// The CSV hint is for text a spreadsheet wrote, not for TOML with a
/// syntax error, a header or JSON.
#[test]
fn only_spreadsheet_text_looks_like_csv() {
    for csv in [
        "vendor,brand,access\r\nOpenAI,0.9,1\r\n",
        "# exported\n\nvendor;brand\nOpenAI;0,9\n",
        "vendor\tbrand\nOpenAI\t0.9\n",
        // Excel's semicolon CSV with an empty top-left cell.
        ";Q1;Q2\nAcme;0,5;0,6\n",
    ] {
        assert!(looks_like_csv(csv), "{csv:?}");
        assert!(
            !syntax_hint(csv, &(0..0)).is_some_and(|h| h.contains("comment")),
            "{csv:?}"
        );
    }
    for not_csv in [
        "tiers = [\"a\",\n\"b\"",
        "[[vendor]]\nname = \"A\", brand = 0.5\n",
        "{\"name\": \"x\", \"runs\": 5}\n",
        "name \"Baseline\"\n",
        "name \"Baseline\"\t\t# shown in reports, and in titles\n",
        "; illustrative, as of 2026\nname = \"A\"\n",
        "// illustrative, as of 2026\nname = \"A\"\n",
        "",
    ] {
        assert!(!looks_like_csv(not_csv), "{not_csv:?}");
    }
}

/// A number written as a spreadsheet or a report shows it is told the
/// TOML number at its key, or at the value inside an inline table or an
/// array; keys of text or dates, and lines that are not a number, are
/// left to the usual message.
#[test]
fn a_spreadsheet_number_is_told_at_its_key() {
    let toml_error = |line: &str| {
        let source = format!("start = \"2026-01\"\n{line}\nperiods = 3\n");
        read_error(&source)
    };
    assert_eq!(
        toml_error("runs = 1,000 # runs"),
        "runs = 1,000 is not a TOML number: write runs = 1000 (without thousands separators)"
    );
    assert_eq!(
        toml_error("caution = 0,500"),
        "caution = 0,500 is not a TOML number: write caution = 0.5 (with a decimal point, not a comma)"
    );
    // A dotted key (a tier named like a key of whole numbers) takes
    // any number.
    assert_eq!(
        toml_error("access.seed = 1,000"),
        "access.seed = 1,000 is not a TOML number: write access.seed = 1, or 1000 if the comma separates thousands (TOML reads neither a decimal comma nor thousands separators)"
    );
    assert_eq!(
        toml_error("x = 45%"),
        "x = 45% is not a TOML number: write x = 0.45 (a percentage is written as a fraction)"
    );
    // Not told a number: a line that is not one, a number of months
    // with m, a key with a space, keys of text or dates.
    // Inside an inline table or an array: the value at the error.
    for (line, told) in [
        (
            "access = { unclassified = 50% }",
            "unclassified = 50% is not a TOML number: write unclassified = 0.5 (a percentage is written as a fraction)",
        ),
        (
            "add = { brand = 0.1, \"access.secret\" = 10% }",
            "\"access.secret\" = 10% is not a TOML number: write \"access.secret\" = 0.1 (a percentage is written as a fraction)",
        ),
        (
            "brand = { uniform = [50%, 90%] }",
            "50% is not a TOML number: write 0.5 (a percentage is written as a fraction)",
        ),
        (
            "annual_value = { pert = [1M, 2.5M, 4M] }",
            "1M is not a TOML number: write 1000000 (TOML numbers take no unit suffix)",
        ),
        (
            "x = { b = .45 }",
            "b = .45 is not a TOML number: write b = 0.45 (with a digit before the decimal point)",
        ),
    ] {
        assert_eq!(toml_error(line), told, "{line}");
    }
    for line in [
        "x = 1,2,3",
        "x = { b = 1,000 }",
        "x = [1,000]",
        "term = 12m",
        "annual value = $1.2M",
        "vendor = 3M",
        "step = 3m",
        "name = 45%",
        "label = 2,500",
        "at = 2026,06",
        "units = 100,",
    ] {
        assert!(toml_error(line).starts_with("invalid TOML"), "{line}");
    }
}

/// The message of the first problem `read` finds in `source`.
fn read_error(source: &str) -> String {
    read(source).unwrap_err()[0].1.clone()
}

fn problems(source: &str) -> Vec<(usize, String)> {
    read(source)
        .unwrap_err()
        .into_iter()
        .map(|(span, m)| {
            let line = span.map_or(0, |s| source[..s.start].lines().count().max(1));
            (line, m)
        })
        .collect()
}

/// A header inside a block must follow its block: TOML would give a
/// `[vendor.attributes]` written below an `[[agency]]` to the last vendor,
/// and an `[[agency.initial]]` below a `[choice]` to the last agency. The
/// same headers right below their own block are the block's, as usual.
/// (`problems` counts the lines before a span, so a header at the start
/// of line n shows as n - 1.)
#[test]
fn a_header_inside_a_block_must_follow_its_block() {
    let vendor = "[[vendor]]\nname = \"V\"\nbrand = 0.5\naccess = { unclassified = 1.0 }\n";
    let agency =
        "[[agency]]\nname = \"A\"\nunits = 10\ninnovation = 0.1\nimitation = 0.1\nterm = 2\n";
    let initial = "[[agency.initial]]\nvendor = \"V\"\nunits = 1\n";
    let top = "start = \"2026-01\"\nperiods = 3\n";
    let attributes = "[vendor.attributes]\nspeed = 0.5\n";
    assert!(
        read(&format!(
            "{top}{vendor}{attributes}{agency}{initial}[choice]\nspeed = 1.0\n"
        ))
        .is_ok()
    );
    assert_eq!(
        problems(&format!(
            "{top}{vendor}{agency}{attributes}[choice]\nspeed = 1.0\n"
        )),
        [(
            12,
            "[vendor.attributes] comes after [[agency]] (line 7), but TOML gives it to the \
             [[vendor]] above that one, on line 3 ('V'): write it directly below the [[vendor]] \
             it belongs to"
                .to_string()
        )]
    );
    // At any depth, and named by the header as written; a block's own
    // deeper headers below it are its own.
    let vendor_by_headers =
        "[[vendor]]\nname = \"V\"\nbrand = 0.5\n[vendor.access]\nunclassified = 1.0\n";
    let secret = "[vendor.access.secret]\nuniform = [0.4, 0.7]\n";
    let event = "[[event]]\nat = 1\nlabel = \"Grant\"\nvendor = \"V\"\n[event.set]\nbrand = 0.9\n";
    assert!(read(&format!("{top}{vendor_by_headers}{secret}{agency}{event}")).is_ok());
    assert_eq!(
        problems(&format!("{top}{vendor_by_headers}{agency}{secret}")),
        [(
            13,
            "[vendor.access.secret] comes after [[agency]] (line 8), but TOML gives it to the \
             [[vendor]] above that one, on line 3 ('V'): write it directly below the [[vendor]] \
             it belongs to"
                .to_string()
        )]
    );
    let late_set = problems(&format!(
        "{top}{vendor}{agency}{event}[choice]\nbrand = 1.0\n[event.set.access]\nunclassified = 1.0\n"
    ));
    assert_eq!(late_set.len(), 1, "{late_set:?}");
    assert!(
        late_set[0].1.starts_with("[event.set.access] comes after [choice] (line 19), but TOML gives it to the [[event]] above that one, on line 13 ('Grant')"),
        "{late_set:?}"
    );
    // A header of a table of the file stands between too, and a key a
    // header must quote is quoted in the message.
    let late_attributes = problems(&format!(
        "{top}{vendor}{agency}[choice.speed]\nuniform = [0, 2]\n{attributes}"
    ));
    assert_eq!(late_attributes.len(), 1, "{late_attributes:?}");
    assert!(
        late_attributes[0]
            .1
            .starts_with("[vendor.attributes] comes after [choice.speed] (line 13)"),
        "{late_attributes:?}"
    );
    let quoted = problems(&format!(
        "start = \"2026-01\"\nperiods = 3\ntiers = [\"top secret\"]\n\
         [[vendor]]\nname = \"V\"\nbrand = 0.5\n[vendor.access]\n\"top secret\" = 1.0\n\
         {agency}[vendor.access.\"a.b\"]\nuniform = [0.1, 0.2]\n"
    ));
    assert!(
        quoted[0]
            .1
            .starts_with("[vendor.access.\"a.b\"] comes after [[agency]]"),
        "{quoted:?}"
    );
    assert_eq!(
        problems(&format!(
            "{top}{vendor}{agency}[choice]\nbrand = 1.0\n{initial}"
        )),
        [(
            14,
            "[[agency.initial]] comes after [choice] (line 13), but TOML gives it to the \
             [[agency]] above that one, on line 7 ('A'): write it directly below the [[agency]] \
             it belongs to"
                .to_string()
        )]
    );
}

/// Each control character a line may hide is named for what it is, with
/// its escape; a tab is blank space, and the separators are told only
/// outside strings and comments.
#[test]
fn control_characters_are_named_for_what_they_are() {
    for (c, name) in [
        ('\0', "a NUL character (U+0000)"),
        ('\u{0B}', "a vertical tab (U+000B)"),
        ('\u{0C}', "a form feed (U+000C, a page break)"),
        ('\u{1B}', "an escape character (U+001B)"),
        ('\u{7F}', "a delete character (U+007F)"),
        ('\u{85}', "a next-line character (U+0085)"),
        ('\u{01}', "a control character (U+0001)"),
        ('\u{9F}', "a control character (U+009F)"),
    ] {
        let slip = control_slip(&format!("periods = 12{c}")).unwrap_or_default();
        assert!(
            slip.starts_with(&format!("the line has {name}, which shows as nothing")),
            "{c:?}: {slip}"
        );
        let code = u32::from(c);
        assert!(slip.ends_with(&format!("\\u{code:04X})")), "{c:?}: {slip}");
    }
    assert!(
        control_slip("periods = 12\r")
            .unwrap_or_default()
            .starts_with("the line has a carriage return (U+000D) with no line feed after it")
    );
    // A tab is blank space to TOML; the separators are told outside
    // strings and comments only.
    assert_eq!(control_slip("periods =\t12"), None);
    assert!(
        control_slip("periods = 12\u{2029}")
            .unwrap_or_default()
            .starts_with("the line has a paragraph separator (U+2029)")
    );
    assert_eq!(control_slip("name = \"A\u{2028}B\""), None);
    assert_eq!(control_slip("periods = 12 # \u{2028}"), None);
}

/// Syntax errors the parser words for its grammar get the likelier
/// slip, and only where the slip is there: an inline table TOML 1.1
/// spreads over lines, a `#` inside a string and a plain unclosed string
/// get no hint.
#[test]
fn syntax_errors_are_told_the_likely_slip() {
    let hint = |source: &str| {
        let problems = problems(source);
        assert_eq!(problems.len(), 1, "{source:?}: {problems:?}");
        problems[0]
            .1
            .split_once("; ")
            .map(|(_, hint)| hint.to_string())
    };
    assert_eq!(
        hint("a = 1\ncaution =   # later\n").as_deref(),
        Some("the value after `caution =` is missing")
    );
    assert_eq!(
        hint("units = 100 120\n").as_deref(),
        Some(
            "`units =` takes one value, here followed by more: `100 120` (or, if the space groups digits, write units = 100120)"
        )
    );
    assert_eq!(
        hint("units = 100\t120.5\n").as_deref(),
        Some("`units =` takes one value, here followed by more: `100 120.5`")
    );
    assert_eq!(
        hint("annual_value = 1 000 000\n").as_deref(),
        Some("write annual_value = 1000000 (without spaces between groups of digits)")
    );
    assert_eq!(
        hint("x = { uniform = [0,3 0,5] }\n").as_deref(),
        Some(
            "the numbers of a list are separated by commas, each with a decimal point: [0.3, 0.5]"
        )
    );
    assert_eq!(
        hint("brand = { uniform = [0.3  0.5] }\n").as_deref(),
        Some("the numbers of a list are separated by commas: [0.3, 0.5]")
    );
    assert_eq!(
        hint("[[vendor]]\nname = \"A\"\naccess = { unclassified = 0.8   # note\n\n[[agency]]\nname = \"B\"\n")
            .as_deref(),
        Some("line 3 opens { without the } that closes it")
    );
    assert_eq!(
        hint("name = \u{201C}Acme\u{201D}\n").as_deref(),
        Some(
            "\u{201C} (U+201C), \u{201D} (U+201D) are not TOML quotes: write straight quotes, \" or ' (word processors, web pages and some keyboard layouts type the others)"
        )
    );
    assert_eq!(
        hint("[[vendor]]\n\u{2018}name\u{2019} = \"A\"\n").as_deref(),
        Some(
            "\u{2018} (U+2018), \u{2019} (U+2019) are not TOML quotes: write straight quotes, \" or ' (word processors, web pages and some keyboard layouts type the others)"
        )
    );
    assert_eq!(
        hint("; illustrative\nperiods = 12\n").as_deref(),
        Some("a TOML comment starts with #: write # in place of ;")
    );
    assert_eq!(
        hint("periods = 12\n// illustrative\n").as_deref(),
        Some("a TOML comment starts with #: write # in place of //")
    );
    for source in [
        "name = \"A\" ; the name\n",
        "periods = 12 ; twelve\n",
        "[[vendor]] ; first\n",
    ] {
        assert_eq!(
            hint(source).as_deref(),
            Some("a TOML comment starts with #: write # in place of ;"),
            "{source:?}"
        );
    }
    assert_eq!(
        hint("name = \"A\" // the name\n").as_deref(),
        Some("a TOML comment starts with #: write # in place of //")
    );
    // Where the mark is more likely part of an unquoted value or a list
    // separator, no comment is suggested.
    for source in [
        "name = http://example.com/x\n",
        "brand = { uniform = [0.5; 0.9] }\n",
        "tiers = [\"a\" ; \"b\"]\n",
        "name = Acme; Inc\n",
    ] {
        assert!(
            hint(source).is_none_or(|h| !h.contains("comment")),
            "{source:?}: {:?}",
            hint(source)
        );
    }
    // Inside a string, the marks are text.
    assert!(
        hint("name = \"A; B // C\" x\n").is_none_or(|h| !h.contains("comment")),
        "{:?}",
        hint("name = \"A; B // C\" x\n")
    );
    assert_eq!(
        hint("periods = 012\n").as_deref(),
        Some("a TOML number has no leading zeros: write periods = 12")
    );
    assert_eq!(
        hint("x = -007.50 # note\n").as_deref(),
        Some("a TOML number has no leading zeros: write x = -7.50")
    );
    assert_eq!(
        hint("x = 00\n").as_deref(),
        Some("a TOML number has no leading zeros: write x = 0")
    );
    assert_eq!(
        hint("x = +012\n").as_deref(),
        Some("a TOML number has no leading zeros: write x = 12")
    );
    assert_eq!(
        hint("[[vendor]]\nname = 00123\n").as_deref(),
        Some("a name is text in quotes: write name = \"00123\"")
    );
    for source in ["x = 007.\n", "x = 00.\n", "a.\"b\" = 012\n"] {
        let told = hint(source);
        assert!(
            told.as_deref().is_none_or(|h| !h.contains("write")),
            "{source:?}: {told:?}"
        );
    }
    assert_eq!(
        hint("units \u{FF1D} 100\n").as_deref(),
        Some("\u{FF1D} (U+FF1D) is not TOML's equals sign: write =")
    );
    assert!(
        hint("name = \u{00AB}Acme\"\n")
            .is_some_and(|h| h.starts_with("\u{00AB} (U+00AB) is not a TOML quote: ")),
    );
    // At either end of a line, where trimming would lose them.
    for source in [
        "\u{00A0}\u{00A0}name = \"A\"\n",
        "periods = 12\u{00A0}\n",
        "periods = 12\u{00A0}# twelve\n",
        "x = 1\n\u{3000}y = 2\n",
        "\u{200B}name = \"A\"\n",
        "units\u{2003}= 100\n",
        "x = 1\n\u{FEFF}y = 2\n",
    ] {
        assert!(
            hint(source).is_some_and(|h| h.contains("which TOML does not read as a space")),
            "{source:?}: {:?}",
            hint(source)
        );
    }
    // A second byte-order mark is a stray character; line breaks other
    // than \n are not spaces.
    assert!(
        hint("\u{FEFF}\u{FEFF}periods = 12 12\n").is_some_and(|h| h.contains("zero-width")),
        "{:?}",
        hint("\u{FEFF}\u{FEFF}periods = 12 12\n")
    );
    assert!(
        hint("units\u{2028}= 100\n").is_none_or(|h| !h.contains("space")),
        "{:?}",
        hint("units\u{2028}= 100\n")
    );
    // A byte-order mark at the start of the file is none of these.
    assert!(
        hint("\u{FEFF}units = 100 120\n").is_none_or(|h| !h.contains("zero-width")),
        "{:?}",
        hint("\u{FEFF}units = 100 120\n")
    );
    // A comment with a curly quote is told the comment.
    assert_eq!(
        hint("; Acme\u{2019}s scenario\nperiods = 12\n").as_deref(),
        Some("a TOML comment starts with #: write # in place of ;")
    );
    assert_eq!(
        hint("units\u{00A0}= 100\n").as_deref(),
        Some(
            "the line has a non-breaking space (U+00A0), which TOML does not read as a space: write an ordinary space"
        )
    );
    // Curly quotes inside a string are text, and the slip is elsewhere.
    let inside = problems("name = \"\u{201C}A\u{201D}\" x\n");
    assert!(
        inside.len() == 1 && !inside[0].1.contains("quotes"),
        "{inside:?}"
    );
    for source in [
        // An inline table over lines, a comma missing between entries.
        "[[vendor]]\naccess = { unclassified = 1.0\n  secret = 0.5\n}\n",
        "[[vendor]]\naccess = { unclassified = 1.0\n  secret = 0.5 }\n",
        // An array over lines inside an inline table.
        "[[vendor]]\nbrand = { uniform = [\n  0.3\n  0.5\n] }\n",
        // Braces and brackets inside strings.
        "name = \"probe {draft\"\ntiers = [\n \"a\"\n \"b\"\n]\n",
        "name = \"Acme \\\"{\\\"\"\nbrand = 0.6 x\n",
        "name = \"Zenith [1 2]\" x\n",
        "[[vendor]]\naccess = {\n  unclassified = 1.0 secret = 2\n}\n",
        "name = \"A # b\" x\n",
        "name = \"unclosed\n",
    ] {
        let problems = problems(source);
        assert!(
            problems.len() == 1
                && !problems[0].1.contains("opens {")
                && !problems[0].1.contains("is missing")
                && !problems[0].1.contains("a list are separated")
                && !problems[0].1.contains("takes one value"),
            "{source:?}: {problems:?}"
        );
    }
}

/// A name below an event or a contract in force, and the scenario's
/// list of tiers in an agency, are told how TOML read them only where
/// the enclosing table does not set the key yet; where it does, the
/// line is more likely the block's own, and deleting it the wrong fix.
#[test]
fn late_keys_are_told_only_where_the_enclosing_table_lacks_them() {
    let agency = "[[agency]]\nname = \"Ag\"\nunits = 5\n";
    let told = |source: &str| {
        let problems = problems(source);
        assert_eq!(problems.len(), 1, "{source:?}: {problems:?}");
        problems[0].1.contains("TOML puts every key below a header")
    };
    // An event's name: told when the scenario has none.
    let event = "[[event]]\nat = 1\nname = \"E\"\n";
    assert!(told(&format!("periods = 3\n{event}")));
    assert!(!told(&format!("name = \"S\"\n{event}")));
    // A contract's name: the agency always has one.
    assert!(!told(&format!(
        "{agency}[[agency.initial]]\nunits = 1\nname = \"X\"\n"
    )));
    // An agency's list of tiers: told when the scenario has none.
    let listed = "tiers = [\"a\", \"b\"]\n";
    assert!(told(&format!("periods = 3\n{agency}{listed}")));
    assert!(!told(&format!("{listed}{agency}{listed}")));
}

#[test]
fn headers_that_clash_are_explained() {
    assert_eq!(
        problems("[[vendor]]\nname = \"A\"\n[vendor]\nname = \"B\"\n"),
        vec![(
            3,
            "[vendor] (single brackets) follows [[vendor]] blocks (line 1): write it [[vendor]] to add another block".to_string()
        )]
    );
    assert_eq!(
        problems("[choice]\nbrand = 1\n[choice]\naccess = 1\n"),
        vec![(
            3,
            "invalid TOML: the table [choice] is written twice (first on line 1); put its keys in one table".to_string()
        )]
    );
}

#[test]
fn a_date_or_time_where_a_month_belongs_is_told_how_to_write_it() {
    assert_eq!(
        problems("start = 2026-03-01\n"),
        vec![(
            1,
            "`start` must be a quoted month like \"2026-03\", not a TOML date: write start = \"2026-03\"".to_string()
        )]
    );
    assert_eq!(
        problems("start = 07:32:00\n"),
        vec![(
            1,
            "`start` must be a quoted month like \"2026-01\", not a time of day".to_string()
        )]
    );
}

/// A header that makes a table of a key given before names the line
/// that gave it, never a line inside a string or another key's value.
#[test]
fn a_header_after_the_same_key_names_the_key_s_line() {
    let source = "[[vendor]]\nname = \"\"\"A\naccess = 1\"\"\"\n\
        attributes = { speed = 0.3 }\naccess.unclassified = 1.0\n[vendor.access]\nsecret = 0.5\n";
    assert_eq!(
        problems(source),
        vec![(
            6,
            "[vendor.access] makes 'access' a table, but line 5 already gives it (as \
             `access = ...` or `access.KEY = ...`): write it one way"
                .to_string()
        )]
    );
}

/// Values of the wrong kind anywhere are all reported, each at its line.
#[test]
fn every_value_of_the_wrong_kind_is_named() {
    let source = "step = 3\ntiers = [\"a\", 2]\nchoice = 1\nevent = 4\n\
        [[vendor]]\nname = \"A\"\naccess = [1]\n\
        [[agency]]\nname = \"B\"\ninitial = { vendor = \"A\" }\n";
    let lines: Vec<usize> = problems(source).iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, vec![1, 2, 3, 4, 7, 10], "{:?}", problems(source));
    assert!(problems(source)[5].1.starts_with(
        "`initial` in [[agency]] must be a list of blocks, each written `[[agency.initial]]`, not a single table"
    ));
}

/// The range is told only for a key on its own line directly in a
/// vendor's, an agency's or the `[choice]` table, never for a line that
/// may belong to a value spread over lines, nor an event's number.
#[test]
fn a_hint_tells_the_range_only_for_a_tables_own_key() {
    let hint = |source: &str| {
        let at = source.find("%").or_else(|| source.find("2M")).unwrap();
        spreadsheet_value(source, &(at..at + 1))
    };
    let range = ", though caution must be in [0, 1]";
    let own = "[[agency]]\nname = \"X\"\ncaution = 150%\n";
    assert!(hint(own).unwrap().ends_with(range), "{:?}", hint(own));
    // A `#` or a bracket inside a string on a line before is text, not
    // a comment or an open list.
    for quoted in [
        "[[agency]]\nnames = [\"a#b\"]\ncaution = 150%\n",
        "[[agency]] # the [ agency\nname = \"X [#\"\ncaution = 150%\n",
    ] {
        assert!(hint(quoted).unwrap().ends_with(range), "{:?}", hint(quoted));
    }
    for no_range in [
        // Inside an inline table spread over lines: a choice weight.
        "[[agency]]\nchoice = {\n  innovation = -5%\n}\n",
        // A header-like line inside a string of several lines.
        "[[agency]]\nname = '''\n[[vendor]]\nDoD'''\nbrand = 150%\n",
        // An event's number is clamped, not refused.
        "[[event]]\nat = 3\n[event.set]\ncaution = 150%\n",
    ] {
        let note = hint(no_range);
        assert!(!note.as_ref().unwrap().contains("though"), "{note:?}");
    }
    let choice = "[choice] # weights\nbrand = 2M\n";
    assert!(
        hint(choice)
            .unwrap()
            .ends_with(", though brand must be in [-1000000, 1000000]"),
        "{:?}",
        hint(choice)
    );
    // Inline tables a line opens, at any place in them.
    for (inline, range) in [
        (
            "[[vendor]]\naccess = { unclassified = 1.0, secret = 120% }\n",
            Some(", though access.secret must be in [0, 1]"),
        ),
        (
            "[[agency]]\nchoice = { brand = 2M }\n",
            Some(", though choice.brand must be in [-1000000, 1000000]"),
        ),
        ("[[agency]]\nchoice = { brand = 20% }\n", None),
        ("[[vendor]]\nbrand = { uniform = [50%, 150%] }\n", None),
        ("[[event]]\nat = 3\nset = { caution = 150% }\n", None),
        ("[[vendor]]\naccess = { \"secret\" = 120% }\n", None),
        // After a value nested in the table, or a string with a brace.
        (
            "[[vendor]]\naccess = { a = { uniform = [0.5, 0.9] }, b = \"{\", secret = 120% }\n",
            Some(", though access.secret must be in [0, 1]"),
        ),
        ("[[vendor]]\naccess = { a = { secret = 120% } }\n", None),
        // A header-like line inside a string of several lines.
        (
            "[choice]\nnote = \"\"\"\n[[vendor]]#\"\"\"\nbrand = 150%\n",
            None,
        ),
        // Not TOML at all: the brace comes after the key.
        ("[[agency]]\nx = [ ], caution = 150%, y = {\n", None),
    ] {
        let told = hint(inline).unwrap();
        match range {
            Some(range) => assert!(told.ends_with(range), "{inline}: {told}"),
            None => assert!(!told.contains("though"), "{inline}: {told}"),
        }
    }
    let access = "[[vendor]]\naccess.secret = 120%\n";
    assert!(
        hint(access)
            .unwrap()
            .ends_with(", though access.secret must be in [0, 1]"),
        "{:?}",
        hint(access)
    );
}
