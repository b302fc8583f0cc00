//! Opening the ledger file, with progress for large files.

use std::path::Path;

use sanctions_ledger::{Cursor, Digest, FileOptions, Ledger, LedgerFile};

use crate::failure::Failure;
use crate::progress::Spinner;

/// Files at least this large get a spinner while they open (about a second of reading).
const LARGE: u64 = 32 << 20;

/// Opens an existing ledger file, validating every change (and its digest).
pub(crate) fn open(path: &Path) -> Result<LedgerFile, Failure> {
    open_with(path, LedgerFile::options())
}

/// Opens an existing ledger file for reading only, validating every change (and its digest):
/// a shared lock, so that any number of queries can read the file at once.
pub(crate) fn open_read_only(path: &Path) -> Result<LedgerFile, Failure> {
    open_with(path, LedgerFile::options().read_only(true))
}

/// Opens a ledger file with `options`, explaining a missing file.
pub(crate) fn open_with(path: &Path, options: FileOptions) -> Result<LedgerFile, Failure> {
    let size = std::fs::metadata(path).map(|m| m.len()).ok();
    if size.is_none() && !is_creating(options) {
        return Err(Failure::Other(format!(
            "{}: no such ledger file (create one with `sanctions-ledger import`, or name another with --ledger or $SANCTIONS_LEDGER)",
            path.display()
        )));
    }
    let _spinner = size.filter(|&size| size >= LARGE).map(|size| {
        Spinner::new(format!(
            "opening {} ({} MB): checking every change and its digest",
            path.display(),
            size >> 20
        ))
    });
    Ok(options.open(path)?)
}

/// Whether `options` create a missing file.
fn is_creating(options: FileOptions) -> bool {
    options == options.create(true)
}

/// The digest of the first `n` changes of `ledger` (its position-`n` cursor's): the chain is in
/// memory, so one lookup.
pub(crate) fn digest_after(ledger: &Ledger, n: usize) -> Option<Digest> {
    ledger
        .changes_since(&Cursor::START)
        .ok()
        .map(|feed| feed.limit(n).cursor().digest())
}
