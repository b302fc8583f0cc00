//! [`Clusters`]: the questions of a [`View`] asked about whole subjects, the clusters of
//! linked entities (see [`Cluster`]).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::View;
use crate::authority::Authority;
use crate::change::{Change, ChangeKind};
use crate::cluster::{
    Cluster, ClusterDiff, ClusterMatch, ClusterState, ClusterStatus, ClusterStatusChange,
    ClusterStatuses, ClusterTimeline, LinkPeriod, SubjectInForce,
};
use crate::entity::Identifier;
use crate::error::{Result, Target};
use crate::id::{ChangeId, DesignationId, EntityId, LicenceId, LinkId};
use crate::index::{ComponentEntry, EntityEntry};
use crate::link::Link;
use crate::list::Scope;
use crate::state::{AsCreated, State};
use crate::status::{Status, StatusKind};
use crate::timeline::{fold_periods, period, AuthorityTimeline};

/// The queries of a [`View`] about whole subjects: each answers for the cluster of linked
/// entities an entity belongs to on the date asked, and says which member (which list entry)
/// each listing belongs to. [`View::clusters`] returns it; it is `Copy` and borrows the view's
/// ledger.
///
/// The per-entity queries of [`View`] stay as they are: an entity's own status, timeline and
/// lookups ignore links.
///
/// In the complexity notes, *m* is the number of members of the cluster and *k* the number of
/// changes naming one member, as for [`View`].
#[derive(Debug, Clone, Copy)]
pub struct Clusters<'a> {
    view: View<'a>,
}

impl<'a> View<'a> {
    /// The questions of this view asked about whole subjects: the clusters of entities that
    /// links join (see [`Cluster`] for what a cluster is and how its representative is
    /// chosen).
    ///
    /// O(1).
    ///
    /// # Example
    ///
    /// The linked seed holds Belavia twice, as the EU listed it and as OFAC's SDN entry 44541,
    /// joined by an analyst's link: the subject is listed by both.
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia_linked.json")?)?;
    /// let now = ledger.current();
    /// let sdn_entry = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "44541"))[0];
    /// let on = "2025-10-01".parse()?;
    ///
    /// // The SDN entry alone is not listed by the EU; the subject is, through its EU entry.
    /// assert!(!now.is_listed(sdn_entry, &Authority::EU, on)?);
    /// let eu = now.clusters().status(sdn_entry, &Authority::EU, on)?;
    /// assert_eq!(eu.kind(), StatusKind::Listed);
    /// let eu_entry = now.clusters().cluster(sdn_entry, on)?.representative;
    /// assert_eq!(eu.by_member().map(|(member, _)| member).collect::<Vec<_>>(), [eu_entry]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn clusters(&self) -> Clusters<'a> {
        Clusters { view: *self }
    }

    /// The link as created, with its period in force.
    ///
    /// O(c) in the changes naming the link.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia_linked.json")?)?;
    /// let link = ledger.current().link(LinkId::derive("seed:belavia:eu=sdn-44541")).ok_or("in the seed")?;
    /// assert!(matches!(link.record.reason, LinkReason::Analyst(_)));
    /// assert!(link.in_force.is_open());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn link(&self, id: LinkId) -> Option<AsCreated<'a, Link>> {
        let life = self.life(self.index.link_positions(id)?)?;
        match &life.created.kind {
            ChangeKind::Link { record, .. } => Some(life.as_created(record)),
            _ => None,
        }
    }
}

/// A cluster being gathered: its members with what the index knows of each, and its links.
struct Members<'a> {
    members: Vec<(EntityId, EntityEntry<'a>)>,
    links: Vec<LinkId>,
}

impl<'a> Clusters<'a> {
    /// The view these questions are asked of.
    #[must_use]
    pub fn view(&self) -> View<'a> {
        self.view
    }

    /// The members of `entity`'s cluster on `date` (the entity first), by a walk over the
    /// links in force. An entity never linked is its own cluster without any walk.
    fn members_on(&self, entity: EntityId, entry: EntityEntry<'a>, date: NaiveDate) -> Members<'a> {
        let mut members = vec![(entity, entry)];
        let mut links = Vec::new();
        if !entry.has_links() {
            return Members { members, links };
        }
        let cut = self.view.cut;
        let mut next = 0;
        while next < members.len() {
            let (_, at) = members[next];
            for (link, other) in at.links_on(date, cut) {
                if !links.contains(&link) {
                    links.push(link);
                }
                if members.iter().any(|(m, _)| *m == other) {
                    continue;
                }
                // A link the view sees names two entities it knows: the rules see to it.
                if let Some(entry) = self.view.index.entity(other) {
                    members.push((other, entry));
                }
            }
            next += 1;
        }
        Members { members, links }
    }

    /// The members of `entity`'s cluster on `date`, as [`Clusters::members_on`] without the
    /// links: what a status needs, with one allocation for clusters of up to four.
    fn members_only(
        &self,
        entity: EntityId,
        entry: EntityEntry<'a>,
        date: NaiveDate,
    ) -> Vec<(EntityId, EntityEntry<'a>)> {
        let mut members = Vec::with_capacity(4);
        members.push((entity, entry));
        let cut = self.view.cut;
        let mut next = 0;
        while next < members.len() {
            let (_, at) = members[next];
            for (_, other) in at.links_on(date, cut) {
                if members.iter().any(|(m, _)| *m == other) {
                    continue;
                }
                if let Some(entry) = self.view.index.entity(other) {
                    members.push((other, entry));
                }
            }
            next += 1;
        }
        members
    }

    /// Every entity linked with `entity` by some link the view sees, whatever its dates
    /// (itself included, first), and those links with their periods.
    fn members_ever(
        &self,
        entity: EntityId,
        entry: EntityEntry<'a>,
    ) -> (Vec<(EntityId, EntityEntry<'a>)>, BTreeSet<LinkId>) {
        let mut members = vec![(entity, entry)];
        let mut links = BTreeSet::new();
        let cut = self.view.cut;
        let mut next = 0;
        while next < members.len() {
            let (_, at) = members[next];
            for (link, other, _, _) in at.links_seen(cut) {
                links.insert(link);
                if members.iter().any(|(m, _)| *m == other) {
                    continue;
                }
                if let Some(entry) = self.view.index.entity(other) {
                    members.push((other, entry));
                }
            }
            next += 1;
        }
        (members, links)
    }

    /// The cluster of `entities` gathered on `date`: sorted, with its representative.
    fn cluster_of(&self, gathered: &Members<'a>, date: NaiveDate) -> Cluster {
        let first_registration = |entry: EntityEntry<'a>| {
            entry
                .versions()
                .iter()
                .copied()
                .filter(|&at| self.view.sees(at) && self.view.log[at].kind.creates())
                .min()
                .unwrap_or(usize::MAX)
        };
        let representative = gathered
            .members
            .iter()
            .min_by_key(|(id, entry)| (first_registration(*entry), *id))
            .map_or(gathered.members[0].0, |(id, _)| *id);
        let mut members: Vec<EntityId> = gathered.members.iter().map(|(id, _)| *id).collect();
        members.sort_unstable();
        let mut links = gathered.links.clone();
        links.sort_unstable();
        Cluster {
            date,
            representative,
            members,
            links,
        }
    }

    /// The cluster `entity` belongs to on `date`: the entities joined to it by the links in
    /// force then, and its representative (the member the ledger recorded first).
    ///
    /// O(m · (l + v)) in the members, their link events and their versions.
    ///
    /// # Errors
    ///
    /// [`Error::EntityNotKnown`](crate::Error::EntityNotKnown) if the view does not know
    /// `entity`.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia_linked.json")?)?;
    /// let now = ledger.current();
    /// let sdn_entry = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "44541"))[0];
    /// let cluster = now.clusters().cluster(sdn_entry, "2025-10-01".parse()?)?;
    /// assert_eq!(cluster.members.len(), 2);
    /// // The EU entry was recorded first (2021): it names the subject.
    /// assert_ne!(cluster.representative, sdn_entry);
    /// // Known before the analyst recorded the link, the SDN entry was a cluster of its own.
    /// let then = ledger.known_at("2023-08-09T18:00:00Z".parse()?);
    /// let alone = then.clusters().cluster(sdn_entry, "2025-10-01".parse()?)?;
    /// assert_eq!((alone.members, alone.representative), (vec![sdn_entry], sdn_entry));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cluster(&self, entity: EntityId, date: NaiveDate) -> Result<Cluster> {
        let entry = self.view.known_entity(entity)?;
        Ok(self.cluster_of(&self.members_on(entity, entry, date), date))
    }

    /// The licences of `authority` in force on `date` that cover `entity`, as seen.
    fn licences_covering<'s>(
        &'s self,
        entity: EntityId,
        entry: EntityEntry<'a>,
        authority: &'s Authority,
        date: NaiveDate,
    ) -> impl Iterator<Item = LicenceId> + 's {
        let view = self.view;
        entry
            .licences()
            .iter()
            .filter(move |(id, at)| {
                view.sees(*at) && view.licence_covers(*id, entity, authority, date)
            })
            .map(|(id, _)| *id)
    }

    /// The subject's status in `scope` on `date`, for the members gathered.
    fn status_of(
        &self,
        members: &[(EntityId, EntityEntry<'a>)],
        scope: Scope<'_>,
        date: NaiveDate,
    ) -> ClusterStatus {
        let mut by_member = BTreeMap::new();
        let mut designations = Vec::new();
        for &(entity, entry) in members {
            let status = self.view.status_of(entry, entity, scope, date);
            if status.is_listed() {
                designations.extend_from_slice(status.designations());
                by_member.insert(entity, status);
            }
        }
        if designations.is_empty() {
            return ClusterStatus::of_members(Status::NotListed, Vec::new());
        }
        let status = if members.len() == 1 {
            by_member
                .values()
                .next()
                .cloned()
                .unwrap_or(Status::NotListed)
        } else {
            // A listed member's own status already holds the licences that cover it; only
            // the members not listed are asked.
            let mut licences: Vec<LicenceId> = by_member
                .values()
                .flat_map(|s| s.licences().iter().copied())
                .collect();
            for &(entity, entry) in members {
                if !by_member.contains_key(&entity) {
                    licences.extend(self.licences_covering(entity, entry, scope.authority(), date));
                }
            }
            Status::from_parts(designations, licences)
        };
        ClusterStatus::of_members(status, by_member.into_iter().collect())
    }

    /// The status of `entity`'s subject (its cluster on `date`) with an authority or on one of
    /// its lists (`scope`, as for [`View::status`]), with each listed member's own status.
    ///
    /// For an entity linked to nothing this is [`View::status`] with the entity as the only
    /// member. Otherwise one more hash lookup finds the entity's component of the link graph
    /// (every entity any link joins it to, transitively, kept together by the index), then
    /// O(l² + m · (l + s²)) over the component's l link events and the s listing events of its
    /// members (both a handful for one subject), with no lookup per member; a component of
    /// more than 64 entities or link events is walked member by member instead, O(m · k).
    ///
    /// # Errors
    ///
    /// [`Error::EntityNotKnown`](crate::Error::EntityNotKnown) if the view does not know
    /// `entity`.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia_linked.json")?)?;
    /// let now = ledger.current();
    /// let sdn_entry = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "44541"))[0];
    /// let eu_entry = now.clusters().cluster(sdn_entry, "2025-10-01".parse()?)?.representative;
    ///
    /// // Asked through the EU entry: the subject is listed and licensed by the US on
    /// // 2025-10-01, by the SDN entry's listing and GL 11, which names the SDN entry.
    /// let us = now.clusters().status(eu_entry, &Authority::US_OFAC, "2025-10-01".parse()?)?;
    /// assert_eq!(us.kind(), StatusKind::ListedLicensed);
    /// assert_eq!(us.member_of(us.status.designations()[0]), Some(sdn_entry));
    /// // Per list: asked through the SDN entry, the subject is on the EU's consolidated list
    /// // (by the EU entry), not on OFAC's SSI list.
    /// let on = "2025-10-01".parse()?;
    /// assert!(now.clusters().is_listed(sdn_entry, &List::EU_CONSOLIDATED, on)?);
    /// assert!(!now.clusters().is_listed(sdn_entry, &List::US_OFAC_SSI, on)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn status<'s>(
        &self,
        entity: EntityId,
        scope: impl Into<Scope<'s>>,
        date: NaiveDate,
    ) -> Result<ClusterStatus> {
        let entry = self.view.known_entity(entity)?;
        let scope = scope.into();
        if !entry.has_links() {
            return Ok(self.alone(entry, entity, scope, date));
        }
        if let Some(component) = self.view.index.component(entity) {
            if let Some(members) = component.cluster_on(entity, date, self.view.cut) {
                return Ok(self.status_in(component, members, scope, date));
            }
        }
        Ok(self.status_of(&self.members_only(entity, entry, date), scope, date))
    }

    /// The status of an entity linked to nothing: its own.
    fn alone(
        &self,
        entry: EntityEntry<'a>,
        entity: EntityId,
        scope: Scope<'_>,
        date: NaiveDate,
    ) -> ClusterStatus {
        ClusterStatus::alone(entity, self.view.status_of(entry, entity, scope, date))
    }

    /// [`Clusters::status_of`] for the members in the mask `members` of one component of the
    /// link graph, read from the component's own copies of their listings and licences.
    fn status_in(
        &self,
        component: ComponentEntry<'a>,
        members: u64,
        scope: Scope<'_>,
        date: NaiveDate,
    ) -> ClusterStatus {
        let view = self.view;
        let mut listed_members = 0_u64;
        for (member, _) in component.listed(members, scope, date, view.cut) {
            listed_members |= 1 << member;
        }
        if listed_members == 0 {
            return ClusterStatus::of_members(Status::NotListed, Vec::new());
        }
        let authority = scope.authority();
        let licences: Vec<(u32, LicenceId)> = component
            .licences(members)
            .filter(|&(member, id, at)| {
                view.sees(at) && view.licence_covers(id, component.member(member), authority, date)
            })
            .map(|(member, id, _)| (member, id))
            .collect();
        // One pass over the listings per listed member: no list of them to sort and group.
        let mut designations = Vec::new();
        let mut by_member = Vec::with_capacity(listed_members.count_ones() as usize);
        let mut bits = listed_members;
        while bits != 0 {
            let member = bits.trailing_zeros();
            bits &= bits - 1;
            let own: Vec<DesignationId> = component
                .listed(1 << member, scope, date, view.cut)
                .map(|(_, id)| id)
                .collect();
            designations.extend_from_slice(&own);
            let own_licences = licences
                .iter()
                .filter(|(m, _)| *m == member)
                .map(|(_, id)| *id)
                .collect();
            by_member.push((
                component.member(member),
                Status::from_parts(own, own_licences),
            ));
        }
        let status = Status::from_parts(
            designations,
            licences.into_iter().map(|(_, id)| id).collect(),
        );
        ClusterStatus::of_members(status, by_member)
    }

    /// Whether `entity`'s subject (its cluster on `date`) is listed in `scope`, licensed or
    /// not: whether any member is.
    ///
    /// For an entity linked to nothing this is [`View::is_listed`]; otherwise O(m · k).
    ///
    /// # Errors
    ///
    /// [`Error::EntityNotKnown`](crate::Error::EntityNotKnown) if the view does not know
    /// `entity`.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia_linked.json")?)?;
    /// let now = ledger.current();
    /// let sdn_entry = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "44541"))[0];
    /// // Delisted by the US on 2025-11-04, still listed by the EU.
    /// assert!(!now.clusters().is_listed(sdn_entry, &Authority::US_OFAC, "2025-11-05".parse()?)?);
    /// assert!(now.clusters().is_listed(sdn_entry, &Authority::EU, "2025-11-05".parse()?)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_listed<'s>(
        &self,
        entity: EntityId,
        scope: impl Into<Scope<'s>>,
        date: NaiveDate,
    ) -> Result<bool> {
        let entry = self.view.known_entity(entity)?;
        let scope = scope.into();
        let cut = self.view.cut;
        if !entry.has_links() {
            return Ok(entry.listed(scope, date, cut).next().is_some());
        }
        Ok(self
            .members_only(entity, entry, date)
            .iter()
            .any(|(_, e)| e.listed(scope, date, cut).next().is_some()))
    }

    /// The status of `entity`'s subject on `date` with every authority that has ever
    /// designated one of its members (in this view), and the cluster.
    ///
    /// O(m · k · log k).
    ///
    /// # Errors
    ///
    /// [`Error::EntityNotKnown`](crate::Error::EntityNotKnown) if the view does not know
    /// `entity`.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia_linked.json")?)?;
    /// let now = ledger.current();
    /// let sdn_entry = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "44541"))[0];
    /// let on = now.clusters().statuses(sdn_entry, "2025-10-01".parse()?)?;
    /// let kinds: Vec<(&str, StatusKind)> =
    ///     on.statuses.iter().map(|(a, s)| (a.as_str(), s.kind())).collect();
    /// assert_eq!(kinds, [("EU", StatusKind::Listed), ("US-OFAC", StatusKind::ListedLicensed)]);
    /// assert_eq!(on.cluster.members.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn statuses(&self, entity: EntityId, date: NaiveDate) -> Result<ClusterStatuses> {
        let entry = self.view.known_entity(entity)?;
        let gathered = self.members_on(entity, entry, date);
        let mut authorities = BTreeSet::new();
        for &(member, _) in &gathered.members {
            authorities.extend(self.view.authorities_of(member));
        }
        let statuses = authorities
            .into_iter()
            .map(|authority| {
                let status = self.status_of(&gathered.members, Scope::Authority(&authority), date);
                (authority, status)
            })
            .collect();
        Ok(ClusterStatuses {
            cluster: self.cluster_of(&gathered, date),
            statuses,
        })
    }

    /// The history of `entity`'s subject: its periods of being listed and licensed per
    /// authority (the subject on each date being the entity's cluster then), each member's own
    /// timeline, and the links among them.
    ///
    /// O(b · m · k) where b is the number of distinct dates on which a member's designations or
    /// licences start, end or are amended, or a link among them starts or ends.
    ///
    /// # Errors
    ///
    /// [`Error::EntityNotKnown`](crate::Error::EntityNotKnown) if the view does not know
    /// `entity`.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia_linked.json")?)?;
    /// let now = ledger.current();
    /// let sdn_entry = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "44541"))[0];
    /// let timeline = now.clusters().timeline(sdn_entry)?;
    /// let periods = |authority: &Authority| -> Vec<String> {
    ///     let line = timeline.authorities.iter().find(|t| t.authority == *authority);
    ///     line.map(|t| t.periods.iter().map(|p| format!("{} {}", p.status, p.dates)).collect())
    ///         .unwrap_or_default()
    /// };
    /// // Asked through the SDN entry, the subject's EU listing since 2021 (the analyst's link
    /// // is effective from the EU entry's registration).
    /// assert_eq!(periods(&Authority::EU), ["listed [2021-12-02, …)"]);
    /// assert_eq!(
    ///     periods(&Authority::US_OFAC),
    ///     ["listed [2023-08-09, 2025-09-11)", "listed-licensed [2025-09-11, 2025-11-04)"]
    /// );
    /// assert_eq!(timeline.members.len(), 2);
    /// assert_eq!(timeline.links.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn timeline(&self, entity: EntityId) -> Result<ClusterTimeline> {
        let entry = self.view.known_entity(entity)?;
        let (members, links) = self.members_ever(entity, entry);
        let mut authorities = BTreeSet::new();
        for &(member, _) in &members {
            authorities.extend(self.view.authorities_of(member));
        }
        let link_changes: Vec<&'a Change> = links
            .iter()
            .filter_map(|&id| self.view.life(self.view.index.link_positions(id)?))
            .flat_map(|life| std::iter::once(life.created).chain(life.ended))
            .collect();
        let mut timelines = Vec::new();
        for authority in authorities {
            let mut relevant: Vec<&'a Change> = link_changes.clone();
            for &(member, _) in &members {
                relevant.extend(self.view.changes_moving_status(member, &authority));
            }
            relevant.sort_by_key(|c| (c.effective, self.view.log.position(c.id)));
            let mut seen = BTreeSet::new();
            relevant.retain(|c| seen.insert(c.id));
            let on = |date: NaiveDate| -> Vec<ChangeId> {
                relevant
                    .iter()
                    .filter(|c| c.effective == date)
                    .map(|c| c.id)
                    .collect()
            };
            let dates: BTreeSet<NaiveDate> = relevant.iter().map(|c| c.effective).collect();
            let periods = fold_periods(
                dates,
                StatusKind::NotListed,
                |date| {
                    let gathered = self.members_on(entity, entry, date);
                    self.status_of(&gathered.members, Scope::Authority(&authority), date)
                        .kind()
                },
                on,
                period,
            );
            if !periods.is_empty() {
                timelines.push(AuthorityTimeline { authority, periods });
            }
        }
        let mut ids: Vec<EntityId> = members.iter().map(|(id, _)| *id).collect();
        ids.sort_unstable();
        let by_member = ids
            .iter()
            .map(|&member| self.view.timeline(member))
            .collect::<Result<Vec<_>>>()?;
        let links = links
            .into_iter()
            .filter_map(|link| self.link_period(link))
            .collect();
        Ok(ClusterTimeline {
            entity,
            members: ids,
            authorities: timelines,
            by_member,
            links,
        })
    }

    /// A link's period as this view sees it.
    fn link_period(&self, link: LinkId) -> Option<LinkPeriod> {
        let life = self.view.life(self.view.index.link_positions(link)?)?;
        let ChangeKind::Link { record, .. } = &life.created.kind else {
            return None;
        };
        let (a, b) = record.pair();
        Some(LinkPeriod {
            link,
            entities: [a, b],
            dates: life.in_force(),
            linked_by: life.created.id,
            unlinked_by: life.ended.map(|c| c.id),
        })
    }

    /// The clusters on `date` of `entities` (sorted, known to the view), each with the members
    /// among `entities`, sorted by representative.
    fn group(&self, entities: Vec<EntityId>, date: NaiveDate) -> Vec<ClusterMatch> {
        let mut found: Vec<ClusterMatch> = Vec::new();
        for entity in entities {
            if let Some(known) = found.iter_mut().find(|m| m.cluster.contains(entity)) {
                known.matched.push(entity);
                continue;
            }
            let Ok(cluster) = self.cluster(entity, date) else {
                continue;
            };
            found.push(ClusterMatch {
                cluster,
                matched: vec![entity],
            });
        }
        for m in &mut found {
            m.matched.sort_unstable();
        }
        found.sort_by_key(|m| m.cluster.representative);
        found
    }

    /// The subjects (clusters on `date`) with a member that carries `identifier`, as
    /// [`View::find_by_identifier`] finds members: each subject once, with the members that
    /// carry it.
    ///
    /// O(h + r · m · l) in the versions carrying the identifier and the clusters found.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia_linked.json")?)?;
    /// let now = ledger.current();
    /// let sdn_44541 = Identifier::list_entry(Authority::US_OFAC, "44541");
    /// let found = now.clusters().find_by_identifier(&sdn_44541, "2025-10-01".parse()?);
    /// assert_eq!(found.len(), 1);
    /// assert_eq!(found[0].cluster.members.len(), 2); // the SDN entry and the EU entry
    /// assert_eq!(found[0].matched, now.find_by_identifier(&sdn_44541));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn find_by_identifier(
        &self,
        identifier: &Identifier,
        date: NaiveDate,
    ) -> Vec<ClusterMatch> {
        self.group(self.view.find_by_identifier(identifier), date)
    }

    /// The subjects (clusters on `date`) with a member that has `name` as its name or an
    /// alias, as [`View::find_by_name`] finds members: each subject once.
    ///
    /// O(h + r · m · l) in the versions carrying the name and the clusters found.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia_linked.json")?)?;
    /// let now = ledger.current();
    /// // The EU entry carries the alias "Belavia": its subject, with the SDN entry, once.
    /// let found = now.clusters().find_by_name("belavia", "2025-10-01".parse()?);
    /// assert_eq!(found.len(), 1);
    /// assert_eq!(found[0].matched, [found[0].cluster.representative]);
    /// assert_eq!(found[0].cluster.members.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn find_by_name(&self, name: &str, date: NaiveDate) -> Vec<ClusterMatch> {
        self.group(self.view.find_by_name(name), date)
    }

    /// The subjects (clusters on `date`) with a member whose name or an alias holds every
    /// token of `query`, as [`View::find_by_tokens`] finds members: each subject once, with
    /// the members that matched.
    ///
    /// [`View::find_by_tokens`], then O(r · m · l) for the clusters found.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia_linked.json")?)?;
    /// let now = ledger.current();
    /// // The EU's name and OFAC's both hold "belavia": one subject, both entries matched.
    /// let found = now.clusters().find_by_tokens("Belavia", "2025-10-01".parse()?);
    /// assert_eq!(found.len(), 1);
    /// assert_eq!(found[0].matched.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn find_by_tokens(&self, query: &str, date: NaiveDate) -> Vec<ClusterMatch> {
        self.group(self.view.find_by_tokens(query), date)
    }

    /// The subjects of the listings in `state` (the view's state on its date), each once.
    fn subjects_in(&self, state: &State<'a>) -> BTreeMap<EntityId, SubjectInForce<'a>> {
        let date = state.date;
        let mut subjects: BTreeMap<EntityId, SubjectInForce> = BTreeMap::new();
        let mut placed: BTreeMap<EntityId, EntityId> = BTreeMap::new();
        for (&id, d) in &state.designations {
            let representative = if let Some(r) = placed.get(&d.entity) {
                *r
            } else {
                let Ok(cluster) = self.cluster(d.entity, date) else {
                    continue;
                };
                let r = cluster.representative;
                for &m in &cluster.members {
                    placed.insert(m, r);
                }
                let subject = SubjectInForce {
                    cluster,
                    statuses: BTreeMap::new(),
                    designations: BTreeMap::new(),
                };
                subjects.insert(r, subject);
                r
            };
            if let Some(subject) = subjects.get_mut(&representative) {
                subject.designations.insert(id, *d);
            }
        }
        for subject in subjects.values_mut() {
            let mut by_authority: BTreeMap<&Authority, Vec<DesignationId>> = BTreeMap::new();
            for (id, d) in &subject.designations {
                by_authority.entry(d.authority).or_default().push(*id);
            }
            subject.statuses = by_authority
                .into_iter()
                .map(|(authority, designations)| {
                    let licences = state
                        .licences
                        .iter()
                        .filter(|(_, l)| {
                            l.authority == authority
                                && l.terms.covers.iter().any(|e| subject.cluster.contains(*e))
                        })
                        .map(|(id, _)| *id)
                        .collect();
                    (
                        authority.clone(),
                        Status::from_parts(designations, licences),
                    )
                })
                .collect();
        }
        subjects
    }

    /// Every subject listed on `date`: one entry per cluster with a designation in force, with
    /// its status per authority and its members' designations.
    ///
    /// [`View::state_on`], then O(d · m · l) to find the clusters of the designations in
    /// force.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia_linked.json")?)?;
    /// let now = ledger.current();
    /// let state = now.clusters().state_on("2025-10-01".parse()?);
    /// // Belavia (two list entries, one subject) and its aircraft EW-301PJ.
    /// assert_eq!(state.subjects.len(), 2);
    /// let sdn_entry = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "44541"))[0];
    /// let belavia = state.subject_of(sdn_entry).ok_or("listed")?;
    /// assert_eq!(belavia.designations.len(), 2); // the EU's and the SDN listing
    /// assert_eq!(belavia.statuses[&Authority::US_OFAC].kind(), StatusKind::ListedLicensed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn state_on(&self, date: NaiveDate) -> ClusterState<'a> {
        let state = self.view.state_on(date);
        ClusterState {
            date,
            subjects: self.subjects_in(&state),
        }
    }

    /// The entities whose subject's status may differ between `from` and `to`: those the
    /// changes effective between the two dates name (designations' and licences' entities,
    /// linked entities), with every member of their clusters on either date.
    fn touched(
        &self,
        low: NaiveDate,
        high: NaiveDate,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Vec<EntityId> {
        let view = self.view;
        let mut named = BTreeSet::new();
        for change in view.changes_between(low, high) {
            named.extend(change.kind.entities().iter().copied());
            match change.kind.target() {
                Some(Target::Designation(id)) => {
                    named.extend(view.designation(id).map(|d| d.record.entity));
                }
                Some(Target::Licence(id)) => {
                    for date in [from, to] {
                        if let Some(l) = view.licence_on(id, date) {
                            named.extend(l.terms.covers.iter().copied());
                        }
                    }
                }
                Some(Target::Link(id)) => {
                    named.extend(
                        view.link(id)
                            .map_or(Vec::new(), |l| l.record.entities.to_vec()),
                    );
                }
                // Relations and class measures move derived statuses, not listings.
                Some(Target::Relation(_) | Target::ClassMeasure(_)) | None => {}
            }
        }
        let mut touched = BTreeSet::new();
        for entity in named {
            for date in [from, to] {
                if let Ok(cluster) = self.cluster(entity, date) {
                    touched.extend(cluster.members);
                }
            }
        }
        touched.into_iter().collect()
    }

    /// The difference between the states on `from` and on `to` (either may be the later),
    /// subject by subject: [`View::diff`] for the designations and licences, and every
    /// subject whose status with an authority differs, the subject of an entity being its
    /// cluster on each date.
    ///
    /// [`View::diff`], then for each entity the changes in the range name and each member of
    /// its clusters on either date, O(m · k) per authority of the members.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia_linked.json")?)?;
    /// let now = ledger.current();
    /// let diff = now.clusters().diff("2025-09-10".parse()?, "2025-11-05".parse()?);
    /// let sdn_entry = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "44541"))[0];
    /// // One subject, Belavia, delisted by the US (its EU listing untouched), once.
    /// let belavia: Vec<_> = diff
    ///     .status_changes
    ///     .iter()
    ///     .filter(|c| c.cluster_after.contains(sdn_entry))
    ///     .map(|c| (c.authority.as_str(), c.before, c.after))
    ///     .collect();
    /// assert_eq!(belavia, [("US-OFAC", StatusKind::Listed, StatusKind::NotListed)]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn diff(&self, from: NaiveDate, to: NaiveDate) -> ClusterDiff<'a> {
        let (low, high) = if from <= to { (from, to) } else { (to, from) };
        let state = self.view.diff(from, to);
        let mut status_changes = Vec::new();
        let mut reported: BTreeSet<(Vec<EntityId>, Vec<EntityId>, Authority)> = BTreeSet::new();
        for entity in self.touched(low, high, from, to) {
            let Ok(entry) = self.view.known_entity(entity) else {
                continue;
            };
            let before = self.members_on(entity, entry, from);
            let after = self.members_on(entity, entry, to);
            let mut authorities = BTreeSet::new();
            for &(member, _) in before.members.iter().chain(&after.members) {
                authorities.extend(self.view.authorities_of(member));
            }
            let cluster_before = self.cluster_of(&before, from);
            let cluster_after = self.cluster_of(&after, to);
            for authority in authorities {
                let scope = Scope::Authority(&authority);
                let was = self.status_of(&before.members, scope, from).kind();
                let now = self.status_of(&after.members, scope, to).kind();
                if was == now {
                    continue;
                }
                let key = (
                    cluster_before.members.clone(),
                    cluster_after.members.clone(),
                    authority.clone(),
                );
                if reported.insert(key) {
                    status_changes.push(ClusterStatusChange {
                        cluster_before: cluster_before.clone(),
                        cluster_after: cluster_after.clone(),
                        authority,
                        before: was,
                        after: now,
                    });
                }
            }
        }
        status_changes.sort_by(|a, b| {
            (
                a.cluster_after.representative,
                a.cluster_before.representative,
                &a.authority,
            )
                .cmp(&(
                    b.cluster_after.representative,
                    b.cluster_before.representative,
                    &b.authority,
                ))
        });
        ClusterDiff {
            from,
            to,
            state,
            status_changes,
        }
    }
}
