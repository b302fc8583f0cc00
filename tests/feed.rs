//! The change feed: every change once, in recorded order, resumed from a cursor across a
//! reopen and past retractions; cursors of other ledgers and of the future refused.

mod common;

use common::{at, change_at, delist, designate, register, retract};
use sanctions_ledger::chrono::Duration;
use sanctions_ledger::{Authority, Change, Cursor, Error, Ledger, LedgerFile};

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

fn temp_path(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sanctions-ledger-feed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{name}.jsonl"));
    let _ = std::fs::remove_file(&path);
    path
}

/// Change `i` of a long history: entity registrations, designations, delistings and a
/// retraction now and then, recorded one minute apart.
fn nth(i: usize) -> Change {
    let recorded = at("2026-01-01T00:00:00Z") + Duration::minutes(i64::try_from(i).unwrap_or(0));
    let who = format!("Entity {}", i / 4);
    let listing = format!("listing {}", i / 4);
    let kind = match i % 4 {
        0 => register(&who),
        1 => designate(&listing, &who, Authority::EU),
        2 => delist(&listing),
        _ => retract(&format!("change {}", i - 1)),
    };
    change_at(
        &format!("change {i}"),
        if i % 4 == 2 {
            "2025-06-01"
        } else {
            "2025-01-01"
        },
        recorded,
        kind,
    )
}

#[test]
fn reading_in_pages_gives_every_change_once_in_recorded_order() -> TestResult {
    let ledger = Ledger::from_changes((0..40).map(nth))?;
    for page in [1, 3, 7, 40, 100] {
        let mut cursor = Cursor::START;
        let mut read: Vec<Change> = Vec::new();
        loop {
            let feed = ledger.changes_since(&cursor)?.limit(page);
            if feed.changes().is_empty() {
                assert_eq!(
                    feed.cursor(),
                    cursor,
                    "an empty page does not move the cursor"
                );
                break;
            }
            read.extend(feed.changes().iter().cloned());
            // The cursor goes through its text form, as a user would store it.
            cursor = feed.cursor().to_string().parse()?;
        }
        assert_eq!(read, ledger.changes(), "page size {page}");
        assert_eq!(cursor, ledger.cursor());
    }
    Ok(())
}

#[test]
fn a_cursor_survives_a_reopen_and_later_retractions() -> TestResult {
    let path = temp_path("reopen");
    let mut file = LedgerFile::create(&path)?;
    file.apply_batch((0..10).map(nth))?;
    let saved = file.ledger().cursor().to_string();
    drop(file);

    let mut file = LedgerFile::open(&path)?;
    file.apply_batch((10..16).map(nth))?; // change 11 retracts change 10, 15 retracts 14
    drop(file);

    let file = LedgerFile::open(&path)?;
    let feed = file.ledger().changes_since(&saved.parse()?)?;
    let ids: Vec<_> = feed.changes().iter().map(|c| c.id).collect();
    let expected: Vec<_> = (10..16).map(|i| nth(i).id).collect();
    assert_eq!(
        ids, expected,
        "the retractions are in the feed, the retracted changes too"
    );
    assert_eq!(feed.cursor(), file.ledger().cursor());
    Ok(())
}

#[test]
fn a_view_gives_the_cursor_of_what_it_sees() -> TestResult {
    let ledger = Ledger::from_changes((0..12).map(nth))?;
    let view = ledger.known_at(nth(5).recorded);
    let feed = ledger.changes_since(&view.cursor())?;
    assert_eq!(feed.changes(), &ledger.changes()[6..]);
    assert_eq!(view.cursor().digest(), view.digest());
    assert_eq!(view.cursor().position(), 6);
    Ok(())
}

#[test]
fn a_cursor_from_another_ledger_or_from_the_future_is_refused() -> TestResult {
    let ledger = Ledger::from_changes((0..12).map(nth))?;
    let longer = Ledger::from_changes((0..20).map(nth))?;
    let ahead = longer.cursor();
    assert_eq!(
        ledger.changes_since(&ahead).map(|f| f.changes().len()),
        Err(Error::CursorAhead {
            position: 20,
            len: 12
        })
    );

    // Same length, other content: the digest at the position differs.
    let mut changes: Vec<Change> = (0..12).map(nth).collect();
    changes[0].source.citation.push_str(" (other)");
    let other = Ledger::from_changes(changes)?;
    let foreign = other.changes_since(&Cursor::START)?.limit(5).cursor();
    assert_eq!(
        ledger.changes_since(&foreign).map(|f| f.changes().len()),
        Err(Error::CursorMismatch { position: 5 })
    );
    // A prefix of this ledger is the same history: its cursors are valid here.
    let prefix = Ledger::from_changes((0..5).map(nth))?;
    assert_eq!(ledger.changes_since(&prefix.cursor())?.changes().len(), 7);
    Ok(())
}

#[test]
fn cursor_text_is_checked() {
    for bad in ["", "12", "x-00", "-1-00", &format!("5-{}", "z".repeat(64))] {
        assert!(
            matches!(
                bad.parse::<Cursor>(),
                Err(Error::Parse { what: "Cursor", .. })
            ),
            "{bad}"
        );
    }
    let start = format!("0-{}", "0".repeat(64));
    assert_eq!(start.parse::<Cursor>().ok(), Some(Cursor::START));
}
