// Graph views of the explorer (/explore/…): fetch the answer of /api/analysis/… and draw it with
// cytoscape.js (bundled in vendor/, no CDN). The page already lists the same nodes and edges in
// tables; this script adds the drawing, its legend, node clicks, path highlighting and name
// suggestions in the forms. The cytoscape instance is window.zgCy (for tests and the console).
(function () {
  "use strict";

  // Colours by class, grouped by kind: zones blue, parks green, firms orange, research purple,
  // people pink, policy brown, events teal, concepts grey, divisions pale blue.
  const COLOURS = {
    "zg:NationalETDZ": "#1f5fa8", "zg:EconomicTechnologicalDevelopmentZone": "#1f5fa8",
    "zg:HighTechZone": "#3b7dd8", "zg:FreeTradeZoneArea": "#5a9be6", "zg:DevelopmentZone": "#1f5fa8",
    "zg:Park": "#2e9e4f", "schema:Place": "#6fbf73",
    "zg:Enterprise": "#e07b00", "schema:Project": "#f2a33a",
    "zg:IndustrialCluster": "#c9a100", "zg:Product": "#d4b84a",
    "zg:Laboratory": "#7b3fb5", "zg:ResearchInstitution": "#9159c7",
    "zg:InnovationPlatform": "#a678d6", "zg:IncubationCarrier": "#b991e0", "zg:MakerSpace": "#c6a5e6",
    "zg:Organization": "#8a6fb0", "zg:GovernmentBody": "#4d5d75", "zg:AdministrativeBody": "#6b7d99",
    "zg:Person": "#d14d8a", "zg:Post": "#e58fb6",
    "zg:Policy": "#8c5a2b", "zg:Measure": "#b07a45",
    "zg:Event": "#138a8a", "zg:Milestone": "#2bb3a8", "zg:DevelopmentStage": "#7cc7c0",
    "zg:Distinction": "#b8475a",
    "zg:NamedGrouping": "#c62828",
    "skos:Concept": "#8d96a3",
    "zg:Province": "#9fc3e6", "zg:Prefecture": "#b5d2ee", "zg:County": "#c9def2",
  };
  const SPARE = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#9c755f", "#76b7b2", "#edc948"];

  function colour(cls) {
    if (COLOURS[cls]) return COLOURS[cls];
    let h = 0;
    for (const ch of cls) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    return SPARE[h % SPARE.length];
  }

  const cfgNode = document.getElementById("zg-graph-config");
  const cfg = cfgNode ? JSON.parse(cfgNode.textContent) : null;
  const en = document.documentElement.lang === "en";
  const T = (zh, eng) => (en ? eng : zh);

  // Where this server shows an IRI: the data namespace maps onto the server root.
  function href(iri) {
    if (!cfg || !iri || !iri.startsWith(cfg.base)) return null;
    const rest = iri.slice(cfg.base.length);
    return rest.startsWith("ontology#") ? "/ontology/" + rest.slice(9) : "/" + rest;
  }

  function setStatus(text, isError) {
    const el = document.getElementById("zg-graph-status");
    if (!el) return;
    el.textContent = text;
    el.classList.toggle("error", !!isError);
  }

  // ------------------------------------------------------------------ elements per view

  function level(kind, d) {
    if (kind === "cluster") return { grouping: 3, member: 2 }[d.role] || 1;
    if (kind === "ego") return (cfg.radius || 1) + 1 - (d.distance || 0);
    return 1;
  }

  function prepare(kind, elements) {
    for (const n of elements.nodes) {
      const d = n.data;
      d.colour = colour(d.class || d.category || "");
      d.level = level(kind, d);
      d.classLabel = (en ? d.class_en : d.class_zh) || d.class || "";
      n.classes = [d.role || "", d.distance === 0 ? "center" : ""].join(" ").trim();
    }
    return elements;
  }

  // A path answer has chains, not elements: nodes and steps become nodes and edges; each knows
  // the chains it lies on (by the key the page uses: the chain's IRIs joined by spaces).
  function pathElements(answer) {
    const chains = answer.path.shortest.concat(answer.path.paths);
    const nodes = new Map();
    const edges = new Map();
    const classes = cfg.classes || {};
    for (const chain of chains) {
      const key = chain.nodes.map((n) => n.iri).join(" ");
      chain.nodes.forEach(function (n, i) {
        let node = nodes.get(n.iri);
        if (!node) {
          const names = classes[n.cls] || [n.cls, n.cls];
          node = { data: { id: n.iri, iri: n.iri, label: en ? n.label_en : n.label_zh,
            class: n.cls, class_zh: names[0], class_en: names[1], index: i, chains: [] } };
          nodes.set(n.iri, node);
        }
        node.data.index = Math.min(node.data.index, i);
        if (!node.data.chains.includes(key)) node.data.chains.push(key);
      });
      chain.steps.forEach(function (s, i) {
        const a = chain.nodes[i].iri, b = chain.nodes[i + 1].iri;
        const [src, dst] = s.forward ? [a, b] : [b, a];
        const label = en ? s.label_en : s.label_zh;
        const id = src + " " + label + " " + dst;
        let edge = edges.get(id);
        if (!edge) {
          edge = { data: { id: id, source: src, target: dst, label: label, chains: [] } };
          edges.set(id, edge);
        }
        if (!edge.data.chains.includes(key)) edge.data.chains.push(key);
      });
    }
    const list = Array.from(nodes.values());
    list.forEach(function (n) {
      if (n.data.id === cfg.source) n.data.role = "source";
      if (n.data.id === cfg.target) n.data.role = "target";
    });
    return prepare("path", { nodes: list, edges: Array.from(edges.values()) });
  }

  // Columns by distance from the source (the target last), rows sorted by label: a readable,
  // deterministic picture of parallel chains.
  function pathPositions(elements) {
    const columns = new Map();
    let last = 0;
    for (const n of elements.nodes) last = Math.max(last, n.data.index);
    for (const n of elements.nodes) {
      const col = n.data.role === "target" ? last + 1 : n.data.index;
      n.data.column = col;
      if (!columns.has(col)) columns.set(col, []);
      columns.get(col).push(n);
    }
    const positions = {};
    for (const [col, list] of columns) {
      list.sort((a, b) => (a.data.label < b.data.label ? -1 : a.data.label > b.data.label ? 1 : 0));
      list.forEach(function (n, i) {
        positions[n.data.id] = { x: col * 150, y: (i - (list.length - 1) / 2) * 110 };
      });
    }
    return positions;
  }

  // ------------------------------------------------------------------ drawing

  const STYLE = [
    { selector: "node", style: {
      "background-color": "data(colour)", label: "data(label)", "font-size": 11,
      "text-valign": "bottom", "text-halign": "center", "text-margin-y": 4,
      "text-wrap": "wrap", "text-max-width": 110, "text-overflow-wrap": en ? "whitespace" : "anywhere", width: 22, height: 22, color: "#1d2430",
      "text-background-color": "#ffffff", "text-background-opacity": 0.75,
      "text-background-padding": 1, "min-zoomed-font-size": 6,
      "border-width": 1, "border-color": "#ffffff" } },
    { selector: "node.grouping", style: { shape: "diamond", width: 40, height: 40,
      "font-size": 14, "font-weight": "bold" } },
    { selector: "node.member, node.center, node[role = 'source'], node[role = 'target']",
      style: { width: 32, height: 32, "font-size": 13, "font-weight": "bold",
        "border-width": 3, "border-color": "#12325a" } },
    { selector: "edge", style: {
      width: 1.5, "line-color": "#aab3c0", "target-arrow-color": "#aab3c0",
      "target-arrow-shape": "triangle", "arrow-scale": 0.8, "curve-style": "bezier",
      label: "data(label)", "font-size": 9, color: "#5b6575", "text-rotation": "autorotate",
      "text-background-color": "#ffffff", "text-background-opacity": 0.85,
      "text-background-padding": 1, "min-zoomed-font-size": 7 } },
    { selector: "edge.quiet", style: { label: "" } },
    { selector: "edge.near", style: { label: "data(label)", "line-color": "#5b6575",
      "target-arrow-color": "#5b6575", color: "#1d2430", "font-size": 11, "z-index": 9 } },
    { selector: ".faded", style: { opacity: 0.25 } },
    { selector: "edge.hl", style: { width: 4, "line-color": "#d9480f",
      "target-arrow-color": "#d9480f", color: "#a33a0b", "font-size": 11, "z-index": 10 } },
    { selector: "node.hl", style: { "border-width": 3, "border-color": "#d9480f" } },
    { selector: "node:active, node.hover", style: { "overlay-opacity": 0.15 } },
  ];

  // Small views: rings (centre, members or nearest neighbours, the rest). Larger ones: the rings
  // as a start, then cose's forces with randomize off, so the picture is the same every time.
  const SMALL = 16;
  const DENSE = 40;

  function rings(spacing) {
    return {
      name: "concentric", concentric: (n) => n.data("level"), levelWidth: () => 1,
      minNodeSpacing: spacing, avoidOverlap: true, startAngle: (3 / 2) * Math.PI,
      animate: false, fit: true, padding: 30,
    };
  }

  function runLayout(cy, kind, elements) {
    if (kind === "path") {
      const positions = pathPositions(elements);
      return cy.layout({ name: "preset", positions: (n) => positions[n.id()], fit: true, padding: 40 });
    }
    if (cy.nodes().length <= SMALL) {
      return cy.layout(Object.assign(rings(28), { nodeDimensionsIncludeLabels: true }));
    }
    cy.layout(rings(10)).run();
    return cy.layout({
      name: "cose", randomize: false, animate: false, fit: true, padding: 30,
      nodeDimensionsIncludeLabels: false, idealEdgeLength: () => 90, nodeRepulsion: () => 150000,
      nodeOverlap: 40, gravity: 0.25, numIter: 2000, componentSpacing: 60,
    });
  }

  function legend(cy) {
    const box = document.getElementById("zg-legend");
    if (!box) return;
    const seen = new Map();
    cy.nodes().forEach(function (n) {
      const cls = n.data("class") || n.data("category") || "";
      const entry = seen.get(cls) || { label: n.data("classLabel") || cls, colour: n.data("colour"), count: 0 };
      entry.count += 1;
      seen.set(cls, entry);
    });
    box.textContent = "";
    Array.from(seen.entries())
      .sort((a, b) => b[1].count - a[1].count || (a[1].label < b[1].label ? -1 : 1))
      .forEach(function ([cls, e]) {
        const li = document.createElement("li");
        li.dataset.class = cls;
        const sw = document.createElement("span");
        sw.className = "swatch";
        sw.style.background = e.colour;
        li.append(sw, document.createTextNode(e.label + " (" + e.count + ")"));
        box.append(li);
      });
  }

  function clickMode() {
    const checked = document.querySelector(".click-mode input[name=click]:checked");
    return checked ? checked.value : "entity";
  }

  function onTap(evt) {
    const iri = evt.target.data("iri");
    if (!iri) return;
    if (clickMode() === "recentre") {
      const radius = cfg.radius || 1;
      window.location.assign("/explore/ego?" + new URLSearchParams({ entity: iri, radius: radius }));
    } else {
      const to = href(iri);
      if (to) window.location.assign(to);
    }
  }

  function highlight(cy, key) {
    cy.elements().removeClass("hl faded");
    if (!key) return;
    const on = cy.elements().filter((el) => (el.data("chains") || []).includes(key));
    on.addClass("hl");
    cy.elements().not(on).addClass("faded");
    document.querySelectorAll("li.chain").forEach(function (li) {
      li.classList.toggle("current", li.dataset.key === key);
    });
  }

  function draw(answer) {
    const kind = cfg.kind;
    const elements = kind === "path" ? pathElements(answer) : prepare(kind, answer.elements);
    const cy = cytoscape({
      container: document.getElementById("zg-graph"),
      elements: elements,
      style: STYLE,
      wheelSensitivity: 0.3,
      minZoom: 0.15,
      maxZoom: 3,
    });
    window.zgCy = cy;
    const layout = runLayout(cy, kind, elements);
    layout.one("layoutstop", function () {
      if (cy.zoom() > 1.6) cy.zoom({ level: 1.6, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
      cy.center();
      document.getElementById("zg-graph").dataset.ready = "true";
    });
    layout.run();
    legend(cy);
    cy.on("tap", "node", onTap);
    const hover = document.getElementById("zg-hover");
    // Many edges: their labels show for the edges of the node under the pointer (or zoom in).
    if (cy.edges().length > DENSE) cy.edges().addClass("quiet");
    cy.on("mouseover", "node", function (evt) {
      evt.target.addClass("hover");
      evt.target.connectedEdges().addClass("near");
      if (hover) hover.textContent = evt.target.data("label") + " · " + evt.target.data("classLabel");
    });
    cy.on("mouseout", "node", function (evt) {
      evt.target.removeClass("hover");
      evt.target.connectedEdges().removeClass("near");
    });
    if (kind === "path") {
      const first = document.querySelector("li.chain");
      highlight(cy, first ? first.dataset.key : null);
      document.querySelectorAll("button.show-chain").forEach(function (b) {
        b.addEventListener("click", () => highlight(cy, b.dataset.key));
      });
    }
    setStatus(cy.nodes().length + T(" 个节点，", " nodes, ") + cy.edges().length + T(" 条关系", " relations"));
  }

  function load() {
    if (!cfg) return;
    if (typeof cytoscape !== "function") {
      setStatus(T("无法加载绘图库，请参看下方表格。", "The drawing library did not load; see the tables below."), true);
      return;
    }
    fetch(cfg.api, { headers: { Accept: "application/json" } })
      .then((resp) => resp.json())
      .then(function (body) {
        if (!body.ok) throw new Error(body.error || "error");
        draw(body);
      })
      .catch((err) => setStatus(T("无法绘制关系图：", "Could not draw the graph: ") + err.message, true));
  }

  // ------------------------------------------------------------------ name suggestions

  function suggestNames() {
    document.querySelectorAll("input[data-suggest]").forEach(function (input) {
      const list = document.getElementById(input.dataset.suggest);
      let timer = null;
      let asked = "";
      input.addEventListener("input", function () {
        clearTimeout(timer);
        const q = input.value.trim();
        if (!q || q === asked) return;
        timer = setTimeout(function () {
          asked = q;
          fetch("/api/analysis/search?" + new URLSearchParams({ q: q, limit: 8 }))
            .then((resp) => resp.json())
            .then(function (body) {
              if (!body.ok || input.value.trim() !== q) return;
              list.textContent = "";
              for (const m of body.results) {
                const opt = document.createElement("option");
                opt.value = (en ? m.label_en : m.label_zh) || m.label_zh;
                opt.label = en ? m.label_zh : m.label_en;
                list.append(opt);
              }
            })
            .catch(() => {});
        }, 250);
      });
    });
  }

  suggestNames();
  load();
})();
