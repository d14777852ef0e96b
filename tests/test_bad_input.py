"""Bad input: a clear error naming file and line, a non-zero exit, and nothing published."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from graph import store
from graph.build import BuildResult
from graph.config import Settings
from loaders.errors import LoaderError
from loaders.pipeline import load

ROOT = Path(__file__).resolve().parent.parent
PHASE1 = "000_81206ae0df0fa091.txt"
BASELINE = "001_2fc7f1733201151b.txt"


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may damage."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def edit(path: Path, fn: Callable[[list[str]], list[str]]) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(fn(lines)), encoding="utf-8")


def line_no(path: Path, startswith: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if line.startswith(startswith):
            return i
    raise AssertionError(startswith)


def expect_error(corpus: Path, file: str, line: int, words: str) -> LoaderError:
    with pytest.raises(LoaderError) as info:
        load(data_dir=corpus)
    err = info.value
    assert err.path.endswith(file), err
    assert err.line == line, err
    assert words in err.message, err
    assert f"{file}:{line}:" in str(err)
    return err


def test_broken_footnote_reference(corpus: Path) -> None:
    doc = corpus / "documents" / PHASE1
    n = line_no(doc, "In a rather circular way")
    edit(doc, lambda ls: [(line + "<sup>99</sup>" if i == n else line) for i, line in enumerate(ls, start=1)])
    expect_error(corpus, PHASE1, n, "footnote marker 99 has no footnote text")


def test_footnote_that_no_marker_references(corpus: Path) -> None:
    doc = corpus / "documents" / BASELINE
    edit(doc, lambda ls: [*ls, "", "⁵² [An orphan note](#). 2020. Nobody."])
    expect_error(corpus, BASELINE, 222, "footnote 52 is never referenced")


def test_duplicated_norm_identifier(corpus: Path) -> None:
    doc = corpus / "documents" / PHASE1
    first = line_no(doc, "- c) States should not knowingly")

    def duplicate(ls: list[str]) -> list[str]:
        return [*ls[:first], ls[first - 1], *ls[first:]]

    edit(doc, duplicate)
    expect_error(corpus, PHASE1, first + 1, f"norm 13(c) is listed twice (first at line {first})")


def test_truncated_annex_table(corpus: Path) -> None:
    doc = corpus / "documents" / PHASE1
    n = line_no(doc, "- Forensics - PPPs with law enforcement")
    edit(doc, lambda ls: [("- Forensics\t- Research" if i == n else line) for i, line in enumerate(ls, start=1)])
    expect_error(corpus, PHASE1, n, "expected 4 cells")


def test_annex_header_line_missing(corpus: Path) -> None:
    doc = corpus / "documents" / PHASE1
    n = line_no(doc, "Current R&R\tProspective R&R\tExtant/Assumed R&R\tProspective R&R")  # 13(d)
    edit(doc, lambda ls: [line for i, line in enumerate(ls, start=1) if i != n])
    expect_error(corpus, PHASE1, n, "cells before the column header line")


def test_invalid_utf8(corpus: Path) -> None:
    doc = corpus / "documents" / BASELINE
    raw = doc.read_bytes().split(b"\n")
    raw[8] = raw[8][:20] + b"\xff\xfe" + raw[8][20:]
    doc.write_bytes(b"\n".join(raw))
    expect_error(corpus, BASELINE, 9, "invalid UTF-8 byte 0xff at column 21")


def test_curation_quote_that_is_not_in_the_document(corpus: Path) -> None:
    path = corpus / "curation" / "roles-and-responsibilities-of-states" / "annotations.yaml"
    text = path.read_text(encoding="utf-8")
    original = "national governments do, or are expected to, act as stakeholders"
    assert original in text
    path.write_text(text.replace(original, "national governments never act as stakeholders", 1), encoding="utf-8")
    with pytest.raises(LoaderError) as info:
        load(data_dir=corpus)
    assert "annotations.yaml" in info.value.path and info.value.line
    assert "quote not found in roles-and-responsibilities-of-states" in info.value.message


def test_reference_to_an_undefined_actor(corpus: Path) -> None:
    path = corpus / "registry" / "initiatives.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("promoted_by: [actor:swiss-fdfa]", "promoted_by: [actor:no-such-actor]", 1), encoding="utf-8")
    with pytest.raises(LoaderError) as info:
        load(data_dir=corpus)
    assert "actor/no-such-actor is referenced but defined nowhere" in str(info.value)
    assert "initiatives.yaml:" in str(info.value)


@pytest.mark.parametrize("damage", ["utf8", "footnote"])
def test_failed_build_exits_non_zero_and_leaves_published_dataset(
    built: tuple[Settings, BuildResult], corpus: Path, damage: str
) -> None:
    settings, _ = built
    before = os.readlink(settings.data_dir / store.CURRENT)
    manifest = store.read_manifest(settings.data_dir)
    if damage == "utf8":
        doc = corpus / "documents" / PHASE1
        doc.write_bytes(doc.read_bytes().replace(b"Geneva", b"Gen\xc3va", 1))
    else:
        edit(corpus / "documents" / PHASE1, lambda ls: [ls[0] + "<sup>77</sup>", *ls[1:]])
    env = {**os.environ, "NORMGRAPH_CORPUS_DIR": str(corpus)}
    proc = subprocess.run(
        [sys.executable, "-m", "graph.cli", "build", "--data-dir", str(settings.data_dir)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 1
    assert f"{PHASE1}:" in proc.stderr and "nothing was published" in proc.stderr
    assert os.readlink(settings.data_dir / store.CURRENT) == before
    assert store.read_manifest(settings.data_dir) == manifest


def test_bad_setting_is_named_without_a_traceback() -> None:
    """A NORMGRAPH_* variable that is not a number: exit 2 and a message naming it, no traceback."""
    import os
    import subprocess
    import sys

    from tests.servers import ROOT

    proc = subprocess.run([sys.executable, "-m", "graph.cli", "query", "ASK {}"], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "NORMGRAPH_QUERY_TIMEOUT": "ten"}, timeout=60)
    assert proc.returncode == 2
    assert "NORMGRAPH_QUERY_TIMEOUT='ten' is not a number" in proc.stderr
    assert "Traceback" not in proc.stderr
