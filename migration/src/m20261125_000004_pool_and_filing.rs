//! The establishment turnover pool (编制周转池) and hospital total-staff filing (人员总量备案).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::{drop_columns, drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [
            ("establishment_balance", "deposited"),
            ("establishment_balance", "borrowed"),
            ("establishment_event", "deposited_delta"),
            ("establishment_event", "borrowed_delta"),
        ] {
            manager.alter_table(Table::alter().table(table).add_column(integer(column).default(0)).to_owned()).await?;
        }
        let tables = [
            Table::create()
                .table("turnover_pool")
                .col(pk_auto("id"))
                .col(integer_uniq("jurisdiction_id"))
                .col(double("cap_share"))
                .col(integer("default_term_months"))
                .col(text("borrowing_sectors"))
                .col(integer("min_vacant_months"))
                .col(integer("base_fund"))
                .col(integer("deposited"))
                .col(integer("lent"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("turnover_pool", "jurisdiction_id", "jurisdiction"))
                .to_owned(),
            Table::create()
                .table("pool_loan")
                .col(pk_auto("id"))
                .col(integer("jurisdiction_id"))
                .col(integer("institution_id"))
                .col(integer("slots"))
                .col(integer("outstanding"))
                .col(date("lent_on"))
                .col(date("due_on"))
                .col(text("purpose"))
                .col(string("document_no"))
                .col(string("status"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("pool_loan", "jurisdiction_id", "jurisdiction"))
                .foreign_key(&mut fk("pool_loan", "institution_id", "institution"))
                .to_owned(),
            Table::create()
                .table("withdrawal_request")
                .col(pk_auto("id"))
                .col(integer("jurisdiction_id"))
                .col(integer("institution_id"))
                .col(integer("slots"))
                .col(integer("remaining"))
                .col(date("requested_on"))
                .col(string("status"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("withdrawal_request", "jurisdiction_id", "jurisdiction"))
                .foreign_key(&mut fk("withdrawal_request", "institution_id", "institution"))
                .to_owned(),
            Table::create()
                .table("hospital_profile")
                .col(pk_auto("id"))
                .col(integer_uniq("institution_id"))
                .col(integer("beds"))
                .col(integer("annual_outpatient_visits"))
                .col(string("grade"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("hospital_profile", "institution_id", "institution"))
                .to_owned(),
            Table::create()
                .table("staffing_norm")
                .col(pk_auto("id"))
                .col(string("name"))
                .col(text("source"))
                .col(integer("beds_from"))
                .col(integer_null("beds_to"))
                .col(double("ratio_low"))
                .col(double("ratio_high"))
                .col(double("outpatient_bed_ratio"))
                .col(integer("outpatient_step_visits"))
                .col(double("outpatient_step_staff"))
                .col(integer("working_days"))
                .to_owned(),
            Table::create()
                .table("hospital_filing")
                .col(pk_auto("id"))
                .col(integer("jurisdiction_id"))
                .col(integer("institution_id"))
                .col(integer("proposed_total"))
                .col(integer_null("approved_total"))
                .col(string("status"))
                .col(string_null("document_no"))
                .col(text("basis"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("approved_at"))
                .foreign_key(&mut fk("hospital_filing", "jurisdiction_id", "jurisdiction"))
                .foreign_key(&mut fk("hospital_filing", "institution_id", "institution"))
                .to_owned(),
        ];
        for table in tables {
            manager.create_table(table).await?;
        }
        // The default norm is data, not code: offices may add their own rows.
        let source = "综合医院组织编制原则试行草案 (Ministry of Health, 1978): beds to staff 1:1.30-1.40 under 300 beds, \
                      1:1.40-1.50 for 300-500, 1:1.60-1.70 above 500; the grade places a hospital within the range \
                      of its band. Outpatient term as the draft is commonly cited: daily visits beyond three per bed \
                      add 5-7 staff per 100 visits (6 used here), over 306 working days a year.";
        for (from, to, low, high) in [(0, Some(300), 1.30, 1.40), (300, Some(500), 1.40, 1.50), (500, None, 1.60, 1.70)]
        {
            let insert = Query::insert()
                .into_table("staffing_norm")
                .columns([
                    "name",
                    "source",
                    "beds_from",
                    "beds_to",
                    "ratio_low",
                    "ratio_high",
                    "outpatient_bed_ratio",
                    "outpatient_step_visits",
                    "outpatient_step_staff",
                    "working_days",
                ])
                .values_panic([
                    "1978 general hospital norm".into(),
                    source.into(),
                    from.into(),
                    to.into(),
                    low.into(),
                    high.into(),
                    3.0.into(),
                    100.into(),
                    6.0.into(),
                    306.into(),
                ])
                .to_owned();
            manager.exec_stmt(insert).await?;
        }
        for statement in [
            index("pool_loan", &["jurisdiction_id", "status"]),
            index("pool_loan", &["institution_id", "status"]),
            index("withdrawal_request", &["jurisdiction_id", "status"]),
            index("withdrawal_request", &["institution_id"]),
            index("hospital_filing", &["institution_id", "status"]),
            index("hospital_filing", &["jurisdiction_id"]),
        ] {
            manager.create_index(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            "turnover_pool",
            "pool_loan",
            "withdrawal_request",
            "hospital_profile",
            "staffing_norm",
            "hospital_filing",
        ];
        drop_tables(manager, &tables).await?;
        drop_columns(manager, "establishment_event", &["deposited_delta", "borrowed_delta"], &[]).await?;
        drop_columns(manager, "establishment_balance", &["deposited", "borrowed"], &[]).await
    }
}
