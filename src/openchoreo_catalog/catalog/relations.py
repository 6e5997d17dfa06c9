"""Relations derived from an entity's spec, as Backstage's built-in processors derive them.

Each rule maps a spec field holding entity references to a relation type. A relative ref
resolves in the entity's own namespace, and a ref without a kind gets the rule's default
kind (``spec.owner: team-a`` → ``group:<namespace>/team-a``). The catalog stores the
relations an entity declares; each has an inverse (``ownedBy`` ↔ ``ownerOf``) that the
*target* entity is served with, so a Group lists what it owns without declaring it.

Beyond Backstage's kinds, OpenChoreo's:

* ``Environment``: ``spec.dataPlaneRef`` → ``hostedOn`` ``dataplane:<namespace>/<ref>``
  (its Dataplane ``hosts`` it); ``spec.domain`` → ``partOf`` Domain.
* ``Dataplane``: ``spec.domain`` → ``partOf`` Domain.
* ``DeploymentPipeline``: ``spec.projectRef`` → ``pipelineUsedBy`` the project's System, so the
  System is served ``usesPipeline`` → the pipeline. A System may also declare it itself
  with ``spec.deploymentPipelineRef`` (→ ``usesPipeline``); either way both sides see it.

``spec.owner`` → ``ownedBy`` applies to every kind that has it (Backstage limits it to its
own kinds; a custom kind with an owner is better served with the relation than without).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from openchoreo_catalog.catalog.refs import InvalidRef, parse_ref
from openchoreo_catalog.catalog.validation import InvalidEntity

MAX_REF_LENGTH = 255

INVERSE: dict[str, str] = {}
for _a, _b in (
    ("ownedBy", "ownerOf"),
    ("partOf", "hasPart"),
    ("providesApi", "apiProvidedBy"),
    ("consumesApi", "apiConsumedBy"),
    ("dependsOn", "dependencyOf"),
    ("hostedOn", "hosts"),
    ("usesPipeline", "pipelineUsedBy"),
    ("childOf", "parentOf"),
    ("memberOf", "hasMember"),
):
    INVERSE[_a] = _b
    INVERSE[_b] = _a

RELATION_TYPES: dict[str, str] = {name.lower(): name for name in INVERSE}
"""Lower-case name → canonical name, for filters such as ``relations.ownedby=…``."""


@dataclass(frozen=True, slots=True)
class Relation:
    """``type`` from the declaring entity to ``target_ref`` (canonical, lower-case)."""

    type: str
    target_ref: str


@dataclass(frozen=True, slots=True)
class Rule:
    field: str
    type: str
    default_kind: str | None


_OWNER = Rule("owner", "ownedBy", "group")
_SYSTEM = Rule("system", "partOf", "system")
_DOMAIN = Rule("domain", "partOf", "domain")
_DEPENDS_ON = Rule("dependsOn", "dependsOn", None)
_DEPENDENCY_OF = Rule("dependencyOf", "dependencyOf", None)

RULES: dict[str, tuple[Rule, ...]] = {
    "component": (
        _OWNER,
        _SYSTEM,
        Rule("subcomponentOf", "partOf", "component"),
        Rule("providesApis", "providesApi", "api"),
        Rule("consumesApis", "consumesApi", "api"),
        _DEPENDS_ON,
        _DEPENDENCY_OF,
    ),
    "api": (_OWNER, _SYSTEM),
    "resource": (_OWNER, _SYSTEM, _DEPENDS_ON, _DEPENDENCY_OF),
    "system": (
        _OWNER,
        _DOMAIN,
        Rule("deploymentPipelineRef", "usesPipeline", "deploymentpipeline"),
    ),
    "domain": (_OWNER, Rule("subdomainOf", "partOf", "domain")),
    "group": (
        Rule("parent", "childOf", "group"),
        Rule("children", "parentOf", "group"),
        Rule("members", "hasMember", "user"),
    ),
    "user": (Rule("memberOf", "memberOf", "group"),),
    "location": (),
    "environment": (_OWNER, _DOMAIN, Rule("dataPlaneRef", "hostedOn", "dataplane")),
    "dataplane": (_OWNER, _DOMAIN),
    "deploymentpipeline": (_OWNER, Rule("projectRef", "pipelineUsedBy", "system")),
}
_DEFAULT_RULES = (_OWNER,)


def derive_relations(entity: Mapping[str, Any]) -> list[Relation]:
    """The relations ``entity`` declares, de-duplicated, in rule order.

    Raises :class:`InvalidEntity` naming the spec field when a reference is malformed.
    """
    spec = entity.get("spec")
    if not isinstance(spec, Mapping):
        return []
    namespace = entity["metadata"]["namespace"]
    found: dict[tuple[str, str], Relation] = {}
    for rule in RULES.get(str(entity["kind"]).lower(), _DEFAULT_RULES):
        value = spec.get(rule.field)
        if value is None:
            continue
        targets = value if isinstance(value, list) else [value]
        for index, target in enumerate(targets):
            field = f"spec.{rule.field}" + (f".{index}" if isinstance(value, list) else "")
            ref = _resolve(field, target, rule, namespace)
            found.setdefault((rule.type, ref), Relation(rule.type, ref))
    return list(found.values())


def _resolve(field: str, target: object, rule: Rule, namespace: str) -> str:
    if not isinstance(target, str):
        raise InvalidEntity(field, "must be an entity reference string")
    try:
        ref = _resolved_ref(target, rule.default_kind, namespace)
    except InvalidRef as error:
        raise InvalidEntity(field, str(error)) from None
    if len(ref) > MAX_REF_LENGTH:
        raise InvalidEntity(field, f"entity reference longer than {MAX_REF_LENGTH} characters")
    return ref


@lru_cache(maxsize=4_096)
def _resolved_ref(target: str, default_kind: str | None, namespace: str) -> str:
    """Owners, systems and domains recur on every entity of a namespace: resolve each once.

    Bounded small and least-recently-used on purpose: most other targets (an API a component
    provides) occur once, and a cache that kept them grew the process by ~30 MiB over a
    cycle's first few hundred thousand entities before it filled.
    """
    return str(parse_ref(target, default_kind=default_kind, default_namespace=namespace))
