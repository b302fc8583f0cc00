//! The consistency rules a generated invalid change breaks.

use crate::error::Error;

/// A consistency rule of the ledger, as broken by an [`InvalidChange`](super::InvalidChange).
///
/// Each rule has its own [`Error`] variant, named like the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// An id already in the ledger, with different content: [`Error::ConflictingChangeId`].
    ConflictingChangeId,
    /// Recorded before the ledger's latest change: [`Error::RecordedOutOfOrder`].
    RecordedOutOfOrder,
    /// An observation window that does not end on the effective date: [`Error::InvalidWindow`].
    InvalidWindow,
    /// An entity with a blank name: [`Error::BlankName`].
    BlankName,
    /// A designation under another authority's program: [`Error::ProgramOfOtherAuthority`].
    ProgramOfOtherAuthority,
    /// A licence that covers nobody: [`Error::LicenceCoversNothing`].
    LicenceCoversNothing,
    /// A designation of an unregistered entity: [`Error::UnknownEntity`].
    UnknownEntity,
    /// A delisting of a designation that does not exist: [`Error::UnknownTarget`].
    UnknownTarget,
    /// A retraction of a change that does not exist: [`Error::UnknownChange`].
    UnknownChange,
    /// An entity amendment dated before its registration: [`Error::AmendedBeforeRegistration`].
    AmendedBeforeRegistration,
    /// A second registration of an entity: [`Error::DuplicateEntity`].
    DuplicateEntity,
    /// A second creation of a designation or licence id: [`Error::DuplicateTarget`].
    DuplicateTarget,
    /// An amendment before its designation or licence starts: [`Error::NotInForce`].
    NotInForce,
    /// An end on or before the start: [`Error::EndNotAfterStart`].
    EndNotAfterStart,
    /// A second end: [`Error::AlreadyEnded`].
    AlreadyEnded,
    /// A back-dated end before an existing amendment: [`Error::InvalidatesLaterChange`].
    InvalidatesLaterChange,
    /// A second retraction of a change: [`Error::AlreadyRetracted`].
    AlreadyRetracted,
    /// A retraction of a retraction: [`Error::RetractsRetraction`].
    RetractsRetraction,
    /// A retraction that leaves a dependent change orphaned: [`Error::RetractionOrphans`].
    RetractionOrphans,
}

impl Rule {
    /// Every rule.
    pub const ALL: [Rule; 19] = [
        Rule::ConflictingChangeId,
        Rule::RecordedOutOfOrder,
        Rule::InvalidWindow,
        Rule::BlankName,
        Rule::ProgramOfOtherAuthority,
        Rule::LicenceCoversNothing,
        Rule::UnknownEntity,
        Rule::UnknownTarget,
        Rule::UnknownChange,
        Rule::AmendedBeforeRegistration,
        Rule::DuplicateEntity,
        Rule::DuplicateTarget,
        Rule::NotInForce,
        Rule::EndNotAfterStart,
        Rule::AlreadyEnded,
        Rule::InvalidatesLaterChange,
        Rule::AlreadyRetracted,
        Rule::RetractsRetraction,
        Rule::RetractionOrphans,
    ];

    /// Whether `error` is the variant this rule calls for.
    #[must_use]
    pub fn matches(self, error: &Error) -> bool {
        matches!(
            (self, error),
            (Rule::ConflictingChangeId, Error::ConflictingChangeId { .. })
                | (Rule::RecordedOutOfOrder, Error::RecordedOutOfOrder { .. })
                | (Rule::InvalidWindow, Error::InvalidWindow { .. })
                | (Rule::BlankName, Error::BlankName { .. })
                | (
                    Rule::ProgramOfOtherAuthority,
                    Error::ProgramOfOtherAuthority { .. }
                )
                | (
                    Rule::LicenceCoversNothing,
                    Error::LicenceCoversNothing { .. }
                )
                | (Rule::UnknownEntity, Error::UnknownEntity { .. })
                | (Rule::UnknownTarget, Error::UnknownTarget { .. })
                | (Rule::UnknownChange, Error::UnknownChange { .. })
                | (
                    Rule::AmendedBeforeRegistration,
                    Error::AmendedBeforeRegistration { .. }
                )
                | (Rule::DuplicateEntity, Error::DuplicateEntity { .. })
                | (Rule::DuplicateTarget, Error::DuplicateTarget { .. })
                | (Rule::NotInForce, Error::NotInForce { .. })
                | (Rule::EndNotAfterStart, Error::EndNotAfterStart { .. })
                | (Rule::AlreadyEnded, Error::AlreadyEnded { .. })
                | (
                    Rule::InvalidatesLaterChange,
                    Error::InvalidatesLaterChange { .. }
                )
                | (Rule::AlreadyRetracted, Error::AlreadyRetracted { .. })
                | (Rule::RetractsRetraction, Error::RetractsRetraction { .. })
                | (Rule::RetractionOrphans, Error::RetractionOrphans { .. })
        )
    }
}
