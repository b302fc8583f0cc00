//! Links and clusters against a naive reference model, as properties over generated histories
//! that link and unlink entities (`HistoryConfig::with_links`), and the invariants of links.
//!
//! The model walks the change list for every question, keeping what a view sees (recorded at
//! or before its instant, not retracted by then), finds a cluster by following the links in
//! force on the date from scratch, and applies the semantics of `Cluster` literally: the
//! subject is listed when a designation of a member is in force in the scope, licensed when a
//! licence of the authority in force covers a member; the representative is the member whose
//! registration comes first in the log. Every cluster query is compared with it on every day
//! of the window and at several recorded instants.
//!
//! Every property runs at least 512 cases, as in `tests/model.rs`; `PROPTEST_CASES` raises
//! that, `SANCTIONS_LEDGER_MIN_CASES` lowers the floor for quick runs. Failures are kept in
//! `proptest-regressions/model_links.txt` and replayed first.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{FileFailurePersistence, TestRunner};
use sanctions_ledger::strategy::{history, invalid_change, History, HistoryConfig, InvalidChange};
use sanctions_ledger::{
    name_tokens, normalise_name, Authority, Change, ChangeId, ChangeKind, DesignationId, Entity,
    EntityId, Error, Identifier, Ledger, LicenceId, LicenceTerms, LinkId, List, Scope, Status,
    View,
};

fn config() -> ProptestConfig {
    let number = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u32>().ok());
    let floor = number("SANCTIONS_LEDGER_MIN_CASES").unwrap_or(512);
    let cases = number("PROPTEST_CASES").map_or(floor, |n| n.max(floor));
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/model_links.txt",
        ))),
        ..ProptestConfig::default()
    }
}

type Check = Result<(), TestCaseError>;

fn check<S>(strategy: S, property: impl Fn(S::Value) -> Check)
where
    S: Strategy,
    S::Value: Debug,
{
    let mut runner = TestRunner::new(config());
    if let Err(failure) = runner.run(&strategy, property) {
        panic!("{failure}");
    }
}

fn history_config() -> HistoryConfig {
    let start = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
    HistoryConfig::new(start, start + Days::new(39))
        .with_entities(5)
        .with_changes(28)
        .with_links()
}

fn histories() -> impl Strategy<Value = History> {
    history(history_config())
}

/// Every day of the window, and one day either side of it.
fn dates(h: &History) -> Vec<NaiveDate> {
    let first = h.window_start.pred_opt().unwrap();
    let last = h.window_end.succ_opt().unwrap();
    first.iter_days().take_while(|d| *d <= last).collect()
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
    for (i, pick) in picks.iter().enumerate() {
        if recorded.is_empty() {
            break;
        }
        let at = *pick.get(&recorded);
        out.push(if i % 2 == 0 {
            at
        } else {
            at + TimeDelta::milliseconds(1)
        });
    }
    out
}

/// The scopes asked: each authority of the history, each list, and an authority never used.
fn scopes(h: &History) -> Vec<Asked> {
    let mut out: Vec<Asked> = h
        .authorities
        .iter()
        .cloned()
        .map(Asked::Authority)
        .collect();
    out.extend(h.lists.iter().cloned().map(Asked::List));
    out.push(Asked::Authority(Authority::new("NZ").unwrap()));
    out
}

#[derive(Debug, Clone)]
enum Asked {
    Authority(Authority),
    List(List),
}

impl Asked {
    fn scope(&self) -> Scope<'_> {
        match self {
            Asked::Authority(a) => Scope::Authority(a),
            Asked::List(l) => Scope::List(l),
        }
    }

    fn authority(&self) -> &Authority {
        match self {
            Asked::Authority(a) => a,
            Asked::List(l) => l.authority(),
        }
    }
}

// ------------------------------------------------------------------------------------------
// The reference model
// ------------------------------------------------------------------------------------------

/// What a view sees of a log, walked naively for every question.
struct Model<'a> {
    at: Option<DateTime<Utc>>,
    /// Visible changes other than retractions, with their positions in the log.
    events: Vec<(usize, &'a Change)>,
}

/// A life being gathered: creation, end, amendments.
type Parts<'a> = (Option<&'a Change>, Option<&'a Change>, Vec<&'a Change>);

/// One subject of a state, as plain data: members, designations, status per authority.
type Subject = (
    Vec<EntityId>,
    BTreeSet<DesignationId>,
    BTreeMap<Authority, Status>,
);

/// The start and end changes of a designation, licence or link, and its amendments.
struct Life<'a> {
    created: &'a Change,
    end: Option<&'a Change>,
    amendments: Vec<&'a Change>,
}

impl Life<'_> {
    fn in_force(&self, date: NaiveDate) -> bool {
        self.created.effective <= date && self.end.is_none_or(|e| date < e.effective)
    }
}

impl<'a> Model<'a> {
    fn new(log: &'a [Change], at: Option<DateTime<Utc>>) -> Self {
        let known: Vec<(usize, &Change)> = log
            .iter()
            .enumerate()
            .filter(|(_, c)| at.is_none_or(|t| c.recorded <= t))
            .collect();
        let retracted: BTreeSet<ChangeId> = known
            .iter()
            .filter_map(|(_, c)| c.kind.retracts())
            .collect();
        let events = known
            .into_iter()
            .filter(|(_, c)| !retracted.contains(&c.id) && c.kind.retracts().is_none())
            .collect();
        Model { at, events }
    }

    fn registration(&self, entity: EntityId) -> Option<usize> {
        self.events.iter().find_map(|(at, c)| match &c.kind {
            ChangeKind::RegisterEntity { entity: e, .. } if *e == entity => Some(*at),
            _ => None,
        })
    }

    fn known<T>(&self, entity: EntityId, answer: impl FnOnce() -> T) -> Result<T, Error> {
        match self.registration(entity) {
            Some(_) => Ok(answer()),
            None => Err(Error::EntityNotKnown {
                entity,
                known_at: self.at,
            }),
        }
    }

    /// Every life of a target, by the target's id as text.
    fn lives(&self, target: impl Fn(&ChangeKind) -> Option<String>) -> BTreeMap<String, Life<'a>> {
        let mut out: BTreeMap<String, Parts<'a>> = BTreeMap::new();
        for (_, c) in &self.events {
            let Some(key) = target(&c.kind) else { continue };
            let slot = out.entry(key).or_default();
            if c.kind.creates() {
                slot.0 = Some(c);
            } else if c.kind.ends() {
                slot.1 = Some(c);
            } else {
                slot.2.push(c);
            }
        }
        out.into_iter()
            .filter_map(|(k, (created, end, amendments))| {
                Some((
                    k,
                    Life {
                        created: created?,
                        end,
                        amendments,
                    },
                ))
            })
            .collect()
    }

    /// The designations in force on `date`: id, entity, authority, list.
    fn designations_on(
        &self,
        date: NaiveDate,
    ) -> Vec<(DesignationId, EntityId, Authority, Option<List>)> {
        self.lives(|k| k.designation().map(|d| d.to_string()))
            .values()
            .filter(|life| life.in_force(date))
            .filter_map(|life| match &life.created.kind {
                ChangeKind::Designate {
                    designation,
                    record,
                } => Some((
                    *designation,
                    record.entity,
                    record.authority.clone(),
                    record.list.clone(),
                )),
                _ => None,
            })
            .collect()
    }

    /// The licences in force on `date`: id, authority, terms on that date.
    fn licences_on(&self, date: NaiveDate) -> Vec<(LicenceId, Authority, LicenceTerms)> {
        self.lives(|k| k.licence().map(|l| l.to_string()))
            .values()
            .filter(|life| life.in_force(date))
            .filter_map(|life| {
                let ChangeKind::IssueLicence { licence, record } = &life.created.kind else {
                    return None;
                };
                let amended = life
                    .amendments
                    .iter()
                    .filter(|c| c.effective <= date)
                    .max_by_key(|c| c.effective);
                let terms = match amended.map(|c| &c.kind) {
                    Some(ChangeKind::AmendLicence { terms, .. }) => (**terms).clone(),
                    _ => record.terms.clone(),
                };
                Some((*licence, record.authority.clone(), terms))
            })
            .collect()
    }

    /// The links the view sees: id, the two entities, and their life.
    fn links(&self) -> Vec<(LinkId, [EntityId; 2], Life<'a>)> {
        self.lives(|k| k.link().map(|l| l.to_string()))
            .into_values()
            .filter_map(|life| match &life.created.kind {
                ChangeKind::Link { link, record } => Some((*link, record.entities, life)),
                _ => None,
            })
            .collect()
    }

    /// The cluster of `entity` on `date` (links in force), or over every link whatever its
    /// dates (`None`): members sorted, links sorted.
    fn component(&self, entity: EntityId, date: Option<NaiveDate>) -> (Vec<EntityId>, Vec<LinkId>) {
        let links: Vec<(LinkId, [EntityId; 2])> = self
            .links()
            .into_iter()
            .filter(|(_, _, life)| date.is_none_or(|d| life.in_force(d)))
            .map(|(id, pair, _)| (id, pair))
            .collect();
        let mut members = BTreeSet::from([entity]);
        let mut used = BTreeSet::new();
        loop {
            let before = members.len();
            for (id, [a, b]) in &links {
                if members.contains(a) || members.contains(b) {
                    members.insert(*a);
                    members.insert(*b);
                    used.insert(*id);
                }
            }
            if members.len() == before {
                break;
            }
        }
        (members.into_iter().collect(), used.into_iter().collect())
    }

    fn representative(&self, members: &[EntityId]) -> EntityId {
        *members
            .iter()
            .min_by_key(|m| self.registration(**m).unwrap_or(usize::MAX))
            .unwrap()
    }

    /// One entity's own status in a scope on a date.
    fn own_status(&self, entity: EntityId, asked: &Asked, date: NaiveDate) -> Status {
        let designations: Vec<DesignationId> = self
            .designations_on(date)
            .into_iter()
            .filter(|(_, e, a, l)| *e == entity && in_scope(asked, a, l.as_ref()))
            .map(|(id, ..)| id)
            .collect();
        let licences = self.covering(&[entity], asked.authority(), date);
        from_parts(designations, licences)
    }

    fn covering(
        &self,
        members: &[EntityId],
        authority: &Authority,
        date: NaiveDate,
    ) -> Vec<LicenceId> {
        self.licences_on(date)
            .into_iter()
            .filter(|(_, a, terms)| {
                a == authority && terms.covers.iter().any(|e| members.contains(e))
            })
            .map(|(id, ..)| id)
            .collect()
    }

    /// The subject's status and each listed member's own.
    fn cluster_status(
        &self,
        members: &[EntityId],
        asked: &Asked,
        date: NaiveDate,
    ) -> (Status, BTreeMap<EntityId, Status>) {
        let by_member: BTreeMap<EntityId, Status> = members
            .iter()
            .map(|&m| (m, self.own_status(m, asked, date)))
            .filter(|(_, s)| s.is_listed())
            .collect();
        let designations: Vec<DesignationId> = by_member
            .values()
            .flat_map(|s| s.designations().to_vec())
            .collect();
        let licences = self.covering(members, asked.authority(), date);
        (from_parts(designations, licences), by_member)
    }

    /// Authorities with a visible designation of any of `members`, sorted.
    fn authorities_of(&self, members: &[EntityId]) -> Vec<Authority> {
        self.events
            .iter()
            .filter_map(|(_, c)| match &c.kind {
                ChangeKind::Designate { record, .. } if members.contains(&record.entity) => {
                    Some(record.authority.clone())
                }
                _ => None,
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    /// The changes that concern `members` with `authority`, and the links among them.
    fn concerning(
        &self,
        members: &[EntityId],
        authority: &Authority,
        links: &[LinkId],
    ) -> BTreeSet<(NaiveDate, ChangeId)> {
        let mut out = BTreeSet::new();
        for life in self
            .lives(|k| k.designation().map(|d| d.to_string()))
            .values()
        {
            if let ChangeKind::Designate { record, .. } = &life.created.kind {
                if members.contains(&record.entity) && record.authority == *authority {
                    out.insert((life.created.effective, life.created.id));
                    out.extend(life.end.map(|c| (c.effective, c.id)));
                }
            }
        }
        for life in self.lives(|k| k.licence().map(|l| l.to_string())).values() {
            let ChangeKind::IssueLicence { record, .. } = &life.created.kind else {
                continue;
            };
            let names = |c: &Change| match &c.kind {
                ChangeKind::IssueLicence { record, .. } => {
                    record.terms.covers.iter().any(|e| members.contains(e))
                }
                ChangeKind::AmendLicence { terms, .. } => {
                    terms.covers.iter().any(|e| members.contains(e))
                }
                _ => false,
            };
            if record.authority == *authority
                && (names(life.created) || life.amendments.iter().any(|c| names(c)))
            {
                out.insert((life.created.effective, life.created.id));
                out.extend(life.end.map(|c| (c.effective, c.id)));
                out.extend(life.amendments.iter().map(|c| (c.effective, c.id)));
            }
        }
        for (id, _, life) in self.links() {
            if links.contains(&id) {
                out.insert((life.created.effective, life.created.id));
                out.extend(life.end.map(|c| (c.effective, c.id)));
            }
        }
        out
    }

    /// Entities with a visible version matching `matches`.
    fn entities_where(&self, matches: impl Fn(&Entity) -> bool) -> Vec<EntityId> {
        self.events
            .iter()
            .filter_map(|(_, c)| match &c.kind {
                ChangeKind::RegisterEntity { entity, record }
                | ChangeKind::AmendEntity { entity, record }
                    if matches(record) =>
                {
                    Some(*entity)
                }
                _ => None,
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    /// The clusters of `found` on `date`, with the members found: (members, representative,
    /// matched), by representative.
    fn grouped(
        &self,
        found: &[EntityId],
        date: NaiveDate,
    ) -> Vec<(Vec<EntityId>, EntityId, Vec<EntityId>)> {
        let mut out: BTreeMap<EntityId, (Vec<EntityId>, Vec<EntityId>)> = BTreeMap::new();
        for &e in found {
            let (members, _) = self.component(e, Some(date));
            let r = self.representative(&members);
            out.entry(r).or_insert((members, Vec::new())).1.push(e);
        }
        out.into_iter()
            .map(|(r, (m, mut hit))| {
                hit.sort_unstable();
                (m, r, hit)
            })
            .collect()
    }
}

fn in_scope(asked: &Asked, authority: &Authority, list: Option<&List>) -> bool {
    match asked {
        Asked::Authority(a) => a == authority,
        Asked::List(l) => list == Some(l),
    }
}

fn from_parts(mut designations: Vec<DesignationId>, mut licences: Vec<LicenceId>) -> Status {
    designations.sort_unstable();
    designations.dedup();
    licences.sort_unstable();
    licences.dedup();
    let json = if designations.is_empty() {
        serde_json::json!({"status": "not-listed"})
    } else if licences.is_empty() {
        serde_json::json!({"status": "listed", "designations": designations})
    } else {
        serde_json::json!({"status": "listed-licensed", "designations": designations, "licences": licences})
    };
    serde_json::from_value(json).unwrap()
}

// ------------------------------------------------------------------------------------------
// The checks
// ------------------------------------------------------------------------------------------

/// The current view and views at a few instants, each with its model.
fn views<'a>(ledger: &'a Ledger, h: &'a History, picks: &[Index]) -> Vec<(View<'a>, Model<'a>)> {
    let mut out = vec![(ledger.current(), Model::new(&h.changes, None))];
    for at in instants(h, picks) {
        out.push((ledger.known_at(at), Model::new(&h.changes, Some(at))));
    }
    out
}

fn entities(h: &History) -> Vec<EntityId> {
    let mut all = h.entities.clone();
    all.push(EntityId::derive("nobody"));
    all
}

fn check_clusters_and_statuses(view: &View<'_>, model: &Model<'_>, h: &History) -> Check {
    let clusters = view.clusters();
    for entity in entities(h) {
        for date in dates(h) {
            let expected = model.known(entity, || {
                let (members, links) = model.component(entity, Some(date));
                (model.representative(&members), members, links)
            });
            let got = clusters
                .cluster(entity, date)
                .map(|c| (c.representative, c.members, c.links));
            prop_assert_eq!(&got, &expected, "cluster of {} on {}", entity, date);
            let Ok((_, members, _)) = expected else {
                prop_assert!(clusters.statuses(entity, date).is_err());
                continue;
            };
            for asked in scopes(h) {
                let (status, by_member) = model.cluster_status(&members, &asked, date);
                let got = clusters.status(entity, asked.scope(), date).unwrap();
                prop_assert_eq!(
                    &got.status,
                    &status,
                    "{:?} on {} of {}",
                    asked,
                    date,
                    entity
                );
                let got_by_member: BTreeMap<EntityId, Status> = got
                    .by_member()
                    .map(|(member, own)| (member, own.clone()))
                    .collect();
                prop_assert_eq!(&got_by_member, &by_member);
                prop_assert_eq!(
                    clusters.is_listed(entity, asked.scope(), date).unwrap(),
                    status.is_listed()
                );
            }
            let statuses = clusters.statuses(entity, date).unwrap();
            let authorities = model.authorities_of(&members);
            prop_assert_eq!(
                statuses.statuses.keys().cloned().collect::<Vec<_>>(),
                authorities.clone()
            );
            for authority in authorities {
                let asked = Asked::Authority(authority.clone());
                let (status, _) = model.cluster_status(&members, &asked, date);
                prop_assert_eq!(&statuses.statuses[&authority].status, &status);
            }
            prop_assert_eq!(&statuses.cluster.members, &members);
        }
    }
    Ok(())
}

fn check_timelines(view: &View<'_>, model: &Model<'_>, h: &History) -> Check {
    for entity in entities(h) {
        let got = view.clusters().timeline(entity);
        let Ok(timeline) = got else {
            prop_assert!(model.registration(entity).is_none(), "{:?}", got);
            continue;
        };
        let (ever, links) = model.component(entity, None);
        prop_assert_eq!(&timeline.members, &ever);
        prop_assert_eq!(
            timeline.links.iter().map(|l| l.link).collect::<Vec<_>>(),
            links.clone()
        );
        for (member, own) in ever.iter().zip(&timeline.by_member) {
            prop_assert_eq!(own, &view.timeline(*member).unwrap());
        }
        // The subject's status on every day, as the model finds its cluster that day.
        let mut listed_by = BTreeSet::new();
        for authority in model.authorities_of(&ever) {
            let asked = Asked::Authority(authority.clone());
            let concerning = model.concerning(&ever, &authority, &links);
            for date in dates(h) {
                let (members, _) = model.component(entity, Some(date));
                let (status, _) = model.cluster_status(&members, &asked, date);
                prop_assert_eq!(
                    timeline.status_on(&authority, date),
                    status.kind(),
                    "{} {}",
                    authority,
                    date
                );
                if status.is_listed() {
                    listed_by.insert(authority.clone());
                }
            }
            // Each period opens and closes with the changes of its dates that concern it.
            if let Some(line) = timeline
                .authorities
                .iter()
                .find(|t| t.authority == authority)
            {
                for period in &line.periods {
                    let on = |date: NaiveDate| -> Vec<ChangeId> {
                        concerning
                            .iter()
                            .filter(|(d, _)| *d == date)
                            .map(|(_, id)| *id)
                            .collect()
                    };
                    let mut opened = period.opened_by.clone();
                    opened.sort_unstable();
                    let mut expected = on(period.dates.from);
                    expected.sort_unstable();
                    prop_assert_eq!(opened, expected);
                    if let Some(until) = period.dates.until {
                        let mut closed = period.closed_by.clone();
                        closed.sort_unstable();
                        let mut expected = on(until);
                        expected.sort_unstable();
                        prop_assert_eq!(closed, expected);
                    }
                }
            }
        }
        let timed: BTreeSet<Authority> = timeline
            .authorities
            .iter()
            .map(|t| t.authority.clone())
            .collect();
        // Listed within the window or outside it (then `dates` missed it: never here).
        prop_assert!(listed_by.is_subset(&timed));
    }
    Ok(())
}

fn check_lookups(view: &View<'_>, model: &Model<'_>, h: &History) -> Check {
    let mut names = BTreeSet::new();
    let mut identifiers = Vec::new();
    for c in &h.changes {
        if let ChangeKind::RegisterEntity { record, .. } | ChangeKind::AmendEntity { record, .. } =
            &c.kind
        {
            names.extend(record.names().map(str::to_owned));
            if let Some(first) = record
                .names()
                .next()
                .and_then(|n| name_tokens(n).into_iter().next())
            {
                names.insert(first);
            }
            identifiers.extend(record.identifiers.iter().cloned());
        }
    }
    identifiers.push(Identifier::list_entry(Authority::UN, "nobody"));
    let date = h.window_start + Days::new(20);
    let shape = |found: Vec<sanctions_ledger::ClusterMatch>| -> Vec<(Vec<EntityId>, EntityId, Vec<EntityId>)> {
        found.into_iter().map(|m| (m.cluster.members, m.cluster.representative, m.matched)).collect()
    };
    for name in &names {
        let normalised = normalise_name(name);
        let exact = model.entities_where(|r| {
            !normalised.is_empty() && r.names().any(|n| normalise_name(n) == normalised)
        });
        prop_assert_eq!(
            shape(view.clusters().find_by_name(name, date)),
            model.grouped(&exact, date)
        );
        let tokens = name_tokens(name);
        let holding = model.entities_where(|r| {
            !tokens.is_empty()
                && r.names().any(|n| {
                    let own = name_tokens(n);
                    tokens.iter().all(|t| own.contains(t))
                })
        });
        prop_assert_eq!(&view.find_by_tokens(name), &holding, "tokens of {:?}", name);
        prop_assert_eq!(
            shape(view.clusters().find_by_tokens(name, date)),
            model.grouped(&holding, date)
        );
    }
    for identifier in &identifiers {
        let key = identifier.lookup_key();
        let carrying =
            model.entities_where(|r| r.identifiers.iter().any(|i| i.lookup_key() == key));
        prop_assert_eq!(
            shape(view.clusters().find_by_identifier(identifier, date)),
            model.grouped(&carrying, date)
        );
    }
    Ok(())
}

fn check_state(view: &View<'_>, model: &Model<'_>, h: &History) -> Check {
    let all = dates(h);
    for date in all.iter().copied().step_by(3) {
        let state = view.clusters().state_on(date);
        let mut expected: BTreeMap<EntityId, Subject> = BTreeMap::new();
        let designations = model.designations_on(date);
        for (_, entity, ..) in &designations {
            let (members, _) = model.component(*entity, Some(date));
            let r = model.representative(&members);
            if expected.contains_key(&r) {
                continue;
            }
            let own: BTreeSet<DesignationId> = designations
                .iter()
                .filter(|(_, e, ..)| members.contains(e))
                .map(|(id, ..)| *id)
                .collect();
            let statuses = model
                .authorities_of(&members)
                .into_iter()
                .filter_map(|a| {
                    let (status, _) =
                        model.cluster_status(&members, &Asked::Authority(a.clone()), date);
                    status.is_listed().then_some((a, status))
                })
                .collect();
            expected.insert(r, (members, own, statuses));
        }
        let got: BTreeMap<EntityId, Subject> = state
            .subjects
            .iter()
            .map(|(r, s)| {
                (
                    *r,
                    (
                        s.cluster.members.clone(),
                        s.designations.keys().copied().collect(),
                        s.statuses.clone(),
                    ),
                )
            })
            .collect();
        prop_assert_eq!(got, expected, "state on {}", date);
    }
    Ok(())
}

fn check_diff(view: &View<'_>, model: &Model<'_>, h: &History) -> Check {
    let all = dates(h);
    // Differences between pairs of dates, subject by subject, against a scan of every entity.
    let pairs = [
        (0, all.len() - 1),
        (all.len() - 1, 0),
        (5, 17),
        (17, 30),
        (11, 12),
    ];
    for (i, j) in pairs {
        let (from, to) = (all[i.min(all.len() - 1)], all[j.min(all.len() - 1)]);
        let diff = view.clusters().diff(from, to);
        prop_assert_eq!(&diff.state, &view.diff(from, to));
        let got: BTreeSet<_> = diff
            .status_changes
            .iter()
            .map(|c| {
                (
                    c.cluster_before.members.clone(),
                    c.cluster_after.members.clone(),
                    c.authority.clone(),
                    c.before,
                    c.after,
                    c.cluster_before.representative,
                    c.cluster_after.representative,
                )
            })
            .collect();
        prop_assert_eq!(got.len(), diff.status_changes.len(), "each subject once");
        let mut expected = BTreeSet::new();
        for entity in &h.entities {
            if model.registration(*entity).is_none() {
                continue;
            }
            let (before, _) = model.component(*entity, Some(from));
            let (after, _) = model.component(*entity, Some(to));
            let mut both = before.clone();
            both.extend(after.iter().copied());
            for authority in model.authorities_of(&both) {
                let asked = Asked::Authority(authority.clone());
                let was = model.cluster_status(&before, &asked, from).0.kind();
                let now = model.cluster_status(&after, &asked, to).0.kind();
                if was != now {
                    expected.insert((
                        before.clone(),
                        after.clone(),
                        authority,
                        was,
                        now,
                        model.representative(&before),
                        model.representative(&after),
                    ));
                }
            }
        }
        prop_assert_eq!(got, expected, "diff {} → {}", from, to);
    }
    Ok(())
}

fn json(ledger: &Ledger) -> String {
    serde_json::to_string(ledger).unwrap()
}

/// The history without the changes `drop` names, nor their retractions.
fn without(h: &History, drop: &BTreeSet<ChangeId>) -> Vec<Change> {
    h.changes
        .iter()
        .filter(|c| !drop.contains(&c.id) && c.kind.retracts().is_none_or(|r| !drop.contains(&r)))
        .cloned()
        .collect()
}

// ------------------------------------------------------------------------------------------
// The properties
// ------------------------------------------------------------------------------------------

#[test]
fn clusters_and_their_statuses_agree_with_the_model() {
    check((histories(), vec(any::<Index>(), 3)), |(h, picks)| {
        let ledger = ledger(&h);
        for (view, model) in views(&ledger, &h, &picks) {
            check_clusters_and_statuses(&view, &model, &h)?;
        }
        Ok(())
    });
}

#[test]
fn cluster_timelines_agree_with_the_model() {
    check((histories(), vec(any::<Index>(), 2)), |(h, picks)| {
        let ledger = ledger(&h);
        for (view, model) in views(&ledger, &h, &picks) {
            check_timelines(&view, &model, &h)?;
        }
        Ok(())
    });
}

#[test]
fn cluster_lookups_agree_with_the_model() {
    check((histories(), vec(any::<Index>(), 2)), |(h, picks)| {
        let ledger = ledger(&h);
        for (view, model) in views(&ledger, &h, &picks) {
            check_lookups(&view, &model, &h)?;
        }
        Ok(())
    });
}

#[test]
fn cluster_states_and_differences_agree_with_the_model() {
    check((histories(), vec(any::<Index>(), 2)), |(h, picks)| {
        let ledger = ledger(&h);
        for (view, model) in views(&ledger, &h, &picks) {
            check_state(&view, &model, &h)?;
            check_diff(&view, &model, &h)?;
        }
        Ok(())
    });
}

/// Links never change an entity's own answers: the ledger with its links answers every
/// per-entity question like the ledger without them.
#[test]
fn links_leave_the_per_entity_answers_alone() {
    check(histories(), |h| {
        let ledger = ledger(&h);
        let links: BTreeSet<ChangeId> = h
            .changes
            .iter()
            .filter(|c| c.kind.link().is_some())
            .map(|c| c.id)
            .collect();
        let bare = Ledger::from_changes(without(&h, &links)).unwrap();
        let (a, b) = (ledger.current(), bare.current());
        for entity in entities(&h) {
            prop_assert_eq!(a.timeline(entity), b.timeline(entity));
            for date in dates(&h).into_iter().step_by(4) {
                prop_assert_eq!(a.statuses(entity, date), b.statuses(entity, date));
            }
        }
        for date in dates(&h).into_iter().step_by(4) {
            prop_assert_eq!(a.state_on(date), b.state_on(date));
        }
        Ok(())
    });
}

/// Retracting a link (after its unlink, on which it depends) answers, now, like never having
/// linked; a view of the past still answers as the ledger did then.
#[test]
fn retracting_a_link_answers_like_never_linking() {
    check((histories(), any::<Index>()), |(h, pick)| {
        let ledger = ledger(&h);
        let now = ledger.current();
        let live: Vec<&Change> = h
            .changes
            .iter()
            .filter(|c| matches!(c.kind, ChangeKind::Link { .. }) && now.change(c.id).is_some())
            .collect();
        if live.is_empty() {
            return Ok(());
        }
        let link = *pick.get(&live);
        let id = link.kind.link().unwrap();
        // Never linking: no change about the link at all (an unlink retracted earlier too).
        let drop: BTreeSet<ChangeId> = h
            .changes
            .iter()
            .filter(|c| c.kind.link() == Some(id))
            .map(|c| c.id)
            .collect();
        let mut retractions = Vec::new();
        let later = h.changes.last().unwrap().recorded + TimeDelta::days(1);
        let retraction = |target: ChangeId| {
            Change::new(
                ChangeId::derive(&format!("retract {target}")),
                h.window_start,
                later,
                sanctions_ledger::Source::new("test"),
                ChangeKind::Retract {
                    change: target,
                    reason: "never linked".into(),
                },
            )
        };
        if let Some(end) = now.link(id).and_then(|l| l.in_force.until.map(|_| l)) {
            let _ = end;
            let unlink = h
                .changes
                .iter()
                .rfind(|c| {
                    matches!(c.kind, ChangeKind::Unlink { link } if link == id)
                        && now.change(c.id).is_some()
                })
                .unwrap();
            retractions.push(retraction(unlink.id));
        }
        retractions.push(retraction(link.id));
        let mut retracted = ledger.clone();
        retracted.apply_batch(retractions).unwrap();
        let never = Ledger::from_changes(without(&h, &drop)).unwrap();
        let (a, b) = (retracted.current(), never.current());
        for entity in entities(&h) {
            prop_assert_eq!(a.clusters().timeline(entity), b.clusters().timeline(entity));
            for date in dates(&h).into_iter().step_by(3) {
                prop_assert_eq!(
                    a.clusters().statuses(entity, date),
                    b.clusters().statuses(entity, date)
                );
            }
        }
        // What the ledger said before the retraction is kept.
        let before = later - TimeDelta::seconds(1);
        let (old, kept) = (ledger.known_at(before), retracted.known_at(before));
        for entity in entities(&h) {
            prop_assert_eq!(
                old.clusters().timeline(entity),
                kept.clusters().timeline(entity)
            );
        }
        Ok(())
    });
}

/// A change that breaks a rule, link rules included, is refused with that rule and leaves the
/// ledger byte for byte, and every cluster answer, as it was.
#[test]
fn an_invalid_change_in_a_linked_history_changes_nothing() {
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
        prop_assert_eq!(json(&ledger), before);
        let fresh = self::ledger(&h);
        for entity in entities(&h) {
            prop_assert_eq!(
                ledger.current().clusters().timeline(entity),
                fresh.current().clusters().timeline(entity)
            );
        }
        Ok(())
    });
}

/// The strategy draws the link rules, and histories with clusters of three or more.
#[test]
fn linked_histories_reach_the_link_rules_and_larger_clusters() {
    use proptest::strategy::ValueTree;
    use sanctions_ledger::Rule;
    let strategy = invalid_change(history_config());
    let mut runner = TestRunner::deterministic();
    let mut drawn = BTreeSet::new();
    let mut largest = 0;
    for _ in 0..2_000 {
        let invalid = strategy.new_tree(&mut runner).unwrap().current();
        drawn.insert(invalid.rule);
        let ledger = ledger(&invalid.history);
        for entity in &invalid.history.entities {
            for date in dates(&invalid.history).into_iter().step_by(10) {
                if let Ok(c) = ledger.current().clusters().cluster(*entity, date) {
                    largest = largest.max(c.members.len());
                }
            }
        }
    }
    for rule in [
        Rule::SelfLink,
        Rule::LinkAlreadyInForce,
        Rule::DuplicateTarget,
        Rule::RetractionOrphans,
    ] {
        assert!(drawn.contains(&rule), "never drawn: {rule:?}");
    }
    assert!(largest >= 3, "largest cluster drawn: {largest}");
}

/// Histories that hold links, relations and class measures together: the ledger accepts them,
/// the cluster answers agree with the model (relations and class measures move no listing),
/// links leave every entity's derived status alone (derived status follows ownership, not
/// links), and an invalid change is refused with its rule.
#[test]
fn links_and_relations_together_keep_to_their_own_questions() {
    let config = history_config().with_relations();
    check(
        (history(config.clone()), vec(any::<Index>(), 2)),
        |(h, picks)| {
            let ledger = ledger(&h);
            for (view, model) in views(&ledger, &h, &picks) {
                check_clusters_and_statuses(&view, &model, &h)?;
            }
            let links: BTreeSet<ChangeId> = h
                .changes
                .iter()
                .filter(|c| c.kind.link().is_some())
                .map(|c| c.id)
                .collect();
            let bare = Ledger::from_changes(without(&h, &links)).unwrap();
            let (a, b) = (ledger.current(), bare.current());
            for entity in entities(&h) {
                prop_assert_eq!(a.derived_timeline(entity), b.derived_timeline(entity));
                for date in dates(&h).into_iter().step_by(4) {
                    for authority in &h.authorities {
                        prop_assert_eq!(
                            a.derived_status(entity, authority, date),
                            b.derived_status(entity, authority, date)
                        );
                    }
                }
            }
            Ok(())
        },
    );
    check(invalid_change(config), |invalid| {
        let InvalidChange {
            history: h,
            change,
            rule,
            ..
        } = invalid;
        let mut ledger = ledger(&h);
        let error = ledger.apply(change).unwrap_err();
        prop_assert!(rule.matches(&error), "{:?} expected, got {:?}", rule, error);
        Ok(())
    });
}
