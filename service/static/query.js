// The SPARQL editor page: YASGUI (bundled in vendor/, no CDN) pointed at this server's /sparql,
// with the example queries one click away and the results downloadable in every format.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("editor-config").textContent);

  // The known prefixes a query uses but does not declare (the same rule as examples.py).
  function missingPrefixes(query) {
    const declared = new Set();
    for (const m of query.matchAll(/^\s*PREFIX\s+([\w-]*):/gim)) declared.add(m[1].toLowerCase());
    const stripped = query.replace(/<[^>]*>|"[^"]*"/g, "");
    const used = new Set();
    for (const m of stripped.matchAll(/(?<![\w<#/:-])([A-Za-z][\w-]*):(?=[\w<])/g)) used.add(m[1]);
    return Object.entries(config.prefixes)
      .filter(([p]) => used.has(p) && !declared.has(p.toLowerCase()));
  }

  function withPrefixes(query) {
    const lines = missingPrefixes(query).map(([p, iri]) => `PREFIX ${p}: <${iri}>`);
    return lines.length ? lines.join("\n") + "\n\n" + query : query;
  }

  // Declare our prefixes as they are typed (as YASQE does for prefix.cc ones), so that the
  // editor's syntax check knows them and a copied query runs on any endpoint.
  function declareAsTyped(yasqe) {
    let timer = null;
    const declare = function () {
      const missing = missingPrefixes(yasqe.getValue());
      if (missing.length) yasqe.addPrefixes(Object.fromEntries(missing));
    };
    yasqe.on("change", function () { clearTimeout(timer); timer = setTimeout(declare, 500); });
    yasqe.on("blur", declare);
  }

  function download(accept, ext, query) {
    const body = new URLSearchParams({ query: query });
    fetch(config.endpoint, {
      method: "POST", body: body, headers: { Accept: accept },
    }).then(function (resp) {
      if (!resp.ok) throw new Error(resp.status + " " + resp.statusText);
      return resp.blob();
    }).then(function (blob) {
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = "zonegraph-results." + ext;
      document.body.appendChild(a);
      a.click();
      a.remove();
    }).catch(function (err) { alert(err); });
  }

  function start() {
    if (typeof Yasgui === "undefined") {
      document.getElementById("yasgui").innerHTML =
        "<p class='error'>YASGUI is missing from static/vendor/ (run <code>make vendor</code>).</p>";
      return;
    }
    const yasgui = new Yasgui(document.getElementById("yasgui"), {
      requestConfig: { endpoint: config.endpoint, method: "POST" },
      copyEndpointOnNewTab: true,
      persistenceId: null,
      populateFromUrl: false,
      autofocus: true,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; } },
      // Only completers that work offline: prefix.cc/LOV look-ups would leave the machine.
      yasqe: { autocompleters: ["prefixes", "variables"], value: withPrefixes(config.query) },
      yasr: { prefixes: config.prefixes, defaultPlugin: "table" },
    });
    const tab = yasgui.getTab();
    const yasqe = tab.getYasqe();
    yasqe.setValue(withPrefixes(config.query));
    declareAsTyped(yasqe);
    yasgui.on("tabAdd", function (instance, tabId) {
      const added = instance.getTab(tabId);
      if (added) declareAsTyped(added.getYasqe());
    });
    window.zonegraphEditor = yasgui;

    const downloads = document.getElementById("downloads");
    yasgui.on("queryResponse", function () { downloads.hidden = false; });
    downloads.addEventListener("click", function (ev) {
      const link = ev.target.closest("a[data-accept]");
      if (!link) return;
      ev.preventDefault();
      download(link.dataset.accept, link.dataset.ext, yasgui.getTab().getYasqe().getValue());
    });

    for (const button of document.querySelectorAll("button.example")) {
      button.addEventListener("click", function () {
        const ex = config.examples.find(function (e) { return e.slug === button.dataset.slug; });
        const current = yasgui.getTab().getYasqe();
        current.setValue(withPrefixes(ex.query));
        current.query();
      });
    }
    if (config.run) yasqe.query();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
