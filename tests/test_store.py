"""The embedded store's releases: a failed build must leave the published store untouched.

`zonegraph build` compiles, validates, then publishes into a new release directory and only
then swaps the `current` link. These tests break each step (bad syntax in a curated file, data
that violates the shapes, a load that fails half-way) and check that `current` still points at
the same release with the same bytes, and that no half-written staging directory is left.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Literal, URIRef

from graph import resources
from graph.cli import cli
from graph.errors import StoreError
from graph.store.release import (
    CURRENT,
    KEEP_RELEASES,
    RELEASES,
    current_release,
    open_read_only,
    publish,
)

EDITORS_NOTE = "01-editors-note.trig"
PARK_WITHOUT_PLACE = """\
@prefix zg: <https://w3id.org/zonegraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix quote: <https://w3id.org/zonegraph/id/quote/> .
@prefix park: <https://w3id.org/zonegraph/id/park/> .

quote:test-store-01 {
    quote:test-store-01 oa:exact "国家级经开区" .
    park:nowhere a zg:Park ;
        rdfs:label "无处园"@zh , "Nowhere Park"@en .
}
"""


def small_sources(tmp_path: Path) -> Path:
    """The manifest, the document and one fact file: a complete but quick build."""
    shipped = resources.sources_dir()
    folder = tmp_path / "sources"
    folder.mkdir()
    for path in shipped.iterdir():
        if path.suffix != ".trig" or path.name == EDITORS_NOTE:
            shutil.copy(path, folder / path.name)
    return folder


def fingerprint(data_dir: Path) -> tuple[str, str, str]:
    """Where `current` points and digests of what it holds."""
    link = data_dir / CURRENT
    release = current_release(data_dir)
    assert release is not None
    nq = hashlib.sha256(release.nquads_path.read_bytes()).hexdigest()
    meta = hashlib.sha256((release.path / "meta.json").read_bytes()).hexdigest()
    return os.readlink(link), nq, meta


def no_staging(data_dir: Path) -> bool:
    return not any(p.name.startswith(".") for p in (data_dir / RELEASES).iterdir())


def build(data_dir: Path, sources: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, ["--data-dir", str(data_dir), "build", "--sources", str(sources), *extra]
    )
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One quick build for the module; each test breaks a copy of it."""
    root = tmp_path_factory.mktemp("store")
    sources = small_sources(root)
    data_dir = root / "data"
    code, output = build(data_dir, sources, "--skip-validation")
    assert code == 0, output
    return data_dir, sources


@pytest.fixture()
def published(built_once: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the module's build (`current` is a relative link, so it copies as is)."""
    data_dir, sources = (tmp_path / "data", tmp_path / "sources")
    shutil.copytree(built_once[0], data_dir, symlinks=True)
    shutil.copytree(built_once[1], sources)
    return data_dir, sources


def test_a_build_publishes_a_release_the_service_can_open(published: tuple[Path, Path]) -> None:
    data_dir, _ = published
    release = current_release(data_dir)
    assert release is not None and release.store_path.is_dir()
    store = open_read_only(release)
    lines = [line for line in release.nquads_path.read_bytes().splitlines() if line.strip()]
    assert len(store) == len(lines) > 1000
    assert release.meta["stats"]["triples"] == len(store)


def test_broken_trig_leaves_current_untouched(published: tuple[Path, Path]) -> None:
    data_dir, sources = published
    before = fingerprint(data_dir)
    (sources / "99-broken.trig").write_text(
        "@prefix quote: <https://w3id.org/zonegraph/id/quote/> .\nquote:x { <a> <b> \n",
        encoding="utf-8",
    )
    code, output = build(data_dir, sources)
    assert code == 2, output
    assert "99-broken.trig" in output and "syntax error" in output
    assert fingerprint(data_dir) == before
    assert no_staging(data_dir)


def test_non_conforming_data_leaves_current_untouched(published: tuple[Path, Path]) -> None:
    data_dir, sources = published
    before = fingerprint(data_dir)
    (sources / "99-nowhere-park.trig").write_text(PARK_WITHOUT_PLACE, encoding="utf-8")
    code, output = build(data_dir, sources)
    assert code == 1, output
    assert "park:nowhere" in output and "园区未关联" in output
    assert "nothing was published" in output
    assert fingerprint(data_dir) == before
    assert no_staging(data_dir)


def test_a_load_failing_half_way_leaves_current_untouched(published: tuple[Path, Path]) -> None:
    data_dir, _ = published
    before = fingerprint(data_dir)
    broken = b'<urn:a> <urn:b> <urn:c> <urn:g> .\n<urn:a> <urn:b> "unterminated .\n'
    with pytest.raises(SyntaxError):
        publish(broken, data_dir, {"built": "test"})
    assert fingerprint(data_dir) == before
    assert no_staging(data_dir)


def test_publishing_switches_current_and_keeps_a_few_releases(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    for n in range(KEEP_RELEASES + 2):
        ds = Dataset()
        ds.graph(URIRef("urn:g")).add((URIRef("urn:s"), URIRef("urn:n"), Literal(n)))
        release = publish(ds, data_dir, {"n": n})
        assert current_release(data_dir) == release
        assert release.meta == {"n": n}
    kept = [p for p in (data_dir / RELEASES).iterdir() if not p.name.startswith(".")]
    assert len(kept) == KEEP_RELEASES
    store = open_read_only(release)
    assert [q.object.value for q in store] == [str(KEEP_RELEASES + 1)]


def test_nquads_bytes_publish_like_a_dataset(tmp_path: Path) -> None:
    release = publish(b'<urn:s> <urn:p> "\xe5\xbc\x80" <urn:g> .\n', tmp_path, {})
    assert [q.object.value for q in open_read_only(release)] == ["开"]


def test_a_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    assert current_release(tmp_path) is None
    from graph.store.release import Release

    with pytest.raises(StoreError, match="cannot open store"):
        open_read_only(Release(tmp_path / "nowhere"))


def test_warming_workers_answer_at_once_and_after_the_memory_copy(data_dir: Path) -> None:
    """Workers answer from disk while their memory copy loads, and identically afterwards."""
    import time

    from graph.store import QueryRequest
    from graph.store.embedded import EmbeddedBackend

    query = "SELECT ?l WHERE { park:guangzhou-international-bio-island rdfs:label ?l } ORDER BY ?l"
    on_disk = EmbeddedBackend.open(data_dir, in_memory=False, workers=1)
    warming = EmbeddedBackend.open(data_dir, in_memory=True, workers=1)
    try:
        expected = on_disk.run(QueryRequest(query)).body
        assert b"\xe5\xb9\xbf\xe5\xb7\x9e" in expected  # 广州
        assert warming.run(QueryRequest(query)).body == expected
        time.sleep(2)  # long enough for the shipped release to be loaded in memory
        assert warming.run(QueryRequest(query)).body == expected
    finally:
        on_disk.close()
        warming.close()


def test_the_store_gives_back_every_literal_as_built(data_dir: Path) -> None:
    """Datatypes and values survive Oxigraph, so dumps and results validate as built.

    Oxigraph writes decimals in canonical form (683.0 becomes 683), which is the same value;
    it also folds integer subtypes into xsd:integer, which is why the data uses xsd:integer.
    """
    import pyoxigraph as ox
    from rdflib import XSD
    from rdflib import Literal as RdfLiteral

    from graph.build import build as build_dataset
    from graph.store.release import current_release, open_read_only

    release = current_release(data_dir)
    assert release is not None
    store = open_read_only(release)
    stored = {
        (
            q.object.datatype.value,
            RdfLiteral(q.object.value, datatype=q.object.datatype.value).value,
        )
        for q in store.quads_for_pattern(None, None, None)
        if isinstance(q.object, ox.Literal) and not q.object.language
    }
    built = {
        (str(o.datatype or XSD.string), o.value)
        for _, _, o, _ in build_dataset().dataset.quads()
        if isinstance(o, RdfLiteral) and not o.language
    }
    assert built - stored == set()
