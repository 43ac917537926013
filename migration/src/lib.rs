//! Schema changes, applied in order by `api serve` (and by tests on a fresh database).

pub use sea_orm_migration::migrator::MigrationStatus;
pub use sea_orm_migration::prelude::*;

mod m20261125_000001_foundation;
mod m20261125_000002_establishment_control;
mod m20261125_000003_evaluation;
mod m20261125_000004_pool_and_filing;
mod m20261125_000005_disclosure;
mod m20261125_000006_staff_indexes;
mod m20261201_000007_key_fingerprint;
mod m20261201_000008_hospital_norm;
mod m20261201_000009_control_figures;
mod m20261201_000010_determination_decisions;
mod m20261201_000011_leaders;
mod m20261201_000012_budget_paid_staff;
mod m20261201_000013_earned_evaluation;
mod m20261201_000014_audit_chain;
mod m20261201_000015_accounts;
mod m20261201_000016_release_figures;
mod m20261201_000017_vacancy_use;
mod m20261202_000018_maintained_totals;
mod m20261202_000019_staff_name_characters;
mod m20261202_000020_totals_version;
mod m20261202_000021_staff_name_in_jurisdiction;
mod m20261203_000022_institution_name_keys;
mod m20261206_000023_idempotency_keys;
mod m20261206_000024_department_kind;
mod m20261206_000025_institution_without_credit_code;
mod m20261206_000026_institution_vacant_since;
mod m20261206_000027_control_figure_history;
mod m20261206_000028_retirement_basis;
mod m20261206_000029_vacancy_use_tightened;
mod m20261206_000030_plan_posts;
mod m20261206_000031_recruitment_quota;
mod m20261207_000032_person_record;
mod m20261207_000033_submissions;
mod m20261207_000034_release_pool;
mod m20261207_000035_release_signatures;
mod m20261207_000036_reconciliations;
mod m20261207_000037_release_body_lz4;
mod m20261207_000038_staffing_norms;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_foundation::Migration),
            Box::new(m20261125_000002_establishment_control::Migration),
            Box::new(m20261125_000003_evaluation::Migration),
            Box::new(m20261125_000004_pool_and_filing::Migration),
            Box::new(m20261125_000005_disclosure::Migration),
            Box::new(m20261125_000006_staff_indexes::Migration),
            Box::new(m20261201_000007_key_fingerprint::Migration),
            Box::new(m20261201_000008_hospital_norm::Migration),
            Box::new(m20261201_000009_control_figures::Migration),
            Box::new(m20261201_000010_determination_decisions::Migration),
            Box::new(m20261201_000011_leaders::Migration),
            Box::new(m20261201_000012_budget_paid_staff::Migration),
            Box::new(m20261201_000013_earned_evaluation::Migration),
            Box::new(m20261201_000014_audit_chain::Migration),
            Box::new(m20261201_000015_accounts::Migration),
            Box::new(m20261201_000016_release_figures::Migration),
            Box::new(m20261201_000017_vacancy_use::Migration),
            Box::new(m20261202_000018_maintained_totals::Migration),
            Box::new(m20261202_000019_staff_name_characters::Migration),
            Box::new(m20261202_000020_totals_version::Migration),
            Box::new(m20261202_000021_staff_name_in_jurisdiction::Migration),
            Box::new(m20261203_000022_institution_name_keys::Migration),
            Box::new(m20261206_000023_idempotency_keys::Migration),
            Box::new(m20261206_000024_department_kind::Migration),
            Box::new(m20261206_000025_institution_without_credit_code::Migration),
            Box::new(m20261206_000026_institution_vacant_since::Migration),
            Box::new(m20261206_000027_control_figure_history::Migration),
            Box::new(m20261206_000028_retirement_basis::Migration),
            Box::new(m20261206_000029_vacancy_use_tightened::Migration),
            Box::new(m20261206_000030_plan_posts::Migration),
            Box::new(m20261206_000031_recruitment_quota::Migration),
            Box::new(m20261207_000032_person_record::Migration),
            Box::new(m20261207_000033_submissions::Migration),
            Box::new(m20261207_000034_release_pool::Migration),
            Box::new(m20261207_000035_release_signatures::Migration),
            Box::new(m20261207_000036_reconciliations::Migration),
            Box::new(m20261207_000037_release_body_lz4::Migration),
            Box::new(m20261207_000038_staffing_norms::Migration),
        ]
    }
}
