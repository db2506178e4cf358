//! An affordability run as an Excel workbook (what a finance bureau expects back): a
//! summary per year with the warning band, then items, areas, sub-districts, payers, the
//! first year's eligible counts per community, and what the run assumed and warns of.
//!
//! Every sheet is one table, written from a list of columns that each carry their header
//! and the way a row fills them ([`Col`]): a header and its values are written by the
//! same entry, so a header can no longer be added without its values (a 受益比例 header
//! once sat over nothing and pushed every figure one column left). Row 1 is the header;
//! every row below it is data.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::afford::{GroupResult, ItemResult, ItemYear, RunResult, YearResult, PAYERS};
use crate::AffordabilityError;

fn xlsx(e: XlsxError) -> AffordabilityError {
    AffordabilityError::Invalid(vec![format!("写入工作簿失败：{e}")])
}

/// What a cell holds.
enum Cell {
    Text(String),
    Money(f64),
    Count(u64),
    /// A share, shown as a percentage.
    Pct(f64),
    /// A unit cost, shown with two decimals.
    Price(f64),
}

/// "—": a value that does not apply (an item not on that side, no budget entered).
fn none() -> Cell {
    Cell::Text("—".into())
}

/// Text, or "—" for none (a region whose name was never imported), so a header never
/// stands over a blank.
fn text(s: &str) -> Cell {
    if s.trim().is_empty() {
        none()
    } else {
        Cell::Text(s.to_string())
    }
}

/// One column of a table: its header and what each row puts under it.
struct Col<'r, T> {
    head: String,
    cell: Box<dyn Fn(&T) -> Cell + 'r>,
}

fn col<'r, T>(head: impl Into<String>, cell: impl Fn(&T) -> Cell + 'r) -> Col<'r, T> {
    Col {
        head: head.into(),
        cell: Box::new(cell),
    }
}

/// The formats the workbook uses: the header every gongfu workbook shares, and numbers.
struct Formats {
    header: Format,
    money: Format,
    price: Format,
    pct: Format,
}

/// Writes one sheet: the headers in row 1, then a row per item of `rows`.
fn table<T>(
    wb: &mut Workbook,
    f: &Formats,
    name: &str,
    cols: &[Col<'_, T>],
    rows: &[T],
) -> Result<(), AffordabilityError> {
    let ws = wb.add_worksheet().set_name(name).map_err(xlsx)?;
    for (c, column) in cols.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, &column.head, &f.header)
            .map_err(xlsx)?;
        let width = column.head.chars().count().clamp(6, 40) as f64 * 2.0 + 2.0;
        ws.set_column_width(c, width.min(60.0)).map_err(xlsx)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, column) in cols.iter().enumerate() {
            let c = c as u16;
            match (column.cell)(row) {
                Cell::Text(s) => ws.write_string(r, c, s).map(|_| ()),
                Cell::Money(x) => ws.write_number_with_format(r, c, x, &f.money).map(|_| ()),
                Cell::Price(x) => ws.write_number_with_format(r, c, x, &f.price).map(|_| ()),
                Cell::Count(n) => ws.write_number(r, c, n as f64).map(|_| ()),
                Cell::Pct(x) => ws.write_number_with_format(r, c, x, &f.pct).map(|_| ()),
            }
            .map_err(xlsx)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(xlsx)?;
    Ok(())
}

fn change_label(change: &str) -> &'static str {
    match change {
        "added" => "新增",
        "removed" => "取消",
        "changed" => "调整",
        _ => "不变",
    }
}

/// The workbook of a run.
pub fn xlsx_report(title: &str, r: &RunResult) -> Result<Vec<u8>, AffordabilityError> {
    let mut wb = Workbook::new();
    let f = Formats {
        header: gongfu_sheets::write::header(),
        money: Format::new().set_num_format("#,##0"),
        price: Format::new().set_num_format("#,##0.00"),
        pct: Format::new().set_num_format("0.00%"),
    };
    let has_cand = r.candidate.is_some();
    let money = |v: Option<f64>| v.map_or_else(none, Cell::Money);
    let count = |v: Option<u64>| v.map_or_else(none, Cell::Count);
    let pct = |v: Option<f64>| v.map_or_else(none, Cell::Pct);

    // 汇总: a row per year.
    let mut cols: Vec<Col<'_, YearResult>> = vec![
        col("年度", |y: &YearResult| Cell::Text(y.year.to_string())),
        col("人口", |y: &YearResult| Cell::Count(y.persons)),
        col("受益人次", |y: &YearResult| {
            Cell::Count(y.base.beneficiaries)
        }),
        col("总费用（元）", |y: &YearResult| {
            Cell::Money(y.base.cost)
        }),
    ];
    for (p, (_, zh)) in PAYERS.iter().enumerate() {
        cols.push(col(format!("{zh}（元）"), move |y: &YearResult| {
            Cell::Money(y.base.by_payer[p])
        }));
    }
    cols.extend([
        col(
            "一般公共预算支出（元）",
            move |y: &YearResult| match y.budget {
                Some(b) => Cell::Money(b),
                None => Cell::Text("未录入".into()),
            },
        ),
        col("预算来源", |y: &YearResult| {
            Cell::Text(
                match (y.budget, y.budget_estimated) {
                    (None, _) => "未录入",
                    (Some(_), true) => "推算",
                    (Some(_), false) => "录入",
                }
                .into(),
            )
        }),
        col("区级占比", move |y: &YearResult| pct(y.base.ratio)),
        col("结论", |y: &YearResult| {
            Cell::Text(y.base.band.label().into())
        }),
    ]);
    if has_cand {
        cols.extend([
            col("方案受益人次", move |y: &YearResult| {
                count(y.candidate.as_ref().map(|c| c.beneficiaries))
            }),
            col("方案总费用（元）", move |y: &YearResult| {
                money(y.candidate.as_ref().map(|c| c.cost))
            }),
            col("方案区级（元）", move |y: &YearResult| {
                money(y.candidate.as_ref().map(|c| c.by_payer[3]))
            }),
            col("方案区级占比", move |y: &YearResult| {
                pct(y.candidate.as_ref().and_then(|c| c.ratio))
            }),
            col("方案结论", |y: &YearResult| {
                Cell::Text(y.candidate.as_ref().map_or("—", |c| c.band.label()).into())
            }),
            col("增加费用（元）", move |y: &YearResult| {
                money(y.candidate.as_ref().map(|c| c.cost - y.base.cost))
            }),
            col("增加受益人次", |y: &YearResult| {
                Cell::Text(y.candidate.as_ref().map_or("—".into(), |c| {
                    (c.beneficiaries as i64 - y.base.beneficiaries as i64).to_string()
                }))
            }),
        ]);
    }
    table(&mut wb, &f, "汇总", &cols, &r.years)?;

    // 事项: a row per item; per year its eligible, take-up, unit cost and cost.
    let unruled = |code: &str| r.without_rule.iter().find(|u| u.code == code);
    let mut cols: Vec<Col<'_, ItemResult>> = vec![
        col("编码", |it: &ItemResult| Cell::Text(it.code.clone())),
        col("事项", |it: &ItemResult| Cell::Text(it.name.clone())),
        col("变化", |it: &ItemResult| {
            Cell::Text(change_label(&it.change).into())
        }),
        col("资格规则", move |it: &ItemResult| {
            Cell::Text(match unruled(&it.code) {
                Some(u) => format!("{}，按0计", u.reason),
                None => "有".into(),
            })
        }),
    ];
    for (i, y) in r.years.iter().enumerate() {
        let at = move |it: &ItemResult| -> Option<ItemYear> { it.years.get(i).cloned() };
        let year = y.year;
        cols.extend([
            col(
                format!("{year}符合条件人数"),
                move |it: &ItemResult| count(at(it).and_then(|y| y.eligible)),
            ),
            col(format!("{year}受益比例"), move |it: &ItemResult| {
                pct(at(it).map(|y| y.take_up))
            }),
            col(
                format!("{year}单位成本（元/人·年）"),
                move |it: &ItemResult| {
                    at(it)
                        .and_then(|y| y.unit_cost)
                        .map_or_else(none, Cell::Price)
                },
            ),
            col(format!("{year}费用（元）"), move |it: &ItemResult| {
                money(at(it).map(|y| y.cost))
            }),
        ]);
        if has_cand {
            cols.extend([
                col(
                    format!("{year}方案符合条件人数"),
                    move |it: &ItemResult| count(at(it).and_then(|y| y.candidate_eligible)),
                ),
                col(
                    format!("{year}方案单位成本（元/人·年）"),
                    move |it: &ItemResult| {
                        at(it)
                            .and_then(|y| y.candidate_unit_cost)
                            .map_or_else(none, Cell::Price)
                    },
                ),
                col(
                    format!("{year}方案费用（元）"),
                    move |it: &ItemResult| money(at(it).map(|y| y.candidate_cost)),
                ),
            ]);
        }
    }
    table(&mut wb, &f, "事项", &cols, &r.items)?;

    // 领域, 街道: a row per group, its cost per year.
    for (sheet, groups) in [("领域", &r.areas), ("街道", &r.subdistricts)] {
        let mut cols: Vec<Col<'_, GroupResult>> = vec![
            col("代码", |g: &GroupResult| Cell::Text(g.key.clone())),
            col("名称", |g: &GroupResult| text(&g.name)),
        ];
        for (i, y) in r.years.iter().enumerate() {
            cols.push(col(
                format!("{}费用（元）", y.year),
                move |g: &GroupResult| money(g.cost.get(i).copied()),
            ));
            if has_cand {
                cols.push(col(
                    format!("{}方案费用（元）", y.year),
                    move |g: &GroupResult| money(g.candidate_cost.get(i).copied()),
                ));
            }
        }
        table(&mut wb, &f, sheet, &cols, groups)?;
    }

    // 支付主体: a row per year.
    let mut cols: Vec<Col<'_, YearResult>> = vec![col("年度", |y: &YearResult| {
        Cell::Text(y.year.to_string())
    })];
    for (p, (_, zh)) in PAYERS.iter().enumerate() {
        cols.push(col(format!("{zh}（元）"), move |y: &YearResult| {
            Cell::Money(y.base.by_payer[p])
        }));
    }
    if has_cand {
        for (p, (_, zh)) in PAYERS.iter().enumerate() {
            cols.push(col(
                format!("方案{zh}（元）"),
                move |y: &YearResult| money(y.candidate.as_ref().map(|c| c.by_payer[p])),
            ));
        }
    }
    table(&mut wb, &f, "支付主体", &cols, &r.years)?;

    // 社区受益人数: a row per community, a column per item with a rule.
    let t = &r.communities;
    let mut cols: Vec<Col<'_, usize>> = vec![
        col("社区代码", |&g: &usize| {
            Cell::Text(t.communities[g].clone())
        }),
        col("社区", |&g: &usize| text(&t.names[g])),
        col("人口", |&g: &usize| Cell::Count(t.persons[g])),
    ];
    for (k, code) in t.items.iter().enumerate() {
        cols.push(col(code.clone(), move |&g: &usize| {
            Cell::Count(t.eligible[k][g])
        }));
    }
    let communities: Vec<usize> = (0..t.communities.len()).collect();
    table(&mut wb, &f, "社区受益人数", &cols, &communities)?;

    // 假设与说明: what the run is, what it assumed, what it warns of.
    let lines = statement(title, r);
    let cols: Vec<Col<'_, [String; 4]>> = ["类别", "项目", "内容", "依据或说明"]
        .iter()
        .enumerate()
        .map(|(i, h)| col(*h, move |l: &[String; 4]| Cell::Text(l[i].clone())))
        .collect();
    table(&mut wb, &f, "假设与说明", &cols, &lines)?;

    wb.save_to_buffer().map_err(xlsx)
}

/// The 假设与说明 sheet's rows: (类别, 项目, 内容, 依据或说明).
fn statement(title: &str, r: &RunResult) -> Vec<[String; 4]> {
    let line = |a: &str, b: &str, c: String, d: String| [a.to_string(), b.to_string(), c, d];
    let mut out = vec![
        line("测算", "标题", title.to_string(), "—".into()),
        line(
            "测算",
            "清单",
            format!("第{}版", r.version),
            r.candidate
                .as_ref()
                .map_or("不对比".into(), |c| format!("对比{c}")),
        ),
        line(
            "测算",
            "预警线",
            format!(
                "黄色 {:.1}%，红色 {:.1}%",
                r.bands.amber * 100.0,
                r.bands.red * 100.0
            ),
            "区级支出占区一般公共预算支出".into(),
        ),
    ];
    for a in &r.assumptions {
        out.push(line("假设", &a.name, a.value.clone(), a.basis.clone()));
    }
    for u in &r.without_rule {
        out.push(line(
            "警告",
            "无资格规则",
            format!("{} {}", u.code, u.name),
            format!(
                "{}：受益人数无法计算，费用按0计；请补充该事项的资格规则",
                u.reason
            ),
        ));
    }
    for n in &r.notes {
        out.push(line("说明", "说明", n.clone(), "—".into()));
    }
    out
}
