//! Per-request batch loaders: related records come in one `IN (…)` query per kind, never
//! one query per row. They are built for each request, so nothing cached crosses tenants.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{classification_decision, department, establishment_balance, institution, jurisdiction};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::error::ApiError;

pub type LoadError = Arc<ApiError>;

/// SQLite accepts at most 32,766 bound values; stay well below.
const CHUNK: usize = 5_000;

pub struct Loaders {
    pub jurisdiction: DataLoader<ById<jurisdiction::Entity>>,
    pub department: DataLoader<ById<department::Entity>>,
    pub institution: DataLoader<ById<institution::Entity>>,
    pub balances: DataLoader<BalancesByInstitution>,
    pub staff_counts: DataLoader<crate::staff::StaffCountLoader>,
    pub classification_history: DataLoader<ClassificationHistory>,
}

impl Loaders {
    pub fn new(db: &DatabaseConnection) -> Self {
        let spawn = |fut| tokio::spawn(fut);
        Self {
            jurisdiction: DataLoader::new(ById::new(db), spawn),
            department: DataLoader::new(ById::new(db), spawn),
            institution: DataLoader::new(ById::new(db), spawn),
            balances: DataLoader::new(BalancesByInstitution(db.clone()), spawn),
            staff_counts: DataLoader::new(crate::staff::StaffCountLoader(db.clone()), spawn),
            classification_history: DataLoader::new(ClassificationHistory(db.clone()), spawn),
        }
    }
}

pub fn to_graphql(error: LoadError) -> async_graphql::Error {
    match Arc::try_unwrap(error) {
        Ok(error) => error.into(),
        Err(shared) => ApiError::internal(anyhow::anyhow!("{shared:?}")).into(),
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
