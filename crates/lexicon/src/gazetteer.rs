//! The gazetteer: China's administrative divisions as typed places, read
//! from the ontology's `rk:divisionLevel` triples (`ontology/places.ttl`,
//! generated from GB/T 2260 data, and the hand-written places of
//! `districts.ttl` and `reformkg.ttl`).
//!
//! A place is whatever has an `rk:divisionLevel`; its level comes from that
//! triple (never from its IRI or class), its parent from
//! `schema:containedInPlace`, its names from `skos:prefLabel` and
//! `skos:altLabel` @zh. Names are not unique (朝阳区 is in Beijing and in
//! Changchun): [`Gazetteer::resolve`] narrows a name by a scope, and
//! [`Gazetteer::resolve_chain`] reads names that qualify each other
//! (吉林省长春市朝阳区).

use crate::ids::with_ids;
use crate::{Concept, Index, LexiconError, PlaceId, PlaceLevel};
use aho_corasick::{AhoCorasick, MatchKind};
use oxrdf::Term;
use reformkg_vocab::{rk, term, SCHEMA};
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// An administrative division, or the country.
#[derive(Debug, Clone)]
pub struct Place {
    /// The IRI, the official name (`pref_zh`) and every Chinese name
    /// (`labels_zh`: prefLabel first, then the short forms).
    pub concept: Concept,
    /// The six-digit division code (GB/T 2260); the country has none.
    pub code: Option<String>,
    pub level: PlaceLevel,
    /// The place one level up (the country has none).
    pub parent: Option<PlaceId>,
}

/// What a name stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    Unique(PlaceId),
    /// Several places remain; in id order.
    Ambiguous(Vec<PlaceId>),
    /// No place has the name.
    Unknown,
}

/// Place names read at the start of a text, each contained in the one
/// before it (浙江省湖州市德清县).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    /// The places, outermost first; the last is the place the text names.
    pub places: Vec<PlaceId>,
    /// The byte length of the names.
    pub len: usize,
}

impl Chain {
    /// The place the chain names: its innermost.
    pub fn place(&self) -> PlaceId {
        *self.places.last().expect("a chain has a place")
    }
}

/// What the place names at the start of a text stand for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainResolution {
    Unique(Chain),
    /// Several readings of the same length remain (朝阳区 alone).
    Ambiguous(Vec<Chain>),
    /// The text does not start with a place name.
    Unknown,
}

/// The places of the ontology, by id, code and name.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    /// In IRI order; a [`PlaceId`] is a position here.
    places: Vec<Place>,
    by_code: HashMap<String, PlaceId>,
    /// Every Chinese name once, sorted, with the places that have it; the
    /// matcher's pattern `i` is `names[i]`.
    names: Vec<(String, Vec<PlaceId>)>,
    /// All of `names`, for reading chains; built by the first chain read
    /// (most users of a lexicon read none). None when there are no names.
    matcher: OnceLock<Option<AhoCorasick>>,
    /// The longest name, in bytes.
    longest_name: usize,
}

impl Gazetteer {
    pub(crate) fn read(index: &Index) -> Result<Self, LexiconError> {
        let level_p = rk("divisionLevel");
        let code_p = rk("divisionCode");
        let parent_p = term(SCHEMA, "containedInPlace");
        let subjects = index.subjects_with(&level_p);
        let ids: HashMap<&str, PlaceId> = subjects
            .iter()
            .enumerate()
            .map(|(i, (s, _))| (s.as_str(), PlaceId::at(i)))
            .collect();
        let mut places = Vec::with_capacity(subjects.len());
        for (iri, _) in &subjects {
            // Each distinct value with the first file that states it.
            let (mut levels, mut codes, mut parents) =
                (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
            for &(p, o, path) in index.triples(iri) {
                let values = if p == level_p.as_str() {
                    &mut levels
                } else if p == code_p.as_str() {
                    &mut codes
                } else if p == parent_p.as_str() {
                    match o {
                        Term::NamedNode(n) if ids.contains_key(n.as_str()) => &mut parents,
                        _ => continue,
                    }
                } else {
                    continue;
                };
                let value = match o {
                    Term::NamedNode(n) => n.as_str(),
                    Term::Literal(l) => l.value(),
                    Term::BlankNode(b) => b.as_str(),
                };
                values.entry(value).or_insert(path);
            }
            let level = only(iri, levels, "rk:divisionLevel")?
                .map(|(level, path)| place_level(iri, level, path))
                .transpose()?
                .expect("the subject has a level");
            let code = only(iri, codes, "rk:divisionCode")?.map(|(code, _)| code.to_owned());
            let parent = only(iri, parents, "schema:containedInPlace")?
                .map(|(parent, path)| (ids[parent], path));
            places.push((index.concept(iri.clone(), "place")?, code, level, parent));
        }
        let levels: Vec<PlaceLevel> = places.iter().map(|(_, _, level, _)| *level).collect();
        let mut gazetteer = Gazetteer::default();
        for (concept, code, level, parent) in places {
            if let Some((parent, path)) = parent {
                if levels[parent.position()] >= level {
                    return Err(LexiconError::PlaceParentLevel {
                        path: path.to_owned(),
                        subject: concept.iri,
                        level,
                        parent: subjects[parent.position()].0.clone(),
                        parent_level: levels[parent.position()],
                    });
                }
            }
            let id = PlaceId::at(gazetteer.places.len());
            if let Some(code) = &code {
                if let Some(other) = gazetteer.by_code.insert(code.clone(), id) {
                    return Err(LexiconError::SharedDivisionCode {
                        code: code.clone(),
                        first: gazetteer.places[other.position()].concept.iri.clone(),
                        second: concept.iri,
                    });
                }
            }
            gazetteer.places.push(Place {
                concept,
                code,
                level,
                parent: parent.map(|(p, _)| p),
            });
        }
        gazetteer.index_names();
        Ok(gazetteer)
    }

    fn index_names(&mut self) {
        let mut names: BTreeMap<&str, Vec<PlaceId>> = BTreeMap::new();
        for (id, place) in with_ids(&self.places, PlaceId::at) {
            for label in &place.concept.labels_zh {
                names.entry(label).or_default().push(id);
            }
        }
        self.names = names
            .into_iter()
            .map(|(name, ids)| (name.to_owned(), ids))
            .collect();
        self.longest_name = self.names.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    }

    fn matcher(&self) -> Option<&AhoCorasick> {
        self.matcher
            .get_or_init(|| {
                // Standard semantics: every name that matches is reported,
                // so that a chain can try 阿拉善 and 阿拉善右旗 alike.
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(self.names.iter().map(|(n, _)| n))
                    .ok()
                    .filter(|_| !self.names.is_empty())
            })
            .as_ref()
    }

    pub fn place(&self, id: PlaceId) -> &Place {
        &self.places[id.position()]
    }

    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    pub fn places_with_ids(&self) -> impl Iterator<Item = (PlaceId, &Place)> {
        with_ids(&self.places, PlaceId::at)
    }

    /// The place with this six-digit division code.
    pub fn by_code(&self, code: &str) -> Option<PlaceId> {
        self.by_code.get(code).copied()
    }

    /// The place with this IRI.
    pub fn by_iri(&self, iri: &str) -> Option<PlaceId> {
        self.places
            .binary_search_by(|p| p.concept.iri.as_str().cmp(iri))
            .ok()
            .map(PlaceId::at)
    }

    /// The places that contain `id`, nearest first, up to the country.
    pub fn ancestors(&self, id: PlaceId) -> impl Iterator<Item = PlaceId> + '_ {
        std::iter::successors(self.place(id).parent, |p| self.place(*p).parent)
    }

    /// Whether `id` is `scope` or lies within it.
    pub fn is_within(&self, id: PlaceId, scope: PlaceId) -> bool {
        id == scope || self.ancestors(id).any(|a| a == scope)
    }

    /// Every Chinese name with a place it names (a name of several places
    /// comes once for each), for building a matcher.
    pub fn names(&self) -> impl Iterator<Item = (&str, PlaceId)> {
        self.places_with_ids().flat_map(|(id, p)| {
            p.concept
                .labels_zh
                .iter()
                .map(move |label| (label.as_str(), id))
        })
    }

    /// The places a name names, whatever their scope (in id order).
    pub fn named(&self, name: &str) -> &[PlaceId] {
        self.names
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
            .map_or(&[], |i| self.names[i].1.as_slice())
    }

    /// What a bare name stands for, read in `scope`: the places within the
    /// scope first, else within its parent, and so on up to the country.
    /// Ambiguous when several places remain at the nearest level that has
    /// any (朝阳 in 辽宁省 is both 朝阳市 and its 朝阳县).
    pub fn resolve(&self, name: &str, scope: Option<PlaceId>) -> Resolution {
        let mut candidates = self.nearest(self.named(name).to_vec(), scope, |id| *id);
        match candidates.len() {
            0 => Resolution::Unknown,
            1 => Resolution::Unique(candidates[0]),
            _ => {
                candidates.sort();
                Resolution::Ambiguous(candidates)
            }
        }
    }

    /// The longest chain of place names at the start of `text`, each name
    /// a place within the one before (北京市西城区, 内蒙古自治区阿拉善右旗,
    /// 浙江湖州). A level may be left out; the same name may not repeat.
    ///
    /// A name that ends in 市 may also be the start of the next word:
    /// 上海市场监管局 reads as 上海市, and the caller decides.
    pub fn resolve_chain(&self, text: &str) -> ChainResolution {
        self.resolve_chain_in(text, None)
    }

    /// [`Gazetteer::resolve_chain`], with readings of the same length
    /// narrowed by `scope` as [`Gazetteer::resolve`] narrows a name (by the
    /// innermost place of each reading).
    pub fn resolve_chain_in(&self, text: &str, scope: Option<PlaceId>) -> ChainResolution {
        let mut readings = Readings::default();
        self.read_chain(text, 0, &mut Vec::new(), &mut readings);
        let chains: Vec<Chain> = readings
            .places
            .into_iter()
            .map(|places| Chain {
                places,
                len: readings.len,
            })
            .collect();
        let mut chains = self.nearest(chains, scope, Chain::place);
        match chains.len() {
            0 => ChainResolution::Unknown,
            1 => ChainResolution::Unique(chains.remove(0)),
            _ => ChainResolution::Ambiguous(chains),
        }
    }

    /// Extends `path` (a chain ending at byte `at`) by every name that
    /// starts at `at` and names a place within the last one.
    fn read_chain(&self, text: &str, at: usize, path: &mut Vec<PlaceId>, readings: &mut Readings) {
        if !path.is_empty() {
            readings.offer(at, path);
        }
        let Some(matcher) = self.matcher() else {
            return;
        };
        let mut end = text.len().min(at + self.longest_name);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let starting_here: Vec<(usize, usize)> = matcher
            .find_overlapping_iter(&text[at..end])
            .filter(|m| m.start() == 0)
            .map(|m| (m.end(), m.pattern().as_usize()))
            .collect();
        for (len, name) in starting_here {
            for &place in &self.names[name].1 {
                let inside = path
                    .last()
                    .is_none_or(|&outer| place != outer && self.is_within(place, outer));
                if inside {
                    path.push(place);
                    self.read_chain(text, at + len, path, readings);
                    path.pop();
                }
            }
        }
    }

    /// The candidates nearest to `scope`: those within it, else within its
    /// parent, and so on; all of them without a scope or when none is
    /// within the scope's country.
    fn nearest<T>(
        &self,
        candidates: Vec<T>,
        scope: Option<PlaceId>,
        place: impl Fn(&T) -> PlaceId,
    ) -> Vec<T> {
        if candidates.len() < 2 {
            return candidates;
        }
        let Some(scope) = scope else {
            return candidates;
        };
        for level in std::iter::once(scope).chain(self.ancestors(scope)) {
            if candidates.iter().any(|c| self.is_within(place(c), level)) {
                return candidates
                    .into_iter()
                    .filter(|c| self.is_within(place(c), level))
                    .collect();
            }
        }
        candidates
    }
}

/// The longest chains read so far.
#[derive(Default)]
struct Readings {
    len: usize,
    places: Vec<Vec<PlaceId>>,
}

impl Readings {
    fn offer(&mut self, len: usize, places: &[PlaceId]) {
        if len > self.len {
            self.len = len;
            self.places.clear();
        }
        if len == self.len && !self.places.iter().any(|p| p == places) {
            self.places.push(places.to_vec());
        }
    }
}

/// The one value of a property of `subject` (an IRI or a literal's text),
/// with the file that states it; an error when it has two different values.
fn only<'o>(
    subject: &str,
    values: BTreeMap<&'o str, &'o str>,
    property: &'static str,
) -> Result<Option<(&'o str, &'o str)>, LexiconError> {
    if values.len() > 1 {
        let path = values.values().next().copied().unwrap_or_default();
        return Err(conflict(path, subject, property, values.keys().copied()));
    }
    Ok(values.into_iter().next())
}

fn conflict<'a>(
    path: &str,
    subject: &str,
    property: &'static str,
    values: impl IntoIterator<Item = &'a str>,
) -> LexiconError {
    LexiconError::PlaceConflict {
        path: path.to_owned(),
        subject: subject.to_owned(),
        property,
        values: values.into_iter().collect::<Vec<_>>().join(", "),
    }
}

/// The division level an IRI names, or an error naming the place and file.
pub(crate) fn place_level(
    subject: &str,
    iri: &str,
    path: &str,
) -> Result<PlaceLevel, LexiconError> {
    PlaceLevel::ALL
        .iter()
        .copied()
        .find(|l| rk(l.name()).as_str() == iri)
        .ok_or_else(|| LexiconError::UnknownDivisionLevel {
            path: path.to_owned(),
            subject: subject.to_owned(),
            level: iri.to_owned(),
            known: format!("rk:{}", PlaceLevel::names().replace(", ", ", rk:")),
        })
}
