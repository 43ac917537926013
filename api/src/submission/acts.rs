//! The acts an institution may submit, each the office's own act with its own input: a person's
//! arrival (`hireStaff`), a departure (`staffLeaves`, or `retireStaff` for a retirement), a
//! change of a person's facts (`recordStaffFacts`), a change of the institution's particulars
//! (`recordInstitutionParticulars`), its annual report (`recordAnnualReport`). A submission keeps the input as the office's mutation
//! takes it, sealed (it may carry a national ID); checking it runs the act as a dry run, and
//! approving it runs the act itself, so an approved submission is recorded exactly as if the
//! office had keyed it.

use async_graphql::{InputType, InputValueError};
use entity::enums::{DepartureReason, StaffStatus, SubmissionKind};
use entity::staff;
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QuerySelect};

use crate::audit::Actor;
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::parse_id;
use crate::institution::annual_report::{self, AnnualReportInput};
use crate::institution::particulars::{self, InstitutionParticularsInput};
use crate::pii::PiiCipher;
use crate::scope::Scope;
use crate::staff::{HireInput, StaffDateInput, StaffFactsInput};
use crate::throttle::Throttle;

/// One submitted act, with the office's input for it.
pub enum Act {
    Arrival(HireInput),
    Departure(StaffDateInput),
    PersonFacts(StaffFactsInput),
    InstitutionFacts(InstitutionParticularsInput),
    AnnualReport(AnnualReportInput),
}

/// What running an act needs besides its input.
pub struct Desk<'a> {
    pub pii: &'a PiiCipher,
    pub throttle: &'a Throttle,
    pub scope: &'a Scope,
    pub actor: &'a Actor,
}

impl Act {
    pub fn kind(&self) -> SubmissionKind {
        match self {
            Self::Arrival(_) => SubmissionKind::Arrival,
            Self::Departure(_) => SubmissionKind::Departure,
            Self::PersonFacts(_) => SubmissionKind::PersonFacts,
            Self::InstitutionFacts(_) => SubmissionKind::InstitutionFacts,
            Self::AnnualReport(_) => SubmissionKind::AnnualReport,
        }
    }

    /// The input as the office's mutation takes it.
    fn value(&self) -> async_graphql::Value {
        match self {
            Self::Arrival(input) => input.to_value(),
            Self::Departure(input) => input.to_value(),
            Self::PersonFacts(input) => input.to_value(),
            Self::InstitutionFacts(input) => input.to_value(),
            Self::AnnualReport(input) => input.to_value(),
        }
    }

    /// The input as JSON, sealed with the personal-data key.
    pub fn seal(&self, pii: &PiiCipher) -> String {
        pii.encrypt(&self.value().into_json().map(|v| v.to_string()).unwrap_or_default())
    }

    /// The input of a kept submission.
    pub fn open(kind: SubmissionKind, sealed: &str, pii: &PiiCipher) -> ApiResult<Self> {
        let json = pii.decrypt(sealed).map_err(ApiError::internal)?;
        let value: serde_json::Value =
            serde_json::from_str(&json).map_err(|e| ApiError::internal(anyhow::Error::from(e)))?;
        let value = async_graphql::Value::from_json(value).map_err(|e| ApiError::internal(anyhow::Error::from(e)))?;
        fn parsed<T: InputType>(value: async_graphql::Value) -> ApiResult<T> {
            T::parse(Some(value)).map_err(|e: InputValueError<T>| {
                ApiError::internal(anyhow::anyhow!(e.into_server_error(Default::default()).message))
            })
        }
        Ok(match kind {
            SubmissionKind::Arrival => Self::Arrival(parsed(value)?),
            SubmissionKind::Departure => Self::Departure(parsed(value)?),
            SubmissionKind::PersonFacts => Self::PersonFacts(parsed(value)?),
            SubmissionKind::InstitutionFacts => Self::InstitutionFacts(parsed(value)?),
            SubmissionKind::AnnualReport => Self::AnnualReport(parsed(value)?),
        })
    }

    /// The input as the reader may see it: a national ID masked unless `full`.
    pub fn shown(&self, full: bool) -> serde_json::Value {
        let mut json = self.value().into_json().unwrap_or_default();
        if let serde_json::Value::Object(fields) = &mut json {
            fields.remove("dryRun");
            if !full && let Some(serde_json::Value::String(id)) = fields.get_mut("nationalId") {
                *id = crate::codes::mask_national_id(id);
            }
        }
        json
    }

    /// Checks the act stays inside institution `own` (the submitter's): an arrival there, a
    /// departure or a change of facts of one of its people (read through `scope`, the
    /// submitter's or the office's), its own particulars. Answers the person it is about.
    pub async fn within<C: ConnectionTrait>(&self, db: &C, scope: &Scope, own: i32) -> ApiResult<Option<i32>> {
        let elsewhere = || ApiError::forbidden("an institution submits changes of its own people and record only");
        let person = match self {
            Self::Arrival(input) => {
                if parse_id(&input.institution_id)? != own {
                    return Err(elsewhere());
                }
                if input.own_plan.is_some() {
                    return Err(ApiError::bad_input(
                        "an arrival is submitted on an approved vacancy-use plan (`planId`); `ownPlan` is the office's",
                    ));
                }
                return Ok(None);
            }
            Self::InstitutionFacts(input) => {
                return if parse_id(&input.institution_id)? == own { Ok(None) } else { Err(elsewhere()) };
            }
            Self::AnnualReport(input) => {
                return if parse_id(&input.institution_id)? == own { Ok(None) } else { Err(elsewhere()) };
            }
            Self::Departure(input) => parse_id(&input.staff_id)?,
            Self::PersonFacts(input) => parse_id(&input.staff_id)?,
        };
        let found = scope
            .staff()?
            .select_only()
            .column(staff::Column::InstitutionId)
            .filter(staff::Column::Id.eq(person))
            .into_tuple::<i32>()
            .one(db)
            .await?;
        match found {
            Some(institution) if institution == own => Ok(Some(person)),
            Some(_) => Err(elsewhere()),
            None => Err(ApiError::not_found(format!("person {person} not found"))),
        }
    }

    /// Runs the act as the office's own (`desk.scope` an office's), in `db` (a transaction of
    /// the caller's, or the connection); `dry_run`: rolled back, an answer only; `submission`:
    /// the submission approved into it. Answers what it made or changed (the person, the
    /// institution, the report).
    pub async fn run<C: crate::db::Writes>(
        self,
        db: &C,
        desk: &Desk<'_>,
        dry_run: bool,
        submission: Option<i32>,
    ) -> ApiResult<i32> {
        let Desk { pii, throttle, scope, actor } = *desk;
        match self {
            Self::Arrival(mut input) => {
                input.dry_run = dry_run;
                Ok(crate::staff::hire(db, pii, scope, actor, throttle, input).await?.id)
            }
            Self::Departure(mut input) => {
                input.dry_run = dry_run;
                let status = if input.reason == Some(DepartureReason::Retirement) {
                    input.reason = None;
                    StaffStatus::Retired
                } else {
                    StaffStatus::Left
                };
                Ok(crate::staff::end(db, pii, scope, actor, input, status).await?.id)
            }
            Self::PersonFacts(mut input) => {
                input.dry_run = dry_run;
                Ok(crate::staff::record_facts(db, pii, scope, actor, input).await?.id)
            }
            Self::InstitutionFacts(mut input) => {
                input.dry_run = dry_run;
                Ok(particulars::record(db, scope, actor, input).await?.id)
            }
            Self::AnnualReport(mut input) => {
                input.dry_run = dry_run;
                Ok(annual_report::record(db, scope, actor, input, submission).await?.id)
            }
        }
    }
}
