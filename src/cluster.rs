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
///
/// Serialised as `{"status": …, "by_member": {entity: status, …}}`, the listed members by id.
///
/// # Example
///
/// ```
/// use sanctions_ledger::*;
///
/// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia_linked.json")?)?;
/// let now = ledger.current();
/// let sdn_entry = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "44541"))[0];
/// let eu = now.clusters().status(sdn_entry, &Authority::EU, "2025-10-01".parse()?)?;
/// // Listed by the EU through the EU's own entry, the one member listed.
/// let listed: Vec<EntityId> = eu.by_member().map(|(member, _)| member).collect();
/// assert_eq!(listed.len(), 1);
/// assert_ne!(listed[0], sdn_entry);
/// assert_eq!(eu.member_status(listed[0]).map(Status::kind), Some(StatusKind::Listed));
/// assert_eq!(eu.member_status(sdn_entry), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(into = "ClusterStatusForm", from = "ClusterStatusForm")]
#[non_exhaustive]
pub struct ClusterStatus {
    /// The subject's status: every designation in scope of every member, and the licences of
    /// the authority that cover any member (only while some member is listed).
    pub status: Status,
    /// The members listed in scope, each with its own status.
    listed: ListedMembers,
}

/// The members of a [`ClusterStatus`] listed in scope, each with its own status.
///
/// An entity linked to nothing is its own subject: its status is the subject's, held once
/// (most questions are about such entities, and a second copy in a map cost more than the
/// status itself).
#[derive(Debug, Clone)]
enum ListedMembers {
    /// The subject is this one entity: listed when the subject's status is.
    Alone(EntityId),
    /// The listed members, sorted by entity, each with its own status.
    Several(Vec<(EntityId, Status)>),
}

impl ClusterStatus {
    /// The status of a subject that is one entity, linked to nothing.
    pub(crate) fn alone(entity: EntityId, status: Status) -> Self {
        ClusterStatus {
            status,
            listed: ListedMembers::Alone(entity),
        }
    }

    /// The status of a subject of several members, with the listed members' own statuses in
    /// any order.
    pub(crate) fn of_members(status: Status, mut listed: Vec<(EntityId, Status)>) -> Self {
        listed.sort_unstable_by_key(|(entity, _)| *entity);
        ClusterStatus {
            status,
            listed: ListedMembers::Several(listed),
        }
    }

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

    /// The members listed in scope on the date, sorted by entity, each with its own status
    /// (its own designations, and the licences that name it): which list entry each listing
    /// belongs to. Empty when the subject is not listed.
    pub fn by_member(&self) -> impl Iterator<Item = (EntityId, &Status)> + '_ {
        let (alone, several) = match &self.listed {
            ListedMembers::Alone(entity) => (
                self.status.is_listed().then_some((*entity, &self.status)),
                &[][..],
            ),
            ListedMembers::Several(listed) => (None, listed.as_slice()),
        };
        alone
            .into_iter()
            .chain(several.iter().map(|(entity, status)| (*entity, status)))
    }

    /// The own status of `member` if it is listed in scope on the date; `None` for a member
    /// not listed, or an entity not in the subject.
    #[must_use]
    pub fn member_status(&self, member: EntityId) -> Option<&Status> {
        self.by_member()
            .find(|(entity, _)| *entity == member)
            .map(|(_, status)| status)
    }

    /// The member a designation of the subject's status belongs to.
    #[must_use]
    pub fn member_of(&self, designation: DesignationId) -> Option<EntityId> {
        self.by_member()
            .find(|(_, s)| s.designations().contains(&designation))
            .map(|(entity, _)| entity)
    }
}

/// Equal when the subject's statuses and the listed members' own are: a subject of one entity
/// equals the same answer given as a subject of one member.
impl PartialEq for ClusterStatus {
    fn eq(&self, other: &Self) -> bool {
        self.status == other.status && self.by_member().eq(other.by_member())
    }
}

impl Eq for ClusterStatus {}

/// The serialised form of a [`ClusterStatus`].
#[derive(Serialize, Deserialize)]
struct ClusterStatusForm {
    status: Status,
    by_member: BTreeMap<EntityId, Status>,
}

impl From<ClusterStatus> for ClusterStatusForm {
    fn from(status: ClusterStatus) -> Self {
        let by_member = status
            .by_member()
            .map(|(entity, own)| (entity, own.clone()))
            .collect();
        ClusterStatusForm {
            status: status.status,
            by_member,
        }
    }
}

impl From<ClusterStatusForm> for ClusterStatus {
    fn from(form: ClusterStatusForm) -> Self {
        ClusterStatus {
            status: form.status,
            listed: ListedMembers::Several(form.by_member.into_iter().collect()),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_alone_reads_and_serialises_as_one_listed_member() {
        let entity = EntityId::derive("alone");
        let listed = Status::from_parts(vec![DesignationId::derive("d")], Vec::new());
        let alone = ClusterStatus::alone(entity, listed.clone());
        let several = ClusterStatus::of_members(listed.clone(), vec![(entity, listed.clone())]);
        assert_eq!(alone, several);
        assert_eq!(alone.member_status(entity), Some(&listed));
        assert_eq!(alone.member_of(DesignationId::derive("d")), Some(entity));
        let json = serde_json::to_value(&alone).unwrap();
        assert_eq!(json, serde_json::to_value(&several).unwrap());
        assert_eq!(
            json["by_member"].as_object().map(serde_json::Map::len),
            Some(1)
        );
        let back: ClusterStatus = serde_json::from_value(json).unwrap();
        assert_eq!(back, alone);

        // Not listed: no member, whichever way the answer was built.
        let not_listed = ClusterStatus::alone(entity, Status::NotListed);
        assert_eq!(not_listed.by_member().count(), 0);
        assert_eq!(not_listed.member_status(entity), None);
        assert_eq!(
            not_listed,
            ClusterStatus::of_members(Status::NotListed, Vec::new())
        );
        assert_eq!(
            serde_json::to_string(&not_listed).unwrap(),
            r#"{"status":{"status":"not-listed"},"by_member":{}}"#
        );
    }

    #[test]
    fn several_members_are_read_in_entity_order() {
        let (a, b) = (EntityId::derive("a"), EntityId::derive("b"));
        let (first, second) = if a < b { (a, b) } else { (b, a) };
        let own = |name: &str| Status::from_parts(vec![DesignationId::derive(name)], Vec::new());
        let status = ClusterStatus::of_members(
            Status::from_parts(
                vec![DesignationId::derive("x"), DesignationId::derive("y")],
                Vec::new(),
            ),
            vec![(second, own("y")), (first, own("x"))],
        );
        let order: Vec<EntityId> = status.by_member().map(|(member, _)| member).collect();
        assert_eq!(order, [first, second]);
        assert_eq!(status.member_of(DesignationId::derive("y")), Some(second));
    }
}
