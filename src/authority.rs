//! Who imposes a measure ([`Authority`]) and under which legal programme ([`Program`]).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A sanctioning authority, such as US OFAC or the EU.
///
/// Authorities are an open set: any code of 1 to 32 characters from `A-Z`, `0-9` and `-` is
/// valid, so a new authority needs no new release. The common ones have constants. The code is
/// the canonical text form (`US-OFAC`, `EU`, …) used by `Display`, `FromStr` and serde.
///
/// # Example
///
/// ```
/// use sanctions_ledger::Authority;
///
/// let ofac: Authority = "US-OFAC".parse()?;
/// assert_eq!(ofac, Authority::US_OFAC);
/// assert_eq!(Authority::EU.to_string(), "EU");
/// assert!("us ofac".parse::<Authority>().is_err());
/// # Ok::<(), sanctions_ledger::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Authority(Cow<'static, str>);

impl Authority {
    /// United States, Treasury Department, Office of Foreign Assets Control.
    pub const US_OFAC: Authority = Authority(Cow::Borrowed("US-OFAC"));
    /// United States, Commerce Department, Bureau of Industry and Security.
    pub const US_BIS: Authority = Authority(Cow::Borrowed("US-BIS"));
    /// European Union (Council of the EU).
    pub const EU: Authority = Authority(Cow::Borrowed("EU"));
    /// United Kingdom (FCDO / OFSI).
    pub const UK: Authority = Authority(Cow::Borrowed("UK"));
    /// United Nations Security Council.
    pub const UN: Authority = Authority(Cow::Borrowed("UN"));
    /// Canada.
    pub const CA: Authority = Authority(Cow::Borrowed("CA"));
    /// Switzerland (SECO).
    pub const CH: Authority = Authority(Cow::Borrowed("CH"));
    /// Ukraine (NSDC).
    pub const UA: Authority = Authority(Cow::Borrowed("UA"));
    /// Australia (DFAT).
    pub const AU: Authority = Authority(Cow::Borrowed("AU"));
    /// Japan.
    pub const JP: Authority = Authority(Cow::Borrowed("JP"));

    /// The well-known authorities that have constants, in a stable order.
    pub const WELL_KNOWN: [Authority; 10] = [
        Self::US_OFAC,
        Self::US_BIS,
        Self::EU,
        Self::UK,
        Self::UN,
        Self::CA,
        Self::CH,
        Self::UA,
        Self::AU,
        Self::JP,
    ];

    /// Makes an authority from its code.
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] when the code is empty, longer than 32 characters, or has a character
    /// outside `A-Z`, `0-9` and `-`.
    pub fn new(code: &str) -> Result<Self, Error> {
        if let Some(known) = Self::WELL_KNOWN.iter().find(|a| a.as_str() == code) {
            return Ok(known.clone());
        }
        validate_code("Authority", code, 32)?;
        Ok(Authority(Cow::Owned(code.to_owned())))
    }

    /// The authority's code, e.g. `US-OFAC`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks a code of 1 to `max` characters from `A-Z`, `0-9` and `-`.
fn validate_code(what: &'static str, code: &str, max: usize) -> Result<(), Error> {
    let reason = if code.is_empty() {
        Some("it is empty".to_owned())
    } else if code.len() > max {
        Some(format!("it is longer than {max} characters"))
    } else {
        code.chars()
            .find(|&c| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-'))
            .map(|c| format!("{c:?} is not one of A-Z, 0-9 and '-'"))
    };
    match reason {
        None => Ok(()),
        Some(reason) => Err(Error::Parse {
            what,
            input: code.to_owned(),
            reason,
        }),
    }
}

impl fmt::Display for Authority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Authority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Authority({})", self.0)
    }
}

impl FromStr for Authority {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Authority::new(s)
    }
}

impl TryFrom<String> for Authority {
    type Error = Error;

    fn try_from(s: String) -> Result<Self, Error> {
        Authority::new(&s)
    }
}

impl From<Authority> for String {
    fn from(a: Authority) -> String {
        a.0.into_owned()
    }
}

/// A sanctions programme or regime of one authority, such as OFAC's `BELARUS-EO14038`.
///
/// The code is kept as the authority writes it (trimmed, not empty). Two programs are equal
/// when both authority and code are equal.
///
/// # Example
///
/// ```
/// use sanctions_ledger::{Authority, Program};
///
/// let program = Program::new(Authority::US_OFAC, "BELARUS-EO14038")?;
/// assert_eq!(program.to_string(), "US-OFAC/BELARUS-EO14038");
/// # Ok::<(), sanctions_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "ProgramRepr")]
pub struct Program {
    authority: Authority,
    code: String,
}

/// The serialised shape of a [`Program`], validated on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProgramRepr {
    authority: Authority,
    code: String,
}

impl TryFrom<ProgramRepr> for Program {
    type Error = Error;

    fn try_from(repr: ProgramRepr) -> Result<Self, Error> {
        Program::new(repr.authority, &repr.code)
    }
}

impl Program {
    /// Makes a program of `authority` with the given code.
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] when the code is empty or blank, or longer than 128 bytes.
    pub fn new(authority: Authority, code: &str) -> Result<Self, Error> {
        let trimmed = code.trim();
        if trimmed.is_empty() || trimmed.len() > 128 {
            return Err(Error::Parse {
                what: "Program",
                input: code.to_owned(),
                reason: "a program code has 1 to 128 bytes besides surrounding spaces".to_owned(),
            });
        }
        Ok(Program {
            authority,
            code: trimmed.to_owned(),
        })
    }

    /// The authority whose programme this is.
    #[must_use]
    pub fn authority(&self) -> &Authority {
        &self.authority
    }

    /// The programme's code, e.g. `BELARUS-EO14038`.
    #[must_use]
    pub fn code(&self) -> &str {
        &self.code
    }
}

impl fmt::Display for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.authority, self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_codes_parse_to_their_constants() {
        for a in Authority::WELL_KNOWN {
            assert_eq!(a.as_str().parse::<Authority>().unwrap(), a);
        }
    }

    #[test]
    fn custom_authorities_are_accepted_and_bad_codes_refused() {
        assert_eq!(Authority::new("NZ").unwrap().as_str(), "NZ");
        for bad in ["", "eu", "US OFAC", "A".repeat(33).as_str()] {
            assert!(Authority::new(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn serde_uses_the_code_and_validates_it() {
        let json = serde_json::to_string(&Authority::US_OFAC).unwrap();
        assert_eq!(json, "\"US-OFAC\"");
        assert!(serde_json::from_str::<Authority>("\"bad code\"").is_err());
    }

    #[test]
    fn program_codes_are_trimmed_and_not_empty() {
        let p = Program::new(Authority::EU, "  BLR ").unwrap();
        assert_eq!(p.code(), "BLR");
        assert!(Program::new(Authority::EU, "  ").is_err());
        assert!(serde_json::from_str::<Program>(r#"{"authority":"EU","code":""}"#).is_err());
    }
}
