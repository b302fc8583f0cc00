//! The ledger's indexes: a private engine derived from the log, kept in step with it by
//! [`Index::insert`] on every appended change and [`Index::truncate`] on rollback, and read by
//! the [`View`](crate::View) through methods that take the view's cut.
//!
//! Like indexmap's `IndexMapCore`, the structures here are private: no other module sees the
//! compact encodings, only positions in the log and ids.
//!
//! Three compact structures serve the hot queries without reading the changes themselves:
//!
//! - per entity, its [`Listing`]s: every `Designate` and `Delist` of its designations, with the
//!   date, the authority, the list and the positions that decide visibility in a view. The
//!   status of one entity, per authority or per list, reads one small contiguous vector.
//! - for the whole ledger, the [`Span`]s: the same events in log order, for the state on a date
//!   in a view of the past, which is one sequential pass.
//! - per designation slot and per licence, its [`CurrentPeriod`]: the period in force as the
//!   ledger knows it now, so that the current state on a date reads 8 bytes per designation;
//!   and per designation slot its [`SlotScope`] (authority and list), read only by the
//!   questions about one authority or one list.
//!
//! Authorities and lists are interned (`Index::authorities`, `Index::lists`): the compact
//! structures hold a `u32` for each, so that a question about one list costs what a question
//! about one authority costs.
//!
//! A view known up to position `cut` (the changes at positions below `cut`) sees the change at
//! `at` when `at < cut` and it is not retracted by a change below `cut`; in the compact
//! structures, `at < cut && retracted_at >= cut`, where a change never retracted has
//! `retracted_at == NOT_RETRACTED`.

mod clusters;
mod derivation;
mod links;
mod recorded;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use foldhash::HashMap;

pub(crate) use self::clusters::ComponentEntry;
pub(crate) use self::derivation::{Derivation, Edge, OwnerEvent, Step};

use crate::authority::Authority;
use crate::change::ChangeKind;
use crate::designation::Designation;
use crate::entity::{normalise_name, Entity};
use crate::id::{DesignationId, EntityId, LicenceId, LinkId};
use crate::list::{List, Scope};
use crate::log::Log;
use crate::names::for_each_token;

/// Which changes are retracted, and by which retraction.
///
/// Retractions are rare, so the positions retracted are a bitset (one bit per change, which
/// stays in cache when a query checks thousands of changes) beside a small map to the
/// retraction's position.
#[derive(Debug, Clone, Default)]
struct Retractions {
    bits: Vec<u64>,
    by: HashMap<usize, usize>,
}

impl Retractions {
    /// The position of the retraction of the change at `at`, if it is retracted.
    #[inline]
    fn get(&self, at: usize) -> Option<usize> {
        let word = self.bits.get(at / 64).copied().unwrap_or(0);
        if word & (1 << (at % 64)) == 0 {
            None
        } else {
            self.by.get(&at).copied()
        }
    }

    /// Records that the change at `at` is retracted by the one at `by`.
    fn set(&mut self, at: usize, by: usize) {
        if self.bits.len() <= at / 64 {
            self.bits.resize(at / 64 + 1, 0);
        }
        self.bits[at / 64] |= 1 << (at % 64);
        self.by.insert(at, by);
    }

    /// Undoes [`Retractions::set`].
    fn clear(&mut self, at: usize) {
        if let Some(word) = self.bits.get_mut(at / 64) {
            *word &= !(1 << (at % 64));
        }
        self.by.remove(&at);
    }
}

/// `retracted_at` of a change that is not retracted.
const NOT_RETRACTED: u32 = u32::MAX;

/// What the ledger knows about one entity id.
#[derive(Debug, Clone, Default)]
struct EntityIndex {
    /// Positions of its `RegisterEntity` and `AmendEntity` changes.
    versions: Vec<usize>,
    /// Designations of it, with the position of the `Designate` change.
    designations: Vec<(DesignationId, usize)>,
    /// The starts and ends of its designations, rebuilt whenever one of them changes.
    listings: Vec<Listing>,
    /// Its licences and links, which few entities have: boxed, so that an entity without
    /// them spends 8 bytes on them in the entity map rather than 48.
    rare: Option<Box<RareEntityIndex>>,
}

/// The part of an [`EntityIndex`] that few entities have.
#[derive(Debug, Clone, Default)]
struct RareEntityIndex {
    /// Licences covering it, with the position of the issue or amendment that names it.
    licences: Vec<(LicenceId, usize)>,
    /// The starts and ends of the links that join it to other entities.
    links: Vec<links::LinkEvent>,
}

impl EntityIndex {
    /// Whether nothing names the entity any more.
    fn is_empty(&self) -> bool {
        self.versions.is_empty()
            && self.designations.is_empty()
            && self.licences().is_empty()
            && self.links().is_empty()
    }

    /// Licences covering it, with the position of the issue or amendment that names it.
    fn licences(&self) -> &[(LicenceId, usize)] {
        self.rare.as_deref().map_or(&[], |rare| &rare.licences)
    }

    /// The starts and ends of the links that join it to other entities.
    fn links(&self) -> &[links::LinkEvent] {
        self.rare.as_deref().map_or(&[], |rare| &rare.links)
    }

    /// Its licences and links, to add to.
    fn rare_mut(&mut self) -> &mut RareEntityIndex {
        self.rare.get_or_insert_with(Box::default)
    }

    /// Keeps the licences `keep_licence` accepts and the links `keep_link` accepts, and drops
    /// the box once both lists are empty.
    fn retain_rare(
        &mut self,
        keep_licence: impl FnMut(&(LicenceId, usize)) -> bool,
        keep_link: impl FnMut(&links::LinkEvent) -> bool,
    ) {
        if let Some(rare) = self.rare.as_deref_mut() {
            rare.licences.retain(keep_licence);
            rare.links.retain(keep_link);
            if rare.licences.is_empty() && rare.links.is_empty() {
                self.rare = None;
            }
        }
    }
}

/// One designation of an entity starting or ending.
#[derive(Debug, Clone, Copy)]
struct Listing {
    designation: DesignationId,
    at: u32,
    retracted_at: u32,
    date: NaiveDate,
    /// Index into `Index::authorities`.
    authority: u32,
    /// Index into `Index::lists`, or [`NO_LIST`].
    list: u32,
    /// `true` for a delisting, `false` for a designation.
    ends: bool,
}

/// `Listing::list` and `SlotScope::list` of a designation on no list.
const NO_LIST: u32 = u32::MAX;

/// The interned authority and list of a designation slot; [`SlotScope::NONE`] until its
/// `Designate` change is indexed (a delisting may come first in one group).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SlotScope {
    authority: u32,
    list: u32,
}

impl SlotScope {
    const NONE: SlotScope = SlotScope {
        authority: u32::MAX,
        list: NO_LIST,
    };
}

/// A [`Scope`] resolved to interned numbers.
#[derive(Debug, Clone, Copy)]
enum ScopeIx {
    Authority(u32),
    List(u32),
}

impl ScopeIx {
    /// Whether a designation by the interned `authority` on the interned `list` is in scope.
    #[inline]
    fn contains(self, authority: u32, list: u32) -> bool {
        match self {
            ScopeIx::Authority(ix) => authority == ix,
            ScopeIx::List(ix) => list == ix,
        }
    }
}

/// One designation starting or ending, in the ledger-wide log-ordered list.
#[derive(Debug, Clone, Copy)]
struct Span {
    /// The designation's slot (index into `Index::designation_ids`).
    slot: u32,
    at: u32,
    retracted_at: u32,
    date: NaiveDate,
    /// `true` for a delisting, `false` for a designation.
    ends: bool,
}

/// A designation's period in force `[start, end)` as the ledger knows it now (retractions
/// applied), kept by slot so that the current state on a date is one pass over 8 bytes per
/// designation. `NaiveDate::MAX` stands for "none": a designation whose creation is retracted
/// has `start == MAX` and is never in force; an open one has `end == MAX`.
#[derive(Debug, Clone, Copy)]
struct CurrentPeriod {
    start: NaiveDate,
    end: NaiveDate,
}

impl CurrentPeriod {
    const NONE: CurrentPeriod = CurrentPeriod {
        start: NaiveDate::MAX,
        end: NaiveDate::MAX,
    };

    /// Whether the period contains `date`.
    fn contains(self, date: NaiveDate) -> bool {
        self.start <= date && date < self.end
    }
}

/// What the ledger knows about one designation id.
#[derive(Debug, Clone, Default)]
struct DesignationIndex {
    /// Dense number of the designation, in order of first mention.
    slot: u32,
    /// Positions of the changes naming it.
    positions: Vec<usize>,
}

/// Entity versions by lookup key: the positions of the versions that carry each key.
///
/// Lookups key on a 64-bit hash of the normalised name or identifier, which keeps the indexes
/// small; a lookup checks each hit's record, so a hash collision never gives a wrong answer.
/// Most keys have one position, kept inline in 16 bytes per key; a key with several (a common
/// name token) points into a side table.
#[derive(Debug, Clone, Default)]
struct Lookup {
    keys: HashMap<u64, Hit>,
    /// The positions of the keys with several, each in log order. A slot emptied by a rollback
    /// that is not the last stays, empty, until the lookup is dropped.
    many: Vec<Vec<u32>>,
}

/// Where a [`Lookup`] key's positions are.
#[derive(Debug, Clone, Copy)]
enum Hit {
    /// One position.
    One(u32),
    /// Several: the index of their slot in `Lookup::many`.
    Many(u32),
}

impl Lookup {
    /// Adds the position `at`, later than any other of `key`.
    fn push(&mut self, key: u64, at: u32) {
        match self.keys.entry(key) {
            std::collections::hash_map::Entry::Vacant(entry) => {
                entry.insert(Hit::One(at));
            }
            std::collections::hash_map::Entry::Occupied(mut entry) => match *entry.get() {
                Hit::One(first) => {
                    entry.insert(Hit::Many(compact(self.many.len())));
                    self.many.push(vec![first, at]);
                }
                Hit::Many(slot) => self.many[slot as usize].push(at),
            },
        }
    }

    /// The positions of `key`, in log order.
    fn positions(&self, key: u64) -> &[u32] {
        match self.keys.get(&key) {
            None => &[],
            Some(Hit::One(at)) => std::slice::from_ref(at),
            Some(&Hit::Many(slot)) => &self.many[slot as usize],
        }
    }

    /// Removes `at` from the positions of `key`, and the key when nothing is left.
    fn forget(&mut self, key: u64, at: u32) {
        match self.keys.get(&key).copied() {
            Some(Hit::One(one)) if one == at => {
                self.keys.remove(&key);
            }
            None | Some(Hit::One(_)) => {}
            Some(Hit::Many(slot)) => {
                let all = &mut self.many[slot as usize];
                all.retain(|&p| p != at);
                if let [one] = all[..] {
                    self.keys.insert(key, Hit::One(one));
                    // Rollback removes the newest positions first, so the slot is usually last.
                    if slot as usize + 1 == self.many.len() {
                        self.many.pop();
                    } else {
                        self.many[slot as usize] = Vec::new();
                    }
                }
            }
        }
    }

    /// Every key with its positions, sorted, for tests that compare two indexes.
    #[cfg(test)]
    fn canonical(&self) -> Vec<(u64, Vec<u32>)> {
        let mut all: Vec<(u64, Vec<u32>)> = self
            .keys
            .keys()
            .map(|&key| (key, self.positions(key).to_vec()))
            .collect();
        all.sort_unstable();
        all
    }
}

/// The 64-bit lookup key of a text: deterministic, so a ledger built twice indexes alike.
fn text_key(text: &str) -> u64 {
    use std::hash::BuildHasher;
    // A fixed seed: every key of a text is the same, in every ledger and every process.
    const KEYS: foldhash::quality::FixedState = foldhash::quality::FixedState::with_seed(0x5a17);
    KEYS.hash_one(text)
}

/// The keys of a record's names and aliases (normalised; empty ones skipped), without repeats.
fn name_keys(record: &Entity) -> Vec<u64> {
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

/// The keys of the tokens of a record's names and aliases, without repeats.
fn token_keys(record: &Entity) -> Vec<u64> {
    let mut keys = Vec::new();
    let mut scratch = String::new();
    for name in record.names() {
        for_each_token(name, &mut scratch, |t| keys.push(text_key(t)));
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The keys of a record's identifiers, without repeats.
fn identifier_keys(record: &Entity) -> Vec<u64> {
    let mut keys: Vec<u64> = record
        .identifiers
        .iter()
        .map(|i| text_key(&i.lookup_key()))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Appends `item` to a vector that usually stays short (an entity's versions and designations,
/// a designation's or licence's changes): its allocation grows one item at a time up to four,
/// then as `Vec`'s does. Most of these hold one to three items, where `Vec`'s first allocation
/// already holds four, and there is one of each per entity or designation.
pub(crate) fn push_small<T>(items: &mut Vec<T>, item: T) {
    if items.len() == items.capacity() && items.len() < 4 {
        items.reserve_exact(1);
    }
    items.push(item);
}

/// `at` as stored in the compact indexes. [`Index::can_index`] tells which positions fit.
fn compact(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(NOT_RETRACTED)
}

/// Every index structure of a ledger, derived from its [`Log`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Index {
    /// For each position, the position of the retraction that withdrew it, if any.
    retracted_by: Retractions,
    /// Per entity: its versions, what names it, and its listing events.
    entities: HashMap<EntityId, EntityIndex>,
    /// Per designation: its slot and the positions of the changes that name it.
    designations: HashMap<DesignationId, DesignationIndex>,
    /// Designation ids by slot, in order of first mention.
    designation_ids: Vec<DesignationId>,
    /// By slot, each designation's period in force as the ledger knows it now.
    current_periods: Vec<CurrentPeriod>,
    /// By slot, each designation's authority and list, interned.
    slot_scopes: Vec<SlotScope>,
    /// Every `Designate` and `Delist` change, in log order, compactly.
    spans: Vec<Span>,
    /// Authorities named by designations, interned; `Listing::authority` indexes this. It only
    /// grows: a refused batch may leave a name here, which no answer depends on.
    authorities: Vec<Authority>,
    /// Lists named by designations, interned like the authorities; `Listing::list` indexes it.
    lists: Vec<List>,
    /// Per licence: the positions of the changes that name it.
    licences: HashMap<LicenceId, Vec<usize>>,
    /// Each licence's period in force as the ledger knows it now, sorted by id.
    current_licence_periods: BTreeMap<LicenceId, CurrentPeriod>,
    /// Every change except retractions, bucketed by effective date, each bucket in log order.
    by_effective: BTreeMap<NaiveDate, Vec<usize>>,
    /// Entity versions by identifier lookup key.
    identifiers: Lookup,
    /// Entity versions by normalised name or alias.
    names: Lookup,
    /// Entity versions by every token of their names and aliases (see `names.rs`).
    tokens: Lookup,
    /// Per link: the positions of the changes that name it (see `links.rs`).
    links: HashMap<LinkId, Vec<usize>>,
    /// Relations, class measures and non-blocking designation terms, for derived status.
    derivation: Derivation,
    /// The log's distinct recorded instants, for the cut of a view known at an instant.
    recorded: recorded::Recorded,
    /// The components of the link graph, for the status of a cluster (see `clusters.rs`).
    clusters: clusters::Components,
}

/// Whether an event of a compact index is seen by a view of the changes below `cut`.
#[inline]
fn sees_event(cut: usize, at: u32, retracted_at: u32) -> bool {
    let cut = u32::try_from(cut).unwrap_or(u32::MAX);
    at < cut && retracted_at >= cut
}

/// What the index knows about one entity, read through a view's cut.
#[derive(Clone, Copy)]
pub(crate) struct EntityEntry<'a> {
    index: &'a Index,
    entry: &'a EntityIndex,
}

impl<'a> EntityEntry<'a> {
    /// Positions of its `RegisterEntity` and `AmendEntity` changes, in log order.
    #[inline]
    pub(crate) fn versions(self) -> &'a [usize] {
        &self.entry.versions
    }

    /// Whether a view of the changes below `cut` knows the entity: sees its registration.
    ///
    /// Any version the view sees will do, without reading the change: a view's cut falls
    /// between two recorded instants, where the rules held (an amendment, a designation or a
    /// licence naming the entity needs its registration), so a visible version implies a
    /// visible registration.
    #[inline]
    pub(crate) fn known(self, cut: usize) -> bool {
        self.entry
            .versions
            .iter()
            .any(|&at| self.index.sees(cut, at))
    }

    /// Licences naming it, each with the position of the issue or amendment that names it.
    #[inline]
    pub(crate) fn licences(self) -> &'a [(LicenceId, usize)] {
        self.entry.licences()
    }

    /// The ids of its designations in `scope` (by one authority, or on one list) in force on
    /// `date`, as seen by a view of the changes below `cut`. Reads no change and allocates
    /// nothing.
    #[inline]
    pub(crate) fn listed(
        self,
        scope: Scope<'_>,
        date: NaiveDate,
        cut: usize,
    ) -> impl Iterator<Item = DesignationId> + 'a {
        let (listings, scope) = match self.index.scope_index(scope) {
            Some(ix) => (&self.entry.listings[..], ix),
            None => (&[][..], ScopeIx::Authority(0)),
        };
        listings
            .iter()
            .filter(move |l| {
                !l.ends
                    && scope.contains(l.authority, l.list)
                    && l.date <= date
                    && sees_event(cut, l.at, l.retracted_at)
            })
            .filter(move |start| {
                !listings.iter().any(|end| {
                    end.ends
                        && end.designation == start.designation
                        && end.date <= date
                        && sees_event(cut, end.at, end.retracted_at)
                })
            })
            .map(|l| l.designation)
    }

    /// Authorities that have designated it, as seen below `cut`, sorted.
    pub(crate) fn authorities(self, cut: usize) -> Vec<Authority> {
        let mut authorities: Vec<Authority> = self
            .entry
            .listings
            .iter()
            .filter(|l| !l.ends && sees_event(cut, l.at, l.retracted_at))
            .filter_map(|l| self.index.authorities.get(l.authority as usize).cloned())
            .collect();
        authorities.sort();
        authorities.dedup();
        authorities
    }

    /// Its designations seen below `cut`, in first-seen order.
    pub(crate) fn designations(self, cut: usize) -> Vec<DesignationId> {
        let mut seen = Vec::new();
        for l in &self.entry.listings {
            if !l.ends && sees_event(cut, l.at, l.retracted_at) && !seen.contains(&l.designation) {
                seen.push(l.designation);
            }
        }
        seen
    }
}

/// Reads of the index: what the rules and the view ask.
impl Index {
    /// Whether a change at position `at` fits the compact indexes (positions are stored in 32
    /// bits, and `u32::MAX` means "not retracted").
    pub(crate) fn can_index(at: usize) -> bool {
        u32::try_from(at).is_ok_and(|at| at != NOT_RETRACTED)
    }

    /// The position of the retraction of the change at `at`, if it is retracted.
    #[inline]
    pub(crate) fn retracted_by(&self, at: usize) -> Option<usize> {
        self.retracted_by.get(at)
    }

    /// The number of changes recorded at or before `instant`: the cut of a view known then.
    /// O(log r) in the distinct recorded instants, reading no change.
    #[inline]
    pub(crate) fn cut_at(&self, instant: chrono::DateTime<chrono::Utc>) -> usize {
        self.recorded.cut(instant)
    }

    /// Whether a view of the changes below `cut` sees the change at `at`.
    #[inline]
    pub(crate) fn sees(&self, cut: usize, at: usize) -> bool {
        at < cut && self.retracted_by.get(at).is_none_or(|by| by >= cut)
    }

    /// What the index knows about `entity`, if any change names it.
    #[inline]
    pub(crate) fn entity(&self, entity: EntityId) -> Option<EntityEntry<'_>> {
        let entry = self.entities.get(&entity)?;
        Some(EntityEntry { index: self, entry })
    }

    /// Every entity id some change names, with what the index knows about it, in hash order.
    pub(crate) fn entities(&self) -> impl Iterator<Item = (EntityId, EntityEntry<'_>)> {
        self.entities
            .iter()
            .map(|(id, entry)| (*id, EntityEntry { index: self, entry }))
    }

    /// The designations of `entity` and the licences naming it, retracted or not, with repeats.
    pub(crate) fn targets_naming(
        &self,
        entity: EntityId,
    ) -> (
        impl Iterator<Item = DesignationId> + '_,
        impl Iterator<Item = LicenceId> + '_,
    ) {
        let entry = self.entities.get(&entity);
        let designations = entry
            .into_iter()
            .flat_map(|e| e.designations.iter().map(|&(d, _)| d));
        let licences = entry
            .into_iter()
            .flat_map(|e| e.licences().iter().map(|&(l, _)| l));
        (designations, licences)
    }

    /// Positions of the changes naming the designation, in log order.
    #[inline]
    pub(crate) fn designation_positions(&self, id: DesignationId) -> Option<&[usize]> {
        self.designations.get(&id).map(|d| &d.positions[..])
    }

    /// Positions of the changes naming the licence, in log order.
    #[inline]
    pub(crate) fn licence_positions(&self, id: LicenceId) -> Option<&[usize]> {
        self.licences.get(&id).map(|l| &l[..])
    }

    /// The derived-status indexes: relations, class measures, non-blocking designation terms.
    #[inline]
    pub(crate) fn derivation(&self) -> &Derivation {
        &self.derivation
    }

    /// Positions of the changes naming the relation, in log order.
    #[inline]
    pub(crate) fn relation_positions(&self, id: crate::id::RelationId) -> Option<&[usize]> {
        self.derivation.relation_positions(id)
    }

    /// Positions of the changes naming the class measure, in log order.
    #[inline]
    pub(crate) fn class_measure_positions(
        &self,
        id: crate::id::ClassMeasureId,
    ) -> Option<&[usize]> {
        self.derivation.class_measure_positions(id)
    }

    /// Every licence id some change names, in hash order.
    pub(crate) fn licence_ids(&self) -> impl Iterator<Item = LicenceId> + '_ {
        self.licences.keys().copied()
    }

    /// The designations in force on `date` as the ledger knows them now, in order of first
    /// mention: one pass over each designation's current period, 8 bytes apiece.
    pub(crate) fn designations_in_force_now(&self, date: NaiveDate) -> Vec<DesignationId> {
        self.current_periods
            .iter()
            .zip(&self.designation_ids)
            .filter(|(period, _)| period.contains(date))
            .map(|(_, id)| *id)
            .collect()
    }

    /// [`Index::designations_in_force_now`] in `scope` only: the same pass, plus the slot's
    /// interned authority and list (8 more bytes apiece).
    pub(crate) fn designations_in_force_now_in(
        &self,
        scope: Scope<'_>,
        date: NaiveDate,
    ) -> Vec<DesignationId> {
        let Some(scope) = self.scope_index(scope) else {
            return Vec::new();
        };
        self.current_periods
            .iter()
            .zip(&self.slot_scopes)
            .zip(&self.designation_ids)
            .filter(|((period, s), _)| period.contains(date) && scope.contains(s.authority, s.list))
            .map(|(_, id)| *id)
            .collect()
    }

    /// The designations in force on `date` as seen by a view of the changes below `cut`, in
    /// order of first mention: one pass over the designation starts and ends the view sees, and
    /// one over the designations.
    pub(crate) fn designations_in_force_at(
        &self,
        date: NaiveDate,
        cut: usize,
    ) -> Vec<DesignationId> {
        self.in_force_at_where(date, cut, |_| true)
    }

    /// [`Index::designations_in_force_at`] in `scope` only.
    pub(crate) fn designations_in_force_at_in(
        &self,
        scope: Scope<'_>,
        date: NaiveDate,
        cut: usize,
    ) -> Vec<DesignationId> {
        let Some(scope) = self.scope_index(scope) else {
            return Vec::new();
        };
        self.in_force_at_where(date, cut, |s| scope.contains(s.authority, s.list))
    }

    /// The designations in force on `date` below `cut` whose slot scope passes `keep`.
    #[inline]
    fn in_force_at_where(
        &self,
        date: NaiveDate,
        cut: usize,
        keep: impl Fn(SlotScope) -> bool,
    ) -> Vec<DesignationId> {
        const STARTED: u8 = 1;
        const ENDED: u8 = 2;
        let mut marks = vec![0_u8; self.designation_ids.len()];
        let cut = u32::try_from(cut).unwrap_or(u32::MAX);
        // Spans are in log order: the view sees a prefix of them.
        let seen = &self.spans[..self.spans.partition_point(|s| s.at < cut)];
        for span in seen {
            if span.date <= date && span.retracted_at >= cut {
                marks[span.slot as usize] |= if span.ends { ENDED } else { STARTED };
            }
        }
        marks
            .iter()
            .zip(&self.slot_scopes)
            .zip(&self.designation_ids)
            .filter(|((mark, s), _)| **mark == STARTED && keep(**s))
            .map(|(_, id)| *id)
            .collect()
    }

    /// The licences in force on `date` as the ledger knows them now, sorted.
    pub(crate) fn licences_in_force_now(&self, date: NaiveDate) -> Vec<LicenceId> {
        self.current_licence_periods
            .iter()
            .filter(|(_, period)| period.contains(date))
            .map(|(id, _)| *id)
            .collect()
    }

    /// The positions of the changes (retractions excluded) effective from `first` to `last`
    /// inclusive: one bucket per date, dates ascending, each bucket in log order.
    #[inline]
    pub(crate) fn effective_between(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> impl Iterator<Item = &[usize]> + '_ {
        self.by_effective
            .range(first..=last)
            .map(|(_, bucket)| &bucket[..])
    }

    /// Positions of the entity versions whose names or aliases may normalise to `normalised`
    /// (the caller checks each record: the key is a hash).
    pub(crate) fn name_candidates(&self, normalised: &str) -> impl Iterator<Item = usize> + '_ {
        widen(self.names.positions(text_key(normalised)))
    }

    /// Positions of the entity versions whose names or aliases may hold `token` (a token of
    /// `name_tokens`; the caller checks each record: the key is a hash), in log order.
    pub(crate) fn token_candidates(&self, token: &str) -> &[u32] {
        self.tokens.positions(text_key(token))
    }

    /// Positions of the entity versions that may carry an identifier with this lookup key
    /// (the caller checks each record: the key is a hash).
    pub(crate) fn identifier_candidates(
        &self,
        lookup_key: &str,
    ) -> impl Iterator<Item = usize> + '_ {
        widen(self.identifiers.positions(text_key(lookup_key)))
    }

    /// The entity a designation lists, from any of its `Designate` changes (all name the same
    /// entity: the rules refuse one that does not).
    fn designation_entity(&self, log: &Log, designation: DesignationId) -> Option<EntityId> {
        self.designations
            .get(&designation)?
            .positions
            .iter()
            .find_map(|&at| match &log[at].kind {
                ChangeKind::Designate { record, .. } => Some(record.entity),
                _ => None,
            })
    }

    /// The position of `authority` in the interned authorities.
    #[inline]
    fn authority_index(&self, authority: &Authority) -> Option<u32> {
        self.authorities
            .iter()
            .position(|a| a == authority)
            .map(compact)
    }

    /// The position of `list` in the interned lists.
    #[inline]
    fn list_index(&self, list: &List) -> Option<u32> {
        self.lists.iter().position(|l| l == list).map(compact)
    }

    /// `scope` in interned numbers; `None` when no designation was ever in it.
    #[inline]
    fn scope_index(&self, scope: Scope<'_>) -> Option<ScopeIx> {
        match scope {
            Scope::Authority(authority) => self.authority_index(authority).map(ScopeIx::Authority),
            Scope::List(list) => self.list_index(list).map(ScopeIx::List),
        }
    }
}

/// Compact positions as log positions.
fn widen(positions: &[u32]) -> impl Iterator<Item = usize> + '_ {
    positions.iter().map(|&at| at as usize)
}

/// Updates of the index: one change appended, or the last ones removed.
impl Index {
    /// Adds the change at `at`, the last of `log`, to every index.
    pub(crate) fn insert(&mut self, log: &Log, at: usize) {
        let change = &log[at];
        let effective = change.effective;
        self.recorded.push(change.recorded, at);
        let mut refresh = None;
        match &change.kind {
            ChangeKind::RegisterEntity { entity, record }
            | ChangeKind::AmendEntity { entity, record } => {
                push_small(&mut self.entities.entry(*entity).or_default().versions, at);
                for key in name_keys(record) {
                    self.names.push(key, compact(at));
                }
                for key in identifier_keys(record) {
                    self.identifiers.push(key, compact(at));
                }
                for key in token_keys(record) {
                    self.tokens.push(key, compact(at));
                }
            }
            ChangeKind::Designate {
                designation,
                record,
            } => {
                refresh = self.index_designate(log, at, *designation, record);
            }
            ChangeKind::Delist { designation } => {
                self.index_delist(log, at, *designation);
            }
            ChangeKind::AmendDesignation { designation, .. } => {
                self.mention_designation(*designation, at);
            }
            ChangeKind::Relate { .. }
            | ChangeKind::AmendRelation { .. }
            | ChangeKind::EndRelation { .. }
            | ChangeKind::ImposeClassMeasure { .. }
            | ChangeKind::AmendClassMeasure { .. }
            | ChangeKind::LiftClassMeasure { .. } => self.derivation.insert(log, at),
            ChangeKind::IssueLicence { licence, record } => {
                push_small(self.licences.entry(*licence).or_default(), at);
                for entity in &record.terms.covers {
                    let index = self.entities.entry(*entity).or_default();
                    push_small(&mut index.rare_mut().licences, (*licence, at));
                }
            }
            ChangeKind::AmendLicence { licence, terms } => {
                push_small(self.licences.entry(*licence).or_default(), at);
                for entity in &terms.covers {
                    let index = self.entities.entry(*entity).or_default();
                    push_small(&mut index.rare_mut().licences, (*licence, at));
                }
            }
            ChangeKind::EndLicence { licence, .. } => {
                push_small(self.licences.entry(*licence).or_default(), at);
            }
            ChangeKind::Link { .. } | ChangeKind::Unlink { .. } => self.index_link(log, at),
            ChangeKind::Retract { change: target, .. } => {
                if let Some(target_at) = log.position(*target) {
                    self.retracted_by.set(target_at, at);
                    refresh = self.mark_span(log, target_at, compact(at));
                    self.refresh_link_of(log, target_at);
                }
            }
        }
        match change.kind {
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
                if let Some(licence) = licence_period_changed_by(log, at) {
                    self.refresh_current_licence_period(log, licence);
                }
            }
            _ => {}
        }
        if change.kind.retracts().is_none() {
            self.by_effective.entry(effective).or_default().push(at);
        }
        if let Some(entity) = refresh {
            self.refresh_listings(log, entity);
        }
        if let (Some(designation), false) = (change.kind.designation(), change.kind.ends()) {
            if let Some(index) = self.designations.get(&designation) {
                let positions = &index.positions;
                self.derivation
                    .insert_terms(log, at, designation, positions);
            }
        }
        self.refresh_clusters(log, at);
    }

    /// Indexes the `Designate` at `at`; returns the entity whose listings need a full refresh.
    fn index_designate(
        &mut self,
        log: &Log,
        at: usize,
        designation: DesignationId,
        record: &Designation,
    ) -> Option<EntityId> {
        let effective = log[at].effective;
        let entity = record.entity;
        push_small(
            &mut self.entities.entry(entity).or_default().designations,
            (designation, at),
        );
        let slot = self.push_span(log, designation, at, false);
        // Every `Designate` of one id names the same authority and list (the rules see to it).
        let scope = SlotScope {
            authority: self.intern(&record.authority),
            list: record
                .list
                .as_ref()
                .map_or(NO_LIST, |l| self.intern_list(l)),
        };
        if let Some(s) = self.slot_scopes.get_mut(slot as usize) {
            *s = scope;
        }
        if self.designations[&designation].positions.len() > 1 {
            return Some(entity);
        }
        // The usual case, a new designation: its start is the only listing to add.
        if let Some(index) = self.entities.get_mut(&entity) {
            push_small(
                &mut index.listings,
                Listing {
                    designation,
                    at: compact(at),
                    retracted_at: NOT_RETRACTED,
                    date: effective,
                    authority: scope.authority,
                    list: scope.list,
                    ends: false,
                },
            );
        }
        None
    }

    /// Records that the change at `at` names `designation`, and appends its start or end to the
    /// log-ordered spans; returns the designation's slot.
    fn push_span(&mut self, log: &Log, designation: DesignationId, at: usize, ends: bool) -> u32 {
        let slot = self.mention_designation(designation, at);
        let date = log[at].effective;
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
        slot
    }

    /// Recomputes the licence's [`CurrentPeriod`] from its changes not retracted now, and
    /// forgets it when no change names it any more.
    fn refresh_current_licence_period(&mut self, log: &Log, licence: LicenceId) {
        match self.licences.get(&licence) {
            Some(positions) => {
                let period = self.current_period_of(log, positions);
                self.current_licence_periods.insert(licence, period);
            }
            None => {
                self.current_licence_periods.remove(&licence);
            }
        }
    }

    /// The period in force set by the changes at `positions` (one target's, in log order) that
    /// are not retracted now: the newest creation's date to the newest end's.
    fn current_period_of(&self, log: &Log, positions: &[usize]) -> CurrentPeriod {
        let mut period = CurrentPeriod::NONE;
        for &at in positions {
            if self.retracted_by.get(at).is_some() {
                continue;
            }
            let change = &log[at];
            if change.kind.creates() {
                period.start = change.effective;
            } else if change.kind.ends() {
                period.end = change.effective;
            }
        }
        period
    }

    /// Recomputes the designation's [`CurrentPeriod`] from its changes not retracted now.
    fn refresh_current_designation_period(&mut self, log: &Log, designation: DesignationId) {
        let Some(index) = self.designations.get(&designation) else {
            return;
        };
        let period = self.current_period_of(log, &index.positions);
        if let Some(slot) = self.current_periods.get_mut(index.slot as usize) {
            *slot = period;
        }
    }

    /// Indexes the `Delist` at `at`.
    fn index_delist(&mut self, log: &Log, at: usize, designation: DesignationId) {
        let effective = log[at].effective;
        self.push_span(log, designation, at, true);
        // The end carries its designation's authority. Without a start yet (one later in the
        // same group), there is nothing to add: the start's arrival refreshes the listings.
        let Some(entity) = self.designation_entity(log, designation) else {
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
            push_small(
                &mut index.listings,
                Listing {
                    designation,
                    at: compact(at),
                    retracted_at: NOT_RETRACTED,
                    date: effective,
                    authority: start.authority,
                    list: start.list,
                    ends: true,
                },
            );
        }
    }

    /// Undoes [`Index::insert`] for every change of `log` at position `len` or later, the last
    /// first. The log still holds those changes; the caller truncates it afterwards.
    pub(crate) fn truncate(&mut self, log: &Log, len: usize) {
        for at in (len..log.len()).rev() {
            self.remove(log, at);
            self.recorded.pop(at);
        }
    }

    /// Undoes [`Index::insert`] for the change at `at`, the last one indexed.
    #[allow(clippy::too_many_lines)] // one match over the change kinds, then the shared steps
    fn remove(&mut self, log: &Log, at: usize) {
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
        let change = &log[at];
        let effective = change.effective;
        let mut touched_entities = Vec::new();
        let mut refresh = None;
        let mut designation = None;
        match &change.kind {
            ChangeKind::RegisterEntity { entity, record }
            | ChangeKind::AmendEntity { entity, record } => {
                self.forget_lookup_keys(record, at);
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
            ChangeKind::Link { .. } | ChangeKind::Unlink { .. } => self.remove_link(log, at),
            ChangeKind::Relate { .. }
            | ChangeKind::AmendRelation { .. }
            | ChangeKind::EndRelation { .. }
            | ChangeKind::ImposeClassMeasure { .. }
            | ChangeKind::AmendClassMeasure { .. }
            | ChangeKind::LiftClassMeasure { .. } => self.derivation.remove(log, at),
            ChangeKind::Retract { change: target, .. } => {
                if let Some(target_at) = log.position(*target) {
                    self.retracted_by.clear(target_at);
                    refresh = self.mark_span(log, target_at, NOT_RETRACTED);
                    self.refresh_link_of(log, target_at);
                }
            }
        }
        if let Some(licence) = licence_period_changed_by(log, at) {
            self.refresh_current_licence_period(log, licence);
        }
        if let Some(id) = designation {
            if matches!(change.kind, ChangeKind::Delist { .. }) {
                refresh = self.designation_entity(log, id);
            } else if let Some(index) = self.designations.get(&id) {
                self.derivation.remove_terms(log, at, id, &index.positions);
            }
            self.forget_designation_mention(log, id, at);
            if matches!(change.kind, ChangeKind::Designate { .. }) {
                self.forget_slot_scope(log, id);
            }
        }
        if self.spans.last().is_some_and(|s| s.at == compact(at)) {
            self.spans.pop();
        }
        for entity in touched_entities {
            if let Some(index) = self.entities.get_mut(&entity) {
                index.versions.retain(|&i| i != at);
                index.designations.retain(|&(_, i)| i != at);
                index.retain_rare(|&(_, i)| i != at, |_| true);
                if index.is_empty() {
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
            self.refresh_listings_excluding(log, entity, at);
        }
        self.refresh_clusters(log, at);
    }

    /// Undoes the lookup keys (names, identifiers, name tokens) of the entity version at `at`.
    fn forget_lookup_keys(&mut self, record: &Entity, at: usize) {
        for key in name_keys(record) {
            self.names.forget(key, compact(at));
        }
        for key in identifier_keys(record) {
            self.identifiers.forget(key, compact(at));
        }
        for key in token_keys(record) {
            self.tokens.forget(key, compact(at));
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
        push_small(&mut index.positions, at);
        let slot = index.slot;
        if slot == next {
            self.designation_ids.push(designation);
            self.current_periods.push(CurrentPeriod::NONE);
            self.slot_scopes.push(SlotScope::NONE);
        }
        slot
    }

    /// After a `Designate` of `designation` was rolled back: its slot, if it is still there,
    /// keeps its scope only while another `Designate` of it remains.
    fn forget_slot_scope(&mut self, log: &Log, designation: DesignationId) {
        let Some(index) = self.designations.get(&designation) else {
            return;
        };
        let created = index
            .positions
            .iter()
            .any(|&at| matches!(log[at].kind, ChangeKind::Designate { .. }));
        if !created {
            if let Some(s) = self.slot_scopes.get_mut(index.slot as usize) {
                *s = SlotScope::NONE;
            }
        }
    }

    /// Undoes [`Index::mention_designation`] for the last change indexed.
    fn forget_designation_mention(&mut self, log: &Log, designation: DesignationId, at: usize) {
        if let Some(index) = self.designations.get_mut(&designation) {
            index.positions.retain(|&i| i != at);
            if index.positions.is_empty() {
                // Slots are given in log order and rollback runs backwards, so this is the last.
                self.designations.remove(&designation);
                self.designation_ids.pop();
                self.current_periods.pop();
                self.slot_scopes.pop();
                return;
            }
        }
        self.refresh_current_designation_period(log, designation);
    }

    /// Sets `retracted_at` on the span of the change at `target_at`, if it has one, and returns
    /// the entity whose listings must be refreshed.
    fn mark_span(&mut self, log: &Log, target_at: usize, retracted_at: u32) -> Option<EntityId> {
        let kind = &log[target_at].kind;
        let designation = kind
            .designation()
            .filter(|_| kind.creates() || kind.ends())?;
        let found = self
            .spans
            .binary_search_by_key(&compact(target_at), |s| s.at);
        if let Ok(i) = found {
            self.spans[i].retracted_at = retracted_at;
        }
        self.refresh_current_designation_period(log, designation);
        self.designation_entity(log, designation)
    }

    /// The position of `authority` in the interned authorities, adding it if new.
    fn intern(&mut self, authority: &Authority) -> u32 {
        if let Some(i) = self.authority_index(authority) {
            return i;
        }
        self.authorities.push(authority.clone());
        compact(self.authorities.len() - 1)
    }

    /// The position of `list` in the interned lists, adding it if new.
    fn intern_list(&mut self, list: &List) -> u32 {
        if let Some(i) = self.list_index(list) {
            return i;
        }
        self.lists.push(list.clone());
        compact(self.lists.len() - 1)
    }

    fn refresh_listings(&mut self, log: &Log, entity: EntityId) {
        self.refresh_listings_excluding(log, entity, usize::MAX);
    }

    /// Rebuilds the entity's listings from its designations' changes, leaving out the change at
    /// `excluded` (one being rolled back).
    fn refresh_listings_excluding(&mut self, log: &Log, entity: EntityId, excluded: usize) {
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
                let change = &log[at];
                let retracted_at = self
                    .retracted_by
                    .get(at)
                    .filter(|&by| by != excluded)
                    .map_or(NOT_RETRACTED, compact);
                let (scope, ends) = match &change.kind {
                    ChangeKind::Designate { record, .. } if record.entity == entity => {
                        (Some((record.authority.clone(), record.list.clone())), false)
                    }
                    ChangeKind::Delist { .. } => (None, true),
                    _ => continue,
                };
                events.push((id, at, retracted_at, change.effective, scope, ends));
            }
        }
        // A delisting carries its designation's authority and list.
        let mut listings = Vec::with_capacity(events.len());
        for (id, at, retracted_at, date, scope, ends) in &events {
            let scope = match scope {
                Some(s) => Some(s.clone()),
                None => events
                    .iter()
                    .find(|e| e.0 == *id && e.4.is_some())
                    .and_then(|e| e.4.clone()),
            };
            let Some((authority, list)) = scope else {
                continue;
            };
            let authority = self.intern(&authority);
            let list = list.as_ref().map_or(NO_LIST, |l| self.intern_list(l));
            listings.push(Listing {
                designation: *id,
                at: compact(*at),
                retracted_at: *retracted_at,
                date: *date,
                authority,
                list,
                ends: *ends,
            });
        }
        if let Some(index) = self.entities.get_mut(&entity) {
            index.listings = listings;
        }
    }
}

/// The licence whose period the change at `at` sets or unsets: an issue or end, or the
/// retraction of one.
fn licence_period_changed_by(log: &Log, at: usize) -> Option<LicenceId> {
    let kind = match log[at].kind.retracts() {
        Some(change) => &log[log.position(change)?].kind,
        None => &log[at].kind,
    };
    kind.licence().filter(|_| kind.creates() || kind.ends())
}

/// A text form of every index, in an order that does not depend on hashing, for tests that
/// compare two indexes (listings are rebuilt in another order on rollback, so they are sorted
/// by position). The interned authorities and lists are left out: those tables only grow, by
/// design.
#[cfg(test)]
impl Index {
    pub(crate) fn canonical(&self) -> String {
        fn sorted<T: std::fmt::Debug>(items: impl Iterator<Item = T>) -> Vec<String> {
            let mut all: Vec<String> = items.map(|item| format!("{item:?}")).collect();
            all.sort();
            all
        }
        let entities = sorted(self.entities.iter().map(|(id, index)| {
            let mut listings = index.listings.clone();
            listings.sort_by_key(|l| l.at);
            let listings: Vec<String> = listings.iter().map(|l| format!("{l:?}")).collect();
            let mut links = index.links().to_vec();
            links.sort_by_key(|l| (l.at, l.other));
            (
                id,
                &index.versions,
                &index.designations,
                index.licences(),
                listings,
                links,
            )
        }));
        format!(
            "{entities:?}\n{:?}\n{:?} {:?} {:?} {:?}\n{:?} {:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{}\n{:?}",
            sorted(self.designations.iter()),
            self.designation_ids,
            self.current_periods,
            self.slot_scopes,
            self.spans,
            sorted(self.licences.iter()),
            self.current_licence_periods,
            self.by_effective,
            self.identifiers.canonical(),
            self.names.canonical(),
            self.tokens.canonical(),
            sorted(self.links.iter()),
            self.derivation.canonical(),
            self.recorded,
        ) + &self.clusters.canonical()
    }
}

#[cfg(test)]
mod tests {
    use super::Retractions;

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
