//! `bench search`: gongfu-search (tantivy + jieba) against SQLite FTS5 with the trigram
//! tokenizer, on the same generated corpus and the same judged queries, in one run.
//!
//! The corpus is 100,000 documents generated deterministically (xorshift, fixed seed) from
//! the demo list: each is about one topic (a national or featured item), with a title and
//! 200-800 characters mixing the topic's own text with administrative filler and a mention
//! of another topic as noise; one in ten is in traditional characters, one in five uses
//! other words of a synonym group (长者 for 老年人). The queries are
//! `data/search/judged-queries.csv`, written by hand; a document is relevant to a query
//! when its topic is one of the query's items.
//!
//! FTS5 gets the best plain query it supports: for text of three or more characters, the
//! OR of its trigrams ranked by bm25 (title weighted 3, as gongfu-search weights it), and
//! also the exact phrase; under three characters the trigram index cannot be used and the
//! query is `LIKE '%text%'` (unranked), which is what FTS5's trigram tokenizer offers.
//!
//! `GONGFU_BENCH_VERBOSE=1` prints each query's relevant hits in the top 10 to stderr.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use gongfu_search::{
    DocKind, PlaceWords, SearchConfig, SearchDoc, SearchIndex, SearchQuery, Synonyms,
};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{Row, SqlitePool};

const ITEMS: &str = include_str!("../../data/demo/items-v1.csv");
const TAXONOMY: &str = include_str!("../../data/national/taxonomy.csv");
const QUERIES: &str = include_str!("../../data/search/judged-queries.csv");
const ADDED_IN_V2: &str = include_str!("../../data/demo/adjustment-v2.json");
const SYNONYMS: &str = include_str!("../../data/search/synonyms.csv");
const T2S: &str = include_str!("../../data/search/t2s.tsv");

const DOCS: usize = 100_000;
const SEED: u64 = 0x9E37_79B9_7F4A_7C15;
/// Time each engine may spend on the latency passes, after one warm-up pass.
const LATENCY_BUDGET: Duration = Duration::from_secs(20);
const MAX_PASSES: usize = 20;

/// Marsaglia's xorshift64*: deterministic, no dependency, good enough to shuffle text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const FILLER: &[&str] = &[
    "各街道、社区应当按照本办法要求做好组织实施工作。",
    "相关部门要加强统筹协调，确保各项措施落实到位。",
    "居民可通过线下窗口、网上办理或移动端提出申请。",
    "办理过程中如有疑问，可拨打政务服务热线咨询。",
    "服务提供单位应当建立服务台账，如实记录服务情况。",
    "区级财政按规定安排资金，保障服务持续稳定提供。",
    "本指南根据国家和省市有关规定制定。",
    "工作人员应当一次性告知申请人需要补充的材料。",
    "对符合条件的申请，应当在规定时限内办结。",
    "服务信息应当通过政府网站和公告栏向社会公开。",
    "有关单位应当定期开展满意度调查并及时改进。",
    "街道便民服务中心提供咨询、受理和代办服务。",
    "申请人应当如实提供本人身份证明和相关材料。",
    "审核结果应当在社区进行公示，公示期不少于7天。",
    "服务过程中应当保护服务对象的个人信息。",
    "各责任单位每年对服务开展情况进行总结评估。",
    "对服务质量不达标的，应当限期整改。",
    "办理时限为自受理之日起15个工作日。",
    "监督投诉可通过12345热线或线上渠道提出。",
    "服务标准随经济社会发展水平动态调整。",
    "工作经费纳入年度预算统筹安排。",
    "各部门应当加强信息共享，减少群众重复提交材料。",
    "本办法由区政务服务数据管理局负责解释。",
    "推行告知承诺制，能够通过数据共享获取的材料不再要求提交。",
    "鼓励社会力量参与服务供给，形成多元供给格局。",
    "服务场所应当设置无障碍设施和明显标识。",
    "对特殊困难群众提供上门办理和帮办代办服务。",
    "年度考核结果作为改进工作的重要依据。",
    "本通知自印发之日起施行，有效期五年。",
    "如遇政策调整，以最新公布的规定为准。",
];

/// One item of the demo list that documents are about.
struct Topic {
    code: String,
    name: String,
    area: String,
    sentences: Vec<String>,
}

fn records(text: &str) -> Result<Vec<HashMap<String, String>>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers()?.clone();
    r.records()
        .map(|rec| {
            let rec = rec?;
            Ok(headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect())
        })
        .collect()
}

fn field<'a>(r: &'a HashMap<String, String>, name: &str) -> Result<&'a str> {
    r.get(name)
        .map(String::as_str)
        .with_context(|| format!("demo list has no column {name}"))
}

/// The topics (national and featured items of the demo list; raised rows repeat a
/// national item) and the words the service would configure (every item name, category
/// and service object).
fn topics() -> Result<(Vec<Topic>, Vec<String>)> {
    let areas: HashMap<String, String> = records(TAXONOMY)?
        .into_iter()
        .map(|r| {
            Ok((
                field(&r, "领域")?.to_string(),
                field(&r, "领域编号")?.to_string(),
            ))
        })
        .collect::<Result<_>>()?;
    let mut topics = Vec::new();
    let mut words = Vec::new();
    for r in records(ITEMS)? {
        let code = field(&r, "编码")?;
        let name = field(&r, "服务项目")?;
        words.push(name.to_string());
        words.push(field(&r, "大类")?.to_string());
        words.extend(field(&r, "服务对象")?.split('、').map(str::to_string));
        if code.starts_with('R') {
            continue;
        }
        let clean = |s: &str| s.replace("（示例）", "");
        let mut sentences = vec![
            format!("服务对象为{}。", clean(field(&r, "服务对象")?)),
            format!("{}。", clean(field(&r, "服务内容")?)),
            format!("服务标准：{}。", clean(field(&r, "服务标准")?)),
            format!("{name}由{}牵头负责。", field(&r, "牵头负责单位")?),
            format!("{name}属于{}。", field(&r, "大类")?),
        ];
        sentences.retain(|s| s.chars().count() > 6);
        topics.push(Topic {
            code: code.to_string(),
            name: name.to_string(),
            area: areas
                .get(field(&r, "领域")?)
                .with_context(|| format!("{code}: area not in the taxonomy"))?
                .clone(),
            sentences,
        });
    }
    Ok((topics, words))
}

/// A generated document: its topic (index into the topics) and its text.
struct Doc {
    topic: usize,
    title: String,
    body: String,
}

fn corpus(topics: &[Topic], rng: &mut Rng) -> Result<Vec<Doc>> {
    let synonyms = Synonyms::parse(SYNONYMS)?;
    // Simplified → one traditional form: the inverse of the shipped map, so that gongfu's
    // own t2s maps it back (OpenCC's s2t would pick more idiomatic forms in a few places).
    let mut s2t: HashMap<char, char> = HashMap::new();
    for line in T2S.lines().skip(1) {
        let mut cols = line.split('\t');
        if let (Some(t), Some(s)) = (
            cols.next().and_then(|c| c.chars().next()),
            cols.next().and_then(|c| c.chars().next()),
        ) {
            s2t.entry(s).or_insert(t);
        }
    }
    let titles = [
        "{}",
        "{}办事指南",
        "关于做好{}工作的通知",
        "{}服务规范",
        "示例区{}实施细则",
        "{}常见问题解答",
    ];
    let noise = [
        "{}另行办理，不在本指南范围内。",
        "同时可了解{}等相关服务。",
        "如需{}，请另行咨询。",
    ];
    let mut docs = Vec::with_capacity(DOCS);
    for _ in 0..DOCS {
        let t = rng.below(topics.len());
        let topic = &topics[t];
        let title = rng.pick(&titles).replace("{}", &topic.name);
        let target = 200 + rng.below(601);
        let mut parts: Vec<String> = Vec::new();
        for _ in 0..2 + rng.below(3) {
            parts.push(rng.pick(&topic.sentences).clone());
        }
        for _ in 0..rng.below(3) {
            let other = &topics[rng.below(topics.len())];
            parts.push(rng.pick(&noise).replace("{}", &other.name));
        }
        let mut len: usize = parts.iter().map(|p| p.chars().count()).sum();
        while len < target {
            let f = rng.pick(FILLER);
            len += f.chars().count();
            parts.push((*f).to_string());
        }
        for i in (1..parts.len()).rev() {
            parts.swap(i, rng.below(i + 1));
        }
        let mut title = title;
        let mut body: String = parts.concat();
        if rng.chance(20) {
            for group in synonyms.groups() {
                if let Some(present) = group.iter().find(|w| body.contains(w.as_str())) {
                    let other = rng.pick(group);
                    body = body.replace(present.as_str(), other);
                    title = title.replace(present.as_str(), other);
                }
            }
        }
        if rng.chance(10) {
            let conv = |s: &str| s.chars().map(|c| *s2t.get(&c).unwrap_or(&c)).collect();
            title = conv(&title);
            body = conv(&body);
        }
        docs.push(Doc {
            topic: t,
            title,
            body,
        });
    }
    Ok(docs)
}

struct Judged {
    text: String,
    relevant: Vec<usize>,
    kind: String,
}

/// The judged queries, each with its relevant topics. Codes the generated corpus has no
/// topic for are left out: service points (`SP…`, judged by the search crate's own test
/// over the demo's points) and items the demo adds in version 2 (`adjustment-v2.json`);
/// a query left with none is skipped. Any other unknown code is an error.
fn judged(topics: &[Topic]) -> Result<Vec<Judged>> {
    let by_code: HashMap<&str, usize> = topics
        .iter()
        .enumerate()
        .map(|(i, t)| (t.code.as_str(), i))
        .collect();
    let mut out = Vec::new();
    for (i, r) in records(QUERIES)?.into_iter().enumerate() {
        let mut relevant = Vec::new();
        for c in field(&r, "相关事项编码")?.split('|') {
            match by_code.get(c) {
                Some(&t) => relevant.push(t),
                None if c.starts_with("SP") || ADDED_IN_V2.contains(&format!("\"code\": \"{c}\"")) => {}
                None => bail!(
                    "judged-queries.csv row {}: {c} is not a national or featured item of the demo list",
                    i + 2
                ),
            }
        }
        if relevant.is_empty() {
            continue;
        }
        out.push(Judged {
            text: field(&r, "查询")?.to_string(),
            relevant,
            kind: field(&r, "类型")?.to_string(),
        });
    }
    Ok(out)
}

/// Quality of one engine's top 10 over the judged queries.
#[derive(Default, Clone)]
struct Quality {
    recall: f64,
    mrr: f64,
    n: usize,
}

impl Quality {
    fn add(&mut self, q: &Judged, top: &[usize], docs: &[Doc], per_topic: &[usize]) {
        let relevant_in_corpus: usize = q.relevant.iter().map(|&t| per_topic[t]).sum();
        let hits = top
            .iter()
            .filter(|&&d| q.relevant.contains(&docs[d].topic))
            .count();
        self.recall += hits as f64 / relevant_in_corpus.clamp(1, 10) as f64;
        if let Some(rank) = top
            .iter()
            .position(|&d| q.relevant.contains(&docs[d].topic))
        {
            self.mrr += 1.0 / (rank + 1) as f64;
        }
        self.n += 1;
    }

    fn recall(&self) -> f64 {
        self.recall / self.n.max(1) as f64
    }

    fn mrr(&self) -> f64 {
        self.mrr / self.n.max(1) as f64
    }
}

/// With `GONGFU_BENCH_VERBOSE` set, prints how many of a query's top 10 are relevant.
fn trace(engine: &str, q: &Judged, top: &[usize], docs: &[Doc]) {
    if std::env::var_os("GONGFU_BENCH_VERBOSE").is_some() {
        let hits = top
            .iter()
            .filter(|&&d| q.relevant.contains(&docs[d].topic))
            .count();
        eprintln!("{engine}: {} [{}] {hits}/{}", q.text, q.kind, top.len());
    }
}

/// How FTS5 is asked.
#[derive(Clone, Copy, PartialEq)]
enum FtsMode {
    /// OR of the trigrams of every piece of three or more characters.
    Trigrams,
    /// The whole piece as a phrase (exact substring).
    Phrase,
}

/// Pieces of a query: runs of letters, digits and Chinese characters.
fn pieces(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// The MATCH expression, or None when no piece is long enough for trigrams.
fn fts_match(text: &str, mode: FtsMode) -> Option<String> {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut terms = Vec::new();
    for p in pieces(text) {
        let chars: Vec<char> = p.chars().collect();
        if chars.len() < 3 {
            continue;
        }
        match mode {
            FtsMode::Phrase => terms.push(quote(&p)),
            FtsMode::Trigrams => {
                for w in chars.windows(3) {
                    let t = quote(&w.iter().collect::<String>());
                    if !terms.contains(&t) {
                        terms.push(t);
                    }
                }
            }
        }
    }
    (!terms.is_empty()).then(|| terms.join(" OR "))
}

/// Top 10 rowids (0-based doc indexes) from FTS5, with snippets as gongfu returns them.
/// The bool is true when the query fell back to LIKE.
async fn fts_search(pool: &SqlitePool, text: &str, mode: FtsMode) -> Result<(Vec<usize>, bool)> {
    let rows = match fts_match(text, mode) {
        Some(m) => sqlx::query(
            "SELECT rowid, snippet(docs, 2, '<mark>', '</mark>', '…', 40) FROM docs \
             WHERE docs MATCH ?1 ORDER BY bm25(docs, 0.0, 3.0, 1.0) LIMIT 10",
        )
        .bind(m)
        .fetch_all(pool)
        .await
        .map(|r| (r, false))?,
        None => {
            let ps = pieces(text);
            if ps.is_empty() {
                return Ok((Vec::new(), true));
            }
            let cond = ps
                .iter()
                .enumerate()
                .map(|(i, _)| format!("(title LIKE ?{0} OR body LIKE ?{0})", i + 1))
                .collect::<Vec<_>>()
                .join(" AND ");
            let sql = format!("SELECT rowid, substr(body, 1, 80) FROM docs WHERE {cond} LIMIT 10");
            let mut q = sqlx::query(&sql);
            for p in &ps {
                q = q.bind(format!("%{p}%"));
            }
            (q.fetch_all(pool).await?, true)
        }
    };
    let (rows, like) = rows;
    Ok((
        rows.iter()
            .map(|r| r.get::<i64, _>(0) as usize - 1)
            .collect(),
        like,
    ))
}

fn gongfu_search(index: &SearchIndex, text: &str) -> Result<Vec<usize>> {
    let page = index.search(&SearchQuery::new(text))?;
    page.results
        .iter()
        .map(|h| {
            h.key
                .trim_start_matches('D')
                .parse::<usize>()
                .with_context(|| format!("unexpected key {}", h.key))
        })
        .collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// One engine's numbers for the table.
struct EngineRow {
    name: String,
    index_secs: Option<f64>,
    p50: f64,
    p99: f64,
    quality: Quality,
    by_kind: Vec<(String, Quality)>,
}

/// Generates the corpus, indexes it in both engines, runs the judged queries and prints
/// the tables.
pub async fn bench_search() -> Result<()> {
    let (topics, words) = topics()?;
    let queries = judged(&topics)?;
    let mut rng = Rng(SEED);
    let t0 = Instant::now();
    let docs = corpus(&topics, &mut rng)?;
    let chars: usize = docs
        .iter()
        .map(|d| d.title.chars().count() + d.body.chars().count())
        .sum();
    eprintln!(
        "generated {} documents about {} topics ({:.1} M characters) in {:.1} s",
        docs.len(),
        topics.len(),
        chars as f64 / 1e6,
        t0.elapsed().as_secs_f64()
    );
    let mut per_topic = vec![0usize; topics.len()];
    for d in &docs {
        per_topic[d.topic] += 1;
    }
    let mut kinds: Vec<String> = Vec::new();
    for q in &queries {
        if !kinds.contains(&q.kind) {
            kinds.push(q.kind.clone());
        }
    }

    // gongfu-search. The first build in a process loads jieba's dictionary; do that on an
    // empty index so the timing is indexing alone.
    let t0 = Instant::now();
    SearchIndex::build(SearchConfig::default(), Vec::new())?;
    let dict_secs = t0.elapsed().as_secs_f64();
    let search_docs: Vec<SearchDoc> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let kind = match i % 10 {
                0 => DocKind::Item,
                1..=3 => DocKind::Standard,
                _ => DocKind::Guide,
            };
            let mut s = SearchDoc::new(kind, format!("D{i:06}"), &d.title, &d.body);
            s.areas = vec![topics[d.topic].area.clone()];
            s
        })
        .collect();
    let config = SearchConfig {
        user_words: words,
        synonyms: Synonyms::shipped(),
        place_words: PlaceWords::shipped(),
    };
    let t0 = Instant::now();
    let index = SearchIndex::build(config, search_docs)?;
    let gongfu_index_secs = t0.elapsed().as_secs_f64();
    if index.len() != DOCS {
        bail!("gongfu-search indexed {} of {DOCS} documents", index.len());
    }
    eprintln!(
        "gongfu-search: jieba dictionary {dict_secs:.2} s, indexing {gongfu_index_secs:.1} s"
    );

    let mut rows = Vec::new();
    {
        let mut quality = Quality::default();
        let mut by_kind: HashMap<String, Quality> = HashMap::new();
        let t_pass = Instant::now();
        for q in &queries {
            let top = gongfu_search(&index, &q.text)?;
            trace("gongfu", q, &top, &docs);
            quality.add(q, &top, &docs, &per_topic);
            by_kind
                .entry(q.kind.clone())
                .or_default()
                .add(q, &top, &docs, &per_topic);
        }
        let passes = passes(t_pass.elapsed());
        let mut lat = Vec::new();
        for _ in 0..passes {
            for q in &queries {
                let t = Instant::now();
                gongfu_search(&index, &q.text)?;
                lat.push(t.elapsed());
            }
        }
        lat.sort();
        rows.push(EngineRow {
            name: "gongfu-search (tantivy + jieba)".into(),
            index_secs: Some(gongfu_index_secs),
            p50: ms(super::percentile(&lat, 0.5)),
            p99: ms(super::percentile(&lat, 0.99)),
            quality,
            by_kind: kinds
                .iter()
                .map(|k| (k.clone(), by_kind.get(k).cloned().unwrap_or_default()))
                .collect(),
        });
    }
    drop(index);

    // SQLite FTS5, trigram tokenizer, in memory like the tantivy index.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(SqliteConnectOptions::new().in_memory(true))
        .await?;
    let version: String = sqlx::query_scalar("SELECT sqlite_version()")
        .fetch_one(&pool)
        .await?;
    sqlx::query(
        "CREATE VIRTUAL TABLE docs USING fts5(key UNINDEXED, title, body, tokenize = 'trigram')",
    )
    .execute(&pool)
    .await
    .with_context(|| {
        format!("the bundled SQLite {version} has no FTS5 trigram tokenizer (needs FTS5 and SQLite 3.34 or later)")
    })?;
    let t0 = Instant::now();
    let mut tx = pool.begin().await?;
    // Many rows per statement, so the time is FTS5's indexing more than sqlx's round trips.
    for chunk in docs.chunks(200).enumerate() {
        let (c, chunk) = chunk;
        let values = vec!["(?, ?, ?, ?)"; chunk.len()].join(", ");
        let sql = format!("INSERT INTO docs(rowid, key, title, body) VALUES {values}");
        let mut q = sqlx::query(&sql);
        for (j, d) in chunk.iter().enumerate() {
            let i = c * 200 + j;
            q = q
                .bind((i + 1) as i64)
                .bind(format!("D{i:06}"))
                .bind(&d.title)
                .bind(&d.body);
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    let fts_index_secs = t0.elapsed().as_secs_f64();
    eprintln!("SQLite {version} FTS5 trigram: indexing {fts_index_secs:.1} s");

    let mut like_lat = Vec::new();
    let mut like_queries = 0;
    for (mode, name) in [
        (
            FtsMode::Trigrams,
            "SQLite FTS5 trigram: OR of trigrams, bm25 (LIKE under 3 chars)",
        ),
        (
            FtsMode::Phrase,
            "SQLite FTS5 trigram: exact phrase, bm25 (LIKE under 3 chars)",
        ),
    ] {
        let mut quality = Quality::default();
        let mut by_kind: HashMap<String, Quality> = HashMap::new();
        let t_pass = Instant::now();
        for q in &queries {
            let (top, like) = fts_search(&pool, &q.text, mode).await?;
            if like && mode == FtsMode::Trigrams {
                like_queries += 1;
            }
            trace(name, q, &top, &docs);
            quality.add(q, &top, &docs, &per_topic);
            by_kind
                .entry(q.kind.clone())
                .or_default()
                .add(q, &top, &docs, &per_topic);
        }
        let passes = passes(t_pass.elapsed());
        let mut lat = Vec::new();
        for _ in 0..passes {
            for q in &queries {
                let t = Instant::now();
                let (_, like) = fts_search(&pool, &q.text, mode).await?;
                let e = t.elapsed();
                lat.push(e);
                if like && mode == FtsMode::Trigrams {
                    like_lat.push(e);
                }
            }
        }
        lat.sort();
        rows.push(EngineRow {
            name: name.into(),
            index_secs: (mode == FtsMode::Trigrams).then_some(fts_index_secs),
            p50: ms(super::percentile(&lat, 0.5)),
            p99: ms(super::percentile(&lat, 0.99)),
            quality,
            by_kind: kinds
                .iter()
                .map(|k| (k.clone(), by_kind.get(k).cloned().unwrap_or_default()))
                .collect(),
        });
    }
    pool.close().await;
    like_lat.sort();

    println!(
        "\n### Search: {DOCS} generated documents ({:.1} M characters), {} judged queries, top 10 with snippets\n",
        chars as f64 / 1e6,
        queries.len()
    );
    println!("| engine | index (s) | docs/s | p50 (ms) | p99 (ms) | recall@10 | MRR@10 |");
    println!("|---|---|---|---|---|---|---|");
    for r in &rows {
        let (secs, rate) = match r.index_secs {
            Some(s) => (format!("{s:.1}"), format!("{:.0}", DOCS as f64 / s)),
            None => ("(same index)".into(), "".into()),
        };
        println!(
            "| {} | {secs} | {rate} | {:.2} | {:.2} | {:.3} | {:.3} |",
            r.name,
            r.p50,
            r.p99,
            r.quality.recall(),
            r.quality.mrr()
        );
    }
    let (g, f) = (&rows[0], &rows[1]);
    println!(
        "| gongfu / FTS5 (OR of trigrams) | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
        g.index_secs.unwrap_or(0.0) / f.index_secs.unwrap_or(1.0),
        f.index_secs.unwrap_or(1.0) / g.index_secs.unwrap_or(1.0),
        g.p50 / f.p50,
        g.p99 / f.p99,
        g.quality.recall() / f.quality.recall().max(1e-9),
        g.quality.mrr() / f.quality.mrr().max(1e-9),
    );
    println!("\nrecall@10 by kind of query:\n");
    print!("| engine |");
    for (k, q) in &rows[0].by_kind {
        print!(" {k} ({}) |", q.n);
    }
    println!("\n|---|{}", "---|".repeat(kinds.len()));
    for r in &rows {
        print!("| {} |", r.name);
        for (_, q) in &r.by_kind {
            print!(" {:.3} |", q.recall());
        }
        println!();
    }
    if !like_lat.is_empty() {
        println!(
            "\nFTS5: {like_queries} of {} queries are under 3 characters and ran as LIKE (full scan, unranked): p50 {:.2} ms, p99 {:.2} ms of those.",
            queries.len(),
            ms(super::percentile(&like_lat, 0.5)),
            ms(super::percentile(&like_lat, 0.99)),
        );
    }
    Ok(())
}

/// How many latency passes fit the budget, given how long one pass took.
fn passes(one: Duration) -> usize {
    let n = LATENCY_BUDGET.as_secs_f64() / one.as_secs_f64().max(1e-6);
    (n as usize).clamp(3, MAX_PASSES)
}
