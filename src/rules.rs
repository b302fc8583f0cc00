//! The ledger's consistency rules, in one place: what `DESIGN.md` calls "Consistency rules",
//! and the checks that enforce them on every [`Ledger::apply`](crate::Ledger::apply).
//!
//! Each rule is a [`Rule`], whose documentation lists them as `DESIGN.md` states them.
//!
//! The checks come in four steps, cheapest first: a change on its own ([`check_alone`]), its id
//! and recorded instant against the log ([`already_present`], [`check_recorded`]), what can be
//! decided when it is appended ([`Checker::check_append`]), and, once every change recorded at
//! the same instant is in, the life of every entity, designation and licence the group touches
//! ([`Checker::check_group`]). Changes recorded together are checked together, so their order
//! among themselves does not matter.

use crate::authority::{Authority, Program};
use crate::change::{Change, ChangeKind};
use crate::designation::Designation;
use crate::entity::{Entity, Identifier};
use crate::error::{Error, Result, Target};
use crate::id::{ChangeId, ClassMeasureId, DesignationId, EntityId, LinkId, RelationId};
use crate::index::{Edge, Index};
use crate::interval::Interval;
use crate::log::Log;
use crate::relation::RelationKind;

/// A consistency rule of the ledger.
///
/// Each rule has its own [`Error`] variant, named like the rule, which names the change
/// refused, the ids and the dates involved; [`Error::rule`] tells which rule an error reports,
/// and [`Rule::matches`] whether an error is the one a rule calls for. When a rule refuses a
/// change, the ledger is exactly as it was.
///
/// The rules, as `DESIGN.md` states them:
///
/// | rule | [`Rule`] |
/// |---|---|
/// | A designation, licence or amendment names an entity that the ledger knows (or that the same batch registers). | [`UnknownEntity`](Rule::UnknownEntity), [`AmendedBeforeRegistration`](Rule::AmendedBeforeRegistration) |
/// | A delisting or amendment names a designation (or licence) that is in force on its effective date. | [`UnknownTarget`](Rule::UnknownTarget), [`NotInForce`](Rule::NotInForce) |
/// | A delisting is strictly after the designation's effective date; at most one delisting ends a designation (re-listing is a new designation). | [`EndNotAfterStart`](Rule::EndNotAfterStart), [`AlreadyEnded`](Rule::AlreadyEnded) |
/// | A back-dated change may not invalidate a later one. | [`InvalidatesLaterChange`](Rule::InvalidatesLaterChange) |
/// | Ids are unique; a change already present with identical content is a no-op, with different content an error. | [`ConflictingChangeId`](Rule::ConflictingChangeId), [`DuplicateEntity`](Rule::DuplicateEntity), [`DuplicateTarget`](Rule::DuplicateTarget) |
/// | The recorded axis never goes backwards. | [`RecordedOutOfOrder`](Rule::RecordedOutOfOrder) |
/// | A correction withdraws an earlier change that is not a retraction, once, and orphans nothing. | [`UnknownChange`](Rule::UnknownChange), [`AlreadyRetracted`](Rule::AlreadyRetracted), [`RetractsRetraction`](Rule::RetractsRetraction), [`RetractionOrphans`](Rule::RetractionOrphans) |
/// | A change is well formed on its own. | [`InvalidWindow`](Rule::InvalidWindow), [`BlankName`](Rule::BlankName), [`BlankListEntryId`](Rule::BlankListEntryId), [`ProgramOfOtherAuthority`](Rule::ProgramOfOtherAuthority), [`ListOfOtherAuthority`](Rule::ListOfOtherAuthority), [`LicenceCoversNothing`](Rule::LicenceCoversNothing) |
/// | A link joins two different entities, and two links of the same two entities are never in force on the same date. | [`SelfLink`](Rule::SelfLink), [`LinkAlreadyInForce`](Rule::LinkAlreadyInForce) |
/// | A relation relates two different entities, and only an ownership gives a share. | [`SelfRelation`](Rule::SelfRelation), [`ShareWithoutOwnership`](Rule::ShareWithoutOwnership) |
/// | The direct stakes in an entity never add up to more than the whole. | [`OwnershipOverWhole`](Rule::OwnershipOverWhole) |
/// | A class measure's class names a country. | [`ClassWithoutCountry`](Rule::ClassWithoutCountry) |
///
/// Links, relations and class measures live like designations: the rules on creation, end, ids
/// and retraction above hold for them alike (with [`Target::Link`], [`Target::Relation`] and
/// [`Target::ClassMeasure`] in the errors: an unlink of an unknown link is
/// [`UnknownTarget`](Rule::UnknownTarget), one on or before the link's date
/// [`EndNotAfterStart`](Rule::EndNotAfterStart), a second one
/// [`AlreadyEnded`](Rule::AlreadyEnded), a link id created again for other entities
/// [`DuplicateTarget`](Rule::DuplicateTarget)); relations and class measures are amended like
/// designations too; and a link or a relation names two entities that the ledger knows
/// ([`UnknownEntity`](Rule::UnknownEntity)).
///
/// A batch is atomic (all of its changes apply or none do) and input never causes a panic: the
/// ledger's `apply_batch` and the file loader see to those.
///
/// # Example
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use sanctions_ledger::*;
///
/// let mut ledger = Ledger::new();
/// let orphan = Change::new(
///     ChangeId::derive("delist nothing"),
///     NaiveDate::from_ymd_opt(2025, 11, 4).unwrap(),
///     Utc.with_ymd_and_hms(2025, 11, 5, 9, 0, 0).unwrap(),
///     Source::new("made up"),
///     ChangeKind::Delist { designation: DesignationId::derive("never designated") },
/// );
/// let error = ledger.apply(orphan).unwrap_err();
/// assert_eq!(error.rule(), Some(Rule::UnknownTarget));
/// assert!(Rule::UnknownTarget.matches(&error));
/// assert!(ledger.is_empty());
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Rule {
    /// An id already in the ledger, with different content: [`Error::ConflictingChangeId`].
    ConflictingChangeId,
    /// Recorded before the ledger's latest change: [`Error::RecordedOutOfOrder`].
    RecordedOutOfOrder,
    /// An observation window that does not end on the effective date: [`Error::InvalidWindow`].
    InvalidWindow,
    /// An entity with a blank name, one with no visible character: [`Error::BlankName`].
    BlankName,
    /// An entity with a blank list-entry id: [`Error::BlankListEntryId`].
    BlankListEntryId,
    /// A designation under another authority's program: [`Error::ProgramOfOtherAuthority`].
    ProgramOfOtherAuthority,
    /// A designation on another authority's list: [`Error::ListOfOtherAuthority`].
    ListOfOtherAuthority,
    /// A licence that covers nobody: [`Error::LicenceCoversNothing`].
    LicenceCoversNothing,
    /// A designation of an unregistered entity: [`Error::UnknownEntity`].
    UnknownEntity,
    /// A delisting of a designation that does not exist: [`Error::UnknownTarget`].
    UnknownTarget,
    /// A retraction of a change that does not exist: [`Error::UnknownChange`].
    UnknownChange,
    /// An entity amendment dated before its registration: [`Error::AmendedBeforeRegistration`].
    AmendedBeforeRegistration,
    /// A second registration of an entity: [`Error::DuplicateEntity`].
    DuplicateEntity,
    /// A second creation of a designation or licence id: [`Error::DuplicateTarget`].
    DuplicateTarget,
    /// An amendment before its designation or licence starts: [`Error::NotInForce`].
    NotInForce,
    /// An end on or before the start: [`Error::EndNotAfterStart`].
    EndNotAfterStart,
    /// A second end: [`Error::AlreadyEnded`].
    AlreadyEnded,
    /// A back-dated end before an existing amendment: [`Error::InvalidatesLaterChange`].
    InvalidatesLaterChange,
    /// A second retraction of a change: [`Error::AlreadyRetracted`].
    AlreadyRetracted,
    /// A retraction of a retraction: [`Error::RetractsRetraction`].
    RetractsRetraction,
    /// A retraction that leaves a dependent change orphaned: [`Error::RetractionOrphans`].
    RetractionOrphans,
    /// A link of an entity with itself: [`Error::SelfLink`].
    SelfLink,
    /// Two links of the same entities in force on one date: [`Error::LinkAlreadyInForce`].
    LinkAlreadyInForce,
    /// A relation of an entity to itself: [`Error::SelfRelation`].
    SelfRelation,
    /// A share on a relation other than an ownership: [`Error::ShareWithoutOwnership`].
    ShareWithoutOwnership,
    /// Direct stakes adding up to more than 100%: [`Error::OwnershipOverWhole`].
    OwnershipOverWhole,
    /// A class measure on a class without a country: [`Error::ClassWithoutCountry`].
    ClassWithoutCountry,
}

impl Rule {
    /// Every rule.
    pub const ALL: [Rule; 27] = [
        Rule::ConflictingChangeId,
        Rule::RecordedOutOfOrder,
        Rule::InvalidWindow,
        Rule::BlankName,
        Rule::BlankListEntryId,
        Rule::ProgramOfOtherAuthority,
        Rule::ListOfOtherAuthority,
        Rule::LicenceCoversNothing,
        Rule::UnknownEntity,
        Rule::UnknownTarget,
        Rule::UnknownChange,
        Rule::AmendedBeforeRegistration,
        Rule::DuplicateEntity,
        Rule::DuplicateTarget,
        Rule::NotInForce,
        Rule::EndNotAfterStart,
        Rule::AlreadyEnded,
        Rule::InvalidatesLaterChange,
        Rule::AlreadyRetracted,
        Rule::RetractsRetraction,
        Rule::RetractionOrphans,
        Rule::SelfLink,
        Rule::LinkAlreadyInForce,
        Rule::SelfRelation,
        Rule::ShareWithoutOwnership,
        Rule::OwnershipOverWhole,
        Rule::ClassWithoutCountry,
    ];

    /// Whether `error` is the variant this rule calls for (also when a ledger file reports it
    /// as [`Error::Refused`]).
    #[must_use]
    pub fn matches(self, error: &Error) -> bool {
        error.rule() == Some(self)
    }
}

/// Rules that a change must meet on its own, whatever the ledger holds.
#[allow(clippy::too_many_lines)] // one match over the kinds of change, one arm per rule
pub(crate) fn check_alone(change: &Change) -> Result<()> {
    if let Some(window) = change.window {
        let ordered = window.after.is_none_or(|after| after < window.on_or_before);
        if window.on_or_before != change.effective || !ordered {
            return Err(Error::InvalidWindow {
                change: change.id,
                effective: change.effective,
                after: window.after,
                on_or_before: window.on_or_before,
            });
        }
    }
    match &change.kind {
        ChangeKind::RegisterEntity { entity, record }
        | ChangeKind::AmendEntity { entity, record } => check_entity(change, *entity, record)?,
        ChangeKind::Designate { record, .. } => {
            check_programs(change, &record.authority, &record.terms.programs)?;
            if let Some(list) = record
                .list
                .as_ref()
                .filter(|l| *l.authority() != record.authority)
            {
                return Err(Error::ListOfOtherAuthority {
                    change: change.id,
                    authority: record.authority.clone(),
                    list: list.clone(),
                });
            }
        }
        ChangeKind::IssueLicence { licence, record } => {
            if record.terms.covers.is_empty() {
                return Err(Error::LicenceCoversNothing {
                    change: change.id,
                    licence: *licence,
                });
            }
        }
        ChangeKind::AmendLicence { licence, terms } => {
            if terms.covers.is_empty() {
                return Err(Error::LicenceCoversNothing {
                    change: change.id,
                    licence: *licence,
                });
            }
        }
        ChangeKind::Link { link, record } => {
            let [a, b] = record.entities;
            if a == b {
                return Err(Error::SelfLink {
                    change: change.id,
                    link: *link,
                    entity: a,
                });
            }
        }
        ChangeKind::Relate { relation, record } => {
            if record.subject() == record.object() {
                return Err(Error::SelfRelation {
                    change: change.id,
                    relation: *relation,
                    entity: record.subject(),
                });
            }
            if record.kind != RelationKind::Ownership && record.terms.share.is_some() {
                return Err(Error::ShareWithoutOwnership {
                    change: change.id,
                    relation: *relation,
                    kind: record.kind.clone(),
                });
            }
        }
        ChangeKind::ImposeClassMeasure { measure, record } => {
            if record.class.countries.is_empty() {
                return Err(Error::ClassWithoutCountry {
                    change: change.id,
                    measure: *measure,
                });
            }
            check_programs(change, &record.authority, &record.terms.programs)?;
        }
        ChangeKind::AmendDesignation { .. }
        | ChangeKind::Delist { .. }
        | ChangeKind::EndLicence { .. }
        | ChangeKind::Unlink { .. }
        | ChangeKind::AmendRelation { .. }
        | ChangeKind::EndRelation { .. }
        | ChangeKind::AmendClassMeasure { .. }
        | ChangeKind::LiftClassMeasure { .. }
        | ChangeKind::Retract { .. } => {}
    }
    Ok(())
}

/// An entity's facts have a name, and no blank list-entry id.
fn check_entity(change: &Change, entity: EntityId, record: &Entity) -> Result<()> {
    if crate::entity::is_blank(&record.name) {
        return Err(Error::BlankName {
            change: change.id,
            entity,
        });
    }
    // A list-entry id is what reconciliation and lookups tell entries by: a blank one names no
    // entry.
    for identifier in &record.identifiers {
        if let Identifier::ListEntry { authority, id } = identifier {
            if crate::entity::is_blank(id) {
                return Err(Error::BlankListEntryId {
                    change: change.id,
                    entity,
                    authority: authority.clone(),
                });
            }
        }
    }
    Ok(())
}

/// Every program belongs to `authority`.
fn check_programs(change: &Change, authority: &Authority, programs: &[Program]) -> Result<()> {
    match programs.iter().find(|p| p.authority() != authority) {
        Some(program) => Err(Error::ProgramOfOtherAuthority {
            change: change.id,
            authority: authority.clone(),
            program: program.clone(),
        }),
        None => Ok(()),
    }
}

/// Whether `change` is in the log already: `Ok(true)` with identical content (applying it is a
/// no-op), `Ok(false)` when its id is new.
///
/// # Errors
///
/// [`Error::ConflictingChangeId`] when the id is present with different content.
pub(crate) fn already_present(log: &Log, change: &Change) -> Result<bool> {
    match log.get(change.id) {
        Some(existing) if existing == change => Ok(true),
        Some(_) => Err(Error::ConflictingChangeId { change: change.id }),
        None => Ok(false),
    }
}

/// The recorded axis never goes backwards: `change` may not be recorded before the log's latest.
pub(crate) fn check_recorded(log: &Log, change: &Change) -> Result<()> {
    match log.latest_recorded() {
        Some(latest) if change.recorded < latest => Err(Error::RecordedOutOfOrder {
            change: change.id,
            recorded: change.recorded,
            latest,
        }),
        _ => Ok(()),
    }
}

/// One live ownership, as [`Checker::check_stakes`] reads it: its versions (effective date,
/// position, share counted in hundredths), creation first then amendments by date and position,
/// and the date it ends, if it does.
type StakeLife = (
    Vec<(chrono::NaiveDate, usize, u32)>,
    Option<chrono::NaiveDate>,
);

/// The rules that need the history: read from the log and its index.
#[derive(Clone, Copy)]
pub(crate) struct Checker<'a> {
    pub(crate) log: &'a Log,
    pub(crate) index: &'a Index,
}

/// A live link as the rules read it (see [`Checker::link_life`]).
struct LinkLife {
    link: LinkId,
    created: usize,
    pair: (EntityId, EntityId),
    start: chrono::NaiveDate,
    end: Option<(usize, chrono::NaiveDate)>,
}

/// The changes being validated together: positions from `start` to the end of the log.
#[derive(Clone, Copy)]
struct Group {
    start: usize,
}

impl<'a> Checker<'a> {
    /// The checks that need only the log so far, made before `change` is appended: a
    /// retraction's target, and a designation id's entity and authority.
    pub(crate) fn check_append(self, change: &Change) -> Result<()> {
        if let Some(target) = change.kind.retracts() {
            let Some(target_at) = self.log.position(target) else {
                return Err(Error::UnknownChange {
                    change: change.id,
                    retracted: target,
                });
            };
            if self.log[target_at].kind.retracts().is_some() {
                return Err(Error::RetractsRetraction {
                    change: change.id,
                    retracted: target,
                });
            }
            if let Some(by) = self.index.retracted_by(target_at) {
                return Err(Error::AlreadyRetracted {
                    change: change.id,
                    retracted: target,
                    by: self.log[by].id,
                });
            }
        }
        if let ChangeKind::Designate {
            designation,
            record,
        } = &change.kind
        {
            if let Some(existing) = self.conflicting_creation(*designation, record) {
                return Err(Error::DuplicateTarget {
                    change: change.id,
                    target: Target::Designation(*designation),
                    existing,
                });
            }
        }
        if let ChangeKind::Link { link, record } = &change.kind {
            // A link id keeps its two entities forever, as a designation id keeps its entity.
            let positions = self.index.link_positions(*link).unwrap_or_default();
            let existing = positions.iter().find_map(|&at| match &self.log[at].kind {
                ChangeKind::Link {
                    record: earlier, ..
                } if earlier.pair() != record.pair() => Some(self.log[at].id),
                _ => None,
            });
            if let Some(existing) = existing {
                return Err(Error::DuplicateTarget {
                    change: change.id,
                    target: Target::Link(*link),
                    existing,
                });
            }
        }
        self.check_fixed_parts(change)
    }

    /// A relation id keeps its kind and parties forever, and a class measure id its authority
    /// and class, as a designation id keeps its entity and authority: an earlier creation of
    /// it, retracted or not, that says otherwise is a conflict (the index files a relation's
    /// changes under the object its creation names).
    fn check_fixed_parts(self, change: &Change) -> Result<()> {
        let (target, positions) = match &change.kind {
            ChangeKind::Relate { relation, .. } => (
                Target::Relation(*relation),
                self.index.relation_positions(*relation),
            ),
            ChangeKind::ImposeClassMeasure { measure, .. } => (
                Target::ClassMeasure(*measure),
                self.index.class_measure_positions(*measure),
            ),
            _ => return Ok(()),
        };
        let conflicting = positions.unwrap_or_default().iter().find_map(|&at| {
            let differs = match (&self.log[at].kind, &change.kind) {
                (
                    ChangeKind::Relate {
                        record: earlier, ..
                    },
                    ChangeKind::Relate { record, .. },
                ) => earlier.kind != record.kind || earlier.parties() != record.parties(),
                (
                    ChangeKind::ImposeClassMeasure {
                        record: earlier, ..
                    },
                    ChangeKind::ImposeClassMeasure { record, .. },
                ) => earlier.authority != record.authority || earlier.class != record.class,
                _ => false,
            };
            differs.then(|| self.log[at].id)
        });
        match conflicting {
            Some(existing) => Err(Error::DuplicateTarget {
                change: change.id,
                target,
                existing,
            }),
            None => Ok(()),
        }
    }

    /// An earlier `Designate` of `designation`, retracted or not, that names another entity,
    /// authority or list than `record`: a designation id keeps all three forever (a move
    /// between lists is a new designation), so creating it again differently is a conflict.
    fn conflicting_creation(
        self,
        designation: DesignationId,
        record: &Designation,
    ) -> Option<ChangeId> {
        let positions = self.index.designation_positions(designation);
        positions
            .unwrap_or_default()
            .iter()
            .find_map(|&at| match &self.log[at].kind {
                ChangeKind::Designate {
                    record: earlier, ..
                } if earlier.entity != record.entity
                    || earlier.authority != record.authority
                    || earlier.list != record.list =>
                {
                    Some(self.log[at].id)
                }
                _ => None,
            })
    }

    /// Whether the change at `at` is visible now (not retracted).
    fn live(self, at: usize) -> bool {
        self.index.retracted_by(at).is_none()
    }

    /// Checks every entity, designation and licence that the changes from `start` on touch,
    /// against the whole (current) history.
    pub(crate) fn check_group(self, start: usize) -> Result<()> {
        let mut entities = Vec::new();
        let mut designations = Vec::new();
        let mut licences = Vec::new();
        let mut links = Vec::new();
        let mut relations = Vec::new();
        let mut class_measures = Vec::new();
        for at in start..self.log.len() {
            let touched = match self.log[at].kind.retracts() {
                Some(change) => self.log.position(change).unwrap_or(at),
                None => at,
            };
            let kind = &self.log[touched].kind;
            if let Some((entity, _)) = kind.entity_facts() {
                entities.push(entity);
                if touched != at {
                    // A retracted registration may orphan what names the entity.
                    let (named_designations, named_licences) = self.index.targets_naming(entity);
                    designations.extend(named_designations);
                    licences.extend(named_licences);
                    links.extend(self.index.links_naming(entity));
                    let named = self.index.derivation().relations_naming(entity);
                    relations.extend(named.iter().map(|&(relation, _)| relation));
                }
            }
            match kind.target() {
                Some(Target::Designation(designation)) => designations.push(designation),
                Some(Target::Licence(licence)) => licences.push(licence),
                Some(Target::Link(link)) => links.push(link),
                Some(Target::Relation(relation)) => relations.push(relation),
                Some(Target::ClassMeasure(measure)) => class_measures.push(measure),
                None => {}
            }
        }
        // Sorted so that the first error reported does not depend on hash order.
        entities.sort_unstable();
        entities.dedup();
        designations.sort_unstable();
        designations.dedup();
        licences.sort_unstable();
        licences.dedup();
        let group = Group { start };
        for entity in entities {
            self.check_entity(entity, group)?;
        }
        for designation in designations {
            self.check_target(Target::Designation(designation), group)?;
        }
        for licence in licences {
            self.check_target(Target::Licence(licence), group)?;
        }
        links.sort_unstable();
        links.dedup();
        for &link in &links {
            self.check_target(Target::Link(link), group)?;
        }
        for link in links {
            self.check_link_pair(link, group)?;
        }
        relations.sort_unstable();
        relations.dedup();
        class_measures.sort_unstable();
        class_measures.dedup();
        let mut objects = Vec::new();
        for &relation in &relations {
            self.check_target(Target::Relation(relation), group)?;
            objects.extend(self.check_relation_terms(relation)?);
        }
        for measure in class_measures {
            self.check_target(Target::ClassMeasure(measure), group)?;
            self.check_class_measure_terms(measure)?;
        }
        objects.sort_unstable();
        objects.dedup();
        for object in objects {
            self.check_stakes(object, group)?;
        }
        Ok(())
    }

    /// The live creation of `link` (one at most, once its life is checked), its two entities
    /// (smaller id first), and its period in force `[start, end)` with the live end's position.
    fn link_life(self, link: LinkId) -> Option<LinkLife> {
        let positions = self.index.link_positions(link)?;
        let live = || positions.iter().copied().filter(|&at| self.live(at));
        let (created, pair) = live().find_map(|at| match &self.log[at].kind {
            ChangeKind::Link { record, .. } => Some((at, record.pair())),
            _ => None,
        })?;
        let end = live().find(|&at| self.log[at].kind.ends());
        Some(LinkLife {
            link,
            created,
            pair,
            start: self.log[created].effective,
            end: end.map(|at| (at, self.log[at].effective)),
        })
    }

    /// Checks that no other live link of `link`'s two entities is in force on a date it is.
    fn check_link_pair(self, link: LinkId, group: Group) -> Result<()> {
        let Some(this) = self.link_life(link) else {
            return Ok(());
        };
        let (a, b) = this.pair;
        let mut others: Vec<LinkId> = self
            .index
            .entity(a)
            .into_iter()
            .flat_map(|entry| entry.links_seen(usize::MAX))
            .filter(|&(other, end, _, _)| other != link && end == b)
            .map(|(other, ..)| other)
            .collect();
        others.sort_unstable();
        others.dedup();
        for other in others {
            let Some(that) = self.link_life(other) else {
                continue;
            };
            let on = this.start.max(that.start);
            let before_end = |life: &LinkLife| life.end.is_none_or(|(_, end)| on < end);
            if !(before_end(&this) && before_end(&that)) {
                continue;
            }
            let (newer, older) = if this.created > that.created {
                (&this, &that)
            } else {
                (&that, &this)
            };
            let blamed = if newer.created >= group.start {
                newer.created
            } else {
                // Both links are older than the group: a retraction in it re-opened one.
                (group.start..self.log.len())
                    .find(|&at| {
                        let withdrawn = self.log[at].kind.retracts();
                        let link = withdrawn.and_then(|c| self.log.get(c)?.kind.link());
                        link.is_some_and(|l| l == this.link || l == that.link)
                    })
                    .unwrap_or(group.start)
            };
            return Err(Error::LinkAlreadyInForce {
                change: self.log[blamed].id,
                link: newer.link,
                existing: older.link,
                entities: [a, b],
                on,
            });
        }
        Ok(())
    }

    /// The live `Relate` of a relation (one at most, once its life is checked) and its record.
    fn live_relate(self, relation: RelationId) -> Option<(usize, &'a crate::relation::Relation)> {
        let positions = self.index.relation_positions(relation)?;
        positions.iter().find_map(|&at| match &self.log[at].kind {
            ChangeKind::Relate { record, .. } if self.live(at) => Some((at, &**record)),
            _ => None,
        })
    }

    /// Checks that only an ownership's amendments give a share; returns the object of the
    /// relation, whose stakes are to be checked, if the relation is live.
    fn check_relation_terms(self, relation: RelationId) -> Result<Option<EntityId>> {
        let Some((_, record)) = self.live_relate(relation) else {
            return Ok(None);
        };
        if record.kind != RelationKind::Ownership {
            let positions = self.index.relation_positions(relation).unwrap_or_default();
            for &at in positions.iter().filter(|&&at| self.live(at)) {
                if let ChangeKind::AmendRelation { terms, .. } = &self.log[at].kind {
                    if terms.share.is_some() {
                        return Err(Error::ShareWithoutOwnership {
                            change: self.log[at].id,
                            relation,
                            kind: record.kind.clone(),
                        });
                    }
                }
            }
        }
        Ok(Some(record.object()))
    }

    /// Checks that a class measure's amendments name programs of its authority only.
    fn check_class_measure_terms(self, measure: ClassMeasureId) -> Result<()> {
        let positions = self
            .index
            .class_measure_positions(measure)
            .unwrap_or_default();
        let live = || positions.iter().copied().filter(|&at| self.live(at));
        let Some(authority) = live().find_map(|at| match &self.log[at].kind {
            ChangeKind::ImposeClassMeasure { record, .. } => Some(&record.authority),
            _ => None,
        }) else {
            return Ok(());
        };
        for at in live() {
            if let ChangeKind::AmendClassMeasure { terms, .. } = &self.log[at].kind {
                check_programs(&self.log[at], authority, &terms.programs)?;
            }
        }
        Ok(())
    }

    /// Checks that the live direct stakes in `object` never add up to more than the whole: on
    /// every date where one of them begins, changes or ends, the sum of the lower bounds of the
    /// stakes in force.
    fn check_stakes(self, object: EntityId, group: Group) -> Result<()> {
        // Per live ownership of `object`: its versions (date, position, share) and its end.
        let mut stakes: Vec<StakeLife> = Vec::new();
        let mut relations: Vec<RelationId> = self
            .index
            .derivation()
            .relations_naming(object)
            .iter()
            .map(|&(relation, _)| relation)
            .collect();
        relations.sort_unstable();
        relations.dedup();
        let mut dates = Vec::new();
        for relation in relations {
            let Some((created, record)) = self.live_relate(relation) else {
                continue;
            };
            if record.object() != object || record.kind != RelationKind::Ownership {
                continue;
            }
            let share = |terms| match Edge::of(&record.kind, terms) {
                Edge::Ownership(low) => u32::from(low),
                Edge::Control | Edge::Nothing => 0,
            };
            // The creation first: an amendment of the same date wins over it, whatever the order.
            let mut versions = vec![(self.log[created].effective, created, share(&record.terms))];
            let mut end = None;
            for &at in self.index.relation_positions(relation).unwrap_or_default() {
                if !self.live(at) {
                    continue;
                }
                match &self.log[at].kind {
                    ChangeKind::AmendRelation { terms, .. } => {
                        versions.push((self.log[at].effective, at, share(terms)));
                    }
                    ChangeKind::EndRelation { .. } => end = Some(self.log[at].effective),
                    _ => {}
                }
            }
            dates.extend(versions.iter().map(|v| v.0));
            versions[1..].sort_by_key(|&(date, at, _)| (date, at));
            stakes.push((versions, end));
        }
        dates.sort_unstable();
        dates.dedup();
        for on in dates {
            let mut total = 0;
            let mut newest = None;
            for (versions, end) in &stakes {
                if end.is_some_and(|end| end <= on) {
                    continue;
                }
                // The last version on or before `on`: amendments are sorted after the creation.
                if let Some(&(_, at, share)) = versions.iter().rev().find(|v| v.0 <= on) {
                    total += share;
                    if share > 0 {
                        newest = newest.max(Some(at));
                    }
                }
            }
            if total > u32::from(crate::relation::Share::WHOLE) {
                let blamed = match newest {
                    Some(at) if at >= group.start => at,
                    // Nothing new gives a stake on that date: a retraction in the group brought
                    // an older, larger one back.
                    _ => (group.start..self.log.len())
                        .find(|&at| self.log[at].kind.retracts().is_some())
                        .or(newest)
                        .unwrap_or(group.start),
                };
                return Err(Error::OwnershipOverWhole {
                    change: self.log[blamed].id,
                    entity: object,
                    on,
                    total,
                });
            }
        }
        Ok(())
    }

    /// Checks the life of one entity: one registration, and no facts dated before it.
    fn check_entity(self, entity: EntityId, group: Group) -> Result<()> {
        let versions = self.versions(entity);
        let mut live = versions.iter().copied().filter(|&at| self.live(at));
        let mut registrations = live.clone().filter(|&at| self.log[at].kind.creates());
        match (registrations.next(), registrations.next()) {
            (Some(first), Some(second)) => Err(Error::DuplicateEntity {
                change: self.log[second].id,
                entity,
                existing: self.log[first].id,
            }),
            (None, _) => match live.next() {
                Some(dependent) => Err(self.missing_dependency(
                    self.registrations(entity),
                    dependent,
                    group,
                    |change| Error::UnknownEntity { change, entity },
                )),
                None => Ok(()),
            },
            (Some(registration), None) => {
                let registered = self.log[registration].effective;
                let early = live.find(|&at| self.log[at].effective < registered);
                match early {
                    Some(amendment) => Err(Error::AmendedBeforeRegistration {
                        change: self.log[amendment.max(registration)].id,
                        entity,
                        amended: self.log[amendment].effective,
                        registered,
                    }),
                    None => Ok(()),
                }
            }
        }
    }

    /// Positions of the entity's `RegisterEntity` and `AmendEntity` changes, retracted or not.
    fn versions(self, entity: EntityId) -> &'a [usize] {
        self.index
            .entity(entity)
            .map_or(&[][..], |entry| entry.versions())
    }

    /// Positions of the entity's `RegisterEntity` changes, retracted or not.
    fn registrations(self, entity: EntityId) -> impl Iterator<Item = usize> + Clone + 'a {
        self.versions(entity)
            .iter()
            .copied()
            .filter(move |&at| self.log[at].kind.creates())
    }

    /// Checks the life of one designation or licence: one creation, at most one end strictly
    /// after it, amendments inside the period in force, and a registered entity for every
    /// entity it names.
    fn check_target(self, target: Target, group: Group) -> Result<()> {
        let all = match target {
            Target::Designation(id) => self.index.designation_positions(id),
            Target::Licence(id) => self.index.licence_positions(id),
            Target::Link(id) => self.index.link_positions(id),
            Target::Relation(id) => self.index.relation_positions(id),
            Target::ClassMeasure(id) => self.index.class_measure_positions(id),
        };
        let Some(all) = all else { return Ok(()) };
        // The first two creations and ends are all the rules need; amendments are re-read.
        let mut creations = [None, None];
        let mut ends = [None, None];
        let mut first_amendment = None;
        for &at in all.iter().filter(|&&at| self.live(at)) {
            let kind = &self.log[at].kind;
            let slot = if kind.creates() {
                &mut creations
            } else if kind.ends() {
                &mut ends
            } else {
                first_amendment = first_amendment.or(Some(at));
                continue;
            };
            if slot[0].is_none() {
                slot[0] = Some(at);
            } else if slot[1].is_none() {
                slot[1] = Some(at);
            }
        }
        let amendments = all
            .iter()
            .copied()
            .filter(|&at| self.live(at) && self.log[at].kind.amends());
        let id = |at: usize| self.log[at].id;
        let effective = |at: usize| self.log[at].effective;

        let Some(created) = creations[0] else {
            let Some(dependent) = ends[0].or(first_amendment) else {
                return Ok(());
            };
            let retracted_creations = all
                .iter()
                .copied()
                .filter(|&at| self.log[at].kind.creates());
            return Err(
                self.missing_dependency(retracted_creations, dependent, group, |change| {
                    Error::UnknownTarget { change, target }
                }),
            );
        };
        if let Some(second) = creations[1] {
            return Err(Error::DuplicateTarget {
                change: id(second),
                target,
                existing: id(created),
            });
        }
        if let (Some(first), Some(second)) = (ends[0], ends[1]) {
            return Err(Error::AlreadyEnded {
                change: id(second),
                target,
                existing: id(first),
            });
        }
        let started = effective(created);
        let end = ends[0];
        if let Some(end) = end {
            if effective(end) <= started {
                return Err(Error::EndNotAfterStart {
                    change: id(end.max(created)),
                    target,
                    started,
                    ended: effective(end),
                });
            }
        }
        self.check_amendments(target, created, end, amendments.clone())?;
        self.check_named_entities(std::iter::once(created).chain(amendments), group)
    }

    /// Checks that every amendment falls in `[start, end)` of its designation or licence, and
    /// says which side is to blame when one does not: the newer of the two changes.
    fn check_amendments(
        self,
        target: Target,
        created: usize,
        end: Option<usize>,
        amendments: impl Iterator<Item = usize>,
    ) -> Result<()> {
        let id = |at: usize| self.log[at].id;
        let effective = |at: usize| self.log[at].effective;
        let started = effective(created);
        let until = end.map(effective);
        for amendment in amendments {
            let on = effective(amendment);
            let outside_by = if on < started {
                Some(created)
            } else {
                end.filter(|&end| on >= effective(end))
            };
            if let Some(bound) = outside_by {
                return Err(if amendment > bound {
                    Error::NotInForce {
                        change: id(amendment),
                        target,
                        effective: on,
                        in_force: Interval::new(started, until),
                    }
                } else {
                    Error::InvalidatesLaterChange {
                        change: id(bound),
                        target,
                        effective: effective(bound),
                        later: id(amendment),
                        later_effective: on,
                    }
                });
            }
        }
        Ok(())
    }

    /// Checks that every entity named by the changes at `positions` is registered.
    ///
    /// Only for [`check_group`](Checker::check_group), after it has checked every entity the
    /// group touches: then a live version of an entity implies a live registration (an entity
    /// the group does not touch keeps the state in which the rules held), so the check reads
    /// the versions' positions and not the changes, which lie anywhere in the log.
    fn check_named_entities(
        self,
        positions: impl Iterator<Item = usize>,
        group: Group,
    ) -> Result<()> {
        for at in positions {
            for &entity in self.log[at].kind.entities() {
                if !self.versions(entity).iter().any(|&v| self.live(v)) {
                    let registrations = self.registrations(entity);
                    return Err(self.missing_dependency(registrations, at, group, |change| {
                        Error::UnknownEntity { change, entity }
                    }));
                }
            }
        }
        Ok(())
    }

    /// The error for a live `dependent` change whose dependency is missing: if one of the
    /// `candidates` (changes that would have satisfied it) was retracted by this group, blame
    /// that retraction; otherwise the dependency never existed, and `unknown` names the dependent.
    fn missing_dependency(
        self,
        candidates: impl Iterator<Item = usize>,
        dependent: usize,
        group: Group,
        unknown: impl FnOnce(ChangeId) -> Error,
    ) -> Error {
        for candidate in candidates {
            if let Some(by) = self.index.retracted_by(candidate) {
                if by >= group.start {
                    return Error::RetractionOrphans {
                        change: self.log[by].id,
                        retracted: self.log[candidate].id,
                        dependent: self.log[dependent].id,
                    };
                }
            }
        }
        unknown(self.log[dependent].id)
    }
}
