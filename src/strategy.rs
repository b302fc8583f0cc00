//! [Proptest](https://docs.rs/proptest) strategies for property-testing code that works with the
//! ledger: entities with identifiers, valid change histories, invalid changes paired with the
//! rule they break, and dates in a window. Enabled by the `proptest` feature.
//!
//! - [`history`] generates a [`History`]: a change list that the ledger accepts, spread over the
//!   days of a window and over recorded instants, with back-dated changes, entity amendments,
//!   designations, amendments, delistings, re-listings, licences and retractions. Its size, date
//!   window and authorities are set by a [`HistoryConfig`].
//! - [`reordered`] turns a history into another order of the same changes that respects their
//!   dependencies (see [`History::dependencies`]); the current view answers the same.
//! - [`invalid_change`] generates a history and one change that breaks a consistency [`Rule`];
//!   [`Rule::matches`] tells whether an [`Error`](crate::Error) is the one the rule calls for.
//! - [`date_in`], [`entity_id`], [`identifier`], [`entity`] and [`entity_with_id`] generate the
//!   smaller pieces.
//!
//! Every strategy shrinks towards shorter histories with fewer, simpler changes.
//!
//! # Example: testing your own transition function
//!
//! Say a screening cache keeps, per designation, who is listed by whom, and is updated by
//! folding the changes in effective order. The ledger is the reference it must agree with on
//! every day of the window:
//!
//! ```
//! use std::collections::BTreeMap;
//!
//! use proptest::prelude::*;
//! use sanctions_ledger::strategy::{history, HistoryConfig};
//! use sanctions_ledger::{Authority, Change, ChangeKind, DesignationId, EntityId};
//!
//! /// The code under test: the cache's transition function.
//! fn step(cache: &mut BTreeMap<DesignationId, (EntityId, Authority)>, change: &Change) {
//!     match &change.kind {
//!         ChangeKind::Designate { designation, record } => {
//!             cache.insert(*designation, (record.entity, record.authority.clone()));
//!         }
//!         ChangeKind::Delist { designation } => {
//!             cache.remove(designation);
//!         }
//!         _ => {}
//!     }
//! }
//!
//! proptest! {
//!     #![proptest_config(ProptestConfig::with_cases(32))]
//!     fn cache_agrees_with_the_ledger(history in history(HistoryConfig::default())) {
//!         let ledger = history.ledger().expect("generated histories are valid");
//!         let view = ledger.current();
//!         let before = history.window_start.pred_opt().unwrap();
//!         for date in history.days() {
//!             let mut cache = BTreeMap::new();
//!             for change in view.changes_between(before, date) {
//!                 step(&mut cache, change);
//!             }
//!             // The entities the ledger knows (a history may retract a registration).
//!             for entity in view.entities() {
//!                 for authority in &history.authorities {
//!                     let cached = cache.values().any(|(e, a)| *e == entity && a == authority);
//!                     prop_assert_eq!(Ok(cached), view.is_listed(entity, authority, date));
//!                 }
//!             }
//!         }
//!     }
//! }
//!
//! cache_agrees_with_the_ledger();
//! ```

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Days, NaiveDate, TimeDelta, TimeZone, Utc};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use crate::authority::{Authority, Program};
use crate::change::{Change, ChangeKind, Confidence, ObservationWindow, Source};
use crate::designation::{Designation, DesignationTerms, Measure};
use crate::entity::{Country, Entity, EntityKind, Identifier, ImoNumber};
use crate::error::{Result, Target};
use crate::id::{ChangeId, DesignationId, EntityId, LicenceId};
use crate::ledger::Ledger;
use crate::licence::{Authorisation, Licence, LicenceEnd, LicenceKind, LicenceTerms};

/// The rule an [`InvalidChange`] breaks (also at the crate root, [`crate::Rule`]).
pub use crate::rules::Rule;

/// Sizes, date window and authorities of the histories [`history`] generates.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use sanctions_ledger::strategy::HistoryConfig;
///
/// let config = HistoryConfig::new(
///     NaiveDate::from_ymd_opt(2025, 9, 1).unwrap(),
///     NaiveDate::from_ymd_opt(2025, 11, 30).unwrap(),
/// )
/// .with_entities(3)
/// .with_changes(20);
/// assert_eq!(config.entities, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HistoryConfig {
    /// The most entities a history registers.
    pub entities: usize,
    /// The most changes a history holds (retractions included).
    pub changes: usize,
    /// The first day any generated change takes effect.
    pub window_start: NaiveDate,
    /// The last day any generated change takes effect (inclusive; at least `window_start`).
    pub window_end: NaiveDate,
    /// The authorities designations and licences are drawn from (not empty).
    pub authorities: Vec<Authority>,
    /// The recorded instant of the first change; later ones are the same or later.
    pub recorded_from: DateTime<Utc>,
}

impl HistoryConfig {
    /// Histories over the days `window_start ..= window_end`, with the default sizes (4
    /// entities, 24 changes) and authorities (US OFAC, EU, UK).
    ///
    /// # Panics
    ///
    /// If `window_end` is before `window_start`.
    #[must_use]
    pub fn new(window_start: NaiveDate, window_end: NaiveDate) -> Self {
        assert!(
            window_start <= window_end,
            "the window ends before it starts"
        );
        HistoryConfig {
            entities: 4,
            changes: 24,
            window_start,
            window_end,
            authorities: vec![Authority::US_OFAC, Authority::EU, Authority::UK],
            recorded_from: Utc
                .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
                .single()
                .unwrap_or_default(),
        }
    }

    /// Sets the most entities a history registers.
    #[must_use]
    pub fn with_entities(mut self, entities: usize) -> Self {
        self.entities = entities;
        self
    }

    /// Sets the most changes a history holds.
    #[must_use]
    pub fn with_changes(mut self, changes: usize) -> Self {
        self.changes = changes;
        self
    }

    /// Sets the authorities designations and licences are drawn from.
    ///
    /// # Panics
    ///
    /// If `authorities` is empty.
    #[must_use]
    pub fn with_authorities(mut self, authorities: Vec<Authority>) -> Self {
        assert!(!authorities.is_empty(), "at least one authority is needed");
        self.authorities = authorities;
        self
    }

    /// Sets the recorded instant of the first change.
    #[must_use]
    pub fn with_recorded_from(mut self, recorded_from: DateTime<Utc>) -> Self {
        self.recorded_from = recorded_from;
        self
    }
}

impl Default for HistoryConfig {
    /// A 90-day window from 2025-09-01 to 2025-11-29, 4 entities, 24 changes.
    fn default() -> Self {
        let start = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap_or_default();
        HistoryConfig::new(start, start + Days::new(89))
    }
}

/// A generated change list that the ledger accepts, with what it is about.
///
/// The changes are in recorded order (non-decreasing `recorded`, several changes sometimes
/// sharing an instant) and take effect on days of the window, in no particular order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct History {
    /// The changes, in the order to apply them.
    pub changes: Vec<Change>,
    /// Every entity the history registers (some registrations may be retracted), in order.
    pub entities: Vec<EntityId>,
    /// Every designation it creates (some may be retracted), in order.
    pub designations: Vec<DesignationId>,
    /// Every licence it issues (some may be retracted), in order.
    pub licences: Vec<LicenceId>,
    /// The authorities it draws from.
    pub authorities: Vec<Authority>,
    /// The first day of its window.
    pub window_start: NaiveDate,
    /// The last day of its window (inclusive).
    pub window_end: NaiveDate,
}

impl History {
    /// A ledger holding the history's changes.
    ///
    /// # Errors
    ///
    /// Never for a generated history; the error the ledger reports if the changes were edited
    /// into an inconsistent list.
    pub fn ledger(&self) -> Result<Ledger> {
        Ledger::from_changes(self.changes.iter().cloned())
    }

    /// Every day of the window, in order.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> {
        let end = self.window_end;
        self.window_start.iter_days().take_while(move |d| *d <= end)
    }

    /// The distinct recorded instants of the changes, in order.
    #[must_use]
    pub fn recorded_instants(&self) -> Vec<DateTime<Utc>> {
        let mut instants: Vec<DateTime<Utc>> = self.changes.iter().map(|c| c.recorded).collect();
        instants.dedup();
        instants
    }

    /// For each change (by position), the positions of the earlier changes it depends on.
    ///
    /// A change depends on the changes that create what it names (an entity's registration, a
    /// designation's or licence's creation); a retraction depends on the change it withdraws and
    /// on the retractions of that change's dependents; a change on a designation, licence or
    /// entity depends on the earlier retractions of changes on the same one (a second delisting
    /// after the first was retracted); and two amendments of the same thing effective on the
    /// same day keep their order, because the later one in the log wins. Any order of the
    /// changes in which every change comes after its dependencies is accepted by the ledger and
    /// gives the same current view.
    #[must_use]
    pub fn dependencies(&self) -> Vec<Vec<usize>> {
        let changes = &self.changes;
        let position: HashMap<ChangeId, usize> =
            changes.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        let mut retracted_by: Vec<Option<usize>> = vec![None; changes.len()];
        for (i, c) in changes.iter().enumerate() {
            if let ChangeKind::Retract { change, .. } = &c.kind {
                if let Some(&target) = position.get(change) {
                    retracted_by[target] = Some(i);
                }
            }
        }
        let mut deps: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); changes.len()];
        for (i, c) in changes.iter().enumerate() {
            if let ChangeKind::Retract { change, .. } = &c.kind {
                let Some(&target) = position.get(change) else {
                    continue;
                };
                deps[i].insert(target);
                if let Some(created) = creates(&changes[target].kind) {
                    for (j, other) in changes.iter().enumerate().take(i) {
                        if names(&other.kind).contains(&created) {
                            if let Some(r) = retracted_by[j].filter(|&r| r < i) {
                                deps[i].insert(r);
                            }
                        }
                    }
                }
                continue;
            }
            let named = names(&c.kind);
            let own = subject(&c.kind);
            for (j, other) in changes.iter().enumerate().take(i) {
                if creates(&other.kind).is_some_and(|s| named.contains(&s)) {
                    deps[i].insert(j);
                }
                if let ChangeKind::Retract { change, .. } = &other.kind {
                    let withdrawn = position.get(change).map(|&t| subject(&changes[t].kind));
                    if own.is_some() && withdrawn == Some(own) {
                        deps[i].insert(j);
                    }
                }
                if is_version(&c.kind)
                    && is_version(&other.kind)
                    && own == subject(&other.kind)
                    && c.effective == other.effective
                {
                    deps[i].insert(j);
                }
            }
        }
        deps.into_iter().map(|d| d.into_iter().collect()).collect()
    }
}

/// What a change creates or names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Subject {
    Entity(EntityId),
    Designation(DesignationId),
    Licence(LicenceId),
}

/// What a change creates, if it is a creation.
fn creates(kind: &ChangeKind) -> Option<Subject> {
    match kind {
        ChangeKind::RegisterEntity { entity, .. } => Some(Subject::Entity(*entity)),
        ChangeKind::Designate { designation, .. } => Some(Subject::Designation(*designation)),
        ChangeKind::IssueLicence { licence, .. } => Some(Subject::Licence(*licence)),
        _ => None,
    }
}

/// What a change needs to exist.
fn names(kind: &ChangeKind) -> Vec<Subject> {
    match kind {
        ChangeKind::AmendEntity { entity, .. } => vec![Subject::Entity(*entity)],
        ChangeKind::Designate { record, .. } => vec![Subject::Entity(record.entity)],
        ChangeKind::AmendDesignation { designation, .. } | ChangeKind::Delist { designation } => {
            vec![Subject::Designation(*designation)]
        }
        ChangeKind::IssueLicence { record, .. } => record
            .terms
            .covers
            .iter()
            .map(|e| Subject::Entity(*e))
            .collect(),
        ChangeKind::AmendLicence { licence, terms } => std::iter::once(Subject::Licence(*licence))
            .chain(terms.covers.iter().map(|e| Subject::Entity(*e)))
            .collect(),
        ChangeKind::EndLicence { licence, .. } => vec![Subject::Licence(*licence)],
        _ => Vec::new(),
    }
}

/// The entity, designation or licence whose life a change is part of.
fn subject(kind: &ChangeKind) -> Option<Subject> {
    match kind {
        ChangeKind::RegisterEntity { entity, .. } | ChangeKind::AmendEntity { entity, .. } => {
            Some(Subject::Entity(*entity))
        }
        ChangeKind::Designate { designation, .. }
        | ChangeKind::AmendDesignation { designation, .. }
        | ChangeKind::Delist { designation } => Some(Subject::Designation(*designation)),
        ChangeKind::IssueLicence { licence, .. }
        | ChangeKind::AmendLicence { licence, .. }
        | ChangeKind::EndLicence { licence, .. } => Some(Subject::Licence(*licence)),
        _ => None,
    }
}

/// Whether the change is a version of its subject's terms or facts, where the last of equal
/// effective dates wins.
fn is_version(kind: &ChangeKind) -> bool {
    matches!(
        kind,
        ChangeKind::RegisterEntity { .. }
            | ChangeKind::AmendEntity { .. }
            | ChangeKind::AmendDesignation { .. }
            | ChangeKind::AmendLicence { .. }
    )
}

/// Dates from `start` to `end` inclusive, shrinking towards `start`.
///
/// # Panics
///
/// If `end` is before `start`.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use proptest::prelude::*;
/// use sanctions_ledger::strategy::date_in;
///
/// let start = NaiveDate::from_ymd_opt(2025, 11, 1).unwrap();
/// let end = NaiveDate::from_ymd_opt(2025, 11, 30).unwrap();
/// proptest!(|(date in date_in(start, end))| {
///     prop_assert!(start <= date && date <= end);
/// });
/// ```
pub fn date_in(start: NaiveDate, end: NaiveDate) -> impl Strategy<Value = NaiveDate> {
    let days = u64::try_from((end - start).num_days()).expect("the window ends before it starts");
    (0..=days).prop_map(move |n| start + Days::new(n))
}

/// Entity ids, shrinking towards a few fixed ones.
pub fn entity_id() -> impl Strategy<Value = EntityId> {
    any::<u128>().prop_map(|n| EntityId::from_uuid(uuid::Uuid::from_u128(n)))
}

/// Names, some of which normalise to the same lookup key, and one that normalises to nothing.
const NAMES: [&str; 9] = [
    "Belavia Belarusian Airlines",
    "BELAVIA -- belarusian airlines",
    "Belavia",
    "Oceanic Star Shipping",
    "oceanic star, shipping",
    "Ivan Petrov",
    "Minsk Aero Services",
    "Лукашенко",
    "***",
];

const KINDS: [EntityKind; 5] = [
    EntityKind::Person,
    EntityKind::Organisation,
    EntityKind::Vessel,
    EntityKind::Aircraft,
    EntityKind::Other,
];

/// A small set of identifiers, some equal by lookup key (`EW-301PJ` and `ew 301pj`), so that
/// lookups meet several entities.
fn identifier_pool() -> Vec<Identifier> {
    let imo = |n: &str| ImoNumber::new(n).map(Identifier::Imo);
    let mut pool = vec![
        Identifier::list_entry(Authority::US_OFAC, "44541"),
        Identifier::list_entry(Authority::US_OFAC, " 44541 "),
        Identifier::list_entry(Authority::EU, "EU.123.45"),
        Identifier::AircraftRegistration("EW-301PJ".into()),
        Identifier::AircraftRegistration("ew 301pj".into()),
        Identifier::AircraftSerial("EW301PJ".into()),
        Identifier::Other {
            scheme: "LEI".into(),
            value: "2534 00-ABC".into(),
        },
    ];
    pool.extend(imo("9074729"));
    pool.extend(imo("IMO 9074729"));
    pool
}

/// A valid IMO number built from six digits and its check digit.
fn imo_from(six: u32) -> Option<ImoNumber> {
    let digits = format!("{:06}", six % 1_000_000);
    let sum: u32 = digits
        .bytes()
        .zip((2..=7).rev())
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    ImoNumber::new(&format!("{digits}{}", sum % 10)).ok()
}

/// Typed identifiers: list entries, IMO numbers, aircraft registrations and serials, others.
/// Half come from a small pool in which several are equal by
/// [`Identifier::lookup_key`](crate::Identifier::lookup_key).
pub fn identifier() -> impl Strategy<Value = Identifier> {
    prop_oneof![
        select(identifier_pool()),
        (0u8..5, 0u32..1_000_000).prop_map(|(kind, n)| identifier_from(kind, n)),
    ]
}

fn identifier_from(kind: u8, n: u32) -> Identifier {
    match kind {
        0 => Identifier::list_entry(Authority::UK, format!("GBR{n:04}")),
        1 => imo_from(n).map_or_else(
            || Identifier::AircraftSerial(n.to_string()),
            Identifier::Imo,
        ),
        2 => Identifier::AircraftRegistration(format!("EW-{n}")),
        3 => Identifier::AircraftSerial(n.to_string()),
        _ => Identifier::Other {
            scheme: "passport-BY".into(),
            value: format!("MP{n}"),
        },
    }
}

/// Entity records with names and aliases (some sharing a lookup key), identifiers, countries,
/// addresses and details.
pub fn entity() -> impl Strategy<Value = Entity> {
    any::<u64>().prop_map(entity_from)
}

/// Entity ids paired with records.
pub fn entity_with_id() -> impl Strategy<Value = (EntityId, Entity)> {
    (entity_id(), entity())
}

/// Picks `bits`' low bits as an index into `len` items and shifts them out.
fn take(bits: &mut u64, len: usize) -> usize {
    let len64 = u64::try_from(len.max(1)).unwrap_or(u64::MAX);
    let index = *bits % len64;
    *bits /= len64;
    usize::try_from(index).unwrap_or(0)
}

/// A deterministic entity record from random bits (0 gives the simplest one).
fn entity_from(mut bits: u64) -> Entity {
    let kind = KINDS[take(&mut bits, KINDS.len())];
    let name = NAMES[take(&mut bits, NAMES.len() - 1)];
    let mut entity = Entity::new(kind, name);
    for _ in 0..take(&mut bits, 3) {
        entity = entity.with_alias(NAMES[take(&mut bits, NAMES.len())]);
    }
    let pool = identifier_pool();
    for _ in 0..take(&mut bits, 3) {
        let pick = take(&mut bits, pool.len() + 1);
        let identifier = pool.get(pick).cloned().unwrap_or_else(|| {
            let n = u32::try_from(take(&mut bits, 1000)).unwrap_or(0);
            identifier_from(u8::try_from(n % 5).unwrap_or(0), n)
        });
        entity = entity.with_identifier(identifier);
    }
    for code in ["BY", "RU", "US"] {
        if take(&mut bits, 3) == 0 {
            entity = entity.with_country(Country::new(code).unwrap_or_else(|_| unreachable!()));
        }
    }
    if take(&mut bits, 4) == 0 {
        entity = entity.with_address("Minsk, Belarus");
    }
    if take(&mut bits, 4) == 0 {
        entity = entity.with_detail("vessel_type", "tanker");
    }
    entity
}

/// A valid history and one more change that breaks `rule` when applied after it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidChange {
    /// The valid history the change is applied after.
    pub history: History,
    /// The change, which breaks `rule` and no rule checked before it.
    pub change: Change,
    /// The rule it breaks.
    pub rule: Rule,
}

/// Generates valid change histories (see [`History`]).
pub fn history(config: HistoryConfig) -> impl Strategy<Value = History> {
    let steps = vec(step(), 0..=config.changes);
    steps.prop_map(move |steps| build(&config, &steps).into_history(&config))
}

/// Another order of `history`'s changes in which every change still comes after those it
/// depends on ([`History::dependencies`]). The recorded instants are reassigned in the new
/// order (the same instants, in order), so the result is a valid history whose current view
/// answers every question like the original's.
pub fn reordered(history: History) -> impl Strategy<Value = History> {
    let n = history.changes.len();
    vec(any::<u32>(), n).prop_map(move |priorities| {
        let deps = history.dependencies();
        let mut waiting: Vec<usize> = deps.iter().map(Vec::len).collect();
        let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, d) in deps.iter().enumerate() {
            for &j in d {
                dependents[j].push(i);
            }
        }
        let mut ready: BTreeSet<(u32, usize)> = (0..n)
            .filter(|&i| waiting[i] == 0)
            .map(|i| (priorities[i], i))
            .collect();
        let mut order = Vec::with_capacity(n);
        while let Some(next) = ready.pop_first() {
            let i = next.1;
            order.push(i);
            for &k in &dependents[i] {
                waiting[k] -= 1;
                if waiting[k] == 0 {
                    ready.insert((priorities[k], k));
                }
            }
        }
        let instants: Vec<DateTime<Utc>> = history.changes.iter().map(|c| c.recorded).collect();
        let changes = order
            .into_iter()
            .zip(instants)
            .map(|(i, recorded)| {
                let mut change = history.changes[i].clone();
                change.recorded = recorded;
                change
            })
            .collect();
        History {
            changes,
            ..history.clone()
        }
    })
}

/// Generates a valid history and a change that breaks one consistency rule after it, with
/// the rule. Every rule that the history makes possible is drawn alike.
pub fn invalid_change(config: HistoryConfig) -> impl Strategy<Value = InvalidChange> {
    history(config).prop_flat_map(|history| {
        let facts = Facts::replay(&history.changes);
        let rules: Vec<Rule> = Rule::ALL
            .into_iter()
            .filter(|rule| facts.allows(*rule))
            .collect();
        (Just(history), select(rules), any::<u64>()).prop_map(|(history, rule, bits)| {
            let facts = Facts::replay(&history.changes);
            let change = facts.breaking(rule, bits, &history);
            InvalidChange {
                history,
                change,
                rule,
            }
        })
    })
}

/// One step of a generated history, as random numbers that [`build`] turns into a change that
/// the history so far makes valid (or into nothing).
#[derive(Debug, Clone, Copy)]
struct Step {
    op: u8,
    a: u32,
    b: u32,
    c: u32,
    gap: u8,
    bits: u64,
}

fn step() -> impl Strategy<Value = Step> {
    (
        0u8..10,
        any::<u32>(),
        any::<u32>(),
        any::<u32>(),
        0u8..6,
        any::<u64>(),
    )
        .prop_map(|(op, a, b, c, gap, bits)| Step {
            op,
            a,
            b,
            c,
            gap,
            bits,
        })
}

/// The life of a designation or licence in a generated history.
#[derive(Debug, Clone)]
struct TargetFacts {
    target: Target,
    authority: Authority,
    /// The designated entity (designations only).
    entity: Option<EntityId>,
    created: usize,
    start: NaiveDate,
    /// The live end: position and date.
    end: Option<(usize, NaiveDate)>,
    /// Live amendments: position and date.
    amendments: Vec<(usize, NaiveDate)>,
    live: bool,
}

/// What a change list holds, kept up to date change by change: the builder's and the invalid
/// change maker's own small model of the ledger.
#[derive(Debug, Clone, Default)]
struct Facts {
    changes: Vec<Change>,
    retracted: Vec<bool>,
    /// Entities by registration: id, position of the registration, live.
    entities: Vec<(EntityId, usize, bool)>,
    designations: Vec<TargetFacts>,
    licences: Vec<TargetFacts>,
    dates: Vec<NaiveDate>,
    /// Every entity id ever registered, designation or licence id ever created.
    registered: Vec<EntityId>,
    created_designations: Vec<DesignationId>,
    created_licences: Vec<LicenceId>,
}

impl Facts {
    fn replay(changes: &[Change]) -> Facts {
        let mut facts = Facts::default();
        for change in changes {
            facts.record(change.clone());
        }
        facts
    }

    fn target_mut(&mut self, target: Target) -> Option<&mut TargetFacts> {
        self.designations
            .iter_mut()
            .chain(self.licences.iter_mut())
            .find(|t| t.target == target && t.live)
    }

    fn record(&mut self, change: Change) {
        let at = self.changes.len();
        let on = change.effective;
        match &change.kind {
            ChangeKind::RegisterEntity { entity, .. } => {
                self.entities.push((*entity, at, true));
                self.registered.push(*entity);
            }
            ChangeKind::Designate {
                designation,
                record,
            } => {
                self.designations.push(TargetFacts {
                    target: Target::Designation(*designation),
                    authority: record.authority.clone(),
                    entity: Some(record.entity),
                    created: at,
                    start: on,
                    end: None,
                    amendments: Vec::new(),
                    live: true,
                });
                self.created_designations.push(*designation);
            }
            ChangeKind::IssueLicence { licence, record } => {
                self.licences.push(TargetFacts {
                    target: Target::Licence(*licence),
                    authority: record.authority.clone(),
                    entity: None,
                    created: at,
                    start: on,
                    end: None,
                    amendments: Vec::new(),
                    live: true,
                });
                self.created_licences.push(*licence);
            }
            ChangeKind::AmendDesignation { designation, .. } => {
                if let Some(t) = self.target_mut(Target::Designation(*designation)) {
                    t.amendments.push((at, on));
                }
            }
            ChangeKind::AmendLicence { licence, .. } => {
                if let Some(t) = self.target_mut(Target::Licence(*licence)) {
                    t.amendments.push((at, on));
                }
            }
            ChangeKind::Delist { designation } => {
                if let Some(t) = self.target_mut(Target::Designation(*designation)) {
                    t.end = Some((at, on));
                }
            }
            ChangeKind::EndLicence { licence, .. } => {
                if let Some(t) = self.target_mut(Target::Licence(*licence)) {
                    t.end = Some((at, on));
                }
            }
            ChangeKind::Retract { change: id, .. } => {
                if let Some(target) = self.changes.iter().position(|c| c.id == *id) {
                    self.retracted[target] = true;
                    for t in self.designations.iter_mut().chain(self.licences.iter_mut()) {
                        if t.created == target {
                            t.live = false;
                        }
                        if t.end.is_some_and(|(p, _)| p == target) {
                            t.end = None;
                        }
                        t.amendments.retain(|&(p, _)| p != target);
                    }
                    for e in &mut self.entities {
                        if e.1 == target {
                            e.2 = false;
                        }
                    }
                }
            }
            ChangeKind::AmendEntity { .. } => {}
        }
        self.dates.push(on);
        self.changes.push(change);
        self.retracted.push(false);
    }

    fn live_entities(&self) -> Vec<EntityId> {
        self.entities.iter().filter(|e| e.2).map(|e| e.0).collect()
    }

    fn live_designations(&self) -> Vec<&TargetFacts> {
        self.designations.iter().filter(|t| t.live).collect()
    }

    fn live_licences(&self) -> Vec<&TargetFacts> {
        self.licences.iter().filter(|t| t.live).collect()
    }

    fn live_targets(&self) -> Vec<&TargetFacts> {
        self.designations
            .iter()
            .chain(&self.licences)
            .filter(|t| t.live)
            .collect()
    }

    /// Whether the change at `at` is live (not retracted, not a retraction).
    fn live(&self, at: usize) -> bool {
        !self.retracted[at] && !matches!(self.changes[at].kind, ChangeKind::Retract { .. })
    }

    /// Live changes that depend on the change at `at`.
    fn live_dependents(&self, at: usize) -> impl Iterator<Item = usize> + '_ {
        let created = creates(&self.changes[at].kind);
        (0..self.changes.len()).filter(move |&j| {
            self.live(j) && created.is_some_and(|s| names(&self.changes[j].kind).contains(&s))
        })
    }

    /// Live changes that can be retracted: nothing live depends on them.
    fn retractable(&self) -> Vec<usize> {
        (0..self.changes.len())
            .filter(|&at| self.live(at) && self.live_dependents(at).next().is_none())
            .collect()
    }

    /// A date in `lo ..= hi` (which must not be empty): often one already used, so that
    /// changes share days.
    fn date(&self, lo: NaiveDate, hi: NaiveDate, pick: u32) -> NaiveDate {
        let used: Vec<NaiveDate> = self
            .dates
            .iter()
            .copied()
            .filter(|d| lo <= *d && *d <= hi)
            .collect();
        let pick = u64::from(pick);
        if pick % 3 == 0 && !used.is_empty() {
            let len = u64::try_from(used.len()).unwrap_or(1);
            return used[usize::try_from(pick / 3 % len).unwrap_or(0)];
        }
        let days = u64::try_from((hi - lo).num_days()).unwrap_or(0);
        lo + Days::new(pick / 3 % (days + 1))
    }

    /// Which rules a change after this history can break.
    fn allows(&self, rule: Rule) -> bool {
        let any_change = !self.changes.is_empty();
        match rule {
            Rule::ConflictingChangeId | Rule::RecordedOutOfOrder => any_change,
            Rule::InvalidWindow
            | Rule::BlankName
            | Rule::ProgramOfOtherAuthority
            | Rule::LicenceCoversNothing
            | Rule::UnknownEntity
            | Rule::UnknownTarget
            | Rule::UnknownChange => true,
            Rule::AmendedBeforeRegistration | Rule::DuplicateEntity => {
                !self.live_entities().is_empty()
            }
            Rule::DuplicateTarget | Rule::NotInForce => !self.live_targets().is_empty(),
            Rule::EndNotAfterStart => self.live_targets().iter().any(|t| t.end.is_none()),
            Rule::AlreadyEnded => self.live_targets().iter().any(|t| t.end.is_some()),
            Rule::InvalidatesLaterChange => !self.invalidatable().is_empty(),
            Rule::AlreadyRetracted => self.retracted.iter().any(|&r| r),
            Rule::RetractsRetraction => self
                .changes
                .iter()
                .any(|c| matches!(c.kind, ChangeKind::Retract { .. })),
            Rule::RetractionOrphans => (0..self.changes.len())
                .any(|at| self.live(at) && self.live_dependents(at).next().is_some()),
        }
    }

    /// Live open targets with a live amendment after their start.
    fn invalidatable(&self) -> Vec<&TargetFacts> {
        self.live_targets()
            .into_iter()
            .filter(|t| t.end.is_none() && t.amendments.iter().any(|&(_, d)| d > t.start))
            .collect()
    }

    /// A change breaking `rule` after this history (which must allow it).
    #[allow(clippy::too_many_lines)]
    fn breaking(&self, rule: Rule, mut bits: u64, history: &History) -> Change {
        let latest = self
            .changes
            .last()
            .map_or_else(|| Utc.timestamp_opt(0, 0).unwrap(), |c| c.recorded);
        let on = history.window_start + Days::new(take(&mut bits, 30) as u64);
        let id = ChangeId::derive(&format!("invalid:{rule:?}:{bits}"));
        let new = |kind| Change::new(id, on, latest, Source::new("invalid"), kind);
        let authority = history.authorities[take(&mut bits, history.authorities.len())].clone();
        let fresh_entity = EntityId::derive(&format!("invalid-entity:{bits}"));
        let pick = |bits: &mut u64, len: usize| take(bits, len);
        match rule {
            Rule::ConflictingChangeId => {
                let mut change = self.changes[pick(&mut bits, self.changes.len())].clone();
                change.source.citation.push_str(" (edited)");
                change
            }
            Rule::RecordedOutOfOrder => {
                let mut change = new(ChangeKind::RegisterEntity {
                    entity: fresh_entity,
                    record: entity_from(bits),
                });
                change.recorded = latest - TimeDelta::seconds(1);
                change
            }
            Rule::InvalidWindow => {
                let register = new(ChangeKind::RegisterEntity {
                    entity: fresh_entity,
                    record: entity_from(bits),
                });
                let window = if bits.is_multiple_of(2) {
                    ObservationWindow::new(None, on + Days::new(1))
                } else {
                    ObservationWindow::new(Some(on), on)
                };
                register.with_window(window)
            }
            Rule::BlankName => {
                let mut record = entity_from(bits);
                record.name = " \t ".into();
                new(ChangeKind::RegisterEntity {
                    entity: fresh_entity,
                    record,
                })
            }
            Rule::ProgramOfOtherAuthority => {
                let other = Authority::WELL_KNOWN
                    .into_iter()
                    .find(|a| *a != authority)
                    .unwrap_or(Authority::UN);
                let program = Program::new(other, "FOREIGN").unwrap_or_else(|_| unreachable!());
                let entity = self
                    .live_entities()
                    .first()
                    .copied()
                    .unwrap_or(fresh_entity);
                new(ChangeKind::Designate {
                    designation: DesignationId::derive(&format!("invalid:{bits}")),
                    record: Designation::new(
                        entity,
                        authority,
                        DesignationTerms::new(Measure::AssetFreeze).with_program(program),
                    ),
                })
            }
            Rule::LicenceCoversNothing => {
                let mut terms = LicenceTerms::general("GL 0", fresh_entity);
                terms.covers.clear();
                new(ChangeKind::IssueLicence {
                    licence: LicenceId::derive(&format!("invalid:{bits}")),
                    record: Licence::new(authority, terms),
                })
            }
            Rule::UnknownEntity => new(ChangeKind::Designate {
                designation: DesignationId::derive(&format!("invalid:{bits}")),
                record: Designation::new(
                    fresh_entity,
                    authority,
                    DesignationTerms::new(Measure::AssetFreeze),
                ),
            }),
            Rule::UnknownTarget => new(ChangeKind::Delist {
                designation: DesignationId::derive(&format!("invalid:{bits}")),
            }),
            Rule::UnknownChange => new(ChangeKind::Retract {
                change: ChangeId::derive(&format!("invalid:missing:{bits}")),
                reason: "no such change".into(),
            }),
            Rule::AmendedBeforeRegistration => {
                let live: Vec<&(EntityId, usize, bool)> =
                    self.entities.iter().filter(|e| e.2).collect();
                let &(entity, at, _) = live[pick(&mut bits, live.len())];
                let registered = self.changes[at].effective;
                let mut change = new(ChangeKind::AmendEntity {
                    entity,
                    record: entity_from(bits),
                });
                change.effective = registered - Days::new(1 + take(&mut bits, 30) as u64);
                change
            }
            Rule::DuplicateEntity => {
                let live = self.live_entities();
                new(ChangeKind::RegisterEntity {
                    entity: live[pick(&mut bits, live.len())],
                    record: entity_from(bits),
                })
            }
            Rule::DuplicateTarget => {
                let targets = self.live_targets();
                let t = targets[pick(&mut bits, targets.len())];
                match t.target {
                    Target::Designation(designation) => new(ChangeKind::Designate {
                        designation,
                        record: Designation::new(
                            t.entity.unwrap_or(fresh_entity),
                            t.authority.clone(),
                            DesignationTerms::new(Measure::TravelBan),
                        ),
                    }),
                    Target::Licence(licence) => {
                        let covers = self.live_entities()[0];
                        new(ChangeKind::IssueLicence {
                            licence,
                            record: Licence::new(
                                t.authority.clone(),
                                LicenceTerms::general("duplicate", covers),
                            ),
                        })
                    }
                }
            }
            Rule::NotInForce => {
                let targets = self.live_targets();
                let t = targets[pick(&mut bits, targets.len())];
                let before = t.start - Days::new(1 + take(&mut bits, 10) as u64);
                let mut change = amendment(t, &self.live_entities(), bits, id, latest);
                change.effective = before;
                change
            }
            Rule::EndNotAfterStart => {
                let open: Vec<&TargetFacts> = self
                    .live_targets()
                    .into_iter()
                    .filter(|t| t.end.is_none())
                    .collect();
                let t = open[pick(&mut bits, open.len())];
                let on = t.start - Days::new(take(&mut bits, 3) as u64);
                end(t, id, on, latest)
            }
            Rule::AlreadyEnded => {
                let ended: Vec<&TargetFacts> = self
                    .live_targets()
                    .into_iter()
                    .filter(|t| t.end.is_some())
                    .collect();
                let t = ended[pick(&mut bits, ended.len())];
                let on = t.start + Days::new(1 + take(&mut bits, 60) as u64);
                end(t, id, on, latest)
            }
            Rule::InvalidatesLaterChange => {
                let targets = self.invalidatable();
                let t = targets[pick(&mut bits, targets.len())];
                let last = t
                    .amendments
                    .iter()
                    .map(|&(_, d)| d)
                    .max()
                    .unwrap_or(t.start);
                let span = u64::try_from((last - t.start).num_days()).unwrap_or(1);
                let on = t.start + Days::new(1 + bits % span);
                end(t, id, on, latest)
            }
            Rule::AlreadyRetracted => {
                let retracted: Vec<usize> = (0..self.changes.len())
                    .filter(|&at| self.retracted[at])
                    .collect();
                let target = self.changes[retracted[pick(&mut bits, retracted.len())]].id;
                new(ChangeKind::Retract {
                    change: target,
                    reason: "again".into(),
                })
            }
            Rule::RetractsRetraction => {
                let retractions: Vec<&Change> = self
                    .changes
                    .iter()
                    .filter(|c| matches!(c.kind, ChangeKind::Retract { .. }))
                    .collect();
                let target = retractions[pick(&mut bits, retractions.len())].id;
                new(ChangeKind::Retract {
                    change: target,
                    reason: "undo".into(),
                })
            }
            Rule::RetractionOrphans => {
                let needed: Vec<usize> = (0..self.changes.len())
                    .filter(|&at| self.live(at) && self.live_dependents(at).next().is_some())
                    .collect();
                let target = self.changes[needed[pick(&mut bits, needed.len())]].id;
                new(ChangeKind::Retract {
                    change: target,
                    reason: "orphans".into(),
                })
            }
        }
    }
}

/// An amendment of `t` with terms from `bits` (its date is set by the caller).
fn amendment(
    t: &TargetFacts,
    live_entities: &[EntityId],
    bits: u64,
    id: ChangeId,
    recorded: DateTime<Utc>,
) -> Change {
    let kind = match t.target {
        Target::Designation(designation) => ChangeKind::AmendDesignation {
            designation,
            terms: designation_terms(&t.authority, bits),
        },
        Target::Licence(licence) => ChangeKind::AmendLicence {
            licence,
            terms: licence_terms(live_entities, bits),
        },
    };
    Change::new(id, t.start, recorded, Source::new("amendment"), kind)
}

/// The end (delisting or licence end) of `t` effective `on`.
fn end(t: &TargetFacts, id: ChangeId, on: NaiveDate, recorded: DateTime<Utc>) -> Change {
    let kind = match t.target {
        Target::Designation(designation) => ChangeKind::Delist { designation },
        Target::Licence(licence) => ChangeKind::EndLicence {
            licence,
            end: LicenceEnd::Revoked,
        },
    };
    Change::new(id, on, recorded, Source::new("end"), kind)
}

fn designation_terms(authority: &Authority, mut bits: u64) -> DesignationTerms {
    let measures = [
        Measure::AssetFreeze,
        Measure::TravelBan,
        Measure::FlightBan,
        Measure::ExportRestriction,
        Measure::Sectoral,
        Measure::Other("port ban".into()),
    ];
    let mut terms = DesignationTerms::new(measures[take(&mut bits, measures.len())].clone());
    if take(&mut bits, 2) == 0 {
        terms = terms.with_measure(measures[take(&mut bits, measures.len())].clone());
    }
    if take(&mut bits, 2) == 0 {
        let code = ["BELARUS-EO14038", "RUSSIA-EO14024", "BLR"][take(&mut bits, 3)];
        if let Ok(program) = Program::new(authority.clone(), code) {
            terms = terms.with_program(program);
        }
    }
    if take(&mut bits, 3) == 0 {
        terms = terms.with_legal_basis("Executive Order 14038");
    }
    if take(&mut bits, 3) == 0 {
        terms = terms.with_reason(["state-owned airline", "migrant flights"][take(&mut bits, 2)]);
    }
    terms
}

fn licence_terms(live_entities: &[EntityId], mut bits: u64) -> LicenceTerms {
    let first = live_entities[take(&mut bits, live_entities.len())];
    let name = ["General License 11", "GL 12", "Specific licence 7"][take(&mut bits, 3)];
    let mut terms = LicenceTerms::general(name, first);
    if take(&mut bits, 2) == 0 {
        let second = live_entities[take(&mut bits, live_entities.len())];
        if second != first {
            terms = terms.with_entity(second);
        }
    }
    if take(&mut bits, 3) == 0 {
        terms = terms.specific();
    }
    if take(&mut bits, 3) == 0 {
        terms = terms.with_owned_entities();
    }
    if take(&mut bits, 3) == 0 {
        terms = terms.with_authorisation(Authorisation::Described("overflight".into()));
    }
    if take(&mut bits, 3) == 0 {
        terms = terms.with_exclusion("does not unblock property");
    }
    debug_assert!(matches!(
        terms.kind,
        LicenceKind::General | LicenceKind::Specific
    ));
    terms
}

/// An index below `len` (which must not be zero) from random bits.
fn pick_index(bits: u32, len: usize) -> usize {
    usize::try_from(bits).unwrap_or(0) % len.max(1)
}

/// Turns steps into a valid history, change by change. A step that the history so far does not
/// allow makes a designation instead, or registers an entity, or is skipped.
fn build(config: &HistoryConfig, steps: &[Step]) -> Facts {
    let mut facts = Facts::default();
    let mut recorded = config.recorded_from;
    for (n, step) in steps.iter().enumerate() {
        if facts.changes.len() >= config.changes {
            break;
        }
        recorded += match step.gap {
            0 => TimeDelta::zero(),
            1 => TimeDelta::seconds(1),
            2 => TimeDelta::minutes(1),
            3 => TimeDelta::hours(1),
            _ => TimeDelta::days(1),
        };
        let planned = facts
            .plan(config, step, n, step.op)
            .or_else(|| facts.plan(config, step, n, 2))
            .or_else(|| facts.plan(config, step, n, 0));
        let Some((effective, kind)) = planned else {
            continue;
        };
        let mut change = Change::new(
            ChangeId::derive(&format!("gen:{n}")),
            effective,
            recorded,
            source(n, step.bits),
            kind,
        );
        decorate(&mut change, step.bits >> 48);
        facts.record(change);
    }
    facts
}

/// A source for the `n`th generated change.
fn source(n: usize, bits: u64) -> Source {
    let mut source = Source::new(format!("generated change {n}"));
    if bits % 5 == 1 {
        source = source.with_url(format!("https://example.org/notice/{n}"));
    }
    if bits % 7 == 2 {
        source = source.with_confidence(
            [
                Confidence::Confirmed,
                Confidence::Reported,
                Confidence::Uncertain,
            ][n % 3],
        );
    }
    source
}

/// Sometimes adds a publication date and an observation window, both valid.
fn decorate(change: &mut Change, mut bits: u64) {
    let on = change.effective;
    match take(&mut bits, 6) {
        0 => change.published = on.checked_sub_days(Days::new(take(&mut bits, 5) as u64)),
        1 => change.published = on.checked_add_days(Days::new(take(&mut bits, 40) as u64)),
        _ => {}
    }
    if take(&mut bits, 5) == 0 {
        let after = on.checked_sub_days(Days::new(1 + take(&mut bits, 30) as u64));
        change.window = Some(ObservationWindow::new(
            after.filter(|_| bits.is_multiple_of(2)),
            on,
        ));
    }
}

impl Facts {
    /// The effective date and kind of a change that `op` makes valid after this history, if it
    /// can.
    #[allow(clippy::too_many_lines)]
    fn plan(
        &self,
        config: &HistoryConfig,
        step: &Step,
        n: usize,
        op: u8,
    ) -> Option<(NaiveDate, ChangeKind)> {
        let (first, last) = (config.window_start, config.window_end);
        let entities = self.live_entities();
        let mut bits = step.bits;
        let any_day = self.date(first, last, step.c);
        let authority = || config.authorities[pick_index(step.b, config.authorities.len())].clone();
        match op {
            0 => (self.registered.len() < config.entities).then(|| {
                let entity = EntityId::derive(&format!("gen:{}", self.registered.len()));
                let record = entity_from(bits);
                (any_day, ChangeKind::RegisterEntity { entity, record })
            }),
            1 => (!entities.is_empty()).then(|| {
                let entity = entities[pick_index(step.a, entities.len())];
                // An entity's facts may not be dated before its registration.
                let registered = self
                    .entities
                    .iter()
                    .filter(|(id, _, live)| *id == entity && *live)
                    .map(|(_, at, _)| self.changes[*at].effective)
                    .max()
                    .unwrap_or(first);
                (
                    self.date(registered.min(last), last, step.c),
                    ChangeKind::AmendEntity {
                        entity,
                        record: entity_from(bits),
                    },
                )
            }),
            2 | 3 => {
                let entity = *entities.get(pick_index(step.a, entities.len()))?;
                let authority = authority();
                let relist_from = self
                    .designations
                    .iter()
                    .filter(|t| t.live && t.entity == Some(entity) && t.authority == authority)
                    .filter_map(|t| t.end.map(|(_, d)| d))
                    .max();
                let start = match relist_from {
                    Some(from) if step.c.is_multiple_of(2) => {
                        self.date(from.min(last), last, step.c / 2)
                    }
                    _ => any_day,
                };
                let terms = designation_terms(&authority, bits);
                let designation = DesignationId::derive(&format!("gen:{n}"));
                let record = Designation::new(entity, authority, terms);
                Some((
                    start,
                    ChangeKind::Designate {
                        designation,
                        record,
                    },
                ))
            }
            4 | 7 => {
                let targets = if op == 4 {
                    self.live_designations()
                } else {
                    self.live_licences()
                };
                let t = *targets.get(pick_index(step.a, targets.len()))?;
                let until = t.end.map_or(last, |(_, end)| end.pred_opt().unwrap_or(end));
                let on = self.date(t.start, until.max(t.start), step.c);
                let change = amendment(
                    t,
                    &entities,
                    bits,
                    ChangeId::derive("unused"),
                    config.recorded_from,
                );
                Some((on, change.kind))
            }
            5 | 8 => {
                let targets = if op == 5 {
                    self.live_designations()
                } else {
                    self.live_licences()
                };
                let open: Vec<&TargetFacts> =
                    targets.into_iter().filter(|t| t.end.is_none()).collect();
                let t = *open.get(pick_index(step.a, open.len()))?;
                let latest = t
                    .amendments
                    .iter()
                    .map(|&(_, d)| d)
                    .fold(t.start, NaiveDate::max);
                let lo = latest.succ_opt()?;
                if lo > last {
                    return None;
                }
                let on = self.date(lo, last, step.c);
                let mut change = end(t, ChangeId::derive("unused"), on, config.recorded_from);
                if let ChangeKind::EndLicence { end, .. } = &mut change.kind {
                    if take(&mut bits, 2) == 0 {
                        *end = LicenceEnd::Expired;
                    }
                }
                Some((on, change.kind))
            }
            6 => {
                if entities.is_empty() {
                    return None;
                }
                let licence = LicenceId::derive(&format!("gen:{n}"));
                let record = Licence::new(authority(), licence_terms(&entities, bits));
                Some((any_day, ChangeKind::IssueLicence { licence, record }))
            }
            _ => {
                let candidates = self.retractable();
                let at = *candidates.get(pick_index(step.a, candidates.len()))?;
                let reason = ["wrong date", "wrong entity", "duplicate entry"][take(&mut bits, 3)];
                Some((
                    any_day,
                    ChangeKind::Retract {
                        change: self.changes[at].id,
                        reason: reason.into(),
                    },
                ))
            }
        }
    }

    /// The history these facts hold.
    fn into_history(self, config: &HistoryConfig) -> History {
        History {
            changes: self.changes,
            entities: self.registered,
            designations: self.created_designations,
            licences: self.created_licences,
            authorities: config.authorities.clone(),
            window_start: config.window_start,
            window_end: config.window_end,
        }
    }
}
