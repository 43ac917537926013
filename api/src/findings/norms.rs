//! The report's problem 3 (too few slots for education and health against rigid demand) as a
//! finding: the units whose approved establishment is below their staffing norm
//! ([`crate::norms`]), the largest shortfall first.

use super::{Finding, Findings, finding};
use crate::error::Result;

impl Findings {
    /// Units below their staffing norm: the shortfall, with the norm's range and the approved
    /// establishment in the sentence.
    pub async fn below_norm(&self) -> Result<Vec<Finding>> {
        let normed = crate::norms::view::load(&self.db, self.rows.clone()).await?;
        Ok(normed
            .below_norm()
            .into_iter()
            .map(|u| {
                let p = &u.proposal;
                let (short, approved, occupied) = (u.shortfall, u.approved, u.occupied);
                let zh = format!(
                    "按编制标准应核{}名（{}至{}名），现核定{approved}名、实有{occupied}名，缺{short}名",
                    p.norm, p.low, p.high
                );
                let en = format!(
                    "the staffing norm gives {} ({} to {}); {approved} approved, {occupied} in post: {short} short",
                    p.norm, p.low, p.high
                );
                finding(&u.institution.0, short.into(), zh, en)
            })
            .collect())
    }
}
