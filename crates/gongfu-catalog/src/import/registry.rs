//! Regions, populations and departments from CSV or xlsx: the reference data the list
//! stands on. Same rules as the list import: every error names its row and column, and
//! one bad row stores nothing.

use super::table::{read_table as table, Table};
use super::{ImportError, ImportFailure};
use gongfu_db::regions::{Population, Region};
use gongfu_domain::text::clean;
use gongfu_domain::{PopulationKind, RegionCode};

fn col(t: &Table, name: &str) -> Option<usize> {
    t.find(|h| h == name)
}

fn year(
    t: &Table,
    row: usize,
    c: usize,
    cells: &[String],
    errors: &mut Vec<ImportError>,
) -> Option<i64> {
    let s = clean(&cells[c]);
    if s.is_empty() {
        return None;
    }
    match s.parse::<i64>() {
        Ok(y) if (1949..=2200).contains(&y) => Some(y),
        _ => {
            errors.push(t.error_at(
                Some(row),
                Some(c),
                format!("'{s}' is not a year; write e.g. 2020"),
            ));
            None
        }
    }
}

fn done<T>(file: &str, errors: Vec<ImportError>, v: T) -> Result<T, ImportFailure> {
    if errors.is_empty() {
        Ok(v)
    } else {
        Err(ImportFailure {
            file: file.into(),
            errors,
        })
    }
}

/// Reads regions: columns 代码, 名称, 起始年份 (optional, default 2000), 终止年份, 数据来源.
pub fn read_regions(file: &str, bytes: &[u8]) -> Result<Vec<Region>, ImportFailure> {
    let t = table(file, bytes, &["代码", "名称"])?;
    let (code_c, name_c) = (col(&t, "代码").unwrap_or(0), col(&t, "名称").unwrap_or(1));
    let (from_c, to_c, src_c) = (
        col(&t, "起始年份"),
        col(&t, "终止年份"),
        col(&t, "数据来源"),
    );
    let mut errors = Vec::new();
    let mut out: Vec<Region> = Vec::new();
    for (row, cells) in &t.rows {
        let code = match RegionCode::parse(&cells[code_c]) {
            Ok(c) => c,
            Err(e) => {
                errors.push(t.error_at(Some(*row), Some(code_c), e.to_string()));
                continue;
            }
        };
        let name = clean(&cells[name_c]);
        if name.is_empty() {
            errors.push(t.error_at(Some(*row), Some(name_c), "名称 is empty"));
        }
        let valid_from = from_c
            .and_then(|c| year(&t, *row, c, cells, &mut errors))
            .unwrap_or(2000);
        let valid_to = to_c.and_then(|c| year(&t, *row, c, cells, &mut errors));
        if valid_to.is_some_and(|to| to < valid_from) {
            errors.push(t.error_at(
                Some(*row),
                to_c,
                format!(
                    "终止年份 {} is before 起始年份 {valid_from}",
                    valid_to.unwrap_or(0)
                ),
            ));
        }
        if out
            .iter()
            .any(|r| r.code == code && r.valid_from == valid_from)
        {
            errors.push(t.error_at(
                Some(*row),
                Some(code_c),
                gongfu_domain::msg!("region-twice", code = code, from = valid_from),
            ));
        }
        out.push(Region {
            level: code.level(),
            parent_code: code.parent(),
            code,
            name,
            valid_from,
            valid_to,
            provenance: src_c.map(|c| clean(&cells[c])).unwrap_or_default(),
        });
    }
    // Every parent must be in the file (or be a province).
    for r in &out {
        if let Some(p) = &r.parent_code {
            if !out.iter().any(|x| &x.code == p) {
                let row = t
                    .rows
                    .iter()
                    .find(|(_, c)| RegionCode::parse(&c[code_c]).ok().as_ref() == Some(&r.code))
                    .map(|(n, _)| *n);
                errors.push(t.error_at(
                    row,
                    Some(code_c),
                    gongfu_domain::msg!(
                        "region-no-parent",
                        code = r.code,
                        name = r.name,
                        parent = p
                    ),
                ));
            }
        }
    }
    done(file, errors, out)
}

/// Reads populations: columns 代码, 年份, 类型 (户籍人口/常住人口/服务人口), 人数, 数据来源.
/// Every code must be among `known`.
pub fn read_populations(
    file: &str,
    bytes: &[u8],
    known: &[RegionCode],
) -> Result<Vec<Population>, ImportFailure> {
    let t = table(file, bytes, &["代码", "年份", "类型", "人数"])?;
    let c = |n| col(&t, n).unwrap_or(0);
    let (code_c, year_c, kind_c, count_c, src_c) = (
        c("代码"),
        c("年份"),
        c("类型"),
        c("人数"),
        col(&t, "数据来源"),
    );
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (row, cells) in &t.rows {
        let code = RegionCode::parse(&cells[code_c])
            .map_err(|e| errors.push(t.error_at(Some(*row), Some(code_c), e.to_string())))
            .ok();
        if let Some(code) = &code {
            if !known.contains(code) {
                errors.push(t.error_at(
                    Some(*row),
                    Some(code_c),
                    gongfu_domain::msg!("region-unknown", code = code),
                ));
            }
        }
        let y = year(&t, *row, year_c, cells, &mut errors);
        if y.is_none() && clean(&cells[year_c]).is_empty() {
            errors.push(t.error_at(Some(*row), Some(year_c), "年份 is empty"));
        }
        let kind = PopulationKind::parse(&cells[kind_c]);
        if kind.is_none() {
            errors.push(t.error_at(
                Some(*row),
                Some(kind_c),
                gongfu_domain::msg!(
                    "value-unknown",
                    value = clean(&cells[kind_c]),
                    expected = "户籍人口、常住人口、服务人口"
                ),
            ));
        }
        let count = clean(&cells[count_c])
            .replace(',', "")
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0);
        if count.is_none() {
            errors.push(t.error_at(
                Some(*row),
                Some(count_c),
                gongfu_domain::msg!("population-not-count", value = clean(&cells[count_c])),
            ));
        }
        if let (Some(region_code), Some(year), Some(kind), Some(count)) = (code, y, kind, count) {
            out.push(Population {
                region_code,
                year,
                kind,
                count,
                provenance: src_c.map(|c| clean(&cells[c])).unwrap_or_default(),
            });
        }
    }
    done(file, errors, out)
}

/// Reads departments: columns 名称, 简称, 数据来源. Returns (name, short name, source).
pub fn read_departments(
    file: &str,
    bytes: &[u8],
) -> Result<Vec<(String, String, String)>, ImportFailure> {
    let t = table(file, bytes, &["名称", "简称"])?;
    let (name_c, short_c, src_c) = (
        col(&t, "名称").unwrap_or(0),
        col(&t, "简称").unwrap_or(1),
        col(&t, "数据来源"),
    );
    let mut errors = Vec::new();
    let mut out: Vec<(String, String, String)> = Vec::new();
    for (row, cells) in &t.rows {
        let (name, short) = (clean(&cells[name_c]), clean(&cells[short_c]));
        if name.is_empty() {
            errors.push(t.error_at(Some(*row), Some(name_c), "名称 is empty"));
        }
        if short.is_empty() {
            errors.push(t.error_at(
                Some(*row),
                Some(short_c),
                gongfu_domain::msg!("department-short-empty"),
            ));
        }
        if out.iter().any(|d| d.1 == short && !short.is_empty()) {
            errors.push(t.error_at(
                Some(*row),
                Some(short_c),
                gongfu_domain::msg!("department-short-twice", short = short),
            ));
        }
        out.push((
            name,
            short,
            src_c.map(|c| clean(&cells[c])).unwrap_or_default(),
        ));
    }
    done(file, errors, out)
}
