//! Cutting normalized Chinese text into the terms the index stores and the words a query
//! asks for.
//!
//! Documents are indexed with every dictionary word found anywhere in them (jieba's
//! "cut all" mode) plus every Chinese character on its own. Queries are cut once, the way a
//! reader would (jieba's default mode). So a query word that is a dictionary word matches
//! wherever it occurs as a substring, whatever segmentation the surrounding text would
//! have had: 健康 is found inside 老年人健康管理, and 养老 inside 养老人员 even though 老人 is
//! a word too. A query word the dictionary does not know is cut into characters, which are
//! all indexed, and the phrase bonus in the query puts them back together.
//!
//! Positions are character offsets in the normalized text, not token counts: with
//! overlapping terms a token count means nothing, while character offsets let a phrase of
//! query words (老年人 at 0, 体检 at 3) be matched exactly whatever else was indexed there.

use std::sync::{Arc, OnceLock};

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::normalize::Normalized;
use crate::synonyms::Synonyms;
use crate::PlaceWords;

/// The longest term the index keeps, in characters. Jieba's dictionary has no longer
/// words; a run of letters or digits longer than this is clipped (see [`clip`]).
const MAX_TERM_CHARS: usize = 40;

/// The longest user word added to the dictionary, in characters: item names run to about
/// 20 (困难残疾人生活补贴和重度残疾人护理补贴).
const MAX_USER_WORD_CHARS: usize = 24;

/// Words that carry no meaning in a resident's question (怎么办理低保 → 办理, 低保). They
/// are still indexed (phrases need their positions) but a query does not ask for them,
/// unless the query has nothing else.
const STOP_WORDS: &[&str] = &[
    "的",
    "了",
    "和",
    "与",
    "及",
    "或",
    "在",
    "是",
    "有",
    "我",
    "你",
    "他",
    "她",
    "我们",
    "我家",
    "怎么",
    "怎样",
    "如何",
    "哪里",
    "哪儿",
    "哪些",
    "什么",
    "多少",
    "吗",
    "呢",
    "吧",
    "啊",
    "要",
    "想",
    "能",
    "能不能",
    "可以",
    "可不可以",
    "去",
    "到",
    "给",
    "对",
    "把",
    "被",
    "就",
    "都",
    "也",
    "还",
    "请问",
    "请",
    "需要",
    "一下",
    "有没有",
    "这个",
    "那个",
    "哪个",
    "谁",
    "为什么",
    "怎么办",
];

/// True for the Chinese ideographs jieba's dictionary is made of (the basic block, the
/// extensions and the compatibility block) and for 〇.
pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3007
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x3134F)
}

/// A maximal run of Chinese characters, or of other letters and digits, in a normalized
/// text. Everything else (punctuation, spaces, symbols) separates runs and is never a
/// term.
struct Run<'a> {
    text: &'a str,
    han: bool,
    byte: usize,
    char: usize,
}

fn runs(text: &str) -> Vec<Run<'_>> {
    let mut out = Vec::new();
    // (kind, start byte, start char) of the open run; kind true = Chinese.
    let mut open: Option<(bool, usize, usize)> = None;
    for (chars, (at, c)) in text.char_indices().enumerate() {
        let kind = if is_han(c) {
            Some(true)
        } else if c.is_alphanumeric() {
            Some(false)
        } else {
            None
        };
        if let Some((han, start, start_char)) = open {
            if kind != Some(han) {
                out.push(Run {
                    text: &text[start..at],
                    han,
                    byte: start,
                    char: start_char,
                });
                open = None;
            }
        }
        if let (None, Some(han)) = (open, kind) {
            open = Some((han, at, chars));
        }
    }
    if let Some((han, start, start_char)) = open {
        out.push(Run {
            text: &text[start..],
            han,
            byte: start,
            char: start_char,
        });
    }
    out
}

/// One term of a document: where it starts (character position and normalized byte range)
/// and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Term {
    pub pos: usize,
    pub chars: usize,
    pub from: usize,
    pub to: usize,
    pub text: String,
}

/// One word of a query, at its character offset in the normalized query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueryWord {
    pub text: String,
    pub pos: usize,
    pub stop: bool,
}

/// The jieba dictionary with the installation's own words, and the synonym groups.
pub(crate) struct Analyzer {
    jieba: Jieba,
    pub synonyms: Synonyms,
    place_words: PlaceWords,
}

/// Jieba's default dictionary, loaded once per process (it takes a noticeable fraction of
/// a second) and cloned for each index, which then adds its own words.
fn base_jieba() -> &'static Jieba {
    static BASE: OnceLock<Jieba> = OnceLock::new();
    BASE.get_or_init(Jieba::new)
}

impl Analyzer {
    /// A dictionary with `user_words` and the synonym words added. Each word is normalized
    /// first and split where it is not Chinese (a user word such as 辖区65岁及以上老年人
    /// becomes 辖区 and 岁及以上老年人), because only runs of Chinese characters are cut by
    /// jieba.
    pub fn new(user_words: &[String], synonyms: Synonyms, place_words: PlaceWords) -> Self {
        let mut jieba = base_jieba().clone();
        let words = user_words
            .iter()
            .map(String::as_str)
            .chain(synonyms.words())
            .chain(place_words.words().iter().map(String::as_str))
            .map(|w| Normalized::new(w).text)
            .collect::<Vec<_>>();
        for word in &words {
            for run in runs(word) {
                let n = run.text.chars().count();
                if run.han && (2..=MAX_USER_WORD_CHARS).contains(&n) {
                    // jieba's suggest_freq is the smallest frequency that keeps the word
                    // whole when it is typed on its own, and never lowers a frequency the
                    // dictionary already has: a larger one would make the word win inside
                    // unrelated text (养老人员 cut as 养/老人/员). Indexing does not depend on
                    // it at all (every dictionary word found is indexed); it only decides how
                    // a query is cut.
                    let freq = jieba.suggest_freq(run.text);
                    jieba.add_word(run.text, Some(freq), None);
                }
            }
        }
        Analyzer {
            jieba,
            synonyms,
            place_words,
        }
    }

    /// The terms of a normalized text, sorted by position then length, without duplicates.
    pub fn index_terms(&self, text: &str) -> Vec<Term> {
        let mut out = Vec::new();
        for run in runs(text) {
            if run.han {
                for t in self.jieba.cut_all(run.text) {
                    let chars = t.end - t.start;
                    if (2..=MAX_TERM_CHARS).contains(&chars) {
                        out.push(Term {
                            pos: run.char + t.start,
                            chars,
                            from: run.byte + t.byte_start,
                            to: run.byte + t.byte_end,
                            text: t.word.to_string(),
                        });
                    }
                }
                for (i, (at, c)) in run.text.char_indices().enumerate() {
                    out.push(Term {
                        pos: run.char + i,
                        chars: 1,
                        from: run.byte + at,
                        to: run.byte + at + c.len_utf8(),
                        text: c.to_string(),
                    });
                }
            } else {
                push_alnum_terms(&run, &mut out);
            }
        }
        out.sort_by_key(|t| (t.pos, t.chars));
        out.dedup_by(|a, b| a.pos == b.pos && a.text == b.text);
        out
    }

    /// The words of a normalized query, cut the way a reader would.
    pub fn query_words(&self, text: &str) -> Vec<QueryWord> {
        let mut out = Vec::new();
        for run in runs(text) {
            if run.han {
                for t in self.jieba.cut(run.text, false) {
                    out.push(QueryWord {
                        text: t.word.to_string(),
                        pos: run.char + t.start,
                        stop: STOP_WORDS.contains(&t.word) || self.place_words.contains(t.word),
                    });
                }
            } else {
                out.push(QueryWord {
                    text: clip(run.text).to_string(),
                    pos: run.char,
                    stop: false,
                });
            }
        }
        out
    }

    /// The parts of a compound query word, for finding documents that have the parts but
    /// not the whole (老年人健康管理 → 老年人, 健康, 管理; 社区健康服务中心 → 社区, 健康,
    /// 服务中心): the longest dictionary word at each point, shorter than the whole. Empty
    /// when the word is not Chinese, shorter than 4 characters, or any part would be a
    /// single character (those parts match too much to stand for the word).
    pub fn parts(&self, word: &str) -> Vec<String> {
        let chars: Vec<(usize, char)> = word.char_indices().collect();
        let n = chars.len();
        if n < 4 || !chars.iter().all(|&(_, c)| is_han(c)) {
            return Vec::new();
        }
        let byte = |i: usize| chars.get(i).map_or(word.len(), |&(b, _)| b);
        let mut out = Vec::new();
        let mut i = 0;
        while i < n {
            let max_len = (n - i).min(n - 1);
            let longest = (2..=max_len)
                .rev()
                .find(|len| self.jieba.has_word(&word[byte(i)..byte(i + len)]));
            match longest {
                Some(len) => {
                    out.push(word[byte(i)..byte(i + len)].to_string());
                    i += len;
                }
                None => return Vec::new(),
            }
        }
        out
    }
}

/// Terms of a run of letters and digits: the run, and when it mixes letters and digits
/// (n0101, db4403) its letter and digit parts too, so 0101 finds N0101.
fn push_alnum_terms(run: &Run<'_>, out: &mut Vec<Term>) {
    let n = run.text.chars().count();
    out.push(Term {
        pos: run.char,
        chars: n,
        from: run.byte,
        to: run.byte + run.text.len(),
        text: clip(run.text).to_string(),
    });
    if n > MAX_TERM_CHARS {
        return;
    }
    let mut start: Option<(usize, usize, bool)> = None;
    let mut parts = Vec::new();
    for (i, (at, c)) in run.text.char_indices().enumerate() {
        let digit = c.is_numeric();
        match start {
            Some((_, _, d)) if d == digit => {}
            Some((s, si, _)) => {
                parts.push((s, si, at, i));
                start = Some((at, i, digit));
            }
            None => start = Some((at, i, digit)),
        }
    }
    if let Some((s, si, _)) = start {
        if !parts.is_empty() {
            parts.push((s, si, run.text.len(), n));
        }
    }
    for (s, si, e, ei) in parts {
        out.push(Term {
            pos: run.char + si,
            chars: ei - si,
            from: run.byte + s,
            to: run.byte + e,
            text: run.text[s..e].to_string(),
        });
    }
}

/// The first [`MAX_TERM_CHARS`] characters of a run of letters and digits: documents and
/// queries are clipped alike, so a pasted long identifier still finds itself.
fn clip(s: &str) -> &str {
    s.char_indices()
        .nth(MAX_TERM_CHARS)
        .map_or(s, |(at, _)| &s[..at])
}

/// A token stream over tokens computed up front.
pub(crate) struct VecTokenStream {
    tokens: Vec<Token>,
    current: Option<usize>,
    empty: Token,
}

impl VecTokenStream {
    fn new(tokens: Vec<Token>) -> Self {
        VecTokenStream {
            tokens,
            current: None,
            empty: Token::default(),
        }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        let next = self.current.map_or(0, |i| i + 1);
        if next < self.tokens.len() {
            self.current = Some(next);
            true
        } else {
            self.current = Some(self.tokens.len());
            false
        }
    }

    fn token(&self) -> &Token {
        self.current
            .and_then(|i| self.tokens.get(i))
            .unwrap_or(&self.empty)
    }

    fn token_mut(&mut self) -> &mut Token {
        match self.current {
            Some(i) if i < self.tokens.len() => &mut self.tokens[i],
            _ => &mut self.empty,
        }
    }
}

/// The tantivy tokenizer of the text fields: normalize, then [`Analyzer::index_terms`],
/// with offsets into the original text.
#[derive(Clone)]
pub(crate) struct IndexTokenizer(pub Arc<Analyzer>);

impl Tokenizer for IndexTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let n = Normalized::new(text);
        let tokens = self
            .0
            .index_terms(&n.text)
            .into_iter()
            .map(|t| {
                let (from, to) = n.original_range(text, t.from, t.to);
                Token {
                    offset_from: from,
                    offset_to: to,
                    position: t.pos,
                    text: t.text,
                    position_length: t.chars,
                }
            })
            .collect();
        VecTokenStream::new(tokens)
    }
}

/// The tokenizer tantivy's snippet generator runs over a stored title or body for one
/// query: the query's words (and their synonyms) wherever they occur, longest first, and
/// every other character as a token with empty text that never matches. The index's own
/// tokenizer would not do: its overlapping terms (老年, 老年人, 老年人健康管理 at one place)
/// make the snippet generator's ranges run backwards.
#[derive(Clone)]
pub(crate) struct HighlightTokenizer {
    /// Normalized strings to highlight, longest first.
    pub patterns: Arc<Vec<String>>,
}

impl Tokenizer for HighlightTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let n = Normalized::new(text);
        let mut tokens = Vec::new();
        let mut at = 0;
        let norm = n.text.as_str();
        while at < norm.len() {
            let rest = &norm[at..];
            let (len, matched) = match self.patterns.iter().find(|p| rest.starts_with(p.as_str())) {
                Some(p) => (p.len(), Some(p.clone())),
                None => (rest.chars().next().map_or(1, char::len_utf8), None),
            };
            let is_space = matched.is_none() && rest.starts_with(char::is_whitespace);
            if !is_space {
                let (from, to) = n.original_range(text, at, at + len);
                tokens.push(Token {
                    offset_from: from,
                    offset_to: to,
                    position: tokens.len(),
                    text: matched.unwrap_or_default(),
                    position_length: 1,
                });
            }
            at += len;
        }
        VecTokenStream::new(tokens)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyzer(words: &[&str]) -> Analyzer {
        Analyzer::new(
            &words.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
            Synonyms::none(),
            PlaceWords::default(),
        )
    }

    fn texts(terms: &[Term]) -> Vec<&str> {
        terms.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn runs_split_chinese_letters_and_separators() {
        let r = runs("gb/t 1.1-2020老年人，n0101");
        let got: Vec<(&str, bool, usize)> = r.iter().map(|r| (r.text, r.han, r.char)).collect();
        assert_eq!(
            got,
            vec![
                ("gb", false, 0),
                ("t", false, 3),
                ("1", false, 5),
                ("1", false, 7),
                ("2020", false, 9),
                ("老年人", true, 13),
                ("n0101", false, 17),
            ]
        );
    }

    #[test]
    fn index_terms_have_whole_words_parts_and_characters() {
        let a = analyzer(&["老年人健康管理", "社区健康服务中心"]);
        let terms = a.index_terms("老年人健康管理");
        let t = texts(&terms);
        for w in [
            "老年人健康管理",
            "老年人",
            "老年",
            "健康",
            "管理",
            "老",
            "理",
        ] {
            assert!(t.contains(&w), "{w} missing from {t:?}");
        }
        // Sorted by position, so tantivy records positions in order.
        assert!(terms.windows(2).all(|w| w[0].pos <= w[1].pos));
        let t2 = a.index_terms("社区健康服务中心");
        assert!(texts(&t2).contains(&"社区健康服务中心"));
        assert!(texts(&t2).contains(&"服务"));
        // 养老 stays findable even where 老人 is also a word.
        let t3 = a.index_terms("养老人员");
        for w in ["养老", "老人", "人员"] {
            assert!(texts(&t3).contains(&w), "{w} missing from {:?}", texts(&t3));
        }
    }

    #[test]
    fn positions_are_character_offsets() {
        let a = analyzer(&[]);
        let terms = a.index_terms("为老年人体检");
        let pos = |w: &str| terms.iter().find(|t| t.text == w).map(|t| t.pos);
        assert_eq!(pos("老年人"), Some(1));
        assert_eq!(pos("体检"), Some(4));
    }

    #[test]
    fn letters_and_digits_are_terms_with_their_parts() {
        let a = analyzer(&[]);
        let terms = a.index_terms("n0101 gb/t 1.1-2020");
        assert_eq!(
            texts(&terms),
            vec!["n", "n0101", "0101", "gb", "t", "1", "1", "2020"]
        );
    }

    #[test]
    fn user_words_keep_a_query_whole() {
        let plain = analyzer(&[]);
        let words: Vec<String> = plain
            .query_words("社康")
            .into_iter()
            .map(|w| w.text)
            .collect();
        assert_eq!(words, vec!["社", "康"]);
        let a = analyzer(&["社康", "老年人健康管理"]);
        let words: Vec<String> = a.query_words("社康").into_iter().map(|w| w.text).collect();
        assert_eq!(words, vec!["社康"]);
        let words: Vec<String> = a
            .query_words("老年人健康管理服务")
            .into_iter()
            .map(|w| w.text)
            .collect();
        assert_eq!(words, vec!["老年人健康管理", "服务"]);
    }

    #[test]
    fn query_words_mark_stop_words_and_keep_offsets() {
        let a = analyzer(&[]);
        let w = a.query_words("低保怎么办理");
        assert_eq!(
            w,
            vec![
                QueryWord {
                    text: "低保".into(),
                    pos: 0,
                    stop: false
                },
                QueryWord {
                    text: "怎么".into(),
                    pos: 2,
                    stop: true
                },
                QueryWord {
                    text: "办理".into(),
                    pos: 4,
                    stop: false
                },
            ]
        );
    }

    #[test]
    fn parts_of_compounds() {
        let a = analyzer(&["老年人健康管理", "社区健康服务中心"]);
        assert_eq!(a.parts("老年人健康管理"), vec!["老年人", "健康", "管理"]);
        assert_eq!(
            a.parts("社区健康服务中心"),
            vec!["社区", "健康", "服务中心"]
        );
        assert!(a.parts("老年人").is_empty());
        assert!(a.parts("abcd").is_empty());
    }

    #[test]
    fn index_tokenizer_offsets_point_into_the_original() {
        let mut tok = IndexTokenizer(Arc::new(analyzer(&[])));
        let original = "老年人體檢，ＡＢ";
        let mut stream = tok.token_stream(original);
        let mut seen = Vec::new();
        while stream.advance() {
            let t = stream.token();
            seen.push((
                t.text.clone(),
                original[t.offset_from..t.offset_to].to_string(),
            ));
        }
        assert!(
            seen.contains(&("体检".to_string(), "體檢".to_string())),
            "{seen:?}"
        );
        assert!(
            seen.contains(&("ab".to_string(), "ＡＢ".to_string())),
            "{seen:?}"
        );
        assert!(!seen.iter().any(|(t, _)| t == "，"));
    }

    #[test]
    fn highlight_tokenizer_is_monotonic_and_marks_patterns() {
        let mut tok = HighlightTokenizer {
            patterns: Arc::new(vec!["老年人".into(), "体检".into()]),
        };
        let original = "为老年人體檢 ok";
        let mut stream = tok.token_stream(original);
        let mut last_end = 0;
        let mut marked = Vec::new();
        while stream.advance() {
            let t = stream.token();
            assert!(t.offset_from >= last_end);
            last_end = t.offset_to;
            if !t.text.is_empty() {
                marked.push(&original[t.offset_from..t.offset_to]);
            }
        }
        assert_eq!(marked, vec!["老年人", "體檢"]);
    }
}
