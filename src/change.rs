//! Changes: the dated events the ledger is made of.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::class_measure::{ClassMeasure, ClassMeasureTerms};
use crate::designation::{Designation, DesignationTerms};
use crate::entity::Entity;
use crate::error::Target;
use crate::id::{ChangeId, ClassMeasureId, DesignationId, EntityId, LicenceId, LinkId, RelationId};
use crate::licence::{Licence, LicenceEnd, LicenceTerms};
use crate::link::Link;
use crate::relation::{Relation, RelationTerms};

/// One event in the ledger.
///
/// Every change carries three dates with distinct meanings:
///
/// - `effective`: the calendar date the change takes legal effect. A change effective on day D
///   is in force on D. State queries are on this axis.
/// - `published`: when the authority announced or published it (Federal Register, Official
///   Journal). Metadata only; it may be before or after `effective`.
/// - `recorded`: the UTC instant this ledger learned of the change. It never goes backwards
///   within a ledger. `known_at` queries are on this axis.
///
/// # Example
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use sanctions_ledger::{Change, ChangeId, ChangeKind, DesignationId, Source};
///
/// let delisting = Change::new(
///     ChangeId::derive("us-ofac:44541:delist:2025-11-04"),
///     NaiveDate::from_ymd_opt(2025, 11, 4).unwrap(),
///     Utc.with_ymd_and_hms(2025, 11, 5, 9, 0, 0).unwrap(),
///     Source::new("OFAC recent actions, 2025-11-04"),
///     ChangeKind::Delist { designation: DesignationId::derive("us-ofac:44541") },
/// );
/// assert_eq!(delisting.published, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Change {
    /// Unique within a ledger.
    pub id: ChangeId,
    /// When the change takes legal effect (valid time).
    pub effective: NaiveDate,
    /// When the authority published it, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<NaiveDate>,
    /// When this ledger learned of it (transaction time).
    pub recorded: DateTime<Utc>,
    /// Where the fact comes from.
    pub source: Source,
    /// Set when the real effective date is only known to lie in a window, e.g. a change found by
    /// comparing two list snapshots. `effective` is then the observation date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<ObservationWindow>,
    /// What happened.
    pub kind: ChangeKind,
}

impl Change {
    /// A change with no publication date and no observation window.
    #[must_use]
    pub fn new(
        id: ChangeId,
        effective: NaiveDate,
        recorded: DateTime<Utc>,
        source: Source,
        kind: ChangeKind,
    ) -> Self {
        Change {
            id,
            effective,
            published: None,
            recorded,
            source,
            window: None,
            kind,
        }
    }

    /// Sets the publication date.
    #[must_use]
    pub fn with_published(mut self, published: NaiveDate) -> Self {
        self.published = Some(published);
        self
    }

    /// The entities this change names itself, as [`ChangeKind::entities`] tells them: the
    /// entity registered, amended or designated, or those a licence covers.
    ///
    /// A delisting, a designation amendment or a licence end names only its designation or
    /// licence; a [`View`](crate::View) gives that one's entities.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::{EntityId, Ledger};
    ///
    /// let seed = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let belavia = EntityId::derive("belavia");
    /// let now = seed.current();
    /// let about_belavia = |change: &sanctions_ledger::Change| match change.kind.designation() {
    ///     Some(id) => now.designation(id).is_some_and(|d| d.record.entity == belavia),
    ///     None => change.entities().contains(&belavia),
    /// };
    /// let named: Vec<_> = now.changes().filter(|c| about_belavia(c)).collect();
    /// // Registration and three amendments of its facts, EU listing and renewal, SDN listing,
    /// // GL 11, SDN removal (the EU's ban on Belarusian carriers names no entity).
    /// assert_eq!(named.len(), 9);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn entities(&self) -> &[EntityId] {
        self.kind.entities()
    }

    /// Sets the observation window (see [`ObservationWindow`]).
    #[must_use]
    pub fn with_window(mut self, window: ObservationWindow) -> Self {
        self.window = Some(window);
        self
    }
}

/// What a change does.
///
/// Serialised as an object with one key, the kind's name, e.g.
/// `"kind": {"delist": {"designation": "…"}}`. Unknown kinds and unknown fields are refused.
///
/// Every `record` and every `terms` is boxed, so that a change's size in the ledger's log does
/// not depend on its kind's largest payload: a delisting or a retraction stays small, and only
/// the changes that carry facts or terms pay for them, on the heap. The box changes nothing in
/// the serialised form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum ChangeKind {
    /// Makes an entity known to the ledger, with its facts as of `effective`.
    RegisterEntity {
        /// The new entity's id.
        entity: EntityId,
        /// Its facts.
        record: Box<Entity>,
    },
    /// Replaces an entity's facts from `effective` on, which may not be before the entity's
    /// registration.
    AmendEntity {
        /// The entity.
        entity: EntityId,
        /// Its facts from `effective` on.
        record: Box<Entity>,
    },
    /// Lists an entity: the designation is in force from `effective`.
    Designate {
        /// The new designation's id.
        designation: DesignationId,
        /// Who is listed, by whom, on what terms.
        record: Box<Designation>,
    },
    /// Replaces a designation's terms from `effective` on; the designation must be in force on
    /// that date. An amendment that keeps the terms (a listing maintained at renewal) is valid.
    AmendDesignation {
        /// The designation.
        designation: DesignationId,
        /// Its terms from `effective` on.
        terms: Box<DesignationTerms>,
    },
    /// Ends a designation: not listed from `effective` on, which must be strictly after the
    /// designation's own effective date.
    Delist {
        /// The designation.
        designation: DesignationId,
    },
    /// Issues a licence, in force from `effective`.
    IssueLicence {
        /// The new licence's id.
        licence: LicenceId,
        /// The licence.
        record: Box<Licence>,
    },
    /// Replaces a licence's terms from `effective` on; the licence must be in force then.
    AmendLicence {
        /// The licence.
        licence: LicenceId,
        /// Its terms from `effective` on.
        terms: Box<LicenceTerms>,
    },
    /// Ends a licence (revoked or expired): not in force from `effective` on.
    EndLicence {
        /// The licence.
        licence: LicenceId,
        /// How it ended.
        end: LicenceEnd,
    },
    /// States that two entities are one subject (see [`Link`]), from `effective` on: the
    /// queries of [`View::clusters`](crate::View::clusters) answer for both together.
    Link {
        /// The new link's id.
        link: LinkId,
        /// The two entities and why they are one subject.
        record: Box<Link>,
    },
    /// Ends a link: the two entities are not joined by it from `effective` on, which must be
    /// strictly after the link's own effective date. (A link recorded in error is retracted
    /// instead: then it was never in force.)
    Unlink {
        /// The link.
        link: LinkId,
    },
    /// Begins a relation between two entities (an ownership, a control, …), in force from
    /// `effective`.
    Relate {
        /// The new relation's id.
        relation: RelationId,
        /// Who relates to whom, how.
        record: Box<Relation>,
    },
    /// Replaces a relation's terms (an ownership's share) from `effective` on; the relation
    /// must be in force on that date.
    AmendRelation {
        /// The relation.
        relation: RelationId,
        /// Its terms from `effective` on.
        terms: Box<RelationTerms>,
    },
    /// Ends a relation: not in force from `effective` on, which must be strictly after the
    /// relation began.
    EndRelation {
        /// The relation.
        relation: RelationId,
    },
    /// Imposes a measure on a class of entities, in force from `effective`.
    ImposeClassMeasure {
        /// The new class measure's id.
        measure: ClassMeasureId,
        /// Which authority, on which class, on what terms.
        record: Box<ClassMeasure>,
    },
    /// Replaces a class measure's terms from `effective` on; the measure must be in force on
    /// that date.
    AmendClassMeasure {
        /// The class measure.
        measure: ClassMeasureId,
        /// Its terms from `effective` on.
        terms: Box<ClassMeasureTerms>,
    },
    /// Lifts a class measure: not in force from `effective` on, which must be strictly after it
    /// was imposed.
    LiftClassMeasure {
        /// The class measure.
        measure: ClassMeasureId,
    },
    /// Withdraws an earlier change on the recorded axis: a correction of the ledger, not a legal
    /// event. Views known at or after this change's `recorded` instant no longer see the
    /// retracted change; earlier views still do. The retraction's own `effective` date does not
    /// affect any state, and [`changes_between`](crate::View::changes_between) does not list it.
    Retract {
        /// The change withdrawn. It must be earlier in the ledger and not itself a retraction.
        change: ChangeId,
        /// Why, in words.
        reason: String,
    },
}

impl ChangeKind {
    /// The short snake-case name of the kind, as in the serialised form.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            ChangeKind::RegisterEntity { .. } => "register_entity",
            ChangeKind::AmendEntity { .. } => "amend_entity",
            ChangeKind::Designate { .. } => "designate",
            ChangeKind::AmendDesignation { .. } => "amend_designation",
            ChangeKind::Delist { .. } => "delist",
            ChangeKind::IssueLicence { .. } => "issue_licence",
            ChangeKind::AmendLicence { .. } => "amend_licence",
            ChangeKind::EndLicence { .. } => "end_licence",
            ChangeKind::Link { .. } => "link",
            ChangeKind::Unlink { .. } => "unlink",
            ChangeKind::Relate { .. } => "relate",
            ChangeKind::AmendRelation { .. } => "amend_relation",
            ChangeKind::EndRelation { .. } => "end_relation",
            ChangeKind::ImposeClassMeasure { .. } => "impose_class_measure",
            ChangeKind::AmendClassMeasure { .. } => "amend_class_measure",
            ChangeKind::LiftClassMeasure { .. } => "lift_class_measure",
            ChangeKind::Retract { .. } => "retract",
        }
    }

    /// The designation, licence, link, relation or class measure this change creates, amends or
    /// ends; `None` for entity changes and retractions.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::{ChangeKind, DesignationId, Target};
    ///
    /// let listing = DesignationId::derive("us-ofac:44541");
    /// let delisting = ChangeKind::Delist { designation: listing };
    /// assert_eq!(delisting.target(), Some(Target::Designation(listing)));
    /// assert_eq!(delisting.designation(), Some(listing));
    /// assert_eq!(delisting.licence(), None);
    /// ```
    #[must_use]
    pub fn target(&self) -> Option<Target> {
        match self {
            ChangeKind::Designate { designation, .. }
            | ChangeKind::AmendDesignation { designation, .. }
            | ChangeKind::Delist { designation } => Some(Target::Designation(*designation)),
            ChangeKind::IssueLicence { licence, .. }
            | ChangeKind::AmendLicence { licence, .. }
            | ChangeKind::EndLicence { licence, .. } => Some(Target::Licence(*licence)),
            ChangeKind::Link { link, .. } | ChangeKind::Unlink { link } => {
                Some(Target::Link(*link))
            }
            ChangeKind::Relate { relation, .. }
            | ChangeKind::AmendRelation { relation, .. }
            | ChangeKind::EndRelation { relation } => Some(Target::Relation(*relation)),
            ChangeKind::ImposeClassMeasure { measure, .. }
            | ChangeKind::AmendClassMeasure { measure, .. }
            | ChangeKind::LiftClassMeasure { measure } => Some(Target::ClassMeasure(*measure)),
            ChangeKind::RegisterEntity { .. }
            | ChangeKind::AmendEntity { .. }
            | ChangeKind::Retract { .. } => None,
        }
    }

    /// The designation this change creates, amends or ends, if it acts on one.
    #[must_use]
    pub fn designation(&self) -> Option<DesignationId> {
        match self.target() {
            Some(Target::Designation(id)) => Some(id),
            _ => None,
        }
    }

    /// The licence this change issues, amends or ends, if it acts on one.
    #[must_use]
    pub fn licence(&self) -> Option<LicenceId> {
        match self.target() {
            Some(Target::Licence(id)) => Some(id),
            _ => None,
        }
    }

    /// The entities this change names itself: the entity it registers or amends, the entity it
    /// designates, the entities a licence covers as issued or amended, the two a link joins, or
    /// the subject and the object of a relation it begins.
    ///
    /// Empty for a designation amendment, a delisting, a licence end, an unlink, a relation's
    /// amendment or end, every class measure change (a class names no entity) and a retraction:
    /// they name a designation, a licence, a link, a relation or a change, whose entities a
    /// [`View`](crate::View) knows.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let belavia = EntityId::derive("belavia");
    /// let listing = ChangeKind::Designate {
    ///     designation: DesignationId::derive("eu:belavia"),
    ///     record: Box::new(Designation::new(belavia, Authority::EU, DesignationTerms::new(Measure::AssetFreeze))),
    /// };
    /// assert_eq!(listing.entities(), [belavia]);
    /// assert!(listing.creates());
    /// ```
    #[must_use]
    pub fn entities(&self) -> &[EntityId] {
        match self {
            ChangeKind::RegisterEntity { entity, .. } | ChangeKind::AmendEntity { entity, .. } => {
                std::slice::from_ref(entity)
            }
            ChangeKind::Designate { record, .. } => std::slice::from_ref(&record.entity),
            ChangeKind::IssueLicence { record, .. } => &record.terms.covers,
            ChangeKind::AmendLicence { terms, .. } => &terms.covers,
            ChangeKind::Link { record, .. } => &record.entities,
            ChangeKind::Relate { record, .. } => record.parties(),
            ChangeKind::AmendDesignation { .. }
            | ChangeKind::Delist { .. }
            | ChangeKind::EndLicence { .. }
            | ChangeKind::Unlink { .. }
            | ChangeKind::AmendRelation { .. }
            | ChangeKind::EndRelation { .. }
            | ChangeKind::ImposeClassMeasure { .. }
            | ChangeKind::AmendClassMeasure { .. }
            | ChangeKind::LiftClassMeasure { .. }
            | ChangeKind::Retract { .. } => &[],
        }
    }

    /// Whether this change creates what it acts on: registers an entity, designates, issues a
    /// licence, links two entities, begins a relation or imposes a class measure.
    #[must_use]
    pub fn creates(&self) -> bool {
        matches!(
            self,
            ChangeKind::RegisterEntity { .. }
                | ChangeKind::Designate { .. }
                | ChangeKind::IssueLicence { .. }
                | ChangeKind::Link { .. }
                | ChangeKind::Relate { .. }
                | ChangeKind::ImposeClassMeasure { .. }
        )
    }

    /// Whether this change amends what it acts on: an entity's facts, or the terms of a
    /// designation, a licence, a relation or a class measure.
    #[must_use]
    pub fn amends(&self) -> bool {
        matches!(
            self,
            ChangeKind::AmendEntity { .. }
                | ChangeKind::AmendDesignation { .. }
                | ChangeKind::AmendLicence { .. }
                | ChangeKind::AmendRelation { .. }
                | ChangeKind::AmendClassMeasure { .. }
        )
    }

    /// Whether this change ends what it acts on: delists a designation, ends a licence, unlinks
    /// two entities, ends a relation, or lifts a class measure.
    #[must_use]
    pub fn ends(&self) -> bool {
        matches!(
            self,
            ChangeKind::Delist { .. }
                | ChangeKind::EndLicence { .. }
                | ChangeKind::Unlink { .. }
                | ChangeKind::EndRelation { .. }
                | ChangeKind::LiftClassMeasure { .. }
        )
    }

    /// The link this change creates or ends, if it acts on one.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::{ChangeKind, LinkId};
    ///
    /// let link = LinkId::derive("us-ofac:44541 = eu:belavia");
    /// let unlink = ChangeKind::Unlink { link };
    /// assert_eq!(unlink.link(), Some(link));
    /// assert!(unlink.ends());
    /// assert_eq!(unlink.designation(), None);
    /// ```
    #[must_use]
    pub fn link(&self) -> Option<LinkId> {
        match self.target() {
            Some(Target::Link(id)) => Some(id),
            _ => None,
        }
    }

    /// The relation this change begins, amends or ends, if it acts on one.
    #[must_use]
    pub fn relation(&self) -> Option<RelationId> {
        match self.target() {
            Some(Target::Relation(id)) => Some(id),
            _ => None,
        }
    }

    /// The class measure this change imposes, amends or lifts, if it acts on one.
    #[must_use]
    pub fn class_measure(&self) -> Option<ClassMeasureId> {
        match self.target() {
            Some(Target::ClassMeasure(id)) => Some(id),
            _ => None,
        }
    }

    /// The change this one withdraws, if it is a retraction.
    #[must_use]
    pub fn retracts(&self) -> Option<ChangeId> {
        match self {
            ChangeKind::Retract { change, .. } => Some(*change),
            _ => None,
        }
    }

    /// The entity and its facts, for a registration or an entity amendment.
    pub(crate) fn entity_facts(&self) -> Option<(EntityId, &Entity)> {
        match self {
            ChangeKind::RegisterEntity { entity, record }
            | ChangeKind::AmendEntity { entity, record } => Some((*entity, record)),
            _ => None,
        }
    }
}

/// Where a fact comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Source {
    /// A citation a person can follow: the instrument, list entry or notice.
    pub citation: String,
    /// A link to it, if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// How sure the recorder is of the fact, if said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
}

impl Source {
    /// A source with a citation only.
    #[must_use]
    pub fn new(citation: impl Into<String>) -> Self {
        Source {
            citation: citation.into(),
            url: None,
            confidence: None,
        }
    }

    /// Sets the link.
    #[must_use]
    pub fn with_url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Sets the confidence.
    #[must_use]
    pub fn with_confidence(mut self, confidence: Confidence) -> Self {
        self.confidence = Some(confidence);
        self
    }
}

/// How sure the recorder is of a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Confidence {
    /// From a primary source or several independent ones.
    Confirmed,
    /// From news or law-firm reports.
    Reported,
    /// Not verified.
    Uncertain,
    /// Not a fact at all: made up for an example or a test (the seed's invented subsidiary of
    /// Belavia). Code that screens real payments should refuse changes of this confidence.
    Invented,
}

/// The window in which a change really took effect, when only that is known.
///
/// OFAC's legacy list files carry no designation dates: an entry that appears between two
/// snapshots took effect *after* the earlier snapshot's date and *on or before* the later one's.
/// Such a change is recorded as effective on the later date (`on_or_before`, which must equal the
/// change's `effective`) and carries the window so nobody mistakes the observation date for the
/// legal one. `after` is `None` when there is no earlier snapshot (in force on or before).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ObservationWindow {
    /// The change took effect strictly after this date, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<NaiveDate>,
    /// The change took effect on or before this date.
    pub on_or_before: NaiveDate,
}

impl ObservationWindow {
    /// The window `(after, on_or_before]`.
    #[must_use]
    pub fn new(after: Option<NaiveDate>, on_or_before: NaiveDate) -> Self {
        ObservationWindow {
            after,
            on_or_before,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Change, ChangeKind};

    /// The log holds every change inline, so its size is paid by every change, whatever its
    /// kind: a payload added inline to one variant would make each delisting pay for it.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_change_stays_small_whatever_its_kind() {
        assert!(std::mem::size_of::<ChangeKind>() <= 40);
        assert!(std::mem::size_of::<Change>() <= 144);
    }
}
