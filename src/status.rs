//! The status of one entity with one authority on one date.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::id::{DesignationId, LicenceId};

/// An entity's status with one authority on one date, with the designations and licences behind
/// it.
///
/// A licence only matters while the entity is listed: an entity covered by a licence but not
/// listed is [`Status::NotListed`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Status {
    /// No designation by the authority is in force.
    NotListed,
    /// At least one designation is in force and no licence of the authority covers the entity.
    Listed {
        /// The designations in force, sorted.
        designations: Vec<DesignationId>,
    },
    /// Listed, and at least one licence of the same authority covering the entity is in force.
    ListedLicensed {
        /// The designations in force, sorted.
        designations: Vec<DesignationId>,
        /// The licences in force that cover the entity, sorted.
        licences: Vec<LicenceId>,
    },
}

impl Status {
    /// The kind of status, without the ids.
    #[must_use]
    pub fn kind(&self) -> StatusKind {
        match self {
            Status::NotListed => StatusKind::NotListed,
            Status::Listed { .. } => StatusKind::Listed,
            Status::ListedLicensed { .. } => StatusKind::ListedLicensed,
        }
    }

    /// Whether the entity is listed (licensed or not).
    #[must_use]
    pub fn is_listed(&self) -> bool {
        !matches!(self, Status::NotListed)
    }

    /// The designations in force (empty when not listed).
    #[must_use]
    pub fn designations(&self) -> &[DesignationId] {
        match self {
            Status::NotListed => &[],
            Status::Listed { designations } | Status::ListedLicensed { designations, .. } => {
                designations
            }
        }
    }

    /// The licences in force that cover the entity (empty unless listed and licensed).
    #[must_use]
    pub fn licences(&self) -> &[LicenceId] {
        match self {
            Status::ListedLicensed { licences, .. } => licences,
            _ => &[],
        }
    }

    /// Builds the status from the designations and licences in force (each list is sorted and
    /// deduplicated here).
    pub(crate) fn from_parts(
        mut designations: Vec<DesignationId>,
        mut licences: Vec<LicenceId>,
    ) -> Status {
        designations.sort_unstable();
        designations.dedup();
        licences.sort_unstable();
        licences.dedup();
        match (designations.is_empty(), licences.is_empty()) {
            (true, _) => Status::NotListed,
            (false, true) => Status::Listed { designations },
            (false, false) => Status::ListedLicensed {
                designations,
                licences,
            },
        }
    }
}

/// The kind of a [`Status`]: `not-listed`, `listed` or `listed-licensed` in text.
///
/// # Example
///
/// ```
/// use sanctions_ledger::StatusKind;
///
/// assert_eq!(StatusKind::ListedLicensed.to_string(), "listed-licensed");
/// assert_eq!("not-listed".parse::<StatusKind>()?, StatusKind::NotListed);
/// # Ok::<(), sanctions_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatusKind {
    /// Not listed.
    NotListed,
    /// Listed, not licensed.
    Listed,
    /// Listed and licensed.
    ListedLicensed,
}

impl StatusKind {
    /// The text form.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            StatusKind::NotListed => "not-listed",
            StatusKind::Listed => "listed",
            StatusKind::ListedLicensed => "listed-licensed",
        }
    }
}

impl fmt::Display for StatusKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StatusKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        [
            StatusKind::NotListed,
            StatusKind::Listed,
            StatusKind::ListedLicensed,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
        .ok_or_else(|| Error::Parse {
            what: "StatusKind",
            input: s.to_owned(),
            reason: "expected not-listed, listed or listed-licensed".to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{Status, StatusKind};
    use crate::id::{DesignationId, LicenceId};

    #[test]
    fn each_status_gives_the_ids_behind_it() {
        let (d1, d2) = (DesignationId::derive("d1"), DesignationId::derive("d2"));
        let (l1, l2) = (LicenceId::derive("l1"), LicenceId::derive("l2"));
        let licensed = Status::from_parts(vec![d2, d1, d2], vec![l2, l1, l1]);
        let mut designations = [d1, d2];
        designations.sort_unstable();
        let mut licences = [l1, l2];
        licences.sort_unstable();
        assert_eq!(licensed.kind(), StatusKind::ListedLicensed);
        assert_eq!(licensed.designations(), &designations[..]);
        assert_eq!(licensed.licences(), &licences[..]);

        let listed = Status::from_parts(vec![d1], Vec::new());
        assert_eq!(listed.kind(), StatusKind::Listed);
        assert_eq!(listed.designations(), [d1]);
        assert_eq!(listed.licences(), []);

        // A licence without a designation in force relieves nothing.
        let not_listed = Status::from_parts(Vec::new(), vec![l1]);
        assert_eq!(not_listed, Status::NotListed);
        assert_eq!(not_listed.designations(), []);
        assert_eq!(not_listed.licences(), []);
    }
}
