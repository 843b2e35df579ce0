"""Chinese and English labels for the reused vocabulary terms that ZoneGraph's data uses.

The ontology labels its own terms, but pages also show schema.org, SKOS, ORG, SDMX, PROV and
Dublin Core terms, whose published labels are English only (and not in the store). Without
these a page would show `schema:containedInPlace` where a reader expects 「位于」.
"""

from __future__ import annotations

from graph.namespaces import ORG, PREFIXES, ROV, SCHEMA, SDMX_ATTR, SDMX_DIM, SDMX_MEAS

_RDF = PREFIXES["rdf"]
_SKOS = PREFIXES["skos"]
_DCT = PREFIXES["dcterms"]
_PROV = PREFIXES["prov"]

REUSED_LABELS: dict[str, tuple[str, str]] = {
    _RDF + "type": ("类型", "type"),
    _RDF + "first": ("列表首项", "first item"),
    _RDF + "rest": ("列表其余", "rest of list"),
    _RDF + "subject": ("主语", "subject"),
    _RDF + "predicate": ("谓词", "predicate"),
    _RDF + "object": ("宾语", "object"),
    _RDF + "Statement": ("陈述", "statement"),
    _SKOS + "Concept": ("概念", "concept"),
    _SKOS + "ConceptScheme": ("概念体系", "concept scheme"),
    _SKOS + "prefLabel": ("首选名称", "preferred label"),
    _SKOS + "altLabel": ("别名", "alternative label"),
    _SKOS + "definition": ("定义", "definition"),
    _SKOS + "notation": ("代码", "notation"),
    _SKOS + "note": ("注释", "note"),
    _SKOS + "scopeNote": ("范围说明", "scope note"),
    _SKOS + "editorialNote": ("编辑说明", "editorial note"),
    _SKOS + "inScheme": ("所属体系", "in scheme"),
    _SKOS + "topConceptOf": ("顶层概念于", "top concept of"),
    _SKOS + "broader": ("上位概念", "broader"),
    _SKOS + "broadMatch": ("上位映射", "broad match"),
    _SKOS + "closeMatch": ("近似映射", "close match"),
    _SKOS + "relatedMatch": ("相关映射", "related match"),
    _DCT + "isPartOf": ("属于", "is part of"),
    _DCT + "language": ("语言", "language"),
    _DCT + "relation": ("相关", "relation"),
    _DCT + "source": ("来源", "source"),
    _DCT + "title": ("标题", "title"),
    _PROV + "wasDerivedFrom": ("来源于", "derived from"),
    str(SDMX_ATTR.unitMeasure): ("单位", "unit of measure"),
    str(SDMX_DIM.refArea): ("统计区域", "reference area"),
    str(SDMX_DIM.refPeriod): ("统计时期", "reference period"),
    str(SDMX_MEAS.obsValue): ("数值", "value"),
    str(ORG.Site): ("场所", "site"),
    str(ORG.hasSite): ("场所", "has site"),
    str(ORG.holds): ("担任", "holds"),
    str(ORG.postIn): ("所属机构", "post in"),
    str(ROV.legalName): ("法定名称", "legal name"),
    str(SCHEMA.CreativeWorkSeries): ("系列作品", "creative work series"),
    str(SCHEMA.NewsArticle): ("新闻报道", "news article"),
    str(SCHEMA.Place): ("地点", "place"),
    str(SCHEMA.Project): ("项目", "project"),
    str(SCHEMA.MonetaryAmount): ("金额", "monetary amount"),
    str(SCHEMA.ImageObject): ("图片", "image"),
    str(SCHEMA.QuantitativeValue): ("数量值", "quantitative value"),
    str(SCHEMA.about): ("关于", "about"),
    str(SCHEMA.alternativeHeadline): ("副标题", "alternative headline"),
    str(SCHEMA.articleSection): ("栏目", "article section"),
    str(SCHEMA.author): ("作者", "author"),
    str(SCHEMA.containedInPlace): ("位于", "contained in place"),
    str(SCHEMA.containsPlace): ("包含", "contains place"),
    str(SCHEMA.contractor): ("承办方", "contractor"),
    str(SCHEMA.contributor): ("参与者", "contributor"),
    str(SCHEMA.description): ("描述", "description"),
    str(SCHEMA.headline): ("标题", "headline"),
    str(SCHEMA.isPartOf): ("属于", "is part of"),
    str(SCHEMA.location): ("地点", "location"),
    str(SCHEMA.position): ("位置", "position"),
    str(SCHEMA.publisher): ("出版者", "publisher"),
    str(SCHEMA.superEvent): ("上级活动", "super event"),
    str(SCHEMA.unitCode): ("单位代码", "unit code"),
    str(SCHEMA.unitText): ("单位", "unit"),
    str(SCHEMA.value): ("值", "value"),
}
