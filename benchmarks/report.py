"""The markdown report (docs/benchmarks.md): machine, method, tables per size, verdicts."""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass, field

from benchmarks.measure import IN_PROCESS, Latency, Throughput, Timings, median, p99

MINIMAL = "minimal app"
ENDPOINT = "endpoint"
MINIMAL_LIGHT = "minimal app, http.client"
ENDPOINT_LIGHT = "endpoint, http.client"
LATENCY_TARGET = 0.001  # seconds the HTTP layer may add at the median (small results, concurrency 1)
THROUGHPUT_TARGET = 0.70  # endpoint throughput / minimal app throughput at concurrency 8
TARGET_SIZE = 100_000


@dataclass
class Dataset:
    size: int
    quads: int
    graphs: int
    documents: int
    store_bytes: int
    generate_seconds: float
    load_seconds: float


@dataclass
class SizeResult:
    data: Dataset
    latency: Latency
    floors: dict[str, float]
    throughput: dict[str, dict[str, list[Throughput]]]  # mix -> app -> rounds
    concurrency: int
    workers: int


@dataclass
class BuildRun:
    stages: dict[str, float]
    total: float
    wall: float
    quads: int


@dataclass
class Report:
    machine: dict[str, str]
    command: str
    sizes: list[SizeResult]
    builds: list[BuildRun] = field(default_factory=list)


def ms(seconds: float, digits: int = 2) -> str:
    return "–" if math.isnan(seconds) else f"{seconds * 1000:.{digits}f}"


def paired(a: list[float], b: list[float]) -> list[float]:
    return [x - y for x, y in zip(a, b, strict=True)]


# -- latency ---------------------------------------------------------------------------------------
def added(t: dict[str, Timings], phase: str, over: str = IN_PROCESS, target: str = ENDPOINT) -> float:
    """Median of the per-request differences ``target`` − ``over`` (same query, same phase)."""
    return median(paired(getattr(t[target], phase), getattr(t[over], phase)))


def pooled_added(lat: Latency, phase: str, over: str = IN_PROCESS, target: str = ENDPOINT) -> float:
    """The same over the requests of all kinds together."""
    diffs: list[float] = []
    for t in lat.timings.values():
        diffs += paired(getattr(t[target], phase), getattr(t[over], phase))
    return median(diffs)


def kinds_within(lat: Latency, phase: str, target: str = ENDPOINT) -> list[str]:
    return [kind for kind, t in lat.timings.items() if added(t, phase, target=target) <= LATENCY_TARGET]


def latency_table(lat: Latency, phase: str) -> list[str]:
    lines = [
        "| kind | rows | in-process median | minimal app median | endpoint median | endpoint p99 "
        "| endpoint − in-process (median of pairs) | endpoint / in-process | endpoint − minimal app |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for kind, t in lat.timings.items():
        inproc, minimal, endpoint = (median(getattr(t[k], phase)) for k in (IN_PROCESS, MINIMAL, ENDPOINT))
        lines.append(
            f"| {kind} | {statistics.median(t[ENDPOINT].rows):g} | {ms(inproc, 3)} | {ms(minimal)} | {ms(endpoint)} "
            f"| {ms(p99(getattr(t[ENDPOINT], phase)))} | **{ms(added(t, phase))}** | {endpoint / inproc:.1f}× "
            f"| {ms(added(t, phase, MINIMAL))} |"
        )
    return lines


def light_table(lat: Latency) -> list[str]:
    lines = [
        "| kind | endpoint median, warm | endpoint − in-process, cold | endpoint − in-process, warm "
        "| minimal app − in-process, warm | endpoint − minimal app, warm |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for kind, t in lat.timings.items():
        lines.append(
            f"| {kind} | {ms(median(t[ENDPOINT_LIGHT].warm))} | {ms(added(t, 'cold', target=ENDPOINT_LIGHT))} "
            f"| **{ms(added(t, 'warm', target=ENDPOINT_LIGHT))}** | {ms(added(t, 'warm', target=MINIMAL_LIGHT))} "
            f"| {ms(added(t, 'warm', MINIMAL_LIGHT, ENDPOINT_LIGHT))} |"
        )
    return lines


# -- throughput ------------------------------------------------------------------------------------
def mean_rate(runs: list[Throughput]) -> float:
    """The median of the rounds' rates (robust to a round disturbed by other load on the machine)."""
    return statistics.median(r.rate for r in runs)


def best_baseline(apps: dict[str, list[Throughput]]) -> tuple[str, float]:
    return max(((name, mean_rate(runs)) for name, runs in apps.items() if name != ENDPOINT), key=lambda x: x[1])


def throughput_table(result: SizeResult) -> list[str]:
    lines = [
        "| requests | server | req/s (median of rounds) | rounds | endpoint / this | server CPU per request "
        "| client CPU | non-200 |",
        "|---|---|--:|---|--:|--:|--:|--:|",
    ]
    for mix, apps in result.throughput.items():
        endpoint = mean_rate(apps[ENDPOINT])
        for app, runs in apps.items():
            rounds = ", ".join(f"{r.rate:.0f}" for r in runs)
            ratio = "" if app == ENDPOINT else f"**{endpoint / mean_rate(runs):.1%}**"
            cpu = ms(statistics.median(r.server_cpu_per_request for r in runs))
            client = statistics.median(r.client_cpu / r.seconds for r in runs)
            errors = sum(r.errors for r in runs)
            lines.append(f"| {mix} | {app} | {mean_rate(runs):.0f} | {rounds} | {ratio} | {cpu} ms | {client:.0%} of a core "
                         f"| {errors} |")
    return lines


# -- sections --------------------------------------------------------------------------------------
def machine_section(report: Report) -> list[str]:
    lines = ["## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in report.machine.items()]
    return [*lines, "", f"Command: `{report.command}`", ""]


def size_section(result: SizeResult) -> list[str]:
    d, lat = result.data, result.latency
    n_cold = len(next(iter(lat.timings.values()))[ENDPOINT].cold)
    lines = [
        f"## {d.size:,} triples", "",
        f"{d.quads:,} quads in {d.graphs} named graphs ({d.documents} synthetic documents); store on disk "
        f"{d.store_bytes / 1e6:.1f} MB; generated in {d.generate_seconds:.1f} s, published in {d.load_seconds:.1f} s. "
        f"Endpoint with NORMGRAPH_WORKERS={result.workers}.", "",
        f"Floor (an HTTP request that does no work): minimal app `GET /ping` {ms(result.floors['minimal /ping'])} ms, "
        f"endpoint `GET /healthz` {ms(result.floors['endpoint /healthz'])} ms with httpx; minimal app `GET /ping` "
        f"{ms(result.floors['minimal /ping, http.client'])} ms with `http.client` (medians).", "",
        f"### Concurrency 1, cold: first request of each parameter ({n_cold} per kind, times in ms)", "",
        *latency_table(lat, "cold"), "",
        f"### Concurrency 1, warm: the same request repeated ({n_cold * lat.warm_repeats} per kind, times in ms)", "",
        *latency_table(lat, "warm"), "",
        "### Concurrency 1 with a lighter client (the standard library's `http.client`, same queries, ms)", "",
        *light_table(lat), "",
        f"### Concurrency {result.concurrency}: throughput (closed loop, a fresh query per request)", "",
        *throughput_table(result), "",
    ]
    if lat.mismatches:
        lines += [f"Row counts differed between targets for {len(lat.mismatches)} queries: "
                  + "; ".join(lat.mismatches[:5]), ""]
    if lat.repeats:
        lines += [f"{lat.repeats} latency queries repeated an earlier one (parameter space exhausted at this size).", ""]
    return lines


def reference(report: Report) -> SizeResult:
    return min(report.sizes, key=lambda r: abs(math.log(r.data.size / TARGET_SIZE)))


def phase_summary(lat: Latency, phase: str, target: str = ENDPOINT) -> str:
    adds = {kind: added(t, phase, target=target) for kind, t in lat.timings.items()}
    worst = max(adds, key=lambda k: adds[k])
    return (f"{phase}: {ms(pooled_added(lat, phase, target=target))} ms at the median of all requests (per kind "
            f"{ms(min(adds.values()))}–{ms(adds[worst])} ms, the most for {worst}; "
            f"{len(kinds_within(lat, phase, target))} of {len(adds)} kinds within 1 ms)")


def latency_verdict(result: SizeResult) -> tuple[str, str]:
    """(title, text): whether the HTTP layer adds at most 1 ms at the median, and where the time goes."""
    lat = result.latency
    # the target is about the median: of all requests of the mix, cold and warm alike (per kind in the tables)
    met = all(pooled_added(lat, phase) <= LATENCY_TARGET for phase in ("cold", "warm"))
    light_met = all(pooled_added(lat, phase, target=ENDPOINT_LIGHT) <= LATENCY_TARGET for phase in ("cold", "warm"))
    pooled = pooled_added(lat, "warm")
    if met:
        verdict = f"**Met**: the endpoint adds {ms(pooled)} ms at the median of all requests (warm, httpx as the client)."
    elif light_met:
        verdict = (
            f"**Met with the standard library's client, not with httpx**: with `http.client` the endpoint adds "
            f"{ms(pooled_added(lat, 'cold', target=ENDPOINT_LIGHT))} ms (cold) and "
            f"{ms(pooled_added(lat, 'warm', target=ENDPOINT_LIGHT))} ms (warm) at the median of all requests; with "
            f"httpx, whose own work per request is larger (see below), {ms(pooled)} ms, {pooled / LATENCY_TARGET:.1f} "
            "times the budget (warm)."
        )
    else:
        verdict = (f"**Not met**: the endpoint adds {ms(pooled)} ms instead of at most 1 ms, {pooled / LATENCY_TARGET:.1f} "
                   "times the budget (warm, all kinds pooled).")
    floors = result.floors
    title = "Target 1 — the HTTP layer adds at most 1 ms at the median over the in-process call (small results, concurrency 1)"
    text = (
        f"{verdict} With httpx as the client: {phase_summary(lat, 'cold')}; {phase_summary(lat, 'warm')}. "
        f"Every result in the mix is small: {largest(lat)}. "
        f"Where the time goes: a request that does no work costs {ms(floors['minimal /ping'])} ms with httpx "
        f"(`/ping` on the minimal app) and {ms(floors['minimal /ping, http.client'])} ms with the standard library's "
        f"`http.client`, so much of a round trip here is the client itself. With `http.client` the minimal app "
        f"answers {ms(pooled_added(lat, 'warm', target=MINIMAL_LIGHT))} ms slower than the in-process call, and the "
        f"endpoint adds, {phase_summary(lat, 'warm', ENDPOINT_LIGHT)}; {light_verdict(met, light_met)}. "
        f"The endpoint's own layer (the raw-ASGI fast path for GET queries, the query guard, the "
        f"hand-off to a worker process and back, the streamed response) costs "
        f"{ms(pooled_added(lat, 'warm', MINIMAL_LIGHT, ENDPOINT_LIGHT))} ms over the minimal app with `http.client` "
        f"and {ms(pooled_added(lat, 'warm', MINIMAL))} ms with httpx (warm)."
    )
    return title, text


def light_verdict(met: bool, light_met: bool) -> str:
    if light_met:
        return "with the lighter client the target is met"
    return "the target is not met with the lighter client" + ("" if met else " either")


def largest(lat: Latency) -> str:
    rows = max(max(t[ENDPOINT].rows) for t in lat.timings.values())
    size = max(max(t[ENDPOINT].body_bytes) for t in lat.timings.values())
    medians = [statistics.median(t[ENDPOINT].body_bytes) for t in lat.timings.values()]
    return (f"the largest response had {rows} rows or triples and {size / 1024:.1f} KB; the median response per kind "
            f"was {min(medians) / 1024:.1f}–{max(medians) / 1024:.1f} KB")


def throughput_verdict(result: SizeResult) -> tuple[str, str]:
    """(title, text): endpoint throughput against the faster minimal app, per request mix."""
    parts, met, missed = [], [], []
    for mix, apps in result.throughput.items():
        name, base = best_baseline(apps)
        ratio = mean_rate(apps[ENDPOINT]) / base
        (met if ratio >= THROUGHPUT_TARGET else missed).append(mix)
        cpu = (statistics.median(r.server_cpu_per_request for r in apps[ENDPOINT])
               / statistics.median(r.server_cpu_per_request for r in apps[name]))
        parts.append(f"{mix}: {mean_rate(apps[ENDPOINT]):.0f} req/s against {base:.0f} req/s for the faster baseline "
                     f"({name}), **{ratio:.1%}**; the endpoint spent {cpu:.1f} times its CPU per request")
    title = (f"Target 2 — at concurrency {result.concurrency} the endpoint sustains at least 70% of the throughput of "
             "a minimal ASGI app on the same engine")
    text = (
        ("**Met.** " if not missed else "**Not met.** " if not met else
         f"**Met for {', '.join(met)}; not met for {', '.join(missed)}.** ") + "; ".join(parts) + ". "
        "The load generator (httpx) runs on the same machine and its CPU share is in the table: on two cores it "
        "competes with the servers, so every req/s figure is capped by it and by other load on the machine. CPU per "
        "request is the steadier figure of the two (the endpoint's worker processes can use both cores, the inline "
        "baseline runs its queries on one)."
    )
    return title, text


def verdicts(report: Report) -> list[str]:
    ref = reference(report)
    lines = []
    for verdict in (latency_verdict, throughput_verdict):
        title, text = verdict(ref)
        lines += [f"**{title}, {ref.data.size:,} triples.** {text}", ""]
        for result in report.sizes:
            if result is not ref:
                lines += [f"At {result.data.size:,} triples: {verdict(result)[1]}", ""]
    return lines


def build_section(builds: list[BuildRun]) -> list[str]:
    if not builds:
        return []
    stages = list(builds[0].stages)
    lines = [
        f"## Build of the real corpus (`python -m graph.cli build`, {len(builds)} runs)", "",
        "Stage times as printed on standard error, in seconds.", "",
        "| stage | median | min | max |", "|---|--:|--:|--:|",
    ]
    for stage in stages:
        values = [b.stages[stage] for b in builds]
        lines.append(f"| {stage} | {statistics.median(values):.1f} | {min(values):.1f} | {max(values):.1f} |")
    totals = [b.total for b in builds]
    walls = [b.wall for b in builds]
    lines.append(f"| **total (as reported)** | **{statistics.median(totals):.1f}** | {min(totals):.1f} | {max(totals):.1f} |")
    lines.append(f"| command wall time (with start-up) | {statistics.median(walls):.1f} | {min(walls):.1f} | {max(walls):.1f} |")
    return [*lines, "", f"Each build published {builds[0].quads:,} quads.", ""]


def render(report: Report) -> str:
    lines = [
        "# Benchmarks", "",
        "Generated by `benchmarks/run.py` (how to run it and what each figure means: "
        "[`benchmarks/README.md`](../benchmarks/README.md)). The figures below are from one run; the machine is "
        "shared, so the load average is given with them.", "",
        *machine_section(report),
        "## What it means", "",
    ]
    lines += verdicts(report)
    for result in report.sizes:
        lines += size_section(result)
    lines += build_section(report.builds)
    return "\n".join(lines).rstrip() + "\n"


OWN_SECTION = re.compile(r"## (Machine|What it means|[\d,]+ triples|Build of the real corpus)\b")


def foreign_sections(previous: str) -> list[str]:
    """Level-2 sections of an earlier report that this suite does not write (other benchmarks'
    sections, e.g. the ready-made queries), to carry over when the report is rewritten."""
    sections = re.split(r"(?m)^(?=## )", previous)[1:]
    return [section.rstrip("\n") for section in sections if not OWN_SECTION.match(section)]


def merge(previous: str | None, generated: str) -> str:
    kept = foreign_sections(previous) if previous else []
    return "\n\n".join([generated.rstrip("\n"), *kept]) + "\n"
