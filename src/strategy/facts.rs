//! What a generated change list holds, change by change: the history builder's and the invalid
//! change maker's own small model of the ledger.

use chrono::{Days, NaiveDate};

use crate::authority::Authority;
use crate::change::{Change, ChangeKind};
use crate::error::Target;
use crate::id::{ClassMeasureId, DesignationId, EntityId, LicenceId, LinkId, RelationId};
use crate::index::Edge;
use crate::list::List;
use crate::relation::{RelationKind, RelationTerms};

/// What a change creates or names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Subject {
    Entity(EntityId),
    Designation(DesignationId),
    Licence(LicenceId),
    Link(LinkId),
    Relation(RelationId),
    ClassMeasure(ClassMeasureId),
}

/// What a change creates, if it is a creation.
pub(super) fn creates(kind: &ChangeKind) -> Option<Subject> {
    match kind {
        ChangeKind::RegisterEntity { entity, .. } => Some(Subject::Entity(*entity)),
        ChangeKind::Designate { designation, .. } => Some(Subject::Designation(*designation)),
        ChangeKind::IssueLicence { licence, .. } => Some(Subject::Licence(*licence)),
        ChangeKind::Link { link, .. } => Some(Subject::Link(*link)),
        ChangeKind::Relate { relation, .. } => Some(Subject::Relation(*relation)),
        ChangeKind::ImposeClassMeasure { measure, .. } => Some(Subject::ClassMeasure(*measure)),
        _ => None,
    }
}

/// What a change needs to exist.
pub(super) fn names(kind: &ChangeKind) -> Vec<Subject> {
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
        ChangeKind::Link { record, .. } => record.entities.map(Subject::Entity).to_vec(),
        ChangeKind::Unlink { link } => vec![Subject::Link(*link)],
        ChangeKind::Relate { record, .. } => record
            .parties()
            .iter()
            .map(|e| Subject::Entity(*e))
            .collect(),
        ChangeKind::AmendRelation { relation, .. } | ChangeKind::EndRelation { relation } => {
            vec![Subject::Relation(*relation)]
        }
        ChangeKind::AmendClassMeasure { measure, .. }
        | ChangeKind::LiftClassMeasure { measure } => {
            vec![Subject::ClassMeasure(*measure)]
        }
        _ => Vec::new(),
    }
}

/// The entity, designation or licence whose life a change is part of.
pub(super) fn subject(kind: &ChangeKind) -> Option<Subject> {
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
        ChangeKind::Link { link, .. } | ChangeKind::Unlink { link } => Some(Subject::Link(*link)),
        ChangeKind::Relate { relation, .. }
        | ChangeKind::AmendRelation { relation, .. }
        | ChangeKind::EndRelation { relation } => Some(Subject::Relation(*relation)),
        ChangeKind::ImposeClassMeasure { measure, .. }
        | ChangeKind::AmendClassMeasure { measure, .. }
        | ChangeKind::LiftClassMeasure { measure } => Some(Subject::ClassMeasure(*measure)),
        _ => None,
    }
}

/// Whether the change is a version of its subject's terms or facts, where the last of equal
/// effective dates wins.
pub(super) fn is_version(kind: &ChangeKind) -> bool {
    matches!(
        kind,
        ChangeKind::RegisterEntity { .. }
            | ChangeKind::AmendEntity { .. }
            | ChangeKind::AmendDesignation { .. }
            | ChangeKind::AmendLicence { .. }
            | ChangeKind::AmendRelation { .. }
            | ChangeKind::AmendClassMeasure { .. }
    )
}

/// The life of a designation or licence in a generated history.
#[derive(Debug, Clone)]
pub(super) struct TargetFacts {
    pub(super) target: Target,
    pub(super) authority: Authority,
    /// The designation's list, if any (designations only).
    pub(super) list: Option<List>,
    /// The designated entity (designations only).
    pub(super) entity: Option<EntityId>,
    pub(super) created: usize,
    pub(super) start: NaiveDate,
    /// The live end: position and date.
    pub(super) end: Option<(usize, NaiveDate)>,
    /// Live amendments: position and date.
    pub(super) amendments: Vec<(usize, NaiveDate)>,
    pub(super) live: bool,
    /// For a relation: its kind, subject and object, and the share each live version counts
    /// (creation first, then amendments in log order: date, position, hundredths).
    pub(super) relation: Option<RelationFacts>,
}

/// What a relation is, for [`TargetFacts::relation`].
#[derive(Debug, Clone)]
pub(super) struct RelationFacts {
    pub(super) kind: RelationKind,
    pub(super) subject: EntityId,
    pub(super) object: EntityId,
    pub(super) shares: Vec<(NaiveDate, usize, u16)>,
}

impl RelationFacts {
    /// The share counted on `date` (0 when none): the last version on or before it, an
    /// amendment winning over the creation.
    pub(super) fn share_on(&self, date: NaiveDate) -> u16 {
        let (creation, amendments) = self
            .shares
            .split_first()
            .map_or((None, &[][..]), |(c, a)| (Some(c), a));
        amendments
            .iter()
            .filter(|v| v.0 <= date)
            .max_by_key(|v| (v.0, v.1))
            .or(creation.filter(|c| c.0 <= date))
            .map_or(0, |v| v.2)
    }
}

/// The share a relation of `kind` with `terms` counts (what the ledger's stake rule adds up).
pub(super) fn counted_share(kind: &RelationKind, terms: &RelationTerms) -> u16 {
    match Edge::of(kind, terms) {
        Edge::Ownership(low) => low,
        Edge::Control | Edge::Nothing => 0,
    }
}

/// The life of a link in a generated history.
#[derive(Debug, Clone)]
pub(super) struct LinkFacts {
    pub(super) link: LinkId,
    /// The two entities, smaller id first.
    pub(super) pair: (EntityId, EntityId),
    pub(super) created: usize,
    pub(super) start: NaiveDate,
    /// The live unlink: position and date.
    pub(super) end: Option<(usize, NaiveDate)>,
    pub(super) live: bool,
}

impl LinkFacts {
    /// Whether the link is in force on some day on or after `from`.
    pub(super) fn in_force_from(&self, from: NaiveDate) -> bool {
        self.end.is_none_or(|(_, end)| from < end)
    }
}

/// What a change list holds, kept up to date change by change: the builder's and the invalid
/// change maker's own small model of the ledger.
#[derive(Debug, Clone, Default)]
pub(super) struct Facts {
    pub(super) changes: Vec<Change>,
    pub(super) retracted: Vec<bool>,
    /// Entities by registration: id, position of the registration, live.
    pub(super) entities: Vec<(EntityId, usize, bool)>,
    pub(super) designations: Vec<TargetFacts>,
    pub(super) licences: Vec<TargetFacts>,
    pub(super) relations: Vec<TargetFacts>,
    pub(super) class_measures: Vec<TargetFacts>,
    /// Per entity, the largest share every ownership of it (live or not) has ever been given,
    /// added up: what is left of 100% may go to a new stake whatever the dates, the order of
    /// the changes or later retractions.
    pub(super) stakes_in: Vec<(EntityId, u32)>,
    pub(super) dates: Vec<NaiveDate>,
    /// Every entity id ever registered, designation or licence id ever created.
    pub(super) registered: Vec<EntityId>,
    pub(super) created_designations: Vec<DesignationId>,
    pub(super) created_licences: Vec<LicenceId>,
    /// Links, in order of creation.
    pub(super) links: Vec<LinkFacts>,
    pub(super) created_links: Vec<LinkId>,
    pub(super) created_relations: Vec<RelationId>,
    pub(super) created_class_measures: Vec<ClassMeasureId>,
}

impl Facts {
    pub(super) fn replay(changes: &[Change]) -> Facts {
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
            .chain(self.relations.iter_mut())
            .chain(self.class_measures.iter_mut())
            .find(|t| t.target == target && t.live)
    }

    /// What is left of 100% of `entity` for a new stake (hundredths).
    pub(super) fn capacity(&self, entity: EntityId) -> u16 {
        let used = self
            .stakes_in
            .iter()
            .find(|(e, _)| *e == entity)
            .map_or(0, |(_, used)| *used);
        u16::try_from(10_000_u32.saturating_sub(used)).unwrap_or(0)
    }

    /// Adds `share` to what the stakes in `entity` have used.
    fn use_stake(&mut self, entity: EntityId, share: u16) {
        match self.stakes_in.iter_mut().find(|(e, _)| *e == entity) {
            Some((_, used)) => *used += u32::from(share),
            None => self.stakes_in.push((entity, u32::from(share))),
        }
    }

    #[allow(clippy::too_many_lines)] // one match over the change kinds
    pub(super) fn record(&mut self, change: Change) {
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
                    list: record.list.clone(),
                    entity: Some(record.entity),
                    created: at,
                    start: on,
                    end: None,
                    amendments: Vec::new(),
                    live: true,
                    relation: None,
                });
                self.created_designations.push(*designation);
            }
            ChangeKind::IssueLicence { licence, record } => {
                self.licences.push(TargetFacts {
                    target: Target::Licence(*licence),
                    authority: record.authority.clone(),
                    list: None,
                    entity: None,
                    created: at,
                    start: on,
                    end: None,
                    amendments: Vec::new(),
                    live: true,
                    relation: None,
                });
                self.created_licences.push(*licence);
            }
            ChangeKind::Relate { relation, record } => {
                let share = counted_share(&record.kind, &record.terms);
                self.use_stake(record.object(), share);
                self.relations.push(TargetFacts {
                    target: Target::Relation(*relation),
                    // Unused: a relation has no authority.
                    authority: Authority::UN,
                    entity: None,
                    created: at,
                    start: on,
                    end: None,
                    amendments: Vec::new(),
                    live: true,
                    list: None,
                    relation: Some(RelationFacts {
                        kind: record.kind.clone(),
                        subject: record.subject(),
                        object: record.object(),
                        shares: vec![(on, at, share)],
                    }),
                });
                self.created_relations.push(*relation);
            }
            ChangeKind::ImposeClassMeasure { measure, record } => {
                self.class_measures.push(TargetFacts {
                    target: Target::ClassMeasure(*measure),
                    authority: record.authority.clone(),
                    entity: None,
                    created: at,
                    start: on,
                    end: None,
                    amendments: Vec::new(),
                    live: true,
                    list: None,
                    relation: None,
                });
                self.created_class_measures.push(*measure);
            }
            ChangeKind::AmendRelation { relation, terms } => {
                let mut used = None;
                if let Some(t) = self.target_mut(Target::Relation(*relation)) {
                    t.amendments.push((at, on));
                    if let Some(r) = t.relation.as_mut() {
                        let share = counted_share(&r.kind, terms);
                        let before = r.shares.iter().map(|v| v.2).max().unwrap_or(0);
                        r.shares.push((on, at, share));
                        used = Some((r.object, share.saturating_sub(before)));
                    }
                }
                if let Some((object, more)) = used {
                    self.use_stake(object, more);
                }
            }
            ChangeKind::EndRelation { relation } => {
                if let Some(t) = self.target_mut(Target::Relation(*relation)) {
                    t.end = Some((at, on));
                }
            }
            ChangeKind::AmendClassMeasure { measure, .. } => {
                if let Some(t) = self.target_mut(Target::ClassMeasure(*measure)) {
                    t.amendments.push((at, on));
                }
            }
            ChangeKind::LiftClassMeasure { measure } => {
                if let Some(t) = self.target_mut(Target::ClassMeasure(*measure)) {
                    t.end = Some((at, on));
                }
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
            ChangeKind::Link { link, record } => {
                self.links.push(LinkFacts {
                    link: *link,
                    pair: record.pair(),
                    created: at,
                    start: on,
                    end: None,
                    live: true,
                });
                self.created_links.push(*link);
            }
            ChangeKind::Unlink { link } => {
                if let Some(l) = self.links.iter_mut().find(|l| l.link == *link && l.live) {
                    l.end = Some((at, on));
                }
            }
            ChangeKind::Retract { change: id, .. } => {
                if let Some(target) = self.changes.iter().position(|c| c.id == *id) {
                    self.retracted[target] = true;
                    for l in &mut self.links {
                        if l.created == target {
                            l.live = false;
                        }
                        if l.end.is_some_and(|(p, _)| p == target) {
                            l.end = None;
                        }
                    }
                    let all = self
                        .designations
                        .iter_mut()
                        .chain(self.licences.iter_mut())
                        .chain(self.relations.iter_mut())
                        .chain(self.class_measures.iter_mut());
                    for t in all {
                        if t.created == target {
                            t.live = false;
                        }
                        if t.end.is_some_and(|(p, _)| p == target) {
                            t.end = None;
                        }
                        t.amendments.retain(|&(p, _)| p != target);
                        if let Some(r) = t.relation.as_mut() {
                            r.shares.retain(|v| v.1 != target || v.1 == t.created);
                        }
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

    pub(super) fn live_entities(&self) -> Vec<EntityId> {
        self.entities.iter().filter(|e| e.2).map(|e| e.0).collect()
    }

    pub(super) fn live_designations(&self) -> Vec<&TargetFacts> {
        self.designations.iter().filter(|t| t.live).collect()
    }

    pub(super) fn live_licences(&self) -> Vec<&TargetFacts> {
        self.licences.iter().filter(|t| t.live).collect()
    }

    pub(super) fn live_targets(&self) -> Vec<&TargetFacts> {
        self.designations
            .iter()
            .chain(&self.licences)
            .chain(&self.relations)
            .chain(&self.class_measures)
            .filter(|t| t.live)
            .collect()
    }

    pub(super) fn live_relations(&self) -> Vec<&TargetFacts> {
        self.relations.iter().filter(|t| t.live).collect()
    }

    pub(super) fn live_class_measures(&self) -> Vec<&TargetFacts> {
        self.class_measures.iter().filter(|t| t.live).collect()
    }

    /// Whether the change at `at` is live (not retracted, not a retraction).
    pub(super) fn live(&self, at: usize) -> bool {
        !self.retracted[at] && !matches!(self.changes[at].kind, ChangeKind::Retract { .. })
    }

    /// Live changes that depend on the change at `at`.
    pub(super) fn live_dependents(&self, at: usize) -> impl Iterator<Item = usize> + '_ {
        let created = creates(&self.changes[at].kind);
        (0..self.changes.len()).filter(move |&j| {
            self.live(j) && created.is_some_and(|s| names(&self.changes[j].kind).contains(&s))
        })
    }

    /// Live changes that can be retracted: nothing live depends on them, and no unlink whose
    /// link would then be in force beside another link of the same two entities.
    pub(super) fn retractable(&self) -> Vec<usize> {
        (0..self.changes.len())
            .filter(|&at| self.live(at) && self.live_dependents(at).next().is_none())
            .filter(|&at| !self.reopens_overlapping_link(at))
            .collect()
    }

    /// Live links, in order of creation.
    pub(super) fn live_links(&self) -> Vec<&LinkFacts> {
        self.links.iter().filter(|l| l.live).collect()
    }

    /// Whether retracting the change at `at`, an unlink, would leave its link open while a
    /// later link of the same two entities is in force.
    fn reopens_overlapping_link(&self, at: usize) -> bool {
        let Some(ended) = self
            .links
            .iter()
            .find(|l| l.live && l.end.is_some_and(|(p, _)| p == at))
        else {
            return false;
        };
        self.links.iter().any(|other| {
            other.live
                && other.link != ended.link
                && other.pair == ended.pair
                && other.in_force_from(ended.start)
        })
    }

    /// A date in `lo ..= hi` (which must not be empty): often one already used, so that
    /// changes share days.
    pub(super) fn date(&self, lo: NaiveDate, hi: NaiveDate, pick: u32) -> NaiveDate {
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
}
