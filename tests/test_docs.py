"""The README documents every setting and every command, so the docs cannot drift silently."""

from __future__ import annotations

from pathlib import Path

from graph.cli import cli
from service.config import SETTINGS, settings_markdown

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented() -> None:
    missing = [name for name in SETTINGS if f"`{name}`" not in README]
    assert missing == []


def test_the_settings_table_is_generated_from_the_settings() -> None:
    """The README's table is settings_markdown() verbatim: one row per setting, nothing else."""
    table = settings_markdown()
    assert table in README, (
        "README settings table is stale: paste service.config.settings_markdown()"
    )
    rows = [line for line in README.splitlines() if line.startswith("| `ZONEGRAPH_")]
    assert [row.split("`")[1] for row in rows] == list(SETTINGS)


def test_every_command_is_documented() -> None:
    missing = [name for name in cli.commands if f"zonegraph {name}" not in README]
    assert missing == []


def test_the_two_commands_are_shown() -> None:
    assert "make serve" in README and "make test" in README
