//! The affordability capability as staff use it: populations (synthesized or imported),
//! unit costs, payer shares and budgets, and runs that are kept so a report can be
//! reopened and an adjustment can show its result.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use gongfu_catalog::{Action, Actor};
use gongfu_db::eligibility as store;
use gongfu_domain::{PopulationKind, RegionLevel};
use gongfu_rules::Population;

use crate::afford::{
    self, Bands, Candidate, CostBook, RunInput, RunResult, Scenario, Shares, UnitCost,
};
use crate::project::Rates;
use crate::{Affordability, AffordabilityError};
use gongfu_eligibility::synth::{synthesize, CommunityCount, Marginals};

/// A population as listed.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PopulationInfo {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Region covered.
    pub region_code: String,
    /// Year described.
    pub year: i64,
    /// synthesized or imported.
    pub source: String,
    /// Rows (persons drawn or imported).
    pub persons: i64,
    /// Persons each row stands for: 1, or 1/scale for a sample.
    pub weight: f64,
    /// When and by whom.
    pub created_at: String,
    /// Who.
    pub created_by: String,
    /// Source of its figures.
    pub provenance: String,
}

impl From<store::StoredPopulation> for PopulationInfo {
    fn from(p: store::StoredPopulation) -> Self {
        let scale = serde_json::from_str::<serde_json::Value>(&p.params)
            .ok()
            .and_then(|v| v["scale"].as_f64())
            .filter(|s| *s > 0.0 && *s <= 1.0)
            .unwrap_or(1.0);
        PopulationInfo {
            weight: 1.0 / scale,
            id: p.id,
            name: p.name,
            region_code: p.region_code,
            year: p.year,
            source: p.source,
            persons: p.persons,
            created_at: p.created_at,
            created_by: p.created_by,
            provenance: p.provenance,
        }
    }
}

/// What a synthesized population is drawn from: kept with it, so it is drawn again
/// identically when read.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct SynthParams {
    seed: u64,
    /// Share of each community drawn (1 for everyone; 0.01 for a 1% sample whose persons
    /// each stand for 100).
    #[serde(default = "one")]
    scale: f64,
    marginals: Marginals,
    communities: Vec<(String, u64, u64, u64)>,
}

fn one() -> f64 {
    1.0
}

/// A request to synthesize a population.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SynthRequest {
    /// Name; "合成人口 YEAR（示例）" when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// The year whose head counts (户籍, 常住, 服务人口 per community) it matches.
    pub year: i64,
    /// Seed; 2026 when absent.
    #[serde(default)]
    pub seed: Option<u64>,
    /// Marginals; the shipped ones when absent (`data/eligibility/marginals.json` shows
    /// the shape).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub marginals: Option<Marginals>,
    /// Share drawn, above 0 and at most 1 (0.01 for a 1% sample, each person then
    /// standing for 100); 1 when absent.
    #[serde(default)]
    pub scale: Option<f64>,
}

/// A request to run the assessment.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    /// Title; made from the scenario or adjustment when absent.
    #[serde(default)]
    pub title: Option<String>,
    /// List version; the newest (or the adjustment's base) when absent.
    #[serde(default)]
    pub version: Option<i64>,
    /// Population id; the newest when absent.
    #[serde(default)]
    pub population: Option<i64>,
    /// First year; the population's year when absent.
    #[serde(default)]
    pub start_year: Option<i32>,
    /// Years, 1 to 5; 3 when absent.
    #[serde(default)]
    pub years: Option<u32>,
    /// A scenario to compare.
    #[serde(default)]
    pub scenario: Option<Scenario>,
    /// An adjustment whose preview to compare.
    #[serde(default)]
    pub adjustment: Option<i64>,
    /// Projection rates: `birth_rate`, `net_migration_rate` and `death_rates` as
    /// `[from_age, to_age, rate]` (docs/affordability.md).
    #[serde(default)]
    pub projection: Option<Rates>,
    /// Warning bands.
    #[serde(default)]
    pub bands: Option<Bands>,
    /// Yearly budget growth assumed past the last budget entered.
    #[serde(default)]
    pub budget_growth: Option<f64>,
    /// Projection seed.
    #[serde(default)]
    pub seed: Option<u64>,
}

/// A kept run.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Run {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// The adjustment assessed.
    pub adjustment_id: Option<i64>,
    /// When.
    pub created_at: String,
    /// By whom.
    pub created_by: String,
    /// The request as given.
    #[schema(value_type = RunRequest)]
    pub request: serde_json::Value,
    /// The population's name and year.
    pub population: String,
    /// The result (absent in listings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<RunResult>,
}

/// Bytes of populations kept decoded in memory at most (about two demo districts).
const POPULATIONS_KEPT: usize = 2;

impl Affordability {
    /// Every population, newest first.
    pub async fn populations(&self) -> Result<Vec<PopulationInfo>, AffordabilityError> {
        Ok(store::populations(self.db())
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The district: the region at district level, for budgets and populations.
    async fn district(&self) -> Result<String, AffordabilityError> {
        let regions = gongfu_db::regions::list(self.db()).await?;
        regions
            .iter()
            .find(|r| r.level == RegionLevel::District && r.valid_to.is_none())
            .map(|r| r.code.as_str().to_string())
            .ok_or_else(|| AffordabilityError::Invalid(vec![
                "no district is among the regions; import the regions (区划) with the district's 12-digit code first".into(),
            ]))
    }

    /// Current communities' codes.
    async fn communities(&self) -> Result<Vec<String>, AffordabilityError> {
        Ok(gongfu_db::regions::list(self.db())
            .await?
            .into_iter()
            .filter(|r| r.level == RegionLevel::Community && r.valid_to.is_none())
            .map(|r| r.code.as_str().to_string())
            .collect())
    }

    /// Synthesizes a population to match a year's head counts; returns its id.
    #[tracing::instrument(name = "synthesize_population", skip_all, fields(actor = %actor.name, year = req.year))]
    pub async fn synthesize(
        &self,
        actor: &Actor,
        req: SynthRequest,
    ) -> Result<i64, AffordabilityError> {
        actor.may(Action::Administer)?;
        let schema = self.schema();
        let marginals = req.marginals.unwrap_or_else(Marginals::standard);
        marginals
            .check(schema)
            .map_err(|e| AffordabilityError::Invalid(vec![e]))?;
        if !(2000..=2100).contains(&req.year) {
            return Err(AffordabilityError::Invalid(vec![format!(
                "year {} is not from 2000 to 2100",
                req.year
            )]));
        }
        let district = self.district().await?;
        let communities: HashSet<String> = self.communities().await?.into_iter().collect();
        // Head counts of the year asked, else of the latest year before it.
        let all = gongfu_db::regions::all_populations(self.db()).await?;
        let mut by: BTreeMap<String, BTreeMap<i64, [u64; 3]>> = BTreeMap::new();
        for p in all
            .iter()
            .filter(|p| communities.contains(p.region_code.as_str()) && p.year <= req.year)
        {
            let e = by
                .entry(p.region_code.as_str().to_string())
                .or_default()
                .entry(p.year)
                .or_default();
            let k = match p.kind {
                PopulationKind::Hukou => 0,
                PopulationKind::Permanent => 1,
                PopulationKind::Served => 2,
            };
            e[k] = p.count.max(0) as u64;
        }
        let counts: Vec<(String, u64, u64, u64)> = by
            .into_iter()
            .filter_map(|(code, years)| {
                let (_, c) = years.into_iter().next_back()?;
                let served = c[2].max(c[1]).max(c[0]);
                (served > 0).then_some((code, c[0], c[1].max(c[0]), served))
            })
            .collect();
        if counts.is_empty() {
            return Err(AffordabilityError::Invalid(vec![format!(
                "no community has head counts for {} or earlier; import populations (户籍人口, 常住人口, 服务人口 per community) first",
                req.year
            )]));
        }
        let scale = req.scale.unwrap_or(1.0);
        if !(scale > 0.0 && scale <= 1.0) {
            return Err(AffordabilityError::Invalid(vec![format!(
                "scale {scale} must be above 0 and at most 1 (0.01 draws a 1% sample)"
            )]));
        }
        let params = SynthParams {
            seed: req.seed.unwrap_or(2026),
            scale,
            marginals,
            communities: counts,
        };
        // The draw is reproducible, so only its parameters are stored; it is drawn when
        // first used. Its size is known without drawing.
        let persons: u64 = params.communities.iter().map(|c| scaled(c.3, scale)).sum();
        let provenance = format!(
            "合成人口（示例）：各社区户籍、常住、服务人口取{}年或之前最近一年的登记数；{}",
            req.year, params.marginals.provenance
        );
        let id = store::insert_population(
            self.db(),
            &store::StoredPopulation {
                id: 0,
                name: req
                    .name
                    .unwrap_or_else(|| format!("合成人口 {}年（示例）", req.year)),
                region_code: district,
                year: req.year,
                source: "synthesized".into(),
                params: serde_json::to_string(&params).unwrap_or_default(),
                persons: persons as i64,
                data: Vec::new(),
                created_at: String::new(),
                created_by: actor.name.clone(),
                provenance,
            },
        )
        .await?;
        Ok(id)
    }

    fn draw(&self, p: &SynthParams, year: i64) -> Population {
        let communities: Vec<CommunityCount> = p
            .communities
            .iter()
            .map(|(code, hukou, permanent, served)| CommunityCount {
                code: code.clone(),
                hukou: scaled(*hukou, p.scale),
                permanent: scaled(*permanent, p.scale),
                served: scaled(*served, p.scale),
            })
            .collect();
        synthesize(
            self.schema(),
            &p.marginals,
            &communities,
            afford::reference_date(year as i32),
            p.seed,
        )
    }

    /// Imports a population from CSV (one row per person), all or nothing; returns its id.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, file = %file, year))]
    pub async fn import_population(
        &self,
        actor: &Actor,
        name: &str,
        year: i64,
        file: &str,
        bytes: &[u8],
    ) -> Result<i64, AffordabilityError> {
        actor.may(Action::Administer)?;
        if !(2000..=2100).contains(&year) {
            return Err(AffordabilityError::Invalid(vec![format!(
                "year {year} is not from 2000 to 2100"
            )]));
        }
        let schema = self.schema();
        let district = self.district().await?;
        let communities: HashSet<String> = self.communities().await?.into_iter().collect();
        let pop = crate::popfile::read_population(
            file,
            bytes,
            schema,
            afford::reference_date(year as i32),
            &communities,
        )?;
        let data = gongfu_rules::store::encode(&pop, schema);
        let id = store::insert_population(
            self.db(),
            &store::StoredPopulation {
                id: 0,
                name: if name.trim().is_empty() {
                    format!("导入人口 {year}年")
                } else {
                    name.trim().to_string()
                },
                region_code: district,
                year,
                source: "imported".into(),
                params: serde_json::json!({"file": file}).to_string(),
                persons: pop.len() as i64,
                data,
                created_at: String::new(),
                created_by: actor.name.clone(),
                provenance: format!("导入：{file}"),
            },
        )
        .await?;
        self.keep_population(id, Arc::new(pop));
        Ok(id)
    }

    fn keep_population(&self, id: i64, pop: Arc<Population>) {
        let mut cache = self.populations.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|(i, _)| *i != id);
        cache.push((id, pop));
        if cache.len() > POPULATIONS_KEPT {
            cache.remove(0);
        }
    }

    /// A population's persons (decoded or drawn once, then kept).
    pub async fn population(
        &self,
        id: i64,
    ) -> Result<(PopulationInfo, Arc<Population>), AffordabilityError> {
        let stored = store::population_by_id(self.db(), id)
            .await?
            .ok_or_else(|| AffordabilityError::NotFound {
                what: "population",
                key: id.to_string(),
                hint: "list them with GET /api/v1/populations, or synthesize one".into(),
            })?;
        let cached = {
            let cache = self.populations.lock().unwrap_or_else(|e| e.into_inner());
            cache.iter().find(|(i, _)| *i == id).map(|(_, p)| p.clone())
        };
        let pop = match cached {
            Some(p) => p,
            None => {
                let pop = if stored.source == "synthesized" {
                    let params: SynthParams = serde_json::from_str(&stored.params).map_err(|e| {
                        AffordabilityError::Invalid(vec![format!("population {id}: its synthesis parameters do not read ({e}); synthesize it again")])
                    })?;
                    self.draw(&params, stored.year)
                } else {
                    gongfu_rules::store::decode(&stored.data, self.schema()).map_err(|e| {
                        AffordabilityError::Invalid(vec![format!("population {id}: {e}")])
                    })?
                };
                let pop = Arc::new(pop);
                self.keep_population(id, pop.clone());
                pop
            }
        };
        Ok((stored.into(), pop))
    }

    /// Removes a population.
    pub async fn delete_population(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<(), AffordabilityError> {
        actor.may(Action::Administer)?;
        if !store::delete_population(self.db(), id, &actor.name).await? {
            return Err(AffordabilityError::NotFound {
                what: "population",
                key: id.to_string(),
                hint: "list them with GET /api/v1/populations".into(),
            });
        }
        let mut cache = self.populations.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|(i, _)| *i != id);
        Ok(())
    }

    /// Unit costs and payer shares as stored.
    pub async fn cost_book(&self) -> Result<CostBook, AffordabilityError> {
        let unit_costs = store::costs(self.db())
            .await?
            .into_iter()
            .map(|c| UnitCost {
                item: c.item_code,
                year: c.year as i32,
                unit_cost: c.unit_cost,
                take_up: c.take_up.unwrap_or(1.0),
                shares: c.shares.map(Shares::from_array),
                provenance: c.provenance,
            })
            .collect();
        let payer_shares = store::payer_shares(self.db())
            .await?
            .into_iter()
            .map(|s| (s.responsibility, Shares::from_array(s.shares)))
            .collect();
        Ok(CostBook {
            unit_costs,
            payer_shares,
        })
    }

    /// Budgets of a region by year.
    pub async fn budgets(&self, region: &str) -> Result<BTreeMap<i32, f64>, AffordabilityError> {
        Ok(store::budgets(self.db())
            .await?
            .into_iter()
            .filter(|b| b.region_code == region)
            .map(|b| (b.year as i32, b.general_expenditure))
            .collect())
    }

    /// Imports unit costs, payer shares or budgets from CSV, all or nothing.
    /// `kind` is `costs`, `shares` or `budgets`. Returns the rows written.
    #[tracing::instrument(skip_all, fields(actor = %actor.name, kind = %kind, file = %file))]
    pub async fn import_finance(
        &self,
        actor: &Actor,
        kind: &str,
        file: &str,
        bytes: &[u8],
    ) -> Result<usize, AffordabilityError> {
        actor.may(Action::Administer)?;
        let (mut c, mut s, mut b) = (vec![], vec![], vec![]);
        match kind {
            "costs" => {
                // Items of any version, and items proposed in any adjustment: an item is
                // costed before it is on the list, which is what the assessment is for.
                let mut known = HashSet::new();
                for v in self.catalog().versions().await? {
                    if let Ok(snap) = self.catalog().require(Some(v.number)).await {
                        known.extend(snap.items.iter().map(|it| it.code.to_string()));
                    }
                }
                for a in self.catalog().adjustments().await? {
                    let (_, proposals) = self.catalog().adjustment(a.id).await?;
                    known.extend(
                        proposals
                            .iter()
                            .filter_map(|p| p.item.as_ref())
                            .map(|d| d.code.trim().to_string()),
                    );
                }
                c = crate::popfile::read_costs(file, bytes, &known)?;
            }
            "shares" => s = crate::popfile::read_payer_shares(file, bytes)?,
            "budgets" => b = crate::popfile::read_budgets(file, bytes)?,
            other => {
                return Err(AffordabilityError::Invalid(vec![format!(
                    "'{other}' is not a finance table; use costs, shares or budgets"
                )]))
            }
        }
        let n = c.len() + s.len() + b.len();
        store::save_finance(self.db(), &c, &s, &b, &actor.name).await?;
        Ok(n)
    }

    /// Runs the assessment and keeps it; returns the kept run.
    #[tracing::instrument(name = "affordability_run", skip_all, fields(actor = %actor.name, years = ?req.years))]
    pub async fn run(&self, actor: &Actor, req: RunRequest) -> Result<Run, AffordabilityError> {
        actor.may(Action::Assess)?;
        if req.scenario.is_some() && req.adjustment.is_some() {
            return Err(AffordabilityError::Invalid(vec![
                "give a scenario or an adjustment, not both".into(),
            ]));
        }
        let schema = self.schema();
        let population_id = match req.population {
            Some(id) => id,
            None => store::populations(self.db()).await?.first().map(|p| p.id).ok_or_else(|| {
                AffordabilityError::Invalid(vec!["there is no population yet; synthesize one (POST /api/v1/populations) or import one".into()])
            })?,
        };
        let (info, pop) = self.population(population_id).await?;
        // The adjustment fixes the base version and the candidate.
        let (version, candidate, adjustment_title) = match req.adjustment {
            Some(a) => {
                let (adj, _) = self.catalog().adjustment(a).await?;
                let preview = self.catalog().preview(a).await?;
                let base = adj.base_version.or(req.version);
                (
                    base,
                    Some(Candidate {
                        label: format!("调整：{}", adj.title),
                        items: preview.items,
                        costs: HashMap::new(),
                    }),
                    Some(adj.title),
                )
            }
            None => (req.version, None, None),
        };
        let snapshot = self.catalog().require(version).await?;
        let candidate = match (&req.scenario, candidate) {
            (Some(s), _) => Some(
                afford::apply(s, &snapshot.items, &snapshot.taxonomy, schema)
                    .map_err(AffordabilityError::Invalid)?,
            ),
            (None, c) => c,
        };
        let costs = self.cost_book().await?;
        let budgets = self.budgets(&info.region_code).await?;
        let region_names: HashMap<String, String> = self.eligibility.region_names().await?;
        let rates = req.projection.clone().unwrap_or_default();
        let years = req.years.unwrap_or(3);
        let start_year = req.start_year.unwrap_or(info.year as i32);
        let (budget_growth, bands, seed) = (
            req.budget_growth.unwrap_or(0.0),
            req.bands.unwrap_or_default(),
            req.seed.unwrap_or(2026),
        );
        let population_year = info.year as i32;
        let weight = info.weight;
        let snap = snapshot.clone();
        // A run is CPU work of a second or more: off the async threads.
        let result = tokio::task::spawn_blocking(move || {
            let marginals = Marginals::standard();
            afford::run(&RunInput {
                schema,
                marginals: &marginals,
                version: snap.version.number,
                taxonomy: &snap.taxonomy,
                items: &snap.items,
                candidate: candidate.as_ref(),
                population: &pop,
                population_year,
                weight,
                costs: &costs,
                budgets: &budgets,
                budget_growth,
                bands,
                start_year,
                years,
                rates: &rates,
                seed,
                region_names: &region_names,
            })
        })
        .await
        .map_err(|e| AffordabilityError::Invalid(vec![format!("the run stopped: {e}")]))?
        .map_err(AffordabilityError::Invalid)?;
        let title = req
            .title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| match (&req.scenario, &adjustment_title) {
                (Some(s), _) => format!("情景测算：{}", s.name),
                (None, Some(t)) => format!("调整测算：{t}"),
                _ => format!(
                    "第{}版清单 {}—{}年测算",
                    snapshot.version.number,
                    start_year,
                    start_year + years as i32 - 1
                ),
            });
        let request = serde_json::to_value(&req).unwrap_or_default();
        let id = store::insert_run(
            self.db(),
            &store::StoredRun {
                id: 0,
                title: title.clone(),
                request: serde_json::json!({"request": request, "population": format!("{}（{}年，{}人）", info.name, info.year, (info.persons as f64 * info.weight).round())}).to_string(),
                result: serde_json::to_string(&result).unwrap_or_default(),
                adjustment_id: req.adjustment,
                created_at: String::new(),
                created_by: actor.name.clone(),
            },
        )
        .await?;
        self.run_by_id(id).await
    }

    /// A kept run with its result.
    pub async fn run_by_id(&self, id: i64) -> Result<Run, AffordabilityError> {
        let r =
            store::run_by_id(self.db(), id)
                .await?
                .ok_or_else(|| AffordabilityError::NotFound {
                    what: "affordability run",
                    key: id.to_string(),
                    hint: "list them with GET /api/v1/affordability/runs".into(),
                })?;
        let result: RunResult = serde_json::from_str(&r.result).map_err(|e| {
            AffordabilityError::Invalid(vec![format!(
                "affordability run {id}: its stored result does not read ({e}); run it again"
            )])
        })?;
        let mut run = to_run(r);
        run.result = Some(result);
        Ok(run)
    }

    /// Kept runs, newest first (of one adjustment when given).
    pub async fn runs(&self, adjustment: Option<i64>) -> Result<Vec<Run>, AffordabilityError> {
        Ok(store::runs(self.db(), adjustment)
            .await?
            .into_iter()
            .map(to_run)
            .collect())
    }
}

fn scaled(n: u64, scale: f64) -> u64 {
    (n as f64 * scale).round() as u64
}

fn to_run(r: store::StoredRun) -> Run {
    let req: serde_json::Value = serde_json::from_str(&r.request).unwrap_or_default();
    Run {
        id: r.id,
        title: r.title,
        adjustment_id: r.adjustment_id,
        created_at: r.created_at,
        created_by: r.created_by,
        population: req["population"].as_str().unwrap_or_default().to_string(),
        request: req["request"].clone(),
        result: None,
    }
}
