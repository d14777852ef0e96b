"""Actors, initiatives and cited-work aliases from data/registry/ (and curation files)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders.errors import LoaderError
from loaders.textutil import slugify
from loaders.yamlfile import display_path, line_of, load_yaml

ACTOR_KINDS = ("State", "Organisation", "Person", "Group")


@dataclass
class Entry:
    """An actor or an initiative as written in a registry or curation file."""

    kind: str  # actor | initiative
    slug: str
    data: dict[str, Any]
    where: str  # file:line

    @property
    def label(self) -> str:
        return str(self.data["label"])

    @property
    def surfaces(self) -> list[str]:
        forms = [self.label, *[str(s) for s in self.data.get("surface") or []]]
        if self.data.get("abbreviation"):
            forms.append(str(self.data["abbreviation"]))
        return list(dict.fromkeys(f for f in forms if f))


@dataclass
class Registry:
    actors: dict[str, Entry] = field(default_factory=dict)
    initiatives: dict[str, Entry] = field(default_factory=dict)
    work_aliases: dict[str, str] = field(default_factory=dict)  # loose title → canonical title
    work_same_as: dict[str, str] = field(default_factory=dict)  # loose title → reference
    minted: list[str] = field(default_factory=list)  # actors minted from citations (warnings)
    _surface_index: dict[str, dict[str, Entry]] | None = None

    def add(self, kind: str, items: Any, path: Path) -> None:
        if items is None:
            return
        if not isinstance(items, list):
            raise LoaderError(str(path), None, f"{kind}s must be a list")
        table = self.actors if kind == "actor" else self.initiatives
        for item in items:
            where = f"{display_path(path)}:{line_of(item)}"
            if not isinstance(item, dict) or "slug" not in item or "label" not in item:
                raise LoaderError(str(path), line_of(item), f"each {kind} needs a slug and a label")
            slug = str(item["slug"])
            if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
                raise LoaderError(str(path), line_of(item), f"{kind} slug {slug!r} is not lowercase-hyphenated ASCII")
            if slug in table:
                raise LoaderError(str(path), line_of(item), f"{kind} {slug!r} is already defined at {table[slug].where}")
            if kind == "actor" and item.get("kind") not in ACTOR_KINDS:
                raise LoaderError(
                    str(path), line_of(item), f"actor {slug!r}: kind must be one of {', '.join(ACTOR_KINDS)}"
                )
            table[slug] = Entry(kind, slug, item, where)
        self._surface_index = None

    def load_files(self, registry_dir: Path) -> None:
        actors = registry_dir / "actors.yaml"
        if actors.exists():
            self.add("actor", load_yaml(actors), actors)
        initiatives = registry_dir / "initiatives.yaml"
        if initiatives.exists():
            self.add("initiative", load_yaml(initiatives), initiatives)
        works = registry_dir / "works.yaml"
        if works.exists():
            for item in load_yaml(works) or []:
                canonical = str(item.get("canonical", ""))
                for variant in item.get("variants") or []:
                    self.work_aliases[loose_title(str(variant))] = canonical
                if item.get("same_as"):
                    self.work_same_as[loose_title(canonical)] = str(item["same_as"])

    # -- lookups -------------------------------------------------------------------------
    def surface_index(self, kind: str) -> dict[str, Entry]:
        """Surface form → entry, per kind (an actor and an initiative may share a name)."""
        if self._surface_index is None:
            self._surface_index = {}
            for table in (self.actors, self.initiatives):
                for entry in table.values():
                    index = self._surface_index.setdefault(entry.kind, {})
                    for form in entry.surfaces:
                        index.setdefault(form, entry)
        return self._surface_index.get(kind, {})

    def find_actor(self, name: str) -> Entry | None:
        """Exact surface form first, then ignoring case, punctuation and a leading "The"."""
        index = self.surface_index("actor")
        name = name.strip()
        for candidate in (name, name.rstrip(".").strip(), name.removeprefix("The ").removeprefix("the ")):
            if candidate in index:
                return index[candidate]
        wanted = _letters(name.removeprefix("The ").removeprefix("the "))
        for form, entry in index.items():
            if _letters(form) == wanted:
                return entry
        return None

    def find_initiative(self, name: str) -> Entry | None:
        return self.surface_index("initiative").get(name.strip())

    def mint_actor(self, name: str, where: str) -> Entry:
        """An organisation named only in a citation and absent from the registry."""
        slug = slugify(name)
        if slug in self.actors:
            return self.actors[slug]
        entry = Entry("actor", slug, {"slug": slug, "label": name, "kind": "Organisation", "minted": True}, where)
        self.actors[slug] = entry
        self._surface_index = None
        self.minted.append(f"{where}: {name!r} is not in data/registry/actors.yaml; minted actor:{slug}")
        return entry


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9&]", "", text.lower())


def loose_title(title: str) -> str:
    """Identity key of a title: case, punctuation and spacing do not distinguish works."""
    t = title.translate(str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'}))
    return re.sub(r"[^a-z0-9]+", " ", t.lower()).strip()
