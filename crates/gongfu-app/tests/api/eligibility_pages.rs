//! The resident's wizard (/eligibility) and the staff's affordability pages, through the
//! real server: a resident answers only what the page asks and gets the right items with
//! reasons; staff run an assessment from the form and read its report.

use crate::helpers::{spawn_demo, TestApp};
use std::collections::BTreeMap;

/// The field the page asks next, if any.
fn asked(html: &str) -> Option<String> {
    let at = html.find("id=\"question\" data-field=\"")?;
    let rest = &html[at + "id=\"question\" data-field=\"".len()..];
    Some(rest[..rest.find('"')?].to_string())
}

/// The `<li>` of an item in one result group.
fn result<'a>(html: &'a str, group: &str, code: &str) -> Option<&'a str> {
    let key = format!("class=\"result {group}\" data-code=\"{code}\"");
    let at = html.find(&key)?;
    let rest = &html[at..];
    Some(
        &rest[..rest
            .find("</li>\n")
            .or_else(|| rest.find("</li>"))
            .unwrap_or(rest.len())],
    )
}

/// Posts a form and follows a redirect (the client does not), as a browser would.
async fn post_form(app: &TestApp, path: &str, form: &[(String, String)]) -> (u16, String) {
    let r = app
        .client
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .unwrap();
    if r.status().is_redirection() {
        let to = r.headers()["location"].to_str().unwrap().to_string();
        return app.get_html(&to).await;
    }
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Answers every question the wizard asks from `sheet` (a question missing from the
/// sheet is skipped), and returns the final page and the questions asked.
async fn walk(app: &TestApp, sheet: &BTreeMap<&str, &str>) -> (String, Vec<String>) {
    let (s, mut html) = app.get_html("/eligibility").await;
    assert_eq!(s, 200);
    let mut answers: Vec<(String, String)> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    let mut asked_list = Vec::new();
    while let Some(q) = asked(&html) {
        assert!(!asked_list.contains(&q), "asked {q} twice: {asked_list:?}");
        assert!(asked_list.len() < 30, "too many questions: {asked_list:?}");
        asked_list.push(q.clone());
        let mut form: Vec<(String, String)> = answers
            .iter()
            .map(|(k, v)| (format!("a.{k}"), v.clone()))
            .collect();
        form.push(("skip".into(), skipped.join(",")));
        form.push(("q".into(), q.clone()));
        let key = if q == "birth_date" { "age" } else { q.as_str() };
        match sheet.get(key) {
            Some(v) => {
                for part in v.split('|').filter(|p| !p.is_empty()) {
                    form.push((format!("a.{key}"), part.to_string()));
                }
                form.push(("action".into(), "answer".into()));
                answers.push((key.to_string(), v.to_string()));
            }
            None => {
                form.push(("action".into(), "skip".into()));
                skipped.push(q.clone());
            }
        }
        let (s, page) = post_form(app, "/eligibility", &form).await;
        assert_eq!(s, 200, "{page}");
        assert!(!page.contains("id=\"wizard-error\""), "{q}: {page}");
        html = page;
    }
    (html, asked_list)
}

#[tokio::test]
async fn the_wizard_asks_only_what_decides_and_answers_a_70_year_old() {
    let app = spawn_demo().await;
    let sheet = BTreeMap::from([
        ("age", "70"),
        ("sex", "male"),
        ("residency", "permanent"),
        ("community", "440399001001"),
        ("rural", "false"),
        ("employment", "retired"),
        ("assistance", "none"),
        ("sudden_hardship", "false"),
        ("disability", "none"),
        ("veteran", "false"),
        ("military_family", "none"),
        ("chronic_conditions", "none"),
        ("lives_alone", "false"),
        ("care_dependency", "none"),
        ("housing_difficulty", "false"),
        ("family_planning", "none"),
        ("children", "1985-03-02"),
    ]);
    let (html, asked) = walk(&app, &sheet).await;
    // Questions that cannot apply to him are never asked (pregnancy, school, a child's
    // difficulties); he is asked fewer questions than the profile has fields.
    for never in [
        "pregnant",
        "planning_pregnancy",
        "school_stage",
        "child_in_difficulty",
    ] {
        assert!(
            !asked.contains(&never.to_string()),
            "{never} asked: {asked:?}"
        );
    }
    assert!(asked.len() <= 17, "{asked:?}");
    assert!(html.contains("id=\"done\""), "the wizard finished");
    let n1005 = result(&html, "eligible", "N1005").expect("老年人健康管理 is his");
    assert!(n1005.contains("年满65周岁 ✓"), "{n1005}");
    assert!(n1005.contains("去哪里办"), "with where to go: {n1005}");
    let l1401 = result(&html, "ineligible", "L1401").expect("a 户籍-only item is not");
    assert!(l1401.contains("本区户籍"), "{l1401}");
    assert!(
        !html.contains("class=\"result maybe\""),
        "nothing left open"
    );
    // Grouped by area.
    let areas = html.matches("<h3 class=\"area\">").count();
    assert!(areas >= 3, "{areas} areas");
}

#[tokio::test]
async fn the_wizard_gives_a_pregnant_woman_her_items_and_skips_what_she_does_not_know() {
    let app = spawn_demo().await;
    let sheet = BTreeMap::from([
        ("age", "29"),
        ("sex", "female"),
        ("residency", "hukou"),
        ("community", "440399002001"),
        ("pregnant", "true"),
        ("rural", "false"),
        ("employment", "employed"),
        ("assistance", "none"),
        ("disability", "none"),
        ("children", "none"),
    ]);
    let (html, asked) = walk(&app, &sheet).await;
    assert!(asked.contains(&"pregnant".to_string()), "{asked:?}");
    let n0102 = result(&html, "eligible", "N0102").expect("孕产妇健康服务");
    assert!(n0102.contains("正在怀孕 ✓"), "{n0102}");
    assert!(result(&html, "eligible", "L0101").is_some(), "孕妇学校");
    assert!(result(&html, "ineligible", "N1005").is_some());
}

#[tokio::test]
async fn life_events_browse_and_a_link_keeps_answers_only_when_asked() {
    let app = spawn_demo().await;
    let (s, html) = app.get_html("/eligibility").await;
    assert_eq!(s, 200);
    assert!(html.contains("href=\"/eligibility?event=birth\""));
    let (s, ev) = app.get_html("/eligibility?event=birth").await;
    assert_eq!(s, 200);
    assert!(ev.contains("人生事件：出生"));
    assert!(
        ev.contains("/items/N0201"),
        "新生儿疾病筛查 is a birth item"
    );
    let (s, _) = app.get_html("/eligibility?event=nonsense").await;
    assert_eq!(s, 404);
    // An unknown link is refused.
    let (s, _) = app
        .get_html(&format!("/eligibility/saved/{}", "ab".repeat(24)))
        .await;
    assert_eq!(s, 404);
    let form: Vec<(String, String)> = [
        ("a.age", "70"),
        ("a.residency", "permanent"),
        ("q", "residency"),
        ("action", "save"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let (s, html) = post_form(&app, "/eligibility", &form).await;
    assert_eq!(s, 200);
    let at = html.find("/eligibility/saved/").expect("a link");
    let link: String = html[at..]
        .chars()
        .take_while(|c| *c != '"' && *c != '<')
        .collect();
    let (s, saved) = app.get_html(&link).await;
    assert_eq!(s, 200, "{link}");
    assert!(result(&saved, "eligible", "N1005").is_some(), "{saved}");
    // A bad answer is shown as an error on the question, not a failure.
    let form: Vec<(String, String)> = [("a.age", "300"), ("q", "birth_date"), ("action", "answer")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let (s, html) = post_form(&app, "/eligibility", &form).await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"wizard-error\""), "{html}");
}

#[tokio::test]
async fn staff_run_an_assessment_from_the_form_and_read_its_report() {
    let app = spawn_demo().await;
    let csrf = app.login("admin", "gongfu-demo-admin").await;
    let (s, page) = app.get_html("/admin/affordability").await;
    assert_eq!(s, 200);
    assert!(page.contains("id=\"run-form\""));
    // A 1% sample keeps the test quick; the form speaks percent.
    let synth: Vec<(String, String)> = [
        ("csrf", csrf.as_str()),
        ("year", "2024"),
        ("scale_pct", "1"),
        ("seed", "3"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let (s, page) = post_form(&app, "/admin/affordability/populations", &synth).await;
    assert_eq!(s, 200, "{page}");
    assert!(page.contains("已生成合成人口"), "{page}");
    let (_, pops) = app.get_json("/api/v1/populations").await;
    let id = pops["populations"][0]["id"].as_i64().unwrap().to_string();
    // The demo scenario, entered in the form's rows (no JSON on the page).
    assert!(page.contains("name=\"sc_add1_code\""), "{page}");
    assert!(!page.contains("<textarea name=\"scenario\""));
    let run: Vec<(String, String)> = [
        ("csrf", csrf.as_str()),
        ("population", id.as_str()),
        ("start_year", "2024"),
        ("years", "3"),
        ("amber", "7"),
        ("red", "10"),
        ("budget_growth", "3"),
        ("sc_name", "高龄津贴扩面与提标（示例）"),
        ("sc_widen1_item", "L1401"),
        ("sc_widen1_scope", "常住人口"),
        ("sc_raise1_item", "N1005"),
        ("sc_raise1_percent", "10"),
        ("sc_add1_code", "L1399"),
        ("sc_add1_name", "高龄老人营养餐补贴（示例）"),
        ("sc_add1_area", "老有所养"),
        ("sc_add1_category", "养老助老服务"),
        ("sc_add1_rule", "age >= 80"),
        ("sc_add1_scope", "常住人口"),
        ("sc_add1_unit_cost", "1200"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let (s, report) = post_form(&app, "/admin/affordability/runs", &run).await;
    assert_eq!(s, 200, "{report}");
    for want in [
        "id=\"ratio-chart\"",
        "id=\"area-chart\"",
        "id=\"payer-chart\"",
        "data-year=\"2026\"",
        "老有所养",
        "新增",
        "高龄老人营养餐补贴",
        "/export",
        // The scenario as entered, its unit cost in the item tables, the assumptions.
        "情景测算：高龄津贴扩面与提标（示例）",
        "单位成本（元/人·年）",
        "1200.00",
        "id=\"assumptions\"",
        "出生率",
        "净迁移率",
    ] {
        assert!(report.contains(want), "{want} in the report");
    }
    // A bad scenario comes back on the form with the reason, and what was typed.
    let mut bad = run.clone();
    bad.push(("sc_remove1_item".into(), "N9999".into()));
    bad.push(("sc_raise2_item".into(), "N1005".into()));
    bad.push(("sc_raise2_percent".into(), "十".into()));
    let (s, page) = post_form(&app, "/admin/affordability/runs", &bad).await;
    assert_eq!(s, 422);
    assert!(
        page.contains("提高标准第2行：提高百分比“十”不是数字"),
        "{page}"
    );
    assert!(
        page.contains("value=\"L1399\""),
        "the rows keep what was typed"
    );
    bad.retain(|(k, _)| !k.starts_with("sc_raise2"));
    let (s, page) = post_form(&app, "/admin/affordability/runs", &bad).await;
    assert_eq!(s, 422);
    assert!(page.contains("item N9999 is not in the list"), "{page}");
    // The adjustment page offers the assessment and lists its result.
    let (_, adjs) = app.get_json("/api/v1/adjustments").await;
    let adj = adjs["adjustments"][0]["id"].as_i64().unwrap();
    let form: Vec<(String, String)> = [
        ("csrf", csrf.as_str()),
        ("adjustment", &adj.to_string()),
        ("population", id.as_str()),
        ("years", "1"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let (s, _) = post_form(&app, "/admin/affordability/runs", &form).await;
    assert_eq!(s, 200);
    let (_, adj_page) = app.get_html(&format!("/admin/adjustments/{adj}")).await;
    assert!(adj_page.contains("id=\"affordability\""));
    assert!(adj_page.contains("调整测算"), "{adj_page}");
    assert!(adj_page.contains("区级占比"));
}

#[tokio::test]
async fn the_wizard_answers_a_registered_unemployed_veteran_and_a_disabled_child_in_a_dibao_family()
{
    let app = spawn_demo().await;
    let veteran = BTreeMap::from([
        ("age", "35"),
        ("sex", "male"),
        ("residency", "hukou"),
        ("community", "440399003001"),
        ("rural", "false"),
        ("employment", "unemployed"),
        ("veteran", "true"),
        ("assistance", "none"),
        ("disability", "none"),
    ]);
    let (html, _) = walk(&app, &veteran).await;
    let n2003 = result(&html, "eligible", "N2003").expect("退役军人就业创业服务");
    assert!(n2003.contains("退役军人 ✓"), "{n2003}");
    assert!(result(&html, "eligible", "N0803").is_some(), "就业失业登记");
    assert!(result(&html, "ineligible", "N1005").is_some());

    let child = BTreeMap::from([
        ("age", "5"),
        ("sex", "female"),
        ("residency", "hukou"),
        ("community", "440399004001"),
        ("rural", "false"),
        ("assistance", "dibao"),
        ("disability", "physical"),
        ("disability_grade", "1"),
        ("school_stage", "preschool"),
        ("child_in_difficulty", "none"),
        ("chronic_conditions", "none"),
        ("sudden_hardship", "false"),
        ("housing_difficulty", "false"),
    ]);
    let (html, asked) = walk(&app, &child).await;
    assert!(
        !asked.contains(&"employment".to_string()),
        "a child is not asked about work: {asked:?}"
    );
    for code in ["N1903", "N1701", "N0202", "N0401"] {
        assert!(
            result(&html, "eligible", code).is_some(),
            "{code} for the child"
        );
    }
    let n1701 = result(&html, "eligible", "N1701").unwrap();
    assert!(n1701.contains("最低生活保障"), "{n1701}");
}
