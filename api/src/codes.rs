//! Validated identifiers. A value of these types has passed its standard's check, so bad
//! codes cannot travel past the edge of the system.

use chrono::NaiveDate;

/// Administrative division code (GB/T 2260): six digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DivisionCode(String);

impl DivisionCode {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let code = raw.trim();
        if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(code.to_string()))
        } else {
            Err(format!("division code `{code}` must be six digits (GB/T 2260)"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Characters allowed in a unified social credit code, in check-value order (GB 32100-2015).
const CREDIT_CODE_CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_CODE_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Unified social credit code (统一社会信用代码, GB 32100-2015), check character verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditCode(String);

impl CreditCode {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let code = raw.trim().to_ascii_uppercase();
        if code.len() != 18 {
            return Err(format!("credit code `{code}` must have 18 characters"));
        }
        let values = code
            .bytes()
            .map(|b| CREDIT_CODE_CHARS.iter().position(|c| *c == b).map(|p| p as u32))
            .collect::<Option<Vec<u32>>>()
            .ok_or_else(|| format!("credit code `{code}` has a character outside GB 32100-2015"))?;
        let expected = credit_code_check(&values[..17]);
        if values[17] != expected {
            return Err(format!("credit code `{code}` fails its check character (GB 32100-2015)"));
        }
        Ok(Self(code))
    }

    /// Completes 17 characters with their check character (used by the demo generator).
    pub fn complete(first17: &str) -> Option<Self> {
        let values = first17
            .bytes()
            .map(|b| CREDIT_CODE_CHARS.iter().position(|c| *c == b).map(|p| p as u32))
            .collect::<Option<Vec<u32>>>()?;
        if values.len() != 17 {
            return None;
        }
        let check = CREDIT_CODE_CHARS[credit_code_check(&values) as usize] as char;
        Some(Self(format!("{first17}{check}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

fn credit_code_check(values: &[u32]) -> u32 {
    let sum: u32 = values.iter().zip(CREDIT_CODE_WEIGHTS).map(|(v, w)| v * w).sum();
    (31 - sum % 31) % 31
}

const NATIONAL_ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const NATIONAL_ID_CHECKS: &[u8; 11] = b"10X98765432";

/// Resident identity number (GB 11643, ISO 7064 MOD 11-2), with a real birth date inside.
#[derive(Clone, PartialEq, Eq)]
pub struct NationalId {
    number: String,
    birth_date: NaiveDate,
}

impl std::fmt::Debug for NationalId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NationalId({})", mask_national_id(&self.number))
    }
}

impl NationalId {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let number = raw.trim().to_ascii_uppercase();
        let bytes = number.as_bytes();
        if bytes.len() != 18 || !bytes[..17].iter().all(u8::is_ascii_digit) {
            return Err("national ID number must be 17 digits and a check character".into());
        }
        let birth_date = NaiveDate::parse_from_str(&number[6..14], "%Y%m%d")
            .map_err(|_| "national ID number holds no valid birth date".to_string())?;
        if birth_date.format("%Y").to_string().as_str() < "1900" {
            return Err("national ID number holds no valid birth date".into());
        }
        if bytes[17] != national_id_check(&number[..17]) {
            return Err("national ID number fails its check character (ISO 7064 MOD 11-2)".into());
        }
        Ok(Self { number, birth_date })
    }

    /// Completes 17 digits with their check character (used by the demo generator).
    pub fn complete(first17: &str) -> String {
        format!("{first17}{}", national_id_check(first17) as char)
    }

    pub fn as_str(&self) -> &str {
        &self.number
    }

    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }
}

fn national_id_check(first17: &str) -> u8 {
    let sum: u32 = first17.bytes().zip(NATIONAL_ID_WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    NATIONAL_ID_CHECKS[(sum % 11) as usize]
}

/// Shows the first four and last two characters only: enough to tell records apart on a
/// screen, not enough to recover region, birth date or sequence.
/// A national ID as anyone but the person's own office sees it: the last four characters
/// only, never the region or the birth date (with those, the ~3,000 numbers a mask leaves
/// could be tried one by one).
pub fn mask_national_id(number: &str) -> String {
    mask_national_id_to(number, 4)
}

/// A national ID with only its last `shown` characters (at most four) left readable.
pub fn mask_national_id_to(number: &str, shown: usize) -> String {
    let chars: Vec<char> = number.chars().collect();
    if chars.len() != 18 {
        return "*".repeat(chars.len());
    }
    let shown = shown.min(4);
    format!("{}{}", "*".repeat(18 - shown), chars[18 - shown..].iter().collect::<String>())
}

/// A document number (文号) such as `张编发〔2024〕12号`: required, trimmed, bounded.
pub fn document_no(raw: &str) -> Result<String, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Err("document number (文号) is required".into());
    }
    if value.chars().count() > 100 {
        return Err("document number (文号) is longer than 100 characters".into());
    }
    Ok(value.to_string())
}

/// A required, trimmed name of bounded length.
pub fn name(field: &str, raw: &str) -> Result<String, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(format!("{field} is required"));
    }
    if value.chars().count() > 200 {
        return Err(format!("{field} is longer than 200 characters"));
    }
    Ok(value.to_string())
}

/// A CSV cell a spreadsheet would read as a number and round (12 digits or more, an ID number's
/// final X included: credit codes, ID numbers) behind a tab, so Excel and LibreOffice keep it as
/// text with every digit; our own reader trims the tab when such a file comes back.
pub fn csv_keeps_digits(cell: &str) -> String {
    let digits = cell.trim_end_matches(['X', 'x']);
    if cell.len() >= 12 && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        format!("\t{cell}")
    } else {
        cell.to_string()
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_long_number_in_a_csv_stays_text_with_every_digit() {
        assert_eq!(super::csv_keeps_digits("126207000000000102"), "\t126207000000000102");
        assert_eq!(super::csv_keeps_digits("62070019800101001X"), "\t62070019800101001X");
        // Short numbers, words and codes with letters are written as they are.
        for kept in ["236", "4158", "12620700000000010H", "张掖市", ""] {
            assert_eq!(super::csv_keeps_digits(kept), kept);
        }
    }
    use super::*;

    #[test]
    fn credit_code_check_character_is_verified() {
        let code = CreditCode::complete("12620700MB0123456").unwrap();
        assert!(CreditCode::parse(code.as_str()).is_ok());
        let mut broken = code.as_str().to_string();
        let last = broken.pop().unwrap();
        broken.push(if last == '0' { '1' } else { '0' });
        assert!(CreditCode::parse(&broken).is_err());
        assert!(CreditCode::parse("12620700MB012345I0").is_err());
    }

    #[test]
    fn national_id_check_and_birth_date() {
        let id = NationalId::complete("62070219800101123");
        let parsed = NationalId::parse(&id).unwrap();
        assert_eq!(parsed.birth_date(), NaiveDate::from_ymd_opt(1980, 1, 1).unwrap());
        assert!(NationalId::parse("620702198013011234").is_err());
        let mut wrong = id.clone();
        let last = wrong.pop().unwrap();
        wrong.push(if last == '1' { '2' } else { '1' });
        assert!(NationalId::parse(&wrong).is_err());
        assert_eq!(mask_national_id(&id).len(), 18);
        assert!(!mask_national_id(&id).contains("1980"));
    }
}
