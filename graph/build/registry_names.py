"""English names for registry zones: official where the curators know one, else generated.

Most of the 2,606 zones of GB/T 37028-2018 have no English name anyone publishes, yet every
entity of the graph is bilingual. The generated rendering is systematic and says it is
generated (zg:englishNameOrigin origin:generated): the place part of the name in Hanyu Pinyin
(pypinyin, which ships its dictionary), split at the names of divisions the NBS tables know,
followed by the English of the type word that ends the name (经济技术开发区 → Economic and
Technological Development Zone). It is not a translation and must not be shown as official.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from pypinyin import Style, lazy_pinyin

#: Type words that end zone names, longest first at lookup; English as the zones' own
#: (and the State Council's) English usage renders them.
SUFFIXES: dict[str, str] = {
    "经济技术开发区": "Economic and Technological Development Zone",
    "高新技术产业开发区": "High-tech Industrial Development Zone",
    "高新技术产业园区": "High-tech Industrial Park",
    "高新技术开发区": "High-tech Development Zone",
    "高新技术产业园": "High-tech Industrial Park",
    "经济开发区": "Economic Development Zone",
    "综合保税区": "Comprehensive Bonded Zone",
    "保税港区": "Bonded Port Area",
    "保税物流园区": "Bonded Logistics Park",
    "保税区": "Bonded Zone",
    "出口加工区": "Export Processing Zone",
    "跨境工业区": "Cross-border Industrial Zone",
    "边境经济合作区": "Border Economic Cooperation Zone",
    "跨境经济合作区": "Cross-border Economic Cooperation Zone",
    "经济合作区": "Economic Cooperation Zone",
    "自由贸易试验区": "Pilot Free Trade Zone",
    "国家自主创新示范区": "National Independent Innovation Demonstration Zone",
    "创新示范区": "Innovation Demonstration Zone",
    "重点开发开放试验区": "Key Experimental Zone for Development and Opening-up",
    "开放型经济试验区": "Open Economy Experimental Zone",
    "试验区": "Experimental Zone",
    "示范区": "Demonstration Zone",
    "示范基地": "Demonstration Base",
    "产业基地": "Industrial Base",
    "基地": "Base",
    "产业转移工业园区": "Industrial Transfer Park",
    "产业转移园区": "Industrial Transfer Park",
    "工业园区": "Industrial Park",
    "工业园": "Industrial Park",
    "产业园区": "Industrial Park",
    "产业园": "Industrial Park",
    "科技园区": "Science Park",
    "科技园": "Science Park",
    "化工园区": "Chemical Industry Park",
    "物流园区": "Logistics Park",
    "园区": "Park",
    "产业集聚区": "Industrial Cluster Zone",
    "工业集中区": "Industrial Concentration Zone",
    "旅游度假区": "Tourist Resort",
    "台商投资区": "Taiwanese Investment Zone",
    "投资区": "Investment Zone",
    "工业区": "Industrial Zone",
    "产业区": "Industrial Zone",
    "化工区": "Chemical Industry Zone",
    "新区": "New Area",
    "经济区": "Economic Zone",
    "开发区": "Development Zone",
    "发展区": "Development Zone",
    "功能区": "Function Zone",
    "核心区": "Core Area",
    "贸易区": "Trade Zone",
    "片区": "Area",
    "园": "Park",
}
_SUFFIX_ORDER = sorted(SUFFIXES, key=len, reverse=True)

#: Administrative endings stripped from division names to find the place word in a zone name.
_DIVISION_ENDINGS = re.compile(
    r"(维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区|省|市|地区|盟|自治州|自治县|自治旗|县|区|旗)$"
)
_HAN = re.compile(r"[\u3400-\u9fff]")
_VOWEL_START = re.compile(r"^[aoeāáǎàōóǒòēéěè]")


def place_words(division_names: Iterable[str]) -> frozenset[str]:
    """Names of divisions with and without their administrative ending (广州市 → 广州)."""
    words: set[str] = set()
    for name in division_names:
        words.add(name)
        short = _DIVISION_ENDINGS.sub("", name)
        if len(short) >= 2:
            words.add(short)
    return frozenset(w for w in words if len(w) >= 2)


def syllables_to_word(syllables: list[str]) -> str:
    """Pinyin syllables written as one word, with the apostrophe before a/o/e (Xi'an)."""
    out = ""
    for i, syl in enumerate(syllables):
        if i and _VOWEL_START.match(syl):
            out += "'"
        out += syl
    return out[:1].upper() + out[1:]


def pinyin_word(text: str) -> str:
    return syllables_to_word(lazy_pinyin(text, style=Style.NORMAL, v_to_u=True))


@functools.lru_cache(maxsize=8)
def _longest(places: frozenset[str]) -> int:
    # once per set of place names: every zone name is split against the same few thousand
    return max((len(p) for p in places), default=0)


def _segments(text: str, places: frozenset[str]) -> list[str]:
    """Split a run of Chinese at known place names; other runs in two-character words."""
    longest = _longest(places)
    words: list[str] = []
    rest = ""
    i = 0
    while i < len(text):
        hit = next(
            (
                text[i : i + n]
                for n in range(min(longest, len(text) - i), 1, -1)
                if text[i : i + n] in places
            ),
            None,
        )
        if hit is None:
            rest += text[i]
            i += 1
            continue
        words += _chunk(rest)
        rest = ""
        words.append(hit)
        i += len(hit)
    return words + _chunk(rest)


def _chunk(run: str) -> list[str]:
    if len(run) <= 3:
        return [run] if run else []
    parts = [run[i : i + 2] for i in range(0, len(run), 2)]
    if len(parts[-1]) == 1:
        parts[-2] += parts.pop()
    return parts


#: Endings kept in a zone's name (罗山县产业集聚区) are said in English after the place word.
_ENDINGS_EN = {"省": "Province", "市": "City", "县": "County", "区": "District", "旗": "Banner"}


def _word(word: str, places: frozenset[str]) -> str:
    stem, end = word[:-1], word[-1:]
    if end in _ENDINGS_EN and len(stem) >= 2 and stem in places:
        return f"{pinyin_word(stem)} {_ENDINGS_EN[end]}"
    return pinyin_word(word)


def romanise(text: str, places: frozenset[str]) -> str:
    """Chinese text as pinyin words; Latin letters, digits and punctuation kept as they are."""
    out: list[str] = []
    for run in re.findall(r"[\u3400-\u9fff]+|[^\u3400-\u9fff]+", text):
        if _HAN.match(run):
            out += [_word(w, places) for w in _segments(run, places)]
        elif run.strip():
            out.append(run.strip())
    return " ".join(out)


def generated_english(name: str, type_english: str, places: frozenset[str]) -> str:
    """The generated English name: pinyin of the place part + the English of the type word.

    A trailing parenthesis (中国(上海)自由贸易试验区 has one inside, some names end with one) is
    rendered after the main part. Without a known type word the whole name is romanised and the
    type's English name added, so the reader still learns what kind of zone it is.
    """
    text = unicodedata.normalize("NFKC", name).strip()
    tail = ""
    match = re.fullmatch(r"(.+?)\s*\(([^()]*)\)", text)
    if match:
        text, tail = match.group(1), match.group(2)
    suffix = next((s for s in _SUFFIX_ORDER if text.endswith(s) and len(text) > len(s)), None)
    if suffix is not None:
        head = romanise(text[: -len(suffix)], places)
        english = f"{head} {SUFFIXES[suffix]}".strip()
    else:
        english = f"{romanise(text, places)} ({type_english})"
    if tail:
        english += f" ({romanise(tail, places)})"
    return re.sub(r"\s+", " ", english).replace("( ", "(").replace(" )", ")")
