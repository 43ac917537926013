//! Dry runs (`dryRun: true`): a change runs its own code path, rules and all, in a transaction
//! that is rolled back instead of committed, so nothing is written (audit rows included). Before
//! the rollback the state it would leave is read, for the institutions it touched, and the
//! request's loaders answer from it: the answer is what the real call would have answered.

use async_graphql::Context;
use entity::institution;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use crate::error::ApiResult;
use crate::figures::counts_by_institution;
use crate::graphql::context::scope;
use crate::graphql::loaders::{Loaders, balances_of_conn};
use crate::scope::Scope;

pub use crate::scope::dry::{Answer, DryRun};

/// Ends a change's transaction: committed; or, for a dry run, rolled back once the touched
/// institutions' records, balances and staff counts have been read as the change leaves them.
pub async fn finish(txn: DatabaseTransaction, scope: &Scope, dry_run: bool) -> ApiResult<()> {
    if !dry_run {
        crate::write::commit(txn).await?;
        return Ok(());
    }
    let ids = scope.dry.touched();
    let rows = institution::Entity::find().filter(institution::Column::Id.is_in(ids.clone())).all(&txn).await?;
    let mut balances = balances_of_conn(&txn, &ids).await?;
    let mut counts = counts_by_institution(&txn, &ids).await?;
    for id in &ids {
        balances.entry(*id).or_default();
        counts.entry(*id).or_default();
    }
    scope.dry.answered(Answer { rows, balances, counts });
    txn.rollback().await?;
    Ok(())
}

/// For the resolver of a change: the answer's nested figures come from what the dry run would
/// have left (nothing to do after a real change).
pub async fn answer(ctx: &Context<'_>) {
    let answer = scope(ctx).dry.take_answer();
    let Some(answer) = answer else { return };
    let loaders = ctx.data_unchecked::<Loaders>();
    loaders.institution.feed_many(answer.rows.into_iter().map(|r| (r.id, r))).await;
    loaders.balances.feed_many(answer.balances).await;
    loaders.staff_counts.feed_many(answer.counts).await;
}
