//! The index: a tantivy index in memory, one writer behind a lock, readers that never wait.
//!
//! Every change commits and then reloads the reader, so a search sees the index before a
//! change or after it, never in between: tantivy publishes a commit's segments at once.
//! Searches take a snapshot (`Searcher`) and never touch the writer's lock, so a rebuild
//! of the whole index does not slow them down beyond sharing the CPU.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query,
    TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, STORED, STRING,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, SegmentReader,
    TantivyDocument, Term,
};

use crate::analyzer::{Analyzer, HighlightTokenizer, IndexTokenizer, QueryWord};
use crate::normalize::Normalized;
use crate::{
    DocKind, Hit, Related, SearchConfig, SearchDoc, SearchError, SearchPage, SearchQuery,
    MAX_LIMIT, MAX_OFFSET, MAX_QUERY_CHARS,
};

/// The name the text fields' tokenizer is registered under.
const TOKENIZER: &str = "gongfu_zh";

/// How much more a match in the title counts than one in the body. Titles are item and
/// standard names: a resident who types a name wants that item first.
const TITLE_BOOST: f32 = 3.0;

/// A match of the key (N0101, GB/T 1.1-2020) counts like one in the title.
const KEY_BOOST: f32 = 3.0;

/// A synonym counts a little less than the word the resident typed.
const SYNONYM_WEIGHT: f32 = 0.9;

/// A word found one way from a life event (孕产妇 for 生孩子) counts less again: it is
/// what the resident may mean, not what they said.
const RELATED_WEIGHT: f32 = 0.9;

/// Documents that have every part of a compound word but not the word itself (老年人 …
/// 健康 … 管理 for 老年人健康管理) are related, but less surely than those with the whole.
const PARTS_WEIGHT: f32 = 0.5;

/// Extra score for documents where the query's words stand together in order, a few
/// characters apart at most.
const PHRASE_WEIGHT: f32 = 0.5;
const PHRASE_SLOP: u32 = 2;

/// Extra weight of the documents that have every word of the query (or its synonyms).
const ALL_WORDS_WEIGHT: f32 = 1.0;

/// At most this many related documents (guides, standards) are listed under an item.
const MAX_RELATED: usize = 20;

/// At most this many distinct words of a query are searched for.
const MAX_QUERY_WORDS: usize = 16;

/// Snippet length in bytes of the original text (tantivy counts bytes): about 120 Chinese
/// characters.
const SNIPPET_BYTES: usize = 360;
/// The body's start shown when the body has no match, in characters.
const LEAD_CHARS: usize = 120;

/// Indexing memory per writer thread. Tantivy's minimum is 15 MB; the district scale is
/// thousands of documents, so one flush per commit is the usual case.
const WRITER_MEMORY_PER_THREAD: usize = 32_000_000;

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    kind: Field,
    key: Field,
    key_text: Field,
    title: Field,
    body: Field,
    area: Field,
    boost: Field,
    group: Field,
    parents: Field,
    parent: Field,
}

/// A full-text index of service items, standards and guide texts. `Send + Sync`: share it
/// in an `Arc`; searches run concurrently with each other and with changes.
pub struct SearchIndex {
    analyzer: Arc<Analyzer>,
    fields: Fields,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
}

fn tantivy_err(action: &'static str) -> impl FnOnce(tantivy::TantivyError) -> SearchError {
    move |source| SearchError::Index { action, source }
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored {
            o.set_stored()
        } else {
            o
        }
    };
    let fields = Fields {
        id: b.add_text_field("id", STRING),
        kind: b.add_text_field("kind", STRING | STORED),
        key: b.add_text_field("key", STRING | STORED),
        key_text: b.add_text_field("key_text", text(false)),
        title: b.add_text_field("title", text(true)),
        body: b.add_text_field("body", text(true)),
        area: b.add_text_field("area", STRING),
        boost: b.add_f64_field("boost", FAST),
        group: b.add_u64_field("group", FAST),
        parents: b.add_u64_field("parents", FAST),
        parent: b.add_text_field("parent", STRING),
    };
    (b.build(), fields)
}

/// The identity a document is replaced and removed by.
fn doc_id(kind: DocKind, key: &str) -> String {
    format!("{}:{}", kind.as_str(), key)
}

/// Checks every document before anything is written, so a bad one changes nothing, and
/// keeps the last of documents with the same kind and key (as if upserted in order).
fn validate(docs: Vec<SearchDoc>) -> Result<Vec<SearchDoc>, SearchError> {
    let invalid = |d: &SearchDoc, message: &str| SearchError::InvalidDoc {
        kind: d.kind,
        key: d.key.clone(),
        message: message.to_string(),
    };
    for d in &docs {
        if d.key.trim().is_empty() {
            return Err(invalid(
                d,
                "the key is empty; give the item code, standard number or guide id",
            ));
        }
        if !(d.boost.is_finite() && d.boost > 0.0) {
            return Err(invalid(
                d,
                &format!(
                    "the boost {} is not a positive number; use 1.0 for neutral",
                    d.boost
                ),
            ));
        }
        if d.areas.iter().any(|a| a.trim().is_empty()) {
            return Err(invalid(
                d,
                "an area is empty; give area numbers such as \"4\" or no areas",
            ));
        }
    }
    let mut seen = HashSet::new();
    let mut out: Vec<SearchDoc> = docs
        .into_iter()
        .rev()
        .filter(|d| seen.insert(doc_id(d.kind, &d.key)))
        .collect();
    out.reverse();
    Ok(out)
}

impl SearchIndex {
    /// Builds an index in memory from `docs`. Loads jieba's dictionary (once per process)
    /// and adds the configured words to a copy of it.
    pub fn build(config: SearchConfig, docs: Vec<SearchDoc>) -> Result<Self, SearchError> {
        let docs = validate(docs)?;
        let analyzer = Arc::new(Analyzer::new(
            &config.user_words,
            config.synonyms,
            config.place_words,
        ));
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        index
            .tokenizers()
            .register(TOKENIZER, IndexTokenizer(analyzer.clone()));
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 4);
        let mut writer: IndexWriter = index
            .writer_with_num_threads(threads, threads * WRITER_MEMORY_PER_THREAD)
            .map_err(tantivy_err("creating the index writer"))?;
        for d in docs {
            writer
                .add_document(to_tantivy(&fields, d))
                .map_err(tantivy_err("adding a document"))?;
        }
        writer
            .commit()
            .map_err(tantivy_err("committing the first build"))?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(tantivy_err("opening the index reader"))?;
        Ok(SearchIndex {
            analyzer,
            fields,
            reader,
            writer: Mutex::new(writer),
        })
    }

    /// Replaces every document with `docs` in one commit: a search running meanwhile sees
    /// all the old documents or all the new ones. Nothing changes if a document is
    /// invalid.
    pub fn replace_all(&self, docs: Vec<SearchDoc>) -> Result<(), SearchError> {
        let docs = validate(docs)?;
        self.change("replacing all documents", |w, f| {
            w.delete_all_documents()?;
            for d in docs {
                w.add_document(to_tantivy(f, d))?;
            }
            Ok(())
        })
    }

    /// Adds `docs`, replacing any document with the same kind and key, in one commit.
    pub fn upsert(&self, docs: Vec<SearchDoc>) -> Result<(), SearchError> {
        let docs = validate(docs)?;
        if docs.is_empty() {
            return Ok(());
        }
        self.change("upserting documents", |w, f| {
            for d in docs {
                w.delete_term(Term::from_field_text(f.id, &doc_id(d.kind, &d.key)));
                w.add_document(to_tantivy(f, d))?;
            }
            Ok(())
        })
    }

    /// Removes the document of `kind` with `key`, if there is one.
    pub fn remove(&self, kind: DocKind, key: &str) -> Result<(), SearchError> {
        self.change("removing a document", |w, f| {
            w.delete_term(Term::from_field_text(f.id, &doc_id(kind, key)));
            Ok(())
        })
    }

    /// How many documents the index holds.
    pub fn len(&self) -> usize {
        self.reader.searcher().num_docs() as usize
    }

    /// True if the index holds no document.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Runs `ops` on the writer and commits, or rolls back if any fails; then makes the
    /// commit visible to searches.
    fn change(
        &self,
        action: &'static str,
        ops: impl FnOnce(&mut IndexWriter, &Fields) -> tantivy::Result<()>,
    ) -> Result<(), SearchError> {
        let mut writer = self.lock_writer();
        let result = ops(&mut writer, &self.fields).and_then(|()| writer.commit().map(|_| ()));
        if let Err(e) = result {
            // Drop whatever part of the change was queued, so the next commit does not
            // publish half of it.
            let _ = writer.rollback();
            return Err(SearchError::Index { action, source: e });
        }
        self.reader
            .reload()
            .map_err(tantivy_err("reloading the reader after a commit"))
    }

    fn lock_writer(&self) -> MutexGuard<'_, IndexWriter> {
        self.writer.lock().unwrap_or_else(|poisoned| {
            // A panic while holding the lock may have left operations queued but not
            // committed; discard them and carry on with the last commit.
            let mut w = poisoned.into_inner();
            let _ = w.rollback();
            w
        })
    }

    /// Searches. Free text: nothing in it is query syntax. Errors only with
    /// [`SearchError::EmptyQuery`] when the text has no word, letter or digit (or if the
    /// engine itself fails).
    ///
    /// A document with [`SearchDoc::parents`] is one result with its item: when one of its
    /// items matches too, it is not ranked apart but the item takes the better of the two
    /// places, and every item result lists the documents that name it as
    /// [`Hit::related`]. Totals and pages count results after this grouping.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchPage, SearchError> {
        let searcher = self.reader.searcher();
        let plan = self.plan(&searcher, &q.text)?;
        let f = self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, plan.query)];
        if let Some(kind) = q.kind {
            clauses.push((Occur::Must, filter(f.kind, kind.as_str())));
        }
        if let Some(area) = &q.area {
            clauses.push((Occur::Must, filter(f.area, area.trim())));
        }
        let query = BooleanQuery::new(clauses);
        let limit = q.limit.min(MAX_LIMIT);
        let offset = q.offset.min(MAX_OFFSET);
        let (page, total): (Vec<(f32, DocAddress)>, usize) = if self.has_parents(&searcher) {
            let grouped = self.grouped(&searcher, &query)?;
            let total = grouped.len();
            let page = grouped.into_iter().skip(offset).take(limit).collect();
            (page, total)
        } else if limit == 0 {
            let total = searcher
                .search(&query, &Count)
                .map_err(tantivy_err("counting results"))?;
            (Vec::new(), total)
        } else {
            searcher
                .search(&query, &(ranked(limit, offset), Count))
                .map_err(tantivy_err("collecting results"))?
        };
        let highlighter = Highlighter::new(&plan.highlights, &plan.highlight_scores, f);
        let mut results = Vec::with_capacity(page.len());
        for (score, address) in page {
            let Some((kind, doc)) = stored(&searcher, f, address)? else {
                continue;
            };
            let text = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("");
            let title = text(f.title);
            let body = text(f.body);
            let key = text(f.key).to_string();
            let related = if kind == DocKind::Item {
                self.related(&searcher, &key)?
            } else {
                Vec::new()
            };
            results.push(Hit {
                kind,
                key,
                title: title.to_string(),
                title_html: highlighter.title(title),
                snippet: highlighter.snippet(body),
                score,
                related,
            });
        }
        Ok(SearchPage { total, results })
    }

    /// True if some document names an item it belongs to.
    fn has_parents(&self, searcher: &Searcher) -> bool {
        searcher.segment_readers().iter().any(|s| {
            s.inverted_index(self.fields.parent)
                .is_ok_and(|ii| ii.terms().num_terms() > 0)
        })
    }

    /// Every match, best first, with each document that has a matching item folded into
    /// that item's place (the better of the two). The installation's index holds a few
    /// thousand documents, so ranking all matches costs little; an index without parents
    /// never comes here.
    fn grouped(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
    ) -> Result<Vec<(f32, DocAddress)>, SearchError> {
        let n = (searcher.num_docs() as usize).max(1);
        let all = searcher
            .search(query, &ranked(n, 0))
            .map_err(tantivy_err("ranking results"))?;
        let columns = searcher
            .segment_readers()
            .iter()
            .map(|s| {
                let ff = s.fast_fields();
                Ok((ff.u64("group")?, ff.u64("parents")?))
            })
            .collect::<tantivy::Result<Vec<_>>>()
            .map_err(tantivy_err("reading the groups"))?;
        let group = |a: DocAddress| {
            columns[a.segment_ord as usize]
                .0
                .first(a.doc_id)
                .unwrap_or(0)
        };
        // Each matching item's group, with its rank and address.
        let mut items: HashMap<u64, (usize, DocAddress)> = HashMap::new();
        for (rank, &(_, a)) in all.iter().enumerate() {
            let g = group(a);
            if g != 0 {
                items.entry(g).or_insert((rank, a));
            }
        }
        let mut placed: HashSet<u64> = HashSet::new();
        let mut out = Vec::with_capacity(all.len());
        for &(score, a) in &all {
            let g = group(a);
            if g != 0 {
                if placed.insert(g) {
                    out.push((score, a));
                }
                continue;
            }
            let best_parent = columns[a.segment_ord as usize]
                .1
                .values_for_doc(a.doc_id)
                .filter_map(|p| items.get(&p).map(|&(rank, item)| (rank, p, item)))
                .min_by_key(|&(rank, _, _)| rank);
            match best_parent {
                Some((_, p, item)) => {
                    if placed.insert(p) {
                        out.push((score, item));
                    }
                }
                None => out.push((score, a)),
            }
        }
        Ok(out)
    }

    /// The documents that belong to item `code`: guides first, then standards, then
    /// anything else, each by title.
    fn related(&self, searcher: &Searcher, code: &str) -> Result<Vec<Related>, SearchError> {
        let f = self.fields;
        let query = TermQuery::new(
            Term::from_field_text(f.parent, code),
            IndexRecordOption::Basic,
        );
        let found = searcher
            .search(&query, &TopDocs::with_limit(MAX_RELATED).order_by_score())
            .map_err(tantivy_err("finding related documents"))?;
        let mut out = Vec::with_capacity(found.len());
        for (_, address) in found {
            let Some((kind, doc)) = stored(searcher, f, address)? else {
                continue;
            };
            let text = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("");
            out.push(Related {
                kind,
                key: text(f.key).to_string(),
                title: text(f.title).to_string(),
            });
        }
        let order = |k: DocKind| match k {
            DocKind::Guide => 0,
            DocKind::Standard => 1,
            _ => 2,
        };
        out.sort_by(|a, b| {
            (order(a.kind), &a.title, &a.key).cmp(&(order(b.kind), &b.title, &b.key))
        });
        Ok(out)
    }

    /// Turns free text into the scoring query: for each word, the best of the word itself,
    /// its synonyms and its parts, over title, body and key; plus a bonus where the words
    /// stand together.
    fn plan(&self, searcher: &Searcher, text: &str) -> Result<Plan, SearchError> {
        let text: String = text.chars().take(MAX_QUERY_CHARS).collect();
        let norm = Normalized::new(&text).text;
        let words = self.analyzer.query_words(&norm);
        if words.is_empty() {
            return Err(SearchError::EmptyQuery);
        }
        let stats = Stats::new(searcher, self.fields);
        let mut wanted: Vec<&QueryWord> = words.iter().filter(|w| !w.stop).collect();
        if wanted.is_empty() {
            wanted = words.iter().collect();
        }
        let mut seen = HashSet::new();
        wanted.retain(|w| seen.insert(w.text.as_str()));
        wanted.truncate(MAX_QUERY_WORDS);

        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut word_clauses: Vec<Box<dyn Query>> = Vec::new();
        // Strings to mark, with how much a snippet should want to show them.
        let mut highlights: Vec<(String, f32)> = Vec::new();
        for w in wanted {
            let mut alternatives = self.word_and_synonyms(&stats, &w.text, 1.0, &mut highlights);
            // The parts of a compound (老年人健康管理 → 老年人, 健康, 管理), each with its
            // synonyms, all required: documents that say 长者 … 健康管理 are related too.
            let parts = self.analyzer.parts(&w.text);
            if !parts.is_empty() {
                // A part alone (退役 of 退役军人) is a weak sign of the word: marked, but a
                // snippet with the whole word is preferred.
                let mut part_marks = Vec::new();
                let must: Option<Vec<(Occur, Box<dyn Query>)>> = parts
                    .iter()
                    .map(|p| {
                        one_of(self.word_and_synonyms(&stats, p, 0.1, &mut part_marks))
                            .map(|q| (Occur::Must, q))
                    })
                    .collect();
                if let Some(must) = must {
                    alternatives.push(Box::new(BoostQuery::new(
                        Box::new(BooleanQuery::new(must)),
                        PARTS_WEIGHT,
                    )));
                    highlights.extend(part_marks);
                }
            }
            word_clauses.extend(one_of(alternatives));
        }
        if word_clauses.len() >= 2 {
            // BM25 alone adds up words independently, so one rare word in a title can
            // outrank a document with every word of the query (老年人体检: 健康检查 in
            // 孕前优生健康检查's title against 老年人 in the title and 体检 in the body of
            // 老年人健康管理). Scoring the documents that have all the words once more puts
            // them first; the rest still follow, best first.
            let all = word_clauses
                .iter()
                .map(|q| (Occur::Must, q.box_clone()))
                .collect();
            should.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(BooleanQuery::new(all)),
                    ALL_WORDS_WEIGHT,
                )),
            ));
        }
        should.extend(word_clauses.into_iter().map(|q| (Occur::Should, q)));
        if (2..=8).contains(&words.len()) && words.iter().all(|w| stats.present(&w.text)) {
            let first = words[0].pos;
            for (field, boost) in [(self.fields.title, TITLE_BOOST), (self.fields.body, 1.0)] {
                let terms = words
                    .iter()
                    .map(|w| (w.pos - first, Term::from_field_text(field, &w.text)))
                    .collect();
                should.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(PhraseQuery::new_with_offset_and_slop(terms, PHRASE_SLOP)),
                        boost * PHRASE_WEIGHT,
                    )),
                ));
            }
        }
        // Longest first, so the snippet tokenizer marks 健康体检 rather than 体检 inside it;
        // as in tantivy's own generator, rarer words weigh more in choosing the snippet.
        let mut highlight_scores: BTreeMap<String, f32> = BTreeMap::new();
        for (h, weight) in highlights {
            let score = weight / (1.0 + stats.df(self.fields.body, &h) as f32);
            let e = highlight_scores.entry(h).or_insert(0.0);
            *e = e.max(score);
        }
        let mut highlights: Vec<String> = highlight_scores.keys().cloned().collect();
        highlights.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        Ok(Plan {
            query: Box::new(BooleanQuery::new(should)),
            highlights,
            highlight_scores,
        })
    }

    /// The word and each of its synonyms as alternative queries (only those some document
    /// has), noting what to mark with `mark_weight`.
    fn word_and_synonyms(
        &self,
        stats: &Stats<'_>,
        word: &str,
        mark_weight: f32,
        marks: &mut Vec<(String, f32)>,
    ) -> Vec<Box<dyn Query>> {
        let synonyms = self.analyzer.synonyms.alternatives(word);
        let related = self.analyzer.synonyms.related(word);
        // Each synonym is scaled to score like the typed word would (its idf), so a rare
        // synonym does not outrank the word the resident chose.
        let all: Vec<&str> = synonyms.iter().chain(&related).copied().collect();
        let target = stats.target(word, &all);
        let mut out = Vec::new();
        if let Some(q) = self.term_clause(stats, word, 1.0, &target) {
            out.push(q);
            marks.push((word.to_string(), mark_weight));
        }
        for alt in synonyms {
            if let Some(q) = self.alternative_clause(stats, alt, SYNONYM_WEIGHT, &target) {
                out.push(q);
                marks.push((alt.to_string(), mark_weight));
            }
        }
        for alt in related {
            if let Some(q) = self.alternative_clause(stats, alt, RELATED_WEIGHT, &target) {
                out.push(q);
                marks.push((alt.to_string(), mark_weight));
            }
        }
        out
    }

    /// A synonym as a query weighted `weight`: one term when it is one word (the usual
    /// case, since synonyms are dictionary words), else its words as a phrase.
    fn alternative_clause(
        &self,
        stats: &Stats<'_>,
        alt: &str,
        weight: f32,
        target: &Target,
    ) -> Option<Box<dyn Query>> {
        let words = self.analyzer.query_words(alt);
        match words.as_slice() {
            [] => None,
            [one] => self.term_clause(stats, &one.text, weight, target),
            many => {
                if !many.iter().all(|w| stats.present(&w.text)) {
                    return None;
                }
                let first = many[0].pos;
                let per_field = [(self.fields.title, TITLE_BOOST), (self.fields.body, 1.0)]
                    .into_iter()
                    .map(|(field, boost)| {
                        let terms = many
                            .iter()
                            .map(|w| (w.pos - first, Term::from_field_text(field, &w.text)))
                            .collect();
                        let q: Box<dyn Query> = Box::new(BoostQuery::new(
                            Box::new(PhraseQuery::new_with_offset(terms)),
                            boost * weight,
                        ));
                        (Occur::Should, q)
                    })
                    .collect();
                Some(Box::new(BooleanQuery::new(per_field)))
            }
        }
    }

    /// One term over title, body and key, each weighted, or None when no document has it.
    fn term_clause(
        &self,
        stats: &Stats<'_>,
        term: &str,
        weight: f32,
        target: &Target,
    ) -> Option<Box<dyn Query>> {
        let f = self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, boost) in [
            (f.title, TITLE_BOOST),
            (f.body, 1.0),
            (f.key_text, KEY_BOOST),
        ] {
            let df = stats.df(field, term);
            if df == 0 {
                continue;
            }
            let scale = target.scale(field, stats.idf(df));
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, term),
                        IndexRecordOption::WithFreqs,
                    )),
                    boost * weight * scale,
                )),
            ));
        }
        (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
    }
}

/// The best of several alternatives, or the only one, or None.
fn one_of(mut alternatives: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    match alternatives.len() {
        0 => None,
        1 => alternatives.pop(),
        _ => Some(Box::new(DisjunctionMaxQuery::new(alternatives))),
    }
}

/// An exact filter that does not change scores.
fn filter(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(
        Box::new(TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        )),
        0.0,
    ))
}

/// A stored document with its kind, or None if its kind is unknown (never, for documents
/// this crate wrote).
fn stored(
    searcher: &Searcher,
    f: Fields,
    address: DocAddress,
) -> Result<Option<(DocKind, TantivyDocument)>, SearchError> {
    let doc: TantivyDocument = searcher
        .doc(address)
        .map_err(tantivy_err("reading a stored document"))?;
    let kind = doc
        .get_first(f.kind)
        .and_then(|v| v.as_str())
        .and_then(|k| k.parse::<DocKind>().ok());
    Ok(kind.map(|k| (k, doc)))
}

/// The top `limit` documents after `offset`, each score times the document's boost.
fn ranked(
    limit: usize,
    offset: usize,
) -> impl tantivy::collector::Collector<Fruit = Vec<(f32, DocAddress)>> {
    TopDocs::with_limit(limit)
        .and_offset(offset)
        .tweak_score(|segment: &SegmentReader| {
            let boost = segment
                .fast_fields()
                .f64("boost")
                .ok()
                .map(|c| c.first_or_default_col(1.0));
            move |doc, score: f32| match &boost {
                Some(b) => score * b.get_val(doc) as f32,
                None => score,
            }
        })
}

/// A document's group number: a 64-bit FNV-1a hash of an item code, never 0 (0 is "no
/// group"). Stored as a fast field so grouping reads no stored document.
fn group_of(code: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in code.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h.max(1)
}

fn to_tantivy(f: &Fields, d: SearchDoc) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_u64(
        f.group,
        if d.kind == DocKind::Item {
            group_of(&d.key)
        } else {
            0
        },
    );
    doc.add_text(f.id, doc_id(d.kind, &d.key));
    doc.add_text(f.kind, d.kind.as_str());
    doc.add_text(f.key_text, &d.key);
    doc.add_text(f.key, d.key);
    doc.add_text(f.title, d.title);
    doc.add_text(f.body, d.body);
    for a in d.areas {
        doc.add_text(f.area, a.trim());
    }
    doc.add_f64(f.boost, f64::from(d.boost));
    for p in d.parents {
        doc.add_u64(f.parents, group_of(&p));
        doc.add_text(f.parent, p);
    }
    doc
}

struct Plan {
    query: Box<dyn Query>,
    /// Normalized strings to mark, longest first.
    highlights: Vec<String>,
    highlight_scores: BTreeMap<String, f32>,
}

/// Document frequencies from one searcher, for weighting synonyms and skipping terms no
/// document has.
struct Stats<'a> {
    searcher: &'a Searcher,
    fields: Fields,
    docs: f32,
}

/// The idf, per field, that a word's synonyms are scaled to: that of the typed word, or of
/// its most common synonym when no document has the typed word.
#[derive(Default)]
struct Target(Vec<(Field, f32)>);

impl Target {
    fn scale(&self, field: Field, idf: f32) -> f32 {
        match self.0.iter().find(|(f, _)| *f == field) {
            Some(&(_, target)) if idf > 0.0 => target / idf,
            _ => 1.0,
        }
    }
}

impl<'a> Stats<'a> {
    fn new(searcher: &'a Searcher, fields: Fields) -> Self {
        Stats {
            searcher,
            fields,
            docs: searcher.num_docs() as f32,
        }
    }

    fn df(&self, field: Field, term: &str) -> u64 {
        self.searcher
            .doc_freq(&Term::from_field_text(field, term))
            .unwrap_or(0)
    }

    /// True if some document has the term in its title or body.
    fn present(&self, term: &str) -> bool {
        self.df(self.fields.body, term) > 0 || self.df(self.fields.title, term) > 0
    }

    /// BM25's idf, as tantivy computes it.
    fn idf(&self, df: u64) -> f32 {
        let df = df as f32;
        (1.0 + (self.docs - df + 0.5) / (df + 0.5)).ln()
    }

    fn target(&self, word: &str, synonyms: &[&str]) -> Target {
        if synonyms.is_empty() {
            return Target::default();
        }
        let mut target = Target::default();
        for field in [self.fields.title, self.fields.body] {
            let own = self.df(field, word);
            let df = if own > 0 {
                own
            } else {
                synonyms
                    .iter()
                    .map(|s| self.df(field, s))
                    .max()
                    .unwrap_or(0)
            };
            if df > 0 {
                target.0.push((field, self.idf(df)));
            }
        }
        target
    }
}

/// Marks query words in titles and bodies with tantivy's snippet generator, fed by a
/// tokenizer that knows the words (see [`HighlightTokenizer`]).
struct Highlighter {
    title: SnippetGenerator,
    body: SnippetGenerator,
}

impl Highlighter {
    fn new(patterns: &[String], scores: &BTreeMap<String, f32>, f: Fields) -> Self {
        let tokenizer = HighlightTokenizer {
            patterns: Arc::new(patterns.to_vec()),
        };
        let analyzer = || TextAnalyzer::builder(tokenizer.clone()).build();
        Highlighter {
            // One fragment as long as any title, so the whole title is marked.
            title: SnippetGenerator::new(scores.clone(), analyzer(), f.title, usize::MAX / 2),
            body: SnippetGenerator::new(scores.clone(), analyzer(), f.body, SNIPPET_BYTES),
        }
    }

    fn title(&self, title: &str) -> String {
        let s = self.title.snippet(title);
        if s.highlighted().is_empty() {
            return escape(title);
        }
        let r = s.fragment_range();
        let mut html = escape(&title[..r.start]);
        html.push_str(&marked(s.fragment(), s.highlighted()));
        html.push_str(&escape(&title[r.end..]));
        html
    }

    fn snippet(&self, body: &str) -> String {
        let s = self.body.snippet(body);
        if s.highlighted().is_empty() {
            let lead: String = body.chars().take(LEAD_CHARS).collect();
            let mut html = escape(lead.trim_end());
            if lead.len() < body.trim_end().len() {
                html.push('…');
            }
            return html;
        }
        let r = s.fragment_range();
        let mut html = String::new();
        if !body[..r.start].trim().is_empty() {
            html.push('…');
        }
        html.push_str(&marked(s.fragment(), s.highlighted()));
        if !body[r.end..].trim().is_empty() {
            html.push('…');
        }
        html
    }
}

/// `text` as HTML with the byte ranges `marks` in `<mark>`. Touching ranges are marked as
/// one (健康 + 管理 → <mark>健康管理</mark>).
fn marked(text: &str, marks: &[std::ops::Range<usize>]) -> String {
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    for m in tantivy::snippet::collapse_overlapped_ranges(marks) {
        match ranges.last_mut() {
            Some(last) if last.end == m.start => last.end = m.end,
            _ => ranges.push(m),
        }
    }
    let mut html = String::with_capacity(text.len() + ranges.len() * 13);
    let mut at = 0;
    for m in ranges {
        if m.start < at || m.end > text.len() {
            continue;
        }
        html.push_str(&escape(&text[at..m.start]));
        html.push_str("<mark>");
        html.push_str(&escape(&text[m.start..m.end]));
        html.push_str("</mark>");
        at = m.end;
    }
    html.push_str(&escape(&text[at..]));
    html
}

/// Escapes text for HTML element content and attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Synonyms;

    fn doc(kind: DocKind, key: &str, title: &str, body: &str, area: &str) -> SearchDoc {
        let mut d = SearchDoc::new(kind, key, title, body);
        d.areas = vec![area.to_string()];
        d
    }

    fn small() -> SearchIndex {
        SearchIndex::build(
            SearchConfig {
                user_words: vec!["老年人健康管理".into()],
                synonyms: Synonyms::parse("同义词组\n老人|老年人|长者\n").expect("synonyms"),
                ..SearchConfig::default()
            },
            vec![
                doc(
                    DocKind::Item,
                    "N1005",
                    "老年人健康管理",
                    "为65岁及以上老年人每年提供1次健康体检。",
                    "4",
                ),
                doc(
                    DocKind::Item,
                    "N0202",
                    "儿童健康管理",
                    "为0-6岁儿童提供健康检查。",
                    "1",
                ),
                doc(
                    DocKind::Standard,
                    "GB/T 1.1-2020",
                    "标准化工作导则 第1部分：标准化文件的结构和起草规则",
                    "本文件确立了标准化文件的结构。",
                    "4",
                ),
                doc(
                    DocKind::Guide,
                    "g-1",
                    "长者饭堂办事指南",
                    "<script>alert(1)</script> 长者饭堂提供助餐 & 送餐。",
                    "5",
                ),
            ],
        )
        .expect("build")
    }

    fn keys(ix: &SearchIndex, q: &SearchQuery) -> Vec<String> {
        ix.search(q)
            .expect("search")
            .results
            .into_iter()
            .map(|h| h.key)
            .collect()
    }

    fn search(ix: &SearchIndex, text: &str) -> Vec<String> {
        keys(ix, &SearchQuery::new(text))
    }

    #[test]
    fn index_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<SearchIndex>();
    }

    #[test]
    fn upsert_replaces_by_kind_and_key() {
        let ix = small();
        assert_eq!(ix.len(), 4);
        assert_eq!(search(&ix, "儿童"), vec!["N0202"]);
        ix.upsert(vec![doc(
            DocKind::Item,
            "N0202",
            "儿童眼保健",
            "视力检查。",
            "1",
        )])
        .expect("upsert");
        assert_eq!(ix.len(), 4);
        assert_eq!(search(&ix, "视力"), vec!["N0202"]);
        assert!(search(&ix, "健康检查").is_empty(), "the old body is gone");
        // The same key under another kind is another document.
        ix.upsert(vec![doc(
            DocKind::Guide,
            "N0202",
            "视力指南",
            "视力。",
            "1",
        )])
        .expect("upsert guide");
        assert_eq!(ix.len(), 5);
        assert_eq!(search(&ix, "视力").len(), 2);
    }

    #[test]
    fn remove_removes_and_is_idempotent() {
        let ix = small();
        ix.remove(DocKind::Standard, "GB/T 1.1-2020")
            .expect("remove");
        assert_eq!(ix.len(), 3);
        assert!(search(&ix, "标准化").is_empty());
        ix.remove(DocKind::Standard, "GB/T 1.1-2020")
            .expect("removing again is fine");
        ix.remove(DocKind::Item, "GB/T 1.1-2020")
            .expect("removing a missing key is fine");
        assert_eq!(ix.len(), 3);
    }

    #[test]
    fn replace_all_swaps_everything_and_invalid_docs_change_nothing() {
        let ix = small();
        ix.replace_all(vec![doc(
            DocKind::Item,
            "L1601",
            "住宅加装电梯补助",
            "补助。",
            "6",
        )])
        .expect("replace");
        assert_eq!(ix.len(), 1);
        assert_eq!(search(&ix, "电梯"), vec!["L1601"]);
        let bad = vec![
            doc(DocKind::Item, "N1", "一", "一。", "1"),
            doc(DocKind::Item, " ", "二", "二。", "1"),
        ];
        let err = ix.replace_all(bad).expect_err("empty key");
        assert!(err.to_string().contains("key is empty"), "{err}");
        assert_eq!(ix.len(), 1, "nothing changed");
        let mut nan = doc(DocKind::Item, "N2", "二", "二。", "1");
        nan.boost = f32::NAN;
        assert!(matches!(
            ix.upsert(vec![nan]),
            Err(SearchError::InvalidDoc { .. })
        ));
        let mut no_area = doc(DocKind::Item, "N3", "三", "三。", "1");
        no_area.areas = vec![String::new()];
        assert!(ix.upsert(vec![no_area]).is_err());
        assert_eq!(ix.len(), 1);
    }

    #[test]
    fn duplicate_keys_in_one_batch_keep_the_last() {
        let ix = SearchIndex::build(
            SearchConfig::default(),
            vec![
                doc(DocKind::Item, "N1", "儿童", "旧的。", "1"),
                doc(DocKind::Item, "N1", "老年人", "新的。", "1"),
            ],
        )
        .expect("build");
        assert_eq!(ix.len(), 1);
        assert_eq!(search(&ix, "老年人"), vec!["N1"]);
        assert!(search(&ix, "儿童").is_empty());
    }

    #[test]
    fn filters_by_kind_and_area() {
        let ix = small();
        let mut q = SearchQuery::new("标准化 老年人 长者");
        assert_eq!(ix.search(&q).expect("all").total, 3);
        q.kind = Some(DocKind::Standard);
        assert_eq!(keys(&ix, &q), vec!["GB/T 1.1-2020"]);
        q.kind = None;
        q.area = Some("4".into());
        let mut got = keys(&ix, &q);
        got.sort();
        assert_eq!(got, vec!["GB/T 1.1-2020", "N1005"]);
        q.kind = Some(DocKind::Guide);
        assert!(keys(&ix, &q).is_empty());
    }

    #[test]
    fn title_outranks_body_and_boost_multiplies() {
        let docs = vec![
            doc(
                DocKind::Guide,
                "body",
                "办事指南",
                "关于低保的说明，以及其他事项。",
                "7",
            ),
            doc(
                DocKind::Guide,
                "title",
                "低保",
                "说明，以及其他事项和更多文字。",
                "7",
            ),
        ];
        let ix = SearchIndex::build(SearchConfig::default(), docs.clone()).expect("build");
        assert_eq!(search(&ix, "低保"), vec!["title", "body"]);
        let mut boosted = docs;
        boosted[0].boost = 20.0;
        ix.replace_all(boosted).expect("replace");
        assert_eq!(search(&ix, "低保"), vec!["body", "title"]);
    }

    #[test]
    fn compound_words_match_their_parts_and_the_parts_synonyms() {
        let ix = SearchIndex::build(
            SearchConfig {
                user_words: vec!["老年人健康管理".into()],
                synonyms: Synonyms::parse("同义词组\n老人|老年人|长者\n").expect("synonyms"),
                ..SearchConfig::default()
            },
            vec![
                doc(DocKind::Guide, "whole", "老年人健康管理", "说明。", "4"),
                doc(DocKind::Guide, "parts", "长者的健康与管理", "说明。", "4"),
                doc(DocKind::Guide, "some", "健康教育", "说明。", "4"),
            ],
        )
        .expect("build");
        assert_eq!(search(&ix, "老年人健康管理"), vec!["whole", "parts"]);
        let page = ix
            .search(&SearchQuery::new("老年人健康管理"))
            .expect("search");
        assert_eq!(
            page.results[1].title_html,
            "<mark>长者</mark>的<mark>健康</mark>与<mark>管理</mark>"
        );
    }

    #[test]
    fn guides_and_standards_are_listed_under_their_item_not_ranked_apart() {
        let child = |kind, key: &str, title: &str, parents: &[&str]| {
            let mut d = doc(kind, key, title, "说明。", "4");
            d.parents = parents.iter().map(|p| p.to_string()).collect();
            d
        };
        let ix = SearchIndex::build(
            SearchConfig::default(),
            vec![
                doc(DocKind::Item, "N1005", "老年人健康管理", "每年体检。", "4"),
                doc(DocKind::Item, "N1704", "临时救助", "救助。", "7"),
                child(
                    DocKind::Guide,
                    "N1005",
                    "老年人健康管理办事指南",
                    &["N1005"],
                ),
                child(
                    DocKind::Standard,
                    "DB4403/T 1-2020",
                    "老年人健康管理服务规范",
                    &["N1005", "N9999"],
                ),
                // Its item does not match 老年人: it stays a result of its own.
                child(DocKind::Guide, "N1704", "老年人临时救助指南", &["N1704"]),
            ],
        )
        .expect("build");
        let page = ix.search(&SearchQuery::new("老年人")).expect("search");
        let found: Vec<(DocKind, &str)> = page
            .results
            .iter()
            .map(|h| (h.kind, h.key.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![(DocKind::Item, "N1005"), (DocKind::Guide, "N1704")],
            "one result for the item, its guide and its standard"
        );
        assert_eq!(page.total, 2);
        let related: Vec<(DocKind, &str)> = page.results[0]
            .related
            .iter()
            .map(|r| (r.kind, r.key.as_str()))
            .collect();
        assert_eq!(
            related,
            vec![
                (DocKind::Guide, "N1005"),
                (DocKind::Standard, "DB4403/T 1-2020")
            ]
        );
        assert_eq!(page.results[0].related[0].title, "老年人健康管理办事指南");
        // A kind filter shows the documents themselves.
        let mut q = SearchQuery::new("老年人");
        q.kind = Some(DocKind::Standard);
        assert_eq!(keys(&ix, &q), vec!["DB4403/T 1-2020"]);
        // Counting and paging see the grouped list.
        let mut q = SearchQuery::new("老年人");
        q.limit = 0;
        assert_eq!(ix.search(&q).expect("count").total, 2);
        q.limit = 1;
        q.offset = 1;
        assert_eq!(keys(&ix, &q), vec!["N1704"]);
    }

    #[test]
    fn an_item_takes_the_place_of_its_better_ranked_guide() {
        let mut guide = doc(DocKind::Guide, "N1701", "低保办事指南", "低保。", "7");
        guide.parents = vec!["N1701".into()];
        guide.boost = 20.0;
        let ix = SearchIndex::build(
            SearchConfig::default(),
            vec![
                doc(DocKind::Item, "N1704", "低保边缘救助", "低保。", "7"),
                doc(DocKind::Item, "N1701", "最低生活保障", "说明低保。", "7"),
                guide,
            ],
        )
        .expect("build");
        assert_eq!(search(&ix, "低保"), vec!["N1701", "N1704"]);
    }

    #[test]
    fn standard_numbers_are_found_by_their_key() {
        let ix = small();
        assert_eq!(search(&ix, "GB/T 1.1-2020")[0], "GB/T 1.1-2020");
        assert_eq!(search(&ix, "ｇｂ／ｔ１．１")[0], "GB/T 1.1-2020");
    }

    #[test]
    fn snippets_are_escaped_and_marked() {
        let ix = small();
        let page = ix.search(&SearchQuery::new("长者饭堂")).expect("search");
        let hit = &page.results[0];
        assert_eq!(hit.key, "g-1");
        assert!(!hit.snippet.contains("<script>"), "{}", hit.snippet);
        assert!(hit
            .snippet
            .contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(hit.snippet.contains("&amp;"));
        assert!(
            hit.snippet.contains("<mark>长者饭堂</mark>"),
            "{}",
            hit.snippet
        );
        assert_eq!(hit.title_html, "<mark>长者饭堂</mark>办事指南");
    }

    #[test]
    fn a_body_without_a_match_shows_its_start() {
        let long = "本办法适用于全区。".repeat(30);
        let ix = SearchIndex::build(
            SearchConfig::default(),
            vec![doc(DocKind::Guide, "g", "低保申请指南", &long, "7")],
        )
        .expect("build");
        let hit = &ix
            .search(&SearchQuery::new("低保"))
            .expect("search")
            .results[0];
        assert!(hit.snippet.starts_with("本办法适用于全区。"));
        assert!(hit.snippet.ends_with('…'));
        assert!(!hit.snippet.contains("<mark>"));
        assert_eq!(hit.title_html, "<mark>低保</mark>申请指南");
    }

    #[test]
    fn long_bodies_get_a_window_around_the_match() {
        let body = format!(
            "{}老年人体检在这里。{}",
            "前文。".repeat(100),
            "后文。".repeat(100)
        );
        let ix = SearchIndex::build(
            SearchConfig::default(),
            vec![doc(DocKind::Guide, "g", "指南", &body, "4")],
        )
        .expect("build");
        let hit = &ix
            .search(&SearchQuery::new("体检"))
            .expect("search")
            .results[0];
        assert!(
            hit.snippet.starts_with('…') && hit.snippet.ends_with('…'),
            "{}",
            hit.snippet
        );
        assert!(hit.snippet.contains("<mark>体检</mark>"));
        assert!(
            hit.snippet.chars().count() <= 140,
            "{}",
            hit.snippet.chars().count()
        );
    }

    #[test]
    fn only_stop_words_still_search_and_nothing_found_is_not_an_error() {
        let ix = small();
        // Only the standard's title has 的 (标准化文件的结构).
        let page = ix.search(&SearchQuery::new("的")).expect("stop words only");
        assert_eq!(page.total, 1);
        let page = ix.search(&SearchQuery::new("火星基地")).expect("no match");
        assert_eq!(page.total, 0);
        assert!(page.results.is_empty());
    }

    #[test]
    fn limit_and_offset_are_clamped() {
        let ix = small();
        let mut q = SearchQuery::new("健康");
        q.limit = usize::MAX;
        q.offset = usize::MAX;
        let page = ix.search(&q).expect("clamped");
        assert_eq!(page.total, 2);
        assert!(page.results.is_empty());
    }
}
