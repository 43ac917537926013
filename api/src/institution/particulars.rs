//! The facts an institution changes by itself and reports (信息变更): its registered address
//! (住所), its legal representative (法定代表人) and its head (单位负责人). The office records
//! them, from its own desk or by approving the institution's submission.

use async_graphql::{Context, ID, InputObject, Object};
use entity::institution;
use sea_orm::{ActiveModelTrait, Set};

use super::Institution;
use crate::audit::{self, Actor, Change};
use crate::codes;
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Result};
use crate::graphql::context::{actor, db, parse_id, scope};
use crate::scope::Scope;

/// Longest address.
const MAX_ADDRESS: usize = 200;

/// A change of an institution's particulars; what is left out stays as it is.
#[derive(InputObject, Clone)]
pub struct InstitutionParticularsInput {
    pub institution_id: ID,
    /// 住所.
    pub address: Option<String>,
    /// 法定代表人.
    pub legal_representative: Option<String>,
    /// 单位负责人.
    pub head: Option<String>,
    /// The document the change rests on (登记证书, 任免文件), kept with the audit row.
    pub document_no: Option<String>,
    /// Answer what the change would result in, writing nothing (audit included).
    #[graphql(default)]
    pub dry_run: bool,
}

fn address(raw: &str) -> ApiResult<String> {
    let value = raw.trim();
    if value.is_empty() || value.chars().count() > MAX_ADDRESS {
        return Err(ApiError::bad_input(format!("`address`: 1 to {MAX_ADDRESS} characters")));
    }
    Ok(value.to_string())
}

/// Records a change of an institution's particulars, audited with its document.
#[tracing::instrument(skip_all)]
pub async fn record<C: crate::db::Writes>(
    db: &C,
    scope: &Scope,
    actor: &Actor,
    input: InstitutionParticularsInput,
) -> ApiResult<institution::Model> {
    let id = parse_id(&input.institution_id)?;
    let document = match input.document_no.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => Some(codes::document_no(d).map_err(ApiError::BadInput)?),
        None => None,
    };
    let address = input.address.as_deref().map(address).transpose()?;
    let person = |field: &str, raw: &Option<String>| {
        raw.as_deref().map(|name| codes::name(field, name).map_err(ApiError::BadInput)).transpose()
    };
    let legal_representative = person("legalRepresentative", &input.legal_representative)?;
    let head = person("head", &input.head)?;
    if address.is_none() && legal_representative.is_none() && head.is_none() {
        return Err(ApiError::bad_input("give at least one of `address`, `legalRepresentative`, `head`"));
    }
    let txn = begin_write(db).await?;
    let before = scope.institution_for_write(&txn, id).await?;
    let mut row: institution::ActiveModel = before.clone().into();
    if let Some(v) = address {
        row.address = Set(Some(v));
    }
    if let Some(v) = legal_representative {
        row.legal_representative = Set(Some(v));
    }
    if let Some(v) = head {
        row.head = Set(Some(v));
    }
    row.updated_at = Set(chrono::Utc::now());
    let after = row.update(&txn).await?;
    let mut change =
        Change::updated("institution.particulars", "institution", after.id, after.jurisdiction_id, &before, &after);
    if let (Some(serde_json::Value::Object(record)), Some(document)) = (change.after.as_mut(), document) {
        record.insert("document_no".into(), serde_json::Value::from(document));
    }
    audit::record(&txn, actor, change).await?;
    crate::dry_run::finish(txn, scope, input.dry_run).await?;
    Ok(after)
}

#[derive(Default)]
pub struct ParticularsMutation;

#[Object]
impl ParticularsMutation {
    /// Records a change of an institution's address, legal representative or head.
    async fn record_institution_particulars(
        &self,
        ctx: &Context<'_>,
        input: InstitutionParticularsInput,
    ) -> Result<Institution> {
        let row = record(db(ctx), scope(ctx), &actor(ctx), input).await?;
        crate::dry_run::answer(ctx).await;
        Ok(Institution(row))
    }
}
