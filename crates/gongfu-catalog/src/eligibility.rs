//! An item's eligibility as the list defines it: its rule, plus what the item's own
//! columns say (人口范围 and 实施区域), and the check that its examples hold.
//!
//! Why the columns join the rule here rather than being written into it: the list already
//! states the population scope and where an item is implemented; repeating them in the
//! rule would let the two disagree. Widening an item to 常住人口 is then one column's
//! change, which is what an adjustment proposal (and an affordability scenario) makes.

use gongfu_domain::{PopulationKind, ServiceItem};
use gongfu_rules::date::Ymd;
use gongfu_rules::{decide, Cond, Outcome, Profile, Program, Rule, Schema};

/// The condition the population scope adds, `None` for 服务人口 (everyone served).
pub fn scope_rule(scope: PopulationKind) -> Option<&'static str> {
    match scope {
        PopulationKind::Hukou => Some("residency == \"hukou\""),
        PopulationKind::Permanent => Some("residency in [\"hukou\", \"permanent\"]"),
        PopulationKind::Served => None,
    }
}

/// The whole condition of an item: scope, regions and rule. `None` when the item has no
/// rule yet (it is then neither offered to residents nor counted).
pub fn effective(item: &ServiceItem, schema: &Schema) -> Result<Option<Cond>, String> {
    if item.eligibility_rule.trim().is_empty() {
        return Ok(None);
    }
    let rule = Rule::parse(&item.eligibility_rule, schema).map_err(|e| e.to_string())?;
    Ok(Some(compose(
        item.population_scope,
        &item
            .regions
            .iter()
            .map(|r| r.as_str().to_string())
            .collect::<Vec<_>>(),
        rule.cond,
        schema,
    )?))
}

/// Scope and regions joined to a rule's condition.
pub fn compose(
    scope: PopulationKind,
    regions: &[String],
    rule: Cond,
    schema: &Schema,
) -> Result<Cond, String> {
    let mut parts = Vec::new();
    if let Some(s) = scope_rule(scope) {
        let r = Rule::parse(s, schema).map_err(|e| format!("the profile schema cannot express the population scope ({s}): {e}; keep a residency field with values hukou, permanent, served"))?;
        parts.push(r.cond);
    }
    if !regions.is_empty() {
        let list = regions
            .iter()
            .map(|r| format!("\"{r}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let text = format!("community in [{list}]");
        let r = Rule::parse(&text, schema).map_err(|e| {
            format!(
                "the profile schema cannot express the item's regions: {e}; keep a community field"
            )
        })?;
        parts.push(r.cond);
    }
    if parts.is_empty() {
        return Ok(rule);
    }
    parts.push(rule);
    Ok(Cond::And(parts))
}

/// One example profile of a rule.
#[derive(Debug, Clone)]
pub struct Example {
    /// Must qualify (符合) or must not (不符合).
    pub qualifies: bool,
    /// The example as written.
    pub text: String,
    /// The profile, defaults applied.
    pub profile: Profile,
}

/// Reads the examples cell: `符合：age=70, residency=permanent；不符合：...`.
pub fn examples(text: &str, schema: &Schema, at: Ymd) -> Result<Vec<Example>, String> {
    let mut out = Vec::new();
    for (n, ex) in text
        .split(['；', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .enumerate()
    {
        let (qualifies, body) = if let Some(b) = ex.strip_prefix("不符合") {
            (false, b)
        } else if let Some(b) = ex.strip_prefix("符合") {
            (true, b)
        } else {
            return Err(format!(
                "example {} ('{ex}') must start with 符合 or 不符合",
                n + 1
            ));
        };
        let body = body.trim_start_matches([':', '：', ' ']);
        let profile = Profile::from_pairs(body, schema, at)
            .map_err(|e| format!("example {} ('{ex}'): {e}", n + 1))?;
        out.push(Example {
            qualifies,
            text: ex.to_string(),
            profile: profile.with_defaults(schema, at),
        });
    }
    Ok(out)
}

/// Everything wrong with an item's rule and examples: (column key, message). Empty when
/// the rule parses, every example reads, at least one qualifies and (unless everyone in
/// scope qualifies) one does not, and each comes out as it says.
pub fn check(item: &ServiceItem, schema: &Schema, at: Ymd) -> Vec<(&'static str, String)> {
    let regions: Vec<String> = item
        .regions
        .iter()
        .map(|r| r.as_str().to_string())
        .collect();
    check_rule(
        &item.eligibility_rule,
        &item.eligibility_examples,
        item.population_scope,
        &regions,
        schema,
        at,
    )
}

/// [`check`] for a rule and examples not yet in an item (the rule editor): the same
/// messages, with the rule's column in each.
pub fn check_rule(
    rule: &str,
    examples_text: &str,
    scope: PopulationKind,
    regions: &[String],
    schema: &Schema,
    at: Ymd,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let rule_text = rule.trim();
    if rule_text.is_empty() {
        if !examples_text.trim().is_empty() {
            out.push((
                "eligibility_rule",
                "examples are given but no rule; write the rule (true for everyone in scope)"
                    .to_string(),
            ));
        }
        return out;
    }
    let rule = match Rule::parse(rule_text, schema) {
        Ok(r) => r,
        Err(e) => {
            out.push(("eligibility_rule", format!("{e}\n{}", e.pointer(rule_text))));
            return out;
        }
    };
    let cond = match compose(scope, regions, rule.cond, schema) {
        Ok(c) => c,
        Err(e) => {
            out.push(("eligibility_rule", e));
            return out;
        }
    };
    let exs = match examples(examples_text, schema, at) {
        Ok(e) => e,
        Err(e) => {
            out.push(("eligibility_examples", e));
            return out;
        }
    };
    let everyone = matches!(cond, Cond::Const(true));
    let (pos, neg) = (
        exs.iter().filter(|e| e.qualifies).count(),
        exs.iter().filter(|e| !e.qualifies).count(),
    );
    if pos == 0 || (neg == 0 && !everyone) {
        out.push((
            "eligibility_examples",
            format!("give at least one profile that qualifies (符合：...) and one that does not (不符合：...); found {pos} and {neg}"),
        ));
    }
    let program = Program::compile([("rule".to_string(), &cond)], at);
    for ex in &exs {
        let d = decide(
            &program,
            &[&cond],
            &ex.profile.population(schema),
            schema,
            &|_| None,
        )
        .remove(0);
        let want = if ex.qualifies {
            Outcome::Eligible
        } else {
            Outcome::Ineligible
        };
        if d.outcome != want {
            let why: Vec<String> = d
                .reasons
                .iter()
                .map(|r| {
                    format!(
                        "{}{}",
                        r.text,
                        match r.status {
                            gongfu_rules::Status::Met => "✓",
                            gongfu_rules::Status::Unmet => "✗",
                            gongfu_rules::Status::Unknown => "？",
                        }
                    )
                })
                .collect();
            let what = match d.outcome {
                Outcome::Eligible => "qualifies",
                Outcome::Ineligible => "does not qualify",
                Outcome::Maybe => "cannot be decided (answer the fields marked ？)",
            };
            out.push((
                "eligibility_examples",
                format!("example '{}' {what}: {}", ex.text, why.join("，")),
            ));
        }
    }
    out
}

/// A calendar date as the rules read dates (`yyyymmdd`).
pub fn ymd(d: time::Date) -> Ymd {
    d.year().max(0) as u32 * 10_000 + u32::from(u8::from(d.month())) * 100 + u32::from(d.day())
}
