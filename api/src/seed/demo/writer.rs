//! Writes the planned demo city: its institutions, people, history of decisions and reforms.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use entity::enums::{
    Classification, EventKind, Funding, FundingForm, InstitutionStatus, Level, ManagementMode, ReformKind,
};
use entity::{
    classification_decision, department, establishment_balance, establishment_ceiling, institution, jurisdiction,
    reform, reserve_balance, staff, staff_movement,
};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};

use crate::audit::Actor;
use crate::codes::{CreditCode, NationalId};
use crate::pii::PiiCipher;
use crate::seed::history::{BASE_YEAR, CityHistory, reserve_cancelled_on};
use crate::seed::plan::PlannedInstitution;

pub(super) struct Writer<'a> {
    txn: &'a DatabaseTransaction,
    pii: &'a PiiCipher,
    actor: &'a Actor,
    credit_codes: HashSet<String>,
    national_ids: HashSet<String>,
    /// The reserve as the rows written so far leave it.
    reserve_sum: i32,
}

/// `市教育局` becomes `张掖市教育局` in the city and `民乐县教育局` in Minle.
fn local_name(jurisdiction: &str, name: &str) -> String {
    match name.strip_prefix('市') {
        Some(rest) => format!("{jurisdiction}{rest}"),
        None => name.replace("张掖市", jurisdiction),
    }
}

/// The organisation code (GB 11714) with its check character.
fn organisation_code(rng: &mut ChaCha8Rng) -> String {
    const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let digits: Vec<u32> = (0..8).map(|_| rng.gen_range(0..10)).collect();
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    let check = match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        c => char::from_digit(c, 10).unwrap_or('0'),
    };
    digits.iter().map(|d| char::from_digit(*d, 10).unwrap_or('0')).chain(std::iter::once(check)).collect()
}

fn document_no(year: i32, rng: &mut ChaCha8Rng) -> String {
    format!("张编发〔{year}〕{}号", rng.gen_range(1..120))
}

impl<'a> Writer<'a> {
    pub(super) fn new(txn: &'a DatabaseTransaction, pii: &'a PiiCipher, actor: &'a Actor) -> Self {
        Self { txn, pii, actor, credit_codes: HashSet::new(), national_ids: HashSet::new(), reserve_sum: 0 }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) async fn event(
        &mut self,
        jurisdiction_id: i32,
        institution_id: Option<i32>,
        kind: EventKind,
        funding: Funding,
        delta: i32,
        on: NaiveDate,
        document: &str,
        reason: &str,
        reform_id: Option<i32>,
    ) -> anyhow::Result<()> {
        if institution_id.is_none() {
            self.reserve_sum += delta;
        }
        let operation = format!("seed:{document}:{on}");
        let document = crate::establishment::Document {
            number: document.to_string(),
            effective_on: on,
            reason: reason.to_string(),
        };
        let entry = crate::establishment::Entry {
            jurisdiction_id,
            institution_id,
            kind,
            funding,
            approved_delta: delta,
            frozen_delta: 0,
            document: &document,
            operation: &operation,
            reform_id,
        };
        let deltas = crate::establishment::Deltas { approved: delta, ..Default::default() };
        crate::establishment::write_row(self.txn, self.actor, &entry, deltas)
            .await
            .map_err(|e| anyhow::anyhow!(e.message()))
    }

    /// Freezes `slots` of an institution's fiscal establishment: a ledger row of frozen slots.
    pub(super) async fn freeze(
        &mut self,
        jurisdiction_id: i32,
        institution_id: i32,
        slots: i32,
        on: NaiveDate,
        document: &str,
    ) -> anyhow::Result<()> {
        let operation = format!("seed:{document}:{on}");
        let document = crate::establishment::Document {
            number: document.to_string(),
            effective_on: on,
            reason: "冻结编制".into(),
        };
        let entry = crate::establishment::Entry {
            jurisdiction_id,
            institution_id: Some(institution_id),
            kind: EventKind::Freeze,
            funding: Funding::Fiscal,
            approved_delta: 0,
            frozen_delta: slots,
            document: &document,
            operation: &operation,
            reform_id: None,
        };
        let deltas = crate::establishment::Deltas { frozen: slots, ..Default::default() };
        crate::establishment::write_row(self.txn, self.actor, &entry, deltas)
            .await
            .map_err(|e| anyhow::anyhow!(e.message()))
    }

    /// The institutions the reforms removed since the base year, the reserve's last
    /// cancellation and the control ceiling.
    pub(super) async fn write_history(
        &mut self,
        jurisdiction: &jurisdiction::Model,
        planned: &[PlannedInstitution],
        history: &CityHistory,
        rng: &mut ChaCha8Rng,
    ) -> anyhow::Result<()> {
        let txn = self.txn;
        let current = institution::Entity::find()
            .filter(institution::Column::JurisdictionId.eq(jurisdiction.id))
            .all(txn)
            .await?;
        let id_of =
            |unit: &str| current.iter().find(|i| i.name == format!("{}{unit}", jurisdiction.name)).map(|i| i.id);
        for removed in &history.removed {
            let department_name = local_name(&jurisdiction.name, removed.department);
            let (department, _) =
                crate::jurisdiction::department::find_or_create(txn, self.actor, jurisdiction.id, &department_name)
                    .await
                    .map_err(|e| anyhow::anyhow!(e.message()))?;
            let (status, merged_into) = match removed.kind {
                ReformKind::Dissolve => (InstitutionStatus::Dissolved, None),
                ReformKind::Convert => (InstitutionStatus::Converted, None),
                ReformKind::Merge => (InstitutionStatus::Merged, removed.merged_into.as_deref().and_then(id_of)),
            };
            let now = chrono::Utc::now();
            let row = institution::ActiveModel {
                jurisdiction_id: Set(jurisdiction.id),
                department_id: Set(department.id),
                credit_code: Set(Some(self.credit_code(&jurisdiction.code, rng))),
                name: Set(format!("{}{}", jurisdiction.name, removed.unit)),
                sector: Set(removed.sector),
                level: Set(Level::Section),
                funding_form: Set(match removed.funding {
                    Funding::Fiscal => FundingForm::FullAppropriation,
                    Funding::SelfFinanced => FundingForm::SelfFinanced,
                }),
                management_mode: Set(ManagementMode::Regular),
                classification: Set(Classification::Unclassified),
                legal_person: Set(true),
                established_on: Set(NaiveDate::from_ymd_opt(1986, 5, 1).unwrap_or_default()),
                status: Set(status),
                merged_into_id: Set(merged_into),
                responsibilities: Set(String::new()),
                internal_bodies: Set("[]".into()),
                leadership_posts: Set("[]".into()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            crate::establishment::open_balances(txn, &row).await?;
            let base_on = NaiveDate::from_ymd_opt(2012, 6, 30).unwrap_or_default();
            let document = document_no(2012, rng);
            self.event(
                jurisdiction.id,
                Some(row.id),
                EventKind::Approve,
                removed.funding,
                removed.base,
                base_on,
                &document,
                "核定编制",
                None,
            )
            .await?;
            let document = document_no(chrono::Datelike::year(&removed.on), rng);
            let reason = match removed.kind {
                ReformKind::Dissolve => "职能消失，撤销",
                ReformKind::Merge => "机构整合（合并）",
                ReformKind::Convert => "转企改制",
            };
            let reform = reform::ActiveModel {
                jurisdiction_id: Set(jurisdiction.id),
                kind: Set(removed.kind),
                institution_id: Set(row.id),
                target_institution_id: Set(merged_into),
                document_no: Set(document.clone()),
                effective_on: Set(removed.on),
                reason: Set(reason.to_string()),
                actor: Set(self.actor.subject.clone()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            let (funding, n, on, id) = (removed.funding, removed.base, removed.on, Some(reform.id));
            match removed.kind {
                ReformKind::Dissolve => {
                    self.event(
                        jurisdiction.id,
                        Some(row.id),
                        EventKind::Reclaim,
                        funding,
                        -n,
                        on,
                        &document,
                        reason,
                        id,
                    )
                    .await?;
                    self.event(jurisdiction.id, None, EventKind::Reclaim, funding, n, on, &document, reason, id)
                        .await?;
                }
                ReformKind::Merge => {
                    self.event(
                        jurisdiction.id,
                        Some(row.id),
                        EventKind::TransferOut,
                        funding,
                        -n,
                        on,
                        &document,
                        reason,
                        id,
                    )
                    .await?;
                }
                ReformKind::Convert => {
                    self.event(
                        jurisdiction.id,
                        Some(row.id),
                        EventKind::Convert,
                        funding,
                        -n,
                        on,
                        &document,
                        reason,
                        id,
                    )
                    .await?;
                }
            }
        }
        // What was reclaimed and not allocated was cancelled (核销), but for the slots kept to
        // fund the turnover pool.
        let left = self.reserve_sum - crate::seed::pool::POOL_BASE_FUND;
        if left > 0 {
            let document = document_no(2025, rng);
            self.event(
                jurisdiction.id,
                None,
                EventKind::Reduce,
                Funding::Fiscal,
                -left,
                reserve_cancelled_on(),
                &document,
                "核销储备编制",
                None,
            )
            .await?;
        }
        for funding in Funding::all() {
            // All reserve rows written here are fiscal.
            let slots = if *funding == Funding::Fiscal { self.reserve_sum } else { 0 };
            reserve_balance::ActiveModel {
                jurisdiction_id: Set(jurisdiction.id),
                funding: Set(*funding),
                slots: Set(slots),
                updated_at: Set(chrono::Utc::now()),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
        let removed_base: i32 = history.removed.iter().map(|r| r.base).sum();
        let base_total = planned
            .iter()
            .map(|i| i.approved_fiscal + i.approved_self - i.history.iter().map(|a| a.delta).sum::<i32>())
            .sum::<i32>()
            + removed_base;
        establishment_ceiling::ActiveModel {
            jurisdiction_id: Set(jurisdiction.id),
            base_year: Set(BASE_YEAR),
            base_total: Set(base_total),
            base_fiscal: Set(history.base_fiscal),
            total_ceiling: Set(base_total),
            fiscal_ceiling: Set(history.base_fiscal),
            document_no: Set(format!("张编委〔{BASE_YEAR}〕3号")),
            updated_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        Ok(())
    }

    pub(super) fn credit_code(&mut self, division: &str, rng: &mut ChaCha8Rng) -> String {
        loop {
            // 1 = registered by the establishment office, 2 = public institution.
            let code = CreditCode::complete(&format!("12{division}{}", organisation_code(rng)));
            if let Some(code) = code.filter(|c| self.credit_codes.insert(c.as_str().to_string())) {
                return code.into_string();
            }
        }
    }

    pub(super) fn national_id(&mut self, division: &str, birth: NaiveDate, mut sequence: u16) -> String {
        loop {
            let id = NationalId::complete(&format!("{division}{}{:03}", birth.format("%Y%m%d"), sequence % 1000));
            if self.national_ids.insert(id.clone()) {
                return id;
            }
            // Ten on keeps the last digit, which records the person's sex.
            sequence = sequence.wrapping_add(10);
        }
    }

    pub(super) async fn write(
        &mut self,
        jurisdiction: &jurisdiction::Model,
        planned: &[PlannedInstitution],
        rng: &mut ChaCha8Rng,
    ) -> anyhow::Result<(usize, usize)> {
        let txn = self.txn;
        let mut departments: HashMap<String, i32> = HashMap::new();
        let mut people_rows = Vec::new();
        for inst in planned {
            let department_name = local_name(&jurisdiction.name, inst.department);
            let department_id = match departments.get(&department_name) {
                Some(id) => *id,
                None => {
                    let row = department::ActiveModel {
                        jurisdiction_id: Set(jurisdiction.id),
                        name: Set(department_name.clone()),
                        created_at: Set(chrono::Utc::now()),
                        ..Default::default()
                    }
                    .insert(txn)
                    .await?;
                    departments.insert(department_name, row.id);
                    row.id
                }
            };
            let row = self.institution(jurisdiction, department_id, inst, rng).await?;
            for p in &inst.people {
                let id = self.national_id(&jurisdiction.code, p.birth, p.sequence);
                let hash = self.pii.lookup_hash(&id);
                let holds = p.basis.funding().is_some() && p.status.holds_slot();
                let now = chrono::Utc::now();
                let mut person = staff::ActiveModel {
                    jurisdiction_id: Set(jurisdiction.id),
                    institution_id: Set(row.id),
                    name: Set(p.name.clone()),
                    national_id_cipher: Set(self.pii.encrypt(&id)),
                    national_id_hash: Set(hash.clone()),
                    slot_key: Set(holds.then_some(hash)),
                    birth_year: Set(chrono::Datelike::year(&p.birth)),
                    category: Set(p.category),
                    basis: Set(p.basis),
                    status: Set(p.status),
                    hire_date: Set(p.hire_date),
                    title_level: Set(p.title_level.map(str::to_string)),
                    over_establishment: Set(p.over_establishment),
                    seconded_to: Set(p.seconded.map(|(body, _)| format!("{}{body}", jurisdiction.name))),
                    seconded_since: Set(p.seconded.map(|(_, since)| since)),
                    paid_by_budget: Set(p.paid_by_budget),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                };
                super::record::fill(&mut person, p, &jurisdiction.code);
                people_rows.push(person);
            }
        }
        let people = people_rows.len();
        while !people_rows.is_empty() {
            let batch: Vec<staff::ActiveModel> = people_rows.drain(..people_rows.len().min(1000)).collect();
            staff::Entity::insert_many(batch).exec(txn).await?;
        }
        self.arrivals(jurisdiction).await?;
        Ok((planned.len(), people))
    }

    /// The arrivals the people's hire dates imply, as an import records them: each arrived on
    /// the hire date (someone already gone is recorded leaving that day), and a person seconded
    /// out left on the secondment's first day, without papers (the old system kept none).
    async fn arrivals(&mut self, jurisdiction: &jurisdiction::Model) -> anyhow::Result<()> {
        use entity::enums::{MovementKind, StaffBasis, StaffStatus};
        use sea_orm::QuerySelect;
        type Row = (i32, i32, StaffStatus, StaffBasis, NaiveDate, Option<NaiveDate>);
        let people: Vec<Row> = staff::Entity::find()
            .select_only()
            .column(staff::Column::Id)
            .column(staff::Column::InstitutionId)
            .column(staff::Column::Status)
            .column(staff::Column::Basis)
            .column(staff::Column::HireDate)
            .column(staff::Column::SecondedSince)
            .filter(staff::Column::JurisdictionId.eq(jurisdiction.id))
            .into_tuple()
            .all(self.txn)
            .await?;
        let now = chrono::Utc::now();
        let movement = |person: i32, institution: i32, kind: MovementKind, on: NaiveDate| staff_movement::ActiveModel {
            jurisdiction_id: Set(jurisdiction.id),
            staff_id: Set(person),
            institution_id: Set(institution),
            kind: Set(kind),
            occurred_on: Set(on),
            document_no: Set(None),
            note: Set(String::new()),
            actor: Set(self.actor.subject.clone()),
            created_at: Set(now),
            ..Default::default()
        };
        let mut rows = Vec::with_capacity(people.len());
        for (person, institution, status, basis, hired, seconded_since) in people {
            let arrived = status.holds_slot() || basis == StaffBasis::Temporary;
            let kind = if arrived { MovementKind::Hire } else { MovementKind::Leave };
            rows.push(movement(person, institution, kind, hired));
            if status == StaffStatus::SecondedOut {
                rows.push(movement(
                    person,
                    institution,
                    MovementKind::SecondOut,
                    seconded_since.unwrap_or(hired).max(hired),
                ));
            }
        }
        while !rows.is_empty() {
            let batch: Vec<staff_movement::ActiveModel> = rows.drain(..rows.len().min(1000)).collect();
            staff_movement::Entity::insert_many(batch).exec(self.txn).await?;
        }
        Ok(())
    }

    pub(super) async fn institution(
        &mut self,
        jurisdiction: &jurisdiction::Model,
        department_id: i32,
        inst: &PlannedInstitution,
        rng: &mut ChaCha8Rng,
    ) -> anyhow::Result<institution::Model> {
        let txn = self.txn;
        let name = format!("{}{}", jurisdiction.name, inst.unit);
        let bodies: Vec<&str> = ["办公室", "业务科", "技术服务科", "综合管理科", "质量管理科"]
            .into_iter()
            .take(1 + (inst.in_establishment as usize / 15).min(4))
            .collect();
        let deputies = (inst.in_establishment / 25).clamp(1, 3);
        let head = crate::seed::duties::head_title(&inst.unit);
        let posts = serde_json::json!([
            { "title": head, "count": 1 },
            { "title": crate::seed::duties::deputy_title(head), "count": deputies },
        ]);
        let place = if jurisdiction.name.ends_with('市') { "全市" } else { "全县" };
        let stem = crate::seed::names::stem(inst.department);
        let duties = crate::seed::duties::duties(&inst.unit, &stem, place);
        let responsibilities: String = duties.iter().map(|d| format!("{d}；")).collect();
        let now = chrono::Utc::now();
        let row = institution::ActiveModel {
            jurisdiction_id: Set(jurisdiction.id),
            department_id: Set(department_id),
            credit_code: Set(Some(self.credit_code(&jurisdiction.code, rng))),
            name: Set(name.clone()),
            sector: Set(inst.sector),
            level: Set(inst.level),
            funding_form: Set(inst.funding_form),
            management_mode: Set(inst.management_mode),
            classification: Set(inst.classification),
            legal_person: Set(inst.legal_person),
            established_on: Set(inst.established_on),
            status: Set(entity::enums::InstitutionStatus::Active),
            merged_into_id: Set(None),
            responsibilities: Set(responsibilities.trim_end_matches('；').to_string() + "。"),
            internal_bodies: Set(serde_json::to_string(&bodies)?),
            leadership_posts: Set(posts.to_string()),
            vacant_since: Set(super::vacant::vacant_since(inst, &name, now.date_naive())),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        let approval_year = chrono::Datelike::year(&inst.established_on).clamp(2005, BASE_YEAR - 1);
        let approval_on = NaiveDate::from_ymd_opt(approval_year, 6, 30).unwrap_or(inst.established_on);
        let occupied_of =
            |basis| inst.people.iter().filter(|p| p.basis == basis && p.status.holds_slot()).count() as i32;
        for (funding, approved, occupied) in [
            (Funding::Fiscal, inst.approved_fiscal, occupied_of(entity::enums::StaffBasis::Fiscal)),
            (Funding::SelfFinanced, inst.approved_self, occupied_of(entity::enums::StaffBasis::SelfFinanced)),
        ] {
            establishment_balance::ActiveModel {
                jurisdiction_id: Set(jurisdiction.id),
                institution_id: Set(row.id),
                funding: Set(funding),
                approved: Set(approved),
                frozen: Set(if funding == Funding::Fiscal { inst.frozen } else { 0 }),
                occupied: Set(occupied),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            let changed: i32 = inst.history.iter().filter(|a| a.funding == funding).map(|a| a.delta).sum();
            let base = approved - changed;
            if base > 0 {
                let document = document_no(approval_year, rng);
                self.event(
                    jurisdiction.id,
                    Some(row.id),
                    EventKind::Approve,
                    funding,
                    base,
                    approval_on,
                    &document,
                    "核定编制",
                    None,
                )
                .await?;
            }
        }
        for adjustment in &inst.history {
            let year = chrono::Datelike::year(&adjustment.on);
            let document = document_no(year, rng);
            let (kind, funding, delta, on, reason) =
                (adjustment.kind, adjustment.funding, adjustment.delta, adjustment.on, adjustment.reason);
            self.event(jurisdiction.id, Some(row.id), kind, funding, delta, on, &document, reason, None).await?;
            // Reclaims feed the reserve and allocations draw on it: its side of the same operation.
            if matches!(kind, EventKind::Reclaim | EventKind::Allocate) {
                self.event(jurisdiction.id, None, kind, funding, -delta, on, &document, reason, None).await?;
            }
        }
        if inst.frozen > 0 {
            // The office froze part of its vacant slots (冻结编制), as the report's city did.
            let on = NaiveDate::from_ymd_opt(2021, 3, 15).unwrap_or_default();
            self.freeze(jurisdiction.id, row.id, inst.frozen, on, &document_no(2021, rng)).await?;
        }
        if inst.classification != Classification::Unclassified {
            let decided_on =
                NaiveDate::from_ymd_opt(2021, rng.gen_range(3..=11), rng.gen_range(1..=28)).unwrap_or_default();
            classification_decision::ActiveModel {
                jurisdiction_id: Set(jurisdiction.id),
                institution_id: Set(row.id),
                classification: Set(inst.classification),
                previous: Set(Some(Classification::Unclassified)),
                document_no: Set(document_no(2021, rng)),
                decided_on: Set(decided_on),
                actor: Set(self.actor.subject.clone()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
        Ok(row)
    }
}
