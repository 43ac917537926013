//! Narrowing a read to one jurisdiction (and those below it) within the caller's reach.

use entity::jurisdiction;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::{Reach, Scope};
use crate::error::{ApiError, ApiResult};

impl Scope {
    /// Narrows a read to one jurisdiction (and, with `descendants`, its subtree), the
    /// jurisdiction itself first. A code
    /// outside the caller's reach is `FORBIDDEN`.
    pub async fn narrow(&self, db: &DatabaseConnection, code: &str, descendants: bool) -> ApiResult<Vec<i32>> {
        if let Some(ids) = self.narrow_within_reach(code, descendants)? {
            return Ok(ids);
        }
        let target = jurisdiction::Entity::find().filter(jurisdiction::Column::Code.eq(code)).one(db).await?;
        let Some(target) = target else {
            return match self.reach {
                Reach::Public | Reach::Evaluator { .. } => {
                    Err(ApiError::not_found(format!("jurisdiction {code} does not exist")))
                }
                _ => Err(ApiError::forbidden(format!("jurisdiction {code} is outside your scope"))),
            };
        };
        let allowed = match &self.reach {
            Reach::Office { readable, .. } => readable.contains(&target.id),
            Reach::Department { jurisdiction, .. } | Reach::Institution { jurisdiction, .. } => {
                jurisdiction.id == target.id
            }
            Reach::Public | Reach::Evaluator { .. } => true,
        };
        if !allowed {
            return Err(ApiError::forbidden(format!("jurisdiction {code} is outside your scope")));
        }
        if !descendants {
            return Ok(vec![target.id]);
        }
        let subtree = jurisdiction::Entity::find()
            .filter(jurisdiction::Column::Path.starts_with(target.path.clone()))
            .all(db)
            .await?;
        // The target first, then the jurisdictions below it.
        let mut ids = vec![target.id];
        ids.extend(subtree.into_iter().map(|j| j.id).filter(|id| *id != target.id));
        Ok(ids)
    }

    /// [`Scope::narrow`] for an office or a department, from the jurisdictions resolved with
    /// the scope (an office's whole subtree, a department's own): no statement. `None` for the
    /// public and evaluators, who may name any jurisdiction.
    fn narrow_within_reach(&self, code: &str, descendants: bool) -> ApiResult<Option<Vec<i32>>> {
        let outside = || ApiError::forbidden(format!("jurisdiction {code} is outside your scope"));
        match &self.reach {
            Reach::Office { .. } => {
                let target = self.jurisdictions.iter().find(|j| j.code == code).ok_or_else(outside)?;
                let mut ids = vec![target.id];
                if descendants {
                    let below =
                        self.jurisdictions.iter().filter(|j| j.id != target.id && j.path.starts_with(&target.path));
                    ids.extend(below.map(|j| j.id));
                }
                Ok(Some(ids))
            }
            Reach::Department { jurisdiction, .. } if jurisdiction.code == code && !descendants => {
                Ok(Some(vec![jurisdiction.id]))
            }
            Reach::Department { jurisdiction, .. } if jurisdiction.code != code => Err(outside()),
            // An institution reads its own unit only: no jurisdiction-wide reads.
            Reach::Institution { .. } => Err(outside()),
            Reach::Department { .. } | Reach::Public | Reach::Evaluator { .. } => Ok(None),
        }
    }
}

/// The jurisdictions of `asked` that are in `readable`, in the order asked. A page merged
/// from a city's ten counties asks one at a time: a scan of the office's subtree is then
/// cheaper than a set built from it each time; many asked against a large subtree get one.
pub(super) fn within(readable: &[i32], asked: &[i32]) -> Vec<i32> {
    let set: Option<std::collections::HashSet<i32>> =
        (asked.len().saturating_mul(readable.len()) > 4_096).then(|| readable.iter().copied().collect());
    let inside = |id: &i32| set.as_ref().map_or_else(|| readable.contains(id), |set| set.contains(id));
    asked.iter().copied().filter(inside).collect()
}
