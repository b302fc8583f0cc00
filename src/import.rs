//! Importing official list files: parse a file into a [`Snapshot`], then [`reconcile`] it with a
//! ledger to get the dated changes between them.
//!
//! Official lists publish only today's state: a removed entry simply vanishes. This module turns
//! successive list files into designations, amendments and delistings.
//!
//! - [`ofac`]: OFAC's legacy CSV files: the SDN list (`sdn.csv` with `add.csv`, `alt.csv`,
//!   `sdn_comments.csv`) and the non-SDN Consolidated list (`cons_prim.csv` and companions), a
//!   publication of its own whose entries are restricted, not blocked.
//! - [`un`]: the UN Security Council consolidated list (XML).
//! - [`ftm`]: Follow the Money entities, as opensanctions.org exports them or as
//!   [`ftm::Export`](crate::ftm::Export) writes them.
//! - [`reconcile`] / [`apply_snapshot`]: new entries become designations, vanished entries
//!   delistings, changed entries amendments, each reported with the [`Field`]s that changed
//!   and whether the change is legal (programs, measures) or identifying.
//!
//! # Dates
//!
//! Where the list gives a designation date (UN `LISTED_ON`) that date is the effective date.
//! OFAC's legacy files give none: a change found between two snapshots is effective on the
//! later snapshot's date and carries the [`ObservationWindow`](crate::ObservationWindow)
//! `(earlier date, later date]`; the entries of a list's first snapshot are in force "on or
//! before" its date (a window with no lower bound).
//!
//! # Idempotence and guards
//!
//! Entity, designation and change ids are derived (UUID v5) from the authority, the list, the
//! entry's list id and the event, so importing the same file twice adds nothing. A re-listing
//! after a delisting has a later date and so a new designation id.
//!
//! A broken download must never become delistings or amendments. An empty, truncated (even at
//! a record boundary) or malformed file, a file of another type, or companion files that name
//! entries the main file lacks, is an [`ImportError`] naming the file and the evidence; a
//! snapshot that would delist or amend more than a share of the entries in force (10% each by
//! default, see [`ReconcileOptions`]) is refused unless the caller allows it. A listing is never
//! back-dated to before an earlier snapshot that did not hold it, and a second snapshot of a
//! list on one date is imported or refused, never reported "in sync" while it disagrees with
//! the ledger (see [`reconcile`]).
//!
//! What a parser reads past without refusing the file (a bare quote, an entry without a
//! listing date, rows let through by the caller's [`ofac::ParseOptions`]) is reported as a
//! [`Warning`] with its file and line, on the [`Snapshot`] and the [`Reconciliation`].
//!
//! # Example
//!
//! ```
//! use chrono::{NaiveDate, TimeZone, Utc};
//! use sanctions_ledger::import::{apply_snapshot, ofac::SdnFiles, ReconcileOptions};
//! use sanctions_ledger::{Authority, Identifier, Ledger};
//!
//! let date = NaiveDate::from_ymd_opt(2023, 8, 9).ok_or("bad date")?;
//! let recorded = Utc.with_ymd_and_hms(2023, 8, 10, 0, 0, 0).single().ok_or("bad instant")?;
//! let sdn = b"44541,\"OPEN JOINT STOCK COMPANY BELAVIA BELARUSIAN AIRLINES\",-0- ,\"BELARUS-EO14038\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a";
//! let snapshot = SdnFiles::new("sdn_2023-08-09.csv", sdn).parse(date)?;
//!
//! let mut ledger = Ledger::new();
//! apply_snapshot(&mut ledger, &snapshot, &ReconcileOptions::new(recorded))?;
//!
//! let now = ledger.current();
//! let found = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "44541"));
//! assert_eq!(found.len(), 1);
//! assert!(now.is_listed(found[0], &Authority::US_OFAC, date)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod country;
mod error;
pub mod eu;
pub mod ftm;
pub mod ofac;
pub mod ofac_enhanced;
mod reconcile;
mod snapshot;
pub mod uk;
pub mod un;
mod warning;
mod xml;

pub use self::error::ImportError;
pub use self::reconcile::{
    apply_snapshot, reconcile, EntryReport, Field, Outcome, ReconcileOptions, Reconciliation,
};
pub use self::snapshot::{canonical_entity, collapse_spaces, ListEntry, Snapshot};
pub use self::warning::{Warning, WarningKind};
