//! Relations stated by the sources, on the trimmed real fixtures: an ENHANCED XML relationship,
//! a UK parent company, an OFAC `Linked To:`; begun once, unchanged on re-import, ended when the
//! next file drops them, and never recorded by guess.

use std::path::PathBuf;

use sanctions_ledger::chrono::{self, DateTime, NaiveDate, Utc};
use sanctions_ledger::import::{
    apply_snapshot, ofac, ofac_enhanced, reconcile, uk, ImportError, ReconcileOptions,
    RelationOutcome, Snapshot, WarningKind,
};
use sanctions_ledger::{Authority, DerivedKind, Ledger, ObservationWindow, RelationKind};

fn path(dir: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir)
        .join(name)
}

fn day(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

fn noon(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(12, 0, 0).expect("noon").and_utc()
}

fn enhanced(name: &str) -> Snapshot {
    let bytes = std::fs::read(path("ofac_enhanced", name)).expect("fixture");
    let file = ofac_enhanced::parse(name, &bytes).expect("parses");
    file.snapshot().expect("a snapshot")
}

fn sdn(name: &str, date: &str) -> Snapshot {
    ofac::read_sdn(&path("ofac", name), day(date)).expect("parses")
}

/// Applies `snapshot` recorded at noon on its date; the reconciliation. The trimmed fixtures
/// amend and delist more than the default guards allow of their few entries: allowed.
fn import(ledger: &mut Ledger, snapshot: &Snapshot) -> sanctions_ledger::import::Reconciliation {
    let options = ReconcileOptions::new(noon(snapshot.date()))
        .allow_mass_amendment()
        .allow_mass_delisting();
    apply_snapshot(ledger, snapshot, &options)
        .expect("imports")
        .0
}

fn count(found: &sanctions_ledger::import::Reconciliation, outcome: RelationOutcome) -> usize {
    found
        .relations
        .iter()
        .filter(|r| r.outcome == outcome)
        .count()
}

#[test]
fn an_enhanced_relationship_becomes_a_relation_and_reimport_adds_nothing() {
    let first = enhanced("cons_enhanced_2024-07-03.xml");
    // 20312 Gazprombank (Switzerland): "Owned or Controlled By" 17016 Gazprombank.
    let stated = first
        .relations()
        .iter()
        .find(|r| r.stated_by == "20312")
        .expect("stated");
    assert_eq!(stated.kind, RelationKind::OwnedOrControlled);
    assert_eq!(
        (stated.subject.as_str(), stated.object.as_str()),
        ("17016", "20312")
    );
    // 32087 Huawei Investment & Holding "Owns, controls, or operates" 30947: OFAC's words.
    assert!(first.relations().iter().any(|r| r.subject == "32087"
        && r.object == "30947"
        && r.kind == RelationKind::Other("Owns, controls, or operates".into())));
    assert_eq!(first.relations().len(), 5);
    // 9647 acts for HAMAS (4695), which the file does not hold: a warning, no relation.
    assert!(first.warnings().iter().any(|w| matches!(
        &w.kind,
        WarningKind::RelatedEntryMissing { entry, relation: RelationKind::ActingFor, related, .. }
            if entry == "9647" && related == "4695"
    )));

    let mut ledger = Ledger::new();
    let found = import(&mut ledger, &first);
    assert_eq!(count(&found, RelationOutcome::Begun), 5);
    let (gazprombank, owned) = (first.entity_id("17016"), first.entity_id("20312"));
    let date = day("2024-07-03");
    let now = ledger.current();
    let relations = now.relations_of(owned, date);
    assert_eq!(relations.len(), 1);
    let (id, relation) = &relations[0];
    assert_eq!(relation.kind, RelationKind::OwnedOrControlled);
    assert_eq!((relation.subject, relation.object), (gazprombank, owned));
    assert_eq!(relation.terms.share, None);
    // The file dates no relation: observed on the snapshot's date, in force on or before it.
    let begun = now.change(relation.begun_by).expect("its change");
    assert_eq!(begun.effective, date);
    assert_eq!(begun.window, Some(ObservationWindow::new(None, date)));
    // Recorded, never derived from: an "owned or controlled" relation blocks nothing.
    assert!(found.relations.iter().any(|r| r.relation == *id));

    // The same file again, then the next one that still states it: nothing new.
    let options = ReconcileOptions::new(noon(day("2024-07-04")));
    assert!(reconcile(ledger.current(), &first, &options)
        .expect("reconciles")
        .is_empty());
    let second = enhanced("cons_enhanced_2025-01-10.xml");
    let found = import(&mut ledger, &second);
    assert!(found.relations.is_empty(), "{:?}", found.relations);
    let later = ledger.current();
    assert_eq!(later.relations_of(owned, day("2025-01-10")).len(), 1);
    let options = ReconcileOptions::new(noon(day("2025-01-11")));
    assert!(reconcile(ledger.current(), &second, &options)
        .expect("reconciles")
        .is_empty());
}

#[test]
fn an_enhanced_relationship_the_next_file_drops_ends() {
    let mut ledger = Ledger::new();
    import(&mut ledger, &enhanced("cons_enhanced_2025-01-10.xml"));
    // The real 2026-01-08 file without 20312's relationship element (the one change ours).
    let name = "cons_enhanced_2026-01-08.xml";
    let text = std::fs::read_to_string(path("ofac_enhanced", name)).expect("fixture");
    let start = text.find("<entity id=\"20312\">").expect("20312");
    let from = start
        + text[start..]
            .find("<relationship ")
            .expect("its relationship");
    let to = from + text[from..].find("</relationship>").expect("end") + "</relationship>".len();
    let dropped = format!("{}{}", &text[..from], &text[to..]);
    let file = ofac_enhanced::parse(name, dropped.as_bytes()).expect("parses");
    let snapshot = file.snapshot().expect("a snapshot");
    let found = import(&mut ledger, &snapshot);
    assert_eq!(count(&found, RelationOutcome::Ended), 1);
    assert_eq!(count(&found, RelationOutcome::Begun), 0);
    let owned = snapshot.entity_id("20312");
    let now = ledger.current();
    assert_eq!(now.relations_of(owned, day("2026-01-07")).len(), 1);
    assert!(now.relations_of(owned, day("2026-01-08")).is_empty());
    let ended = &found.relations[0];
    // A second capture of that day that states it again would undo the first: refused.
    let again = enhanced(name);
    let options = ReconcileOptions::new(noon(day("2026-01-08")) + chrono::Duration::hours(1))
        .allow_mass_amendment()
        .allow_mass_delisting();
    let refused = reconcile(ledger.current(), &again, &options).expect_err("a same-day return");
    assert!(
        matches!(refused, ImportError::SameDateConflict { ref entry, .. } if entry == "20312"),
        "{refused}"
    );
    assert_eq!(
        ended.window,
        ObservationWindow::new(Some(day("2025-01-10")), day("2026-01-08"))
    );
}

#[test]
fn ofac_linked_to_remarks_become_relations_that_end_with_their_entries() {
    let mut ledger = Ledger::new();
    let first = sdn("sdn_2023-08-03.csv", "2023-08-03");
    let found = import(&mut ledger, &first);
    assert_eq!(
        (found.designations(), count(&found, RelationOutcome::Begun)),
        (111, 4)
    );

    let second = sdn("sdn_2023-08-09.csv", "2023-08-09");
    // 44580, Belavia's aircraft EW-301PJ: "Linked To: OPEN JOINT STOCK COMPANY BELAVIA
    // BELARUSIAN AIRLINES." (the remarks' full stop is not part of the name).
    let link = second
        .relations()
        .iter()
        .find(|r| r.subject == "44580")
        .expect("linked");
    assert_eq!(
        (link.kind.clone(), link.object.as_str()),
        (RelationKind::LinkedTo, "44541")
    );
    // A name no entry of the file has gives a warning and no relation.
    assert!(second.warnings().iter().any(|w| matches!(
        &w.kind,
        WarningKind::RelationUnresolved { entry, name, matches: 0, .. }
            if entry == "15431" && name == "POUYA AIR."
    )));
    let found = import(&mut ledger, &second);
    assert_eq!(
        (found.designations(), count(&found, RelationOutcome::Begun)),
        (17, 7)
    );
    let (aircraft, belavia) = (second.entity_id("44580"), second.entity_id("44541"));
    let on = day("2023-08-09");
    let links = ledger.current().relations_of(belavia, on);
    assert_eq!(links.len(), 1);
    assert_eq!(
        (links[0].1.subject, links[0].1.kind.clone()),
        (aircraft, RelationKind::LinkedTo)
    );
    // Linked to is recorded, never derived from: the aircraft is listed on its own.
    let status = ledger
        .current()
        .derived_status(aircraft, &Authority::US_OFAC, on);
    assert_eq!(status.expect("known").kind, DerivedKind::Listed);
    let options = ReconcileOptions::new(noon(day("2023-08-10")));
    assert!(reconcile(ledger.current(), &second, &options)
        .expect("reconciles")
        .is_empty());

    // 2023-09-06 removes nine entries, two of which had a link: those links end. But not
    // when the file is refused (here by a strict delisting guard): the ledger stays as it was.
    let third = sdn("sdn_2023-09-06.csv", "2023-09-06");
    let before = ledger.len();
    let strict = ReconcileOptions::new(noon(day("2023-09-06"))).max_delist_share(0.01);
    assert!(apply_snapshot(&mut ledger, &third, &strict).is_err());
    assert_eq!(ledger.len(), before);
    let found = import(&mut ledger, &third);
    assert_eq!(
        (found.designations(), found.delistings(), found.amendments()),
        (5, 9, 6)
    );
    assert_eq!(count(&found, RelationOutcome::Begun), 2);
    assert_eq!(count(&found, RelationOutcome::Ended), 2);
    let now = ledger.current();
    for ended in found
        .relations
        .iter()
        .filter(|r| r.outcome == RelationOutcome::Ended)
    {
        let relation = now.relation(ended.relation).expect("known");
        assert_eq!(relation.in_force.to_string(), "[2023-08-03, 2023-09-06)");
        let delisted = |entity| {
            !now.is_listed(entity, &Authority::US_OFAC, day("2023-09-06"))
                .expect("known")
        };
        assert!(delisted(ended.subject) || delisted(ended.object));
    }
}

#[test]
fn a_name_two_entries_share_is_never_guessed() {
    // Made up: two invented companies with one name, and an invented vessel linked to it.
    let rows = "99301,\"EXAMPLE SHIPPING LLC\",-0- ,\"IRAN\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\
                99302,\"EXAMPLE SHIPPING LLC\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\
                99303,\"EXAMPLE CARRIER\",\"vessel\",\"IRAN\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"Linked To: EXAMPLE SHIPPING LLC.\"\r\n\x1a";
    let snapshot = ofac::SdnFiles::new("sdn.csv", rows.as_bytes())
        .parse(day("2025-05-16"))
        .expect("parses");
    assert!(snapshot.relations().is_empty());
    assert!(snapshot.warnings().iter().any(|w| matches!(
        &w.kind,
        WarningKind::RelationUnresolved { entry, matches: 2, relation: RelationKind::LinkedTo, .. }
            if entry == "99303"
    )));
    let mut ledger = Ledger::new();
    let found = import(&mut ledger, &snapshot);
    assert!(found.relations.is_empty());
    assert_eq!(found.changes.len(), 6); // three registrations, three designations
}

/// The real UK fixture with a made-up designation (invented id `BEL9901`) whose name is one of
/// BEL0107's parent companies as the file writes it.
fn uk_with_parent() -> Snapshot {
    let name = "uk_sanctions_list_2026-09-10.xml";
    let text = std::fs::read_to_string(path("uk", name)).expect("fixture");
    let invented = "<Designation><LastUpdated>10/09/2026</LastUpdated>\
        <DateDesignated>10/09/2026</DateDesignated><UniqueID>BEL9901</UniqueID>\
        <Names><Name><Name6>Belneftekhim</Name6><NameType>Primary Name</NameType></Name></Names>\
        <RegimeName>Belarus</RegimeName><IndividualEntityShip>Entity</IndividualEntityShip>\
        <DesignationSource>UK</DesignationSource><SanctionsImposed>Asset freeze</SanctionsImposed>\
        </Designation></Designations>";
    let text = text.replacen("</Designations>", invented, 1);
    uk::parse(name, text.as_bytes()).expect("parses").snapshot()
}

#[test]
fn a_uk_parent_company_becomes_an_ownership_without_a_share() {
    // As published, BEL0107's parents and subsidiary are not in the file: warnings only.
    let real = uk::read(&path("uk", "uk_sanctions_list_2026-09-10.xml"))
        .expect("parses")
        .snapshot();
    assert!(real.relations().is_empty());
    let unresolved: Vec<&str> = real
        .warnings()
        .iter()
        .filter_map(|w| match &w.kind {
            WarningKind::RelationUnresolved {
                entry,
                name,
                matches: 0,
                relation,
            } if entry == "BEL0107" && *relation == RelationKind::Ownership => Some(name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        unresolved,
        [
            "CJSC Belarusian Oil Company",
            "Belneftekhim",
            "BNK (Deutschland) GmbH"
        ]
    );

    let snapshot = uk_with_parent();
    let stated = snapshot.relations();
    assert_eq!(stated.len(), 1);
    assert_eq!(
        (stated[0].subject.as_str(), stated[0].object.as_str()),
        ("BEL9901", "BEL0107")
    );
    let mut ledger = Ledger::new();
    let found = import(&mut ledger, &snapshot);
    assert_eq!(count(&found, RelationOutcome::Begun), 1);
    let (parent, company) = (snapshot.entity_id("BEL9901"), snapshot.entity_id("BEL0107"));
    let date = day("2026-09-10");
    let now = ledger.current();
    let owned = now.relations_of(company, date);
    assert_eq!(owned.len(), 1);
    let relation = &owned[0].1;
    assert_eq!(
        (relation.kind.clone(), relation.subject),
        (RelationKind::Ownership, parent)
    );
    // The list gives no share: recorded without one (derived status counts only known shares).
    assert_eq!(relation.terms.share, None);
    assert!(reconcile(
        ledger.current(),
        &snapshot,
        &ReconcileOptions::new(noon(date))
    )
    .expect("reconciles")
    .is_empty());

    // The next real file drops the made-up parent's designation but still names BEL0107's
    // parent: the parent's name now resolves to nothing, so the ownership stays in force.
    let next = uk::read(&path("uk", "uk_sanctions_list_2026-09-17.xml"))
        .expect("parses")
        .snapshot();
    let found = import(&mut ledger, &next);
    assert!(found.relations.is_empty(), "{:?}", found.relations);
    assert_eq!(
        ledger
            .current()
            .relations_of(company, day("2026-09-17"))
            .len(),
        1
    );
}
