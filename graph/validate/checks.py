"""Curator checks that SHACL cannot express: figures read against their own words.

A careless curator can type a figure that every shape accepts — a number with a unit, a
comparator and a period — and still be wrong: 「超4万家」 stored as exactly 40 000, 「187.96亿元」
stored as 1.8796e9, a subset larger than its whole, a share that is not part ÷ whole, a figure of
「2023年」 given the report month. These checks parse the verbatim figure with a real Chinese
number parser (cn2an), read the quoted sentence's time words, and compare. Each finding is a
violation, never a warning: the build refuses the data until the curator fixes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import cn2an
from oxrdflib import OxigraphStore
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.query import ResultRow
from rdflib.term import Node

from graph.namespaces import BASE, SDMX_ATTR, SDMX_DIM, SDMX_MEAS, ZG
from graph.validate.quotes import Quotes

CMP = BASE + "concept/comparator/"
UNIT = BASE + "concept/unit/"
EXACT, MORE, AT_LEAST, UNDER, AT_MOST, MAGNITUDE = (
    URIRef(CMP + n)
    for n in ("exact", "more-than", "at-least", "just-under", "at-most", "order-of-magnitude")
)
_NUM = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿]+)"
#: Hedge words next to a number, and the comparator each one means. The patterns need the
#: number beside the word so that 「最近」 or 「多家企业」 are not read as hedges.
HEDGES: tuple[tuple[str, re.Pattern[str], URIRef], ...] = (
    ("超", re.compile(rf"超(?:过)?{_NUM}"), MORE),
    ("逾", re.compile(rf"逾{_NUM}"), MORE),
    ("突破", re.compile(rf"突破{_NUM}"), MORE),
    ("多", re.compile(rf"{_NUM}(?:年|个)?多"), MORE),
    ("余", re.compile(rf"{_NUM}余"), MORE),
    ("以上", re.compile(rf"{_NUM}[^\d，,。;；]{{0,6}}以上"), AT_LEAST),
    ("近", re.compile(rf"近{_NUM}"), UNDER),
    ("不超过", re.compile(rf"不超过{_NUM}"), AT_MOST),
    ("前", re.compile(r"前[一二三四五六七八九十\d]+(?:甲|名|位)"), AT_MOST),
    ("上千", re.compile(r"上[百千万]"), MAGNITUDE),
)
_HEDGE_NAMES = {
    MORE: "cmp:more-than",
    AT_LEAST: "cmp:at-least",
    UNDER: "cmp:just-under",
    AT_MOST: "cmp:at-most",
    MAGNITUDE: "cmp:order-of-magnitude",
    EXACT: "cmp:exact",
}
_ARABIC = re.compile(r"\d+(?:\.\d+)?(?:万亿|万|亿)?")
_CHINESE = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
#: Calendar words that carry a number themselves: 「每周一次」 is every 7 days, 「每半月」 twice a
#: month; a number of years is a number of months ×12 when the unit is months.
_CALENDAR = (
    (re.compile(r"每周"), UNIT + "day", Decimal(7)),
    (re.compile(r"每半月"), UNIT + "times-per-month", Decimal(2)),
)
_NOW_WORDS = re.compile(r"目前|如今|当前|截至目前")
_YEAR = re.compile(r"(\d{4})年")
_RUN = re.compile(r"连续([\d一二两三四五六七八九十]+)年")


@dataclass(frozen=True)
class Finding:
    """One failed check: the node, the property at fault, the value and a bilingual message."""

    check: str
    focus: Node
    path: URIRef | None
    value: Node | None
    message: str


def run(g: Graph) -> list[Finding]:
    """Every check over a graph holding data, reference and provenance (the union or a dump)."""
    figures = _figures(g)
    return [
        *_hedges(figures),
        *_values(figures),
        *_parts(g, figures),
        *_partitions(g, figures),
        *_shares(g, figures),
        *_periods(g, figures),
        *_untyped(g),
    ]


@dataclass(frozen=True)
class _Figure:
    node: URIRef
    value: Decimal | None
    raw: Node | None
    verbatim: str | None
    unit: str | None
    comparator: URIRef | None

    def bounds(self) -> tuple[Decimal, Decimal | None]:
        """The interval the true figure lies in, as the comparator says (None: no upper bound)."""
        v = self.value if self.value is not None else Decimal(0)
        if self.comparator in (MORE, AT_LEAST):
            return v, None
        if self.comparator in (AT_MOST, UNDER):
            return Decimal(0), v
        if self.comparator == MAGNITUDE:
            return v, v * 10
        return v, v


def _figures(g: Graph) -> dict[Node, _Figure]:
    out: dict[Node, _Figure] = {}
    for node in g.subjects(RDF.type, ZG.Observation):
        if not isinstance(node, URIRef):
            continue
        raw = g.value(node, SDMX_MEAS.obsValue)
        verbatim = g.value(node, ZG.verbatim)
        unit = g.value(node, SDMX_ATTR.unitMeasure)
        comparator = g.value(node, ZG.comparator)
        out[node] = _Figure(
            node=node,
            value=_decimal(raw),
            raw=raw,
            verbatim=str(verbatim) if verbatim is not None else None,
            unit=str(unit) if unit is not None else None,
            comparator=comparator if isinstance(comparator, URIRef) else None,
        )
    return out


def _decimal(node: Node | None) -> Decimal | None:
    if not isinstance(node, Literal):
        return None
    try:
        number = Decimal(str(node))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _hedges(figures: dict[Node, _Figure]) -> Iterator[Finding]:
    """A hedged verbatim figure needs the comparator its hedge word means; an unhedged one exact."""
    for f in figures.values():
        if f.verbatim is None:
            continue
        found = [(word, cmp) for word, pattern, cmp in HEDGES if pattern.search(f.verbatim)]
        expected = {cmp for _, cmp in found} or {EXACT}
        if f.comparator in expected:
            continue
        want = " 或 / or ".join(sorted(_HEDGE_NAMES[c] for c in expected))
        has = _HEDGE_NAMES.get(f.comparator, f.comparator.n3()) if f.comparator else "none"
        if found:
            words = "、".join(f"“{w}”" for w, _ in found)
            message = (
                f"原文「{f.verbatim}」有限定词{words},比较符应为 {want},而非 {has} / "
                f"hedged figure 「{f.verbatim}」 ({words}) needs {want}, not {has}"
            )
        else:
            message = (
                f"原文「{f.verbatim}」没有限定词,比较符应为 cmp:exact,而非 {has} / "
                f"unhedged figure 「{f.verbatim}」 needs cmp:exact, not {has}"
            )
        yield Finding("hedge", f.node, ZG.comparator, f.comparator, message)


def numbers_in(verbatim: str, unit: str | None = None) -> list[Decimal]:
    """Every number a verbatim figure states, parsed as Chinese numerals with 万/亿 multipliers.

    「187.96亿元」 → 18796000000, 「1.2万家」 → 12000, 「前三甲」 → 3, 「五大千亿级」 → 5 and 10^11.
    Years are months ×12 when the figure is in months; 「每周」 and 「每半月」 carry 7 days and
    twice a month.
    """
    found: list[Decimal] = []
    spans: list[tuple[int, int]] = []
    for match in _ARABIC.finditer(verbatim):
        found.append(_cn(match.group(0)))
        spans.append(match.span())
    for match in _CHINESE.finditer(verbatim):
        if any(a <= match.start() < b for a, b in spans):
            continue  # the 万/亿 of an Arabic number, already read with it
        try:
            found.append(_cn(match.group(0)))
        except ValueError:
            continue
        spans.append(match.span())
    if unit == UNIT + "month":
        for (_start, end), number in zip(spans, list(found), strict=True):
            if verbatim[end : end + 1] == "年":
                found.append(number * 12)
    for pattern, calendar_unit, number in _CALENDAR:
        if unit == calendar_unit and pattern.search(verbatim):
            found.append(number)
    return found


def _cn(text: str) -> Decimal:
    if text[:1] in "十百千万亿":
        text = "一" + text  # 「上千」「百亿级」: a bare unit character means one of it
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError) as exc:  # cn2an raises ValueError for what it cannot read
        raise ValueError(text) from exc
    return Decimal(str(value))


def _values(figures: dict[Node, _Figure]) -> Iterator[Finding]:
    """The stored value must be a number the verbatim figure states (after 万/亿)."""
    for f in figures.values():
        if f.verbatim is None or f.value is None:
            continue
        numbers = numbers_in(f.verbatim, f.unit)
        if any(_close(f.value, n) for n in numbers):
            continue
        stated = "、".join(_plain(n) for n in numbers) or "无 / none"
        message = (
            f"数值 {_plain(f.value)} 与原文「{f.verbatim}」不符(原文数字:{stated}) / "
            f"value {_plain(f.value)} does not match the verbatim figure 「{f.verbatim}」 "
            f"(it states {stated})"
        )
        yield Finding("verbatim-value", f.node, SDMX_MEAS.obsValue, f.raw, message)


def _close(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= max(abs(a), abs(b)) * Decimal("1e-9")


def _plain(n: Decimal) -> str:
    text = format(n.normalize(), "f")
    return text


def _parts(g: Graph, figures: dict[Node, _Figure]) -> Iterator[Finding]:
    """A subset cannot be larger than its whole, whatever the comparators allow."""
    for part, whole in g.subject_objects(ZG.subsetOf):
        p, w = figures.get(part), figures.get(whole)
        if p is None or w is None or p.value is None or w.value is None:
            continue
        low, _ = p.bounds()
        _, high = w.bounds()
        if high is not None and low > high:
            message = (
                f"部分「{p.verbatim}」大于整体「{w.verbatim}」 / part 「{p.verbatim}」 "
                f"({_plain(low)}) is larger than its whole 「{w.verbatim}」 ({_plain(high)})"
            )
            yield Finding("part-whole", part, ZG.subsetOf, whole, message)


def _partitions(g: Graph, figures: dict[Node, _Figure]) -> Iterator[Finding]:
    """Declared disjoint parts (zg:partitionOf) must add up to their whole."""
    wholes: dict[Node, list[_Figure]] = {}
    for part, whole in g.subject_objects(ZG.partitionOf):
        f = figures.get(part)
        if f is not None and f.value is not None:
            wholes.setdefault(whole, []).append(f)
    for whole, parts in sorted(wholes.items(), key=lambda kv: str(kv[0])):
        w = figures.get(whole)
        if w is None or w.value is None:
            continue
        low = sum((p.bounds()[0] for p in parts), Decimal(0))
        highs = [p.bounds()[1] for p in parts]
        high = None if any(h is None for h in highs) else sum((h for h in highs if h), Decimal(0))
        w_low, w_high = w.bounds()
        if (w_high is not None and low > w_high) or (high is not None and high < w_low):
            names = " + ".join(
                f"「{p.verbatim}」" for p in sorted(parts, key=lambda p: str(p.node))
            )
            total = _plain(low) if high == low else f"{_plain(low)}–{_plain(high) if high else '∞'}"
            message = (
                f"互斥部分之和 {names} = {total} 不等于整体「{w.verbatim}」 / declared "
                f"disjoint parts {names} add up to {total}, not the whole 「{w.verbatim}」"
            )
            yield Finding("partition-sum", whole, ZG.partitionOf, None, message)


def _shares(g: Graph, figures: dict[Node, _Figure]) -> Iterator[Finding]:
    """A percentage with its part and whole must be part ÷ whole, to the precision stated."""
    for share, whole in g.subject_objects(ZG.shareOf):
        s, w = figures.get(share), figures.get(whole)
        part = g.value(share, ZG.sharePart)
        p = figures.get(part) if isinstance(part, URIRef) else None
        if s is None or w is None or p is None or None in (s.value, w.value, p.value):
            continue
        assert s.value is not None and w.value is not None and p.value is not None
        if w.value == 0 or s.comparator != EXACT or p.comparator != EXACT or w.comparator != EXACT:
            continue
        computed = p.value / w.value * 100
        places = -s.value.normalize().as_tuple().exponent  # type: ignore[operator]
        tolerance = Decimal(5) * Decimal(10) ** (-max(int(places), 0) - 1)
        if abs(computed - s.value) > tolerance:
            message = (
                f"占比 {_plain(s.value)}% 不等于「{p.verbatim}」÷「{w.verbatim}」= "
                f"{computed:.2f}% / share {_plain(s.value)} % is not part ÷ whole "
                f"「{p.verbatim}」 ÷ 「{w.verbatim}」 = {computed:.2f} %"
            )
            yield Finding("share", share, SDMX_MEAS.obsValue, s.raw, message)


def _periods(g: Graph, figures: dict[Node, _Figure]) -> Iterator[Finding]:
    """A figure's period must agree with the time words of the sentence it is quoted from."""
    quotes = Quotes(g, SDMX_DIM.refPeriod)
    for f in figures.values():
        period = g.value(f.node, SDMX_DIM.refPeriod)
        start, end = g.value(period, ZG.startDate), g.value(period, ZG.endDate)
        if period is None or start is None or end is None:
            continue
        first, last = str(start)[:4], str(end)[:4]
        for exact, month in quotes.of(f.node, period):
            problem = _period_problem(exact, f.verbatim or "", first, last, str(start), month)
            if problem:
                name = g.namespace_manager.normalizeUri(str(period))
                message = (
                    f"时期 {name} 与原句的时间用语不符:{problem[0]} / period {name} does "
                    f"not match the sentence's time words: {problem[1]}"
                )
                yield Finding("period-words", f.node, SDMX_DIM.refPeriod, period, message)
                break


def _period_problem(
    exact: str, verbatim: str, first: str, last: str, start: str, month: str | None
) -> tuple[str, str] | None:
    span = first if first == last else f"{first}–{last}"
    span_zh = first if first == last else f"{first}—{last}"
    years = set(_YEAR.findall(exact))
    run = _RUN.search(verbatim)
    if run:
        n = int(_cn(run.group(1)))
        if int(last) - int(first) + 1 != n or (years and last not in years):
            return (
                f"「{run.group(0)}」应为截至所述年份的 {n} 个年头,而非 {span_zh}",
                f"「{run.group(0)}」 means {n} years to the stated year, not {span}",
            )
        return None
    if years:
        if first not in years or last not in years:
            stated = "、".join(sorted(years))
            return (
                f"原句所述年份为 {stated},而非 {span_zh}",
                f"the sentence states {stated}, not {span}",
            )
        return None
    if _NOW_WORDS.search(exact) and month and not start.startswith(month):
        words = "、".join(sorted(set(_NOW_WORDS.findall(exact))))
        return (
            f"「{words}」指报道时({month}),而非 {span_zh}",
            f"「{words}」 means the time of the report ({month}), not {span}",
        )
    return None


def _untyped(g: Graph) -> Iterator[Finding]:
    """Every IRI the data or reference graphs describe needs an rdf:type somewhere."""
    seen: set[Node] = set()
    for s in _subjects(g):
        if not isinstance(s, URIRef) or s in seen or (s, RDF.type, None) in g:
            continue
        text = str(s)
        if not (text.startswith(BASE + "id/") or text.startswith(BASE + "concept/")):
            continue
        seen.add(s)
        message = (
            "实体缺少类型 / entity of the data or reference graph has no rdf:type "
            "(say what it is: zg:Enterprise, zg:Park, skos:Concept …)"
        )
        yield Finding("untyped", s, RDF.type, None, message)


def _subjects(g: Graph) -> Iterator[Node]:
    """The graph's subjects; over an Oxigraph store, only the untyped ones, found by Oxigraph
    (walking a million triples through rdflib's API would cost more than the whole check)."""
    if not isinstance(g.store, OxigraphStore):
        yield from g.subjects(unique=True)
        return
    query = f"""SELECT DISTINCT ?s WHERE {{
        ?s ?p ?o FILTER (isIRI(?s) && (STRSTARTS(STR(?s), "{BASE}id/")
            || STRSTARTS(STR(?s), "{BASE}concept/")))
        MINUS {{ ?s a ?type }}
    }}"""
    for row in g.query(query):
        assert isinstance(row, ResultRow)
        yield row[0]
