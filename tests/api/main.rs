//! Integration tests: the real server on a random port, each test with its own fresh
//! database (an SQLite file, or a PostgreSQL schema when TEST_DATABASE_URL is set).

mod concurrency;
mod disclosure;
mod documents;
mod dry_run;
mod establishment;
mod evaluation;
mod evaluation_earned;
mod findings;
mod fixture;
mod helpers;

mod across;
mod asof;
mod audit_chain;
mod auth;
mod backup;
mod hardening;
mod health;
mod idempotency;
mod import;
mod lifecycle;
mod limits;
mod norms;
mod onboarding;
mod operations;
mod over_http;
mod overview;
mod people;
mod pool;
mod portal;
mod reconciliation;
mod record;
mod reforms;
mod relay;
mod scope;
mod signed_releases;
mod signin;
mod statistics;
mod submissions;
mod suppression;
mod totals;
mod uploads;
mod vacancy_use;
mod validation;
