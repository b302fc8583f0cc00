//! The ledger against a naive reference model (the pattern of indexmap's `tests/quick.rs`), and
//! the ledger's invariants, as properties over generated histories.
//!
//! The model knows nothing of the ledger's indexes or views: for every question it walks the
//! change list from the start, keeping what is visible at the view's instant (recorded at or
//! before it, not retracted by then) and applying `DESIGN.md`'s semantics literally.
//!
//! Every property runs at least 512 cases; `PROPTEST_CASES` raises that. Failures are kept in
//! `proptest-regressions/model.txt` and replayed first.
//!
//! The crate's dev-dependency on itself turns on the `proptest` feature, so a plain `cargo test`
//! runs this suite.
//!
//! `model/derived.rs` does the same for derived status (a brute-force model of each
//! authority's ownership rule, class measures and licences that cover owned entities) on
//! histories with relations, and checks the invariants below on them too.

#[path = "model/derived.rs"]
mod derived;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{FileFailurePersistence, TestRunner};
use sanctions_ledger::strategy::{
    history, invalid_change, reordered, History, HistoryConfig, InvalidChange,
};
use sanctions_ledger::{
    normalise_name, Authority, Change, ChangeId, ChangeKind, DesignationId, DesignationInForce,
    DesignationTerms, Entity, EntityId, Error, Identifier, Ledger, LicenceId, LicenceInForce,
    LicenceTerms, List, Scope, State, StateDiff, Status, StatusKind, Timeline, View,
};

/// 512 cases, or `PROPTEST_CASES` when that is larger. (The `proptest!` macro would let the
/// variable lower the count too, so the properties run through [`check`] instead.)
///
/// `SANCTIONS_LEDGER_MIN_CASES` lowers the floor of 512, for quick local runs only (mutation
/// testing runs the whole suite once per mutant; see [`check`]); CI leaves it unset.
fn config() -> ProptestConfig {
    let number = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u32>().ok());
    let floor = number("SANCTIONS_LEDGER_MIN_CASES").unwrap_or(512);
    let cases = number("PROPTEST_CASES").map_or(floor, |n| n.max(floor));
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/model.txt",
        ))),
        ..ProptestConfig::default()
    }
}

/// Set when a property has failed, for quick runs that stop every property at the first failure.
static FAILED: AtomicBool = AtomicBool::new(false);

/// Runs `property` on values of `strategy`, replaying the saved failures first; panics with the
/// shrunk counterexample if it fails.
///
/// In quick runs (`SANCTIONS_LEDGER_MIN_CASES` set) every property stops as soon as any has
/// failed, so that a mutation run does not wait for the others to finish.
fn check<S>(strategy: S, property: impl Fn(S::Value) -> Check)
where
    S: Strategy,
    S::Value: Debug,
{
    let quick = std::env::var_os("SANCTIONS_LEDGER_MIN_CASES").is_some();
    let mut runner = TestRunner::new(config());
    let result = runner.run(&strategy, |value| {
        if quick && FAILED.load(Ordering::Relaxed) {
            return Err(TestCaseError::fail("stopped: another property failed"));
        }
        let outcome = property(value);
        if outcome.is_err() {
            FAILED.store(true, Ordering::Relaxed);
        }
        outcome
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

/// Histories over a 60-day window: small enough to check every day of it.
fn histories() -> impl Strategy<Value = History> {
    history(history_config())
}

fn history_config() -> HistoryConfig {
    let start = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
    HistoryConfig::new(start, start + Days::new(59))
        .with_entities(4)
        .with_changes(24)
}

/// Every day of the window, and one day either side of it.
fn dates(h: &History) -> Vec<NaiveDate> {
    let first = h.window_start.pred_opt().unwrap();
    let last = h.window_end.succ_opt().unwrap();
    first.iter_days().take_while(|d| *d <= last).collect()
}

/// The entities of the history and one the ledger has never heard of.
fn entities(h: &History) -> Vec<EntityId> {
    let mut all = h.entities.clone();
    all.push(EntityId::derive("nobody"));
    all
}

/// The authorities of the history and one that never acts in it.
fn authorities(h: &History) -> Vec<Authority> {
    let mut all = h.authorities.clone();
    all.push(Authority::new("NZ").unwrap());
    all
}

/// What a status question can be about, as plain data: one authority, or one list.
#[derive(Debug, Clone)]
enum Asked {
    Authority(Authority),
    List(List),
}

impl Asked {
    /// The ledger's form of the question.
    fn scope(&self) -> Scope<'_> {
        match self {
            Asked::Authority(authority) => Scope::Authority(authority),
            Asked::List(list) => Scope::List(list),
        }
    }

    /// Whose licences relieve a listing in this scope.
    fn authority(&self) -> &Authority {
        match self {
            Asked::Authority(authority) => authority,
            Asked::List(list) => list.authority(),
        }
    }

    /// Whether a designation in force, as plain data, is in this scope: by the authority, or
    /// on the list.
    fn holds(&self, d: &D) -> bool {
        match self {
            Asked::Authority(authority) => d.1 == *authority,
            Asked::List(list) => d.2.as_ref() == Some(list),
        }
    }
}

/// Every question to ask: each authority of [`authorities`], each list of the history, a list
/// it never draws, a list of an authority that never acts in it, and a list of another
/// authority with the code of one of the history's.
fn asked(h: &History) -> Vec<Asked> {
    let mut all: Vec<Asked> = authorities(h).into_iter().map(Asked::Authority).collect();
    all.extend(h.lists.iter().cloned().map(Asked::List));
    all.push(Asked::List(List::US_OFAC_CAPTA));
    all.push(Asked::List(
        List::new(Authority::new("NZ").unwrap(), "SDN").unwrap(),
    ));
    all.push(Asked::List(
        List::new(Authority::UK, "CONSOLIDATED").unwrap(),
    ));
    all
}

fn ledger(h: &History) -> Ledger {
    h.ledger()
        .expect("the ledger accepts every generated history")
}

/// A few instants to view the ledger at: before anything was recorded, and at or just after
/// some of the recorded instants.
fn instants(h: &History, picks: &[Index]) -> Vec<DateTime<Utc>> {
    let recorded = h.recorded_instants();
    let mut out = Vec::new();
    if let Some(first) = recorded.first() {
        out.push(*first - TimeDelta::seconds(1));
    }
    if !recorded.is_empty() {
        for (i, pick) in picks.iter().enumerate() {
            let at = *pick.get(&recorded);
            out.push(if i % 2 == 0 {
                at
            } else {
                at + TimeDelta::milliseconds(1)
            });
        }
    }
    out
}

// ------------------------------------------------------------------------------------------
// The reference model
// ------------------------------------------------------------------------------------------

/// A designation in force, as plain data.
type D = (
    EntityId,
    Authority,
    Option<List>,
    DesignationTerms,
    NaiveDate,
    ChangeId,
);
/// A licence in force, as plain data.
type L = (Authority, LicenceTerms, NaiveDate, ChangeId);
/// A whole state, as plain data.
type S = (
    NaiveDate,
    BTreeMap<DesignationId, D>,
    BTreeMap<LicenceId, L>,
);
/// One period of a timeline: status, from, until, opened by, closed by (sorted, so that the
/// order of the log does not matter but a change listed twice does).
type P = (
    StatusKind,
    NaiveDate,
    Option<NaiveDate>,
    Vec<ChangeId>,
    Vec<ChangeId>,
);

fn sorted(ids: &[ChangeId]) -> Vec<ChangeId> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids
}
/// A timeline: per authority, its periods.
type T = Vec<(Authority, Vec<P>)>;

/// The difference of two states, as plain data.
#[derive(Debug, PartialEq)]
struct Diff {
    from: NaiveDate,
    to: NaiveDate,
    designated: BTreeMap<DesignationId, D>,
    delisted: BTreeSet<DesignationId>,
    amended: BTreeMap<DesignationId, D>,
    issued: BTreeMap<LicenceId, L>,
    ended: BTreeSet<LicenceId>,
    licences_amended: BTreeMap<LicenceId, L>,
    status_changes: Vec<(EntityId, Authority, StatusKind, StatusKind)>,
}

fn d_of(d: &DesignationInForce) -> D {
    (
        d.entity,
        d.authority.clone(),
        d.list.cloned(),
        d.terms.clone(),
        d.since,
        d.designated_by,
    )
}

fn l_of(l: &LicenceInForce) -> L {
    (l.authority.clone(), l.terms.clone(), l.since, l.issued_by)
}

fn s_of(s: &State) -> S {
    (
        s.date,
        s.designations.iter().map(|(k, v)| (*k, d_of(v))).collect(),
        s.licences.iter().map(|(k, v)| (*k, l_of(v))).collect(),
    )
}

fn t_of(t: &Timeline) -> T {
    t.authorities
        .iter()
        .map(|a| {
            let periods = a
                .periods
                .iter()
                .map(|p| {
                    (
                        p.status,
                        p.dates.from,
                        p.dates.until,
                        sorted(&p.opened_by),
                        sorted(&p.closed_by),
                    )
                })
                .collect();
            (a.authority.clone(), periods)
        })
        .collect()
}

fn diff_of(d: &StateDiff) -> Diff {
    Diff {
        from: d.from,
        to: d.to,
        designated: d.designated.iter().map(|(k, v)| (*k, d_of(v))).collect(),
        delisted: d.delisted.clone(),
        amended: d.amended.iter().map(|(k, v)| (*k, d_of(v))).collect(),
        issued: d
            .licences_issued
            .iter()
            .map(|(k, v)| (*k, l_of(v)))
            .collect(),
        ended: d.licences_ended.clone(),
        licences_amended: d
            .licences_amended
            .iter()
            .map(|(k, v)| (*k, l_of(v)))
            .collect(),
        status_changes: d
            .status_changes
            .iter()
            .map(|c| (c.entity, c.authority.clone(), c.before, c.after))
            .collect(),
    }
}

/// The changes visible at one instant. Every question replays them from the start.
struct Model<'a> {
    /// The instant, or `None` for everything.
    at: Option<DateTime<Utc>>,
    /// Visible changes in log order, retractions included.
    seen: Vec<&'a Change>,
    /// The same without the retractions.
    events: Vec<&'a Change>,
}

/// The life of a designation or licence in the model.
struct Life<'a> {
    created: Option<&'a Change>,
    end: Option<&'a Change>,
    amendments: Vec<&'a Change>,
}

impl Life<'_> {
    fn in_force(&self, date: NaiveDate) -> bool {
        self.created.is_some_and(|c| c.effective <= date)
            && self.end.is_none_or(|e| date < e.effective)
    }

    /// The amendment in force on `date`: the latest effective on or before it; of equal dates,
    /// the last in the log.
    fn amendment_on(&self, date: NaiveDate) -> Option<&Change> {
        let mut best: Option<&Change> = None;
        for a in &self.amendments {
            if a.effective <= date && best.is_none_or(|b| a.effective >= b.effective) {
                best = Some(a);
            }
        }
        best
    }
}

/// Every designation's and licence's life, from one pass over the changes.
type Lives<'a> = (
    BTreeMap<DesignationId, Life<'a>>,
    BTreeMap<LicenceId, Life<'a>>,
);

impl<'a> Model<'a> {
    fn new(log: &'a [Change], at: Option<DateTime<Utc>>) -> Self {
        let known: Vec<&Change> = log
            .iter()
            .filter(|c| at.is_none_or(|t| c.recorded <= t))
            .collect();
        let retracted: BTreeSet<ChangeId> = known
            .iter()
            .filter_map(|c| match &c.kind {
                ChangeKind::Retract { change, .. } => Some(*change),
                _ => None,
            })
            .collect();
        let seen: Vec<&Change> = known
            .into_iter()
            .filter(|c| !retracted.contains(&c.id))
            .collect();
        let events = seen
            .iter()
            .copied()
            .filter(|c| !matches!(c.kind, ChangeKind::Retract { .. }))
            .collect();
        Model { at, seen, events }
    }

    /// Whether the view knows `entity`: it sees a registration of it.
    fn knows(&self, entity: EntityId) -> bool {
        self.events().any(
            |c| matches!(&c.kind, ChangeKind::RegisterEntity { entity: e, .. } if *e == entity),
        )
    }

    /// `answer` for an entity the view knows; for one it does not, the error the ledger gives.
    fn known<T>(&self, entity: EntityId, answer: T) -> Result<T, Error> {
        if self.knows(entity) {
            Ok(answer)
        } else {
            Err(Error::EntityNotKnown {
                entity,
                known_at: self.at,
            })
        }
    }

    /// Visible changes other than retractions, in log order.
    fn events(&self) -> impl Iterator<Item = &'a Change> + '_ {
        self.events.iter().copied()
    }

    /// One pass over the changes, collecting every designation's and licence's life.
    fn lives(&self) -> Lives<'a> {
        fn life<'m, 'a, K: Ord>(map: &'m mut BTreeMap<K, Life<'a>>, key: K) -> &'m mut Life<'a> {
            map.entry(key).or_insert(Life {
                created: None,
                end: None,
                amendments: Vec::new(),
            })
        }
        let mut designations = BTreeMap::new();
        let mut licences = BTreeMap::new();
        for c in self.events() {
            match &c.kind {
                ChangeKind::Designate { designation, .. } => {
                    life(&mut designations, *designation).created = Some(c);
                }
                ChangeKind::Delist { designation } => {
                    life(&mut designations, *designation).end = Some(c);
                }
                ChangeKind::AmendDesignation { designation, .. } => {
                    life(&mut designations, *designation).amendments.push(c);
                }
                ChangeKind::IssueLicence { licence, .. } => {
                    life(&mut licences, *licence).created = Some(c);
                }
                ChangeKind::EndLicence { licence, .. } => {
                    life(&mut licences, *licence).end = Some(c);
                }
                ChangeKind::AmendLicence { licence, .. } => {
                    life(&mut licences, *licence).amendments.push(c);
                }
                _ => {}
            }
        }
        designations.retain(|_, l| l.created.is_some());
        licences.retain(|_, l| l.created.is_some());
        (designations, licences)
    }

    fn designation_in_force(life: &Life<'_>, date: NaiveDate) -> Option<D> {
        if !life.in_force(date) {
            return None;
        }
        let created = life.created?;
        let ChangeKind::Designate { record, .. } = &created.kind else {
            unreachable!()
        };
        let terms = match life.amendment_on(date).map(|c| &c.kind) {
            Some(ChangeKind::AmendDesignation { terms, .. }) => (**terms).clone(),
            _ => record.terms.clone(),
        };
        Some((
            record.entity,
            record.authority.clone(),
            record.list.clone(),
            terms,
            created.effective,
            created.id,
        ))
    }

    fn licence_in_force(life: &Life<'_>, date: NaiveDate) -> Option<L> {
        if !life.in_force(date) {
            return None;
        }
        let created = life.created?;
        let ChangeKind::IssueLicence { record, .. } = &created.kind else {
            unreachable!()
        };
        let terms = match life.amendment_on(date).map(|c| &c.kind) {
            Some(ChangeKind::AmendLicence { terms, .. }) => (**terms).clone(),
            _ => record.terms.clone(),
        };
        Some((
            record.authority.clone(),
            terms,
            created.effective,
            created.id,
        ))
    }

    fn designation_life(&self, id: DesignationId) -> Option<Life<'a>> {
        self.lives().0.remove(&id)
    }

    fn licence_life(&self, id: LicenceId) -> Option<Life<'a>> {
        self.lives().1.remove(&id)
    }

    fn designation_on(&self, id: DesignationId, date: NaiveDate) -> Option<D> {
        Self::designation_in_force(&self.designation_life(id)?, date)
    }

    fn licence_on(&self, id: LicenceId, date: NaiveDate) -> Option<L> {
        Self::licence_in_force(&self.licence_life(id)?, date)
    }

    fn state_on(&self, date: NaiveDate) -> S {
        let (designations, licences) = self.lives();
        let designations = designations
            .iter()
            .filter_map(|(id, life)| Some((*id, Self::designation_in_force(life, date)?)))
            .collect();
        let licences = licences
            .iter()
            .filter_map(|(id, life)| Some((*id, Self::licence_in_force(life, date)?)))
            .collect();
        (date, designations, licences)
    }

    fn status(&self, entity: EntityId, authority: &Authority, date: NaiveDate) -> Status {
        status_in(&self.state_on(date), entity, authority)
    }

    /// The designations in force on `date` in the scope, sorted.
    fn designations_in_force_in(&self, asked: &Asked, date: NaiveDate) -> Vec<DesignationId> {
        let (_, designations, _) = self.state_on(date);
        designations
            .iter()
            .filter(|(_, d)| asked.holds(d))
            .map(|(id, _)| *id)
            .collect()
    }

    /// Authorities with a visible designation of `entity`, sorted.
    fn authorities_of(&self, entity: EntityId) -> Vec<Authority> {
        self.events()
            .filter_map(|c| match &c.kind {
                ChangeKind::Designate { record, .. } if record.entity == entity => {
                    Some(record.authority.clone())
                }
                _ => None,
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    /// The changes that concern `entity` with `authority`: starts and ends of its designations
    /// by it, and issues, amendments and ends of the authority's licences that name it.
    fn concerning(&self, entity: EntityId, authority: &Authority) -> Vec<&'a Change> {
        let mut out = Vec::new();
        let (designations, licences) = self.lives();
        for life in designations.values() {
            let created = life.created.unwrap();
            let ChangeKind::Designate { record, .. } = &created.kind else {
                unreachable!()
            };
            if record.entity == entity && record.authority == *authority {
                out.push(created);
                out.extend(life.end);
            }
        }
        for life in licences.values() {
            let created = life.created.unwrap();
            let ChangeKind::IssueLicence { record, .. } = &created.kind else {
                unreachable!()
            };
            let names = |c: &Change| match &c.kind {
                ChangeKind::IssueLicence { record, .. } => record.terms.covers.contains(&entity),
                ChangeKind::AmendLicence { terms, .. } => terms.covers.contains(&entity),
                _ => false,
            };
            let named_here = names(created) || life.amendments.iter().any(|c| names(c));
            if record.authority == *authority && named_here {
                out.push(created);
                out.extend(life.end);
                out.extend(life.amendments.iter().copied());
            }
        }
        out
    }

    /// The timeline, by walking every day from before the first effective date to after the
    /// last one.
    fn timeline(&self, entity: EntityId) -> T {
        let effective: Vec<NaiveDate> = self.events().map(|c| c.effective).collect();
        let (Some(lo), Some(hi)) = (effective.iter().min(), effective.iter().max()) else {
            return Vec::new();
        };
        let (lo, hi) = (lo.pred_opt().unwrap(), hi.succ_opt().unwrap());
        self.authorities_of(entity)
            .into_iter()
            .map(|authority| {
                let concerning = self.concerning(entity, &authority);
                let on = |date: NaiveDate| -> Vec<ChangeId> {
                    let ids: Vec<ChangeId> = concerning
                        .iter()
                        .filter(|c| c.effective == date)
                        .map(|c| c.id)
                        .collect();
                    sorted(&ids)
                };
                let mut periods: Vec<P> = Vec::new();
                let mut previous = StatusKind::NotListed;
                for date in lo.iter_days().take_while(|d| *d <= hi) {
                    let status = self.status(entity, &authority, date).kind();
                    // (one replay per day: the model stays naive on purpose)
                    if status == previous {
                        continue;
                    }
                    if previous != StatusKind::NotListed {
                        let open = periods.last_mut().unwrap();
                        open.2 = Some(date);
                        open.4 = on(date);
                    }
                    if status != StatusKind::NotListed {
                        periods.push((status, date, None, on(date), Vec::new()));
                    }
                    previous = status;
                }
                (authority, periods)
            })
            .collect()
    }

    /// Changes effective in `(from, to]`, by effective date, then log order.
    fn changes_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<ChangeId> {
        let mut hits: Vec<&Change> = self
            .events()
            .filter(|c| from < c.effective && c.effective <= to)
            .collect();
        hits.sort_by_key(|c| c.effective);
        hits.into_iter().map(|c| c.id).collect()
    }

    /// The difference between two states the model computed.
    fn diff(before: &S, after: &S) -> Diff {
        let (from, to) = (before.0, after.0);
        let mut status_changes = Vec::new();
        let pairs: BTreeSet<(EntityId, Authority)> = before
            .1
            .values()
            .chain(after.1.values())
            .map(|d| (d.0, d.1.clone()))
            .collect();
        for (entity, authority) in pairs {
            let was = status_in(before, entity, &authority).kind();
            let now = status_in(after, entity, &authority).kind();
            if was != now {
                status_changes.push((entity, authority, was, now));
            }
        }
        let (_, d1, l1) = before;
        let (_, d2, l2) = after;
        Diff {
            from,
            to,
            designated: d2
                .iter()
                .filter(|(k, _)| !d1.contains_key(k))
                .map(|(k, v)| (*k, v.clone()))
                .collect(),
            delisted: d1.keys().filter(|k| !d2.contains_key(k)).copied().collect(),
            amended: d2
                .iter()
                .filter(|(k, v)| d1.get(k).is_some_and(|old| old != *v))
                .map(|(k, v)| (*k, v.clone()))
                .collect(),
            issued: l2
                .iter()
                .filter(|(k, _)| !l1.contains_key(k))
                .map(|(k, v)| (*k, v.clone()))
                .collect(),
            ended: l1.keys().filter(|k| !l2.contains_key(k)).copied().collect(),
            licences_amended: l2
                .iter()
                .filter(|(k, v)| l1.get(k).is_some_and(|old| old != *v))
                .map(|(k, v)| (*k, v.clone()))
                .collect(),
            status_changes,
        }
    }

    /// Visible versions of entity facts: (entity, effective, record), in log order.
    fn versions(&self) -> Vec<(EntityId, NaiveDate, &'a Entity)> {
        self.events()
            .filter_map(|c| match &c.kind {
                ChangeKind::RegisterEntity { entity, record }
                | ChangeKind::AmendEntity { entity, record } => {
                    Some((*entity, c.effective, &**record))
                }
                _ => None,
            })
            .collect()
    }

    /// The version of `entity` with the latest effective date on or before `date` (all of them
    /// when `None`); of equal dates, the last in the log.
    fn entity_on(&self, entity: EntityId, date: Option<NaiveDate>) -> Option<&'a Entity> {
        let mut best: Option<(NaiveDate, &Entity)> = None;
        for (id, effective, record) in self.versions() {
            if id == entity
                && date.is_none_or(|d| effective <= d)
                && best.is_none_or(|(b, _)| effective >= b)
            {
                best = Some((effective, record));
            }
        }
        best.map(|(_, e)| e)
    }

    fn entities(&self) -> Vec<EntityId> {
        self.events()
            .filter_map(|c| match &c.kind {
                ChangeKind::RegisterEntity { entity, .. } => Some(*entity),
                _ => None,
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    fn find_by_identifier(&self, identifier: &Identifier) -> Vec<EntityId> {
        let key = identifier.lookup_key();
        self.versions()
            .into_iter()
            .filter(|(_, _, e)| e.identifiers.iter().any(|i| i.lookup_key() == key))
            .map(|(id, _, _)| id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    fn find_by_name(&self, name: &str) -> Vec<EntityId> {
        let key = normalise_name(name);
        if key.is_empty() {
            return Vec::new();
        }
        self.versions()
            .into_iter()
            .filter(|(_, _, e)| e.names().any(|n| normalise_name(n) == key))
            .map(|(id, _, _)| id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }
}

/// The ids behind the status of `entity` in a scope in a state: the designations of it in force
/// in the scope (by the authority, or on the list), and, when there is one, the licences of the
/// scope's authority in force that cover it (none when it is not listed: a licence only
/// relieves a listed entity). Sorted.
fn ids_in(state: &S, entity: EntityId, asked: &Asked) -> (Vec<DesignationId>, Vec<LicenceId>) {
    let designations: Vec<DesignationId> = state
        .1
        .iter()
        .filter(|(_, d)| d.0 == entity && asked.holds(d))
        .map(|(id, _)| *id)
        .collect();
    let licences: Vec<LicenceId> = state
        .2
        .iter()
        .filter(|(_, l)| l.0 == *asked.authority() && l.1.covers.contains(&entity))
        .map(|(id, _)| *id)
        .filter(|_| !designations.is_empty())
        .collect();
    (designations, licences)
}

/// The status of `entity` with `authority` in a state: listed when a designation of it by the
/// authority is in force, licensed when also a licence of the authority covering it is.
fn status_in(state: &S, entity: EntityId, authority: &Authority) -> Status {
    status_in_scope(state, entity, &Asked::Authority(authority.clone()))
}

/// The status of `entity` in a scope in a state, as [`status_in`] for an authority; for a
/// list, listed when a designation of it on the list is in force.
fn status_in_scope(state: &S, entity: EntityId, asked: &Asked) -> Status {
    let (designations, licences) = ids_in(state, entity, asked);
    if designations.is_empty() {
        Status::NotListed
    } else if licences.is_empty() {
        Status::Listed { designations }
    } else {
        Status::ListedLicensed {
            designations,
            licences,
        }
    }
}

// ------------------------------------------------------------------------------------------
// Comparing the ledger with the model
// ------------------------------------------------------------------------------------------

type Check = Result<(), TestCaseError>;

/// The views to compare: the current one and some as known at past instants, each with the
/// model of the same instant.
fn views<'a>(
    ledger: &'a Ledger,
    h: &History,
    picks: &[Index],
) -> Vec<(View<'a>, Option<DateTime<Utc>>)> {
    let mut out = vec![(ledger.current(), None)];
    for at in instants(h, picks) {
        out.push((ledger.known_at(at), Some(at)));
    }
    out
}

fn check_status(view: &View<'_>, model: &Model<'_>, h: &History) -> Check {
    for date in dates(h) {
        let state = model.state_on(date);
        for entity in entities(h) {
            // Per authority and per list: the same questions, the same naive replay.
            for asked in asked(h) {
                let expected = status_in_scope(&state, entity, &asked);
                prop_assert_eq!(
                    view.is_listed(entity, asked.scope(), date),
                    model.known(entity, expected.is_listed())
                );
                let status = view.status(entity, asked.scope(), date);
                // The ids behind the answer, through the accessors, against the model's own
                // reading of the state: which designations list it, which licences relieve it.
                let ids = status
                    .as_ref()
                    .map(|s| (s.designations().to_vec(), s.licences().to_vec()))
                    .map_err(Clone::clone);
                prop_assert_eq!(ids, model.known(entity, ids_in(&state, entity, &asked)));
                prop_assert_eq!(
                    status,
                    model.known(entity, expected),
                    "status of {:?} in {:?} on {}",
                    entity,
                    asked,
                    date
                );
            }
            let statuses: BTreeMap<Authority, Status> = model
                .authorities_of(entity)
                .into_iter()
                .map(|a| {
                    let s = status_in(&state, entity, &a);
                    (a, s)
                })
                .collect();
            prop_assert_eq!(view.statuses(entity, date), model.known(entity, statuses));
        }
    }
    Ok(())
}

fn check_state(view: &View<'_>, model: &Model<'_>, h: &History) -> Check {
    let unknown_designation = DesignationId::derive("nothing");
    let unknown_licence = LicenceId::derive("nothing");
    for date in dates(h) {
        let state = view.state_on(date);
        let expected_state = model.state_on(date);
        prop_assert_eq!(s_of(&state), expected_state.clone(), "state on {}", date);
        let mut listed = BTreeMap::new();
        for entity in entities(h) {
            for authority in authorities(h) {
                let expected = status_in(&expected_state, entity, &authority);
                prop_assert_eq!(state.status(entity, &authority), expected.clone());
                if expected.is_listed() {
                    listed.insert((entity, authority), expected);
                }
            }
            for asked in asked(h) {
                prop_assert_eq!(
                    state.status(entity, asked.scope()),
                    status_in_scope(&expected_state, entity, &asked)
                );
            }
        }
        prop_assert_eq!(state.statuses(), listed);
        // The ids in force, in the whole ledger and per authority and per list.
        let mut all = view.designations_in_force(date);
        all.sort_unstable();
        let expected_all: Vec<DesignationId> = expected_state.1.keys().copied().collect();
        prop_assert_eq!(all, expected_all);
        for asked in asked(h) {
            let mut ids = view.designations_in_force_in(asked.scope(), date);
            ids.sort_unstable();
            prop_assert_eq!(
                ids,
                model.designations_in_force_in(&asked, date),
                "in force in {:?} on {}",
                asked,
                date
            );
        }
        for &id in h.designations.iter().chain([&unknown_designation]) {
            prop_assert_eq!(
                view.designation_on(id, date).as_ref().map(d_of),
                model.designation_on(id, date)
            );
        }
        for &id in h.licences.iter().chain([&unknown_licence]) {
            prop_assert_eq!(
                view.licence_on(id, date).as_ref().map(l_of),
                model.licence_on(id, date)
            );
        }
    }
    for &id in h.designations.iter().chain([&unknown_designation]) {
        let expected = model.designation_life(id).map(|life| {
            let created = life.created.unwrap();
            let ChangeKind::Designate { record, .. } = &created.kind else {
                unreachable!()
            };
            (
                (**record).clone(),
                created.effective,
                life.end.map(|e| e.effective),
            )
        });
        let actual = view
            .designation(id)
            .map(|d| (d.record.clone(), d.in_force.from, d.in_force.until));
        prop_assert_eq!(actual, expected);
    }
    for &id in h.licences.iter().chain([&unknown_licence]) {
        let expected = model.licence_life(id).map(|life| {
            let created = life.created.unwrap();
            let ChangeKind::IssueLicence { record, .. } = &created.kind else {
                unreachable!()
            };
            (
                (**record).clone(),
                created.effective,
                life.end.map(|e| e.effective),
            )
        });
        let actual = view
            .licence(id)
            .map(|l| (l.record.clone(), l.in_force.from, l.in_force.until));
        prop_assert_eq!(actual, expected);
    }
    Ok(())
}

fn check_timeline(view: &View<'_>, model: &Model<'_>, h: &History) -> Check {
    for entity in entities(h) {
        let timeline = view.timeline(entity);
        if let Ok(timeline) = &timeline {
            prop_assert_eq!(timeline.entity, entity);
        }
        prop_assert_eq!(
            timeline.as_ref().map(t_of).map_err(Clone::clone),
            model.known(entity, model.timeline(entity)),
            "timeline of {:?}",
            entity
        );
    }
    Ok(())
}

/// Date pairs to ask about: every day with the next day (the last with the first), and with
/// another day that varies from history to history; and the ends of the window both ways.
fn date_pairs(h: &History) -> Vec<(NaiveDate, NaiveDate)> {
    let all = dates(h);
    let (first, last) = (all[0], all[all.len() - 1]);
    let offset = h.changes.len() * 7 + h.entities.len() * 3 + 1;
    let mut pairs = vec![(first, last), (last, first)];
    for (i, &d) in all.iter().enumerate() {
        pairs.push((d, all[(i + 1) % all.len()]));
        pairs.push((d, all[(i + offset) % all.len()]));
    }
    pairs
}

fn check_changes_between(view: &View<'_>, model: &Model<'_>, h: &History) -> Check {
    for (from, to) in date_pairs(h) {
        let actual: Vec<ChangeId> = view
            .changes_between(from, to)
            .iter()
            .map(|c| c.id)
            .collect();
        prop_assert_eq!(
            actual,
            model.changes_between(from, to),
            "({}, {}]",
            from,
            to
        );
    }
    prop_assert!(view
        .changes_between(NaiveDate::MAX, NaiveDate::MAX)
        .is_empty());
    let all: Vec<ChangeId> = view.changes().map(|c| c.id).collect();
    let expected: Vec<ChangeId> = model.events().map(|c| c.id).collect();
    prop_assert_eq!(all, expected);
    Ok(())
}

fn check_diff(view: &View<'_>, model: &Model<'_>, h: &History) -> Check {
    let states: BTreeMap<NaiveDate, S> = dates(h)
        .into_iter()
        .map(|d| (d, model.state_on(d)))
        .collect();
    for (from, to) in date_pairs(h) {
        let diff = view.diff(from, to);
        let expected = Model::diff(&states[&from], &states[&to]);
        prop_assert_eq!(diff.is_empty(), {
            expected.designated.is_empty()
                && expected.delisted.is_empty()
                && expected.amended.is_empty()
                && expected.issued.is_empty()
                && expected.ended.is_empty()
                && expected.licences_amended.is_empty()
        });
        prop_assert_eq!(diff_of(&diff), expected, "diff from {} to {}", from, to);
    }
    Ok(())
}

/// Names and identifiers to look up: every one the history uses, with spelling variants, and
/// some it does not.
fn lookups(h: &History) -> (Vec<String>, Vec<Identifier>) {
    let mut names = vec![
        String::new(),
        "***".to_owned(),
        "belavia".to_owned(),
        "no such name".to_owned(),
    ];
    let mut identifiers = vec![Identifier::AircraftRegistration("EW 301 PJ".into())];
    for c in &h.changes {
        if let ChangeKind::RegisterEntity { record, .. } | ChangeKind::AmendEntity { record, .. } =
            &c.kind
        {
            for name in record.names() {
                names.push(name.to_owned());
                names.push(format!("  {}!", name.to_uppercase()));
            }
            identifiers.extend(record.identifiers.iter().cloned());
        }
    }
    (names, identifiers)
}

fn check_lookups(view: &View<'_>, model: &Model<'_>, h: &History) -> Check {
    let (names, identifiers) = lookups(h);
    for name in &names {
        prop_assert_eq!(
            view.find_by_name(name),
            model.find_by_name(name),
            "name {:?}",
            name
        );
    }
    for identifier in &identifiers {
        prop_assert_eq!(
            view.find_by_identifier(identifier),
            model.find_by_identifier(identifier),
            "identifier {:?}",
            identifier
        );
    }
    prop_assert_eq!(view.entities(), model.entities());
    for entity in entities(h) {
        prop_assert_eq!(view.entity(entity), model.entity_on(entity, None));
        for date in dates(h) {
            prop_assert_eq!(
                view.entity_on(entity, date),
                model.entity_on(entity, Some(date))
            );
        }
    }
    for c in &h.changes {
        let expected = model.seen.iter().find(|s| s.id == c.id).copied();
        prop_assert_eq!(view.change(c.id), expected);
    }
    prop_assert_eq!(view.change(ChangeId::derive("nothing")), None);
    Ok(())
}

/// Runs `check` on the current view and some past views of the history's ledger, each against
/// the model at the same instant.
fn against_model(
    h: &History,
    picks: &[Index],
    check: fn(&View<'_>, &Model<'_>, &History) -> Check,
) -> Check {
    let ledger = ledger(h);
    for (view, at) in views(&ledger, h, picks) {
        prop_assert_eq!(view.known_at(), at);
        check(&view, &Model::new(&h.changes, at), h)?;
    }
    Ok(())
}

// ------------------------------------------------------------------------------------------
// Comparing two views with each other
// ------------------------------------------------------------------------------------------

/// The entity an [`Error::EntityNotKnown`] names, so that views known at different instants
/// compare equal when both do not know it.
fn unknown_entity(error: impl std::borrow::Borrow<Error>) -> EntityId {
    match error.borrow() {
        Error::EntityNotKnown { entity, .. } => *entity,
        other => panic!("only unknown entities are refused: {other}"),
    }
}

/// Asserts that two views answer every question alike. Answers whose order follows the log
/// (changes between dates, the changes behind a timeline period) are compared as sets, so that
/// ledgers holding the same changes in different orders compare equal.
fn same_answers(a: &View<'_>, b: &View<'_>, h: &History) -> Check {
    let ids =
        |changes: Vec<&Change>| -> BTreeSet<ChangeId> { changes.iter().map(|c| c.id).collect() };
    let first = h.window_start.pred_opt().unwrap();
    for date in dates(h) {
        for entity in entities(h) {
            for asked in asked(h) {
                prop_assert_eq!(
                    a.status(entity, asked.scope(), date)
                        .map_err(unknown_entity),
                    b.status(entity, asked.scope(), date)
                        .map_err(unknown_entity)
                );
            }
            prop_assert_eq!(a.entity_on(entity, date), b.entity_on(entity, date));
        }
        prop_assert_eq!(a.state_on(date), b.state_on(date));
        for asked in asked(h) {
            let set = |v: &View<'_>| -> BTreeSet<DesignationId> {
                v.designations_in_force_in(asked.scope(), date)
                    .into_iter()
                    .collect()
            };
            prop_assert_eq!(set(a), set(b));
        }
        prop_assert_eq!(
            ids(a.changes_between(first, date)),
            ids(b.changes_between(first, date))
        );
    }
    for entity in entities(h) {
        prop_assert_eq!(
            a.timeline(entity)
                .as_ref()
                .map(t_of)
                .map_err(unknown_entity),
            b.timeline(entity)
                .as_ref()
                .map(t_of)
                .map_err(unknown_entity)
        );
        prop_assert_eq!(a.entity(entity), b.entity(entity));
    }
    let (names, identifiers) = lookups(h);
    for name in &names {
        prop_assert_eq!(a.find_by_name(name), b.find_by_name(name));
    }
    for identifier in &identifiers {
        prop_assert_eq!(
            a.find_by_identifier(identifier),
            b.find_by_identifier(identifier)
        );
    }
    prop_assert_eq!(a.entities(), b.entities());
    let all = |v: &View<'_>| -> BTreeSet<ChangeId> { v.changes().map(|c| c.id).collect() };
    prop_assert_eq!(all(a), all(b));
    Ok(())
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap()
}

fn round_trip<T>(value: &T) -> Check
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + Debug,
{
    let text = json(value);
    let back: T =
        serde_json::from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
    prop_assert_eq!(&back, value, "{}", text);
    Ok(())
}

/// A state and a difference borrow their terms from the ledger and have no `Deserialize`:
/// checks that their JSON is that of the same content owned.
fn serialise_as_owned(state: &State, diff: &StateDiff) -> Check {
    let designations: serde_json::Map<String, serde_json::Value> = state
        .designations
        .iter()
        .map(|(id, d)| (id.to_string(), designation_json(d)))
        .collect();
    let licences: serde_json::Map<String, serde_json::Value> = state
        .licences
        .iter()
        .map(|(id, l)| (id.to_string(), licence_json(l)))
        .collect();
    serialises_as(
        state,
        &serde_json::json!({
            "date": state.date,
            "designations": designations,
            "licences": licences,
        }),
    )?;
    let entries = |m: &BTreeMap<DesignationId, DesignationInForce>| -> serde_json::Value {
        m.iter()
            .map(|(id, d)| (id.to_string(), designation_json(d)))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    let licence_entries = |m: &BTreeMap<LicenceId, LicenceInForce>| -> serde_json::Value {
        m.iter()
            .map(|(id, l)| (id.to_string(), licence_json(l)))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    serialises_as(
        diff,
        &serde_json::json!({
            "from": diff.from,
            "to": diff.to,
            "designated": entries(&diff.designated),
            "delisted": diff.delisted,
            "amended": entries(&diff.amended),
            "licences_issued": licence_entries(&diff.licences_issued),
            "licences_ended": diff.licences_ended,
            "licences_amended": licence_entries(&diff.licences_amended),
            "status_changes": diff.status_changes,
        }),
    )?;
    Ok(())
}

/// Checks that `value` serialises to `expected`.
fn serialises_as<T: serde::Serialize>(value: &T, expected: &serde_json::Value) -> Check {
    let text = json(value);
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
    prop_assert_eq!(&value, expected, "{}", text);
    Ok(())
}

/// The JSON of a designation in force as its owned fields give it: the list left out when
/// there is none.
fn designation_json(d: &DesignationInForce) -> serde_json::Value {
    let mut value = serde_json::json!({
        "entity": d.entity,
        "authority": *d.authority,
        "terms": *d.terms,
        "since": d.since,
        "designated_by": d.designated_by,
    });
    if let Some(list) = d.list {
        value["list"] = serde_json::json!(*list);
    }
    value
}

/// The JSON of a licence in force as its owned fields give it.
fn licence_json(l: &LicenceInForce) -> serde_json::Value {
    serde_json::json!({
        "authority": *l.authority,
        "terms": *l.terms,
        "since": l.since,
        "issued_by": l.issued_by,
    })
}

/// Changes of the history that nothing else in it depends on and that are live at its end:
/// retracting one of them is valid.
fn retractable(h: &History) -> Vec<usize> {
    let deps = h.dependencies();
    let retracted: BTreeSet<ChangeId> = h
        .changes
        .iter()
        .filter_map(|c| match &c.kind {
            ChangeKind::Retract { change, .. } => Some(*change),
            _ => None,
        })
        .collect();
    (0..h.changes.len())
        .filter(|&i| {
            let c = &h.changes[i];
            !matches!(c.kind, ChangeKind::Retract { .. })
                && !retracted.contains(&c.id)
                && !deps.iter().any(|d| d.contains(&i))
        })
        .collect()
}

// ------------------------------------------------------------------------------------------
// Properties: the ledger agrees with the model
// ------------------------------------------------------------------------------------------

#[test]
fn status_and_is_listed_agree_with_the_model() {
    check((histories(), vec(any::<Index>(), 2)), |(h, picks)| {
        against_model(&h, &picks, check_status)?;
        Ok(())
    });
}

#[test]
fn whole_state_agrees_with_the_model() {
    check((histories(), vec(any::<Index>(), 2)), |(h, picks)| {
        against_model(&h, &picks, check_state)?;
        Ok(())
    });
}

#[test]
fn timeline_agrees_with_the_model() {
    check((histories(), vec(any::<Index>(), 2)), |(h, picks)| {
        against_model(&h, &picks, check_timeline)?;
        Ok(())
    });
}

#[test]
fn changes_between_agree_with_the_model() {
    check((histories(), vec(any::<Index>(), 2)), |(h, picks)| {
        against_model(&h, &picks, check_changes_between)?;
        Ok(())
    });
}

#[test]
fn diff_agrees_with_the_model() {
    check((histories(), vec(any::<Index>(), 1)), |(h, picks)| {
        against_model(&h, &picks, check_diff)?;
        Ok(())
    });
}

#[test]
fn lookups_agree_with_the_model() {
    check((histories(), vec(any::<Index>(), 2)), |(h, picks)| {
        against_model(&h, &picks, check_lookups)?;
        Ok(())
    });
}

// ------------------------------------------------------------------------------------------
// Properties: invariants
// ------------------------------------------------------------------------------------------

/// A history and another order of it that respects its dependencies.
fn history_and_reordering() -> impl Strategy<Value = (History, History)> {
    histories().prop_flat_map(|h| (Just(h.clone()), reordered(h)))
}

#[test]
fn generated_histories_are_accepted_one_change_at_a_time() {
    check(histories(), |h| {
        let mut one_by_one = Ledger::new();
        for change in &h.changes {
            let applied = one_by_one.apply(change.clone());
            prop_assert!(applied.is_ok(), "{:?} refused: {:?}", change, applied);
            let applied = applied.unwrap();
            prop_assert_eq!((applied.appended, applied.already_present), (1, 0));
        }
        prop_assert_eq!(one_by_one.len(), h.changes.len());
        prop_assert_eq!(one_by_one.is_empty(), h.changes.is_empty());
        prop_assert_eq!(one_by_one.changes(), &h.changes[..]);
        prop_assert_eq!(
            one_by_one.latest_recorded(),
            h.changes.last().map(|c| c.recorded)
        );
        let whole = ledger(&h);
        prop_assert_eq!(&whole, &one_by_one);
        prop_assert_eq!(whole == Ledger::new(), h.changes.is_empty());
        prop_assert_eq!(whole.current().log(), whole.changes());
        prop_assert!(whole.known_at(DateTime::<Utc>::MIN_UTC).log().is_empty());
        same_answers(&whole.current(), &one_by_one.current(), &h)?;
        for c in &h.changes {
            prop_assert_eq!(whole.change(c.id), Some(c));
        }
        Ok(())
    });
}

#[test]
fn any_order_that_respects_dependencies_gives_the_same_answers() {
    check(history_and_reordering(), |(h, other)| {
        let original = ledger(&h);
        let reordered = other.ledger();
        prop_assert!(reordered.is_ok(), "reordering refused: {:?}", reordered);
        let reordered = reordered.unwrap();
        same_answers(&original.current(), &reordered.current(), &h)?;
        Ok(())
    });
}

#[test]
fn a_batch_with_one_invalid_change_leaves_the_ledger_as_it_was() {
    check(
        (
            invalid_change(history_config()),
            any::<Index>(),
            vec(any::<Index>(), 2),
        ),
        |(invalid, split, picks)| {
            let InvalidChange {
                history: h, change, ..
            } = invalid;
            let k = split.index(h.changes.len() + 1);
            let mut ledger = Ledger::from_changes(h.changes[..k].iter().cloned()).unwrap();
            let before = json(&ledger);
            let batch: Vec<Change> = h.changes[k..].iter().cloned().chain([change]).collect();
            prop_assert!(ledger.apply_batch(batch).is_err());
            prop_assert_eq!(json(&ledger), before);
            // The indexes are rolled back too: the ledger answers as one never offered the batch,
            // now and as known at earlier instants (views of the past use other indexes), and
            // takes the valid part afterwards.
            let fresh = Ledger::from_changes(h.changes[..k].iter().cloned()).unwrap();
            same_answers(&ledger.current(), &fresh.current(), &h)?;
            for at in instants(&h, &picks) {
                same_answers(&ledger.known_at(at), &fresh.known_at(at), &h)?;
            }
            prop_assert!(ledger.apply_batch(h.changes[k..].iter().cloned()).is_ok());
            same_answers(&ledger.current(), &self::ledger(&h).current(), &h)?;
            Ok(())
        },
    );
}

#[test]
fn an_invalid_change_is_refused_with_the_rule_it_breaks() {
    check(invalid_change(history_config()), |invalid| {
        let InvalidChange {
            history: h,
            change,
            rule,
            ..
        } = invalid;
        let mut ledger = ledger(&h);
        let before = json(&ledger);
        let error = ledger.apply(change.clone()).unwrap_err();
        prop_assert!(rule.matches(&error), "{:?} expected, got {:?}", rule, error);
        prop_assert_eq!(error.change(), Some(change.id));
        prop_assert!(!error.to_string().is_empty());
        prop_assert_eq!(json(&ledger), before);
        Ok(())
    });
}

/// The invalid-change strategy reaches every rule: a rule it never draws would go untested by
/// the two properties above (and, for the link rules, `tests/model_links.rs`, whose histories
/// link entities as these do). Without relations, no stake can be overfilled; the derived suite
/// (`model/derived.rs`) draws that rule from histories with relations.
#[test]
fn the_invalid_change_strategy_draws_every_rule() {
    use proptest::strategy::ValueTree;
    use sanctions_ledger::strategy::Rule;
    let strategy = invalid_change(history_config().with_links());
    let wanted: Vec<Rule> = Rule::ALL
        .into_iter()
        .filter(|rule| *rule != Rule::OwnershipOverWhole)
        .collect();
    let mut runner = TestRunner::deterministic();
    let mut drawn = BTreeSet::new();
    for _ in 0..2_000 {
        let tree = strategy.new_tree(&mut runner).unwrap();
        drawn.insert(tree.current().rule);
        if drawn.len() == wanted.len() {
            break;
        }
    }
    let missing: Vec<Rule> = wanted
        .into_iter()
        .filter(|rule| !drawn.contains(rule))
        .collect();
    assert!(missing.is_empty(), "never drawn: {missing:?}");
}

#[test]
fn reapplying_any_applied_change_is_a_no_op() {
    check(histories(), |h| {
        let mut ledger = ledger(&h);
        let before = json(&ledger);
        for change in &h.changes {
            let applied = ledger.apply(change.clone()).unwrap();
            prop_assert_eq!((applied.appended, applied.already_present), (0, 1));
        }
        let applied = ledger.apply_batch(h.changes.iter().cloned()).unwrap();
        prop_assert_eq!(
            (applied.appended, applied.already_present),
            (0, h.changes.len())
        );
        prop_assert_eq!(json(&ledger), before);
        Ok(())
    });
}

#[test]
fn every_public_type_round_trips_through_serde() {
    check((histories(), any::<Index>()), |(h, day)| {
        let ledger = ledger(&h);
        let view = ledger.current();
        let all = dates(&h);
        let (a, b) = (*day.get(&all), all[all.len() / 2]);
        for c in &h.changes {
            round_trip(c)?;
            round_trip(&c.id)?;
            round_trip(&c.kind)?;
            round_trip(&c.source)?;
            round_trip(&c.window)?;
            match &c.kind {
                ChangeKind::RegisterEntity { entity, record }
                | ChangeKind::AmendEntity { entity, record } => {
                    round_trip(entity)?;
                    round_trip(record)?;
                    round_trip(&record.kind)?;
                    for i in &record.identifiers {
                        round_trip(i)?;
                    }
                    round_trip(&record.countries)?;
                }
                ChangeKind::Designate {
                    designation,
                    record,
                } => {
                    round_trip(designation)?;
                    round_trip(record)?;
                    round_trip(&record.authority)?;
                    round_trip(&record.list)?;
                    round_trip(&record.terms.programs)?;
                    round_trip(&record.terms.measures)?;
                }
                ChangeKind::IssueLicence { licence, record } => {
                    round_trip(licence)?;
                    round_trip(record)?;
                    round_trip(&record.terms.kind)?;
                    round_trip(&record.terms.authorises)?;
                }
                ChangeKind::EndLicence { end, .. } => round_trip(end)?,
                _ => {}
            }
        }
        let diff = view.diff(a, b);
        serialise_as_owned(&view.state_on(a), &diff)?;
        for s in &diff.status_changes {
            round_trip(s)?;
        }
        for entity in view.entities() {
            let timeline = view.timeline(entity).unwrap();
            round_trip(&timeline)?;
            for t in &timeline.authorities {
                round_trip(t)?;
                for p in &t.periods {
                    round_trip(p)?;
                }
            }
            for authority in authorities(&h) {
                let status = view.status(entity, &authority, a).unwrap();
                round_trip(&status)?;
                round_trip(&status.kind())?;
            }
        }
        let mut copy = ledger.clone();
        round_trip(&copy.apply_batch(h.changes.iter().cloned()).unwrap())?;
        Ok(())
    });
}

#[test]
fn whole_ledgers_round_trip_through_serde() {
    check(histories(), |h| {
        let ledger = ledger(&h);
        let text = json(&ledger);
        let back: Ledger = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&back, &ledger);
        same_answers(&back.current(), &ledger.current(), &h)?;
        prop_assert_eq!(json(&back), text);
        Ok(())
    });
}

#[test]
fn known_at_equals_a_ledger_of_what_was_recorded_by_then() {
    check((histories(), vec(any::<Index>(), 2)), |(h, picks)| {
        let ledger = ledger(&h);
        for at in instants(&h, &picks) {
            let view = ledger.known_at(at);
            prop_assert_eq!(view.known_at(), Some(at));
            let recorded: Vec<Change> = h
                .changes
                .iter()
                .filter(|c| c.recorded <= at)
                .cloned()
                .collect();
            let prefix = Ledger::from_changes(recorded.iter().cloned()).unwrap();
            same_answers(&view, &prefix.current(), &h)?;
            // The same without the retracted changes and the retractions themselves.
            let withdrawn: BTreeSet<ChangeId> = recorded
                .iter()
                .filter_map(|c| match &c.kind {
                    ChangeKind::Retract { change, .. } => Some(*change),
                    _ => None,
                })
                .collect();
            let live = recorded.into_iter().filter(|c| {
                !withdrawn.contains(&c.id) && !matches!(c.kind, ChangeKind::Retract { .. })
            });
            let never = Ledger::from_changes(live);
            prop_assert!(never.is_ok(), "{:?}", never);
            same_answers(&view, &never.unwrap().current(), &h)?;
        }
        Ok(())
    });
}

#[test]
fn known_at_or_after_the_last_record_equals_the_current_view() {
    check(histories(), |h| {
        let ledger = ledger(&h);
        if let Some(last) = ledger.latest_recorded() {
            same_answers(&ledger.known_at(last), &ledger.current(), &h)?;
            same_answers(
                &ledger.known_at(last + TimeDelta::days(365)),
                &ledger.current(),
                &h,
            )?;
        }
        prop_assert_eq!(ledger.current().known_at(), None);
        Ok(())
    });
}

#[test]
fn retracting_a_change_is_like_never_having_applied_it() {
    check(
        (histories(), any::<Index>(), any::<bool>()),
        |(h, pick, later)| {
            let candidates = retractable(&h);
            if candidates.is_empty() {
                return Ok(());
            }
            let i = *pick.get(&candidates);
            let target = &h.changes[i];
            let last = h.changes.last().unwrap().recorded;
            let recorded = if later {
                last + TimeDelta::hours(1)
            } else {
                last
            };
            let retraction = Change::new(
                ChangeId::derive("test retraction"),
                h.window_start,
                recorded,
                sanctions_ledger::Source::new("correction"),
                ChangeKind::Retract {
                    change: target.id,
                    reason: "entered in error".into(),
                },
            );
            let mut retracted = ledger(&h);
            let applied = retracted.apply(retraction);
            prop_assert!(
                applied.is_ok(),
                "retracting {:?} refused: {:?}",
                target,
                applied
            );
            let without: Vec<Change> = h
                .changes
                .iter()
                .filter(|c| c.id != target.id)
                .cloned()
                .collect();
            let never = Ledger::from_changes(without).unwrap();
            same_answers(&retracted.current(), &never.current(), &h)?;
            // What was known before the correction still sees the change.
            if later {
                same_answers(&retracted.known_at(last), &ledger(&h).current(), &h)?;
            }
            Ok(())
        },
    );
}

#[test]
fn timeline_periods_are_sorted_disjoint_and_agree_with_status() {
    check((histories(), vec(any::<Index>(), 2)), |(h, picks)| {
        let ledger = ledger(&h);
        for (view, _) in views(&ledger, &h, &picks) {
            for entity in view.entities() {
                let timeline = view.timeline(entity).unwrap();
                let names: Vec<&Authority> =
                    timeline.authorities.iter().map(|t| &t.authority).collect();
                prop_assert!(
                    names.windows(2).all(|w| w[0] < w[1]),
                    "authorities sorted and unique"
                );
                for t in &timeline.authorities {
                    prop_assert!(!t.periods.is_empty());
                    for (i, p) in t.periods.iter().enumerate() {
                        prop_assert!(p.status != StatusKind::NotListed);
                        let (from, until) = (p.dates.from, p.dates.until);
                        prop_assert!(until.is_none_or(|u| from < u), "{:?}", p);
                        prop_assert!(!p.opened_by.is_empty());
                        prop_assert_eq!(until.is_some(), !p.closed_by.is_empty());
                        if let Some(next) = t.periods.get(i + 1) {
                            let until = until.unwrap();
                            prop_assert!(until <= next.dates.from, "disjoint and sorted");
                            if until == next.dates.from {
                                prop_assert!(p.status != next.status, "adjacent periods differ");
                            }
                        }
                    }
                }
                for date in dates(&h) {
                    for authority in authorities(&h) {
                        let status = view.status(entity, &authority, date).unwrap().kind();
                        prop_assert_eq!(timeline.status_on(&authority, date), status);
                        if let Some(t) = timeline
                            .authorities
                            .iter()
                            .find(|t| t.authority == authority)
                        {
                            prop_assert_eq!(t.status_on(date), status);
                        }
                    }
                }
            }
        }
        Ok(())
    });
}

#[test]
fn a_diff_applied_to_the_earlier_state_gives_the_later_one() {
    check((histories(), vec(any::<Index>(), 1)), |(h, picks)| {
        let ledger = ledger(&h);
        for (view, _) in views(&ledger, &h, &picks) {
            let states: BTreeMap<NaiveDate, State> = dates(&h)
                .into_iter()
                .map(|d| (d, view.state_on(d)))
                .collect();
            for (a, b) in date_pairs(&h) {
                let diff = view.diff(a, b);
                let (earlier, later) = (&states[&a], &states[&b]);
                prop_assert_eq!(&earlier.diff(later), &diff);
                prop_assert_eq!(&earlier.clone().apply(&diff), later);
            }
            for (d, state) in &states {
                let same = state.diff(state);
                prop_assert!(same.is_empty() && same.status_changes.is_empty(), "{}", d);
            }
        }
        Ok(())
    });
}

/// A history with all its changes moved to one recorded instant and shuffled, except that every
/// retraction still follows the change it withdraws.
fn history_in_one_instant() -> impl Strategy<Value = (History, Vec<Change>)> {
    histories()
        .prop_flat_map(|h| {
            let n = h.changes.len();
            (Just(h), vec(any::<u32>(), n))
        })
        .prop_map(|(h, priorities)| {
            let Some(instant) = h.changes.first().map(|c| c.recorded) else {
                return (h, Vec::new());
            };
            let position: BTreeMap<ChangeId, usize> = h
                .changes
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id, i))
                .collect();
            let mut order: Vec<usize> = (0..h.changes.len()).collect();
            order.sort_by_key(|&i| priorities[i]);
            // Move each retraction after its target, repeating until stable.
            loop {
                let at: BTreeMap<usize, usize> =
                    order.iter().enumerate().map(|(k, &i)| (i, k)).collect();
                let misplaced =
                    order
                        .iter()
                        .enumerate()
                        .find_map(|(k, &i)| match &h.changes[i].kind {
                            ChangeKind::Retract { change, .. } if at[&position[change]] > k => {
                                Some((k, at[&position[change]]))
                            }
                            _ => None,
                        });
                let Some((k, target_k)) = misplaced else {
                    break;
                };
                let retraction = order.remove(k);
                order.insert(target_k, retraction);
            }
            let changes = order
                .into_iter()
                .map(|i| {
                    let mut c = h.changes[i].clone();
                    c.recorded = instant;
                    c
                })
                .collect();
            (h, changes)
        })
}

#[test]
fn changes_recorded_at_one_instant_may_come_in_any_order() {
    check(history_in_one_instant(), |(h, changes)| {
        let shuffled = Ledger::from_changes(changes.iter().cloned());
        prop_assert!(shuffled.is_ok(), "{:?}", shuffled);
        let shuffled = shuffled.unwrap();
        let original = ledger(&h);
        let ids = |v: View<'_>| -> BTreeSet<ChangeId> { v.changes().map(|c| c.id).collect() };
        prop_assert_eq!(ids(shuffled.current()), ids(original.current()));
        for date in dates(&h) {
            for entity in entities(&h) {
                for authority in authorities(&h) {
                    prop_assert_eq!(
                        shuffled.current().is_listed(entity, &authority, date),
                        original.current().is_listed(entity, &authority, date)
                    );
                }
            }
        }
        Ok(())
    });
}

#[test]
fn ledgers_of_another_format_or_version_are_refused_on_load() {
    let ok = r#"{"format":"sanctions-ledger","version":1,"changes":[]}"#;
    assert_eq!(serde_json::from_str::<Ledger>(ok).unwrap(), Ledger::new());
    for bad in [
        r#"{"format":"sanctions-ledger","version":2,"changes":[]}"#,
        r#"{"format":"other","version":1,"changes":[]}"#,
        r#"{"format":"other","version":2,"changes":[]}"#,
    ] {
        assert!(serde_json::from_str::<Ledger>(bad).is_err(), "{bad}");
    }
}

/// A history with one change that depends on another moved in front of it, every change
/// recorded at its own instant.
fn history_with_a_change_before_its_dependency() -> impl Strategy<Value = Option<Vec<Change>>> {
    (histories(), any::<Index>()).prop_map(|(h, pick)| {
        let deps = h.dependencies();
        let movable: Vec<(usize, usize)> = deps
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.first().map(|&first| (i, first)))
            .collect();
        if movable.is_empty() {
            return None;
        }
        let (moved, before) = *pick.get(&movable);
        let mut order: Vec<usize> = (0..h.changes.len()).filter(|&i| i != moved).collect();
        let at = order.iter().position(|&i| i == before).unwrap();
        order.insert(at, moved);
        let start = h.changes[0].recorded;
        let changes = order
            .into_iter()
            .zip(0..)
            .map(|(i, n)| {
                let mut c = h.changes[i].clone();
                c.recorded = start + TimeDelta::seconds(n);
                c
            })
            .collect();
        Some(changes)
    })
}

#[test]
fn a_batch_is_checked_at_every_recorded_instant_not_only_at_its_end() {
    check(history_with_a_change_before_its_dependency(), |changes| {
        let Some(changes) = changes else {
            return Ok(());
        };
        // Valid as a whole at the end, but not as known at the moved change's instant.
        let mut ledger = Ledger::new();
        prop_assert!(ledger.apply_batch(changes.iter().cloned()).is_err());
        prop_assert!(ledger.is_empty());
        prop_assert!(Ledger::from_changes(changes).is_err());
        Ok(())
    });
}
