//! Sound suppression, tried as an attacker would: everything a release publishes (each record,
//! each total), the release before it and its changes list, every identity (staff = its three
//! categories; staff + vacant − over establishment = usable slots, taken as known), solved by
//! linear programming over the whole table at once, independently of the product's own audit.

use std::collections::{HashMap, HashSet};

use microlp::{ComparisonOp, OptimizationDirection, Problem, Variable};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

const CITY: &str = "620700";
const PUBLISH: &str = "mutation($t: Int!) { publishRelease(suppressionThreshold: $t) { id suppressionThreshold } }";
const RELEASE: &str = r#"query($j: String!, $r: ID, $o: Int!) { disclosure(jurisdiction: $j, releaseId: $r) { id
    overview { staffInEstablishment management professionalTechnical logisticsService temporary vacant overEstablishment }
    institutions(first: 200, offset: $o) { totalCount items { id staffInEstablishment management
      professionalTechnical logisticsService temporary vacant suppressed } } } }"#;
const AUDIT: &str = r#"query($r: ID!, $n: Int!) { releaseAudit(releaseId: $r, first: $n) { sound threshold withheldRecords
    figuresChecked previousReleaseId releasesCompared figures { releaseId institutionId field value low high width sound } } }"#;
const FIELDS: [&str; 6] =
    ["STAFF_IN_ESTABLISHMENT", "MANAGEMENT", "PROFESSIONAL_TECHNICAL", "LOGISTICS_SERVICE", "TEMPORARY", "VACANT"];
const KEYS: [&str; 6] =
    ["staffInEstablishment", "management", "professionalTechnical", "logisticsService", "temporary", "vacant"];

/// A release as the public sees it.
struct Published {
    id: String,
    /// Totals of the six published figures and of over establishment.
    totals: [Option<f64>; 7],
    /// Each record's six figures, `None` where withheld.
    rows: Vec<(String, Option<[f64; 6]>)>,
}

async fn published(app: &TestApp, jurisdiction: &str) -> Published {
    let mut rows = Vec::new();
    let mut first: Option<Value> = None;
    loop {
        let data = app.ok(None, RELEASE, json!({"j": jurisdiction, "r": null, "o": rows.len()})).await;
        let d = data["disclosure"].clone();
        let items = d["institutions"]["items"].as_array().unwrap().clone();
        for item in &items {
            let values: Option<Vec<f64>> = KEYS.iter().map(|k| item[k].as_f64()).collect();
            assert_eq!(values.is_none(), item["suppressed"] == true, "a withheld record says so: {item}");
            if values.is_none() {
                assert!(KEYS.iter().all(|k| item[k].is_null()), "a record is withheld whole: {item}");
            }
            rows.push((item["id"].as_str().unwrap().to_string(), values.map(|v| v.try_into().unwrap())));
        }
        let total = d["institutions"]["totalCount"].as_u64().unwrap() as usize;
        first.get_or_insert(d);
        if items.is_empty() || rows.len() >= total {
            break;
        }
    }
    let d = first.unwrap();
    let o = &d["overview"];
    let totals = std::array::from_fn(|f| match f {
        6 => o["overEstablishment"].as_f64(),
        _ => o[KEYS[f]].as_f64(),
    });
    Published { id: d["id"].as_str().unwrap().to_string(), totals, rows }
}

/// Each institution's usable slots (approved and borrowed, less frozen and deposited), which
/// the attacker is taken to know from the establishment decisions, and its live figures.
async fn usable_slots(app: &TestApp, token: &str, jurisdiction: &str) -> HashMap<String, f64> {
    let query = r#"query($j: String!, $c: String) { institutions(jurisdiction: $j, status: ACTIVE, first: 100, after: $c) {
        pageInfo { hasNextPage endCursor } edges { node { id establishment { approved borrowed frozen deposited } } } } }"#;
    let mut out = HashMap::new();
    let mut cursor = Value::Null;
    loop {
        let data = app.ok(Some(token), query, json!({"j": jurisdiction, "c": cursor})).await;
        let page = &data["institutions"];
        for edge in page["edges"].as_array().unwrap() {
            let e = &edge["node"]["establishment"];
            let k = ["approved", "borrowed"].iter().map(|f| e[f].as_f64().unwrap()).sum::<f64>()
                - ["frozen", "deposited"].iter().map(|f| e[f].as_f64().unwrap()).sum::<f64>();
            out.insert(edge["node"]["id"].as_str().unwrap().to_string(), k);
        }
        if page["pageInfo"]["hasNextPage"] != true {
            return out;
        }
        cursor = page["pageInfo"]["endCursor"].clone();
    }
}

/// The attacker's program: one set of unknowns per withheld record and run of releases in
/// which it did not change (withheld in several releases in a row, unchanged: one set for all),
/// every identity, every total of every release.
struct Attack<'a> {
    releases: Vec<(&'a Published, &'a HashMap<String, f64>)>,
    /// For each release after the first, the records the attacker takes as unchanged since the
    /// release before it.
    unchanged: Vec<HashSet<String>>,
}

impl Attack<'_> {
    fn present(&self, k: usize, id: &str) -> bool {
        self.releases[k].0.rows.iter().any(|(x, _)| x == id)
    }

    /// The releases (first, last) of the run of unchanged figures that release `k` of `id` is in.
    fn run(&self, k: usize, id: &str) -> (usize, usize) {
        let linked = |i: usize| self.unchanged[i].contains(id) && self.present(i, id) && self.present(i + 1, id);
        let mut first = k;
        while first > 0 && linked(first - 1) {
            first -= 1;
        }
        let mut last = k;
        while last + 1 < self.releases.len() && linked(last) {
            last += 1;
        }
        (first, last)
    }

    /// The least and greatest value of figure `field` of `id` in release `which`.
    fn interval(&self, which: usize, id: &str, field: usize) -> (f64, Option<f64>) {
        let solve = |direction| {
            let mut p = Problem::new(direction);
            let mut unknowns: HashMap<(usize, String), [Variable; 7]> = HashMap::new();
            for (k, (release, usable)) in self.releases.iter().enumerate() {
                let mut sums: Vec<Vec<(Variable, f64)>> = vec![Vec::new(); 7];
                let mut constant = [0.0; 7];
                for (rid, values) in &release.rows {
                    let (first, last) = self.run(k, rid);
                    // Published anywhere in its run: known in all of it.
                    let fixed = values.or_else(|| {
                        (first..=last)
                            .find_map(|i| self.releases[i].0.rows.iter().find(|(x, _)| x == rid).and_then(|(_, v)| *v))
                    });
                    if let Some(v) = fixed {
                        for f in 0..6 {
                            constant[f] += v[f];
                        }
                        constant[6] += (v[0] + v[5] - usable[rid]).max(0.0);
                        continue;
                    }
                    let target = rid.as_str() == id && (first..=last).contains(&which);
                    let vars = match unknowns.get(&(first, rid.clone())) {
                        Some(v) => *v,
                        None => {
                            let v: [Variable; 7] = std::array::from_fn(|f| {
                                p.add_var(if target && f == field { 1.0 } else { 0.0 }, (0.0, f64::INFINITY))
                            });
                            p.add_constraint(
                                [(v[0], 1.0), (v[1], -1.0), (v[2], -1.0), (v[3], -1.0)],
                                ComparisonOp::Eq,
                                0.0,
                            );
                            p.add_constraint([(v[0], 1.0), (v[5], 1.0), (v[6], -1.0)], ComparisonOp::Eq, usable[rid]);
                            unknowns.insert((first, rid.clone()), v);
                            v
                        }
                    };
                    for f in 0..7 {
                        sums[f].push((vars[f], 1.0));
                    }
                }
                for f in 0..7 {
                    if let Some(total) = release.totals[f]
                        && !sums[f].is_empty()
                    {
                        p.add_constraint(sums[f].clone(), ComparisonOp::Eq, total - constant[f]);
                    }
                }
            }
            match p.solve() {
                Ok(s) => Some(s.into_solution().unwrap().objective()),
                Err(microlp::Error::Unbounded) => None,
                Err(e) => panic!("the attacker's program failed: {e:?}"),
            }
        };
        let low = solve(OptimizationDirection::Minimize).unwrap_or(0.0);
        (low, solve(OptimizationDirection::Maximize))
    }
}

async fn audit(app: &TestApp, token: &str, release: &str) -> Value {
    app.ok(Some(token), AUDIT, json!({"r": release, "n": 1000})).await["releaseAudit"].clone()
}

/// Checks the product's audit of a release: sound, each withheld figure at least `threshold`
/// wide, and — for a sample, the narrowest first — the same interval as the attacker's own
/// program over the whole table.
fn check(audit: &Value, attack: &Attack, threshold: f64, sample: usize) {
    assert_eq!(audit["sound"], true, "{audit}");
    let figures = audit["figures"].as_array().unwrap();
    for f in figures {
        assert!(f["width"].is_null() || f["width"].as_f64().unwrap() >= threshold, "too narrow: {f}");
        assert!(f["low"].as_f64().unwrap() <= f["value"].as_f64().unwrap(), "{f}");
        assert!(f["high"].is_null() || f["high"].as_f64().unwrap() >= f["value"].as_f64().unwrap(), "{f}");
    }
    let ids: Vec<&str> = attack.releases.iter().map(|(r, _)| r.id.as_str()).collect();
    for f in figures.iter().take(sample) {
        let which = ids.iter().position(|id| *id == f["releaseId"].as_str().unwrap()).unwrap();
        let field = FIELDS.iter().position(|x| *x == f["field"].as_str().unwrap()).unwrap();
        let (low, high) = attack.interval(which, f["institutionId"].as_str().unwrap(), field);
        let width = high.map(|h| h.floor() - low.ceil());
        assert!(width.is_none_or(|w| w >= threshold), "the attacker narrows {f} to {low}..{high:?}");
        assert_eq!(
            (low.ceil(), high.map(f64::floor)),
            (f["low"].as_f64().unwrap(), f["high"].as_f64()),
            "the audit's interval is the whole table's: {f}"
        );
    }
}

#[tokio::test]
async fn no_withheld_figure_is_recoverable_at_thresholds_zero_three_and_five_nor_after_a_second_release() {
    let app = spawn_app().await;
    api::seed::demo::load_unpublished(&app.db, &app.pii).await.unwrap();
    let city = app.office(CITY);

    // Threshold 0 (Minle): every count is public, nothing to audit.
    let minle = app.office("620722");
    let open = app.ok(Some(&minle), PUBLISH, json!({"t": 0})).await;
    let open_audit = audit(&app, &minle, open["publishRelease"]["id"].as_str().unwrap()).await;
    assert_eq!((open_audit["sound"].clone(), open_audit["withheldRecords"].clone()), (json!(true), json!(0)));
    assert!(published(&app, "620722").await.rows.iter().all(|(_, v)| v.is_some()));

    // Threshold 3 (Ganzhou district).
    let ganzhou = app.office("620702");
    app.ok(Some(&ganzhou), PUBLISH, json!({"t": 3})).await;
    let three = published(&app, "620702").await;
    let usable3 = usable_slots(&app, &ganzhou, "620702").await;
    assert!(three.rows.iter().any(|(_, v)| v.is_none()), "something is withheld at 3");
    let a3 = audit(&app, &ganzhou, &three.id).await;
    check(&a3, &Attack { releases: vec![(&three, &usable3)], unchanged: Vec::new() }, 3.0, 40);

    // Threshold 5 (the city), the issue's own attack: approved − vacant, the row identity and
    // the totals recover nothing now.
    app.ok(Some(&city), PUBLISH, json!({"t": 5})).await;
    let first = published(&app, CITY).await;
    let usable1 = usable_slots(&app, &city, CITY).await;
    let withheld = first.rows.iter().filter(|(_, v)| v.is_none()).count();
    assert!(withheld > 0 && withheld < first.rows.len(), "{withheld} of {}", first.rows.len());
    let a1 = audit(&app, &city, &first.id).await;
    check(&a1, &Attack { releases: vec![(&first, &usable1)], unchanged: Vec::new() }, 5.0, 60);

    // A hire, a departure and a merger, then a second release at 5: audited with the first.
    let pick = r#"query { institutions(jurisdiction: "620700", status: ACTIVE, first: 100) { edges { node { id
        department { id } establishment { byFunding { funding vacant } } } } }
        staff(jurisdiction: "620700", status: ACTIVE, first: 50) { edges { node { id institutionId } } } }"#;
    let data = app.ok(Some(&city), pick, json!({})).await;
    let nodes: Vec<&Value> = data["institutions"]["edges"].as_array().unwrap().iter().map(|e| &e["node"]).collect();
    let hired = nodes
        .iter()
        .find(|n| {
            let funding = n["establishment"]["byFunding"].as_array().unwrap();
            funding.iter().any(|b| b["funding"] == "FISCAL" && b["vacant"].as_i64().unwrap() > 0)
        })
        .unwrap();
    let input = crate::fixture::hire_input(
        hired["id"].as_str().unwrap(),
        "新进人员",
        &crate::fixture::national_id(CITY, "19950101", 901),
        "FISCAL",
    );
    app.ok(Some(&city), crate::fixture::HIRE, json!({ "input": input })).await;
    let leaving = data["staff"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .find(|p| p["institutionId"] != hired["id"])
        .unwrap();
    let retire = r#"mutation($s: ID!) { retireStaff(input: {retirementBasis: WORK_INJURY, documentNo: "甘人社〔2025〕1号", staffId: $s, effectiveOn: "2025-02-01"}) { status } }"#;
    app.ok(Some(&city), retire, json!({"s": leaving["id"]})).await;
    let touched: Vec<String> =
        [&hired["id"], &leaving["institutionId"]].iter().map(|v| v.as_str().unwrap().to_string()).collect();
    let (source, target) = nodes
        .iter()
        .filter(|n| !touched.contains(&n["id"].as_str().unwrap().to_string()))
        .flat_map(|a| nodes.iter().map(move |b| (a, b)))
        .find(|(a, b)| {
            a["id"] != b["id"]
                && a["department"]["id"] == b["department"]["id"]
                && !touched.contains(&b["id"].as_str().unwrap().to_string())
        })
        .unwrap();
    let merge = r#"mutation($i: MergeInput!) { mergeInstitutions(input: $i) { peopleMoved } }"#;
    let input = json!({"sourceIds": [source["id"]], "targetId": target["id"], "documentNo": "张编发〔2025〕30号",
        "effectiveOn": "2025-06-30", "reason": "职能相近"});
    app.ok(Some(&city), merge, json!({ "i": input })).await;
    let mut touched = touched;
    touched.extend([source["id"].as_str().unwrap().to_string(), target["id"].as_str().unwrap().to_string()]);

    app.ok(Some(&city), PUBLISH, json!({"t": 5})).await;
    let second = published(&app, CITY).await;
    assert_ne!(second.id, first.id);
    let usable2 = usable_slots(&app, &city, CITY).await;
    // The changes list names only what the changes touched, or what changed from withheld
    // to published or back: it tells nothing of a withheld figure's value.
    let changes = app
        .ok(
            None,
            "query($a: ID!, $b: ID!) { releaseChanges(from: $a, to: $b) { institutionId kind fields } }",
            json!({"a": first.id, "b": second.id}),
        )
        .await;
    let before: HashMap<&str, bool> = first.rows.iter().map(|(id, v)| (id.as_str(), v.is_some())).collect();
    for change in changes["releaseChanges"].as_array().unwrap() {
        let id = change["institutionId"].as_str().unwrap();
        let now = second.rows.iter().find(|(x, _)| x == id).map(|(_, v)| v.is_some());
        assert!(touched.iter().any(|t| t == id) || now != before.get(id).copied(), "{change}");
    }
    let unchanged: HashSet<String> =
        first.rows.iter().map(|(id, _)| id.clone()).filter(|id| !touched.contains(id)).collect();
    let a2 = audit(&app, &city, &second.id).await;
    assert_eq!(a2["previousReleaseId"], first.id.as_str());
    let attack = Attack { releases: vec![(&first, &usable1), (&second, &usable2)], unchanged: vec![unchanged] };
    check(&a2, &attack, 5.0, 40);

    // An office that once published a figure openly cannot hide it afterwards.
    let refused = app.error_code(Some(&minle), PUBLISH, json!({"t": 5})).await;
    assert_eq!(refused, "CONFLICT");
    // The audit is the office's: not the public's, not another jurisdiction's.
    app.refused(None, AUDIT, json!({"r": second.id, "n": 5}), "FORBIDDEN").await;
    app.refused(Some(&minle), AUDIT, json!({"r": second.id, "n": 5}), "NOT_FOUND").await;
}

/// One change to a withheld record of `release`, not touched before: a hire where a fiscal
/// slot is vacant, or a retirement. Answers the institution changed.
async fn change_withheld(app: &TestApp, token: &str, release: &Published, touched: &[String], round: u32) -> String {
    let withheld: Vec<&String> =
        release.rows.iter().filter(|(id, v)| v.is_none() && !touched.contains(id)).map(|(id, _)| id).collect();
    let query = r#"query($c: String) { institutions(jurisdiction: "620700", status: ACTIVE, first: 100, after: $c) {
        pageInfo { hasNextPage endCursor } edges { node { id establishment { byFunding { funding vacant } } } } } }"#;
    let mut cursor = Value::Null;
    loop {
        let data = app.ok(Some(token), query, json!({"c": cursor})).await;
        for edge in data["institutions"]["edges"].as_array().unwrap() {
            let node = &edge["node"];
            let id = node["id"].as_str().unwrap().to_string();
            if !withheld.contains(&&id) {
                continue;
            }
            if round % 2 == 1 {
                let funding = node["establishment"]["byFunding"].as_array().unwrap();
                if funding.iter().any(|b| b["funding"] == "FISCAL" && b["vacant"].as_i64().unwrap() > 0) {
                    let person = crate::fixture::national_id(CITY, "19950101", 900 + round);
                    let input = crate::fixture::hire_input(&id, "新进人员", &person, "FISCAL");
                    app.ok(Some(token), crate::fixture::HIRE, json!({ "input": input })).await;
                    return id;
                }
                continue;
            }
            let people =
                r#"query($i: ID!) { staff(institutionId: $i, status: ACTIVE, first: 1) { edges { node { id } } } }"#;
            let found = app.ok(Some(token), people, json!({"i": id})).await;
            if let Some(person) = found["staff"]["edges"][0]["node"].as_object() {
                let retire = r#"mutation($s: ID!) { retireStaff(input: {retirementBasis: WORK_INJURY, documentNo: "甘人社〔2025〕1号", staffId: $s, effectiveOn: "2025-02-01"}) { status } }"#;
                app.ok(Some(token), retire, json!({"s": person["id"]})).await;
                return id;
            }
        }
        if data["institutions"]["pageInfo"]["hasNextPage"] != true {
            panic!("no withheld institution to change in round {round}");
        }
        cursor = data["institutions"]["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn four_releases_with_changes_between_them_are_attacked_together() {
    let app = spawn_app().await;
    api::seed::demo::load_unpublished(&app.db, &app.pii).await.unwrap();
    let city = app.office(CITY);
    let mut releases: Vec<(Published, HashMap<String, f64>)> = Vec::new();
    let mut unchanged = Vec::new();
    let mut touched = Vec::new();
    for round in 0..4u32 {
        if let Some((last, _)) = releases.last() {
            let changed = change_withheld(&app, &city, last, &touched, round).await;
            touched.push(changed.clone());
            unchanged.push(last.rows.iter().map(|(id, _)| id.clone()).filter(|id| *id != changed).collect());
        }
        app.ok(Some(&city), PUBLISH, json!({"t": 5})).await;
        let release = published(&app, CITY).await;
        let usable = usable_slots(&app, &city, CITY).await;
        releases.push((release, usable));
    }
    let last = &releases[3].0;
    let audited = audit(&app, &city, &last.id).await;
    assert_eq!(audited["releasesCompared"], 4, "{audited}");
    assert_eq!(audited["previousReleaseId"], releases[2].0.id.as_str());
    // Each change ended a withheld record's run in an earlier release: those figures are
    // audited too, from the first release on.
    let audited_in: HashSet<&str> =
        audited["figures"].as_array().unwrap().iter().map(|f| f["releaseId"].as_str().unwrap()).collect();
    for (release, _) in &releases {
        assert!(audited_in.contains(release.id.as_str()), "release {} is not audited: {audited_in:?}", release.id);
    }
    let attack = Attack { releases: releases.iter().map(|(p, u)| (p, u)).collect(), unchanged };
    check(&audited, &attack, 5.0, 40);
    // Every earlier release is audited with all the others too.
    let first = audit(&app, &city, &releases[0].0.id).await;
    assert_eq!(first["releasesCompared"], 1);
}
