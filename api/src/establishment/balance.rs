//! The balance arithmetic, stated once. Every place that asks how many slots are vacant, how
//! many are the institution's own to give away, or how far it is over establishment asks here:
//! in Rust (a loaded balance), in sea-query (a conditional update or a sum), or in SQL text (a
//! hand-written report query).
//!
//! - usable slots = approved + borrowed - frozen - deposited (borrowed slots are to be filled;
//!   frozen and deposited ones are not)
//! - vacant = usable - occupied, never below zero
//! - own and free = approved - frozen - deposited (what a reduction, reclaim, freeze or deposit
//!   may take: never borrowed slots)
//! - over establishment (超编) = occupied - (approved + borrowed), never below zero

use entity::establishment_balance::{self, Column};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};

/// Vacant slots of a balance row.
pub fn vacant(b: &establishment_balance::Model) -> i32 {
    vacant_of(b.approved, b.borrowed, b.frozen, b.deposited, b.occupied)
}

/// Vacant slots from the five counts.
pub fn vacant_of(approved: i32, borrowed: i32, frozen: i32, deposited: i32, occupied: i32) -> i32 {
    Ord::max(approved + borrowed - frozen - deposited - occupied, 0)
}

/// People over establishment (超编) from the counts.
pub fn excess_of(approved: i32, borrowed: i32, occupied: i32) -> i32 {
    Ord::max(occupied - approved - borrowed, 0)
}

/// Slots a ledger row makes usable (or takes away): approved and borrowed count, frozen and
/// deposited do not.
pub fn usable_delta(approved: i32, frozen: i32, deposited: i32, borrowed: i32) -> i32 {
    approved + borrowed - frozen - deposited
}

/// Usable slots less occupied ones, unclamped: the column expression of a vacancy.
pub fn vacant_expr() -> SimpleExpr {
    Expr::col(Column::Approved)
        .add(Expr::col(Column::Borrowed))
        .sub(Expr::col(Column::Frozen))
        .sub(Expr::col(Column::Deposited))
        .sub(Expr::col(Column::Occupied))
}

/// The institution's own slots not frozen or deposited: what it may give away.
pub fn own_free_expr() -> SimpleExpr {
    Expr::col(Column::Approved).sub(Expr::col(Column::Frozen)).sub(Expr::col(Column::Deposited))
}

/// A vacancy, in SQL text over a balance table aliased `alias` (never below zero).
pub fn vacant_sql(alias: &str) -> String {
    let usable = format!("{a}.approved + {a}.borrowed - {a}.frozen - {a}.deposited - {a}.occupied", a = alias);
    format!("CASE WHEN {usable} > 0 THEN {usable} ELSE 0 END")
}

/// People over establishment, in SQL text over a balance table aliased `alias`.
pub fn excess_sql(alias: &str) -> String {
    format!(
        "CASE WHEN {a}.occupied > {a}.approved + {a}.borrowed THEN {a}.occupied - {a}.approved - {a}.borrowed ELSE 0 END",
        a = alias
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrowed_slots_are_usable_frozen_and_deposited_are_not() {
        assert_eq!(vacant_of(10, 2, 1, 3, 5), 3);
        assert_eq!(vacant_of(5, 0, 0, 0, 7), 0);
        assert_eq!(excess_of(5, 0, 7), 2);
        assert_eq!(excess_of(5, 2, 7), 0);
        assert_eq!(
            vacant_sql("b"),
            "CASE WHEN b.approved + b.borrowed - b.frozen - b.deposited - b.occupied > 0 THEN b.approved + b.borrowed - b.frozen - b.deposited - b.occupied ELSE 0 END"
        );
    }
}
