//! The ledger against the alternatives a user would build themselves (issue 6).
//!
//! The same synthetic workload (`benches/workload`) is built in three implementations:
//!
//! - **ledger**: this crate, through its public API only;
//! - **sqlite**: an in-memory `SQLite` database with a table of designation intervals, a
//!   delisting history (for `known_at`), the versions of designations' and licences' terms,
//!   licences, licence coverage and the effective dates of changes, with the indexes a competent
//!   engineer would add (covering where useful);
//!   retractions and amendments are applied while loading;
//! - **naive**: the change log in a `Vec`, replayed linearly for every question.
//!
//! First the three are checked to give the same answers on a sample of questions (a mismatch
//! panics: it is a bug in the bench or in a peer, not a slow run). Then each kind of question is
//! timed, and a table of medians and peer/ledger ratios is printed. The last lines are
//! machine-readable: `RATIO <query> <peer> <peer median / ledger median>`.
//!
//! `cargo bench --bench peers -- --quick` runs 10k designations in seconds (CI); without
//! `--quick` it runs 1M designations. `--size N` and `--seed S` override the size and seed.
//!
//! The `state_on` row times the ledger's light whole-state query
//! (`View::designations_in_force` and `View::licences_in_force`, ids only) against an SQL query
//! of ids, entity and authority; the `state_on_full` row times `View::state_on`, every
//! designation's and licence's terms as of the date, against SQL queries that return the same
//! content (the terms in force joined from tables of term versions, and the licences' coverage).
//! The `diff` row likewise times `View::diff` against SQL queries that return its content: the
//! ids, the terms of what is designated, amended or issued as of the later date, and the
//! (entity, authority) status changes. The agreement checks compare that content in full.
//!
//! Memory is measured as resident set size from `/proc/self/status` around building the ledger:
//! a counting global allocator would need `unsafe impl GlobalAlloc`, which the crate's
//! `unsafe_code = "forbid"` lint (applied to benches too) rules out.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use rusqlite::{params, Connection, Statement};
use sanctions_ledger::chrono::{DateTime, Datelike, NaiveDate, Utc};
use sanctions_ledger::{
    Aggregation, Authority, Change, ChangeId, ChangeKind, DerivedKind, DesignationId,
    DesignationTerms, EntityId, Error, Ledger, LicenceId, LicenceTerms, OwnershipRule, Reason,
    Share, Status, StatusKind, View,
};

#[path = "workload/mod.rs"]
mod workload;

use workload::{Queries, StatusQuery};

// ---------------------------------------------------------------------------------------------
// Answers, in one comparable shape for the three implementations.

/// A status answer: the kind and the sorted ids behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct StatusAnswer {
    kind: StatusKind,
    designations: Vec<DesignationId>,
    licences: Vec<LicenceId>,
}

impl StatusAnswer {
    fn new(mut designations: Vec<DesignationId>, mut licences: Vec<LicenceId>) -> Self {
        designations.sort_unstable();
        designations.dedup();
        licences.sort_unstable();
        licences.dedup();
        if designations.is_empty() {
            licences.clear();
        }
        let kind = match (designations.is_empty(), licences.is_empty()) {
            (true, _) => StatusKind::NotListed,
            (false, true) => StatusKind::Listed,
            (false, false) => StatusKind::ListedLicensed,
        };
        StatusAnswer {
            kind,
            designations,
            licences,
        }
    }
}

/// The ids in force on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
struct StateAnswer {
    designations: BTreeSet<DesignationId>,
    licences: BTreeSet<LicenceId>,
}

/// The id-level difference between two dates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct DiffAnswer {
    designated: BTreeSet<DesignationId>,
    delisted: BTreeSet<DesignationId>,
    amended: BTreeSet<DesignationId>,
    licences_issued: BTreeSet<LicenceId>,
    licences_ended: BTreeSet<LicenceId>,
    licences_amended: BTreeSet<LicenceId>,
}

/// A designation in force with its terms as of the date, in one comparable shape: what
/// `View::state_on` holds per designation, with the terms' programs and measures as the text
/// the SQL peer stores (`program_text`, `measure_text`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct DesignationFull {
    entity: EntityId,
    authority: String,
    list: Option<String>,
    since: NaiveDate,
    designated_by: ChangeId,
    programs: String,
    measures: String,
    legal_basis: Option<String>,
    reason: Option<String>,
}

/// A licence in force with its terms as of the date, in one comparable shape (covers sorted).
#[derive(Debug, Clone, PartialEq, Eq)]
struct LicenceFull {
    authority: String,
    since: NaiveDate,
    issued_by: ChangeId,
    name: String,
    kind: String,
    covers: Vec<EntityId>,
    covers_owned: bool,
    authorises: String,
    excludes: String,
}

/// Everything in force on a date with its terms: the content of `View::state_on`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct StateFull {
    designations: BTreeMap<DesignationId, DesignationFull>,
    licences: BTreeMap<LicenceId, LicenceFull>,
}

/// The content of `View::diff`: the ids, the terms of what is designated, amended, issued, and
/// the (entity, authority) status changes, sorted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct DiffFull {
    designated: BTreeMap<DesignationId, DesignationFull>,
    delisted: BTreeSet<DesignationId>,
    amended: BTreeMap<DesignationId, DesignationFull>,
    licences_issued: BTreeMap<LicenceId, LicenceFull>,
    licences_ended: BTreeSet<LicenceId>,
    licences_amended: BTreeMap<LicenceId, LicenceFull>,
    status_changes: Vec<(EntityId, String, StatusKind, StatusKind)>,
}

impl DiffFull {
    /// The id-level answer, to compare with the naive peer.
    fn ids(&self) -> DiffAnswer {
        DiffAnswer {
            designated: self.designated.keys().copied().collect(),
            delisted: self.delisted.clone(),
            amended: self.amended.keys().copied().collect(),
            licences_issued: self.licences_issued.keys().copied().collect(),
            licences_ended: self.licences_ended.clone(),
            licences_amended: self.licences_amended.keys().copied().collect(),
        }
    }
}

/// The programs of a designation's terms as the SQL peer stores them: `AUTHORITY:code`, joined
/// by commas, in order.
fn program_text(terms: &DesignationTerms) -> String {
    let programs: Vec<String> = terms.programs.iter().map(ToString::to_string).collect();
    programs.join(",")
}

/// The measures of a designation's terms as the SQL peer stores them, joined by commas, in order.
fn measure_text(terms: &DesignationTerms) -> String {
    let measures: Vec<String> = terms.measures.iter().map(|m| format!("{m:?}")).collect();
    measures.join(",")
}

/// A status kind as the SQL peer computes it: 0 not listed, 1 listed, 2 listed and licensed.
fn kind_of(code: i64) -> StatusKind {
    match code {
        0 => StatusKind::NotListed,
        1 => StatusKind::Listed,
        _ => StatusKind::ListedLicensed,
    }
}

fn designation_full(d: &sanctions_ledger::DesignationInForce) -> DesignationFull {
    DesignationFull {
        entity: d.entity,
        authority: d.authority.as_str().to_owned(),
        list: d.list.map(ToString::to_string),
        since: d.since,
        designated_by: d.designated_by,
        programs: program_text(d.terms),
        measures: measure_text(d.terms),
        legal_basis: d.terms.legal_basis.clone(),
        reason: d.terms.reason.clone(),
    }
}

fn licence_full(l: &sanctions_ledger::LicenceInForce) -> LicenceFull {
    let mut covers = l.terms.covers.clone();
    covers.sort_unstable();
    LicenceFull {
        authority: l.authority.as_str().to_owned(),
        since: l.since,
        issued_by: l.issued_by,
        name: l.terms.name.clone(),
        kind: format!("{:?}", l.terms.kind),
        covers,
        covers_owned: l.terms.covers_owned_entities,
        authorises: format!("{:?}", l.terms.authorises),
        excludes: l.terms.excludes.join(","),
    }
}

fn ledger_state_full(view: View<'_>, date: NaiveDate) -> StateFull {
    let state = view.state_on(date);
    StateFull {
        designations: state
            .designations
            .iter()
            .map(|(id, d)| (*id, designation_full(d)))
            .collect(),
        licences: state
            .licences
            .iter()
            .map(|(id, l)| (*id, licence_full(l)))
            .collect(),
    }
}

fn ledger_diff_full(view: View<'_>, from: NaiveDate, to: NaiveDate) -> DiffFull {
    let diff = view.diff(from, to);
    let designations = |m: &BTreeMap<DesignationId, sanctions_ledger::DesignationInForce>| {
        m.iter().map(|(id, d)| (*id, designation_full(d))).collect()
    };
    let licences = |m: &BTreeMap<LicenceId, sanctions_ledger::LicenceInForce>| {
        m.iter().map(|(id, l)| (*id, licence_full(l))).collect()
    };
    let mut status_changes: Vec<(EntityId, String, StatusKind, StatusKind)> = diff
        .status_changes
        .iter()
        .map(|c| (c.entity, c.authority.as_str().to_owned(), c.before, c.after))
        .collect();
    status_changes.sort();
    DiffFull {
        designated: designations(&diff.designated),
        delisted: diff.delisted.clone(),
        amended: designations(&diff.amended),
        licences_issued: licences(&diff.licences_issued),
        licences_ended: diff.licences_ended.clone(),
        licences_amended: licences(&diff.licences_amended),
        status_changes,
    }
}

// ---------------------------------------------------------------------------------------------
// The ledger, through its public API.

fn ledger_status(view: View<'_>, q: &StatusQuery) -> StatusAnswer {
    // The peers answer "not listed" for an entity not recorded yet (a known-at question
    // before its registration), where the ledger says it does not know the entity.
    let status = match view.status(q.entity, &q.authority, q.date) {
        Ok(status) => status,
        Err(Error::EntityNotKnown { .. }) => Status::NotListed,
        Err(other) => panic!("status refused: {other}"),
    };
    let answer = StatusAnswer::new(status.designations().to_vec(), status.licences().to_vec());
    assert_eq!(answer.kind, status.kind(), "status kind and ids disagree");
    answer
}

fn ledger_state(view: View<'_>, date: NaiveDate) -> StateAnswer {
    let state = view.state_on(date);
    StateAnswer {
        designations: state.designations.keys().copied().collect(),
        licences: state.licences.keys().copied().collect(),
    }
}

fn ledger_changes(view: View<'_>, from: NaiveDate, to: NaiveDate) -> Vec<ChangeId> {
    view.changes_between(from, to)
        .iter()
        .map(|c| c.id)
        .collect()
}

fn ledger_diff(view: View<'_>, from: NaiveDate, to: NaiveDate) -> DiffAnswer {
    let diff = view.diff(from, to);
    DiffAnswer {
        designated: diff.designated.keys().copied().collect(),
        delisted: diff.delisted.clone(),
        amended: diff.amended.keys().copied().collect(),
        licences_issued: diff.licences_issued.keys().copied().collect(),
        licences_ended: diff.licences_ended.clone(),
        licences_amended: diff.licences_amended.keys().copied().collect(),
    }
}

/// A derived-status answer: the kind, the entity's own designations, each block through
/// ownership (the designated person whose holdings are added up, if the rule adds up one
/// person's only; the stakes as (owner, hundredths), sorted; their sum), the controllers, and
/// the licences that relieve it. The workload's licences name their entities (none covers owned
/// entities) and all its designations freeze assets, so the peers need not read terms.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DerivedAnswer {
    kind: DerivedKind,
    designations: Vec<DesignationId>,
    owned: Vec<OwnedBlock>,
    controlled: Vec<EntityId>,
    licences: Vec<LicenceId>,
}

/// One block through ownership: the designated person whose holdings are added up (if the
/// rule adds up one person's only), the stakes as (owner, hundredths), sorted, and their sum.
type OwnedBlock = (Option<EntityId>, Vec<(EntityId, u16)>, u32);

/// A relation as the naive peer replays it: owner, owned, its versions as (from, share or
/// `None` for a control), and its end.
type ReplayedRelation = (
    EntityId,
    EntityId,
    Vec<(NaiveDate, Option<u16>)>,
    Option<NaiveDate>,
);

fn ledger_derived(view: View<'_>, q: &StatusQuery) -> DerivedAnswer {
    let status = view
        .derived_status(q.entity, &q.authority, q.date)
        .expect("the questions name known entities");
    let mut answer = DerivedAnswer {
        kind: status.kind,
        designations: status.designations().collect(),
        owned: Vec::new(),
        controlled: Vec::new(),
        licences: status.licence_ids().collect(),
    };
    for reason in &status.reasons {
        match reason {
            Reason::Owned {
                designated_person,
                stakes,
                aggregate,
            } => answer.owned.push((
                *designated_person,
                stakes.iter().map(|s| (s.owner, s.share.low())).collect(),
                u32::from(aggregate.low()),
            )),
            Reason::Controlled { controller, .. } => answer.controlled.push(*controller),
            _ => {}
        }
    }
    answer.controlled.sort_unstable();
    answer.controlled.dedup();
    answer
}

/// What a peer found: the entity's designations and named licences in force, and the
/// ownerships and controls in force above it, as (owner, owned, share or `None` for a control,
/// whether a designation of the authority lists the owner).
struct Found {
    designations: Vec<DesignationId>,
    licences: Vec<LicenceId>,
    edges: Vec<(EntityId, EntityId, Option<u16>, bool)>,
}

/// The derived answer from what a peer found, under the authority's rule: the least set that
/// holds the listed owners and every entity they own enough of (or control), found by sweeping
/// the edges until nothing changes; per designated person for the UK. Written apart from the
/// ledger's worklist on purpose.
fn derive(entity: EntityId, authority: &Authority, date: NaiveDate, found: Found) -> DerivedAnswer {
    let Found {
        mut designations,
        mut licences,
        edges,
    } = found;
    designations.sort_unstable();
    designations.dedup();
    licences.sort_unstable();
    licences.dedup();
    let mut owned = Vec::new();
    let mut controlled = Vec::new();
    if let Some(rule) = OwnershipRule::for_authority(authority, date) {
        let roots: BTreeSet<EntityId> = edges
            .iter()
            .filter(|e| e.3)
            .map(|e| e.0)
            .chain((!designations.is_empty()).then_some(entity))
            .collect();
        let groups: Vec<(Option<EntityId>, BTreeSet<EntityId>)> = match rule.aggregation {
            Aggregation::PerDesignatedPerson => roots
                .iter()
                .map(|&r| (Some(r), BTreeSet::from([r])))
                .collect(),
            _ => vec![(None, roots.clone())],
        };
        for (person, mut set) in groups {
            loop {
                let before = set.len();
                let targets: BTreeSet<EntityId> = edges.iter().map(|e| e.1).collect();
                for t in targets {
                    if set.contains(&t) {
                        continue;
                    }
                    let held: u32 = edges
                        .iter()
                        .filter(|e| e.1 == t && set.contains(&e.0))
                        .filter_map(|e| e.2.map(u32::from))
                        .sum();
                    let ruled = edges
                        .iter()
                        .any(|e| e.1 == t && e.2.is_none() && set.contains(&e.0));
                    if rule.threshold.met_by(held) || (rule.control && ruled) {
                        set.insert(t);
                    }
                }
                if set.len() == before {
                    break;
                }
            }
            if person == Some(entity) {
                continue;
            }
            let mut stakes: Vec<(EntityId, u16)> = edges
                .iter()
                .filter(|e| e.1 == entity && set.contains(&e.0))
                .filter_map(|e| e.2.map(|s| (e.0, s)))
                .collect();
            stakes.sort_unstable();
            let total: u32 = stakes.iter().map(|s| u32::from(s.1)).sum();
            if rule.threshold.met_by(total) {
                owned.push((person, stakes, total));
            }
            if rule.control {
                controlled.extend(
                    edges
                        .iter()
                        .filter(|e| e.1 == entity && e.2.is_none() && set.contains(&e.0))
                        .map(|e| e.0),
                );
            }
        }
    }
    owned.sort();
    controlled.sort_unstable();
    controlled.dedup();
    let caught = !designations.is_empty() || !owned.is_empty() || !controlled.is_empty();
    if !caught {
        licences.clear();
    }
    let kind = match (designations.is_empty(), caught, licences.is_empty()) {
        (false, _, true) => DerivedKind::Listed,
        (false, _, false) => DerivedKind::ListedLicensed,
        (true, true, true) => DerivedKind::BlockedByOwnership,
        (true, true, false) => DerivedKind::BlockedByOwnershipLicensed,
        (true, false, _) => DerivedKind::NotListed,
    };
    DerivedAnswer {
        kind,
        designations,
        owned,
        controlled,
        licences,
    }
}

// ---------------------------------------------------------------------------------------------
// The naive peer: the log in a Vec, replayed for every question.

/// The change log, replayed linearly for each question. It trusts nothing but the log: every
/// question scans it from the start, in several passes where order inside a recorded instant
/// could matter.
struct Naive<'a> {
    log: &'a [Change],
}

/// A licence as the naive peer reconstructs it.
struct NaiveLicence<'a> {
    start: NaiveDate,
    end: Option<NaiveDate>,
    /// Terms by (effective, log position): the issue and each amendment.
    versions: Vec<(NaiveDate, usize, &'a LicenceTerms)>,
}

impl NaiveLicence<'_> {
    fn terms_on(&self, date: NaiveDate) -> Option<&LicenceTerms> {
        self.versions
            .iter()
            .filter(|(effective, _, _)| *effective <= date)
            .max_by_key(|(effective, at, _)| (*effective, *at))
            .map(|(_, _, terms)| *terms)
    }

    fn in_force_on(&self, date: NaiveDate) -> bool {
        self.start <= date && self.end.is_none_or(|end| date < end)
    }
}

impl<'a> Naive<'a> {
    /// The changes seen as known at `at` (all if `None`), and the ids retracted among them.
    fn visible(&self, at: Option<DateTime<Utc>>) -> (&'a [Change], HashSet<ChangeId>) {
        let cut = match at {
            Some(at) => self.log.iter().take_while(|c| c.recorded <= at).count(),
            None => self.log.len(),
        };
        let log = &self.log[..cut];
        let retracted = log
            .iter()
            .filter_map(|c| match &c.kind {
                ChangeKind::Retract { change, .. } => Some(*change),
                _ => None,
            })
            .collect();
        (log, retracted)
    }

    /// Every licence of the view (optionally only one authority's).
    fn licences(
        log: &'a [Change],
        retracted: &HashSet<ChangeId>,
        authority: Option<&sanctions_ledger::Authority>,
    ) -> HashMap<LicenceId, NaiveLicence<'a>> {
        let mut licences = HashMap::new();
        for (at, c) in log.iter().enumerate() {
            if let ChangeKind::IssueLicence { licence, record } = &c.kind {
                if authority.is_none_or(|a| *a == record.authority) && !retracted.contains(&c.id) {
                    licences.insert(
                        *licence,
                        NaiveLicence {
                            start: c.effective,
                            end: None,
                            versions: vec![(c.effective, at, &record.terms)],
                        },
                    );
                }
            }
        }
        for (at, c) in log.iter().enumerate() {
            match &c.kind {
                ChangeKind::AmendLicence { licence, terms } => {
                    if let Some(l) = licences.get_mut(licence) {
                        if !retracted.contains(&c.id) {
                            l.versions.push((c.effective, at, terms));
                        }
                    }
                }
                ChangeKind::EndLicence { licence, .. } => {
                    if let Some(l) = licences.get_mut(licence) {
                        if !retracted.contains(&c.id) {
                            l.end = Some(c.effective);
                        }
                    }
                }
                _ => {}
            }
        }
        licences
    }

    fn status(&self, q: &StatusQuery, at: Option<DateTime<Utc>>) -> StatusAnswer {
        let (log, retracted) = self.visible(at);
        let mut starts: HashMap<DesignationId, NaiveDate> = HashMap::new();
        for c in log {
            if let ChangeKind::Designate {
                designation,
                record,
            } = &c.kind
            {
                if record.entity == q.entity
                    && record.authority == q.authority
                    && !retracted.contains(&c.id)
                {
                    starts.insert(*designation, c.effective);
                }
            }
        }
        let mut ends: HashMap<DesignationId, NaiveDate> = HashMap::new();
        for c in log {
            if let ChangeKind::Delist { designation } = &c.kind {
                if starts.contains_key(designation) && !retracted.contains(&c.id) {
                    ends.insert(*designation, c.effective);
                }
            }
        }
        let designations: Vec<DesignationId> = starts
            .iter()
            .filter(|(id, start)| {
                **start <= q.date && ends.get(*id).is_none_or(|end| q.date < *end)
            })
            .map(|(id, _)| *id)
            .collect();
        if designations.is_empty() {
            return StatusAnswer::new(designations, Vec::new());
        }
        let licences = Self::licences(log, &retracted, Some(&q.authority))
            .into_iter()
            .filter(|(_, l)| {
                l.in_force_on(q.date)
                    && l.terms_on(q.date)
                        .is_some_and(|t| t.covers.contains(&q.entity))
            })
            .map(|(id, _)| id)
            .collect();
        StatusAnswer::new(designations, licences)
    }

    /// The derived status: one replay of the log into the relations in force, then the
    /// owners above the entity, each one's status replayed again.
    fn derived(&self, q: &StatusQuery) -> DerivedAnswer {
        let (log, _) = self.visible(None);
        // Relations in force on the date: (owner, owned, share or None) by id, from their
        // versions in log order (the workload retracts no relation change).
        let mut relations: HashMap<sanctions_ledger::RelationId, ReplayedRelation> = HashMap::new();
        for c in log {
            match &c.kind {
                ChangeKind::Relate { relation, record } => {
                    let share = record.terms.share.map(Share::low);
                    relations.insert(
                        *relation,
                        (
                            record.subject(),
                            record.object(),
                            vec![(c.effective, share)],
                            None,
                        ),
                    );
                }
                ChangeKind::AmendRelation { relation, terms } => {
                    if let Some(r) = relations.get_mut(relation) {
                        r.2.push((c.effective, terms.share.map(Share::low)));
                    }
                }
                ChangeKind::EndRelation { relation } => {
                    if let Some(r) = relations.get_mut(relation) {
                        r.3 = Some(c.effective);
                    }
                }
                _ => {}
            }
        }
        let in_force: Vec<(EntityId, EntityId, Option<u16>)> = relations
            .values()
            .filter(|r| r.2[0].0 <= q.date && r.3.is_none_or(|end| q.date < end))
            .map(|r| {
                let share =
                    r.2.iter()
                        .filter(|v| v.0 <= q.date)
                        .max_by_key(|v| v.0)
                        .and_then(|v| v.1);
                (r.0, r.1, share)
            })
            .collect();
        let mut above = vec![q.entity];
        let mut next = 0;
        while next < above.len() {
            let owned = above[next];
            for e in &in_force {
                if e.1 == owned && !above.contains(&e.0) {
                    above.push(e.0);
                }
            }
            next += 1;
        }
        let listed = |entity: EntityId| {
            let question = StatusQuery {
                entity,
                authority: q.authority.clone(),
                date: q.date,
            };
            self.status(&question, None)
        };
        let own = listed(q.entity);
        let edges = in_force
            .iter()
            .filter(|e| above.contains(&e.1))
            .map(|e| (e.0, e.1, e.2, !listed(e.0).designations.is_empty()))
            .collect();
        derive(
            q.entity,
            &q.authority,
            q.date,
            Found {
                designations: own.designations,
                licences: own.licences,
                edges,
            },
        )
    }

    fn state(&self, date: NaiveDate) -> StateAnswer {
        let (log, retracted) = self.visible(None);
        let mut designations = BTreeSet::new();
        for c in log {
            if let ChangeKind::Designate { designation, .. } = &c.kind {
                if c.effective <= date && !retracted.contains(&c.id) {
                    designations.insert(*designation);
                }
            }
        }
        for c in log {
            if let ChangeKind::Delist { designation } = &c.kind {
                if c.effective <= date && !retracted.contains(&c.id) {
                    designations.remove(designation);
                }
            }
        }
        let licences = Self::licences(log, &retracted, None)
            .into_iter()
            .filter(|(_, l)| l.in_force_on(date))
            .map(|(id, _)| id)
            .collect();
        StateAnswer {
            designations,
            licences,
        }
    }

    fn changes(&self, from: NaiveDate, to: NaiveDate) -> Vec<ChangeId> {
        let (log, retracted) = self.visible(None);
        let mut hits: Vec<(NaiveDate, usize, ChangeId)> = log
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                from < c.effective
                    && c.effective <= to
                    && !matches!(c.kind, ChangeKind::Retract { .. })
                    && !retracted.contains(&c.id)
            })
            .map(|(at, c)| (c.effective, at, c.id))
            .collect();
        hits.sort_unstable();
        hits.into_iter().map(|(_, _, id)| id).collect()
    }

    /// The difference, by comparing the terms in force on both dates (not by trusting that
    /// every amendment changes them).
    fn diff(&self, from: NaiveDate, to: NaiveDate) -> DiffAnswer {
        let (log, retracted) = self.visible(None);
        let before = self.state(from);
        let after = self.state(to);
        let both: BTreeSet<DesignationId> = before
            .designations
            .intersection(&after.designations)
            .copied()
            .collect();
        let mut terms: HashMap<DesignationId, Vec<(NaiveDate, usize, &DesignationTerms)>> =
            HashMap::new();
        for (at, c) in log.iter().enumerate() {
            if retracted.contains(&c.id) {
                continue;
            }
            match &c.kind {
                ChangeKind::Designate {
                    designation,
                    record,
                } if both.contains(designation) => {
                    terms
                        .entry(*designation)
                        .or_default()
                        .push((c.effective, at, &record.terms));
                }
                ChangeKind::AmendDesignation {
                    designation,
                    terms: t,
                } if both.contains(designation) => {
                    terms
                        .entry(*designation)
                        .or_default()
                        .push((c.effective, at, t));
                }
                _ => {}
            }
        }
        let on = |versions: &[(NaiveDate, usize, &'a DesignationTerms)], date: NaiveDate| {
            versions
                .iter()
                .filter(|(effective, _, _)| *effective <= date)
                .max_by_key(|(effective, at, _)| (*effective, *at))
                .map(|(_, _, t)| *t)
        };
        let amended = terms
            .iter()
            .filter(|(_, versions)| on(versions, from) != on(versions, to))
            .map(|(id, _)| *id)
            .collect();
        let licences = Self::licences(log, &retracted, None);
        let licences_amended = before
            .licences
            .intersection(&after.licences)
            .filter(|id| {
                let l = &licences[*id];
                l.terms_on(from) != l.terms_on(to)
            })
            .copied()
            .collect();
        DiffAnswer {
            designated: after
                .designations
                .difference(&before.designations)
                .copied()
                .collect(),
            delisted: before
                .designations
                .difference(&after.designations)
                .copied()
                .collect(),
            amended,
            licences_issued: after
                .licences
                .difference(&before.licences)
                .copied()
                .collect(),
            licences_ended: before
                .licences
                .difference(&after.licences)
                .copied()
                .collect(),
            licences_amended,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The SQLite peer.

/// Dates are stored as day numbers, instants as unix seconds.
fn day(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

const SCHEMA: &str = "
-- One row per designation: its interval as known now (retracted delistings undone).
CREATE TABLE designation (
    id        INTEGER PRIMARY KEY,   -- dense; the bench maps it back to the DesignationId
    entity    BLOB NOT NULL,         -- the entity's UUID, 16 bytes
    authority TEXT NOT NULL,
    list      TEXT,                  -- the authority's list, if the designation names one
    start     INTEGER NOT NULL,      -- effective day of the designation
    end       INTEGER,               -- effective day of the delisting; NULL while in force
    recorded  INTEGER NOT NULL,      -- when the designation was recorded (unix seconds)
    seq       INTEGER NOT NULL       -- log position of the designation (its change id)
);
-- Every delisting with its recorded and retracted instants, for as-known-at questions.
CREATE TABLE delisting (
    designation INTEGER NOT NULL,
    effective   INTEGER NOT NULL,
    recorded    INTEGER NOT NULL,
    retracted   INTEGER                -- when its retraction was recorded, if any
);
-- Every live (not retracted) version of a designation's terms: as designated, then each
-- amendment. The version in force on a date is the latest effective on or before it, the later
-- in the log (seq) of two effective the same day.
CREATE TABLE designation_terms (
    designation INTEGER NOT NULL,
    effective   INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    programs    TEXT NOT NULL,         -- 'AUTHORITY:code', comma-separated, in order
    measures    TEXT NOT NULL,         -- measure names, comma-separated, in order
    legal_basis TEXT,
    reason      TEXT
);
CREATE TABLE licence (
    id           INTEGER PRIMARY KEY,
    authority    TEXT NOT NULL,
    start        INTEGER NOT NULL,
    end          INTEGER,
    recorded     INTEGER NOT NULL,
    end_recorded INTEGER,
    seq          INTEGER NOT NULL    -- log position of the issue (its change id)
);
-- Every version of a licence's terms but the entities it covers (those are `coverage`).
CREATE TABLE licence_terms (
    licence      INTEGER NOT NULL,
    effective    INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    covers_owned INTEGER NOT NULL,
    authorises   TEXT NOT NULL,
    excludes     TEXT NOT NULL
);
-- Which entities a licence covers, from when (issue or amendment) and since when known.
CREATE TABLE coverage (
    licence  INTEGER NOT NULL,
    entity   BLOB NOT NULL,
    since    INTEGER NOT NULL,
    recorded INTEGER NOT NULL
);
-- One row per version of an ownership or control: who, of whom, the share in hundredths of a
-- percent (NULL for a control), over [start, end).
CREATE TABLE ownership (
    owner    BLOB NOT NULL,
    owned    BLOB NOT NULL,
    share    INTEGER,
    start    INTEGER NOT NULL,
    end      INTEGER
);
-- Live changes by effective day; seq is the position in the log.
CREATE TABLE change (
    effective INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    PRIMARY KEY (effective, seq)
) WITHOUT ROWID;
";

/// Indexes made after the bulk load, as one would. No `ANALYZE`: the bundled `SQLite` is built
/// with `SQLITE_ENABLE_STAT4`, under which statistics make every statement re-prepare when its
/// parameters are re-bound (30-40 µs a query here), and the plans without statistics are already
/// the index searches wanted (`PEERS_EXPLAIN=1` prints them).
const INDEXES: &str = "
CREATE INDEX designation_status ON designation (entity, authority, start, end, recorded);
CREATE INDEX designation_start ON designation (start, end, entity, authority);
CREATE INDEX designation_end ON designation (end, start, entity, authority);
CREATE INDEX delisting_designation ON delisting (designation, effective, recorded, retracted);
CREATE INDEX designation_terms_version ON designation_terms (designation, effective, seq);
CREATE INDEX designation_terms_effective ON designation_terms (effective, designation);
CREATE INDEX licence_start ON licence (start, end);
CREATE INDEX licence_end ON licence (end, start);
CREATE INDEX licence_terms_version ON licence_terms (licence, effective, seq);
CREATE INDEX licence_terms_effective ON licence_terms (effective, licence);
CREATE INDEX coverage_entity ON coverage (entity, since, licence, recorded);
CREATE INDEX coverage_licence ON coverage (licence, since, entity);
CREATE INDEX coverage_since ON coverage (since, licence, entity);
CREATE INDEX ownership_owned ON ownership (owned, start, end, owner, share);
";

const STATUS_DESIGNATIONS: &str = "
SELECT id FROM designation
WHERE entity = ?1 AND authority = ?2 AND start <= ?3 AND (end IS NULL OR end > ?3)";
const STATUS_LICENCES: &str = "
SELECT DISTINCT l.id FROM coverage c JOIN licence l ON l.id = c.licence
WHERE c.entity = ?1 AND c.since <= ?3 AND l.authority = ?2
  AND l.start <= ?3 AND (l.end IS NULL OR l.end > ?3)";
const KNOWN_AT_DESIGNATIONS: &str = "
SELECT d.id FROM designation d
WHERE d.entity = ?1 AND d.authority = ?2 AND d.start <= ?3 AND d.recorded <= ?4
  AND NOT EXISTS (
    SELECT 1 FROM delisting x
    WHERE x.designation = d.id AND x.effective <= ?3 AND x.recorded <= ?4
      AND (x.retracted IS NULL OR x.retracted > ?4))";
const KNOWN_AT_LICENCES: &str = "
SELECT DISTINCT l.id FROM coverage c JOIN licence l ON l.id = c.licence
WHERE c.entity = ?1 AND c.since <= ?3 AND c.recorded <= ?4 AND l.authority = ?2
  AND l.start <= ?3 AND l.recorded <= ?4
  AND NOT (l.end IS NOT NULL AND l.end <= ?3 AND l.end_recorded <= ?4)";
/// The ownerships and controls in force above an entity on a date, each with whether a
/// designation of the authority lists its owner then: a recursive CTE walks up the owners
/// (`UNION` keeps each entity once, so a cycle ends), then one join reads the edges into them.
const DERIVED_EDGES: &str = "
WITH RECURSIVE above(entity) AS (
    SELECT ?1
    UNION
    SELECT o.owner FROM ownership o JOIN above a ON o.owned = a.entity
    WHERE o.start <= ?3 AND (o.end IS NULL OR o.end > ?3)
)
SELECT o.owner, o.owned, o.share,
    EXISTS (SELECT 1 FROM designation d
            WHERE d.entity = o.owner AND d.authority = ?2
              AND d.start <= ?3 AND (d.end IS NULL OR d.end > ?3))
FROM above a JOIN ownership o ON o.owned = a.entity
WHERE o.start <= ?3 AND (o.end IS NULL OR o.end > ?3)";
const STATE_DESIGNATIONS: &str = "
SELECT id, entity, authority FROM designation WHERE start <= ?1 AND (end IS NULL OR end > ?1)";
const STATE_LICENCES: &str = "
SELECT id FROM licence WHERE start <= ?1 AND (end IS NULL OR end > ?1)";
const CHANGES_BETWEEN: &str = "
SELECT seq FROM change WHERE effective > ?1 AND effective <= ?2 ORDER BY effective, seq";

/// The designations in force on ?1 with the version of their terms in force then.
const STATE_FULL_DESIGNATIONS: &str = "
SELECT d.id, d.entity, d.authority, d.list, d.start, d.seq,
       t.programs, t.measures, t.legal_basis, t.reason
FROM designation d
JOIN designation_terms t ON t.rowid = (
    SELECT v.rowid FROM designation_terms v
    WHERE v.designation = d.id AND v.effective <= ?1
    ORDER BY v.effective DESC, v.seq DESC LIMIT 1)
WHERE d.start <= ?1 AND (d.end IS NULL OR d.end > ?1)";
/// The licences in force on ?1 with the version of their terms in force then.
const STATE_FULL_LICENCES: &str = "
SELECT l.id, l.authority, l.start, l.seq,
       t.name, t.kind, t.covers_owned, t.authorises, t.excludes
FROM licence l
JOIN licence_terms t ON t.rowid = (
    SELECT v.rowid FROM licence_terms v
    WHERE v.licence = l.id AND v.effective <= ?1
    ORDER BY v.effective DESC, v.seq DESC LIMIT 1)
WHERE l.start <= ?1 AND (l.end IS NULL OR l.end > ?1)";
/// The entities the licences in force on ?1 cover then.
const STATE_FULL_COVERAGE: &str = "
SELECT c.licence, c.entity FROM licence l JOIN coverage c ON c.licence = l.id
WHERE l.start <= ?1 AND (l.end IS NULL OR l.end > ?1) AND c.since <= ?1";
/// The full difference between ?1 and a later ?2, query by query: the columns of the
/// designations and licences are those of `STATE_FULL_*`, their terms as of ?2.
const DIFF_FULL: [&str; 8] = [
    // designated: in force on ?2, not on ?1, with the terms in force on ?2
    "SELECT d.id, d.entity, d.authority, d.list, d.start, d.seq,
            t.programs, t.measures, t.legal_basis, t.reason
     FROM designation d
     JOIN designation_terms t ON t.rowid = (
         SELECT v.rowid FROM designation_terms v
         WHERE v.designation = d.id AND v.effective <= ?2
         ORDER BY v.effective DESC, v.seq DESC LIMIT 1)
     WHERE d.start > ?1 AND d.start <= ?2 AND (d.end IS NULL OR d.end > ?2)",
    // delisted: in force on ?1, not on ?2
    "SELECT id FROM designation WHERE end > ?1 AND end <= ?2 AND start <= ?1",
    // amended: in force on both, with a version of terms effective in between, and the terms
    // in force on ?2 differing from those on ?1
    "SELECT d.id, d.entity, d.authority, d.list, d.start, d.seq,
            t.programs, t.measures, t.legal_basis, t.reason
     FROM designation d
     JOIN designation_terms t ON t.rowid = (
         SELECT v.rowid FROM designation_terms v
         WHERE v.designation = d.id AND v.effective <= ?2
         ORDER BY v.effective DESC, v.seq DESC LIMIT 1)
     JOIN designation_terms b ON b.rowid = (
         SELECT v.rowid FROM designation_terms v
         WHERE v.designation = d.id AND v.effective <= ?1
         ORDER BY v.effective DESC, v.seq DESC LIMIT 1)
     WHERE d.id IN (SELECT designation FROM designation_terms
                    WHERE effective > ?1 AND effective <= ?2)
       AND d.start <= ?1 AND (d.end IS NULL OR d.end > ?2)
       AND NOT (t.programs IS b.programs AND t.measures IS b.measures
                AND t.legal_basis IS b.legal_basis AND t.reason IS b.reason)",
    // licences issued: in force on ?2, not on ?1, with their terms on ?2
    "SELECT l.id, l.authority, l.start, l.seq,
            t.name, t.kind, t.covers_owned, t.authorises, t.excludes
     FROM licence l
     JOIN licence_terms t ON t.rowid = (
         SELECT v.rowid FROM licence_terms v
         WHERE v.licence = l.id AND v.effective <= ?2
         ORDER BY v.effective DESC, v.seq DESC LIMIT 1)
     WHERE l.start > ?1 AND l.start <= ?2 AND (l.end IS NULL OR l.end > ?2)",
    // licences ended
    "SELECT id FROM licence WHERE end > ?1 AND end <= ?2 AND start <= ?1",
    // licences amended: in force on both, their terms or coverage different on ?2
    "SELECT l.id, l.authority, l.start, l.seq,
            t.name, t.kind, t.covers_owned, t.authorises, t.excludes
     FROM licence l
     JOIN licence_terms t ON t.rowid = (
         SELECT v.rowid FROM licence_terms v
         WHERE v.licence = l.id AND v.effective <= ?2
         ORDER BY v.effective DESC, v.seq DESC LIMIT 1)
     JOIN licence_terms b ON b.rowid = (
         SELECT v.rowid FROM licence_terms v
         WHERE v.licence = l.id AND v.effective <= ?1
         ORDER BY v.effective DESC, v.seq DESC LIMIT 1)
     WHERE l.id IN (SELECT licence FROM licence_terms WHERE effective > ?1 AND effective <= ?2)
       AND l.start <= ?1 AND (l.end IS NULL OR l.end > ?2)
       AND NOT (t.name IS b.name AND t.kind IS b.kind AND t.covers_owned IS b.covers_owned
                AND t.authorises IS b.authorises AND t.excludes IS b.excludes
                AND NOT EXISTS (SELECT 1 FROM coverage c
                                WHERE c.licence = l.id AND c.since > ?1 AND c.since <= ?2))",
    // the entities the issued and amended licences cover on ?2
    "SELECT c.licence, c.entity FROM licence l JOIN coverage c ON c.licence = l.id
     WHERE l.id IN (SELECT id FROM licence WHERE start > ?1 AND start <= ?2
                    UNION SELECT licence FROM licence_terms WHERE effective > ?1 AND effective <= ?2)
       AND c.since <= ?2",
    // status changes: the (entity, authority) pairs a designation or licence starting or ending
    // in between names, or a licence amendment adds, whose status kind differs on the two dates
    "WITH pairs(entity, authority) AS (
         SELECT entity, authority FROM designation WHERE start > ?1 AND start <= ?2
         UNION SELECT entity, authority FROM designation WHERE end > ?1 AND end <= ?2
         UNION SELECT c.entity, l.authority FROM licence l JOIN coverage c ON c.licence = l.id
               WHERE l.start > ?1 AND l.start <= ?2
         UNION SELECT c.entity, l.authority FROM licence l JOIN coverage c ON c.licence = l.id
               WHERE l.end > ?1 AND l.end <= ?2
         UNION SELECT c.entity, l.authority FROM coverage c JOIN licence l ON l.id = c.licence
               WHERE c.since > ?1 AND c.since <= ?2
     ),
     kinds AS MATERIALIZED (
         SELECT p.entity, p.authority,
           CASE WHEN NOT EXISTS (SELECT 1 FROM designation d
                    WHERE d.entity = p.entity AND d.authority = p.authority
                      AND d.start <= ?1 AND (d.end IS NULL OR d.end > ?1)) THEN 0
                WHEN EXISTS (SELECT 1 FROM coverage c JOIN licence l ON l.id = c.licence
                    WHERE c.entity = p.entity AND c.since <= ?1 AND l.authority = p.authority
                      AND l.start <= ?1 AND (l.end IS NULL OR l.end > ?1)) THEN 2
                ELSE 1 END AS before,
           CASE WHEN NOT EXISTS (SELECT 1 FROM designation d
                    WHERE d.entity = p.entity AND d.authority = p.authority
                      AND d.start <= ?2 AND (d.end IS NULL OR d.end > ?2)) THEN 0
                WHEN EXISTS (SELECT 1 FROM coverage c JOIN licence l ON l.id = c.licence
                    WHERE c.entity = p.entity AND c.since <= ?2 AND l.authority = p.authority
                      AND l.start <= ?2 AND (l.end IS NULL OR l.end > ?2)) THEN 2
                ELSE 1 END AS after
         FROM pairs p
     )
     SELECT entity, authority, before, after FROM kinds WHERE before <> after",
];

/// A designation row of `STATE_FULL_DESIGNATIONS` and of the diff's designated and amended.
type DesignationRow = (DesignationId, DesignationFull);
/// A licence row of `STATE_FULL_LICENCES` (covers filled in from the coverage query).
type LicenceRow = (LicenceId, LicenceFull);

/// What the SQL peer returns for the state with terms: rows, in `SQLite`'s order.
struct StateRowsFull {
    designations: Vec<DesignationRow>,
    licences: Vec<LicenceRow>,
}

/// What the SQL peer returns for the full difference: rows, in `SQLite`'s order.
struct DiffRowsFull {
    designated: Vec<DesignationRow>,
    delisted: Vec<DesignationId>,
    amended: Vec<DesignationRow>,
    licences_issued: Vec<LicenceRow>,
    licences_ended: Vec<LicenceId>,
    licences_amended: Vec<LicenceRow>,
    status_changes: Vec<(EntityId, String, StatusKind, StatusKind)>,
}

impl StateRowsFull {
    fn comparable(self) -> StateFull {
        StateFull {
            designations: self.designations.into_iter().collect(),
            licences: self.licences.into_iter().collect(),
        }
    }
}

impl DiffRowsFull {
    fn comparable(self) -> DiffFull {
        let mut status_changes = self.status_changes;
        status_changes.sort();
        DiffFull {
            designated: self.designated.into_iter().collect(),
            delisted: self.delisted.into_iter().collect(),
            amended: self.amended.into_iter().collect(),
            licences_issued: self.licences_issued.into_iter().collect(),
            licences_ended: self.licences_ended.into_iter().collect(),
            licences_amended: self.licences_amended.into_iter().collect(),
            status_changes,
        }
    }
}

/// An entity id from the 16 bytes the SQL peer stores.
fn entity_of(bytes: [u8; 16]) -> EntityId {
    EntityId::from_uuid(uuid::Uuid::from_bytes(bytes))
}

/// A date from the day number the SQL peer stores.
fn date_of(day: i64) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(day).expect("a day number"))
        .expect("a valid day")
}

fn row_index(id: i64) -> usize {
    usize::try_from(id).expect("row ids are >= 0")
}

/// Designations in force (id, entity, authority) and licences in force (id), as `SQLite` gives them.
type StateRows = (Vec<(i64, [u8; 16], String)>, Vec<i64>);

/// The SQL peer: a connection and the maps from its integer keys back to the ledger's ids.
struct Sql {
    conn: Connection,
    designations: Vec<DesignationId>,
    licences: Vec<LicenceId>,
    changes: Vec<ChangeId>,
}

/// What a retraction must undo in the SQL tables.
enum Undo {
    Delisting { row: i64, designation: i64 },
    Amendment { row: i64 },
    ChangeOnly,
}

fn sql_index(i: usize) -> i64 {
    i64::try_from(i).expect("row numbers fit in i64")
}

impl Sql {
    /// Loads the log: one transaction of inserts, then the indexes.
    #[allow(clippy::too_many_lines)] // one match over the change kinds, with their statements
    fn load(log: &[Change]) -> rusqlite::Result<Sql> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch(SCHEMA)?;
        let mut designation_rows: HashMap<DesignationId, i64> = HashMap::new();
        let mut licence_rows: HashMap<LicenceId, i64> = HashMap::new();
        let mut changes: HashMap<ChangeId, (i64, i64, Undo)> = HashMap::new();
        let mut sql = Sql {
            conn,
            designations: Vec::new(),
            licences: Vec::new(),
            changes: Vec::with_capacity(log.len()),
        };
        let tx = sql.conn.transaction()?;
        {
            let mut insert_designation = tx.prepare(
                "INSERT INTO designation (id, entity, authority, list, start, recorded, seq) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            let mut insert_terms = tx.prepare(
                "INSERT INTO designation_terms (designation, effective, seq, programs, measures, \
                 legal_basis, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            let mut insert_licence_terms = tx.prepare(
                "INSERT INTO licence_terms (licence, effective, seq, name, kind, covers_owned, \
                 authorises, excludes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            let mut end_designation =
                tx.prepare("UPDATE designation SET end = ?2 WHERE id = ?1")?;
            let mut insert_delisting = tx.prepare(
                "INSERT INTO delisting (designation, effective, recorded) VALUES (?1, ?2, ?3)",
            )?;
            let mut retract_delisting =
                tx.prepare("UPDATE delisting SET retracted = ?2 WHERE rowid = ?1")?;
            let mut delete_terms = tx.prepare("DELETE FROM designation_terms WHERE rowid = ?1")?;
            let mut insert_licence = tx.prepare(
                "INSERT INTO licence (id, authority, start, recorded, seq) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut end_licence =
                tx.prepare("UPDATE licence SET end = ?2, end_recorded = ?3 WHERE id = ?1")?;
            let mut insert_coverage = tx.prepare(
                "INSERT INTO coverage (licence, entity, since, recorded) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut insert_change =
                tx.prepare("INSERT INTO change (effective, seq) VALUES (?1, ?2)")?;
            let mut delete_change =
                tx.prepare("DELETE FROM change WHERE effective = ?1 AND seq = ?2")?;
            let mut insert_ownership = tx.prepare(
                "INSERT INTO ownership (owner, owned, share, start) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut end_ownership = tx.prepare("UPDATE ownership SET end = ?2 WHERE rowid = ?1")?;
            // Per relation: its parties and the row of its latest version.
            let mut ownership_rows: HashMap<
                sanctions_ledger::RelationId,
                (EntityId, EntityId, i64),
            > = HashMap::new();
            for (seq, c) in log.iter().enumerate() {
                let seq = sql_index(seq);
                let effective = day(c.effective);
                let recorded = c.recorded.timestamp();
                sql.changes.push(c.id);
                let undo = match &c.kind {
                    ChangeKind::Designate {
                        designation,
                        record,
                    } => {
                        let id = sql_index(sql.designations.len());
                        sql.designations.push(*designation);
                        designation_rows.insert(*designation, id);
                        insert_designation.execute(params![
                            id,
                            &record.entity.as_uuid().as_bytes()[..],
                            record.authority.as_str(),
                            record.list.as_ref().map(ToString::to_string),
                            effective,
                            recorded,
                            seq
                        ])?;
                        insert_terms.execute(params![
                            id,
                            effective,
                            seq,
                            program_text(&record.terms),
                            measure_text(&record.terms),
                            record.terms.legal_basis,
                            record.terms.reason
                        ])?;
                        Undo::ChangeOnly
                    }
                    ChangeKind::Delist { designation } => {
                        let id = designation_rows[designation];
                        end_designation.execute(params![id, effective])?;
                        insert_delisting.execute(params![id, effective, recorded])?;
                        Undo::Delisting {
                            row: tx.last_insert_rowid(),
                            designation: id,
                        }
                    }
                    ChangeKind::AmendDesignation { designation, terms } => {
                        insert_terms.execute(params![
                            designation_rows[designation],
                            effective,
                            seq,
                            program_text(terms),
                            measure_text(terms),
                            terms.legal_basis,
                            terms.reason
                        ])?;
                        Undo::Amendment {
                            row: tx.last_insert_rowid(),
                        }
                    }
                    ChangeKind::IssueLicence { licence, record } => {
                        let id = sql_index(sql.licences.len());
                        sql.licences.push(*licence);
                        licence_rows.insert(*licence, id);
                        insert_licence.execute(params![
                            id,
                            record.authority.as_str(),
                            effective,
                            recorded,
                            seq
                        ])?;
                        insert_licence_terms.execute(params![
                            id,
                            effective,
                            seq,
                            record.terms.name,
                            format!("{:?}", record.terms.kind),
                            record.terms.covers_owned_entities,
                            format!("{:?}", record.terms.authorises),
                            record.terms.excludes.join(",")
                        ])?;
                        for entity in &record.terms.covers {
                            insert_coverage.execute(params![
                                id,
                                &entity.as_uuid().as_bytes()[..],
                                effective,
                                recorded
                            ])?;
                        }
                        Undo::ChangeOnly
                    }
                    ChangeKind::AmendLicence { licence, terms } => {
                        // The workload's licence amendments only add entities, so coverage
                        // rows "from this date" describe the terms exactly.
                        let id = licence_rows[licence];
                        insert_licence_terms.execute(params![
                            id,
                            effective,
                            seq,
                            terms.name,
                            format!("{:?}", terms.kind),
                            terms.covers_owned_entities,
                            format!("{:?}", terms.authorises),
                            terms.excludes.join(",")
                        ])?;
                        for entity in &terms.covers {
                            insert_coverage.execute(params![
                                id,
                                &entity.as_uuid().as_bytes()[..],
                                effective,
                                recorded
                            ])?;
                        }
                        Undo::ChangeOnly
                    }
                    ChangeKind::Relate { relation, record } => {
                        insert_ownership.execute(params![
                            &record.subject().as_uuid().as_bytes()[..],
                            &record.object().as_uuid().as_bytes()[..],
                            record.terms.share.map(Share::low),
                            effective
                        ])?;
                        let row = tx.last_insert_rowid();
                        ownership_rows.insert(*relation, (record.subject(), record.object(), row));
                        Undo::ChangeOnly
                    }
                    ChangeKind::AmendRelation { relation, terms } => {
                        // The version in force ends here; the new one begins (workload amendments
                        // come before the relation's end, in effective and recorded order).
                        let (parent, child, row) = ownership_rows[relation];
                        end_ownership.execute(params![row, effective])?;
                        insert_ownership.execute(params![
                            &parent.as_uuid().as_bytes()[..],
                            &child.as_uuid().as_bytes()[..],
                            terms.share.map(Share::low),
                            effective
                        ])?;
                        let row = tx.last_insert_rowid();
                        ownership_rows.insert(*relation, (parent, child, row));
                        Undo::ChangeOnly
                    }
                    ChangeKind::EndRelation { relation } => {
                        let (_, _, row) = ownership_rows[relation];
                        end_ownership.execute(params![row, effective])?;
                        Undo::ChangeOnly
                    }
                    ChangeKind::EndLicence { licence, .. } => {
                        end_licence.execute(params![licence_rows[licence], effective, recorded])?;
                        Undo::ChangeOnly
                    }
                    ChangeKind::Retract { change, .. } => {
                        let (t_effective, t_seq, undo) = changes
                            .remove(change)
                            .expect("a retraction names an earlier change");
                        delete_change.execute(params![t_effective, t_seq])?;
                        match undo {
                            Undo::Delisting { row, designation } => {
                                retract_delisting.execute(params![row, recorded])?;
                                end_designation
                                    .execute(params![designation, rusqlite::types::Null])?;
                            }
                            Undo::Amendment { row } => {
                                delete_terms.execute(params![row])?;
                            }
                            Undo::ChangeOnly => panic!(
                                "the SQL peer only undoes retracted delistings and amendments, \
                                 and {} retracts a change of another kind",
                                c.id
                            ),
                        }
                        continue;
                    }
                    _ => Undo::ChangeOnly,
                };
                insert_change.execute(params![effective, seq])?;
                changes.insert(c.id, (effective, seq, undo));
            }
        }
        tx.commit()?;
        sql.conn.execute_batch(INDEXES)?;
        Ok(sql)
    }

    fn ids<T: Copy>(stmt: &mut Statement<'_>, map: &[T], args: impl rusqlite::Params) -> Vec<T> {
        let rows = stmt
            .query_map(args, |row| row.get::<_, i64>(0))
            .expect("query runs");
        rows.map(|id| map[usize::try_from(id.expect("an integer id")).expect("id >= 0")])
            .collect()
    }

    fn status(&self, q: &StatusQuery, at: Option<DateTime<Utc>>) -> StatusAnswer {
        let entity = &q.entity.as_uuid().as_bytes()[..];
        let authority = q.authority.as_str();
        let date = day(q.date);
        let (designations, licences) = match at {
            None => {
                let mut stmt = self.conn.prepare_cached(STATUS_DESIGNATIONS).expect("sql");
                let designations = Self::ids(
                    &mut stmt,
                    &self.designations,
                    params![entity, authority, date],
                );
                if designations.is_empty() {
                    return StatusAnswer::new(designations, Vec::new());
                }
                let mut stmt = self.conn.prepare_cached(STATUS_LICENCES).expect("sql");
                let licences =
                    Self::ids(&mut stmt, &self.licences, params![entity, authority, date]);
                (designations, licences)
            }
            Some(at) => {
                let at = at.timestamp();
                let mut stmt = self
                    .conn
                    .prepare_cached(KNOWN_AT_DESIGNATIONS)
                    .expect("sql");
                let designations = Self::ids(
                    &mut stmt,
                    &self.designations,
                    params![entity, authority, date, at],
                );
                if designations.is_empty() {
                    return StatusAnswer::new(designations, Vec::new());
                }
                let mut stmt = self.conn.prepare_cached(KNOWN_AT_LICENCES).expect("sql");
                let licences = Self::ids(
                    &mut stmt,
                    &self.licences,
                    params![entity, authority, date, at],
                );
                (designations, licences)
            }
        };
        StatusAnswer::new(designations, licences)
    }

    /// The designations in force with their entity and authority, and the licences in force.
    fn state_rows(&self, date: NaiveDate) -> StateRows {
        let mut stmt = self.conn.prepare_cached(STATE_DESIGNATIONS).expect("sql");
        let designations = stmt
            .query_map(params![day(date)], |row| {
                Ok((row.get(0)?, row.get::<_, [u8; 16]>(1)?, row.get(2)?))
            })
            .expect("query runs")
            .map(|r| r.expect("a row"))
            .collect();
        let mut stmt = self.conn.prepare_cached(STATE_LICENCES).expect("sql");
        let licences = stmt
            .query_map(params![day(date)], |row| row.get(0))
            .expect("query runs")
            .map(|r| r.expect("a row"))
            .collect();
        (designations, licences)
    }

    fn state(&self, date: NaiveDate) -> StateAnswer {
        let (designations, licences) = self.state_rows(date);
        StateAnswer {
            designations: designations
                .iter()
                .map(|(id, _, _)| self.designations[usize::try_from(*id).expect("id >= 0")])
                .collect(),
            licences: licences
                .iter()
                .map(|id| self.licences[usize::try_from(*id).expect("id >= 0")])
                .collect(),
        }
    }

    fn changes(&self, from: NaiveDate, to: NaiveDate) -> Vec<ChangeId> {
        let mut stmt = self.conn.prepare_cached(CHANGES_BETWEEN).expect("sql");
        Self::ids(&mut stmt, &self.changes, params![day(from), day(to)])
    }

    /// Designation rows with their terms, from a query with the columns of
    /// `STATE_FULL_DESIGNATIONS`.
    fn designation_rows(&self, sql: &str, args: impl rusqlite::Params) -> Vec<DesignationRow> {
        let mut stmt = self.conn.prepare_cached(sql).expect("sql");
        stmt.query_map(args, |row| {
            Ok((
                self.designations[row_index(row.get(0)?)],
                DesignationFull {
                    entity: entity_of(row.get(1)?),
                    authority: row.get(2)?,
                    list: row.get(3)?,
                    since: date_of(row.get(4)?),
                    designated_by: self.changes[row_index(row.get(5)?)],
                    programs: row.get(6)?,
                    measures: row.get(7)?,
                    legal_basis: row.get(8)?,
                    reason: row.get(9)?,
                },
            ))
        })
        .expect("query runs")
        .map(|r| r.expect("a row"))
        .collect()
    }

    /// Licence rows with their terms, from a query with the columns of `STATE_FULL_LICENCES`,
    /// and their covers from a query of (licence, entity) rows.
    fn licence_rows(
        &self,
        sql: &str,
        coverage: &str,
        args: impl rusqlite::Params + Copy,
    ) -> Vec<LicenceRow> {
        let mut stmt = self.conn.prepare_cached(sql).expect("sql");
        let mut rows: Vec<(i64, LicenceRow)> = stmt
            .query_map(args, |row| {
                let id: i64 = row.get(0)?;
                Ok((
                    id,
                    (
                        self.licences[row_index(id)],
                        LicenceFull {
                            authority: row.get(1)?,
                            since: date_of(row.get(2)?),
                            issued_by: self.changes[row_index(row.get(3)?)],
                            name: row.get(4)?,
                            kind: row.get(5)?,
                            covers: Vec::new(),
                            covers_owned: row.get(6)?,
                            authorises: row.get(7)?,
                            excludes: row.get(8)?,
                        },
                    ),
                ))
            })
            .expect("query runs")
            .map(|r| r.expect("a row"))
            .collect();
        let at: HashMap<i64, usize> = rows.iter().enumerate().map(|(k, r)| (r.0, k)).collect();
        let mut stmt = self.conn.prepare_cached(coverage).expect("sql");
        let covers = stmt
            .query_map(args, |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, [u8; 16]>(1)?))
            })
            .expect("query runs");
        for cover in covers {
            let (licence, entity) = cover.expect("a row");
            if let Some(&k) = at.get(&licence) {
                rows[k].1 .1.covers.push(entity_of(entity));
            }
        }
        rows.into_iter()
            .map(|(_, mut row)| {
                row.1.covers.sort_unstable();
                row.1.covers.dedup();
                row
            })
            .collect()
    }

    /// The state on `date` with every designation's and licence's terms as of the date: the
    /// content of `View::state_on`.
    fn state_full(&self, date: NaiveDate) -> StateRowsFull {
        let args = params![day(date)];
        StateRowsFull {
            designations: self.designation_rows(STATE_FULL_DESIGNATIONS, args),
            licences: self.licence_rows(STATE_FULL_LICENCES, STATE_FULL_COVERAGE, args),
        }
    }

    /// The difference from `from` to a later `to` with terms and status changes: the content
    /// of `View::diff`.
    fn diff_full(&self, from: NaiveDate, to: NaiveDate) -> DiffRowsFull {
        let args = params![day(from), day(to)];
        let designation_ids = |sql: &str| {
            let mut stmt = self.conn.prepare_cached(sql).expect("sql");
            Self::ids(&mut stmt, &self.designations, args)
        };
        let licence_ids = |sql: &str| {
            let mut stmt = self.conn.prepare_cached(sql).expect("sql");
            Self::ids(&mut stmt, &self.licences, args)
        };
        let mut stmt = self.conn.prepare_cached(DIFF_FULL[7]).expect("sql");
        let status_changes = stmt
            .query_map(args, |row| {
                Ok((
                    entity_of(row.get(0)?),
                    row.get(1)?,
                    kind_of(row.get(2)?),
                    kind_of(row.get(3)?),
                ))
            })
            .expect("query runs")
            .map(|r| r.expect("a row"))
            .collect();
        DiffRowsFull {
            designated: self.designation_rows(DIFF_FULL[0], args),
            delisted: designation_ids(DIFF_FULL[1]),
            amended: self.designation_rows(DIFF_FULL[2], args),
            licences_issued: self.licence_rows(DIFF_FULL[3], DIFF_FULL[6], args),
            licences_ended: licence_ids(DIFF_FULL[4]),
            licences_amended: self.licence_rows(DIFF_FULL[5], DIFF_FULL[6], args),
            status_changes,
        }
    }

    /// The derived status: the entity's designations and licences as for `status`, the edges
    /// above it from one recursive CTE, then the rule applied in Rust (`SQLite` has no fixed
    /// point with an aggregate in a recursive CTE).
    fn derived(&self, q: &StatusQuery) -> DerivedAnswer {
        let own = self.status(q, None);
        let mut stmt = self.conn.prepare_cached(DERIVED_EDGES).expect("sql");
        let uuid = |bytes: [u8; 16]| EntityId::from_uuid(uuid::Uuid::from_bytes(bytes));
        let edges = stmt
            .query_map(
                params![
                    &q.entity.as_uuid().as_bytes()[..],
                    q.authority.as_str(),
                    day(q.date)
                ],
                |row| {
                    let share: Option<i64> = row.get(2)?;
                    Ok((
                        uuid(row.get::<_, [u8; 16]>(0)?),
                        uuid(row.get::<_, [u8; 16]>(1)?),
                        share.map(|s| u16::try_from(s).expect("a share in hundredths")),
                        row.get::<_, bool>(3)?,
                    ))
                },
            )
            .expect("query runs")
            .map(|r| r.expect("a row"))
            .collect();
        derive(
            q.entity,
            &q.authority,
            q.date,
            Found {
                designations: own.designations,
                licences: own.licences,
                edges,
            },
        )
    }

    /// Bytes of the database's pages.
    fn bytes(&self) -> u64 {
        let pragma = |name: &str| -> u64 {
            self.conn
                .query_row(&format!("PRAGMA {name}"), [], |row| row.get::<_, i64>(0))
                .map_or(0, |v| u64::try_from(v).unwrap_or(0))
        };
        pragma("page_count") * pragma("page_size")
    }
}

// ---------------------------------------------------------------------------------------------
// Measuring.

/// Resident and peak resident set sizes in bytes, from `/proc/self/status` (Linux).
fn rss() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// Resets the peak resident set size so that `VmHWM` measures what follows.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Median per-call time in nanoseconds over `queries`: each query is called in batches of
/// 1, 2, 4, … calls, each batch timed as a whole, until a batch takes about 20 µs (or 8,192
/// calls); the query's time is that batch's time per call.
///
/// The clock is read twice per batch, not after every call: reading it costs tens of
/// nanoseconds (`timer_overhead_ns` prints how many), which timing each call separately added
/// to every answer: much of a status of about a hundred nanoseconds, next to nothing of the
/// microseconds `SQLite` takes, so the ledger's ratios on its fastest queries read low. Both peers
/// are timed the same way.
fn median_ns<Q>(queries: &[Q], mut call: impl FnMut(&Q)) -> f64 {
    let mut times: Vec<f64> = Vec::with_capacity(queries.len());
    for q in queries {
        let mut reps = 1u32;
        let per_call = loop {
            let start = Instant::now();
            for _ in 0..reps {
                call(q);
            }
            let elapsed = start.elapsed();
            if elapsed >= Duration::from_micros(20) || reps >= 8_192 {
                break elapsed.as_secs_f64() * 1e9 / f64::from(reps);
            }
            reps *= 2;
        };
        times.push(per_call);
    }
    median(&mut times)
}

/// What reading the clock after every call (as the bench did before batching) adds per call:
/// the median per-call time of an empty call timed that way, in nanoseconds.
fn timer_overhead_ns() -> f64 {
    let mut times: Vec<f64> = (0..1_000)
        .map(|_| {
            let start = Instant::now();
            let mut reps = 0u32;
            let elapsed = loop {
                black_box(reps);
                reps += 1;
                let elapsed = start.elapsed();
                if elapsed >= Duration::from_micros(20) || reps >= 10_000 {
                    break elapsed;
                }
            };
            elapsed.as_secs_f64() * 1e9 / f64::from(reps)
        })
        .collect();
    median(&mut times)
}

fn median(times: &mut [f64]) -> f64 {
    times.sort_by(f64::total_cmp);
    match times.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => times[n / 2],
        n => f64::midpoint(times[n / 2 - 1], times[n / 2]),
    }
}

/// Times `run` `reps` times; the median in nanoseconds.
fn median_of_runs(reps: usize, mut run: impl FnMut() -> Duration) -> f64 {
    let mut times: Vec<f64> = (0..reps).map(|_| run().as_secs_f64() * 1e9).collect();
    median(&mut times)
}

/// How many questions of each kind a peer is asked.
#[derive(Debug, Clone, Copy)]
struct Sample {
    status: usize,
    state_on: usize,
    changes_between: usize,
    diff: usize,
    known_at: usize,
    derived: usize,
}

struct Options {
    designations: usize,
    seed: u64,
    quick: bool,
}

fn options() -> Options {
    let mut options = Options {
        designations: 1_000_000,
        seed: workload::DEFAULT_SEED,
        quick: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => {
                options.quick = true;
                options.designations = 10_000;
            }
            "--size" => {
                options.designations = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--size takes a number of designations");
            }
            "--seed" => {
                options.seed = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--seed takes a number");
            }
            // `cargo bench` passes `--bench`; criterion-style filters are ignored.
            _ => {}
        }
    }
    options
}

/// One row of the report.
struct Row {
    query: &'static str,
    ledger: f64,
    sqlite: f64,
    naive: f64,
    note: String,
}

fn fmt_ratio(ratio: f64) -> String {
    if ratio < 1.0 {
        format!("{ratio:.3}")
    } else {
        format!("{ratio:.1}")
    }
}

fn fmt_ns(ns: f64) -> String {
    if ns.is_nan() {
        "-".to_owned()
    } else if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

// ---------------------------------------------------------------------------------------------
// The run.

#[allow(clippy::too_many_lines)] // one linear script: build, check, time, report
fn main() {
    let options = options();
    let n = options.designations;
    let started = Instant::now();
    println!("peers: ledger vs SQLite (in memory, bundled) vs naive replay");
    println!(
        "machine: {} cores; size: {n} designations; seed {}; {}",
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
        options.seed,
        if options.quick { "--quick" } else { "full run" }
    );
    println!(
        "timing: per-call times are batches of calls timed whole; reading the clock after every \
         call would add {:.0} ns to each",
        timer_overhead_ns()
    );

    let t = Instant::now();
    let workload = workload::generate(n, options.seed);
    println!("workload: {} [{:.1?}]", workload.summary(), t.elapsed());
    let log = &workload.changes;

    // Build the ledger once, measuring memory around it.
    // The copy the ledger takes ownership of counts in its memory, not in the apply time.
    let before = rss();
    let peak_reset = reset_peak();
    let copy = log.clone();
    let t = Instant::now();
    let ledger = Ledger::from_changes(copy).expect("the workload is a consistent history");
    let first_apply = t.elapsed();
    let after = rss();
    let memory = match (before, after) {
        (Some((rss0, _)), Some((rss1, peak))) => {
            let retained = rss1.saturating_sub(rss0);
            let mut line = format!(
                "memory (RSS from /proc/self/status, not a counting allocator: unsafe code is \
                 forbidden crate-wide): ledger retains {} MiB = {} bytes per designation \
                 (the {} changes themselves included)",
                retained >> 20,
                retained / n as u64,
                log.len()
            );
            if peak_reset {
                let _ = write!(
                    line,
                    "; peak while building {} bytes per designation",
                    peak.saturating_sub(rss0) / n as u64
                );
            }
            Some((line, retained / n as u64))
        }
        _ => None,
    };

    // The log alone, for the share of the ledger's memory that is its indexes (approximate:
    // the allocator may reuse memory freed while building the ledger).
    let log_bytes = rss().and_then(|(rss0, _)| {
        let copy = log.clone();
        let rss1 = rss()?.0;
        drop(copy);
        Some(rss1.saturating_sub(rss0) / n as u64)
    });

    let t = Instant::now();
    let sql = Sql::load(log).expect("SQLite loads the workload");
    let sql_load = t.elapsed();
    let naive = Naive { log };
    if std::env::var_os("PEERS_EXPLAIN").is_some() {
        explain(&sql);
    }
    let now = ledger.current();

    // Whole-state questions cost O(designations) in every implementation, so fewer of them are
    // asked; the naive peer replays the whole log per question, so it is asked fewer still.
    let sample = |queries: usize, states: usize| Sample {
        status: queries,
        state_on: states,
        changes_between: queries,
        diff: states.div_ceil(2),
        known_at: queries,
        // The naive peer replays the log once per owner above the entity.
        derived: states,
    };
    let (full, few) = if options.quick {
        (sample(400, 40), sample(100, 10))
    } else if n > 200_000 {
        (sample(2000, 10), sample(40, 3))
    } else {
        (sample(1000, 20), sample(100, 6))
    };
    let queries: Queries = workload::sample_queries(&workload, options.seed, full.status);
    let first = |k: usize, of: usize| k.min(of).max(1);

    // --- Agreement: all three on the naive sample, ledger and SQLite on the full sample.
    let t = Instant::now();
    let mut kinds = [0usize; 3];
    for (k, q) in queries.status.iter().enumerate() {
        let ours = ledger_status(now, q);
        let theirs = sql.status(q, None);
        assert_eq!(ours, theirs, "status disagrees with SQLite on {q:?}");
        if k < few.status {
            let naive_answer = naive.status(q, None);
            assert_eq!(
                ours, naive_answer,
                "status disagrees with naive replay on {q:?}"
            );
        }
        kinds[ours.kind as usize] += 1;
    }
    let mut derived_kinds: BTreeMap<DerivedKind, usize> = BTreeMap::new();
    for (k, q) in queries.derived.iter().enumerate() {
        let ours = ledger_derived(now, q);
        let theirs = sql.derived(q);
        assert_eq!(
            ours, theirs,
            "derived status disagrees with SQLite on {q:?}"
        );
        if k < few.derived {
            let naive_answer = naive.derived(q);
            assert_eq!(
                ours, naive_answer,
                "derived status disagrees with naive replay on {q:?}"
            );
        }
        *derived_kinds.entry(ours.kind).or_default() += 1;
    }
    for (k, q) in queries.status.iter().enumerate().take(full.derived) {
        let ours = ledger_derived(now, q);
        assert_eq!(
            ours,
            sql.derived(q),
            "derived status disagrees with SQLite on {q:?}"
        );
        if k < few.derived {
            assert_eq!(
                ours,
                naive.derived(q),
                "derived status disagrees with naive replay on {q:?}"
            );
        }
    }
    for (k, (at, q)) in queries.known_at.iter().enumerate() {
        let ours = ledger_status(ledger.known_at(*at), q);
        let theirs = sql.status(q, Some(*at));
        assert_eq!(
            ours, theirs,
            "known-at status disagrees with SQLite at {at} on {q:?}"
        );
        if k < few.known_at {
            let naive_answer = naive.status(q, Some(*at));
            assert_eq!(
                ours, naive_answer,
                "known-at status disagrees with naive replay at {at} on {q:?}"
            );
        }
    }
    for (k, &date) in queries.dates.iter().take(full.state_on).enumerate() {
        assert_eq!(
            ledger_state_full(now, date),
            sql.state_full(date).comparable(),
            "state with terms on {date} disagrees with SQLite"
        );
        let ours = ledger_state(now, date);
        assert_eq!(
            ours,
            sql.state(date),
            "state on {date} disagrees with SQLite"
        );
        if k < first(few.state_on, full.state_on) {
            assert_eq!(
                ours,
                naive.state(date),
                "state on {date} disagrees with naive replay"
            );
        }
    }
    let mut changed = 0;
    for (k, &(from, to)) in queries.months.iter().enumerate() {
        let ours = ledger_changes(now, from, to);
        assert_eq!(
            ours,
            sql.changes(from, to),
            "changes in ({from}, {to}] disagree with SQLite"
        );
        if k < few.changes_between {
            assert_eq!(
                ours,
                naive.changes(from, to),
                "changes in ({from}, {to}] disagree with naive replay"
            );
        }
        changed += ours.len();
    }
    for (k, &(from, to)) in queries.months.iter().take(full.diff).enumerate() {
        let theirs = sql.diff_full(from, to).comparable();
        let ours = ledger_diff_full(now, from, to);
        assert_eq!(ours, theirs, "diff {from}..{to} disagrees with SQLite");
        assert_eq!(
            ours.ids(),
            ledger_diff(now, from, to),
            "diff {from}..{to}: ids"
        );
        if k < first(few.diff, full.diff) {
            assert_eq!(
                theirs.ids(),
                naive.diff(from, to),
                "diff {from}..{to}: SQLite disagrees with naive replay"
            );
        }
    }
    println!(
        "agreement: ledger, SQLite and naive replay agree ({} status questions: {} not listed, \
         {} listed, {} listed-licensed; {} known-at; {} states; {} month ranges, {} changes \
         each on average; {} diffs; naive replay on the first {}/{}/{}/{}/{} of them) [{:.1?}]",
        queries.status.len(),
        kinds[0],
        kinds[1],
        kinds[2],
        queries.known_at.len(),
        full.state_on,
        queries.months.len(),
        changed / queries.months.len(),
        full.diff,
        few.status,
        few.known_at,
        first(few.state_on, full.state_on),
        few.changes_between,
        first(few.diff, full.diff),
        t.elapsed()
    );
    let kinds: Vec<String> = derived_kinds
        .iter()
        .map(|(kind, n)| format!("{n} {kind}"))
        .collect();
    println!(
        "agreement on derived status: {} questions about owned or controlled entities ({}), and {} of the status questions; naive replay on the first {} of each",
        queries.derived.len(),
        kinds.join(", "),
        full.derived.min(queries.status.len()),
        few.derived
    );

    // --- Timing.
    let mut rows = Vec::new();
    let runs = if options.quick { 5 } else { 1 };
    let mut apply_times = vec![first_apply.as_secs_f64() * 1e9];
    for _ in 1..runs {
        let copy = log.clone();
        let t = Instant::now();
        let built = Ledger::from_changes(copy).expect("consistent");
        apply_times.push(t.elapsed().as_secs_f64() * 1e9);
        drop(built);
    }
    let sql_runs = if options.quick { 3 } else { 1 };
    let mut sql_times = vec![sql_load.as_secs_f64() * 1e9];
    for _ in 1..sql_runs {
        let t = Instant::now();
        let loaded = Sql::load(log).expect("loads");
        sql_times.push(t.elapsed().as_secs_f64() * 1e9);
        drop(loaded);
    }
    rows.push(Row {
        query: "apply",
        ledger: median(&mut apply_times),
        sqlite: median(&mut sql_times),
        naive: median_of_runs(runs, || {
            let t = Instant::now();
            black_box(log.clone());
            t.elapsed()
        }),
        note: format!(
            "{} changes, whole log; median of {runs} (sqlite {sql_runs}); sqlite = inserts + \
             indexes, naive = copying the log (no validation)",
            log.len()
        ),
    });

    let status = &queries.status;
    rows.push(Row {
        query: "status",
        ledger: median_ns(status, |q| {
            let _ = black_box(now.status(q.entity, &q.authority, q.date));
        }),
        sqlite: median_ns(status, |q| {
            black_box(sql.status(q, None));
        }),
        naive: median_ns(&status[..few.status], |q| {
            black_box(naive.status(q, None));
        }),
        note: format!("{} questions (naive {})", status.len(), few.status),
    });

    let dates = &queries.dates[..full.state_on];
    rows.push(Row {
        query: "state_on",
        ledger: median_ns(dates, |&d| {
            black_box((now.designations_in_force(d), now.licences_in_force(d)));
        }),
        sqlite: median_ns(dates, |&d| {
            black_box(sql.state_rows(d));
        }),
        naive: median_ns(&dates[..first(few.state_on, full.state_on)], |&d| {
            black_box(naive.state(d));
        }),
        note: format!(
            "{} dates (naive {}); ledger: ids in force (designations_in_force, licences_in_force); sqlite: id, entity, authority",
            dates.len(),
            first(few.state_on, full.state_on)
        ),
    });
    rows.push(Row {
        query: "state_on_full",
        ledger: median_ns(dates, |&d| {
            black_box(now.state_on(d));
        }),
        sqlite: median_ns(dates, |&d| {
            black_box(sql.state_full(d));
        }),
        naive: median_ns(&dates[..first(few.state_on, full.state_on)], |&d| {
            black_box(naive.state(d));
        }),
        note: "ledger: View::state_on; sqlite: the same content (terms as of the date joined \
               from a table of term versions, licence coverage); naive: ids only"
            .to_owned(),
    });

    let months = &queries.months;
    rows.push(Row {
        query: "changes_between",
        ledger: median_ns(months, |&(a, b)| {
            black_box(now.changes_between(a, b));
        }),
        sqlite: median_ns(months, |&(a, b)| {
            black_box(sql.changes(a, b));
        }),
        naive: median_ns(&months[..few.changes_between], |&(a, b)| {
            black_box(naive.changes(a, b));
        }),
        note: format!(
            "{} ranges of 30 days (naive {})",
            months.len(),
            few.changes_between
        ),
    });

    let diffs = &queries.months[..full.diff];
    rows.push(Row {
        query: "diff",
        ledger: median_ns(diffs, |&(a, b)| {
            black_box(now.diff(a, b));
        }),
        sqlite: median_ns(diffs, |&(a, b)| {
            black_box(sql.diff_full(a, b));
        }),
        naive: median_ns(&diffs[..first(few.diff, full.diff)], |&(a, b)| {
            black_box(naive.diff(a, b));
        }),
        note: format!(
            "{} ranges of 30 days (naive {}); ledger and sqlite: ids, terms of what is \
             designated, amended or issued, status changes; naive: ids only",
            diffs.len(),
            first(few.diff, full.diff),
        ),
    });

    let known_at = &queries.known_at;
    rows.push(Row {
        query: "known_at_status",
        ledger: median_ns(known_at, |(at, q)| {
            let _ = black_box(ledger.known_at(*at).status(q.entity, &q.authority, q.date));
        }),
        sqlite: median_ns(known_at, |(at, q)| {
            black_box(sql.status(q, Some(*at)));
        }),
        naive: median_ns(&known_at[..few.known_at], |(at, q)| {
            black_box(naive.status(q, Some(*at)));
        }),
        note: format!(
            "{} questions (naive {}); sqlite filters on recorded columns",
            known_at.len(),
            few.known_at
        ),
    });

    let derived = &queries.derived;
    rows.push(Row {
        query: "derived_status",
        ledger: median_ns(derived, |q| {
            let _ = black_box(now.derived_status(q.entity, &q.authority, q.date));
        }),
        sqlite: median_ns(derived, |q| {
            black_box(sql.derived(q));
        }),
        naive: median_ns(&derived[..few.derived.min(derived.len())], |q| {
            black_box(naive.derived(q));
        }),
        note: format!(
            "{} questions about owned or controlled entities (naive {}); sqlite: a recursive CTE \
             up the owners, then the rule in Rust",
            derived.len(),
            few.derived
        ),
    });
    rows.push(Row {
        query: "derived_any",
        ledger: median_ns(status, |q| {
            let _ = black_box(now.derived_status(q.entity, &q.authority, q.date));
        }),
        sqlite: median_ns(status, |q| {
            black_box(sql.derived(q));
        }),
        naive: median_ns(&status[..few.derived.min(status.len())], |q| {
            black_box(naive.derived(q));
        }),
        note: "the status questions asked for derived status (most entities own nothing)"
            .to_owned(),
    });
    // --- Clusters (issue 12): the same ledger with a tenth of its entities linked into
    // clusters of two to four. The peers have no clusters: the cluster question is timed
    // against the ledger's own single-entity status, on the same linked ledger.
    let cluster_lines = clusters_section(ledger, &workload, &queries.status, options.seed);

    // --- Report.
    println!();
    println!(
        "{:<16} {:>12} {:>12} {:>12} {:>10} {:>10}  notes",
        "query", "ledger", "sqlite", "naive", "sql/ledg", "naive/ledg"
    );
    for row in &rows {
        println!(
            "{:<16} {:>12} {:>12} {:>12} {:>10} {:>10}  {}",
            row.query,
            fmt_ns(row.ledger),
            fmt_ns(row.sqlite),
            fmt_ns(row.naive),
            fmt_ratio(row.sqlite / row.ledger),
            fmt_ratio(row.naive / row.ledger),
            row.note
        );
    }
    println!();
    if let Some((line, _)) = &memory {
        println!("{line}");
    }
    if let Some(bytes) = log_bytes {
        println!(
            "memory: the change log alone (a clone of the Vec<Change>) is about {bytes} bytes per \
             designation, so the indexes are the rest"
        );
    }
    println!(
        "memory: SQLite database pages {} bytes per designation (intervals and ids only, no \
         entity facts or terms)",
        sql.bytes() / n as u64
    );
    if !options.quick {
        println!(
            "note: the naive peer replays the whole log for every question, so at this size it is \
             asked only the first {}/{}/{}/{}/{} questions of each kind",
            few.status,
            first(few.state_on, full.state_on),
            few.changes_between,
            first(few.diff, full.diff),
            few.known_at
        );
    }
    report_targets(&rows, memory.map(|(_, b)| b), options.quick);
    for line in cluster_lines.iter().filter(|l| !l.starts_with("RATIO")) {
        println!("{line}");
    }
    println!("total time {:.1?}", started.elapsed());
    println!();
    for row in &rows {
        if row.ledger.is_nan() {
            println!(
                "# no RATIO for {}: the ledger was not timed at this size",
                row.query
            );
            continue;
        }
        println!("RATIO {} sqlite {:.6}", row.query, row.sqlite / row.ledger);
        println!("RATIO {} naive {:.6}", row.query, row.naive / row.ledger);
    }
    for line in cluster_lines.iter().filter(|l| l.starts_with("RATIO")) {
        println!("{line}");
    }
}

/// Links a tenth of the entities into clusters of two to four, checks the cluster answers
/// against the members' own, and times the status of an entity's cluster against the status
/// of the entity alone (issue 12: within 2x). Returns the lines to print, `RATIO` lines last.
fn clusters_section(
    ledger: Ledger,
    workload: &workload::Workload,
    status: &[StatusQuery],
    seed: u64,
) -> Vec<String> {
    let clusters = workload::clusters::generate(workload, seed);
    let mut linked = ledger;
    let t = Instant::now();
    linked
        .apply_batch(clusters.links.iter().cloned())
        .expect("the links join registered entities");
    let apply = t.elapsed();
    let now = linked.current();
    let clustered = workload::clusters::queries(workload, &clusters, seed, status.len());
    let member_count: usize = clusters.clusters.iter().map(Vec::len).sum();

    check_clusters(now, &clusters, status.iter().chain(&clustered));

    let time = |queries: &[StatusQuery], cluster: bool| {
        median_ns(queries, |q| {
            if cluster {
                let _ = black_box(now.clusters().status(q.entity, &q.authority, q.date));
            } else {
                let _ = black_box(now.status(q.entity, &q.authority, q.date));
            }
        })
    };
    let (alone_mix, cluster_mix) = (time(status, false), time(status, true));
    let (alone_linked, cluster_linked) = (time(&clustered, false), time(&clustered, true));
    let verdict = |ratio: f64| if ratio <= 2.0 { "met" } else { "MISSED" };
    let listed = clustered
        .iter()
        .filter(|q| {
            now.clusters()
                .is_listed(q.entity, &q.authority, q.date)
                .unwrap_or(false)
        })
        .count();
    vec![
        format!(
            "clusters: {} links join {member_count} entities ({}‰ of {}) into {} clusters of \
             2-4, applied in {:.1?}; cluster answers agree with the members' own",
            clusters.links.len(),
            member_count * 1000 / workload.entities.len().max(1),
            workload.entities.len(),
            clusters.clusters.len(),
            apply
        ),
        format!(
            "  status of an entity's cluster, the status sample ({} questions, ~10% about \
             clustered entities): {} vs the entity alone {} = {:.2}x (target within 2x: {})",
            status.len(),
            fmt_ns(cluster_mix),
            fmt_ns(alone_mix),
            cluster_mix / alone_mix,
            verdict(cluster_mix / alone_mix)
        ),
        format!(
            "  clustered entities only ({} questions, {listed} listed as a subject): {} vs the \
             entity alone {} = {:.2}x (target within 2x: {})",
            clustered.len(),
            fmt_ns(cluster_linked),
            fmt_ns(alone_linked),
            cluster_linked / alone_linked,
            verdict(cluster_linked / alone_linked)
        ),
        format!("RATIO cluster_status status {:.6}", cluster_mix / alone_mix),
        format!(
            "RATIO cluster_status_clustered status {:.6}",
            cluster_linked / alone_linked
        ),
    ]
}

/// The issue's targets (stated for 1M designations) against this run.
fn report_targets(rows: &[Row], bytes_per_designation: Option<u64>, quick: bool) {
    let get = |name: &str| rows.iter().find(|r| r.query == name).expect("row present");
    let verdict = |met: bool| if met { "met" } else { "MISSED" };
    println!(
        "targets (issue 17, and issue 13 for derived status; stated for 1M designations{}):",
        if quick {
            "; this is the --quick size, so indicative only"
        } else {
            ""
        }
    );
    let status = get("status");
    let ratio = status.sqlite / status.ledger;
    println!(
        "  status >= 37x faster than SQLite: {ratio:.1}x {}; median < 100 ns: {} {}",
        verdict(ratio >= 37.0),
        fmt_ns(status.ledger),
        verdict(status.ledger < 100.0)
    );
    for (name, want) in [
        ("apply", 3.0),
        ("state_on_full", 2.0),
        ("changes_between", 20.0),
        ("diff", 3.0),
        ("known_at_status", 20.0),
    ] {
        let row = get(name);
        let ratio = row.sqlite / row.ledger;
        println!(
            "  {name} >= {want}x faster than SQLite: {}x {}",
            fmt_ratio(ratio),
            verdict(ratio >= want)
        );
    }
    let derived = get("derived_status");
    let ratio = derived.sqlite / derived.ledger;
    println!(
        "  derived_status >= 10x faster than SQLite: {ratio:.1}x {}; median < 1 µs: {} {}",
        verdict(ratio >= 10.0),
        fmt_ns(derived.ledger),
        verdict(derived.ledger < 1_000.0)
    );
    match bytes_per_designation {
        Some(b) => println!(
            "  memory <= 600 bytes per designation, the log included: {b} {}",
            verdict(b <= 600)
        ),
        None => println!("  memory: not measured (no /proc/self/status)"),
    }
}

/// Prints `SQLite`'s plan for each query (set `PEERS_EXPLAIN=1`), to check the indexes are used.
fn explain(sql: &Sql) {
    let queries = [
        STATUS_DESIGNATIONS,
        STATUS_LICENCES,
        KNOWN_AT_DESIGNATIONS,
        KNOWN_AT_LICENCES,
        STATE_DESIGNATIONS,
        STATE_LICENCES,
        CHANGES_BETWEEN,
        STATE_FULL_DESIGNATIONS,
        STATE_FULL_LICENCES,
        STATE_FULL_COVERAGE,
    ];
    for q in queries.iter().chain(&DIFF_FULL) {
        let mut stmt = sql
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {q}"))
            .expect("sql");
        let nulls = vec![rusqlite::types::Null; stmt.parameter_count()];
        let plan: Vec<String> = stmt
            .query_map(rusqlite::params_from_iter(nulls), |r| r.get::<_, String>(3))
            .expect("explain runs")
            .map(|r| r.expect("a row"))
            .collect();
        println!("{}\n  plan: {}", q.trim(), plan.join("; "));
    }
}

/// Checks the cluster answers: a cluster's designations are its members' own, and an entity
/// linked to nothing answers as it does alone. A mismatch panics, as in the agreement checks.
fn check_clusters<'q>(
    now: View<'_>,
    clusters: &workload::clusters::Clusters,
    queries: impl Iterator<Item = &'q StatusQuery>,
) {
    let mut cluster_of: HashMap<sanctions_ledger::EntityId, &[sanctions_ledger::EntityId]> =
        HashMap::new();
    for c in &clusters.clusters {
        for &m in c {
            cluster_of.insert(m, c);
        }
    }
    for q in queries {
        let subject = now
            .clusters()
            .status(q.entity, &q.authority, q.date)
            .expect("known");
        let members = cluster_of
            .get(&q.entity)
            .copied()
            .unwrap_or(std::slice::from_ref(&q.entity));
        let mut own: Vec<DesignationId> = members
            .iter()
            .flat_map(|&m| {
                now.status(m, &q.authority, q.date)
                    .expect("known")
                    .designations()
                    .to_vec()
            })
            .collect();
        own.sort_unstable();
        assert_eq!(
            subject.status.designations(),
            own,
            "cluster status on {q:?}"
        );
        if members.len() == 1 {
            let alone = now.status(q.entity, &q.authority, q.date).expect("known");
            assert_eq!(
                subject.status, alone,
                "an unlinked entity's cluster on {q:?}"
            );
        }
    }
}
