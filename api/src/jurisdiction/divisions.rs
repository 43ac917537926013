//! The national administrative division table (GB/T 2260, as the statistics bureau's 2023
//! edition carries it: `data/SOURCE.md`), embedded in the binary: every province, city, county
//! and district with its official name, kind and parent. `api init` creates a jurisdiction and
//! its ancestors from it; `createJurisdiction` checks codes against it.

use std::collections::HashMap;
use std::sync::LazyLock;

use entity::enums::JurisdictionKind;

/// Which edition the table is, as the README and `api init` name it.
pub const EDITION: &str = "GB/T 2260 codes as the National Bureau of Statistics' 2023 division codes for statistical use \
     carry them (as of 2023-06-30)";

/// One division of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Division {
    pub code: String,
    pub name: String,
    pub kind: JurisdictionKind,
    /// The parent's six-digit code; `None` for a province.
    pub parent: Option<String>,
}

/// Cities that only group counties (the municipalities' 市辖区 and 县, and the counties directly
/// under a province): their counties hang from the province.
const PLACEHOLDER_CITIES: [&str; 4] = ["市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"];

static TABLE: LazyLock<HashMap<String, Division>> = LazyLock::new(|| {
    let mut table = HashMap::new();
    for (code, name) in rows(include_str!("data/provinces.csv")) {
        let code = format!("{code}0000");
        table.insert(code.clone(), Division { code, name, kind: JurisdictionKind::Province, parent: None });
    }
    let mut placeholders = Vec::new();
    for (code, name) in rows(include_str!("data/cities.csv")) {
        let province = format!("{}0000", &code[..2]);
        if PLACEHOLDER_CITIES.contains(&name.as_str()) {
            placeholders.push(code);
            continue;
        }
        let code = format!("{code}00");
        table.insert(code.clone(), Division { code, name, kind: JurisdictionKind::City, parent: Some(province) });
    }
    for (code, name) in rows(include_str!("data/areas.csv")) {
        let city = &code[..4];
        let parent =
            if placeholders.iter().any(|p| p == city) { format!("{}0000", &code[..2]) } else { format!("{city}00") };
        let kind = if name.ends_with('区') { JurisdictionKind::District } else { JurisdictionKind::County };
        table.insert(code.clone(), Division { code, name, kind, parent: Some(parent) });
    }
    table
});

/// The `(code, name)` pairs of one of the table's files (a header line, then `code,"name",…`).
fn rows(text: &'static str) -> impl Iterator<Item = (String, String)> {
    text.lines().skip(1).filter_map(|line| {
        let mut fields = line.splitn(3, ',');
        let code = fields.next()?.trim().to_string();
        let name = fields.next()?.trim().trim_matches('"').to_string();
        (!code.is_empty() && code.bytes().all(|b| b.is_ascii_digit())).then_some((code, name))
    })
}

/// A division by its six-digit code.
pub fn lookup(code: &str) -> Option<&'static Division> {
    TABLE.get(code)
}

/// A division and every one above it, the province first.
pub fn lineage(code: &str) -> Option<Vec<&'static Division>> {
    let mut chain = vec![lookup(code)?];
    while let Some(parent) = chain.last().and_then(|d| d.parent.as_deref()) {
        chain.push(lookup(parent)?);
    }
    chain.reverse();
    Some(chain)
}

/// How many divisions the table holds.
pub fn len() -> usize {
    TABLE.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_city_and_its_counties_are_in_the_table_with_their_official_names() {
        let minle = lineage("620722").unwrap();
        let names: Vec<(&str, &str, JurisdictionKind)> =
            minle.iter().map(|d| (d.code.as_str(), d.name.as_str(), d.kind)).collect();
        assert_eq!(
            names,
            [
                ("620000", "甘肃省", JurisdictionKind::Province),
                ("620700", "张掖市", JurisdictionKind::City),
                ("620722", "民乐县", JurisdictionKind::County),
            ]
        );
        assert_eq!(lookup("620702").unwrap().kind, JurisdictionKind::District);
        assert_eq!(lookup("620721").unwrap().name, "肃南裕固族自治县");
        assert!(len() > 3_000, "{}", len());
    }

    #[test]
    fn a_municipalitys_districts_and_a_provinces_own_counties_sit_under_the_province() {
        let dongcheng = lineage("110101").unwrap();
        assert_eq!(dongcheng.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(), ["110000", "110101"]);
        assert!(lookup("110100").is_none(), "市辖区 is no jurisdiction");
        let xiantao = lineage("429004").unwrap();
        assert_eq!(xiantao.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(), ["420000", "429004"]);
        assert!(lookup("999999").is_none() && lineage("620799").is_none());
    }
}
