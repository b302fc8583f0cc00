//! The derived-status queries of a [`View`]: relations and class measures as the view knows
//! them, and [`View::derived_status`] with its whole-ledger, two-date and per-entity forms.
//!
//! One entity's derived status on a date is computed from a small graph: the entity and every
//! owner or controller above it through relations in force on the date (gathered from the
//! index's per-entity relation events, each entity once), which of them a blocking designation
//! of the authority lists, and the authority's [`OwnershipRule`]; [`ownership::blocked`]
//! computes who is blocked. Licences that cover owned entities spread the same way from the
//! entities they name.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;

use super::{licence_terms_on, Life, View};
use crate::authority::Authority;
use crate::change::{Change, ChangeKind};
use crate::class_measure::{ClassMeasure, ClassMeasureTerms};
use crate::derived::{
    ClassMeasureInForce, DerivedAuthorityTimeline, DerivedDiff, DerivedEntry, DerivedKind,
    DerivedPeriod, DerivedState, DerivedStatus, DerivedTimeline, Reason, RelationInForce, Relief,
    Stake, Strongest,
};
use crate::error::Result;
use crate::id::{ChangeId, ClassMeasureId, DesignationId, EntityId, LicenceId, RelationId};
use crate::index::{Edge, EntityEntry, OwnerEvent, Step};
use crate::list::Scope;
use crate::ownership::{self, Graph, OwnershipRule, Spread};
use crate::relation::{Relation, RelationKind, Share};
use crate::state::AsCreated;
use crate::timeline::fold_periods;

/// The owner graph of one entity on one date: node 0 is the entity.
struct Owners {
    nodes: Vec<EntityId>,
    /// Node of an entity, once the graph is larger than a linear search likes.
    index: HashMap<EntityId, usize>,
    graph: Graph,
    /// Every edge: (from, to, what it counts as, relation).
    edges: Vec<(usize, usize, Edge, RelationId)>,
}

impl Owners {
    fn node(&mut self, entity: EntityId) -> (usize, bool) {
        let found = if self.nodes.len() <= 16 {
            self.nodes.iter().position(|&e| e == entity)
        } else {
            if self.index.is_empty() {
                self.index = self
                    .nodes
                    .iter()
                    .enumerate()
                    .map(|(i, &e)| (e, i))
                    .collect();
            }
            self.index.get(&entity).copied()
        };
        if let Some(i) = found {
            return (i, false);
        }
        let i = self.graph.add_node();
        self.nodes.push(entity);
        if !self.index.is_empty() {
            self.index.insert(entity, i);
        }
        (i, true)
    }

    /// The edges into `node`.
    fn into(&self, node: usize) -> impl Iterator<Item = &(usize, usize, Edge, RelationId)> + '_ {
        self.edges.iter().filter(move |e| e.1 == node)
    }
}

/// The relations of `events` (one entity's, grouped by relation) in force on `date` as a view
/// sees them, with what each counts as on that date: `(relation, subject, edge)`.
fn in_force<'e>(
    events: &'e [OwnerEvent],
    date: NaiveDate,
    sees: impl Fn(u32) -> bool + 'e,
) -> impl Iterator<Item = (RelationId, EntityId, Edge)> + 'e {
    events
        .chunk_by(|a, b| a.relation == b.relation)
        .filter_map(move |run| {
            let mut begun = None;
            let mut amended: Option<&OwnerEvent> = None;
            for e in run.iter().filter(|e| e.date <= date && sees(e.at)) {
                match e.step {
                    Step::Begin => begun = Some(e),
                    // Of amendments, the latest effective wins; of equal dates, the last logged.
                    Step::Amend => {
                        if amended.is_none_or(|a| (a.date, a.at) <= (e.date, e.at)) {
                            amended = Some(e);
                        }
                    }
                    Step::End => return None,
                }
            }
            let begun = begun?;
            Some((begun.relation, begun.subject, amended.unwrap_or(begun).edge))
        })
}

impl<'a> View<'a> {
    /// The relation as begun, with its period in force.
    ///
    /// O(c) in the changes naming the relation.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let mut ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// // Made up for illustration: a company Belavia owns 60% of (see seeds/README.md).
    /// let invented: Vec<Change> =
    ///     serde_json::from_str(&std::fs::read_to_string("seeds/invented-subsidiary.json")?)?;
    /// ledger.apply_batch(invented)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let stake = RelationId::derive("invented:belavia-owns-subsidiary");
    /// let relation = ledger.current().relation(stake).ok_or("in the invented file")?;
    /// assert_eq!(relation.record.subject(), EntityId::derive("belavia"));
    /// assert_eq!(relation.in_force, Interval::new(day("2020-01-01")?, None));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn relation(&self, id: RelationId) -> Option<AsCreated<'a, Relation>> {
        let life = self.life(self.index.relation_positions(id)?)?;
        match &life.created.kind {
            ChangeKind::Relate { record, .. } => Some(life.as_created(record)),
            _ => None,
        }
    }

    /// The relation as in force on `date`, with its amended terms; `None` if it is not in
    /// force.
    ///
    /// O(c) in the changes naming the relation.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let mut ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// // Made up for illustration: a company Belavia owns 60% of (see seeds/README.md).
    /// let invented: Vec<Change> =
    ///     serde_json::from_str(&std::fs::read_to_string("seeds/invented-subsidiary.json")?)?;
    /// ledger.apply_batch(invented)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let stake = RelationId::derive("invented:belavia-owns-subsidiary");
    /// let now = ledger.current();
    /// assert!(now.relation_on(stake, day("2019-12-31")?).is_none());
    /// let in_force = now.relation_on(stake, day("2024-01-01")?).ok_or("in force")?;
    /// assert_eq!(in_force.terms.share, Some(Share::percent(60)?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn relation_on(&self, id: RelationId, date: NaiveDate) -> Option<RelationInForce> {
        let life = self.life(self.index.relation_positions(id)?)?;
        if !life.in_force_on(date) {
            return None;
        }
        let ChangeKind::Relate { record, .. } = &life.created.kind else {
            return None;
        };
        let terms = match life.amendment_on(date).map(|c| &c.kind) {
            Some(ChangeKind::AmendRelation { terms, .. }) => terms,
            _ => &record.terms,
        };
        Some(RelationInForce {
            kind: record.kind.clone(),
            subject: record.subject(),
            object: record.object(),
            terms: terms.clone(),
            since: life.start(),
            begun_by: life.created.id,
        })
    }

    /// The relations in force on `date` whose subject or object is `entity`, sorted by id.
    ///
    /// O(r · c) in the relations naming the entity and their changes.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let mut ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// // Made up for illustration: a company Belavia owns 60% of (see seeds/README.md).
    /// let invented: Vec<Change> =
    ///     serde_json::from_str(&std::fs::read_to_string("seeds/invented-subsidiary.json")?)?;
    /// ledger.apply_batch(invented)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let owned = ledger.current().relations_of(EntityId::derive("belavia"), day("2025-10-01")?);
    /// assert_eq!(owned.len(), 1);
    /// assert_eq!(owned[0].1.object, EntityId::derive("invented:belavia-subsidiary"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn relations_of(
        &self,
        entity: EntityId,
        date: NaiveDate,
    ) -> Vec<(RelationId, RelationInForce)> {
        let mut ids: Vec<RelationId> = self
            .index
            .derivation()
            .relations_naming(entity)
            .iter()
            .filter(|&&(_, at)| self.sees(at))
            .map(|&(id, _)| id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            .filter_map(|id| Some((id, self.relation_on(id, date)?)))
            .collect()
    }

    /// The class measure as imposed, with its period in force.
    ///
    /// O(c) in the changes naming the measure.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let ban = ClassMeasureId::derive("eu:belarusian-air-carriers");
    /// let measure = ledger.current().class_measure(ban).ok_or("in the seed")?;
    /// assert_eq!(measure.record.authority, Authority::EU);
    /// assert_eq!(measure.record.class.sectors, [Sector::AirCarrier]);
    /// assert_eq!(measure.in_force, Interval::new(day("2021-06-05")?, None));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn class_measure(&self, id: ClassMeasureId) -> Option<AsCreated<'a, ClassMeasure>> {
        let life = self.life(self.index.class_measure_positions(id)?)?;
        match &life.created.kind {
            ChangeKind::ImposeClassMeasure { record, .. } => Some(life.as_created(record)),
            _ => None,
        }
    }

    /// The class measure as in force on `date`, with its amended terms; `None` if it is not in
    /// force.
    ///
    /// O(c) in the changes naming the measure.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let ban = ClassMeasureId::derive("eu:belarusian-air-carriers");
    /// let now = ledger.current();
    /// assert!(now.class_measure_on(ban, day("2021-06-04")?).is_none()); // adopted, not yet applied
    /// let on = now.class_measure_on(ban, day("2021-06-05")?).ok_or("in force")?;
    /// assert_eq!(on.terms.measures, [Measure::FlightBan]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn class_measure_on(
        &self,
        id: ClassMeasureId,
        date: NaiveDate,
    ) -> Option<ClassMeasureInForce> {
        let life = self.life(self.index.class_measure_positions(id)?)?;
        class_measure_in_force(&life, date)
    }

    /// Why the measures of an authority reach `entity` on `date`, if they do: its own
    /// designations; the blocked owners and controllers through which the authority's
    /// [`OwnershipRule`] blocks it (the "50% rule"), each with its own reasons; the class
    /// measures whose class it is in; and the licences that relieve it, by name or because
    /// they cover what their named entities own. See [`DerivedStatus`] and [`DerivedKind`].
    ///
    /// `scope` is an `&Authority` or a `&List`, as for [`View::status`]: with a list, only
    /// designations on that list count, the entity's own and its owners' alike (blocked
    /// through SDN-listed owners, say), class measures (which are on no list) do not, and
    /// the licences and the rule are the list's authority's.
    ///
    /// [`View::status`] answers the listing alone, and still does: an entity blocked only
    /// through its owners is `not-listed` there and `blocked-by-ownership` here.
    ///
    /// O(k) as for [`View::status`] when no relation names the entity as its object and no
    /// class measure of the authority is in force; otherwise O(g · (k + e)) over the g owners
    /// and controllers above it on the date, their designation events k and relation events e,
    /// plus O(m) per class measure in force for the entity's facts.
    ///
    /// # Errors
    ///
    /// [`Error::EntityNotKnown`](crate::Error::EntityNotKnown) if the view sees no
    /// registration of `entity`, as for [`View::status`].
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let mut ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// // Made up for illustration: a company Belavia owns 60% of (see seeds/README.md).
    /// let invented: Vec<Change> =
    ///     serde_json::from_str(&std::fs::read_to_string("seeds/invented-subsidiary.json")?)?;
    /// ledger.apply_batch(invented)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let (belavia, company) = (EntityId::derive("belavia"), EntityId::derive("invented:belavia-subsidiary"));
    /// let now = ledger.current();
    /// let us = |entity, date| now.derived_status(entity, &Authority::US_OFAC, date);
    ///
    /// // Before the EU listed Belavia, its ban on Belarusian air carriers caught it.
    /// let eu = now.derived_status(belavia, &Authority::EU, day("2021-07-01")?)?;
    /// assert_eq!(eu.kind, DerivedKind::ClassMeasure);
    ///
    /// // OFAC's 50% rule: 60% owned by Belavia, blocked from Belavia's designation on.
    /// assert_eq!(us(company, day("2023-08-08")?)?.kind, DerivedKind::NotListed);
    /// let blocked = us(company, day("2024-06-01")?)?;
    /// assert_eq!(blocked.kind, DerivedKind::BlockedByOwnership);
    /// let chain = &blocked.chains()[0];
    /// assert_eq!(chain.links[0].owner, belavia);
    /// assert_eq!(chain.links[0].share, Some(Share::percent(60)?));
    /// assert_eq!(chain.designation, DesignationId::derive("us-ofac:44541"));
    /// // Belarus GL 11 covers what Belavia owns; the SDN removal frees the company too.
    /// let licensed = us(company, day("2025-10-01")?)?;
    /// assert_eq!(licensed.kind, DerivedKind::BlockedByOwnershipLicensed);
    /// assert_eq!(licensed.licences[0].through, [belavia]);
    /// assert_eq!(us(company, day("2025-11-04")?)?.kind, DerivedKind::NotListed);
    /// // Its listing status never moved: it is on no list.
    /// assert_eq!(now.status(company, &Authority::US_OFAC, day("2024-06-01")?)?, Status::NotListed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn derived_status<'s>(
        &self,
        entity: EntityId,
        scope: impl Into<Scope<'s>>,
        date: NaiveDate,
    ) -> Result<DerivedStatus> {
        let entry = self.known_entity(entity)?;
        Ok(self.derived_of(entry, entity, scope.into(), date))
    }

    /// The derived status of a known entity.
    #[allow(clippy::too_many_lines)] // one computation: graph, rule, reasons, licences
    fn derived_of(
        &self,
        entry: EntityEntry<'a>,
        entity: EntityId,
        scope: Scope<'_>,
        date: NaiveDate,
    ) -> DerivedStatus {
        let authority = scope.authority();
        let mut reasons: Vec<Reason> = {
            let mut own: Vec<DesignationId> = entry.listed(scope, date, self.cut).collect();
            own.sort_unstable();
            own.dedup();
            own.into_iter()
                .map(|designation| Reason::Listed { designation })
                .collect()
        };
        let listed = !reasons.is_empty();
        let rule = OwnershipRule::for_authority(authority, date);
        let owners = self.owner_graph(entity, date);
        let mut owner_reasons = BTreeMap::new();
        let mut owned = false;
        if let (Some(graph), Some(rule)) = (&owners, rule) {
            let blocking: Vec<Vec<DesignationId>> = graph
                .nodes
                .iter()
                .map(|&node| self.blocking_designations(node, scope, date))
                .collect();
            let seeds: Vec<usize> = (0..graph.nodes.len())
                .filter(|&i| !blocking[i].is_empty())
                .collect();
            let spreads = ownership::blocked(&graph.graph, &seeds, rule);
            let own = ownership_reasons(graph, &spreads, rule, 0);
            owned = !own.is_empty();
            reasons.extend(own);
            // Why each owner named is blocked, each once.
            let mut queue: Vec<usize> = named_owners(graph, &reasons);
            while let Some(node) = queue.pop() {
                let id = graph.nodes[node];
                if owner_reasons.contains_key(&id) {
                    continue;
                }
                let mut why: Vec<Reason> = blocking[node]
                    .iter()
                    .map(|&designation| Reason::Listed { designation })
                    .collect();
                why.extend(ownership_reasons(graph, &spreads, rule, node));
                queue.extend(named_owners(graph, &why));
                owner_reasons.insert(id, why);
            }
        }
        // Class measures are on no list.
        let classes = match scope {
            Scope::Authority(authority) => self.class_measures_catching(entity, authority, date),
            Scope::List(_) => Vec::new(),
        };
        let class = !classes.is_empty();
        reasons.extend(
            classes
                .into_iter()
                .map(|measure| Reason::ClassMeasure { measure }),
        );
        let strongest = if listed {
            Strongest::Listing
        } else if owned {
            Strongest::Ownership
        } else if class {
            Strongest::ClassMeasure
        } else {
            Strongest::Nothing
        };
        // An entity listed in its own right is relieved only by a licence naming it: a cover
        // of owned entities reaches what ownership blocks, not a separate listing.
        let licences = match strongest {
            Strongest::Nothing => Vec::new(),
            Strongest::Listing => self.reliefs(entry, entity, authority, date, None),
            Strongest::Ownership | Strongest::ClassMeasure => {
                self.reliefs(entry, entity, authority, date, owners.as_ref())
            }
        };
        DerivedStatus {
            kind: DerivedKind::of(strongest, !licences.is_empty()),
            reasons,
            owners: owner_reasons,
            licences,
        }
    }

    /// The owner graph of `entity` on `date`: `None` when no relation in force counts towards
    /// it (the usual entity, which costs one lookup).
    fn owner_graph(&self, entity: EntityId, date: NaiveDate) -> Option<Owners> {
        let derivation = self.index.derivation();
        let sees = |at: u32| self.sees(at as usize);
        let first = derivation.owner_events(entity);
        if first.is_empty() {
            return None;
        }
        let mut owners = Owners {
            nodes: vec![entity],
            index: HashMap::new(),
            graph: Graph::new(1),
            edges: Vec::new(),
        };
        let mut next = 0;
        while next < owners.nodes.len() {
            let object = owners.nodes[next];
            for (relation, subject, edge) in in_force(derivation.owner_events(object), date, sees) {
                if edge == Edge::Nothing {
                    continue;
                }
                let (from, _) = owners.node(subject);
                let index = owners.edges.len();
                owners.graph.add_edge(from, next, edge, index);
                owners.edges.push((from, next, edge, relation));
            }
            next += 1;
        }
        (!owners.edges.is_empty()).then_some(owners)
    }

    /// The designations of `entity` in `scope` in force on `date` whose terms on that date
    /// freeze assets, sorted.
    fn blocking_designations(
        &self,
        entity: EntityId,
        scope: Scope<'_>,
        date: NaiveDate,
    ) -> Vec<DesignationId> {
        let Some(entry) = self.index.entity(entity) else {
            return Vec::new();
        };
        let mut ids: Vec<DesignationId> = entry
            .listed(scope, date, self.cut)
            .filter(|&d| self.designation_blocks(d, date))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Whether the terms of a designation in force on `date` freeze assets.
    fn designation_blocks(&self, designation: DesignationId, date: NaiveDate) -> bool {
        let Some(events) = self.index.derivation().terms_events(designation) else {
            // Every version of its terms blocks.
            return true;
        };
        // An amendment in force wins over the creation; of amendments, the latest effective,
        // then the last logged (as `Life::amendment_on`).
        events
            .iter()
            .filter(|e| e.date <= date && self.sees(e.at as usize))
            .max_by_key(|e| (!e.creation, e.date, e.at))
            .is_some_and(|e| e.blocks)
    }

    /// The class measures of `authority` in force on `date` whose class holds the entity's
    /// facts on that date, sorted.
    fn class_measures_catching(
        &self,
        entity: EntityId,
        authority: &Authority,
        date: NaiveDate,
    ) -> Vec<ClassMeasureId> {
        let mut facts = None;
        let mut caught = Vec::new();
        for (id, positions) in self.index.derivation().class_measures() {
            let Some(life) = self.life(positions) else {
                continue;
            };
            let ChangeKind::ImposeClassMeasure { record, .. } = &life.created.kind else {
                continue;
            };
            if record.authority != *authority || !life.in_force_on(date) {
                continue;
            }
            let facts = facts.get_or_insert_with(|| self.entity_on(entity, date));
            if facts.is_some_and(|facts| record.class.contains(facts)) {
                caught.push(id);
            }
        }
        caught
    }

    /// The licences of `authority` in force on `date` that relieve `entity`: those naming it,
    /// and those covering what the entities they name own, through the owner graph.
    fn reliefs(
        &self,
        entry: EntityEntry<'a>,
        entity: EntityId,
        authority: &Authority,
        date: NaiveDate,
        owners: Option<&Owners>,
    ) -> Vec<Relief> {
        let mut named: Vec<LicenceId> = entry
            .licences()
            .iter()
            .filter(|(id, at)| self.sees(*at) && self.licence_covers(*id, entity, authority, date))
            .map(|(id, _)| *id)
            .collect();
        named.sort_unstable();
        named.dedup();
        let mut reliefs: Vec<Relief> = named
            .iter()
            .map(|&licence| Relief {
                licence,
                through: Vec::new(),
            })
            .collect();
        let Some(owners) = owners else {
            return reliefs;
        };
        // Licences covering owned entities, with the owners they name.
        let mut seeds: BTreeMap<LicenceId, Vec<usize>> = BTreeMap::new();
        for (node, &owner) in owners.nodes.iter().enumerate().skip(1) {
            let Some(owner_entry) = self.index.entity(owner) else {
                continue;
            };
            for &(id, at) in owner_entry.licences() {
                if named.contains(&id) || !self.sees(at) {
                    continue;
                }
                if self.licence_covers_owned(id, owner, authority, date) {
                    let list = seeds.entry(id).or_default();
                    if !list.contains(&node) {
                        list.push(node);
                    }
                }
            }
        }
        let rule = OwnershipRule::LICENCE_OWNED_ENTITIES;
        for (licence, seeds) in seeds {
            let covered = ownership::spread(&owners.graph, &seeds, rule.threshold, rule.control);
            if !covered.members[0] {
                continue;
            }
            // The named entities whose holdings reach the entity: walk up through members.
            let mut through = BTreeSet::new();
            let mut seen = vec![false; owners.nodes.len()];
            let mut stack = vec![0];
            while let Some(node) = stack.pop() {
                if std::mem::replace(&mut seen[node], true) {
                    continue;
                }
                if seeds.contains(&node) {
                    through.insert(owners.nodes[node]);
                }
                for &(from, _, edge, _) in owners.into(node) {
                    if matches!(edge, Edge::Ownership(_)) && covered.members[from] {
                        stack.push(from);
                    }
                }
            }
            reliefs.push(Relief {
                licence,
                through: through.into_iter().collect(),
            });
        }
        reliefs.sort();
        reliefs
    }

    /// Whether licence `id` of `authority` is in force on `date`, names `entity` and covers
    /// the entities it owns.
    fn licence_covers_owned(
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
                            && licence_terms_on(&life, date).is_some_and(|t| {
                                t.covers_owned_entities && t.covers.contains(&entity)
                            })
                    }
                    _ => false,
                }
        })
    }

    /// Every (entity, authority) pair that something catches on `date`, with its derived
    /// status: the entities listed on that date, those some relation names as its object,
    /// and, for an authority with a class measure in force, every entity the view knows.
    ///
    /// O(c · d) over the c candidates and the cost d of one [`View::derived_status`].
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let mut ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// // Made up for illustration: a company Belavia owns 60% of (see seeds/README.md).
    /// let invented: Vec<Change> =
    ///     serde_json::from_str(&std::fs::read_to_string("seeds/invented-subsidiary.json")?)?;
    /// ledger.apply_batch(invented)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let state = ledger.current().derived_state_on(day("2025-10-01")?);
    /// let company = EntityId::derive("invented:belavia-subsidiary");
    /// assert_eq!(state.kind(company, &Authority::US_OFAC), DerivedKind::BlockedByOwnershipLicensed);
    /// assert_eq!(state.kind(company, &Authority::EU), DerivedKind::BlockedByOwnership);
    /// // Belavia by both, its aircraft EW-301PJ by OFAC, the company by both.
    /// assert_eq!(state.entries.len(), 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn derived_state_on(&self, date: NaiveDate) -> DerivedState {
        let mut candidates: BTreeSet<(EntityId, Authority)> = BTreeSet::new();
        let mut authorities: BTreeSet<Authority> = BTreeSet::new();
        for id in self.designations_in_force(date) {
            if let Some(d) = self.designation(id) {
                candidates.insert((d.record.entity, d.record.authority.clone()));
                authorities.insert(d.record.authority.clone());
            }
        }
        let with_class: Vec<Authority> = self
            .index
            .derivation()
            .class_measures()
            .filter_map(|(id, _)| self.class_measure_on(id, date).map(|m| m.authority))
            .collect();
        authorities.extend(with_class.iter().cloned());
        let objects: Vec<EntityId> = self.index.derivation().objects().map(|(e, _)| e).collect();
        for object in objects {
            for authority in &authorities {
                candidates.insert((object, authority.clone()));
            }
        }
        if !with_class.is_empty() {
            for entity in self.entities() {
                for authority in &with_class {
                    candidates.insert((entity, authority.clone()));
                }
            }
        }
        let entries = candidates
            .into_iter()
            .filter_map(|(entity, authority)| {
                let entry = self.known_entity(entity).ok()?;
                let status = self.derived_of(entry, entity, Scope::Authority(&authority), date);
                status.kind.is_caught().then_some(DerivedEntry {
                    entity,
                    authority,
                    status,
                })
            })
            .collect();
        DerivedState { date, entries }
    }

    /// The (entity, authority) pairs whose derived kind differs between `from` and `to`:
    /// `view.derived_state_on(from).diff(&view.derived_state_on(to))`.
    ///
    /// O of two [`View::derived_state_on`].
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let mut ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// // Made up for illustration: a company Belavia owns 60% of (see seeds/README.md).
    /// let invented: Vec<Change> =
    ///     serde_json::from_str(&std::fs::read_to_string("seeds/invented-subsidiary.json")?)?;
    /// ledger.apply_batch(invented)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let diff = ledger.current().derived_diff(day("2025-11-03")?, day("2025-11-04")?);
    /// let company = EntityId::derive("invented:belavia-subsidiary");
    /// assert!(diff.changes.iter().any(|c| c.entity == company
    ///     && c.before == DerivedKind::BlockedByOwnershipLicensed
    ///     && c.after == DerivedKind::NotListed));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn derived_diff(&self, from: NaiveDate, to: NaiveDate) -> DerivedDiff {
        self.derived_state_on(from).diff(&self.derived_state_on(to))
    }

    /// The entity's periods of derived status, per authority, with the changes that opened and
    /// closed each period. A period opens or closes on a date where an ownership or control of
    /// the entity (or of one of its owners) begins, changes or ends, an owner's listing begins
    /// or ends, a licence or class measure of the authority moves, or the authority's rule
    /// changes.
    ///
    /// O(b · d) over the b dates on which any of those happen and the cost d of one
    /// [`View::derived_status`].
    ///
    /// # Errors
    ///
    /// [`Error::EntityNotKnown`](crate::Error::EntityNotKnown) if the view sees no
    /// registration of `entity`, as for [`View::status`].
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let mut ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// // Made up for illustration: a company Belavia owns 60% of (see seeds/README.md).
    /// let invented: Vec<Change> =
    ///     serde_json::from_str(&std::fs::read_to_string("seeds/invented-subsidiary.json")?)?;
    /// ledger.apply_batch(invented)?;
    /// let day = |text: &str| text.parse::<chrono::NaiveDate>();
    ///
    /// let timeline = ledger.current().derived_timeline(EntityId::derive("invented:belavia-subsidiary"))?;
    /// let us = timeline
    ///     .authorities
    ///     .iter()
    ///     .find(|t| t.authority == Authority::US_OFAC)
    ///     .ok_or("blocked by OFAC once")?;
    /// let periods: Vec<String> = us.periods.iter().map(|p| format!("{} {}", p.kind, p.dates)).collect();
    /// assert_eq!(periods, [
    ///     "blocked-by-ownership [2023-08-09, 2025-09-11)",
    ///     "blocked-by-ownership-licensed [2025-09-11, 2025-11-04)",
    /// ]);
    /// assert_eq!(timeline.kind_on(&Authority::EU, day("2025-12-01")?), DerivedKind::BlockedByOwnership);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn derived_timeline(&self, entity: EntityId) -> Result<DerivedTimeline> {
        let entry = self.known_entity(entity)?;
        let closure = self.ever_owners(entity);
        let mut authorities: BTreeSet<Authority> = BTreeSet::new();
        for &member in &closure {
            if let Some(e) = self.index.entity(member) {
                authorities.extend(e.authorities(self.cut));
            }
        }
        for (id, _) in self.index.derivation().class_measures() {
            if let Some(m) = self.class_measure(id) {
                authorities.insert(m.record.authority.clone());
            }
        }
        let mut timelines = Vec::new();
        for authority in authorities {
            let concerning = self.concerning_derived(entity, &closure, &authority);
            let mut dates: BTreeSet<NaiveDate> = concerning.iter().map(|c| c.effective).collect();
            dates.extend(OwnershipRule::changes_of(&authority).iter().copied());
            let on = |date: NaiveDate| -> Vec<ChangeId> {
                concerning
                    .iter()
                    .filter(|c| c.effective == date)
                    .map(|c| c.id)
                    .collect()
            };
            let periods = fold_periods(
                dates,
                DerivedKind::NotListed,
                |date| {
                    self.derived_of(entry, entity, Scope::Authority(&authority), date)
                        .kind
                },
                on,
                |kind, dates, opened_by, closed_by| DerivedPeriod {
                    kind,
                    dates,
                    opened_by,
                    closed_by,
                },
            );
            if !periods.is_empty() {
                timelines.push(DerivedAuthorityTimeline { authority, periods });
            }
        }
        Ok(DerivedTimeline {
            entity,
            authorities: timelines,
        })
    }

    /// The entity and every entity that owns or controls it, directly or not, through a
    /// visible ownership or control on any date; sorted.
    fn ever_owners(&self, entity: EntityId) -> Vec<EntityId> {
        let mut closure = vec![entity];
        let mut next = 0;
        while next < closure.len() {
            let object = closure[next];
            for event in self.index.derivation().owner_events(object) {
                if event.step != Step::Begin || !self.sees(event.at as usize) {
                    continue;
                }
                let kind = self.change_at(event.at).kind.clone();
                let counts = matches!(
                    kind,
                    ChangeKind::Relate { ref record, .. }
                        if matches!(record.kind, RelationKind::Ownership | RelationKind::Control)
                );
                if counts && !closure.contains(&event.subject) {
                    closure.push(event.subject);
                }
            }
            next += 1;
        }
        closure.sort_unstable();
        closure
    }

    fn change_at(&self, at: u32) -> &'a Change {
        &self.log[at as usize]
    }

    /// The visible changes that can move the derived status of `entity` with `authority`,
    /// given its ever-owners `closure` (see [`DerivedPeriod::opened_by`]).
    fn concerning_derived(
        &self,
        entity: EntityId,
        closure: &[EntityId],
        authority: &Authority,
    ) -> Vec<&'a Change> {
        let mut changes: Vec<&'a Change> = Vec::new();
        let visible = |positions: &[usize]| -> Vec<&'a Change> {
            positions
                .iter()
                .filter(|&&at| self.sees(at))
                .map(|&at| &self.log[at])
                .collect()
        };
        for &member in closure {
            for id in self.designations_of(member) {
                let Some(d) = self.designation(id) else {
                    continue;
                };
                if d.record.authority != *authority {
                    continue;
                }
                let positions = self.index.designation_positions(id).unwrap_or_default();
                changes.extend(
                    visible(positions)
                        .into_iter()
                        .filter(|c| member != entity || !c.kind.amends()),
                );
            }
            for id in self.licences_naming(member) {
                if self
                    .licence(id)
                    .is_some_and(|l| l.record.authority == *authority)
                {
                    let positions = self.index.licence_positions(id).unwrap_or_default();
                    changes.extend(visible(positions));
                }
            }
            for event in self.index.derivation().owner_events(member) {
                if self.sees(event.at as usize) && closure.contains(&event.subject) {
                    let change = self.change_at(event.at);
                    if self.counting_relation(change) {
                        changes.push(change);
                    }
                }
            }
        }
        let mut any_class = false;
        for (id, positions) in self.index.derivation().class_measures() {
            if self
                .class_measure(id)
                .is_some_and(|m| m.record.authority == *authority)
            {
                any_class = true;
                changes.extend(visible(positions));
            }
        }
        if any_class {
            if let Some(e) = self.index.entity(entity) {
                changes.extend(visible(e.versions()));
            }
        }
        // A licence naming two of the owners is found twice.
        changes.sort_by_key(|c| (c.effective, c.id));
        changes.dedup_by_key(|c| c.id);
        changes
    }

    /// Whether a relation change belongs to an ownership or a control (the kinds that can
    /// count), judged by the relation's visible beginning.
    fn counting_relation(&self, change: &Change) -> bool {
        let Some(id) = change.kind.relation() else {
            return false;
        };
        self.relation(id).is_some_and(|r| {
            matches!(
                r.record.kind,
                RelationKind::Ownership | RelationKind::Control
            )
        })
    }
}

/// The class measure in force on `date` with its terms, from its life.
fn class_measure_in_force(life: &Life<'_>, date: NaiveDate) -> Option<ClassMeasureInForce> {
    if !life.in_force_on(date) {
        return None;
    }
    let ChangeKind::ImposeClassMeasure { record, .. } = &life.created.kind else {
        return None;
    };
    let terms: &ClassMeasureTerms = match life.amendment_on(date).map(|c| &c.kind) {
        Some(ChangeKind::AmendClassMeasure { terms, .. }) => terms,
        _ => &record.terms,
    };
    Some(ClassMeasureInForce {
        authority: record.authority.clone(),
        class: record.class.clone(),
        terms: terms.clone(),
        since: life.start(),
        imposed_by: life.created.id,
    })
}

/// The owners and controllers that `reasons` name, as nodes of `graph`.
fn named_owners(graph: &Owners, reasons: &[Reason]) -> Vec<usize> {
    let mut nodes = Vec::new();
    let mut add = |entity: EntityId| {
        if let Some(i) = graph.nodes.iter().position(|&e| e == entity) {
            nodes.push(i);
        }
    };
    for reason in reasons {
        match reason {
            Reason::Owned { stakes, .. } => stakes.iter().for_each(|s| add(s.owner)),
            Reason::Controlled { controller, .. } => add(*controller),
            Reason::Listed { .. } | Reason::ClassMeasure { .. } => {}
        }
    }
    nodes
}

/// Why `node` is blocked through ownership or control under `rule`, given the spreads of
/// [`ownership::blocked`]: one `Owned` per spread whose members hold enough of it, and one
/// `Controlled` per member controlling it when the rule counts control. Sorted.
fn ownership_reasons(
    graph: &Owners,
    spreads: &[(Option<usize>, Spread)],
    rule: OwnershipRule,
    node: usize,
) -> Vec<Reason> {
    let mut reasons = Vec::new();
    for (root, spread) in spreads {
        if *root == Some(node) {
            continue;
        }
        if rule.threshold.met_by(spread.owned[node]) {
            let mut stakes: Vec<Stake> = graph
                .into(node)
                .filter_map(|&(from, _, edge, relation)| match edge {
                    Edge::Ownership(share) if spread.members[from] => Some(Stake {
                        owner: graph.nodes[from],
                        relation,
                        share: Share::hundredths(share, share).ok()?,
                    }),
                    _ => None,
                })
                .collect();
            stakes.sort();
            let total = u16::try_from(spread.owned[node]).unwrap_or(u16::MAX);
            if let Ok(aggregate) = Share::hundredths(total, total) {
                reasons.push(Reason::Owned {
                    designated_person: root.map(|r| graph.nodes[r]),
                    stakes,
                    aggregate,
                });
            }
        }
        if rule.control {
            for &(from, _, edge, relation) in graph.into(node) {
                if edge == Edge::Control && spread.members[from] {
                    reasons.push(Reason::Controlled {
                        controller: graph.nodes[from],
                        relation,
                    });
                }
            }
        }
    }
    reasons.sort();
    reasons.dedup();
    reasons
}
