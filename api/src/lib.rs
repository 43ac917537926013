//! The establishment control service: staffing offices, supervising departments, evaluation
//! committees and the public over one GraphQL API.
// The merged query and mutation roots nest one resolver future per room.
#![recursion_limit = "256"]

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod bulk;
pub mod cli;
pub mod codes;
pub mod config;
pub mod db;
pub mod disclosure;
pub mod documents;
pub mod dry_run;
pub mod error;
pub mod establishment;
pub mod evaluation;
pub mod export;
pub mod figures;
pub mod filing;
pub mod findings;
pub mod graphql;
pub mod history;
pub mod idempotency;
pub mod import;
pub mod institution;
pub mod jurisdiction;
pub mod labels;
pub mod norms;
pub mod oidc;
pub mod overview;
pub mod parsed_documents;
pub mod persisted_queries;
pub mod pii;
pub mod pool;
pub mod portal;
pub mod positional;
pub mod public_answers;
pub mod reconciliation;
pub mod reform;
pub mod roster;
pub mod scope;
pub mod seed;
pub mod server;
pub mod signin;
pub mod staff;
pub mod statistics;
pub mod submission;
pub mod telemetry;
pub mod throttle;
pub mod totals;
pub mod vacancy_use;
pub mod write;

use config::{Personal, read_or_create_key};
use pii::PiiCipher;

/// The PII cipher as the settings say: `PII_KEY`, or a key kept in the data folder.
pub fn pii_cipher(settings: &Personal, data_dir: &std::path::Path) -> anyhow::Result<PiiCipher> {
    let key = match &settings.pii_key {
        Some(key) => {
            config::check_secret("PII_KEY", key)?;
            key.clone()
        }
        None => read_or_create_key(&data_dir.join("pii.key"))?,
    };
    Ok(PiiCipher::new(&key))
}
