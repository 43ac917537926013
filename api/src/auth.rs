//! Identity: a bearer JWT becomes a [`Principal`]. No header means `PUBLIC`; a header with a
//! bad token is an error, never a silent fall-back.

use std::collections::HashSet;
use std::time::Duration;

use anyhow::Context;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::config::{Identity, read_or_create_key};

/// Longest token lifetime accepted by default (`exp - iat`, and `exp` from now).
pub const DEFAULT_MAX_TTL: Duration = Duration::from_secs(12 * 3600);
use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    StaffingOffice,
    Department,
    /// One public institution's own account (claim `institution`): it reads its own record
    /// and keys its changes as submissions for review.
    Institution,
    Evaluator,
    Public,
}

impl Role {
    pub fn word(self) -> &'static str {
        match self {
            Self::StaffingOffice => "STAFFING_OFFICE",
            Self::Department => "DEPARTMENT",
            Self::Institution => "INSTITUTION",
            Self::Evaluator => "EVALUATOR",
            Self::Public => "PUBLIC",
        }
    }

    pub fn from_word(word: &str) -> Option<Self> {
        [Self::StaffingOffice, Self::Department, Self::Institution, Self::Evaluator, Self::Public]
            .into_iter()
            .find(|role| role.word() == word)
    }
}

/// The claims CONTRACT.md names.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jurisdiction: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution: Option<i32>,
    pub exp: u64,
    pub iat: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
    /// The sign-in session a token was issued for (`POST /auth/login`): ending the session
    /// makes the token stop working.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

/// Who is calling, as the verified token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub subject: String,
    pub role: Role,
    pub jurisdiction: Option<String>,
    pub department: Option<i32>,
    /// The institution an `INSTITUTION` account is.
    pub institution: Option<i32>,
}

impl Principal {
    pub fn public() -> Self {
        Self { subject: "public".into(), role: Role::Public, jurisdiction: None, department: None, institution: None }
    }

    /// A principal of `role` in `jurisdiction` (tests, the command line, seeding).
    pub fn of(role: Role, jurisdiction: &str, subject: &str) -> Self {
        Self {
            subject: subject.to_string(),
            role,
            jurisdiction: Some(jurisdiction.to_string()),
            department: None,
            institution: None,
        }
    }

    fn from_claims(claims: Claims) -> Result<Self, ApiError> {
        let role = Role::from_word(&claims.role)
            .ok_or_else(|| ApiError::Unauthenticated(format!("unknown role `{}`", claims.role)))?;
        let needs_jurisdiction =
            matches!(role, Role::StaffingOffice | Role::Department | Role::Institution | Role::Evaluator);
        if needs_jurisdiction && claims.jurisdiction.is_none() {
            return Err(ApiError::Unauthenticated("token has no jurisdiction claim".into()));
        }
        if role == Role::Department && claims.department.is_none() {
            return Err(ApiError::Unauthenticated("department token has no department claim".into()));
        }
        if role == Role::Institution && claims.institution.is_none() {
            return Err(ApiError::Unauthenticated("institution token has no institution claim".into()));
        }
        Ok(Self {
            subject: claims.sub,
            role,
            jurisdiction: claims.jurisdiction,
            department: claims.department.filter(|_| role == Role::Department),
            institution: claims.institution.filter(|_| role == Role::Institution),
        })
    }
}

/// Verifies tokens with the one configured algorithm and key.
#[derive(Clone)]
pub struct JwtVerifier {
    key: DecodingKey,
    validation: Validation,
    max_ttl: Duration,
}

/// Signs tokens (the `api token` command and tests).
#[derive(Clone)]
pub struct JwtSigner {
    key: EncodingKey,
    algorithm: Algorithm,
    issuer: Option<String>,
    audience: Option<String>,
}

impl JwtSigner {
    /// The signer for the server's sign-in sessions. An RSA key is refused: the `rsa` crate's
    /// private-key operations are not constant time (RUSTSEC-2023-0071), which is acceptable for
    /// `api token` on an operator's machine, not for a server whose callers can time it.
    pub fn for_sessions(self) -> anyhow::Result<Self> {
        if matches!(self.algorithm, Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512) {
            anyhow::bail!(
                "JWT_PRIVATE_KEY_FILE is an RSA key: the server would sign session tokens with it, and RSA signing \
                 can leak the key through its timing (RUSTSEC-2023-0071). Sign sessions with an ES256 key or \
                 JWT_SECRET; an RSA key may still verify tokens, and sign them with `api token`"
            );
        }
        Ok(self)
    }
}

/// The key material a deployment is configured with.
pub struct JwtKeys {
    pub verifier: JwtVerifier,
    pub signer: Option<JwtSigner>,
}

impl JwtKeys {
    /// HS256 with a shared secret: the default.
    pub fn from_secret(secret: &[u8], issuer: Option<String>, audience: Option<String>) -> Self {
        let verifier = JwtVerifier::new(
            DecodingKey::from_secret(secret),
            Algorithm::HS256,
            issuer.as_deref(),
            audience.as_deref(),
        );
        let signer = JwtSigner { key: EncodingKey::from_secret(secret), algorithm: Algorithm::HS256, issuer, audience };
        Self { verifier, signer: Some(signer) }
    }

    /// Loads keys as the settings say: a PEM public key (RS256 or ES256) when given, else the
    /// HS256 secret from `JWT_SECRET` or the data folder.
    pub fn load(settings: &Identity, data_dir: &std::path::Path) -> anyhow::Result<Self> {
        let issuer = settings.jwt_issuer.clone();
        let audience = settings.jwt_audience.clone();
        if let Some(path) = &settings.jwt_public_key_file {
            let pem = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            let (decoding, algorithm) = match DecodingKey::from_rsa_pem(&pem) {
                Ok(key) => (key, Algorithm::RS256),
                Err(_) => (
                    DecodingKey::from_ec_pem(&pem)
                        .context("JWT_PUBLIC_KEY_FILE is neither an RSA nor an EC public key")?,
                    Algorithm::ES256,
                ),
            };
            let signer = match &settings.jwt_private_key_file {
                Some(private) => {
                    let pem = std::fs::read(private).with_context(|| format!("reading {}", private.display()))?;
                    let key = match algorithm {
                        Algorithm::RS256 => EncodingKey::from_rsa_pem(&pem)?,
                        _ => EncodingKey::from_ec_pem(&pem)?,
                    };
                    Some(JwtSigner { key, algorithm, issuer: issuer.clone(), audience: audience.clone() })
                }
                None => None,
            };
            let max_ttl = parse_ttl(&settings.max_token_ttl).map_err(anyhow::Error::msg)?;
            let verifier =
                JwtVerifier::new(decoding, algorithm, issuer.as_deref(), audience.as_deref()).with_max_ttl(max_ttl);
            return Ok(Self { verifier, signer });
        }
        let max_ttl = parse_ttl(&settings.max_token_ttl).map_err(anyhow::Error::msg)?;
        let secret = match &settings.jwt_secret {
            Some(secret) => {
                crate::config::check_secret("JWT_SECRET", secret)?;
                secret.clone()
            }
            None => read_or_create_key(&data_dir.join("jwt.secret"))?,
        };
        let mut keys = Self::from_secret(secret.as_bytes(), issuer, audience);
        keys.verifier = keys.verifier.with_max_ttl(max_ttl);
        Ok(keys)
    }
}

impl JwtVerifier {
    fn new(key: DecodingKey, algorithm: Algorithm, issuer: Option<&str>, audience: Option<&str>) -> Self {
        let mut validation = Validation::new(algorithm);
        validation.algorithms = vec![algorithm];
        validation.leeway = 5;
        validation.validate_nbf = true;
        let mut required: HashSet<String> = ["exp", "iat", "sub"].into_iter().map(String::from).collect();
        match issuer {
            Some(issuer) => {
                validation.set_issuer(&[issuer]);
                required.insert("iss".into());
            }
            None => validation.iss = None,
        }
        match audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                required.insert("aud".into());
            }
            None => validation.validate_aud = false,
        }
        validation.required_spec_claims = required;
        Self { key, validation, max_ttl: DEFAULT_MAX_TTL }
    }

    /// Refuses tokens that live longer than `max_ttl` (from `iat`, and from now).
    pub fn with_max_ttl(mut self, max_ttl: Duration) -> Self {
        self.max_ttl = max_ttl;
        self
    }

    /// The principal a bearer token stands for; any flaw is `UNAUTHENTICATED`.
    pub fn verify(&self, token: &str) -> Result<Principal, ApiError> {
        Ok(self.verify_session(token)?.0)
    }

    /// As `verify`, with the sign-in session the token belongs to, if any (to be checked by
    /// the caller: an ended session's token stops working).
    pub fn verify_session(&self, token: &str) -> Result<(Principal, Option<String>), ApiError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation)
            .map_err(|error| ApiError::Unauthenticated(format!("invalid token: {error}")))?;
        let max = self.max_ttl.as_secs() + self.validation.leeway;
        let now = jsonwebtoken::get_current_timestamp();
        let claims = &data.claims;
        if claims.exp.saturating_sub(claims.iat) > max || claims.exp.saturating_sub(now) > max || claims.iat > now + 60
        {
            return Err(ApiError::Unauthenticated(format!(
                "invalid token: it lives longer than the {} s this server accepts",
                self.max_ttl.as_secs()
            )));
        }
        let sid = data.claims.sid.clone();
        Ok((Principal::from_claims(data.claims)?, sid))
    }
}

impl JwtSigner {
    pub fn sign(
        &self,
        role: Role,
        jurisdiction: Option<&str>,
        department: Option<i32>,
        subject: &str,
        ttl: Duration,
    ) -> anyhow::Result<String> {
        let principal = Principal {
            subject: subject.to_string(),
            role,
            jurisdiction: jurisdiction.map(str::to_string),
            department,
            institution: None,
        };
        self.sign_principal(&principal, None, ttl)
    }

    /// A token for a signed-in session `sid`.
    pub fn sign_session(&self, principal: &Principal, sid: &str, ttl: Duration) -> anyhow::Result<String> {
        self.sign_principal(principal, Some(sid), ttl)
    }

    /// A token carrying every claim of `principal` (an institution's included).
    pub fn sign_principal(&self, principal: &Principal, sid: Option<&str>, ttl: Duration) -> anyhow::Result<String> {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: principal.subject.clone(),
            role: principal.role.word().to_string(),
            jurisdiction: principal.jurisdiction.clone(),
            department: principal.department,
            institution: principal.institution,
            iat: now,
            exp: now + ttl.as_secs(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sid: sid.map(str::to_string),
        };
        Ok(jsonwebtoken::encode(&Header::new(self.algorithm), &claims, &self.key)?)
    }
}

/// Parses a lifetime such as `90s`, `30m`, `1h` or `7d` (humantime's forms).
pub fn parse_ttl(raw: &str) -> Result<Duration, String> {
    let ttl = humantime::parse_duration(raw.trim()).map_err(|e| format!("bad lifetime `{raw}`: {e}"))?;
    if ttl.is_zero() {
        return Err("lifetime must be positive".into());
    }
    Ok(ttl)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        identity: Identity,
    }

    fn settings(args: &[&str]) -> Identity {
        let mut argv = vec!["api"];
        argv.extend_from_slice(args);
        Cli::parse_from(argv).identity
    }

    fn fixture(name: &str) -> String {
        format!("{}/../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn asymmetric_keys_verify_their_own_tokens_and_pin_the_algorithm() {
        for kind in ["es256", "rs256"] {
            let public = fixture(&format!("{kind}-public.pem"));
            let private = fixture(&format!("{kind}-private.pem"));
            let keys = JwtKeys::load(
                &settings(&[
                    "--jwt-public-key-file",
                    &public,
                    "--jwt-private-key-file",
                    &private,
                    "--jwt-audience",
                    "api",
                ]),
                std::path::Path::new("data"),
            )
            .unwrap();
            let signer = keys.signer.unwrap();
            let token = signer.sign(Role::StaffingOffice, Some("620700"), None, "t", Duration::from_secs(60)).unwrap();
            let principal = keys.verifier.verify(&token).unwrap();
            assert_eq!(principal.jurisdiction.as_deref(), Some("620700"));
            // An HS256 token made with the public key as the secret is the classic confusion attack.
            let pem = std::fs::read(&public).unwrap();
            let forged = JwtKeys::from_secret(&pem, None, Some("api".into())).signer.unwrap();
            let forged = forged.sign(Role::StaffingOffice, Some("620700"), None, "t", Duration::from_secs(60)).unwrap();
            assert!(keys.verifier.verify(&forged).is_err(), "{kind} accepted an HS256 token");
            // The server signs sessions with an EC key, never with an RSA one.
            assert_eq!(signer.for_sessions().is_ok(), kind == "es256", "{kind}");
        }
    }

    #[test]
    fn weak_or_placeholder_secrets_are_refused_at_start() {
        for weak in ["", "short", "change-me-in-production", &"a".repeat(40)] {
            let error = JwtKeys::load(&settings(&["--jwt-secret", weak]), std::path::Path::new("data")).err();
            assert!(error.is_some(), "accepted `{weak}`");
        }
        assert!(
            JwtKeys::load(
                &settings(&["--jwt-secret", "a-long-enough-random-secret-0123456789"]),
                std::path::Path::new("data")
            )
            .is_ok()
        );
        let error = crate::config::check_secret("PII_KEY", "change-me-in-production").unwrap_err();
        assert!(error.to_string().contains("placeholder"));
    }

    #[test]
    fn lifetimes_parse() {
        assert_eq!(parse_ttl("1h").unwrap(), Duration::from_secs(3600));
        assert_eq!(parse_ttl("30m").unwrap(), Duration::from_secs(1800));
        assert!(parse_ttl("0s").is_err());
        assert_eq!(parse_ttl("7d").unwrap(), Duration::from_secs(7 * 86_400));
        assert!(parse_ttl("soon").is_err());
    }
}
