"""Writes the demo district's places in demo/places/, deterministically:
boundaries.geojson (the district, its 10 sub-districts and 90 current communities),
points.csv (about 2,100 service points) and sites.csv (residential sites, 小区).

Everything here is 示例 (fictional): the district 示例区 (440399) does not exist. It is drawn
in a box of Shenzhen (about 22.52-22.60 N, 113.96-114.06 E) so that maps look like a city,
on a jittered lattice: neighbouring polygons share identical vertices, so the communities
tile their sub-district and the sub-districts the district with no gap or overlap.

Run: python3 data/demo/generate_places.py"""
import csv
import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "places")
DEMO = "示例"

SOUTH, NORTH, WEST, EAST = 22.520, 22.600, 113.960, 114.060
COLS, ROWS = 10, 10          # lattice cells; a sub-district is a block of 2 x 5 cells
M_PER_DEG = 6371008.8 * math.pi / 180
COS = math.cos(math.radians((SOUTH + NORTH) / 2))

rnd = random.Random(20261125)


def read_csv(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


regions = read_csv(os.path.join(HERE, "regions.csv"))
pops = {r["代码"]: int(r["人数"]) for r in read_csv(os.path.join(HERE, "populations.csv"))
        if r["年份"] == "2024" and r["类型"] == "常住人口"}
names = {r["代码"]: r["名称"] for r in regions}
subs = [r["代码"] for r in regions if r["代码"].startswith("440399") and r["代码"].endswith("000")
        and r["代码"] != "440399000000"]
communities = {s: [r["代码"] for r in regions if r["代码"][:9] == s[:9] and r["代码"] != s
                   and not r["终止年份"]] for s in subs}
types = read_csv(os.path.join(ROOT, "data", "places", "facility-types.csv"))
type_areas = {t["名称"]: t["服务领域"].split("|") for t in types}
unit = {t["名称"]: t["容量单位"] for t in types}
# Items of the newest version: version 1 less what the adjustment to version 2 merged away
# or retired (a point may only name items the published list has).
items = read_csv(os.path.join(HERE, "items-v1.csv"))
with open(os.path.join(HERE, "adjustment-v2.json"), encoding="utf-8") as f:
    gone = {c for p in json.load(f)["proposals"] if p["decision"] == "accepted"
            and p["kind"] in ("merge", "retire") for c in p["target_codes"]}
items = [it for it in items if it["编码"] not in gone]
items_by_area = {}
for it in items:
    items_by_area.setdefault(it["领域"], []).append((it["编码"], it["服务项目"]))

# ---------------------------------------------------------------- the lattice
# Vertex (i, j): column i (west to east), row j (south to north). Interior and edge
# vertices are jittered by up to 18% of a cell, which keeps every quad convex.
dlng, dlat = (EAST - WEST) / COLS, (NORTH - SOUTH) / ROWS
V = {}
for i in range(COLS + 1):
    for j in range(ROWS + 1):
        jx = rnd.uniform(-0.18, 0.18) * dlng
        jy = rnd.uniform(-0.18, 0.18) * dlat
        # A bay in the north-east and a bulge in the south-west: an outline that is not a box.
        if j == ROWS and i >= 6:
            jy -= 0.25 * dlat
        if i == 0 and j <= 3:
            jx -= 0.2 * dlng
        V[i, j] = (round(WEST + i * dlng + jx, 6), round(SOUTH + j * dlat + jy, 6))


def ring_of_block(c0, c1, r0, r1):
    """The outer ring (counter-clockwise, closed) of cells c0..c1 x r0..r1."""
    ring = [V[i, r0] for i in range(c0, c1 + 2)]
    ring += [V[c1 + 1, j] for j in range(r0 + 1, r1 + 2)]
    ring += [V[i, r1 + 1] for i in range(c1, c0 - 1, -1)]
    ring += [V[c0, j] for j in range(r1, r0, -1)]
    return ring


def area(ring):
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:])) / 2


def seg_cross(a, b, c, d):
    def o(p, q, r):
        v = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        return (v > 0) - (v < 0)
    return o(a, b, c) * o(a, b, d) < 0 and o(c, d, a) * o(c, d, b) < 0


def simple(ring):
    n = len(ring) - 1
    for x in range(n):
        for y in range(x + 2, n):
            if x == 0 and y == n - 1:
                continue
            if seg_cross(ring[x], ring[x + 1], ring[y], ring[y + 1]):
                return False
    return len(set(ring[:-1])) == n


def inside(ring, p):
    x, y = p
    res = False
    for a, b in zip(ring, ring[1:]):
        if (a[1] > y) != (b[1] > y):
            if x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0]:
                res = not res
    return res


def metres(a, b):
    return math.hypot((a[0] - b[0]) * M_PER_DEG * COS, (a[1] - b[1]) * M_PER_DEG)


def edge_distance(ring, p):
    best = float("inf")
    px, py = p[0] * M_PER_DEG * COS, p[1] * M_PER_DEG
    for a, b in zip(ring, ring[1:]):
        ax, ay = a[0] * M_PER_DEG * COS, a[1] * M_PER_DEG
        bx, by = b[0] * M_PER_DEG * COS, b[1] * M_PER_DEG
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
        best = min(best, math.hypot(px - ax - t * dx, py - ay - t * dy))
    return best


# Sub-district k takes block (k % 5, k // 5); its communities take its 10 cells in order,
# the first (10 - n) of them two cells stacked, so each community is one simple polygon.
features = []
community_cells = {}
district_ring = ring_of_block(0, COLS - 1, 0, ROWS - 1)
for k, s in enumerate(subs):
    bx, by = k % 5, k // 5
    c0, r0 = bx * 2, by * 5
    cells = [(c, r) for c in (c0, c0 + 1) for r in range(r0, r0 + 5)]
    comms = communities[s]
    merges = len(cells) - len(comms)
    groups = []
    idx = 0
    for n in range(len(comms)):
        if n < merges:
            c, r = cells[idx]
            groups.append((c, c, r, r + 1))
            idx += 2
        else:
            c, r = cells[idx]
            groups.append((c, c, r, r))
            idx += 1
    assert idx == 10, (s, len(comms))
    for code, (ca, cb, ra, rb) in zip(comms, groups):
        community_cells[code] = (ca, cb, ra, rb)
        features.append(("community", code, ring_of_block(ca, cb, ra, rb)))
    features.append(("subdistrict", s, ring_of_block(c0, c0 + 1, r0, r0 + 4)))
features.append(("district", "440399000000", district_ring))

for level, code, ring in features:
    ring.append(ring[0])
    assert area(ring) > 0, code
    assert simple(ring), code
total = sum(area(r) for lv, _, r in features if lv == "community")
assert abs(total - area(district_ring)) < 1e-9 * abs(total), "communities tile the district"
ring_of = {code: ring for _, code, ring in features}

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "boundaries.geojson"), "w", encoding="utf-8") as f:
    json.dump({"type": "FeatureCollection", "features": [
        {"type": "Feature",
         "properties": {"code": code, "name": names[code], "level": level, "source": DEMO},
         "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}}
        for level, code, ring in features]}, f, ensure_ascii=False, separators=(",", ":"))
    f.write("\n")


def place(code, margin=30, near=None, spread=None):
    """A position inside community `code`, at least `margin` m from its edges; near a given
    position when asked (within `spread` m)."""
    ring = ring_of[code]
    ca, cb, ra, rb = community_cells[code]
    for _ in range(2000):
        if near:
            a = rnd.uniform(0, 2 * math.pi)
            d = abs(rnd.gauss(0, spread))
            p = (near[0] + d * math.cos(a) / (M_PER_DEG * COS), near[1] + d * math.sin(a) / M_PER_DEG)
        else:
            c = rnd.randint(ca, cb)
            r = rnd.randint(ra, rb)
            u, v = rnd.uniform(0.08, 0.92), rnd.uniform(0.08, 0.92)
            a, b, cc, d = V[c, r], V[c + 1, r], V[c + 1, r + 1], V[c, r + 1]
            p = (a[0] * (1 - u) * (1 - v) + b[0] * u * (1 - v) + cc[0] * u * v + d[0] * (1 - u) * v,
                 a[1] * (1 - u) * (1 - v) + b[1] * u * (1 - v) + cc[1] * u * v + d[1] * (1 - u) * v)
        p = (round(p[0], 6), round(p[1], 6))
        if inside(ring, p) and edge_distance(ring, p) >= margin:
            return p
    raise SystemExit(f"cannot place a point in {code}")


# ---------------------------------------------------------------- residential sites
SITE_SUFFIX = ["花园", "苑", "雅居", "新村", "家园", "公馆", "华庭", "名苑", "小区", "大厦", "山庄", "里",
               "嘉园", "府", "东区", "西区"]
site_rows = []
sites_by_comm = {}
n_site = 0
for s in subs:
    for code in communities[s]:
        n = rnd.randint(8, 14)
        centres = [place(code, 60) for _ in range(rnd.randint(2, 3))]
        weights = [rnd.uniform(0.4, 1.6) for _ in range(n)]
        pop = pops[code]
        shares = [int(pop * w / sum(weights)) for w in weights]
        shares[0] += pop - sum(shares)
        base = names[code].replace("社区", "")
        suffixes = rnd.sample(SITE_SUFFIX, n)
        for i in range(n):
            n_site += 1
            p = place(code, 30, near=rnd.choice(centres), spread=220)
            nm = f"{base}{suffixes[i]}"
            site_rows.append([f"RS{n_site:04d}", nm, f"{p[1]:.6f}", f"{p[0]:.6f}", shares[i], code, DEMO])
            sites_by_comm.setdefault(code, []).append((p, shares[i]))
with open(os.path.join(OUT, "sites.csv"), "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["编码", "名称", "纬度", "经度", "人口", "所属社区", "数据来源"])
    w.writerows(site_rows)

# ---------------------------------------------------------------- service points
HOURS = {
    "gov": ["Mo-Fr 08:30-12:00,14:00-17:30; PH off", "周一至周五 08:30-12:00,14:00-17:30"],
    "health": ["Mo-Su 08:00-21:00"],
    "hospital": ["24/7"],
    "culture": ["周二至周日 09:00-21:00，法定节假日休息", "Mo-Sa 09:00-21:00; Su 09:00-17:00; PH off"],
    "park": ["每天 06:00-22:00", "24/7"],
    "school": ["Mo-Fr 08:00-17:00; Sa 08:00-12:00; PH off"],
    "care": ["Mo-Su 08:00-21:00", "每天 06:00-22:00"],
    "canteen": ["每天 06:00-22:00", "Mo-Sa 09:00-21:00; Su 09:00-17:00; PH off"],
}
TYPE_HOURS = {"社区健康服务中心": "health", "医院": "hospital", "妇幼保健院": "hospital",
              "托育机构": "school", "幼儿园": "school", "小学": "school", "中学": "school",
              "养老服务中心": "care", "长者饭堂": "canteen", "养老院": "hospital",
              "党群服务中心": "gov", "政务服务中心": "gov", "就业服务站": "gov",
              "图书馆": "culture", "文化站": "culture", "体育场馆": "culture", "公园": "park",
              "退役军人服务站": "gov", "残疾人之家": "gov", "社会救助服务站": "gov",
              "住房保障服务点": "gov"}
CAPACITY = {"医院": (300, 1500), "妇幼保健院": (150, 400), "托育机构": (40, 120), "幼儿园": (180, 540),
            "小学": (1080, 2700), "中学": (1200, 2400), "养老服务中心": (20, 60), "长者饭堂": (40, 120),
            "养老院": (200, 600), "图书馆": (60, 400), "文化站": (100, 400), "体育场馆": (800, 5000),
            "政务服务中心": (8, 30), "社区健康服务中心": (0, 20), "残疾人之家": (20, 60)}
AREA = {"社区健康服务中心": (1000, 2500), "医院": (30000, 120000), "妇幼保健院": (15000, 40000),
        "托育机构": (400, 1500), "幼儿园": (2500, 6000), "小学": (8000, 30000), "中学": (12000, 30000),
        "养老服务中心": (800, 3000), "长者饭堂": (150, 500), "养老院": (5000, 20000),
        "党群服务中心": (400, 1500), "政务服务中心": (1500, 6000), "就业服务站": (100, 400),
        "图书馆": (200, 8000), "文化站": (1500, 5000), "体育场馆": (10000, 60000),
        "退役军人服务站": (60, 300), "残疾人之家": (300, 1200), "社会救助服务站": (60, 300),
        "住房保障服务点": (100, 500)}
KEYWORDS = {"社区健康服务中心": ["健康", "预防接种", "孕", "慢性病", "老年人", "儿童", "家庭医生", "中医"],
            "医院": ["医疗", "健康", "孕", "疾病"], "妇幼保健院": ["孕", "儿童", "新生儿", "妇女"],
            "托育机构": ["托育", "婴幼儿", "儿童"], "幼儿园": ["学前", "幼儿"], "小学": ["义务教育", "学生"],
            "中学": ["义务教育", "高中", "学生"], "养老服务中心": ["养老", "老年"], "长者饭堂": ["老年", "养老"],
            "养老院": ["养老", "特困"], "党群服务中心": [], "政务服务中心": [], "就业服务站": ["就业", "创业", "职业"],
            "图书馆": ["图书", "阅读", "文化"], "文化站": ["文化", "文艺"], "体育场馆": ["体育", "健身"],
            "公园": ["健身"], "退役军人服务站": ["退役", "优抚", "军"], "残疾人之家": ["残疾"],
            "社会救助服务站": ["救助", "低保", "特困"], "住房保障服务点": ["住房", "租赁"]}


PARKS = ["口袋公园", "社区公园", "街心公园", "健身公园", "滨水公园", "休闲公园", "花园"]


def items_for(t):
    pool = [it for a in type_areas[t] for it in items_by_area.get(a, [])]
    if not pool:
        return []
    kw = KEYWORDS.get(t, [])
    hit = [c for c, n in pool if any(k in n for k in kw)]
    k = min(len(hit), rnd.randint(2, 8)) if hit else rnd.randint(1, 3)
    chosen = rnd.sample(hit, k) if hit else [c for c, _ in rnd.sample(pool, min(k, len(pool)))]
    return sorted(chosen)


points = []
used_names = set()


def add(t, code, name, p=None):
    p = p or place(code)
    base = name
    n = 2
    while name in used_names:
        name = f"{base}（{n}）"
        n += 1
    used_names.add(name)
    sub = names[code[:9] + "000"]
    hours = rnd.choice(HOURS[TYPE_HOURS[t]]) if rnd.random() > 0.04 else ""
    cap = ""
    if unit[t] and t in CAPACITY and rnd.random() > 0.08:
        lo, hi = CAPACITY[t]
        cap = rnd.randint(lo, hi)
    fa = ""
    if t in AREA and rnd.random() > 0.1:
        lo, hi = AREA[t]
        fa = rnd.randint(lo, hi) // 10 * 10
    phone = "" if t == "公园" else f"0755-8{rnd.randint(1000000, 9999999)}"
    road = names[code].replace("社区", "") + rnd.choice(["路", "街", "大道", "一路", "二路"])
    points.append([t, name, f"示例区{sub}{names[code]}{road}{rnd.randint(1, 299)}号",
                   f"{p[1]:.6f}", f"{p[0]:.6f}", "WGS84", phone, hours, cap, fa,
                   "、".join(items_for(t)), code])


edge_cells = lambda code: any(c in (0, COLS - 1) for c in community_cells[code][:2]) or \
    any(r in (0, ROWS - 1) for r in community_cells[code][2:])
all_comms = [c for s in subs for c in communities[s]]
# About ten communities, most at the district's edge, have no health centre of their own.
no_health = set(rnd.sample([c for c in all_comms if edge_cells(c)], 8) +
                rnd.sample([c for c in all_comms if not edge_cells(c)], 2))
for s in subs:
    sname = names[s]
    comms = communities[s]
    for code in comms:
        cn = names[code]
        base = place(code, 80)
        add("党群服务中心", code, f"{cn}党群服务中心", base)
        vet = place(code, 30, near=base, spread=15)
        add("退役军人服务站", code, f"{cn}退役军人服务站", vet)
        if code not in no_health:
            add("社区健康服务中心", code, f"{cn.replace('社区', '')}社区健康服务中心")
        for i in range(rnd.randint(2, 3)):
            add("幼儿园", code, f"示例区{cn.replace('社区', '')}{'第一第二第三'[2 * i:2 * i + 2]}幼儿园")
        for i in range(rnd.randint(1, 3)):
            add("托育机构", code, f"{cn.replace('社区', '')}托育中心{'甲乙丙'[i]}")
        if rnd.random() < 0.85:
            add("长者饭堂", code, f"{sname}长者饭堂（{cn.replace('社区', '')}站）")
        for i in range(rnd.randint(4, 7)):
            add("公园", code, f"{cn.replace('社区', '')}{PARKS[i]}")
        for i in range(rnd.randint(1, 2)):
            add("图书馆", code, f"示例区图书馆{cn.replace('社区', '')}{'自助分馆' if i else '分馆'}")
        if rnd.random() < 0.8:
            add("残疾人之家", code, f"{cn}残疾人之家")
        if rnd.random() < 0.9:
            add("养老服务中心", code, f"{cn}社区养老服务站")
        if rnd.random() < 0.7:
            add("就业服务站", code, f"{cn}就业服务站")
        if rnd.random() < 0.8:
            add("社会救助服务站", code, f"{cn}社工站")
        if rnd.random() < 0.8:
            add("体育场馆", code, f"{cn}全民健身中心")
        if rnd.random() < 0.95:
            add("政务服务中心", code, f"{cn}便民服务站", place(code, 30, near=base, spread=60))
        if rnd.random() < 0.7:
            add("文化站", code, f"{cn}文化活动中心")
    host = rnd.choice(comms)
    short = sname.replace("街道", "")
    add("政务服务中心", host, f"{sname}便民服务中心")
    add("文化站", rnd.choice(comms), f"{sname}综合文化站")
    add("养老服务中心", rnd.choice(comms), f"{sname}长者服务中心")
    add("就业服务站", rnd.choice(comms), f"{sname}就业服务站")
    add("残疾人之家", rnd.choice(comms), f"{sname}职康中心")
    add("社会救助服务站", rnd.choice(comms), f"{sname}社会救助服务站")
    for i in range(rnd.randint(2, 3)):
        add("小学", rnd.choice(comms), f"示例区{short}{'第一第二第三'[2 * i:2 * i + 2]}小学")
    for i in range(rnd.randint(1, 2)):
        add("中学", rnd.choice(comms), f"示例区{short}{'第一第二'[2 * i:2 * i + 2]}中学")
    for i in range(rnd.randint(2, 4)):
        add("托育机构", rnd.choice(comms), f"{short}普惠托育点{i + 1}")
    for i in range(rnd.randint(4, 6)):
        add("幼儿园", rnd.choice(comms), f"示例区{short}实验幼儿园{i + 1}园")
for i, nm in enumerate(["示例区人民医院", "示例区中医院", "示例区第二人民医院", "示例区中西医结合医院"]):
    add("医院", rnd.choice(all_comms), nm)
add("妇幼保健院", rnd.choice(all_comms), "示例区妇幼保健院")
add("体育场馆", rnd.choice(all_comms), "示例区体育中心")
add("体育场馆", rnd.choice(all_comms), "示例区全民健身中心")
add("养老院", rnd.choice(all_comms), "示例区社会福利中心")
add("养老院", rnd.choice(all_comms), "示例区颐康之家")
add("住房保障服务点", rnd.choice(all_comms), "示例区住房保障服务中心")
add("图书馆", rnd.choice(all_comms), "示例区图书馆")

rnd.shuffle(points)
status = ["正常"] * len(points)
for i in rnd.sample(range(len(points)), 20):
    status[i] = "暂停"
for i in rnd.sample([i for i in range(len(points)) if status[i] == "正常"], 5):
    status[i] = "停用"
with open(os.path.join(OUT, "points.csv"), "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["编码", "名称", "设施类型", "地址", "纬度", "经度", "坐标系", "电话", "开放时间", "容量",
                "建筑面积", "服务事项", "所属社区", "状态", "数据来源"])
    for i, (row, st) in enumerate(zip(points, status)):
        t, name, addr, lat, lng, crs, phone, hours, cap, fa, its, code = row
        w.writerow([f"SP{i + 1:05d}", name, t, addr, lat, lng, crs, phone, hours, cap, fa, its,
                    code, st, DEMO])

# ---------------------------------------------------------------- a sanity check
by_type = {}
for row in points:
    by_type.setdefault(row[0], []).append((float(row[4]), float(row[3])))
km2 = abs(area(district_ring)) * M_PER_DEG * M_PER_DEG * COS / 1e6
print(f"{len(features)} boundaries (district {km2:.1f} km2), {len(site_rows)} sites, {len(points)} points")
residents = sum(p for v in sites_by_comm.values() for _, p in v)
for t, ps in sorted(by_type.items(), key=lambda kv: -len(kv[1])):
    cov = sum(pop for v in sites_by_comm.values() for p, pop in v
              if any(metres(p, q) <= 1000 for q in ps))
    print(f"  {t}: {len(ps)} points, {cov / residents:.1%} of residents within 1000 m")
