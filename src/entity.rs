//! Sanctioned subjects: [`Entity`] records, their [`EntityKind`], typed [`Identifier`]s and
//! [`Country`] codes, and the name normalisation used by lookups.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::authority::Authority;
use crate::class_measure::Sector;
use crate::error::Error;

/// What kind of subject an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EntityKind {
    /// A natural person.
    Person,
    /// A company, organisation, government body or other legal person.
    Organisation,
    /// A ship.
    Vessel,
    /// An aircraft.
    Aircraft,
    /// Anything else (e.g. a digital currency address held as a subject).
    Other,
}

/// The facts about a sanctioned subject as of one date: kind, name, aliases, identifiers and
/// countries.
///
/// An entity's facts can change over time (an alias added on a date); the ledger keeps each
/// version as a change with its own effective date.
///
/// # Example
///
/// ```
/// use sanctions_ledger::{Authority, Country, Entity, EntityKind, Identifier};
///
/// let belavia = Entity::new(EntityKind::Organisation, "Open Joint Stock Company Belavia Belarusian Airlines")
///     .with_alias("Belavia")
///     .with_identifier(Identifier::list_entry(Authority::US_OFAC, "44541"))
///     .with_country(Country::new("BY")?);
/// assert_eq!(belavia.names().count(), 2);
/// # Ok::<(), sanctions_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Entity {
    /// What kind of subject this is.
    pub kind: EntityKind,
    /// The primary name, as the source writes it.
    pub name: String,
    /// Other names (a.k.a., f.k.a., spelling variants), as the source writes them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Typed identifiers: list ids, IMO numbers, registrations, serial numbers, …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<Identifier>,
    /// Countries associated with the subject (nationality, registration, seat).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<Country>,
    /// Addresses, one line each, as the source writes them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<String>,
    /// Lines of business (air carrier, shipping, …), for the
    /// [class measures](crate::ClassMeasure) that target a sector.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sectors: Vec<Sector>,
    /// Other facts the source gives that have no typed field (a vessel's tonnage, a call sign,
    /// an aircraft model), keyed by a short lower-case name such as `vessel_type`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub details: BTreeMap<String, String>,
}

impl Entity {
    /// An entity of `kind` named `name`, with no aliases, identifiers or countries yet.
    #[must_use]
    pub fn new(kind: EntityKind, name: impl Into<String>) -> Self {
        Entity {
            kind,
            name: name.into(),
            aliases: Vec::new(),
            identifiers: Vec::new(),
            countries: Vec::new(),
            addresses: Vec::new(),
            sectors: Vec::new(),
            details: BTreeMap::new(),
        }
    }

    /// Adds an alias.
    #[must_use]
    pub fn with_alias(mut self, alias: impl Into<String>) -> Self {
        self.aliases.push(alias.into());
        self
    }

    /// Adds an identifier.
    #[must_use]
    pub fn with_identifier(mut self, identifier: Identifier) -> Self {
        self.identifiers.push(identifier);
        self
    }

    /// Adds a country.
    #[must_use]
    pub fn with_country(mut self, country: Country) -> Self {
        self.countries.push(country);
        self
    }

    /// Adds an address.
    #[must_use]
    pub fn with_address(mut self, address: impl Into<String>) -> Self {
        self.addresses.push(address.into());
        self
    }

    /// Adds a sector (see [`Entity::sectors`]).
    #[must_use]
    pub fn with_sector(mut self, sector: Sector) -> Self {
        self.sectors.push(sector);
        self
    }

    /// Sets a detail (see [`Entity::details`]).
    #[must_use]
    pub fn with_detail(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.details.insert(key.into(), value.into());
        self
    }

    /// The primary name followed by the aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// A typed identifier of an entity.
///
/// Lookups compare identifiers by [`Identifier::lookup_key`], which ignores case, spaces and
/// punctuation in the value, so `EW-301PJ` and `ew 301pj` find the same aircraft.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Identifier {
    /// The entry's id on an authority's list: an OFAC UID (`ent_num`), an EU reference
    /// (`EU.123.45`), a UK unique id, a UN reference (`QDi.042`).
    ListEntry {
        /// The authority whose list this is.
        authority: Authority,
        /// The id as the list writes it.
        id: String,
    },
    /// An IMO ship identification number.
    Imo(ImoNumber),
    /// An IMO unique company and registered owner identification number: the number of a
    /// ship's owner or manager, never of a ship. OFAC writes both as `IMO 1234567`; on an
    /// organisation's entry it is this one.
    ImoCompany(ImoCompanyNumber),
    /// An aircraft registration (tail number), e.g. `EW-301PJ`.
    AircraftRegistration(String),
    /// An aircraft manufacturer serial number (MSN).
    AircraftSerial(String),
    /// An identity, tax or registration document: a passport, a national identity card, a tax
    /// id, a company registration number, ...
    Document(Document),
    /// A digital currency (crypto-asset) address, e.g. `XBT 1AbC...` in OFAC's remarks.
    DigitalCurrencyAddress {
        /// The currency as the source writes it, e.g. `XBT`, `ETH`, `USDT`.
        currency: String,
        /// The address, exactly as written (addresses are case-sensitive).
        address: String,
    },
    /// Any other identifier, under a scheme name of the caller's choice (e.g. `passport-BY`).
    Other {
        /// The scheme, e.g. `LEI`, `passport-BY`.
        scheme: String,
        /// The value.
        value: String,
    },
}

impl Identifier {
    /// A list-entry identifier.
    #[must_use]
    pub fn list_entry(authority: Authority, id: impl Into<String>) -> Self {
        Identifier::ListEntry {
            authority,
            id: id.into(),
        }
    }

    /// The key lookups compare: the variant, its scheme or authority, and the value upper-cased
    /// with everything but letters and digits removed.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::Identifier;
    ///
    /// let a = Identifier::AircraftRegistration("EW-301PJ".into());
    /// let b = Identifier::AircraftRegistration("ew 301pj".into());
    /// assert_eq!(a.lookup_key(), b.lookup_key());
    /// ```
    #[must_use]
    pub fn lookup_key(&self) -> String {
        let mut key = String::with_capacity(32);
        self.lookup_key_into(&mut key);
        key
    }

    /// [`Identifier::lookup_key`] into `key` (cleared first), to reuse one buffer.
    pub(crate) fn lookup_key_into(&self, key: &mut String) {
        key.clear();
        match self {
            Identifier::ListEntry { authority, id } => {
                key.push_str("list:");
                key.push_str(authority.as_str());
                key.push(':');
                squeeze_into(key, id);
            }
            Identifier::Imo(n) => {
                key.push_str("imo:");
                key.push_str(&n.to_string());
            }
            Identifier::ImoCompany(n) => {
                key.push_str("imo-company:");
                key.push_str(&n.to_string());
            }
            Identifier::Document(document) => {
                key.push_str("doc:");
                key.push_str(document.kind.as_str());
                key.push(':');
                squeeze_into(key, &document.number);
            }
            Identifier::DigitalCurrencyAddress { address, .. } => {
                // Case matters in most address encodings (base58, bech32 checksums aside), so
                // only surrounding spaces are dropped. The currency is left out: one address
                // is often listed under several tokens of one chain (ETH and USDT).
                key.push_str("dca:");
                key.push_str(address.trim());
            }
            Identifier::AircraftRegistration(r) => {
                key.push_str("reg:");
                squeeze_into(key, r);
            }
            Identifier::AircraftSerial(s) => {
                key.push_str("msn:");
                squeeze_into(key, s);
            }
            Identifier::Other { scheme, value } => {
                key.push_str("other:");
                squeeze_into(key, scheme);
                key.push(':');
                squeeze_into(key, value);
            }
        }
    }

    /// `self.lookup_key().cmp(&other.lookup_key())`, without building the keys when their
    /// text is ASCII (nearly always): canonical entities sort their identifiers by it, and
    /// reconciliation compares them by it.
    pub(crate) fn cmp_lookup_keys(&self, other: &Identifier) -> Ordering {
        let (a, b) = (self.key_parts(), other.key_parts());
        // No prefix is a prefix of another (each ends at its only ':'), so different
        // prefixes decide the order of the whole keys.
        let by_prefix = a.prefix.cmp(b.prefix);
        if by_prefix != Ordering::Equal {
            return by_prefix;
        }
        match (self, other) {
            (Identifier::Imo(x), Identifier::Imo(y)) if x.0 < 10_000_000 && y.0 < 10_000_000 => {
                // Seven digits, zero-padded: the numbers' order is the text's.
                return x.0.cmp(&y.0);
            }
            (Identifier::ImoCompany(x), Identifier::ImoCompany(y))
                if x.0 < 10_000_000 && y.0 < 10_000_000 =>
            {
                return x.0.cmp(&y.0);
            }
            (Identifier::Imo(_) | Identifier::ImoCompany(_), _) => {
                return self.lookup_key().cmp(&other.lookup_key());
            }
            _ => {}
        }
        if a.is_ascii() && b.is_ascii() {
            a.bytes().cmp(b.bytes())
        } else {
            self.lookup_key().cmp(&other.lookup_key())
        }
    }

    /// The parts of [`Identifier::lookup_key`]: the variant's prefix, then text as written
    /// (`raw`), squeezed (`squeezed`: letters and digits only, upper-cased), as written again
    /// and squeezed again. The IMO variants' numbers are left out (compared as numbers).
    fn key_parts(&self) -> KeyParts<'_> {
        let mut parts = KeyParts {
            prefix: "",
            raw: ["", ""],
            squeezed: "",
            raw_after: "",
            squeezed_after: "",
        };
        match self {
            Identifier::ListEntry { authority, id } => {
                parts.prefix = "list:";
                parts.raw = [authority.as_str(), ":"];
                parts.squeezed = id;
            }
            Identifier::Imo(_) => parts.prefix = "imo:",
            Identifier::ImoCompany(_) => parts.prefix = "imo-company:",
            Identifier::Document(document) => {
                parts.prefix = "doc:";
                parts.raw = [document.kind.as_str(), ":"];
                parts.squeezed = &document.number;
            }
            Identifier::DigitalCurrencyAddress { address, .. } => {
                parts.prefix = "dca:";
                parts.raw = [address.trim(), ""];
            }
            Identifier::AircraftRegistration(r) => {
                parts.prefix = "reg:";
                parts.squeezed = r;
            }
            Identifier::AircraftSerial(s) => {
                parts.prefix = "msn:";
                parts.squeezed = s;
            }
            Identifier::Other { scheme, value } => {
                parts.prefix = "other:";
                parts.squeezed = scheme;
                parts.raw_after = ":";
                parts.squeezed_after = value;
            }
        }
        parts
    }
}

/// An identifier's lookup key after its prefix, in parts (see [`Identifier::key_parts`]).
struct KeyParts<'a> {
    prefix: &'static str,
    raw: [&'a str; 2],
    squeezed: &'a str,
    raw_after: &'static str,
    squeezed_after: &'a str,
}

impl KeyParts<'_> {
    fn is_ascii(&self) -> bool {
        self.raw.iter().all(|t| t.is_ascii())
            && self.squeezed.is_ascii()
            && self.squeezed_after.is_ascii()
    }

    /// The key's bytes after the prefix, for ASCII parts: as [`squeeze_into`] writes them.
    fn bytes(&self) -> impl Iterator<Item = u8> + '_ {
        fn squeeze(text: &str) -> impl Iterator<Item = u8> + '_ {
            text.bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| b.to_ascii_uppercase())
        }
        self.raw[0]
            .bytes()
            .chain(self.raw[1].bytes())
            .chain(squeeze(self.squeezed))
            .chain(self.raw_after.bytes())
            .chain(squeeze(self.squeezed_after))
    }
}

/// What kind of document a [`Document`] identifier is.
///
/// The kinds follow the identifier properties that the official lists and the `FollowTheMoney`
/// model distinguish; the document type as a source names it is kept in [`Document::scheme`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DocumentKind {
    /// A passport.
    Passport,
    /// A national identity card or number (cédula, D.N.I., personal id card, ...).
    NationalId,
    /// A tax identification number (Tax ID No., INN, RFC, NIT, C.U.I.T., ...).
    TaxId,
    /// A company or business registration number (OGRN, registration ID, company number, ...).
    Registration,
    /// A Legal Entity Identifier (ISO 17442).
    Lei,
    /// A SWIFT / BIC code.
    SwiftBic,
    /// Any other document (driving licence, residency permit, birth certificate, ...); the
    /// source's name for it is in [`Document::scheme`].
    Other,
}

impl DocumentKind {
    /// Every kind, in declaration order.
    pub const ALL: [DocumentKind; 7] = [
        DocumentKind::Passport,
        DocumentKind::NationalId,
        DocumentKind::TaxId,
        DocumentKind::Registration,
        DocumentKind::Lei,
        DocumentKind::SwiftBic,
        DocumentKind::Other,
    ];

    /// The snake-case name, as in the serialised form.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Passport => "passport",
            DocumentKind::NationalId => "national_id",
            DocumentKind::TaxId => "tax_id",
            DocumentKind::Registration => "registration",
            DocumentKind::Lei => "lei",
            DocumentKind::SwiftBic => "swift_bic",
            DocumentKind::Other => "other",
        }
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An identity, tax or registration document number, as an [`Identifier::Document`].
///
/// Lookups compare the kind and the number (upper-cased, letters and digits only), not the
/// scheme or the country, so that the same passport number found on two lists that name the
/// document differently still matches.
///
/// # Example
///
/// ```
/// use sanctions_ledger::{Country, Document, DocumentKind, Identifier};
///
/// let passport = Document::new(DocumentKind::Passport, "MP 1234567")
///     .with_scheme("Passport")
///     .with_country(Country::new("BY")?);
/// let same = Identifier::Document(Document::new(DocumentKind::Passport, "mp1234567"));
/// assert_eq!(Identifier::Document(passport).lookup_key(), same.lookup_key());
/// # Ok::<(), sanctions_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Document {
    /// What kind of document it is.
    pub kind: DocumentKind,
    /// The document number, as the source writes it.
    pub number: String,
    /// The document type as the source names it, e.g. `Cedula No.` or `Tax ID No.`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// The issuing country, if the source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Country>,
}

impl Document {
    /// A document of `kind` with `number`, no scheme and no country.
    #[must_use]
    pub fn new(kind: DocumentKind, number: impl Into<String>) -> Self {
        Document {
            kind,
            number: number.into(),
            scheme: None,
            country: None,
        }
    }

    /// Sets the source's name for the document type.
    #[must_use]
    pub fn with_scheme(mut self, scheme: impl Into<String>) -> Self {
        self.scheme = Some(scheme.into());
        self
    }

    /// Sets the issuing country.
    #[must_use]
    pub fn with_country(mut self, country: Country) -> Self {
        self.country = Some(country);
        self
    }
}

/// Appends `s` upper-cased, keeping only letters and digits.
fn squeeze_into(key: &mut String, s: &str) {
    for c in s.chars().filter(|c| c.is_alphanumeric()) {
        if c.is_ascii() {
            key.push(c.to_ascii_uppercase());
        } else {
            key.extend(c.to_uppercase());
        }
    }
}

/// Whether `text` has no visible character: it is empty or made only of whitespace (the
/// no-break spaces included), control characters, and characters that are invisible by Unicode's
/// definition (`Default_Ignorable_Code_Point`: zero-width spaces and joiners, bidirectional
/// marks, the word joiner, the byte-order mark, soft hyphens, variation selectors, Hangul
/// fillers, tags) or the interlinear annotation marks. A name or alias for which this holds is
/// blank: the ledger refuses such a name ([`Error::BlankName`](crate::Error::BlankName)) and
/// importers refuse or drop it.
pub(crate) fn is_blank(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_whitespace() || c.is_control() || is_invisible(c))
}

/// Unicode's `Default_Ignorable_Code_Point` characters (Unicode 15.1, `DerivedCoreProperties.txt`),
/// and U+FFF9..U+FFFB, the interlinear annotation marks (format characters drawn as nothing).
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Normalises a name for lookup: lower case, every run of characters other than letters and
/// digits becomes one space, no leading or trailing space.
///
/// Diacritics are kept (`Lukašenka` and `Lukasenka` differ); transliteration is out of scope.
///
/// # Example
///
/// ```
/// use sanctions_ledger::normalise_name;
///
/// assert_eq!(normalise_name("  BELAVIA -- Belarusian  Airlines, OAO "), "belavia belarusian airlines oao");
/// ```
#[must_use]
pub fn normalise_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_space = false;
    for c in name.chars() {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        } else {
            pending_space = true;
        }
    }
    out
}

/// An IMO ship identification number: seven digits, the last a check digit.
///
/// # Example
///
/// ```
/// use sanctions_ledger::ImoNumber;
///
/// let imo: ImoNumber = "IMO 9074729".parse()?;
/// assert_eq!(imo.to_string(), "9074729");
/// assert!("9074728".parse::<ImoNumber>().is_err()); // wrong check digit
/// # Ok::<(), sanctions_ledger::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ImoNumber(u32);

impl ImoNumber {
    /// Parses seven digits, optionally prefixed by `IMO` and spaces, and checks the check digit.
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] when the text is not seven digits or the check digit is wrong.
    pub fn new(text: &str) -> Result<Self, Error> {
        let fail = |reason: &str| Error::Parse {
            what: "ImoNumber",
            input: text.to_owned(),
            reason: reason.to_owned(),
        };
        let d = imo_digits(text).ok_or_else(|| fail("an IMO number has exactly seven digits"))?;
        let sum: u32 = d[..6].iter().zip((2..=7).rev()).map(|(x, w)| x * w).sum();
        if sum % 10 != d[6] {
            return Err(fail("the check digit does not match"));
        }
        Ok(ImoNumber(d.iter().fold(0, |acc, x| acc * 10 + x)))
    }

    /// The number as an integer.
    #[must_use]
    pub fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for ImoNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:07}", self.0)
    }
}

impl fmt::Debug for ImoNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ImoNumber({:07})", self.0)
    }
}

impl FromStr for ImoNumber {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        ImoNumber::new(s)
    }
}

impl TryFrom<String> for ImoNumber {
    type Error = Error;

    fn try_from(s: String) -> Result<Self, Error> {
        ImoNumber::new(&s)
    }
}

impl From<ImoNumber> for String {
    fn from(n: ImoNumber) -> String {
        n.to_string()
    }
}

/// An IMO unique company and registered owner identification number: seven digits.
///
/// IMO assigns these to ship owners and managers from the same seven-digit range as ship
/// numbers, but they carry no ship check digit: of the 138 `IMO` numbers in the remarks of
/// organisations on OFAC's SDN list of 2024-05-03, 123 fail the ship check, while all 842 on
/// vessels pass it. So only the shape is checked.
///
/// # Example
///
/// ```
/// use sanctions_ledger::ImoCompanyNumber;
///
/// let owner: ImoCompanyNumber = "IMO 5305560".parse()?;
/// assert_eq!(owner.to_string(), "5305560");
/// assert!("530556".parse::<ImoCompanyNumber>().is_err());
/// # Ok::<(), sanctions_ledger::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ImoCompanyNumber(u32);

impl ImoCompanyNumber {
    /// Parses seven digits, optionally prefixed by `IMO` and spaces.
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] when the text is not seven digits.
    pub fn new(text: &str) -> Result<Self, Error> {
        let digits = imo_digits(text).ok_or_else(|| Error::Parse {
            what: "ImoCompanyNumber",
            input: text.to_owned(),
            reason: "an IMO company number has exactly seven digits".to_owned(),
        })?;
        Ok(ImoCompanyNumber(
            digits.iter().fold(0, |acc, x| acc * 10 + x),
        ))
    }

    /// The number as an integer.
    #[must_use]
    pub fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for ImoCompanyNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:07}", self.0)
    }
}

impl fmt::Debug for ImoCompanyNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ImoCompanyNumber({:07})", self.0)
    }
}

impl FromStr for ImoCompanyNumber {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        ImoCompanyNumber::new(s)
    }
}

impl TryFrom<String> for ImoCompanyNumber {
    type Error = Error;

    fn try_from(s: String) -> Result<Self, Error> {
        ImoCompanyNumber::new(&s)
    }
}

impl From<ImoCompanyNumber> for String {
    fn from(n: ImoCompanyNumber) -> String {
        n.to_string()
    }
}

/// The seven digits of an IMO number written with or without an `IMO` prefix.
fn imo_digits(text: &str) -> Option<[u32; 7]> {
    let trimmed = text.trim();
    let digits = trimmed.strip_prefix("IMO").unwrap_or(trimmed).trim_start();
    let bytes: [u8; 7] = digits.as_bytes().try_into().ok()?;
    if !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(bytes.map(|b| u32::from(b - b'0')))
}

/// A country as an ISO 3166-1 alpha-2 code (`BY`, `US`), or a user-assigned code such as `XK`.
///
/// Only the shape is checked (two ASCII letters, stored upper-case), not membership of the
/// ISO list, so that codes the standard adds later need no release.
///
/// # Example
///
/// ```
/// use sanctions_ledger::Country;
///
/// assert_eq!(Country::new("by")?.as_str(), "BY");
/// assert!(Country::new("BLR").is_err());
/// # Ok::<(), sanctions_ledger::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Country([u8; 2]);

impl Country {
    /// Parses a two-letter code, case-insensitively.
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] unless the text is exactly two ASCII letters.
    pub fn new(code: &str) -> Result<Self, Error> {
        match code.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Ok(Country([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => Err(Error::Parse {
                what: "Country",
                input: code.to_owned(),
                reason: "a country code is two ASCII letters (ISO 3166-1 alpha-2)".to_owned(),
            }),
        }
    }

    /// The upper-case code.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Country({})", self.as_str())
    }
}

impl FromStr for Country {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Country::new(s)
    }
}

impl TryFrom<String> for Country {
    type Error = Error;

    fn try_from(s: String) -> Result<Self, Error> {
        Country::new(&s)
    }
}

impl From<Country> for String {
    fn from(c: Country) -> String {
        c.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Identifiers of every variant whose keys share prefixes, differ only in case,
    /// punctuation or spacing, hold non-ASCII text, or name authorities one of which starts
    /// with the other.
    fn identifiers_to_order() -> Result<Vec<Identifier>, Error> {
        let un_x = Authority::new("UN-X")?;
        let by = Country::new("BY")?;
        let mut all = Vec::new();
        for text in [
            "", "a", "A", "a-1", "A 1", "a1", "Ab", "ab.", "B", "Ä", "äb", "ß", "z9", "Ω 2",
        ] {
            all.push(Identifier::list_entry(Authority::UN, text));
            all.push(Identifier::list_entry(un_x.clone(), text));
            all.push(Identifier::list_entry(Authority::US_OFAC, text));
            all.push(Identifier::AircraftRegistration(text.into()));
            all.push(Identifier::AircraftSerial(text.into()));
            all.push(Identifier::DigitalCurrencyAddress {
                currency: "XBT".into(),
                address: format!(" {text} "),
            });
            for kind in [
                DocumentKind::Passport,
                DocumentKind::TaxId,
                DocumentKind::Other,
            ] {
                all.push(Identifier::Document(Document::new(kind, text)));
                all.push(Identifier::Document(
                    Document::new(kind, text).with_scheme("x").with_country(by),
                ));
            }
            for scheme in ["", "lei", "LEI:", "le"] {
                all.push(Identifier::Other {
                    scheme: scheme.into(),
                    value: text.into(),
                });
            }
        }
        for number in ["9074729", "9176187", "1000007"] {
            all.push(Identifier::Imo(ImoNumber::new(number)?));
        }
        for number in [0, 42, 9_999_999, 1_234_567] {
            all.push(Identifier::ImoCompany(ImoCompanyNumber(number)));
        }
        Ok(all)
    }

    #[test]
    fn lookup_keys_compare_in_place_as_built() -> Result<(), Error> {
        let all = identifiers_to_order()?;
        for a in &all {
            for b in &all {
                assert_eq!(
                    a.cmp_lookup_keys(b),
                    a.lookup_key().cmp(&b.lookup_key()),
                    "{a:?} {b:?}"
                );
            }
        }
        Ok(())
    }

    #[test]
    fn imo_check_digit_is_enforced() {
        assert_eq!(ImoNumber::new("9074729").unwrap().get(), 9_074_729);
        assert_eq!(ImoNumber::new("IMO 9074729").unwrap().get(), 9_074_729);
        for bad in ["9074728", "907472", "90747290", "IMO", "abcdefg", ""] {
            assert!(ImoNumber::new(bad).is_err(), "{bad:?}");
        }
        assert!(serde_json::from_str::<ImoNumber>("\"9074728\"").is_err());
    }

    #[test]
    fn names_normalise_case_punctuation_and_spaces() {
        assert_eq!(
            normalise_name("Belavia – Belarusian Airlines AAT"),
            "belavia belarusian airlines aat"
        );
        assert_eq!(normalise_name("!!!"), "");
        assert_eq!(normalise_name("ÄBC"), "äbc");
    }

    #[test]
    fn identifier_keys_ignore_punctuation_but_not_scheme() {
        let reg = Identifier::AircraftRegistration("EW-301PJ".into());
        let msn = Identifier::AircraftSerial("EW301PJ".into());
        assert_eq!(reg.lookup_key(), "reg:EW301PJ");
        assert_ne!(reg.lookup_key(), msn.lookup_key());
        assert_eq!(
            Identifier::list_entry(Authority::US_OFAC, " 44541 ").lookup_key(),
            "list:US-OFAC:44541"
        );
    }

    #[test]
    fn imo_company_numbers_need_seven_digits_but_no_ship_check_digit() {
        // 5305560 is NS LEADER SHIPPING's company number; 9074728 fails the ship check.
        assert_eq!(
            ImoCompanyNumber::new("IMO 5305560").unwrap().get(),
            5_305_560
        );
        assert_eq!(ImoCompanyNumber::new("9074728").unwrap().get(), 9_074_728);
        for bad in ["907472", "90747290", "IMO", "IMO 12345a7", "", "١٢٣٤٥٦٧"] {
            assert!(ImoCompanyNumber::new(bad).is_err(), "{bad:?}");
        }
        let ship = Identifier::Imo(ImoNumber::new("9074729").unwrap());
        let company = Identifier::ImoCompany(ImoCompanyNumber::new("9074729").unwrap());
        assert_ne!(ship.lookup_key(), company.lookup_key());
    }

    #[test]
    fn document_keys_compare_kind_and_number_only() {
        let tax = |n: &str| Identifier::Document(Document::new(DocumentKind::TaxId, n));
        let passport = Identifier::Document(
            Document::new(DocumentKind::Passport, "7701234567")
                .with_scheme("Passport")
                .with_country(Country::new("RU").unwrap()),
        );
        assert_eq!(tax("7701234567").lookup_key(), "doc:tax_id:7701234567");
        assert_eq!(
            tax("77-0123 4567").lookup_key(),
            tax("7701234567").lookup_key()
        );
        assert_ne!(tax("7701234567").lookup_key(), passport.lookup_key());
        let json = serde_json::to_string(&passport).unwrap();
        assert_eq!(
            json,
            r#"{"document":{"kind":"passport","number":"7701234567","scheme":"Passport","country":"RU"}}"#
        );
        assert_eq!(serde_json::from_str::<Identifier>(&json).unwrap(), passport);
        for kind in DocumentKind::ALL {
            let text = serde_json::to_string(&kind).unwrap();
            assert_eq!(text, format!("\"{kind}\""));
        }
    }

    #[test]
    fn digital_currency_addresses_keep_their_case() {
        let address = |currency: &str, a: &str| Identifier::DigitalCurrencyAddress {
            currency: currency.into(),
            address: a.into(),
        };
        let eth = address("ETH", "0x7F367cC41522cE07553e823bf3be79A889DEbe1B");
        let usdt = address("USDT", " 0x7F367cC41522cE07553e823bf3be79A889DEbe1B ");
        assert_eq!(eth.lookup_key(), usdt.lookup_key());
        let lower = address("ETH", "0x7f367cc41522ce07553e823bf3be79a889debe1b");
        assert_ne!(eth.lookup_key(), lower.lookup_key());
    }

    #[test]
    fn country_codes_are_two_letters() {
        assert_eq!(Country::new("by").unwrap().to_string(), "BY");
        for bad in ["", "B", "BLR", "B1", "ü1"] {
            assert!(Country::new(bad).is_err(), "{bad:?}");
        }
    }
}
