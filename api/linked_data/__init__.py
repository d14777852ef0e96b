"""The linked-data publishing layer: every IRI dereferences — HTML pages for people, RDF for
machines — plus indexes, search, the Annex 1 and responsibility-matrix views, the documents'
reading view, the ontology and shapes documentation, VoID/DCAT, dumps and a sitemap.

``register(app, service)`` adds the routes to the service's FastAPI app."""

from __future__ import annotations

from fastapi import FastAPI

from api.app import Service


def register(app: FastAPI, service: Service) -> None:
    from api.linked_data import deref, routes
    from api.linked_data.site import Site

    site = Site(service)
    app.state.linked_data = site
    routes.register(app, site)
    deref.register(app, site)
