//! The synthetic ledger of `load`, `digest` and `feed`: entity `i` registered, designated by
//! the EU and delisted 30 days later, the three recorded at the same instant (one batch), one
//! second after entity `i - 1`.

use sanctions_ledger::chrono::{self, NaiveDate, TimeZone, Utc};
use sanctions_ledger::{
    Authority, Change, ChangeId, ChangeKind, Designation, DesignationId, DesignationTerms, Entity,
    EntityId, EntityKind, Ledger, Measure, Source,
};

/// A bench's result.
pub(crate) type BenchResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// A ledger of exactly `changes` changes: three per entity, plus one or two registrations.
pub(crate) fn build(changes: usize) -> BenchResult<Ledger> {
    let recorded0 = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .ok_or("instant")?;
    let day0 = NaiveDate::from_ymd_opt(2000, 1, 1).ok_or("date")?;
    let mut ledger = Ledger::new();
    let entities = changes.div_ceil(3);
    for i in 0..entities {
        let n = u64::try_from(i)?;
        let recorded = recorded0 + chrono::Duration::seconds(i64::try_from(i)?);
        let effective = day0 + chrono::Days::new(n % 9000);
        let entity = EntityId::derive(&format!("bench entity {i}"));
        let designation = DesignationId::derive(&format!("bench designation {i}"));
        let source = Source::new(format!("bench notice {i}"));
        let change = |what: &str, effective, kind| {
            Change::new(
                ChangeId::derive(&format!("bench {what} {i}")),
                effective,
                recorded,
                source.clone(),
                kind,
            )
        };
        let mut batch = vec![change(
            "register",
            effective,
            ChangeKind::RegisterEntity {
                entity,
                record: Box::new(Entity::new(
                    EntityKind::Organisation,
                    format!("Bench Trading Company {i}"),
                )),
            },
        )];
        if ledger.len() + 1 < changes {
            batch.push(change(
                "designate",
                effective,
                ChangeKind::Designate {
                    designation,
                    record: Box::new(Designation::new(
                        entity,
                        Authority::EU,
                        DesignationTerms::new(Measure::AssetFreeze),
                    )),
                },
            ));
        }
        if ledger.len() + 2 < changes {
            batch.push(change(
                "delist",
                effective + chrono::Days::new(30),
                ChangeKind::Delist { designation },
            ));
        }
        ledger.apply_batch(batch)?;
    }
    Ok(ledger)
}
