//! Class measures: measures whose target is a class of entities (every air carrier of
//! Belarus) rather than named ones, with the [`EntityClass`] they target and the [`Sector`]s
//! that classes are made of.

use serde::{Deserialize, Serialize};

use crate::authority::{Authority, Program};
use crate::designation::Measure;
use crate::entity::{Country, Entity, EntityKind};

/// A measure of one authority that names no entity but a class: on 2021-06-04 the EU banned
/// every aircraft operated by a Belarusian air carrier from landing in, taking off from or
/// overflying its territory (Council Regulation (EU) 2021/907), six months before it listed
/// Belavia itself.
///
/// A class measure is changed like a designation: an
/// [`ImposeClassMeasure`](crate::ChangeKind::ImposeClassMeasure) change imposes it,
/// [`AmendClassMeasure`](crate::ChangeKind::AmendClassMeasure) replaces its
/// [`ClassMeasureTerms`] from a date on, and
/// [`LiftClassMeasure`](crate::ChangeKind::LiftClassMeasure) lifts it. It is in force over
/// `[effective of its imposition, effective of its lifting)`. The authority and the class are
/// fixed for its life: a measure extended to another class is lifted and imposed anew.
///
/// An entity is caught by a class measure on a date when the measure is in force and the
/// entity's facts in force on that date ([`View::entity_on`](crate::View::entity_on)) belong
/// to its class: [`View::derived_status`](crate::View::derived_status) reports it as its own
/// reason. Before an entity's first version there are no facts, so nothing catches it.
///
/// # Example
///
/// ```
/// use sanctions_ledger::*;
///
/// let ban = ClassMeasure::new(
///     Authority::EU,
///     EntityClass::new(Country::new("BY")?).with_sector(Sector::AirCarrier),
///     ClassMeasureTerms::new("Belarusian air carriers: landing, take-off and overflight ban", Measure::FlightBan),
/// );
/// let belavia = Entity::new(EntityKind::Organisation, "Belavia")
///     .with_country(Country::new("BY")?)
///     .with_sector(Sector::AirCarrier);
/// assert!(ban.class.contains(&belavia));
/// # Ok::<(), sanctions_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ClassMeasure {
    /// The authority that imposes it.
    pub authority: Authority,
    /// The entities it targets.
    pub class: EntityClass,
    /// Everything else about it; amendable.
    pub terms: ClassMeasureTerms,
}

impl ClassMeasure {
    /// A class measure of `authority` on `class`.
    #[must_use]
    pub fn new(authority: Authority, class: EntityClass, terms: ClassMeasureTerms) -> Self {
        ClassMeasure {
            authority,
            class,
            terms,
        }
    }
}

/// The entities a [`ClassMeasure`] targets: those of one of `countries` (incorporated in,
/// registered to, or holding an operating licence of the country: an [`Entity`]'s
/// `countries`), of one of `kinds` and in one of `sectors`. An empty `kinds` or `sectors`
/// means any; `countries` is never empty (the ledger refuses a class without one,
/// [`Error::ClassWithoutCountry`](crate::Error::ClassWithoutCountry)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct EntityClass {
    /// The countries; an entity of any of them is in the class (if kind and sector match).
    pub countries: Vec<Country>,
    /// The kinds of entity, or empty for any kind.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<EntityKind>,
    /// The sectors, or empty for any sector.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sectors: Vec<Sector>,
}

impl EntityClass {
    /// Every entity of `country`, of any kind and sector.
    #[must_use]
    pub fn new(country: Country) -> Self {
        EntityClass {
            countries: vec![country],
            kinds: Vec::new(),
            sectors: Vec::new(),
        }
    }

    /// Adds a country.
    #[must_use]
    pub fn with_country(mut self, country: Country) -> Self {
        self.countries.push(country);
        self
    }

    /// Restricts the class to a kind of entity (several calls allow several kinds).
    #[must_use]
    pub fn with_kind(mut self, kind: EntityKind) -> Self {
        self.kinds.push(kind);
        self
    }

    /// Restricts the class to a sector (several calls allow several sectors).
    #[must_use]
    pub fn with_sector(mut self, sector: Sector) -> Self {
        self.sectors.push(sector);
        self
    }

    /// Whether an entity with these facts is in the class: one of its countries is one of the
    /// class's, and its kind and one of its sectors match when the class names any.
    ///
    /// O(c · c' + s · s') in the countries and sectors of both.
    #[must_use]
    pub fn contains(&self, entity: &Entity) -> bool {
        self.countries.iter().any(|c| entity.countries.contains(c))
            && (self.kinds.is_empty() || self.kinds.contains(&entity.kind))
            && (self.sectors.is_empty() || self.sectors.iter().any(|s| entity.sectors.contains(s)))
    }
}

/// The amendable part of a [`ClassMeasure`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ClassMeasureTerms {
    /// A short name for it, e.g. "Belarusian air carriers: landing, take-off and overflight
    /// ban".
    pub name: String,
    /// What it imposes on the class.
    pub measures: Vec<Measure>,
    /// The programs or regimes it is made under; all belong to its authority.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<Program>,
    /// The legal instrument, e.g. "Council Regulation (EU) 2021/907".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<String>,
    /// What it does not cover, in the authority's words (e.g. emergency landings).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excludes: Vec<String>,
}

impl ClassMeasureTerms {
    /// Terms named `name` imposing one measure.
    #[must_use]
    pub fn new(name: impl Into<String>, measure: Measure) -> Self {
        ClassMeasureTerms {
            name: name.into(),
            measures: vec![measure],
            programs: Vec::new(),
            legal_basis: None,
            excludes: Vec::new(),
        }
    }

    /// Adds a measure.
    #[must_use]
    pub fn with_measure(mut self, measure: Measure) -> Self {
        self.measures.push(measure);
        self
    }

    /// Adds a program.
    #[must_use]
    pub fn with_program(mut self, program: Program) -> Self {
        self.programs.push(program);
        self
    }

    /// Sets the legal basis.
    #[must_use]
    pub fn with_legal_basis(mut self, legal_basis: impl Into<String>) -> Self {
        self.legal_basis = Some(legal_basis.into());
        self
    }

    /// Adds something the measure does not cover.
    #[must_use]
    pub fn with_exclusion(mut self, excluded: impl Into<String>) -> Self {
        self.excludes.push(excluded.into());
        self
    }
}

/// A line of business that class measures target.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Sector {
    /// An air transport undertaking with an operating licence (an air carrier or airline).
    AirCarrier,
    /// A road transport undertaking (haulage of goods or passengers by road).
    RoadTransport,
    /// A shipping company: owner, operator or manager of vessels.
    Shipping,
    /// A bank or other financial institution.
    Financial,
    /// Any other sector, in the source's words.
    Other(String),
}
