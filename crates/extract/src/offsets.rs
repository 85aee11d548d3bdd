//! Byte ↔ character offsets of one case text, precomputed once.
//!
//! Matching works on byte offsets (what the automaton and the regexes
//! return); evidence is reported in character offsets (what `oa:start` /
//! `oa:end` count, and what [`reformkg_corpus::Section`] offsets count).
//! Every conversion between the two goes through a [`CharIndex`], built once
//! per case text: each lookup is one array read.

/// The two conversion tables of one text.
pub(super) struct CharIndex {
    /// For every byte offset `0..=len`: the characters that start before it.
    chars_before_byte: Table,
    /// For every character offset `0..=chars`: the byte where it starts
    /// (the text length for the end).
    byte_of_char: Table,
}

/// Offsets, four bytes each when the text allows (any text under 4 GiB).
enum Table {
    Narrow(Vec<u32>),
    Wide(Vec<usize>),
}

impl Table {
    fn get(&self, i: usize) -> usize {
        match self {
            Table::Narrow(values) => values[i] as usize,
            Table::Wide(values) => values[i],
        }
    }

    fn last_index(&self) -> usize {
        match self {
            Table::Narrow(values) => values.len() - 1,
            Table::Wide(values) => values.len() - 1,
        }
    }
}

/// (characters before each byte offset, byte offset of each character),
/// both with a final entry for the end of the text.
fn tables<T>(text: &str, offset: impl Fn(usize) -> T) -> (Vec<T>, Vec<T>) {
    let mut chars_before = Vec::with_capacity(text.len() + 1);
    let mut char_starts = Vec::with_capacity(text.len() / 3 + 1);
    let mut chars = 0;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        // A byte that is not a UTF-8 continuation byte starts a character.
        if b & 0xC0 != 0x80 {
            char_starts.push(offset(i));
            chars_before.push(offset(chars));
            chars += 1;
        } else {
            chars_before.push(offset(chars));
        }
    }
    chars_before.push(offset(chars));
    char_starts.push(offset(text.len()));
    (chars_before, char_starts)
}

impl CharIndex {
    pub(super) fn new(text: &str) -> Self {
        // Every offset is at most the byte length: when that fits in u32,
        // no conversion truncates.
        let (chars_before_byte, byte_of_char) = if u32::try_from(text.len()).is_ok() {
            let (a, b) = tables(text, |v| v as u32);
            (Table::Narrow(a), Table::Narrow(b))
        } else {
            let (a, b) = tables(text, |v| v);
            (Table::Wide(a), Table::Wide(b))
        };
        Self {
            chars_before_byte,
            byte_of_char,
        }
    }

    /// Character offset of a byte offset (the character count when past
    /// the end; inside a character, that character's offset + 1).
    pub(super) fn char_offset(&self, byte: usize) -> usize {
        let table = &self.chars_before_byte;
        table.get(byte.min(table.last_index()))
    }

    /// Byte offset of a character offset (the text length when past the end).
    pub(super) fn byte_offset(&self, char_offset: usize) -> usize {
        let table = &self.byte_of_char;
        table.get(char_offset.min(table.last_index()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_convert_both_ways() {
        let text = "a上海b市\n";
        let index = CharIndex::new(text);
        for (chars, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(index.char_offset(byte), chars);
            assert_eq!(index.byte_offset(chars), byte);
        }
        let chars = text.chars().count();
        assert_eq!(index.char_offset(text.len()), chars);
        assert_eq!(index.char_offset(text.len() + 5), chars);
        assert_eq!(index.byte_offset(chars), text.len());
        assert_eq!(index.byte_offset(chars + 5), text.len());
        // Inside 上 (bytes 1..4): one character (a) starts before, then 上.
        assert_eq!(index.char_offset(2), 2);
        let empty = CharIndex::new("");
        assert_eq!((empty.char_offset(0), empty.byte_offset(3)), (0, 0));
    }
}
