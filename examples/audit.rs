//! Why the recorded axis matters: an audit of what the ledger said, day by day.
//!
//! On 2025-09-11 a US envoy announced in Minsk that sanctions on Belavia were "lifted". A ledger
//! that believed the announcement recorded a delisting that evening. Four days later the
//! recorder read OFAC's actual action (Belarus General License 11: a licence, not a delisting),
//! retracted the delisting and recorded the licence instead. The real removal from the SDN list
//! came on 2025-11-04.
//!
//! The question a payment approved on 2025-10-01 raises is "was Belavia sanctioned by the US on
//! 2025-10-01?". The answer the ledger gives *today* is "listed and licensed". But an auditor
//! must also know what the ledger said *on the day a decision was made*: for a decision taken on
//! 2025-09-12 it said "not listed". Both answers stay reproducible forever, because corrections
//! are new changes on the recorded axis, never edits.
//!
//! ```text
//! cargo run --example audit
//! ```

use sanctions_ledger::chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sanctions_ledger::{
    Authority, Change, ChangeId, ChangeKind, Confidence, Designation, DesignationId,
    DesignationTerms, Entity, EntityId, EntityKind, Ledger, Licence, LicenceId, LicenceTerms,
    Measure, Program, Source,
};

fn main() -> Result<(), sanctions_ledger::Error> {
    let belavia = EntityId::derive("belavia");
    let ledger = record_history(belavia)?;

    let question = day(2025, 10, 1);
    println!("Was Belavia listed by US-OFAC on {question}? What the ledger said, as known at:");
    let audit_days = [
        at(2025, 9, 10, 23),
        at(2025, 9, 11, 23),
        at(2025, 9, 12, 23),
        at(2025, 9, 14, 23),
        at(2025, 9, 15, 23),
        at(2025, 9, 16, 23),
        at(2025, 11, 5, 23),
    ];
    for instant in audit_days {
        let view = ledger.known_at(instant);
        let status = view.status(belavia, &Authority::US_OFAC, question)?;
        println!("  {instant}  {}", status.kind());
    }
    let now = ledger
        .current()
        .status(belavia, &Authority::US_OFAC, question)?;
    println!("  current knowledge        {}", now.kind());
    Ok(())
}

/// The ledger as the recorder built it, mistake and correction included.
fn record_history(belavia: EntityId) -> Result<Ledger, sanctions_ledger::Error> {
    let sdn_entry = DesignationId::derive("us-ofac:44541");
    let announced_delisting = ChangeId::derive("audit:announced-delisting");

    let mut ledger = Ledger::new();
    // What the ledger knew in 2023: the SDN designation.
    ledger.apply_batch([
        change(
            "audit:register",
            day(2023, 8, 9),
            at(2023, 8, 10, 8),
            "OFAC SDN entry 44541",
            ChangeKind::RegisterEntity {
                entity: belavia,
                record: Box::new(Entity::new(
                    EntityKind::Organisation,
                    "Open Joint Stock Company Belavia Belarusian Airlines",
                )),
            },
        ),
        change(
            "audit:designate",
            day(2023, 8, 9),
            at(2023, 8, 10, 8),
            "OFAC SDN entry 44541",
            ChangeKind::Designate {
                designation: sdn_entry,
                record: Box::new(Designation::new(
                    belavia,
                    Authority::US_OFAC,
                    DesignationTerms::new(Measure::AssetFreeze)
                        .with_program(Program::new(Authority::US_OFAC, "BELARUS-EO14038")?),
                )),
            },
        ),
    ])?;
    // 2025-09-11, evening: the announcement is taken at its word.
    let mut believed = change(
        "audit:announced-delisting",
        day(2025, 9, 11),
        at(2025, 9, 11, 18),
        "US envoy's announcement in Minsk that sanctions on Belavia are lifted",
        ChangeKind::Delist {
            designation: sdn_entry,
        },
    );
    believed.source = believed.source.with_confidence(Confidence::Reported);
    ledger.apply(believed)?;
    // 2025-09-15: the correction. Atomically: withdraw the delisting, record the licence.
    ledger.apply_batch([
        change(
            "audit:retract",
            day(2025, 9, 15),
            at(2025, 9, 15, 9),
            "OFAC recent actions of 2025-09-11: a general licence, no SDN removal",
            ChangeKind::Retract {
                change: announced_delisting,
                reason: "the announcement was a licence (Belarus GL 11), not a delisting".into(),
            },
        ),
        change(
            "audit:gl-11",
            day(2025, 9, 11),
            at(2025, 9, 15, 9),
            "OFAC Belarus General License 11",
            ChangeKind::IssueLicence {
                licence: LicenceId::derive("us-ofac:belarus-gl-11"),
                record: Box::new(Licence::new(
                    Authority::US_OFAC,
                    LicenceTerms::general("Belarus General License 11", belavia)
                        .with_owned_entities()
                        .with_exclusion("does not unblock blocked property"),
                )),
            },
        ),
    ])?;
    // 2025-11-05: the real removal, effective the day before.
    ledger.apply(change(
        "audit:delist",
        day(2025, 11, 4),
        at(2025, 11, 5, 10),
        "OFAC SDN list update of 2025-11-04",
        ChangeKind::Delist {
            designation: sdn_entry,
        },
    ))?;

    Ok(ledger)
}

fn change(
    name: &str,
    effective: NaiveDate,
    recorded: DateTime<Utc>,
    citation: &str,
    kind: ChangeKind,
) -> Change {
    Change::new(
        ChangeId::derive(name),
        effective,
        recorded,
        Source::new(citation),
        kind,
    )
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("the example's dates are valid")
}

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .expect("the example's instants are valid")
}
