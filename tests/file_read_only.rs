//! A ledger file opened read-only (`FileOptions::read_only`) is shared by readers, keeps writers
//! out while it is open, and never writes: appends are refused, a missing file is not created,
//! a torn tail is reported rather than truncated.

use std::path::PathBuf;

use sanctions_ledger::{Error, Ledger, LedgerFile};

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

fn scratch(name: &str) -> TestResult<PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "sanctions-ledger-read-only-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir)?;
    Ok(dir.join("ledger.jsonl"))
}

/// A ledger file holding the Belavia seed.
fn seeded(name: &str) -> TestResult<(PathBuf, Ledger)> {
    let path = scratch(name)?;
    let _ = std::fs::remove_file(&path);
    let seed = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    drop(LedgerFile::create_with(&path, &seed)?);
    Ok((path, seed))
}

#[test]
fn readers_share_the_file_and_keep_a_writer_out() -> TestResult {
    let (path, seed) = seeded("share")?;
    let first = LedgerFile::options().read_only(true).open(&path)?;
    let second = LedgerFile::options().read_only(true).open(&path)?;
    assert_eq!(first.ledger().digest(), seed.digest());
    assert_eq!(second.ledger().digest(), seed.digest());
    assert!(matches!(LedgerFile::open(&path), Err(Error::Locked { .. })));
    drop((first, second));
    // Once the readers are gone a writer opens it, and then a reader waits.
    let writer = LedgerFile::open(&path)?;
    assert!(matches!(
        LedgerFile::options().read_only(true).open(&path),
        Err(Error::Locked { .. })
    ));
    drop(writer);
    Ok(())
}

#[test]
fn a_read_only_handle_refuses_every_change_and_leaves_the_file_as_it_was() -> TestResult {
    let (path, seed) = seeded("refuse")?;
    let before = std::fs::read(&path)?;
    let mut file = LedgerFile::options().read_only(true).open(&path)?;
    // Any change: the handle refuses it before the ledger's rules are asked.
    let mut change = seed.changes()[0].clone();
    change.id = sanctions_ledger::ChangeId::derive("read-only test");
    change.recorded = seed.latest_recorded().ok_or("recorded")? + chrono::Duration::days(1);
    assert!(matches!(
        file.apply(change.clone()),
        Err(Error::ReadOnly { .. })
    ));
    assert!(matches!(
        file.apply_batch([change]),
        Err(Error::ReadOnly { .. })
    ));
    assert_eq!(file.ledger().len(), seed.len());
    drop(file);
    assert_eq!(std::fs::read(&path)?, before);
    Ok(())
}

#[test]
fn a_read_only_open_neither_creates_nor_recovers() -> TestResult {
    let missing = scratch("missing")?;
    let _ = std::fs::remove_file(&missing);
    let opened = LedgerFile::options()
        .read_only(true)
        .create(true)
        .open(&missing);
    assert!(matches!(opened, Err(Error::Io { .. })), "{opened:?}");
    assert!(!missing.exists());

    // A torn tail: half a change line after the seed.
    let (path, _) = seeded("torn")?;
    let mut bytes = std::fs::read(&path)?;
    bytes.extend_from_slice(b"{\"id\":\"00000000-0000-5000-8000");
    std::fs::write(&path, &bytes)?;
    let opened = LedgerFile::options()
        .read_only(true)
        .recover(true)
        .open(&path);
    assert!(matches!(opened, Err(Error::TornTail { .. })), "{opened:?}");
    assert_eq!(std::fs::read(&path)?, bytes);
    Ok(())
}
