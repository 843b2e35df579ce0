"""What every `zonegraph` subcommand shares: one-line user errors with exit status 2."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import click

from graph import formats
from graph.errors import ZoneGraphError
from graph.formats import Kind

P = ParamSpec("P")
R = TypeVar("R")


class InputError(click.ClickException):
    """A user error: printed as one line, exit status 2."""

    exit_code = 2


def reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn library errors into one-line CLI errors with exit status 2, never a traceback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ZoneGraphError as exc:
            raise InputError(str(exc)) from None
        except OSError as exc:
            raise InputError(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")) from None

    return wrapper


class FormatName(click.ParamType[str]):
    """A --format value: any name, alias or media type of graph.formats of `kinds`.

    The same spellings as the HTTP endpoint's format= (`ttl`, `n3`, `rdf+xml`, `json-ld`,
    `nodes-csv`, `text/turtle` …). The value is passed on as typed, lower-cased: `json` is
    SPARQL JSON or JSON-LD depending on the result, which is known only after the query.
    """

    name = "format"

    def __init__(self, *kinds: Kind, extra: tuple[str, ...] = ()) -> None:
        self.kinds = kinds
        self.extra = extra

    def choices(self) -> list[str]:
        """The canonical names, as the help shows them."""
        return [*self.extra, *(f.name for f in formats.of_kind(*self.kinds))]

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return "[" + "|".join(self.choices()) + "]"

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[Any]:
        from click.shell_completion import CompletionItem

        every = [*self.extra, *formats.names(*self.kinds)]
        return [CompletionItem(n) for n in every if n.startswith(incomplete.lower())]

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value).strip().lower()
        if text in self.extra or formats.find(text, *self.kinds) is not None:
            return text
        aliases = [n for n in formats.names(*self.kinds) if n not in self.choices()]
        self.fail(
            f"unknown format {value!r}; choose one of {', '.join(self.choices())} "
            f"(also accepted: {', '.join(aliases)} and media types)",
            param,
            ctx,
        )
