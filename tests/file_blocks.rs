//! `LedgerFile::open` on a file of several read blocks (the reader reads 2 MiB at a time and
//! parses the blocks on several threads): damage far into the file is still named by its line,
//! and a torn tail is still found and recovered.

use std::path::PathBuf;

use chrono::{NaiveDate, TimeZone, Utc};
use sanctions_ledger::{
    Change, ChangeId, ChangeKind, Entity, EntityId, EntityKind, Error, Ledger, LedgerFile, Source,
    MAX_LINE_BYTES,
};

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// Registrations in the file: about 330 bytes a line, so more than 4 MiB in all.
const CHANGES: usize = 14_000;

/// A fresh path in the temp dir, unique to this test process and `name`.
fn temp_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sanctions-ledger-file-blocks-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{name}.jsonl"));
    let _ = std::fs::remove_file(&path);
    path
}

/// Writes a ledger file of [`CHANGES`] registrations at `path`; returns its lines (header
/// first, without newlines) and the ledger.
fn write_big_file(path: &PathBuf) -> TestResult<(Vec<String>, Ledger)> {
    let start = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .ok_or("instant")?;
    let day = NaiveDate::from_ymd_opt(2020, 1, 1).ok_or("date")?;
    let changes = (0..CHANGES).map(|i| {
        Change::new(
            ChangeId::derive(&format!("register {i}")),
            day,
            start + chrono::Duration::seconds(i64::try_from(i).unwrap_or(i64::MAX)),
            Source::new(format!("notice {i}")),
            ChangeKind::RegisterEntity {
                entity: EntityId::derive(&format!("entity {i}")),
                record: Box::new(Entity::new(
                    EntityKind::Organisation,
                    format!("Trading Company {i}"),
                )),
            },
        )
    });
    let ledger = Ledger::from_changes(changes)?;
    drop(LedgerFile::create_with(path, &ledger)?);
    let text = std::fs::read_to_string(path)?;
    assert!(text.len() > 4 << 20, "the file spans several read blocks");
    Ok((text.lines().map(str::to_owned).collect(), ledger))
}

/// Writes `lines` back, each with its newline.
fn write_lines(path: &PathBuf, lines: &[String]) -> TestResult {
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(path, text)?;
    Ok(())
}

#[test]
fn a_file_of_several_blocks_loads_every_change_in_order() -> TestResult {
    let path = temp_path("round-trip");
    let (_, ledger) = write_big_file(&path)?;
    let file = LedgerFile::open(&path)?;
    assert_eq!(file.ledger().changes(), ledger.changes());
    assert_eq!(file.ledger().digest(), ledger.digest());
    Ok(())
}

#[test]
fn damage_in_a_later_block_is_named_by_its_line_and_changes_nothing() -> TestResult {
    let path = temp_path("damaged");
    let (lines, _) = write_big_file(&path)?;

    // Broken JSON on line 12,001 (index 12,000), well past the first block.
    let mut damaged = lines.clone();
    damaged[12_000] = damaged[12_000].replacen('{', "[", 1);
    write_lines(&path, &damaged)?;
    let before = std::fs::read(&path)?;
    let error = LedgerFile::open(&path).expect_err("broken JSON");
    assert!(
        matches!(error, Error::BadLine { line: 12_001, .. }),
        "{error}"
    );
    assert_eq!(
        std::fs::read(&path)?,
        before,
        "a refused open changes nothing"
    );

    // Content edited but the stored digest kept: the chain names the line.
    let mut edited = lines.clone();
    edited[9_000] = edited[9_000].replacen("notice", "Notice", 1);
    write_lines(&path, &edited)?;
    let error = LedgerFile::open(&path).expect_err("edited");
    assert!(
        matches!(error, Error::DigestMismatch { line: 9_001, .. }),
        "{error}"
    );

    // A line longer than the limit, in the middle of a block.
    let mut long = lines.clone();
    long.insert(10_000, "x".repeat(MAX_LINE_BYTES + 10));
    write_lines(&path, &long)?;
    let error = LedgerFile::open(&path).expect_err("too long");
    assert!(
        matches!(&error, Error::BadLine { line: 10_001, reason, .. } if reason.contains("longer")),
        "{error}"
    );

    // Two errors: the first in the file is the one reported.
    let mut twice = edited.clone();
    twice[13_000] = twice[13_000].replacen('{', "[", 1);
    write_lines(&path, &twice)?;
    let error = LedgerFile::open(&path).expect_err("edited");
    assert!(
        matches!(error, Error::DigestMismatch { line: 9_001, .. }),
        "{error}"
    );
    Ok(())
}

#[test]
fn a_torn_tail_after_several_blocks_is_found_and_recovered() -> TestResult {
    let path = temp_path("torn");
    let (lines, ledger) = write_big_file(&path)?;
    let mut text = lines.join("\n");
    text.push('\n');
    let torn = &lines[lines.len() - 1][..40];
    text.push_str(torn);
    std::fs::write(&path, &text)?;
    let error = LedgerFile::open(&path).expect_err("torn");
    assert!(
        matches!(error, Error::TornTail { bytes: 40, .. }),
        "{error}"
    );
    let file = LedgerFile::options().recover(true).open(&path)?;
    assert_eq!(file.ledger().len(), ledger.len());
    assert_eq!(
        file.recovered().map(|cut| cut.bytes),
        Some(40),
        "exactly the torn bytes are cut"
    );
    Ok(())
}
