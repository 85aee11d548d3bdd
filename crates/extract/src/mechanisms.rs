//! Mechanisms: which lexicon mechanisms a case uses.
//!
//! A mechanism label counts as a use unless it is (a) inside a cited
//! 《…》 title, (b) followed by a modifier head (知识产权保护示范区 names a
//! designation, 法律服务中心 an organisation), or (c) named in a clause that
//! learns from another place (学习借鉴外地“一业一证”经验). The words of (b)
//! and (c) are rk:ContextWord roles in `ontology/mechanisms.ttl`.

use super::documents::inside;
use super::text::{clause_end, clause_start, contains_any, starts_with_any, TextIndex};
use super::{push_evidence, Extractor, LabelMatch, MechanismFact, Place, Target};
use reformkg_lexicon::{ContextRole, MechanismId};
use std::collections::{BTreeMap, BTreeSet};

/// The context roles the mechanism rules read.
pub(super) const CONTEXT_ROLES: &[ContextRole] = &[
    ContextRole::ModifierHead,
    ContextRole::Learning,
    ContextRole::OtherPlace,
];

/// One accepted use of a mechanism label (byte offsets).
#[derive(Debug, Clone)]
pub(super) struct MechanismMention {
    pub(super) mechanism: MechanismId,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) written: String,
}

/// The mechanism matches that are uses.
pub(super) fn mechanisms(
    extractor: &Extractor,
    raw: &str,
    matches: &[LabelMatch],
    titles: &[(usize, usize)],
    district: &Place,
) -> Vec<MechanismMention> {
    let lexicon = extractor.lexicon;
    let modifier_heads = lexicon.context(ContextRole::ModifierHead);
    matches
        .iter()
        .filter_map(|m| match m.target {
            Target::Mechanism(i) => Some((m, i)),
            _ => None,
        })
        .filter(|(m, _)| !inside(titles, m.start, m.end))
        .filter(|(m, _)| starts_with_any(&raw[m.end..], modifier_heads).is_none())
        .filter(|(m, _)| !learns_from_elsewhere(extractor, raw, m.start, district))
        .map(|(m, i)| MechanismMention {
            mechanism: i,
            start: m.start,
            end: m.end,
            written: raw[m.start..m.end].to_owned(),
        })
        .collect()
}

/// Groups mentions into one fact per mechanism, in lexicon order.
pub(super) fn facts(mentions: Vec<MechanismMention>, text: &TextIndex) -> Vec<MechanismFact> {
    let mut facts: BTreeMap<MechanismId, MechanismFact> = BTreeMap::new();
    for m in mentions {
        let fact = facts.entry(m.mechanism).or_insert_with(|| MechanismFact {
            mechanism: m.mechanism,
            names: BTreeSet::new(),
            evidence: Vec::new(),
        });
        fact.names.insert(m.written);
        push_evidence(&mut fact.evidence, text, m.start);
    }
    facts.into_values().collect()
}

/// Does the clause around `at` learn from another place? It must hold a
/// learning word and name a place other than the case's own (its district
/// or that district's city), or an other-place word.
fn learns_from_elsewhere(extractor: &Extractor, raw: &str, at: usize, district: &Place) -> bool {
    let lexicon = extractor.lexicon;
    let clause = &raw[clause_start(raw, at)..clause_end(raw, at)];
    let has = |words: &[String]| contains_any(clause, words);
    if !has(lexicon.context(ContextRole::Learning)) {
        return false;
    }
    if has(lexicon.context(ContextRole::OtherPlace)) {
        return true;
    }
    let own_city = extractor.city_of(district);
    let other_district = lexicon
        .districts_with_ids()
        .any(|(id, d)| Place::District(id) != *district && has(&d.concept.labels_zh));
    let other_city = lexicon
        .cities_with_ids()
        .any(|(id, c)| Place::City(id) != own_city && has(&c.labels_zh));
    other_district || other_city
}

#[cfg(test)]
mod tests {
    use super::super::tests::{case, lexicon};
    use super::super::Extractor;

    fn used(text: &str) -> Vec<String> {
        let lexicon = lexicon();
        let extractor = Extractor::new(&lexicon).expect("matcher builds");
        let facts = extractor.extract(&case("金山区", text));
        facts
            .mechanisms
            .iter()
            .map(|m| lexicon.mechanism(m.mechanism).pref_zh.clone())
            .collect()
    }

    #[test]
    fn a_use_counts_but_a_title_or_a_designation_does_not() {
        assert_eq!(used("本区推行告知承诺制。"), ["告知承诺"]);
        assert!(used("制定《告知承诺实施办法》。").is_empty());
        assert!(used("获评知识产权保护示范区。").is_empty());
        assert_eq!(used("完善知识产权保护机制。"), ["知识产权保护"]);
    }

    #[test]
    fn another_places_achievement_is_not_a_use() {
        assert!(used("学习借鉴外地告知承诺经验。").is_empty());
        assert!(used("赴浦东新区学习告知承诺做法。").is_empty());
        assert_eq!(
            used("学习借鉴外地经验，本区推行告知承诺。"),
            ["告知承诺"],
            "the use is in its own clause"
        );
        assert_eq!(
            used("金山区学习告知承诺制度。"),
            ["告知承诺"],
            "own district"
        );
    }
}
