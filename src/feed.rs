//! The change feed: [`Ledger::changes_since`] a [`Cursor`], in recorded order, resumable across
//! restarts.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::change::Change;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use crate::view::View;

/// A position in a ledger's log, to resume a [`Feed`] from: the changes recorded after it.
///
/// Opaque to users: keep its text form (`Display` / `FromStr`, and serde through that text)
/// and hand it back. A cursor holds the number of changes before it and the ledger's
/// [`Digest`] there, so it stays valid across restarts and reopened files, and after any later
/// change (a retraction is a change like any other), while a cursor from another ledger, or
/// from a copy of this one that has moved on further, is refused with a typed error rather than
/// silently skipping or repeating changes.
///
/// # Example
///
/// ```
/// use sanctions_ledger::{Cursor, Ledger};
///
/// let ledger: Ledger = serde_json::from_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
/// let first = ledger.changes_since(&Cursor::START)?.limit(5);
/// assert_eq!(first.changes().len(), 5);
///
/// let saved = first.cursor().to_string(); // keep this, e.g. in a file
/// let rest = ledger.changes_since(&saved.parse()?)?;
/// assert_eq!(rest.changes(), &ledger.changes()[5..]);
/// assert_eq!(rest.cursor(), ledger.cursor()); // at the end: nothing new yet
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cursor {
    position: u64,
    digest: Digest,
}

impl Cursor {
    /// The start of every ledger: a feed from here holds every change.
    pub const START: Cursor = Cursor {
        position: 0,
        digest: Digest::EMPTY,
    };

    /// How many changes of the log come before the cursor.
    #[must_use]
    pub fn position(&self) -> u64 {
        self.position
    }

    /// The ledger's digest at the cursor.
    #[must_use]
    pub fn digest(&self) -> Digest {
        self.digest
    }
}

impl fmt::Display for Cursor {
    /// `<position>-<digest>`, e.g. `128-9f86d0…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.position, self.digest)
    }
}

impl FromStr for Cursor {
    type Err = Error;

    fn from_str(text: &str) -> Result<Cursor> {
        let bad = |reason: &str| Error::Parse {
            what: "Cursor",
            input: text.to_owned(),
            reason: reason.to_owned(),
        };
        let (position, digest) = text
            .split_once('-')
            .ok_or_else(|| bad("a cursor is <position>-<digest>"))?;
        let position = position
            .parse()
            .map_err(|_| bad("the position is not a number"))?;
        let digest = digest
            .parse()
            .map_err(|_| bad("the digest is not 64 hexadecimal digits"))?;
        Ok(Cursor { position, digest })
    }
}

impl Serialize for Cursor {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cursor {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The changes recorded after a [`Cursor`], in recorded order (the log's), retractions
/// included; see [`Ledger::changes_since`].
#[derive(Debug, Clone, Copy)]
pub struct Feed<'a> {
    ledger: &'a Ledger,
    from: usize,
    to: usize,
}

impl<'a> Feed<'a> {
    /// The changes, in the order recorded.
    #[must_use]
    pub fn changes(&self) -> &'a [Change] {
        &self.ledger.changes()[self.from..self.to]
    }

    /// At most the first `limit` changes of this feed.
    #[must_use]
    pub fn limit(self, limit: usize) -> Feed<'a> {
        Feed {
            to: self.to.min(self.from.saturating_add(limit)),
            ..self
        }
    }

    /// Where to resume: the cursor after the last change of this feed.
    ///
    /// O(1) once the ledger's digest chain is computed (see [`Ledger::digest`]).
    #[must_use]
    pub fn cursor(&self) -> Cursor {
        cursor_at(self.to, self.ledger.digest_at(self.to))
    }
}

fn cursor_at(position: usize, digest: Digest) -> Cursor {
    Cursor {
        position: u64::try_from(position).unwrap_or(u64::MAX),
        digest,
    }
}

impl Ledger {
    /// The cursor after the last change: a feed from it holds only what is recorded later.
    #[must_use]
    pub fn cursor(&self) -> Cursor {
        cursor_at(self.len(), self.digest())
    }

    /// The changes recorded after `cursor`, in recorded order, retractions included, and the
    /// cursor to resume from ([`Feed::cursor`]).
    ///
    /// O(1) once the ledger's digest chain is computed (see [`Ledger::digest`]); the feed
    /// borrows the log and copies nothing.
    ///
    /// # Errors
    ///
    /// [`Error::CursorAhead`] for a cursor past the end of the log (from another ledger, or
    /// from a copy of this one that has moved on); [`Error::CursorMismatch`] for a cursor whose
    /// digest is not this ledger's at its position (from another ledger).
    pub fn changes_since(&self, cursor: &Cursor) -> Result<Feed<'_>> {
        let len = self.len();
        let from = usize::try_from(cursor.position)
            .ok()
            .filter(|&from| from <= len)
            .ok_or(Error::CursorAhead {
                position: cursor.position,
                len: u64::try_from(len).unwrap_or(u64::MAX),
            })?;
        if self.digest_at(from) != cursor.digest {
            return Err(Error::CursorMismatch {
                position: cursor.position,
            });
        }
        Ok(Feed {
            ledger: self,
            from,
            to: len,
        })
    }

    /// What the ledger knew at the end of `date`, UTC: [`Ledger::known_at`] the day's last
    /// instant, so that every change recorded on that day is seen.
    ///
    /// O(log n), as `known_at`.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::chrono::NaiveDate;
    /// use sanctions_ledger::Ledger;
    ///
    /// let ledger: Ledger = serde_json::from_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let recorded = ledger.changes()[0].recorded; // the seed's first record
    /// let view = ledger.known_on(recorded.date_naive());
    /// assert!(view.change(ledger.changes()[0].id).is_some());
    /// let day_before = recorded.date_naive().pred_opt().ok_or("date")?;
    /// assert!(ledger.known_on(day_before).change(ledger.changes()[0].id).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn known_on(&self, date: NaiveDate) -> View<'_> {
        // The day's last nanosecond. (chrono can also hold a leap second, 23:59:60, which
        // would come after it; no ledger this crate writes records one.)
        let end = date
            .and_hms_nano_opt(23, 59, 59, 999_999_999)
            .unwrap_or_else(|| date.and_time(chrono::NaiveTime::MIN))
            .and_utc();
        self.known_at(end)
    }
}

impl View<'_> {
    /// The cursor at the end of what this view sees: a feed from it holds the changes recorded
    /// after the view's instant.
    #[must_use]
    pub fn cursor(&self) -> Cursor {
        cursor_at(self.cut(), self.digest())
    }
}
