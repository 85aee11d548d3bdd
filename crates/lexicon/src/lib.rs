//! Lexicon stage: the vocabulary the extractor recognises, read from
//! `ontology/*.ttl`.
//!
//! Every label the extractor matches (districts, agency types, named
//! agencies, mechanisms, units, magnitudes, qualifiers, level prefixes) comes
//! from these Turtle files, so recognition grows by editing Turtle. The same
//! triples are loaded into the store beside the extracted facts, so queries
//! can use labels and `skos:broader` families.

use oxrdf::{BlankNode, NamedNode, NamedOrBlankNode, Quad, Term};
use oxrdfio::{RdfFormat, RdfParser};
pub use reformkg_vocab::local_name;
use reformkg_vocab::{rk, term, RDF, RDFS, SKOS};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

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
    /// Index into [`Lexicon::cities`].
    pub city: Option<usize>,
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
}

/// A body known by name (国家市场监督管理总局, 上海市高级人民法院 …).
#[derive(Debug, Clone)]
pub struct NamedAgency {
    pub concept: Concept,
    pub agency_type: Option<usize>,
    pub level: Option<String>,
}

/// An administrative level and the prefix that signals it (国家, 市, 区).
#[derive(Debug, Clone)]
pub struct Level {
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
    /// Index into [`Lexicon::units`] of the unit fractions are reported in.
    pub unit: Option<usize>,
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
    pub before_number: bool,
    /// Stands after the unit (90%以上, 6日内).
    pub after_unit: bool,
}

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
    pub context_words: BTreeMap<String, Vec<String>>,
    /// Labels of organisations that are not state bodies (工商联, 区委 …):
    /// recognised so that they are not taken for agencies.
    pub non_state_labels: Vec<String>,
    /// Endings of mechanism names (…制, …清单) for mining new candidates.
    pub candidate_suffixes: Vec<String>,
    /// The concept scheme that declares them (the mechanism scheme), where
    /// new mechanisms go.
    pub candidate_scheme: Option<String>,
    /// Every triple of the ontology files, to be loaded into the store.
    pub quads: Vec<Quad>,
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
}

impl Lexicon {
    /// Reads every `*.ttl` file of a directory, in file-name order.
    pub fn load_dir(dir: &Path) -> Result<Self, LexiconError> {
        let entries = std::fs::read_dir(dir).map_err(|source| LexiconError::Dir {
            path: dir.display().to_string(),
            source,
        })?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "ttl"))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(LexiconError::NoFiles(dir.display().to_string()));
        }
        let mut sources = Vec::with_capacity(files.len());
        for path in files {
            let text = std::fs::read(&path).map_err(|source| LexiconError::Read {
                path: path.display().to_string(),
                source,
            })?;
            sources.push((path.display().to_string(), text));
        }
        Self::from_turtle(sources.iter().map(|(p, t)| (p.as_str(), t.as_slice())))
    }

    /// Builds the lexicon from Turtle documents given as (name, bytes).
    pub fn from_turtle<'a>(
        sources: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    ) -> Result<Self, LexiconError> {
        let mut quads = Vec::new();
        for (file_number, (path, bytes)) in sources.into_iter().enumerate() {
            let mut blank_nodes = BlankNodeNamer::new(file_number);
            for quad in RdfParser::from_format(RdfFormat::Turtle).for_slice(bytes) {
                let quad = quad.map_err(|e| LexiconError::Syntax {
                    path: path.to_owned(),
                    message: e.to_string(),
                })?;
                quads.push(blank_nodes.rename(quad));
            }
        }
        let index = Index::new(&quads);
        let mut lexicon = Lexicon::default();
        lexicon.read_places(&index)?;
        lexicon.read_agencies(&index)?;
        lexicon.mechanisms = index.concepts_of(&rk("Mechanism"), "mechanism")?;
        lexicon.read_quantities(&index)?;
        lexicon.read_extraction_rules(&index);
        lexicon.levels = index
            .subjects_of(&rk("AdministrativeLevel"))
            .into_iter()
            .filter_map(|iri| {
                let prefix = index.literal(&iri, &rk("levelPrefix"))?;
                Some(Level { iri, prefix })
            })
            .collect();
        lexicon.quads = quads;
        Ok(lexicon)
    }

    fn read_places(&mut self, index: &Index) -> Result<(), LexiconError> {
        self.cities = index.concepts_of(&rk("City"), "city")?;
        let city_position: HashMap<&str, usize> = self
            .cities
            .iter()
            .enumerate()
            .map(|(i, c)| (c.iri.as_str(), i))
            .collect();
        self.districts = index
            .concepts_of(&rk("District"), "district")?
            .into_iter()
            .map(|concept| {
                let city = index
                    .object_iri(&concept.iri, &rk("city"))
                    .and_then(|c| city_position.get(c.as_str()).copied());
                District { concept, city }
            })
            .collect();
        Ok(())
    }

    fn read_agencies(&mut self, index: &Index) -> Result<(), LexiconError> {
        self.agency_types = index
            .concepts_of(&rk("AgencyType"), "agency type")?
            .into_iter()
            .map(|concept| {
                let name_suffix = index.literal(&concept.iri, &rk("nameSuffix"));
                AgencyType {
                    name_suffix,
                    body_name: index.literal(&concept.iri, &rk("bodyName")),
                    may_be_venue: index.flag(&concept.iri, &rk("mayBeVenue")),
                    concept,
                }
            })
            .collect();
        let type_position: HashMap<String, usize> = self
            .agency_types
            .iter()
            .enumerate()
            .map(|(i, t)| (t.concept.iri.clone(), i))
            .collect();
        self.named_agencies = index
            .concepts_of(&rk("Agency"), "agency")?
            .into_iter()
            .map(|concept| NamedAgency {
                agency_type: index
                    .object_iri(&concept.iri, &rk("agencyType"))
                    .and_then(|t| type_position.get(&t).copied()),
                level: index.object_iri(&concept.iri, &rk("level")),
                concept,
            })
            .collect();
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
        for iri in index.subjects_of(&rk("Qualifier")) {
            let position = index.literal(&iri, &rk("position"));
            let before_number = position.as_deref() == Some("before");
            let after_unit = position.as_deref() == Some("afterUnit");
            for label in index.zh_labels(&iri) {
                self.qualifiers.push(Qualifier {
                    label,
                    before_number,
                    after_unit,
                });
            }
        }
        for iri in index.subjects_of(&rk("OrdinalMarker")) {
            self.ordinal_prefixes.extend(index.zh_labels(&iri));
        }
        Ok(())
    }

    /// Numerals, fractions, context words, non-state bodies and candidate
    /// suffixes: the vocabulary of the extraction rules.
    fn read_extraction_rules(&mut self, index: &Index) {
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
        for iri in index.subjects_of(&rk("FractionMark")) {
            let unit = index
                .object_iri(&iri, &rk("convertsTo"))
                .and_then(|u| self.units.iter().position(|x| x.concept.iri == u));
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
            if let Some(role) = index.literal(&iri, &rk("contextRole")) {
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
        for (subject, _) in index.by_subject.iter() {
            let suffixes = index.literals(subject, &rk("candidateSuffix"));
            if !suffixes.is_empty() {
                self.candidate_scheme.get_or_insert_with(|| subject.clone());
                self.candidate_suffixes.extend(suffixes);
            }
        }
    }

    /// The context words of one rk:contextRole (empty when none are defined).
    pub fn context(&self, role: &str) -> &[String] {
        self.context_words.get(role).map_or(&[], Vec::as_slice)
    }

    /// The district whose Chinese labels include `name`.
    pub fn district_named(&self, name: &str) -> Option<usize> {
        self.districts
            .iter()
            .position(|d| d.concept.labels_zh.iter().any(|l| l == name))
    }

    pub fn level_with_prefix(&self, prefix: &str) -> Option<&Level> {
        self.levels.iter().find(|l| l.prefix == prefix)
    }
}

/// The Turtle parser names blank nodes (SHACL property shapes, OWL unions)
/// at random; renaming them by order of appearance keeps builds
/// byte-identical.
struct BlankNodeNamer {
    file_number: usize,
    names: HashMap<String, BlankNode>,
}

impl BlankNodeNamer {
    fn new(file_number: usize) -> Self {
        Self {
            file_number,
            names: HashMap::new(),
        }
    }

    fn name(&mut self, node: &BlankNode) -> BlankNode {
        let next = self.names.len();
        let file_number = self.file_number;
        self.names
            .entry(node.as_str().to_owned())
            .or_insert_with(|| BlankNode::new_unchecked(format!("o{file_number}b{next}")))
            .clone()
    }

    fn rename(&mut self, mut quad: Quad) -> Quad {
        if let NamedOrBlankNode::BlankNode(b) = &quad.subject {
            quad.subject = self.name(b).into();
        }
        if let Term::BlankNode(b) = &quad.object {
            quad.object = self.name(b).into();
        }
        quad
    }
}

/// Subject → predicate → objects, for reading the ontology.
struct Index {
    by_subject: BTreeMap<String, Vec<(String, Term)>>,
}

impl Index {
    fn new(quads: &[Quad]) -> Self {
        let mut by_subject: BTreeMap<String, Vec<(String, Term)>> = BTreeMap::new();
        for quad in quads {
            if let NamedOrBlankNode::NamedNode(s) = &quad.subject {
                by_subject
                    .entry(s.as_str().to_owned())
                    .or_default()
                    .push((quad.predicate.as_str().to_owned(), quad.object.clone()));
            }
        }
        Self { by_subject }
    }

    fn objects<'a>(&'a self, s: &str, p: &'a NamedNode) -> impl Iterator<Item = &'a Term> + 'a {
        self.by_subject
            .get(s)
            .into_iter()
            .flatten()
            .filter(move |(pred, _)| pred == p.as_str())
            .map(|(_, o)| o)
    }

    /// Subjects typed with `class`, in IRI order (so matching is stable).
    fn subjects_of(&self, class: &NamedNode) -> Vec<String> {
        let rdf_type = term(RDF, "type");
        self.by_subject
            .keys()
            .filter(|s| {
                self.objects(s, &rdf_type)
                    .any(|o| matches!(o, Term::NamedNode(n) if n == class))
            })
            .cloned()
            .collect()
    }

    fn object_iri(&self, s: &str, p: &NamedNode) -> Option<String> {
        self.objects(s, p).find_map(|o| match o {
            Term::NamedNode(n) => Some(n.as_str().to_owned()),
            _ => None,
        })
    }

    fn literal(&self, s: &str, p: &NamedNode) -> Option<String> {
        self.objects(s, p).find_map(|o| match o {
            Term::Literal(l) => Some(l.value().to_owned()),
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

    fn concept(&self, iri: String, what: &'static str) -> Result<Concept, LexiconError> {
        let pref = self.labels(&iri, &term(SKOS, "prefLabel"), "zh");
        let pref_zh = pref
            .first()
            .cloned()
            .or_else(|| {
                self.labels(&iri, &term(RDFS, "label"), "zh")
                    .first()
                    .cloned()
            })
            .ok_or_else(|| LexiconError::MissingLabel {
                iri: iri.clone(),
                what,
            })?;
        let pref_en = self
            .labels(&iri, &term(SKOS, "prefLabel"), "en")
            .into_iter()
            .next()
            .or_else(|| {
                self.labels(&iri, &term(RDFS, "label"), "en")
                    .into_iter()
                    .next()
            });
        let mut labels_zh = vec![pref_zh.clone()];
        for alt in self.labels(&iri, &term(SKOS, "altLabel"), "zh") {
            if !labels_zh.contains(&alt) {
                labels_zh.push(alt);
            }
        }
        let mut broader: Vec<String> = self
            .objects(&iri, &term(SKOS, "broader"))
            .filter_map(|o| match o {
                Term::NamedNode(n) => Some(n.as_str().to_owned()),
                _ => None,
            })
            .collect();
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
        assert_eq!(lexicon.districts[0].city, Some(0));
        let gz = &lexicon.mechanisms[0];
        assert_eq!(gz.pref_zh, "告知承诺");
        assert_eq!(gz.pref_en.as_deref(), Some("Notification and commitment"));
        assert_eq!(gz.broader, ["http://x/m/sp"]);
        assert_eq!(
            lexicon.level_with_prefix("市").map(|l| l.iri.as_str()),
            Some(rk("CityLevel").as_str())
        );
        assert_eq!(lexicon.magnitudes[0].multiplier, 10000);
        assert_eq!(lexicon.district_named("金山"), Some(0));
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
}
