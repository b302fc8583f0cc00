//! The indexes behind derived status: relations, class measures, and the designations whose
//! terms are not always blocking. Part of the private [`Index`](super::Index), updated by its
//! `insert` and `truncate`.
//!
//! - per entity, the [`OwnerEvent`]s of the relations of which it is the object (every begin,
//!   amendment and end, with the subject, what the relation counts as, and the position that
//!   decides visibility), so that walking up an entity's owners reads one small contiguous
//!   vector per entity and no change;
//! - per relation and per class measure, the positions of its changes (for the rules and for
//!   a view's life of it);
//! - per designation whose terms ever lack [`Measure::AssetFreeze`], its [`TermsEvent`]s: only
//!   a blocking designation makes what its entity owns blocked, and the usual designation,
//!   blocking from start to end, costs nothing here.
//!
//! Visibility in a view is not stored: every event keeps its log position and the view asks
//! [`Index::sees`](super::Index::sees).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use foldhash::HashMap;

use super::compact;
use crate::change::ChangeKind;
use crate::designation::{DesignationTerms, Measure};
use crate::id::{ClassMeasureId, DesignationId, EntityId, RelationId};
use crate::log::Log;
use crate::relation::{RelationKind, RelationTerms};

/// What a relation counts as for derived status, from its kind and its terms on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Edge {
    /// A direct ownership with a known share: its lower bound, in hundredths of a percent.
    Ownership(u16),
    /// A control.
    Control,
    /// Nothing: another kind, an indirect holding, or an ownership of unknown share.
    Nothing,
}

impl Edge {
    /// What a relation of `kind` with `terms` counts as.
    pub(crate) fn of(kind: &RelationKind, terms: &RelationTerms) -> Edge {
        match (kind, terms.share) {
            (RelationKind::Ownership, Some(share)) if !terms.indirect => {
                Edge::Ownership(share.low())
            }
            (RelationKind::Control, _) => Edge::Control,
            _ => Edge::Nothing,
        }
    }
}

/// Where a change stands in the life of its relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// It begins the relation.
    Begin,
    /// It amends the relation's terms.
    Amend,
    /// It ends the relation.
    End,
}

/// One change of a relation, filed under the relation's object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OwnerEvent {
    pub(crate) relation: RelationId,
    pub(crate) subject: EntityId,
    /// The change's position in the log.
    pub(crate) at: u32,
    pub(crate) date: NaiveDate,
    pub(crate) step: Step,
    /// What the relation counts as from this change on (`Nothing` for an end).
    pub(crate) edge: Edge,
}

/// One version of a designation's terms: its creation or an amendment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TermsEvent {
    pub(crate) at: u32,
    pub(crate) date: NaiveDate,
    /// Whether it is the creation (an amendment in force wins over it whatever the order).
    pub(crate) creation: bool,
    /// Whether the terms freeze assets.
    pub(crate) blocks: bool,
}

/// Whether designation terms block property: they impose an asset freeze.
fn blocks(terms: &DesignationTerms) -> bool {
    terms.measures.contains(&Measure::AssetFreeze)
}

/// The derived-status part of the index.
#[derive(Debug, Clone, Default)]
pub(crate) struct Derivation {
    /// Per relation, the positions of the changes naming it, in log order.
    relations: HashMap<RelationId, Vec<usize>>,
    /// Per entity, the events of the relations of which it is the object, grouped by relation
    /// and in log order within a relation.
    owners: HashMap<EntityId, Vec<OwnerEvent>>,
    /// Per entity, the relations naming it as subject or object, with the position of the
    /// `Relate` change that names it.
    naming: HashMap<EntityId, Vec<(RelationId, usize)>>,
    /// Per class measure, the positions of the changes naming it, in log order; sorted by id
    /// so that every query walks them in one order.
    class_measures: BTreeMap<ClassMeasureId, Vec<usize>>,
    /// Per designation whose creation or an amendment does not freeze assets, every version
    /// of its terms.
    terms: HashMap<DesignationId, Vec<TermsEvent>>,
}

/// Reads.
impl Derivation {
    pub(crate) fn relation_positions(&self, id: RelationId) -> Option<&[usize]> {
        self.relations.get(&id).map(Vec::as_slice)
    }

    pub(crate) fn owner_events(&self, entity: EntityId) -> &[OwnerEvent] {
        self.owners.get(&entity).map_or(&[], Vec::as_slice)
    }

    /// Every entity that is the object of some relation, with its events, in hash order.
    pub(crate) fn objects(&self) -> impl Iterator<Item = (EntityId, &[OwnerEvent])> + '_ {
        self.owners
            .iter()
            .map(|(e, events)| (*e, events.as_slice()))
    }

    /// The relations naming `entity` as subject or object, with the position of the `Relate`
    /// naming it (retracted or not, with repeats).
    pub(crate) fn relations_naming(&self, entity: EntityId) -> &[(RelationId, usize)] {
        self.naming.get(&entity).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn class_measure_positions(&self, id: ClassMeasureId) -> Option<&[usize]> {
        self.class_measures.get(&id).map(Vec::as_slice)
    }

    /// Every class measure id some change names, with its positions, sorted by id.
    pub(crate) fn class_measures(&self) -> impl Iterator<Item = (ClassMeasureId, &[usize])> + '_ {
        self.class_measures
            .iter()
            .map(|(id, at)| (*id, at.as_slice()))
    }

    /// The versions of a designation's terms if one of them does not freeze assets; `None`
    /// when every version does.
    pub(crate) fn terms_events(&self, designation: DesignationId) -> Option<&[TermsEvent]> {
        if self.terms.is_empty() {
            return None;
        }
        self.terms.get(&designation).map(Vec::as_slice)
    }
}

/// Updates, called by [`Index::insert`](super::Index::insert) and its rollback with the
/// position of the change concerned.
impl Derivation {
    /// Indexes the relation or class measure change at `at`.
    pub(crate) fn insert(&mut self, log: &Log, at: usize) {
        let kind = &log[at].kind;
        if let Some(id) = kind.relation() {
            super::push_small(self.relations.entry(id).or_default(), at);
            if let ChangeKind::Relate { record, .. } = kind {
                for &entity in record.parties() {
                    super::push_small(self.naming.entry(entity).or_default(), (id, at));
                }
            }
            self.refresh_relation(log, id, usize::MAX);
        } else if let Some(id) = kind.class_measure() {
            super::push_small(self.class_measures.entry(id).or_default(), at);
        }
    }

    /// Undoes [`Derivation::insert`] for the change at `at`, the last one indexed.
    pub(crate) fn remove(&mut self, log: &Log, at: usize) {
        let kind = &log[at].kind;
        if let Some(id) = kind.relation() {
            // Events are filed under the object, which the `Relate` names: refresh while the
            // position is still listed, leaving it out.
            self.refresh_relation(log, id, at);
            forget(&mut self.relations, &id, at);
            if let ChangeKind::Relate { record, .. } = kind {
                for &entity in record.parties() {
                    if let Some(list) = self.naming.get_mut(&entity) {
                        list.retain(|&(_, p)| p != at);
                        if list.is_empty() {
                            self.naming.remove(&entity);
                        }
                    }
                }
            }
        } else if let Some(id) = kind.class_measure() {
            if let Some(list) = self.class_measures.get_mut(&id) {
                list.retain(|&p| p != at);
                if list.is_empty() {
                    self.class_measures.remove(&id);
                }
            }
        }
    }

    /// Rebuilds the events of relation `id` under its object from its changes, leaving out the
    /// change at `excluded`.
    fn refresh_relation(&mut self, log: &Log, id: RelationId, excluded: usize) {
        let Some(all) = self.relations.get(&id) else {
            return;
        };
        // Every `Relate` of one id names the same parties and kind (the rules see to it), and
        // events exist only while one of them is indexed.
        let Some((object, subject, kind)) = log_relate(log, all.iter().copied()) else {
            return;
        };
        let kept = all.iter().copied().filter(|&p| p != excluded);
        let mut events = Vec::with_capacity(all.len());
        if log_relate(log, kept.clone()).is_some() {
            for p in kept {
                let change = &log[p];
                let (step, edge) = match &change.kind {
                    ChangeKind::Relate { record, .. } => {
                        (Step::Begin, Edge::of(kind, &record.terms))
                    }
                    ChangeKind::AmendRelation { terms, .. } => (Step::Amend, Edge::of(kind, terms)),
                    ChangeKind::EndRelation { .. } => (Step::End, Edge::Nothing),
                    _ => continue,
                };
                events.push(OwnerEvent {
                    relation: id,
                    subject,
                    at: compact(p),
                    date: change.effective,
                    step,
                    edge,
                });
            }
        }
        let list = self.owners.entry(object).or_default();
        list.retain(|e| e.relation != id);
        list.extend(events);
        if list.is_empty() {
            self.owners.remove(&object);
        }
    }

    /// Records a version of a designation's terms, the change at `at`; `positions` are the
    /// designation's changes (this one included).
    pub(crate) fn insert_terms(
        &mut self,
        log: &Log,
        at: usize,
        designation: DesignationId,
        positions: &[usize],
    ) {
        let new_blocks = match &log[at].kind {
            ChangeKind::Designate { record, .. } => blocks(&record.terms),
            ChangeKind::AmendDesignation { terms, .. } => blocks(terms),
            _ => return,
        };
        if new_blocks && !self.terms.contains_key(&designation) {
            return;
        }
        self.refresh_terms(log, designation, positions, usize::MAX);
    }

    /// Undoes [`Derivation::insert_terms`] for the change at `at`.
    pub(crate) fn remove_terms(
        &mut self,
        log: &Log,
        at: usize,
        designation: DesignationId,
        positions: &[usize],
    ) {
        if self.terms.contains_key(&designation) {
            self.refresh_terms(log, designation, positions, at);
        }
    }

    /// Rebuilds a designation's terms events, kept only if one version does not block.
    fn refresh_terms(
        &mut self,
        log: &Log,
        designation: DesignationId,
        positions: &[usize],
        excluded: usize,
    ) {
        let events: Vec<TermsEvent> = positions
            .iter()
            .filter(|&&p| p != excluded)
            .filter_map(|&p| {
                let change = &log[p];
                let (creation, terms) = match &change.kind {
                    ChangeKind::Designate { record, .. } => (true, &record.terms),
                    ChangeKind::AmendDesignation { terms, .. } => (false, &**terms),
                    _ => return None,
                };
                Some(TermsEvent {
                    at: compact(p),
                    date: change.effective,
                    creation,
                    blocks: blocks(terms),
                })
            })
            .collect();
        if events.iter().all(|e| e.blocks) {
            self.terms.remove(&designation);
        } else {
            self.terms.insert(designation, events);
        }
    }
}

/// The object, subject and kind of a relation, from the first `Relate` among `positions`.
fn log_relate(
    log: &Log,
    mut positions: impl Iterator<Item = usize>,
) -> Option<(EntityId, EntityId, &RelationKind)> {
    positions.find_map(|p| match &log[p].kind {
        ChangeKind::Relate { record, .. } => {
            Some((record.object(), record.subject(), &record.kind))
        }
        _ => None,
    })
}

/// Removes `at` from the list of `key`, and the key when nothing is left.
fn forget<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Vec<usize>>, key: &K, at: usize) {
    if let Some(list) = map.get_mut(key) {
        list.retain(|&p| p != at);
        if list.is_empty() {
            map.remove(key);
        }
    }
}

/// A text form for tests that compare two indexes, in an order that does not depend on
/// hashing.
#[cfg(test)]
impl Derivation {
    pub(crate) fn canonical(&self) -> String {
        fn sorted<T: std::fmt::Debug>(items: impl Iterator<Item = T>) -> Vec<String> {
            let mut all: Vec<String> = items.map(|item| format!("{item:?}")).collect();
            all.sort();
            all
        }
        let owners = sorted(self.owners.iter().map(|(e, events)| {
            let mut events = events.clone();
            events.sort_by_key(|e| e.at);
            (e, events)
        }));
        format!(
            "{:?}\n{owners:?}\n{:?}\n{:?}\n{:?}",
            sorted(self.relations.iter()),
            sorted(self.naming.iter()),
            self.class_measures,
            sorted(self.terms.iter()),
        )
    }
}
