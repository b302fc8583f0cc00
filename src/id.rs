//! Identifiers of the things the ledger tracks: entities, designations, licences, relations,
//! class measures and changes.
//!
//! Every id is a UUID behind its own type, so that a designation id can never be passed where an
//! entity id is expected. The canonical text form is the hyphenated lowercase UUID; `Display`,
//! `FromStr` and serde all use it.
//!
//! Ids can be made from a UUID you already have ([`EntityId::from_uuid`]) or derived
//! deterministically from a name ([`EntityId::derive`]), which is what importers use so that
//! importing the same file twice yields the same ids.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::Error;

/// The namespace under which [`EntityId::derive`] and its siblings hash names (UUID v5).
///
/// Fixed forever: changing it would change every derived id.
const NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2b0e_8a41_4d7e_9c55_3e0b_71d2_a9c4);

macro_rules! uuid_id {
    ($(#[$meta:meta])* $name:ident, $prefix:literal) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps an existing UUID.
            #[must_use]
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// Derives a stable id from a name (UUID v5 in this crate's namespace).
            ///
            /// The same name always gives the same id, and ids of different kinds derived from
            /// the same name differ.
            ///
            /// # Example
            ///
            /// ```
            #[doc = concat!("use sanctions_ledger::", stringify!($name), ";")]
            ///
            #[doc = concat!("let a = ", stringify!($name), "::derive(\"belavia\");")]
            #[doc = concat!("assert_eq!(a, ", stringify!($name), "::derive(\"belavia\"));")]
            #[doc = concat!("assert_ne!(a, ", stringify!($name), "::derive(\"EW-301PJ\"));")]
            /// ```
            #[must_use]
            pub fn derive(name: &str) -> Self {
                let mut key = String::with_capacity($prefix.len() + 1 + name.len());
                key.push_str($prefix);
                key.push(':');
                key.push_str(name);
                Self(Uuid::new_v5(&NAMESPACE, key.as_bytes()))
            }

            /// The underlying UUID.
            #[must_use]
            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0.hyphenated())
            }
        }

        impl FromStr for $name {
            type Err = Error;

            fn from_str(s: &str) -> Result<Self, Error> {
                Uuid::parse_str(s).map(Self).map_err(|e| Error::Parse {
                    what: stringify!($name),
                    input: s.to_owned(),
                    reason: e.to_string(),
                })
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }
    };
}

uuid_id!(
    /// Identifies an [`Entity`](crate::Entity) in the ledger: a person, organisation, vessel,
    /// aircraft or other subject.
    EntityId,
    "entity"
);
uuid_id!(
    /// Identifies a [`Designation`](crate::Designation): one listing of one entity by one
    /// authority. A re-listing after a delisting is a new designation with a new id.
    DesignationId,
    "designation"
);
uuid_id!(
    /// Identifies a [`Licence`](crate::Licence): a general or specific licence.
    LicenceId,
    "licence"
);
uuid_id!(
    /// Identifies a [`Link`](crate::Link): one dated statement that two entities are one
    /// subject. Ending it (an unlink) names this id.
    LinkId,
    "link"
);
uuid_id!(
    /// Identifies a [`Relation`](crate::Relation): one dated fact between two entities
    /// (ownership with a share, control, acting for, linked to).
    RelationId,
    "relation"
);
uuid_id!(
    /// Identifies a [`ClassMeasure`](crate::ClassMeasure): a measure that targets a class of
    /// entities (e.g. every air carrier of Belarus) rather than named ones.
    ClassMeasureId,
    "class-measure"
);
uuid_id!(
    /// Identifies a [`Change`](crate::Change). Unique within a ledger: applying a change whose id
    /// is already present is a no-op when the content is identical and an error otherwise.
    ChangeId,
    "change"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_form_round_trips() {
        let id = EntityId::derive("belavia");
        let text = id.to_string();
        assert_eq!(text.len(), 36);
        assert_eq!(text.parse::<EntityId>().unwrap(), id);
    }

    #[test]
    fn kinds_derive_distinct_ids_from_one_name() {
        assert_ne!(
            EntityId::derive("x").as_uuid(),
            DesignationId::derive("x").as_uuid()
        );
    }

    #[test]
    fn bad_text_is_a_parse_error_naming_the_type() {
        let err = "not-a-uuid".parse::<ChangeId>().unwrap_err();
        assert!(
            matches!(
                err,
                Error::Parse {
                    what: "ChangeId",
                    ..
                }
            ),
            "{err}"
        );
    }
}
