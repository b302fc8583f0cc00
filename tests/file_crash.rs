//! A child process appending to a ledger file is killed (SIGKILL on Unix) again and again; each
//! time, reopening with recovery keeps every change whose `apply` had returned, and the file
//! holds exactly a prefix of the child's appends, whole batches only.
//!
//! The child is this test binary run again with [`CHILD`] set in its environment.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use chrono::{NaiveDate, TimeZone, Utc};
use sanctions_ledger::{
    Authority, Change, ChangeId, ChangeKind, Designation, DesignationId, DesignationTerms, Entity,
    EntityId, EntityKind, Ledger, LedgerFile, Measure, Source,
};

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// The environment variable that makes this test binary the appending child; its value is the
/// ledger file's path.
const CHILD: &str = "SANCTIONS_LEDGER_CRASH_CHILD";
const TEST: &str = "a_killed_appender_never_loses_an_acknowledged_change";

/// Step `j` of the child's appends: a single registration for even `j`, a batch of a
/// designation and its delisting for odd `j`. Every step is recorded one second after the last.
fn step(j: u64) -> TestResult<Vec<Change>> {
    let i = j / 2;
    let recorded = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .ok_or("instant")?
        + chrono::Duration::seconds(i64::try_from(j)?);
    let effective = NaiveDate::from_ymd_opt(2024, 1, 1).ok_or("date")? + chrono::Days::new(i % 300);
    let entity = EntityId::derive(&format!("crash entity {i}"));
    let designation = DesignationId::derive(&format!("crash designation {i}"));
    let change = |what: &str, effective, kind| {
        Change::new(
            ChangeId::derive(&format!("crash {what} {i}")),
            effective,
            recorded,
            Source::new(format!("crash test step {j}")),
            kind,
        )
    };
    Ok(if j.is_multiple_of(2) {
        vec![change(
            "register",
            effective,
            ChangeKind::RegisterEntity {
                entity,
                record: Box::new(Entity::new(
                    EntityKind::Vessel,
                    format!("Crash test vessel {i}"),
                )),
            },
        )]
    } else {
        vec![
            change(
                "designate",
                effective,
                ChangeKind::Designate {
                    designation,
                    record: Box::new(Designation::new(
                        entity,
                        Authority::UK,
                        DesignationTerms::new(Measure::AssetFreeze),
                    )),
                },
            ),
            change(
                "delist",
                effective + chrono::Days::new(10),
                ChangeKind::Delist { designation },
            ),
        ]
    })
}

/// How many whole steps a ledger of `len` changes holds, or an error if `len` ends inside a
/// step (a half-applied batch).
fn steps_in(len: usize) -> TestResult<u64> {
    let (mut steps, mut changes) = (0, 0);
    while changes < len {
        changes += step(steps)?.len();
        steps += 1;
    }
    if changes == len {
        Ok(steps)
    } else {
        Err(format!("{len} changes end inside step {}", steps - 1).into())
    }
}

/// The child: reopens (recovering), then appends step after step, printing `ack J` once step
/// `J`'s `apply` has returned, until killed.
fn child(path: &Path) -> TestResult {
    let mut file = LedgerFile::options()
        .create(true)
        .recover(true)
        .open(path)?;
    let mut j = steps_in(file.ledger().len())?;
    loop {
        file.apply_batch(step(j)?)?;
        println!("ack {j}");
        j += 1;
    }
}

#[test]
fn a_killed_appender_never_loses_an_acknowledged_change() -> TestResult {
    if let Some(path) = std::env::var_os(CHILD) {
        return child(Path::new(&path));
    }
    let dir = std::env::temp_dir().join(format!("sanctions-ledger-crash-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path: PathBuf = dir.join("crash.jsonl");
    let _ = std::fs::remove_file(&path);

    let rounds = 12;
    let mut acknowledged: Option<u64> = None;
    for round in 0..rounds {
        let mut process = Command::new(std::env::current_exe()?)
            .args(["--exact", TEST, "--nocapture", "--test-threads=1"])
            .env(CHILD, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let stdout = process.stdout.take().ok_or("child stdout")?;
        // Kill after a varying number of acknowledgements, so the kill lands at varying points.
        let wanted = 1 + (round * 7) % 5;
        let mut lines = BufReader::new(stdout).lines();
        let mut seen = 0;
        while seen < wanted {
            let Some(line) = lines.next() else { break };
            if let Some(j) = line?.strip_prefix("ack ") {
                acknowledged = Some(j.parse()?);
                seen += 1;
            }
        }
        process.kill()?;
        // The child ran on until killed: collect the acknowledgements still in the pipe.
        for line in lines {
            if let Some(j) = line?.strip_prefix("ack ") {
                acknowledged = Some(j.parse()?);
            }
        }
        let output = process.wait_with_output()?;
        assert!(
            seen == wanted,
            "round {round}: the child stopped after {seen} acknowledgements: {}",
            String::from_utf8_lossy(&output.stderr)
        );

        let file = LedgerFile::options().recover(true).open(&path)?;
        let steps = steps_in(file.ledger().len())?;
        let last = acknowledged.ok_or("no acknowledgement")?;
        // Every acknowledged step is there; at most one more, whose ack was not yet printed.
        assert!(
            steps == last + 1 || steps == last + 2,
            "round {round}: {steps} steps in the file, step {last} acknowledged"
        );
        let mut expected = Ledger::new();
        for j in 0..steps {
            expected.apply_batch(step(j)?)?;
        }
        assert_eq!(file.ledger(), &expected, "round {round}");
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
