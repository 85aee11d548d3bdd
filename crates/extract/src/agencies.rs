//! Agencies: which state bodies take part in a case, and which one leads.
//!
//! An agency-type match (法院, 市场监管局 …) becomes a concrete body from the
//! words right before it: a district or city name (宝山法院 → 宝山区), a
//! level prefix (区法院 → the case's district, 市财政局 → its city), or
//! nothing (the case's district). Named bodies (最高人民检察院, 市高院) come
//! from the lexicon as they are. A second name in brackets right after a
//! body (区市场监督管理局（知识产权局）) is the same body.
//!
//! Not every mention means the body takes part. Using rk:ContextWord roles
//! from `ontology/agency-types.ttl`, a mention is left out when it only
//! names a service hall as a place (venue), is policy background
//! (区委、区政府决策部署), issues a cited document (…总局《规定》), illustrates
//! a sector in an example clause without a place (如卫健委颁发…), or is a
//! generic head without a place (相关部门, 检察机关, 街道). Non-state bodies
//! (工商联, 区委, mediation centres) are recognised and never linked.
//!
//! A body the lexicon does not know is kept when a place starts it, a
//! fallback suffix (局, 委, 院, 办) ends it and boundaries surround it
//! (区退役军人事务局与…); it is typed by that suffix.

use super::documents::{inside, OPEN_TITLE};
use super::text::{
    after_last_stop, clause_end, clause_start, ends_with_any, is_han, last_chars, starts_with_any,
    TextIndex,
};
use super::{push_evidence, AgencyFact, AgencyKey, Extractor, LabelMatch, Place, Target};
use reformkg_corpus::Case;
use reformkg_lexicon::{AdministrativeLevel, AgencyTypeId, ContextRole, Level, PlaceId};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The context roles the agency rules read.
pub(super) const CONTEXT_ROLES: &[ContextRole] = &[
    ContextRole::Boundary,
    ContextRole::Agent,
    ContextRole::VenueBefore,
    ContextRole::VenueAfter,
    ContextRole::Background,
    ContextRole::Example,
    ContextRole::GenericHead,
    ContextRole::Coordination,
    ContextRole::CandidateStop,
];

/// Brackets that add a second name to a body. Punctuation, not vocabulary.
const NAMEPLATE_OPEN: [&str; 2] = ["（", "("];
const NAMEPLATE_CLOSE: [&str; 2] = ["）", ")"];

/// The longest unknown body name read between a place and a suffix.
const MAX_UNLISTED_MIDDLE: usize = 6;
/// The longest unknown place name skipped in a list of bodies (北外滩).
const MAX_UNKNOWN_NAME: usize = 4;

/// Reads the agencies of one case.
pub(super) struct AgencyReader<'a> {
    pub(super) extractor: &'a Extractor<'a>,
    pub(super) case: &'a Case,
    pub(super) text: &'a TextIndex<'a>,
    pub(super) matches: &'a [LabelMatch],
    pub(super) titles: &'a [(usize, usize)],
    pub(super) district: &'a Place,
    /// Where bare division names are read (the case's division, else the
    /// collection's place): 朝阳区 in a Beijing case is Beijing's.
    pub(super) scope: Option<PlaceId>,
}

/// A match of a body label, placed (byte offsets).
#[derive(Debug, Clone)]
struct BodyMatch {
    m: LabelMatch,
    /// Start of the place words before the label (== m.start without them).
    start: usize,
    place: Place,
}

impl BodyMatch {
    fn has_place_words(&self) -> bool {
        self.start < self.m.start
    }
}

/// The body matches of a case, with lookups by position so that walking a
/// list of bodies costs no scan of all of them.
struct Bodies {
    list: Vec<BodyMatch>,
    /// First body (index) that starts, with its place words, at a byte.
    by_start: HashMap<usize, usize>,
    /// The body whose label ends at a byte (label matches do not overlap,
    /// so there is at most one).
    by_end: HashMap<usize, usize>,
    /// [`AgencyReader::list_start`] of the positions asked so far.
    list_starts: RefCell<HashMap<usize, usize>>,
    /// Where the list of bodies that goes on after a position ends.
    list_ends: RefCell<HashMap<usize, usize>>,
}

impl Bodies {
    fn new(list: Vec<BodyMatch>) -> Self {
        let mut by_start = HashMap::new();
        let mut by_end = HashMap::new();
        for (i, b) in list.iter().enumerate() {
            by_start.entry(b.start).or_insert(i);
            by_end.entry(b.m.end).or_insert(i);
        }
        Self {
            list,
            by_start,
            by_end,
            list_starts: RefCell::default(),
            list_ends: RefCell::default(),
        }
    }

    fn starting_at(&self, at: usize) -> Option<&BodyMatch> {
        self.by_start.get(&at).map(|&i| &self.list[i])
    }

    fn ending_at(&self, at: usize) -> Option<&BodyMatch> {
        self.by_end.get(&at).map(|&i| &self.list[i])
    }
}

/// One accepted mention of a body.
#[derive(Debug, Clone)]
struct Mention {
    key: AgencyKey,
    start: usize,
    /// Where the label starts, after the place words.
    label_start: usize,
    end: usize,
    written: String,
    aliases: Vec<String>,
    /// The text names the body itself (with its place, level or full name),
    /// not only its type.
    explicit: bool,
}

impl AgencyReader<'_> {
    pub(super) fn agencies(&self) -> Vec<AgencyFact> {
        let bodies = Bodies::new(self.body_matches());
        let mut mentions: Vec<Mention> = Vec::new();
        for body in &bodies.list {
            if inside(self.titles, body.m.start, body.m.end) {
                continue;
            }
            if let Some(last) = mentions.last_mut() {
                if self.is_nameplate(last, body) {
                    continue;
                }
            }
            if let Some(mention) = self.mention(body, &bodies) {
                mentions.push(mention);
            }
        }
        mentions.extend(self.unlisted(&bodies));
        mentions.sort_by_key(|m| m.start);
        let leads = self.leads(&mentions);
        self.facts(mentions, &leads)
    }

    fn raw(&self) -> &str {
        &self.case.text
    }

    /// Every body-like label match (agency types, named agencies, non-state
    /// bodies) with the place words before it.
    fn body_matches(&self) -> Vec<BodyMatch> {
        self.matches
            .iter()
            .filter_map(|m| match m.target {
                Target::AgencyType(_) => {
                    let (place, len) = self.place_before(m.start);
                    Some(BodyMatch {
                        m: *m,
                        start: m.start - len,
                        place,
                    })
                }
                Target::NamedAgency(_) | Target::NonState => Some(BodyMatch {
                    m: *m,
                    start: m.start,
                    place: Place::Unknown,
                }),
                Target::Mechanism(_) => None,
            })
            .collect()
    }

    /// A body named in brackets right after the previous mention is a
    /// second name of it: record the name and extend the mention.
    fn is_nameplate(&self, last: &mut Mention, body: &BodyMatch) -> bool {
        let raw = self.raw();
        if body.start < last.end {
            return false;
        }
        let between = &raw[last.end..body.start];
        let after = &raw[body.m.end..];
        let Some(close) = NAMEPLATE_OPEN
            .iter()
            .zip(NAMEPLATE_CLOSE)
            .find(|(open, close)| between == **open && after.starts_with(*close))
            .map(|(_, close)| close)
        else {
            return false;
        };
        // The second name under the same place: 嘉定区 + 知识产权局.
        let second = format!(
            "{}{}",
            &raw[last.start..last.label_start],
            &raw[body.m.start..body.m.end]
        );
        last.aliases.push(second);
        last.end = body.m.end + close.len();
        last.written = raw[last.start..last.end].to_owned();
        true
    }

    /// The mention of a body match, or `None` when the context shows the
    /// body does not take part (see the module documentation).
    fn mention(&self, body: &BodyMatch, bodies: &Bodies) -> Option<Mention> {
        let raw = self.raw();
        let lexicon = self.extractor.lexicon;
        let label = &raw[body.m.start..body.m.end];
        let key = match body.m.target {
            Target::AgencyType(t) => {
                let agency_type = lexicon.agency_type(t);
                let generic =
                    ends_with_any(label, lexicon.context(ContextRole::GenericHead)).is_some();
                if generic && !body.has_place_words() {
                    // 北外滩街道: a body named by a locality the gazetteer
                    // does not list, when the label is the bare head
                    // itself (街道, not 检察机关); else a generic head.
                    let bare = lexicon
                        .context(ContextRole::GenericHead)
                        .iter()
                        .any(|w| w == label);
                    return bare.then(|| self.local_body(body, t)).flatten();
                }
                if agency_type.may_be_venue && self.is_venue(body, bodies) {
                    return None;
                }
                if !body.has_place_words() && self.in_example_clause(body.start) {
                    return None;
                }
                AgencyKey::Typed {
                    place: body.place.clone(),
                    agency_type: t,
                }
            }
            Target::NamedAgency(a) => AgencyKey::Named(a),
            Target::NonState | Target::Mechanism(_) => return None,
        };
        if self.is_background(body.m.end, bodies) || raw[body.m.end..].starts_with(OPEN_TITLE) {
            return None;
        }
        Some(Mention {
            explicit: body.has_place_words() || matches!(key, AgencyKey::Named(_)),
            key,
            start: body.start,
            label_start: body.m.start,
            end: body.m.end,
            written: raw[body.start..body.m.end].to_owned(),
            aliases: Vec::new(),
        })
    }

    /// Resolves the place of an agency-type label from the words right
    /// before it: a district or city name (full or short) of the lexicon,
    /// else a division of the gazetteer read in the case's scope (朝阳区 in
    /// a Beijing case), else a level prefix (国家, 市, 区), else the case's
    /// own district. Returns the place and the byte length of the words
    /// that named it.
    fn place_before(&self, label_start: usize) -> (Place, usize) {
        let lexicon = self.extractor.lexicon;
        let before = &self.raw()[..label_start];
        let named = longest_place(
            self.extractor.place_names.ending(before),
            self.extractor.division_ending(before, self.scope),
        );
        if let Some(named) = named {
            return named;
        }
        let level = lexicon
            .levels
            .iter()
            .filter(|l| before.ends_with(l.prefix.as_str()))
            .max_by_key(|l| l.prefix.len());
        match level {
            Some(l) => (self.place_of_level(l), l.prefix.len()),
            None => (self.district.clone(), 0),
        }
    }

    fn place_of_level(&self, level: &Level) -> Place {
        match level.level {
            AdministrativeLevel::National => Place::National,
            AdministrativeLevel::City => self.extractor.city_of(self.district),
            AdministrativeLevel::District => self.district.clone(),
        }
    }

    /// Is the body only the place where something is done? A venue word
    /// stands before the list it is in (去区政务服务中心) or opens its clause
    /// (在A中心、B中心等窗口发布), or its noun phrase ends in a venue word
    /// (区政务服务中心标准化受理系统).
    fn is_venue(&self, body: &BodyMatch, bodies: &Bodies) -> bool {
        let lexicon = self.extractor.lexicon;
        let raw = self.raw();
        let venue_before = lexicon.context(ContextRole::VenueBefore);
        let list_start = self.list_start(body.start, bodies);
        let clause_opening = raw[clause_start(raw, list_start)..list_start].trim_start();
        if ends_with_any(&raw[..list_start], venue_before).is_some()
            || starts_with_any(clause_opening, venue_before).is_some()
        {
            return true;
        }
        let phrase = &raw[body.m.end..clause_end(raw, body.m.end)];
        let phrase = cut_at_any(phrase, lexicon.context(ContextRole::Boundary)).trim();
        let venue_after = lexicon.context(ContextRole::VenueAfter);
        !phrase.is_empty()
            && (ends_with_any(phrase, venue_after).is_some()
                || starts_with_any(phrase, venue_after).is_some())
    }

    /// Where the list of bodies that ends with the one starting at `start`
    /// begins: walks back over coordination words (、 和), over bodies that
    /// directly precede it (街道 + 社区事务受理中心) and over a short name the
    /// lexicon does not know that follows a coordination word (、北外滩街道).
    fn list_start(&self, start: usize, bodies: &Bodies) -> usize {
        // Remembered per position: in a long list every body would walk
        // back over all the ones before it.
        let mut walked = Vec::new();
        let mut at = start;
        let found = loop {
            if let Some(&known) = bodies.list_starts.borrow().get(&at) {
                break known;
            }
            walked.push(at);
            match self.previous_in_list(at, bodies) {
                Some(previous) => at = previous,
                None => break at,
            }
        };
        let mut cache = bodies.list_starts.borrow_mut();
        for position in walked {
            cache.insert(position, found);
        }
        found
    }

    fn previous_in_list(&self, at: usize, bodies: &Bodies) -> Option<usize> {
        let raw = self.raw();
        let coordination = self.extractor.lexicon.context(ContextRole::Coordination);
        let name = trailing_han(&raw[..at], MAX_UNKNOWN_NAME);
        let skips = if name.is_empty() {
            vec![0]
        } else {
            vec![0, name.len()]
        };
        for skip in skips {
            let here = at - skip;
            let gap = ends_with_any(&raw[..here], coordination).map_or(0, str::len);
            if skip > 0 && gap == 0 {
                continue;
            }
            if let Some(previous) = bodies.ending_at(here - gap).filter(|b| b.start < here) {
                return Some(previous.start);
            }
        }
        None
    }

    /// Is the body (or the list it starts) followed by a background word
    /// (区委、区政府决策部署)?
    fn is_background(&self, end: usize, bodies: &Bodies) -> bool {
        let raw = self.raw();
        let lexicon = self.extractor.lexicon;
        let coordination = lexicon.context(ContextRole::Coordination);
        // The end of the list, remembered per position as in `list_start`.
        let mut walked = Vec::new();
        let mut at = end;
        let list_end = loop {
            if let Some(&known) = bodies.list_ends.borrow().get(&at) {
                break known;
            }
            walked.push(at);
            let gap = starts_with_any(&raw[at..], coordination).map_or(0, str::len);
            match bodies.starting_at(at + gap).filter(|_| gap > 0) {
                // A body always ends after it starts: the walk moves on.
                Some(next) if next.m.end > at => at = next.m.end,
                _ => break at,
            }
        };
        let mut cache = bodies.list_ends.borrow_mut();
        for position in walked {
            cache.insert(position, list_end);
        }
        starts_with_any(&raw[list_end..], lexicon.context(ContextRole::Background)).is_some()
    }

    /// Does the clause around `at` open with an example word (如, 例如)?
    fn in_example_clause(&self, at: usize) -> bool {
        let raw = self.raw();
        let clause = &raw[clause_start(raw, at)..at];
        starts_with_any(
            clause.trim_start(),
            self.extractor.lexicon.context(ContextRole::Example),
        )
        .is_some()
    }

    /// A generic head (街道) right after a name of two to four Chinese
    /// characters (after the last stop word) that the case repeats with
    /// it: a body of a locality below the county, placed in the case's
    /// place. Repetition tells a name (北外滩街道, eight times) from words
    /// that happen to stand before the head (过程中街道, 通过街道).
    fn local_body(&self, body: &BodyMatch, agency_type: AgencyTypeId) -> Option<Mention> {
        let raw = self.raw();
        let run = trailing_han(&raw[..body.m.start], MAX_UNKNOWN_NAME);
        let name = after_last_stop(
            run,
            self.extractor.lexicon.context(ContextRole::CandidateStop),
        );
        if name.chars().count() < 2 || inside(self.titles, body.m.start, body.m.end) {
            return None;
        }
        let start = body.m.start - name.len();
        let written = &raw[start..body.m.end];
        if raw.matches(written).count() < 2 {
            return None;
        }
        Some(Mention {
            key: AgencyKey::Unlisted {
                place: body.place.clone(),
                name: written.to_owned(),
                agency_type,
            },
            start,
            label_start: body.m.start,
            end: body.m.end,
            written: written.to_owned(),
            aliases: Vec::new(),
            explicit: true,
        })
    }

    /// Bodies the lexicon does not know: place + up to six Chinese
    /// characters + a fallback suffix, between boundaries, overlapping no
    /// known label.
    fn unlisted(&self, bodies: &Bodies) -> Vec<Mention> {
        let lexicon = self.extractor.lexicon;
        let raw = self.raw();
        let mut found = Vec::new();
        for (t, agency_type) in lexicon.agency_types_with_ids() {
            let Some(suffix) = agency_type.name_suffix.as_deref().filter(|s| !s.is_empty()) else {
                continue;
            };
            for (at, _) in raw.match_indices(suffix) {
                let end = at + suffix.len();
                if !self.is_boundary_after(end) {
                    continue;
                }
                if let Some(mention) = self.unlisted_at(at, end, t, bodies) {
                    found.push(mention);
                }
            }
        }
        found
    }

    fn unlisted_at(
        &self,
        suffix_start: usize,
        end: usize,
        agency_type: AgencyTypeId,
        bodies: &Bodies,
    ) -> Option<Mention> {
        let raw = self.raw();
        let window = last_chars(&raw[..suffix_start], MAX_UNLISTED_MIDDLE + 8);
        let window_start = suffix_start - window.len();
        // Earliest start first: the longest name wins.
        for (offset, _) in window.char_indices() {
            let start = window_start + offset;
            let Some((place, place_len)) = self.place_at(start) else {
                continue;
            };
            // A place label may run past the suffix (its last characters
            // are the suffix): no name between them, so no body here.
            let Some(middle) = raw.get(start + place_len..suffix_start) else {
                continue;
            };
            let middle_len = middle.chars().count();
            if middle_len == 0 || middle_len > MAX_UNLISTED_MIDDLE || !middle.chars().all(is_han) {
                continue;
            }
            if !self.is_boundary_before(start) {
                continue;
            }
            // Label matches are sorted and disjoint: only the first one
            // ending after `start` can overlap.
            let first_after = self.matches.partition_point(|m| m.end <= start);
            let overlaps = self.matches.get(first_after).is_some_and(|m| m.start < end);
            if overlaps || inside(self.titles, start, end) || self.is_background(end, bodies) {
                return None;
            }
            return Some(Mention {
                key: AgencyKey::Unlisted {
                    place,
                    name: raw[start + place_len..end].to_owned(),
                    agency_type,
                },
                start,
                label_start: start + place_len,
                end,
                written: raw[start..end].to_owned(),
                aliases: Vec::new(),
                explicit: true,
            });
        }
        None
    }

    /// A place name or level prefix starting at `start`, longest first.
    fn place_at(&self, start: usize) -> Option<(Place, usize)> {
        let lexicon = self.extractor.lexicon;
        let rest = &self.raw()[start..];
        let named = longest_place(
            self.extractor.place_names.starting(rest),
            self.extractor.division_starting(rest, self.scope),
        );
        let levels = lexicon
            .levels
            .iter()
            .filter(|l| !l.prefix.is_empty() && rest.starts_with(l.prefix.as_str()))
            .map(|l| (self.place_of_level(l), l.prefix.len()));
        named.into_iter().chain(levels).max_by_key(|(_, len)| *len)
    }

    fn is_boundary_before(&self, at: usize) -> bool {
        let before = &self.raw()[..at];
        match before.chars().next_back() {
            None => true,
            Some(c) if !is_han(c) => true,
            Some(_) => ends_with_any(
                before,
                self.extractor.lexicon.context(ContextRole::Boundary),
            )
            .is_some(),
        }
    }

    fn is_boundary_after(&self, at: usize) -> bool {
        let after = &self.raw()[at..];
        match after.chars().next() {
            None => true,
            Some(c) if !is_han(c) => true,
            Some(_) => {
                starts_with_any(after, self.extractor.lexicon.context(ContextRole::Boundary))
                    .is_some()
            }
        }
    }

    /// The lead agencies: those the title names; else those the opening
    /// names as the actor of a clause (clause-initial, or after an agent
    /// word such as 由), written with their place or full name and not as
    /// one of a list.
    fn leads(&self, mentions: &[Mention]) -> BTreeSet<AgencyKey> {
        let title_end = title_end(self.case);
        let in_title: BTreeSet<AgencyKey> = mentions
            .iter()
            .filter(|m| m.start < title_end)
            .map(|m| m.key.clone())
            .collect();
        if !in_title.is_empty() {
            return in_title;
        }
        let opening_end = self.opening_end(title_end);
        mentions
            .iter()
            .filter(|m| m.start >= title_end && m.start < opening_end && m.explicit)
            .filter(|m| self.is_clause_actor(m))
            .map(|m| m.key.clone())
            .collect()
    }

    fn is_clause_actor(&self, mention: &Mention) -> bool {
        let raw = self.raw();
        let lexicon = self.extractor.lexicon;
        let lead_in = raw[clause_start(raw, mention.start)..mention.start].trim();
        let initial = lead_in.is_empty()
            || lexicon
                .context(ContextRole::Agent)
                .iter()
                .any(|a| a == lead_in);
        let listed = starts_with_any(
            &raw[mention.end..],
            lexicon.context(ContextRole::Coordination),
        );
        initial && listed.is_none()
    }

    /// Where the opening of a case ends (bytes): its first section when the
    /// body starts with a heading, else the text before the first heading;
    /// without headings, the first paragraph.
    fn opening_end(&self, title_end: usize) -> usize {
        let raw = self.raw();
        let sections = &self.case.sections;
        if let Some(first) = sections.first() {
            let first_start = self.text.byte_offset(first.start).max(title_end);
            if raw[title_end..first_start].trim().is_empty() {
                return sections
                    .get(1)
                    .map_or(raw.len(), |s| self.text.byte_offset(s.start));
            }
            return first_start;
        }
        let body = &raw[title_end..];
        let lead = body.len() - body.trim_start().len();
        let start = title_end + lead;
        raw[start..].find('\n').map_or(raw.len(), |i| start + i)
    }

    fn facts(&self, mentions: Vec<Mention>, leads: &BTreeSet<AgencyKey>) -> Vec<AgencyFact> {
        let mut facts: BTreeMap<AgencyKey, AgencyFact> = BTreeMap::new();
        for m in mentions {
            let fact = facts.entry(m.key.clone()).or_insert_with(|| AgencyFact {
                lead: leads.contains(&m.key),
                key: m.key.clone(),
                names: BTreeSet::new(),
                evidence: Vec::new(),
            });
            fact.names.insert(m.written);
            fact.names.extend(m.aliases);
            push_evidence(&mut fact.evidence, self.text, m.start);
        }
        facts.into_values().collect()
    }
}

/// The run of Chinese characters that ends `text`, when it is at most `max`
/// characters long (else empty).
fn trailing_han(text: &str, max: usize) -> &str {
    // Looking at one character more than `max` tells a longer run.
    let run: Vec<usize> = text
        .char_indices()
        .rev()
        .take(max + 1)
        .take_while(|(_, c)| is_han(*c))
        .map(|(i, _)| i)
        .collect();
    match run.last() {
        Some(&start) if run.len() <= max => &text[start..],
        _ => "",
    }
}

/// `text` up to the first occurrence of any of `words`.
fn cut_at_any<'t>(text: &'t str, words: &[String]) -> &'t str {
    let cut = words
        .iter()
        .filter(|w| !w.is_empty())
        .filter_map(|w| text.find(w.as_str()))
        .min()
        .unwrap_or(text.len());
    &text[..cut]
}

/// Byte offset where the title ends in the case text (the body starts with
/// the title, possibly over several lines).
pub(super) fn title_end(case: &Case) -> usize {
    let wanted: usize = case.title.chars().filter(|c| !c.is_whitespace()).count();
    let mut seen = 0;
    for (i, c) in case.text.char_indices() {
        if seen >= wanted {
            return i;
        }
        if !c.is_whitespace() {
            seen += 1;
        }
    }
    case.text.len()
}

/// The place named by the longer of two readings (朝阳区 over the city
/// short form 朝阳); the lexicon's own (the first) when they are as long.
fn longest_place(
    own: Option<(Place, usize)>,
    division: Option<(Place, usize)>,
) -> Option<(Place, usize)> {
    match (own, division) {
        (Some(own), Some(division)) if division.1 > own.1 => Some(division),
        (own, division) => own.or(division),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{case, lexicon};
    use super::super::{AgencyKey, Extractor, Place};
    use reformkg_lexicon::Lexicon;

    /// (label, lead) of each agency of a one-case text: place name + type
    /// prefLabel for typed bodies, the prefLabel for named ones.
    fn agencies(district: &str, text: &str) -> Vec<(String, bool)> {
        let lexicon = lexicon();
        let extractor = Extractor::new(&lexicon).expect("matcher builds");
        let facts = extractor.extract(&case(district, text));
        let mut found: Vec<(String, bool)> = facts
            .agencies
            .iter()
            .map(|a| (label(&lexicon, &a.key), a.lead))
            .collect();
        found.sort();
        found
    }

    fn sorted<const N: usize>(names: [&str; N]) -> Vec<String> {
        let mut names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        names.sort();
        names
    }

    fn place(lexicon: &Lexicon, place: &Place) -> String {
        match place {
            Place::District(d) => lexicon.district(*d).concept.pref_zh.clone(),
            Place::City(c) => lexicon.city(*c).pref_zh.clone(),
            Place::National => "国家".to_owned(),
            Place::Division(p) => lexicon.gazetteer().place(*p).concept.pref_zh.clone(),
            Place::UnknownDistrict(name) => name.clone(),
            Place::Unknown => "?".to_owned(),
        }
    }

    fn label(lexicon: &Lexicon, key: &AgencyKey) -> String {
        match key {
            AgencyKey::Named(i) => lexicon.named_agency(*i).concept.pref_zh.clone(),
            AgencyKey::Typed {
                place: p,
                agency_type,
            } => format!(
                "{}{}",
                place(lexicon, p),
                lexicon.agency_type(*agency_type).concept.pref_zh
            ),
            AgencyKey::Unlisted {
                place: p,
                name,
                agency_type,
            } => format!(
                "{}{name}[{}]",
                place(lexicon, p),
                lexicon.agency_type(*agency_type).concept.pref_zh
            ),
        }
    }

    fn names(district: &str, text: &str) -> Vec<String> {
        agencies(district, text)
            .into_iter()
            .map(|(n, _)| n)
            .collect()
    }

    #[test]
    fn short_forms_resolve_to_one_district_court() {
        assert_eq!(
            names(
                "宝山区",
                "宝山法院发出告知书。区法院审查后，人民法院出具说明函。"
            ),
            ["宝山区法院"]
        );
    }

    #[test]
    fn city_and_national_bodies_stay_apart() {
        assert_eq!(
            names(
                "金山区",
                "在市财政局指导下，区财政局与国家市场监管总局、市高院座谈。"
            ),
            sorted([
                "上海市财政局",
                "金山区财政局",
                "国家市场监督管理总局",
                "上海市高级人民法院"
            ])
        );
    }

    #[test]
    fn a_second_nameplate_is_the_same_body() {
        let lexicon = lexicon();
        let extractor = Extractor::new(&lexicon).expect("matcher builds");
        let facts = extractor.extract(&case(
            "嘉定区",
            "嘉定区市场监督管理局（知识产权局）坚持需求导向。",
        ));
        assert_eq!(facts.agencies.len(), 1);
        let names = &facts.agencies[0].names;
        assert!(
            names.contains("嘉定区市场监督管理局（知识产权局）"),
            "{names:?}"
        );
        assert!(names.contains("嘉定区知识产权局"), "{names:?}");
        assert!(facts.agencies[0].lead, "named as the actor of the opening");
    }

    #[test]
    fn venues_background_issuers_and_generic_words_are_not_involvement() {
        assert!(names("虹口区", "在区政务服务中心设立窗口。").is_empty());
        assert!(names(
            "虹口区",
            "线下版在区政务服务中心、北外滩街道社区事务受理中心等窗口发布。"
        )
        .is_empty());
        assert!(names("静安区", "打通区政务服务中心标准化受理系统。").is_empty());
        assert_eq!(
            names("闵行区", "整合区行政服务中心及街镇资源。"),
            ["闵行区政务服务中心"]
        );
        assert!(names("松江区", "贯彻区委、区政府决策部署。").is_empty());
        assert!(names("松江区", "依据国家市场监管总局《程序规定》。").is_empty());
        assert!(names("普陀区", "监管难，如卫健委颁发许可证、市场监管局颁发执照。").is_empty());
        assert!(names("浦东新区", "向市场监管部门提出申请，由相关部门办理。").is_empty());
        assert_eq!(
            names("闵行区", "区建设管理部门牵头协调。"),
            ["闵行区住建委"]
        );
        assert!(
            names("金山区", "联合区工商联开展调研。").is_empty(),
            "not a state body"
        );
    }

    #[test]
    fn unknown_bodies_are_kept_and_typed_by_suffix() {
        assert_eq!(
            names("金山区", "区退役军人事务局与区税务局联合开展。"),
            sorted(["金山区退役军人事务局[局]", "金山区税务局"])
        );
        assert!(
            names("金山区", "示范区智慧办税服务厅。").is_empty(),
            "no boundary"
        );
    }

    #[test]
    fn the_lead_is_the_actor_of_the_title_or_opening() {
        let led = agencies(
            "奉贤区",
            "为优化营商环境，奉贤区卫健委秉持包容审慎理念，联合区经委开展宣传。",
        );
        assert_eq!(
            led,
            [
                ("奉贤区卫健委".to_owned(), true),
                ("奉贤区经委".to_owned(), false)
            ]
        );
        let listed = agencies("闵行区", "7月，市经信委、闵行区政府与企业签订协议。");
        assert!(listed.iter().all(|(_, lead)| !lead), "{listed:?}");
    }

    /// A place whose label ends in a fallback suffix (a town named …院):
    /// the suffix inside the place name once sliced the text backwards.
    #[test]
    fn a_place_label_running_past_a_suffix_does_not_panic() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ontology");
        let mut sources: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .expect("ontology")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "ttl"))
            .map(|p| (p.display().to_string(), std::fs::read(&p).expect("reads")))
            .collect();
        sources.push((
            "extra.ttl".into(),
            r#"@prefix rk: <https://w3id.org/reformkg/ontology#> .
                @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
                <http://x/d/sy> a rk:District ; skos:prefLabel "书院镇"@zh ; skos:altLabel "书院"@zh ."#
                .as_bytes()
                .to_vec(),
        ));
        let lexicon = Lexicon::from_turtle(sources.iter().map(|(n, b)| (n.as_str(), b.as_slice())))
            .expect("the ontology and the extra district load");
        let extractor = Extractor::new(&lexicon).expect("matcher builds");
        for text in ["书院与区税务局开展合作。", "区书院，", "书院"] {
            // Once a panic (a backwards slice); now the text reads as usual.
            let facts = extractor.extract(&case("金山区", text));
            let chars: Vec<char> = text.chars().collect();
            for e in facts.agencies.iter().flat_map(|a| &a.evidence) {
                assert_eq!(chars[e.start..e.end].iter().collect::<String>(), e.sentence);
            }
        }
        let facts = extractor.extract(&case("金山区", "书院与区税务局开展合作。"));
        let names: Vec<&String> = facts.agencies.iter().flat_map(|a| &a.names).collect();
        assert_eq!(names, ["区税务局"]);
    }
}
