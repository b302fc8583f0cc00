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
pub(super) const REJECT: &str = "reject: transactions refused, property not blocked";

/// The measure given to an entry whose programs belong to no list this module knows.
pub(super) const UNSPECIFIED: &str =
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
    if any(&|c| c == "NS-PLC") {
        Some(("NS-PLC", Measure::Other(REJECT.into())))
    } else if any(&|c| c.starts_with("CMIC-")) {
        Some(("NS-CMIC", Measure::InvestmentBan))
    } else if any(&|c| c == "561-Related") {
        Some(("CAPTA", Measure::Sectoral))
    } else if any(&|c| c.starts_with("FSE-")) {
        Some(("FSE", Measure::Other(REJECT.into())))
    } else if any(&|c| c == "UKRAINE-EO13662") {
        Some(("SSI", Measure::Sectoral))
    } else if any(&|c| {
        matches!(
            c,
            "RUSSIA-EO14024" | "CAATSA - RUSSIA" | "BURMA-EO14014" | "ILLICIT-DRUGS-EO14059"
        )
    }) {
        Some(("NS-MBS", Measure::Sectoral))
    } else {
        None
    }
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
    fn only_rows_of_non_sdn_tags_are_not_sdn_rows() {
        assert!(only_non_sdn(&["NS-PLC"]));
        assert!(only_non_sdn(&["CMIC-EO13959"]));
        // Both occur on the SDN list too.
        assert!(!only_non_sdn(&["SDGT", "NS-PLC"]));
        assert!(!only_non_sdn(&["UKRAINE-EO13662"]));
    }
}
