"""Generated English names of NBS divisions: the place in Hanyu Pinyin, the type word in English.

No English edition of the NBS division codes exists, yet an English page should not show
长丰县 where a reader expects a name. The rendering is systematic and says it is generated
(zg:englishNameOrigin origin:generated): the place word in pinyin (pypinyin, with the corrections
below), the peoples of an autonomous division by their usual English names, then the English of
the administrative type word that ends the name (长丰县 → Changfeng County). It is not an
official name. Division rows that are development zones (codes with 7 as 5th digit) are named as
the registry names its zones (registry_names.generated_english).

pypinyin reads several characters of place names with their everyday reading: 长丰 comes out
Zhangfeng, 朝阳 Zhaoyang, 成都's 都 alone dou. The corrections follow the place names' standard
romanisation (the names as the divisions write them in pinyin on their own signs and maps);
each was found by listing every polyphonic character of the 3,351 names with its reading.
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

from graph.build.registry_names import SUFFIXES, generated_english, syllables_to_word

#: Characters whose place-name reading differs from pypinyin's choice wherever they occur in
#: a division name (长治, 天长, 弓长岭; 丰都, 于都, 郫都; 锡林郭勒, 库尔勒; 阿图什, 什邡 …).
CHAR_READINGS: dict[str, str] = {
    "长": "chang",
    "都": "du",
    "勒": "le",
    "什": "shi",
    "蚌": "beng",  # 蚌山区
    "柏": "bai",  # 万柏林区
    "佛": "fo",  # 佛冈县, 佛坪县
    "卡": "ka",  # 浪卡子县
    "漯": "luo",  # 漯河市
    "尾": "wei",  # 马尾区
    "浚": "xun",  # 浚县
    "单": "shan",  # 单县
    "筠": "jun",  # 筠连县
    "涡": "guo",  # 涡阳县
    "覃": "qin",  # 覃塘区
    "曾": "zeng",  # 曾都区
    "泊": "bo",  # 泊头市
    "伽": "jia",  # 伽师县
    "圩": "xu",  # 龙圩区, 回龙圩管理区
    "峙": "shi",  # 繁峙县
}

#: Words whose reading differs from both pypinyin's and the character rule above.
PHRASE_READINGS: dict[str, tuple[str, ...]] = {
    "长子": ("zhang", "zi"),  # 长子县 keeps zhǎng
    "朝阳": ("chao", "yang"),
    "六合": ("lu", "he"),
    "荥经": ("ying", "jing"),
    "南乐": ("nan", "le"),
    "民乐": ("min", "le"),
    "洪洞": ("hong", "tong"),
    "闵行": ("min", "hang"),
    "东阿": ("dong", "e"),
}

#: Peoples named in autonomous divisions, by their usual English names; 各族 is "various".
PEOPLES: dict[str, str] = {
    "维吾尔": "Uygur",
    "壮": "Zhuang",
    "回": "Hui",
    "藏": "Tibetan",
    "蒙古": "Mongol",
    "朝鲜": "Korean",
    "土家": "Tujia",
    "苗": "Miao",
    "羌": "Qiang",
    "彝": "Yi",
    "布依": "Bouyei",
    "侗": "Dong",
    "哈尼": "Hani",
    "傣": "Dai",
    "景颇": "Jingpo",
    "傈僳": "Lisu",
    "白": "Bai",
    "满": "Manchu",
    "达斡尔": "Daur",
    "鄂温克": "Ewenki",
    "鄂伦春": "Oroqen",
    "畲": "She",
    "瑶": "Yao",
    "仫佬": "Mulao",
    "毛南": "Maonan",
    "黎": "Li",
    "哈萨克": "Kazak",
    "柯尔克孜": "Kirgiz",
    "锡伯": "Xibe",
    "塔吉克": "Tajik",
    "土": "Tu",
    "撒拉": "Salar",
    "保安": "Bonan",
    "东乡": "Dongxiang",
    "裕固": "Yugur",
    "纳西": "Naxi",
    "拉祜": "Lahu",
    "佤": "Va",
    "布朗": "Blang",
    "普米": "Pumi",
    "怒": "Nu",
    "独龙": "Derung",
    "仡佬": "Gelao",
    "水": "Sui",
    "各": "Various Nationalities",
}
_PEOPLE_ORDER = sorted(PEOPLES, key=len, reverse=True)

#: Administrative type words that end division names, with their English; longest match wins.
TYPE_WORDS: dict[str, str] = {
    "特别行政区": "Special Administrative Region",
    "自治区": "Autonomous Region",
    "自治州": "Autonomous Prefecture",
    "自治县": "Autonomous County",
    "自治旗": "Autonomous Banner",
    "管理区": "Administrative Area",
    "管委会": "Administrative Committee",
    "行政委员会": "Administrative Committee",
    "地区": "Prefecture",
    "林区": "Forestry District",
    "特区": "Special District",
    "矿区": "Mining District",
    "新区": "New Area",
    "新城": "New Town",
    "群岛": "Islands",
    "省": "Province",
    "市": "City",
    "县": "County",
    "区": "District",
    "旗": "Banner",
    "盟": "League",
}
_TYPE_ORDER = sorted(TYPE_WORDS, key=len, reverse=True)

#: Whole names that are not a place plus a type word: placeholders of the code table.
WHOLE_NAMES: dict[str, str] = {
    "市辖区": "City districts",
    "省直辖县级行政区划": "County-level divisions under the province",
    "自治区直辖县级行政区划": "County-level divisions under the autonomous region",
    "中沙群岛的岛礁及其海域": "Islands, reefs and waters of the Zhongsha Islands",
    "乌拉盖管理区管委会": "Wulagai Administrative Area Committee",
    # Two names the rule would get wrong: 陕西 and 山西 are both Shanxi in toneless pinyin
    # (the standard spelling Shaanxi tells them apart), and 内蒙古 is romanised from Mongolian.
    "陕西省": "Shaanxi Province",
    "内蒙古自治区": "Nei Mongol Autonomous Region",
}

#: Zone type words long enough to tell a development-zone row from a division (not 区, 园).
_ZONE_SUFFIXES = tuple(s for s in SUFFIXES if len(s) >= 3 and s not in TYPE_WORDS)


def place_syllables(text: str) -> list[str]:
    """Pinyin syllables of Chinese `text`, with the place-name corrections applied."""
    syllables = lazy_pinyin(text, style=Style.NORMAL, v_to_u=True)
    if len(syllables) != len(text):  # non-Chinese characters: pypinyin grouped them
        return syllables
    out = list(syllables)
    for i, ch in enumerate(text):
        if ch in CHAR_READINGS:
            out[i] = CHAR_READINGS[ch]
    for phrase, reading in PHRASE_READINGS.items():
        start = text.find(phrase)
        while start >= 0:
            out[start : start + len(phrase)] = reading
            start = text.find(phrase, start + 1)
    return out


def place_word(text: str) -> str:
    """A place name as one pinyin word (长丰 → Changfeng, 六安 → Lu'an)."""
    return syllables_to_word(place_syllables(text))


def _place(text: str) -> str:
    """The place part: one word, or two where a city is named before its part (怀化市洪江)."""
    head, sep, rest = text.partition("市")
    if sep and len(head) >= 2 and rest:
        return f"{place_word(head)} City {place_word(rest)}"
    return place_word(text) if text else ""


def _peoples(text: str) -> tuple[str, list[str]]:
    """Split the peoples named before 自治X off the end: (place, English names in order)."""
    found: list[str] = []
    while text:
        stripped = text[:-1] if text.endswith("族") else text
        people = next((p for p in _PEOPLE_ORDER if stripped.endswith(p)), None)
        if people is None or (not text.endswith("族") and len(people) < 2):
            break  # a one-character people is only recognised with its 族 (回族, not 回)
        rest = stripped[: -len(people)]
        if len(rest) == 1:
            break  # 内蒙古: 蒙古 is part of the place's name here, not a people before 自治
        found.insert(0, PEOPLES[people])
        text = rest
    return text, found


def division_english(name: str, provincial: bool = False) -> str:
    """The generated English name of a division; `provincial` renders 市 as Municipality."""
    if name in WHOLE_NAMES:
        return WHOLE_NAMES[name]
    if any(name.endswith(s) and len(name) > len(s) for s in _ZONE_SUFFIXES):
        return generated_english(name, "", frozenset())
    kind = next((t for t in _TYPE_ORDER if name.endswith(t) and len(name) > len(t)), None)
    if kind is None:
        return place_word(name)
    stem = name[: -len(kind)]
    english = "Municipality" if provincial and kind == "市" else TYPE_WORDS[kind]
    peoples: list[str] = []
    if kind.startswith("自治") or stem.endswith("族"):
        stem, peoples = _peoples(stem)
    parts = [_place(stem), *peoples, english]
    return re.sub(r"\s+", " ", " ".join(p for p in parts if p)).strip()
