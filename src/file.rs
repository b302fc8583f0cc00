//! [`LedgerFile`]: a [`Ledger`] kept in a durable, append-only JSON Lines file.
//!
//! The format is specified in `FORMAT.md` at the top of the repository. In short: a header line
//! `{"format":"sanctions-ledger-log","version":1}`, then one [`Change`] per line in recorded
//! order. A batch of two or more changes is announced by a line `{"batch":N}` so that a batch cut
//! short by a crash is recognised as a torn tail and never half-applied.

use std::collections::HashMap;
use std::fs::{File, TryLockError};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::change::Change;
use crate::digest::{self, Digest};
use crate::error::{Error, Result};
use crate::id::ChangeId;
use crate::ledger::{Applied, Ledger, FORMAT_NAME};

/// The name written in the `format` field of a ledger file's header line.
pub const FILE_FORMAT_NAME: &str = "sanctions-ledger-log";
/// The version written in the `version` field of the header line of a file this crate creates.
///
/// Version 2 stores the digest chain (a `"digest"` member on every change line, see
/// `FORMAT.md`); version 1 files, without digests, are still read and appended to as version 1.
pub const FILE_FORMAT_VERSION: u32 = 2;
/// The longest line, in bytes without its newline, that a ledger file may hold. Longer lines are
/// refused when written and reported as [`Error::BadLine`] when read, so that a damaged file
/// cannot make the reader buffer without bound.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// A [`Ledger`] backed by an append-only file: every change applied through it is on disk
/// before `apply` returns.
///
/// - **Validated before written.** A change is first applied to the in-memory ledger, which
///   checks every rule; a refused change never reaches the file. If the write or the `fsync`
///   then fails, the change is removed from memory again (and the file cut back to its previous
///   length), so the file and the ledger always hold the same changes.
/// - **Validated when read.** Opening re-applies every change through the same rules
///   ([`Ledger::from_changes`]), so a hand-edited or damaged file can never produce an
///   inconsistent ledger. Damage is an error naming the line, never skipped.
/// - **Crash-safe.** A process killed during an append leaves at most a torn tail: a last line
///   without its newline, or a batch cut short. Opening reports it as [`Error::TornTail`];
///   [`FileOptions::recover`] truncates exactly those bytes and keeps every complete change.
/// - **Locked.** The file is exclusively locked (an advisory lock, [`File::try_lock`]) while the
///   `LedgerFile` lives; a second handle, in this process or another, gets [`Error::Locked`].
///
/// # Example
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use sanctions_ledger::*;
///
/// let path = std::env::temp_dir().join(format!("doc-ledger-file-{}.jsonl", std::process::id()));
/// # let _ = std::fs::remove_file(&path);
/// let belavia = EntityId::derive("belavia");
/// let register = Change::new(
///     ChangeId::derive("register belavia"),
///     NaiveDate::from_ymd_opt(2021, 12, 2).unwrap(),
///     Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
///     Source::new("Council Implementing Regulation (EU) 2021/2124"),
///     ChangeKind::RegisterEntity {
///         entity: belavia,
///         record: Entity::new(EntityKind::Organisation, "Belavia"),
///     },
/// );
///
/// let mut file = LedgerFile::create(&path)?;
/// file.apply(register)?; // on disk when this returns
/// drop(file); // releases the lock
///
/// let reopened = LedgerFile::open(&path)?;
/// assert_eq!(reopened.ledger().len(), 1);
/// # drop(reopened);
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), sanctions_ledger::Error>(())
/// ```
pub struct LedgerFile {
    path: PathBuf,
    file: File,
    ledger: Ledger,
    /// Bytes of complete lines in the file: where the next append starts.
    len: u64,
    /// Lines in the file, header included.
    lines: u64,
    /// The format version of the file: [`FILE_FORMAT_VERSION`] for a file this crate created,
    /// 1 for an older one, which is appended to in version 1.
    version: u32,
    /// What recovery truncated when the file was opened.
    recovered: Option<Truncation>,
    /// Set when a failed append could not be undone: the file's tail is then unknown, and
    /// further appends are refused with this error until the file is reopened.
    broken: Option<Error>,
}

/// How to open a [`LedgerFile`]: whether to create a missing file and whether to truncate a
/// torn tail.
///
/// # Example
///
/// ```
/// use sanctions_ledger::LedgerFile;
///
/// let path = std::env::temp_dir().join(format!("doc-file-options-{}.jsonl", std::process::id()));
/// # let _ = std::fs::remove_file(&path);
/// let file = LedgerFile::options().create(true).recover(true).open(&path)?;
/// assert!(file.ledger().is_empty());
/// assert_eq!(file.recovered(), None); // nothing was torn
/// # drop(file);
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), sanctions_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileOptions {
    create: bool,
    recover: bool,
}

/// The bytes that recovery cut from the end of a file: a torn last line or an incomplete batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Truncation {
    /// Where the torn tail started: the file's length after recovery.
    pub offset: u64,
    /// How many bytes were cut.
    pub bytes: u64,
}

impl FileOptions {
    /// Open an existing file, and report a torn tail as an error.
    #[must_use]
    pub fn new() -> Self {
        FileOptions::default()
    }

    /// Whether to create the file, with its header line, when it does not exist or is empty.
    #[must_use]
    pub fn create(mut self, create: bool) -> Self {
        self.create = create;
        self
    }

    /// Whether to truncate a torn tail (left by a process killed during an append) instead of
    /// reporting [`Error::TornTail`].
    ///
    /// Only a torn tail is ever truncated, and only once the rest of the file has loaded
    /// cleanly; any other damage is still an error and the file is left as it was. Every
    /// change whose `apply` returned is in a complete line and is kept. What was cut is
    /// reported by [`LedgerFile::recovered`]. A file holding only a torn header (a crash while
    /// creating it) gets a fresh header; an empty file is opened only with
    /// [`create`](FileOptions::create).
    #[must_use]
    pub fn recover(mut self, recover: bool) -> Self {
        self.recover = recover;
        self
    }

    /// Opens the file, locks it, and loads every change, validating each.
    ///
    /// Time is linear in the file's size (see `benches/load.rs` for throughput): lines are
    /// parsed on a second thread while this one validates them. Memory is that of the
    /// resulting [`Ledger`] plus a few thousand changes in flight.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if the file cannot be opened or read; [`Error::Locked`] if another handle
    /// holds it; [`Error::BadHeader`] or [`Error::UnsupportedFileFormat`] for a first line that
    /// is not a version 1 header (a JSON ledger document is named as such, with the loader to use,
    /// [`Ledger::from_json_reader`]); [`Error::BadLine`] for a line that is not a change;
    /// [`Error::Refused`] for a change the ledger's rules refuse; [`Error::TornTail`] for an
    /// interrupted append, unless recovering.
    pub fn open(self, path: impl AsRef<Path>) -> Result<LedgerFile> {
        LedgerFile::open_with(path.as_ref(), self)
    }
}

/// The header line's content.
#[derive(Serialize)]
struct Header {
    format: &'static str,
    version: u32,
}

/// A line announcing that the next `batch` changes were applied as one atomic batch.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchLine {
    batch: u64,
}

/// The header line of a file of `version`, with its newline, exactly as written.
fn header_line(version: u32) -> Vec<u8> {
    let mut line = serde_json::to_vec(&Header {
        format: FILE_FORMAT_NAME,
        version,
    })
    .unwrap_or_default();
    line.push(b'\n');
    line
}

/// An [`Error::Io`] for `path`.
fn io_error(path: &Path, action: &'static str, error: &io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        action,
        kind: error.kind(),
        message: error.to_string(),
    }
}

/// `usize` to `u64`, which cannot fail on the platforms Rust supports.
fn to_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// `serde_json`'s message without its "at line 1 column N" (every line is parsed on its own, so
/// that line number would mislead), with the column kept.
fn json_reason(error: &serde_json::Error) -> String {
    let mut message = error.to_string();
    if let Some(at) = message.rfind(" at line ") {
        message.truncate(at);
    }
    if error.column() > 0 {
        format!("{message} at column {}", error.column())
    } else {
        message
    }
}

/// One line read from a file.
enum Line {
    /// End of file.
    End,
    /// A complete line (the buffer holds it without its newline).
    Complete,
    /// Bytes up to the end of the file with no newline.
    Torn,
    /// A line longer than [`MAX_LINE_BYTES`].
    TooLong,
}

/// Reads the next line into `buf`, reading at most [`MAX_LINE_BYTES`] + 1 bytes. Returns what
/// was found and how many bytes were consumed.
fn next_line(reader: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<(Line, u64)> {
    buf.clear();
    let n = reader
        .by_ref()
        .take(to_u64(MAX_LINE_BYTES) + 1)
        .read_until(b'\n', buf)?;
    let line = if n == 0 {
        Line::End
    } else if buf.last() == Some(&b'\n') {
        buf.pop();
        Line::Complete
    } else if n > MAX_LINE_BYTES {
        Line::TooLong
    } else {
        Line::Torn
    };
    Ok((line, to_u64(n)))
}

/// What a complete line after the header holds.
enum Entry {
    /// A change; the change's JSON (the bytes its digest link hashes) is the line's first
    /// `json` bytes; `stored` is the digest a version 2 line carries.
    Change {
        change: Box<Change>,
        json: usize,
        stored: Option<Digest>,
    },
    Batch(u64),
}

/// Parses a line after the header of a file of `version`; `Err` holds the reason it is bad.
///
/// A version 2 change line ends with its digest member; this rewrites the line in place so
/// that its first `json` bytes are the change's own JSON (see [`digest::split_digest`]).
fn parse_entry(version: u32, bytes: &mut [u8]) -> std::result::Result<Entry, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("empty line".to_owned());
    }
    let (json, stored) = match version {
        1 => (bytes.len(), None),
        _ => match digest::split_digest(bytes) {
            Some((json, stored)) => (json, Some(stored)),
            None => (bytes.len(), None),
        },
    };
    let text = std::str::from_utf8(&bytes[..json])
        .map_err(|e| format!("invalid UTF-8 at byte {} of the line", e.valid_up_to()))?;
    match serde_json::from_str::<Change>(text) {
        Ok(_) if version >= 2 && stored.is_none() => Err(
            "a change without its digest (in a version 2 file every change line ends with a \"digest\" member)"
                .to_owned(),
        ),
        Ok(change) => Ok(Entry::Change {
            change: Box::new(change),
            json,
            stored,
        }),
        Err(error) => match serde_json::from_str::<BatchLine>(text) {
            Ok(_) if stored.is_some() => Err("a batch line with a digest".to_owned()),
            Ok(BatchLine { batch: 0 }) => Err("a batch of 0 changes".to_owned()),
            Ok(BatchLine { batch }) => Ok(Entry::Batch(batch)),
            Err(_) => Err(format!("not a change: {}", json_reason(&error))),
        },
    }
}

/// Checks the header line (without its newline) and returns the file's format version.
fn check_header(path: &Path, bytes: &[u8]) -> Result<u32> {
    let bad = |reason: &str| Error::BadHeader {
        path: path.to_path_buf(),
        reason: reason.to_owned(),
    };
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return Err(bad(
            "the file starts with a byte-order mark; ledger files are UTF-8 without one",
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| bad("invalid UTF-8"))?;
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| bad(&format!("not JSON: {}", json_reason(&e))))?;
    let Some(object) = value.as_object() else {
        return Err(bad("not a JSON object"));
    };
    if object.contains_key("id") || object.contains_key("batch") {
        return Err(bad(
            "the first line is a change or batch line; the header is missing",
        ));
    }
    let Some(format) = object.get("format").and_then(serde_json::Value::as_str) else {
        return Err(bad("no \"format\" string"));
    };
    let Some(version) = object.get("version").and_then(serde_json::Value::as_u64) else {
        return Err(bad("no \"version\" number"));
    };
    match (format, version) {
        (FILE_FORMAT_NAME, 1) => Ok(1),
        (FILE_FORMAT_NAME, 2) => Ok(2),
        _ => Err(Error::UnsupportedFileFormat {
            path: path.to_path_buf(),
            format: format.to_owned(),
            version,
        }),
    }
}

/// What [`read_log`] found in a file.
struct Log {
    /// How many changes were passed to the sink.
    count: usize,
    /// When the file ends inside a batch: how many changes came before it. The changes after
    /// these were passed to the sink but are part of the torn tail.
    cut: Option<usize>,
    /// Bytes and lines of the complete part (header and complete batches).
    len: u64,
    lines: u64,
    /// Where a torn tail starts, if there is one, and the file's whole length.
    torn: Option<u64>,
    total: u64,
    /// The format version in the header (that of this crate for a file without one).
    version: u32,
    /// The digest chain (version 2 only): the digest after each change passed to the sink,
    /// computed from the change's bytes in the file and checked against the digest stored. A
    /// version 1 file stores none; its chain is computed when first asked for, so that opening
    /// it costs what it always did.
    digests: Vec<Digest>,
}

/// How a file starts.
enum Start {
    /// A valid header line of this many bytes, and the format version it names.
    Header(u64, u32),
    /// No complete header: an empty file, or a torn one (a crash while creating it).
    Done(Log),
}

/// Reads and checks the header line.
fn read_header(path: &Path, reader: &mut impl BufRead, buf: &mut Vec<u8>) -> Result<Start> {
    let (header, n) = next_line(reader, buf).map_err(|e| io_error(path, "read", &e))?;
    let empty = |torn, total| Log {
        count: 0,
        cut: None,
        len: 0,
        lines: 0,
        torn,
        total,
        version: FILE_FORMAT_VERSION,
        digests: Vec::new(),
    };
    // A torn header of either version is a crash while creating the file.
    let torn_header =
        |buf: &[u8]| (1..=FILE_FORMAT_VERSION).any(|v| header_line(v).starts_with(buf));
    match header {
        Line::End => Ok(Start::Done(empty(None, 0))),
        Line::Torn if torn_header(buf) => Ok(Start::Done(empty(Some(0), n))),
        // A JSON ledger document written without a final newline.
        Line::Torn if is_json_document(buf, reader) => Err(json_document(path)),
        // Not a prefix of the header this crate writes, so not a torn write of ours.
        Line::Torn => Err(Error::BadHeader {
            path: path.to_path_buf(),
            reason: "the file is a single line without a newline, not a header".to_owned(),
        }),
        // A large JSON ledger document written on one line (compactly, or with spaces, or with
        // its keys in another order, as other tools write JSON) is one long line.
        Line::TooLong if starts_like_json_document(buf) => Err(json_document(path)),
        Line::TooLong => Err(Error::BadHeader {
            path: path.to_path_buf(),
            reason: format!("the first line is longer than {MAX_LINE_BYTES} bytes"),
        }),
        Line::Complete => match check_header(path, buf) {
            Ok(version) => Ok(Start::Header(n, version)),
            Err(_) if is_json_document(buf, reader) => Err(json_document(path)),
            Err(error) => Err(error),
        },
    }
}

/// The error for a JSON ledger document opened as a log.
fn json_document(path: &Path) -> Error {
    Error::BadHeader {
        path: path.to_path_buf(),
        reason: format!(
            "this is a JSON ledger document (format {FORMAT_NAME:?}), not a ledger log; read it with Ledger::from_json_reader, and save it as a log with LedgerFile::create_with"
        ),
    }
}

/// Whether `prefix`, the first bytes of a line too long to read whole, opens a JSON ledger
/// document: an object that gives `"format": "sanctions-ledger"` within its first few KiB, or
/// whose first member is `"changes": [` (keys sorted by name, the format at the far end).
/// Whitespace between the tokens is allowed.
fn starts_like_json_document(prefix: &[u8]) -> bool {
    let window = &prefix[..prefix.len().min(4096)];
    let skip_space = |text: &[u8]| -> usize {
        text.iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(text.len())
    };
    // `"key" : <value...>`: the text after the colon, if `text` starts with the key.
    let member = |text: &[u8], key: &[u8]| -> Option<usize> {
        let rest = text.strip_prefix(key)?;
        let colon = skip_space(rest);
        (rest.get(colon) == Some(&b':')).then(|| {
            let after = key.len() + colon + 1;
            after + skip_space(&text[after..])
        })
    };
    let start = skip_space(window);
    if window.get(start) != Some(&b'{') {
        return false;
    }
    let first = start + 1 + skip_space(&window[start + 1..]);
    if member(&window[first..], b"\"changes\"")
        .is_some_and(|value| window.get(first + value) == Some(&b'['))
    {
        return true;
    }
    memchr::memmem::find_iter(window, b"\"format\"").any(|at| {
        member(&window[at..], b"\"format\"").is_some_and(|value| {
            let value = &window[at + value..];
            value.starts_with(format!("\"{FORMAT_NAME}\"").as_bytes())
        })
    })
}

/// Whether a file whose first line is `first` (and whose next lines `reader` reads) is a JSON
/// ledger document, `{"format": "sanctions-ledger", "version": 1, "changes": [...]}`: on one
/// line, or pretty-printed (a first line `{`, the format within the next few lines). Only
/// called when the first line is not a log header.
fn is_json_document(first: &[u8], reader: &mut impl BufRead) -> bool {
    let is_document_format = |value: &serde_json::Value| {
        value.get("format").and_then(serde_json::Value::as_str) == Some(FORMAT_NAME)
    };
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(first) {
        return is_document_format(&value) && value.get("changes").is_some();
    }
    if first.trim_ascii() != b"{" {
        return false;
    }
    // Pretty-printed: the members follow one per line. Look for `"format": "..."` among the
    // first few, each read as the body of a one-member object.
    let mut line = Vec::new();
    for _ in 0..8 {
        match next_line(reader, &mut line) {
            Ok((Line::Complete, _)) => {}
            _ => return false,
        }
        let member = line
            .trim_ascii()
            .strip_suffix(b",")
            .unwrap_or(line.trim_ascii());
        let mut object = b"{".to_vec();
        object.extend_from_slice(member);
        object.push(b'}');
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(&object) {
            if value.get("format").is_some() {
                return is_document_format(&value);
            }
        }
    }
    false
}

/// Reads and parses a whole file (header, changes, batch lines) from its start, passing each
/// change to `sink` in order, without applying them.
fn read_log(path: &Path, file: &File, sink: &mut dyn FnMut(Change)) -> Result<Log> {
    let mut reader = file;
    reader
        .seek(SeekFrom::Start(0))
        .map_err(|e| io_error(path, "read", &e))?;
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let mut buf = Vec::new();
    let read_error = |e: io::Error| io_error(path, "read", &e);
    let bad_line = |line: u64, reason: String| Error::BadLine {
        path: path.to_path_buf(),
        line,
        reason,
    };

    let (n, version) = match read_header(path, &mut reader, &mut buf)? {
        Start::Header(n, version) => (n, version),
        Start::Done(log) => return Ok(log),
    };
    let mut chain = digest::ChainReader::new(version);
    let mut count = 0;
    let mut offset = n;
    let mut lines = 1;
    // The open batch: its offset, line, changes before it, changes still to come.
    let mut batch: Option<(u64, u64, usize, u64)> = None;
    let mut torn = None;
    loop {
        let (line, n) = next_line(&mut reader, &mut buf).map_err(read_error)?;
        match line {
            Line::End => break,
            Line::Torn => {
                torn = Some(offset);
                offset += n;
                break;
            }
            Line::TooLong => {
                return Err(bad_line(
                    lines + 1,
                    format!("line longer than {MAX_LINE_BYTES} bytes"),
                ))
            }
            Line::Complete => {}
        }
        lines += 1;
        match parse_entry(version, &mut buf).map_err(|reason| bad_line(lines, reason))? {
            Entry::Change {
                change,
                json,
                stored,
            } => {
                chain
                    .follow(&buf[..json], stored)
                    .map_err(|(stored, computed)| Error::DigestMismatch {
                        path: path.to_path_buf(),
                        line: lines,
                        stored,
                        computed,
                    })?;
                sink(*change);
                count += 1;
                if let Some((_, _, _, left)) = &mut batch {
                    *left -= 1;
                    if *left == 0 {
                        batch = None;
                    }
                }
            }
            Entry::Batch(size) => {
                if let Some((_, started, before, announced)) = batch {
                    let had = count - before;
                    return Err(bad_line(
                        lines,
                        format!(
                            "a batch line inside the batch that line {started} announced ({had} of {} changes so far)",
                            to_u64(had) + announced
                        ),
                    ));
                }
                batch = Some((offset, lines, count, size));
            }
        }
        offset += n;
    }
    let total = offset;
    let mut cut = None;
    if let Some((start, line, before, _)) = batch {
        // A batch cut short: its changes were never acknowledged, so it is part of the tail.
        cut = Some(before);
        torn = Some(start);
        lines = line - 1;
    }
    let len = torn.unwrap_or(total);
    let mut digests = chain.into_links();
    digests.truncate(cut.unwrap_or(count));
    Ok(Log {
        count,
        cut,
        len,
        lines,
        torn,
        total,
        version,
        digests,
    })
}

/// Changes sent from the parsing thread to the validating one at a time.
const CHUNK: usize = 1024;

/// Reads and validates a file, parsing on a second thread while this one validates, so that a
/// load takes about as long as the slower of the two rather than their sum.
///
/// Returns what the reader found and the ledger of *every* change read, including those of a
/// batch cut short; the caller checks [`Log::cut`]. After a validation error the reader still
/// reads to the end, so that a bad line is reported before a refused change, as when reading
/// alone.
fn load(path: &Path, file: &File) -> (Result<Log>, Result<Ledger>) {
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<Change>>(8);
        let reader = scope.spawn(move || {
            let mut chunk = Vec::with_capacity(CHUNK);
            let log = read_log(path, file, &mut |change| {
                chunk.push(change);
                if chunk.len() == CHUNK {
                    // Fails once the validator has stopped; reading goes on regardless.
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                    let _ = sender.send(full);
                }
            });
            let _ = sender.send(chunk);
            log
        });
        let ledger = Ledger::from_changes(receiver.iter().flatten());
        drop(receiver);
        let log = reader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (log, ledger)
    })
}

/// Finds the line of the change `error` refuses on load: for a conflicting id, the first line
/// with that id whose content differs from the first such line (identical copies before it are
/// no-ops); for any other refusal, the first line with the id. Only called on the error path.
fn line_of(file: &File, version: u32, error: &Error) -> io::Result<Option<u64>> {
    let Some(id) = error.change() else {
        return Ok(None);
    };
    let conflicting = matches!(error, Error::ConflictingChangeId { .. });
    let mut first: Option<(u64, Change)> = None;
    let mut found = None;
    for_each_change(file, version, |line, change| {
        if change.id != id {
            return true;
        }
        match &first {
            None if !conflicting => {
                found = Some(line);
                false
            }
            None => {
                first = Some((line, change.clone()));
                true
            }
            Some((_, earlier)) if earlier != change => {
                found = Some(line);
                false
            }
            Some(_) => true,
        }
    })?;
    Ok(found.or(first.map(|(line, _)| line)))
}

/// Finds the first change whose id is on an earlier line too: `(line, earlier line)`. Only
/// called on the error path.
fn repeated_line(file: &File, version: u32) -> io::Result<Option<(ChangeId, u64, u64)>> {
    let mut seen = HashMap::new();
    let mut repeat = None;
    for_each_change(file, version, |line, change| {
        if let Some(&earlier) = seen.get(&change.id) {
            repeat = Some((change.id, line, earlier));
            return false;
        }
        seen.insert(change.id, line);
        true
    })?;
    Ok(repeat)
}

/// Calls `visit` with every complete, parsable change line of the file and its line number
/// until it returns `false`.
fn for_each_change(
    file: &File,
    version: u32,
    mut visit: impl FnMut(u64, &Change) -> bool,
) -> io::Result<()> {
    let mut reader = file;
    reader.seek(SeekFrom::Start(0))?;
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let mut buf = Vec::new();
    let mut line = 0;
    while let (Line::Complete, _) = next_line(&mut reader, &mut buf)? {
        line += 1;
        if line == 1 {
            continue;
        }
        if let Ok(Entry::Change { change, .. }) = parse_entry(version, &mut buf) {
            if !visit(line, &change) {
                break;
            }
        }
    }
    Ok(())
}

impl LedgerFile {
    /// Options to open a file: whether to create it, whether to recover a torn tail.
    #[must_use]
    pub fn options() -> FileOptions {
        FileOptions::new()
    }

    /// Opens an existing ledger file, locks it and loads every change, validating each.
    ///
    /// A torn tail is an error here; see [`FileOptions::recover`].
    ///
    /// # Errors
    ///
    /// As [`FileOptions::open`].
    pub fn open(path: impl AsRef<Path>) -> Result<LedgerFile> {
        FileOptions::new().open(path)
    }

    /// Creates a new ledger file holding only its header, durably, and locks it.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if the file exists already or cannot be written.
    pub fn create(path: impl AsRef<Path>) -> Result<LedgerFile> {
        LedgerFile::create_with(path, &Ledger::new())
    }

    /// Creates a new ledger file holding every change of `ledger`, durably, and locks it; the
    /// returned `LedgerFile` holds a clone of `ledger`, made once the file is written.
    ///
    /// The changes are written as one batch, so a crash while saving leaves a torn tail that
    /// recovery removes whole, never part of the ledger. If writing fails, the new file is
    /// removed again.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if the file exists already or cannot be written; [`Error::BadLine`] if a
    /// change is longer than [`MAX_LINE_BYTES`] once serialised.
    pub fn create_with(path: impl AsRef<Path>, ledger: &Ledger) -> Result<LedgerFile> {
        let path = path.as_ref();
        let file = File::options()
            .read(true)
            .append(true)
            .create_new(true)
            .open(path)
            .map_err(|e| io_error(path, "create", &e))?;
        lock(path, &file)?;
        let mut this = LedgerFile {
            path: path.to_path_buf(),
            file,
            ledger: Ledger::new(),
            len: 0,
            lines: 0,
            version: FILE_FORMAT_VERSION,
            recovered: None,
            broken: None,
        };
        let written = this
            .write_header()
            .and_then(|()| this.writer().write_changes(ledger.changes(), Digest::EMPTY));
        let digests = match written {
            Ok(digests) => digests,
            Err(error) => {
                drop(this);
                let _ = std::fs::remove_file(path);
                return Err(error);
            }
        };
        this.ledger = ledger.clone();
        this.ledger.chain_mut().extend(0, digests);
        Ok(this)
    }

    fn open_with(path: &Path, options: FileOptions) -> Result<LedgerFile> {
        let file = File::options()
            .read(true)
            .append(true)
            .create(options.create)
            .open(path)
            .map_err(|e| io_error(path, "open", &e))?;
        lock(path, &file)?;
        let (log, loaded) = load(path, &file);
        let mut log = log?;
        let digests = std::mem::take(&mut log.digests);
        let mut this = LedgerFile {
            path: path.to_path_buf(),
            file,
            ledger: Ledger::new(),
            len: log.len,
            lines: log.lines,
            version: log.version,
            recovered: None,
            broken: None,
        };
        if log.total == 0 && !options.create {
            return Err(Error::BadHeader {
                path: path.to_path_buf(),
                reason: "the file is empty".to_owned(),
            });
        }
        this.ledger = match loaded {
            Ok(ledger) if log.cut.is_none() && ledger.len() == log.count => ledger,
            // A refused change, a repeated line, or a batch cut short (whose changes were
            // applied with the rest): read again without overlap, to apply exactly the complete
            // changes and to name the line of a refused one.
            _ => {
                let mut changes = Vec::new();
                let log = read_log(path, &this.file, &mut |change| changes.push(change))?;
                changes.truncate(log.cut.unwrap_or(log.count));
                let count = changes.len();
                let ledger = Ledger::from_changes(changes).map_err(|e| this.refused(e))?;
                if ledger.len() != count {
                    return Err(this.repeated());
                }
                ledger
            }
        };
        this.ledger.chain_mut().extend(0, digests);
        if let Some(offset) = log.torn {
            let bytes = log.total - offset;
            if !options.recover {
                return Err(Error::TornTail {
                    path: path.to_path_buf(),
                    offset,
                    bytes,
                });
            }
            this.file
                .set_len(offset)
                .and_then(|()| this.file.sync_data())
                .map_err(|e| io_error(path, "truncate the torn tail of", &e))?;
            this.recovered = Some(Truncation { offset, bytes });
        }
        if this.len == 0 {
            this.write_header()?;
        }
        Ok(this)
    }

    /// The error for a change refused on load, with its line.
    fn refused(&self, error: Error) -> Error {
        let line = line_of(&self.file, self.version, &error).ok().flatten();
        Error::Refused {
            path: self.path.clone(),
            line: line.unwrap_or(0),
            source: Box::new(error),
        }
    }

    /// The error for a change that repeats an earlier line (identical content, which `apply`
    /// would take as a no-op but a log written by this crate never holds).
    fn repeated(&self) -> Error {
        match repeated_line(&self.file, self.version) {
            Ok(Some((id, line, earlier))) => Error::BadLine {
                path: self.path.clone(),
                line,
                reason: format!("change {id} repeats line {earlier}"),
            },
            Ok(None) => Error::BadLine {
                path: self.path.clone(),
                line: 0,
                reason: "a change is repeated".to_owned(),
            },
            Err(e) => io_error(&self.path, "read", &e),
        }
    }

    /// The path the file was opened with.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The ledger: every change in the file.
    #[must_use]
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// Closes the file, releasing its lock, and keeps the ledger.
    #[must_use]
    pub fn into_ledger(self) -> Ledger {
        self.ledger
    }

    /// What recovery truncated when the file was opened, if anything.
    #[must_use]
    pub fn recovered(&self) -> Option<Truncation> {
        self.recovered
    }

    /// Applies one change and appends it to the file, durably (`fsync`), before returning.
    ///
    /// A change already present with identical content is a no-op and writes nothing.
    ///
    /// # Errors
    ///
    /// The rule the change breaks, as [`Ledger::apply`] reports it; [`Error::Io`] if it cannot
    /// be written. In both cases neither the ledger nor the file holds the change.
    pub fn apply(&mut self, change: Change) -> Result<Applied> {
        self.apply_batch([change])
    }

    /// Applies changes atomically, as [`Ledger::apply_batch`] does, and appends the new ones
    /// to the file as one batch, durably (`fsync`), before returning.
    ///
    /// # Errors
    ///
    /// The first rule broken; [`Error::Io`] if the batch cannot be written; [`Error::BadLine`]
    /// if a change is longer than [`MAX_LINE_BYTES`] once serialised. In every case neither
    /// the ledger nor the file holds any change of the batch.
    pub fn apply_batch(&mut self, changes: impl IntoIterator<Item = Change>) -> Result<Applied> {
        if let Some(error) = &self.broken {
            return Err(error.clone());
        }
        let start = self.ledger.len();
        // A version 1 file stores no digests, so its chain need not be known to append.
        let before = if self.version >= 2 {
            self.ledger.digest()
        } else {
            Digest::EMPTY
        };
        let mut digests = Vec::new();
        // Split borrows: the ledger hands the new changes to the writer, and takes them back
        // if they cannot be written.
        let mut writer = Writer {
            path: &self.path,
            file: &mut self.file,
            len: &mut self.len,
            lines: &mut self.lines,
            version: self.version,
            broken: &mut self.broken,
        };
        let applied = self.ledger.apply_batch_then(changes, |new| {
            digests = writer.write_changes(new, before)?;
            Ok(())
        })?;
        // The links of the new changes, from the bytes written.
        self.ledger.chain_mut().extend(start, digests);
        Ok(applied)
    }

    /// The format version of the file: [`FILE_FORMAT_VERSION`] for a file created by this
    /// version of the crate, 1 for an older file (read, and appended to, without digests).
    #[must_use]
    pub fn version(&self) -> u32 {
        self.version
    }

    fn write_header(&mut self) -> Result<()> {
        let header = header_line(self.version);
        self.writer().write(&header, 1)?;
        sync_parent(&self.path)
    }

    fn writer(&mut self) -> Writer<'_> {
        Writer {
            path: &self.path,
            file: &mut self.file,
            len: &mut self.len,
            lines: &mut self.lines,
            version: self.version,
            broken: &mut self.broken,
        }
    }
}

impl std::fmt::Debug for LedgerFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LedgerFile")
            .field("path", &self.path)
            .field("changes", &self.ledger.len())
            .field("bytes", &self.len)
            .field("recovered", &self.recovered)
            .finish_non_exhaustive()
    }
}

/// The writing half of a [`LedgerFile`], borrowed apart from its ledger.
struct Writer<'a> {
    path: &'a Path,
    file: &'a mut File,
    len: &'a mut u64,
    lines: &'a mut u64,
    /// The file's format version: whether lines carry their digest.
    version: u32,
    broken: &'a mut Option<Error>,
}

/// Why an append failed.
enum WriteError {
    Io(io::Error),
    TooLong {
        at: usize,
        id: ChangeId,
        bytes: usize,
    },
}

impl From<io::Error> for WriteError {
    fn from(error: io::Error) -> Self {
        WriteError::Io(error)
    }
}

impl Writer<'_> {
    /// Appends `changes` (a batch line first if there are two or more) and syncs; on failure
    /// cuts the file back to where it was.
    ///
    /// `before` is the ledger's digest before the first of `changes`; returns the digest after
    /// each, computed from the bytes written (none for a version 1 file, which stores none).
    fn write_changes(&mut self, changes: &[Change], before: Digest) -> Result<Vec<Digest>> {
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        let batch = changes.len() > 1;
        let lines = to_u64(changes.len()) + u64::from(batch);
        let mut digests = Vec::with_capacity(changes.len());
        match self.stream(changes, batch, before, &mut digests) {
            Ok(bytes) => {
                *self.len += bytes;
                *self.lines += lines;
                Ok(digests)
            }
            Err(WriteError::Io(error)) => Err(self.undo(&error)),
            Err(WriteError::TooLong { at, id, bytes }) => {
                // A large batch may have been partly flushed before the long line was met.
                self.undo(&io::Error::other("a change was too long"));
                Err(Error::BadLine {
                    path: self.path.to_path_buf(),
                    line: *self.lines + 1 + u64::from(batch) + to_u64(at),
                    reason: format!(
                        "change {id} is {bytes} bytes long once serialised, more than the limit of {MAX_LINE_BYTES}"
                    ),
                })
            }
        }
    }

    /// Writes the lines through a buffer (one `write` for a small batch) and syncs, pushing the
    /// digest after each change onto `digests`. Returns the bytes written.
    fn stream(
        &mut self,
        changes: &[Change],
        batch: bool,
        before: Digest,
        digests: &mut Vec<Digest>,
    ) -> std::result::Result<u64, WriteError> {
        let mut sink = BufWriter::with_capacity(1 << 20, &mut *self.file);
        let mut line = Vec::new();
        let mut bytes = 0;
        if batch {
            serde_json::to_writer(
                &mut line,
                &BatchLine {
                    batch: to_u64(changes.len()),
                },
            )
            .map_err(io::Error::from)?;
            line.push(b'\n');
            sink.write_all(&line)?;
            bytes += line.len();
        }
        let mut chain = before;
        for (at, change) in changes.iter().enumerate() {
            line.clear();
            serde_json::to_writer(&mut line, change).map_err(io::Error::from)?;
            if self.version >= 2 {
                chain = chain.then(&line);
                digests.push(chain);
                digest::append_digest(&mut line, &chain);
            }
            if line.len() > MAX_LINE_BYTES {
                return Err(WriteError::TooLong {
                    at,
                    id: change.id,
                    bytes: line.len(),
                });
            }
            line.push(b'\n');
            sink.write_all(&line)?;
            bytes += line.len();
        }
        sink.into_inner()
            .map_err(io::IntoInnerError::into_error)?
            .sync_data()?;
        Ok(to_u64(bytes))
    }

    /// Appends complete lines and syncs; on failure cuts the file back to where it was.
    fn write(&mut self, bytes: &[u8], lines: u64) -> Result<()> {
        let result = self
            .file
            .write_all(bytes)
            .and_then(|()| self.file.sync_data());
        match result {
            Ok(()) => {
                *self.len += to_u64(bytes.len());
                *self.lines += lines;
                Ok(())
            }
            Err(error) => Err(self.undo(&error)),
        }
    }

    /// After a failed append, cuts the file back to its last complete length, so that it never
    /// holds a change the ledger does not; returns the error to report. If even that fails,
    /// the file is marked broken and refuses further appends.
    fn undo(&mut self, error: &io::Error) -> Error {
        let restored = self
            .file
            .set_len(*self.len)
            .and_then(|()| self.file.sync_data());
        if let Err(undo) = restored {
            *self.broken = Some(Error::Io {
                path: self.path.to_path_buf(),
                action: "append to",
                kind: undo.kind(),
                message: format!(
                    "an earlier append failed ({error}) and could not be undone ({undo}); reopen the file, with recovery if it reports a torn tail"
                ),
            });
        }
        io_error(self.path, "append to", error)
    }
}

/// Takes the file's exclusive advisory lock without waiting.
fn lock(path: &Path, file: &File) -> Result<()> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(TryLockError::WouldBlock) => Err(Error::Locked {
            path: path.to_path_buf(),
        }),
        Err(TryLockError::Error(e)) => Err(io_error(path, "lock", &e)),
    }
}

/// Syncs the directory holding a newly created file, so that its entry survives a crash.
fn sync_parent(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        let parent = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        File::open(parent)
            .and_then(|dir| dir.sync_all())
            .map_err(|e| io_error(parent, "sync the directory", &e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
