//! The UN Security Council consolidated list, XML (`CONSOLIDATED_LIST`, as published at
//! `scsanctions.un.org/resources/xml/en/consolidated.xml`).
//!
//! The root's `dateGenerated` attribute gives the snapshot's date. Each `INDIVIDUALS/INDIVIDUAL`
//! becomes an [`EntityKind::Person`] and each `ENTITIES/ENTITY` an
//! [`EntityKind::Organisation`]:
//!
//! - `REFERENCE_NUMBER` (e.g. `QDi.419`) → [`Identifier::ListEntry`] of [`Authority::UN`], the
//!   entry's id;
//! - `FIRST_NAME` … `FOURTH_NAME` → the name (joined by spaces, without the UN's `na`
//!   placeholders: `FAIZULLAH KHAN NOORZAI na` is `FAIZULLAH KHAN NOORZAI`); `*_ALIAS/ALIAS_NAME` and
//!   `NAME_ORIGINAL_SCRIPT` → aliases; `*_ADDRESS` → addresses; `INDIVIDUAL_DOCUMENT` →
//!   [`Identifier::Other`] with the document type as scheme;
//! - `UN_LIST_TYPE` (the committee, e.g. `Al-Qaida`, `DPRK`) → the [`Program`];
//! - `LISTED_ON` → [`ListEntry::listed_on`], the designation's effective date. An entry with
//!   several takes the earliest, one without any is undated (in force from the snapshot's date
//!   with an observation window, like an OFAC entry); each with a [`Warning`] on the snapshot.
//!   `LAST_DAY_UPDATED/VALUE` → [`ListEntry::amended_on`]. A date after `dateGenerated` is
//!   kept on the entry but not used by reconciliation, with a [`Warning`]
//!   ([`WarningKind::ListedAfterSnapshot`], [`WarningKind::AmendedAfterSnapshot`]);
//! - `COMMENTS1`, `NATIONALITY/VALUE` (without `na`), dates of birth → [`Entity::details`]
//!   under `comments`, `nationality`, `date_of_birth`.
//!
//! The list does not say which measures apply to each entry (they depend on the committee's
//! resolutions); every entry is recorded with [`Measure::AssetFreeze`], the measure the
//! regimes on the list have in common.

use std::path::Path;

use chrono::NaiveDate;
use quick_xml::errors::SyntaxError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::error::ImportError;
use super::snapshot::{ListEntry, Snapshot};
use super::warning::{Warning, WarningKind};
use crate::authority::{Authority, Program};
use crate::designation::Measure;
use crate::entity::{Entity, EntityKind, Identifier};

/// The short name of the UN consolidated list in snapshots and derived ids.
pub const CONSOLIDATED_LIST: &str = "CONSOLIDATED";

/// What the parser expects, in [`ImportError::WrongFormat`].
const EXPECTED: &str = "the UN Security Council consolidated list (XML)";

/// Whether a name part or a nationality is the UN's placeholder for "not available".
fn placeholder(value: &str) -> bool {
    value.eq_ignore_ascii_case("na") || value.eq_ignore_ascii_case("n/a")
}

/// Parses a UN consolidated list file (`name` is used in errors and citations).
///
/// # Errors
///
/// [`ImportError::WrongFormat`] when the file is not XML or its root is not
/// `CONSOLIDATED_LIST`; [`ImportError::Empty`] when the file holds no entry;
/// [`ImportError::Truncated`] when it ends inside an element; [`ImportError::Malformed`] for XML
/// errors, a root without a `dateGenerated` date, an entry without reference number, name or
/// list type, a `LISTED_ON` or `LAST_DAY_UPDATED` that is not a date, or a reference number
/// seen twice.
///
/// # Example
///
/// ```
/// use sanctions_ledger::import::un;
///
/// let xml = br#"<CONSOLIDATED_LIST dateGenerated="2018-10-29T19:09:49.000-04:00"><INDIVIDUALS>
///   <INDIVIDUAL><FIRST_NAME>ANJEM</FIRST_NAME><SECOND_NAME>CHOUDARY</SECOND_NAME>
///     <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDi.419</REFERENCE_NUMBER>
///     <LISTED_ON>2018-10-15</LISTED_ON></INDIVIDUAL>
/// </INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>"#;
/// let snapshot = un::parse("consolidated.xml", xml)?;
/// assert_eq!(snapshot.date().to_string(), "2018-10-29");
/// let entry = snapshot.get("QDi.419").ok_or("missing")?;
/// assert_eq!(entry.entity.name, "ANJEM CHOUDARY");
/// assert_eq!(entry.listed_on.map(|d| d.to_string()).as_deref(), Some("2018-10-15"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse(name: &str, bytes: &[u8]) -> Result<Snapshot, ImportError> {
    Parser::new(name, bytes).run()
}

/// Reads and parses the UN consolidated list file at `path`.
///
/// # Errors
///
/// [`ImportError::Io`] when the file cannot be read, then as [`parse`].
pub fn read(path: &Path) -> Result<Snapshot, ImportError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        file: name.clone(),
        source,
    })?;
    parse(&name, &bytes)
}

/// One `INDIVIDUAL` or `ENTITY` element as read.
#[derive(Default)]
struct Raw {
    line: usize,
    individual: bool,
    reference: Option<String>,
    names: [Option<String>; 4],
    list_type: Option<String>,
    listed_on: Vec<String>,
    updated: Vec<String>,
    aliases: Vec<String>,
    addresses: Vec<String>,
    address: Vec<String>,
    documents: Vec<(String, String)>,
    document: (Option<String>, Option<String>),
    nationality: Vec<String>,
    births: Vec<String>,
    comments: Option<String>,
}

struct Parser<'a> {
    file: &'a str,
    bytes: &'a [u8],
    /// Newlines counted up to `counted`.
    line: usize,
    counted: usize,
    /// Open elements with the line each starts on.
    stack: Vec<(String, usize)>,
    text: String,
    snapshot: Option<Snapshot>,
    record: Option<Raw>,
    warnings: Vec<Warning>,
}

impl<'a> Parser<'a> {
    fn new(file: &'a str, bytes: &'a [u8]) -> Self {
        Parser {
            file,
            bytes,
            line: 1,
            counted: 0,
            stack: Vec::new(),
            text: String::new(),
            snapshot: None,
            record: None,
            warnings: Vec::new(),
        }
    }

    fn malformed(&self, line: usize, what: impl Into<String>) -> ImportError {
        ImportError::Malformed {
            file: self.file.into(),
            line,
            what: what.into(),
        }
    }

    /// The line at byte `position`, counting newlines incrementally.
    #[allow(clippy::naive_bytecount)] // once over the file; not worth a dependency
    fn line_at(&mut self, position: u64) -> usize {
        let position = usize::try_from(position)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        if position > self.counted {
            self.line += self.bytes[self.counted..position]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.counted = position;
        }
        self.line
    }

    fn run(mut self) -> Result<Snapshot, ImportError> {
        if self.bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ImportError::Empty {
                file: self.file.into(),
            });
        }
        self.sniff()?;
        let mut reader = Reader::from_reader(self.bytes);
        loop {
            let before = reader.buffer_position();
            let event = match reader.read_event() {
                Ok(event) => event,
                Err(quick_xml::Error::Syntax(e)) if e != SyntaxError::InvalidBangMarkup => {
                    // Every other syntax error is markup left open at the end of the input.
                    let line = self.line_at(reader.error_position());
                    let line = self.stack.last().map_or(line, |(_, open)| *open);
                    return Err(ImportError::Truncated {
                        file: self.file.into(),
                        line,
                        what: format!("markup ({e})"),
                    });
                }
                Err(e) => {
                    let line = self.line_at(reader.error_position());
                    return Err(self.malformed(line, format!("invalid XML: {e}")));
                }
            };
            let line = self.line_at(before);
            match event {
                Event::Start(start) => self.start(&start, line)?,
                Event::Empty(start) => {
                    self.start(&start, line)?;
                    self.end(line)?;
                }
                Event::End(_) => self.end(line)?,
                Event::Text(text) => {
                    let text = text
                        .unescape()
                        .map_err(|e| self.malformed(line, format!("invalid text: {e}")))?;
                    self.text.push_str(&text);
                }
                Event::CData(data) => {
                    let data = data
                        .decode()
                        .map_err(|e| self.malformed(line, format!("invalid text: {e}")))?;
                    self.text.push_str(&data);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if let Some((name, line)) = self.stack.last() {
            return Err(ImportError::Truncated {
                file: self.file.into(),
                line: *line,
                what: format!("element {name}"),
            });
        }
        match self.snapshot {
            Some(mut snapshot) if !snapshot.is_empty() => {
                for warning in self.warnings {
                    snapshot.add_warning(warning);
                }
                snapshot.warn_of_dates_after_snapshot();
                Ok(snapshot)
            }
            Some(_) => Err(ImportError::Empty {
                file: self.file.into(),
            }),
            None => Err(ImportError::WrongFormat {
                file: self.file.into(),
                expected: EXPECTED,
                found: "it has no root element".into(),
            }),
        }
    }

    /// Refuses input that is plainly not XML, saying what it looks like instead.
    fn sniff(&self) -> Result<(), ImportError> {
        let wrong = |found: String| ImportError::WrongFormat {
            file: self.file.into(),
            expected: EXPECTED,
            found,
        };
        let text = self
            .bytes
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(self.bytes);
        let start = text
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(text.len());
        let head = &text[start..text.len().min(start + 40)];
        if text.starts_with(b"PK\x03\x04") {
            return Err(wrong("it is a ZIP archive: unzip it first".into()));
        }
        if let Some(encoding) = super::ofac::unicode_encoding(self.bytes)
            .filter(|_| !self.bytes.starts_with(b"\xEF\xBB\xBF"))
        {
            return Err(wrong(format!(
                "it is {encoding} text; the UN publishes the list in UTF-8, which this parser \
                 reads: another program re-saved it"
            )));
        }
        if let Some(at) = memchr::memchr(0, self.bytes) {
            return Err(wrong(format!(
                "it holds binary data (a NUL byte at offset {at})"
            )));
        }
        if head.first() != Some(&b'<') {
            let digits = head.iter().take_while(|b| b.is_ascii_digit()).count();
            let csv = if digits > 0 && head.get(digits) == Some(&b',') {
                " (an OFAC CSV file? read it with import::ofac)"
            } else {
                ""
            };
            return Err(wrong(format!(
                "it does not start with XML markup{csv}: it starts {:?}",
                String::from_utf8_lossy(head)
            )));
        }
        Ok(())
    }

    fn start(&mut self, start: &BytesStart<'_>, line: usize) -> Result<(), ImportError> {
        let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
        self.text.clear();
        let parent = self.stack.last().map(|(p, _)| p.as_str());
        if parent.is_none() && self.snapshot.is_some() {
            // The root is closed and another element follows: two files run together (a
            // download appended to another). Reading on would replace the first list with the
            // second, or drop what follows; neither is the file's list.
            return Err(self.malformed(
                line,
                format!(
                    "a second root element, {name}, after the CONSOLIDATED_LIST that ended \
                     before it: two files run together?"
                ),
            ));
        }
        match (parent, name.as_str()) {
            (None, "CONSOLIDATED_LIST") => {
                let date = self.date_generated(start, line)?;
                self.snapshot = Some(Snapshot::new(
                    Authority::UN,
                    CONSOLIDATED_LIST,
                    date,
                    self.file,
                    true,
                ));
            }
            (None, other) => {
                let what = match other {
                    "sdnList" => " (OFAC's SDN.XML)",
                    "sanctionsData" => " (OFAC's ENHANCED XML)",
                    "export" => " (the EU's financial sanctions file?)",
                    "html" | "HTML" => " (a web page, not the list)",
                    _ => "",
                };
                return Err(ImportError::WrongFormat {
                    file: self.file.into(),
                    expected: EXPECTED,
                    found: format!(
                        "line {line}: its root element is {other}{what}, not CONSOLIDATED_LIST"
                    ),
                });
            }
            (Some("INDIVIDUALS"), "INDIVIDUAL") | (Some("ENTITIES"), "ENTITY")
                if self.record.is_none() =>
            {
                self.record = Some(Raw {
                    line,
                    individual: name == "INDIVIDUAL",
                    ..Raw::default()
                });
            }
            (Some(parent), "INDIVIDUAL" | "ENTITY") => {
                // A record anywhere but in its list: inside another record (whose fields it
                // would overwrite) or in the other list. Either way the file is broken, and
                // reading on would give a smaller list, never the file's.
                let what = match self.record.as_ref() {
                    Some(outer) => format!(
                        "an {name} element inside the record that starts on line {}: a nested \
                         record",
                        outer.line
                    ),
                    None => format!("an {name} element inside {parent}, not in its list"),
                };
                return Err(self.malformed(line, what));
            }
            _ => {}
        }
        self.stack.push((name, line));
        Ok(())
    }

    fn date_generated(
        &self,
        start: &BytesStart<'_>,
        line: usize,
    ) -> Result<NaiveDate, ImportError> {
        for attribute in start.attributes().flatten() {
            if attribute.key.as_ref() == b"dateGenerated" {
                let value = attribute.unescape_value().unwrap_or_default();
                return value
                    .get(..10)
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                    .ok_or_else(|| {
                        self.malformed(line, format!("dateGenerated {value:?} is not a date"))
                    });
            }
        }
        Err(self.malformed(line, "CONSOLIDATED_LIST has no dateGenerated attribute"))
    }

    fn end(&mut self, line: usize) -> Result<(), ImportError> {
        let Some((name, _)) = self.stack.pop() else {
            return Err(self.malformed(line, "an end tag without a start tag"));
        };
        let text = std::mem::take(&mut self.text);
        let text = text.trim();
        let value = (!text.is_empty()).then(|| text.to_owned());
        let parent = self.stack.last().map_or("", |(p, _)| p.as_str());
        if matches!(
            (parent, name.as_str()),
            ("INDIVIDUALS", "INDIVIDUAL") | ("ENTITIES", "ENTITY")
        ) {
            if let Some(raw) = self.record.take() {
                let entry = self.entry(raw)?;
                let entry_line = entry.line;
                let id = entry.id.clone();
                let inserted = self
                    .snapshot
                    .as_mut()
                    .is_some_and(|snapshot| snapshot.insert(entry));
                if !inserted {
                    return Err(
                        self.malformed(entry_line, format!("reference number {id} appears twice"))
                    );
                }
            }
            return Ok(());
        }
        let Some(raw) = self.record.as_mut() else {
            return Ok(());
        };
        match (parent, name.as_str()) {
            ("INDIVIDUAL" | "ENTITY", field) => match field {
                "REFERENCE_NUMBER" => raw.reference = value,
                "FIRST_NAME" => raw.names[0] = value,
                "SECOND_NAME" => raw.names[1] = value,
                "THIRD_NAME" => raw.names[2] = value,
                "FOURTH_NAME" => raw.names[3] = value,
                "UN_LIST_TYPE" => raw.list_type = value,
                "LISTED_ON" => raw.listed_on.extend(value),
                "COMMENTS1" => raw.comments = value,
                "NAME_ORIGINAL_SCRIPT" => raw.aliases.extend(value),
                "INDIVIDUAL_ADDRESS" | "ENTITY_ADDRESS" => {
                    let parts = std::mem::take(&mut raw.address);
                    if !parts.is_empty() {
                        raw.addresses.push(parts.join(", "));
                    }
                }
                "INDIVIDUAL_DOCUMENT" => {
                    if let (kind, Some(number)) = std::mem::take(&mut raw.document) {
                        raw.documents
                            .push((kind.unwrap_or_else(|| "document".into()), number));
                    }
                }
                _ => {}
            },
            ("LAST_DAY_UPDATED", "VALUE") => raw.updated.extend(value),
            ("NATIONALITY", "VALUE") => {
                raw.nationality.extend(value.filter(|v| !placeholder(v)));
            }
            ("INDIVIDUAL_ALIAS" | "ENTITY_ALIAS", "ALIAS_NAME") => raw.aliases.extend(value),
            (
                "INDIVIDUAL_ADDRESS" | "ENTITY_ADDRESS",
                "STREET" | "CITY" | "STATE_PROVINCE" | "ZIP_CODE" | "COUNTRY" | "NOTE",
            ) => raw.address.extend(value),
            ("INDIVIDUAL_DOCUMENT", "TYPE_OF_DOCUMENT") => raw.document.0 = value,
            ("INDIVIDUAL_DOCUMENT", "NUMBER") => raw.document.1 = value,
            ("INDIVIDUAL_DATE_OF_BIRTH", "DATE" | "YEAR") => raw.births.extend(value),
            _ => {}
        }
        Ok(())
    }

    fn entry(&mut self, raw: Raw) -> Result<ListEntry, ImportError> {
        let line = raw.line;
        let Some(reference) = raw.reference else {
            return Err(self.malformed(line, "an entry without REFERENCE_NUMBER"));
        };
        let name: Vec<String> = raw
            .names
            .into_iter()
            .flatten()
            .filter(|part| !placeholder(part) && !crate::entity::is_blank(part))
            .collect();
        if name.is_empty() {
            return Err(self.malformed(line, format!("entry {reference} has no name")));
        }
        let kind = if raw.individual {
            EntityKind::Person
        } else {
            EntityKind::Organisation
        };
        let mut entity = Entity::new(kind, name.join(" "))
            .with_identifier(Identifier::list_entry(Authority::UN, reference.clone()));
        entity.aliases = raw.aliases;
        entity.addresses = raw.addresses;
        for (scheme, value) in raw.documents {
            entity.identifiers.push(Identifier::Other { scheme, value });
        }
        for (key, values) in [
            ("comments", raw.comments.into_iter().collect::<Vec<_>>()),
            ("nationality", raw.nationality),
            ("date_of_birth", raw.births),
        ] {
            if !values.is_empty() {
                entity.details.insert(key.into(), values.join("; "));
            }
        }
        let date = xs_date;
        let Some(list_type) = raw.list_type else {
            return Err(self.malformed(line, format!("entry {reference} has no UN_LIST_TYPE")));
        };
        let program = Program::new(Authority::UN, &list_type)
            .map_err(|e| self.malformed(line, format!("entry {reference}: {e}")))?;
        let mut listed = Vec::with_capacity(raw.listed_on.len());
        for text in &raw.listed_on {
            listed.push(date(text).ok_or_else(|| {
                self.malformed(
                    line,
                    format!("entry {reference} has LISTED_ON {text:?}, not a date"),
                )
            })?);
        }
        listed.sort_unstable();
        let kind = match listed.as_slice() {
            [] => Some(WarningKind::NoListingDate {
                entry: reference.clone(),
            }),
            [_] => None,
            [kept, others @ ..] => Some(WarningKind::SeveralListingDates {
                entry: reference.clone(),
                kept: *kept,
                others: others.to_vec(),
            }),
        };
        if let Some(kind) = kind {
            self.warnings.push(Warning::new(self.file, line, kind));
        }
        let mut entry = ListEntry::raw(reference.clone(), entity, line);
        entry.programs.push(program);
        entry.measures.push(Measure::AssetFreeze);
        entry.listed_on = listed.first().copied();
        for text in &raw.updated {
            let updated = date(text).ok_or_else(|| {
                self.malformed(
                    line,
                    format!("entry {reference} has LAST_DAY_UPDATED {text:?}, not a date"),
                )
            })?;
            entry.amended_on.push(updated);
        }
        entry.canonicalise();
        Ok(entry)
    }
}

/// An `xs:date`: `YYYY-MM-DD`, optionally followed by a time zone (`Z`, `-04:00`), which the UN
/// list writes on some entries (`2015-04-14-04:00`). The zone does not change the calendar date.
fn xs_date(text: &str) -> Option<NaiveDate> {
    let (day, zone) = (text.get(..10)?, text.get(10..)?);
    let zone_ok = match zone.as_bytes() {
        [] | [b'Z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|b| b.is_ascii_digit()),
        _ => false,
    };
    zone_ok
        .then(|| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_may_carry_a_time_zone() {
        let day = NaiveDate::from_ymd_opt(2015, 4, 14);
        for text in [
            "2015-04-14",
            "2015-04-14Z",
            "2015-04-14-04:00",
            "2015-04-14+01:00",
        ] {
            assert_eq!(xs_date(text), day, "{text}");
        }
        for bad in [
            "2015-04-1",
            "2015-04-14 ",
            "2015-04-14-4:00",
            "14/04/2015",
            "2015-02-30",
            "",
        ] {
            assert_eq!(xs_date(bad), None, "{bad:?}");
        }
    }
}
