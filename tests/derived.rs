//! Derived status on the Belavia seed: the EU's class measure of 2021-06-04 before Belavia
//! was listed, and an invented company owned 60% by Belavia (seeds/invented-subsidiary.json)
//! that OFAC's 50% rule blocks from Belavia's designation, Belarus General License 11 relieves
//! through `covers_owned_entities`, and the SDN removal frees, while the EU keeps it blocked.

mod common;

use common::*;
use sanctions_ledger::{
    Authority, Change, ClassMeasureId, DerivedKind, DesignationId, EntityId, Error, Ledger,
    LicenceId, Reason, Relation, RelationId, Share, StatusKind,
};

const INVENTED: &str = include_str!("../seeds/invented-subsidiary.json");

fn belavia() -> EntityId {
    EntityId::derive("belavia")
}

fn subsidiary() -> EntityId {
    EntityId::derive("invented:belavia-subsidiary")
}

/// The seed with the invented subsidiary applied on top.
fn seed_with_subsidiary() -> Ledger {
    let mut ledger = seed();
    let invented: Vec<Change> = serde_json::from_str(INVENTED).expect("the invented changes parse");
    ledger
        .apply_batch(invented)
        .expect("the invented changes are consistent with the seed");
    ledger
}

fn kind(ledger: &Ledger, entity: EntityId, authority: &Authority, date: &str) -> DerivedKind {
    ledger
        .current()
        .derived_status(entity, authority, day(date))
        .expect("a known entity")
        .kind
}

#[test]
fn the_eu_class_measure_catches_belavia_before_its_listing() {
    let ledger = seed();
    let eu = |date| kind(&ledger, belavia(), &Authority::EU, date);
    assert_eq!(eu("2021-06-04"), DerivedKind::NotListed);
    assert_eq!(eu("2021-06-05"), DerivedKind::ClassMeasure);
    assert_eq!(eu("2021-12-01"), DerivedKind::ClassMeasure);
    assert_eq!(eu("2021-12-02"), DerivedKind::Listed);
    // Listed, and still in the class: both reasons, the listing first.
    let status = ledger
        .current()
        .derived_status(belavia(), &Authority::EU, day("2025-11-05"))
        .unwrap();
    assert_eq!(
        status.reasons,
        [
            Reason::Listed {
                designation: DesignationId::derive("eu:belavia")
            },
            Reason::ClassMeasure {
                measure: ClassMeasureId::derive("eu:belarusian-air-carriers")
            },
        ]
    );
    // The listing status alone is unchanged: not listed before 2021-12-02.
    let now = ledger.current();
    assert_eq!(
        now.status(belavia(), &Authority::EU, day("2021-06-05"))
            .unwrap()
            .kind(),
        StatusKind::NotListed
    );
    // The class measure is the EU's: OFAC's answer does not see it.
    assert_eq!(
        kind(&ledger, belavia(), &Authority::US_OFAC, "2021-06-05"),
        DerivedKind::NotListed
    );
}

#[test]
fn derived_kinds_of_belavia_keep_the_listing_words() {
    let ledger = seed();
    for (date, us, eu) in [
        ("2023-08-08", DerivedKind::NotListed, DerivedKind::Listed),
        ("2023-08-09", DerivedKind::Listed, DerivedKind::Listed),
        (
            "2025-09-11",
            DerivedKind::ListedLicensed,
            DerivedKind::Listed,
        ),
        ("2025-11-04", DerivedKind::NotListed, DerivedKind::Listed),
    ] {
        assert_eq!(
            kind(&ledger, belavia(), &Authority::US_OFAC, date),
            us,
            "{date}"
        );
        assert_eq!(kind(&ledger, belavia(), &Authority::EU, date), eu, "{date}");
        let listing = ledger
            .current()
            .status(belavia(), &Authority::US_OFAC, day(date))
            .unwrap()
            .kind();
        assert_eq!(us.listing(), listing, "{date}");
    }
}

#[test]
fn gl_11_relieves_the_owned_company_and_the_sdn_removal_frees_it() {
    let ledger = seed_with_subsidiary();
    let us = |date| kind(&ledger, subsidiary(), &Authority::US_OFAC, date);
    let eu = |date| kind(&ledger, subsidiary(), &Authority::EU, date);
    assert_eq!(us("2023-08-08"), DerivedKind::NotListed);
    assert_eq!(us("2023-08-09"), DerivedKind::BlockedByOwnership);
    assert_eq!(us("2025-09-10"), DerivedKind::BlockedByOwnership);
    assert_eq!(us("2025-09-11"), DerivedKind::BlockedByOwnershipLicensed);
    assert_eq!(us("2025-11-03"), DerivedKind::BlockedByOwnershipLicensed);
    assert_eq!(us("2025-11-04"), DerivedKind::NotListed);
    // The EU side: blocked since Belavia's EU listing, and still.
    assert_eq!(eu("2021-12-01"), DerivedKind::NotListed);
    assert_eq!(eu("2021-12-02"), DerivedKind::BlockedByOwnership);
    assert_eq!(eu("2025-11-05"), DerivedKind::BlockedByOwnership);
    // Not an air carrier: the class measure does not catch it.
    assert_eq!(eu("2021-06-05"), DerivedKind::NotListed);

    let now = ledger.current();
    let status = now
        .derived_status(subsidiary(), &Authority::US_OFAC, day("2025-10-01"))
        .unwrap();
    let stake = RelationId::derive("invented:belavia-owns-subsidiary");
    let Reason::Owned {
        designated_person,
        stakes,
        aggregate,
    } = &status.reasons[0]
    else {
        panic!("blocked through ownership: {status:?}");
    };
    assert_eq!(*designated_person, None, "OFAC adds up every blocked owner");
    assert_eq!(*aggregate, Share::percent(60).unwrap());
    assert_eq!(stakes.len(), 1);
    assert_eq!((stakes[0].owner, stakes[0].relation), (belavia(), stake));
    assert_eq!(
        status.owners[&belavia()],
        [Reason::Listed {
            designation: DesignationId::derive("us-ofac:44541")
        }]
    );
    let reliefs: Vec<(LicenceId, Vec<EntityId>)> = status
        .licences
        .iter()
        .map(|r| (r.licence, r.through.clone()))
        .collect();
    assert_eq!(
        reliefs,
        [(LicenceId::derive("us-ofac:belarus-gl-11"), vec![belavia()])]
    );
    let chains = status.chains();
    assert_eq!(chains.len(), 1);
    assert_eq!(
        chains[0].designation,
        DesignationId::derive("us-ofac:44541")
    );
    assert_eq!(chains[0].links[0].owner, belavia());
    // Its listing status is and stays "not listed": it is on no list.
    assert_eq!(
        now.status(subsidiary(), &Authority::US_OFAC, day("2025-10-01"))
            .unwrap()
            .kind(),
        StatusKind::NotListed
    );
}

#[test]
fn the_derived_timeline_opens_and_closes_where_the_ownership_or_listing_does() {
    let ledger = seed_with_subsidiary();
    let now = ledger.current();
    let timeline = now.derived_timeline(subsidiary()).unwrap();
    let periods: Vec<(String, Vec<String>)> = timeline
        .authorities
        .iter()
        .map(|t| {
            let periods = t
                .periods
                .iter()
                .map(|p| format!("{} {}", p.kind, p.dates))
                .collect();
            (t.authority.to_string(), periods)
        })
        .collect();
    assert_eq!(
        periods,
        [
            (
                "EU".to_owned(),
                vec!["blocked-by-ownership [2021-12-02, …)".to_owned()]
            ),
            (
                "US-OFAC".to_owned(),
                vec![
                    "blocked-by-ownership [2023-08-09, 2025-09-11)".to_owned(),
                    "blocked-by-ownership-licensed [2025-09-11, 2025-11-04)".to_owned(),
                ]
            ),
        ]
    );
    let us = &timeline.authorities[1];
    let opened: Vec<&str> = us.periods[0]
        .opened_by
        .iter()
        .map(|id| now.change(*id).unwrap().kind.name())
        .collect();
    assert_eq!(opened, ["designate"], "Belavia's SDN designation opens it");
    let closed: Vec<&str> = us.periods[1]
        .closed_by
        .iter()
        .map(|id| now.change(*id).unwrap().kind.name())
        .collect();
    assert_eq!(closed, ["delist"], "Belavia's removal closes it");

    let belavia_eu = now
        .derived_timeline(belavia())
        .unwrap()
        .authorities
        .into_iter()
        .find(|t| t.authority == Authority::EU)
        .unwrap();
    let periods: Vec<String> = belavia_eu
        .periods
        .iter()
        .map(|p| format!("{} {}", p.kind, p.dates))
        .collect();
    assert_eq!(
        periods,
        [
            "class-measure [2021-06-05, 2021-12-02)",
            "listed [2021-12-02, …)"
        ]
    );
}

#[test]
fn derived_state_and_diff_on_the_seed() {
    let ledger = seed_with_subsidiary();
    let now = ledger.current();
    let state = now.derived_state_on(day("2025-10-01"));
    assert_eq!(
        state.kind(subsidiary(), &Authority::US_OFAC),
        DerivedKind::BlockedByOwnershipLicensed
    );
    assert_eq!(state.kind(belavia(), &Authority::EU), DerivedKind::Listed);
    let diff = now.derived_diff(day("2025-11-03"), day("2025-11-04"));
    let changed: Vec<(EntityId, String, DerivedKind, DerivedKind)> = diff
        .changes
        .iter()
        .filter(|c| c.entity == subsidiary() || c.entity == belavia())
        .map(|c| (c.entity, c.authority.to_string(), c.before, c.after))
        .collect();
    let mut expected = vec![
        (
            belavia(),
            "US-OFAC".to_owned(),
            DerivedKind::ListedLicensed,
            DerivedKind::NotListed,
        ),
        (
            subsidiary(),
            "US-OFAC".to_owned(),
            DerivedKind::BlockedByOwnershipLicensed,
            DerivedKind::NotListed,
        ),
    ];
    expected.sort();
    assert_eq!(changed, expected);
    assert_eq!(
        diff,
        now.derived_state_on(day("2025-11-03"))
            .diff(&now.derived_state_on(day("2025-11-04")))
    );
}

#[test]
fn views_of_the_past_do_not_see_the_invented_company() {
    let ledger = seed_with_subsidiary();
    let before = ledger.known_at(at("2026-11-29T00:00:00Z"));
    assert!(matches!(
        before.derived_status(subsidiary(), &Authority::US_OFAC, day("2024-01-01")),
        Err(Error::EntityNotKnown { .. })
    ));
    // Known at 2021-06-04, the ledger knew the class measure and Belavia as a carrier.
    let early = ledger.known_at(at("2021-06-04T12:00:00Z"));
    assert_eq!(
        early
            .derived_status(belavia(), &Authority::EU, day("2021-06-05"))
            .unwrap()
            .kind,
        DerivedKind::ClassMeasure
    );
}

#[test]
fn relation_accessors_answer_as_known() {
    let ledger = seed_with_subsidiary();
    let now = ledger.current();
    let id = RelationId::derive("invented:belavia-owns-subsidiary");
    let created = now.relation(id).unwrap();
    assert_eq!(
        *created.record,
        Relation::ownership(belavia(), subsidiary(), Share::percent(60).unwrap())
    );
    assert!(now.relation_on(id, day("2019-12-31")).is_none());
    let on = now.relation_on(id, day("2024-01-01")).unwrap();
    assert_eq!(on.terms.share, Some(Share::percent(60).unwrap()));
    assert_eq!(now.relations_of(belavia(), day("2024-01-01")).len(), 1);
    let ban = ClassMeasureId::derive("eu:belarusian-air-carriers");
    let measure = now.class_measure_on(ban, day("2021-06-05")).unwrap();
    assert_eq!(measure.authority, Authority::EU);
    assert!(now.class_measure_on(ban, day("2021-06-04")).is_none());
}
