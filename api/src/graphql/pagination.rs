//! Relay connections: opaque keyset cursors and capped page sizes.

use async_graphql::SimpleObject;
use base64::Engine;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    DatabaseConnection, DbErr, EntityTrait, FromQueryResult, PaginatorTrait, QueryResult, QuerySelect, QueryTrait,
    Select,
};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};

pub const DEFAULT_PAGE: u64 = 20;
pub const MAX_PAGE: u64 = 100;

#[derive(SimpleObject, Debug, Clone)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
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

/// A row of a page with the count of every row its filters select.
struct Counted<M> {
    row: M,
    total_count: i64,
}

impl<M: FromQueryResult> FromQueryResult for Counted<M> {
    fn from_query_result(result: &QueryResult, prefix: &str) -> Result<Self, DbErr> {
        Ok(Self { row: M::from_query_result(result, prefix)?, total_count: result.try_get(prefix, "total_count")? })
    }
}

/// Reads a page of `filtered` (narrowed by `arrange`: the cursor, the order, the limit) with
/// the count of every row `filtered` selects riding along as a scalar subquery: one statement,
/// not two. Past the last row the page is empty and carries no count, which is then asked alone.
pub async fn counted_page<E>(
    db: &DatabaseConnection,
    filtered: Select<E>,
    id: E::Column,
    arrange: impl FnOnce(Select<E>) -> ApiResult<Select<E>>,
) -> ApiResult<(Vec<E::Model>, u64)>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
{
    let count = filtered.clone().select_only().column_as(Expr::col((E::default(), id)).count(), "n");
    let page = filtered.clone().expr_as(Expr::SubQuery(None, Box::new(count.into_query().into())), "total_count");
    let counted = arrange(page)?.into_model::<Counted<E::Model>>().all(db).await?;
    let total_count = match counted.first() {
        Some(first) => u64::try_from(first.total_count).unwrap_or(0),
        None => filtered.count(db).await?,
    };
    Ok((counted.into_iter().map(|c| c.row).collect(), total_count))
}
