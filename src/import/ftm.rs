//! Follow the Money (FtM) entities, as OpenSanctions publishes them and as
//! [`ftm::Export`](crate::ftm::Export) writes them, into list snapshots per authority,
//! reconciled with a ledger like any other source.
//!
//! [`FtmFile::parse`] reads the `entities.ftm.json` line format (one entity per line, values
//! lists of strings) and OpenSanctions' nested JSON (`targets.nested.json`: entities whose
//! property values may be whole entities, such as a target's `sanctions`); nested entities are
//! taken out and referred to by id. Then:
//!
//! - [`apply_state`]: the file is the lists as they stood on one date (an OpenSanctions export,
//!   or [`Export::state_on`](crate::ftm::Export::state_on)): one [`Snapshot`] per authority,
//!   reconciled with the ledger as of that date.
//! - [`apply_history`]: the file holds start and end dates
//!   ([`Export::history`](crate::ftm::Export::history)): per authority, one snapshot on every
//!   date a `Sanction` starts or ends, replayed in date order.
//!
//! # From FtM to the ledger
//!
//! - Each `Sanction` is a listing of its `entity` by the authority its `authority` names (or
//!   the dataset its `datasets` name, see [`FtmOptions`]): the code of a well-known authority
//!   (`US-OFAC`), the name OpenSanctions gives it (`Office of Foreign Assets Control`), a name
//!   mapped by [`FtmOptions::authority`], or any other valid authority code. A `Sanction`
//!   whose authority is none of these, or whose entity is not in the file, is reported in
//!   [`FtmImport::skipped`] and imported nowhere.
//! - A `Sanction` whose `publisher` is one of its authority's lists in their text form
//!   (`US-OFAC/SDN`, as the export writes it) is a designation on that [`List`]; the
//!   `Sanction`s of each list go to snapshots of their own (named `<list name>-<code>`, e.g.
//!   `FTM-SDN`), those on no list to the snapshots named by [`FtmOptions::list`].
//! - A snapshot holds one entry per target entity and authority; several `Sanction`s of one
//!   target by one authority in force on the date make one entry (their programs and measures
//!   together). The entry's id is its `authorityId` (the lowest, in
//!   [`Identifier::lookup_key`] order, when there are several; for the UN also `unscId`), or
//!   else the target's FtM id; every `authorityId` becomes an [`Identifier::ListEntry`] of the
//!   authority, and a `unscId` one of the UN.
//! - `startDate` is the designation's effective date (the earliest, when there are several)
//!   and `endDate` its delisting's; `listingDate` is its `published` date; `modifiedAt` dates
//!   are the list's amendment dates. A `Sanction` without `startDate` is effective on the
//!   snapshot's date, with the observation window reconciliation gives it.
//! - `program` values (or, when there are none, `programId` values) are the programs;
//!   `provisions` the measures (`Asset freeze` and the other texts the export writes, and
//!   `Block`, case-insensitively; a program code repeated there is skipped; any other text as
//!   [`Measure::Other`]); `reason` the reason and `summary` the legal basis.
//! - The target's schema gives its kind (`Person`; `Organization`, `Company` and `PublicBody`
//!   an organisation; `Vessel`; `Airplane`; anything else other); its first `name` is the
//!   name, the other names with `alias`, `weakAlias` and `previousName` the aliases;
//!   `country`, `nationality`, `citizenship`, `jurisdiction`, `flag` and `mainCountry` the
//!   countries; `address` and the `full` text of `addressEntity` the addresses; the identifier
//!   properties the typed [`Identifier`]s (the reverse of the export's table); `CryptoWallet`s
//!   whose `holder` it is its digital currency addresses; `notes` of the form `key: value` its
//!   details (other notes together under `notes`); `birthDate`, `birthPlace`, `position`,
//!   `title` and `gender` details too.
//! - An `Event` whose `keywords` say `general licence` or `specific licence` is a licence of
//!   the authority its `publisher` names, covering the entities it `involved` (each as listed
//!   by that authority, or registered on its own when the authority lists it nowhere), in
//!   force from `startDate` to `endDate`.
//!
//! What FtM cannot say is not invented: `Identification` and `Passport` entities are not read
//! (their numbers are on the holder too), nor are relations (`Ownership`, `Directorship`, ...)
//! until the ledger models them. An `entities.ftm.json` file has no integrity signal beyond
//! its JSON: a line cut short is an error, a file cut at a line break is not detectable, so a
//! state import keeps the delisting guard of [`ReconcileOptions`].
//!
//! # Example
//!
//! ```
//! use chrono::{NaiveDate, TimeZone, Utc};
//! use sanctions_ledger::ftm::Export;
//! use sanctions_ledger::import::ftm::{apply_history, FtmFile, FtmOptions};
//! use sanctions_ledger::{Authority, Identifier, Ledger, StatusKind};
//!
//! let seed = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
//! let mut lines = Vec::new();
//! Export::history().write(seed.current(), &mut lines)?;
//!
//! let file = FtmFile::parse("belavia.ftm.json", &lines)?;
//! let recorded = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().ok_or("instant")?;
//! let mut ledger = Ledger::new();
//! let import = apply_history(&mut ledger, &file, &FtmOptions::new(), recorded)?;
//! assert!(import.skipped.is_empty());
//!
//! let now = ledger.current();
//! let belavia = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "44541"))[0];
//! let us = |date: &str| -> Result<StatusKind, Box<dyn std::error::Error>> {
//!     Ok(now.status(belavia, &Authority::US_OFAC, date.parse()?)?.kind())
//! };
//! assert_eq!(us("2023-08-08")?, StatusKind::NotListed);
//! assert_eq!(us("2024-06-01")?, StatusKind::Listed);
//! assert_eq!(us("2025-10-01")?, StatusKind::ListedLicensed); // Belarus GL 11
//! assert_eq!(us("2025-11-04")?, StatusKind::NotListed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// "FtM", "OpenSanctions" are names here, not code.
#![allow(clippy::doc_markdown)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use super::error::ImportError;
use super::reconcile::{reconcile, ReconcileOptions, Reconciliation};
use super::snapshot::{ListEntry, Snapshot};
use crate::authority::{Authority, Program};
use crate::change::{Change, ChangeKind, Source};
use crate::designation::Measure;
use crate::entity::{
    Country, Document, DocumentKind, Entity, EntityKind, Identifier, ImoCompanyNumber, ImoNumber,
};
use crate::ftm::{
    FtmEntity, ALL_TRANSACTIONS, COVERS_OWNED, GENERAL_LICENCE, MEASURES, SPECIFIC_LICENCE,
};
use crate::id::{ChangeId, EntityId, LicenceId};
use crate::ledger::{Applied, Ledger};
use crate::licence::{Authorisation, Licence, LicenceEnd, LicenceKind, LicenceTerms};
use crate::list::List;
use crate::view::View;

/// The list name of FtM snapshots unless [`FtmOptions::list`] sets another.
pub const DEFAULT_LIST: &str = "FTM";

/// The names OpenSanctions gives well-known authorities in `Sanction.authority`.
const AUTHORITY_NAMES: [(&str, Authority); 17] = [
    ("Office of Foreign Assets Control", Authority::US_OFAC),
    ("Bureau of Industry and Security", Authority::US_BIS),
    ("European Union", Authority::EU),
    ("Council of the European Union", Authority::EU),
    (
        "Directorate\u{2011}General for Financial Stability, Financial Services and Capital Markets Union",
        Authority::EU,
    ),
    (
        "Directorate-General for Financial Stability, Financial Services and Capital Markets Union",
        Authority::EU,
    ),
    ("Foreign, Commonwealth & Development Office", Authority::UK),
    ("HM Treasury", Authority::UK),
    ("Office of Financial Sanctions Implementation", Authority::UK),
    ("United Nations Security Council", Authority::UN),
    ("UN Security Council", Authority::UN),
    ("Global Affairs Canada", Authority::CA),
    ("State Secretariat for Economic Affairs", Authority::CH),
    ("National Security and Defense Council", Authority::UA),
    ("Department of Foreign Affairs and Trade", Authority::AU),
    ("Ministry of Foreign Affairs of Japan", Authority::JP),
    ("Ministry of Economy, Trade and Industry", Authority::JP),
];

/// One FtM file, parsed: its entities by id, nested ones taken out.
///
/// # Example
///
/// ```
/// use sanctions_ledger::import::ftm::FtmFile;
///
/// let nested = concat!(
///     r#"{"id": "p1", "schema": "Person", "properties": {"name": ["Jane Doe"], "sanctions": "#,
///     r#"[{"id": "s1", "schema": "Sanction", "properties": {"authority": ["EU"]}}]}}"#,
/// );
/// let file = FtmFile::parse("targets.nested.json", nested.as_bytes())?;
/// assert_eq!(file.len(), 2);
/// // The nested sanction names its target, and the target refers to it by id.
/// assert_eq!(file.get("s1").map(|s| s.get("entity")), Some(&["p1".to_owned()][..]));
/// # Ok::<(), sanctions_ledger::import::ImportError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FtmFile {
    file: String,
    entities: Vec<(usize, FtmEntity)>,
    index: HashMap<String, usize>,
}

/// Reverse properties of nested entities: under this property of its parent, a nested
/// entity of OpenSanctions' nested JSON refers back to the parent with that property.
const REVERSE: [(&str, &str); 3] = [
    ("sanctions", "entity"),
    ("cryptoWallets", "holder"),
    ("involvedEvents", "involved"),
];

impl FtmFile {
    /// Parses FtM entities, one JSON object per line (blank lines skipped); `file` names the
    /// file in errors and citations.
    ///
    /// # Errors
    ///
    /// [`ImportError::Empty`] when there is no entity; [`ImportError::Malformed`] for a line
    /// that is not a JSON object with a string `id` and `schema` and `properties` whose values
    /// are lists of strings (or, nested, entities), and for an id seen twice;
    /// [`ImportError::Truncated`] when the last line ends inside its object.
    pub fn parse(file: impl Into<String>, bytes: &[u8]) -> Result<FtmFile, ImportError> {
        let file = file.into();
        let mut parsed = FtmFile {
            file,
            entities: Vec::new(),
            index: HashMap::new(),
        };
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let line = 1 + memchr::memchr_iter(b'\n', &bytes[..e.valid_up_to()]).count();
            parsed.malformed(line, "the file is not UTF-8")
        })?;
        let last = text.lines().count();
        for (number, line) in text.lines().enumerate() {
            let number = number + 1;
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let value: Value = serde_json::from_str(line).map_err(|e| {
                if e.is_eof() && number == last {
                    ImportError::Truncated {
                        file: parsed.file.clone(),
                        line: number,
                        what: "an entity (the line ends inside its JSON object)".to_owned(),
                    }
                } else {
                    parsed.malformed(number, format!("not a JSON object: {e}"))
                }
            })?;
            parsed.take(number, value, None)?;
        }
        if parsed.entities.is_empty() {
            return Err(ImportError::Empty { file: parsed.file });
        }
        Ok(parsed)
    }

    /// Reads and parses a file (see [`FtmFile::parse`]).
    ///
    /// # Errors
    ///
    /// [`ImportError::Io`] when the file cannot be read, and those of [`FtmFile::parse`].
    pub fn read(path: &Path) -> Result<FtmFile, ImportError> {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
            file: name.clone(),
            source,
        })?;
        FtmFile::parse(name, &bytes)
    }

    /// The file's name, as given.
    #[must_use]
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The number of entities, nested ones included.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// Whether there are no entities (never, for a parsed file).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// The entity with this id.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&FtmEntity> {
        self.index.get(id).map(|&at| &self.entities[at].1)
    }

    /// The entities in file order (a nested entity after its parent), with their lines.
    pub fn entities(&self) -> impl Iterator<Item = (usize, &FtmEntity)> {
        self.entities.iter().map(|(line, e)| (*line, e))
    }

    fn malformed(&self, line: usize, reason: impl Into<String>) -> ImportError {
        ImportError::Malformed {
            file: self.file.clone(),
            line,
            what: reason.into(),
        }
    }

    /// Adds one entity and the entities nested in it; returns its id.
    fn take(
        &mut self,
        line: usize,
        value: Value,
        parent: Option<(&str, &str)>,
    ) -> Result<String, ImportError> {
        let Value::Object(mut object) = value else {
            return Err(self.malformed(line, "an entity is a JSON object"));
        };
        let text = |object: &serde_json::Map<String, Value>, key: &str| match object.get(key) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => None,
        };
        let (Some(id), Some(schema)) = (text(&object, "id"), text(&object, "schema")) else {
            return Err(self.malformed(line, "an entity has a string id and schema"));
        };
        let mut entity = FtmEntity::new(id.clone(), schema);
        for key in ["referents", "datasets"] {
            if let Some(Value::Array(values)) = object.get(key) {
                let strings = values.iter().filter_map(|v| v.as_str().map(str::to_owned));
                match key {
                    "referents" => entity.referents.extend(strings),
                    _ => entity.datasets.extend(strings),
                }
            }
        }
        let properties = match object.remove("properties") {
            None | Some(Value::Null) => serde_json::Map::new(),
            Some(Value::Object(properties)) => properties,
            Some(_) => {
                return Err(self.malformed(line, format!("{id}: properties is not an object")))
            }
        };
        let mut nested = Vec::new();
        for (property, values) in properties {
            let Value::Array(values) = values else {
                return Err(self.malformed(line, format!("{id}: {property} is not a list")));
            };
            for value in values {
                match value {
                    Value::String(s) => entity.add(&property, s),
                    Value::Number(n) => entity.add(&property, n.to_string()),
                    Value::Object(_) => nested.push((property.clone(), value)),
                    _ => {
                        let reason = format!("{id}: a value of {property} is not a string");
                        return Err(self.malformed(line, reason));
                    }
                }
            }
        }
        if let Some((parent_id, back)) = parent {
            if entity.get(back).is_empty() {
                entity.add(back, parent_id);
            }
        }
        if self.index.contains_key(&id) {
            // OpenSanctions' nested JSON repeats an entity under every parent that names it.
            if parent.is_some() {
                return Ok(id);
            }
            return Err(self.malformed(line, format!("the id {id} is used twice")));
        }
        self.index.insert(id.clone(), self.entities.len());
        self.entities.push((line, entity));
        let at = self.entities.len() - 1;
        for (property, value) in nested {
            let back = REVERSE
                .iter()
                .find(|(p, _)| *p == property)
                .map(|(_, back)| *back);
            let child = self.take(line, value, back.map(|b| (id.as_str(), b)))?;
            if back.is_none() {
                self.entities[at].1.add(&property, child);
            }
        }
        Ok(id)
    }
}

/// How to read an FtM file: the list name of its snapshots, which datasets to take, and
/// which authority names mean which authority.
///
/// # Example
///
/// ```
/// use sanctions_ledger::import::ftm::FtmOptions;
/// use sanctions_ledger::Authority;
///
/// let options = FtmOptions::new()
///     .list("OPENSANCTIONS")
///     .dataset("eu_fsf")
///     .authority("Direction Générale du Trésor", Authority::new("FR")?);
/// assert_eq!(options.list_name(), "OPENSANCTIONS");
/// # Ok::<(), sanctions_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FtmOptions {
    list: String,
    datasets: BTreeSet<String>,
    names: Vec<(String, Authority)>,
}

impl Default for FtmOptions {
    fn default() -> Self {
        FtmOptions::new()
    }
}

impl FtmOptions {
    /// List [`DEFAULT_LIST`], every dataset, the built-in authority names.
    #[must_use]
    pub fn new() -> Self {
        FtmOptions {
            list: DEFAULT_LIST.to_owned(),
            datasets: BTreeSet::new(),
            names: Vec::new(),
        }
    }

    /// The list name of the snapshots (and so of the derived ids and citations).
    #[must_use]
    pub fn list(mut self, name: impl Into<String>) -> Self {
        self.list = name.into();
        self
    }

    /// Takes only `Sanction`s of this dataset (call again for more). Without any, all.
    #[must_use]
    pub fn dataset(mut self, name: impl Into<String>) -> Self {
        self.datasets.insert(name.into());
        self
    }

    /// Reads `name` in `authority` (or `publisher` of a licence) as `authority`; checked
    /// before the built-in names.
    #[must_use]
    pub fn authority(mut self, name: impl Into<String>, authority: Authority) -> Self {
        self.names.push((name.into(), authority));
        self
    }

    /// The list name of the snapshots.
    #[must_use]
    pub fn list_name(&self) -> &str {
        &self.list
    }

    fn resolve(&self, names: &[String]) -> Option<Authority> {
        for name in names {
            if let Some((_, a)) = self.names.iter().find(|(n, _)| n == name) {
                return Some(a.clone());
            }
        }
        for name in names {
            if let Some((_, a)) = AUTHORITY_NAMES.iter().find(|(n, _)| n == name) {
                return Some(a.clone());
            }
        }
        names.iter().find_map(|name| Authority::new(name).ok())
    }
}

/// A `Sanction` or licence that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Skipped {
    /// The FtM id.
    pub id: String,
    /// The line of the file it was read from.
    pub line: usize,
    /// Why, in words.
    pub reason: String,
}

/// What an FtM import did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FtmImport {
    /// One reconciliation per snapshot, in the order applied.
    pub reconciliations: Vec<Reconciliation>,
    /// Changes issuing or ending licences, and registering the entities only they name.
    pub licence_changes: usize,
    /// `Sanction`s and licences not imported.
    pub skipped: Vec<Skipped>,
    /// `Sanction`s imported, but not with the dates the file wrote: a `startDate` or `endDate`
    /// that is not a full date (`YYYY-MM-DD`, e.g. `2021-06`), read as no start (in force
    /// from the snapshot's date) or no end (still in force); and, for [`apply_state`], a
    /// `startDate` after the date of the state (not in force on it). `reason` says which.
    pub warnings: Vec<Skipped>,
    /// What the ledger appended.
    pub applied: Applied,
}

/// Imports a file that holds the lists as they stood on `date`: per authority one snapshot
/// of the `Sanction`s in force that day, reconciled with `options`, then the licences in
/// force. All changes are applied in one batch: on error the ledger is unchanged.
///
/// # Errors
///
/// As [`reconcile`] for each snapshot (a mass delisting is refused unless `options` allow it),
/// and [`ImportError::Ledger`] when the ledger refuses the changes.
///
/// # Example
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use sanctions_ledger::import::ftm::{apply_state, FtmFile, FtmOptions};
/// use sanctions_ledger::import::ReconcileOptions;
/// use sanctions_ledger::{Authority, Identifier, Ledger};
///
/// let lines = br#"{"id": "ofac-1", "schema": "Organization", "properties": {"name": ["BELAVIA"]}}
/// {"id": "ofac-s1", "schema": "Sanction", "properties": {"entity": ["ofac-1"], "authority": ["Office of Foreign Assets Control"], "authorityId": ["44541"], "program": ["BELARUS-EO14038"], "provisions": ["Asset freeze"], "startDate": ["2023-08-09"]}}"#;
/// let file = FtmFile::parse("us_ofac_sdn.ftm.json", lines)?;
/// let date = NaiveDate::from_ymd_opt(2024, 5, 3).ok_or("date")?;
/// let recorded = Utc.with_ymd_and_hms(2024, 5, 4, 0, 0, 0).single().ok_or("instant")?;
/// let mut ledger = Ledger::new();
/// apply_state(&mut ledger, &file, date, &FtmOptions::new(), &ReconcileOptions::new(recorded))?;
///
/// let now = ledger.current();
/// let found = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "44541"));
/// assert!(now.is_listed(found[0], &Authority::US_OFAC, NaiveDate::from_ymd_opt(2023, 8, 9).ok_or("date")?)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn apply_state(
    ledger: &mut Ledger,
    file: &FtmFile,
    date: NaiveDate,
    options: &FtmOptions,
    reconcile_options: &ReconcileOptions,
) -> Result<FtmImport, ImportError> {
    let mut read = Reader::new(file, options);
    let by_list = read.sanctions(false);
    let mut steps = Vec::new();
    for ((authority, list), sanctions) in by_list {
        let later = sanctions.iter().filter_map(|s| {
            s.start
                .filter(|&start| start > date)
                .map(|start| (s, start))
        });
        for (sanction, start) in later {
            let line = file
                .index
                .get(sanction.id)
                .map_or(0, |&at| file.entities[at].0);
            let reason = format!(
                "its startDate {start} is after {date}, the date of the state: not in force on it"
            );
            read.warn(sanction.id, line, reason);
        }
        let snapshot = read.snapshot(&authority, list.as_ref(), date, &sanctions);
        if !snapshot.snapshot.is_empty() {
            steps.push((snapshot, *reconcile_options, false));
        }
    }
    let licences = read.licences(Some(date));
    run(
        ledger,
        file,
        read,
        steps,
        &licences,
        reconcile_options.recorded(),
    )
}

/// Imports a file with start and end dates (a history): per authority, one snapshot on every
/// date a `Sanction` starts or ends, reconciled in date order, then every licence with its
/// start and end. All changes are applied in one batch: on error the ledger is unchanged.
///
/// The dates are the file's own, so changes carry no observation window. The first snapshot
/// of each authority keeps the guards against mass delistings and amendments, against what
/// the ledger held before; what later ones change follows from the file's own dates, so the
/// guards do not apply to them.
///
/// # Errors
///
/// As [`apply_state`].
pub fn apply_history(
    ledger: &mut Ledger,
    file: &FtmFile,
    options: &FtmOptions,
    recorded: DateTime<Utc>,
) -> Result<FtmImport, ImportError> {
    let mut read = Reader::new(file, options);
    let by_list = read.sanctions(true);
    let mut steps = Vec::new();
    for ((authority, list), sanctions) in by_list {
        let mut dates: Vec<NaiveDate> = sanctions
            .iter()
            .flat_map(|s| s.start.into_iter().chain(s.end))
            .collect();
        dates.sort_unstable();
        dates.dedup();
        let mut previous = None;
        for date in dates {
            let snapshot = read.snapshot(&authority, list.as_ref(), date, &sanctions);
            // The file's own dates may run ahead of `recorded` (an `endDate` still to come).
            let mut reconcile_options =
                ReconcileOptions::new(recorded).allow_dated_after_recorded();
            if let Some(previous) = previous {
                reconcile_options = reconcile_options
                    .previous(previous)
                    .allow_mass_delisting()
                    .allow_mass_amendment();
            }
            steps.push((snapshot, reconcile_options, true));
            previous = Some(date);
        }
    }
    steps.sort_by_key(|(s, _, _)| s.snapshot.date());
    let licences = read.licences(None);
    run(ledger, file, read, steps, &licences, recorded)
}

/// Reconciles the snapshots in order on a copy of the ledger, adds the licences, and applies
/// everything to the ledger in one batch.
fn run(
    ledger: &mut Ledger,
    file: &FtmFile,
    read: Reader<'_>,
    steps: Vec<(Built, ReconcileOptions, bool)>,
    licences: &[LicenceEvent],
    recorded: DateTime<Utc>,
) -> Result<FtmImport, ImportError> {
    let mut scratch = ledger.clone();
    let mut all = Vec::new();
    let mut reconciliations = Vec::new();
    let refused = |source| ImportError::Ledger {
        file: Some(file.file().to_owned()),
        source,
    };
    for (built, options, exact) in steps {
        let changes = if built.snapshot.is_empty() {
            delist_all(scratch.current(), &built, &options)
        } else {
            let mut found = reconcile(scratch.current(), &built.snapshot, &options)?;
            for change in &mut found.changes {
                finish(change, &built, exact);
            }
            let changes = found.changes.clone();
            reconciliations.push(found);
            changes
        };
        scratch
            .apply_batch(changes.iter().cloned())
            .map_err(refused)?;
        all.extend(changes);
    }
    let mut licence_changes = licence_changes(scratch.current(), &read, licences, recorded);
    scratch
        .apply_batch(licence_changes.iter().cloned())
        .map_err(refused)?;
    let count = licence_changes.len();
    all.append(&mut licence_changes);
    let applied = ledger.apply_batch(all).map_err(refused)?;
    Ok(FtmImport {
        reconciliations,
        licence_changes: count,
        skipped: read.skipped,
        warnings: read.warnings,
        applied,
    })
}

/// The delistings of every entry of the list in force before an empty snapshot of a history
/// (reconciliation refuses empty snapshots: from a file they mean a broken download, but in a
/// history they are the last `endDate`s).
fn delist_all(view: View<'_>, built: &Built, options: &ReconcileOptions) -> Vec<Change> {
    let snapshot = &built.snapshot;
    let date = snapshot.date();
    let mut changes = Vec::new();
    for entry in &built.before {
        let entity = snapshot.entity_id(entry);
        // In force on the date: not delisted yet (a second import finds nothing to do).
        let Ok(status) = view.status(entity, snapshot.authority(), date) else {
            continue;
        };
        for &designation in status.designations() {
            let id = ChangeId::derive(&format!("{}:{entry}:delist:{date}", snapshot.prefix()));
            changes.push(Change::new(
                id,
                date,
                options.recorded(),
                Source::new(format!("{} as of {date}", snapshot.label())),
                ChangeKind::Delist { designation },
            ));
        }
    }
    changes
}

/// Sets what a snapshot cannot carry on the changes reconciliation made: `published`, the
/// reason and legal basis of new designations; and drops the observation window of changes
/// whose date the file gives.
fn finish(change: &mut Change, built: &Built, exact: bool) {
    if let ChangeKind::Designate { record, .. } = &mut change.kind {
        record.list.clone_from(&built.list);
        if let Some(extra) = built.extra.get(&record.entity) {
            change.published = extra.published;
            record.terms.reason.clone_from(&extra.reason);
            record.terms.legal_basis.clone_from(&extra.legal_basis);
            if extra.dated {
                change.window = None;
            }
        }
    } else if exact && matches!(change.kind, ChangeKind::Delist { .. }) {
        change.window = None;
    }
}

/// One `Sanction` as read.
struct Read<'f> {
    id: &'f str,
    target: &'f FtmEntity,
    sanction: &'f FtmEntity,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
}

/// A snapshot with what reconciliation does not carry.
struct Built {
    snapshot: Snapshot,
    /// The list of the `Sanction`s (their `publisher`), if they name one.
    list: Option<List>,
    /// Per entity: published date, reason, legal basis, whether the file dates it.
    extra: HashMap<EntityId, Extra>,
    /// Entry ids of the list's previous snapshot (for an empty one).
    before: Vec<String>,
}

#[derive(Default)]
struct Extra {
    published: Option<NaiveDate>,
    reason: Option<String>,
    legal_basis: Option<String>,
    dated: bool,
}

/// A licence `Event` as read.
struct LicenceEvent {
    id: String,
    authority: Authority,
    start: NaiveDate,
    end: Option<(NaiveDate, LicenceEnd)>,
    published: Option<NaiveDate>,
    covers: Vec<String>,
    terms: LicenceTerms,
}

struct Reader<'f> {
    file: &'f FtmFile,
    options: &'f FtmOptions,
    skipped: Vec<Skipped>,
    warnings: Vec<Skipped>,
    /// Wallets by holder id.
    wallets: HashMap<&'f str, Vec<&'f FtmEntity>>,
    /// Converted targets.
    converted: HashMap<&'f str, Option<Entity>>,
    /// Entry id of each (authority, target) in the snapshots built.
    entries: HashMap<(Authority, String), EntityId>,
    /// Entry ids of the previous snapshot, per authority.
    previous: HashMap<(Authority, Option<List>), Vec<String>>,
}

impl<'f> Reader<'f> {
    fn new(file: &'f FtmFile, options: &'f FtmOptions) -> Self {
        let mut wallets: HashMap<&str, Vec<&FtmEntity>> = HashMap::new();
        for (_, e) in &file.entities {
            if e.schema == "CryptoWallet" {
                for holder in e.get("holder") {
                    wallets.entry(holder.as_str()).or_default().push(e);
                }
            }
        }
        Reader {
            file,
            options,
            skipped: Vec::new(),
            warnings: Vec::new(),
            wallets,
            converted: HashMap::new(),
            entries: HashMap::new(),
            previous: HashMap::new(),
        }
    }

    fn skip(&mut self, id: &str, line: usize, reason: impl Into<String>) {
        self.skipped.push(Skipped {
            id: id.to_owned(),
            line,
            reason: reason.into(),
        });
    }

    fn warn(&mut self, id: &str, line: usize, reason: impl Into<String>) {
        self.warnings.push(Skipped {
            id: id.to_owned(),
            line,
            reason: reason.into(),
        });
    }

    /// The `Sanction`s to import, by authority and list, in file order. For a `history`, a
    /// `Sanction` without a full `startDate` is skipped: a history places each listing by its
    /// own dates, and there is no snapshot date to fall back on.
    #[allow(clippy::type_complexity)] // a map of lists to their Sanctions reads plainly
    fn sanctions(&mut self, history: bool) -> BTreeMap<(Authority, Option<List>), Vec<Read<'f>>> {
        let mut out: BTreeMap<(Authority, Option<List>), Vec<Read<'f>>> = BTreeMap::new();
        let file = self.file;
        for (line, sanction) in &file.entities {
            if sanction.schema != "Sanction" {
                continue;
            }
            let datasets = &self.options.datasets;
            if !datasets.is_empty() && !sanction.datasets.iter().any(|d| datasets.contains(d)) {
                continue;
            }
            let Some(authority) = self.options.resolve(sanction.get("authority")) else {
                let reason = format!("no authority known by {:?}", sanction.get("authority"));
                self.skip(&sanction.id, *line, reason);
                continue;
            };
            let target = sanction.first("entity").and_then(|id| file.get(id));
            let Some(target) = target else {
                self.skip(&sanction.id, *line, "its entity is not in the file");
                continue;
            };
            if self.convert(target).is_none() {
                let reason = format!("its entity {} has no name", target.id);
                self.skip(&sanction.id, *line, reason);
                continue;
            }
            let (starts, ends) = (sanction.get("startDate"), sanction.get("endDate"));
            let (start, end) = (earliest(starts), earliest(ends));
            if let (Some(start), Some(end)) = (start, end) {
                if end <= start {
                    let reason = format!("its endDate {end} is not after its startDate {start}");
                    self.skip(&sanction.id, *line, reason);
                    continue;
                }
            }
            if history && start.is_none() {
                let reason = format!(
                    "a history needs each Sanction's startDate as a full date (YYYY-MM-DD); it \
                     has {starts:?}"
                );
                self.skip(&sanction.id, *line, reason);
                continue;
            }
            // A date the file wrote but that is not a full date is read as none, and said so:
            // dropping the `Sanction` would make its entry look delisted.
            if start.is_none() && !starts.is_empty() {
                let reason = format!(
                    "startDate {starts:?} is not a full date (YYYY-MM-DD): read as in force from \
                     the snapshot's date"
                );
                self.warn(&sanction.id, *line, reason);
            }
            if end.is_none() && !ends.is_empty() {
                let reason =
                    format!("endDate {ends:?} is not a full date (YYYY-MM-DD): read as not ended");
                self.warn(&sanction.id, *line, reason);
            }
            // The list, when `publisher` names one of the authority's (as the export writes).
            let list = sanction
                .get("publisher")
                .iter()
                .filter_map(|p| p.parse::<List>().ok())
                .find(|l| *l.authority() == authority);
            out.entry((authority, list)).or_default().push(Read {
                id: &sanction.id,
                target,
                sanction,
                start,
                end,
            });
        }
        out
    }

    fn convert(&mut self, target: &'f FtmEntity) -> Option<&Entity> {
        if !self.converted.contains_key(target.id.as_str()) {
            let wallets = self
                .wallets
                .get(target.id.as_str())
                .cloned()
                .unwrap_or_default();
            let entity = entity_from_ftm(self.file, target, &wallets);
            self.converted.insert(&target.id, entity);
        }
        self.converted.get(target.id.as_str())?.as_ref()
    }

    /// The snapshot of `authority`'s `Sanction`s (on `list`) in force on `date`. The snapshot
    /// of the `Sanction`s on no list is named by the options' list name, that of a list
    /// `<name>-<list code>`.
    fn snapshot(
        &mut self,
        authority: &Authority,
        list: Option<&List>,
        date: NaiveDate,
        sanctions: &[Read<'f>],
    ) -> Built {
        let name = match list {
            Some(list) => format!("{}-{}", self.options.list, list.code()),
            None => self.options.list.clone(),
        };
        let mut snapshot = Snapshot::new(authority.clone(), name, date, self.file.file(), true);
        // Entries are on the `Sanction`s' list, or on none: never on a list named after the
        // snapshot.
        snapshot.set_default_list(list.cloned());
        let mut groups: BTreeMap<&str, Vec<&Read<'f>>> = BTreeMap::new();
        for read in sanctions {
            let started = read.start.is_none_or(|start| start <= date);
            let ended = read.end.is_some_and(|end| end <= date);
            if started && !ended {
                groups.entry(&read.target.id).or_default().push(read);
            }
        }
        let mut extra = HashMap::new();
        let mut ids = Vec::new();
        for (target, mut group) in groups {
            group.sort_by_key(|r| r.id);
            let Some(mut entity) = self.convert(group[0].target).cloned() else {
                continue;
            };
            let mut list_ids = Vec::new();
            for read in &group {
                let s = read.sanction;
                list_ids.extend(s.get("authorityId").iter().cloned());
                if *authority == Authority::UN {
                    list_ids.extend(s.get("unscId").iter().cloned());
                } else {
                    for un in s.get("unscId") {
                        entity
                            .identifiers
                            .push(Identifier::list_entry(Authority::UN, un.clone()));
                    }
                }
            }
            let entry_id = list_ids
                .iter()
                .map(|id| Identifier::list_entry(authority.clone(), id.clone()))
                .min_by_key(Identifier::lookup_key)
                .map_or_else(|| target.to_owned(), |i| list_id(&i).to_owned());
            list_ids.push(entry_id.clone());
            for id in list_ids {
                entity
                    .identifiers
                    .push(Identifier::list_entry(authority.clone(), id));
            }
            let line = self
                .file
                .index
                .get(target)
                .map_or(0, |&at| self.file.entities[at].0);
            let mut entry = ListEntry::new(entry_id.clone(), entity, line);
            let mut more = Extra::default();
            for read in &group {
                let s = read.sanction;
                entry.programs.extend(programs(authority, s));
                // OpenSanctions also lists OFAC's program codes under provisions.
                let programs = s.get("program");
                let provisions = s.get("provisions").iter().filter(|p| !programs.contains(p));
                entry.measures.extend(provisions.map(|p| measure(p)));
                entry.amended_on.extend(dates(s.get("modifiedAt")));
                entry.listed_on = match (entry.listed_on, read.start) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                more.dated |= read.start.is_some();
                more.published = more.published.or(earliest(s.get("listingDate")));
                more.reason = more.reason.or(s.first("reason").map(str::to_owned));
                more.legal_basis = more.legal_basis.or(s.first("summary").map(str::to_owned));
            }
            entry.canonicalise();
            extra.insert(snapshot.entity_id(&entry_id), more);
            self.entries.insert(
                (authority.clone(), target.to_owned()),
                snapshot.entity_id(&entry_id),
            );
            ids.push(entry_id);
            snapshot.insert(entry);
        }
        let key = (authority.clone(), list.cloned());
        let before = self.previous.insert(key, ids).unwrap_or_default();
        Built {
            snapshot,
            list: list.cloned(),
            extra,
            before,
        }
    }

    /// The licence `Event`s in force on `on` (all, when `None`).
    fn licences(&mut self, on: Option<NaiveDate>) -> Vec<LicenceEvent> {
        let mut out = Vec::new();
        let file = self.file;
        for (line, event) in &file.entities {
            let keywords = event.get("keywords");
            let kind = if keywords.iter().any(|k| k == GENERAL_LICENCE) {
                LicenceKind::General
            } else if keywords.iter().any(|k| k == SPECIFIC_LICENCE) {
                LicenceKind::Specific
            } else {
                continue;
            };
            if event.schema != "Event" {
                continue;
            }
            let Some(authority) = self.options.resolve(event.get("publisher")) else {
                self.skip(
                    &event.id,
                    *line,
                    "a licence of no authority known by its publisher",
                );
                continue;
            };
            let Some(start) = earliest(event.get("startDate")) else {
                self.skip(&event.id, *line, "a licence without startDate");
                continue;
            };
            let end = earliest(event.get("endDate")).map(|end| {
                let how = if keywords.iter().any(|k| k == "expired") {
                    LicenceEnd::Expired
                } else {
                    LicenceEnd::Revoked
                };
                (end, how)
            });
            if let Some(date) = on {
                if start > date || end.is_some_and(|(end, _)| end <= date) {
                    continue;
                }
            }
            let covers: Vec<String> = event
                .get("involved")
                .iter()
                .filter(|id| file.get(id).is_some_and(|t| self.convert(t).is_some()))
                .cloned()
                .collect();
            if covers.is_empty() {
                self.skip(
                    &event.id,
                    *line,
                    "a licence that covers no entity in the file",
                );
                continue;
            }
            let authorises = match event.first("summary") {
                None | Some(ALL_TRANSACTIONS) => Authorisation::AllTransactions,
                Some(words) => Authorisation::Described(words.to_owned()),
            };
            let terms = LicenceTerms {
                name: event.first("name").unwrap_or(&event.id).to_owned(),
                kind,
                covers: Vec::new(),
                covers_owned_entities: keywords.iter().any(|k| k == COVERS_OWNED),
                authorises,
                excludes: event.get("description").to_vec(),
            };
            out.push(LicenceEvent {
                id: event.id.clone(),
                authority,
                start,
                end: if on.is_some() { None } else { end },
                published: earliest(event.get("date")),
                covers,
                terms,
            });
        }
        out
    }
}

/// The id of a list-entry identifier.
fn list_id(identifier: &Identifier) -> &str {
    match identifier {
        Identifier::ListEntry { id, .. } => id,
        _ => "",
    }
}

/// The changes that issue (and end) the licences, registering first the covered entities
/// that no snapshot of the licence's authority lists.
fn licence_changes(
    view: View<'_>,
    read: &Reader<'_>,
    licences: &[LicenceEvent],
    recorded: DateTime<Utc>,
) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut registered = BTreeSet::new();
    for licence in licences {
        let id = LicenceId::derive(&format!("ftm:{}", licence.id));
        let known = view.licence(id).map(|k| k.in_force);
        let end = licence
            .end
            .filter(|(end, _)| *end > licence.start && known.is_none_or(|k| k.is_open()));
        if known.is_some() && end.is_none() {
            continue;
        }
        let source = Source::new(format!(
            "{} (FtM), licence {}",
            read.file.file(),
            licence.id
        ));
        let mut terms = licence.terms.clone();
        for target in &licence.covers {
            let key = (licence.authority.clone(), target.clone());
            let entity = if let Some(entity) = read.entries.get(&key) {
                *entity
            } else {
                let id = EntityId::derive(&format!("ftm:{target}"));
                let facts = read.converted.get(target.as_str()).cloned().flatten();
                if let Some(facts) = facts {
                    if view.entity(id).is_none() && registered.insert(id) {
                        changes.push(Change::new(
                            ChangeId::derive(&format!("ftm:{target}:register")),
                            licence.start,
                            recorded,
                            source.clone(),
                            ChangeKind::RegisterEntity {
                                entity: id,
                                record: Box::new(facts),
                            },
                        ));
                    }
                }
                id
            };
            if !terms.covers.contains(&entity) {
                terms.covers.push(entity);
            }
        }
        if known.is_none() {
            let mut issue = Change::new(
                ChangeId::derive(&format!("ftm:{}:issue:{}", licence.id, licence.start)),
                licence.start,
                recorded,
                source.clone(),
                ChangeKind::IssueLicence {
                    licence: id,
                    record: Box::new(Licence::new(licence.authority.clone(), terms)),
                },
            );
            issue.published = licence.published;
            changes.push(issue);
        }
        if let Some((end, how)) = end {
            changes.push(Change::new(
                ChangeId::derive(&format!("ftm:{}:end:{end}", licence.id)),
                end,
                recorded,
                source,
                ChangeKind::EndLicence {
                    licence: id,
                    end: how,
                },
            ));
        }
    }
    changes
}

/// The earliest full date (`YYYY-MM-DD`, a time after it ignored) among the values.
fn earliest(values: &[String]) -> Option<NaiveDate> {
    dates(values).min()
}

fn dates(values: &[String]) -> impl Iterator<Item = NaiveDate> + '_ {
    values.iter().filter_map(|v| {
        v.get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    })
}

fn programs<'a>(
    authority: &'a Authority,
    sanction: &'a FtmEntity,
) -> impl Iterator<Item = Program> + 'a {
    let from_program: Vec<Program> = sanction
        .get("program")
        .iter()
        .filter_map(|code| Program::new(authority.clone(), code).ok())
        .collect();
    let fallback = from_program.is_empty();
    let from_id = sanction
        .get("programId")
        .iter()
        .filter(move |_| fallback)
        .filter_map(move |key| {
            // This crate's own keys are `AUTHORITY/CODE`.
            let code = key
                .strip_prefix(authority.as_str())
                .and_then(|rest| rest.strip_prefix('/'))
                .unwrap_or(key);
            Program::new(authority.clone(), code).ok()
        });
    from_program.into_iter().chain(from_id)
}

/// A measure from the words of `provisions`: the export's own texts, and OFAC's `Block`
/// (OpenSanctions' word for blocking), case-insensitively; any other text as it is.
fn measure(text: &str) -> Measure {
    if ["block", "blocking", "blocked"]
        .iter()
        .any(|w| w.eq_ignore_ascii_case(text))
    {
        return Measure::AssetFreeze;
    }
    MEASURES
        .iter()
        .find(|(_, words)| words.eq_ignore_ascii_case(text))
        .map_or_else(|| Measure::Other(text.to_owned()), |(m, _)| m.clone())
}

/// The ledger's facts of an FtM thing; `None` when it has no name at all.
fn entity_from_ftm(file: &FtmFile, thing: &FtmEntity, wallets: &[&FtmEntity]) -> Option<Entity> {
    let schema = thing.schema.as_str();
    let kind = match schema {
        "Person" => EntityKind::Person,
        "Organization" | "Company" | "PublicBody" => EntityKind::Organisation,
        "Vessel" => EntityKind::Vessel,
        "Airplane" => EntityKind::Aircraft,
        _ => EntityKind::Other,
    };
    let mut properties: BTreeMap<&str, Vec<&str>> = thing
        .properties
        .iter()
        .map(|(p, values)| (p.as_str(), values.iter().map(String::as_str).collect()))
        .collect();
    let mut details = BTreeMap::new();
    let list_entries = read_notes(thing, &mut properties, &mut details);
    let get = |p: &str| properties.get(p).map_or(&[][..], Vec::as_slice);
    let mut names = get("name").iter().chain(get("alias")).copied();
    let mut fallback = get("weakAlias").iter().chain(get("previousName")).copied();
    let name = names.next().or_else(|| fallback.next()).or_else(|| {
        (schema == "Airplane").then(|| get("registrationNumber").first().copied())?
    })?;
    let mut entity = Entity::new(kind, name);
    for alias in names
        .chain(get("weakAlias").iter().copied())
        .chain(get("previousName").iter().copied())
    {
        entity.aliases.push(alias.to_owned());
    }
    for property in [
        "country",
        "nationality",
        "citizenship",
        "jurisdiction",
        "flag",
        "mainCountry",
    ] {
        entity
            .countries
            .extend(get(property).iter().filter_map(|c| Country::new(c).ok()));
    }
    entity
        .addresses
        .extend(get("address").iter().map(|a| (*a).to_owned()));
    for address in thing.get("addressEntity") {
        if let Some(full) = file.get(address).and_then(|a| a.first("full")) {
            entity.addresses.push(full.to_owned());
        }
    }
    entity.identifiers.extend(list_entries);
    for property in IDENTIFIER_PROPERTIES {
        for value in get(property) {
            entity
                .identifiers
                .extend(identifier(schema, property, value));
        }
    }
    // FtM keeps 8 characters of a BIC; the export notes a branch's whole code: keep that one.
    let swift = |i: &Identifier| match i {
        Identifier::Document(d) if d.kind == DocumentKind::SwiftBic => Some(d.number.clone()),
        _ => None,
    };
    let branches: Vec<String> = entity.identifiers.iter().filter_map(swift).collect();
    entity.identifiers.retain(|i| {
        swift(i).is_none_or(|n| {
            !branches
                .iter()
                .any(|b| b.len() > n.len() && b.starts_with(&n))
        })
    });
    for wallet in wallets {
        for address in wallet.get("publicKey") {
            entity.identifiers.push(Identifier::DigitalCurrencyAddress {
                currency: wallet.first("currency").unwrap_or_default().to_owned(),
                address: address.clone(),
            });
        }
    }
    if schema == "Vessel" {
        for call_sign in get("callSign") {
            add_detail(&mut details, "call_sign", call_sign);
        }
    }
    for (property, key) in [
        ("birthDate", "birth_date"),
        ("birthPlace", "birth_place"),
        ("position", "position"),
        ("title", "title"),
        ("gender", "gender"),
    ] {
        for value in get(property) {
            add_detail(&mut details, key, value);
        }
    }
    entity.details = details;
    Some(entity)
}

/// Reads an entity's `notes`: `listEntry: <authority> <id>` list entries (returned), overflow
/// of properties (`name: …`, `idNumber: …`) into `properties`, `snake_key: value` details, and
/// any other note into the `notes` detail.
fn read_notes<'t>(
    thing: &'t FtmEntity,
    properties: &mut BTreeMap<&'t str, Vec<&'t str>>,
    details: &mut BTreeMap<String, String>,
) -> Vec<Identifier> {
    let mut list_entries = Vec::new();
    let mut other_notes = Vec::new();
    for note in thing.get("notes") {
        let Some((key, value)) = note.split_once(": ") else {
            other_notes.push(note.as_str());
            continue;
        };
        if key == "listEntry" {
            if let Some((authority, id)) = value.split_once(' ') {
                if let Ok(authority) = Authority::new(authority) {
                    list_entries.push(Identifier::list_entry(authority, id));
                    continue;
                }
            }
        }
        if matches!(key, "name" | "alias" | "address") || IDENTIFIER_PROPERTIES.contains(&key) {
            properties.entry(key).or_default().push(value);
        } else if !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            add_detail(details, key, value);
        } else {
            other_notes.push(note.as_str());
        }
    }
    if !other_notes.is_empty() {
        add_detail(details, "notes", &other_notes.join(" | "));
    }
    list_entries
}

/// Adds a detail, joining a second value of the same key with `; ` unless it is a repeat.
fn add_detail(details: &mut BTreeMap<String, String>, key: &str, value: &str) {
    match details.get_mut(key) {
        Some(existing) if existing.split("; ").any(|v| v == value) => {}
        Some(existing) => {
            existing.push_str("; ");
            existing.push_str(value);
        }
        None => {
            details.insert(key.to_owned(), value.to_owned());
        }
    }
}

/// The identifier properties read, in a fixed order.
const IDENTIFIER_PROPERTIES: [&str; 12] = [
    "imoNumber",
    "registrationNumber",
    "aircraftRegistration",
    "serialNumber",
    "passportNumber",
    "idNumber",
    "taxNumber",
    "innCode",
    "vatCode",
    "leiCode",
    "swiftBic",
    "ogrnCode",
];

fn identifier(schema: &str, property: &str, value: &str) -> Option<Identifier> {
    let document = |kind| Some(Identifier::Document(Document::new(kind, value)));
    let other = || {
        Some(Identifier::Other {
            scheme: property.to_owned(),
            value: value.to_owned(),
        })
    };
    match property {
        "imoNumber" if schema == "Vessel" => ImoNumber::new(value)
            .ok()
            .map(Identifier::Imo)
            .or_else(other),
        "imoNumber" => ImoCompanyNumber::new(value)
            .ok()
            .map(Identifier::ImoCompany)
            .or_else(other),
        "registrationNumber" if schema == "Airplane" => {
            Some(Identifier::AircraftRegistration(value.to_owned()))
        }
        "aircraftRegistration" => Some(Identifier::AircraftRegistration(value.to_owned())),
        "serialNumber" if schema == "Airplane" => {
            Some(Identifier::AircraftSerial(value.to_owned()))
        }
        "registrationNumber" | "ogrnCode" => document(DocumentKind::Registration),
        "passportNumber" => document(DocumentKind::Passport),
        "idNumber" => document(DocumentKind::NationalId),
        "taxNumber" | "innCode" | "vatCode" => document(DocumentKind::TaxId),
        "leiCode" => document(DocumentKind::Lei),
        "swiftBic" => document(DocumentKind::SwiftBic),
        _ => other(),
    }
}
