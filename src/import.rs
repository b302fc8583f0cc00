//! Importing official list files: parse a file into a [`Snapshot`], then [`reconcile`] it with a
//! ledger to get the dated changes between them.
//!
//! Official lists publish only today's state: a removed entry simply vanishes. This module turns
//! successive list files into designations, amendments and delistings, each designation on the
//! [`List`](crate::List) the file says.
//!
//! | source | module | snapshot | publication key, lists | dates | relations |
//! |---|---|---|---|---|---|
//! | OFAC SDN list, legacy CSV (`sdn.csv`, `add.csv`, `alt.csv`, `sdn_comments.csv`) | [`ofac`] | [`ofac::SdnFiles::parse`] | `SDN`: `US-OFAC/SDN` | none: observed | `Linked To:` remarks, by name |
//! | OFAC non-SDN Consolidated list, legacy CSV (`cons_prim.csv` and companions) | [`ofac`] | [`ofac::ConsolidatedFiles::parse`] | `CONS`: SSI, NS-MBS, NS-CMIC, NS-PLC, CAPTA, FSE by program | none: observed | `Linked To:` remarks, by name |
//! | OFAC ENHANCED XML (`SDN_ENHANCED`, `CONS_ENHANCED`, plain or zipped) | [`ofac_enhanced`] | [`ofac_enhanced::EnhancedFile::snapshot`] | `SDN` or `CONS`: every list an entity is on | `datePublished` | relationships, by entity id |
//! | UN Security Council consolidated list, XML | [`un`] | [`un::parse`] | `CONSOLIDATED`: `UN/CONSOLIDATED` | `LISTED_ON` | none |
//! | EU Financial Sanctions Files, XML | [`eu`] | [`eu::EuFile::snapshot`] | `CONSOLIDATED`: `EU/CONSOLIDATED` | `designationDate`, the listing act, or a bound | none |
//! | FCDO UK Sanctions List, XML or CSV | [`uk`] | [`uk::UkFile::snapshot`] | `UKSL`: `UK/UKSL` | `DateDesignated`, `LastUpdated` | `Parent company`, `Subsidiaries`, by name |
//! | Follow the Money entities (exports of opensanctions.org, [`ftm::Export`](crate::ftm::Export)) | [`ftm`] | [`ftm::apply_state`], [`ftm::apply_history`] | per authority and `publisher` list (`FTM-SDN`) | `startDate`, `endDate`, `listingDate` | none (not read yet) |
//!
//! - [`reconcile`] / [`apply_snapshot`]: new entries become designations, vanished entries
//!   delistings, changed entries amendments, each reported with the [`Field`]s that changed
//!   and whether the change is legal (programs, measures) or identifying; an entry that leaves
//!   one list for another is reported as a move ([`Outcome::Moved`]); a removal whose strong
//!   identifiers match an entry still on the list is noted as a probable merge
//!   ([`Note::ProbableMerge`]).
//! - [`propose_links`]: a separate step after importing several lists: entries of different
//!   lists that carry the same strong identifier become proposed [`Link`](crate::Link)s, and
//!   identifiers that other evidence contradicts become [`Conflict`]s for a person.
//! - Relations the source states between its entries ([`Snapshot::relations`],
//!   [`StatedRelation`]) become relation changes ([`Reconciliation::relations`]): see below.
//!
//! # Relations
//!
//! | source | states | [`RelationKind`](crate::RelationKind) |
//! |---|---|---|
//! | OFAC ENHANCED XML | `Owned or Controlled By` | `OwnedOrControlled`, the related entity as subject |
//! | OFAC ENHANCED XML | `Acting for or on behalf of` | `ActingFor` |
//! | OFAC ENHANCED XML | `Owns, controls, or operates`, any other type | `Other`, in OFAC's words |
//! | OFAC legacy CSV | `Linked To: NAME.` in the remarks | `LinkedTo` |
//! | UK Sanctions List | `Parent company`, `Subsidiaries` | `Ownership` without a share |
//!
//! No source gives a share, a control in the EU / UK sense, or a date. So every imported
//! relation is recorded and never derived from (derived status counts only an ownership with a
//! known share and a control), and each relation change is effective on the snapshot's date
//! with the observation window `(previous snapshot, date]`.
//!
//! An ENHANCED relationship names the other entity by id; a UK parent company or an OFAC
//! `Linked To:` names it by name, and it is resolved to an entry of the same snapshot only when
//! exactly one other entry has that name or alias (whitespace collapsed, case ignored; for
//! OFAC's remarks with or without the closing full stop). Otherwise the snapshot keeps a
//! [`WarningKind::RelationUnresolved`] (no entry, or several: `MINISTRY OF STATE SECURITY.`
//! names two SDN entries) or a [`WarningKind::RelatedEntryMissing`] (an id not in the file) and
//! no relation: nothing is guessed.
//!
//! Reconciliation begins a stated relation the ledger does not hold in force (a `Relate`
//! change whose relation id derives from the publication, the kind, the two entry ids and the
//! date), amends one whose terms changed, and ends one that the publication began and the file
//! no longer states, typically because one of its entries is gone. It leaves a relation in force
//! when the file cannot say: a party gone from a file that does not hold its list (a
//! [`WarningKind::MembershipNotCovered`]), or an entry that still states such a relation whose
//! other party no longer resolves. A refused file changes nothing, relations included, and
//! re-importing a file adds nothing.
//!
//! # Lists and publications
//!
//! A [`Snapshot`] is one publication (file set) of one authority: its key (`SDN`, `CONS`,
//! `CONSOLIDATED`, `UKSL`) scopes the ids derived from it, and each of its entries is on one
//! [`List`](crate::List): an entity on two lists (Gazprombank on OFAC's SSI and SDN lists) is
//! two entries, one entity and two designations. A move (Gazprombank, NS-MBS to the SDN list on
//! 2024-11-21) ends one designation and starts another on the same date. Measures follow the
//! list: only the SDN list blocks; SSI, NS-MBS and CAPTA entries are sectoral, CMIC entries an
//! investment ban, PLC and FSE entries refused transactions. A publication that shows a list's
//! memberships without holding that list (the SDN list in the Consolidated list's files) never
//! delists them because an entry vanished ([`Snapshot::set_not_covered`]).
//!
//! # Dates
//!
//! Where the list gives a designation date (UN `LISTED_ON`, EU `designationDate`, UK
//! `DateDesignated`, OFAC ENHANCED `datePublished`) that date is the effective date, unless it
//! would back-date the listing to before an earlier snapshot that did not hold it; an EU entry
//! without one is dated by its listing act, or bounded by its earliest act (listed on or
//! before it, with an observation window).
//! OFAC's legacy files give none: a change found between two snapshots is effective on the
//! later snapshot's date and carries the [`ObservationWindow`](crate::ObservationWindow)
//! `(earlier date, later date]`; the entries of a list's first snapshot are in force "on or
//! before" its date (a window with no lower bound).
//!
//! # Idempotence and guards
//!
//! Entity, designation and change ids are derived (UUID v5) from the authority, the
//! publication, the entry's id, the list (when it is not the publication's own) and the event,
//! so importing the same file twice adds nothing. A re-listing
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
//!
//! # Example: a move between lists
//!
//! Two snapshots of OFAC's Consolidated list, built by hand: Gazprombank on the SSI and NS-MBS
//! lists, then on the SSI and SDN lists.
//!
//! ```
//! use chrono::NaiveDate;
//! use sanctions_ledger::import::{apply_snapshot, ListEntry, Outcome, ReconcileOptions, Snapshot};
//! use sanctions_ledger::{Authority, Entity, EntityKind, Ledger, List};
//!
//! let on = |lists: &[List], date: NaiveDate| {
//!     let mut snapshot = Snapshot::new(Authority::US_OFAC, "CONS", date, "cons.xml", false);
//!     for list in lists {
//!         let gpb = Entity::new(EntityKind::Organisation, "GAZPROMBANK JOINT STOCK COMPANY");
//!         snapshot.insert(ListEntry::new("17016", gpb, 1).on_list(list.clone()));
//!     }
//!     snapshot
//! };
//! let (july, january) = ("2024-07-03".parse()?, "2025-01-10".parse()?);
//! let at = |date: NaiveDate| date.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc();
//!
//! let mut ledger = Ledger::new();
//! let first = on(&[List::US_OFAC_SSI, List::US_OFAC_NS_MBS], july);
//! apply_snapshot(&mut ledger, &first, &ReconcileOptions::new(at(july)))?;
//! let second = on(&[List::US_OFAC_SSI, List::US_OFAC_SDN], january);
//! let (found, _) = apply_snapshot(&mut ledger, &second, &ReconcileOptions::new(at(january)))?;
//! assert_eq!((found.moves(), found.designations(), found.delistings()), (1, 0, 0));
//! assert!(matches!(
//!     &found.report[0].outcome,
//!     Outcome::Moved { from_list: Some(from), to_list: Some(to), .. }
//!         if *from == List::US_OFAC_NS_MBS && *to == List::US_OFAC_SDN
//! ));
//!
//! let gpb = second.entity_id("17016");
//! let now = ledger.current();
//! assert!(now.is_listed(gpb, &List::US_OFAC_NS_MBS, "2025-01-09".parse()?)?);
//! assert!(now.is_listed(gpb, &List::US_OFAC_SDN, january)?);
//! assert!(!now.is_listed(gpb, &List::US_OFAC_NS_MBS, january)?);
//! assert!(now.is_listed(gpb, &List::US_OFAC_SSI, january)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod country;
mod error;
pub mod eu;
pub mod ftm;
mod merge;
pub mod ofac;
pub mod ofac_enhanced;
mod propose;
mod reconcile;
mod relations;
mod snapshot;
pub mod uk;
pub mod un;
mod warning;
mod xml;

pub use self::error::ImportError;
pub use self::merge::{Note, ProbableMerge};
pub use self::propose::{
    is_strong_identifier, propose_links, suggest_links, Conflict, Proposals, Separation, Suggestion,
};
pub use self::reconcile::{
    apply_snapshot, reconcile, EntryReport, Field, Outcome, ReconcileOptions, Reconciliation,
};
pub use self::relations::{RelationOutcome, RelationReport, StatedRelation};
pub use self::snapshot::{canonical_entity, collapse_spaces, ListEntry, Snapshot};
pub use self::warning::{Warning, WarningKind};
