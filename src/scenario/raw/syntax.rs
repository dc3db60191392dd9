//! The likely slip behind a TOML syntax error, said with the parser's own
//! grammar-worded message or instead of it: a key given twice
//! (`explain_duplicate`), a month left unquoted (`unquoted_month`), a
//! number written as a spreadsheet shows it (`spreadsheet_value`, read by
//! `spreadsheet`), a value missing, a list without commas, a `{` left open,
//! a comment mark of another language, typographic quotes or a control
//! character (`syntax_hint`), a file that is CSV rather than TOML
//! (`looks_like_csv`), and the line of an error the parser gives no
//! position for (`line_of_spanless`).

use super::*;

/// Whether `source`, which is not TOML, starts like a spreadsheet saved
/// as text: its first line that is neither blank nor a comment separates
/// cells with commas, semicolons (Excel's CSV where the decimal mark is a
/// comma) or tabs, has no `=`, and opens neither a header nor a JSON
/// object.
pub(super) fn looks_like_csv(source: &str) -> bool {
    let cells = source
        .lines()
        .map(str::trim)
        .find(|line| {
            // Comments, and comments as INI files and C write them (the
            // syntax error's hint tells those); a line that starts with `;`
            // and has more is a row with an empty first cell.
            let ini_comment = line.starts_with(';') && !line[1..].contains(';');
            !line.is_empty() && !line.starts_with('#') && !ini_comment && !line.starts_with("//")
        })
        .is_some_and(|line| {
            // A comment after the text (`name "A"\t# shown`) is not a cell.
            let text = line.split('#').next().unwrap_or_default().trim();
            text.contains([',', ';', '\t']) && !text.contains('=') && !text.starts_with(['[', '{'])
        });
    cells || lines_in_quoted_cells(source)
}

/// Whether `source` looks like a scenario pasted into a spreadsheet's
/// column and saved as CSV: a line with a comma or a quote then becomes
/// one cell in double quotes, its own quotes doubled
/// (`"name = ""Market, 2026"""`, `"# Illustrative, not data"`). Read from
/// the first line that is neither blank nor a comment (a quoted comment is
/// no comment).
fn lines_in_quoted_cells(source: &str) -> bool {
    let source = source.trim_start_matches('\u{feff}');
    let first = source
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    let Some(line) = first else {
        return false;
    };
    let Some(inside) = line
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    else {
        return false;
    };
    inside.starts_with('#') || (inside.contains('=') && inside.contains("\"\""))
}

/// Where the line that holds byte `at` of `source` starts (`at` past the
/// end counts as the end).
pub(super) fn start_of_line(source: &str, at: usize) -> usize {
    source[..at.min(source.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1)
}

/// `write KEY = "YYYY-MM"` when the line of `span` gives a key a bare
/// `YYYY-MM` (`start = 2026-01`, `at = 2027-03`), which TOML takes for an
/// unfinished date.
pub(super) fn unquoted_month(source: &str, span: &std::ops::Range<usize>) -> Option<String> {
    let line_start = start_of_line(source, span.start);
    let line = source[line_start..].lines().next()?;
    let (key, value) = line.split_once('=')?;
    let value = value.split('#').next()?.trim().trim_end_matches(',').trim();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let (year, month) = value.split_once('-')?;
    (digits(year, 4) && digits(month, 2)).then(|| {
        let key = key.trim().trim_start_matches('{').trim();
        format!("write {key} = \"{value}\"")
    })
}

/// `KEY = VALUE is not a TOML number: write KEY = N (why)` when the line of
/// `span` gives a bare key of numbers a number written as a spreadsheet
/// shows it ([`spreadsheet_number`]); inside an inline table or an array
/// (`access = { secret = 50% }`, `uniform = [50%, 90%]`), the same for the
/// value at `span`, one without commas (which separate the values there).
pub(super) fn spreadsheet_value(source: &str, span: &Range<usize>) -> Option<String> {
    let at = span.start.min(source.len());
    let line_start = start_of_line(source, at);
    let line = source[line_start..].lines().next()?;
    let at = (at - line_start).min(line.len());
    let (key, value) = line.split_once('=')?;
    let value = value.split('#').next()?.trim();
    if value.starts_with(['{', '[']) {
        return spreadsheet_value_within(&source[..line_start], line, at);
    }
    let key = key.trim();
    if !key.split('.').all(bare_key) {
        return None;
    }
    // A dotted key names a tier, an attribute or a weight (`access.seed`),
    // whatever its last part: any number.
    let kind = if key.contains('.') {
        NumberKind::Any
    } else {
        NumberKind::of_key(key)?
    };
    // `100,` is a trailing comma, not a decimal one.
    if value.ends_with(',') {
        return None;
    }
    let n = spreadsheet_number(value, kind)?;
    Some(format!(
        "{key} = {value} is not a TOML number: write {key} = {} ({}){}",
        n.advice(""),
        n.why,
        outside_range(&source[..line_start], key, &n)
    ))
}

/// ", though caution must be in [0, 1]" when the number `n` a hint reads
/// lies outside the range of `key`, on its own line directly in a
/// `[[vendor]]`, `[[agency]]` or `[choice]` table (`before` is the file up
/// to the key's line): a number whose value must lie in its range. An
/// event's number is clamped into it, and a line that may lie inside a
/// value spread over several lines (an inline table, an array, a string)
/// gets nothing, as its key may be another table's.
fn outside_range(before: &str, key: &str, n: &SpreadsheetNumber) -> String {
    // No string of several lines anywhere before (a header-like line may be
    // inside one).
    if before.contains("'''") || before.contains("\"\"\"") {
        return String::new();
    }
    let lines: Vec<&str> = before.lines().collect();
    let Some(at) = lines.iter().rposition(|l| code_of(l).starts_with('[')) else {
        return String::new();
    };
    let table: String = code_of(lines[at])
        .chars()
        .filter(|c| !matches!(c, '[' | ']') && !c.is_whitespace())
        .collect();
    // Every bracket and brace opened since the header closed again: the
    // key's line is the table's own.
    let depth: i64 = lines[at + 1..]
        .iter()
        .map(|l| open_brackets(&code_of(l)))
        .sum();
    if depth != 0 {
        return String::new();
    }
    let (inner, last) = key.split_once('.').unwrap_or(("", key));
    out_of_range(range_of_key(&table, inner, last), key, n)
}

/// Brackets and braces `text` opens less those it closes, outside quoted
/// strings (one line of TOML, without its comment).
fn open_brackets(text: &str) -> i64 {
    let mut quote = None;
    let mut depth = 0;
    for c in text.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// A part of a key TOML reads as it stands (else the key is the problem).
pub(super) fn bare_key(part: &str) -> bool {
    !part.is_empty()
        && part
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// [`spreadsheet_value`] for the value at byte `at` of `line`, inside an
/// inline table or an array: the value runs from the `=`, `[`, `{` or `,`
/// before it to the `,`, `}`, `]` or `#` after it.
fn spreadsheet_value_within(before: &str, line: &str, at: usize) -> Option<String> {
    let left = line[..at].rfind(['=', '[', ',', '{'])?;
    let right = line[at..]
        .find([',', '}', ']', '#'])
        .map_or(line.len(), |i| at + i);
    let value = line.get(left + 1..right)?.trim();
    let n = spreadsheet_number(value, NumberKind::Any)?;
    if n.thousands.is_some() {
        return None;
    }
    // The key before `=`, when the value is a table's: bare or quoted.
    let key = (line.as_bytes()[left] == b'=').then(|| {
        let before = &line[..left];
        let start = before.rfind(['{', ',']).map_or(0, |i| i + 1);
        before[start..].trim()
    });
    Some(match key {
        Some(key)
            if key.split('.').all(bare_key) || (key.starts_with('"') && key.ends_with('"')) =>
        {
            // A key of an inline table that a line opens (`access = {
            // unclassified = 1.0, secret = 150% }`) has the range of that
            // table's numbers; one nested deeper, or in quotes, gets none.
            let outer = line
                .find('{')
                .filter(|&brace| brace < left)
                .and_then(|brace| {
                    let nested = open_brackets(&line[brace + 1..left]) != 0;
                    let outer = line[..brace].trim_end().strip_suffix('=')?.trim();
                    (!nested && bare_key(outer) && bare_key(key)).then_some(outer)
                });
            let range = outer.map_or(String::new(), |outer| {
                outside_range(before, &format!("{outer}.{key}"), &n)
            });
            format!(
                "{key} = {value} is not a TOML number: write {key} = {} ({}){range}",
                n.number, n.why
            )
        }
        _ => format!(
            "{value} is not a TOML number: write {} ({})",
            n.number, n.why
        ),
    })
}

/// `line` as TOML code: without its comment, and with the contents of its
/// quoted strings left out (`name = "A {b}" # c` is `name = ""`), so that
/// brackets, `=` and `#` within a string count for nothing. Trimmed.
fn code_of(line: &str) -> String {
    untrimmed_code_of(line).trim().to_string()
}

/// [`code_of`] before trimming, which would take spaces other than TOML's
/// (a non-breaking space) from its ends.
fn untrimmed_code_of(line: &str) -> String {
    let mut code = String::with_capacity(line.len());
    let mut quote = None;
    let mut escaped = false;
    for c in line.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if q == '"' && c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                    code.push(c);
                }
            }
            None if c == '#' => break,
            None => {
                if matches!(c, '"' | '\'') {
                    quote = Some(c);
                }
                code.push(c);
            }
        }
    }
    code
}

/// `{` less `}` in TOML code (see [`code_of`]).
fn open_braces(code: &str) -> i64 {
    code.chars()
        .map(|c| match c {
            '{' => 1,
            '}' => -1,
            _ => 0,
        })
        .sum()
}

/// What a syntax error most likely is, where the parser words it in terms
/// of its grammar: a value left out after `=` (which it calls an unquoted
/// string), two values where one goes (or one number with its digits
/// grouped by spaces), numbers of a list without commas between them, and
/// an inline table whose closing `}` was left out (which it reports on a
/// later line). `None` for anything else, and wherever a string of several
/// lines may hide what a line means.
pub(super) fn syntax_hint(source: &str, span: &Range<usize>) -> Option<String> {
    if source.contains("\"\"\"") || source.contains("'''") {
        return None;
    }
    let at = span.start.min(source.len());
    let start = start_of_line(source, at);
    let before: Vec<String> = source[..start].lines().map(code_of).collect();
    let after: Vec<String> = source[start..].lines().map(code_of).collect();
    let code = after.first().cloned().unwrap_or_default();
    // A comment as other formats write it (INI files, C-like languages),
    // on its own line or after a value, unless the file reads like a
    // spreadsheet whose cells `;` separates. Outside strings neither mark
    // is TOML.
    if let Some(mark) = comment_mark(&code)
        && !looks_like_csv(source)
    {
        return Some(format!(
            "a TOML comment starts with #: write # in place of {mark}"
        ));
    }
    // A byte-order mark that opens the file is read as none.
    let line = source[start..].lines().next().unwrap_or_default();
    let line = if start == 0 {
        line.strip_prefix('\u{FEFF}').unwrap_or(line)
    } else {
        line
    };
    if let Some(hint) = control_slip(line) {
        return Some(hint);
    }
    if let Some(hint) = typographic_slip(&untrimmed_code_of(line)) {
        return Some(hint);
    }
    // An inline table that an earlier line (back to a header) opens with an
    // entry, as `access = { unclassified = 1.0` does, and that no `}`
    // closes before the next header. TOML 1.1 lets an inline table go on
    // over lines, so one closed later is no such slip (a comma missing
    // between its entries is, and the parser says so).
    let header = |c: &str| c.starts_with('[') && !c.contains('=') && c.ends_with(']');
    for (back, earlier) in before.iter().rev().enumerate().take(6) {
        if header(earlier) {
            break;
        }
        let Some(brace) = earlier.rfind('{') else {
            continue;
        };
        let entry = earlier[brace + 1..].trim();
        if open_braces(&earlier[brace..]) <= 0 || entry.is_empty() || entry.ends_with(',') {
            continue;
        }
        let mut depth = open_braces(earlier);
        let later = before[before.len() - back..].iter().chain(&after);
        for line in later.take_while(|l| !header(l)) {
            depth += open_braces(line);
            if depth <= 0 {
                return None;
            }
        }
        let number = before.len() - back;
        return Some(format!(
            "line {number} opens {{ without the }} that closes it"
        ));
    }
    let number = |t: &str| t.parse::<f64>().is_ok();
    // `0,3`: a number with a decimal comma.
    let decimal_comma = |t: &str| {
        t.split_once(',').is_some_and(|(a, b)| {
            !a.trim_start_matches('-').is_empty()
                && !b.is_empty()
                && a.trim_start_matches('-')
                    .bytes()
                    .all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
        })
    };
    // Numbers in a list with only spaces between some of them (`[0.5 0.9]`,
    // `[0,3 0,5]`).
    let mut rest = code.as_str();
    while let Some(open) = rest.find('[') {
        let inside = &rest[open + 1..];
        let Some(close) = inside.find(']') else { break };
        let tokens: Vec<&str> = inside[..close].split_whitespace().collect();
        let bare: Vec<&str> = tokens.iter().map(|t| t.trim_end_matches(',')).collect();
        let spaced = tokens[..tokens.len().saturating_sub(1)]
            .iter()
            .any(|t| !t.ends_with(','));
        if tokens.len() >= 2 && spaced && bare.iter().all(|t| number(t) || decimal_comma(t)) {
            let points = bare.iter().any(|t| decimal_comma(t));
            let numbers: Vec<String> = bare.iter().map(|t| t.replace(',', ".")).collect();
            return Some(format!(
                "the numbers of a list are separated by commas{}: [{}]",
                if points {
                    ", each with a decimal point"
                } else {
                    ""
                },
                numbers.join(", ")
            ));
        }
        rest = &inside[close + 1..];
    }
    let (key, value) = code.split_once('=')?;
    let (key, value) = (key.trim(), value.trim());
    if !key
        .split('.')
        .all(|k| bare_key(k.trim()) || k.trim().starts_with('"'))
    {
        return None;
    }
    if value.is_empty() {
        return Some(format!("the value after `{key} =` is missing"));
    }
    // `012`, `-007.5`: a number with leading zeros, which TOML refuses; a
    // name, where such text is meant as written, goes in quotes. A key with
    // a quoted part shows here without its text, so it is left alone.
    let (sign, digits) = match value.strip_prefix(['-', '+']) {
        Some(rest) => (&value[..1], rest),
        None => ("", value),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.len() > 1
        && whole.starts_with('0')
        && whole.bytes().all(|c| c.is_ascii_digit())
        && fraction.bytes().all(|c| c.is_ascii_digit())
        && !(digits.contains('.') && fraction.is_empty())
        && !key.contains(['"', '\''])
    {
        let last = key.rsplit('.').next().unwrap_or(key).trim();
        if ["name", "label", "vendor", "agency", "tier"].contains(&last) {
            return Some(format!(
                "a name is text in quotes: write {key} = \"{value}\""
            ));
        }
        let trimmed = whole.trim_start_matches('0');
        let trimmed = if trimmed.is_empty() { "0" } else { trimmed };
        let point = if digits.contains('.') { "." } else { "" };
        let sign = if sign == "-" { "-" } else { "" };
        return Some(format!(
            "a TOML number has no leading zeros: write {key} = {sign}{trimmed}{point}{fraction}"
        ));
    }
    let words: Vec<&str> = value.split_whitespace().collect();
    if words.len() < 2 || !words.iter().all(|w| number(w)) {
        return None;
    }
    // `1 000 000`: one number with its digits grouped by spaces.
    let digits = |w: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&w.len()) && w.bytes().all(|c| c.is_ascii_digit())
    };
    let grouped = digits(words[0], 1..=3) && words[1..].iter().all(|w| digits(w, 3..=3));
    // `100 120` may be either.
    if grouped && (words.len() > 2 || words[0].len() < 3) {
        return Some(format!(
            "write {key} = {} (without spaces between groups of digits)",
            words.concat()
        ));
    }
    let or_grouped = if grouped {
        format!(
            " (or, if the space groups digits, write {key} = {})",
            words.concat()
        )
    } else {
        String::new()
    };
    Some(format!(
        "`{key} =` takes one value, here followed by more: `{}`{or_grouped}",
        words.join(" ")
    ))
}

/// The comment mark of another format (`;` of INI files, `//` of C) that
/// TOML code (see [`code_of`]) uses as one: one that opens the line, or one
/// after whitespace that ends a header or a whole `key = value` (a quoted
/// string, a number, a boolean, or a list or table closed before it), not
/// inside brackets. `None` where the mark is more likely part of a value
/// written without quotes (`http://`, `Acme; Inc`) or a list separator.
fn comment_mark(code: &str) -> Option<&'static str> {
    let marks = [";", "//"];
    if let Some(mark) = marks.into_iter().find(|m| code.starts_with(m)) {
        return Some(mark);
    }
    let (at, mark) = marks
        .into_iter()
        .filter_map(|m| code.find(&format!(" {m}")).map(|at| (at, m)))
        .min_by_key(|(at, _)| *at)?;
    let before = code[..at].trim_end();
    let depth = open_brackets(before);
    let is_header = before.starts_with('[') && before.ends_with(']') && !before.contains('=');
    let whole_value = || {
        let (_, value) = before.split_once('=')?;
        let value = value.trim();
        let whole = value == "\"\""
            || value == "''"
            || value.parse::<f64>().is_ok()
            || matches!(value, "true" | "false")
            || (value.starts_with('[') && value.ends_with(']'))
            || (value.starts_with('{') && value.ends_with('}'));
        whole.then_some(())
    };
    (depth == 0 && (is_header || whole_value().is_some())).then_some(mark)
}

/// What a word processor, a web page or a spreadsheet may have put in TOML
/// code (see [`code_of`]: outside strings) in place of what TOML reads:
/// curly quotes for straight ones, a full-width equals sign, a
/// non-breaking space. `None` if the code has none of them.
fn typographic_slip(code: &str) -> Option<String> {
    let found = |set: &[char]| -> Vec<char> {
        let mut seen: Vec<char> = Vec::new();
        for c in code.chars().filter(|c| set.contains(c)) {
            if !seen.contains(&c) {
                seen.push(c);
            }
        }
        seen
    };
    let listed = |chars: &[char]| {
        chars
            .iter()
            .map(|c| format!("{c} (U+{:04X})", u32::from(*c)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut slips = Vec::new();
    let quotes = found(&[
        '\u{201C}', '\u{201D}', '\u{201E}', '\u{201F}', '\u{2018}', '\u{2019}', '\u{201A}',
        '\u{201B}', '\u{FF02}', '\u{FF07}', '\u{00AB}', '\u{00BB}',
    ]);
    if !quotes.is_empty() {
        slips.push(format!(
            "{} {}: write straight quotes, \" or ' (word processors, web pages and some keyboard layouts type the others)",
            listed(&quotes),
            if quotes.len() == 1 {
                "is not a TOML quote"
            } else {
                "are not TOML quotes"
            }
        ));
    }
    let equals = found(&['\u{FF1D}']);
    if !equals.is_empty() {
        slips.push(format!(
            "{} is not TOML's equals sign: write =",
            listed(&equals)
        ));
    }
    // Invisible, so named rather than shown: every space but TOML's own,
    // and the zero-width ones.
    let mut spaces: Vec<String> = Vec::new();
    for c in code.chars().filter(|&c| {
        // Not U+0085, U+2028 and U+2029, which break lines.
        (!c.is_ascii() && c.is_whitespace() && !matches!(c, '\u{0085}' | '\u{2028}' | '\u{2029}'))
            || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
    }) {
        let name = match c {
            '\u{00A0}' => "a non-breaking space",
            '\u{2007}' => "a figure space",
            '\u{202F}' => "a narrow non-breaking space",
            '\u{3000}' => "an ideographic space",
            '\u{200B}' | '\u{2060}' | '\u{FEFF}' => "a zero-width space",
            _ => "a wide space",
        };
        let named = format!("{name} (U+{:04X})", u32::from(c));
        if !spaces.contains(&named) {
            spaces.push(named);
        }
    }
    if !spaces.is_empty() {
        slips.push(format!(
            "the line has {}, which TOML does not read as a space: write an ordinary space",
            spaces.join(" and ")
        ));
    }
    (!slips.is_empty()).then(|| slips.join("; "))
}

/// A control character in `line` (other than a tab), which TOML allows
/// nowhere raw, named, since it shows as nothing or as a box and the
/// parser's message speaks of what it expected instead: a form feed an
/// editor left as a page break, a NUL or an escape from a pasted terminal
/// text. And, outside strings and comments, a line or paragraph separator
/// (U+2028, U+2029), which an editor shows as a line break and TOML does
/// not read as one. `None` if the line has neither.
pub(super) fn control_slip(line: &str) -> Option<String> {
    if let Some(c) = line.chars().find(|&c| c.is_control() && c != '\t') {
        if c == '\r' {
            // Lines split at line feeds, each taking its carriage return
            // along: one left within a line ends a line on its own.
            return Some(
                "the line has a carriage return (U+000D) with no line feed after it, which TOML does not read as a line break: save the file with ordinary line endings (LF, or CR LF)".to_string(),
            );
        }
        let name = match c {
            '\0' => "a NUL character",
            '\u{0B}' => "a vertical tab",
            '\u{0C}' => "a form feed",
            '\u{1B}' => "an escape character",
            '\u{7F}' => "a delete character",
            '\u{85}' => "a next-line character",
            _ => "a control character",
        };
        let code = u32::from(c);
        let page_break = if c == '\u{0C}' { ", a page break" } else { "" };
        return Some(format!(
            "the line has {name} (U+{code:04X}{page_break}), which shows as nothing and TOML does not allow: delete it (in a quoted string, write it as an escape, \\u{code:04X})"
        ));
    }
    let code = untrimmed_code_of(line);
    let separator = code
        .chars()
        .find(|c| matches!(c, '\u{2028}' | '\u{2029}'))?;
    Some(format!(
        "the line has a {} separator (U+{:04X}), which an editor may show as a line break but TOML does not read as one: write an ordinary line break",
        if separator == '\u{2028}' {
            "line"
        } else {
            "paragraph"
        },
        u32::from(separator)
    ))
}

/// Where a syntax error the parser reports without a position (its
/// nesting limit) lies: the start of the first line such that the file up
/// to and including it fails with `message`, found by bisection over the
/// lines, a handful of parses made only once the file is known to be bad.
pub(super) fn line_of_spanless(source: &str, message: &str) -> Option<Range<usize>> {
    let ends: Vec<usize> = source
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .chain((!source.ends_with('\n')).then_some(source.len()))
        .collect();
    let fails = |line: usize| match DeTable::parse(&source[..ends[line]]) {
        Err(e) => e.span().is_none() && e.message() == message,
        Ok(_) => false,
    };
    // Invariant: lines before `low` do not fail; the prefix to `high` does.
    let (mut low, mut high) = (0, ends.len().checked_sub(1)?);
    if !fails(high) {
        return None;
    }
    while low < high {
        let mid = low + (high - low) / 2;
        if fails(mid) {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    let start = if high == 0 { 0 } else { ends[high - 1] };
    Some(start..start)
}

/// Explains TOML's "duplicate key" at `span` (the key). Most often a header
/// says a table again that an earlier header made another kind of thing:
/// an `[[agency.initial]]` written before any `[[agency]]` (which makes
/// `agency` a table that `[[agency]]` cannot then extend), or `[vendor]`
/// beside `[[vendor]]`.
pub(super) fn explain_duplicate(source: &str, span: &Range<usize>) -> String {
    let key = source[span.clone()].trim();
    let line_start = start_of_line(source, span.start);
    let before = &source[..line_start];
    let Some((double, path)) = header(&source[line_start..span.end]) else {
        return format!("invalid TOML: the key '{key}' is given twice in the same table; keep one");
    };
    let Some((_, whole)) = header(&source[line_start..]) else {
        return format!("invalid TOML: duplicate key '{key}'");
    };
    let this = bracketed(double, &whole);
    let mut earlier: Vec<(usize, bool, Vec<String>)> = before
        .lines()
        .enumerate()
        .filter_map(|(i, l)| header(l).map(|(d, k)| (i + 1, d, k)))
        .collect();
    // A table inside a block (`[vendor.access]` after `[[vendor]]`) can only
    // clash with one of the same block: forget the headers before it.
    if let Some(block) = earlier
        .iter()
        .rposition(|(_, d, k)| *d && k.len() < path.len() && path.starts_with(k))
    {
        earlier.drain(..=block);
    }
    let block = block_of(&path);
    if whole == path {
        // The header itself names a table an earlier header made.
        if let Some((line, d, _)) = earlier.iter().find(|(_, _, k)| *k == path) {
            match (double, d) {
                (true, false) if block.is_none() => {
                    return format!(
                        "{this} follows {} (line {line}): {} is one table, written once with single brackets",
                        bracketed(false, &path),
                        bracketed(false, &path)
                    );
                }
                (true, false) => {
                    return format!(
                        "{this} follows {} (line {line}), a single table of the same name: write each with double brackets, {this}",
                        bracketed(false, &path)
                    );
                }
                (false, false) if let Some(block) = block => {
                    return format!(
                        "{this} is written again (first on line {line}): write each {}, with double brackets: {}",
                        bracketed(true, &path),
                        block.why
                    );
                }
                (false, true) => {
                    return format!(
                        "{this} (single brackets) follows {} blocks (line {line}): write it {} to add another block",
                        bracketed(true, &path),
                        bracketed(true, &path)
                    );
                }
                (false, false) => {
                    return format!(
                        "invalid TOML: the table {this} is written twice (first on line {line}); put its keys in one table"
                    );
                }
                (true, true) => {}
            }
        }
        if double
            && let Some((line, d, k)) = earlier
                .iter()
                .find(|(_, _, k)| k.len() > path.len() && k.starts_with(&path))
        {
            let inner = bracketed(*d, k);
            return format!(
                "{this} comes after {inner} (line {line}), but each {inner} block belongs to the {this} written above it: move it below its {this}"
            );
        }
    }
    if let Some(line) = given_as_a_key(before, &path) {
        let last = path.last().map_or("", String::as_str);
        let what = if double {
            "a list of blocks"
        } else {
            "a table"
        };
        return format!(
            "{this} makes '{last}' {what}, but line {line} already gives it (as `{last} = ...` or `{last}.KEY = ...`): write it one way"
        );
    }
    format!("invalid TOML: duplicate key '{key}' in the header {this}")
}

/// The line (from 1) of `before` (the file up to the clashing header) where
/// the table of `path` minus its last key (the file's top when that is
/// empty, the last block of a list of blocks) already gives the last key,
/// as `key = ...` or dotted keys. Read from `before` parsed as TOML, so text
/// inside strings and multi-line values is never taken for a key.
fn given_as_a_key(before: &str, path: &[String]) -> Option<usize> {
    let (last, parent) = path.split_last()?;
    let document = DeTable::parse(before).ok()?;
    let mut table: &DeTable = document.get_ref();
    for key in parent {
        let (_, value) = table.iter().find(|(k, _)| k.get_ref().as_ref() == key)?;
        table = match value.get_ref() {
            DeValue::Table(t) => t,
            DeValue::Array(blocks) => match blocks.iter().last()?.get_ref() {
                DeValue::Table(t) => t,
                _ => return None,
            },
            _ => return None,
        };
    }
    let (key, _) = table.iter().find(|(k, _)| k.get_ref().as_ref() == last)?;
    Some(line_number(before.as_bytes(), key.span().start))
}
