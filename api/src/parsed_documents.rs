//! GraphQL documents already parsed, kept for the caller who sent them. A screen sends the same
//! document again and again with new variables; parsing it (async-graphql's pest grammar) costs
//! about a sixth of a page of 50 institutions, and a copy of the parsed document a fraction of
//! that. Validation, the cost check and execution still run on every request.
//!
//! Documents are kept per caller (role, subject, jurisdiction, department), never shared: a
//! document's literals are the caller's own, and a faster answer to a text someone else sent
//! must not tell anyone what that was. The store is bounded by bytes of query text and
//! forgets what is not asked for again.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::parser::types::ExecutableDocument;
use moka::sync::Cache;

use crate::auth::Principal;

/// Documents longer than this are parsed every time (the product's own are under 2 KB).
const MAX_QUERY: usize = 8 * 1024;
/// Bytes of query text kept at most; a parsed document takes several times its text.
const MAX_BYTES: u64 = 2 * 1024 * 1024;
/// A document not asked for again within this is forgotten.
const IDLE: Duration = Duration::from_secs(600);

pub struct ParsedDocuments {
    kept: Cache<String, Arc<ExecutableDocument>>,
}

impl Default for ParsedDocuments {
    fn default() -> Self {
        let kept = Cache::builder()
            .max_capacity(MAX_BYTES)
            .weigher(|key: &String, _: &Arc<ExecutableDocument>| u32::try_from(key.len()).unwrap_or(u32::MAX))
            .time_to_idle(IDLE)
            .build();
        Self { kept }
    }
}

impl ParsedDocuments {
    /// Gives `request` its parsed document: a copy of the one kept for this caller and text
    /// (then `true`), or a fresh parse, kept when it parses. One that does not parse is left to
    /// fail in execution with its syntax error, as before.
    pub fn prepare(&self, caller: &Principal, request: &mut async_graphql::Request) -> bool {
        if request.query.len() > MAX_QUERY {
            return false;
        }
        let key = format!(
            "{:?}\u{0}{}\u{0}{}\u{0}{:?}\u{0}{}",
            caller.role,
            caller.subject,
            caller.jurisdiction.as_deref().unwrap_or_default(),
            caller.department,
            request.query
        );
        if let Some(document) = self.kept.get(&key) {
            request.set_parsed_query(ExecutableDocument::clone(&document));
            return true;
        }
        if let Ok(document) = request.parsed_query() {
            self.kept.insert(key, Arc::new(document.clone()));
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;

    fn caller(subject: &str) -> Principal {
        Principal {
            subject: subject.into(),
            role: Role::StaffingOffice,
            jurisdiction: Some("620700".into()),
            department: None,
            institution: None,
        }
    }

    #[test]
    fn a_document_is_kept_for_its_caller_only_and_a_broken_one_never() {
        let documents = ParsedDocuments::default();
        let text = "{ overview { institutionCount } }";
        assert!(!documents.prepare(&caller("a"), &mut async_graphql::Request::new(text)));
        documents.kept.run_pending_tasks();
        assert_eq!(documents.kept.entry_count(), 1);
        // The same text from the same caller is served from the store; from another, parsed
        // and kept apart.
        let mut again = async_graphql::Request::new(text);
        assert!(documents.prepare(&caller("a"), &mut again), "the caller's own document is kept");
        assert!(again.parsed_query().is_ok());
        assert!(!documents.prepare(&caller("b"), &mut async_graphql::Request::new(text)), "never another's");
        documents.kept.run_pending_tasks();
        assert_eq!(documents.kept.entry_count(), 2);
        documents.prepare(&caller("a"), &mut async_graphql::Request::new("{ overview { "));
        documents.kept.run_pending_tasks();
        assert_eq!(documents.kept.entry_count(), 2, "a document that does not parse is not kept");
    }
}
