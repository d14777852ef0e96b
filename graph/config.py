"""Settings, from the environment (``NORMGRAPH_*``) with documented defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from loaders.corpus import DATA_DIR, PROJECT_ROOT
from loaders.namespaces import DEFAULT_BASE


@dataclass(frozen=True)
class Settings:
    base: str = DEFAULT_BASE
    data_dir: Path = PROJECT_ROOT / "var"  # where built stores live (not the input corpus)
    corpus_dir: Path = DATA_DIR
    keep_builds: int = 2

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "base": os.environ.get("NORMGRAPH_BASE", DEFAULT_BASE),
            "data_dir": Path(os.environ.get("NORMGRAPH_DATA_DIR", PROJECT_ROOT / "var")),
            "corpus_dir": Path(os.environ.get("NORMGRAPH_CORPUS_DIR", DATA_DIR)),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        if isinstance(values["data_dir"], str):
            values["data_dir"] = Path(values["data_dir"])
        if isinstance(values["corpus_dir"], str):
            values["corpus_dir"] = Path(values["corpus_dir"])
        return cls(**values)  # type: ignore[arg-type]
