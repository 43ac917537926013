//! The `api` command line (CONTRACT.md).

use std::net::TcpListener;
use std::path::PathBuf;

use anyhow::Context;
use api::auth::{JwtKeys, Principal, Role, parse_ttl};
use api::cli::{Cli, Command, ImportKind};
use api::scope::Scope;
use api::server::{AppState, serve};
use clap::Parser;
use sea_orm::EntityTrait;

/// mimalloc rather than the system allocator: a request allocates and frees many small values
/// (rows, GraphQL values, JSON), and glibc's malloc was a fifth of the API's time under load
/// (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn print_report(report: &api::import::ImportReport, what: &str) -> std::process::ExitCode {
    if !report.errors.is_empty() {
        eprintln!("nothing imported: {} error(s)", report.error_count);
        for error in &report.errors {
            eprintln!("{error}");
        }
        if report.error_count > report.errors.len() {
            eprintln!("… and {} more", report.error_count - report.errors.len());
        }
        return std::process::ExitCode::FAILURE;
    }
    let mut summary = format!("imported {} {what}", report.written);
    if !report.created_departments.is_empty() {
        summary.push_str(&format!("; created departments: {}", report.created_departments.join(", ")));
    }
    if report.over_establishment > 0 {
        summary.push_str(&format!("; {} recorded over establishment (超编)", report.over_establishment));
    }
    if report.past_retirement_age > 0 {
        summary.push_str(&format!(
            "; {} in post past the statutory retirement age, recorded as inherited",
            report.past_retirement_age
        ));
    }
    println!("{summary}");
    for notice in &report.notices {
        println!("note: {notice}");
    }
    std::process::ExitCode::SUCCESS
}

fn main() -> anyhow::Result<std::process::ExitCode> {
    // Secrets given as files (`JWT_SECRET_FILE`...) become the settings they name, before the
    // command line is read and before any other thread exists.
    for (name, value) in api::config::secrets_from_files(|name| std::env::var(name).ok())? {
        // SAFETY: the process has one thread here: the runtime is built below.
        unsafe { std::env::set_var(name, value) };
    }
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(start())
}

async fn start() -> anyhow::Result<std::process::ExitCode> {
    let cli = Cli::parse();
    let settings = cli.settings;
    let format = match std::env::var("LOG_FORMAT").as_deref() {
        Ok("json") => api::telemetry::LogFormat::Json,
        _ => api::telemetry::LogFormat::Text,
    };
    // Traces are the server's: other subcommands log only.
    let (otlp, service) = match &cli.command {
        Command::Serve { server, .. } => (server.otlp_endpoint.as_deref(), server.otel_service_name.as_str()),
        _ => (None, "establishment-api"),
    };
    let telemetry = api::telemetry::init(format, otlp, service)?;
    let code = run(cli.command, settings).await;
    telemetry.shutdown();
    code
}

async fn run(command: Command, settings: api::config::Global) -> anyhow::Result<std::process::ExitCode> {
    match command {
        Command::Serve { demo, identity, personal, server } => {
            let limits = api::db::PoolLimits {
                acquire_timeout: std::time::Duration::from_millis(server.db_acquire_timeout_ms),
                statement_timeout: (server.statement_timeout_ms > 0)
                    .then(|| std::time::Duration::from_millis(server.statement_timeout_ms)),
                max_connections: server.db_pool_size,
            };
            let db = api::db::connect_limited(&settings.database_url, None, limits)
                .await
                .context("connecting to the database")?;
            if server.migrate_on_start {
                api::write::migrate(&db).await.context("migrating the database")?;
            } else {
                let pending = api::db::pending_migrations(&db).await?;
                anyhow::ensure!(
                    pending.is_empty(),
                    "MIGRATE_ON_START=false and {} migration(s) pending ({}): run `api migrate` first",
                    pending.len(),
                    pending.join(", ")
                );
            }
            let keys = JwtKeys::load(&identity, &settings.data_dir)?;
            let pii = api::pii_cipher(&personal, &settings.data_dir)?;
            api::pii::ensure_fingerprint(&db, &pii).await?;
            if demo && entity::jurisdiction::Entity::find().one(&db).await?.is_none() {
                let summary = api::seed::demo::load(&db, &pii).await?;
                tracing::info!(?summary, "demo city loaded");
            }
            let release_signer = api::disclosure::signing::ReleaseSigner::load(
                server.release_signing_key_file.as_deref(),
                &settings.data_dir,
            )?;
            release_signer.register(&db).await.context("recording the release-signing key")?;
            tracing::info!(fingerprint = release_signer.fingerprint(), "releases are signed with this key");
            let listener = TcpListener::bind(&server.bind).with_context(|| format!("binding {}", server.bind))?;
            let signer = keys.signer;
            let mut state = AppState::new(db, keys.verifier, pii)
                .with_limits(api::server::Limits {
                    deadline: std::time::Duration::from_secs(server.request_timeout_secs.max(1)),
                    workers: server.workers,
                    ..Default::default()
                })
                .with_throttle(api::throttle::Throttle::new(server.rate_limit_public, server.rate_limit_token))
                .with_proxy_header(server.trusted_proxy_header.as_deref())?
                .with_metrics_token(server.metrics_token.clone())
                .with_cors_origins(server.cors_origins.clone());
            if let Some(token) = &server.metrics_token {
                api::config::check_secret("METRICS_TOKEN", token)?;
            }
            if let Some(url) = &server.database_read_url {
                let replica =
                    api::db::connect_limited(url, None, limits).await.context("connecting to the read replica")?;
                state = state.with_read_replica(replica);
                tracing::info!("queries read from the replica");
            }
            if let Some(signer) = signer {
                let signer = signer.for_sessions()?;
                let ttl = parse_ttl(&server.session_ttl).map_err(anyhow::Error::msg)?;
                state = state.with_signin(api::signin::SignIn::new(signer, ttl, server.session_cookie_secure)?);
                if let Some(oidc) = server.oidc() {
                    tracing::info!(issuer = %oidc.issuer, "people sign in at the OpenID Connect provider");
                    state = state.with_oidc(api::oidc::Oidc::new(oidc)?);
                }
            } else if server.oidc().is_some() {
                anyhow::bail!("OIDC_ISSUER needs a key to sign session tokens (JWT_SECRET or a private key)");
            }
            let state = state.count_statements().with_release_signer(release_signer);
            // Releases published before releases were signed (or by the demo's seeding) are
            // signed now, in the background: their first download would sign them otherwise.
            let signing = state.clone();
            tokio::spawn(async move {
                match api::disclosure::signing::sign_unsigned(&signing.db, &signing.release_signer).await {
                    Ok(0) => {}
                    Ok(count) => tracing::info!(count, "releases signed"),
                    Err(error) => tracing::warn!(error = %error.message(), "signing earlier releases"),
                }
            });
            let metrics_server = match &server.metrics_bind {
                Some(address) => {
                    let listener =
                        TcpListener::bind(address).with_context(|| format!("binding the metrics address {address}"))?;
                    tracing::info!(address = %listener.local_addr()?, "metrics served");
                    Some(api::server::serve_metrics(listener, state.metrics.clone())?)
                }
                None => None,
            };
            tracing::info!(address = %listener.local_addr()?, "serving");
            let api_server = serve(listener, state)?;
            match metrics_server {
                Some(metrics_server) => {
                    tokio::try_join!(api_server, metrics_server)?;
                }
                None => api_server.await?,
            }
        }
        Command::Seed { demo, synthetic, cities, counties_per_city, scale, personal } => {
            anyhow::ensure!(demo || synthetic, "say what to load: `api seed --demo` or `api seed --synthetic`");
            let db = api::db::connect(&settings.database_url).await.context("connecting to the database")?;
            api::write::migrate(&db).await.context("migrating the database")?;
            let pii = api::pii_cipher(&personal, &settings.data_dir)?;
            api::pii::ensure_fingerprint(&db, &pii).await?;
            if synthetic {
                let started = std::time::Instant::now();
                let summary = api::seed::demo::load_synthetic(&db, &pii, cities, counties_per_city, scale).await?;
                println!(
                    "synthetic province: {} jurisdictions, {} institutions, {} people in {:.1} s{}",
                    summary.jurisdictions,
                    summary.institutions,
                    summary.staff,
                    started.elapsed().as_secs_f64(),
                    if summary.already_loaded { " (already loaded)" } else { "" }
                );
                if !demo {
                    return Ok(std::process::ExitCode::SUCCESS);
                }
            }
            let summary = api::seed::demo::load(&db, &pii).await?;
            if summary.already_loaded {
                println!("the demo city is already loaded");
            } else {
                println!(
                    "loaded the demo city: {} jurisdictions, {} institutions, {} people",
                    summary.jurisdictions, summary.institutions, summary.staff
                );
            }
        }
        Command::Import { what, personal } => {
            let db = api::db::connect(&settings.database_url).await.context("connecting to the database")?;
            api::write::migrate(&db).await.context("migrating the database")?;
            let code = match what {
                ImportKind::Departments { file } => {
                    print_report(&api::import::import_departments(&db, &file).await?, "departments")
                }
                ImportKind::Institutions { file } => {
                    print_report(&api::import::import_institutions(&db, &file).await?, "institutions")
                }
                ImportKind::Staff { file, accept_over_establishment } => {
                    let pii = api::pii_cipher(&personal, &settings.data_dir)?;
                    api::pii::ensure_fingerprint(&db, &pii).await?;
                    // Progress on standard error, so a large file shows it is moving.
                    let tell = |stage: &str, done: usize, all: usize| eprintln!("{stage} {done} of {all} rows");
                    let report = api::import::import_staff_with_progress(
                        &db,
                        &pii,
                        &file,
                        accept_over_establishment,
                        Some(&tell),
                    )
                    .await?;
                    print_report(&report, "people")
                }
            };
            return Ok(code);
        }
        Command::Export { what, personal } => {
            let (kind, args) = what.split();
            let db = api::db::connect(&settings.database_url).await.context("connecting to the database")?;
            api::write::migrate(&db).await.context("migrating the database")?;
            let pii = api::pii_cipher(&personal, &settings.data_dir)?;
            api::pii::ensure_fingerprint(&db, &pii).await?;
            let principal = Principal {
                subject: "cli".into(),
                role: Role::StaffingOffice,
                jurisdiction: Some(args.jurisdiction.clone()),
                department: None,
                institution: None,
            };
            let scope = Scope::resolve(&db, principal).await.map_err(|e| anyhow::anyhow!(e.message()))?;
            let format = api::export::Format::parse(&args.format).context("csv or xlsx")?;
            let request = api::export::ExportRequest {
                kind,
                jurisdiction: &args.jurisdiction,
                include_descendants: args.include_descendants,
                release: args.release,
                format,
                chinese: args.chinese,
                pii: &pii,
                writer: &db,
            };
            let file = api::export::build(&db, &scope, &request).await.map_err(|e| anyhow::anyhow!(e.message()))?;
            match (format, &args.output) {
                (api::export::Format::Csv, None) => {
                    std::io::Write::write_all(&mut std::io::stdout().lock(), &file.bytes)?
                }
                (_, path) => {
                    let path = path.clone().unwrap_or_else(|| PathBuf::from(&file.name));
                    std::fs::write(&path, &file.bytes)?;
                    eprintln!("wrote {}", path.display());
                }
            }
        }
        Command::VerifyRelease { file, sig, key, release_signing_key_file } => {
            let body = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let signature = std::fs::read(&sig).with_context(|| format!("reading {}", sig.display()))?;
            let pem = match &key {
                Some(path) => std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
                None => {
                    let path = release_signing_key_file
                        .clone()
                        .unwrap_or_else(|| settings.data_dir.join("release-signing-key.pem"));
                    anyhow::ensure!(path.exists(), "no key: give --key PEM (the server's /release-signing-key.pem)");
                    api::disclosure::signing::ReleaseSigner::load(Some(&path), &settings.data_dir)?
                        .public_key_pem()
                        .to_string()
                }
            };
            match api::disclosure::signing::verify(&body, &signature, &pem) {
                Ok(fingerprint) => {
                    println!("{}: signature valid, key {fingerprint}", file.display());
                    if let Some(named) = api::disclosure::signing::signer_named_in(&body).filter(|n| *n != fingerprint)
                    {
                        println!("(the release names key {named})");
                    }
                }
                Err(reason) => {
                    eprintln!("{}: NOT VALID: {reason}", file.display());
                    return Ok(std::process::ExitCode::FAILURE);
                }
            }
        }
        Command::Backup { file } => {
            let db = api::db::connect(&settings.database_url).await.context("connecting to the database")?;
            api::backup::sqlite(&db, &file).await?;
            println!("backed up to {}", file.display());
        }
        Command::Migrate { action: Some(action), .. } => {
            let db = api::db::connect(&settings.database_url).await.context("connecting to the database")?;
            match action {
                api::cli::MigrateAction::Status => {
                    for (name, applied) in api::db::migration_status(&db).await? {
                        println!("{} {name}", if applied { "applied" } else { "pending" });
                    }
                }
                api::cli::MigrateAction::Down { steps } => {
                    api::db::migrate_down(&db, steps).await.context("rolling back")?;
                    println!("rolled back {steps} migration(s)");
                }
            }
        }
        Command::Migrate { recount_totals, action: None } => {
            let db = api::db::connect(&settings.database_url).await.context("connecting to the database")?;
            let pending = api::db::pending_migrations(&db).await?;
            api::write::migrate(&db).await.context("migrating the database")?;
            println!("applied {} migration(s)", pending.len());
            if recount_totals {
                let n = api::totals::recount_all(&db).await.context("recounting the totals")?;
                println!("recounted the totals of {n} jurisdiction(s)");
            }
        }
        Command::Init { jurisdiction } => {
            let db = api::db::connect(&settings.database_url).await.context("connecting to the database")?;
            api::write::migrate(&db).await.context("migrating the database")?;
            // Each code in its own transaction, in the order given; the first refused stops the run.
            for code in &jurisdiction {
                match api::jurisdiction::init(&db, code).await {
                    Ok(levels) => {
                        for level in levels {
                            let done = if level.created { "created" } else { "already there" };
                            println!("{} {} {} ({done})", level.row.code, level.row.name, level.row.kind.word());
                        }
                    }
                    Err(error) => {
                        eprintln!("{error:#}");
                        return Ok(std::process::ExitCode::FAILURE);
                    }
                }
            }
        }
        Command::User { what } => {
            let db = api::db::connect(&settings.database_url).await.context("connecting to the database")?;
            api::write::migrate(&db).await.context("migrating the database")?;
            match what {
                api::cli::UserCommand::Add {
                    username,
                    username_option,
                    role,
                    jurisdiction,
                    department,
                    institution,
                    subject,
                    oidc,
                } => {
                    let username = username.or(username_option).unwrap_or_default();
                    let role = Role::from_word(&role).with_context(|| format!("unknown role `{role}`"))?;
                    let mut password = String::new();
                    if !oidc {
                        std::io::stdin().read_line(&mut password)?;
                    }
                    let password = password.trim_end_matches(['\n', '\r']);
                    let account = api::signin::add_user(
                        &db,
                        api::signin::NewAccount {
                            username: &username,
                            password: (!oidc).then_some(password),
                            role,
                            jurisdiction: &jurisdiction,
                            department,
                            institution,
                            subject: subject.as_deref(),
                        },
                    )
                    .await?;
                    println!("account {} ({}) added", account.username, account.role);
                }
                api::cli::UserCommand::Disable { username, username_option } => {
                    let username = username.or(username_option).unwrap_or_default();
                    let ended = api::signin::disable_user(&db, &username).await?;
                    println!("account {username} disabled; {ended} session(s) ended");
                }
            }
        }
        Command::Token { role, jurisdiction, department, institution, subject, ttl, identity } => {
            let role = Role::from_word(&role).with_context(|| format!("unknown role `{role}`"))?;
            let ttl = parse_ttl(&ttl).map_err(anyhow::Error::msg)?;
            let max = parse_ttl(&identity.max_token_ttl).map_err(anyhow::Error::msg)?;
            anyhow::ensure!(ttl <= max, "--ttl is longer than MAX_TOKEN_TTL ({})", identity.max_token_ttl);
            let keys = JwtKeys::load(&identity, &settings.data_dir)?;
            let signer = keys
                .signer
                .context("no signing key: set JWT_SECRET, or JWT_PRIVATE_KEY_FILE beside JWT_PUBLIC_KEY_FILE")?;
            let principal = Principal { subject, role, jurisdiction, department, institution };
            // A token the server would refuse is refused here (the same check, at the source).
            let token = signer.sign_principal(&principal, None, ttl)?;
            keys.verifier.verify(&token).map_err(|e| anyhow::anyhow!(e.message()))?;
            println!("{token}");
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}
