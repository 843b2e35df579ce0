// Read a ZoneGraph network export the way Gephi Lite and Sigma.js do (graphology) and print
// what was read as JSON: {"nodes": n, "edges": m, "nodeKeys": [...], "edgeKeys": [...]}.
// Usage: node read_network.js graphml|gexf FILE. A file graphology refuses exits non-zero.
"use strict";
const fs = require("fs");
const Graph = require("graphology");
const parsers = { graphml: require("graphology-graphml"), gexf: require("graphology-gexf") };

const [format, file] = process.argv.slice(2);
const text = fs.readFileSync(file, "utf8");
const graph = parsers[format].parse(Graph, text);
const keys = (items) => [...new Set(items.flatMap((attrs) => Object.keys(attrs)))].sort();
process.stdout.write(JSON.stringify({
  nodes: graph.order,
  edges: graph.size,
  multi: graph.multi,
  nodeKeys: keys(graph.mapNodes((_, attrs) => attrs)),
  edgeKeys: keys(graph.mapEdges((_, attrs) => attrs)),
}));
