"""The catalog: Backstage's entity model stored in SQL, written by providers, read by the API.

* :mod:`~openchoreo_catalog.catalog.refs` — entity refs: parse, stringify, normalize, uid.
* :mod:`~openchoreo_catalog.catalog.validation` — Backstage's field rules.
* :mod:`~openchoreo_catalog.catalog.relations` — relations derived from spec.
* :mod:`~openchoreo_catalog.catalog.search` — the flattened search index.
* :class:`CatalogStore` — ``apply_mutation(provider, Delta | Full)`` and the queries.
"""

from openchoreo_catalog.catalog.mutations import Delta, Full, Mutation, MutationResult, Rejection
from openchoreo_catalog.catalog.plan import Plan
from openchoreo_catalog.catalog.refs import (
    DEFAULT_NAMESPACE,
    EntityRef,
    InvalidRef,
    entity_ref,
    entity_uid,
    normalize_ref,
    parse_ref,
    stringify_ref,
)
from openchoreo_catalog.catalog.relations import INVERSE, Relation, derive_relations
from openchoreo_catalog.catalog.store import CatalogStore
from openchoreo_catalog.catalog.validation import InvalidEntity, validate_entity

__all__ = [
    "DEFAULT_NAMESPACE",
    "INVERSE",
    "CatalogStore",
    "Delta",
    "EntityRef",
    "Full",
    "InvalidEntity",
    "InvalidRef",
    "Mutation",
    "MutationResult",
    "Plan",
    "Rejection",
    "Relation",
    "derive_relations",
    "entity_ref",
    "entity_uid",
    "normalize_ref",
    "parse_ref",
    "stringify_ref",
    "validate_entity",
]
