//! Performance evaluation: indicator sets and indicators, rounds with their institutions and
//! committee, recusals, scores and their corrections, and published results.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            Table::create()
                .table("indicator_set")
                .col(pk_auto("id"))
                .col(integer("jurisdiction_id"))
                .col(string("name"))
                .col(double("excellent_threshold"))
                .col(double("good_threshold"))
                .col(double("pass_threshold"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("indicator_set", "jurisdiction_id", "jurisdiction"))
                .to_owned(),
            Table::create()
                .table("indicator")
                .col(pk_auto("id"))
                .col(integer("set_id"))
                .col(string("code"))
                .col(string("name"))
                .col(text("description"))
                .col(string("category"))
                .col(text("sectors"))
                .col(double("weight"))
                .col(double("min_score"))
                .col(double("max_score"))
                .foreign_key(&mut fk("indicator", "set_id", "indicator_set"))
                .to_owned(),
            Table::create()
                .table("evaluation_round")
                .col(pk_auto("id"))
                .col(integer("jurisdiction_id"))
                .col(integer("set_id"))
                .col(integer("year"))
                .col(string("name"))
                .col(string("status"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("opened_at"))
                .col(timestamp_with_time_zone_null("closed_at"))
                .col(timestamp_with_time_zone_null("published_at"))
                .foreign_key(&mut fk("evaluation_round", "jurisdiction_id", "jurisdiction"))
                .foreign_key(&mut fk("evaluation_round", "set_id", "indicator_set"))
                .to_owned(),
            Table::create()
                .table("round_institution")
                .col(pk_auto("id"))
                .col(integer("round_id"))
                .col(integer("institution_id"))
                .foreign_key(&mut fk("round_institution", "round_id", "evaluation_round"))
                .foreign_key(&mut fk("round_institution", "institution_id", "institution"))
                .to_owned(),
            Table::create()
                .table("committee_member")
                .col(pk_auto("id"))
                .col(integer("round_id"))
                .col(string("subject"))
                .col(string("name"))
                .col(string("member_group"))
                .col(integer_null("department_id"))
                .foreign_key(&mut fk("committee_member", "round_id", "evaluation_round"))
                .foreign_key(&mut fk("committee_member", "department_id", "department"))
                .to_owned(),
            Table::create()
                .table("recusal")
                .col(pk_auto("id"))
                .col(integer("round_id"))
                .col(integer("member_id"))
                .col(integer("institution_id"))
                .col(text("reason"))
                .foreign_key(&mut fk("recusal", "round_id", "evaluation_round"))
                .foreign_key(&mut fk("recusal", "member_id", "committee_member"))
                .foreign_key(&mut fk("recusal", "institution_id", "institution"))
                .to_owned(),
            Table::create()
                .table("score")
                .col(pk_auto("id"))
                .col(integer("round_id"))
                .col(integer("member_id"))
                .col(integer("institution_id"))
                .col(integer("indicator_id"))
                .col(double("value"))
                .col(timestamp_with_time_zone("submitted_at"))
                .foreign_key(&mut fk("score", "round_id", "evaluation_round"))
                .foreign_key(&mut fk("score", "member_id", "committee_member"))
                .foreign_key(&mut fk("score", "institution_id", "institution"))
                .foreign_key(&mut fk("score", "indicator_id", "indicator"))
                .to_owned(),
            Table::create()
                .table("score_correction")
                .col(pk_auto("id"))
                .col(integer("score_id"))
                .col(double("previous"))
                .col(double("value"))
                .col(text("reason"))
                .col(string("actor"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("score_correction", "score_id", "score"))
                .to_owned(),
            Table::create()
                .table("round_result")
                .col(pk_auto("id"))
                .col(integer("round_id"))
                .col(integer("institution_id"))
                .col(double("total"))
                .col(string("grade"))
                .col(integer("sector_rank"))
                .foreign_key(&mut fk("round_result", "round_id", "evaluation_round"))
                .foreign_key(&mut fk("round_result", "institution_id", "institution"))
                .to_owned(),
        ];
        for table in tables {
            manager.create_table(table).await?;
        }
        for statement in [
            index("indicator_set", &["jurisdiction_id"]),
            index("indicator", &["set_id", "code"]).unique().to_owned(),
            index("evaluation_round", &["jurisdiction_id", "year"]),
            index("evaluation_round", &["set_id"]),
            index("round_institution", &["round_id", "institution_id"]).unique().to_owned(),
            index("round_institution", &["institution_id"]),
            index("committee_member", &["round_id", "subject"]).unique().to_owned(),
            index("committee_member", &["subject"]),
            index("committee_member", &["department_id"]),
            index("recusal", &["round_id", "member_id", "institution_id"]).unique().to_owned(),
            index("recusal", &["institution_id"]),
            index("recusal", &["member_id"]),
            index("score", &["round_id", "member_id", "institution_id", "indicator_id"]).unique().to_owned(),
            index("score", &["institution_id"]),
            index("score", &["member_id"]),
            index("score", &["indicator_id"]),
            index("score_correction", &["score_id"]),
            index("round_result", &["round_id", "institution_id"]).unique().to_owned(),
            index("round_result", &["institution_id"]),
        ] {
            manager.create_index(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            "indicator_set",
            "indicator",
            "evaluation_round",
            "round_institution",
            "committee_member",
            "recusal",
            "score",
            "score_correction",
            "round_result",
        ];
        drop_tables(manager, &tables).await
    }
}
