//! A supervising department (主管部门) within a jurisdiction.

use crate::enums::DepartmentKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "department")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    pub name: String,
    pub created_at: DateTimeUtc,
    /// 党委, 政府, 人大, 政协 or 群团: unknown for a department an institution import named first.
    pub kind: Option<DepartmentKind>,
    /// Its unified social credit code, where recorded.
    pub code: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
