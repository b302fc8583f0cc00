//! Relations: dated facts between two entities (ownership with a share, control, acting for,
//! linked to), and the [`Share`] of an ownership.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::id::EntityId;

/// A fact between two entities: a subject owns, controls, acts for or is linked to an object.
///
/// A relation is changed like a designation: a [`Relate`](crate::ChangeKind::Relate) change
/// begins it, [`AmendRelation`](crate::ChangeKind::AmendRelation) replaces its
/// [`RelationTerms`] (an ownership's share) from a date on, and
/// [`EndRelation`](crate::ChangeKind::EndRelation) ends it. It is in force over the half-open
/// interval `[effective of its Relate change, effective of its EndRelation change)`. The kind
/// and the two entities are fixed for the life of the relation.
///
/// Relations carry [derived status](crate::View::derived_status): an entity that is not
/// listed itself can be blocked because blocked persons own or control it. Only a direct
/// [`RelationKind::Ownership`] with a known share and a [`RelationKind::Control`] count for
/// that; the other kinds are recorded for the reader.
///
/// # Example
///
/// ```
/// use sanctions_ledger::{EntityId, Relation, RelationKind, Share};
///
/// let stake = Relation::ownership(
///     EntityId::derive("belavia"),
///     EntityId::derive("invented-subsidiary"),
///     "60%".parse::<Share>()?,
/// );
/// assert_eq!(stake.kind, RelationKind::Ownership);
/// assert_eq!(stake.subject(), EntityId::derive("belavia"));
/// assert_eq!(stake.terms.share, Some(Share::percent(60)?));
/// # Ok::<(), sanctions_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "RelationForm", into = "RelationForm")]
#[non_exhaustive]
pub struct Relation {
    /// What the relation is.
    pub kind: RelationKind,
    /// `[subject, object]`, kept side by side so that
    /// [`ChangeKind::entities`](crate::ChangeKind::entities) can lend both as one slice.
    parties: [EntityId; 2],
    /// The amendable part: the share of an ownership, whether it is indirect, a description.
    pub terms: RelationTerms,
}

/// The serialised form of a [`Relation`]: `{"kind": …, "subject": …, "object": …, "terms": …}`.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RelationForm {
    kind: RelationKind,
    subject: EntityId,
    object: EntityId,
    #[serde(default, skip_serializing_if = "RelationTerms::is_empty")]
    terms: RelationTerms,
}

impl From<RelationForm> for Relation {
    fn from(form: RelationForm) -> Self {
        Relation::new(form.kind, form.subject, form.object).with_terms(form.terms)
    }
}

impl From<Relation> for RelationForm {
    fn from(relation: Relation) -> Self {
        let [subject, object] = relation.parties;
        RelationForm {
            kind: relation.kind,
            subject,
            object,
            terms: relation.terms,
        }
    }
}

impl Relation {
    /// A relation of `kind` from `subject` to `object`, with empty terms.
    #[must_use]
    pub fn new(kind: RelationKind, subject: EntityId, object: EntityId) -> Self {
        Relation {
            kind,
            parties: [subject, object],
            terms: RelationTerms::default(),
        }
    }

    /// `owner` directly owns `share` of `asset`.
    #[must_use]
    pub fn ownership(owner: EntityId, asset: EntityId, share: Share) -> Self {
        Relation::new(RelationKind::Ownership, owner, asset).with_terms(RelationTerms {
            share: Some(share),
            ..RelationTerms::default()
        })
    }

    /// `controller` controls `entity` (other than through a majority of its shares: the right
    /// to appoint most of its board, a dominant influence, …).
    #[must_use]
    pub fn control(controller: EntityId, entity: EntityId) -> Self {
        Relation::new(RelationKind::Control, controller, entity)
    }

    /// Replaces the terms.
    #[must_use]
    pub fn with_terms(mut self, terms: RelationTerms) -> Self {
        self.terms = terms;
        self
    }

    /// The owner, controller, the one acting for another, or the one linked.
    #[must_use]
    pub fn subject(&self) -> EntityId {
        self.parties[0]
    }

    /// The owned, the controlled, the principal, or the one linked to.
    #[must_use]
    pub fn object(&self) -> EntityId {
        self.parties[1]
    }

    /// `[subject, object]`.
    #[must_use]
    pub fn parties(&self) -> &[EntityId; 2] {
        &self.parties
    }
}

/// What a [`Relation`] is, in the words of the sources.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RelationKind {
    /// `subject` owns part of `object`: shares, proprietary rights or other equity. The share,
    /// when the source gives one, is in the terms.
    Ownership,
    /// `subject` controls `object` other than by owning it: appoints most of its board, holds
    /// most of its voting rights, or can otherwise see that its affairs are run as it wishes
    /// (the EU and UK "control" test).
    Control,
    /// A source says `object` is "owned or controlled by" `subject` without saying which or
    /// how much (OFAC's ENHANCED XML relationship of that name). Recorded, never derived from.
    OwnedOrControlled,
    /// `subject` acts for or on behalf of `object`.
    ActingFor,
    /// A link the source does not qualify (OFAC's "Linked To:" remarks).
    LinkedTo,
    /// Any other relation, in the source's words.
    Other(String),
}

/// The amendable part of a [`Relation`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RelationTerms {
    /// The share an ownership gives, when the source says. Only an
    /// [`Ownership`](RelationKind::Ownership) may carry one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<Share>,
    /// Whether the source states an indirect holding (through entities it does not name). An
    /// indirect holding is recorded, never derived from: the ledger derives indirect holdings
    /// from the direct ones, and counting a stated one too would count it twice.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub indirect: bool,
    /// Anything else the source says about it, in its words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl RelationTerms {
    /// Terms with a share.
    #[must_use]
    pub fn with_share(share: Share) -> Self {
        RelationTerms {
            share: Some(share),
            ..RelationTerms::default()
        }
    }

    /// Marks the holding as indirect (see [`RelationTerms::indirect`]).
    #[must_use]
    pub fn indirect(mut self) -> Self {
        self.indirect = true;
        self
    }

    /// Sets the description.
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    fn is_empty(&self) -> bool {
        *self == RelationTerms::default()
    }
}

/// A share of an entity, in hundredths of a percent: exact (`60%`) or a range when that is all
/// the source says (`25%-50%`). Always `low <= high <= 100%`: the constructors and the parser
/// refuse anything else, so a share in a change is valid by its type.
///
/// Derived status counts a range by its lower bound, the share known to be held. The text
/// form, used by `Display`, `FromStr` and serde, is a percentage with up to two decimals, or
/// two of them joined by `-`: `60%`, `33.33%`, `25%-50%` (`%` optional when parsing).
///
/// # Example
///
/// ```
/// use sanctions_ledger::Share;
///
/// let exact: Share = "60%".parse()?;
/// assert_eq!(exact.low(), 6_000);
/// assert!(exact.is_exact());
/// let band: Share = "25-50".parse()?;
/// assert_eq!((band.low(), band.high()), (2_500, 5_000));
/// assert_eq!(band.to_string(), "25%-50%");
/// assert!("101%".parse::<Share>().is_err());
/// assert!("50%-25%".parse::<Share>().is_err());
/// # Ok::<(), sanctions_ledger::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Share {
    low: u16,
    high: u16,
}

impl Share {
    /// The whole: 100%, in hundredths of a percent.
    pub const WHOLE: u16 = 10_000;

    /// An exact share of `percent`%.
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] above 100.
    pub fn percent(percent: u16) -> Result<Self, Error> {
        Share::hundredths(percent.saturating_mul(100), percent.saturating_mul(100))
            .map_err(|_| share_error(&format!("{percent}%"), "it is more than 100%"))
    }

    /// A share from `low` to `high` hundredths of a percent (equal for an exact share).
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] when `high` is above 10 000 (100%) or `low` above `high`.
    pub fn hundredths(low: u16, high: u16) -> Result<Self, Error> {
        let text = || format!("{low}..{high} hundredths of a percent");
        if high > Share::WHOLE {
            return Err(share_error(&text(), "it is more than 100%"));
        }
        if low > high {
            return Err(share_error(
                &text(),
                "its lower bound is above its upper bound",
            ));
        }
        Ok(Share { low, high })
    }

    /// The lower bound, in hundredths of a percent: what derived status counts.
    #[must_use]
    pub fn low(self) -> u16 {
        self.low
    }

    /// The upper bound, in hundredths of a percent.
    #[must_use]
    pub fn high(self) -> u16 {
        self.high
    }

    /// Whether the share is exact rather than a range.
    #[must_use]
    pub fn is_exact(self) -> bool {
        self.low == self.high
    }
}

fn share_error(input: &str, reason: &str) -> Error {
    Error::Parse {
        what: "Share",
        input: input.to_owned(),
        reason: reason.to_owned(),
    }
}

/// Writes hundredths of a percent as a percentage: `60%`, `12.5%`, `33.33%`.
fn write_percent(f: &mut fmt::Formatter<'_>, hundredths: u16) -> fmt::Result {
    let (whole, fraction) = (hundredths / 100, hundredths % 100);
    match fraction {
        0 => write!(f, "{whole}%"),
        f10 if f10 % 10 == 0 => write!(f, "{whole}.{}%", f10 / 10),
        _ => write!(f, "{whole}.{fraction:02}%"),
    }
}

impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_percent(f, self.low)?;
        if !self.is_exact() {
            f.write_str("-")?;
            write_percent(f, self.high)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Share({self})")
    }
}

/// Parses `60`, `60%`, `12.5%` or `33.33%` into hundredths of a percent.
fn parse_percent(whole_input: &str, text: &str) -> Result<u16, Error> {
    let number = text.trim().strip_suffix('%').unwrap_or(text.trim()).trim();
    let (whole, fraction) = number.split_once('.').unwrap_or((number, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) || fraction.len() > 2 {
        return Err(share_error(
            whole_input,
            "expected a percentage with at most two decimals, such as 60% or 33.33%",
        ));
    }
    let whole: u32 = whole
        .parse()
        .map_err(|_| share_error(whole_input, "it is more than 100%"))?;
    let fraction: u32 = format!("{fraction:0<2}").parse().unwrap_or(0);
    let hundredths = whole.saturating_mul(100).saturating_add(fraction);
    u16::try_from(hundredths)
        .ok()
        .filter(|&h| h <= Share::WHOLE)
        .ok_or_else(|| share_error(whole_input, "it is more than 100%"))
}

impl FromStr for Share {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let (low, high) = if let Some((low, high)) = s.split_once('-') {
            (parse_percent(s, low)?, parse_percent(s, high)?)
        } else {
            let exact = parse_percent(s, s)?;
            (exact, exact)
        };
        if low > high {
            return Err(share_error(s, "its lower bound is above its upper bound"));
        }
        Ok(Share { low, high })
    }
}

impl TryFrom<String> for Share {
    type Error = Error;

    fn try_from(s: String) -> Result<Self, Error> {
        s.parse()
    }
}

impl From<Share> for String {
    fn from(share: Share) -> String {
        share.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::Share;

    #[test]
    fn shares_round_trip_through_their_text() {
        for (text, low, high, canonical) in [
            ("60%", 6_000, 6_000, "60%"),
            ("60", 6_000, 6_000, "60%"),
            ("12.5%", 1_250, 1_250, "12.5%"),
            ("33.33%", 3_333, 3_333, "33.33%"),
            (" 0.01 % ", 1, 1, "0.01%"),
            ("100%", 10_000, 10_000, "100%"),
            ("0%", 0, 0, "0%"),
            ("25-50", 2_500, 5_000, "25%-50%"),
            ("25% - 50%", 2_500, 5_000, "25%-50%"),
        ] {
            let share: Share = text.parse().unwrap();
            assert_eq!((share.low(), share.high()), (low, high), "{text}");
            assert_eq!(share.to_string(), canonical);
            assert_eq!(canonical.parse::<Share>().unwrap(), share);
        }
    }

    #[test]
    fn bad_shares_are_refused_with_the_reason() {
        for (text, reason) in [
            ("100.01%", "more than 100%"),
            ("250", "more than 100%"),
            ("99999999999", "more than 100%"),
            ("50-25", "lower bound"),
            ("-5", "percentage"),
            ("1.234%", "percentage"),
            ("abc", "percentage"),
            ("", "percentage"),
            ("5.%", "percentage"),
        ] {
            let error = text.parse::<Share>().unwrap_err();
            assert!(error.to_string().contains(reason), "{text}: {error}");
        }
        assert!(Share::percent(101).is_err());
        assert!(Share::hundredths(10, 5).is_err());
        assert!(Share::hundredths(0, 10_001).is_err());
        assert_eq!(Share::hundredths(0, 10_000).unwrap().to_string(), "0%-100%");
    }
}
