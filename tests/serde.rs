//! Every public data type survives a JSON round trip unchanged, and the text forms are stable.

mod common;

use common::*;
use sanctions_ledger::{
    Applied, Authorisation, Authority, ChangeKind, Confidence, Country, Entity, EntityKind,
    Identifier, ImoNumber, Interval, Ledger, LicenceEnd, List, Measure, ObservationWindow, Source,
    Status, StatusKind, Target,
};
use serde::{de::DeserializeOwned, Serialize};

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) -> String {
    let text = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&text).unwrap();
    assert_eq!(&back, value, "{text}");
    text
}

#[test]
fn entities_with_every_field_round_trip() {
    let entity = Entity::new(EntityKind::Vessel, "Ship")
        .with_alias("Boat")
        .with_identifier(Identifier::Imo(ImoNumber::new("9074729").unwrap()))
        .with_identifier(Identifier::list_entry(Authority::UN, "QDe.159"))
        .with_identifier(Identifier::AircraftRegistration("EW-1".into()))
        .with_identifier(Identifier::AircraftSerial("8057".into()))
        .with_identifier(Identifier::Other {
            scheme: "LEI".into(),
            value: "X".into(),
        })
        .with_country(Country::new("BY").unwrap())
        .with_address("1 Main St")
        .with_detail("tonnage", "1000");
    let text = round_trip(&entity);
    assert!(text.contains("\"imo\":\"9074729\""), "{text}");
    round_trip(&EntityKind::Aircraft);
}

#[test]
fn changes_of_every_kind_round_trip() {
    let mut ledger = acme();
    ledger
        .apply_batch([
            change(
                "a",
                "2024-02-01",
                amend("d1", Measure::Other("ports".into())),
            ),
            change("l", "2024-02-01", licence("l", Authority::EU, "acme")),
            change("e", "2024-03-01", end_licence("l")),
            change("x", "2024-04-01", delist("d1"))
                .with_published(day("2024-04-03"))
                .with_window(ObservationWindow::new(
                    Some(day("2024-03-15")),
                    day("2024-04-01"),
                )),
            change("r", "2024-04-02", retract("a")),
        ])
        .unwrap();
    for change in ledger.changes() {
        round_trip(change);
    }
    let text = round_trip(&ledger);
    assert!(
        text.starts_with("{\"format\":\"sanctions-ledger\",\"version\":1,"),
        "{text}"
    );
    let back: Ledger = serde_json::from_str(&text).unwrap();
    assert_eq!(json(&back), text, "serialising again gives the same text");
}

#[test]
fn query_results_round_trip() {
    let ledger = seed();
    let now = ledger.current();
    let belavia = now.find_by_name("belavia")[0];
    let timeline = round_trip(&now.timeline(belavia).unwrap());
    // A period's interval is flattened into it: `from` and `until` are the period's own fields.
    assert!(
        timeline.contains(r#""status":"listed","from":"2021-12-02","until":null"#),
        "{timeline}"
    );
    round_trip(
        &now.status(belavia, &Authority::US_OFAC, day("2025-10-01"))
            .unwrap(),
    );
    round_trip(&Status::NotListed);
    round_trip(&Applied::default());
    round_trip(&Target::Licence(sanctions_ledger::LicenceId::derive("x")));
}

/// The JSON of `value` equals the golden file `tests/fixtures/serde/{name}`.
fn serialises_as_golden<T: Serialize>(value: &T, name: &str) {
    let path = format!("{}/tests/fixtures/serde/{name}", env!("CARGO_MANIFEST_DIR"));
    let golden: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let text = serde_json::to_string(value).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value, golden, "{name}: {text}");
}

/// The whole-state answers borrow their terms from the ledger and cannot be deserialised: their
/// JSON stays what it was when they owned them (the golden files were written then, at
/// 42582f3).
#[test]
fn borrowed_answers_serialise_as_the_owned_ones_did() {
    let ledger = seed();
    let now = ledger.current();
    serialises_as_golden(&now.state_on(day("2025-10-01")), "state_on_2025-10-01.json");
    serialises_as_golden(
        &now.diff(day("2023-01-01"), day("2025-12-01")),
        "diff_2023-01-01_2025-12-01.json",
    );
    let linked = Ledger::from_json_str(
        &std::fs::read_to_string(format!(
            "{}/seeds/belavia_linked.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    let clusters = linked.current().clusters();
    serialises_as_golden(
        &clusters.state_on(day("2025-10-01")),
        "cluster_state_on_2025-10-01.json",
    );
    serialises_as_golden(
        &clusters.diff(day("2025-09-10"), day("2025-11-05")),
        "cluster_diff_2025-09-10_2025-11-05.json",
    );
}

#[test]
fn small_types_use_their_text_forms() {
    assert_eq!(
        round_trip(&StatusKind::ListedLicensed),
        "\"listed-licensed\""
    );
    assert_eq!(round_trip(&Authority::new("NZ").unwrap()), "\"NZ\"");
    assert_eq!(round_trip(&Country::new("by").unwrap()), "\"BY\"");
    assert_eq!(round_trip(&Measure::AssetFreeze), "\"asset_freeze\"");
    assert_eq!(round_trip(&LicenceEnd::Expired), "\"expired\"");
    assert_eq!(round_trip(&Confidence::Reported), "\"reported\"");
    assert_eq!(
        round_trip(&Authorisation::AllTransactions),
        "\"all_transactions\""
    );
    round_trip(
        &Source::new("x")
            .with_url("https://example.org")
            .with_confidence(Confidence::Uncertain),
    );
    round_trip(&ObservationWindow::new(None, day("2024-01-01")));
    assert_eq!(
        round_trip(&Interval::new(day("2023-08-09"), Some(day("2025-11-04")))),
        r#"{"from":"2023-08-09","until":"2025-11-04"}"#
    );
    assert_eq!(
        round_trip(&Interval::new(day("2021-12-02"), None)),
        r#"{"from":"2021-12-02","until":null}"#
    );
    let kind = register("acme");
    round_trip(&kind);
    assert!(matches!(kind, ChangeKind::RegisterEntity { .. }));
}

#[test]
fn invalid_text_is_refused_on_the_way_in() {
    assert!(serde_json::from_str::<Country>("\"BLR\"").is_err());
    assert!(serde_json::from_str::<Authority>("\"us-ofac\"").is_err());
    assert!(serde_json::from_str::<ImoNumber>("\"1234568\"").is_err());
    assert!(serde_json::from_str::<StatusKind>("\"delisted\"").is_err());
    assert!(serde_json::from_str::<sanctions_ledger::EntityId>("\"belavia\"").is_err());
}

#[test]
fn a_designation_names_its_list_and_one_without_a_list_still_loads() {
    let record = sanctions_ledger::Designation::new(
        entity("acme"),
        Authority::US_OFAC,
        sanctions_ledger::DesignationTerms::new(Measure::Sectoral),
    );
    // Written before lists were modelled: no `list` key, and none is written for it.
    let without = round_trip(&record);
    assert!(!without.contains("\"list\""), "{without}");
    let on_list = round_trip(&record.clone().on_list(List::US_OFAC_SSI));
    assert!(
        on_list.contains(r#""authority":"US-OFAC","list":{"authority":"US-OFAC","code":"SSI"}"#),
        "{on_list}"
    );
    assert_eq!(
        round_trip(&List::EU_CONSOLIDATED),
        r#"{"authority":"EU","code":"CONSOLIDATED"}"#
    );
    // A bad list inside a designation is refused when the document is read.
    let bad = on_list.replace("\"SSI\"", "\"ssi list\"");
    assert!(serde_json::from_str::<sanctions_ledger::Designation>(&bad).is_err());
    // The seed's version-1 document, with and without its lists, loads and answers alike by
    // authority; only the form with lists answers per list.
    let mut document: serde_json::Value = serde_json::from_str(SEED).unwrap();
    let mut stripped = 0;
    for change in document["changes"].as_array_mut().unwrap() {
        if let Some(record) = change.pointer_mut("/kind/designate/record") {
            stripped += usize::from(record.as_object_mut().unwrap().remove("list").is_some());
        }
    }
    assert_eq!(
        stripped, 3,
        "the seed's three designations name their lists"
    );
    let old = Ledger::from_json_str(&document.to_string()).unwrap();
    let new = seed();
    let belavia = sanctions_ledger::EntityId::derive("belavia");
    for date in ["2022-01-01", "2024-06-01", "2025-10-01", "2025-11-05"] {
        let (old, new) = (old.current(), new.current());
        for authority in [Authority::US_OFAC, Authority::EU] {
            assert_eq!(
                old.status(belavia, &authority, day(date)).unwrap(),
                new.status(belavia, &authority, day(date)).unwrap()
            );
        }
        assert!(!old
            .is_listed(belavia, &List::US_OFAC_SDN, day(date))
            .unwrap());
    }
    assert!(new
        .current()
        .is_listed(belavia, &List::US_OFAC_SDN, day("2024-06-01"))
        .unwrap());
}

#[test]
fn rules_truncations_and_designations_as_created_serialise() {
    use sanctions_ledger::{Rule, Truncation};
    for rule in Rule::ALL {
        round_trip(&rule);
    }
    assert_eq!(
        serde_json::to_string(&Rule::BlankName).unwrap(),
        r#""blank_name""#
    );
    let truncation: Truncation = serde_json::from_str(r#"{"offset":120,"bytes":7}"#).unwrap();
    assert_eq!((truncation.offset, truncation.bytes), (120, 7));
    round_trip(&truncation);

    // Borrowed from the ledger: serialised only, with its record in full.
    let ledger = seed();
    let now = ledger.current();
    let designation = ledger
        .changes()
        .iter()
        .find_map(|c| match &c.kind {
            ChangeKind::Designate { designation, .. } => Some(*designation),
            _ => None,
        })
        .expect("a designation");
    let created = now.designation(designation).expect("known");
    let value = serde_json::to_value(&created).unwrap();
    assert_eq!(
        value["record"],
        serde_json::to_value(created.record).unwrap()
    );
    assert_eq!(
        value["created_by"],
        serde_json::to_value(created.created_by).unwrap()
    );
    assert_eq!(
        value["in_force"],
        serde_json::to_value(created.in_force).unwrap()
    );
}

#[test]
fn snapshots_reconciliations_and_warnings_round_trip() {
    use sanctions_ledger::import::{
        ofac::{ParseOptions, SdnFiles},
        reconcile, Outcome, ReconcileOptions, Snapshot, WarningKind,
    };

    // Day 1: three entries, one with a bare quote (a warning). Day 2: one amended, one gone,
    // one new.
    let first = "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\
                 306,\"BANCO NACIONAL DE CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'BNC'.\"\r\n\
                 424,\"BOUTIQUE \"LA MAISON\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a";
    let second = "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'AEROCARIBE'.\"\r\n\
                  306,\"BANCO NACIONAL DE CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'BNC'.\"\r\n\
                  475,\"CASA DE CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a";
    let parse = |name: &str, text: &str, on: &str| {
        SdnFiles::new(name, text.as_bytes())
            .with_options(ParseOptions::new())
            .parse(day(on))
            .unwrap()
    };
    let a = parse("a.csv", first, "2023-12-14");
    assert!(
        a.warnings()
            .iter()
            .any(|w| w.kind == WarningKind::BareQuote),
        "{:?}",
        a.warnings()
    );
    let text = round_trip(&a);
    assert!(text.contains(r#""kind":"bare_quote""#), "{text}");
    let mut ledger = Ledger::new();
    let found = reconcile(
        ledger.current(),
        &a,
        &ReconcileOptions::new(at("2023-12-15T00:00:00Z")),
    )
    .unwrap();
    round_trip(&found);
    ledger.apply_batch(found.changes).unwrap();

    let b: Snapshot =
        serde_json::from_str(&round_trip(&parse("b.csv", second, "2023-12-20"))).unwrap();
    let options = ReconcileOptions::new(at("2023-12-21T00:00:00Z"))
        .allow_mass_delisting()
        .allow_mass_amendment();
    let found = reconcile(ledger.current(), &b, &options).unwrap();
    assert_eq!(
        (found.designations(), found.delistings(), found.amendments()),
        (1, 1, 1)
    );
    let text = round_trip(&found);
    for report in &found.report {
        let shape = serde_json::to_value(&report.outcome).unwrap();
        let key = match report.outcome {
            Outcome::Designated { .. } => "designated",
            Outcome::Delisted { .. } => "delisted",
            Outcome::Amended { .. } => "amended",
            _ => "other",
        };
        assert!(shape.get(key).is_some(), "{shape}");
        round_trip(report);
    }
    assert!(text.contains(r#""fields":["aliases","details"]"#), "{text}");
    round_trip(&b.entries().next().unwrap().clone());

    // A snapshot comes back through `insert`: a repeated entry is refused.
    let mut value = serde_json::to_value(&b).unwrap();
    let entries = value["entries"].as_array_mut().unwrap();
    entries.push(entries[0].clone());
    let err = serde_json::from_value::<Snapshot>(value).unwrap_err();
    assert!(err.to_string().contains("entry 306 appears twice"), "{err}");
}
