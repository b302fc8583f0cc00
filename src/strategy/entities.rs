//! Entities, identifiers and dates: the small pieces of a history.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use proptest::sample::select;

use crate::authority::Authority;
use crate::entity::{
    Country, Document, DocumentKind, Entity, EntityKind, Identifier, ImoCompanyNumber, ImoNumber,
};
use crate::id::EntityId;

/// Dates from `start` to `end` inclusive, shrinking towards `start`.
///
/// # Panics
///
/// If `end` is before `start`.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use proptest::prelude::*;
/// use sanctions_ledger::strategy::date_in;
///
/// let start = NaiveDate::from_ymd_opt(2025, 11, 1).unwrap();
/// let end = NaiveDate::from_ymd_opt(2025, 11, 30).unwrap();
/// proptest!(|(date in date_in(start, end))| {
///     prop_assert!(start <= date && date <= end);
/// });
/// ```
pub fn date_in(start: NaiveDate, end: NaiveDate) -> impl Strategy<Value = NaiveDate> {
    let days = u64::try_from((end - start).num_days()).expect("the window ends before it starts");
    (0..=days).prop_map(move |n| start + Days::new(n))
}

/// Entity ids, shrinking towards a few fixed ones.
pub fn entity_id() -> impl Strategy<Value = EntityId> {
    any::<u128>().prop_map(|n| EntityId::from_uuid(uuid::Uuid::from_u128(n)))
}

/// Names, some of which normalise to the same lookup key, and one that normalises to nothing.
const NAMES: [&str; 9] = [
    "Belavia Belarusian Airlines",
    "BELAVIA -- belarusian airlines",
    "Belavia",
    "Oceanic Star Shipping",
    "oceanic star, shipping",
    "Ivan Petrov",
    "Minsk Aero Services",
    "Лукашенко",
    "***",
];

const KINDS: [EntityKind; 5] = [
    EntityKind::Person,
    EntityKind::Organisation,
    EntityKind::Vessel,
    EntityKind::Aircraft,
    EntityKind::Other,
];

/// A small set of identifiers, some equal by lookup key (`EW-301PJ` and `ew 301pj`), so that
/// lookups meet several entities.
fn identifier_pool() -> Vec<Identifier> {
    let imo = |n: &str| ImoNumber::new(n).map(Identifier::Imo);
    let mut pool = vec![
        Identifier::list_entry(Authority::US_OFAC, "44541"),
        Identifier::list_entry(Authority::US_OFAC, " 44541 "),
        Identifier::list_entry(Authority::EU, "EU.123.45"),
        Identifier::AircraftRegistration("EW-301PJ".into()),
        Identifier::AircraftRegistration("ew 301pj".into()),
        Identifier::AircraftSerial("EW301PJ".into()),
        Identifier::Other {
            scheme: "LEI".into(),
            value: "2534 00-ABC".into(),
        },
    ];
    pool.extend(imo("9074729"));
    pool.extend(imo("IMO 9074729"));
    // The same seven digits as a company number: never the same identifier as the ship.
    pool.extend(ImoCompanyNumber::new("9074729").map(Identifier::ImoCompany));
    let document = |kind, number: &str| Identifier::Document(Document::new(kind, number));
    pool.push(document(DocumentKind::Passport, "MP1234567"));
    pool.push(Identifier::Document(
        Document::new(DocumentKind::Passport, "mp 123-4567")
            .with_scheme("Passport")
            .with_country(Country::new("BY").unwrap_or_else(|_| unreachable!())),
    ));
    pool.push(document(DocumentKind::TaxId, "MP1234567"));
    let address = |a: &str| Identifier::DigitalCurrencyAddress {
        currency: "ETH".into(),
        address: a.into(),
    };
    pool.push(address("0x7F367cC41522cE07553e823bf3be79A889DEbe1B"));
    pool.push(address("0x7f367cc41522ce07553e823bf3be79a889debe1b"));
    pool
}

/// A valid IMO number built from six digits and its check digit.
fn imo_from(six: u32) -> Option<ImoNumber> {
    let digits = format!("{:06}", six % 1_000_000);
    let sum: u32 = digits
        .bytes()
        .zip((2..=7).rev())
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    ImoNumber::new(&format!("{digits}{}", sum % 10)).ok()
}

/// Typed identifiers: list entries, IMO ship and company numbers, aircraft registrations and
/// serials, documents, digital currency addresses, others. Half come from a small pool in which
/// several are equal by [`Identifier::lookup_key`](crate::Identifier::lookup_key), and some
/// differ only by variant (a ship's and a company's IMO number, a passport and a tax id with
/// the same digits).
pub fn identifier() -> impl Strategy<Value = Identifier> {
    prop_oneof![
        select(identifier_pool()),
        (select(&SHAPES[..]), 0u32..1_000_000).prop_map(|(shape, n)| identifier_from(shape, n)),
    ]
}

/// The kinds of identifier [`identifier_from`] makes.
#[derive(Debug, Clone, Copy)]
enum Shape {
    ListEntry,
    Imo,
    ImoCompany,
    AircraftRegistration,
    AircraftSerial,
    Document,
    DigitalCurrencyAddress,
    Other,
}

const SHAPES: [Shape; 8] = [
    Shape::ListEntry,
    Shape::Imo,
    Shape::ImoCompany,
    Shape::AircraftRegistration,
    Shape::AircraftSerial,
    Shape::Document,
    Shape::DigitalCurrencyAddress,
    Shape::Other,
];

fn identifier_from(shape: Shape, n: u32) -> Identifier {
    match shape {
        Shape::ListEntry => Identifier::list_entry(Authority::UK, format!("GBR{n:04}")),
        Shape::Imo => imo_from(n).map_or_else(
            || Identifier::AircraftSerial(n.to_string()),
            Identifier::Imo,
        ),
        Shape::ImoCompany => ImoCompanyNumber::new(&format!("{:07}", n % 10_000_000)).map_or_else(
            |_| Identifier::AircraftSerial(n.to_string()),
            Identifier::ImoCompany,
        ),
        Shape::AircraftRegistration => Identifier::AircraftRegistration(format!("EW-{n}")),
        Shape::AircraftSerial => Identifier::AircraftSerial(n.to_string()),
        Shape::Document => {
            let kind = DocumentKind::ALL[n as usize % DocumentKind::ALL.len()];
            Identifier::Document(Document::new(kind, format!("MP{n}")))
        }
        Shape::DigitalCurrencyAddress => Identifier::DigitalCurrencyAddress {
            currency: "XBT".into(),
            address: format!("1Ab{n:x}"),
        },
        Shape::Other => Identifier::Other {
            scheme: "passport-BY".into(),
            value: format!("MP{n}"),
        },
    }
}

/// Entity records with names and aliases (some sharing a lookup key), identifiers, countries,
/// addresses and details.
pub fn entity() -> impl Strategy<Value = Entity> {
    any::<u64>().prop_map(entity_from)
}

/// Entity ids paired with records.
pub fn entity_with_id() -> impl Strategy<Value = (EntityId, Entity)> {
    (entity_id(), entity())
}

/// Picks `bits`' low bits as an index into `len` items and shifts them out.
pub(super) fn take(bits: &mut u64, len: usize) -> usize {
    let len64 = u64::try_from(len.max(1)).unwrap_or(u64::MAX);
    let index = *bits % len64;
    *bits /= len64;
    usize::try_from(index).unwrap_or(0)
}

/// A deterministic entity record from random bits (0 gives the simplest one).
pub(super) fn entity_from(mut bits: u64) -> Entity {
    let kind = KINDS[take(&mut bits, KINDS.len())];
    let name = NAMES[take(&mut bits, NAMES.len() - 1)];
    let mut entity = Entity::new(kind, name);
    for _ in 0..take(&mut bits, 3) {
        entity = entity.with_alias(NAMES[take(&mut bits, NAMES.len())]);
    }
    let pool = identifier_pool();
    for _ in 0..take(&mut bits, 3) {
        let pick = take(&mut bits, pool.len() + 1);
        let identifier = pool.get(pick).cloned().unwrap_or_else(|| {
            let n = u32::try_from(take(&mut bits, 1000)).unwrap_or(0);
            identifier_from(SHAPES[n as usize % SHAPES.len()], n)
        });
        entity = entity.with_identifier(identifier);
    }
    for code in ["BY", "RU", "US"] {
        if take(&mut bits, 3) == 0 {
            entity = entity.with_country(Country::new(code).unwrap_or_else(|_| unreachable!()));
        }
    }
    if take(&mut bits, 4) == 0 {
        entity = entity.with_address("Minsk, Belarus");
    }
    if take(&mut bits, 4) == 0 {
        entity = entity.with_detail("vessel_type", "tanker");
    }
    entity
}
