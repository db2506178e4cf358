//! `cargo bench -p gongfu-texts`: parsing and checking a 200-page standard, as Markdown and
//! as .docx. A page of a GB/T standard holds about 1,500 Chinese characters; the generated
//! document has the required elements, 40 chapters of 5 clauses with subclauses, lists,
//! tables and normative references cited in the text, so every rule runs over all of it.
//! Prints the median of 7 runs per step.

use std::time::{Duration, Instant};

use gongfu_domain::standard::NumberRules;
use gongfu_texts::{check, parse_docx, parse_markdown, write_docx, Block, NoRegistry};

const FILLER: &str =
    "服务提供机构应按照本文件的规定提供服务，并对服务过程进行记录和检查，确保服务质量符合要求。";

fn generate(pages: usize) -> String {
    let mut md = String::from("# 示例基本公共服务规范（基准测试）\n\nDB4403/T 9999—2025\n\n## 前言\n\n本文件按照GB/T 1.1—2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》的规定起草。\n\n## 1 范围\n\n本文件规定了示例服务的要求。\n\n## 2 规范性引用文件\n\n下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。其中，注日期的引用文件，仅该日期对应的版本适用于本文件；不注日期的引用文件，其最新版本（包括所有的修改单）适用于本文件。\n\n");
    for k in 1..=20 {
        md.push_str(&format!("GB/T {} 示例引用标准{k}\n\n", 30000 + k));
    }
    md.push_str("## 3 术语和定义\n\n下列术语和定义适用于本文件。\n\n");
    for t in 1..=30 {
        md.push_str(&format!("### 3.{t} 术语{t}\n\n术语{t}的定义。\n\n"));
    }
    let target = pages * 1500;
    let mut chapter = 4;
    while md.chars().count() < target {
        md.push_str(&format!("## {chapter} 服务要求{chapter}\n\n"));
        for c in 1..=5 {
            md.push_str(&format!("### {chapter}.{c} 条款{c}\n\n"));
            for s in 1..=3 {
                md.push_str(&format!("#### {chapter}.{c}.{s} 细则{s}\n\n"));
                for _ in 0..3 {
                    md.push_str(FILLER);
                    md.push_str(FILLER);
                    md.push_str("\n\n");
                }
                md.push_str(&format!(
                    "服务应符合GB/T {}的规定，并满足以下要求：\n\n",
                    30000 + (chapter + c + s) % 20 + 1
                ));
                for (m, item) in ["a)", "b)", "c)"].iter().zip(["受理", "办理", "回访"]) {
                    md.push_str(&format!("{m}　{item}；\n\n"));
                }
                md.push_str("——记录完整；\n\n——归档及时。\n\n");
            }
        }
        md.push_str("| 项目 | 要求 | 频次 |\n|---|---|---|\n| 检查 | 应记录 | 每月 |\n| 评价 | 应公开 | 每年 |\n\n");
        chapter += 1;
    }
    md
}

fn to_docx(md: &str) -> Vec<u8> {
    write_docx(&parse_markdown(md).expect("markdown")).expect("docx")
}

fn median(mut f: impl FnMut() -> Duration) -> Duration {
    let mut runs: Vec<Duration> = (0..7).map(|_| f()).collect();
    runs.sort();
    runs[3]
}

fn main() {
    let md = generate(200);
    let docx = to_docx(&md);
    let doc = parse_markdown(&md).expect("markdown");
    let rules = NumberRules::default();
    let findings = check(&doc, &rules, &NoRegistry);
    println!(
        "200-page standard: {} characters, {} blocks, {} headings; .docx {} KiB; {} findings",
        md.chars().count(),
        doc.blocks.len(),
        doc.blocks
            .iter()
            .filter(|b| matches!(b, Block::Heading { .. }))
            .count(),
        docx.len() / 1024,
        findings.len()
    );
    let secs = |d: Duration| d.as_secs_f64();
    let parse_md = median(|| {
        let t = Instant::now();
        std::hint::black_box(parse_markdown(&md).expect("markdown"));
        t.elapsed()
    });
    let parse_dx = median(|| {
        let t = Instant::now();
        std::hint::black_box(parse_docx(&docx).expect("docx"));
        t.elapsed()
    });
    let checked = median(|| {
        let t = Instant::now();
        std::hint::black_box(check(&doc, &rules, &NoRegistry));
        t.elapsed()
    });
    println!("| step | median of 7 (s) |");
    println!("|---|---|");
    println!("| parse Markdown | {:.3} |", secs(parse_md));
    println!("| parse .docx | {:.3} |", secs(parse_dx));
    println!("| check (all rules) | {:.3} |", secs(checked));
    println!("| .docx parse + check | {:.3} |", secs(parse_dx + checked));
}
