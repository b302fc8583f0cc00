//! The ledger's log: every change in the order applied, and the position of each change id.
//!
//! The log is the ledger's only source of truth; the [`Index`](crate::index::Index) is derived
//! from it and refers to changes by their position here.

use std::hash::BuildHasher;

use foldhash::fast::RandomState;
use hashbrown::HashTable;

use chrono::{DateTime, Utc};

use crate::change::Change;
use crate::digest::{Chain, Digest};
use crate::id::ChangeId;

/// Every change in the order applied (non-decreasing `recorded`), with an id → position map.
#[derive(Debug, Clone, Default)]
pub(crate) struct Log {
    changes: Vec<Change>,
    /// The position of each change, hashed by its id. The table holds only the positions, in
    /// 32 bits (the ledger refuses a change past
    /// [`Index::can_index`](crate::index::Index::can_index)), and compares ids in `changes`:
    /// 5 bytes a slot where a map of ids would take 21.
    by_id: HashTable<u32>,
    /// The hasher of `by_id`, randomly seeded.
    hasher: RandomState,
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
        let hash = self.hasher.hash_one(id);
        self.by_id
            .find(hash, |&at| self.changes[at as usize].id == id)
            .map(|&at| at as usize)
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
        let (changes, hasher) = (&self.changes, &self.hasher);
        self.by_id
            .reserve(additional, |&at| hasher.hash_one(changes[at as usize].id));
    }

    /// Appends a change whose id is not in the log yet, at a position that
    /// [`Index::can_index`](crate::index::Index::can_index) accepts; returns its position.
    pub(crate) fn push(&mut self, change: Change) -> usize {
        let at = self.changes.len();
        let (changes, hasher) = (&self.changes, &self.hasher);
        self.by_id.insert_unique(
            hasher.hash_one(change.id),
            u32::try_from(at).unwrap_or(u32::MAX),
            |&at| hasher.hash_one(changes[at as usize].id),
        );
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
                let at = self.changes.len();
                let hash = self.hasher.hash_one(change.id);
                if let Ok(entry) = self.by_id.find_entry(hash, |&p| p as usize == at) {
                    entry.remove();
                }
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
        let mut by_id: Vec<(ChangeId, u32)> = self
            .by_id
            .iter()
            .map(|&at| (self.changes[at as usize].id, at))
            .collect();
        by_id.sort_unstable();
        let ids: Vec<ChangeId> = self.changes.iter().map(|c| c.id).collect();
        format!("{ids:?}\n{by_id:?}")
    }
}
