//! What the digest chain costs: per change applied in memory, per change line written to a
//! file, and the digest of a view once the chain is known.
//!
//! ```text
//! cargo bench --bench digest              # 1,000,000 changes, 5 runs
//! cargo bench --bench digest -- 30000 3   # fewer changes, fewer runs
//! ```
//!
//! `Ledger::apply` computes no digest: a ledger built in memory computes its chain the first
//! time a digest is asked for (one serialisation and one SHA-256 per change), and a
//! `LedgerFile` hashes each line it writes or reads. So the figures are: apply alone (as before
//! the chain existed), the first `digest()` after it (the whole chain), their ratio (what an
//! eager chain would add to apply), and the SHA-256 of one serialised change line.

use std::time::{Duration, Instant};

use sanctions_ledger::Ledger;
use sha2::{Digest as _, Sha256};

#[path = "three/mod.rs"]
mod three;

use three::{build, BenchResult};

fn main() -> BenchResult {
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with('-'));
    let changes: usize = args.next().map_or(Ok(1_000_000), |a| a.parse())?;
    let runs: usize = args.next().map_or(Ok(5), |a| a.parse())?;
    let built = build(changes)?;
    let log = built.changes().to_vec();
    drop(built);

    let mut applies = Vec::new();
    let mut chains = Vec::new();
    let mut views = Vec::new();
    for _ in 0..runs {
        let input = log.clone();
        let started = Instant::now();
        let ledger = Ledger::from_changes(input)?;
        applies.push(started.elapsed());
        let started = Instant::now();
        let digest = ledger.digest();
        chains.push(started.elapsed());
        // Once the chain is known, a view's digest is a binary search and a lookup.
        let step = (ledger.len() / 1000).max(1);
        let instants: Vec<_> = ledger
            .changes()
            .iter()
            .step_by(step)
            .map(|c| c.recorded)
            .collect();
        let started = Instant::now();
        let mut distinct = 0;
        for &instant in &instants {
            distinct += usize::from(ledger.known_at(instant).digest() != digest);
        }
        views.push(started.elapsed() / u32::try_from(instants.len().max(1))?);
        assert!(distinct > 0);
        drop(ledger);
    }

    // A change line as a LedgerFile writes it: serialise (as before) and hash (new).
    let mut line = Vec::with_capacity(512);
    let mut serialise = Duration::ZERO;
    let mut hash = Duration::ZERO;
    let sample = &log[..log.len().min(200_000)];
    for change in sample {
        line.clear();
        let started = Instant::now();
        serde_json::to_writer(&mut line, change)?;
        serialise += started.elapsed();
        let started = Instant::now();
        std::hint::black_box(sha256_of(&line));
        hash += started.elapsed();
    }

    let n = count(log.len());
    let apply = median(&mut applies);
    let chain = median(&mut chains);
    let view = median(&mut views);
    println!("{} changes, {runs} runs", log.len());
    println!(
        "apply (Ledger::from_changes, no digest computed): median {apply:.2?}, {:.0} ns per change",
        apply.as_secs_f64() * 1e9 / n
    );
    println!(
        "first digest() after it (serialise + SHA-256 every change): median {chain:.2?}, {:.0} ns per change, {:.1}% of apply",
        chain.as_secs_f64() * 1e9 / n,
        chain.as_secs_f64() / apply.as_secs_f64() * 100.0
    );
    println!("digest of a view known at a past instant, chain known: median {view:.2?}");
    let lines = count(sample.len());
    println!(
        "a change line written to a file: serialise {:.0} ns (as before), SHA-256 link {:.0} ns (new), per line",
        serialise.as_secs_f64() * 1e9 / lines,
        hash.as_secs_f64() * 1e9 / lines
    );
    Ok(())
}

/// One link of the chain, as the crate computes it: SHA-256 of the previous digest and the
/// change line.
fn sha256_of(bytes: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update([0u8; 32]);
    hasher.update(bytes);
    hasher.finalize().into()
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[allow(clippy::cast_precision_loss)] // a count, printed as a rate
fn count(n: usize) -> f64 {
    n as f64
}
