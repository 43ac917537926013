//! The documents an office issues (CONTRACT.md `/documents/...`), read the way their readers
//! read them: the PDF's text extracted by poppler's `pdftotext` holds the document number,
//! the institution, the person and the figures; each is refused to the public, an evaluator
//! and another county; the verification code looks up, and stops matching once the record
//! changes.

use std::process::{Command, Stdio};

use api::auth::Role;
use serde_json::{Value, json};

use crate::fixture::{EVENT, HIRE, event, hire_input, national_id, second_institution, world};
use crate::helpers::{TestApp, spawn_app};

/// A document as `token` downloads it: the status, the verification code header and the
/// text poppler extracts (empty when refused).
async fn document(app: &TestApp, token: Option<&str>, path: &str) -> (u16, String, String) {
    let mut request = app.client.get(format!("{}{path}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let code = response.headers().get("x-verification-code").map(|v| v.to_str().unwrap().to_string());
    if status != 200 {
        return (status, String::new(), String::new());
    }
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "{path} is a PDF");
    (status, code.unwrap_or_default(), pdf_text(&bytes))
}

/// `pdftotext` (poppler-utils) over the bytes: the text a reader copies out of the PDF.
fn pdf_text(pdf: &[u8]) -> String {
    use std::io::Write;
    let mut child = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext runs (apt-get install poppler-utils)");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "pdftotext reads the document");
    String::from_utf8(output.stdout).unwrap()
}

/// The text without the spaces and line breaks layout put in.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

async fn timeline(app: &TestApp, token: &str, institution: &str) -> Vec<Value> {
    let query = "query($id: ID!) { institutionTimeline(id: $id) { category what documentNo document } }";
    let data = app.ok(Some(token), query, json!({"id": institution})).await;
    data["institutionTimeline"].as_array().unwrap().clone()
}

fn entry<'a>(entries: &'a [Value], category: &str, what: &str) -> &'a Value {
    entries
        .iter()
        .find(|e| e["category"] == category && e["what"].as_str().unwrap().starts_with(what))
        .unwrap_or_else(|| panic!("no {category} {what} in {entries:?}"))
}

async fn verify(app: &TestApp, token: &str, code: &str) -> (u16, Value) {
    let response =
        app.client.get(format!("{}/documents/verify/{code}", app.address)).bearer_auth(token).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_vacancy_use_notice_states_the_plan_and_is_read_only_by_those_who_hold_it() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let query = "query($id: ID!) { institution(id: $id) { name vacancyUsePlans { id documentNo approved notice } } }";
    let data = app.ok(Some(&w.city.token), query, json!({"id": w.city.institution})).await;
    let plan = &data["institution"]["vacancyUsePlans"][0];
    let path = plan["notice"].as_str().expect("an approved plan has a notice").to_string();
    assert_eq!(path, format!("/documents/vacancy-use/{}.pdf", plan["id"].as_str().unwrap()));

    let (status, code, text) = document(&app, Some(&w.city.token), &path).await;
    assert_eq!(status, 200);
    let text = squeezed(&text);
    for expected in [
        "张掖市机构编制委员会办公室",
        "编制使用核准通知单",
        "张编办〔2015〕9号",
        "张掖市疾病预防控制中心",
        "张掖市卫生健康局",
        "核准数量1名",
        "公开招聘",
        "专业技术岗",
        "（印章）",
    ] {
        assert!(text.contains(expected), "the notice says {expected}: {text}");
    }
    assert!(code.starts_with(&format!("VU{}-", plan["id"].as_str().unwrap())), "{code}");
    assert!(text.contains(&code), "the verification code is printed: {text}");
    assert!(text.contains("审计链第"), "the audit chain's head is printed: {text}");
    // Dates under the seal are written in Chinese numerals.
    assert!(text.contains("二〇"), "{text}");

    // Its department reads it; the public, an evaluator and another county do not.
    let department = app.department_token("620700", w.city.department.parse().unwrap());
    assert_eq!(document(&app, Some(&department), &path).await.0, 200);
    assert_eq!(document(&app, None, &path).await.0, 403);
    let evaluator =
        app.signer.sign(Role::Evaluator, Some("620700"), None, "judge", std::time::Duration::from_secs(600)).unwrap();
    assert_eq!(document(&app, Some(&evaluator), &path).await.0, 403);
    assert_eq!(document(&app, Some(&w.minle.token), &path).await.0, 404);
    // A plan that is not there reads as one out of reach.
    assert_eq!(document(&app, Some(&w.city.token), "/documents/vacancy-use/999999.pdf").await.0, 404);
    assert_eq!(document(&app, Some(&w.city.token), "/documents/nothing/1.pdf").await.0, 404);
}

#[tokio::test]
async fn notices_and_replies_come_from_the_timeline_with_their_figures() {
    let app = spawn_app().await;
    let w = world(&app).await;
    app.ok(Some(&w.city.token), EVENT, event(&w.city.institution, "APPROVE", 2)).await;
    // A person outside establishment (编外) enters no establishment: no 入编 notice.
    let temporary = hire_input(&w.city.institution, "编外职工", &national_id("620700", "19900101", 9), "TEMPORARY");
    app.ok(Some(&w.city.token), HIRE, json!({"input": temporary})).await;
    let entries = timeline(&app, &w.city.token, &w.city.institution).await;
    let hires: Vec<&Value> = entries.iter().filter(|e| e["what"] == "HIRE").collect();
    assert_eq!(hires.len(), 2, "{entries:?}");
    assert_eq!(hires.iter().filter(|e| e["document"].is_null()).count(), 1, "{entries:?}");

    // The 批复 of the event: what was granted, under which number, and the figure after it.
    let reply = entry(&entries, "ESTABLISHMENT", "APPROVE FISCAL +2")["document"].as_str().unwrap().to_string();
    let (status, _, text) = document(&app, Some(&w.city.token), &reply).await;
    assert_eq!(status, 200);
    let text = squeezed(&text);
    for expected in ["批复", "张编发〔2025〕7号", "核增", "张掖市疾病预防控制中心", "调整后核定数7名", "2025年3月1日"]
    {
        assert!(text.contains(expected), "the reply says {expected}: {text}");
    }

    // The 入编 notice of the hire: the person, masked for all but the person's own office.
    let notice = hires.iter().find_map(|e| e["document"].as_str()).unwrap().to_string();
    let (status, _, text) = document(&app, Some(&w.city.token), &notice).await;
    assert_eq!(status, 200);
    let text = squeezed(&text);
    for expected in ["事业单位人员入编通知单", "张掖市职工", w.city.national_id.as_str(), "财政拨款"]
    {
        assert!(text.contains(expected), "the notice says {expected}: {text}");
    }
    let department = app.department_token("620700", w.city.department.parse().unwrap());
    let (status, _, text) = document(&app, Some(&department), &notice).await;
    assert_eq!(status, 200);
    assert!(!text.contains(&w.city.national_id), "a department sees the number masked: {text}");
    assert!(squeezed(&text).contains(&format!("**************{}", &w.city.national_id[14..])), "{text}");
    assert_eq!(document(&app, Some(&w.sunan.token), &notice).await.0, 404);
}

#[tokio::test]
async fn the_establishment_card_holds_the_unit_its_figures_its_people_and_its_decisions() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let path = format!("/documents/institution/{}.pdf", w.city.institution);
    let (status, code, text) = document(&app, Some(&w.city.token), &path).await;
    assert_eq!(status, 200);
    let text = squeezed(&text);
    for expected in [
        "事业单位机构编制管理证（编制卡）",
        "张掖市疾病预防控制中心",
        "公共卫生服务",
        "办公室、业务科",
        "主任1名",
        "编制情况",
        "张掖市职工",
        w.city.national_id.as_str(),
        "张编发〔2024〕1号",
    ] {
        assert!(text.contains(expected), "the card says {expected}: {text}");
    }
    // The fiscal row: approved 5, frozen 0, pool 0/0, occupied 1, vacant 4.
    assert!(text.contains("财政拨款500/014"), "{text}");

    // The code looks up for the office and the department alike while the record stands ...
    let (status, verdict) = verify(&app, &w.city.token, &code).await;
    assert_eq!(status, 200, "{verdict}");
    assert_eq!(verdict["matches"], true, "{verdict}");
    assert_eq!(verdict["path"], path);
    let department = app.department_token("620700", w.city.department.parse().unwrap());
    assert_eq!(verify(&app, &department, &code).await.1["matches"], true);
    // ... is unknown to another county ...
    assert_eq!(verify(&app, &w.minle.token, &code).await.0, 404);
    assert_eq!(verify(&app, &w.city.token, "XX1-00000000").await.0, 404);
    // ... and no longer matches once the card would say something else.
    app.ok(Some(&w.city.token), EVENT, event(&w.city.institution, "APPROVE", 2)).await;
    let (_, verdict) = verify(&app, &w.city.token, &code).await;
    assert_eq!(verdict["matches"], false, "{verdict}");
    assert_ne!(verdict["currentCode"], code);
    let (_, now, _) = document(&app, Some(&w.city.token), &path).await;
    assert_eq!(verdict["currentCode"], now);
}

#[tokio::test]
async fn a_determination_and_a_merger_have_their_replies_for_both_units() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = Some(w.city.token.as_str());
    let decide = "mutation($i: DecideDeterminationsInput!) { decideDeterminations(input: $i) { level } }";
    let decision = json!({"i": {"institutionId": w.city.institution, "level": "DEPUTY_DIVISION",
        "responsibilities": "承担全市疾病预防控制和健康促进工作", "documentNo": "张编发〔2026〕9号",
        "decidedOn": "2026-06-01", "reason": "升格"}});
    app.ok(t, decide, decision).await;
    let small = second_institution(&app, &w.city.token, &w.city.department, "张掖市健康教育所", 44, 2).await;
    let merge = "mutation($i: MergeInput!) { mergeInstitutions(input: $i) { slotsMoved } }";
    let input = json!({"i": {"sourceIds": [small], "targetId": w.city.institution, "documentNo": "张编发〔2026〕11号",
        "effectiveOn": "2026-07-01", "reason": "整合健康教育职能"}});
    app.ok(t, merge, input).await;

    let entries = timeline(&app, &w.city.token, &w.city.institution).await;
    let determination = entry(&entries, "DETERMINATION", "")["document"].as_str().unwrap().to_string();
    let (status, _, text) = document(&app, Some(&w.city.token), &determination).await;
    assert_eq!(status, 200);
    let text = squeezed(&text);
    for expected in [
        "关于调整张掖市疾病预防控制中心机构编制事项的批复",
        "张编发〔2026〕9号",
        "公共卫生服务",
        "承担全市疾病预防控制和健康促进工作",
        "2026年6月1日",
    ] {
        assert!(text.contains(expected), "the reply says {expected}: {text}");
    }
    // The merger's reply is read from the receiving unit's history: the merged unit, the one it joined.
    let merger = entry(&entries, "REFORM", "MERGE")["document"].as_str().unwrap().to_string();
    let (status, _, text) = document(&app, Some(&w.city.token), &merger).await;
    assert_eq!(status, 200);
    let text = squeezed(&text);
    for expected in
        ["关于张掖市健康教育所合并的批复", "并入张掖市疾病预防控制中心", "张编发〔2026〕11号", "整合健康教育职能"]
    {
        assert!(text.contains(expected), "the reply says {expected}: {text}");
    }
    assert_eq!(document(&app, Some(&w.minle.token), &merger).await.0, 404);
    assert_eq!(document(&app, None, &determination).await.0, 403);
}
