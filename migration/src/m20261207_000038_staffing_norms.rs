//! Staffing norms for schools, kindergartens and township health centres, as data: each
//! parameter with its value and its source; and each unit's profile (pupils by stage, classes,
//! boarders; children; population served) the norms are applied to.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261125_000001_foundation::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SCHOOLS: &str = "中央编办、教育部、财政部《关于统一城乡中小学教职工编制标准的通知》(中央编办发〔2014〕72号): \
    the county-town and rural standards are raised to the urban one, staff to pupils 高中 1:12.5, 初中 1:13.5, \
    小学 1:19.";
const VILLAGE: &str = "Village schools and teaching points (村小、教学点) are staffed by pupils and by classes together \
    (生师比与班师比相结合, 中央编办发〔2014〕72号; 中共中央 国务院《关于全面深化新时代教师队伍建设改革的意见》, 2018). \
    The staff per class is each province's figure: the value shipped here is a placeholder, to be replaced by the \
    province's implementing rule.";
const BOARDING: &str = "Boarding schools may be given extra staff (寄宿制学校适当增加编制, kept by 中央编办发〔2014〕72号 from \
    国办发〔2001〕74号). How many is each province's figure: the value shipped here (boarders per extra staff member) \
    is a placeholder, to be replaced by the province's implementing rule; the extra widens the proposal's high end.";
const KINDERGARTENS: &str = "教育部《幼儿园教职工配备标准（暂行）》(教师〔2013〕1号): staff to children 1:5-1:7 in a \
    full-day kindergarten, 1:8-1:10 in a half-day one; a boarding kindergarten adds at least one teacher and one \
    carer per class; a single-class teaching point has two teachers. The standard sets staffing (配备), which \
    offices use as the reference for establishment.";
const HEALTH: &str = "中央编办、卫生部、财政部、民政部《关于乡镇卫生院机构编制标准的指导意见》(2011): a township health \
    centre's establishment is about 1 per 1,000 of the population it serves.";
const SPARSE: &str = "Same guideline: sparsely populated areas with poor transport (地广人稀、交通不便) may have a higher \
    rate, set by the province: the value shipped here is a placeholder, to be replaced by the province's \
    implementing rule; it widens the proposal's high end.";

/// The parameters shipped: code, value, name, source.
fn parameters() -> Vec<(&'static str, f64, &'static str, &'static str)> {
    vec![
        ("school.senior.pupils_per_staff", 12.5, "高中生师比", SCHOOLS),
        ("school.junior.pupils_per_staff", 13.5, "初中生师比", SCHOOLS),
        ("school.primary.pupils_per_staff", 19.0, "小学生师比", SCHOOLS),
        ("school.village.staff_per_class", 1.5, "村小、教学点班师比（每班教职工）", VILLAGE),
        ("school.boarding.boarders_per_staff", 50.0, "寄宿生每增配1名教职工的人数", BOARDING),
        ("kindergarten.full_day.children_per_staff_low", 7.0, "全日制幼儿园师幼比（下限）", KINDERGARTENS),
        ("kindergarten.full_day.children_per_staff", 6.0, "全日制幼儿园师幼比（中值）", KINDERGARTENS),
        ("kindergarten.full_day.children_per_staff_high", 5.0, "全日制幼儿园师幼比（上限）", KINDERGARTENS),
        ("kindergarten.half_day.children_per_staff_low", 10.0, "半日制幼儿园师幼比（下限）", KINDERGARTENS),
        ("kindergarten.half_day.children_per_staff", 9.0, "半日制幼儿园师幼比（中值）", KINDERGARTENS),
        ("kindergarten.half_day.children_per_staff_high", 8.0, "半日制幼儿园师幼比（上限）", KINDERGARTENS),
        ("kindergarten.boarding.staff_per_class", 2.0, "寄宿制幼儿园每班增配教职工", KINDERGARTENS),
        ("kindergarten.single_class.min_staff", 2.0, "单班教学点最少教职工", KINDERGARTENS),
        ("health_centre.staff_per_thousand", 1.0, "乡镇卫生院每千服务人口编制", HEALTH),
        ("health_centre.sparse_staff_per_thousand", 1.2, "地广人稀地区每千服务人口编制（上限）", SPARSE),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("norm_parameter")
                    .col(string("code").primary_key())
                    .col(double("value"))
                    .col(string("name"))
                    .col(text("source"))
                    .to_owned(),
            )
            .await?;
        let mut insert = Query::insert();
        insert.into_table("norm_parameter").columns(["code", "value", "name", "source"]);
        for (code, value, name, source) in parameters() {
            insert.values_panic([code.into(), value.into(), name.into(), source.into()]);
        }
        manager.exec_stmt(insert).await?;
        manager
            .create_table(
                Table::create()
                    .table("unit_profile")
                    .col(pk_auto("id"))
                    .col(integer("institution_id"))
                    .col(string("kind"))
                    .col(integer("pupils_primary").default(0))
                    .col(integer("pupils_junior").default(0))
                    .col(integer("pupils_senior").default(0))
                    .col(integer("classes").default(0))
                    .col(integer("boarders").default(0))
                    .col(boolean("village").default(false))
                    .col(integer("children").default(0))
                    .col(boolean("half_day").default(false))
                    .col(integer("population_served").default(0))
                    .col(boolean("sparse").default(false))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("unit_profile", "institution_id", "institution"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("unit_profile", &["institution_id"]).unique().to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["norm_parameter", "unit_profile"]).await
    }
}
