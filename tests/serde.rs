//! Every public data type survives a JSON round trip unchanged, and the text forms are stable.

mod common;

use common::*;
use sanctions_ledger::{
    Applied, Authorisation, Authority, ChangeKind, Confidence, Country, Entity, EntityKind,
    Identifier, ImoNumber, Interval, Ledger, LicenceEnd, Measure, ObservationWindow, Source,
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
    round_trip(&now.state_on(day("2025-10-01")));
    round_trip(&now.diff(day("2023-01-01"), day("2025-12-01")));
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
