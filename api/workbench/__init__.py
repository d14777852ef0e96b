"""The query workbench: a SPARQL editor in the browser at ``/workbench`` (hand-written JS and CSS
under ``/workbench/static/``, nothing loaded from another host, a Content-Security-Policy that
allows scripts from this server only).

``register(app, service)`` adds the page and its assets to the service's FastAPI app."""

from __future__ import annotations

from fastapi import FastAPI

from api.app import Service


def register(app: FastAPI, service: Service) -> None:
    from api.workbench import routes

    routes.register(app, service)
