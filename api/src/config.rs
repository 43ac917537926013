//! Configuration from the environment (CONTRACT.md) and the command line: the options every
//! subcommand takes, and the groups only some take (identity, personal data, the server's own).

use std::path::PathBuf;

/// What every subcommand takes: where the database is and where generated keys are kept.
#[derive(Debug, Clone, clap::Args)]
pub struct Global {
    /// Database URL: SQLite file by default, PostgreSQL in production.
    #[arg(long, global = true, env = "DATABASE_URL", default_value = "sqlite://data/establishment.db?mode=rwc")]
    pub database_url: String,
    /// Folder for generated keys and the default SQLite file.
    #[arg(long, global = true, env = "DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
}

/// How tokens are signed and verified (`serve` and `token`).
#[derive(Debug, Clone, clap::Args)]
pub struct Identity {
    /// HS256 secret; when unset a random one is kept in `data/jwt.secret`.
    #[arg(long, help_heading = "Identity", env = "JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// RS256/ES256 public key (PEM) used instead of a secret.
    #[arg(long, help_heading = "Identity", env = "JWT_PUBLIC_KEY_FILE")]
    pub jwt_public_key_file: Option<PathBuf>,
    /// Private key (PEM) matching `JWT_PUBLIC_KEY_FILE`: `api token` signs with it, and `serve` signs
    /// sign-in sessions with it when it is an EC key (an RSA key is refused there).
    #[arg(long, help_heading = "Identity", env = "JWT_PRIVATE_KEY_FILE")]
    pub jwt_private_key_file: Option<PathBuf>,
    /// Required `iss` claim, when set.
    #[arg(long, help_heading = "Identity", env = "JWT_ISSUER")]
    pub jwt_issuer: Option<String>,
    /// Required `aud` claim, when set.
    #[arg(long, help_heading = "Identity", env = "JWT_AUDIENCE")]
    pub jwt_audience: Option<String>,
    /// Longest token lifetime accepted (and signed by `api token`).
    #[arg(long, help_heading = "Identity", env = "MAX_TOKEN_TTL", default_value = "12h")]
    pub max_token_ttl: String,
}

/// The key that seals personal data at rest (every subcommand that reads or writes people).
#[derive(Debug, Clone, clap::Args)]
pub struct Personal {
    /// Key for personal data at rest; when unset a random one is kept in `data/pii.key`.
    #[arg(long, help_heading = "Personal data", env = "PII_KEY", hide_env_values = true)]
    pub pii_key: Option<String>,
}

/// What only the server takes (`api serve --help`), by heading.
#[derive(Debug, Clone, clap::Args)]
pub struct Server {
    /// Address the HTTP server listens on.
    #[arg(long, help_heading = "Serving", env = "BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// A read-only streaming replica of `DATABASE_URL` for queries and exports (optional).
    #[arg(long, help_heading = "Serving", env = "DATABASE_READ_URL")]
    pub database_read_url: Option<String>,
    /// Apply pending migrations when `serve` starts (`false`: refuse to start while any is
    /// pending; run `cargo run -p migration -- up` or `api migrate` instead).
    #[arg(long, help_heading = "Serving", env = "MIGRATE_ON_START", default_value_t = true, action = clap::ArgAction::Set)]
    pub migrate_on_start: bool,
    /// Ed25519 private key (PKCS#8 PEM) releases are signed with; unset: one kept in
    /// `data/release-signing-key.pem`, made on first start.
    #[arg(long, help_heading = "Serving", env = "RELEASE_SIGNING_KEY_FILE")]
    pub release_signing_key_file: Option<PathBuf>,
    /// Origins allowed to call the API from a browser (comma-separated); empty: none.
    #[arg(long, help_heading = "Serving", env = "CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// Take the client address from this header (set only behind a proxy that writes it,
    /// e.g. `X-Forwarded-For` or `X-Real-IP`); unset: the socket's peer address.
    #[arg(long, help_heading = "Serving", env = "TRUSTED_PROXY_HEADER")]
    pub trusted_proxy_header: Option<String>,
    /// A request still running after this many seconds is stopped (`UNAVAILABLE`).
    #[arg(long, help_heading = "Limits", env = "REQUEST_TIMEOUT_SECS", default_value_t = 15)]
    pub request_timeout_secs: u64,
    /// PostgreSQL `statement_timeout` for the server's connections, in milliseconds (0: none).
    #[arg(long, help_heading = "Limits", env = "STATEMENT_TIMEOUT_MS", default_value_t = 10_000)]
    pub statement_timeout_ms: u64,
    /// Longest wait for a database connection before answering `UNAVAILABLE`, in milliseconds.
    #[arg(long, help_heading = "Limits", env = "DB_ACQUIRE_TIMEOUT_MS", default_value_t = 3_000)]
    pub db_acquire_timeout_ms: u64,
    /// Connections in each database pool (the primary's and the replica's); unset: 4 on
    /// SQLite, 16 on PostgreSQL.
    #[arg(long, help_heading = "Limits", env = "DB_POOL_SIZE")]
    pub db_pool_size: Option<u32>,
    /// HTTP worker threads; unset: one per CPU core.
    #[arg(long, help_heading = "Limits", env = "WORKERS")]
    pub workers: Option<usize>,
    /// Requests per minute from one address without a token.
    #[arg(long, help_heading = "Limits", env = "RATE_LIMIT_PUBLIC", default_value_t = 600)]
    pub rate_limit_public: u32,
    /// Requests per minute for one signed-in subject.
    #[arg(long, help_heading = "Limits", env = "RATE_LIMIT_TOKEN", default_value_t = 1_200)]
    pub rate_limit_token: u32,
    /// Lifetime of a sign-in session and its token (`POST /auth/login`).
    #[arg(long, help_heading = "Sign-in", env = "SESSION_TTL", default_value = "30m")]
    pub session_ttl: String,
    /// Mark the session cookie `Secure` (sent over HTTPS only); `false` for plain-HTTP tries.
    #[arg(long, help_heading = "Sign-in", env = "SESSION_COOKIE_SECURE", default_value_t = true, action = clap::ArgAction::Set)]
    pub session_cookie_secure: bool,
    /// An OpenID Connect provider's issuer URL (a province's unified identity): when set,
    /// people sign in there instead of with local passwords.
    #[arg(long, help_heading = "Sign-in", env = "OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// This service's client id at the provider.
    #[arg(long, help_heading = "Sign-in", env = "OIDC_CLIENT_ID", default_value = "")]
    pub oidc_client_id: String,
    /// This service's client secret at the provider (`client_secret_basic`).
    #[arg(long, help_heading = "Sign-in", env = "OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<String>,
    /// This server's `/auth/oidc/callback` as registered with the provider (absolute URL).
    #[arg(long, help_heading = "Sign-in", env = "OIDC_REDIRECT_URL", default_value = "")]
    pub oidc_redirect_url: String,
    /// The ID token claim that names the account (`api user add USERNAME --oidc`).
    #[arg(long, help_heading = "Sign-in", env = "OIDC_USERNAME_CLAIM", default_value = "sub")]
    pub oidc_username_claim: String,
    /// The scopes asked for.
    #[arg(long, help_heading = "Sign-in", env = "OIDC_SCOPES", default_value = "openid profile")]
    pub oidc_scopes: String,
    /// Where `/metrics` is served: empty serves it beside the API only to requests with
    /// `METRICS_TOKEN`; an address (`127.0.0.1:9100`) serves it there alone.
    #[arg(long, help_heading = "Telemetry", env = "METRICS_BIND")]
    pub metrics_bind: Option<String>,
    /// Bearer token that `/metrics` on the API's own address requires (unset: not served there).
    #[arg(long, help_heading = "Telemetry", env = "METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// OTLP endpoint (HTTP/protobuf, e.g. `http://collector:4318`) to export traces to; unset:
    /// no export.
    #[arg(long, help_heading = "Telemetry", env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    pub otlp_endpoint: Option<String>,
    /// The `service.name` of exported traces.
    #[arg(long, help_heading = "Telemetry", env = "OTEL_SERVICE_NAME", default_value = "establishment-api")]
    pub otel_service_name: String,
}

/// Settings that are secrets: each may instead come from a file named by `NAME_FILE` (the
/// container convention: Docker and Kubernetes mount secrets as files).
pub const FILE_SECRETS: [&str; 6] =
    ["DATABASE_URL", "DATABASE_READ_URL", "JWT_SECRET", "PII_KEY", "OIDC_CLIENT_SECRET", "METRICS_TOKEN"];

/// The secrets to take from files, as `(NAME, value)`: for each of [`FILE_SECRETS`] whose
/// `NAME_FILE` is set, the file's content without its trailing newline. `NAME` and `NAME_FILE`
/// both set is an error: which one should win would be a guess.
pub fn secrets_from_files(var: impl Fn(&str) -> Option<String>) -> anyhow::Result<Vec<(&'static str, String)>> {
    let mut found = Vec::new();
    for name in FILE_SECRETS {
        let Some(path) = var(&format!("{name}_FILE")).filter(|p| !p.is_empty()) else { continue };
        if var(name).is_some() {
            anyhow::bail!("both {name} and {name}_FILE are set: give one");
        }
        let text = std::fs::read_to_string(&path).map_err(|e| anyhow::anyhow!("{name}_FILE ({path}): {e}"))?;
        let value = text.strip_suffix('\n').unwrap_or(&text);
        let value = value.strip_suffix('\r').unwrap_or(value);
        if value.is_empty() {
            anyhow::bail!("{name}_FILE ({path}) is empty");
        }
        found.push((name, value.to_string()));
    }
    Ok(found)
}

/// Shortest secret accepted from the environment, in bytes.
pub const MIN_SECRET: usize = 32;

/// Values seen in examples and compose files, refused whatever their length.
const PLACEHOLDERS: &[&str] = &[
    "change-me-in-production",
    "change-me",
    "changeme",
    "secret",
    "password",
    "your-secret-here",
    "your-256-bit-secret",
    "please-change-me",
];

/// Refuses a configured secret that is short or a known placeholder.
pub fn check_secret(name: &str, value: &str) -> anyhow::Result<()> {
    let lowered = value.trim().to_ascii_lowercase();
    if PLACEHOLDERS.iter().any(|p| lowered == *p || lowered.starts_with("change-me") || lowered.starts_with("changeme"))
    {
        anyhow::bail!("{name} is a placeholder value; set a random secret of at least {MIN_SECRET} bytes");
    }
    if value.len() < MIN_SECRET {
        anyhow::bail!("{name} is {} bytes long; it must be at least {MIN_SECRET} random bytes", value.len());
    }
    if value.bytes().all(|b| b == value.as_bytes()[0]) {
        anyhow::bail!("{name} repeats one character; set a random secret");
    }
    Ok(())
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

/// Writes a new key file (mode 0600), its folder made when missing; an existing file is refused.
pub fn write_key_file(path: &std::path::Path, contents: &str) -> anyhow::Result<()> {
    use anyhow::Context;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    write_private(path, contents).with_context(|| format!("writing {}", path.display()))
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

impl Server {
    /// The OpenID Connect provider, when `OIDC_ISSUER` is set.
    pub fn oidc(&self) -> Option<OidcSettings> {
        let issuer = self.oidc_issuer.as_ref().filter(|i| !i.is_empty())?;
        Some(OidcSettings {
            issuer: issuer.clone(),
            client_id: self.oidc_client_id.clone(),
            client_secret: self.oidc_client_secret.clone().filter(|s| !s.is_empty()),
            redirect_url: self.oidc_redirect_url.clone(),
            username_claim: self.oidc_username_claim.clone(),
            scopes: self.oidc_scopes.clone(),
        })
    }
}

/// What configures the provider (CONTRACT.md environment).
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// The issuer URL; discovery is read from `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    /// Sent with HTTP Basic authentication at the token endpoint (`client_secret_basic`).
    pub client_secret: Option<String>,
    /// This server's `/auth/oidc/callback` as registered with the provider.
    pub redirect_url: String,
    /// The ID token claim matched against account user names.
    pub username_claim: String,
    pub scopes: String,
}

#[cfg(test)]
mod tests {
    use super::secrets_from_files;

    #[test]
    fn a_secret_comes_from_its_file_without_the_trailing_newline_and_never_from_both() {
        let file = std::env::temp_dir().join(format!("jwt-secret-{}", std::process::id()));
        std::fs::write(&file, "a-secret-from-a-mounted-file-0123456789\n").unwrap();
        let path = file.display().to_string();
        let env = |pairs: Vec<(&'static str, String)>| {
            move |name: &str| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone())
        };
        let found = secrets_from_files(env(vec![("JWT_SECRET_FILE", path.clone())])).unwrap();
        assert_eq!(found, vec![("JWT_SECRET", "a-secret-from-a-mounted-file-0123456789".to_string())]);
        let both = secrets_from_files(env(vec![("JWT_SECRET_FILE", path), ("JWT_SECRET", "x".into())]));
        assert!(both.unwrap_err().to_string().contains("both JWT_SECRET and JWT_SECRET_FILE"));
        let missing = secrets_from_files(env(vec![("PII_KEY_FILE", "/nonexistent/pii".into())]));
        assert!(missing.unwrap_err().to_string().contains("PII_KEY_FILE"));
        assert!(secrets_from_files(env(vec![])).unwrap().is_empty());
        std::fs::remove_file(&file).ok();
    }
}
