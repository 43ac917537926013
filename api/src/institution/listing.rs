//! The institutions connection: scoped, filtered, keyset-paginated.

use async_graphql::{Enum, ID, InputObject, SimpleObject};
use chrono::NaiveDate;
use entity::enums::{Classification, FundingForm, InstitutionStatus, Level, ManagementMode, Sector};
use entity::institution::{self, Column};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseConnection, Order, QueryFilter, QueryOrder, QuerySelect, Select, Value};

use super::{Institution, parse_id};
use crate::error::{ApiError, ApiResult};
use crate::graphql::pagination::{Count, Cursor, PageInfo, counted_merge, counted_page, page_size};
use crate::scope::Scope;

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum InstitutionSortField {
    #[default]
    Name,
    CreditCode,
    EstablishedOn,
    Id,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum SortDirection {
    #[default]
    Asc,
    Desc,
}

#[derive(InputObject, Clone, Copy, Debug, Default)]
pub struct InstitutionOrder {
    #[graphql(default)]
    pub field: InstitutionSortField,
    #[graphql(default)]
    pub direction: SortDirection,
}

impl InstitutionOrder {
    fn tag(&self) -> String {
        format!("{:?}:{:?}", self.field, self.direction)
    }

    fn column(&self) -> Column {
        match self.field {
            InstitutionSortField::Name => Column::Name,
            InstitutionSortField::CreditCode => Column::CreditCode,
            InstitutionSortField::EstablishedOn => Column::EstablishedOn,
            InstitutionSortField::Id => Column::Id,
        }
    }

    fn key_of(&self, row: &institution::Model) -> String {
        match self.field {
            InstitutionSortField::Name => row.name.clone(),
            InstitutionSortField::CreditCode => row.credit_code.clone().unwrap_or_default(),
            InstitutionSortField::EstablishedOn => row.established_on.to_string(),
            InstitutionSortField::Id => row.id.to_string(),
        }
    }

    fn key_value(&self, key: &str) -> ApiResult<Value> {
        let bad = || ApiError::bad_input("`after` is not a cursor this API issued");
        Ok(match self.field {
            InstitutionSortField::Name | InstitutionSortField::CreditCode => key.to_string().into(),
            InstitutionSortField::EstablishedOn => key.parse::<NaiveDate>().map_err(|_| bad())?.into(),
            InstitutionSortField::Id => key.parse::<i32>().map_err(|_| bad())?.into(),
        })
    }

    /// Rows strictly after the cursor in this ordering (sort key, then id).
    fn after(&self, cursor: &Cursor) -> ApiResult<Condition> {
        let key = Expr::val(self.key_value(&cursor.key)?);
        let column = Expr::col(self.column());
        let id = Expr::col(Column::Id);
        Ok(match self.direction {
            SortDirection::Asc => Condition::any()
                .add(column.clone().gt(key.clone()))
                .add(Condition::all().add(column.eq(key)).add(id.gt(cursor.id))),
            SortDirection::Desc => Condition::any()
                .add(column.clone().lt(key.clone()))
                .add(Condition::all().add(column.eq(key)).add(id.lt(cursor.id))),
        })
    }
}

pub struct Filters {
    pub jurisdiction: Option<String>,
    pub include_descendants: bool,
    pub department_id: Option<ID>,
    pub sector: Option<Sector>,
    pub level: Option<Level>,
    pub funding_form: Option<FundingForm>,
    pub management_mode: Option<ManagementMode>,
    pub classification: Option<Classification>,
    pub status: Option<InstitutionStatus>,
    pub search: Option<String>,
}

#[derive(SimpleObject)]
pub struct InstitutionEdge {
    pub cursor: String,
    pub node: Institution,
}

#[derive(SimpleObject)]
pub struct InstitutionConnection {
    pub total_count: u64,
    pub page_info: PageInfo,
    pub edges: Vec<InstitutionEdge>,
}

/// `base` (rows of the caller's scope) with the listing's filters other than the
/// jurisdiction.
fn filtered(
    base: Select<institution::Entity>,
    scope: &Scope,
    filters: &Filters,
) -> ApiResult<Select<institution::Entity>> {
    let mut query = base;
    if let Some(department) = &filters.department_id {
        query = query.filter(Column::DepartmentId.eq(parse_id(department)?));
    }
    if let Some(sector) = filters.sector {
        query = query.filter(Column::Sector.eq(sector));
    }
    if let Some(level) = filters.level {
        if scope.is_public() {
            return Err(ApiError::forbidden("filtering by level is not public"));
        }
        query = query.filter(Column::Level.eq(level));
    }
    if let Some(funding_form) = filters.funding_form {
        if scope.is_public() {
            return Err(ApiError::forbidden("filtering by funding form is not public"));
        }
        query = query.filter(Column::FundingForm.eq(funding_form));
    }
    if let Some(mode) = filters.management_mode {
        if scope.is_public() {
            return Err(ApiError::forbidden("filtering by management mode is not public"));
        }
        query = query.filter(Column::ManagementMode.eq(mode));
    }
    if let Some(classification) = filters.classification {
        query = query.filter(Column::Classification.eq(classification));
    }
    if let Some(status) = filters.status {
        query = query.filter(Column::Status.eq(status));
    }
    if let Some(search) = filters.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        if search.chars().count() > 100 {
            return Err(ApiError::bad_input("`search` is longer than 100 characters"));
        }
        query = query.filter(Column::Name.contains(search));
    }
    Ok(query)
}

/// Most jurisdictions a page sorted by name is merged from (see [`list`]); over more, most of
/// the rows walked in name order are the page's anyway.
const MERGED_JURISDICTIONS: usize = 24;

pub async fn list(
    db: &DatabaseConnection,
    scope: &Scope,
    filters: Filters,
    order: InstitutionOrder,
    first: Option<i32>,
    after: Option<String>,
) -> ApiResult<InstitutionConnection> {
    let limit = page_size(first)?;
    let narrowed = match &filters.jurisdiction {
        Some(code) => Some(scope.narrow(db, code, filters.include_descendants).await?),
        None => None,
    };
    let base = match &narrowed {
        Some(ids) => scope.institutions_in(ids)?,
        None => scope.institutions(),
    };
    let query = filtered(base, scope, &filters)?;
    let direction = match order.direction {
        SortDirection::Asc => Order::Asc,
        SortDirection::Desc => Order::Desc,
    };
    let cursor = after.as_deref().map(|raw| Cursor::decode(raw, &order.tag())).transpose()?;
    let arrange = |page: Select<institution::Entity>| -> ApiResult<Select<institution::Entity>> {
        let page = match &cursor {
            Some(cursor) => page.filter(order.after(cursor)?),
            None => page,
        };
        Ok(page.order_by(order.column(), direction.clone()).order_by(Column::Id, direction.clone()).limit(limit + 1))
    };
    // Sorted by name over a few jurisdictions (a city with its counties): each jurisdiction's
    // first rows by name come off the `(jurisdiction_id, name)` index and the page is their
    // merge, instead of every row of the subtree sorted, or the whole table's name index
    // walked until the subtree's rows turn up.
    let (mut rows, total_count) = match narrowed {
        Some(ids) if order.field == InstitutionSortField::Name && (2..=MERGED_JURISDICTIONS).contains(&ids.len()) => {
            let parts = ids
                .iter()
                .map(|id| arrange(filtered(scope.institutions_in(&[*id])?, scope, &filters)?))
                .collect::<ApiResult<Vec<_>>>()?;
            let sort = [(Column::Name, direction.clone()), (Column::Id, direction.clone())];
            counted_merge(db, query, parts, &sort, limit + 1).await?
        }
        _ => counted_page(db, query, Count::Subquery, arrange).await?,
    };
    let has_next_page = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let edges: Vec<InstitutionEdge> = rows
        .into_iter()
        .map(|row| {
            let cursor = Cursor { order: order.tag(), key: order.key_of(&row), id: row.id }.encode();
            InstitutionEdge { cursor, node: Institution(row) }
        })
        .collect();
    let page_info = PageInfo::forward(edges.iter().map(|e| &e.cursor), has_next_page, after.is_some());
    Ok(InstitutionConnection { total_count, page_info, edges })
}
