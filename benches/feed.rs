//! The change feed: `Ledger::changes_since` a cursor, 10,000 changes at a time, on a ledger of
//! 1,000,000 changes.
//!
//! ```text
//! cargo bench --bench feed              # 1,000,000 changes
//! cargo bench --bench feed -- 100000    # fewer
//! ```
//!
//! Each step takes a cursor (as text, as a client would send it), checks it against the ledger,
//! reads the next 10,000 changes and makes the next cursor; a second figure adds what the
//! `changes --json` command does with them (serialise to JSON).

use std::time::Instant;

use sanctions_ledger::{Cursor, Ledger};

#[path = "three/mod.rs"]
mod three;

use three::{build, BenchResult};

const PAGE: usize = 10_000;

fn main() -> BenchResult {
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with('-'));
    let changes: usize = args.next().map_or(Ok(1_000_000), |a| a.parse())?;
    let ledger: Ledger = build(changes)?;
    let started = Instant::now();
    let digest = ledger.digest();
    println!(
        "{} changes; digest chain computed in {:.2?} ({digest})",
        ledger.len(),
        started.elapsed()
    );

    // Walk the whole feed page by page, the cursor through its text form.
    let started = Instant::now();
    let mut cursor = Cursor::START.to_string();
    let mut pages = 0u32;
    let mut seen = 0;
    loop {
        let feed = ledger.changes_since(&cursor.parse()?)?.limit(PAGE);
        if feed.changes().is_empty() {
            break;
        }
        seen += feed
            .changes()
            .iter()
            .filter(|c| c.effective.to_string().len() == 10)
            .count();
        cursor = feed.cursor().to_string();
        pages += 1;
    }
    let walk = started.elapsed();
    assert_eq!(seen, ledger.len());

    let started = Instant::now();
    let mut bytes = 0;
    let mut cursor = Cursor::START;
    for _ in 0..pages.min(20) {
        let feed = ledger.changes_since(&cursor)?.limit(PAGE);
        bytes += serde_json::to_vec(feed.changes())?.len();
        cursor = feed.cursor();
    }
    let with_json = started.elapsed() / pages.min(20);

    println!(
        "changes_since + read {PAGE} changes + next cursor: {:.2?} per {PAGE} changes ({pages} pages)",
        walk / pages.max(1)
    );
    println!(
        "the same with the changes serialised to JSON (what `changes --json` adds): {with_json:.2?} per {PAGE} changes, {:.1} MB",
        f64::from(u32::try_from(bytes / usize::try_from(pages.min(20))?)?) / 1e6
    );
    Ok(())
}
