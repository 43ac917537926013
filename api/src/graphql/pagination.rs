//! Relay connections: opaque keyset cursors and capped page sizes.

use async_graphql::SimpleObject;
use base64::Engine;
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Query, SelectStatement, UnionType};
use sea_orm::{
    DatabaseConnection, DbErr, EntityTrait, FromQueryResult, Order, PaginatorTrait, QueryResult, QuerySelect,
    QueryTrait, Select,
};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};
use crate::positional::Positional;

pub const DEFAULT_PAGE: u64 = 20;
pub const MAX_PAGE: u64 = 100;

/// Relay's page information. Pages go forward (`first`, `after`): a page asked for `after` a
/// cursor has rows before it, one asked without none.
#[derive(SimpleObject, Debug, Clone)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

impl PageInfo {
    /// The page of `cursors` (its edges' own, in order), asked `after` a cursor or not.
    pub fn forward<'a>(
        mut cursors: impl DoubleEndedIterator<Item = &'a String>,
        has_next_page: bool,
        after: bool,
    ) -> Self {
        let start_cursor = cursors.next().cloned();
        let end_cursor = cursors.next_back().cloned().or_else(|| start_cursor.clone());
        Self { has_next_page, has_previous_page: after, start_cursor, end_cursor }
    }
}

/// Where the previous page ended: the sort key and id of its last row.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cursor {
    /// Which ordering the cursor belongs to.
    pub order: String,
    /// The sort key of the last row, as text.
    pub key: String,
    pub id: i32,
}

impl Cursor {
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    /// Decodes `after`, which must belong to the same ordering.
    pub fn decode(raw: &str, order: &str) -> ApiResult<Self> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(raw)
            .map_err(|_| ApiError::bad_input("`after` is not a cursor this API issued"))?;
        let cursor: Cursor = serde_json::from_slice(&bytes)
            .map_err(|_| ApiError::bad_input("`after` is not a cursor this API issued"))?;
        if cursor.order != order {
            return Err(ApiError::bad_input("`after` belongs to another ordering"));
        }
        Ok(cursor)
    }
}

/// The page size asked for, capped: more than [`MAX_PAGE`] is refused rather than cut.
pub fn page_size(first: Option<i32>) -> ApiResult<u64> {
    match first {
        None => Ok(DEFAULT_PAGE),
        Some(n) if n < 0 => Err(ApiError::bad_input("`first` must not be negative")),
        Some(n) if n as u64 > MAX_PAGE => Err(ApiError::bad_input(format!("`first` may be at most {MAX_PAGE}"))),
        Some(n) => Ok(n as u64),
    }
}

/// A row of a page with the count of every row its filters select, which the statement
/// selects right after the row's own columns (read by position: [`Positional`]).
struct Counted<M> {
    row: M,
    total_count: i64,
}

impl<M: Positional> FromQueryResult for Counted<M> {
    fn from_query_result(result: &QueryResult, _prefix: &str) -> Result<Self, DbErr> {
        Ok(Self { row: M::at(result)?, total_count: result.try_get_by_index(M::COLUMNS.len())? })
    }
}

/// How a page's count of every row its filters select rides along with the page.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Count {
    /// A scalar subquery over the filters alone, which an index can often answer without
    /// reading the rows.
    Subquery,
    /// `COUNT(*) OVER ()` in the page's own pass: for filters every row must be read to
    /// confirm anyway (a name search), so the rows are read once, not twice. Only without a
    /// cursor: past one, the pass sees only the rows after it.
    Window,
}

/// The count of the rows `filtered` selects, as a scalar subquery.
fn count_of<E: EntityTrait>(filtered: &Select<E>) -> SelectStatement {
    filtered.clone().select_only().column_as(Expr::col(Asterisk).count(), "n").into_query()
}

/// Reads a page of `filtered` (narrowed by `arrange`: the cursor, the order, the limit) with
/// the count of every row `filtered` selects riding along (see [`Count`]): one statement, not
/// two. Past the last row the page is empty and carries no count, which is then asked alone.
pub async fn counted_page<E>(
    db: &DatabaseConnection,
    filtered: Select<E>,
    count: Count,
    arrange: impl FnOnce(Select<E>) -> ApiResult<Select<E>>,
) -> ApiResult<(Vec<E::Model>, u64)>
where
    E: EntityTrait,
    E::Model: Positional + Send + Sync,
{
    let total = match count {
        Count::Subquery => Expr::SubQuery(None, Box::new(count_of(&filtered).into())),
        Count::Window => Expr::cust("COUNT(*) OVER ()"),
    };
    let page = filtered.clone().expr_as(total, "total_count");
    let counted = arrange(page)?.into_model::<Counted<E::Model>>().all(db).await?;
    with_count(db, filtered, counted).await
}

/// A page sorted across several parts (one per jurisdiction, say), each already arranged in
/// the page's order and limited to the page's size off an index that keeps that order: the
/// page is the first rows of their merge. A sort over every row of every part becomes a walk
/// of each part's first rows. The count of all of `filtered` rides along as in
/// [`counted_page`].
pub async fn counted_merge<E>(
    db: &DatabaseConnection,
    filtered: Select<E>,
    parts: Vec<Select<E>>,
    order: &[(E::Column, Order)],
    limit: u64,
) -> ApiResult<(Vec<E::Model>, u64)>
where
    E: EntityTrait,
    E::Model: Positional + Send + Sync,
{
    let mut parts = parts.into_iter().enumerate().map(|(n, part)| {
        Query::select().column(Asterisk).from_subquery(part.into_query(), Alias::new(format!("part{n}"))).to_owned()
    });
    let Some(mut merged) = parts.next() else { return Ok((Vec::new(), 0)) };
    for part in parts {
        merged.union(UnionType::All, part);
    }
    let mut page = Query::select();
    page.column(Asterisk)
        .expr_as(Expr::SubQuery(None, Box::new(count_of(&filtered).into())), Alias::new("total_count"))
        .from_subquery(merged, Alias::new("merged"));
    for (column, direction) in order {
        page.order_by(*column, direction.clone());
    }
    page.limit(limit);
    let statement = db.get_database_backend().build(&page);
    let counted = Counted::<E::Model>::find_by_statement(statement).all(db).await?;
    with_count(db, filtered, counted).await
}

async fn with_count<E>(
    db: &DatabaseConnection,
    filtered: Select<E>,
    counted: Vec<Counted<E::Model>>,
) -> ApiResult<(Vec<E::Model>, u64)>
where
    E: EntityTrait,
    E::Model: Positional + Send + Sync,
{
    let total_count = match counted.first() {
        Some(first) => u64::try_from(first.total_count).unwrap_or(0),
        None => filtered.count(db).await?,
    };
    Ok((counted.into_iter().map(|c| c.row).collect(), total_count))
}
