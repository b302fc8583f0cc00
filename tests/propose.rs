//! Link proposals on real list entries (`tests/fixtures/links/`, `tests/fixtures/eu/`): the same
//! OFAC `ent_num` on the SDN and the Consolidated list, a UN entry and an OFAC entry with one
//! IMO company number, an EU entry carrying the UN reference of a UN entry; and what proposals
//! must never do (link by name, link what other evidence separates, come back once a person
//! unlinked them).

mod common;

use chrono::{DateTime, NaiveDate, Utc};
use common::{at, day};
use sanctions_ledger::import::{
    apply_snapshot, eu,
    ofac::{ConsolidatedFiles, SdnFiles},
    propose_links, suggest_links, un, Conflict, ReconcileOptions, Separation,
};
use sanctions_ledger::{
    Authority, Change, ChangeId, ChangeKind, Entity, EntityId, EntityKind, Identifier,
    ImoCompanyNumber, Ledger, LinkReason, Source, StatusKind,
};

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

fn fixture(path: &str) -> TestResult<Vec<u8>> {
    Ok(std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(path),
    )?)
}

fn instant(text: &str) -> DateTime<Utc> {
    at(text)
}

/// The EU's entry EU.3886.3 (which carries the UN reference LYi.006), registered as
/// its own entity from the real EU fixture (one entry, not the fixture's whole snapshot, so that
/// the proposals are exactly the three pairs below).
fn eu_entry(recorded: DateTime<Utc>) -> TestResult<(EntityId, Vec<Change>)> {
    let file = eu::parse("fsf_2026-08-05.xml", &fixture("eu/fsf_2026-08-05.xml")?)?;
    let record = file.get(6106).ok_or("EU.3886.3 in the fixture")?;
    let entity = EntityId::derive("EU:CONSOLIDATED:EU.3886.3");
    let register = Change::new(
        ChangeId::derive("eu:EU.3886.3:register"),
        day("2011-02-26"),
        recorded,
        Source::new("EU Financial Sanctions Files of 2026-08-05, EU.3886.3"),
        ChangeKind::RegisterEntity {
            entity,
            record: Box::new(file.entity(record)),
        },
    );
    Ok((entity, vec![register]))
}

/// A ledger of the real entries: SDN 17013 (VTB Bank) and 17068 (Ocean Maritime Management),
/// Consolidated 17013, UN KPe.020 (Ocean Maritime Management) and LYi.006, EU EU.3886.3.
fn imported() -> TestResult<(Ledger, Entries)> {
    let mut ledger = Ledger::new();
    let sdn_date = day("2024-05-03");
    let sdn = SdnFiles::new(
        "sdn_links_2024-05-03.csv",
        &fixture("links/sdn_links_2024-05-03.csv")?,
    )
    .parse(sdn_date)?;
    apply_snapshot(
        &mut ledger,
        &sdn,
        &ReconcileOptions::new(instant("2024-05-04T00:00:00Z")),
    )?;
    let un_file = fixture("links/un_links_2026-02-27.xml")?;
    let un = un::parse("un_links_2026-02-27.xml", &un_file)?;
    apply_snapshot(
        &mut ledger,
        &un,
        &ReconcileOptions::new(instant("2026-02-28T00:00:00Z")),
    )?;
    let cons = ConsolidatedFiles::new(
        "cons_prim_links_2025-12-19.csv",
        &fixture("links/cons_prim_links_2025-12-19.csv")?,
    )
    .parse(day("2025-12-19"))?;
    apply_snapshot(
        &mut ledger,
        &cons,
        &ReconcileOptions::new(instant("2026-03-01T00:00:00Z")),
    )?;
    let (eu, changes) = eu_entry(instant("2026-08-06T00:00:00Z"))?;
    ledger.apply_batch(changes)?;
    let entries = Entries {
        vtb_sdn: sdn.entity_id("17013"),
        vtb_cons: cons.entity_id("17013"),
        omm_sdn: sdn.entity_id("17068"),
        omm_un: un.entity_id("KPe.020"),
        dorda_un: un.entity_id("LYi.006"),
        dorda_eu: eu,
    };
    Ok((ledger, entries))
}

struct Entries {
    vtb_sdn: EntityId,
    vtb_cons: EntityId,
    omm_sdn: EntityId,
    omm_un: EntityId,
    dorda_un: EntityId,
    dorda_eu: EntityId,
}

/// The pairs a proposal links, each smaller id first, with the shared identifier.
fn linked(changes: &[Change]) -> Vec<((EntityId, EntityId), Identifier)> {
    changes
        .iter()
        .filter_map(|c| match &c.kind {
            ChangeKind::Link { record, .. } => match &record.reason {
                LinkReason::SharedIdentifier(i) => Some((record.pair(), i.clone())),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn pair(a: EntityId, b: EntityId) -> (EntityId, EntityId) {
    (a.min(b), a.max(b))
}

#[test]
fn real_entries_sharing_a_strong_identifier_are_proposed_as_links() -> TestResult {
    let (ledger, e) = imported()?;
    let recorded = instant("2026-08-07T00:00:00Z");
    let proposals = propose_links(ledger.current(), recorded);
    assert!(proposals.conflicts.is_empty(), "{:?}", proposals.conflicts);
    let mut found = linked(&proposals.changes);
    found.sort_by_key(|(p, i)| (*p, i.lookup_key()));
    let mut expected = vec![
        // One ent_num on OFAC's SDN and Consolidated lists.
        (
            pair(e.vtb_sdn, e.vtb_cons),
            Identifier::list_entry(Authority::US_OFAC, "17013"),
        ),
        // OFAC's remarks and the UN's comments give one IMO company number.
        (
            pair(e.omm_sdn, e.omm_un),
            Identifier::ImoCompany(ImoCompanyNumber::new("1790183")?),
        ),
        // The EU entry carries the UN entry's reference.
        (
            pair(e.dorda_un, e.dorda_eu),
            Identifier::list_entry(Authority::UN, "LYi.006"),
        ),
    ];
    expected.sort_by_key(|(p, i)| (*p, i.lookup_key()));
    assert_eq!(found, expected);
    // Each link takes effect from the earlier entry's registration, and is recorded when asked.
    for change in &proposals.changes {
        assert_eq!(change.recorded, recorded);
    }
    let omm = proposals
        .changes
        .iter()
        .find(|c| matches!(&c.kind, ChangeKind::Link { record, .. } if record.pair() == pair(e.omm_sdn, e.omm_un)))
        .ok_or("OMM link")?;
    let registered = |entity| {
        ledger
            .current()
            .changes()
            .find(|c| matches!(&c.kind, ChangeKind::RegisterEntity { entity: id, .. } if *id == entity))
            .map(|c| c.effective)
    };
    assert_eq!(
        Some(omm.effective),
        registered(e.omm_sdn).min(registered(e.omm_un))
    );

    // Applied, the subjects answer across lists: OMM is listed by the US and by the UN.
    let mut ledger = ledger;
    ledger.apply_batch(proposals.changes.clone())?;
    let now = ledger.current();
    let on = day("2026-09-01");
    let statuses = now.clusters().statuses(e.omm_sdn, on)?;
    let kinds: Vec<(&str, StatusKind)> = statuses
        .statuses
        .iter()
        .map(|(a, s)| (a.as_str(), s.kind()))
        .collect();
    assert_eq!(
        kinds,
        [("UN", StatusKind::Listed), ("US-OFAC", StatusKind::Listed)]
    );
    // The UN entry was recorded after the SDN entry: the SDN entry names the subject.
    assert_eq!(statuses.cluster.representative, e.omm_sdn);
    assert_eq!(now.clusters().cluster(e.dorda_eu, on)?.members, {
        let mut m = vec![e.dorda_un, e.dorda_eu];
        m.sort();
        m
    });
    Ok(())
}

#[test]
fn proposals_are_idempotent() -> TestResult {
    let (mut ledger, _) = imported()?;
    let recorded = instant("2026-08-07T00:00:00Z");
    let first = propose_links(ledger.current(), recorded);
    // Asked again before applying: the same changes, ids included.
    assert_eq!(propose_links(ledger.current(), recorded), first);
    ledger.apply_batch(first.changes.clone())?;
    // Applying them again is a no-op, and asking again proposes nothing.
    let again = ledger.apply_batch(first.changes.clone())?;
    assert_eq!(again.appended, 0);
    let later = propose_links(ledger.current(), instant("2026-09-01T00:00:00Z"));
    assert!(later.changes.is_empty() && later.conflicts.is_empty());
    Ok(())
}

#[test]
fn an_unlinked_pair_is_never_proposed_again_but_reported() -> TestResult {
    let (mut ledger, e) = imported()?;
    let proposals = propose_links(ledger.current(), instant("2026-08-07T00:00:00Z"));
    ledger.apply_batch(proposals.changes.clone())?;
    // A person withdraws the VTB link (the Consolidated entry is, say, another legal person).
    let vtb = proposals
        .changes
        .iter()
        .find(|c| matches!(&c.kind, ChangeKind::Link { record, .. } if record.pair() == pair(e.vtb_sdn, e.vtb_cons)))
        .ok_or("VTB link")?;
    let retraction = Change::new(
        ChangeId::derive("analyst: not one subject"),
        vtb.effective,
        instant("2026-08-08T00:00:00Z"),
        Source::new("analyst"),
        ChangeKind::Retract {
            change: vtb.id,
            reason: "not one subject".into(),
        },
    );
    ledger.apply(retraction.clone())?;
    let again = propose_links(ledger.current(), instant("2026-08-09T00:00:00Z"));
    assert!(again.changes.is_empty());
    let [conflict] = &again.conflicts[..] else {
        return Err(format!("one conflict expected: {:?}", again.conflicts).into());
    };
    let Conflict {
        identifier,
        entities,
        apart,
        separation,
        ..
    } = conflict;
    assert_eq!(
        *identifier,
        Identifier::list_entry(Authority::US_OFAC, "17013")
    );
    let (a, b) = pair(e.vtb_sdn, e.vtb_cons);
    assert_eq!(entities, &[a, b]);
    assert_eq!(apart, &[a, b]);
    assert_eq!(*separation, Separation::Unlinked { by: retraction.id });
    Ok(())
}

/// Made-up entries (invented names and numbers) that share a strong identifier but that
/// other evidence separates: reported, not linked, and names alone never link.
#[test]
fn what_other_evidence_separates_is_a_conflict_and_names_never_link() -> TestResult {
    let recorded = instant("2026-01-01T00:00:00Z");
    let imo = Identifier::ImoCompany(ImoCompanyNumber::new("9999990")?);
    let entry = |authority: Authority, id: &str, kind: EntityKind, name: &str| {
        Entity::new(kind, name).with_identifier(Identifier::list_entry(authority, id))
    };
    let register = |name: &str, record: Entity| {
        Change::new(
            ChangeId::derive(name),
            NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default(),
            recorded,
            Source::new("made up"),
            ChangeKind::RegisterEntity {
                entity: EntityId::derive(name),
                record: Box::new(record),
            },
        )
    };
    let ledger = Ledger::from_changes([
        // Two SDN entries with one IMO company number: OFAC lists them as two subjects.
        register(
            "a",
            entry(
                Authority::US_OFAC,
                "90001",
                EntityKind::Organisation,
                "Invented Shipping A",
            )
            .with_identifier(imo.clone()),
        ),
        register(
            "b",
            entry(
                Authority::US_OFAC,
                "90002",
                EntityKind::Organisation,
                "Invented Shipping B",
            )
            .with_identifier(imo.clone()),
        ),
        // A UN entry with the same UN reference as a vessel on another list: different kinds.
        register(
            "c",
            entry(
                Authority::UN,
                "ZZe.900",
                EntityKind::Organisation,
                "Invented Trading",
            ),
        ),
        register(
            "d",
            entry(
                Authority::UK,
                "ZZZ0001",
                EntityKind::Vessel,
                "INVENTED TRADER",
            )
            .with_identifier(Identifier::list_entry(Authority::UN, "ZZe.900")),
        ),
        // The same name on two lists, no shared identifier: never linked.
        register(
            "e",
            entry(
                Authority::EU,
                "EU.9.9",
                EntityKind::Organisation,
                "Invented Trading",
            ),
        ),
    ])?;
    let proposals = propose_links(ledger.current(), recorded);
    assert!(proposals.changes.is_empty(), "{:?}", proposals.changes);
    let separations: Vec<&Separation> = proposals.conflicts.iter().map(|c| &c.separation).collect();
    assert_eq!(proposals.conflicts.len(), 2);
    assert!(separations
        .iter()
        .any(|s| matches!(s, Separation::DifferentKinds { .. })));
    assert!(separations.iter().any(|s| matches!(
        s,
        Separation::DifferentEntries { authority, .. } if *authority == Authority::US_OFAC
    )));
    // The same name on the UN and EU lists is only a suggestion for a person; the two SDN
    // entries with one name each are kept apart by OFAC's own ids, and not suggested.
    let suggested = suggest_links(ledger.current());
    let pairs: Vec<[EntityId; 2]> = suggested.iter().map(|s| s.entities).collect();
    let (c, e) = (EntityId::derive("c"), EntityId::derive("e"));
    assert_eq!(pairs, [[c.min(e), c.max(e)]]);
    assert_eq!(suggested[0].name, "Invented Trading");
    Ok(())
}
