//! OFAC's ENHANCED XML (`SDN_ENHANCED.XML`, `CONS_ENHANCED.XML`, plain or zipped as the
//! Sanctions List Service serves them), read into format-level records.
//!
//! The file is `sanctionsData` (namespace
//! `https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML`):
//! `publicationInfo/dataAsOf` (the publication date), `referenceValues` (code tables by
//! `refId`, with ISO codes for countries), `featureTypes`, and one `entities/entity` per listed
//! subject. [`EnhancedFile`] keeps all of it: for each [`EnhancedEntity`] its type, the lists
//! it is on with their `datePublished`, programs, sanctions types, legal authorities, names
//! and aliases (type, low-quality flag, translations, name parts), addresses, identity
//! documents, features (with their dates: CMIC listing / effective / divestment dates,
//! directive listing and effective dates, birth dates) and relationships to other entities.
//! [`EnhancedFile::entity`] turns one record's subject into an [`Entity`].
//!
//! [`EnhancedFile::snapshot`] carries the relationships between entities of the file as
//! relations ([`Snapshot::relations`]): `Owned or Controlled By` →
//! [`RelationKind::OwnedOrControlled`](crate::RelationKind::OwnedOrControlled) with the related
//! entity as owner (OFAC says neither which nor how much, so it is recorded, never derived
//! from); `Acting for or on behalf of` → [`RelationKind::ActingFor`](crate::RelationKind::ActingFor);
//! `Owns, controls, or operates` and any other type → [`RelationKind::Other`](crate::RelationKind::Other)
//! in OFAC's words ("or operates" is more than owning or controlling). A relationship naming an
//! entity the file does not hold (HAMAS, VTB Bank: entities of the SDN list only, in the
//! Consolidated list's file) is a [`WarningKind::RelatedEntryMissing`] and no relation. The
//! relationships carry no date (`dateRange` is empty in every file seen): reconciliation
//! begins and ends relations on the snapshot's date, with the observation window.
//!
//! What the records do not do is say what happened: a list's `datePublished` is OFAC's claim
//! about the membership, and after a move between lists it may be older than the move
//! (Gazprombank's subsidiaries kept their 2016 SSI date on the SDN List in 2025). Removal is
//! absence from the next file.
//!
//! # Integrity
//!
//! An empty file, a file cut short (an element left open, a zip archive without its end or
//! whose CRC fails), a file of another type (said what it looks like) and a file without
//! `publicationInfo/dataAsOf` are refused with an [`ImportError`] naming the file.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::Path;

use chrono::NaiveDate;

use super::error::ImportError;
use super::snapshot::{ListEntry, Snapshot};
use super::warning::{Warning, WarningKind};
use super::xml::{self, boolean, iso_date, malformed, Frame, Handler, Root};
use crate::authority::{Authority, Program};
use crate::entity::{
    Country, Document, DocumentKind, Entity, EntityKind, Identifier, ImoCompanyNumber, ImoNumber,
};
use crate::list::List;

/// The ENHANCED XML namespace.
pub const NAMESPACE: &str =
    "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML";

const FORMAT: &str = "an OFAC ENHANCED XML";

/// The largest list file accepted inside a zip archive (the full `SDN_ENHANCED.XML` is about
/// 100 MB); a larger entry is refused before it is inflated.
const MAX_INFLATED: u64 = 1 << 30;

/// A value from one of the file's code tables: its `refId` and its text as the element
/// writes it (e.g. `refId="1550"`, `SDN List`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Reference {
    /// The `refId` in `referenceValues`.
    pub ref_id: u64,
    /// The text, e.g. `SDN List`, `Russia`, `A.K.A.`.
    pub value: String,
}

/// One entry of `referenceValues`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReferenceValue {
    /// Its `refId`.
    pub ref_id: u64,
    /// The table it belongs to, e.g. `COUNTRY`, `ALIAS TYPE`, `ID DOCUMENT TYPE`.
    pub kind: String,
    /// The value, e.g. `Russia`.
    pub value: String,
    /// A short code, when the table has one.
    pub code: Option<String>,
    /// The ISO code of a country, e.g. `RU`.
    pub iso_code: Option<String>,
}

/// One entry of `featureTypes`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FeatureType {
    /// Its `featureTypeId`.
    pub id: u64,
    /// Its name, e.g. `Listing Date (CMIC)`.
    pub name: String,
    /// What kind of value it has (`DATE`, `TEXT`, `LOOKUP`, `COUNTRY`).
    pub detail_type: Option<Reference>,
    /// Whether OFAC leaves it out of its other publications.
    pub publish_exclude: Option<bool>,
}

/// One ENHANCED XML file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnhancedFile {
    /// The file's name, as given to the parser.
    pub file: String,
    /// `publicationInfo/dataAsOf`: the date of the data.
    pub data_as_of: NaiveDate,
    /// The lists the file was filtered to (`Consolidated List` for `CONS_ENHANCED`).
    pub list_filters: Vec<Reference>,
    /// The programs the file was filtered to, if any.
    pub program_filters: Vec<Reference>,
    /// `referenceValues`, by `refId`.
    pub reference_values: BTreeMap<u64, ReferenceValue>,
    /// `featureTypes`, by `featureTypeId`.
    pub feature_types: BTreeMap<u64, FeatureType>,
    /// The entities, in file order.
    pub entities: Vec<EnhancedEntity>,
}

/// One `entity`: a listed subject with everything the file says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnhancedEntity {
    /// The entity id (OFAC's UID, the same as the legacy `ent_num`).
    pub id: u64,
    /// The line of the file where the entity starts.
    pub line: usize,
    /// `generalInfo/identityId`.
    pub identity_id: Option<u64>,
    /// `generalInfo/entityType`: `Individual`, `Entity`, `Vessel` or `Aircraft`.
    pub entity_type: Reference,
    /// `generalInfo/livingStatus`.
    pub living_status: Option<Reference>,
    /// `generalInfo/remarks`.
    pub remarks: Option<String>,
    /// `generalInfo/title`.
    pub title: Option<String>,
    /// The lists the entity is on (`SDN List`, `Non-SDN Menu-Based Sanctions List`, …).
    pub lists: Vec<ListMembership>,
    /// Its programs (e.g. `RUSSIA-EO14024`).
    pub programs: Vec<Membership>,
    /// Its sanctions types (e.g. `Block`, `Executive Order 14024 Directive 3`).
    pub sanctions_types: Vec<Membership>,
    /// Its legal authorities (e.g. `Executive Order 14024 (Russia)`).
    pub legal_authorities: Vec<Membership>,
    /// Its names: one primary name and the aliases.
    pub names: Vec<Name>,
    /// Its addresses.
    pub addresses: Vec<Address>,
    /// Its features (typed facts).
    pub features: Vec<Feature>,
    /// Its identity documents.
    pub documents: Vec<IdentityDocument>,
    /// Its relationships to other entities.
    pub relationships: Vec<Relationship>,
}

/// Membership of one list, with the date OFAC gives for it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListMembership {
    /// The membership's own id.
    pub id: u64,
    /// The list.
    pub list: Reference,
    /// `datePublished`: OFAC's date for the membership. Not a reliable start date after a
    /// move between lists.
    pub date_published: NaiveDate,
}

/// A program, sanctions type or legal authority of an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Membership {
    /// The element's own id.
    pub id: u64,
    /// The value.
    pub value: Reference,
}

/// A name: the primary name or an alias.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Name {
    /// The name's id.
    pub id: u64,
    /// Whether this is the primary name.
    pub is_primary: bool,
    /// The alias type (`A.K.A.`, `F.K.A.`, `N.K.A.`); none on the primary name.
    pub alias_type: Option<Reference>,
    /// OFAC's low-quality ("weak") flag.
    pub is_low_quality: bool,
    /// The name in one or more scripts.
    pub translations: Vec<NameTranslation>,
}

impl Name {
    /// The full name of the primary translation (the first if none is marked primary).
    #[must_use]
    pub fn full_name(&self) -> Option<&str> {
        self.translations
            .iter()
            .find(|t| t.is_primary)
            .or_else(|| self.translations.first())
            .map(|t| t.full_name.as_str())
    }
}

/// A name in one script.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NameTranslation {
    /// The translation's id.
    pub id: u64,
    /// Whether this is the name's primary script.
    pub is_primary: bool,
    /// The script, e.g. `Latin`, `Cyrillic`.
    pub script: Reference,
    /// `formattedFirstName`.
    pub first_name: Option<String>,
    /// `formattedLastName`.
    pub last_name: Option<String>,
    /// `formattedFullName`.
    pub full_name: String,
    /// The name's parts (type and value).
    pub parts: Vec<Part>,
}

/// A typed part of a name or an address.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Part {
    /// The part's id.
    pub id: u64,
    /// Its type, e.g. `Last Name`, `CITY`.
    pub kind: Reference,
    /// Its value.
    pub value: String,
}

/// An address.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Address {
    /// The address's id.
    pub id: u64,
    /// The country.
    pub country: Option<Reference>,
    /// The address in one or more scripts.
    pub translations: Vec<AddressTranslation>,
}

/// An address in one script.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AddressTranslation {
    /// The translation's id.
    pub id: u64,
    /// Whether this is the address's primary script.
    pub is_primary: bool,
    /// The script.
    pub script: Reference,
    /// The parts: `ADDRESS1`, `CITY`, `POSTAL CODE`, …
    pub parts: Vec<Part>,
}

/// A feature: one typed fact about an entity, with a date for some.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Feature {
    /// The feature's id.
    pub id: u64,
    /// Its type: `featureTypeId` and name (e.g. `Listing Date (CMIC)`).
    pub kind: Reference,
    /// `versionId`.
    pub version_id: Option<u64>,
    /// The value as written (e.g. `24 Feb 2022`, `GAZPRUMM`).
    pub value: String,
    /// The reference value the value comes from, for lookups.
    pub value_ref_id: Option<u64>,
    /// The value as a date or period, for dated features.
    pub value_date: Option<DatePeriod>,
    /// Whether this is the primary value of its type.
    pub is_primary: bool,
    /// The reliability OFAC gives.
    pub reliability: Option<Reference>,
    /// Comments.
    pub comments: Option<String>,
}

/// What a dated feature's date means.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FeatureDate {
    /// `Listing Date (CMIC)`: when the entity was put on the CMIC list.
    CmicListing,
    /// `Effective Date (CMIC)`: when the CMIC prohibitions took effect for it.
    CmicEffective,
    /// `Purchase/Sales For Divestment Date (CMIC)`.
    CmicDivestment,
    /// `Listing Date (EO 14024 Directive 3):` and the like, with the directive named.
    DirectiveListing(String),
    /// `Effective Date (EO 14024 Directive 3):` and the like, with the directive named.
    DirectiveEffective(String),
    /// `Birthdate`.
    Birth,
    /// Any other dated feature, by its type name (e.g. `Organization Established Date`).
    Other(String),
}

impl Feature {
    /// What the feature's date means, for a feature that has one.
    #[must_use]
    pub fn date_kind(&self) -> Option<FeatureDate> {
        self.value_date.as_ref()?;
        let name = self.kind.value.trim().trim_end_matches(':').trim();
        let inner = |prefix: &str| {
            name.strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('('))
                .and_then(|rest| rest.strip_suffix(')'))
                .map(str::to_owned)
        };
        Some(match name {
            "Listing Date (CMIC)" => FeatureDate::CmicListing,
            "Effective Date (CMIC)" => FeatureDate::CmicEffective,
            "Purchase/Sales For Divestment Date (CMIC)" => FeatureDate::CmicDivestment,
            "Birthdate" => FeatureDate::Birth,
            _ => match (inner("Listing Date "), inner("Effective Date ")) {
                (Some(directive), _) if directive.contains("Directive") => {
                    FeatureDate::DirectiveListing(directive)
                }
                (_, Some(directive)) if directive.contains("Directive") => {
                    FeatureDate::DirectiveEffective(directive)
                }
                _ => FeatureDate::Other(name.to_owned()),
            },
        })
    }
}

/// A date or period (`datePeriodType`): a start and an end, each known within a window.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct DatePeriod {
    /// Its id.
    pub id: u64,
    /// Earliest start.
    pub from_begin: Option<NaiveDate>,
    /// Latest start.
    pub from_end: Option<NaiveDate>,
    /// Earliest end.
    pub to_begin: Option<NaiveDate>,
    /// Latest end.
    pub to_end: Option<NaiveDate>,
    /// Whether OFAC marks it approximate.
    pub is_approximate: bool,
    /// Whether it is a range rather than one date.
    pub is_date_range: bool,
}

impl DatePeriod {
    /// The single date, when the period is one exact day (`fromDateBegin` = `fromDateEnd`,
    /// not a range, not approximate).
    #[must_use]
    pub fn date(&self) -> Option<NaiveDate> {
        (!self.is_date_range && !self.is_approximate && self.from_begin == self.from_end)
            .then_some(self.from_begin)
            .flatten()
    }
}

/// An identity document (passport, tax id, registration number, …).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct IdentityDocument {
    /// The document's id.
    pub id: u64,
    /// Its type, e.g. `Passport`, `Tax ID No.`, `Registration Number`.
    pub kind: Reference,
    /// The name it was issued to, as written.
    pub name: String,
    /// The id of that name.
    pub name_id: Option<u64>,
    /// The number.
    pub number: String,
    /// Whether OFAC holds it valid.
    pub is_valid: bool,
    /// The issuing authority.
    pub issuing_authority: Option<String>,
    /// The place of issue.
    pub issuing_location: Option<String>,
    /// The issuing country.
    pub issuing_country: Option<Reference>,
    /// The issue date.
    pub issue_date: Option<DatePeriod>,
    /// The expiry date.
    pub expiration_date: Option<DatePeriod>,
    /// Comments.
    pub comments: Option<String>,
}

/// The type of a relationship between two entities.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum RelationshipKind {
    /// `Owned or Controlled By`: the related entity owns or controls this one.
    OwnedOrControlledBy,
    /// `Owns, controls, or operates`: this entity owns, controls or operates the related one.
    OwnsControlsOrOperates,
    /// `Acting for or on behalf of`.
    ActingFor,
    /// Another type, as written.
    Other(String),
}

/// A relationship to another entity.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Relationship {
    /// The relationship's id.
    pub id: u64,
    /// Its type as written.
    pub kind: Reference,
    /// The related entity's id (which need not be in the same file).
    pub related_entity: u64,
    /// The related entity's name, as written.
    pub related_name: String,
    /// The quality OFAC gives.
    pub quality: Option<Reference>,
    /// When it held (empty in the files seen so far).
    pub date_range: Option<DatePeriod>,
    /// Comments.
    pub comments: Option<String>,
}

impl Relationship {
    /// The relationship's type.
    #[must_use]
    pub fn relationship_kind(&self) -> RelationshipKind {
        match self.kind.value.trim() {
            "Owned or Controlled By" => RelationshipKind::OwnedOrControlledBy,
            "Owns, controls, or operates" => RelationshipKind::OwnsControlsOrOperates,
            "Acting for or on behalf of" => RelationshipKind::ActingFor,
            other => RelationshipKind::Other(other.to_owned()),
        }
    }
}

impl EnhancedEntity {
    /// The subject's kind from `entityType`.
    #[must_use]
    pub fn kind(&self) -> EntityKind {
        match self.entity_type.value.trim() {
            "Individual" => EntityKind::Person,
            "Entity" => EntityKind::Organisation,
            "Vessel" => EntityKind::Vessel,
            "Aircraft" => EntityKind::Aircraft,
            _ => EntityKind::Other,
        }
    }

    /// The primary name's full name.
    #[must_use]
    pub fn primary_name(&self) -> Option<&str> {
        self.names
            .iter()
            .find(|n| n.is_primary)
            .and_then(Name::full_name)
    }

    /// The membership of the list named `list` (e.g. `SDN List`), if the entity is on it.
    #[must_use]
    pub fn list(&self, list: &str) -> Option<&ListMembership> {
        self.lists.iter().find(|m| m.list.value == list)
    }

    /// The features that carry a date, with what the date means.
    pub fn dated_features(&self) -> impl Iterator<Item = (FeatureDate, &Feature)> {
        self.features
            .iter()
            .filter_map(|f| f.date_kind().map(|kind| (kind, f)))
    }
}

impl EnhancedFile {
    /// The entity with this id.
    #[must_use]
    pub fn get(&self, id: u64) -> Option<&EnhancedEntity> {
        self.entities.iter().find(|e| e.id == id)
    }

    /// The ISO code of the country `reference` names, from the file's `referenceValues`.
    #[must_use]
    pub fn country(&self, reference: &Reference) -> Option<Country> {
        self.reference_values
            .get(&reference.ref_id)
            .and_then(|v| v.iso_code.as_deref())
            .and_then(|code| Country::new(code).ok())
    }

    /// The subject of `record` as an [`Entity`].
    ///
    /// - kind from `entityType`; name: the primary name's primary translation; aliases: the
    ///   other names and the other scripts of every name;
    /// - identifiers: the entity id as [`Identifier::ListEntry`] of [`Authority::US_OFAC`],
    ///   identity documents, and identifying features (vessel IMO numbers, aircraft serial
    ///   and tail numbers, SWIFT/BIC, digital currency addresses);
    /// - countries (ISO codes from `referenceValues`): of the addresses, nationality and
    ///   citizenship features;
    /// - addresses: the primary script's parts and the country, one line each;
    /// - details: `remarks`, `title`, and `date_of_birth`, `place_of_birth`, `gender`,
    ///   `website`, `organization_established_date` from features.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::import::ofac_enhanced;
    /// use sanctions_ledger::{Authority, EntityKind, Identifier};
    ///
    /// let xml = br#"<sanctionsData xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML">
    ///   <publicationInfo><dataAsOf>2025-01-10T00:00:00</dataAsOf><filters/></publicationInfo>
    ///   <referenceValues/><featureTypes/>
    ///   <entities><entity id="17016">
    ///     <generalInfo><identityId>8760</identityId><entityType refId="601">Entity</entityType></generalInfo>
    ///     <sanctionsLists><sanctionsList refId="1550" id="1" datePublished="2024-11-21">SDN List</sanctionsList></sanctionsLists>
    ///     <sanctionsPrograms/><sanctionsTypes/><legalAuthorities/>
    ///     <names><name id="26091"><isPrimary>true</isPrimary><isLowQuality>false</isLowQuality><translations>
    ///       <translation id="19398"><isPrimary>true</isPrimary><script refId="20122">Latin</script>
    ///         <formattedLastName>GAZPROMBANK JOINT STOCK COMPANY</formattedLastName>
    ///         <formattedFullName>GAZPROMBANK JOINT STOCK COMPANY</formattedFullName><nameParts/></translation>
    ///     </translations></name></names>
    ///   </entity></entities></sanctionsData>"#;
    /// let file = ofac_enhanced::parse("CONS_ENHANCED.XML", xml)?;
    /// let record = file.get(17016).ok_or("missing")?;
    /// assert_eq!(record.list("SDN List").map(|m| m.date_published.to_string()).as_deref(), Some("2024-11-21"));
    /// let entity = file.entity(record);
    /// assert_eq!(entity.kind, EntityKind::Organisation);
    /// assert_eq!(entity.name, "GAZPROMBANK JOINT STOCK COMPANY");
    /// assert!(entity.identifiers.contains(&Identifier::list_entry(Authority::US_OFAC, "17016")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn entity(&self, record: &EnhancedEntity) -> Entity {
        let kind = record.kind();
        let primary = record.names.iter().find(|n| n.is_primary);
        let name = primary
            .and_then(Name::full_name)
            .or_else(|| record.names.first().and_then(Name::full_name))
            .unwrap_or_default();
        let mut entity = Entity::new(kind, name).with_identifier(Identifier::list_entry(
            Authority::US_OFAC,
            record.id.to_string(),
        ));
        for n in &record.names {
            for t in &n.translations {
                if t.full_name != entity.name {
                    entity.aliases.push(t.full_name.clone());
                }
            }
        }
        for address in &record.addresses {
            let translation = address
                .translations
                .iter()
                .find(|t| t.is_primary)
                .or_else(|| address.translations.first());
            let mut parts: Vec<&str> = translation
                .map(|t| t.parts.iter().map(|p| p.value.as_str()).collect())
                .unwrap_or_default();
            if let Some(country) = &address.country {
                parts.push(&country.value);
                entity.countries.extend(self.country(country));
            }
            if !parts.is_empty() {
                entity.addresses.push(parts.join(", "));
            }
        }
        for document in &record.documents {
            let country = document
                .issuing_country
                .as_ref()
                .and_then(|c| self.country(c));
            entity.identifiers.push(document_identifier(
                &document.kind.value,
                &document.number,
                country,
            ));
        }
        let mut details: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for feature in &record.features {
            let value = feature.value.trim();
            match feature.kind.value.trim() {
                "Nationality Country" | "Citizenship Country" => {
                    let country = feature.value_ref_id.map(|ref_id| Reference {
                        ref_id,
                        value: value.to_owned(),
                    });
                    entity
                        .countries
                        .extend(country.as_ref().and_then(|c| self.country(c)));
                }
                "Birthdate" => details.entry("date_of_birth").or_default().push(value),
                "Place of Birth" => details.entry("place_of_birth").or_default().push(value),
                "Gender" => details.entry("gender").or_default().push(value),
                "Website" => details.entry("website").or_default().push(value),
                "Organization Established Date" => details
                    .entry("organization_established_date")
                    .or_default()
                    .push(value),
                other => entity
                    .identifiers
                    .extend(feature_identifier(kind, other, value)),
            }
        }
        for (key, mut values) in details {
            // A fact can be written twice (two versions of one feature): keep it once.
            let mut seen = HashSet::new();
            values.retain(|v| seen.insert(*v));
            entity.details.insert(key.to_owned(), values.join("; "));
        }
        if let Some(remarks) = &record.remarks {
            entity.details.insert("remarks".into(), remarks.clone());
        }
        if let Some(title) = &record.title {
            entity.details.insert("title".into(), title.clone());
        }
        super::canonical_entity(entity)
    }
}

impl EnhancedFile {
    /// The publication the file is: `SDN` for `SDN_ENHANCED` (filtered to the `SDN List`),
    /// `CONS` for `CONS_ENHANCED` (filtered to the `Consolidated List`), the same keys as the
    /// legacy CSV files of the same lists, so that their entities have the same ids.
    ///
    /// # Errors
    ///
    /// [`ImportError::WrongFormat`] for a file filtered to anything else (or not filtered):
    /// what its absence would mean is not known.
    pub fn publication(&self) -> Result<&'static str, ImportError> {
        let filters: Vec<&str> = self.list_filters.iter().map(|r| r.value.trim()).collect();
        match filters[..] {
            ["SDN List"] => Ok(super::ofac::SDN_LIST),
            ["Consolidated List"] => Ok(super::ofac::CONSOLIDATED_LIST),
            _ => Err(ImportError::WrongFormat {
                file: self.file.clone(),
                expected: "OFAC's SDN_ENHANCED or CONS_ENHANCED XML",
                found: format!(
                    "an ENHANCED XML filtered to the lists {filters:?}, not to the SDN List or \
                     the Consolidated List alone"
                ),
            }),
        }
    }

    /// The file as a [`Snapshot`] of its publication on `dataAsOf`, one [`ListEntry`] per
    /// entity and list it is on.
    ///
    /// - Lists: each `sanctionsList` but the `Consolidated List` (the whole non-SDN
    ///   publication, not a list of its own) is a [`List`] of US OFAC (`SDN List` →
    ///   [`List::US_OFAC_SDN`], `Sectoral Sanctions Identifications List` →
    ///   [`List::US_OFAC_SSI`], `Non-SDN Menu-Based Sanctions List` →
    ///   [`List::US_OFAC_NS_MBS`], and the CMIC, PLC, CAPTA and FSE lists); a name this crate
    ///   does not know is recorded under a code made from it, with a
    ///   [`WarningKind::UnknownListName`].
    /// - Measures follow the list: blocking ([`Measure::AssetFreeze`](crate::Measure::AssetFreeze)) on the SDN list only;
    ///   SSI, NS-MBS and CAPTA entries are [`Measure::Sectoral`](crate::Measure::Sectoral), CMIC entries
    ///   [`Measure::InvestmentBan`](crate::Measure::InvestmentBan), PLC and FSE entries refused transactions, never a block.
    ///   Programs: the entity's `sanctionsPrograms`, on each of its lists.
    /// - Dates: a membership's `datePublished` is [`ListEntry::listed_on`], OFAC's claim.
    ///   Reconciliation takes it as the effective date of a new membership unless it is on or
    ///   before an earlier snapshot that did not hold the membership: after a move OFAC keeps
    ///   the old date (Gazprombank's subsidiaries joined the SDN list in late 2024 with their
    ///   2016 SSI date), and such a membership is observed on the snapshot's date instead.
    /// - `CONS` shows its entities' SDN list memberships without holding the SDN list (an
    ///   entity on the SDN list alone is not in it), and `SDN` shows its entities' non-SDN
    ///   memberships likewise: see [`Snapshot::set_not_covered`].
    ///
    /// The relationships between entities of the file become the snapshot's
    /// [`relations`](Snapshot::relations) (see the module's documentation); they stay on the
    /// records too ([`EnhancedEntity::relationships`]).
    ///
    /// # Errors
    ///
    /// As [`EnhancedFile::publication`].
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::import::ofac_enhanced;
    /// use sanctions_ledger::{List, Measure};
    ///
    /// let xml = br#"<sanctionsData xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML">
    ///   <publicationInfo><dataAsOf>2025-01-10T00:00:00</dataAsOf><filters><sanctionsLists>
    ///     <sanctionsList refId="91512">Consolidated List</sanctionsList></sanctionsLists></filters></publicationInfo>
    ///   <referenceValues/><featureTypes/>
    ///   <entities><entity id="17016">
    ///     <generalInfo><identityId>8760</identityId><entityType refId="601">Entity</entityType></generalInfo>
    ///     <sanctionsLists>
    ///       <sanctionsList refId="1550" id="1" datePublished="2024-11-21">SDN List</sanctionsList>
    ///       <sanctionsList refId="91507" id="2" datePublished="2014-07-16">Sectoral Sanctions Identifications List</sanctionsList>
    ///       <sanctionsList refId="91512" id="3" datePublished="2014-07-16">Consolidated List</sanctionsList>
    ///     </sanctionsLists>
    ///     <sanctionsPrograms><sanctionsProgram refId="1" id="4">RUSSIA-EO14024</sanctionsProgram></sanctionsPrograms>
    ///     <sanctionsTypes/><legalAuthorities/>
    ///     <names><name id="26091"><isPrimary>true</isPrimary><isLowQuality>false</isLowQuality><translations>
    ///       <translation id="19398"><isPrimary>true</isPrimary><script refId="20122">Latin</script>
    ///         <formattedFullName>GAZPROMBANK JOINT STOCK COMPANY</formattedFullName><nameParts/></translation>
    ///     </translations></name></names>
    ///   </entity></entities></sanctionsData>"#;
    /// let snapshot = ofac_enhanced::parse("CONS_ENHANCED.XML", xml)?.snapshot()?;
    /// assert_eq!((snapshot.list(), snapshot.date().to_string().as_str()), ("CONS", "2025-01-10"));
    /// let lists: Vec<_> = snapshot.memberships("17016").iter().map(|e| e.list.clone()).collect();
    /// assert_eq!(lists, [Some(List::US_OFAC_SDN), Some(List::US_OFAC_SSI)]);
    /// let ssi = snapshot.get_on("17016", &List::US_OFAC_SSI).ok_or("on SSI")?;
    /// assert_eq!(ssi.measures, [Measure::Sectoral]); // restricted, not blocked
    /// assert_eq!(ssi.listed_on.map(|d| d.to_string()).as_deref(), Some("2014-07-16"));
    /// assert!(!snapshot.covers(&List::US_OFAC_SDN));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn snapshot(&self) -> Result<Snapshot, ImportError> {
        let key = self.publication()?;
        let mut snapshot = Snapshot::new(
            Authority::US_OFAC,
            key,
            self.data_as_of,
            self.file.clone(),
            true,
        );
        if key == super::ofac::SDN_LIST {
            snapshot.set_covered_only(vec![List::US_OFAC_SDN]);
        } else {
            snapshot.set_not_covered(List::US_OFAC_SDN);
        }
        let mut warnings = Vec::new();
        for record in &self.entities {
            let entity = self.entity(record);
            let id = record.id.to_string();
            let mut programs: Vec<Program> = record
                .programs
                .iter()
                .filter_map(|p| Program::new(Authority::US_OFAC, &p.value.value).ok())
                .collect();
            programs.sort();
            programs.dedup();
            // The lists the entity is on, with their codes, the whole Consolidated list aside.
            let mut memberships = Vec::new();
            for membership in &record.lists {
                let name = membership.list.value.trim();
                let code = match super::ofac::list_code(name) {
                    Some(code) => code.to_owned(),
                    None if name == "Consolidated List" => continue,
                    None => code_of(name),
                };
                let Ok(list) = List::new(Authority::US_OFAC, &code) else {
                    continue;
                };
                if super::ofac::list_code(name).is_none() {
                    warnings.push(Warning::new(
                        &self.file,
                        record.line,
                        WarningKind::UnknownListName {
                            entry: id.clone(),
                            name: name.to_owned(),
                            list: list.clone(),
                        },
                    ));
                }
                memberships.push((list, code, membership.date_published));
            }
            let on_a_list = !memberships.is_empty();
            for (list, code, date_published) in &memberships {
                let mut entry =
                    ListEntry::raw(id.clone(), entity.clone(), record.line).on_list(list.clone());
                entry.programs = programs_on(code, &programs, &memberships);
                entry.measures.push(super::ofac::list_measure(code));
                entry.listed_on = Some(*date_published);
                // A list named twice keeps its first membership.
                snapshot.insert(entry);
            }
            if !on_a_list {
                // On the whole Consolidated list only: recorded under it, restricted.
                warnings.push(Warning::new(
                    &self.file,
                    record.line,
                    WarningKind::UnknownList {
                        entry: id.clone(),
                        programs: programs
                            .iter()
                            .map(Program::code)
                            .collect::<Vec<_>>()
                            .join(", "),
                    },
                ));
                let mut entry = ListEntry::raw(id.clone(), entity.clone(), record.line);
                entry.programs.clone_from(&programs);
                entry.measures.push(super::ofac::list_measure(""));
                entry.listed_on = record.lists.iter().map(|m| m.date_published).min();
                snapshot.insert(entry);
            }
        }
        for warning in warnings {
            snapshot.add_warning(warning);
        }
        snapshot.warn_of_dates_after_snapshot();
        super::relations::read_enhanced(self, &mut snapshot);
        Ok(snapshot)
    }
}

/// The programs of an entity on the list `code`: those only that list uses (`UKRAINE-EO13662`
/// for SSI, ...), and on the SDN list (or a list without programs of its own) those that no
/// other list of the entity claims; all of them when that leaves none. An SDN move then shows
/// as a new SDN designation, not as a change of the entity's SSI terms.
fn programs_on(
    code: &str,
    programs: &[Program],
    memberships: &[(List, String, NaiveDate)],
) -> Vec<Program> {
    let own = |list: &str, p: &Program| super::ofac::list_has_program(list, p.code());
    let mut on: Vec<Program> = programs.iter().filter(|p| own(code, p)).cloned().collect();
    if on.is_empty() {
        on = programs
            .iter()
            .filter(|p| !memberships.iter().any(|(_, other, _)| own(other, p)))
            .cloned()
            .collect();
    }
    if on.is_empty() {
        programs.to_vec()
    } else {
        on
    }
}

/// A list code made from a list name this crate does not know: its words in upper case
/// joined by `-`, cut to 32 bytes (`Non-SDN Iran Sanctions Act List` →
/// `NON-SDN-IRAN-SANCTIONS-ACT-LIST`).
fn code_of(name: &str) -> String {
    let mut code: String = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
        .to_ascii_uppercase();
    code.truncate(32);
    let trimmed = code.trim_end_matches('-').len();
    code.truncate(trimmed);
    if code.is_empty() {
        "OTHER".to_owned()
    } else {
        code
    }
}

/// The identifier an identity document gives: a typed [`Document`] whose kind comes from
/// OFAC's vocabulary of document labels, shared with the remarks of the legacy CSV
/// ([`ofac::document_kind`](super::ofac::document_kind)), with the type's name as scheme.
fn document_identifier(kind: &str, number: &str, country: Option<Country>) -> Identifier {
    let label = kind.trim();
    let kind = super::ofac::document_kind(label).unwrap_or(DocumentKind::Other);
    let mut document = Document::new(kind, number.trim()).with_scheme(label);
    if let Some(country) = country {
        document = document.with_country(country);
    }
    Identifier::Document(document)
}

/// The identifier an identifying feature gives, if it is one.
///
/// A vessel's `Vessel Registration Identification` is its IMO ship number (checked); on a
/// company it is the IMO company number of an owner or manager, which has no ship check digit
/// (see [`ImoCompanyNumber`]).
fn feature_identifier(kind: EntityKind, feature: &str, value: &str) -> Option<Identifier> {
    match feature {
        "Vessel Registration Identification" => Some(match (kind, ImoNumber::new(value)) {
            (EntityKind::Vessel, Ok(imo)) => Identifier::Imo(imo),
            (EntityKind::Vessel, Err(_)) => document_identifier(feature, value, None),
            _ => ImoCompanyNumber::new(value).map_or_else(
                |_| document_identifier(feature, value, None),
                Identifier::ImoCompany,
            ),
        }),
        "Aircraft Manufacturer's Serial Number (MSN)" => {
            Some(Identifier::AircraftSerial(value.to_owned()))
        }
        "Aircraft Tail Number" => Some(Identifier::AircraftRegistration(value.to_owned())),
        "SWIFT/BIC" | "MMSI" | "Vessel Call Sign" => {
            Some(document_identifier(feature, value, None))
        }
        _ => {
            // `Digital Currency Address - XBT`: the currency is in the feature's name.
            let currency = feature.strip_prefix("Digital Currency Address - ")?;
            Some(Identifier::DigitalCurrencyAddress {
                currency: currency.trim().to_owned(),
                address: value.to_owned(),
            })
        }
    }
}

/// Parses an ENHANCED XML file, plain or zipped (a zip is recognised by its first bytes);
/// `name` is used in errors.
///
/// # Errors
///
/// [`ImportError::Empty`] for a blank file or one without entities;
/// [`ImportError::Truncated`] when an element is left open;
/// [`ImportError::Archive`] for a zip that is cut short, fails its CRC check or does not hold
/// exactly one XML file; [`ImportError::WrongFormat`] for another kind of file, saying what it
/// looks like; [`ImportError::Malformed`] for XML errors, a missing `publicationInfo/dataAsOf`,
/// an entity without id, type, list or primary name, a bad date, number or boolean, or an
/// entity id seen twice.
pub fn parse(name: &str, bytes: &[u8]) -> Result<EnhancedFile, ImportError> {
    if bytes.starts_with(b"PK\x03\x04") {
        let (inner, xml) = unzip(name, bytes)?;
        return parse_xml(&format!("{name} ({inner})"), &xml);
    }
    parse_xml(name, bytes)
}

/// Reads and parses the ENHANCED XML file (or zip) at `path`.
///
/// # Errors
///
/// [`ImportError::Io`] when the file cannot be read, then as [`parse`].
pub fn read(path: &Path) -> Result<EnhancedFile, ImportError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        file: name.clone(),
        source,
    })?;
    parse(&name, &bytes)
}

/// The one XML file inside a zip archive, inflated and CRC-checked.
fn unzip(name: &str, bytes: &[u8]) -> Result<(String, Vec<u8>), ImportError> {
    let archive_error = |reason: String| ImportError::Archive {
        file: name.into(),
        reason,
    };
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
        archive_error(format!(
            "{e} (an archive without its central directory was cut short)"
        ))
    })?;
    let files: Vec<usize> = (0..archive.len())
        .filter(|&i| archive.by_index_raw(i).is_ok_and(|f| f.is_file()))
        .collect();
    let [index] = files[..] else {
        return Err(archive_error(format!(
            "it holds {} files, not one list file",
            files.len()
        )));
    };
    let mut entry = archive
        .by_index(index)
        .map_err(|e| archive_error(format!("cannot open its entry: {e}")))?;
    let inner = entry
        .name()
        .map_or_else(|_| "its entry".to_owned(), std::borrow::Cow::into_owned);
    if entry.size() > MAX_INFLATED {
        return Err(archive_error(format!(
            "{inner} would inflate to {} bytes, more than the {MAX_INFLATED} accepted",
            entry.size()
        )));
    }
    let mut xml = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0));
    (&mut entry)
        .take(MAX_INFLATED + 1)
        .read_to_end(&mut xml)
        .map_err(|e| archive_error(format!("{inner} cannot be inflated whole: {e}")))?;
    if xml.len() as u64 != entry.size() {
        return Err(archive_error(format!(
            "{inner} inflates to {} bytes where the archive says {}",
            xml.len(),
            entry.size()
        )));
    }
    Ok((inner, xml))
}

fn parse_xml(name: &str, bytes: &[u8]) -> Result<EnhancedFile, ImportError> {
    let mut builder = Builder::new(name);
    xml::walk(
        name,
        bytes,
        &Root {
            format: FORMAT,
            name: "sanctionsData",
            namespace: Some(NAMESPACE),
        },
        &mut builder,
    )?;
    builder.finish()
}

/// The parser's state: the file so far and the records being read.
struct Builder<'a> {
    file: &'a str,
    data_as_of: Option<NaiveDate>,
    list_filters: Vec<Reference>,
    program_filters: Vec<Reference>,
    reference_values: BTreeMap<u64, ReferenceValue>,
    reference_value: Option<ReferenceValue>,
    feature_types: BTreeMap<u64, FeatureType>,
    feature_type: Option<FeatureType>,
    entities: Vec<EnhancedEntity>,
    ids: HashSet<u64>,
    entity: Option<EnhancedEntity>,
    name: Option<Name>,
    translation: Option<NameTranslation>,
    address: Option<Address>,
    address_translation: Option<AddressTranslation>,
    part_kind: Option<Reference>,
    part_value: Option<String>,
    feature: Option<Feature>,
    document: Option<IdentityDocument>,
    relationship: Option<Relationship>,
    period: Option<DatePeriod>,
}

impl<'a> Builder<'a> {
    fn new(file: &'a str) -> Self {
        Builder {
            file,
            data_as_of: None,
            list_filters: Vec::new(),
            program_filters: Vec::new(),
            reference_values: BTreeMap::new(),
            reference_value: None,
            feature_types: BTreeMap::new(),
            feature_type: None,
            entities: Vec::new(),
            ids: HashSet::new(),
            entity: None,
            name: None,
            translation: None,
            address: None,
            address_translation: None,
            part_kind: None,
            part_value: None,
            feature: None,
            document: None,
            relationship: None,
            period: None,
        }
    }

    fn finish(self) -> Result<EnhancedFile, ImportError> {
        let Some(data_as_of) = self.data_as_of else {
            return Err(malformed(
                self.file,
                1,
                "no publicationInfo/dataAsOf: the file does not say which day it describes",
            ));
        };
        if self.entities.is_empty() {
            return Err(ImportError::Empty {
                file: self.file.into(),
            });
        }
        Ok(EnhancedFile {
            file: self.file.into(),
            data_as_of,
            list_filters: self.list_filters,
            program_filters: self.program_filters,
            reference_values: self.reference_values,
            feature_types: self.feature_types,
            entities: self.entities,
        })
    }

    fn id(&self, frame: &Frame, key: &str) -> Result<u64, ImportError> {
        let value = frame.attr(key).unwrap_or("");
        number(value).ok_or_else(|| {
            malformed(
                self.file,
                frame.line,
                format!("<{}> has {key} {value:?}, not a number", frame.name),
            )
        })
    }

    fn reference(&self, frame: &Frame, text: &str) -> Result<Reference, ImportError> {
        Ok(Reference {
            ref_id: self.id(frame, "refId")?,
            value: text.to_owned(),
        })
    }

    fn flag(&self, frame: &Frame, text: &str) -> Result<bool, ImportError> {
        boolean(text).ok_or_else(|| {
            malformed(
                self.file,
                frame.line,
                format!("<{}> is {text:?}, not true or false", frame.name),
            )
        })
    }

    fn date(&self, frame: &Frame, text: &str) -> Result<NaiveDate, ImportError> {
        iso_date(text).ok_or_else(|| {
            malformed(
                self.file,
                frame.line,
                format!("<{}> is {text:?}, not a date", frame.name),
            )
        })
    }

    fn optional_number(&self, frame: &Frame, text: &str) -> Result<u64, ImportError> {
        number(text).ok_or_else(|| {
            malformed(
                self.file,
                frame.line,
                format!("<{}> is {text:?}, not a number", frame.name),
            )
        })
    }

    fn entity_done(&mut self, frame: &Frame) -> Result<(), ImportError> {
        let Some(entity) = self.entity.take() else {
            return Ok(());
        };
        let fail = |what: &str| {
            malformed(
                self.file,
                entity.line,
                format!("entity {}: {what}", entity.id),
            )
        };
        if entity.entity_type.value.is_empty() {
            return Err(fail("no generalInfo/entityType"));
        }
        if entity.lists.is_empty() {
            return Err(fail("on no sanctions list"));
        }
        if entity.primary_name().is_none_or(str::is_empty) {
            return Err(fail("no primary name"));
        }
        if !self.ids.insert(entity.id) {
            return Err(malformed(
                self.file,
                frame.line,
                format!("entity id {} appears twice", entity.id),
            ));
        }
        self.entities.push(entity);
        Ok(())
    }
}

fn number(text: &str) -> Option<u64> {
    text.trim().parse().ok()
}

fn some(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

fn parent(parents: &[Frame], up: usize) -> &str {
    parents
        .len()
        .checked_sub(up)
        .and_then(|i| parents.get(i))
        .map_or("", |f| f.name.as_str())
}

impl Handler for Builder<'_> {
    #[allow(clippy::too_many_lines)] // one arm per record kind, each a struct literal
    fn open(&mut self, parents: &[Frame], element: &Frame) -> Result<(), ImportError> {
        let name = element.name.as_str();
        match (parent(parents, 1), name) {
            ("referenceValues", "referenceValue") => {
                self.reference_value = Some(ReferenceValue {
                    ref_id: self.id(element, "refId")?,
                    kind: String::new(),
                    value: String::new(),
                    code: None,
                    iso_code: None,
                });
            }
            ("featureTypes", "featureType") => {
                self.feature_type = Some(FeatureType {
                    id: self.id(element, "featureTypeId")?,
                    name: String::new(),
                    detail_type: None,
                    publish_exclude: None,
                });
            }
            ("entities", "entity") => {
                self.entity = Some(EnhancedEntity {
                    id: self.id(element, "id")?,
                    line: element.line,
                    identity_id: None,
                    entity_type: Reference {
                        ref_id: 0,
                        value: String::new(),
                    },
                    living_status: None,
                    remarks: None,
                    title: None,
                    lists: Vec::new(),
                    programs: Vec::new(),
                    sanctions_types: Vec::new(),
                    legal_authorities: Vec::new(),
                    names: Vec::new(),
                    addresses: Vec::new(),
                    features: Vec::new(),
                    documents: Vec::new(),
                    relationships: Vec::new(),
                });
            }
            ("names", "name") if self.entity.is_some() => {
                self.name = Some(Name {
                    id: self.id(element, "id")?,
                    is_primary: false,
                    alias_type: None,
                    is_low_quality: false,
                    translations: Vec::new(),
                });
            }
            ("translations", "translation") if parent(parents, 2) == "name" => {
                self.translation = Some(NameTranslation {
                    id: self.id(element, "id")?,
                    is_primary: false,
                    script: Reference {
                        ref_id: 0,
                        value: String::new(),
                    },
                    first_name: None,
                    last_name: None,
                    full_name: String::new(),
                    parts: Vec::new(),
                });
            }
            ("addresses", "address") if self.entity.is_some() => {
                self.address = Some(Address {
                    id: self.id(element, "id")?,
                    country: None,
                    translations: Vec::new(),
                });
            }
            ("translations", "translation") if parent(parents, 2) == "address" => {
                self.address_translation = Some(AddressTranslation {
                    id: self.id(element, "id")?,
                    is_primary: false,
                    script: Reference {
                        ref_id: 0,
                        value: String::new(),
                    },
                    parts: Vec::new(),
                });
            }
            ("nameParts", "namePart") | ("addressParts", "addressPart") => {
                self.part_kind = None;
                self.part_value = None;
            }
            ("features", "feature") if self.entity.is_some() => {
                self.feature = Some(Feature {
                    id: self.id(element, "id")?,
                    kind: Reference {
                        ref_id: 0,
                        value: String::new(),
                    },
                    version_id: None,
                    value: String::new(),
                    value_ref_id: None,
                    value_date: None,
                    is_primary: false,
                    reliability: None,
                    comments: None,
                });
            }
            ("identityDocuments", "identityDocument") => {
                self.document = Some(IdentityDocument {
                    id: self.id(element, "id")?,
                    kind: Reference {
                        ref_id: 0,
                        value: String::new(),
                    },
                    name: String::new(),
                    name_id: None,
                    number: String::new(),
                    is_valid: false,
                    issuing_authority: None,
                    issuing_location: None,
                    issuing_country: None,
                    issue_date: None,
                    expiration_date: None,
                    comments: None,
                });
            }
            ("relationships", "relationship") => {
                self.relationship = Some(Relationship {
                    id: self.id(element, "id")?,
                    kind: Reference {
                        ref_id: 0,
                        value: String::new(),
                    },
                    related_entity: 0,
                    related_name: String::new(),
                    quality: None,
                    date_range: None,
                    comments: None,
                });
            }
            (
                "feature" | "identityDocument" | "relationship",
                "valueDate" | "issueDate" | "expirationDate" | "dateRange",
            ) => {
                self.period = Some(DatePeriod {
                    id: self.id(element, "id")?,
                    ..DatePeriod::default()
                });
            }
            _ => {}
        }
        Ok(())
    }

    #[allow(clippy::too_many_lines)] // one flat dispatch on the element's place in the file
    fn close(&mut self, parents: &[Frame], element: &Frame, text: &str) -> Result<(), ImportError> {
        let name = element.name.as_str();
        let up = parent(parents, 1);
        match (up, name) {
            ("publicationInfo", "dataAsOf") => self.data_as_of = Some(self.date(element, text)?),
            ("sanctionsLists", "sanctionsList") if parent(parents, 2) == "filters" => {
                let reference = self.reference(element, text)?;
                self.list_filters.push(reference);
            }
            ("sanctionsPrograms", "sanctionsProgram") if parent(parents, 2) == "filters" => {
                let reference = self.reference(element, text)?;
                self.program_filters.push(reference);
            }
            ("referenceValue", field) => {
                if let Some(value) = self.reference_value.as_mut() {
                    match field {
                        "type" => text.clone_into(&mut value.kind),
                        "value" => text.clone_into(&mut value.value),
                        "code" => value.code = some(text),
                        "isoCode" => value.iso_code = some(text),
                        _ => {}
                    }
                }
            }
            ("referenceValues", "referenceValue") => {
                if let Some(value) = self.reference_value.take() {
                    self.reference_values.insert(value.ref_id, value);
                }
            }
            ("featureType", field) => {
                let detail = match field {
                    "detailType" => Some(self.reference(element, text)?),
                    _ => None,
                };
                let exclude = match field {
                    "publishExclude" => Some(self.flag(element, text)?),
                    _ => None,
                };
                if let Some(feature_type) = self.feature_type.as_mut() {
                    match field {
                        "type" => text.clone_into(&mut feature_type.name),
                        "detailType" => feature_type.detail_type = detail,
                        "publishExclude" => feature_type.publish_exclude = exclude,
                        _ => {}
                    }
                }
            }
            ("featureTypes", "featureType") => {
                if let Some(feature_type) = self.feature_type.take() {
                    self.feature_types.insert(feature_type.id, feature_type);
                }
            }
            ("entities", "entity") => self.entity_done(element)?,
            _ if self.entity.is_none() => {}
            ("generalInfo", field) => {
                let value = match field {
                    "entityType" | "livingStatus" => Some(self.reference(element, text)?),
                    _ => None,
                };
                let identity = match field {
                    "identityId" => Some(self.optional_number(element, text)?),
                    _ => None,
                };
                if let Some(entity) = self.entity.as_mut() {
                    match field {
                        "identityId" => entity.identity_id = identity,
                        "entityType" => {
                            entity.entity_type = value.unwrap_or(entity.entity_type.clone());
                        }
                        "livingStatus" => entity.living_status = value,
                        "remarks" => entity.remarks = some(text),
                        "title" => entity.title = some(text),
                        _ => {}
                    }
                }
            }
            ("sanctionsLists", "sanctionsList") => {
                let membership = ListMembership {
                    id: self.id(element, "id")?,
                    list: self.reference(element, text)?,
                    date_published: {
                        let date = element.attr("datePublished").unwrap_or("");
                        self.date(element, date)?
                    },
                };
                if let Some(entity) = self.entity.as_mut() {
                    entity.lists.push(membership);
                }
            }
            (
                "sanctionsPrograms" | "sanctionsTypes" | "legalAuthorities",
                "sanctionsProgram" | "sanctionsType" | "legalAuthority",
            ) => {
                let membership = Membership {
                    id: self.id(element, "id")?,
                    value: self.reference(element, text)?,
                };
                if let Some(entity) = self.entity.as_mut() {
                    match name {
                        "sanctionsProgram" => entity.programs.push(membership),
                        "sanctionsType" => entity.sanctions_types.push(membership),
                        _ => entity.legal_authorities.push(membership),
                    }
                }
            }
            ("name", "isPrimary" | "isLowQuality") => {
                let flag = self.flag(element, text)?;
                if let Some(n) = self.name.as_mut() {
                    if name == "isPrimary" {
                        n.is_primary = flag;
                    } else {
                        n.is_low_quality = flag;
                    }
                }
            }
            ("name", "aliasType") => {
                let reference = self.reference(element, text)?;
                if let Some(n) = self.name.as_mut() {
                    n.alias_type = Some(reference);
                }
            }
            ("translation", field) if parent(parents, 3) == "name" => {
                let flag = match field {
                    "isPrimary" => Some(self.flag(element, text)?),
                    _ => None,
                };
                let script = match field {
                    "script" => Some(self.reference(element, text)?),
                    _ => None,
                };
                if let Some(t) = self.translation.as_mut() {
                    match field {
                        "isPrimary" => t.is_primary = flag.unwrap_or(false),
                        "script" => t.script = script.unwrap_or(t.script.clone()),
                        "formattedFirstName" => t.first_name = some(text),
                        "formattedLastName" => t.last_name = some(text),
                        "formattedFullName" => text.clone_into(&mut t.full_name),
                        _ => {}
                    }
                }
            }
            ("translation", field) if parent(parents, 3) == "address" => {
                let flag = match field {
                    "isPrimary" => Some(self.flag(element, text)?),
                    _ => None,
                };
                let script = match field {
                    "script" => Some(self.reference(element, text)?),
                    _ => None,
                };
                if let Some(t) = self.address_translation.as_mut() {
                    match field {
                        "isPrimary" => t.is_primary = flag.unwrap_or(false),
                        "script" => t.script = script.unwrap_or(t.script.clone()),
                        _ => {}
                    }
                }
            }
            ("namePart" | "addressPart", "type") => {
                self.part_kind = Some(self.reference(element, text)?);
            }
            ("namePart" | "addressPart", "value") => self.part_value = Some(text.to_owned()),
            ("nameParts" | "addressParts", "namePart" | "addressPart") => {
                let part = Part {
                    id: self.id(element, "id")?,
                    kind: self.part_kind.take().ok_or_else(|| {
                        malformed(self.file, element.line, format!("<{name}> without a type"))
                    })?,
                    value: self.part_value.take().unwrap_or_default(),
                };
                if name == "namePart" {
                    if let Some(t) = self.translation.as_mut() {
                        t.parts.push(part);
                    }
                } else if let Some(t) = self.address_translation.as_mut() {
                    t.parts.push(part);
                }
            }
            ("translations", "translation") if parent(parents, 2) == "name" => {
                if let (Some(n), Some(t)) = (self.name.as_mut(), self.translation.take()) {
                    n.translations.push(t);
                }
            }
            ("translations", "translation") if parent(parents, 2) == "address" => {
                if let (Some(a), Some(t)) = (self.address.as_mut(), self.address_translation.take())
                {
                    a.translations.push(t);
                }
            }
            ("names", "name") => {
                if let (Some(e), Some(n)) = (self.entity.as_mut(), self.name.take()) {
                    e.names.push(n);
                }
            }
            ("address" | "translations", "country") if self.address.is_some() => {
                let country = self.reference(element, text)?;
                if let Some(a) = self.address.as_mut() {
                    a.country = Some(country);
                }
            }
            ("addresses", "address") => {
                if let (Some(e), Some(a)) = (self.entity.as_mut(), self.address.take()) {
                    e.addresses.push(a);
                }
            }
            (
                "valueDate" | "issueDate" | "expirationDate" | "dateRange",
                "fromDateBegin" | "fromDateEnd" | "toDateBegin" | "toDateEnd",
            ) => {
                let date = self.date(element, text)?;
                if let Some(p) = self.period.as_mut() {
                    match name {
                        "fromDateBegin" => p.from_begin = Some(date),
                        "fromDateEnd" => p.from_end = Some(date),
                        "toDateBegin" => p.to_begin = Some(date),
                        _ => p.to_end = Some(date),
                    }
                }
            }
            (
                "valueDate" | "issueDate" | "expirationDate" | "dateRange",
                "isApproximate" | "isDateRange",
            ) => {
                let flag = self.flag(element, text)?;
                if let Some(p) = self.period.as_mut() {
                    if name == "isApproximate" {
                        p.is_approximate = flag;
                    } else {
                        p.is_date_range = flag;
                    }
                }
            }
            ("feature", field) => {
                let reference = match field {
                    "type" => Some(Reference {
                        ref_id: self.id(element, "featureTypeId")?,
                        value: text.to_owned(),
                    }),
                    "reliability" => Some(self.reference(element, text)?),
                    _ => None,
                };
                let number = match field {
                    "versionId" | "valueRefId" => Some(self.optional_number(element, text)?),
                    _ => None,
                };
                let flag = match field {
                    "isPrimary" => Some(self.flag(element, text)?),
                    _ => None,
                };
                let period = match field {
                    "valueDate" => self.period.take(),
                    _ => None,
                };
                if let Some(f) = self.feature.as_mut() {
                    match field {
                        "type" => f.kind = reference.unwrap_or(f.kind.clone()),
                        "versionId" => f.version_id = number,
                        "value" => text.clone_into(&mut f.value),
                        "valueRefId" => f.value_ref_id = number,
                        "valueDate" => f.value_date = period,
                        "isPrimary" => f.is_primary = flag.unwrap_or(false),
                        "reliability" => f.reliability = reference,
                        "comments" => f.comments = some(text),
                        _ => {}
                    }
                }
            }
            ("features", "feature") => {
                if let (Some(e), Some(f)) = (self.entity.as_mut(), self.feature.take()) {
                    e.features.push(f);
                }
            }
            ("identityDocument", field) => {
                let reference = match field {
                    "type" | "issuingCountry" => Some(self.reference(element, text)?),
                    _ => None,
                };
                let name_id = match field {
                    "name" => element.attr("nameId").and_then(number),
                    _ => None,
                };
                let flag = match field {
                    "isValid" => Some(self.flag(element, text)?),
                    _ => None,
                };
                let period = match field {
                    "issueDate" | "expirationDate" => self.period.take(),
                    _ => None,
                };
                if let Some(d) = self.document.as_mut() {
                    match field {
                        "type" => d.kind = reference.unwrap_or(d.kind.clone()),
                        "name" => {
                            text.clone_into(&mut d.name);
                            d.name_id = name_id;
                        }
                        "documentNumber" => text.clone_into(&mut d.number),
                        "isValid" => d.is_valid = flag.unwrap_or(false),
                        "issuingAuthority" => d.issuing_authority = some(text),
                        "issuingLocation" => d.issuing_location = some(text),
                        "issuingCountry" => d.issuing_country = reference,
                        "issueDate" => d.issue_date = period,
                        "expirationDate" => d.expiration_date = period,
                        "comments" => d.comments = some(text),
                        _ => {}
                    }
                }
            }
            ("identityDocuments", "identityDocument") => {
                if let (Some(e), Some(d)) = (self.entity.as_mut(), self.document.take()) {
                    if d.number.is_empty() {
                        return Err(malformed(
                            self.file,
                            element.line,
                            "an identity document without documentNumber",
                        ));
                    }
                    e.documents.push(d);
                }
            }
            ("relationship", field) => {
                let reference = match field {
                    "type" | "quality" => Some(self.reference(element, text)?),
                    _ => None,
                };
                let related = match field {
                    "relatedEntity" => Some(self.id(element, "entityId")?),
                    _ => None,
                };
                let period = match field {
                    "dateRange" => self.period.take(),
                    _ => None,
                };
                if let Some(r) = self.relationship.as_mut() {
                    match field {
                        "type" => r.kind = reference.unwrap_or(r.kind.clone()),
                        "relatedEntity" => {
                            r.related_entity = related.unwrap_or(0);
                            text.clone_into(&mut r.related_name);
                        }
                        "quality" => r.quality = reference,
                        "dateRange" => r.date_range = period,
                        "comments" => r.comments = some(text),
                        _ => {}
                    }
                }
            }
            ("relationships", "relationship") => {
                if let (Some(e), Some(r)) = (self.entity.as_mut(), self.relationship.take()) {
                    e.relationships.push(r);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feature(name: &str, dated: bool) -> Feature {
        Feature {
            id: 1,
            kind: Reference {
                ref_id: 1,
                value: name.into(),
            },
            version_id: None,
            value: String::new(),
            value_ref_id: None,
            value_date: dated.then(DatePeriod::default),
            is_primary: true,
            reliability: None,
            comments: None,
        }
    }

    #[test]
    fn feature_dates_are_classified() {
        let cases = [
            ("Listing Date (CMIC)", FeatureDate::CmicListing),
            ("Effective Date (CMIC)", FeatureDate::CmicEffective),
            (
                "Purchase/Sales For Divestment Date (CMIC)",
                FeatureDate::CmicDivestment,
            ),
            (
                "Listing Date (EO 14024 Directive 3):",
                FeatureDate::DirectiveListing("EO 14024 Directive 3".into()),
            ),
            (
                "Effective Date (EO 14014 Directive 1):",
                FeatureDate::DirectiveEffective("EO 14014 Directive 1".into()),
            ),
            ("Birthdate", FeatureDate::Birth),
            (
                "Organization Established Date",
                FeatureDate::Other("Organization Established Date".into()),
            ),
        ];
        for (name, want) in cases {
            assert_eq!(feature(name, true).date_kind(), Some(want), "{name}");
        }
        assert_eq!(feature("Listing Date (CMIC)", false).date_kind(), None);
    }

    #[test]
    fn a_vessel_imo_number_is_typed_only_on_a_vessel() {
        let imo = ImoNumber::new("9339301").ok().map(Identifier::Imo);
        assert_eq!(
            feature_identifier(
                EntityKind::Vessel,
                "Vessel Registration Identification",
                "IMO 9339301"
            ),
            imo
        );
        assert_eq!(
            feature_identifier(
                EntityKind::Organisation,
                "Vessel Registration Identification",
                "IMO 5305560"
            ),
            ImoCompanyNumber::new("5305560")
                .ok()
                .map(Identifier::ImoCompany)
        );
        assert_eq!(
            feature_identifier(EntityKind::Person, "Digital Currency Address - XBT", "1Abc"),
            Some(Identifier::DigitalCurrencyAddress {
                currency: "XBT".into(),
                address: "1Abc".into()
            })
        );
        assert_eq!(feature_identifier(EntityKind::Vessel, "Website", "x"), None);
    }
}
