//! Lexicon stage: the typed vocabulary the extractor recognises, read from
//! `ontology/*.ttl`.
//!
//! Every label the extractor matches (districts, agency types, named
//! agencies, mechanisms, units, magnitudes, qualifiers, level prefixes) and
//! every word its rules weigh (rk:ContextWord) comes from these Turtle
//! files, so recognition grows by editing Turtle.
//!
//! What this crate owns: parsing the ontology once ([`Ontology`], the RDF
//! the graph stage loads into the store) and reading it into a [`Lexicon`]:
//! plain Rust values with typed ids ([`MechanismId`], [`AgencyTypeId`] …)
//! and the closed sets of names that code and ontology share
//! ([`ContextRole`], [`AdministrativeLevel`], [`PlaceLevel`],
//! [`QualifierPosition`]), parsed here so that a misspelt name fails the
//! load, naming file and term. The places of China, with their codes,
//! names and containment, are its [`Gazetteer`].
//!
//! What it must not know: documents, cases, facts or the store. Its public
//! [`Lexicon`] carries no RDF types, so the stages after it that only
//! match text (extract) need no RDF library.

mod gazetteer;
mod ids;
mod ontology;
mod rules;

pub use gazetteer::{Chain, ChainResolution, Gazetteer, Place, Resolution};
pub use ids::{AgencyTypeId, CityId, DistrictId, MechanismId, NamedAgencyId, PlaceId, UnitId};
pub use ontology::Ontology;
pub use reformkg_vocab::local_name;
pub use rules::{AdministrativeLevel, ContextRole, PlaceLevel, QualifierPosition};

use ids::with_ids;
use oxrdf::{NamedNode, NamedOrBlankNode, Term};
use reformkg_vocab::{rk, term, RDF, RDFS, SKOS};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// A SKOS concept (or any labelled resource) of the lexicon.
#[derive(Debug, Clone, Default)]
pub struct Concept {
    pub iri: String,
    pub pref_zh: String,
    pub pref_en: Option<String>,
    /// Every Chinese string that names it: prefLabel first, then altLabels.
    pub labels_zh: Vec<String>,
    pub broader: Vec<String>,
}

impl Concept {
    /// The last path segment of the IRI, used to mint dependent IRIs.
    pub fn local_name(&self) -> &str {
        local_name(&self.iri)
    }
}

#[derive(Debug, Clone)]
pub struct District {
    pub concept: Concept,
    pub city: Option<CityId>,
}

#[derive(Debug, Clone)]
pub struct AgencyType {
    pub concept: Concept,
    /// Set on the generic fallback types (…局, …委, …院, …办).
    pub name_suffix: Option<String>,
    /// What follows the place in a body's formal name (人民法院), when it
    /// is not the prefLabel.
    pub body_name: Option<String>,
    /// Bodies of this type are also service halls (政务服务中心).
    pub may_be_venue: bool,
    /// The type is the people's government of the divisions of this level
    /// (rk:governmentOfLevel).
    pub government_of: Option<PlaceLevel>,
    /// Endings of the names of zones that a body of this type runs
    /// (rk:zoneNameSuffix: 开发区, 新区 …).
    pub zone_name_suffixes: Vec<String>,
}

/// A body known by name (国家市场监督管理总局, 上海市高级人民法院 …).
#[derive(Debug, Clone)]
pub struct NamedAgency {
    pub concept: Concept,
    pub agency_type: Option<AgencyTypeId>,
    pub level: Option<AdministrativeLevel>,
}

/// An administrative level and the prefix that signals it (国家, 市, 区).
#[derive(Debug, Clone)]
pub struct Level {
    pub level: AdministrativeLevel,
    pub iri: String,
    pub prefix: String,
}

/// A unit of a reported quantity (件, 家, 元, %, 天 …).
#[derive(Debug, Clone)]
pub struct Unit {
    pub concept: Concept,
    /// A number of this many digits before the unit is a calendar year.
    pub calendar_digits: Option<usize>,
    /// A number before the unit is a date after these words (月 before 日).
    pub date_if_preceded_by: Vec<String>,
    /// With these qualifiers the quantity is a reference period (近三年).
    pub period_if_qualified_by: Vec<String>,
    /// A Chinese numeral before the unit is an ordinal (二期).
    pub ordinal_after_chinese_numeral: bool,
}

/// A Chinese digit (一, 两, 〇 …) and its value.
#[derive(Debug, Clone)]
pub struct Numeral {
    pub label: String,
    pub value: u32,
    /// Alone before a unit it is an article, not a count (一家企业).
    pub indefinite_alone: bool,
}

/// A mark that makes a fraction of two numbers (1/6 → 16.67 %).
#[derive(Debug, Clone)]
pub struct FractionMark {
    pub label: String,
    /// The unit fractions are reported in.
    pub unit: Option<UnitId>,
    pub multiplier: u64,
    pub decimals: u32,
}

/// A magnitude word and its factor (万 → 10000, 亿 → 100000000).
#[derive(Debug, Clone)]
pub struct Magnitude {
    pub label: String,
    pub multiplier: u64,
}

/// A word that qualifies a quantity (超过, 近, 约 before it; 余, 多 after it).
#[derive(Debug, Clone)]
pub struct Qualifier {
    pub label: String,
    pub position: QualifierPosition,
}

/// The vocabulary of the extraction rules. The lists are in IRI order;
/// an entry's typed id is its position in its list, resolved with the
/// accessor of its kind ([`Lexicon::mechanism`] …).
#[derive(Debug, Default)]
pub struct Lexicon {
    pub cities: Vec<Concept>,
    pub districts: Vec<District>,
    pub agency_types: Vec<AgencyType>,
    pub named_agencies: Vec<NamedAgency>,
    pub mechanisms: Vec<Concept>,
    pub levels: Vec<Level>,
    pub units: Vec<Unit>,
    pub magnitudes: Vec<Magnitude>,
    pub qualifiers: Vec<Qualifier>,
    /// Words that make a following number an ordinal, not a quantity (第).
    pub ordinal_prefixes: Vec<String>,
    pub numerals: Vec<Numeral>,
    pub fraction_marks: Vec<FractionMark>,
    /// rk:ContextWord labels by rk:contextRole (see the ontology files).
    context_words: BTreeMap<ContextRole, Vec<String>>,
    /// Labels of organisations that are not state bodies (工商联, 区委 …):
    /// recognised so that they are not taken for agencies.
    pub non_state_labels: Vec<String>,
    /// Endings of mechanism names (…制, …清单) for mining new candidates.
    pub candidate_suffixes: Vec<String>,
    /// The concept scheme that declares them (the mechanism scheme), where
    /// new mechanisms go.
    pub candidate_scheme: Option<String>,
    /// The places of China (every subject with an rk:divisionLevel).
    gazetteer: Gazetteer,
    /// The files the lexicon was read from, for messages.
    source_files: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("cannot read ontology directory {path}: {source}")]
    Dir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: invalid Turtle: {message}")]
    Syntax { path: String, message: String },
    #[error("{0}: no *.ttl files found (is this the ontology/ directory?)")]
    NoFiles(String),
    #[error("{iri}: {what} has no Chinese skos:prefLabel")]
    MissingLabel { iri: String, what: &'static str },
    #[error(
        "{path}: <{subject}> has rk:contextRole \"{role}\", which no rule reads \
         (the roles are: {known})"
    )]
    UnknownContextRole {
        path: String,
        subject: String,
        role: String,
        known: String,
    },
    #[error("{files}: no rk:ContextWord has rk:contextRole \"{role}\", which {reader} needs")]
    MissingContextRole {
        files: String,
        role: ContextRole,
        reader: &'static str,
    },
    #[error("{path}: <{iri}> is an administrative level no rule knows (the levels are {known})")]
    UnknownLevel {
        path: String,
        iri: String,
        known: String,
    },
    #[error(
        "{path}: <{subject}> has rk:divisionLevel <{level}>, which is no division level \
         (the levels are {known})"
    )]
    UnknownDivisionLevel {
        path: String,
        subject: String,
        level: String,
        known: String,
    },
    #[error("{path}: the place <{subject}> has more than one {property}: {values}")]
    PlaceConflict {
        path: String,
        subject: String,
        property: &'static str,
        values: String,
    },
    #[error(
        "{path}: the place <{subject}> ({level}) is contained in <{parent}> ({parent_level}), \
         which is not a level above it"
    )]
    PlaceParentLevel {
        path: String,
        subject: String,
        level: PlaceLevel,
        parent: String,
        parent_level: PlaceLevel,
    },
    #[error("the places <{first}> and <{second}> have the same rk:divisionCode \"{code}\"")]
    SharedDivisionCode {
        code: String,
        first: String,
        second: String,
    },
    #[error("{files}: no rk:{level} with an rk:levelPrefix, which {reader} needs")]
    MissingLevel {
        files: String,
        level: AdministrativeLevel,
        reader: &'static str,
    },
    #[error(
        "{path}: <{subject}> has rk:position \"{position}\", which is no qualifier position \
         (the positions are: {known})"
    )]
    UnknownQualifierPosition {
        path: String,
        subject: String,
        position: String,
        known: String,
    },
    #[error("{path}: the qualifier <{subject}> has no rk:position")]
    QualifierWithoutPosition { path: String, subject: String },
    #[error("{files}: no rk:Qualifier has rk:position \"{position}\", which {reader} needs")]
    MissingQualifierPosition {
        files: String,
        position: QualifierPosition,
        reader: &'static str,
    },
}

impl Lexicon {
    /// Reads the vocabulary of every `*.ttl` file of a directory. Use
    /// [`Ontology::load_dir`] and [`Lexicon::from_ontology`] when the triples
    /// are wanted too (one parse for both).
    pub fn load_dir(dir: &Path) -> Result<Self, LexiconError> {
        Self::from_ontology(&Ontology::load_dir(dir)?)
    }

    /// Builds the lexicon from Turtle documents given as (name, bytes).
    pub fn from_turtle<'a>(
        sources: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    ) -> Result<Self, LexiconError> {
        Self::from_ontology(&Ontology::from_turtle(sources)?)
    }

    /// Reads the typed vocabulary out of parsed ontology files.
    pub fn from_ontology(ontology: &Ontology) -> Result<Self, LexiconError> {
        let index = Index::new(ontology);
        let mut lexicon = Lexicon {
            source_files: ontology.files().map(str::to_owned).collect(),
            ..Lexicon::default()
        };
        lexicon.read_places(&index)?;
        lexicon.read_agencies(&index)?;
        lexicon.mechanisms = index.concepts_of(&rk("Mechanism"), "mechanism")?;
        lexicon.read_quantities(&index)?;
        lexicon.read_extraction_rules(&index)?;
        lexicon.read_levels(&index)?;
        lexicon.gazetteer = Gazetteer::read(&index)?;
        Ok(lexicon)
    }

    fn read_places(&mut self, index: &Index) -> Result<(), LexiconError> {
        self.cities = index.concepts_of(&rk("City"), "city")?;
        let city_ids: HashMap<&str, CityId> = with_ids(&self.cities, CityId::at)
            .map(|(id, c)| (c.iri.as_str(), id))
            .collect();
        self.districts = index
            .concepts_of(&rk("District"), "district")?
            .into_iter()
            .map(|concept| {
                let city = index
                    .object_iri(&concept.iri, &rk("city"))
                    .and_then(|c| city_ids.get(c.as_str()).copied());
                District { concept, city }
            })
            .collect();
        Ok(())
    }

    fn read_agencies(&mut self, index: &Index) -> Result<(), LexiconError> {
        let mut agency_types = Vec::new();
        for concept in index.concepts_of(&rk("AgencyType"), "agency type")? {
            let government_of = match index
                .object_iri_with_file(&concept.iri, &rk("governmentOfLevel"))
            {
                Some((level, path)) => Some(gazetteer::place_level(&concept.iri, &level, path)?),
                None => None,
            };
            agency_types.push(AgencyType {
                name_suffix: index.literal(&concept.iri, &rk("nameSuffix")),
                body_name: index.literal(&concept.iri, &rk("bodyName")),
                may_be_venue: index.flag(&concept.iri, &rk("mayBeVenue")),
                government_of,
                zone_name_suffixes: index.literals(&concept.iri, &rk("zoneNameSuffix")),
                concept,
            });
        }
        self.agency_types = agency_types;
        let type_ids: HashMap<&str, AgencyTypeId> = with_ids(&self.agency_types, AgencyTypeId::at)
            .map(|(id, t)| (t.concept.iri.as_str(), id))
            .collect();
        let mut named_agencies = Vec::new();
        for concept in index.concepts_of(&rk("Agency"), "agency")? {
            let level = match index.object_iri_with_file(&concept.iri, &rk("level")) {
                Some((iri, path)) => Some(level_named(&iri, path)?),
                None => None,
            };
            named_agencies.push(NamedAgency {
                agency_type: index
                    .object_iri(&concept.iri, &rk("agencyType"))
                    .and_then(|t| type_ids.get(t.as_str()).copied()),
                level,
                concept,
            });
        }
        self.named_agencies = named_agencies;
        Ok(())
    }

    /// The levels of bodies (those with a prefix). The division levels
    /// are levels too; the gazetteer reads them from its places.
    fn read_levels(&mut self, index: &Index) -> Result<(), LexiconError> {
        for (iri, path) in index.subjects_of_with_file(&rk("AdministrativeLevel")) {
            let level = match level_named(&iri, path) {
                Ok(level) => level,
                Err(_) if PlaceLevel::ALL.iter().any(|l| rk(l.name()).as_str() == iri) => continue,
                Err(unknown) => return Err(unknown),
            };
            if let Some(prefix) = index.literal(&iri, &rk("levelPrefix")) {
                self.levels.push(Level { level, iri, prefix });
            }
        }
        Ok(())
    }

    fn read_quantities(&mut self, index: &Index) -> Result<(), LexiconError> {
        self.units = index
            .concepts_of(&rk("Unit"), "unit")?
            .into_iter()
            .map(|concept| Unit {
                calendar_digits: index
                    .literal(&concept.iri, &rk("calendarDigits"))
                    .and_then(|d| d.parse().ok()),
                date_if_preceded_by: index.literals(&concept.iri, &rk("dateIfPrecededBy")),
                period_if_qualified_by: index.literals(&concept.iri, &rk("periodIfQualifiedBy")),
                ordinal_after_chinese_numeral: index
                    .flag(&concept.iri, &rk("ordinalAfterChineseNumeral")),
                concept,
            })
            .collect();
        for iri in index.subjects_of(&rk("Magnitude")) {
            let multiplier = index
                .literal(&iri, &rk("multiplier"))
                .and_then(|m| m.parse().ok());
            if let Some(multiplier) = multiplier {
                for label in index.zh_labels(&iri) {
                    self.magnitudes.push(Magnitude { label, multiplier });
                }
            }
        }
        for (iri, class_file) in index.subjects_of_with_file(&rk("Qualifier")) {
            let position = match index.literal_with_file(&iri, &rk("position")) {
                Some((name, path)) => QualifierPosition::from_name(&name).ok_or_else(|| {
                    LexiconError::UnknownQualifierPosition {
                        path: path.to_owned(),
                        subject: iri.clone(),
                        position: name,
                        known: QualifierPosition::names(),
                    }
                })?,
                None => {
                    return Err(LexiconError::QualifierWithoutPosition {
                        path: class_file.to_owned(),
                        subject: iri,
                    })
                }
            };
            for label in index.zh_labels(&iri) {
                self.qualifiers.push(Qualifier { label, position });
            }
        }
        for iri in index.subjects_of(&rk("OrdinalMarker")) {
            self.ordinal_prefixes.extend(index.zh_labels(&iri));
        }
        Ok(())
    }

    /// Numerals, fractions, context words, non-state bodies and candidate
    /// suffixes: the vocabulary of the extraction rules.
    fn read_extraction_rules(&mut self, index: &Index) -> Result<(), LexiconError> {
        for iri in index.subjects_of(&rk("Numeral")) {
            let Some(value) = index
                .literal(&iri, &rk("digitValue"))
                .and_then(|v| v.parse().ok())
            else {
                continue;
            };
            let indefinite_alone = index.flag(&iri, &rk("indefiniteAlone"));
            for label in index.zh_labels(&iri) {
                self.numerals.push(Numeral {
                    label,
                    value,
                    indefinite_alone,
                });
            }
        }
        let unit_ids: HashMap<&str, UnitId> = with_ids(&self.units, UnitId::at)
            .map(|(id, u)| (u.concept.iri.as_str(), id))
            .collect();
        for iri in index.subjects_of(&rk("FractionMark")) {
            let unit = index
                .object_iri(&iri, &rk("convertsTo"))
                .and_then(|u| unit_ids.get(u.as_str()).copied());
            let multiplier = index
                .literal(&iri, &rk("multiplier"))
                .and_then(|m| m.parse().ok())
                .unwrap_or(1);
            let decimals = index
                .literal(&iri, &rk("decimals"))
                .and_then(|d| d.parse().ok())
                .unwrap_or(2);
            for label in index.zh_labels(&iri) {
                self.fraction_marks.push(FractionMark {
                    label,
                    unit,
                    multiplier,
                    decimals,
                });
            }
        }
        for iri in index.subjects_of(&rk("ContextWord")) {
            if let Some((name, path)) = index.literal_with_file(&iri, &rk("contextRole")) {
                let role = ContextRole::from_name(&name).ok_or_else(|| {
                    LexiconError::UnknownContextRole {
                        path: path.to_owned(),
                        subject: iri.clone(),
                        role: name,
                        known: ContextRole::names(),
                    }
                })?;
                self.context_words
                    .entry(role)
                    .or_default()
                    .extend(index.zh_labels(&iri));
            }
        }
        for class in ["NonStateBodyType", "NonStateBody"] {
            for iri in index.subjects_of(&rk(class)) {
                self.non_state_labels.extend(index.zh_labels(&iri));
            }
        }
        let candidate_suffix = rk("candidateSuffix");
        for (subject, _) in index.subjects_with(&candidate_suffix) {
            let suffixes = index.literals(&subject, &candidate_suffix);
            if !suffixes.is_empty() {
                self.candidate_scheme.get_or_insert_with(|| subject.clone());
                self.candidate_suffixes.extend(suffixes);
            }
        }
        Ok(())
    }

    /// The context words of one rk:contextRole (empty when none are defined).
    pub fn context(&self, role: ContextRole) -> &[String] {
        self.context_words.get(&role).map_or(&[], Vec::as_slice)
    }

    /// Fails unless the ontology gives words to every one of `roles`:
    /// `reader` (e.g. "the agency rules") names who needs them.
    pub fn require_context_roles(
        &self,
        roles: &[ContextRole],
        reader: &'static str,
    ) -> Result<(), LexiconError> {
        match roles.iter().find(|r| self.context(**r).is_empty()) {
            Some(&role) => Err(LexiconError::MissingContextRole {
                files: self.source_files(),
                role,
                reader,
            }),
            None => Ok(()),
        }
    }

    /// Fails unless the ontology defines each of `levels` with a prefix.
    pub fn require_levels(
        &self,
        levels: &[AdministrativeLevel],
        reader: &'static str,
    ) -> Result<(), LexiconError> {
        match levels.iter().find(|l| self.level(**l).is_none()) {
            Some(&level) => Err(LexiconError::MissingLevel {
                files: self.source_files(),
                level,
                reader,
            }),
            None => Ok(()),
        }
    }

    /// Fails unless some qualifier stands at each of `positions`.
    pub fn require_qualifier_positions(
        &self,
        positions: &[QualifierPosition],
        reader: &'static str,
    ) -> Result<(), LexiconError> {
        let defined = |p: &QualifierPosition| self.qualifiers.iter().any(|q| q.position == *p);
        match positions.iter().find(|p| !defined(p)) {
            Some(&position) => Err(LexiconError::MissingQualifierPosition {
                files: self.source_files(),
                position,
                reader,
            }),
            None => Ok(()),
        }
    }

    fn source_files(&self) -> String {
        self.source_files.join(", ")
    }

    /// The places of China: provinces, prefectures, counties and the
    /// country, with their codes, names and containment.
    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }

    pub fn city(&self, id: CityId) -> &Concept {
        &self.cities[id.position()]
    }

    pub fn district(&self, id: DistrictId) -> &District {
        &self.districts[id.position()]
    }

    pub fn agency_type(&self, id: AgencyTypeId) -> &AgencyType {
        &self.agency_types[id.position()]
    }

    pub fn named_agency(&self, id: NamedAgencyId) -> &NamedAgency {
        &self.named_agencies[id.position()]
    }

    pub fn mechanism(&self, id: MechanismId) -> &Concept {
        &self.mechanisms[id.position()]
    }

    pub fn unit(&self, id: UnitId) -> &Unit {
        &self.units[id.position()]
    }

    pub fn cities_with_ids(&self) -> impl Iterator<Item = (CityId, &Concept)> {
        with_ids(&self.cities, CityId::at)
    }

    pub fn districts_with_ids(&self) -> impl Iterator<Item = (DistrictId, &District)> {
        with_ids(&self.districts, DistrictId::at)
    }

    /// The agency type of the people's government of a division of `level`.
    pub fn government_type(&self, level: PlaceLevel) -> Option<AgencyTypeId> {
        self.agency_types_with_ids()
            .find(|(_, t)| t.government_of == Some(level))
            .map(|(id, _)| id)
    }

    /// The agency types that run zones, with the endings of the zones' names.
    pub fn zone_body_types(&self) -> impl Iterator<Item = (AgencyTypeId, &[String])> {
        self.agency_types_with_ids()
            .filter(|(_, t)| !t.zone_name_suffixes.is_empty())
            .map(|(id, t)| (id, t.zone_name_suffixes.as_slice()))
    }

    pub fn agency_types_with_ids(&self) -> impl Iterator<Item = (AgencyTypeId, &AgencyType)> {
        with_ids(&self.agency_types, AgencyTypeId::at)
    }

    pub fn named_agencies_with_ids(&self) -> impl Iterator<Item = (NamedAgencyId, &NamedAgency)> {
        with_ids(&self.named_agencies, NamedAgencyId::at)
    }

    pub fn mechanisms_with_ids(&self) -> impl Iterator<Item = (MechanismId, &Concept)> {
        with_ids(&self.mechanisms, MechanismId::at)
    }

    pub fn units_with_ids(&self) -> impl Iterator<Item = (UnitId, &Unit)> {
        with_ids(&self.units, UnitId::at)
    }

    /// The district whose Chinese labels include `name`.
    pub fn district_named(&self, name: &str) -> Option<DistrictId> {
        self.districts_with_ids()
            .find(|(_, d)| d.concept.labels_zh.iter().any(|l| l == name))
            .map(|(id, _)| id)
    }

    pub fn level_with_prefix(&self, prefix: &str) -> Option<&Level> {
        self.levels.iter().find(|l| l.prefix == prefix)
    }

    /// The definition of a level, when the ontology gives it a prefix.
    pub fn level(&self, level: AdministrativeLevel) -> Option<&Level> {
        self.levels.iter().find(|l| l.level == level)
    }
}

/// The level an IRI names, or an error naming the file that uses it.
fn level_named(iri: &str, path: &str) -> Result<AdministrativeLevel, LexiconError> {
    AdministrativeLevel::ALL
        .iter()
        .copied()
        .find(|l| rk(l.name()).as_str() == iri)
        .ok_or_else(|| LexiconError::UnknownLevel {
            path: path.to_owned(),
            iri: iri.to_owned(),
            // The division levels are administrative levels too.
            known: format!(
                "rk:{} for bodies, rk:{} for divisions",
                AdministrativeLevel::names().replace(", ", ", rk:"),
                PlaceLevel::names().replace(", ", ", rk:")
            ),
        })
}

/// A subject's triple: (predicate, object, file).
type Triple<'o> = (&'o str, &'o Term, &'o str);

/// Subject → (predicate, object, file) triples, for reading the ontology.
/// It borrows the ontology's quads: the gazetteer makes them many.
struct Index<'o> {
    by_subject: BTreeMap<&'o str, Vec<Triple<'o>>>,
    /// Class → the subjects typed with it, in IRI order, each with the file
    /// of its first such rdf:type triple.
    by_class: HashMap<&'o str, Vec<(&'o str, &'o str)>>,
}

impl<'o> Index<'o> {
    fn new(ontology: &'o Ontology) -> Self {
        let mut by_subject: BTreeMap<&'o str, Vec<Triple<'o>>> = BTreeMap::new();
        for (quad, file) in ontology.quads_with_files() {
            if let NamedOrBlankNode::NamedNode(s) = &quad.subject {
                by_subject.entry(s.as_str()).or_default().push((
                    quad.predicate.as_str(),
                    &quad.object,
                    file,
                ));
            }
        }
        let rdf_type = term(RDF, "type");
        let mut by_class: HashMap<&'o str, Vec<(&'o str, &'o str)>> = HashMap::new();
        for (&s, triples) in &by_subject {
            for &(p, o, file) in triples {
                if let Term::NamedNode(class) = o {
                    if p == rdf_type.as_str() {
                        let subjects = by_class.entry(class.as_str()).or_default();
                        if subjects.last().is_none_or(|(last, _)| *last != s) {
                            subjects.push((s, file));
                        }
                    }
                }
            }
        }
        Self {
            by_subject,
            by_class,
        }
    }

    /// The objects of `p` on `s`, each with the file that states it.
    fn objects_with_files<'a>(
        &'a self,
        s: &str,
        p: &'a NamedNode,
    ) -> impl Iterator<Item = (&'o Term, &'o str)> + 'a {
        self.by_subject
            .get(s)
            .into_iter()
            .flatten()
            .filter(move |(pred, _, _)| *pred == p.as_str())
            .map(|&(_, o, file)| (o, file))
    }

    fn objects<'a>(&'a self, s: &str, p: &'a NamedNode) -> impl Iterator<Item = &'o Term> + 'a {
        self.objects_with_files(s, p).map(|(o, _)| o)
    }

    /// Subjects that have `p`, in IRI order, each with the file that states it.
    fn subjects_with(&self, p: &NamedNode) -> Vec<(String, &'o str)> {
        self.by_subject
            .iter()
            .filter_map(|(s, triples)| {
                triples
                    .iter()
                    .find(|(pred, _, _)| *pred == p.as_str())
                    .map(|&(_, _, file)| ((*s).to_owned(), file))
            })
            .collect()
    }

    /// Subjects typed with `class`, in IRI order (so matching is stable).
    fn subjects_of(&self, class: &NamedNode) -> Vec<String> {
        self.subjects_of_with_file(class)
            .into_iter()
            .map(|(s, _)| s)
            .collect()
    }

    /// Subjects typed with `class`, each with the file that types it.
    fn subjects_of_with_file(&self, class: &NamedNode) -> Vec<(String, &'o str)> {
        self.by_class
            .get(class.as_str())
            .into_iter()
            .flatten()
            .map(|&(s, file)| (s.to_owned(), file))
            .collect()
    }

    fn object_iri(&self, s: &str, p: &NamedNode) -> Option<String> {
        self.object_iri_with_file(s, p).map(|(iri, _)| iri)
    }

    fn object_iri_with_file(&self, s: &str, p: &NamedNode) -> Option<(String, &'o str)> {
        self.objects_with_files(s, p).find_map(|(o, file)| match o {
            Term::NamedNode(n) => Some((n.as_str().to_owned(), file)),
            _ => None,
        })
    }

    fn literal(&self, s: &str, p: &NamedNode) -> Option<String> {
        self.literal_with_file(s, p).map(|(value, _)| value)
    }

    fn literal_with_file(&self, s: &str, p: &NamedNode) -> Option<(String, &'o str)> {
        self.objects_with_files(s, p).find_map(|(o, file)| match o {
            Term::Literal(l) => Some((l.value().to_owned(), file)),
            _ => None,
        })
    }

    /// Every literal value of `p` on `s`, sorted.
    fn literals(&self, s: &str, p: &NamedNode) -> Vec<String> {
        let mut values: Vec<String> = self
            .objects(s, p)
            .filter_map(|o| match o {
                Term::Literal(l) => Some(l.value().to_owned()),
                _ => None,
            })
            .collect();
        values.sort();
        values
    }

    /// An xsd:boolean property that is present and true.
    fn flag(&self, s: &str, p: &NamedNode) -> bool {
        self.literal(s, p).as_deref() == Some("true")
    }

    fn labels(&self, s: &str, p: &NamedNode, lang: &str) -> Vec<String> {
        let mut labels: Vec<String> = self
            .objects(s, p)
            .filter_map(|o| match o {
                Term::Literal(l) if l.language() == Some(lang) => Some(l.value().to_owned()),
                _ => None,
            })
            .collect();
        labels.sort();
        labels
    }

    /// Chinese prefLabels, altLabels, and rdfs:labels for resources that are
    /// not SKOS concepts (magnitudes, qualifiers).
    fn zh_labels(&self, s: &str) -> Vec<String> {
        let mut labels = self.labels(s, &term(SKOS, "prefLabel"), "zh");
        labels.extend(self.labels(s, &term(SKOS, "altLabel"), "zh"));
        labels.extend(self.labels(s, &term(RDFS, "label"), "zh"));
        labels.dedup();
        labels
    }

    fn concepts_of(
        &self,
        class: &NamedNode,
        what: &'static str,
    ) -> Result<Vec<Concept>, LexiconError> {
        self.subjects_of(class)
            .into_iter()
            .map(|iri| self.concept(iri, what))
            .collect()
    }

    /// The triples of `s`: (predicate, object, file).
    fn triples(&self, s: &str) -> &[Triple<'o>] {
        self.by_subject.get(s).map_or(&[], Vec::as_slice)
    }

    /// One pass over the subject's triples (the gazetteer reads thousands).
    fn concept(&self, iri: String, what: &'static str) -> Result<Concept, LexiconError> {
        let (pref_label, label, alt_label, broader_p) = (
            term(SKOS, "prefLabel"),
            term(RDFS, "label"),
            term(SKOS, "altLabel"),
            term(SKOS, "broader"),
        );
        let (mut pref_zh, mut label_zh, mut pref_en, mut label_en) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut alt_zh, mut broader) = (Vec::new(), Vec::new());
        for &(p, o, _) in self.triples(&iri) {
            match o {
                Term::Literal(l) => {
                    let list = match (l.language(), p) {
                        (Some("zh"), p) if p == pref_label.as_str() => &mut pref_zh,
                        (Some("zh"), p) if p == label.as_str() => &mut label_zh,
                        (Some("zh"), p) if p == alt_label.as_str() => &mut alt_zh,
                        (Some("en"), p) if p == pref_label.as_str() => &mut pref_en,
                        (Some("en"), p) if p == label.as_str() => &mut label_en,
                        _ => continue,
                    };
                    list.push(l.value());
                }
                Term::NamedNode(n) if p == broader_p.as_str() => {
                    broader.push(n.as_str().to_owned())
                }
                _ => {}
            }
        }
        // Of several labels of a kind, the first in sort order.
        let first = |labels: Vec<&str>| labels.into_iter().min().map(str::to_owned);
        let pref_zh = first(pref_zh).or_else(|| first(label_zh)).ok_or_else(|| {
            LexiconError::MissingLabel {
                iri: iri.clone(),
                what,
            }
        })?;
        let pref_en = first(pref_en).or_else(|| first(label_en));
        alt_zh.sort_unstable();
        let mut labels_zh = vec![pref_zh.clone()];
        for alt in alt_zh {
            if !labels_zh.iter().any(|l| l == alt) {
                labels_zh.push(alt.to_owned());
            }
        }
        broader.sort();
        Ok(Concept {
            iri,
            pref_zh,
            pref_en,
            labels_zh,
            broader,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
        @prefix rk: <https://w3id.org/reformkg/ontology#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <http://x/c/sh> a rk:City ; skos:prefLabel "上海市"@zh, "Shanghai"@en .
        <http://x/d/js> a rk:District ; skos:prefLabel "金山区"@zh ; skos:altLabel "金山"@zh ; rk:city <http://x/c/sh> .
        <http://x/m/gz> a rk:Mechanism ; skos:prefLabel "告知承诺"@zh, "Notification and commitment"@en ;
            skos:altLabel "告知承诺制"@zh ; skos:broader <http://x/m/sp> .
        <http://x/m/sp> a rk:Mechanism ; skos:prefLabel "审批改革"@zh .
        rk:CityLevel a rk:AdministrativeLevel ; rk:levelPrefix "市" .
        <http://x/mag/wan> a rk:Magnitude ; skos:prefLabel "万"@zh ; rk:multiplier 10000 .
    "#;

    #[test]
    fn reads_concepts_labels_and_links() {
        let lexicon = Lexicon::from_turtle([("sample.ttl", SAMPLE.as_bytes())]).expect("valid");
        assert_eq!(lexicon.districts.len(), 1);
        assert_eq!(lexicon.districts[0].concept.labels_zh, ["金山区", "金山"]);
        assert_eq!(lexicon.districts[0].city, Some(CityId::at(0)));
        let gz = &lexicon.mechanisms[0];
        assert_eq!(gz.pref_zh, "告知承诺");
        assert_eq!(gz.pref_en.as_deref(), Some("Notification and commitment"));
        assert_eq!(gz.broader, ["http://x/m/sp"]);
        assert_eq!(
            lexicon.level_with_prefix("市").map(|l| l.iri.as_str()),
            Some(rk("CityLevel").as_str())
        );
        assert_eq!(lexicon.magnitudes[0].multiplier, 10000);
        assert_eq!(lexicon.district_named("金山"), Some(DistrictId::at(0)));
    }

    #[test]
    fn bad_turtle_names_the_file() {
        let err = Lexicon::from_turtle([("broken.ttl", b"<a> <b> ".as_slice())]).unwrap_err();
        assert!(
            err.to_string().starts_with("broken.ttl: invalid Turtle"),
            "{err}"
        );
    }

    #[test]
    fn concept_without_chinese_label_is_an_error() {
        let ttl = r#"<http://x/m> a <https://w3id.org/reformkg/ontology#Mechanism> ."#;
        let err = Lexicon::from_turtle([("m.ttl", ttl.as_bytes())]).unwrap_err();
        assert!(matches!(err, LexiconError::MissingLabel { .. }));
    }

    /// The project's ontology/ directory.
    fn ontology_dir() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ontology")
    }

    /// A copy of ontology/ in a temporary directory, with `from` replaced
    /// by `to` in `file`.
    fn edited_ontology(file: &str, from: &str, to: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        for entry in std::fs::read_dir(ontology_dir()).expect("ontology/") {
            let path = entry.expect("entry").path();
            let name = path.file_name().expect("file name").to_owned();
            let mut text = std::fs::read_to_string(&path).expect("reads");
            if name == file {
                assert!(text.contains(from), "{file} has {from}");
                text = text.replacen(from, to, 1);
            }
            std::fs::write(dir.path().join(name), text).expect("writes");
        }
        dir
    }

    #[test]
    fn the_ontology_names_only_roles_levels_and_positions_the_code_knows() {
        let lexicon = Lexicon::load_dir(&ontology_dir()).expect("the ontology loads");
        for role in ContextRole::ALL {
            assert!(!lexicon.context(*role).is_empty(), "no {role} words");
        }
        for level in AdministrativeLevel::ALL {
            assert!(lexicon.level(*level).is_some(), "no {level}");
        }
        lexicon
            .require_qualifier_positions(QualifierPosition::ALL, "this test")
            .expect("every position has a qualifier");
    }

    #[test]
    fn a_renamed_context_role_fails_the_load_naming_role_and_file() {
        let dir = edited_ontology(
            "agency-types.ttl",
            r#"rk:contextRole "venueBefore""#,
            r#"rk:contextRole "venueAhead""#,
        );
        let err = Lexicon::load_dir(dir.path()).expect_err("an unknown role");
        let message = err.to_string();
        assert!(
            matches!(err, LexiconError::UnknownContextRole { .. }),
            "{message}"
        );
        assert!(message.contains("\"venueAhead\""), "{message}");
        assert!(message.contains("agency-types.ttl"), "{message}");
        assert!(message.contains("context/venue-before"), "{message}");
    }

    #[test]
    fn unknown_levels_and_positions_fail_the_load_naming_the_file() {
        let dir = edited_ontology("reformkg.ttl", "rk:CityLevel\n", "rk:TownLevel\n");
        let message = Lexicon::load_dir(dir.path())
            .expect_err("a level")
            .to_string();
        assert!(message.contains("TownLevel"), "{message}");
        assert!(message.contains("reformkg.ttl"), "{message}");

        let dir = edited_ontology(
            "quantities.ttl",
            r#"rk:position "afterUnit""#,
            r#"rk:position "behind""#,
        );
        let message = Lexicon::load_dir(dir.path())
            .expect_err("a position")
            .to_string();
        assert!(message.contains("\"behind\""), "{message}");
        assert!(message.contains("quantities.ttl"), "{message}");
    }

    #[test]
    fn a_role_no_word_has_is_an_error_for_the_reader_that_needs_it() {
        let lexicon = Lexicon::from_turtle([("sample.ttl", SAMPLE.as_bytes())]).expect("valid");
        let err = lexicon
            .require_context_roles(&[ContextRole::VenueBefore], "the agency rules")
            .expect_err("no venue words");
        assert_eq!(
            err.to_string(),
            "sample.ttl: no rk:ContextWord has rk:contextRole \"venueBefore\", which the agency rules needs"
        );
        lexicon
            .require_levels(&[AdministrativeLevel::City], "the agency rules")
            .expect("the sample defines the city level");
        assert!(lexicon
            .require_levels(&[AdministrativeLevel::National], "the agency rules")
            .is_err());
    }
}
