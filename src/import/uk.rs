//! The FCDO UK Sanctions List, XML and CSV, read into format-level records.
//!
//! Since the OFSI Consolidated List closed on 2026-01-28 this is the only official UK list.
//! Its key is the `UniqueID` (regime prefix and digits, e.g. `RUS2176`).
//!
//! - XML: root `Designations` (no namespace) with `DateGenerated` (dd/mm/yyyy) and one
//!   `Designation` per target.
//! - CSV: line 1 `Report Date: dd-Mon-yyyy`, line 2 a header of 58 columns (`Last Updated`,
//!   `Unique ID`, `OFSI Group ID`, `UN Reference Number`, `Name 6`, `Name 1` … `Name 5`,
//!   `Name type`, `Alias strength`, …, `IMO number`, …), then one row per name and per
//!   address of each designation; the rows of one `Unique ID` are merged.
//!
//! [`UkFile`] keeps for each [`UkDesignation`] its ids (`UniqueID`, `OFSIGroupID`,
//! `UNReferenceNumber`), names (Name 1–6, type, alias strength), non-Latin names, regime,
//! designation type (individual / entity / ship), designation source (UK or UN), sanctions
//! imposed, `DateDesignated`, `LastUpdated`, addresses and contact details, and the
//! individual, entity and ship details. [`UkFile::entity`] turns one record's subject into an
//! [`Entity`]. Removal is absence; `LastUpdated` marks an amendment without saying what
//! changed.
//!
//! [`UkFile::snapshot`] carries each designation's `Parent company` and `Subsidiaries` as
//! [`RelationKind::Ownership`](crate::RelationKind::Ownership) relations without a share (the
//! list gives none; derived status counts only known shares, so such an ownership is recorded,
//! never derived from): the parent owns the entry, the entry owns its subsidiaries. The list
//! names them by name: a relation is recorded only when exactly one other designation of the
//! file has that name or alias (whitespace collapsed, case ignored), otherwise a
//! [`WarningKind::RelationUnresolved`] (on the fixtures at hand, BEL0107's parents
//! `CJSC Belarusian Oil Company` and `Belneftekhim` are not in the file). The list dates no
//! relation: reconciliation begins and ends them on the snapshot's date, with the observation
//! window.
//!
//! # Integrity
//!
//! Empty files, files of another type and files cut short are refused. A CSV has no end
//! marker: a file that does not end with a line break was cut inside a row and is refused, but
//! a CSV cut exactly at a row boundary cannot be told from a shorter list.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use super::country;
use super::error::ImportError;
use super::snapshot::{ListEntry, Snapshot};
use super::warning::{Warning, WarningKind};
use super::xml::{self, malformed, wrong, Frame, Handler, Root};
use crate::authority::{Authority, Program};
use crate::designation::Measure;
use crate::entity::{
    Country, Document, DocumentKind, Entity, EntityKind, Identifier, ImoCompanyNumber, ImoNumber,
};

const FORMAT_XML: &str = "a UK Sanctions List XML";
const FORMAT_CSV: &str = "a UK Sanctions List CSV";

/// The form a [`UkFile`] was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UkFormat {
    /// `UK_Sanctions_List.xml`.
    Xml,
    /// `UK_Sanctions_List.csv`.
    Csv,
}

/// One UK Sanctions List file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UkFile {
    /// The file's name, as given to the parser.
    pub file: String,
    /// The form it was read from.
    pub format: UkFormat,
    /// `DateGenerated` (XML) or `Report Date` (CSV).
    pub generated: NaiveDate,
    /// The designations, in file order (CSV: order of first row).
    pub designations: Vec<UkDesignation>,
}

/// What a designation targets.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Subject {
    /// `Individual`.
    Individual,
    /// `Entity`.
    Entity,
    /// `Ship`.
    Ship,
    /// Anything else, as written.
    Other(String),
}

/// Who made a designation: the UK itself or the UN (which the UK implements).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DesignationSource {
    /// `UK`.
    Uk,
    /// `UN`.
    Un,
    /// Anything else, as written.
    Other(String),
}

/// A name of a designation: Name 1 to Name 5 (given names and others) and Name 6 (the family
/// or entity name).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct UkName {
    /// Name 1 … Name 6, in order.
    pub parts: [Option<String>; 6],
    /// `NameType`: `Primary Name`, `Primary Name Variation`, `Alias`.
    pub name_type: Option<String>,
    /// `AliasStrength`: `Good quality a.k.a`, `Low quality a.k.a`.
    pub alias_strength: Option<String>,
}

impl UkName {
    /// The full name: Name 1 to Name 5, then Name 6, separated by spaces.
    #[must_use]
    pub fn full(&self) -> String {
        let mut order: Vec<&str> = self.parts[..5]
            .iter()
            .flatten()
            .map(String::as_str)
            .collect();
        order.extend(self.parts[5].as_deref());
        order.join(" ")
    }

    /// Whether this is the primary name (`NameType` `Primary Name`, any case).
    #[must_use]
    pub fn is_primary(&self) -> bool {
        self.name_type
            .as_deref()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("primary name"))
    }

    /// Whether the alias is marked low quality.
    #[must_use]
    pub fn is_low_quality(&self) -> bool {
        self.alias_strength
            .as_deref()
            .is_some_and(|s| s.to_ascii_lowercase().starts_with("low"))
    }
}

/// A name in a non-Latin script.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct NonLatinName {
    /// The name.
    pub name: String,
    /// The script (CSV `Non-latin script type`).
    pub script: Option<String>,
    /// The language (CSV `Non-latin script language`).
    pub language: Option<String>,
}

/// An address: six lines, postal code and country.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct UkAddress {
    /// Address Line 1 … 6.
    pub lines: [Option<String>; 6],
    /// Postal code.
    pub postal_code: Option<String>,
    /// Country, as written.
    pub country: Option<String>,
}

impl UkAddress {
    /// The address on one line.
    #[must_use]
    pub fn line(&self) -> String {
        self.lines
            .iter()
            .chain([&self.postal_code, &self.country])
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn is_empty(&self) -> bool {
        self.lines.iter().all(Option::is_none)
            && self.postal_code.is_none()
            && self.country.is_none()
    }
}

/// A document number with its additional information (passport, national identifier).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct UkDocument {
    /// The number.
    pub number: String,
    /// The additional information, e.g. `Afghanistan passport number …, issued in Kandahar`.
    pub information: Option<String>,
}

/// The details of an individual.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct IndividualDetails {
    /// Dates of birth as written: `12/05/1958`, `dd/mm/1945`, `1946`.
    pub dates_of_birth: Vec<String>,
    /// Nationalities.
    pub nationalities: Vec<String>,
    /// Genders.
    pub genders: Vec<String>,
    /// Positions.
    pub positions: Vec<String>,
    /// Passports.
    pub passports: Vec<UkDocument>,
    /// National identifiers.
    pub national_ids: Vec<UkDocument>,
    /// Towns of birth.
    pub towns_of_birth: Vec<String>,
    /// Countries of birth.
    pub countries_of_birth: Vec<String>,
}

/// The details of an entity.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct EntityDetails {
    /// Types of entity.
    pub types: Vec<String>,
    /// Business registration numbers, as written.
    pub registration_numbers: Vec<String>,
    /// Parent companies.
    pub parent_companies: Vec<String>,
    /// Subsidiaries.
    pub subsidiaries: Vec<String>,
}

/// The details of a ship.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ShipDetails {
    /// IMO numbers as written (`IMO9562233`).
    pub imo_numbers: Vec<String>,
    /// Current owners or operators.
    pub current_owners: Vec<String>,
    /// Previous owners or operators.
    pub previous_owners: Vec<String>,
    /// Current believed flags.
    pub current_flags: Vec<String>,
    /// Previous flags.
    pub previous_flags: Vec<String>,
    /// Types of ship.
    pub types: Vec<String>,
    /// Tonnages.
    pub tonnages: Vec<String>,
    /// Lengths.
    pub lengths: Vec<String>,
    /// Years built.
    pub years_built: Vec<String>,
    /// Hull identification numbers.
    pub hull_ids: Vec<String>,
}

/// One designation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UkDesignation {
    /// The line of the file where it starts.
    pub line: usize,
    /// `UniqueID`, the key.
    pub unique_id: String,
    /// `OFSIGroupID` (no longer issued for new designations).
    pub ofsi_group_id: Option<String>,
    /// `UNReferenceNumber`, for UN designations.
    pub un_reference_number: Option<String>,
    /// `LastUpdated`.
    pub last_updated: Option<NaiveDate>,
    /// `DateDesignated`.
    pub date_designated: Option<NaiveDate>,
    /// Names.
    pub names: Vec<UkName>,
    /// Names in non-Latin scripts.
    pub non_latin_names: Vec<NonLatinName>,
    /// Titles.
    pub titles: Vec<String>,
    /// `RegimeName`.
    pub regime: String,
    /// `IndividualEntityShip` (CSV `Designation Type`).
    pub subject: Subject,
    /// `DesignationSource`, split on `|`.
    pub sources: Vec<DesignationSource>,
    /// `SanctionsImposed`, split on `|`.
    pub sanctions_imposed: Vec<String>,
    /// `OtherInformation`.
    pub other_information: Option<String>,
    /// `UKStatementofReasons`.
    pub statement_of_reasons: Option<String>,
    /// Addresses.
    pub addresses: Vec<UkAddress>,
    /// Phone numbers.
    pub phone_numbers: Vec<String>,
    /// E-mail addresses.
    pub email_addresses: Vec<String>,
    /// Web sites.
    pub websites: Vec<String>,
    /// Individual details.
    pub individual: IndividualDetails,
    /// Entity details.
    pub entity: EntityDetails,
    /// Ship details.
    pub ship: ShipDetails,
}

impl UkDesignation {
    fn new(unique_id: String, line: usize) -> Self {
        UkDesignation {
            line,
            unique_id,
            ofsi_group_id: None,
            un_reference_number: None,
            last_updated: None,
            date_designated: None,
            names: Vec::new(),
            non_latin_names: Vec::new(),
            titles: Vec::new(),
            regime: String::new(),
            subject: Subject::Other(String::new()),
            sources: Vec::new(),
            sanctions_imposed: Vec::new(),
            other_information: None,
            statement_of_reasons: None,
            addresses: Vec::new(),
            phone_numbers: Vec::new(),
            email_addresses: Vec::new(),
            websites: Vec::new(),
            individual: IndividualDetails::default(),
            entity: EntityDetails::default(),
            ship: ShipDetails::default(),
        }
    }

    /// The primary name: the first name marked primary that has any part, else the first name
    /// that has any part (a `Name` element whose parts are all empty names nothing).
    #[must_use]
    pub fn primary_name(&self) -> Option<&UkName> {
        let named = || {
            self.names
                .iter()
                .filter(|n| !crate::entity::is_blank(&n.full()))
        };
        named().find(|n| n.is_primary()).or_else(|| named().next())
    }

    /// The subject's kind: individual → person, entity → organisation, ship → vessel.
    #[must_use]
    pub fn kind(&self) -> EntityKind {
        match self.subject {
            Subject::Individual => EntityKind::Person,
            Subject::Entity => EntityKind::Organisation,
            Subject::Ship => EntityKind::Vessel,
            Subject::Other(_) => EntityKind::Other,
        }
    }
}

impl UkFile {
    /// The designation with this `UniqueID`.
    #[must_use]
    pub fn get(&self, unique_id: &str) -> Option<&UkDesignation> {
        self.designations.iter().find(|d| d.unique_id == unique_id)
    }

    /// The subject of `record` as an [`Entity`].
    ///
    /// - kind from the designation type; name: the primary name; aliases: the other names
    ///   and the non-Latin names;
    /// - identifiers: `UniqueID` as [`Identifier::ListEntry`] of [`Authority::UK`],
    ///   `UNReferenceNumber` as one of [`Authority::UN`], `OFSIGroupID` (by name), passports,
    ///   national identifiers and business registration numbers as typed
    ///   [`Identifier::Document`]s, and IMO numbers: a ship's [`Identifier::Imo`] (checked),
    ///   anything else's [`Identifier::ImoCompany`];
    /// - countries: nationalities, address countries and ship flags that name a country;
    /// - details: `date_of_birth`, `place_of_birth`, `gender`, `position`, `title`,
    ///   `other_information`, `statement_of_reasons`, `vessel_type`, `vessel_flag`,
    ///   `vessel_owner`, `tonnage`, `year_built`, `type_of_entity`, `parent_company`.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::import::uk;
    /// use sanctions_ledger::{Authority, EntityKind, Identifier, ImoNumber};
    ///
    /// let xml = br#"<Designations><DateGenerated>10/09/2026</DateGenerated><Designation>
    ///   <LastUpdated>18/12/2021</LastUpdated><DateDesignated>03/10/2017</DateDesignated>
    ///   <UniqueID>DPR0075</UniqueID><UNReferenceNumber>KPv.001</UNReferenceNumber>
    ///   <Names><Name><Name6>Petrel 8</Name6><NameType>Primary Name</NameType></Name></Names>
    ///   <RegimeName>DPRK</RegimeName><IndividualEntityShip>Ship</IndividualEntityShip>
    ///   <DesignationSource>UN</DesignationSource><SanctionsImposed>Prohibition of port entry</SanctionsImposed>
    ///   <ShipDetails><Ship><IMONumbers><IMONumber>IMO9562233</IMONumber></IMONumbers></Ship></ShipDetails>
    /// </Designation></Designations>"#;
    /// let file = uk::parse("UK_Sanctions_List.xml", xml)?;
    /// let record = file.get("DPR0075").ok_or("missing")?;
    /// assert_eq!(record.date_designated.map(|d| d.to_string()).as_deref(), Some("2017-10-03"));
    /// let ship = file.entity(record);
    /// assert_eq!(ship.kind, EntityKind::Vessel);
    /// assert!(ship.identifiers.contains(&Identifier::Imo(ImoNumber::new("9562233")?)));
    /// assert!(ship.identifiers.contains(&Identifier::list_entry(Authority::UN, "KPv.001")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn entity(&self, record: &UkDesignation) -> Entity {
        let kind = record.kind();
        let name = record.primary_name().map(UkName::full).unwrap_or_default();
        let mut entity = Entity::new(kind, name).with_identifier(Identifier::list_entry(
            Authority::UK,
            record.unique_id.clone(),
        ));
        for n in &record.names {
            let full = n.full();
            if full != entity.name {
                entity.aliases.push(full);
            }
        }
        entity
            .aliases
            .extend(record.non_latin_names.iter().map(|n| n.name.clone()));
        entity.identifiers.extend(identifiers(record, kind));
        let countries = record
            .individual
            .nationalities
            .iter()
            .chain(record.addresses.iter().filter_map(|a| a.country.as_ref()))
            .chain(&record.ship.current_flags);
        entity
            .countries
            .extend(countries.filter_map(|name| country_code(name)));
        for address in &record.addresses {
            let line = address.line();
            if !line.is_empty() {
                entity.addresses.push(line);
            }
        }
        let birth_places: Vec<String> = record
            .individual
            .towns_of_birth
            .iter()
            .chain(&record.individual.countries_of_birth)
            .cloned()
            .collect();
        let details: [(&str, &[String]); 13] = [
            ("date_of_birth", &record.individual.dates_of_birth),
            ("place_of_birth", &birth_places),
            ("gender", &record.individual.genders),
            ("position", &record.individual.positions),
            ("title", &record.titles),
            ("vessel_type", &record.ship.types),
            ("vessel_flag", &record.ship.current_flags),
            ("vessel_owner", &record.ship.current_owners),
            ("tonnage", &record.ship.tonnages),
            ("year_built", &record.ship.years_built),
            ("type_of_entity", &record.entity.types),
            ("parent_company", &record.entity.parent_companies),
            ("website", &record.websites),
        ];
        for (key, values) in details {
            if !values.is_empty() {
                entity.details.insert(key.into(), values.join("; "));
            }
        }
        for (key, value) in [
            ("other_information", &record.other_information),
            ("statement_of_reasons", &record.statement_of_reasons),
        ] {
            if let Some(value) = value {
                entity.details.insert(key.into(), value.clone());
            }
        }
        super::canonical_entity(entity)
    }
}

/// The identifiers of a designation besides its `UniqueID`.
fn identifiers(record: &UkDesignation, kind: EntityKind) -> Vec<Identifier> {
    let mut ids = Vec::new();
    if let Some(un) = &record.un_reference_number {
        ids.push(Identifier::list_entry(Authority::UN, un.clone()));
    }
    if let Some(group) = &record.ofsi_group_id {
        // The key of the closed OFSI Consolidated List: not a document, another list's id.
        ids.push(Identifier::Other {
            scheme: "OFSI group id".into(),
            value: group.trim().to_owned(),
        });
    }
    for passport in &record.individual.passports {
        ids.push(document_identifier(
            DocumentKind::Passport,
            "passport",
            &passport.number,
        ));
    }
    for id in &record.individual.national_ids {
        ids.push(document_identifier(
            DocumentKind::NationalId,
            "national id",
            &id.number,
        ));
    }
    for number in &record.entity.registration_numbers {
        ids.push(document_identifier(
            DocumentKind::Registration,
            "business registration number",
            number,
        ));
    }
    for imo in &record.ship.imo_numbers {
        // A ship's number is checked; on anything else it is a company's, unchecked.
        let identifier = match (kind, ImoNumber::new(imo), ImoCompanyNumber::new(imo)) {
            (EntityKind::Vessel, Ok(number), _) => Identifier::Imo(number),
            (EntityKind::Vessel, Err(_), _) | (_, _, Err(_)) => {
                document_identifier(DocumentKind::Other, "IMO number", imo)
            }
            (_, _, Ok(company)) => Identifier::ImoCompany(company),
        };
        ids.push(identifier);
    }
    ids
}

/// The key of the UK Sanctions List as a publication: its entities' and designations' ids
/// derive from `UK:UKSL:<UniqueID>`, and its entries are on
/// [`List::UK_SANCTIONS_LIST`](crate::List::UK_SANCTIONS_LIST).
pub const SANCTIONS_LIST: &str = "UKSL";

impl UkFile {
    /// The file as a [`Snapshot`] of the UK Sanctions List (publication [`SANCTIONS_LIST`]) on
    /// its `DateGenerated` (`Report Date`), one entry per `UniqueID`; the XML and the CSV of one
    /// day give the same entries.
    ///
    /// - Program: the regime (`RegimeName`) as a [`Program`] of the UK. A UN designation the
    ///   UK implements (`DesignationSource` UN) is the UK's designation all the same; its UN
    ///   reference is an identifier of the entity.
    /// - Measures, from `SanctionsImposed`: `Asset freeze` → [`Measure::AssetFreeze`],
    ///   `Travel Ban` → [`Measure::TravelBan`], any other sanction by its name
    ///   ([`Measure::Other`], e.g. `Prohibition of port entry`, `Director Disqualification
    ///   Sanction`).
    /// - Dates: `DateDesignated` is the effective date ([`ListEntry::listed_on`]); `LastUpdated`
    ///   marks an amendment without saying what changed ([`ListEntry::amended_on`]). A
    ///   designation without `DateDesignated` is taken as observed on the snapshot's date, with
    ///   a [`WarningKind::NoListingDate`].
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::import::uk;
    /// use sanctions_ledger::{List, Measure};
    ///
    /// let xml = br#"<Designations><DateGenerated>10/09/2026</DateGenerated><Designation>
    ///   <LastUpdated>18/12/2021</LastUpdated><DateDesignated>03/10/2017</DateDesignated>
    ///   <UniqueID>DPR0075</UniqueID><UNReferenceNumber>KPv.001</UNReferenceNumber>
    ///   <Names><Name><Name6>Petrel 8</Name6><NameType>Primary Name</NameType></Name></Names>
    ///   <RegimeName>DPRK</RegimeName><IndividualEntityShip>Ship</IndividualEntityShip>
    ///   <DesignationSource>UN</DesignationSource><SanctionsImposed>Prohibition of port entry</SanctionsImposed>
    /// </Designation></Designations>"#;
    /// let snapshot = uk::parse("UK_Sanctions_List.xml", xml)?.snapshot();
    /// let entry = snapshot.get("DPR0075").ok_or("missing")?;
    /// assert_eq!(entry.list, Some(List::UK_SANCTIONS_LIST));
    /// assert_eq!(entry.measures, [Measure::Other("Prohibition of port entry".into())]);
    /// assert_eq!(entry.listed_on.map(|d| d.to_string()).as_deref(), Some("2017-10-03"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn snapshot(&self) -> Snapshot {
        let mut snapshot = Snapshot::new(
            Authority::UK,
            SANCTIONS_LIST,
            self.generated,
            self.file.clone(),
            true,
        );
        let mut warnings = Vec::new();
        for record in &self.designations {
            let id = record.unique_id.clone();
            let mut entry = ListEntry::raw(id.clone(), self.entity(record), record.line);
            entry
                .programs
                .extend(Program::new(Authority::UK, &record.regime).ok());
            entry.measures = record
                .sanctions_imposed
                .iter()
                .map(|s| measure(s))
                .collect();
            entry.listed_on = record.date_designated;
            if entry.listed_on.is_none() {
                warnings.push(Warning::new(
                    &self.file,
                    record.line,
                    WarningKind::NoListingDate { entry: id },
                ));
            }
            entry.amended_on.extend(record.last_updated);
            entry.canonicalise();
            snapshot.insert(entry);
        }
        for warning in warnings {
            snapshot.add_warning(warning);
        }
        snapshot.warn_of_dates_after_snapshot();
        super::relations::read_uk(self, &mut snapshot);
        snapshot
    }
}

/// The measure a `SanctionsImposed` item names.
fn measure(sanction: &str) -> Measure {
    let sanction = sanction.trim();
    match sanction.to_ascii_lowercase().as_str() {
        "asset freeze" => Measure::AssetFreeze,
        "travel ban" => Measure::TravelBan,
        _ => Measure::Other(sanction.to_owned()),
    }
}

/// A country name as the UK list writes it, to an ISO code where the name is a country.
fn country_code(name: &str) -> Option<Country> {
    country::by_ofac_name(name.trim())
}

/// The identifier a document number gives: a typed [`Document`] of `kind`, with the UK list's
/// name for it as scheme.
fn document_identifier(kind: DocumentKind, scheme: &str, number: &str) -> Identifier {
    Identifier::Document(Document::new(kind, number.trim()).with_scheme(scheme))
}

/// Parses a UK Sanctions List file, XML or CSV (told apart by the first bytes); `name` is used
/// in errors.
///
/// # Errors
///
/// [`ImportError::Empty`] for a blank file or one without designations;
/// [`ImportError::Truncated`] for an XML element left open or a CSV that does not end with a
/// line break; [`ImportError::WrongFormat`] for another kind of file, saying what it looks
/// like; [`ImportError::Malformed`] for a bad XML, a CSV row with the wrong number of fields, a
/// header without the key columns, a designation without `UniqueID`, name or type, a date not
/// in dd/mm/yyyy, or (XML) a `UniqueID` seen twice.
pub fn parse(name: &str, bytes: &[u8]) -> Result<UkFile, ImportError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if body.starts_with(b"Report Date:") {
        return parse_csv(name, body);
    }
    if body.trim_ascii_start().starts_with(b"<") || bytes.iter().all(u8::is_ascii_whitespace) {
        return parse_xml(name, bytes);
    }
    Err(wrong(
        name,
        "a UK Sanctions List (XML or CSV)",
        xml::describe(bytes),
    ))
}

/// Reads and parses the UK Sanctions List file at `path`.
///
/// # Errors
///
/// [`ImportError::Io`] when the file cannot be read, then as [`parse`].
pub fn read(path: &Path) -> Result<UkFile, ImportError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        file: name.clone(),
        source,
    })?;
    parse(&name, &bytes)
}

/// `dd/mm/yyyy`.
fn uk_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if text.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(text, "%d/%m/%Y").ok()
}

fn date_field(
    file: &str,
    line: usize,
    field: &str,
    text: &str,
) -> Result<Option<NaiveDate>, ImportError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    uk_date(text).map(Some).ok_or_else(|| {
        malformed(
            file,
            line,
            format!("{field} {text:?} is not a date (dd/mm/yyyy)"),
        )
    })
}

fn subject(text: &str) -> Subject {
    match text.trim().to_ascii_lowercase().as_str() {
        "individual" => Subject::Individual,
        "entity" => Subject::Entity,
        "ship" => Subject::Ship,
        _ => Subject::Other(text.trim().to_owned()),
    }
}

fn split_pipes(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn sources(text: &str) -> Vec<DesignationSource> {
    split_pipes(text)
        .map(|s| match s.to_ascii_uppercase().as_str() {
            "UK" => DesignationSource::Uk,
            "UN" => DesignationSource::Un,
            _ => DesignationSource::Other(s),
        })
        .collect()
}

fn some(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn check(file: &str, designation: &UkDesignation) -> Result<(), ImportError> {
    let fail = |what: &str| {
        malformed(
            file,
            designation.line,
            format!("designation {}: {what}", designation.unique_id),
        )
    };
    if designation
        .names
        .iter()
        .all(|n| crate::entity::is_blank(&n.full()))
    {
        return Err(fail("no name"));
    }
    if matches!(&designation.subject, Subject::Other(s) if s.is_empty()) {
        return Err(fail("no designation type (individual, entity or ship)"));
    }
    Ok(())
}

// ---- XML ----

fn parse_xml(name: &str, bytes: &[u8]) -> Result<UkFile, ImportError> {
    let mut builder = XmlBuilder {
        file: name,
        generated: None,
        designations: Vec::new(),
        designation: None,
        name: UkName::default(),
        address: UkAddress::default(),
        document: UkDocument::default(),
    };
    xml::walk(
        name,
        bytes,
        &Root {
            format: FORMAT_XML,
            name: "Designations",
            namespace: None,
        },
        &mut builder,
    )?;
    let Some(generated) = builder.generated else {
        return Err(malformed(name, 1, "Designations has no DateGenerated"));
    };
    if builder.designations.is_empty() {
        return Err(ImportError::Empty { file: name.into() });
    }
    Ok(UkFile {
        file: name.into(),
        format: UkFormat::Xml,
        generated,
        designations: builder.designations,
    })
}

struct XmlBuilder<'a> {
    file: &'a str,
    generated: Option<NaiveDate>,
    designations: Vec<UkDesignation>,
    designation: Option<UkDesignation>,
    name: UkName,
    address: UkAddress,
    document: UkDocument,
}

impl Handler for XmlBuilder<'_> {
    fn open(&mut self, parents: &[Frame], element: &Frame) -> Result<(), ImportError> {
        match (parents.len(), element.name.as_str()) {
            (1, "Designation") => {
                self.designation = Some(UkDesignation::new(String::new(), element.line));
            }
            (3, "Name") => self.name = UkName::default(),
            (3, "Address") => self.address = UkAddress::default(),
            (_, "Passport" | "NationalIdentifier") => self.document = UkDocument::default(),
            _ => {}
        }
        Ok(())
    }

    #[allow(clippy::too_many_lines)] // one flat dispatch on the element's name
    fn close(&mut self, parents: &[Frame], element: &Frame, text: &str) -> Result<(), ImportError> {
        let name = element.name.as_str();
        if parents.len() == 1 {
            match name {
                "DateGenerated" => {
                    self.generated = Some(uk_date(text).ok_or_else(|| {
                        malformed(
                            self.file,
                            element.line,
                            format!("DateGenerated {text:?} is not a date (dd/mm/yyyy)"),
                        )
                    })?);
                }
                "Designation" => {
                    if let Some(designation) = self.designation.take() {
                        if designation.unique_id.is_empty() {
                            return Err(malformed(
                                self.file,
                                designation.line,
                                "a Designation without UniqueID",
                            ));
                        }
                        check(self.file, &designation)?;
                        if self
                            .designations
                            .iter()
                            .any(|d| d.unique_id == designation.unique_id)
                        {
                            return Err(malformed(
                                self.file,
                                designation.line,
                                format!("UniqueID {} appears twice", designation.unique_id),
                            ));
                        }
                        self.designations.push(designation);
                    }
                }
                _ => {}
            }
            return Ok(());
        }
        let file = self.file;
        let line = element.line;
        let Some(d) = self.designation.as_mut() else {
            return Ok(());
        };
        let value = some(text);
        match (parents.len(), name) {
            (2, "LastUpdated") => d.last_updated = date_field(file, line, name, text)?,
            (2, "DateDesignated") => d.date_designated = date_field(file, line, name, text)?,
            (2, "UniqueID") => d.unique_id = value.unwrap_or_default(),
            (2, "OFSIGroupID") => d.ofsi_group_id = value,
            (2, "UNReferenceNumber") => d.un_reference_number = value,
            (2, "RegimeName") => d.regime = value.unwrap_or_default(),
            (2, "IndividualEntityShip") => d.subject = subject(text),
            (2, "DesignationSource") => d.sources = sources(text),
            (2, "SanctionsImposed") => d.sanctions_imposed = split_pipes(text).collect(),
            (2, "OtherInformation") => d.other_information = value,
            (2, "UKStatementofReasons") => d.statement_of_reasons = value,
            (4, "Name1" | "Name2" | "Name3" | "Name4" | "Name5" | "Name6") => {
                let index = usize::from(name.as_bytes()[4] - b'1');
                self.name.parts[index] = value;
            }
            (4, "NameType") => self.name.name_type = value,
            (4, "AliasStrength") => self.name.alias_strength = value,
            (3, "Name") => d.names.push(std::mem::take(&mut self.name)),
            (4, "NameNonLatinScript") => d.non_latin_names.extend(value.map(|name| NonLatinName {
                name,
                ..NonLatinName::default()
            })),
            (3, "Title") => d.titles.extend(value),
            (
                4,
                "AddressLine1" | "AddressLine2" | "AddressLine3" | "AddressLine4" | "AddressLine5"
                | "AddressLine6",
            ) => {
                let index = usize::from(name.as_bytes()[11] - b'1');
                self.address.lines[index] = value;
            }
            (4, "AddressPostalCode") => self.address.postal_code = value,
            (4, "AddressCountry") => self.address.country = value,
            (3, "Address") => {
                let address = std::mem::take(&mut self.address);
                if !address.is_empty() {
                    d.addresses.push(address);
                }
            }
            (3, "PhoneNumber") => d.phone_numbers.extend(value),
            (3, "EmailAddress") => d.email_addresses.extend(value),
            (3, "Website") => d.websites.extend(value),
            (_, "DOB") => d.individual.dates_of_birth.extend(value),
            (_, "Nationality") => d.individual.nationalities.extend(value),
            (_, "Gender") => d.individual.genders.extend(value),
            (_, "Position") => d.individual.positions.extend(value),
            (_, "PassportNumber" | "NationalIdentifierNumber") => {
                self.document.number = value.unwrap_or_default();
            }
            (_, "PassportAdditionalInformation" | "NationalIdentifierAdditionalInformation") => {
                self.document.information = value;
            }
            (_, "Passport" | "NationalIdentifier") => {
                let document = std::mem::take(&mut self.document);
                if !document.number.is_empty() {
                    let list = if name == "Passport" {
                        &mut d.individual.passports
                    } else {
                        &mut d.individual.national_ids
                    };
                    if !list.contains(&document) {
                        list.push(document);
                    }
                }
            }
            (_, "TownOfBirth") => d.individual.towns_of_birth.extend(value),
            (_, "CountryOfBirth") => d.individual.countries_of_birth.extend(value),
            (_, "TypeOfEntity") => d.entity.types.extend(value),
            (_, "BusinessRegistrationNumber") => d.entity.registration_numbers.extend(value),
            (_, "ParentCompany") => d.entity.parent_companies.extend(value),
            (_, "Subsidiary") => d.entity.subsidiaries.extend(value),
            (_, "IMONumber") => d.ship.imo_numbers.extend(value),
            (_, "CurrentOwnerOperator") => d.ship.current_owners.extend(value),
            (_, "PreviousOwnerOperator") => d.ship.previous_owners.extend(value),
            (_, "CurrentBelievedFlagOfShip") => d.ship.current_flags.extend(value),
            (_, "PreviousFlag") => d.ship.previous_flags.extend(value),
            (_, "TypeOfShip") => d.ship.types.extend(value),
            (_, "TonnageOfShip") => d.ship.tonnages.extend(value),
            (_, "LengthOfShip") => d.ship.lengths.extend(value),
            (_, "YearBuilt") => d.ship.years_built.extend(value),
            (_, "HullIdentificationNumber") => d.ship.hull_ids.extend(value),
            _ => {}
        }
        Ok(())
    }
}

// ---- CSV ----

/// The header columns the parser needs; the other columns are read when present.
const REQUIRED: [&str; 6] = [
    "Unique ID",
    "Name 6",
    "Name type",
    "Regime Name",
    "Designation Type",
    "Date Designated",
];

fn parse_csv(name: &str, body: &[u8]) -> Result<UkFile, ImportError> {
    let newline = memchr::memchr(b'\n', body).ok_or_else(|| ImportError::Truncated {
        file: name.into(),
        line: 1,
        what: "the file: it ends on its Report Date line".into(),
    })?;
    let first = String::from_utf8_lossy(&body[..newline]);
    let report = first.trim_end_matches('\r')["Report Date:".len()..]
        .trim()
        .to_owned();
    let generated = NaiveDate::parse_from_str(&report, "%d-%b-%Y").map_err(|_| {
        malformed(
            name,
            1,
            format!("Report Date {report:?} is not a date (dd-Mon-yyyy)"),
        )
    })?;
    let rest = &body[newline + 1..];
    if !rest.ends_with(b"\n") {
        let line = 1 + memchr::memchr_iter(b'\n', body).count();
        return Err(ImportError::Truncated {
            file: name.into(),
            line,
            what: "a row: the file does not end with a line break".into(),
        });
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(rest);
    let headers = reader.headers().map_err(|e| csv_error(name, &e))?.clone();
    let column: BTreeMap<&str, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim(), i))
        .collect();
    if let Some(missing) = REQUIRED.iter().find(|c| !column.contains_key(**c)) {
        return Err(wrong(
            name,
            FORMAT_CSV,
            format!("a CSV whose header (line 2) has no {missing:?} column"),
        ));
    }
    let mut designations: Vec<UkDesignation> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(name, &e))?;
        let line = record.position().map_or(0, file_line);
        let row = Row {
            record: &record,
            column: &column,
        };
        let unique_id = row.get("Unique ID").trim().to_owned();
        if unique_id.is_empty() {
            return Err(malformed(name, line, "a row without Unique ID"));
        }
        let slot = *index.entry(unique_id.clone()).or_insert_with(|| {
            designations.push(UkDesignation::new(unique_id.clone(), line));
            designations.len() - 1
        });
        let d = &mut designations[slot];
        merge_row(name, line, d, &row)?;
    }
    for designation in &designations {
        check(name, designation)?;
    }
    if designations.is_empty() {
        return Err(ImportError::Empty { file: name.into() });
    }
    Ok(UkFile {
        file: name.into(),
        format: UkFormat::Csv,
        generated,
        designations,
    })
}

/// The line of the file of a csv position: the csv crate counts the header's line as 0 here,
/// and the file has the Report Date line before the header.
fn file_line(position: &csv::Position) -> usize {
    usize::try_from(position.line()).map_or(usize::MAX, |line| line + 2)
}

fn csv_error(file: &str, error: &csv::Error) -> ImportError {
    let line = error.position().map_or(2, file_line);
    match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => malformed(
            file,
            line,
            format!("a row of {len} fields where the header has {expected_len}"),
        ),
        csv::ErrorKind::Utf8 { .. } => malformed(file, line, "a row that is not UTF-8 text"),
        _ => malformed(file, line, format!("unreadable CSV: {error}")),
    }
}

/// One CSV row, read by column name.
struct Row<'r> {
    record: &'r csv::StringRecord,
    column: &'r BTreeMap<&'r str, usize>,
}

impl<'r> Row<'r> {
    /// The field of column `name`, or `""` when the header has no such column.
    fn get(&self, name: &str) -> &'r str {
        self.column
            .get(name)
            .and_then(|&i| self.record.get(i))
            .unwrap_or("")
    }
}

fn push_new(list: &mut Vec<String>, value: &str) {
    if let Some(value) = some(value) {
        if !list.contains(&value) {
            list.push(value);
        }
    }
}

/// Merges one CSV row into its designation: single-valued fields from the first row that has
/// them, names, addresses and details without repeats.
#[allow(clippy::too_many_lines)] // one statement per column of the 58
fn merge_row(
    file: &str,
    line: usize,
    d: &mut UkDesignation,
    row: &Row<'_>,
) -> Result<(), ImportError> {
    let get = |column: &str| row.get(column);
    let first = |slot: &mut Option<String>, value: &str| {
        if slot.is_none() {
            *slot = some(value);
        }
    };
    first(&mut d.ofsi_group_id, get("OFSI Group ID"));
    first(&mut d.un_reference_number, get("UN Reference Number"));
    first(&mut d.other_information, get("Other Information"));
    first(&mut d.statement_of_reasons, get("UK Statement of Reasons"));
    if d.last_updated.is_none() {
        d.last_updated = date_field(file, line, "Last Updated", get("Last Updated"))?;
    }
    if d.date_designated.is_none() {
        d.date_designated = date_field(file, line, "Date Designated", get("Date Designated"))?;
    }
    if d.regime.is_empty() {
        get("Regime Name").trim().clone_into(&mut d.regime);
    }
    if matches!(&d.subject, Subject::Other(s) if s.is_empty()) {
        d.subject = subject(get("Designation Type"));
    }
    if d.sources.is_empty() {
        d.sources = sources(get("Designation source"));
    }
    if d.sanctions_imposed.is_empty() {
        d.sanctions_imposed = split_pipes(get("Sanctions Imposed")).collect();
    }
    let name = UkName {
        parts: ["Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6"].map(|c| some(get(c))),
        name_type: some(get("Name type")),
        alias_strength: some(get("Alias strength")),
    };
    if !crate::entity::is_blank(&name.full()) && !d.names.contains(&name) {
        d.names.push(name);
    }
    if let Some(non_latin) = some(get("Name non-latin script")) {
        let name = NonLatinName {
            name: non_latin,
            script: some(get("Non-latin script type")),
            language: some(get("Non-latin script language")),
        };
        if !d.non_latin_names.contains(&name) {
            d.non_latin_names.push(name);
        }
    }
    let address = UkAddress {
        lines: [
            "Address Line 1",
            "Address Line 2",
            "Address Line 3",
            "Address Line 4",
            "Address Line 5",
            "Address Line 6",
        ]
        .map(|c| some(get(c))),
        postal_code: some(get("Address Postal Code")),
        country: some(get("Address Country")),
    };
    if !address.is_empty() && !d.addresses.contains(&address) {
        d.addresses.push(address);
    }
    for (list, column) in [
        (&mut d.titles, "Title"),
        (&mut d.phone_numbers, "Phone number"),
        (&mut d.websites, "Website"),
        (&mut d.email_addresses, "Email address"),
        (&mut d.individual.dates_of_birth, "D.O.B"),
        (&mut d.individual.nationalities, "Nationality(/ies)"),
        (&mut d.individual.positions, "Position"),
        (&mut d.individual.genders, "Gender"),
        (&mut d.individual.towns_of_birth, "Town of birth"),
        (&mut d.individual.countries_of_birth, "Country of birth"),
        (&mut d.entity.types, "Type of entity"),
        (&mut d.entity.subsidiaries, "Subsidiaries"),
        (&mut d.entity.parent_companies, "Parent company"),
        (
            &mut d.entity.registration_numbers,
            "Business registration number (s)",
        ),
        (&mut d.ship.imo_numbers, "IMO number"),
        (&mut d.ship.current_owners, "Current owner/operator (s)"),
        (&mut d.ship.previous_owners, "Previous owner/operator (s)"),
        (&mut d.ship.current_flags, "Current believed flag of ship"),
        (&mut d.ship.previous_flags, "Previous flags"),
        (&mut d.ship.types, "Type of ship"),
        (&mut d.ship.tonnages, "Tonnage of ship"),
        (&mut d.ship.lengths, "Length of ship"),
        (&mut d.ship.years_built, "Year Built"),
        (&mut d.ship.hull_ids, "Hull identification number (HIN)"),
    ] {
        push_new(list, get(column));
    }
    for (list, number, information) in [
        (
            &mut d.individual.passports,
            "Passport number",
            "Passport additional information",
        ),
        (
            &mut d.individual.national_ids,
            "National Identifier number",
            "National Identifier additional information",
        ),
    ] {
        if let Some(number) = some(get(number)) {
            let document = UkDocument {
                number,
                information: some(get(information)),
            };
            if !list.contains(&document) {
                list.push(document);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_day_month_year() {
        assert_eq!(uk_date("03/10/2017"), NaiveDate::from_ymd_opt(2017, 10, 3));
        for bad in ["3/10/2017", "2017-10-03", "31/02/2020", "dd/mm/1945", ""] {
            assert_eq!(uk_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn names_join_parts_with_the_family_name_last() {
        let name = UkName {
            parts: [
                Some("MOHAMMAD".into()),
                Some("HASSAN".into()),
                None,
                None,
                None,
                Some("AKHUND".into()),
            ],
            name_type: Some("Primary Name".into()),
            alias_strength: None,
        };
        assert_eq!(name.full(), "MOHAMMAD HASSAN AKHUND");
        assert!(name.is_primary());
        assert!(!name.is_low_quality());
    }
}
