//! Establishment (编制): balances per institution and funding kind, derived from the ledger
//! of recorded events and from the real-name list, and the slot rules that guard them.

pub mod balance;
mod ceiling;
mod control;
mod events;
mod ledger;
mod plan;
mod slots;
mod vacancy;

pub use ceiling::{
    CeilingMutation, CeilingQuery, carry_in as carry_ceiling_in, check_new_slots, check_recorded_slots,
    current_ceiling, lower_by as lower_ceiling_by,
};
pub use control::{
    Control, ControlFigure, HISTORY_STEPS as FIGURE_HISTORY_STEPS, HandDownInput, Recording, carry as carry_figure,
    check_fiscal_person, check_within_figure, control_of, hand_down, usage as control_usage,
};
pub use events::{EstablishmentChange, ReserveBalance};
pub use events::{EstablishmentMutation, InitialEstablishmentInput, set_initial};
pub use ledger::{Deltas, Document, Entry, LedgerQuery, ledger_sums, operation, record_entry, verify, write_row};
pub use plan::{PlanMutation, PlanQuery, ReductionPlan, on_departure};
pub use slots::{move_reserve, occupy_slot, occupy_slot_accepting_excess, open_balances, release_slot};
pub use vacancy::{Vacancy, vacancies_of};

use async_graphql::SimpleObject;
use entity::enums::Funding;
use entity::establishment_balance;

/// One funding kind's balance.
#[derive(SimpleObject, Debug, Clone, Copy)]
#[graphql(complex)]
pub struct FundingBalance {
    pub funding: Funding,
    pub approved: i32,
    pub frozen: i32,
    pub occupied: i32,
    /// Own vacant slots deposited in the turnover pool (still owned, not to be filled).
    pub deposited: i32,
    /// Slots borrowed from the turnover pool (to be filled, owed back).
    pub borrowed: i32,
}

#[async_graphql::ComplexObject]
impl FundingBalance {
    /// Slots a hire may take: approved plus borrowed, less frozen, deposited and occupied.
    async fn vacant(&self) -> i32 {
        self.vacancy()
    }

    /// People over establishment (超编): occupied beyond approved plus borrowed.
    async fn over_establishment(&self) -> i32 {
        self.excess()
    }
}

/// An institution's (or a jurisdiction's) establishment across funding kinds.
#[derive(SimpleObject, Debug, Clone)]
pub struct Establishment {
    /// Total approved slots.
    pub approved: i32,
    /// Approved fiscally funded slots (财政拨款).
    pub fiscal: i32,
    /// Approved self-financed slots (自收自支).
    pub self_financed: i32,
    pub frozen: i32,
    pub occupied: i32,
    pub vacant: i32,
    pub over_establishment: i32,
    /// Deposited in the turnover pool.
    pub deposited: i32,
    /// Borrowed from the turnover pool.
    pub borrowed: i32,
    pub by_funding: Vec<FundingBalance>,
}

impl FundingBalance {
    pub fn vacancy(&self) -> i32 {
        balance::vacant_of(self.approved, self.borrowed, self.frozen, self.deposited, self.occupied)
    }

    pub fn excess(&self) -> i32 {
        balance::excess_of(self.approved, self.borrowed, self.occupied)
    }
}

impl Establishment {
    pub fn from_balances(rows: &[establishment_balance::Model]) -> Self {
        let by_funding: Vec<FundingBalance> = Funding::all()
            .iter()
            .map(|funding| {
                let mut balance = FundingBalance {
                    funding: *funding,
                    approved: 0,
                    frozen: 0,
                    occupied: 0,
                    deposited: 0,
                    borrowed: 0,
                };
                for row in rows.iter().filter(|row| row.funding == *funding) {
                    balance.approved += row.approved;
                    balance.frozen += row.frozen;
                    balance.occupied += row.occupied;
                    balance.deposited += row.deposited;
                    balance.borrowed += row.borrowed;
                }
                balance
            })
            .collect();
        let sum = |f: fn(&FundingBalance) -> i32| by_funding.iter().map(f).sum::<i32>();
        Self {
            approved: sum(|b| b.approved),
            fiscal: by_funding[0].approved,
            self_financed: by_funding[1].approved,
            frozen: sum(|b| b.frozen),
            occupied: sum(|b| b.occupied),
            vacant: sum(FundingBalance::vacancy),
            over_establishment: sum(FundingBalance::excess),
            deposited: sum(|b| b.deposited),
            borrowed: sum(|b| b.borrowed),
            by_funding,
        }
    }
}
