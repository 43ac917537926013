//! The person's record as the annual statistics need it: education and degree, ethnicity,
//! political status, post grade and duty, the day work began and the day the person entered
//! the establishment (codes from the national lists, kept as data in the api crate); why a
//! person left; a secondment's term; and the off-post statuses (在编不在岗) with their term and
//! approving document.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::{drop_columns, drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

const STAFF_COLUMNS: [&str; 10] = [
    "education",
    "degree",
    "ethnicity",
    "political_status",
    "post_grade",
    "duty",
    "work_started_on",
    "entered_establishment_on",
    "departure_reason",
    "seconded_until",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in STAFF_COLUMNS {
            let mut column =
                if name.ends_with("_on") || name.ends_with("_until") { date_null(name) } else { string_null(name) };
            manager.alter_table(Table::alter().table("staff").add_column(&mut column).to_owned()).await?;
        }
        manager
            .alter_table(Table::alter().table("staff_movement").add_column(string_null("reason")).to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("staff_absence")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(integer("institution_id"))
                    .col(integer("staff_id"))
                    .col(string("kind"))
                    .col(date("started_on"))
                    .col(date_null("until"))
                    .col(date_null("ended_on"))
                    .col(string("document_no"))
                    .col(string_null("place"))
                    .col(string("recorded_by"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    .foreign_key(ForeignKey::create().from("staff_absence", "jurisdiction_id").to("jurisdiction", "id"))
                    .foreign_key(ForeignKey::create().from("staff_absence", "institution_id").to("institution", "id"))
                    .foreign_key(ForeignKey::create().from("staff_absence", "staff_id").to("staff", "id"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("staff_absence", &["staff_id"])).await?;
        manager.create_index(index("staff_absence", &["institution_id", "ended_on"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["staff_absence"]).await?;
        drop_columns(manager, "staff_movement", &["reason"], &[]).await?;
        drop_columns(manager, "staff", &STAFF_COLUMNS, &[]).await
    }
}
