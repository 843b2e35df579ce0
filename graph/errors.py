"""Typed errors, so that each boundary (CLI, HTTP) can map them to one clear message.

Anything that is the user's fault derives from ZoneGraphError and carries a message fit to
show as it is; anything else is a bug and is allowed to surface as one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class ZoneGraphError(Exception):
    """A problem the user can fix: bad input, a missing file, an unknown option."""


class SourceError(ZoneGraphError):
    """A source file that cannot be read or compiled; names the file and, where known, the line."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.detail = message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


def not_a_file(path: object) -> str:
    """Why `path` cannot be read as a file: "is a directory" or "no such file"."""
    from pathlib import Path

    return "is a directory, not a file" if Path(str(path)).is_dir() else "no such file"


class ShapesError(ZoneGraphError):
    """The SHACL shapes themselves cannot be loaded."""


class QueryError(ZoneGraphError):
    """A SPARQL query that cannot be parsed or is not allowed."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.line = line
        self.column = column
        super().__init__(message)


class QueryRefused(QueryError):
    """A query that parses but asks for something the service does not allow (SERVICE, LOAD…)."""


class ResultTooLarge(QueryError):
    """A result beyond the operator's row cap: refused whole rather than cut short."""


class QueryTimeout(ZoneGraphError):
    """A query that ran past its time limit and was stopped."""


class StoreError(ZoneGraphError):
    """The store cannot be opened or published."""


class RemoteError(StoreError):
    """The remote engine failed or could not be reached (a server fault, not the user's)."""


class NotAcceptableError(QueryError):
    """No requested format fits the kind of result the query produced."""


class BadIRIError(QueryError):
    """A path that cannot be an IRI (spaces, angle brackets …)."""


class AnalysisError(ZoneGraphError):
    """A request the analyses cannot answer as asked (a bad parameter, not a grouping …)."""


class ExportError(ZoneGraphError):
    """A network export that cannot be made as asked (unknown format or view)."""


class Named(Protocol):
    """What an entity suggestion offers (graph.names.Match)."""

    @property
    def iri(self) -> str: ...
    @property
    def label_zh(self) -> str: ...
    @property
    def label_en(self) -> str: ...

    def to_dict(self) -> dict[str, object]: ...


class UnknownEntityError(ZoneGraphError):
    """No entity has this name; `suggestions` holds the closest names (may be empty)."""

    def __init__(self, text: str, suggestions: Sequence[Named]) -> None:
        self.text = text
        self.suggestions = list(suggestions)
        hint = ""
        if suggestions:
            names = "、".join(f"{m.label_zh or m.label_en}" for m in suggestions[:5])
            hint = f"; did you mean / 您是否要找: {names}"
        super().__init__(f"no entity named {text!r} / 找不到实体「{text}」{hint}")


class AmbiguousEntityError(UnknownEntityError):
    """Several entities match equally well; the user must pick one (they are the suggestions)."""

    def __init__(self, text: str, candidates: Sequence[Named]) -> None:
        super().__init__(text, candidates)
        names = "、".join(f"{m.label_zh or m.label_en} <{m.iri}>" for m in candidates[:8])
        self.args = (f"{text!r} names {len(candidates)} entities / 「{text}」有多个匹配: {names}",)


class ServiceBusy(QueryTimeout):
    """The service cannot evaluate this query now (over capacity, or its worker was lost).

    Not the query's fault: the client should send it again after `retry_after` seconds, which
    the HTTP layer passes on as a Retry-After header with a 503.
    """

    def __init__(self, message: str, retry_after: int = 1) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class TooManyQueries(ServiceBusy):
    """One client has more queries waiting or running than its share (HTTP 429)."""
