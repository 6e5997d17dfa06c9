"""The one error a caller can cause by asking a bad question (an HTTP 400)."""

from __future__ import annotations


class QueryError(ValueError):
    """A filter, order, field list, limit or cursor that cannot be honoured."""
