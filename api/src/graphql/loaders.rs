//! Per-request batch loaders: related records come in one `IN (…)` query per kind, never
//! one query per row. They are built for each request, so nothing cached crosses tenants.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::Lookahead;
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::{classification_decision, department, establishment_balance, institution, jurisdiction};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::error::ApiError;
use crate::positional::ByPosition;
use crate::scope::Scope;

pub type LoadError = Arc<ApiError>;

/// SQLite accepts at most 32,766 bound values; stay well below.
const CHUNK: usize = 5_000;

type Cached<T> = DataLoader<T, HashMapCache>;

/// The loaders of one request. Their caches live as long as the request, so nothing loaded
/// for one caller is ever served to another.
pub struct Loaders {
    /// Jurisdictions outside the caller's own (see [`Loaders::jurisdiction`]).
    jurisdiction: Cached<ById<jurisdiction::Entity>>,
    /// The jurisdictions the caller's scope resolved with (an office's subtree, a department's
    /// own), shared with the scope.
    known_jurisdictions: Arc<[jurisdiction::Model]>,
    /// Departments outside the caller's kept ones (see [`Loaders::department`]).
    department: Cached<ById<department::Entity>>,
    /// The departments of an office's subtree as the process keeps them, by id, shared with
    /// the scope.
    known_departments: Arc<[department::Model]>,
    pub institution: Cached<ById<institution::Entity>>,
    pub balances: Cached<BalancesByInstitution>,
    pub staff_counts: Cached<StaffCountLoader>,
    pub classification_history: Cached<ClassificationHistory>,
    /// Jurisdictions directly below each jurisdiction, within the caller's reach.
    pub children: Cached<ChildrenOf>,
    /// Supervising departments of each jurisdiction, within the caller's reach.
    pub departments_of: Cached<DepartmentsOf>,
    /// The leaders in post at each institution.
    pub leaders: Cached<LeadersOf>,
    /// Each evaluation round's institutions, members and recusals.
    pub round_institutions: Cached<RoundInstitutions>,
    pub round_members: Cached<RoundMembers>,
    pub round_recusals: Cached<RoundRecusals>,
    /// Each institution's vacant slots with their ages.
    pub vacancies: Cached<VacanciesOf>,
    /// Birth dates, sex and category of each institution's people in establishment.
    pub working_lives: Cached<crate::staff::retirement::WorkingLives>,
    /// Each institution's vacancy-use plans the caller may read, newest first.
    pub vacancy_use_plans: Cached<PlansOf>,
    /// Each person's open time off post.
    pub off_post: Cached<OffPostOf>,
    /// Which key signed each release.
    pub release_signatures: Cached<crate::disclosure::signing::SignaturesOf>,
}

fn cached<T: Loader<i32>>(loader: T) -> Cached<T> {
    DataLoader::with_cache(loader, |fut| tokio::spawn(fut), HashMapCache::default())
}

impl Loaders {
    pub fn new(db: &DatabaseConnection, scope: &Scope, pii: &crate::pii::PiiCipher) -> Self {
        Self {
            vacancies: cached(VacanciesOf(db.clone())),
            off_post: cached(OffPostOf(db.clone())),
            release_signatures: cached(crate::disclosure::signing::SignaturesOf(db.clone())),
            round_institutions: cached(RoundInstitutions(db.clone())),
            leaders: cached(LeadersOf(db.clone())),
            round_members: cached(RoundMembers(db.clone())),
            round_recusals: cached(RoundRecusals(db.clone())),
            working_lives: cached(crate::staff::retirement::WorkingLives { db: db.clone(), pii: pii.clone() }),
            children: cached(ChildrenOf { db: db.clone(), scope: scope.clone() }),
            departments_of: cached(DepartmentsOf { db: db.clone(), scope: scope.clone() }),
            vacancy_use_plans: cached(PlansOf { db: db.clone(), scope: scope.clone() }),
            jurisdiction: cached(ById::new(db)),
            known_jurisdictions: scope.jurisdictions.clone(),
            department: cached(ById::new(db)),
            known_departments: scope.departments.clone(),
            institution: cached(ById::new(db)),
            balances: cached(BalancesByInstitution(db.clone())),
            staff_counts: cached(StaffCountLoader(db.clone())),
            classification_history: cached(ClassificationHistory(db.clone())),
        }
    }

    /// A jurisdiction by id: one of the caller's own from the scope, with no statement and no
    /// wait; any other through the batching loader.
    pub async fn jurisdiction(&self, id: i32) -> Result<Option<jurisdiction::Model>, LoadError> {
        match self.known_jurisdiction(id) {
            Some(row) => Ok(Some(row.clone())),
            None => self.jurisdiction.load_one(id).await,
        }
    }

    /// A supervising department by id: one of an office's subtree from the process's kept
    /// copy, with no statement; any other through the batching loader.
    pub async fn department(&self, id: i32) -> Result<Option<department::Model>, LoadError> {
        match self.known_department(id) {
            Some(row) => Ok(Some(row.clone())),
            None => self.department.load_one(id).await,
        }
    }

    fn known_department(&self, id: i32) -> Option<&department::Model> {
        let found = self.known_departments.binary_search_by_key(&id, |d| d.id).ok()?;
        self.known_departments.get(found)
    }

    fn known_jurisdiction(&self, id: i32) -> Option<&jurisdiction::Model> {
        self.known_jurisdictions.iter().find(|j| j.id == id)
    }

    /// Loads the institutions of a page of staff in one query, when the query asks for them.
    pub async fn prefetch_staff(&self, node: Lookahead<'_>, institution_ids: Vec<i32>) -> Result<(), LoadError> {
        if node.field("institution").exists() {
            let mut keys = institution_ids;
            keys.sort_unstable();
            keys.dedup();
            self.institution.feed_many(self.institution.loader().load(&keys).await?).await;
        }
        Ok(())
    }

    /// Loads, in one query per relation the query asks for, what a page of institutions
    /// will need, so the page costs the same number of statements at any size (the
    /// loaders' own batching can split a large page across timer ticks).
    pub async fn prefetch_institutions(
        &self,
        node: Lookahead<'_>,
        rows: &[&institution::Model],
    ) -> Result<(), LoadError> {
        let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
        let distinct = |values: Vec<i32>| -> Vec<i32> {
            let mut values = values;
            values.sort_unstable();
            values.dedup();
            values
        };
        if node.field("department").exists() {
            let unknown = rows.iter().map(|r| r.department_id).filter(|id| self.known_department(*id).is_none());
            let keys = distinct(unknown.collect());
            if !keys.is_empty() {
                self.department.feed_many(self.department.loader().load(&keys).await?).await;
            }
        }
        if node.field("jurisdiction").exists() {
            // An office's or a department's own jurisdictions come from the scope.
            let unknown = rows.iter().map(|r| r.jurisdiction_id).filter(|id| self.known_jurisdiction(*id).is_none());
            let keys = distinct(unknown.collect());
            if !keys.is_empty() {
                self.jurisdiction.feed_many(self.jurisdiction.loader().load(&keys).await?).await;
            }
        }
        if node.field("establishment").exists() {
            self.balances.feed_many(self.balances.loader().load(&ids).await?).await;
        }
        if node.field("staffCounts").exists() {
            self.staff_counts.feed_many(self.staff_counts.loader().load(&ids).await?).await;
        }
        if node.field("classificationHistory").exists() {
            let loaded = self.classification_history.loader().load(&ids).await?;
            self.classification_history.feed_many(loaded).await;
        }
        if node.field("vacancyUsePlans").exists() {
            let loaded = self.vacancy_use_plans.loader().load(&ids).await?;
            self.vacancy_use_plans.feed_many(loaded).await;
        }
        Ok(())
    }
}

/// A loader's shared error as the API's own.
pub fn to_api(error: LoadError) -> ApiError {
    Arc::try_unwrap(error).unwrap_or_else(|shared| ApiError::internal(anyhow::anyhow!("{shared:?}")))
}

pub fn to_graphql(error: LoadError) -> async_graphql::Error {
    match Arc::try_unwrap(error) {
        Ok(error) => error.into(),
        Err(shared) => ApiError::internal(anyhow::anyhow!("{shared:?}")).into(),
    }
}

/// A related record that must exist (a foreign key points at it).
pub fn required<T>(loaded: Result<Option<T>, LoadError>, what: &str) -> async_graphql::Result<T> {
    match loaded.map_err(to_graphql)? {
        Some(row) => Ok(row),
        None => Err(ApiError::internal(anyhow::anyhow!("{what} missing")).into()),
    }
}

/// Loads records of a table with an `i32` primary key named `id`.
pub struct ById<E> {
    db: DatabaseConnection,
    _entity: std::marker::PhantomData<fn() -> E>,
}

impl<E> ById<E> {
    fn new(db: &DatabaseConnection) -> Self {
        Self { db: db.clone(), _entity: std::marker::PhantomData }
    }
}

macro_rules! by_id_loader {
    ($module:ident) => {
        impl Loader<i32> for ById<$module::Entity> {
            type Value = $module::Model;
            type Error = LoadError;

            async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
                let mut found = HashMap::with_capacity(keys.len());
                for chunk in keys.chunks(CHUNK) {
                    let rows = $module::Entity::find()
                        .filter($module::Column::Id.is_in(chunk.iter().copied()))
                        .all(&self.db)
                        .await
                        .map_err(|e| Arc::new(e.into()))?;
                    found.extend(rows.into_iter().map(|row| (row.id, row)));
                }
                Ok(found)
            }
        }
    };
}

by_id_loader!(jurisdiction);
by_id_loader!(department);
by_id_loader!(institution);

/// Establishment balances (one row per funding kind) of each institution.
pub struct BalancesByInstitution(DatabaseConnection);

impl Loader<i32> for BalancesByInstitution {
    type Value = Vec<establishment_balance::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let mut found: HashMap<i32, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for chunk in keys.chunks(CHUNK) {
            let rows = establishment_balance::Entity::find()
                .filter(establishment_balance::Column::InstitutionId.is_in(chunk.iter().copied()))
                .into_model::<ByPosition<establishment_balance::Model>>()
                .all(&self.0)
                .await
                .map_err(|e| Arc::new(e.into()))?;
            for ByPosition(row) in rows {
                found.entry(row.institution_id).or_default().push(row);
            }
        }
        Ok(found)
    }
}

/// Establishment balances of many institutions, on any connection (a transaction included).
pub async fn balances_of_conn<C: sea_orm::ConnectionTrait>(
    db: &C,
    ids: &[i32],
) -> Result<HashMap<i32, Vec<establishment_balance::Model>>, ApiError> {
    let mut found: HashMap<i32, Vec<establishment_balance::Model>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let rows = establishment_balance::Entity::find()
            .filter(establishment_balance::Column::InstitutionId.is_in(chunk.iter().copied()))
            .into_model::<ByPosition<establishment_balance::Model>>()
            .all(db)
            .await?;
        for ByPosition(row) in rows {
            found.entry(row.institution_id).or_default().push(row);
        }
    }
    Ok(found)
}

/// The vacant slots of each institution, each with its own age.
pub struct VacanciesOf(DatabaseConnection);

impl Loader<i32> for VacanciesOf {
    type Value = Vec<crate::establishment::Vacancy>;
    type Error = LoadError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        crate::establishment::vacancies_of(&self.0, keys).await.map_err(Arc::new)
    }
}

/// Establishment balances of many institutions, one query per chunk of ids.
pub async fn balances_of(
    db: &DatabaseConnection,
    ids: &[i32],
) -> Result<HashMap<i32, Vec<establishment_balance::Model>>, ApiError> {
    BalancesByInstitution(db.clone())
        .load(ids)
        .await
        .map_err(|e| Arc::try_unwrap(e).unwrap_or_else(|shared| ApiError::internal(anyhow::anyhow!("{shared:?}"))))
}

/// Classification decisions of each institution, oldest first.
pub struct ClassificationHistory(DatabaseConnection);

impl Loader<i32> for ClassificationHistory {
    type Value = Vec<classification_decision::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let mut found: HashMap<i32, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for chunk in keys.chunks(CHUNK) {
            let rows = classification_decision::Entity::find()
                .filter(classification_decision::Column::InstitutionId.is_in(chunk.iter().copied()))
                .order_by_asc(classification_decision::Column::DecidedOn)
                .order_by_asc(classification_decision::Column::Id)
                .all(&self.0)
                .await
                .map_err(|e| Arc::new(e.into()))?;
            for row in rows {
                found.entry(row.institution_id).or_default().push(row);
            }
        }
        Ok(found)
    }
}

/// Jurisdictions directly below each of many jurisdictions, in the caller's reach, by code:
/// one query for a whole level of a tree, however many parents it has.
pub struct ChildrenOf {
    db: DatabaseConnection,
    scope: Scope,
}

impl Loader<i32> for ChildrenOf {
    type Value = Vec<jurisdiction::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let reach = self.scope.jurisdictions().order_by_asc(jurisdiction::Column::Code);
        grouped(&self.db, keys, reach, jurisdiction::Column::ParentId, |row| row.parent_id).await
    }
}

/// Supervising departments of each of many jurisdictions, in the caller's reach, by name.
pub struct DepartmentsOf {
    db: DatabaseConnection,
    scope: Scope,
}

impl Loader<i32> for DepartmentsOf {
    type Value = Vec<department::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let reach = self.scope.departments().order_by_asc(department::Column::Name);
        grouped(&self.db, keys, reach, department::Column::JurisdictionId, |row| Some(row.jurisdiction_id)).await
    }
}

/// The vacancy-use plans of each of many institutions, within the caller's reach, newest first
/// and at most [`PLANS_PER_INSTITUTION`] each: one statement per chunk of ids.
pub struct PlansOf {
    db: DatabaseConnection,
    scope: Scope,
}

impl Loader<i32> for PlansOf {
    type Value = Vec<entity::vacancy_use_plan::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        use entity::vacancy_use_plan::Column;
        let reach = self.scope.vacancy_use_plans().map_err(Arc::new)?.order_by_desc(Column::Id);
        let mut found = grouped(&self.db, keys, reach, Column::InstitutionId, |row| Some(row.institution_id)).await?;
        for plans in found.values_mut() {
            plans.truncate(PLANS_PER_INSTITUTION);
        }
        Ok(found)
    }
}

/// The rows of `reach` (a scoped, ordered select) whose `key` column is one of `keys`, one
/// statement per chunk of keys, grouped by `group_of` in `reach`'s order; every key is in the
/// answer, with no rows when none matched.
async fn grouped<E: EntityTrait>(
    db: &DatabaseConnection,
    keys: &[i32],
    reach: sea_orm::Select<E>,
    key: E::Column,
    group_of: impl Fn(&E::Model) -> Option<i32>,
) -> Result<HashMap<i32, Vec<E::Model>>, LoadError> {
    let mut found: HashMap<i32, Vec<E::Model>> = keys.iter().map(|k| (*k, Vec::new())).collect();
    for chunk in keys.chunks(CHUNK) {
        let rows =
            reach.clone().filter(key.is_in(chunk.iter().copied())).all(db).await.map_err(|e| Arc::new(e.into()))?;
        for row in rows {
            if let Some(group) = group_of(&row) {
                found.entry(group).or_default().push(row);
            }
        }
    }
    Ok(found)
}

/// The institutions of each of many evaluation rounds, by name: two statements for any number
/// of rounds.
pub struct RoundInstitutions(DatabaseConnection);

impl Loader<i32> for RoundInstitutions {
    type Value = Vec<institution::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        use entity::round_institution;
        let mut found: HashMap<i32, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for chunk in keys.chunks(CHUNK) {
            let links = round_institution::Entity::find()
                .filter(round_institution::Column::RoundId.is_in(chunk.iter().copied()))
                .all(&self.0)
                .await
                .map_err(|e| Arc::new(e.into()))?;
            let mut ids: Vec<i32> = links.iter().map(|l| l.institution_id).collect();
            ids.sort_unstable();
            ids.dedup();
            let mut rows: HashMap<i32, institution::Model> = HashMap::new();
            for part in ids.chunks(CHUNK) {
                let loaded = institution::Entity::find()
                    .filter(institution::Column::Id.is_in(part.iter().copied()))
                    .all(&self.0)
                    .await
                    .map_err(|e| Arc::new(e.into()))?;
                rows.extend(loaded.into_iter().map(|r| (r.id, r)));
            }
            for link in links {
                if let Some(row) = rows.get(&link.institution_id) {
                    found.entry(link.round_id).or_default().push(row.clone());
                }
            }
        }
        for list in found.values_mut() {
            list.sort_by(|a, b| a.name.cmp(&b.name));
        }
        Ok(found)
    }
}

/// Loads rows of a table keyed by `round_id`, grouped by round, in id order.
macro_rules! by_round_loader {
    ($(#[$doc:meta])* $name:ident, $module:ident) => {
        $(#[$doc])*
        pub struct $name(DatabaseConnection);

        impl Loader<i32> for $name {
            type Value = Vec<entity::$module::Model>;
            type Error = LoadError;

            async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
                use entity::$module;
                let mut found: HashMap<i32, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
                for chunk in keys.chunks(CHUNK) {
                    let rows = $module::Entity::find()
                        .filter($module::Column::RoundId.is_in(chunk.iter().copied()))
                        .order_by_asc($module::Column::Id)
                        .all(&self.0)
                        .await
                        .map_err(|e| Arc::new(e.into()))?;
                    for row in rows {
                        found.entry(row.round_id).or_default().push(row);
                    }
                }
                Ok(found)
            }
        }
    };
}

by_round_loader!(
    /// The committee members of each of many rounds, in the order they were seated.
    RoundMembers,
    committee_member
);
by_round_loader!(
    /// The recusals of each of many rounds.
    RoundRecusals,
    recusal
);

/// Staff counts of many institutions in one batch (the request's DataLoader): each
/// institution's maintained share (one row each, kept by every write's settle), and a count
/// of the people only for an institution whose share is missing or not yet settled.
pub struct StaffCountLoader(pub DatabaseConnection);

impl Loader<i32> for StaffCountLoader {
    type Value = crate::figures::StaffCounts;
    type Error = LoadError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let loaded = async {
            let (mut found, unsettled) = crate::totals::stored_staff(&self.0, keys).await?;
            if !unsettled.is_empty() {
                found.extend(crate::figures::counts_by_institution(&self.0, &unsettled).await?);
            }
            Ok::<_, sea_orm::DbErr>(found)
        };
        loaded.await.map_err(|e| Arc::new(ApiError::from(e)))
    }
}

/// Most plans a record lists (newest first).
pub const PLANS_PER_INSTITUTION: usize = 50;

/// The leaders in post at each of many institutions.
pub struct LeadersOf(pub DatabaseConnection);

impl Loader<i32> for LeadersOf {
    type Value = Vec<entity::leader::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let mut found: HashMap<i32, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for chunk in keys.chunks(5_000) {
            let rows = in_post(chunk).all(&self.0).await.map_err(|e| Arc::new(e.into()))?;
            for row in rows {
                found.entry(row.institution_id).or_default().push(row);
            }
        }
        Ok(found)
    }
}

pub fn in_post(institutions: &[i32]) -> sea_orm::Select<entity::leader::Entity> {
    entity::leader::Entity::find()
        .filter(entity::leader::Column::InstitutionId.is_in(institutions.iter().copied()))
        .filter(entity::leader::Column::EndedOn.is_null())
}

/// The most times off post a person's record lists.
pub const OFF_POST_HISTORY: usize = 20;

/// Each person's times off post (在编不在岗), newest first (at most [`OFF_POST_HISTORY`]), for
/// a page of people in one statement.
pub struct OffPostOf(pub DatabaseConnection);

impl Loader<i32> for OffPostOf {
    type Value = Vec<entity::staff_absence::Model>;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        use entity::staff_absence::{Column, Entity};
        let rows = Entity::find()
            .filter(Column::StaffId.is_in(keys.iter().copied()))
            .order_by_desc(Column::StartedOn)
            .order_by_desc(Column::Id)
            .all(&self.0)
            .await
            .map_err(|e| Arc::new(e.into()))?;
        let mut found: HashMap<i32, Self::Value> = HashMap::new();
        for row in rows {
            let list = found.entry(row.staff_id).or_default();
            if list.len() < OFF_POST_HISTORY {
                list.push(row);
            }
        }
        Ok(found)
    }
}
