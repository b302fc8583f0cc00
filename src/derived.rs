//! Derived status: an entity's standing with one authority on one date with every reason for
//! it (listed, blocked through ownership or control, caught by a class measure) and every
//! licence that relieves it; and the whole-ledger, two-date and per-entity forms of it.
//!
//! The result types only; [`View::derived_status`](crate::View::derived_status),
//! [`View::derived_state_on`](crate::View::derived_state_on),
//! [`View::derived_diff`](crate::View::derived_diff) and
//! [`View::derived_timeline`](crate::View::derived_timeline) compute them. Relations and class
//! measures in force, which they are derived from, are here too.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::authority::Authority;
use crate::class_measure::{ClassMeasureTerms, EntityClass};
use crate::error::Error;
use crate::id::{ChangeId, ClassMeasureId, DesignationId, EntityId, LicenceId, RelationId};
use crate::interval::Interval;
use crate::relation::{RelationKind, RelationTerms, Share};
use crate::status::StatusKind;

/// An entity's derived status with one authority on one date: what
/// [`View::derived_status`](crate::View::derived_status) answers.
///
/// Where [`Status`](crate::Status) says whether the entity is on the authority's list, this
/// says whether the authority's measures reach it and why: listed by which designations,
/// blocked through which owners or controllers (each blocked, with the stakes added up),
/// caught by which class measures; and which licences relieve it, by name or because they
/// cover the entities their named ones own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DerivedStatus {
    /// The strongest reason, and whether a licence relieves the entity.
    pub kind: DerivedKind,
    /// Every reason the entity is caught, sorted: its designations in force (blocking or
    /// not), then its blocked owners and controllers, then the class measures whose class it
    /// is in. Empty when nothing catches it.
    pub reasons: Vec<Reason>,
    /// For every blocked owner or controller that a reason names, directly or through
    /// another's reasons: why it is blocked (its blocking designations, its own blocked owners
    /// and controllers). Each entity once, so a cycle of ownership appears as entities naming
    /// each other; [`DerivedStatus::chains`] walks it.
    pub owners: BTreeMap<EntityId, Vec<Reason>>,
    /// The licences of the authority in force that relieve the entity, sorted; empty unless a
    /// reason catches it (a licence relieves nothing by itself).
    pub licences: Vec<Relief>,
}

impl DerivedStatus {
    /// The kind, as [`DerivedStatus::kind`] holds it.
    #[must_use]
    pub fn kind(&self) -> DerivedKind {
        self.kind
    }

    /// The entity's own designations in force, sorted.
    pub fn designations(&self) -> impl Iterator<Item = DesignationId> + '_ {
        self.reasons.iter().filter_map(|r| match r {
            Reason::Listed { designation } => Some(*designation),
            _ => None,
        })
    }

    /// The ids of the licences that relieve the entity, sorted.
    pub fn licence_ids(&self) -> impl Iterator<Item = LicenceId> + '_ {
        self.licences.iter().map(|r| r.licence)
    }

    /// Every chain of blocked owners and controllers from the entity up to a blocking
    /// designation: the first link is a stake in (or control of) the entity, each next link a
    /// stake in the previous owner, and the last owner is listed by `designation`. No chain
    /// passes an entity twice. Sorted.
    ///
    /// The number of chains can grow exponentially with the depth of a shared ownership
    /// structure; the reasons and [`DerivedStatus::owners`] hold the same facts in linear size.
    #[must_use]
    pub fn chains(&self) -> Vec<Chain> {
        let mut chains = Vec::new();
        let mut path = Vec::new();
        let mut on_path = Vec::new();
        walk(
            &self.reasons,
            &self.owners,
            &mut path,
            &mut on_path,
            &mut chains,
        );
        chains.sort();
        chains
    }
}

/// Extends `path` through the owners and controllers that `reasons` name.
fn walk(
    reasons: &[Reason],
    owners: &BTreeMap<EntityId, Vec<Reason>>,
    path: &mut Vec<ChainLink>,
    on_path: &mut Vec<EntityId>,
    chains: &mut Vec<Chain>,
) {
    let links = reasons.iter().flat_map(|reason| -> Vec<ChainLink> {
        match reason {
            Reason::Owned { stakes, .. } => stakes
                .iter()
                .map(|s| ChainLink {
                    owner: s.owner,
                    relation: s.relation,
                    share: Some(s.share),
                })
                .collect(),
            Reason::Controlled {
                controller,
                relation,
            } => vec![ChainLink {
                owner: *controller,
                relation: *relation,
                share: None,
            }],
            Reason::Listed { .. } | Reason::ClassMeasure { .. } => Vec::new(),
        }
    });
    for link in links {
        if on_path.contains(&link.owner) {
            continue;
        }
        let Some(owner_reasons) = owners.get(&link.owner) else {
            continue;
        };
        path.push(link);
        on_path.push(link.owner);
        for reason in owner_reasons {
            if let Reason::Listed { designation } = reason {
                chains.push(Chain {
                    links: path.clone(),
                    designation: *designation,
                });
            }
        }
        walk(owner_reasons, owners, path, on_path, chains);
        path.pop();
        on_path.pop();
    }
}

/// One chain of [`DerivedStatus::chains`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Chain {
    /// From the entity upwards: who holds it, then who holds that one, …
    pub links: Vec<ChainLink>,
    /// The blocking designation of the last owner in the chain.
    pub designation: DesignationId,
}

/// One step of a [`Chain`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChainLink {
    /// The owner or controller.
    pub owner: EntityId,
    /// The relation.
    pub relation: RelationId,
    /// The share it holds, or `None` for a control.
    pub share: Option<Share>,
}

/// Why an authority's measures reach an entity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// A designation of the entity by the authority is in force. In [`DerivedStatus::owners`],
    /// only blocking designations are given (those that make what the owner owns blocked).
    Listed {
        /// The designation.
        designation: DesignationId,
    },
    /// Blocked owners hold enough of the entity under the authority's
    /// [`OwnershipRule`](crate::OwnershipRule) (the "50% rule").
    Owned {
        /// The designated person whose holdings, direct or through entities it owns or
        /// controls, are added up, when the rule adds up one person's holdings only (the UK);
        /// `None` when the stakes of all blocked owners are added up (OFAC, the EU).
        designated_person: Option<EntityId>,
        /// The stakes added up, sorted by owner: each held by a blocked owner (or by one in the
        /// designated person's group).
        stakes: Vec<Stake>,
        /// Their sum.
        aggregate: Share,
    },
    /// A blocked person controls the entity, and the authority's rule counts control.
    Controlled {
        /// The controller.
        controller: EntityId,
        /// The relation.
        relation: RelationId,
    },
    /// The entity is in the class of a class measure of the authority in force.
    ClassMeasure {
        /// The class measure.
        measure: ClassMeasureId,
    },
}

/// One stake of a [`Reason::Owned`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Stake {
    /// The blocked owner.
    pub owner: EntityId,
    /// The ownership relation.
    pub relation: RelationId,
    /// The share counted: the relation's share on the date, a range by its lower bound.
    pub share: Share,
}

/// A licence that relieves an entity: by naming it, or because it covers the entities that
/// its named ones own ([`LicenceTerms::covers_owned_entities`](crate::LicenceTerms::covers_owned_entities)).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Relief {
    /// The licence.
    pub licence: LicenceId,
    /// Empty when the licence names the entity; otherwise the entities the licence names
    /// that own it (50% or more, in aggregate, directly or indirectly), sorted.
    pub through: Vec<EntityId>,
}

/// The kind of a [`DerivedStatus`], in text `not-listed`, `listed`, `listed-licensed`,
/// `blocked-by-ownership`, `blocked-by-ownership-licensed`, `class-measure` or
/// `class-measure-licensed`.
///
/// The strongest reason names it: the entity's own listing, then a block through ownership or
/// control, then a class measure. `listed`, `listed-licensed` and `not-listed` mean what they
/// mean for a [`StatusKind`]: an entity is `not-listed` here only if nothing catches it at all.
///
/// # Example
///
/// ```
/// use sanctions_ledger::{DerivedKind, StatusKind};
///
/// let kind: DerivedKind = "blocked-by-ownership-licensed".parse()?;
/// assert!(kind.is_licensed() && kind.is_caught());
/// assert_eq!(kind.listing(), StatusKind::NotListed);
/// assert_eq!(DerivedKind::ClassMeasure.to_string(), "class-measure");
/// # Ok::<(), sanctions_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DerivedKind {
    /// Nothing of the authority catches the entity.
    NotListed,
    /// Listed by the authority, and no licence relieves it.
    Listed,
    /// Listed, and a licence of the authority relieves it.
    ListedLicensed,
    /// Not listed, but owned or controlled by blocked persons under the authority's rule.
    BlockedByOwnership,
    /// Blocked through ownership or control, and a licence relieves it.
    BlockedByOwnershipLicensed,
    /// Neither listed nor blocked, but in the class of a class measure in force.
    ClassMeasure,
    /// Caught by a class measure only, and a licence relieves it.
    ClassMeasureLicensed,
}

impl DerivedKind {
    /// Every kind, in order.
    pub const ALL: [DerivedKind; 7] = [
        DerivedKind::NotListed,
        DerivedKind::Listed,
        DerivedKind::ListedLicensed,
        DerivedKind::BlockedByOwnership,
        DerivedKind::BlockedByOwnershipLicensed,
        DerivedKind::ClassMeasure,
        DerivedKind::ClassMeasureLicensed,
    ];

    /// The text form.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            DerivedKind::NotListed => "not-listed",
            DerivedKind::Listed => "listed",
            DerivedKind::ListedLicensed => "listed-licensed",
            DerivedKind::BlockedByOwnership => "blocked-by-ownership",
            DerivedKind::BlockedByOwnershipLicensed => "blocked-by-ownership-licensed",
            DerivedKind::ClassMeasure => "class-measure",
            DerivedKind::ClassMeasureLicensed => "class-measure-licensed",
        }
    }

    /// Whether something catches the entity (anything but `not-listed`).
    #[must_use]
    pub fn is_caught(self) -> bool {
        self != DerivedKind::NotListed
    }

    /// Whether a licence relieves the entity.
    #[must_use]
    pub fn is_licensed(self) -> bool {
        matches!(
            self,
            DerivedKind::ListedLicensed
                | DerivedKind::BlockedByOwnershipLicensed
                | DerivedKind::ClassMeasureLicensed
        )
    }

    /// The listing status alone: what [`View::status`](crate::View::status) answers for the
    /// same question.
    #[must_use]
    pub fn listing(self) -> StatusKind {
        match self {
            DerivedKind::Listed => StatusKind::Listed,
            DerivedKind::ListedLicensed => StatusKind::ListedLicensed,
            _ => StatusKind::NotListed,
        }
    }

    /// The kind for the strongest reason that holds, licensed or not.
    pub(crate) fn of(strongest: Strongest, licensed: bool) -> DerivedKind {
        match (strongest, licensed) {
            (Strongest::Listing, false) => DerivedKind::Listed,
            (Strongest::Listing, true) => DerivedKind::ListedLicensed,
            (Strongest::Ownership, false) => DerivedKind::BlockedByOwnership,
            (Strongest::Ownership, true) => DerivedKind::BlockedByOwnershipLicensed,
            (Strongest::ClassMeasure, false) => DerivedKind::ClassMeasure,
            (Strongest::ClassMeasure, true) => DerivedKind::ClassMeasureLicensed,
            (Strongest::Nothing, _) => DerivedKind::NotListed,
        }
    }
}

/// The strongest kind of reason that catches an entity, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Strongest {
    Nothing,
    ClassMeasure,
    Ownership,
    Listing,
}

impl DerivedKind {
    /// The kinds in the order the reasons rank: for tests.
    #[cfg(test)]
    fn strongest(self) -> Strongest {
        match self {
            DerivedKind::NotListed => Strongest::Nothing,
            DerivedKind::Listed | DerivedKind::ListedLicensed => Strongest::Listing,
            DerivedKind::BlockedByOwnership | DerivedKind::BlockedByOwnershipLicensed => {
                Strongest::Ownership
            }
            DerivedKind::ClassMeasure | DerivedKind::ClassMeasureLicensed => {
                Strongest::ClassMeasure
            }
        }
    }
}

impl fmt::Display for DerivedKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DerivedKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        DerivedKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| Error::Parse {
                what: "DerivedKind",
                input: s.to_owned(),
                reason: "expected not-listed, listed, listed-licensed, blocked-by-ownership, \
                         blocked-by-ownership-licensed, class-measure or class-measure-licensed"
                    .to_owned(),
            })
    }
}

/// One (entity, authority) pair that something catches on a date, with its derived status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DerivedEntry {
    /// The entity.
    pub entity: EntityId,
    /// The authority.
    pub authority: Authority,
    /// Its derived status (never `not-listed`).
    pub status: DerivedStatus,
}

/// Every (entity, authority) pair that something catches on one date: what
/// [`View::derived_state_on`](crate::View::derived_state_on) answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DerivedState {
    /// The date.
    pub date: NaiveDate,
    /// The caught pairs, sorted by entity, then authority.
    pub entries: Vec<DerivedEntry>,
}

impl DerivedState {
    /// The derived kind of `entity` with `authority` in this state: `not-listed` when the pair
    /// is not in it (which, as for [`State::status`](crate::State::status), does not tell an
    /// unknown id from an entity nothing catches).
    ///
    /// O(log n).
    #[must_use]
    pub fn kind(&self, entity: EntityId, authority: &Authority) -> DerivedKind {
        self.entries
            .binary_search_by(|e| (e.entity, &e.authority).cmp(&(entity, authority)))
            .map_or(DerivedKind::NotListed, |i| self.entries[i].status.kind)
    }

    /// The pairs whose derived kind differs between this state and `later`.
    #[must_use]
    pub fn diff(&self, later: &DerivedState) -> DerivedDiff {
        let kinds = |state: &DerivedState| -> BTreeMap<(EntityId, Authority), DerivedKind> {
            state
                .entries
                .iter()
                .map(|e| ((e.entity, e.authority.clone()), e.status.kind))
                .collect()
        };
        let (before, after) = (kinds(self), kinds(later));
        let mut pairs: Vec<&(EntityId, Authority)> = before.keys().chain(after.keys()).collect();
        pairs.sort();
        pairs.dedup();
        let changes = pairs
            .into_iter()
            .filter_map(|pair| {
                let was = before.get(pair).copied().unwrap_or(DerivedKind::NotListed);
                let now = after.get(pair).copied().unwrap_or(DerivedKind::NotListed);
                (was != now).then(|| DerivedChange {
                    entity: pair.0,
                    authority: pair.1.clone(),
                    before: was,
                    after: now,
                })
            })
            .collect();
        DerivedDiff {
            from: self.date,
            to: later.date,
            changes,
        }
    }
}

/// The pairs whose derived kind differs between two dates: what
/// [`View::derived_diff`](crate::View::derived_diff) answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DerivedDiff {
    /// The first date.
    pub from: NaiveDate,
    /// The second date.
    pub to: NaiveDate,
    /// Every pair whose kind differs, sorted by entity, then authority.
    pub changes: Vec<DerivedChange>,
}

/// One (entity, authority) pair whose derived kind differs between two dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DerivedChange {
    /// The entity.
    pub entity: EntityId,
    /// The authority.
    pub authority: Authority,
    /// Its kind on the first date.
    pub before: DerivedKind,
    /// Its kind on the second date.
    pub after: DerivedKind,
}

/// An entity's history of derived statuses, per authority: what
/// [`View::derived_timeline`](crate::View::derived_timeline) answers.
///
/// As in a [`Timeline`](crate::Timeline), periods are sorted, disjoint, half-open, and only
/// cover dates on which something catches the entity; two adjacent periods differ in kind. A
/// derived period opens when an ownership or the owner's listing begins and closes when either
/// ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DerivedTimeline {
    /// The entity.
    pub entity: EntityId,
    /// One entry per authority that catches the entity on some date, sorted by authority.
    pub authorities: Vec<DerivedAuthorityTimeline>,
}

impl DerivedTimeline {
    /// The derived kind on `date` with `authority`, as the timeline tells it.
    ///
    /// O(a + log p).
    #[must_use]
    pub fn kind_on(&self, authority: &Authority, date: NaiveDate) -> DerivedKind {
        self.authorities
            .iter()
            .find(|t| t.authority == *authority)
            .map_or(DerivedKind::NotListed, |t| t.kind_on(date))
    }
}

/// An entity's derived periods with one authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DerivedAuthorityTimeline {
    /// The authority.
    pub authority: Authority,
    /// The periods, sorted by date.
    pub periods: Vec<DerivedPeriod>,
}

impl DerivedAuthorityTimeline {
    /// The derived kind on `date`.
    ///
    /// O(log p).
    #[must_use]
    pub fn kind_on(&self, date: NaiveDate) -> DerivedKind {
        let after = self.periods.partition_point(|p| p.dates.from <= date);
        match after.checked_sub(1).map(|i| &self.periods[i]) {
            Some(p) if p.dates.contains(date) => p.kind,
            _ => DerivedKind::NotListed,
        }
    }
}

/// A maximal run of days with one derived kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DerivedPeriod {
    /// Anything but `not-listed`.
    pub kind: DerivedKind,
    /// Its days, `[from, until)`; serialised as the `from` and `until` fields of the period.
    #[serde(flatten)]
    pub dates: Interval,
    /// The changes effective on `dates.from` that concern the entity's derived status with
    /// the authority: designations (and their amendments, for its owners), delistings,
    /// relations of its owners and controllers, licences naming any of them, class measures
    /// of the authority and, when the authority has one, the entity's own facts. Empty when
    /// the period opens because the authority's rule changed
    /// ([`OwnershipRule::changes_of`](crate::OwnershipRule::changes_of)).
    pub opened_by: Vec<ChangeId>,
    /// The same for `dates.until`.
    pub closed_by: Vec<ChangeId>,
}

/// A relation in force on a date, with its terms as amended by then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RelationInForce {
    /// What it is.
    pub kind: RelationKind,
    /// The owner, controller, …
    pub subject: EntityId,
    /// The owned, controlled, …
    pub object: EntityId,
    /// The terms in force on the date.
    pub terms: RelationTerms,
    /// The date it began.
    pub since: NaiveDate,
    /// The change that began it.
    pub begun_by: ChangeId,
}

/// A class measure in force on a date, with its terms as amended by then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClassMeasureInForce {
    /// The authority.
    pub authority: Authority,
    /// The class.
    pub class: EntityClass,
    /// The terms in force on the date.
    pub terms: ClassMeasureTerms,
    /// The date it was imposed.
    pub since: NaiveDate,
    /// The change that imposed it.
    pub imposed_by: ChangeId,
}

#[cfg(test)]
mod tests {
    use super::{DerivedKind, Strongest};

    #[test]
    fn every_kind_has_its_text_and_its_rank() {
        for kind in DerivedKind::ALL {
            assert_eq!(kind.as_str().parse::<DerivedKind>().unwrap(), kind);
            assert_eq!(DerivedKind::of(kind.strongest(), kind.is_licensed()), kind);
            assert_eq!(kind.is_caught(), kind.strongest() != Strongest::Nothing);
        }
        assert!("listed ".parse::<DerivedKind>().is_err());
        assert_eq!(
            DerivedKind::of(Strongest::Nothing, true),
            DerivedKind::NotListed
        );
    }
}
