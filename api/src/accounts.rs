//! Accounts that sign in: made on the server (`api user add|disable`) or by a staffing office for
//! its own jurisdiction and those below it (`createAccount`, `disableAccount`,
//! `resetAccountPassword`), each change audited under the account's jurisdiction. A password
//! is stored only as its argon2id hash; an account of the OpenID Connect provider has none.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, SaltString};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::Utc;
use entity::{account, auth_session, jurisdiction};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Select, Set, SqlErr,
};

use crate::audit::{self, Actor, Change};
use crate::auth::Role;
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Result};
use crate::graphql::context::{actor, db, scope};

/// The password hash of an account that signs in at the OpenID Connect provider (no password
/// verifies against it, and the password login treats the account as unknown).
pub const EXTERNAL: &str = "!openid-connect";

/// Hashes a password with argon2id (a fresh random salt, the crate's default cost).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    rand::Rng::fill(&mut rand::thread_rng(), &mut bytes);
    let salt = SaltString::encode_b64(&bytes).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hash: {e}"))?
        .to_string())
}

fn check_password(password: &str) -> ApiResult<()> {
    if password.chars().count() < 12 || password.chars().count() > 200 {
        return Err(ApiError::bad_input("a password of 12 to 200 characters"));
    }
    Ok(())
}

/// An account to make.
pub struct NewAccount<'a> {
    pub username: &'a str,
    /// `None`: the account signs in at the OpenID Connect provider.
    pub password: Option<&'a str>,
    pub role: Role,
    pub jurisdiction: &'a str,
    pub department: Option<i32>,
    /// The institution an INSTITUTION account is, in that jurisdiction.
    pub institution: Option<i32>,
    pub subject: Option<&'a str>,
}

/// Makes an account in a jurisdiction (and department) that exists; `allowed` says whether the
/// maker may make one there (an office: its own jurisdiction or one below it).
async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    new: NewAccount<'_>,
    allowed: impl Fn(&jurisdiction::Model) -> bool,
) -> ApiResult<account::Model> {
    let username = new.username.trim();
    if username.is_empty() || username.chars().count() > 64 {
        return Err(ApiError::bad_input("a user name of 1 to 64 characters"));
    }
    if let Some(password) = new.password {
        check_password(password)?;
    }
    if new.role == Role::Public {
        return Err(ApiError::bad_input("the public does not sign in"));
    }
    if new.role == Role::Department && new.department.is_none() {
        return Err(ApiError::bad_input("a DEPARTMENT account names its department"));
    }
    if new.role == Role::Institution && new.institution.is_none() {
        return Err(ApiError::bad_input("an INSTITUTION account names its institution"));
    }
    let txn = begin_write(db).await?;
    // The account's place must exist: an account of a jurisdiction nobody created could never
    // read anything, and would sign in to nothing.
    let code = new.jurisdiction.trim();
    let place = jurisdiction::Entity::find().filter(jurisdiction::Column::Code.eq(code)).one(&txn).await?;
    let place = place.filter(|p| allowed(p)).ok_or_else(|| {
        ApiError::not_found(format!(
            "jurisdiction {code} does not exist: create it first (`api init --jurisdiction {code}`)"
        ))
    })?;
    if let Some(id) = new.department {
        let found = entity::department::Entity::find_by_id(id).one(&txn).await?;
        if found.is_none_or(|d| d.jurisdiction_id != place.id) {
            return Err(ApiError::not_found(format!("department {id} does not exist in jurisdiction {code}")));
        }
    }
    if let Some(id) = new.institution.filter(|_| new.role == Role::Institution) {
        let found = entity::institution::Entity::find_by_id(id).one(&txn).await?;
        if found.is_none_or(|i| i.jurisdiction_id != place.id) {
            return Err(ApiError::not_found(format!("institution {id} does not exist in jurisdiction {code}")));
        }
    }
    let password_hash = match new.password {
        Some(password) => hash_password(password).map_err(ApiError::internal)?,
        None => EXTERNAL.to_string(),
    };
    let row = account::ActiveModel {
        username: Set(username.to_string()),
        password_hash: Set(password_hash),
        role: Set(new.role.word().to_string()),
        jurisdiction: Set(Some(place.code.clone())),
        department_id: Set(new.department.filter(|_| new.role == Role::Department)),
        institution_id: Set(new.institution.filter(|_| new.role == Role::Institution)),
        subject: Set(new.subject.map(str::trim).filter(|s| !s.is_empty()).unwrap_or(username).to_string()),
        disabled: Set(false),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => ApiError::conflict(format!("the user name {username} is taken")),
        _ => e.into(),
    })?;
    let after = serde_json::json!({
        "username": row.username, "role": row.role, "jurisdiction": row.jurisdiction,
        "department": row.department_id, "institution": row.institution_id, "subject": row.subject,
        "signsIn": if row.password_hash == EXTERNAL { "openid-connect" } else { "password" },
    });
    record(&txn, actor, "account.add", &row, after).await?;
    crate::write::commit(txn).await?;
    Ok(row)
}

/// `api user add`: an account for a staffing office, a department or an evaluator, with a
/// password, or (`None`) one that signs in at the OpenID Connect provider.
pub async fn add_user(db: &DatabaseConnection, new: NewAccount<'_>) -> anyhow::Result<account::Model> {
    if new.jurisdiction.trim().is_empty() {
        anyhow::bail!("an account belongs to a jurisdiction (--jurisdiction)");
    }
    let actor = Actor::system(&format!("api user ({})", new.username.trim()));
    create(db, &actor, new, |_| true).await.map_err(|e| anyhow::anyhow!(e.message()))
}

/// An account change in the audit chain, under the account's jurisdiction (never the password
/// or its hash).
async fn record(
    txn: &DatabaseTransaction,
    actor: &Actor,
    action: &'static str,
    row: &account::Model,
    after: serde_json::Value,
) -> ApiResult<()> {
    let place = match &row.jurisdiction {
        Some(code) => jurisdiction::Entity::find().filter(jurisdiction::Column::Code.eq(code)).one(txn).await?,
        None => None,
    };
    let change = Change {
        action,
        entity: "account",
        entity_id: Some(row.id),
        jurisdiction_id: place.map(|j| j.id),
        before: None,
        after: Some(after),
    };
    Ok(audit::record(txn, actor, change).await?)
}

/// The account named, locked for the change, among the accounts `reach` holds (every account
/// for the server's own commands, an office's for its requests).
async fn account_for_change(
    txn: &DatabaseTransaction,
    username: &str,
    reach: Select<account::Entity>,
) -> ApiResult<account::Model> {
    let found = reach.filter(account::Column::Username.eq(username.trim())).lock_exclusive().one(txn).await?;
    found.ok_or_else(|| ApiError::not_found(format!("no account `{}`", username.trim())))
}

/// Ends every open session of an account.
async fn end_sessions(txn: &DatabaseTransaction, account_id: i32) -> ApiResult<u64> {
    let ended = auth_session::Entity::update_many()
        .col_expr(auth_session::Column::EndedAt, Expr::value(Utc::now()))
        .filter(auth_session::Column::AccountId.eq(account_id))
        .filter(auth_session::Column::EndedAt.is_null())
        .exec(txn)
        .await?;
    Ok(ended.rows_affected)
}

async fn disable(
    db: &DatabaseConnection,
    actor: &Actor,
    username: &str,
    reach: Select<account::Entity>,
) -> ApiResult<u64> {
    let txn = begin_write(db).await?;
    let account = account_for_change(&txn, username, reach).await?;
    account::Entity::update_many()
        .col_expr(account::Column::Disabled, Expr::value(true))
        .filter(account::Column::Id.eq(account.id))
        .exec(&txn)
        .await?;
    let ended = end_sessions(&txn, account.id).await?;
    let after = serde_json::json!({"disabled": true, "sessionsEnded": ended});
    record(&txn, actor, "account.disable", &account, after).await?;
    crate::write::commit(txn).await?;
    Ok(ended)
}

/// `api user disable`: the account cannot sign in, and its open sessions end.
pub async fn disable_user(db: &DatabaseConnection, username: &str) -> anyhow::Result<u64> {
    let actor = Actor::system(&format!("api user ({})", username.trim()));
    disable(db, &actor, username, account::Entity::find()).await.map_err(|e| anyhow::anyhow!(e.message()))
}

/// A new password for an account (its sessions end); an account of the identity provider has
/// none to reset.
async fn reset_password(
    db: &DatabaseConnection,
    actor: &Actor,
    username: &str,
    password: &str,
    reach: Select<account::Entity>,
) -> ApiResult<()> {
    check_password(password)?;
    let hash = hash_password(password).map_err(ApiError::internal)?;
    let txn = begin_write(db).await?;
    let account = account_for_change(&txn, username, reach).await?;
    if account.password_hash == EXTERNAL {
        return Err(ApiError::conflict("this account signs in at the identity provider: it has no password here"));
    }
    account::Entity::update_many()
        .col_expr(account::Column::PasswordHash, Expr::value(hash))
        .filter(account::Column::Id.eq(account.id))
        .exec(&txn)
        .await?;
    let ended = end_sessions(&txn, account.id).await?;
    record(&txn, actor, "account.reset", &account, serde_json::json!({"passwordReset": true, "sessionsEnded": ended}))
        .await?;
    crate::write::commit(txn).await?;
    Ok(())
}

/// An account as an office reads it (never its password or hash).
#[derive(SimpleObject)]
pub struct Account {
    pub username: String,
    pub role: String,
    pub jurisdiction: Option<String>,
    pub department_id: Option<ID>,
    pub institution_id: Option<ID>,
    pub subject: String,
    pub disabled: bool,
    /// `password` or `openid-connect`.
    pub signs_in: &'static str,
    pub created_at: chrono::DateTime<Utc>,
}

impl From<account::Model> for Account {
    fn from(row: account::Model) -> Self {
        Self {
            signs_in: if row.password_hash == EXTERNAL { "openid-connect" } else { "password" },
            username: row.username,
            role: row.role,
            jurisdiction: row.jurisdiction,
            department_id: row.department_id.map(|d| ID(d.to_string())),
            institution_id: row.institution_id.map(|i| ID(i.to_string())),
            subject: row.subject,
            disabled: row.disabled,
            created_at: row.created_at,
        }
    }
}

#[derive(InputObject)]
pub struct CreateAccountInput {
    pub username: String,
    /// STAFFING_OFFICE, DEPARTMENT, INSTITUTION or EVALUATOR.
    pub role: String,
    /// The account's jurisdiction: the caller's own or one below it.
    pub jurisdiction: String,
    /// The supervising department (DEPARTMENT accounts), in that jurisdiction.
    pub department_id: Option<ID>,
    /// The institution (INSTITUTION accounts), in that jurisdiction.
    pub institution_id: Option<ID>,
    /// The token's `sub` (an evaluator's committee subject); the user name by default.
    pub subject: Option<String>,
    /// A first password of 12 or more characters, told to the person; none for an account that
    /// signs in at the OpenID Connect provider.
    pub password: Option<String>,
}

#[derive(Default)]
pub struct AccountsQuery;

#[Object]
impl AccountsQuery {
    /// The accounts of the caller's jurisdiction and those below it (staffing offices), by
    /// jurisdiction then user name (at most 500).
    async fn accounts(&self, ctx: &Context<'_>) -> Result<Vec<Account>> {
        let rows = scope(ctx)
            .accounts()?
            .order_by_asc(account::Column::Jurisdiction)
            .order_by_asc(account::Column::Username)
            .limit(500)
            .all(db(ctx))
            .await?;
        Ok(rows.into_iter().map(Account::from).collect())
    }
}

#[derive(Default)]
pub struct AccountsMutation;

#[Object]
impl AccountsMutation {
    /// Makes an account in the caller's jurisdiction or one below it (a county's office, a
    /// department, an evaluator), audited.
    async fn create_account(&self, ctx: &Context<'_>, input: CreateAccountInput) -> Result<Account> {
        let scope = scope(ctx);
        scope.accounts()?;
        let role = Role::from_word(&input.role)
            .filter(|r| *r != Role::Public)
            .ok_or_else(|| ApiError::bad_input("`role` is STAFFING_OFFICE, DEPARTMENT, INSTITUTION or EVALUATOR"))?;
        let department = input.department_id.as_ref().map(crate::graphql::context::parse_id).transpose()?;
        let institution = input.institution_id.as_ref().map(crate::graphql::context::parse_id).transpose()?;
        let new = NewAccount {
            username: &input.username,
            password: input.password.as_deref(),
            role,
            jurisdiction: &input.jurisdiction,
            department,
            institution,
            subject: input.subject.as_deref(),
        };
        Ok(create(db(ctx), &actor(ctx), new, |place| scope.reads_jurisdiction(place.id)).await?.into())
    }

    /// Disables an account of the caller's jurisdiction or one below it: it cannot sign in, and
    /// its open sessions end. Answers how many sessions ended.
    async fn disable_account(&self, ctx: &Context<'_>, username: String) -> Result<i32> {
        Ok(disable(db(ctx), &actor(ctx), &username, scope(ctx).accounts()?).await? as i32)
    }

    /// Sets a new password (told to the person) for an account of the caller's jurisdiction or
    /// one below it; its open sessions end.
    async fn reset_account_password(&self, ctx: &Context<'_>, username: String, password: String) -> Result<bool> {
        reset_password(db(ctx), &actor(ctx), &username, &password, scope(ctx).accounts()?).await?;
        Ok(true)
    }
}
