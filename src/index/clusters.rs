//! The components of the link graph, each in one place: for every entity some link joins to
//! another, the entities linked to it transitively by any link ever indexed (whatever its dates
//! and whether it is retracted), with copies of their listings, the licences naming them, and
//! the link events among them.
//!
//! A cluster on a date (see [`Cluster`](crate::Cluster)) is a part of one component: the
//! members the links in force then join. So the status of an entity's cluster reads one
//! component, found by one hash lookup, instead of looking up each member's own index in turn;
//! the walk over the links in force and the filter of the listings run over small contiguous
//! vectors, and the members in the cluster are a bitmask.
//!
//! A component is rebuilt from the entities' own indexes (their listings, licences and link
//! events, which stay the source) whenever a change that names one of its members is indexed
//! or rolled back, or retracted or un-retracted ([`Index::refresh_clusters`]): linked entities
//! are a small part of a ledger, and rebuilding keeps the copies obviously in step.

use chrono::NaiveDate;

use super::{sees_event, Index, Listing, ScopeIx};
use crate::id::{DesignationId, EntityId, LicenceId, LinkId};
use crate::list::Scope;
use crate::log::Log;

/// Entity ids to their number in a component or to their component, hashed with foldhash as the
/// index's other id-keyed maps are.
type IdMap<V> = foldhash::HashMap<EntityId, V>;

/// One link starting or ending, between two members of a component (indexes into its members).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MemberLink {
    link: LinkId,
    a: u32,
    b: u32,
    at: u32,
    retracted_at: u32,
    date: NaiveDate,
    ends: bool,
}

/// The entities linked to each other by any link indexed, and copies of what the status of a
/// cluster of them reads.
#[derive(Debug, Clone, Default)]
struct Component {
    /// In the order the rebuild reached them.
    members: Vec<EntityId>,
    links: Vec<MemberLink>,
    /// Every member's listings, each with the member's index.
    listings: Vec<(u32, Listing)>,
    /// The licences naming each member, with the position of the issue or amendment that names
    /// it, and the member's index.
    licences: Vec<(u32, LicenceId, usize)>,
}

/// Every component, and the component of each linked entity.
#[derive(Debug, Clone, Default)]
pub(super) struct Components {
    of: IdMap<u32>,
    /// By number; an emptied slot (no members) is reused.
    all: Vec<Component>,
    free: Vec<u32>,
}

impl Components {
    /// Forgets the component numbered `slot`; returns its members.
    fn take(&mut self, slot: u32) -> Vec<EntityId> {
        let component = std::mem::take(&mut self.all[slot as usize]);
        for member in &component.members {
            self.of.remove(member);
        }
        self.free.push(slot);
        component.members
    }

    /// Stores a component; returns its number.
    fn put(&mut self, component: Component) -> u32 {
        let slot = if let Some(slot) = self.free.pop() {
            self.all[slot as usize] = component;
            slot
        } else {
            self.all.push(component);
            super::compact(self.all.len() - 1)
        };
        for member in &self.all[slot as usize].members {
            self.of.insert(*member, slot);
        }
        slot
    }
}

impl Index {
    /// Rebuilds the components of the entities the change at `at` names (or, for a retraction,
    /// the change it retracts), after the change was indexed or before the log drops it: their
    /// listings, licences or links may have changed.
    pub(super) fn refresh_clusters(&mut self, log: &Log, at: usize) {
        let kind = &log[at].kind;
        let target = kind.retracts().and_then(|id| log.position(id));
        for kind in std::iter::once(kind).chain(target.map(|t| &log[t].kind)) {
            for &entity in kind.entities() {
                self.refresh_cluster(entity);
            }
            if let Some(entity) = kind
                .designation()
                .and_then(|d| self.designation_entity(log, d))
            {
                self.refresh_cluster(entity);
            }
            if let Some(link) = kind.link() {
                let pair = self.link_positions(link).and_then(|positions| {
                    positions.iter().find_map(|&p| match &log[p].kind {
                        crate::change::ChangeKind::Link { record, .. } => Some(record.entities),
                        _ => None,
                    })
                });
                for entity in pair.into_iter().flatten() {
                    self.refresh_cluster(entity);
                }
            }
        }
    }

    /// Rebuilds the component of `entity`, and of every entity that shared it (a removed link
    /// may split it).
    fn refresh_cluster(&mut self, entity: EntityId) {
        let linked = self
            .entities
            .get(&entity)
            .is_some_and(|e| !e.links().is_empty());
        let old = self.clusters.of.get(&entity).copied();
        if !linked && old.is_none() {
            return;
        }
        let mut todo = old.map_or_else(Vec::new, |slot| self.clusters.take(slot));
        todo.push(entity);
        for e in todo {
            if !self.clusters.of.contains_key(&e) {
                self.build_component(e);
            }
        }
    }

    /// Gathers and stores the component of `start`, if it is linked to anything.
    fn build_component(&mut self, start: EntityId) {
        let mut members = vec![start];
        let mut number: IdMap<u32> = IdMap::default();
        number.insert(start, 0);
        let mut links = Vec::new();
        let mut next = 0;
        while next < members.len() {
            let a = super::compact(next);
            if let Some(index) = self.entities.get(&members[next]) {
                for l in index.links() {
                    let b = *number.entry(l.other).or_insert_with(|| {
                        members.push(l.other);
                        super::compact(members.len() - 1)
                    });
                    // Each event is in both entities' lists: keep it once.
                    if a < b {
                        links.push(MemberLink {
                            link: l.link,
                            a,
                            b,
                            at: l.at,
                            retracted_at: l.retracted_at,
                            date: l.date,
                            ends: l.ends,
                        });
                    }
                }
            }
            next += 1;
        }
        if members.len() < 2 {
            return;
        }
        let mut listings = Vec::new();
        let mut licences = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let i = super::compact(i);
            if let Some(index) = self.entities.get(member) {
                listings.extend(index.listings.iter().map(|l| (i, *l)));
                licences.extend(index.licences().iter().map(|&(id, at)| (i, id, at)));
            }
        }
        self.clusters.put(Component {
            members,
            links,
            listings,
            licences,
        });
    }

    /// The component of `entity`, if some link (in any view) joins it to another entity.
    #[inline]
    pub(crate) fn component(&self, entity: EntityId) -> Option<ComponentEntry<'_>> {
        let slot = *self.clusters.of.get(&entity)?;
        Some(ComponentEntry {
            index: self,
            component: &self.clusters.all[slot as usize],
        })
    }
}

/// One component of the link graph, read through a view's cut.
#[derive(Clone, Copy)]
pub(crate) struct ComponentEntry<'a> {
    index: &'a Index,
    component: &'a Component,
}

impl<'a> ComponentEntry<'a> {
    /// The member numbered `i`.
    #[inline]
    pub(crate) fn member(self, i: u32) -> EntityId {
        self.component.members[i as usize]
    }

    /// The members of `entity`'s cluster on `date`, as seen below `cut`: bit `i` for the member
    /// numbered `i`. `None` when `entity` is not a member, or the component has more members
    /// or link events than a mask holds (the caller walks the links itself).
    pub(crate) fn cluster_on(self, entity: EntityId, date: NaiveDate, cut: usize) -> Option<u64> {
        let members = &self.component.members;
        let links = &self.component.links;
        if members.len() > 64 || links.len() > 64 {
            return None;
        }
        let me = members.iter().position(|m| *m == entity)?;
        // The link starts in force on the date, as a mask over the link events.
        let mut in_force = 0_u64;
        for (i, start) in links.iter().enumerate() {
            if !start.ends
                && start.date <= date
                && sees_event(cut, start.at, start.retracted_at)
                && !links.iter().any(|end| {
                    end.ends
                        && end.link == start.link
                        && end.date <= date
                        && sees_event(cut, end.at, end.retracted_at)
                })
            {
                in_force |= 1 << i;
            }
        }
        let mut mask = 1_u64 << me;
        loop {
            let before = mask;
            let mut bits = in_force;
            while bits != 0 {
                let link = &links[bits.trailing_zeros() as usize];
                bits &= bits - 1;
                let both = (1_u64 << link.a) | (1_u64 << link.b);
                if mask & both != 0 {
                    mask |= both;
                }
            }
            if mask == before {
                return Some(mask);
            }
        }
    }

    /// The designations in `scope` in force on `date` of the members in `mask`, as seen below
    /// `cut`, each with its member's number: [`EntityEntry::listed`](super::EntityEntry::listed)
    /// over the members at once.
    pub(crate) fn listed(
        self,
        mask: u64,
        scope: Scope<'_>,
        date: NaiveDate,
        cut: usize,
    ) -> impl Iterator<Item = (u32, DesignationId)> + 'a {
        let (listings, scope) = match self.index.scope_index(scope) {
            Some(ix) => (&self.component.listings[..], ix),
            None => (&[][..], ScopeIx::Authority(0)),
        };
        listings
            .iter()
            .filter(move |(member, l)| {
                mask & (1 << member) != 0
                    && !l.ends
                    && scope.contains(l.authority, l.list)
                    && l.date <= date
                    && sees_event(cut, l.at, l.retracted_at)
            })
            .filter(move |(_, start)| {
                !listings.iter().any(|(_, end)| {
                    end.ends
                        && end.designation == start.designation
                        && end.date <= date
                        && sees_event(cut, end.at, end.retracted_at)
                })
            })
            .map(|(member, l)| (*member, l.designation))
    }

    /// The licences naming the members in `mask`, each with its member's number and the
    /// position of the issue or amendment that names it (the caller checks what it sees).
    pub(crate) fn licences(self, mask: u64) -> impl Iterator<Item = (u32, LicenceId, usize)> + 'a {
        self.component
            .licences
            .iter()
            .filter(move |(member, _, _)| mask & (1 << member) != 0)
            .copied()
    }
}

/// A text form of the components, independent of their numbering, for the index's canonical
/// form.
#[cfg(test)]
impl Components {
    pub(super) fn canonical(&self) -> String {
        let mut all: Vec<String> = self
            .all
            .iter()
            .filter(|c| !c.members.is_empty())
            .map(|c| {
                let mut members = c.members.clone();
                members.sort_unstable();
                let name = |i: u32| c.members[i as usize];
                let mut links: Vec<String> = c
                    .links
                    .iter()
                    .map(|l| {
                        let (a, b) = (name(l.a).min(name(l.b)), name(l.a).max(name(l.b)));
                        format!(
                            "{a:?} {b:?} {:?} {} {} {}",
                            l.link, l.at, l.retracted_at, l.ends
                        )
                    })
                    .collect();
                links.sort();
                let mut listings: Vec<String> = c
                    .listings
                    .iter()
                    .map(|(m, l)| {
                        format!(
                            "{:?} {:?}",
                            name(*m),
                            (l.designation, l.at, l.retracted_at, l.ends)
                        )
                    })
                    .collect();
                listings.sort();
                let mut licences: Vec<String> = c
                    .licences
                    .iter()
                    .map(|(m, id, at)| format!("{:?} {id:?} {at}", name(*m)))
                    .collect();
                licences.sort();
                format!("{members:?} {links:?} {listings:?} {licences:?}")
            })
            .collect();
        all.sort();
        let mut of: Vec<String> = self.of.keys().map(|e| format!("{e:?}")).collect();
        of.sort();
        format!("{all:?} {of:?}")
    }
}
