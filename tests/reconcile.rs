//! Reconciling successive OFAC SDN snapshots (trimmed real files) with a ledger.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;

use sanctions_ledger::chrono::{DateTime, NaiveDate, Utc};
use sanctions_ledger::import::ofac::{self, SdnFiles};
use sanctions_ledger::import::{
    apply_snapshot, reconcile, Field, ImportError, Outcome, ReconcileOptions, Reconciliation,
    Snapshot,
};
use sanctions_ledger::{
    Authority, ChangeKind, Country, Document, DocumentKind, Identifier, Ledger, ObservationWindow,
};

const FILES: [&str; 3] = [
    "sdn_2023-08-03.csv",
    "sdn_2023-08-09.csv",
    "sdn_2023-09-06.csv",
];

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ofac")
        .join(name)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// The ledger learns of a snapshot at noon on its date; `extra` minutes later for re-imports.
fn noon(date: NaiveDate, extra: i64) -> DateTime<Utc> {
    date.and_hms_opt(12, 0, 0).expect("valid time").and_utc()
        + sanctions_ledger::chrono::TimeDelta::minutes(extra)
}

fn sdn(name: &str) -> Snapshot {
    let path = path(name);
    ofac::read_sdn(&path, ofac::date_from_file_name(&path).expect("dated")).expect("parses")
}

fn ids(found: &Reconciliation, pick: fn(&Outcome) -> bool) -> BTreeSet<String> {
    found
        .report
        .iter()
        .filter(|r| pick(&r.outcome))
        .map(|r| r.id.clone())
        .collect()
}

fn entry_ids(snapshot: &Snapshot) -> BTreeSet<String> {
    snapshot.entries().map(|e| e.id.clone()).collect()
}

/// Replays the three fixtures, returning the ledger and each reconciliation.
fn replay() -> (Ledger, Vec<Reconciliation>) {
    let mut ledger = Ledger::new();
    let mut found = Vec::new();
    for name in FILES {
        let snapshot = sdn(name);
        let (rec, applied) = apply_snapshot(
            &mut ledger,
            &snapshot,
            &ReconcileOptions::new(noon(snapshot.date(), 0)),
        )
        .expect("applies");
        assert_eq!(applied.appended, rec.changes.len());
        found.push(rec);
    }
    (ledger, found)
}

#[test]
fn replay_finds_the_additions_removals_and_amendments_between_snapshots() {
    let (ledger, found) = replay();
    let snaps: Vec<Snapshot> = FILES.iter().map(|n| sdn(n)).collect();
    let is_new = |o: &Outcome| matches!(o, Outcome::Designated { .. });
    let is_gone = |o: &Outcome| matches!(o, Outcome::Delisted { .. });

    // First snapshot: every entry designated, in force "on or before" its date.
    assert_eq!(found[0].designations(), snaps[0].len());
    assert_eq!((found[0].delistings(), found[0].amendments()), (0, 0));

    // Additions and removals are exactly the set differences of ent_nums.
    for i in 1..3 {
        let (before, after) = (entry_ids(&snaps[i - 1]), entry_ids(&snaps[i]));
        let added: BTreeSet<String> = after.difference(&before).cloned().collect();
        let removed: BTreeSet<String> = before.difference(&after).cloned().collect();
        assert_eq!(ids(&found[i], is_new), added, "{}", FILES[i]);
        assert_eq!(ids(&found[i], is_gone), removed, "{}", FILES[i]);
    }
    assert_eq!(found[1].designations(), 17);
    assert!(ids(&found[1], is_new).is_superset(&["44541".to_owned(), "44580".to_owned()].into()));
    assert_eq!(
        (
            found[2].designations(),
            found[2].delistings(),
            found[2].amendments()
        ),
        (5, 9, 6)
    );

    // The state on each snapshot's date holds exactly its entries.
    let now = ledger.current();
    for snapshot in &snaps {
        let state = now.state_on(snapshot.date());
        assert_eq!(
            state.designations.len(),
            snapshot.len(),
            "{}",
            snapshot.file()
        );
    }

    // Belavia: listed from 2023-08-09 under BELARUS-EO14038, not before.
    let belavia = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "44541"));
    assert_eq!(belavia.len(), 1);
    assert!(!now
        .is_listed(belavia[0], &Authority::US_OFAC, day(2023, 8, 8))
        .unwrap());
    let status = now
        .status(belavia[0], &Authority::US_OFAC, day(2023, 8, 9))
        .unwrap();
    let designation = now
        .designation_on(status.designations()[0], day(2023, 8, 9))
        .expect("in force");
    assert_eq!(
        designation
            .terms
            .programs
            .iter()
            .map(sanctions_ledger::Program::code)
            .collect::<Vec<_>>(),
        ["BELARUS-EO14038"]
    );
    let aircraft = now.find_by_identifier(&Identifier::AircraftRegistration("ew 301pj".into()));
    assert_eq!(aircraft.len(), 1);
    assert!(now
        .is_listed(aircraft[0], &Authority::US_OFAC, day(2023, 8, 9))
        .unwrap());

    // 28183 FLYING DRAGON was removed by 2023-09-06.
    let dragon = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "28183"));
    assert!(now
        .is_listed(dragon[0], &Authority::US_OFAC, day(2023, 9, 5))
        .unwrap());
    assert!(!now
        .is_listed(dragon[0], &Authority::US_OFAC, day(2023, 9, 6))
        .unwrap());
}

#[test]
fn undated_changes_carry_their_observation_window() {
    let (_, found) = replay();
    let window = |rec: &Reconciliation| -> HashSet<Option<ObservationWindow>> {
        rec.changes.iter().map(|c| c.window).collect()
    };
    assert_eq!(
        window(&found[0]),
        [Some(ObservationWindow::new(None, day(2023, 8, 3)))].into()
    );
    assert_eq!(
        window(&found[1]),
        [Some(ObservationWindow::new(
            Some(day(2023, 8, 3)),
            day(2023, 8, 9)
        ))]
        .into()
    );
    assert_eq!(
        window(&found[2]),
        [Some(ObservationWindow::new(
            Some(day(2023, 8, 9)),
            day(2023, 9, 6)
        ))]
        .into()
    );
    assert!(found[2]
        .changes
        .iter()
        .all(|c| c.effective == day(2023, 9, 6)));
    assert_eq!(found[2].previous, Some(day(2023, 8, 9)));
}

#[test]
fn amendments_say_which_fields_changed_and_whether_legally() {
    let (ledger, found) = replay();
    let fields = |id: &str| -> Vec<Field> {
        found[2]
            .report
            .iter()
            .find_map(|r| match (&r.outcome, r.id == id) {
                (Outcome::Amended { fields, .. }, true) => Some(fields.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{id} is not amended"))
    };
    // 30610 AKHMAT KADYROV FOUNDATION: RUSSIA-EO14024 added, a tax id added to the remarks
    // (and so to the typed identifiers).
    assert_eq!(
        fields("30610"),
        [Field::Identifiers, Field::Details, Field::Programs]
    );
    let now = ledger.current();
    let tax_id = Identifier::Document(
        Document::new(DocumentKind::TaxId, "2005504830")
            .with_country(Country::new("RU").expect("code")),
    );
    let holders = now.find_by_identifier(&tax_id);
    assert_eq!(
        holders,
        now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "30610"))
    );
    // 12793 SHAHRIYARI: more dates of birth and two passports in the remarks.
    assert_eq!(fields("12793"), [Field::Identifiers, Field::Details]);
    let legal: BTreeSet<&str> = found[2]
        .report
        .iter()
        .filter(|r| r.is_legal_amendment())
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(legal, ["30610", "32736", "32745", "32814", "32851"].into());

    // The legal change is an AmendDesignation in force from 2023-09-06.
    let kadyrov = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "30610"))[0];
    let codes = |date| {
        let status = now.status(kadyrov, &Authority::US_OFAC, date).unwrap();
        let d = now
            .designation_on(status.designations()[0], date)
            .expect("in force");
        d.terms
            .programs
            .iter()
            .map(|p| p.code().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(day(2023, 9, 5)), ["GLOMAG"]);
    assert_eq!(codes(day(2023, 9, 6)), ["GLOMAG", "RUSSIA-EO14024"]);
    let kinds: BTreeSet<&str> = found[2].changes.iter().map(|c| c.kind.name()).collect();
    assert_eq!(
        kinds,
        [
            "amend_designation",
            "amend_entity",
            "delist",
            "designate",
            // Two `Linked To:` links end with their entries, two begin.
            "end_relation",
            "register_entity",
            "relate"
        ]
        .into()
    );
}

#[test]
fn reimporting_any_snapshot_adds_nothing() {
    let (mut ledger, _) = replay();
    let len = ledger.len();
    for (i, name) in FILES.iter().enumerate() {
        let snapshot = sdn(name);
        let again =
            ReconcileOptions::new(noon(day(2023, 9, 6), 10 + i64::try_from(i).expect("small")));
        let (found, applied) = apply_snapshot(&mut ledger, &snapshot, &again).expect("re-import");
        assert!(found.is_empty(), "{name}: {:?}", found.report);
        assert_eq!(applied.appended, 0);
    }
    assert_eq!(ledger.len(), len);
    // Applying the very same changes twice is a no-op too.
    let mut fresh = Ledger::new();
    let first = sdn(FILES[0]);
    let rec = reconcile(
        fresh.current(),
        &first,
        &ReconcileOptions::new(noon(first.date(), 0)),
    )
    .expect("ok");
    fresh.apply_batch(rec.changes.clone()).expect("applies");
    let applied = fresh.apply_batch(rec.changes.clone()).expect("no-op");
    assert_eq!(
        (applied.appended, applied.already_present),
        (0, rec.changes.len())
    );
}

#[test]
fn designations_name_their_list_and_ledgers_without_lists_stay_idempotent() {
    let (ledger, _) = replay();
    // Every designation the SDN files make is on the SDN list.
    let designates: Vec<&sanctions_ledger::Designation> = ledger
        .changes()
        .iter()
        .filter_map(|c| match &c.kind {
            ChangeKind::Designate { record, .. } => Some(&**record),
            _ => None,
        })
        .collect();
    assert!(!designates.is_empty());
    assert!(designates
        .iter()
        .all(|d| d.list == Some(sanctions_ledger::List::US_OFAC_SDN)));
    // A ledger written before lists were modelled (the same changes, no `list`): the same
    // files reconcile against it to nothing, so it stays idempotent.
    let mut document: serde_json::Value = serde_json::to_value(&ledger).expect("serialises");
    for change in document["changes"].as_array_mut().expect("changes") {
        if let Some(record) = change.pointer_mut("/kind/designate/record") {
            record.as_object_mut().expect("object").remove("list");
        }
    }
    let mut old = Ledger::from_json_str(&document.to_string()).expect("loads");
    assert_eq!(old.len(), ledger.len());
    for (i, name) in FILES.iter().enumerate() {
        let snapshot = sdn(name);
        let again =
            ReconcileOptions::new(noon(day(2023, 9, 6), 20 + i64::try_from(i).expect("small")));
        let (found, applied) = apply_snapshot(&mut old, &snapshot, &again).expect("re-import");
        assert!(found.is_empty(), "{name}: {:?}", found.report);
        assert_eq!(applied.appended, 0);
    }
}

#[test]
fn whitespace_and_alias_order_are_not_changes() {
    let original = std::fs::read(path(FILES[0])).expect("fixture");
    let alt = b"36,1,\"aka\",\"AEROCARIBE\",-0- \r\n36,2,\"aka\",\"CUBA AIR\",-0- \r\n\x1a";
    let alt_reordered =
        b"36,2,\"aka\",\"  CUBA   AIR \",-0- \r\n36,1,\"aka\",\"AEROCARIBE\",-0- \r\n\x1a";
    let spaced: Vec<u8> = String::from_utf8(original.clone())
        .expect("ascii")
        .replace(
            "\"AEROCARIBBEAN AIRLINES\"",
            "\" AEROCARIBBEAN   AIRLINES \"",
        )
        .into_bytes();
    let date = day(2023, 8, 3);
    let mut ledger = Ledger::new();
    let first = SdnFiles::new("a.csv", &original)
        .with_aliases("alt.csv", alt)
        .parse(date)
        .expect("ok");
    apply_snapshot(&mut ledger, &first, &ReconcileOptions::new(noon(date, 0))).expect("applies");
    let later = day(2023, 8, 4);
    let second = SdnFiles::new("b.csv", &spaced)
        .with_aliases("alt.csv", alt_reordered)
        .parse(later)
        .expect("ok");
    let found = reconcile(
        ledger.current(),
        &second,
        &ReconcileOptions::new(noon(later, 0)),
    )
    .expect("ok");
    assert!(found.is_empty(), "{:?}", found.report);
    // A real alias change is one.
    let first_line_end = alt.iter().position(|&b| b == b'\n').expect("a line");
    let one_alias = [&alt[..=first_line_end], b"\x1a"].concat();
    let third = SdnFiles::new("c.csv", &spaced)
        .with_aliases("alt.csv", &one_alias)
        .parse(later)
        .expect("ok");
    let found = reconcile(
        ledger.current(),
        &third,
        &ReconcileOptions::new(noon(later, 0)),
    )
    .expect("ok");
    assert_eq!(found.report.len(), 1);
    assert!(matches!(
        &found.changes[0].kind,
        ChangeKind::AmendEntity { .. }
    ));
    let Outcome::Amended {
        designation,
        fields,
        effective,
        window,
        ..
    } = &found.report[0].outcome
    else {
        panic!("{:?}", found.report[0])
    };
    assert_eq!(*designation, first_designation(&ledger, "36"));
    assert_eq!(fields, &[Field::Aliases]);
    assert_eq!(
        (*effective, *window),
        (later, Some(ObservationWindow::new(Some(date), later)))
    );
}

fn first_designation(ledger: &Ledger, ent: &str) -> sanctions_ledger::DesignationId {
    let now = ledger.current();
    let entity = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, ent))[0];
    now.status(entity, &Authority::US_OFAC, day(2023, 8, 3))
        .unwrap()
        .designations()[0]
}

#[test]
fn mass_delistings_are_refused_unless_allowed() {
    let (mut ledger, _) = replay();
    let data = std::fs::read(path(FILES[2])).expect("fixture");
    // A complete file (with its end byte) that holds only the first half of the entries: it
    // parses, but would delist the other half.
    let cut = data.len() / 2;
    let cut = data[..cut]
        .iter()
        .rposition(|&b| b == b'\n')
        .expect("a line")
        + 1;
    let half = [&data[..cut], b"\x1a"].concat();
    let later = day(2023, 10, 1);
    let half = SdnFiles::new("sdn_2023-10-01.csv", &half)
        .parse(later)
        .expect("parses");
    let options = ReconcileOptions::new(noon(later, 0));
    let err = apply_snapshot(&mut ledger, &half, &options).expect_err("refused");
    let ImportError::TooManyDelistings {
        delisted, in_force, ..
    } = err
    else {
        panic!("{err}")
    };
    assert_eq!(in_force, sdn(FILES[2]).len());
    assert_eq!(delisted, in_force - half.len());
    assert!(err_text(&half, &mut ledger, options).contains("more than the 10.0% allowed"));

    let (found, _) =
        apply_snapshot(&mut ledger, &half, &options.allow_mass_delisting()).expect("allowed");
    assert_eq!(found.delistings(), delisted);

    // The share is configurable: 2023-09-06 delists 9 of 128 (7%), refused at 5%.
    let mut ledger = Ledger::new();
    for name in &FILES[..2] {
        let s = sdn(name);
        apply_snapshot(&mut ledger, &s, &ReconcileOptions::new(noon(s.date(), 0)))
            .expect("applies");
    }
    let third = sdn(FILES[2]);
    let strict = ReconcileOptions::new(noon(third.date(), 0)).max_delist_share(0.05);
    assert!(matches!(
        apply_snapshot(&mut ledger, &third, &strict),
        Err(ImportError::TooManyDelistings {
            delisted: 9,
            in_force: 128,
            ..
        })
    ));
}

#[test]
fn a_share_that_is_not_a_number_does_not_switch_the_guards_off() {
    // `max_delist_share(f64::NAN)` (a share computed from bad input) let a file holding half
    // of the list delist the other half: every comparison with NaN is false.
    let (ledger, _) = replay();
    let data = std::fs::read(path(FILES[2])).expect("fixture");
    let cut = data[..data.len() / 2]
        .iter()
        .rposition(|&b| b == b'\n')
        .expect("a line")
        + 1;
    let half = [&data[..cut], b"\x1a"].concat();
    let later = day(2023, 10, 1);
    let half = SdnFiles::new("sdn_2023-10-01.csv", &half)
        .parse(later)
        .expect("parses");
    for share in [f64::NAN, -f64::NAN, -0.5] {
        let options = ReconcileOptions::new(noon(later, 0)).max_delist_share(share);
        let refused = apply_snapshot(&mut ledger.clone(), &half, &options)
            .map(|(found, _)| found.delistings());
        assert!(
            matches!(refused, Err(ImportError::TooManyDelistings { .. })),
            "{share}: {refused:?}"
        );
    }
    // A share below 0 allows none, and so refuses nothing that changes nothing.
    let again = day(2023, 10, 2);
    let same = SdnFiles::new(
        "sdn_2023-10-02.csv",
        &std::fs::read(path(FILES[2])).expect("fixture"),
    )
    .parse(again)
    .expect("parses");
    assert_eq!(same.len(), sdn(FILES[2]).len());
    let options = ReconcileOptions::new(noon(again, 0))
        .max_delist_share(-1.0)
        .max_amend_share(f64::NAN);
    let found = apply_snapshot(&mut ledger.clone(), &same, &options).expect("nothing to refuse");
    assert!(found.0.is_empty());
}

fn err_text(snapshot: &Snapshot, ledger: &mut Ledger, options: ReconcileOptions) -> String {
    apply_snapshot(ledger, snapshot, &options)
        .map(|_| ())
        .expect_err("refused")
        .to_string()
}

#[test]
fn older_snapshots_are_refused_once_newer_ones_are_in() {
    let (ledger, _) = replay();
    let path = path(FILES[1]);
    let old = ofac::read_sdn(&path, day(2023, 8, 5)).expect("parses");
    let err = reconcile(
        ledger.current(),
        &old,
        &ReconcileOptions::new(noon(day(2023, 9, 7), 0)),
    )
    .expect_err("old");
    assert!(
        matches!(err, ImportError::OutOfOrder { latest, .. } if latest == day(2023, 9, 6)),
        "{err}"
    );
}

#[test]
fn a_relisting_is_a_new_designation() {
    let text = String::from_utf8(std::fs::read(path(FILES[1])).expect("fixture")).expect("ascii");
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("44541,"))
        .flat_map(|l| [l, "\n"])
        .collect();
    let mut ledger = Ledger::new();
    let mut designations = Vec::new();
    for (d, body) in [(1, &text), (2, &without), (3, &text)] {
        let date = day(2023, 10, d);
        let snapshot = SdnFiles::new("s.csv", body.as_bytes())
            .parse(date)
            .expect("parses");
        let (found, _) = apply_snapshot(
            &mut ledger,
            &snapshot,
            &ReconcileOptions::new(noon(date, 0)),
        )
        .expect("applies");
        designations.extend(
            found
                .report
                .iter()
                .filter(|r| r.id == "44541")
                .map(|r| r.outcome.clone()),
        );
    }
    let [Outcome::Designated { designation: a, .. }, Outcome::Delisted {
        designation: b,
        effective: delisted,
        window,
        ..
    }, Outcome::Designated {
        designation: c,
        effective,
        ..
    }] = designations.as_slice()
    else {
        panic!("{designations:?}")
    };
    // The delisting says when it was observed, like the designation.
    assert_eq!(
        (*delisted, *window),
        (
            day(2023, 10, 2),
            Some(ObservationWindow::new(
                Some(day(2023, 10, 1)),
                day(2023, 10, 2)
            ))
        )
    );
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_eq!(*effective, day(2023, 10, 3));
    let now = ledger.current();
    let belavia = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "44541"))[0];
    let listed: Vec<bool> = (1..=3)
        .map(|d| {
            now.is_listed(belavia, &Authority::US_OFAC, day(2023, 10, d))
                .unwrap()
        })
        .collect();
    assert_eq!(listed, [true, false, true]);
}

#[test]
fn an_empty_snapshot_is_refused() {
    let snapshot = Snapshot::new(
        Authority::US_OFAC,
        "SDN",
        day(2023, 8, 3),
        "none.csv",
        false,
    );
    let err = reconcile(
        Ledger::new().current(),
        &snapshot,
        &ReconcileOptions::new(noon(day(2023, 8, 3), 0)),
    );
    assert!(matches!(err, Err(ImportError::Empty { .. })));
}

#[test]
fn a_snapshot_dated_after_its_recorded_day_is_refused_and_blocks_nothing() {
    let snapshot = sdn(FILES[0]); // 2023-08-03
    let mut ledger = Ledger::new();
    // Recorded two days before the list's date: the date or the instant is wrong.
    let early = ReconcileOptions::new(noon(day(2023, 8, 1), 0));
    let err = reconcile(ledger.current(), &snapshot, &early).expect_err("dated after recorded");
    assert!(
        matches!(&err, ImportError::DatedAfterRecorded { date, .. } if *date == day(2023, 8, 3)),
        "{err}"
    );
    assert_eq!(err.file(), Some(snapshot.file()));
    assert!(
        err.to_string()
            .contains("cannot be captured before its date"),
        "{err}"
    );
    // A day of slack for time zones: recorded on 2023-08-02 is accepted.
    let slack = ReconcileOptions::new(noon(day(2023, 8, 2), 0));
    assert!(reconcile(ledger.current(), &snapshot, &slack).is_ok());
    // The refusal left nothing behind: the genuine snapshot of 2023-08-03 and the next one
    // import in order.
    apply_snapshot(
        &mut ledger,
        &snapshot,
        &ReconcileOptions::new(noon(day(2023, 8, 3), 0)),
    )
    .expect("the genuine snapshot");
    let next = sdn(FILES[1]);
    apply_snapshot(
        &mut ledger,
        &next,
        &ReconcileOptions::new(noon(day(2023, 8, 9), 0)),
    )
    .expect("the next snapshot");
    // A history that states dates still to come opts out.
    let ahead = early.allow_dated_after_recorded();
    assert!(reconcile(Ledger::new().current(), &snapshot, &ahead).is_ok());
}
