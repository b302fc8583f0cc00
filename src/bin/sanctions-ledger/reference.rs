//! What users type for entities, dates and instants, and the view they ask about.

use std::fmt;
use std::str::FromStr;

use sanctions_ledger::chrono::{DateTime, NaiveDate, Utc};
use sanctions_ledger::{
    Authority, EntityId, Identifier, ImoCompanyNumber, ImoNumber, Ledger, View,
};

use crate::failure::Failure;

/// An entity as the user names it: `AUTHORITY:LIST-ID` (`US-OFAC:44541`, `UN:IRe.006`),
/// `IMO:1234567` (a ship's or a company's IMO number), or an entity id.
#[derive(Debug, Clone)]
pub(crate) enum Reference {
    /// An identifier to look up.
    Identifier(Identifier),
    /// An entity id.
    Entity(EntityId),
}

impl FromStr for Reference {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        if let Ok(id) = text.parse::<EntityId>() {
            return Ok(Reference::Entity(id));
        }
        let Some((scheme, value)) = text.split_once(':') else {
            return Err(format!(
                "{text:?} is not AUTHORITY:LIST-ID (e.g. US-OFAC:44541), IMO:1234567 or an entity id"
            ));
        };
        let value = value.trim();
        if value.is_empty() {
            return Err(format!("{text:?} has nothing after the colon"));
        }
        if scheme.eq_ignore_ascii_case("IMO") {
            // A ship's number, else a company's (their check digits differ).
            return match ImoNumber::new(value) {
                Ok(imo) => Ok(Reference::Identifier(Identifier::Imo(imo))),
                Err(ship) => ImoCompanyNumber::new(value)
                    .map(|company| Reference::Identifier(Identifier::ImoCompany(company)))
                    .map_err(|_| ship.to_string()),
            };
        }
        let authority = Authority::new(&scheme.to_ascii_uppercase()).map_err(|e| e.to_string())?;
        Ok(Reference::Identifier(Identifier::list_entry(
            authority, value,
        )))
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reference::Entity(id) => write!(f, "entity {id}"),
            Reference::Identifier(Identifier::Imo(imo)) => write!(f, "IMO:{imo}"),
            Reference::Identifier(Identifier::ImoCompany(company)) => {
                write!(f, "IMO:{:07}", company.get())
            }
            Reference::Identifier(Identifier::ListEntry { authority, id }) => {
                write!(f, "{authority}:{id}")
            }
            Reference::Identifier(other) => write!(f, "{}", other.lookup_key()),
        }
    }
}

impl Reference {
    /// The entities the view knows under this reference, sorted; an error when there are none,
    /// because an entity the ledger has never seen has no status (it is not "not listed").
    pub(crate) fn resolve(&self, view: View<'_>, path: &str) -> Result<Vec<EntityId>, Failure> {
        let found = match self {
            // `IMO:` names a ship's IMO number or a company's (owner, manager): the two number
            // series are distinct, and users type both the same way.
            Reference::Identifier(Identifier::Imo(_) | Identifier::ImoCompany(_)) => {
                let digits = self.to_string();
                let digits = digits.trim_start_matches("IMO:");
                let mut found = Vec::new();
                if let Ok(ship) = ImoNumber::new(digits) {
                    found.extend(view.find_by_identifier(&Identifier::Imo(ship)));
                }
                if let Ok(company) = ImoCompanyNumber::new(digits) {
                    found.extend(view.find_by_identifier(&Identifier::ImoCompany(company)));
                }
                found.sort();
                found.dedup();
                found
            }
            Reference::Identifier(identifier) => view.find_by_identifier(identifier),
            Reference::Entity(id) => view.entity(*id).map(|_| *id).into_iter().collect(),
        };
        if found.is_empty() {
            let when = view
                .known_at()
                .map_or(String::new(), |t| format!(" as known at {}", instant(t)));
            return Err(Failure::Other(format!(
                "not known: no entity in {path}{when} matches {self}; an entity the ledger has never seen has no status"
            )));
        }
        Ok(found)
    }
}

/// A calendar date, `YYYY-MM-DD`.
pub(crate) fn date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| format!("{text:?} is not a date YYYY-MM-DD: {e}"))
}

/// An instant in RFC 3339 (`2026-01-01T09:00:00Z`), in UTC.
pub(crate) fn instant_arg(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            format!("{text:?} is not an RFC 3339 instant such as 2026-01-01T09:00:00Z: {e}")
        })
}

/// `--known-at`: an instant, or a date meaning the end of that day in UTC.
#[derive(Debug, Clone, Copy)]
pub(crate) enum KnownAt {
    /// As known at this instant.
    Instant(DateTime<Utc>),
    /// As known at the end of this day, UTC.
    Day(NaiveDate),
}

impl FromStr for KnownAt {
    type Err = String;

    /// Refuses an instant still to come (by this machine's clock), or a day not yet over
    /// (UTC): an answer "as known at" it could change when a change is recorded before it, so
    /// it could not be given "forever", as an audit needs. Without `--known-at` a command
    /// answers for the ledger as known now.
    fn from_str(text: &str) -> Result<Self, String> {
        let now = DateTime::<Utc>::from(std::time::SystemTime::now());
        if text.len() == 10 {
            let day = date(text)?;
            if day >= now.date_naive() {
                return Err(format!(
                    "the end of {day} (UTC) is still to come: an answer as known then could still change; leave out --known-at for the ledger as known now"
                ));
            }
            return Ok(KnownAt::Day(day));
        }
        let instant = instant_arg(text).map_err(|_| {
            format!("{text:?} is neither a date YYYY-MM-DD nor an RFC 3339 instant such as 2026-01-01T09:00:00Z")
        })?;
        if instant > now {
            return Err(format!(
                "{} is still to come: an answer as known then could still change; leave out --known-at for the ledger as known now",
                self::instant(instant)
            ));
        }
        Ok(KnownAt::Instant(instant))
    }
}

/// The view a command asks about: the ledger as known now, or as known at `--known-at`.
pub(crate) fn view(ledger: &Ledger, known_at: Option<KnownAt>) -> View<'_> {
    match known_at {
        None => ledger.current(),
        Some(KnownAt::Instant(t)) => ledger.known_at(t),
        Some(KnownAt::Day(day)) => ledger.known_on(day),
    }
}

/// An instant as the tool prints it: RFC 3339, UTC, `Z`, seconds or finer only when needed.
pub(crate) fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(sanctions_ledger::chrono::SecondsFormat::AutoSi, true)
}
