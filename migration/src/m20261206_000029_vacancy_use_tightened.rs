//! Vacancy use as offices run it: a plan keeps the day it was approved (hires draw on it from
//! that day), and it may be revoked (收回) with a reason and a document; recruitment methods are
//! counted as 人社 counts them, so the old catch-all for placements of the military is the
//! placement of military cadres (军转干部安置) it was labelled as.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::drop_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [&str; 5] = ["approved_on", "closed_reason", "closed_document_no", "closed_by", "closed_at"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            date_null(COLUMNS[0]),
            text_null(COLUMNS[1]),
            string_null(COLUMNS[2]),
            string_null(COLUMNS[3]),
            timestamp_with_time_zone_null(COLUMNS[4]),
        ];
        for mut column in columns {
            manager.alter_table(Table::alter().table("vacancy_use_plan").add_column(&mut column).to_owned()).await?;
        }
        let rename = Query::update()
            .table("vacancy_use_plan")
            .value("recruitment", "MILITARY_CADRE_PLACEMENT")
            .and_where(Expr::col("recruitment").eq("SOLDIER_PLACEMENT"))
            .to_owned();
        manager.exec_stmt(rename).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let rename = Query::update()
            .table("vacancy_use_plan")
            .value("recruitment", "SOLDIER_PLACEMENT")
            .and_where(Expr::col("recruitment").eq("MILITARY_CADRE_PLACEMENT"))
            .to_owned();
        manager.exec_stmt(rename).await?;
        drop_columns(manager, "vacancy_use_plan", &COLUMNS, &[]).await
    }
}
