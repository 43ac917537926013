//! The demo city's performance evaluation: an indicator set (common, sector and public
//! indicators), two published rounds (2024, 2025) and an open 2026 round with its committee,
//! so an evaluator token can be tried at once (`--role EVALUATOR --subject expert-li`).

use entity::enums::{IndicatorCategory, InstitutionStatus, MemberGroup, RoundStatus, Sector};
use entity::{
    committee_member, department, evaluation_round, group_weight, indicator, indicator_set, institution, jurisdiction,
    recusal, round_institution, score,
};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::evaluation::store_results;

const OTHER_SECTORS: [Sector; 7] = [
    Sector::DirectParty,
    Sector::DirectGovernment,
    Sector::CultureTourismSports,
    Sector::CivilAffairsSocialWelfare,
    Sector::IndustryTransport,
    Sector::ScienceResearch,
    Sector::Other,
];

/// (code, name, category, sectors, weight): every institution's applicable weights sum to 100.
fn indicators() -> Vec<(&'static str, &'static str, IndicatorCategory, Vec<Sector>, f64)> {
    let (common, public, sector) = (IndicatorCategory::Common, IndicatorCategory::Public, IndicatorCategory::Sector);
    vec![
        ("C1", "履职尽责", common, vec![], 25.0),
        ("C2", "服务质量", common, vec![], 20.0),
        ("C3", "编制使用效率", common, vec![], 15.0),
        ("C4", "财务管理", common, vec![], 10.0),
        ("P1", "社会满意度", public, vec![], 10.0),
        ("S-EDU", "教育教学质量", sector, vec![Sector::Education], 20.0),
        ("S-HEALTH", "医疗卫生服务", sector, vec![Sector::Health], 20.0),
        ("S-AGRI", "农业技术推广成效", sector, vec![Sector::AgricultureForestryWaterLivestock], 20.0),
        ("S-OTHER", "行业职能履行", sector, OTHER_SECTORS.to_vec(), 20.0),
    ]
}

/// The committee: (subject, name, group, department the member works for).
const COMMITTEE: [(&str, &str, MemberGroup, Option<&str>); 6] = [
    ("expert-li", "李教授", MemberGroup::Expert, None),
    ("expert-wang", "王研究员", MemberGroup::Expert, None),
    ("expert-sun", "孙处长", MemberGroup::Expert, Some("张掖市教育局")),
    ("recipient-zhao", "赵女士", MemberGroup::ServiceRecipient, None),
    ("rep-chen", "陈代表", MemberGroup::PublicRepresentative, None),
    ("media-liu", "刘记者", MemberGroup::Media, None),
];

pub async fn load(txn: &DatabaseTransaction, city: &jurisdiction::Model, rng: &mut ChaCha8Rng) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    let set = indicator_set::ActiveModel {
        jurisdiction_id: Set(city.id),
        name: Set("张掖市事业单位绩效评价指标体系".into()),
        excellent_threshold: Set(90.0),
        good_threshold: Set(80.0),
        pass_threshold: Set(60.0),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let mut rows = Vec::new();
    for (code, name, category, sectors, weight) in indicators() {
        let words: Vec<&str> = sectors.iter().map(|s| s.word()).collect();
        rows.push(
            indicator::ActiveModel {
                set_id: Set(set.id),
                code: Set(code.into()),
                name: Set(name.into()),
                description: Set(String::new()),
                category: Set(category),
                sectors: Set(serde_json::to_string(&words)?),
                weight: Set(weight),
                min_score: Set(0.0),
                max_score: Set(100.0),
                ..Default::default()
            }
            .insert(txn)
            .await?,
        );
    }
    // The public evaluation weighs its four groups (service recipients most).
    let groups = [
        (MemberGroup::Expert, 20.0),
        (MemberGroup::ServiceRecipient, 40.0),
        (MemberGroup::PublicRepresentative, 25.0),
        (MemberGroup::Media, 15.0),
    ];
    let weights: Vec<group_weight::ActiveModel> = groups
        .iter()
        .map(|(group, weight)| group_weight::ActiveModel {
            set_id: Set(set.id),
            category: Set(Some(IndicatorCategory::Public)),
            indicator_id: Set(None),
            member_group: Set(*group),
            weight: Set(*weight),
            ..Default::default()
        })
        .collect();
    group_weight::Entity::insert_many(weights).exec(txn).await?;
    // Twenty-four institutions across the sectors, the same in every round.
    let all = institution::Entity::find()
        .filter(institution::Column::JurisdictionId.eq(city.id))
        .filter(institution::Column::Status.eq(InstitutionStatus::Active))
        .order_by_asc(institution::Column::Id)
        .all(txn)
        .await?;
    let mut chosen: Vec<institution::Model> = Vec::new();
    for (sector, n) in [
        (Sector::Education, 5),
        (Sector::Health, 5),
        (Sector::AgricultureForestryWaterLivestock, 6),
        (Sector::CultureTourismSports, 3),
        (Sector::IndustryTransport, 3),
        (Sector::ScienceResearch, 2),
    ] {
        chosen.extend(all.iter().filter(|i| i.sector == sector).take(n).cloned());
    }
    // A steady quality per institution: two fail twice, a few excel.
    let quality: Vec<f64> = (0..chosen.len())
        .map(|k| match k {
            11 | 17 => 48.0,
            0 | 5 | 12 => 95.0,
            _ => rng.gen_range(66.0..89.0),
        })
        .collect();
    let departments =
        department::Entity::find().filter(department::Column::JurisdictionId.eq(city.id)).all(txn).await?;
    for (year, status) in [(2024, RoundStatus::Published), (2025, RoundStatus::Published), (2026, RoundStatus::Scoring)]
    {
        let round = evaluation_round::ActiveModel {
            jurisdiction_id: Set(city.id),
            set_id: Set(set.id),
            year: Set(year),
            name: Set(format!("{year}年度市直事业单位绩效评价")),
            status: Set(status),
            created_at: Set(now),
            opened_at: Set(Some(now)),
            closed_at: Set((status != RoundStatus::Scoring).then_some(now)),
            published_at: Set((status == RoundStatus::Published).then_some(now)),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        let links: Vec<round_institution::ActiveModel> = chosen
            .iter()
            .map(|i| round_institution::ActiveModel {
                round_id: Set(round.id),
                institution_id: Set(i.id),
                ..Default::default()
            })
            .collect();
        round_institution::Entity::insert_many(links).exec(txn).await?;
        let mut scores = Vec::new();
        for (subject, name, group, works_for) in COMMITTEE {
            let department = works_for.and_then(|d| departments.iter().find(|x| x.name == d));
            let member = committee_member::ActiveModel {
                round_id: Set(round.id),
                subject: Set(subject.into()),
                name: Set(name.into()),
                member_group: Set(group),
                department_id: Set(department.map(|d| d.id)),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            for (k, inst) in chosen.iter().enumerate() {
                if let Some(d) = department.filter(|d| d.id == inst.department_id) {
                    recusal::ActiveModel {
                        round_id: Set(round.id),
                        member_id: Set(member.id),
                        institution_id: Set(inst.id),
                        reason: Set(format!("works for {}, the supervising department of {}", d.name, inst.name)),
                        ..Default::default()
                    }
                    .insert(txn)
                    .await?;
                    continue;
                }
                // The open round is half scored: members have done the first half.
                if status == RoundStatus::Scoring && k >= chosen.len() / 2 {
                    continue;
                }
                for ind in rows.iter().filter(|i| crate::evaluation::applies(i, inst.sector)) {
                    let value: f64 = (quality[k] + rng.gen_range(-6.0..6.0)).clamp(0.0, 100.0);
                    scores.push(score::ActiveModel {
                        round_id: Set(round.id),
                        member_id: Set(member.id),
                        institution_id: Set(inst.id),
                        indicator_id: Set(ind.id),
                        value: Set((value * 10.0).round() / 10.0),
                        submitted_at: Set(now),
                        ..Default::default()
                    });
                }
            }
        }
        for batch in scores.chunks(500) {
            score::Entity::insert_many(batch.to_vec()).exec(txn).await?;
        }
        if status != RoundStatus::Scoring {
            store_results(txn, &round).await.map_err(|e| anyhow::anyhow!(e.message()))?;
        }
    }
    Ok(())
}
