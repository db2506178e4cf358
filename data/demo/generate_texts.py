#!/usr/bin/env python3
"""Writes the demo texts: standard texts (标准文本) for the demo registry's illustrative
standards and a service guide (办事指南) per item of the newest demo list version, as
Markdown under data/demo/texts/, with manifest.csv naming each file's kind and key.

Everything here is illustrative (示例): the texts are assembled from the demo list's own
fields (服务对象, 服务内容, 服务标准, ...) in the structure GB/T 1.1-2020 prescribes, and every
text says so in its title and foreword. No real standard's text is reproduced (real
standards are copyrighted and held by their publishers). Deterministic: running it twice
writes the same bytes.
"""
import csv
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "texts")

GBT11 = "本文件按照GB/T 1.1—2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》的规定起草。"
REFS_LEAD = ("下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。其中，注日期的引用文件，"
             "仅该日期对应的版本适用于本文件；不注日期的引用文件，其最新版本（包括所有的修改单）适用于本文件。")
NO_REFS = "本文件没有规范性引用文件。"
TERMS_LEAD = "下列术语和定义适用于本文件。"
DEMO_NOTE = "本文件为gongfu演示数据中的示例文本，由演示清单的栏目生成，不具有标准效力。"

# Titles of standards the demo texts cite, for the reference list (real, public).
KNOWN_TITLES = {
    "GB/T 1.1": "标准化工作导则　第1部分：标准化文件的结构和起草规则",
    "GB/T 24421.3-2009": "服务业组织标准化工作指南　第3部分：标准编写",
    "MZ/T 039-2013": "老年人能力评估",
    "DB4403/T 9900-2016": "（示例）社区公共服务设施配置指引",
}


def official(number):
    """The printed form: em dash before the year."""
    if "-" in number.split(" ", 1)[-1]:
        head, year = number.rsplit("-", 1)
        return f"{head}—{year}"
    return number


def items_of_newest_version():
    items = {}
    for it in csv.DictReader(open(os.path.join(HERE, "items-v1.csv"), encoding="utf-8")):
        items[it["编码"]] = {
            "code": it["编码"], "name": it["服务项目"], "area": it["领域"], "category": it["大类"],
            "target": it["服务对象"], "content": it["服务内容"], "standard": it["服务标准"],
            "expenditure": it["支出责任"], "lead": it["牵头负责单位"], "channels": it["服务渠道"],
            "policy": it["政策依据"], "process": it["服务流程"],
        }
    adjustment = json.load(open(os.path.join(HERE, "adjustment-v2.json"), encoding="utf-8"))
    for p in adjustment["proposals"]:
        if p.get("decision") != "accepted":
            continue
        if p["kind"] in ("merge", "retire"):
            for c in p["target_codes"]:
                items.pop(c, None)
        if p.get("item"):
            i = p["item"]
            items[i["code"]] = {
                "code": i["code"], "name": i["name"], "area": i["area"], "category": i["category"],
                "target": i["target_population"], "content": i["content"], "standard": i["standard"],
                "expenditure": i["expenditure_responsibility"], "lead": i["lead_departments"],
                "channels": i["delivery_channels"], "policy": i["policy_basis"], "process": i["process"],
            }
    return items


def strip_demo(s):
    return s.replace("（示例）", "").strip("。 ")


def sentences(s):
    parts = [p.strip() for p in strip_demo(s).replace("；", "。").split("。") if p.strip()]
    return parts or ["按本区有关规定执行"]


def standard_text(row, items):
    number, title = row["标准编号"], row["标准名称"]
    codes = [c for c in row["服务事项"].split("、") if c]
    item = items.get(codes[0]) if codes else None
    refs = [r for r in row["规范性引用文件"].split("；") if r]
    subject = strip_demo(title.replace("（示例）", ""))
    for suffix in ("服务规范", "服务质量评价规范", "设施配置规范", "人员配备要求", "信息化建设指南",
                   "安全管理规范", "服务指南", "档案管理规范", "操作规程"):
        if subject.endswith(suffix):
            subject = subject[: -len(suffix)] or subject
            break
    out = [f"# {title}", "", official(number), "", "## 前言", "", GBT11, "",
           f"本文件由{row['发布机构'] or '示例区标准化办公室'}提出并归口。", "", DEMO_NOTE, ""]
    out += ["## 1 范围", "",
            f"本文件规定了{subject}的服务对象、服务内容、服务要求和评价与改进。", "",
            f"本文件适用于示例区{subject}的提供和管理。", ""]
    out += ["## 2 规范性引用文件", "", REFS_LEAD if refs else NO_REFS, ""]
    for r in refs:
        name = KNOWN_TITLES.get(r, "（示例）相关服务规范")
        out += [f"{official(r)}　{name}", ""]
    out += ["## 3 术语和定义", "", TERMS_LEAD, "",
            f"### 3.1 {subject}", "",
            f"由示例区政府主导、有关部门和街道社区组织提供的{subject}。", "",
            "### 3.2 服务提供机构", "",
            "承担本文件所述服务的行政机关、事业单位或者受委托的社会组织。", ""]
    target = strip_demo(item["target"]) if item else "辖区居民"
    out += ["## 4 服务对象", "", f"服务对象为{target}。", ""]
    content = sentences(item["content"]) if item else ["提供咨询、受理、办理和回访服务"]
    standard = sentences(item["standard"]) if item else ["服务时限和质量符合本区有关规定"]
    out += ["## 5 服务内容", "", "### 5.1 基本内容", "", "服务提供机构应提供以下服务：", ""]
    out += [f"——{c}；" if k < len(content) - 1 else f"——{c}。" for k, c in enumerate(content)]
    out += ["", "### 5.2 服务标准", ""]
    out += [f"{s}。" for s in standard[:1]] + [""]
    out += ["## 6 服务要求", "", "### 6.1 人员", "",
            "服务人员应经岗前培训并考核合格，熟悉服务流程和相关政策。", "",
            "### 6.2 设施设备", "",
            "服务场所应设置服务指引标识，配备无障碍设施和适老化设施。", "",
            "### 6.3 服务流程", "", "服务流程应包括：", "",
            "a)　受理和登记；", "", "b)　服务提供和记录；", "", "c)　回访和归档。", ""]
    cites = []
    for r in refs:
        if r == "GB/T 1.1":
            continue
        cites.append(f"服务提供还应符合{official(r)}的规定。")
    if cites:
        out += [" ".join(cites), ""]
    out += ["## 7 评价与改进", "", "### 7.1 服务评价", "",
            "服务提供机构应每年开展一次服务对象满意度调查。", "",
            "### 7.2 持续改进", "", "服务提供机构应根据评价结果和投诉建议改进服务。", ""]
    if "GB/T 1.1" in refs:
        out += ["### 7.3 文件管理", "", "服务规范和操作规程的编写应符合GB/T 1.1的规定。", ""]
    return "\n".join(out)


def guide_text(item):
    name = item["name"]
    out = [f"# {name}办事指南（示例）", "", DEMO_NOTE.replace("本文件", "本指南"), "",
           "## 事项名称", "", f"{name}（事项编码 {item['code']}）", "",
           "## 服务对象", "", strip_demo(item["target"]) + "。", "",
           "## 服务内容", "", strip_demo(item["content"]) + "。", "",
           "## 服务标准", "", strip_demo(item["standard"]) + "。", "",
           "## 办理材料", "",
           "- 居民身份证或者户口簿（原件）", "- 居住证（非本区户籍居民提供）", "- 与本事项有关的证明材料（示例）", "",
           "## 办理流程", ""]
    steps = [s for s in strip_demo(item["process"]).split("—") if s] or ["申请", "受理", "办理", "办结"]
    out += [f"{k + 1}. {s}" for k, s in enumerate(steps)] + [""]
    out += ["## 办理渠道", "", f"{strip_demo(item['channels']) or '社区党群服务中心'}。工作日 9:00-12:00、14:00-18:00（示例）。", "",
            "## 收费标准", "", "不收费。", "",
            "## 责任部门", "", f"{strip_demo(item['lead'])}；支出责任：{strip_demo(item['expenditure'])}。", "",
            "## 政策依据", "", f"{strip_demo(item['policy'])}。", "",
            "## 咨询与投诉", "", "咨询电话 12345（示例）；也可通过“民意速办”留言。", ""]
    return "\n".join(out)


def safe_name(number):
    return number.replace("/", "_").replace(" ", "_")


def main():
    items = items_of_newest_version()
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(os.path.join(OUT, "standards"))
    os.makedirs(os.path.join(OUT, "guides"))
    manifest = []
    rows = list(csv.DictReader(open(os.path.join(HERE, "standards.csv"), encoding="utf-8")))
    for row in rows:
        # Only the illustrative standards get a text: real ones are published (and
        # copyrighted) elsewhere, and a withdrawn one is no longer kept.
        if row["数据来源"] != "示例" or row["状态"] in ("废止", "被代替"):
            continue
        path = f"standards/{safe_name(row['标准编号'])}.md"
        with open(os.path.join(OUT, path), "w", encoding="utf-8") as f:
            f.write(standard_text(row, items))
        manifest.append(("standard", row["标准编号"], path))
    for code in sorted(items):
        path = f"guides/{code}.md"
        with open(os.path.join(OUT, path), "w", encoding="utf-8") as f:
            f.write(guide_text(items[code]))
        manifest.append(("guide", code, path))
    with open(os.path.join(OUT, "manifest.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["类型", "编号", "文件"])
        w.writerows(manifest)
    print(f"{sum(1 for m in manifest if m[0] == 'standard')} standard texts, "
          f"{sum(1 for m in manifest if m[0] == 'guide')} guides")


main()
