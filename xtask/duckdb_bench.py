"""The DuckDB side of `cargo run --release -p xtask -- bench eligibility`.

Loads the population CSV the Rust side wrote (column types given, so DuckDB stores them
as compactly as it can), runs the eligibility query (the same rules, lowered to SQL by the
Rust side) three times and prints JSON: load and query seconds, peak memory, and the
counts per community for the Rust side to compare. Needs `pip install duckdb`.

usage: python3 duckdb_bench.py POP.csv TYPES.json QUERY.sql OUT.json
"""
import json
import resource
import sys
import time

import duckdb


def rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    pop, types, query, out = sys.argv[1:5]
    with open(types) as f:
        columns = {name: kind for name, kind in json.load(f)}
    with open(query) as f:
        sql = f.read()
    con = duckdb.connect()
    t = time.perf_counter()
    con.execute(f"CREATE TABLE pop AS SELECT * FROM read_csv('{pop}', header=true, columns={columns!r})")
    load_s = time.perf_counter() - t
    rss_after_load = rss_mib()
    runs = []
    rows = None
    for _ in range(3):
        t = time.perf_counter()
        rows = con.execute(sql).fetchall()
        runs.append(time.perf_counter() - t)
    result = {
        "duckdb": duckdb.__version__,
        "threads": con.execute("SELECT current_setting('threads')").fetchone()[0],
        "load_s": load_s,
        "query_s": runs,
        "rss_after_load_mib": rss_after_load,
        "peak_rss_mib": rss_mib(),
        "rows": [list(r) for r in rows],
    }
    with open(out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
