"""The one exception configuration problems surface as."""

from __future__ import annotations


class ConfigError(Exception):
    """Configuration is missing, unreadable or invalid.

    ``problems`` holds one human-readable line per problem, each naming the key path, so
    the CLI can print them all at once and exit with status 2 instead of a traceback.
    Messages never contain secret values.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))
