//! The real-name staff database (实名制): every occupied slot is a named person.

mod departure;
mod lifecycle;
pub mod retirement;
mod service;

pub use departure::depart;
pub use lifecycle::{LifecycleMutation, Occasion, move_person, record_movement};
pub use service::{HireInput, NewPerson, StaffMutation, arrival, hire, hire_person};

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::NaiveDate;
use entity::enums::{StaffBasis, StaffCategory, StaffStatus};
use entity::staff;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect};

use crate::error::{ApiError, ApiResult, Result};
use crate::graphql::context::{db, pii, scope};
use crate::graphql::loaders::{LoadError, Loaders, to_graphql};
use crate::graphql::pagination::{Count, Cursor, PageInfo, counted_page, page_size};
use crate::institution::{Institution, parse_id};

/// Staff of one institution (or area), counted the way the overview counts them.
#[derive(SimpleObject, Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StaffCounts {
    /// Basis FISCAL or SELF_FINANCED, status ACTIVE or SECONDED_OUT: they occupy a slot.
    pub in_establishment: i32,
    pub fiscal: i32,
    pub self_financed: i32,
    pub management: i32,
    pub professional_technical: i32,
    pub logistics_service: i32,
    /// Basis TEMPORARY (编外), status ACTIVE.
    pub temporary: i32,
    /// In establishment but seconded out (借调).
    pub seconded_out: i32,
    /// Hired in a filed hospital beyond its establishment (备案制), active.
    pub filed: i32,
}

impl StaffCounts {
    /// Adds another institution's counts.
    pub fn merge(&mut self, other: &StaffCounts) {
        self.in_establishment += other.in_establishment;
        self.fiscal += other.fiscal;
        self.self_financed += other.self_financed;
        self.management += other.management;
        self.professional_technical += other.professional_technical;
        self.logistics_service += other.logistics_service;
        self.temporary += other.temporary;
        self.seconded_out += other.seconded_out;
        self.filed += other.filed;
    }

    pub fn add(&mut self, basis: StaffBasis, status: StaffStatus, category: StaffCategory, n: i32) {
        if basis == StaffBasis::Temporary {
            if status == StaffStatus::Active {
                self.temporary += n;
            }
            return;
        }
        if basis == StaffBasis::Filed {
            if status.holds_slot() {
                self.filed += n;
            }
            return;
        }
        if !status.holds_slot() {
            return;
        }
        self.in_establishment += n;
        match basis {
            StaffBasis::Fiscal => self.fiscal += n,
            _ => self.self_financed += n,
        }
        match category {
            StaffCategory::Management => self.management += n,
            StaffCategory::ProfessionalTechnical => self.professional_technical += n,
            StaffCategory::LogisticsService => self.logistics_service += n,
        }
        if status == StaffStatus::SecondedOut {
            self.seconded_out += n;
        }
    }
}

#[derive(Debug, FromQueryResult)]
struct CountRow {
    institution_id: i32,
    basis: StaffBasis,
    status: StaffStatus,
    category: StaffCategory,
    n: i64,
}

/// Staff counts of many institutions, one GROUP BY query per chunk of ids.
pub async fn counts_by_institution<C: sea_orm::ConnectionTrait>(
    db: &C,
    ids: &[i32],
) -> Result<HashMap<i32, StaffCounts>, sea_orm::DbErr> {
    let mut found: HashMap<i32, StaffCounts> = ids.iter().map(|k| (*k, StaffCounts::default())).collect();
    for chunk in ids.chunks(5_000) {
        let rows = staff::Entity::find()
            .select_only()
            .column(staff::Column::InstitutionId)
            .column(staff::Column::Basis)
            .column(staff::Column::Status)
            .column(staff::Column::Category)
            // `COUNT(*)`, not of a column: the (institution, status, basis, category) index
            // then answers alone, without reading each person's row.
            .column_as(sea_orm::sea_query::Expr::cust("COUNT(*)"), "n")
            .filter(staff::Column::InstitutionId.is_in(chunk.iter().copied()))
            .group_by(staff::Column::InstitutionId)
            .group_by(staff::Column::Basis)
            .group_by(staff::Column::Status)
            .group_by(staff::Column::Category)
            .into_model::<CountRow>()
            .all(db)
            .await?;
        for row in rows {
            found.entry(row.institution_id).or_default().add(row.basis, row.status, row.category, row.n as i32);
        }
    }
    Ok(found)
}

/// Staff counts of many institutions in one batch (the request's DataLoader): each
/// institution's maintained share (one row each, kept by every write's settle), and a count
/// of the people only for an institution whose share is missing or not yet settled.
pub struct StaffCountLoader(pub DatabaseConnection);

impl Loader<i32> for StaffCountLoader {
    type Value = StaffCounts;
    type Error = LoadError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let loaded = async {
            let (mut found, unsettled) = crate::totals::stored_staff(&self.0, keys).await?;
            if !unsettled.is_empty() {
                found.extend(counts_by_institution(&self.0, &unsettled).await?);
            }
            Ok::<_, sea_orm::DbErr>(found)
        };
        loaded.await.map_err(|e| Arc::new(ApiError::from(e)))
    }
}

pub struct Staff(pub staff::Model);

#[Object]
impl Staff {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Shown in full only to the staffing office of the person's jurisdiction; masked for
    /// everyone else.
    async fn national_id(&self, ctx: &Context<'_>) -> Result<String> {
        let number = pii(ctx).decrypt(&self.0.national_id_cipher).map_err(ApiError::internal)?;
        if scope(ctx).sees_personal_data(self.0.jurisdiction_id) {
            Ok(number)
        } else {
            Ok(crate::codes::mask_national_id(&number))
        }
    }
    /// A person in the caller's reach works in an institution in that reach.
    async fn institution(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        let loaded = ctx.data_unchecked::<Loaders>().institution.load_one(self.0.institution_id).await;
        Ok(loaded.map_err(to_graphql)?.map(Institution))
    }
    async fn institution_id(&self) -> ID {
        ID(self.0.institution_id.to_string())
    }
    async fn category(&self) -> StaffCategory {
        self.0.category
    }
    async fn basis(&self) -> StaffBasis {
        self.0.basis
    }
    async fn status(&self) -> StaffStatus {
        self.0.status
    }
    async fn hire_date(&self) -> NaiveDate {
        self.0.hire_date
    }
    /// The government body a seconded person (借调) works at.
    async fn seconded_to(&self) -> Option<&str> {
        self.0.seconded_to.as_deref()
    }
    /// The day the secondment began.
    async fn seconded_since(&self) -> Option<NaiveDate> {
        self.0.seconded_since
    }
    /// Shown only where the national ID is shown in full (the person's own office).
    async fn birth_year(&self, ctx: &Context<'_>) -> Option<i32> {
        scope(ctx).sees_personal_data(self.0.jurisdiction_id).then_some(self.0.birth_year)
    }
    async fn title_level(&self) -> Option<&str> {
        self.0.title_level.as_deref()
    }
    /// Recorded over establishment (超编), inherited and accepted on import.
    async fn over_establishment(&self) -> bool {
        self.0.over_establishment
    }
}

#[derive(SimpleObject)]
pub struct StaffEdge {
    pub cursor: String,
    pub node: Staff,
}

#[derive(SimpleObject)]
pub struct StaffConnection {
    pub total_count: u64,
    pub page_info: PageInfo,
    pub edges: Vec<StaffEdge>,
}

#[derive(Default)]
pub struct StaffQuery;

#[Object]
impl StaffQuery {
    /// The statutory retirement ages (法定退休年龄) this system applies, with the gradual raise
    /// that began in 2025: public law, readable by anyone.
    async fn retirement_rules(&self) -> Vec<retirement::RetirementRule> {
        retirement::RULES.to_vec()
    }

    /// People on the real-name list in the caller's reach, by id.
    #[allow(clippy::too_many_arguments)]
    async fn staff(
        &self,
        ctx: &Context<'_>,
        jurisdiction: Option<String>,
        #[graphql(default = false)] include_descendants: bool,
        institution_id: Option<ID>,
        category: Option<StaffCategory>,
        basis: Option<StaffBasis>,
        status: Option<StaffStatus>,
        #[graphql(desc = "Part of the name")] search: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<StaffConnection> {
        let filters =
            StaffFilters { jurisdiction, include_descendants, institution_id, category, basis, status, search };
        let connection = list(db(ctx), ctx, filters, first, after).await?;
        let institutions = connection.edges.iter().map(|e| e.node.0.institution_id).collect();
        let node = ctx.look_ahead().field("edges").field("node");
        ctx.data_unchecked::<Loaders>().prefetch_staff(node, institutions).await.map_err(to_graphql)?;
        Ok(connection)
    }

    /// One person, when in the caller's reach.
    async fn person(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Staff>> {
        let id = parse_id(&id)?;
        let row = scope(ctx).staff()?.filter(staff::Column::Id.eq(id)).one(db(ctx)).await?;
        Ok(row.map(Staff))
    }
}

struct StaffFilters {
    jurisdiction: Option<String>,
    include_descendants: bool,
    institution_id: Option<ID>,
    category: Option<StaffCategory>,
    basis: Option<StaffBasis>,
    status: Option<StaffStatus>,
    search: Option<String>,
}

async fn list(
    db: &DatabaseConnection,
    ctx: &Context<'_>,
    filters: StaffFilters,
    first: Option<i32>,
    after: Option<String>,
) -> ApiResult<StaffConnection> {
    let scope = scope(ctx);
    let limit = page_size(first)?;
    let mut query = match &filters.jurisdiction {
        Some(code) => scope.staff_in(&scope.narrow(db, code, filters.include_descendants).await?)?,
        None => scope.staff()?,
    };
    if let Some(id) = &filters.institution_id {
        query = query.filter(staff::Column::InstitutionId.eq(parse_id(id)?));
    }
    if let Some(v) = filters.category {
        query = query.filter(staff::Column::Category.eq(v));
    }
    if let Some(v) = filters.basis {
        query = query.filter(staff::Column::Basis.eq(v));
    }
    if let Some(v) = filters.status {
        query = query.filter(staff::Column::Status.eq(v));
    }
    let mut count = Count::Subquery;
    if let Some(search) = filters.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        if search.chars().count() > 50 {
            return Err(ApiError::bad_input("`search` is longer than 50 characters"));
        }
        query = query.filter(staff::Column::Name.contains(search));
        if db.get_database_backend() == sea_orm::DbBackend::Postgres {
            // Every character of the text, from the name-characters index (migration 19);
            // `LIKE` above keeps their order.
            let characters = "string_to_array(\"staff\".\"name\", NULL::text) @> string_to_array($1, NULL::text)";
            query = query.filter(Expr::cust_with_values(characters, [search]));
        }
        // Each match is read from the table to confirm it anyway: count them in that pass.
        if after.is_none() {
            count = Count::Window;
        }
    }
    let (mut rows, total_count) = counted_page(db, query, count, |page| {
        let page = match &after {
            Some(raw) => page.filter(staff::Column::Id.gt(Cursor::decode(raw, "staff:id")?.id)),
            None => page,
        };
        Ok(page.order_by_asc(staff::Column::Id).limit(limit + 1))
    })
    .await?;
    let has_next_page = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let edges: Vec<StaffEdge> = rows
        .into_iter()
        .map(|row| {
            let cursor = Cursor { order: "staff:id".into(), key: String::new(), id: row.id }.encode();
            StaffEdge { cursor, node: Staff(row) }
        })
        .collect();
    let end_cursor = edges.last().map(|e| e.cursor.clone());
    Ok(StaffConnection { total_count, page_info: PageInfo { has_next_page, end_cursor }, edges })
}
