//! The documents of single acts: the vacancy-use notice, the 入编 / 出编 notice and the 批复 of
//! an establishment event, a reform and a 三定 determination.

use entity::enums::{EventKind, MovementKind, StaffBasis, VacancyUseStatus};
use entity::{
    department, determination_decision, establishment_event, institution, jurisdiction, reform, staff, staff_movement,
    vacancy_use_plan,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use super::words::{date_short, field, stated, zh};
use super::{Block, Draft, Kind, Reader};
use crate::error::{ApiError, ApiResult};
use crate::pii::PiiCipher;
use crate::scope::Scope;

/// The issuing office of a jurisdiction: 张掖市机构编制委员会办公室.
pub(super) async fn issuer(db: &DatabaseConnection, jurisdiction_id: i32) -> ApiResult<String> {
    let row = jurisdiction::Entity::find_by_id(jurisdiction_id).one(db).await?;
    Ok(format!("{}机构编制委员会办公室", row.map(|j| j.name).unwrap_or_default()))
}

/// An institution the caller reads (its act's documents with it); none reads as missing.
pub(super) async fn readable_institution(
    db: &DatabaseConnection,
    scope: &Scope,
    id: i32,
    missing: &'static str,
) -> ApiResult<institution::Model> {
    scope
        .institutions()
        .filter(institution::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(missing))
}

pub(super) async fn department_name(db: &DatabaseConnection, id: i32) -> ApiResult<String> {
    Ok(department::Entity::find_by_id(id).one(db).await?.map(|d| d.name).unwrap_or_default())
}

/// The 编制使用核准通知单 of an approved plan (one refused or still asked for has none).
pub(super) async fn vacancy_use(db: &DatabaseConnection, scope: &Scope, id: i32) -> ApiResult<Draft> {
    const MISSING: &str = "no such vacancy-use plan";
    let plan = scope
        .vacancy_use_plans()?
        .filter(vacancy_use_plan::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(MISSING))?;
    let approved = plan.approved.unwrap_or(0);
    if !matches!(plan.status, VacancyUseStatus::Approved | VacancyUseStatus::Revoked) || approved == 0 {
        return Err(ApiError::conflict("only an approved vacancy-use plan has a notice"));
    }
    let unit = readable_institution(db, scope, plan.institution_id, MISSING).await?;
    let department = department_name(db, plan.department_id).await?;
    let place = jurisdiction::Entity::find_by_id(plan.jurisdiction_id).one(db).await?;
    let place = place.map(|j| j.name).unwrap_or_default();
    let dated = crate::vacancy_use::approved_from(&plan).unwrap_or_else(|| chrono::Utc::now().date_naive());
    let funding = zh(plan.funding.word());
    let recruitment = zh(plan.recruitment.word());
    let expiry = plan.expires_on.map(date_short).unwrap_or_else(|| "—".into());
    let mut blocks = vec![
        Block::Addressee(format!("{department}、{place}人力资源和社会保障局：")),
        Block::Paragraph(format!(
            "经审核，同意{}使用{funding}事业编制{approved}名，补充方式为{recruitment}。请按核准的岗位和数量组织实施，\
             人员入编时凭本通知单办理入编手续。本通知单有效期至{expiry}，逾期未使用的编制不再保留。",
            unit.name
        )),
        Block::Fields(vec![
            field("用编单位", unit.name.clone()),
            field("统一社会信用代码", unit.credit_code.clone().unwrap_or_else(|| "（非法人单位，无）".into())),
            field("主管部门", department),
            field("编制类型", funding),
            field("申请数量", format!("{} 名", plan.requested)),
            field("核准数量", format!("{approved} 名")),
            field("已使用", format!("{} 名", plan.used)),
            field("补充方式", recruitment),
            field("核准日期", date_short(dated)),
            field("有效期至", expiry),
            field("用编理由", plan.reason.clone()),
        ]),
    ];
    let posts = crate::vacancy_use::posts::decode(plan.post_list.as_deref());
    if posts.is_empty() {
        blocks.push(Block::Fields(vec![field("岗位", plan.posts.clone())]));
    } else {
        blocks.push(Block::Heading("核准岗位".into()));
        blocks.push(Block::Table {
            headers: ["岗位类别", "岗位等级", "数量", "资格条件"].map(String::from).to_vec(),
            shares: vec![2.0, 2.0, 1.0, 5.0],
            rows: posts
                .iter()
                .map(|p| vec![zh(p.category.word()), p.grade.clone(), p.count.to_string(), p.qualifications.clone()])
                .collect(),
        });
    }
    if plan.status == VacancyUseStatus::Revoked {
        blocks.push(Block::Paragraph(format!(
            "本通知单未使用的编制已收回（文号：{}；理由：{}）。",
            plan.closed_document_no.clone().unwrap_or_default(),
            plan.closed_reason.clone().unwrap_or_default()
        )));
    }
    blocks.push(Block::Seal);
    Ok(Draft {
        kind: Kind::VacancyUse,
        subject: plan.id,
        issuer: issuer(db, plan.jurisdiction_id).await?,
        number: plan.document_no.clone(),
        title: "编制使用核准通知单".into(),
        blocks,
        dated,
    })
}

/// The 入编 notice of a hire or a transfer in, the 出编 notice of a transfer out, retirement
/// or departure; other movements (secondment, return) change no establishment and have none.
pub(super) async fn movement(
    db: &DatabaseConnection,
    scope: &Scope,
    pii: &PiiCipher,
    reader: Reader<'_>,
    id: i32,
) -> ApiResult<Draft> {
    const MISSING: &str = "no such staff movement";
    let row = staff_movement::Entity::find_by_id(id).one(db).await?.ok_or_else(|| ApiError::not_found(MISSING))?;
    let unit = readable_institution(db, scope, row.institution_id, MISSING).await?;
    let arriving = match row.kind {
        MovementKind::Hire | MovementKind::TransferIn => true,
        MovementKind::TransferOut | MovementKind::Retire | MovementKind::Leave => false,
        MovementKind::SecondOut | MovementKind::Return => {
            return Err(ApiError::conflict("a secondment or return changes no establishment and has no notice"));
        }
    };
    let person = staff::Entity::find_by_id(row.staff_id).one(db).await?.ok_or_else(|| ApiError::not_found(MISSING))?;
    if person.basis == StaffBasis::Temporary {
        return Err(ApiError::conflict("a person outside establishment (编外) has no 入编 or 出编 notice"));
    }
    let national_id = reader.national_id(pii, &person, row.jurisdiction_id)?;
    let basis = zh(person.basis.word());
    let what = if arriving { "入编" } else { "出编" };
    let reason = row.reason.as_deref().map(zh);
    let (name, on) = (&person.name, date_short(row.occurred_on));
    let body = match (arriving, &reason) {
        (true, Some(how)) => format!(
            "经审核，同意{name}（身份证号：{national_id}）于{on}以{how}方式进入{}，使用{basis}事业编制，请据此办理入编手续。",
            unit.name
        ),
        (true, None) => format!(
            "经审核，同意{name}（身份证号：{national_id}）于{on}进入{}，使用{basis}事业编制，请据此办理入编手续。",
            unit.name
        ),
        (false, Some(why)) => format!(
            "经审核，{name}（身份证号：{national_id}）于{on}因{why}离开{}，核销其所占{basis}事业编制，请据此办理出编手续。",
            unit.name
        ),
        (false, None) => format!(
            "经审核，{name}（身份证号：{national_id}）于{on}离开{}，核销其所占{basis}事业编制，请据此办理出编手续。",
            unit.name
        ),
    };
    let reason = reason.unwrap_or_else(|| zh(row.kind.word()));
    let blocks = vec![
        Block::Addressee(format!("{}：", unit.name)),
        Block::Paragraph(body),
        Block::Fields(vec![
            field("姓名", person.name.clone()),
            field("身份证号", national_id),
            field("单位", unit.name.clone()),
            field("人员类别", zh(person.category.word())),
            field("编制类型", basis),
            field("变动", format!("{what}（{}）", zh(row.kind.word()))),
            field("原因", reason),
            field("日期", date_short(row.occurred_on)),
            field("备注", row.note.clone()),
        ]),
        Block::Seal,
    ];
    Ok(Draft {
        kind: Kind::Movement,
        subject: row.id,
        issuer: issuer(db, row.jurisdiction_id).await?,
        number: row.document_no.clone(),
        title: format!("事业单位人员{what}通知单"),
        blocks,
        dated: row.occurred_on,
    })
}

/// What a 批复 grants, in its words.
fn granted(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Approve | EventKind::Allocate | EventKind::TransferIn => "核增",
        EventKind::Reduce | EventKind::TransferOut => "核减",
        EventKind::Reclaim => "收回",
        EventKind::Freeze => "冻结",
        EventKind::Unfreeze => "解冻",
        EventKind::Convert => "调整",
        EventKind::PoolFund | EventKind::Deposit => "划入周转池",
        EventKind::Withdraw => "从周转池收回",
        EventKind::Lend => "从周转池借用",
        EventKind::Repay => "归还周转池",
    }
}

/// The 批复 of an establishment event, with the unit's establishment of that funding after it.
pub(super) async fn establishment_event(db: &DatabaseConnection, scope: &Scope, id: i32) -> ApiResult<Draft> {
    const MISSING: &str = "no such establishment event";
    let event = scope
        .ledger()?
        .filter(establishment_event::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(MISSING))?;
    let unit = match event.institution_id {
        Some(unit) => Some(readable_institution(db, scope, unit, MISSING).await?),
        None => None,
    };
    let name = unit.as_ref().map(|u| u.name.clone()).unwrap_or_else(|| "本级机动编制".into());
    let after: Option<i64> = establishment_event::Entity::find()
        .select_only()
        .column_as(establishment_event::Column::ApprovedDelta.sum(), "sum")
        .filter(establishment_event::Column::JurisdictionId.eq(event.jurisdiction_id))
        .filter(match event.institution_id {
            Some(unit) => establishment_event::Column::InstitutionId.eq(unit),
            None => establishment_event::Column::InstitutionId.is_null(),
        })
        .filter(establishment_event::Column::Funding.eq(event.funding))
        .filter(establishment_event::Column::Id.lte(event.id))
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten();
    let funding = zh(event.funding.word());
    let verb = granted(event.kind);
    let count = if event.approved_delta != 0 { event.approved_delta } else { event.frozen_delta }.abs();
    let addressee = match &unit {
        Some(unit) => format!("{}、{}：", department_name(db, unit.department_id).await?, unit.name),
        None => "本级：".into(),
    };
    let blocks = vec![
        Block::Addressee(addressee),
        Block::Paragraph(format!(
            "经研究，同意{verb}{name}{funding}事业编制{count}名。{}调整后，该单位{funding}事业编制核定数为{}名。",
            sentence(&event.reason),
            after.unwrap_or(0)
        )),
        Block::Fields(vec![
            field("单位", name.clone()),
            field(
                "事项",
                if zh(event.kind.word()) == verb {
                    verb.to_string()
                } else {
                    format!("{verb}（{}）", zh(event.kind.word()))
                },
            ),
            field("编制类型", funding.clone()),
            field("核定数变动", signed(event.approved_delta)),
            field("冻结数变动", signed(event.frozen_delta)),
            field("调整后核定数", format!("{} 名", after.unwrap_or(0))),
            field("生效日期", date_short(event.effective_on)),
            field("理由", event.reason.clone()),
        ]),
        Block::Seal,
    ];
    Ok(Draft {
        kind: Kind::EstablishmentEvent,
        subject: event.id,
        issuer: issuer(db, event.jurisdiction_id).await?,
        number: Some(event.document_no.clone()),
        title: format!("关于{name}{verb}事业编制的批复"),
        blocks,
        dated: event.effective_on,
    })
}

/// A reason as a sentence of the body: ends with a full stop.
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() || text.ends_with(['。', '.', '！', '；']) { text.to_string() } else { format!("{text}。") }
}

fn signed(n: i32) -> String {
    if n > 0 { format!("+{n}") } else { n.to_string() }
}

/// The 批复 of a reform (撤销, 合并, 转企).
pub(super) async fn reform(db: &DatabaseConnection, scope: &Scope, id: i32) -> ApiResult<Draft> {
    const MISSING: &str = "no such reform";
    let row = reform::Entity::find_by_id(id).one(db).await?.ok_or_else(|| ApiError::not_found(MISSING))?;
    // Read by those who read either unit: the one reformed and the one it merged into.
    let units: Vec<i32> = std::iter::once(row.institution_id).chain(row.target_institution_id).collect();
    let readable = scope.institutions().filter(institution::Column::Id.is_in(units)).all(db).await?;
    if readable.is_empty() {
        return Err(ApiError::not_found(MISSING));
    }
    let unit = institution::Entity::find_by_id(row.institution_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(MISSING))?;
    let target = match row.target_institution_id {
        Some(target) => institution::Entity::find_by_id(target).one(db).await?.map(|t| t.name),
        None => None,
    };
    let what = zh(row.kind.word());
    let action = match &target {
        Some(target) => format!("{what}{}，并入{target}", unit.name),
        None => format!("{what}{}", unit.name),
    };
    let mut fields = vec![
        field("单位", unit.name.clone()),
        field("改革事项", what.clone()),
        field("生效日期", date_short(row.effective_on)),
        field("理由", row.reason.clone()),
    ];
    if let Some(target) = &target {
        fields.insert(2, field("并入单位", target.clone()));
    }
    let blocks = vec![
        Block::Addressee(format!("{}：", department_name(db, unit.department_id).await?)),
        Block::Paragraph(format!("经研究，同意{action}。{}其人员、编制和资产按有关规定处理。", sentence(&row.reason))),
        Block::Fields(fields),
        Block::Seal,
    ];
    Ok(Draft {
        kind: Kind::Reform,
        subject: row.id,
        issuer: issuer(db, row.jurisdiction_id).await?,
        number: Some(row.document_no.clone()),
        title: format!("关于{}{what}的批复", unit.name),
        blocks,
        dated: row.effective_on,
    })
}

/// The 批复 of a determination (三定: responsibilities, internal bodies, leadership posts).
pub(super) async fn determination(db: &DatabaseConnection, scope: &Scope, id: i32) -> ApiResult<Draft> {
    const MISSING: &str = "no such determination decision";
    let row =
        determination_decision::Entity::find_by_id(id).one(db).await?.ok_or_else(|| ApiError::not_found(MISSING))?;
    let unit = readable_institution(db, scope, row.institution_id, MISSING).await?;
    let before: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&row.before).unwrap_or_default();
    let after: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&row.after).unwrap_or_default();
    let rows = after
        .iter()
        .map(|(key, now)| {
            let label = crate::labels::field_zh(key).unwrap_or(key).to_string();
            vec![label, before.get(key).map(|was| stated(was, "；")).unwrap_or_else(|| "—".into()), stated(now, "；")]
        })
        .collect();
    let blocks = vec![
        Block::Addressee(format!("{}：", department_name(db, unit.department_id).await?)),
        Block::Paragraph(format!(
            "经研究，同意调整{}的主要职责、内设机构和领导职数（三定）如下。{}",
            unit.name,
            sentence(&row.reason)
        )),
        Block::Fields(vec![field("单位", unit.name.clone()), field("决定日期", date_short(row.decided_on))]),
        Block::Table {
            headers: ["事项", "调整前", "调整后"].map(String::from).to_vec(),
            shares: vec![1.2, 3.0, 3.0],
            rows,
        },
        Block::Seal,
    ];
    Ok(Draft {
        kind: Kind::Determination,
        subject: row.id,
        issuer: issuer(db, row.jurisdiction_id).await?,
        number: Some(row.document_no.clone()),
        title: format!("关于调整{}机构编制事项的批复", unit.name),
        blocks,
        dated: row.decided_on,
    })
}
