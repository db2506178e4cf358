"""Writes the demo district's places in demo/places/, deterministically:
boundaries.geojson (the district, its 10 sub-districts and 90 current communities),
sites.csv (residential sites, 小区, with populations) and points.csv (about 2,100 service
points).

Everything here is 示例 (fictional): the district 示例区 (440399) does not exist. It is drawn
in a box of Shenzhen (about 22.52-22.60 N, 113.96-114.06 E, WGS84) so that maps look like a
city. The geometry comes from one jittered lattice of shared vertices: the district is an
irregular set of lattice cells, sub-districts are contiguous hole-free groups of cells,
communities are contiguous hole-free groups inside their sub-district, and every outline is
traced along cell edges. Neighbouring polygons therefore share byte-identical vertices, and
the communities tile their sub-district and the sub-districts the district with no gap or
overlap. The script checks this (and every ring: closed, simple, counter-clockwise) before it
writes anything, and prints a summary with the share of residents within 1,000 m of each
facility type.

Standard library only. Run from the repository root: python3 data/demo/generate_places.py"""
import csv
import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "places")
DEMO = "示例"
DISTRICT = "440399000000"
SPLIT_OLD, SPLIT_EAST, SPLIT_WEST = "440399003009", "440399003010", "440399003011"

rng = random.Random(4403_2024)

# ---------------------------------------------------------------- inputs


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


REGIONS = read_csv(os.path.join(HERE, "regions.csv"))
NAMES = {r["代码"]: r["名称"] for r in REGIONS}
POP = {r["代码"]: int(r["人数"]) for r in read_csv(os.path.join(HERE, "populations.csv"))
       if r["年份"] == "2024" and r["类型"] == "常住人口"}
SUBS = [r["代码"] for r in REGIONS if r["代码"].startswith("440399") and r["代码"].endswith("000")
        and r["代码"] != DISTRICT]
CURRENT = {s: [r["代码"] for r in REGIONS if r["代码"][:9] == s[:9] and r["代码"] != s
               and not r["终止年份"]] for s in SUBS}
TYPES = {t["名称"]: t for t in read_csv(os.path.join(ROOT, "data", "places", "facility-types.csv"))}
# Items a point may name: version 1 of the demo list less what the adjustment to version 2
# merges away or retires, so every code is in the list the demo publishes last.
with open(os.path.join(HERE, "adjustment-v2.json"), encoding="utf-8") as f:
    GONE = sorted({c for p in json.load(f)["proposals"] if p["decision"] == "accepted"
                   and p["kind"] in ("merge", "retire") for c in p["target_codes"]})
ITEMS = {r["编码"]: r for r in read_csv(os.path.join(HERE, "items-v1.csv")) if r["编码"] not in GONE}

# ---------------------------------------------------------------- the lattice
# Cells of about 380 m x 370 m: 27 x 24 over the box plus two rings of margin cells, so the
# outline can bulge a little beyond the box as well as bite into it. A smooth warp bends
# the lattice lines (it is locally nearly affine, so cells stay convex) and a small random
# jitter roughens them.
SOUTH, NORTH, WEST, EAST = 22.520, 22.600, 113.960, 114.060
CORE_C, CORE_R, MARGIN = 27, 24, 2
DLNG, DLAT = (EAST - WEST) / CORE_C, (NORTH - SOUTH) / CORE_R
COLS, ROWS = CORE_C + 2 * MARGIN, CORE_R + 2 * MARGIN
LNG0, LAT0 = WEST - MARGIN * DLNG, SOUTH - MARGIN * DLAT
TARGET_CELLS = 630            # about 90 km2
JITTER = 0.16                 # of a cell
WARP = 0.55                   # of a cell, over wavelengths of 7 to 13 cells
M_PER_DEG = 6371008.8 * math.pi / 180
LAT_C, LNG_C = (SOUTH + NORTH) / 2, (WEST + EAST) / 2
COS = math.cos(math.radians(LAT_C))


def nbrs(cell):
    c, r = cell
    return ((c + 1, r), (c - 1, r), (c, r + 1), (c, r - 1))


def connected(cells):
    cells = set(cells)
    if not cells:
        return False
    start = min(cells)
    seen, todo = {start}, [start]
    while todo:
        for n in nbrs(todo.pop()):
            if n in cells and n not in seen:
                seen.add(n)
                todo.append(n)
    return len(seen) == len(cells)


def pinch_free(label):
    """No lattice vertex where a group touches itself only diagonally (the outline would
    visit that vertex twice). `label` maps cells to a group; absent cells are outside."""
    for i in range(COLS + 1):
        for j in range(ROWS + 1):
            a, b = label.get((i - 1, j - 1)), label.get((i, j - 1))
            c, d = label.get((i - 1, j)), label.get((i, j))
            if (a == d and b != a and c != a) or (b == c and a != b and d != b):
                return False
    return True


def outline(cells):
    """The boundary loops of a set of cells, counter-clockwise, as lattice vertex indices."""
    cells = set(cells)
    nxt = {}
    for (c, r) in sorted(cells):
        for side, (p, q) in (((c, r - 1), ((c, r), (c + 1, r))),
                             ((c + 1, r), ((c + 1, r), (c + 1, r + 1))),
                             ((c, r + 1), ((c + 1, r + 1), (c, r + 1))),
                             ((c - 1, r), ((c, r + 1), (c, r)))):
            if side not in cells:
                assert p not in nxt, "pinched outline"
                nxt[p] = q
    loops = []
    while nxt:
        start = min(nxt, key=lambda v: (v[1], v[0]))   # the southernmost, then westernmost
        loop, v = [start], nxt.pop(start)
        while v != start:
            loop.append(v)
            v = nxt.pop(v)
        loops.append(loop)
    return loops


def district_cells():
    """An irregular outline: a squarish super-ellipse whose radius wobbles with the angle,
    tuned to about TARGET_CELLS cells, smoothed (no one-cell notches or spurs), hole-free
    and without pinches."""
    for _ in range(200):
        waves = [(k, rng.uniform(0.03, 0.07), rng.uniform(0, 2 * math.pi)) for k in (2, 3, 4, 5, 7)]

        def cells_for(r0):
            out = []
            for c in range(COLS):
                for r in range(ROWS):
                    u = (LNG0 + (c + 0.5) * DLNG - LNG_C) / ((EAST - WEST) / 2)
                    v = (LAT0 + (r + 0.5) * DLAT - LAT_C) / ((NORTH - SOUTH) / 2)
                    t = math.atan2(v, u)
                    rad = r0 + sum(a * math.sin(k * t + p) for k, a, p in waves)
                    if (abs(u) ** 3 + abs(v) ** 3) ** (1 / 3) < rad:
                        out.append((c, r))
            for _ in range(3):
                cells = set(out)
                grid = [(c, r) for c in range(COLS) for r in range(ROWS)]
                add = [x for x in grid if x not in cells and sum(n in cells for n in nbrs(x)) >= 3]
                cut = [x for x in grid if x in cells and sum(n in cells for n in nbrs(x)) <= 1]
                out = sorted((cells | set(add)) - set(cut))
            return out
        lo, hi = 0.8, 1.2
        for _ in range(40):
            mid = (lo + hi) / 2
            if len(cells_for(mid)) < TARGET_CELLS:
                lo = mid
            else:
                hi = mid
        cells = cells_for(hi)
        inside = set(cells)
        outside = {(c, r) for c in range(-1, COLS + 1) for r in range(-1, ROWS + 1)} - inside
        if (connected(cells) and connected(outside) and pinch_free({x: 1 for x in cells})
                and abs(len(cells) - TARGET_CELLS) <= 6):
            return sorted(cells)
    raise SystemExit("no district outline")


def partition(cells, weights, min_sizes, attempts=400):
    """Split `cells` into len(weights) contiguous, hole-free groups of about the weighted
    sizes: k-means seeds (numbered west to east within north-to-south bands), then balanced
    growth that prefers compact shapes. Group n gets weights[n]."""
    k, cells = len(weights), sorted(cells)
    total = len(cells)
    for _ in range(attempts):
        cent = [tuple(map(float, x)) for x in rng.sample(cells, k)]
        for _ in range(12):
            groups = [[] for _ in range(k)]
            for x in cells:
                n = min(range(k), key=lambda g: (x[0] - cent[g][0]) ** 2 + (x[1] - cent[g][1]) ** 2)
                groups[n].append(x)
            cent = [(sum(x[0] for x in g) / len(g), sum(x[1] for x in g) / len(g)) if g
                    else tuple(map(float, rng.choice(cells))) for g in groups]
        band = max(1.0, math.sqrt(total / k) * 1.2)
        cent.sort(key=lambda p: (-int(p[1] / band), p[0]))
        seeds = []
        for p in cent:
            s = min((x for x in cells if x not in seeds),
                    key=lambda x: (x[0] - p[0]) ** 2 + (x[1] - p[1]) ** 2)
            seeds.append(s)
        target = [w / sum(weights) * total for w in weights]
        owner = {s: n for n, s in enumerate(seeds)}
        members = [[s] for s in seeds]
        free = set(cells) - set(seeds)
        while free:
            grew = False
            for n in sorted(range(k), key=lambda g: (len(members[g]) / target[g], g)):
                front = sorted({y for x in members[n] for y in nbrs(x) if y in free})
                if not front:
                    continue
                cx = sum(x[0] for x in members[n]) / len(members[n])
                cy = sum(x[1] for x in members[n]) / len(members[n])
                scale = math.sqrt(target[n])

                def score(y):
                    touch = sum(1 for z in nbrs(y) if owner.get(z) == n)
                    dist = math.hypot(y[0] - cx, y[1] - cy) / scale
                    return touch - 1.0 * dist + rng.random() * 1.6
                best = max(front, key=score)
                owner[best] = n
                members[n].append(best)
                free.discard(best)
                grew = True
                break
            assert grew, "a free cell no group can reach"
        if any(len(m) < lo for m, lo in zip(members, min_sizes)):
            continue
        if not pinch_free(owner) or any(len(outline(m)) != 1 for m in members):
            continue
        return [sorted(m) for m in members]
    raise SystemExit("no partition found")


def vertices():
    waves = [[(rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(7, 13), rng.uniform(0, 2 * math.pi))
              for _ in range(3)] for _ in range(2)]

    def warp(i, j, k):
        out = 0.0
        for a, b, wl, ph in waves[k]:
            n = math.hypot(a, b)
            out += math.sin(2 * math.pi * (a * i + b * j) / (n * wl) + ph)
        return WARP * out / math.sqrt(3)
    v = {}
    for i in range(COLS + 1):
        for j in range(ROWS + 1):
            jx = warp(i, j, 0) + rng.uniform(-JITTER, JITTER)
            jy = warp(i, j, 1) + rng.uniform(-JITTER, JITTER)
            v[i, j] = (round(LNG0 + (i + jx) * DLNG, 6), round(LAT0 + (j + jy) * DLAT, 6))
    return v


# ---------------------------------------------------------------- exact checks on rings
def fixed(p):
    return (round(p[0] * 1e6), round(p[1] * 1e6))


def area2(ring):
    """Twice the signed area in (microdegree)^2, exact; positive = counter-clockwise."""
    q = [fixed(p) for p in ring]
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(q, q[1:]))


def orient(a, b, c):
    v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    return (v > 0) - (v < 0)


def on_box(a, b, p):
    return min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])


def meet(a, b, c, d):
    """Whether segments ab and cd share any point (touching included)."""
    d1, d2, d3, d4 = orient(c, d, a), orient(c, d, b), orient(a, b, c), orient(a, b, d)
    if d1 * d2 < 0 and d3 * d4 < 0:
        return True
    return ((d1 == 0 and on_box(c, d, a)) or (d2 == 0 and on_box(c, d, b))
            or (d3 == 0 and on_box(a, b, c)) or (d4 == 0 and on_box(a, b, d)))


def check_ring(ring, what):
    assert len(ring) >= 4 and ring[0] == ring[-1], f"{what}: not closed"
    q = [fixed(p) for p in ring]
    n = len(q) - 1
    assert all(q[i] != q[i + 1] for i in range(n)), f"{what}: repeated vertex"
    assert len(set(q[:-1])) == n, f"{what}: a vertex visited twice"
    for x in range(n):
        a, b = q[x], q[x + 1]
        # Adjacent edges only share their vertex: they must not fold back.
        c = q[(x + 2) % n]
        assert not (orient(a, b, c) == 0 and (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1]) < 0), \
            f"{what}: folds back at {ring[x + 1]}"
        for y in range(x + 2, n):
            if x == 0 and y == n - 1:
                continue
            assert not meet(a, b, q[y], q[y + 1]), f"{what}: edges {x} and {y} meet"
    assert area2(ring) > 0, f"{what}: not counter-clockwise"


def edges_of(loop):
    return [(loop[i], loop[(i + 1) % len(loop)]) for i in range(len(loop))]


def tiles(parts, whole, what):
    """The directed edges of the parts, less those shared (once each way) by two parts, are
    exactly the edges of the whole: no gap, no overlap."""
    count = {}
    for loop in parts:
        for e in edges_of(loop):
            count[e] = count.get(e, 0) + 1
    assert all(v == 1 for v in count.values()), f"{what}: an edge used twice the same way"
    rest = {e for e in count if (e[1], e[0]) not in count}
    assert rest == set(edges_of(whole)), f"{what}: the parts do not tile the whole"


# ---------------------------------------------------------------- metric helpers
def xy(p):
    return ((p[0] - LNG_C) * M_PER_DEG * COS, (p[1] - LAT_C) * M_PER_DEG)


def metres(a, b):
    ax, ay = xy(a)
    bx, by = xy(b)
    return math.hypot(ax - bx, ay - by)


def inside(ring, p):
    x, y = p
    res = False
    for a, b in zip(ring, ring[1:]):
        if (a[1] > y) != (b[1] > y) and x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0]:
            res = not res
    return res


def edge_distance(ring_xy, p):
    px, py = xy(p)
    best = float("inf")
    for (ax, ay), (bx, by) in zip(ring_xy, ring_xy[1:]):
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
        best = min(best, math.hypot(px - ax - t * dx, py - ay - t * dy))
    return best


# ---------------------------------------------------------------- geometry
def build_geometry():
    dcells = district_cells()
    subs_cells = partition(dcells, [len(CURRENT[s]) for s in SUBS], [40] * len(SUBS))
    comm_cells = {}
    for s, cells in zip(SUBS, subs_cells):
        # The lattice community of 星坊 stands for both its successors and is split below.
        codes = [c for c in CURRENT[s] if c not in (SPLIT_EAST, SPLIT_WEST)]
        if SPLIT_EAST in CURRENT[s]:
            codes.append(SPLIT_OLD)
        codes.sort()
        weights = [1.7 if c == SPLIT_OLD else rng.uniform(0.7, 1.4) for c in codes]
        groups = partition(cells, weights, [8 if c == SPLIT_OLD else 3 for c in codes])
        for c, g in zip(codes, groups):
            comm_cells[c] = g
    old = comm_cells.pop(SPLIT_OLD)
    a, b = partition(old, [1, 1], [3, 3])
    east, west = (a, b) if sum(x[0] for x in a) / len(a) > sum(x[0] for x in b) / len(b) else (b, a)
    comm_cells[SPLIT_EAST], comm_cells[SPLIT_WEST] = east, west
    label = {x: c for c, cells in comm_cells.items() for x in cells}
    assert pinch_free(label), "community outlines pinch"
    V = vertices()
    for c in range(COLS):     # every cell a convex counter-clockwise quad
        for r in range(ROWS):
            q = [V[c, r], V[c + 1, r], V[c + 1, r + 1], V[c, r + 1]]
            assert all(orient(fixed(q[i]), fixed(q[(i + 1) % 4]), fixed(q[(i + 2) % 4])) > 0
                       for i in range(4)), "a jittered cell is not convex"

    loops = {DISTRICT: outline(dcells)}
    for s, cells in zip(SUBS, subs_cells):
        loops[s] = outline(cells)
    for code, cells in comm_cells.items():
        loops[code] = outline(cells)
    for code, ls in loops.items():
        assert len(ls) == 1, f"{code} is not one hole-free polygon"
        loops[code] = ls[0]
    comms = [c for s in SUBS for c in CURRENT[s]]
    for s in SUBS:
        tiles([loops[c] for c in CURRENT[s]], loops[s], s)
    tiles([loops[s] for s in SUBS], loops[DISTRICT], "sub-districts")
    tiles([loops[c] for c in comms], loops[DISTRICT], "communities")

    rings = {code: [V[v] for v in loop] + [V[loop[0]]] for code, loop in loops.items()}
    for code, ring in rings.items():
        check_ring(ring, f"{code} {NAMES[code]}")
    whole = area2(rings[DISTRICT])
    total = sum(area2(rings[c]) for c in comms)
    assert abs(total - whole) <= 1e-9 * whole, "community areas do not add up to the district"
    for s in SUBS:
        assert sum(area2(rings[c]) for c in CURRENT[s]) == area2(rings[s]), s
    # Communities on the district's edge: they share an edge with its outline.
    outer = set(edges_of(loops[DISTRICT]))
    edge = {c for c in comms if outer & set(edges_of(loops[c]))}
    return rings, edge


def km2(ring):
    return area2(ring) / 2 / 1e12 * M_PER_DEG * M_PER_DEG * COS / 1e6


def write_boundaries(rings):
    feats = [(DISTRICT, "district")] + [(s, "subdistrict") for s in SUBS] + \
        [(c, "community") for s in SUBS for c in CURRENT[s]]
    lines = []
    for code, level in feats:
        f = {"type": "Feature",
             "properties": {"code": code, "name": NAMES[code], "level": level, "source": DEMO},
             "geometry": {"type": "Polygon", "coordinates": [[[p[0], p[1]] for p in rings[code]]]}}
        lines.append(json.dumps(f, ensure_ascii=False, separators=(",", ":")))
    with open(os.path.join(OUT, "boundaries.geojson"), "w", encoding="utf-8", newline="\n") as f:
        f.write('{"type":"FeatureCollection","features":[\n')
        f.write(",\n".join(lines))
        f.write("\n]}\n")
    return len(feats)


# ---------------------------------------------------------------- placing things
class Community:
    def __init__(self, code, ring):
        self.code = code
        self.ring = ring
        self.ring_xy = [xy(p) for p in ring]
        self.lng = (min(p[0] for p in ring), max(p[0] for p in ring))
        self.lat = (min(p[1] for p in ring), max(p[1] for p in ring))
        self.taken = []          # positions of points already placed here

    def place(self, margin=30, near=None, spread=150, sep=25, tries=800):
        """A position inside the community, at least `margin` m from its edges and `sep` m
        from points placed before (halved while the community is too full for it); near
        `near` (a Gaussian of `spread` m) when given."""
        while True:
            p = self.try_place(margin, near, spread, sep, tries)
            if p or sep < 1:
                break
            sep /= 2
        if not p:
            raise SystemExit(f"cannot place a point in {self.code}")
        self.taken.append(p)
        return p

    def try_place(self, margin, near, spread, sep, tries):
        for n in range(tries):
            if near and n < tries // 2:
                a = rng.uniform(0, 2 * math.pi)
                d = abs(rng.gauss(0, spread))
                p = (near[0] + d * math.cos(a) / (M_PER_DEG * COS), near[1] + d * math.sin(a) / M_PER_DEG)
            else:
                p = (rng.uniform(*self.lng), rng.uniform(*self.lat))
            p = (round(p[0], 6), round(p[1], 6))
            if (inside(self.ring, p) and edge_distance(self.ring_xy, p) >= margin
                    and all(metres(p, q) >= sep for q in self.taken)):
                return p
        return None


def base(code):
    return NAMES[code][:-2] if NAMES[code].endswith("社区") else NAMES[code]


# Syllables for invented estate names; no real Shenzhen place or developer brand is meant.
STEM_A = "翠锦华景悦嘉瑞祥和康泰富盛雅逸怡朗润丰安宁福明鸿碧银玉宝新兴昌德春秋晴"
STEM_B = "华景悦和康泰润丰安宁逸雅怡馨秀茂晖苑林庭湾峰源泉阳"
SITE_SUFFIX = ["花园", "苑", "雅居", "新村", "家园", "公馆", "华庭", "名苑", "小区", "大厦", "山庄",
               "嘉园", "府", "里", "雅苑", "豪庭", "新城", "居"]
AVOID = {"华景", "福华", "康和", "新安", "翠华", "银华", "宝安", "丰泽", "安宁", "怡景", "锦华", "碧华",
         "春华", "秋实", "明华", "新华", "德兴", "泰华", "瑞和", "祥和"}


def site_rows():
    rows, sites, used = [], {}, set()
    n = 0
    for s in SUBS:
        for code in CURRENT[s]:
            cm = COMM[code]
            k = rng.randint(8, 14)
            centres = [cm.place(120, sep=150) for _ in range(rng.choice((2, 2, 3)))]
            cm.taken = []
            weights = [rng.lognormvariate(0, 0.45) for _ in range(k)]
            pop = POP[code]
            raw = [pop * w / sum(weights) for w in weights]
            shares = [int(x) for x in raw]
            for i in sorted(range(k), key=lambda i: (shares[i] - raw[i], i))[:pop - sum(shares)]:
                shares[i] += 1
            assert sum(shares) == pop and min(shares) > 0
            for i in range(k):
                while True:
                    if i == 0:
                        name = base(code) + rng.choice(["花园", "苑", "新村", "家园"])
                    else:
                        stem = rng.choice(STEM_A) + rng.choice(STEM_B)
                        if stem[0] == stem[1] or stem in AVOID:
                            continue
                        name = stem + rng.choice(SITE_SUFFIX)
                    if name not in used:
                        break
                used.add(name)
                p = cm.place(30, near=rng.choice(centres), spread=rng.uniform(150, 260), sep=60)
                n += 1
                rows.append([f"RS{n:04d}", name, f"{p[1]:.6f}", f"{p[0]:.6f}", shares[i], code, DEMO])
                sites.setdefault(code, []).append((p, shares[i], name))
    # The positions of sites do not block facilities: a 社康 may stand inside an estate.
    for cm in COMM.values():
        cm.taken = []
    with open(os.path.join(OUT, "sites.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["编码", "名称", "纬度", "经度", "人口", "所属社区", "数据来源"])
        w.writerows(rows)
    return rows, sites


# ---------------------------------------------------------------- service points
GOV = ["Mo-Fr 08:30-12:00,14:00-17:30; PH off", "周一至周五 08:30-12:00,14:00-17:30"]
CULTURE = ["周二至周日 09:00-21:00，法定节假日休息", "Mo-Sa 09:00-21:00; Su 09:00-17:00; PH off"]
CARE = ["Mo-Fr 08:00-17:00; Sa 08:00-12:00; PH off"]
HOURS = {"社区健康服务中心": ["Mo-Su 08:00-21:00"], "医院": ["24/7"], "妇幼保健院": ["24/7"],
         "托育机构": CARE, "幼儿园": CARE, "小学": ["周一至周五 08:30-12:00,14:00-17:30"],
         "中学": ["周一至周五 08:30-12:00,14:00-17:30"], "养老服务中心": ["Mo-Su 08:00-21:00"],
         "长者饭堂": ["Mo-Su 08:00-21:00"], "养老院": ["24/7"], "党群服务中心": GOV,
         "政务服务中心": GOV, "就业服务站": GOV, "图书馆": CULTURE, "文化站": CULTURE,
         "体育场馆": ["每天 06:00-22:00", "Mo-Sa 09:00-21:00; Su 09:00-17:00; PH off"],
         "公园": ["每天 06:00-22:00", "24/7"], "退役军人服务站": GOV,
         "残疾人之家": CARE + GOV[:1], "社会救助服务站": GOV, "住房保障服务点": GOV}

# Items per type: (always, sometimes). Every code's 领域 is one of the type's 服务领域 (or
# of EXTRA_AREAS: a 社康 also vaccinates children and sees pregnant women, items of 幼有所育),
# and an item limited to some sub-districts (实施区域) is only named at points inside them.
EXTRA_AREAS = {"社区健康服务中心": ["幼有所育"]}
ITEM_POOLS = {
    "社区健康服务中心": (["N1001", "N1005", "N0203"],
                  ["N0102", "N0103", "N0202", "N0204", "N1002", "N1004", "N1006", "N1007", "N1009",
                   "L1001", "L0101", "L1003", "L1002", "L1004"]),
    "医院": (["N1003"], ["N1002", "N1004", "N1006", "N1007", "N1008", "L1001", "L1003"]),
    "妇幼保健院": (["N0102", "N0201"], ["N0103", "N0202", "N0204", "L0101", "L1003"]),
    "托育机构": (["L0202"], ["L0201", "N0202"]),
    "幼儿园": (["N0401"], ["L0401", "R0401"]),
    "小学": (["N0501", "N0502"], ["N0503", "N0505", "L0501", "L0502", "L0503"]),
    "中学": (["N0501", "N0502"], ["N0503", "N0505", "L0503", "N0601", "N0602"]),
    "养老服务中心": (["N1302"], ["N1301", "N1304", "L1302", "L1303", "L1304", "L1305"]),
    "长者饭堂": (["L1301"], ["N1302"]),
    "养老院": (["N1303"], ["N1302", "N1304", "L1302"]),
    "党群服务中心": ([], ["N2101", "N2106", "L2102", "N2202", "L2001"]),
    "政务服务中心": (["N0803"], ["N0901", "N0902", "N1501", "N1502", "L1501", "L1502", "N1701", "N1703",
                          "N1704", "N1801", "N1802", "L1801", "L1802", "N1901"]),
    "就业服务站": (["N0801"], ["N0802", "N0803", "N0804", "N0805", "N0806", "L0802", "L0803"]),
    "图书馆": (["N2106"], ["N2101", "R2101", "L2102"]),
    "文化站": (["N2101"], ["R2101", "L2102", "L2104", "N2102", "N2105", "N2106"]),
    "体育场馆": (["N2201"], ["R2201", "N2202", "L2202"]),
    "公园": ([], ["L2201", "N2202"]),
    "退役军人服务站": (["L2001"], ["N2001", "N2002", "N2003", "N2005", "L2002", "R2001"]),
    "残疾人之家": (["L1901"], ["N1901", "N1902", "N1903", "N1904", "L1902", "R1902"]),
    "社会救助服务站": (["N1701"], ["N1702", "N1703", "N1704", "L1701", "R1702", "R1703", "N1802"]),
    "住房保障服务点": (["N1501"], ["N1502", "R1501", "L1501", "L1502", "N1602", "L1601"]),
}
# Kinds of park, with their site area in m2.
PARKS = [("公园", 30000, 120000), ("口袋公园", 1500, 8000), ("街心公园", 3000, 15000),
         ("体育公园", 20000, 60000), ("滨水公园", 15000, 80000), ("儿童公园", 5000, 20000)]


def allowed(code, sub):
    reg = ITEMS[code]["实施区域"]
    return not reg or sub in reg.split("、")


def items_for(t, sub, few=False):
    always, some = ITEM_POOLS[t]
    pick = [c for c in always if allowed(c, sub)]
    pool = [c for c in some if allowed(c, sub)]
    want = rng.randint(0, 2) if few else rng.randint(max(0, 2 - len(pick)), max(2, 8 - len(pick)))
    pick += rng.sample(pool, min(len(pool), want))
    for c in pick:
        assert ITEMS[c]["领域"] in TYPES[t]["服务领域"].split("|") + EXTRA_AREAS.get(t, []), (t, c)
    return "、".join(sorted(pick))


def rint(lo, hi, step=10):
    return rng.randint(lo // step, hi // step) * step


class Points:
    def __init__(self):
        self.rows = []
        self.names = set()
        self.phones = set()
        self.roads = {}

    def phone(self):
        while True:
            p = f"0755-8{rng.randint(0, 9999999):07d}"
            if p not in self.phones:
                self.phones.add(p)
                return p

    def address(self, code):
        if code not in self.roads:
            b = base(code)
            kinds = rng.sample(["路", "街", "一路", "二路", "大道", "南路", "北路"], 3)
            self.roads[code] = [b + k for k in kinds]
        sub = code[:9] + "000"
        return f"示例区{NAMES[sub]}{NAMES[code]}{rng.choice(self.roads[code])}{rng.randint(1, 399)}号"

    def add(self, t, code, name, at, cap=None, floor=None, hours=None, phone=True, items=None,
            level="community"):
        assert name not in self.names, name
        self.names.add(name)
        unit = TYPES[t]["容量单位"]
        assert (cap is None) or unit, (t, cap)
        if hours is None:
            # About 3% unknown, never for the hospitals, 社康 and care homes.
            known = t in ("医院", "妇幼保健院", "养老院", "社区健康服务中心") or rng.random() > 0.03
            hours = rng.choice(HOURS[t]) if known else ""
        sub = code[:9] + "000"
        self.rows.append({
            "名称": name, "设施类型": t, "地址": self.address(code),
            "纬度": f"{at[1]:.6f}", "经度": f"{at[0]:.6f}", "坐标系": "WGS84",
            "电话": (phone if isinstance(phone, str) else self.phone()) if phone else "",
            "开放时间": hours, "容量": "" if cap is None else str(cap),
            "建筑面积": "" if floor is None else str(floor),
            "服务事项": items_for(t, sub) if items is None else items,
            "所属社区": code, "状态": "正常", "数据来源": DEMO, "_level": level, "_at": at})
        return self.rows[-1]


def centre_of(sites):
    tot = sum(p for _, p, _ in sites)
    return (sum(x[0] * p for x, p, _ in sites) / tot, sum(x[1] * p for x, p, _ in sites) / tot)


def community_points(P, code, sites, health, park_taken, libraries_taken):
    cm, b, cn = COMM[code], base(code), NAMES[code]
    sub = code[:9] + "000"
    sname = NAMES[sub]
    heart = centre_of(sites)
    # The 党群服务中心, with the 退役军人服务站 in the same building (within 20 m) and the
    # community's service station next door.
    party = P.add("党群服务中心", code, f"{cn}党群服务中心", cm.place(60, near=heart, spread=200),
                  floor=rint(400, 1500))
    vet = cm.place(30, near=party["_at"], spread=8, sep=0)
    while metres(vet, party["_at"]) > 20:
        cm.taken.pop()
        vet = cm.place(30, near=party["_at"], spread=8, sep=0)
    P.add("退役军人服务站", code, f"{cn}退役军人服务站", vet, floor=rint(40, 200),
          phone=party["电话"] if rng.random() < 0.5 else True)
    P.add("政务服务中心", code, f"{cn}便民服务站", cm.place(30, near=party["_at"], spread=60),
          cap=rng.randint(2, 6), floor=rint(150, 600), items=items_for("政务服务中心", sub, few=True))
    if health:
        P.add("社区健康服务中心", code, f"{cn}健康服务中心", health,
              cap=rng.randint(0, 20) if rng.random() < 0.6 else None, floor=rint(1000, 2500))
    ordered = sorted(sites, key=lambda s: s[2])
    homes = rng.sample(ordered, min(len(ordered), 5))
    for i in range(rng.choices([1, 2, 3], [1, 2, 6])[0]):
        p, _, nm = homes[i]
        P.add("幼儿园", code, f"示例区{nm}幼儿园", cm.place(40, near=p, spread=120),
              cap=30 * rng.randint(6, 18), floor=rint(2500, 7000))
    for i in range(rng.choices([0, 1, 2], [1, 2, 3])[0]):
        if i == 0:
            nm, cap, fl = f"{b}社区托育中心", rng.randint(60, 150), rint(600, 1500)
        else:
            nm, cap, fl = f"{homes[3][2]}托育园", rng.randint(20, 60), rint(300, 600)
        P.add("托育机构", code, nm, cm.place(30, near=heart, spread=300), cap=cap, floor=fl)
    if rng.random() < 0.92:
        P.add("长者饭堂", code, f"{sname}长者饭堂（{b}站）", cm.place(30, near=heart, spread=250),
              cap=rng.randint(40, 120), floor=rint(150, 500))
    # Two to six parks, counting the sub-district's large park if it stands here.
    parks = rng.sample(PARKS, rng.choices([2, 3, 4, 5, 6], [1, 2, 3, 4, 3])[0] - park_taken)
    for kind, lo, hi in parks:
        P.add("公园", code, f"{b}{kind}", cm.place(60, sep=120),
              floor=rint(lo, hi, 100) if rng.random() < 0.7 else None, phone=False,
              items=items_for("公园", sub, few=True))
    # At most two libraries a community, counting the district's and sub-district's here.
    for i in range(max(0, rng.choices([0, 1, 2], [1, 2, 3])[0] - libraries_taken)):
        if i == 0:
            P.add("图书馆", code, f"{b}社区图书馆", cm.place(30, near=party["_at"], spread=150),
                  cap=rng.randint(30, 120), floor=rint(200, 1000))
        else:
            P.add("图书馆", code, f"{b}24小时自助图书馆", cm.place(30, near=heart, spread=300),
                  floor=rng.randint(10, 30), hours="24/7")
    # Small stations: most communities have them, a few do not.
    if rng.random() < 0.95:
        nm = f"{cn}养老服务站" if rng.random() < 0.7 else f"{cn}日间照料中心"
        P.add("养老服务中心", code, nm, cm.place(30, near=heart, spread=250),
              cap=rng.randint(20, 40), floor=rint(300, 1000))
    if rng.random() < 0.5:
        p, _, nm = homes[4]
        P.add("养老服务中心", code, f"{nm}长者服务站", cm.place(30, near=p, spread=120),
              cap=rng.randint(20, 30), floor=rint(150, 400))
    if rng.random() < 0.95:
        P.add("社会救助服务站", code, f"{cn}社工站", cm.place(30, near=party["_at"], spread=100),
              floor=rint(40, 150))
    if rng.random() < 0.95:
        P.add("文化站", code, f"{cn}文化活动室", cm.place(30, near=party["_at"], spread=150),
              cap=rng.randint(30, 80), floor=rint(100, 400))
    if rng.random() < 0.75:
        P.add("就业服务站", code, f"{cn}就业服务站", cm.place(30, near=party["_at"], spread=150),
              floor=rint(40, 200))
    # Rest stops for couriers and riders (新就业形态劳动者驿站), one to two in most communities.
    for i in range(rng.choices([0, 1, 2], [1, 2, 2])[0]):
        P.add("就业服务站", code, f"{sname}新就业形态劳动者驿站（{b}{'一二'[i]}号）", cm.place(30),
              floor=rng.randint(20, 80), hours=rng.choice(["24/7", "每天 06:00-22:00"]), items="L0801")
    if rng.random() < 0.7:
        P.add("残疾人之家", code, f"{cn}残疾人康复站", cm.place(30, near=heart, spread=300),
              cap=rng.randint(10, 30), floor=rint(100, 300))


def subdistrict_points(P, s, counts, branch):
    comms = CURRENT[s]
    sname, short = NAMES[s], NAMES[s][:-2]
    host = lambda: rng.choice(comms)
    # The sub-district's centres, one of each.
    hall = host()
    P.add("政务服务中心", hall, f"{sname}政务服务中心", COMM[hall].place(60), cap=rng.randint(12, 40),
          floor=rint(2000, 6000), level="subdistrict")
    for t, nm, cap, fl in (("文化站", "综合文化站", (200, 500), (2000, 6000)),
                           ("养老服务中心", "长者服务中心", (20, 60), (1500, 4000)),
                           ("就业服务站", "就业服务站", None, (200, 800)),
                           ("残疾人之家", "残疾人之家", (30, 60), (400, 1200)),
                           ("社会救助服务站", "社会救助服务站", None, (100, 400))):
        c = host()
        P.add(t, c, f"{sname}{nm}", COMM[c].place(40), cap=rng.randint(*cap) if cap else None,
              floor=rint(*fl), level="subdistrict")
    # Schools: the sub-district's schools stand in different communities.
    for c in rng.sample(comms, rng.randint(6, 8)):
        P.add("小学", c, f"示例区{base(c)}小学", COMM[c].place(60, sep=80), cap=45 * rng.randint(24, 60),
              floor=rint(8000, 30000), level="subdistrict")
    for i, c in enumerate(rng.sample(comms, rng.randint(3, 5))):
        nm = f"示例区{base(c)}中学" if i else f"示例区{short}中学"
        P.add("中学", c, nm, COMM[c].place(60, sep=80), cap=50 * rng.randint(24, 48),
              floor=rint(12000, 30000), level="subdistrict")
    # A branch of the district library and a large park, in communities with room for them.
    c = branch
    assert counts[c, "图书馆"] < 2
    P.add("图书馆", c, f"示例区图书馆{short}分馆", COMM[c].place(40), cap=rng.randint(150, 400),
          floor=rint(1500, 5000), level="subdistrict")
    assert counts[c, "公园"] < 6
    P.add("公园", c, f"{short}{rng.choice(['山', '湿地', '中央', '文化'])}公园", COMM[c].place(120, sep=150),
          floor=rint(100000, 600000, 1000), phone=False, level="subdistrict")


def district_points(P, library):
    comms = [c for s in SUBS for c in CURRENT[s]]
    host = lambda: rng.choice(comms)
    for nm in ["示例区人民医院", "示例区中医院", "示例区第二人民医院", "示例区中西医结合医院"][:rng.randint(3, 4)]:
        c = host()
        P.add("医院", c, nm, COMM[c].place(80, sep=100), cap=rint(300, 1500), floor=rint(40000, 150000, 100),
              level="district")
    for t, nm, cap, fl in (("妇幼保健院", "示例区妇幼保健院", (150, 400), (20000, 50000)),
                           ("体育场馆", "示例区体育中心", (8000, 20000), (30000, 80000)),
                           ("体育场馆", "示例区全民健身中心", (800, 2000), (8000, 20000)),
                           ("养老院", "示例区社会福利中心", (300, 600), (12000, 25000)),
                           ("养老院", "示例区颐康院", (200, 400), (8000, 15000)),
                           ("住房保障服务点", "示例区住房保障服务中心", None, (300, 1000)),
                           ("政务服务中心", "示例区政务服务中心", (80, 150), (10000, 20000)),
                           ("文化站", "示例区文化馆", (600, 1200), (6000, 15000))):
        c = host()
        P.add(t, c, nm, COMM[c].place(80, sep=100), cap=rng.randint(*cap) if cap else None,
              floor=rint(*fl, 100), level="district")
    c = library
    P.add("图书馆", c, "示例区图书馆", COMM[c].place(80, sep=100), cap=rng.randint(800, 1500),
          floor=rint(15000, 30000, 100), level="district")


def coverage(points, sites, t, walk=1000.0):
    fac = [p["_at"] for p in points if p["设施类型"] == t and p["状态"] != "停用"]
    tot = cov = 0
    for ss in sites.values():
        for at, pop, _ in ss:
            tot += pop
            if any(metres(at, q) <= walk for q in fac):
                cov += pop
    return cov / tot


def choose_no_health(sites, edge):
    """Where each community's 社康 stands, and the ten communities that have none: eight on
    the district's edge, chosen one by one as the community whose 社康 alone serves the
    most residents (so its absence leaves a real gap), and two inside, drawn at random."""
    comms = [c for s in SUBS for c in CURRENT[s]]
    pos = {c: COMM[c].place(40, near=centre_of(sites[c]), spread=250) for c in comms}
    # For every site, the communities whose 社康 is within 1,000 m of it.
    reach = [(pop, {c for c in comms if metres(at, pos[c]) <= 1000})
             for k in comms for at, pop, _ in sites[k]]

    def lost(without):
        return sum(pop for pop, by in reach if by <= without)
    chosen = set()
    for _ in range(8):
        pick = max(sorted(edge - chosen), key=lambda c: lost(chosen | {c}))
        chosen.add(pick)
    chosen |= set(rng.sample(sorted(c for c in comms if c not in edge), 2))
    for c in sorted(chosen):
        COMM[c].taken.remove(pos[c])
        del pos[c]
    return pos, chosen


def service_points(sites, edge):
    health, no_health = choose_no_health(sites, edge)
    P = Points()
    comms = [c for s in SUBS for c in CURRENT[s]]
    library = rng.choice(comms)
    district_points(P, library)
    counts = {}
    for s in SUBS:
        start = len(P.rows)
        branch = rng.choice([c for c in CURRENT[s] if c != library])
        for c in CURRENT[s]:
            community_points(P, c, sites[c], health.get(c), int(c == branch),
                             int(c == branch) + int(c == library))
        for r in P.rows[start:]:
            counts[r["所属社区"], r["设施类型"]] = counts.get((r["所属社区"], r["设施类型"]), 0) + 1
        for c in CURRENT[s]:
            for t in TYPES:
                counts.setdefault((c, t), 0)
        subdistrict_points(P, s, counts, branch)
    gaps = [(c, at, pop) for c in comms for at, pop, _ in sites[c]
            if all(metres(at, q) > 1000 for q in health.values())]
    share = coverage(P.rows, sites, "社区健康服务中心")
    assert 0.8 <= share <= 0.97 and sum(1 for c, _, _ in gaps if c in edge) >= 8, share
    return P, no_health, gaps


# The department that runs each type of point (主管部门): its editors maintain the points.
# 党群服务中心 and 政务服务中心 are run by the sub-district offices, which have no editor
# account in the demo, so they stay with the administrator.
DEPARTMENT_OF_TYPE = {
    "中学": "区教育局", "小学": "区教育局", "幼儿园": "区教育局",
    "医院": "区卫生健康局", "妇幼保健院": "区卫生健康局", "社区健康服务中心": "区卫生健康局",
    "托育机构": "区卫生健康局",
    "养老服务中心": "区民政局", "养老院": "区民政局", "长者饭堂": "区民政局",
    "社会救助服务站": "区民政局",
    "就业服务站": "区人力资源局", "住房保障服务点": "区住房和建设局",
    "体育场馆": "区文化广电旅游体育局", "图书馆": "区文化广电旅游体育局",
    "文化站": "区文化广电旅游体育局",
    "公园": "区城市管理和综合执法局", "残疾人之家": "区残联",
    "退役军人服务站": "区退役军人事务局",
}


def write_points(P):
    # District points first, then each sub-district: its centres, then its communities.
    order = {"district": 0, "subdistrict": 1, "community": 2}
    rows = sorted(P.rows, key=lambda r: (r["_level"] != "district", r["所属社区"][:9],
                                         order[r["_level"]], r["所属社区"]))
    # 15 points are temporarily closed (暂停, e.g. for renovation) and 5 closed for good
    # (停用): only small community facilities, never a 社康.
    idx = list(range(len(rows)))
    for i in rng.sample([i for i in idx if rows[i]["_level"] != "district"], 15):
        rows[i]["状态"] = "暂停"
    for i in rng.sample([i for i in idx if rows[i]["状态"] == "正常" and rows[i]["_level"] == "community"
                         and rows[i]["设施类型"] in ("公园", "图书馆", "托育机构", "文化站", "就业服务站")], 5):
        rows[i]["状态"] = "停用"
    for n, r in enumerate(rows, start=1):
        r["编码"] = f"SP{n:05d}"
        r["主管部门"] = DEPARTMENT_OF_TYPE.get(r["设施类型"], "")
    check_points(rows, SITES)
    header = ["编码", "名称", "设施类型", "地址", "纬度", "经度", "坐标系", "电话", "开放时间", "容量",
              "建筑面积", "服务事项", "主管部门", "所属社区", "状态", "数据来源"]
    with open(os.path.join(OUT, "points.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows([r[h] for h in header] for r in rows)
    return rows


def check_points(rows, sites):
    """Every position strictly inside its community and at least 30 m from its edges."""
    for r in rows + [{"_at": at, "所属社区": c} for c, ss in sites.items() for at, _, _ in ss]:
        cm = COMM[r["所属社区"]]
        assert inside(cm.ring, r["_at"]) and edge_distance(cm.ring_xy, r["_at"]) >= 30, r
    names = [r["名称"] for r in rows]
    assert len(set(names)) == len(names)
    for r in rows:
        assert r["开放时间"] in HOURS[r["设施类型"]] + ["", "24/7", "每天 06:00-22:00"], r


COMM = {}      # community code -> Community, filled by main()
SITES = {}     # community code -> [(position, population, name)], filled by main()


def main():
    os.makedirs(OUT, exist_ok=True)
    rings, edge = build_geometry()
    for s in SUBS:
        for c in CURRENT[s]:
            COMM[c] = Community(c, rings[c])
    n_feat = write_boundaries(rings)
    srows, sites = site_rows()
    for c in COMM:
        assert sum(p for _, p, _ in sites[c]) == POP[c], c
    P, no_health, gaps = service_points(sites, edge)
    SITES.update(sites)
    rows = write_points(P)

    comms = [c for s in SUBS for c in CURRENT[s]]
    print(f"{n_feat} boundaries: 1 district ({km2(rings[DISTRICT]):.1f} km2, "
          f"{len(rings[DISTRICT]) - 1} vertices), {len(SUBS)} sub-districts, {len(comms)} communities "
          f"({len(edge)} on the district's edge); every ring closed, simple and counter-clockwise, "
          f"the communities tile the district exactly")
    print(f"{len(srows)} residential sites, {sum(POP.values())} residents (2024 常住人口)")
    st = {}
    for r in rows:
        st[r["状态"]] = st.get(r["状态"], 0) + 1
    print(f"{len(rows)} service points ({', '.join(f'{k} {v}' for k, v in sorted(st.items()))}); "
          f"share of residents within 1,000 m of an open or suspended point of each type:")
    by_type = {}
    for r in rows:
        by_type[r["设施类型"]] = by_type.get(r["设施类型"], 0) + 1
    for t in TYPES:
        print(f"  {t}: {by_type.get(t, 0)} points, {coverage(rows, sites, t):.1%}")
    gap_pop = sum(p for _, _, p in gaps)
    print(f"no 社康 in {len(no_health)} communities ({sum(1 for c in no_health if c in edge)} on the edge); "
          f"{len(gaps)} sites ({gap_pop} residents) more than 1,000 m from any 社康, "
          f"{sum(1 for c, _, _ in gaps if c in edge)} of them in edge communities")


if __name__ == "__main__":
    main()
