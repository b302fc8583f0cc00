//! The append-only [`Ledger`]: storage, indexes, and the consistency rules enforced on `apply`.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::authority::Authority;
use crate::change::{Change, ChangeKind};
use crate::digest::Chain;
use crate::error::{Error, Result, Target};
use crate::id::{ChangeId, DesignationId, EntityId, LicenceId};
use crate::index::{CurrentPeriod, DesignationIndex, EntityIndex, Hits, Retractions, Span};
use crate::view::View;

/// The name written in the `format` field of a serialised ledger.
pub const FORMAT_NAME: &str = "sanctions-ledger";
/// The version written in the `version` field of a serialised ledger.
pub const FORMAT_VERSION: u32 = 1;

/// An append-only, bitemporal history of sanctions changes.
///
/// Changes are kept in the order they were applied, which is also the order of their `recorded`
/// instants. Nothing is ever removed or edited: a correction is a new
/// [`Retract`](ChangeKind::Retract) change. Every `apply` checks the consistency rules of
/// `DESIGN.md` against the whole history, and refuses an inconsistent change with a typed
/// [`Error`] while leaving the ledger exactly as it was.
///
/// Questions are asked through a [`View`]: [`Ledger::current`] for everything the ledger knows
/// now, [`Ledger::known_at`] for what it knew at a past instant.
///
/// # Example
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use sanctions_ledger::*;
///
/// let belavia = EntityId::derive("belavia");
/// let listing = DesignationId::derive("eu:belavia");
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// let recorded = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
/// let source = Source::new("Council Implementing Regulation (EU) 2021/2124");
///
/// let mut ledger = Ledger::new();
/// ledger.apply_batch([
///     Change::new(ChangeId::derive("1"), day(2021, 12, 2), recorded, source.clone(),
///         ChangeKind::RegisterEntity {
///             entity: belavia,
///             record: Entity::new(EntityKind::Organisation, "Belavia"),
///         }),
///     Change::new(ChangeId::derive("2"), day(2021, 12, 2), recorded, source,
///         ChangeKind::Designate {
///             designation: listing,
///             record: Designation::new(belavia, Authority::EU,
///                 DesignationTerms::new(Measure::AssetFreeze)),
///         }),
/// ])?;
///
/// let now = ledger.current();
/// assert!(!now.is_listed(belavia, &Authority::EU, day(2021, 12, 1)));
/// assert!(now.is_listed(belavia, &Authority::EU, day(2021, 12, 2)));
/// # Ok::<(), sanctions_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// Every change, in the order applied (non-decreasing `recorded`).
    pub(crate) changes: Vec<Change>,
    /// Position of each change id in `changes`.
    pub(crate) by_id: HashMap<ChangeId, usize>,
    /// For each position, the position of the retraction that withdrew it, if any.
    pub(crate) retracted_by: Retractions,
    /// Per entity: its versions, what names it, and its listing events.
    pub(crate) entities: HashMap<EntityId, EntityIndex>,
    /// Per designation: its slot and the positions of the changes that name it.
    pub(crate) designations: HashMap<DesignationId, DesignationIndex>,
    /// Designation ids by slot, in order of first mention.
    pub(crate) designation_ids: Vec<DesignationId>,
    /// By slot, each designation's period in force as the ledger knows it now.
    pub(crate) current_periods: Vec<CurrentPeriod>,
    /// Every `Designate` and `Delist` change, in log order, compactly.
    pub(crate) spans: Vec<Span>,
    /// Authorities named by designations, interned; `Listing::authority` indexes this.
    pub(crate) authorities: Vec<Authority>,
    /// Per licence: the positions of the changes that name it.
    pub(crate) licences: HashMap<LicenceId, Vec<usize>>,
    /// Each licence's period in force as the ledger knows it now, sorted by id.
    pub(crate) current_licence_periods: BTreeMap<LicenceId, CurrentPeriod>,
    /// Every change except retractions, bucketed by effective date, each bucket in log order.
    pub(crate) by_effective: BTreeMap<NaiveDate, Vec<usize>>,
    /// Entity versions by identifier lookup key.
    pub(crate) identifiers: HashMap<u64, Hits>,
    /// Entity versions by normalised name or alias.
    pub(crate) names: HashMap<u64, Hits>,
    /// The digest after each change (see `digest.rs`), computed when first asked for.
    pub(crate) chain: Chain,
}

/// How many changes an `apply` appended and how many it found already present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Applied {
    /// Changes new to the ledger, now appended.
    pub appended: usize,
    /// Changes whose id was already present with identical content (no-ops).
    pub already_present: usize,
}

impl Ledger {
    /// An empty ledger.
    #[must_use]
    pub fn new() -> Self {
        Ledger::default()
    }

    /// Builds a ledger from changes in recorded order, checking every rule as `apply` does.
    ///
    /// # Errors
    ///
    /// The first rule a change breaks, as [`Ledger::apply_batch`] reports it.
    pub fn from_changes(changes: impl IntoIterator<Item = Change>) -> Result<Self> {
        let mut ledger = Ledger::new();
        ledger.apply_batch(changes)?;
        Ok(ledger)
    }

    /// Applies one change.
    ///
    /// Re-applying a change with the same id and content is a no-op
    /// (`already_present == 1`).
    ///
    /// # Errors
    ///
    /// The rule the change breaks; the ledger is then unchanged. See [`Error`] for the rules.
    pub fn apply(&mut self, change: Change) -> Result<Applied> {
        self.apply_batch([change])
    }

    /// Applies changes atomically: all of them, or none.
    ///
    /// The changes must come in non-decreasing `recorded` order, not before the ledger's latest.
    /// Changes recorded at the same instant are checked together, so their order among
    /// themselves does not matter (a designation may come before the registration of its
    /// entity), except that a retraction must come after the change it withdraws. Changes
    /// recorded at different instants are checked in order, because a view known at the earlier
    /// instant must be consistent on its own.
    ///
    /// Changes may be back-dated on the effective axis (arrive out of effective order) as long as
    /// the history stays consistent.
    ///
    /// # Errors
    ///
    /// The first rule broken; the ledger is then exactly as it was before the call.
    pub fn apply_batch(&mut self, changes: impl IntoIterator<Item = Change>) -> Result<Applied> {
        let start = self.changes.len();
        match self.stage(changes) {
            Ok(applied) => Ok(applied),
            Err(error) => {
                self.roll_back_to(start);
                Err(error)
            }
        }
    }

    /// Appends and indexes the changes, validating each group of equal `recorded` instants.
    fn stage(&mut self, changes: impl IntoIterator<Item = Change>) -> Result<Applied> {
        let changes = changes.into_iter();
        let (expected, _) = changes.size_hint();
        self.changes.reserve(expected);
        self.by_id.reserve(expected);
        let mut applied = Applied::default();
        let mut group_start = self.changes.len();
        for change in changes {
            if let Some(&at) = self.by_id.get(&change.id) {
                if self.changes[at] == change {
                    applied.already_present += 1;
                    continue;
                }
                return Err(Error::ConflictingChangeId { change: change.id });
            }
            if let Some(latest) = self.latest_recorded() {
                if change.recorded < latest {
                    return Err(Error::RecordedOutOfOrder {
                        change: change.id,
                        recorded: change.recorded,
                        latest,
                    });
                }
                if change.recorded > latest && self.changes.len() > group_start {
                    self.validate_group(group_start)?;
                    group_start = self.changes.len();
                }
            }
            check_alone(&change)?;
            self.push(change)?;
            applied.appended += 1;
        }
        if self.changes.len() > group_start {
            self.validate_group(group_start)?;
        }
        Ok(applied)
    }

    /// The `recorded` instant of the last change, if any.
    #[must_use]
    pub fn latest_recorded(&self) -> Option<DateTime<Utc>> {
        self.changes.last().map(|c| c.recorded)
    }

    /// Every change in the order applied, retracted ones and retractions included: the raw log.
    #[must_use]
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// The change with this id, retracted or not.
    #[must_use]
    pub fn change(&self, id: ChangeId) -> Option<&Change> {
        self.by_id.get(&id).map(|&at| &self.changes[at])
    }

    /// The number of changes in the log.
    #[must_use]
    pub fn len(&self) -> usize {
        self.changes.len()
    }

    /// Whether the log is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Everything the ledger knows now: every change except the retracted ones.
    ///
    /// O(1); the view borrows the ledger and copies nothing.
    #[must_use]
    pub fn current(&self) -> View<'_> {
        View::new(self, self.changes.len(), None)
    }

    /// What the ledger knew at `instant`: the changes recorded at or before it, minus those
    /// retracted at or before it.
    ///
    /// O(log n) to find the cut; the view borrows the ledger and copies nothing. A view known at
    /// or after the latest recorded instant answers like [`Ledger::current`].
    ///
    /// # Example
    ///
    /// See `examples/audit.rs` for a retracted delisting seen through views on several days.
    #[must_use]
    pub fn known_at(&self, instant: DateTime<Utc>) -> View<'_> {
        let cut = self.changes.partition_point(|c| c.recorded <= instant);
        View::new(self, cut, Some(instant))
    }

    /// Appends one change and indexes it. Checks that need only the log so far (retraction
    /// targets) are done here.
    fn push(&mut self, change: Change) -> Result<()> {
        let at = self.changes.len();
        if let ChangeKind::Retract { change: target, .. } = &change.kind {
            let Some(&target_at) = self.by_id.get(target) else {
                return Err(Error::UnknownChange {
                    change: change.id,
                    retracted: *target,
                });
            };
            if matches!(self.changes[target_at].kind, ChangeKind::Retract { .. }) {
                return Err(Error::RetractsRetraction {
                    change: change.id,
                    retracted: *target,
                });
            }
            if let Some(by) = self.retracted_by.get(target_at) {
                return Err(Error::AlreadyRetracted {
                    change: change.id,
                    retracted: *target,
                    by: self.changes[by].id,
                });
            }
        }
        if u32::try_from(at).map_or(true, |at| at == u32::MAX) {
            return Err(Error::TooManyChanges { change: change.id });
        }
        if let ChangeKind::Designate {
            designation,
            record,
        } = &change.kind
        {
            if let Some(existing) = self.conflicting_creation(*designation, record) {
                return Err(Error::DuplicateTarget {
                    change: change.id,
                    target: Target::Designation(*designation),
                    existing,
                });
            }
        }
        self.by_id.insert(change.id, at);
        self.changes.push(change);
        self.index(at);
        Ok(())
    }

    /// Whether the change at `at` is visible now (not retracted).
    fn live(&self, at: usize) -> bool {
        self.retracted_by.get(at).is_none()
    }

    /// Checks every entity, designation and licence that the changes from `start` on touch,
    /// against the whole (current) history.
    fn validate_group(&self, start: usize) -> Result<()> {
        let mut entities = Vec::new();
        let mut designations = Vec::new();
        let mut licences = Vec::new();
        for at in start..self.changes.len() {
            let touched = match &self.changes[at].kind {
                ChangeKind::Retract { change, .. } => self.by_id[change],
                _ => at,
            };
            match &self.changes[touched].kind {
                ChangeKind::RegisterEntity { entity, .. }
                | ChangeKind::AmendEntity { entity, .. } => {
                    entities.push(*entity);
                    if touched != at {
                        // A retracted registration may orphan what names the entity.
                        if let Some(index) = self.entities.get(entity) {
                            designations.extend(index.designations.iter().map(|&(d, _)| d));
                            licences.extend(index.licences.iter().map(|&(l, _)| l));
                        }
                    }
                }
                ChangeKind::Designate { designation, .. }
                | ChangeKind::AmendDesignation { designation, .. }
                | ChangeKind::Delist { designation } => {
                    designations.push(*designation);
                }
                ChangeKind::IssueLicence { licence, .. }
                | ChangeKind::AmendLicence { licence, .. }
                | ChangeKind::EndLicence { licence, .. } => {
                    licences.push(*licence);
                }
                ChangeKind::Retract { .. } => {}
            }
        }
        // Sorted so that the first error reported does not depend on hash order.
        entities.sort_unstable();
        entities.dedup();
        designations.sort_unstable();
        designations.dedup();
        licences.sort_unstable();
        licences.dedup();
        let group = Group { start };
        for entity in entities {
            self.validate_entity(entity, group)?;
        }
        for designation in designations {
            self.validate_target(Target::Designation(designation), group)?;
        }
        for licence in licences {
            self.validate_target(Target::Licence(licence), group)?;
        }
        Ok(())
    }

    fn validate_entity(&self, entity: EntityId, group: Group) -> Result<()> {
        let Some(index) = self.entities.get(&entity) else {
            return Ok(());
        };
        let mut live = index.versions.iter().copied().filter(|&at| self.live(at));
        let mut registrations = live
            .clone()
            .filter(|&at| matches!(self.changes[at].kind, ChangeKind::RegisterEntity { .. }));
        match (registrations.next(), registrations.next()) {
            (Some(first), Some(second)) => Err(Error::DuplicateEntity {
                change: self.changes[second].id,
                entity,
                existing: self.changes[first].id,
            }),
            (None, _) => match live.next() {
                Some(dependent) => Err(self.missing_dependency(
                    entity_registrations(self, index),
                    dependent,
                    group,
                    |change| Error::UnknownEntity { change, entity },
                )),
                None => Ok(()),
            },
            (Some(registration), None) => {
                let registered = self.changes[registration].effective;
                let early = live.find(|&at| self.changes[at].effective < registered);
                match early {
                    Some(amendment) => Err(Error::AmendedBeforeRegistration {
                        change: self.changes[amendment.max(registration)].id,
                        entity,
                        amended: self.changes[amendment].effective,
                        registered,
                    }),
                    None => Ok(()),
                }
            }
        }
    }

    /// Checks the life of one designation or licence: one creation, at most one end strictly
    /// after it, amendments inside the period in force, and a registered entity for every
    /// entity it names.
    fn validate_target(&self, target: Target, group: Group) -> Result<()> {
        let all = match target {
            Target::Designation(id) => self.designations.get(&id).map(|d| &d.positions),
            Target::Licence(id) => self.licences.get(&id),
        };
        let Some(all) = all else { return Ok(()) };
        // The first two creations and ends are all the rules need; amendments are re-read.
        let mut creations = [None, None];
        let mut ends = [None, None];
        let mut first_amendment = None;
        for &at in all.iter().filter(|&&at| self.live(at)) {
            let slot = match &self.changes[at].kind {
                ChangeKind::Designate { .. } | ChangeKind::IssueLicence { .. } => &mut creations,
                ChangeKind::Delist { .. } | ChangeKind::EndLicence { .. } => &mut ends,
                _ => {
                    first_amendment = first_amendment.or(Some(at));
                    continue;
                }
            };
            if slot[0].is_none() {
                slot[0] = Some(at);
            } else if slot[1].is_none() {
                slot[1] = Some(at);
            }
        }
        let amendments = all.iter().copied().filter(|&at| {
            self.live(at)
                && matches!(
                    self.changes[at].kind,
                    ChangeKind::AmendDesignation { .. } | ChangeKind::AmendLicence { .. }
                )
        });
        let id = |at: usize| self.changes[at].id;
        let effective = |at: usize| self.changes[at].effective;

        let Some(created) = creations[0] else {
            let Some(dependent) = ends[0].or(first_amendment) else {
                return Ok(());
            };
            let retracted_creations = all.iter().copied().filter(|&at| {
                matches!(
                    self.changes[at].kind,
                    ChangeKind::Designate { .. } | ChangeKind::IssueLicence { .. }
                )
            });
            return Err(
                self.missing_dependency(retracted_creations, dependent, group, |change| {
                    Error::UnknownTarget { change, target }
                }),
            );
        };
        if let Some(second) = creations[1] {
            return Err(Error::DuplicateTarget {
                change: id(second),
                target,
                existing: id(created),
            });
        }
        if let (Some(first), Some(second)) = (ends[0], ends[1]) {
            return Err(Error::AlreadyEnded {
                change: id(second),
                target,
                existing: id(first),
            });
        }
        let started = effective(created);
        let end = ends[0];
        if let Some(end) = end {
            if effective(end) <= started {
                return Err(Error::EndNotAfterStart {
                    change: id(end.max(created)),
                    target,
                    started,
                    ended: effective(end),
                });
            }
        }
        self.check_amendments(target, created, end, amendments.clone())?;
        self.validate_named_entities(std::iter::once(created).chain(amendments), group)
    }

    /// Checks that every amendment falls in `[start, end)` of its designation or licence, and
    /// says which side is to blame when one does not: the newer of the two changes.
    fn check_amendments(
        &self,
        target: Target,
        created: usize,
        end: Option<usize>,
        amendments: impl Iterator<Item = usize>,
    ) -> Result<()> {
        let id = |at: usize| self.changes[at].id;
        let effective = |at: usize| self.changes[at].effective;
        let started = effective(created);
        let until = end.map(effective);
        for amendment in amendments {
            let on = effective(amendment);
            let outside_by = if on < started {
                Some(created)
            } else {
                end.filter(|&end| on >= effective(end))
            };
            if let Some(bound) = outside_by {
                return Err(if amendment > bound {
                    Error::NotInForce {
                        change: id(amendment),
                        target,
                        effective: on,
                        from: started,
                        until,
                    }
                } else {
                    Error::InvalidatesLaterChange {
                        change: id(bound),
                        target,
                        effective: effective(bound),
                        later: id(amendment),
                        later_effective: on,
                    }
                });
            }
        }
        Ok(())
    }

    /// Checks that every entity named by the changes at `positions` is registered.
    fn validate_named_entities(
        &self,
        positions: impl Iterator<Item = usize>,
        group: Group,
    ) -> Result<()> {
        for at in positions {
            for entity in self.entities_named(at) {
                let registrations: Vec<usize> = self
                    .entities
                    .get(entity)
                    .map(|index| entity_registrations(self, index).collect())
                    .unwrap_or_default();
                if !registrations.iter().any(|&r| self.live(r)) {
                    return Err(self.missing_dependency(
                        registrations.into_iter(),
                        at,
                        group,
                        |change| Error::UnknownEntity {
                            change,
                            entity: *entity,
                        },
                    ));
                }
            }
        }
        Ok(())
    }

    /// The entities a creation or amendment names.
    fn entities_named(&self, at: usize) -> &[EntityId] {
        match &self.changes[at].kind {
            ChangeKind::Designate { record, .. } => std::slice::from_ref(&record.entity),
            ChangeKind::IssueLicence { record, .. } => &record.terms.covers,
            ChangeKind::AmendLicence { terms, .. } => &terms.covers,
            _ => &[],
        }
    }

    /// The error for a live `dependent` change whose dependency is missing: if one of the
    /// `candidates` (changes that would have satisfied it) was retracted by this group, blame
    /// that retraction; otherwise the dependency never existed, and `unknown` names the dependent.
    fn missing_dependency(
        &self,
        candidates: impl Iterator<Item = usize>,
        dependent: usize,
        group: Group,
        unknown: impl FnOnce(ChangeId) -> Error,
    ) -> Error {
        for candidate in candidates {
            if let Some(by) = self.retracted_by.get(candidate) {
                if by >= group.start {
                    return Error::RetractionOrphans {
                        change: self.changes[by].id,
                        retracted: self.changes[candidate].id,
                        dependent: self.changes[dependent].id,
                    };
                }
            }
        }
        unknown(self.changes[dependent].id)
    }
}

/// The changes being validated together: positions from `start` to the end of the log.
#[derive(Clone, Copy)]
struct Group {
    start: usize,
}

/// Positions of an entity's `RegisterEntity` changes, retracted or not.
fn entity_registrations<'a>(
    ledger: &'a Ledger,
    index: &'a EntityIndex,
) -> impl Iterator<Item = usize> + 'a {
    index
        .versions
        .iter()
        .copied()
        .filter(|&at| matches!(ledger.changes[at].kind, ChangeKind::RegisterEntity { .. }))
}

/// Rules that a change must meet on its own, whatever the ledger holds.
fn check_alone(change: &Change) -> Result<()> {
    if let Some(window) = change.window {
        let ordered = window.after.is_none_or(|after| after < window.on_or_before);
        if window.on_or_before != change.effective || !ordered {
            return Err(Error::InvalidWindow {
                change: change.id,
                effective: change.effective,
                after: window.after,
                on_or_before: window.on_or_before,
            });
        }
    }
    match &change.kind {
        ChangeKind::RegisterEntity { entity, record }
        | ChangeKind::AmendEntity { entity, record } => {
            if record.name.trim().is_empty() {
                return Err(Error::BlankName {
                    change: change.id,
                    entity: *entity,
                });
            }
        }
        ChangeKind::Designate { record, .. } => {
            if let Some(program) = record
                .terms
                .programs
                .iter()
                .find(|p| *p.authority() != record.authority)
            {
                return Err(Error::ProgramOfOtherAuthority {
                    change: change.id,
                    authority: record.authority.clone(),
                    program: program.clone(),
                });
            }
        }
        ChangeKind::IssueLicence { licence, record } => {
            if record.terms.covers.is_empty() {
                return Err(Error::LicenceCoversNothing {
                    change: change.id,
                    licence: *licence,
                });
            }
        }
        ChangeKind::AmendLicence { licence, terms } => {
            if terms.covers.is_empty() {
                return Err(Error::LicenceCoversNothing {
                    change: change.id,
                    licence: *licence,
                });
            }
        }
        ChangeKind::AmendDesignation { .. }
        | ChangeKind::Delist { .. }
        | ChangeKind::EndLicence { .. }
        | ChangeKind::Retract { .. } => {}
    }
    Ok(())
}

impl PartialEq for Ledger {
    /// Two ledgers are equal when their logs are: the same changes in the same order.
    fn eq(&self, other: &Self) -> bool {
        self.changes == other.changes
    }
}

impl Eq for Ledger {}

/// The serialised form: `{"format": "sanctions-ledger", "version": 1, "changes": [...]}`.
#[derive(Serialize)]
struct LedgerOut<'a> {
    format: &'static str,
    version: u32,
    changes: &'a [Change],
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LedgerIn {
    format: String,
    version: u32,
    changes: Vec<Change>,
}

impl Serialize for Ledger {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        LedgerOut {
            format: FORMAT_NAME,
            version: FORMAT_VERSION,
            changes: &self.changes,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Ledger {
    /// Reads the serialised form and re-applies every change, so that data edited by hand or
    /// damaged can never produce an inconsistent ledger.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let input = LedgerIn::deserialize(deserializer)?;
        if input.format != FORMAT_NAME || input.version != FORMAT_VERSION {
            return Err(serde::de::Error::custom(Error::UnsupportedFormat {
                format: input.format,
                version: input.version,
            }));
        }
        Ledger::from_changes(input.changes).map_err(serde::de::Error::custom)
    }
}

/// Entity ids in first-seen order without repeats.
pub(crate) fn unique_entities(pairs: impl Iterator<Item = EntityId>) -> Vec<EntityId> {
    let mut seen = HashSet::new();
    pairs.filter(|e| seen.insert(*e)).collect()
}
