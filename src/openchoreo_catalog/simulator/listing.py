"""Serving one page of a list the way the real server does, faults included.

Order of checks follows the Go handlers: the ``limit`` parameter (400), then the parents
(404, done by the caller), then the continue token (400 malformed, 410 expired). Every page
of a listing reads the first page's resource version; the token carries it.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

from openchoreo_catalog.simulator import tokens
from openchoreo_catalog.simulator.collection import Collection, StaticSeq
from openchoreo_catalog.simulator.errors import invalid_input, invalid_token
from openchoreo_catalog.simulator.faults import FaultRule
from openchoreo_catalog.simulator.names import unit
from openchoreo_catalog.simulator.world import DETAIL_KEYS, World

DEFAULT_LIMIT = 100
MAX_LIMIT = 512
MIN_LIMIT = 1

Item = dict[str, Any]


def parse_limit(query: dict[str, str]) -> int:
    """``limit`` as the Go ``extractListParams`` reads it."""
    text = query.get("limit", "")
    if text == "":
        return DEFAULT_LIMIT
    try:
        limit = int(text, 10)
    except ValueError:
        raise invalid_input("limit must be a valid integer") from None
    if limit < MIN_LIMIT:
        raise invalid_input(f"limit {limit} out of range [{MIN_LIMIT}, {MAX_LIMIT}]")
    return min(limit, MAX_LIMIT)


@dataclass
class ListContext:
    world: World
    path: str
    query: dict[str, str]
    faults: dict[str, FaultRule]
    limit: int
    rng: random.Random


def serve(ctx: ListContext, collection: Collection, *, strip_detail: bool = False) -> Item:
    """``data`` of one list page: ``{"items": [...], "metadata": {...}}``."""
    world = ctx.world
    token = ctx.query.get("continue") or None
    listing = tokens.listing_key(ctx.path)
    if token is None:
        position = tokens.Position(
            rv=world.rv,
            after="",
            taken=time.time(),
            generation=world.token_generation,
            listing=listing,
            page=0,
        )
        after: str | None = None
    else:
        position = tokens.decode(token, path=ctx.path)
        tokens.check_fresh(
            position,
            now=time.time(),
            ttl=world.config.token_ttl,
            generation=world.token_generation,
        )
        after = position.after
    limit = ctx.limit
    faults = ctx.faults
    if "empty" in faults and collection.page(position.rv, after, 1).items:
        next_position = _advance(position, position.after)
        return _data([], position.rv, tokens.encode(next_position), ctx)
    if "short" in faults and limit > 1:
        limit = ctx.rng.randint(1, limit - 1)
    page = collection.page(position.rv, after, limit)
    items = page.items
    if strip_detail:
        items = [_without_detail(item) if "workload" in item else item for item in items]
    if "hide" in faults:
        share = float(faults["hide"].params.get("fraction", 0.5))
        items = [i for i in items if unit(world.seed, "hide", i["name"]) >= share]
    next_token = None
    if page.more:
        next_token = tokens.encode(_advance(position, page.last or ""))
    if "stall" in faults and token is not None:
        next_token = token
    return _data(items, position.rv, next_token, ctx)


def serve_bindings(ctx: ListContext, bindings: list[Item]) -> Item:
    """Bindings: a cursor ``env:<environment>`` of their own, and an empty resource version."""
    cursor = ctx.query.get("continue") or None
    after = None
    if cursor is not None:
        if not cursor.startswith("env:") or len(cursor) == 4:
            raise invalid_token()
        after = cursor[4:]
    by_env = StaticSeq([{**b, "name": b["environment"], "_name": b["name"]} for b in bindings])
    page = Collection(by_env).page(1, after, ctx.limit)
    items = [
        {**{k: v for k, v in i.items() if k != "_name"}, "name": i["_name"]} for i in page.items
    ]
    next_cursor = f"env:{page.last}" if page.more else None
    if "stall" in ctx.faults and cursor is not None:
        next_cursor = cursor
    data = _data(items, 0, next_cursor, ctx)
    data["metadata"]["resourceVersion"] = ""
    return data


def _advance(position: tokens.Position, after: str) -> tokens.Position:
    return tokens.Position(
        rv=position.rv,
        after=after,
        taken=position.taken,
        generation=position.generation,
        listing=position.listing,
        page=position.page + 1,
    )


def _data(items: list[Item], rv: int, next_token: str | None, ctx: ListContext) -> Item:
    metadata: Item = {"resourceVersion": str(rv)}
    if next_token:
        metadata["continue"] = next_token
    elif "empty_continue" in ctx.faults:
        metadata["continue"] = ""
    metadata["hasMore"] = bool(next_token) or "has_more_no_token" in ctx.faults
    return {"items": items, "metadata": metadata}


def _without_detail(item: Item) -> Item:
    return {k: v for k, v in item.items() if k not in DETAIL_KEYS}
