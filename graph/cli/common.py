"""What every `zonegraph` subcommand shares: one-line user errors with exit status 2."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import click

from graph.errors import ZoneGraphError

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
