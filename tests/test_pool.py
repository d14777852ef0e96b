"""The worker pool as the server itself uses it (pages, canned queries): an answer cut at its
deadline while streaming must be an error, never half a JSON document handed on as data."""

from __future__ import annotations

import asyncio

import pytest

from api.app import Service
from api.pool import PoolError
from graph.build import BuildResult
from graph.config import Settings


def test_a_stream_cut_at_its_deadline_is_an_error_for_the_server(built: tuple[Settings, BuildResult]) -> None:
    settings, _ = built

    async def run() -> None:
        service = Service(Settings.from_env(data_dir=settings.data_dir, workers=1))
        await service.pool.start()
        try:
            # a cross product with no row cap: the first chunks arrive at once, the end never in time
            job = service.query_job("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", row_cap=0)
            with pytest.raises(PoolError, match="time limit of 1 s") as caught:
                await service.collect(job, timeout=1.0)
            assert caught.value.status == 503
            # the worker was replaced: the next query is answered
            assert await service.ask("ASK { ?s ?p ?o }") is True
        finally:
            await service.pool.stop()

    asyncio.run(run())
