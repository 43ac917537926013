//! The hospital staffing norm as its text says: the middle band includes 500 beds, the
//! outpatient term adds or removes 5 to 7 staff per 100 daily visits beyond or short of three
//! per bed, each parameter with its source; norm rows and hospital profiles carry a kind
//! (general or traditional Chinese medicine).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::drop_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

const RATIOS: &str = "Bed-to-staff ratio bands: 综合医院组织编制原则试行草案 (卫生部, 1978), \
    一、(二): 300床以下 1:1.30-1.40, 300-500床 1:1.40-1.50, 500床以上 1:1.60-1.70 (a 500-bed hospital is in \
    the middle band). The norm gives a range, not a point: the proposal is its middle, and an \
    approved total must lie within it.";
const OUTPATIENT: &str = "Outpatient term, same draft: outpatient visits to beds are reckoned at 3:1; \
    a hospital above or below that adds or removes 5-7 staff per 100 daily visits. Daily visits are \
    annual visits over 306 working days (365 days less 52 Sundays and 7 public holidays, the \
    working year of Chinese hospital statistics).";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for statement in [
            Table::alter().table("staffing_norm").add_column(string("kind").default("GENERAL")).to_owned(),
            Table::alter().table("staffing_norm").add_column(double("outpatient_staff_low").default(5.0)).to_owned(),
            Table::alter().table("staffing_norm").add_column(double("outpatient_staff_high").default(7.0)).to_owned(),
            Table::alter().table("hospital_profile").add_column(string("kind").default("GENERAL")).to_owned(),
        ] {
            manager.alter_table(statement).await?;
        }
        let source = format!("{RATIOS} {OUTPATIENT}");
        // The shipped rows are the 1978 general norm; `beds_to` is exclusive, so 300-500 is 300..501.
        for (from, to, low) in [(0, Some(300), 1.30), (300, Some(501), 1.40), (501, None, 1.60)] {
            let update = Query::update()
                .table("staffing_norm")
                .value("beds_from", from)
                .value("beds_to", to)
                .value("source", source.clone())
                .and_where(Expr::col("name").eq("1978 general hospital norm"))
                .and_where(Expr::col("ratio_low").eq(low))
                .to_owned();
            manager.exec_stmt(update).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (from, to, low) in [(0, Some(300), 1.30), (300, Some(500), 1.40), (500, None, 1.60)] {
            let update = Query::update()
                .table("staffing_norm")
                .value("beds_from", from)
                .value("beds_to", to)
                .and_where(Expr::col("ratio_low").eq(low))
                .to_owned();
            manager.exec_stmt(update).await?;
        }
        drop_columns(manager, "hospital_profile", &["kind"], &[]).await?;
        drop_columns(manager, "staffing_norm", &["kind", "outpatient_staff_low", "outpatient_staff_high"], &[]).await
    }
}
