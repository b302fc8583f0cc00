//! Export to [Follow the Money](https://followthemoney.tech) (FtM), the data model of
//! OpenSanctions, yente and Aleph: the state on a date, or the whole history, as FtM entities
//! in the `entities.ftm.json` line format.
//!
//! Reading FtM files back into a ledger is [`import::ftm`](crate::import::ftm).
//!
//! # Example
//!
//! ```
//! use sanctions_ledger::ftm::Export;
//! use sanctions_ledger::Ledger;
//!
//! let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
//! let day = |text: &str| text.parse::<sanctions_ledger::chrono::NaiveDate>();
//!
//! // 2025-10-01: listed by the US and licensed (Belarus GL 11), listed by the EU.
//! let entities = Export::state_on(day("2025-10-01")?).entities(ledger.current());
//! let sanctions: Vec<_> = entities.iter().filter(|e| e.schema == "Sanction").collect();
//! assert_eq!(sanctions.len(), 3); // Belavia by the US and the EU, aircraft EW-301PJ by the US
//! let us = sanctions.iter().find(|s| s.first("authorityId") == Some("44541")).ok_or("US")?;
//! assert_eq!(us.first("status"), Some("Licensed"));
//! assert_eq!(us.first("startDate"), Some("2023-08-09"));
//! assert_eq!(us.first("endDate"), None); // a state shows the list as it stood that day
//!
//! // The whole history: every designation with its end, every licence as an `Event`.
//! let mut lines = Vec::new();
//! let written = Export::history().write(ledger.current(), &mut lines)?;
//! let text = String::from_utf8(lines)?;
//! assert_eq!(text.lines().count(), written);
//! assert!(text.contains(r#""endDate":["2025-11-04"]"#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Ids
//!
//! FtM ids are derived from the ledger's own ids, so they are the same in every export of the
//! same ledger and never depend on the export's date or order: `sl-entity-<uuid>` for an
//! [`EntityId`], `sl-designation-<uuid>` for a [`DesignationId`], `sl-licence-<uuid>` for a
//! [`LicenceId`], and `sl-wallet-<uuid>` for a digital currency address (a UUID v5 of the
//! holder's id and the address).
//!
//! # Mapping
//!
//! Every value written is in the form the reference implementation (the `followthemoney`
//! Python package, 4.11.2) cleans it to, and within its type's length limit, so that its
//! validation keeps every value: `tests/ftm_check.py` checks exactly that on real exports.
//! A value that does not fit its property (an address longer than 250 characters, an
//! identifier longer than 64, an identifier the schema has no property for) goes to `notes`
//! as `<property>: <value>`, which [`import::ftm`](crate::import::ftm) reads back.
//!
//! | ledger | FtM | lossy? |
//! |---|---|---|
//! | [`EntityKind`] person / organisation / vessel / aircraft / other | `Person` / `Organization` / `Vessel` / `Airplane` / `LegalEntity` | no |
//! | name, aliases | `name` (the primary name only), `alias` | no |
//! | countries, addresses | `country` (lower case), `address` | no |
//! | [`Identifier::ListEntry`] | `authorityId` of the entity's `Sanction`s by that authority; a UN reference also as `unscId` on all of them; an entry of an authority with no exported `Sanction`: a note `listEntry: <authority> <id>` | no |
//! | [`Identifier::Imo`], [`Identifier::ImoCompany`] | `imoNumber` (`IMO` and seven digits) on `Vessel` and `Organization` | which of the two: read back from the schema |
//! | aircraft registration, serial number | `registrationNumber`, `serialNumber` on `Airplane` | no |
//! | [`Document`] passport / national id / tax id / registration / LEI / SWIFT BIC / other | `passportNumber` (people; others `idNumber`) / `idNumber` / `taxNumber` / `registrationNumber` / `leiCode` / `swiftBic` (the 8 characters FtM keeps; a branch's whole 11-character code also as a note) / `idNumber`; on a `Vessel` or `Airplane`, which have none of these, a note `idNumber: …` | the document's scheme and issuing country; the kind of an `other` document, of an LEI that fails its check (both `idNumber`), and of any document on a vessel or aircraft: read back as a national id |
//! | [`Identifier::Other`] | `idNumber` | the scheme |
//! | [`Identifier::DigitalCurrencyAddress`] | a `CryptoWallet` (`publicKey`, `currency`, `holder`) | no |
//! | details (remarks, call sign, vessel type, …) | `notes`, one `key: value` each; a vessel's call sign also `callSign` | no |
//! | an entity's earlier facts ([`ChangeKind::AmendEntity`]) | only the facts on the export's date (a state) or the latest (history) | yes: FtM has no dated properties |
//! | a designation | `Sanction`: `entity`, `authority` (the code, e.g. `US-OFAC`), `country` (of a well-known authority), `recordId` (the designation's id) | no |
//! | programs | `program` (the code, e.g. `BELARUS-EO14038`) and `programId` (`US-OFAC/BELARUS-EO14038`, this crate's key, not OpenSanctions' program registry) | no |
//! | measures | `provisions`: `Asset freeze`, `Travel ban`, `Flight ban`, `Export restriction`, `Sectoral restrictions`, `Investment ban`, or the words of an other measure | no |
//! | legal basis, reason | `summary`, `reason` | no |
//! | effective date of the designation, of its delisting | `startDate`, `endDate` (history only: the first day not listed; a state omits it, as the list did that day) | no |
//! | `published` of the designation | `listingDate` | no |
//! | amendments of the terms | the terms on the export's date (a state) or the latest (history); `modifiedAt` is the latest amendment's effective date | yes: earlier terms |
//! | observation window, source citation | `description`, in words; the source's link is `sourceUrl` | the window is not read back |
//! | status | `status`: `Active`, `Licensed` (a state: listed and licensed by the same authority that day), `Delisted` (history) | derived |
//! | a licence | an `Event` (FtM has no licence schema; a `Sanction` would mark the covered entities as sanctioned): `name`, `publisher` (the authority's code), `involved` (the covered entities), `startDate`, `endDate` (history only), `date` (published), `summary` (what it authorises), `description` (each exclusion), `keywords` (`general licence` or `specific licence`, `covers owned entities`, `revoked` or `expired`), `notes` (the citation), `recordId` | amendments: the latest terms only |
//! | the recorded axis, retractions | none: an export is of one [`View`] (`Ledger::current` or `Ledger::known_at`) | yes: FtM has no transaction time |
//! | the list of a designation ([`List`]) | `publisher` of the `Sanction`: the list's text form, e.g. `US-OFAC/SDN` | no |
//! | links between entities ([`ChangeKind::Link`]) | one FtM entity per cluster whose `referents` are its members' ids | not yet built: each member is exported as its own entity, the links are left out |
//! | ownership and control ([`Relation`](crate::Relation)) | to be an `Ownership` with `owner`, `asset`, `percentage`, `startDate`, `endDate` | not yet exported: relations and class measures are skipped |
//!
//! Links ([`ChangeKind::Link`], asked through [`View::clusters`](crate::View::clusters)) and
//! relations are in the ledger but not in the export yet. Each is one function here beside the
//! one that writes a `Sanction`: a linked cluster becomes one thing whose draft lists its
//! members' ids in `referents` (the [`FtmEntity::referents`] that the line format carries), its
//! members' `Sanction`s pointing at it, and a relation an `Ownership` draft with `owner`,
//! `asset`, `percentage`, `startDate` and `endDate`, emitted after the things it joins.
//!
//! No feature flag: the export needs only `serde_json`, which the crate already depends on.
//!
//! [`EntityKind`]: crate::EntityKind
//! [`Document`]: crate::Document
//! [`ChangeKind::AmendEntity`]: crate::ChangeKind::AmendEntity
//! [`ChangeKind::Link`]: crate::ChangeKind::Link
//! [`ChangeKind::Link`]: crate::ChangeKind::Link

// "FtM", "OpenSanctions" and "yente" are names here, not code.
#![allow(clippy::doc_markdown)]

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::authority::Authority;
use crate::change::{Change, ChangeKind, ObservationWindow};
use crate::designation::{DesignationTerms, Measure};
use crate::entity::{DocumentKind, Entity, EntityKind, Identifier};
use crate::id::{DesignationId, EntityId, LicenceId};
use crate::licence::{Authorisation, LicenceEnd, LicenceKind, LicenceTerms};
use crate::list::List;
use crate::view::View;

/// One FtM entity: an id, a schema, and properties whose values are lists of strings.
///
/// Serialised as one line of `entities.ftm.json`: `{"id": …, "schema": …, "properties": {…}}`,
/// with `referents` and `datasets` when not empty. Properties are kept sorted by name; the
/// values of one property keep the order they were added in, without repeats.
///
/// # Example
///
/// ```
/// use sanctions_ledger::ftm::FtmEntity;
///
/// let mut vessel = FtmEntity::new("sl-entity-1", "Vessel");
/// vessel.add("name", "SEA STAR");
/// vessel.add("imoNumber", "IMO9074729");
/// vessel.add("name", "SEA STAR"); // a repeat is not added
/// assert_eq!(vessel.get("name"), ["SEA STAR"]);
/// assert_eq!(
///     serde_json::to_string(&vessel)?,
///     r#"{"id":"sl-entity-1","schema":"Vessel","properties":{"imoNumber":["IMO9074729"],"name":["SEA STAR"]}}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FtmEntity {
    /// The entity's id.
    pub id: String,
    /// The FtM schema, e.g. `Person`, `Sanction`.
    pub schema: String,
    /// Property values by property name.
    #[serde(default)]
    pub properties: BTreeMap<String, Vec<String>>,
    /// Ids of the source entities merged into this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub referents: Vec<String>,
    /// The datasets the entity comes from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<String>,
}

impl FtmEntity {
    /// An entity with no properties.
    #[must_use]
    pub fn new(id: impl Into<String>, schema: impl Into<String>) -> Self {
        FtmEntity {
            id: id.into(),
            schema: schema.into(),
            properties: BTreeMap::new(),
            referents: Vec::new(),
            datasets: Vec::new(),
        }
    }

    /// Adds a value to a property, unless it is empty or already there.
    pub fn add(&mut self, property: &str, value: impl Into<String>) {
        let value = value.into();
        if value.is_empty() {
            return;
        }
        let values = match self.properties.get_mut(property) {
            Some(values) => values,
            None => self.properties.entry(property.to_owned()).or_default(),
        };
        if !values.contains(&value) {
            values.push(value);
        }
    }

    /// The values of a property; empty when it has none.
    #[must_use]
    pub fn get(&self, property: &str) -> &[String] {
        self.properties.get(property).map_or(&[], Vec::as_slice)
    }

    /// The first value of a property.
    #[must_use]
    pub fn first(&self, property: &str) -> Option<&str> {
        self.get(property).first().map(String::as_str)
    }
}

/// An entity being exported. It borrows every value that is already clean from the ledger,
/// and keeps all its values in one vector (property, value), so that writing a large export
/// allocates little besides ids and dates.
struct Draft<'a> {
    id: String,
    schema: &'static str,
    /// The ids merged into this entity: a linked cluster's members, once links exist.
    referents: Vec<String>,
    /// Values in the order added; [`Draft::finish`] sorts them by property, stably.
    values: Vec<(&'static str, Cow<'a, str>)>,
}

impl<'a> Draft<'a> {
    fn new(id: String, schema: &'static str) -> Self {
        Draft {
            id,
            schema,
            referents: Vec::new(),
            values: Vec::with_capacity(24),
        }
    }

    /// As [`FtmEntity::add`].
    fn add(&mut self, property: &'static str, value: impl Into<Cow<'a, str>>) {
        let value = value.into();
        if value.is_empty()
            || self
                .values
                .iter()
                .any(|(p, v)| *p == property && *v == value)
        {
            return;
        }
        self.values.push((property, value));
    }

    /// Sorts the values by property, keeping the order of each property's values.
    fn finish(&mut self) {
        self.values.sort_by_key(|(property, _)| *property);
    }

    /// The finished draft's properties, each with its values.
    fn properties(&self) -> impl Iterator<Item = (&'static str, &[(&'static str, Cow<'a, str>)])> {
        self.values
            .chunk_by(|a, b| a.0 == b.0)
            .map(|run| (run[0].0, run))
    }

    fn into_entity(self, dataset: Option<&str>) -> FtmEntity {
        let mut entity = FtmEntity::new(self.id, self.schema);
        for (property, value) in self.values {
            entity
                .properties
                .entry(property.to_owned())
                .or_default()
                .push(value.into_owned());
        }
        entity.referents = self.referents;
        entity.datasets.extend(dataset.map(str::to_owned));
        entity
    }
}

/// A finished draft serialised exactly as the [`FtmEntity`] it stands for.
struct Line<'d, 'a> {
    draft: &'d Draft<'a>,
    dataset: Option<&'d str>,
}

impl Serialize for Line<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};

        struct Values<'d, 'a>(&'d [(&'static str, Cow<'a, str>)]);
        impl Serialize for Values<'_, '_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
                for (_, value) in self.0 {
                    seq.serialize_element(value)?;
                }
                seq.end()
            }
        }
        struct Properties<'d, 'a>(&'d Draft<'a>);
        impl Serialize for Properties<'_, '_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(None)?;
                for (property, run) in self.0.properties() {
                    map.serialize_entry(property, &Values(run))?;
                }
                map.end()
            }
        }

        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &self.draft.id)?;
        map.serialize_entry("schema", self.draft.schema)?;
        map.serialize_entry("properties", &Properties(self.draft))?;
        if !self.draft.referents.is_empty() {
            map.serialize_entry("referents", &self.draft.referents)?;
        }
        if let Some(dataset) = self.dataset {
            map.serialize_entry("datasets", &[dataset])?;
        }
        map.end()
    }
}

/// What to export: the state on a date, or the whole history; optionally tagged with a
/// dataset name.
///
/// The view decides what is known: export `ledger.current()`, or `ledger.known_at(t)` for what
/// the ledger knew at `t`.
///
/// # Example
///
/// ```
/// use sanctions_ledger::ftm::Export;
/// use sanctions_ledger::Ledger;
///
/// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
/// let on = "2025-11-05".parse()?;
/// // What the ledger knew on 2025-09-12 about 2025-11-05: the US delisting was not known yet.
/// let then = ledger.known_at("2025-09-12T00:00:00Z".parse()?);
/// let known_then = Export::state_on(on).dataset("belavia").entities(then);
/// let known_now = Export::state_on(on).entities(ledger.current());
/// let sanctions = |e: &[sanctions_ledger::ftm::FtmEntity]| e.iter().filter(|e| e.schema == "Sanction").count();
/// assert_eq!((sanctions(&known_then), sanctions(&known_now)), (3, 1));
/// assert!(known_then.iter().all(|e| e.datasets == ["belavia"]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    on: Option<NaiveDate>,
    dataset: Option<String>,
}

impl Export {
    /// The designations and licences in force on `date`, with their entities' facts on that
    /// date: a snapshot of the lists as they stood, without end dates.
    #[must_use]
    pub fn state_on(date: NaiveDate) -> Self {
        Export {
            on: Some(date),
            dataset: None,
        }
    }

    /// Every entity, designation and licence the view knows, with start and end dates.
    #[must_use]
    pub fn history() -> Self {
        Export {
            on: None,
            dataset: None,
        }
    }

    /// Names a dataset in every entity's `datasets`.
    #[must_use]
    pub fn dataset(mut self, name: impl Into<String>) -> Self {
        self.dataset = Some(name.into());
        self
    }

    /// The FtM entities, in a stable order: each exported entity followed by its wallets and
    /// its `Sanction`s (by entity id, then designation id), then the licences' `Event`s (by
    /// licence id).
    ///
    /// O(n + e · k) in the changes the view sees and the entities exported with their
    /// designations.
    #[must_use]
    pub fn entities(&self, view: View<'_>) -> Vec<FtmEntity> {
        let mut out = Vec::new();
        let dataset = self.dataset.as_deref();
        self.for_each(view, |draft| out.push(draft.into_entity(dataset)));
        out
    }

    /// Writes the entities of [`Export::entities`] as `entities.ftm.json` lines (one JSON
    /// object and a `\n` each) and returns how many were written.
    ///
    /// O(n + e · k), as [`Export::entities`], plus the bytes written.
    ///
    /// # Errors
    ///
    /// The writer's error; the lines before it have been written.
    pub fn write(&self, view: View<'_>, mut out: impl Write) -> std::io::Result<usize> {
        let mut written = 0;
        let mut result = Ok(());
        let mut line = Vec::with_capacity(4096);
        let dataset = self.dataset.as_deref();
        self.for_each(view, |draft| {
            if result.is_err() {
                return;
            }
            line.clear();
            result = serde_json::to_writer(
                &mut line,
                &Line {
                    draft: &draft,
                    dataset,
                },
            )
            .map_err(std::io::Error::from)
            .and_then(|()| {
                line.push(b'\n');
                out.write_all(&line)
            });
            written += 1;
        });
        result.map(|()| written)
    }

    fn for_each<'a>(&self, view: View<'a>, mut emit: impl FnMut(Draft<'a>)) {
        let history = History::read(view);
        let mut emit = |mut draft: Draft<'a>| {
            draft.finish();
            emit(draft);
        };
        // What is in the export: designations and licences (in force on the date, or all).
        let mut sanctions: BTreeMap<EntityId, Vec<Sanction<'a>>> = BTreeMap::new();
        for designation in history.designations.values() {
            if let Some(sanction) = designation.as_on(self.on) {
                sanctions
                    .entry(designation.entity)
                    .or_default()
                    .push(sanction);
            }
        }
        let licences: Vec<LicenceAsOf<'a>> = history
            .licences
            .values()
            .filter_map(|l| l.as_on(self.on))
            .collect();
        let entities: Vec<EntityId> = if self.on.is_some() {
            let mut ids: Vec<EntityId> = sanctions.keys().copied().collect();
            ids.extend(licences.iter().flat_map(|l| l.terms.covers.iter().copied()));
            ids.sort_unstable();
            ids.dedup();
            ids
        } else {
            view.entities()
        };
        for id in entities {
            let facts = match self.on {
                Some(date) => view.entity_on(id, date).or_else(|| view.entity(id)),
                None => view.entity(id),
            };
            let Some(facts) = facts else { continue };
            let mut own = sanctions.remove(&id).unwrap_or_default();
            own.sort_by_key(|s| s.id);
            let authorities: Vec<&Authority> = own.iter().map(|s| s.authority).collect();
            let (thing, wallets) = thing(id, facts, &authorities, !own.is_empty());
            emit(thing);
            wallets.into_iter().for_each(&mut emit);
            for sanction in own {
                let licensed = self.on.is_some()
                    && licences
                        .iter()
                        .any(|l| l.authority == sanction.authority && l.terms.covers.contains(&id));
                emit(sanction.to_ftm(facts, licensed));
            }
        }
        for licence in licences {
            emit(licence.to_ftm());
        }
    }
}

/// The FtM id of an entity.
///
/// # Example
///
/// ```
/// use sanctions_ledger::{ftm, EntityId};
///
/// let id = ftm::entity_id(EntityId::derive("belavia"));
/// assert_eq!(id, "sl-entity-e8c59ed6-5594-5d9c-920c-4be5327c219f");
/// ```
#[must_use]
pub fn entity_id(id: EntityId) -> String {
    format!("sl-entity-{id}")
}

/// The FtM id of the `Sanction` a designation is exported as.
#[must_use]
pub fn designation_id(id: DesignationId) -> String {
    format!("sl-designation-{id}")
}

/// The FtM id of the `Event` a licence is exported as.
#[must_use]
pub fn licence_id(id: LicenceId) -> String {
    format!("sl-licence-{id}")
}

/// The `provisions` text of each measure but [`Measure::Other`], whose text is its words; read
/// back case-insensitively by [`import::ftm`](crate::import::ftm).
pub(crate) const MEASURES: [(Measure, &str); 6] = [
    (Measure::AssetFreeze, "Asset freeze"),
    (Measure::TravelBan, "Travel ban"),
    (Measure::FlightBan, "Flight ban"),
    (Measure::ExportRestriction, "Export restriction"),
    (Measure::Sectoral, "Sectoral restrictions"),
    (Measure::InvestmentBan, "Investment ban"),
];

/// The `provisions` text of a measure. A match with no catch-all, so that a new measure
/// cannot be left out of the export unnoticed.
fn measure_text(measure: &Measure) -> Cow<'_, str> {
    Cow::Borrowed(match measure {
        Measure::AssetFreeze => "Asset freeze",
        Measure::TravelBan => "Travel ban",
        Measure::FlightBan => "Flight ban",
        Measure::ExportRestriction => "Export restriction",
        Measure::Sectoral => "Sectoral restrictions",
        Measure::InvestmentBan => "Investment ban",
        Measure::Other(words) => return clean_text(words),
    })
}

/// The country FtM gives each well-known authority's `Sanction`s, as OpenSanctions does.
pub(crate) fn authority_country(authority: &Authority) -> Option<&'static str> {
    Some(match authority.as_str() {
        "US-OFAC" | "US-BIS" => "us",
        "EU" => "eu",
        "UK" => "gb",
        "CA" => "ca",
        "CH" => "ch",
        "UA" => "ua",
        "AU" => "au",
        "JP" => "jp",
        _ => return None,
    })
}

/// The FtM schema of an entity kind.
#[must_use]
pub fn schema_of(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "Person",
        EntityKind::Organisation => "Organization",
        EntityKind::Vessel => "Vessel",
        EntityKind::Aircraft => "Airplane",
        EntityKind::Other => "LegalEntity",
    }
}

/// Whether a schema is a legal entity (has `idNumber`, `taxNumber`, `registrationNumber`, …).
pub(crate) fn is_legal_entity(schema: &str) -> bool {
    matches!(
        schema,
        "Person" | "Organization" | "Company" | "PublicBody" | "LegalEntity"
    )
}

/// The most characters FtM keeps in a value of each type (`registry.<type>.max_length`).
pub(crate) mod limit {
    pub(crate) const NAME: usize = 384;
    pub(crate) const ADDRESS: usize = 250;
    pub(crate) const IDENTIFIER: usize = 64;
    pub(crate) const STRING: usize = 1024;
    pub(crate) const TEXT: usize = 65_000;
    /// `unscId` is an identifier of at most 16 characters.
    pub(crate) const UNSC_ID: usize = 16;
}

/// Characters FtM removes from every value: controls other than line breaks and tabs, and
/// invisible format characters (zero-width spaces and joiners, byte order marks, …).
fn is_removed(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{ad}')
}

/// A string, text or identifier value as FtM cleans it: removed characters dropped, ends
/// trimmed. Borrowed when already clean (the common case).
pub(crate) fn clean_text(value: &str) -> Cow<'_, str> {
    let clean = if value.is_ascii() {
        value
            .bytes()
            .all(|b| b >= b' ' && b != 0x7f || matches!(b, b'\n' | b'\t' | b'\r'))
    } else {
        !value.chars().any(is_removed)
    };
    if clean {
        Cow::Borrowed(value.trim())
    } else {
        let kept: String = value.chars().filter(|&c| !is_removed(c)).collect();
        Cow::Owned(kept.trim().to_owned())
    }
}

/// A name as FtM cleans it: one pair of surrounding quotes dropped, every run of white space
/// one space.
pub(crate) fn clean_name(value: &str) -> Cow<'_, str> {
    fn unquoted(text: &str) -> Cow<'_, str> {
        let quoted = |c: char| c == '"' || c == '\'';
        let mut chars = text.chars();
        match (chars.next(), chars.next_back()) {
            (Some(first), Some(last)) if quoted(first) && quoted(last) && !text.contains('\n') => {
                squash(&text[1..text.len() - 1])
            }
            _ => squash(text),
        }
    }
    match clean_text(value) {
        Cow::Borrowed(text) => unquoted(text),
        Cow::Owned(text) => Cow::Owned(unquoted(&text).into_owned()),
    }
}

/// An address as FtM cleans it: line breaks, tabs, semicolons and `ESQ.,` become `, `, a
/// comma followed by another comma or a full stop one `, `, and white space is squashed.
pub(crate) fn clean_address(value: &str) -> Cow<'_, str> {
    let text = clean_text(value);
    let plain = !text
        .bytes()
        .any(|b| matches!(b, b'\r' | b'\n' | b'\t' | b';' | b',' | b'<'))
        && !text.contains("ESQ");
    if plain {
        return match text {
            Cow::Borrowed(text) => squash(text),
            Cow::Owned(text) => Cow::Owned(squash(&text).into_owned()),
        };
    }
    let mut broken = String::with_capacity(text.len() + 8);
    let mut rest = &*text;
    'outer: while !rest.is_empty() {
        for pattern in ["\r\n", "\n", "<BR/>", "<BR>", "\t", "ESQ.,", "ESQ,", ";"] {
            if let Some(after) = rest.strip_prefix(pattern) {
                broken.push_str(", ");
                rest = after;
                continue 'outer;
            }
        }
        let c = rest.chars().next().unwrap_or_default();
        broken.push(c);
        rest = &rest[c.len_utf8()..];
    }
    let mut commas = String::with_capacity(broken.len());
    let mut rest = broken.as_str();
    while let Some(c) = rest.chars().next() {
        if c == ',' {
            let after = &rest[1..];
            let after_space = after.strip_prefix(char::is_whitespace).unwrap_or(after);
            for tail in [after_space, after] {
                if let Some(t) = tail.strip_prefix([',', '.']) {
                    commas.push_str(", ");
                    rest = t;
                    break;
                }
            }
            if rest.len() != after.len() + 1 {
                continue;
            }
        }
        commas.push(c);
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(squash(&commas).into_owned())
}

/// Drops invisible characters and makes every run of white space one space, trimmed.
/// Borrowed when already so.
fn squash(value: &str) -> Cow<'_, str> {
    let bytes = value.as_bytes();
    let mut previous = b' ';
    let clean = bytes.iter().all(|&b| {
        let ok = b > b' ' && b < 0x7f || b == b' ' && previous != b' ';
        previous = b;
        ok
    }) && previous != b' ';
    if clean {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    for word in value.split(char::is_whitespace).filter(|w| !w.is_empty()) {
        let before = out.len();
        if before > 0 {
            out.push(' ');
        }
        let after_space = out.len();
        out.extend(word.chars().filter(|&c| !is_removed(c)));
        if out.len() == after_space {
            out.truncate(before);
        }
    }
    Cow::Owned(out)
}

fn fits(value: &str, max: usize) -> bool {
    value.len() <= max || value.chars().count() <= max
}

/// Adds a value of a typed property when it fits; otherwise (or when the schema has no such
/// property, `property` is `None`) a note `<key>: <value>`.
fn put<'a>(
    thing: &mut Draft<'a>,
    property: Option<&'static str>,
    key: &str,
    value: Cow<'a, str>,
    max: usize,
) {
    match property {
        Some(property) if fits(&value, max) => thing.add(property, value),
        _ => note(thing, key, &value),
    }
}

fn note(thing: &mut Draft<'_>, key: &str, value: &str) {
    let text = clean_text(&format!("{key}: {value}")).into_owned();
    if fits(&text, limit::TEXT) {
        thing.add("notes", text);
    }
}

/// The entity as an FtM thing, and its digital currency addresses as wallets.
fn thing<'a>(
    id: EntityId,
    facts: &'a Entity,
    sanctioned_by: &[&Authority],
    listed: bool,
) -> (Draft<'a>, Vec<Draft<'a>>) {
    let schema = schema_of(facts.kind);
    let mut thing = Draft::new(entity_id(id), schema);
    let name = clean_name(&facts.name);
    for alias in &facts.aliases {
        let alias = clean_name(alias);
        if alias != name {
            put(&mut thing, Some("alias"), "alias", alias, limit::NAME);
        }
    }
    put(&mut thing, Some("name"), "name", name, limit::NAME);
    for country in &facts.countries {
        thing.add("country", country.as_str().to_ascii_lowercase());
    }
    for address in &facts.addresses {
        put(
            &mut thing,
            Some("address"),
            "address",
            clean_address(address),
            limit::ADDRESS,
        );
    }
    let mut wallets = Vec::new();
    for identifier in &facts.identifiers {
        if let Identifier::DigitalCurrencyAddress { currency, address } = identifier {
            wallets.push(wallet(id, &thing.id, currency, address));
        } else {
            put_identifier(&mut thing, identifier, sanctioned_by);
        }
    }
    for (key, value) in &facts.details {
        if key == "call_sign" && schema == "Vessel" {
            put(
                &mut thing,
                Some("callSign"),
                "callSign",
                clean_text(value),
                limit::IDENTIFIER,
            );
        }
        note(&mut thing, key, value);
    }
    if listed {
        thing.add("topics", "sanction");
    }
    (thing, wallets)
}

fn put_identifier<'a>(
    thing: &mut Draft<'a>,
    identifier: &'a Identifier,
    sanctioned_by: &[&Authority],
) {
    let schema = thing.schema;
    let legal = is_legal_entity(schema);
    let (property, value): (Option<&'static str>, Cow<'a, str>) = match identifier {
        Identifier::ListEntry { authority, id } => {
            // Carried by the entity's Sanctions of that authority (`authorityId`), and a UN
            // reference by all of them (`unscId`).
            let carried = sanctioned_by.contains(&authority)
                || (*authority == Authority::UN && !sanctioned_by.is_empty());
            if !carried {
                note(
                    thing,
                    "listEntry",
                    &format!("{authority} {}", clean_text(id)),
                );
            }
            return;
        }
        Identifier::Imo(n) => (
            (schema == "Vessel").then_some("imoNumber"),
            Cow::Owned(format!("IMO{n}")),
        ),
        Identifier::ImoCompany(n) => (
            (schema == "Organization").then_some("imoNumber"),
            Cow::Owned(format!("IMO{n}")),
        ),
        Identifier::AircraftRegistration(r) => (
            (schema == "Airplane").then_some("registrationNumber"),
            clean_text(r),
        ),
        Identifier::AircraftSerial(s) => (
            (schema == "Airplane").then_some("serialNumber"),
            clean_text(s),
        ),
        Identifier::Document(document) => {
            let number = clean_text(&document.number);
            let property = match document.kind {
                DocumentKind::Passport if schema == "Person" => "passportNumber",
                DocumentKind::TaxId => "taxNumber",
                DocumentKind::Registration => "registrationNumber",
                DocumentKind::Lei if is_lei(&number) => "leiCode",
                DocumentKind::SwiftBic => {
                    if let Some((primary, branch)) = bic(&number) {
                        let property = legal.then_some("swiftBic");
                        put(
                            thing,
                            property,
                            "swiftBic",
                            Cow::Owned(primary),
                            limit::IDENTIFIER,
                        );
                        if let Some(branch) = branch {
                            note(thing, "swiftBic", &branch);
                        }
                        return;
                    }
                    "idNumber"
                }
                _ => "idNumber",
            };
            (legal.then_some(property), number)
        }
        Identifier::Other { value, .. } => (legal.then_some("idNumber"), clean_text(value)),
        Identifier::DigitalCurrencyAddress { .. } => return,
    };
    let key = property.unwrap_or(match identifier {
        Identifier::Imo(_) | Identifier::ImoCompany(_) => "imoNumber",
        Identifier::AircraftRegistration(_) => "aircraftRegistration",
        Identifier::AircraftSerial(_) => "serialNumber",
        _ => "idNumber",
    });
    put(thing, property, key, value, limit::IDENTIFIER);
}

/// Whether a text is an LEI FtM keeps: 20 letters and digits passing ISO 17442's mod-97 check.
fn is_lei(text: &str) -> bool {
    if text.len() != 20
        || !text
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
    {
        return false;
    }
    let mut rest: u32 = 0;
    for b in text.bytes() {
        let v = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        };
        rest = if v >= 10 {
            (rest * 100 + v) % 97
        } else {
            (rest * 10 + v) % 97
        };
    }
    rest == 1
}

/// A SWIFT / BIC code as FtM keeps it: the eight characters of the institution, country and
/// location (FtM drops the branch code), upper case; and the whole code when it names a branch
/// (not the head office's `XXX`), which the export keeps in a note. `None` unless the text is
/// 8 or 11 letters and digits, the first six letters.
fn bic(text: &str) -> Option<(String, Option<String>)> {
    let upper = text.to_ascii_uppercase();
    let b = upper.as_bytes();
    let shape = (b.len() == 8 || b.len() == 11)
        && b[..6].iter().all(u8::is_ascii_alphabetic)
        && b.iter().all(u8::is_ascii_alphanumeric);
    if !shape {
        return None;
    }
    let branch = (b.len() == 11 && &upper[8..] != "XXX").then(|| upper.clone());
    Some((upper[..8].to_owned(), branch))
}

fn wallet<'a>(
    holder: EntityId,
    holder_ftm: &str,
    currency: &'a str,
    address: &'a str,
) -> Draft<'a> {
    let id = EntityId::derive(&format!("ftm-wallet:{holder}:{address}"));
    let mut wallet = Draft::new(format!("sl-wallet-{id}"), "CryptoWallet");
    put(
        &mut wallet,
        Some("publicKey"),
        "publicKey",
        clean_text(address),
        limit::IDENTIFIER,
    );
    put(
        &mut wallet,
        Some("currency"),
        "currency",
        clean_text(currency),
        limit::STRING,
    );
    wallet.add("holder", holder_ftm.to_owned());
    wallet
}

/// Everything the view holds about designations and licences, from one pass over its changes.
struct History<'a> {
    designations: BTreeMap<DesignationId, DesignationLife<'a>>,
    licences: BTreeMap<LicenceId, LicenceLife<'a>>,
}

struct DesignationLife<'a> {
    id: DesignationId,
    entity: EntityId,
    authority: &'a Authority,
    list: Option<&'a List>,
    created: &'a Change,
    terms: &'a DesignationTerms,
    /// Amendments in effective order (log order among equal dates).
    amendments: Vec<(&'a Change, &'a DesignationTerms)>,
    ended: Option<&'a Change>,
}

struct LicenceLife<'a> {
    id: LicenceId,
    authority: &'a Authority,
    created: &'a Change,
    terms: &'a LicenceTerms,
    amendments: Vec<(&'a Change, &'a LicenceTerms)>,
    ended: Option<(&'a Change, LicenceEnd)>,
}

impl<'a> History<'a> {
    fn read(view: View<'a>) -> History<'a> {
        let mut designations = BTreeMap::new();
        let mut licences = BTreeMap::new();
        let mut amend_d: HashMap<DesignationId, Vec<(&'a Change, &'a DesignationTerms)>> =
            HashMap::new();
        let mut amend_l: HashMap<LicenceId, Vec<(&'a Change, &'a LicenceTerms)>> = HashMap::new();
        let mut ended_d = HashMap::new();
        let mut ended_l = HashMap::new();
        for change in view.changes() {
            match &change.kind {
                ChangeKind::Designate {
                    designation,
                    record,
                } => {
                    designations.insert(
                        *designation,
                        DesignationLife {
                            id: *designation,
                            entity: record.entity,
                            authority: &record.authority,
                            list: record.list.as_ref(),
                            created: change,
                            terms: &record.terms,
                            amendments: Vec::new(),
                            ended: None,
                        },
                    );
                }
                ChangeKind::AmendDesignation { designation, terms } => {
                    amend_d
                        .entry(*designation)
                        .or_default()
                        .push((change, terms));
                }
                ChangeKind::Delist { designation } => {
                    ended_d.insert(*designation, change);
                }
                ChangeKind::IssueLicence { licence, record } => {
                    licences.insert(
                        *licence,
                        LicenceLife {
                            id: *licence,
                            authority: &record.authority,
                            created: change,
                            terms: &record.terms,
                            amendments: Vec::new(),
                            ended: None,
                        },
                    );
                }
                ChangeKind::AmendLicence { licence, terms } => {
                    amend_l.entry(*licence).or_default().push((change, terms));
                }
                ChangeKind::EndLicence { licence, end } => {
                    ended_l.insert(*licence, (change, *end));
                }
                _ => {}
            }
        }
        for (id, life) in &mut designations {
            let mut amendments = amend_d.remove(id).unwrap_or_default();
            amendments.sort_by_key(|(c, _)| c.effective);
            life.amendments = amendments;
            life.ended = ended_d.get(id).copied();
        }
        for (id, life) in &mut licences {
            let mut amendments = amend_l.remove(id).unwrap_or_default();
            amendments.sort_by_key(|(c, _)| c.effective);
            life.amendments = amendments;
            life.ended = ended_l.get(id).copied();
        }
        History {
            designations,
            licences,
        }
    }
}

/// A designation as exported: its terms on the date (or latest), its dates.
struct Sanction<'a> {
    id: DesignationId,
    authority: &'a Authority,
    list: Option<&'a List>,
    created: &'a Change,
    terms: &'a DesignationTerms,
    modified: Option<NaiveDate>,
    /// The delisting, in a history export.
    ended: Option<NaiveDate>,
}

impl<'a> DesignationLife<'a> {
    /// The designation as exported on `on` (`None`: history), or `None` if not in force then.
    fn as_on(&self, on: Option<NaiveDate>) -> Option<Sanction<'a>> {
        let start = self.created.effective;
        let end = self.ended.map(|c| c.effective);
        if let Some(date) = on {
            if start > date || end.is_some_and(|end| end <= date) {
                return None;
            }
        }
        let latest = self
            .amendments
            .iter()
            .rev()
            .find(|(c, _)| on.is_none_or(|date| c.effective <= date));
        Some(Sanction {
            id: self.id,
            authority: self.authority,
            list: self.list,
            created: self.created,
            terms: latest.map_or(self.terms, |(_, t)| *t),
            modified: latest.map(|(c, _)| c.effective),
            ended: if on.is_none() { end } else { None },
        })
    }
}

impl<'a> Sanction<'a> {
    fn to_ftm(&self, target: &'a Entity, licensed: bool) -> Draft<'a> {
        let mut s = Draft::new(designation_id(self.id), "Sanction");
        let entity = self.created.kind.entities().first().copied();
        if let Some(entity) = entity {
            s.add("entity", entity_id(entity));
        }
        s.add("authority", self.authority.as_str());
        if let Some(list) = self.list {
            s.add("publisher", list.to_string());
        }
        if let Some(country) = authority_country(self.authority) {
            s.add("country", country);
        }
        for identifier in &target.identifiers {
            if let Identifier::ListEntry { authority, id } = identifier {
                let id = clean_text(id);
                if *authority == *self.authority && fits(&id, limit::IDENTIFIER) {
                    s.add("authorityId", id.clone());
                }
                if *authority == Authority::UN && fits(&id, limit::UNSC_ID) {
                    s.add("unscId", id);
                }
            }
        }
        for program in &self.terms.programs {
            let code = clean_text(program.code());
            if fits(&code, limit::STRING) {
                s.add("program", code);
            }
            let key = clean_text(&program.to_string()).into_owned();
            if fits(&key, limit::IDENTIFIER) {
                s.add("programId", key);
            }
        }
        for measure in &self.terms.measures {
            let text = measure_text(measure);
            if fits(&text, limit::STRING) {
                s.add("provisions", text);
            }
        }
        s.add("startDate", self.created.effective.to_string());
        if let Some(end) = self.ended {
            s.add("endDate", end.to_string());
        }
        if let Some(published) = self.created.published {
            s.add("listingDate", published.to_string());
        }
        if let Some(modified) = self.modified {
            s.add("modifiedAt", modified.to_string());
        }
        let status = match (self.ended, licensed) {
            (Some(_), _) => "Delisted",
            (None, true) => "Licensed",
            (None, false) => "Active",
        };
        s.add("status", status);
        if let Some(reason) = &self.terms.reason {
            s.add("reason", text_value(reason));
        }
        if let Some(basis) = &self.terms.legal_basis {
            s.add("summary", text_value(basis));
        }
        s.add("description", text_value(&self.created.source.citation));
        if let Some(window) = self.created.window {
            s.add("description", window_words(window));
        }
        if let Some(url) = self.created.source.url.as_deref().and_then(url_value) {
            s.add("sourceUrl", url);
        }
        s.add("recordId", self.id.to_string());
        s
    }
}

/// A licence as exported: its terms on the date (or latest), its dates.
struct LicenceAsOf<'a> {
    id: LicenceId,
    authority: &'a Authority,
    created: &'a Change,
    terms: &'a LicenceTerms,
    modified: Option<NaiveDate>,
    ended: Option<(NaiveDate, LicenceEnd)>,
}

impl<'a> LicenceLife<'a> {
    fn as_on(&self, on: Option<NaiveDate>) -> Option<LicenceAsOf<'a>> {
        let start = self.created.effective;
        let end = self.ended.map(|(c, how)| (c.effective, how));
        if let Some(date) = on {
            if start > date || end.is_some_and(|(end, _)| end <= date) {
                return None;
            }
        }
        let latest = self
            .amendments
            .iter()
            .rev()
            .find(|(c, _)| on.is_none_or(|date| c.effective <= date));
        Some(LicenceAsOf {
            id: self.id,
            authority: self.authority,
            created: self.created,
            terms: latest.map_or(self.terms, |(_, t)| *t),
            modified: latest.map(|(c, _)| c.effective),
            ended: if on.is_none() { end } else { None },
        })
    }
}

/// The `keywords` that mark an `Event` as a licence, and say its kind.
pub(crate) const GENERAL_LICENCE: &str = "general licence";
pub(crate) const SPECIFIC_LICENCE: &str = "specific licence";
pub(crate) const COVERS_OWNED: &str = "covers owned entities";
pub(crate) const ALL_TRANSACTIONS: &str = "all transactions";

impl<'a> LicenceAsOf<'a> {
    fn to_ftm(&self) -> Draft<'a> {
        let mut e = Draft::new(licence_id(self.id), "Event");
        let terms = self.terms;
        put(
            &mut e,
            Some("name"),
            "name",
            clean_name(&terms.name),
            limit::NAME,
        );
        e.add("publisher", self.authority.as_str());
        if let Some(country) = authority_country(self.authority) {
            e.add("country", country);
        }
        for entity in &terms.covers {
            e.add("involved", entity_id(*entity));
        }
        e.add("startDate", self.created.effective.to_string());
        if let Some((end, how)) = self.ended {
            e.add("endDate", end.to_string());
            e.add(
                "keywords",
                match how {
                    LicenceEnd::Revoked => "revoked",
                    LicenceEnd::Expired => "expired",
                },
            );
        }
        if let Some(published) = self.created.published {
            e.add("date", published.to_string());
        }
        if let Some(modified) = self.modified {
            e.add("modifiedAt", modified.to_string());
        }
        e.add(
            "keywords",
            match terms.kind {
                LicenceKind::General => GENERAL_LICENCE,
                LicenceKind::Specific => SPECIFIC_LICENCE,
            },
        );
        if terms.covers_owned_entities {
            e.add("keywords", COVERS_OWNED);
        }
        match &terms.authorises {
            Authorisation::AllTransactions => e.add("summary", ALL_TRANSACTIONS),
            Authorisation::Described(words) => e.add("summary", text_value(words)),
        }
        for excluded in &terms.excludes {
            e.add("description", text_value(excluded));
        }
        note(&mut e, "source", &self.created.source.citation);
        if let Some(url) = self.created.source.url.as_deref().and_then(url_value) {
            e.add("sourceUrl", url);
        }
        e.add("recordId", self.id.to_string());
        e
    }
}

fn text_value(text: &str) -> Cow<'_, str> {
    let text = clean_text(text);
    if fits(&text, limit::TEXT) {
        text
    } else {
        Cow::Owned(text.chars().take(limit::TEXT).collect())
    }
}

/// A URL as FtM keeps it: `http` or `https`, a host, and a path (`/` when there is none).
fn url_value(url: &str) -> Option<String> {
    let url = clean_text(url);
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..host_end];
    if host.is_empty() || host.contains(char::is_whitespace) || !fits(&url, 4096) {
        return None;
    }
    if host_end == rest.len() {
        return Some(format!("{url}/"));
    }
    Some(url.into_owned())
}

fn window_words(window: ObservationWindow) -> String {
    match window.after {
        Some(after) => format!(
            "effective date observed between list snapshots: after {after}, on or before {}",
            window.on_or_before
        ),
        None => format!(
            "in force on or before {} (the first snapshot of the list that the ledger holds)",
            window.on_or_before
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_measure_has_its_provisions_text() {
        for (measure, text) in &MEASURES {
            assert_eq!(measure_text(measure), *text);
        }
        assert_eq!(
            measure_text(&Measure::Other(" arms embargo ".into())),
            "arms embargo"
        );
    }

    #[test]
    fn lei_check_digits_and_bic_shapes() {
        assert!(is_lei("5493001KJTIIGC8Y1R12"));
        assert!(!is_lei("5493001KJTIIGC8Y1R13"));
        assert!(!is_lei("5493001KJTIIGC8Y1R1"));
        let primary = |text| bic(text).map(|(p, b)| (p, b.unwrap_or_default()));
        assert_eq!(
            primary("BPSBBY2XXXX"),
            Some(("BPSBBY2X".into(), String::new()))
        );
        assert_eq!(
            primary("bpsbby2x"),
            Some(("BPSBBY2X".into(), String::new()))
        );
        let branch = ("SOMRRUM1".into(), "SOMRRUM1KST".into());
        assert_eq!(primary("SOMRRUM1KST"), Some(branch));
        assert_eq!(bic("BPS1BY2X"), None);
        assert_eq!(bic("BPSBBY2"), None);
    }

    #[test]
    fn values_are_cleaned_as_ftm_cleans_them() {
        assert_eq!(clean_text(" a  b\u{200b} "), "a  b");
        assert_eq!(clean_name(" a \n b\u{a0}c "), "a b c");
        assert_eq!(clean_name(" 'FOOPIE' "), "FOOPIE");
        assert_eq!(clean_name("''a''"), "'a'");
        assert_eq!(clean_name("'a"), "'a");
        assert_eq!(clean_name("'"), "'");
        for (raw, clean) in [
            ("a;b", "a, b"),
            ("a,,b", "a, b"),
            ("a, ,b", "a, b"),
            ("a,.b", "a, b"),
            ("a;;b", "a, b"),
            ("a ;b", "a , b"),
            ("ESQ., x", ", x"),
            ("a\nb", "a, b"),
        ] {
            assert_eq!(clean_address(raw), clean, "{raw:?}");
        }
        assert_eq!(url_value("http://x").as_deref(), Some("http://x/"));
        assert_eq!(
            url_value("https://x.org/a b").as_deref(),
            Some("https://x.org/a b")
        );
        assert_eq!(url_value("not a url"), None);
        assert_eq!(url_value("ftp://x/"), None);
    }
}
