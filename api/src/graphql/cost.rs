//! What a request costs, decided from its document before anything runs.
//!
//! Every field costs one, plus its children; a list multiplies its children by its page
//! size (`first`, or the argument's default) or, for lists without pages, by the real upper
//! bound declared below; expensive resolvers declare their own cost. The whole document is
//! priced (every operation, every alias), fragments once each, so a request's cost does not
//! depend on the data and pricing it takes time linear in the document. Introspection is
//! priced as the bounded read of the schema it is.

use std::collections::HashMap;

use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, Field, OperationType, Selection, SelectionSet, ServiceDocument,
    Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Name, Value, Variables};

use crate::auth::Role;
use crate::evaluation::MAX_INDICATORS;

/// Budget of a caller without a token (the portal's largest page costs about 1,000).
pub const PUBLIC_BUDGET: u64 = 5_000;
/// Budget of a signed-in caller (a page of 100 institutions with their relations costs
/// about 3,000; a city's findings with its counties about 6,000).
pub const TOKEN_BUDGET: u64 = 50_000;
/// Longest text value accepted anywhere in a request (an argument or a variable); fields
/// with a tighter rule (names 200, document numbers 100, reasons 1,000) check their own.
pub const MAX_TEXT: usize = 10_000;
/// Deepest selection accepted, introspection excepted.
pub const MAX_DEPTH: usize = 12;
/// What an introspection field (`__schema`, `__type`) costs: a bounded read of the schema.
const INTROSPECTION: u64 = 100;
/// Page size of a paged list whose `first` has no default in the schema.
const DEFAULT_PAGE: u64 = crate::graphql::pagination::DEFAULT_PAGE;
/// Items assumed in a list without pages or a declared bound.
const DEFAULT_LIST: u64 = 100;
/// Cost of each mutation field: it takes a write transaction.
const MUTATION: u64 = 100;

/// Lists without pages and their real upper bounds, and fields that cost more than their
/// children: `(type, field, bound or cost)`.
const LIST_BOUNDS: &[(&str, &str, u64)] = &[
    ("Query", "jurisdictions", 150),
    ("Query", "departments", 1_000),
    ("Jurisdiction", "children", 30),
    ("Jurisdiction", "departments", 100),
    ("Query", "institutionTimeline", 500),
    ("Query", "releaseChanges", 500),
    ("Query", "disclosureReleases", 50),
    ("Query", "evaluationRounds", 20),
    ("EvaluationRound", "institutions", 300),
    ("IndicatorSet", "indicators", MAX_INDICATORS),
    ("EvaluationResult", "indicators", MAX_INDICATORS),
    ("IndicatorScore", "groups", 4),
    ("RetirementForecast", "years", 20),
    ("Query", "childDisclosures", 50),
    ("Query", "vacancyUsePlans", 200),
    ("Institution", "vacancyUsePlans", 50),
    ("Control", "history", crate::establishment::FIGURE_HISTORY_STEPS),
    ("VacancyUsePlan", "postList", crate::vacancy_use::posts::MAX_POSTS as u64),
    ("Query", "annualRecruitmentPlans", crate::vacancy_use::annual::MAX_PLANS),
    ("Staff", "offPostHistory", crate::graphql::loaders::OFF_POST_HISTORY as u64),
    ("Query", "personCodeLists", 5),
    ("CodeList", "codes", 60),
    ("Query", "annualReports", 100),
    ("Submission", "steps", crate::submission::MAX_STEPS as u64),
    ("Submission", "attachments", crate::submission::MAX_ATTACHMENTS as u64),
    ("NormView", "sectors", 11),
    ("NormView", "parameters", 30),
    ("NormProposal", "terms", 6),
];

/// Enumeration-sized lists (one row per enum word) and other short fixed lists.
const SHORT_LIST: u64 = 12;
const SHORT_LISTS: &[&str] =
    &["byLevel", "byFundingForm", "byManagementMode", "bySector", "bySizeBand", "byClassification", "byFunding"];

/// Resolvers that read much more than they answer: `(type, field, cost, cost with
/// includeDescendants)`.
const EXPENSIVE: &[(&str, &str, u64, u64)] = &[
    ("Query", "overview", 50, 1_000),
    ("Query", "findings", 1_000, 5_000),
    ("Query", "verifyLedger", 1_000, 5_000),
    ("Query", "staffingNorms", 1_000, 5_000),
    // Replays the ledger and movements of every unit that may give slots.
    ("NormView", "redistribution", 1_000, 1_000),
    ("Query", "unitNorm", 5, 5),
    ("Query", "institutionTimeline", 50, 50),
    ("Query", "evaluationFlags", 100, 100),
    ("Query", "loanCandidates", 100, 100),
    ("Query", "turnoverPool", 50, 50),
    ("Query", "releaseChanges", 100, 100),
    // Two linear programs per withheld figure.
    ("Query", "releaseAudit", 2_000, 2_000),
    ("Query", "childDisclosures", 50, 50),
    // Opens every sealed ID number of the institution's establishment.
    ("Institution", "retirementForecast", 5, 5),
    // Replays the institution's ledger and movements.
    ("Institution", "vacancies", 5, 5),
    ("Institution", "leadership", 2, 2),
    // One query per institution.
    ("Institution", "vacancyUsePlans", 5, 5),
    // Computed from every score of the round, per round asked for.
    ("EvaluationRound", "results", 500, 500),
    ("EvaluationRound", "completeness", 200, 200),
    ("EvaluationRound", "institutions", 20, 20),
    ("EvaluationRound", "members", 10, 10),
    ("EvaluationRound", "recusals", 10, 10),
];

/// The priced shape of one field of the schema.
#[derive(Debug, Clone)]
struct FieldShape {
    /// The named type under any list and non-null wrappers.
    named: String,
    list: bool,
    /// Default of a `first` argument, when the field has one.
    first_default: Option<u64>,
    has_first: bool,
}

/// The schema's fields, read once from its SDL.
#[derive(Debug, Default)]
pub struct CostModel {
    fields: HashMap<(String, String), FieldShape>,
}

/// Why a document was refused before it ran.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    OverBudget { cost: u64, budget: u64 },
    TooDeep { depth: usize },
    TextTooLong { chars: usize },
}

impl Refusal {
    pub fn message(&self) -> String {
        match self {
            Self::OverBudget { cost, budget } => format!(
                "the request costs {cost}, over this caller's budget of {budget} (lists count their page size times what \
                 each item asks for): ask for fewer items or fields"
            ),
            Self::TooDeep { depth } => format!("the query is nested too deep ({depth} levels; at most {MAX_DEPTH})"),
            Self::TextTooLong { chars } => {
                format!("a text value has {chars} characters; at most {MAX_TEXT} are accepted")
            }
        }
    }
}

fn unwrap(ty: &Type) -> (String, bool) {
    match &ty.base {
        BaseType::Named(name) => (name.to_string(), false),
        BaseType::List(inner) => (unwrap(inner).0, true),
    }
}

impl CostModel {
    /// Reads the fields of every object type from the schema's SDL.
    pub fn from_sdl(sdl: &str) -> Self {
        let mut fields = HashMap::new();
        let Ok(document): Result<ServiceDocument, _> = async_graphql::parser::parse_schema(sdl) else {
            return Self { fields };
        };
        for definition in document.definitions {
            let TypeSystemDefinition::Type(ty) = definition else { continue };
            let object = match &ty.node.kind {
                TypeKind::Object(object) => &object.fields,
                TypeKind::Interface(interface) => &interface.fields,
                _ => continue,
            };
            for field in object {
                let (named, list) = unwrap(&field.node.ty.node);
                let first = field.node.arguments.iter().find(|a| a.node.name.node == "first");
                let first_default = first.and_then(|a| a.node.default_value.as_ref()).and_then(|v| match &v.node {
                    Value::Number(n) => n.as_u64(),
                    _ => None,
                });
                let shape = FieldShape { named, list, first_default, has_first: first.is_some() };
                fields.insert((ty.node.name.node.to_string(), field.node.name.node.to_string()), shape);
            }
        }
        Self { fields }
    }

    pub fn budget(role: Role) -> u64 {
        if role == Role::Public { PUBLIC_BUDGET } else { TOKEN_BUDGET }
    }

    /// Prices a document; refuses it when it is over `budget`, too deep, or carries a text
    /// value longer than [`MAX_TEXT`].
    pub fn check(&self, document: &ExecutableDocument, variables: &Variables, budget: u64) -> Result<u64, Refusal> {
        for value in variables.values() {
            longest_text(value)?;
        }
        let mut pricer = Pricer { model: self, document, variables, fragments: HashMap::new(), depth: 0 };
        let mut cost: u64 = 0;
        let operations: Vec<_> = match &document.operations {
            DocumentOperations::Single(operation) => vec![&operation.node],
            DocumentOperations::Multiple(operations) => operations.values().map(|o| &o.node).collect(),
        };
        for operation in operations {
            let root = match operation.ty {
                OperationType::Query => "Query",
                OperationType::Mutation => "Mutation",
                OperationType::Subscription => "Subscription",
            };
            let priced = pricer.selection(&operation.selection_set.node, Some(root), false, 1)?;
            cost = cost.saturating_add(priced.cost);
        }
        if cost > budget {
            return Err(Refusal::OverBudget { cost, budget });
        }
        Ok(cost)
    }
}

#[derive(Clone, Copy)]
struct Priced {
    cost: u64,
}

struct Pricer<'a> {
    model: &'a CostModel,
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    /// Named fragments already priced, by name and by whether they sit inside a page.
    fragments: HashMap<(Name, bool), u64>,
    depth: usize,
}

impl Pricer<'_> {
    /// `in_page`: the enclosing field took a page size, which already multiplies this level
    /// (a connection's `edges`, a page's `items`).
    fn selection(
        &mut self,
        set: &SelectionSet,
        ty: Option<&str>,
        in_page: bool,
        level: usize,
    ) -> Result<Priced, Refusal> {
        if level > MAX_DEPTH {
            return Err(Refusal::TooDeep { depth: level });
        }
        let mut cost: u64 = 0;
        for item in &set.items {
            let priced = match &item.node {
                Selection::Field(field) => self.field(&field.node, ty, in_page, level)?,
                Selection::InlineFragment(fragment) => {
                    let on = fragment.node.type_condition.as_ref().map(|c| c.node.on.node.to_string());
                    let ty = on.as_deref().or(ty);
                    self.selection(&fragment.node.selection_set.node, ty, in_page, level)?
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    let key = (name.clone(), in_page);
                    if let Some(cost) = self.fragments.get(&key) {
                        Priced { cost: *cost }
                    } else {
                        let Some(fragment) = self.document.fragments.get(name) else { continue };
                        // A fragment that spreads itself is refused by validation; here it
                        // only needs to end, which the depth guard makes it do.
                        self.depth += 1;
                        if self.depth > 64 {
                            return Err(Refusal::TooDeep { depth: self.depth });
                        }
                        let on = fragment.node.type_condition.node.on.node.to_string();
                        let priced = self.selection(&fragment.node.selection_set.node, Some(&on), in_page, level)?;
                        self.depth -= 1;
                        self.fragments.insert(key, priced.cost);
                        priced
                    }
                }
            };
            cost = cost.saturating_add(priced.cost);
        }
        Ok(Priced { cost })
    }

    fn field(&mut self, field: &Field, ty: Option<&str>, in_page: bool, level: usize) -> Result<Priced, Refusal> {
        for (_, value) in &field.arguments {
            if let Ok(value) = value.node.clone().into_const_with(|_| Ok::<_, ()>(Value::Null)) {
                longest_text(&value)?;
            }
        }
        let name = field.name.node.as_str();
        if name == "__typename" {
            return Ok(Priced { cost: 0 });
        }
        if name.starts_with("__") {
            return Ok(Priced { cost: INTROSPECTION });
        }
        let Some(ty) = ty else { return Ok(Priced { cost: 1 }) };
        let Some(shape) = self.model.fields.get(&(ty.to_string(), name.to_string())) else {
            // Not in the schema: validation refuses it; price it as one field.
            return Ok(Priced { cost: 1 });
        };
        let descendants = self.boolean(field, "includeDescendants");
        let mut base: u64 = if ty == "Mutation" { MUTATION } else { 1 };
        if let Some((.., cost, wide)) = EXPENSIVE.iter().find(|(t, f, ..)| *t == ty && *f == name) {
            base = if descendants { *wide } else { *cost };
        }
        let (multiplier, children_in_page) = if shape.has_first {
            (self.integer(field, "first").or(shape.first_default).unwrap_or(DEFAULT_PAGE).max(1), true)
        } else if shape.list && in_page {
            (1, false)
        } else if shape.list {
            (self.bound(ty, name), false)
        } else {
            (1, false)
        };
        let children = if field.selection_set.node.items.is_empty() {
            0
        } else {
            let named = shape.named.clone();
            self.selection(&field.selection_set.node, Some(&named), children_in_page, level + 1)?.cost
        };
        Ok(Priced { cost: base.saturating_add(multiplier.saturating_mul(children)) })
    }

    fn bound(&self, ty: &str, name: &str) -> u64 {
        if let Some((.., bound)) = LIST_BOUNDS.iter().find(|(t, f, _)| *t == ty && *f == name) {
            return *bound;
        }
        if SHORT_LISTS.contains(&name) { SHORT_LIST } else { DEFAULT_LIST }
    }

    fn argument(&self, field: &Field, name: &str) -> Option<Value> {
        let (_, value) = field.arguments.iter().find(|(n, _)| n.node == name)?;
        value.node.clone().into_const_with(|var| self.variables.get(&var).cloned().ok_or(())).ok()
    }

    fn integer(&self, field: &Field, name: &str) -> Option<u64> {
        match self.argument(field, name)? {
            Value::Number(n) => Some(n.as_u64().unwrap_or(0)),
            _ => None,
        }
    }

    fn boolean(&self, field: &Field, name: &str) -> bool {
        matches!(self.argument(field, name), Some(Value::Boolean(true)))
    }
}

/// Refuses a value holding a string longer than [`MAX_TEXT`] characters.
fn longest_text(value: &Value) -> Result<(), Refusal> {
    match value {
        Value::String(text) if text.len() > MAX_TEXT => {
            let chars = text.chars().count();
            if chars > MAX_TEXT { Err(Refusal::TextTooLong { chars }) } else { Ok(()) }
        }
        Value::List(items) => items.iter().try_for_each(longest_text),
        Value::Object(fields) => fields.values().try_for_each(longest_text),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn price(query: &str) -> Result<u64, Refusal> {
        let model = CostModel::from_sdl(&crate::graphql::sdl());
        let document = async_graphql::parser::parse_query(query).unwrap();
        model.check(&document, &Variables::default(), TOKEN_BUDGET)
    }

    #[test]
    fn lists_multiply_their_children_and_pages_count_their_size() {
        let one = price("{ institutions(first: 10) { edges { node { id name } } } }").unwrap();
        let ten = price("{ institutions(first: 100) { edges { node { id name } } } }").unwrap();
        assert!(ten > 9 * one, "{one} {ten}");
        assert!(price("{ jurisdictions { code } }").unwrap() >= 150);
    }

    #[test]
    fn the_fan_out_is_refused_and_fragments_are_priced_once() {
        let fan = "{ departments { id jurisdiction { departments { id jurisdiction { departments { id } } } } } }";
        assert!(matches!(price(fan), Err(Refusal::OverBudget { .. })));
        let mut bomb = String::from("fragment F0 on Jurisdiction { code }\n");
        for i in 1..40 {
            bomb.push_str(&format!("fragment F{i} on Jurisdiction {{ ...F{} ...F{} }}\n", i - 1, i - 1));
        }
        bomb.push_str("{ jurisdiction(code: \"620700\") { ...F39 } }");
        // Priced in linear time; the saturated cost is refused.
        assert!(matches!(price(&bomb), Err(Refusal::OverBudget { .. })));
    }
}
