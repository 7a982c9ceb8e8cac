"""Rules the OpenAPI schema states that the pydantic models alone cannot.

Everything JSON Schema can say about a request goes into the schema, so that a client (and
Schemathesis) can tell a valid request from an invalid one without asking the server. The models
say most of it (``additionalProperties: false``, strict types, ranges, array lengths); this adds
what depends on the server's settings: the largest kernel side is ``CONVSCOPE_MAX_KERNEL_SIZE``.
The few rules JSON Schema cannot express at all (a kernel is a rectangle; a drawing is not empty)
are listed with their reasons in ``tests/schemathesis_baseline.json``.
"""

from __future__ import annotations

from typing import Any

from app.settings import Settings

KERNEL_BODIES = ("ApplyRequest", "ExplainRequest")


def _set_max_items(array_schema: dict[str, Any], side: int) -> None:
    """A kernel's rows: at most `side` rows of at most `side` weights."""
    array_schema["maxItems"] = side
    array_schema["items"]["maxItems"] = side


def _one_of_as_any_of(node: Any) -> None:
    """A union by kind (a layer spec) as anyOf: its branches exclude each other (each names its own
    kinds), so anyOf says the same as oneOf with a discriminator, in the form every JSON Schema tool
    reads alike (Schemathesis mis-read the discriminator and flagged valid layers as invalid)."""
    if isinstance(node, dict):
        if "oneOf" in node and "discriminator" in node:
            node["anyOf"] = node.pop("oneOf")
            node.pop("discriminator")
        for value in node.values():
            _one_of_as_any_of(value)
    elif isinstance(node, list):
        for value in node:
            _one_of_as_any_of(value)


def add_schema_rules(schema: dict[str, Any], settings: Settings) -> None:
    components = schema.get("components", {}).get("schemas", {})
    _one_of_as_any_of(components)
    for name in KERNEL_BODIES:
        kernel = components.get(name, {}).get("properties", {}).get("kernel")
        if kernel is None:
            continue
        for branch in kernel.get("anyOf", [kernel]):
            if branch.get("type") == "array":
                _set_max_items(branch, settings.max_kernel_size)
