"""What every `zonegraph` subcommand shares: one-line user errors, options from the settings."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click

from graph.errors import ZoneGraphError

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
