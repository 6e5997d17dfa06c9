"""Making OpenChoreo names valid Backstage entity names, deterministically.

Kubernetes allows names Backstage rejects: longer than 63 characters (an API entity is named
``<component>-<endpoint>``, easily over), or with consecutive separators (``a--b``). Such a
name becomes a readable prefix plus a short hash of the whole name, so it is stable across
cycles and replicas and two long names sharing a prefix do not collide; the original goes in
the ``openchoreo.io/original-name`` annotation. A name with no ASCII letter or digit at all
cannot be made meaningful and is refused (the caller skips the item and degrades the cycle).
"""

from __future__ import annotations

import hashlib
import re

MAX_NAME_LENGTH = 63
HASH_LENGTH = 8
ORIGINAL_NAME_ANNOTATION = "openchoreo.io/original-name"

_VALID = re.compile(r"^([A-Za-z0-9]+[-_.])*[A-Za-z0-9]+$")
_SEPARATOR_RUNS = re.compile(r"[^A-Za-z0-9]+")


class UnusableName(ValueError):
    """The name has nothing a valid entity name could be built from."""


def is_valid_entity_name(name: str) -> bool:
    return len(name) <= MAX_NAME_LENGTH and bool(_VALID.match(name))


def entity_name(raw: str) -> str:
    """``raw`` itself when valid, else a stable shortened form; :class:`UnusableName` if none."""
    if is_valid_entity_name(raw):
        return raw
    readable = _SEPARATOR_RUNS.sub("-", raw).strip("-")
    if not readable:
        raise UnusableName(f"{raw!r} has no ASCII letters or digits to build an entity name from")
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:HASH_LENGTH]
    prefix = readable[: MAX_NAME_LENGTH - HASH_LENGTH - 1].rstrip("-")
    return f"{prefix}-{digest}"


def original_name_annotation(raw: str, name: str) -> dict[str, str]:
    """The annotation recording ``raw`` when it had to change, else nothing."""
    return {} if raw == name else {ORIGINAL_NAME_ANNOTATION: raw}
