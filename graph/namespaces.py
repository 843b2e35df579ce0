"""RDF namespaces of ZoneGraph and the vocabularies it reuses.

ZG is a DefinedNamespace that fails on unknown terms, so a typo in code is an AttributeError
at import time instead of a silently wrong IRI; tests check it against ontology/.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/zonegraph/"


class ZG(DefinedNamespace):
    """The ZoneGraph ontology (generated from ontology/*.ttl; keep in step with it)."""

    _fail = True
    _NS = Namespace(BASE + "ontology#")

    AdministrativeBody: URIRef
    AdministrativeDivision: URIRef
    Aim: URIRef
    Approval: URIRef
    Benefit: URIRef
    BenefitTypeScheme: URIRef
    BorderEconomicCooperationZone: URIRef
    Claim: URIRef
    ClaimDomainScheme: URIRef
    ClaimScopeScheme: URIRef
    Comparator: URIRef
    ComparatorScheme: URIRef
    County: URIRef
    CrossBorderEconomicCooperationZone: URIRef
    CuratorAssertion: URIRef
    CuratorBasisScheme: URIRef
    CustomsSpecialSupervisionArea: URIRef
    DatePrecision: URIRef
    DatePrecisionScheme: URIRef
    DevelopmentStage: URIRef
    DevelopmentStageScheme: URIRef
    DevelopmentZone: URIRef
    Distinction: URIRef
    DistinctionKindScheme: URIRef
    EconomicTechnologicalDevelopmentZone: URIRef
    Enterprise: URIRef
    EnterpriseStatusScheme: URIRef
    Event: URIRef
    Evidence: URIRef
    FigureKind: URIRef
    FigureKindScheme: URIRef
    FreeTradeZoneArea: URIRef
    GovernmentBody: URIRef
    HighTechZone: URIRef
    IncubationCarrier: URIRef
    Incubator: URIRef
    Indicator: URIRef
    IndicatorScheme: URIRef
    IndustrialCluster: URIRef
    InlandOpenEconomyExperimentalZone: URIRef
    InnovationPlatform: URIRef
    InvestmentProject: URIRef
    KeyDevelopmentOpeningExperimentalZone: URIRef
    Laboratory: URIRef
    MakerSpace: URIRef
    Measure: URIRef
    Milestone: URIRef
    NameOriginScheme: URIRef
    NamedGrouping: URIRef
    NationalETDZ: URIRef
    NationalHighTechZone: URIRef
    NationalInnovationDemonstrationZone: URIRef
    Observation: URIRef
    OfficialDocument: URIRef
    Organization: URIRef
    Outlook: URIRef
    Park: URIRef
    Period: URIRef
    Person: URIRef
    PilotFreeTradeZone: URIRef
    PlatformTypeScheme: URIRef
    Policy: URIRef
    Post: URIRef
    Prefecture: URIRef
    Product: URIRef
    Province: URIRef
    Quotation: URIRef
    ResearchInstitution: URIRef
    ScaleClassScheme: URIRef
    SourceDocument: URIRef
    SourceQuote: URIRef
    SourceTable: URIRef
    StandingKindScheme: URIRef
    StateLevelNewArea: URIRef
    StatementGroup: URIRef
    StatementKindScheme: URIRef
    StatusChange: URIRef
    StatusLevelScheme: URIRef
    SustainableDevelopmentDemonstrationZone: URIRef
    TableRow: URIRef
    Unit: URIRef
    UnitScheme: URIRef
    ZoneLevelScheme: URIRef
    ZoneTypeScheme: URIRef
    about: URIRef
    academicTitle: URIRef
    administeredBy: URIRef
    administers: URIRef
    approvedBy: URIRef
    basedOnFigure: URIRef
    basis: URIRef
    beneficiary: URIRef
    benefit: URIRef
    benefitType: URIRef
    builtOnBasisOf: URIRef
    channel: URIRef
    claimDomain: URIRef
    claimScope: URIRef
    claimSubject: URIRef
    clusterIn: URIRef
    comparator: URIRef
    countedStatus: URIRef
    curatedIn: URIRef
    date: URIRef
    datePrecision: URIRef
    declaredMemberCount: URIRef
    defaultUnit: URIRef
    directSpeech: URIRef
    distinctionKind: URIRef
    documentNumber: URIRef
    edition: URIRef
    eligibility: URIRef
    endDate: URIRef
    endOffset: URIRef
    englishNameOrigin: URIRef
    enterpriseStatus: URIRef
    figureKind: URIRef
    figureOf: URIRef
    firstOfItsKind: URIRef
    fixedAmount: URIRef
    formula: URIRef
    groupingOf: URIRef
    hasMeasure: URIRef
    hasMember: URIRef
    holdsApproval: URIRef
    implementedIn: URIRef
    inCapacityOf: URIRef
    inDivision: URIRef
    inDocument: URIRef
    inProvince: URIRef
    inTable: URIRef
    incubatedIn: URIRef
    indicator: URIRef
    industry: URIRef
    investor: URIRef
    issued: URIRef
    issuedBy: URIRef
    landedIn: URIRef
    lineNumber: URIRef
    locatedIn: URIRef
    maxAmount: URIRef
    memberList: URIRef
    notAfter: URIRef
    notBefore: URIRef
    notListedIn: URIRef
    parentDivision: URIRef
    partitionOf: URIRef
    periodInForce: URIRef
    place: URIRef
    plannedArea: URIRef
    platformType: URIRef
    predicate: URIRef
    producedBy: URIRef
    promotes: URIRef
    providedBy: URIRef
    providedTo: URIRef
    rankAmong: URIRef
    rate: URIRef
    rationale: URIRef
    registeredIn: URIRef
    reportedOn: URIRef
    rowKey: URIRef
    rowNumber: URIRef
    saidBy: URIRef
    scaleClass: URIRef
    scope: URIRef
    scopeArea: URIRef
    sha256: URIRef
    shareOf: URIRef
    sharePart: URIRef
    standing: URIRef
    startDate: URIRef
    startOffset: URIRef
    statementKind: URIRef
    statisticalUnit: URIRef
    statusLevel: URIRef
    subject: URIRef
    subjectOf: URIRef
    subsetOf: URIRef
    supportedBy: URIRef
    textFile: URIRef
    timeWords: URIRef
    typeAfter: URIRef
    typeBefore: URIRef
    typeClass: URIRef
    typeLevel: URIRef
    unitNotListedIn: URIRef
    verbatim: URIRef
    words: URIRef
    zoneLevel: URIRef
    zoneType: URIRef


ONTOLOGY_IRI = URIRef(BASE + "ontology")
ID = Namespace(BASE + "id/")
CONCEPT = Namespace(BASE + "concept/")
GRAPH = Namespace(BASE + "graph/")

ONTOLOGY_GRAPH = GRAPH.ontology
DATA_GRAPH = GRAPH.data
REFERENCE_GRAPH = GRAPH.reference
PROVENANCE_GRAPH = GRAPH.provenance
NAMED_GRAPHS = (ONTOLOGY_GRAPH, DATA_GRAPH, REFERENCE_GRAPH, PROVENANCE_GRAPH)

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
QB = Namespace("http://purl.org/linked-data/cube#")
OA = Namespace("http://www.w3.org/ns/oa#")
ROV = Namespace("http://www.w3.org/ns/regorg#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
SDMX_DIM = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEAS = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTR = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
VANN = Namespace("http://purl.org/vocab/vann/")

# Prefixes bound in every serialisation and offered to SPARQL users, so that dumps,
# query results and the editor all speak the same short names.
PREFIXES: dict[str, str] = {
    "zg": str(ZG._NS),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": str(ORG),
    "schema": str(SCHEMA),
    "qb": str(QB),
    "prov": "http://www.w3.org/ns/prov#",
    "time": "http://www.w3.org/2006/time#",
    "oa": str(OA),
    "foaf": "http://xmlns.com/foaf/0.1/",
    "rov": str(ROV),
    "eli": str(ELI),
    "sdmx-dimension": str(SDMX_DIM),
    "sdmx-measure": str(SDMX_MEAS),
    "sdmx-attribute": str(SDMX_ATTR),
    "zone": BASE + "id/zone/",
    "park": BASE + "id/park/",
    "orgn": BASE + "id/org/",
    "person": BASE + "id/person/",
    "post": BASE + "id/post/",
    "product": BASE + "id/product/",
    "event": BASE + "id/event/",
    "policy": BASE + "id/policy/",
    "measure": BASE + "id/measure/",
    "benefit": BASE + "id/benefit/",
    "amount": BASE + "id/amount/",
    "obs": BASE + "id/observation/",
    "period": BASE + "id/period/",
    "cluster": BASE + "id/cluster/",
    "grouping": BASE + "id/grouping/",
    "distinction": BASE + "id/distinction/",
    "approval": BASE + "id/approval/",
    "quotation": BASE + "id/quotation/",
    "project": BASE + "id/project/",
    "doc": BASE + "id/document/",
    "quote": BASE + "id/quote/",
    "curator": BASE + "id/assertion/",
    "agent": BASE + "id/agent/",
    "stmt": BASE + "id/statement/",
    "div": BASE + "id/division/",
    "gbt": BASE + "concept/gbt4754/",
    "industry": BASE + "concept/industry/",
    "ind": BASE + "concept/indicator/",
    "unit": BASE + "concept/unit/",
    "cmp": BASE + "concept/comparator/",
    "kind": BASE + "concept/figure-kind/",
    "level": BASE + "concept/zone-level/",
    "status": BASE + "concept/enterprise-status/",
    "ptype": BASE + "concept/platform-type/",
    "btype": BASE + "concept/benefit-type/",
    "dist": BASE + "concept/distinction/",
    "standing": BASE + "concept/standing/",
    "scope": BASE + "concept/scope/",
    "domain": BASE + "concept/claim-domain/",
    "rlevel": BASE + "concept/status-level/",
    "claim": BASE + "id/claim/",
    "aim": BASE + "id/aim/",
    "scale": BASE + "concept/scale/",
    "stage": BASE + "concept/stage/",
    "dprec": BASE + "concept/date-precision/",
    "basis": BASE + "concept/basis/",
    "skind": BASE + "concept/statement-kind/",
    "ztype": BASE + "concept/zone-type/",
    "origin": BASE + "concept/name-origin/",
    "dataset": BASE + "id/dataset/",
    "row": BASE + "id/row/",
    "evidence": BASE + "id/evidence/",
}


def prefix_header() -> str:
    """SPARQL PREFIX lines for every bound prefix, for queries written by hand."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
