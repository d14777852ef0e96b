"""The one error type loaders raise: it always says which file and line."""

from __future__ import annotations


class LoaderError(Exception):
    """A problem in an input file, reported as ``file:line: message``."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")
