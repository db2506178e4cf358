//! Synonym groups as data: words residents use for the same thing (老人, 老年人, 长者).
//!
//! A query word that belongs to a group also matches every other word of the group. A line
//! with `>` is one-way, for life events a resident names by what happens to them (生孩子 >
//! 生育|孕产妇|新生儿): the words on the left also match the words on the right, a little
//! less strongly than synonyms, and not the other way round (孕产妇 does not find every
//! 生孩子). The expansion happens at query time, so changing the groups needs no reindexing of the
//! documents, only a new [`crate::SearchIndex`] (the words also join the segmentation
//! dictionary, so that 社康 is one word and not 社 + 康).

use std::collections::HashMap;

use crate::normalize::Normalized;
use crate::SearchError;

/// The header line every synonyms file starts with.
pub const SYNONYMS_HEADER: &str = "同义词组";

/// The longest word a group may hold, in characters. Longer entries are phrases, not words.
const MAX_WORD_CHARS: usize = 32;

/// Groups of words that mean the same thing, normalized (simplified, lowercase,
/// half-width) so they compare with normalized queries.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    groups: Vec<Vec<String>>,
    by_word: HashMap<String, Vec<usize>>,
    /// One-way expansions: a word, and the words it also finds.
    related: Vec<(String, Vec<String>)>,
}

impl Synonyms {
    /// No synonyms at all.
    pub fn none() -> Self {
        Self::default()
    }

    /// The groups shipped in `data/search/synonyms.csv`: everyday Chinese words for the
    /// services of the national list.
    pub fn shipped() -> Self {
        #[allow(clippy::expect_used)]
        Self::parse(include_str!("../../../data/search/synonyms.csv"))
            .expect("data/search/synonyms.csv is compiled in and parsed by a unit test")
    }

    /// Reads a synonyms file: the header line `同义词组`, then one group per line, its
    /// words separated by `|`, `,`, `，` or `、`; or a one-way line `words > related words`
    /// (`>` or `＞`), each side written like a group. Blank lines and lines starting with
    /// `#` are skipped. Errors name the line and say what to fix.
    pub fn parse(text: &str) -> Result<Self, SearchError> {
        let err = |line: usize, message: String| SearchError::Synonyms { line, message };
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
        match lines.next() {
            Some((_, header)) if header.trim_start_matches('\u{feff}').trim() == SYNONYMS_HEADER => {}
            Some((n, header)) => {
                return Err(err(
                    n,
                    format!(
                        "expected the header `{SYNONYMS_HEADER}`, found `{}`; the first line names the column",
                        header.trim()
                    ),
                ))
            }
            None => {
                return Err(err(
                    1,
                    format!("the file is empty; it needs the header `{SYNONYMS_HEADER}` and one group per line"),
                ))
            }
        }
        let mut out = Synonyms::default();
        for (n, line) in lines {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some((from, to)) = line.split_once(['>', '＞']) {
                let from = words(n, from.trim(), 1)?;
                let to = words(n, to.trim(), 1)?;
                if let Some(w) = to.iter().find(|w| from.contains(w)) {
                    return Err(err(
                        n,
                        format!("`{w}` is on both sides of `>`; a word need not find itself"),
                    ));
                }
                for w in from {
                    out.related.push((w, to.clone()));
                }
                continue;
            }
            let group = words(n, line, 2)?;
            let id = out.groups.len();
            for word in &group {
                out.by_word.entry(word.clone()).or_default().push(id);
            }
            out.groups.push(group);
        }
        Ok(out)
    }

    /// The groups, normalized.
    pub fn groups(&self) -> &[Vec<String>] {
        &self.groups
    }

    /// Every word of every group and of every one-way line, normalized.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.groups.iter().flatten().map(String::as_str).chain(
            self.related
                .iter()
                .flat_map(|(w, to)| std::iter::once(w).chain(to))
                .map(String::as_str),
        )
    }

    /// The words `word` (normalized) or one of its synonyms also finds one way (生孩子 →
    /// 生育, 孕产妇, 新生儿), in file order, without its synonyms.
    pub fn related(&self, word: &str) -> Vec<&str> {
        let synonyms = self.alternatives(word);
        let mut out: Vec<&str> = Vec::new();
        let from = |w: &str| w == word || synonyms.contains(&w);
        for (_, to) in self.related.iter().filter(|(w, _)| from(w)) {
            for w in to {
                if w != word && !synonyms.contains(&w.as_str()) && !out.contains(&w.as_str()) {
                    out.push(w);
                }
            }
        }
        out
    }

    /// The other words of every group that `word` (normalized) belongs to, in file order.
    pub fn alternatives(&self, word: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for &g in self.by_word.get(word).map(Vec::as_slice).unwrap_or(&[]) {
            for w in &self.groups[g] {
                if w != word && !out.contains(&w.as_str()) {
                    out.push(w);
                }
            }
        }
        out
    }
}

/// The words of one side of a line (a group, or a side of a one-way line), normalized and
/// checked; at least `min` of them.
fn words(n: usize, line: &str, min: usize) -> Result<Vec<String>, SearchError> {
    let err = |message: String| SearchError::Synonyms { line: n, message };
    let mut group: Vec<String> = Vec::new();
    for raw in line.split(['|', '｜', ',', '，', '、']) {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(err(format!(
                "an empty word in `{line}`; remove the doubled or trailing separator"
            )));
        }
        let word = Normalized::new(raw).text;
        if !word.chars().any(char::is_alphanumeric) {
            return Err(err(format!(
                "`{raw}` has no letter, digit or Chinese character"
            )));
        }
        if word.chars().count() > MAX_WORD_CHARS {
            return Err(err(format!("`{raw}` is longer than {MAX_WORD_CHARS} characters; synonyms are words, not sentences")));
        }
        if group.contains(&word) {
            return Err(err(format!(
                "`{raw}` appears twice in the group (after simplifying and lowercasing)"
            )));
        }
        group.push(word);
    }
    if group.len() < min {
        return Err(err(format!(
            "`{line}` is a group of one word; a group needs at least two"
        )));
    }
    Ok(group)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_of(r: Result<Synonyms, SearchError>) -> usize {
        match r {
            Err(SearchError::Synonyms { line, .. }) => line,
            other => panic!("expected a synonyms error, got {other:?}"),
        }
    }

    #[test]
    fn parses_groups_with_every_separator_and_normalizes() {
        let s = Synonyms::parse("同义词组\n# 注释\n老人|老年人|長者\n\n补贴,补助，津贴、ＡＢ\n")
            .expect("valid file");
        assert_eq!(s.groups().len(), 2);
        assert_eq!(s.alternatives("老人"), vec!["老年人", "长者"]);
        assert_eq!(s.alternatives("长者"), vec!["老人", "老年人"]);
        assert_eq!(s.alternatives("ab"), vec!["补贴", "补助", "津贴"]);
        assert!(s.alternatives("孕妇").is_empty());
    }

    #[test]
    fn a_word_in_two_groups_gets_both() {
        let s = Synonyms::parse("同义词组\n幼儿园|学前教育\n托幼|幼儿园\n").expect("valid");
        assert_eq!(s.alternatives("幼儿园"), vec!["学前教育", "托幼"]);
    }

    #[test]
    fn one_way_lines_expand_only_from_the_left() {
        let s = Synonyms::parse("同义词组\n生孩子|生育\n生孩子|坐月子 > 孕产妇|新生儿|生育\n")
            .expect("valid");
        assert_eq!(
            s.related("生孩子"),
            vec!["孕产妇", "新生儿"],
            "synonyms are not repeated"
        );
        assert_eq!(s.related("坐月子"), vec!["孕产妇", "新生儿", "生育"]);
        assert!(s.related("孕产妇").is_empty());
        assert_eq!(
            s.related("生育"),
            vec!["孕产妇", "新生儿"],
            "through its synonym 生孩子"
        );
        assert!(s.alternatives("孕产妇").is_empty());
        assert!(s.words().any(|w| w == "新生儿"), "joins the dictionary");
        assert_eq!(
            line_of(Synonyms::parse("同义词组\n生孩子 > 生孩子|生育\n")),
            2
        );
        assert_eq!(line_of(Synonyms::parse("同义词组\n\n生孩子 >\n")), 3);
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(line_of(Synonyms::parse("")), 1);
        assert_eq!(line_of(Synonyms::parse("words\n老人|长者\n")), 1);
        assert_eq!(
            line_of(Synonyms::parse("同义词组\n老人|长者\n老人||长者\n")),
            3
        );
        assert_eq!(line_of(Synonyms::parse("同义词组\n老人\n")), 2);
        assert_eq!(line_of(Synonyms::parse("同义词组\n老人|（）\n")), 2);
        assert_eq!(line_of(Synonyms::parse("同义词组\n\n老人|老人\n")), 3);
        let long = "长".repeat(40);
        assert_eq!(
            line_of(Synonyms::parse(&format!("同义词组\n老人|{long}\n"))),
            2
        );
        let msg = Synonyms::parse("同义词组\n老人|\n")
            .expect_err("trailing separator")
            .to_string();
        assert!(msg.contains("line 2") && msg.contains("老人|"), "{msg}");
    }

    #[test]
    fn shipped_file_parses_and_has_the_everyday_groups() {
        let s = Synonyms::parse(include_str!("../../../data/search/synonyms.csv"))
            .unwrap_or_else(|e| panic!("data/search/synonyms.csv: {e}"));
        assert!(s.groups().len() >= 40, "{} groups", s.groups().len());
        for (word, alt) in [
            ("老人", "老年人"),
            ("社康", "社区健康服务中心"),
            ("孕妇", "孕产妇"),
            ("残疾人", "残障人士"),
            ("退役军人", "复员军人"),
            ("体检", "健康体检"),
            ("补贴", "补助"),
            ("低保", "最低生活保障"),
            ("医保", "基本医疗保险"),
        ] {
            assert!(
                s.alternatives(word).contains(&alt),
                "{word} should expand to {alt}: {:?}",
                s.alternatives(word)
            );
        }
    }
}
