//! One form for every text before it is cut into words: full-width folded to half-width,
//! lowercase, traditional characters mapped to simplified.
//!
//! Documents and queries go through the same function, so a resident who types 老年人體檢
//! or ＧＢ／Ｔ finds what is written 老年人体检 or GB/T. Every step maps one character to one
//! character (lowercasing may rarely give two), so the normalized text keeps a map back to
//! the original's byte offsets: snippets highlight the text as it was written.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The traditional→simplified character map shipped in `data/search/t2s.tsv` (derived from
/// OpenCC's TSCharacters, Apache-2.0; see `data/search/README.md`).
const T2S_TSV: &str = include_str!("../../../data/search/t2s.tsv");

fn t2s_table() -> &'static HashMap<char, char> {
    static TABLE: OnceLock<HashMap<char, char>> = OnceLock::new();
    TABLE.get_or_init(|| {
        // The file is compiled in and checked by a test, so a malformed line can only come
        // from editing it by hand; such a line is skipped here and reported by that test.
        T2S_TSV
            .lines()
            .skip(1)
            .filter_map(|line| {
                let (t, s) = line.split_once('\t')?;
                let mut t = t.chars();
                let mut s = s.chars();
                match (t.next(), t.next(), s.next(), s.next()) {
                    (Some(t), None, Some(s), None) => Some((t, s)),
                    _ => None,
                }
            })
            .collect()
    })
}

/// Converts traditional Chinese characters to simplified ones, character by character
/// (老年人體檢 → 老年人体检). Characters without a traditional form pass through unchanged.
/// Character level means a few characters whose simplified form depends on the word
/// (乾 in 乾隆) are mapped to their usual form (干); search applies the same map to
/// documents and queries, so matching is unaffected.
pub fn to_simplified(s: &str) -> String {
    let table = t2s_table();
    s.chars().map(|c| *table.get(&c).unwrap_or(&c)).collect()
}

/// A text in normalized form, with the way back to the original's byte offsets.
pub(crate) struct Normalized {
    /// The normalized text.
    pub text: String,
    /// For every byte offset of `text` that starts a character, and for `text.len()`, the
    /// byte offset in the original text where that character came from.
    orig: Vec<usize>,
    orig_len: usize,
}

impl Normalized {
    /// Folds width, lowercases and maps traditional to simplified.
    pub fn new(original: &str) -> Self {
        let table = t2s_table();
        // fold_width maps each character to exactly one character, so its output lines up
        // with the original character by character.
        let folded = gongfu_domain::text::fold_width(original);
        let mut text = String::with_capacity(original.len());
        let mut orig = Vec::with_capacity(original.len() + 1);
        for ((at, _), c) in original.char_indices().zip(folded.chars()) {
            for lower in c.to_lowercase() {
                let c = *table.get(&lower).unwrap_or(&lower);
                text.push(c);
                orig.resize(text.len(), at);
            }
        }
        orig.push(original.len());
        Normalized {
            text,
            orig,
            orig_len: original.len(),
        }
    }

    /// The original byte range of the normalized byte range `from..to` (both on character
    /// boundaries of the normalized text). Never empty when `from < to`.
    pub fn original_range(&self, original: &str, from: usize, to: usize) -> (usize, usize) {
        let start = self.orig.get(from).copied().unwrap_or(self.orig_len);
        let mut end = self.orig.get(to).copied().unwrap_or(self.orig_len);
        if end <= start && from < to {
            // Only when one original character became several (lowercasing 'İ') and a token
            // ends inside them: widen to the whole original character.
            end = original[start..]
                .chars()
                .next()
                .map_or(self.orig_len, |c| start + c.len_utf8());
        }
        (start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_to_simplified() {
        assert_eq!(to_simplified("老年人體檢"), "老年人体检");
        assert_eq!(to_simplified("殘疾人補貼"), "残疾人补贴");
        assert_eq!(to_simplified("退役軍人"), "退役军人");
        assert_eq!(to_simplified("已是简体 ABC"), "已是简体 ABC");
    }

    #[test]
    fn shipped_table_is_well_formed() {
        let mut lines = T2S_TSV.lines();
        assert_eq!(lines.next(), Some("繁体\t简体"));
        let mut n = 0;
        for (i, line) in lines.enumerate() {
            let (t, s) = line
                .split_once('\t')
                .unwrap_or_else(|| panic!("t2s.tsv line {}: no tab in {line:?}", i + 2));
            assert_eq!(t.chars().count(), 1, "t2s.tsv line {}: {line:?}", i + 2);
            assert_eq!(s.chars().count(), 1, "t2s.tsv line {}: {line:?}", i + 2);
            assert_ne!(t, s, "t2s.tsv line {}: maps a character to itself", i + 2);
            n += 1;
        }
        assert_eq!(t2s_table().len(), n);
        assert!(
            n > 4000,
            "OpenCC's TSCharacters has over 4,000 entries, found {n}"
        );
    }

    #[test]
    fn normalized_folds_width_case_and_script_and_maps_back() {
        let original = "ＧＢ／Ｔ　老年人體檢";
        let n = Normalized::new(original);
        assert_eq!(n.text, "gb/t 老年人体检");
        // "体检" in the normalized text is "體檢" in the original.
        let from = n.text.find("体检").expect("normalized text has 体检");
        let (a, b) = n.original_range(original, from, from + "体检".len());
        assert_eq!(&original[a..b], "體檢");
        let (a, b) = n.original_range(original, 0, 2);
        assert_eq!(&original[a..b], "ＧＢ");
    }

    #[test]
    fn expanding_lowercase_maps_back_to_whole_characters() {
        let original = "xİy";
        let n = Normalized::new(original);
        assert_eq!(n.text, "xi\u{307}y");
        let (a, b) = n.original_range(original, 1, 2);
        assert_eq!(&original[a..b], "İ");
        let (a, b) = n.original_range(original, 1, n.text.len());
        assert_eq!(&original[a..b], "İy");
    }
}
