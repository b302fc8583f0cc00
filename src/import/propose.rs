//! Link proposals: entities of different lists that carry the same strong identifier, as
//! [`Link`] changes a caller applies (or not), and the conflicts a person must look at.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};

use crate::authority::Authority;
use crate::change::{Change, ChangeKind, Source};
use crate::entity::{Entity, EntityKind, Identifier};
use crate::id::{ChangeId, EntityId, LinkId};
use crate::link::{Link, LinkReason};
use crate::view::View;

/// Whether two entities that carry `identifier` are one subject, for [`propose_links`]: an IMO
/// ship number, an IMO company number, an aircraft manufacturer serial number, or a list
/// entry's id (the UN reference an EU or UK entry carries names the UN's entry; OFAC's
/// `ent_num` names one subject on its SDN and its Consolidated list).
///
/// Names never link, and neither do identifiers that can name two subjects: an aircraft's
/// registration (tail numbers are reused), documents (one tax number on a company and on its
/// branch), digital currency addresses (one address shared by several persons).
///
/// # Example
///
/// ```
/// use sanctions_ledger::import::is_strong_identifier;
/// use sanctions_ledger::{Authority, Identifier};
///
/// assert!(is_strong_identifier(&Identifier::list_entry(Authority::UN, "KPe.020")));
/// assert!(is_strong_identifier(&Identifier::Imo("9074729".parse()?)));
/// assert!(!is_strong_identifier(&Identifier::AircraftRegistration("EW-301PJ".into())));
/// # Ok::<(), sanctions_ledger::Error>(())
/// ```
#[must_use]
pub fn is_strong_identifier(identifier: &Identifier) -> bool {
    matches!(
        identifier,
        Identifier::Imo(_)
            | Identifier::ImoCompany(_)
            | Identifier::AircraftSerial(_)
            | Identifier::ListEntry { .. }
    )
}

/// What keeps two entities apart although they share a strong identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Separation {
    /// Both are entries of one authority's lists with different ids: the authority itself
    /// lists them as two subjects (a duplicate within one list is a merge for reconciliation
    /// to flag, not a link).
    DifferentEntries {
        /// The authority.
        authority: Authority,
        /// The ids the first entity carries.
        first: Vec<String>,
        /// The ids the second entity carries.
        second: Vec<String>,
    },
    /// They are different kinds of subject (a person and a company, a ship and its owner).
    DifferentKinds {
        /// The first entity's kind.
        first: EntityKind,
        /// The second entity's kind.
        second: EntityKind,
    },
    /// A person ended or withdrew a link of the two: this change did.
    Unlinked {
        /// The unlink, or the retraction of the link.
        by: ChangeId,
    },
}

/// Entities that share a strong identifier but that other evidence keeps apart: reported for a
/// person to decide, never linked.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Conflict {
    /// The identifier they share.
    pub identifier: Identifier,
    /// Every entity carrying it, sorted.
    pub entities: Vec<EntityId>,
    /// Two of them, and what separates them (the first such pair found).
    pub apart: [EntityId; 2],
    /// The evidence.
    pub separation: Separation,
}

/// What [`propose_links`] found: the links to record, and the conflicts left to a person.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Proposals {
    /// One [`ChangeKind::Link`] per pair of entities to join, with
    /// [`LinkReason::SharedIdentifier`], sorted by identifier; apply them with
    /// [`Ledger::apply_batch`](crate::Ledger::apply_batch).
    pub changes: Vec<Change>,
    /// The identifiers shared by entities that other evidence separates, sorted by identifier.
    pub conflicts: Vec<Conflict>,
}

/// What the ledger already holds about links: registrations' dates, the links in force with
/// no end, and the pairs a person unlinked (with the change that did).
struct Decided {
    registered: HashMap<EntityId, NaiveDate>,
    open: Vec<(EntityId, EntityId)>,
    unlinked: HashMap<(EntityId, EntityId), ChangeId>,
}

impl Decided {
    fn of(view: View<'_>) -> Decided {
        let mut decided = Decided {
            registered: HashMap::new(),
            open: Vec::new(),
            unlinked: HashMap::new(),
        };
        for change in view.log() {
            match &change.kind {
                ChangeKind::RegisterEntity { entity, .. } if view.change(change.id).is_some() => {
                    decided
                        .registered
                        .entry(*entity)
                        .or_insert(change.effective);
                }
                ChangeKind::Link { link, record } => {
                    let pair = record.pair();
                    let by = match (view.change(change.id), view.link(*link)) {
                        (Some(_), Some(seen)) if seen.in_force.is_open() => {
                            decided.open.push(pair);
                            continue;
                        }
                        (Some(_), Some(_)) => unlink_of(view, *link).unwrap_or(change.id),
                        _ => retraction_of(view, change.id).unwrap_or(change.id),
                    };
                    decided.unlinked.entry(pair).or_insert(by);
                }
                _ => {}
            }
        }
        decided
    }
}

/// What one entity brings to the comparison.
struct Facts<'a> {
    kind: EntityKind,
    /// Its list entry ids, per authority.
    entries: BTreeMap<&'a Authority, BTreeSet<&'a str>>,
    /// The effective date of its registration.
    registered: NaiveDate,
}

/// Proposes links between the entities `view` knows that carry the same strong identifier
/// ([`is_strong_identifier`]), as changes recorded at `recorded`, plus the conflicts.
///
/// A separate step, never part of reconciliation: an importer or a user runs it after
/// importing lists, looks at the proposals and the conflicts, and applies what they accept.
///
/// - Entities are compared by their latest facts ([`View::entity`]). Those that share an
///   identifier are joined by as few links as make them one cluster: entities already joined
///   by links in force with no end (whoever recorded them) need none.
/// - A link's id derives from its two entities (`link-proposal:<a>:<b>`, smaller id first),
///   as does its change's, so running the proposals again after applying them proposes
///   nothing, and running them again before proposes the same changes. Its effective date is
///   the earlier of the two entities' registrations: being one subject is not an event, and
///   from that date on the subject's history answers through either entry (an SDN entry
///   first seen in 2024 answers for the UN listing of 2010 of the same ship owner).
/// - Shared identifiers never join entities that other evidence separates
///   ([`Separation`]): entries of one authority with different ids, different kinds of
///   subject, or two entities a person unlinked (ended or retracted a link of theirs). Such a
///   group, and everything it would join transitively, is reported as a [`Conflict`] and not
///   linked at all.
/// - Names never link (see [`Clusters::find_by_tokens`](crate::Clusters::find_by_tokens) for
///   candidates a person may confirm).
///
/// O(n + e · i + g · m²) in the changes of the view, the entities and their identifiers, and
/// the groups sharing an identifier with their members.
///
/// # Example
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use sanctions_ledger::import::{apply_snapshot, ofac::{ConsolidatedFiles, SdnFiles}, propose_links, ReconcileOptions};
/// use sanctions_ledger::{Authority, Ledger, StatusKind};
///
/// let date = NaiveDate::from_ymd_opt(2025, 12, 19).ok_or("date")?;
/// let recorded = Utc.with_ymd_and_hms(2025, 12, 20, 0, 0, 0).single().ok_or("instant")?;
/// let row = "17013,\"VTB BANK PUBLIC JOINT STOCK COMPANY\",-0- ,\"RUSSIA-EO14024\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a";
/// let mut ledger = Ledger::new();
/// let sdn = SdnFiles::new("sdn.csv", row.as_bytes()).parse(date)?;
/// let cons = ConsolidatedFiles::new("cons_prim.csv", row.as_bytes()).parse(date)?;
/// apply_snapshot(&mut ledger, &sdn, &ReconcileOptions::new(recorded))?;
/// apply_snapshot(&mut ledger, &cons, &ReconcileOptions::new(recorded))?;
///
/// // One ent_num on two of OFAC's lists: one subject.
/// let proposals = propose_links(ledger.current(), recorded);
/// assert_eq!((proposals.changes.len(), proposals.conflicts.len()), (1, 0));
/// ledger.apply_batch(proposals.changes)?;
/// let entry = sdn.entity_id("17013");
/// assert_eq!(ledger.current().clusters().cluster(entry, date)?.members.len(), 2);
/// // Applied, they propose nothing more.
/// assert!(propose_links(ledger.current(), recorded).changes.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn propose_links(view: View<'_>, recorded: DateTime<Utc>) -> Proposals {
    let Decided {
        registered,
        open,
        unlinked,
    } = Decided::of(view);
    let entities = view.entities();
    let mut facts: HashMap<EntityId, Facts<'_>> = HashMap::with_capacity(entities.len());
    let mut groups: BTreeMap<String, (Identifier, Vec<EntityId>)> = BTreeMap::new();
    for &entity in &entities {
        let Some(record) = view.entity(entity) else {
            continue;
        };
        facts.insert(entity, facts_of(record, registered.get(&entity).copied()));
        let mut keys = BTreeSet::new();
        for identifier in record
            .identifiers
            .iter()
            .filter(|i| is_strong_identifier(i))
        {
            let key = identifier.lookup_key();
            if keys.insert(key.clone()) {
                groups
                    .entry(key)
                    .or_insert_with(|| (identifier.clone(), Vec::new()))
                    .1
                    .push(entity);
            }
        }
    }

    let mut joined = Components::default();
    for (a, b) in open {
        joined.union(a, b);
    }
    let mut proposals = Proposals::default();
    for (key, (identifier, members)) in groups {
        if members.len() < 2 {
            continue;
        }
        // Everything the group would join: its members' components.
        let mut roots: Vec<EntityId> = members.iter().map(|&m| joined.find(m)).collect();
        roots.sort_unstable();
        roots.dedup();
        if roots.len() < 2 {
            continue;
        }
        let parts: Vec<Vec<EntityId>> = roots.iter().map(|&r| joined.members(r)).collect();
        if let Some((apart, separation)) = separated(&parts, &facts, &unlinked) {
            proposals.conflicts.push(Conflict {
                identifier,
                entities: members,
                apart,
                separation,
            });
            continue;
        }
        let hub = members[0];
        for &other in &members[1..] {
            if joined.find(hub) == joined.find(other) {
                continue;
            }
            joined.union(hub, other);
            let (a, b) = (hub.min(other), hub.max(other));
            let effective = match (facts.get(&a), facts.get(&b)) {
                (Some(fa), Some(fb)) => fa.registered.min(fb.registered),
                _ => continue,
            };
            let name = format!("link-proposal:{a}:{b}");
            proposals.changes.push(Change::new(
                ChangeId::derive(&name),
                effective,
                recorded,
                Source::new(format!("automatic link proposal: both entries carry {key}")),
                ChangeKind::Link {
                    link: LinkId::derive(&name),
                    record: Box::new(Link::new(
                        a,
                        b,
                        LinkReason::SharedIdentifier(identifier.clone()),
                    )),
                },
            ));
        }
    }
    proposals
}

/// Two entities whose names suggest they may be one subject, for a person to check.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Suggestion {
    /// The two entities, smaller id first.
    pub entities: [EntityId; 2],
    /// The name or alias of the first whose every token the second's name holds.
    pub name: String,
    /// The second's name or alias that holds them.
    pub matched: String,
}

/// Candidate links by name, for a person to confirm: never changes, never a proof.
///
/// Two entities the view knows are suggested when one's name or alias of at least two tokens
/// (see [`name_tokens`](crate::name_tokens): transliterated, lower-cased) has all its tokens in
/// a name or alias of the other (`BELAVIA BELARUSIAN AIRLINES` and `Open Joint Stock Company
/// Belavia Belarusian Airlines`), or their names are the same one-token name; unless they are
/// already joined by a link in force with no end, or evidence keeps them apart (as for
/// [`propose_links`]: entries of one authority with different ids, different kinds, a
/// person's unlink). Sorted by the pair.
///
/// O(e · a · q) in the entities, their names and aliases, and the cost of one
/// [`View::find_by_tokens`].
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use sanctions_ledger::import::{propose_links, suggest_links};
/// use sanctions_ledger::*;
///
/// let mut ledger = Ledger::new();
/// let recorded = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().ok_or("instant")?;
/// let register = |name: &str, record: Entity| {
///     Change::new(ChangeId::derive(name), "2025-01-01".parse().unwrap_or_default(), recorded,
///         Source::new("example"), ChangeKind::RegisterEntity { entity: EntityId::derive(name), record: Box::new(record) })
/// };
/// ledger.apply_batch([
///     register("sdn", Entity::new(EntityKind::Organisation, "OPEN JOINT STOCK COMPANY BELAVIA BELARUSIAN AIRLINES")
///         .with_identifier(Identifier::list_entry(Authority::US_OFAC, "44541"))),
///     register("eu", Entity::new(EntityKind::Organisation, "Belavia – Belarusian Airlines AAT")
///         .with_alias("Белавиа Belarusian Airlines")),
/// ])?;
/// // No shared identifier: nothing to link, but a name to check.
/// assert!(propose_links(ledger.current(), recorded).changes.is_empty());
/// let suggested = suggest_links(ledger.current());
/// assert_eq!(suggested.len(), 1);
/// assert_eq!(suggested[0].name, "Белавиа Belarusian Airlines");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn suggest_links(view: View<'_>) -> Vec<Suggestion> {
    let decided = Decided::of(view);
    let entities = view.entities();
    let mut facts: HashMap<EntityId, Facts<'_>> = HashMap::with_capacity(entities.len());
    for &entity in &entities {
        if let Some(record) = view.entity(entity) {
            facts.insert(entity, facts_of(record, None));
        }
    }
    let mut joined = Components::default();
    for &(a, b) in &decided.open {
        joined.union(a, b);
    }
    let mut found: BTreeMap<(EntityId, EntityId), Suggestion> = BTreeMap::new();
    for &entity in &entities {
        let Some(record) = view.entity(entity) else {
            continue;
        };
        for name in record.names() {
            let tokens = crate::names::name_tokens(name);
            for other in view.find_by_tokens(name) {
                let pair = (entity.min(other), entity.max(other));
                if other == entity
                    || found.contains_key(&pair)
                    || joined.find(entity) == joined.find(other)
                {
                    continue;
                }
                let Some(theirs) = view.entity(other) else {
                    continue;
                };
                let matched = theirs.names().find(|n| {
                    let own = crate::names::name_tokens(n);
                    tokens.iter().all(|t| own.contains(t)) && (tokens.len() >= 2 || own == tokens)
                });
                let Some(matched) = matched else {
                    continue;
                };
                if separation(entity, other, &facts, &decided.unlinked).is_some() {
                    continue;
                }
                found.insert(
                    pair,
                    Suggestion {
                        entities: [pair.0, pair.1],
                        name: name.to_owned(),
                        matched: matched.to_owned(),
                    },
                );
            }
        }
    }
    found.into_values().collect()
}

fn facts_of(record: &Entity, registered: Option<NaiveDate>) -> Facts<'_> {
    let mut entries: BTreeMap<&Authority, BTreeSet<&str>> = BTreeMap::new();
    for identifier in &record.identifiers {
        if let Identifier::ListEntry { authority, id } = identifier {
            entries.entry(authority).or_default().insert(id.as_str());
        }
    }
    Facts {
        kind: record.kind,
        entries,
        registered: registered.unwrap_or(NaiveDate::MIN),
    }
}

/// The first pair of entities from two different `parts` that evidence separates.
fn separated(
    parts: &[Vec<EntityId>],
    facts: &HashMap<EntityId, Facts<'_>>,
    unlinked: &HashMap<(EntityId, EntityId), ChangeId>,
) -> Option<([EntityId; 2], Separation)> {
    for (i, left) in parts.iter().enumerate() {
        for right in &parts[i + 1..] {
            for &a in left {
                for &b in right {
                    if let Some(separation) = separation(a, b, facts, unlinked) {
                        return Some(([a, b], separation));
                    }
                }
            }
        }
    }
    None
}

fn separation(
    a: EntityId,
    b: EntityId,
    facts: &HashMap<EntityId, Facts<'_>>,
    unlinked: &HashMap<(EntityId, EntityId), ChangeId>,
) -> Option<Separation> {
    if let Some(&by) = unlinked.get(&(a.min(b), a.max(b))) {
        return Some(Separation::Unlinked { by });
    }
    let (fa, fb) = (facts.get(&a)?, facts.get(&b)?);
    let other = |k| k == EntityKind::Other;
    if fa.kind != fb.kind && !other(fa.kind) && !other(fb.kind) {
        return Some(Separation::DifferentKinds {
            first: fa.kind,
            second: fb.kind,
        });
    }
    fa.entries.iter().find_map(|(authority, mine)| {
        let theirs = fb.entries.get(authority)?;
        mine.is_disjoint(theirs)
            .then(|| Separation::DifferentEntries {
                authority: (*authority).clone(),
                first: mine.iter().map(|s| (*s).to_owned()).collect(),
                second: theirs.iter().map(|s| (*s).to_owned()).collect(),
            })
    })
}

/// The visible unlink of `link`, if any.
fn unlink_of(view: View<'_>, link: LinkId) -> Option<ChangeId> {
    view.changes()
        .find(|c| matches!(c.kind, ChangeKind::Unlink { link: l } if l == link))
        .map(|c| c.id)
}

/// The retraction of the change `id` the view sees, if any.
fn retraction_of(view: View<'_>, id: ChangeId) -> Option<ChangeId> {
    view.log()
        .iter()
        .find(|c| c.kind.retracts() == Some(id))
        .map(|c| c.id)
}

/// Entities joined so far: each entity's component, named by its smallest member, with the
/// members of each component.
#[derive(Default)]
struct Components {
    root: HashMap<EntityId, EntityId>,
    members: HashMap<EntityId, Vec<EntityId>>,
}

impl Components {
    fn find(&self, entity: EntityId) -> EntityId {
        self.root.get(&entity).copied().unwrap_or(entity)
    }

    fn union(&mut self, a: EntityId, b: EntityId) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        let (keep, gone) = (ra.min(rb), ra.max(rb));
        let moved = self.members.remove(&gone).unwrap_or_else(|| vec![gone]);
        for &m in &moved {
            self.root.insert(m, keep);
        }
        let kept = self.members.entry(keep).or_insert_with(|| vec![keep]);
        self.root.insert(keep, keep);
        kept.extend(moved);
        kept.sort_unstable();
    }

    /// The members of the component named `root`, sorted.
    fn members(&self, root: EntityId) -> Vec<EntityId> {
        self.members
            .get(&root)
            .cloned()
            .unwrap_or_else(|| vec![root])
    }
}
