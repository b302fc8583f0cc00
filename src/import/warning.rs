//! [`Warning`]: something odd in a list file that a parser read past without refusing the file.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Something odd in a list file that the parser read past, with the file and line, so that a
/// caller can log or show it. Parsers never skip input silently: what they read tolerantly or
/// leave out is reported here, on [`Snapshot::warnings`](crate::import::Snapshot::warnings) and
/// [`Reconciliation::warnings`](crate::import::Reconciliation::warnings).
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use sanctions_ledger::import::{ofac::SdnFiles, WarningKind};
///
/// // OFAC sometimes writes a bare quote inside a quoted remark.
/// let sdn = b"7,\"CORTES, Ana\",\"individual\",\"SDNTK\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. \"LA JEFA\"; DOB 1970.\"\r\n\x1a";
/// let date = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap_or_default();
/// let snapshot = SdnFiles::new("sdn.csv", sdn).parse(date)?;
/// let entity = &snapshot.get("7").ok_or("missing")?.entity;
/// assert_eq!(entity.details["remarks"], "a.k.a. \"LA JEFA\"; DOB 1970.");
/// let warning = &snapshot.warnings()[0];
/// assert_eq!((warning.file.as_str(), warning.line), ("sdn.csv", 1));
/// assert_eq!(warning.kind, WarningKind::BareQuote);
/// assert_eq!(
///     warning.to_string(),
///     "sdn.csv line 1: a bare quote inside a quoted field, read as a literal quote"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Warning {
    /// The file.
    pub file: String,
    /// The line (from 1) the warning is about; 0 when it is about something the file does not
    /// hold (an entry gone from it).
    pub line: usize,
    /// What was odd.
    pub kind: WarningKind,
}

impl Warning {
    /// A warning about `file` at `line`.
    #[must_use]
    pub fn new(file: impl Into<String>, line: usize, kind: WarningKind) -> Self {
        Warning {
            file: file.into(),
            line,
            kind,
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.kind)
        } else {
            write!(f, "{} line {}: {}", self.file, self.line, self.kind)
        }
    }
}

/// What a [`Warning`] is about.
///
/// Serialised like [`ChangeKind`](crate::ChangeKind): the kind's name in snake case, with its
/// fields as an object when it has some (`"bare_quote"`, `{"no_listing_date": {"entry": …}}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningKind {
    /// A quote inside a quoted field that is neither doubled nor the end of the field (a known
    /// defect of OFAC's files, e.g. `a.k.a. "nickname"` inside a quoted remark). It was read as
    /// a literal quote.
    BareQuote,
    /// The file lacks OFAC's final 0x1A byte; it was read because the caller allowed
    /// unterminated (hand-made) files.
    Unterminated,
    /// A companion row names an entry that the main file does not hold; it was left out because
    /// the caller allowed unmatched companion rows (hand-made subsets).
    UnmatchedCompanionRow {
        /// The entry's list id.
        entry: String,
    },
    /// An entry gives several listing dates; the earliest was kept.
    SeveralListingDates {
        /// The entry's list id.
        entry: String,
        /// The date kept.
        kept: NaiveDate,
        /// The other dates given.
        others: Vec<NaiveDate>,
    },
    /// An entry of a dated list gives no listing date; it is taken as undated, in force from
    /// the snapshot's date with an observation window, like an OFAC entry.
    NoListingDate {
        /// The entry's list id.
        entry: String,
    },
    /// An identifier in the remarks that fails its check (an IMO ship number with a wrong check
    /// digit); it stays in the remarks but gives no typed identifier.
    InvalidIdentifier {
        /// The entry's list id.
        entry: String,
        /// The text, as written.
        text: String,
    },
    /// An entry of OFAC's non-SDN Consolidated list whose programs belong to no non-SDN list
    /// this crate knows; it is recorded under the whole Consolidated list, with an unspecified
    /// restriction.
    UnknownList {
        /// The entry's list id.
        entry: String,
        /// The programs, as written.
        programs: String,
    },
    /// An entry gone from a publication that shows memberships of a list without holding that
    /// list's entries (the SDN list in OFAC's Consolidated list files): its designation on
    /// that list stays in force, since the file no longer says anything about it; the list's
    /// own publication tells whether it still holds. Found by reconciliation.
    MembershipNotCovered {
        /// The entry's list id.
        entry: String,
        /// The list the entry was on.
        list: crate::List,
    },
    /// A list name this crate does not know (OFAC ENHANCED XML); the membership is recorded
    /// under a list whose code is made from the name, with an unspecified restriction.
    UnknownListName {
        /// The entry's list id.
        entry: String,
        /// The list's name, as written.
        name: String,
        /// The list it was recorded under.
        list: crate::List,
    },
    /// A relation whose other party the file names by name (a UK parent company or
    /// subsidiary, an OFAC `Linked To:`) that is not the name or alias of exactly one other
    /// entry of the file: no relation is recorded, and a relation of this kind that the entry
    /// stated before stays in force.
    RelationUnresolved {
        /// The list id of the entry that states the relation.
        entry: String,
        /// What the relation would be.
        relation: crate::RelationKind,
        /// The other party's name, as written.
        name: String,
        /// How many other entries have that name (0, or more than 1).
        matches: usize,
    },
    /// A relation whose other party is not an entry of the file (an ENHANCED relationship
    /// naming an entity of another list) or not in the ledger: no relation is recorded, and a
    /// relation of this kind that the entry stated before stays in force.
    RelatedEntryMissing {
        /// The list id of the entry that states the relation.
        entry: String,
        /// What the relation would be.
        relation: crate::RelationKind,
        /// The other party's list id.
        related: String,
        /// The other party's name as the file writes it, if it does.
        name: String,
    },
    /// The list dates the entry's listing after the file's own date (the UN's `dateGenerated`,
    /// the EU's `generationDate`, …): a date the file cannot know yet. It is not used; the
    /// designation takes effect on the snapshot's date, with an observation window.
    ListedAfterSnapshot {
        /// The entry's id in the list.
        entry: String,
        /// The listing date the file gives.
        listed_on: NaiveDate,
        /// The snapshot's date.
        snapshot: NaiveDate,
    },
    /// The list dates an amendment of the entry after the file's own date. It is not used; an
    /// amendment found takes effect on the snapshot's date, with an observation window.
    AmendedAfterSnapshot {
        /// The entry's id in the list.
        entry: String,
        /// The amendment date the file gives.
        amended_on: NaiveDate,
        /// The snapshot's date.
        snapshot: NaiveDate,
    },
}

impl fmt::Display for WarningKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WarningKind::BareQuote => {
                f.write_str("a bare quote inside a quoted field, read as a literal quote")
            }
            WarningKind::Unterminated => f.write_str(
                "the file lacks the final 0x1A byte; read because unterminated files are allowed",
            ),
            WarningKind::UnmatchedCompanionRow { entry } => write!(
                f,
                "ent_num {entry} is not in the main file; row left out because unmatched companion rows are allowed"
            ),
            WarningKind::SeveralListingDates {
                entry,
                kept,
                others,
            } => {
                write!(f, "entry {entry} gives several listing dates; kept the earliest, {kept}, over")?;
                for other in others {
                    write!(f, " {other}")?;
                }
                Ok(())
            }
            WarningKind::NoListingDate { entry } => write!(
                f,
                "entry {entry} gives no listing date; taken as observed on the snapshot's date"
            ),
            WarningKind::InvalidIdentifier { entry, text } => write!(
                f,
                "entry {entry}: {text:?} fails its check and gives no identifier"
            ),
            WarningKind::UnknownList { entry, programs } => write!(
                f,
                "entry {entry}: programs {programs:?} belong to no known non-SDN list"
            ),
            WarningKind::MembershipNotCovered { entry, list } => write!(
                f,
                "entry {entry} is gone from the file, which does not hold the entries of {list}: \
                 its designation on {list} stays in force (that list's own publication tells \
                 whether it still holds)"
            ),
            WarningKind::ListedAfterSnapshot {
                entry,
                listed_on,
                snapshot,
            } => write!(
                f,
                "entry {entry} is listed on {listed_on}, after the file's own date {snapshot}; \
                 that date is not used, the listing is taken as observed on {snapshot}"
            ),
            WarningKind::AmendedAfterSnapshot {
                entry,
                amended_on,
                snapshot,
            } => write!(
                f,
                "entry {entry} is amended on {amended_on}, after the file's own date {snapshot}; \
                 that date is not used"
            ),
            WarningKind::UnknownListName { entry, name, list } => write!(
                f,
                "entry {entry}: the list {name:?} is not one this crate knows; recorded under {list}"
            ),
            WarningKind::RelationUnresolved {
                entry,
                relation,
                name,
                matches,
            } => write!(
                f,
                "entry {entry}: {} {name:?} is the name of {matches} other entries of the file, \
                 not exactly one; no relation recorded",
                super::relations::kind_name(relation)
            ),
            WarningKind::RelatedEntryMissing {
                entry,
                relation,
                related,
                name,
            } => {
                write!(
                    f,
                    "entry {entry}: {} entry {related}",
                    super::relations::kind_name(relation)
                )?;
                if !name.is_empty() {
                    write!(f, " ({name})")?;
                }
                f.write_str(" is not an entry of the file, or not in the ledger; no relation recorded")
            }
        }
    }
}
