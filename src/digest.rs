//! [`Digest`]: a SHA-256 digest of a ledger's content, chained per change.
//!
//! The digest after the first *n* changes of a ledger's log is
//!
//! ```text
//! D(0) = 32 zero bytes
//! D(n) = SHA-256( D(n-1) ‖ the n-th change's JSON )
//! ```
//!
//! where a change's JSON is its compact `serde_json` form, exactly as a ledger file's line holds
//! it (see `FORMAT.md`). Because the chain runs in recorded order, and a view known at an
//! instant sees a prefix of the log, every view has a digest, read in O(1) once the chain is
//! computed: [`View::digest`]. Two ledgers with the same digest at a position hold the same
//! changes up to it; a stored answer can keep "digest D, as known at T" and be re-checked
//! against the ledger later.

use std::fmt;
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest as _, Sha256};

use crate::change::Change;
use crate::error::{Error, Result};
use crate::ledger::Ledger;
use crate::view::View;

/// A SHA-256 digest of the changes of a ledger up to a position of its log (see the module
/// documentation, and `FORMAT.md` for the exact bytes hashed).
///
/// Written as 64 lowercase hexadecimal digits, in text and in serde.
///
/// # Example
///
/// ```
/// use sanctions_ledger::{Digest, Ledger};
///
/// let ledger: Ledger = serde_json::from_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
/// let digest = ledger.digest();
/// assert_ne!(digest, Digest::EMPTY);
/// assert_eq!(digest.to_string().parse::<Digest>()?, digest);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Digest([u8; 32]);

impl Digest {
    /// The digest of an empty ledger: 32 zero bytes, the start of every chain.
    pub const EMPTY: Digest = Digest([0; 32]);

    /// The digest's 32 bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The next link of a chain: the digest after a change whose JSON is `json`, when the
    /// digest before it is `self`.
    #[must_use]
    pub(crate) fn then(&self, json: &[u8]) -> Digest {
        let mut hasher = Sha256::new();
        hasher.update(self.0);
        hasher.update(json);
        Digest(hasher.finalize().into())
    }
}

impl Digest {
    /// The 64 lowercase hexadecimal digits, without formatting machinery: a file write needs
    /// one per change line.
    fn hex(&self) -> [u8; 64] {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0; 64];
        for (pair, byte) in out.chunks_exact_mut(2).zip(self.0) {
            pair[0] = DIGITS[usize::from(byte >> 4)];
            pair[1] = DIGITS[usize::from(byte & 0x0f)];
        }
        out
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = self.hex();
        // The digits are ASCII, so this never fails.
        f.write_str(std::str::from_utf8(&hex).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({self})")
    }
}

impl FromStr for Digest {
    type Err = Error;

    /// Reads 64 hexadecimal digits (either case).
    fn from_str(text: &str) -> Result<Digest> {
        let bad = |reason: &str| Error::Parse {
            what: "Digest",
            input: text.to_owned(),
            reason: reason.to_owned(),
        };
        if text.len() != 64 {
            return Err(bad("a digest is 64 hexadecimal digits"));
        }
        from_hex(text.as_bytes()).ok_or_else(|| bad("not a hexadecimal digit"))
    }
}

/// Reads 64 hexadecimal digits (either case); `None` for anything else.
///
/// Branch-free over the digits (one table lookup each, validity checked once at the end): a
/// file of a million changes reads a million of these while it opens.
fn from_hex(digits: &[u8]) -> Option<Digest> {
    if digits.len() != 64 {
        return None;
    }
    let mut bytes = [0; 32];
    let mut invalid = 0;
    for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
        let (high, low) = (
            HEX_VALUES[usize::from(pair[0])],
            HEX_VALUES[usize::from(pair[1])],
        );
        invalid |= high | low;
        *byte = high << 4 | (low & 0x0f);
    }
    (invalid & 0xf0 == 0).then_some(Digest(bytes))
}

/// The value of each byte as a hexadecimal digit, or 0xff for a byte that is not one.
const HEX_VALUES: [u8; 256] = {
    let mut table = [0xff; 256];
    let mut value: u8 = 0;
    while value < 16 {
        let lower = b"0123456789abcdef"[value as usize];
        let upper = b"0123456789ABCDEF"[value as usize];
        table[lower as usize] = value;
        table[upper as usize] = value;
        value += 1;
    }
    table
};

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A ledger's digest chain: the digest after each change of its log.
///
/// Changes read from or written to a [`LedgerFile`](crate::LedgerFile) get their links from
/// the bytes of their lines, as the file is read or written. Changes applied to a ledger in
/// memory get theirs only when a digest is first asked for, so that `apply` pays nothing for
/// them; the chain then serialises each change once.
#[derive(Default)]
pub(crate) struct Chain {
    /// `links[i]` is the digest after the change at position `i`. May be shorter than the log.
    links: Mutex<Vec<Digest>>,
}

impl Chain {
    /// The digest after the first `len` changes of `changes` (the log this chain belongs to).
    ///
    /// O(1) when the links are known; otherwise serialises and hashes the changes whose links
    /// are missing, once.
    pub(crate) fn at(&self, changes: &[Change], len: usize) -> Digest {
        let Some(last) = len.checked_sub(1) else {
            return Digest::EMPTY;
        };
        let mut links = self.links.lock().unwrap_or_else(PoisonError::into_inner);
        if links.len() <= last {
            let mut json = Vec::with_capacity(512);
            let mut digest = links.last().copied().unwrap_or(Digest::EMPTY);
            for change in &changes[links.len()..len] {
                json.clear();
                change_json(change, &mut json);
                digest = digest.then(&json);
                links.push(digest);
            }
        }
        links[last]
    }

    /// Forgets the links of the changes at `len` and after (they were rolled back).
    pub(crate) fn truncate(&mut self, len: usize) {
        self.links
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .truncate(len);
    }

    /// Sets the links of the changes from position `start` on, computed from the bytes a file
    /// holds for them. Links missing before `start` are left to be computed.
    pub(crate) fn extend(&mut self, start: usize, new: impl IntoIterator<Item = Digest>) {
        let links = self.links.get_mut().unwrap_or_else(PoisonError::into_inner);
        if links.len() >= start {
            links.truncate(start);
            links.extend(new);
        }
    }
}

impl Clone for Chain {
    fn clone(&self) -> Self {
        let links = self.links.lock().unwrap_or_else(PoisonError::into_inner);
        Chain {
            links: Mutex::new(links.clone()),
        }
    }
}

impl fmt::Debug for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let links = self.links.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("Chain")
            .field("links", &links.len())
            .finish()
    }
}

/// Writes a change's compact JSON, the bytes its link hashes, into `out`.
pub(crate) fn change_json(change: &Change, out: &mut Vec<u8>) {
    // Serialising a `Change` cannot fail: every map in it has string keys, and a `Vec` never
    // refuses a write.
    let written = serde_json::to_writer(&mut *out, change);
    debug_assert!(written.is_ok(), "a change always serialises");
}

/// The member that a version 2 ledger file adds at the end of a change line, without the
/// 64 digits and the closing `"}`: `,"digest":"`.
const DIGEST_MEMBER: &[u8] = b",\"digest\":\"";

/// How many bytes the digest member adds to a change's JSON: `,"digest":"` (11 bytes), 64
/// digits and `"` (the closing brace is the change's own).
pub(crate) const DIGEST_MEMBER_LEN: usize = DIGEST_MEMBER.len() + 64 + 1;

/// Appends the digest member to a change's JSON in `line`, which ends with the change's
/// closing brace: `{…}` becomes `{…,"digest":"<64 digits>"}`.
pub(crate) fn append_digest(line: &mut Vec<u8>, digest: &Digest) {
    let close = line.pop();
    debug_assert_eq!(close, Some(b'}'));
    line.extend_from_slice(DIGEST_MEMBER);
    line.extend_from_slice(&digest.hex());
    line.extend_from_slice(b"\"}");
}

/// Splits a version 2 change line (without its newline) that ends with the digest member:
/// rewrites the member's first byte into the change's closing brace, in place, so that
/// `line[..len]` is the change's JSON, and returns `len` and the stored digest. `None` when the
/// line does not end with a digest member.
pub(crate) fn split_digest(line: &mut [u8]) -> Option<(usize, Digest)> {
    let at = line.len().checked_sub(DIGEST_MEMBER_LEN + 1)?;
    let member = &line[at..];
    if !member.starts_with(DIGEST_MEMBER) || !member.ends_with(b"\"}") {
        return None;
    }
    let digest = from_hex(&member[DIGEST_MEMBER.len()..member.len() - 2])?;
    line[at] = b'}';
    Some((at + 1, digest))
}

impl Ledger {
    /// The digest of every change in the log: the digest of [`Ledger::current`].
    ///
    /// O(1) for a ledger read from or written to a file; for changes applied in memory, the
    /// first call serialises and hashes each of them once (about a microsecond a change).
    #[must_use]
    pub fn digest(&self) -> Digest {
        self.digest_at(self.len())
    }
}

impl View<'_> {
    /// The digest of what this view sees: of the changes recorded at or before its instant
    /// (retractions included, since they are what hides the retracted changes). Store it with
    /// an answer to prove later which version of the ledger the answer came from.
    ///
    /// O(1) once the ledger's chain is computed (see [`Ledger::digest`]).
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::chrono::{TimeZone, Utc};
    /// use sanctions_ledger::{Digest, Ledger};
    ///
    /// let ledger: Ledger = serde_json::from_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// assert_eq!(ledger.current().digest(), ledger.digest());
    /// let before = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).single().ok_or("instant")?;
    /// assert_eq!(ledger.known_at(before).digest(), Digest::EMPTY);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn digest(&self) -> Digest {
        self.digest_of_cut()
    }
}
