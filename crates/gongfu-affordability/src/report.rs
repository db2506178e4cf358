//! An affordability run as an Excel workbook (what a finance bureau expects back): a
//! summary per year with the warning band, then items, areas, payers, sub-districts and
//! the first year's eligible counts per community.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::afford::{RunResult, PAYERS};
use crate::AffordabilityError;

fn xlsx(e: XlsxError) -> AffordabilityError {
    AffordabilityError::Invalid(vec![format!("writing the workbook failed: {e}")])
}

struct Sheet<'a> {
    ws: &'a mut Worksheet,
    bold: &'a Format,
    money: &'a Format,
    pct: &'a Format,
    row: u32,
}

enum Cell<'s> {
    Text(&'s str),
    Owned(String),
    Money(f64),
    Count(u64),
    Pct(Option<f64>),
    Empty,
}

impl Sheet<'_> {
    fn header(&mut self, cells: &[&str]) -> Result<(), AffordabilityError> {
        for (c, h) in cells.iter().enumerate() {
            self.ws
                .write_string_with_format(self.row, c as u16, *h, self.bold)
                .map_err(xlsx)?;
            self.ws
                .set_column_width(c as u16, if c == 0 { 14 } else { 16 })
                .map_err(xlsx)?;
        }
        self.row += 1;
        Ok(())
    }

    fn line(&mut self, cells: &[Cell<'_>]) -> Result<(), AffordabilityError> {
        for (c, v) in cells.iter().enumerate() {
            let (r, c) = (self.row, c as u16);
            match v {
                Cell::Text(s) => self.ws.write_string(r, c, *s).map(|_| ()),
                Cell::Owned(s) => self.ws.write_string(r, c, s).map(|_| ()),
                Cell::Money(x) => self
                    .ws
                    .write_number_with_format(r, c, *x, self.money)
                    .map(|_| ()),
                Cell::Count(n) => self.ws.write_number(r, c, *n as f64).map(|_| ()),
                Cell::Pct(Some(x)) => self
                    .ws
                    .write_number_with_format(r, c, *x, self.pct)
                    .map(|_| ()),
                Cell::Pct(None) | Cell::Empty => Ok(()),
            }
            .map_err(xlsx)?;
        }
        self.row += 1;
        Ok(())
    }
}

/// The workbook of a run.
pub fn xlsx_report(title: &str, r: &RunResult) -> Result<Vec<u8>, AffordabilityError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0");
    let pct = Format::new().set_num_format("0.00%");
    let has_cand = r.candidate.is_some();
    {
        let ws = wb.add_worksheet().set_name("汇总").map_err(xlsx)?;
        let mut s = Sheet {
            ws,
            bold: &bold,
            money: &money,
            pct: &pct,
            row: 0,
        };
        s.line(&[Cell::Text(title)])?;
        s.line(&[Cell::Owned(format!(
            "清单第{}版{}；预警线：黄色 {:.1}%，红色 {:.1}%（区级支出占一般公共预算支出）",
            r.version,
            r.candidate
                .as_ref()
                .map(|c| format!("，对比{c}"))
                .unwrap_or_default(),
            r.bands.amber * 100.0,
            r.bands.red * 100.0
        ))])?;
        s.row += 1;
        let mut h = vec![
            "年度",
            "人口",
            "受益人次",
            "总费用（元）",
            "中央",
            "省级",
            "市级",
            "区级",
            "一般公共预算支出（元）",
            "区级占比",
            "结论",
        ];
        if has_cand {
            h.extend([
                "方案受益人次",
                "方案总费用（元）",
                "方案区级（元）",
                "方案区级占比",
                "方案结论",
                "增加费用（元）",
                "增加受益人次",
            ]);
        }
        s.header(&h)?;
        for y in &r.years {
            let mut cells = vec![
                Cell::Owned(y.year.to_string()),
                Cell::Count(y.persons),
                Cell::Count(y.base.beneficiaries),
                Cell::Money(y.base.cost),
                Cell::Money(y.base.by_payer[0]),
                Cell::Money(y.base.by_payer[1]),
                Cell::Money(y.base.by_payer[2]),
                Cell::Money(y.base.by_payer[3]),
                y.budget.map_or(Cell::Empty, Cell::Money),
                Cell::Pct(y.base.ratio),
                Cell::Owned(format!(
                    "{}{}",
                    y.base.band.label(),
                    if y.budget_estimated {
                        "（预算为推算）"
                    } else {
                        ""
                    }
                )),
            ];
            if let Some(c) = &y.candidate {
                cells.extend([
                    Cell::Count(c.beneficiaries),
                    Cell::Money(c.cost),
                    Cell::Money(c.by_payer[3]),
                    Cell::Pct(c.ratio),
                    Cell::Text(c.band.label()),
                    Cell::Money(c.cost - y.base.cost),
                    Cell::Owned((c.beneficiaries as i64 - y.base.beneficiaries as i64).to_string()),
                ]);
            }
            s.line(&cells)?;
        }
        s.row += 1;
        for n in &r.notes {
            s.line(&[Cell::Text("说明"), Cell::Text(n)])?;
        }
    }
    {
        let ws = wb.add_worksheet().set_name("事项").map_err(xlsx)?;
        let mut s = Sheet {
            ws,
            bold: &bold,
            money: &money,
            pct: &pct,
            row: 0,
        };
        let mut h = vec![
            "编码".to_string(),
            "事项".into(),
            "变化".into(),
            "受益比例".into(),
        ];
        for y in &r.years {
            h.push(format!("{}受益人数", y.year));
            h.push(format!("{}单位成本", y.year));
            h.push(format!("{}费用", y.year));
            if has_cand {
                h.push(format!("{}方案受益人数", y.year));
                h.push(format!("{}方案费用", y.year));
            }
        }
        s.header(&h.iter().map(String::as_str).collect::<Vec<_>>())?;
        for it in &r.items {
            let change = match it.change.as_str() {
                "added" => "新增",
                "removed" => "取消",
                "changed" => "调整",
                _ => "",
            };
            let mut cells = vec![
                Cell::Text(&it.code),
                Cell::Text(&it.name),
                Cell::Text(change),
            ];
            for y in &it.years {
                cells.push(y.eligible.map_or(Cell::Empty, Cell::Count));
                cells.push(y.unit_cost.map_or(Cell::Empty, Cell::Money));
                cells.push(Cell::Money(y.cost));
                if has_cand {
                    cells.push(y.candidate_eligible.map_or(Cell::Empty, Cell::Count));
                    cells.push(Cell::Money(y.candidate_cost));
                }
            }
            s.line(&cells)?;
        }
    }
    for (sheet, groups) in [("领域", &r.areas), ("街道", &r.subdistricts)] {
        let ws = wb.add_worksheet().set_name(sheet).map_err(xlsx)?;
        let mut s = Sheet {
            ws,
            bold: &bold,
            money: &money,
            pct: &pct,
            row: 0,
        };
        let mut h = vec!["代码".to_string(), "名称".into()];
        for y in &r.years {
            h.push(format!("{}费用", y.year));
            if has_cand {
                h.push(format!("{}方案费用", y.year));
            }
        }
        s.header(&h.iter().map(String::as_str).collect::<Vec<_>>())?;
        for g in groups.iter() {
            let mut cells = vec![Cell::Text(&g.key), Cell::Text(&g.name)];
            for (i, c) in g.cost.iter().enumerate() {
                cells.push(Cell::Money(*c));
                if has_cand {
                    cells.push(Cell::Money(g.candidate_cost[i]));
                }
            }
            s.line(&cells)?;
        }
    }
    {
        let ws = wb.add_worksheet().set_name("支付主体").map_err(xlsx)?;
        let mut s = Sheet {
            ws,
            bold: &bold,
            money: &money,
            pct: &pct,
            row: 0,
        };
        let mut h = vec!["年度".to_string()];
        for (_, zh) in PAYERS {
            h.push(format!("{zh}（元）"));
        }
        s.header(&h.iter().map(String::as_str).collect::<Vec<_>>())?;
        for y in &r.years {
            let mut cells = vec![Cell::Owned(y.year.to_string())];
            cells.extend(y.base.by_payer.iter().map(|v| Cell::Money(*v)));
            s.line(&cells)?;
        }
    }
    {
        let ws = wb.add_worksheet().set_name("社区受益人数").map_err(xlsx)?;
        let mut s = Sheet {
            ws,
            bold: &bold,
            money: &money,
            pct: &pct,
            row: 0,
        };
        let t = &r.communities;
        let mut h = vec!["社区代码".to_string(), "社区".into(), "人口".into()];
        h.extend(t.items.iter().cloned());
        s.header(&h.iter().map(String::as_str).collect::<Vec<_>>())?;
        for (g, code) in t.communities.iter().enumerate() {
            let mut cells = vec![
                Cell::Text(code),
                Cell::Text(&t.names[g]),
                Cell::Count(t.persons[g]),
            ];
            cells.extend(t.eligible.iter().map(|col| Cell::Count(col[g])));
            s.line(&cells)?;
        }
    }
    wb.save_to_buffer().map_err(xlsx)
}
