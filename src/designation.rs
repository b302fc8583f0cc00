//! Designations: one entity listed by one authority, with the [`Measure`]s imposed.

use serde::{Deserialize, Serialize};

use crate::authority::{Authority, Program};
use crate::id::EntityId;
use crate::list::List;

/// A measure imposed by a designation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Measure {
    /// Asset freeze / blocking of property and interests in property.
    AssetFreeze,
    /// Ban on entry into or transit through the authority's territory.
    TravelBan,
    /// Ban on landing, take-off or overflight.
    FlightBan,
    /// Restrictions on exports, re-exports or transfers.
    ExportRestriction,
    /// Sectoral restrictions (debt, equity, services) short of a full freeze.
    Sectoral,
    /// A ban on buying or selling publicly traded securities of the entity (or derivatives of
    /// them, or securities that give exposure to them), short of a freeze: e.g. OFAC's
    /// Non-SDN Chinese Military-Industrial Complex (CMIC) list under E.O. 13959 / 14032.
    /// Dealings other than investment stay permitted.
    InvestmentBan,
    /// Any other measure, described in words.
    Other(String),
}

/// One entity listed by one authority, on at most one of its lists.
///
/// The entity, the authority and the [`List`] are fixed for the life of the designation; the
/// [`DesignationTerms`] (programs, measures, legal basis, reason) can be amended. A move from
/// one list to another ends one designation and starts another on the same date. A designation
/// is in force over the half-open interval `[effective of its Designate change, effective of
/// its Delist change)`. The source of a designation is the source of the change that made it.
///
/// The list is optional: a designation recorded before lists were modelled (a version-1 file
/// written by an earlier release), or by an authority that publishes one list only, may name
/// none. It belongs to the designation's own authority (the rule
/// [`ListOfOtherAuthority`](crate::Rule::ListOfOtherAuthority)).
///
/// # Example
///
/// ```
/// use sanctions_ledger::{Authority, Designation, DesignationTerms, EntityId, List, Measure, Program};
///
/// let terms = DesignationTerms::new(Measure::AssetFreeze)
///     .with_program(Program::new(Authority::US_OFAC, "BELARUS-EO14038")?)
///     .with_legal_basis("Executive Order 14038");
/// let designation = Designation::new(EntityId::derive("belavia"), Authority::US_OFAC, terms)
///     .on_list(List::US_OFAC_SDN);
/// assert_eq!(designation.authority, Authority::US_OFAC);
/// assert_eq!(designation.list, Some(List::US_OFAC_SDN));
/// # Ok::<(), sanctions_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Designation {
    /// The listed entity.
    pub entity: EntityId,
    /// The listing authority.
    pub authority: Authority,
    /// The authority's list the designation is on, if known; fixed for its life.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<List>,
    /// What the listing imposes and why; amendable.
    pub terms: DesignationTerms,
}

impl Designation {
    /// A designation of `entity` by `authority` on `terms`, on no particular list
    /// ([`Designation::on_list`] sets one).
    #[must_use]
    pub fn new(entity: EntityId, authority: Authority, terms: DesignationTerms) -> Self {
        Designation {
            entity,
            authority,
            list: None,
            terms,
        }
    }

    /// Puts the designation on `list`, which should be one of its authority's lists (the
    /// ledger refuses it otherwise, with
    /// [`Error::ListOfOtherAuthority`](crate::Error::ListOfOtherAuthority)).
    #[must_use]
    pub fn on_list(mut self, list: List) -> Self {
        self.list = Some(list);
        self
    }
}

/// The amendable part of a designation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DesignationTerms {
    /// The programs or regimes the listing is made under; all belong to the designation's
    /// authority.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<Program>,
    /// The measures imposed.
    pub measures: Vec<Measure>,
    /// The legal instrument, e.g. "Council Implementing Regulation (EU) 2021/2124".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<String>,
    /// The authority's stated reasons, in short.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl DesignationTerms {
    /// Terms imposing one measure, with no programs, legal basis or reason yet.
    #[must_use]
    pub fn new(measure: Measure) -> Self {
        DesignationTerms {
            programs: Vec::new(),
            measures: vec![measure],
            legal_basis: None,
            reason: None,
        }
    }

    /// Adds a program.
    #[must_use]
    pub fn with_program(mut self, program: Program) -> Self {
        self.programs.push(program);
        self
    }

    /// Adds a measure.
    #[must_use]
    pub fn with_measure(mut self, measure: Measure) -> Self {
        self.measures.push(measure);
        self
    }

    /// Sets the legal basis.
    #[must_use]
    pub fn with_legal_basis(mut self, legal_basis: impl Into<String>) -> Self {
        self.legal_basis = Some(legal_basis.into());
        self
    }

    /// Sets the reason.
    #[must_use]
    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}
