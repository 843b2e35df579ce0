"""ZoneGraph's HTTP service: SPARQL 1.1 Protocol, linked-data pages, explorer and JSON APIs.

create_app is an application factory (as flaskr): nothing is built at import time, so tests
make one app per configuration and the CLI's `serve` makes one for the WSGI server.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, jsonify

from service import config, errors, state


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    # The settings table's defaults, then ZONEGRAPH_* variables, then the caller's mapping
    # (the CLI's options, a test's config); all checked against the table together.
    app.config.from_mapping(config.defaults())
    app.config.from_mapping(config.from_environ())
    if test_config is not None:
        app.config.from_mapping(test_config)
    app.config.update(config.check_settings(app.config))
    app.config["MAX_CONTENT_LENGTH"] = app.config["ZONEGRAPH_MAX_REQUEST_BYTES"]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    errors.init_app(app)
    state.init_app(app)

    @app.get("/healthz")
    def healthz() -> Response:
        """200 while the backend can answer queries; 503 with the reason when it cannot."""
        health = getattr(state.get_backend(), "health", None)
        ok, detail = health() if health is not None else (True, "remote engine")
        status = 200 if ok else 503
        resp = jsonify({"ok": ok, "status": status, "detail": detail})
        resp.status_code = status
        if not ok:
            resp.headers["Retry-After"] = "5"
        return resp

    # Blueprints: one line each, registered in a fixed order.
    from service import sparql, update, void

    sparql.init_app(app)  # /sparql: SPARQL 1.1 Protocol queries, Service Description; CORS
    update.init_app(app)  # /update: SPARQL Update, only with the bearer token
    void.init_app(app)  # /.well-known/void

    from service import dumps, linked_data, pages, render

    render.init_app(app)  # explorer: language switch; HTML, JSON and RDF of one view
    dumps.init_app(app)  # /dumps/zonegraph.{ttl,nt,nq,trig,jsonld,rdf}
    linked_data.init_app(app)  # /id/…, /concept/…, /ontology: the data namespace resolves here
    pages.init_app(app)  # /, /query, /search

    from service import analysis_api

    analysis_api.init_app(app)  # /api/analysis/…: groupings, hubs, paths, ego, exports (JSON)
    from service import explore

    explore.init_app(app)  # /explore/…: graph views of groupings and neighbourhoods, paths
    from service import registry_pages

    registry_pages.init_app(app)  # /registry/…: GB/T 37028 zones by province × type, zone lists
    from service import registry_analysis

    registry_analysis.init_app(app)  # /registry/analysis, /api/registry/…: registry analyses

    from service import cache, fast

    fast.init_app(app, app.extensions[state.EXTENSION])  # plain /sparql queries skip Flask
    cache.init_app(app, app.extensions[state.EXTENSION])  # repeated /sparql answers, pre-Flask

    return app
