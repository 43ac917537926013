//! Supervising departments (主管部门).

use async_graphql::{Context, ID, Object};
use entity::department;
use entity::enums::DepartmentKind;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::audit::{self, Actor, Change};
use crate::codes;
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, Result};
use crate::graphql::context::parse_id;
use crate::graphql::context::{actor, db, scope};
use crate::graphql::loaders::{Loaders, required};
use crate::jurisdiction::Jurisdiction;
use crate::scope::Scope;

pub struct Department(pub department::Model);

#[Object]
impl Department {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// 党委, 政府, 人大, 政协 or 群团 body; null until recorded (a department an institution
    /// import named before the department list was loaded).
    async fn kind(&self) -> Option<DepartmentKind> {
        self.0.kind
    }
    /// Its unified social credit code, where recorded.
    async fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }
    async fn jurisdiction(&self, ctx: &Context<'_>) -> Result<Jurisdiction> {
        let loaded = ctx.data_unchecked::<Loaders>().jurisdiction(self.0.jurisdiction_id).await;
        Ok(Jurisdiction(required(loaded, "jurisdiction")?))
    }
}

#[derive(Default)]
pub struct DepartmentQuery;

#[Object]
impl DepartmentQuery {
    /// Supervising departments in the caller's reach, optionally of one jurisdiction.
    async fn departments(&self, ctx: &Context<'_>, jurisdiction: Option<String>) -> Result<Vec<Department>> {
        let scope = scope(ctx);
        let mut query = scope.departments();
        if let Some(code) = jurisdiction {
            let ids = scope.narrow(db(ctx), &code, false).await?;
            query = query.filter(department::Column::JurisdictionId.is_in(ids));
        }
        let rows = query
            .order_by_asc(department::Column::JurisdictionId)
            .order_by_asc(department::Column::Name)
            .all(db(ctx))
            .await?;
        Ok(rows.into_iter().map(Department).collect())
    }
}

/// Finds a department by name in a jurisdiction, creating it when absent (imports).
pub async fn find_or_create<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    jurisdiction_id: i32,
    name: &str,
) -> ApiResult<(department::Model, bool)> {
    let name = codes::name("department", name).map_err(ApiError::BadInput)?;
    let existing = department::Entity::find()
        .filter(department::Column::JurisdictionId.eq(jurisdiction_id))
        .filter(department::Column::Name.eq(name.as_str()))
        .one(db)
        .await?;
    if let Some(existing) = existing {
        return Ok((existing, false));
    }
    Ok((insert(db, actor, "department.create", jurisdiction_id, name, Particulars::default()).await?, true))
}

/// Writes a new department and its audit row (`action`: how it came, `department.create` or
/// `department.import`).
pub(crate) async fn insert<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    action: &'static str,
    jurisdiction_id: i32,
    name: String,
    particulars: Particulars,
) -> ApiResult<department::Model> {
    let row = department::ActiveModel {
        jurisdiction_id: Set(jurisdiction_id),
        name: Set(name),
        kind: Set(particulars.kind),
        code: Set(particulars.code),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let change = Change::created(action, "department", row.id, jurisdiction_id, &row);
    audit::record(db, actor, change).await?;
    Ok(row)
}

/// What a department is besides its name: its kind and code (each optional).
#[derive(Default)]
pub struct Particulars {
    pub kind: Option<DepartmentKind>,
    pub code: Option<String>,
}

impl Particulars {
    fn code(&self) -> ApiResult<Option<String>> {
        let code = self.code.as_deref().map(str::trim).filter(|c| !c.is_empty());
        code.map(|c| crate::codes::CreditCode::parse(c).map(crate::codes::CreditCode::into_string))
            .transpose()
            .map_err(ApiError::BadInput)
    }
}

/// Refuses a code another department of the jurisdiction holds.
async fn code_free<C: ConnectionTrait>(db: &C, jurisdiction_id: i32, code: &str, except: i32) -> ApiResult<()> {
    let holder = department::Entity::find()
        .filter(department::Column::JurisdictionId.eq(jurisdiction_id))
        .filter(department::Column::Code.eq(code))
        .filter(department::Column::Id.ne(except))
        .one(db)
        .await?;
    match holder {
        Some(other) => Err(ApiError::conflict(format!("code {code} is department `{}`'s", other.name))),
        None => Ok(()),
    }
}

#[tracing::instrument(skip_all)]
pub async fn create(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    name: &str,
    particulars: Particulars,
) -> ApiResult<department::Model> {
    let own = scope.office()?.id;
    let code = particulars.code()?;
    let txn = begin_write(db).await?;
    if let Some(code) = &code {
        code_free(&txn, own, code, 0).await?;
    }
    let name = codes::name("name", name).map_err(ApiError::BadInput)?;
    let clash = department::Entity::find()
        .filter(department::Column::JurisdictionId.eq(own))
        .filter(department::Column::Name.eq(name.as_str()))
        .one(&txn)
        .await?;
    if clash.is_some() {
        return Err(ApiError::conflict(format!("department `{name}` already exists")));
    }
    let row = insert(&txn, actor, "department.create", own, name, Particulars { kind: particulars.kind, code }).await?;
    crate::write::commit(txn).await?;
    Ok(row)
}

#[tracing::instrument(skip_all)]
pub async fn rename(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: &Actor,
    id: i32,
    name: &str,
    particulars: Particulars,
) -> ApiResult<department::Model> {
    let name = codes::name("name", name).map_err(ApiError::BadInput)?;
    let code = particulars.code()?;
    let txn = begin_write(db).await?;
    let before = scope
        .departments()
        .filter(department::Column::Id.eq(id))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("department {id} not found")))?;
    scope.require_writer(before.jurisdiction_id)?;
    let clash = department::Entity::find()
        .filter(department::Column::JurisdictionId.eq(before.jurisdiction_id))
        .filter(department::Column::Name.eq(name.as_str()))
        .filter(department::Column::Id.ne(id))
        .one(&txn)
        .await?;
    if clash.is_some() {
        return Err(ApiError::conflict(format!("department `{name}` already exists")));
    }
    if let Some(code) = &code {
        code_free(&txn, before.jurisdiction_id, code, id).await?;
    }
    let mut row: department::ActiveModel = before.clone().into();
    row.name = Set(name);
    if let Some(kind) = particulars.kind {
        row.kind = Set(Some(kind));
    }
    if code.is_some() {
        row.code = Set(code);
    }
    let after = row.update(&txn).await?;
    let change = Change::updated("department.update", "department", after.id, after.jurisdiction_id, &before, &after);
    audit::record(&txn, actor, change).await?;
    crate::write::commit(txn).await?;
    Ok(after)
}

#[derive(Default)]
pub struct DepartmentMutation;

#[Object]
impl DepartmentMutation {
    /// Adds a supervising department to the caller's own jurisdiction, with its kind and
    /// unified social credit code where known.
    async fn create_department(
        &self,
        ctx: &Context<'_>,
        name: String,
        kind: Option<DepartmentKind>,
        code: Option<String>,
    ) -> Result<Department> {
        let particulars = Particulars { kind, code };
        Ok(Department(create(db(ctx), scope(ctx), &actor(ctx), &name, particulars).await?))
    }

    /// Renames a department; a kind or code given is recorded too (omitted: unchanged).
    async fn update_department(
        &self,
        ctx: &Context<'_>,
        id: ID,
        name: String,
        kind: Option<DepartmentKind>,
        code: Option<String>,
    ) -> Result<Department> {
        let id = parse_id(&id)?;
        let particulars = Particulars { kind, code };
        Ok(Department(rename(db(ctx), scope(ctx), &actor(ctx), id, &name, particulars).await?))
    }
}
