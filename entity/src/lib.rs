//! Tables of the establishment system. Entities are hand-written and backend-neutral:
//! enumerations are stored as their GraphQL words so SQLite and PostgreSQL share one schema.

pub mod audit_log;
pub mod classification_decision;
pub mod committee_member;
pub mod control_figure;
pub mod department;
pub mod determination_decision;
pub mod disclosure_release;
pub mod enums;
pub mod establishment_balance;
pub mod establishment_ceiling;
pub mod establishment_event;
pub mod evaluation_round;
pub mod group_weight;
pub mod hospital_filing;
pub mod hospital_profile;
pub mod indicator;
pub mod indicator_set;
pub mod institution;
pub mod jurisdiction;
pub mod leader;
pub mod pool_loan;
pub mod recusal;
pub mod reduction_plan;
pub mod reform;
pub mod release_institution;
pub mod reserve_balance;
pub mod round_institution;
pub mod round_result;
pub mod score;
pub mod score_correction;
pub mod staff;
pub mod staff_movement;
pub mod staffing_norm;
pub mod turnover_pool;
pub mod withdrawal_request;
