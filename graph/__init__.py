"""ZoneGraph: a knowledge graph of China's development zones.

The package is a library, read in the order the data flows:

- graph.build      curated sources (TriG fact files, reference tables) → an RDF dataset with
                   provenance for every fact
- graph.validate   the dataset against the SHACL shapes, with reports that name file and line
- graph.store      publishing releases atomically; the query backends (embedded Oxigraph in
                   killable worker processes, or a remote SPARQL engine) and their safety checks
- graph.query      running queries, describing resources, counting, dumping
- graph.analysis   NetworkX views and analyses of the entity graph, and their exports
- graph.pipeline   build → validate → publish → counts as one function

Beside them: graph.errors (every library error), graph.namespaces, graph.resources (where the
shipped data lives), graph.labels (which label a node shows), graph.names (name matching).
The click CLI (graph.cli) and the Flask service (the `service` package) are thin shells over it;
nothing else here imports Flask or reads the environment.
"""

__version__ = "0.1.0"
