//! Findings for staffing offices: the report's section 2 problems, each a query returning the
//! institutions concerned with the figure behind each. Thresholds are arguments.

use std::any::Any;
use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex};

use async_graphql::{Context, Object, OutputType, SimpleObject};
use chrono::Datelike;
use entity::enums::{Classification, EventKind, InstitutionStatus, StaffBasis, StaffStatus};
use entity::{determination_decision, establishment_event, institution, jurisdiction, reform, staff};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use crate::error::{ApiError, ApiResult, Result};
use crate::figures::{StaffCounts, counts_by_institution};
use crate::graphql::context::{db, scope};
use crate::institution::Institution;

mod ages;
mod documents;
mod funding;
mod norms;
mod overlap;
mod posts;
mod secondment;

pub use documents::UNDOCUMENTED;
pub use overlap::{DutyPair, Overlap};

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Finding {
    pub institution: Institution,
    /// The figure behind the finding (a count, a share, an age, a year, a similarity).
    pub figure: f64,
    #[graphql(skip)]
    pub detail_zh: String,
    #[graphql(skip)]
    pub detail_en: String,
}

#[async_graphql::ComplexObject]
impl Finding {
    /// The finding in a sentence, in the client's language: Chinese with `Accept-Language:
    /// zh…`, English otherwise.
    async fn detail(&self, ctx: &Context<'_>) -> &str {
        if reads_chinese(ctx) { &self.detail_zh } else { &self.detail_en }
    }
    /// The sentence in Chinese.
    async fn detail_zh(&self) -> &str {
        &self.detail_zh
    }
    /// The sentence in English.
    async fn detail_en(&self) -> &str {
        &self.detail_en
    }
}

/// Whether the client reads Chinese (`Accept-Language: zh…`).
pub fn reads_chinese(ctx: &Context<'_>) -> bool {
    ctx.data_opt::<crate::graphql::context::RequestId>().is_some_and(|r| r.chinese)
}

/// The office's institutions a set of findings is computed over, loaded once, with each list
/// computed from them kept by its name and thresholds.
pub struct Findings {
    db: DatabaseConnection,
    rows: Vec<institution::Model>,
    counts: HashMap<i32, StaffCounts>,
    jurisdiction_names: HashMap<i32, String>,
    lists: Mutex<HashMap<String, Arc<dyn Any + Send + Sync>>>,
}

/// A finding with its sentence in Chinese and in English.
fn finding(row: &institution::Model, figure: f64, zh: String, en: String) -> Finding {
    let figure = (figure * 1000.0).round() / 1000.0;
    Finding { institution: Institution(row.clone()), figure, detail_zh: zh, detail_en: en }
}

/// A stored word's Chinese label.
fn zh(word: &str) -> &str {
    crate::labels::zh(word).unwrap_or(word)
}

/// The distinct ids a one-column query answers (nulls skipped).
async fn id_set<E: EntityTrait>(db: &DatabaseConnection, query: sea_orm::Select<E>) -> ApiResult<HashSet<i32>> {
    Ok(query.into_tuple::<Option<i32>>().all(db).await?.into_iter().flatten().collect())
}

fn share(part: i32, whole: i32) -> f64 {
    if whole == 0 { 0.0 } else { f64::from(part) / f64::from(whole) }
}

impl Findings {
    /// A list computed once per set of findings (by its name and thresholds), then shared.
    async fn kept<T, F>(&self, key: String, make: F) -> Result<Arc<T>>
    where
        T: Send + Sync + 'static,
        F: Future<Output = Result<T>>,
    {
        let found = self.lists.lock().ok().and_then(|lists| lists.get(&key).cloned());
        if let Some(list) = found.and_then(|list| list.downcast::<T>().ok()) {
            return Ok(list);
        }
        let list = Arc::new(make.await?);
        if let Ok(mut lists) = self.lists.lock() {
            lists.insert(key, list.clone());
        }
        Ok(list)
    }

    fn counts(&self, id: i32) -> StaffCounts {
        self.counts.get(&id).cloned().unwrap_or_default()
    }

    /// The unit's name without its jurisdiction (the same kind of unit across counties).
    fn kind_of(&self, row: &institution::Model) -> String {
        let prefix = self.jurisdiction_names.get(&row.jurisdiction_id).map(String::as_str).unwrap_or("");
        row.name.strip_prefix(prefix).unwrap_or(&row.name).to_string()
    }
}

impl Findings {
    /// Micro-institutions: fewer than `maxStaff` people in establishment.
    pub async fn micro_institutions(&self, max_staff: i32) -> Vec<Finding> {
        self.rows
            .iter()
            .filter_map(|r| {
                let n = self.counts(r.id).in_establishment;
                (n < max_staff).then(|| finding(r, n.into(), format!("在编{n}人"), format!("{n} in establishment")))
            })
            .collect()
    }

    /// Never adjusted: established before `establishedBefore` (the report's units set up in the
    /// 1970s and 1980s whose structure still follows the planned economy), with no
    /// establishment event since its approval, no reform received and no decision on its three
    /// determinations.
    pub async fn never_adjusted(&self, established_before: i32) -> Result<Vec<Finding>> {
        let old: Vec<&institution::Model> =
            self.rows.iter().filter(|r| r.established_on.year() < established_before).collect();
        let ids: Vec<i32> = old.iter().map(|r| r.id).collect();
        let adjusted = id_set(
            &self.db,
            establishment_event::Entity::find()
                .select_only()
                .column(establishment_event::Column::InstitutionId)
                .filter(establishment_event::Column::InstitutionId.is_in(ids.clone()))
                .filter(establishment_event::Column::Kind.ne(EventKind::Approve)),
        )
        .await?;
        let reformed = id_set(
            &self.db,
            reform::Entity::find()
                .select_only()
                .column(reform::Column::TargetInstitutionId)
                .filter(reform::Column::TargetInstitutionId.is_in(ids.clone())),
        )
        .await?;
        let decided = id_set(
            &self.db,
            determination_decision::Entity::find()
                .select_only()
                .column(determination_decision::Column::InstitutionId)
                .filter(determination_decision::Column::InstitutionId.is_in(ids)),
        )
        .await?;
        let this_year = chrono::Utc::now().year();
        let mut out: Vec<Finding> = old
            .into_iter()
            .filter(|r| !adjusted.contains(&r.id) && !reformed.contains(&r.id) && !decided.contains(&r.id))
            .map(|r| {
                let years = this_year - r.established_on.year();
                let on = r.established_on;
                let zh = format!(
                    "{}年{}月{}日成立（{years}年前），此后未调整编制、未经改革，也未作出“三定”决定",
                    on.year(),
                    on.month(),
                    on.day()
                );
                let en = format!(
                    "established {on} ({years} years ago); no establishment change, reform or decision on its three \
                     determinations since"
                );
                finding(r, r.established_on.year().into(), zh, en)
            })
            .collect();
        out.sort_by(|a, b| a.figure.total_cmp(&b.figure));
        Ok(out)
    }

    /// Overlapping responsibilities: pairs of one jurisdiction whose duties coincide.
    pub fn overlapping_responsibilities(&self, min_similarity: f64) -> Vec<Overlap> {
        overlap::overlaps(&self.rows, min_similarity)
    }

    /// Ageing: the share of staff in establishment aged `age` or more above `share`, with the
    /// median age (ages from the birth date in the ID number).
    pub async fn ageing(&self, age: i32, share_above: f64) -> Result<Vec<Finding>> {
        let ids: Vec<i32> = self.rows.iter().map(|r| r.id).collect();
        let years: Vec<(i32, i32, i64)> = staff::Entity::find()
            .select_only()
            .column(staff::Column::InstitutionId)
            .column(staff::Column::BirthYear)
            .column_as(staff::Column::Id.count(), "n")
            .filter(staff::Column::InstitutionId.is_in(ids))
            .filter(staff::Column::Basis.is_in([StaffBasis::Fiscal, StaffBasis::SelfFinanced]))
            .filter(staff::Column::Status.is_in([StaffStatus::Active, StaffStatus::SecondedOut]))
            .group_by(staff::Column::InstitutionId)
            .group_by(staff::Column::BirthYear)
            .into_tuple()
            .all(&self.db)
            .await?;
        let this_year = chrono::Utc::now().year();
        let mut ages: HashMap<i32, Vec<(i32, i64)>> = HashMap::new();
        for (institution, born, n) in years {
            ages.entry(institution).or_default().push((this_year - born, n));
        }
        Ok(self
            .rows
            .iter()
            .filter_map(|r| {
                let mut list = ages.get(&r.id)?.clone();
                let total: i64 = list.iter().map(|(_, n)| n).sum();
                let old: i64 = list.iter().filter(|(a, _)| *a >= age).map(|(_, n)| n).sum();
                let s = old as f64 / total.max(1) as f64;
                if total < 5 || s <= share_above {
                    return None;
                }
                list.sort_unstable();
                let mut seen = 0;
                let median = list.iter().find(|(_, n)| {
                    seen += n;
                    seen * 2 >= total
                });
                let median = median.map_or(0, |(a, _)| *a);
                let zh = format!("在编{total}人中{age}岁及以上{old}人，年龄中位数{median}岁");
                Some(finding(r, s, zh, format!("{old} of {total} aged {age}+, median age {median}")))
            })
            .collect())
    }

    /// Long-vacant slots, each by its own age (since its last holder left, or since it was
    /// approved if never filled): the institutions holding slots vacant for `months` or more,
    /// candidates for reclaiming or for the turnover pool.
    pub async fn long_vacant(&self, months: i32) -> Result<Vec<Finding>> {
        let ids: Vec<i32> = self.rows.iter().map(|r| r.id).collect();
        let vacancies = crate::establishment::vacancies_of(&self.db, &ids).await?;
        let today = chrono::Utc::now().date_naive();
        let months = months.max(0) as u32;
        Ok(self
            .rows
            .iter()
            .filter_map(|r| {
                let old: Vec<_> = vacancies.get(&r.id)?.iter().filter(|v| v.months_on(today) >= months).collect();
                let oldest = old.first()?.since;
                let n = old.len();
                let zh = format!("{n}个编制空置{months}个月以上，最早自{oldest}起");
                Some(finding(
                    r,
                    n as f64,
                    zh,
                    format!("{n} slot(s) vacant for {months}+ months, the oldest since {oldest}"),
                ))
            })
            .collect())
    }

    /// Staff seconded out to government bodies (借调).
    pub async fn seconded_out(&self) -> Vec<Finding> {
        self.rows
            .iter()
            .filter_map(|r| {
                let n = self.counts(r.id).seconded_out;
                (n > 0).then(|| finding(r, n.into(), format!("借调出{n}人"), format!("{n} seconded out")))
            })
            .collect()
    }

    /// Institutions not yet classified.
    pub async fn unclassified(&self) -> Vec<Finding> {
        self.rows
            .iter()
            .filter(|r| r.classification == Classification::Unclassified)
            .map(|r| finding(r, 0.0, "尚未分类".into(), "not yet classified".into()))
            .collect()
    }

    /// The same kind of institution (same name without its jurisdiction) classified
    /// differently in different jurisdictions (the unified standard). Needs the subtree.
    pub async fn inconsistent_classification(&self) -> Vec<Finding> {
        let mut kinds: HashMap<String, Vec<&institution::Model>> = HashMap::new();
        for r in &self.rows {
            kinds.entry(self.kind_of(r)).or_default().push(r);
        }
        let mut out = Vec::new();
        for (kind, rows) in kinds {
            let classes: HashSet<Classification> = rows.iter().map(|r| r.classification).collect();
            let places: HashSet<i32> = rows.iter().map(|r| r.jurisdiction_id).collect();
            if classes.len() > 1 && places.len() > 1 {
                let words: Vec<&str> = rows.iter().map(|r| r.classification.word()).collect();
                let labels: Vec<&str> = words.iter().map(|w| zh(w)).collect();
                for r in rows {
                    let (zh, en) = (
                        format!("同类单位“{kind}”分类不一：{}", labels.join("／")),
                        format!("{kind}: {}", words.join(" / ")),
                    );
                    out.push(finding(r, classes.len() as f64, zh, en));
                }
            }
        }
        out.sort_by(|a, b| a.detail_en.cmp(&b.detail_en));
        out
    }
}

/// The findings over `scope_rows`: the caller's institutions in the jurisdictions `ids`
/// ([`crate::scope::Scope::institutions_in`]).
pub async fn load(
    db: &DatabaseConnection,
    ids: &[i32],
    scope_rows: sea_orm::Select<institution::Entity>,
) -> ApiResult<Findings> {
    let rows = scope_rows.filter(institution::Column::Status.eq(InstitutionStatus::Active)).all(db).await?;
    let row_ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let counts = counts_by_institution(db, &row_ids).await?;
    let jurisdiction_names = jurisdiction::Entity::find()
        .filter(jurisdiction::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|j| (j.id, j.name))
        .collect();
    Ok(Findings { db: db.clone(), rows, counts, jurisdiction_names, lists: Mutex::default() })
}

/// Findings kept per office, subtree and version of the subtree's maintained totals
/// ([`crate::totals::versions`]): every change to an institution, balance, person or reserve
/// there (a service's or one made around the services) moves a version, and the findings are
/// computed again; so are they each new day (ages and months since count from today). Reads
/// that find a change not yet settled compute afresh and keep nothing. A few subtrees are
/// kept, the oldest dropped first.
#[derive(Default)]
pub struct FindingsCache {
    kept: Mutex<VecDeque<(FindingsKey, Arc<Findings>)>>,
}

#[derive(PartialEq, Eq)]
struct FindingsKey {
    office: i32,
    ids: Vec<i32>,
    versions: Vec<i64>,
    day: chrono::NaiveDate,
}

const KEPT_SUBTREES: usize = 8;

impl FindingsCache {
    pub async fn findings(
        &self,
        db: &DatabaseConnection,
        office: i32,
        ids: &[i32],
        scope_rows: sea_orm::Select<institution::Entity>,
        settler: Option<&Arc<crate::totals::Settler>>,
    ) -> ApiResult<Arc<Findings>> {
        let versions = crate::totals::versions(db, ids).await?;
        if versions.is_none()
            && let Some(settler) = settler
        {
            settler.kick();
        }
        let day = chrono::Utc::now().date_naive();
        let key = versions.map(|versions| FindingsKey { office, ids: ids.to_vec(), versions, day });
        if let Some(key) = &key
            && let Some(found) = self
                .kept
                .lock()
                .ok()
                .and_then(|kept| kept.iter().find(|(k, _)| k == key).map(|(_, findings)| findings.clone()))
        {
            return Ok(found);
        }
        let findings = Arc::new(load(db, ids, scope_rows).await?);
        if let (Some(key), Ok(mut kept)) = (key, self.kept.lock()) {
            kept.retain(|(k, _)| k.office != key.office || k.ids != key.ids);
            kept.push_back((key, findings.clone()));
            while kept.len() > KEPT_SUBTREES {
                kept.pop_front();
            }
        }
        Ok(findings)
    }
}

#[derive(Default)]
pub struct FindingsQuery;

#[Object]
impl FindingsQuery {
    /// The report's section 2 findings over a jurisdiction (and, with `includeDescendants`,
    /// the jurisdictions below it), for staffing offices.
    async fn findings(
        &self,
        ctx: &Context<'_>,
        jurisdiction: String,
        #[graphql(default = false)] include_descendants: bool,
    ) -> Result<FindingsView> {
        let scope = scope(ctx);
        let office = scope.office()?.id;
        let ids = scope.narrow(db(ctx), &jurisdiction, include_descendants).await?;
        let settler = ctx.data_opt::<Arc<crate::totals::Settler>>();
        let cache = ctx.data_unchecked::<FindingsCache>();
        Ok(FindingsView(cache.findings(db(ctx), office, &ids, scope.institutions_in(&ids)?, settler).await?))
    }
}

/// The findings as GraphQL fields, thresholds as arguments with the defaults above.
pub struct FindingsView(pub Arc<Findings>);

#[Object]
impl FindingsView {
    /// Micro-institutions: fewer than `maxStaff` people in establishment.
    async fn micro_institutions(&self, #[graphql(default = 5)] max_staff: i32) -> Result<FindingPage<Finding>> {
        self.0
            .kept(format!("micro:{max_staff}"), async { Ok(self.0.micro_institutions(max_staff).await) })
            .await
            .map(FindingPage)
    }
    /// Established before `establishedBefore` and never adjusted since (no establishment
    /// event after its approval, no reform received).
    async fn never_adjusted(&self, #[graphql(default = 1990)] established_before: i32) -> Result<FindingPage<Finding>> {
        self.0
            .kept(format!("never:{established_before}"), self.0.never_adjusted(established_before))
            .await
            .map(FindingPage)
    }
    /// Pairs of institutions of one jurisdiction whose duties coincide (each duty of the
    /// responsibilities compared with each of the other's: character-bigram Jaccard similarity
    /// at least `minSimilarity`, the words every duty uses removed), with the duties that do.
    async fn overlapping_responsibilities(
        &self,
        #[graphql(default = 0.5)] min_similarity: f64,
    ) -> Result<FindingPage<Overlap>> {
        self.0
            .kept(format!("overlap:{min_similarity}"), async {
                Ok(self.0.overlapping_responsibilities(min_similarity))
            })
            .await
            .map(FindingPage)
    }
    /// Logistics staff above the share their unit's kind allows (post-setting rules, 参公 and
    /// service-support units excluded): `above` in professional-service units, half in units
    /// managing social affairs.
    async fn logistics_heavy(&self, #[graphql(default = 0.3)] above: f64) -> Result<FindingPage<Finding>> {
        self.0
            .kept(format!("logistics:{above}"), async { Ok(self.0.logistics_heavy(above).await) })
            .await
            .map(FindingPage)
    }
    /// Professional-service units (参公 excluded) whose professional-technical staff are below
    /// `below` of those in establishment (the post-setting rules: at least 70 %).
    async fn few_professionals(&self, #[graphql(default = 0.7)] below: f64) -> Result<FindingPage<Finding>> {
        self.0
            .kept(format!("professionals:{below}"), async { Ok(self.0.few_professionals(below).await) })
            .await
            .map(FindingPage)
    }
    /// Staff aged `age` or more above `shareAbove`, with the median age.
    async fn ageing(
        &self,
        #[graphql(default = 50)] age: i32,
        #[graphql(default = 0.4)] share_above: f64,
    ) -> Result<FindingPage<Finding>> {
        self.0.kept(format!("ageing:{age}:{share_above}"), self.0.ageing(age, share_above)).await.map(FindingPage)
    }
    /// Vacancies standing for more than `months`.
    async fn long_vacant(&self, #[graphql(default = 24)] months: i32) -> Result<FindingPage<Finding>> {
        self.0.kept(format!("vacant:{months}"), self.0.long_vacant(months)).await.map(FindingPage)
    }
    /// Below their staffing norm (the report's problem 3): schools, kindergartens and township
    /// health centres whose approved establishment is short of what their norm gives.
    async fn below_norm(&self) -> Result<FindingPage<Finding>> {
        self.0.kept("below-norm".into(), self.0.below_norm()).await.map(FindingPage)
    }
    /// People in post past the statutory retirement age (inherited from the old system, or an
    /// extension 弹性延迟): each institution with how many.
    async fn past_retirement_age(&self, ctx: &Context<'_>) -> Result<FindingPage<Finding>> {
        let pii = crate::graphql::context::pii(ctx);
        self.0.kept("past-age".into(), self.0.past_retirement_age(pii)).await.map(FindingPage)
    }
    /// Terms overrun: people still off post (在编不在岗) or seconded out after their approved
    /// term's last day.
    async fn off_post_overrun(&self) -> Result<FindingPage<Finding>> {
        self.0.kept("overrun".into(), self.0.off_post_overrun()).await.map(FindingPage)
    }
    /// Staff seconded out to government bodies.
    async fn seconded_out(&self) -> Result<FindingPage<Finding>> {
        self.0.kept("seconded".into(), async { Ok(self.0.seconded_out().await) }).await.map(FindingPage)
    }
    /// People seconded out for `months` or more (长期借调), with where to and since when.
    async fn long_secondment(&self, #[graphql(default = 12)] months: i32) -> Result<FindingPage<Finding>> {
        self.0.kept(format!("secondment:{months}"), self.0.long_secondment(months)).await.map(FindingPage)
    }
    /// Seconded out without papers (借调无文件): people whose secondment carries no document
    /// number, inherited from the old system or recorded without one.
    async fn seconded_without_papers(&self) -> Result<FindingPage<Finding>> {
        self.0.kept("unpapered".into(), self.0.seconded_without_papers()).await.map(FindingPage)
    }
    /// Slots without a document (无文号编制): establishment imported although the old system kept
    /// no number of the decision approving it, with how many slots.
    async fn slots_without_document(&self) -> Result<FindingPage<Finding>> {
        self.0.kept("undocumented".into(), self.0.slots_without_document()).await.map(FindingPage)
    }
    /// Self-financed in name only (the report's problem 5): self-financed institutions whose
    /// people or slots are in fact paid from the budget, or whose classification leaves them no
    /// income of their own.
    async fn nominally_self_financed(&self) -> Result<FindingPage<Finding>> {
        self.0.kept("nominal".into(), self.0.nominally_self_financed()).await.map(FindingPage)
    }
    /// Technical and service institutions managed with reference to the Civil Servant Law (the
    /// report's problem 6): their professionals turned into administrative staff.
    async fn technical_units_under_civil_servant_law(
        &self,
        #[graphql(default = 0.5)] management_share_above: f64,
    ) -> Result<FindingPage<Finding>> {
        self.0
            .kept(format!("technical:{management_share_above}"), async {
                Ok(self.0.technical_units_under_civil_servant_law(management_share_above))
            })
            .await
            .map(FindingPage)
    }
    /// Institutions not yet classified.
    async fn unclassified(&self) -> Result<FindingPage<Finding>> {
        self.0.kept("unclassified".into(), async { Ok(self.0.unclassified().await) }).await.map(FindingPage)
    }
    /// The same kind of institution classified differently in different jurisdictions.
    async fn inconsistent_classification(&self) -> Result<FindingPage<Finding>> {
        self.0
            .kept("inconsistent".into(), async { Ok(self.0.inconsistent_classification().await) })
            .await
            .map(FindingPage)
    }
}

/// A findings list: how many in all, and a window of them. The whole list is computed (and
/// kept) once; a screen shows its count and first few.
pub struct FindingPage<T>(Arc<Vec<T>>);

/// Most items one window of a findings list carries (the export has them all).
const MAX_WINDOW: i32 = 200;

#[Object(concrete(name = "FindingPage", params(Finding)), concrete(name = "OverlapPage", params(Overlap)))]
impl<T: OutputType + Send + Sync> FindingPage<T> {
    /// How many there are in all.
    async fn total_count(&self) -> i32 {
        i32::try_from(self.0.len()).unwrap_or(i32::MAX)
    }
    /// `first` of them (at most 200) after skipping `offset`, in the list's order.
    async fn items(&self, #[graphql(default = 20)] first: i32, #[graphql(default = 0)] offset: i32) -> Result<&[T]> {
        if !(0..=MAX_WINDOW).contains(&first) || offset < 0 {
            return Err(ApiError::bad_input(format!("`first` may be 0 to {MAX_WINDOW} and `offset` not negative")));
        }
        let start = (offset as usize).min(self.0.len());
        let end = start.saturating_add(first as usize).min(self.0.len());
        Ok(&self.0[start..end])
    }
}
