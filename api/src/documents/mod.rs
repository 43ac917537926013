//! The documents an office issues (CONTRACT.md `/documents/...`), as A4 PDF made in the process:
//! the 编制使用核准通知单 of an approved vacancy-use plan, the 入编 / 出编 notice of a person's
//! arrival or departure, the 批复 of an establishment event, of a reform and of a 三定
//! determination, and an institution's establishment card (编制管理证 / 编制卡).
//!
//! Each is read through the caller's scope as the act itself is (never by the public or an
//! evaluator), carries the office's name, the act's document number, its date in Chinese form,
//! a place for the seal, and a footer with a verification code and the audit chain's head
//! when it was made. The code is the document's kind and row with a short hash of everything
//! the document states (not of when it was printed), so `/documents/verify/{code}` can tell an
//! office whether a paper copy still says what the record says.

mod acts;
mod card;
mod layout;
mod words;

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};
use crate::pii::PiiCipher;
use crate::scope::Scope;

/// The kinds of document, by the path segment that names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Kind {
    VacancyUse,
    Institution,
    Movement,
    EstablishmentEvent,
    Reform,
    Determination,
}

impl Kind {
    const ALL: [Kind; 6] = [
        Kind::VacancyUse,
        Kind::Institution,
        Kind::Movement,
        Kind::EstablishmentEvent,
        Kind::Reform,
        Kind::Determination,
    ];

    /// The path segment: `/documents/{segment}/{id}.pdf`.
    pub fn segment(self) -> &'static str {
        match self {
            Kind::VacancyUse => "vacancy-use",
            Kind::Institution => "institution",
            Kind::Movement => "movement",
            Kind::EstablishmentEvent => "establishment-event",
            Kind::Reform => "reform",
            Kind::Determination => "determination",
        }
    }

    /// The verification code's leading letters.
    fn prefix(self) -> &'static str {
        match self {
            Kind::VacancyUse => "VU",
            Kind::Institution => "IC",
            Kind::Movement => "MV",
            Kind::EstablishmentEvent => "EV",
            Kind::Reform => "RF",
            Kind::Determination => "DD",
        }
    }

    /// Where the document of row `id` downloads.
    pub fn path(self, id: i32) -> String {
        format!("/documents/{}/{id}.pdf", self.segment())
    }

    pub fn from_segment(segment: &str) -> Option<Kind> {
        Self::ALL.into_iter().find(|kind| kind.segment() == segment)
    }
}

/// What a document says, before it is laid out.
#[derive(Serialize)]
pub struct Draft {
    pub kind: Kind,
    pub subject: i32,
    /// The issuing office: 张掖市机构编制委员会办公室.
    pub issuer: String,
    /// The act's document number (文号).
    pub number: Option<String>,
    pub title: String,
    pub blocks: Vec<Block>,
    /// The date under the seal: the act's (which its body states as well), or for a card the
    /// day it is printed; not part of the verification code.
    #[serde(skip)]
    pub dated: NaiveDate,
}

/// A part of a document's body.
#[derive(Serialize)]
pub enum Block {
    /// Whom it is addressed to, flush left: 市教育局：
    Addressee(String),
    /// Body text, its first line indented two characters.
    Paragraph(String),
    Heading(String),
    /// Labelled facts, one bordered row each.
    Fields(Vec<(String, String)>),
    /// A bordered table, its columns' widths as shares of the text width.
    Table {
        headers: Vec<String>,
        shares: Vec<f32>,
        rows: Vec<Vec<String>>,
    },
    /// The place for the office's seal, with its name and the date.
    Seal,
}

impl Draft {
    /// `VU17-3F9A0C2B`: the kind, the row, and the first 8 hex digits of SHA-256 over what the
    /// document states.
    pub fn code(&self) -> String {
        let stated = serde_json::to_vec(self).unwrap_or_default();
        let digest = Sha256::digest(&stated);
        let hash: String = digest.iter().take(4).map(|b| format!("{b:02X}")).collect();
        format!("{}{}-{hash}", self.kind.prefix(), self.subject)
    }
}

/// A document made for its reader.
pub struct Issued {
    pub name: String,
    pub code: String,
    pub bytes: Vec<u8>,
}

/// How a document shows national ID numbers: as its reader sees them (in full to the person's
/// own office), or masked to the last four for everyone, as the verification code reads them
/// (so a department's copy and the office's have one code).
#[derive(Clone, Copy)]
pub enum Reader<'a> {
    Canonical,
    Of(&'a Scope),
}

impl Reader<'_> {
    fn national_id(self, pii: &PiiCipher, person: &entity::staff::Model, jurisdiction_id: i32) -> ApiResult<String> {
        let number = pii.decrypt(&person.national_id_cipher).map_err(ApiError::Internal)?;
        Ok(match self {
            Reader::Of(scope) if scope.sees_personal_data(jurisdiction_id) => number,
            Reader::Of(scope) => crate::codes::mask_national_id_to(&number, scope.masked_id_digits()),
            Reader::Canonical => crate::codes::mask_national_id(&number),
        })
    }
}

/// Fails for readers no document is for: the public and evaluators.
fn require_reader(scope: &Scope) -> ApiResult<()> {
    match scope.staff() {
        Ok(_) => Ok(()),
        Err(_) => {
            Err(ApiError::forbidden("documents are for the offices, departments and institutions that hold the act"))
        }
    }
}

/// What the document of `kind` on row `id` states, read through the caller's scope; a row the
/// caller may not read is answered as one that does not exist.
pub async fn draft(
    db: &DatabaseConnection,
    scope: &Scope,
    pii: &PiiCipher,
    reader: Reader<'_>,
    kind: Kind,
    id: i32,
) -> ApiResult<Draft> {
    require_reader(scope)?;
    match kind {
        Kind::VacancyUse => acts::vacancy_use(db, scope, id).await,
        Kind::Institution => card::establishment_card(db, scope, pii, reader, id).await,
        Kind::Movement => acts::movement(db, scope, pii, reader, id).await,
        Kind::EstablishmentEvent => acts::establishment_event(db, scope, id).await,
        Kind::Reform => acts::reform(db, scope, id).await,
        Kind::Determination => acts::determination(db, scope, id).await,
    }
}

/// The document of `kind` on row `id` as PDF, with the audit chain's head in its footer.
pub async fn issue(db: &DatabaseConnection, scope: &Scope, pii: &PiiCipher, kind: Kind, id: i32) -> ApiResult<Issued> {
    let draft = draft(db, scope, pii, Reader::Of(scope), kind, id).await?;
    let code = match kind {
        Kind::Institution | Kind::Movement => self::draft(db, scope, pii, Reader::Canonical, kind, id).await?.code(),
        _ => draft.code(),
    };
    let head = crate::audit::head(db, false).await?;
    let footer = format!(
        "验证码 {code} · 审计链第 {} 条（{}）· 制作于 {}",
        head.seq,
        head.hash.get(..12).unwrap_or(&head.hash),
        words::date_short(chrono::Utc::now().date_naive()),
    );
    let bytes = tokio::task::spawn_blocking(move || layout::render(&draft, &footer))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::Internal)?;
    Ok(Issued { name: format!("{}-{id}.pdf", kind.segment()), code, bytes })
}

/// A verification code checked against the record as the caller reads it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub code: String,
    /// Whether the record still states what the document with this code stated.
    pub matches: bool,
    /// The code of the document as the record reads now.
    pub current_code: String,
    pub kind: &'static str,
    pub title: String,
    pub document_no: Option<String>,
    pub dated: NaiveDate,
    /// Where to download the document as it reads now.
    pub path: String,
}

/// Checks a verification code: the kind and row it names are read through the caller's scope
/// (one out of it reads as unknown), and their document's code now is compared with it.
pub async fn verify(db: &DatabaseConnection, scope: &Scope, pii: &PiiCipher, code: &str) -> ApiResult<Verdict> {
    let unknown = || ApiError::not_found("no document has this verification code");
    let code = code.trim().to_ascii_uppercase();
    let (head, _) = code.split_once('-').ok_or_else(unknown)?;
    let kind = Kind::ALL.into_iter().find(|kind| head.starts_with(kind.prefix())).ok_or_else(unknown)?;
    let id: i32 = head[kind.prefix().len()..].parse().map_err(|_| unknown())?;
    let draft = match draft(db, scope, pii, Reader::Canonical, kind, id).await {
        Err(ApiError::NotFound(_)) => return Err(unknown()),
        other => other?,
    };
    let current_code = draft.code();
    Ok(Verdict {
        matches: current_code == code,
        code,
        current_code,
        kind: kind.segment(),
        title: draft.title,
        document_no: draft.number,
        dated: draft.dated,
        path: kind.path(id),
    })
}
