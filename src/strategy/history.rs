//! Valid change histories: their configuration, the generated [`History`], and the generator
//! that turns random steps into changes the ledger accepts.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Days, NaiveDate, TimeDelta, TimeZone, Utc};
use proptest::collection::vec;
use proptest::prelude::*;

use super::entities::{entity_from, take};
use super::facts::{creates, is_version, names, subject, Facts, TargetFacts};
use crate::authority::{Authority, Program};
use crate::change::{Change, ChangeKind, Confidence, ObservationWindow, Source};
use crate::class_measure::{ClassMeasure, ClassMeasureTerms, EntityClass, Sector};
use crate::designation::{Designation, DesignationTerms, Measure};
use crate::entity::{Country, EntityKind, Identifier};
use crate::error::{Result, Target};
use crate::id::{ChangeId, ClassMeasureId, DesignationId, EntityId, LicenceId, LinkId, RelationId};
use crate::ledger::Ledger;
use crate::licence::{Authorisation, Licence, LicenceEnd, LicenceKind, LicenceTerms};
use crate::link::{Link, LinkReason};
use crate::list::List;
use crate::relation::{Relation, RelationKind, RelationTerms, Share};

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
    /// The lists designations are drawn from: a designation by an authority is on one of that
    /// authority's lists here, or on none. An authority without a list here designates on
    /// none; a list of an authority not in `authorities` is never drawn.
    pub lists: Vec<List>,
    /// The recorded instant of the first change; later ones are the same or later.
    pub recorded_from: DateTime<Utc>,
    /// Whether histories also link entities (and unlink them, and retract links), so that
    /// entities form clusters of several members on some days. Off by default, so that
    /// histories without links are generated exactly as before (the saved cases in
    /// `proptest-regressions/` replay unchanged).
    pub links: bool,
    /// Whether histories also hold relations (ownerships with shares and ranges, controls,
    /// links; some in cycles), class measures, and entities in sectors: what derived status is
    /// computed from. Off by default, so that histories without them are generated exactly as
    /// before (the saved cases in `proptest-regressions/` replay unchanged).
    pub relations: bool,
}

impl HistoryConfig {
    /// Histories over the days `window_start ..= window_end`, with the default sizes (4
    /// entities, 24 changes), authorities (US OFAC, EU, UK) and lists (OFAC's SDN and SSI
    /// lists, the EU's consolidated list; none for the UK).
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
            lists: vec![List::US_OFAC_SDN, List::US_OFAC_SSI, List::EU_CONSOLIDATED],
            recorded_from: Utc
                .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
                .single()
                .unwrap_or_default(),
            links: false,
            relations: false,
        }
    }

    /// Makes histories link entities too (see [`HistoryConfig::links`]).
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::strategy::HistoryConfig;
    ///
    /// assert!(HistoryConfig::default().with_links().links);
    /// ```
    #[must_use]
    pub fn with_links(mut self) -> Self {
        self.links = true;
        self
    }

    /// Makes histories hold relations, class measures and entities in sectors too (see
    /// [`HistoryConfig::relations`]).
    #[must_use]
    pub fn with_relations(mut self) -> Self {
        self.relations = true;
        self
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

    /// Sets the lists designations are drawn from (empty: every designation is on no list).
    #[must_use]
    pub fn with_lists(mut self, lists: Vec<List>) -> Self {
        self.lists = lists;
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
    /// Every link it makes (some may be retracted), in order.
    pub links: Vec<LinkId>,
    /// Every relation it begins (some may be retracted), in order.
    pub relations: Vec<RelationId>,
    /// Every class measure it imposes (some may be retracted), in order.
    pub class_measures: Vec<ClassMeasureId>,
    /// The authorities it draws from.
    pub authorities: Vec<Authority>,
    /// The lists it draws from.
    pub lists: Vec<List>,
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
        // Two links of the same two entities must not overlap in any prefix of the order: a
        // link or unlink keeps its place after every earlier change (and retraction of one)
        // about a link of the same two entities.
        let pairs: HashMap<LinkId, (EntityId, EntityId)> = changes
            .iter()
            .filter_map(|c| match &c.kind {
                ChangeKind::Link { link, record } => Some((*link, record.pair())),
                _ => None,
            })
            .collect();
        let pair_of = |c: &Change| -> Option<(EntityId, EntityId)> {
            let kind = match c.kind.retracts() {
                Some(withdrawn) => &changes[*position.get(&withdrawn)?].kind,
                None => &c.kind,
            };
            pairs.get(&kind.link()?).copied()
        };
        for (i, c) in changes.iter().enumerate() {
            if c.kind.retracts().is_some() {
                continue;
            }
            let Some(pair) = pair_of(c) else { continue };
            for (j, other) in changes.iter().enumerate().take(i) {
                if pair_of(other) == Some(pair) {
                    deps[i].insert(j);
                }
            }
        }
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

/// Generates valid change histories (see [`History`]).
pub fn history(config: HistoryConfig) -> impl Strategy<Value = History> {
    let table: &'static [Op] = match (config.links, config.relations) {
        (false, false) => &OPS,
        (true, false) => &OPS_WITH_LINKS,
        (false, true) => &OPS_WITH_RELATIONS,
        (true, true) => &OPS_WITH_LINKS_AND_RELATIONS,
    };
    let steps = vec(step(table), 0..=config.changes);
    steps.prop_map(move |steps| into_history(build(&config, &steps), &config))
}

/// What one step of a generated history tries to do (indexmap's `tests/quick.rs` draws its
/// operations the same way). When the history so far does not allow it, the step designates
/// instead, or registers an entity, or is skipped (see [`build`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// Register a new entity, while fewer than [`HistoryConfig::entities`] are.
    RegisterEntity,
    /// Amend a live entity's facts, on or after its registration.
    AmendEntity,
    /// Designate a live entity, on one of its authority's lists or on none; sometimes a
    /// re-listing after an earlier delisting, on the same list or, from the delisting's date
    /// on, another (a move between lists).
    Designate,
    /// Amend a live designation while it is in force.
    AmendDesignation,
    /// Delist an open designation after its last amendment.
    Delist,
    /// Issue a licence covering live entities.
    IssueLicence,
    /// Amend a live licence while it is in force.
    AmendLicence,
    /// End (revoke or let expire) an open licence after its last amendment.
    EndLicence,
    /// Retract a live change on which no live change depends.
    Retract,
    /// Link two live entities, when no link of theirs is open, from the end of their last.
    Link,
    /// Unlink an open link, after its start.
    Unlink,
    /// Begin a relation between two live entities: an ownership (a share, a range, unknown,
    /// sometimes indirect) within what is left of the owned entity, a control or a link.
    Relate,
    /// Amend a live relation while it is in force (an ownership's share).
    AmendRelation,
    /// End an open relation after its last amendment.
    EndRelation,
    /// Impose a class measure on the entities of a country (and sector, or kind).
    ImposeClassMeasure,
    /// Amend a live class measure while it is in force.
    AmendClassMeasure,
    /// Lift an open class measure after its last amendment.
    LiftClassMeasure,
}

/// The operations a step draws from, each as often as its weight: a step picks one entry
/// uniformly by its index, so designations are drawn twice as often as any other operation, and
/// shrinking moves towards the first entry, registering an entity. The order and the weights
/// are those the saved cases in `proptest-regressions/` were found with: changing either
/// changes every generated history.
const OPS: [Op; 10] = [
    Op::RegisterEntity,
    Op::AmendEntity,
    Op::Designate,
    Op::Designate,
    Op::AmendDesignation,
    Op::Delist,
    Op::IssueLicence,
    Op::AmendLicence,
    Op::EndLicence,
    Op::Retract,
];

/// The operations of [`HistoryConfig::with_links`] histories: those of [`OPS`], and links
/// drawn about as often as designations (so that clusters of three or four form among a few
/// entities) and unlinks.
const OPS_WITH_LINKS: [Op; 13] = [
    Op::RegisterEntity,
    Op::AmendEntity,
    Op::Designate,
    Op::Designate,
    Op::AmendDesignation,
    Op::Delist,
    Op::IssueLicence,
    Op::AmendLicence,
    Op::EndLicence,
    Op::Retract,
    Op::Link,
    Op::Link,
    Op::Unlink,
];

/// The operations of [`HistoryConfig::with_relations`] histories: those of [`OPS`], relations
/// (drawn as often as designations, so that chains and cycles form among a few entities) and
/// class measures; designations and licences a little more often, so that owners are listed
/// and licences cover what they own.
const OPS_WITH_RELATIONS: [Op; 20] = [
    Op::RegisterEntity,
    Op::AmendEntity,
    Op::Designate,
    Op::Designate,
    Op::Designate,
    Op::AmendDesignation,
    Op::Delist,
    Op::IssueLicence,
    Op::IssueLicence,
    Op::AmendLicence,
    Op::EndLicence,
    Op::Retract,
    Op::Relate,
    Op::Relate,
    Op::Relate,
    Op::AmendRelation,
    Op::EndRelation,
    Op::ImposeClassMeasure,
    Op::AmendClassMeasure,
    Op::LiftClassMeasure,
];

/// The operations of histories with both links and relations: those of
/// [`OPS_WITH_RELATIONS`], and links and unlinks as in [`OPS_WITH_LINKS`].
const OPS_WITH_LINKS_AND_RELATIONS: [Op; 23] = [
    Op::RegisterEntity,
    Op::AmendEntity,
    Op::Designate,
    Op::Designate,
    Op::Designate,
    Op::AmendDesignation,
    Op::Delist,
    Op::IssueLicence,
    Op::IssueLicence,
    Op::AmendLicence,
    Op::EndLicence,
    Op::Retract,
    Op::Relate,
    Op::Relate,
    Op::Relate,
    Op::AmendRelation,
    Op::EndRelation,
    Op::ImposeClassMeasure,
    Op::AmendClassMeasure,
    Op::LiftClassMeasure,
    Op::Link,
    Op::Link,
    Op::Unlink,
];

/// One step of a generated history: an operation and the random numbers that [`build`] turns
/// into a change that the history so far makes valid (or into nothing).
#[derive(Debug, Clone, Copy)]
struct Step {
    op: Op,
    a: u32,
    b: u32,
    c: u32,
    gap: u8,
    bits: u64,
}

fn step(table: &'static [Op]) -> impl Strategy<Value = Step> {
    let len = u8::try_from(table.len()).unwrap_or(u8::MAX);
    (
        // An index into the table. The saved cases replay only while this draw stays
        // `0u8..10` for OPS.
        (0u8..len).prop_map(move |i| table[usize::from(i)]),
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
        let planned = plan(&facts, config, step, n, step.op)
            .or_else(|| plan(&facts, config, step, n, Op::Designate))
            .or_else(|| plan(&facts, config, step, n, Op::RegisterEntity));
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

/// The effective date and kind of a change that `op` makes valid after the changes `facts`
/// holds, if it can.
#[allow(clippy::too_many_lines)]
fn plan(
    facts: &Facts,
    config: &HistoryConfig,
    step: &Step,
    n: usize,
    op: Op,
) -> Option<(NaiveDate, ChangeKind)> {
    let (first, last) = (config.window_start, config.window_end);
    let entities = facts.live_entities();
    let mut bits = step.bits;
    let any_day = facts.date(first, last, step.c);
    let authority = || config.authorities[pick_index(step.b, config.authorities.len())].clone();
    match op {
        Op::RegisterEntity => (facts.registered.len() < config.entities).then(|| {
            let entity = EntityId::derive(&format!("gen:{}", facts.registered.len()));
            let record = with_sector(config, entity_from(bits), step.a);
            (
                any_day,
                ChangeKind::RegisterEntity {
                    entity,
                    record: Box::new(record),
                },
            )
        }),
        Op::AmendEntity => (!entities.is_empty()).then(|| {
            let entity = entities[pick_index(step.a, entities.len())];
            // An entity's facts may not be dated before its registration.
            let registered = facts
                .entities
                .iter()
                .filter(|(id, _, live)| *id == entity && *live)
                .map(|(_, at, _)| facts.changes[*at].effective)
                .max()
                .unwrap_or(first);
            (
                facts.date(registered.min(last), last, step.c),
                ChangeKind::AmendEntity {
                    entity,
                    record: Box::new(with_sector(config, entity_from(bits), step.b)),
                },
            )
        }),
        Op::Designate => {
            let entity = *entities.get(pick_index(step.a, entities.len()))?;
            let authority = authority();
            let relist_from = facts
                .designations
                .iter()
                .filter(|t| t.live && t.entity == Some(entity) && t.authority == authority)
                .filter_map(|t| t.end.map(|(_, d)| d))
                .max();
            let start = match relist_from {
                Some(from) if step.c.is_multiple_of(2) => {
                    facts.date(from.min(last), last, step.c / 2)
                }
                _ => any_day,
            };
            let mut terms = designation_terms(&authority, bits);
            // With relations, most designations freeze assets: only those make what their
            // entity owns blocked.
            if config.relations
                && !(step.bits >> 32).is_multiple_of(3)
                && !terms.measures.contains(&Measure::AssetFreeze)
            {
                terms = terms.with_measure(Measure::AssetFreeze);
            }
            let designation = DesignationId::derive(&format!("gen:{n}"));
            let mut record = Designation::new(entity, authority, terms);
            // The list is drawn from the high bits of the draw that chose the authority, so
            // that the steps (and the saved cases in `proptest-regressions/`) keep their shape.
            record.list = list_of(config, &record.authority, step.b >> 16);
            Some((
                start,
                ChangeKind::Designate {
                    designation,
                    record: Box::new(record),
                },
            ))
        }
        Op::AmendDesignation | Op::AmendLicence | Op::AmendClassMeasure => {
            let targets = match op {
                Op::AmendDesignation => facts.live_designations(),
                Op::AmendLicence => facts.live_licences(),
                _ => facts.live_class_measures(),
            };
            let t = *targets.get(pick_index(step.a, targets.len()))?;
            let until = t.end.map_or(last, |(_, end)| end.pred_opt().unwrap_or(end));
            let on = facts.date(t.start, until.max(t.start), step.c);
            let change = amendment(
                t,
                &entities,
                bits,
                ChangeId::derive("unused"),
                config.recorded_from,
            );
            Some((on, change.kind))
        }
        Op::Delist | Op::EndLicence | Op::EndRelation | Op::LiftClassMeasure => {
            let targets = match op {
                Op::Delist => facts.live_designations(),
                Op::EndLicence => facts.live_licences(),
                Op::EndRelation => facts.live_relations(),
                _ => facts.live_class_measures(),
            };
            let open: Vec<&TargetFacts> = targets.into_iter().filter(|t| t.end.is_none()).collect();
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
            let on = facts.date(lo, last, step.c);
            let mut change = end(t, ChangeId::derive("unused"), on, config.recorded_from);
            if let ChangeKind::EndLicence { end, .. } = &mut change.kind {
                if take(&mut bits, 2) == 0 {
                    *end = LicenceEnd::Expired;
                }
            }
            Some((on, change.kind))
        }
        Op::IssueLicence => {
            if entities.is_empty() {
                return None;
            }
            let licence = LicenceId::derive(&format!("gen:{n}"));
            let mut terms = licence_terms(&entities, bits);
            // With relations, half the licences cover what their named entities own.
            if config.relations && (step.bits >> 32).is_multiple_of(2) {
                terms.covers_owned_entities = true;
            }
            let record = Licence::new(authority(), terms);
            Some((
                any_day,
                ChangeKind::IssueLicence {
                    licence,
                    record: Box::new(record),
                },
            ))
        }
        Op::Link => {
            if entities.len() < 2 {
                return None;
            }
            let first = pick_index(step.a, entities.len());
            let mut second = pick_index(step.b, entities.len());
            if second == first {
                second = (first + 1) % entities.len();
            }
            let (a, b) = (entities[first], entities[second]);
            let pair = (a.min(b), a.max(b));
            let same: Vec<_> = facts
                .live_links()
                .into_iter()
                .filter(|l| l.pair == pair)
                .collect();
            // Never beside another link of the same two entities: from the last one's end.
            if same.iter().any(|l| l.end.is_none()) {
                return None;
            }
            let from = same.iter().filter_map(|l| l.end.map(|(_, d)| d)).max();
            let start = match from {
                Some(from) => facts.date(from.min(last), last, step.c),
                None => any_day,
            };
            let reason = if take(&mut bits, 2) == 0 {
                LinkReason::analyst(["same IMO number", "same registry entry"][take(&mut bits, 2)])
            } else {
                LinkReason::SharedIdentifier(Identifier::list_entry(
                    Authority::UN,
                    format!("QDi.{}", take(&mut bits, 10)),
                ))
            };
            Some((
                start,
                ChangeKind::Link {
                    link: LinkId::derive(&format!("gen:{n}")),
                    record: Box::new(Link::new(a, b, reason)),
                },
            ))
        }
        Op::Unlink => {
            let open: Vec<_> = facts
                .live_links()
                .into_iter()
                .filter(|l| l.end.is_none())
                .collect();
            let l = *open.get(pick_index(step.a, open.len()))?;
            let lo = l.start.succ_opt()?;
            if lo > last {
                return None;
            }
            Some((
                facts.date(lo, last, step.c),
                ChangeKind::Unlink { link: l.link },
            ))
        }
        Op::Relate => {
            if entities.len() < 2 {
                return None;
            }
            let subject = entities[pick_index(step.a, entities.len())];
            let mut object = entities[pick_index(step.b, entities.len())];
            if object == subject {
                object = entities[(pick_index(step.b, entities.len()) + 1) % entities.len()];
            }
            let relation = RelationId::derive(&format!("gen:{n}"));
            let record = relation_record(subject, object, facts.capacity(object), bits);
            Some((
                any_day,
                ChangeKind::Relate {
                    relation,
                    record: Box::new(record),
                },
            ))
        }
        Op::AmendRelation => {
            let relations = facts.live_relations();
            let t = *relations.get(pick_index(step.a, relations.len()))?;
            let r = t.relation.as_ref()?;
            let until = t.end.map_or(last, |(_, end)| end.pred_opt().unwrap_or(end));
            let on = facts.date(t.start, until.max(t.start), step.c);
            // The largest share this relation has had is still its own to give.
            let own = r.shares.iter().map(|v| v.2).max().unwrap_or(0);
            let room = facts.capacity(r.object).saturating_add(own);
            let terms = relation_record(r.subject, r.object, room, bits).terms;
            let terms = if r.kind == RelationKind::Ownership {
                terms
            } else {
                RelationTerms::default().with_description("amended")
            };
            let Target::Relation(relation) = t.target else {
                return None;
            };
            Some((
                on,
                ChangeKind::AmendRelation {
                    relation,
                    terms: Box::new(terms),
                },
            ))
        }
        Op::ImposeClassMeasure => {
            let measure = ClassMeasureId::derive(&format!("gen:{n}"));
            let authority = authority();
            Some((
                any_day,
                ChangeKind::ImposeClassMeasure {
                    measure,
                    record: Box::new(ClassMeasure::new(
                        authority.clone(),
                        entity_class(bits),
                        class_measure_terms(&authority, bits >> 8),
                    )),
                },
            ))
        }
        Op::Retract => {
            let candidates = facts.retractable();
            let at = *candidates.get(pick_index(step.a, candidates.len()))?;
            let reason = ["wrong date", "wrong entity", "duplicate entry"][take(&mut bits, 3)];
            Some((
                any_day,
                ChangeKind::Retract {
                    change: facts.changes[at].id,
                    reason: reason.into(),
                },
            ))
        }
    }
}

/// The history that `facts` holds.
fn into_history(facts: Facts, config: &HistoryConfig) -> History {
    History {
        changes: facts.changes,
        entities: facts.registered,
        designations: facts.created_designations,
        licences: facts.created_licences,
        links: facts.created_links,
        relations: facts.created_relations,
        class_measures: facts.created_class_measures,
        authorities: config.authorities.clone(),
        lists: config.lists.clone(),
        window_start: config.window_start,
        window_end: config.window_end,
    }
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

/// One of `authority`'s lists in the configuration, or none (as often as each list).
fn list_of(config: &HistoryConfig, authority: &Authority, bits: u32) -> Option<List> {
    let lists: Vec<&List> = config
        .lists
        .iter()
        .filter(|l| l.authority() == authority)
        .collect();
    lists
        .get(pick_index(bits, lists.len() + 1))
        .map(|&l| l.clone())
}

/// An index below `len` (which must not be zero) from random bits.
fn pick_index(bits: u32, len: usize) -> usize {
    usize::try_from(bits).unwrap_or(0) % len.max(1)
}

/// An amendment of `t` with terms from `bits` (its date is set by the caller).
pub(super) fn amendment(
    t: &TargetFacts,
    live_entities: &[EntityId],
    bits: u64,
    id: ChangeId,
    recorded: DateTime<Utc>,
) -> Change {
    let kind = match t.target {
        Target::Designation(designation) => ChangeKind::AmendDesignation {
            designation,
            terms: Box::new(designation_terms(&t.authority, bits)),
        },
        Target::Licence(licence) => ChangeKind::AmendLicence {
            licence,
            terms: Box::new(licence_terms(live_entities, bits)),
        },
        // Links have no terms to amend, and `Facts` keeps them apart from the designations
        // and licences this is asked about: ending is all a change can do to one.
        Target::Link(link) => ChangeKind::Unlink { link },
        // No share: a new share would need the room left in the owned entity.
        Target::Relation(relation) => ChangeKind::AmendRelation {
            relation,
            terms: Box::new(RelationTerms::default().with_description("amendment")),
        },
        Target::ClassMeasure(measure) => ChangeKind::AmendClassMeasure {
            measure,
            terms: Box::new(class_measure_terms(&t.authority, bits)),
        },
    };
    Change::new(id, t.start, recorded, Source::new("amendment"), kind)
}

/// The end (delisting or licence end) of `t` effective `on`.
pub(super) fn end(t: &TargetFacts, id: ChangeId, on: NaiveDate, recorded: DateTime<Utc>) -> Change {
    let kind = match t.target {
        Target::Designation(designation) => ChangeKind::Delist { designation },
        Target::Licence(licence) => ChangeKind::EndLicence {
            licence,
            end: LicenceEnd::Revoked,
        },
        Target::Link(link) => ChangeKind::Unlink { link },
        Target::Relation(relation) => ChangeKind::EndRelation { relation },
        Target::ClassMeasure(measure) => ChangeKind::LiftClassMeasure { measure },
    };
    Change::new(id, on, recorded, Source::new("end"), kind)
}

/// Adds the air-carrier sector to some entities of histories with relations, so that class
/// measures on a sector catch some and miss others.
fn with_sector(
    config: &HistoryConfig,
    record: crate::entity::Entity,
    pick: u32,
) -> crate::entity::Entity {
    if config.relations && !pick.is_multiple_of(3) {
        record.with_sector(Sector::AirCarrier)
    } else {
        record
    }
}

/// A relation from `subject` to `object`: mostly ownerships whose share (exact or a range,
/// sometimes unknown or indirect) fits in `room` hundredths, some controls and links. Shares
/// straddle the thresholds: 50% exactly (OFAC's and the EU's "50% or more", not the UK's "more
/// than 50%"), 51%, and pairs that reach 50% only added up.
fn relation_record(subject: EntityId, object: EntityId, room: u16, mut bits: u64) -> Relation {
    const SHARES: [(u16, u16); 10] = [
        (1_000, 1_000),
        (2_500, 2_500),
        (3_000, 3_000),
        (4_000, 4_000),
        (5_000, 5_000),
        (5_000, 5_000),
        (5_100, 5_100),
        (6_000, 6_000),
        (10_000, 10_000),
        (2_500, 5_000),
    ];
    match take(&mut bits, 10) {
        0..=6 => {
            let (low, high) = SHARES[take(&mut bits, SHARES.len())];
            let share = if low <= room {
                Share::hundredths(low, high.max(low)).ok()
            } else if room > 0 && take(&mut bits, 2) == 0 {
                Share::hundredths(room, room).ok()
            } else {
                None
            };
            let mut terms = RelationTerms {
                share,
                ..RelationTerms::default()
            };
            if take(&mut bits, 8) == 0 {
                terms = terms.indirect();
            }
            Relation::new(RelationKind::Ownership, subject, object).with_terms(terms)
        }
        7 | 8 => Relation::control(subject, object),
        _ => Relation::new(RelationKind::LinkedTo, subject, object),
    }
}

/// A class of the countries the entity generator uses, sometimes narrowed to air carriers or
/// organisations.
fn entity_class(mut bits: u64) -> EntityClass {
    let by = Country::new("BY").unwrap_or_else(|_| unreachable!());
    let ru = Country::new("RU").unwrap_or_else(|_| unreachable!());
    let mut class = match take(&mut bits, 3) {
        0 => EntityClass::new(by),
        1 => EntityClass::new(ru),
        _ => EntityClass::new(by).with_country(ru),
    };
    if take(&mut bits, 3) != 0 {
        class = class.with_sector(Sector::AirCarrier);
    }
    if take(&mut bits, 3) == 0 {
        class = class.with_kind(EntityKind::Organisation);
    }
    class
}

fn class_measure_terms(authority: &Authority, mut bits: u64) -> ClassMeasureTerms {
    let name = ["carrier ban", "port ban", "deposit ban"][take(&mut bits, 3)];
    let measures = [Measure::FlightBan, Measure::Sectoral, Measure::AssetFreeze];
    let mut terms = ClassMeasureTerms::new(name, measures[take(&mut bits, 3)].clone());
    if take(&mut bits, 2) == 0 {
        if let Ok(program) = Program::new(authority.clone(), "BLR") {
            terms = terms.with_program(program);
        }
    }
    if take(&mut bits, 3) == 0 {
        terms = terms.with_exclusion("emergency landings");
    }
    terms
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
