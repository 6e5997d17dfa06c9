"""Reading Backstage ``app-config`` style YAML: several files merged, ``${VAR}`` expanded.

Files are merged in order, later ones winning key by key (mappings merge deeply; any other
value, lists included, is replaced whole), as Backstage does with ``--config a --config b``.
Strings may reference the environment as ``${VAR}`` or ``${VAR:-default}``; ``$${`` is a
literal ``${``. A reference to an unset variable without a default is an error naming the
key, because silently using an empty token or URL fails much later and far less clearly.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from openchoreo_catalog.config.errors import ConfigError

_REFERENCE = re.compile(r"\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def load_config_files(paths: Sequence[Path]) -> dict[str, Any]:
    """Read and merge ``paths`` in order; raise :class:`ConfigError` listing every problem."""
    merged: dict[str, Any] = {}
    problems: list[str] = []
    for path in paths:
        try:
            document = _read_yaml(path)
        except ConfigError as error:
            problems.extend(error.problems)
            continue
        merged = merge_config(merged, document)
    if problems:
        raise ConfigError(problems)
    return merged


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"{path}: config file not found"]) from None
    except OSError as error:
        raise ConfigError([f"{path}: cannot read config file ({error.strerror})"]) from None
    except UnicodeDecodeError:
        raise ConfigError([f"{path}: config file is not UTF-8 text"]) from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise ConfigError([f"{path}: invalid YAML{where}: {problem}"]) from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ConfigError(
            [f"{path}: the top level must be a mapping of keys, not a {_kind(document)}"]
        )
    return document


def merge_config(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge two config trees; ``override`` wins, mappings merge, lists replace."""
    result = dict(base)
    for key, value in override.items():
        current = result.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            result[key] = merge_config(current, value)
        else:
            result[key] = value
    return result


def substitute_environment(
    tree: Any, environ: Mapping[str, str] | None = None, *, path: str = ""
) -> Any:
    """Expand ``${VAR}`` / ``${VAR:-default}`` in every string of ``tree``."""
    env = os.environ if environ is None else environ
    problems: list[str] = []
    result = _substitute(tree, env, path, problems)
    if problems:
        raise ConfigError(problems)
    return result


def _substitute(node: Any, env: Mapping[str, str], path: str, problems: list[str]) -> Any:
    if isinstance(node, str):
        return _substitute_string(node, env, path, problems)
    if isinstance(node, Mapping):
        return {
            key: _substitute(value, env, _join(path, str(key)), problems)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_substitute(item, env, f"{path}[{i}]", problems) for i, item in enumerate(node)]
    return node


def _substitute_string(text: str, env: Mapping[str, str], path: str, problems: list[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        escaped, name, default = match.group(1), match.group(2), match.group(3)
        if escaped:
            return match.group(0)[1:]
        value = env.get(name)
        if value is not None and value != "":
            return value
        if default is not None:
            return default
        problems.append(
            f"{path or '<root>'}: environment variable {name} is not set "
            f"(use ${{{name}:-default}} to give a default)"
        )
        return ""

    return _REFERENCE.sub(replace, text)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    return type(value).__name__
