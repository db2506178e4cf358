//! Dynamic adjustments (动态调整) and their proposals, as stored.

use crate::{get, json, now, to_json, Ctx, Db, DbError};
use gongfu_domain::{AdjustmentStatus, Decision, ItemDraft, ProposalKind, Taxonomy};
use sqlx::any::AnyRow;

/// An adjustment: a set of proposals against a base version.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Adjustment {
    /// Id.
    pub id: i64,
    /// Title, e.g. 2025年度清单动态调整.
    pub title: String,
    /// Why it was opened.
    pub description: String,
    /// Number of the version it changes (`None` for the first list).
    pub base_version: Option<i64>,
    /// Open, approved, rejected or withdrawn.
    pub status: AdjustmentStatus,
    /// A replacement taxonomy, when the adjustment changes areas or categories.
    pub taxonomy: Option<Taxonomy>,
    /// Who opened it.
    pub created_by: String,
    /// When.
    pub created_at: String,
    /// Who approved, rejected or withdrew it.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<String>,
    /// Number of the version it published.
    pub result_version: Option<i64>,
}

/// One proposal.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Proposal {
    /// Id.
    pub id: i64,
    /// The adjustment it belongs to.
    pub adjustment_id: i64,
    /// Add, modify, merge or retire.
    pub kind: ProposalKind,
    /// Codes of the existing items it changes (one for modify/retire, two or more for merge).
    pub target_codes: Vec<String>,
    /// The item as proposed (add, modify, merge), as raw text; parsed on approval.
    pub item: Option<ItemDraft>,
    /// 调整理由.
    pub rationale: String,
    /// Links or references to evidence (民意诉求, 政策文件, 评估报告...).
    pub evidence: Vec<String>,
    /// Pending, accepted or rejected.
    pub decision: Decision,
    /// The reviewer's note.
    pub decision_note: String,
    /// Reviewer.
    pub decided_by: Option<String>,
    /// When decided.
    pub decided_at: Option<String>,
    /// Author.
    pub created_by: String,
    /// When proposed.
    pub created_at: String,
}

/// A proposal to be stored.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct NewProposal {
    /// Kind.
    pub kind: ProposalKind,
    /// Target codes.
    #[serde(default)]
    pub target_codes: Vec<String>,
    /// Proposed item.
    #[serde(default)]
    pub item: Option<ItemDraft>,
    /// Rationale.
    #[serde(default)]
    pub rationale: String,
    /// Evidence links.
    #[serde(default)]
    pub evidence: Vec<String>,
}

fn bad(what: &'static str, v: impl ToString) -> DbError {
    DbError::Corrupt {
        what,
        detail: v.to_string(),
    }
}

fn adjustment_from(r: &AnyRow) -> Result<Adjustment, DbError> {
    let status: String = get(r, "status")?;
    let taxonomy: Option<String> = get(r, "taxonomy")?;
    Ok(Adjustment {
        id: get(r, "id")?,
        title: get(r, "title")?,
        description: get(r, "description")?,
        base_version: get(r, "base_number")?,
        status: AdjustmentStatus::parse(&status)
            .ok_or_else(|| bad("adjustment status", &status))?,
        taxonomy: taxonomy
            .map(|t| json("adjustment taxonomy", &t))
            .transpose()?,
        created_by: get(r, "created_by")?,
        created_at: get(r, "created_at")?,
        decided_by: get(r, "decided_by")?,
        decided_at: get(r, "decided_at")?,
        result_version: get(r, "result_number")?,
    })
}

fn proposal_from(r: &AnyRow) -> Result<Proposal, DbError> {
    let kind: String = get(r, "kind")?;
    let decision: String = get(r, "decision")?;
    let item: Option<String> = get(r, "item")?;
    Ok(Proposal {
        id: get(r, "id")?,
        adjustment_id: get(r, "adjustment_id")?,
        kind: ProposalKind::parse(&kind).ok_or_else(|| bad("proposal kind", &kind))?,
        target_codes: json("proposal targets", &get::<String>(r, "target_codes")?)?,
        item: item.map(|i| json("proposal item", &i)).transpose()?,
        rationale: get(r, "rationale")?,
        evidence: json("proposal evidence", &get::<String>(r, "evidence")?)?,
        decision: Decision::parse(&decision).ok_or_else(|| bad("decision", &decision))?,
        decision_note: get(r, "decision_note")?,
        decided_by: get(r, "decided_by")?,
        decided_at: get(r, "decided_at")?,
        created_by: get(r, "created_by")?,
        created_at: get(r, "created_at")?,
    })
}

const ADJ_SELECT: &str = "SELECT a.*, b.number AS base_number, v.number AS result_number FROM adjustments a LEFT JOIN list_versions b ON b.id = a.base_version_id LEFT JOIN list_versions v ON v.id = a.result_version_id";

/// Opens an adjustment with its first proposals, in one transaction.
pub async fn create(
    db: &Db,
    title: &str,
    description: &str,
    base_version_id: Option<i64>,
    taxonomy: Option<&Taxonomy>,
    proposals: &[NewProposal],
    actor: &str,
) -> Result<i64, DbError> {
    let mut tx = db.begin_write().await.ctx("opening an adjustment")?;
    let row = sqlx::query("INSERT INTO adjustments (title, description, base_version_id, status, taxonomy, created_by, created_at) VALUES ($1, $2, $3, 'open', $4, $5, $6) RETURNING id")
        .bind(title.to_string())
        .bind(description.to_string())
        .bind(base_version_id)
        .bind(taxonomy.map(to_json))
        .bind(actor.to_string())
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .ctx("inserting an adjustment")?;
    let id: i64 = get(&row, "id")?;
    for p in proposals {
        insert_proposal(&mut tx, id, p, actor).await?;
    }
    crate::audit::record(
        &mut tx,
        actor,
        "adjustment.open",
        "adjustment",
        &id.to_string(),
        &serde_json::json!({"title": title, "proposals": proposals.len()}),
    )
    .await?;
    tx.commit().await.ctx("committing the adjustment")?;
    Ok(id)
}

async fn insert_proposal(
    conn: &mut sqlx::AnyConnection,
    adjustment_id: i64,
    p: &NewProposal,
    actor: &str,
) -> Result<i64, DbError> {
    let row = sqlx::query("INSERT INTO proposals (adjustment_id, kind, target_codes, item, rationale, evidence, decision, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8) RETURNING id")
        .bind(adjustment_id)
        .bind(p.kind.as_str())
        .bind(to_json(&p.target_codes))
        .bind(p.item.as_ref().map(to_json))
        .bind(p.rationale.clone())
        .bind(to_json(&p.evidence))
        .bind(actor.to_string())
        .bind(now())
        .fetch_one(&mut *conn)
        .await
        .ctx("inserting a proposal")?;
    get(&row, "id")
}

/// Adds a proposal to an adjustment.
pub async fn add_proposal(
    db: &Db,
    adjustment_id: i64,
    p: &NewProposal,
    actor: &str,
) -> Result<i64, DbError> {
    let mut tx = db.begin_write().await.ctx("adding a proposal")?;
    let id = insert_proposal(&mut tx, adjustment_id, p, actor).await?;
    crate::audit::record(
        &mut tx,
        actor,
        "proposal.add",
        "adjustment",
        &adjustment_id.to_string(),
        &serde_json::json!({"proposal": id, "kind": p.kind.as_str(), "targets": p.target_codes}),
    )
    .await?;
    tx.commit().await.ctx("committing a proposal")?;
    Ok(id)
}

/// Records a reviewer's decision on a proposal.
pub async fn decide(
    db: &Db,
    proposal_id: i64,
    decision: Decision,
    note: &str,
    actor: &str,
) -> Result<(), DbError> {
    let mut tx = db.begin_write().await.ctx("deciding a proposal")?;
    let row = sqlx::query("UPDATE proposals SET decision = $1, decision_note = $2, decided_by = $3, decided_at = $4 WHERE id = $5 RETURNING adjustment_id")
        .bind(decision.as_str())
        .bind(note.to_string())
        .bind(actor.to_string())
        .bind(now())
        .bind(proposal_id)
        .fetch_one(&mut *tx)
        .await
        .ctx("updating a proposal")?;
    let adj: i64 = get(&row, "adjustment_id")?;
    crate::audit::record(
        &mut tx,
        actor,
        "proposal.decide",
        "adjustment",
        &adj.to_string(),
        &serde_json::json!({"proposal": proposal_id, "decision": decision.as_str(), "note": note}),
    )
    .await?;
    tx.commit().await.ctx("committing a decision")
}

/// Records one decision on every pending proposal of an adjustment, in one transaction
/// with one audit entry (the import path, where an administrator accepts a whole file).
pub async fn decide_all_pending(
    db: &Db,
    adjustment_id: i64,
    decision: Decision,
    note: &str,
    actor: &str,
) -> Result<u64, DbError> {
    let mut tx = db.begin_write().await.ctx("deciding proposals")?;
    let n = sqlx::query("UPDATE proposals SET decision = $1, decision_note = $2, decided_by = $3, decided_at = $4 WHERE adjustment_id = $5 AND decision = 'pending'")
        .bind(decision.as_str())
        .bind(note.to_string())
        .bind(actor.to_string())
        .bind(now())
        .bind(adjustment_id)
        .execute(&mut *tx)
        .await
        .ctx("updating proposals")?
        .rows_affected();
    crate::audit::record(
        &mut tx,
        actor,
        "proposal.decide_all",
        "adjustment",
        &adjustment_id.to_string(),
        &serde_json::json!({"decision": decision.as_str(), "count": n, "note": note}),
    )
    .await?;
    tx.commit().await.ctx("committing decisions")?;
    Ok(n)
}

/// Closes an adjustment without publishing (rejected or withdrawn).
pub async fn close(db: &Db, id: i64, status: AdjustmentStatus, actor: &str) -> Result<(), DbError> {
    let mut tx = db.begin_write().await.ctx("closing an adjustment")?;
    sqlx::query(
        "UPDATE adjustments SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4",
    )
    .bind(status.as_str())
    .bind(actor.to_string())
    .bind(now())
    .bind(id)
    .execute(&mut *tx)
    .await
    .ctx("closing an adjustment")?;
    crate::audit::record(
        &mut tx,
        actor,
        "adjustment.close",
        "adjustment",
        &id.to_string(),
        &serde_json::json!({"status": status.as_str()}),
    )
    .await?;
    tx.commit().await.ctx("committing the closing")
}

/// Every adjustment, newest first.
pub async fn list(db: &Db) -> Result<Vec<Adjustment>, DbError> {
    let rows = sqlx::query(&format!("{ADJ_SELECT} ORDER BY a.id DESC"))
        .fetch_all(db.pool())
        .await
        .ctx("listing adjustments")?;
    rows.iter().map(adjustment_from).collect()
}

/// One adjustment with its proposals in order.
pub async fn get_with_proposals(
    db: &Db,
    id: i64,
) -> Result<Option<(Adjustment, Vec<Proposal>)>, DbError> {
    let Some(row) = sqlx::query(&format!("{ADJ_SELECT} WHERE a.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await
        .ctx("reading an adjustment")?
    else {
        return Ok(None);
    };
    let adj = adjustment_from(&row)?;
    let rows = sqlx::query("SELECT * FROM proposals WHERE adjustment_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(db.pool())
        .await
        .ctx("reading proposals")?;
    let proposals = rows.iter().map(proposal_from).collect::<Result<_, _>>()?;
    Ok(Some((adj, proposals)))
}

/// The base version's row id for an adjustment, for publication.
pub async fn base_version_id(db: &Db, id: i64) -> Result<Option<i64>, DbError> {
    let row = sqlx::query("SELECT base_version_id FROM adjustments WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await
        .ctx("reading an adjustment")?;
    Ok(match row {
        Some(r) => get(&r, "base_version_id")?,
        None => None,
    })
}
