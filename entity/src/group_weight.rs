//! The weight of one committee group (expert, service recipient, public representative,
//! media) in an indicator set: for every indicator of a category, or for one indicator (which
//! then overrides its category's weights).

use crate::enums::{IndicatorCategory, MemberGroup};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "group_weight")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub set_id: i32,
    pub category: Option<IndicatorCategory>,
    pub indicator_id: Option<i32>,
    pub member_group: MemberGroup,
    pub weight: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
