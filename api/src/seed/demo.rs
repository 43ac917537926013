//! The demo city: Zhangye (620700) with its six counties and districts. The city's own figures
//! are the report's section 1; the counties are smaller jurisdictions of the same shape.
//! Deterministic: each jurisdiction's generator is seeded with its division code.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use entity::enums::{
    Classification, EventKind, Funding, FundingForm, InstitutionStatus, JurisdictionKind, Level, ManagementMode,
    ReformKind,
};
use entity::{
    classification_decision, department, establishment_balance, establishment_ceiling, institution, jurisdiction,
    reform, reserve_balance, staff,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};

use super::history::{BASE_YEAR, CityHistory, city_history, reserve_cancelled_on, synthetic_history, touch_old_units};
use super::plan::{PlannedInstitution, Targets, plan};
use super::zhangye_tree;
use crate::audit::{self, Actor, Change};
use crate::codes::{CreditCode, NationalId};
use crate::db::begin_write;
use crate::pii::PiiCipher;

/// Size of each county or district relative to the city.
const COUNTY_SCALE: [(&str, f64); 6] =
    [("620702", 0.42), ("620721", 0.18), ("620722", 0.30), ("620723", 0.24), ("620724", 0.27), ("620725", 0.26)];

pub const CITY: &str = "620700";

#[derive(Debug, Default)]
pub struct Summary {
    pub jurisdictions: usize,
    pub institutions: usize,
    pub staff: usize,
    pub already_loaded: bool,
}

/// The targets each demo jurisdiction is generated from.
pub fn targets() -> Vec<(&'static str, Targets)> {
    let city = Targets::zhangye_city();
    let mut all = vec![(CITY, city.clone())];
    all.extend(COUNTY_SCALE.iter().map(|(code, factor)| (*code, city.scaled(*factor).county_shaped())));
    all
}

/// A synthetic province for scale work: `cities` cities of the demo city's shape (scaled by
/// `scale`), each with `counties` counties at 30 % of its size. Deterministic (each
/// jurisdiction's generator is seeded with its code); under the code 990000, apart from the demo.
#[tracing::instrument(skip_all, fields(cities, counties, scale))]
pub async fn load_synthetic(
    db: &DatabaseConnection,
    pii: &PiiCipher,
    cities: u32,
    counties: u32,
    scale: f64,
) -> anyhow::Result<Summary> {
    anyhow::ensure!((1..=99).contains(&cities) && counties <= 99, "cities from 1 to 99, counties up to 99");
    anyhow::ensure!(scale > 0.0 && scale <= 50.0, "scale must be above 0 and at most 50");
    let txn = begin_write(db).await?;
    let province = super::ensure_jurisdiction(&txn, "990000", "合成省", JurisdictionKind::Province, None).await?;
    let existing =
        jurisdiction::Entity::find().filter(jurisdiction::Column::ParentId.eq(province.id)).count(&txn).await?;
    if existing > 0 {
        return Ok(Summary { already_loaded: true, ..Default::default() });
    }
    let actor = Actor::system("seed --synthetic");
    let mut writer = Writer::new(&txn, pii, &actor);
    let mut summary = Summary { jurisdictions: 1, ..Default::default() };
    let city_targets = Targets::zhangye_city().scaled(scale);
    let county_targets = Targets::zhangye_city().scaled(scale * 0.3).county_shaped();
    for c in 1..=cities {
        let code = format!("99{c:02}00");
        let city =
            super::ensure_jurisdiction(&txn, &code, &format!("合成{c}市"), JurisdictionKind::City, Some(&province))
                .await?;
        let mut places = vec![(city.clone(), &city_targets)];
        for k in 1..=counties {
            let county_code = format!("99{c:02}{k:02}");
            let name = format!("合成{c}市{k}县");
            let county =
                super::ensure_jurisdiction(&txn, &county_code, &name, JurisdictionKind::County, Some(&city)).await?;
            places.push((county, &county_targets));
        }
        for (place, targets) in places {
            let mut rng = ChaCha8Rng::seed_from_u64(place.code.parse::<u64>().unwrap_or(0));
            let mut planned = plan(targets, &mut rng);
            synthetic_history(&mut planned, &mut rng);
            let (institutions, people) = writer.write(&place, &planned, &mut rng).await?;
            summary.jurisdictions += 1;
            summary.institutions += institutions;
            summary.staff += people;
        }
    }
    crate::db::commit(txn).await?;
    refresh_statistics(db).await?;
    Ok(summary)
}

/// After a bulk load PostgreSQL's planner statistics are stale, and plans go wrong by orders
/// of magnitude (a city overview measured 909 ms before, 84 ms after); SQLite needs nothing.
async fn refresh_statistics(db: &DatabaseConnection) -> anyhow::Result<()> {
    use sea_orm::ConnectionTrait;
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared("ANALYZE").await?;
    }
    Ok(())
}

/// Loads the demo city unless it is already there, with a first open release of each
/// jurisdiction.
pub async fn load(db: &DatabaseConnection, pii: &PiiCipher) -> anyhow::Result<Summary> {
    let summary = load_unpublished(db, pii).await?;
    if summary.institutions > 0 {
        publish_releases(db).await?;
    }
    Ok(summary)
}

/// Loads the demo city unless it is already there, publishing nothing (an office then chooses
/// its first release's policy).
#[tracing::instrument(skip_all)]
pub async fn load_unpublished(db: &DatabaseConnection, pii: &PiiCipher) -> anyhow::Result<Summary> {
    let txn = begin_write(db).await?;
    let tree = zhangye_tree(&txn).await?;
    let city = tree.iter().find(|j| j.code == CITY).cloned().ok_or_else(|| anyhow::anyhow!("city missing"))?;
    let existing =
        institution::Entity::find().filter(institution::Column::JurisdictionId.eq(city.id)).count(&txn).await?;
    if existing > 0 {
        return Ok(Summary { already_loaded: true, ..Default::default() });
    }
    let actor = Actor::system("seed --demo");
    let mut writer = Writer::new(&txn, pii, &actor);
    let mut summary = Summary { jurisdictions: tree.len(), ..Default::default() };
    for (code, targets) in targets() {
        let jurisdiction = tree.iter().find(|j| j.code == code).ok_or_else(|| anyhow::anyhow!("{code} missing"))?;
        let mut rng = ChaCha8Rng::seed_from_u64(code.parse::<u64>().unwrap_or(0));
        let mut planned = plan(&targets, &mut rng);
        let history = if code == CITY {
            Some(city_history(&mut planned, &mut rng))
        } else {
            touch_old_units(&mut planned, &mut rng);
            None
        };
        let (institutions, people) = writer.write(jurisdiction, &planned, &mut rng).await?;
        if let Some(history) = history {
            writer.write_history(jurisdiction, &planned, &history, &mut rng).await?;
            super::evaluation::load(&txn, jurisdiction, &mut rng).await?;
        }
        summary.institutions += institutions;
        summary.staff += people;
    }
    write_control_figures(&txn, &tree).await?;
    let change = Change {
        action: "seed.demo",
        entity: "jurisdiction",
        entity_id: Some(city.id),
        jurisdiction_id: Some(city.id),
        before: None,
        after: Some(serde_json::json!({ "institutions": summary.institutions, "staff": summary.staff })),
    };
    audit::record(&txn, &actor, change).await?;
    crate::db::commit(txn).await?;
    super::pool::load(db, pii).await?;
    refresh_statistics(db).await?;
    Ok(summary)
}

/// Control figures handed down (下达编制控制数) at every level, as in 2019: the province grants the
/// city its figures for the whole city (its own base-year 4,926 slots and 4,557 fiscally
/// supported people, plus its counties'), and the city grants each county and district its own.
/// The report gives the city's figures only; a county's are its holdings scaled by the city's
/// own 2019-to-now ratios (4,926 / 4,158 slots, 4,557 / 3,353 people), so each keeps the room
/// the city has.
async fn write_control_figures(txn: &DatabaseTransaction, tree: &[jurisdiction::Model]) -> anyhow::Result<()> {
    use crate::establishment::control_usage;
    let city = tree.iter().find(|j| j.code == CITY).ok_or_else(|| anyhow::anyhow!("city missing"))?;
    let province = tree.iter().find(|j| Some(j.id) == city.parent_id).ok_or_else(|| anyhow::anyhow!("province"))?;
    let on = NaiveDate::from_ymd_opt(BASE_YEAR, 12, 31).unwrap_or_default();
    let figure = |child: &jurisdiction::Model, by: &jurisdiction::Model, total: i64, people: i64, doc: String| {
        entity::control_figure::ActiveModel {
            jurisdiction_id: Set(child.id),
            granted_by: Set(by.id),
            total_establishment: Set(total as i32),
            fiscal_people: Set(people as i32),
            document_no: Set(doc),
            effective_on: Set(on),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
    };
    let (mut counties_total, mut counties_people) = (0_i64, 0_i64);
    for (n, county) in tree.iter().filter(|j| j.parent_id == Some(city.id)).enumerate() {
        let held = control_usage(txn, county.id).await.map_err(|e| anyhow::anyhow!(e.message()))?;
        let total = (held.own_establishment * 4_926 + 4_157) / 4_158;
        let people = (held.own_fiscal_people * 4_557 + 3_352) / 3_353;
        counties_total += total;
        counties_people += people;
        figure(county, city, total, people, format!("张编委〔{BASE_YEAR}〕{}号", 10 + n)).insert(txn).await?;
    }
    let own_base = establishment_ceiling::Entity::find()
        .filter(establishment_ceiling::Column::JurisdictionId.eq(city.id))
        .one(txn)
        .await?
        .map_or(4_926, |c| i64::from(c.base_total));
    let total = own_base + counties_total;
    let people = 4_557 + counties_people;
    figure(city, province, total, people, format!("甘编委〔{BASE_YEAR}〕8号")).insert(txn).await?;
    Ok(())
}

struct Writer<'a> {
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
    fn new(txn: &'a DatabaseTransaction, pii: &'a PiiCipher, actor: &'a Actor) -> Self {
        Self { txn, pii, actor, credit_codes: HashSet::new(), national_ids: HashSet::new(), reserve_sum: 0 }
    }

    #[allow(clippy::too_many_arguments)]
    async fn event(
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
    async fn freeze(
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
    async fn write_history(
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
            let (department, _) = crate::department::find_or_create(txn, self.actor, jurisdiction.id, &department_name)
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
                credit_code: Set(self.credit_code(&jurisdiction.code, rng)),
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
        let left = self.reserve_sum - super::pool::POOL_BASE_FUND;
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

    fn credit_code(&mut self, division: &str, rng: &mut ChaCha8Rng) -> String {
        loop {
            // 1 = registered by the establishment office, 2 = public institution.
            let code = CreditCode::complete(&format!("12{division}{}", organisation_code(rng)));
            if let Some(code) = code.filter(|c| self.credit_codes.insert(c.as_str().to_string())) {
                return code.into_string();
            }
        }
    }

    fn national_id(&mut self, division: &str, birth: NaiveDate, mut sequence: u16) -> String {
        loop {
            let id = NationalId::complete(&format!("{division}{}{:03}", birth.format("%Y%m%d"), sequence % 1000));
            if self.national_ids.insert(id.clone()) {
                return id;
            }
            // Ten on keeps the last digit, which records the person's sex.
            sequence = sequence.wrapping_add(10);
        }
    }

    async fn write(
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
                people_rows.push(staff::ActiveModel {
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
                });
            }
        }
        let people = people_rows.len();
        while !people_rows.is_empty() {
            let batch: Vec<staff::ActiveModel> = people_rows.drain(..people_rows.len().min(1000)).collect();
            staff::Entity::insert_many(batch).exec(txn).await?;
        }
        Ok((planned.len(), people))
    }

    async fn institution(
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
        let head = super::duties::head_title(&inst.unit);
        let posts = serde_json::json!([
            { "title": head, "count": 1 },
            { "title": super::duties::deputy_title(head), "count": deputies },
        ]);
        let place = if jurisdiction.name.ends_with('市') { "全市" } else { "全县" };
        let stem = super::names::stem(inst.department);
        let duties = super::duties::duties(&inst.unit, &stem, place);
        let responsibilities: String = duties.iter().map(|d| format!("{d}；")).collect();
        let now = chrono::Utc::now();
        let row = institution::ActiveModel {
            jurisdiction_id: Set(jurisdiction.id),
            department_id: Set(department_id),
            credit_code: Set(self.credit_code(&jurisdiction.code, rng)),
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

/// A first disclosure release for the city and each county, so the portal has something to show:
/// openly, as real-name disclosure does, except Shandan, which shows a threshold of 3 (records
/// withheld whole, with the partners the audit chose).
async fn publish_releases(db: &DatabaseConnection) -> anyhow::Result<()> {
    for (code, _) in targets() {
        let threshold = if code == "620725" { 3 } else { 0 };
        let principal = crate::auth::Principal {
            subject: "seed --demo".into(),
            role: crate::auth::Role::StaffingOffice,
            jurisdiction: Some(code.to_string()),
            department: None,
        };
        let scope = crate::scope::Scope::resolve(db, principal).await.map_err(|e| anyhow::anyhow!(e.message()))?;
        let actor = Actor::system("seed --demo");
        crate::disclosure::publish(db, &scope, &actor, threshold, "首次公开 first release")
            .await
            .map_err(|e| anyhow::anyhow!(e.message()))?;
    }
    Ok(())
}
