//! An institution's establishment card (事业单位机构编制管理证 / 编制卡): what the unit keeps and
//! the office checks each year: its facts and 三定, its establishment by funding, the people in
//! it, and the decisions that made it so.

use entity::enums::{InstitutionStatus, StaffBasis, StaffStatus};
use entity::{classification_decision, establishment_balance, establishment_event, reform, staff};
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::acts::{department_name, issuer, readable_institution};
use super::words::{date_short, field, stated, zh};
use super::{Block, Draft, Kind, Reader};
use crate::error::ApiResult;
use crate::pii::PiiCipher;
use crate::scope::Scope;

/// A JSON list of the 三定 kept on the unit (names, or `{title, count}` posts) as one line.
fn listed(raw: &str) -> String {
    stated(&serde_json::from_str(raw).unwrap_or_default(), "、")
}

pub(super) async fn establishment_card(
    db: &DatabaseConnection,
    scope: &Scope,
    pii: &PiiCipher,
    reader: Reader<'_>,
    id: i32,
) -> ApiResult<Draft> {
    let unit = readable_institution(db, scope, id, "no such institution").await?;
    let department = department_name(db, unit.department_id).await?;
    let balances = establishment_balance::Entity::find()
        .filter(establishment_balance::Column::InstitutionId.eq(id))
        .order_by_asc(establishment_balance::Column::Funding)
        .all(db)
        .await?;
    let people = staff::Entity::find()
        .filter(staff::Column::InstitutionId.eq(id))
        .filter(staff::Column::Status.is_in([StaffStatus::Active, StaffStatus::SecondedOut]))
        .order_by_asc(staff::Column::HireDate)
        .order_by_asc(staff::Column::Id)
        .all(db)
        .await?;
    let events = establishment_event::Entity::find()
        .filter(establishment_event::Column::InstitutionId.eq(id))
        .order_by_asc(establishment_event::Column::EffectiveOn)
        .order_by_asc(establishment_event::Column::Id)
        .all(db)
        .await?;
    let classifications = classification_decision::Entity::find()
        .filter(classification_decision::Column::InstitutionId.eq(id))
        .all(db)
        .await?;
    let determinations = entity::determination_decision::Entity::find()
        .filter(entity::determination_decision::Column::InstitutionId.eq(id))
        .all(db)
        .await?;
    let reforms = reform::Entity::find()
        .filter(
            Condition::any().add(reform::Column::InstitutionId.eq(id)).add(reform::Column::TargetInstitutionId.eq(id)),
        )
        .all(db)
        .await?;

    let mut blocks = vec![Block::Fields(vec![
        field("单位名称", unit.name.clone()),
        field("统一社会信用代码", unit.credit_code.clone().unwrap_or_else(|| "（非法人单位，无）".into())),
        field("主管部门", department),
        field("机构规格", zh(unit.level.word())),
        field("类别", zh(unit.classification.word())),
        field("经费形式", zh(unit.funding_form.word())),
        field("管理方式", zh(unit.management_mode.word())),
        field("行业", zh(unit.sector.word())),
        field("法人", if unit.legal_person { "是" } else { "否" }),
        field("成立日期", date_short(unit.established_on)),
        field("住所", unit.address.clone().unwrap_or_else(|| "—".into())),
        field("法定代表人", unit.legal_representative.clone().unwrap_or_else(|| "—".into())),
        field("单位负责人", unit.head.clone().unwrap_or_else(|| "—".into())),
        field("状态", if unit.status == InstitutionStatus::Active { "存续".into() } else { zh(unit.status.word()) }),
        field(
            "主要职责",
            if unit.responsibilities.trim().is_empty() { "—".into() } else { unit.responsibilities.clone() },
        ),
        field("内设机构", listed(&unit.internal_bodies)),
        field("领导职数", listed(&unit.leadership_posts)),
    ])];

    blocks.push(Block::Heading("编制情况".into()));
    let mut totals = [0i32; 5];
    let mut rows: Vec<Vec<String>> = balances
        .iter()
        .map(|b| {
            let vacant = (b.approved - b.frozen - b.deposited - b.occupied).max(0);
            for (total, n) in
                totals.iter_mut().zip([b.approved, b.frozen, b.deposited + b.borrowed, b.occupied, vacant])
            {
                *total += n;
            }
            vec![
                zh(b.funding.word()),
                b.approved.to_string(),
                b.frozen.to_string(),
                format!("{}/{}", b.deposited, b.borrowed),
                b.occupied.to_string(),
                vacant.to_string(),
            ]
        })
        .collect();
    rows.push(
        std::iter::once("合计".to_string())
            .chain(totals.iter().enumerate().map(|(n, t)| {
                if n == 2 {
                    let deposited: i32 = balances.iter().map(|b| b.deposited).sum();
                    let borrowed: i32 = balances.iter().map(|b| b.borrowed).sum();
                    format!("{deposited}/{borrowed}")
                } else {
                    t.to_string()
                }
            }))
            .collect(),
    );
    blocks.push(Block::Table {
        headers: ["编制类型", "核定", "冻结", "周转池 存/借", "在编", "空编"].map(String::from).to_vec(),
        shares: vec![2.0, 1.0, 1.0, 1.4, 1.0, 1.0],
        rows,
    });

    let outside = people.iter().filter(|p| p.basis == StaffBasis::Temporary).count();
    blocks.push(Block::Heading(format!("人员情况（在编 {} 人，编外 {outside} 人）", people.len() - outside)));
    let mut rows = Vec::with_capacity(people.len());
    for (n, person) in people.iter().enumerate() {
        rows.push(vec![
            (n + 1).to_string(),
            person.name.clone(),
            reader.national_id(pii, person, unit.jurisdiction_id)?,
            zh(person.category.word()),
            zh(person.basis.word()),
            zh(person.status.word()),
            date_short(person.entered_establishment_on.unwrap_or(person.hire_date)),
        ]);
    }
    blocks.push(Block::Table {
        headers: ["序号", "姓名", "身份证号", "岗位类别", "编制类型", "状态", "入编日期"].map(String::from).to_vec(),
        shares: vec![0.7, 1.3, 2.6, 1.7, 1.3, 0.9, 1.6],
        rows,
    });

    blocks.push(Block::Heading("机构编制事项记录".into()));
    let mut history: Vec<(chrono::NaiveDate, String, String)> = events
        .iter()
        .map(|e| {
            let mut what = format!("{}{} {:+}", zh(e.kind.word()), zh(e.funding.word()), e.approved_delta);
            if e.frozen_delta != 0 {
                what.push_str(&format!("（冻结 {:+}）", e.frozen_delta));
            }
            (e.effective_on, what, e.document_no.clone())
        })
        .collect();
    history.extend(
        classifications
            .iter()
            .map(|d| (d.decided_on, format!("分类：{}", zh(d.classification.word())), d.document_no.clone())),
    );
    history.extend(determinations.iter().map(|d| (d.decided_on, "三定调整".to_string(), d.document_no.clone())));
    history.extend(reforms.iter().map(|r| {
        let what =
            if r.institution_id == id { zh(r.kind.word()) } else { format!("并入单位（{}）", zh(r.kind.word())) };
        (r.effective_on, what, r.document_no.clone())
    }));
    history.sort_by_key(|entry| entry.0);
    blocks.push(Block::Table {
        headers: ["日期", "事项", "文号"].map(String::from).to_vec(),
        shares: vec![1.6, 4.0, 3.0],
        rows: history.into_iter().map(|(on, what, number)| vec![date_short(on), what, number]).collect(),
    });
    blocks.push(Block::Seal);

    let today = chrono::Utc::now().date_naive();
    Ok(Draft {
        kind: Kind::Institution,
        subject: unit.id,
        issuer: issuer(db, unit.jurisdiction_id).await?,
        number: unit.credit_code.clone().map(|code| format!("证号：{code}")),
        title: "事业单位机构编制管理证（编制卡）".into(),
        blocks,
        dated: today,
    })
}
