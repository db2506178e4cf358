#!/usr/bin/env python3
"""Writes the demo standard system: the two system trees in data/standards/ and the demo
registry data/demo/standards.csv. Deterministic: running it twice writes the same bytes.

Real rows (national and sector standards that are public, source 全国标准信息公共服务平台)
are listed by hand below; everything else is illustrative and says 示例 in 数据来源 and in
its title.
"""
import csv
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
rng = random.Random(20261124)

AREAS = ["幼有所育", "学有所教", "劳有所得", "病有所医", "老有所养", "住有所居", "弱有所扶", "优军服务保障", "文体服务保障"]
DEMO = "示例"
PUBLIC = "公开信息：全国标准信息公共服务平台 std.samr.gov.cn"


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


# --- Trees ---------------------------------------------------------------------------
tree_9p1 = [
    ("1", "通用基础标准子体系", "", "标准化导则、术语、符号、数据等通用基础（“9+1”中的“1”）"),
    ("1.1", "标准化导则", "1", ""),
    ("1.2", "术语与缩略语", "1", ""),
    ("1.3", "符号与标识", "1", ""),
    ("1.4", "数据与信息", "1", ""),
    ("2", "服务保障标准子体系", "", "支撑服务提供的设施、人员、经费、信息、安全和评价"),
    ("2.1", "设施设备", "2", ""),
    ("2.2", "人员与培训", "2", ""),
    ("2.3", "财务与经费", "2", ""),
    ("2.4", "信息化建设", "2", ""),
    ("2.5", "安全与应急", "2", ""),
    ("2.6", "监督与评价", "2", ""),
    ("3", "服务提供标准子体系", "", "按九个领域划分（“9+1”中的“9”）"),
] + [(f"3.{i+1}", a, "3", "") for i, a in enumerate(AREAS)]
write_csv(
    os.path.join(ROOT, "data/standards/system-9plus1.csv"),
    ["节点编号", "节点名称", "上级节点", "说明"],
    tree_9p1,
)

tree_cd = [
    ("A", "通用基础标准子体系", "", ""),
    ("A1", "标准化导则", "A", ""),
    ("A2", "术语与符号", "A", ""),
    ("A3", "信息与数据", "A", ""),
    ("B", "服务事项标准子体系", "", "按服务领域划分"),
] + [(f"B{i+1}", a, "B", "") for i, a in enumerate(AREAS)] + [
    ("B10", "其他服务", "B", ""),
    ("C", "管理与动态调整标准子体系", "", ""),
    ("C1", "财政保障与承受能力评估", "C", ""),
    ("C2", "标准公开与实施", "C", ""),
    ("C3", "统计监测与预警响应", "C", ""),
    ("C4", "动态调整", "C", ""),
]
write_csv(
    os.path.join(ROOT, "data/standards/system-chengdu.csv"),
    ["节点编号", "节点名称", "上级节点", "说明"],
    tree_cd,
)

# --- Items ---------------------------------------------------------------------------
items = list(csv.DictReader(open(os.path.join(HERE, "items-v1.csv"), encoding="utf-8")))
# Standards link to the newest version's items: leave out what version 2 merges or retires.
adjustment = json.load(open(os.path.join(HERE, "adjustment-v2.json"), encoding="utf-8"))
gone_in_v2 = {c for p in adjustment["proposals"] if p["kind"] in ("merge", "retire") for c in p["target_codes"]}
items = [it for it in items if it["编码"] not in gone_in_v2]
area_no = {a: i + 1 for i, a in enumerate(AREAS)}


def items_named(*words):
    return [it["编码"] for it in items if any(w in it["服务项目"] for w in words)]


# --- Registry ------------------------------------------------------------------------
HEADER = ["标准编号", "标准名称", "英文名称", "标准层级", "发布机构", "状态", "引用或自建", "体系节点",
          "发布日期", "实施日期", "上次复审日期", "下次复审日期", "废止日期", "复审周期(年)", "代替标准", "被代替标准",
          "规范性引用文件", "服务事项", "备注", "数据来源"]
rows = []


def add(number, title, node, published, effective, stage="现行", origin="引用", issued="", supersedes="",
        superseded_by="", refs="", item_codes=(), source=DEMO, notes="", reviewed=""):
    rows.append([number, title, "", "", issued, stage, origin, node, published, effective, reviewed, "", "", "",
                 supersedes, superseded_by, refs, "、".join(item_codes), notes, source])


SAMR = "国家市场监督管理总局、国家标准化管理委员会"
# Real public standards (numbers, titles and dates as published). Their links to the demo
# district's items are illustrative.
add("GB/T 1.1-2020", "标准化工作导则 第1部分：标准化文件的结构和起草规则", "1.1", "2020-03-31", "2020-10-01", issued=SAMR, source=PUBLIC)
add("GB/T 20000.1-2014", "标准化工作指南 第1部分：标准化和相关活动的通用术语", "1.2", "2014-12-31", "2015-06-01", issued="国家质量监督检验检疫总局、国家标准化管理委员会", source=PUBLIC)
add("GB/T 13016-2018", "标准体系构建原则和要求", "1.1", "2018-02-06", "2018-09-01", issued=SAMR, source=PUBLIC)
for part, name in [("1", "基本要求"), ("2", "标准体系"), ("3", "标准编写"), ("4", "标准实施及评价")]:
    add(f"GB/T 24421.{part}-2009", f"服务业组织标准化工作指南 第{part}部分：{name}", "1.1", "2009-09-30", "2009-12-01",
        issued="国家质量监督检验检疫总局、国家标准化管理委员会", source=PUBLIC)
add("GB/T 15624-2011", "服务标准化工作指南", "1.1", "2011-12-30", "2012-02-01", issued="国家质量监督检验检疫总局、国家标准化管理委员会", source=PUBLIC)
add("GB/T 28222-2011", "服务标准编写通则", "1.1", "2011-12-30", "2012-02-01", issued="国家质量监督检验检疫总局、国家标准化管理委员会", source=PUBLIC)
add("GB/T 36733-2018", "服务质量评价通则", "2.6", "2018-09-17", "2019-04-01", issued=SAMR, source=PUBLIC)
add("GB/T 19012-2019", "质量管理 顾客满意 组织投诉处理指南", "2.6", "2019-08-30", "2020-03-01", issued=SAMR, source=PUBLIC)
OLD_AGE = items_named("老年人", "养老")
add("GB/T 35796-2017", "养老机构服务质量基本规范", "3.5", "2017-12-29", "2017-12-29", issued="国家质量监督检验检疫总局、国家标准化管理委员会", item_codes=OLD_AGE[:2], source=PUBLIC)
add("GB 38600-2019", "养老机构服务安全基本规范", "3.5", "2019-12-27", "2022-01-01", issued=SAMR, item_codes=OLD_AGE[:2], source=PUBLIC)
add("GB/T 37276-2018", "养老机构等级划分与评定", "3.5", "2018-12-28", "2019-07-01", issued=SAMR, source=PUBLIC)
add("MZ/T 039-2013", "老年人能力评估", "3.5", "2013-08-21", "2013-08-21", stage="被代替", issued="民政部",
    superseded_by="GB/T 42195-2022", source=PUBLIC)
add("GB/T 42195-2022", "老年人能力评估规范", "3.5", "2022-12-30", "2022-12-30", issued=SAMR, supersedes="MZ/T 039-2013",
    item_codes=OLD_AGE[2:4], source=PUBLIC)
add("WS/T 484-2015", "老年人健康管理技术规范", "3.4", "2015-11-17", "2016-05-01", issued="国家卫生和计划生育委员会",
    item_codes=items_named("老年人健康管理"), source=PUBLIC)
add("GB/T 28220-2011", "公共图书馆服务规范", "3.9", "2011-12-30", "2012-05-01", issued="国家质量监督检验检疫总局、国家标准化管理委员会",
    item_codes=items_named("图书馆", "公共文化设施")[:2], source=PUBLIC)

# Items left without a standard, so coverage is below 100% and the page has a list.
uncovered = {it["编码"] for i, it in enumerate(items) if i % 7 == 3}
coverable = [it for it in items if it["编码"] not in uncovered]

# Illustrative internal norms (内部规范, the demo district's own, Futian wrote 111): one per
# coverable item, up to 110.
internal = []
for i, it in enumerate(coverable[:110]):
    year = 2019 + i % 6
    number = f"SLQ/NB {i + 1:03d}-{year}"
    month = 1 + i % 12
    refs = ["GB/T 1.1"]
    if it["领域"] == "老有所养" and i % 2 == 0:
        refs.append("MZ/T 039-2013")  # stale on purpose: the watch flags it
    if i % 5 == 0:
        refs.append("GB/T 24421.3-2009")
    stage = "现行"
    if i % 37 == 36:
        stage = "修订"
    add(number, f"（示例）{it['服务项目']}服务规范", f"3.{area_no[it['领域']]}", f"{year}-{month:02d}-15",
        f"{year}-{month:02d}-15" if i % 3 else f"{year}-{(month % 12) + 1:02d}-01", stage=stage, origin="自建",
        issued="示例区基本公共服务标准化工作领导小组办公室", refs="；".join(refs), item_codes=[it["编码"]])
    internal.append(number)
# A chain: two norms that build on norms citing the stale MZ/T 039-2013 are flagged too.
old_age_norms = [r[0] for r in rows if r[0].startswith("SLQ/NB") and "MZ/T 039-2013" in r[16]]
for k, base in enumerate(old_age_norms[:2]):
    add(f"SLQ/NB {200 + k:03d}-2024", f"（示例）居家养老上门服务操作规程 第{k + 1}部分", "3.5", "2024-03-01", "2024-06-01",
        origin="自建", issued="示例区民政局", refs=base)

# Illustrative cited local and group standards (示例): made-up numbers in ranges no real
# standard of the demo region uses.
kinds = [("DB44/T 9{:03d}-{}", "示例省市场监督管理局"), ("DB4403/T 9{:03d}-{}", "示例市市场监督管理局"),
         ("T/SLXH 9{:03d}-{}", "示例区社会服务协会")]
topics = ["服务规范", "服务质量评价规范", "设施配置规范", "人员配备要求", "信息化建设指南", "安全管理规范", "服务指南", "档案管理规范"]
support_nodes = ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "1.3", "1.4"]
for i in range(168):
    fmt, issuer = kinds[i % 3]
    year = 2015 + i % 10
    number = fmt.format(i + 1, year)
    it = coverable[(i * 5) % len(coverable)]
    topic = topics[i % len(topics)]
    if i % 4 == 0:
        node, title, links = support_nodes[i % len(support_nodes)], f"（示例）基本公共服务{topic}", []
    else:
        node, title, links = f"3.{area_no[it['领域']]}", f"（示例）{it['服务项目']}{topic}", [it["编码"]]
    stage = "现行"
    if i % 41 == 40:
        stage = "征求意见"
    elif i % 53 == 52:
        stage = "起草"
    month = 1 + (i * 7) % 12
    reviewed = f"{year + 5}-{month:02d}-01" if i % 6 == 0 and year + 5 <= 2025 else ""
    add(number, title, node, f"{year}-{month:02d}-10", f"{year}-{month:02d}-10" if stage == "现行" else "",
        stage=stage, issued=issuer, item_codes=links, reviewed=reviewed,
        refs="GB/T 1.1" if i % 2 else "")
# One withdrawn illustrative local standard, still cited by one internal norm.
add("DB4403/T 9900-2016", "（示例）社区公共服务设施配置指引", "2.1", "2016-05-01", "2016-06-01", stage="废止",
    issued="示例市市场监督管理局")
rows[-1][12] = "2023-12-31"
for r in rows:
    if r[0] == internal[5]:
        r[16] = r[16] + "；DB4403/T 9900-2016"

write_csv(os.path.join(HERE, "standards.csv"), HEADER, rows)
print(f"{len(rows)} standards, {sum(1 for r in rows if r[6] == '自建')} self-built, "
      f"{sum(1 for r in rows if r[19] != DEMO)} real; {len(uncovered)} items left uncovered")
