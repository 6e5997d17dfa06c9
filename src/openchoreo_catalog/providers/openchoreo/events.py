"""Events: an organization, project or component changed; bring the catalog up to date now.

Topics and payload (HTTP ingress ``POST /api/events/http/{topic}``)::

    openchoreo.organization  {"action": "created"|"updated"|"deleted", "organization": "acme"}
    openchoreo.project       {..., "organization": "acme", "project": "web"}
    openchoreo.component     {..., "organization": "acme", "project": "web", "component": "api"}

The action is a hint, the API is the truth: the handler fetches the object the event names.
If it exists (created, updated — or "deleted" but still there) the delta adds its entities as
a cycle would produce them (same translation, same details policy) and removes what the
catalog holds for it that no longer exists (an endpoint dropped, say); if it is gone (a 404,
whatever the action said) the delta removes it and its subtree, found through the injected
:class:`EntityRefLookup`. What each object brings:

* component: its Component and, for a service, its APIs;
* project: its System, its pipeline, and its components with their APIs;
* organization: its Domain, environments, dataplanes, templates, Systems and pipelines (its
  components come with their own events or the next cycle); removals cover the
  organization-level lists it re-read (environments, dataplanes, templates).

A payload that is not as above raises :class:`MalformedEvent` (the HTTP layer answers 400).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openchoreo_catalog.config import OpenChoreoSettings
from openchoreo_catalog.ingestion.protocol import IGNORED, EventDelta, Ignored
from openchoreo_catalog.openchoreo import OpenChoreoClient, OpenChoreoNotFound
from openchoreo_catalog.providers.openchoreo import source as api
from openchoreo_catalog.providers.openchoreo.assemble import Assembler
from openchoreo_catalog.providers.openchoreo.cursor import Cursor
from openchoreo_catalog.providers.openchoreo.emit import usable_name
from openchoreo_catalog.providers.openchoreo.lookup import EntityRefLookup
from openchoreo_catalog.providers.openchoreo.refs import entity_ref, ref
from openchoreo_catalog.providers.openchoreo.source import Source, walk_raw
from openchoreo_catalog.providers.openchoreo.translate.common import (
    DOMAIN_NAMESPACE,
    TranslationContext,
)
from openchoreo_catalog.providers.openchoreo.translate.names import UnusableName, entity_name
from openchoreo_catalog.providers.openchoreo.walker import Batch, Work
from openchoreo_catalog.providers.openchoreo.window import Window

log = logging.getLogger(__name__)

ORGANIZATION_TOPIC = "openchoreo.organization"
PROJECT_TOPIC = "openchoreo.project"
COMPONENT_TOPIC = "openchoreo.component"
TOPICS = (ORGANIZATION_TOPIC, PROJECT_TOPIC, COMPONENT_TOPIC)
ACTIONS = frozenset({"created", "updated", "deleted"})

_SUBTREE_KINDS = {
    ORGANIZATION_TOPIC: None,  # everything
    PROJECT_TOPIC: frozenset({"system", "component", "api"}),
    COMPONENT_TOPIC: frozenset({"component", "api"}),
}
_ORG_LEVEL_KINDS = frozenset({"environment", "dataplane", "template"})


class MalformedEvent(ValueError):
    """The event's payload is not what its topic requires; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class EventTarget:
    action: str
    organization: str
    project: str | None = None
    component: str | None = None


def parse_event(topic: str, payload: Any) -> EventTarget:
    """The object an event names, or :class:`MalformedEvent`."""
    if not isinstance(payload, Mapping):
        raise MalformedEvent(f"{topic}: the payload must be a JSON object")
    action = payload.get("action")
    if action not in ACTIONS:
        raise MalformedEvent(f"{topic}: 'action' must be one of created, updated, deleted")
    needed = ["organization"]
    if topic in (PROJECT_TOPIC, COMPONENT_TOPIC):
        needed.append("project")
    if topic == COMPONENT_TOPIC:
        needed.append("component")
    values: dict[str, str] = {}
    for key in needed:
        value = payload.get(key)
        if not isinstance(value, str) or not value.strip():
            raise MalformedEvent(f"{topic}: {key!r} must be a non-empty string")
        try:
            entity_name(value)
        except UnusableName:
            raise MalformedEvent(f"{topic}: {key!r} is not a name OpenChoreo could have") from None
        values[key] = value
    return EventTarget(
        str(action), values["organization"], values.get("project"), values.get("component")
    )


class OpenChoreoEventHandler:
    """Turns events into :class:`EventDelta` s (see the module docstring)."""

    def __init__(
        self,
        settings: OpenChoreoSettings,
        translation: TranslationContext,
        client_factory: Callable[[], OpenChoreoClient],
        lookup: EntityRefLookup | None,
    ) -> None:
        self._settings = settings
        self._translation = translation
        self._client_factory = client_factory
        self._lookup = lookup
        self._client: OpenChoreoClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def topics(self) -> Sequence[str]:
        return TOPICS

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    def _source(self) -> Source:
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            self._client, self._loop = self._client_factory(), loop
        incremental = self._settings.incremental
        window = Window(incremental.max_concurrent_requests)
        return Source(self._client, window, incremental.page_size)

    async def on_event(self, topic: str, payload: Mapping[str, Any]) -> Ignored | EventDelta:
        if topic not in TOPICS:
            return IGNORED
        target = parse_event(topic, payload)
        source = self._source()
        try:
            batches = await self._read(topic, target, source)
        except OpenChoreoNotFound as error:
            if error.code not in api.GONE_CODES:
                raise
            batches = None
        if batches is None:
            return await self._removal(topic, target)
        assembler = Assembler(source, self._translation, self._details_mode)
        pending = assembler.start(Work(cursor=Cursor(), batches=batches, done=True))
        page = await pending.result(self._translation)
        for note in page.notes:
            log.warning("event %s %s: %s", topic, target, note)
        added = list(page.entities)
        kept = {entity_ref(entity) for entity in added}
        removed = [r for r in await self._existing(topic, target) if r not in kept]
        return EventDelta(added=added, removed=removed)

    @property
    def _details_mode(self) -> str:
        return self._settings.incremental.fetch_component_details

    async def _read(self, topic: str, target: EventTarget, source: Source) -> list[Batch] | None:
        """The raw items the object brings, or ``None`` when it is gone."""
        org = target.organization
        if topic == COMPONENT_TOPIC:
            assert target.project is not None
            assert target.component is not None
            item = await source.component(org, target.project, target.component)
            return [Batch("components", org, target.project, [item])]
        if topic == PROJECT_TOPIC:
            assert target.project is not None
            project = await source.project(org, target.project)
            params = {"orgName": org, "projectName": target.project}
            components = await walk_raw(source, api.COMPONENTS, params)
            return [
                Batch("projects", org, None, [project]),
                Batch("components", org, target.project, components),
            ]
        organization = await source.org(org)
        batches = [Batch("orgs", None, None, [organization])]
        for kind in ("environments", "dataplanes", "componentTypes"):
            items = await walk_raw(source, api.ORG_LISTS[kind], {"orgName": org})
            batches.append(Batch(kind, org, None, items))
        projects = await walk_raw(source, api.PROJECTS, {"orgName": org})
        batches.append(Batch("projects", org, None, projects))
        return batches

    async def _existing(self, topic: str, target: EventTarget) -> list[str]:
        """Refs the catalog holds that this event's re-read may have made stale."""
        if self._lookup is None:
            return []
        if topic == ORGANIZATION_TOPIC:
            refs = await self._lookup.refs_in(target.organization)
            return [r for r in refs if _kind(r) in _ORG_LEVEL_KINDS]
        refs = await self._lookup.refs_in(target.organization, target.project, target.component)
        kinds = _SUBTREE_KINDS[topic]
        return [r for r in refs if kinds is None or _kind(r) in kinds]

    async def _removal(self, topic: str, target: EventTarget) -> EventDelta:
        """The object is gone: remove it and its subtree."""
        namespace = entity_name(target.organization)
        own: list[str]
        if topic == ORGANIZATION_TOPIC:
            own = [ref("domain", DOMAIN_NAMESPACE, namespace)]
        elif topic == PROJECT_TOPIC:
            assert target.project is not None
            own = [ref("system", namespace, entity_name(target.project))]
        else:
            assert target.component is not None
            own = [ref("component", namespace, entity_name(target.component))]
        refs = list(own)
        if self._lookup is not None:
            found = await self._lookup.refs_in(
                target.organization, target.project, target.component
            )
            kinds = _SUBTREE_KINDS[topic]
            refs.extend(r for r in found if (kinds is None or _kind(r) in kinds) and r not in own)
        return EventDelta(removed=refs)


def _kind(entity_ref_text: str) -> str:
    return entity_ref_text.partition(":")[0].lower()


__all__ = [
    "ACTIONS",
    "COMPONENT_TOPIC",
    "ORGANIZATION_TOPIC",
    "PROJECT_TOPIC",
    "TOPICS",
    "EventTarget",
    "MalformedEvent",
    "OpenChoreoEventHandler",
    "parse_event",
    "usable_name",
]
