"""Log output for ``normgraph serve``: one JSON object per line (for log shippers) or plain text.

Records may carry structured ``fields`` (``extra={"fields": {...}}``): the access log and the
slow-query log do. In JSON they become keys of the line; in text they follow the message only
where the message does not already say them."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

FORMATS = ("text", "json")


def _timestamp(created: float) -> str:
    seconds = int(created)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{int((created - seconds) * 1000):03d}Z"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {"time": _timestamp(record.created), "level": record.levelname.lower(),
                                "logger": record.name}
        fields = getattr(record, "fields", None)
        if fields:
            line.update(fields)
        else:
            line["message"] = record.getMessage()
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, separators=(",", ":"), default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _timestamp(record.created)


def formatter(kind: str) -> logging.Formatter:
    if kind not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, not {kind!r}")
    return JsonFormatter() if kind == "json" else TextFormatter()


def uvicorn_config(kind: str, level: str) -> dict[str, Any]:
    """A logging configuration for uvicorn.run(log_config=…): one stderr handler with our format for
    our loggers and uvicorn's (its access log is off: the service writes its own, with request ids)."""
    formatter(kind)  # validates
    factory = f"{__name__}.{'JsonFormatter' if kind == 'json' else 'TextFormatter'}"
    level = level.upper()
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"default": {"()": factory}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr"}},
        "loggers": {
            "normgraph": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def line(kind: str, message: str, logger: str = "normgraph") -> str:
    """One line in the chosen format, for what is printed before logging is set up (the first
    line of ``serve``), so that a JSON log stays JSON from its first line."""
    record = logging.LogRecord(logger, logging.INFO, __file__, 0, message, None, None)
    return formatter(kind).format(record)
