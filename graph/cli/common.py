"""What every `zonegraph` subcommand shares: one-line user errors, options from the settings."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click

from graph import formats
from graph.errors import ZoneGraphError
from graph.formats import Kind

P = ParamSpec("P")
R = TypeVar("R")
F = TypeVar("F", bound=Callable[..., Any])


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


def setting_option(name: str, **overrides: Any) -> Callable[[F], F]:
    """A click option derived from one row of service.config's settings table.

    The option is the row's name without the prefix (ZONEGRAPH_QUERY_TIMEOUT →
    --query-timeout), reads the same environment variable, and takes its type, choices, help
    and shown default from the row; `overrides` narrow it for one command (e.g. the choices
    `build --store` accepts). Its value is None when neither the option nor the variable is
    given, so the table's default applies where the setting is used.
    """
    from service.config import SETTINGS

    setting = SETTINGS[name]
    kind: click.ParamType[Any]
    if setting.choices:
        kind = click.Choice(setting.choices)
    elif setting.type is Path:
        kind = click.Path(file_okay=False, path_type=Path)
    elif setting.type is int:
        kind = click.INT
    elif setting.type is float:
        kind = click.FLOAT
    else:
        kind = click.STRING
    help_text = setting.help
    if setting.secret:
        help_text += f" Prefer setting {setting.name}: a command line is visible to other users."
    options: dict[str, Any] = {
        "type": kind,
        "envvar": setting.name,
        "show_envvar": True,
        "default": None,
        "show_default": False if setting.secret else setting.default_text,
        "help": help_text,
    }
    options.update(overrides)
    return click.option(setting.option, setting.param, **options)


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
