//! Which list of an authority a designation is on ([`List`]), and the scope of a status
//! question: one authority, or one of its lists ([`Scope`]).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::authority::Authority;
use crate::error::Error;

/// One list that an authority publishes, such as OFAC's SDN list or its Sectoral Sanctions
/// Identifications (SSI) list.
///
/// List and program are separate: an authority publishes several lists, one entity can be on
/// more than one at once, and it can move from one to another (Gazprombank: OFAC's NS-MBS list,
/// then the SDN list from 2024-11-21). A [`Designation`](crate::Designation) belongs to at most
/// one list, fixed for its life; a move ends one designation and starts another on the same
/// date. What a listing imposes follows the list and the program: an SSI or CMIC entry is
/// restricted, not blocked.
///
/// A list is its authority and a code of 1 to 32 bytes from `A-Z`, `0-9`, `-`, `.` and `_`
/// (surrounding spaces trimmed). Its text form is `authority/code`, e.g. `US-OFAC/SDN`; serde
/// writes `{"authority": "US-OFAC", "code": "SDN"}` and validates both on the way in. Two lists
/// are equal when both authority and code are.
///
/// # Example
///
/// ```
/// use sanctions_ledger::{Authority, List};
///
/// let ssi = List::new(Authority::US_OFAC, "SSI")?;
/// assert_eq!(ssi, List::US_OFAC_SSI);
/// assert_eq!(ssi.authority(), &Authority::US_OFAC);
/// assert_eq!(ssi.to_string(), "US-OFAC/SSI");
/// assert_eq!("EU/CONSOLIDATED".parse::<List>()?, List::EU_CONSOLIDATED);
/// assert!(List::new(Authority::US_OFAC, "sdn list").is_err());
/// # Ok::<(), sanctions_ledger::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "ListRepr")]
pub struct List {
    authority: Authority,
    code: Cow<'static, str>,
}

/// The serialised shape of a [`List`], validated on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListRepr {
    authority: Authority,
    code: String,
}

impl TryFrom<ListRepr> for List {
    type Error = Error;

    fn try_from(repr: ListRepr) -> Result<Self, Error> {
        List::new(repr.authority, &repr.code)
    }
}

/// A well-known list, as a constant.
const fn known(authority: Authority, code: &'static str) -> List {
    List {
        authority,
        code: Cow::Borrowed(code),
    }
}

impl List {
    /// OFAC's Specially Designated Nationals and Blocked Persons list (the SDN list).
    pub const US_OFAC_SDN: List = known(Authority::US_OFAC, "SDN");
    /// OFAC's Sectoral Sanctions Identifications list (non-SDN; E.O. 13662 directives).
    pub const US_OFAC_SSI: List = known(Authority::US_OFAC, "SSI");
    /// OFAC's Non-SDN Menu-Based Sanctions list.
    pub const US_OFAC_NS_MBS: List = known(Authority::US_OFAC, "NS-MBS");
    /// OFAC's Non-SDN Chinese Military-Industrial Complex Companies list.
    pub const US_OFAC_NS_CMIC: List = known(Authority::US_OFAC, "NS-CMIC");
    /// OFAC's Non-SDN Palestinian Legislative Council list.
    pub const US_OFAC_NS_PLC: List = known(Authority::US_OFAC, "NS-PLC");
    /// OFAC's List of Foreign Financial Institutions Subject to Correspondent Account or
    /// Payable-Through Account Sanctions (CAPTA).
    pub const US_OFAC_CAPTA: List = known(Authority::US_OFAC, "CAPTA");
    /// OFAC's Foreign Sanctions Evaders list (FSE).
    pub const US_OFAC_FSE: List = known(Authority::US_OFAC, "FSE");
    /// The EU's consolidated list of persons, groups and entities subject to financial
    /// sanctions (the Financial Sanctions Files).
    pub const EU_CONSOLIDATED: List = known(Authority::EU, "CONSOLIDATED");
    /// The FCDO's UK Sanctions List, the only official UK list since 2026-01-28.
    pub const UK_SANCTIONS_LIST: List = known(Authority::UK, "UKSL");
    /// The UN Security Council Consolidated List.
    pub const UN_CONSOLIDATED: List = known(Authority::UN, "CONSOLIDATED");

    /// The well-known lists that have constants, in a stable order.
    pub const WELL_KNOWN: [List; 10] = [
        Self::US_OFAC_SDN,
        Self::US_OFAC_SSI,
        Self::US_OFAC_NS_MBS,
        Self::US_OFAC_NS_CMIC,
        Self::US_OFAC_NS_PLC,
        Self::US_OFAC_CAPTA,
        Self::US_OFAC_FSE,
        Self::EU_CONSOLIDATED,
        Self::UK_SANCTIONS_LIST,
        Self::UN_CONSOLIDATED,
    ];

    /// Makes the list of `authority` with the given code.
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] when the code, once trimmed, is empty, longer than 32 bytes, or has a
    /// character outside `A-Z`, `0-9`, `-`, `.` and `_`.
    pub fn new(authority: Authority, code: &str) -> Result<Self, Error> {
        let trimmed = code.trim();
        if let Some(known) = Self::WELL_KNOWN
            .iter()
            .find(|l| l.authority == authority && l.code == trimmed)
        {
            return Ok(known.clone());
        }
        let reason = if trimmed.is_empty() {
            Some("it is empty".to_owned())
        } else if trimmed.len() > 32 {
            Some("it is longer than 32 bytes".to_owned())
        } else {
            trimmed
                .chars()
                .find(|&c| {
                    !(c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, '-' | '.' | '_'))
                })
                .map(|c| format!("{c:?} is not one of A-Z, 0-9, '-', '.' and '_'"))
        };
        match reason {
            Some(reason) => Err(Error::Parse {
                what: "List",
                input: code.to_owned(),
                reason,
            }),
            None => Ok(List {
                authority,
                code: Cow::Owned(trimmed.to_owned()),
            }),
        }
    }

    /// The authority that publishes the list.
    #[must_use]
    pub fn authority(&self) -> &Authority {
        &self.authority
    }

    /// The list's code, e.g. `SDN`.
    #[must_use]
    pub fn code(&self) -> &str {
        &self.code
    }
}

impl fmt::Display for List {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.authority, self.code)
    }
}

impl fmt::Debug for List {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "List({self})")
    }
}

impl FromStr for List {
    type Err = Error;

    /// Parses the text form `authority/code`, e.g. `US-OFAC/SDN`.
    fn from_str(s: &str) -> Result<Self, Error> {
        let Some((authority, code)) = s.split_once('/') else {
            return Err(Error::Parse {
                what: "List",
                input: s.to_owned(),
                reason: "expected authority/code, e.g. US-OFAC/SDN".to_owned(),
            });
        };
        List::new(authority.parse()?, code)
    }
}

/// What a status question is about: everything one authority lists, or one of its lists.
///
/// The queries that answer per authority ([`View::status`](crate::View::status),
/// [`View::is_listed`](crate::View::is_listed),
/// [`View::designations_in_force_in`](crate::View::designations_in_force_in),
/// [`State::status`](crate::State::status)) take `impl Into<Scope>`, so that `&Authority` and
/// `&List` both work:
///
/// - `Scope::Authority(a)`: the designations by `a`, on any of its lists or on none.
/// - `Scope::List(l)`: the designations on `l` only. Licences are the list's authority's: a
///   licence of that authority covering the entity relieves its listing on any of its lists.
///
/// # Example
///
/// ```
/// use sanctions_ledger::{Authority, List, Scope};
///
/// let (ofac, sdn) = (Authority::US_OFAC, List::US_OFAC_SDN);
/// let by_authority = Scope::from(&ofac);
/// let by_list = Scope::from(&sdn);
/// assert_eq!(by_authority.authority(), by_list.authority());
/// assert_eq!(by_list.list(), Some(&sdn));
/// assert_eq!(by_authority.list(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scope<'a> {
    /// Every designation by one authority, whatever its list.
    Authority(&'a Authority),
    /// The designations on one list.
    List(&'a List),
}

impl<'a> Scope<'a> {
    /// The authority the scope belongs to (a list's own authority).
    #[must_use]
    pub fn authority(self) -> &'a Authority {
        match self {
            Scope::Authority(authority) => authority,
            Scope::List(list) => &list.authority,
        }
    }

    /// The list, for a list scope.
    #[must_use]
    pub fn list(self) -> Option<&'a List> {
        match self {
            Scope::Authority(_) => None,
            Scope::List(list) => Some(list),
        }
    }

    /// Whether a designation by `authority` on `list` is in this scope.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::{Authority, List, Scope};
    ///
    /// let sdn = Scope::List(&List::US_OFAC_SDN);
    /// assert!(sdn.contains(&Authority::US_OFAC, Some(&List::US_OFAC_SDN)));
    /// assert!(!sdn.contains(&Authority::US_OFAC, Some(&List::US_OFAC_SSI)));
    /// assert!(!sdn.contains(&Authority::US_OFAC, None));
    /// assert!(Scope::Authority(&Authority::US_OFAC).contains(&Authority::US_OFAC, None));
    /// ```
    #[must_use]
    pub fn contains(self, authority: &Authority, list: Option<&List>) -> bool {
        match self {
            Scope::Authority(a) => a == authority,
            Scope::List(l) => list == Some(l),
        }
    }
}

impl<'a> From<&'a Authority> for Scope<'a> {
    fn from(authority: &'a Authority) -> Self {
        Scope::Authority(authority)
    }
}

impl<'a> From<&'a List> for Scope<'a> {
    fn from(list: &'a List) -> Self {
        Scope::List(list)
    }
}

impl fmt::Display for Scope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Authority(authority) => authority.fmt(f),
            Scope::List(list) => list.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_lists_parse_to_their_constants() {
        for list in List::WELL_KNOWN {
            assert_eq!(list.to_string().parse::<List>().unwrap(), list);
            assert_eq!(
                List::new(list.authority().clone(), list.code()).unwrap(),
                list
            );
        }
    }

    #[test]
    fn codes_are_trimmed_and_bad_codes_refused() {
        let list = List::new(Authority::UK, " UKSL ").unwrap();
        assert_eq!(list, List::UK_SANCTIONS_LIST);
        let custom = List::new(Authority::CA, "SEMA_2.0").unwrap();
        assert_eq!(custom.code(), "SEMA_2.0");
        for bad in ["", "  ", "sdn", "SDN LIST", "A/B", &"A".repeat(33)] {
            let error = List::new(Authority::US_OFAC, bad).unwrap_err();
            assert!(
                matches!(error, Error::Parse { what: "List", .. }),
                "{bad:?}: {error}"
            );
        }
        for bad in ["SDN", "US-OFAC", "us-ofac/SDN", "US-OFAC/", "/SDN"] {
            assert!(bad.parse::<List>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn serde_writes_authority_and_code_and_validates_them() {
        let json = serde_json::to_string(&List::US_OFAC_NS_MBS).unwrap();
        assert_eq!(json, r#"{"authority":"US-OFAC","code":"NS-MBS"}"#);
        let back: List = serde_json::from_str(&json).unwrap();
        assert_eq!(back, List::US_OFAC_NS_MBS);
        for bad in [
            r#"{"authority":"US-OFAC","code":""}"#,
            r#"{"authority":"US-OFAC","code":"sdn"}"#,
            r#"{"authority":"us","code":"SDN"}"#,
            r#"{"authority":"US-OFAC","code":"SDN","extra":1}"#,
            r#""US-OFAC/SDN""#,
        ] {
            assert!(serde_json::from_str::<List>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_scope_contains_its_authority_or_its_list() {
        let (authority, list) = (Authority::US_OFAC, List::US_OFAC_SDN);
        let ofac = Scope::from(&authority);
        let sdn = Scope::from(&list);
        assert!(ofac.contains(&Authority::US_OFAC, Some(&List::US_OFAC_SSI)));
        assert!(!ofac.contains(&Authority::EU, None));
        assert!(sdn.contains(&Authority::US_OFAC, Some(&List::US_OFAC_SDN)));
        assert!(!sdn.contains(&Authority::US_OFAC, Some(&List::US_OFAC_SSI)));
        assert_eq!(sdn.authority(), &Authority::US_OFAC);
        assert_eq!(sdn.to_string(), "US-OFAC/SDN");
        assert_eq!(ofac.to_string(), "US-OFAC");
    }
}
