//! Reconciliation: a [`Snapshot`] compared with a ledger gives the dated changes between them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};

use super::error::ImportError;
use super::snapshot::{canonical_entity, canonical_terms, ListEntry, Snapshot};
use super::warning::Warning;
use crate::change::{Change, ChangeKind, ObservationWindow, Source};
use crate::designation::{Designation, DesignationTerms, Measure};
use crate::entity::{Entity, Identifier};
use crate::id::{ChangeId, DesignationId, EntityId};
use crate::ledger::{Applied, Ledger};
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

/// What reconciliation found for one entry.
///
/// Every outcome carries the effective date of its changes and, when that date is only the
/// date the change was observed (OFAC's undated lists, a re-listing), the observation window
/// in which the real date lies.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// A new entry: designated (after registering its entity, or amending it on a re-listing).
    #[non_exhaustive]
    Designated {
        /// The new designation.
        designation: DesignationId,
        /// Its effective date.
        effective: NaiveDate,
        /// The window the real date lies in, when `effective` is an observation date.
        window: Option<ObservationWindow>,
    },
    /// A vanished entry: delisted.
    #[non_exhaustive]
    Delisted {
        /// The designation ended.
        designation: DesignationId,
        /// The delisting's effective date (the snapshot's date: lists do not date removals).
        effective: NaiveDate,
        /// The window the real date lies in, `(previous snapshot, this snapshot]`.
        window: Option<ObservationWindow>,
    },
    /// A changed entry: the fields that changed, sorted.
    #[non_exhaustive]
    Amended {
        /// The designation of the entry.
        designation: DesignationId,
        /// The fields that changed.
        fields: Vec<Field>,
        /// The amendment's effective date.
        effective: NaiveDate,
        /// The window the real date lies in, when `effective` is an observation date.
        window: Option<ObservationWindow>,
    },
}

impl Outcome {
    /// The designation the outcome is about.
    #[must_use]
    pub fn designation(&self) -> DesignationId {
        match self {
            Outcome::Designated { designation, .. }
            | Outcome::Delisted { designation, .. }
            | Outcome::Amended { designation, .. } => *designation,
        }
    }

    /// The effective date of the outcome's changes.
    #[must_use]
    pub fn effective(&self) -> NaiveDate {
        match self {
            Outcome::Designated { effective, .. }
            | Outcome::Delisted { effective, .. }
            | Outcome::Amended { effective, .. } => *effective,
        }
    }

    /// The observation window of the outcome's changes, if their date is an observation date.
    #[must_use]
    pub fn window(&self) -> Option<ObservationWindow> {
        match self {
            Outcome::Designated { window, .. }
            | Outcome::Delisted { window, .. }
            | Outcome::Amended { window, .. } => *window,
        }
    }
}

/// What reconciliation found for one entry, with its list id and name.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Reconciliation {
    /// The snapshot's file.
    pub file: String,
    /// The snapshot's date.
    pub date: NaiveDate,
    /// The previous snapshot date used for observation windows, if any.
    pub previous: Option<NaiveDate>,
    /// Entries of the list in force in the ledger on the snapshot's date, before the changes.
    pub in_force_before: usize,
    /// Entries in the snapshot.
    pub entries: usize,
    /// The changes, all recorded at the options' instant; apply them with
    /// [`Ledger::apply_batch`].
    pub changes: Vec<Change>,
    /// One report per entry designated, delisted or amended, sorted by outcome then list id.
    pub report: Vec<EntryReport>,
    /// What the parser read past in the snapshot's files (see [`Snapshot::warnings`]).
    pub warnings: Vec<Warning>,
}

impl Reconciliation {
    /// Entries designated.
    #[must_use]
    pub fn designations(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Designated { .. }))
    }

    /// Entries delisted.
    #[must_use]
    pub fn delistings(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Delisted { .. }))
    }

    /// Entries amended.
    #[must_use]
    pub fn amendments(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Amended { .. }))
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

/// Compares `snapshot` with what `view` holds of the same list on the snapshot's date, and
/// returns the changes that bring the ledger in line with it.
///
/// - An entry not in force in the ledger is designated: a `RegisterEntity` (or an `AmendEntity`
///   when the entity is known from an earlier listing) and a `Designate`. Its effective date is
///   the list's designation date when the list gives one (UN `LISTED_ON`, kept as the change's
///   `published` date); otherwise the snapshot's date, with the window `(previous, date]`
///   (`after` is `None` for a list's first snapshot: in force on or before its date). A listing
///   is never back-dated to before an earlier snapshot of the list in the ledger that did not
///   hold it: an entry whose list date is on or before that snapshot (the UN re-lists entries
///   under their old reference with their original date) is designated on this snapshot's date
///   with the window.
/// - An entry in force but absent from the snapshot is delisted on the snapshot's date, with
///   the window `(previous, date]`.
/// - An entry whose identifying facts changed gets an `AmendEntity`; one whose programs or
///   measures changed gets an `AmendDesignation`. They are effective on the list's latest
///   amendment date when that lies in `(previous, date]` (UN `LAST_DAY_UPDATED`), otherwise on
///   the snapshot's date with the window. Order of aliases and whitespace are not changes.
///
/// Ids are derived from the list, the entry and the event, so reconciling a snapshot that is
/// already in the ledger gives no changes, and applying the same changes twice is a no-op.
///
/// A second snapshot of the list on a date the ledger already holds one of (two captures of one
/// day) is imported when what it changes can be added as new facts of that day: a new entry,
/// or a further amendment (whose id then also derives from its content, so ids are unique per
/// capture, not per date; the later capture is in force on that day, and `known_at` still
/// shows what each capture said). It is refused with [`ImportError::SameDateConflict`] when it
/// would have to undo what the earlier capture recorded: an entry designated on that day and
/// gone from the later file (a delisting cannot take effect on the day of the designation), or
/// a return to a state already recorded and superseded that day. Whether the earlier capture
/// was an error (a retraction) or the list changed within the day (another date) is a person's
/// call; the ledger never reports "in sync" while it disagrees with the file.
/// The list's entries in the ledger are the designations whose changes cite the list (the
/// citation is `"<authority> <list> list as of <date>"`) of entities the list registered;
/// designations made by other means are left alone.
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
/// would delist / amend more than the allowed share of the entries in force.
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
    let label = snapshot.label();
    let Imported {
        latest,
        before: derived_previous,
        in_force,
    } = imported(view, snapshot, &label);
    let previous = options.previous.or(derived_previous);
    let mut plan = Plan {
        view,
        snapshot,
        recorded: options.recorded,
        previous,
        holds_earlier: derived_previous.is_some(),
        source: Source::new(format!("{label} as of {date}")),
        changes: Vec::new(),
        report: Vec::new(),
        conflicts: Vec::new(),
    };

    for (id, known) in &in_force {
        if snapshot.get(id).is_none() {
            plan.delist(id, known);
        }
    }
    for entry in snapshot.entries() {
        match in_force.get(&entry.id) {
            Some(known) => plan.amend(entry, known),
            None => plan.designate(entry),
        }
    }
    let Plan {
        changes,
        mut report,
        conflicts,
        ..
    } = plan;
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
    let count = |pick: fn(&Outcome) -> bool| report.iter().filter(|r| pick(&r.outcome)).count();
    let delisted = count(|o| matches!(o, Outcome::Delisted { .. }));
    let share = ratio(delisted, in_force.len());
    if !options.allow_mass_delisting && share > options.max_delist_share {
        return Err(ImportError::TooManyDelistings {
            file,
            date,
            delisted,
            in_force: in_force.len(),
            percent: share * 100.0,
            max_percent: options.max_delist_share * 100.0,
        });
    }
    let amended = count(|o| matches!(o, Outcome::Amended { .. }));
    let share = ratio(amended, in_force.len());
    if !options.allow_mass_amendment && share > options.max_amend_share {
        return Err(ImportError::TooManyAmendments {
            file,
            date,
            amended,
            in_force: in_force.len(),
            percent: share * 100.0,
            max_percent: options.max_amend_share * 100.0,
        });
    }
    report.sort_by(|a, b| {
        outcome_rank(&a.outcome)
            .cmp(&outcome_rank(&b.outcome))
            .then_with(|| a.id.cmp(&b.id))
    });
    Ok(Reconciliation {
        file: snapshot.file().to_owned(),
        date,
        previous,
        in_force_before: in_force.len(),
        entries: snapshot.len(),
        changes,
        report,
        warnings: snapshot.warnings().to_vec(),
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
    }
}

/// An entry of the list in force in the ledger.
#[derive(Clone, Copy)]
struct InForce {
    designation: DesignationId,
    since: NaiveDate,
    entity: EntityId,
}

/// What the ledger holds of one list, from one pass over the changes cited to it.
struct Imported {
    /// The latest date of a snapshot of the list that left changes in the ledger.
    latest: Option<NaiveDate>,
    /// The latest such date strictly before the snapshot's.
    before: Option<NaiveDate>,
    /// The entries in force on the snapshot's date, by list id.
    in_force: BTreeMap<String, InForce>,
}

/// Scans the changes imported from the snapshot's list (found by their citation,
/// `"<list label> as of <snapshot date>"`) for the dates of its snapshots and the entries in
/// force on the snapshot's date.
///
/// One pass over the view's changes, without building the whole state.
fn imported(view: View<'_>, snapshot: &Snapshot, label: &str) -> Imported {
    let date = snapshot.date();
    let prefix = format!("{label} as of ");
    let mut latest = None;
    let mut before = None;
    let mut entries: HashMap<EntityId, &str> = HashMap::new();
    let mut designated = Vec::new();
    let mut ended = HashSet::new();
    // The changes of one snapshot share their citation: parse its date once per run.
    let mut cited: Option<(&str, NaiveDate)> = None;
    for change in view.changes() {
        let citation = change.source.citation.as_str();
        let Some(tail) = citation.strip_prefix(&prefix) else {
            continue;
        };
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
        match &change.kind {
            ChangeKind::RegisterEntity { entity, record } => {
                let id = record.identifiers.iter().find_map(|i| match i {
                    Identifier::ListEntry { authority, id }
                        if authority == snapshot.authority() =>
                    {
                        Some(id.as_str())
                    }
                    _ => None,
                });
                if let Some(id) = id {
                    entries.insert(*entity, id);
                }
            }
            ChangeKind::Designate {
                designation,
                record,
            } if record.authority == *snapshot.authority() && change.effective <= date => {
                designated.push((*designation, record.entity, change.effective));
            }
            ChangeKind::Delist { designation } if change.effective <= date => {
                ended.insert(*designation);
            }
            _ => {}
        }
    }
    let mut in_force = BTreeMap::new();
    for (designation, entity, since) in designated {
        if ended.contains(&designation) {
            continue;
        }
        let Some(&id) = entries.get(&entity) else {
            continue;
        };
        // A designation cited to this list, of an entity this list registered. (Checking the
        // derived id as well would hash every entry: a third of the cost of a reconciliation.)
        in_force.insert(
            id.to_owned(),
            InForce {
                designation,
                since,
                entity,
            },
        );
    }
    Imported {
        latest,
        before,
        in_force,
    }
}

/// The changes being assembled for one snapshot.
struct Plan<'v, 's> {
    view: View<'v>,
    snapshot: &'s Snapshot,
    recorded: DateTime<Utc>,
    /// The lower bound of observation windows: the caller's previous snapshot date, or the
    /// ledger's latest snapshot date of the list before this one.
    previous: Option<NaiveDate>,
    /// Whether the ledger holds a snapshot of the list dated before this one.
    holds_earlier: bool,
    source: Source,
    changes: Vec<Change>,
    report: Vec<EntryReport>,
    /// Entries whose change the ledger cannot take without undoing what it recorded from
    /// another capture of the same date: list id and why.
    conflicts: Vec<(String, String)>,
}

impl Plan<'_, '_> {
    /// A change about entry `entry` of kind `event`, effective `effective`, observed in the
    /// window `(previous, date]` when `observed`; `false` (and a conflict) when the ledger holds
    /// every id the change could take.
    ///
    /// Its id derives from the list, the entry, the event and the date, so that re-applying a
    /// reconciliation is a no-op. When the ledger already holds that id, another capture of the
    /// list on the same date made a change of this kind that this file undoes or overrides;
    /// the change then takes an id that also derives from its content, so that a second
    /// amendment on one date is a new fact. When that id is taken too, the ledger already
    /// recorded this very content on this date and superseded it: a conflict.
    fn push(
        &mut self,
        entry: &str,
        event: &str,
        effective: NaiveDate,
        observed: bool,
        kind: ChangeKind,
    ) -> bool {
        let base = format!("{}:{entry}:{event}:{effective}", self.snapshot.key());
        let mut id = ChangeId::derive(&base);
        if self.view.change(id).is_some() {
            let content = serde_json::to_string(&kind).unwrap_or_default();
            id = ChangeId::derive(&format!("{base}:{content}"));
            if self.view.change(id).is_some() {
                self.conflicts.push((
                    entry.to_owned(),
                    format!(
                        "returns to what the ledger recorded on {effective} and then superseded \
                         ({})",
                        kind.name()
                    ),
                ));
                return false;
            }
        }
        let mut change = Change::new(id, effective, self.recorded, self.source.clone(), kind);
        if let Some(window) = self.window(effective, observed) {
            change = change.with_window(window);
        }
        self.changes.push(change);
        true
    }

    /// The window `(previous, effective]` of a change observed on `effective`, if `observed`.
    fn window(&self, effective: NaiveDate, observed: bool) -> Option<ObservationWindow> {
        observed.then(|| {
            let after = self.previous.filter(|&p| p < effective);
            ObservationWindow::new(after, effective)
        })
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
        let name = self
            .view
            .entity(known.entity)
            .map(|e| e.name.clone())
            .unwrap_or_default();
        if !self.push(id, "delist", date, true, ChangeKind::Delist { designation }) {
            return;
        }
        self.report.push(EntryReport {
            id: id.to_owned(),
            name,
            outcome: Outcome::Delisted {
                designation,
                effective: date,
                window: self.window(date, true),
            },
        });
    }

    fn designate(&mut self, entry: &ListEntry) {
        let date = self.snapshot.date();
        // The list's own date, unless an earlier snapshot of the list in the ledger, dated on
        // or after it, did not hold the entry: a listing is never back-dated to before a
        // snapshot that did not contain it (the UN re-lists entries under their old
        // reference with their original date).
        let listed_on = entry
            .listed_on
            .filter(|&listed| self.snapshot.is_dated() && listed <= date);
        let backdates = |listed: NaiveDate| {
            self.holds_earlier && self.previous.is_some_and(|previous| listed <= previous)
        };
        let (mut effective, mut observed) = match listed_on {
            Some(listed) if !backdates(listed) => (listed, false),
            _ => (date, true),
        };
        let mut designation = self.snapshot.designation_id(&entry.id, effective);
        if effective < date && self.view.designation(designation).is_some() {
            // The list's date belongs to an earlier listing that has ended: a re-listing.
            effective = date;
            observed = true;
            designation = self.snapshot.designation_id(&entry.id, effective);
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
            return;
        }
        let entity = self.snapshot.entity_id(&entry.id);
        let registered = match self
            .view
            .entity_on(entity, effective)
            .or(self.view.entity(entity))
        {
            None => self.push(
                &entry.id,
                "register",
                effective,
                observed,
                ChangeKind::RegisterEntity {
                    entity,
                    record: entry.entity.clone(),
                },
            ),
            Some(known)
                if !entity_fields(&canonical_entity(known.clone()), &entry.entity).is_empty() =>
            {
                self.push(
                    &entry.id,
                    "amend-entity",
                    effective,
                    observed,
                    ChangeKind::AmendEntity {
                        entity,
                        record: entry.entity.clone(),
                    },
                )
            }
            Some(_) => true,
        };
        if !registered {
            return;
        }
        let mut terms = DesignationTerms::new(Measure::AssetFreeze);
        terms.measures.clone_from(&entry.measures);
        terms.programs.clone_from(&entry.programs);
        let record = Designation::new(entity, self.snapshot.authority().clone(), terms);
        let kind = ChangeKind::Designate {
            designation,
            record,
        };
        if !self.push(&entry.id, "designate", effective, observed, kind) {
            return;
        }
        // The list's own date stays on the change as the source's claim (for the UN, the
        // `LISTED_ON` that FollowTheMoney calls `listingDate`), even when it is not the
        // effective date.
        if let (Some(listed), Some(change)) = (listed_on, self.changes.last_mut()) {
            change.published = Some(listed);
        }
        self.report.push(EntryReport {
            id: entry.id.clone(),
            name: entry.entity.name.clone(),
            outcome: Outcome::Designated {
                designation,
                effective,
                window: self.window(effective, observed),
            },
        });
    }

    fn amend(&mut self, entry: &ListEntry, known: &InForce) {
        let date = self.snapshot.date();
        let InForce {
            designation,
            since,
            entity,
        } = *known;
        let mut fields = match self.view.entity_on(entity, date) {
            // What this importer stored is canonical already: equal means unchanged.
            Some(known) if *known == entry.entity => Vec::new(),
            Some(known) => entity_fields(&canonical_entity(known.clone()), &entry.entity),
            None => Vec::new(),
        };
        let Some(in_force) = self.view.designation_on(designation, date) else {
            return;
        };
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
        // The list's own amendment date, when it falls in the observation window.
        let (effective, observed) = match entry.amended_on.last() {
            Some(&amended)
                if self.snapshot.is_dated()
                    && amended <= date
                    && amended >= since
                    && self.previous.is_some_and(|p| amended > p) =>
            {
                (amended, false)
            }
            _ => (date, true),
        };
        if fields.iter().any(|f| !f.is_legal()) {
            self.push(
                &entry.id,
                "amend-entity",
                effective,
                observed,
                ChangeKind::AmendEntity {
                    entity,
                    record: entry.entity.clone(),
                },
            );
        }
        if fields.iter().any(|f| f.is_legal()) {
            let mut terms = in_force.terms.clone();
            terms.programs.clone_from(&entry.programs);
            terms.measures.clone_from(&entry.measures);
            self.push(
                &entry.id,
                "amend-designation",
                effective,
                observed,
                ChangeKind::AmendDesignation { designation, terms },
            );
        }
        fields.sort();
        self.report.push(EntryReport {
            id: entry.id.clone(),
            name: entry.entity.name.clone(),
            outcome: Outcome::Amended {
                designation,
                fields,
                effective,
                window: self.window(effective, observed),
            },
        });
    }
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
    let keys =
        |e: &Entity| -> Vec<String> { e.identifiers.iter().map(Identifier::lookup_key).collect() };
    if keys(known) != keys(new) {
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
