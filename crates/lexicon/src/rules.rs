//! The closed sets of names the ontology and the code share: context roles,
//! administrative levels, division levels and qualifier positions.
//!
//! The words are data (`ontology/*.ttl`); which rule reads them is code. A
//! name is parsed into its enum when the lexicon loads, so a name in the
//! Turtle that no variant has is an error there, not a rule silently left
//! without words; a variant the ontology never defines is an error when a
//! stage that needs it asks for it ([`crate::Lexicon::require_context_roles`]
//! and its siblings).

macro_rules! named_enum {
    (
        $(#[$doc:meta])*
        $name:ident {
            $($(#[$vdoc:meta])* $variant:ident = $text:literal,)+
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// The name the ontology uses for it.
            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }

            /// The variant the ontology name stands for.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($text => Some(Self::$variant),)+
                    _ => None,
                }
            }

            /// Every name, for messages.
            pub(crate) fn names() -> String {
                Self::ALL
                    .iter()
                    .map(|v| v.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

named_enum!(
    /// The rule an rk:ContextWord's words serve (its `rk:contextRole`).
    /// What each role means is documented beside its words in the
    /// ontology files.
    ContextRole {
        // Agencies (agency-types.ttl).
        /// Delimits a body's name in running text and lists.
        Boundary = "boundary",
        /// May stand before the body that leads.
        Agent = "agent",
        /// Before a body that may be a venue: the body is only a place.
        VenueBefore = "venueBefore",
        /// After such a body, in its noun phrase: the body only qualifies a thing.
        VenueAfter = "venueAfter",
        /// After a body or its list: the body is policy background.
        Background = "background",
        /// Opening a clause: bodies without a place illustrate a sector.
        Example = "example",
        /// A type label ending with it names a body only with a place.
        GenericHead = "genericHead",
        /// Joins bodies in a list.
        Coordination = "coordination",
        // Mechanisms (mechanisms.ttl).
        /// After a mechanism label: the label only qualifies another noun.
        ModifierHead = "modifierHead",
        /// Learning from elsewhere: the mechanism is another place's.
        Learning = "learning",
        /// Names another place without naming it.
        OtherPlace = "otherPlace",
        /// Where a candidate mechanism name starts after.
        CandidateStop = "candidateStop",
        /// Generic words that alone make no mechanism name.
        GenericName = "genericName",
        /// After a quoted term: the term names a mechanism.
        MechanismHead = "mechanismHead",
        /// Words that end like a candidate suffix but are none.
        FalseSuffix = "falseSuffix",
        /// Ending a quoted term: the term names a joint arrangement.
        JointName = "jointName",
        /// Right before a quoted term: the term names a practice adopted.
        AdoptionVerb = "adoptionVerb",
        /// Earlier in a clause: what the clause names is presented as new.
        FirstClaim = "firstClaim",
        // Quantities (quantities.ttl).
        /// Introduces a count without qualifying it.
        CountVerb = "countVerb",
        /// Makes the following number a frequency.
        Frequency = "frequency",
        /// Makes a count the number of categories a list names.
        Category = "category",
        /// Puts a following number inside a quoted slogan.
        Slogan = "slogan",
        /// Names a reporting period.
        PeriodWord = "periodWord",
        /// Ends a reporting period.
        PeriodSuffix = "periodSuffix",
        /// The month word of a date or period.
        Month = "month",
        /// Joins the two ends of a month range.
        RangeMark = "rangeMark",
    }
);

named_enum!(
    /// A level of government (an rk:AdministrativeLevel, by IRI local name).
    AdministrativeLevel {
        /// Central government bodies.
        National = "NationalLevel",
        /// Bodies of the city a case belongs to.
        City = "CityLevel",
        /// Bodies of the district a case belongs to.
        District = "DistrictLevel",
    }
);

named_enum!(
    /// The level of an administrative division (its `rk:divisionLevel`, an
    /// rk:AdministrativeLevel by IRI local name). Variants are in order of
    /// depth: a place is contained in a place of a lower variant.
    PlaceLevel {
        /// The country.
        National = "NationalLevel",
        /// Provinces, autonomous regions, municipalities, SARs (省级).
        Province = "ProvinceLevel",
        /// Prefecture-level cities, prefectures, autonomous prefectures, leagues (地级).
        Prefecture = "PrefectureLevel",
        /// Districts, counties, county-level cities, banners (县级).
        County = "CountyLevel",
    }
);

named_enum!(
    /// Where a quantity qualifier stands (its `rk:position`).
    QualifierPosition {
        /// Before the number (超过, 近).
        BeforeNumber = "before",
        /// After the number, before the unit (800余家).
        AfterNumber = "after",
        /// After the unit (90%以上, 6日内).
        AfterUnit = "afterUnit",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_into_their_variants() {
        for role in ContextRole::ALL {
            assert_eq!(ContextRole::from_name(role.name()), Some(*role));
        }
        assert_eq!(ContextRole::from_name("venuebefore"), None);
        assert_eq!(
            AdministrativeLevel::from_name("CityLevel"),
            Some(AdministrativeLevel::City)
        );
        assert_eq!(
            PlaceLevel::from_name("CountyLevel"),
            Some(PlaceLevel::County)
        );
        assert!(PlaceLevel::National < PlaceLevel::Province);
        assert_eq!(
            QualifierPosition::from_name("afterUnit"),
            Some(QualifierPosition::AfterUnit)
        );
    }
}
