"""Reading a component's ``type``: new style ``workloadType/componentTypeName`` or legacy.

The seed tested ``type === 'Service'`` and so found no services on a real server; the rules
here follow the design notes.
"""

from __future__ import annotations

WEB_APP_TYPES = frozenset({"web-app", "webapp", "frontend"})
SERVICE_WORKLOADS = frozenset({"deployment", "statefulset"})
LEGACY_SPEC_TYPES = {"webapplication": "website"}


def split_type(raw: str) -> tuple[str | None, str]:
    """``deployment/service`` → (``deployment``, ``service``); ``Service`` → (None, ``Service``)."""
    workload, slash, component_type = raw.partition("/")
    if slash:
        return workload, component_type
    return None, raw


def is_service(raw: str) -> bool:
    """A service: deployment/statefulset workload that is not a web app, or legacy ``Service``."""
    workload, component_type = split_type(raw)
    if workload is None:
        return component_type == "Service"
    return workload.lower() in SERVICE_WORKLOADS and component_type.lower() not in WEB_APP_TYPES


def spec_type(raw: str) -> str:
    """The Component's ``spec.type``: the component-type part, legacy types mapped/lower-cased."""
    workload, component_type = split_type(raw)
    if workload is None:
        lowered = component_type.lower()
        return LEGACY_SPEC_TYPES.get(lowered, lowered)
    return component_type.lower() or "unknown"


def type_tags(raw: str) -> list[str]:
    """The type's parts as tags: ``deployment/service`` → ``deployment``, ``service``."""
    return [part.lower() for part in raw.split("/") if part]
