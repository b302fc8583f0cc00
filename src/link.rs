//! Links: two entities of the ledger are one subject (the same vessel, company or person on
//! several lists).
//!
//! A [`Link`] is recorded by a [`ChangeKind::Link`](crate::ChangeKind::Link) change and ended by
//! a [`ChangeKind::Unlink`](crate::ChangeKind::Unlink) (or withdrawn by a retraction). It is
//! dated like everything else: in force over `[effective of the link, effective of the unlink)`
//! on the valid axis, and seen by a view known at or after it was recorded. The links in force
//! on a date join entities into *clusters*: a cluster is the connected component of those
//! links, and [`View::clusters`](crate::View::clusters) answers every question for a whole
//! cluster (see [`Cluster`](crate::Cluster)).
//!
//! Names never link: a link is a person's decision (an analyst's note) or a strong shared
//! identifier (an IMO number, the UN reference an EU or UK entry carries, ...), which the
//! proposals of [`import::propose_links`](crate::import::propose_links) find.

use serde::{Deserialize, Serialize};

use crate::entity::Identifier;
use crate::id::EntityId;

/// Two entities that are one subject, and why.
///
/// The order of the two entities carries no meaning: a link of `a` and `b` is a link of `b`
/// and `a`. A link never joins an entity to itself (rule [`SelfLink`](crate::Rule::SelfLink)),
/// and two links of the same two entities are never in force on the same date (rule
/// [`LinkAlreadyInForce`](crate::Rule::LinkAlreadyInForce)).
///
/// # Example
///
/// ```
/// use sanctions_ledger::{EntityId, Link, LinkReason};
///
/// let (sdn, eu) = (EntityId::derive("us-ofac:44541"), EntityId::derive("eu:belavia"));
/// let link = Link::new(sdn, eu, LinkReason::analyst("same airline: name, country, IATA code B2"));
/// assert_eq!(link.entities, [sdn, eu]);
/// assert_eq!(link.other(sdn), Some(eu));
/// assert_eq!(link.other(EntityId::derive("someone else")), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Link {
    /// The two entities, in the order the recorder gave them.
    pub entities: [EntityId; 2],
    /// Why they are one subject.
    pub reason: LinkReason,
}

impl Link {
    /// A link of `a` and `b` for `reason`.
    #[must_use]
    pub fn new(a: EntityId, b: EntityId, reason: LinkReason) -> Self {
        Link {
            entities: [a, b],
            reason,
        }
    }

    /// The entity at the other end from `entity`, if `entity` is one of the two.
    #[must_use]
    pub fn other(&self, entity: EntityId) -> Option<EntityId> {
        match self.entities {
            [a, b] if a == entity => Some(b),
            [a, b] if b == entity => Some(a),
            _ => None,
        }
    }

    /// The two entities, smaller id first: the pair as the rules compare it.
    #[must_use]
    pub fn pair(&self) -> (EntityId, EntityId) {
        let [a, b] = self.entities;
        (a.min(b), a.max(b))
    }
}

/// Why two entities are one subject.
///
/// Serialised with the reason's name as key: `{"shared_identifier": {"imo": "9074729"}}` or
/// `{"analyst": "same airline: ..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LinkReason {
    /// Both entities carry this strong identifier (an IMO ship or company number, an aircraft
    /// manufacturer serial number, a list entry id such as the UN reference an EU or UK entry
    /// carries, or OFAC's `ent_num` on the SDN and the Consolidated list).
    SharedIdentifier(Identifier),
    /// A person's decision, with their note (what they compared, what convinced them).
    Analyst(String),
}

impl LinkReason {
    /// An analyst's decision with `note`.
    #[must_use]
    pub fn analyst(note: impl Into<String>) -> Self {
        LinkReason::Analyst(note.into())
    }
}
