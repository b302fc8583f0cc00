//! [`View`]: the ledger as known now or at a past instant, and every query on it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};

use crate::authority::Authority;
use crate::change::{Change, ChangeKind};
use crate::designation::{Designation, DesignationTerms};
use crate::entity::{normalise_name, Entity, Identifier};
use crate::id::{ChangeId, DesignationId, EntityId, LicenceId};
use crate::index::{text_key, Hits, Listing};
use crate::ledger::{unique_entities, Ledger};
use crate::licence::{Licence, LicenceTerms};
use crate::state::{DesignationInForce, LicenceInForce, State, StateDiff, StatusChange};
use crate::status::Status;
use crate::timeline::Timeline;

/// The ledger as known at one instant: the changes recorded at or before it, minus those
/// retracted at or before it. [`Ledger::current`] is the view that sees everything.
///
/// A view borrows the ledger and copies nothing; it is `Copy`. All queries are pure: the same
/// view and arguments always give the same answer.
///
/// In the complexity notes, *n* is the number of changes in the ledger, *k* the number of
/// changes naming the entity (its versions, designations and licences and their changes), and
/// *r* the size of the answer.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    ledger: &'a Ledger,
    /// Changes at positions below `cut` are recorded at or before the view's instant.
    cut: usize,
    known_at: Option<DateTime<Utc>>,
}

/// The life of one designation or licence in a view: the creating change, the ending change,
/// and the amendments.
pub(crate) struct Life<'a> {
    pub(crate) created: &'a Change,
    pub(crate) ended: Option<&'a Change>,
    /// Visible amendments, in log order.
    pub(crate) amendments: Vec<&'a Change>,
}

impl<'a> Life<'a> {
    pub(crate) fn start(&self) -> NaiveDate {
        self.created.effective
    }

    pub(crate) fn end(&self) -> Option<NaiveDate> {
        self.ended.map(|c| c.effective)
    }

    pub(crate) fn in_force_on(&self, date: NaiveDate) -> bool {
        self.start() <= date && self.end().is_none_or(|end| date < end)
    }

    /// The amendment in force on `date`: the latest by effective date, then by log order.
    fn amendment_on(&self, date: NaiveDate) -> Option<&'a Change> {
        // Amendments are in log order, so `max_by_key` keeps the last of equal dates.
        self.amendments
            .iter()
            .copied()
            .filter(|c| c.effective <= date)
            .max_by_key(|c| c.effective)
    }
}

impl<'a> View<'a> {
    pub(crate) fn new(ledger: &'a Ledger, cut: usize, known_at: Option<DateTime<Utc>>) -> Self {
        View {
            ledger,
            cut,
            known_at,
        }
    }

    /// The instant this view is known at, or `None` for [`Ledger::current`].
    #[must_use]
    pub fn known_at(&self) -> Option<DateTime<Utc>> {
        self.known_at
    }

    /// The ledger this view reads.
    #[must_use]
    pub fn ledger(&self) -> &'a Ledger {
        self.ledger
    }

    /// How many changes of the log are recorded at or before the view's instant.
    pub(crate) fn cut(&self) -> usize {
        self.cut
    }

    /// Whether the change at position `at` is seen by this view.
    pub(crate) fn sees(&self, at: usize) -> bool {
        at < self.cut
            && self
                .ledger
                .retracted_by
                .get(at)
                .is_none_or(|by| by >= self.cut)
    }

    /// The changes this view sees, in the order applied, retractions excluded.
    ///
    /// O(n).
    pub fn changes(&self) -> impl Iterator<Item = &'a Change> + '_ {
        let ledger = self.ledger;
        (0..self.cut)
            .filter(|&at| self.sees(at))
            .map(move |at| &ledger.changes[at])
            .filter(|c| !matches!(c.kind, ChangeKind::Retract { .. }))
    }

    /// The change with this id, if this view sees it.
    ///
    /// O(1).
    #[must_use]
    pub fn change(&self, id: ChangeId) -> Option<&'a Change> {
        let at = *self.ledger.by_id.get(&id)?;
        self.sees(at).then(|| &self.ledger.changes[at])
    }

    /// The entity's latest facts (the version with the latest effective date).
    ///
    /// O(k).
    #[must_use]
    pub fn entity(&self, entity: EntityId) -> Option<&'a Entity> {
        self.entity_versions(entity).last().map(|(_, e)| *e)
    }

    /// The entity's facts in force on `date`: the version with the latest effective date on or
    /// before it. `None` when the entity is unknown or its first version is later.
    ///
    /// O(k).
    #[must_use]
    pub fn entity_on(&self, entity: EntityId, date: NaiveDate) -> Option<&'a Entity> {
        self.entity_versions(entity)
            .into_iter()
            .take_while(|(effective, _)| *effective <= date)
            .last()
            .map(|(_, e)| e)
    }

    /// Versions of an entity, sorted by effective date then log order.
    fn entity_versions(&self, entity: EntityId) -> Vec<(NaiveDate, &'a Entity)> {
        let Some(index) = self.ledger.entities.get(&entity) else {
            return Vec::new();
        };
        let mut versions: Vec<(NaiveDate, &'a Entity)> = index
            .versions
            .iter()
            .filter(|&&at| self.sees(at))
            .filter_map(|&at| {
                let change = &self.ledger.changes[at];
                match &change.kind {
                    ChangeKind::RegisterEntity { record, .. }
                    | ChangeKind::AmendEntity { record, .. } => Some((change.effective, record)),
                    _ => None,
                }
            })
            .collect();
        versions.sort_by_key(|(effective, _)| *effective);
        versions
    }

    /// Every entity this view knows (registered and not retracted), sorted.
    ///
    /// O(n).
    #[must_use]
    pub fn entities(&self) -> Vec<EntityId> {
        let mut ids: Vec<EntityId> = self
            .ledger
            .entities
            .iter()
            .filter(|(_, index)| {
                index.versions.iter().any(|&at| {
                    self.sees(at)
                        && matches!(
                            self.ledger.changes[at].kind,
                            ChangeKind::RegisterEntity { .. }
                        )
                })
            })
            .map(|(id, _)| *id)
            .collect();
        ids.sort_unstable();
        ids
    }

    /// The life of a designation in this view.
    pub(crate) fn designation_life(&self, id: DesignationId) -> Option<Life<'a>> {
        self.life(&self.ledger.designations.get(&id)?.positions)
    }

    /// The life of a licence in this view.
    pub(crate) fn licence_life(&self, id: LicenceId) -> Option<Life<'a>> {
        self.life(self.ledger.licences.get(&id)?)
    }

    fn life(&self, positions: &[usize]) -> Option<Life<'a>> {
        let mut created = None;
        let mut ended = None;
        let mut amendments = Vec::new();
        for &at in positions.iter().filter(|&&at| self.sees(at)) {
            let change = &self.ledger.changes[at];
            match change.kind {
                ChangeKind::Designate { .. } | ChangeKind::IssueLicence { .. } => {
                    created = Some(change);
                }
                ChangeKind::Delist { .. } | ChangeKind::EndLicence { .. } => ended = Some(change),
                _ => amendments.push(change),
            }
        }
        Some(Life {
            created: created?,
            ended,
            amendments,
        })
    }

    /// The designation as created, with its period in force `[from, until)`.
    ///
    /// O(c) in the changes naming the designation.
    #[must_use]
    pub fn designation(
        &self,
        id: DesignationId,
    ) -> Option<(&'a Designation, NaiveDate, Option<NaiveDate>)> {
        let life = self.designation_life(id)?;
        match &life.created.kind {
            ChangeKind::Designate { record, .. } => Some((record, life.start(), life.end())),
            _ => None,
        }
    }

    /// The designation as in force on `date`, with its amended terms; `None` if it is not in
    /// force then.
    ///
    /// O(c) in the changes naming the designation.
    #[must_use]
    pub fn designation_on(&self, id: DesignationId, date: NaiveDate) -> Option<DesignationInForce> {
        let life = self.designation_life(id)?;
        life.in_force_on(date)
            .then(|| designation_in_force(&life, date))?
    }

    /// The licence as issued, with its period in force `[from, until)`.
    ///
    /// O(c) in the changes naming the licence.
    #[must_use]
    pub fn licence(&self, id: LicenceId) -> Option<(&'a Licence, NaiveDate, Option<NaiveDate>)> {
        let life = self.licence_life(id)?;
        match &life.created.kind {
            ChangeKind::IssueLicence { record, .. } => Some((record, life.start(), life.end())),
            _ => None,
        }
    }

    /// The licence as in force on `date`, with its amended terms; `None` if it is not in force.
    ///
    /// O(c) in the changes naming the licence.
    #[must_use]
    pub fn licence_on(&self, id: LicenceId, date: NaiveDate) -> Option<LicenceInForce> {
        let life = self.licence_life(id)?;
        life.in_force_on(date)
            .then(|| licence_in_force(&life, date))?
    }

    /// The status of `entity` with `authority` on `date`: not listed, listed, or listed and
    /// licensed, with the designations and licences behind it.
    ///
    /// O(k) in the designation starts and ends of the entity (one small contiguous list; no
    /// change is read), plus, when the entity is listed and named by licences, O(c) in those
    /// licences' changes.
    ///
    /// # Example
    ///
    /// ```
    /// # use sanctions_ledger::*;
    /// # use chrono::NaiveDate;
    /// # fn check(ledger: &Ledger, belavia: EntityId) {
    /// let on = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// let status = ledger.current().status(belavia, &Authority::US_OFAC, on(2025, 10, 1));
    /// assert_eq!(status.kind(), StatusKind::ListedLicensed);
    /// # }
    /// ```
    #[must_use]
    pub fn status(&self, entity: EntityId, authority: &Authority, date: NaiveDate) -> Status {
        let Some(index) = self.ledger.entities.get(&entity) else {
            return Status::NotListed;
        };
        let Some(authority_ix) = self.ledger.authority_index(authority) else {
            return Status::NotListed;
        };
        let designations: Vec<DesignationId> = self
            .listed_by(&index.listings, authority_ix, date)
            .collect();
        if designations.is_empty() {
            return Status::NotListed;
        }
        let licences = index
            .licences
            .iter()
            .filter(|(id, at)| self.sees(*at) && self.licence_covers(*id, entity, authority, date))
            .map(|(id, _)| *id)
            .collect();
        Status::from_parts(designations, licences)
    }

    /// Whether `entity` is listed by `authority` on `date`, licensed or not.
    ///
    /// O(k) in the designation starts and ends of the entity; reads no change and allocates
    /// nothing.
    #[must_use]
    pub fn is_listed(&self, entity: EntityId, authority: &Authority, date: NaiveDate) -> bool {
        let Some(index) = self.ledger.entities.get(&entity) else {
            return false;
        };
        self.ledger
            .authority_index(authority)
            .is_some_and(|a| self.listed_by(&index.listings, a, date).next().is_some())
    }

    /// The designations among `listings` by the authority at `authority_ix` in force on `date`.
    fn listed_by<'l>(
        &'l self,
        listings: &'l [Listing],
        authority_ix: u32,
        date: NaiveDate,
    ) -> impl Iterator<Item = DesignationId> + 'l {
        listings
            .iter()
            .filter(move |l| {
                !l.ends
                    && l.authority == authority_ix
                    && l.date <= date
                    && self.sees_event(l.at, l.retracted_at)
            })
            .filter(move |start| {
                !listings.iter().any(|end| {
                    end.ends
                        && end.designation == start.designation
                        && end.date <= date
                        && self.sees_event(end.at, end.retracted_at)
                })
            })
            .map(|l| l.designation)
    }

    /// Whether an event of a compact index (see `index.rs`) is seen by this view.
    fn sees_event(&self, at: u32, retracted_at: u32) -> bool {
        let cut = u32::try_from(self.cut).unwrap_or(u32::MAX);
        at < cut && retracted_at >= cut
    }

    /// The entity's status with every authority that has ever designated it in this view.
    ///
    /// O(k · log k).
    #[must_use]
    pub fn statuses(&self, entity: EntityId, date: NaiveDate) -> BTreeMap<Authority, Status> {
        self.authorities_of(entity)
            .into_iter()
            .map(|authority| {
                let status = self.status(entity, &authority, date);
                (authority, status)
            })
            .collect()
    }

    /// Authorities that have designated `entity` in this view, sorted.
    pub(crate) fn authorities_of(&self, entity: EntityId) -> Vec<Authority> {
        let Some(index) = self.ledger.entities.get(&entity) else {
            return Vec::new();
        };
        let mut authorities: Vec<Authority> = index
            .listings
            .iter()
            .filter(|l| !l.ends && self.sees_event(l.at, l.retracted_at))
            .filter_map(|l| self.ledger.authorities.get(l.authority as usize).cloned())
            .collect();
        authorities.sort();
        authorities.dedup();
        authorities
    }

    pub(crate) fn licence_covers(
        &self,
        id: LicenceId,
        entity: EntityId,
        authority: &Authority,
        date: NaiveDate,
    ) -> bool {
        self.licence_life(id).is_some_and(|life| {
            life.in_force_on(date)
                && match &life.created.kind {
                    ChangeKind::IssueLicence { record, .. } => {
                        record.authority == *authority
                            && licence_terms_on(&life, date)
                                .is_some_and(|t| t.covers.contains(&entity))
                    }
                    _ => false,
                }
        })
    }

    /// The ids of the designations in force on `date`, in order of their first mention in the
    /// log. The light form of [`View::state_on`], for when the terms are not needed.
    ///
    /// O(D) for a view that sees the whole ledger (one sequential pass over each
    /// designation's current period, 8 bytes apiece); O(S + D) for a view of the past (one
    /// pass over the designation starts and ends the view sees, and one over the designations).
    /// Reads no change.
    #[must_use]
    pub fn designations_in_force(&self, date: NaiveDate) -> Vec<DesignationId> {
        const STARTED: u8 = 1;
        const ENDED: u8 = 2;
        let ledger = self.ledger;
        if self.cut == ledger.changes.len() {
            return ledger
                .current_periods
                .iter()
                .zip(&ledger.designation_ids)
                .filter(|(period, _)| period.contains(date))
                .map(|(_, id)| *id)
                .collect();
        }
        let mut marks = vec![0_u8; ledger.designation_ids.len()];
        let cut = u32::try_from(self.cut).unwrap_or(u32::MAX);
        // Spans are in log order: the view sees a prefix of them.
        let seen = &ledger.spans[..ledger.spans.partition_point(|s| s.at < cut)];
        for span in seen {
            if span.date <= date && span.retracted_at >= cut {
                marks[span.slot as usize] |= if span.ends { ENDED } else { STARTED };
            }
        }
        marks
            .iter()
            .zip(&ledger.designation_ids)
            .filter(|(mark, _)| **mark == STARTED)
            .map(|(_, id)| *id)
            .collect()
    }

    /// Every designation and licence in force on `date`, with their terms as amended by then.
    ///
    /// The ids as [`View::designations_in_force`] and [`View::licences_in_force`] find them,
    /// plus O(c) per designation and licence in force to read its amended terms (which it
    /// clones into the `State`).
    #[must_use]
    pub fn state_on(&self, date: NaiveDate) -> State {
        let designations = self
            .designations_in_force(date)
            .into_iter()
            .filter_map(|id| {
                let life = self.designation_life(id)?;
                designation_in_force(&life, date).map(|d| (id, d))
            })
            .collect();
        let licences = self
            .licences_in_force(date)
            .into_iter()
            .filter_map(|id| {
                let life = self.licence_life(id)?;
                licence_in_force(&life, date).map(|l| (id, l))
            })
            .collect();
        State {
            date,
            designations,
            licences,
        }
    }

    /// The changes this view sees that take effect after `from` and on or before `to`: the
    /// half-open range `(from, to]`, so that they are exactly what separates the state on `from`
    /// from the state on `to`. Sorted by effective date, then log order. Retractions are not
    /// listed (they act on the recorded axis).
    ///
    /// O(log e + m), where e is the number of distinct effective dates and m the number of
    /// changes the ledger holds in the range.
    ///
    /// # Example
    ///
    /// ```
    /// # use sanctions_ledger::*;
    /// # use chrono::NaiveDate;
    /// # fn check(ledger: &Ledger) {
    /// let on = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// for change in ledger.current().changes_between(on(2025, 11, 3), on(2025, 11, 4)) {
    ///     println!("{} {} {}", change.effective, change.kind.name(), change.source.citation);
    /// }
    /// # }
    /// ```
    #[must_use]
    pub fn changes_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<&'a Change> {
        let Some(first) = from.succ_opt() else {
            return Vec::new();
        };
        if first > to {
            return Vec::new();
        }
        let ledger = self.ledger;
        let buckets = || {
            ledger
                .by_effective
                .range(first..=to)
                .map(|(_, bucket)| bucket)
        };
        // Sized once: a month of a large ledger is thousands of changes.
        let mut changes = Vec::with_capacity(buckets().map(Vec::len).sum());
        for bucket in buckets() {
            changes.extend(
                bucket
                    .iter()
                    .filter(|&&at| self.sees(at))
                    .map(|&at| &ledger.changes[at]),
            );
        }
        changes
    }

    /// The difference between the states on `from` and on `to` (either may be the later).
    ///
    /// `view.state_on(from).apply(&view.diff(from, to)) == view.state_on(to)`, and the result
    /// equals `view.state_on(from).diff(&view.state_on(to))`, without building either state:
    /// only the designations and licences named by changes effective between the two dates can
    /// differ, so only those are compared.
    ///
    /// O(log e + m + c · k): the changes in the range as for [`View::changes_between`], then
    /// for each of the c designations, licences and (entity, authority) pairs they name, a
    /// look at its own changes.
    #[must_use]
    pub fn diff(&self, from: NaiveDate, to: NaiveDate) -> StateDiff {
        let (low, high) = if from <= to { (from, to) } else { (to, from) };
        let mut designations = BTreeSet::new();
        let mut licences = BTreeSet::new();
        for change in self.changes_between(low, high) {
            match &change.kind {
                ChangeKind::Designate { designation, .. }
                | ChangeKind::AmendDesignation { designation, .. }
                | ChangeKind::Delist { designation } => {
                    designations.insert(*designation);
                }
                ChangeKind::IssueLicence { licence, .. }
                | ChangeKind::AmendLicence { licence, .. }
                | ChangeKind::EndLicence { licence, .. } => {
                    licences.insert(*licence);
                }
                _ => {}
            }
        }
        let mut diff = StateDiff {
            from,
            to,
            designated: BTreeMap::new(),
            delisted: BTreeSet::new(),
            amended: BTreeMap::new(),
            licences_issued: BTreeMap::new(),
            licences_ended: BTreeSet::new(),
            licences_amended: BTreeMap::new(),
            status_changes: Vec::new(),
        };
        // The (entity, authority) pairs whose status may differ.
        let mut pairs: BTreeSet<(EntityId, Authority)> = BTreeSet::new();
        for id in designations {
            match (self.designation_on(id, from), self.designation_on(id, to)) {
                (None, Some(after)) => {
                    pairs.insert((after.entity, after.authority.clone()));
                    diff.designated.insert(id, after);
                }
                (Some(before), None) => {
                    pairs.insert((before.entity, before.authority.clone()));
                    diff.delisted.insert(id);
                }
                (Some(before), Some(after)) if before != after => {
                    diff.amended.insert(id, after);
                }
                _ => {}
            }
        }
        for id in licences {
            let (before, after) = (self.licence_on(id, from), self.licence_on(id, to));
            for l in before.iter().chain(after.iter()) {
                pairs.extend(l.terms.covers.iter().map(|e| (*e, l.authority.clone())));
            }
            match (before, after) {
                (None, Some(after)) => {
                    diff.licences_issued.insert(id, after);
                }
                (Some(_), None) => {
                    diff.licences_ended.insert(id);
                }
                (Some(before), Some(after)) if before != after => {
                    diff.licences_amended.insert(id, after);
                }
                _ => {}
            }
        }
        for (entity, authority) in pairs {
            let before = self.status(entity, &authority, from).kind();
            let after = self.status(entity, &authority, to).kind();
            if before != after {
                diff.status_changes.push(StatusChange {
                    entity,
                    authority,
                    before,
                    after,
                });
            }
        }
        diff
    }

    /// The ids of the licences in force on `date`, sorted. The light form of the licence half
    /// of [`View::state_on`].
    ///
    /// O(L) for a view that sees the whole ledger (one pass over each licence's current
    /// period); O(L · c) over the licences and their changes for a view of the past.
    #[must_use]
    pub fn licences_in_force(&self, date: NaiveDate) -> Vec<LicenceId> {
        if self.cut == self.ledger.changes.len() {
            return self
                .ledger
                .current_licence_periods
                .iter()
                .filter(|(_, period)| period.contains(date))
                .map(|(id, _)| *id)
                .collect();
        }
        let mut ids: Vec<LicenceId> = self
            .ledger
            .licences
            .keys()
            .filter(|&&id| {
                self.licence_life(id)
                    .is_some_and(|life| life.in_force_on(date))
            })
            .copied()
            .collect();
        ids.sort_unstable();
        ids
    }

    /// The entity's periods of being listed and licensed, per authority, with the changes that
    /// opened and closed each period.
    ///
    /// O(b · k) where b is the number of distinct dates on which the entity's designations and
    /// licences start, end or are amended.
    #[must_use]
    pub fn timeline(&self, entity: EntityId) -> Timeline {
        crate::timeline::build(self, entity)
    }

    /// Entities any version of which carries `identifier` (compared by
    /// [`Identifier::lookup_key`]), sorted.
    ///
    /// O(m) in the versions carrying it.
    #[must_use]
    pub fn find_by_identifier(&self, identifier: &Identifier) -> Vec<EntityId> {
        let key = identifier.lookup_key();
        self.lookup(&self.ledger.identifiers, text_key(&key), |record| {
            record.identifiers.iter().any(|i| i.lookup_key() == key)
        })
    }

    /// Entities any version of which has `name` as its name or an alias, compared after
    /// [`normalise_name`], sorted.
    ///
    /// O(m) in the versions carrying the name.
    ///
    /// # Example
    ///
    /// ```
    /// # use sanctions_ledger::*;
    /// # fn check(ledger: &Ledger, belavia: EntityId) {
    /// assert_eq!(ledger.current().find_by_name("BELAVIA  belarusian airlines"), vec![belavia]);
    /// # }
    /// ```
    #[must_use]
    pub fn find_by_name(&self, name: &str) -> Vec<EntityId> {
        let name = normalise_name(name);
        if name.is_empty() {
            return Vec::new();
        }
        self.lookup(&self.ledger.names, text_key(&name), |record| {
            record.names().any(|n| normalise_name(n) == name)
        })
    }

    /// The entities of the visible versions under `key` whose record `matches` (which rules
    /// out hash collisions), sorted and without repeats.
    fn lookup(
        &self,
        index: &HashMap<u64, Hits>,
        key: u64,
        matches: impl Fn(&Entity) -> bool,
    ) -> Vec<EntityId> {
        let Some(hits) = index.get(&key) else {
            return Vec::new();
        };
        let mut ids = unique_entities(hits.positions().iter().filter_map(|&at| {
            let at = at as usize;
            if !self.sees(at) {
                return None;
            }
            match &self.ledger.changes[at].kind {
                ChangeKind::RegisterEntity { entity, record }
                | ChangeKind::AmendEntity { entity, record }
                    if matches(record) =>
                {
                    Some(*entity)
                }
                _ => None,
            }
        }));
        ids.sort_unstable();
        ids
    }

    /// Licences that name `entity` in some visible issue or amendment, in first-seen order.
    pub(crate) fn licences_naming(&self, entity: EntityId) -> Vec<LicenceId> {
        let Some(index) = self.ledger.entities.get(&entity) else {
            return Vec::new();
        };
        let mut seen = Vec::new();
        for (id, at) in &index.licences {
            if self.sees(*at) && !seen.contains(id) {
                seen.push(*id);
            }
        }
        seen
    }

    /// Designations of `entity` this view sees, in first-seen order.
    pub(crate) fn designations_of(&self, entity: EntityId) -> Vec<DesignationId> {
        let Some(index) = self.ledger.entities.get(&entity) else {
            return Vec::new();
        };
        let mut seen = Vec::new();
        for l in &index.listings {
            if !l.ends && self.sees_event(l.at, l.retracted_at) && !seen.contains(&l.designation) {
                seen.push(l.designation);
            }
        }
        seen
    }
}

fn designation_terms_on<'a>(
    life: &Life<'a>,
    date: NaiveDate,
) -> Option<(&'a Designation, &'a DesignationTerms)> {
    let ChangeKind::Designate { record, .. } = &life.created.kind else {
        return None;
    };
    let terms = match life.amendment_on(date).map(|c| &c.kind) {
        Some(ChangeKind::AmendDesignation { terms, .. }) => terms,
        _ => &record.terms,
    };
    Some((record, terms))
}

fn designation_in_force(life: &Life<'_>, date: NaiveDate) -> Option<DesignationInForce> {
    let (record, terms) = designation_terms_on(life, date)?;
    Some(DesignationInForce {
        entity: record.entity,
        authority: record.authority.clone(),
        terms: terms.clone(),
        since: life.start(),
        designated_by: life.created.id,
    })
}

/// The licence's terms on `date` (as issued, or as last amended on or before it).
pub(crate) fn licence_terms_on<'a>(life: &Life<'a>, date: NaiveDate) -> Option<&'a LicenceTerms> {
    match (&life.created.kind, life.amendment_on(date).map(|c| &c.kind)) {
        (_, Some(ChangeKind::AmendLicence { terms, .. })) => Some(terms),
        (ChangeKind::IssueLicence { record, .. }, _) => Some(&record.terms),
        _ => None,
    }
}

fn licence_in_force(life: &Life<'_>, date: NaiveDate) -> Option<LicenceInForce> {
    let ChangeKind::IssueLicence { record, .. } = &life.created.kind else {
        return None;
    };
    Some(LicenceInForce {
        authority: record.authority.clone(),
        terms: licence_terms_on(life, date)?.clone(),
        since: life.start(),
        issued_by: life.created.id,
    })
}
