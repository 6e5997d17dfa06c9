"""``CatalogStore``: the catalog's writes (mutations from providers) and its queries.

``apply_mutation(provider, Delta(...) | Full(...))`` is transactional and idempotent:

* an entity whose content hash equals the stored one is not rewritten;
* a ref stored for another provider is rejected, never taken over;
* an invalid entity is rejected with the field at fault; the rest of the batch applies.

Pass ``conn=`` to run inside a transaction you hold (no commit here, no retry: the owner of
the transaction decides) — the ingestion engine commits a page's mark, its bookkeeping and
its catalog mutation together that way. Without it, the store runs its own transaction and
retries it whole on transient failures.

Validation, hashing and flattening are CPU work done before any SQL. ``prepare(mutation)``
does it ahead of time and ``apply_mutation`` accepts the result: a caller can prepare the
next page while the database (in its own thread, for SQLite) writes the current one.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Sequence

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.catalog import queries
from openchoreo_catalog.catalog.mutations import Mutation, MutationResult, Rejection
from openchoreo_catalog.catalog.plan import Plan, plan_mutation
from openchoreo_catalog.catalog.prepare import PreparedEntity
from openchoreo_catalog.catalog.queries import (
    CountCache,
    OrderField,
    QueryRequest,
    QueryResult,
    Selection,
)
from openchoreo_catalog.catalog.writes import Stored, Writer
from openchoreo_catalog.db import Database, DatabaseError
from openchoreo_catalog.db.errors import wrap
from openchoreo_catalog.db.tables.catalog import entities

logger = logging.getLogger(__name__)

_SWEEP_BATCH = 5_000
_ANALYZE_MIN = 2_000


class CatalogStore:
    """The catalog held in ``db``: mutations from providers, and the read queries."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.counts = CountCache()
        self._written_since_analyze = 0
        self._analyzed_at = 0.0

    # -- reads (see ``catalog.queries``) ---------------------------------------------------

    async def query_entities(self, request: QueryRequest) -> QueryResult:
        """A page of ``/entities/by-query``."""
        return await queries.query_entities(self.db, request, counts=self.counts)

    async def entities_by_refs(
        self,
        refs: Sequence[str],
        *,
        fields: list[str] | None = None,
        selection: Selection | None = None,
    ) -> list[str | None]:
        """Served entities for ``refs`` in order (None for a miss)."""
        return await queries.entities_by_refs(self.db, refs, fields=fields, selection=selection)

    async def entity_by_ref(self, ref: str, *, fields: list[str] | None = None) -> str | None:
        return await queries.entity_by_ref(self.db, ref, fields=fields)

    async def entity_by_uid(self, uid: str, *, fields: list[str] | None = None) -> str | None:
        return await queries.entity_by_uid(self.db, uid, fields=fields)

    def list_entities(
        self,
        *,
        selection: Selection,
        order: Sequence[OrderField] = (),
        limit: int | None = None,
        offset: int = 0,
        fields: list[str] | None = None,
    ) -> AsyncGenerator[str, None]:
        """The legacy ``GET /entities`` listing, streamed."""
        return queries.list_entities(
            self.db, selection=selection, order=order, limit=limit, offset=offset, fields=fields
        )

    async def facets(
        self, facets: Sequence[str], *, selection: Selection | None = None
    ) -> dict[str, list[dict[str, object]]]:
        return await queries.entity_facets(self.db, facets, selection=selection)

    async def counts_by_kind(self) -> dict[str, int]:
        return await queries.counts_by_kind(self.db)

    # -- writes ------------------------------------------------------------------------------

    @staticmethod
    def prepare(mutation: Mutation) -> Plan:
        """Validate and prepare ``mutation`` without touching the database."""
        return plan_mutation(mutation)

    async def apply_mutation(
        self,
        provider: str,
        mutation: Mutation | Plan,
        *,
        conn: AsyncConnection | None = None,
    ) -> MutationResult:
        """Apply ``mutation`` for ``provider``; see the module docstring for the rules."""
        if not provider or len(provider) > 255:
            raise ValueError("a provider name is 1 to 255 characters")
        plan = mutation if isinstance(mutation, Plan) else plan_mutation(mutation)
        operation = f"apply mutation for provider {provider}"
        if conn is None:
            result = await self.db.run(
                lambda c: self._apply(c, provider, plan), operation=operation
            )
        else:
            try:
                result = await self._apply(conn, provider, plan)
            except DatabaseError:
                raise
            except Exception as error:
                if _is_database_error(error):
                    raise wrap(operation, error) from error
                raise
        logger.debug(
            "mutation applied",
            extra={
                "provider": provider,
                "written": result.written,
                "unchanged": result.unchanged,
                "removed": result.removed,
                "rejected": len(result.rejected),
            },
        )
        return result

    async def _apply(self, conn: AsyncConnection, provider: str, plan: Plan) -> MutationResult:
        result = MutationResult(rejected=list(plan.rejected))
        writer = Writer(conn, self.db.dialect, self.db.bind_limit)
        if plan.removed:
            await self._remove_refs(writer, provider, plan.removed, result)
        if plan.prepared:
            await self._write(writer, provider, plan.prepared, result)
        if plan.full:
            keep = {p.ref for p in plan.prepared} | plan.kept_refs
            await self._sweep(writer, provider, keep, result)
        await self._maybe_analyze(conn, result.written)
        return result

    async def _maybe_analyze(self, conn: AsyncConnection, written: int) -> None:
        """Refresh PostgreSQL's statistics when the catalog grew by a quarter since last time.

        Without statistics (a fresh or freshly loaded catalog, before autovacuum gets to it)
        the planner assumes tiny tables and picks nested loops that take seconds at 10,000
        entities. MySQL recomputes InnoDB statistics itself; SQLite's plans here do not
        depend on statistics (see ``queries.selection``).
        """
        if self.db.dialect != "postgresql":
            return
        self._written_since_analyze += written
        if self._written_since_analyze < max(_ANALYZE_MIN, self._analyzed_at * 0.25):
            return
        await conn.execute(text("ANALYZE catalog_entities, catalog_search, catalog_relations"))
        size = await conn.execute(
            text("SELECT reltuples FROM pg_class WHERE relname = 'catalog_entities'")
        )
        self._analyzed_at = float(size.scalar() or 0)
        self._written_since_analyze = 0

    async def _remove_refs(
        self,
        writer: Writer,
        provider: str,
        removed: Sequence[str],
        result: MutationResult,
    ) -> None:
        stored = await writer.stored(removed)
        mine: list[Stored] = []
        for ref in removed:
            row = stored.pop(ref, None)
            if row is None:
                continue  # already gone: removal is idempotent
            if row.provider != provider:
                reason = f"provided by '{row.provider}', so not removed for '{provider}'"
                result.rejected.append(Rejection(ref, reason))
                continue
            mine.append(row)
            result.removed_refs.append(ref)
        await _delete(writer, [row.id for row in mine])
        result.removed += len(mine)

    async def _write(
        self,
        writer: Writer,
        provider: str,
        prepared: Sequence[PreparedEntity],
        result: MutationResult,
    ) -> None:
        stored = await writer.stored([p.ref for p in prepared])
        new = [p for p in prepared if p.ref not in stored]
        if new:
            await writer.insert_entities(provider, new)
            stored.update(await writer.stored([p.ref for p in new]))
        new_refs = {p.ref for p in new}
        fresh: list[tuple[int, PreparedEntity]] = []
        changed: list[tuple[int, PreparedEntity]] = []
        for entity in prepared:
            row = stored.get(entity.ref)
            if row is None:
                raise DatabaseError("apply mutation", f"entity {entity.ref} vanished while written")
            if row.provider != provider:
                reason = f"{entity.ref} is already provided by '{row.provider}'"
                result.rejected.append(Rejection(entity.ref, reason, entity.index))
                continue
            if row.hash == entity.hash:
                if entity.ref in new_refs:
                    fresh.append((row.id, entity))
                else:
                    result.unchanged += 1
            else:
                changed.append((row.id, entity))
            result.accepted_refs.append(entity.ref)
        if changed:
            bodies = await writer.bodies([entity_id for entity_id, _ in changed])
            await writer.replace_index([(i, bodies[i], entity) for i, entity in changed])
            await writer.update_entities(changed)
        await writer.insert_index(fresh)
        result.written += len(fresh) + len(changed)

    async def _sweep(
        self, writer: Writer, provider: str, keep: set[str], result: MutationResult
    ) -> None:
        """Remove the provider's entities not in ``keep``, a batch at a time."""
        after = 0
        while True:
            rows = (
                await writer.conn.execute(
                    select(entities.c.id, entities.c.ref)
                    .where(entities.c.provider == provider, entities.c.id > after)
                    .order_by(entities.c.id)
                    .limit(_SWEEP_BATCH)
                )
            ).all()
            if not rows:
                return
            after = rows[-1].id
            stale = [row for row in rows if row.ref not in keep]
            await _delete(writer, [row.id for row in stale])
            result.removed += len(stale)
            result.removed_refs.extend(row.ref for row in stale)


async def _delete(writer: Writer, ids: Sequence[int]) -> None:
    if not ids:
        return
    bodies = await writer.bodies(ids)
    await writer.delete_index(list(bodies.items()))
    await writer.delete_entities(ids)


def _is_database_error(error: BaseException) -> bool:
    from sqlalchemy.exc import SQLAlchemyError

    return isinstance(error, SQLAlchemyError | OSError)
