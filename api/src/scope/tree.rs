//! The jurisdiction tree a process keeps, and each office's subtree cut from it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use entity::{department, jurisdiction};
use sea_orm::{DatabaseConnection, EntityTrait};

use crate::error::ApiResult;

/// The jurisdiction tree and the supervising departments in it, shared by a process's requests
/// and read again every few seconds. Jurisdictions are only ever added or renamed, never moved
/// or removed, so a stale copy can only lack a new jurisdiction (its office is refused until a
/// re-read, done at once on such a miss) or show an old name for a few seconds. Departments
/// likewise: one added since the read is not in the copy and is loaded from the database, and
/// a renamed one shows its old name for a few seconds. Any mutation in this process empties
/// it.
#[derive(Default)]
pub struct JurisdictionTree {
    kept: RwLock<Option<Arc<KeptTree>>>,
}

/// The tree as read at `at`, with each office's subtree cut from it once and shared by every
/// request of that office until the tree is read again (a province's office reads 121
/// jurisdictions: cut and copied per request, they cost more than the page it asks for).
struct KeptTree {
    at: Instant,
    all: Vec<jurisdiction::Model>,
    departments: Vec<department::Model>,
    subtrees: Mutex<HashMap<String, Subtree>>,
}

/// An office's subtree: its jurisdictions and their ids, and the supervising departments in
/// them (by id) when read from the kept tree; shared by every request of the office.
#[derive(Clone)]
pub(super) struct Subtree {
    pub rows: Arc<[jurisdiction::Model]>,
    pub ids: Arc<[i32]>,
    pub departments: Arc<[department::Model]>,
}

impl Subtree {
    pub fn of(rows: impl IntoIterator<Item = jurisdiction::Model>) -> Self {
        let rows: Arc<[jurisdiction::Model]> = rows.into_iter().collect();
        let ids = rows.iter().map(|j| j.id).collect();
        Self { rows, ids, departments: Arc::new([]) }
    }
}

/// What every path in the subtree of `code` contains.
pub(super) fn marker(code: &str) -> String {
    format!("/{code}/")
}

impl KeptTree {
    /// The jurisdictions whose path passes through `code` (itself included).
    fn subtree(&self, code: &str) -> Subtree {
        let cut = || {
            let marker = marker(code);
            let mut subtree = Subtree::of(self.all.iter().filter(|j| j.path.contains(&marker)).cloned());
            let inside: std::collections::HashSet<i32> = subtree.ids.iter().copied().collect();
            let mut departments: Vec<_> =
                self.departments.iter().filter(|d| inside.contains(&d.jurisdiction_id)).cloned().collect();
            departments.sort_unstable_by_key(|d| d.id);
            subtree.departments = departments.into();
            subtree
        };
        match self.subtrees.lock() {
            Ok(mut subtrees) => subtrees.entry(code.to_string()).or_insert_with(cut).clone(),
            Err(_) => cut(),
        }
    }
}

const TREE_TTL: Duration = Duration::from_secs(5);

impl JurisdictionTree {
    async fn read(&self, db: &DatabaseConnection, fresh: bool) -> ApiResult<Arc<KeptTree>> {
        let kept = self.kept.read().ok().and_then(|kept| kept.clone());
        if let (false, Some(tree)) = (fresh, kept)
            && tree.at.elapsed() < TREE_TTL
        {
            return Ok(tree);
        }
        let all = jurisdiction::Entity::find().all(db).await?;
        let departments = department::Entity::find().all(db).await?;
        let tree = Arc::new(KeptTree { at: Instant::now(), all, departments, subtrees: Mutex::default() });
        if let Ok(mut kept) = self.kept.write() {
            *kept = Some(tree.clone());
        }
        Ok(tree)
    }

    /// The subtree of the office `code`; a jurisdiction created since the tree was read is
    /// found by reading it again at once.
    pub(super) async fn subtree(&self, db: &DatabaseConnection, code: &str) -> ApiResult<Subtree> {
        let found = self.read(db, false).await?.subtree(code);
        if found.rows.is_empty() { Ok(self.read(db, true).await?.subtree(code)) } else { Ok(found) }
    }

    pub fn clear(&self) {
        if let Ok(mut kept) = self.kept.write() {
            *kept = None;
        }
    }
}
