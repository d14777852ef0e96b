"""YAML reading that remembers where each mapping came from, for file:line errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from loaders.errors import LoaderError

LINE_KEY = "__line__"


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise LoaderError(str(path), mark.line + 1 if mark else None, f"invalid YAML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise LoaderError(str(path), None, f"invalid UTF-8: {exc}") from None


def line_of(mapping: Any) -> int | None:
    return mapping.get(LINE_KEY) if isinstance(mapping, dict) else None


def display_path(path: Path | str) -> str:
    """A path as shown in provenance and messages: relative to the project when inside it."""
    resolved = Path(path).resolve()
    root = Path(__file__).resolve().parent.parent
    try:
        return str(resolved.relative_to(root))
    except ValueError:
        return str(path)
