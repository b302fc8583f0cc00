//! Every consistency rule of DESIGN.md, each with its own error variant, and the guarantee that a
//! refused change or batch leaves the ledger exactly as it was.

mod common;

use common::*;
use sanctions_ledger::{
    Authority, Change, ChangeId, ChangeKind, Designation, DesignationId, DesignationTerms, Entity,
    EntityKind, Error, Identifier, Interval, Ledger, LicenceId, LicenceTerms, List, Measure,
    ObservationWindow, Program, Rule, Target,
};

/// Applies `changes` as one batch, expects a refusal, and checks nothing changed.
fn refuse(ledger: &mut Ledger, changes: Vec<Change>) -> Error {
    let before = json(ledger);
    let len = ledger.len();
    let error = ledger
        .apply_batch(changes)
        .expect_err("the batch must be refused");
    assert_eq!(ledger.len(), len);
    assert_eq!(
        json(ledger),
        before,
        "a refused batch leaves the ledger unchanged"
    );
    // Every refusal reports its rule, the one named like the error variant.
    let rule = error
        .rule()
        .expect("a refused change reports the rule it breaks");
    assert!(rule.matches(&error));
    assert!(
        format!("{error:?}").starts_with(&format!("{rule:?} {{")),
        "{error:?} reports {rule:?}"
    );
    // The indexes were rolled back too: the ledger answers exactly as one built afresh.
    let fresh = Ledger::from_changes(ledger.changes().to_vec()).unwrap();
    let (now, expected) = (ledger.current(), fresh.current());
    assert_eq!(now.entities(), expected.entities());
    for entity in expected.entities() {
        assert_eq!(
            now.timeline(entity).unwrap(),
            expected.timeline(entity).unwrap()
        );
    }
    for date in [
        "2023-12-31",
        "2024-01-10",
        "2024-02-01",
        "2024-03-01",
        "2024-06-01",
        "2025-01-01",
    ] {
        assert_eq!(
            now.state_on(day(date)),
            expected.state_on(day(date)),
            "{date}"
        );
    }
    error
}

fn d(name: &str) -> Target {
    Target::Designation(DesignationId::derive(name))
}

#[test]
fn valid_history_is_accepted_and_counted() {
    let mut ledger = acme();
    let applied = ledger
        .apply_batch([
            change("amend d1", "2024-02-01", amend("d1", Measure::TravelBan)),
            change("delist d1", "2024-03-01", delist("d1")),
            change(
                "relist d2",
                "2024-04-01",
                designate("d2", "acme", Authority::EU),
            ),
        ])
        .unwrap();
    assert_eq!(applied.appended, 3);
    assert_eq!(applied.already_present, 0);
    assert_eq!(ledger.len(), 5);
}

#[test]
fn same_id_same_content_is_a_no_op() {
    let mut ledger = acme();
    let before = json(&ledger);
    let again = ledger.changes()[1].clone();
    let applied = ledger.apply(again).unwrap();
    assert_eq!((applied.appended, applied.already_present), (0, 1));
    assert_eq!(json(&ledger), before);
}

#[test]
fn same_id_different_content_is_refused() {
    let mut ledger = acme();
    let mut altered = ledger.changes()[1].clone();
    altered.effective = day("2024-01-11");
    let id = altered.id;
    assert_eq!(
        refuse(&mut ledger, vec![altered]),
        Error::ConflictingChangeId { change: id }
    );
    // Inside one batch too.
    let a = change("x", "2024-05-01", register("x"));
    let mut b = a.clone();
    b.effective = day("2024-05-02");
    assert!(matches!(
        refuse(&mut ledger, vec![a, b]),
        Error::ConflictingChangeId { .. }
    ));
}

#[test]
fn recorded_instants_never_go_backwards() {
    let mut ledger = acme();
    let early = change_at(
        "late news",
        "2024-02-01",
        at("2025-12-31T00:00:00Z"),
        delist("d1"),
    );
    let error = refuse(&mut ledger, vec![early]);
    assert_eq!(
        error,
        Error::RecordedOutOfOrder {
            change: ChangeId::derive("late news"),
            recorded: at("2025-12-31T00:00:00Z"),
            latest: t0(),
        }
    );
}

#[test]
fn observation_window_must_end_on_the_effective_date() {
    let mut ledger = acme();
    let bad = change("w", "2024-02-01", amend("d1", Measure::TravelBan)).with_window(
        ObservationWindow::new(Some(day("2024-01-20")), day("2024-01-31")),
    );
    assert!(matches!(
        refuse(&mut ledger, vec![bad]),
        Error::InvalidWindow { .. }
    ));
    let reversed = change("w", "2024-02-01", amend("d1", Measure::TravelBan)).with_window(
        ObservationWindow::new(Some(day("2024-02-01")), day("2024-02-01")),
    );
    assert!(matches!(
        refuse(&mut ledger, vec![reversed]),
        Error::InvalidWindow { .. }
    ));
    let good = change("w", "2024-02-01", amend("d1", Measure::TravelBan)).with_window(
        ObservationWindow::new(Some(day("2024-01-20")), day("2024-02-01")),
    );
    ledger.apply(good).unwrap();
}

#[test]
fn blank_names_programs_of_other_authorities_and_empty_licences_are_refused() {
    let mut ledger = acme();
    let blank = change(
        "blank",
        "2024-01-01",
        ChangeKind::RegisterEntity {
            entity: entity("blank"),
            record: Box::new(Entity::new(EntityKind::Person, "  ")),
        },
    );
    assert_eq!(
        refuse(&mut ledger, vec![blank]),
        Error::BlankName {
            change: ChangeId::derive("blank"),
            entity: entity("blank")
        }
    );

    let foreign = Program::new(Authority::US_OFAC, "BELARUS-EO14038").unwrap();
    let mut record = sanctions_ledger::Designation::new(
        entity("acme"),
        Authority::EU,
        DesignationTerms::new(Measure::AssetFreeze).with_program(foreign.clone()),
    );
    record.terms.reason = Some("x".into());
    let wrong = change(
        "wrong program",
        "2024-02-01",
        ChangeKind::Designate {
            designation: DesignationId::derive("d9"),
            record: Box::new(record),
        },
    );
    assert_eq!(
        refuse(&mut ledger, vec![wrong]),
        Error::ProgramOfOtherAuthority {
            change: ChangeId::derive("wrong program"),
            authority: Authority::EU,
            program: foreign,
        }
    );

    let mut terms = LicenceTerms::general("GL", entity("acme"));
    terms.covers.clear();
    let empty = change(
        "empty licence",
        "2024-02-01",
        ChangeKind::IssueLicence {
            licence: LicenceId::derive("l"),
            record: Box::new(sanctions_ledger::Licence::new(Authority::EU, terms)),
        },
    );
    assert!(matches!(
        refuse(&mut ledger, vec![empty]),
        Error::LicenceCoversNothing { .. }
    ));
}

#[test]
fn a_designation_is_on_a_list_of_its_own_authority() {
    let mut ledger = acme();
    let on = |list: List| ChangeKind::Designate {
        designation: DesignationId::derive("d2"),
        record: Box::new(
            Designation::new(
                entity("acme"),
                Authority::EU,
                DesignationTerms::new(Measure::AssetFreeze),
            )
            .on_list(list),
        ),
    };
    let error = refuse(
        &mut ledger,
        vec![change("wrong list", "2024-02-01", on(List::US_OFAC_SDN))],
    );
    assert_eq!(
        error,
        Error::ListOfOtherAuthority {
            change: ChangeId::derive("wrong list"),
            authority: Authority::EU,
            list: List::US_OFAC_SDN,
        }
    );
    assert_eq!(error.rule(), Some(Rule::ListOfOtherAuthority));
    assert!(error.to_string().contains("US-OFAC/SDN"), "{error}");
    // A list of another authority with the same code is still another list.
    let lookalike = List::new(Authority::UK, "CONSOLIDATED").unwrap();
    assert!(matches!(
        refuse(
            &mut ledger,
            vec![change("lookalike", "2024-02-01", on(lookalike))]
        ),
        Error::ListOfOtherAuthority { .. }
    ));
    ledger
        .apply(change(
            "right list",
            "2024-02-01",
            on(List::EU_CONSOLIDATED),
        ))
        .unwrap();
}

#[test]
fn a_designation_keeps_its_list_for_life() {
    let mut ledger = acme();
    let on = |id: &str, list: Option<List>| {
        let mut record = Designation::new(
            entity("acme"),
            Authority::US_OFAC,
            DesignationTerms::new(Measure::Sectoral),
        );
        record.list = list;
        ChangeKind::Designate {
            designation: DesignationId::derive(id),
            record: Box::new(record),
        }
    };
    ledger
        .apply(change(
            "ssi",
            "2024-02-01",
            on("mbs", Some(List::US_OFAC_NS_MBS)),
        ))
        .unwrap();
    ledger
        .apply(change("withdrawn", "2024-02-02", retract("ssi")))
        .unwrap();
    // Created again on another list, or on none: the id named another list first, even though
    // that creation is retracted. A move between lists is a new designation.
    for list in [Some(List::US_OFAC_SDN), None] {
        let error = refuse(
            &mut ledger,
            vec![change("moved in place", "2024-03-01", on("mbs", list))],
        );
        assert_eq!(
            error,
            Error::DuplicateTarget {
                change: ChangeId::derive("moved in place"),
                target: d("mbs"),
                existing: ChangeId::derive("ssi"),
            }
        );
    }
    // The same list again is the retracted designation recorded anew.
    ledger
        .apply(change(
            "mbs again",
            "2024-03-01",
            on("mbs", Some(List::US_OFAC_NS_MBS)),
        ))
        .unwrap();
    // The move itself: the NS-MBS designation ends, an SDN designation starts, same date.
    ledger
        .apply_batch([
            change("mbs ends", "2024-11-21", delist("mbs")),
            change("sdn", "2024-11-21", on("sdn", Some(List::US_OFAC_SDN))),
        ])
        .unwrap();
    let now = ledger.current();
    let listed = |list: &List, date| now.is_listed(entity("acme"), list, date).unwrap();
    assert!(listed(&List::US_OFAC_NS_MBS, day("2024-11-20")));
    assert!(!listed(&List::US_OFAC_SDN, day("2024-11-20")));
    assert!(!listed(&List::US_OFAC_NS_MBS, day("2024-11-21")));
    assert!(listed(&List::US_OFAC_SDN, day("2024-11-21")));
    // By the authority, listed throughout.
    for date in ["2024-11-20", "2024-11-21"] {
        assert!(now
            .is_listed(entity("acme"), &Authority::US_OFAC, day(date))
            .unwrap());
    }
}

#[test]
fn changes_must_name_known_entities() {
    let mut ledger = acme();
    let error = refuse(
        &mut ledger,
        vec![change(
            "d ghost",
            "2024-02-01",
            designate("dg", "ghost", Authority::EU),
        )],
    );
    assert_eq!(
        error,
        Error::UnknownEntity {
            change: ChangeId::derive("d ghost"),
            entity: entity("ghost")
        }
    );
    let error = refuse(
        &mut ledger,
        vec![change(
            "l ghost",
            "2024-02-01",
            licence("l", Authority::EU, "ghost"),
        )],
    );
    assert!(matches!(error, Error::UnknownEntity { .. }), "{error}");
    let amend_ghost = change(
        "amend ghost",
        "2024-02-01",
        ChangeKind::AmendEntity {
            entity: entity("ghost"),
            record: Box::new(Entity::new(EntityKind::Person, "Ghost")),
        },
    );
    assert!(matches!(
        refuse(&mut ledger, vec![amend_ghost]),
        Error::UnknownEntity { .. }
    ));
}

#[test]
fn an_entity_amendment_may_not_predate_the_registration() {
    let mut ledger = acme();
    let early = change(
        "early facts",
        "2023-12-31",
        ChangeKind::AmendEntity {
            entity: entity("acme"),
            record: Box::new(Entity::new(EntityKind::Organisation, "Acme")),
        },
    );
    assert_eq!(
        refuse(&mut ledger, vec![early]),
        Error::AmendedBeforeRegistration {
            change: ChangeId::derive("early facts"),
            entity: entity("acme"),
            amended: day("2023-12-31"),
            registered: day("2024-01-01"),
        }
    );
    let same_day = change(
        "same day",
        "2024-01-01",
        ChangeKind::AmendEntity {
            entity: entity("acme"),
            record: Box::new(Entity::new(EntityKind::Organisation, "Acme")),
        },
    );
    ledger.apply(same_day).unwrap();
}

#[test]
fn the_same_batch_may_register_the_entity_in_any_order() {
    let mut ledger = Ledger::new();
    ledger
        .apply_batch([
            change(
                "designate",
                "2024-01-10",
                designate("d", "new", Authority::UK),
            ),
            change("register", "2024-01-01", register("new")),
        ])
        .unwrap();
    assert!(ledger
        .current()
        .is_listed(entity("new"), &Authority::UK, day("2024-01-10"))
        .unwrap());
}

#[test]
fn a_delisting_may_precede_its_designation_within_one_batch() {
    let mut ledger = Ledger::new();
    ledger
        .apply_batch([
            change("delist", "2024-05-01", delist("d")),
            change(
                "designate",
                "2024-01-10",
                designate("d", "new", Authority::UK),
            ),
            change("register", "2024-01-01", register("new")),
        ])
        .unwrap();
    let now = ledger.current();
    assert!(now
        .is_listed(entity("new"), &Authority::UK, day("2024-04-30"))
        .unwrap());
    assert!(!now
        .is_listed(entity("new"), &Authority::UK, day("2024-05-01"))
        .unwrap());
    assert_eq!(
        now.designations_in_force(day("2024-04-30")),
        vec![DesignationId::derive("d")]
    );
    assert!(now.designations_in_force(day("2024-05-01")).is_empty());
}

#[test]
fn a_registration_recorded_later_does_not_satisfy_an_earlier_designation() {
    // A view known at the first instant would hold a designation of an unknown entity.
    let mut ledger = Ledger::new();
    let error = ledger
        .apply_batch([
            change_at(
                "designate",
                "2024-01-10",
                at("2026-01-01T00:00:00Z"),
                designate("d", "new", Authority::UK),
            ),
            change_at(
                "register",
                "2024-01-01",
                at("2026-01-02T00:00:00Z"),
                register("new"),
            ),
        ])
        .unwrap_err();
    assert!(matches!(error, Error::UnknownEntity { .. }), "{error}");
    assert!(ledger.is_empty());
}

#[test]
fn amendments_and_delistings_must_name_known_designations_and_licences() {
    let mut ledger = acme();
    let error = refuse(&mut ledger, vec![change("x", "2024-02-01", delist("nope"))]);
    assert_eq!(
        error,
        Error::UnknownTarget {
            change: ChangeId::derive("x"),
            target: d("nope")
        }
    );
    let error = refuse(
        &mut ledger,
        vec![change("x", "2024-02-01", amend("nope", Measure::TravelBan))],
    );
    assert!(matches!(error, Error::UnknownTarget { .. }));
    let error = refuse(
        &mut ledger,
        vec![change("x", "2024-02-01", end_licence("nope"))],
    );
    assert_eq!(
        error,
        Error::UnknownTarget {
            change: ChangeId::derive("x"),
            target: Target::Licence(LicenceId::derive("nope"))
        }
    );
}

#[test]
fn ids_of_entities_designations_and_licences_are_created_once() {
    let mut ledger = acme();
    let error = refuse(
        &mut ledger,
        vec![change("reg again", "2024-01-01", register("acme"))],
    );
    assert_eq!(
        error,
        Error::DuplicateEntity {
            change: ChangeId::derive("reg again"),
            entity: entity("acme"),
            existing: ChangeId::derive("reg acme")
        }
    );
    let error = refuse(
        &mut ledger,
        vec![change(
            "again",
            "2025-01-01",
            designate("d1", "acme", Authority::EU),
        )],
    );
    assert_eq!(
        error,
        Error::DuplicateTarget {
            change: ChangeId::derive("again"),
            target: d("d1"),
            existing: ChangeId::derive("designate d1")
        }
    );
    ledger
        .apply(change(
            "l1",
            "2024-02-01",
            licence("l1", Authority::EU, "acme"),
        ))
        .unwrap();
    let error = refuse(
        &mut ledger,
        vec![change(
            "l1 again",
            "2024-03-01",
            licence("l1", Authority::EU, "acme"),
        )],
    );
    assert!(matches!(
        error,
        Error::DuplicateTarget {
            target: Target::Licence(_),
            ..
        }
    ));
}

#[test]
fn an_amendment_must_fall_while_the_designation_is_in_force() {
    let mut ledger = acme();
    let error = refuse(
        &mut ledger,
        vec![change(
            "early",
            "2024-01-09",
            amend("d1", Measure::TravelBan),
        )],
    );
    assert_eq!(
        error,
        Error::NotInForce {
            change: ChangeId::derive("early"),
            target: d("d1"),
            effective: day("2024-01-09"),
            in_force: Interval::new(day("2024-01-10"), None),
        }
    );
    assert!(
        error
            .to_string()
            .ends_with("in force only over [2024-01-10, …)"),
        "{error}"
    );
    ledger
        .apply(change("delist", "2024-03-01", delist("d1")))
        .unwrap();
    let error = refuse(
        &mut ledger,
        vec![change(
            "late",
            "2024-03-01",
            amend("d1", Measure::TravelBan),
        )],
    );
    assert_eq!(
        error,
        Error::NotInForce {
            change: ChangeId::derive("late"),
            target: d("d1"),
            effective: day("2024-03-01"),
            in_force: Interval::new(day("2024-01-10"), Some(day("2024-03-01"))),
        }
    );
    // The day before the delisting is still in force; the designation day itself too.
    ledger
        .apply(change(
            "last day",
            "2024-02-29",
            amend("d1", Measure::TravelBan),
        ))
        .unwrap();
    ledger
        .apply(change(
            "first day",
            "2024-01-10",
            amend("d1", Measure::FlightBan),
        ))
        .unwrap();
}

#[test]
fn a_delisting_must_be_strictly_after_the_designation() {
    let mut ledger = acme();
    for date in ["2024-01-10", "2023-12-31"] {
        let error = refuse(&mut ledger, vec![change("too early", date, delist("d1"))]);
        assert_eq!(
            error,
            Error::EndNotAfterStart {
                change: ChangeId::derive("too early"),
                target: d("d1"),
                started: day("2024-01-10"),
                ended: day(date)
            }
        );
    }
    ledger
        .apply(change(
            "l",
            "2024-02-01",
            licence("l", Authority::EU, "acme"),
        ))
        .unwrap();
    let error = refuse(
        &mut ledger,
        vec![change("end l", "2024-02-01", end_licence("l"))],
    );
    assert!(matches!(
        error,
        Error::EndNotAfterStart {
            target: Target::Licence(_),
            ..
        }
    ));
}

#[test]
fn at_most_one_delisting_ends_a_designation() {
    let mut ledger = acme();
    ledger
        .apply(change("delist 1", "2024-03-01", delist("d1")))
        .unwrap();
    let error = refuse(
        &mut ledger,
        vec![change("delist 2", "2024-04-01", delist("d1"))],
    );
    assert_eq!(
        error,
        Error::AlreadyEnded {
            change: ChangeId::derive("delist 2"),
            target: d("d1"),
            existing: ChangeId::derive("delist 1")
        }
    );
}

#[test]
fn a_back_dated_delisting_may_not_invalidate_a_later_amendment() {
    let mut ledger = acme();
    ledger
        .apply(change(
            "amend",
            "2024-06-01",
            amend("d1", Measure::TravelBan),
        ))
        .unwrap();
    let error = refuse(
        &mut ledger,
        vec![change("back-dated", "2024-05-01", delist("d1"))],
    );
    assert_eq!(
        error,
        Error::InvalidatesLaterChange {
            change: ChangeId::derive("back-dated"),
            target: d("d1"),
            effective: day("2024-05-01"),
            later: ChangeId::derive("amend"),
            later_effective: day("2024-06-01"),
        }
    );
    // Back-dating that keeps the history consistent is fine.
    ledger
        .apply(change("back-dated ok", "2024-07-01", delist("d1")))
        .unwrap();
    ledger
        .apply(change(
            "older amend",
            "2024-02-01",
            amend("d1", Measure::FlightBan),
        ))
        .unwrap();
}

#[test]
fn retractions_name_an_earlier_plain_change_once() {
    let mut ledger = acme();
    let error = refuse(
        &mut ledger,
        vec![change("r", "2024-01-01", retract("no such change"))],
    );
    assert_eq!(
        error,
        Error::UnknownChange {
            change: ChangeId::derive("r"),
            retracted: ChangeId::derive("no such change")
        }
    );

    // A retraction of a change later in the same batch is refused too: "earlier" means earlier.
    let error = refuse(
        &mut ledger,
        vec![
            change("r", "2024-01-01", retract("amend")),
            change("amend", "2024-02-01", amend("d1", Measure::TravelBan)),
        ],
    );
    assert!(matches!(error, Error::UnknownChange { .. }));

    ledger
        .apply(change(
            "amend",
            "2024-02-01",
            amend("d1", Measure::TravelBan),
        ))
        .unwrap();
    ledger
        .apply(change("r1", "2024-01-01", retract("amend")))
        .unwrap();
    let error = refuse(
        &mut ledger,
        vec![change("r2", "2024-01-01", retract("amend"))],
    );
    assert_eq!(
        error,
        Error::AlreadyRetracted {
            change: ChangeId::derive("r2"),
            retracted: ChangeId::derive("amend"),
            by: ChangeId::derive("r1")
        }
    );
    let error = refuse(&mut ledger, vec![change("r3", "2024-01-01", retract("r1"))]);
    assert_eq!(
        error,
        Error::RetractsRetraction {
            change: ChangeId::derive("r3"),
            retracted: ChangeId::derive("r1")
        }
    );
}

#[test]
fn a_retraction_may_not_orphan_what_depends_on_the_retracted_change() {
    let mut ledger = acme();
    ledger
        .apply(change("delist", "2024-03-01", delist("d1")))
        .unwrap();
    let error = refuse(
        &mut ledger,
        vec![change("r", "2024-01-01", retract("designate d1"))],
    );
    assert_eq!(
        error,
        Error::RetractionOrphans {
            change: ChangeId::derive("r"),
            retracted: ChangeId::derive("designate d1"),
            dependent: ChangeId::derive("delist")
        }
    );
    let error = refuse(
        &mut ledger,
        vec![change("r", "2024-01-01", retract("reg acme"))],
    );
    assert_eq!(
        error,
        Error::RetractionOrphans {
            change: ChangeId::derive("r"),
            retracted: ChangeId::derive("reg acme"),
            dependent: ChangeId::derive("designate d1")
        }
    );
    // Retracting the dependent first, then what it depended on, in one batch, is consistent.
    ledger
        .apply_batch([
            change("r delist", "2024-01-01", retract("delist")),
            change("r designate", "2024-01-01", retract("designate d1")),
            change("r reg", "2024-01-01", retract("reg acme")),
        ])
        .unwrap();
    assert!(ledger.current().entities().is_empty());
}

#[test]
fn a_retraction_with_its_replacement_in_one_batch_is_consistent() {
    let mut ledger = acme();
    ledger
        .apply(change("wrong delist", "2024-05-01", delist("d1")))
        .unwrap();
    ledger
        .apply_batch([
            change("r", "2024-06-01", retract("wrong delist")),
            change("right delist", "2024-04-01", delist("d1")),
        ])
        .unwrap();
    let now = ledger.current();
    assert!(now
        .is_listed(entity("acme"), &Authority::EU, day("2024-03-31"))
        .unwrap());
    assert!(!now
        .is_listed(entity("acme"), &Authority::EU, day("2024-04-01"))
        .unwrap());
}

#[test]
fn a_failing_batch_applies_nothing_even_after_valid_groups() {
    let mut ledger = acme();
    let error = refuse(
        &mut ledger,
        vec![
            change_at(
                "ok 1",
                "2024-02-01",
                at("2026-02-01T00:00:00Z"),
                amend("d1", Measure::TravelBan),
            ),
            change_at(
                "ok 2",
                "2024-03-01",
                at("2026-02-02T00:00:00Z"),
                licence("l", Authority::EU, "acme"),
            ),
            change_at(
                "bad",
                "2024-01-05",
                at("2026-02-03T00:00:00Z"),
                delist("d1"),
            ),
        ],
    );
    assert!(matches!(error, Error::EndNotAfterStart { .. }), "{error}");
}

#[test]
fn loading_json_re_validates_every_change() {
    let ledger = acme();
    let mut value: serde_json::Value = serde_json::to_value(&ledger).unwrap();
    // Move the designation before the entity is registered on the recorded axis.
    value["changes"][0]["recorded"] = "2027-01-01T00:00:00Z".into();
    let error = serde_json::from_value::<Ledger>(value)
        .unwrap_err()
        .to_string();
    assert!(error.contains("recorded at"), "{error}");

    let mut value: serde_json::Value = serde_json::to_value(&ledger).unwrap();
    value["version"] = 2.into();
    let error = serde_json::from_value::<Ledger>(value)
        .unwrap_err()
        .to_string();
    assert!(error.contains("unsupported ledger format"), "{error}");

    let bad_date = json(&ledger).replace("2024-01-10", "2023-02-30");
    assert!(serde_json::from_str::<Ledger>(&bad_date).is_err());
    let unknown_kind = json(&ledger).replace("\"designate\"", "\"designat\"");
    assert!(serde_json::from_str::<Ledger>(&unknown_kind).is_err());
}

#[test]
fn every_error_names_the_refused_change() {
    let mut ledger = acme();
    let error = refuse(&mut ledger, vec![change("x", "2024-02-01", delist("nope"))]);
    assert_eq!(error.change(), Some(ChangeId::derive("x")));
    let message = error.to_string();
    assert!(
        message.contains(&ChangeId::derive("x").to_string()),
        "{message}"
    );
    assert!(
        message.contains(&DesignationId::derive("nope").to_string()),
        "{message}"
    );
    assert_eq!("x".parse::<ChangeId>().unwrap_err().change(), None);
}

#[test]
fn a_refusal_read_from_a_file_reports_the_rule_of_its_source() {
    let mut ledger = acme();
    let source = refuse(&mut ledger, vec![change("x", "2024-02-01", delist("nope"))]);
    assert_eq!(source.rule(), Some(Rule::UnknownTarget));
    let refused = Error::Refused {
        path: "ledger.jsonl".into(),
        line: 3,
        source: Box::new(source),
    };
    assert_eq!(refused.rule(), Some(Rule::UnknownTarget));
    assert!(Rule::UnknownTarget.matches(&refused));
    assert!(!Rule::UnknownEntity.matches(&refused));
    assert_eq!("x".parse::<ChangeId>().unwrap_err().rule(), None);
}

#[test]
fn names_with_no_visible_character_are_blank() {
    let mut ledger = acme();
    // Names with no visible character are blank too, in a registration or an amendment.
    for (n, name) in [
        "\u{200B}",
        "\u{00A0}\u{202F}",
        " \u{200D}\u{2060}\u{FEFF}\u{00AD} ",
        "\u{200E}\u{3164}\u{FE0F}\t",
    ]
    .into_iter()
    .enumerate()
    {
        let id = format!("invisible {n}");
        let register = change(
            &id,
            "2024-01-01",
            ChangeKind::RegisterEntity {
                entity: entity(&id),
                record: Box::new(Entity::new(EntityKind::Person, name)),
            },
        );
        assert_eq!(
            refuse(&mut ledger, vec![register]),
            Error::BlankName {
                change: ChangeId::derive(&id),
                entity: entity(&id)
            },
            "{name:?}"
        );
        let amend = change(
            &id,
            "2024-01-01",
            ChangeKind::AmendEntity {
                entity: entity("acme"),
                record: Box::new(Entity::new(EntityKind::Organisation, name)),
            },
        );
        assert!(
            matches!(refuse(&mut ledger, vec![amend]), Error::BlankName { .. }),
            "{name:?}"
        );
    }
    // A name with a visible character among invisible ones is a name.
    let marked = change(
        "marked",
        "2024-01-01",
        ChangeKind::RegisterEntity {
            entity: entity("marked"),
            record: Box::new(Entity::new(EntityKind::Person, "\u{200B}X\u{200B}")),
        },
    );
    ledger.apply(marked).unwrap();
}

#[test]
fn a_blank_list_entry_id_is_refused() {
    let mut ledger = acme();
    for (n, id) in ["", "   ", "\u{200B}"].into_iter().enumerate() {
        let name = format!("no id {n}");
        let record = Entity::new(EntityKind::Person, "INVENTED PERSON")
            .with_identifier(Identifier::list_entry(Authority::US_OFAC, id));
        let register = change(
            &name,
            "2024-01-01",
            ChangeKind::RegisterEntity {
                entity: entity(&name),
                record: Box::new(record.clone()),
            },
        );
        let err = refuse(&mut ledger, vec![register]);
        assert_eq!(
            err,
            Error::BlankListEntryId {
                change: ChangeId::derive(&name),
                entity: entity(&name),
                authority: Authority::US_OFAC,
            },
            "{id:?}"
        );
        assert_eq!(
            err.to_string(),
            format!(
                "change {} gives entity {} a blank id on a list of US-OFAC",
                ChangeId::derive(&name),
                entity(&name)
            )
        );
        let amend = change(
            &name,
            "2024-01-01",
            ChangeKind::AmendEntity {
                entity: entity("acme"),
                record: Box::new(record),
            },
        );
        assert_eq!(
            refuse(&mut ledger, vec![amend]).rule(),
            Some(Rule::BlankListEntryId)
        );
    }
    // In a JSON ledger document too.
    let ledger = Ledger::from_changes([change(
        "fine",
        "2024-01-01",
        ChangeKind::RegisterEntity {
            entity: entity("fine"),
            record: Box::new(
                Entity::new(EntityKind::Person, "INVENTED PERSON")
                    .with_identifier(Identifier::list_entry(Authority::US_OFAC, "1")),
            ),
        },
    )])
    .unwrap();
    let text = json(&ledger).replace(r#""id":"1""#, r#""id":"""#);
    assert_ne!(text, json(&ledger));
    let err = Ledger::from_json_str(&text).expect_err("a blank id");
    assert_eq!(err.rule(), Some(Rule::BlankListEntryId), "{err}");
}
