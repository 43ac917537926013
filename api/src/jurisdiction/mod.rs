//! Jurisdictions (tenants): the province > city > county/district tree.

pub mod department;
pub mod divisions;
mod init;

pub use init::{Initialised, init};

use async_graphql::{Context, ID, InputObject, Object};
use entity::enums::JurisdictionKind;
use entity::jurisdiction;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::audit::{self, Actor, Change};
use crate::codes::{self, DivisionCode};
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Result};
use crate::graphql::context::{actor, db, scope};
use crate::graphql::loaders::{Loaders, to_api};
use crate::jurisdiction::department::Department;
use crate::scope::Scope;

pub struct Jurisdiction(pub jurisdiction::Model);

#[Object]
impl Jurisdiction {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Relay's global id (the `Node` interface's id field): unique across types, read back by
    /// `node(id:)`. `id` stays the row id every other argument takes.
    pub async fn node_id(&self) -> ID {
        crate::graphql::context::global_id("Jurisdiction", self.0.id)
    }
    /// Administrative division code (GB/T 2260).
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> JurisdictionKind {
        self.0.kind
    }
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Jurisdiction>> {
        let Some(parent_id) = self.0.parent_id else { return Ok(None) };
        // The parent is shown only when it is itself in the caller's reach.
        if !scope(ctx).reads_jurisdiction(parent_id) {
            return Ok(None);
        }
        let row = ctx.data_unchecked::<Loaders>().jurisdiction(parent_id).await.map_err(to_api)?;
        Ok(row.map(Jurisdiction))
    }
    /// Jurisdictions directly below, within the caller's reach.
    async fn children(&self, ctx: &Context<'_>) -> Result<Vec<Jurisdiction>> {
        let rows = ctx.data_unchecked::<Loaders>().children.load_one(self.0.id).await.map_err(to_api)?;
        Ok(rows.unwrap_or_default().into_iter().map(Jurisdiction).collect())
    }
    /// How many last characters of their people's national IDs its institutions' own accounts
    /// see (0 to 4), as its office decided.
    #[graphql(guard = "crate::graphql::context::InternalGuard")]
    async fn institution_id_digits(&self) -> i32 {
        self.0.institution_id_digits
    }
    /// Supervising departments of this jurisdiction, within the caller's reach.
    async fn departments(&self, ctx: &Context<'_>) -> Result<Vec<Department>> {
        let rows = ctx.data_unchecked::<Loaders>().departments_of.load_one(self.0.id).await.map_err(to_api)?;
        Ok(rows.unwrap_or_default().into_iter().map(Department).collect())
    }
}

#[derive(Default)]
pub struct JurisdictionQuery;

#[Object]
impl JurisdictionQuery {
    /// Jurisdictions in the caller's reach, ordered by code (a tree through `parent` and
    /// `children`).
    async fn jurisdictions(&self, ctx: &Context<'_>) -> Result<Vec<Jurisdiction>> {
        let rows = scope(ctx).jurisdictions().order_by_asc(jurisdiction::Column::Path).all(db(ctx)).await?;
        Ok(rows.into_iter().map(Jurisdiction).collect())
    }

    async fn jurisdiction(&self, ctx: &Context<'_>, code: String) -> Result<Option<Jurisdiction>> {
        let row = scope(ctx).jurisdictions().filter(jurisdiction::Column::Code.eq(code)).one(db(ctx)).await?;
        Ok(row.map(Jurisdiction))
    }
}

/// One jurisdiction by its row id, when in the caller's scope.
pub(crate) async fn visible(ctx: &Context<'_>, id: i32) -> Result<Option<Jurisdiction>> {
    let row = scope(ctx).jurisdictions().filter(jurisdiction::Column::Id.eq(id)).one(db(ctx)).await?;
    Ok(row.map(Jurisdiction))
}

#[derive(InputObject)]
pub struct CreateJurisdictionInput {
    pub code: String,
    pub name: String,
    pub kind: JurisdictionKind,
    /// The parent's code: creating a child is a write of the parent's staffing office.
    pub parent_code: String,
    /// The parent's decision (文号) creating a functional zone (开发区, 新区) whose code is not in
    /// the national division table; a code in the table needs none.
    pub document_no: Option<String>,
}

/// A new child as the national division table has it, or a functional zone by its parent's
/// decision: answers the document number of that decision, if any.
fn check_against_table(
    input: &CreateJurisdictionInput,
    code: &DivisionCode,
    name: &str,
    parent: &jurisdiction::Model,
) -> ApiResult<Option<String>> {
    match divisions::lookup(code.as_str()) {
        Some(official) => {
            if official.parent.as_deref() != Some(parent.code.as_str()) {
                let above = official.parent.as_deref().unwrap_or("no parent");
                return Err(ApiError::bad_input(format!(
                    "in the national division table {} {} sits under {above}, not {}",
                    official.code, official.name, parent.code
                )));
            }
            if official.kind != input.kind {
                return Err(ApiError::bad_input(format!(
                    "in the national division table {} is a {}",
                    official.code,
                    official.kind.word()
                )));
            }
            if official.name != name {
                return Err(ApiError::bad_input(format!(
                    "the official name of {} is {}",
                    official.code, official.name
                )));
            }
            Ok(None)
        }
        None => {
            let document = input.document_no.as_deref().map(str::trim).filter(|d| !d.is_empty()).ok_or_else(|| {
                ApiError::bad_input(format!(
                    "{} is not in the national division table ({}); a functional zone (开发区, 新区) outside it \
                     is created by its parent's decision: give `documentNo`",
                    code.as_str(),
                    divisions::EDITION
                ))
            })?;
            let shared = match parent.kind {
                JurisdictionKind::Province => 2,
                _ => 4,
            };
            if code.as_str()[..shared] != parent.code[..shared] {
                return Err(ApiError::bad_input(format!(
                    "a functional zone's code starts as its parent's: {} under {}",
                    code.as_str(),
                    parent.code
                )));
            }
            let document = codes::document_no(document).map_err(ApiError::BadInput)?;
            Ok(Some(document))
        }
    }
}

#[tracing::instrument(skip_all)]
pub async fn create(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    input: CreateJurisdictionInput,
) -> ApiResult<jurisdiction::Model> {
    let code = DivisionCode::parse(&input.code).map_err(ApiError::BadInput)?;
    let name = codes::name("name", &input.name).map_err(ApiError::BadInput)?;
    let parent_code = DivisionCode::parse(&input.parent_code).map_err(ApiError::BadInput)?;
    let txn = begin_write(db).await?;
    let parent = jurisdiction::Entity::find()
        .filter(jurisdiction::Column::Code.eq(parent_code.as_str()))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::bad_input(format!("parent jurisdiction {} does not exist", parent_code.as_str())))?;
    scope.require_writer(parent.id)?;
    let rank = |kind: JurisdictionKind| match kind {
        JurisdictionKind::Province => 0,
        JurisdictionKind::City => 1,
        JurisdictionKind::County | JurisdictionKind::District => 2,
    };
    if rank(input.kind) <= rank(parent.kind) {
        return Err(ApiError::bad_input(format!("a {} cannot sit below a {}", input.kind.word(), parent.kind.word())));
    }
    let decision = check_against_table(&input, &code, &name, &parent)?;
    let exists = jurisdiction::Entity::find().filter(jurisdiction::Column::Code.eq(code.as_str())).one(&txn).await?;
    if exists.is_some() {
        return Err(ApiError::conflict(format!("jurisdiction {} already exists", code.as_str())));
    }
    let row = jurisdiction::ActiveModel {
        code: Set(code.as_str().to_string()),
        name: Set(name),
        kind: Set(input.kind),
        parent_id: Set(Some(parent.id)),
        path: Set(format!("{}{}/", parent.path, code.as_str())),
        created_at: Set(chrono::Utc::now()),
        institution_id_digits: Set(4),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut change = Change::created("jurisdiction.create", "jurisdiction", row.id, parent.id, &row);
    if let (Some(document), Some(after)) = (decision, change.after.as_mut()) {
        after["documentNo"] = serde_json::json!(document);
    }
    audit::record(&txn, actor, change).await?;
    crate::write::commit(txn).await?;
    Ok(row)
}

#[tracing::instrument(skip_all, fields(code))]
pub async fn rename(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    code: &str,
    name: &str,
) -> ApiResult<jurisdiction::Model> {
    let name = codes::name("name", name).map_err(ApiError::BadInput)?;
    let txn = begin_write(db).await?;
    let before = jurisdiction::Entity::find()
        .filter(jurisdiction::Column::Code.eq(code))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("jurisdiction {code} not found")))?;
    scope.require_writer(before.id)?;
    let mut row: jurisdiction::ActiveModel = before.clone().into();
    row.name = Set(name);
    let after = row.update(&txn).await?;
    // Findings name the kind of an institution by its name without its jurisdiction's: the
    // maintained row's version moves so that what was computed under the old name is not kept.
    crate::totals::mark_jurisdiction(&txn, after.id).await?;
    let change = Change::updated("jurisdiction.update", "jurisdiction", after.id, after.id, &before, &after);
    audit::record(&txn, actor, change).await?;
    crate::write::commit(txn).await?;
    Ok(after)
}

/// Sets how many last characters of a national ID the office's institutions' own accounts see
/// of their people (0 to 4): the office's own jurisdiction only, audited.
pub async fn set_id_digits(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    digits: i32,
) -> ApiResult<jurisdiction::Model> {
    if !(0..=4).contains(&digits) {
        return Err(ApiError::bad_input("`digits`: from 0 to 4"));
    }
    let own = scope.office()?.id;
    let txn = begin_write(db).await?;
    let before = jurisdiction::Entity::find_by_id(own)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("jurisdiction {own} not found")))?;
    let mut row: jurisdiction::ActiveModel = before.clone().into();
    row.institution_id_digits = Set(digits);
    let after = row.update(&txn).await?;
    let change = Change::updated("jurisdiction.institution_id_digits", "jurisdiction", own, own, &before, &after);
    audit::record(&txn, actor, change).await?;
    crate::write::commit(txn).await?;
    Ok(after)
}

#[derive(Default)]
pub struct JurisdictionMutation;

#[Object]
impl JurisdictionMutation {
    /// Creates a county, district or city below the caller's own jurisdiction.
    async fn create_jurisdiction(&self, ctx: &Context<'_>, input: CreateJurisdictionInput) -> Result<Jurisdiction> {
        Ok(Jurisdiction(create(db(ctx), scope(ctx), &actor(ctx), input).await?))
    }

    /// Decides how many last characters (0 to 4) of their people's national IDs the
    /// institutions' own accounts of the caller's jurisdiction see.
    async fn set_institution_id_digits(&self, ctx: &Context<'_>, digits: i32) -> Result<Jurisdiction> {
        Ok(Jurisdiction(set_id_digits(db(ctx), scope(ctx), &actor(ctx), digits).await?))
    }

    /// Renames the caller's own jurisdiction.
    async fn update_jurisdiction(&self, ctx: &Context<'_>, code: String, name: String) -> Result<Jurisdiction> {
        Ok(Jurisdiction(rename(db(ctx), scope(ctx), &actor(ctx), &code, &name).await?))
    }
}
