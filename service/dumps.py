"""Full dumps of the dataset, one file per format, made once per release and then only served.

The files are written next to the release they describe (`<release>/dumps/`), atomically, so a
reader sees a complete file or none; when the release directory cannot be written to, or the
store lives in memory, the bytes are kept in memory instead. Each dump's size and triple count
(quads for the formats that keep named graphs) are recorded for the home page and VoID.
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, abort, current_app, send_file

from graph.errors import ZoneGraphError
from graph.query.export import DUMPS_META, dump_all, write_atomic
from graph.store.release import Release, current_release, load_store

EXTENSION = "zonegraph.dumps"
META = DUMPS_META


@dataclass(frozen=True)
class DumpInfo:
    format: str
    filename: str
    media_type: str
    size: int
    triples: int
    quads: bool

    @property
    def path(self) -> str:
        return f"/dumps/{self.filename}"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "url": self.path}


class Dumps:
    """Makes every dump on first use, from one source: a release's N-Quads or a live store."""

    def __init__(self, release: Release | None, rebuild: bool = False) -> None:
        self.release = release
        self._rebuild = rebuild
        self._lock = threading.Lock()
        self._info: dict[str, DumpInfo] | None = None
        self._memory: dict[str, bytes] = {}

    @property
    def available(self) -> bool:
        return self.release is not None or self._rebuild

    @property
    def directory(self) -> Path | None:
        return self.release.path / "dumps" if self.release is not None else None

    def info(self) -> dict[str, DumpInfo]:
        """Every dump's description, making the files first if need be."""
        with self._lock:
            if self._info is None:
                self._info = self._read_meta() or self._make()
            return self._info

    def _read_meta(self) -> dict[str, DumpInfo] | None:
        if self.directory is None or not (self.directory / META).is_file():
            return None
        data = json.loads((self.directory / META).read_text(encoding="utf-8"))
        infos = {name: DumpInfo(**item) for name, item in data.items()}
        if all((self.directory / i.filename).is_file() for i in infos.values()):
            return infos
        return None

    def source(self) -> ox.Store:
        """The data the dumps hold, as a fresh memory store (VoID counts it)."""
        return self._source()

    def _source(self) -> ox.Store:
        if self.release is not None:
            return load_store(self.release.nquads_path.read_bytes())
        # A memory store was compiled from the shipped sources at start-up, in the query
        # workers; compiling again gives the same quads (the build is deterministic).
        from graph.pipeline import compile_store

        return compile_store()

    def _make(self) -> dict[str, DumpInfo]:
        """Only for a release built before dumps were made in the build, or a memory store."""
        store = self._source()
        blobs, described = dump_all(store)
        infos = {name: DumpInfo(**item) for name, item in described.items()}
        if self.directory is not None:
            try:
                self.directory.mkdir(exist_ok=True)
                for name, data in blobs.items():
                    write_atomic(self.directory / name, data)
                write_atomic(self.directory / META, json.dumps(described, indent=2).encode())
                return infos
            except (OSError, ZoneGraphError):
                current_app.logger.warning(
                    "cannot write dumps to %s; keeping them in memory", self.directory
                )
        self._memory = blobs
        return infos

    def response(self, filename: str) -> Response:
        info = next((i for i in self.info().values() if i.filename == filename), None)
        if info is None:
            abort(404, f"no dump named {filename}")
        if filename in self._memory:
            resp = Response(self._memory[filename])
        else:
            assert self.directory is not None
            resp = send_file(self.directory / filename, conditional=True)
        charset = "" if "json" in info.media_type else "; charset=utf-8"
        resp.headers["Content-Type"] = info.media_type + charset
        resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return resp


def get_dumps() -> Dumps:
    dumps: Dumps = current_app.extensions[EXTENSION]
    return dumps


bp = Blueprint("dumps", __name__)


@bp.get("/dumps/<filename>")
def download(filename: str) -> Response:
    dumps = get_dumps()
    if not dumps.available:
        abort(404, "dumps are not available from a remote store / 远程存储不提供数据下载")
    return dumps.response(filename)


@bp.get("/dumps/")
@bp.get("/dumps.json")
def listing() -> Response:
    from flask import jsonify

    from service.release_status import status

    dumps = get_dumps()
    items = [i.to_dict() for i in dumps.info().values()] if dumps.available else []
    return jsonify({"ok": True, "dumps": items, "release": status(dumps.release)})


def init_app(app: Flask) -> None:
    """Pin the release the backend opened at start-up (a later build is served after restart)."""
    release: Release | None = None
    kind = app.config["ZONEGRAPH_STORE"]
    if kind == "embedded":
        release = current_release(Path(app.config["ZONEGRAPH_DATA_DIR"]))
    app.extensions[EXTENSION] = Dumps(release, rebuild=kind == "memory")
    app.register_blueprint(bp)
