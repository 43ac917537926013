//! The institution's own account in the scope: which institution it is, how much of its
//! people's national IDs it sees, and the office's reach its submissions are checked in.

use std::sync::Arc;

use entity::jurisdiction;

use super::{Reach, Scope};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};

impl Scope {
    /// A staffing office's reach over its own jurisdiction `own` alone, acting for `principal`:
    /// how a submission is checked by the rules of the office's own act (a dry run) before the
    /// office itself approves it.
    pub fn office_over(principal: Principal, own: jurisdiction::Model) -> Self {
        let readable: Arc<[i32]> = Arc::new([own.id]);
        Self {
            principal,
            jurisdictions: Arc::new([own.clone()]),
            reach: Reach::Office { own, readable },
            departments: Arc::new([]),
            dry: Default::default(),
        }
    }

    /// The institution an `INSTITUTION` account is, with its jurisdiction.
    pub fn own_institution(&self) -> ApiResult<(i32, &jurisdiction::Model)> {
        match &self.reach {
            Reach::Institution { institution_id, jurisdiction, .. } => Ok((*institution_id, jurisdiction)),
            _ => Err(ApiError::forbidden("only an institution's own account keys its submissions")),
        }
    }

    /// How many last characters of a national ID the caller sees where it is masked: four,
    /// or for an institution's own account what its office decided.
    pub fn masked_id_digits(&self) -> usize {
        match &self.reach {
            Reach::Institution { jurisdiction, .. } => usize::try_from(jurisdiction.institution_id_digits).unwrap_or(0),
            _ => 4,
        }
    }
}
