//! The public portal in a real browser (headless Chromium): it loads the demo city's
//! release, shows its figures, finds an institution, and requests nothing but the API.

use std::path::PathBuf;
use std::process::Command;

use serde_json::json;

use crate::helpers::spawn_app;

fn chromium() -> Option<PathBuf> {
    let path = PathBuf::from(std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()));
    if path.exists() {
        return Some(path);
    }
    assert!(std::env::var("REQUIRE_BROWSER").is_err(), "REQUIRE_BROWSER is set but {} is missing", path.display());
    eprintln!("skipped: no Chromium at {} (CI installs it and sets REQUIRE_BROWSER)", path.display());
    None
}

/// Loads a page headless, waiting for its requests, and returns the DOM and the network log.
fn load(browser: &PathBuf, url: &str) -> (String, serde_json::Value) {
    load_sized(browser, url, "1280,900")
}

/// As `load`, in a window of `size` ("width,height"): a phone is 390,844.
fn load_sized(browser: &PathBuf, url: &str, size: &str) -> (String, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("net.json");
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=15000",
            "--dump-dom",
        ])
        .arg(format!("--window-size={size}"))
        .arg(format!("--user-data-dir={}", dir.path().join("profile").display()))
        .arg(format!("--log-net-log={}", log.display()))
        .arg(url)
        .output()
        .expect("Chromium runs");
    let dom = String::from_utf8_lossy(&output.stdout).to_string();
    let net = serde_json::from_str(&std::fs::read_to_string(&log).unwrap_or_default()).unwrap_or_default();
    (dom, net)
}

/// Counts the requests a page on `origin` made itself, asserting each went to `origin`.
fn requests_of_the_page(net: &serde_json::Value, origin: &str) -> usize {
    let mut page_requests = 0;
    for event in net["events"].as_array().into_iter().flatten() {
        let params = &event["params"];
        if let (Some(initiator), Some(url)) = (params["initiator"].as_str(), params["url"].as_str())
            && initiator == origin
        {
            page_requests += 1;
            assert!(url.starts_with(origin), "the page requested {url}");
        }
    }
    page_requests
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_portal_shows_the_demo_release_finds_an_institution_and_calls_only_the_api() {
    let Some(browser) = chromium() else { return };
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    app.ok(Some(&app.office("620700")), "mutation { publishRelease { id } }", json!({})).await;
    let url = format!("{}/?q=%E4%BA%BA%E6%B0%91%E5%8C%BB%E9%99%A2", app.address);
    let (dom, net) = tokio::task::spawn_blocking(move || load(&browser, &url)).await.unwrap();
    assert!(dom.contains(r#"data-ready="true""#), "the page did not finish loading: {}", &dom[..dom.len().min(2000)]);
    for figure in ["<b>236</b>", "<b>4,158</b>", "<b>3,605</b>", "<b>553</b>", "<b>3,980</b>", "<b>480</b>"] {
        assert!(dom.contains(figure), "{figure} missing from the page");
    }
    assert!(dom.contains("张掖市人民医院"), "the search did not find the hospital");
    assert!(!dom.contains("张掖市农业科学研究院"), "the search did not filter");
    // Over establishment shown and explained; one name per figure; the publisher and the date.
    assert!(dom.contains("<b>74</b>") && dom.contains("超编 74"), "over establishment explained");
    assert!(dom.contains("在编人员") && !dom.contains("实有人员"), "one name for staff in establishment");
    assert!(dom.contains("发布机关：张掖市机构编制委员会办公室"), "the footer names the publisher");
    assert!(dom.contains(".csv?lang=zh") && dom.contains(".xlsx?lang=zh"), "the release can be downloaded");
    // Every request the page itself made went to the API's own origin.
    let page_requests = requests_of_the_page(&net, &app.address);
    assert!(page_requests >= 2, "the page's own requests were not seen in the network log");
}

#[tokio::test]
async fn the_portal_is_served_with_a_policy_that_forbids_other_origins() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    let policy = response.headers().get("content-security-policy").unwrap().to_str().unwrap().to_string();
    assert!(policy.contains("connect-src 'self'") && policy.contains("default-src 'none'"), "{policy}");
    let page = response.text().await.unwrap();
    assert!(!page.contains("http://") && !page.contains("https://"), "the page names no outside address");
}

#[tokio::test]
async fn graphiql_is_served_from_the_binary_with_nothing_from_another_origin() {
    let app = spawn_app().await;
    let response = app.get("/graphql").await;
    assert_eq!(response.status().as_u16(), 200);
    let policy = response.headers().get("content-security-policy").unwrap().to_str().unwrap().to_string();
    assert!(policy.contains("default-src 'none'") && policy.contains("script-src 'self'"), "{policy}");
    let page = response.text().await.unwrap();
    assert!(!page.contains("http://") && !page.contains("https://"), "the page names an outside address");
    for asset in
        ["graphiql.min.js", "graphiql.min.css", "react.production.min.js", "react-dom.production.min.js", "init.js"]
    {
        let response = app.get(&format!("/graphiql/{asset}")).await;
        assert_eq!(response.status().as_u16(), 200, "{asset}");
        assert!(!response.bytes().await.unwrap().is_empty(), "{asset}");
    }
    assert_eq!(app.get("/graphiql/../Cargo.toml").await.status().as_u16(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_starts_in_a_browser_offline() {
    let Some(browser) = chromium() else { return };
    let app = spawn_app().await;
    let url = format!("{}/graphql", app.address);
    let (dom, net) = tokio::task::spawn_blocking(move || load(&browser, &url)).await.unwrap();
    assert!(dom.contains("graphiql-container"), "GraphiQL did not start: {}", &dom[..dom.len().min(2000)]);
    // Every request the page made (Chromium's own background traffic aside) is to this server.
    let page_requests = requests_of_the_page(&net, &app.address);
    assert!(page_requests >= 4, "the page's own requests were not seen: {page_requests}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_county_page_on_a_phone_keeps_its_state_in_the_url_and_shows_what_changed() {
    let Some(browser) = chromium() else { return };
    let app = spawn_app().await;
    api::seed::demo::load(&app.db, &app.pii).await.unwrap();
    // A second release of Minle after a change: the page lists what changed since the first.
    let minle = app.office("620722");
    let page = app
        .ok(Some(&minle), r#"{ institutions(jurisdiction: "620722", first: 1) { edges { node { id } } } }"#, json!({}))
        .await;
    let unit = page["institutions"]["edges"][0]["node"]["id"].as_str().unwrap().to_string();
    let event = "mutation($i: EstablishmentEventInput!) { recordEstablishmentEvent(input: $i) { operation } }";
    let input = json!({"i": {"institutionId": unit, "action": "APPROVE", "funding": "FISCAL", "slots": 1,
        "documentNo": "民编发〔2026〕3号", "effectiveOn": "2026-06-01", "reason": "新增职能"}});
    app.ok(Some(&minle), event, input).await;
    app.ok(Some(&minle), "mutation { publishRelease(note: \"第二次公开\") { id } }", json!({})).await;
    let url = format!("{}/?j=620722&s=EDUCATION", app.address);
    let (dom, _) = tokio::task::spawn_blocking(move || load_sized(&browser, &url, "390,844")).await.unwrap();
    assert!(dom.contains(r#"data-ready="true""#), "the page did not finish loading: {}", &dom[..dom.len().min(2000)]);
    assert!(dom.contains("县委直属") && dom.contains("县政府直属"), "a county's sectors are named after the county");
    assert!(!dom.contains("市委直属"), "a city's label on a county page");
    assert!(dom.contains("民乐县") && dom.contains("发布机关：民乐县机构编制委员会办公室"));
    assert!(dom.contains("与上次发布相比的变化") && dom.contains("变更"), "what changed since the last release");
    let rows = dom.matches(r#"class="item""#).count();
    assert!(rows > 0, "the education units are listed");
    assert!(!dom.contains("农业技术推广中心"), "the sector filter from the URL applies");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_error_is_shown_in_chinese() {
    let Some(browser) = chromium() else { return };
    let app = spawn_app().await;
    api::seed::zhangye_tree(&app.db).await.unwrap();
    let url = format!("{}/?j=999999", app.address);
    let (dom, _) = tokio::task::spawn_blocking(move || load(&browser, &url)).await.unwrap();
    assert!(dom.contains("数据加载失败"), "{}", &dom[..dom.len().min(3000)]);
    assert!(!dom.contains("not found"), "no English message in the Chinese page");
}

#[tokio::test]
async fn the_public_downloads_a_release_as_published() {
    let app = spawn_app().await;
    let w = crate::fixture::world(&app).await;
    let release = app.ok(Some(&w.city.token), "mutation { publishRelease { id } }", json!({})).await;
    let id = release["publishRelease"]["id"].as_str().unwrap().to_string();
    let csv = app.get(&format!("/releases/{id}.csv")).await;
    assert_eq!(csv.status().as_u16(), 200);
    assert!(csv.headers()["content-disposition"].to_str().unwrap().contains(&format!("release-{id}-")));
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("\u{feff}单位名称,"), "{text}");
    assert!(text.contains("张掖市疾病预防控制中心") && text.contains("卫生健康"), "Chinese values: {text}");
    let xlsx = app.get(&format!("/releases/{id}.xlsx?lang=en")).await;
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
    assert_eq!(app.get("/releases/999.csv").await.status().as_u16(), 404);
    assert_eq!(app.get("/releases/x.pdf").await.status().as_u16(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_console_is_served_from_the_binary_and_opens_on_its_sign_in_form() {
    let app = spawn_app().await;
    let response = app.get("/office/").await;
    assert_eq!(response.status().as_u16(), 200);
    let policy = response.headers().get("content-security-policy").unwrap().to_str().unwrap().to_string();
    assert!(policy.contains("connect-src 'self'") && policy.contains("default-src 'none'"), "{policy}");
    let page = response.text().await.unwrap();
    assert!(!page.contains("http://") && !page.contains("https://"), "the console names no outside address");
    assert!(page.contains("/auth/login") && page.contains("用户名"));
    let Some(browser) = chromium() else { return };
    let url = format!("{}/office/", app.address);
    let (dom, net) = tokio::task::spawn_blocking(move || load(&browser, &url)).await.unwrap();
    assert!(dom.contains(r#"data-ready="login""#), "{}", &dom[..dom.len().min(2000)]);
    requests_of_the_page(&net, &app.address);
}
