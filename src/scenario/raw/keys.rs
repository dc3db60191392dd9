//! The keys each table of a scenario file may hold and the kind of value
//! each takes ([`SCENARIO`] and the blocks below it), and the walk of a
//! parsed file against them.
//!
//! serde alone would stop at the first unknown key with its own wording;
//! the walk names every key that is unknown (with "did you mean") or holds
//! the wrong kind of value (a date where a quoted month belongs, `[vendor]`
//! for `[[vendor]]`) with its line and the form it needs, and every header
//! inside a block (`[[agency.initial]]`) that TOML would give to another
//! block than the one it follows. A test holds each list of keys to that
//! of its serde structure in `raw`.

use super::*;

/// Every key of a parsed scenario file that is unknown or holds the wrong
/// kind of value, and every header written apart from its block, in no
/// particular order.
pub(super) fn key_problems(source: &str, document: &DeTable) -> Vec<Problem> {
    let mut problems = Vec::new();
    let walk = Walk {
        source,
        index: std::cell::OnceCell::new(),
    };
    walk.block(document, &SCENARIO, &[], &mut problems);
    problems.extend(headers_apart_from_their_block(source, document));
    problems
}

/// The tables and lists of blocks written under a header of their own
/// inside a block (`[[agency.initial]]`, `[vendor.attributes]`,
/// `[event.set]`, `[vendor.access.secret]`) that another block's or table's
/// header separates from their block's own header. TOML gives such a header
/// to the last block of the list above it, however far above, so an
/// `[[agency.initial]]` written after the `[[event]]` blocks would quietly
/// give its contracts to the last agency; docs/scenario-reference.md asks
/// for each to follow its own block's header.
fn headers_apart_from_their_block(source: &str, document: &DeTable) -> Vec<Problem> {
    // The start of the line on which `span` starts, when that line is a
    // header: a table made by a header has the span of its brackets, or of
    // its key within them where the header makes a table below one.
    let header_line = |span: &Range<usize>| {
        let start = start_of_line(source, span.start);
        source[start..]
            .trim_start()
            .starts_with('[')
            .then_some(start)
    };
    // Every header of a block or a table of the file itself, by line, in order.
    let mut opened: Vec<(usize, String)> = Vec::new();
    for (key, value) in document.iter() {
        let key = key.get_ref();
        match value.get_ref() {
            DeValue::Array(items) => opened.extend(
                items
                    .iter()
                    .filter_map(|item| header_line(&item.span()))
                    .map(|at| (at, format!("[[{}]]", toml_key(key)))),
            ),
            DeValue::Table(table) => {
                if let Some(at) = header_line(&value.span()) {
                    opened.push((at, format!("[{}]", toml_key(key))));
                }
                // `[choice.speed]` opens a table of the file as well.
                headers_within(table, &toml_key(key), &header_line, &mut opened);
            }
            _ => {}
        }
    }
    one_header_per_line(&mut opened);
    let line = |at: usize| line_number(source.as_bytes(), at);
    let mut out = Vec::new();
    for (key, value) in document.iter() {
        let DeValue::Array(items) = value.get_ref() else {
            continue;
        };
        let key = key.get_ref();
        for item in items.iter() {
            let (Some(own), DeValue::Table(block)) = (header_line(&item.span()), item.get_ref())
            else {
                continue;
            };
            let naming = if key.as_ref() == "event" {
                "label"
            } else {
                "name"
            };
            let name = match block.get(naming).map(|n| n.get_ref()) {
                Some(DeValue::String(n)) => format!(" ('{}')", printable(&listed_name(n))),
                _ => String::new(),
            };
            let mut headers = Vec::new();
            headers_within(block, &toml_key(key), &header_line, &mut headers);
            one_header_per_line(&mut headers);
            for (at, header) in headers {
                // The last header of a block or of the file above this one.
                let before = opened.partition_point(|(start, _)| *start < at);
                let Some((between, other)) = before.checked_sub(1).map(|i| &opened[i]) else {
                    continue;
                };
                if *between != own {
                    out.push((
                        Some(at..at),
                        format!(
                            "{header} comes after {other} (line {}), but TOML gives it to the [[{key}]] above that one, on line {}{name}: write it directly below the [[{key}]] it belongs to",
                            line(*between),
                            line(own)
                        ),
                    ));
                }
            }
        }
    }
    out
}

/// `headers` (each line's start and a header) in order of their lines, one
/// per line: a header that makes a table below one it makes too
/// (`[vendor.access.secret]` without `access` above) gives both the line,
/// and the longer names what was written.
fn one_header_per_line(headers: &mut Vec<(usize, String)>) {
    headers.sort_by_key(|(at, header)| (*at, std::cmp::Reverse(header.len())));
    headers.dedup_by_key(|(at, _)| *at);
}

/// `key` as a header writes it: bare when it can be, else quoted
/// (`"top secret"`, `"a.b"`).
fn toml_key(key: &str) -> String {
    if bare_key(key) {
        key.to_string()
    } else {
        format!("{:?}", key)
    }
}

/// The headers inside `table` (of the list of blocks or table `path`), at
/// any depth: each header line's start and how it is written.
fn headers_within(
    table: &DeTable,
    path: &str,
    header_line: &impl Fn(&Range<usize>) -> Option<usize>,
    out: &mut Vec<(usize, String)>,
) {
    for (key, value) in table.iter() {
        let path = format!("{path}.{}", toml_key(key.get_ref()));
        match value.get_ref() {
            DeValue::Table(inner) => {
                if let Some(at) = header_line(&value.span()) {
                    out.push((at, format!("[{path}]")));
                }
                headers_within(inner, &path, header_line, out);
            }
            DeValue::Array(items) => {
                for item in items.iter() {
                    if let DeValue::Table(inner) = item.get_ref() {
                        if let Some(at) = header_line(&item.span()) {
                            out.push((at, format!("[[{path}]]")));
                        }
                        headers_within(inner, &path, header_line, out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The kind of value a key takes.
#[derive(Clone, Copy)]
enum Shape {
    /// A string; says what it holds, e.g. "a vendor's name in quotes".
    Text(&'static str),
    /// A month as a string, `"YYYY-MM"`.
    Month,
    /// A list of names: the scenario's `tiers`.
    Names,
    /// A table of any keys; says what it holds and how it is written.
    Table(&'static str),
    /// Any value; `validate` checks it (a number or a distribution).
    Any,
    /// A list of blocks, each written `[[PATH]]`.
    Blocks(&'static Block),
}

/// A table the file may hold: its keys, in the order serde lists them.
pub(super) struct Block {
    /// The header of one block (`agency.initial`), or "" for the file.
    path: &'static str,
    /// Why its header has double brackets.
    pub(super) why: &'static str,
    keys: &'static [(&'static str, Shape)],
}

const NAME: Shape = Shape::Text("a name in quotes, such as name = \"Acme\"");

/// What a scenario file may hold; each list of keys is that of the serde
/// structure above (a test checks it).
pub(super) const SCENARIO: Block = Block {
    path: "",
    why: "",
    keys: &[
        (
            "name",
            Shape::Text("a title in quotes, such as name = \"Baseline\""),
        ),
        ("start", Shape::Month),
        ("periods", Shape::Any),
        (
            "step",
            Shape::Text("\"month\", \"quarter\" or \"year\", in quotes"),
        ),
        ("runs", Shape::Any),
        ("seed", Shape::Any),
        ("tiers", Shape::Names),
        (
            "choice",
            Shape::Table("a table of weights, written [choice] with one weight per line below it"),
        ),
        ("vendor", Shape::Blocks(&VENDOR)),
        ("agency", Shape::Blocks(&AGENCY)),
        ("event", Shape::Blocks(&EVENT)),
    ],
};

const VENDOR: Block = Block {
    path: "vendor",
    why: "vendors are a list of blocks, one per vendor",
    keys: &[
        ("name", NAME),
        ("brand", Shape::Any),
        (
            "access",
            Shape::Table("a table of tier = access, such as access = { unclassified = 1.0 }"),
        ),
        (
            "attributes",
            Shape::Table("a table of attribute = value, such as attributes = { capability = 0.9 }"),
        ),
    ],
};

const AGENCY: Block = Block {
    path: "agency",
    why: "agencies are a list of blocks, one per agency",
    keys: &[
        ("name", NAME),
        ("units", Shape::Any),
        (
            "tiers",
            Shape::Table(
                "a table of tier = fraction, such as tiers = { unclassified = 0.5, secret = 0.5 }",
            ),
        ),
        ("caution", Shape::Any),
        ("innovation", Shape::Any),
        ("imitation", Shape::Any),
        ("term", Shape::Any),
        ("annual_value", Shape::Any),
        (
            "choice",
            Shape::Table("a table of weights, such as choice = { incumbency = 2.5 }"),
        ),
        ("initial", Shape::Blocks(&INITIAL)),
    ],
};

const INITIAL: Block = Block {
    path: "agency.initial",
    why: "contracts in force are a list of blocks, each after the [[agency]] it belongs to",
    keys: &[
        (
            "vendor",
            Shape::Text("a vendor's name in quotes, such as vendor = \"Acme\""),
        ),
        (
            "tier",
            Shape::Text("a tier's name in quotes, such as tier = \"secret\""),
        ),
        ("units", Shape::Any),
        ("remaining", Shape::Any),
    ],
};

const EVENT: Block = Block {
    path: "event",
    why: "events are a list of blocks, one per event",
    keys: &[
        ("at", Shape::Any),
        ("until", Shape::Any),
        (
            "label",
            Shape::Text("a description in quotes, such as label = \"New accreditation\""),
        ),
        (
            "vendor",
            Shape::Text("a vendor's name in quotes, such as vendor = \"Acme\""),
        ),
        (
            "agency",
            Shape::Text("an agency's name in quotes, or \"*\" for every agency"),
        ),
        (
            "set",
            Shape::Table("a table of key = value, such as set = { brand = 0.9 }"),
        ),
        (
            "add",
            Shape::Table("a table of key = amount, such as add = { brand = 0.05 }"),
        ),
    ],
};

/// The kind of a TOML value, for messages (as `validate` names them).
fn kind(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a decimal number",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a TOML date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

type Item<'i> = Spanned<DeValue<'i>>;

/// The innermost of the tables `within` that has `key` as a key of its own
/// (not a list of blocks), with the shape of that key.
fn owner_of<'t>(
    key: &str,
    within: &[(&'static Block, &'t DeTable<'t>)],
) -> Option<(&'static Block, &'t DeTable<'t>, Shape)> {
    within.iter().rev().find_map(|&(owner, table)| {
        owner
            .keys
            .iter()
            .find(|(k, shape)| *k == key && !matches!(shape, Shape::Blocks(_)))
            .map(|(_, shape)| (owner, table, *shape))
    })
}

struct Walk<'s> {
    source: &'s str,
    /// Where each line starts and each header line's start, kind and path,
    /// made once, when a hint first needs them (a file with thousands of
    /// misplaced keys would otherwise scan the text for each).
    index: std::cell::OnceCell<SourceIndex>,
}

/// The line starts of a scenario's text, and its header lines: where each
/// starts, whether it has double brackets, and its dotted path.
struct SourceIndex {
    lines: LineIndex,
    headers: Vec<(usize, bool, Vec<String>)>,
}

impl SourceIndex {
    fn of(source: &str) -> SourceIndex {
        let lines = LineIndex::of(source);
        let headers = lines
            .starts()
            .iter()
            .filter_map(|&start| {
                let line = source[start..].lines().next()?;
                header(line).map(|(double, path)| (start, double, path))
            })
            .collect();
        SourceIndex { lines, headers }
    }

    /// The line (from 1) on which byte `offset` lies.
    fn line_of(&self, offset: usize) -> usize {
        self.lines.line(offset)
    }
}

impl Walk<'_> {
    /// Checks the keys of one table written as `block`.
    /// `within` holds the tables that enclose it, outermost first (the
    /// file's, then an agency's for a contract in force).
    fn block<'t>(
        &self,
        table: &'t DeTable<'t>,
        block: &'static Block,
        within: &[(&'static Block, &'t DeTable<'t>)],
        out: &mut Vec<Problem>,
    ) {
        let place = if block.path.is_empty() {
            String::new()
        } else {
            format!(" in [[{}]]", block.path)
        };
        // The tables that enclose this block's values.
        let enclosing: Vec<_> = within.iter().copied().chain([(block, table)]).collect();
        for (key, value) in table.iter() {
            let name = key.get_ref().as_ref();
            match block.keys.iter().find(|(k, _)| *k == name) {
                None => {
                    let allowed: Vec<&str> = block.keys.iter().map(|(k, _)| *k).collect();
                    let mut text = unknown_key(name, &allowed);
                    if let Some(hint) = self.misplaced(name, block, key.span().start, within) {
                        text.push_str("; ");
                        text.push_str(&hint);
                    }
                    out.push((Some(key.span()), text));
                }
                Some((_, shape)) => self.value(name, &place, value, *shape, &enclosing, out),
            }
        }
    }

    /// When `key`, unknown in `block`, is a key of a table that holds the
    /// block (`within`, searched from the innermost: an agency's for a
    /// contract in force, then the whole scenario's), and the block was
    /// opened by a header line above `at`: how TOML read the key, and where
    /// it belongs, or where that table already sets it. TOML gives every
    /// key below a header to that header's table, so a `runs = 5000` added
    /// at the end of a file lands in its last `[[event]]`. Said as a
    /// condition ("if 'runs' is meant for the whole scenario"), since the
    /// key may also be a slip for one of the block's own. A key that names a
    /// list of blocks gets no hint; `name`, unknown only in blocks without
    /// one (an event, a contract in force), gets one only where the
    /// enclosing table has no name yet.
    fn misplaced(
        &self,
        key: &str,
        block: &Block,
        at: usize,
        within: &[(&'static Block, &DeTable)],
    ) -> Option<String> {
        let (owner, owner_table, _) = owner_of(key, within)?;
        let already = owner_table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(k, _)| k.span().start);
        // Every event and contract in force would be told to delete a name
        // meant as its label or by mistake; a name the table lacks is told.
        if key == "name" && already.is_some() {
            return None;
        }
        let index = self.index.get_or_init(|| SourceIndex::of(self.source));
        let line_of = |offset: usize| index.line_of(offset);
        // The headers above the key: the last of them, and the last of the
        // owner's.
        let headers = &index.headers[..index.headers.partition_point(|(start, ..)| *start < at)];
        let (start, double, path) = headers.last()?;
        if !double || path.join(".") != block.path {
            return None;
        }
        let captured = format!(
            "TOML puts every key below a header into that header's block, here the [[{}]] on line {}",
            block.path,
            line_of(*start)
        );
        let (whose, where_it_goes) = if owner.path.is_empty() {
            (
                "the whole scenario".to_string(),
                "among the scenario's own keys at the top of the file, before the first [ or [[ header"
                    .to_string(),
            )
        } else {
            let owner_at = headers
                .iter()
                .rposition(|(_, double, path)| *double && path.join(".") == owner.path)?;
            let owner_header = headers[owner_at].0;
            // The owner's own keys end at the next header of any kind (its
            // first contract in force, or a table such as [agency.choice]).
            let (next, next_double, next_path) = headers.get(owner_at + 1)?;
            (
                format!("the {}", owner.path),
                format!(
                    "among the {}'s own keys, below its [[{}]] header on line {} and above the {} header on line {}",
                    owner.path,
                    owner.path,
                    line_of(owner_header),
                    bracketed(*next_double, next_path),
                    line_of(*next)
                ),
            )
        };
        Some(match already.map(line_of) {
            Some(line) => format!(
                "if '{key}' is meant for {whose}: {captured}, and {whose} already sets it on line {line}; change it there and delete this line"
            ),
            None => {
                format!("if '{key}' is meant for {whose}: {captured}; write it {where_it_goes}")
            }
        })
    }

    /// Checks one value, of `key` in the table that `within` ends with.
    fn value<'t>(
        &self,
        key: &str,
        place: &str,
        v: &'t Item<'t>,
        shape: Shape,
        within: &[(&'static Block, &'t DeTable<'t>)],
        out: &mut Vec<Problem>,
    ) {
        let span = v.span();
        // A value of the wrong kind here that is of the right kind for the
        // same key of an enclosing table (`tiers = [...]` added at the end
        // of a file lands in the last [[agency]]): how TOML read it.
        // Only where that table does not set the key yet: otherwise the line
        // is more likely the block's own, written wrong.
        let late = || {
            let ((block, _), outer) = within.split_last()?;
            let (_, owner_table, owner_shape) = owner_of(key, outer)?;
            if owner_table.iter().any(|(k, _)| k.get_ref().as_ref() == key) {
                return None;
            }
            let fits = matches!(
                (owner_shape, v.get_ref()),
                (Shape::Names, DeValue::Array(_))
                    | (Shape::Text(_) | Shape::Month, DeValue::String(_))
                    | (Shape::Table(_), DeValue::Table(_))
                    | (Shape::Any, _)
            );
            fits.then(|| self.misplaced(key, block, span.start, outer))
                .flatten()
        };
        let mut wrong = |what: &str| {
            let mut text = format!("`{key}`{place} must be {what}, not {}", kind(v.get_ref()));
            if let Some(hint) = late() {
                text.push_str("; ");
                text.push_str(&hint);
            }
            out.push((Some(span.clone()), text));
        };
        match (shape, v.get_ref()) {
            (Shape::Text(_) | Shape::Month, DeValue::String(_)) => {}
            (Shape::Month, DeValue::Datetime(d)) => {
                out.push((
                    Some(span.clone()),
                    unquoted_date(&format!("`{key}`"), key, "", d),
                ));
            }
            (Shape::Month, _) => wrong("a quoted month like \"2026-01\""),
            (Shape::Text(what), DeValue::Datetime(_)) => {
                let text = self.source[span.clone()].trim();
                out.push((
                    Some(span.clone()),
                    format!(
                        "`{key}`{place} must be {what}, not a TOML date: write {key} = \"{text}\""
                    ),
                ));
            }
            (Shape::Text(what), _) => wrong(what),
            (Shape::Names, DeValue::Array(items)) => {
                for item in items.iter() {
                    if !matches!(item.get_ref(), DeValue::String(_)) {
                        out.push((
                            Some(item.span()),
                            format!(
                                "`{key}` must list tier names in quotes, such as tiers = [\"unclassified\", \"secret\"], but holds {}",
                                kind(item.get_ref())
                            ),
                        ));
                    }
                }
            }
            (Shape::Names, _) => {
                wrong("a list of tier names, such as tiers = [\"unclassified\", \"secret\"]")
            }
            (Shape::Table(_), DeValue::Table(_)) | (Shape::Any, _) => {
                self.integers(key, place, v, out)
            }
            (Shape::Table(what), _) => wrong(what),
            (Shape::Blocks(block), DeValue::Array(items)) => {
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::Table(t) => self.block(t, block, within, out),
                        other => out.push((
                            Some(item.span()),
                            format!(
                                "each entry of `{key}`{place} must be a [[{}]] block, not {}",
                                block.path,
                                kind(other)
                            ),
                        )),
                    }
                }
            }
            (Shape::Blocks(block), DeValue::Table(_)) => {
                let path = block.path;
                // A table from a header spans the header itself.
                // A header of blocks inside it (`[[agency.initial]]`) with
                // no `[[agency]]` above makes the table by itself.
                let line_start = start_of_line(self.source, span.start);
                let header = self.source[line_start..]
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim_start();
                let message = if self.source[span.clone()].starts_with('[') {
                    format!(
                        "`[{path}]` must be written `[[{path}]]`, with double brackets: {}",
                        block.why
                    )
                } else if path == "agency"
                    && header
                        .strip_prefix("[[")
                        .and_then(|h| h.split(']').next())
                        .is_some_and(|inner| inner.trim() == format!("{path}.initial"))
                {
                    let inner = format!("{path}.initial");
                    format!(
                        "[[{inner}]] needs a [[{path}]] block written above it: each [[{inner}]] block belongs to the [[{path}]] just above it"
                    )
                } else {
                    format!(
                        "`{key}`{place} must be a list of blocks, each written `[[{path}]]`, not a single table: {}",
                        block.why
                    )
                };
                out.push((Some(span.clone()), message));
            }
            (Shape::Blocks(block), _) => wrong(&format!(
                "a list of blocks, each written `[[{}]]`",
                block.path
            )),
        }
    }

    /// Integers anywhere in `v` must fit TOML's 64 bits; serde would say
    /// "invalid type: integer ... as i128".
    fn integers(&self, key: &str, place: &str, v: &Item, out: &mut Vec<Problem>) {
        match v.get_ref() {
            DeValue::Integer(i) if i64::from_str_radix(i.as_str(), i.radix()).is_err() => {
                let text = self.source[v.span()].trim();
                let how = if i.as_str().starts_with('-') {
                    "small"
                } else {
                    "large"
                };
                out.push((
                    Some(v.span()),
                    format!(
                        "`{key}`{place}: the integer {text} is too {how}; TOML integers lie between {} and {}",
                        i64::MIN,
                        i64::MAX
                    ),
                ));
            }
            DeValue::Array(items) => {
                for item in items.iter() {
                    self.integers(key, place, item, out);
                }
            }
            DeValue::Table(t) => {
                for (_, item) in t.iter() {
                    self.integers(key, place, item, out);
                }
            }
            _ => {}
        }
    }
}

/// A TOML header line, `[a.b]` or `[[a.b]]`: whether it has double
/// brackets, and its keys with quotes and spaces removed.
pub(super) fn header(line: &str) -> Option<(bool, Vec<String>)> {
    let line = line.trim_start();
    let inner = line.strip_prefix('[')?;
    let (double, inner) = match inner.strip_prefix('[') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let keys = inner.split(']').next()?;
    Some((double, dotted(keys)))
}

/// `a . "b"` as `["a", "b"]`.
fn dotted(keys: &str) -> Vec<String> {
    keys.split('.')
        .map(|k| k.trim().trim_matches(['"', '\'']).to_string())
        .collect()
}

/// `[a.b]` or `[[a.b]]`.
pub(super) fn bracketed(double: bool, keys: &[String]) -> String {
    let path = keys.join(".");
    if double {
        format!("[[{path}]]")
    } else {
        format!("[{path}]")
    }
}

/// The list of blocks a header path names (`agency.initial`), if it is one.
pub(super) fn block_of(path: &[String]) -> Option<&'static Block> {
    let path = path.join(".");
    [&VENDOR, &AGENCY, &EVENT, &INITIAL]
        .into_iter()
        .find(|b| b.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys serde allows in `T`, in its order.
    fn serde_keys<T: de::DeserializeOwned + fmt::Debug>() -> Vec<String> {
        let e = toml::from_str::<T>("not_a_key = 1").unwrap_err();
        let (_, expected) = e.message().split_once("expected ").unwrap();
        expected
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    fn walk_keys(block: &Block) -> Vec<String> {
        block.keys.iter().map(|(k, _)| k.to_string()).collect()
    }

    /// The walk knows every key serde does, in serde's order (which the
    /// "allowed here" lists keep), and no other.
    #[test]
    fn the_walk_allows_the_keys_of_the_serde_structures() {
        assert_eq!(walk_keys(&SCENARIO), serde_keys::<RawScenario>());
        assert_eq!(walk_keys(&VENDOR), serde_keys::<RawVendor>());
        assert_eq!(walk_keys(&AGENCY), serde_keys::<RawAgency>());
        assert_eq!(walk_keys(&INITIAL), serde_keys::<RawInitial>());
        assert_eq!(walk_keys(&EVENT), serde_keys::<RawEvent>());
    }
}
