"""Reading the catalog: Backstage's filters, sorting, keyset pages, facets and lookups.

Served entities come back as JSON text (what the HTTP API sends as is); ``parse`` turns
them into dicts for Python callers.
"""

from openchoreo_catalog.catalog.queries.counts import CountCache
from openchoreo_catalog.catalog.queries.cursor import QueryCursor, decode_cursor, encode_cursor
from openchoreo_catalog.catalog.queries.errors import QueryError
from openchoreo_catalog.catalog.queries.facets import counts_by_kind, entity_facets
from openchoreo_catalog.catalog.queries.fields import parse_fields, project
from openchoreo_catalog.catalog.queries.filters import (
    Condition,
    EntityFilter,
    parse_filter_params,
    parse_filter_string,
)
from openchoreo_catalog.catalog.queries.lookup import (
    entities_by_refs,
    entity_by_name,
    entity_by_ref,
    entity_by_uid,
    list_entities,
)
from openchoreo_catalog.catalog.queries.order import (
    OrderField,
    parse_legacy_order,
    parse_order_fields,
)
from openchoreo_catalog.catalog.queries.query import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    QueryRequest,
    QueryResult,
    query_entities,
)
from openchoreo_catalog.catalog.queries.selection import Selection
from openchoreo_catalog.catalog.queries.serve import parse

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "Condition",
    "CountCache",
    "EntityFilter",
    "OrderField",
    "QueryCursor",
    "QueryError",
    "QueryRequest",
    "QueryResult",
    "Selection",
    "counts_by_kind",
    "decode_cursor",
    "encode_cursor",
    "entities_by_refs",
    "entity_by_name",
    "entity_by_ref",
    "entity_by_uid",
    "entity_facets",
    "list_entities",
    "parse",
    "parse_fields",
    "parse_filter_params",
    "parse_filter_string",
    "parse_legacy_order",
    "parse_order_fields",
    "project",
    "query_entities",
]
