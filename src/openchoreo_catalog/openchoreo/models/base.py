"""The base of every response model: camelCase on the wire, unknown fields kept, frozen.

Unknown fields are tolerated (newer servers add fields) and kept in ``model_extra``; the
fields the server always sends are required, so a response missing one fails loudly as a
protocol error instead of turning into ``None`` somewhere downstream. Timestamps stay the
strings the server sent (RFC 3339), so translations copy them verbatim.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class ApiModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        frozen=True,
        protected_namespaces=(),
    )
