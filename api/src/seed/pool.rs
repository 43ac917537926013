//! The demo city's turnover pool and filed hospitals, made through the same operations an
//! office uses (so every rule applies): a base fund from reclaimed slots, deposits from
//! long-vacant agriculture and water units, loans to schools and hospitals (one overdue), and
//! the two hospitals the report names under total-staff filing.

use async_graphql::ID;
use chrono::NaiveDate;
use entity::enums::{HospitalGrade, HospitalKind, InstitutionStatus, Sector, StaffBasis, StaffCategory};
use entity::{establishment_balance, institution, jurisdiction};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::audit::Actor;
use crate::auth::{Principal, Role};
use crate::codes::NationalId;
use crate::filing::{HospitalProfileInput, approve_filing, propose_filing, set_profile};
use crate::graphql::date::Day;
use crate::pii::PiiCipher;
use crate::pool::{FundInput, LoanInput, PoolMovementInput, PoolRulesInput, configure, deposit, fund, lend};
use crate::scope::Scope;
use crate::staff::{HireInput, hire};

/// Reclaimed slots kept from the 2025 cancellation to fund the pool.
pub const POOL_BASE_FUND: i32 = 10;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn failed(e: crate::error::ApiError) -> anyhow::Error {
    anyhow::anyhow!(e.message())
}

pub async fn load(db: &DatabaseConnection, pii: &PiiCipher) -> anyhow::Result<()> {
    let principal = Principal {
        subject: "seed --demo".into(),
        role: Role::StaffingOffice,
        jurisdiction: Some(super::demo::CITY.into()),
        department: None,
        institution: None,
    };
    let scope = Scope::resolve(db, principal).await.map_err(failed)?;
    let actor = Actor::system("seed --demo");
    let city = jurisdiction::Entity::find().filter(jurisdiction::Column::Code.eq(super::demo::CITY)).one(db).await?;
    let city = city.ok_or_else(|| anyhow::anyhow!("city missing"))?;
    let rules = PoolRulesInput {
        cap_share: 0.5,
        default_term_months: 24,
        borrowing_sectors: vec![Sector::Education, Sector::Health],
        min_vacant_months: 12,
        dry_run: false,
    };
    configure(db, &scope, &actor, rules).await.map_err(failed)?;
    let base = FundInput {
        slots: POOL_BASE_FUND,
        document_no: "张编发〔2024〕18号".into(),
        effective_on: Day(day(2024, 8, 1)),
        dry_run: false,
    };
    fund(db, &scope, &actor, base).await.map_err(failed)?;

    let units = institution::Entity::find()
        .filter(institution::Column::JurisdictionId.eq(city.id))
        .filter(institution::Column::Status.eq(InstitutionStatus::Active))
        .order_by_asc(institution::Column::Id)
        .all(db)
        .await?;
    let name = |i: &institution::Model| i.name.clone();
    let find = |unit: &str| units.iter().find(|i| i.name.ends_with(unit)).cloned();
    // The overdue loan: lent from the base fund in 2024 for 24 months, still outstanding.
    if let Some(hospital) = find("人民医院").filter(|i| !i.name.contains("第二")) {
        let input = LoanInput {
            institution_id: ID(hospital.id.to_string()),
            slots: 3,
            term_months: Some(24),
            purpose: format!("{}急诊科扩容，急需医护人员", name(&hospital)),
            document_no: "张编发〔2024〕21号".into(),
            lent_on: Day(day(2024, 9, 1)),
            dry_run: false,
        };
        lend(db, &scope, &actor, input).await.map_err(failed)?;
    }
    // Deposits from long-vacant agriculture and water units.
    let balances = establishment_balance::Entity::find()
        .filter(establishment_balance::Column::JurisdictionId.eq(city.id))
        .filter(establishment_balance::Column::Funding.eq(entity::enums::Funding::Fiscal))
        .all(db)
        .await?;
    let mut deposited = 0;
    for unit in units.iter().filter(|i| i.sector == Sector::AgricultureForestryWaterLivestock) {
        let vacant =
            balances.iter().find(|b| b.institution_id == unit.id).map_or(0, |b| b.approved - b.frozen - b.occupied);
        if vacant < 1 || deposited >= 12 {
            continue;
        }
        let input = PoolMovementInput {
            institution_id: ID(unit.id.to_string()),
            slots: vacant.min(3),
            document_no: "张编发〔2026〕9号".into(),
            effective_on: Day(day(2026, 6, 1)),
            reason: "长期空编存入周转池".into(),
            dry_run: false,
        };
        // Units whose vacancy is younger than the pool's rule are skipped, as the rule says.
        if deposit(db, &scope, &actor, input).await.is_ok() {
            deposited += vacant.min(3);
        }
    }
    // Loans to two schools from the deposits.
    let schools: Vec<&institution::Model> = units.iter().filter(|i| i.sector == Sector::Education).take(2).collect();
    for (school, slots) in schools.into_iter().zip([3, 2]) {
        let input = LoanInput {
            institution_id: ID(school.id.to_string()),
            slots,
            term_months: None,
            purpose: format!("{}新增班级，急需专任教师", school.name),
            document_no: "张编发〔2026〕12号".into(),
            lent_on: Day(day(2026, 7, 1)),
            dry_run: false,
        };
        lend(db, &scope, &actor, input).await.map_err(failed)?;
    }
    // The two hospitals the report names, under total-staff filing.
    for (unit, beds, visits, grade, kind, n) in [
        ("中医医院", 600, 450_000, HospitalGrade::Grade3A, HospitalKind::TraditionalChineseMedicine, 0u32),
        ("第二人民医院", 420, 300_000, HospitalGrade::Grade2A, HospitalKind::General, 10u32),
    ] {
        let Some(hospital) = find(unit) else { continue };
        let profile = HospitalProfileInput {
            institution_id: ID(hospital.id.to_string()),
            beds,
            annual_outpatient_visits: visits,
            grade,
            kind,
        };
        set_profile(db, &scope, &actor, profile).await.map_err(failed)?;
        let filing = propose_filing(db, &scope, &actor, hospital.id).await.map_err(failed)?;
        approve_filing(db, &scope, &actor, filing.id, None, "张编发〔2025〕27号").await.map_err(failed)?;
        for k in 0..3 {
            let id = NationalId::complete(&format!("62070219960{}0{}1{:02}", k + 1, k + 1, n + k));
            let input = HireInput {
                institution_id: ID(hospital.id.to_string()),
                name: format!("备案护士{}", k + 1),
                national_id: id,
                category: StaffCategory::ProfessionalTechnical,
                basis: StaffBasis::Filed,
                hire_date: Day(day(2025, 9, 1)),
                title_level: Some("初级".into()),
                paid_by_budget: false,
                plan_id: None,
                own_plan: None,
                document_no: None,
                facts: None,
                dry_run: false,
            };
            hire(db, pii, &scope, &actor, &crate::throttle::Throttle::new(0, 0), input).await.map_err(failed)?;
        }
    }
    Ok(())
}
