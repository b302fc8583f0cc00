//! Small builders shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use sanctions_ledger::chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sanctions_ledger::{
    Authority, Change, ChangeId, ChangeKind, Designation, DesignationId, DesignationTerms, Entity,
    EntityId, EntityKind, Ledger, Licence, LicenceEnd, LicenceId, LicenceTerms, Measure, Source,
};

pub const SEED: &str = include_str!("../../seeds/belavia.json");

pub fn seed() -> Ledger {
    Ledger::from_json_str(SEED).expect("the committed seed is a valid ledger")
}

pub fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test dates are valid")
}

pub fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("test instants are valid")
        .with_timezone(&Utc)
}

/// The instant every change of `change()` is recorded at unless said otherwise.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

pub fn change(name: &str, effective: &str, kind: ChangeKind) -> Change {
    change_at(name, effective, t0(), kind)
}

pub fn change_at(name: &str, effective: &str, recorded: DateTime<Utc>, kind: ChangeKind) -> Change {
    Change::new(
        ChangeId::derive(name),
        day(effective),
        recorded,
        Source::new(name),
        kind,
    )
}

pub fn entity(name: &str) -> EntityId {
    EntityId::derive(name)
}

pub fn register(name: &str) -> ChangeKind {
    ChangeKind::RegisterEntity {
        entity: entity(name),
        record: Box::new(Entity::new(EntityKind::Organisation, name)),
    }
}

pub fn designate(id: &str, who: &str, authority: Authority) -> ChangeKind {
    ChangeKind::Designate {
        designation: DesignationId::derive(id),
        record: Box::new(Designation::new(
            entity(who),
            authority,
            DesignationTerms::new(Measure::AssetFreeze),
        )),
    }
}

pub fn amend(id: &str, measure: Measure) -> ChangeKind {
    ChangeKind::AmendDesignation {
        designation: DesignationId::derive(id),
        terms: Box::new(DesignationTerms::new(measure)),
    }
}

pub fn delist(id: &str) -> ChangeKind {
    ChangeKind::Delist {
        designation: DesignationId::derive(id),
    }
}

pub fn licence(id: &str, authority: Authority, who: &str) -> ChangeKind {
    ChangeKind::IssueLicence {
        licence: LicenceId::derive(id),
        record: Box::new(Licence::new(
            authority,
            LicenceTerms::general(id, entity(who)),
        )),
    }
}

pub fn end_licence(id: &str) -> ChangeKind {
    ChangeKind::EndLicence {
        licence: LicenceId::derive(id),
        end: LicenceEnd::Revoked,
    }
}

pub fn retract(name: &str) -> ChangeKind {
    ChangeKind::Retract {
        change: ChangeId::derive(name),
        reason: "test".into(),
    }
}

/// A ledger with entity "acme" registered and designated by the EU as "d1" on 2024-01-10.
pub fn acme() -> Ledger {
    Ledger::from_changes([
        change("reg acme", "2024-01-01", register("acme")),
        change(
            "designate d1",
            "2024-01-10",
            designate("d1", "acme", Authority::EU),
        ),
    ])
    .expect("a valid start")
}

pub fn json(ledger: &Ledger) -> String {
    serde_json::to_string(ledger).expect("a ledger serialises")
}
