//! The caller's reach over tenant data. A [`Scope`] is made once per request from the verified
//! principal, and every query on tenant tables starts from one of its builders, so no resolver
//! can forget the tenant rule.

mod across;
pub mod dry;
mod narrow;
mod own;
mod tree;

use std::sync::Arc;

use entity::{
    annual_report, audit_log, committee_member, department, establishment_event, evaluation_round, hospital_filing,
    institution, jurisdiction, pool_loan, reduction_plan, staff, submission, vacancy_use_plan,
};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Select,
};

use crate::auth::{Principal, Role};
use crate::error::{ApiError, ApiResult};
use narrow::within;
pub use tree::JurisdictionTree;
use tree::Subtree;

#[derive(Debug, Clone)]
pub enum Reach {
    /// A staffing office: reads its jurisdiction and every one below, writes its own.
    Office { own: jurisdiction::Model, readable: Arc<[i32]> },
    /// A supervising department: reads the institutions it supervises and their staff.
    Department { jurisdiction: jurisdiction::Model, department_id: i32 },
    /// An institution's own account: reads its own record, people and plans; writes only its
    /// submissions.
    Institution { jurisdiction: jurisdiction::Model, institution_id: i32, department_id: i32 },
    /// An evaluation committee member: public data, plus the rounds they sit on (by their
    /// token's subject, in their token's jurisdiction).
    Evaluator { jurisdiction_code: String, subject: String },
    /// The public: public data only.
    Public,
}

#[derive(Debug, Clone)]
pub struct Scope {
    pub principal: Principal,
    pub reach: Reach,
    /// The jurisdictions read while resolving (an office's subtree, a department's own), so a
    /// request need not load them again. Shared, never copied, between a request's parts.
    pub jurisdictions: Arc<[jurisdiction::Model]>,
    /// The supervising departments of an office's subtree as the process last read them, by
    /// id (empty for everyone else): see [`JurisdictionTree`].
    pub departments: Arc<[department::Model]>,
    /// What this request's changes touched, and a dry run's answer.
    pub dry: std::sync::Arc<dry::DryRun>,
}

impl Scope {
    pub fn public() -> Self {
        Self {
            principal: Principal::public(),
            reach: Reach::Public,
            jurisdictions: Arc::new([]),
            departments: Arc::new([]),
            dry: Default::default(),
        }
    }

    /// Resolves the principal's jurisdiction (and subtree) in one query.
    pub async fn resolve(db: &DatabaseConnection, principal: Principal) -> ApiResult<Self> {
        Self::resolve_in(db, None, principal).await
    }

    /// Like [`Scope::resolve`], reading an office's subtree from the process's kept tree.
    pub async fn resolve_cached(
        db: &DatabaseConnection,
        tree: &JurisdictionTree,
        principal: Principal,
    ) -> ApiResult<Self> {
        Self::resolve_in(db, Some(tree), principal).await
    }

    async fn resolve_in(
        db: &DatabaseConnection,
        tree: Option<&JurisdictionTree>,
        principal: Principal,
    ) -> ApiResult<Self> {
        let mut jurisdictions: Arc<[jurisdiction::Model]> = Arc::new([]);
        let mut departments: Arc<[department::Model]> = Arc::new([]);
        let reach = match principal.role {
            Role::Public => Reach::Public,
            Role::Evaluator => Reach::Evaluator {
                jurisdiction_code: principal.jurisdiction.clone().unwrap_or_default(),
                subject: principal.subject.clone(),
            },
            Role::StaffingOffice => {
                let code = principal.jurisdiction.as_deref().unwrap_or_default();
                let subtree = match tree {
                    Some(tree) => tree.subtree(db, code).await?,
                    None => {
                        let marker = tree::marker(code);
                        Subtree::of(
                            jurisdiction::Entity::find()
                                .filter(jurisdiction::Column::Path.contains(marker))
                                .all(db)
                                .await?,
                        )
                    }
                };
                let Subtree { rows, ids: readable, departments: kept } = subtree;
                let own = rows
                    .iter()
                    .find(|j| j.code == code)
                    .cloned()
                    .ok_or_else(|| ApiError::forbidden(format!("jurisdiction {code} does not exist")))?;
                jurisdictions = rows;
                departments = kept;
                Reach::Office { own, readable }
            }
            Role::Department => {
                let code = principal.jurisdiction.as_deref().unwrap_or_default();
                let department_id = principal.department.unwrap_or_default();
                let department = department::Entity::find_by_id(department_id).one(db).await?;
                let jurisdiction = match department {
                    Some(department) => jurisdiction::Entity::find_by_id(department.jurisdiction_id).one(db).await?,
                    None => None,
                };
                match jurisdiction {
                    Some(jurisdiction) if jurisdiction.code == code => {
                        jurisdictions = Arc::new([jurisdiction.clone()]);
                        Reach::Department { jurisdiction, department_id }
                    }
                    _ => {
                        return Err(ApiError::forbidden(format!(
                            "department {department_id} does not belong to jurisdiction {code}"
                        )));
                    }
                }
            }
            Role::Institution => {
                let code = principal.jurisdiction.as_deref().unwrap_or_default();
                let institution_id = principal.institution.unwrap_or_default();
                let row = institution::Entity::find_by_id(institution_id).one(db).await?;
                let jurisdiction = match &row {
                    Some(row) => jurisdiction::Entity::find_by_id(row.jurisdiction_id).one(db).await?,
                    None => None,
                };
                match (row, jurisdiction) {
                    (Some(row), Some(jurisdiction)) if jurisdiction.code == code => {
                        jurisdictions = Arc::new([jurisdiction.clone()]);
                        Reach::Institution { jurisdiction, institution_id, department_id: row.department_id }
                    }
                    _ => {
                        return Err(ApiError::forbidden(format!(
                            "institution {institution_id} does not belong to jurisdiction {code}"
                        )));
                    }
                }
            }
        };
        Ok(Self { principal, reach, jurisdictions, departments, dry: Default::default() })
    }

    pub fn role(&self) -> Role {
        self.principal.role
    }

    pub fn is_public(&self) -> bool {
        matches!(self.reach, Reach::Public | Reach::Evaluator { .. })
    }

    /// Whether the caller may read a jurisdiction (no statement: the reach holds it).
    pub fn reads_jurisdiction(&self, id: i32) -> bool {
        match &self.reach {
            Reach::Office { readable, .. } => readable.contains(&id),
            Reach::Department { jurisdiction, .. } | Reach::Institution { jurisdiction, .. } => jurisdiction.id == id,
            Reach::Public | Reach::Evaluator { .. } => true,
        }
    }

    /// Jurisdictions the caller may read.
    pub fn jurisdictions(&self) -> Select<jurisdiction::Entity> {
        let query = jurisdiction::Entity::find();
        match &self.reach {
            Reach::Office { readable, .. } => query.filter(jurisdiction::Column::Id.is_in(readable.iter().copied())),
            Reach::Department { jurisdiction, .. } | Reach::Institution { jurisdiction, .. } => {
                query.filter(jurisdiction::Column::Id.eq(jurisdiction.id))
            }
            Reach::Public | Reach::Evaluator { .. } => query,
        }
    }

    /// Supervising departments the caller may read.
    pub fn departments(&self) -> Select<department::Entity> {
        let query = department::Entity::find();
        match &self.reach {
            Reach::Office { readable, .. } => {
                query.filter(department::Column::JurisdictionId.is_in(readable.iter().copied()))
            }
            Reach::Department { department_id, .. } | Reach::Institution { department_id, .. } => {
                query.filter(department::Column::Id.eq(*department_id))
            }
            Reach::Public | Reach::Evaluator { .. } => query,
        }
    }

    /// Institutions the caller may read (the public sees only public fields of them).
    pub fn institutions(&self) -> Select<institution::Entity> {
        let query = institution::Entity::find();
        match &self.reach {
            Reach::Office { readable, .. } => {
                query.filter(institution::Column::JurisdictionId.is_in(readable.iter().copied()))
            }
            Reach::Department { department_id, .. } => {
                query.filter(institution::Column::DepartmentId.eq(*department_id))
            }
            Reach::Institution { institution_id, .. } => query.filter(institution::Column::Id.eq(*institution_id)),
            Reach::Public | Reach::Evaluator { .. } => query,
        }
    }

    /// Rows of `E` the caller may read in `jurisdictions` (ids [`Self::narrow`] gave; `column`:
    /// the row's jurisdiction; `reach`: the caller's rows of `E` anywhere). An office's rows
    /// are filtered by one list, the jurisdictions asked for within its reach, not by its reach
    /// and again by those: PostgreSQL's index scans walk two lists on one column as their
    /// product (121 x 10 descents for a city of a province's office).
    fn rows_in<E: EntityTrait>(
        &self,
        column: E::Column,
        jurisdictions: &[i32],
        reach: impl FnOnce() -> ApiResult<Select<E>>,
    ) -> ApiResult<Select<E>> {
        match &self.reach {
            Reach::Office { readable, .. } => Ok(E::find().filter(column.is_in(within(readable, jurisdictions)))),
            _ => Ok(reach()?.filter(column.is_in(jurisdictions.to_vec()))),
        }
    }

    /// Institutions the caller may read in `jurisdictions`, by one list ([`Self::rows_in`]).
    pub fn institutions_in(&self, jurisdictions: &[i32]) -> ApiResult<Select<institution::Entity>> {
        self.rows_in(institution::Column::JurisdictionId, jurisdictions, || Ok(self.institutions()))
    }

    /// Staff the caller may read in `jurisdictions`, by one list ([`Self::rows_in`]).
    pub fn staff_in(&self, jurisdictions: &[i32]) -> ApiResult<Select<staff::Entity>> {
        self.rows_in(staff::Column::JurisdictionId, jurisdictions, || self.staff())
    }

    /// Ledger rows the caller may read in `jurisdictions`, by one list ([`Self::rows_in`]).
    pub fn ledger_in(&self, jurisdictions: &[i32]) -> ApiResult<Select<establishment_event::Entity>> {
        self.rows_in(establishment_event::Column::JurisdictionId, jurisdictions, || self.ledger())
    }

    /// Audit rows the caller may read in `jurisdictions`, by one list ([`Self::rows_in`]).
    pub fn audit_log_in(&self, jurisdictions: &[i32]) -> ApiResult<Select<audit_log::Entity>> {
        self.rows_in(audit_log::Column::JurisdictionId, jurisdictions, || self.audit_log())
    }

    /// Staff the caller may read; the public may read none.
    pub fn staff(&self) -> ApiResult<Select<staff::Entity>> {
        let query = staff::Entity::find();
        match &self.reach {
            Reach::Office { readable, .. } => {
                Ok(query.filter(staff::Column::JurisdictionId.is_in(readable.iter().copied())))
            }
            Reach::Department { department_id, .. } => {
                Ok(query.filter(staff::Column::InstitutionId.in_subquery(institutions_of(*department_id))))
            }
            Reach::Institution { institution_id, .. } => {
                Ok(query.filter(staff::Column::InstitutionId.eq(*institution_id)))
            }
            Reach::Public | Reach::Evaluator { .. } => Err(ApiError::forbidden("staff records are not public")),
        }
    }

    /// Establishment ledger rows the caller may read: an office's jurisdictions, a
    /// department's institutions.
    pub fn ledger(&self) -> ApiResult<Select<establishment_event::Entity>> {
        let query = establishment_event::Entity::find();
        match &self.reach {
            Reach::Office { readable, .. } => {
                Ok(query.filter(establishment_event::Column::JurisdictionId.is_in(readable.iter().copied())))
            }
            Reach::Department { department_id, .. } => {
                Ok(query
                    .filter(establishment_event::Column::InstitutionId.in_subquery(institutions_of(*department_id))))
            }
            Reach::Institution { institution_id, .. } => {
                Ok(query.filter(establishment_event::Column::InstitutionId.eq(*institution_id)))
            }
            Reach::Public | Reach::Evaluator { .. } => {
                Err(ApiError::forbidden("the establishment ledger is not public"))
            }
        }
    }

    /// An institution the caller's office may change, locked for the rest of the transaction.
    /// One outside the caller's reach is answered exactly like one that does not exist; one
    /// it reads but does not own (a county's, for the city) is `FORBIDDEN`.
    pub async fn institution_for_write<C: ConnectionTrait>(&self, txn: &C, id: i32) -> ApiResult<institution::Model> {
        let row = self.locked_institution(txn, id).await?;
        self.require_writer(row.jurisdiction_id)?;
        self.dry.touch(row.id);
        Ok(row)
    }

    /// An institution the caller reads, locked for the rest of the transaction; out of reach
    /// reads as missing.
    async fn locked_institution<C: ConnectionTrait>(&self, txn: &C, id: i32) -> ApiResult<institution::Model> {
        self.institutions()
            .filter(institution::Column::Id.eq(id))
            .lock_exclusive()
            .one(txn)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("institution {id} not found")))
    }

    /// A person the caller's office may change, locked; out of reach reads as missing.
    pub async fn person_for_write<C: ConnectionTrait>(&self, txn: &C, id: i32) -> ApiResult<staff::Model> {
        let person = self
            .staff()?
            .filter(staff::Column::Id.eq(id))
            .lock_exclusive()
            .one(txn)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("person {id} not found")))?;
        self.require_writer(person.jurisdiction_id)?;
        Ok(person)
    }

    /// Ids of the institutions the caller reads, as a subquery for tables keyed by institution.
    fn institution_ids(&self) -> sea_orm::sea_query::SelectStatement {
        self.institutions().select_only().column(institution::Column::Id).into_query()
    }

    /// Turnover-pool loans the caller may read: an office's jurisdictions', a department's
    /// institutions'; not public.
    pub fn pool_loans(&self) -> ApiResult<Select<pool_loan::Entity>> {
        self.require_internal()?;
        Ok(pool_loan::Entity::find().filter(pool_loan::Column::InstitutionId.in_subquery(self.institution_ids())))
    }

    /// Vacancy-use plans (用编计划) on institutions the caller reads: an office's
    /// jurisdictions', a department's own institutions'; not public.
    pub fn vacancy_use_plans(&self) -> ApiResult<Select<vacancy_use_plan::Entity>> {
        self.require_internal()?;
        Ok(vacancy_use_plan::Entity::find()
            .filter(vacancy_use_plan::Column::InstitutionId.in_subquery(self.institution_ids())))
    }

    /// An institution whose vacancies the caller may ask to use, locked: its supervising
    /// department's, or its own office's. Out of reach reads as missing.
    pub async fn institution_for_request<C: ConnectionTrait>(&self, txn: &C, id: i32) -> ApiResult<institution::Model> {
        let row = self.locked_institution(txn, id).await?;
        match &self.reach {
            Reach::Department { department_id, .. } if *department_id == row.department_id => Ok(row),
            Reach::Office { own, .. } if own.id == row.jurisdiction_id => Ok(row),
            _ => Err(ApiError::forbidden(
                "only the supervising department, or the jurisdiction's staffing office, asks to use its vacancies",
            )),
        }
    }

    /// Submissions the caller may read: an institution's own, drafts included; once sent,
    /// those of a department's institutions and of an office's jurisdictions.
    pub fn submissions(&self) -> ApiResult<Select<submission::Entity>> {
        let query = submission::Entity::find();
        let sent = submission::Column::SubmittedAt.is_not_null();
        match &self.reach {
            Reach::Institution { institution_id, .. } => {
                Ok(query.filter(submission::Column::InstitutionId.eq(*institution_id)))
            }
            Reach::Department { department_id, .. } => Ok(query
                .filter(submission::Column::InstitutionId.in_subquery(institutions_of(*department_id)))
                .filter(sent)),
            Reach::Office { readable, .. } => {
                Ok(query.filter(submission::Column::JurisdictionId.is_in(readable.iter().copied())).filter(sent))
            }
            Reach::Public | Reach::Evaluator { .. } => {
                Err(ApiError::forbidden("submissions are for institutions, their departments and staffing offices"))
            }
        }
    }

    /// Reduction plans on institutions the caller reads; not public.
    pub fn reduction_plans(&self) -> ApiResult<Select<reduction_plan::Entity>> {
        self.require_internal()?;
        Ok(reduction_plan::Entity::find()
            .filter(reduction_plan::Column::InstitutionId.in_subquery(self.institution_ids())))
    }

    /// Hospital filings of institutions the caller reads; not public.
    pub fn hospital_filings(&self) -> ApiResult<Select<hospital_filing::Entity>> {
        self.require_internal()?;
        Ok(hospital_filing::Entity::find()
            .filter(hospital_filing::Column::InstitutionId.in_subquery(self.institution_ids())))
    }

    /// Annual reports of institutions the caller reads; not public.
    pub fn annual_reports(&self) -> ApiResult<Select<annual_report::Entity>> {
        self.require_internal()?;
        Ok(annual_report::Entity::find()
            .filter(annual_report::Column::InstitutionId.in_subquery(self.institution_ids())))
    }

    /// Evaluation rounds the caller may read: an office's and those below it; an evaluator's
    /// own seats in their jurisdiction; none for the public.
    pub fn rounds(&self) -> ApiResult<Select<evaluation_round::Entity>> {
        let query = evaluation_round::Entity::find();
        match &self.reach {
            Reach::Office { readable, .. } => {
                Ok(query.filter(evaluation_round::Column::JurisdictionId.is_in(readable.iter().copied())))
            }
            Reach::Evaluator { jurisdiction_code, subject } => Ok(query
                .filter(
                    evaluation_round::Column::JurisdictionId.in_subquery(
                        Query::select()
                            .column(jurisdiction::Column::Id)
                            .from(jurisdiction::Entity)
                            .and_where(jurisdiction::Column::Code.eq(jurisdiction_code.as_str()))
                            .to_owned(),
                    ),
                )
                .filter(
                    evaluation_round::Column::Id.in_subquery(
                        Query::select()
                            .column(committee_member::Column::RoundId)
                            .from(committee_member::Entity)
                            .and_where(committee_member::Column::Subject.eq(subject.as_str()))
                            .to_owned(),
                    ),
                )),
            _ => Err(ApiError::forbidden("evaluation rounds are for staffing offices and their committees")),
        }
    }

    /// The calling evaluator's seat on a round they may read.
    pub async fn seat<C: ConnectionTrait>(&self, db: &C, round_id: i32) -> ApiResult<Option<committee_member::Model>> {
        let Reach::Evaluator { subject, .. } = &self.reach else { return Ok(None) };
        Ok(committee_member::Entity::find()
            .filter(committee_member::Column::RoundId.eq(round_id))
            .filter(committee_member::Column::Subject.eq(subject.as_str()))
            .one(db)
            .await?)
    }

    /// Turnover-pool loans a staffing office may change: its own jurisdiction's.
    pub fn pool_loans_for_write(&self) -> ApiResult<Select<pool_loan::Entity>> {
        let own = self.office()?;
        Ok(pool_loan::Entity::find().filter(pool_loan::Column::JurisdictionId.eq(own.id)))
    }

    /// The sign-in accounts a staffing office manages: those of its own jurisdiction and of the
    /// ones below it.
    pub fn accounts(&self) -> ApiResult<Select<entity::account::Entity>> {
        match &self.reach {
            Reach::Office { .. } => Ok(entity::account::Entity::find().filter(
                entity::account::Column::Jurisdiction.is_in(self.jurisdictions.iter().map(|j| j.code.clone())),
            )),
            _ => Err(ApiError::forbidden("only a staffing office manages accounts")),
        }
    }

    /// The audit log of the jurisdictions a staffing office reads.
    pub fn audit_log(&self) -> ApiResult<Select<audit_log::Entity>> {
        match &self.reach {
            Reach::Office { readable, .. } => {
                Ok(audit_log::Entity::find().filter(audit_log::Column::JurisdictionId.is_in(readable.iter().copied())))
            }
            _ => Err(ApiError::forbidden("the audit log is for staffing offices")),
        }
    }

    /// Fails unless the caller may see non-public institution data (establishment, staff
    /// counts, history).
    pub fn require_internal(&self) -> ApiResult<()> {
        if self.is_public() { Err(ApiError::forbidden("this field is not public")) } else { Ok(()) }
    }

    /// The caller's own jurisdiction, when it is a staffing office; the only one it writes.
    pub fn office(&self) -> ApiResult<&jurisdiction::Model> {
        match &self.reach {
            Reach::Office { own, .. } => Ok(own),
            _ => Err(ApiError::forbidden("only a staffing office may change establishment records")),
        }
    }

    /// Fails unless the caller is the staffing office of `jurisdiction_id`.
    pub fn require_writer(&self, jurisdiction_id: i32) -> ApiResult<()> {
        let own = self.office()?;
        if own.id == jurisdiction_id {
            Ok(())
        } else {
            Err(ApiError::forbidden("a staffing office writes only its own jurisdiction's records"))
        }
    }

    /// Whether personal data of a jurisdiction's staff may be shown unmasked: only to that
    /// jurisdiction's own staffing office.
    pub fn sees_personal_data(&self, jurisdiction_id: i32) -> bool {
        matches!(&self.reach, Reach::Office { own, .. } if own.id == jurisdiction_id)
    }
}

/// The ids of a supervising department's institutions, as a subquery.
fn institutions_of(department_id: i32) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(institution::Column::Id)
        .from(institution::Entity)
        .and_where(institution::Column::DepartmentId.eq(department_id))
        .to_owned()
}

#[cfg(test)]
mod tests {
    use entity::enums::JurisdictionKind;
    use sea_orm::{DbBackend, QueryTrait};

    use super::*;
    use crate::auth::Role;

    fn office(readable: Vec<i32>) -> Scope {
        let own = jurisdiction::Model {
            id: readable[0],
            code: "990000".into(),
            name: "省".into(),
            kind: JurisdictionKind::Province,
            parent_id: None,
            path: "/990000/".into(),
            created_at: chrono::Utc::now(),
            institution_id_digits: 4,
        };
        let principal = Principal {
            subject: "t".into(),
            role: Role::StaffingOffice,
            jurisdiction: Some("990000".into()),
            department: None,
            institution: None,
        };
        let readable = readable.into();
        Scope {
            principal,
            reach: Reach::Office { own, readable },
            jurisdictions: Arc::new([]),
            departments: Arc::new([]),
            dry: Default::default(),
        }
    }

    /// An office's rows in some jurisdictions are filtered by one list: those asked for within
    /// its reach (two lists on one column would be walked as their product).
    #[test]
    fn an_office_narrowed_filters_by_one_list_of_its_own_jurisdictions() {
        let scope = office((1..=121).collect());
        for sql in [
            scope.institutions_in(&[2, 3, 500]).unwrap().build(DbBackend::Postgres).to_string(),
            scope.staff_in(&[2, 3, 500]).unwrap().build(DbBackend::Postgres).to_string(),
        ] {
            assert_eq!(sql.matches("\"jurisdiction_id\" IN").count(), 1, "{sql}");
            assert!(sql.contains("IN (2, 3)"), "only the asked jurisdictions within reach: {sql}");
        }
    }

    /// A few asked are scanned against the reach, many against a set of it: either way the
    /// asked ones inside the reach, in the order asked.
    #[test]
    fn within_keeps_the_asked_jurisdictions_inside_the_reach_in_order() {
        let reach: Vec<i32> = (1..=121).collect();
        assert_eq!(within(&reach, &[7, 500, 3]), vec![7, 3]);
        let asked: Vec<i32> = (0..=200).rev().collect();
        assert_eq!(within(&reach, &asked), (1..=121).rev().collect::<Vec<_>>());
    }
}
