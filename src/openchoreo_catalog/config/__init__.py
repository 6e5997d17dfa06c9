"""Configuration: Backstage-style YAML files → validated, typed :class:`Settings`.

Usage::

    settings = load_settings([Path("app-config.yaml"), Path("app-config.local.yaml")])

Every problem is reported at once as a :class:`ConfigError` whose ``problems`` each name the
key path, the offending value (never a secret) and what is allowed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from openchoreo_catalog.config.database_url import database_url, redacted
from openchoreo_catalog.config.errors import ConfigError
from openchoreo_catalog.config.loader import (
    load_config_files,
    merge_config,
    substitute_environment,
)
from openchoreo_catalog.config.settings import (
    MAX_PAGE_SIZE,
    AuthSettings,
    BackendSettings,
    DatabaseSettings,
    IncrementalSettings,
    OpenChoreoSettings,
    ScheduleSettings,
    Settings,
)

__all__ = [
    "MAX_PAGE_SIZE",
    "AuthSettings",
    "BackendSettings",
    "ConfigError",
    "DatabaseSettings",
    "IncrementalSettings",
    "OpenChoreoSettings",
    "ScheduleSettings",
    "Settings",
    "database_url",
    "load_settings",
    "merge_config",
    "redacted",
    "settings_from_mapping",
]

_SECRET_KEYS = {"token", "password", "connection"}
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s]+@", re.IGNORECASE)


def load_settings(
    paths: Sequence[Path],
    *,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Read, merge, expand and validate ``paths`` (later files win), then ``overrides``."""
    tree = load_config_files(paths)
    tree = substitute_environment(tree, environ)
    if overrides:
        tree = merge_config(tree, overrides)
    return settings_from_mapping(tree)


def settings_from_mapping(tree: Mapping[str, Any]) -> Settings:
    """Validate an already-merged config tree."""
    try:
        return Settings.model_validate(tree)
    except ValidationError as error:
        raise ConfigError(_describe(error)) from None


def _describe(error: ValidationError) -> list[str]:
    items = error.errors(include_url=False)
    paths = [_key_path(item["loc"]) for item in items]
    problems: list[str] = []
    for item, path in zip(items, paths, strict=True):
        if item["type"].endswith("_type") and any(
            other.startswith((path + ".", path + "[")) for other in paths
        ):
            continue  # a union's other member failed deeper down: that error says more
        message = item["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        if item["type"] == "extra_forbidden":
            problems.append(f"{path}: unknown key (check its spelling)")
            continue
        shown = _show_value(item["loc"], item.get("input"))
        problems.append(f"{path}: {shown}{message}")
    return problems


def _key_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not _is_union_tag(part):
            path = f"{path}.{part}" if path else str(part)
    return path


def _is_union_tag(part: object) -> bool:
    """Pydantic adds union member names (``str``, ``ConnectionParams``) to locations."""
    return isinstance(part, str) and (part[:1].isupper() or part in ("str", "int", "float"))


def _show_value(loc: tuple[Any, ...], value: object) -> str:
    if any(str(part) in _SECRET_KEYS for part in loc):
        return ""
    if isinstance(value, dict | list) or value is None:
        return ""
    text = repr(value) if isinstance(value, str) else str(value)
    text = _URL_CREDENTIALS.sub(r"\g<scheme>***@", text)
    if len(text) > 80:
        text = text[:76] + "...'"
    return f"{text} is not allowed: "
