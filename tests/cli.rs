//! The `sanctions-ledger` binary on the real fixtures, run as a user runs it: exit codes,
//! output, refusals that leave the ledger byte for byte as it was, a feed resumed across
//! reopens, and a tampered line caught. Needs the `cli` feature (`cargo test --features cli`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sanctions_ledger::LedgerFile;

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// A directory of its own for each test, removed when the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "sanctions-ledger-cli-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch directory");
        Scratch(dir)
    }

    fn ledger(&self) -> PathBuf {
        self.0.join("sanctions.jsonl")
    }

    /// Runs the binary with `--ledger` set to this scratch ledger.
    fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_sanctions-ledger"))
            .arg("--ledger")
            .arg(self.ledger())
            .args(args)
            .env_remove("SANCTIONS_LEDGER")
            .output()
            .expect("the binary runs");
        Run::from(output)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What a run printed and how it exited.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Asserts the exit code, showing the output when it differs.
    #[track_caller]
    fn exits(&self, code: i32) -> &Run {
        assert_eq!(
            self.code,
            Some(code),
            "stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        assert!(
            !self.stderr.contains("panicked"),
            "a panic: {}",
            self.stderr
        );
        self
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).expect("--json prints one JSON document")
    }

    /// The value after `cursor: ` on the last line.
    fn cursor(&self) -> String {
        let last = self.stdout.lines().last().unwrap_or_default();
        last.strip_prefix("cursor: ")
            .unwrap_or_else(|| panic!("the last line is not a cursor: {last:?}"))
            .to_owned()
    }
}

fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
        .display()
        .to_string()
}

/// Imports the real SDN snapshots of 2023-08-03 and 2023-08-09, each recorded the next morning.
fn two_snapshots(scratch: &Scratch) {
    let first = scratch.run(&[
        "import",
        "ofac-csv",
        &fixture("ofac/sdn_2023-08-03.csv"),
        "--recorded",
        "2023-08-04T06:00:00Z",
    ]);
    assert_eq!(first.exits(0).stdout, "2023-08-03 +111 -0 ~0\n");
    let second = scratch.run(&[
        "import",
        "ofac-csv",
        &fixture("ofac/sdn_2023-08-09.csv"),
        "--date",
        "2023-08-09",
        "--recorded",
        "2023-08-10T06:00:00Z",
    ]);
    assert_eq!(second.exits(0).stdout, "2023-08-09 +17 -0 ~0\n");
}

#[test]
fn belavia_is_not_listed_before_2023_08_09_and_listed_from_it() {
    let scratch = Scratch::new("belavia");
    two_snapshots(&scratch);
    let before = scratch.run(&["status", "US-OFAC:44541", "--on", "2023-08-08"]);
    assert!(
        before.exits(0).stdout.starts_with("US-OFAC not-listed\n"),
        "{}",
        before.stdout
    );
    let on = scratch.run(&["status", "US-OFAC:44541", "--on", "2023-08-09"]);
    let lines: Vec<&str> = on.exits(0).stdout.lines().collect();
    assert_eq!(lines[0], "US-OFAC listed");
    assert!(
        lines[1].contains("BELAVIA BELARUSIAN AIRLINES"),
        "{}",
        on.stdout
    );
    assert!(lines[1].contains("BELARUS-EO14038"), "{}", on.stdout);
    assert!(
        lines[1].contains("observed between 2023-08-03 and 2023-08-09"),
        "{}",
        on.stdout
    );

    // As known at the end of 2023-08-09 the ledger had not heard of Belavia: unknown, not
    // "not listed".
    let unknown = scratch.run(&[
        "status",
        "US-OFAC:44541",
        "--on",
        "2023-08-09",
        "--known-at",
        "2023-08-09",
    ]);
    assert!(unknown.exits(1).stdout.is_empty());
    assert!(unknown.stderr.contains("not known"), "{}", unknown.stderr);
    // As known on 2023-08-10, after the second import, it is listed.
    let known = scratch.run(&[
        "status",
        "US-OFAC:44541",
        "--on",
        "2023-08-09",
        "--known-at",
        "2023-08-10T06:00:00Z",
        "--json",
    ]);
    let json = known.exits(0).json();
    assert_eq!(json["entities"][0]["statuses"][0]["status"], "listed");
    // Linked to no other entry: its own status is its subject's.
    assert!(json["entities"][0]["subject"].is_null(), "{json}");
    assert_eq!(json["known_at"], "2023-08-10T06:00:00Z");
    // 222 + 34 entry changes, and the 4 + 7 `Linked To:` relations the two files state.
    assert_eq!(json["changes_seen"], 267);
}

#[test]
fn the_digest_of_an_answer_is_the_ledgers_and_verify_finds_it_in_the_history() {
    let scratch = Scratch::new("digest");
    two_snapshots(&scratch);
    let verify = scratch.run(&["verify"]);
    let text = &verify.exits(0).stdout;
    assert!(text.contains(": 267 changes, format version 2"), "{text}");
    let digest = text
        .lines()
        .find_map(|l| l.strip_prefix("digest: "))
        .expect("a digest line")
        .to_owned();
    let status = scratch.run(&["status", "US-OFAC:44541", "--on", "2023-08-09", "--digest"]);
    assert!(status
        .exits(0)
        .stdout
        .contains(&format!("digest: {digest} (as known now, 267 changes)")));

    // An answer as known after the first import carries that day's digest, which verify
    // places in the history.
    let earlier = scratch.run(&[
        "state",
        "--on",
        "2023-08-03",
        "--known-at",
        "2023-08-05",
        "--json",
    ]);
    let earlier = earlier.exits(0).json();
    let old = earlier["digest"].as_str().expect("a digest").to_owned();
    assert_ne!(old, digest);
    assert_eq!(earlier["changes_seen"], 226); // 222 entry changes and 4 relations
    let found = scratch.run(&["verify", "--expect", &old]);
    assert!(found
        .exits(0)
        .stdout
        .contains("the digest after the first 226 changes"));
    // A prefix that stops inside one import's changes (all recorded at one instant) is no
    // view's digest: verify places it without calling it "as known at" that instant.
    let first = scratch
        .run(&["changes", "--limit", "1", "--json"])
        .exits(0)
        .json();
    let next = first["cursor"].as_str().expect("a cursor").to_owned();
    let (position, inside) = next.split_once('-').expect("position-digest");
    assert_eq!(position, "1");
    let placed = scratch.run(&["verify", "--expect", inside]);
    let text = &placed.exits(0).stdout;
    assert!(
        text.contains("the digest after the first 1 changes (inside the changes recorded at"),
        "{text}"
    );
    assert!(!text.contains("(as known at"), "{text}");
    let foreign = scratch.run(&["verify", "--expect", &"ab".repeat(32)]);
    // The file is sound (exit 0 would hide the mismatch, exit 4 would call it damaged): exit 1.
    assert!(foreign.exits(1).stderr.contains("is not a digest of"));
}

#[test]
fn queries_read_the_ledger_while_another_reader_holds_it_and_a_writer_waits() {
    let scratch = Scratch::new("readers");
    two_snapshots(&scratch);
    // Another process's query, as far as the lock can tell: a read-only handle.
    let reader = sanctions_ledger::LedgerFile::options()
        .read_only(true)
        .open(scratch.ledger())
        .expect("a read-only handle");
    for args in [
        &["status", "US-OFAC:44541", "--on", "2023-08-09"][..],
        &["timeline", "US-OFAC:44541"],
        &["diff", "2023-08-03", "2023-08-09"],
        &["changes", "--limit", "1"],
        &["verify"],
        &["link"],
    ] {
        scratch.run(args).exits(0);
    }
    // A write waits for the readers (exit 4, the file untouched).
    let before = std::fs::read(scratch.ledger()).expect("the ledger file");
    let import = scratch.run(&[
        "import",
        "ofac-csv",
        &fixture("ofac/sdn_2023-08-09.csv"),
        "--recorded",
        "2023-08-11T00:00:00Z",
    ]);
    assert!(
        import.exits(4).stderr.contains("locked"),
        "{}",
        import.stderr
    );
    assert_eq!(
        std::fs::read(scratch.ledger()).expect("the ledger file"),
        before
    );
    drop(reader);
}

#[test]
fn an_answer_as_known_at_a_time_still_to_come_is_refused() {
    let scratch = Scratch::new("future");
    two_snapshots(&scratch);
    // Its answer could change with any change recorded before then: not an audit's answer.
    for known_at in ["2099-01-01", "2099-01-01T00:00:00Z"] {
        let future = scratch.run(&[
            "status",
            "US-OFAC:44541",
            "--on",
            "2023-08-09",
            "--known-at",
            known_at,
        ]);
        assert!(
            future.exits(2).stderr.contains("is still to come"),
            "{}",
            future.stderr
        );
    }
    // A past instant is fine.
    scratch
        .run(&[
            "status",
            "US-OFAC:44541",
            "--on",
            "2023-08-09",
            "--known-at",
            "2023-08-10T06:00:00Z",
        ])
        .exits(0);
}

#[test]
fn upgrade_refuses_to_change_the_digests_of_lines_not_in_canonical_form() {
    let scratch = Scratch::new("upgrade-noncanonical");
    std::fs::copy(fixture("noncanonical_v2.jsonl"), scratch.ledger()).expect("the fixture");
    // The file is sound as it is: every stored digest follows from its own bytes.
    let verify = scratch.run(&["verify"]);
    assert!(
        verify.exits(0).stdout.contains("2 changes"),
        "{}",
        verify.stdout
    );
    let new = scratch.0.join("upgraded.jsonl");
    let upgrade = scratch.run(&["upgrade", &new.display().to_string()]);
    assert!(
        upgrade
            .exits(3)
            .stderr
            .contains("not in the canonical form FORMAT.md gives (the first at change 1)"),
        "{}",
        upgrade.stderr
    );
    assert!(!new.exists(), "no new file is left behind");
}

#[test]
fn a_diff_lists_the_designations_of_2023_08_09() {
    let scratch = Scratch::new("diff");
    two_snapshots(&scratch);
    let diff = scratch.run(&["diff", "2023-08-03", "2023-08-09"]);
    let text = &diff.exits(0).stdout;
    assert!(
        text.ends_with("2023-08-03..2023-08-09 +17 -0 ~0\n"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("designated") && l.contains("44541")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("44580") && l.contains("EW-301PJ")),
        "{text}"
    );
    let json = scratch
        .run(&["diff", "2023-08-03", "2023-08-09", "--json"])
        .exits(0)
        .json();
    assert_eq!(json["designated"], 17);
    assert_eq!(json["designations"].as_array().map(Vec::len), Some(17));
}

#[test]
fn the_change_feed_resumes_from_its_cursor_across_a_reopen() {
    let scratch = Scratch::new("feed");
    two_snapshots(&scratch);
    let first = scratch.run(&["changes", "--limit", "200"]);
    let cursor = first.exits(0).cursor();
    assert!(first.stdout.contains("200 changes\n"));
    // Another process appends the 2023-09-06 snapshot (delistings and amendments).
    let third = scratch.run(&[
        "import",
        "ofac-csv",
        &fixture("ofac/sdn_2023-09-06.csv"),
        "--recorded",
        "2023-09-07T06:00:00Z",
    ]);
    assert_eq!(third.exits(0).stdout, "2023-09-06 +5 -9 ~6\n");
    let rest = scratch
        .run(&["changes", "--since", &cursor, "--json"])
        .exits(0)
        .json();
    let total = scratch.run(&["changes", "--json"]).exits(0).json();
    let all = total["changes"].as_array().expect("changes");
    let resumed = rest["changes"].as_array().expect("changes");
    assert_eq!(resumed.len(), all.len() - 200);
    assert_eq!(resumed[..], all[200..]);
    assert_eq!(rest["cursor"], total["cursor"]);
    // At the end: nothing more, and the same cursor back.
    let end = scratch.run(&[
        "changes",
        "--since",
        rest["cursor"].as_str().unwrap_or_default(),
    ]);
    assert!(end.exits(0).stdout.starts_with("0 changes\n"));
    assert_eq!(end.cursor(), rest["cursor"].as_str().unwrap_or_default());

    // A cursor of another ledger is refused, not read as a position.
    let other = Scratch::new("feed-other");
    other
        .run(&[
            "import",
            "un",
            &fixture("un/un_consolidated_2018-08-24.xml"),
            "--recorded",
            "2018-08-25T00:00:00Z",
        ])
        .exits(0);
    let foreign = other.run(&["changes", "--since", &cursor]);
    assert!(
        foreign.exits(3).stderr.starts_with("refused: "),
        "{}",
        foreign.stderr
    );
}

#[test]
fn a_dry_run_on_a_ledger_that_does_not_exist_leaves_no_file_behind() {
    let scratch = Scratch::new("dry-run-new");
    let dry = scratch.run(&[
        "import",
        "ofac-csv",
        &fixture("ofac/sdn_2023-08-03.csv"),
        "--dry-run",
        "--recorded",
        "2023-08-04T06:00:00Z",
    ]);
    assert_eq!(dry.exits(0).stdout, "2023-08-03 +111 -0 ~0\n");
    assert!(
        !scratch.ledger().exists(),
        "a dry run created {}",
        scratch.ledger().display()
    );
    // An empty file stays empty: opening it writes a header, which a dry run or a refused
    // import takes back.
    std::fs::write(scratch.ledger(), b"").expect("an empty ledger file");
    let dry = scratch.run(&[
        "import",
        "ofac-csv",
        &fixture("ofac/sdn_2023-08-03.csv"),
        "--dry-run",
        "--recorded",
        "2023-08-04T06:00:00Z",
    ]);
    assert_eq!(dry.exits(0).stdout, "2023-08-03 +111 -0 ~0\n");
    assert_eq!(
        std::fs::read(scratch.ledger()).expect("the ledger file"),
        b""
    );
    let refused = scratch.run(&[
        "import",
        "ofac-csv",
        &fixture("un/un_details_2026-02-27.xml"),
    ]);
    refused.exits(3);
    assert_eq!(
        std::fs::read(scratch.ledger()).expect("the ledger file"),
        b""
    );
    std::fs::remove_file(scratch.ledger()).expect("removed");
    // The same import for real creates the ledger, and a dry run on it then leaves it as is.
    two_snapshots(&scratch);
    let before = std::fs::read(scratch.ledger()).expect("the ledger file");
    let again = scratch.run(&[
        "import",
        "ofac-csv",
        &fixture("ofac/sdn_2023-08-09.csv"),
        "--date",
        "2023-08-09",
        "--dry-run",
    ]);
    assert_eq!(again.exits(0).stdout, "2023-08-09 +0 -0 ~0\n");
    assert_eq!(
        std::fs::read(scratch.ledger()).expect("the ledger file"),
        before
    );
}

#[test]
fn a_truncated_file_is_refused_and_the_ledger_left_byte_for_byte() -> TestResult {
    let scratch = Scratch::new("truncated");
    two_snapshots(&scratch);
    let before = std::fs::read(scratch.ledger())?;
    // The 2023-09-06 file cut in the middle of a record, as an interrupted download leaves it.
    let whole = std::fs::read(fixture("ofac/sdn_2023-09-06.csv"))?;
    let cut = scratch.0.join("sdn_2023-09-06.csv");
    std::fs::write(&cut, &whole[..whole.len() / 2])?;
    let cut = cut.display().to_string();
    let refused = scratch.run(&[
        "import",
        "ofac-csv",
        &cut,
        "--recorded",
        "2023-09-07T06:00:00Z",
    ]);
    assert!(
        refused.exits(3).stderr.starts_with("refused: "),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("sdn_2023-09-06.csv"),
        "{}",
        refused.stderr
    );
    assert!(refused.stdout.is_empty());
    assert_eq!(std::fs::read(scratch.ledger())?, before);

    // A snapshot that would delist nearly the whole list is refused unless confirmed.
    // A hand-made file, without OFAC's final 0x1A byte: refused as cut short unless allowed,
    // and then read with a warning on standard error.
    let tiny = fixture("ofac/sdn_tiny_2025-05-16.csv");
    let unterminated = scratch.run(&[
        "import",
        "ofac-csv",
        &tiny,
        "--recorded",
        "2025-05-17T00:00:00Z",
    ]);
    assert!(
        unterminated.exits(3).stderr.contains("0x1A"),
        "{}",
        unterminated.stderr
    );
    assert_eq!(std::fs::read(scratch.ledger())?, before);
    let mass = scratch.run(&[
        "import",
        "ofac-csv",
        &tiny,
        "--allow-unterminated",
        "--recorded",
        "2025-05-17T00:00:00Z",
    ]);
    assert!(
        mass.exits(3).stderr.starts_with("refused: "),
        "{}",
        mass.stderr
    );
    assert!(mass.stderr.contains("would delist"), "{}", mass.stderr);
    assert_eq!(std::fs::read(scratch.ledger())?, before);
    let dry = scratch.run(&[
        "import",
        "ofac-csv",
        &tiny,
        "--allow-unterminated",
        "--allow-mass-delisting",
        "--dry-run",
        "--recorded",
        "2025-05-17T00:00:00Z",
    ]);
    assert!(
        dry.exits(0).stdout.starts_with("2025-05-16 +"),
        "{}",
        dry.stdout
    );
    assert_eq!(std::fs::read(scratch.ledger())?, before);
    let confirmed = scratch.run(&[
        "import",
        "ofac-csv",
        &tiny,
        "--allow-unterminated",
        "--allow-mass-delisting",
        "--recorded",
        "2025-05-17T00:00:00Z",
    ]);
    assert_eq!(confirmed.exits(0).stdout, dry.stdout);
    assert!(
        confirmed.stderr.starts_with("warning: "),
        "{}",
        confirmed.stderr
    );
    assert_ne!(std::fs::read(scratch.ledger())?, before);

    // A refused first import leaves no ledger file behind.
    let fresh = Scratch::new("truncated-fresh");
    fresh.run(&["import", "ofac-csv", &cut]).exits(3);
    assert!(!fresh.ledger().exists());
    Ok(())
}

#[test]
fn a_line_edited_in_place_is_detected_and_named() -> TestResult {
    let scratch = Scratch::new("tampered");
    two_snapshots(&scratch);
    let text = std::fs::read_to_string(scratch.ledger())?;
    let line = text
        .lines()
        .position(|l| {
            l.contains("\"name\":\"OPEN JOINT STOCK COMPANY BELAVIA BELARUSIAN AIRLINES\"")
        })
        .ok_or("Belavia's registration")?;
    let edited = text.replacen(
        "BELAVIA BELARUSIAN AIRLINES",
        "BELAVIA BELARUSIAN AIRLINE ",
        1,
    );
    std::fs::write(scratch.ledger(), &edited)?;
    for args in [
        &["verify"][..],
        &["status", "US-OFAC:44541", "--on", "2023-08-09"],
    ] {
        let run = scratch.run(args);
        assert!(run.exits(4).stdout.is_empty());
        let named = format!(
            "sanctions.jsonl:{}: the change does not match the digest",
            line + 1
        );
        assert!(run.stderr.contains(&named), "{}", run.stderr);
    }
    assert_eq!(std::fs::read_to_string(scratch.ledger())?, edited);
    Ok(())
}

#[test]
fn a_locked_or_damaged_ledger_exits_4_and_bad_usage_2() -> TestResult {
    let scratch = Scratch::new("locked");
    two_snapshots(&scratch);
    let held = LedgerFile::open(scratch.ledger())?;
    let locked = scratch.run(&["status", "US-OFAC:44541", "--on", "2023-08-09"]);
    assert!(
        locked.exits(4).stderr.contains("locked"),
        "{}",
        locked.stderr
    );
    drop(held);

    let garbage = Scratch::new("garbage");
    std::fs::write(garbage.ledger(), b"\x00\x01not a ledger\n\xff")?;
    garbage.run(&["verify"]).exits(4);
    garbage
        .run(&[
            "import",
            "un",
            &fixture("un/un_consolidated_2018-08-24.xml"),
        ])
        .exits(4);

    let missing = Scratch::new("missing");
    assert!(missing
        .run(&["verify"])
        .exits(1)
        .stderr
        .contains("no such ledger file"));
    assert!(!missing.ledger().exists());

    for args in [
        &["status", "US-OFAC:44541"][..],
        &["status", "no colon", "--on", "2023-08-09"],
        &["status", "US-OFAC:44541", "--on", "2023-02-30"],
        &["changes", "--since", "12-not-a-digest"],
        &["import", "ofac-csv", "sdn.csv"],
        &["frobnicate"],
    ] {
        scratch.run(args).exits(2);
    }
    // A file that is not a list at all is refused, not a panic.
    let noise = scratch.0.join("noise_2023-10-01.csv");
    std::fs::write(
        &noise,
        (0..4096u32)
            .map(|i| (i * 7919 % 251) as u8)
            .collect::<Vec<_>>(),
    )?;
    scratch
        .run(&["import", "ofac-csv", &noise.display().to_string()])
        .exits(3);
    scratch
        .run(&["import", "un", &noise.display().to_string()])
        .exits(3);
    Ok(())
}

#[test]
fn every_command_answers_in_json_with_the_digest() {
    let scratch = Scratch::new("json");
    two_snapshots(&scratch);
    let un = scratch.run(&[
        "import",
        "un",
        &fixture("un/un_consolidated_2018-08-24.xml"),
        "--recorded",
        "2023-08-11T00:00:00Z",
        "--json",
    ]);
    let json = un.exits(0).json();
    assert_eq!(json["date"], "2018-08-24");
    assert_eq!(json["designated"], 98);
    let digest = json["digest"].as_str().unwrap_or_default().to_owned();
    assert_eq!(digest.len(), 64);
    for args in [
        &["status", "UN:KPi.033", "--on", "2023-01-01"][..],
        &["state", "--on", "2023-08-09", "--authority", "UN"],
        &["diff", "2023-08-03", "2023-08-09"],
        &["changes", "--limit", "2"],
        &["timeline", "US-OFAC:44541"],
        &["find", "belavia"],
        &["verify"],
    ] {
        let mut args = args.to_vec();
        args.push("--json");
        let json = scratch.run(&args).exits(0).json();
        assert_eq!(json["digest"], digest.as_str(), "{args:?}");
    }
    let state = scratch
        .run(&["state", "--on", "2023-08-09", "--authority", "UN", "--json"])
        .exits(0)
        .json();
    assert_eq!(state["designations"].as_array().map(Vec::len), Some(98));
    let csv = scratch.run(&["state", "--on", "2023-08-09", "--format", "csv"]);
    assert_eq!(csv.exits(0).stdout.lines().count(), 1 + 128 + 98);
    let find = scratch
        .run(&["find", "IMO:9187629", "--json"])
        .exits(0)
        .json();
    assert_eq!(find["found"].as_array().map(Vec::len), Some(1));
    let vessel = scratch.run(&["status", "IMO:9187629", "--on", "2023-08-09"]);
    assert!(
        vessel.exits(0).stdout.starts_with("US-OFAC listed\n"),
        "{}",
        vessel.stdout
    );
}

#[test]
fn a_version_1_ledger_is_read_and_upgraded_to_one_with_stored_digests() -> TestResult {
    let scratch = Scratch::new("upgrade");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/belavia.jsonl"),
        scratch.ledger(),
    )?;
    let old = scratch.run(&["verify"]);
    assert!(old.exits(0).stdout.contains("format version 1"));
    // The seed log names Belavia by its entity id only.
    let belavia = "e8c59ed6-5594-5d9c-920c-4be5327c219f";
    let status = scratch.run(&["status", belavia, "--on", "2025-10-01"]);
    let lines: Vec<&str> = status.exits(0).stdout.lines().collect();
    // One line per authority, in order, each followed by its reasons.
    assert_eq!(lines[0], "EU listed");
    let us = lines.iter().position(|&l| l == "US-OFAC listed-licensed");
    let us = us.ok_or_else(|| status.stdout.clone())?;
    assert!(
        lines[us + 1..]
            .iter()
            .any(|l| l.starts_with("  licensed: ")),
        "{}",
        status.stdout
    );
    let new = scratch.0.join("upgraded.jsonl");
    let upgrade = scratch.run(&["upgrade", &new.display().to_string()]);
    let digest = |text: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix("digest: "))
            .map(str::to_owned)
    };
    assert_eq!(digest(&upgrade.exits(0).stdout), digest(&old.stdout));
    assert_eq!(LedgerFile::open(&new)?.version(), 2);
    Ok(())
}

#[test]
fn the_consolidated_list_is_its_own_publication() {
    let scratch = Scratch::new("cons");
    two_snapshots(&scratch);
    let cons = scratch.run(&[
        "import",
        "ofac-csv",
        &fixture("ofac/cons_prim_2025-12-19.csv"),
        "--list",
        "cons",
        "--recorded",
        "2025-12-20T00:00:00Z",
    ]);
    // Its entries are designated; the SDN list's are not delisted by its absence from them.
    assert_eq!(cons.exits(0).stdout, "2025-12-19 +10 -0 ~0\n");
    let kunlun = scratch.run(&["status", "US-OFAC:15268", "--on", "2025-12-19"]);
    assert!(
        kunlun.exits(0).stdout.starts_with("US-OFAC listed\n"),
        "{}",
        kunlun.stdout
    );
    let belavia = scratch.run(&["status", "US-OFAC:44541", "--on", "2025-12-19"]);
    assert!(
        belavia.exits(0).stdout.starts_with("US-OFAC listed\n"),
        "{}",
        belavia.stdout
    );
    let bad = scratch.run(&["import", "ofac-csv", "x.csv", "--list", "ssi"]);
    bad.exits(2);
}

/// `link` proposes links between real entries of the SDN, Consolidated and UN lists that share
/// a strong identifier, `link --apply` records them, and running it again proposes nothing.
/// Imports the SDN, UN and Consolidated fixtures of tests/fixtures/links, whose entries
/// `link` joins: OMM (SDN 17068 = UN KPe.020, by IMO company number) and VTB (SDN 17013 = SSI
/// 17013).
fn three_lists_to_link(scratch: &Scratch) {
    let imports: [&[&str]; 3] = [
        &[
            "import",
            "ofac-csv",
            &fixture("links/sdn_links_2024-05-03.csv"),
            "--recorded",
            "2024-05-04T00:00:00Z",
        ],
        &[
            "import",
            "un",
            &fixture("links/un_links_2026-02-27.xml"),
            "--recorded",
            "2026-02-28T00:00:00Z",
        ],
        &[
            "import",
            "ofac-csv",
            &fixture("links/cons_prim_links_2025-12-19.csv"),
            "--list",
            "cons",
            "--recorded",
            "2026-03-01T00:00:00Z",
        ],
    ];
    for args in imports {
        scratch.run(args).exits(0);
    }
}

#[test]
fn status_answers_for_the_subject_of_linked_entries() {
    let scratch = Scratch::new("subject");
    three_lists_to_link(&scratch);
    scratch
        .run(&["link", "--apply", "--recorded", "2026-03-02T00:00:00Z"])
        .exits(0);
    // The UN entry of OMM is not on a US list, but the subject it makes with the SDN entry it
    // is linked to is: status says so, and through which list entry.
    let un_entry = scratch.run(&[
        "status",
        "UN:KPe.020",
        "--authority",
        "US-OFAC",
        "--on",
        "2026-03-02",
    ]);
    let lines: Vec<&str> = un_entry.exits(0).stdout.lines().collect();
    assert_eq!(lines[0], "US-OFAC not-listed", "{}", un_entry.stdout);
    assert_eq!(
        lines[2],
        "# one subject on 2026-03-02 with OCEAN MARITIME MANAGEMENT COMPANY LIMITED [US-OFAC/SDN 17068] (linked), whose status follows",
        "{}",
        un_entry.stdout
    );
    assert_eq!(
        lines[3],
        "subject US-OFAC listed (through US-OFAC/SDN 17068)"
    );
    // Before the link's date the two are separate: no subject lines.
    let before = scratch.run(&["status", "UN:KPe.020", "--on", "2014-07-27", "--json"]);
    assert!(before.exits(0).json()["entities"][0]["subject"].is_null());
    // One reference, two entries: each block is headed by its entry, named by its list.
    let both = scratch.run(&["status", "US-OFAC:17013", "--on", "2026-03-02"]);
    let headers: Vec<&str> = both
        .exits(0)
        .stdout
        .lines()
        .filter(|l| l.starts_with("== "))
        .collect();
    assert_eq!(headers.len(), 2, "{}", both.stdout);
    let sdn = headers
        .iter()
        .filter(|h| h.contains("[US-OFAC/SDN 17013]"))
        .count();
    let ssi = headers
        .iter()
        .filter(|h| h.contains("[US-OFAC/SSI 17013]"))
        .count();
    assert_eq!((sdn, ssi), (1, 1), "{}", both.stdout);
    // Both VTB entries of ent_num 17013 answer for the subject on both OFAC lists.
    let vtb = scratch.run(&["status", "US-OFAC:17013", "--on", "2026-03-02", "--json"]);
    let vtb = vtb.exits(0).json();
    let entries = vtb["entities"].as_array().expect("entities");
    assert_eq!(entries.len(), 2, "{vtb}");
    for entity in entries {
        let subject = &entity["subject"];
        assert_eq!(
            subject["members"].as_array().map(Vec::len),
            Some(2),
            "{vtb}"
        );
        assert_eq!(subject["statuses"][0]["status"], "listed");
        assert_eq!(
            subject["statuses"][0]["through"],
            serde_json::json!(["US-OFAC/SDN 17013", "US-OFAC/SSI 17013"])
        );
    }
}

#[test]
fn timeline_adds_the_periods_of_the_subject_of_linked_entries() {
    let scratch = Scratch::new("subject-timeline");
    three_lists_to_link(&scratch);
    let alone = scratch
        .run(&["timeline", "UN:KPe.020", "--json"])
        .exits(0)
        .json();
    assert!(alone["entities"][0]["subject"].is_null(), "{alone}");
    scratch
        .run(&["link", "--apply", "--recorded", "2026-03-02T00:00:00Z"])
        .exits(0);
    let text = scratch.run(&["timeline", "UN:KPe.020"]);
    let lines: Vec<&str> = text.exits(0).stdout.lines().collect();
    // Its own periods: the UN listing only.
    assert!(
        lines[2].starts_with("UN         listed  2014-07-28"),
        "{}",
        text.stdout
    );
    assert_eq!(
        lines[3],
        "# one subject with the entries these links join; the subject's periods follow"
    );
    assert_eq!(
        lines[4],
        "#   OCEAN MARITIME MANAGEMENT COMPANY LIMITED [US-OFAC/SDN 17068] = OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM) [UN/CONSOLIDATED KPe.020] from 2014-07-28"
    );
    // The subject's: the UN listing and the SDN listing of the linked entry.
    assert!(
        lines[6].starts_with("UN         listed  2014-07-28"),
        "{}",
        text.stdout
    );
    assert!(
        lines[7].starts_with("US-OFAC    listed  2024-05-03"),
        "{}",
        text.stdout
    );
    let json = scratch
        .run(&["timeline", "UN:KPe.020", "--json"])
        .exits(0)
        .json();
    let subject = &json["entities"][0]["subject"];
    assert_eq!(
        subject["members"].as_array().map(Vec::len),
        Some(2),
        "{json}"
    );
    assert_eq!(subject["authorities"][1]["authority"], "US-OFAC");
    assert_eq!(subject["links"][0]["from"], "2014-07-28");
}

#[test]
fn link_proposes_then_records_links_between_lists_once() {
    let scratch = Scratch::new("link");
    three_lists_to_link(&scratch);
    let proposed = scratch.run(&["link", "--recorded", "2026-03-02T00:00:00Z"]);
    let lines: Vec<&str> = proposed.exits(0).stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", proposed.stdout);
    assert!(lines[0].starts_with("link      2014-07-28  OCEAN MARITIME MANAGEMENT"));
    assert!(lines[0].ends_with("(imo-company:1790183)"), "{}", lines[0]);
    assert!(lines[1].ends_with("(list:US-OFAC:17013)"), "{}", lines[1]);
    // The two OFAC entries share ent_num 17013; each is named by its own list.
    assert!(
        lines[1].contains("[US-OFAC/SDN 17013] = ") && lines[1].contains("[US-OFAC/SSI 17013]"),
        "{}",
        lines[1]
    );
    assert!(
        lines[0].contains("[UN/CONSOLIDATED KPe.020]"),
        "{}",
        lines[0]
    );
    assert_eq!(
        lines[2],
        "2 links proposed, 0 conflicts (record them with --apply)"
    );
    // Nothing was written: the feed has no link yet.
    let feed = scratch.run(&["changes"]);
    assert!(
        !feed.exits(0).stdout.contains("  link  "),
        "{}",
        feed.stdout
    );

    let applied = scratch.run(&["link", "--apply", "--recorded", "2026-03-02T00:00:00Z"]);
    assert!(
        applied
            .exits(0)
            .stdout
            .ends_with("2 links recorded, 0 conflicts\n"),
        "{}",
        applied.stdout
    );
    let feed = scratch.run(&["changes"]);
    let recorded: Vec<&str> = feed
        .exits(0)
        .stdout
        .lines()
        .filter(|l| l.split_whitespace().nth(2) == Some("link"))
        .collect();
    assert_eq!(recorded.len(), 2, "{}", feed.stdout);
    assert!(recorded[0].ends_with(
        "OCEAN MARITIME MANAGEMENT COMPANY LIMITED = OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM) (imo-company:1790183)"
    ));
    let again = scratch.run(&["link", "--recorded", "2026-03-03T00:00:00Z"]);
    assert_eq!(
        again.exits(0).stdout,
        "0 links proposed, 0 conflicts (record them with --apply)\n"
    );
    // `IMO:` finds a company's IMO number too (the OFAC and the UN entry of OMM), not only a
    // ship's: a subject the ledger knows is never "not known".
    let found = scratch.run(&["find", "IMO:1790183"]);
    let stdout = found.exits(0).stdout.clone();
    assert!(stdout.contains("2 found"), "{stdout}");
    assert_eq!(
        stdout.matches("OCEAN MARITIME MANAGEMENT").count(),
        2,
        "{stdout}"
    );
    scratch
        .run(&["status", "IMO:1790183", "--on", "2026-03-02"])
        .exits(0);
}
/// Runs `args` (an import that must be refused) and checks that it exits 3 with a `refused:`
/// message naming `names`, prints nothing on standard output, and leaves the ledger file byte
/// for byte as it was.
#[track_caller]
fn refused(scratch: &Scratch, args: &[&str], names: &str) -> Run {
    let before = std::fs::read(scratch.ledger()).expect("the ledger file");
    let run = scratch.run(args);
    assert!(
        run.exits(3).stderr.starts_with("refused: "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(names), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert_eq!(
        std::fs::read(scratch.ledger()).expect("the ledger file"),
        before,
        "a refused import changed the ledger file"
    );
    run
}

/// The first half of a fixture, as an interrupted download leaves it, under its own name.
fn cut(scratch: &Scratch, path: &str) -> String {
    let whole = std::fs::read(fixture(path)).expect("the fixture");
    let name = Path::new(path).file_name().expect("a file name");
    let cut = scratch.0.join(name);
    std::fs::write(&cut, &whole[..whole.len() / 2]).expect("the cut file");
    cut.display().to_string()
}

#[test]
fn ofac_enhanced_xml_is_imported_plain_or_zipped_with_its_list_moves() {
    let scratch = Scratch::new("ofac-xml");
    let first = scratch.run(&[
        "import",
        "ofac-xml",
        &fixture("ofac_enhanced/cons_enhanced_2024-07-03.xml"),
        "--recorded",
        "2024-07-04T00:00:00Z",
    ]);
    assert_eq!(first.exits(0).stdout, "2024-07-03 +23 -0 ~0\n");

    // The zip of 2025-01-10 amends 5 of the 23 entries: refused unless confirmed.
    let zip = fixture("ofac_enhanced/CONS_ENHANCED_2025-01-10.zip");
    let args = [
        "import",
        "ofac-xml",
        &zip,
        "--recorded",
        "2025-01-11T00:00:00Z",
    ];
    let guard = refused(&scratch, &args, "CONS_ENHANCED_2025-01-10.zip");
    assert!(guard.stderr.contains("would amend"), "{}", guard.stderr);
    let second = scratch.run(&[&args[..], &["--allow-mass-amendment"]].concat());
    assert_eq!(
        second.exits(0).stdout,
        "2025-01-10 +4 -1 ~5\n  \
         moved 17016 GAZPROMBANK JOINT STOCK COMPANY: US-OFAC/NS-MBS -> US-OFAC/SDN on 2024-11-21\n  \
         moved 17143 PUBLIC JOINT STOCK COMPANY GAZPROM NEFT: US-OFAC/NS-MBS -> US-OFAC/SDN on 2025-01-10\n"
    );
    let gazprombank = scratch.run(&["status", "US-OFAC:17016", "--on", "2025-01-10"]);
    assert!(
        gazprombank.exits(0).stdout.starts_with("US-OFAC listed\n"),
        "{}",
        gazprombank.stdout
    );

    // The file of 2026-01-08 cut in half, even with every guard lifted.
    let half = cut(&scratch, "ofac_enhanced/cons_enhanced_2026-01-08.xml");
    let truncated = refused(
        &scratch,
        &[
            "import",
            "ofac-xml",
            &half,
            "--allow-mass-amendment",
            "--allow-mass-delisting",
        ],
        "cons_enhanced_2026-01-08.xml line ",
    );
    assert!(
        truncated.stderr.contains("truncated"),
        "{}",
        truncated.stderr
    );
    let json = scratch.run(&[
        "--json",
        "import",
        "ofac-xml",
        &fixture("ofac_enhanced/cons_enhanced_2026-01-08.xml"),
        "--allow-mass-amendment",
        "--recorded",
        "2026-01-09T00:00:00Z",
    ]);
    let json = json.exits(0).json();
    assert_eq!(json["date"], "2026-01-08");
    assert_eq!(json["moved"], 0);
    assert_eq!(json["appended"], json["changes"]);
    assert!(json["digest"].is_string());
}

#[test]
fn eu_and_uk_lists_are_imported_and_their_delistings_guarded() {
    let scratch = Scratch::new("eu-uk");
    let eu = scratch.run(&[
        "import",
        "eu",
        &fixture("eu/fsf_2026-08-05.xml"),
        "--recorded",
        "2026-08-06T00:00:00Z",
    ]);
    assert_eq!(eu.exits(0).stdout, "2026-08-05 +4 -0 ~0\n");
    // One delisting and one amendment of four entries in force are too many for the guards:
    // each must be lifted on its own.
    let next = fixture("eu/fsf_2026-08-12.xml");
    let args = ["import", "eu", &next, "--recorded", "2026-08-13T00:00:00Z"];
    let guard = refused(&scratch, &args, "fsf_2026-08-12.xml");
    assert!(guard.stderr.contains("would delist"), "{}", guard.stderr);
    let delisting = ["--allow-mass-delisting"];
    let guard = refused(
        &scratch,
        &[&args[..], &delisting].concat(),
        "fsf_2026-08-12.xml",
    );
    assert!(guard.stderr.contains("would amend"), "{}", guard.stderr);
    let both = ["--allow-mass-delisting", "--allow-mass-amendment"];
    let dry = scratch.run(&[&args[..], &both, &["--dry-run"]].concat());
    assert_eq!(dry.exits(0).stdout, "2026-08-12 +1 -1 ~1\n");
    assert_eq!(dry.stderr, "dry run: 4 changes not written\n");
    let eu = scratch.run(&[&args[..], &both].concat());
    assert_eq!(eu.exits(0).stdout, dry.stdout);
    let again = scratch.run(&[&args[..], &both].concat());
    assert_eq!(again.exits(0).stdout, "2026-08-12 +0 -0 ~0\n");

    // The UK list, XML then CSV (the same parser, told apart by the first bytes).
    let uk = scratch.run(&[
        "import",
        "uk",
        &fixture("uk/uk_sanctions_list_2026-09-10.xml"),
        "--recorded",
        "2026-09-11T00:00:00Z",
    ]);
    assert_eq!(uk.exits(0).stdout, "2026-09-10 +5 -0 ~0\n");
    let half = cut(&scratch, "uk/uk_sanctions_list_2026-09-17.csv");
    refused(
        &scratch,
        &[
            "import",
            "uk",
            &half,
            "--allow-mass-delisting",
            "--allow-mass-amendment",
        ],
        "uk_sanctions_list_2026-09-17.csv line ",
    );
    let csv = scratch.run(&[
        "import",
        "uk",
        &fixture("uk/uk_sanctions_list_2026-09-17.csv"),
        "--allow-mass-delisting",
        "--allow-mass-amendment",
        "--recorded",
        "2026-09-18T00:00:00Z",
    ]);
    assert_eq!(csv.exits(0).stdout, "2026-09-17 +1 -1 ~1\n");
    let ship = scratch.run(&["status", "UK:RUS9901", "--on", "2026-09-17"]);
    assert!(
        ship.exits(0).stdout.starts_with("UK listed\n"),
        "{}",
        ship.stdout
    );
}

#[test]
fn an_empty_or_cut_file_is_refused_by_every_importer() {
    let scratch = Scratch::new("empty");
    scratch
        .run(&[
            "import",
            "un",
            &fixture("un/un_consolidated_2018-08-24.xml"),
            "--recorded",
            "2018-08-25T00:00:00Z",
        ])
        .exits(0);
    let empty = scratch.0.join("list.xml");
    std::fs::write(&empty, b"").unwrap_or_else(|e| panic!("{}: {e}", empty.display()));
    let empty = empty.display().to_string();
    let formats: [&[&str]; 5] = [
        &["ofac-xml"],
        &["eu"],
        &["uk"],
        &["un"],
        &["ftm", "--on", "2018-10-29"],
    ];
    for format in formats {
        let args = [
            &["import"],
            format,
            &[empty.as_str(), "--allow-mass-delisting"],
        ]
        .concat();
        let run = refused(&scratch, &args, "list.xml");
        assert!(
            run.stderr.contains("is empty"),
            "{format:?}: {}",
            run.stderr
        );
        // A refused first import leaves no ledger file behind.
        let fresh = Scratch::new("empty-fresh");
        fresh.run(&args).exits(3);
        assert!(!fresh.ledger().exists(), "{format:?}");
    }
    let half = cut(&scratch, "un/un_consolidated_2018-10-29.xml");
    refused(
        &scratch,
        &["import", "un", &half],
        "un_consolidated_2018-10-29.xml line ",
    );
}

#[test]
fn follow_the_money_is_imported_on_a_date_and_its_cut_file_refused() {
    let scratch = Scratch::new("ftm");
    let zala = fixture("ftm/zala.ftm.json");
    let args = [
        "import",
        "ftm",
        &zala,
        "--on",
        "2026-08-11",
        "--recorded",
        "2026-08-12T00:00:00Z",
    ];
    let first = scratch.run(&args);
    let lines: Vec<&str> = first.exits(0).stdout.lines().collect();
    assert!(
        lines.contains(&"EU FTM list 2026-08-11 +2 -0 ~0"),
        "{}",
        first.stdout
    );
    assert!(
        lines.contains(&"US-OFAC FTM list 2026-08-11 +2 -0 ~0"),
        "{}",
        first.stdout
    );
    assert_eq!(lines.last(), Some(&"30 changes, 30 appended"));
    // Sanctions of authorities the crate does not know are named on standard error.
    assert!(
        first
            .stderr
            .contains("not imported: no authority known by [\"Direction Générale du Trésor\"]"),
        "{}",
        first.stderr
    );
    let zakharov = scratch.run(&["status", "EU:EU.12789.10", "--on", "2026-08-11"]);
    assert!(
        zakharov.exits(0).stdout.starts_with("EU listed\n"),
        "{}",
        zakharov.stdout
    );
    let again = scratch.run(&args);
    assert_eq!(
        again.exits(0).stdout,
        "9 snapshots unchanged\n0 changes, 0 appended\n"
    );

    let half = cut(&scratch, "ftm/zala.ftm.json");
    let truncated = refused(
        &scratch,
        &["import", "ftm", &half, "--on", "2026-08-12"],
        "zala.ftm.json line ",
    );
    assert!(
        truncated.stderr.contains("truncated"),
        "{}",
        truncated.stderr
    );
    // A history's own dates say what it delists: the guards cannot be lifted for it.
    scratch
        .run(&[
            "import",
            "ftm",
            &zala,
            "--history",
            "--allow-mass-delisting",
        ])
        .exits(2);
    scratch.run(&["import", "ftm", &zala]).exits(2);
}

#[test]
fn the_seed_exports_as_follow_the_money_lines_and_imports_back() -> TestResult {
    let scratch = Scratch::new("export");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/belavia.jsonl"),
        scratch.ledger(),
    )?;
    let lines = |text: &str| -> TestResult<Vec<serde_json::Value>> {
        let mut entities = Vec::new();
        for line in text.lines() {
            let entity: serde_json::Value = serde_json::from_str(line)?;
            assert!(entity["id"].is_string(), "{line}");
            assert!(entity["properties"].is_object(), "{line}");
            entities.push(entity);
        }
        Ok(entities)
    };
    let is_belavia = |entity: &serde_json::Value| {
        entity["schema"] == "Organization"
            && entity["properties"]["name"][0] == "Belavia Belarusian Airlines"
    };

    let on = scratch.run(&["export", "ftm", "--on", "2025-10-01"]);
    let entities = lines(&on.exits(0).stdout)?;
    assert_eq!(entities.iter().filter(|e| is_belavia(e)).count(), 1);
    // Listed by the EU and the US that day: one `Sanction` each, without end dates.
    let sanctions: Vec<_> = entities
        .iter()
        .filter(|e| e["schema"] == "Sanction")
        .collect();
    assert_eq!(sanctions.len(), 2, "{}", on.stdout);
    assert!(sanctions
        .iter()
        .all(|s| s["properties"]["endDate"].is_null()));
    assert!(on.stderr.contains("FtM entities (state on 2025-10-01)"));

    // The history, to a file; the US delisting of 2025-11-04 is its end date.
    let file = scratch.0.join("belavia.ftm.json");
    std::fs::write(&file, "an older export\n")?;
    let path = file.display().to_string();
    let history = scratch.run(&["--digest", "export", "ftm", "--history", "-o", &path]);
    assert!(
        history
            .exits(0)
            .stdout
            .contains(&format!("FtM entities (history) written to {path}\n")),
        "{}",
        history.stdout
    );
    assert!(history.stdout.contains("\ndigest: "), "{}", history.stdout);
    let text = std::fs::read_to_string(&file)?;
    let entities = lines(&text)?;
    assert!(entities.iter().any(is_belavia));
    assert!(
        entities
            .iter()
            .any(|e| e["properties"]["endDate"][0] == "2025-11-04"),
        "{text}"
    );
    // Nothing but the export is left beside it.
    let names: Vec<_> = std::fs::read_dir(&scratch.0)?
        .map(|entry| entry.map(|e| e.file_name()))
        .collect::<Result<_, _>>()?;
    assert_eq!(names.len(), 2, "{names:?}");

    // As known before the US licence was recorded, the export is a different one.
    let then = scratch.run(&["export", "ftm", "--known-at", "2025-09-12T00:00:00Z"]);
    assert_ne!(then.exits(0).stdout, text);

    // The history imports into a new ledger, with the US delisting on its date.
    let other = Scratch::new("export-import");
    let imported = other.run(&[
        "import",
        "ftm",
        &path,
        "--history",
        "--recorded",
        "2026-01-01T00:00:00Z",
    ]);
    assert!(
        imported
            .exits(0)
            .stdout
            .starts_with("EU FTM-CONSOLIDATED list 2021-12-02 +1 -0 ~0\n"),
        "{}",
        imported.stdout
    );
    // Each authority's `Sanction`s are its own list entries, keyed by the exported entity id.
    let us = "US-OFAC:sl-entity-e8c59ed6-5594-5d9c-920c-4be5327c219f";
    for (on, status) in [
        ("2025-10-01", "US-OFAC listed-licensed\n"),
        ("2025-11-04", "US-OFAC not-listed\n"),
    ] {
        let run = other.run(&["status", us, "--on", on]);
        assert!(
            run.exits(0).stdout.starts_with(status),
            "{on}: {}",
            run.stdout
        );
    }
    Ok(())
}
