//! [`ImportError`]: what can go wrong reading a list file or reconciling it with a ledger.

use chrono::NaiveDate;

/// An error from reading an official list file or reconciling it with a ledger.
///
/// Every error about a file names the file, and where it can, the line. None of them leaves a
/// ledger changed: reconciliation only proposes changes, and [`apply_snapshot`] applies them
/// atomically.
///
/// [`apply_snapshot`]: crate::import::apply_snapshot
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The file could not be read.
    #[error("cannot read {file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },

    /// The file holds no entries at all. An empty list is never taken as "everyone was
    /// delisted".
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
    #[error("{file} is a snapshot of {date}, but the ledger already holds changes of {list} effective {latest}")]
    OutOfOrder {
        /// The file of the snapshot refused.
        file: String,
        /// The list.
        list: String,
        /// The snapshot's date.
        date: NaiveDate,
        /// The latest effective date of a change already imported from this list.
        latest: NaiveDate,
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

    /// The ledger refused the changes (e.g. a change id already present with other content).
    #[error("the ledger refused the changes from {file}: {source}")]
    Ledger {
        /// The file of the snapshot.
        file: String,
        /// The ledger's reason.
        #[source]
        source: crate::Error,
    },

    /// The file is of another type than the parser reads: an OFAC CSV given to the EU parser,
    /// an HTML error page saved in place of a list. Says what it looks like instead.
    #[error("{file} is not {expected}: it looks like {found}")]
    WrongFormat {
        /// The file.
        file: String,
        /// The format expected, e.g. `an EU Financial Sanctions Files XML`.
        expected: String,
        /// What the file looks like, e.g. `an OFAC legacy CSV`.
        found: String,
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

impl ImportError {
    /// The file the error is about.
    #[must_use]
    pub fn file(&self) -> &str {
        match self {
            ImportError::Io { file, .. }
            | ImportError::Empty { file }
            | ImportError::Truncated { file, .. }
            | ImportError::Malformed { file, .. }
            | ImportError::OutOfOrder { file, .. }
            | ImportError::TooManyDelistings { file, .. }
            | ImportError::Ledger { file, .. }
            | ImportError::WrongFormat { file, .. }
            | ImportError::Archive { file, .. } => file,
        }
    }

    /// The line the error is about, when it is about one.
    #[must_use]
    pub fn line(&self) -> Option<usize> {
        match self {
            ImportError::Truncated { line, .. } | ImportError::Malformed { line, .. } => {
                Some(*line)
            }
            _ => None,
        }
    }
}
