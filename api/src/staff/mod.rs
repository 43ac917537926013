//! The real-name staff database (实名制): every occupied slot is a named person.

pub mod absence;
mod departure;
mod lifecycle;
pub mod record;
pub mod retirement;
mod service;

pub use departure::depart;
pub use lifecycle::{LifecycleMutation, Occasion, StaffDateInput, end, move_person, record_movement};
pub use service::{HireInput, NewPerson, StaffFactsInput, StaffMutation, arrival, hire, hire_person, record_facts};

use async_graphql::{Context, ID, Object, SimpleObject};
use entity::enums::{StaffBasis, StaffCategory, StaffStatus};
use entity::staff;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter, QueryOrder, QuerySelect};

use crate::error::{ApiError, ApiResult, Result};
use crate::graphql::context::parse_id;
use crate::graphql::context::{db, pii, scope};
use crate::graphql::date::Day;
use crate::graphql::loaders::{Loaders, to_graphql};
use crate::graphql::pagination::{Count, Cursor, PageInfo, counted_page, page_size};
use crate::institution::Institution;
use record::CodeListName;

pub use crate::figures::{StaffCounts, counts_by_institution};

pub struct Staff(pub staff::Model);

#[Object]
impl Staff {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Relay's global id (the `Node` interface's id field): unique across types, read back by
    /// `node(id:)`. `id` stays the row id every other argument takes.
    pub async fn node_id(&self) -> ID {
        crate::graphql::context::global_id("Staff", self.0.id)
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
            Ok(crate::codes::mask_national_id_to(&number, scope(ctx).masked_id_digits()))
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
    async fn hire_date(&self) -> Day {
        Day(self.0.hire_date)
    }
    /// The government body a seconded person (借调) works at.
    async fn seconded_to(&self) -> Option<&str> {
        self.0.seconded_to.as_deref()
    }
    /// The day the secondment began.
    async fn seconded_since(&self) -> Option<Day> {
        self.0.seconded_since.map(Day)
    }
    /// Shown only where the national ID is shown in full (the person's own office).
    async fn birth_year(&self, ctx: &Context<'_>) -> Option<i32> {
        scope(ctx).sees_personal_data(self.0.jurisdiction_id).then_some(self.0.birth_year)
    }
    async fn title_level(&self) -> Option<&str> {
        self.0.title_level.as_deref()
    }
    /// Recorded over establishment (超编), inherited and accepted on import.
    /// An early retirement's basis (病退, 特殊工种, 因工致残).
    async fn retirement_basis(&self) -> Option<entity::enums::RetirementBasis> {
        self.0.retirement_basis
    }
    /// An agreed flexible postponement (弹性延迟退休): the last day in post.
    async fn retirement_extended_to(&self) -> Option<Day> {
        self.0.retirement_extended_to.map(Day)
    }
    async fn over_establishment(&self) -> bool {
        self.0.over_establishment
    }
    /// Why the person left (retired or left).
    async fn departure_reason(&self) -> Option<entity::enums::DepartureReason> {
        self.0.departure_reason
    }
    /// The last day of a secondment's approved term.
    async fn seconded_until(&self) -> Option<Day> {
        self.0.seconded_until.map(Day)
    }
    /// 性别 (GB/T 2261.1: 1 男, 2 女), from the national ID: personal data, read where the ID
    /// is read in full.
    async fn sex(&self, ctx: &Context<'_>) -> Result<Option<Coded>> {
        if !scope(ctx).sees_personal_data(self.0.jurisdiction_id) {
            return Ok(None);
        }
        let number = pii(ctx).decrypt(&self.0.national_id_cipher).map_err(ApiError::internal)?;
        let id = crate::codes::NationalId::parse(&number).map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?;
        Ok(Some(Coded::sex(retirement::sex_of(&id))))
    }
    /// 民族 (GB 3304): personal data.
    async fn ethnicity(&self, ctx: &Context<'_>) -> Option<Coded> {
        self.personal(ctx, CodeListName::Ethnicity, &self.0.ethnicity)
    }
    /// 政治面貌 (GB/T 4762): personal data.
    async fn political_status(&self, ctx: &Context<'_>) -> Option<Coded> {
        self.personal(ctx, CodeListName::PoliticalStatus, &self.0.political_status)
    }
    /// 学历 (GB/T 4658): personal data.
    async fn education(&self, ctx: &Context<'_>) -> Option<Coded> {
        self.personal(ctx, CodeListName::Education, &self.0.education)
    }
    /// 学位 (GB/T 6864): personal data.
    async fn degree(&self, ctx: &Context<'_>) -> Option<Coded> {
        self.personal(ctx, CodeListName::Degree, &self.0.degree)
    }
    /// 岗位等级 (国人部发〔2006〕70号).
    async fn post_grade(&self) -> Option<Coded> {
        Coded::of(CodeListName::PostGrade, &self.0.post_grade)
    }
    /// 职务.
    async fn duty(&self) -> Option<&str> {
        self.0.duty.as_deref()
    }
    /// 参加工作时间.
    async fn work_started_on(&self) -> Option<Day> {
        self.0.work_started_on.map(Day)
    }
    /// 入编时间.
    async fn entered_establishment_on(&self) -> Option<Day> {
        self.0.entered_establishment_on.map(Day)
    }
    /// Off post now (在编不在岗: 离岗创业, 长期病休...): read by the person's own office only.
    async fn off_post(&self, ctx: &Context<'_>) -> Result<Option<absence::OffPost>> {
        Ok(self.times_off_post(ctx).await?.into_iter().find(|a| a.ended_on.is_none()))
    }
    /// Every time off post, newest first (at most 20): the person's own office only.
    async fn off_post_history(&self, ctx: &Context<'_>) -> Result<Vec<absence::OffPost>> {
        self.times_off_post(ctx).await
    }
}

/// A coded fact of a person's record: its code and the code's label.
#[derive(SimpleObject, Clone)]
pub struct Coded {
    pub code: String,
    pub label: String,
}

impl Coded {
    /// 性别 as GB/T 2261.1 codes it.
    pub fn sex(sex: retirement::Sex) -> Coded {
        let (code, label) = match sex {
            retirement::Sex::Male => ("1", "男"),
            retirement::Sex::Female => ("2", "女"),
        };
        Coded { code: code.into(), label: label.into() }
    }

    fn of(list: CodeListName, code: &Option<String>) -> Option<Coded> {
        let code = code.as_deref()?;
        let label = record::entry(list, code).map_or(code, |c| c.label.as_str());
        Some(Coded { code: code.to_string(), label: label.to_string() })
    }
}

impl Staff {
    /// The person's times off post: read by the person's own office only (a long sick leave is
    /// health data).
    async fn times_off_post(&self, ctx: &Context<'_>) -> Result<Vec<absence::OffPost>> {
        if !scope(ctx).sees_personal_data(self.0.jurisdiction_id) {
            return Ok(Vec::new());
        }
        let found = ctx.data_unchecked::<Loaders>().off_post.load_one(self.0.id).await.map_err(to_graphql)?;
        Ok(found.unwrap_or_default().into_iter().map(absence::OffPost::from).collect())
    }

    /// A coded personal fact, read where the national ID is read in full.
    fn personal(&self, ctx: &Context<'_>, list: CodeListName, code: &Option<String>) -> Option<Coded> {
        scope(ctx).sees_personal_data(self.0.jurisdiction_id).then(|| Coded::of(list, code)).flatten()
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

    /// The national code lists of a person's record (学历, 学位, 民族, 政治面貌, 岗位等级), each
    /// with its source: public standards, readable by anyone.
    async fn person_code_lists(&self) -> Vec<record::CodeList> {
        record::lists().to_vec()
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
        visible(ctx, parse_id(&id)?).await
    }
}

/// One person, when in the caller's reach.
pub(crate) async fn visible(ctx: &Context<'_>, id: i32) -> Result<Option<Staff>> {
    let row = scope(ctx).staff()?.filter(staff::Column::Id.eq(id)).one(db(ctx)).await?;
    Ok(row.map(Staff))
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
    let page_info = PageInfo::forward(edges.iter().map(|e| &e.cursor), has_next_page, after.is_some());
    Ok(StaffConnection { total_count, page_info, edges })
}
