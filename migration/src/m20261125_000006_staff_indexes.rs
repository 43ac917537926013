//! Fewer, wider indexes on `staff`, the table bulk imports and every hire write to: one index
//! per access path instead of one per counted column. Counting an institution's people by
//! status, basis and category, and a jurisdiction's the same way (the overview), read only
//! the index; a name index that `LIKE '%…%'` search could never use goes.

use sea_orm_migration::prelude::*;

use crate::m20261125_000001_foundation::index;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000006_staff_indexes"
    }
}

const DROPPED: [&str; 5] = [
    "ix_staff_institution_id_status",
    "ix_staff_institution_id_category",
    "ix_staff_institution_id_basis",
    "ix_staff_jurisdiction_id_status",
    "ix_staff_name",
];

fn counted_by(scope: &'static str) -> IndexCreateStatement {
    index("staff", &[scope, "status", "basis", "category"])
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in DROPPED {
            manager.drop_index(Index::drop().name(name).table("staff").to_owned()).await?;
        }
        manager.create_index(counted_by("institution_id")).await?;
        manager.create_index(counted_by("jurisdiction_id")).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for scope in ["institution_id", "jurisdiction_id"] {
            let name = format!("ix_staff_{scope}_status_basis_category");
            manager.drop_index(Index::drop().name(name).table("staff").to_owned()).await?;
        }
        for columns in [
            &["institution_id", "status"][..],
            &["institution_id", "category"],
            &["institution_id", "basis"],
            &["jurisdiction_id", "status"],
            &["name"],
        ] {
            manager.create_index(index("staff", columns)).await?;
        }
        Ok(())
    }
}
