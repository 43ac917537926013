//! Rows of the hottest reads (a page of institutions, their balances, a page of people)
//! decoded by column position instead of by name.
//!
//! sea-orm's derived decoding asks for each column by name: it formats `prefix + name` into a
//! new string, sqlx hashes that string to find the column, and only then decodes the value.
//! For a page of 50 institutions with their balances that is about 2,000 lookups, a seventh of
//! the request's instructions. An entity's `find()` selects its columns in declaration order
//! (what [`Positional::COLUMNS`] lists, checked against the entity by a test), so a page's
//! statement already says where each column is.

use entity::{establishment_balance, institution, staff};
use sea_orm::{DbErr, FromQueryResult, QueryResult};

/// A model read off a row whose first columns are the entity's own, in the order its `find()`
/// selects them; anything the statement adds comes after, from index `COLUMNS.len()`.
pub trait Positional: Sized {
    /// The entity's column names in selection order.
    const COLUMNS: &'static [&'static str];

    fn at(row: &QueryResult) -> Result<Self, DbErr>;
}

/// A model decoded by position, for `into_model`: only for statements that select the
/// entity's own columns first (`Entity::find()` and its filters, orders and limits).
pub struct ByPosition<M>(pub M);

impl<M: Positional> FromQueryResult for ByPosition<M> {
    fn from_query_result(row: &QueryResult, _prefix: &str) -> Result<Self, DbErr> {
        M::at(row).map(Self)
    }
}

/// Implements [`Positional`] for a model from its fields in declaration order: each field is
/// its own column (sea-orm's default naming) and is read at its place in the list.
macro_rules! positional {
    ($model:ty { $($field:ident),+ $(,)? }) => {
        impl Positional for $model {
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),+];

            fn at(row: &QueryResult) -> Result<Self, DbErr> {
                // A struct expression evaluates its fields in the order written.
                let mut place = 0..;
                Ok(Self { $($field: row.try_get_by_index(place.next().unwrap_or_default())?),+ })
            }
        }
    };
}

positional!(institution::Model {
    id,
    jurisdiction_id,
    department_id,
    credit_code,
    name,
    sector,
    level,
    funding_form,
    management_mode,
    classification,
    legal_person,
    established_on,
    status,
    merged_into_id,
    responsibilities,
    internal_bodies,
    leadership_posts,
    created_at,
    updated_at,
    vacant_since,
    address,
    legal_representative,
    head,
});

positional!(establishment_balance::Model {
    id,
    jurisdiction_id,
    institution_id,
    funding,
    approved,
    frozen,
    occupied,
    updated_at,
    deposited,
    borrowed,
});

positional!(staff::Model {
    id,
    jurisdiction_id,
    institution_id,
    name,
    national_id_cipher,
    national_id_hash,
    slot_key,
    birth_year,
    category,
    basis,
    status,
    hire_date,
    title_level,
    over_establishment,
    created_at,
    updated_at,
    seconded_to,
    seconded_since,
    paid_by_budget,
    retirement_basis,
    retirement_extended_to,
    education,
    degree,
    ethnicity,
    political_status,
    post_grade,
    duty,
    work_started_on,
    entered_establishment_on,
    departure_reason,
    seconded_until,
});

#[cfg(test)]
mod tests {
    use sea_orm::{EntityTrait, IdenStatic, Iterable, QuerySelect, QueryTrait};

    use super::*;

    fn selected<E: EntityTrait>() -> Vec<String> {
        E::Column::iter().map(|c| c.as_str().to_string()).collect()
    }

    /// A field added, removed or moved in an entity moves its columns in `find()`: the
    /// positions here must follow, or every page would read the wrong column.
    #[test]
    fn the_positions_are_the_entities_own_column_order() {
        assert_eq!(selected::<institution::Entity>(), institution::Model::COLUMNS);
        assert_eq!(selected::<establishment_balance::Entity>(), establishment_balance::Model::COLUMNS);
        assert_eq!(selected::<staff::Entity>(), staff::Model::COLUMNS);
    }

    /// `find()` selects the columns in that same order.
    #[test]
    fn find_selects_the_columns_in_that_order() {
        let sql = institution::Entity::find().limit(1).build(sea_orm::DbBackend::Postgres).to_string();
        let positions: Vec<usize> = institution::Model::COLUMNS
            .iter()
            .map(|c| sql.find(&format!("\"institution\".\"{c}\"")).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{sql}");
    }
}
