//! [`View`]: the ledger as known now or at a past instant, and every query on it; the same
//! questions about whole subjects (clusters of linked entities) are in `view/cluster.rs`, the
//! derived-status queries in `view/derived.rs`.

mod cluster;
mod derived;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};

use crate::authority::Authority;
use crate::change::{Change, ChangeKind};
use crate::designation::{Designation, DesignationTerms};
use crate::entity::{normalise_name, Entity, Identifier};
use crate::error::{Error, Result, Target};
use crate::id::{ChangeId, DesignationId, EntityId, LicenceId};
use crate::index::{EntityEntry, Index};
use crate::interval::Interval;
use crate::licence::{Licence, LicenceTerms};
use crate::list::Scope;
use crate::log::Log;
use crate::state::{AsCreated, DesignationInForce, LicenceInForce, State, StateDiff, StatusChange};
use crate::status::{Status, StatusKind};
use crate::timeline::{fold_periods, period, AuthorityTimeline, Timeline};

pub use self::cluster::Clusters;

/// The ledger as known at one instant: the changes recorded at or before it, minus those
/// retracted at or before it. [`Ledger::current`](crate::Ledger::current) is the view that sees everything.
///
/// A view borrows the ledger and copies nothing; it is `Copy`. All queries are pure: the same
/// view and arguments always give the same answer.
///
/// In the complexity notes, *n* is the number of changes in the ledger, *k* the number of
/// changes naming the entity (its versions, designations and licences and their changes), and
/// *r* the size of the answer.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    log: &'a Log,
    index: &'a Index,
    /// Changes at positions below `cut` are recorded at or before the view's instant.
    cut: usize,
    known_at: Option<DateTime<Utc>>,
}

/// The life of one designation or licence in a view: the creating change, the ending change,
/// and the amendments.
struct Life<'a> {
    created: &'a Change,
    ended: Option<&'a Change>,
    /// Visible amendments, in log order.
    amendments: Vec<&'a Change>,
}

impl<'a> Life<'a> {
    fn start(&self) -> NaiveDate {
        self.created.effective
    }

    fn end(&self) -> Option<NaiveDate> {
        self.ended.map(|c| c.effective)
    }

    fn in_force(&self) -> Interval {
        Interval::new(self.start(), self.end())
    }

    fn in_force_on(&self, date: NaiveDate) -> bool {
        self.in_force().contains(date)
    }

    fn as_created<T>(&self, record: &'a T) -> AsCreated<'a, T> {
        AsCreated {
            record,
            in_force: self.in_force(),
            created_by: self.created.id,
        }
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

/// A designation or licence as seen on two dates, read in one pass over its changes without
/// allocating: its creating and ending changes and, for each date, the amendment in force then.
/// What the whole-state and difference queries read for each designation and licence.
struct LifeOn<'a> {
    created: &'a Change,
    ended: Option<&'a Change>,
    /// The amendment in force on each of the two dates: the latest by effective date on or
    /// before it, then by log order (as [`Life::amendment_on`]).
    amendments: [Option<&'a Change>; 2],
}

impl LifeOn<'_> {
    /// Whether it is in force on `date`.
    fn in_force_on(&self, date: NaiveDate) -> bool {
        self.created.effective <= date && self.ended.is_none_or(|c| date < c.effective)
    }
}

impl<'a> View<'a> {
    pub(crate) fn new(
        log: &'a Log,
        index: &'a Index,
        cut: usize,
        known_at: Option<DateTime<Utc>>,
    ) -> Self {
        View {
            log,
            index,
            cut,
            known_at,
        }
    }

    /// The instant this view is known at, or `None` for [`Ledger::current`](crate::Ledger::current).
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let instant = "2025-09-12T00:00:00Z".parse()?;
    /// assert_eq!(ledger.known_at(instant).known_at(), Some(instant));
    /// assert_eq!(ledger.current().known_at(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn known_at(&self) -> Option<DateTime<Utc>> {
        self.known_at
    }

    /// The raw log as this view knows it: every change recorded at or before its instant, in
    /// the order applied, retracted ones and retractions included. For [`Ledger::current`](crate::Ledger::current)
    /// this is [`Ledger::changes`](crate::Ledger::changes); a view of the past never shows a change recorded later.
    ///
    /// O(1).
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// // Known at 2023-01-01: the EU's ban on Belarusian carriers, Belavia's registration and
    /// // the amendment of its facts, and the EU listing; nothing later.
    /// let instant = "2023-01-01T00:00:00Z".parse()?;
    /// let early = ledger.known_at(instant);
    /// assert_eq!(early.log().len(), 4);
    /// assert!(early.log().iter().all(|c| c.recorded <= instant));
    /// assert_eq!(ledger.current().log(), ledger.changes());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn log(&self) -> &'a [Change] {
        &self.log.changes()[..self.cut]
    }

    /// How many changes of the log are recorded at or before the view's instant.
    pub(crate) fn cut(&self) -> usize {
        self.cut
    }

    /// The digest of what this view sees: of the first `cut` changes of the log.
    pub(crate) fn digest_of_cut(&self) -> crate::digest::Digest {
        self.log.digest_at(self.cut)
    }

    /// Whether the change at position `at` is seen by this view.
    fn sees(&self, at: usize) -> bool {
        self.index.sees(self.cut, at)
    }

    /// Whether this view sees every change of the ledger.
    fn sees_all(&self) -> bool {
        self.cut == self.log.len()
    }

    /// The changes this view sees, in the order applied, retractions excluded.
    ///
    /// O(n).
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let now = ledger.current();
    /// assert_eq!(now.changes().count(), 17);
    /// let kinds: Vec<&str> = now.changes().take(3).map(|c| c.kind.name()).collect();
    /// assert_eq!(kinds, ["register_entity", "impose_class_measure", "amend_entity"]);
    /// assert_eq!(ledger.known_at("2023-01-01T00:00:00Z".parse()?).changes().count(), 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn changes(&self) -> impl Iterator<Item = &'a Change> + '_ {
        let log = self.log;
        (0..self.cut)
            .filter(|&at| self.sees(at))
            .map(move |at| &log[at])
            .filter(|c| c.kind.retracts().is_none())
    }

    /// The change with this id, if this view sees it.
    ///
    /// O(1).
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let gl_11 = LicenceId::derive("us-ofac:belarus-gl-11");
    /// let now = ledger.current();
    /// let issued_by = now.licence(gl_11).ok_or("GL 11 is in the seed")?.created_by;
    /// let issue = now.change(issued_by).ok_or("its change is visible")?;
    /// assert_eq!(issue.effective, day("2025-09-11")?);
    /// // Recorded the day it was issued: a view of the day before does not see it.
    /// assert!(ledger.known_at("2025-09-10T00:00:00Z".parse()?).change(issued_by).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn change(&self, id: ChangeId) -> Option<&'a Change> {
        let at = self.log.position(id)?;
        self.sees(at).then(|| &self.log[at])
    }

    /// The entity's latest facts (the version with the latest effective date).
    ///
    /// O(k).
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let belavia = EntityId::derive("belavia");
    /// let name = |view: View<'_>| view.entity(belavia).map(|e| e.name.clone());
    /// assert_eq!(
    ///     name(ledger.current()).as_deref(),
    ///     Some("Open Joint Stock Company Belavia Belarusian Airlines")
    /// );
    /// // Before OFAC listed it, the ledger knew the EU's name.
    /// let early = ledger.known_at("2023-01-01T00:00:00Z".parse()?);
    /// assert_eq!(name(early).as_deref(), Some("Belavia – Belarusian Airlines AAT"));
    /// assert!(ledger.current().entity(EntityId::derive("belavai")).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn entity(&self, entity: EntityId) -> Option<&'a Entity> {
        self.entity_versions(entity).last().map(|(_, e)| *e)
    }

    /// The entity's facts in force on `date`: the version with the latest effective date on or
    /// before it. `None` when the entity is unknown or its first version is later.
    ///
    /// O(k).
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let belavia = EntityId::derive("belavia");
    /// let now = ledger.current();
    /// let name_on = |date| now.entity_on(belavia, date).map(|e| e.name.as_str());
    /// assert_eq!(name_on(day("2021-06-04")?), None); // before its registration
    /// // From the EU's carrier ban on, the ledger knew it as a Belarusian air carrier.
    /// assert_eq!(name_on(day("2021-12-01")?), Some("Belavia Belarusian Airlines"));
    /// assert_eq!(name_on(day("2022-06-01")?), Some("Belavia – Belarusian Airlines AAT"));
    /// assert_eq!(
    ///     name_on(day("2024-06-01")?),
    ///     Some("Open Joint Stock Company Belavia Belarusian Airlines")
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
        let Some(entry) = self.index.entity(entity) else {
            return Vec::new();
        };
        let mut versions: Vec<(NaiveDate, &'a Entity)> = entry
            .versions()
            .iter()
            .filter(|&&at| self.sees(at))
            .filter_map(|&at| {
                let change = &self.log[at];
                let (_, record) = change.kind.entity_facts()?;
                Some((change.effective, record))
            })
            .collect();
        versions.sort_by_key(|(effective, _)| *effective);
        versions
    }

    /// Every entity this view knows (registered and not retracted), sorted.
    ///
    /// O(n).
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// // Belavia, the aircraft EW-301PJ, and the three aircraft of Belarus GL 12.
    /// assert_eq!(ledger.current().entities().len(), 5);
    /// let early = ledger.known_at("2023-01-01T00:00:00Z".parse()?);
    /// assert_eq!(early.entities(), [EntityId::derive("belavia")]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn entities(&self) -> Vec<EntityId> {
        let mut ids: Vec<EntityId> = self
            .index
            .entities()
            .filter(|(_, entry)| {
                entry
                    .versions()
                    .iter()
                    .any(|&at| self.sees(at) && self.log[at].kind.creates())
            })
            .map(|(id, _)| id)
            .collect();
        ids.sort_unstable();
        ids
    }

    /// The life of a designation in this view.
    fn designation_life(&self, id: DesignationId) -> Option<Life<'a>> {
        self.life(self.index.designation_positions(id)?)
    }

    /// The life of a licence in this view.
    fn licence_life(&self, id: LicenceId) -> Option<Life<'a>> {
        self.life(self.index.licence_positions(id)?)
    }

    fn life(&self, positions: &[usize]) -> Option<Life<'a>> {
        let mut amendments = Vec::new();
        let (created, ended) = self.walk_life(positions, |change| amendments.push(change))?;
        Some(Life {
            created,
            ended,
            amendments,
        })
    }

    /// [`View::life`] as seen on the dates `on`, without collecting the amendments.
    fn life_on(&self, positions: &[usize], on: [NaiveDate; 2]) -> Option<LifeOn<'a>> {
        let mut amendments: [Option<&'a Change>; 2] = [None, None];
        let (created, ended) = self.walk_life(positions, |change| {
            for (amendment, date) in amendments.iter_mut().zip(on) {
                // Later in the log wins among equal effective dates.
                if change.effective <= date
                    && amendment.is_none_or(|a| a.effective <= change.effective)
                {
                    *amendment = Some(change);
                }
            }
        })?;
        Some(LifeOn {
            created,
            ended,
            amendments,
        })
    }

    /// One pass over the visible changes at `positions` (one designation's or licence's): its
    /// creating and ending changes, each amendment handed to `amendment` in log order. `None`
    /// when the view sees no creation.
    fn walk_life(
        &self,
        positions: &[usize],
        mut amendment: impl FnMut(&'a Change),
    ) -> Option<(&'a Change, Option<&'a Change>)> {
        let mut created = None;
        let mut ended = None;
        for &at in positions.iter().filter(|&&at| self.sees(at)) {
            let change = &self.log[at];
            if change.kind.creates() {
                created = Some(change);
            } else if change.kind.ends() {
                ended = Some(change);
            } else {
                amendment(change);
            }
        }
        Some((created?, ended))
    }

    /// The designation as seen on the dates `on`.
    fn designation_on_dates(&self, id: DesignationId, on: [NaiveDate; 2]) -> Option<LifeOn<'a>> {
        self.life_on(self.index.designation_positions(id)?, on)
    }

    /// The licence as seen on the dates `on`.
    fn licence_on_dates(&self, id: LicenceId, on: [NaiveDate; 2]) -> Option<LifeOn<'a>> {
        self.life_on(self.index.licence_positions(id)?, on)
    }

    /// The designation as created, with its period in force.
    ///
    /// O(c) in the changes naming the designation.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let sdn_entry = DesignationId::derive("us-ofac:44541");
    /// let us = ledger.current().designation(sdn_entry).ok_or("in the seed")?;
    /// assert_eq!(us.record.authority, Authority::US_OFAC);
    /// assert_eq!(us.record.entity, EntityId::derive("belavia"));
    /// assert_eq!(us.in_force, Interval::new(day("2023-08-09")?, Some(day("2025-11-04")?)));
    /// // Known at 2025-09-12, the designation had no end yet.
    /// let then = ledger.known_at("2025-09-12T00:00:00Z".parse()?);
    /// assert!(then.designation(sdn_entry).ok_or("known then")?.in_force.is_open());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn designation(&self, id: DesignationId) -> Option<AsCreated<'a, Designation>> {
        let life = self.designation_life(id)?;
        match &life.created.kind {
            ChangeKind::Designate { record, .. } => Some(life.as_created(record)),
            _ => None,
        }
    }

    /// The designation as in force on `date`, with its amended terms; `None` if it is not in
    /// force then.
    ///
    /// O(c) in the changes naming the designation.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let eu = DesignationId::derive("eu:belavia");
    /// let now = ledger.current();
    /// let basis = |date| now.designation_on(eu, date).and_then(|d| d.terms.legal_basis.as_deref());
    /// assert!(basis(day("2022-06-01")?).ok_or("listed")?.contains("2021/2124"));
    /// // The 2023 renewal amended the terms from 2023-02-24 on.
    /// assert!(basis(day("2023-06-01")?).ok_or("listed")?.contains("2023/419"));
    /// assert!(now.designation_on(eu, day("2021-12-01")?).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn designation_on(
        &self,
        id: DesignationId,
        date: NaiveDate,
    ) -> Option<DesignationInForce<'a>> {
        let life = self.designation_on_dates(id, [date, date])?;
        life.in_force_on(date)
            .then(|| designation_in_force(&life, 0))?
    }

    /// The licence as issued, with its period in force.
    ///
    /// O(c) in the changes naming the licence.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let gl_11 = ledger
    ///     .current()
    ///     .licence(LicenceId::derive("us-ofac:belarus-gl-11"))
    ///     .ok_or("in the seed")?;
    /// assert_eq!(gl_11.record.terms.name, "Belarus General License 11");
    /// assert!(gl_11.record.terms.covers_owned_entities);
    /// assert_eq!(gl_11.in_force, Interval::new(day("2025-09-11")?, None));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn licence(&self, id: LicenceId) -> Option<AsCreated<'a, Licence>> {
        let life = self.licence_life(id)?;
        match &life.created.kind {
            ChangeKind::IssueLicence { record, .. } => Some(life.as_created(record)),
            _ => None,
        }
    }

    /// The licence as in force on `date`, with its amended terms; `None` if it is not in force.
    ///
    /// O(c) in the changes naming the licence.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let gl_11 = LicenceId::derive("us-ofac:belarus-gl-11");
    /// let now = ledger.current();
    /// assert!(now.licence_on(gl_11, day("2025-09-10")?).is_none());
    /// let in_force = now.licence_on(gl_11, day("2025-10-01")?).ok_or("in force")?;
    /// assert_eq!(*in_force.authority, Authority::US_OFAC);
    /// assert_eq!(in_force.terms.covers, [EntityId::derive("belavia")]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn licence_on(&self, id: LicenceId, date: NaiveDate) -> Option<LicenceInForce<'a>> {
        let life = self.licence_on_dates(id, [date, date])?;
        life.in_force_on(date).then(|| licence_in_force(&life, 0))?
    }

    /// The status of `entity` with `authority`, or on one of its lists, on `date`: not listed,
    /// listed, or listed and licensed, with the designations and licences behind it.
    ///
    /// `scope` is an `&Authority` (every designation by it, on any list or none) or a `&List`
    /// (the designations on that list only); see [`Scope`](crate::Scope). Licences are the
    /// authority's in both cases: one that covers the entity relieves its listing on any of the
    /// authority's lists.
    ///
    /// An entity this view knows (it sees its registration) is [`Status::NotListed`] on the
    /// dates it is not listed, before its first designation included. An id the view does not
    /// know has no status: a mistyped id, or a question to a view known at an instant before
    /// the entity was recorded, is an error rather than a clean "not listed".
    ///
    /// O(k) in the designation starts and ends of the entity (one small contiguous list; no
    /// change is read), plus, when the entity is listed and named by licences, O(c) in those
    /// licences' changes.
    ///
    /// # Errors
    ///
    /// [`Error::EntityNotKnown`] if the view sees no registration of `entity`.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let belavia = EntityId::derive("belavia");
    /// let now = ledger.current();
    /// // "Lifted" on 2025-09-11 by a licence: still listed, and licensed.
    /// let status = now.status(belavia, &Authority::US_OFAC, day("2025-10-01")?)?;
    /// assert_eq!(status.kind(), StatusKind::ListedLicensed);
    /// assert_eq!(status.designations(), [DesignationId::derive("us-ofac:44541")]);
    /// assert_eq!(status.licences(), [LicenceId::derive("us-ofac:belarus-gl-11")]);
    /// let removed = now.status(belavia, &Authority::US_OFAC, day("2025-11-04")?)?;
    /// assert_eq!(removed, Status::NotListed);
    /// // The SDN listing is the whole of OFAC's: the same answer for the SDN list.
    /// let on_sdn = now.status(belavia, &List::US_OFAC_SDN, day("2025-10-01")?)?;
    /// assert_eq!(on_sdn, status);
    /// assert_eq!(now.status(belavia, &List::US_OFAC_SSI, day("2025-10-01")?)?, Status::NotListed);
    /// // An id the view does not know has no status.
    /// let typo = EntityId::derive("belavai");
    /// assert!(matches!(
    ///     now.status(typo, &Authority::US_OFAC, day("2025-10-01")?),
    ///     Err(Error::EntityNotKnown { .. })
    /// ));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn status<'s>(
        &self,
        entity: EntityId,
        scope: impl Into<Scope<'s>>,
        date: NaiveDate,
    ) -> Result<Status> {
        let entry = self
            .index
            .entity(entity)
            .ok_or_else(|| self.not_known(entity))?;
        let status = self.status_of(entry, entity, scope.into(), date);
        // A designation the view sees implies a registration it sees: only a "not listed"
        // answer needs the check.
        if status == Status::NotListed && !entry.known(self.cut) {
            return Err(self.not_known(entity));
        }
        Ok(status)
    }

    /// The status of a known entity.
    fn status_of(
        &self,
        entry: EntityEntry<'a>,
        entity: EntityId,
        scope: Scope<'_>,
        date: NaiveDate,
    ) -> Status {
        let designations: Vec<DesignationId> = entry.listed(scope, date, self.cut).collect();
        if designations.is_empty() {
            return Status::NotListed;
        }
        let authority = scope.authority();
        let licences = entry
            .licences()
            .iter()
            .filter(|(id, at)| self.sees(*at) && self.licence_covers(*id, entity, authority, date))
            .map(|(id, _)| *id)
            .collect();
        Status::from_parts(designations, licences)
    }

    /// The kind of [`View::status_of`], without collecting the designations and licences.
    fn status_kind_of(
        &self,
        entry: EntityEntry<'a>,
        entity: EntityId,
        scope: Scope<'_>,
        date: NaiveDate,
    ) -> StatusKind {
        if entry.listed(scope, date, self.cut).next().is_none() {
            return StatusKind::NotListed;
        }
        let authority = scope.authority();
        let licensed = entry
            .licences()
            .iter()
            .any(|(id, at)| self.sees(*at) && self.licence_covers(*id, entity, authority, date));
        if licensed {
            StatusKind::ListedLicensed
        } else {
            StatusKind::Listed
        }
    }

    /// What the index holds about `entity`, if this view knows it.
    fn known_entity(&self, entity: EntityId) -> Result<EntityEntry<'a>> {
        self.index
            .entity(entity)
            .filter(|entry| entry.known(self.cut))
            .ok_or_else(|| self.not_known(entity))
    }

    /// The error for an entity this view does not know.
    fn not_known(&self, entity: EntityId) -> Error {
        Error::EntityNotKnown {
            entity,
            known_at: self.known_at,
        }
    }

    /// Whether `entity` is listed by `authority`, or on one of its lists, on `date`, licensed
    /// or not. `scope` is an `&Authority` or a `&List`, as for [`View::status`].
    ///
    /// O(k) in the designation starts and ends of the entity; reads no change and allocates
    /// nothing.
    ///
    /// # Errors
    ///
    /// [`Error::EntityNotKnown`] if the view sees no registration of `entity`, as for
    /// [`View::status`].
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let belavia = EntityId::derive("belavia");
    /// let now = ledger.current();
    /// assert!(now.is_listed(belavia, &Authority::US_OFAC, day("2025-10-01")?)?); // licensed, listed
    /// assert!(!now.is_listed(belavia, &Authority::US_OFAC, day("2025-11-05")?)?);
    /// assert!(now.is_listed(belavia, &Authority::EU, day("2025-11-05")?)?);
    /// assert!(now.is_listed(belavia, &List::EU_CONSOLIDATED, day("2025-11-05")?)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_listed<'s>(
        &self,
        entity: EntityId,
        scope: impl Into<Scope<'s>>,
        date: NaiveDate,
    ) -> Result<bool> {
        let entry = self
            .index
            .entity(entity)
            .ok_or_else(|| self.not_known(entity))?;
        if entry.listed(scope.into(), date, self.cut).next().is_some() {
            // Listed implies known, as in `status`.
            Ok(true)
        } else if entry.known(self.cut) {
            Ok(false)
        } else {
            Err(self.not_known(entity))
        }
    }

    /// The entity's status with every authority that has ever designated it in this view.
    ///
    /// O(k · log k).
    ///
    /// # Errors
    ///
    /// [`Error::EntityNotKnown`] if the view sees no registration of `entity`, as for
    /// [`View::status`].
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let belavia = EntityId::derive("belavia");
    /// let on = ledger.current().statuses(belavia, day("2025-10-01")?)?;
    /// let kinds: Vec<(&str, StatusKind)> = on.iter().map(|(a, s)| (a.as_str(), s.kind())).collect();
    /// assert_eq!(kinds, [("EU", StatusKind::Listed), ("US-OFAC", StatusKind::ListedLicensed)]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn statuses(
        &self,
        entity: EntityId,
        date: NaiveDate,
    ) -> Result<BTreeMap<Authority, Status>> {
        let entry = self.known_entity(entity)?;
        Ok(self
            .authorities_of(entity)
            .into_iter()
            .map(|authority| {
                let status = self.status_of(entry, entity, Scope::Authority(&authority), date);
                (authority, status)
            })
            .collect())
    }

    /// Authorities that have designated `entity` in this view, sorted.
    fn authorities_of(&self, entity: EntityId) -> Vec<Authority> {
        self.index
            .entity(entity)
            .map_or_else(Vec::new, |entry| entry.authorities(self.cut))
    }

    fn licence_covers(
        &self,
        id: LicenceId,
        entity: EntityId,
        authority: &Authority,
        date: NaiveDate,
    ) -> bool {
        self.licence_on_dates(id, [date, date]).is_some_and(|life| {
            life.in_force_on(date)
                && match &life.created.kind {
                    ChangeKind::IssueLicence { record, .. } => {
                        record.authority == *authority
                            && licence_terms_of(&life, 0)
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
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let now = ledger.current();
    /// // The EU listing, and OFAC's of Belavia and of its aircraft EW-301PJ.
    /// assert_eq!(now.designations_in_force(day("2025-10-01")?).len(), 3);
    /// assert_eq!(
    ///     now.designations_in_force(day("2025-11-05")?),
    ///     [DesignationId::derive("eu:belavia")]
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn designations_in_force(&self, date: NaiveDate) -> Vec<DesignationId> {
        if self.sees_all() {
            self.index.designations_in_force_now(date)
        } else {
            self.index.designations_in_force_at(date, self.cut)
        }
    }

    /// The ids of the designations in force on `date` by one authority, or on one of its
    /// lists, in order of their first mention in the log: [`View::designations_in_force`]
    /// narrowed to `scope` (an `&Authority` or a `&List`, see [`Scope`](crate::Scope)).
    ///
    /// The same passes as [`View::designations_in_force`], reading 8 more bytes per
    /// designation (its interned authority and list). Reads no change.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let now = ledger.current();
    /// let on = day("2025-10-01")?;
    /// // OFAC's listings of Belavia and of its aircraft EW-301PJ, both on the SDN list.
    /// assert_eq!(now.designations_in_force_in(&Authority::US_OFAC, on).len(), 2);
    /// assert_eq!(now.designations_in_force_in(&List::US_OFAC_SDN, on).len(), 2);
    /// assert!(now.designations_in_force_in(&List::US_OFAC_SSI, on).is_empty());
    /// assert_eq!(
    ///     now.designations_in_force_in(&List::EU_CONSOLIDATED, on),
    ///     [DesignationId::derive("eu:belavia")]
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn designations_in_force_in<'s>(
        &self,
        scope: impl Into<Scope<'s>>,
        date: NaiveDate,
    ) -> Vec<DesignationId> {
        let scope = scope.into();
        if self.sees_all() {
            self.index.designations_in_force_now_in(scope, date)
        } else {
            self.index
                .designations_in_force_at_in(scope, date, self.cut)
        }
    }

    /// Every designation and licence in force on `date`, with their terms as amended by then.
    ///
    /// The ids as [`View::designations_in_force`] and [`View::licences_in_force`] find them,
    /// sorted (O(D log D)), plus O(c) per designation and licence in force to read its amended
    /// terms, in one pass over its changes without allocating. The state borrows the terms
    /// from the ledger: it copies none.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let state = ledger.current().state_on(day("2025-10-01")?);
    /// assert_eq!(state.designations.len(), 3);
    /// assert_eq!(
    ///     state.licences.keys().collect::<Vec<_>>(),
    ///     [&LicenceId::derive("us-ofac:belarus-gl-11")]
    /// );
    /// let belavia = EntityId::derive("belavia");
    /// assert_eq!(state.status(belavia, &Authority::US_OFAC).kind(), StatusKind::ListedLicensed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn state_on(&self, date: NaiveDate) -> State<'a> {
        let mut ids = self.designations_in_force(date);
        // Sorted before the terms are read: the map is then built from a sorted run, without
        // moving the large entries through a sort.
        ids.sort_unstable();
        let designations = ids
            .into_iter()
            .filter_map(|id| {
                let life = self.designation_on_dates(id, [date, date])?;
                designation_in_force(&life, 0).map(|d| (id, d))
            })
            .collect();
        let licences = self
            .licences_in_force(date)
            .into_iter()
            .filter_map(|id| {
                let life = self.licence_on_dates(id, [date, date])?;
                licence_in_force(&life, 0).map(|l| (id, l))
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
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let kinds = |view: View<'_>| -> Result<Vec<&'static str>, chrono::ParseError> {
    ///     let changes = view.changes_between(day("2025-11-03")?, day("2025-11-04")?);
    ///     Ok(changes.iter().map(|c| c.kind.name()).collect())
    /// };
    /// // Effective 2025-11-04: the two delistings, GL 12 and the registrations of its aircraft.
    /// assert_eq!(kinds(ledger.current())?.len(), 6);
    /// // Known at 2025-12-01, before GL 12 was published: the delistings only.
    /// assert_eq!(kinds(ledger.known_at("2025-12-01T00:00:00Z".parse()?))?, ["delist", "delist"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn changes_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<&'a Change> {
        let Some(first) = from.succ_opt() else {
            return Vec::new();
        };
        if first > to {
            return Vec::new();
        }
        let log = self.log;
        let buckets = || self.index.effective_between(first, to);
        // Sized once: a month of a large ledger is thousands of changes.
        let mut changes = Vec::with_capacity(buckets().map(<[usize]>::len).sum());
        for bucket in buckets() {
            changes.extend(
                bucket
                    .iter()
                    .filter(|&&at| self.sees(at))
                    .map(|&at| &log[at]),
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
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let now = ledger.current();
    /// let (before, after) = (day("2025-09-10")?, day("2025-11-05")?);
    /// let diff = now.diff(before, after);
    /// assert_eq!(diff.delisted.len(), 2); // Belavia and EW-301PJ, by OFAC
    /// assert_eq!(diff.licences_issued.len(), 2); // Belarus GL 11 and GL 12
    /// let belavia = EntityId::derive("belavia");
    /// assert!(diff.status_changes.iter().any(|c| c.entity == belavia
    ///     && c.before == StatusKind::Listed
    ///     && c.after == StatusKind::NotListed));
    /// assert_eq!(now.state_on(before).apply(&diff), now.state_on(after));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn diff(&self, from: NaiveDate, to: NaiveDate) -> StateDiff<'a> {
        let (low, high) = if from <= to { (from, to) } else { (to, from) };
        let mut designations = Vec::new();
        let mut licences = Vec::new();
        for change in self.changes_between(low, high) {
            match change.kind.target() {
                Some(Target::Designation(id)) => designations.push(id),
                Some(Target::Licence(id)) => licences.push(id),
                // Links join entities into clusters; the per-entity difference leaves them to
                // `Clusters::diff`. Relations and class measures move derived statuses, which
                // `derived_diff` compares; the state's designations and licences are what this
                // compares.
                Some(Target::Link(_) | Target::Relation(_) | Target::ClassMeasure(_)) | None => {}
            }
        }
        designations.sort_unstable();
        designations.dedup();
        licences.sort_unstable();
        licences.dedup();
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
        // The (entity, authority) pairs whose status may differ. Each designation and licence
        // is read once for both dates; the difference borrows its terms from the log.
        let mut pairs: Vec<(EntityId, &'a Authority)> = Vec::new();
        let on = [from, to];
        for id in designations {
            let Some(life) = self.designation_on_dates(id, on) else {
                continue;
            };
            let Some((record, _)) = designation_terms_of(&life, 1) else {
                continue;
            };
            match (life.in_force_on(from), life.in_force_on(to)) {
                (false, true) => {
                    pairs.push((record.entity, &record.authority));
                    diff.designated
                        .extend(designation_in_force(&life, 1).map(|d| (id, d)));
                }
                (true, false) => {
                    pairs.push((record.entity, &record.authority));
                    diff.delisted.insert(id);
                }
                (true, true) => {
                    let before = designation_terms_of(&life, 0).map(|(_, t)| t);
                    let after = designation_terms_of(&life, 1).map(|(_, t)| t);
                    if !same(before, after) {
                        diff.amended
                            .extend(designation_in_force(&life, 1).map(|d| (id, d)));
                    }
                }
                (false, false) => {}
            }
        }
        for id in licences {
            let Some(life) = self.licence_on_dates(id, on) else {
                continue;
            };
            let ChangeKind::IssueLicence { record, .. } = &life.created.kind else {
                continue;
            };
            let in_force = [life.in_force_on(from), life.in_force_on(to)];
            let terms = [licence_terms_of(&life, 0), licence_terms_of(&life, 1)];
            for (k, t) in terms.iter().enumerate() {
                if let (true, Some(t)) = (in_force[k], t) {
                    pairs.extend(t.covers.iter().map(|e| (*e, &record.authority)));
                }
            }
            match in_force {
                [false, true] => {
                    diff.licences_issued
                        .extend(licence_in_force(&life, 1).map(|l| (id, l)));
                }
                [true, false] => {
                    diff.licences_ended.insert(id);
                }
                [true, true] if !same(terms[0], terms[1]) => {
                    diff.licences_amended
                        .extend(licence_in_force(&life, 1).map(|l| (id, l)));
                }
                _ => {}
            }
        }
        diff.status_changes = self.status_changes(pairs, from, to);
        diff
    }

    /// The (entity, authority) pairs among `pairs` whose status kind differs from `from` to
    /// `to`, sorted.
    fn status_changes(
        &self,
        mut pairs: Vec<(EntityId, &Authority)>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Vec<StatusChange> {
        pairs.sort_unstable();
        pairs.dedup();
        let mut changes = Vec::new();
        for (entity, authority) in pairs {
            // Every entity a designation or licence names is registered: the rules see to it.
            let Ok(entry) = self.known_entity(entity) else {
                continue;
            };
            let scope = Scope::Authority(authority);
            let before = self.status_kind_of(entry, entity, scope, from);
            let after = self.status_kind_of(entry, entity, scope, to);
            if before != after {
                changes.push(StatusChange {
                    entity,
                    authority: authority.clone(),
                    before,
                    after,
                });
            }
        }
        changes
    }

    /// The ids of the licences in force on `date`, sorted. The light form of the licence half
    /// of [`View::state_on`].
    ///
    /// O(L) for a view that sees the whole ledger (one pass over each licence's current
    /// period); O(L · c) over the licences and their changes for a view of the past.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let now = ledger.current();
    /// assert_eq!(
    ///     now.licences_in_force(day("2025-10-01")?),
    ///     [LicenceId::derive("us-ofac:belarus-gl-11")]
    /// );
    /// assert_eq!(now.licences_in_force(day("2025-11-05")?).len(), 2); // GL 11 and GL 12
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn licences_in_force(&self, date: NaiveDate) -> Vec<LicenceId> {
        if self.sees_all() {
            return self.index.licences_in_force_now(date);
        }
        let mut ids: Vec<LicenceId> = self
            .index
            .licence_ids()
            .filter(|&id| {
                self.licence_life(id)
                    .is_some_and(|life| life.in_force_on(date))
            })
            .collect();
        ids.sort_unstable();
        ids
    }

    /// The entity's periods of being listed and licensed, per authority, with the changes that
    /// opened and closed each period.
    ///
    /// O(b · k) where b is the number of distinct dates on which the entity's designations and
    /// licences start, end or are amended.
    ///
    /// # Errors
    ///
    /// [`Error::EntityNotKnown`] if the view sees no registration of `entity`, as for
    /// [`View::status`].
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let belavia = EntityId::derive("belavia");
    /// let timeline = ledger.current().timeline(belavia)?;
    /// let us = timeline
    ///     .authorities
    ///     .iter()
    ///     .find(|t| t.authority == Authority::US_OFAC)
    ///     .ok_or("designated by OFAC")?;
    /// let periods: Vec<String> =
    ///     us.periods.iter().map(|p| format!("{} {}", p.status, p.dates)).collect();
    /// assert_eq!(
    ///     periods,
    ///     ["listed [2023-08-09, 2025-09-11)", "listed-licensed [2025-09-11, 2025-11-04)"]
    /// );
    /// assert_eq!(timeline.status_on(&Authority::EU, day("2025-11-05")?), StatusKind::Listed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn timeline(&self, entity: EntityId) -> Result<Timeline> {
        let entry = self.known_entity(entity)?;
        // The status is evaluated on every date where it can change.
        let authorities = self
            .authorities_of(entity)
            .into_iter()
            .map(|authority| {
                let relevant = self.changes_moving_status(entity, &authority);
                let dates: BTreeSet<NaiveDate> = relevant.iter().map(|c| c.effective).collect();
                let on = |date: NaiveDate| -> Vec<ChangeId> {
                    relevant
                        .iter()
                        .filter(|c| c.effective == date)
                        .map(|c| c.id)
                        .collect()
                };
                let periods = fold_periods(
                    dates,
                    StatusKind::NotListed,
                    |date| {
                        self.status_of(entry, entity, Scope::Authority(&authority), date)
                            .kind()
                    },
                    on,
                    period,
                );
                AuthorityTimeline { authority, periods }
            })
            .collect();
        Ok(Timeline {
            entity,
            authorities,
        })
    }

    /// The visible changes that can move the entity's status with `authority`: the starts and
    /// ends of its designations by it, and the issues, amendments and ends of that authority's
    /// licences naming it.
    fn changes_moving_status(&self, entity: EntityId, authority: &Authority) -> Vec<&'a Change> {
        let mut changes = Vec::new();
        for id in self.designations_of(entity) {
            if let Some(designation) = self.designation(id) {
                if designation.record.authority == *authority {
                    if let Some(life) = self.designation_life(id) {
                        changes.push(life.created);
                        changes.extend(life.ended);
                    }
                }
            }
        }
        for id in self.licences_naming(entity) {
            if let Some(licence) = self.licence(id) {
                if licence.record.authority == *authority {
                    if let Some(life) = self.licence_life(id) {
                        changes.push(life.created);
                        changes.extend(life.ended);
                        changes.extend(life.amendments.iter().copied());
                    }
                }
            }
        }
        // By date, then log order: the order of the index's listings is not canonical (a
        // refused batch rebuilds them in another), and `opened_by` must not depend on it.
        changes.sort_by_key(|c| (c.effective, self.log.position(c.id)));
        changes.dedup_by_key(|c| c.id);
        changes
    }

    /// Entities any version of which carries `identifier` (compared by
    /// [`Identifier::lookup_key`]), sorted.
    ///
    /// O(m) in the versions carrying it.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let sdn_44541 = Identifier::list_entry(Authority::US_OFAC, "44541");
    /// assert_eq!(ledger.current().find_by_identifier(&sdn_44541), [EntityId::derive("belavia")]);
    /// // The SDN entry was created on 2023-08-09: a view of 2023-01-01 finds nothing.
    /// let early = ledger.known_at("2023-01-01T00:00:00Z".parse()?);
    /// assert!(early.find_by_identifier(&sdn_44541).is_empty());
    /// let tail = Identifier::AircraftRegistration("EW-301PJ".into());
    /// assert_eq!(ledger.current().find_by_identifier(&tail).len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn find_by_identifier(&self, identifier: &Identifier) -> Vec<EntityId> {
        let key = identifier.lookup_key();
        self.lookup(self.index.identifier_candidates(&key), |record| {
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
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let belavia = EntityId::derive("belavia");
    /// let now = ledger.current();
    /// assert_eq!(now.find_by_name("BELAVIA  belarusian airlines"), [belavia]);
    /// assert_eq!(now.find_by_name("Belavia"), [belavia]);
    /// assert!(now.find_by_name("Belavi").is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn find_by_name(&self, name: &str) -> Vec<EntityId> {
        let name = normalise_name(name);
        if name.is_empty() {
            return Vec::new();
        }
        self.lookup(self.index.name_candidates(&name), |record| {
            record.names().any(|n| normalise_name(n) == name)
        })
    }

    /// Entities any version of which has a name or alias that holds every token of `query`
    /// (see [`name_tokens`](crate::name_tokens): transliterated to Latin letters, lower-cased,
    /// split at anything but letters and digits), sorted: the lookup a screener types, where
    /// [`View::find_by_name`] wants a whole name. Tokens are whole words (`belavi` does not
    /// find `Belavia`) in any order; a query without tokens finds nothing.
    ///
    /// O(t · log t + h · n) where t is the number of query tokens, h the number of versions
    /// holding the rarest of them (one hash lookup per token picks it), and n the length of
    /// the names of one version, which are tokenised again to confirm each hit.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let belavia = EntityId::derive("belavia");
    /// let now = ledger.current();
    /// assert_eq!(now.find_by_tokens("belavia"), [belavia]);
    /// assert_eq!(now.find_by_tokens("AIRLINES belarusian"), [belavia]);
    /// assert_eq!(now.find_by_tokens("Белавиа"), [belavia]); // Cyrillic, transliterated
    /// assert!(now.find_by_tokens("belavia minsk").is_empty()); // no name holds both
    /// assert!(now.find_by_name("belarusian airlines").is_empty()); // not a whole name
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn find_by_tokens(&self, query: &str) -> Vec<EntityId> {
        let mut tokens = crate::names::name_tokens(query);
        tokens.sort_unstable();
        tokens.dedup();
        let Some(rarest) = tokens
            .iter()
            .map(|t| self.index.token_candidates(t))
            .min_by_key(|hits| hits.len())
        else {
            return Vec::new();
        };
        self.lookup(rarest.iter().map(|&at| at as usize), |record| {
            crate::names::any_name_holds(record.names(), &tokens)
        })
    }

    /// The entities of the visible versions among `candidates` whose record `matches` (which
    /// rules out hash collisions), sorted and without repeats.
    fn lookup(
        &self,
        candidates: impl Iterator<Item = usize>,
        matches: impl Fn(&Entity) -> bool,
    ) -> Vec<EntityId> {
        let mut ids: Vec<EntityId> = candidates
            .filter(|&at| self.sees(at))
            .filter_map(|at| {
                let (entity, record) = self.log[at].kind.entity_facts()?;
                matches(record).then_some(entity)
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Licences that name `entity` in some visible issue or amendment, in first-seen order.
    fn licences_naming(&self, entity: EntityId) -> Vec<LicenceId> {
        let Some(entry) = self.index.entity(entity) else {
            return Vec::new();
        };
        let mut seen = Vec::new();
        for (id, at) in entry.licences() {
            if self.sees(*at) && !seen.contains(id) {
                seen.push(*id);
            }
        }
        seen
    }

    /// Designations of `entity` this view sees, in first-seen order.
    fn designations_of(&self, entity: EntityId) -> Vec<DesignationId> {
        self.index
            .entity(entity)
            .map_or_else(Vec::new, |entry| entry.designations(self.cut))
    }
}

/// The designation's record and its terms on the `k`th date the life was read for.
fn designation_terms_of<'a>(
    life: &LifeOn<'a>,
    k: usize,
) -> Option<(&'a Designation, &'a DesignationTerms)> {
    let ChangeKind::Designate { record, .. } = &life.created.kind else {
        return None;
    };
    let terms = match life.amendments[k].map(|c| &c.kind) {
        Some(ChangeKind::AmendDesignation { terms, .. }) => terms,
        _ => &record.terms,
    };
    Some((record, terms))
}

/// The designation in force on the `k`th date the life was read for (whether it is in force
/// then is the caller's question).
fn designation_in_force<'a>(life: &LifeOn<'a>, k: usize) -> Option<DesignationInForce<'a>> {
    let (record, terms) = designation_terms_of(life, k)?;
    Some(DesignationInForce {
        entity: record.entity,
        authority: &record.authority,
        list: record.list.as_ref(),
        terms,
        since: life.created.effective,
        designated_by: life.created.id,
    })
}

/// The licence's terms on `date` (as issued, or as last amended on or before it).
fn licence_terms_on<'a>(life: &Life<'a>, date: NaiveDate) -> Option<&'a LicenceTerms> {
    match (&life.created.kind, life.amendment_on(date).map(|c| &c.kind)) {
        (_, Some(ChangeKind::AmendLicence { terms, .. })) => Some(terms),
        (ChangeKind::IssueLicence { record, .. }, _) => Some(&record.terms),
        _ => None,
    }
}

/// The licence's terms on the `k`th date the life was read for.
fn licence_terms_of<'a>(life: &LifeOn<'a>, k: usize) -> Option<&'a LicenceTerms> {
    match (&life.created.kind, life.amendments[k].map(|c| &c.kind)) {
        (_, Some(ChangeKind::AmendLicence { terms, .. })) => Some(terms),
        (ChangeKind::IssueLicence { record, .. }, _) => Some(&record.terms),
        _ => None,
    }
}

/// The licence in force on the `k`th date the life was read for.
fn licence_in_force<'a>(life: &LifeOn<'a>, k: usize) -> Option<LicenceInForce<'a>> {
    let ChangeKind::IssueLicence { record, .. } = &life.created.kind else {
        return None;
    };
    Some(LicenceInForce {
        authority: &record.authority,
        terms: licence_terms_of(life, k)?,
        since: life.created.effective,
        issued_by: life.created.id,
    })
}

/// Whether two terms read from the ledger are equal: the same record, or equal ones.
fn same<T: PartialEq>(a: Option<&T>, b: Option<&T>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => std::ptr::eq(a, b) || a == b,
        (None, None) => true,
        _ => false,
    }
}
