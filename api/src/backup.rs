//! Backups that restore. An SQLite database is copied with `VACUUM INTO`, which reads one
//! consistent snapshot while the server keeps writing (WAL mode lets writers go on); the copy
//! is a complete database file, opened like any other. PostgreSQL is backed up with its own
//! tools (docs/operators.md: `pg_dump -Fc` and `pg_restore`), which take a consistent
//! snapshot the same way.

use std::path::Path;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend};

/// Writes a consistent copy of the SQLite database to `path` (which must not exist yet).
pub async fn sqlite(db: &DatabaseConnection, path: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        db.get_database_backend() == DbBackend::Sqlite,
        "`api backup` copies SQLite databases; back up PostgreSQL with pg_dump (docs/operators.md)"
    );
    anyhow::ensure!(!path.exists(), "{} exists already; a backup never overwrites", path.display());
    let target = path.to_str().ok_or_else(|| anyhow::anyhow!("the backup path is not valid UTF-8"))?;
    // The path is the operator's own argument, quoted as an SQL string literal.
    let sql = format!("VACUUM INTO '{}'", target.replace('\'', "''"));
    db.execute_unprepared(&sql).await?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}
