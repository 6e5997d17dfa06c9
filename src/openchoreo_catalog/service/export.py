"""The catalog as files a stock Backstage can register: one YAML file per organization plus
an index of ``Location`` entities.

Layout of ``DIR``::

    catalog-info.yaml               Location entities, one per organization file
    organizations/<org>.yaml        that organization's entities, one YAML document each

Register ``DIR/catalog-info.yaml`` in Backstage as a ``file`` location (or publish ``DIR``
and register the index's URL as a ``url`` location): the index's Locations have no
``spec.type`` and relative ``targets``, so Backstage resolves them against the index's own
location, whichever type that is (Backstage's descriptor format, Kind: Location).

Entities are written as a provider would hand them to Backstage: without the fields the
catalog adds (``metadata.uid``, ``etag``, ``generation``, ``relations``) and without the
``backstage.io/managed-by-location`` / ``managed-by-origin-location`` annotations, which
Backstage sets to the file it reads them from. An entity belongs to the organization in its
``openchoreo.io/organization`` annotation (Domains live in namespace ``default``), or else to
its namespace. ``builtin_only`` leaves out the kinds a stock Backstage does not know
(OpenChoreo's Environment, Dataplane, DeploymentPipeline), which it would report as errors.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson
import yaml

from openchoreo_catalog.catalog import CatalogStore
from openchoreo_catalog.catalog.queries import Selection

INDEX = "catalog-info.yaml"
ORGS_DIR = "organizations"
BUILTIN_KINDS = frozenset(
    {"component", "api", "system", "domain", "resource", "group", "user", "location", "template"}
)
SERVER_METADATA = ("uid", "etag", "generation")
LOCATION_ANNOTATIONS = (
    "backstage.io/managed-by-location",
    "backstage.io/managed-by-origin-location",
)
ORG_ANNOTATION = "openchoreo.io/organization"
MAX_OPEN = 64


@dataclass
class ExportSummary:
    directory: Path
    index: Path
    files: dict[str, int] = field(default_factory=dict)
    """Organization file (relative to the directory) → entities written to it."""
    kinds: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    """Kinds left out by ``builtin_only``."""

    @property
    def entities(self) -> int:
        return sum(self.files.values())


def file_stem(name: str) -> str:
    """A file name for an organization: readable, safe everywhere, distinct per name."""
    safe = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-.")[:80]
    if safe != name or not safe:
        digest = hashlib.sha256(name.encode()).hexdigest()[:8]
        safe = f"{safe or 'org'}-{digest}"
    return safe


def location_name(stem: str) -> str:
    """A valid entity name (≤ 63 characters) for the Location of ``stem``'s file."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", f"openchoreo-{stem}").strip("-._")
    if len(name) > 63:
        digest = hashlib.sha256(stem.encode()).hexdigest()[:8]
        name = f"{name[:54].rstrip('-._')}-{digest}"
    return name


def exported(entity: dict[str, Any]) -> dict[str, Any]:
    """``entity`` without what the catalog added and what Backstage sets itself."""
    metadata = {k: v for k, v in entity.get("metadata", {}).items() if k not in SERVER_METADATA}
    annotations = {
        k: v
        for k, v in (metadata.get("annotations") or {}).items()
        if k not in LOCATION_ANNOTATIONS
    }
    if annotations:
        metadata["annotations"] = annotations
    else:
        metadata.pop("annotations", None)
    result = {k: v for k, v in entity.items() if k not in ("relations", "metadata")}
    result["metadata"] = metadata
    ordered: dict[str, Any] = {
        key: result[key] for key in ("apiVersion", "kind", "metadata") if key in result
    }
    ordered.update({k: v for k, v in result.items() if k not in ordered})
    return ordered


def _owner(entity: dict[str, Any]) -> str:
    metadata = entity.get("metadata", {})
    org = (metadata.get("annotations") or {}).get(ORG_ANNOTATION)
    return str(org or metadata.get("namespace") or "default")


def _dump(document: dict[str, Any]) -> str:
    return "---\n" + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


class _Files:
    """Per-organization files, appended to in any order with a bounded number open."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.open: dict[str, IO[str]] = {}
        self.created: set[str] = set()

    def write(self, stem: str, text: str) -> None:
        handle = self.open.get(stem)
        if handle is None:
            if len(self.open) >= MAX_OPEN:
                oldest = next(iter(self.open))
                self.open.pop(oldest).close()
            mode = "a" if stem in self.created else "w"
            handle = (self.directory / f"{stem}.yaml").open(mode, encoding="utf-8")
            self.open[stem] = handle
            self.created.add(stem)
        else:
            self.open[stem] = self.open.pop(stem)  # most recently used last
        handle.write(text)

    def close(self) -> None:
        for handle in self.open.values():
            handle.close()
        self.open.clear()


async def export_backstage(
    store: CatalogStore, directory: Path, *, builtin_only: bool = False
) -> ExportSummary:
    """Write the catalog under ``directory`` (see the module docstring)."""
    orgs_dir = directory / ORGS_DIR
    orgs_dir.mkdir(parents=True, exist_ok=True)
    summary = ExportSummary(directory, directory / INDEX)
    names: dict[str, str] = {}
    files = _Files(orgs_dir)
    try:
        async for text in store.list_entities(selection=Selection()):
            entity = orjson.loads(text)
            kind = str(entity.get("kind", ""))
            if builtin_only and kind.lower() not in BUILTIN_KINDS:
                summary.skipped[kind] += 1
                continue
            org = _owner(entity)
            stem = file_stem(org)
            names.setdefault(stem, org)
            files.write(stem, _dump(exported(entity)))
            relative = f"{ORGS_DIR}/{stem}.yaml"
            summary.files[relative] = summary.files.get(relative, 0) + 1
            summary.kinds[kind] += 1
    finally:
        files.close()
    for stale in orgs_dir.glob("*.yaml"):
        if stale.stem not in files.created:
            stale.unlink()
    index = [
        {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Location",
            "metadata": {
                "name": location_name(stem),
                "description": f"OpenChoreo organization {names[stem]} "
                f"({summary.files[f'{ORGS_DIR}/{stem}.yaml']} entities)",
            },
            "spec": {"targets": [f"./{ORGS_DIR}/{stem}.yaml"]},
        }
        for stem in sorted(names)
    ]
    summary.index.write_text("".join(_dump(doc) for doc in index), encoding="utf-8")
    return summary
