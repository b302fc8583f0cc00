//! The UN Security Council consolidated list: parsing and reconciling the trimmed 2018 pair.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use sanctions_ledger::chrono::{NaiveDate, TimeZone, Utc};
use sanctions_ledger::import::{
    apply_snapshot, un, Field, ImportError, Outcome, ReconcileOptions, Snapshot,
};
use sanctions_ledger::{Authority, ChangeKind, EntityKind, Identifier, Ledger, ObservationWindow};

const FIRST: &str = "un_consolidated_2018-08-24.xml";
const SECOND: &str = "un_consolidated_2018-10-29.xml";

fn bytes(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/un")
        .join(name);
    std::fs::read(path).expect("fixture")
}

fn parse(name: &str) -> Snapshot {
    un::parse(name, &bytes(name)).expect("parses")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// `<TAG>` values found the plain way, by scanning the text.
fn tag_values(xml: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    xml.split(&open)
        .skip(1)
        .filter_map(|rest| rest.split(&close).next())
        .map(|v| v.trim().to_owned())
        .collect()
}

/// Reference number → `LISTED_ON`, scanned from the text.
fn listed_on(name: &str) -> BTreeMap<String, NaiveDate> {
    let xml = String::from_utf8(bytes(name)).expect("utf-8");
    let refs = tag_values(&xml, "REFERENCE_NUMBER");
    let dates = tag_values(&xml, "LISTED_ON");
    assert_eq!(refs.len(), dates.len());
    refs.into_iter()
        .zip(dates.iter().map(|d| d[..10].parse().expect("a date")))
        .collect()
}

#[test]
fn entries_dates_and_fields_are_read() {
    let snapshot = parse(FIRST);
    assert_eq!(snapshot.date(), day(2018, 8, 24));
    assert_eq!(snapshot.authority(), &Authority::UN);
    assert!(snapshot.is_dated());
    let expected = listed_on(FIRST);
    assert_eq!(snapshot.len(), expected.len());
    for entry in snapshot.entries() {
        assert_eq!(entry.listed_on, Some(expected[&entry.id]), "{}", entry.id);
        assert!(entry
            .entity
            .identifiers
            .contains(&Identifier::list_entry(Authority::UN, &entry.id)));
        let individual = entry.id.as_bytes().get(2) == Some(&b'i');
        assert_eq!(
            entry.entity.kind == EntityKind::Person,
            individual,
            "{}",
            entry.id
        );
    }
    // YEi.004's LISTED_ON is written with a time zone, "2015-04-14-04:00".
    let yei = snapshot.get("YEi.004").expect("YEi.004");
    assert_eq!(yei.listed_on, Some(day(2015, 4, 14)));
    // KPi.033: FIRST_NAME " RI ", SECOND_NAME "WON HO"; a passport; DPRK committee.
    let ri = snapshot.get("KPi.033").expect("KPi.033");
    assert_eq!(ri.entity.name, "RI WON HO");
    assert_eq!(
        ri.programs
            .iter()
            .map(sanctions_ledger::Program::code)
            .collect::<Vec<_>>(),
        ["DPRK"]
    );
    assert!(ri.entity.identifiers.iter().any(|i| matches!(i, Identifier::Other { scheme, value } if scheme == "Passport" && value == "381310014")));
}

#[test]
fn the_2018_pair_gives_3_designations_on_their_listed_on_dates_and_8_delistings() {
    let mut ledger = Ledger::new();
    let first = parse(FIRST);
    let recorded = |d| {
        Utc.with_ymd_and_hms(2018, d, 30, 0, 0, 0)
            .single()
            .expect("instant")
    };
    let (found, _) =
        apply_snapshot(&mut ledger, &first, &ReconcileOptions::new(recorded(8))).expect("applies");
    assert_eq!(found.designations(), first.len());
    // UN entries carry their real date: no observation window.
    assert!(found.changes.iter().all(|c| c.window.is_none()));

    let second = parse(SECOND);
    let options = ReconcileOptions::new(recorded(10)).previous(first.date());
    let (found, _) = apply_snapshot(&mut ledger, &second, &options).expect("applies");
    let (before, after) = (listed_on(FIRST), listed_on(SECOND));
    let added: BTreeSet<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    let removed: BTreeSet<&String> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    assert_eq!((added.len(), removed.len()), (3, 8));
    assert!(removed.iter().all(|r| r.starts_with("IQe.")));

    let mut designated = BTreeMap::new();
    let mut delisted = BTreeSet::new();
    for report in &found.report {
        match report.outcome {
            Outcome::Designated { effective, .. } => {
                designated.insert(&report.id, effective);
            }
            Outcome::Delisted { .. } => {
                delisted.insert(&report.id);
            }
            _ => {}
        }
    }
    assert_eq!(designated.keys().copied().collect::<BTreeSet<_>>(), added);
    for (id, effective) in &designated {
        assert_eq!(
            *effective, after[*id],
            "{id} is effective on its LISTED_ON date"
        );
    }
    assert_eq!(designated[&"QDi.419".to_owned()], day(2018, 10, 15));
    assert_eq!(delisted, removed);
    for change in &found.changes {
        if let ChangeKind::Delist { .. } = change.kind {
            assert_eq!(change.effective, day(2018, 10, 29));
            assert_eq!(
                change.window,
                Some(ObservationWindow::new(
                    Some(day(2018, 8, 24)),
                    day(2018, 10, 29)
                ))
            );
        }
    }
    let now = ledger.current();
    let choudary = now.find_by_identifier(&Identifier::list_entry(Authority::UN, "QDi.419"))[0];
    assert!(!now
        .is_listed(choudary, &Authority::UN, day(2018, 10, 14))
        .unwrap());
    assert!(now
        .is_listed(choudary, &Authority::UN, day(2018, 10, 15))
        .unwrap());
}

#[test]
fn amendments_take_the_last_day_updated_inside_the_window() {
    let mut ledger = Ledger::new();
    let (first, second) = (parse(FIRST), parse(SECOND));
    let at = |m, d| {
        Utc.with_ymd_and_hms(2018, m, d, 0, 0, 0)
            .single()
            .expect("instant")
    };
    apply_snapshot(&mut ledger, &first, &ReconcileOptions::new(at(8, 30))).expect("applies");
    let (found, _) = apply_snapshot(
        &mut ledger,
        &second,
        &ReconcileOptions::new(at(10, 30)).previous(first.date()),
    )
    .expect("applies");
    let amended: BTreeMap<&str, &Vec<Field>> = found
        .report
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Amended { fields, .. } => Some((r.id.as_str(), fields)),
            _ => None,
        })
        .collect();
    // The fixture keeps the 9 entries whose XML differs between the two files.
    assert_eq!(amended.len(), 9, "{amended:?}");
    // LYi.024: renamed, an alias and an original-script name added; updated 2018-09-17.
    assert_eq!(amended["LYi.024"], &vec![Field::Name, Field::Aliases]);
    assert!(amended
        .values()
        .all(|fields| fields.iter().all(|f| !f.is_legal())));
    let lyi024 = second.entity_id("LYi.024");
    let change = found
        .changes
        .iter()
        .find(|c| matches!(&c.kind, ChangeKind::AmendEntity { entity, .. } if *entity == lyi024))
        .expect("an entity amendment");
    assert_eq!((change.effective, change.window), (day(2018, 9, 17), None));
    let now = ledger.current();
    assert_eq!(
        now.entity_on(lyi024, day(2018, 9, 16))
            .map(|e| e.name.as_str()),
        Some("MUS’AB ABU-QARIN")
    );
    assert_eq!(
        now.entity_on(lyi024, day(2018, 9, 17))
            .map(|e| e.name.as_str()),
        Some("Mus’ab Mustafa Abu al Qassim Omar")
    );
}

#[test]
fn reimporting_adds_nothing() {
    let mut ledger = Ledger::new();
    let at = |m, d| {
        Utc.with_ymd_and_hms(2018, m, d, 0, 0, 0)
            .single()
            .expect("instant")
    };
    let (first, second) = (parse(FIRST), parse(SECOND));
    apply_snapshot(&mut ledger, &first, &ReconcileOptions::new(at(8, 30))).expect("applies");
    apply_snapshot(&mut ledger, &second, &ReconcileOptions::new(at(10, 30))).expect("applies");
    let len = ledger.len();
    for (i, snapshot) in [&first, &second, &second].into_iter().enumerate() {
        let day = u32::try_from(i).expect("small") + 1;
        let (found, applied) =
            apply_snapshot(&mut ledger, snapshot, &ReconcileOptions::new(at(11, day)))
                .expect("no-op");
        assert!(
            found.is_empty() && applied.appended == 0,
            "{:?}",
            found.report
        );
    }
    assert_eq!(ledger.len(), len);
}

#[test]
fn empty_truncated_and_malformed_files_are_refused() {
    let data = bytes(SECOND);
    let empty = un::parse("empty.xml", b"").expect_err("empty");
    assert!(matches!(empty, ImportError::Empty { .. }), "{empty}");
    let no_entries = un::parse("none.xml", br#"<CONSOLIDATED_LIST dateGenerated="2018-10-29T00:00:00Z"><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>"#);
    assert!(matches!(no_entries, Err(ImportError::Empty { .. })));

    let half = data.len() / 2;
    let err = un::parse("cut.xml", &data[..half]).expect_err("cut");
    assert!(matches!(err, ImportError::Truncated { .. }), "{err}");
    assert_eq!(err.file(), Some("cut.xml"));
    // The error points at the entry left open, which starts on or before the cut's line.
    let cut_line = data[..half].split(|&b| b == b'\n').count();
    assert!(err.line().is_some_and(|l| l > 1 && l <= cut_line), "{err}");

    // Cut cleanly after an entry: the list and its sections are left open.
    let text = String::from_utf8(data.clone()).expect("utf-8");
    let boundary = text.find("</INDIVIDUAL>").expect("an individual") + "</INDIVIDUAL>".len();
    let err = un::parse("cut2.xml", &data[..boundary]).expect_err("cut at a boundary");
    assert!(
        matches!(&err, ImportError::Truncated { what, .. } if what == "element INDIVIDUALS"),
        "{err}"
    );

    let wrong_root = un::parse("x.xml", b"<sdnList></sdnList>").expect_err("root");
    assert!(
        matches!(&wrong_root, ImportError::WrongFormat { found, .. } if found.contains("sdnList (OFAC's SDN.XML)")),
        "{wrong_root}"
    );
    let bad_date = String::from_utf8(data.clone()).expect("utf-8").replacen(
        "<LISTED_ON>2016-11-30",
        "<LISTED_ON>30/11/2016",
        1,
    );
    let err = un::parse("d.xml", bad_date.as_bytes()).expect_err("bad date");
    assert!(
        err_is_malformed_at(&err, 3)
            && err
                .to_string()
                .contains("LISTED_ON \"30/11/2016\", not a date"),
        "{err}"
    );
    let mismatched =
        String::from_utf8(data)
            .expect("utf-8")
            .replacen("</FIRST_NAME>", "</FIRST>", 1);
    let err = un::parse("m.xml", mismatched.as_bytes()).expect_err("mismatched");
    assert!(err_is_malformed_at(&err, 3), "{err}");
}

#[test]
fn two_lists_run_together_are_refused_not_read_as_the_last_one() {
    // Two well-formed lists one after the other (a download appended to another): the parser
    // replaced the first snapshot with the second and reported one entry, delisting the rest.
    let data = String::from_utf8(bytes(SECOND)).expect("utf-8");
    let body = data.trim_start_matches(|c| c != '<');
    let body = body
        .strip_prefix("<?xml")
        .and_then(|rest| rest.split_once("?>"))
        .map_or(body, |(_, rest)| rest);
    let lines = data.lines().count();
    let twice = format!("{data}\n{body}");
    let err = un::parse("twice.xml", twice.as_bytes())
        .map(|snapshot| snapshot.len())
        .expect_err("two roots");
    assert!(
        matches!(&err, ImportError::Malformed { line, what, .. }
            if *line > lines && what.contains("second root element, CONSOLIDATED_LIST")),
        "{err}"
    );
    let trailing = format!("{data}<html><body>503</body></html>");
    let err = un::parse("trailing.xml", trailing.as_bytes())
        .map(|snapshot| snapshot.len())
        .expect_err("a second root");
    assert!(
        matches!(&err, ImportError::Malformed { what, .. } if what.contains("html")),
        "{err}"
    );
    // Whitespace and comments after the root are fine.
    let after = format!("{data}\n<!-- end -->\n");
    let read = un::parse("after.xml", after.as_bytes()).expect("one list");
    assert_eq!(read.len(), parse(SECOND).len());
}

fn err_is_malformed_at(err: &ImportError, line: usize) -> bool {
    matches!(err, ImportError::Malformed { line: l, .. } if *l == line)
}

#[test]
fn a_listing_or_amendment_date_after_the_files_own_date_is_a_warning_not_dropped() {
    use sanctions_ledger::import::WarningKind;
    // Made-up entries: QDi.990 listed after the file's date 2018-10-29, QDi.991 amended after.
    let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2018-10-29T19:09:49.000-04:00">
<INDIVIDUALS>
  <INDIVIDUAL>
    <FIRST_NAME>INVENTED</FIRST_NAME><SECOND_NAME>PERSON</SECOND_NAME>
    <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDi.990</REFERENCE_NUMBER>
    <LISTED_ON>2018-11-02</LISTED_ON>
  </INDIVIDUAL>
  <INDIVIDUAL>
    <FIRST_NAME>MADE-UP</FIRST_NAME><SECOND_NAME>NAME</SECOND_NAME>
    <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDi.991</REFERENCE_NUMBER>
    <LISTED_ON>2018-10-15</LISTED_ON>
    <LAST_DAY_UPDATED><VALUE>2018-10-20</VALUE><VALUE>2019-01-03</VALUE></LAST_DAY_UPDATED>
  </INDIVIDUAL>
</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>"#;
    let snapshot = un::parse("un_future.xml", xml).expect("parses, not refused");
    assert_eq!(snapshot.len(), 2);
    let generated = day(2018, 10, 29);
    let warnings: Vec<_> = snapshot
        .warnings()
        .iter()
        .map(|w| (w.file.as_str(), w.line, w.kind.clone()))
        .collect();
    assert_eq!(
        warnings,
        [
            (
                "un_future.xml",
                4,
                WarningKind::ListedAfterSnapshot {
                    entry: "QDi.990".into(),
                    listed_on: day(2018, 11, 2),
                    snapshot: generated,
                }
            ),
            (
                "un_future.xml",
                9,
                WarningKind::AmendedAfterSnapshot {
                    entry: "QDi.991".into(),
                    amended_on: day(2019, 1, 3),
                    snapshot: generated,
                }
            ),
        ]
    );
    assert_eq!(
        snapshot.warnings()[0].to_string(),
        "un_future.xml line 4: entry QDi.990 is listed on 2018-11-02, after the file's own date \
         2018-10-29; that date is not used, the listing is taken as observed on 2018-10-29"
    );
}

#[test]
fn a_record_nested_in_another_or_outside_its_list_is_malformed_naming_the_line() {
    // Made-up entries.
    let individual = |reference: &str, inner: &str| {
        format!(
            "<INDIVIDUAL>\n<FIRST_NAME>INVENTED</FIRST_NAME><UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>\n\
             <REFERENCE_NUMBER>{reference}</REFERENCE_NUMBER>{inner}\n</INDIVIDUAL>\n"
        )
    };
    let file = |individuals: &str, entities: &str| {
        format!(
            "<CONSOLIDATED_LIST dateGenerated=\"2018-10-29\">\n<INDIVIDUALS>\n{individuals}\
             </INDIVIDUALS>\n<ENTITIES>\n{entities}</ENTITIES>\n</CONSOLIDATED_LIST>\n"
        )
    };
    let nested = file(
        &(individual("QDi.990", "") + &individual("QDi.991", &individual("QDi.992", ""))),
        "",
    );
    let err = un::parse("un_nested.xml", nested.as_bytes()).expect_err("a nested record");
    let ImportError::Malformed {
        file: name,
        line,
        what,
    } = &err
    else {
        panic!("{err}")
    };
    // QDi.991 starts on line 7; the INDIVIDUAL inside it on line 9.
    assert_eq!((name.as_str(), *line), ("un_nested.xml", 9), "{err}");
    assert!(
        what.contains("an INDIVIDUAL element inside the record that starts on line 7"),
        "{what}"
    );
    // An ENTITY inside an INDIVIDUAL, and an INDIVIDUAL in the ENTITIES list, likewise.
    let entity_inside = file(&individual("QDi.990", "<ENTITY></ENTITY>"), "");
    let err = un::parse("un.xml", entity_inside.as_bytes()).expect_err("a nested record");
    assert!(
        matches!(&err, ImportError::Malformed { line: 5, what, .. } if what.contains("an ENTITY element inside the record that starts on line 3")),
        "{err}"
    );
    let misplaced = file(&individual("QDi.990", ""), &individual("QDi.991", ""));
    let err = un::parse("un.xml", misplaced.as_bytes()).expect_err("a record out of its list");
    assert!(
        matches!(&err, ImportError::Malformed { line: 9, what, .. } if what.contains("an INDIVIDUAL element inside ENTITIES")),
        "{err}"
    );
    // The same records, each in its list, are read.
    let good = file(
        &(individual("QDi.990", "") + &individual("QDi.991", "")),
        "",
    );
    assert_eq!(
        un::parse("un.xml", good.as_bytes()).expect("parses").len(),
        2
    );
}
