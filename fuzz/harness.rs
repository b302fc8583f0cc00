//! The entry points the fuzz targets drive, one per parser that reads outside input.
//!
//! Included with `#[path]` by each target in `fuzz_targets/` and by the crate's
//! `tests/import_fuzz_replay.rs`, which replays every file of `fuzz/corpus/` and
//! `fuzz/regressions/` through the same functions on stable, so CI runs them.
//!
//! Each function must never panic on any input, except through the assertions below, which
//! state properties every successful parse must have (a re-import adds nothing, a ledger's
//! JSON reads back equal).
#![allow(dead_code)] // each fuzz target uses one function

use std::path::PathBuf;

use sanctions_ledger::chrono::{NaiveDate, TimeDelta};
use sanctions_ledger::import::ofac::{ConsolidatedFiles, ParseOptions, SdnFiles};
use sanctions_ledger::import::{
    apply_snapshot, eu, ofac_enhanced, reconcile, uk, un, ReconcileOptions, Snapshot,
};
use sanctions_ledger::{Ledger, LedgerFile};

/// Separates the files of one input, e.g. `sdn.csv` from `add.csv`.
pub(crate) const SEPARATOR: &[u8] = b"\n--8<--\n";

/// Splits `data` at [`SEPARATOR`] into at most `max` parts.
fn split(data: &[u8], max: usize) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while parts.len() + 1 < max {
        let Some(at) = rest.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) else {
            break;
        };
        parts.push(&rest[..at]);
        rest = &rest[at + SEPARATOR.len()..];
    }
    parts.push(rest);
    parts
}

fn day(days: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 5, 3).unwrap_or_default() + TimeDelta::days(days)
}

fn options(date: NaiveDate) -> ReconcileOptions {
    ReconcileOptions::new(date.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc())
}

/// Applies `snapshot` to `ledger`; when it applies, reconciling it again must find nothing.
fn import_twice(ledger: &mut Ledger, snapshot: &Snapshot) {
    let Ok(_) = apply_snapshot(ledger, snapshot, &options(snapshot.date())) else {
        return;
    };
    let again = reconcile(ledger.current(), snapshot, &options(snapshot.date()))
        .expect("a snapshot just applied reconciles again");
    assert!(
        again.is_empty(),
        "re-importing {} changes {:?}",
        snapshot.file(),
        again.report
    );
}

/// OFAC legacy CSV: `flags, sdn.csv [SEP add.csv [SEP alt.csv [SEP comments.csv [SEP next
/// sdn.csv]]]]`. Flag bits: 1 allows unterminated files, 2 unmatched companion rows, 4 reads
/// the set as the Consolidated list. An empty companion part means no such file. The set is
/// parsed, imported into an empty ledger and re-imported; the next main file, if any, is
/// parsed with the same companions a day later and imported after it.
pub(crate) fn ofac_csv(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let mut parse_options = ParseOptions::new();
    if flags & 1 != 0 {
        parse_options = parse_options.allow_unterminated();
    }
    if flags & 2 != 0 {
        parse_options = parse_options.allow_unmatched_companion_rows();
    }
    let parts = split(rest, 5);
    let part = |i: usize| parts.get(i).copied().filter(|p| !p.is_empty());
    let parse = |main: &[u8], date: NaiveDate| {
        let mut files = SdnFiles::new("sdn.csv", main).with_options(parse_options);
        let mut cons = ConsolidatedFiles::new("cons_prim.csv", main).with_options(parse_options);
        if let Some(add) = part(1) {
            files = files.with_addresses("add.csv", add);
            cons = cons.with_addresses("cons_add.csv", add);
        }
        if let Some(alt) = part(2) {
            files = files.with_aliases("alt.csv", alt);
            cons = cons.with_aliases("cons_alt.csv", alt);
        }
        if let Some(comments) = part(3) {
            files = files.with_comments("sdn_comments.csv", comments);
            cons = cons.with_comments("cons_comments.csv", comments);
        }
        if flags & 4 == 0 {
            files.parse(date)
        } else {
            cons.parse(date)
        }
    };
    let Ok(first) = parse(parts[0], day(0)) else {
        return;
    };
    assert!(!first.is_empty(), "a parsed snapshot has entries");
    for entry in first.entries() {
        assert!(!entry.id.is_empty() && entry.list.is_some());
        assert!(!entry.programs.is_empty() && !entry.measures.is_empty());
    }
    let mut ledger = Ledger::new();
    import_twice(&mut ledger, &first);
    if let Some(next) = part(4) {
        if let Ok(second) = parse(next, day(1)) {
            import_twice(&mut ledger, &second);
        }
    }
}

/// UN consolidated list XML: `file [SEP next file]`, each parsed, imported in order and
/// re-imported.
pub(crate) fn un_xml(data: &[u8]) {
    let mut ledger = Ledger::new();
    for (i, part) in split(data, 2).into_iter().enumerate() {
        let Ok(snapshot) = un::parse(if i == 0 { "a.xml" } else { "b.xml" }, part) else {
            continue;
        };
        assert!(!snapshot.is_empty(), "a parsed snapshot has entries");
        import_twice(&mut ledger, &snapshot);
    }
}

/// Properties every snapshot of a dated publication has: entries, each on a list of the
/// snapshot's authority, with a subject named.
fn check_snapshot(snapshot: &Snapshot) {
    assert!(!snapshot.is_empty(), "a parsed snapshot has entries");
    for entry in snapshot.entries() {
        let list = entry.list.as_ref().expect("an entry is on a list");
        assert_eq!(list.authority(), snapshot.authority());
        assert!(!entry.id.is_empty() && !entry.entity.name.is_empty());
        assert_eq!(snapshot.get_on(&entry.id, list), Some(entry));
    }
}

/// Imports one or two files of a publication, `file [SEP next file]`, in order, each
/// re-imported: `read` turns a file into a snapshot, or refuses it.
fn two_files(data: &[u8], read: impl Fn(&str, &[u8]) -> Option<Snapshot>) {
    let mut ledger = Ledger::new();
    for (i, part) in split(data, 2).into_iter().enumerate() {
        let Some(snapshot) = read(if i == 0 { "a" } else { "b" }, part) else {
            continue;
        };
        check_snapshot(&snapshot);
        import_twice(&mut ledger, &snapshot);
    }
}

/// OFAC ENHANCED XML, plain or zipped: `file [SEP next file]`, each parsed, made a snapshot of
/// its publication (SDN or CONS), imported in order and re-imported.
pub(crate) fn ofac_enhanced_xml(data: &[u8]) {
    two_files(data, |name, bytes| {
        let file = ofac_enhanced::parse(name, bytes).ok()?;
        assert!(!file.entities.is_empty(), "a parsed file has entities");
        file.snapshot().ok()
    });
}

/// EU Financial Sanctions Files XML: `file [SEP next file]`, each parsed, made a snapshot,
/// imported in order and re-imported.
pub(crate) fn eu_xml(data: &[u8]) {
    two_files(data, |name, bytes| {
        let file = eu::parse(name, bytes).ok()?;
        assert!(!file.entities.is_empty(), "a parsed file has entries");
        Some(file.snapshot())
    });
}

/// UK Sanctions List, XML or CSV (told apart by the parser): `file [SEP next file]`, each
/// parsed, made a snapshot, imported in order and re-imported.
pub(crate) fn uk_list(data: &[u8]) {
    two_files(data, |name, bytes| {
        let file = uk::parse(name, bytes).ok()?;
        assert!(
            !file.designations.is_empty(),
            "a parsed file has designations"
        );
        Some(file.snapshot())
    });
}

/// The ledger's JSON form (`serde`): a ledger that loads writes back to JSON that loads to an
/// equal ledger.
pub(crate) fn ledger_json(data: &[u8]) {
    let Ok(ledger) = serde_json::from_slice::<Ledger>(data) else {
        return;
    };
    let text = serde_json::to_vec(&ledger).expect("a ledger serialises");
    let back: Ledger = serde_json::from_slice(&text).expect("a ledger's JSON loads");
    assert!(back == ledger, "JSON round trip changed the ledger");
}

/// A path for the ledger log target's file, one per process, in memory where possible.
fn log_path() -> PathBuf {
    let dir = PathBuf::from("/dev/shm");
    let dir = if dir.is_dir() {
        dir
    } else {
        std::env::temp_dir()
    };
    dir.join(format!(
        "sanctions-ledger-fuzz-{}.jsonl",
        std::process::id()
    ))
}

/// The ledger log (`LedgerFile`, JSON Lines): the input is written to a file and opened; when
/// opening fails, opened again with recovery (which only ever truncates a torn tail). A file
/// that opens holds a ledger that a new file of the same changes opens equal.
pub(crate) fn ledger_jsonl(data: &[u8]) {
    let path = log_path();
    let copy = path.with_extension("copy.jsonl");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let opened = LedgerFile::open(&path)
        .or_else(|_| LedgerFile::options().recover(true).open(&path))
        .map(LedgerFile::into_ledger);
    if let Ok(ledger) = opened {
        let _ = std::fs::remove_file(&copy);
        let written = LedgerFile::create_with(&copy, &ledger).expect("a loaded ledger saves");
        drop(written);
        let reread = LedgerFile::open(&copy).expect("a saved ledger opens");
        assert!(
            reread.ledger() == &ledger,
            "save and open changed the ledger"
        );
        let _ = std::fs::remove_file(&copy);
    }
    let _ = std::fs::remove_file(&path);
}
