//! What OFAC writes in an entry's remarks: aliases and identifiers, as `;`-separated items.
//!
//! Items read (an `alt. ` prefix, for a further value of the same kind, is dropped):
//!
//! - `a.k.a. 'NAME'`, `f.k.a. '…'`, `n.k.a. '…'` (or with double quotes) → aliases, one per
//!   quoted name when the item lists several (`a.k.a. 'NAME ONE', 'NAME TWO'`);
//! - `Aircraft Tail Number …` → [`Identifier::AircraftRegistration`],
//!   `Aircraft Manufacturer's Serial Number (MSN) …` → [`Identifier::AircraftSerial`];
//! - `IMO 1234567` anywhere in an item: on a vessel, the ship's number
//!   ([`Identifier::Imo`], its check digit verified); on any other entry, the IMO company number
//!   of an owner or manager ([`Identifier::ImoCompany`]), which has no ship check digit;
//! - `Digital Currency Address - XBT 1Abc…` → [`Identifier::DigitalCurrencyAddress`];
//! - identity, tax and registration documents (`Passport …`, `National ID No. …`,
//!   `Tax ID No. …`, `Registration Number …`, `Legal Entity Number …`, `SWIFT/BIC …`, and the
//!   national forms OFAC uses, see [`DOCUMENTS`]) → [`Identifier::Document`] with the item's
//!   label as scheme and the country in the parentheses after the number, e.g.
//!   `Tax ID No. 7701234567 (Russia)`.

use crate::entity::{Document, DocumentKind, EntityKind, Identifier, ImoCompanyNumber, ImoNumber};
use crate::import::country;

/// Labels of document items as OFAC writes them, and the kind of document each names. Longer
/// labels come before the shorter ones they start with.
const DOCUMENTS: &[(&str, DocumentKind)] = &[
    ("Passport Booklet:", DocumentKind::Passport),
    ("Diplomatic Passport", DocumentKind::Passport),
    ("Passport", DocumentKind::Passport),
    ("National ID No.", DocumentKind::NationalId),
    ("National Foreign ID Number", DocumentKind::NationalId),
    ("Cedula No.", DocumentKind::NationalId),
    ("Identification Number", DocumentKind::NationalId),
    ("Turkish Identification Number", DocumentKind::NationalId),
    ("Numero de Identidad", DocumentKind::NationalId),
    ("Personal ID Card", DocumentKind::NationalId),
    ("Citizen's Card Number", DocumentKind::NationalId),
    ("Kenyan ID No.", DocumentKind::NationalId),
    ("Tazkira National ID Card", DocumentKind::NationalId),
    ("C.U.R.P.", DocumentKind::NationalId),
    ("CURP", DocumentKind::NationalId),
    ("D.N.I.", DocumentKind::NationalId),
    ("C.U.I.", DocumentKind::NationalId),
    ("Credencial electoral", DocumentKind::NationalId),
    ("Electoral Registry No.", DocumentKind::NationalId),
    ("I.F.E.", DocumentKind::NationalId),
    ("SSN", DocumentKind::NationalId),
    ("Tax ID No.", DocumentKind::TaxId),
    ("NIT #", DocumentKind::TaxId),
    ("RUC #", DocumentKind::TaxId),
    ("R.F.C.", DocumentKind::TaxId),
    ("RFC", DocumentKind::TaxId),
    ("C.U.I.T.", DocumentKind::TaxId),
    ("RIF #", DocumentKind::TaxId),
    ("RTN", DocumentKind::TaxId),
    ("V.A.T. Number", DocumentKind::TaxId),
    ("Italian Fiscal Code", DocumentKind::TaxId),
    ("US FEIN", DocumentKind::TaxId),
    ("Registration Number", DocumentKind::Registration),
    ("Registration ID", DocumentKind::Registration),
    ("Business Registration Number", DocumentKind::Registration),
    (
        "Business Registration Document #",
        DocumentKind::Registration,
    ),
    ("Business Number", DocumentKind::Registration),
    ("Public Registration Number", DocumentKind::Registration),
    ("UK Company Number", DocumentKind::Registration),
    ("Company Number", DocumentKind::Registration),
    ("Commercial Registry Number", DocumentKind::Registration),
    ("C.R. No.", DocumentKind::Registration),
    ("Romanian C.R.", DocumentKind::Registration),
    ("Trade License No.", DocumentKind::Registration),
    ("Government Gazette Number", DocumentKind::Registration),
    (
        "Unified Social Credit Code (USCC)",
        DocumentKind::Registration,
    ),
    (
        "United Social Credit Code Certificate (USCCC)",
        DocumentKind::Registration,
    ),
    (
        "Economic Register Number (CBLS)",
        DocumentKind::Registration,
    ),
    ("Folio Mercantil No.", DocumentKind::Registration),
    ("Matricula Mercantil No", DocumentKind::Registration),
    ("Chamber of Commerce Number", DocumentKind::Registration),
    ("Istanbul Chamber of Comm. No.", DocumentKind::Registration),
    (
        "Dubai Chamber of Commerce Membership No.",
        DocumentKind::Registration,
    ),
    (
        "Central Registration System Number",
        DocumentKind::Registration,
    ),
    (
        "Certificate of Incorporation Number",
        DocumentKind::Registration,
    ),
    ("Enterprise Number", DocumentKind::Registration),
    ("Branch Unit Number", DocumentKind::Registration),
    ("Registered Charity No.", DocumentKind::Registration),
    ("Organization Code", DocumentKind::Registration),
    ("LE Number", DocumentKind::Registration),
    ("Legal Entity Number", DocumentKind::Lei),
    ("SWIFT/BIC", DocumentKind::SwiftBic),
    ("Driver's License No.", DocumentKind::Other),
    ("Birth Certificate Number", DocumentKind::Other),
    ("Residency Number", DocumentKind::Other),
    ("Permit Number", DocumentKind::Other),
    ("Travel Document Number", DocumentKind::Other),
    ("Refugee ID Card", DocumentKind::Other),
    ("Cartilla de Servicio Militar Nacional", DocumentKind::Other),
    ("D-U-N-S Number", DocumentKind::Other),
];

/// The kind of document an OFAC label names, as the remarks write it (`Passport`, `Tax ID No.`,
/// `NIT #`) and as the ENHANCED XML names its `identityDocument` types (`Registration ID`,
/// `Unified Social Credit Code (USCC)`): one vocabulary, one table. `None` for a label the
/// table does not hold (the caller keeps it as [`DocumentKind::Other`] with its name).
pub(crate) fn document_kind(label: &str) -> Option<DocumentKind> {
    let bare = |l: &str| l.trim().trim_end_matches(['#', ':', ' ']).to_owned();
    let wanted = bare(label);
    DOCUMENTS
        .iter()
        .find(|(l, _)| bare(l) == wanted)
        .map(|&(_, kind)| kind)
}

/// What the remarks of one entry give.
#[derive(Debug, Default)]
pub(super) struct Read {
    pub(super) aliases: Vec<String>,
    pub(super) identifiers: Vec<Identifier>,
    /// Items that look like an identifier but fail its check, as written.
    pub(super) invalid: Vec<String>,
}

/// Reads the aliases and identifiers in the remarks of an entry of `kind`.
pub(super) fn read(remarks: &str, kind: EntityKind) -> Read {
    let mut read = Read::default();
    // Most remarks name no IMO number: search each item only when the whole text has one.
    let has_imo = memchr::memmem::find(remarks.as_bytes(), b"IMO ").is_some();
    for item in remarks.split(';') {
        let item = item.trim();
        let item = item.strip_suffix('.').unwrap_or(item);
        let item = item.strip_prefix("alt. ").unwrap_or(item);
        if item.is_empty() {
            continue;
        }
        // OFAC quotes aliases with single quotes, and now and then with double ones.
        for prefix in ["a.k.a. ", "f.k.a. ", "n.k.a. "] {
            if let Some(names) = item.strip_prefix(prefix) {
                read.aliases
                    .extend(quoted_names(names).into_iter().map(str::to_owned));
            }
        }
        if item.starts_with("a.k.a. ") || item.starts_with("f.k.a. ") || item.starts_with("n.k.a. ")
        {
            continue;
        }
        if let Some(tail) = item.strip_prefix("Aircraft Tail Number ") {
            read.identifiers
                .push(Identifier::AircraftRegistration(tail.trim().to_owned()));
        } else if let Some(msn) = item.strip_prefix("Aircraft Manufacturer's Serial Number (MSN) ")
        {
            read.identifiers
                .push(Identifier::AircraftSerial(msn.trim().to_owned()));
        } else if has_imo && imo_numbers(item, kind, &mut read) {
            // An item naming an IMO number is about the ship or company only.
        } else if let Some(rest) = item.strip_prefix("Digital Currency Address - ") {
            let mut words = rest.split_whitespace();
            if let (Some(currency), Some(address)) = (words.next(), words.next()) {
                read.identifiers.push(Identifier::DigitalCurrencyAddress {
                    currency: currency.to_owned(),
                    address: address.to_owned(),
                });
            }
        } else if let Some(document) = document(item) {
            read.identifiers.push(Identifier::Document(document));
        }
    }
    read
}

/// The names of an alias item after its `a.k.a. ` prefix: `'NAME'`, or a list of quoted names
/// `'NAME ONE', 'NAME TWO'` (single or double quotes, the same throughout), each without its
/// quotes; none when the text is not quoted. A quote inside a name (`'SHALAI, 'Abd-al Reza'`)
/// stays in it: names are split only where a closing quote is followed by a comma and an
/// opening quote.
fn quoted_names(text: &str) -> Vec<&str> {
    let Some(quote) = text.chars().next().filter(|&c| c == '\'' || c == '"') else {
        return Vec::new();
    };
    let Some(mut rest) = text[1..].strip_suffix(quote) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    let separator = if quote == '"' { "\"," } else { "'," };
    let mut from = 0;
    while let Some(at) = rest[from..].find(separator).map(|at| from + at) {
        let after = rest[at + 2..].trim_start();
        match after.strip_prefix(quote) {
            Some(next) => {
                names.push(rest[..at].trim());
                rest = next;
                from = 0;
            }
            None => from = at + 2,
        }
    }
    names.push(rest.trim());
    names.retain(|name| !crate::entity::is_blank(name));
    names
}

/// Reads every `IMO 1234567` of `item`; whether there was one.
fn imo_numbers(item: &str, kind: EntityKind, read: &mut Read) -> bool {
    let mut found = false;
    let mut rest = item;
    while let Some(at) = rest.find("IMO ") {
        rest = &rest[at + 4..];
        let digits = &rest[..rest.bytes().take_while(u8::is_ascii_digit).count()];
        if digits.len() != 7 {
            continue;
        }
        found = true;
        if kind == EntityKind::Vessel {
            match ImoNumber::new(digits) {
                Ok(imo) => read.identifiers.push(Identifier::Imo(imo)),
                Err(_) => read.invalid.push(format!("IMO {digits}")),
            }
        } else if let Ok(company) = ImoCompanyNumber::new(digits) {
            read.identifiers.push(Identifier::ImoCompany(company));
        }
    }
    found
}

/// A document item: a label of [`DOCUMENTS`], the number (after an optional `#`), then
/// optionally a country in parentheses and issue or expiry dates.
fn document(item: &str) -> Option<Document> {
    let first = *item.as_bytes().first()?;
    let (label, kind, rest) = DOCUMENTS.iter().find_map(|&(label, kind)| {
        // Comparing the first byte first skips most labels without a call.
        if label.as_bytes()[0] != first {
            return None;
        }
        let rest = item.strip_prefix(label)?;
        // The label must end at a word boundary: `RFC` is not `RFCX 1`.
        rest.starts_with(' ').then_some((label, kind, rest))
    })?;
    let rest = rest.trim_start();
    let rest = rest.strip_prefix('#').map_or(rest, str::trim_start);
    // The number ends where the first of ` (`, ` issued`, ` expires` starts: one pass over the
    // spaces, not a search per word.
    let end = memchr::memchr_iter(b' ', rest.as_bytes())
        .find(|&at| {
            let after = &rest[at + 1..];
            after.starts_with('(') || after.starts_with("issued") || after.starts_with("expires")
        })
        .unwrap_or(rest.len());
    let number = rest[..end].trim();
    if number.is_empty() || !number.bytes().any(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let mut document =
        Document::new(kind, number).with_scheme(label.trim_end_matches(['#', ':', ' ']));
    // The country is in the last parentheses that name one: `HRA 738077 (Stuttgart) (Germany)`.
    let country = rest[end..]
        .split('(')
        .skip(1)
        .filter_map(|group| group.split(')').next())
        .filter_map(|name| country::by_ofac_name(name.trim()))
        .last();
    if let Some(country) = country {
        document = document.with_country(country);
    }
    Some(document)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::Country;

    fn documents(remarks: &str) -> Vec<(DocumentKind, String, Option<String>, Option<String>)> {
        read(remarks, EntityKind::Person)
            .identifiers
            .into_iter()
            .filter_map(|i| match i {
                Identifier::Document(d) => Some((
                    d.kind,
                    d.number,
                    d.scheme,
                    d.country.map(|c| c.as_str().to_owned()),
                )),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_quoted_name_of_an_alias_list_is_an_alias() {
        let aliases = |remarks: &str| read(remarks, EntityKind::Person).aliases;
        // As in the SDN files of 2023-08-03 to 2024-05-03, entry 11177 (once in each).
        assert_eq!(
            aliases("a.k.a. 'YUSIF, Hajji'; a.k.a. 'ABU-AL-KARKH', 'Yusuf'."),
            ["YUSIF, Hajji", "ABU-AL-KARKH", "Yusuf"]
        );
        assert_eq!(
            aliases("a.k.a. \"NAME ONE\", \"NAME TWO\",\"NAME THREE\"; f.k.a. 'OLD', 'OLDER'."),
            ["NAME ONE", "NAME TWO", "NAME THREE", "OLD", "OLDER"]
        );
        // A quote inside a name, after a comma, is not a list.
        assert_eq!(
            aliases("a.k.a. 'SHALAI, 'Abd-al Reza'; a.k.a. 'AL-HAQ, 'Abd'"),
            ["SHALAI, 'Abd-al Reza", "AL-HAQ, 'Abd"]
        );
        // Not quoted, or quotes that do not match: no alias.
        assert!(aliases("a.k.a. NAME ONE; a.k.a. 'NAME\"").is_empty());
        assert!(aliases("a.k.a. '', ''").is_empty());
    }

    #[test]
    fn labels_name_their_kind_with_or_without_their_punctuation() {
        for (label, kind) in [
            ("Passport", Some(DocumentKind::Passport)),
            ("Tax ID No.", Some(DocumentKind::TaxId)),
            ("NIT #", Some(DocumentKind::TaxId)),
            ("NIT", Some(DocumentKind::TaxId)),
            (" Registration ID ", Some(DocumentKind::Registration)),
            ("Legal Entity Number", Some(DocumentKind::Lei)),
            ("SWIFT/BIC", Some(DocumentKind::SwiftBic)),
            ("Driver's License No.", Some(DocumentKind::Other)),
            ("License", None),
        ] {
            assert_eq!(document_kind(label), kind, "{label}");
        }
    }

    #[test]
    fn documents_take_label_number_and_country() {
        let got = documents(
            "DOB 1962; Passport G025057 issued 23 Jun 1999 expires 05 Feb 2004; \
             alt. Passport D366 871 (Jordan); Tax ID No. 7701234567 (Russia); \
             NIT # 800018928-0 (Colombia); Registration Number HRA 738077 (Stuttgart) (Germany); \
             Legal Entity Number 253400V1H6ART1UQ0N98 (Russia); SWIFT/BIC HAVIGB2L; \
             Passport Booklet: A5199819 (Pakistan); Registration Number; RFCX 12.",
        );
        let s = |x: &str| Some(x.to_owned());
        assert_eq!(
            got,
            [
                (
                    DocumentKind::Passport,
                    "G025057".into(),
                    s("Passport"),
                    None
                ),
                (
                    DocumentKind::Passport,
                    "D366 871".into(),
                    s("Passport"),
                    s("JO")
                ),
                (
                    DocumentKind::TaxId,
                    "7701234567".into(),
                    s("Tax ID No."),
                    s("RU")
                ),
                (DocumentKind::TaxId, "800018928-0".into(), s("NIT"), s("CO")),
                (
                    DocumentKind::Registration,
                    "HRA 738077".into(),
                    s("Registration Number"),
                    s("DE")
                ),
                (
                    DocumentKind::Lei,
                    "253400V1H6ART1UQ0N98".into(),
                    s("Legal Entity Number"),
                    s("RU")
                ),
                (
                    DocumentKind::SwiftBic,
                    "HAVIGB2L".into(),
                    s("SWIFT/BIC"),
                    None
                ),
                (
                    DocumentKind::Passport,
                    "A5199819".into(),
                    s("Passport Booklet"),
                    s("PK")
                ),
            ]
        );
    }

    #[test]
    fn imo_numbers_are_ships_on_vessels_and_companies_elsewhere() {
        // 47370 NS LEADER SHIPPING INCORPORATED and its tanker 47371 NS LEADER (2024-05-03).
        let company = read(
            "Organization Established Date 12 Oct 2006; Identification Number IMO 5305560; \
             Registration Number C-109156 (Liberia).",
            EntityKind::Organisation,
        );
        assert!(company.identifiers.contains(&Identifier::ImoCompany(
            ImoCompanyNumber::new("5305560").unwrap()
        )));
        assert!(!company
            .identifiers
            .iter()
            .any(|i| matches!(i, Identifier::Imo(_))));
        let liberia = Country::new("LR").unwrap();
        assert!(company.identifiers.contains(&Identifier::Document(
            Document::new(DocumentKind::Registration, "C-109156")
                .with_scheme("Registration Number")
                .with_country(liberia)
        )));
        // An IMO item is not also read as a national id ("Identification Number").
        assert_eq!(company.identifiers.len(), 2);

        let ship = read(
            "Identification Number IMO 9339301; MMSI 636013272; Linked To: NS LEADER SHIPPING INCORPORATED.",
            EntityKind::Vessel,
        );
        assert_eq!(
            ship.identifiers,
            [Identifier::Imo(ImoNumber::new("9339301").unwrap())]
        );
        let bad = read(
            "Vessel Registration Identification IMO 9339302.",
            EntityKind::Vessel,
        );
        assert!(bad.identifiers.is_empty());
        assert_eq!(bad.invalid, ["IMO 9339302"]);
    }

    #[test]
    fn digital_currency_addresses_keep_currency_and_case() {
        let got = read(
            "Digital Currency Address - XBT 12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h; \
             alt. Digital Currency Address - ETH 0x098B716B8Aaf21512996dC57EB0615e2383E2f96.",
            EntityKind::Organisation,
        );
        assert_eq!(
            got.identifiers,
            [
                Identifier::DigitalCurrencyAddress {
                    currency: "XBT".into(),
                    address: "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h".into()
                },
                Identifier::DigitalCurrencyAddress {
                    currency: "ETH".into(),
                    address: "0x098B716B8Aaf21512996dC57EB0615e2383E2f96".into()
                },
            ]
        );
    }
}
