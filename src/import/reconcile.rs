//! Reconciliation: a [`Snapshot`] compared with a ledger gives the dated changes between them.

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::error::ImportError;
use super::relations::RelationReport;
use super::snapshot::{canonical_entity, canonical_terms, ListEntry, Snapshot};
use super::warning::{Warning, WarningKind};
use crate::change::{Change, ChangeKind, ObservationWindow, Source};
use crate::designation::{Designation, DesignationTerms, Measure};
use crate::entity::{Entity, Identifier};
use crate::id::{ChangeId, DesignationId, EntityId, RelationId};
use crate::ledger::{Applied, Ledger};
use crate::list::List;
use crate::view::View;

/// How to reconcile a snapshot: when the changes are recorded, the date of the previous
/// snapshot of the list, and the guards against mass delistings and mass amendments.
///
/// The guards refuse a snapshot that would delist, or amend, more than a share of the entries
/// in force (10% each by default): a cut or mangled main file looks like the first, a missing
/// or empty companion file (every alias gone) like the second. When the changes are real, the
/// caller allows them explicitly.
///
/// # Example
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use sanctions_ledger::import::ReconcileOptions;
///
/// let recorded = Utc.with_ymd_and_hms(2023, 8, 10, 0, 0, 0).single().ok_or("bad instant")?;
/// let options = ReconcileOptions::new(recorded)
///     .previous(NaiveDate::from_ymd_opt(2023, 8, 3).ok_or("bad date")?)
///     .max_delist_share(0.05)
///     .max_amend_share(0.20);
/// assert_eq!(options.recorded(), recorded);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReconcileOptions {
    recorded: DateTime<Utc>,
    previous: Option<NaiveDate>,
    max_delist_share: f64,
    allow_mass_delisting: bool,
    max_amend_share: f64,
    allow_mass_amendment: bool,
    allow_dated_after_recorded: bool,
}

impl ReconcileOptions {
    /// The share of the entries in force that one snapshot may delist unless allowed: 10%.
    pub const DEFAULT_MAX_DELIST_SHARE: f64 = 0.10;

    /// The share of the entries in force that one snapshot may amend unless allowed: 10%. The
    /// real SDN snapshots of 2023-09-06 and 2024-05-03 amend 0.05% and 0.6%; a missing alias
    /// file amends about half of the list.
    pub const DEFAULT_MAX_AMEND_SHARE: f64 = 0.10;

    /// Options recording the changes at `recorded` (library code never reads the clock), with
    /// the previous snapshot date taken from the ledger and the default guards.
    #[must_use]
    pub fn new(recorded: DateTime<Utc>) -> Self {
        ReconcileOptions {
            recorded,
            previous: None,
            max_delist_share: Self::DEFAULT_MAX_DELIST_SHARE,
            allow_mass_delisting: false,
            max_amend_share: Self::DEFAULT_MAX_AMEND_SHARE,
            allow_mass_amendment: false,
            allow_dated_after_recorded: false,
        }
    }

    /// The date of the previous snapshot of the list, the lower bound of observation windows.
    ///
    /// Without it, the latest date before the snapshot's of a snapshot of the list that left
    /// changes in the ledger is used (every change cites the snapshot it came from). That is
    /// never later than the real previous snapshot (a snapshot that changed nothing leaves no
    /// trace), so the window it gives is wider but still true.
    #[must_use]
    pub fn previous(mut self, date: NaiveDate) -> Self {
        self.previous = Some(date);
        self
    }

    /// The largest share (0 to 1) of the entries in force that one snapshot may delist. A share
    /// below 0, or not a number (`NaN`, which every comparison would let through), allows none.
    #[must_use]
    pub fn max_delist_share(mut self, share: f64) -> Self {
        self.max_delist_share = guard_share(share);
        self
    }

    /// Allows a snapshot to delist any share of the entries in force.
    #[must_use]
    pub fn allow_mass_delisting(mut self) -> Self {
        self.allow_mass_delisting = true;
        self
    }

    /// Allows a snapshot dated more than a day after the recorded instant. A file of a list
    /// cannot be captured before its date, so by default such a snapshot is refused
    /// ([`ImportError::DatedAfterRecorded`]); a history whose own dates run ahead of today (a
    /// Follow the Money `endDate` still to come) is the one case that needs this.
    #[must_use]
    pub fn allow_dated_after_recorded(mut self) -> Self {
        self.allow_dated_after_recorded = true;
        self
    }

    /// The largest share (0 to 1) of the entries in force that one snapshot may amend. A share
    /// below 0, or not a number, allows none.
    #[must_use]
    pub fn max_amend_share(mut self, share: f64) -> Self {
        self.max_amend_share = guard_share(share);
        self
    }

    /// Allows a snapshot to amend any share of the entries in force.
    #[must_use]
    pub fn allow_mass_amendment(mut self) -> Self {
        self.allow_mass_amendment = true;
        self
    }

    /// The recorded instant of the changes.
    #[must_use]
    pub fn recorded(&self) -> DateTime<Utc> {
        self.recorded
    }
}

/// A guard's share as given, except that one that is not a number or below 0 allows none: a
/// `NaN` share would fail every comparison and so switch the guard off, and a negative one
/// would refuse a snapshot that changes nothing.
fn guard_share(share: f64) -> f64 {
    if share.is_nan() {
        0.0
    } else {
        share.max(0.0)
    }
}

/// A field of a list entry that an amendment can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Field {
    /// The kind of subject (person, organisation, …).
    Kind,
    /// The primary name.
    Name,
    /// The aliases.
    Aliases,
    /// The identifiers.
    Identifiers,
    /// The addresses.
    Addresses,
    /// The countries.
    Countries,
    /// Other facts (remarks, vessel details, …).
    Details,
    /// The programs of the listing.
    Programs,
    /// The measures of the listing.
    Measures,
}

impl Field {
    /// Whether a change of this field changes the legal terms of the listing (programs,
    /// measures); the others only identify the subject.
    #[must_use]
    pub fn is_legal(self) -> bool {
        matches!(self, Field::Programs | Field::Measures)
    }

    /// The field's name in lower case.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Field::Kind => "kind",
            Field::Name => "name",
            Field::Aliases => "aliases",
            Field::Identifiers => "identifiers",
            Field::Addresses => "addresses",
            Field::Countries => "countries",
            Field::Details => "details",
            Field::Programs => "programs",
            Field::Measures => "measures",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What reconciliation found for one entry on one list.
///
/// Every outcome names the list it is about and carries the effective date of its changes
/// and, when that date is only the date the change was observed (OFAC's undated lists, a
/// re-listing, a move inferred from two snapshots), the observation window in which the real
/// date lies.
///
/// Serialised like [`ChangeKind`](crate::ChangeKind): an object with one key, the outcome's
/// name in snake case (`{"designated": {"designation": …, "effective": …}}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// A new entry, or an entry newly on this list: designated (after registering its entity,
    /// or amending it on a re-listing).
    #[non_exhaustive]
    Designated {
        /// The new designation.
        designation: DesignationId,
        /// The list it is on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        list: Option<List>,
        /// Its effective date.
        effective: NaiveDate,
        /// The window the real date lies in, when `effective` is an observation date.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window: Option<ObservationWindow>,
    },
    /// A vanished entry, or an entry no longer on this list: delisted.
    #[non_exhaustive]
    Delisted {
        /// The designation ended.
        designation: DesignationId,
        /// The list it was on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        list: Option<List>,
        /// The delisting's effective date (the snapshot's date: lists do not date removals).
        effective: NaiveDate,
        /// The window the real date lies in, `(previous snapshot, this snapshot]`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window: Option<ObservationWindow>,
    },
    /// A changed entry: the fields that changed, sorted. An entry on several lists is reported
    /// once per designation amended: the identifying fields on its first designation in force
    /// (in list order), the legal terms on each designation whose terms changed.
    #[non_exhaustive]
    Amended {
        /// The designation of the entry.
        designation: DesignationId,
        /// The list it is on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        list: Option<List>,
        /// The fields that changed.
        fields: Vec<Field>,
        /// The amendment's effective date.
        effective: NaiveDate,
        /// The window the real date lies in, when `effective` is an observation date.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window: Option<ObservationWindow>,
    },
    /// An entry that left one list and joined another of the same authority in the same
    /// snapshot (Gazprombank: OFAC's NS-MBS list to the SDN list, 2024-11-21): the designation
    /// on `from_list` ends and one on `to_list` starts on the same date, as `DESIGN.md` has a
    /// move.
    #[non_exhaustive]
    Moved {
        /// The designation ended.
        from: DesignationId,
        /// The list it was on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from_list: Option<List>,
        /// The new designation.
        to: DesignationId,
        /// The list it is on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_list: Option<List>,
        /// The date of the move: the new designation's effective date, on which the old one
        /// ends.
        effective: NaiveDate,
        /// The window the new designation's real date lies in, when `effective` is an
        /// observation date; the end of the old one always carries a window, since the list
        /// gives no date for it and the move only implies it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window: Option<ObservationWindow>,
    },
}

impl Outcome {
    /// The designation the outcome is about (for a move, the new one).
    #[must_use]
    pub fn designation(&self) -> DesignationId {
        match self {
            Outcome::Designated { designation, .. }
            | Outcome::Delisted { designation, .. }
            | Outcome::Amended { designation, .. }
            | Outcome::Moved {
                to: designation, ..
            } => *designation,
        }
    }

    /// The list the outcome is about (for a move, the new one).
    #[must_use]
    pub fn list(&self) -> Option<&List> {
        match self {
            Outcome::Designated { list, .. }
            | Outcome::Delisted { list, .. }
            | Outcome::Amended { list, .. }
            | Outcome::Moved { to_list: list, .. } => list.as_ref(),
        }
    }

    /// The effective date of the outcome's changes.
    #[must_use]
    pub fn effective(&self) -> NaiveDate {
        match self {
            Outcome::Designated { effective, .. }
            | Outcome::Delisted { effective, .. }
            | Outcome::Amended { effective, .. }
            | Outcome::Moved { effective, .. } => *effective,
        }
    }

    /// The observation window of the outcome's changes, if their date is an observation date.
    #[must_use]
    pub fn window(&self) -> Option<ObservationWindow> {
        match self {
            Outcome::Designated { window, .. }
            | Outcome::Delisted { window, .. }
            | Outcome::Amended { window, .. }
            | Outcome::Moved { window, .. } => *window,
        }
    }
}

/// What reconciliation found for one entry, with its list id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EntryReport {
    /// The entry's list id.
    pub id: String,
    /// Its primary name (in the snapshot, or in the ledger for a delisting).
    pub name: String,
    /// What was found.
    pub outcome: Outcome,
}

impl EntryReport {
    /// Whether this is an amendment that changes the legal terms (programs or measures).
    #[must_use]
    pub fn is_legal_amendment(&self) -> bool {
        matches!(&self.outcome, Outcome::Amended { fields, .. } if fields.iter().any(|f| f.is_legal()))
    }
}

/// The result of reconciling a snapshot with a ledger: the changes to apply, and a report per
/// entry that differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reconciliation {
    /// The snapshot's file.
    pub file: String,
    /// The snapshot's date.
    pub date: NaiveDate,
    /// The previous snapshot date used for observation windows, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<NaiveDate>,
    /// Designations of the publication in force in the ledger on the snapshot's date, before
    /// the changes (one per entry and list).
    pub in_force_before: usize,
    /// Entries in the snapshot (one per entry and list).
    pub entries: usize,
    /// The changes, all recorded at the options' instant; apply them with
    /// [`Ledger::apply_batch`].
    pub changes: Vec<Change>,
    /// One report per entry designated, delisted or amended, sorted by outcome then list id.
    pub report: Vec<EntryReport>,
    /// One report per relation begun, amended or ended (see [`RelationReport`]), sorted by
    /// kind and parties for those the file states, then by id for those it ended.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<RelationReport>,
    /// What the parser read past in the snapshot's files (see [`Snapshot::warnings`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
    /// Context for the report: removals that look like merges into another entry of the
    /// list ([`Note::ProbableMerge`](super::Note::ProbableMerge)), in report order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<super::Note>,
}

impl Reconciliation {
    /// Entries designated (one per list an entry newly joined, moves aside).
    #[must_use]
    pub fn designations(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Designated { .. }))
    }

    /// Entries delisted (one per list an entry left, moves aside).
    #[must_use]
    pub fn delistings(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Delisted { .. }))
    }

    /// Entries amended.
    #[must_use]
    pub fn amendments(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Amended { .. }))
    }

    /// Entries moved from one list to another (not counted as designations or delistings).
    #[must_use]
    pub fn moves(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Moved { .. }))
    }

    /// Whether the snapshot matches the ledger: nothing to change.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    fn count(&self, pick: impl Fn(&Outcome) -> bool) -> usize {
        self.report.iter().filter(|r| pick(&r.outcome)).count()
    }
}

/// Compares `snapshot` with what `view` holds of the same publication on the snapshot's date,
/// and returns the changes that bring the ledger in line with it.
///
/// The publication's designations in the ledger are typed: the designations by its authority,
/// each on one of its [`List`]s (one recorded without a list counts as on the publication's
/// [default list](Snapshot::default_list)), of entities the publication registered (whose id
/// derives from its key and the entry id they carry). Each entry is compared per list: an
/// entry on two lists is one entity with two designations.
///
/// - An entry not in force on a list in the ledger is designated on it: a `RegisterEntity` (or
///   an `AmendEntity` when the entity is known from an earlier listing) and a `Designate`
///   carrying the list. Its effective date is the list's designation date when the list gives
///   one (UN `LISTED_ON`, EU `designationDate`, UK `DateDesignated`, OFAC ENHANCED
///   `datePublished`), kept as the change's `published` date unless the list gives a
///   publication date of its own (the EU's listing act); else the bound the list gives
///   (an EU entry listed on or before its earliest act), effective on it with the window
///   `(…, bound]`; otherwise the snapshot's date, with the window `(previous, date]` (`after`
///   is `None` for a list's first snapshot: in force on or before its date). A listing is never
///   back-dated to before an earlier snapshot of the publication in the ledger that did not
///   hold it: an entry whose list date is on or before that snapshot (the UN re-lists entries
///   under their old reference with their original date; an ENHANCED membership keeps its old
///   `datePublished` after a move) is designated on this snapshot's date with the window.
/// - A designation whose entry is absent from the snapshot, or is there without that list, is
///   delisted on the snapshot's date, with the window `(previous, date]`. An entry gone from a
///   publication that does not hold the entries of one of its lists
///   ([`Snapshot::covers`]) keeps its designation on that list, with a
///   [`WarningKind::MembershipNotCovered`].
/// - An entry that leaves one list and joins another in the same snapshot has moved
///   ([`Outcome::Moved`]): the old designation ends on the date the new one starts, its end
///   with the window `(previous, that date]` (the list dates the start, never the end).
/// - An entry whose identifying facts changed gets one `AmendEntity`; a designation whose
///   programs or measures changed gets an `AmendDesignation`. They are effective on the list's
///   latest amendment date when that lies in `(previous, date]` (UN `LAST_DAY_UPDATED`, UK
///   `LastUpdated`, an EU act), otherwise on the snapshot's date with the window. Order of
///   aliases and whitespace are not changes.
///
/// Ids are derived from the publication, the entry, the list and the event, so reconciling a
/// snapshot that is already in the ledger gives no changes, and applying the same changes twice
/// is a no-op. On a publication's default list the ids keep the form they had before lists
/// were modelled, so ledgers built then stay idempotent.
///
/// A second snapshot of the publication on a date the ledger already holds one of (two
/// captures of one day) is imported when what it changes can be added as new facts of that
/// day: a new entry, or a further amendment (whose id then also derives from its content, so
/// ids are unique per capture, not per date; the later capture is in force on that day, and
/// `known_at` still shows what each capture said). It is refused with
/// [`ImportError::SameDateConflict`] when it would have to undo what the earlier capture
/// recorded: an entry designated on that day and gone from the later file (a delisting cannot
/// take effect on the day of the designation), an entry delisted on that day and back in the
/// later file, or any return to a state (an entry's facts or terms) that a capture of that day
/// recorded and a later one superseded, whether the state came from a designation or from an
/// amendment: captures A, B, A of one day are refused at the second A. Whether the earlier capture was an error (a retraction) or the list
/// changed within the day (another date) is a person's call; the ledger never reports "in
/// sync" while it disagrees with the file. The dates of the publication's earlier snapshots
/// come from the citations of its changes (`"<authority> <key> list as of <date>"`), the one
/// record of when a snapshot was taken.
///
/// Cost: one pass over the view's changes plus O(e · k) in the entries of the snapshot and
/// the ledger.
///
/// # Errors
///
/// [`ImportError::Empty`] for a snapshot with no entries; [`ImportError::OutOfOrder`] when
/// the snapshot differs from the ledger on its date but the ledger holds a later snapshot of
/// this list (snapshots of a list are reconciled in date order; re-importing an older snapshot
/// the ledger already agrees with gives no changes); [`ImportError::SameDateConflict`] as
/// above;
/// [`ImportError::TooManyDelistings`] / [`ImportError::TooManyAmendments`] when the changes
/// would delist / amend more than the allowed share of the designations in force.
///
/// # Example
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use sanctions_ledger::import::{ofac::SdnFiles, reconcile, ReconcileOptions};
/// use sanctions_ledger::{Authority, Ledger};
///
/// let day = |d| NaiveDate::from_ymd_opt(2023, 8, d).ok_or("bad date");
/// let at = |d| Utc.with_ymd_and_hms(2023, 8, d, 0, 0, 0).single().ok_or("bad instant");
/// let row = "44541,\"BELAVIA\",-0- ,\"BELARUS-EO14038\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";
/// let cuba = "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";
/// let (before, after) = (format!("{cuba}\x1a"), format!("{cuba}{row}\x1a"));
///
/// let mut ledger = Ledger::new();
/// let first = SdnFiles::new("sdn_2023-08-03.csv", before.as_bytes()).parse(day(3)?)?;
/// let changes = reconcile(ledger.current(), &first, &ReconcileOptions::new(at(4)?))?.changes;
/// ledger.apply_batch(changes).map_err(|e| e.to_string())?;
///
/// let second = SdnFiles::new("sdn_2023-08-09.csv", after.as_bytes()).parse(day(9)?)?;
/// let found = reconcile(ledger.current(), &second, &ReconcileOptions::new(at(10)?))?;
/// assert_eq!((found.designations(), found.delistings(), found.amendments()), (1, 0, 0));
/// assert_eq!(found.previous, Some(day(3)?));
/// ledger.apply_batch(found.changes).map_err(|e| e.to_string())?;
///
/// let belavia = second.entity_id("44541");
/// assert!(!ledger.current().is_listed(belavia, &Authority::US_OFAC, day(8)?)?);
/// assert!(ledger.current().is_listed(belavia, &Authority::US_OFAC, day(9)?)?);
///
/// // Nothing new the second time.
/// assert!(reconcile(ledger.current(), &second, &ReconcileOptions::new(at(11)?))?.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn reconcile(
    view: View<'_>,
    snapshot: &Snapshot,
    options: &ReconcileOptions,
) -> Result<Reconciliation, ImportError> {
    let file = snapshot.file().to_owned();
    let date = snapshot.date();
    if snapshot.is_empty() {
        return Err(ImportError::Empty { file });
    }
    check_dated_by_recorded(snapshot, options)?;
    let label = snapshot.label();
    let entity_ids = EntityIds::of(snapshot);
    let Imported {
        latest,
        before: derived_previous,
        in_force_ids,
        in_force,
        pairs,
        known,
        relations: begun,
    } = imported(view, snapshot, &label, &entity_ids);
    let previous = options.previous.or(derived_previous);
    let mut plan = Plan {
        view,
        snapshot,
        entity_ids: &entity_ids,
        known: &known,
        prefix: snapshot.prefix(),
        recorded: options.recorded,
        previous,
        holds_earlier: derived_previous.is_some(),
        source: Source::new(format!("{label} as of {date}")),
        delistings: Vec::new(),
        changes: Vec::new(),
        report: Vec::new(),
        conflicts: Vec::new(),
        warnings: snapshot.warnings().to_vec(),
    };
    plan.entries(&in_force_ids, &in_force);
    let Plan {
        delistings,
        mut changes,
        mut report,
        mut conflicts,
        mut warnings,
        source,
        ..
    } = plan;
    // Delistings first, as they were found.
    changes.splice(0..0, delistings);
    // Then the relations the file states between its entries.
    let relations = super::relations::found(
        view,
        snapshot,
        &super::relations::Context {
            recorded: options.recorded,
            previous,
            source: &source,
            entity_ids: &entity_ids,
            known: &known,
            begun,
            batch: &changes,
            warnings: &warnings,
        },
    );
    changes.extend(relations.changes);
    warnings.extend(relations.warnings);
    conflicts.extend(relations.conflicts);
    // Re-importing an older snapshot that the ledger already agrees with is a no-op; one that
    // would change anything is out of order.
    let differs = !changes.is_empty() || !conflicts.is_empty();
    if let Some(latest) = latest.filter(|&latest| latest > date && differs) {
        return Err(ImportError::OutOfOrder {
            file,
            list: label,
            date,
            latest,
        });
    }
    if let Some((entry, what)) = conflicts.into_iter().next() {
        return Err(ImportError::SameDateConflict {
            file,
            list: label,
            date,
            entry,
            what,
        });
    }
    guard(options, &file, date, &report, pairs)?;
    report.sort_by(|a, b| {
        outcome_rank(&a.outcome)
            .cmp(&outcome_rank(&b.outcome))
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.outcome.list().cmp(&b.outcome.list()))
    });
    Ok(Reconciliation {
        file: snapshot.file().to_owned(),
        date,
        previous,
        in_force_before: pairs,
        entries: snapshot.len(),
        changes,
        notes: super::merge::probable_merges(view, snapshot, &report),
        report,
        relations: relations.report,
        warnings,
    })
}

/// Refuses a snapshot dated more than a day after the recorded instant (one day of slack: a
/// list published "tomorrow" in a time zone east of UTC), unless the options allow it.
fn check_dated_by_recorded(
    snapshot: &Snapshot,
    options: &ReconcileOptions,
) -> Result<(), ImportError> {
    let latest = options.recorded.date_naive().succ_opt();
    if options.allow_dated_after_recorded || latest.is_none_or(|latest| snapshot.date() <= latest) {
        return Ok(());
    }
    Err(ImportError::DatedAfterRecorded {
        file: snapshot.file().to_owned(),
        date: snapshot.date(),
        recorded: options.recorded,
    })
}

/// Reconciles `snapshot` with the ledger as it stands and applies the changes atomically.
///
/// # Errors
///
/// As [`reconcile`], and [`ImportError::Ledger`] when the ledger refuses the changes; the
/// ledger is then unchanged.
///
/// # Example
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use sanctions_ledger::import::{apply_snapshot, ofac::SdnFiles, ReconcileOptions};
/// use sanctions_ledger::Ledger;
///
/// let date = NaiveDate::from_ymd_opt(2023, 8, 9).ok_or("bad date")?;
/// let recorded = Utc.with_ymd_and_hms(2023, 8, 10, 0, 0, 0).single().ok_or("bad instant")?;
/// let sdn = b"44541,\"BELAVIA\",-0- ,\"BELARUS-EO14038\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a";
/// let snapshot = SdnFiles::new("sdn.csv", sdn).parse(date)?;
///
/// let mut ledger = Ledger::new();
/// let (found, applied) = apply_snapshot(&mut ledger, &snapshot, &ReconcileOptions::new(recorded))?;
/// assert_eq!((found.designations(), applied.appended), (1, 2)); // register + designate
/// let (again, applied) = apply_snapshot(&mut ledger, &snapshot, &ReconcileOptions::new(recorded))?;
/// assert_eq!((again.changes.len(), applied.appended), (0, 0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn apply_snapshot(
    ledger: &mut Ledger,
    snapshot: &Snapshot,
    options: &ReconcileOptions,
) -> Result<(Reconciliation, Applied), ImportError> {
    let found = reconcile(ledger.current(), snapshot, options)?;
    let applied = ledger
        .apply_batch(found.changes.iter().cloned())
        .map_err(|source| ImportError::Ledger {
            file: Some(snapshot.file().to_owned()),
            source,
        })?;
    Ok((found, applied))
}

/// The guards against mass delistings and mass amendments: `report`'s share of the `pairs`
/// designations in force.
fn guard(
    options: &ReconcileOptions,
    file: &str,
    date: NaiveDate,
    report: &[EntryReport],
    pairs: usize,
) -> Result<(), ImportError> {
    let file = file.to_owned();
    let count = |pick: fn(&Outcome) -> bool| report.iter().filter(|r| pick(&r.outcome)).count();
    let delisted = count(|o| matches!(o, Outcome::Delisted { .. }));
    let share = ratio(delisted, pairs);
    if !options.allow_mass_delisting && share > options.max_delist_share {
        return Err(ImportError::TooManyDelistings {
            file,
            date,
            delisted,
            in_force: pairs,
            percent: share * 100.0,
            max_percent: options.max_delist_share * 100.0,
        });
    }
    let amended = count(|o| matches!(o, Outcome::Amended { .. }));
    let share = ratio(amended, pairs);
    if !options.allow_mass_amendment && share > options.max_amend_share {
        return Err(ImportError::TooManyAmendments {
            file,
            date,
            amended,
            in_force: pairs,
            percent: share * 100.0,
            max_percent: options.max_amend_share * 100.0,
        });
    }
    Ok(())
}

/// `part / whole`, 0 when `whole` is 0 (a list's first snapshot changes nothing in force).
#[allow(clippy::cast_precision_loss)] // counts of list entries are far below 2^52
fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn outcome_rank(outcome: &Outcome) -> u8 {
    match outcome {
        Outcome::Designated { .. } => 0,
        Outcome::Delisted { .. } => 1,
        Outcome::Amended { .. } => 2,
        Outcome::Moved { .. } => 3,
    }
}

/// A designation of the publication in force in the ledger.
#[derive(Clone)]
struct InForce {
    designation: DesignationId,
    since: NaiveDate,
    entity: EntityId,
    /// Its list; a designation recorded without one is on the publication's default list.
    list: Option<List>,
}

/// What the ledger holds of one publication.
struct Imported<'a> {
    /// The latest date of a snapshot of the publication that left changes in the ledger.
    latest: Option<NaiveDate>,
    /// The latest such date strictly before the snapshot's.
    before: Option<NaiveDate>,
    /// The list id of each designation of `in_force`.
    in_force_ids: Vec<&'a str>,
    /// The designations in force on the snapshot's date, sorted by list id, then list.
    in_force: Vec<InForce>,
    /// How many designations that is.
    pairs: usize,
    /// The facts the ledger holds of the snapshot's entities.
    known: KnownEntities<'a>,
    /// The relations begun by changes citing the publication, in log order (repeats
    /// included).
    relations: Vec<RelationId>,
}

/// The entity ids of a snapshot's entries, derived once per reconciliation.
///
/// Deriving one (a SHA-1 of the publication's prefix and the entry id) is the costliest step
/// of looking an entry up, and a reconciliation needs most entries' ids more than once: to
/// find the designations in force, to register new entries, to find both parties of each
/// relation the file states.
pub(super) struct EntityIds<'s> {
    snapshot: &'s Snapshot,
    /// By list id.
    ids: foldhash::HashMap<&'s str, EntityId>,
    /// The list id of each entity.
    entries: foldhash::HashMap<EntityId, &'s str>,
}

impl<'s> EntityIds<'s> {
    pub(super) fn of(snapshot: &'s Snapshot) -> Self {
        let prefix = snapshot.prefix();
        let mut name = String::new();
        let mut ids = foldhash::HashMap::default();
        let mut entries = foldhash::HashMap::default();
        ids.reserve(snapshot.len());
        entries.reserve(snapshot.len());
        for id in snapshot.ids() {
            // As `Snapshot::entity_id`, without a string per entry.
            name.clear();
            name.push_str(&prefix);
            name.push(':');
            name.push_str(id);
            let entity = EntityId::derive(&name);
            ids.insert(id, entity);
            entries.insert(entity, id);
        }
        EntityIds {
            snapshot,
            ids,
            entries,
        }
    }

    /// [`Snapshot::entity_id`] of entry `id`, from the table when the snapshot holds it.
    pub(super) fn get(&self, id: &str) -> EntityId {
        match self.ids.get(id) {
            Some(&entity) => entity,
            None => self.snapshot.entity_id(id),
        }
    }

    /// The entity id of entry `id` when the snapshot holds it.
    pub(super) fn of_entry(&self, id: &str) -> Option<EntityId> {
        self.ids.get(id).copied()
    }

    /// The list id of the snapshot's entry whose entity is `entity`, if one is.
    fn entry(&self, entity: EntityId) -> Option<&'s str> {
        self.entries.get(&entity).copied()
    }
}

/// The facts the ledger holds of the snapshot's entities, gathered in the one pass over its
/// changes: for each, the version [`View::entity_on`] gives on the snapshot's date and the one
/// [`View::entity`] gives (the latest), so that comparing an entry costs one lookup, not a
/// walk over the entity's versions.
pub(super) struct KnownEntities<'v> {
    date: NaiveDate,
    versions: foldhash::HashMap<EntityId, KnownVersions<'v>>,
}

/// An entity's versions in force on the snapshot's date and latest, each with its effective
/// date.
struct KnownVersions<'v> {
    on_date: Option<(NaiveDate, &'v Entity)>,
    latest: (NaiveDate, &'v Entity),
}

impl<'v> KnownEntities<'v> {
    /// Takes a version into account; versions come in log order. As in the view, of versions
    /// with the same effective date the later in the log wins.
    fn add(&mut self, entity: EntityId, effective: NaiveDate, record: &'v Entity) {
        let on_date = (effective <= self.date).then_some((effective, record));
        match self.versions.entry(entity) {
            std::collections::hash_map::Entry::Vacant(vacant) => {
                vacant.insert(KnownVersions {
                    on_date,
                    latest: (effective, record),
                });
            }
            std::collections::hash_map::Entry::Occupied(mut occupied) => {
                let known = occupied.get_mut();
                if effective >= known.latest.0 {
                    known.latest = (effective, record);
                }
                if on_date.is_some() && known.on_date.is_none_or(|(d, _)| effective >= d) {
                    known.on_date = on_date;
                }
            }
        }
    }

    /// Whether the view knows the entity (it has a version), for an entity of the snapshot.
    pub(super) fn knows(&self, entity: EntityId) -> bool {
        self.versions.contains_key(&entity)
    }

    /// [`View::entity_on`] the snapshot's date, for an entity of the snapshot.
    fn on_date(&self, entity: EntityId) -> Option<&'v Entity> {
        self.versions
            .get(&entity)
            .and_then(|v| v.on_date)
            .map(|(_, e)| e)
    }

    /// [`View::entity`], for an entity of the snapshot.
    fn latest(&self, entity: EntityId) -> Option<&'v Entity> {
        self.versions.get(&entity).map(|v| v.latest.1)
    }
}

/// Finds, in one pass over the view's changes, the publication's designations in force on the
/// snapshot's date and the dates of its earlier snapshots.
///
/// Which designations are the publication's is typed: the designations by the publication's
/// authority, on any of its lists, of entities the publication registered (an entity whose id
/// derives from the publication's key and one of the entry ids it carries as
/// [`Identifier::ListEntry`] of that authority). The dates of its snapshots come from the
/// changes citing it (`"<label> as of <date>"`): nothing else records when a snapshot was
/// taken.
fn imported<'a>(
    view: View<'a>,
    snapshot: &'a Snapshot,
    label: &str,
    entity_ids: &EntityIds<'a>,
) -> Imported<'a> {
    let date = snapshot.date();
    let authority = snapshot.authority();
    let default_list = snapshot.default_list();
    let prefix = format!("{label} as of ");
    let mut latest = None;
    let mut before = None;
    // The snapshot's entities whose registration carries their own entry id.
    let mut carry_own: foldhash::HashSet<EntityId> = foldhash::HashSet::default();
    // Any other entity → the entry ids of the authority it carries (the publication's is
    // checked later, for those designated only).
    let mut registered: HashMap<EntityId, Vec<&str>> = HashMap::new();
    let mut known = KnownEntities {
        date,
        versions: foldhash::HashMap::default(),
    };
    let mut relations = Vec::new();
    let mut designated = Vec::new();
    let mut ended = HashSet::new();
    // The changes of one snapshot share their citation: parse its date once per run.
    let mut cited: Option<(&str, NaiveDate)> = None;
    for change in view.changes() {
        let citation = change.source.citation.as_str();
        let publications = citation.strip_prefix(&prefix).is_some_and(|tail| {
            // The snapshot's date, from the citation; a change is never effective after it.
            let snapshot_date = match cited {
                Some((text, day)) if text == citation => day,
                _ => {
                    let day = tail.parse().unwrap_or(change.effective);
                    cited = Some((citation, day));
                    day
                }
            };
            latest = latest.max(Some(snapshot_date));
            if snapshot_date < date {
                before = before.max(Some(snapshot_date));
            }
            true
        });
        match &change.kind {
            ChangeKind::RegisterEntity { entity, record } => {
                let mut ids = record.identifiers.iter().filter_map(|i| match i {
                    Identifier::ListEntry { authority: a, id } if a == authority => {
                        Some(id.as_str())
                    }
                    _ => None,
                });
                if let Some(own) = entity_ids.entry(*entity) {
                    known.add(*entity, change.effective, record);
                    if ids.any(|id| id == own) {
                        carry_own.insert(*entity);
                    }
                } else {
                    let mut ids = ids.peekable();
                    if ids.peek().is_some() {
                        registered.entry(*entity).or_default().extend(ids);
                    }
                }
            }
            ChangeKind::AmendEntity { entity, record } if entity_ids.entry(*entity).is_some() => {
                known.add(*entity, change.effective, record);
            }
            ChangeKind::Designate {
                designation,
                record,
            } if record.authority == *authority && change.effective <= date => {
                let list = record.list.as_ref().or(default_list);
                designated.push((*designation, record.entity, change.effective, list));
            }
            ChangeKind::Delist { designation } if change.effective <= date => {
                ended.insert(*designation);
            }
            ChangeKind::Relate { relation, .. } if publications => relations.push(*relation),
            _ => {}
        }
    }
    let mut in_force = in_force(designated, &ended, &carry_own, &registered, entity_ids);
    // Stable: designations of one id on one list stay in log order.
    in_force.sort_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.list.cmp(&y.list)));
    let pairs = in_force.len();
    let (in_force_ids, in_force) = in_force.into_iter().unzip();
    Imported {
        latest,
        before,
        in_force_ids,
        in_force,
        pairs,
        known,
        relations,
    }
}

/// The designations of `designated` not `ended`, each with the list id of its entity in the
/// publication: its own for an entity of the snapshot whose registration carries it
/// (`carry_own`), otherwise the id among those it was `registered` with from which its id
/// derives; a designation of an entity that is not the publication's is left out.
fn in_force<'a>(
    designated: Vec<(DesignationId, EntityId, NaiveDate, Option<&List>)>,
    ended: &HashSet<DesignationId>,
    carry_own: &foldhash::HashSet<EntityId>,
    registered: &HashMap<EntityId, Vec<&'a str>>,
    entity_ids: &EntityIds<'a>,
) -> Vec<(&'a str, InForce)> {
    let mut in_force: Vec<(&str, InForce)> = Vec::new();
    // Entity → its entry id in this publication, once checked (one derived id per entity).
    let mut entries: HashMap<EntityId, Option<&str>> = HashMap::new();
    for (designation, entity, since, list) in designated {
        if ended.contains(&designation) {
            continue;
        }
        let id = match entity_ids.entry(entity) {
            // An entity of the snapshot is the publication's when it carries its own id.
            Some(own) => carry_own.contains(&entity).then_some(own),
            None => *entries.entry(entity).or_insert_with(|| {
                registered
                    .get(&entity)
                    .and_then(|ids| ids.iter().copied().find(|id| entity_ids.get(id) == entity))
            }),
        };
        let Some(id) = id else {
            continue;
        };
        in_force.push((
            id,
            InForce {
                designation,
                since,
                entity,
                list: list.cloned(),
            },
        ));
    }
    in_force
}

/// When a new designation takes effect: its date, and the window it lies in when that date is
/// an observation or a bound.
#[derive(Clone, Copy)]
struct Start {
    effective: NaiveDate,
    window: Option<ObservationWindow>,
    /// The list's own designation date, when it gives one and it is not after the snapshot.
    listed_on: Option<NaiveDate>,
}

/// The changes being assembled for one snapshot.
struct Plan<'v, 's> {
    view: View<'v>,
    snapshot: &'s Snapshot,
    entity_ids: &'s EntityIds<'s>,
    /// What the ledger holds of the snapshot's entities.
    known: &'s KnownEntities<'v>,
    /// The snapshot's [`Snapshot::prefix`], which every change id derives from.
    prefix: String,
    recorded: DateTime<Utc>,
    /// The lower bound of observation windows: the caller's previous snapshot date, or the
    /// ledger's latest snapshot date of the publication before this one.
    previous: Option<NaiveDate>,
    /// Whether the ledger holds a snapshot of the publication dated before this one.
    holds_earlier: bool,
    source: Source,
    /// Delistings (and the ends of moves), applied first.
    delistings: Vec<Change>,
    /// Every other change.
    changes: Vec<Change>,
    report: Vec<EntryReport>,
    /// Entries whose change the ledger cannot take without undoing what it recorded from
    /// another capture of the same date: list id and why.
    conflicts: Vec<(String, String)>,
    /// The snapshot's warnings, and what reconciliation adds.
    warnings: Vec<Warning>,
}

impl<'s> Plan<'_, 's> {
    /// A change about entry `entry` of kind `event`, effective `effective`, with `window`;
    /// `None` (and a conflict) when the ledger holds every id the change could take.
    ///
    /// Its id derives from the publication, the entry, the event (naming the list when it is
    /// not the publication's default) and the date, so that re-applying a reconciliation is a
    /// no-op. When the ledger already holds that id, another capture of the publication on the
    /// same date made a change of this kind that this file overrides; the change then takes an
    /// id that also derives from its content, so that a further amendment on one date is a new
    /// fact. A change that would return the entry to a state another capture recorded on this
    /// date and a later one superseded is a conflict, whichever change recorded that state:
    /// one with this content-derived id, or the first change of the day (registration,
    /// designation or amendment, whose id derives from the date alone) when its state is this
    /// change's state. See [`recorded_state`].
    fn change(
        &mut self,
        entry: &str,
        event: &str,
        effective: NaiveDate,
        window: Option<ObservationWindow>,
        kind: ChangeKind,
    ) -> Option<Change> {
        let prefix = &self.prefix;
        let base = format!("{prefix}:{entry}:{event}:{effective}");
        let mut id = ChangeId::derive(&base);
        if self.view.change(id).is_some() {
            let content = serde_json::to_string(&kind).unwrap_or_default();
            id = ChangeId::derive(&format!("{base}:{content}"));
            // The first change of the day that set the state this change sets, if any: the
            // change of this event, or the registration / designation it amends.
            let state = recorded_state(&kind);
            let returns = state.is_some()
                && first_events(event).iter().any(|first| {
                    let first = ChangeId::derive(&format!("{prefix}:{entry}:{first}:{effective}"));
                    self.view
                        .change(first)
                        .is_some_and(|c| recorded_state(&c.kind) == state)
                });
            if returns || self.view.change(id).is_some() {
                self.conflicts.push((
                    entry.to_owned(),
                    format!(
                        "returns to what the ledger recorded on {effective} and then superseded \
                         ({})",
                        kind.name()
                    ),
                ));
                return None;
            }
        }
        let mut change = Change::new(id, effective, self.recorded, self.source.clone(), kind);
        change.window = window;
        Some(change)
    }

    /// [`Plan::change`], appended to the changes; whether it was.
    fn push(
        &mut self,
        entry: &str,
        event: &str,
        effective: NaiveDate,
        window: Option<ObservationWindow>,
        kind: ChangeKind,
    ) -> bool {
        match self.change(entry, event, effective, window, kind) {
            Some(change) => {
                self.changes.push(change);
                true
            }
            None => false,
        }
    }

    /// The window `(previous, effective]` of a change observed on `effective` (or known only
    /// to be on or before it).
    fn window(&self, effective: NaiveDate) -> ObservationWindow {
        let after = self.previous.filter(|&p| p < effective);
        ObservationWindow::new(after, effective)
    }

    /// `event` on `list`: the event alone on the publication's default list (so that ids of
    /// one-list publications keep their form), `event@CODE` on any other.
    fn event(&self, event: &str, list: Option<&List>) -> String {
        match list {
            Some(list) if Some(list) != self.snapshot.default_list() => {
                format!("{event}@{}", list.code())
            }
            _ => event.to_owned(),
        }
    }

    /// The id of the designation of `entry` on `list` from `since`.
    fn designation_id(&self, entry: &str, list: Option<&List>, since: NaiveDate) -> DesignationId {
        match list {
            Some(list) => self.snapshot.designation_id_on(entry, list, since),
            None => self.snapshot.designation_id(entry, since),
        }
    }

    /// Reconciles every list id in the ledger (`in_force`, with the list id of each in `ids`,
    /// sorted by it) or in the snapshot, once, in order: the two sorted runs, merged.
    fn entries(&mut self, ids: &[&str], in_force: &[InForce]) {
        let mut at = 0;
        let mut present = self.snapshot.by_id().peekable();
        loop {
            let next_known = ids.get(at).copied();
            let next_present = present.peek().map(|&(id, _)| id);
            let id = match (next_known, next_present) {
                (None, None) => break,
                (Some(id), None) | (None, Some(id)) => id,
                (Some(known), Some(new)) => known.min(new),
            };
            let end = at + ids[at..].iter().take_while(|&&k| k == id).count();
            let entries = match present.next_if(|&(new, _)| new == id) {
                Some((_, entries)) => entries,
                None => &[],
            };
            self.entry(id, entries, &in_force[at..end]);
            at = end;
        }
    }

    /// Reconciles one list id: its entries in the snapshot (one per list, sorted by list)
    /// against its designations in force in the ledger (likewise).
    fn entry(&mut self, id: &str, present: &'s [ListEntry], known: &[InForce]) {
        let mut ends: Vec<&InForce> = Vec::new();
        let mut kept: Vec<(&'s ListEntry, &InForce)> = Vec::new();
        for k in known {
            match present.iter().find(|e| e.list == k.list) {
                Some(entry) => kept.push((entry, k)),
                // Gone with its whole entry from a publication that only shows this list: the
                // file no longer says anything about it.
                None if present.is_empty()
                    && k.list.as_ref().is_some_and(|l| !self.snapshot.covers(l)) =>
                {
                    if let Some(list) = k.list.clone() {
                        self.warnings.push(Warning::new(
                            self.snapshot.file(),
                            0,
                            WarningKind::MembershipNotCovered {
                                entry: id.to_owned(),
                                list,
                            },
                        ));
                    }
                }
                None => ends.push(k),
            }
        }
        let starts: Vec<(&'s ListEntry, Start)> = present
            .iter()
            .filter(|e| !known.iter().any(|k| k.list == e.list))
            .map(|e| (e, self.start(e)))
            .collect();
        // A list left and another joined in one snapshot: a move, when the new designation
        // starts after the old one did (the old one ends on that date).
        let mut moves = Vec::new();
        let mut lone_ends = Vec::new();
        let mut lone_starts = Vec::new();
        let mut paired = starts.iter().copied();
        for end in ends {
            match paired.next() {
                Some((entry, start)) if start.effective > end.since => {
                    moves.push((end, entry, start));
                }
                Some(other) => {
                    lone_ends.push(end);
                    lone_starts.push(other);
                }
                None => lone_ends.push(end),
            }
        }
        lone_starts.extend(paired);
        for end in lone_ends {
            self.delist(id, end);
        }
        let Some(first) = present.first() else {
            return;
        };
        // The subject's facts, once per list id.
        let entity_fields = if kept.is_empty() {
            let earliest = moves
                .iter()
                .map(|(_, _, start)| *start)
                .chain(lone_starts.iter().map(|(_, start)| *start))
                .min_by_key(|start| start.effective);
            match earliest {
                Some(start) if !self.register(first, start) => return,
                _ => Vec::new(),
            }
        } else {
            self.amend_entity(first, &kept)
        };
        for (end, entry, start) in moves {
            self.moved(end, entry, start);
        }
        for (entry, start) in lone_starts {
            self.designate(entry, start);
        }
        if !kept.is_empty() {
            let (effective, window) = self.amendment_date(first, &kept);
            // The subject's changes are reported once, on its first designation in force.
            let mut entity_fields = entity_fields;
            for (entry, known) in kept {
                let shared = std::mem::take(&mut entity_fields);
                self.amend_terms(entry, known, &shared, effective, window);
            }
        }
    }

    /// When `entry`, new on its list, takes effect.
    ///
    /// The list's own date, unless an earlier snapshot of the publication in the ledger, dated
    /// on or after it, did not hold the entry: a listing is never back-dated to before a
    /// snapshot that did not contain it (the UN re-lists entries under their old reference
    /// with their original date; OFAC's ENHANCED XML keeps a membership's old `datePublished`
    /// after a move). Then the list's bound (listed on or before), on the same condition;
    /// otherwise the snapshot's date, observed.
    fn start(&self, entry: &ListEntry) -> Start {
        let date = self.snapshot.date();
        let dated = |d: Option<NaiveDate>| d.filter(|&d| self.snapshot.is_dated() && d <= date);
        let backdates = |d: NaiveDate| {
            self.holds_earlier && self.previous.is_some_and(|previous| d <= previous)
        };
        let listed_on = dated(entry.listed_on);
        let (effective, window) = match (listed_on, dated(entry.listed_by)) {
            (Some(listed), _) if !backdates(listed) => (listed, None),
            (_, Some(bound)) if !backdates(bound) => (bound, Some(self.window(bound))),
            _ => (date, Some(self.window(date))),
        };
        Start {
            effective,
            window,
            listed_on,
        }
    }

    /// Registers the subject of a new entry effective `start`, or amends its facts when the
    /// ledger knows it from an earlier listing; `false` on a conflict.
    fn register(&mut self, entry: &ListEntry, start: Start) -> bool {
        let entity = self.entity_ids.get(&entry.id);
        let known = if start.effective == self.snapshot.date() {
            self.known.on_date(entity).or(self.known.latest(entity))
        } else {
            self.view
                .entity_on(entity, start.effective)
                .or(self.view.entity(entity))
        };
        match known {
            None => self.push(
                &entry.id,
                "register",
                start.effective,
                start.window,
                ChangeKind::RegisterEntity {
                    entity,
                    record: Box::new(entry.entity.clone()),
                },
            ),
            Some(known)
                if !entity_fields(&canonical_entity(known.clone()), &entry.entity).is_empty() =>
            {
                self.push(
                    &entry.id,
                    "amend-entity",
                    start.effective,
                    start.window,
                    ChangeKind::AmendEntity {
                        entity,
                        record: Box::new(entry.entity.clone()),
                    },
                )
            }
            Some(_) => true,
        }
    }

    fn delist(&mut self, id: &str, known: &InForce) {
        let date = self.snapshot.date();
        let designation = known.designation;
        if known.since >= date {
            // Designated on the snapshot's own date (by another capture of this date): a
            // delisting cannot be on the same day, and skipping it would report "in sync".
            self.conflicts.push((
                id.to_owned(),
                format!(
                    "was designated effective {} and is not in this file; a delisting cannot \
                     take effect on the day of the designation",
                    known.since
                ),
            ));
            return;
        }
        let window = Some(self.window(date));
        let event = self.event("delist", known.list.as_ref());
        let kind = ChangeKind::Delist { designation };
        let Some(change) = self.change(id, &event, date, window, kind) else {
            return;
        };
        self.delistings.push(change);
        self.report.push(EntryReport {
            id: id.to_owned(),
            name: self.name(known.entity),
            outcome: Outcome::Delisted {
                designation,
                list: known.list.clone(),
                effective: date,
                window,
            },
        });
    }

    /// The subject's primary name as the ledger knows it.
    fn name(&self, entity: EntityId) -> String {
        self.view
            .entity(entity)
            .map(|e| e.name.clone())
            .unwrap_or_default()
    }

    /// The new designation of `entry` from `start`: its id and its `Designate` change, or
    /// `None` (and a conflict) when the ledger already holds it.
    fn designation(&mut self, entry: &ListEntry, start: Start) -> Option<(DesignationId, Start)> {
        let date = self.snapshot.date();
        let list = entry.list.as_ref();
        let mut start = start;
        let mut designation = self.designation_id(&entry.id, list, start.effective);
        if start.effective < date && self.view.designation(designation).is_some() {
            // The list's date belongs to an earlier listing that has ended: a re-listing.
            start.effective = date;
            start.window = Some(self.window(date));
            designation = self.designation_id(&entry.id, list, date);
        }
        // Delisted on this very date by another capture of it: designating it again would
        // return to what that capture superseded.
        let delisted = ChangeId::derive(&format!(
            "{}:{}:{}:{}",
            self.prefix,
            entry.id,
            self.event("delist", list),
            start.effective
        ));
        if self.view.change(delisted).is_some() {
            self.conflicts.push((
                entry.id.clone(),
                format!(
                    "was delisted effective {} and is in this file; a designation cannot return \
                     on the day of its delisting",
                    start.effective
                ),
            ));
            return None;
        }
        if let Some(created) = self.view.designation(designation) {
            // Created already, yet not in force on the date: skipping it would report "in
            // sync" while the ledger and the file disagree.
            let from = created.in_force.from;
            self.conflicts.push((
                entry.id.clone(),
                format!(
                    "is in this file, but its designation of {from} is in force {}, not on {date}",
                    created.in_force
                ),
            ));
            return None;
        }
        let entity = self.entity_ids.get(&entry.id);
        let mut terms = DesignationTerms::new(Measure::AssetFreeze);
        terms.measures.clone_from(&entry.measures);
        terms.programs.clone_from(&entry.programs);
        let mut record = Designation::new(entity, self.snapshot.authority().clone(), terms);
        record.list.clone_from(&entry.list);
        let kind = ChangeKind::Designate {
            designation,
            record: Box::new(record),
        };
        let event = self.event("designate", list);
        let mut change = self.change(&entry.id, &event, start.effective, start.window, kind)?;
        // The list's own date stays on the change as the source's claim (for the UN, the
        // `LISTED_ON` that FollowTheMoney calls `listingDate`; for the EU, the listing act's
        // publication), even when it is not the effective date.
        change.published = entry.published.or(start.listed_on);
        self.changes.push(change);
        Some((designation, start))
    }

    fn designate(&mut self, entry: &ListEntry, start: Start) {
        let Some((designation, start)) = self.designation(entry, start) else {
            return;
        };
        self.report.push(EntryReport {
            id: entry.id.clone(),
            name: entry.entity.name.clone(),
            outcome: Outcome::Designated {
                designation,
                list: entry.list.clone(),
                effective: start.effective,
                window: start.window,
            },
        });
    }

    /// A move: `known` ends and `entry`'s designation starts on the same date.
    fn moved(&mut self, known: &InForce, entry: &ListEntry, start: Start) {
        let Some((to, start)) = self.designation(entry, start) else {
            return;
        };
        let on = start.effective;
        // The list gives no date for the end: the move implies it, within the window.
        let window = Some(self.window(on));
        let event = self.event("delist", known.list.as_ref());
        let kind = ChangeKind::Delist {
            designation: known.designation,
        };
        let Some(change) = self.change(&entry.id, &event, on, window, kind) else {
            return;
        };
        self.delistings.push(change);
        self.report.push(EntryReport {
            id: entry.id.clone(),
            name: entry.entity.name.clone(),
            outcome: Outcome::Moved {
                from: known.designation,
                from_list: known.list.clone(),
                to,
                to_list: entry.list.clone(),
                effective: on,
                window: start.window,
            },
        });
    }

    /// When the amendments of an entry in force take effect: the list's own amendment date
    /// when it falls in the observation window and after every designation of the entry
    /// started, otherwise the snapshot's date with the window.
    fn amendment_date(
        &self,
        entry: &ListEntry,
        kept: &[(&ListEntry, &InForce)],
    ) -> (NaiveDate, Option<ObservationWindow>) {
        let date = self.snapshot.date();
        let since = kept
            .iter()
            .map(|(_, k)| k.since)
            .max()
            .unwrap_or(NaiveDate::MIN);
        match entry.amended_on.last() {
            Some(&amended)
                if self.snapshot.is_dated()
                    && amended <= date
                    && amended >= since
                    && self.previous.is_some_and(|p| amended > p) =>
            {
                (amended, None)
            }
            _ => (date, Some(self.window(date))),
        }
    }

    /// Amends the facts of an entry in force when they changed; the identifying fields that
    /// did.
    fn amend_entity(&mut self, entry: &ListEntry, kept: &[(&ListEntry, &InForce)]) -> Vec<Field> {
        let Some((_, known)) = kept.first() else {
            return Vec::new();
        };
        let entity = known.entity;
        let fields = match self.known.on_date(entity) {
            // What this importer stored is canonical already: equal means unchanged.
            Some(known) if *known == entry.entity => Vec::new(),
            Some(known) => entity_fields(&canonical_entity(known.clone()), &entry.entity),
            None => Vec::new(),
        };
        if !fields.is_empty() {
            let (effective, window) = self.amendment_date(entry, kept);
            self.push(
                &entry.id,
                "amend-entity",
                effective,
                window,
                ChangeKind::AmendEntity {
                    entity,
                    record: Box::new(entry.entity.clone()),
                },
            );
        }
        fields
    }

    /// Amends the terms of one designation in force when its programs or measures changed,
    /// and reports it with `entity_fields` (the subject's changes, reported on one of its
    /// designations only).
    fn amend_terms(
        &mut self,
        entry: &ListEntry,
        known: &InForce,
        entity_fields: &[Field],
        effective: NaiveDate,
        window: Option<ObservationWindow>,
    ) {
        let date = self.snapshot.date();
        let designation = known.designation;
        let Some(in_force) = self.view.designation_on(designation, date) else {
            return;
        };
        let mut fields = entity_fields.to_vec();
        let terms = &in_force.terms;
        // Terms this importer wrote are sorted already; compare sorted copies only if not equal.
        if terms.programs != entry.programs || terms.measures != entry.measures {
            let (programs, measures) = canonical_terms(terms);
            if programs != entry.programs {
                fields.push(Field::Programs);
            }
            if measures != entry.measures {
                fields.push(Field::Measures);
            }
        }
        if fields.is_empty() {
            return;
        }
        if fields.iter().any(|f| f.is_legal()) {
            let mut terms = in_force.terms.clone();
            terms.programs.clone_from(&entry.programs);
            terms.measures.clone_from(&entry.measures);
            let event = self.event("amend-designation", known.list.as_ref());
            self.push(
                &entry.id,
                &event,
                effective,
                window,
                ChangeKind::AmendDesignation {
                    designation,
                    terms: Box::new(terms),
                },
            );
        }
        fields.sort();
        self.report.push(EntryReport {
            id: entry.id.clone(),
            name: entry.entity.name.clone(),
            outcome: Outcome::Amended {
                designation,
                list: known.list.clone(),
                fields,
                effective,
                window,
            },
        });
    }
}

/// The state a change sets on its subject, as text: the entity's record for a registration or
/// an entity amendment, the terms for a designation or a terms amendment; `None` for other
/// kinds. Two changes with the same state leave the entry as the same capture described it.
fn recorded_state(kind: &ChangeKind) -> Option<String> {
    let state = match kind {
        ChangeKind::RegisterEntity { record, .. } | ChangeKind::AmendEntity { record, .. } => {
            serde_json::to_string(record)
        }
        ChangeKind::Designate { record, .. } => serde_json::to_string(&record.terms),
        ChangeKind::AmendDesignation { terms, .. } => serde_json::to_string(terms),
        _ => return None,
    };
    state.ok()
}

/// The events whose first change of a day sets the state that `event` changes: the event
/// itself, and the registration (for `amend-entity`) or the designation on the same list (for
/// `amend-designation[@CODE]`) it amends.
fn first_events(event: &str) -> Vec<String> {
    let mut events = vec![event.to_owned()];
    if event == "amend-entity" {
        events.push("register".to_owned());
    } else if let Some(list) = event.strip_prefix("amend-designation") {
        events.push(format!("designate{list}"));
    }
    events
}

/// The identifying fields in which two canonical entities differ.
fn entity_fields(known: &Entity, new: &Entity) -> Vec<Field> {
    let mut fields = Vec::new();
    if known.kind != new.kind {
        fields.push(Field::Kind);
    }
    if known.name != new.name {
        fields.push(Field::Name);
    }
    if known.aliases != new.aliases {
        fields.push(Field::Aliases);
    }
    // Equal lookup keys, one by one, compared in place.
    let same_keys = known.identifiers.len() == new.identifiers.len()
        && known
            .identifiers
            .iter()
            .zip(&new.identifiers)
            .all(|(a, b)| a.cmp_lookup_keys(b) == std::cmp::Ordering::Equal);
    if !same_keys {
        fields.push(Field::Identifiers);
    }
    if known.addresses != new.addresses {
        fields.push(Field::Addresses);
    }
    if known.countries != new.countries {
        fields.push(Field::Countries);
    }
    if known.details != new.details {
        fields.push(Field::Details);
    }
    fields
}
