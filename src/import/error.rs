//! [`ImportError`]: what can go wrong reading a list file or reconciling it with a ledger.

use chrono::{DateTime, NaiveDate, Utc};

/// An error from reading an official list file or reconciling it with a ledger.
///
/// Every error about a file names the file, and where it can, the line and the evidence. None
/// of them leaves a ledger changed: reconciliation only proposes changes, and
/// [`apply_snapshot`] applies them atomically.
///
/// Errors that wrap another one ([`ImportError::Io`], [`ImportError::Ledger`]) return it from
/// [`source()`](std::error::Error::source) and do not repeat it in their message, so that a
/// reporter that walks the chain prints each cause once.
///
/// # Example
///
/// Both this error and the ledger's [`Error`](crate::Error) convert into
/// `Box<dyn std::error::Error>`, and a ledger error converts into this one, so `?` works
/// with either:
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use sanctions_ledger::import::{ofac::SdnFiles, reconcile, ImportError, ReconcileOptions};
/// use sanctions_ledger::Ledger;
///
/// fn import(ledger: &mut Ledger, sdn: &[u8]) -> Result<usize, ImportError> {
///     let date = NaiveDate::from_ymd_opt(2023, 8, 9).unwrap_or_default();
///     let recorded = Utc.with_ymd_and_hms(2023, 8, 10, 0, 0, 0).single().unwrap_or_default();
///     let snapshot = SdnFiles::new("sdn.csv", sdn).parse(date)?;
///     let found = reconcile(ledger.current(), &snapshot, &ReconcileOptions::new(recorded))?;
///     Ok(ledger.apply_batch(found.changes)?.appended) // a ledger error converts too
/// }
///
/// let mut ledger = Ledger::new();
/// let sdn = b"44541,\"BELAVIA\",-0- ,\"BELARUS-EO14038\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a";
/// assert_eq!(import(&mut ledger, sdn)?, 2); // register + designate
/// let err = import(&mut ledger, b"").map(|_| ()).expect_err("an empty file");
/// assert_eq!(err.to_string(), "sdn.csv is empty: it holds no list entries");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`apply_snapshot`]: crate::import::apply_snapshot
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The file could not be read; the I/O error is the [`source`](std::error::Error::source).
    #[error("cannot read {file}")]
    Io {
        /// The file.
        file: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },

    /// The file is not in the format the parser reads: XML or binary data given to the OFAC CSV
    /// parser, a CSV file given to the UN parser, OFAC's non-SDN Consolidated list given as the
    /// SDN list, and the like.
    #[error("{file} is not {expected}: {found}")]
    WrongFormat {
        /// The file.
        file: String,
        /// What the parser reads, e.g. `an OFAC SDN list CSV file`.
        expected: &'static str,
        /// What the file looks like instead, and the evidence.
        found: String,
    },

    /// The file holds no entries at all. An empty list is never taken as "everyone was
    /// delisted", and an empty companion file never as "nobody has an alias".
    #[error("{file} is empty: it holds no list entries")]
    Empty {
        /// The file.
        file: String,
    },

    /// The file ends in the middle of a record or element: it was cut short.
    #[error("{file} line {line}: the file ends in the middle of {what}; it looks truncated")]
    Truncated {
        /// The file.
        file: String,
        /// The line where the unfinished record or element starts.
        line: usize,
        /// What was unfinished, e.g. `a quoted field`.
        what: String,
    },

    /// An OFAC CSV file that ends after a complete record but without the 0x1A byte that ends
    /// every file OFAC publishes: a download cut at a record boundary, which would otherwise
    /// read as a shorter list. Hand-made files can be accepted with
    /// [`ofac::ParseOptions::allow_unterminated`](crate::import::ofac::ParseOptions::allow_unterminated).
    #[error("{file} line {line}: the file ends after a complete record but without the 0x1A byte that ends every OFAC CSV file; it looks cut short (allow unterminated files only for hand-made ones)")]
    Unterminated {
        /// The file.
        file: String,
        /// The line after the last complete record, where the file stops.
        line: usize,
    },

    /// A companion file (addresses, aliases, remark overflow) names entries that the main file
    /// lacks: evidence that the main file lost rows. Hand-made subsets can be accepted with
    /// [`ofac::ParseOptions::allow_unmatched_companion_rows`](crate::import::ofac::ParseOptions::allow_unmatched_companion_rows).
    #[error("{companion} line {companion_line} names ent_num {entry}, which {file} does not hold ({rows} such rows in {companion}): {file} looks cut short or the files are not of one publication")]
    MissingEntries {
        /// The main file, the one that looks incomplete.
        file: String,
        /// The companion file that names the missing entries.
        companion: String,
        /// The line of the first such row in the companion file.
        companion_line: usize,
        /// The first missing entry's list id.
        entry: String,
        /// How many rows of the companion name entries the main file lacks.
        rows: usize,
    },

    /// A record or element that does not follow the format.
    #[error("{file} line {line}: {what}")]
    Malformed {
        /// The file.
        file: String,
        /// The line of the record or element.
        line: usize,
        /// What is wrong, in words.
        what: String,
    },

    /// A snapshot older than what the ledger already holds from the same list: snapshots of one
    /// list must be reconciled in date order.
    #[error("{file} is a snapshot of {date}, but the ledger already holds a snapshot of {list} of {latest}")]
    OutOfOrder {
        /// The file of the snapshot refused.
        file: String,
        /// The list.
        list: String,
        /// The snapshot's date.
        date: NaiveDate,
        /// The latest date of a snapshot of this list already imported.
        latest: NaiveDate,
    },

    /// A snapshot dated more than a day after the instant its changes would be recorded: a list
    /// cannot be captured before its own date, so the date (or the recorded instant) is wrong.
    /// Accepting it would also refuse every genuine later snapshot up to that date as
    /// [`ImportError::OutOfOrder`]. A day of slack allows for time zones. Histories whose own
    /// dates run ahead (a scheduled end) opt out with
    /// [`ReconcileOptions::allow_dated_after_recorded`](crate::import::ReconcileOptions::allow_dated_after_recorded).
    #[error("{file} is a snapshot of {date}, after {recorded}, when its changes would be recorded: a list cannot be captured before its date; check the snapshot's date and the recorded instant")]
    DatedAfterRecorded {
        /// The file of the snapshot refused.
        file: String,
        /// The snapshot's date.
        date: NaiveDate,
        /// The instant the changes would be recorded at.
        recorded: DateTime<Utc>,
    },

    /// A second snapshot of a list on a date the ledger already holds a snapshot of, which
    /// differs from the first in a way one day cannot hold: an entry the first capture
    /// designated on that day is gone, an entry delisted on that day is back, or an entry
    /// returns to a state (its facts or its terms) the ledger already recorded and superseded on
    /// that day, whichever capture recorded it. Importing it would mean undoing what the ledger
    /// recorded from an earlier capture, a judgement (an error in the first capture, or a list that changed
    /// twice in a day?) that the files cannot settle.
    #[error("{file} is a second snapshot of {list} on {date} that disagrees with the one the ledger holds: entry {entry} {what}; one day holds one state of a list, and undoing what the first capture recorded needs a person's decision (a retraction, or the real date of this capture)")]
    SameDateConflict {
        /// The file of the snapshot refused.
        file: String,
        /// The list.
        list: String,
        /// The date of both snapshots.
        date: NaiveDate,
        /// The list id of the first entry in conflict.
        entry: String,
        /// What the conflict is, in words.
        what: String,
    },

    /// Reconciling the snapshot would delist more than the allowed share of the entries in force.
    /// A truncated or mangled file usually looks like this; pass
    /// [`ReconcileOptions::allow_mass_delisting`](crate::import::ReconcileOptions::allow_mass_delisting)
    /// when the delisting is real.
    #[error("{file} would delist {delisted} of the {in_force} entries in force on {date} ({percent:.1}%), more than the {max_percent:.1}% allowed")]
    TooManyDelistings {
        /// The file of the snapshot refused.
        file: String,
        /// The snapshot's date.
        date: NaiveDate,
        /// Entries that would be delisted.
        delisted: usize,
        /// Entries of the list in force before the snapshot.
        in_force: usize,
        /// `delisted` as a percentage of `in_force`.
        percent: f64,
        /// The largest percentage allowed.
        max_percent: f64,
    },

    /// Reconciling the snapshot would amend more than the allowed share of the entries in force.
    /// A missing, empty or mangled companion file (every alias or address gone) usually looks
    /// like this; pass
    /// [`ReconcileOptions::allow_mass_amendment`](crate::import::ReconcileOptions::allow_mass_amendment)
    /// when the amendments are real.
    #[error("{file} would amend {amended} of the {in_force} entries in force on {date} ({percent:.1}%), more than the {max_percent:.1}% allowed")]
    TooManyAmendments {
        /// The file of the snapshot refused.
        file: String,
        /// The snapshot's date.
        date: NaiveDate,
        /// Entries that would be amended.
        amended: usize,
        /// Entries of the list in force before the snapshot.
        in_force: usize,
        /// `amended` as a percentage of `in_force`.
        percent: f64,
        /// The largest percentage allowed.
        max_percent: f64,
    },

    /// The ledger refused the changes (e.g. a change id already present with other content);
    /// the ledger's error is the [`source`](std::error::Error::source).
    #[error("{}", ledger_message(file.as_deref()))]
    Ledger {
        /// The file of the snapshot, when known (not for an error converted with `From`).
        file: Option<String>,
        /// The ledger's reason.
        #[source]
        source: crate::Error,
    },

    /// A zip archive that cannot be read whole: cut short, damaged (a CRC that does not
    /// match) or without the one list file it should hold.
    #[error("{file}: the zip archive is unusable: {reason}")]
    Archive {
        /// The archive.
        file: String,
        /// What is wrong, e.g. `CONS_ENHANCED.XML fails its CRC check`.
        reason: String,
    },
}

fn ledger_message(file: Option<&str>) -> String {
    match file {
        Some(file) => format!("the ledger refused the changes from {file}"),
        None => "the ledger refused the changes".to_owned(),
    }
}

impl From<crate::Error> for ImportError {
    /// A ledger refusal with no file named, e.g. from applying a reconciliation's changes with
    /// [`Ledger::apply_batch`](crate::Ledger::apply_batch) in a function that returns
    /// `Result<_, ImportError>`.
    fn from(source: crate::Error) -> Self {
        ImportError::Ledger { file: None, source }
    }
}

impl ImportError {
    /// The file the error is about; `None` only for a ledger refusal converted with `From`.
    #[must_use]
    pub fn file(&self) -> Option<&str> {
        match self {
            ImportError::Io { file, .. }
            | ImportError::WrongFormat { file, .. }
            | ImportError::Empty { file }
            | ImportError::Truncated { file, .. }
            | ImportError::Unterminated { file, .. }
            | ImportError::MissingEntries { file, .. }
            | ImportError::Malformed { file, .. }
            | ImportError::OutOfOrder { file, .. }
            | ImportError::DatedAfterRecorded { file, .. }
            | ImportError::SameDateConflict { file, .. }
            | ImportError::TooManyDelistings { file, .. }
            | ImportError::TooManyAmendments { file, .. }
            | ImportError::Archive { file, .. } => Some(file),
            ImportError::Ledger { file, .. } => file.as_deref(),
        }
    }

    /// The line of [`file`](ImportError::file) the error is about, when it is about one.
    #[must_use]
    pub fn line(&self) -> Option<usize> {
        match self {
            ImportError::Truncated { line, .. }
            | ImportError::Unterminated { line, .. }
            | ImportError::Malformed { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// Whether the error says the file was cut short: [`Truncated`](ImportError::Truncated),
    /// [`Unterminated`](ImportError::Unterminated) or
    /// [`MissingEntries`](ImportError::MissingEntries).
    #[must_use]
    pub fn is_cut_short(&self) -> bool {
        matches!(
            self,
            ImportError::Truncated { .. }
                | ImportError::Unterminated { .. }
                | ImportError::MissingEntries { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn wrapped_errors_are_sources_not_repeated_in_the_message() {
        let io = ImportError::Io {
            file: "sdn.csv".into(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        };
        assert_eq!(io.to_string(), "cannot read sdn.csv");
        assert_eq!(
            io.source().map(ToString::to_string).as_deref(),
            Some("no such file")
        );

        let rule = crate::Error::Parse {
            what: "Country",
            input: "BLR".into(),
            reason: "two letters".into(),
        };
        let named = ImportError::Ledger {
            file: Some("sdn.csv".into()),
            source: rule.clone(),
        };
        assert_eq!(
            named.to_string(),
            "the ledger refused the changes from sdn.csv"
        );
        assert_eq!(
            named.source().map(ToString::to_string),
            Some(rule.to_string())
        );
        assert!(!named.to_string().contains(&rule.to_string()));

        let converted = ImportError::from(rule);
        assert_eq!(converted.file(), None);
        assert_eq!(converted.to_string(), "the ledger refused the changes");
    }

    #[test]
    fn errors_box_into_dyn_error() {
        fn both(fail_ledger: bool) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
            if fail_ledger {
                Err(crate::Error::Parse {
                    what: "Country",
                    input: String::new(),
                    reason: String::new(),
                })?;
            }
            Err(ImportError::Empty {
                file: "x.csv".into(),
            })?;
            Ok(())
        }
        assert!(both(true).is_err() && both(false).is_err());
    }
}
