#![allow(dead_code)] // shared by every test module; not each uses every helper

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use api::auth::{JwtKeys, JwtSigner, Role};
use api::pii::PiiCipher;
use api::server::{AppState, serve};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};

pub const SECRET: &[u8] = b"integration-test-secret-0123456789";
pub const ISSUER: &str = "establishment-tests";
pub const AUDIENCE: &str = "establishment-api";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    pub pii: PiiCipher,
    pub signer: JwtSigner,
    statements: Arc<AtomicUsize>,
    _dir: tempfile::TempDir,
}

/// A fresh database: an SQLite file in a temp folder, or a new schema in TEST_DATABASE_URL.
/// On PostgreSQL the server also gets a second pool whose transactions are read only, standing
/// in for a streaming replica: any query that tried to write would fail the suite.
async fn fresh_database(dir: &tempfile::TempDir) -> (DatabaseConnection, DatabaseConnection) {
    let (url, schema) = fresh_database_url(dir).await;
    match schema {
        Some(schema) => {
            let db = api::db::connect_with(&url, Some(&schema)).await.expect("connect to test schema");
            let separator = if url.contains('?') { '&' } else { '?' };
            let read_only = format!("{url}{separator}options=-c%20default_transaction_read_only%3Don");
            let read = api::db::connect_with(&read_only, Some(&schema)).await.expect("connect read-only");
            (db, read)
        }
        None => {
            let db = api::db::connect(&url).await.expect("open SQLite test database");
            (db.clone(), db)
        }
    }
}

/// A signer for the test servers' key (what `api serve` gives sign-in).
pub fn test_signer() -> api::auth::JwtSigner {
    JwtKeys::from_secret(SECRET, Some(ISSUER.into()), Some(AUDIENCE.into())).signer.unwrap()
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|state| state).await
}

/// A server whose state the test adjusts first (limits, rate limits, metrics token).
pub async fn spawn_app_with(configure: impl FnOnce(AppState) -> AppState) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let (db, read) = fresh_database(&dir).await;
    start(dir, db, read, configure).await
}

/// A server whose primary and replica are the given pools (a test that cuts the database).
pub async fn spawn_app_on(
    dir: tempfile::TempDir,
    db: DatabaseConnection,
    configure: impl FnOnce(AppState) -> AppState,
) -> TestApp {
    start(dir, db.clone(), db, configure).await
}

/// The URL and schema of a fresh test database, for a test that opens its own pools.
pub async fn fresh_database_url(dir: &tempfile::TempDir) -> (String, Option<String>) {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
            let admin = api::db::connect(&url).await.expect("connect to TEST_DATABASE_URL");
            admin.execute_unprepared(&format!("CREATE SCHEMA {schema}")).await.expect("create test schema");
            admin.close().await.ok();
            (url, Some(schema))
        }
        _ => (format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display()), None),
    }
}

async fn start(
    dir: tempfile::TempDir,
    mut db: DatabaseConnection,
    mut read: DatabaseConnection,
    configure: impl FnOnce(AppState) -> AppState,
) -> TestApp {
    api::write::migrate(&db).await.expect("migrations run");
    let statements = Arc::new(AtomicUsize::new(0));
    for connection in [&mut db, &mut read] {
        let counter = statements.clone();
        connection.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
    }
    let keys = JwtKeys::from_secret(SECRET, Some(ISSUER.into()), Some(AUDIENCE.into()));
    let pii = PiiCipher::new("integration-test-pii-key");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a random port");
    let address = format!("http://{}", listener.local_addr().unwrap());
    let state = configure(AppState::new(db.clone(), keys.verifier, pii.clone()).with_read_replica(read));
    let server = serve(listener, state).expect("server starts");
    tokio::spawn(server);
    // A pooled connection idle longer than the server's keep-alive (5 s) may already be closed
    // without this single-threaded runtime having seen it (a test busy computing for seconds):
    // such a connection is not reused.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .pool_idle_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    TestApp { address, client, db, pii, signer: keys.signer.unwrap(), statements, _dir: dir }
}

impl TestApp {
    pub fn token(&self, role: Role, jurisdiction: &str) -> String {
        self.signer.sign(role, Some(jurisdiction), None, "tester", Duration::from_secs(600)).unwrap()
    }

    pub fn office(&self, jurisdiction: &str) -> String {
        self.token(Role::StaffingOffice, jurisdiction)
    }

    pub fn department_token(&self, jurisdiction: &str, department: i32) -> String {
        self.signer
            .sign(Role::Department, Some(jurisdiction), Some(department), "dept", Duration::from_secs(600))
            .unwrap()
    }

    /// An institution's own account (`INSTITUTION`, claim `institution`).
    pub fn institution_token(&self, jurisdiction: &str, institution: &str) -> String {
        let mut principal = api::auth::Principal::of(Role::Institution, jurisdiction, "unit");
        principal.institution = Some(institution.parse().unwrap());
        self.signer.sign_principal(&principal, None, Duration::from_secs(600)).unwrap()
    }

    /// Rows in every table a write touches: a refused request must leave them all unchanged.
    pub async fn row_counts(&self) -> Vec<(&'static str, i64)> {
        use sea_orm::{FromQueryResult, Statement};
        #[derive(FromQueryResult)]
        struct N {
            n: i64,
        }
        let mut counts = Vec::new();
        for table in [
            "jurisdiction",
            "department",
            "institution",
            "classification_decision",
            "establishment_event",
            "establishment_balance",
            "staff",
            "staff_movement",
            "audit_log",
            "reform",
            "pool_loan",
            "determination_decision",
            "control_figure",
            "establishment_ceiling",
            "turnover_pool",
            "vacancy_use_plan",
            "submission",
            "submission_step",
        ] {
            let sql = format!("SELECT COUNT(*) AS n FROM {table}");
            let backend = self.db.get_database_backend();
            let row = N::find_by_statement(Statement::from_string(backend, sql)).one(&self.db).await.unwrap().unwrap();
            counts.push((table, row.n));
        }
        counts
    }

    /// Asserts a request is refused with `code` and writes nothing.
    pub async fn refused(&self, token: Option<&str>, query: &str, variables: Value, code: &str) -> Value {
        let before = self.row_counts().await;
        let (_, body) = self.graphql(token, query, variables).await;
        assert_eq!(body["errors"][0]["extensions"]["code"].as_str(), Some(code), "{body}");
        assert_eq!(self.row_counts().await, before, "a refused request wrote something: {body}");
        body
    }

    pub fn statements(&self) -> usize {
        self.statements.load(Ordering::SeqCst)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.address)).send().await.expect("request sent")
    }

    /// The text a GET answers with a bearer token (a download, the metrics).
    pub async fn text(&self, path: &str, token: &str) -> String {
        let response = self.client.get(format!("{}{path}", self.address)).bearer_auth(token).send().await;
        response.expect("request sent").text().await.expect("a text body")
    }

    /// Posts a GraphQL request with an optional bearer token; returns status and body.
    pub async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
        let mut request = self.client.post(format!("{}/graphql", self.address)).json(&json!({
            "query": query,
            "variables": variables,
        }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        (status, response.json().await.expect("JSON body"))
    }

    /// Runs a GraphQL request that must succeed, returning `data`.
    pub async fn ok(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let (status, body) = self.graphql(token, query, variables).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// Runs a GraphQL request that must fail, returning the first error's code.
    pub async fn error_code(&self, token: Option<&str>, query: &str, variables: Value) -> String {
        let (_, body) = self.graphql(token, query, variables).await;
        let code = body["errors"][0]["extensions"]["code"].as_str();
        code.unwrap_or_else(|| panic!("expected an error with a code, got {body}")).to_string()
    }
}

/// An account to make with `api::signin::add_user`.
pub fn new_account<'a>(
    username: &'a str,
    password: Option<&'a str>,
    role: Role,
    jurisdiction: &'a str,
    department: Option<i32>,
) -> api::signin::NewAccount<'a> {
    api::signin::NewAccount { username, password, role, jurisdiction, department, institution: None, subject: None }
}
