//! The lists of OFAC's non-SDN Consolidated list, and the measures each imposes.
//!
//! The legacy `cons_prim.csv` has no list column: an entry's list follows from its program
//! tags, as OFAC's own Sanctions List Service shows (checked against the ENHANCED XML of
//! 2026-01-08, which gives each entity's lists: every `cons_prim.csv` row of 2025-12-19 maps to
//! the list given there). None of these lists blocks property; each restricts some dealings.

use crate::designation::Measure;

/// Tags of programs that only non-SDN lists use. A row of `sdn.csv` lists at least one SDN
/// program besides them (e.g. `SDGT] [NS-PLC`), so a row with only these tags is not an SDN
/// row.
const NON_SDN_ONLY: &[&str] = &["NS-PLC", "561-Related"];
/// Prefixes of tags that only non-SDN lists use.
const NON_SDN_ONLY_PREFIXES: &[&str] = &["CMIC-", "FSE-"];

/// The measure of the Non-SDN Palestinian Legislative Council list (OFAC's sanctions type
/// "Reject") and of the Foreign Sanctions Evaders list: dealings are refused, property is not
/// blocked.
pub(crate) const REJECT: &str = "reject: transactions refused, property not blocked";

/// The measure given to an entry whose programs belong to no list this module knows.
pub(crate) const UNSPECIFIED: &str =
    "restricted under a non-SDN list (not blocked; its programs name no known list)";

/// The list of an entry of the Consolidated list with these program tags, and its measure;
/// `None` when no tag belongs to a list known here.
///
/// Lists, by priority when an entry's tags point to several (the tag that names the list
/// wins over the general Russia / Ukraine programs):
///
/// | list | tags | measure |
/// |---|---|---|
/// | `NS-PLC`, Non-SDN Palestinian Legislative Council | `NS-PLC` | reject |
/// | `NS-CMIC`, Non-SDN Chinese Military-Industrial Complex | `CMIC-…` | [`Measure::InvestmentBan`] |
/// | `CAPTA`, correspondent / payable-through accounts (31 CFR 561) | `561-Related` | [`Measure::Sectoral`] |
/// | `FSE`, Foreign Sanctions Evaders | `FSE-…` | reject |
/// | `SSI`, Sectoral Sanctions Identifications | `UKRAINE-EO13662` | [`Measure::Sectoral`] (directives) |
/// | `NS-MBS`, Non-SDN Menu-Based Sanctions | `RUSSIA-EO14024`, `CAATSA - RUSSIA`, `BURMA-EO14014`, `ILLICIT-DRUGS-EO14059` | [`Measure::Sectoral`] (the menu's measures) |
pub(super) fn consolidated_list(codes: &[&str]) -> Option<(&'static str, Measure)> {
    let any = |pick: &dyn Fn(&str) -> bool| codes.iter().any(|c| pick(c));
    let list = if any(&|c| c == "NS-PLC") {
        "NS-PLC"
    } else if any(&|c| c.starts_with("CMIC-")) {
        "NS-CMIC"
    } else if any(&|c| c == "561-Related") {
        "CAPTA"
    } else if any(&|c| c.starts_with("FSE-")) {
        "FSE"
    } else if any(&|c| c == "UKRAINE-EO13662") {
        "SSI"
    } else if any(&|c| {
        matches!(
            c,
            "RUSSIA-EO14024" | "CAATSA - RUSSIA" | "BURMA-EO14014" | "ILLICIT-DRUGS-EO14059"
        )
    }) {
        "NS-MBS"
    } else {
        return None;
    };
    Some((list, list_measure(list)))
}

/// The measure an OFAC list imposes, by the list's code: blocking on the SDN list, and on the
/// non-SDN lists the restrictions of the table above; an unspecified restriction for a list
/// code this module does not know (never a block).
pub(crate) fn list_measure(code: &str) -> Measure {
    match code {
        "SDN" => Measure::AssetFreeze,
        "NS-PLC" | "FSE" => Measure::Other(REJECT.into()),
        "NS-CMIC" => Measure::InvestmentBan,
        "CAPTA" | "SSI" | "NS-MBS" => Measure::Sectoral,
        _ => Measure::Other(UNSPECIFIED.into()),
    }
}

/// Whether the program tag `program` is one that only list `code` uses among the lists of the
/// table above (`UKRAINE-EO13662` for SSI, `CMIC-…` for NS-CMIC, ...): the programs an entity
/// is on that list under. The SDN list has none of its own: its programs are the entity's
/// others.
pub(crate) fn list_has_program(code: &str, program: &str) -> bool {
    match code {
        "NS-PLC" => program == "NS-PLC",
        "NS-CMIC" => program.starts_with("CMIC-"),
        "CAPTA" => program == "561-Related",
        "FSE" => program.starts_with("FSE-"),
        "SSI" => program == "UKRAINE-EO13662",
        "NS-MBS" => matches!(
            program,
            "RUSSIA-EO14024" | "CAATSA - RUSSIA" | "BURMA-EO14014" | "ILLICIT-DRUGS-EO14059"
        ),
        _ => false,
    }
}

/// The code of the OFAC list with this name, as the ENHANCED XML writes it
/// (`sanctionsList`); `None` for the `Consolidated List` (the whole non-SDN publication, not a
/// list of its own) and for names this module does not know.
pub(crate) fn list_code(name: &str) -> Option<&'static str> {
    Some(match name.trim() {
        "SDN List" => "SDN",
        "Sectoral Sanctions Identifications List" => "SSI",
        "Non-SDN Menu-Based Sanctions List" => "NS-MBS",
        "Non-SDN CMIC List" => "NS-CMIC",
        "Non-SDN Palestinian Legislative Council List" => "NS-PLC",
        "CAPTA List" => "CAPTA",
        "FSE List" => "FSE",
        _ => return None,
    })
}

/// Whether every tag belongs only to non-SDN lists: such a row is not an SDN row.
pub(super) fn only_non_sdn(codes: &[&str]) -> bool {
    codes
        .iter()
        .all(|c| NON_SDN_ONLY.contains(c) || NON_SDN_ONLY_PREFIXES.iter().any(|p| c.starts_with(p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(tags: &str) -> Option<&'static str> {
        consolidated_list(&tags.split("] [").collect::<Vec<_>>()).map(|(list, _)| list)
    }

    #[test]
    fn tags_give_the_list_the_enhanced_xml_names() {
        // Program fields of cons_prim.csv of 2025-12-19, with the list the ENHANCED XML of
        // 2026-01-08 gives the same entities.
        for (tags, expected) in [
            ("UKRAINE-EO13662", "SSI"),
            ("UKRAINE-EO13662] [RUSSIA-EO14024", "SSI"),
            ("UKRAINE-EO13662] [VENEZUELA-EO13850", "SSI"),
            ("NS-PLC", "NS-PLC"),
            ("SDGT] [NS-PLC", "NS-PLC"),
            ("CMIC-EO13959", "NS-CMIC"),
            ("RUSSIA-EO14024", "NS-MBS"),
            ("CAATSA - RUSSIA", "NS-MBS"),
            ("BURMA-EO14014", "NS-MBS"),
            ("ILLICIT-DRUGS-EO14059", "NS-MBS"),
            ("561-Related", "CAPTA"),
        ] {
            assert_eq!(list(tags), Some(expected), "{tags}");
        }
        assert_eq!(list("SDGT"), None);
        let (_, measure) = consolidated_list(&["CMIC-EO13959"]).unwrap();
        assert_eq!(measure, Measure::InvestmentBan);
    }

    #[test]
    fn enhanced_list_names_give_the_codes_and_measures_of_the_csv_lists() {
        for (name, code, measure) in [
            ("SDN List", "SDN", Measure::AssetFreeze),
            (
                "Sectoral Sanctions Identifications List",
                "SSI",
                Measure::Sectoral,
            ),
            (
                "Non-SDN Menu-Based Sanctions List",
                "NS-MBS",
                Measure::Sectoral,
            ),
            ("Non-SDN CMIC List", "NS-CMIC", Measure::InvestmentBan),
            (
                "Non-SDN Palestinian Legislative Council List",
                "NS-PLC",
                Measure::Other(REJECT.into()),
            ),
            ("CAPTA List", "CAPTA", Measure::Sectoral),
            ("FSE List", "FSE", Measure::Other(REJECT.into())),
        ] {
            assert_eq!(list_code(name), Some(code), "{name}");
            assert_eq!(list_measure(code), measure, "{name}");
        }
        assert_eq!(list_code("Consolidated List"), None);
        assert_ne!(list_measure("NS-ISA"), Measure::AssetFreeze);
    }

    #[test]
    fn only_rows_of_non_sdn_tags_are_not_sdn_rows() {
        assert!(only_non_sdn(&["NS-PLC"]));
        assert!(only_non_sdn(&["CMIC-EO13959"]));
        // Both occur on the SDN list too.
        assert!(!only_non_sdn(&["SDGT", "NS-PLC"]));
        assert!(!only_non_sdn(&["UKRAINE-EO13662"]));
    }
}
