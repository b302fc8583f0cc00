//! A removal whose strong identifiers match an entry still on the list is noted as a probable
//! merge (issue 12 item 4), not left as a plain delisting without context.
//!
//! Entry 44022 is OFAC's real row of `sdn_2024-05-03.csv` (JOINT STOCK COMPANY STAR, tax id
//! 5904100329). Entry 44738 is **made up** after the public record: OFAC folded a duplicate
//! entry 44738 of the same company (same name, same tax id) into 44022 on 2023-09-25; its real
//! row is in none of the files at hand, so the row here has 44022's name and identifiers under
//! the program it carried, and the 44022 of the first snapshot lacks that program.

use chrono::{NaiveDate, TimeZone, Utc};
use sanctions_ledger::import::ofac::{ConsolidatedFiles, SdnFiles};
use sanctions_ledger::import::{apply_snapshot, Note, ReconcileOptions};
use sanctions_ledger::{Authority, Document, DocumentKind, Identifier, Ledger};

const STAR: &str = "44022,\"JOINT STOCK COMPANY STAR\",-0- ,\"NPWMD] [IFSR] [RUSSIA-EO14024\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"Website www.ao-star.ru; Additional Sanctions Information - Subject to Secondary Sanctions; Organization Established Date 1943; Tax ID No. 5904100329 (Russia); Business Registration Number 1025900895712 (Russia); Linked To: IRAN AIRCRAFT MANUFACTURING INDUSTRIAL COMPANY.\"\r\n";

fn star_before() -> String {
    STAR.replace("NPWMD] [IFSR] [RUSSIA-EO14024", "NPWMD] [IFSR]")
}

fn duplicate() -> String {
    STAR.replace("44022,", "44738,")
        .replace("NPWMD] [IFSR] [RUSSIA-EO14024", "RUSSIA-EO14024")
}

#[test]
fn a_removed_duplicate_sharing_a_tax_id_is_noted_as_a_probable_merge(
) -> Result<(), Box<dyn std::error::Error>> {
    let day = |d| NaiveDate::from_ymd_opt(2023, 9, d).ok_or("date");
    let at = |d| {
        Utc.with_ymd_and_hms(2023, 9, d, 0, 0, 0)
            .single()
            .ok_or("instant")
    };
    let unrelated =
        "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";
    let before = format!("{unrelated}{}{}\x1a", star_before(), duplicate());
    let after = format!("{unrelated}{STAR}\x1a");
    let mut ledger = Ledger::new();
    let first = SdnFiles::new("sdn_2023-09-20.csv", before.as_bytes()).parse(day(20)?)?;
    let (found, _) = apply_snapshot(&mut ledger, &first, &ReconcileOptions::new(at(21)?))?;
    assert!(found.notes.is_empty());

    let second = SdnFiles::new("sdn_2023-09-25.csv", after.as_bytes()).parse(day(25)?)?;
    let (found, _) = apply_snapshot(
        &mut ledger,
        &second,
        &ReconcileOptions::new(at(26)?)
            .allow_mass_delisting()
            .allow_mass_amendment(),
    )?;
    // Still a delisting of 44738 and an amendment of 44022, with the note beside them.
    assert_eq!((found.delistings(), found.amendments()), (1, 1));
    let [Note::ProbableMerge(merge)] = &found.notes[..] else {
        return Err(format!("one probable merge expected: {:?}", found.notes).into());
    };
    assert_eq!(
        (merge.removed.as_str(), merge.kept.as_str()),
        ("44738", "44022")
    );
    let tax_id = Identifier::Document(Document::new(DocumentKind::TaxId, "5904100329"));
    assert!(merge
        .shared
        .iter()
        .any(|i| i.lookup_key() == tax_id.lookup_key()));
    assert!(merge
        .shared
        .iter()
        .all(|i| !matches!(i, Identifier::ListEntry { .. })));
    Ok(())
}

#[test]
fn a_plain_removal_has_no_note() -> Result<(), Box<dyn std::error::Error>> {
    let day = |d| NaiveDate::from_ymd_opt(2023, 9, d).ok_or("date");
    let at = |d| {
        Utc.with_ymd_and_hms(2023, 9, d, 0, 0, 0)
            .single()
            .ok_or("instant")
    };
    let unrelated =
        "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";
    let mut ledger = Ledger::new();
    let (with, without) = (format!("{unrelated}{STAR}\x1a"), format!("{unrelated}\x1a"));
    let first = SdnFiles::new("a.csv", with.as_bytes()).parse(day(20)?)?;
    apply_snapshot(&mut ledger, &first, &ReconcileOptions::new(at(21)?))?;
    let second = SdnFiles::new("b.csv", without.as_bytes()).parse(day(25)?)?;
    let (found, _) = apply_snapshot(
        &mut ledger,
        &second,
        &ReconcileOptions::new(at(26)?).allow_mass_delisting(),
    )?;
    assert_eq!(found.delistings(), 1);
    assert!(found.notes.is_empty());
    Ok(())
}

/// A made-up SDN row of an organisation with `remarks`.
fn organisation(id: &str, name: &str, remarks: &str) -> String {
    format!("{id},\"{name}\",-0- ,\"RUSSIA-EO14024\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"{remarks}\"\r\n")
}

fn day(d: u32) -> Result<NaiveDate, &'static str> {
    NaiveDate::from_ymd_opt(2023, 9, d).ok_or("date")
}

fn at(d: u32) -> Result<chrono::DateTime<Utc>, &'static str> {
    Utc.with_ymd_and_hms(2023, 9, d, 0, 0, 0)
        .single()
        .ok_or("instant")
}

/// Imports `before` then `after` (SDN CSV rows) and returns the notes of the second import.
fn notes_of(before: &str, after: &str) -> Result<Vec<Note>, Box<dyn std::error::Error>> {
    let mut ledger = Ledger::new();
    let (before, after) = (format!("{before}\x1a"), format!("{after}\x1a"));
    let first = SdnFiles::new("before.csv", before.as_bytes()).parse(day(20)?)?;
    apply_snapshot(&mut ledger, &first, &ReconcileOptions::new(at(21)?))?;
    let second = SdnFiles::new("after.csv", after.as_bytes()).parse(day(25)?)?;
    let (found, _) = apply_snapshot(
        &mut ledger,
        &second,
        &ReconcileOptions::new(at(26)?)
            .allow_mass_delisting()
            .allow_mass_amendment(),
    )?;
    Ok(found.notes)
}

#[test]
fn a_removal_matching_several_entries_names_the_first_and_only_what_it_shares(
) -> Result<(), Box<dyn std::error::Error>> {
    // Made up: 300 shares its registration number with 200 and its tax id with 250; both stay.
    let removed = organisation(
        "300",
        "OOO RESHETKA",
        "Tax ID No. 7701000001 (Russia); Registration Number 1027700000001 (Russia)",
    );
    let by_registration = organisation(
        "200",
        "OOO KLETKA",
        "Registration Number 1027700000001 (Russia)",
    );
    let by_tax_id = organisation("250", "OOO SETKA", "Tax ID No. 7701000001 (Russia)");
    let notes = notes_of(
        &format!("{by_registration}{by_tax_id}{removed}"),
        &format!("{by_registration}{by_tax_id}"),
    )?;
    let [Note::ProbableMerge(merge)] = &notes[..] else {
        return Err(format!("one probable merge expected: {notes:?}").into());
    };
    // The first entry in the snapshot's order that carries any of its evidence...
    assert_eq!(
        (merge.removed.as_str(), merge.kept.as_str()),
        ("300", "200")
    );
    // ...and only the identifiers shared with that one.
    let registration =
        Identifier::Document(Document::new(DocumentKind::Registration, "1027700000001"));
    let keys: Vec<String> = merge.shared.iter().map(Identifier::lookup_key).collect();
    assert_eq!(keys, [registration.lookup_key()]);
    Ok(())
}

#[test]
fn a_shared_name_or_a_weak_document_is_no_merge_evidence() -> Result<(), Box<dyn std::error::Error>>
{
    // Made up: 300 has the name of 200 and a D-U-N-S number (a document of kind Other) that
    // 200 also has; names and other documents never say two entries are one subject.
    let removed = organisation("300", "OOO KLETKA", "D-U-N-S Number 123456789");
    let kept = organisation("200", "OOO KLETKA", "D-U-N-S Number 123456789");
    let notes = notes_of(&format!("{kept}{removed}"), &kept)?;
    assert!(notes.is_empty(), "{notes:?}");
    Ok(())
}

#[test]
fn evidence_on_another_list_is_not_a_merge_within_this_one(
) -> Result<(), Box<dyn std::error::Error>> {
    // Made up: 300 leaves the SDN list while an entry of the non-SDN Consolidated list carries
    // its tax id. A merge is within one list: the removal is a plain delisting there.
    let mut ledger = Ledger::new();
    let cons = format!(
        "{}\x1a",
        organisation("400", "OOO RESHETKA", "Tax ID No. 7701000001 (Russia)")
            .replace("RUSSIA-EO14024", "CMIC-EO13959")
    );
    let cons = ConsolidatedFiles::new("cons_prim.csv", cons.as_bytes()).parse(day(20)?)?;
    apply_snapshot(&mut ledger, &cons, &ReconcileOptions::new(at(21)?))?;
    let removed = organisation("300", "OOO RESHETKA", "Tax ID No. 7701000001 (Russia)");
    let other = organisation("200", "OOO KLETKA", "Tax ID No. 7701000002 (Russia)");
    let (before, after) = (format!("{other}{removed}\x1a"), format!("{other}\x1a"));
    let first = SdnFiles::new("before.csv", before.as_bytes()).parse(day(20)?)?;
    apply_snapshot(&mut ledger, &first, &ReconcileOptions::new(at(21)?))?;
    let second = SdnFiles::new("after.csv", after.as_bytes()).parse(day(25)?)?;
    let (found, _) = apply_snapshot(
        &mut ledger,
        &second,
        &ReconcileOptions::new(at(26)?).allow_mass_delisting(),
    )?;
    assert_eq!(found.delistings(), 1);
    assert!(found.notes.is_empty(), "{:?}", found.notes);
    // Of the two entities with the tax id, the Consolidated entry's alone is still listed.
    let now = ledger.current();
    let tax_id = Identifier::Document(Document::new(DocumentKind::TaxId, "7701000001"));
    let holders = now.find_by_identifier(&tax_id);
    assert_eq!(holders.len(), 2, "{holders:?}");
    let mut listed = Vec::new();
    for entity in holders {
        if now.is_listed(entity, &Authority::US_OFAC, day(26)?)? {
            listed.push(entity);
        }
    }
    assert_eq!(listed.len(), 1, "{listed:?}");
    Ok(())
}
