//! Licences: authorisations that permit dealings a designation prohibits.

use serde::{Deserialize, Serialize};

use crate::authority::Authority;
use crate::id::EntityId;

/// A general or specific licence issued by one authority.
///
/// A licence never delists anybody: an entity covered by a licence in force is *listed and
/// licensed* (see [`StatusKind::ListedLicensed`](crate::StatusKind::ListedLicensed)). A licence
/// is in force over `[effective of its IssueLicence change, effective of its EndLicence change)`.
/// It only affects the status an entity has with the licence's own authority.
///
/// # Example
///
/// ```
/// use sanctions_ledger::{Authorisation, Authority, EntityId, Licence, LicenceTerms};
///
/// let gl11 = Licence::new(
///     Authority::US_OFAC,
///     LicenceTerms::general("Belarus General License 11", EntityId::derive("belavia"))
///         .with_owned_entities()
///         .with_authorisation(Authorisation::AllTransactions)
///         .with_exclusion("does not unblock property blocked before the licence"),
/// );
/// assert!(gl11.terms.covers_owned_entities);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Licence {
    /// The issuing authority.
    pub authority: Authority,
    /// Everything else about the licence; amendable.
    pub terms: LicenceTerms,
}

impl Licence {
    /// A licence of `authority` on `terms`.
    #[must_use]
    pub fn new(authority: Authority, terms: LicenceTerms) -> Self {
        Licence { authority, terms }
    }
}

/// Whether a licence is general (published, for anyone) or specific (issued to an applicant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LicenceKind {
    /// A published licence anyone may rely on, e.g. OFAC's "Belarus General License 11".
    General,
    /// A licence issued to a named applicant.
    Specific,
}

/// What a licence authorises.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Authorisation {
    /// All transactions otherwise prohibited that involve the covered entities.
    AllTransactions,
    /// Only the activities described, in the authority's words.
    Described(String),
}

/// The amendable part of a licence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct LicenceTerms {
    /// The licence's name, e.g. "Belarus General License 11".
    pub name: String,
    /// General or specific.
    pub kind: LicenceKind,
    /// The entities the licence names. Never empty.
    pub covers: Vec<EntityId>,
    /// Whether it also covers entities owned 50% or more by those it names. Recorded for the
    /// reader; the ledger does not model ownership, so only named entities get the
    /// listed-and-licensed status.
    #[serde(default)]
    pub covers_owned_entities: bool,
    /// What it authorises.
    pub authorises: Authorisation,
    /// What it does not authorise, in the authority's words (e.g. unblocking property).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excludes: Vec<String>,
}

impl LicenceTerms {
    /// Terms of a general licence named `name` that covers `entity` for all transactions.
    #[must_use]
    pub fn general(name: impl Into<String>, entity: EntityId) -> Self {
        LicenceTerms {
            name: name.into(),
            kind: LicenceKind::General,
            covers: vec![entity],
            covers_owned_entities: false,
            authorises: Authorisation::AllTransactions,
            excludes: Vec::new(),
        }
    }

    /// Makes the licence specific rather than general.
    #[must_use]
    pub fn specific(mut self) -> Self {
        self.kind = LicenceKind::Specific;
        self
    }

    /// Adds a covered entity.
    #[must_use]
    pub fn with_entity(mut self, entity: EntityId) -> Self {
        self.covers.push(entity);
        self
    }

    /// Extends the licence to entities owned 50% or more by the covered ones.
    #[must_use]
    pub fn with_owned_entities(mut self) -> Self {
        self.covers_owned_entities = true;
        self
    }

    /// Sets what the licence authorises.
    #[must_use]
    pub fn with_authorisation(mut self, authorises: Authorisation) -> Self {
        self.authorises = authorises;
        self
    }

    /// Adds something the licence does not authorise.
    #[must_use]
    pub fn with_exclusion(mut self, excluded: impl Into<String>) -> Self {
        self.excludes.push(excluded.into());
        self
    }
}

/// How a licence ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LicenceEnd {
    /// The authority revoked it.
    Revoked,
    /// It reached its own expiry date.
    Expired,
}
