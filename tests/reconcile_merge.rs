//! A removal whose strong identifiers match an entry still on the list is noted as a probable
//! merge (issue 12 item 4), not left as a plain delisting without context.
//!
//! Entry 44022 is OFAC's real row of `sdn_2024-05-03.csv` (JOINT STOCK COMPANY STAR, tax id
//! 5904100329). Entry 44738 is **made up** after the public record: OFAC folded a duplicate
//! entry 44738 of the same company (same name, same tax id) into 44022 on 2023-09-25; its real
//! row is in none of the files at hand, so the row here has 44022's name and identifiers under
//! the program it carried, and the 44022 of the first snapshot lacks that program.

use chrono::{NaiveDate, TimeZone, Utc};
use sanctions_ledger::import::{apply_snapshot, ofac::SdnFiles, Note, ReconcileOptions};
use sanctions_ledger::{Document, DocumentKind, Identifier, Ledger};

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
