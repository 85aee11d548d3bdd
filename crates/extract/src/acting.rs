//! The acting body of a case whose title opens with its place, as each item
//! of a national notice does (浙江省深化…, 内蒙古自治区阿拉善右旗…): the
//! place's people's government, of the agency type the ontology gives the
//! place's level (rk:governmentOfLevel); or, when the title names a zone
//! right after the place (湖北省武汉东湖新技术开发区…), the body that runs
//! the zone, of the type whose rk:zoneNameSuffix ends the zone's name.
//!
//! Only for cases without a table-of-contents district: there the place
//! comes from the title, and the title's subject is who did the practice.

use super::text::{contains_any, is_han, TextIndex};
use super::{push_evidence, AgencyFact, AgencyKey, Extractor, Target};
use reformkg_corpus::Case;
use reformkg_lexicon::{ChainResolution, ContextRole, PlaceId};
use std::collections::BTreeSet;

/// The longest zone name read after the place, in characters.
const MAX_ZONE_CHARS: usize = 16;

pub(super) fn acting_body(
    extractor: &Extractor,
    case: &Case,
    scope: Option<PlaceId>,
    text: &TextIndex,
) -> Option<AgencyFact> {
    if case.district.is_some() {
        return None;
    }
    let title = case.title.as_str();
    let title_at = case.text.find(title)?;
    // A title that opens with a body the lexicon names already has its actor.
    let opens_with_body = extractor
        .scan(title)
        .first()
        .is_some_and(|m| m.start == 0 && matches!(m.target, Target::NamedAgency(_)));
    if opens_with_body {
        return None;
    }
    let lexicon = extractor.lexicon;
    let ChainResolution::Unique(chain) = lexicon.gazetteer().resolve_chain_in(title, scope) else {
        return None;
    };
    let place = extractor.place_for(chain.place());
    let key = match zone_after(extractor, &title[chain.len..]) {
        Some((name, agency_type)) => AgencyKey::Unlisted {
            place,
            name: name.to_owned(),
            agency_type,
        },
        None => AgencyKey::Typed {
            place,
            agency_type: lexicon.government_type(lexicon.gazetteer().place(chain.place()).level)?,
        },
    };
    let written_end = match &key {
        AgencyKey::Unlisted { name, .. } => chain.len + name.len(),
        _ => chain.len,
    };
    let mut evidence = Vec::new();
    push_evidence(&mut evidence, text, title_at);
    Some(AgencyFact {
        key,
        names: BTreeSet::from([title[..written_end].to_owned()]),
        lead: true,
        evidence,
    })
}

/// The zone a title names right after its place: the longest run of Han
/// characters from the start that ends with a zone name suffix and holds no
/// word that cannot be part of a name (rk:contextRole `candidateStop`:
/// 柳州市实施老工业基地… names no zone), with the type of the body that
/// runs it.
fn zone_after<'t>(
    extractor: &Extractor,
    rest: &'t str,
) -> Option<(&'t str, reformkg_lexicon::AgencyTypeId)> {
    let han_end = rest
        .char_indices()
        .take(MAX_ZONE_CHARS)
        .take_while(|(_, c)| is_han(*c))
        .last()
        .map(|(i, c)| i + c.len_utf8())?;
    let run = &rest[..han_end];
    let stops = extractor.lexicon.context(ContextRole::CandidateStop);
    let is_name = |name: &str| !contains_any(name, stops);
    extractor
        .lexicon
        .zone_body_types()
        .flat_map(|(id, suffixes)| {
            suffixes.iter().filter_map(move |suffix| {
                // The last place in the run where this suffix ends a name.
                let at = run.rfind(suffix.as_str())?;
                let end = at + suffix.len();
                (at > 0 && is_name(&run[..end])).then(|| (&run[..end], id))
            })
        })
        .max_by_key(|(name, _)| name.len())
}

/// Adds the acting body to a case's agencies: it leads, and merges with a
/// mention of the same body.
pub(super) fn add_acting_body(agencies: &mut Vec<AgencyFact>, actor: AgencyFact) {
    match agencies.iter_mut().find(|a| a.key == actor.key) {
        Some(known) => {
            known.lead = true;
            known.names.extend(actor.names);
            for e in actor.evidence {
                if !known.evidence.contains(&e) {
                    known.evidence.push(e);
                }
            }
        }
        None => {
            agencies.push(actor);
            agencies.sort_by(|a, b| a.key.cmp(&b.key));
        }
    }
}
