//! Licences relieve without delisting: only while in force, only for the entities they name as
//! of the date, and only with their own authority.

mod common;

use common::*;
use sanctions_ledger::{
    Authority, ChangeKind, DesignationId, Entity, EntityKind, LicenceId, LicenceTerms, StatusKind,
};

fn kind(
    ledger: &sanctions_ledger::Ledger,
    who: &str,
    authority: &Authority,
    date: &str,
) -> StatusKind {
    ledger
        .current()
        .status(entity(who), authority, day(date))
        .unwrap()
        .kind()
}

#[test]
fn a_licence_is_in_force_from_issue_until_its_end() {
    let mut ledger = acme();
    ledger
        .apply_batch([
            change("gl", "2024-02-01", licence("gl", Authority::EU, "acme")),
            change("end gl", "2024-03-01", end_licence("gl")),
        ])
        .unwrap();
    assert_eq!(
        kind(&ledger, "acme", &Authority::EU, "2024-01-31"),
        StatusKind::Listed
    );
    assert_eq!(
        kind(&ledger, "acme", &Authority::EU, "2024-02-01"),
        StatusKind::ListedLicensed
    );
    assert_eq!(
        kind(&ledger, "acme", &Authority::EU, "2024-02-29"),
        StatusKind::ListedLicensed
    );
    assert_eq!(
        kind(&ledger, "acme", &Authority::EU, "2024-03-01"),
        StatusKind::Listed
    );
}

#[test]
fn a_licence_of_another_authority_does_not_relieve() {
    let mut ledger = acme();
    ledger
        .apply(change(
            "us gl",
            "2024-02-01",
            licence("us gl", Authority::US_OFAC, "acme"),
        ))
        .unwrap();
    assert_eq!(
        kind(&ledger, "acme", &Authority::EU, "2024-03-01"),
        StatusKind::Listed
    );
    assert_eq!(
        kind(&ledger, "acme", &Authority::US_OFAC, "2024-03-01"),
        StatusKind::NotListed
    );
}

#[test]
fn an_amendment_that_drops_an_entity_ends_its_relief_on_that_date() {
    let mut ledger = acme();
    ledger
        .apply_batch([
            change("reg other", "2024-01-01", register("other")),
            change("gl", "2024-02-01", licence("gl", Authority::EU, "acme")),
            change(
                "narrow gl",
                "2024-04-01",
                ChangeKind::AmendLicence {
                    licence: LicenceId::derive("gl"),
                    terms: Box::new(LicenceTerms::general("gl", entity("other"))),
                },
            ),
        ])
        .unwrap();
    assert_eq!(
        kind(&ledger, "acme", &Authority::EU, "2024-03-31"),
        StatusKind::ListedLicensed
    );
    assert_eq!(
        kind(&ledger, "acme", &Authority::EU, "2024-04-01"),
        StatusKind::Listed
    );

    let timeline = ledger.current().timeline(entity("acme")).unwrap();
    let periods: Vec<_> = timeline.authorities[0]
        .periods
        .iter()
        .map(|p| (p.status, p.dates.from, p.dates.until))
        .collect();
    assert_eq!(
        periods,
        [
            (
                StatusKind::Listed,
                day("2024-01-10"),
                Some(day("2024-02-01"))
            ),
            (
                StatusKind::ListedLicensed,
                day("2024-02-01"),
                Some(day("2024-04-01"))
            ),
            (StatusKind::Listed, day("2024-04-01"), None),
        ]
    );
    assert_eq!(
        timeline.authorities[0].periods[1].closed_by,
        vec![sanctions_ledger::ChangeId::derive("narrow gl")]
    );
}

#[test]
fn a_licence_may_be_amended_only_while_in_force() {
    let mut ledger = acme();
    ledger
        .apply_batch([
            change("gl", "2024-02-01", licence("gl", Authority::EU, "acme")),
            change("end gl", "2024-03-01", end_licence("gl")),
        ])
        .unwrap();
    let late = change(
        "late",
        "2024-03-01",
        ChangeKind::AmendLicence {
            licence: LicenceId::derive("gl"),
            terms: Box::new(LicenceTerms::general("gl", entity("acme"))),
        },
    );
    let error = ledger.apply(late).unwrap_err();
    assert!(
        matches!(error, sanctions_ledger::Error::NotInForce { .. }),
        "{error}"
    );
    let unknown_entity = change(
        "ghost",
        "2024-02-15",
        ChangeKind::AmendLicence {
            licence: LicenceId::derive("gl"),
            terms: Box::new(LicenceTerms::general("gl", entity("ghost"))),
        },
    );
    assert!(matches!(
        ledger.apply(unknown_entity).unwrap_err(),
        sanctions_ledger::Error::UnknownEntity { .. }
    ));
}

#[test]
fn relisting_after_a_delisting_is_a_new_period() {
    let mut ledger = acme();
    ledger
        .apply_batch([
            change("delist", "2024-03-01", delist("d1")),
            change(
                "relist",
                "2024-06-01",
                designate("d2", "acme", Authority::EU),
            ),
        ])
        .unwrap();
    let periods = &ledger
        .current()
        .timeline(entity("acme"))
        .unwrap()
        .authorities[0]
        .periods;
    assert_eq!(periods.len(), 2);
    assert_eq!(
        (periods[0].dates.until, periods[1].dates.from),
        (Some(day("2024-03-01")), day("2024-06-01"))
    );
    // Entity facts do not move statuses.
    ledger
        .apply(change(
            "rename",
            "2024-07-01",
            ChangeKind::AmendEntity {
                entity: entity("acme"),
                record: Box::new(Entity::new(EntityKind::Organisation, "Acme 2")),
            },
        ))
        .unwrap();
    assert_eq!(
        ledger
            .current()
            .timeline(entity("acme"))
            .unwrap()
            .authorities[0]
            .periods
            .len(),
        2
    );
}

/// Which licences relieve the entity, not only whether one does: each in force, of the
/// listing authority, naming the entity on the date; sorted; none while it is not listed.
#[test]
fn the_status_names_the_licences_that_relieve_the_entity() {
    let mut ledger = acme();
    ledger
        .apply_batch([
            change("reg other", "2024-01-01", register("other")),
            change("gl b", "2024-02-01", licence("gl b", Authority::EU, "acme")),
            change("gl a", "2024-03-01", licence("gl a", Authority::EU, "acme")),
            change(
                "gl other",
                "2024-02-01",
                licence("gl other", Authority::EU, "other"),
            ),
            change(
                "gl us",
                "2024-02-01",
                licence("gl us", Authority::US_OFAC, "acme"),
            ),
            change("end gl b", "2024-04-01", end_licence("gl b")),
            change("delist d1", "2024-05-01", delist("d1")),
        ])
        .unwrap();
    let licences = |date: &str| -> Vec<LicenceId> {
        let status = ledger
            .current()
            .status(entity("acme"), &Authority::EU, day(date))
            .unwrap();
        status.licences().to_vec()
    };
    let id = LicenceId::derive;
    assert_eq!(licences("2024-01-31"), []);
    assert_eq!(licences("2024-02-01"), [id("gl b")]);
    let mut both = vec![id("gl a"), id("gl b")];
    both.sort();
    assert_eq!(licences("2024-03-01"), both);
    assert_eq!(licences("2024-04-01"), [id("gl a")]);
    // Delisted: a licence relieves only a listed entity.
    assert_eq!(licences("2024-05-01"), []);

    let status = ledger
        .current()
        .status(entity("acme"), &Authority::EU, day("2024-03-15"))
        .unwrap();
    assert_eq!(status.designations(), [DesignationId::derive("d1")]);
    assert_eq!(status.licences(), &both[..]);
    // The whole state agrees.
    let state = ledger.current().state_on(day("2024-03-15"));
    assert_eq!(state.status(entity("acme"), &Authority::EU), status);
}
