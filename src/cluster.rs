//! Clusters: the entities that [`Link`](crate::Link)s join into one subject on a date, and the
//! answers about a whole cluster.
//!
//! The result types only; [`Clusters`](crate::Clusters), which
//! [`View::clusters`](crate::View::clusters) returns, computes them.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::authority::Authority;
use crate::id::{ChangeId, DesignationId, EntityId, LinkId};
use crate::interval::Interval;
use crate::state::{DesignationInForce, StateDiff};
use crate::status::{Status, StatusKind};
use crate::timeline::{AuthorityTimeline, Timeline};

/// The entities linked into one subject on one date, as one view knows them.
///
/// # What a cluster is
///
/// On a date, in a view, the cluster of an entity is the connected component of the links in
/// force on that date (seen by the view) that contains it: the entity, the entities linked to
/// it, those linked to them, and so on. An entity linked to nothing is a cluster of one. The
/// cluster of an entity can differ from one date to another (a link starts or ends) and from
/// one view to another (a link recorded later, or retracted).
///
/// # The representative
///
/// A cluster is named by its *representative*: the member whose registration comes first in
/// the ledger's log, i.e. the one the ledger recorded first (among registrations recorded at
/// the same instant, the one applied first). So when a younger cluster joins an older one (a
/// new list entry is linked to a subject the ledger already knew), the representative stays
/// the older one's, and an id a user keeps for a subject keeps answering for it as the
/// subject gains list entries. Only when an older cluster joins a younger one does the
/// representative change, to the older one's.
///
/// # The status of a subject
///
/// The status of a cluster with an authority (or on one of its lists) on a date is that of the
/// subject: listed when a designation in that scope of any member is in force; listed and
/// licensed when, besides, a licence of the authority in force covers any member (a licence
/// names the subject through one of its list entries). Each answer also gives every member's
/// own status, so that it says which member, i.e. which list entry, each listing belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Cluster {
    /// The date the cluster is for.
    pub date: NaiveDate,
    /// The member the ledger recorded first: the cluster's name.
    pub representative: EntityId,
    /// Every member, sorted; one entity when it is linked to nothing on the date.
    pub members: Vec<EntityId>,
    /// The links in force on the date that join the members, sorted.
    pub links: Vec<LinkId>,
}

impl Cluster {
    /// Whether `entity` is a member.
    #[must_use]
    pub fn contains(&self, entity: EntityId) -> bool {
        self.members.binary_search(&entity).is_ok()
    }
}

/// A subject's status with one authority (or on one of its lists) on one date, with each
/// member's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClusterStatus {
    /// The subject's status: every designation in scope of every member, and the licences of
    /// the authority that cover any member (only while some member is listed).
    pub status: Status,
    /// The members listed in scope on the date, each with its own status (its own
    /// designations, and the licences that name it): which list entry each listing belongs to.
    pub by_member: BTreeMap<EntityId, Status>,
}

impl ClusterStatus {
    /// The kind of the subject's status.
    #[must_use]
    pub fn kind(&self) -> StatusKind {
        self.status.kind()
    }

    /// Whether the subject is listed (licensed or not).
    #[must_use]
    pub fn is_listed(&self) -> bool {
        self.status.is_listed()
    }

    /// The member a designation of the subject's status belongs to.
    #[must_use]
    pub fn member_of(&self, designation: DesignationId) -> Option<EntityId> {
        self.by_member
            .iter()
            .find(|(_, s)| s.designations().contains(&designation))
            .map(|(entity, _)| *entity)
    }
}

/// A subject's status with every authority that has designated any of its members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClusterStatuses {
    /// The cluster on the date.
    pub cluster: Cluster,
    /// Per authority that has ever designated a member (in the view), the subject's status.
    pub statuses: BTreeMap<Authority, ClusterStatus>,
}

/// One link of a cluster's history: when the two entities were one subject by it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LinkPeriod {
    /// The link.
    pub link: LinkId,
    /// The two entities, smaller id first.
    pub entities: [EntityId; 2],
    /// Its days in force, `[link, unlink)`.
    #[serde(flatten)]
    pub dates: Interval,
    /// The change that made the link.
    pub linked_by: ChangeId,
    /// The change that ended it, if any.
    pub unlinked_by: Option<ChangeId>,
}

/// A subject's history: its periods of being listed and licensed per authority, each member's
/// own timeline, and the links that joined the members.
///
/// The subject is the entity's cluster on each date; its *members* here are every entity that
/// is in that cluster on some date (those linked to it, directly or not, by any link the view
/// sees, whatever its dates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClusterTimeline {
    /// The entity asked about.
    pub entity: EntityId,
    /// Every entity linked with it on some date, itself included, sorted.
    pub members: Vec<EntityId>,
    /// Per authority under which the subject is listed on some date, sorted by authority: the
    /// subject's periods. A period opens and closes where the subject's status changes; its
    /// `opened_by` and `closed_by` are the changes effective on that date that concern any
    /// member with that authority (designations, delistings, licences issued, amended or
    /// ended) and the links among the members that start or end on it.
    pub authorities: Vec<AuthorityTimeline>,
    /// Each member's own timeline (which list entry was listed when), sorted by entity.
    pub by_member: Vec<Timeline>,
    /// The links among the members, sorted by link id.
    pub links: Vec<LinkPeriod>,
}

impl ClusterTimeline {
    /// The subject's status kind on `date` with `authority`, as the timeline tells it.
    #[must_use]
    pub fn status_on(&self, authority: &Authority, date: NaiveDate) -> StatusKind {
        self.authorities
            .iter()
            .find(|t| t.authority == *authority)
            .map_or(StatusKind::NotListed, |t| t.status_on(date))
    }
}

/// A cluster found by a lookup, with the members that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClusterMatch {
    /// The cluster on the date asked.
    pub cluster: Cluster,
    /// The members that matched the lookup, sorted.
    pub matched: Vec<EntityId>,
}

/// One subject listed on a date, with its listings.
///
/// Borrows its designations' terms from the ledger (see [`DesignationInForce`]);
/// serialisable, not deserialisable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SubjectInForce<'a> {
    /// The cluster on the date.
    pub cluster: Cluster,
    /// Per authority with a designation of a member in force, the subject's status.
    pub statuses: BTreeMap<Authority, Status>,
    /// The designations of its members in force, by id; each names its member (`entity`).
    pub designations: BTreeMap<DesignationId, DesignationInForce<'a>>,
}

/// Every subject listed on one date: the whole state, one entry per cluster.
///
/// Borrows from the ledger, as [`State`](crate::State) does; serialisable, not
/// deserialisable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ClusterState<'a> {
    /// The date.
    pub date: NaiveDate,
    /// The subjects with a designation in force, by representative.
    pub subjects: BTreeMap<EntityId, SubjectInForce<'a>>,
}

impl<'a> ClusterState<'a> {
    /// The subject `entity` belongs to on the state's date, if it is listed by anyone.
    #[must_use]
    pub fn subject_of(&self, entity: EntityId) -> Option<&SubjectInForce<'a>> {
        self.subjects.values().find(|s| s.cluster.contains(entity))
    }
}

/// One subject whose status with one authority differs between two dates.
///
/// The subject of an entity is its cluster on each date, so the cluster before and the
/// cluster after may differ: an entry that becomes linked to a listed one is newly listed as
/// a subject, although its own listings did not change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClusterStatusChange {
    /// The cluster on the earlier date (`from` of the difference).
    pub cluster_before: Cluster,
    /// The cluster on the later date (`to`).
    pub cluster_after: Cluster,
    /// The authority.
    pub authority: Authority,
    /// The subject's status on `from`.
    pub before: StatusKind,
    /// The subject's status on `to`.
    pub after: StatusKind,
}

/// What differs between the states on two dates, subject by subject.
///
/// Borrows from the ledger, as [`StateDiff`] does; serialisable, not deserialisable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ClusterDiff<'a> {
    /// The earlier state's date.
    pub from: NaiveDate,
    /// The later state's date.
    pub to: NaiveDate,
    /// The per-entity difference ([`View::diff`](crate::View::diff)): every designation in it
    /// names its member.
    pub state: StateDiff<'a>,
    /// Every subject whose status with an authority differs, once per pair of clusters
    /// (before, after) and authority, sorted by the representatives after and before, then
    /// authority.
    pub status_changes: Vec<ClusterStatusChange>,
}
