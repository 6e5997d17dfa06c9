"""Component type + its parameter schema → a Backstage scaffolder ``Template``.

A port of the seed's ``CtdToTemplateConverter`` (the fork's version): four parameter
sections (component metadata; the type's own parameters converted from JSON Schema to the
react-jsonschema-form dialect Backstage's scaffolder renders; CI setup only when the type
allows workflows; traits) and one ``openchoreo:component:create`` step whose inputs map
the form's fields. The template lives in the organization's namespace, so two organizations
may define component types of the same name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openchoreo_catalog.providers.openchoreo.translate.common import (
    TranslationContext,
    entity,
    managed_annotations,
    optional,
    text,
)
from openchoreo_catalog.providers.openchoreo.translate.errors import required_str
from openchoreo_catalog.providers.openchoreo.translate.names import original_name_annotation
from openchoreo_catalog.providers.openchoreo.translate.safe import safe_entity_name

TEMPLATE_API_VERSION = "scaffolder.backstage.io/v1beta3"
TEMPLATE_PREFIX = "template-openchoreo-"

JsonSchema = Mapping[str, Any]


def template_name(component_type_name: str) -> str:
    """``web-service`` → ``template-openchoreo-web-service``."""
    return f"{TEMPLATE_PREFIX}{component_type_name}"


def format_title(name: str) -> str:
    """``web-service`` → ``Web Service``."""
    return " ".join(word[:1].upper() + word[1:] for word in name.split("-") if word)


def template_tags(component_type: Mapping[str, Any]) -> list[str]:
    """``openchoreo``, ``component-type``, the name's parts, the workload type, the type's tags."""
    tags = ["openchoreo", "component-type"]
    tags.extend(part for part in str(component_type["name"]).split("-") if part)
    workload_type = component_type.get("workloadType")
    if workload_type:
        lowered = str(workload_type).lower()
        if lowered not in tags:
            tags.append(lowered)
    own = component_type.get("tags")
    if isinstance(own, list):
        tags.extend(str(tag) for tag in own if isinstance(tag, str) and tag)
    return [tag for tag in tags if tag.strip()]


def has_ci_setup(component_type: Mapping[str, Any]) -> bool:
    workflows = component_type.get("allowedWorkflows")
    return isinstance(workflows, list) and len(workflows) > 0


def template_parameters(
    component_type: Mapping[str, Any], schema: JsonSchema | None, organization: str
) -> list[dict[str, Any]]:
    """The form's sections, in the order the scaffolder shows them."""
    sections = [_metadata_section(organization)]
    properties = (schema or {}).get("properties")
    if isinstance(properties, Mapping) and properties:
        title = component_type.get("displayName") or format_title(str(component_type["name"]))
        section: dict[str, Any] = {
            "title": f"{title} Configuration",
            "required": list((schema or {}).get("required") or []),
            "properties": convert_properties(properties),
        }
        dependencies = convert_dependencies((schema or {}).get("dependencies"))
        if dependencies:
            section["dependencies"] = dependencies
        sections.append(section)
    if has_ci_setup(component_type):
        sections.append(_ci_setup_section(component_type, organization))
    sections.append(_traits_section(organization))
    return sections


def template_steps(
    component_type: Mapping[str, Any], schema: JsonSchema | None
) -> list[dict[str, Any]]:
    """One ``openchoreo:component:create`` step mapping the form's fields to its inputs."""
    step_input: dict[str, Any] = {
        "orgName": "${{ parameters.organization_name }}",
        "projectName": "${{ parameters.project_name }}",
        "componentName": "${{ parameters.component_name }}",
        "displayName": "${{ parameters.displayName }}",
        "description": "${{ parameters.description }}",
        "componentType": component_type["name"],
        "component_type_workload_type": component_type.get("workloadType"),
    }
    properties = (schema or {}).get("properties")
    if isinstance(properties, Mapping):
        for parameter in properties:
            step_input[str(parameter)] = f"${{{{ parameters.{parameter} }}}}"
    step_input["traits"] = "${{ parameters.traits }}"
    step_input["componentTypeParameters"] = "${{ parameters }}"
    if has_ci_setup(component_type):
        step_input["autoDeploy"] = "${{ parameters.autoDeploy }}"
        step_input["useBuiltInCI"] = "${{ parameters.useBuiltInCI }}"
        step_input["workflow_name"] = "${{ parameters.workflow_name }}"
        step_input["workflow_parameters"] = "${{ parameters.workflow_parameters }}"
    else:
        step_input["useBuiltInCI"] = False
        step_input["autoDeploy"] = False
    return [
        {
            "id": "create-component",
            "name": "Create OpenChoreo Component",
            "action": "openchoreo:component:create",
            "input": step_input,
        }
    ]


def _metadata_section(organization: str) -> dict[str, Any]:
    return {
        "title": "Component Metadata",
        "required": ["organization_name", "project_name", "component_name"],
        "properties": {
            "component_name": {
                "title": "Component Name",
                "type": "string",
                "description": "Unique name for your component",
                "ui:field": "EntityNamePicker",
            },
            "displayName": {
                "title": "Display Name",
                "type": "string",
                "description": "Human-readable display name",
            },
            "description": {
                "title": "Description",
                "type": "string",
                "description": "Brief description of what this component does",
            },
            "organization_name": {
                "title": "Organization",
                "type": "string",
                "description": "The organization where this component will be created",
                "default": organization,
                "ui:disabled": True,
                "ui:help": "Organization is determined by the component type and cannot be changed",
            },
            "project_name": {
                "title": "Project",
                "type": "string",
                "description": "Select the project",
                "ui:field": "EntityPicker",
                "ui:options": {"catalogFilter": [{"kind": "System"}]},
            },
        },
    }


def _ci_setup_section(component_type: Mapping[str, Any], organization: str) -> dict[str, Any]:
    workflow_name: dict[str, Any] = {
        "title": "Build Workflow",
        "type": "string",
        "description": "Select the build workflow to use for this component",
        "ui:field": "BuildWorkflowPicker",
        "ui:options": {"organizationName": organization},
        "enum": list(component_type["allowedWorkflows"]),
    }
    return {
        "title": "CI Setup",
        "required": ["useBuiltInCI"],
        "properties": {
            "autoDeploy": {
                "title": "Auto Deploy",
                "description": "Deploy automatically to the first environment after each build",
                "type": "boolean",
                "default": False,
                "ui:field": "SwitchField",
            },
            "useBuiltInCI": {
                "title": "Use Built-in CI in OpenChoreo",
                "description": (
                    "OpenChoreo provides built-in CI capabilities for building components. "
                    "Enable this to use the built-in CI."
                ),
                "type": "boolean",
                "default": True,
                "ui:widget": "radio",
            },
        },
        "dependencies": {
            "useBuiltInCI": {
                "allOf": [
                    {
                        "if": {"properties": {"useBuiltInCI": {"const": True}}},
                        "then": {
                            "properties": {
                                "useBuiltInCI": {"const": True},
                                "workflow_name": workflow_name,
                                "workflow_parameters": {
                                    "title": "Workflow Parameters",
                                    "type": "object",
                                    "ui:field": "BuildWorkflowParameters",
                                },
                            },
                            "required": ["workflow_name", "workflow_parameters"],
                        },
                    },
                    {
                        "if": {"properties": {"useBuiltInCI": {"const": False}}},
                        "then": {
                            "properties": {
                                "useBuiltInCI": {"const": False},
                                "external_ci_note": {
                                    "type": "null",
                                    "ui:widget": "markdown",
                                    "description": (
                                        "## Configure your CI\n\nThis section contains details "
                                        "for configuring your CI pipeline to notify OpenChoreo "
                                        "for each build."
                                    ),
                                },
                            }
                        },
                    },
                ]
            }
        },
    }


def _traits_section(organization: str) -> dict[str, Any]:
    return {
        "title": "Addons",
        "description": "Add optional addons or traits to extend your component",
        "properties": {
            "traits": {
                "title": "Component Traits",
                "type": "array",
                "description": (
                    "Select and configure traits for your component. You can add multiple traits."
                ),
                "ui:field": "TraitsField",
                "ui:options": {"organizationName": organization},
            }
        },
    }


def convert_properties(properties: Mapping[str, Any]) -> dict[str, Any]:
    """JSON Schema ``properties`` → the scaffolder's form properties (boolean schemas dropped)."""
    return {
        str(key): convert_property(value)
        for key, value in properties.items()
        if isinstance(value, Mapping)
    }


def convert_property(schema: Mapping[str, Any]) -> dict[str, Any]:
    """One JSON Schema property, keeping what the form understands and adding UI hints."""
    kind = schema.get("type")
    converted: dict[str, Any] = {"type": kind}
    for key in ("title", "description"):
        if schema.get(key):
            converted[key] = schema[key]
    if "default" in schema:
        converted["default"] = schema["default"]
    if "enum" in schema:
        converted["enum"] = schema["enum"]
    if kind == "string":
        _copy(schema, converted, ("pattern", "minLength", "maxLength", "format"))
    elif kind in ("number", "integer"):
        _copy(schema, converted, ("minimum", "maximum", "multipleOf"))
    elif kind == "array":
        items = schema.get("items")
        if isinstance(items, list):
            converted["items"] = [_convert_definition(item) for item in items]
        elif items is not None:
            converted["items"] = _convert_definition(items)
        _copy(schema, converted, ("minItems", "maxItems", "uniqueItems"))
    elif kind == "object":
        properties = schema.get("properties")
        if isinstance(properties, Mapping):
            converted["properties"] = convert_properties(properties)
        additional = schema.get("additionalProperties")
        if additional is not None:
            converted["additionalProperties"] = _convert_definition(additional)
        if schema.get("required"):
            converted["required"] = schema["required"]
    _add_ui_hints(converted, schema)
    return converted


def _copy(source: Mapping[str, Any], target: dict[str, Any], keys: tuple[str, ...]) -> None:
    for key in keys:
        if source.get(key) is not None:
            target[key] = source[key]


def _convert_definition(definition: Any) -> Any:
    if isinstance(definition, Mapping):
        return convert_property(definition)
    return definition


def _add_ui_hints(converted: dict[str, Any], schema: Mapping[str, Any]) -> None:
    kind = schema.get("type")
    if kind == "boolean":
        converted["ui:widget"] = "radio"
    elif kind == "string":
        fmt = schema.get("format")
        if fmt == "email":
            converted["ui:help"] = "Enter a valid email address"
        elif fmt in ("uri", "hostname"):
            converted["ui:help"] = "Enter a valid URL"
        elif fmt == "date":
            converted["ui:widget"] = "date"
        elif fmt == "date-time":
            converted["ui:widget"] = "datetime"
        max_length = schema.get("maxLength")
        if isinstance(max_length, int) and max_length > 100:
            converted["ui:widget"] = "textarea"
    elif kind == "array":
        converted["ui:options"] = {"orderable": True, "addable": True, "removable": True}


def convert_dependencies(dependencies: Any) -> dict[str, Any] | None:
    """JSON Schema ``dependencies`` → the form's, wrapping schema dependencies in ``allOf``.

    The scaffolder shows and hides conditional fields correctly only when a schema
    dependency's root is an ``allOf``.
    """
    if not isinstance(dependencies, Mapping):
        return None
    converted: dict[str, Any] = {}
    for key, dependency in dependencies.items():
        if isinstance(dependency, list):
            converted[str(key)] = dependency
        elif isinstance(dependency, Mapping):
            schema = _convert_schema_object(dependency)
            converted[str(key)] = schema if "allOf" in schema else {"allOf": [schema]}
    return converted or None


def _convert_schema_object(schema: Mapping[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {}
    properties = schema.get("properties")
    if isinstance(properties, Mapping):
        converted["properties"] = convert_properties(properties)
    if schema.get("required"):
        converted["required"] = schema["required"]
    if "if" in schema:
        converted["if"] = schema["if"]
    for branch in ("then", "else"):
        if branch in schema:
            value = schema[branch]
            converted[branch] = (
                _convert_schema_object(value) if isinstance(value, Mapping) else value
            )
    if isinstance(schema.get("allOf"), list):
        converted["allOf"] = [
            _convert_schema_object(part) if isinstance(part, Mapping) else part
            for part in schema["allOf"]
        ]
    return converted


def template_entity(
    component_type: Mapping[str, Any],
    schema: JsonSchema | None,
    org_name: str,
    context: TranslationContext,
) -> dict[str, Any]:
    """The Template for one component type of ``org_name``, in the organization's namespace."""
    raw = required_str(component_type, "name", "component type")
    required_str(component_type, "workloadType", "component type")
    name = safe_entity_name(template_name(raw), "component type")
    display_name = component_type.get("displayName")
    title = text(display_name, format_title(raw))
    annotations = managed_annotations(context)
    annotations["openchoreo.io/ctd-name"] = raw
    annotations["openchoreo.io/ctd-generated"] = "true"
    annotations["openchoreo.io/organization"] = org_name
    optional(annotations, "openchoreo.io/ctd-display-name", display_name)
    annotations.update(original_name_annotation(template_name(raw), name))
    return entity(
        "Template",
        api_version=TEMPLATE_API_VERSION,
        name=name,
        namespace=safe_entity_name(org_name, "organization"),
        title=title,
        description=text(component_type.get("description"), f"Create a {title} component"),
        annotations=annotations,
        tag_values=template_tags(component_type),
        spec={
            "owner": context.default_owner,
            "type": "Component Type",
            "parameters": template_parameters(component_type, schema, org_name),
            "steps": template_steps(component_type, schema),
        },
    )
