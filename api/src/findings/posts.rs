//! The post structure tests of the post-setting rules (事业单位岗位设置管理试行办法, 国人部发〔2006〕
//! 70号, and its implementing opinions, 国人部发〔2006〕87号), by the kind of unit: a unit serving
//! the public mainly through professional work keeps professional-technical posts as the main
//! body (generally no less than 70 %); a unit mainly managing social affairs keeps management
//! posts as the main body (more than half); a unit mainly doing skilled operation, maintenance
//! and service support keeps skilled-worker posts as the main body. A unit managed with reference
//! to the Civil Servant Law (参公) is left out: its staff are management staff by law.

use entity::enums::{Classification, ManagementMode};
use entity::institution;

use super::{Finding, Findings, finding, share};

/// The source the tests' thresholds come from, quoted in each finding.
pub const SOURCE: &str = "国人部发〔2006〕70号、87号";

/// Name words of units whose work is service support (工勤技能岗位为主体).
const SUPPORT: [&str; 8] = ["车队", "后勤", "保障", "食堂", "接待", "印刷", "物业", "机关事务"];

/// The share of management posts a unit managing social affairs keeps above.
const MANAGEMENT_MAIN_BODY: f64 = 0.5;

/// What a unit mainly does, as the post-setting rules tell units apart.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum UnitKind {
    /// Serves the public mainly through professional work (专业技术岗位为主体).
    ProfessionalService,
    /// Mainly manages social affairs (管理岗位为主体): classified as bearing administrative
    /// functions.
    SocialAffairs,
    /// Mainly skilled operation and service support (工勤技能岗位为主体).
    ServiceSupport,
}

/// The unit's kind, or none for a 参公 unit (out of the tests).
pub fn kind_of(row: &institution::Model) -> Option<UnitKind> {
    if row.management_mode == ManagementMode::CivilServantReferenced {
        return None;
    }
    if row.classification == Classification::Administrative {
        return Some(UnitKind::SocialAffairs);
    }
    if SUPPORT.iter().any(|w| row.name.contains(w)) {
        return Some(UnitKind::ServiceSupport);
    }
    Some(UnitKind::ProfessionalService)
}

impl Findings {
    /// Logistics staff (工勤技能) above what the unit's kind allows, in units of 5 or more: more
    /// than `above` in a professional-service unit (its professional posts are the main body),
    /// more than half in a unit managing social affairs (its management posts are).
    pub async fn logistics_heavy(&self, above: f64) -> Vec<Finding> {
        self.rows
            .iter()
            .filter_map(|r| {
                let limit = match kind_of(r)? {
                    UnitKind::ProfessionalService => above,
                    UnitKind::SocialAffairs => above.max(1.0 - MANAGEMENT_MAIN_BODY),
                    UnitKind::ServiceSupport => return None,
                };
                let c = self.counts(r.id);
                let s = share(c.logistics_service, c.in_establishment);
                (c.in_establishment >= 5 && s > limit).then(|| {
                    let (n, of, pct) = (c.logistics_service, c.in_establishment, (limit * 100.0).round());
                    let zh = format!("在编{of}人中工勤技能人员{n}人，超过此类单位工勤岗位{pct}%的上限（{SOURCE}）");
                    let en = format!("{n} of {of} are logistics staff, above this kind of unit's {pct}% ({SOURCE})");
                    finding(r, s, zh, en)
                })
            })
            .collect()
    }

    /// Professional-service units whose professional-technical staff are below `below` of
    /// those in establishment (the rules: generally no less than 70 %), in units of 5 or more.
    pub async fn few_professionals(&self, below: f64) -> Vec<Finding> {
        self.rows
            .iter()
            .filter(|r| kind_of(r) == Some(UnitKind::ProfessionalService))
            .filter_map(|r| {
                let c = self.counts(r.id);
                let s = share(c.professional_technical, c.in_establishment);
                (c.in_establishment >= 5 && s < below).then(|| {
                    let (n, of, pct) = (c.professional_technical, c.in_establishment, (below * 100.0).round());
                    let zh =
                        format!("以专业技术提供公益服务的单位，在编{of}人中专业技术人员{n}人，低于{pct}%（{SOURCE}）");
                    let en = format!(
                        "a professional-service unit with {n} of {of} professional-technical, below {pct}% ({SOURCE})"
                    );
                    finding(r, s, zh, en)
                })
            })
            .collect()
    }
}
