//! Configuration from the environment (CONTRACT.md), shared by every subcommand.

use std::path::PathBuf;

#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// Database URL: SQLite file by default, PostgreSQL in production.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/establishment.db?mode=rwc")]
    pub database_url: String,
    /// A read-only streaming replica of `DATABASE_URL` for queries and exports (optional).
    #[arg(long, env = "DATABASE_READ_URL")]
    pub database_read_url: Option<String>,
    /// Address the HTTP server listens on.
    #[arg(long, env = "BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// HS256 secret; when unset a random one is kept in `data/jwt.secret`.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// RS256/ES256 public key (PEM) used instead of a secret.
    #[arg(long, env = "JWT_PUBLIC_KEY_FILE")]
    pub jwt_public_key_file: Option<PathBuf>,
    /// Private key (PEM) matching `JWT_PUBLIC_KEY_FILE`, used only by `api token`.
    #[arg(long, env = "JWT_PRIVATE_KEY_FILE")]
    pub jwt_private_key_file: Option<PathBuf>,
    /// Required `iss` claim, when set.
    #[arg(long, env = "JWT_ISSUER")]
    pub jwt_issuer: Option<String>,
    /// Required `aud` claim, when set.
    #[arg(long, env = "JWT_AUDIENCE")]
    pub jwt_audience: Option<String>,
    /// Key for personal data at rest; when unset a random one is kept in `data/pii.key`.
    #[arg(long, env = "PII_KEY", hide_env_values = true)]
    pub pii_key: Option<String>,
    /// Folder for generated keys and the default SQLite file.
    #[arg(long, env = "DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
}

/// Reads a key file from the data folder, creating it with fresh random bytes (mode 0600)
/// when it does not exist yet.
pub fn read_or_create_key(path: &std::path::Path) -> anyhow::Result<String> {
    use anyhow::Context;
    use base64::Engine;
    use rand::RngCore;
    if let Ok(existing) = std::fs::read_to_string(path) {
        return Ok(existing.trim().to_string());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let key = base64::engine::general_purpose::STANDARD.encode(bytes);
    write_private(path, &key).with_context(|| format!("writing {}", path.display()))?;
    Ok(key)
}

fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())
}
