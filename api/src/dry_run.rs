//! Dry runs (`dryRun: true`): a change runs its own code path, rules and all, in a transaction
//! that is rolled back instead of committed, so nothing is written (audit rows included). Before
//! the rollback the state it would leave is read, for the institutions it touched, and the
//! request's loaders answer from it: the answer is what the real call would have answered.

use std::collections::HashMap;
use std::sync::Mutex;

use async_graphql::Context;
use entity::{establishment_balance, institution};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use crate::error::ApiResult;
use crate::graphql::context::scope;
use crate::graphql::loaders::{Loaders, balances_of_conn};
use crate::scope::Scope;
use crate::staff::{StaffCounts, counts_by_institution};

/// What a request's changes touched and, after a dry run, what they would have left.
#[derive(Default, Debug)]
pub struct DryRun {
    state: Mutex<State>,
}

#[derive(Default, Debug)]
struct State {
    touched: Vec<i32>,
    answer: Option<Answer>,
}

#[derive(Debug)]
struct Answer {
    rows: Vec<institution::Model>,
    balances: HashMap<i32, Vec<establishment_balance::Model>>,
    counts: HashMap<i32, StaffCounts>,
}

impl DryRun {
    /// Notes an institution a change reads for writing (its figures are part of the answer).
    pub fn touch(&self, id: i32) {
        if let Ok(mut state) = self.state.lock()
            && !state.touched.contains(&id)
        {
            state.touched.push(id);
        }
    }

    fn touched(&self) -> Vec<i32> {
        self.state.lock().map(|s| s.touched.clone()).unwrap_or_default()
    }
}

/// Ends a change's transaction: committed; or, for a dry run, rolled back once the touched
/// institutions' records, balances and staff counts have been read as the change leaves them.
pub async fn finish(txn: DatabaseTransaction, scope: &Scope, dry_run: bool) -> ApiResult<()> {
    if !dry_run {
        crate::db::commit(txn).await?;
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
    if let Ok(mut state) = scope.dry.state.lock() {
        state.answer = Some(Answer { rows, balances, counts });
    }
    txn.rollback().await?;
    Ok(())
}

/// For the resolver of a change: the answer's nested figures come from what the dry run would
/// have left (nothing to do after a real change).
pub async fn answer(ctx: &Context<'_>) {
    let answer = scope(ctx).dry.state.lock().ok().and_then(|mut s| s.answer.take());
    let Some(answer) = answer else { return };
    let loaders = ctx.data_unchecked::<Loaders>();
    loaders.institution.feed_many(answer.rows.into_iter().map(|r| (r.id, r))).await;
    loaders.balances.feed_many(answer.balances).await;
    loaders.staff_counts.feed_many(answer.counts).await;
}
