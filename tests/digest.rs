//! The digest chain: the same digest in memory and on disk, for every instant, recomputable from
//! the file as FORMAT.md says, and a change edited in place detected on open with its line.

mod common;

use std::fmt::Write as _;

use common::{at, change_at, delist, designate, register, retract, seed};
use sanctions_ledger::chrono::{Duration, NaiveDate};
use sanctions_ledger::{Authority, Digest, Error, Ledger, LedgerFile};
use sha2::{Digest as _, Sha256};

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

fn temp_path(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sanctions-ledger-digest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{name}.jsonl"));
    let _ = std::fs::remove_file(&path);
    path
}

/// A ledger whose changes are recorded at four instants, with a retraction.
fn history() -> TestResult<Ledger> {
    Ok(Ledger::from_changes([
        change_at(
            "r1",
            "2024-01-01",
            at("2026-01-01T10:00:00Z"),
            register("Acme"),
        ),
        change_at(
            "d1",
            "2024-01-02",
            at("2026-01-01T10:00:00Z"),
            designate("acme:eu", "Acme", Authority::EU),
        ),
        change_at(
            "x1",
            "2024-06-01",
            at("2026-01-02T23:59:59Z"),
            delist("acme:eu"),
        ),
        change_at(
            "c1",
            "2026-01-03",
            at("2026-01-03T00:00:00Z"),
            retract("x1"),
        ),
        change_at(
            "r2",
            "2024-01-01",
            at("2026-01-04T08:00:00Z"),
            register("Bolt"),
        ),
    ])?)
}

/// The chain of FORMAT.md, recomputed from a ledger file's lines with nothing but SHA-256.
fn recompute(text: &str) -> Vec<String> {
    let mut digest = [0u8; 32];
    let mut out = Vec::new();
    for line in text.lines().skip(1).filter(|l| l.starts_with("{\"id\"")) {
        let json = match line.rfind(",\"digest\":\"") {
            Some(at) => format!("{}}}", &line[..at]),
            None => line.to_owned(),
        };
        let mut hasher = Sha256::new();
        hasher.update(digest);
        hasher.update(json.as_bytes());
        digest = hasher.finalize().into();
        let mut hex = String::new();
        for byte in digest {
            write!(hex, "{byte:02x}").expect("writing to a String");
        }
        out.push(hex);
    }
    out
}

#[test]
fn an_empty_ledger_has_the_empty_digest_and_every_change_moves_it() -> TestResult {
    assert_eq!(Ledger::new().digest(), Digest::EMPTY);
    assert_eq!(Digest::EMPTY.to_string(), "0".repeat(64));
    let ledger = history()?;
    let mut seen = vec![Digest::EMPTY];
    for n in 1..=ledger.len() {
        let prefix = Ledger::from_changes(ledger.changes()[..n].iter().cloned())?;
        seen.push(prefix.digest());
    }
    seen.dedup();
    assert_eq!(seen.len(), ledger.len() + 1, "one digest per prefix");
    assert_eq!(seen.last(), Some(&ledger.digest()));
    Ok(())
}

#[test]
fn the_digest_as_known_at_any_instant_is_that_of_the_changes_recorded_by_then() -> TestResult {
    let ledger = history()?;
    let start = at("2026-01-01T00:00:00Z");
    for minutes in (0..5 * 24 * 60).step_by(30) {
        let instant = start + Duration::minutes(minutes);
        let recorded: Vec<_> = ledger
            .changes()
            .iter()
            .filter(|c| c.recorded <= instant)
            .cloned()
            .collect();
        let alone = Ledger::from_changes(recorded)?;
        assert_eq!(
            ledger.known_at(instant).digest(),
            alone.digest(),
            "at {instant}"
        );
    }
    Ok(())
}

#[test]
fn known_on_sees_the_whole_day_in_utc_and_nothing_after() -> TestResult {
    let ledger = history()?;
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d");
    // x1 is recorded at 23:59:59 on 2026-01-02, its retraction at midnight after.
    let on_second = ledger.known_on(day("2026-01-02")?);
    assert_eq!(
        on_second.digest(),
        ledger.known_at(at("2026-01-02T23:59:59Z")).digest()
    );
    assert_eq!(on_second.changes().count(), 3);
    assert_eq!(ledger.known_on(day("2026-01-03")?).changes().count(), 2); // x1 retracted
    assert_eq!(ledger.known_on(day("2025-12-31")?).digest(), Digest::EMPTY);
    Ok(())
}

#[test]
fn a_file_stores_the_chain_that_memory_computes_and_format_md_describes() -> TestResult {
    let ledger = history()?;
    let path = temp_path("stored");
    let mut file = LedgerFile::create_with(
        &path,
        &Ledger::from_changes(ledger.changes()[..3].iter().cloned())?,
    )?;
    for change in &ledger.changes()[3..] {
        file.apply(change.clone())?;
    }
    assert_eq!(file.version(), 2);
    assert_eq!(file.ledger().digest(), ledger.digest());
    drop(file);

    let text = std::fs::read_to_string(&path)?;
    let stored: Vec<String> = text
        .lines()
        .filter_map(|l| {
            l.rsplit_once(",\"digest\":\"")
                .map(|(_, d)| d.trim_end_matches("\"}").to_owned())
        })
        .collect();
    assert_eq!(stored, recompute(&text));
    assert_eq!(stored.last(), Some(&ledger.digest().to_string()));

    let reopened = LedgerFile::open(&path)?;
    assert_eq!(reopened.ledger().digest(), ledger.digest());
    for n in 0..=ledger.len() {
        let instant = ledger
            .changes()
            .get(n)
            .map_or(at("2030-01-01T00:00:00Z"), |c| c.recorded);
        assert_eq!(
            reopened.ledger().known_at(instant).digest(),
            ledger.known_at(instant).digest()
        );
    }
    Ok(())
}

#[test]
fn a_version_1_file_opens_with_its_digest_computed_and_stays_version_1() -> TestResult {
    let path = temp_path("version-1");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/belavia.jsonl"),
        &path,
    )?;
    let text = std::fs::read_to_string(&path)?;
    let mut file = LedgerFile::open(&path)?;
    assert_eq!(file.version(), 1);
    let expected = recompute(&text);
    assert_eq!(
        file.ledger().digest().to_string(),
        expected[expected.len() - 1]
    );
    let in_memory = Ledger::from_changes(file.ledger().changes().iter().cloned())?;
    assert_eq!(in_memory.digest(), file.ledger().digest());

    // An append to a version 1 file is written in version 1, and the chain follows it.
    let later = file.ledger().latest_recorded().ok_or("no change")? + Duration::hours(1);
    file.apply(change_at(
        "later",
        "2026-01-01",
        later,
        register("Later Trading"),
    ))?;
    let digest = file.ledger().digest();
    drop(file);
    let text = std::fs::read_to_string(&path)?;
    assert!(text.starts_with("{\"format\":\"sanctions-ledger-log\",\"version\":1}\n"));
    assert!(!text.contains("\"digest\""));
    assert_eq!(LedgerFile::open(&path)?.ledger().digest(), digest);
    Ok(())
}

#[test]
fn a_change_edited_in_place_is_named_by_its_line_and_the_file_left_as_it_was() -> TestResult {
    let path = temp_path("tampered");
    drop(LedgerFile::create_with(&path, &seed())?);
    let text = std::fs::read_to_string(&path)?;
    // Line 5 (after the header and the batch line) is the third change; move its date a day.
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let edited = lines[4].replacen("\"effective\":\"20", "\"effective\":\"19", 1);
    assert_ne!(edited, lines[4]);
    lines[4] = edited;
    let tampered = lines.join("\n") + "\n";
    std::fs::write(&path, &tampered)?;
    for recover in [false, true] {
        let error = LedgerFile::options()
            .recover(recover)
            .open(&path)
            .expect_err("tampered");
        assert!(
            matches!(error, Error::DigestMismatch { line: 5, .. }),
            "{error}"
        );
        assert!(error.to_string().contains(":5: "), "{error}");
    }
    assert_eq!(std::fs::read_to_string(&path)?, tampered);
    Ok(())
}

#[test]
fn a_refused_batch_leaves_the_chain_as_if_it_had_never_been_tried() -> TestResult {
    let mut ledger = history()?;
    let before = ledger.digest();
    let later = at("2026-02-01T00:00:00Z");
    let refused = ledger.apply_batch([
        change_at("ok", "2024-01-01", later, register("Cargo")),
        change_at(
            "bad",
            "2024-01-01",
            later + Duration::hours(1),
            delist("no such designation"),
        ),
    ]);
    assert!(refused.is_err());
    assert_eq!(ledger.digest(), before);
    ledger.apply(change_at("other", "2024-01-01", later, register("Delta")))?;
    let fresh = Ledger::from_changes(ledger.changes().iter().cloned())?;
    assert_eq!(ledger.digest(), fresh.digest());
    Ok(())
}

#[test]
fn digests_read_back_from_their_text_and_refuse_anything_else() -> TestResult {
    let digest = history()?.digest();
    assert_eq!(digest.to_string().parse::<Digest>()?, digest);
    assert_eq!(digest.to_string().to_uppercase().parse::<Digest>()?, digest);
    assert_eq!(
        serde_json::from_str::<Digest>(&serde_json::to_string(&digest)?)?,
        digest
    );
    for bad in [
        "",
        "00",
        &"g".repeat(64),
        &"0".repeat(65),
        "é".repeat(32).as_str(),
    ] {
        assert!(
            matches!(
                bad.parse::<Digest>(),
                Err(Error::Parse { what: "Digest", .. })
            ),
            "{bad}"
        );
    }
    Ok(())
}
