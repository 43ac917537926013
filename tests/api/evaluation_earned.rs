//! A grade is earned from scores, never from their absence; the public evaluation's groups
//! carry weights of their own; a reformed institution leaves open rounds and flags.

use serde_json::{Value, json};

use crate::evaluation::{CLOSE, OPEN, PUBLISH, SUBMIT, common, create_set, evaluator, round, scores};
use crate::fixture::{second_institution, world};
use crate::helpers::{TestApp, spawn_app};

const CLOSE_EXCLUDING: &str =
    "mutation($id: ID!, $e: [ExclusionInput!]!) { closeEvaluationRound(id: $id, exclusions: $e) { status } }";
const RESULTS: &str = "query($id: ID!) { evaluationRound(id: $id) { results { institutionId institutionName total grade
    sectorRank complete excludedReason scoreCount indicators { code mean scoredBy missingGroups groups { group weight mean scoredBy } } } } }";
const FLAGS: &str =
    r#"{ evaluationFlags(jurisdiction: "620700") { kind institution { id } results { grade scoreCount } } }"#;

async fn seat(app: &TestApp, token: &str, round: &str, subject: &str, group: &str) {
    let q = "mutation($i: MemberInput!) { assignCommitteeMember(input: $i) { id } }";
    let input = json!({"i": {"roundId": round, "subject": subject, "name": subject, "group": group}});
    app.ok(Some(token), q, input).await;
}

async fn results(app: &TestApp, token: &str, round: &str) -> Vec<Value> {
    let data = app.ok(Some(token), RESULTS, json!({"id": round})).await;
    data["evaluationRound"]["results"].as_array().unwrap().clone()
}

fn of<'a>(results: &'a [Value], institution: &str) -> &'a Value {
    results.iter().find(|r| r["institutionId"] == institution).unwrap()
}

#[tokio::test]
async fn a_round_closes_only_when_complete_or_with_each_gap_excluded_by_reason() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let a = w.city.institution.as_str();
    let b = second_institution(&app, t, &w.city.department, "张掖市健康教育所", 44, 2).await;
    let set = create_set(&app, t, &[common("C1", 100.0)]).await;
    let id = round(&app, t, &set, &[a, &b]).await;
    seat(&app, t, &id, "m1", "EXPERT").await;
    seat(&app, t, &id, "m2", "EXPERT").await;
    app.ok(Some(t), OPEN, json!({"id": id})).await;
    app.ok(Some(&evaluator(&app, "m1")), SUBMIT, scores(&id, a, &[("C1", 92.0)])).await;
    // Nobody scored B: no total, no grade, no rank; not a FAIL.
    let list = results(&app, t, &id).await;
    let unscored = of(&list, &b);
    assert_eq!((unscored["total"].clone(), unscored["grade"].clone()), (Value::Null, Value::Null), "{unscored}");
    assert_eq!(unscored["sectorRank"], Value::Null);
    assert_eq!(unscored["complete"], false);
    assert_eq!(unscored["scoreCount"], 0);
    assert_eq!(of(&list, a)["grade"], "EXCELLENT");
    assert_eq!(of(&list, a)["scoreCount"], 1);
    // The round does not close over the gap, and names it.
    let refused = app.refused(Some(t), CLOSE, json!({"id": id}), "CONFLICT").await;
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("张掖市健康教育所"), "{refused}");
    let exclude =
        |institution: &str, reason: &str| json!({"id": id, "e": [{"institutionId": institution, "reason": reason}]});
    app.refused(Some(t), CLOSE_EXCLUDING, exclude(&b, "  "), "BAD_USER_INPUT").await;
    app.refused(Some(t), CLOSE_EXCLUDING, exclude(&w.minle.institution, "不在本轮"), "BAD_USER_INPUT").await;
    let status = app.ok(Some(t), "query($id: ID!) { evaluationRound(id: $id) { status } }", json!({"id": id})).await;
    assert_eq!(status["evaluationRound"]["status"], "SCORING", "a refused close writes nothing");
    let closed = app.ok(Some(t), CLOSE_EXCLUDING, exclude(&b, "停业整顿，本年度未能评价")).await;
    assert_eq!(closed["closeEvaluationRound"]["status"], "CLOSED");
    let list = results(&app, t, &id).await;
    assert_eq!(of(&list, &b)["excludedReason"], "停业整顿，本年度未能评价");
    assert_eq!(of(&list, &b)["grade"], Value::Null);
    // Published grades and flags carry only what was earned.
    app.ok(Some(t), PUBLISH, json!({"id": id})).await;
    let public = app
        .ok(None, r#"{ publishedGrades(jurisdiction: "620700") { institutionId grade scoreCount } }"#, json!({}))
        .await;
    assert_eq!(public["publishedGrades"], json!([{"institutionId": a, "grade": "EXCELLENT", "scoreCount": 1}]));
    let flags = app.ok(Some(t), FLAGS, json!({})).await;
    let flagged: Vec<&str> =
        flags["evaluationFlags"].as_array().unwrap().iter().map(|f| f["institution"]["id"].as_str().unwrap()).collect();
    assert_eq!(flagged, vec![a], "{flags}");
    let audit = app
        .ok(Some(t), r#"{ auditLog(action: "evaluation.round.close") { edges { node { after } } } }"#, json!({}))
        .await;
    assert!(audit["auditLog"]["edges"][0]["node"]["after"].as_str().unwrap().contains("停业整顿"));
}

#[tokio::test]
async fn group_weights_combine_within_each_group_first_a_hand_computed_example() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let a = w.city.institution.as_str();
    let b = second_institution(&app, t, &w.city.department, "张掖市妇幼保健院", 45, 2).await;
    let public = json!({"code": "P1", "name": "社会满意度", "category": "PUBLIC", "weight": 40.0});
    let set = create_set(&app, t, &[common("C1", 60.0), public]).await;
    let weigh = "mutation($i: GroupWeightsInput!) { setGroupWeights(input: $i) { groupWeights { category indicatorCode group weight } } }";
    let weights = |pairs: &[(&str, f64)]| -> Value {
        pairs.iter().map(|(g, w)| json!({"group": g, "weight": w})).collect::<Vec<_>>().into()
    };
    let by_category = |list: Value| json!({"i": {"setId": set, "category": "PUBLIC", "weights": list}});
    // Refusals: not summing to 100, a group twice, both targets or none, an unknown indicator.
    for bad in [
        by_category(weights(&[("EXPERT", 50.0), ("MEDIA", 40.0)])),
        by_category(weights(&[("EXPERT", 50.0), ("EXPERT", 50.0)])),
        by_category(weights(&[("EXPERT", 150.0), ("MEDIA", -50.0)])),
        json!({"i": {"setId": set, "category": "PUBLIC", "indicatorCode": "P1", "weights": weights(&[("EXPERT", 100.0)])}}),
        json!({"i": {"setId": set, "weights": weights(&[("EXPERT", 100.0)])}}),
        json!({"i": {"setId": set, "indicatorCode": "P9", "weights": weights(&[("EXPERT", 100.0)])}}),
    ] {
        app.refused(Some(t), weigh, bad, "BAD_USER_INPUT").await;
    }
    let minle = app.office("620722");
    let good = by_category(weights(&[("EXPERT", 50.0), ("SERVICE_RECIPIENT", 30.0), ("MEDIA", 20.0)]));
    app.refused(Some(&minle), weigh, good.clone(), "FORBIDDEN").await;
    let set_weights = app.ok(Some(t), weigh, good.clone()).await;
    assert_eq!(set_weights["setGroupWeights"]["groupWeights"].as_array().unwrap().len(), 3);
    let id = round(&app, t, &set, &[a, &b]).await;
    for (subject, group) in [
        ("e1", "EXPERT"),
        ("e2", "EXPERT"),
        ("r1", "SERVICE_RECIPIENT"),
        ("m1", "MEDIA"),
        ("p1", "PUBLIC_REPRESENTATIVE"),
    ] {
        seat(&app, t, &id, subject, group).await;
    }
    app.ok(Some(t), OPEN, json!({"id": id})).await;
    app.refused(Some(t), weigh, good, "CONFLICT").await;
    for (subject, c1, p1) in
        [("e1", 80.0, 90.0), ("e2", 70.0, 70.0), ("r1", 90.0, 50.0), ("m1", 60.0, 100.0), ("p1", 100.0, 10.0)]
    {
        app.ok(Some(&evaluator(&app, subject)), SUBMIT, scores(&id, a, &[("C1", c1), ("P1", p1)])).await;
    }
    app.ok(Some(&evaluator(&app, "e1")), SUBMIT, scores(&id, &b, &[("C1", 80.0), ("P1", 80.0)])).await;
    let list = results(&app, t, &id).await;
    let scored = of(&list, a);
    // C1 is not weighted by group: five scores, 100 and 60 dropped, mean of 80, 70, 90 = 80 -> 60 x 0.8 = 48.
    // P1: experts (90, 70) 80, recipients 50, media 100; the public representatives carry no
    // weight. 0.5 x 80 + 0.3 x 50 + 0.2 x 100 = 75 -> 40 x 0.75 = 30. Total 78: PASS.
    // (Pooling all five scores would give 70 -> 28, total 76.)
    assert_eq!(scored["indicators"][0]["mean"], 80.0);
    assert_eq!(scored["indicators"][1]["mean"], 75.0);
    assert_eq!(scored["indicators"][1]["scoredBy"], 4);
    assert_eq!(
        scored["indicators"][1]["groups"],
        json!([
            {"group": "EXPERT", "weight": 50.0, "mean": 80.0, "scoredBy": 2},
            {"group": "SERVICE_RECIPIENT", "weight": 30.0, "mean": 50.0, "scoredBy": 1},
            {"group": "MEDIA", "weight": 20.0, "mean": 100.0, "scoredBy": 1},
        ])
    );
    assert_eq!(scored["total"], 78.0);
    assert_eq!(scored["grade"], "PASS");
    assert_eq!(scored["scoreCount"], 9);
    // B was scored by one expert only: the recipients and the media are reported missing, and
    // B has no grade until they score (or the office excludes it).
    let partial = of(&list, &b);
    assert_eq!(partial["indicators"][1]["missingGroups"], json!(["SERVICE_RECIPIENT", "MEDIA"]));
    assert_eq!(partial["complete"], false);
    assert_eq!(partial["grade"], Value::Null);
    app.refused(Some(t), CLOSE, json!({"id": id}), "CONFLICT").await;
    app.ok(Some(&evaluator(&app, "r1")), SUBMIT, scores(&id, &b, &[("P1", 60.0)])).await;
    app.ok(Some(&evaluator(&app, "m1")), SUBMIT, scores(&id, &b, &[("P1", 70.0)])).await;
    // B: C1 80 -> 48; P1 0.5 x 80 + 0.3 x 60 + 0.2 x 70 = 72 -> 28.8. Total 76.8.
    assert_eq!(of(&results(&app, t, &id).await, &b)["total"], 76.8);
    app.ok(Some(t), CLOSE, json!({"id": id})).await;
}

#[tokio::test]
async fn a_merged_institution_leaves_open_rounds_and_its_flags() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let t = w.city.token.as_str();
    let a = w.city.institution.as_str();
    let b = second_institution(&app, t, &w.city.department, "张掖市健康教育所", 46, 2).await;
    let set = create_set(&app, t, &[common("C1", 100.0)]).await;
    // Last year: B failed.
    let last = round(&app, t, &set, &[a, &b]).await;
    seat(&app, t, &last, "m1", "EXPERT").await;
    app.ok(Some(t), OPEN, json!({"id": last})).await;
    let m1 = evaluator(&app, "m1");
    app.ok(Some(&m1), SUBMIT, scores(&last, a, &[("C1", 75.0)])).await;
    app.ok(Some(&m1), SUBMIT, scores(&last, &b, &[("C1", 40.0)])).await;
    app.ok(Some(t), CLOSE, json!({"id": last})).await;
    let flags = app.ok(Some(t), FLAGS, json!({})).await;
    assert_eq!(flags["evaluationFlags"][0]["kind"], "ESTABLISHMENT_REVIEW");
    assert_eq!(flags["evaluationFlags"][0]["institution"]["id"], b.as_str());
    assert_eq!(flags["evaluationFlags"][0]["results"][0]["scoreCount"], 1);
    // This year's round is open when B is merged into A.
    let open = round(&app, t, &set, &[a, &b]).await;
    seat(&app, t, &open, "m1", "EXPERT").await;
    app.ok(Some(t), OPEN, json!({"id": open})).await;
    let merge = "mutation($i: MergeInput!) { mergeInstitutions(input: $i) { slotsMoved } }";
    let input = json!({"i": {"sourceIds": [b], "targetId": a, "documentNo": "张编发〔2026〕3号", "effectiveOn": "2026-03-01", "reason": "职能相近，合并"}});
    app.ok(Some(t), merge, input).await;
    let flags = app.ok(Some(t), FLAGS, json!({})).await;
    assert_eq!(flags["evaluationFlags"], json!([]), "a merged unit is no longer flagged");
    let list = results(&app, t, &open).await;
    assert!(of(&list, &b)["excludedReason"].as_str().unwrap().contains("merged"));
    let owed = app
        .ok(
            Some(t),
            "query($id: ID!) { evaluationRound(id: $id) { completeness { institutionId } } }",
            json!({"id": open}),
        )
        .await;
    assert!(owed["evaluationRound"]["completeness"].as_array().unwrap().iter().all(|m| m["institutionId"] == a));
    // Only A needs its scores now.
    app.ok(Some(&m1), SUBMIT, scores(&open, a, &[("C1", 85.0)])).await;
    app.ok(Some(t), CLOSE, json!({"id": open})).await;
    let stored = results(&app, t, &open).await;
    assert_eq!(of(&stored, a)["grade"], "GOOD");
    assert_eq!(of(&stored, &b)["grade"], Value::Null);
}
