//! SeaORM's migration command line over this schema: `cargo run -p migration -- status`,
//! `up`, `down [-n N]`, `fresh`, `refresh`, `reset`. It reads `DATABASE_URL`.
//!
//! Every migration has a `down`. Going down drops what the migration created, data included:
//! take a backup first (docs/operators.md, "Deployment").

use sea_orm_migration::prelude::*;

#[tokio::main]
async fn main() {
    cli::run_cli(migration::Migrator).await;
}
