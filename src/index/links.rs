//! The index of links: per link id, the positions of the changes that name it; per entity, the
//! starts and ends of the links that join it to others, compact like its listings, so that
//! the cluster of an entity on a date is read without reading any change.
//!
//! The events of one link are rebuilt from its changes whenever one of them is appended,
//! rolled back, retracted or un-retracted ([`Index::refresh_link`]): links are few beside
//! designations, and rebuilding keeps the encoding obviously in step with the log.

use chrono::NaiveDate;

use super::{compact, sees_event, EntityEntry, EntityIndex, Index, NOT_RETRACTED};
use crate::change::ChangeKind;
use crate::id::{EntityId, LinkId};
use crate::log::Log;

/// One link of an entity starting or ending, as the entity's index holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct LinkEvent {
    pub(super) link: LinkId,
    /// The entity at the other end.
    pub(super) other: EntityId,
    pub(super) at: u32,
    pub(super) retracted_at: u32,
    pub(super) date: NaiveDate,
    /// `true` for an unlink, `false` for the link.
    pub(super) ends: bool,
}

impl Index {
    /// Indexes the `Link` or `Unlink` at `at`.
    pub(super) fn index_link(&mut self, log: &Log, at: usize) {
        let Some(link) = log[at].kind.link() else {
            return;
        };
        super::push_small(self.links.entry(link).or_default(), at);
        self.refresh_link(log, link, usize::MAX);
    }

    /// Undoes [`Index::index_link`] for the change at `at`, the last one indexed (the log
    /// still holds it).
    pub(super) fn remove_link(&mut self, log: &Log, at: usize) {
        let Some(link) = log[at].kind.link() else {
            return;
        };
        if let Some(positions) = self.links.get_mut(&link) {
            positions.retain(|&p| p != at);
            if positions.is_empty() {
                self.links.remove(&link);
            }
        }
        self.refresh_link(log, link, at);
    }

    /// After the change at `target_at` was retracted, or its retraction rolled back: rebuilds
    /// the events of its link, if it acts on one.
    pub(super) fn refresh_link_of(&mut self, log: &Log, target_at: usize) {
        if let Some(link) = log[target_at].kind.link() {
            self.refresh_link(log, link, usize::MAX);
        }
    }

    /// Rebuilds the events of `link` on both of its entities from its changes, leaving out the
    /// change at `excluded` (one being rolled back) and any retraction at `excluded`.
    fn refresh_link(&mut self, log: &Log, link: LinkId, excluded: usize) {
        let positions: Vec<usize> = self.links.get(&link).cloned().unwrap_or_default();
        // The two entities, from any creation of the link, the one rolled back included (every
        // creation of one link id names the same two: the rules see to it).
        let pair = positions
            .iter()
            .copied()
            .chain((excluded < log.len()).then_some(excluded))
            .find_map(|at| match &log[at].kind {
                ChangeKind::Link { link: id, record } if *id == link => Some(record.entities),
                _ => None,
            });
        let Some([a, b]) = pair else {
            return;
        };
        for entity in [a, b] {
            if let Some(index) = self.entities.get_mut(&entity) {
                index.retain_rare(|_| true, |e| e.link != link);
            }
        }
        for &at in positions.iter().filter(|&&at| at != excluded) {
            let ends = match &log[at].kind {
                ChangeKind::Link { .. } => false,
                ChangeKind::Unlink { .. } => true,
                _ => continue,
            };
            let retracted_at = self
                .retracted_by
                .get(at)
                .filter(|&by| by != excluded)
                .map_or(NOT_RETRACTED, compact);
            for (entity, other) in [(a, b), (b, a)] {
                self.entities
                    .entry(entity)
                    .or_default()
                    .rare_mut()
                    .links
                    .push(LinkEvent {
                        link,
                        other,
                        at: compact(at),
                        retracted_at,
                        date: log[at].effective,
                        ends,
                    });
            }
        }
        for entity in [a, b] {
            if self
                .entities
                .get(&entity)
                .is_some_and(EntityIndex::is_empty)
            {
                self.entities.remove(&entity);
            }
        }
    }

    /// Positions of the changes naming the link, in log order.
    #[inline]
    pub(crate) fn link_positions(&self, id: LinkId) -> Option<&[usize]> {
        self.links.get(&id).map(|l| &l[..])
    }

    /// The links that name `entity`, retracted or not, with repeats.
    pub(crate) fn links_naming(&self, entity: EntityId) -> impl Iterator<Item = LinkId> + '_ {
        self.entities
            .get(&entity)
            .into_iter()
            .flat_map(|e| e.links().iter().map(|l| l.link))
    }
}

impl<'a> EntityEntry<'a> {
    /// The links of the entity in force on `date` as seen by a view of the changes below
    /// `cut`, each with the entity at its other end. Reads no change and allocates nothing.
    #[inline]
    pub(crate) fn links_on(
        self,
        date: NaiveDate,
        cut: usize,
    ) -> impl Iterator<Item = (LinkId, EntityId)> + 'a {
        let events = self.entry.links();
        events
            .iter()
            .filter(move |l| !l.ends && l.date <= date && sees_event(cut, l.at, l.retracted_at))
            .filter(move |start| {
                !events.iter().any(|end| {
                    end.ends
                        && end.link == start.link
                        && end.date <= date
                        && sees_event(cut, end.at, end.retracted_at)
                })
            })
            .map(|l| (l.link, l.other))
    }

    /// Every link of the entity seen below `cut`, whatever its dates, with the entity at its
    /// other end, and its period `[start, end)` (`None`: open).
    pub(crate) fn links_seen(
        self,
        cut: usize,
    ) -> impl Iterator<Item = (LinkId, EntityId, NaiveDate, Option<NaiveDate>)> + 'a {
        let events = self.entry.links();
        events
            .iter()
            .filter(move |l| !l.ends && sees_event(cut, l.at, l.retracted_at))
            .map(move |start| {
                let end = events
                    .iter()
                    .find(|end| {
                        end.ends
                            && end.link == start.link
                            && sees_event(cut, end.at, end.retracted_at)
                    })
                    .map(|end| end.date);
                (start.link, start.other, start.date, end)
            })
    }

    /// Whether the entity has any link event at all (seen or not by any view): the cheap test
    /// that lets an entity never linked skip the cluster walk.
    #[inline]
    pub(crate) fn has_links(self) -> bool {
        !self.entry.links().is_empty()
    }
}
