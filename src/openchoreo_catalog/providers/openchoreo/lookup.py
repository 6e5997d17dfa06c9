"""What the event handler needs from the catalog, without knowing any SQL.

A deleted organization or project removes its whole subtree, and a changed component may
have lost endpoints: the handler must know which refs the catalog holds under them. The
service implements :class:`EntityRefLookup` with catalog queries on the annotations every
entity of this provider carries (``openchoreo.io/organization``, ``openchoreo.io/project`` —
``openchoreo.io/project-id`` on Systems — and ``openchoreo.io/component``).
"""

from __future__ import annotations

from typing import Protocol


class EntityRefLookup(Protocol):
    async def refs_in(
        self, organization: str, project: str | None = None, component: str | None = None
    ) -> list[str]:
        """Refs (``kind:namespace/name``) of this provider's entities under the given scope.

        * ``refs_in(org)``: every entity whose ``openchoreo.io/organization`` annotation is
          ``org`` (its Domain included);
        * ``refs_in(org, project)``: those whose ``openchoreo.io/project`` or
          ``openchoreo.io/project-id`` annotation is also ``project``;
        * ``refs_in(org, project, component)``: those whose ``openchoreo.io/component``
          annotation is also ``component`` (the Component and its APIs).

        Names are OpenChoreo's own (the annotations keep them even when an entity name had
        to be shortened). The handler filters the kinds it removes itself, so returning a
        shared DeploymentPipeline (annotated with the project it was read through) is fine.
        """
        ...
