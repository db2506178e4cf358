//! Standard texts and service guides: import (.docx and Markdown), pages, search, and the
//! GB/T 1.1 checker over HTTP.

use std::io::Write;

use crate::helpers::{spawn_demo, TestApp};
use serde_json::Value;

/// A document in GB/T 1.1-2020 shape with nothing wrong in it; `word` lands in clause 4.1.
pub fn clean_markdown(word: &str) -> String {
    format!(
        "# 示例服务规范\n\n\
## 前言\n\n\
本文件按照GB/T 1.1—2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》的规定起草。\n\n\
## 1 范围\n\n\
本文件规定了示例服务的服务要求。\n\n\
## 2 规范性引用文件\n\n\
下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。其中，注日期的引用文件，仅该日期对应的版本适用于本文件；不注日期的引用文件，其最新版本（包括所有的修改单）适用于本文件。\n\n\
GB/T 1.1　标准化工作导则　第1部分：标准化文件的结构和起草规则\n\n\
## 3 术语和定义\n\n\
下列术语和定义适用于本文件。\n\n\
### 3.1 服务对象\n\n\
接受示例服务的居民。\n\n\
### 3.2 服务提供机构\n\n\
提供示例服务的机构。\n\n\
## 4 服务要求\n\n\
### 4.1 人员\n\n\
服务人员应经{word}培训并考核合格。\n\n\
### 4.2 文件\n\n\
服务规范的编写应符合GB/T 1.1的规定。\n"
    )
}

/// A .docx with a title and the given (style, text) paragraphs, built with a zip writer.
pub fn docx(title: &str, paragraphs: &[(&str, &str)]) -> Vec<u8> {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut body = format!(
        r#"<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>{}</w:t></w:r></w:p>"#,
        esc(title)
    );
    for (style, text) in paragraphs {
        let ppr = if style.is_empty() {
            String::new()
        } else {
            format!(r#"<w:pPr><w:pStyle w:val="{style}"/></w:pPr>"#)
        };
        body.push_str(&format!(
            r#"<w:p>{ppr}<w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
            esc(text)
        ));
    }
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("[Content_Types].xml", opts).unwrap();
        z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#).unwrap();
        z.start_file("_rels/.rels", opts).unwrap();
        z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#).unwrap();
        z.start_file("word/document.xml", opts).unwrap();
        z.write_all(document.as_bytes()).unwrap();
        z.finish().unwrap();
    }
    out.into_inner()
}

fn enc(s: &str) -> String {
    s.replace('/', "%2F").replace(' ', "%20")
}

fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn post_body(
    app: &TestApp,
    path: &str,
    csrf: Option<&str>,
    content_type: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let mut r = app
        .client
        .post(app.url(path))
        .header("content-type", content_type);
    if let Some(c) = csrf {
        r = r.header("x-csrf-token", c);
    }
    let r = r.body(body).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or_default())
}

#[tokio::test]
async fn a_markdown_standard_text_and_a_docx_guide_import_show_and_are_found() {
    let app = spawn_demo().await;
    let csrf = app.login("admin", "gongfu-demo-admin").await;
    // Markdown, for a registered standard that has no text yet.
    let number = "GB/T 28222-2011";
    let (status, v) = app
        .get_json(&format!("/api/v1/texts/standard/{}", enc(number)))
        .await;
    assert_eq!(status, 404, "{v}");
    let (status, v) = post_body(
        &app,
        &format!(
            "/api/v1/imports/texts?kind=standard&key={}&file=text.md",
            enc(number)
        ),
        Some(&csrf),
        "text/markdown",
        clean_markdown("甲乙丙丁特征").into_bytes(),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    let (status, v) = app
        .get_json(&format!("/api/v1/texts/standard/{}", enc(number)))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["title"], "示例服务规范");
    assert_eq!(v["source_format"], "markdown");
    let blocks = v["document"]["blocks"].as_array().unwrap();
    assert!(
        blocks
            .iter()
            .any(|b| b["type"] == "heading" && b["number"] == "4.1" && b["title"] == "人员"),
        "{v}"
    );
    // It downloads as Word, and the .docx reads back to the same structure.
    let r = app
        .get(&format!("/api/v1/texts/standard/{}/docx", enc(number)))
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("GB_T_28222-2011.docx"));
    let bytes = r.bytes().await.unwrap();
    let back = gongfu_texts::parse_docx(&bytes).expect("the download is a .docx");
    assert_eq!(back.blocks.len(), blocks.len());
    assert_eq!(back.title, "示例服务规范");
    // The standard's page shows it; the self-check finds only that the text lists GB/T 1.1,
    // which the registry does not record for GB/T 28222-2011.
    let (status, html) = app
        .get_html(&format!("/standards/view/{}", enc(number)))
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"id="document""#) && html.contains("甲乙丙丁特征"),
        "{html}"
    );
    assert!(
        html.contains("1 处问题") && html.contains("文本列出了GB/T 1.1，但标准库没有为本标准登记"),
        "the clean text differs from the registry only in its references: {html}"
    );
    // And search finds it at once.
    let (_, v) = app
        .get_json(&format!(
            "/api/v1/search?q={}&type=standard",
            pct("甲乙丙丁特征")
        ))
        .await;
    assert_eq!(v["results"][0]["number"], number, "{v}");

    // A .docx guide for an item.
    let bytes = docx(
        "居民健康档案办事指南（测试）",
        &[
            ("Heading1", "办理条件"),
            ("", "辖区常住居民可到社区健康服务中心戊己庚辛建档。"),
            ("Heading1", "办理流程"),
            ("", "携带身份证件到窗口办理。"),
        ],
    );
    let (status, v) = post_body(
        &app,
        "/api/v1/imports/texts?kind=guide&key=N0101&file=guide.docx",
        Some(&csrf),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        bytes,
    )
    .await;
    assert_eq!(status, 201, "{v}");
    let (_, v) = app.get_json("/api/v1/texts/guide/N0101").await;
    assert_eq!(v["source_format"], "docx", "{v}");
    assert_eq!(v["title"], "居民健康档案办事指南（测试）");
    let (status, html) = app.get_html("/guides/N0101").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("戊己庚辛") && html.contains("办理流程"),
        "{html}"
    );
    let (_, html) = app.get_html("/items/N0101").await;
    assert!(html.contains(r#"id="guide-link""#));
    let (_, v) = app
        .get_json(&format!("/api/v1/search?q={}&type=guide", pct("戊己庚辛")))
        .await;
    assert_eq!(v["results"][0]["code"], "N0101", "{v}");
}

#[tokio::test]
async fn an_unreadable_or_misaddressed_text_is_refused_and_changes_nothing() {
    let app = spawn_demo().await;
    let (_, before) = app.get_json("/api/v1/texts/guide/N0101").await;
    let (_, list_before) = app.get_json("/api/v1/texts").await;
    // Not logged in.
    let (status, _) = post_body(
        &app,
        "/api/v1/imports/texts?kind=guide&key=N0101",
        None,
        "text/markdown",
        b"# x".to_vec(),
    )
    .await;
    assert_eq!(status, 401);
    let csrf = app.login("admin", "gongfu-demo-admin").await;
    let broken: Vec<u8> = b"PK\x03\x04 this is not really a zip archive".to_vec();
    let (status, v) = post_body(
        &app,
        "/api/v1/imports/texts?kind=guide&key=N0101&file=%E6%8C%87%E5%8D%97.docx",
        Some(&csrf),
        "application/octet-stream",
        broken,
    )
    .await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["code"], "invalid_document");
    assert!(
        v["detail"].as_str().unwrap().contains("指南.docx"),
        "names the file: {v}"
    );
    // A zip that is not a Word document.
    let mut zipped = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut zipped);
        z.start_file("readme.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(b"hello").unwrap();
        z.finish().unwrap();
    }
    let (status, v) = post_body(
        &app,
        "/api/v1/imports/texts?kind=guide&key=N0101&file=a.docx",
        Some(&csrf),
        "application/octet-stream",
        zipped.into_inner(),
    )
    .await;
    assert_eq!(status, 422, "{v}");
    // Markdown that is not UTF-8.
    let (status, v) = post_body(
        &app,
        "/api/v1/imports/texts?kind=guide&key=N0101&file=a.md",
        Some(&csrf),
        "text/markdown",
        vec![0xB0, 0xEC, 0xCA, 0xC2, 0xD6, 0xB8],
    )
    .await;
    assert_eq!(status, 422, "{v}");
    // A standard the registry does not hold, an item the list does not have, a bad kind.
    for (query, status_expected) in [
        ("kind=standard&key=GB%2FT%2099999-2099", 404),
        ("kind=guide&key=ZZ9999", 404),
        ("kind=poem&key=N0101", 400),
    ] {
        let (status, v) = post_body(
            &app,
            &format!("/api/v1/imports/texts?{query}&file=a.md"),
            Some(&csrf),
            "text/markdown",
            clean_markdown("x").into_bytes(),
        )
        .await;
        assert!(
            status == status_expected || (status_expected == 404 && status == 422),
            "{query}: {status} {v}"
        );
        assert!(v["detail"].as_str().unwrap().len() > 20, "{v}");
    }
    let (_, after) = app.get_json("/api/v1/texts/guide/N0101").await;
    assert_eq!(before, after, "the guide held is untouched");
    let (_, list_after) = app.get_json("/api/v1/texts").await;
    assert_eq!(list_before["total"], list_after["total"]);
}

#[tokio::test]
async fn the_checker_reads_markdown_and_docx_bodies_and_consults_the_registry() {
    let app = spawn_demo().await;
    // Clean: no findings (anyone may check a draft; nothing is stored).
    let (status, v) = post_body(
        &app,
        "/api/v1/standards/check?file=draft.md",
        None,
        "text/markdown",
        clean_markdown("岗前").into_bytes(),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["findings"], serde_json::json!([]), "{v}");
    assert_eq!(v["summary"]["errors"], 0);
    // A gap in numbering and a reference the registry knows is superseded.
    let bad = clean_markdown("岗前")
        .replace("### 4.2 文件", "### 4.3 文件")
        .replace(
            "GB/T 1.1　标准化工作导则　第1部分：标准化文件的结构和起草规则",
            "GB/T 1.1　标准化工作导则　第1部分：标准化文件的结构和起草规则\n\nMZ/T 039-2013　老年人能力评估",
        )
        .replace(
            "服务规范的编写应符合GB/T 1.1的规定。",
            "服务规范的编写应符合GB/T 1.1的规定，老年人能力评估按MZ/T 039-2013执行。",
        );
    let (status, v) = post_body(
        &app,
        "/api/v1/standards/check?file=draft.md",
        None,
        "text/markdown",
        bad.into_bytes(),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let findings = v["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(|f| f["location"]["clause"] == "4.3"),
        "numbering gap at 4.3: {v}"
    );
    assert!(
        findings
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("GB/T 42195")),
        "MZ/T 039-2013 is superseded by GB/T 42195-2022 in the registry: {v}"
    );
    for f in findings {
        assert!(f["rule"].is_string() && f["severity"].is_string(), "{f}");
        assert!(f["location"]["line"].as_u64().unwrap() > 0, "{f}");
    }
    // A .docx body.
    let bytes = docx(
        "草案",
        &[
            ("Heading1", "1 范围"),
            ("", "本文件规定了服务要求，服务人员必须持证上岗。"),
        ],
    );
    let (status, v) = post_body(
        &app,
        "/api/v1/standards/check",
        None,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        bytes,
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert!(
        v["summary"]["errors"].as_u64().unwrap() > 0,
        "no 前言, no chapter 2 and 3: {v}"
    );
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("必须")),
        "{v}"
    );
    // An unreadable body.
    let (status, v) = post_body(
        &app,
        "/api/v1/standards/check?file=x.docx",
        None,
        "application/octet-stream",
        b"PK\x03\x04broken".to_vec(),
    )
    .await;
    assert_eq!(status, 422, "{v}");
    // The public page shows the text, not the staff's working material: no self-check, no
    // source file, no JSON link.
    let (status, html) = app.get_html("/standards/view/SLQ%2FNB%20061-2019").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"id="document""#), "{html}");
    for staff_only in [
        r#"id="text-check""#,
        r#"id="findings""#,
        "来源文件",
        r#"href="/api/v1/texts/standard/SLQ%2FNB%20061-2019""#,
    ] {
        assert!(
            !html.contains(staff_only),
            "{staff_only} shown to the public"
        );
    }
    // A demo norm that still cites MZ/T 039-2013: its page says so to staff, with the
    // replacement.
    app.login("viewer", "gongfu-demo-viewer").await;
    let (status, html) = app.get_html("/standards/view/SLQ%2FNB%20061-2019").await;
    assert_eq!(status, 200);
    assert!(html.contains("来源文件") && html.contains(r#"id="text-json""#));
    assert!(
        html.contains(r#"id="findings""#) && html.contains("已被GB/T 42195-2022代替"),
        "{html}"
    );
    let (_, html) = app.get_html("/standards/view/SLQ%2FNB%20006-2024").await;
    assert!(
        html.contains("DB4403/T 9900-2016已废止"),
        "the withdrawn reference: {html}"
    );
    let (_, v) = app.get_json("/api/v1/standards/check/rules").await;
    assert!(v["rules"].as_array().unwrap().len() >= 10, "{v}");
}

#[tokio::test]
async fn a_batch_of_texts_with_one_bad_file_imports_none_of_them() {
    use gongfu_standards::texts::{TextKind, TextUpload};
    let app = spawn_demo().await;
    let registry = &app.services.standards;
    let (_, before) = app.get_json("/api/v1/texts").await;
    let uploads = vec![
        TextUpload {
            kind: TextKind::Standard,
            key: "GB/T 28222-2011".into(),
            file: "good.md".into(),
            bytes: clean_markdown("好").into_bytes(),
        },
        TextUpload {
            kind: TextKind::Guide,
            key: "N0102".into(),
            file: "bad.docx".into(),
            bytes: b"PK\x03\x04broken".to_vec(),
        },
    ];
    let actor = gongfu_catalog::Actor::system("test");
    let err = registry
        .import_texts(&actor, &uploads, false)
        .await
        .expect_err("one unreadable file fails the batch");
    assert!(err.to_string().contains("bad.docx"), "{err}");
    let (_, after) = app.get_json("/api/v1/texts").await;
    assert_eq!(before, after, "nothing was imported");
    let (status, _) = app
        .get_json("/api/v1/texts/standard/GB%2FT%2028222-2011")
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_admin_page_uploads_a_text_and_says_why_a_file_was_refused() {
    let app = spawn_demo().await;
    app.login("admin", "gongfu-demo-admin").await;
    let (status, html) = app.get_html("/admin/standards").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"id="upload-text""#));
    let csrf = html
        .split(r#"name="csrf" value=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let form = |key: &str, name: &str, bytes: Vec<u8>| {
        reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("kind", "standard")
            .text("key", key.to_string())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
            )
    };
    let r = app
        .client
        .post(app.url("/admin/texts/upload"))
        .multipart(form(
            "GB/T 28222—2011",
            "规范.md",
            clean_markdown("壬癸").into_bytes(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/standards/view/GB%2FT%2028222"), "{to}");
    let (status, html) = app.get_html(&to).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("壬癸") && html.contains(r#"id="notice""#),
        "{html}"
    );
    let r = app
        .client
        .post(app.url("/admin/texts/upload"))
        .multipart(form(
            "GB/T 28222-2011",
            "坏.docx",
            b"PK\x03\x04junk".to_vec(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let (_, html) = app.get_html(&to).await;
    assert!(
        html.contains("未导入") && html.contains("坏.docx"),
        "{html}"
    );
    let (_, v) = app
        .get_json("/api/v1/texts/standard/GB%2FT%2028222-2011")
        .await;
    assert_eq!(v["source_format"], "markdown", "the earlier text stays");
}
