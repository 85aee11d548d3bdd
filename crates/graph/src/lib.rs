//! Graph stage: collections and their facts in, RDF quads out.
//!
//! What this crate owns: turning facts (which refer to lexicon entries by
//! typed id) into quads, minting every IRI, and adding the ontology's own
//! triples ([`Graph::add_ontology`]). What it must not know: how text is
//! matched (that is extract's) or how quads are stored (the store's).
//!
//! Every IRI is deterministic: the collection slug and the case rank for
//! cases, outcomes and mentions; lexicon IRIs for concepts; the place and the
//! agency type for local agencies; a digest of the title for documents. The
//! same input therefore gives the same quads, in the same order.

use oxrdf::{GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term};
use reformkg_corpus::{Case, Collection};
use reformkg_extract::{AgencyFact, AgencyKey, CaseFacts, Evidence, Place};
use reformkg_lexicon::{AdministrativeLevel, AgencyTypeId, Lexicon, Ontology, PlaceId, PlaceLevel};
use reformkg_vocab::{
    encode_local, id_ns, rk, term, DCT, OA, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, XSD,
};
use rustc_hash::FxHasher;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault};

/// A set of quads in the default graph, kept in insertion order without
/// duplicates.
///
/// Duplicates are found through a map from quad hashes to positions rather
/// than a set of quads, so each quad is held once; quads whose hashes
/// collide are chained through `next`, so that no quad costs an allocation
/// of its own beyond its terms.
#[derive(Debug, Default)]
pub struct Graph {
    quads: Vec<Quad>,
    /// The first quad with a given hash.
    first: HashMap<u64, usize>,
    /// For each quad, the next one with the same hash ([`NO_NEXT`]: none).
    next: Vec<usize>,
    hasher: BuildHasherDefault<FxHasher>,
}

const NO_NEXT: usize = usize::MAX;

impl Graph {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, s: &NamedNode, p: NamedNode, o: impl Into<Term>) {
        self.insert(Quad::new(s.clone(), p, o.into(), GraphName::DefaultGraph));
    }

    /// Adds the ontology's triples (labels and `skos:broader` families for
    /// queries), for the places this graph refers to ([`ontology_quads`]).
    /// So call this after adding the collections.
    pub fn add_ontology(&mut self, ontology: &Ontology, lexicon: &Lexicon) {
        let referred = self.referred_places(lexicon);
        self.extend(ontology_quads(ontology, lexicon, referred));
    }

    /// The places of the gazetteer the graph's quads refer to.
    pub fn referred_places(&self, lexicon: &Lexicon) -> Vec<PlaceId> {
        referred_places(&self.quads, lexicon)
    }

    /// Adds quads read elsewhere.
    pub fn extend(&mut self, quads: impl IntoIterator<Item = Quad>) {
        for quad in quads {
            self.insert(Quad::new(
                quad.subject,
                quad.predicate,
                quad.object,
                GraphName::DefaultGraph,
            ));
        }
    }

    fn insert(&mut self, quad: Quad) {
        let position = self.quads.len();
        let hash = self.hasher.hash_one(&quad);
        let Some(&first) = self.first.get(&hash) else {
            self.first.insert(hash, position);
            self.quads.push(quad);
            self.next.push(NO_NEXT);
            return;
        };
        let mut at = first;
        loop {
            if self.quads[at] == quad {
                return;
            }
            if self.next[at] == NO_NEXT {
                break;
            }
            at = self.next[at];
        }
        self.next[at] = position;
        self.quads.push(quad);
        self.next.push(NO_NEXT);
    }

    pub fn len(&self) -> usize {
        self.quads.len()
    }

    pub fn is_empty(&self) -> bool {
        self.quads.is_empty()
    }

    pub fn quads(&self) -> &[Quad] {
        &self.quads
    }

    pub fn into_quads(self) -> Vec<Quad> {
        self.quads
    }
}

/// The places of the gazetteer that `quads` refer to (as objects), sorted.
pub fn referred_places(quads: &[Quad], lexicon: &Lexicon) -> Vec<PlaceId> {
    let gazetteer = lexicon.gazetteer();
    let mut places: Vec<PlaceId> = quads
        .iter()
        .filter_map(|q| match &q.object {
            Term::NamedNode(n) => gazetteer.by_iri(n.as_str()),
            _ => None,
        })
        .collect();
    places.sort_unstable();
    places.dedup();
    places
}

/// The ontology's triples for a graph that refers to `referred` places. Of
/// the gazetteer's three thousand places only those, their ancestors and
/// the lexicon's own districts go in: all of them would be twenty thousand
/// triples in every store.
pub fn ontology_quads<'o>(
    ontology: &'o Ontology,
    lexicon: &'o Lexicon,
    referred: impl IntoIterator<Item = PlaceId>,
) -> impl Iterator<Item = Quad> + 'o {
    let gazetteer = lexicon.gazetteer();
    let curated = lexicon
        .districts
        .iter()
        .filter_map(|d| gazetteer.by_iri(&d.concept.iri));
    let mut kept: HashSet<PlaceId> = HashSet::new();
    for place in referred.into_iter().chain(curated) {
        if kept.insert(place) {
            kept.extend(gazetteer.ancestors(place));
        }
    }
    ontology
        .quads()
        .iter()
        .filter(move |q| match &q.subject {
            NamedOrBlankNode::NamedNode(n) => gazetteer
                .by_iri(n.as_str())
                .is_none_or(|p| kept.contains(&p)),
            NamedOrBlankNode::BlankNode(_) => true,
        })
        .map(|q| {
            Quad::new(
                q.subject.clone(),
                q.predicate.clone(),
                q.object.clone(),
                GraphName::DefaultGraph,
            )
        })
}

/// Mints the IRIs of one collection's resources.
struct Minter<'a> {
    slug: &'a str,
}

impl Minter<'_> {
    fn collection(&self) -> NamedNode {
        node(&id_ns("collection"), self.slug)
    }
    fn case(&self, rank: u32) -> NamedNode {
        node(&id_ns("case"), &format!("{}-{rank}", self.slug))
    }
    fn outcome(&self, rank: u32, n: usize) -> NamedNode {
        node(&id_ns("outcome"), &format!("{}-{rank}-{n}", self.slug))
    }
    fn mention(&self, rank: u32, n: usize) -> NamedNode {
        node(&id_ns("mention"), &format!("{}-{rank}-{n}", self.slug))
    }
    fn pair(&self, first: u32, second: u32) -> NamedNode {
        node(&id_ns("pair"), &format!("{}-{first}-{second}", self.slug))
    }
}

/// An IRI from a namespace and a local part; the local part is
/// percent-encoded where it has characters an IRI cannot hold.
fn node(namespace: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{namespace}{}", encode_local(local)))
}

fn iri(s: &str) -> NamedNode {
    NamedNode::new_unchecked(s)
}

fn zh(value: &str) -> Literal {
    Literal::new_language_tagged_literal_unchecked(value, "zh")
}

fn en(value: &str) -> Literal {
    Literal::new_language_tagged_literal_unchecked(value, "en")
}

fn integer(value: impl ToString) -> Literal {
    Literal::new_typed_literal(value.to_string(), term(XSD, "integer"))
}

/// Adds one collection, its cases and their facts. `facts[i]` belongs to
/// `collection.cases[i]`.
pub fn add_collection(
    graph: &mut Graph,
    lexicon: &Lexicon,
    collection: &Collection,
    facts: &[CaseFacts],
) {
    let mint = Minter {
        slug: &collection.slug,
    };
    let c = mint.collection();
    graph.add(&c, term(RDF, "type"), rk("CaseCollection"));
    graph.add(&c, term(DCT, "title"), zh(&collection.title));
    graph.add(&c, term(RDFS, "label"), zh(&collection.title));
    graph.add(
        &c,
        term(DCT, "source"),
        Literal::new_simple_literal(&collection.source_name),
    );
    graph.add(
        &c,
        rk("sha256"),
        Literal::new_simple_literal(&collection.sha256),
    );
    if let Some(publisher) = &collection.publisher {
        graph.add(&c, term(DCT, "publisher"), zh(publisher));
    }
    if let Some(issued) = &collection.issued {
        graph.add(&c, term(DCT, "issued"), zh(issued));
    }
    if let Some(year) = collection.year {
        graph.add(&c, rk("year"), integer(year));
    }
    if let Some(number) = &collection.document_number {
        // The issuer's document number (发文字号), e.g. 国办发〔2018〕108号.
        graph.add(&c, term(DCT, "identifier"), zh(number));
    }
    for (case, facts) in collection.cases.iter().zip(facts) {
        CaseWriter {
            graph: &mut *graph,
            lexicon,
            mint: &mint,
            case,
            case_iri: mint.case(case.rank),
            mentions: 0,
        }
        .write(&c, facts);
    }
    add_case_pairs(graph, lexicon, &mint, collection, facts);
}

/// How many pairs of one collection's cases [`add_case_pairs`] keeps: the
/// `LIMIT` of `queries/shared-mechanisms.rq`, so that its answer over any
/// number of collections is the one it would give joining every link (the
/// top 200 of a store are among the top 200 of their own collections).
pub const PAIRS_PER_COLLECTION: usize = 200;

/// Derives the `rk:CasePair`s of a collection: two of its cases and how
/// many mechanisms both use, for the [`PAIRS_PER_COLLECTION`] pairs that
/// share the most (ties: lower ranks first). A question about the most
/// alike cases then reads these few stored pairs; counting them at query
/// time joins every mechanism link of a collection with every other, which
/// at 10,000 cases takes seconds.
fn add_case_pairs(
    graph: &mut Graph,
    lexicon: &Lexicon,
    mint: &Minter,
    collection: &Collection,
    facts: &[CaseFacts],
) {
    let mechanisms: Vec<(u32, HashSet<NamedNode>)> = collection
        .cases
        .iter()
        .zip(facts)
        .map(|(case, facts)| {
            let curated = facts
                .mechanisms
                .iter()
                .map(|m| iri(&lexicon.mechanism(m.mechanism).iri));
            let candidates = facts.candidates.iter().map(|c| candidate_iri(&c.name));
            (case.rank, curated.chain(candidates).collect())
        })
        .collect();
    for (first, second, shared) in most_shared(&mechanisms, PAIRS_PER_COLLECTION) {
        let pair = mint.pair(first, second);
        graph.add(&pair, term(RDF, "type"), rk("CasePair"));
        graph.add(&pair, rk("firstCase"), mint.case(first));
        graph.add(&pair, rk("secondCase"), mint.case(second));
        graph.add(&pair, rk("sharedMechanismCount"), integer(shared));
    }
}

/// The `limit` pairs of `(rank, mechanisms)` sharing the most mechanisms
/// (at least one), as (lower rank, higher rank, how many), most first and
/// then by rank. Holds at most twice `limit` pairs at a time, however many
/// cases a collection has.
fn most_shared<T: Eq + std::hash::Hash>(
    cases: &[(u32, HashSet<T>)],
    limit: usize,
) -> Vec<(u32, u32, usize)> {
    let order = |x: &(u32, u32, usize), y: &(u32, u32, usize)| {
        y.2.cmp(&x.2).then((x.0, x.1).cmp(&(y.0, y.1)))
    };
    let keep_best = |pairs: &mut Vec<(u32, u32, usize)>| {
        if pairs.len() > limit {
            if limit > 0 {
                pairs.select_nth_unstable_by(limit - 1, order);
            }
            pairs.truncate(limit);
        }
    };
    let mut pairs = Vec::new();
    for (i, (rank_a, a)) in cases.iter().enumerate() {
        for (rank_b, b) in &cases[i + 1..] {
            let shared = a.intersection(b).count();
            if shared > 0 && rank_a != rank_b {
                let (first, second) = (*rank_a.min(rank_b), *rank_a.max(rank_b));
                pairs.push((first, second, shared));
                if pairs.len() >= 2 * limit.max(1) {
                    keep_best(&mut pairs);
                }
            }
        }
    }
    keep_best(&mut pairs);
    pairs.sort_unstable_by(order);
    pairs
}

struct CaseWriter<'a> {
    graph: &'a mut Graph,
    lexicon: &'a Lexicon,
    mint: &'a Minter<'a>,
    case: &'a Case,
    case_iri: NamedNode,
    mentions: usize,
}

impl CaseWriter<'_> {
    fn write(mut self, collection: &NamedNode, facts: &CaseFacts) {
        let s = self.case_iri.clone();
        let g = &mut *self.graph;
        g.add(&s, term(RDF, "type"), rk("Case"));
        g.add(&s, rk("rank"), integer(self.case.rank));
        g.add(&s, term(DCT, "title"), zh(&self.case.title));
        g.add(&s, term(RDFS, "label"), zh(&self.case.title));
        g.add(&s, rk("inCollection"), collection.clone());
        g.add(&s, term(PROV, "hadPrimarySource"), collection.clone());
        g.add(&s, rk("text"), zh(&self.case.text));
        if let Some(place) = self.place_node(&facts.district) {
            // rk:district is for districts only (a case of a city or a
            // province has its rk:place alone), as for agencies.
            if matches!(
                facts.district,
                Place::District(_) | Place::UnknownDistrict(_)
            ) {
                self.graph.add(&s, rk("district"), place.clone());
            }
            self.graph.add(&s, rk("place"), place);
        }
        for agency in &facts.agencies {
            self.agency(agency);
        }
        for c in &facts.candidates {
            let mechanism = candidate_iri(&c.name);
            let g = &mut *self.graph;
            g.add(&mechanism, term(RDF, "type"), rk("Mechanism"));
            g.add(&mechanism, term(RDF, "type"), term(SKOS, "Concept"));
            g.add(&mechanism, term(SKOS, "prefLabel"), zh(&c.name));
            g.add(&mechanism, rk("status"), rk("Candidate"));
            g.add(&s, rk("usesMechanism"), mechanism.clone());
            self.evidence(&mechanism, &c.evidence);
        }
        for m in &facts.mechanisms {
            let mechanism = iri(&self.lexicon.mechanism(m.mechanism).iri);
            self.graph.add(&mechanism, rk("status"), rk("Curated"));
            self.graph.add(&s, rk("usesMechanism"), mechanism.clone());
            self.evidence(&mechanism, &m.evidence);
        }
        for d in &facts.documents {
            let doc = document_iri(&d.title);
            self.graph
                .add(&doc, term(RDF, "type"), rk("PolicyDocument"));
            self.graph.add(&doc, term(DCT, "title"), zh(&d.title));
            self.graph.add(&doc, term(RDFS, "label"), zh(&d.title));
            self.graph.add(&s, rk("citesDocument"), doc.clone());
            self.evidence(&doc, &d.evidence);
        }
        for (n, o) in facts.outcomes.iter().enumerate() {
            let outcome = self.mint.outcome(self.case.rank, n + 1);
            let g = &mut *self.graph;
            g.add(&outcome, term(RDF, "type"), rk("Outcome"));
            g.add(
                &outcome,
                term(RDF, "value"),
                Literal::new_typed_literal(&o.value, term(XSD, "decimal")),
            );
            g.add(&outcome, rk("unit"), Literal::new_simple_literal(&o.unit));
            g.add(
                &outcome,
                rk("quantityText"),
                Literal::new_simple_literal(&o.quantity_text),
            );
            g.add(&outcome, term(RDFS, "label"), zh(&o.quantity_text));
            if !o.metric.is_empty() {
                g.add(&outcome, rk("metric"), zh(&o.metric));
            }
            if let Some(q) = &o.qualifier {
                g.add(&outcome, rk("qualifier"), zh(q));
            }
            if let Some(period) = &o.period {
                g.add(&outcome, rk("period"), Literal::new_simple_literal(period));
            }
            if let Some(m) = o.mechanism {
                g.add(
                    &outcome,
                    rk("outcomeMechanism"),
                    iri(&self.lexicon.mechanism(m).iri),
                );
            }
            g.add(&s, rk("hasOutcome"), outcome.clone());
            self.evidence(&outcome, std::slice::from_ref(&o.evidence));
        }
    }

    fn agency(&mut self, fact: &AgencyFact) {
        let (agency, new_node) = match &fact.key {
            AgencyKey::Named(id) => (iri(&self.lexicon.named_agency(*id).concept.iri), false),
            AgencyKey::Typed { place, agency_type } => {
                (self.typed_agency(place, *agency_type, None), true)
            }
            AgencyKey::Unlisted {
                place,
                name,
                agency_type,
            } => (self.typed_agency(place, *agency_type, Some(name)), true),
        };
        let s = self.case_iri.clone();
        if new_node {
            for name in &fact.names {
                self.graph.add(&agency, term(SKOS, "altLabel"), zh(name));
            }
        }
        self.graph.add(&s, rk("involvesAgency"), agency.clone());
        if fact.lead {
            self.graph.add(&s, rk("leadAgency"), agency.clone());
        }
        self.evidence(&agency, &fact.evidence);
    }

    /// A body identified by its place and type, e.g.
    /// agency:jinshan-procuratorate (宝山区人民法院 from the type's rk:bodyName),
    /// or by its place and the name the text gives a body the lexicon does
    /// not know (`unlisted`, typed by its suffix).
    fn typed_agency(
        &mut self,
        place: &Place,
        agency_type: AgencyTypeId,
        unlisted: Option<&str>,
    ) -> NamedNode {
        let kind = self.lexicon.agency_type(agency_type);
        let t = &kind.concept;
        let (place_slug, place_zh, place_en) = self.place_names(place);
        let agency = node(
            &id_ns("agency"),
            &format!("{place_slug}-{}", unlisted.unwrap_or(t.local_name())),
        );
        let g = &mut *self.graph;
        g.add(&agency, term(RDF, "type"), rk("Agency"));
        g.add(&agency, term(RDF, "type"), term(ORG, "FormalOrganization"));
        let body_name = unlisted.or(kind.body_name.as_deref()).unwrap_or(&t.pref_zh);
        let label_zh = format!("{place_zh}{body_name}");
        g.add(&agency, term(SKOS, "prefLabel"), zh(&label_zh));
        g.add(&agency, term(RDFS, "label"), zh(&label_zh));
        let type_en = t.pref_en.as_ref().filter(|_| unlisted.is_none());
        if let (Some(place_en), Some(type_en)) = (place_en, type_en) {
            let label_en = format!("{place_en} {type_en}");
            g.add(&agency, term(SKOS, "prefLabel"), en(&label_en));
            g.add(&agency, term(RDFS, "label"), en(&label_en));
        }
        // Only a fallback type (局, by suffix) is refined by the name: a
        // body of a locality (北外滩街道) already has its real type.
        let agency_type = match unlisted.filter(|_| kind.name_suffix.is_some()) {
            Some(name) => self.candidate_agency_type(name, &t.iri),
            None => iri(&t.iri),
        };
        self.graph.add(&agency, rk("agencyType"), agency_type);
        if let Some(level) = self.level_of(place) {
            self.graph.add(&agency, rk("level"), level);
        }
        if let Some(node) = self.place_node(place) {
            if matches!(place, Place::District(_) | Place::UnknownDistrict(_)) {
                self.graph.add(&agency, rk("district"), node.clone());
            } else {
                // As for the named city bodies of the lexicon.
                self.graph
                    .add(&agency, term(SCHEMA, "areaServed"), node.clone());
            }
            self.graph.add(&agency, rk("place"), node);
        }
        agency
    }

    /// The type of a body the lexicon does not know, named by the body's
    /// own name after its place (区财政局 → 财政局): a candidate agency type,
    /// narrower than the fallback type of its suffix (局), so bodies of the
    /// same kind share it and a query can still widen to the fallback.
    fn candidate_agency_type(&mut self, name: &str, fallback: &str) -> NamedNode {
        let agency_type = node(&id_ns("agency-type"), name);
        let g = &mut *self.graph;
        g.add(&agency_type, term(RDF, "type"), rk("AgencyType"));
        g.add(&agency_type, term(RDF, "type"), term(SKOS, "Concept"));
        g.add(&agency_type, term(SKOS, "prefLabel"), zh(name));
        g.add(&agency_type, rk("status"), rk("Candidate"));
        g.add(&agency_type, term(SKOS, "broader"), iri(fallback));
        agency_type
    }

    /// (IRI slug, Chinese name, English name) of a place.
    fn place_names(&self, place: &Place) -> (String, String, Option<String>) {
        match place {
            Place::District(d) => {
                let c = &self.lexicon.district(*d).concept;
                (
                    c.local_name().to_owned(),
                    c.pref_zh.clone(),
                    c.pref_en.clone(),
                )
            }
            Place::City(i) => {
                let c = self.lexicon.city(*i);
                (
                    c.local_name().to_owned(),
                    c.pref_zh.clone(),
                    c.pref_en.clone(),
                )
            }
            Place::National => {
                let label = self
                    .lexicon
                    .level(AdministrativeLevel::National)
                    .map(|l| l.prefix.clone())
                    .unwrap_or_default();
                ("cn".to_owned(), label, Some("National".to_owned()))
            }
            Place::Division(id) => {
                let p = self.lexicon.gazetteer().place(*id);
                (
                    p.concept.local_name().to_owned(),
                    p.concept.pref_zh.clone(),
                    p.concept.pref_en.clone(),
                )
            }
            // A name or no place only means something inside its document:
            // bodies of two collections never share such an IRI.
            Place::UnknownDistrict(name) => {
                (format!("{}-{name}", self.mint.slug), name.clone(), None)
            }
            Place::Unknown => (format!("{}-unplaced", self.mint.slug), String::new(), None),
        }
    }

    fn level_of(&self, place: &Place) -> Option<NamedNode> {
        let level = match place {
            Place::National => AdministrativeLevel::National,
            Place::City(_) => AdministrativeLevel::City,
            Place::District(_) | Place::UnknownDistrict(_) => AdministrativeLevel::District,
            Place::Division(id) => match self.lexicon.gazetteer().place(*id).level {
                PlaceLevel::County => AdministrativeLevel::District,
                PlaceLevel::Prefecture => AdministrativeLevel::City,
                // A province's bodies have no level of the agency rules.
                PlaceLevel::Province | PlaceLevel::National => return None,
            },
            Place::Unknown => return None,
        };
        Some(rk(level.name()))
    }

    /// The district node of a place; an unknown district gets a node of its
    /// own, labelled with the name the text gave.
    fn place_node(&mut self, place: &Place) -> Option<NamedNode> {
        match place {
            Place::District(d) => Some(iri(&self.lexicon.district(*d).concept.iri)),
            Place::City(c) => Some(iri(&self.lexicon.city(*c).iri)),
            Place::Division(id) => Some(iri(&self.lexicon.gazetteer().place(*id).concept.iri)),
            Place::UnknownDistrict(name) => {
                let district = node(&id_ns("district"), name);
                self.graph.add(&district, term(RDF, "type"), rk("District"));
                self.graph.add(&district, term(SKOS, "prefLabel"), zh(name));
                Some(district)
            }
            Place::National | Place::Unknown => None,
        }
    }

    /// One rk:Mention per sentence supporting a link to `target`.
    fn evidence(&mut self, target: &NamedNode, evidence: &[Evidence]) {
        for e in evidence {
            self.mentions += 1;
            let m = self.mint.mention(self.case.rank, self.mentions);
            let g = &mut *self.graph;
            g.add(&m, term(RDF, "type"), rk("Mention"));
            g.add(&m, rk("case"), self.case_iri.clone());
            g.add(&m, rk("mentions"), target.clone());
            g.add(&m, term(OA, "exact"), zh(&e.sentence));
            g.add(&m, term(OA, "start"), integer(e.start));
            g.add(&m, term(OA, "end"), integer(e.end));
        }
    }
}

/// A candidate mechanism's IRI: its name in the mechanism namespace (any
/// character an IRI cannot hold percent-encoded), the IRI `lexicon suggest`
/// proposes for it, so that curating it keeps the IRI.
pub fn candidate_iri(name: &str) -> NamedNode {
    node(&id_ns("mechanism"), name)
}

/// A cited document's IRI: a digest of its title, so the same title cited by
/// two cases (or two collections) is one node.
pub fn document_iri(title: &str) -> NamedNode {
    let digest = Sha256::digest(title.as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    node(&id_ns("document"), &hex)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_parts_are_percent_encoded_only_where_needed() {
        assert_eq!(node("http://x/", "a-1").as_str(), "http://x/a-1");
        assert_eq!(node("http://x/", "金山区").as_str(), "http://x/金山区");
        assert_eq!(node("http://x/", "a b/c").as_str(), "http://x/a%20b%2Fc");
    }

    #[test]
    fn duplicate_quads_are_kept_once() {
        let mut g = Graph::new();
        let s = iri("http://x/s");
        g.add(&s, rk("p"), zh("一"));
        g.add(&s, rk("p"), zh("一"));
        assert_eq!(g.len(), 1);
    }

    #[test]
    fn the_pairs_sharing_most_come_first_and_are_capped() {
        let set = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<HashSet<_>>();
        let cases = vec![
            (3, set(&["a", "b", "c"])),
            (1, set(&["a", "b"])),
            (2, set(&["c"])),
            (4, set(&["d"])),
        ];
        assert_eq!(
            most_shared(&cases, 10),
            vec![(1, 3, 2), (2, 3, 1)],
            "case 4 shares nothing; pairs are ordered by count, then rank"
        );
        assert_eq!(most_shared(&cases, 1), vec![(1, 3, 2)]);
        assert_eq!(most_shared(&cases, 0), vec![]);
    }

    #[test]
    fn pruning_while_counting_keeps_the_same_pairs_as_sorting_them_all() {
        // Case r uses mechanisms r % 2, r % 3, r % 5 and r % 7 of four
        // families: counts from 0 to 4 with many ties.
        let cases: Vec<(u32, HashSet<(u32, u32)>)> = (1..=40)
            .map(|r| (r, [2, 3, 5, 7].iter().map(|m| (*m, r % m)).collect()))
            .collect();
        let mut everything = most_shared(&cases, usize::MAX / 2);
        assert!(everything.len() > 100, "{} pairs", everything.len());
        everything.truncate(7);
        assert_eq!(most_shared(&cases, 7), everything);
    }

    #[test]
    fn document_iris_are_stable() {
        assert_eq!(document_iri("条例"), document_iri("条例"));
        assert_ne!(document_iri("条例"), document_iri("办法"));
    }
}
