//! The GraphQL schema: feature rooms' queries and mutations merged, with abuse limits.

pub mod context;
pub mod cost;
pub mod date;
pub mod loaders;
pub mod node;
pub mod pagination;

use async_graphql::{EmptySubscription, MergedObject, Schema, SchemaBuilder};

use crate::accounts::{AccountsMutation, AccountsQuery};
use crate::disclosure::{AuditQuery, DisclosureMutation, DisclosureQuery};
use crate::establishment::{
    CeilingMutation, CeilingQuery, EstablishmentMutation, LedgerQuery, PlanMutation, PlanQuery,
};
use crate::evaluation::{EvaluationMutation, EvaluationQuery};
use crate::filing::{FilingMutation, FilingQuery};
use crate::findings::FindingsQuery;
use crate::graphql::node::NodeQuery;
use crate::history::HistoryQuery;
use crate::institution::annual_report::{AnnualReportMutation, AnnualReportQuery};
use crate::institution::particulars::ParticularsMutation;
use crate::institution::{InstitutionMutation, InstitutionQuery};
use crate::jurisdiction::department::{DepartmentMutation, DepartmentQuery};
use crate::jurisdiction::{JurisdictionMutation, JurisdictionQuery};
use crate::norms::graphql::{NormsMutation, NormsQuery};
use crate::overview::OverviewQuery;
use crate::pool::{PoolMutation, PoolQuery};
use crate::reconciliation::{ReconciliationMutation, ReconciliationQuery};
use crate::reform::ReformMutation;
use crate::reform::across::AcrossMutation;
use crate::staff::absence::OffPostMutation;
use crate::staff::{LifecycleMutation, StaffMutation, StaffQuery};
use crate::submission::{SubmissionMutation, SubmissionQuery};
use crate::vacancy_use::annual::{AnnualPlanMutation, AnnualPlanQuery};
use crate::vacancy_use::{VacancyUseMutation, VacancyUseQuery};

#[derive(MergedObject, Default)]
pub struct Query(
    JurisdictionQuery,
    DepartmentQuery,
    InstitutionQuery,
    StaffQuery,
    OverviewQuery,
    LedgerQuery,
    CeilingQuery,
    PlanQuery,
    HistoryQuery,
    EvaluationQuery,
    PoolQuery,
    FilingQuery,
    DisclosureQuery,
    AuditQuery,
    FindingsQuery,
    VacancyUseQuery,
    AnnualPlanQuery,
    AccountsQuery,
    SubmissionQuery,
    AnnualReportQuery,
    ReconciliationQuery,
    NormsQuery,
    NodeQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    AccountsMutation,
    JurisdictionMutation,
    DepartmentMutation,
    InstitutionMutation,
    ParticularsMutation,
    AnnualReportMutation,
    CeilingMutation,
    PlanMutation,
    EstablishmentMutation,
    StaffMutation,
    LifecycleMutation,
    OffPostMutation,
    ReformMutation,
    AcrossMutation,
    EvaluationMutation,
    PoolMutation,
    FilingMutation,
    DisclosureMutation,
    VacancyUseMutation,
    AnnualPlanMutation,
    SubmissionMutation,
    ReconciliationMutation,
    NormsMutation,
);

pub type ApiSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema with the parser's limits; the server adds the database and the PII cipher, and
/// each request its caller's scope. Depth and cost are priced by [`cost::CostModel`] before a
/// request runs (it admits introspection, which async-graphql's own depth limit refuses).
pub fn builder() -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .limit_recursive_depth(32)
        .limit_directives(16)
}

/// The schema in SDL, as served at `/schema.graphql` and checked in as `api/schema.graphql`.
pub fn sdl() -> String {
    sdl_of(&builder().finish())
}

/// A built schema's SDL, with each scalar's `@specifiedBy`.
pub fn sdl_of(schema: &ApiSchema) -> String {
    schema.sdl_with_options(async_graphql::SDLExportOptions::new().include_specified_by())
}
