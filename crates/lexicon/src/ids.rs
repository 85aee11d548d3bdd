//! Typed ids of the lexicon's entries.
//!
//! Each kind of entry has its own id type, so that a mechanism id cannot
//! be used where an agency type is meant. Ids are only minted here, from a
//! position in the lexicon's list of that kind; the lexicon resolves them
//! with its typed accessors ([`crate::Lexicon::mechanism`] …).

macro_rules! entry_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(usize);

        impl $name {
            pub(crate) fn at(position: usize) -> Self {
                Self(position)
            }

            pub(crate) fn position(self) -> usize {
                self.0
            }
        }
    };
}

entry_id!(
    /// A city of the lexicon ([`crate::Lexicon::city`]).
    CityId
);
entry_id!(
    /// A district of the lexicon ([`crate::Lexicon::district`]).
    DistrictId
);
entry_id!(
    /// An agency type of the lexicon ([`crate::Lexicon::agency_type`]).
    AgencyTypeId
);
entry_id!(
    /// A body the lexicon knows by name ([`crate::Lexicon::named_agency`]).
    NamedAgencyId
);
entry_id!(
    /// A mechanism of the lexicon ([`crate::Lexicon::mechanism`]).
    MechanismId
);
entry_id!(
    /// A unit of reported quantities ([`crate::Lexicon::unit`]).
    UnitId
);
entry_id!(
    /// A place of the gazetteer ([`crate::Gazetteer::place`]).
    PlaceId
);

/// The entries of a list with their ids, in list order.
pub(crate) fn with_ids<I, T>(entries: &[T], id: fn(usize) -> I) -> impl Iterator<Item = (I, &T)> {
    entries.iter().enumerate().map(move |(i, e)| (id(i), e))
}
