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

impl Positional for institution::Model {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "jurisdiction_id",
        "department_id",
        "credit_code",
        "name",
        "sector",
        "level",
        "funding_form",
        "management_mode",
        "classification",
        "legal_person",
        "established_on",
        "status",
        "merged_into_id",
        "responsibilities",
        "internal_bodies",
        "leadership_posts",
        "created_at",
        "updated_at",
    ];

    fn at(row: &QueryResult) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.try_get_by_index(0)?,
            jurisdiction_id: row.try_get_by_index(1)?,
            department_id: row.try_get_by_index(2)?,
            credit_code: row.try_get_by_index(3)?,
            name: row.try_get_by_index(4)?,
            sector: row.try_get_by_index(5)?,
            level: row.try_get_by_index(6)?,
            funding_form: row.try_get_by_index(7)?,
            management_mode: row.try_get_by_index(8)?,
            classification: row.try_get_by_index(9)?,
            legal_person: row.try_get_by_index(10)?,
            established_on: row.try_get_by_index(11)?,
            status: row.try_get_by_index(12)?,
            merged_into_id: row.try_get_by_index(13)?,
            responsibilities: row.try_get_by_index(14)?,
            internal_bodies: row.try_get_by_index(15)?,
            leadership_posts: row.try_get_by_index(16)?,
            created_at: row.try_get_by_index(17)?,
            updated_at: row.try_get_by_index(18)?,
        })
    }
}

impl Positional for establishment_balance::Model {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "jurisdiction_id",
        "institution_id",
        "funding",
        "approved",
        "frozen",
        "occupied",
        "updated_at",
        "deposited",
        "borrowed",
    ];

    fn at(row: &QueryResult) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.try_get_by_index(0)?,
            jurisdiction_id: row.try_get_by_index(1)?,
            institution_id: row.try_get_by_index(2)?,
            funding: row.try_get_by_index(3)?,
            approved: row.try_get_by_index(4)?,
            frozen: row.try_get_by_index(5)?,
            occupied: row.try_get_by_index(6)?,
            updated_at: row.try_get_by_index(7)?,
            deposited: row.try_get_by_index(8)?,
            borrowed: row.try_get_by_index(9)?,
        })
    }
}

impl Positional for staff::Model {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "jurisdiction_id",
        "institution_id",
        "name",
        "national_id_cipher",
        "national_id_hash",
        "slot_key",
        "birth_year",
        "category",
        "basis",
        "status",
        "hire_date",
        "title_level",
        "over_establishment",
        "created_at",
        "updated_at",
        "seconded_to",
        "seconded_since",
        "paid_by_budget",
    ];

    fn at(row: &QueryResult) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.try_get_by_index(0)?,
            jurisdiction_id: row.try_get_by_index(1)?,
            institution_id: row.try_get_by_index(2)?,
            name: row.try_get_by_index(3)?,
            national_id_cipher: row.try_get_by_index(4)?,
            national_id_hash: row.try_get_by_index(5)?,
            slot_key: row.try_get_by_index(6)?,
            birth_year: row.try_get_by_index(7)?,
            category: row.try_get_by_index(8)?,
            basis: row.try_get_by_index(9)?,
            status: row.try_get_by_index(10)?,
            hire_date: row.try_get_by_index(11)?,
            title_level: row.try_get_by_index(12)?,
            over_establishment: row.try_get_by_index(13)?,
            created_at: row.try_get_by_index(14)?,
            updated_at: row.try_get_by_index(15)?,
            seconded_to: row.try_get_by_index(16)?,
            seconded_since: row.try_get_by_index(17)?,
            paid_by_budget: row.try_get_by_index(18)?,
        })
    }
}

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
