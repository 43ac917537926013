//! What a move across jurisdictions (上划, 下放, 跨县调动) may touch: only an office whose
//! jurisdiction holds both sides (their common parent, or one of them when the other is below
//! it) decides such a move. Both sides in its reach is exactly that.

use entity::{institution, jurisdiction, staff};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QuerySelect};

use super::Scope;
use crate::error::{ApiError, ApiResult};

impl Scope {
    /// An institution an office's move may take, locked; out of reach reads as missing.
    pub async fn institution_for_move<C: ConnectionTrait>(&self, txn: &C, id: i32) -> ApiResult<institution::Model> {
        self.office()?;
        let row = self.locked_institution(txn, id).await?;
        self.dry.touch(row.id);
        Ok(row)
    }

    /// A person an office's move may take, locked; out of reach reads as missing.
    pub async fn person_for_move<C: ConnectionTrait>(&self, txn: &C, id: i32) -> ApiResult<staff::Model> {
        self.office()?;
        self.staff()?
            .filter(staff::Column::Id.eq(id))
            .lock_exclusive()
            .one(txn)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("person {id} not found")))
    }

    /// The receiving jurisdiction of a move, by its code, in the office's reach.
    pub async fn jurisdiction_for_move<C: ConnectionTrait>(
        &self,
        txn: &C,
        code: &str,
    ) -> ApiResult<jurisdiction::Model> {
        self.office()?;
        self.jurisdictions()
            .filter(jurisdiction::Column::Code.eq(code))
            .one(txn)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("no jurisdiction {code} in your reach")))
    }
}
