"""An update's delta turns any copy of the store before it into the store after it (issue 10):
evaluated once, applied anywhere, for every update form and for blank nodes."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import StoreError
from graph.store import delta, updates

BASE = b"""<urn:zg:a> <urn:zg:p> "1" <urn:zg:g1> .
<urn:zg:a> <urn:zg:q> _:b1 <urn:zg:g1> .
_:b1 <urn:zg:name> "blank" <urn:zg:g1> .
_:b2 <urn:zg:p> <urn:zg:c> <urn:zg:g2> .
<urn:zg:d> <urn:zg:p> "default" .
"""

UPDATES = [
    "INSERT { GRAPH <urn:zg:g1> { ?s <urn:zg:id> ?u ; <urn:zg:r> ?r } } "
    "WHERE { ?s <urn:zg:p> ?o BIND(STRUUID() AS ?u) BIND(RAND() AS ?r) }",
    "INSERT { GRAPH <urn:zg:g3> { ?b <urn:zg:made> ?t } } "
    "WHERE { BIND(BNODE() AS ?b) BIND(NOW() AS ?t) }",
    "INSERT DATA { GRAPH <urn:zg:g1> { [] <urn:zg:p> [ <urn:zg:p> 'nested' ] } }",
    "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s <urn:zg:name> 'blank' . ?s ?p ?o } }",
    "DELETE WHERE { GRAPH <urn:zg:g2> { ?s ?p ?o } }",
    "CREATE GRAPH <urn:zg:empty>",
    "COPY <urn:zg:g1> TO <urn:zg:copy>",
    "ADD <urn:zg:g1> TO DEFAULT",
    "MOVE <urn:zg:copy> TO <urn:zg:moved>",
    "CLEAR GRAPH <urn:zg:g1>",
    "DROP GRAPH <urn:zg:empty>",
    "DROP SILENT GRAPH <urn:zg:missing>",
    "CLEAR DEFAULT",
    "DROP ALL",
]


def loaded() -> ox.Store:
    store = ox.Store()
    delta.load_keeping_labels(store, data=BASE)
    return store


def state(store: ox.Store) -> tuple[set[ox.Quad], set[object]]:
    return set(store), set(store.named_graphs())


def test_the_base_keeps_its_blank_node_labels() -> None:
    labels = {q.subject.value for q in loaded() if isinstance(q.subject, ox.BlankNode)}
    assert labels == {"b1", "b2"}


@pytest.mark.parametrize("count", range(1, len(UPDATES) + 1))
def test_a_replica_applying_the_deltas_equals_the_store_that_evaluated(count: int) -> None:
    writer, replica = loaded(), loaded()
    for text in UPDATES[:count]:
        before = delta.Snapshot(writer)
        writer.update(text)
        effect = delta.between(before, delta.Snapshot(writer))
        # through JSON, as the journal and the worker pipe carry it
        assert delta.apply(replica, json.loads(json.dumps(effect))) == []
        assert state(replica) == state(writer), text


def test_an_update_changes_something_and_applying_twice_changes_nothing_more() -> None:
    writer, replica = loaded(), loaded()
    before = delta.Snapshot(writer)
    writer.update(UPDATES[0])
    effect = delta.between(before, delta.Snapshot(writer))
    assert not delta.is_empty(effect) and effect["add"].count("\n") == 2
    delta.apply(replica, effect)
    assert delta.apply(replica, effect) != []  # reported: its quads are there already
    assert state(replica) == state(writer)


def test_the_inverse_takes_an_effect_back() -> None:
    store = loaded()
    original = state(store)
    before = delta.Snapshot(store)
    store.update("DROP ALL")
    delta.apply(store, delta.inverse(delta.between(before, delta.Snapshot(store))))
    assert state(store) == original


def test_replay_names_the_deltas_that_no_longer_apply(tmp_path: Path) -> None:
    release = tmp_path / "new.nq"
    release.write_bytes(b'<urn:zg:a> <urn:zg:p> "kept" <urn:zg:g1> .\n')
    removes = {
        "remove": '<urn:zg:a> <urn:zg:p> "1" <urn:zg:g1> .\n',
        "add": "",
        "graphs_removed": [],
        "graphs_added": [],
    }
    adds = {**removes, "remove": "", "add": '<urn:zg:a> <urn:zg:p> "kept" <urn:zg:g1> .\n'}
    fine = {**removes, "remove": "", "add": '<urn:zg:n> <urn:zg:p> "new" .\n'}
    found = delta.replay(release, [fine, removes, adds])
    assert [n for n, _ in found] == [2, 3]
    assert "not there" in found[0][1][0] and "there already" in found[1][1][0]


def test_the_journal_reads_old_text_lines_and_new_delta_lines(tmp_path: Path) -> None:
    path = tmp_path / "updates" / "r.jsonl"
    path.parent.mkdir()
    old = json.dumps({"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "at": "then"})
    path.write_text(old + "\n", encoding="utf-8")
    effect = {"remove": "", "add": "<urn:x> <urn:y> <urn:z> .\n"}
    effect |= {"graphs_removed": [], "graphs_added": []}
    updates.append(path, "INSERT DATA { <urn:x> <urn:y> <urn:z> }", effect)
    entries = updates.read_journal(path)
    assert [e.delta for e in entries] == [None, effect]
    assert entries[0].at == "then"
    updates.migrate(path, [updates.Entry(entries[0].text, effect, "then"), entries[1]])
    assert [e.delta for e in updates.read_journal(path)] == [effect, effect]
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"update": "torn')  # a crash mid-append: never acknowledged
    assert len(updates.read_journal(path)) == 2
    path.write_text('{"update": 1}\n' + old + "\n", encoding="utf-8")
    with pytest.raises(StoreError, match=r"r\.jsonl:1"):
        updates.read_journal(path)
