//! Sign-in with a password (`POST /auth/login`, `POST /auth/logout`): accounts are created with
//! `api user add` (the password read from standard input) and stored with argon2id. A login
//! opens a session and answers a short-lived token for it, also set as an HttpOnly, SameSite
//! cookie; a request authenticated by the cookie carries the session's CSRF token in
//! `X-CSRF-Token`. Ending the session (logout, a disabled account) makes its token stop working.
//! A wrong password and an unknown user are answered alike, after the same work; failures are
//! throttled per user name and per address; sign-ins are audited.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordVerifier};
use chrono::Utc;
use entity::{account, auth_session};
use hmac::{Hmac, Mac};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use sha2::Sha256;

use crate::audit::{self, Actor, Change};
use crate::auth::{JwtSigner, Principal, Role};
use crate::error::{ApiError, ApiResult};

pub use crate::accounts::{EXTERNAL, NewAccount, add_user, disable_user, hash_password};

/// The session cookie's name.
pub const COOKIE: &str = "establishment_session";
/// Sign-in attempts allowed per user name, and per address, in [`FAILURE_WINDOW`]: an attempt
/// counts from before its password is checked, and stops counting only when it succeeds.
pub const FAILURES_PER_USER: u32 = 5;
pub const FAILURES_PER_ADDRESS: u32 = 20;
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Keys (user names and addresses) remembered at once; past this, expired windows are dropped,
/// and while none has expired new keys are refused rather than old ones forgotten.
const ATTEMPT_KEYS: usize = 200_000;
/// Password hashes verified at once, on blocking threads: a flood of sign-ins waits here
/// instead of taking the workers every other request needs.
const HASHING_AT_ONCE: usize = 2;
/// How long a sign-in waits for a place to verify its password before it is told to retry.
const HASHING_WAIT: Duration = Duration::from_secs(10);

fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// The sign-in service of a running server.
pub struct SignIn {
    signer: Arc<JwtSigner>,
    ttl: Duration,
    secure_cookie: bool,
    /// Keys the CSRF tokens (derived from the session id, so nothing else is stored).
    csrf_key: [u8; 32],
    /// Verified for an unknown user, so it costs what a wrong password costs.
    dummy_hash: String,
    attempts: Attempts,
    hashing: Arc<tokio::sync::Semaphore>,
    /// Sessions seen valid a moment ago (a short cache: ending one shows within seconds on
    /// other instances, at once on this one).
    valid: moka::sync::Cache<String, ()>,
}

/// What a successful login answers (the token also goes into the cookie).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginAnswer {
    pub token: String,
    pub expires_at: chrono::DateTime<Utc>,
    pub csrf_token: String,
    pub role: &'static str,
    pub jurisdiction: Option<String>,
}

impl SignIn {
    pub fn new(signer: JwtSigner, ttl: Duration, secure_cookie: bool) -> anyhow::Result<Self> {
        let mut csrf_key = [0u8; 32];
        rand::Rng::fill(&mut rand::thread_rng(), &mut csrf_key);
        Ok(Self {
            signer: Arc::new(signer),
            ttl,
            secure_cookie,
            csrf_key,
            dummy_hash: hash_password("an account that does not exist")?,
            attempts: Attempts::default(),
            hashing: Arc::new(tokio::sync::Semaphore::new(HASHING_AT_ONCE)),
            valid: moka::sync::Cache::builder().max_capacity(100_000).time_to_live(Duration::from_secs(5)).build(),
        })
    }

    /// The CSRF token of a session.
    pub fn csrf(&self, sid: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.csrf_key).expect("any key length");
        mac.update(sid.as_bytes());
        mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn cookie(&self, token: &str) -> String {
        let secure = if self.secure_cookie { "; Secure" } else { "" };
        format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}", self.ttl.as_secs())
    }

    pub fn cleared_cookie(&self) -> String {
        let secure = if self.secure_cookie { "; Secure" } else { "" };
        format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
    }

    /// The cookie holding an OpenID Connect sign-in's `state` (cleared with `None`). `Lax`, so
    /// the browser sends it on the provider's redirect back; read only by `/auth/oidc/`.
    pub fn flow_cookie(&self, state: Option<&str>) -> String {
        let secure = if self.secure_cookie { "; Secure" } else { "" };
        let (value, age) = match state {
            Some(state) => (state, crate::oidc::FLOW_TTL.as_secs()),
            None => ("", 0),
        };
        format!(
            "{}={value}; Path=/auth/oidc/; HttpOnly; SameSite=Lax; Max-Age={age}{secure}",
            crate::oidc::STATE_COOKIE
        )
    }

    /// Verifies a password on a blocking thread, at most [`HASHING_AT_ONCE`] at a time.
    async fn verify(&self, password: &str, hash: &str) -> ApiResult<bool> {
        let busy = || ApiError::RateLimited { retry_after: Duration::from_secs(1) };
        let permit = tokio::time::timeout(HASHING_WAIT, self.hashing.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        let (password, hash) = (password.to_string(), hash.to_string());
        let matches = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            password_matches(&password, &hash)
        })
        .await
        .map_err(ApiError::internal)?;
        Ok(matches)
    }

    /// Checks a user name and password and opens a session.
    pub async fn login(
        &self,
        db: &DatabaseConnection,
        username: &str,
        password: &str,
        address: Option<IpAddr>,
    ) -> ApiResult<LoginAnswer> {
        let username = username.trim();
        // Counted before anything is checked, so a burst of guesses sent at once is evaluated
        // no further than the limit.
        let keys = AttemptKeys::of(username, address);
        self.attempts.begin(&keys)?;
        let checked = async {
            let found = account::Entity::find().filter(account::Column::Username.eq(username)).one(db).await?;
            // An account that signs in at the identity provider has no password here.
            let found = found.filter(|a| a.password_hash != EXTERNAL);
            // The same argon2 work whether or not the user exists.
            let hash = found.as_ref().map_or(self.dummy_hash.as_str(), |a| a.password_hash.as_str());
            let matches = self.verify(password, hash).await?;
            Ok::<_, ApiError>((found, matches))
        }
        .await;
        let (found, matches) = match checked {
            Ok(checked) => checked,
            Err(error) => {
                // Not a guess judged: the attempt gives its place back.
                self.attempts.release(&keys);
                return Err(error);
            }
        };
        match found {
            Some(account) if matches && !account.disabled => {
                self.attempts.release(&keys);
                self.open_session(db, &account, "password").await
            }
            found => {
                // One audit row per account name and window, however many guesses it takes.
                if let Some(window) = self.attempts.first_refusal(&keys) {
                    refuse(db, username, found.as_ref(), "password", Some(window)).await?;
                }
                Err(ApiError::Unauthenticated("wrong user name or password".into()))
            }
        }
    }

    /// Opens a session for someone the identity provider vouched for under `username`: their
    /// account must exist here, be enabled and be one that signs in there.
    pub async fn login_external(&self, db: &DatabaseConnection, username: &str) -> ApiResult<LoginAnswer> {
        let found = account::Entity::find().filter(account::Column::Username.eq(username)).one(db).await?;
        match found {
            Some(account) if account.password_hash == EXTERNAL && !account.disabled => {
                self.open_session(db, &account, "openid-connect").await
            }
            found => {
                refuse(db, username, found.as_ref(), "openid-connect", None).await?;
                Err(ApiError::Unauthenticated("this identity has no enabled account here".into()))
            }
        }
    }

    /// A new session for `account`, audited in its jurisdiction (so its office sees it).
    async fn open_session(
        &self,
        db: &DatabaseConnection,
        account: &account::Model,
        method: &str,
    ) -> ApiResult<LoginAnswer> {
        let principal = principal_of(account)?;
        let place = entity::jurisdiction::Entity::find()
            .filter(entity::jurisdiction::Column::Code.eq(account.jurisdiction.clone().unwrap_or_default()))
            .one(db)
            .await?
            .map(|j| j.id);
        let sid = uuid::Uuid::new_v4().to_string();
        let now = Utc::now();
        let expires_at = now + chrono::Duration::from_std(self.ttl).unwrap_or_default();
        let txn = crate::db::begin_write(db).await?;
        auth_session::ActiveModel {
            id: Set(sid.clone()),
            account_id: Set(account.id),
            created_at: Set(now),
            expires_at: Set(expires_at),
            ended_at: Set(None),
        }
        .insert(&txn)
        .await?;
        let change = Change {
            action: "auth.login",
            entity: "account",
            entity_id: Some(account.id),
            jurisdiction_id: place,
            before: None,
            after: Some(serde_json::json!({ "username": account.username, "session": sid, "method": method })),
        };
        audit::record(&txn, &Actor::system(&account.subject), change).await?;
        crate::write::commit(txn).await?;
        let token = self.signer.sign_session(&principal, &sid, self.ttl).map_err(ApiError::internal)?;
        Ok(LoginAnswer {
            token,
            expires_at,
            csrf_token: self.csrf(&sid),
            role: principal.role.word(),
            jurisdiction: principal.jurisdiction,
        })
    }

    /// The answer of a login again, for the session a cookie's `token` belongs to (a console
    /// that came back from the identity provider, or was reloaded).
    pub async fn resume(
        &self,
        db: &DatabaseConnection,
        token: String,
        principal: Principal,
        sid: &str,
    ) -> ApiResult<LoginAnswer> {
        let session = auth_session::Entity::find_by_id(sid.to_string()).one(db).await?;
        let session = session
            .filter(|s| s.ended_at.is_none() && s.expires_at > Utc::now())
            .ok_or_else(|| ApiError::Unauthenticated("the session has ended; sign in again".into()))?;
        self.check(db, sid).await?;
        Ok(LoginAnswer {
            token,
            expires_at: session.expires_at,
            csrf_token: self.csrf(sid),
            role: principal.role.word(),
            jurisdiction: principal.jurisdiction,
        })
    }

    /// A token's session must still be open and its account enabled.
    pub async fn check(&self, db: &DatabaseConnection, sid: &str) -> ApiResult<()> {
        if self.valid.contains_key(sid) {
            return Ok(());
        }
        let session = auth_session::Entity::find_by_id(sid.to_string()).one(db).await?;
        let open = match session {
            Some(s) if s.ended_at.is_none() && s.expires_at > Utc::now() => {
                account::Entity::find_by_id(s.account_id).one(db).await?.is_some_and(|a| !a.disabled)
            }
            _ => false,
        };
        if !open {
            return Err(ApiError::Unauthenticated("the session has ended; sign in again".into()));
        }
        self.valid.insert(sid.to_string(), ());
        Ok(())
    }

    /// Ends a session (logout), audited once: ending a session already ended changes nothing
    /// and writes nothing.
    pub async fn logout(&self, db: &DatabaseConnection, sid: &str) -> ApiResult<()> {
        self.valid.invalidate(sid);
        let txn = crate::db::begin_write(db).await?;
        let ended = auth_session::Entity::update_many()
            .col_expr(auth_session::Column::EndedAt, Expr::value(Utc::now()))
            .filter(auth_session::Column::Id.eq(sid))
            .filter(auth_session::Column::EndedAt.is_null())
            .exec(&txn)
            .await?;
        if ended.rows_affected == 0 {
            txn.rollback().await?;
            return Ok(());
        }
        let change = Change {
            action: "auth.logout",
            entity: "auth_session",
            entity_id: None,
            jurisdiction_id: None,
            before: None,
            after: Some(serde_json::json!({ "session": sid })),
        };
        audit::record(&txn, &Actor::system("auth"), change).await?;
        crate::write::commit(txn).await?;
        Ok(())
    }
}

/// A refused sign-in in the audit chain (the name tried, never the password). A password
/// refusal is written once per user name and window: `window` says until when further refusals
/// of that name are counted without a row of their own.
async fn refuse(
    db: &DatabaseConnection,
    username: &str,
    found: Option<&account::Model>,
    method: &str,
    window: Option<chrono::DateTime<Utc>>,
) -> ApiResult<()> {
    let mut after = serde_json::json!({ "username": username, "method": method });
    if let Some(until) = window {
        after["windowEnds"] = serde_json::json!(until);
        after["limit"] = serde_json::json!(FAILURES_PER_USER);
    }
    let refusal = Change {
        action: "auth.login.refused",
        entity: "account",
        entity_id: found.map(|a| a.id),
        jurisdiction_id: None,
        before: None,
        after: Some(after),
    };
    let txn = crate::db::begin_write(db).await?;
    audit::record(&txn, &Actor::system("auth"), refusal).await?;
    crate::write::commit(txn).await?;
    Ok(())
}

fn principal_of(account: &account::Model) -> ApiResult<Principal> {
    let role = Role::from_word(&account.role)
        .filter(|r| *r != Role::Public)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("account {} has role {}", account.id, account.role)))?;
    Ok(Principal {
        subject: account.subject.clone(),
        role,
        jurisdiction: account.jurisdiction.clone(),
        department: account.department_id,
        institution: account.institution_id,
    })
}

/// The counters one sign-in attempt moves: its user name's and its address's.
struct AttemptKeys {
    user: String,
    address: Option<String>,
}

impl AttemptKeys {
    fn of(username: &str, address: Option<IpAddr>) -> Self {
        // No account name is longer than 64 characters: a longer one is counted by its start.
        let user: String = username.chars().take(64).collect();
        Self { user: format!("u:{user}"), address: address.map(|a| format!("a:{a}")) }
    }

    fn each(&self) -> impl Iterator<Item = (&str, u32)> {
        std::iter::once((self.user.as_str(), FAILURES_PER_USER))
            .chain(self.address.as_deref().map(|a| (a, FAILURES_PER_ADDRESS)))
    }
}

/// One key's attempts in its window (which starts at the key's first attempt).
struct Window {
    started: Instant,
    count: u32,
    audited: bool,
}

/// Sign-in attempts by user name and by address, counted under one lock: an attempt takes its
/// place before its password is checked, and gives it back only if it succeeds, so however many
/// guesses arrive at once no more than the limit are ever evaluated.
#[derive(Default)]
struct Attempts {
    windows: Mutex<HashMap<String, Window>>,
}

impl Attempts {
    fn locked(&self) -> std::sync::MutexGuard<'_, HashMap<String, Window>> {
        self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Takes a place for an attempt on every key, or refuses it (and takes none) when any key
    /// has used its window's allowance.
    fn begin(&self, keys: &AttemptKeys) -> ApiResult<()> {
        let mut windows = self.locked();
        let now = Instant::now();
        let mut wait = Duration::ZERO;
        for (key, limit) in keys.each() {
            if let Some(window) = windows.get(key)
                && now.duration_since(window.started) < FAILURE_WINDOW
                && window.count >= limit
            {
                wait = wait.max(FAILURE_WINDOW.saturating_sub(now.duration_since(window.started)));
            }
        }
        if !wait.is_zero() {
            return Err(ApiError::RateLimited { retry_after: wait });
        }
        if windows.len() >= ATTEMPT_KEYS {
            windows.retain(|_, w| now.duration_since(w.started) < FAILURE_WINDOW);
            if windows.len() >= ATTEMPT_KEYS {
                return Err(ApiError::RateLimited { retry_after: Duration::from_secs(60) });
            }
        }
        for (key, _) in keys.each() {
            let window = windows.entry(key.to_string()).or_insert(Window { started: now, count: 0, audited: false });
            if now.duration_since(window.started) >= FAILURE_WINDOW {
                *window = Window { started: now, count: 0, audited: false };
            }
            window.count += 1;
        }
        Ok(())
    }

    /// Gives an attempt's places back (it succeeded, or was never judged).
    fn release(&self, keys: &AttemptKeys) {
        let mut windows = self.locked();
        for (key, _) in keys.each() {
            if let Some(window) = windows.get_mut(key) {
                window.count = window.count.saturating_sub(1);
            }
        }
    }

    /// For the first refusal of a user name in its window, when that window ends.
    fn first_refusal(&self, keys: &AttemptKeys) -> Option<chrono::DateTime<Utc>> {
        let mut windows = self.locked();
        let window = windows.get_mut(&keys.user)?;
        if window.audited {
            return None;
        }
        window.audited = true;
        let left = FAILURE_WINDOW.saturating_sub(window.started.elapsed());
        Some(Utc::now() + chrono::Duration::from_std(left).unwrap_or_default())
    }
}
