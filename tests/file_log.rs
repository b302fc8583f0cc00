//! `LedgerFile`: round trips, durability of refused changes, locking, and crash recovery at
//! every byte of a torn tail.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sanctions_ledger::{
    Authority, Change, ChangeId, ChangeKind, Designation, DesignationId, DesignationTerms, Entity,
    EntityId, EntityKind, Error, Ledger, LedgerFile, Measure, Source, Truncation,
};

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// A fresh path in the temp dir, unique to this test process and `name`.
fn temp_path(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("sanctions-ledger-file-log-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{name}.jsonl"));
    let _ = std::fs::remove_file(&path);
    path
}

fn day(n: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 1).expect("valid date") + chrono::Days::new(n.unsigned_abs())
}

fn at(n: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("valid instant")
        + chrono::Duration::seconds(n)
}

fn change(name: &str, effective: NaiveDate, recorded: i64, kind: ChangeKind) -> Change {
    Change::new(
        ChangeId::derive(name),
        effective,
        at(recorded),
        Source::new(name),
        kind,
    )
}

fn register(i: i64) -> Change {
    register_at(i, i)
}

fn register_at(i: i64, recorded: i64) -> Change {
    change(
        &format!("register {i}"),
        day(i),
        recorded,
        ChangeKind::RegisterEntity {
            entity: EntityId::derive(&format!("entity {i}")),
            record: Box::new(Entity::new(
                EntityKind::Organisation,
                format!("Entity number {i}"),
            )),
        },
    )
}

fn designate(i: i64, recorded: i64) -> Change {
    change(
        &format!("designate {i}"),
        day(i),
        recorded,
        ChangeKind::Designate {
            designation: DesignationId::derive(&format!("designation {i}")),
            record: Box::new(Designation::new(
                EntityId::derive(&format!("entity {i}")),
                Authority::EU,
                DesignationTerms::new(Measure::AssetFreeze),
            )),
        },
    )
}

fn delist(i: i64, recorded: i64) -> Change {
    change(
        &format!("delist {i}"),
        day(i + 30),
        recorded,
        ChangeKind::Delist {
            designation: DesignationId::derive(&format!("designation {i}")),
        },
    )
}

#[test]
fn changes_applied_through_the_file_are_there_when_reopened() -> TestResult {
    let path = temp_path("round-trip");
    let mut reference = Ledger::new();
    let mut file = LedgerFile::create(&path)?;
    for i in 0..5 {
        file.apply(register(i))?;
        reference.apply(register(i))?;
    }
    let batch = vec![designate(1, 10), designate(2, 10), delist(1, 11)];
    let applied = file.apply_batch(batch.clone())?;
    assert_eq!(applied.appended, 3);
    reference.apply_batch(batch.clone())?;
    // Re-applying is a no-op and writes nothing.
    let before = std::fs::metadata(&path)?.len();
    assert_eq!(file.apply_batch(batch)?.already_present, 3);
    assert_eq!(std::fs::metadata(&path)?.len(), before);
    drop(file);

    let reopened = LedgerFile::open(&path)?;
    assert_eq!(reopened.ledger(), &reference);
    assert_eq!(reopened.ledger().len(), 8);
    assert_eq!(reopened.recovered(), None);
    Ok(())
}

#[test]
fn a_whole_ledger_saved_with_create_with_loads_back_equal() -> TestResult {
    let path = temp_path("create-with");
    let mut ledger = Ledger::new();
    for i in 0..20 {
        ledger.apply_batch([register(i), designate(i, i)])?;
    }
    let saved = LedgerFile::create_with(&path, &ledger)?;
    assert_eq!(saved.ledger(), &ledger);
    drop(saved);
    let text = std::fs::read_to_string(&path)?;
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(r#"{"format":"sanctions-ledger-log","version":2}"#)
    );
    assert_eq!(lines.next(), Some(r#"{"batch":40}"#));
    assert_eq!(lines.count(), 40);
    assert_eq!(LedgerFile::open(&path)?.into_ledger(), ledger);
    Ok(())
}

#[test]
fn a_refused_change_reaches_neither_the_ledger_nor_the_file() -> TestResult {
    let path = temp_path("refused");
    let mut file = LedgerFile::create(&path)?;
    file.apply(register(1))?;
    let len = std::fs::metadata(&path)?.len();
    // A delisting of a designation that does not exist, inside a batch with a good change.
    let error = file
        .apply_batch([register(2), delist(7, 2)])
        .expect_err("unknown designation");
    assert!(matches!(error, Error::UnknownTarget { .. }), "{error}");
    assert_eq!(file.ledger().len(), 1);
    assert_eq!(std::fs::metadata(&path)?.len(), len);
    // The file still appends after a refusal.
    file.apply(register(2))?;
    drop(file);
    assert_eq!(LedgerFile::open(&path)?.ledger().len(), 2);
    Ok(())
}

#[test]
fn create_refuses_an_existing_file() -> TestResult {
    let path = temp_path("exists");
    drop(LedgerFile::create(&path)?);
    let error = LedgerFile::create(&path).expect_err("exists");
    assert!(
        matches!(
            error,
            Error::Io {
                kind: std::io::ErrorKind::AlreadyExists,
                ..
            }
        ),
        "{error}"
    );
    Ok(())
}

#[test]
fn options_create_makes_a_missing_file_and_opens_an_existing_one() -> TestResult {
    let path = temp_path("options-create");
    let error = LedgerFile::open(&path).expect_err("missing");
    assert!(
        matches!(
            error,
            Error::Io {
                kind: std::io::ErrorKind::NotFound,
                ..
            }
        ),
        "{error}"
    );
    let mut file = LedgerFile::options().create(true).open(&path)?;
    file.apply(register(1))?;
    drop(file);
    let file = LedgerFile::options().create(true).open(&path)?;
    assert_eq!(file.ledger().len(), 1);
    Ok(())
}

#[test]
fn a_second_handle_is_locked_out_until_the_first_is_dropped() -> TestResult {
    let path = temp_path("locked");
    let first = LedgerFile::create(&path)?;
    let error = LedgerFile::open(&path).expect_err("locked");
    assert_eq!(error, Error::Locked { path: path.clone() });
    assert!(error.to_string().contains("locked"), "{error}");
    drop(first);
    let second = LedgerFile::open(&path)?;
    assert!(second.ledger().is_empty());
    Ok(())
}

/// Applies changes one by one then a last change (or batch), and returns the file's bytes and
/// the offset where the last append started.
fn write_then_last(path: &PathBuf, last: Vec<Change>) -> TestResult<(Vec<u8>, u64, Ledger)> {
    let mut file = LedgerFile::create(path)?;
    for i in 0..4 {
        file.apply(register(i))?;
    }
    file.apply(designate(0, 4))?;
    let before = file.ledger().clone();
    let start = std::fs::metadata(path)?.len();
    file.apply_batch(last)?;
    drop(file);
    Ok((std::fs::read(path)?, start, before))
}

/// For every length from `start` to the full file minus one byte, a file cut there reports a
/// torn tail of exactly the cut bytes, and recovery keeps exactly `before`. Returns the number of
/// cuts checked.
fn check_every_cut(name: &str, bytes: &[u8], start: u64, before: &Ledger) -> TestResult<u64> {
    let path = temp_path(name);
    let full = u64::try_from(bytes.len()).expect("small file");
    let mut checked = 0;
    for cut in start..full {
        let kept = &bytes[..usize::try_from(cut).expect("small file")];
        std::fs::write(&path, kept)?;
        if cut == start {
            assert_eq!(LedgerFile::open(&path)?.ledger(), before);
            continue;
        }
        let error = LedgerFile::open(&path).expect_err("torn");
        assert_eq!(
            error,
            Error::TornTail {
                path: path.clone(),
                offset: start,
                bytes: cut - start
            },
            "cut at {cut}"
        );
        // The strict open changed nothing.
        assert_eq!(std::fs::read(&path)?, kept);

        let recovered = LedgerFile::options().recover(true).open(&path)?;
        assert_eq!(recovered.ledger(), before, "cut at {cut}");
        let truncation = recovered.recovered().expect("a truncation");
        assert_eq!(
            (truncation.offset, truncation.bytes),
            (start, cut - start),
            "cut at {cut}"
        );
        drop(recovered);
        assert_eq!(
            std::fs::read(&path)?,
            &bytes[..usize::try_from(start).expect("small file")]
        );
        assert_eq!(LedgerFile::open(&path)?.ledger(), before);
        checked += 1;
    }
    Ok(checked)
}

#[test]
fn every_cut_of_a_last_change_is_a_torn_tail_that_recovery_removes_exactly() -> TestResult {
    let path = temp_path("torn-single");
    let (bytes, start, before) = write_then_last(&path, vec![designate(1, 5)])?;
    let checked = check_every_cut("torn-single-cut", &bytes, start, &before)?;
    println!("single change: checked {checked} cuts of its line");
    let last_line = u64::try_from(bytes.len()).expect("small") - start;
    assert_eq!(checked, last_line - 1);
    assert!(
        checked > 100,
        "a change line is a few hundred bytes: {checked}"
    );
    Ok(())
}

#[test]
fn every_cut_of_a_last_batch_is_a_torn_tail_so_no_batch_is_half_applied() -> TestResult {
    let path = temp_path("torn-batch");
    // Designation before the registration of its entity, at one recorded instant: valid as a
    // batch, but its first line alone would be refused. A torn batch must go whole.
    let batch = vec![designate(9, 5), register_at(9, 5), delist(0, 5)];
    let (bytes, start, before) = write_then_last(&path, batch)?;
    let checked = check_every_cut("torn-batch-cut", &bytes, start, &before)?;
    println!("batch of three: checked {checked} cuts of its lines");
    assert_eq!(
        checked,
        u64::try_from(bytes.len()).expect("small") - start - 1
    );

    // The full file has everything.
    std::fs::write(&path, &bytes)?;
    assert_eq!(LedgerFile::open(&path)?.ledger().len(), before.len() + 3);
    Ok(())
}

#[test]
fn a_recovered_file_appends_where_the_torn_tail_was() -> TestResult {
    let path = temp_path("recover-append");
    let (bytes, start, before) = write_then_last(&path, vec![designate(1, 5)])?;
    std::fs::write(&path, &bytes[..bytes.len() - 10])?;
    let mut file = LedgerFile::options().recover(true).open(&path)?;
    let full = u64::try_from(bytes.len()).expect("small");
    let truncation = file.recovered().expect("a truncation");
    assert_eq!(
        (truncation.offset, truncation.bytes),
        (start, full - 10 - start)
    );
    file.apply(designate(1, 5))?;
    drop(file);
    assert_eq!(std::fs::read(&path)?, bytes);
    let reopened = LedgerFile::open(&path)?;
    assert_eq!(reopened.ledger().len(), before.len() + 1);
    assert_eq!(reopened.recovered(), None::<Truncation>);
    Ok(())
}

#[test]
fn damage_before_the_tail_is_an_error_naming_the_line_even_when_recovering() -> TestResult {
    let path = temp_path("damaged-middle");
    let (bytes, _, _) = write_then_last(&path, vec![designate(1, 5)])?;
    let text = String::from_utf8(bytes).expect("UTF-8");
    // Line 3 (the second registration): break its JSON.
    let damaged: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, line)| {
            if i == 2 {
                line.replacen('{', "[", 1)
            } else {
                line.to_owned()
            }
        })
        .collect();
    let damaged = damaged.join("\n") + "\n";
    std::fs::write(&path, &damaged)?;
    for recover in [false, true] {
        let error = LedgerFile::options()
            .recover(recover)
            .open(&path)
            .expect_err("damaged");
        assert!(matches!(error, Error::BadLine { line: 3, .. }), "{error}");
        assert!(error.to_string().contains(":3: "), "{error}");
    }
    assert_eq!(std::fs::read_to_string(&path)?, damaged);
    Ok(())
}

/// In a version 2 file a repeated line breaks the digest chain, and is named by it; in a
/// version 1 file, without digests, it is named as a repeat (`tests/bad_inputs/repeated-line.jsonl`).
#[test]
fn a_repeated_line_is_named_not_skipped() -> TestResult {
    let path = temp_path("repeated");
    let (bytes, _, _) = write_then_last(&path, vec![designate(1, 5)])?;
    let text = String::from_utf8(bytes).expect("UTF-8");
    let second = text.lines().nth(1).expect("a change line");
    std::fs::write(&path, format!("{text}{second}\n"))?;
    let error = LedgerFile::open(&path).expect_err("repeated");
    assert!(
        matches!(&error, Error::DigestMismatch { line: 8, .. }),
        "{error}"
    );
    Ok(())
}

#[test]
fn a_change_too_long_for_a_line_is_refused_and_nothing_is_kept() -> TestResult {
    let path = temp_path("too-long");
    let mut file = LedgerFile::create(&path)?;
    file.apply(register(1))?;
    let len = std::fs::metadata(&path)?.len();
    let mut huge = register(2);
    if let ChangeKind::RegisterEntity { record, .. } = &mut huge.kind {
        record.name = "x".repeat(sanctions_ledger::MAX_LINE_BYTES);
    }
    let error = file
        .apply_batch([designate(1, 1), huge])
        .expect_err("too long");
    assert!(
        matches!(&error, Error::BadLine { line: 5, reason, .. } if reason.contains("limit")),
        "{error}"
    );
    assert_eq!(file.ledger().len(), 1);
    assert_eq!(std::fs::metadata(&path)?.len(), len);
    file.apply(designate(1, 1))?;
    drop(file);
    assert_eq!(LedgerFile::open(&path)?.ledger().len(), 2);
    Ok(())
}
