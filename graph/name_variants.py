"""Variants under which people type a zone's name: short type words, traditional, pinyin.

Among the 2,606 registry zones a user types 广州开发区 for 广州经济技术开发区, 经开区 / 高新区 /
自贸片区 / 综保区 for the long type words, 廣州開發區 in traditional characters, or guangzhou
kaifaqu. graph.names indexes every Chinese name under these variants too (below an exact
label), and folds a query's traditional characters to simplified with OpenCC's t2s data, so
that one matcher serves the CLI, the API and the web search.
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin

#: Long type words and the short forms in common use (longest first when applied).
SHORT_FORMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("经济技术开发区", ("经开区", "开发区")),
    ("高新技术产业开发区", ("高新区",)),
    ("高新技术产业园区", ("高新区", "高新园区")),
    ("高新技术开发区", ("高新区",)),
    ("自由贸易试验区", ("自贸区", "自贸试验区")),
    ("自贸试验区", ("自贸区",)),
    ("综合保税区", ("综保区",)),
    ("经济开发区", ("开发区", "经开区")),
    ("保税港区", ("保税港",)),
)
_HAN = re.compile(r"[\u3400-\u9fff]")
_PROVINCE_PREFIX = re.compile(
    "^(北京|天津|河北|山西|内蒙古|辽宁|吉林|黑龙江|上海|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|"
    "广东|广西|海南|重庆|四川|贵州|云南|西藏|陕西|甘肃|青海|宁夏|新疆)(省|市|自治区)?"
)


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Traditional characters folded to simplified (廣州開發區 → 广州开发区); others unchanged."""
    return str(_t2s().convert(text)) if _HAN.search(text) else text


def short_forms(name: str) -> set[str]:
    """The name with its type word shortened, with and without a leading province name
    (新疆石河子经济技术开发区 → 石河子经开区, 新疆石河子开发区 …);片区 of an FTZ → 自贸片区."""
    out: set[str] = set()
    for long, shorts in SHORT_FORMS:
        if long in name and len(name) > len(long):
            out |= {name.replace(long, short) for short in shorts}
            break
    fta = re.fullmatch(r"中国[(（](.+?)[)）]自由贸易试验区(.+?)片区", name)
    if fta:
        out.add(f"{fta.group(2)}自贸片区")
    for variant in [name, *out]:
        stripped = _PROVINCE_PREFIX.sub("", variant)
        if stripped != variant and len(stripped) >= 4:
            out.add(stripped)
    out.discard(name)
    return out


def pinyin_key(text: str) -> str | None:
    """Toneless pinyin without spaces (guangzhoukaifaqu), for Chinese text only."""
    if not _HAN.search(text):
        return None
    return "".join(lazy_pinyin(text, style=Style.NORMAL, v_to_u=False, errors="ignore"))


def ascii_query_key(text: str) -> str | None:
    """A Latin query without spaces, apostrophes or hyphens, to compare with pinyin keys."""
    if _HAN.search(text) or not re.search(r"[a-z]", text):
        return None
    return re.sub(r"[\s'’\-]+", "", text)
