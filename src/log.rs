//! The ledger's log: every change in the order applied, and the position of each change id.
//!
//! The log is the ledger's only source of truth; the [`Index`](crate::index::Index) is derived
//! from it and refers to changes by their position here.

use foldhash::HashMap;

use chrono::{DateTime, Utc};

use crate::change::Change;
use crate::digest::{Chain, Digest};
use crate::id::ChangeId;

/// Every change in the order applied (non-decreasing `recorded`), with an id → position map.
#[derive(Debug, Clone, Default)]
pub(crate) struct Log {
    changes: Vec<Change>,
    /// Positions are stored in 32 bits: the ledger refuses a change past
    /// [`Index::can_index`](crate::index::Index::can_index), which keeps them below `u32::MAX`.
    by_id: HashMap<ChangeId, u32>,
    /// The digest after each change (see `digest.rs`), computed when first asked for.
    chain: Chain,
}

impl Log {
    /// Every change, in the order applied.
    #[inline]
    pub(crate) fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// The number of changes.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.changes.len()
    }

    /// The position of the change with this id.
    #[inline]
    pub(crate) fn position(&self, id: ChangeId) -> Option<usize> {
        self.by_id.get(&id).map(|&at| at as usize)
    }

    /// The change with this id.
    #[inline]
    pub(crate) fn get(&self, id: ChangeId) -> Option<&Change> {
        self.position(id).map(|at| &self.changes[at])
    }

    /// The `recorded` instant of the last change, if any.
    pub(crate) fn latest_recorded(&self) -> Option<DateTime<Utc>> {
        self.changes.last().map(|c| c.recorded)
    }

    /// Makes room for `additional` more changes.
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.changes.reserve(additional);
        self.by_id.reserve(additional);
    }

    /// Appends a change whose id is not in the log yet, at a position that
    /// [`Index::can_index`](crate::index::Index::can_index) accepts; returns its position.
    pub(crate) fn push(&mut self, change: Change) -> usize {
        let at = self.changes.len();
        self.by_id
            .insert(change.id, u32::try_from(at).unwrap_or(u32::MAX));
        self.changes.push(change);
        at
    }

    /// The digest of the first `len` changes.
    pub(crate) fn digest_at(&self, len: usize) -> Digest {
        self.chain.at(&self.changes, len)
    }

    /// The digest chain, to set links computed from a file's bytes.
    pub(crate) fn chain_mut(&mut self) -> &mut Chain {
        &mut self.chain
    }

    /// Removes every change at position `len` or later.
    pub(crate) fn truncate(&mut self, len: usize) {
        self.chain.truncate(len);
        while self.changes.len() > len {
            if let Some(change) = self.changes.pop() {
                self.by_id.remove(&change.id);
            }
        }
    }
}

impl std::ops::Index<usize> for Log {
    type Output = Change;

    #[inline]
    fn index(&self, at: usize) -> &Change {
        &self.changes[at]
    }
}

/// A text form of the log (the changes' ids in order, and the id map sorted), for tests that
/// compare two logs.
#[cfg(test)]
impl Log {
    pub(crate) fn canonical(&self) -> String {
        let mut by_id: Vec<(ChangeId, u32)> =
            self.by_id.iter().map(|(id, at)| (*id, *at)).collect();
        by_id.sort_unstable();
        let ids: Vec<ChangeId> = self.changes.iter().map(|c| c.id).collect();
        format!("{ids:?}\n{by_id:?}")
    }
}
