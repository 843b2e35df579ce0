"""IRIs of the shipped data that the explorer and linked-data tests look at, and their paths."""

from __future__ import annotations

BIO_ISLAND = "https://w3id.org/zonegraph/id/park/guangzhou-international-bio-island"
GZ_ETDZ = "https://w3id.org/zonegraph/id/zone/guangzhou-etdz"
PAZHOU_LAB = "https://w3id.org/zonegraph/id/org/pazhou-lab-huangpu"
YAODU_PARK = "https://w3id.org/zonegraph/id/park/yaodu-cloud-commerce-park"


def local(iri: str) -> str:
    return iri.removeprefix("https://w3id.org/zonegraph")
