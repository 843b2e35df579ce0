"""ZoneGraph: a knowledge graph of China's development zones.

The package is a library: it compiles curated sources into an RDF dataset, validates it with
SHACL, stores it in Oxigraph, queries and analyses it. The Flask service and the click CLI are
thin shells over it; nothing here imports Flask or reads the environment.
"""

__version__ = "0.1.0"
