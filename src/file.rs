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
///   A handle opened [`read_only`](FileOptions::read_only) takes a shared lock instead: readers
///   read at once, and keep writers out while they do.
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
///         record: Box::new(Entity::new(EntityKind::Organisation, "Belavia")),
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
    /// Opened with [`FileOptions::read_only`]: appends are refused with [`Error::ReadOnly`].
    read_only: bool,
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
    read_only: bool,
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

    /// Whether to open the file for reading only: it is opened without write access and
    /// locked *shared*, so that any number of read-only handles (in this process or others)
    /// can read it at once, while a handle that writes gets [`Error::Locked`] until they are
    /// closed (and a read-only handle gets it while a writer holds the file).
    ///
    /// A read-only handle never writes: [`LedgerFile::apply`] and
    /// [`LedgerFile::apply_batch`] return [`Error::ReadOnly`] and change nothing, a missing or
    /// empty file is an error whatever [`create`](FileOptions::create) says, and a torn tail
    /// is reported as [`Error::TornTail`] whatever [`recover`](FileOptions::recover) says
    /// (recovery truncates the file).
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::{Error, LedgerFile};
    ///
    /// let path = std::env::temp_dir().join(format!("doc-read-only-{}.jsonl", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// drop(LedgerFile::create(&path)?);
    /// let first = LedgerFile::options().read_only(true).open(&path)?;
    /// let second = LedgerFile::options().read_only(true).open(&path)?; // readers share it
    /// assert!(matches!(LedgerFile::open(&path), Err(Error::Locked { .. }))); // a writer waits
    /// assert_eq!(first.ledger().len(), second.ledger().len());
    /// # drop((first, second));
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), sanctions_ledger::Error>(())
    /// ```
    #[must_use]
    pub fn read_only(mut self, read_only: bool) -> Self {
        self.read_only = read_only;
        self
    }

    /// Opens the file, locks it, and loads every change, validating each.
    ///
    /// Time is linear in the file's size (see `benches/load.rs` for throughput): one thread
    /// reads the file and checks the digest chain, others (one per core, up to four) parse its
    /// lines, and this one validates the changes in order; on two or more cores a load takes
    /// about as long as validation alone. Memory is that of the resulting [`Ledger`] plus at
    /// most eight 2 MiB blocks of lines in flight (or the changes parsed from them).
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
// A change is the common case, so it is kept inline rather than boxed: one allocation and one
// copy less per line on the load path.
#[allow(clippy::large_enum_variant)]
enum Entry {
    /// A change.
    Change(Change),
    /// A batch line announcing this many changes.
    Batch(u64),
}

/// Parses a line after the header of a file of `version`; `Err` holds the reason it is bad.
///
/// A version 2 change line ends with its digest member; this rewrites the line in place so
/// that its first bytes are the change's own JSON (see [`digest::split_digest`]).
fn parse_entry(version: u32, bytes: &mut [u8]) -> std::result::Result<Entry, String> {
    let (json, stored) = split_line(version, bytes);
    parse_json(version, &bytes[..json], stored.is_some())
}

/// The length of the change's JSON at the start of a line (the whole line, unless a version 2
/// line ends with a digest member, which this cuts off in place) and the digest the line
/// stores.
fn split_line(version: u32, bytes: &mut [u8]) -> (usize, Option<Digest>) {
    match version {
        1 => (bytes.len(), None),
        _ => match digest::split_digest(bytes) {
            Some((json, stored)) => (json, Some(stored)),
            None => (bytes.len(), None),
        },
    }
}

/// Parses the JSON of a line after the header of a file of `version` (a line without its
/// digest member, which it had if `has_digest`); `Err` holds the reason it is bad.
fn parse_json(version: u32, json: &[u8], has_digest: bool) -> std::result::Result<Entry, String> {
    if json.iter().all(u8::is_ascii_whitespace) {
        return Err("empty line".to_owned());
    }
    let text = std::str::from_utf8(json)
        .map_err(|e| format!("invalid UTF-8 at byte {} of the line", e.valid_up_to()))?;
    match serde_json::from_str::<Change>(text) {
        Ok(_) if version >= 2 && !has_digest => Err(
            "a change without its digest (in a version 2 file every change line ends with a \"digest\" member)"
                .to_owned(),
        ),
        Ok(change) => Ok(Entry::Change(change)),
        Err(error) => match serde_json::from_str::<BatchLine>(text) {
            Ok(_) if has_digest => Err("a batch line with a digest".to_owned()),
            Ok(BatchLine { batch: 0 }) => Err("a batch of 0 changes".to_owned()),
            Ok(BatchLine { batch }) => Ok(Entry::Batch(batch)),
            Err(_) => Err(not_a_change(version, json, has_digest, &error)),
        },
    }
}

/// Why a line that is neither a change nor a batch line is bad: the usual causes of a digest
/// member that is not where the format puts it come first, since serde's own message ("unknown
/// field `digest`") would send the reader looking at the change.
fn not_a_change(version: u32, json: &[u8], has_digest: bool, error: &serde_json::Error) -> String {
    let misplaced_digest =
        version >= 2 && !has_digest && memchr::memmem::find(json, b"\"digest\"").is_some();
    if misplaced_digest && json.ends_with(b"\r") {
        "the line ends with a carriage return (a CR LF line ending, as a Windows editor or git's \
         autocrlf writes): lines end with a line feed alone, so the digest member is not the \
         line's end"
            .to_owned()
    } else if misplaced_digest {
        format!(
            "its \"digest\" member is not the line's last {} bytes \
             (`,\"digest\":\"` 64 lowercase hexadecimal digits `\"}}`, nothing after it): {}",
            digest::DIGEST_MEMBER_LEN + 1,
            json_reason(error)
        )
    } else {
        format!("not a change: {}", json_reason(error))
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

/// Bytes read from the file at a time; the complete lines of one read go to one parser as a
/// [`Segment`]. Larger than [`MAX_LINE_BYTES`], so that a read holding no newline is a line too
/// long.
const BLOCK: usize = 2 << 20;
/// Segments read but not yet validated, at most: bounds what a load holds beyond the ledger
/// (this many blocks of bytes, or of the changes parsed from them).
const IN_FLIGHT: usize = 8;
/// Parsing threads at most, however many cores there are: past a few, validation on the one
/// thread that applies the changes bounds a load.
const MAX_PARSERS: usize = 4;

/// Complete lines read from a file, each with its digest member split off and its link of the
/// digest chain computed: one read's worth, parsed on one thread.
struct Segment {
    /// The segment's place among the segments of the file.
    seq: u64,
    bytes: Vec<u8>,
    lines: Vec<RawLine>,
}

/// A complete line of a [`Segment`].
struct RawLine {
    /// Where the line starts in the segment's bytes.
    start: usize,
    /// Its length without the newline.
    len: usize,
    /// The length of its JSON: the line without its digest member.
    json: usize,
    /// The digest the line stores, and the link of the chain computed from the line's JSON and
    /// the lines before (version 2 lines with a digest member only).
    link: Option<(Digest, Digest)>,
}

/// A [`Segment`] parsed.
struct Parsed {
    seq: u64,
    lines: Vec<ParsedLine>,
}

/// A line of a [`Segment`] parsed.
struct ParsedLine {
    /// The line's bytes, newline included.
    bytes: u64,
    entry: std::result::Result<Entry, String>,
    link: Option<(Digest, Digest)>,
}

/// How the lines after the last complete segment end, as the reading thread found them.
enum Ending {
    /// With the last complete line.
    Clean,
    /// With this many bytes and no newline: a torn tail.
    Torn(u64),
    /// With a line longer than [`MAX_LINE_BYTES`].
    TooLong,
    /// Reading failed.
    Failed(io::Error),
    /// The validating side stopped first (it found an error earlier in the file).
    Stopped,
}

/// Reads the lines after the header of a file of `version`, from the file's current position,
/// into [`Segment`]s for the parsers, one per [`BLOCK`] read. The work that must follow the
/// file's order, and only it, is done here: finding the lines, splitting off each digest member
/// and following the digest chain over the lines' JSON. Takes a token before sending each
/// segment, so that at most [`IN_FLIGHT`] are read ahead of validation.
fn read_segments(
    mut reader: &File,
    version: u32,
    work: &std::sync::mpsc::SyncSender<Segment>,
    tokens: &std::sync::mpsc::Receiver<()>,
) -> Ending {
    let mut carry = Vec::new();
    let mut last = Digest::EMPTY;
    let mut seq = 0;
    loop {
        let mut bytes = Vec::with_capacity(BLOCK);
        bytes.append(&mut carry);
        let want = to_u64(BLOCK - bytes.len());
        if let Err(error) = Read::by_ref(&mut reader).take(want).read_to_end(&mut bytes) {
            return Ending::Failed(error);
        }
        let end_of_file = bytes.len() < BLOCK;
        let complete = memchr::memrchr(b'\n', &bytes).map_or(0, |at| at + 1);
        carry = bytes.split_off(complete);
        let mut lines = Vec::new();
        let mut too_long = false;
        let mut start = 0;
        while let Some(newline) = memchr::memchr(b'\n', &bytes[start..]) {
            if newline > MAX_LINE_BYTES {
                too_long = true;
                bytes.truncate(start);
                break;
            }
            let text = &mut bytes[start..start + newline];
            let (json, stored) = split_line(version, text);
            let link = stored.map(|stored| {
                last = last.then(&text[..json]);
                (stored, last)
            });
            lines.push(RawLine {
                start,
                len: newline,
                json,
                link,
            });
            start += newline + 1;
        }
        if !lines.is_empty() {
            let segment = Segment { seq, bytes, lines };
            if tokens.recv().is_err() || work.send(segment).is_err() {
                return Ending::Stopped;
            }
            seq += 1;
        }
        if too_long || (complete == 0 && !end_of_file) {
            return Ending::TooLong;
        }
        if end_of_file {
            return match carry.len() {
                0 => Ending::Clean,
                n if n > MAX_LINE_BYTES => Ending::TooLong,
                n => Ending::Torn(to_u64(n)),
            };
        }
    }
}

/// Parses segments from `work` until it is closed, and sends them to `parsed`.
fn parse_segments(
    version: u32,
    work: &std::sync::Mutex<std::sync::mpsc::Receiver<Segment>>,
    parsed: &std::sync::mpsc::Sender<Parsed>,
) {
    loop {
        let next = work
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .recv();
        let Ok(segment) = next else {
            return;
        };
        let lines = segment
            .lines
            .iter()
            .map(|line| {
                let json = &segment.bytes[line.start..line.start + line.json];
                ParsedLine {
                    bytes: to_u64(line.len) + 1,
                    entry: parse_json(version, json, line.link.is_some()),
                    link: line.link,
                }
            })
            .collect();
        drop(segment.bytes);
        let parsed_segment = Parsed {
            seq: segment.seq,
            lines,
        };
        if parsed.send(parsed_segment).is_err() {
            return;
        }
    }
}

/// The changes of a file in order, as an iterator: puts the parsed segments back in the file's
/// order, checks each change's digest link and the batch lines, and keeps what [`Log`] reports.
/// Iteration stops at the first bad line, which [`Entries::finish`] then reports.
struct Entries<'a> {
    path: &'a Path,
    version: u32,
    /// `None` when the file has no lines after its header to read.
    parsed: Option<std::sync::mpsc::Receiver<Parsed>>,
    tokens: Option<std::sync::mpsc::SyncSender<()>>,
    /// Segments parsed ahead of their turn.
    waiting: std::collections::BTreeMap<u64, Vec<ParsedLine>>,
    next_seq: u64,
    current: std::vec::IntoIter<ParsedLine>,
    count: usize,
    /// Offset and number of the last line read.
    offset: u64,
    lines: u64,
    /// The open batch: its offset, line, changes before it, changes still to come.
    batch: Option<(u64, u64, usize, u64)>,
    digests: Vec<Digest>,
    error: Option<Error>,
}

impl<'a> Entries<'a> {
    fn new(path: &'a Path, version: u32, header: u64) -> Self {
        Entries {
            path,
            version,
            parsed: None,
            tokens: None,
            waiting: std::collections::BTreeMap::new(),
            next_seq: 0,
            current: Vec::new().into_iter(),
            count: 0,
            offset: header,
            lines: 1,
            batch: None,
            digests: Vec::new(),
            error: None,
        }
    }

    fn bad_line(&self, reason: String) -> Error {
        Error::BadLine {
            path: self.path.to_path_buf(),
            line: self.lines,
            reason,
        }
    }

    /// Moves to the next segment in the file's order; `false` once there is none.
    fn next_segment(&mut self) -> bool {
        let lines = match self.waiting.remove(&self.next_seq) {
            Some(lines) => lines,
            None => loop {
                let Some(Ok(parsed)) = self.parsed.as_ref().map(std::sync::mpsc::Receiver::recv)
                else {
                    return false;
                };
                if parsed.seq == self.next_seq {
                    break parsed.lines;
                }
                self.waiting.insert(parsed.seq, parsed.lines);
            },
        };
        self.next_seq += 1;
        if let Some(tokens) = &self.tokens {
            // Fails only once the reader has stopped, when no token is needed.
            let _ = tokens.try_send(());
        }
        self.current = lines.into_iter();
        true
    }

    /// Reads what is left (a bad line after a refused change is reported as such, as when
    /// reading alone), then reports how the file ends.
    fn finish(mut self, ending: impl FnOnce() -> Ending) -> Result<Log> {
        while self.next().is_some() {}
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        let mut torn = None;
        let total = match ending() {
            Ending::Clean => self.offset,
            Ending::Torn(bytes) => {
                torn = Some(self.offset);
                self.offset + bytes
            }
            Ending::TooLong => {
                self.lines += 1;
                return Err(self.bad_line(format!("line longer than {MAX_LINE_BYTES} bytes")));
            }
            Ending::Failed(error) => return Err(io_error(self.path, "read", &error)),
            Ending::Stopped => {
                return Err(io_error(
                    self.path,
                    "read",
                    &io::Error::other("reading stopped before the end of the file"),
                ))
            }
        };
        let mut lines = self.lines;
        let mut cut = None;
        if let Some((start, line, before, _)) = self.batch {
            // A batch cut short: its changes were never acknowledged, so it is part of the tail.
            cut = Some(before);
            torn = Some(start);
            lines = line - 1;
        }
        let mut digests = self.digests;
        digests.truncate(cut.unwrap_or(self.count));
        Ok(Log {
            count: self.count,
            cut,
            len: torn.unwrap_or(total),
            lines,
            torn,
            total,
            version: self.version,
            digests,
        })
    }
}

impl Iterator for Entries<'_> {
    type Item = Change;

    fn next(&mut self) -> Option<Change> {
        loop {
            if self.error.is_some() {
                return None;
            }
            let Some(line) = self.current.next() else {
                if self.next_segment() {
                    continue;
                }
                return None;
            };
            self.lines += 1;
            let offset = self.offset;
            self.offset += line.bytes;
            match line.entry {
                Err(reason) => self.error = Some(self.bad_line(reason)),
                Ok(Entry::Change(change)) => {
                    if let Some((stored, computed)) = line.link {
                        if stored != computed {
                            self.error = Some(Error::DigestMismatch {
                                path: self.path.to_path_buf(),
                                line: self.lines,
                                stored,
                                computed,
                            });
                            return None;
                        }
                        self.digests.push(computed);
                    }
                    self.count += 1;
                    if let Some((_, _, _, left)) = &mut self.batch {
                        *left -= 1;
                        if *left == 0 {
                            self.batch = None;
                        }
                    }
                    return Some(change);
                }
                Ok(Entry::Batch(size)) => {
                    if let Some((_, started, before, announced)) = self.batch {
                        let had = self.count - before;
                        self.error = Some(self.bad_line(format!(
                            "a batch line inside the batch that line {started} announced ({had} of {} changes so far)",
                            to_u64(had) + announced
                        )));
                    } else {
                        self.batch = Some((offset, self.lines, self.count, size));
                    }
                }
            }
        }
    }
}

/// Reads and parses a whole file (header, changes, batch lines) from its start, handing its
/// changes, in order, to `consume` while they are read, and returns what was found with what
/// `consume` returned.
///
/// One thread reads the file and follows the digest chain, up to [`MAX_PARSERS`] threads
/// parse lines (a segment of lines each at a time), and this thread puts the changes back in
/// order for `consume`: so a load takes about as long as the slowest of reading, parsing (on
/// every core) and what `consume` does (validation), rather than their sum. `consume` may stop
/// early; the rest of the file is then still read and checked.
fn read_log_then<T>(
    path: &Path,
    file: &File,
    consume: impl FnOnce(&mut Entries<'_>) -> T,
) -> (Result<Log>, T) {
    let header = read_log_header(path, file);
    let (header, version) = match header {
        Ok(Start::Header(n, version)) => (n, version),
        Ok(Start::Done(log)) => {
            let consumed = consume(&mut Entries::new(path, log.version, 0));
            return (Ok(log), consumed);
        }
        Err(error) => {
            let consumed = consume(&mut Entries::new(path, FILE_FORMAT_VERSION, 0));
            return (Err(error), consumed);
        }
    };
    let mut reader = file;
    if let Err(error) = reader.seek(SeekFrom::Start(header)) {
        let consumed = consume(&mut Entries::new(path, version, header));
        return (Err(io_error(path, "read", &error)), consumed);
    }
    let parsers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, MAX_PARSERS);
    std::thread::scope(|scope| {
        let (work_sender, work) = std::sync::mpsc::sync_channel::<Segment>(IN_FLIGHT);
        let (token_sender, tokens) = std::sync::mpsc::sync_channel::<()>(IN_FLIGHT);
        for _ in 0..IN_FLIGHT {
            let _ = token_sender.try_send(());
        }
        let (parsed_sender, parsed) = std::sync::mpsc::channel::<Parsed>();
        let reader = scope.spawn(move || read_segments(file, version, &work_sender, &tokens));
        let work = std::sync::Arc::new(std::sync::Mutex::new(work));
        for _ in 0..parsers {
            let work = std::sync::Arc::clone(&work);
            let parsed_sender = parsed_sender.clone();
            scope.spawn(move || parse_segments(version, &work, &parsed_sender));
        }
        drop((work, parsed_sender));
        let mut entries = Entries::new(path, version, header);
        entries.parsed = Some(parsed);
        entries.tokens = Some(token_sender);
        let consumed = consume(&mut entries);
        let log = entries.finish(|| {
            reader
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (log, consumed)
    })
}

/// Reads the header of `file` from its start.
fn read_log_header(path: &Path, file: &File) -> Result<Start> {
    let mut reader = file;
    reader
        .seek(SeekFrom::Start(0))
        .map_err(|e| io_error(path, "read", &e))?;
    let mut reader = BufReader::with_capacity(64 << 10, reader);
    read_header(path, &mut reader, &mut Vec::new())
}

/// Reads and parses a whole file, and returns its changes without applying them.
fn read_log(path: &Path, file: &File) -> Result<(Log, Vec<Change>)> {
    let (log, changes) = read_log_then(path, file, |entries| entries.collect());
    Ok((log?, changes))
}

/// Reads and validates a file (see [`read_log_then`]).
///
/// Returns what the reader found and the ledger of *every* change read, including those of a
/// batch cut short; the caller checks [`Log::cut`]. After a validation error the reader still
/// reads to the end, so that a bad line is reported before a refused change, as when reading
/// alone.
fn load(path: &Path, file: &File) -> (Result<Log>, Result<Ledger>) {
    read_log_then(path, file, |entries| Ledger::from_changes(entries))
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
        if let Ok(Entry::Change(change)) = parse_entry(version, &mut buf) {
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
        lock(path, &file, false)?;
        let mut this = LedgerFile {
            path: path.to_path_buf(),
            file,
            ledger: Ledger::new(),
            len: 0,
            lines: 0,
            version: FILE_FORMAT_VERSION,
            recovered: None,
            broken: None,
            read_only: false,
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
        // A read-only handle neither creates nor recovers: both write.
        let options = if options.read_only {
            options.create(false).recover(false)
        } else {
            options
        };
        let file = File::options()
            .read(true)
            .append(!options.read_only)
            .create(options.create)
            .open(path)
            .map_err(|e| io_error(path, "open", &e))?;
        lock(path, &file, options.read_only)?;
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
            read_only: options.read_only,
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
                let (log, mut changes) = read_log(path, &this.file)?;
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
        if this.len == 0 && !options.read_only {
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
        if self.read_only {
            return Err(Error::ReadOnly {
                path: self.path.clone(),
            });
        }
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
            .field("read_only", &self.read_only)
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

/// Takes the file's advisory lock without waiting: shared for a read-only handle, exclusive
/// otherwise.
fn lock(path: &Path, file: &File, shared: bool) -> Result<()> {
    let locked = if shared {
        file.try_lock_shared()
    } else {
        file.try_lock()
    };
    match locked {
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
