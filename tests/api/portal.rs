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
