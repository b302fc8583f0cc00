//! Saves and loads a ledger file of 1,000,000 changes and prints the median times and the load
//! throughput in MB/s.
//!
//! ```text
//! cargo bench --bench load              # 1,000,000 changes, 5 runs
//! cargo bench --bench load -- 30000 3   # fewer changes, fewer runs
//! ```
//!
//! The changes are generated deterministically: entity `i` is registered, designated by the EU
//! and delisted 30 days later, the three recorded at the same instant (one batch), one second
//! after entity `i - 1`. Loading re-validates every change, as `LedgerFile::open` always does,
//! and checks each change's stored digest (format version 2). The same changes are also loaded
//! from a version 1 file (no stored digests: what opening cost before them) to show what the
//! check costs, and `verify` (open, then the digest of the whole ledger and of a past view) is
//! timed. Last, what bounds the load: parsing, the digest chain and validation, each timed alone
//! on one core, and the bound they set together on this machine's cores.

use std::time::{Duration, Instant};

use sanctions_ledger::{Change, Ledger, LedgerFile};
use sha2::{Digest as _, Sha256};

#[path = "three/mod.rs"]
mod three;

use three::{build, BenchResult};

fn main() -> BenchResult {
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with('-'));
    let changes: usize = args.next().map_or(Ok(1_000_000), |a| a.parse())?;
    let runs: usize = args.next().map_or(Ok(5), |a| a.parse())?;

    let started = Instant::now();
    let ledger = build(changes)?;
    println!(
        "built a ledger of {} changes in memory in {:.2?}",
        ledger.len(),
        started.elapsed()
    );

    let dir = std::env::temp_dir().join(format!("sanctions-ledger-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("load.jsonl");

    let mut saves = Vec::new();
    for _ in 0..runs {
        let _ = std::fs::remove_file(&path);
        let started = Instant::now();
        let file = LedgerFile::create_with(&path, &ledger)?;
        saves.push(started.elapsed());
        drop(file);
    }
    let bytes = std::fs::metadata(&path)?.len();

    // The same changes in a version 1 file: the header's version, and no digest member. The
    // two files are opened in turn in each run, so that both see the same machine: on a shared
    // machine the load of other jobs moves more between runs than the digest check costs.
    let v1_path = dir.join("load-v1.jsonl");
    write_version_1(&path, &v1_path)?;
    let v1_bytes = std::fs::metadata(&v1_path)?.len();
    let mut loads = Vec::new();
    let mut v1_loads = Vec::new();
    let mut verifies = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let file = LedgerFile::open(&path)?;
        loads.push(started.elapsed());
        assert_eq!(file.ledger().len(), ledger.len(), "loaded every change");
        drop(file);
        let started = Instant::now();
        let file = LedgerFile::open(&v1_path)?;
        v1_loads.push(started.elapsed());
        assert_eq!(file.version(), 1);
        drop(file);
        // `sanctions-ledger verify`: open, the whole ledger's digest, and a past view's.
        let started = Instant::now();
        let file = LedgerFile::open(&path)?;
        let digest = file.ledger().digest();
        let middle = file.ledger().changes()[file.ledger().len() / 2].recorded;
        let past = file.ledger().known_at(middle).digest();
        verifies.push(started.elapsed());
        assert_ne!(digest, past);
    }

    let (parse, hash, validate) = breakdown(&v1_path, runs, ledger.len())?;

    #[allow(clippy::cast_precision_loss)] // a file size in MB, printed
    let mb = bytes as f64 / 1e6;
    let save = median(&mut saves);
    let load = median(&mut loads);
    println!("file: {} changes, {mb:.1} MB ({bytes} bytes)", ledger.len());
    println!(
        "save (create_with: write, one fsync, clone the ledger into the handle): median {save:.2?} over {runs} runs, {:.1} MB/s",
        mb / save.as_secs_f64()
    );
    let (fastest, slowest) = spread(&loads);
    println!(
        "load (open, parse and validate every change): median {load:.2?} over {runs} runs (fastest {fastest:.2?}, slowest {slowest:.2?}), {:.1} MB/s, {:.0} changes/s",
        mb / load.as_secs_f64(),
        count(ledger.len()) / load.as_secs_f64()
    );
    #[allow(clippy::cast_precision_loss)] // a file size in MB, printed
    let v1_mb = v1_bytes as f64 / 1e6;
    let v1_load = median(&mut v1_loads);
    println!(
        "load of the same changes from a version 1 file ({v1_mb:.1} MB, no stored digests to check, as before them), in turn with the above: median {v1_load:.2?}, {:.1} MB/s; the version 2 file's digest check costs {:+.1}%",
        v1_mb / v1_load.as_secs_f64(),
        (load.as_secs_f64() / v1_load.as_secs_f64() - 1.0) * 100.0
    );
    let verify = median(&mut verifies);
    println!("verify (open, then the digest of the ledger and of a view known at a past instant): median {verify:.2?}");

    print_bound(mb, ledger.len(), runs, [parse, hash, validate], load)?;
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// Prints what bounds the load: parsing, the digest chain and validation, each timed alone on
/// one core (medians over `runs`), and the bound they set together on this machine's cores.
fn print_bound(
    mb: f64,
    changes: usize,
    runs: usize,
    [parse, hash, validate]: [Duration; 3],
    load: Duration,
) -> BenchResult {
    // What bounds the load: `open` follows the digest chain on one thread, parses on every
    // core (up to four threads) and validates on one, all at once; so it cannot be faster than
    // the slowest of validation, the chain, and all the work shared by the cores.
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let rate = |time: Duration| mb / time.as_secs_f64();
    println!(
        "  of which, each alone on one core (medians over {runs} runs, MB/s of the version 2 file): parse lines into changes (serde_json) {parse:.2?}, {:.1} MB/s; the digest chain (SHA-256 over every change line) {hash:.2?}, {:.1} MB/s; validate (Ledger::from_changes) {validate:.2?}, {:.1} MB/s, {:.0} changes/s",
        rate(parse),
        rate(hash),
        rate(validate),
        count(changes) / validate.as_secs_f64()
    );
    // Six threads at most: the reading one, four parsing ones, the validating one.
    let shared = (parse + hash + validate) / u32::try_from(cores.min(6))?;
    let (bound, what) = [
        (validate, "validation, on one thread"),
        (hash, "the digest chain, on one thread"),
        (
            shared,
            "the cores: parse, digest and validation together, shared by all",
        ),
    ]
    .into_iter()
    .max_by_key(|(time, _)| *time)
    .ok_or("no bound")?;
    println!(
        "  bound on {cores} cores: {what}, {bound:.2?}, {:.1} MB/s at most; the load above reaches {:.0}% of it",
        rate(bound),
        bound.as_secs_f64() / load.as_secs_f64() * 100.0
    );
    Ok(())
}

/// Where the load time goes, from the version 1 file (whose lines are exactly the changes'
/// JSON): parsing the lines into changes, the SHA-256 chain over them (the digest check's own
/// work), and validating the changes. Medians over `runs`.
fn breakdown(
    v1_path: &std::path::Path,
    runs: usize,
    expected: usize,
) -> BenchResult<(Duration, Duration, Duration)> {
    // Where the load time goes: parsing the lines into changes, then validating them (read from
    // the version 1 file, whose lines are exactly the changes' JSON).
    let text = std::fs::read_to_string(v1_path)?;
    let mut parses = Vec::new();
    let mut links = Vec::new();
    let mut validations = Vec::new();
    for _ in 0..runs {
        // The digest check's own work, done on the parsing thread: one SHA-256 link per line.
        let started = Instant::now();
        let mut chain = [0u8; 32];
        for line in text.lines().filter(|line| line.starts_with("{\"id\"")) {
            let mut link = Sha256::new();
            link.update(chain);
            link.update(line.as_bytes());
            chain = link.finalize().into();
        }
        links.push(started.elapsed());
        std::hint::black_box(chain);
        let started = Instant::now();
        let changes_read = text
            .lines()
            .filter(|line| line.starts_with("{\"id\""))
            .map(serde_json::from_str::<Change>)
            .collect::<Result<Vec<_>, _>>()?;
        parses.push(started.elapsed());
        let started = Instant::now();
        let validated = Ledger::from_changes(changes_read)?;
        validations.push(started.elapsed());
        assert_eq!(validated.len(), expected, "validated every change");
    }
    drop(text);
    Ok((
        median(&mut parses),
        median(&mut links),
        median(&mut validations),
    ))
}

/// Writes the changes of the version 2 file `from` as a version 1 file `to`: the header's
/// version, and no digest member on the change lines.
fn write_version_1(from: &std::path::Path, to: &std::path::Path) -> BenchResult {
    let v2_text = std::fs::read_to_string(from)?;
    let mut v1_text = String::with_capacity(v2_text.len());
    for line in v2_text.lines() {
        let line = line.replace("\"version\":2}", "\"version\":1}");
        match line.rfind(",\"digest\":\"") {
            Some(at) if line.starts_with("{\"id\"") => {
                v1_text.push_str(&line[..at]);
                v1_text.push('}');
            }
            _ => v1_text.push_str(&line),
        }
        v1_text.push('\n');
    }
    drop(v2_text);
    std::fs::write(to, &v1_text)?;
    drop(v1_text);
    Ok(())
}

/// The fastest and the slowest of `times`: on a shared machine, how far apart runs were.
fn spread(times: &[Duration]) -> (Duration, Duration) {
    let fastest = times.iter().min().copied().unwrap_or_default();
    let slowest = times.iter().max().copied().unwrap_or_default();
    (fastest, slowest)
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[allow(clippy::cast_precision_loss)] // a count, printed as a rate
fn count(n: usize) -> f64 {
    n as f64
}
