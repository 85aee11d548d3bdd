//! Extract stage: a case's text in, facts with evidence out.
//!
//! What this crate owns: reading a case's text with the lexicon's words and
//! rules, and the offsets of evidence. What it must not know: RDF, IRIs
//! beyond the lexicon's, or the store. Facts refer to lexicon entries by
//! typed id ([`reformkg_lexicon::MechanismId`] …), and the graph stage
//! turns them into triples; this crate's API has no RDF type in it.
//!
//! One Aho-Corasick automaton (leftmost-longest) is built from every Chinese
//! label of the lexicon: agency types, named agencies, non-state bodies and
//! mechanisms. Scanning a case yields label matches; each kind of fact has
//! its own submodule that turns matches into facts:
//!
//! - `agencies`: an agency-type match becomes a concrete body from what
//!   stands before it (a district name, a level prefix such as 区/市/国家,
//!   or the case's own district); context words from the ontology decide
//!   whether a mention means the body takes part in the case; unknown
//!   bodies are read from their suffix; the lead agency comes from the title
//!   or the opening.
//! - `mechanisms`: a mechanism match is a use unless it sits in a cited
//!   title, only qualifies another noun, or is another place's achievement.
//! - `documents`: the 《…》 spans.
//! - `quantities`: numbers (Arabic or Chinese) with a unit from the
//!   lexicon, minus dates, ordinals, frequencies and category counts.
//!
//! Every fact keeps the sentence it came from, with character offsets into
//! the case text.

mod acting;
mod agencies;
pub mod candidates;
mod documents;
mod mechanisms;
mod offsets;
mod quantities;
mod text;

pub use quantities::scale_decimal;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use quantities::QuantityReader;
use reformkg_corpus::Case;
use reformkg_lexicon::{
    AdministrativeLevel, AgencyTypeId, ChainResolution, CityId, DistrictId, Lexicon, LexiconError,
    MechanismId, NamedAgencyId, PlaceId, PlaceLevel, QualifierPosition, Resolution,
};
use std::collections::{BTreeSet, HashMap};
use text::TextIndex;

/// The sentence a fact was read from. Offsets count characters of
/// [`Case::text`]; `end` is exclusive.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Evidence {
    pub start: usize,
    pub end: usize,
    pub sentence: String,
}

/// Where an agency sits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    National,
    City(CityId),
    District(DistrictId),
    /// Any other administrative division of the gazetteer (a province, a
    /// prefecture, a county of another city).
    Division(PlaceId),
    /// A district name the lexicon does not know (from the table of contents).
    UnknownDistrict(String),
    /// No district could be determined.
    Unknown,
}

impl Place {
    /// This place's entry in the gazetteer, when it has one: a division,
    /// or a district or city of the lexicon (by its IRI).
    pub fn in_gazetteer(&self, lexicon: &Lexicon) -> Option<PlaceId> {
        let gazetteer = lexicon.gazetteer();
        match self {
            Place::Division(id) => Some(*id),
            Place::District(d) => gazetteer.by_iri(&lexicon.district(*d).concept.iri),
            Place::City(c) => gazetteer.by_iri(&lexicon.city(*c).iri),
            Place::National | Place::UnknownDistrict(_) | Place::Unknown => None,
        }
    }
}

/// Which body an agency mention resolves to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum AgencyKey {
    /// A body the lexicon knows by name.
    Named(NamedAgencyId),
    /// A place plus an agency type.
    Typed {
        place: Place,
        agency_type: AgencyTypeId,
    },
    /// A body the lexicon does not know, named as written after its place
    /// (退役军人事务局) and typed by the fallback type of its suffix.
    Unlisted {
        place: Place,
        name: String,
        agency_type: AgencyTypeId,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyFact {
    pub key: AgencyKey,
    /// The distinct strings the text used for it (宝山法院, 区法院 …).
    pub names: BTreeSet<String>,
    /// Named in the title, or named as the actor in the opening: the body
    /// that leads the reform.
    pub lead: bool,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MechanismFact {
    pub mechanism: MechanismId,
    pub names: BTreeSet<String>,
    pub evidence: Vec<Evidence>,
}

/// A name the text presents as an instrument that the lexicon does not
/// know (see [`candidates`]): a mechanism awaiting curation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateFact {
    pub name: String,
    pub evidence: Vec<Evidence>,
}

/// The occurrences of one candidate name in a case.
#[derive(Default)]
struct NameUses {
    name: String,
    starts: Vec<usize>,
    /// How many are in quotation marks (outside a series of slogans).
    quoted: usize,
    /// Whether one of them presents the name as an instrument's.
    named: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFact {
    /// The title between 《 and 》.
    pub title: String,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeFact {
    /// The number normalised to its base unit (1.2万件 → "12000"), as an
    /// xsd:decimal lexical form.
    pub value: String,
    /// The unit's prefLabel (件, 元, % …).
    pub unit: String,
    /// The quantity as written (超过1.2万件).
    pub quantity_text: String,
    /// What was counted: the words before the number in its clause, else
    /// the words after it.
    pub metric: String,
    /// Approximation words as written (超过, 余, 以上; 近…多 when several).
    pub qualifier: Option<String>,
    /// The reporting period stated before the quantity in its sentence
    /// (2023年1-9月, 今年以来, 前三季度).
    pub period: Option<String>,
    /// A mechanism named in the same sentence.
    pub mechanism: Option<MechanismId>,
    pub evidence: Evidence,
}

/// Everything extracted from one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    pub rank: u32,
    /// The case's district: from the table of contents, else the first
    /// district the title or text names.
    pub district: Place,
    pub agencies: Vec<AgencyFact>,
    pub mechanisms: Vec<MechanismFact>,
    /// Candidate mechanisms, in order of first occurrence.
    pub candidates: Vec<CandidateFact>,
    pub documents: Vec<DocumentFact>,
    pub outcomes: Vec<OutcomeFact>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("cannot build the label matcher: {0}")]
    Matcher(#[from] aho_corasick::BuildError),
    #[error("cannot build the quantity pattern: {0}")]
    Pattern(#[from] regex::Error),
    /// The lexicon lacks a role, level or position a rule reads.
    #[error(transparent)]
    Lexicon(#[from] LexiconError),
}

/// What a label in the automaton stands for. Place names are not in it: an
/// agency is placed by looking back from its type label, which also works
/// when the place name and the type share a character (闵行 + 区政府).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    AgencyType(AgencyTypeId),
    NamedAgency(NamedAgencyId),
    /// A federation, association or party organ: recognised so that it is
    /// not read as an agency.
    NonState,
    Mechanism(MechanismId),
}

#[derive(Debug, Clone, Copy)]
struct LabelMatch {
    start: usize,
    end: usize,
    target: Target,
}

/// The matcher, built once from a lexicon and reused for every case.
pub struct Extractor<'l> {
    lexicon: &'l Lexicon,
    automaton: AhoCorasick,
    targets: Vec<Target>,
    /// District labels alone, to find a case's district when no table of
    /// contents gives it.
    district_names: AhoCorasick,
    /// The district of each pattern of `district_names`.
    district_ids: Vec<DistrictId>,
    /// Every label of the lexicon's districts and cities, for placing a
    /// body by the name right before (or at) it.
    place_names: PlaceNames,
    /// The gazetteer's names by length: a body of any division (朝阳区档案局)
    /// is placed by the name before it.
    division_names: NameLengths,
    candidates: candidates::Candidates<'l>,
    quantities: QuantityReader,
}

impl<'l> Extractor<'l> {
    /// Builds the matcher. Fails when the lexicon leaves a rule without
    /// its words: a context role, level or qualifier position the rules
    /// read that the ontology never defines.
    pub fn new(lexicon: &'l Lexicon) -> Result<Self, ExtractError> {
        lexicon.require_context_roles(agencies::CONTEXT_ROLES, "the agency rules")?;
        lexicon.require_context_roles(mechanisms::CONTEXT_ROLES, "the mechanism rules")?;
        lexicon.require_context_roles(quantities::CONTEXT_ROLES, "the quantity rules")?;
        lexicon.require_levels(AdministrativeLevel::ALL, "the agency rules")?;
        lexicon.require_qualifier_positions(QualifierPosition::ALL, "the quantity rules")?;
        let mut labels: Vec<String> = Vec::new();
        let mut targets = Vec::new();
        let mut add = |label: &str, target: Target| {
            if !label.is_empty() {
                labels.push(label.to_owned());
                targets.push(target);
            }
        };
        for (id, t) in lexicon.agency_types_with_ids() {
            // Fallback types are recognised by suffix, not as words.
            if t.name_suffix.is_none() {
                t.concept
                    .labels_zh
                    .iter()
                    .for_each(|l| add(l, Target::AgencyType(id)));
            }
        }
        for (id, a) in lexicon.named_agencies_with_ids() {
            a.concept
                .labels_zh
                .iter()
                .for_each(|l| add(l, Target::NamedAgency(id)));
        }
        for label in &lexicon.non_state_labels {
            add(label, Target::NonState);
        }
        for (id, m) in lexicon.mechanisms_with_ids() {
            m.labels_zh
                .iter()
                .for_each(|l| add(l, Target::Mechanism(id)));
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&labels)?;
        let district_names = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(
                lexicon
                    .districts
                    .iter()
                    .map(|d| &d.concept.labels_zh)
                    .map(|l| l.first().cloned().unwrap_or_default()),
            )?;
        let district_ids = lexicon.districts_with_ids().map(|(id, _)| id).collect();
        Ok(Self {
            lexicon,
            automaton,
            targets,
            district_names,
            district_ids,
            place_names: PlaceNames::new(lexicon),
            division_names: NameLengths::new(lexicon.gazetteer().names().map(|(name, _)| name)),
            candidates: candidates::Candidates::new(lexicon),
            quantities: QuantityReader::new(lexicon)?,
        })
    }

    /// The place a collection is about, read from the start of its title
    /// (上海市2023年度… → 上海市); `None` for a national collection or a
    /// title that starts with no place name.
    pub fn collection_scope(&self, title: &str) -> Option<PlaceId> {
        match self.lexicon.gazetteer().resolve_chain(title) {
            ChainResolution::Unique(chain) => Some(chain.place()),
            _ => None,
        }
    }

    /// Extracts the facts of one case of a collection with no place of its own.
    pub fn extract(&self, case: &Case) -> CaseFacts {
        self.extract_in(case, None)
    }

    /// Extracts the facts of one case; bare place names are read within
    /// `scope`, the collection's place ([`Extractor::collection_scope`]).
    pub fn extract_in(&self, case: &Case, scope: Option<PlaceId>) -> CaseFacts {
        let raw = case.text.as_str();
        let text = TextIndex::new(raw);
        let titles = documents::document_spans(raw);
        let matches = self.scan(raw);
        let district = self.case_district(case, scope);
        let mut agencies = agencies::AgencyReader {
            extractor: self,
            case,
            text: &text,
            matches: &matches,
            titles: &titles,
            district: &district,
            scope: district.in_gazetteer(self.lexicon).or(scope),
        }
        .agencies();
        if let Some(actor) = acting::acting_body(self, case, scope, &text) {
            acting::add_acting_body(&mut agencies, actor);
        }
        let mechanisms = mechanisms::mechanisms(self, raw, &matches, &titles, &district);
        let outcomes = self
            .quantities
            .outcomes(self.lexicon, raw, &text, &mechanisms);
        CaseFacts {
            rank: case.rank,
            district,
            agencies,
            mechanisms: mechanisms::facts(mechanisms, &text),
            candidates: self.candidate_facts(case, &text),
            documents: documents::documents(raw, &text),
            outcomes,
        }
    }

    fn scan(&self, text: &str) -> Vec<LabelMatch> {
        text::find_ignoring_quotes(&self.automaton, text)
            .into_iter()
            .map(|(start, end, pattern)| LabelMatch {
                start,
                end,
                target: self.targets[pattern],
            })
            .collect()
    }

    /// The district of the table of contents (read within the collection's
    /// place), else the place the title starts with (a notice's items:
    /// 北京市西城区…), else the first district the case names with its full
    /// name. A name that stays ambiguous is not guessed.
    fn case_district(&self, case: &Case, scope: Option<PlaceId>) -> Place {
        let gazetteer = self.lexicon.gazetteer();
        if let Some(name) = &case.district {
            if let Some(d) = self.lexicon.district_named(name) {
                return Place::District(d);
            }
            return match gazetteer.resolve(name, scope) {
                Resolution::Unique(place) => self.place_for(place),
                _ => Place::UnknownDistrict(name.clone()),
            };
        }
        // A title that starts with a body the lexicon knows by name names
        // its actor, not a place (新疆生产建设兵团 is no division).
        let starts_with_body = self
            .scan(&case.title)
            .first()
            .is_some_and(|m| m.start == 0 && matches!(m.target, Target::NamedAgency(_)));
        if !starts_with_body {
            if let ChainResolution::Unique(chain) = gazetteer.resolve_chain_in(&case.title, scope) {
                return self.place_for(chain.place());
            }
        }
        self.district_names
            .find(&case.text)
            .map_or(Place::Unknown, |m| {
                Place::District(self.district_ids[m.pattern().as_usize()])
            })
    }

    /// The candidate mechanisms of a case, names the lexicon does not know:
    /// a name one of whose occurrences presents it as an instrument's
    /// ([`Self::names_an_instrument`]), a suffix phrase that recurs in the
    /// case, or a quoted name the case quotes at least
    /// [`candidates::MIN_QUOTED_REPEATS`] times. Never only generic words,
    /// and never a name inside a longer candidate of the same case.
    fn candidate_facts(&self, case: &Case, text: &TextIndex) -> Vec<CandidateFact> {
        let finder = &self.candidates;
        let mut by_name: Vec<NameUses> = Vec::new();
        for occurrence in finder.occurrences(&case.text) {
            let named_here = self.names_an_instrument(case, &occurrence);
            let quoted = matches!(
                occurrence.found,
                candidates::Found::Quoted {
                    in_series: false,
                    ..
                }
            );
            let uses = match by_name.iter().position(|u| u.name == occurrence.name) {
                Some(at) => &mut by_name[at],
                None => {
                    by_name.push(NameUses {
                        name: occurrence.name.clone(),
                        ..NameUses::default()
                    });
                    by_name.last_mut().expect("just pushed")
                }
            };
            uses.starts.push(occurrence.start);
            uses.quoted += usize::from(quoted);
            uses.named |= named_here;
        }
        let accepted: Vec<(String, Vec<usize>)> = by_name
            .into_iter()
            .filter(|u| {
                // A recurring suffix phrase, or a name the case keeps
                // quoting (“专利超市” three times): the case's own subject.
                let recurs = (finder.ends_like_mechanism(&u.name) && u.starts.len() >= 2)
                    || (u.quoted >= candidates::MIN_QUOTED_REPEATS
                        && candidates::han_count(&u.name) >= candidates::MIN_TITLE_NAME);
                (u.named || recurs) && !finder.is_known(&u.name) && !finder.is_generic(&u.name)
            })
            .map(|u| (u.name, u.starts))
            .collect();
        accepted
            .iter()
            .filter(|(name, _)| {
                !accepted
                    .iter()
                    .any(|(other, _)| other.len() > name.len() && other.contains(name.as_str()))
            })
            .map(|(name, starts)| {
                let mut evidence = Vec::new();
                for &at in starts {
                    push_evidence(&mut evidence, text, at);
                }
                CandidateFact {
                    name: name.clone(),
                    evidence,
                }
            })
            .collect()
    }

    /// Does this one occurrence present its name as an instrument's? A
    /// quoted name shaped like one (a candidate suffix or a joint word at
    /// its end, a mechanism head after it: “三贷联动”机制), or presented as
    /// one by the case's title or an adoption verb (采用“…”的方式) when of
    /// at least [`candidates::MIN_TITLE_NAME`] characters and not in a
    /// series of slogans; a suffix phrase in the title (a title names its
    /// practice) or after a claim of a first in its clause (率先建立了…机制:
    /// the case introduces it).
    fn names_an_instrument(&self, case: &Case, occurrence: &candidates::Occurrence) -> bool {
        let finder = &self.candidates;
        let name = occurrence.name.as_str();
        match occurrence.found {
            candidates::Found::Quoted {
                before_head,
                after_adoption,
                in_series,
            } => {
                let shaped_like_a_name = before_head
                    || finder.ends_like_mechanism(name)
                    || finder.ends_like_joint_name(name);
                let presented_as_one = !in_series
                    && (case.title.contains(name) || after_adoption)
                    && candidates::han_count(name) >= candidates::MIN_TITLE_NAME;
                shaped_like_a_name || presented_as_one
            }
            candidates::Found::Phrase { claimed_first } => {
                claimed_first || case.title.contains(name)
            }
        }
    }

    /// The division whose name `text` starts with, read in `scope`, and
    /// the name's byte length; `None` when no name starts it, or when the
    /// longest one stays ambiguous (never guessed).
    fn division_starting(&self, text: &str, scope: Option<PlaceId>) -> Option<(Place, usize)> {
        let (name, len) = self
            .division_names
            .starting(text, |name| self.is_division(name))?;
        Some((self.division_named(name, scope)?, len))
    }

    /// The division whose name `text` ends with, as [`Self::division_starting`].
    fn division_ending(&self, text: &str, scope: Option<PlaceId>) -> Option<(Place, usize)> {
        let (name, len) = self
            .division_names
            .ending(text, |name| self.is_division(name))?;
        Some((self.division_named(name, scope)?, len))
    }

    /// `name` when it names a division of the gazetteer.
    fn is_division<'t>(&self, name: &'t str) -> Option<&'t str> {
        (!self.lexicon.gazetteer().named(name).is_empty()).then_some(name)
    }

    /// The division `name` stands for in `scope`, unless it stays ambiguous.
    fn division_named(&self, name: &str, scope: Option<PlaceId>) -> Option<Place> {
        let gazetteer = self.lexicon.gazetteer();
        let Resolution::Unique(place) = gazetteer.resolve(name, scope) else {
            return None;
        };
        // A short form (滨江 for 滨江区) is read only within the scope's
        // province: outside it, two characters are as likely a plain word
        // (徐汇滨江: the riverside of 徐汇区) as a faraway place.
        let short_form = gazetteer.place(place).concept.pref_zh != name;
        let province = scope.and_then(|s| {
            std::iter::once(s)
                .chain(gazetteer.ancestors(s))
                .find(|p| gazetteer.place(*p).level == PlaceLevel::Province)
        });
        if short_form && province.is_some_and(|p| !gazetteer.is_within(place, p)) {
            return None;
        }
        Some(self.place_for(place))
    }

    /// A gazetteer place as the extractor's [`Place`]: the lexicon's own
    /// district or city when it is one, else a division.
    fn place_for(&self, place: PlaceId) -> Place {
        let iri = &self.lexicon.gazetteer().place(place).concept.iri;
        if let Some((id, _)) = self
            .lexicon
            .districts_with_ids()
            .find(|(_, d)| &d.concept.iri == iri)
        {
            return Place::District(id);
        }
        match self.lexicon.cities_with_ids().find(|(_, c)| &c.iri == iri) {
            Some((id, _)) => Place::City(id),
            None => Place::Division(place),
        }
    }

    /// The city a place belongs to: for a division, the nearest city (or
    /// prefecture) it lies in.
    fn city_of(&self, place: &Place) -> Place {
        match place {
            Place::District(d) => self
                .lexicon
                .district(*d)
                .city
                .map_or(Place::Unknown, Place::City),
            Place::City(c) => Place::City(*c),
            Place::Division(id) => {
                let gazetteer = self.lexicon.gazetteer();
                std::iter::once(*id)
                    .chain(gazetteer.ancestors(*id))
                    .map(|p| self.place_for(p))
                    .find(|p| matches!(p, Place::City(_)))
                    .or_else(|| {
                        gazetteer
                            .ancestors(*id)
                            .find(|p| gazetteer.place(*p).level == PlaceLevel::Prefecture)
                            .map(Place::Division)
                    })
                    .unwrap_or(Place::Unknown)
            }
            _ => Place::Unknown,
        }
    }
}

/// District and city labels by text, so that finding the place named right
/// before a body costs a lookup per label length, not a scan of every
/// city of the country.
struct PlaceNames {
    places: HashMap<String, Vec<Place>>,
    lengths: NameLengths,
}

impl PlaceNames {
    fn new(lexicon: &Lexicon) -> Self {
        let mut places: HashMap<String, Vec<Place>> = HashMap::new();
        let districts = lexicon.districts_with_ids().flat_map(|(id, d)| {
            d.concept
                .labels_zh
                .iter()
                .map(move |l| (l, Place::District(id)))
        });
        let cities = lexicon
            .cities_with_ids()
            .flat_map(|(id, c)| c.labels_zh.iter().map(move |l| (l, Place::City(id))));
        for (label, place) in districts.chain(cities) {
            if !label.is_empty() {
                places.entry(label.clone()).or_default().push(place);
            }
        }
        let lengths = NameLengths::new(places.keys().map(String::as_str));
        Self { places, lengths }
    }

    /// The place whose longest label `text` ends with, and that label's length.
    fn ending(&self, text: &str) -> Option<(Place, usize)> {
        self.lengths.ending(text, |label| self.place(label))
    }

    /// The place whose longest label `text` starts with, and that label's length.
    fn starting(&self, text: &str) -> Option<(Place, usize)> {
        self.lengths.starting(text, |label| self.place(label))
    }

    /// Among places of one label a city wins over a district, the later
    /// over the earlier (as the scan over districts then cities did).
    fn place(&self, label: &str) -> Option<Place> {
        self.places.get(label)?.last().cloned()
    }
}

/// The distinct byte lengths of a set of names, longest first: finding the
/// longest name a text starts or ends with costs a lookup per length.
struct NameLengths(Vec<usize>);

impl NameLengths {
    fn new<'n>(names: impl Iterator<Item = &'n str>) -> Self {
        let mut lengths: Vec<usize> = names.map(str::len).filter(|len| *len > 0).collect();
        lengths.sort_unstable_by(|a, b| b.cmp(a));
        lengths.dedup();
        Self(lengths)
    }

    /// What `found` makes of the longest name `text` starts with (of those
    /// it accepts), and that name's length.
    fn starting<'t, T>(
        &self,
        text: &'t str,
        found: impl Fn(&'t str) -> Option<T>,
    ) -> Option<(T, usize)> {
        self.0
            .iter()
            .find_map(|&len| Some((found(text.get(..len)?)?, len)))
    }

    /// As [`Self::starting`], for the name `text` ends with.
    fn ending<'t, T>(
        &self,
        text: &'t str,
        found: impl Fn(&'t str) -> Option<T>,
    ) -> Option<(T, usize)> {
        self.0.iter().find_map(|&len| {
            let at = text.len().checked_sub(len)?;
            Some((found(text.get(at..)?)?, len))
        })
    }
}

/// Adds the sentence around byte `at` unless the list has it. Facts are
/// read in text order, so a repeat is the last entry and the sentence is
/// only copied when it is new.
fn push_evidence(list: &mut Vec<Evidence>, text: &TextIndex, at: usize) {
    let span = text.sentence_chars(at);
    let same = |e: &Evidence| (e.start, e.end) == span;
    let known = match list.last() {
        None => false,
        Some(last) if (last.start, last.end) < span => false,
        Some(last) if same(last) => true,
        Some(_) => list.iter().any(same),
    };
    if !known {
        list.push(text.sentence_at(at));
    }
}

#[cfg(test)]
mod tests {
    use reformkg_corpus::Case;
    use reformkg_lexicon::{ContextRole, Lexicon};
    use std::path::Path;

    /// The project's own vocabulary: extraction rules are data, so the
    /// tests exercise them through the real ontology.
    pub(super) fn lexicon() -> Lexicon {
        Lexicon::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ontology"))
            .expect("the ontology loads")
    }

    /// A one-paragraph case of a district, without title or sections.
    pub(super) fn case(district: &str, text: &str) -> Case {
        Case {
            rank: 1,
            district: Some(district.to_owned()),
            title: String::new(),
            text: text.to_owned(),
            sections: Vec::new(),
        }
    }

    #[test]
    fn the_ontology_declares_the_rules_the_extractor_reads() {
        let lexicon = lexicon();
        let numeral = |label: &str| lexicon.numerals.iter().find(|n| n.label == label);
        assert_eq!(
            numeral("两").map(|n| (n.value, n.indefinite_alone)),
            Some((2, false))
        );
        assert_eq!(
            numeral("一").map(|n| (n.value, n.indefinite_alone)),
            Some((1, true))
        );
        let unit = |label: &str| {
            lexicon
                .units
                .iter()
                .find(|u| u.concept.pref_zh == label)
                .expect("unit defined")
        };
        assert_eq!(unit("年").calendar_digits, Some(4));
        assert_eq!(unit("年").period_if_qualified_by, ["近"]);
        assert_eq!(unit("日").date_if_preceded_by, ["月"]);
        assert!(unit("期").ordinal_after_chinese_numeral);
        let percent = lexicon.fraction_marks.first().and_then(|f| f.unit);
        assert_eq!(
            percent.map(|u| lexicon.unit(u).concept.pref_zh.as_str()),
            Some("%")
        );
        for role in [
            ContextRole::VenueBefore,
            ContextRole::Background,
            ContextRole::GenericHead,
            ContextRole::ModifierHead,
            ContextRole::CountVerb,
        ] {
            assert!(!lexicon.context(role).is_empty(), "no {role} words");
        }
        assert!(lexicon.non_state_labels.iter().any(|l| l == "工商联"));
        assert!(lexicon.candidate_suffixes.iter().any(|s| s == "一件事"));
        assert!(lexicon
            .candidate_scheme
            .as_deref()
            .is_some_and(|s| s.ends_with("scheme/mechanisms")));
        let court = lexicon
            .agency_types
            .iter()
            .find(|t| t.concept.pref_zh == "法院")
            .expect("court type");
        assert_eq!(court.body_name.as_deref(), Some("人民法院"));
    }

    #[test]
    fn a_lexicon_without_the_words_a_rule_reads_is_refused() {
        let partial = r#"@prefix rk: <https://w3id.org/reformkg/ontology#> .
            <http://x/c> a rk:ContextWord ; rk:contextRole "agent" ; <http://www.w3.org/2000/01/rdf-schema#label> "由"@zh ."#;
        let lexicon =
            Lexicon::from_turtle([("partial.ttl", partial.as_bytes())]).expect("valid Turtle");
        let Err(err) = super::Extractor::new(&lexicon) else {
            panic!("an extractor without boundary words");
        };
        assert_eq!(
            err.to_string(),
            "partial.ttl: no rk:ContextWord has rk:contextRole \"boundary\", which the agency rules needs"
        );
        assert!(super::Extractor::new(&self::lexicon()).is_ok());
    }

    /// The roles `Extractor::new` requires are exactly those each rule
    /// module reads.
    #[test]
    fn each_rule_module_declares_the_context_roles_it_reads() {
        let modules = [
            (include_str!("agencies.rs"), super::agencies::CONTEXT_ROLES),
            (
                include_str!("mechanisms.rs"),
                super::mechanisms::CONTEXT_ROLES,
            ),
            (
                include_str!("quantities.rs"),
                super::quantities::CONTEXT_ROLES,
            ),
        ];
        for (source, declared) in modules {
            let code: String = source.chars().filter(|c| !c.is_whitespace()).collect();
            for role in ContextRole::ALL {
                let read = code.contains(&format!("context(ContextRole::{role:?})"));
                assert_eq!(read, declared.contains(role), "{role:?}");
            }
        }
    }

    fn candidate_names(title: &str, text: &str) -> Vec<String> {
        let lexicon = lexicon();
        let extractor = super::Extractor::new(&lexicon).expect("matcher builds");
        let mut case = case("未知区", text);
        case.title = title.to_owned();
        extractor
            .extract(&case)
            .candidates
            .into_iter()
            .map(|c| c.name)
            .collect()
    }

    #[test]
    fn a_quoted_name_of_a_joint_arrangement_is_a_candidate() {
        let names = candidate_names("", "其次是“医养结合”，区政府牵头。再次是“校企协同”。");
        assert_eq!(names, ["医养结合", "校企协同"]);
        // Unquoted, or with a single character before the joint word, it
        // names nothing.
        assert!(candidate_names("", "医养结合，校企协同。“强联动”").is_empty());
    }

    #[test]
    fn a_suffix_phrase_counts_once_in_the_title_and_before_a_head_word() {
        let line = "全面推行企业年报信息共享制度改革";
        assert_eq!(candidate_names(line, line), ["企业年报信息共享制度"]);
        // In the body alone, once is not enough.
        assert!(candidate_names("", line).is_empty());
    }

    #[test]
    fn a_suffix_phrase_counts_once_after_a_claim_of_a_first() {
        let text = "区检察院在全市率先建立了第三方未名评估机制。";
        assert_eq!(candidate_names("", text), ["第三方未名评估机制"]);
        // The claim must be in the phrase's own clause, before it.
        let elsewhere = "区检察院率先试点，建立了第三方未名评估机制。";
        assert!(candidate_names("", elsewhere).is_empty());
        let after = "建立了第三方未名评估机制，在全市率先。";
        assert!(candidate_names("", after).is_empty());
    }

    #[test]
    fn a_name_may_hold_latin_letters_and_digits() {
        let text = "推行XYZ快办制度。企业受益于XYZ快办制度。";
        assert_eq!(candidate_names("", text), ["XYZ快办制度"]);
        // The places before a name say where it is used.
        let title = "上海市浦东新区XYZ快办制度改革";
        assert_eq!(candidate_names(title, title), ["XYZ快办制度"]);
    }

    #[test]
    fn a_quoted_name_after_an_adoption_verb_is_a_candidate() {
        let text = "区法院采用“先审后调”的方式。";
        assert_eq!(candidate_names("", text), ["先审后调"]);
        // Without the verb, or of three characters, it names nothing.
        assert!(candidate_names("", "区法院说明“先审后调”的方式。").is_empty());
        assert!(candidate_names("", "区法院采用“先审调”的方式。").is_empty());
    }

    #[test]
    fn a_series_of_quoted_slogans_is_not_a_list_of_names() {
        let title = "“抓甲促乙”“抓丙促丁”“以戊促己”";
        assert!(candidate_names(title, title).is_empty());
        let two = "“抓甲促乙”“抓丙促丁”";
        assert_eq!(candidate_names(two, two), ["抓甲促乙", "抓丙促丁"]);
    }

    #[test]
    fn known_names_joined_by_a_plus_sign_are_no_candidate() {
        let lexicon = lexicon();
        let [first, second] = [0, 1].map(|i| lexicon.mechanisms[i].pref_zh.clone());
        let text = format!("区里采用“{first}+{second}”的方式，又采用“{first}+未名办”的方式。");
        assert_eq!(candidate_names("", &text), [format!("{first}+未名办")]);
    }

    #[test]
    fn a_name_quoted_three_times_is_a_candidate() {
        let thrice = "设立“未名超市”。依托“未名超市”。“未名超市”运行良好。";
        assert_eq!(candidate_names("", thrice), ["未名超市"]);
        let twice = "设立“未名超市”。依托“未名超市”。";
        assert!(candidate_names("", twice).is_empty());
    }

    #[test]
    fn places_targets_and_generic_words_make_no_candidate() {
        for title in [
            "湖北省黄石市试点",
            "探索政务服务新模式",
            "完善生态保护体制机制",
            "深化综合改革试点",
        ] {
            assert_eq!(
                candidate_names(title, title),
                Vec::<String>::new(),
                "{title}"
            );
        }
    }

    /// Every evidence of the facts slices its sentence out of the text.
    fn assert_evidence_slices(facts: &super::CaseFacts, text: &str) {
        let chars: Vec<char> = text.chars().collect();
        let evidence = facts
            .agencies
            .iter()
            .flat_map(|a| &a.evidence)
            .chain(facts.mechanisms.iter().flat_map(|m| &m.evidence))
            .chain(facts.documents.iter().flat_map(|d| &d.evidence))
            .chain(facts.outcomes.iter().map(|o| &o.evidence));
        for e in evidence {
            let sliced: String = chars[e.start..e.end].iter().collect();
            assert_eq!(sliced, e.sentence);
        }
    }

    #[test]
    fn fragments_of_the_seed_extract_without_panics() {
        let lexicon = lexicon();
        let extractor = super::Extractor::new(&lexicon).expect("matcher builds");
        let seed = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../seeds/shanghai-2023-district-cases.txt"),
        )
        .expect("the seed reads");
        let chars: Vec<char> = seed.chars().collect();
        // Cuts at arbitrary places: inside numbers, brackets and names.
        for start in (0..chars.len()).step_by(997) {
            for len in [1, 2, 3, 5, 8, 13, 40, 200] {
                let text: String = chars[start..(start + len).min(chars.len())]
                    .iter()
                    .collect();
                let facts = extractor.extract(&case("金山区", &text));
                assert_evidence_slices(&facts, &text);
            }
        }
        for line in seed.lines() {
            let facts = extractor.extract(&case("未知区", line));
            assert_evidence_slices(&facts, line);
        }
    }
}
