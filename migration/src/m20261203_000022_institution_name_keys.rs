//! A page of institutions sorted by name over several jurisdictions (a city with its
//! counties) merges each jurisdiction's first keys by name and then reads only the page's
//! rows. With the id in the `(jurisdiction_id, name)` index, that walk is answered by the
//! index alone, already in the page's order (name, then id), so neither the rows the merge
//! drops nor a sort of equal names is read. The new index serves everything the old one did,
//! which goes.

use sea_orm_migration::prelude::*;

use crate::m20261125_000001_foundation::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_index(index("institution", &["jurisdiction_id", "name", "id"])).await?;
        manager
            .drop_index(Index::drop().name("ix_institution_jurisdiction_id_name").table("institution").to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_index(index("institution", &["jurisdiction_id", "name"])).await?;
        manager
            .drop_index(Index::drop().name("ix_institution_jurisdiction_id_name_id").table("institution").to_owned())
            .await
    }
}
