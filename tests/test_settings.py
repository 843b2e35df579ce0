"""One settings table (service/config.py): the CLI's options, the environment and the service agree.

The options of `zonegraph serve`, `zonegraph build` and the group's --data-dir are derived from
the table, so these tests compare the click parameters with the rows; the environment tests
set ZONEGRAPH_* variables for a real `zonegraph` process and for create_app, and check that the
old FLASK_ZONEGRAPH_* spelling and unknown keys stop start-up with a message that names them.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.store.embedded import EmbeddedBackend
from graph.store.remote import DIALECTS
from service import create_app
from service.config import SETTINGS, StartupError, from_environ
from service.state import close_backend, get_backend
from tests.helpers_server import REPO, ZONEGRAPH

SERVE_OWN = {"get_path", "help", "host", "pin", "port", "processes", "threads"}


def _options(command: click.Command) -> dict[str, click.Option]:
    return {p.name: p for p in command.params if isinstance(p, click.Option) and p.name}


def _choices(option: click.Option) -> tuple[str, ...]:
    return tuple(option.type.choices) if isinstance(option.type, click.Choice) else ()


def _agrees(option: click.Option, name: str) -> None:
    setting = SETTINGS[name]
    assert option.opts == [setting.option], name
    assert option.envvar == setting.name
    assert option.default is None or option.default == setting.default, name
    kinds = {int: click.types.IntParamType, float: click.types.FloatParamType}
    if setting.type in kinds:
        assert isinstance(option.type, kinds[setting.type]), name
    if setting.type is Path:
        assert isinstance(option.type, click.Path), name


def test_serve_has_one_option_per_setting() -> None:
    options = _options(cli.commands["serve"])
    derived = {name: option for name, option in options.items() if name not in SERVE_OWN}
    expected = {s.param: s.name for s in SETTINGS.values() if s.name != "ZONEGRAPH_DATA_DIR"}
    assert set(derived) == set(expected)
    for param, name in expected.items():
        _agrees(derived[param], name)
        assert _choices(derived[param]) == SETTINGS[name].choices
        assert derived[param].help is not None and SETTINGS[name].help in derived[param].help


def test_build_and_the_group_take_the_same_rows() -> None:
    group = _options(cli)
    _agrees(group["data_dir"], "ZONEGRAPH_DATA_DIR")
    build = _options(cli.commands["build"])
    from_table = {p: o for p, o in build.items() if isinstance(o.envvar, str)}
    assert set(from_table) == {
        "store",
        "remote_query_url",
        "remote_gsp_url",
        "remote_dialect",
        "remote_user",
        "remote_password",
    }
    for option in from_table.values():
        assert isinstance(option.envvar, str)
        _agrees(option, option.envvar)
        assert set(_choices(option)) <= set(SETTINGS[option.envvar].choices)
    assert _choices(build["remote_dialect"]) == DIALECTS
    assert SETTINGS["ZONEGRAPH_REMOTE_DIALECT"].choices is DIALECTS
    assert _choices(build["store"]) == ("embedded", "remote")  # memory has nothing to publish


def test_flask_prefixed_variables_are_refused_with_the_right_name() -> None:
    with pytest.raises(StartupError) as refused:
        from_environ({"FLASK_ZONEGRAPH_QUERY_TIMEOUT": "3", "ZONEGRAPH_STORE": "memory"})
    assert str(refused.value) == (
        "FLASK_ZONEGRAPH_QUERY_TIMEOUT is not read: set ZONEGRAPH_QUERY_TIMEOUT"
    )
    assert from_environ({"ZONEGRAPH_STORE": "memory", "HOME": "/x"}) == {
        "ZONEGRAPH_STORE": "memory"
    }


def test_the_service_reads_zonegraph_variables(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZONEGRAPH_DATA_DIR", str(data_dir))
    monkeypatch.setenv("ZONEGRAPH_QUERY_TIMEOUT", "4.5")
    monkeypatch.setenv("ZONEGRAPH_QUERY_WORKERS", "1")
    monkeypatch.setenv("ZONEGRAPH_ALLOW_REMOTE", "https://a.example/, https://b.example/")
    app = create_app({"TESTING": True})
    try:
        assert app.config["ZONEGRAPH_DATA_DIR"] == data_dir
        assert app.config["ZONEGRAPH_ALLOW_REMOTE"] == ("https://a.example/", "https://b.example/")
        with app.app_context():
            backend = get_backend()
        assert isinstance(backend, EmbeddedBackend)
        assert backend.timeout == 4.5
        assert len(backend.worker_pids()) == 1
    finally:
        close_backend(app)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "FLASK_ZONEGRAPH_UPDATE_TOKEN",
            "t",
            "FLASK_ZONEGRAPH_UPDATE_TOKEN is not read: set ZONEGRAPH_UPDATE_TOKEN",
        ),
        ("ZONEGRAPH_QUERY_TIMOUT", "3", "unknown setting ZONEGRAPH_QUERY_TIMOUT"),
        ("ZONEGRAPH_QUERY_WORKERS", "0", "ZONEGRAPH_QUERY_WORKERS='0': must be at least 1"),
    ],
)
def test_bad_variables_stop_the_service(
    name: str, value: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(StartupError, match=re.escape(message)):
        create_app({"TESTING": True, "ZONEGRAPH_STORE": "memory"})


def _zonegraph(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ZONEGRAPH_", "FLASK_"))}
    return subprocess.run(
        [str(ZONEGRAPH), *args],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_cli_reads_zonegraph_variables(data_dir: Path) -> None:
    """`zonegraph serve` in a real process: data directory and token from the environment."""
    env = {"ZONEGRAPH_DATA_DIR": str(data_dir), "ZONEGRAPH_QUERY_WORKERS": "1"}
    read_only = _zonegraph("serve", "--get", "/sparql", **env)
    assert read_only.returncode == 0, read_only.stderr
    assert "SPARQL11Query" in read_only.stdout and "SPARQL11Update" not in read_only.stdout
    writable = _zonegraph("serve", "--get", "/sparql", ZONEGRAPH_UPDATE_TOKEN="t", **env)
    assert writable.returncode == 0, writable.stderr
    assert "SPARQL11Update" in writable.stdout
    refused = _zonegraph("serve", "--get", "/healthz", FLASK_ZONEGRAPH_UPDATE_TOKEN="t", **env)
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "Error: FLASK_ZONEGRAPH_UPDATE_TOKEN is not read: set ZONEGRAPH_UPDATE_TOKEN"
    )


def test_cli_options_check_the_environment_as_the_table_does() -> None:
    runner = CliRunner()
    dialect = runner.invoke(
        cli, ["build", "--store", "remote"], env={"ZONEGRAPH_REMOTE_DIALECT": "nope"}
    )
    assert dialect.exit_code == 2
    assert "ZONEGRAPH_REMOTE_DIALECT" in dialect.output and "'nope' is not one of" in dialect.output
    missing = runner.invoke(cli, ["build"], env={"ZONEGRAPH_STORE": "remote"})
    assert missing.exit_code == 2 and "--remote-query-url" in missing.output
    workers = runner.invoke(cli, ["serve", "--query-workers", "0", "--get", "/healthz"])
    assert workers.exit_code == 2
    assert "ZONEGRAPH_QUERY_WORKERS=0: must be at least 1" in workers.output
    assert "Traceback" not in dialect.output + missing.output + workers.output
