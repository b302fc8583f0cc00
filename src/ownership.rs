//! Each authority's rule for what ownership and control make blocked ([`OwnershipRule`]), and
//! the computation that applies one to a small graph of owners.
//!
//! The graph is what [`View::derived_status`](crate::View::derived_status) gathers for one
//! entity on one date: the entity, every owner and controller above it through relations in
//! force (each entity once, so cycles end the walk), which of them a blocking designation
//! lists, and the relations between them. [`spread`] computes the least fixed point of "blocked
//! if listed, or owned (in aggregate) or controlled by blocked entities": a worklist from the
//! listed entities downwards, each relation followed once, so it terminates on any graph, and
//! an ownership cycle with no listed entity in it blocks nobody.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::authority::Authority;
use crate::index::Edge;

/// How much of an entity blocked persons must own for the entity to be blocked too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Threshold {
    /// At least this many hundredths of a percent (OFAC's "50 percent or more").
    AtLeast(u16),
    /// More than this many hundredths of a percent (a majority: "more than 50%").
    MoreThan(u16),
}

impl Threshold {
    /// Whether a stake of `hundredths` meets the threshold.
    #[must_use]
    pub fn met_by(self, hundredths: u32) -> bool {
        match self {
            Threshold::AtLeast(t) => hundredths >= u32::from(t),
            Threshold::MoreThan(t) => hundredths > u32::from(t),
        }
    }
}

/// Whose stakes are added up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Aggregation {
    /// The stakes of every blocked owner are added up, whoever listed them (OFAC; the EU).
    AllBlockedOwners,
    /// Only the stakes of one designated person, held directly or through entities it owns or
    /// controls, are added up; two designated persons' stakes are not (the UK).
    PerDesignatedPerson,
}

/// An authority's rule for entities that are not listed but owned or controlled by listed ones.
///
/// The rules of the authorities that publish one, as
/// [`OwnershipRule::for_authority`] gives them (each a constant here):
///
/// | authority | rule | source |
/// |---|---|---|
/// | US OFAC | [`OFAC`](OwnershipRule::OFAC): blocked if blocked persons own 50% or more in aggregate, directly or indirectly; control alone does not block | OFAC, *Revised Guidance on Entities Owned by Persons Whose Property and Interests in Property Are Blocked*, 2014-08-13 |
/// | EU, before 2024-07-03 | [`EU_MAJORITY`](OwnershipRule::EU_MAJORITY): more than 50%, listed persons' stakes added up; or control | Council, *EU Best Practices for the effective implementation of restrictive measures* (2022); Commission FAQ on aggregated ownership, 2022-04-08 |
/// | EU, from 2024-07-03 | [`EU`](OwnershipRule::EU): 50% or more, added up; or control | Council, update of the EU Best Practices published 2024-07-03 (anticipated in recital 28 of Council Regulation (EU) 2024/1745, the 14th package; the change from "more than 50%" is described by DLA Piper, *Changes to the EU Sanctions Best Practices*, 2024-08-06, and Skadden, *EU Updates Sanctions Best Practices*, 2024-09) |
/// | UK | [`UK`](OwnershipRule::UK): more than 50% held by one designated person, directly or through entities it owns or controls (holdings of different designated persons are not added up); or control | The Russia (Sanctions) (EU Exit) Regulations 2019 reg. 7 and the like; OFSI general guidance §4.14 (March 2022) |
///
/// "Indirectly" means through entities that are themselves blocked by the rule: if a listed
/// person owns 50% of A and A owns 50% of B, B is blocked under OFAC's rule; if it owns 40% of
/// A, neither is. Only blocking designations count (terms with
/// [`Measure::AssetFreeze`](crate::Measure::AssetFreeze) on the date): a travel ban or a
/// sectoral restriction of an owner blocks nothing it owns. Only direct
/// [ownerships](crate::RelationKind::Ownership) with a known share (a range by its lower
/// bound) and [controls](crate::RelationKind::Control) count. A licence that relieves an owner
/// does not stop its ownership from blocking what it owns; only a licence covering the owned
/// entity, by name or through [`covers_owned_entities`](crate::LicenceTerms::covers_owned_entities),
/// relieves that.
///
/// Other authorities have no rule here ([`OwnershipRule::for_authority`] gives `None`):
/// their derived status is their listings and class measures.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use sanctions_ledger::{Authority, OwnershipRule, Threshold};
///
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("bad date");
/// let eu = |date| OwnershipRule::for_authority(&Authority::EU, date);
/// assert_eq!(eu(day(2024, 7, 2)?).map(|r| r.threshold), Some(Threshold::MoreThan(5_000)));
/// assert_eq!(eu(day(2024, 7, 3)?).map(|r| r.threshold), Some(Threshold::AtLeast(5_000)));
/// assert!(!OwnershipRule::OFAC.control && OwnershipRule::UK.control);
/// assert_eq!(OwnershipRule::for_authority(&Authority::UN, day(2025, 1, 1)?), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OwnershipRule {
    /// How much blocked persons must own.
    pub threshold: Threshold,
    /// Whose stakes are added up.
    pub aggregation: Aggregation,
    /// Whether control by a blocked person blocks, whatever the stake.
    pub control: bool,
}

/// 2024-07-03: the Council's update of the EU Best Practices moves the EU's ownership test
/// from "more than 50%" to "50% or more".
const EU_ALIGNS_WITH_OFAC: NaiveDate = match NaiveDate::from_ymd_opt(2024, 7, 3) {
    Some(date) => date,
    None => NaiveDate::MIN,
};

impl OwnershipRule {
    /// OFAC's 50 percent rule: entities owned 50% or more, in aggregate, directly or
    /// indirectly, by blocked persons are blocked. Control alone does not block.
    pub const OFAC: OwnershipRule = OwnershipRule {
        threshold: Threshold::AtLeast(5_000),
        aggregation: Aggregation::AllBlockedOwners,
        control: false,
    };

    /// The EU before 2024-07-03: owned more than 50% by listed persons (their stakes added
    /// up), or controlled by one.
    pub const EU_MAJORITY: OwnershipRule = OwnershipRule {
        threshold: Threshold::MoreThan(5_000),
        aggregation: Aggregation::AllBlockedOwners,
        control: true,
    };

    /// The EU from 2024-07-03: owned 50% or more by listed persons (their stakes added up), or
    /// controlled by one.
    pub const EU: OwnershipRule = OwnershipRule {
        threshold: Threshold::AtLeast(5_000),
        aggregation: Aggregation::AllBlockedOwners,
        control: true,
    };

    /// The UK: more than 50% of the shares or voting rights held by one designated person,
    /// directly or through entities it owns or controls; or controlled by one.
    pub const UK: OwnershipRule = OwnershipRule {
        threshold: Threshold::MoreThan(5_000),
        aggregation: Aggregation::PerDesignatedPerson,
        control: true,
    };

    /// What a licence that covers the entities its named ones "own 50% or more" extends to
    /// ([`LicenceTerms::covers_owned_entities`](crate::LicenceTerms::covers_owned_entities),
    /// e.g. OFAC's Belarus General License 11): entities owned 50% or more, in aggregate,
    /// directly or indirectly, by the named entities. Control does not extend it.
    pub const LICENCE_OWNED_ENTITIES: OwnershipRule = OwnershipRule::OFAC;

    /// The rule of `authority` on `date`, if the authority has one (see the table above).
    #[must_use]
    pub fn for_authority(authority: &Authority, date: NaiveDate) -> Option<OwnershipRule> {
        if *authority == Authority::US_OFAC {
            Some(OwnershipRule::OFAC)
        } else if *authority == Authority::EU {
            Some(if date < EU_ALIGNS_WITH_OFAC {
                OwnershipRule::EU_MAJORITY
            } else {
                OwnershipRule::EU
            })
        } else if *authority == Authority::UK {
            Some(OwnershipRule::UK)
        } else {
            None
        }
    }

    /// The dates on which `authority`'s rule changes (the EU's on 2024-07-03): a derived
    /// status can change on them with no change in the ledger.
    #[must_use]
    pub fn changes_of(authority: &Authority) -> &'static [NaiveDate] {
        if *authority == Authority::EU {
            &[EU_ALIGNS_WITH_OFAC]
        } else {
            &[]
        }
    }
}

/// An owner graph: node 0 is the entity asked about; every edge runs from an owner or
/// controller to what it owns or controls.
#[derive(Debug, Clone, Default)]
pub(crate) struct Graph {
    /// For each node, the edges out of it: (target node, what the edge counts as, edge index).
    out: Vec<Vec<(usize, Edge, usize)>>,
}

impl Graph {
    /// A graph of `nodes` nodes and no edges.
    pub(crate) fn new(nodes: usize) -> Graph {
        Graph {
            out: vec![Vec::new(); nodes],
        }
    }

    /// Adds a node; returns its index.
    pub(crate) fn add_node(&mut self) -> usize {
        self.out.push(Vec::new());
        self.out.len() - 1
    }

    /// Adds the edge number `index` from `from` to `to`.
    pub(crate) fn add_edge(&mut self, from: usize, to: usize, edge: Edge, index: usize) {
        self.out[from].push((to, edge, index));
    }

    pub(crate) fn len(&self) -> usize {
        self.out.len()
    }
}

/// The result of [`spread`]: which nodes are in the set, and for each node the stakes that
/// set members hold in it, added up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Spread {
    pub(crate) members: Vec<bool>,
    /// Per node, the sum of the ownership shares held in it by members (hundredths).
    pub(crate) owned: Vec<u32>,
    /// Per node, whether a member controls it.
    pub(crate) controlled: Vec<bool>,
}

/// The least set that holds `seeds` and every node owned by members at `threshold` (their
/// stakes added up) or, when `control` is true, controlled by a member. Each edge is followed
/// once, from its source's entry into the set: O(nodes + edges), on any graph.
pub(crate) fn spread(
    graph: &Graph,
    seeds: &[usize],
    threshold: Threshold,
    control: bool,
) -> Spread {
    let n = graph.len();
    let mut set = Spread {
        members: vec![false; n],
        owned: vec![0; n],
        controlled: vec![false; n],
    };
    let mut queue: Vec<usize> = Vec::with_capacity(n);
    for &seed in seeds {
        if !set.members[seed] {
            set.members[seed] = true;
            queue.push(seed);
        }
    }
    while let Some(member) = queue.pop() {
        for &(to, edge, _) in &graph.out[member] {
            let joins = match edge {
                Edge::Ownership(share) => {
                    set.owned[to] += u32::from(share);
                    threshold.met_by(set.owned[to])
                }
                Edge::Control => {
                    set.controlled[to] = true;
                    control
                }
                Edge::Nothing => false,
            };
            if joins && !set.members[to] {
                set.members[to] = true;
                queue.push(to);
            }
        }
    }
    set
}

/// Blocked nodes under `rule`: the spread from every listed node for
/// [`Aggregation::AllBlockedOwners`] (one set, `(None, spread)`), or one spread per listed node
/// for [`Aggregation::PerDesignatedPerson`] (`(Some(root), spread)` each).
pub(crate) fn blocked(
    graph: &Graph,
    listed: &[usize],
    rule: OwnershipRule,
) -> Vec<(Option<usize>, Spread)> {
    match rule.aggregation {
        Aggregation::AllBlockedOwners => {
            vec![(None, spread(graph, listed, rule.threshold, rule.control))]
        }
        Aggregation::PerDesignatedPerson => listed
            .iter()
            .map(|&root| {
                (
                    Some(root),
                    spread(graph, &[root], rule.threshold, rule.control),
                )
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A graph from edges `(from, to, edge)`.
    fn graph(nodes: usize, edges: &[(usize, usize, Edge)]) -> Graph {
        let mut g = Graph::new(nodes);
        for (i, &(from, to, edge)) in edges.iter().enumerate() {
            g.add_edge(from, to, edge, i);
        }
        g
    }

    fn own(percent: u16) -> Edge {
        Edge::Ownership(percent * 100)
    }

    /// Whether node 0 is blocked under `rule` with `listed` nodes.
    fn is_blocked(g: &Graph, listed: &[usize], rule: OwnershipRule) -> bool {
        blocked(g, listed, rule).iter().any(|(_, s)| s.members[0])
    }

    #[test]
    fn ofac_blocks_at_fifty_percent_in_aggregate_and_not_through_control() {
        // Node 0 owned by 1 and 2; 1 and 2 listed.
        let half = graph(3, &[(1, 0, own(50))]);
        assert!(is_blocked(&half, &[1], OwnershipRule::OFAC));
        assert!(
            !is_blocked(&half, &[1], OwnershipRule::UK),
            "the UK needs more than 50%"
        );
        assert!(!is_blocked(&half, &[1], OwnershipRule::EU_MAJORITY));
        assert!(is_blocked(&half, &[1], OwnershipRule::EU));
        let split = graph(3, &[(1, 0, own(30)), (2, 0, own(25))]);
        assert!(
            is_blocked(&split, &[1, 2], OwnershipRule::OFAC),
            "30% + 25% in aggregate"
        );
        assert!(
            is_blocked(&split, &[1, 2], OwnershipRule::EU_MAJORITY),
            "55% > 50%"
        );
        assert!(
            !is_blocked(&split, &[1, 2], OwnershipRule::UK),
            "not added up in the UK"
        );
        assert!(
            !is_blocked(&split, &[1], OwnershipRule::OFAC),
            "only blocked owners count"
        );
        let controlled = graph(2, &[(1, 0, Edge::Control)]);
        assert!(!is_blocked(&controlled, &[1], OwnershipRule::OFAC));
        assert!(is_blocked(&controlled, &[1], OwnershipRule::EU));
        assert!(is_blocked(&controlled, &[1], OwnershipRule::UK));
        let unknown = graph(2, &[(1, 0, Edge::Nothing)]);
        assert!(!is_blocked(&unknown, &[1], OwnershipRule::EU));
    }

    #[test]
    fn indirect_ownership_counts_only_through_blocked_entities() {
        // 2 listed owns 50% of 1, which owns 50% of 0: both blocked under OFAC.
        let chain = graph(3, &[(2, 1, own(50)), (1, 0, own(50))]);
        assert!(is_blocked(&chain, &[2], OwnershipRule::OFAC));
        // 40% of 1: 1 is not blocked, so its 100% of 0 does not block 0.
        let weak = graph(3, &[(2, 1, own(40)), (1, 0, own(100))]);
        assert!(!is_blocked(&weak, &[2], OwnershipRule::OFAC));
        // Six levels deep.
        let deep: Vec<(usize, usize, Edge)> = (1..=6).map(|i| (i, i - 1, own(51))).collect();
        assert!(is_blocked(&graph(7, &deep), &[6], OwnershipRule::UK));
    }

    #[test]
    fn the_uk_adds_up_one_designated_persons_direct_and_indirect_stakes() {
        // 2 listed owns 30% of 0 directly and 60% of 1, which owns 30% of 0: 60% is 2's.
        let own_group = graph(3, &[(2, 0, own(30)), (2, 1, own(60)), (1, 0, own(30))]);
        assert!(is_blocked(&own_group, &[2], OwnershipRule::UK));
        // 2 and 3 listed, 30% each, no common group: not blocked in the UK, blocked by OFAC.
        let two_people = graph(4, &[(2, 0, own(30)), (3, 0, own(30))]);
        assert!(!is_blocked(&two_people, &[2, 3], OwnershipRule::UK));
        assert!(is_blocked(&two_people, &[2, 3], OwnershipRule::OFAC));
        // 2 controls 1, which owns 51% of 0: 0 is held through an entity 2 controls.
        let controlled_holder = graph(3, &[(2, 1, Edge::Control), (1, 0, own(51))]);
        assert!(is_blocked(&controlled_holder, &[2], OwnershipRule::UK));
    }

    #[test]
    fn ownership_cycles_terminate_and_block_nobody_without_a_listed_entity() {
        // 0 and 1 own 60% of each other; nobody listed.
        let cycle = graph(2, &[(0, 1, own(60)), (1, 0, own(60))]);
        for rule in [OwnershipRule::OFAC, OwnershipRule::EU, OwnershipRule::UK] {
            assert!(!is_blocked(&cycle, &[], rule));
            // With 1 listed, 0 is blocked, and the cycle back to 1 is followed once.
            assert!(is_blocked(&cycle, &[1], rule));
        }
        // A cycle whose members each hold 30% of the next, with a listed 30% from outside: the
        // aggregate reaches 60% only for the node the listed owner holds.
        let ring = graph(
            4,
            &[
                (0, 1, own(30)),
                (1, 2, own(30)),
                (2, 0, own(30)),
                (3, 0, own(30)),
            ],
        );
        assert!(!is_blocked(&ring, &[3], OwnershipRule::OFAC));
        let result = &blocked(&ring, &[3], OwnershipRule::OFAC)[0].1;
        assert_eq!(
            result.owned[0], 3_000,
            "only the listed owner's stake counts"
        );
        // A self-reinforcing cycle: 0 and 1 each 50% of the other, 2 listed owns 50% of 0.
        let mutual = graph(3, &[(0, 1, own(50)), (1, 0, own(50)), (2, 0, own(50))]);
        let result = &blocked(&mutual, &[2], OwnershipRule::OFAC)[0].1;
        assert_eq!(result.members, [true, true, true]);
        assert_eq!(
            result.owned,
            [10_000, 5_000, 0],
            "every blocked owner's stake, once"
        );
    }

    #[test]
    fn rules_per_authority_and_date() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let rule = OwnershipRule::for_authority;
        assert_eq!(
            rule(&Authority::US_OFAC, day(2014, 1, 1)),
            Some(OwnershipRule::OFAC)
        );
        assert_eq!(
            rule(&Authority::EU, day(2024, 7, 2)),
            Some(OwnershipRule::EU_MAJORITY)
        );
        assert_eq!(
            rule(&Authority::EU, day(2024, 7, 3)),
            Some(OwnershipRule::EU)
        );
        assert_eq!(
            rule(&Authority::UK, day(2025, 1, 1)),
            Some(OwnershipRule::UK)
        );
        for other in [Authority::UN, Authority::CH, Authority::US_BIS] {
            assert_eq!(rule(&other, day(2025, 1, 1)), None);
            assert!(OwnershipRule::changes_of(&other).is_empty());
        }
        assert_eq!(OwnershipRule::changes_of(&Authority::EU), [day(2024, 7, 3)]);
        assert!(Threshold::AtLeast(5_000).met_by(5_000));
        assert!(!Threshold::MoreThan(5_000).met_by(5_000));
        assert!(Threshold::MoreThan(5_000).met_by(5_001));
    }
}
