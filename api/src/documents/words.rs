//! How documents write dates, figures and the product's words.

use chrono::{Datelike, NaiveDate};

const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// A number from 1 to 31 as a document's date writes it: 七, 十二, 二十一, 三十.
fn small_number(n: u32) -> String {
    let (tens, units) = (n / 10, n % 10);
    let mut out = String::new();
    if tens > 1 {
        out.push(DIGITS[tens as usize]);
    }
    if tens > 0 {
        out.push('十');
    }
    if units > 0 {
        out.push(DIGITS[units as usize]);
    }
    out
}

/// The date under a document's seal: 二〇二六年十二月七日.
pub fn date_zh(day: NaiveDate) -> String {
    let year: String = day.year().to_string().chars().map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize]).collect();
    format!("{year}年{}月{}日", small_number(day.month()), small_number(day.day()))
}

/// A date in a document's body: 2026年12月7日.
pub fn date_short(day: NaiveDate) -> String {
    format!("{}年{}月{}日", day.year(), day.month(), day.day())
}

/// A product word in Chinese (the word itself when it has no label).
pub fn zh(word: &str) -> String {
    crate::labels::zh(word).unwrap_or(word).to_string()
}

/// A labelled fact of a document.
pub fn field(label: &str, value: impl Into<String>) -> (String, String) {
    (label.to_string(), value.into())
}

/// A 三定 value as a document writes it: a text as it is, a list (names, or `{title, count}`
/// posts) joined by `separator`, nothing as a dash.
pub fn stated(value: &serde_json::Value, separator: &str) -> String {
    use serde_json::Value;
    let text = match value {
        Value::String(text) => text.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Object(post) => format!(
                    "{} {} 名",
                    post.get("title").and_then(Value::as_str).unwrap_or_default(),
                    post.get("count").map(Value::to_string).unwrap_or_default()
                ),
                other => other.as_str().map(str::to_string).unwrap_or_else(|| other.to_string()),
            })
            .collect::<Vec<_>>()
            .join(separator),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    if text.trim().is_empty() { "—".into() } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_documents_write_them() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(date_zh(day(2026, 12, 7)), "二〇二六年十二月七日");
        assert_eq!(date_zh(day(2030, 1, 10)), "二〇三〇年一月十日");
        assert_eq!(date_zh(day(2025, 11, 21)), "二〇二五年十一月二十一日");
        assert_eq!(date_zh(day(2024, 10, 30)), "二〇二四年十月三十日");
        assert_eq!(date_short(day(2026, 3, 5)), "2026年3月5日");
    }
}
