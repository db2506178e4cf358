//! The list as residents read it: home, items by area and category, one item, regions and
//! a community's items, versions and the diff of two. No login, cacheable, readable on a
//! phone.

use crate::kit::filters;
use crate::kit::{page, render, PageCtx, Query, WebError};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gongfu_catalog::view::ItemView;
use gongfu_catalog::{ItemFilter, Snapshot};
use gongfu_db::catalog::Version;
use gongfu_domain::catalog::ItemChange;
use gongfu_domain::{RegionCode, RegionLevel, ServiceItem};
use gongfu_edge::{AppState, CurrentUser};
use serde::Deserialize;
use std::collections::BTreeMap;

pub(crate) struct ItemRow {
    pub code: String,
    pub name: String,
    pub target: String,
    pub featured: bool,
    pub demo: bool,
    pub local: bool,
}

pub(crate) struct CatGroup {
    pub no: u32,
    pub name: String,
    pub items: Vec<ItemRow>,
}

pub(crate) struct AreaGroup {
    pub name: String,
    pub categories: Vec<CatGroup>,
}

/// Groups items area > category, in list order.
pub(crate) fn group<'a>(
    s: &Snapshot,
    items: impl Iterator<Item = &'a ServiceItem>,
) -> Vec<AreaGroup> {
    let mut by_cat: BTreeMap<u32, Vec<ItemRow>> = BTreeMap::new();
    for it in items {
        by_cat.entry(it.category_no).or_default().push(ItemRow {
            code: it.code.to_string(),
            name: it.name.clone(),
            target: it.target_population.clone(),
            featured: it.featured,
            demo: it.is_illustrative(),
            local: !it.regions.is_empty(),
        });
    }
    s.taxonomy
        .areas
        .iter()
        .filter_map(|a| {
            let categories: Vec<CatGroup> = s
                .taxonomy
                .categories_of(a.no)
                .filter_map(|c| {
                    by_cat.remove(&c.no).map(|items| CatGroup {
                        no: c.no,
                        name: c.name.clone(),
                        items,
                    })
                })
                .collect();
            (!categories.is_empty()).then(|| AreaGroup {
                name: a.name.clone(),
                categories,
            })
        })
        .collect()
}

struct AreaCard {
    no: u32,
    name: String,
    count: usize,
    categories: Vec<CatCard>,
}

struct CatCard {
    no: u32,
    name: String,
    count: usize,
}

#[derive(Template)]
#[template(path = "list/home.html")]
struct Home {
    page: PageCtx,
    version: Option<Version>,
    areas: Vec<AreaCard>,
    total: usize,
    featured: usize,
}

pub(crate) async fn home(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let page = page(&headers, "/", &user);
    let snap = state
        .catalog
        .snapshot(None)
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?;
    let (version, areas, total, featured) = match &snap {
        Some(s) => (
            Some(s.version.clone()),
            s.area_counts()
                .into_iter()
                .map(|a| AreaCard {
                    no: a.area.no,
                    name: a.area.name.clone(),
                    count: a.items,
                    categories: a
                        .categories
                        .into_iter()
                        .map(|(c, n)| CatCard {
                            no: c.no,
                            name: c.name.clone(),
                            count: n,
                        })
                        .collect(),
                })
                .collect(),
            s.items.len(),
            s.items.iter().filter(|i| i.featured).count(),
        ),
        None => (None, vec![], 0, 0),
    };
    Ok(render(&Home {
        page,
        version,
        areas,
        total,
        featured,
    }))
}

#[derive(Deserialize, Default)]
pub(crate) struct ItemsQuery {
    q: Option<String>,
    area: Option<String>,
    category: Option<String>,
    featured: Option<String>,
    version: Option<String>,
}

#[derive(Template)]
#[template(path = "list/items.html")]
struct Items {
    page: PageCtx,
    version_label: String,
    version_number: i64,
    version_query: String,
    area: String,
    featured: String,
    area_options: Vec<(u32, String)>,
    version_options: Vec<(i64, String)>,
    groups: Vec<AreaGroup>,
    total: usize,
}

fn version_param(v: Option<&str>) -> Result<Option<i64>, WebError> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| {
            WebError::new(
                StatusCode::BAD_REQUEST,
                "请求参数有误",
                gongfu_domain::msg!("version-not-number", value = s),
            )
        }),
    }
}

pub(crate) async fn items(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Query(q): Query<ItemsQuery>,
) -> Result<Response, WebError> {
    let mut page = page(&headers, "/items", &user);
    page.q = q.q.clone().unwrap_or_default();
    let version = version_param(q.version.as_deref()).map_err(|e| e.with_page(&page))?;
    let s = state
        .catalog
        .require(version)
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?;
    let featured = q.featured.clone().unwrap_or_default();
    let filter = ItemFilter {
        area: q.area.clone().filter(|s| !s.is_empty()),
        category: q.category.clone().filter(|s| !s.is_empty()),
        featured: (featured == "true").then_some(true),
        q: q.q.clone().filter(|s| !s.trim().is_empty()),
        ..Default::default()
    };
    let matching: Vec<&ServiceItem> = s.filter(&filter).collect();
    let total = matching.len();
    let groups = group(&s, matching.into_iter());
    let versions = state
        .catalog
        .versions()
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?;
    let latest = versions.last().map(|v| v.number) == Some(s.version.number);
    Ok(render(&Items {
        version_label: s.version.label.clone(),
        version_number: s.version.number,
        version_query: if latest {
            String::new()
        } else {
            format!("?version={}", s.version.number)
        },
        area: q.area.unwrap_or_default(),
        featured,
        area_options: s
            .taxonomy
            .areas
            .iter()
            .map(|a| (a.no, a.name.clone()))
            .collect(),
        version_options: versions
            .iter()
            .rev()
            .map(|v| (v.number, format!("第{}版 {}", v.number, v.label)))
            .collect(),
        groups,
        total,
        page,
    }))
}

#[derive(Deserialize)]
pub(crate) struct VersionQuery {
    version: Option<String>,
}

#[derive(Template)]
#[template(path = "list/item.html")]
struct ItemPage {
    page: PageCtx,
    item: ItemView,
    demo: bool,
    scope: &'static str,
    origin: &'static str,
    status: &'static str,
    relation: &'static str,
    base: Option<(String, String)>,
    regions: Vec<(String, String)>,
    version_label: String,
    version_query: String,
    can_propose: bool,
    /// (number, title, stage, in force) of the standards serving the item.
    standards: Vec<(String, String, String, bool)>,
    guide: Option<String>,
}

pub(crate) async fn item(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, WebError> {
    let page = page(&headers, &format!("/items/{code}"), &user);
    let version = version_param(q.version.as_deref()).map_err(|e| e.with_page(&page))?;
    let s = state
        .catalog
        .require(version)
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?;
    let it = s.item(&code).ok_or_else(|| {
        WebError::new(
            StatusCode::NOT_FOUND,
            "未找到该服务项目",
            gongfu_domain::msg!(
                "item-not-in-version",
                code = code,
                label = s.version.label,
                number = s.version.number
            ),
        )
        .with_page(&page)
    })?;
    let mut regions = Vec::new();
    for r in &it.regions {
        let name = gongfu_db::regions::get_region(&state.db, r)
            .await?
            .map(|x| x.name)
            .unwrap_or_else(|| r.to_string());
        regions.push((r.to_string(), name));
    }
    let can_propose = user.0.as_ref().is_some_and(|s| s.user.role.can_propose());
    let q = version.map(|v| format!("?version={v}")).unwrap_or_default();
    let today = state.clock.today();
    // One look at the registry in memory answers both the standards and the guide.
    let registry = state
        .standards
        .loaded()
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?;
    let standards = registry
        .for_item(&it.code)
        .map(|s| {
            (
                s.number.to_string(),
                s.title.clone(),
                s.stage.label().to_string(),
                s.in_force(today),
            )
        })
        .collect();
    let guide = registry
        .text(gongfu_standards::texts::TextKind::Guide, it.code.as_str())
        .map(|t| t.title.clone());
    Ok(render(&ItemPage {
        guide,
        standards,
        item: ItemView::new(it, &s.taxonomy),
        demo: it.is_illustrative(),
        scope: it.population_scope.label(),
        origin: it.origin_level.label(),
        status: it.status.label(),
        relation: it.base_relation.map(|r| r.label()).unwrap_or(""),
        base: it.base_code.as_ref().map(|b| {
            (
                b.to_string(),
                s.item(b.as_str())
                    .map(|x| x.name.clone())
                    .unwrap_or_else(|| b.to_string()),
            )
        }),
        regions,
        version_label: format!("{}（第{}版）", s.version.label, s.version.number),
        version_query: q,
        can_propose,
        page,
    }))
}

struct Sub {
    code: String,
    name: String,
    communities: Vec<(String, String)>,
}

struct District {
    name: String,
    subdistricts: Vec<Sub>,
}

#[derive(Template)]
#[template(path = "list/regions.html")]
struct Regions {
    page: PageCtx,
    districts: Vec<District>,
}

pub(crate) async fn regions(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let page = page(&headers, "/regions", &user);
    let all = gongfu_db::regions::list(&state.db).await?;
    let current: Vec<_> = all.iter().filter(|r| r.valid_to.is_none()).collect();
    let districts = current
        .iter()
        .filter(|r| r.level == RegionLevel::District)
        .map(|d| District {
            name: d.name.clone(),
            subdistricts: current
                .iter()
                .filter(|s| {
                    s.level == RegionLevel::Subdistrict && s.parent_code.as_ref() == Some(&d.code)
                })
                .map(|s| Sub {
                    code: s.code.to_string(),
                    name: s.name.clone(),
                    communities: current
                        .iter()
                        .filter(|c| c.parent_code.as_ref() == Some(&s.code))
                        .map(|c| (c.code.to_string(), c.name.clone()))
                        .collect(),
                })
                .collect(),
        })
        .collect();
    Ok(render(&Regions { page, districts }))
}

#[derive(Template)]
#[template(path = "list/region.html")]
struct RegionPage {
    page: PageCtx,
    code: String,
    name: String,
    level_label: &'static str,
    valid_to: Option<i64>,
    demo: bool,
    ancestors: Vec<(String, String)>,
    children: Vec<(String, String)>,
    populations: Vec<(i64, &'static str, i64)>,
    groups: Vec<AreaGroup>,
    total: usize,
    version_label: String,
}

pub(crate) async fn region(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let page = page(&headers, &format!("/regions/{code}"), &user);
    let rc = RegionCode::parse(&code).map_err(|e| {
        WebError::new(StatusCode::BAD_REQUEST, "区划代码有误", e.to_string()).with_page(&page)
    })?;
    let (region, s, idx) = state
        .catalog
        .region_items(&rc, None)
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?;
    let mut ancestors = Vec::new();
    let mut p = rc.parent();
    while let Some(pc) = p {
        if let Some(r) = gongfu_db::regions::get_region(&state.db, &pc).await? {
            ancestors.push((pc.to_string(), r.name));
        }
        p = pc.parent();
    }
    ancestors.reverse();
    let all = gongfu_db::regions::list(&state.db).await?;
    let children = all
        .iter()
        .filter(|r| r.parent_code.as_ref() == Some(&rc) && r.valid_to.is_none())
        .map(|r| (r.code.to_string(), r.name.clone()))
        .collect();
    let pops = gongfu_db::regions::populations(&state.db, &rc).await?;
    let latest_year = pops.first().map(|p| p.year);
    let populations = pops
        .iter()
        .filter(|p| Some(p.year) == latest_year)
        .map(|p| (p.year, p.kind.label(), p.count))
        .collect();
    let total = idx.len();
    let groups = group(&s, idx.iter().map(|&i| &s.items[i]));
    Ok(render(&RegionPage {
        code: rc.to_string(),
        name: region.name.clone(),
        level_label: match rc.level() {
            RegionLevel::Community => "社区",
            RegionLevel::Subdistrict => "街道",
            _ => "区域",
        },
        valid_to: region.valid_to,
        demo: region.provenance.contains("示例"),
        ancestors,
        children,
        populations,
        groups,
        total,
        version_label: s.version.label.clone(),
        page,
    }))
}

struct VersionRow {
    number: i64,
    label: String,
    items: usize,
    published_at: String,
    published_by: String,
}

#[derive(Template)]
#[template(path = "list/versions.html")]
struct Versions {
    page: PageCtx,
    versions: Vec<VersionRow>,
    /// A national standard edition is stored, so each version links to its compliance.
    has_national: bool,
}

pub(crate) async fn versions(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let page = page(&headers, "/versions", &user);
    let mut versions = Vec::new();
    for v in state
        .catalog
        .versions()
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?
    {
        let items = state
            .catalog
            .snapshot(Some(v.number))
            .await
            .map_err(|e| WebError::from(e).with_page(&page))?
            .map(|s| s.items.len())
            .unwrap_or(0);
        versions.push(VersionRow {
            number: v.number,
            published_at: v.published_date().to_string(),
            label: v.label,
            items,
            published_by: v.published_by,
        });
    }
    let has_national = !state
        .catalog
        .national_editions()
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?
        .is_empty();
    Ok(render(&Versions {
        page,
        versions,
        has_national,
    }))
}

#[derive(Deserialize)]
pub(crate) struct DiffQuery {
    a: Option<String>,
    b: Option<String>,
}

#[derive(Template)]
#[template(path = "list/diff.html")]
struct DiffPage {
    page: PageCtx,
    a: i64,
    b: i64,
    added: Vec<(String, String)>,
    removed: Vec<(String, String)>,
    changed: Vec<ItemChange>,
}

pub(crate) async fn diff(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Query(q): Query<DiffQuery>,
) -> Result<Response, WebError> {
    let page = page(&headers, "/versions/diff", &user);
    let num = |v: Option<&str>, which: &str| -> Result<i64, WebError> {
        v.and_then(|s| s.trim().parse().ok()).ok_or_else(|| {
            WebError::new(
                StatusCode::BAD_REQUEST,
                "请求参数有误",
                gongfu_domain::msg!("compare-versions-missing", which = which),
            )
            .with_page(&page)
        })
    };
    let (a, b) = (
        num(q.a.as_deref(), "原版本")?,
        num(q.b.as_deref(), "新版本")?,
    );
    let d = state
        .catalog
        .diff(a, b)
        .await
        .map_err(|e| WebError::from(e).with_page(&page))?;
    Ok(render(&DiffPage {
        page,
        a,
        b,
        added: d.added,
        removed: d.removed,
        changed: d.changed,
    }))
}
