//! Relay connections: opaque keyset cursors and capped page sizes.

use async_graphql::SimpleObject;
use base64::Engine;
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
