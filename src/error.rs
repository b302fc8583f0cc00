//! The crate's one error type.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};

use crate::authority::{Authority, Program};
use crate::id::{ChangeId, ClassMeasureId, DesignationId, EntityId, LicenceId, LinkId, RelationId};
use crate::interval::Interval;
use crate::list::List;
use crate::relation::RelationKind;
use crate::rules::Rule;

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What a change acts on: a designation, a licence, a link, a relation or a class measure.
///
/// Used by errors that apply to all of them alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Target {
    /// A designation.
    Designation(DesignationId),
    /// A licence.
    Licence(LicenceId),
    /// A link of two entities (one subject).
    Link(LinkId),
    /// A relation between two entities.
    Relation(RelationId),
    /// A class measure.
    ClassMeasure(ClassMeasureId),
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Designation(id) => write!(f, "designation {id}"),
            Target::Licence(id) => write!(f, "licence {id}"),
            Target::Link(id) => write!(f, "link {id}"),
            Target::Relation(id) => write!(f, "relation {id}"),
            Target::ClassMeasure(id) => write!(f, "class measure {id}"),
        }
    }
}

/// Everything that can go wrong: bad text, and changes that would make the history inconsistent.
///
/// Each consistency rule of the ledger has its own variant, naming the change refused
/// (`change`), the ids and the dates involved. When [`Ledger::apply`](crate::Ledger::apply) or
/// [`Ledger::apply_batch`](crate::Ledger::apply_batch) returns one of these, the ledger is
/// exactly as it was before the call.
///
/// Ledger files ([`LedgerFile`](crate::LedgerFile)) add variants for I/O, locking, headers, torn
/// tails and bad lines, each naming the file and, where there is one, the line; JSON ledger
/// documents ([`Ledger::from_json_str`](crate::Ledger::from_json_str)) add
/// [`Error::BadDocument`] and [`Error::RefusedInDocument`]. A wrapped refusal says where in its
/// message and why in its [`source`](std::error::Error::source), never both.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Text that is not a valid value of a type (an id, authority, country, IMO number, …).
    #[error("invalid {what} {input:?}: {reason}")]
    Parse {
        /// The type being parsed, e.g. `"Authority"`.
        what: &'static str,
        /// The text given.
        input: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A change id already in the ledger (or earlier in the batch) with different content.
    #[error("change {change} is already in the ledger with different content")]
    ConflictingChangeId {
        /// The id used twice.
        change: ChangeId,
    },

    /// A change recorded before the latest change already in the ledger: the recorded axis never
    /// goes backwards.
    #[error(
        "change {change} is recorded at {recorded}, before the ledger's latest record at {latest}"
    )]
    RecordedOutOfOrder {
        /// The change refused.
        change: ChangeId,
        /// Its recorded instant.
        recorded: DateTime<Utc>,
        /// The latest recorded instant already in the ledger or earlier in the batch.
        latest: DateTime<Utc>,
    },

    /// A change's observation window is not `(after, effective]`.
    #[error("change {change} is effective {effective} but its observation window is ({after:?}, {on_or_before}]")]
    InvalidWindow {
        /// The change refused.
        change: ChangeId,
        /// Its effective date.
        effective: NaiveDate,
        /// The window's lower bound.
        after: Option<NaiveDate>,
        /// The window's upper bound, which must equal `effective`.
        on_or_before: NaiveDate,
    },

    /// An entity record with a blank primary name: one with no visible character (empty, or
    /// only whitespace, no-break spaces included, control or invisible format characters such
    /// as U+200B ZERO WIDTH SPACE).
    #[error("change {change} gives entity {entity} a blank name")]
    BlankName {
        /// The change refused.
        change: ChangeId,
        /// The entity.
        entity: EntityId,
    },

    /// An entity record with a blank [`Identifier::ListEntry`](crate::Identifier::ListEntry)
    /// id (no visible character): it names no entry of the list, and reconciliation and lookups
    /// tell entries by it.
    #[error("change {change} gives entity {entity} a blank id on a list of {authority}")]
    BlankListEntryId {
        /// The change refused.
        change: ChangeId,
        /// The entity.
        entity: EntityId,
        /// The authority of the list.
        authority: Authority,
    },

    /// A designation under a program of another authority.
    #[error("change {change} designates under {program}, which is not a program of {authority}")]
    ProgramOfOtherAuthority {
        /// The change refused.
        change: ChangeId,
        /// The designation's authority.
        authority: Authority,
        /// The foreign program.
        program: Program,
    },

    /// A designation on a list that another authority publishes.
    #[error("change {change} designates by {authority} on the list {list}, which is not a list of {authority}")]
    ListOfOtherAuthority {
        /// The change refused.
        change: ChangeId,
        /// The designation's authority.
        authority: Authority,
        /// The foreign list.
        list: List,
    },

    /// A licence that covers no entity.
    #[error("change {change} gives licence {licence} no covered entity")]
    LicenceCoversNothing {
        /// The change refused.
        change: ChangeId,
        /// The licence.
        licence: LicenceId,
    },

    /// A change that names an entity the ledger does not know (no visible registration).
    #[error("change {change} names entity {entity}, which is not registered")]
    UnknownEntity {
        /// The change refused.
        change: ChangeId,
        /// The unknown entity.
        entity: EntityId,
    },

    /// An amendment or end that names a designation or licence the ledger does not know.
    #[error("change {change} names {target}, which does not exist")]
    UnknownTarget {
        /// The change refused.
        change: ChangeId,
        /// The unknown designation or licence.
        target: Target,
    },

    /// A retraction that names a change not earlier in the ledger.
    #[error("change {change} retracts change {retracted}, which is not earlier in the ledger")]
    UnknownChange {
        /// The retraction refused.
        change: ChangeId,
        /// The id it names.
        retracted: ChangeId,
    },

    /// An entity amendment effective before the entity's registration: the entity's facts would
    /// begin before the entity does.
    #[error("change {change} dates entity {entity}'s facts {amended}, before its registration on {registered}")]
    AmendedBeforeRegistration {
        /// The change refused (the amendment, or a registration moved later).
        change: ChangeId,
        /// The entity.
        entity: EntityId,
        /// The amendment's effective date.
        amended: NaiveDate,
        /// The registration's effective date.
        registered: NaiveDate,
    },

    /// A second registration of an entity id.
    #[error("change {change} registers entity {entity}, already registered by change {existing}")]
    DuplicateEntity {
        /// The change refused.
        change: ChangeId,
        /// The entity.
        entity: EntityId,
        /// The change that registered it first.
        existing: ChangeId,
    },

    /// A second creation of a designation or licence id (re-listing needs a new designation id).
    #[error("change {change} creates {target}, already created by change {existing}")]
    DuplicateTarget {
        /// The change refused.
        change: ChangeId,
        /// The designation or licence.
        target: Target,
        /// The change that created it first.
        existing: ChangeId,
    },

    /// An amendment effective on a date when its designation or licence is not in force.
    #[error("change {change} amends {target} effective {effective}, but it is in force only over {in_force}")]
    NotInForce {
        /// The amendment refused.
        change: ChangeId,
        /// The designation or licence.
        target: Target,
        /// The amendment's effective date.
        effective: NaiveDate,
        /// When the target is in force: from its creation until its end, if it has one.
        in_force: Interval,
    },

    /// A delisting or licence end not strictly after the designation or licence started.
    #[error("change {change} ends {target} effective {ended}, not after it started on {started}")]
    EndNotAfterStart {
        /// The change refused (the end, or a back-dated start).
        change: ChangeId,
        /// The designation or licence.
        target: Target,
        /// When it started.
        started: NaiveDate,
        /// The end's effective date.
        ended: NaiveDate,
    },

    /// A second delisting of a designation, or a second end of a licence.
    #[error("change {change} ends {target}, already ended by change {existing}")]
    AlreadyEnded {
        /// The change refused.
        change: ChangeId,
        /// The designation or licence.
        target: Target,
        /// The change that ended it first.
        existing: ChangeId,
    },

    /// A back-dated change (an end, or a start moved later) that would leave an existing
    /// amendment outside the period its designation or licence is in force.
    #[error("change {change} effective {effective} would leave amendment {later} effective {later_effective} outside the period {target} is in force")]
    InvalidatesLaterChange {
        /// The change refused.
        change: ChangeId,
        /// The designation or licence.
        target: Target,
        /// The refused change's effective date.
        effective: NaiveDate,
        /// The amendment it would invalidate.
        later: ChangeId,
        /// That amendment's effective date.
        later_effective: NaiveDate,
    },

    /// A retraction of a change that is already retracted.
    #[error("change {change} retracts change {retracted}, already retracted by change {by}")]
    AlreadyRetracted {
        /// The retraction refused.
        change: ChangeId,
        /// The change it names.
        retracted: ChangeId,
        /// The earlier retraction.
        by: ChangeId,
    },

    /// A retraction of a retraction. Record the withdrawn change again under a new id instead.
    #[error("change {change} retracts change {retracted}, which is itself a retraction")]
    RetractsRetraction {
        /// The retraction refused.
        change: ChangeId,
        /// The retraction it names.
        retracted: ChangeId,
    },

    /// A retraction that would leave another change without what it depends on (a designation's
    /// entity, an amendment's designation, …).
    #[error("change {change} retracts change {retracted}, on which change {dependent} depends")]
    RetractionOrphans {
        /// The retraction refused.
        change: ChangeId,
        /// The change it names.
        retracted: ChangeId,
        /// A visible change that depends on the retracted one.
        dependent: ChangeId,
    },

    /// A link of an entity with itself.
    #[error("change {change} links entity {entity} with itself in link {link}")]
    SelfLink {
        /// The change refused.
        change: ChangeId,
        /// The link.
        link: LinkId,
        /// The entity named at both ends.
        entity: EntityId,
    },

    /// Two links of the same two entities in force on the same date.
    #[error("change {change} puts link {link} in force on {on} while link {existing} of the same entities {} and {} is", entities[0], entities[1])]
    LinkAlreadyInForce {
        /// The change refused: the newer link's creation, or a retraction that makes an
        /// ended link open again.
        change: ChangeId,
        /// The newer link.
        link: LinkId,
        /// The link already in force on that date.
        existing: LinkId,
        /// The two entities, smaller id first.
        entities: [EntityId; 2],
        /// The first date on which both are in force.
        on: NaiveDate,
    },

    /// A relation of an entity to itself (an entity owning or controlling itself).
    #[error("change {change} relates entity {entity} to itself in relation {relation}")]
    SelfRelation {
        /// The change refused.
        change: ChangeId,
        /// The relation.
        relation: RelationId,
        /// The entity named as both subject and object.
        entity: EntityId,
    },

    /// A share on a relation that is not an ownership (only an ownership gives a share).
    #[error("change {change} gives relation {relation}, a {kind:?} relation, a share")]
    ShareWithoutOwnership {
        /// The change refused (the relation's beginning or an amendment of it).
        change: ChangeId,
        /// The relation.
        relation: RelationId,
        /// Its kind.
        kind: RelationKind,
    },

    /// Direct stakes in one entity that add up to more than the whole on some date (counting
    /// each range by its lower bound).
    #[error("change {change} makes the direct stakes in entity {entity} add up to {} on {on}", percent(*total))]
    OwnershipOverWhole {
        /// The change refused: the newest of those that give the stakes on that date, or a
        /// retraction that brings back a larger stake.
        change: ChangeId,
        /// The owned entity.
        entity: EntityId,
        /// The first date on which the stakes add up to more than 100%.
        on: NaiveDate,
        /// Their total on that date, in hundredths of a percent.
        total: u32,
    },

    /// A class measure whose class names no country.
    #[error("change {change} imposes class measure {measure} on a class that names no country")]
    ClassWithoutCountry {
        /// The change refused.
        change: ChangeId,
        /// The class measure.
        measure: ClassMeasureId,
    },

    /// A query about an entity that the view does not know: it sees no registration of that
    /// id. Unknown is not "not listed": a mistyped id, or a question to a view known at an
    /// instant before the entity was recorded, has no status.
    #[error("entity {entity} is not known to {}", view_name(*known_at))]
    EntityNotKnown {
        /// The entity asked about.
        entity: EntityId,
        /// The instant the view is known at, or `None` for the ledger's current view.
        known_at: Option<DateTime<Utc>>,
    },

    /// A ledger already holding `u32::MAX - 1` changes, the most its compact indexes address.
    #[error("change {change} does not fit: the ledger holds the most changes it can index")]
    TooManyChanges {
        /// The change refused.
        change: ChangeId,
    },

    /// Ledger data with an unsupported format name or version.
    #[error("unsupported ledger format {format:?} version {version}")]
    UnsupportedFormat {
        /// The format name found.
        format: String,
        /// The version found.
        version: u32,
    },

    /// An I/O operation on a ledger file failed.
    ///
    /// Holds the [`std::io::ErrorKind`] and the message rather than the `std::io::Error` itself,
    /// so that this enum stays `Clone` and `Eq`.
    #[error("cannot {action} {}: {message}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done, e.g. `"read"`, `"append to"`.
        action: &'static str,
        /// The kind of the I/O error.
        kind: std::io::ErrorKind,
        /// The I/O error's message.
        message: String,
    },

    /// A ledger file is held by another handle (usually another process appending to it).
    #[error("{} is locked by another ledger file handle", path.display())]
    Locked {
        /// The file.
        path: PathBuf,
    },

    /// A change was given to a ledger file opened for reading only
    /// ([`FileOptions::read_only`](crate::FileOptions::read_only)); nothing was applied.
    #[error("{} is open for reading only: no change is applied", path.display())]
    ReadOnly {
        /// The file.
        path: PathBuf,
    },

    /// A ledger file whose first line is missing or is not a ledger log header.
    #[error("{}:1: not a sanctions ledger log header: {reason}", path.display())]
    BadHeader {
        /// The file.
        path: PathBuf,
        /// What is wrong with the first line.
        reason: String,
    },

    /// A ledger file whose header names another format, or a version this crate cannot read.
    #[error("{}:1: unsupported ledger log format {format:?} version {version}", path.display())]
    UnsupportedFileFormat {
        /// The file.
        path: PathBuf,
        /// The format name found.
        format: String,
        /// The version found.
        version: u64,
    },

    /// A ledger file that ends with an incomplete write: a last line without its newline, or a
    /// batch cut short. Opening with recovery truncates exactly these bytes.
    #[error("{}: torn tail of {bytes} bytes at offset {offset} (an interrupted append; open with recovery to truncate it)", path.display())]
    TornTail {
        /// The file.
        path: PathBuf,
        /// Where the torn tail starts.
        offset: u64,
        /// Its length, to the end of the file.
        bytes: u64,
    },

    /// A line of a ledger file that is not a change (or batch line) of the format.
    #[error("{}:{line}: {reason}", path.display())]
    BadLine {
        /// The file.
        path: PathBuf,
        /// The line number, from 1 (the header).
        line: u64,
        /// What is wrong with it.
        reason: String,
    },

    /// A change line of a ledger file (format version 2) whose stored digest is not the digest
    /// of the chain up to it: the line, or the digest stored with it, was changed after it was
    /// written (see `FORMAT.md`).
    #[error("{}:{line}: the change does not match the digest stored with it; the line was changed after it was written", path.display())]
    DigestMismatch {
        /// The file.
        path: PathBuf,
        /// The line whose digest does not follow from its content and the digest before it.
        line: u64,
        /// The digest stored on the line.
        stored: crate::Digest,
        /// The digest of the chain computed from the file's content up to that line.
        computed: crate::Digest,
    },

    /// A feed cursor past the end of the ledger's log: from another ledger, or from a copy of
    /// this one that has recorded more since.
    #[error("cursor at change {position} is ahead of this ledger, which holds {len} changes: it comes from another ledger or a later copy of this one")]
    CursorAhead {
        /// The cursor's position: how many changes came before it.
        position: u64,
        /// How many changes the ledger holds.
        len: u64,
    },

    /// A feed cursor whose digest is not the ledger's at its position: it comes from another
    /// ledger (or from a copy of this one whose history differs).
    #[error("cursor at change {position} does not match this ledger's history up to that change: it comes from another ledger")]
    CursorMismatch {
        /// The cursor's position.
        position: u64,
    },

    /// A well-formed change in a ledger file that the ledger's rules refuse.
    ///
    /// The message names the file and the line; the rule's own error, which names the change,
    /// the ids and the dates, is the [`source`](std::error::Error::source) (and the `source`
    /// field), so that an error reporter that prints the chain prints it once.
    #[error("{}:{line}: a change the ledger's rules refuse", path.display())]
    Refused {
        /// The file.
        path: PathBuf,
        /// The line of the refused change.
        line: u64,
        /// Why the ledger refused it.
        source: Box<Error>,
    },

    /// A JSON ledger document ([`Ledger::from_json_str`](crate::Ledger::from_json_str)) that is
    /// not JSON, or not of the document's shape.
    #[error("not a ledger document: {reason} at line {line} column {column}")]
    BadDocument {
        /// The line of the document where reading stopped, from 1.
        line: usize,
        /// The column on that line, from 1.
        column: usize,
        /// What is wrong there.
        reason: String,
    },

    /// A well-formed change in a JSON ledger document that the ledger's rules refuse.
    ///
    /// As for [`Error::Refused`], the rule's own error is the
    /// [`source`](std::error::Error::source).
    #[error("changes[{position}] of the ledger document is a change the ledger's rules refuse")]
    RefusedInDocument {
        /// The refused change's index in the document's `changes` array, from 0.
        position: usize,
        /// Why the ledger refused it.
        source: Box<Error>,
    },
}

impl Error {
    /// The consistency rule this error reports, when it reports one (also through
    /// [`Error::Refused`], a change a ledger file holds that the rules refuse).
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::{ChangeId, Error, Rule};
    ///
    /// let error = Error::ConflictingChangeId { change: ChangeId::derive("twice") };
    /// assert_eq!(error.rule(), Some(Rule::ConflictingChangeId));
    /// assert_eq!("x".parse::<ChangeId>().unwrap_err().rule(), None);
    /// ```
    #[must_use]
    pub fn rule(&self) -> Option<Rule> {
        Some(match self {
            Error::Refused { source, .. } | Error::RefusedInDocument { source, .. } => {
                return source.rule();
            }
            Error::Parse { .. }
            | Error::TooManyChanges { .. }
            | Error::UnsupportedFormat { .. }
            | Error::Io { .. }
            | Error::Locked { .. }
            | Error::ReadOnly { .. }
            | Error::BadHeader { .. }
            | Error::UnsupportedFileFormat { .. }
            | Error::TornTail { .. }
            | Error::BadLine { .. }
            | Error::BadDocument { .. }
            | Error::EntityNotKnown { .. }
            | Error::DigestMismatch { .. }
            | Error::CursorAhead { .. }
            | Error::CursorMismatch { .. } => return None,
            Error::ConflictingChangeId { .. } => Rule::ConflictingChangeId,
            Error::RecordedOutOfOrder { .. } => Rule::RecordedOutOfOrder,
            Error::InvalidWindow { .. } => Rule::InvalidWindow,
            Error::BlankName { .. } => Rule::BlankName,
            Error::BlankListEntryId { .. } => Rule::BlankListEntryId,
            Error::ProgramOfOtherAuthority { .. } => Rule::ProgramOfOtherAuthority,
            Error::ListOfOtherAuthority { .. } => Rule::ListOfOtherAuthority,
            Error::LicenceCoversNothing { .. } => Rule::LicenceCoversNothing,
            Error::UnknownEntity { .. } => Rule::UnknownEntity,
            Error::UnknownTarget { .. } => Rule::UnknownTarget,
            Error::UnknownChange { .. } => Rule::UnknownChange,
            Error::AmendedBeforeRegistration { .. } => Rule::AmendedBeforeRegistration,
            Error::DuplicateEntity { .. } => Rule::DuplicateEntity,
            Error::DuplicateTarget { .. } => Rule::DuplicateTarget,
            Error::NotInForce { .. } => Rule::NotInForce,
            Error::EndNotAfterStart { .. } => Rule::EndNotAfterStart,
            Error::AlreadyEnded { .. } => Rule::AlreadyEnded,
            Error::InvalidatesLaterChange { .. } => Rule::InvalidatesLaterChange,
            Error::AlreadyRetracted { .. } => Rule::AlreadyRetracted,
            Error::RetractsRetraction { .. } => Rule::RetractsRetraction,
            Error::RetractionOrphans { .. } => Rule::RetractionOrphans,
            Error::SelfLink { .. } => Rule::SelfLink,
            Error::LinkAlreadyInForce { .. } => Rule::LinkAlreadyInForce,
            Error::SelfRelation { .. } => Rule::SelfRelation,
            Error::ShareWithoutOwnership { .. } => Rule::ShareWithoutOwnership,
            Error::OwnershipOverWhole { .. } => Rule::OwnershipOverWhole,
            Error::ClassWithoutCountry { .. } => Rule::ClassWithoutCountry,
        })
    }

    /// The change this error refuses, when it is about one.
    #[must_use]
    pub fn change(&self) -> Option<ChangeId> {
        match self {
            Error::Parse { .. }
            | Error::UnsupportedFormat { .. }
            | Error::Io { .. }
            | Error::Locked { .. }
            | Error::ReadOnly { .. }
            | Error::BadHeader { .. }
            | Error::UnsupportedFileFormat { .. }
            | Error::TornTail { .. }
            | Error::BadLine { .. }
            | Error::BadDocument { .. }
            | Error::EntityNotKnown { .. }
            | Error::DigestMismatch { .. }
            | Error::CursorAhead { .. }
            | Error::CursorMismatch { .. } => None,
            Error::Refused { source, .. } | Error::RefusedInDocument { source, .. } => {
                source.change()
            }
            Error::ConflictingChangeId { change }
            | Error::TooManyChanges { change }
            | Error::RecordedOutOfOrder { change, .. }
            | Error::InvalidWindow { change, .. }
            | Error::BlankName { change, .. }
            | Error::BlankListEntryId { change, .. }
            | Error::ProgramOfOtherAuthority { change, .. }
            | Error::ListOfOtherAuthority { change, .. }
            | Error::LicenceCoversNothing { change, .. }
            | Error::UnknownEntity { change, .. }
            | Error::UnknownTarget { change, .. }
            | Error::UnknownChange { change, .. }
            | Error::DuplicateEntity { change, .. }
            | Error::AmendedBeforeRegistration { change, .. }
            | Error::DuplicateTarget { change, .. }
            | Error::NotInForce { change, .. }
            | Error::EndNotAfterStart { change, .. }
            | Error::AlreadyEnded { change, .. }
            | Error::InvalidatesLaterChange { change, .. }
            | Error::AlreadyRetracted { change, .. }
            | Error::RetractsRetraction { change, .. }
            | Error::RetractionOrphans { change, .. }
            | Error::SelfLink { change, .. }
            | Error::LinkAlreadyInForce { change, .. }
            | Error::SelfRelation { change, .. }
            | Error::ShareWithoutOwnership { change, .. }
            | Error::OwnershipOverWhole { change, .. }
            | Error::ClassWithoutCountry { change, .. } => Some(*change),
        }
    }
}

/// Hundredths of a percent as a percentage, for [`Error::OwnershipOverWhole`].
fn percent(hundredths: u32) -> String {
    let (whole, fraction) = (hundredths / 100, hundredths % 100);
    if fraction == 0 {
        format!("{whole}%")
    } else {
        format!("{whole}.{fraction:02}%")
    }
}

/// How [`Error::EntityNotKnown`] names the view.
fn view_name(known_at: Option<DateTime<Utc>>) -> String {
    match known_at {
        Some(instant) => format!("the ledger as known at {}", instant.to_rfc3339()),
        None => "the ledger".to_owned(),
    }
}
