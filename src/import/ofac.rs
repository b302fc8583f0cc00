//! OFAC's legacy CSV files: the SDN list's `sdn.csv` and its companions `add.csv`, `alt.csv`
//! and `sdn_comments.csv` ([`SdnFiles`]), and the non-SDN Consolidated list's `cons_prim.csv`,
//! `cons_add.csv`, `cons_alt.csv` and `cons_comments.csv`, in the same format
//! ([`ConsolidatedFiles`]).
//!
//! The format has no header row; a null field is the literal `-0- `; lines end in CRLF and the
//! file ends with a 0x1A (Ctrl-Z) byte; a record under several programs writes them as
//! `"A] [B"`; text is Latin-1. The files are joined on `ent_num`, the stable key of an entry.
//! Columns of `sdn.csv`: `ent_num`, `SDN_Name`, `SDN_Type`, `Program`, `Title`, `Call_Sign`,
//! `Vess_type`, `Tonnage`, `GRT`, `Vess_flag`, `Vess_owner`, `Remarks`.
//!
//! What becomes what:
//!
//! - `SDN_Type` `individual` → [`EntityKind::Person`], empty (`-0- `) → [`EntityKind::Organisation`],
//!   `vessel` → [`EntityKind::Vessel`], `aircraft` → [`EntityKind::Aircraft`].
//! - `ent_num` → [`Identifier::ListEntry`] of [`Authority::US_OFAC`]; the name of an aircraft
//!   entry is its tail number → [`Identifier::AircraftRegistration`].
//! - The remarks' items: `Aircraft Tail Number …` → [`Identifier::AircraftRegistration`];
//!   `Aircraft Manufacturer's Serial Number (MSN) …` → [`Identifier::AircraftSerial`];
//!   `IMO 1234567` → on a vessel [`Identifier::Imo`] (check digit verified, a
//!   [`WarningKind::InvalidIdentifier`] otherwise), on any other entry the owner's or manager's
//!   company number [`Identifier::ImoCompany`]; `Digital Currency Address - XBT …` →
//!   [`Identifier::DigitalCurrencyAddress`]; `Passport …`, `National ID No. …`,
//!   `Tax ID No. …`, `Registration Number …`, `Legal Entity Number …`, `SWIFT/BIC …` and some
//!   sixty national forms (`Cedula No.`, `R.F.C.`, `NIT #`, …) → [`Identifier::Document`] of
//!   the matching [`DocumentKind`](crate::DocumentKind), with the label as scheme and the
//!   country in parentheses, if any.
//! - `a.k.a. '…'`, `f.k.a. '…'`, `n.k.a. '…'` in the remarks and the names of `alt.csv` →
//!   aliases; `add.csv` rows → addresses (one line each).
//! - Title, call sign, vessel type, tonnage, GRT, flag, owner and the full remarks (with the
//!   overflow of `sdn_comments.csv` appended) → [`Entity::details`] under `title`, `call_sign`,
//!   `vessel_type`, `tonnage`, `gross_registered_tonnage`, `vessel_flag`, `vessel_owner`,
//!   `remarks`.
//! - The flag of a vessel and the country of each address → [`Entity::countries`] (ISO codes;
//!   names that are regions, such as `Region: Crimea`, give none).
//! - Programs → [`Program`]s of US OFAC; on the SDN list the measure is always
//!   [`Measure::AssetFreeze`] (blocking of property, which is what the SDN list imposes). The
//!   non-SDN Consolidated list ([`ConsolidatedFiles`]) has the same format but restricts rather
//!   than blocks: its measures follow each entry's list.
//! - `Linked To: NAME` items of the remarks → a [`RelationKind::LinkedTo`](crate::RelationKind::LinkedTo)
//!   relation from the entry to the entry named ([`Snapshot::relations`]), when exactly one other
//!   entry of the file has that name or alias (whitespace collapsed, case ignored, with or
//!   without the remarks' closing full stop); otherwise a
//!   [`WarningKind::RelationUnresolved`] and no relation. OFAC dates no link: reconciliation
//!   begins and ends it on the snapshot's date, with the observation window. A link is
//!   recorded, never derived from.
//!
//! # Trusting the files
//!
//! A broken download must never read as a shorter list (and so as delistings). Every file OFAC
//! publishes in this format ends with a line break and a 0x1A byte; a file without it was cut
//! short and is refused ([`ImportError::Unterminated`]), as is one that ends inside a record
//! ([`ImportError::Truncated`]), an empty one ([`ImportError::Empty`], companions included) and
//! one that is not this format at all ([`ImportError::WrongFormat`]: XML, binary data, a ZIP
//! archive, a header row). The files of one publication are joined on `ent_num`, so a companion
//! row naming an entry that `sdn.csv` lacks is evidence that `sdn.csv` lost rows
//! ([`ImportError::MissingEntries`]). Hand-made files and subsets, which have neither the end
//! byte nor matching companions, are read when the caller says so with [`ParseOptions`]; what
//! was let through is then reported as [`Warning`]s on the snapshot.

use std::borrow::Cow;
use std::path::Path;

use chrono::NaiveDate;

use super::country;
use super::error::ImportError;
use super::snapshot::{ListEntry, Snapshot};
use super::warning::{Warning, WarningKind};
use crate::authority::{Authority, Program};
use crate::designation::Measure;
use crate::entity::{Entity, EntityKind, Identifier};
use crate::list::List;

mod lists;
mod remarks;

pub(crate) use self::lists::{list_code, list_has_program, list_measure};
pub(crate) use self::remarks::document_kind;

/// The short name of the SDN list in snapshots and derived ids.
pub const SDN_LIST: &str = "SDN";

/// The short name of OFAC's non-SDN Consolidated list (`cons_prim.csv` and its companions) in
/// snapshots and derived ids: another publication than the SDN list, with its own ids.
pub const CONSOLIDATED_LIST: &str = "CONS";

/// Which of OFAC's two publications in this format a file set is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Publication {
    /// The SDN list (`sdn.csv`, `add.csv`, `alt.csv`, `sdn_comments.csv`).
    Sdn,
    /// The non-SDN Consolidated list (`cons_prim.csv`, `cons_add.csv`, `cons_alt.csv`,
    /// `cons_comments.csv`).
    Consolidated,
}

/// What the parser expects, in [`ImportError::WrongFormat`].
const EXPECTED: &str = "an OFAC legacy CSV file";

/// The number of fields of a record of each file.
const SDN_WIDTH: usize = 12;
const ADD_WIDTH: usize = 6;
const ALT_WIDTH: usize = 5;
const COMMENTS_WIDTH: usize = 2;

/// How strictly to read OFAC's CSV files. The default is as strict as OFAC's publications
/// allow; each leave suits hand-made files and subsets, never downloads.
///
/// # Example
///
/// A hand-made file without OFAC's final 0x1A byte is refused unless allowed, and then read
/// with a warning:
///
/// ```
/// use chrono::NaiveDate;
/// use sanctions_ledger::import::ofac::{ParseOptions, SdnFiles};
/// use sanctions_ledger::import::{ImportError, WarningKind};
///
/// let date = NaiveDate::from_ymd_opt(2023, 8, 9).unwrap_or_default();
/// let hand_made = b"44541,\"BELAVIA\",-0- ,\"BELARUS-EO14038\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";
/// let err = SdnFiles::new("mine.csv", hand_made).parse(date).map(|_| ()).expect_err("no 0x1A");
/// assert!(matches!(err, ImportError::Unterminated { line: 2, .. }));
///
/// let options = ParseOptions::new().allow_unterminated();
/// let snapshot = SdnFiles::new("mine.csv", hand_made).with_options(options).parse(date)?;
/// assert_eq!(snapshot.len(), 1);
/// assert_eq!(snapshot.warnings()[0].kind, WarningKind::Unterminated);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseOptions {
    allow_unterminated: bool,
    allow_unmatched_companion_rows: bool,
}

impl ParseOptions {
    /// Strict reading: every file must end with OFAC's 0x1A byte, and every companion row must
    /// name an entry of the main file.
    #[must_use]
    pub fn new() -> Self {
        ParseOptions::default()
    }

    /// Reads files that lack the final 0x1A byte (hand-made files), with a
    /// [`WarningKind::Unterminated`] for each. A file cut inside a record is still refused.
    #[must_use]
    pub fn allow_unterminated(mut self) -> Self {
        self.allow_unterminated = true;
        self
    }

    /// Leaves out companion rows that name entries the main file does not hold (hand-made
    /// subsets, companions of another date), with a [`WarningKind::UnmatchedCompanionRow`] for
    /// each, instead of refusing the main file as cut short.
    #[must_use]
    pub fn allow_unmatched_companion_rows(mut self) -> Self {
        self.allow_unmatched_companion_rows = true;
        self
    }
}

/// The four files of one SDN publication, as bytes; only `sdn.csv` is required.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use sanctions_ledger::import::ofac::SdnFiles;
/// use sanctions_ledger::Identifier;
///
/// let sdn = b"44580,\"EW-301PJ\",\"aircraft\",\"BELARUS-EO14038\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"Aircraft Model CRJ-200ER; Aircraft Manufacturer's Serial Number (MSN) 8057; Aircraft Tail Number EW-301PJ.\"\r\n\x1a";
/// let alt = b"44580,1,\"aka\",\"BELAVIA CRJ\",-0- \r\n\x1a";
/// let date = NaiveDate::from_ymd_opt(2023, 8, 9).unwrap_or_default();
/// let snapshot = SdnFiles::new("sdn.csv", sdn).with_aliases("alt.csv", alt).parse(date)?;
/// let aircraft = &snapshot.get("44580").ok_or("missing")?.entity;
/// assert!(aircraft.identifiers.contains(&Identifier::AircraftRegistration("EW-301PJ".into())));
/// assert!(aircraft.identifiers.contains(&Identifier::AircraftSerial("8057".into())));
/// assert_eq!(aircraft.aliases, ["BELAVIA CRJ"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct SdnFiles<'a> {
    publication: Publication,
    sdn: (&'a str, &'a [u8]),
    add: Option<(&'a str, &'a [u8])>,
    alt: Option<(&'a str, &'a [u8])>,
    comments: Option<(&'a str, &'a [u8])>,
    options: ParseOptions,
}

impl<'a> SdnFiles<'a> {
    /// The content of `sdn.csv`, named `name` in errors and citations.
    #[must_use]
    pub fn new(name: &'a str, sdn: &'a [u8]) -> Self {
        SdnFiles {
            publication: Publication::Sdn,
            sdn: (name, sdn),
            add: None,
            alt: None,
            comments: None,
            options: ParseOptions::new(),
        }
    }

    /// Reads the files with `options` instead of strictly.
    #[must_use]
    pub fn with_options(mut self, options: ParseOptions) -> Self {
        self.options = options;
        self
    }

    /// Adds `add.csv` (addresses).
    #[must_use]
    pub fn with_addresses(mut self, name: &'a str, add: &'a [u8]) -> Self {
        self.add = Some((name, add));
        self
    }

    /// Adds `alt.csv` (aliases).
    #[must_use]
    pub fn with_aliases(mut self, name: &'a str, alt: &'a [u8]) -> Self {
        self.alt = Some((name, alt));
        self
    }

    /// Adds `sdn_comments.csv` (the overflow of long remarks).
    #[must_use]
    pub fn with_comments(mut self, name: &'a str, comments: &'a [u8]) -> Self {
        self.comments = Some((name, comments));
        self
    }

    /// Parses the files into a snapshot of the SDN list on `date` (the files carry no date).
    ///
    /// # Errors
    ///
    /// [`ImportError::WrongFormat`] when a file is not an OFAC CSV file;
    /// [`ImportError::Empty`] when a file (companions included) has no record;
    /// [`ImportError::Truncated`] when a file ends inside a record;
    /// [`ImportError::Unterminated`] when a file lacks OFAC's final 0x1A byte (unless allowed);
    /// [`ImportError::MissingEntries`] when a companion row names an entry that `sdn.csv` lacks
    /// (unless allowed); [`ImportError::Malformed`] for a record with the wrong number of
    /// fields, a bad `ent_num`, an unknown type, an empty name or program, or an `ent_num` seen
    /// twice.
    ///
    /// A row listing only programs of non-SDN lists (`NS-PLC`, `CMIC-EO13959`, ...) is
    /// [`ImportError::WrongFormat`]: the file is OFAC's non-SDN Consolidated list, which
    /// [`ConsolidatedFiles`] reads.
    pub fn parse(&self, date: NaiveDate) -> Result<Snapshot, ImportError> {
        let (file, bytes) = self.sdn;
        let list = match self.publication {
            Publication::Sdn => SDN_LIST,
            Publication::Consolidated => CONSOLIDATED_LIST,
        };
        let mut snapshot = Snapshot::new(Authority::US_OFAC, list, date, file, false);
        let records = Records::parse(file, bytes, SDN_WIDTH, self.options)?;
        for warning in records.warnings {
            snapshot.add_warning(warning);
        }
        self.main_rows(&mut snapshot, records.rows)?;
        if let Some(comments) = self.comments {
            // OFAC cuts a remark longer than 1,000 characters anywhere, at a space too, and
            // writes the rest here verbatim: the untrimmed parts join into the remark.
            self.companion(&mut snapshot, comments, COMMENTS_WIDTH, |entry, row| {
                if let Some(text) = row.fields.get(1).cloned().flatten() {
                    let remarks = entry.entity.details.entry("remarks".into()).or_default();
                    remarks.push_str(&text);
                }
            })?;
        }
        if let Some(add) = self.add {
            self.companion(&mut snapshot, add, ADD_WIDTH, |entry, row| {
                let [_, _, address, city, country, _] = row.fields.as_slice() else {
                    return;
                };
                let parts: Vec<&str> = [address, city, country]
                    .into_iter()
                    .filter_map(|part| part.as_deref().map(str::trim_ascii))
                    .collect();
                if !parts.is_empty() {
                    entry.entity.addresses.push(parts.join(", "));
                }
                let country = country.as_deref().map(str::trim_ascii);
                entry
                    .entity
                    .countries
                    .extend(country.and_then(country::by_ofac_name));
            })?;
        }
        if let Some(alt) = self.alt {
            self.companion(&mut snapshot, alt, ALT_WIDTH, |entry, row| {
                if let Some(name) = row.fields.get(3).cloned().flatten() {
                    entry.entity.aliases.push(trimmed(name).into_owned());
                }
            })?;
        }
        let mut warnings = Vec::new();
        for entry in snapshot.entries_mut() {
            read_remarks(file, entry, &mut warnings);
            entry.canonicalise();
        }
        for warning in warnings {
            snapshot.add_warning(warning);
        }
        super::relations::read_linked_to(&mut snapshot);
        Ok(snapshot)
    }

    /// Reads the rows of the main file into `snapshot`, with the measures of its publication.
    fn main_rows(&self, snapshot: &mut Snapshot, rows: Vec<Row<'_>>) -> Result<(), ImportError> {
        let file = self.sdn.0;
        let count = rows.len();
        let mut unknown = 0;
        for row in rows {
            let mut entry = sdn_entry(file, row)?;
            let line = entry.line;
            let codes: Vec<&str> = entry.programs.iter().map(Program::code).collect();
            match self.publication {
                Publication::Sdn if lists::only_non_sdn(&codes) => {
                    return Err(ImportError::WrongFormat {
                        file: file.into(),
                        expected: "OFAC's SDN list",
                        found: format!(
                            "line {line} lists only programs of non-SDN lists ({}): it looks like \
                             OFAC's non-SDN Consolidated list (cons_prim.csv), which \
                             ofac::ConsolidatedFiles reads",
                            codes.join(", ")
                        ),
                    });
                }
                Publication::Sdn => entry.measures.push(Measure::AssetFreeze),
                Publication::Consolidated => {
                    if let Some((list, measure)) = lists::consolidated_list(&codes) {
                        entry.list = List::new(Authority::US_OFAC, list).ok();
                        entry.measures.push(measure);
                    } else {
                        unknown += 1;
                        let kind = WarningKind::UnknownList {
                            entry: entry.id.clone(),
                            programs: codes.join(", "),
                        };
                        snapshot.add_warning(Warning::new(file, line, kind));
                        entry
                            .measures
                            .push(Measure::Other(lists::UNSPECIFIED.into()));
                    }
                }
            }
            if !snapshot.insert(entry) {
                return Err(malformed(file, line, "this ent_num appears twice"));
            }
        }
        if unknown * 2 > count {
            return Err(ImportError::WrongFormat {
                file: file.into(),
                expected: "OFAC's non-SDN Consolidated list",
                found: format!(
                    "{unknown} of its {count} rows name no program of a non-SDN list: it looks \
                     like the SDN list (sdn.csv), which ofac::SdnFiles reads"
                ),
            });
        }
        Ok(())
    }

    /// Reads a companion file into the snapshot's entries with `apply`, after checking each
    /// row's width and `ent_num`. Rows naming entries the main file lacks refuse the main file
    /// as cut short, or are left out with a warning when the options allow it.
    fn companion(
        &self,
        snapshot: &mut Snapshot,
        (file, bytes): (&str, &[u8]),
        width: usize,
        mut apply: impl FnMut(&mut ListEntry, &Row<'_>),
    ) -> Result<(), ImportError> {
        let records = Records::parse(file, bytes, width, self.options)?;
        for warning in records.warnings {
            snapshot.add_warning(warning);
        }
        let mut unmatched: Vec<(usize, String)> = Vec::new();
        for row in &records.rows {
            // The remark overflow has no fixed width beyond its two first fields.
            let fits = if width == COMMENTS_WIDTH {
                row.fields.len() >= width
            } else {
                row.fields.len() == width
            };
            if !fits {
                return Err(width_error(file, row, width));
            }
            let ent = ent_num(file, row.line, row.fields[0].as_deref())?;
            match snapshot.get_mut(ent) {
                Some(entry) => apply(entry, row),
                None => unmatched.push((row.line, ent.to_owned())),
            }
        }
        let Some((line, entry)) = unmatched.first() else {
            return Ok(());
        };
        if !self.options.allow_unmatched_companion_rows {
            return Err(ImportError::MissingEntries {
                file: self.sdn.0.to_owned(),
                companion: file.to_owned(),
                companion_line: *line,
                entry: entry.clone(),
                rows: unmatched.len(),
            });
        }
        for (line, entry) in unmatched {
            snapshot.add_warning(Warning::new(
                file,
                line,
                WarningKind::UnmatchedCompanionRow { entry },
            ));
        }
        Ok(())
    }
}

/// The files of one publication of OFAC's non-SDN Consolidated list (`cons_prim.csv`, with
/// `cons_add.csv`, `cons_alt.csv` and `cons_comments.csv`), as bytes; only `cons_prim.csv` is
/// required. The format is the SDN list's, and so are the checks (see [`SdnFiles`]).
///
/// It is another publication than the SDN list: its snapshot is of list
/// [`CONSOLIDATED_LIST`], so its entity, designation and change ids never collide with the SDN
/// list's (an entity on both lists is two entities until linked), and importing it delists
/// nothing on the SDN list. Each entry is on one of the lists it gathers, named in
/// [`ListEntry::list`] (`SSI`, `NS-MBS`, `NS-CMIC`, `NS-PLC`, `CAPTA`, `FSE`), which the
/// entry's program tags give; its measure follows that list, and none is an asset freeze:
/// sectoral restrictions for SSI, NS-MBS and CAPTA, an investment ban for CMIC, rejection of
/// transactions for NS-PLC and FSE. An entry whose programs name no known list keeps an
/// unspecified restriction, with a [`WarningKind::UnknownList`]; a file where most entries are
/// so is refused as the SDN list given by mistake.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use sanctions_ledger::import::ofac::{ConsolidatedFiles, CONSOLIDATED_LIST};
/// use sanctions_ledger::{List, Measure};
///
/// let cons = b"30923,\"CHINA MOBILE LIMITED\",-0- ,\"CMIC-EO13959\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a";
/// let date = NaiveDate::from_ymd_opt(2025, 12, 19).unwrap_or_default();
/// let snapshot = ConsolidatedFiles::new("cons_prim.csv", cons).parse(date)?;
/// assert_eq!(snapshot.list(), CONSOLIDATED_LIST);
/// let entry = snapshot.get("30923").ok_or("missing")?;
/// assert_eq!(entry.list, Some(List::US_OFAC_NS_CMIC));
/// assert_eq!(entry.measures, [Measure::InvestmentBan]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ConsolidatedFiles<'a>(SdnFiles<'a>);

impl<'a> ConsolidatedFiles<'a> {
    /// The content of `cons_prim.csv`, named `name` in errors and citations.
    #[must_use]
    pub fn new(name: &'a str, cons_prim: &'a [u8]) -> Self {
        let mut files = SdnFiles::new(name, cons_prim);
        files.publication = Publication::Consolidated;
        ConsolidatedFiles(files)
    }

    /// Reads the files with `options` instead of strictly.
    #[must_use]
    pub fn with_options(self, options: ParseOptions) -> Self {
        ConsolidatedFiles(self.0.with_options(options))
    }

    /// Adds `cons_add.csv` (addresses).
    #[must_use]
    pub fn with_addresses(self, name: &'a str, add: &'a [u8]) -> Self {
        ConsolidatedFiles(self.0.with_addresses(name, add))
    }

    /// Adds `cons_alt.csv` (aliases).
    #[must_use]
    pub fn with_aliases(self, name: &'a str, alt: &'a [u8]) -> Self {
        ConsolidatedFiles(self.0.with_aliases(name, alt))
    }

    /// Adds `cons_comments.csv` (the overflow of long remarks).
    #[must_use]
    pub fn with_comments(self, name: &'a str, comments: &'a [u8]) -> Self {
        ConsolidatedFiles(self.0.with_comments(name, comments))
    }

    /// Parses the files into a snapshot of the Consolidated list on `date`.
    ///
    /// # Errors
    ///
    /// As [`SdnFiles::parse`], except that [`ImportError::WrongFormat`] is returned for a file
    /// in which more than half of the entries name no program of a non-SDN list (the SDN list
    /// given by mistake).
    pub fn parse(&self, date: NaiveDate) -> Result<Snapshot, ImportError> {
        self.0.parse(date)
    }
}

/// Reads `cons_prim.csv` at `path` (no companions) as a snapshot of the Consolidated list on
/// `date`.
///
/// # Errors
///
/// [`ImportError::Io`] when the file cannot be read, then as [`ConsolidatedFiles::parse`].
pub fn read_consolidated(path: &Path, date: NaiveDate) -> Result<Snapshot, ImportError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        file: name.clone(),
        source,
    })?;
    ConsolidatedFiles::new(&name, &bytes).parse(date)
}

/// Reads `sdn.csv` at `path` (no companions) as a snapshot on `date`.
///
/// # Errors
///
/// [`ImportError::Io`] when the file cannot be read, then as [`SdnFiles::parse`].
pub fn read_sdn(path: &Path, date: NaiveDate) -> Result<Snapshot, ImportError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        file: name.clone(),
        source,
    })?;
    SdnFiles::new(&name, &bytes).parse(date)
}

/// The date in a file name of the form `…_YYYY-MM-DD.csv`, e.g. `sdn_2023-08-09.csv`.
///
/// # Example
///
/// ```
/// use std::path::Path;
/// use sanctions_ledger::import::ofac::date_from_file_name;
///
/// let date = date_from_file_name(Path::new("data/sdn_2023-08-09.csv"));
/// assert_eq!(date.map(|d| d.to_string()).as_deref(), Some("2023-08-09"));
/// assert_eq!(date_from_file_name(Path::new("sdn.csv")), None);
/// ```
#[must_use]
pub fn date_from_file_name(path: &Path) -> Option<NaiveDate> {
    let stem = path.file_stem()?.to_str()?;
    let tail = stem.get(stem.len().checked_sub(10)?..)?;
    NaiveDate::parse_from_str(tail, "%Y-%m-%d").ok()
}

fn malformed(file: &str, line: usize, what: impl Into<String>) -> ImportError {
    ImportError::Malformed {
        file: file.into(),
        line,
        what: what.into(),
    }
}

fn width_error(file: &str, row: &Row<'_>, expected: usize) -> ImportError {
    malformed(
        file,
        row.line,
        format!("expected {expected} fields, found {}", row.fields.len()),
    )
}

fn ent_num<'s>(file: &str, line: usize, field: Option<&'s str>) -> Result<&'s str, ImportError> {
    match field.map(str::trim_ascii) {
        Some(ent) if !ent.is_empty() && ent.bytes().all(|b| b.is_ascii_digit()) => Ok(ent),
        other => Err(malformed(
            file,
            line,
            format!("ent_num {:?} is not a number", other.unwrap_or("-0- ")),
        )),
    }
}

/// One `sdn.csv` record as an entry, before its remarks are read and its measures set.
fn sdn_entry(file: &str, row: Row<'_>) -> Result<ListEntry, ImportError> {
    if row.fields.len() != SDN_WIDTH {
        return Err(width_error(file, &row, SDN_WIDTH));
    }
    let line = row.line;
    let mut fields = row.fields.into_iter();
    let mut next = || fields.next().flatten().map(trimmed);
    let (ent, name, kind, programs) = (next(), next(), next(), next());
    let (title, call_sign, vessel_type, tonnage) = (next(), next(), next(), next());
    let (grt, flag, owner) = (next(), next(), next());
    // The remarks stay untrimmed, to be joined with their overflow in sdn_comments.csv.
    let remarks = fields.next().flatten();
    let ent = ent_num(file, line, ent.as_deref())?;
    let Some(name) = name.as_deref().filter(|n| !crate::entity::is_blank(n)) else {
        return Err(malformed(file, line, "the SDN_Name is empty"));
    };
    let kind = match kind.as_deref() {
        None => EntityKind::Organisation,
        Some("individual") => EntityKind::Person,
        Some("vessel") => EntityKind::Vessel,
        Some("aircraft") => EntityKind::Aircraft,
        Some(other) => {
            return Err(malformed(
                file,
                line,
                format!(
                    "unknown SDN_Type {other:?} (expected individual, vessel, aircraft or -0-)"
                ),
            ))
        }
    };
    let mut entity =
        Entity::new(kind, name).with_identifier(Identifier::list_entry(Authority::US_OFAC, ent));
    let flag_country = flag.as_deref().and_then(country::by_ofac_name);
    entity.countries.extend(flag_country);
    if kind == EntityKind::Aircraft {
        entity = entity.with_identifier(Identifier::AircraftRegistration(name.to_owned()));
    }
    for (key, value) in [
        ("title", title),
        ("call_sign", call_sign),
        ("vessel_type", vessel_type),
        ("tonnage", tonnage),
        ("gross_registered_tonnage", grt),
        ("vessel_flag", flag),
        ("vessel_owner", owner),
        ("remarks", remarks),
    ] {
        if let Some(value) = value {
            entity = entity.with_detail(key, value.into_owned());
        }
    }
    let mut entry = ListEntry::raw(ent.to_owned(), entity, line);
    let Some(programs) = programs.as_deref() else {
        return Err(malformed(file, line, "the Program field is empty"));
    };
    for code in programs.trim_matches(['[', ']']).split("] [") {
        let program = Program::new(Authority::US_OFAC, code)
            .map_err(|e| malformed(file, line, format!("program {code:?}: {e}")))?;
        entry.programs.push(program);
    }
    Ok(entry)
}

/// Reads the aliases and identifiers OFAC writes in an entry's remarks (see [`remarks`]);
/// what fails its check gives a warning about the entry's line of `file`.
fn read_remarks(file: &str, entry: &mut ListEntry, warnings: &mut Vec<Warning>) {
    let Some(text) = entry.entity.details.get("remarks") else {
        return;
    };
    let read = remarks::read(text, entry.entity.kind);
    entry.entity.aliases.extend(read.aliases);
    entry.entity.identifiers.extend(read.identifiers);
    for text in read.invalid {
        let kind = WarningKind::InvalidIdentifier {
            entry: entry.id.clone(),
            text,
        };
        warnings.push(Warning::new(file, entry.line, kind));
    }
}

/// One CSV record: the line it starts on and its fields (`None` for `-0-`); ASCII fields without
/// doubled or bare quotes borrow from the file. Unquoted fields are trimmed, quoted ones are
/// not: OFAC cuts a long remark anywhere, spaces included, and its two parts must be joined as
/// they are ([`trimmed`] gives the usual form).
#[derive(Debug)]
struct Row<'a> {
    line: usize,
    fields: Vec<Option<Cow<'a, str>>>,
}

/// The records of one legacy OFAC CSV file, and what was read past.
struct Records<'a> {
    rows: Vec<Row<'a>>,
    warnings: Vec<Warning>,
}

impl<'a> Records<'a> {
    /// Checks that the file is an OFAC CSV file, complete and not empty, and splits it into
    /// records of (nominally) `width` fields. Quoted fields may hold commas, doubled quotes and
    /// line breaks; the final 0x1A byte is the DOS end-of-file marker.
    fn parse(
        file: &str,
        bytes: &'a [u8],
        width: usize,
        options: ParseOptions,
    ) -> Result<Records<'a>, ImportError> {
        sniff(file, bytes)?;
        let (body, terminated) = match bytes.iter().rposition(|&b| b != b'\r' && b != b'\n') {
            Some(last) if bytes[last] == 0x1a => (&bytes[..last], true),
            _ => (bytes, false),
        };
        if body.iter().all(u8::is_ascii_whitespace) {
            // Blank lines (and the end byte) only: no records, not a record cut short.
            return Err(ImportError::Empty { file: file.into() });
        }
        let mut warnings = Vec::new();
        let (rows, line) = tokenize(file, body, width, &mut warnings)?;
        if rows.is_empty() {
            return Err(ImportError::Empty { file: file.into() });
        }
        if !terminated {
            if !options.allow_unterminated {
                return Err(ImportError::Unterminated {
                    file: file.into(),
                    line,
                });
            }
            warnings.push(Warning::new(file, line, WarningKind::Unterminated));
        }
        Ok(Records { rows, warnings })
    }
}

/// Refuses input that is plainly not an OFAC CSV file, saying what it looks like instead.
///
/// An OFAC CSV file is text whose first record starts with an `ent_num` and a comma.
fn sniff(file: &str, bytes: &[u8]) -> Result<(), ImportError> {
    let wrong = |found: String| ImportError::WrongFormat {
        file: file.into(),
        expected: EXPECTED,
        found,
    };
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(wrong(
            "it is a ZIP archive (OFAC serves some files zipped: unzip it first)".into(),
        ));
    }
    if let Some(encoding) = unicode_encoding(bytes) {
        return Err(wrong(format!(
            "it is {encoding} text, while OFAC writes these files in Latin-1 without a \
             byte-order mark: another program re-saved it, and may have changed its text"
        )));
    }
    if let Some(at) = memchr::memchr(0, bytes) {
        return Err(wrong(format!(
            "it holds binary data (a NUL byte at offset {at})"
        )));
    }
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let head = &bytes[start..];
    let first_line = &head[..memchr::memchr2(b'\r', b'\n', head).unwrap_or(head.len())];
    let shown = || {
        let end = first_line.len().min(40);
        latin1(&first_line[..end]).into_owned()
    };
    match head.first() {
        // Empty, or only the end-of-file byte: the caller reports it as empty.
        None | Some(0x1a) => Ok(()),
        Some(b'<') => {
            let window = &head[..head.len().min(4096)];
            let what = if memchr::memmem::find(window, b"CONSOLIDATED_LIST").is_some() {
                "the UN Security Council consolidated list (XML; read it with import::un)"
            } else if memchr::memmem::find(window, b"sdnList").is_some() {
                "OFAC's SDN.XML, the XML form of the list"
            } else if memchr::memmem::find(window, b"sanctionsData").is_some() {
                "OFAC's ENHANCED XML"
            } else {
                "XML or HTML (an error page instead of the file?)"
            };
            Err(wrong(format!("it is {what}; it starts {:?}", shown())))
        }
        Some(b'{' | b'[') => Err(wrong(format!("it is JSON; it starts {:?}", shown()))),
        Some(_) => {
            let digits = first_line.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 0 && first_line.get(digits) == Some(&b',') {
                return Ok(());
            }
            let control = first_line
                .iter()
                .any(|&b| b < b' ' && b != b'\t' && b != 0x1a);
            if control || std::str::from_utf8(first_line).is_err() && !looks_latin1(first_line) {
                return Err(wrong(
                    "it holds binary data (control bytes in its first line)".into(),
                ));
            }
            Err(wrong(format!(
                "its first line does not start with an ent_num and a comma (a header row?): {:?}",
                shown()
            )))
        }
    }
}

/// The Unicode encoding a file announces with a byte-order mark, or shows by the NUL bytes of
/// UTF-16 text in its first characters; `None` for text without either.
pub(super) fn unicode_encoding(bytes: &[u8]) -> Option<&'static str> {
    let ascii = |b: u8| b != 0 && b.is_ascii();
    match bytes {
        [0xEF, 0xBB, 0xBF, ..] => Some("UTF-8 (it starts with a byte-order mark)"),
        [0xFF, 0xFE, ..] => Some("UTF-16 little-endian (it starts with a byte-order mark)"),
        [0xFE, 0xFF, ..] => Some("UTF-16 big-endian (it starts with a byte-order mark)"),
        [a, 0, b, 0, ..] if ascii(*a) && ascii(*b) => Some("UTF-16 little-endian"),
        [0, a, 0, b, ..] if ascii(*a) && ascii(*b) => Some("UTF-16 big-endian"),
        _ => None,
    }
}

/// Whether text that is not UTF-8 reads as Latin-1 prose: mostly printable ASCII.
fn looks_latin1(line: &[u8]) -> bool {
    let high = line.iter().filter(|&&b| b >= 0x80).count();
    high * 4 <= line.len()
}

/// Splits the body of a file (without its end byte) into records of nominally `width` fields;
/// returns them and the line after the last one. Bare quotes inside quoted fields are read as
/// literal quotes, with a warning in `warnings`.
fn tokenize<'a>(
    file: &str,
    body: &'a [u8],
    width: usize,
    warnings: &mut Vec<Warning>,
) -> Result<(Vec<Row<'a>>, usize), ImportError> {
    let mut rows = Vec::with_capacity(body.len() / 200);
    let mut line = 1;
    let mut at = 0;
    while at < body.len() {
        // Skip blank lines.
        if body[at] == b'\n' {
            line += 1;
            at += 1;
            continue;
        }
        if body[at] == b'\r' && body.get(at + 1) == Some(&b'\n') {
            line += 1;
            at += 2;
            continue;
        }
        let start_line = line;
        let mut fields = Vec::with_capacity(12);
        // Where the previous field's closing quote is, when it was quoted.
        let mut closed_at = None;
        loop {
            let (field, next) = if body[at] == b'"' {
                let last = fields.len() + 1 >= width;
                let (value, end) = quoted(file, body, at, &mut line, start_line, last, warnings)?;
                closed_at = Some(end);
                (Some(value), end + 1)
            } else {
                let end =
                    memchr::memchr3(b',', b'\r', b'\n', &body[at..]).map_or(body.len(), |n| at + n);
                if let Some(stray) = memchr::memchr(b'"', &body[at..end]) {
                    return Err(stray_quote(
                        file,
                        body,
                        line,
                        fields.len() + 1,
                        at + stray,
                        closed_at,
                    ));
                }
                closed_at = None;
                let raw = body[at..end].trim_ascii();
                let value = (raw != b"-0-").then(|| latin1(raw));
                (value, end)
            };
            fields.push(field);
            at = next;
            match (body.get(at), body.get(at + 1)) {
                (Some(b','), _) => {
                    at += 1;
                    if at == body.len() {
                        return Err(truncated_record(file, start_line));
                    }
                }
                (Some(b'\r'), Some(b'\n')) => {
                    at += 2;
                    line += 1;
                    break;
                }
                (Some(b'\n'), _) => {
                    at += 1;
                    line += 1;
                    break;
                }
                (None, _) | (Some(b'\r'), None) => return Err(truncated_record(file, start_line)),
                (Some(&b), _) => {
                    return Err(malformed(
                        file,
                        line,
                        format!("unexpected byte {:?} after a field", char::from(b)),
                    ))
                }
            }
        }
        rows.push(Row {
            line: start_line,
            fields,
        });
    }
    Ok((rows, line))
}

/// The quoted field that opens at `body[at]`, untrimmed, and the position of its closing
/// quote; counts the line breaks it holds into `line`.
///
/// The field borrows from the file unless it holds a doubled quote (`""`, a literal quote) or
/// a bare one: a quote that neither closes the field nor is doubled (OFAC writes
/// `a.k.a. "nickname"` unescaped inside quoted remarks). A bare quote is read as a literal
/// quote and reported once per field. A quote before a comma closes the field, unless the
/// field is the record's `last`, after which no field can follow.
///
/// OFAC never doubles a quote and never breaks a line inside a field, so `""` right before
/// the end of the field (a line break, the end of the file, or a comma that may close it) is a
/// bare quote and the closing one, as in a remark ending `a.k.a. "NICKNAME"`; read as an
/// escaped quote, it would carry the field on into the next record and swallow it. And a field
/// that runs on into a line that starts like a record (`<digits>,`) is refused as
/// [`ImportError::Malformed`]: an unbalanced quote, never a record silently merged into
/// another (a lost entry would read as a delisting).
fn quoted<'a>(
    file: &str,
    body: &'a [u8],
    at: usize,
    line: &mut usize,
    start_line: usize,
    last: bool,
    warnings: &mut Vec<Warning>,
) -> Result<(Cow<'a, str>, usize), ImportError> {
    let mut owned: Option<Vec<u8>> = None;
    let mut bare = false;
    let mut i = at + 1;
    let opened = *line;
    let end = loop {
        let Some(n) = memchr::memchr(b'"', &body[i..]) else {
            runs_into_record(file, body, at, body.len(), opened)?;
            return Err(ImportError::Truncated {
                file: file.into(),
                line: start_line,
                what: "a quoted field".into(),
            });
        };
        let quote = i + n;
        *line += memchr::memchr_iter(b'\n', &body[i..quote]).count();
        let (closes, skip) = match body.get(quote + 1) {
            Some(b'"') if ends_field(body.get(quote + 2), last) => {
                // A bare quote, then the closing one (see above).
                if !bare {
                    warnings.push(Warning::new(file, *line, WarningKind::BareQuote));
                }
                owned
                    .get_or_insert_with(|| body[at + 1..i].to_vec())
                    .extend_from_slice(&body[i..=quote]);
                break quote + 1;
            }
            Some(b'"') => (false, 2),
            None | Some(b'\r' | b'\n') => (true, 0),
            Some(b',') if !last => (true, 0),
            Some(_) => {
                if !bare {
                    bare = true;
                    warnings.push(Warning::new(file, *line, WarningKind::BareQuote));
                }
                (false, 1)
            }
        };
        if closes {
            if let Some(value) = owned.as_mut() {
                value.extend_from_slice(&body[i..quote]);
            }
            break quote;
        }
        owned
            .get_or_insert_with(|| body[at + 1..i].to_vec())
            .extend_from_slice(&body[i..=quote]);
        i = quote + skip;
    };
    if *line > opened {
        runs_into_record(file, body, at, end, opened)?;
    }
    let value = match owned {
        None => latin1(&body[at + 1..end]),
        Some(value) => Cow::Owned(latin1(&value).into_owned()),
    };
    Ok((value, end))
}

/// Whether a quote can close a field when `next` follows it: at the end of a line or of the
/// file, or before a comma unless the field is the record's `last`.
fn ends_field(next: Option<&u8>, last: bool) -> bool {
    match next {
        None | Some(b'\r' | b'\n') => true,
        Some(b',') => !last,
        Some(_) => false,
    }
}

/// Refuses a quoted field, opened at `body[at]` on line `opened` and running to `body[end]`,
/// that holds a line break followed by what starts a record (`<digits>,`): an unbalanced quote
/// that would swallow the records after it.
fn runs_into_record(
    file: &str,
    body: &[u8],
    at: usize,
    end: usize,
    opened: usize,
) -> Result<(), ImportError> {
    let field = &body[at + 1..end];
    for (breaks, newline) in memchr::memchr_iter(b'\n', field).enumerate() {
        let next = &field[newline + 1..];
        let digits = next.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits > 0 && next.get(digits) == Some(&b',') {
            let into = opened + breaks + 1;
            return Err(malformed(
                file,
                opened,
                format!(
                    "the quoted field opened here runs on into line {into}, which starts like a \
                     record ({:?}): an unbalanced quote, which would merge that record into this one",
                    latin1(&next[..=digits])
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses a record whose unquoted field `field` (1-based) holds a quote at `body[stray]`, on
/// line `line`. OFAC quotes whole fields, so such a quote is what is left of a quoted field
/// closed early: by a bare quote followed by a comma (`"AERO", CARIBBEAN"`), at `body[closed]`
/// when the field before was quoted. The error names both quotes by line and column, never
/// only a count of fields.
fn stray_quote(
    file: &str,
    body: &[u8],
    line: usize,
    field: usize,
    stray: usize,
    closed: Option<usize>,
) -> ImportError {
    let column = |at: usize| {
        at - body[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1)
            + 1
    };
    let what = match closed {
        Some(closed) => format!(
            "the quote at column {} is followed by a comma, so it closed field {} early, and \
             field {field} holds the rest, with a quote at column {}: a bare quote followed by a \
             comma inside a quoted field",
            column(closed),
            field - 1,
            column(stray)
        ),
        None => format!(
            "field {field} holds a quote at column {} but is not quoted",
            column(stray)
        ),
    };
    malformed(file, line, what)
}

fn truncated_record(file: &str, line: usize) -> ImportError {
    ImportError::Truncated {
        file: file.into(),
        line,
        what: "a record (no line break ends it)".into(),
    }
}

/// A field without the ASCII whitespace around it, borrowing when it can.
fn trimmed(value: Cow<'_, str>) -> Cow<'_, str> {
    let is_space = |c: char| c.is_ascii_whitespace();
    match value {
        Cow::Borrowed(text) => Cow::Borrowed(text.trim_matches(is_space)),
        Cow::Owned(text) if text.trim_matches(is_space).len() == text.len() => Cow::Owned(text),
        Cow::Owned(text) => Cow::Owned(text.trim_matches(is_space).to_owned()),
    }
}

/// Decodes Latin-1 bytes (every byte is the code point of the same value), borrowing ASCII.
fn latin1(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) if bytes.is_ascii() => Cow::Borrowed(text),
        _ => Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &[u8]) -> Result<Vec<Vec<Option<String>>>, ImportError> {
        let options = ParseOptions::new().allow_unterminated();
        Ok(Records::parse("t.csv", text, 3, options)?
            .rows
            .into_iter()
            .map(|r| {
                r.fields
                    .into_iter()
                    .map(|f| f.map(Cow::into_owned))
                    .collect()
            })
            .collect())
    }

    #[test]
    fn a_bare_quote_before_a_comma_is_named_by_line_and_column() {
        // Field 2 of line 2, `"AERO", CARIBBEAN"`: the quote after AERO (column 9) closes it.
        let text = b"1,\"A\",-0- \r\n36,\"AERO\", CARIBBEAN\",-0- \r\n\x1a";
        let err = rows(text).unwrap_err();
        let ImportError::Malformed { file, line, what } = &err else {
            panic!("{err}")
        };
        assert_eq!((file.as_str(), *line), ("t.csv", 2));
        assert!(
            what.contains(
                "the quote at column 9 is followed by a comma, so it closed field 2 early"
            ) && what.contains("field 3 holds the rest, with a quote at column 21")
                && what.contains("a bare quote followed by a comma"),
            "{what}"
        );
        // Whatever the count of fields: here the record has its three.
        let err = rows(b"36,\"B\", C\"\r\n\x1a").unwrap_err();
        assert!(err.to_string().contains("closed field 2 early"), "{err}");
        // A quote in a field that was never quoted.
        let err = rows(b"36,AB\"C,-0- \r\n\x1a").unwrap_err();
        assert!(
            err.to_string()
                .contains("field 2 holds a quote at column 6 but is not quoted"),
            "{err}"
        );
    }

    #[test]
    fn csv_quirks_are_read() {
        let got = rows(b"1,\"A, \"\"B\"\"\",-0- \r\n2,\"x\r\ny\",-0- \r\n\x1a").unwrap();
        assert_eq!(
            got,
            [
                vec![Some("1".into()), Some("A, \"B\"".into()), None],
                vec![Some("2".into()), Some("x\r\ny".into()), None],
            ]
        );
        assert_eq!(latin1(&[0x4d, 0xfc]), "Mü");
    }

    #[test]
    fn bare_quotes_are_literal_and_reported_once_per_field() {
        // In the last field a quote before a comma is bare too: no field can follow it.
        let text = b"1,\"a \"b\" c\",\"x \"y\", z\"\r\n2,\"p\",\"q\"\r\n\x1a";
        let mut warnings = Vec::new();
        let body = &text[..text.len() - 1];
        let (rows, line) = tokenize("t.csv", body, 3, &mut warnings).unwrap();
        let values: Vec<Vec<Option<String>>> = rows
            .into_iter()
            .map(|r| {
                r.fields
                    .into_iter()
                    .map(|f| f.map(Cow::into_owned))
                    .collect()
            })
            .collect();
        assert_eq!(
            values,
            [
                vec![
                    Some("1".into()),
                    Some("a \"b\" c".into()),
                    Some("x \"y\", z".into())
                ],
                vec![Some("2".into()), Some("p".into()), Some("q".into())],
            ]
        );
        assert_eq!(line, 3);
        let lines: Vec<usize> = warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [1, 1]);
        assert!(warnings.iter().all(|w| w.kind == WarningKind::BareQuote));
    }

    #[test]
    fn cut_records_are_truncations_with_their_line() {
        for (cut, line) in [
            (&b"1,\"a\"\r\n2,\"b"[..], 2),
            (b"1,\"a\"\r\n2,", 2),
            (b"1,\"a\"\r\n2,-0", 2),
        ] {
            match rows(cut) {
                Err(ImportError::Truncated { line: l, .. }) => assert_eq!(l, line),
                other => panic!("{cut:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn file_dates_come_from_names() {
        assert_eq!(
            date_from_file_name(Path::new("/x/sdn_2024-05-03.csv")),
            NaiveDate::from_ymd_opt(2024, 5, 3)
        );
        assert_eq!(date_from_file_name(Path::new("sdn_2024-13-03.csv")), None);
    }
}
