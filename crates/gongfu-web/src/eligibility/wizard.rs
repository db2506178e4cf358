//! The wizard's pages: the start page (with life events to browse), one step per answer,
//! and answers kept behind a link.

use crate::kit::{page, render, PageCtx, Query, WebError};
use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use gongfu_domain::{RegionCode, RegionLevel};
use gongfu_edge::{ApiError, AppState, CurrentUser};
use gongfu_eligibility::assess::{Assessment, Entry, FieldView};
use gongfu_eligibility::EligibilityError;
use gongfu_rules::Profile;
use serde::Deserialize;

fn web(e: EligibilityError, page: &PageCtx) -> WebError {
    WebError::from(ApiError::from(e)).with_page(page)
}

/// A question as the form shows it.
pub(crate) struct Ask {
    pub name: String,
    pub kind: String,
    pub question: String,
    pub label: String,
    /// (value, label, checked).
    pub options: Vec<(String, String, bool)>,
    /// Current text (dates, numbers).
    pub value: String,
    pub decides: usize,
}

/// A life event being browsed: its key, label, and items (code, name, 服务对象).
pub(crate) struct EventView {
    pub key: String,
    pub label: String,
    pub items: Vec<(String, String, String)>,
}

pub(crate) struct AreaResult {
    pub name: String,
    pub entries: Vec<Entry>,
}

#[derive(Template)]
#[template(path = "eligibility/wizard.html")]
struct WizardPage {
    page: PageCtx,
    /// Answers so far, carried in hidden inputs: (field, text).
    answers: Vec<(String, String)>,
    /// Answers as the resident reads them: (label, answer).
    summary: Vec<(String, String)>,
    skipped: String,
    ask: Option<Ask>,
    error: String,
    eligible: Vec<AreaResult>,
    eligible_count: usize,
    maybe: Vec<Entry>,
    ineligible_count: usize,
    ineligible: Vec<Entry>,
    started: bool,
    events: Vec<(String, String)>,
    event: Option<EventView>,
    saved_link: String,
    date: String,
    version: i64,
}

#[derive(Deserialize)]
pub(crate) struct StartQuery {
    event: Option<String>,
}

fn choice_label(f: &FieldView, key: &str) -> String {
    f.values
        .iter()
        .find(|c| c.key == key)
        .map(|c| c.label.clone())
        .unwrap_or_else(|| key.to_string())
}

/// The answer as the resident reads it.
fn readable(f: &FieldView, text: &str) -> String {
    match f.kind {
        "bool" | "enum" => choice_label(f, text),
        "set" | "date_list" => {
            let parts: Vec<String> = text
                .split('|')
                .filter(|p| !p.is_empty() && *p != "none")
                .map(|p| choice_label(f, p))
                .collect();
            if parts.is_empty() {
                "无".into()
            } else {
                parts.join("、")
            }
        }
        _ => text.to_string(),
    }
}

fn ask(
    f: &FieldView,
    decides: usize,
    communities: &[(String, String)],
    current: Option<&str>,
) -> Ask {
    let current = current.unwrap_or("");
    let selected: Vec<&str> = current.split('|').collect();
    let options = match f.kind {
        "bool" | "enum" | "set" => f
            .values
            .iter()
            .map(|c| {
                (
                    c.key.clone(),
                    c.label.clone(),
                    selected.contains(&c.key.as_str()),
                )
            })
            .collect(),
        "int" => (f.min.unwrap_or(0)..=f.max.unwrap_or(0).min(f.min.unwrap_or(0) + 20))
            .map(|n| {
                (
                    n.to_string(),
                    format!("{n}{}", f.unit),
                    current == n.to_string(),
                )
            })
            .collect(),
        "region" => communities
            .iter()
            .map(|(c, n)| (c.clone(), n.clone(), current == c))
            .collect(),
        _ => vec![],
    };
    Ask {
        name: f.name.clone(),
        kind: f.kind.to_string(),
        question: f.question.clone(),
        label: f.label.clone(),
        options,
        value: current.to_string(),
        decides,
    }
}

impl WizardPage {
    fn empty(page: PageCtx) -> Self {
        WizardPage {
            page,
            answers: vec![],
            summary: vec![],
            skipped: String::new(),
            ask: None,
            error: String::new(),
            eligible: vec![],
            eligible_count: 0,
            maybe: vec![],
            ineligible_count: 0,
            ineligible: vec![],
            started: false,
            events: gongfu_eligibility::life::standard()
                .iter()
                .map(|e| (e.key.clone(), e.label.clone()))
                .collect(),
            event: None,
            saved_link: String::new(),
            date: String::new(),
            version: 0,
        }
    }
}

/// Communities by name, for the question that asks where the resident lives.
async fn communities(state: &AppState) -> Vec<(String, String)> {
    let Ok(l) = state.places.loaded().await else {
        return vec![];
    };
    let mut v: Vec<(String, String)> = l
        .regions
        .iter()
        .filter(|(c, _)| c.level() == RegionLevel::Community)
        .map(|(c, n)| {
            let sub = c
                .parent()
                .and_then(|p: RegionCode| l.regions.get(&p).cloned())
                .unwrap_or_default();
            (c.as_str().to_string(), format!("{sub} {n}"))
        })
        .collect();
    v.sort();
    v
}

/// Runs the assessment over the answers and fills the page: results, the next question
/// not skipped, or the error of an answer that does not read.
async fn assess_into(
    state: &AppState,
    p: &mut WizardPage,
    answers: &BTreeMap<String, String>,
    skipped: &[String],
) -> Result<(), WebError> {
    let schema = state.eligibility.schema();
    let at = state.eligibility.today();
    let mut profile = Profile::empty(schema);
    let mut bad_field = None;
    for (k, v) in answers {
        if let Err(e) = profile.set(schema, k, v, at) {
            p.error = format!(
                "“{}”的回答无法识别：{}",
                schema
                    .index(k)
                    .map(|i| schema.field(i).label.clone())
                    .unwrap_or_else(|| k.clone()),
                e.message
            );
            bad_field = Some(k.clone());
        }
    }
    let a: Assessment = state
        .eligibility
        .assess(profile, at, None)
        .await
        .map_err(|e| web(e, &p.page))?;
    let views = gongfu_eligibility::assess::field_views(schema);
    let view = |n: &str| views.iter().find(|f| f.name == n);
    p.answers = answers
        .iter()
        .filter(|(k, _)| Some(*k) != bad_field.as_ref())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    p.summary = p
        .answers
        .iter()
        .filter_map(|(k, v)| view(k).map(|f| (f.label.clone(), readable(f, v))))
        .collect();
    p.skipped = skipped.join(",");
    p.date = a.date.clone();
    p.version = a.version;
    let communities = communities(state).await;
    let next = match &bad_field {
        Some(b) => Some(b.clone()),
        None => a
            .open_questions
            .iter()
            .find(|q| !skipped.contains(q) && !answers.contains_key(*q))
            .cloned(),
    };
    p.ask = next.and_then(|n| {
        let f = view(&n)?;
        let decides = a.maybe.iter().filter(|e| e.missing.contains(&n)).count();
        Some(ask(
            f,
            decides,
            &communities,
            answers.get(&n).map(String::as_str),
        ))
    });
    let mut by_area: BTreeMap<u32, AreaResult> = BTreeMap::new();
    p.eligible_count = a.eligible.len();
    for e in a.eligible {
        by_area
            .entry(e.area_no)
            .or_insert_with(|| AreaResult {
                name: e.area.clone(),
                entries: vec![],
            })
            .entries
            .push(e);
    }
    p.eligible = by_area.into_values().collect();
    p.maybe = a.maybe;
    p.ineligible_count = a.ineligible.len();
    p.ineligible = a.ineligible;
    p.started = true;
    Ok(())
}

/// The start page: what the wizard does, life events to browse, the first question.
pub(crate) async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Query(q): Query<StartQuery>,
) -> Result<Response, WebError> {
    let page = page(&headers, "/eligibility", &user);
    let mut p = WizardPage::empty(page);
    if let Some(key) = q.event.filter(|k| !k.is_empty()) {
        let events = gongfu_eligibility::life::standard();
        let Some(ev) = events.iter().find(|e| e.key == key) else {
            return Err(WebError::new(
                axum::http::StatusCode::NOT_FOUND,
                "没有这个人生事件",
                format!("“{key}”不是人生事件；请从“我能享受什么”页面选择。"),
            )
            .with_page(&p.page));
        };
        let snap = state
            .catalog
            .require(None)
            .await
            .map_err(|e| WebError::from(e).with_page(&p.page))?;
        let items = snap
            .items
            .iter()
            .filter(|it| ev.covers(it, &snap.taxonomy))
            .map(|it| {
                (
                    it.code.to_string(),
                    it.name.clone(),
                    it.target_population.clone(),
                )
            })
            .collect();
        p.event = Some(EventView {
            key: ev.key.clone(),
            label: ev.label.clone(),
            items,
        });
        return Ok(render(&p));
    }
    assess_into(&state, &mut p, &BTreeMap::new(), &[]).await?;
    // Before any answer nothing is shown but the first question.
    p.started = false;
    Ok(render(&p))
}

/// One step: the answers so far plus the one just given (or skipped), or "keep my
/// answers behind a link".
pub(crate) async fn step(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let page = page(&headers, "/eligibility", &user);
    let mut p = WizardPage::empty(page);
    let mut answers: BTreeMap<String, String> = BTreeMap::new();
    let mut skipped: Vec<String> = Vec::new();
    let (mut current, mut action) = (String::new(), String::new());
    for (k, v) in &form {
        if let Some(name) = k.strip_prefix("a.") {
            // A set or list answered with several boxes: values joined by |.
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            answers
                .entry(name.to_string())
                .and_modify(|s| {
                    s.push('|');
                    s.push_str(v);
                })
                .or_insert_with(|| v.to_string());
        } else if k == "skip" {
            skipped.extend(v.split(',').filter(|s| !s.is_empty()).map(String::from));
        } else if k == "q" {
            current = v.clone();
        } else if k == "action" {
            action = v.clone();
        }
    }
    if action == "skip" && !current.is_empty() {
        answers.remove(&current);
        skipped.push(current.clone());
    } else {
        // The birth-date question may be answered with an age instead.
        let answered = answers.contains_key(&current)
            || (current == "birth_date" && answers.contains_key("age"));
        if !current.is_empty() && !answered && action == "answer" {
            // An empty set or list is an answer: 无.
            let schema = state.eligibility.schema();
            if let Some(f) = schema.index(&current).map(|i| schema.field(i)) {
                if matches!(
                    f.ty,
                    gongfu_rules::schema::FieldType::Set
                        | gongfu_rules::schema::FieldType::DateList
                ) {
                    answers.insert(current.clone(), "none".into());
                } else {
                    p.error = format!("请回答“{}”，或选择“跳过”。", f.label);
                }
            }
        }
    }
    if action == "forget" {
        answers.clear();
        skipped.clear();
    }
    assess_into(&state, &mut p, &answers, &skipped).await?;
    if action == "save" && !p.answers.is_empty() {
        let kept: BTreeMap<String, String> = p.answers.iter().cloned().collect();
        let token = state
            .eligibility
            .keep_answers(&kept)
            .await
            .map_err(|e| web(e, &p.page))?;
        p.saved_link = format!("/eligibility/saved/{token}");
    }
    Ok(render(&p))
}

/// Answers kept behind a link.
pub(crate) async fn saved(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let page = page(&headers, "/eligibility", &user);
    let mut p = WizardPage::empty(page);
    let answers = state
        .eligibility
        .kept_answers(&token)
        .await
        .map_err(|e| web(e, &p.page))?
        .ok_or_else(|| {
            WebError::new(
                axum::http::StatusCode::NOT_FOUND,
                "链接已失效",
                "这个链接保存的回答不存在或已超过30天；请重新回答。",
            )
            .with_page(&p.page)
        })?;
    assess_into(&state, &mut p, &answers, &[]).await?;
    Ok(render(&p))
}
