//! The three newer sources through snapshots and reconciliation, on the fixtures: OFAC's
//! ENHANCED XML (the trimmed real Consolidated list of 2024-07-03, 2025-01-10 and 2026-01-08),
//! the EU Financial Sanctions Files and the UK Sanctions List (structure-exact fixtures, see
//! `tests/fixtures/README.md`). Additions, removals, amendments, list moves and the dates each
//! source gives.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use sanctions_ledger::chrono::{DateTime, NaiveDate, Utc};
use sanctions_ledger::import::{
    apply_snapshot, eu, ofac_enhanced, reconcile, uk, Field, ImportError, Outcome,
    ReconcileOptions, Reconciliation, Snapshot, WarningKind,
};
use sanctions_ledger::{
    Authority, ChangeKind, Designation, Identifier, Ledger, List, Measure, ObservationWindow,
    StatusKind, View,
};

fn path(dir: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir)
        .join(name)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// The ledger learns of a snapshot at noon on its date, `extra` minutes later for re-imports.
fn noon(date: NaiveDate, extra: i64) -> DateTime<Utc> {
    date.and_hms_opt(12, 0, 0).expect("valid time").and_utc()
        + sanctions_ledger::chrono::TimeDelta::minutes(extra)
}

fn enhanced(name: &str) -> Snapshot {
    ofac_enhanced::read(&path("ofac_enhanced", name))
        .expect("parses")
        .snapshot()
        .expect("a CONS_ENHANCED file")
}

fn eu_snapshot(name: &str) -> Snapshot {
    eu::read(&path("eu", name)).expect("parses").snapshot()
}

fn uk_snapshot(name: &str) -> Snapshot {
    uk::read(&path("uk", name)).expect("parses").snapshot()
}

/// Applies each snapshot in turn, re-importing each to check it adds nothing. The fixtures are
/// a few entries each, so one removal is a large share: the guards are lifted here and tested
/// on their own.
fn replay(snapshots: &[Snapshot]) -> (Ledger, Vec<Reconciliation>) {
    let mut ledger = Ledger::new();
    let mut found = Vec::new();
    for snapshot in snapshots {
        let options = ReconcileOptions::new(noon(snapshot.date(), 0))
            .allow_mass_delisting()
            .allow_mass_amendment();
        let (rec, applied) = apply_snapshot(&mut ledger, snapshot, &options).expect("applies");
        assert_eq!(applied.appended, rec.changes.len());
        let again = reconcile(
            ledger.current(),
            snapshot,
            &ReconcileOptions::new(noon(snapshot.date(), 1)),
        )
        .expect("reconciles again");
        assert!(
            again.is_empty(),
            "re-import of {}: {:?}",
            snapshot.file(),
            again.report
        );
        found.push(rec);
    }
    (ledger, found)
}

/// `(id, list code)` of the reports whose outcome `pick` selects.
fn reported(found: &Reconciliation, pick: fn(&Outcome) -> bool) -> BTreeSet<(String, String)> {
    found
        .report
        .iter()
        .filter(|r| pick(&r.outcome))
        .map(|r| {
            let list = r.outcome.list().map_or("-", List::code);
            (r.id.clone(), list.to_owned())
        })
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    items
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

fn outcome<'a>(found: &'a Reconciliation, id: &str, list: &List) -> &'a Outcome {
    &found
        .report
        .iter()
        .find(|r| r.id == id && r.outcome.list() == Some(list))
        .unwrap_or_else(|| panic!("no report for {id} on {list}: {:?}", found.report))
        .outcome
}

/// The `Designate` change of designation `id`.
fn designate(view: View<'_>, id: sanctions_ledger::DesignationId) -> &sanctions_ledger::Change {
    view.changes()
        .find(
            |c| matches!(&c.kind, ChangeKind::Designate { designation, .. } if *designation == id),
        )
        .expect("designated")
}

const ENHANCED: [&str; 3] = [
    "cons_enhanced_2024-07-03.xml",
    "cons_enhanced_2025-01-10.xml",
    "cons_enhanced_2026-01-08.xml",
];

fn enhanced_replay() -> (Ledger, Vec<Reconciliation>, Vec<Snapshot>) {
    let snapshots: Vec<Snapshot> = ENHANCED.iter().map(|n| enhanced(n)).collect();
    let (ledger, found) = replay(&snapshots);
    (ledger, found, snapshots)
}

// ---- OFAC ENHANCED XML ----

#[test]
fn an_enhanced_entity_is_one_entry_per_list_with_the_measures_of_the_list() {
    let snapshot = enhanced(ENHANCED[0]);
    assert_eq!(
        (snapshot.list(), snapshot.date()),
        ("CONS", day(2024, 7, 3))
    );
    assert!(snapshot.is_dated());
    // Gazprombank, 2024-07-03: on the SSI and NS-MBS lists, restricted on both, not blocked.
    let gpb: Vec<(Option<List>, Vec<Measure>, Option<NaiveDate>)> = snapshot
        .memberships("17016")
        .iter()
        .map(|e| (e.list.clone(), e.measures.clone(), e.listed_on))
        .collect();
    assert_eq!(
        gpb,
        [
            (
                Some(List::US_OFAC_NS_MBS),
                vec![Measure::Sectoral],
                Some(day(2022, 2, 24))
            ),
            (
                Some(List::US_OFAC_SSI),
                vec![Measure::Sectoral],
                Some(day(2014, 7, 16))
            ),
        ]
    );
    // Programs by list: the SSI tag on SSI, the Russia program on the menu-based list.
    let program = |list: &List| -> Vec<String> {
        let entry = snapshot.get_on("17016", list).expect("member");
        entry.programs.iter().map(|p| p.code().to_owned()).collect()
    };
    assert_eq!(program(&List::US_OFAC_SSI), ["UKRAINE-EO13662"]);
    assert_eq!(program(&List::US_OFAC_NS_MBS), ["RUSSIA-EO14024"]);
    // Every list of the file, and its measure: a block on the SDN list only.
    let mut measures: BTreeMap<String, BTreeSet<Measure>> = BTreeMap::new();
    for entry in snapshot.entries() {
        let list = entry.list.as_ref().expect("on a list").code().to_owned();
        measures
            .entry(list)
            .or_default()
            .extend(entry.measures.clone());
    }
    let reject = Measure::Other("reject: transactions refused, property not blocked".into());
    let expected: BTreeMap<String, BTreeSet<Measure>> = [
        ("CAPTA", Measure::Sectoral),
        ("FSE", reject.clone()),
        ("NS-CMIC", Measure::InvestmentBan),
        ("NS-MBS", Measure::Sectoral),
        ("NS-PLC", reject),
        ("SDN", Measure::AssetFreeze),
        ("SSI", Measure::Sectoral),
    ]
    .into_iter()
    .map(|(l, m)| (l.to_owned(), BTreeSet::from([m])))
    .collect();
    assert_eq!(measures, expected);
    // The whole Consolidated list is the publication, not a list an entry is on.
    assert!(snapshot
        .entries()
        .all(|e| e.list.as_ref().is_some_and(|l| l.code() != "CONS")));
    assert!(!snapshot.covers(&List::US_OFAC_SDN));
    assert!(snapshot.covers(&List::US_OFAC_SSI));
    // Only relationships to entities the file does not hold (HAMAS, VTB Bank, ...).
    assert!(
        snapshot
            .warnings()
            .iter()
            .all(|w| matches!(w.kind, WarningKind::RelatedEntryMissing { .. })),
        "{:?}",
        snapshot.warnings()
    );
}

#[test]
fn the_zip_and_the_xml_are_the_same_snapshot() {
    let xml = enhanced(ENHANCED[1]);
    let zip = enhanced("CONS_ENHANCED_2025-01-10.zip");
    let entries = |s: &Snapshot| s.entries().cloned().collect::<Vec<_>>();
    assert_eq!(entries(&zip), entries(&xml));
    assert_eq!(zip.date(), xml.date());
}

#[test]
fn the_enhanced_replay_finds_additions_removals_amendments_and_moves() {
    let (_, found, _) = enhanced_replay();
    let is = |pick: fn(&Outcome) -> bool, i: usize| reported(&found[i], pick);
    let designated = |o: &Outcome| matches!(o, Outcome::Designated { .. });
    let delisted = |o: &Outcome| matches!(o, Outcome::Delisted { .. });
    let amended = |o: &Outcome| matches!(o, Outcome::Amended { .. });
    let moved = |o: &Outcome| matches!(o, Outcome::Moved { .. });

    // 2025-01-10: Prominvestbank gone (its SSI listing ends; the SDN one is not this file's to
    // end), Martelly new on NS-MBS, Surgutneftegas and two subsidiaries newly on the SDN list;
    // Gazprombank and Gazprom Neft moved from NS-MBS to the SDN list.
    assert_eq!(is(delisted, 1), pairs(&[("18293", "SSI")]));
    assert_eq!(
        is(designated, 1),
        pairs(&[
            ("17145", "SDN"),
            ("20312", "SDN"),
            ("23577", "SDN"),
            ("50476", "NS-MBS")
        ])
    );
    assert_eq!(is(moved, 1), pairs(&[("17016", "SDN"), ("17143", "SDN")]));
    assert_eq!(found[1].moves(), 2);
    let warned: Vec<&WarningKind> = found[1]
        .warnings
        .iter()
        .map(|w| &w.kind)
        .filter(|k| not_about_relations(k))
        .collect();
    assert_eq!(
        warned,
        [&WarningKind::MembershipNotCovered {
            entry: "18293".into(),
            list: List::US_OFAC_SDN
        }]
    );
    // About an entry the file no longer holds: no line to name.
    let text = found[1]
        .warnings
        .iter()
        .find(|w| not_about_relations(&w.kind))
        .expect("the warning")
        .to_string();
    assert!(
        text.ends_with("cons_enhanced_2025-01-10.xml: entry 18293 is gone from the file, which does not hold the entries of US-OFAC/SDN: its designation on US-OFAC/SDN stays in force (that list's own publication tells whether it still holds)"),
        "{text}"
    );
    // 2026-01-08: Kayakiran gone from the FSE list; Rosneft, Lukoil and two Rosneft
    // subsidiaries on the SDN list; Rosoboroneksport's SDN programs amended. (Martelly's
    // record differs only by a blank line between the two files: no amendment.)
    assert_eq!(is(delisted, 2), pairs(&[("26182", "FSE")]));
    assert_eq!(
        is(designated, 2),
        pairs(&[
            ("17022", "SDN"),
            ("17248", "SDN"),
            ("18267", "SDN"),
            ("18276", "SDN")
        ])
    );
    assert!(is(moved, 2).is_empty());
    let amended_2026 = is(amended, 2);
    assert!(amended_2026.contains(&("18782".to_owned(), "SDN".to_owned())));
    assert!(!amended_2026.contains(&("50476".to_owned(), "NS-MBS".to_owned())));
    let Outcome::Amended { fields, .. } = outcome(&found[2], "18782", &List::US_OFAC_SDN) else {
        panic!("Rosoboroneksport amended");
    };
    assert_eq!(fields, &[Field::Programs]);
    // Its SSI listing is untouched: the SYRIA program was the SDN listing's.
    assert!(!amended_2026.contains(&("18782".to_owned(), "SSI".to_owned())));
}

#[test]
fn a_move_ends_one_designation_and_starts_another_on_the_same_date() {
    let (ledger, found, snapshots) = enhanced_replay();
    let Outcome::Moved {
        from,
        from_list,
        to,
        to_list,
        effective,
        window,
        ..
    } = outcome(&found[1], "17016", &List::US_OFAC_SDN)
    else {
        panic!("Gazprombank moved");
    };
    // OFAC dates the SDN membership 2024-11-21, inside (2024-07-03, 2025-01-10]: taken.
    assert_eq!(
        (from_list.as_ref(), to_list.as_ref(), *effective, *window),
        (
            Some(&List::US_OFAC_NS_MBS),
            Some(&List::US_OFAC_SDN),
            day(2024, 11, 21),
            None
        )
    );
    let now = ledger.current();
    let ended = now.designation(*from).expect("the NS-MBS designation");
    assert_eq!(ended.in_force.until, Some(day(2024, 11, 21)));
    assert_eq!(ended.record.list, Some(List::US_OFAC_NS_MBS));
    // The end is implied by the move, so it carries its window.
    let end = now
        .changes()
        .find(|c| matches!(c.kind, ChangeKind::Delist { designation } if designation == *from))
        .expect("delisted");
    assert_eq!(
        end.window,
        Some(ObservationWindow::new(
            Some(day(2024, 7, 3)),
            day(2024, 11, 21)
        ))
    );
    let started = now.designation(*to).expect("the SDN designation");
    assert_eq!(started.in_force.from, day(2024, 11, 21));
    assert_eq!(started.record.list, Some(List::US_OFAC_SDN));
    assert_eq!(started.record.terms.measures, [Measure::AssetFreeze]);

    // Per list: NS-MBS up to the day before, SDN from the day on, SSI throughout; by the
    // authority, listed throughout.
    let gpb = snapshots[0].entity_id("17016");
    let on = |list: &List, date| now.is_listed(gpb, list, date).expect("known");
    assert!(on(&List::US_OFAC_NS_MBS, day(2024, 11, 20)));
    assert!(!on(&List::US_OFAC_SDN, day(2024, 11, 20)));
    assert!(!on(&List::US_OFAC_NS_MBS, day(2024, 11, 21)));
    assert!(on(&List::US_OFAC_SDN, day(2024, 11, 21)));
    assert!(on(&List::US_OFAC_SSI, day(2014, 7, 16)));
    assert!(on(&List::US_OFAC_SSI, day(2026, 1, 8)));
    for date in [day(2024, 11, 20), day(2024, 11, 21)] {
        let status = now.status(gpb, &Authority::US_OFAC, date).expect("known");
        assert_eq!(status.kind(), StatusKind::Listed);
        assert_eq!(status.designations().len(), 2, "SSI and one more on {date}");
    }
    // Gazprom Neft's SDN date is the snapshot's own: the move is on 2025-01-10.
    assert_eq!(
        outcome(&found[1], "17143", &List::US_OFAC_SDN).effective(),
        day(2025, 1, 10)
    );
}

#[test]
fn enhanced_dates_are_claims_never_back_dated_before_an_earlier_snapshot() {
    let (ledger, found, _) = enhanced_replay();
    let now = ledger.current();
    // A first snapshot takes OFAC's dates: Gazprombank on the SSI list since 2014-07-16.
    let Outcome::Designated {
        effective, window, ..
    } = outcome(&found[0], "17016", &List::US_OFAC_SSI)
    else {
        panic!("designated");
    };
    assert_eq!((*effective, *window), (day(2014, 7, 16), None));
    // A new membership dated inside the window since the previous snapshot keeps its date:
    // Martelly, NS-MBS, 2024-08-20; Rosneft, SDN, 2025-10-22.
    assert_eq!(
        outcome(&found[1], "50476", &List::US_OFAC_NS_MBS).effective(),
        day(2024, 8, 20)
    );
    assert_eq!(
        outcome(&found[2], "17022", &List::US_OFAC_SDN).effective(),
        day(2025, 10, 22)
    );
    // Gazprombank (Switzerland) joined the SDN list by 2025-01-10 with its 2016 SSI date: that
    // date is before the 2024-07-03 snapshot, which did not have it on the SDN list. Observed
    // on 2025-01-10, with the window; OFAC's date stays on the change as its claim.
    let subsidiary = outcome(&found[1], "20312", &List::US_OFAC_SDN);
    assert_eq!(subsidiary.effective(), day(2025, 1, 10));
    assert_eq!(
        subsidiary.window(),
        Some(ObservationWindow::new(
            Some(day(2024, 7, 3)),
            day(2025, 1, 10)
        ))
    );
    let change = designate(now, subsidiary.designation());
    assert_eq!(change.published, Some(day(2016, 9, 1)));
    assert_eq!(change.effective, day(2025, 1, 10));
}

#[test]
fn an_entry_gone_from_the_consolidated_list_keeps_its_sdn_listing() {
    let (ledger, _, snapshots) = enhanced_replay();
    let now = ledger.current();
    let prominvestbank = snapshots[0].entity_id("18293");
    // The file no longer holds it: its SSI listing ends on 2025-01-10; its SDN listing is
    // the SDN list's to end, not this file's.
    assert!(now
        .is_listed(prominvestbank, &List::US_OFAC_SSI, day(2025, 1, 9))
        .expect("known"));
    assert!(!now
        .is_listed(prominvestbank, &List::US_OFAC_SSI, day(2025, 1, 10))
        .expect("known"));
    assert!(now
        .is_listed(prominvestbank, &List::US_OFAC_SDN, day(2026, 1, 8))
        .expect("known"));
    // Kayakiran was on the FSE list alone, which the file holds: delisted.
    let kayakiran = snapshots[0].entity_id("26182");
    assert!(!now
        .is_listed(kayakiran, &Authority::US_OFAC, day(2026, 1, 8))
        .expect("known"));
    assert!(now
        .is_listed(kayakiran, &List::US_OFAC_FSE, day(2026, 1, 7))
        .expect("known"));
}

#[test]
fn an_sdn_enhanced_file_holds_the_sdn_list_only() {
    // The same file, filtered to the SDN list: publication SDN, the legacy CSV's key.
    let text = std::fs::read_to_string(path("ofac_enhanced", ENHANCED[1])).expect("fixture");
    let sdn = text.replacen(
        "refId=\"91512\">Consolidated List</sanctionsList>",
        "refId=\"1550\">SDN List</sanctionsList>",
        1,
    );
    assert_ne!(sdn, text, "the fixture names its filter");
    let snapshot = ofac_enhanced::parse("SDN_ENHANCED.XML", sdn.as_bytes())
        .expect("parses")
        .snapshot()
        .expect("an SDN_ENHANCED file");
    assert_eq!(snapshot.list(), "SDN");
    assert!(snapshot.covers(&List::US_OFAC_SDN));
    assert!(!snapshot.covers(&List::US_OFAC_SSI));
    // Its entities are the SDN list's: the ids of the legacy CSV's entries.
    assert_eq!(
        snapshot.entity_id("17016"),
        sanctions_ledger::EntityId::derive("US-OFAC:SDN:17016")
    );
    // Filtered to anything else: refused, what an absence would mean is not known.
    let other = text.replacen(
        "refId=\"91512\">Consolidated List</sanctionsList>",
        "refId=\"1\">Some Other List</sanctionsList>",
        1,
    );
    let error = ofac_enhanced::parse("X.XML", other.as_bytes())
        .expect("parses")
        .snapshot()
        .expect_err("refused");
    assert!(
        matches!(error, ImportError::WrongFormat { ref file, .. } if file == "X.XML"),
        "{error}"
    );
}

#[test]
fn a_consolidated_file_that_lost_entries_is_refused_by_the_guard() {
    let snapshots: Vec<Snapshot> = ENHANCED[..2].iter().map(|n| enhanced(n)).collect();
    let (mut ledger, _) = replay(&snapshots[..1]);
    // The 2025-01-10 file cut to its first four entities (a partial export, closed cleanly).
    let text = std::fs::read_to_string(path("ofac_enhanced", ENHANCED[1])).expect("fixture");
    let mut cut = String::new();
    let mut entities = 0;
    let mut rest = text.as_str();
    while let Some(at) = rest.find("<entity id=") {
        if entities == 4 {
            break;
        }
        let end = rest[at..].find("</entity>").expect("closed") + at + "</entity>".len();
        cut.push_str(&rest[..end]);
        rest = &rest[end..];
        entities += 1;
    }
    let tail = &text[text.find("</entities>").expect("closes")..];
    cut.push_str(tail);
    let snapshot = ofac_enhanced::parse("cut.xml", cut.as_bytes())
        .expect("well-formed")
        .snapshot()
        .expect("CONS");
    let error = apply_snapshot(
        &mut ledger,
        &snapshot,
        &ReconcileOptions::new(noon(snapshot.date(), 0)),
    )
    .expect_err("refused");
    assert!(
        matches!(error, ImportError::TooManyDelistings { ref file, .. } if file == "cut.xml"),
        "{error}"
    );
}

// ---- EU Financial Sanctions Files ----

#[test]
fn eu_dates_come_from_the_designation_the_listing_act_or_the_earliest_act() {
    let first = eu_snapshot("fsf_2026-08-05.xml");
    assert_eq!(
        (first.authority(), first.list(), first.date()),
        (&Authority::EU, "CONSOLIDATED", day(2026, 8, 5))
    );
    let (ledger, found) = replay(std::slice::from_ref(&first));
    let now = ledger.current();
    let change = |id: &str| {
        let o = outcome(&found[0], id, &List::EU_CONSOLIDATED);
        (designate(now, o.designation()), o.window())
    };
    // Belavia (made up): designationDate 2021-12-02; the listing act, Impl. Reg. 2021/2124,
    // published the same day.
    let (belavia, window) = change("900001");
    assert_eq!(
        (belavia.effective, belavia.published, window),
        (day(2021, 12, 2), Some(day(2021, 12, 2)), None)
    );
    // 521: designationDate 2001-01-25; its regulation is a later amending act.
    let (entry, window) = change("521");
    assert_eq!((entry.effective, window), (day(2001, 1, 25), None));
    // 191: no designationDate, its regulation (2025) is later than the act that first
    // published its details (2005-11-30): listed on or before 2005-11-30.
    let (entry, window) = change("191");
    assert_eq!(entry.effective, day(2005, 11, 30));
    assert_eq!(
        window,
        Some(ObservationWindow::new(None, day(2005, 11, 30)))
    );
    assert_eq!(entry.window, window);
    // The entries are on the EU's consolidated list, as asset freezes under their programme.
    let record: &Designation = match &belavia.kind {
        ChangeKind::Designate { record, .. } => record,
        _ => panic!("a designation"),
    };
    assert_eq!(record.list, Some(List::EU_CONSOLIDATED));
    assert_eq!(record.terms.measures, [Measure::AssetFreeze]);
    assert_eq!(record.terms.programs[0].code(), "BLR");
    let belavia_entity = first.entity_id("900001");
    assert!(now
        .is_listed(belavia_entity, &List::EU_CONSOLIDATED, day(2021, 12, 2))
        .expect("known"));
    assert!(!now
        .is_listed(belavia_entity, &List::EU_CONSOLIDATED, day(2021, 12, 1))
        .expect("known"));
}

#[test]
fn the_eu_replay_finds_the_addition_the_removal_and_the_amendment() {
    let snapshots = [
        eu_snapshot("fsf_2026-08-05.xml"),
        eu_snapshot("fsf_2026-08-12.xml"),
    ];
    let (ledger, found) = replay(&snapshots);
    let second = &found[1];
    let window = Some(ObservationWindow::new(
        Some(day(2026, 8, 5)),
        day(2026, 8, 12),
    ));
    let eu = |id: &str| outcome(second, id, &List::EU_CONSOLIDATED).clone();
    // 521 is gone: delisted on the snapshot's date, observed.
    assert!(matches!(
        eu("521"),
        Outcome::Delisted { effective, window: w, .. } if effective == day(2026, 8, 12) && w == window
    ));
    // 6177 is new, with a 2011 designationDate: the ledger's 2026-08-05 snapshot did not hold
    // it, so it is observed on 2026-08-12, and 2011-03-24 stays the source's claim.
    let added = eu("6177");
    assert_eq!(
        (added.effective(), added.window()),
        (day(2026, 8, 12), window)
    );
    let change = designate(ledger.current(), added.designation());
    assert_eq!(change.published, Some(day(2011, 3, 24)));
    // Belavia has a new weak alias: an amendment of its identifying facts.
    assert!(matches!(
        eu("900001"),
        Outcome::Amended { ref fields, effective, .. } if fields == &[Field::Aliases] && effective == day(2026, 8, 12)
    ));
    assert_eq!(
        (
            second.designations(),
            second.delistings(),
            second.amendments()
        ),
        (1, 1, 1)
    );
    // The EU reference and the UN reference find the entity.
    let now = ledger.current();
    let dorda = now.find_by_identifier(&Identifier::list_entry(Authority::UN, "LYi.006"));
    assert_eq!(dorda, [snapshots[0].entity_id("6106")]);
}

// ---- UK Sanctions List ----

#[test]
fn uk_dates_designated_are_effective_and_last_updated_dates_amendments() {
    let snapshots = [
        uk_snapshot("uk_sanctions_list_2026-09-10.xml"),
        uk_snapshot("uk_sanctions_list_2026-09-17.xml"),
    ];
    assert_eq!(
        (snapshots[0].list(), snapshots[0].date()),
        ("UKSL", day(2026, 9, 10))
    );
    let (ledger, found) = replay(&snapshots);
    let uk = |i: usize, id: &str| outcome(&found[i], id, &List::UK_SANCTIONS_LIST).clone();
    // DPR0075, the Petrel 8: designated 03/10/2017, a port-entry ban, not a freeze.
    let petrel = uk(0, "DPR0075");
    assert_eq!(
        (petrel.effective(), petrel.window()),
        (day(2017, 10, 3), None)
    );
    let now = ledger.current();
    let ChangeKind::Designate { record, .. } = &designate(now, petrel.designation()).kind else {
        panic!("a designation");
    };
    assert_eq!(
        record.terms.measures,
        [Measure::Other("Prohibition of port entry".into())]
    );
    assert_eq!(record.list, Some(List::UK_SANCTIONS_LIST));
    // 2026-09-17: AQD0195 removed; BEL0107 amended, on its LastUpdated date; RUS9901 added,
    // on its DateDesignated date.
    assert!(matches!(uk(1, "AQD0195"), Outcome::Delisted { .. }));
    let amended = uk(1, "BEL0107");
    assert!(
        matches!(&amended, Outcome::Amended { fields, .. } if fields.contains(&Field::Aliases))
    );
    assert_eq!(
        (amended.effective(), amended.window()),
        (day(2026, 9, 17), None)
    );
    let added = uk(1, "RUS9901");
    assert_eq!(
        (added.effective(), added.window()),
        (day(2026, 9, 17), None)
    );
    assert_eq!(
        (
            found[1].designations(),
            found[1].delistings(),
            found[1].amendments()
        ),
        (1, 1, 1)
    );
    // Ship IMO numbers find the ship.
    let tanker = now.find_by_identifier(&Identifier::Imo(
        sanctions_ledger::ImoNumber::new("9999993").expect("IMO"),
    ));
    assert_eq!(tanker, [snapshots[1].entity_id("RUS9901")]);
}

#[test]
fn the_uk_csv_and_xml_of_one_day_are_one_snapshot() {
    for date in ["2026-09-10", "2026-09-17"] {
        let xml = uk_snapshot(&format!("uk_sanctions_list_{date}.xml"));
        let csv = uk_snapshot(&format!("uk_sanctions_list_{date}.csv"));
        let keys = |s: &Snapshot| -> Vec<(String, Option<NaiveDate>, Vec<Measure>)> {
            s.entries()
                .map(|e| (e.id.clone(), e.listed_on, e.measures.clone()))
                .collect()
        };
        assert_eq!(keys(&csv), keys(&xml), "{date}");
        assert_eq!((csv.list(), csv.date()), (xml.list(), xml.date()));
    }
}

// ---- what the importers read past, with a warning ----

#[test]
fn an_unknown_enhanced_list_is_kept_under_its_own_code_and_never_blocks() {
    let text = std::fs::read_to_string(path("ofac_enhanced", ENHANCED[1])).expect("fixture");
    let renamed = text.replace(
        "datePublished=\"2019-02-07\">FSE List</sanctionsList>",
        "datePublished=\"2019-02-07\">Non-SDN Iran Sanctions Act List</sanctionsList>",
    );
    assert_ne!(renamed, text, "the fixture has Kayakiran on the FSE list");
    let snapshot = ofac_enhanced::parse("cons.xml", renamed.as_bytes())
        .expect("parses")
        .snapshot()
        .expect("CONS");
    let list = List::new(Authority::US_OFAC, "NON-SDN-IRAN-SANCTIONS-ACT-LIST").expect("code");
    let entry = snapshot.get_on("26182", &list).expect("kept");
    assert!(!entry.measures.contains(&Measure::AssetFreeze));
    let warned: Vec<&WarningKind> = snapshot
        .warnings()
        .iter()
        .map(|w| &w.kind)
        .filter(|k| not_about_relations(k))
        .collect();
    assert_eq!(
        warned,
        [&WarningKind::UnknownListName {
            entry: "26182".into(),
            name: "Non-SDN Iran Sanctions Act List".into(),
            list,
        }]
    );
    assert!(snapshot.warnings()[0].line > 1, "the entity's line");
}

#[test]
fn an_undated_uk_designation_is_observed_with_a_warning() {
    let text =
        std::fs::read_to_string(path("uk", "uk_sanctions_list_2026-09-10.xml")).expect("fixture");
    let undated = text.replacen("<DateDesignated>29/06/2012</DateDesignated>", "", 1);
    assert_ne!(undated, text);
    let snapshot = uk::parse("uk.xml", undated.as_bytes())
        .expect("parses")
        .snapshot();
    let kinds: Vec<&WarningKind> = snapshot
        .warnings()
        .iter()
        .map(|w| &w.kind)
        .filter(|k| not_about_relations(k))
        .collect();
    let [WarningKind::NoListingDate { entry }] = kinds[..] else {
        panic!("{kinds:?}");
    };
    let found = reconcile(
        Ledger::new().current(),
        &snapshot,
        &ReconcileOptions::new(noon(snapshot.date(), 0)),
    )
    .expect("reconciles");
    let observed = outcome(&found, entry, &List::UK_SANCTIONS_LIST);
    assert_eq!(
        (observed.effective(), observed.window()),
        (
            day(2026, 9, 10),
            Some(ObservationWindow::new(None, day(2026, 9, 10)))
        )
    );
    assert_eq!(
        found.warnings,
        snapshot.warnings(),
        "the snapshot's warnings come back"
    );
}

/// Whether a warning is about something other than a relation whose other party the file
/// does not hold (those are `tests/import_relations.rs`'s).
fn not_about_relations(kind: &WarningKind) -> bool {
    !matches!(
        kind,
        WarningKind::RelationUnresolved { .. } | WarningKind::RelatedEntryMissing { .. }
    )
}
