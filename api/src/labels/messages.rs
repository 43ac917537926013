//! Every message the API answers with, in Chinese: a code's sentence, then the detail as the
//! catalogue ([`super::catalogue`]) words it, with the values it carries put back in place.
//! A detail the catalogue does not know is left out (the English stays in `messageEn`): a
//! Chinese reader never reads an English sentence.

use std::sync::LazyLock;

use super::access::ACCESS;
use super::catalogue::MESSAGES;

/// Each error code's sentence in Chinese.
const CODE_SENTENCES: &[(&str, &str)] = &[
    ("UNAUTHENTICATED", "需要登录，或登录已失效"),
    ("FORBIDDEN", "无权办理"),
    ("NOT_FOUND", "未找到"),
    ("BAD_USER_INPUT", "填写的内容有误"),
    ("CONFLICT", "与现有数据或规则冲突，不能办理"),
    ("UNAVAILABLE", "系统暂时不可用，请稍后再试"),
    ("RATE_LIMITED", "操作过于频繁，请稍后再试"),
    ("INTERNAL", "系统内部错误，请凭请求编号联系管理员"),
    ("GRAPHQL_PARSE_FAILED", "请求的查询语句无法解析"),
    ("GRAPHQL_VALIDATION_FAILED", "请求的查询与接口定义不符"),
    ("COST_EXCEEDED", "查询开销超出上限"),
    ("PERSISTED_QUERY_NOT_FOUND", "本系统尚未保存该查询，请随查询正文重新发送"),
];

/// An English template cut at its `{}` holes, with its Chinese.
struct Template {
    pieces: Vec<&'static str>,
    chinese: &'static str,
}

/// The catalogue's templates, the most specific (most fixed text) first, so that a template
/// made mostly of holes only takes what no other one fits.
static TEMPLATES: LazyLock<Vec<Template>> = LazyLock::new(|| {
    let mut all: Vec<Template> = MESSAGES
        .iter()
        .chain(ACCESS)
        .map(|(english, chinese)| Template { pieces: english.split("{}").collect(), chinese })
        .collect();
    all.sort_by_key(|t| std::cmp::Reverse(t.pieces.iter().map(|p| p.len()).sum::<usize>()));
    all
});

impl Template {
    /// The values in the holes, when `message` is this template filled in.
    fn values<'m>(&self, message: &'m str) -> Option<Vec<&'m str>> {
        let (first, rest) = self.pieces.split_first()?;
        let mut tail = message.strip_prefix(first)?;
        let Some((last, middle)) = rest.split_last() else {
            return tail.is_empty().then(Vec::new);
        };
        let mut values = Vec::with_capacity(rest.len());
        for piece in middle {
            let at = if piece.is_empty() { 0 } else { tail.find(piece)? };
            values.push(&tail[..at]);
            tail = &tail[at + piece.len()..];
        }
        values.push(tail.strip_suffix(last)?);
        Some(values)
    }

    /// The Chinese with the values in place: `{}` takes the next value, `{0}`…`{9}` a given one.
    fn fill(&self, values: &[&str]) -> String {
        let mut out = String::with_capacity(self.chinese.len() + 16);
        let mut next = 0;
        let mut rest = self.chinese;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let (index, skip) = match after.as_bytes() {
                [b'}', ..] => {
                    next += 1;
                    (Some(next - 1), 1)
                }
                [d @ b'0'..=b'9', b'}', ..] => (Some(usize::from(d - b'0')), 2),
                _ => (None, 0),
            };
            match index {
                Some(i) => out.push_str(&value_zh(values.get(i).copied().unwrap_or_default())),
                None => out.push('{'),
            }
            rest = &after[skip..];
        }
        out.push_str(rest);
        out
    }
}

/// A value a message carries, in Chinese where it is one of the product's words (an
/// enumeration's word, a field's name, a list of them); anything else (a name, a number, a code)
/// as it is.
fn value_zh(value: &str) -> String {
    let word = value.trim().trim_matches('`');
    if let Some(label) = super::zh(word).or_else(|| super::field_zh(word)).or_else(|| phrase_zh(word)) {
        return label.to_string();
    }
    if word.contains(", ") {
        let parts: Vec<String> = word.split(", ").map(value_zh).collect();
        return parts.join("、");
    }
    word.to_string()
}

/// The few English phrases a message puts in a hole.
fn phrase_zh(phrase: &str) -> Option<&'static str> {
    const PHRASES: &[(&str, &str)] = &[
        ("no post left", "已无剩余岗位"),
        ("fiscal", "财政拨款"),
        ("self-financed", "自收自支"),
        ("self_financed", "自收自支"),
    ];
    PHRASES.iter().find(|(english, _)| *english == phrase).map(|(_, zh)| *zh)
}

/// The detail in Chinese, when the catalogue (or the import reasons' table) knows it.
pub(super) fn detail_zh(message: &str) -> Option<String> {
    let message = message.strip_prefix("authentication required: ").unwrap_or(message);
    catalogued(message).or_else(|| library_zh(message)).or_else(|| super::reasons::known_reason_zh(message))
}

/// The detail in Chinese by the catalogue's template it fills.
pub(super) fn catalogued(message: &str) -> Option<String> {
    TEMPLATES.iter().find_map(|t| t.values(message).map(|values| t.fill(&values)))
}

/// async-graphql's own refusals of a request (a value that does not parse, a query that does
/// not validate), named by the field they concern where the library names one.
fn library_zh(message: &str) -> Option<String> {
    if let Some(rest) = message.strip_prefix("Invalid value for argument \"") {
        let argument = rest.split('"').next().unwrap_or_default();
        let field = argument.rsplit('.').next().unwrap_or(argument);
        return Some(match super::field_zh(field) {
            Some(name) => format!("“{name}”的取值无效，请按格式重新填写"),
            None => "有一项的取值无效，请按格式重新填写".to_string(),
        });
    }
    let request = ["Unknown field", "Unknown argument", "Unknown type", "Syntax Error", "Field \"", "Variable \""];
    request.iter().any(|p| message.starts_with(p)).then(|| "请求的格式不正确".to_string())
}

/// An API error's message in Chinese: its code's sentence, then the detail in Chinese where the
/// catalogue knows it (else the sentence alone; the English stays in `messageEn`).
pub fn message_zh(code: &str, message: &str) -> String {
    let sentence = CODE_SENTENCES.iter().find(|(c, _)| *c == code).map_or("操作未完成", |(_, s)| *s);
    // A parse error's detail is the parser's own account of the text (where it stopped).
    let silent = ["INTERNAL", "GRAPHQL_PARSE_FAILED", "PERSISTED_QUERY_NOT_FOUND"];
    match detail_zh(message) {
        Some(detail) if !detail.is_empty() && !silent.contains(&code) => format!("{sentence}：{detail}"),
        _ => sentence.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::message_zh;

    #[test]
    fn an_error_reads_in_chinese_with_its_values_in_place() {
        assert_eq!(
            message_zh("FORBIDDEN", "the public may only read; sign in to change records"),
            "无权办理：公众只能查阅，修改数据需要登录"
        );
        assert_eq!(message_zh("CONFLICT", "something rare"), "与现有数据或规则冲突，不能办理");
        assert_eq!(message_zh("INTERNAL", "internal error"), "系统内部错误，请凭请求编号联系管理员");
        assert_eq!(
            message_zh("CONFLICT", "only 2 FISCAL slot(s) are vacant and not already promised to an approved plan"),
            "与现有数据或规则冲突，不能办理：财政拨款空编仅剩2个（已扣除已批准用编计划的剩余名额）"
        );
        assert_eq!(message_zh("BAD_USER_INPUT", "`hireDate` is in the future"), "填写的内容有误：进人日期晚于今天");
        assert_eq!(message_zh("BAD_USER_INPUT", "`documentNo` is required"), "填写的内容有误：文号必须填写");
    }
}
