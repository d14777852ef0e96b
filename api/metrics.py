"""A small Prometheus registry: counters, histograms and gauges read at scrape time, rendered in
the text exposition format 0.0.4.

Written here rather than taken from ``prometheus-client`` because the service needs four small
things (labelled counters, fixed-bucket histograms, callback gauges, the text format) and no
multi-process mode, push gateway or default collectors. Everything is updated from the event
loop's thread only, so there are no locks on the request path: an increment is one dict lookup."""

from __future__ import annotations

import logging
import math
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence

log = logging.getLogger("normgraph.metrics")

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Seconds. Chosen for this service: most answers take 2–50 ms, pages up to a few hundred, and the
# query deadline is 10 s by default (a request waiting for a worker can take queue_wait longer).
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

Labels = tuple[str, ...]
Sample = tuple[str, dict[str, str], float]  # (suffix after the metric name, labels, value)


def _escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


def _label_text(names: Sequence[str], values: Sequence[str], extra: str = "") -> str:
    parts = [f'{n}="{_escape_label(v)}"' for n, v in zip(names, values, strict=True)]
    if extra:
        parts.append(extra)
    return "{" + ",".join(parts) + "}" if parts else ""


class Metric:
    kind = "untyped"

    def __init__(self, name: str, help_text: str, labelnames: Sequence[str] = ()) -> None:
        self.name = name
        self.help = help_text
        self.labelnames = tuple(labelnames)

    def header(self) -> list[str]:
        return [f"# HELP {self.name} {_escape_help(self.help)}", f"# TYPE {self.name} {self.kind}"]

    def lines(self) -> list[str]:
        raise NotImplementedError


class Counter(Metric):
    kind = "counter"

    def __init__(self, name: str, help_text: str, labelnames: Sequence[str] = ()) -> None:
        super().__init__(name, help_text, labelnames)
        self.values: dict[Labels, float] = {} if labelnames else {(): 0.0}  # an unlabelled counter starts at 0, visibly

    def inc(self, labels: Labels = (), amount: float = 1.0) -> None:
        self.values[labels] = self.values.get(labels, 0.0) + amount

    def lines(self) -> list[str]:
        return [f"{self.name}{_label_text(self.labelnames, k)} {_number(v)}" for k, v in sorted(self.values.items())]


class Histogram(Metric):
    kind = "histogram"

    def __init__(self, name: str, help_text: str, labelnames: Sequence[str] = (),
                 buckets: Sequence[float] = LATENCY_BUCKETS) -> None:
        super().__init__(name, help_text, labelnames)
        self.bounds = tuple(sorted(buckets))
        # per label set: [count per bucket (not cumulative; the last one is +Inf)], sum
        self.series: dict[Labels, tuple[list[int], list[float]]] = {}

    def observe(self, labels: Labels, value: float) -> None:
        series = self.series.get(labels)
        if series is None:
            series = self.series[labels] = ([0] * (len(self.bounds) + 1), [0.0])
        series[0][bisect_left(self.bounds, value)] += 1
        series[1][0] += value

    def lines(self) -> list[str]:
        out: list[str] = []
        for labels, (counts, total) in sorted(self.series.items()):
            running = 0
            for bound, count in zip((*self.bounds, math.inf), counts, strict=True):
                running += count
                le = f'le="{"+Inf" if math.isinf(bound) else repr(float(bound))}"'  # "1.0", as Prometheus' clients write it
                out.append(f"{self.name}_bucket{_label_text(self.labelnames, labels, le)} {running}")
            out.append(f"{self.name}_sum{_label_text(self.labelnames, labels)} {_number(total[0])}")
            out.append(f"{self.name}_count{_label_text(self.labelnames, labels)} {running}")
        return out


class Callback(Metric):
    """A gauge or counter whose samples are read when scraped (pool statistics, store size…)."""

    def __init__(self, name: str, help_text: str, kind: str, read: Callable[[], Iterable[tuple[dict[str, str], float]]]) -> None:
        super().__init__(name, help_text)
        self.kind = kind
        self.read = read

    def lines(self) -> list[str]:
        out = []
        for labels, value in self.read():
            names, values = tuple(labels), tuple(labels.values())
            out.append(f"{self.name}{_label_text(names, values)} {_number(value)}")
        return out


class Registry:
    def __init__(self) -> None:
        self.metrics: list[Metric] = []

    def add(self, metric: Metric) -> Metric:
        self.metrics.append(metric)
        return metric

    def counter(self, name: str, help_text: str, labelnames: Sequence[str] = ()) -> Counter:
        return self.add(Counter(name, help_text, labelnames))  # type: ignore[return-value]

    def histogram(self, name: str, help_text: str, labelnames: Sequence[str] = (),
                  buckets: Sequence[float] = LATENCY_BUCKETS) -> Histogram:
        return self.add(Histogram(name, help_text, labelnames, buckets))  # type: ignore[return-value]

    def callback(self, name: str, help_text: str, kind: str,
                 read: Callable[[], Iterable[tuple[dict[str, str], float]]]) -> Callback:
        return self.add(Callback(name, help_text, kind, read))  # type: ignore[return-value]

    def render(self) -> str:
        lines: list[str] = []
        for metric in self.metrics:
            try:
                body = metric.lines()
            except Exception:  # one unreadable gauge (e.g. a store being pruned) must not hide the rest
                log.debug("metric %s could not be read", metric.name, exc_info=True)
                continue
            lines += metric.header() + body
        return "\n".join(lines) + "\n"
