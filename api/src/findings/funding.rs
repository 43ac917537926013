//! The report's problems 5 and 6: self-financed institutions that are not really
//! self-financing, and technical service institutions managed with reference to the Civil
//! Servant Law (参照公务员法管理) whose professionals have become administrative staff.

use std::collections::HashMap;

use entity::enums::{Classification, Funding, FundingForm, ManagementMode, Sector, StaffBasis, StaffStatus};
use entity::staff;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use super::{Finding, Findings, finding, share, zh};
use crate::error::Result;
use crate::graphql::loaders::balances_of;

/// Words of a technical or service unit's name (station, institute, extension, testing...).
const TECHNICAL: [&str; 12] = ["技术", "推广", "检测", "检验", "监测", "研究", "站", "所", "院", "馆", "防治", "勘测"];

impl Findings {
    /// Self-financed institutions whose people or slots are paid from the budget (收支两条线,
    /// fiscal slots, fiscally funded staff, temporary staff on the budget), or whose
    /// classification (public welfare class I, administrative) leaves them no income of their own.
    pub async fn nominally_self_financed(&self) -> Result<Vec<Finding>> {
        let rows: Vec<_> = self.rows.iter().filter(|r| r.funding_form == FundingForm::SelfFinanced).collect();
        let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
        let balances = balances_of(&self.db, &ids).await?;
        let budget_paid: HashMap<i32, i64> = staff::Entity::find()
            .select_only()
            .column(staff::Column::InstitutionId)
            .column_as(staff::Column::Id.count(), "n")
            .filter(staff::Column::InstitutionId.is_in(ids))
            .filter(staff::Column::Basis.eq(StaffBasis::Temporary))
            .filter(staff::Column::Status.eq(StaffStatus::Active))
            .filter(staff::Column::PaidByBudget.eq(true))
            .group_by(staff::Column::InstitutionId)
            .into_tuple::<(i32, i64)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        let mut out = Vec::new();
        for r in rows {
            let c = self.counts(r.id);
            let fiscal_slots: i32 = balances
                .get(&r.id)
                .map_or(0, |b| b.iter().filter(|b| b.funding == Funding::Fiscal).map(|b| b.approved).sum());
            let temporary_on_budget = budget_paid.get(&r.id).copied().unwrap_or(0) as i32;
            let on_budget = c.fiscal + temporary_on_budget;
            let mut reasons = Vec::new();
            let mut causes = Vec::new();
            if on_budget > 0 {
                causes.push(format!(
                    "{}人中{on_budget}人由财政供养（财政拨款在编{}人，财政供养编外{}人）",
                    c.in_establishment + c.temporary,
                    c.fiscal,
                    temporary_on_budget
                ));
                reasons.push(format!(
                    "{on_budget} of its {} people are paid from the budget ({} fiscally funded staff, {} temporary \
                     staff on the budget)",
                    c.in_establishment + c.temporary,
                    c.fiscal,
                    temporary_on_budget
                ));
            }
            if fiscal_slots > 0 {
                causes.push(format!("核有财政拨款编制{fiscal_slots}个"));
                reasons.push(format!("it holds {fiscal_slots} fiscally funded slots"));
            }
            if matches!(r.classification, Classification::PublicWelfareI | Classification::Administrative) {
                causes.push(format!("分类为{}，无经营收入", zh(r.classification.word())));
                reasons.push(format!("it is classified {}, which has no business income", r.classification.word()));
            }
            if reasons.is_empty() {
                continue;
            }
            let figure = share(on_budget, c.in_establishment + c.temporary);
            let (zh, en) = (
                format!("名为自收自支：{}", causes.join("；")),
                format!("self-financed in name: {}", reasons.join("; ")),
            );
            out.push(finding(r, figure, zh, en));
        }
        out.sort_by(|a, b| b.figure.total_cmp(&a.figure));
        Ok(out)
    }

    /// Technical and service institutions (not administrative ones) managed with reference to
    /// the Civil Servant Law where management staff are more than `management_share_above` of
    /// those in establishment: professionals turned into section clerks.
    pub fn technical_units_under_civil_servant_law(&self, management_share_above: f64) -> Vec<Finding> {
        let mut out: Vec<Finding> = self
            .rows
            .iter()
            .filter(|r| {
                r.management_mode == ManagementMode::CivilServantReferenced
                    && r.classification != Classification::Administrative
            })
            .filter(|r| {
                let kind = self.kind_of(r);
                TECHNICAL.iter().any(|w| kind.contains(w))
                    || matches!(
                        r.sector,
                        Sector::AgricultureForestryWaterLivestock
                            | Sector::ScienceResearch
                            | Sector::Education
                            | Sector::Health
                    )
            })
            .filter_map(|r| {
                let c = self.counts(r.id);
                let s = share(c.management, c.in_establishment);
                (c.in_establishment >= 5 && s > management_share_above).then(|| {
                    let (m, of, p) = (c.management, c.in_establishment, c.professional_technical);
                    let zh = format!(
                        "技术或服务类单位（{}）参照公务员法管理：在编{of}人中管理人员{m}人、专业技术人员{p}人",
                        zh(r.sector.word())
                    );
                    let en = format!(
                        "a technical or service unit ({}) managed with reference to the Civil Servant Law: {m} of {of} \
                         in establishment are management staff, {p} professional-technical",
                        r.sector.word()
                    );
                    finding(r, s, zh, en)
                })
            })
            .collect();
        out.sort_by(|a, b| b.figure.total_cmp(&a.figure));
        out
    }
}
