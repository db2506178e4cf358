//! The `gongfu` binary as an operator uses it: import, export, backup, users, config.
//! Runs the real executable on a SQLite file in a temporary directory.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test fails

use std::process::{Command, Output};

fn gongfu(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongfu"))
        .args(args)
        .env(
            "GONGFU_DATABASE_URL",
            format!("sqlite://{}", dir.join("g.db").display()),
        )
        .env("GONGFU_LOG", "warn")
        .env("GONGFU_PASSWORD", "a long password")
        .env_remove("GONGFU_CONFIG")
        .output()
        .expect("gongfu runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const HEADER: &str = "领域,大类,序号,服务项目,服务对象,服务内容,服务标准,支出责任,牵头负责单位\n";

#[test]
fn a_bad_row_imports_nothing_and_names_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("list.csv");
    let rows = "幼有所育,优孕优生服务,1,甲,对象,内容,标准,地方财政,卫健委\n幼有所育,优孕优生服务,2,乙,,内容,标准,地方财政,卫健委\n";
    std::fs::write(&csv, format!("{HEADER}{rows}")).unwrap();
    let out = gongfu(
        dir.path(),
        &["import", "items", csv.to_str().unwrap(), "--publish"],
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("第 3 行")
            && err.contains("列 E（服务对象）")
            && err.contains("没有导入任何数据"),
        "{err}"
    );
    let out = gongfu(
        dir.path(),
        &[
            "export",
            "items",
            "--format",
            "csv",
            "--out",
            dir.path().join("o.csv").to_str().unwrap(),
        ],
    );
    assert!(!out.status.success(), "no version was published");
    assert!(
        text(&out.stderr).contains("no such version"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn import_export_round_trip_backup_and_users() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("list.csv");
    std::fs::write(
        &csv,
        format!("{HEADER}幼有所育,优孕优生服务,1,甲,对象,内容,标准,地方财政,卫健委\n"),
    )
    .unwrap();
    let out = gongfu(
        dir.path(),
        &[
            "import",
            "items",
            csv.to_str().unwrap(),
            "--publish",
            "--label",
            "首版",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("已发布第 1 版"));
    let xlsx = dir.path().join("list.xlsx");
    let out = gongfu(
        dir.path(),
        &[
            "export",
            "items",
            "--format",
            "xlsx",
            "--out",
            xlsx.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The export imports back as "nothing to do".
    let out = gongfu(
        dir.path(),
        &["import", "items", xlsx.to_str().unwrap(), "--publish"],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("与第 1 版相同"),
        "{}",
        text(&out.stderr)
    );
    let backup = dir.path().join("backup.db");
    let out = gongfu(dir.path(), &["backup", "--to", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(backup.exists());
    let out = gongfu(
        dir.path(),
        &[
            "user",
            "add",
            "chen",
            "--role",
            "department_editor",
            "--departments",
            "区卫生健康局",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = gongfu(dir.path(), &["user", "list"]);
    assert!(
        text(&out.stdout).contains("chen\tchen\tdepartment_editor\t区卫生健康局"),
        "{}",
        text(&out.stdout)
    );
    let out = gongfu(dir.path(), &["user", "add", "x1", "--role", "boss"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("unknown role 'boss'"));
}

#[test]
fn settings_come_from_flags_env_and_file() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("g.toml");
    std::fs::write(&cfg, "listen = \"127.0.0.1:9999\"\nlog = \"debug\"\n").unwrap();
    let out = gongfu(
        dir.path(),
        &[
            "config",
            "show",
            "--config",
            cfg.to_str().unwrap(),
            "--log",
            "error",
        ],
    );
    let shown = text(&out.stdout);
    assert!(shown.contains("127.0.0.1:9999"), "file: {shown}");
    assert!(
        shown.contains("log: \"error\""),
        "the flag beats GONGFU_LOG and the file: {shown}"
    );
    let out = gongfu(
        dir.path(),
        &["config", "show", "--config", cfg.to_str().unwrap()],
    );
    assert!(
        text(&out.stdout).contains("log: \"warn\""),
        "GONGFU_LOG beats the file: {}",
        text(&out.stdout)
    );
    std::fs::write(&cfg, "colour = \"red\"\n").unwrap();
    let out = gongfu(
        dir.path(),
        &["config", "show", "--config", cfg.to_str().unwrap()],
    );
    assert!(text(&out.stderr).contains("unknown setting 'colour'"));
    let out = gongfu(dir.path(), &["config", "example"]);
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../gongfu.example.toml"
    ))
    .unwrap();
    assert_eq!(text(&out.stdout), example);
}

#[test]
fn standards_parse_prints_the_canonical_form_or_names_the_bad_part() {
    let dir = tempfile::tempdir().unwrap();
    let out = gongfu(
        dir.path(),
        &["standards", "parse", "ＧＢ／Ｔ　１．１－２０２０"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let o = text(&out.stdout);
    assert!(
        o.contains("canonical  GB/T 1.1-2020") && o.contains("推荐性国家标准"),
        "{o}"
    );
    let out = gongfu(
        dir.path(),
        &["standards", "parse", "--json", "T/CAS 290—2017"],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["canonical"], "T/CAS 290-2017");
    let out = gongfu(dir.path(), &["standards", "parse", "GB/T 1.1-20x"]);
    assert!(!out.status.success());
    let e = text(&out.stderr);
    assert!(e.contains("年号“20x”"), "{e}");
    let out = gongfu(
        dir.path(),
        &[
            "--internal-norm-patterns",
            "FTNB {seq}",
            "standards",
            "parse",
            "GB 1-2020",
        ],
    );
    assert!(!out.status.success());
    let e = text(&out.stderr);
    assert!(
        e.contains("internal_norm_patterns") && e.contains("{year}"),
        "{e}"
    );
}

#[test]
fn standards_import_and_export_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree.csv");
    std::fs::write(
        &tree,
        "节点编号,节点名称,上级节点\n1,通用基础,\n1.1,导则,1\n",
    )
    .unwrap();
    let out = gongfu(
        dir.path(),
        &["import", "standard-tree", tree.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("2 个节点"),
        "{}",
        text(&out.stdout)
    );
    let reg = dir.path().join("reg.csv");
    std::fs::write(
        &reg,
        "标准编号,标准名称,体系节点\nGB/T 1.1—2020,标准化工作导则,1.1\nGB/T 13016-2018,标准体系构建原则和要求,1\n",
    )
    .unwrap();
    let out = gongfu(dir.path(), &["import", "standards", reg.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("新增标准 2 项"),
        "{}",
        text(&out.stdout)
    );
    let csv = dir.path().join("out.csv");
    let out = gongfu(
        dir.path(),
        &[
            "export",
            "standards",
            "--format",
            "csv",
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(&csv).unwrap();
    assert!(
        written.contains("GB/T 1.1-2020,标准化工作导则") && written.contains("1.1 导则"),
        "{written}"
    );
    let xlsx = dir.path().join("tree.xlsx");
    let out = gongfu(
        dir.path(),
        &["export", "standard-tree", "--out", xlsx.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // A bad row: nothing imported, the row and column named.
    std::fs::write(
        &reg,
        "标准编号,标准名称,体系节点\nGB/T 7714-2015,文后参考文献著录规则,1\nGB/T 1-20x,坏的,1\n",
    )
    .unwrap();
    let out = gongfu(dir.path(), &["import", "standards", reg.to_str().unwrap()]);
    assert!(!out.status.success());
    let e = text(&out.stderr);
    assert!(
        e.contains("第 3 行") && e.contains("列 A（标准编号）") && e.contains("没有导入任何数据"),
        "{e}"
    );
    let out = gongfu(
        dir.path(),
        &[
            "export",
            "standards",
            "--format",
            "csv",
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert!(out.status.success());
    assert!(!std::fs::read_to_string(&csv).unwrap().contains("7714"));
}

const CLEAN: &str = "# 示例服务规范\n\n## 前言\n\n本文件按照GB/T 1.1—2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》的规定起草。\n\n## 1 范围\n\n本文件规定了示例服务的服务要求。\n\n## 2 规范性引用文件\n\n本文件没有规范性引用文件。\n\n## 3 术语和定义\n\n本文件没有需要界定的术语和定义。\n\n## 4 服务要求\n\n### 4.1 人员\n\n服务人员应经培训。\n\n### 4.2 场所\n\n服务场所应整洁。\n";

#[test]
fn standards_check_reports_findings_as_text_or_json_and_exits_1_on_errors() {
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean.md");
    std::fs::write(&clean, CLEAN).unwrap();
    let out = gongfu(dir.path(), &["standards", "check", clean.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        !text(&out.stdout).contains("error["),
        "{}",
        text(&out.stdout)
    );
    // No 前言 and 必须 for 应: errors, each with file:line and the rule.
    let bad = dir.path().join("草案.md");
    std::fs::write(
        &bad,
        CLEAN
            .replace("## 前言\n\n本文件按照GB/T 1.1—2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》的规定起草。\n\n", "")
            .replace("服务人员应经培训", "服务人员必须经培训"),
    )
    .unwrap();
    let out = gongfu(dir.path(), &["standards", "check", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.contains("草案.md:") && report.contains("error["),
        "{report}"
    );
    assert!(report.contains("必须"), "{report}");
    let out = gongfu(
        dir.path(),
        &["standards", "check", bad.to_str().unwrap(), "--json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.len() >= 2, "{v}");
    assert!(findings
        .iter()
        .all(|f| f["location"]["line"].as_u64().unwrap() > 0));
    // An unreadable file: a clear error, exit 2-ish (not a panic).
    let broken = dir.path().join("broken.docx");
    std::fs::write(&broken, b"PK\x03\x04junk").unwrap();
    let out = gongfu(
        dir.path(),
        &["standards", "check", broken.to_str().unwrap()],
    );
    assert!(!out.status.success());
    let e = text(&out.stderr);
    assert!(e.contains("broken.docx") && !e.contains("panicked"), "{e}");
}

#[test]
fn texts_import_one_by_one_or_from_a_manifest_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree.csv");
    std::fs::write(&tree, "节点编号,节点名称,上级节点\n1,通用基础,\n").unwrap();
    assert!(gongfu(
        dir.path(),
        &["import", "standard-tree", tree.to_str().unwrap()]
    )
    .status
    .success());
    let reg = dir.path().join("reg.csv");
    std::fs::write(
        &reg,
        "标准编号,标准名称,体系节点\nGB/T 1.1-2020,标准化工作导则,1\nGB/T 13016-2018,标准体系构建原则和要求,1\n",
    )
    .unwrap();
    assert!(
        gongfu(dir.path(), &["import", "standards", reg.to_str().unwrap()])
            .status
            .success()
    );
    let md = dir.path().join("t.md");
    std::fs::write(&md, CLEAN).unwrap();
    let out = gongfu(
        dir.path(),
        &[
            "import",
            "text",
            md.to_str().unwrap(),
            "--kind",
            "standard",
            "--key",
            "GB/T 1.1—2020",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // A manifest naming a file that is missing: nothing imported, the file named.
    let texts = dir.path().join("texts");
    std::fs::create_dir(&texts).unwrap();
    std::fs::write(texts.join("a.md"), CLEAN).unwrap();
    std::fs::write(
        texts.join("manifest.csv"),
        "类型,编号,文件\nstandard,GB/T 13016-2018,a.md\nstandard,GB/T 1.1-2020,missing.md\n",
    )
    .unwrap();
    let out = gongfu(dir.path(), &["import", "texts", texts.to_str().unwrap()]);
    assert!(!out.status.success());
    let e = text(&out.stderr);
    assert!(e.contains("missing.md"), "{e}");
    // A text for a standard the registry does not hold.
    std::fs::write(
        texts.join("manifest.csv"),
        "类型,编号,文件\nstandard,GB/T 13016-2018,a.md\nstandard,GB/T 7714-2015,a.md\n",
    )
    .unwrap();
    let out = gongfu(dir.path(), &["import", "texts", texts.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("GB/T 7714-2015"),
        "{}",
        text(&out.stderr)
    );
    std::fs::write(
        texts.join("manifest.csv"),
        "类型,编号,文件\nstandard,GB/T 13016-2018,a.md\nstandard,GB/T 1.1-2020,a.md\n",
    )
    .unwrap();
    let out = gongfu(dir.path(), &["import", "texts", texts.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("导入 2 份文本"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn places_import_and_export_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = |f: &str| dir.path().join(f).to_str().unwrap().to_string();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/demo");
    let out = gongfu(
        dir.path(),
        &["import", "regions", &format!("{root}/regions.csv")],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = gongfu(
        dir.path(),
        &[
            "import",
            "boundaries",
            &format!("{root}/places/boundaries.geojson"),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("新增边界 101 项"),
        "{}",
        text(&out.stdout)
    );
    // A swapped row: the import names it and imports nothing.
    std::fs::write(
        p("bad.csv"),
        "编码,名称,设施类型,纬度,经度\nA1,甲,公园,22.55,114.0\nA2,乙,公园,114.0,22.55\n",
    )
    .unwrap();
    let out = gongfu(dir.path(), &["import", "points", &p("bad.csv")]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("第 3 行") && err.contains("填反"), "{err}");
    // More rows than the configured cap: refused whole, with the count, the cap and what
    // to do, before a row is looked at.
    let out = Command::new(env!("CARGO_BIN_EXE_gongfu"))
        .args(["import", "points", &p("bad.csv"), "--import-max-rows", "1"])
        .env(
            "GONGFU_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("g.db").display()),
        )
        .env("GONGFU_LOG", "warn")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("bad.csv") && err.contains("有 2 行数据") && err.contains("拆成"),
        "{err}"
    );
    // The same point given in GCJ-02 lands where its WGS84 position is.
    let g = gongfu_domain::geo::wgs84_to_gcj02(gongfu_domain::geo::LatLng {
        lat: 22.55,
        lng: 114.0,
    });
    std::fs::write(
        p("good.csv"),
        format!(
            "编码,名称,设施类型,纬度,经度\nA1,甲公园,公园,{:.7},{:.7}\n",
            g.lat, g.lng
        ),
    )
    .unwrap();
    let out = gongfu(
        dir.path(),
        &["import", "points", &p("good.csv"), "--coord", "gcj02"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = gongfu(
        dir.path(),
        &[
            "export",
            "points",
            "--format",
            "geojson",
            "--out",
            &p("o.geojson"),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let g: serde_json::Value =
        serde_json::from_slice(&std::fs::read(p("o.geojson")).unwrap()).unwrap();
    let c = &g["features"][0]["geometry"]["coordinates"];
    assert!((c[0].as_f64().unwrap() - 114.0).abs() < 1e-6, "{c}");
    assert!((c[1].as_f64().unwrap() - 22.55).abs() < 1e-6, "{c}");
    assert!(g["features"][0]["properties"]["community"].is_string());
    let out = gongfu(
        dir.path(),
        &["export", "circles", "--walk", "10", "--out", &p("c.xlsx")],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("50 to 5000"),
        "{}",
        text(&out.stderr)
    );
}

/// `gongfu serve` with `GONGFU_LOG_FORMAT=json`: every request is one JSON line on standard
/// error, with its route, status, latency and the request id the answer carried.
#[test]
fn a_served_request_is_one_json_log_line_with_the_id_the_answer_carries() {
    use std::io::{BufRead, Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongfu"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env(
            "GONGFU_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("g.db").display()),
        )
        .env("GONGFU_LOG", "info")
        .env("GONGFU_LOG_FORMAT", "json")
        .env_remove("GONGFU_CONFIG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("gongfu serves");
    // "gongfu serving sqlite://… on http://127.0.0.1:PORT"
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let addr = first.rsplit("http://").next().unwrap().trim().to_string();
    let mut conn = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        conn,
        "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    let id = answer
        .lines()
        .find_map(|l| l.strip_prefix("x-request-id: "))
        .unwrap_or_else(|| panic!("no request id in {answer}"))
        .trim()
        .to_string();
    // Graceful stop (SIGTERM) flushes the log; then read every line it wrote.
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    child.wait().unwrap();
    let line = err
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["span"]["request_id"] == id.as_str())
        .unwrap_or_else(|| panic!("no JSON line for request {id} in:\n{err}"));
    assert_eq!(line["span"]["route"], "/healthz", "{line}");
    assert_eq!(line["span"]["method"], "GET", "{line}");
    assert_eq!(line["span"]["status"], 200, "{line}");
    assert!(line["span"]["latency_ms"].as_f64().is_some(), "{line}");
    assert_eq!(line["level"], "INFO", "{line}");
}
