//! The ledger's indexes: derived from the log, and kept in step with it by `index` and `unindex`
//! on every apply and rollback.
//!
//! Two compact structures serve the hot queries without reading the changes themselves:
//!
//! - per entity, its [`Listing`]s: every `Designate` and `Delist` of its designations, with the
//!   date, the authority and the positions that decide visibility in a view. The status of one
//!   entity reads one small contiguous vector.
//! - for the whole ledger, the [`Span`]s: the same events in log order, for the state on a date
//!   in a view of the past, which is one sequential pass.
//! - per designation slot and per licence, its [`CurrentPeriod`]: the period in force as the
//!   ledger knows it now, so that the current state on a date reads 8 bytes per designation.
//!
//! Visibility in a view known up to position `cut` is `at < cut && retracted_at >= cut`, where a
//! change never retracted has `retracted_at == NOT_RETRACTED`.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::authority::Authority;
use crate::change::ChangeKind;
use crate::designation::Designation;
use crate::entity::{normalise_name, Entity};
use crate::id::{ChangeId, DesignationId, EntityId, LicenceId};
use crate::ledger::Ledger;

/// Which changes are retracted, and by which retraction.
///
/// Retractions are rare, so the positions retracted are a bitset (one bit per change, which
/// stays in cache when a query checks thousands of changes) beside a small map to the
/// retraction's position.
#[derive(Debug, Clone, Default)]
pub(crate) struct Retractions {
    bits: Vec<u64>,
    by: HashMap<usize, usize>,
}

impl Retractions {
    /// The position of the retraction of the change at `at`, if it is retracted.
    pub(crate) fn get(&self, at: usize) -> Option<usize> {
        let word = self.bits.get(at / 64).copied().unwrap_or(0);
        if word & (1 << (at % 64)) == 0 {
            None
        } else {
            self.by.get(&at).copied()
        }
    }

    /// Records that the change at `at` is retracted by the one at `by`.
    pub(crate) fn set(&mut self, at: usize, by: usize) {
        if self.bits.len() <= at / 64 {
            self.bits.resize(at / 64 + 1, 0);
        }
        self.bits[at / 64] |= 1 << (at % 64);
        self.by.insert(at, by);
    }

    /// Undoes [`Retractions::set`].
    pub(crate) fn clear(&mut self, at: usize) {
        if let Some(word) = self.bits.get_mut(at / 64) {
            *word &= !(1 << (at % 64));
        }
        self.by.remove(&at);
    }
}

/// `retracted_at` of a change that is not retracted.
pub(crate) const NOT_RETRACTED: u32 = u32::MAX;

/// What the ledger knows about one entity id.
#[derive(Debug, Clone, Default)]
pub(crate) struct EntityIndex {
    /// Positions of its `RegisterEntity` and `AmendEntity` changes.
    pub(crate) versions: Vec<usize>,
    /// Designations of it, with the position of the `Designate` change.
    pub(crate) designations: Vec<(DesignationId, usize)>,
    /// Licences covering it, with the position of the issue or amendment that names it.
    pub(crate) licences: Vec<(LicenceId, usize)>,
    /// The starts and ends of its designations, rebuilt whenever one of them changes.
    pub(crate) listings: Vec<Listing>,
}

/// One designation of an entity starting or ending.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Listing {
    pub(crate) designation: DesignationId,
    pub(crate) at: u32,
    pub(crate) retracted_at: u32,
    pub(crate) date: NaiveDate,
    /// Index into `Ledger::authorities`.
    pub(crate) authority: u32,
    /// `true` for a delisting, `false` for a designation.
    pub(crate) ends: bool,
}

/// One designation starting or ending, in the ledger-wide log-ordered list.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    /// The designation's slot (index into `Ledger::designation_ids`).
    pub(crate) slot: u32,
    pub(crate) at: u32,
    pub(crate) retracted_at: u32,
    pub(crate) date: NaiveDate,
    /// `true` for a delisting, `false` for a designation.
    pub(crate) ends: bool,
}

/// A designation's period in force `[start, end)` as the ledger knows it now (retractions
/// applied), kept by slot so that the current state on a date is one pass over 8 bytes per
/// designation. `NaiveDate::MAX` stands for "none": a designation whose creation is retracted
/// has `start == MAX` and is never in force; an open one has `end == MAX`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CurrentPeriod {
    pub(crate) start: NaiveDate,
    pub(crate) end: NaiveDate,
}

impl CurrentPeriod {
    const NONE: CurrentPeriod = CurrentPeriod {
        start: NaiveDate::MAX,
        end: NaiveDate::MAX,
    };

    /// Whether the period contains `date`.
    pub(crate) fn contains(self, date: NaiveDate) -> bool {
        self.start <= date && date < self.end
    }
}

/// What the ledger knows about one designation id.
#[derive(Debug, Clone, Default)]
pub(crate) struct DesignationIndex {
    /// Dense number of the designation, in order of first mention.
    pub(crate) slot: u32,
    /// Positions of the changes naming it.
    pub(crate) positions: Vec<usize>,
}

/// The positions of the entity versions that carry one lookup key.
///
/// Lookups key on a 64-bit hash of the normalised name or identifier, which keeps the indexes
/// small; a lookup checks each hit's record, so a hash collision never gives a wrong answer.
#[derive(Debug, Clone, Default)]
pub(crate) enum Hits {
    /// No position (only transiently, while being built or emptied).
    #[default]
    None,
    /// One position, the usual case, kept inline.
    One(u32),
    /// Several positions, in log order.
    Many(Vec<u32>),
}

impl Hits {
    fn push(&mut self, at: u32) {
        *self = match std::mem::take(self) {
            Hits::None => Hits::One(at),
            Hits::One(first) => Hits::Many(vec![first, at]),
            Hits::Many(mut all) => {
                all.push(at);
                Hits::Many(all)
            }
        };
    }

    /// The positions, in log order.
    pub(crate) fn positions(&self) -> &[u32] {
        match self {
            Hits::None => &[],
            Hits::One(at) => std::slice::from_ref(at),
            Hits::Many(all) => all,
        }
    }
}

/// Removes `at` from the hits of `key`, and the key when nothing is left.
fn forget_hit(map: &mut HashMap<u64, Hits>, key: u64, at: u32) {
    let Some(hits) = map.get_mut(&key) else {
        return;
    };
    let left: Vec<u32> = hits
        .positions()
        .iter()
        .copied()
        .filter(|&p| p != at)
        .collect();
    match left[..] {
        [] => {
            map.remove(&key);
        }
        [one] => *hits = Hits::One(one),
        _ => *hits = Hits::Many(left),
    }
}

/// The 64-bit lookup key of a text: deterministic, so a ledger built twice indexes alike.
pub(crate) fn text_key(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    // Every `DefaultHasher::new()` hashes alike within a process, which is all we need.
    let mut hasher = std::hash::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// The keys of a record's names and aliases (normalised; empty ones skipped), without repeats.
pub(crate) fn name_keys(record: &Entity) -> Vec<u64> {
    let mut keys: Vec<u64> = record
        .names()
        .map(normalise_name)
        .filter(|n| !n.is_empty())
        .map(|n| text_key(&n))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The keys of a record's identifiers, without repeats.
pub(crate) fn identifier_keys(record: &Entity) -> Vec<u64> {
    let mut keys: Vec<u64> = record
        .identifiers
        .iter()
        .map(|i| text_key(&i.lookup_key()))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// `at` as stored in the compact indexes. `push` refuses positions that do not fit.
fn compact(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(NOT_RETRACTED)
}

impl Ledger {
    /// Adds the change at `at` to every index.
    pub(crate) fn index(&mut self, at: usize) {
        let change = &self.changes[at];
        let effective = change.effective;
        let mut refresh = None;
        match &change.kind {
            ChangeKind::RegisterEntity { entity, record }
            | ChangeKind::AmendEntity { entity, record } => {
                self.entities.entry(*entity).or_default().versions.push(at);
                for key in name_keys(record) {
                    self.names.entry(key).or_default().push(compact(at));
                }
                for key in identifier_keys(record) {
                    self.identifiers.entry(key).or_default().push(compact(at));
                }
            }
            ChangeKind::Designate {
                designation,
                record,
            } => {
                let (designation, entity, authority) =
                    (*designation, record.entity, record.authority.clone());
                refresh = self.index_designate(at, designation, entity, &authority);
            }
            ChangeKind::Delist { designation } => {
                let designation = *designation;
                self.index_delist(at, designation);
            }
            ChangeKind::AmendDesignation { designation, .. } => {
                self.mention_designation(*designation, at);
            }
            ChangeKind::IssueLicence { licence, record } => {
                self.licences.entry(*licence).or_default().push(at);
                for entity in &record.terms.covers {
                    let index = self.entities.entry(*entity).or_default();
                    index.licences.push((*licence, at));
                }
            }
            ChangeKind::AmendLicence { licence, terms } => {
                self.licences.entry(*licence).or_default().push(at);
                for entity in &terms.covers {
                    let index = self.entities.entry(*entity).or_default();
                    index.licences.push((*licence, at));
                }
            }
            ChangeKind::EndLicence { licence, .. } => {
                self.licences.entry(*licence).or_default().push(at);
            }
            ChangeKind::Retract { change: target, .. } => {
                let target_at = self.by_id[target];
                self.retracted_by.set(target_at, at);
                refresh = self.mark_span(target_at, compact(at));
            }
        }
        match self.changes[at].kind {
            // The newest change wins, as in `current_period_of`.
            ChangeKind::IssueLicence { licence, .. } => {
                let period = self.current_licence_periods.entry(licence);
                period.or_insert(CurrentPeriod::NONE).start = effective;
            }
            ChangeKind::EndLicence { licence, .. } => {
                let period = self.current_licence_periods.entry(licence);
                period.or_insert(CurrentPeriod::NONE).end = effective;
            }
            ChangeKind::Retract { .. } => {
                if let Some(licence) = self.licence_period_changed_by(at) {
                    self.refresh_current_licence_period(licence);
                }
            }
            _ => {}
        }
        if !matches!(self.changes[at].kind, ChangeKind::Retract { .. }) {
            self.by_effective.entry(effective).or_default().push(at);
        }
        if let Some(entity) = refresh {
            self.refresh_listings(entity);
        }
    }

    /// Indexes the `Designate` at `at`; returns the entity whose listings need a full refresh.
    fn index_designate(
        &mut self,
        at: usize,
        designation: DesignationId,
        entity: EntityId,
        authority: &Authority,
    ) -> Option<EntityId> {
        let effective = self.changes[at].effective;
        self.entities
            .entry(entity)
            .or_default()
            .designations
            .push((designation, at));
        self.push_span(designation, at, false);
        if self.designations[&designation].positions.len() > 1 {
            return Some(entity);
        }
        // The usual case, a new designation: its start is the only listing to add.
        let authority = self.intern(authority);
        if let Some(index) = self.entities.get_mut(&entity) {
            index.listings.push(Listing {
                designation,
                at: compact(at),
                retracted_at: NOT_RETRACTED,
                date: effective,
                authority,
                ends: false,
            });
        }
        None
    }

    /// Records that the change at `at` names `designation`, and appends its start or end to the
    /// log-ordered spans.
    fn push_span(&mut self, designation: DesignationId, at: usize, ends: bool) {
        let slot = self.mention_designation(designation, at);
        let date = self.changes[at].effective;
        self.spans.push(Span {
            slot,
            at: compact(at),
            retracted_at: NOT_RETRACTED,
            date,
            ends,
        });
        // The newest change wins, as in `current_period_of`, without reading the others.
        if let Some(period) = self.current_periods.get_mut(slot as usize) {
            if ends {
                period.end = date;
            } else {
                period.start = date;
            }
        }
    }

    /// The licence whose period the change at `at` sets or unsets: an issue or end, or the
    /// retraction of one.
    fn licence_period_changed_by(&self, at: usize) -> Option<LicenceId> {
        let kind = match &self.changes[at].kind {
            ChangeKind::Retract { change, .. } => &self.changes[*self.by_id.get(change)?].kind,
            kind => kind,
        };
        match kind {
            ChangeKind::IssueLicence { licence, .. } | ChangeKind::EndLicence { licence, .. } => {
                Some(*licence)
            }
            _ => None,
        }
    }

    /// Recomputes the licence's [`CurrentPeriod`] from its changes not retracted now, and
    /// forgets it when no change names it any more.
    fn refresh_current_licence_period(&mut self, licence: LicenceId) {
        match self.licences.get(&licence) {
            Some(positions) => {
                let period = self.current_period_of(positions);
                self.current_licence_periods.insert(licence, period);
            }
            None => {
                self.current_licence_periods.remove(&licence);
            }
        }
    }

    /// The period in force set by the changes at `positions` (one target's, in log order) that
    /// are not retracted now: the newest creation's date to the newest end's.
    fn current_period_of(&self, positions: &[usize]) -> CurrentPeriod {
        let mut period = CurrentPeriod::NONE;
        for &at in positions {
            if self.retracted_by.get(at).is_some() {
                continue;
            }
            let change = &self.changes[at];
            match change.kind {
                ChangeKind::Designate { .. } | ChangeKind::IssueLicence { .. } => {
                    period.start = change.effective;
                }
                ChangeKind::Delist { .. } | ChangeKind::EndLicence { .. } => {
                    period.end = change.effective;
                }
                _ => {}
            }
        }
        period
    }

    /// Recomputes the designation's [`CurrentPeriod`] from its changes not retracted now.
    fn refresh_current_designation_period(&mut self, designation: DesignationId) {
        let Some(index) = self.designations.get(&designation) else {
            return;
        };
        let period = self.current_period_of(&index.positions);
        if let Some(slot) = self.current_periods.get_mut(index.slot as usize) {
            *slot = period;
        }
    }

    /// Indexes the `Delist` at `at`.
    fn index_delist(&mut self, at: usize, designation: DesignationId) {
        let effective = self.changes[at].effective;
        self.push_span(designation, at, true);
        // The end carries its designation's authority. Without a start yet (one later in the
        // same group), there is nothing to add: the start's arrival refreshes the listings.
        let Some(entity) = self.designation_entity(designation) else {
            return;
        };
        let Some(index) = self.entities.get_mut(&entity) else {
            return;
        };
        let start = index
            .listings
            .iter()
            .find(|l| l.designation == designation && !l.ends)
            .copied();
        if let Some(start) = start {
            index.listings.push(Listing {
                designation,
                at: compact(at),
                retracted_at: NOT_RETRACTED,
                date: effective,
                authority: start.authority,
                ends: true,
            });
        }
    }

    /// Removes every change at position `start` or later, undoing its indexing.
    pub(crate) fn roll_back_to(&mut self, start: usize) {
        self.chain.truncate(start);
        while self.changes.len() > start {
            let at = self.changes.len() - 1;
            self.unindex(at);
            if let Some(change) = self.changes.pop() {
                self.by_id.remove(&change.id);
            }
        }
    }

    /// Undoes [`Ledger::index`] for the last change of the log, at `at`.
    fn unindex(&mut self, at: usize) {
        fn drop_from<K: std::hash::Hash + Eq, V>(
            map: &mut HashMap<K, Vec<V>>,
            key: &K,
            keep: impl FnMut(&V) -> bool,
        ) {
            if let Some(list) = map.get_mut(key) {
                list.retain(keep);
                if list.is_empty() {
                    map.remove(key);
                }
            }
        }
        let change = &self.changes[at];
        let effective = change.effective;
        let mut touched_entities = Vec::new();
        let mut refresh = None;
        let mut designation = None;
        match &change.kind {
            ChangeKind::RegisterEntity { entity, record }
            | ChangeKind::AmendEntity { entity, record } => {
                for key in name_keys(record) {
                    forget_hit(&mut self.names, key, compact(at));
                }
                for key in identifier_keys(record) {
                    forget_hit(&mut self.identifiers, key, compact(at));
                }
                touched_entities.push(*entity);
            }
            ChangeKind::Designate {
                designation: id,
                record,
            } => {
                designation = Some(*id);
                touched_entities.push(record.entity);
                refresh = Some(record.entity);
            }
            ChangeKind::AmendDesignation {
                designation: id, ..
            }
            | ChangeKind::Delist { designation: id } => {
                designation = Some(*id);
            }
            ChangeKind::IssueLicence { licence, record } => {
                drop_from(&mut self.licences, licence, |&i| i != at);
                touched_entities.extend(record.terms.covers.iter().copied());
            }
            ChangeKind::AmendLicence { licence, terms } => {
                drop_from(&mut self.licences, licence, |&i| i != at);
                touched_entities.extend(terms.covers.iter().copied());
            }
            ChangeKind::EndLicence { licence, .. } => {
                drop_from(&mut self.licences, licence, |&i| i != at);
            }
            ChangeKind::Retract { change: target, .. } => {
                let target_at = self.by_id[target];
                self.retracted_by.clear(target_at);
                refresh = self.mark_span(target_at, NOT_RETRACTED);
            }
        }
        if let Some(licence) = self.licence_period_changed_by(at) {
            self.refresh_current_licence_period(licence);
        }
        if let Some(id) = designation {
            if matches!(self.changes[at].kind, ChangeKind::Delist { .. }) {
                refresh = self.designation_entity(id);
            }
            self.forget_designation_mention(id, at);
        }
        if self.spans.last().is_some_and(|s| s.at == compact(at)) {
            self.spans.pop();
        }
        for entity in touched_entities {
            if let Some(index) = self.entities.get_mut(&entity) {
                index.versions.retain(|&i| i != at);
                index.designations.retain(|&(_, i)| i != at);
                index.licences.retain(|&(_, i)| i != at);
                if index.versions.is_empty()
                    && index.designations.is_empty()
                    && index.licences.is_empty()
                {
                    self.entities.remove(&entity);
                }
            }
        }
        if let Some(bucket) = self.by_effective.get_mut(&effective) {
            if bucket.last() == Some(&at) {
                bucket.pop();
            }
            if bucket.is_empty() {
                self.by_effective.remove(&effective);
            }
        }
        if let Some(entity) = refresh {
            self.refresh_listings_excluding(entity, at);
        }
    }

    /// Records that the change at `at` names `designation`, giving the designation a slot on its
    /// first mention.
    fn mention_designation(&mut self, designation: DesignationId, at: usize) -> u32 {
        let next = compact(self.designation_ids.len());
        let index = self
            .designations
            .entry(designation)
            .or_insert_with(|| DesignationIndex {
                slot: next,
                positions: Vec::new(),
            });
        index.positions.push(at);
        let slot = index.slot;
        if slot == next {
            self.designation_ids.push(designation);
            self.current_periods.push(CurrentPeriod::NONE);
        }
        slot
    }

    /// Undoes [`Ledger::mention_designation`] for the last change of the log.
    fn forget_designation_mention(&mut self, designation: DesignationId, at: usize) {
        if let Some(index) = self.designations.get_mut(&designation) {
            index.positions.retain(|&i| i != at);
            if index.positions.is_empty() {
                // Slots are given in log order and rollback runs backwards, so this is the last.
                self.designations.remove(&designation);
                self.designation_ids.pop();
                self.current_periods.pop();
                return;
            }
        }
        self.refresh_current_designation_period(designation);
    }

    /// Sets `retracted_at` on the span of the change at `target_at`, if it has one, and returns
    /// the entity whose listings must be refreshed.
    fn mark_span(&mut self, target_at: usize, retracted_at: u32) -> Option<EntityId> {
        let designation = match &self.changes[target_at].kind {
            ChangeKind::Designate { designation, .. } | ChangeKind::Delist { designation } => {
                *designation
            }
            _ => return None,
        };
        let found = self
            .spans
            .binary_search_by_key(&compact(target_at), |s| s.at);
        if let Ok(i) = found {
            self.spans[i].retracted_at = retracted_at;
        }
        self.refresh_current_designation_period(designation);
        self.designation_entity(designation)
    }

    /// The entity a designation lists, from any of its `Designate` changes (all name the same
    /// entity: `push` refuses one that does not).
    pub(crate) fn designation_entity(&self, designation: DesignationId) -> Option<EntityId> {
        self.designations
            .get(&designation)?
            .positions
            .iter()
            .find_map(|&at| match &self.changes[at].kind {
                ChangeKind::Designate { record, .. } => Some(record.entity),
                _ => None,
            })
    }

    /// An earlier `Designate` of `designation` (retracted or not) that names another entity or
    /// authority than `record`. A designation id keeps its entity and authority forever.
    pub(crate) fn conflicting_creation(
        &self,
        designation: DesignationId,
        record: &Designation,
    ) -> Option<ChangeId> {
        self.designations
            .get(&designation)?
            .positions
            .iter()
            .find_map(|&at| match &self.changes[at].kind {
                ChangeKind::Designate {
                    record: earlier, ..
                } if earlier.entity != record.entity || earlier.authority != record.authority => {
                    Some(self.changes[at].id)
                }
                _ => None,
            })
    }

    /// The position of `authority` in the interned list, adding it if new.
    fn intern(&mut self, authority: &Authority) -> u32 {
        if let Some(i) = self.authority_index(authority) {
            return i;
        }
        self.authorities.push(authority.clone());
        compact(self.authorities.len() - 1)
    }

    /// The position of `authority` in the interned list.
    pub(crate) fn authority_index(&self, authority: &Authority) -> Option<u32> {
        self.authorities
            .iter()
            .position(|a| a == authority)
            .map(compact)
    }

    fn refresh_listings(&mut self, entity: EntityId) {
        self.refresh_listings_excluding(entity, usize::MAX);
    }

    /// Rebuilds the entity's listings from its designations' changes, leaving out the change at
    /// `excluded` (one being rolled back).
    fn refresh_listings_excluding(&mut self, entity: EntityId, excluded: usize) {
        let Some(index) = self.entities.get(&entity) else {
            return;
        };
        let mut ids: Vec<DesignationId> = index.designations.iter().map(|(d, _)| *d).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut events = Vec::new();
        for id in ids {
            let Some(designation) = self.designations.get(&id) else {
                continue;
            };
            for &at in designation.positions.iter().filter(|&&at| at != excluded) {
                let change = &self.changes[at];
                let retracted_at = self
                    .retracted_by
                    .get(at)
                    .filter(|&by| by != excluded)
                    .map_or(NOT_RETRACTED, compact);
                let (authority, ends) = match &change.kind {
                    ChangeKind::Designate { record, .. } if record.entity == entity => {
                        (Some(record.authority.clone()), false)
                    }
                    ChangeKind::Delist { .. } => (None, true),
                    _ => continue,
                };
                events.push((id, at, retracted_at, change.effective, authority, ends));
            }
        }
        // A delisting carries its designation's authority.
        let mut listings = Vec::with_capacity(events.len());
        for (id, at, retracted_at, date, authority, ends) in &events {
            let authority = match authority {
                Some(a) => Some(a.clone()),
                None => events
                    .iter()
                    .find(|e| e.0 == *id && e.4.is_some())
                    .and_then(|e| e.4.clone()),
            };
            let Some(authority) = authority else { continue };
            let authority = self.intern(&authority);
            listings.push(Listing {
                designation: *id,
                at: compact(*at),
                retracted_at: *retracted_at,
                date: *date,
                authority,
                ends: *ends,
            });
        }
        if let Some(index) = self.entities.get_mut(&entity) {
            index.listings = listings;
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    use super::Retractions;
    use crate::{
        Authority, Change, ChangeId, ChangeKind, Designation, DesignationId, DesignationTerms,
        Entity, EntityId, EntityKind, Identifier, Ledger, Licence, LicenceId, LicenceTerms,
        Measure, Source,
    };

    /// Every index of `ledger`, in an order that does not depend on hashing (listings are
    /// rebuilt in another order on rollback, so they are sorted by position). The interned
    /// authorities are left out: that table only grows, by design (a refused batch may leave
    /// an authority name in it, which no answer depends on).
    fn indexes(ledger: &Ledger) -> String {
        fn sorted<T: std::fmt::Debug>(items: impl Iterator<Item = T>) -> Vec<String> {
            let mut all: Vec<String> = items.map(|item| format!("{item:?}")).collect();
            all.sort();
            all
        }
        let entities = sorted(ledger.entities.iter().map(|(id, index)| {
            let mut listings = index.listings.clone();
            listings.sort_by_key(|l| l.at);
            let listings: Vec<String> = listings.iter().map(|l| format!("{l:?}")).collect();
            (
                id,
                &index.versions,
                &index.designations,
                &index.licences,
                listings,
            )
        }));
        format!(
            "{:?}\n{entities:?}\n{:?}\n{:?} {:?} {:?}\n{:?} {:?}\n{:?}\n{:?}\n{:?}",
            sorted(ledger.by_id.iter()),
            sorted(ledger.designations.iter()),
            ledger.designation_ids,
            ledger.current_periods,
            ledger.spans,
            sorted(ledger.licences.iter()),
            ledger.current_licence_periods,
            ledger.by_effective,
            sorted(ledger.identifiers.iter()),
            sorted(ledger.names.iter()),
        )
    }

    #[test]
    fn a_refused_batch_leaves_no_index_entry_behind() {
        let day = |d| NaiveDate::from_ymd_opt(2025, 1, d).unwrap();
        let recorded = |h| Utc.with_ymd_and_hms(2026, 1, 1, h, 0, 0).unwrap();
        let change = |name: &str, d, h, kind| {
            Change::new(
                ChangeId::derive(name),
                day(d),
                recorded(h),
                Source::new(name),
                kind,
            )
        };
        let register = |name: &str, alias: &str, uid: &str| ChangeKind::RegisterEntity {
            entity: EntityId::derive(name),
            record: Entity::new(EntityKind::Organisation, name)
                .with_alias(alias)
                .with_identifier(Identifier::list_entry(Authority::US_OFAC, uid)),
        };
        let designate = |id: &str, who: &str, authority| ChangeKind::Designate {
            designation: DesignationId::derive(id),
            record: Designation::new(
                EntityId::derive(who),
                authority,
                DesignationTerms::new(Measure::AssetFreeze),
            ),
        };
        let kept = vec![
            change("reg a", 1, 0, register("Alpha", "Alef", "1")),
            change("des a", 2, 0, designate("d-a", "Alpha", Authority::EU)),
            change(
                "lic a",
                3,
                0,
                ChangeKind::IssueLicence {
                    licence: LicenceId::derive("l-a"),
                    record: Licence::new(
                        Authority::EU,
                        LicenceTerms::general("GL 1", EntityId::derive("Alpha")),
                    ),
                },
            ),
        ];
        let fresh = Ledger::from_changes(kept.clone()).unwrap();
        let mut ledger = Ledger::from_changes(kept).unwrap();
        // Valid groups first (every kind of index entry), then a change that is refused.
        let refused = ledger.apply_batch([
            change("reg b", 4, 1, register("Beta", "Alef", "2")),
            change("des b", 5, 1, designate("d-b", "Beta", Authority::UK)),
            change(
                "des a2",
                5,
                1,
                designate("d-a2", "Alpha", Authority::US_OFAC),
            ),
            change(
                "end d-a",
                6,
                2,
                ChangeKind::Delist {
                    designation: DesignationId::derive("d-a"),
                },
            ),
            change(
                "end l-a",
                6,
                2,
                ChangeKind::EndLicence {
                    licence: LicenceId::derive("l-a"),
                    end: crate::LicenceEnd::Revoked,
                },
            ),
            change(
                "retract des b",
                7,
                3,
                ChangeKind::Retract {
                    change: ChangeId::derive("reg b"),
                    reason: "orphans d-b".into(),
                },
            ),
        ]);
        assert!(refused.is_err(), "the last group orphans a designation");
        assert_eq!(indexes(&ledger), indexes(&fresh));
    }

    /// Positions on both sides of the 64-bit word boundaries, set out of order: each answers
    /// with its own retraction, its neighbours stay unretracted, and `clear` undoes only it.
    #[test]
    fn retractions_hold_positions_across_words() {
        let positions = [0, 1, 63, 64, 65, 127, 128, 200, 1_000, 4_480];
        // Set in log order (the ledger's way: the bitset grows word by word) and backwards
        // (it must never shrink).
        let forwards: Vec<usize> = (0..positions.len()).collect();
        let backwards: Vec<usize> = forwards.iter().rev().copied().collect();
        for order in [forwards, backwards] {
            let mut retractions = Retractions::default();
            for &i in &order {
                retractions.set(positions[i], 10_000 + i);
            }
            for (i, &at) in positions.iter().enumerate() {
                assert_eq!(retractions.get(at), Some(10_000 + i), "position {at}");
            }
            for at in [2, 62, 66, 126, 129, 199, 201, 999, 1_001, 100_000] {
                assert_eq!(retractions.get(at), None, "position {at}");
            }
            // Clearing one position, including one never set, leaves every other as it was.
            let mut cleared = Vec::new();
            for at in [64, 100_000, 0, 128, 1_000] {
                retractions.clear(at);
                cleared.push(at);
                for (i, &other) in positions.iter().enumerate() {
                    let expected = (!cleared.contains(&other)).then_some(10_000 + i);
                    let context = format!("position {other} after clearing {at}");
                    assert_eq!(retractions.get(other), expected, "{context}");
                }
            }
        }
    }
}
