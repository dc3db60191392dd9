//! Line numbers for messages. Every message that names a line of a scenario
//! file counts it the same way, from 1, by the line breaks (`\n`) before the
//! byte it points at, whether it asks once ([`line_number`], which also
//! takes text that is not valid UTF-8) or many times ([`LineIndex`]).

/// The line (from 1) on which byte `offset` of `text` lies; an offset past
/// the end lies on the last line.
pub(crate) fn line_number(text: &[u8], offset: usize) -> usize {
    let end = offset.min(text.len());
    text[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Where each line of a text starts, for the line of many offsets: the same
/// lines as [`line_number`], each found by a binary search.
pub(crate) struct LineIndex {
    /// The offset of each line's first byte: 0, then one past each `\n`.
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn of(text: &str) -> LineIndex {
        LineIndex {
            starts: [0]
                .into_iter()
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        }
    }

    /// The line (from 1) on which byte `offset` lies.
    pub(crate) fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }

    /// The offset of each line's first byte, in order.
    pub(crate) fn starts(&self) -> &[usize] {
        &self.starts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines found by search are the lines counted from the top, at every
    /// offset: on a break, after the last one, past the end.
    #[test]
    fn lines_by_search_are_lines_by_count() {
        for text in [
            "",
            "a",
            "\n",
            "a\nb",
            "a\n\nbc\n",
            "x = 1\r\ny = \"\u{e9}\"\n\n",
        ] {
            let index = LineIndex::of(text);
            for at in 0..=text.len() + 2 {
                assert_eq!(
                    index.line(at),
                    line_number(text.as_bytes(), at),
                    "{text:?} at {at}"
                );
            }
        }
        assert_eq!(line_number(b"a\nb\nc", 4), 3);
    }
}
