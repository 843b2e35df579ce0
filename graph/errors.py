"""Typed errors, so that each boundary (CLI, HTTP) can map them to one clear message.

Anything that is the user's fault derives from ZoneGraphError and carries a message fit to
show as it is; anything else is a bug and is allowed to surface as one.
"""

from __future__ import annotations


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


class QueryTimeout(ZoneGraphError):
    """A query that ran past its time limit and was stopped."""


class StoreError(ZoneGraphError):
    """The store cannot be opened or published."""


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
