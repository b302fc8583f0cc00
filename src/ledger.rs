//! The append-only [`Ledger`]: its log, its index, and atomic `apply` under the rules of
//! [`rules`](crate::rules).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::change::Change;
use crate::error::{Error, Result};
use crate::id::ChangeId;
use crate::index::Index;
use crate::log::Log;
use crate::rules::{self, Checker};
use crate::view::View;

/// The name written in the `format` field of a serialised ledger.
pub const FORMAT_NAME: &str = "sanctions-ledger";
/// The version written in the `version` field of a serialised ledger.
pub const FORMAT_VERSION: u32 = 1;

/// An append-only, bitemporal history of sanctions changes.
///
/// Changes are kept in the order they were applied, which is also the order of their `recorded`
/// instants. Nothing is ever removed or edited: a correction is a new
/// [`Retract`](crate::ChangeKind::Retract) change. Every `apply` checks each consistency
/// [`Rule`](crate::Rule) against the whole history, and refuses an inconsistent change with a
/// typed [`Error`] while leaving the ledger exactly as it was.
///
/// Questions are asked through a [`View`]: [`Ledger::current`] for everything the ledger knows
/// now, [`Ledger::known_at`] for what it knew at a past instant.
///
/// # Example
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use sanctions_ledger::*;
///
/// let belavia = EntityId::derive("belavia");
/// let listing = DesignationId::derive("eu:belavia");
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// let recorded = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
/// let source = Source::new("Council Implementing Regulation (EU) 2021/2124");
///
/// let mut ledger = Ledger::new();
/// ledger.apply_batch([
///     Change::new(ChangeId::derive("1"), day(2021, 12, 2), recorded, source.clone(),
///         ChangeKind::RegisterEntity {
///             entity: belavia,
///             record: Box::new(Entity::new(EntityKind::Organisation, "Belavia")),
///         }),
///     Change::new(ChangeId::derive("2"), day(2021, 12, 2), recorded, source,
///         ChangeKind::Designate {
///             designation: listing,
///             record: Box::new(Designation::new(belavia, Authority::EU,
///                 DesignationTerms::new(Measure::AssetFreeze))),
///         }),
/// ])?;
///
/// let now = ledger.current();
/// assert!(!now.is_listed(belavia, &Authority::EU, day(2021, 12, 1))?);
/// assert!(now.is_listed(belavia, &Authority::EU, day(2021, 12, 2))?);
/// # Ok::<(), sanctions_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// Every change in the order applied (non-decreasing `recorded`), and each id's position.
    log: Log,
    /// Everything derived from the log for the queries and the rules.
    index: Index,
}

/// How many changes an `apply` appended and how many it found already present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Applied {
    /// Changes new to the ledger, now appended.
    pub appended: usize,
    /// Changes whose id was already present with identical content (no-ops).
    pub already_present: usize,
}

impl Ledger {
    /// An empty ledger.
    #[must_use]
    pub fn new() -> Self {
        Ledger::default()
    }

    /// Builds a ledger from changes in recorded order, checking every rule as `apply` does.
    ///
    /// # Errors
    ///
    /// The first rule a change breaks, as [`Ledger::apply_batch`] reports it.
    pub fn from_changes(changes: impl IntoIterator<Item = Change>) -> Result<Self> {
        let mut ledger = Ledger::new();
        ledger.apply_batch(changes)?;
        Ok(ledger)
    }

    /// Reads a ledger from its JSON document form,
    /// `{"format": "sanctions-ledger", "version": 1, "changes": [...]}` (what serialising a
    /// `Ledger` with `serde_json` writes), re-applying every change through the rules.
    ///
    /// Unlike deserialising through serde, whose errors are text, this keeps a refusal typed:
    /// [`Error::RefusedInDocument`] names the change's index in `changes` and holds the rule's
    /// own error. Time and memory are linear in the document.
    ///
    /// # Errors
    ///
    /// [`Error::BadDocument`] if the text is not JSON or not of the document's shape (an
    /// unknown field, an impossible date, …), with the line and column, and saying so when
    /// the text is a ledger file's JSON Lines log (open that with
    /// [`LedgerFile::open`](crate::LedgerFile::open));
    /// [`Error::UnsupportedFormat`] for another format name or version;
    /// [`Error::RefusedInDocument`] for a change the rules refuse.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::{Error, Ledger, Rule};
    ///
    /// let seed = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// assert_eq!(seed.len(), 17);
    ///
    /// // The same document with the SDN removal back-dated to before the designation it ends.
    /// let mut document = serde_json::to_value(&seed)?;
    /// let changes = document["changes"].as_array_mut().ok_or("no changes")?;
    /// let removal = changes
    ///     .iter()
    ///     .position(|change| change["kind"].get("delist").is_some())
    ///     .ok_or("no delisting")?;
    /// changes[removal]["effective"] = "2020-01-01".into();
    /// let Err(Error::RefusedInDocument { position, source }) =
    ///     Ledger::from_json_str(&document.to_string())
    /// else {
    ///     return Err("a delisting before its designation must be refused".into());
    /// };
    /// assert_eq!(position, removal);
    /// assert_eq!(source.rule(), Some(Rule::EndNotAfterStart));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json_str(json: &str) -> Result<Ledger> {
        serde_json::from_str::<LedgerIn>(json)
            .map_err(|e| {
                let mut error = bad_document(&e);
                if let Error::BadDocument { reason, .. } = &mut error {
                    if let Some(cause) = log_lines(json) {
                        reason.push_str(cause);
                    }
                }
                error
            })?
            .into_ledger()
    }

    /// Reads a ledger from its JSON document form, as [`Ledger::from_json_str`] does, from a
    /// reader (buffer it: `serde_json` reads byte by byte).
    ///
    /// # Errors
    ///
    /// As [`Ledger::from_json_str`]; an I/O error while reading is an [`Error::BadDocument`]
    /// whose reason is the I/O error's message.
    pub fn from_json_reader(reader: impl std::io::Read) -> Result<Ledger> {
        serde_json::from_reader::<_, LedgerIn>(reader)
            .map_err(|e| bad_document(&e))?
            .into_ledger()
    }

    /// Applies one change.
    ///
    /// Re-applying a change with the same id and content is a no-op
    /// (`already_present == 1`).
    ///
    /// # Errors
    ///
    /// The rule the change breaks; the ledger is then unchanged. See [`Error`] for the rules.
    pub fn apply(&mut self, change: Change) -> Result<Applied> {
        self.apply_batch([change])
    }

    /// Applies changes atomically: all of them, or none.
    ///
    /// The changes must come in non-decreasing `recorded` order, not before the ledger's latest.
    /// Changes recorded at the same instant are checked together, so their order among
    /// themselves does not matter (a designation may come before the registration of its
    /// entity), except that a retraction must come after the change it withdraws. Changes
    /// recorded at different instants are checked in order, because a view known at the earlier
    /// instant must be consistent on its own.
    ///
    /// Changes may be back-dated on the effective axis (arrive out of effective order) as long as
    /// the history stays consistent.
    ///
    /// # Errors
    ///
    /// The first rule broken; the ledger is then exactly as it was before the call.
    pub fn apply_batch(&mut self, changes: impl IntoIterator<Item = Change>) -> Result<Applied> {
        self.apply_batch_then(changes, |_| Ok(()))
    }

    /// Applies changes atomically as [`Ledger::apply_batch`] does, then calls `commit` with the
    /// changes appended (possibly none); if `commit` fails, removes them again and returns its
    /// error, so that the ledger holds the batch only if both succeeded.
    pub(crate) fn apply_batch_then(
        &mut self,
        changes: impl IntoIterator<Item = Change>,
        commit: impl FnOnce(&[Change]) -> Result<()>,
    ) -> Result<Applied> {
        let start = self.log.len();
        let applied = self
            .stage(changes)
            .and_then(|applied| commit(&self.log.changes()[start..]).map(|()| applied));
        if applied.is_err() {
            self.truncate(start);
        }
        applied
    }

    /// The digest chain of the log, to set links computed from a file's bytes.
    pub(crate) fn chain_mut(&mut self) -> &mut crate::digest::Chain {
        self.log.chain_mut()
    }

    /// The digest of the first `len` changes of the log.
    pub(crate) fn digest_at(&self, len: usize) -> crate::digest::Digest {
        self.log.digest_at(len)
    }

    /// Removes every change at position `len` or later, and its index entries.
    fn truncate(&mut self, len: usize) {
        self.index.truncate(&self.log, len);
        self.log.truncate(len);
    }

    /// Appends and indexes the changes, validating each group of equal `recorded` instants.
    fn stage(&mut self, changes: impl IntoIterator<Item = Change>) -> Result<Applied> {
        let changes = changes.into_iter();
        let (expected, _) = changes.size_hint();
        self.log.reserve(expected);
        let mut applied = Applied::default();
        let mut group_start = self.log.len();
        for change in changes {
            if rules::already_present(&self.log, &change)? {
                applied.already_present += 1;
                continue;
            }
            rules::check_recorded(&self.log, &change)?;
            let later = self
                .log
                .latest_recorded()
                .is_some_and(|latest| change.recorded > latest);
            if later && self.log.len() > group_start {
                self.checker().check_group(group_start)?;
                group_start = self.log.len();
            }
            rules::check_alone(&change)?;
            self.push(change)?;
            applied.appended += 1;
        }
        if self.log.len() > group_start {
            self.checker().check_group(group_start)?;
        }
        Ok(applied)
    }

    fn checker(&self) -> Checker<'_> {
        Checker {
            log: &self.log,
            index: &self.index,
        }
    }

    /// The `recorded` instant of the last change, if any.
    #[must_use]
    pub fn latest_recorded(&self) -> Option<DateTime<Utc>> {
        self.log.latest_recorded()
    }

    /// Every change in the order applied, retracted ones and retractions included: the raw log.
    #[must_use]
    pub fn changes(&self) -> &[Change] {
        self.log.changes()
    }

    /// The change with this id, retracted or not.
    #[must_use]
    pub fn change(&self, id: ChangeId) -> Option<&Change> {
        self.log.get(id)
    }

    /// The number of changes in the log.
    #[must_use]
    pub fn len(&self) -> usize {
        self.log.len()
    }

    /// Whether the log is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.log.len() == 0
    }

    /// Everything the ledger knows now: every change except the retracted ones.
    ///
    /// O(1); the view borrows the ledger and copies nothing.
    #[must_use]
    pub fn current(&self) -> View<'_> {
        View::new(&self.log, &self.index, self.log.len(), None)
    }

    /// What the ledger knew at `instant`: the changes recorded at or before it, minus those
    /// retracted at or before it.
    ///
    /// O(log n) to find the cut; the view borrows the ledger and copies nothing. A view known at
    /// or after the latest recorded instant answers like [`Ledger::current`].
    ///
    /// # Example
    ///
    /// "Was Belavia listed by the US on 2025-10-01?", as the seed ledger would have answered on
    /// several days: an audit asks the view of the day a decision was made. (See
    /// `examples/audit.rs` for a delisting believed, then retracted.)
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let belavia = EntityId::derive("belavia");
    /// let question = "2025-10-01".parse()?;
    /// let said = |instant: &str| -> Result<StatusKind, Box<dyn std::error::Error>> {
    ///     let view = ledger.known_at(instant.parse()?);
    ///     Ok(view.status(belavia, &Authority::US_OFAC, question)?.kind())
    /// };
    /// assert_eq!(said("2023-01-01T00:00:00Z")?, StatusKind::NotListed); // no US listing yet
    /// assert_eq!(said("2023-08-10T00:00:00Z")?, StatusKind::Listed);
    /// assert_eq!(said("2025-09-12T00:00:00Z")?, StatusKind::ListedLicensed); // GL 11
    /// assert_eq!(ledger.current().status(belavia, &Authority::US_OFAC, question)?.kind(),
    ///     StatusKind::ListedLicensed);
    ///
    /// // Before the EU banned Belarusian air carriers, the ledger did not know Belavia at all.
    /// let before = ledger.known_at("2021-06-01T00:00:00Z".parse()?);
    /// assert!(matches!(
    ///     before.status(belavia, &Authority::EU, question),
    ///     Err(Error::EntityNotKnown { .. })
    /// ));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn known_at(&self, instant: DateTime<Utc>) -> View<'_> {
        let cut = self.index.cut_at(instant);
        View::new(&self.log, &self.index, cut, Some(instant))
    }

    /// Appends one change and indexes it, after the checks that need only the log so far.
    fn push(&mut self, change: Change) -> Result<()> {
        self.checker().check_append(&change)?;
        if !Index::can_index(self.log.len()) {
            return Err(Error::TooManyChanges { change: change.id });
        }
        let at = self.log.push(change);
        self.index.insert(&self.log, at);
        Ok(())
    }
}

impl PartialEq for Ledger {
    /// Two ledgers are equal when their logs are: the same changes in the same order.
    fn eq(&self, other: &Self) -> bool {
        self.log.changes() == other.log.changes()
    }
}

impl Eq for Ledger {}

/// The serialised form: `{"format": "sanctions-ledger", "version": 1, "changes": [...]}`.
#[derive(Serialize)]
struct LedgerOut<'a> {
    format: &'static str,
    version: u32,
    changes: &'a [Change],
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LedgerIn {
    format: String,
    version: u32,
    changes: Vec<Change>,
}

impl Serialize for Ledger {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        LedgerOut {
            format: FORMAT_NAME,
            version: FORMAT_VERSION,
            changes: self.log.changes(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Ledger {
    /// Reads the serialised form and re-applies every change, so that data edited by hand or
    /// damaged can never produce an inconsistent ledger.
    ///
    /// Serde's errors are text: a refused change becomes a message. To keep the typed
    /// [`Error`] and the change's position, read JSON with [`Ledger::from_json_str`] or
    /// [`Ledger::from_json_reader`].
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let input = LedgerIn::deserialize(deserializer)?;
        input.into_ledger().map_err(|error| match error {
            Error::RefusedInDocument { position, source } => {
                serde::de::Error::custom(format_args!("changes[{position}]: {source}"))
            }
            other => serde::de::Error::custom(other),
        })
    }
}

impl LedgerIn {
    /// Checks the format and re-applies every change; a refused change is
    /// [`Error::RefusedInDocument`] with its index in `changes`.
    fn into_ledger(self) -> Result<Ledger> {
        if self.format != FORMAT_NAME || self.version != FORMAT_VERSION {
            return Err(Error::UnsupportedFormat {
                format: self.format,
                version: self.version,
            });
        }
        let ids: Vec<ChangeId> = self.changes.iter().map(|c| c.id).collect();
        // The index of the change the ledger read last: a conflicting id is refused as soon as
        // the change is read (its content differs from the one already applied), so this is
        // the conflicting occurrence, whichever identical copies came before it.
        let read = std::cell::Cell::new(0);
        let changes = self.changes.into_iter().enumerate().map(|(at, change)| {
            read.set(at);
            change
        });
        Ledger::from_changes(changes).map_err(|error| {
            // Every rule's error names a change of the input. An identical copy of a change is
            // a no-op, so any other refusal is about the first change with the id.
            let id = error.change();
            let position = match error {
                Error::ConflictingChangeId { change } if ids.get(read.get()) == Some(&change) => {
                    Some(read.get())
                }
                _ => ids.iter().position(|at| Some(*at) == id),
            };
            match position {
                Some(position) => Error::RefusedInDocument {
                    position,
                    source: Box::new(error),
                },
                None => error,
            }
        })
    }
}

/// An [`Error::BadDocument`] from `serde_json`'s error, its position moved to the fields.
/// Why `text`, not a ledger document, is likely a ledger file's JSON Lines log instead: its first
/// line is an object with the log's header format, or is a whole JSON object followed by
/// another line. A note to add to the reason, or `None`.
fn log_lines(text: &str) -> Option<&'static str> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first: serde_json::Value = serde_json::from_str(lines.next()?).ok()?;
    let header = first.get("format").and_then(serde_json::Value::as_str)
        == Some(crate::file::FILE_FORMAT_NAME);
    let object_lines = first.is_object()
        && lines
            .next()
            .is_some_and(|l| serde_json::from_str::<serde_json::Map<_, _>>(l).is_ok());
    (header || object_lines).then_some(
        "; this is one JSON object per line, a ledger file's log (JSON Lines, FORMAT.md), not \
         a ledger document: open it with LedgerFile::open",
    )
}

fn bad_document(error: &serde_json::Error) -> Error {
    let mut reason = error.to_string();
    if let Some(at) = reason.rfind(" at line ") {
        reason.truncate(at);
    }
    Error::BadDocument {
        line: error.line(),
        column: error.column(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    use crate::{
        Authority, Change, ChangeId, ChangeKind, Designation, DesignationId, DesignationTerms,
        Entity, EntityId, EntityKind, Identifier, Ledger, Licence, LicenceId, LicenceTerms,
        Measure, Source,
    };

    /// The log and every index of `ledger`, in an order that does not depend on hashing.
    fn indexes(ledger: &Ledger) -> String {
        format!("{}\n{}", ledger.log.canonical(), ledger.index.canonical())
    }

    #[test]
    fn a_refused_batch_leaves_no_index_entry_behind() {
        let day = |d| NaiveDate::from_ymd_opt(2025, 1, d).unwrap();
        let recorded = |h| Utc.with_ymd_and_hms(2026, 1, 1, h, 0, 0).unwrap();
        let change = |name: &str, d, h, kind| {
            Change::new(
                ChangeId::derive(name),
                day(d),
                recorded(h),
                Source::new(name),
                kind,
            )
        };
        let register = |name: &str, alias: &str, uid: &str| ChangeKind::RegisterEntity {
            entity: EntityId::derive(name),
            record: Box::new(
                Entity::new(EntityKind::Organisation, name)
                    .with_alias(alias)
                    .with_identifier(Identifier::list_entry(Authority::US_OFAC, uid)),
            ),
        };
        // On the authority's well-known list, if it has one, so that lists are interned too.
        let designate = |id: &str, who: &str, authority: Authority| {
            let list = crate::List::WELL_KNOWN
                .into_iter()
                .find(|l| *l.authority() == authority);
            let mut record = Designation::new(
                EntityId::derive(who),
                authority,
                DesignationTerms::new(Measure::AssetFreeze),
            );
            record.list = list;
            ChangeKind::Designate {
                designation: DesignationId::derive(id),
                record: Box::new(record),
            }
        };
        let kept = vec![
            change("reg a", 1, 0, register("Alpha", "Alef", "1")),
            change("des a", 2, 0, designate("d-a", "Alpha", Authority::EU)),
            change(
                "lic a",
                3,
                0,
                ChangeKind::IssueLicence {
                    licence: LicenceId::derive("l-a"),
                    record: Box::new(Licence::new(
                        Authority::EU,
                        LicenceTerms::general("GL 1", EntityId::derive("Alpha")),
                    )),
                },
            ),
        ];
        let fresh = Ledger::from_changes(kept.clone()).unwrap();
        let mut ledger = Ledger::from_changes(kept).unwrap();
        // Valid groups first (every kind of index entry), then a change that is refused.
        let refused = ledger.apply_batch([
            change("reg b", 4, 1, register("Beta", "Alef", "2")),
            change("des b", 5, 1, designate("d-b", "Beta", Authority::UK)),
            change(
                "des a2",
                5,
                1,
                designate("d-a2", "Alpha", Authority::US_OFAC),
            ),
            change(
                "end d-a",
                6,
                2,
                ChangeKind::Delist {
                    designation: DesignationId::derive("d-a"),
                },
            ),
            change(
                "end l-a",
                6,
                2,
                ChangeKind::EndLicence {
                    licence: LicenceId::derive("l-a"),
                    end: crate::LicenceEnd::Revoked,
                },
            ),
            change(
                "retract des b",
                7,
                3,
                ChangeKind::Retract {
                    change: ChangeId::derive("reg b"),
                    reason: "orphans d-b".into(),
                },
            ),
        ]);
        assert!(refused.is_err(), "the last group orphans a designation");
        assert_eq!(indexes(&ledger), indexes(&fresh));
    }
}
