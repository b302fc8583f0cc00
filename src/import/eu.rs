//! The EU Financial Sanctions Files (FSF) XML, version 1.1 (`xmlFullSanctionsList_1_1`), read
//! into format-level records.
//!
//! The file is `export` (namespace `http://eu.europa.ec/fpi/fsd/export`, attributes
//! `generationDate` and `globalFileId`) with one `sanctionEntity` per listing. [`EuFile`] keeps
//! for each [`EuEntity`] its `logicalId` (the stable key), `euReferenceNumber`,
//! `unitedNationId`, `designationDate` and `designationDetails`, the regulations (type,
//! publication and entry-into-force dates, number and title, programme, EUR-Lex address), the
//! subject type, the name aliases (with language, strength, function, gender), citizenships,
//! birth dates, identifications and addresses, each with the `regulationSummary` naming the
//! act that published it. [`EuFile::entity`] turns one record's subject into an [`Entity`].
//!
//! Dates are the source's claims: `designationDate` is missing on older entries, the
//! regulation named may be an amending act, and the earliest `regulationSummary` publication
//! date ([`EuEntity::earliest_publication`]) bounds when the entry was listed (on or before
//! it). Removal is absence from the next file. The country code `00` means "unknown" and is
//! read as no country.

use std::collections::HashSet;
use std::path::Path;

use chrono::NaiveDate;

use super::error::ImportError;
use super::snapshot::{ListEntry, Snapshot};
use super::warning::{Warning, WarningKind};
use super::xml::{self, boolean, iso_date, malformed, Frame, Handler, Root};
use crate::authority::{Authority, Program};
use crate::designation::Measure;
use crate::entity::{Country, Document, DocumentKind, Entity, EntityKind, Identifier};

/// The FSF XML namespace.
pub const NAMESPACE: &str = "http://eu.europa.ec/fpi/fsd/export";

const FORMAT: &str = "an EU Financial Sanctions Files XML";

/// One FSF XML file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EuFile {
    /// The file's name, as given to the parser.
    pub file: String,
    /// The date part of `generationDate`.
    pub generation_date: NaiveDate,
    /// `generationDate` as written, with its time and offset.
    pub generated_at: String,
    /// `globalFileId`, the export's number.
    pub global_file_id: Option<String>,
    /// The entries, in file order.
    pub entities: Vec<EuEntity>,
}

/// One `sanctionEntity`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EuEntity {
    /// `logicalId`: the stable key of the listing.
    pub logical_id: u64,
    /// The line of the file where the entry starts.
    pub line: usize,
    /// `euReferenceNumber`, e.g. `EU.3886.3`.
    pub eu_reference_number: Option<String>,
    /// `unitedNationId`: the UN reference when the listing implements a UN one, e.g. `LYi.006`.
    pub united_nation_id: Option<String>,
    /// `designationDate`, when given.
    pub designation_date: Option<NaiveDate>,
    /// `designationDetails`.
    pub designation_details: Option<String>,
    /// `delistingDate`, when given (defined in the schema, not seen populated).
    pub delisting_date: Option<NaiveDate>,
    /// `remark` elements of the entry.
    pub remarks: Vec<String>,
    /// The regulations the entry names.
    pub regulations: Vec<Regulation>,
    /// `subjectType`.
    pub subject_type: SubjectType,
    /// The names.
    pub name_aliases: Vec<NameAlias>,
    /// Citizenships.
    pub citizenships: Vec<Citizenship>,
    /// Birth dates.
    pub birthdates: Vec<Birthdate>,
    /// Identity documents and registration numbers.
    pub identifications: Vec<Identification>,
    /// Addresses.
    pub addresses: Vec<EuAddress>,
}

/// A `regulation` of an entry: the act that listed or last amended it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Regulation {
    /// Its `logicalId`.
    pub logical_id: Option<u64>,
    /// `regulationType`: `regulation`, `amendment`, …
    pub regulation_type: Option<String>,
    /// `organisationType`: `council`, `commission`.
    pub organisation_type: Option<String>,
    /// `publicationDate`: publication in the Official Journal.
    pub publication_date: Option<NaiveDate>,
    /// `entryIntoForceDate`: legal effect.
    pub entry_into_force_date: Option<NaiveDate>,
    /// `numberTitle`, e.g. `2021/2124 (OJ L430I)`.
    pub number_title: Option<String>,
    /// `programme`, e.g. `BLR`, `TERR`.
    pub programme: Option<String>,
    /// `publicationUrl`.
    pub publication_url: Option<String>,
}

/// A `regulationSummary`: the act that published one sub-record of an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RegulationSummary {
    /// `regulationType`.
    pub regulation_type: Option<String>,
    /// `publicationDate`.
    pub publication_date: Option<NaiveDate>,
    /// `numberTitle`.
    pub number_title: Option<String>,
    /// `publicationUrl`.
    pub publication_url: Option<String>,
}

/// `subjectType`: `person` (`P`) or `enterprise` (`E`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SubjectType {
    /// `code`.
    pub code: String,
    /// `classificationCode`.
    pub classification_code: Option<String>,
}

/// A `nameAlias`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NameAlias {
    /// Its `logicalId`.
    pub logical_id: Option<u64>,
    /// `wholeName`.
    pub whole_name: String,
    /// `firstName`.
    pub first_name: Option<String>,
    /// `middleName`.
    pub middle_name: Option<String>,
    /// `lastName`.
    pub last_name: Option<String>,
    /// `function`.
    pub function: Option<String>,
    /// `title`.
    pub title: Option<String>,
    /// `gender`.
    pub gender: Option<String>,
    /// `nameLanguage`, e.g. `EN`, `CS`, `AR` (none when not given).
    pub language: Option<String>,
    /// `strong`: whether this is a strong (good quality) name.
    pub strong: bool,
    /// `remark` elements.
    pub remarks: Vec<String>,
    /// The act that published it.
    pub summary: Option<RegulationSummary>,
}

/// A `citizenship`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Citizenship {
    /// Its `logicalId`.
    pub logical_id: Option<u64>,
    /// `countryIso2Code` (none for `00`, unknown).
    pub country: Option<String>,
    /// `countryDescription`.
    pub country_description: Option<String>,
    /// `region`.
    pub region: Option<String>,
    /// `remark` elements.
    pub remarks: Vec<String>,
    /// The act that published it.
    pub summary: Option<RegulationSummary>,
}

/// A `birthdate`: a full date, a year, or a range of years, with the place.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Birthdate {
    /// Its `logicalId`.
    pub logical_id: Option<u64>,
    /// `birthdate`, when a full Gregorian date is given.
    pub date: Option<NaiveDate>,
    /// `year`.
    pub year: Option<i32>,
    /// `monthOfYear`.
    pub month: Option<u32>,
    /// `dayOfMonth`.
    pub day: Option<u32>,
    /// `yearRangeFrom`.
    pub year_range_from: Option<i32>,
    /// `yearRangeTo`.
    pub year_range_to: Option<i32>,
    /// `circa`.
    pub circa: bool,
    /// `calendarType`, e.g. `GREGORIAN`, `ISLAMIC`.
    pub calendar_type: Option<String>,
    /// `city`.
    pub city: Option<String>,
    /// `place`.
    pub place: Option<String>,
    /// `region`.
    pub region: Option<String>,
    /// `countryIso2Code` (none for `00`).
    pub country: Option<String>,
    /// `countryDescription`.
    pub country_description: Option<String>,
    /// `remark` elements.
    pub remarks: Vec<String>,
    /// The act that published it.
    pub summary: Option<RegulationSummary>,
}

impl Birthdate {
    /// The date as text: `1944-04-04`, `1972`, or `1953-1958` for a range.
    #[must_use]
    pub fn text(&self) -> Option<String> {
        if let Some(date) = self.date {
            return Some(date.to_string());
        }
        match (self.year, self.year_range_from, self.year_range_to) {
            (None, Some(from), Some(to)) => Some(format!("{from}-{to}")),
            (year, from, to) => year.or(from).or(to).map(|y| y.to_string()),
        }
    }
}

/// An `identification`: a passport, identity card, registration number, …
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[allow(clippy::struct_excessive_bools)] // the format's own five independent flags
pub struct Identification {
    /// Its `logicalId`.
    pub logical_id: Option<u64>,
    /// `number`.
    pub number: String,
    /// `latinNumber`.
    pub latin_number: Option<String>,
    /// `identificationTypeCode`, e.g. `passport`, `id`, `regnumber`.
    pub type_code: Option<String>,
    /// `identificationTypeDescription`, e.g. `National passport`.
    pub type_description: Option<String>,
    /// `issuedBy`.
    pub issued_by: Option<String>,
    /// `issueDate`.
    pub issue_date: Option<NaiveDate>,
    /// `validFrom`.
    pub valid_from: Option<NaiveDate>,
    /// `validTo`.
    pub valid_to: Option<NaiveDate>,
    /// `nameOnDocument`.
    pub name_on_document: Option<String>,
    /// `region`.
    pub region: Option<String>,
    /// `countryIso2Code` (none for `00`).
    pub country: Option<String>,
    /// `countryDescription`.
    pub country_description: Option<String>,
    /// `diplomatic`.
    pub diplomatic: bool,
    /// `knownExpired`.
    pub known_expired: bool,
    /// `knownFalse`.
    pub known_false: bool,
    /// `reportedLost`.
    pub reported_lost: bool,
    /// `revokedByIssuer`.
    pub revoked_by_issuer: bool,
    /// `remark` elements.
    pub remarks: Vec<String>,
    /// The act that published it.
    pub summary: Option<RegulationSummary>,
}

/// An `address`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EuAddress {
    /// Its `logicalId`.
    pub logical_id: Option<u64>,
    /// `street`.
    pub street: Option<String>,
    /// `city`.
    pub city: Option<String>,
    /// `zipCode`.
    pub zip_code: Option<String>,
    /// `region`.
    pub region: Option<String>,
    /// `poBox`.
    pub po_box: Option<String>,
    /// `place`.
    pub place: Option<String>,
    /// `countryIso2Code` (none for `00`).
    pub country: Option<String>,
    /// `countryDescription`.
    pub country_description: Option<String>,
    /// `asAtListingTime`.
    pub as_at_listing_time: bool,
    /// `contactInfo` key and value pairs (e.g. `WEB`, `PHONE`).
    pub contact_info: Vec<(String, String)>,
    /// `remark` elements.
    pub remarks: Vec<String>,
    /// The act that published it.
    pub summary: Option<RegulationSummary>,
}

impl EuAddress {
    /// The address on one line: street, PO box, zip code, city, place, region, country.
    #[must_use]
    pub fn line(&self) -> String {
        [
            &self.street,
            &self.po_box,
            &self.zip_code,
            &self.city,
            &self.place,
            &self.region,
            &self.country_description,
        ]
        .into_iter()
        .flatten()
        .filter(|part| part.as_str() != "UNKNOWN")
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
    }
}

impl EuEntity {
    /// The publication dates of every `regulationSummary` on the entry's sub-records.
    pub fn summary_dates(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        let summaries = self
            .name_aliases
            .iter()
            .map(|a| &a.summary)
            .chain(self.citizenships.iter().map(|c| &c.summary))
            .chain(self.birthdates.iter().map(|b| &b.summary))
            .chain(self.identifications.iter().map(|i| &i.summary))
            .chain(self.addresses.iter().map(|a| &a.summary));
        summaries.filter_map(|s| s.as_ref().and_then(|s| s.publication_date))
    }

    /// The earliest `regulationSummary` publication date: the entry was listed on or before it.
    #[must_use]
    pub fn earliest_publication(&self) -> Option<NaiveDate> {
        self.summary_dates().min()
    }

    /// The programmes of the entry's regulations, without repeats, in file order.
    #[must_use]
    pub fn programmes(&self) -> Vec<&str> {
        let mut seen = Vec::new();
        for programme in self
            .regulations
            .iter()
            .filter_map(|r| r.programme.as_deref())
        {
            if !seen.contains(&programme) {
                seen.push(programme);
            }
        }
        seen
    }

    /// The subject's kind: `person` → person, `enterprise` → organisation.
    #[must_use]
    pub fn kind(&self) -> EntityKind {
        match self.subject_type.code.as_str() {
            "person" => EntityKind::Person,
            "enterprise" => EntityKind::Organisation,
            _ => EntityKind::Other,
        }
    }

    /// The name taken as primary. The FSF marks no primary name; the name the entry was first
    /// listed under has the lowest `logicalId`, so this is the strong alias in English or
    /// without a language with the lowest `logicalId`, else the strong alias with the lowest,
    /// else the first alias.
    #[must_use]
    pub fn primary_name(&self) -> Option<&NameAlias> {
        let order = |a: &&NameAlias| a.logical_id.unwrap_or(u64::MAX);
        let english = |a: &&NameAlias| {
            a.strong
                && a.language
                    .as_deref()
                    .is_none_or(|l| l.eq_ignore_ascii_case("EN"))
        };
        self.name_aliases
            .iter()
            .filter(english)
            .min_by_key(order)
            .or_else(|| {
                self.name_aliases
                    .iter()
                    .filter(|a| a.strong)
                    .min_by_key(order)
            })
            .or_else(|| self.name_aliases.first())
    }
}

impl EuFile {
    /// The entry with this `logicalId`.
    #[must_use]
    pub fn get(&self, logical_id: u64) -> Option<&EuEntity> {
        self.entities.iter().find(|e| e.logical_id == logical_id)
    }

    /// The subject of `record` as an [`Entity`].
    ///
    /// - kind from `subjectType`; name: [`EuEntity::primary_name`]; aliases: every other
    ///   `wholeName`, in any language;
    /// - identifiers: `logicalId` (the FSF's key) and `euReferenceNumber` as
    ///   [`Identifier::ListEntry`] of [`Authority::EU`], `unitedNationId` as one of
    ///   [`Authority::UN`], and the identifications as typed [`Identifier::Document`]s
    ///   (passport, national id, tax and registration numbers, SWIFT/BIC, others by name);
    /// - countries: of citizenships and addresses; addresses: one line each;
    /// - details: `date_of_birth`, `place_of_birth`, `function`, `gender`, `remarks`,
    ///   `designation_details`, `contact` (address contact information).
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::import::eu;
    /// use sanctions_ledger::{Authority, Identifier};
    ///
    /// let xml = br#"<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-08-05T16:47:04.449+02:00" globalFileId="184961">
    ///   <sanctionEntity designationDate="2011-02-26" unitedNationId="LYi.006" euReferenceNumber="EU.3886.3" logicalId="6106">
    ///     <regulation regulationType="amendment" publicationDate="2022-09-12" entryIntoForceDate="2022-09-13" numberTitle="2022/1502 (OJ L235)" programme="LBY"/>
    ///     <subjectType code="person" classificationCode="P"/>
    ///     <nameAlias wholeName="Abu Zayd Umar DORDA" nameLanguage="" strong="true" logicalId="8986"/>
    ///   </sanctionEntity>
    /// </export>"#;
    /// let file = eu::parse("fsf.xml", xml)?;
    /// let record = file.get(6106).ok_or("missing")?;
    /// assert_eq!(record.programmes(), ["LBY"]);
    /// let entity = file.entity(record);
    /// assert_eq!(entity.name, "Abu Zayd Umar DORDA");
    /// assert!(entity.identifiers.contains(&Identifier::list_entry(Authority::UN, "LYi.006")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    #[allow(clippy::too_many_lines)] // one list of fields, read in order
    pub fn entity(&self, record: &EuEntity) -> Entity {
        let primary = record.primary_name();
        let name = primary.map(|a| a.whole_name.clone()).unwrap_or_default();
        let mut entity = Entity::new(record.kind(), name).with_identifier(Identifier::list_entry(
            Authority::EU,
            record.logical_id.to_string(),
        ));
        for alias in &record.name_aliases {
            if alias.whole_name != entity.name {
                entity.aliases.push(alias.whole_name.clone());
            }
        }
        if let Some(reference) = &record.eu_reference_number {
            entity
                .identifiers
                .push(Identifier::list_entry(Authority::EU, reference.clone()));
        }
        if let Some(un) = &record.united_nation_id {
            entity
                .identifiers
                .push(Identifier::list_entry(Authority::UN, un.clone()));
        }
        for id in &record.identifications {
            entity.identifiers.push(document_identifier(id));
        }
        entity.countries.extend(
            record
                .citizenships
                .iter()
                .filter_map(|c| country(c.country.as_deref())),
        );
        let mut contact = Vec::new();
        for address in &record.addresses {
            entity.countries.extend(country(address.country.as_deref()));
            let line = address.line();
            if !line.is_empty() {
                entity.addresses.push(line);
            }
            contact.extend(
                address
                    .contact_info
                    .iter()
                    .map(|(k, v)| format!("{k}: {v}")),
            );
        }
        let births: Vec<String> = record
            .birthdates
            .iter()
            .filter_map(Birthdate::text)
            .collect();
        let places: Vec<String> = record
            .birthdates
            .iter()
            .map(|b| {
                [&b.city, &b.place, &b.region, &b.country_description]
                    .into_iter()
                    .flatten()
                    .filter(|p| p.as_str() != "UNKNOWN" && p.as_str() != "-")
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .filter(|p| !p.is_empty())
            .collect();
        let functions: Vec<String> = record
            .name_aliases
            .iter()
            .filter_map(|a| a.function.clone())
            .collect();
        let genders: Vec<String> = record
            .name_aliases
            .iter()
            .filter_map(|a| a.gender.clone())
            .collect();
        for (key, mut values) in [
            ("date_of_birth", births),
            ("place_of_birth", places),
            ("function", functions),
            ("gender", genders),
            ("remarks", record.remarks.clone()),
            (
                "designation_details",
                record.designation_details.iter().cloned().collect(),
            ),
            ("contact", contact),
        ] {
            values.dedup();
            let mut unique: Vec<String> = Vec::with_capacity(values.len());
            for value in values {
                if !unique.contains(&value) {
                    unique.push(value);
                }
            }
            if !unique.is_empty() {
                entity.details.insert(key.into(), unique.join("; "));
            }
        }
        super::canonical_entity(entity)
    }
}

/// The key of the EU's consolidated list as a publication: its entities' and designations'
/// ids derive from `EU:CONSOLIDATED:<logicalId>`, and its entries are on
/// [`List::EU_CONSOLIDATED`](crate::List::EU_CONSOLIDATED).
pub const CONSOLIDATED_LIST: &str = "CONSOLIDATED";

impl EuEntity {
    /// The act that listed the entry, when the file names it: the entry's `regulation` when
    /// no sub-record was published by an earlier act (the listing act published the names
    /// the entry was listed under; a later `regulation` is an amending act).
    #[must_use]
    pub fn listing_act(&self) -> Option<&Regulation> {
        let earliest = self.earliest_publication();
        self.regulations.iter().find(|r| {
            r.publication_date
                .is_some_and(|published| earliest.is_none_or(|e| published <= e))
        })
    }

    /// The dates an act named by the entry took effect or was published, sorted: the dates
    /// its listing may have been amended on.
    #[must_use]
    pub fn act_dates(&self) -> Vec<NaiveDate> {
        let mut dates: Vec<NaiveDate> = self
            .regulations
            .iter()
            .filter_map(|r| r.entry_into_force_date.or(r.publication_date))
            .chain(self.summary_dates())
            .collect();
        dates.sort_unstable();
        dates.dedup();
        dates
    }
}

impl EuFile {
    /// The file as a [`Snapshot`] of the EU's consolidated list (publication
    /// [`CONSOLIDATED_LIST`]) on its `generationDate`, one entry per `sanctionEntity`, keyed by
    /// `logicalId`.
    ///
    /// - Measure: [`Measure::AssetFreeze`] (the FSF holds the financial sanctions: asset
    ///   freezes). Programs: the regulations' `programme`s, as [`Program`]s of the EU.
    /// - Dates (issue 11, `FACTS.md` 5.2): the effective date is `designationDate` or, without
    ///   one, the entry into force of the listing act ([`EuEntity::listing_act`]);
    ///   `published` is the listing act's publication in the Official Journal. When neither
    ///   tells the original listing, the earliest `regulationSummary` bounds it: the entry was
    ///   listed on or before that date ([`ListEntry::listed_by`]), which becomes the
    ///   effective date with the observation window `(…, bound]`. An entry with no date at all
    ///   is taken as observed on the snapshot's date, with a [`WarningKind::NoListingDate`].
    ///   The dates of the acts it names are its amendment dates.
    /// - `delistingDate` is not used (not seen populated): removal is absence.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::import::eu;
    /// use sanctions_ledger::List;
    ///
    /// let xml = br#"<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-08-05T16:47:04.449+02:00" globalFileId="184961">
    ///   <sanctionEntity designationDate="2021-12-02" euReferenceNumber="EU.9000.1" logicalId="900001">
    ///     <regulation regulationType="amendment" publicationDate="2021-12-02" entryIntoForceDate="2021-12-02" numberTitle="2021/2124 (OJ L430I)" programme="BLR"/>
    ///     <subjectType code="enterprise" classificationCode="E"/>
    ///     <nameAlias wholeName="Belavia - Belarusian Airlines AAT" strong="true" logicalId="900003">
    ///       <regulationSummary regulationType="amendment" publicationDate="2021-12-02" numberTitle="2021/2124 (OJ L430I)"/>
    ///     </nameAlias>
    ///   </sanctionEntity>
    /// </export>"#;
    /// let snapshot = eu::parse("fsf.xml", xml)?.snapshot();
    /// let entry = snapshot.get("900001").ok_or("missing")?;
    /// assert_eq!(entry.list, Some(List::EU_CONSOLIDATED));
    /// assert_eq!(entry.listed_on.map(|d| d.to_string()).as_deref(), Some("2021-12-02"));
    /// assert_eq!(entry.published.map(|d| d.to_string()).as_deref(), Some("2021-12-02"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn snapshot(&self) -> Snapshot {
        let mut snapshot = Snapshot::new(
            Authority::EU,
            CONSOLIDATED_LIST,
            self.generation_date,
            self.file.clone(),
            true,
        );
        let mut warnings = Vec::new();
        for record in &self.entities {
            let id = record.logical_id.to_string();
            let mut entry = ListEntry::raw(id.clone(), self.entity(record), record.line);
            entry.programs = record
                .programmes()
                .into_iter()
                .filter_map(|p| Program::new(Authority::EU, p).ok())
                .collect();
            entry.measures.push(Measure::AssetFreeze);
            let act = record.listing_act();
            entry.listed_on = record
                .designation_date
                .or_else(|| act.and_then(|r| r.entry_into_force_date.or(r.publication_date)));
            entry.published = act.and_then(|r| r.publication_date);
            if entry.listed_on.is_none() {
                entry.listed_by = record.earliest_publication();
            }
            if entry.listed_on.is_none() && entry.listed_by.is_none() {
                warnings.push(Warning::new(
                    &self.file,
                    record.line,
                    WarningKind::NoListingDate { entry: id },
                ));
            }
            entry.amended_on = record.act_dates();
            entry.canonicalise();
            snapshot.insert(entry);
        }
        for warning in warnings {
            snapshot.add_warning(warning);
        }
        snapshot.warn_of_dates_after_snapshot();
        snapshot
    }
}

/// A country code, `00` (unknown) and invalid codes read as none.
fn country(code: Option<&str>) -> Option<Country> {
    code.filter(|c| *c != "00")
        .and_then(|c| Country::new(c).ok())
}

/// The identifier an identification gives: a typed [`Document`] whose kind comes from the
/// FSF's `identificationTypeCode` (see [`document_kind`]), with the type's description (or
/// code) as scheme and the issuing country.
fn document_identifier(id: &Identification) -> Identifier {
    let code = id.type_code.as_deref().unwrap_or("").trim();
    let scheme = id
        .type_description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or(if code.is_empty() {
            "identification"
        } else {
            code
        });
    let mut document =
        Document::new(document_kind(code), id.number.trim()).with_scheme(scheme.trim());
    if let Some(country) = country(id.country.as_deref()) {
        document = document.with_country(country);
    }
    Identifier::Document(document)
}

/// The kind of document an FSF `identificationTypeCode` names: `passport`; `id` (national
/// identity card), `ssn`; `fiscalcode` (tax number); `regnumber` (registration number);
/// `swiftbic`; anything else ([`DocumentKind::Other`], its description kept as scheme).
fn document_kind(code: &str) -> DocumentKind {
    match code.to_ascii_lowercase().as_str() {
        "passport" => DocumentKind::Passport,
        "id" | "ssn" | "nationalid" => DocumentKind::NationalId,
        "fiscalcode" | "tax" | "taxid" => DocumentKind::TaxId,
        "regnumber" => DocumentKind::Registration,
        "swiftbic" | "bic" => DocumentKind::SwiftBic,
        _ => DocumentKind::Other,
    }
}

/// Parses an FSF XML file (`name` is used in errors).
///
/// # Errors
///
/// [`ImportError::Empty`] for a blank file or one without entries; [`ImportError::Truncated`]
/// when an element is left open; [`ImportError::WrongFormat`] for another kind of file (an
/// OFAC CSV, a UN XML, a zip, an HTML page), saying what it looks like;
/// [`ImportError::Malformed`] for XML errors, a root without `generationDate`, an entry
/// without a numeric `logicalId`, `subjectType` or name, a bad date or boolean, or a
/// `logicalId` seen twice.
pub fn parse(name: &str, bytes: &[u8]) -> Result<EuFile, ImportError> {
    let mut builder = Builder {
        file: name,
        generated: None,
        global_file_id: None,
        entities: Vec::new(),
        ids: HashSet::new(),
        entity: None,
        summary: None,
        remarks: Vec::new(),
        contact: Vec::new(),
        publication_url: None,
    };
    xml::walk(
        name,
        bytes,
        &Root {
            format: FORMAT,
            name: "export",
            namespace: Some(NAMESPACE),
        },
        &mut builder,
    )?;
    let Some((generation_date, generated_at)) = builder.generated else {
        return Err(malformed(name, 1, "export has no generationDate"));
    };
    if builder.entities.is_empty() {
        return Err(ImportError::Empty { file: name.into() });
    }
    Ok(EuFile {
        file: name.into(),
        generation_date,
        generated_at,
        global_file_id: builder.global_file_id,
        entities: builder.entities,
    })
}

/// Reads and parses the FSF XML file at `path`.
///
/// # Errors
///
/// [`ImportError::Io`] when the file cannot be read, then as [`parse`].
pub fn read(path: &Path) -> Result<EuFile, ImportError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        file: name.clone(),
        source,
    })?;
    parse(&name, &bytes)
}

struct Builder<'a> {
    file: &'a str,
    generated: Option<(NaiveDate, String)>,
    global_file_id: Option<String>,
    entities: Vec<EuEntity>,
    ids: HashSet<u64>,
    entity: Option<EuEntity>,
    /// The `regulationSummary` and `remark`s of the sub-record being read.
    summary: Option<RegulationSummary>,
    remarks: Vec<String>,
    contact: Vec<(String, String)>,
    publication_url: Option<String>,
}

impl Builder<'_> {
    fn date(&self, frame: &Frame, key: &str) -> Result<Option<NaiveDate>, ImportError> {
        match frame.attr_text(key) {
            None => Ok(None),
            Some(text) => iso_date(&text).map(Some).ok_or_else(|| {
                malformed(
                    self.file,
                    frame.line,
                    format!("<{}> has {key} {text:?}, not a date", frame.name),
                )
            }),
        }
    }

    fn flag(&self, frame: &Frame, key: &str) -> Result<bool, ImportError> {
        match frame.attr_text(key) {
            None => Ok(false),
            Some(text) => boolean(&text).ok_or_else(|| {
                malformed(
                    self.file,
                    frame.line,
                    format!("<{}> has {key} {text:?}, not true or false", frame.name),
                )
            }),
        }
    }

    fn int<T: std::str::FromStr>(
        &self,
        frame: &Frame,
        key: &str,
    ) -> Result<Option<T>, ImportError> {
        match frame.attr_text(key) {
            None => Ok(None),
            Some(text) => text.parse().map(Some).map_err(|_| {
                malformed(
                    self.file,
                    frame.line,
                    format!("<{}> has {key} {text:?}, not a number", frame.name),
                )
            }),
        }
    }

    fn summary(&self, frame: &Frame) -> Result<RegulationSummary, ImportError> {
        Ok(RegulationSummary {
            regulation_type: frame.attr_text("regulationType"),
            publication_date: self.date(frame, "publicationDate")?,
            number_title: frame.attr_text("numberTitle"),
            publication_url: frame.attr_text("publicationUrl"),
        })
    }

    #[allow(clippy::too_many_lines)] // one arm per sub-record, each a list of attributes
    fn sub_record(&mut self, element: &Frame) -> Result<(), ImportError> {
        let summary = self.summary.take();
        let remarks = std::mem::take(&mut self.remarks);
        let contact = std::mem::take(&mut self.contact);
        let logical_id = self.int(element, "logicalId")?;
        let country = element.attr_text("countryIso2Code").filter(|c| c != "00");
        let country_description = element
            .attr_text("countryDescription")
            .filter(|c| c != "UNKNOWN");
        match element.name.as_str() {
            "nameAlias" => {
                let alias = NameAlias {
                    logical_id,
                    whole_name: element.attr_text("wholeName").unwrap_or_default(),
                    first_name: element.attr_text("firstName"),
                    middle_name: element.attr_text("middleName"),
                    last_name: element.attr_text("lastName"),
                    function: element.attr_text("function"),
                    title: element.attr_text("title"),
                    gender: element.attr_text("gender"),
                    language: element.attr_text("nameLanguage"),
                    strong: self.flag(element, "strong")?,
                    remarks,
                    summary,
                };
                if crate::entity::is_blank(&alias.whole_name) {
                    return Err(malformed(
                        self.file,
                        element.line,
                        "a nameAlias without wholeName",
                    ));
                }
                if let Some(e) = self.entity.as_mut() {
                    e.name_aliases.push(alias);
                }
            }
            "citizenship" => {
                let citizenship = Citizenship {
                    logical_id,
                    country,
                    country_description,
                    region: element.attr_text("region"),
                    remarks,
                    summary,
                };
                if let Some(e) = self.entity.as_mut() {
                    e.citizenships.push(citizenship);
                }
            }
            "birthdate" => {
                let birthdate = Birthdate {
                    logical_id,
                    date: self.date(element, "birthdate")?,
                    year: self.int(element, "year")?,
                    month: self.int(element, "monthOfYear")?,
                    day: self.int(element, "dayOfMonth")?,
                    year_range_from: self.int(element, "yearRangeFrom")?,
                    year_range_to: self.int(element, "yearRangeTo")?,
                    circa: self.flag(element, "circa")?,
                    calendar_type: element.attr_text("calendarType"),
                    city: element.attr_text("city"),
                    place: element.attr_text("place"),
                    region: element.attr_text("region"),
                    country,
                    country_description,
                    remarks,
                    summary,
                };
                if let Some(e) = self.entity.as_mut() {
                    e.birthdates.push(birthdate);
                }
            }
            "identification" => {
                let identification = Identification {
                    logical_id,
                    number: element.attr_text("number").unwrap_or_default(),
                    latin_number: element.attr_text("latinNumber"),
                    type_code: element.attr_text("identificationTypeCode"),
                    type_description: element.attr_text("identificationTypeDescription"),
                    issued_by: element.attr_text("issuedBy"),
                    issue_date: self.date(element, "issueDate")?,
                    valid_from: self.date(element, "validFrom")?,
                    valid_to: self.date(element, "validTo")?,
                    name_on_document: element.attr_text("nameOnDocument"),
                    region: element.attr_text("region"),
                    country,
                    country_description,
                    diplomatic: self.flag(element, "diplomatic")?,
                    known_expired: self.flag(element, "knownExpired")?,
                    known_false: self.flag(element, "knownFalse")?,
                    reported_lost: self.flag(element, "reportedLost")?,
                    revoked_by_issuer: self.flag(element, "revokedByIssuer")?,
                    remarks,
                    summary,
                };
                if identification.number.is_empty() {
                    return Err(malformed(
                        self.file,
                        element.line,
                        "an identification without number",
                    ));
                }
                if let Some(e) = self.entity.as_mut() {
                    e.identifications.push(identification);
                }
            }
            "address" => {
                let address = EuAddress {
                    logical_id,
                    street: element.attr_text("street"),
                    city: element.attr_text("city"),
                    zip_code: element.attr_text("zipCode"),
                    region: element.attr_text("region"),
                    po_box: element.attr_text("poBox"),
                    place: element.attr_text("place"),
                    country,
                    country_description,
                    as_at_listing_time: self.flag(element, "asAtListingTime")?,
                    contact_info: contact,
                    remarks,
                    summary,
                };
                if let Some(e) = self.entity.as_mut() {
                    e.addresses.push(address);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

impl Handler for Builder<'_> {
    fn open(&mut self, parents: &[Frame], element: &Frame) -> Result<(), ImportError> {
        match (parents.len(), element.name.as_str()) {
            (0, "export") => {
                let date = element.attr_text("generationDate");
                if let Some(text) = date {
                    let day = iso_date(&text).ok_or_else(|| {
                        malformed(
                            self.file,
                            element.line,
                            format!("generationDate {text:?} is not a date"),
                        )
                    })?;
                    self.generated = Some((day, text));
                }
                self.global_file_id = element.attr_text("globalFileId");
            }
            (1, "sanctionEntity") => {
                let line = element.line;
                let raw = element.attr("logicalId").unwrap_or("");
                let logical_id = raw.trim().parse().map_err(|_| {
                    malformed(
                        self.file,
                        line,
                        format!("a sanctionEntity with logicalId {raw:?}, not a number"),
                    )
                })?;
                self.entity = Some(EuEntity {
                    logical_id,
                    line,
                    eu_reference_number: element.attr_text("euReferenceNumber"),
                    united_nation_id: element.attr_text("unitedNationId"),
                    designation_date: self.date(element, "designationDate")?,
                    designation_details: element.attr_text("designationDetails"),
                    delisting_date: self.date(element, "delistingDate")?,
                    remarks: Vec::new(),
                    regulations: Vec::new(),
                    subject_type: SubjectType::default(),
                    name_aliases: Vec::new(),
                    citizenships: Vec::new(),
                    birthdates: Vec::new(),
                    identifications: Vec::new(),
                    addresses: Vec::new(),
                });
            }
            (2, "nameAlias" | "citizenship" | "birthdate" | "identification" | "address") => {
                self.summary = None;
                self.remarks.clear();
                self.contact.clear();
            }
            (2, "regulation") => self.publication_url = None,
            (3, "regulationSummary") => self.summary = Some(self.summary(element)?),
            (3, "contactInfo") => {
                if let (Some(key), Some(value)) =
                    (element.attr_text("key"), element.attr_text("value"))
                {
                    self.contact.push((key, value));
                }
            }
            (2, "subjectType") => {
                let subject = SubjectType {
                    code: element.attr_text("code").unwrap_or_default(),
                    classification_code: element.attr_text("classificationCode"),
                };
                if let Some(e) = self.entity.as_mut() {
                    e.subject_type = subject;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self, parents: &[Frame], element: &Frame, text: &str) -> Result<(), ImportError> {
        match (parents.len(), element.name.as_str()) {
            (1, "sanctionEntity") => {
                let Some(entity) = self.entity.take() else {
                    return Ok(());
                };
                let fail = |what: &str| {
                    malformed(
                        self.file,
                        entity.line,
                        format!("sanctionEntity {}: {what}", entity.logical_id),
                    )
                };
                if entity.subject_type.code.is_empty() {
                    return Err(fail("no subjectType"));
                }
                if entity.name_aliases.is_empty() {
                    return Err(fail("no nameAlias"));
                }
                if !self.ids.insert(entity.logical_id) {
                    return Err(fail("this logicalId appears twice"));
                }
                self.entities.push(entity);
            }
            (2, "remark") => {
                if let Some(e) = self.entity.as_mut() {
                    if !text.is_empty() {
                        e.remarks.push(text.to_owned());
                    }
                }
            }
            (3, "remark") if !text.is_empty() => self.remarks.push(text.to_owned()),
            (3, "publicationUrl") if !text.is_empty() => {
                self.publication_url = Some(text.to_owned());
            }
            (2, "regulation") => {
                let regulation = Regulation {
                    logical_id: self.int(element, "logicalId")?,
                    regulation_type: element.attr_text("regulationType"),
                    organisation_type: element.attr_text("organisationType"),
                    publication_date: self.date(element, "publicationDate")?,
                    entry_into_force_date: self.date(element, "entryIntoForceDate")?,
                    number_title: element.attr_text("numberTitle"),
                    programme: element.attr_text("programme"),
                    publication_url: self.publication_url.take(),
                };
                if let Some(e) = self.entity.as_mut() {
                    e.regulations.push(regulation);
                }
            }
            (2, "nameAlias" | "citizenship" | "birthdate" | "identification" | "address") => {
                self.sub_record(element)?;
            }
            _ => {}
        }
        Ok(())
    }
}
