"""Checking an entity against Backstage's field rules before it may enter the catalog.

The rules are those of Backstage's ``FieldFormatEntityPolicy`` and
``NoForeignRootFieldsEntityPolicy``: ``apiVersion`` and ``kind`` present and well formed,
``metadata.name`` at most 63 characters of ``[a-zA-Z0-9-_.]`` starting and ending with an
alphanumeric, label and annotation keys ``[prefix/]name`` with a DNS-subdomain prefix of at
most 253 characters, label values like names (or empty), tags, links. One difference, by
design: ``metadata.namespace`` follows the *name* rule, not Backstage's stricter DNS label,
so that OpenChoreo organization names containing dots or capitals are accepted.

:func:`validate_entity` returns a cleaned copy (namespace defaulted, server-managed fields
such as ``metadata.uid`` and ``relations`` dropped) or raises :class:`InvalidEntity` naming
the first offending field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from openchoreo_catalog.catalog.refs import DEFAULT_NAMESPACE

ROOT_FIELDS = ("apiVersion", "kind", "metadata", "spec")
SERVER_ROOT_FIELDS = ("relations",)
SERVER_METADATA_FIELDS = ("uid", "etag", "generation")

_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_DNS_LABEL = re.compile(r"^[a-z0-9]+(?:-+[a-z0-9]+)*$")
_KIND = re.compile(r"^[a-zA-Z][a-z0-9A-Z]*$")
_API_VERSION_NAME = re.compile(r"^[a-z0-9A-Z]+$")
_TAG = re.compile(r"^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$")

KEY_EXPECTATION = "a valid prefix and/or suffix"
TAG_EXPECTATION = (
    "a string that is sequences of [a-z0-9+#] separated by [-], at most 63 characters in total"
)
NAME_EXPECTATION = (
    "a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], "
    "at most 63 characters in total"
)


class InvalidEntity(ValueError):
    """The entity breaks a rule; ``field`` is the dotted path of the offending field."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


def is_valid_name(value: object) -> bool:
    return isinstance(value, str) and 1 <= len(value) <= 63 and bool(_NAME.match(value))


def is_valid_kind(value: object) -> bool:
    return isinstance(value, str) and 1 <= len(value) <= 63 and bool(_KIND.match(value))


def is_valid_dns_subdomain(value: str) -> bool:
    return 1 <= len(value) <= 253 and all(
        len(part) <= 63 and _DNS_LABEL.match(part) for part in value.split(".")
    )


def is_valid_prefixed_name(value: object) -> bool:
    """``name`` or ``prefix/name`` (label and annotation keys)."""
    if not isinstance(value, str):
        return False
    return _valid_prefixed_name(value)


@lru_cache(maxsize=16_384)
def _valid_prefixed_name(value: str) -> bool:
    """Cached: the same few dozen keys recur on every entity."""
    parts = value.split("/")
    if len(parts) == 1:
        return is_valid_name(parts[0])
    return len(parts) == 2 and is_valid_dns_subdomain(parts[0]) and is_valid_name(parts[1])


def is_valid_api_version(value: object) -> bool:
    return isinstance(value, str) and _valid_api_version(value)


@lru_cache(maxsize=1_024)
def _valid_api_version(value: str) -> bool:
    parts = value.split("/")
    suffix = parts[-1]
    suffix_ok = 1 <= len(suffix) <= 63 and bool(_API_VERSION_NAME.match(suffix))
    if len(parts) == 1:
        return suffix_ok
    return len(parts) == 2 and is_valid_dns_subdomain(parts[0]) and suffix_ok


def is_valid_tag(value: object) -> bool:
    return isinstance(value, str) and _valid_tag(value)


@lru_cache(maxsize=16_384)
def _valid_tag(value: str) -> bool:
    return 1 <= len(value) <= 63 and bool(_TAG.match(value))


def validate_entity(entity: object) -> dict[str, Any]:
    """A cleaned copy of ``entity``, or :class:`InvalidEntity` for the first broken rule."""
    if not isinstance(entity, Mapping):
        raise InvalidEntity("entity", "must be a JSON object")
    for key in entity:
        if key not in ROOT_FIELDS and key not in SERVER_ROOT_FIELDS:
            raise InvalidEntity(
                str(key), "unknown root field (allowed: apiVersion, kind, metadata, spec)"
            )
    _require(
        "apiVersion",
        entity.get("apiVersion"),
        is_valid_api_version,
        "a valid prefix and/or suffix, e.g. backstage.io/v1alpha1",
    )
    _require(
        "kind",
        entity.get("kind"),
        is_valid_kind,
        "a string that is a sequence of [a-zA-Z][a-z0-9A-Z], at most 63 characters in total",
    )
    metadata = entity.get("metadata")
    if not isinstance(metadata, Mapping):
        raise InvalidEntity("metadata", "must be an object")
    spec = entity.get("spec")
    if spec is not None and not isinstance(spec, Mapping):
        raise InvalidEntity("spec", "must be an object")
    cleaned_metadata = _validate_metadata(metadata)
    cleaned: dict[str, Any] = {
        "apiVersion": entity["apiVersion"],
        "kind": entity["kind"],
        "metadata": cleaned_metadata,
    }
    if spec is not None:
        cleaned["spec"] = dict(spec)
    return cleaned


def _validate_metadata(metadata: Mapping[str, Any]) -> dict[str, Any]:
    _require("metadata.name", metadata.get("name"), is_valid_name, NAME_EXPECTATION)
    namespace = metadata.get("namespace")
    if namespace is not None:
        _require("metadata.namespace", namespace, is_valid_name, NAME_EXPECTATION)
    for field in ("title", "description"):
        value = metadata.get(field)
        if value is not None and not isinstance(value, str):
            raise InvalidEntity(f"metadata.{field}", "must be a string")
    _validate_labels(metadata.get("labels"))
    _validate_annotations(metadata.get("annotations"))
    _validate_tags(metadata.get("tags"))
    _validate_links(metadata.get("links"))
    cleaned = {k: v for k, v in metadata.items() if k not in SERVER_METADATA_FIELDS}
    cleaned["namespace"] = namespace if namespace is not None else DEFAULT_NAMESPACE
    return cleaned


def _validate_labels(labels: object) -> None:
    if labels is None:
        return
    if not isinstance(labels, Mapping):
        raise InvalidEntity("metadata.labels", "must be an object")
    for key, value in labels.items():
        if not is_valid_prefixed_name(key):
            raise InvalidEntity(f"metadata.labels.{key}", _expected(key, KEY_EXPECTATION))
        if not (value == "" or is_valid_name(value)):
            raise InvalidEntity(
                f"metadata.labels.{key}", _expected(value, NAME_EXPECTATION + " (or empty)")
            )


def _validate_annotations(annotations: object) -> None:
    if annotations is None:
        return
    if not isinstance(annotations, Mapping):
        raise InvalidEntity("metadata.annotations", "must be an object")
    for key, value in annotations.items():
        if not is_valid_prefixed_name(key):
            raise InvalidEntity(f"metadata.annotations.{key}", _expected(key, KEY_EXPECTATION))
        if not isinstance(value, str):
            raise InvalidEntity(f"metadata.annotations.{key}", "must be a string")


def _validate_tags(tags: object) -> None:
    if tags is None:
        return
    if not isinstance(tags, list):
        raise InvalidEntity("metadata.tags", "must be a list")
    for index, tag in enumerate(tags):
        if not is_valid_tag(tag):
            _require(f"metadata.tags.{index}", tag, is_valid_tag, TAG_EXPECTATION)


def _validate_links(links: object) -> None:
    if links is None:
        return
    if not isinstance(links, list):
        raise InvalidEntity("metadata.links", "must be a list")
    for index, link in enumerate(links):
        if not isinstance(link, Mapping):
            raise InvalidEntity(f"metadata.links.{index}", "must be an object")
        _require(
            f"metadata.links.{index}.url", link.get("url"), _is_url, "a string that is a valid url"
        )
        for field in ("title", "icon", "type"):
            value = link.get(field)
            if value is not None and not (isinstance(value, str) and value.strip()):
                raise InvalidEntity(f"metadata.links.{index}.{field}", "must be a non-empty string")


def _is_url(value: object) -> bool:
    if not isinstance(value, str) or not value.strip():
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return bool(parts.scheme) and bool(parts.netloc or parts.path)


def _require(field: str, value: object, check: Any, expectation: str) -> None:
    if value is None:
        raise InvalidEntity(field, "must have a value")
    if not check(value):
        raise InvalidEntity(field, _expected(value, expectation))


def _expected(value: object, expectation: str) -> str:
    shown = value if isinstance(value, str) else repr(value)
    if len(shown) > 100:
        shown = shown[:97] + "..."
    return f'expected {expectation} but found "{shown}"'


def nul_path(value: object, path: str = "") -> str | None:
    """The dotted path of the first key or string holding a NUL, else ``None``.

    PostgreSQL text cannot hold NUL (the write fails with a database error, failing the
    whole page), and no Backstage field needs one: such an entity is refused alone.
    """
    if isinstance(value, str):
        return (path or "entity") if "\x00" in value else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if "\x00" in where:  # the path is shown and logged: never with a raw NUL
                return where.replace("\x00", "\\u0000")
            found = nul_path(item, where)
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = nul_path(item, f"{path}.{index}")
            if found is not None:
                return found
    return None
