//! Text normalization shared by every parser.
//!
//! Government spreadsheets and PDF text layers mix full-width and half-width punctuation,
//! non-breaking and ideographic spaces, and line breaks in the middle of sentences. These
//! helpers fold all of that into one form so that "（1）" and "(1)" compare equal and a cell
//! of only spaces counts as empty.

/// Folds full-width ASCII variants (U+FF01..U+FF5E) to ASCII and the ideographic space to a
/// plain space. Chinese punctuation that has no ASCII twin in meaning (、。《》) is kept.
pub fn fold_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' | '\u{00A0}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Trims and collapses every run of whitespace (including line breaks, tabs, ideographic
/// and non-breaking spaces) to one space, then removes the spaces that a PDF text layer puts
/// between two CJK characters, where Chinese text never has one.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() || c == '\u{3000}' || c == '\u{00A0}' || c == '\u{200B}' {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            let prev = out.chars().next_back();
            if !(prev.is_some_and(is_cjk_or_cjk_punct) || is_cjk_or_cjk_punct(c)) {
                out.push(' ');
            }
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// True for CJK ideographs and the CJK/full-width punctuation blocks.
pub fn is_cjk_or_cjk_punct(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F   // CJK symbols and punctuation
        | 0x3400..=0x4DBF // extension A
        | 0x4E00..=0x9FFF // unified ideographs
        | 0xF900..=0xFAFF // compatibility ideographs
        | 0xFF00..=0xFFEF // half-width and full-width forms
        | 0x2014 | 0x2026 | 0x201C | 0x201D | 0x2018 | 0x2019 // — … “ ” ‘ ’
    )
}

/// Splits a cell that lists several names, as the list writes 牵头负责单位:
/// "退役军人部、人力资源社会保障部". Accepts 、，,；;／/ and line breaks as separators and
/// drops empty pieces.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(['、', '，', ',', '；', ';', '／', '/', '\n', '\r'])
        .map(clean)
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_width_maps_fullwidth_ascii() {
        assert_eq!(fold_width("（１）ＡＢ：　x"), "(1)AB: x");
        assert_eq!(fold_width("、。《》"), "、。《》");
    }

    #[test]
    fn clean_collapses_and_drops_spaces_between_cjk() {
        assert_eq!(clean("  农村 免费\n孕前  优生 "), "农村免费孕前优生");
        assert_eq!(clean("每年 2 次"), "每年2次");
        assert_eq!(clean("GB/T  1.1 text"), "GB/T 1.1 text");
        assert_eq!(clean("\u{3000}\t"), "");
    }

    #[test]
    fn split_list_accepts_all_separators() {
        assert_eq!(
            split_list("退役军人部、人力资源社会保障部；国家卫生健康委, 民政部"),
            vec![
                "退役军人部",
                "人力资源社会保障部",
                "国家卫生健康委",
                "民政部"
            ]
        );
        assert!(split_list(" 、 ").is_empty());
    }
}
