"""The contract every query backend fulfils: the embedded store or a remote SPARQL engine.

The service, the CLI and the analyses talk only to this interface, so a deployment can move
from the embedded Oxigraph store to Fuseki, Virtuoso or an Oxigraph server with one setting,
and the same safety rules (time limit, allow-list, read-only) apply to each.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:  # not at run time: query workers import this package and only need Oxigraph
    from rdflib import Graph
    from rdflib.term import Node

ResultKind = Literal["solutions", "boolean", "graph"]
#: The CPUs a query worker takes back at start (comma-separated) when the serving process
#: that starts it keeps itself on one (graph.cli.serve.pin_threads): affinity is inherited.
WORKER_CPUS_ENV = "_ZG_WORKER_CPUS"


@dataclass(frozen=True)
class QueryResponse:
    """A serialised query result, ready to send over HTTP."""

    kind: ResultKind
    media_type: str
    body: bytes
    truncated: bool = False
    rows: int | None = None
    #: A large result still being written: the body's chunks, to pass on as they come
    #: (then `body` is empty and `rows` unknown). Close it if it is not read to the end.
    stream: Chunks | None = None


class Chunks(Protocol):
    """A result's body in pieces (graph.store.streams), a WSGI body iterable."""

    def __iter__(self) -> Iterator[bytes]: ...

    def __next__(self) -> bytes: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class QueryRequest:
    """A query and how to answer it; formats are media types chosen by content negotiation."""

    text: str
    solutions_format: str = "application/sparql-results+json"
    graph_format: str = "text/turtle"
    default_graphs: Sequence[str] | None = None
    named_graphs: Sequence[str] | None = None
    timeout: float | None = None
    max_rows: int | None = None
    client: str | None = None  # who asks (the peer address): fair shares between clients


class Backend(Protocol):
    """What a store must offer the rest of ZoneGraph."""

    def run(self, request: QueryRequest) -> QueryResponse:
        """Evaluate and serialise; raises QueryError (bad query), QueryRefused, QueryTimeout."""
        ...

    def select(self, text: str, timeout: float | None = None) -> list[dict[str, Node]]:
        """Evaluate a SELECT for internal use (pages, analyses): rows of rdflib terms."""
        ...

    def construct(self, text: str, timeout: float | None = None) -> Graph:
        """Evaluate a CONSTRUCT/DESCRIBE for internal use: an rdflib Graph."""
        ...

    def update(self, text: str, timeout: float | None = None) -> None:
        """Apply a SPARQL Update (only called when the service allows updates)."""
        ...

    def named_graphs(self) -> list[str]:
        """IRIs of the named graphs the store holds."""
        ...

    def close(self) -> None:
        """Release processes, connections and file handles."""
        ...
