#!/usr/bin/env python3
"""Writes the demo district's finance tables for the affordability assessment:
item-costs.csv (unit cost per item and year), payer-shares.csv (default split of cost per
支出责任) and budgets.csv (general budget expenditure per year).

Every unit cost and budget figure is 示例 (illustrative), chosen to be of a plausible
order for a Shenzhen district; the central share of jointly funded items follows the
tiering of 国办发〔2018〕6号 (see payer-shares.csv). Run: python3 data/demo/generate_finance.py
"""
import csv
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# Yuan per beneficiary per year in 2024 (示例). Keyed by item code; items not named get
# the default of their category below.
UNIT = {
    "N0101": 560, "N0102": 1200, "N0103": 60, "R0101": 400, "L0101": 80, "N0106": 30,
    "N0201": 180, "N0202": 120, "N0203": 150, "N0204": 60, "R0201": 80, "R0202": 100,
    "L0201": 9600, "L0202": 200,
    "N0301": 24000, "N0302": 1200, "N0303": 12000, "L0301": 20, "L0302": 1500,
    "N0401": 1500, "R0401": 1000, "L0401": 6000,
    "N0501": 1200, "N0502": 300, "N0503": 1500, "N0504": 1000, "N0505": 12000, "R0501": 1000,
    "L0501": 1200, "L0502": 2400, "L0503": 100,
    "N0601": 2000, "N0602": 3500, "N0701": 2000, "N0702": 6000,
    "N0801": 5, "N0802": 20, "N0803": 10, "N0804": 2000, "N0805": 3000, "N0806": 6000,
    "R0801": 1000, "R0802": 1500, "L0801": 10, "L0802": 10, "L0803": 10000, "L0804": 600,
    "N0901": 3000, "N0902": 200,
    "N1001": 15, "N1002": 10, "N1003": 5, "N1004": 300, "N1005": 200, "N1006": 2000,
    "N1007": 1500, "N1008": 1500, "N1009": 30, "N1010": 5, "R1001": 10, "R1002": 150,
    "R1003": 150, "L1001": 120, "L1002": 10, "L1003": 300, "L1004": 10,
    "N1101": 0, "N1102": 640, "N1103": 0, "L1101": 30,
    "N1201": 7200, "N1202": 1200, "L1201": 3000,
    "N1301": 2400, "N1302": 600, "N1303": 30000, "N1304": 300, "L1301": 1200, "L1302": 6000,
    "L1303": 3000, "L1304": 300, "L1305": 12000, "L1306": 800,
    "N1401": 0, "N1402": 2000, "N1403": 0, "L1401": 50,
    "N1501": 12000, "N1502": 6000, "R1501": 3000, "L1501": 10000, "L1502": 6000,
    "N1601": 20000, "N1602": 100, "L1601": 300,
    "N1701": 16000, "N1702": 30000, "N1703": 3000, "N1704": 3000, "N1705": 2000, "N1706": 1500,
    "R1701": 2000, "R1702": 4000, "R1703": 1000, "L1701": 6000, "L1702": 600,
    "N1801": 3000, "N1802": 5, "R1801": 1000, "L1801": 5, "L1802": 5,
    "N1901": 4800, "N1902": 3000, "N1903": 30000, "N1904": 2000, "R1901": 2400, "R1902": 2000,
    "L1901": 8000, "L1902": 6000,
    "N2001": 20000, "N2002": 30000, "N2003": 3000, "N2004": 60000, "N2005": 2, "R2001": 5000,
    "L2001": 50, "L2002": 100,
    "N2101": 20, "N2102": 1, "N2103": 1, "N2104": 1, "N2105": 2, "N2106": 5, "N2107": 2,
    "R2101": 10, "L2101": 5, "L2102": 30, "L2103": 5, "L2104": 10, "L2105": 8,
    "N2201": 20, "N2202": 10, "R2201": 10, "L2201": 15, "L2202": 5, "L2203": 5,
}
GROWTH_2026 = 1.06  # unit costs in 2026 against 2024 (示例)

# 受益比例: the share of the eligible who use the item in a year (示例). Items not named
# are used by everyone eligible. Two kinds: services many may use but few do in a given
# year (training, housing, legal aid), and items whose condition the resident profile does
# not ask (HIV follow-up), whose rule is the whole population in scope.
TAKE_UP = {
    "N0103": 0.3, "N0802": 0.1, "N0804": 0.05, "R0801": 0.05, "N0805": 0.5, "N0806": 0.1,
    "L0803": 0.3, "N1004": 0.7, "N1005": 0.7, "R1002": 0.7, "R1003": 0.7, "N1008": 0.0008,
    "L1001": 0.4, "L1003": 0.3, "N1304": 0.2, "N1501": 0.3, "R1501": 0.3, "L1501": 0.2,
    "L1502": 0.3, "N1602": 0.05, "L1601": 0.01, "N1703": 0.5, "R1701": 0.5, "N1801": 0.01,
    "R1801": 0.01, "L0501": 0.6, "L1302": 0.3, "L1305": 0.1, "L1303": 0.2, "L1902": 0.2,
}


def codes():
    out = []
    with open(os.path.join(HERE, "items-v1.csv"), encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            out.append(r["编码"])
    with open(os.path.join(HERE, "adjustment-v2.json"), encoding="utf-8") as f:
        for p in json.load(f)["proposals"]:
            code = (p.get("item") or {}).get("code")
            if code and code not in out:
                out.append(code)
    return out


def main():
    missing = [c for c in codes() if c not in UNIT]
    if missing:
        raise SystemExit(f"no unit cost for {missing}; add them to UNIT")
    rows = []
    for code in codes():
        for year, factor in ((2024, 1.0), (2026, GROWTH_2026)):
            take_up = TAKE_UP.get(code, "")
            rows.append([code, year, round(UNIT[code] * factor, 2), take_up, "", "", "", "", "示例"])
    with open(os.path.join(HERE, "item-costs.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["事项编码", "年度", "单位成本（元/人·年）", "受益比例", "中央承担比例", "省级承担比例", "市级承担比例", "区级承担比例", "数据来源"])
        w.writerows(rows)
    with open(os.path.join(HERE, "payer-shares.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["支出责任", "中央承担比例", "省级承担比例", "市级承担比例", "区级承担比例", "数据来源"])
        w.writerow(["中央财政承担支出责任", 1, 0, 0, 0, "按支出责任全部由中央财政承担"])
        w.writerow(["中央和地方财政共同承担支出责任", 0.3, 0, 0.35, 0.35,
                    "中央分担30%：国办发〔2018〕6号《基本公共服务领域中央与地方共同财政事权和支出责任划分改革方案》第四档（含深圳等计划单列市）；该方案对部分事项另有规定，此处统一按30%计；地方部分市、区各半为示例"])
        w.writerow(["地方财政承担支出责任", 0, 0, 0.5, 0.5, "示例：市、区各半"])
    with open(os.path.join(HERE, "budgets.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["区划代码", "年度", "一般公共预算支出（元）", "数据来源"])
        for year, amount in ((2024, 21_600_000_000), (2025, 22_300_000_000), (2026, 23_000_000_000)):
            w.writerow(["440399000000", year, amount, "示例"])


if __name__ == "__main__":
    main()
