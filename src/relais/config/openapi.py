"""The API's OpenAPI document tells every answer an operation can give (issue 25, finding 5).

Every operation may answer with an error `{code, message}` (config/api.py): 400 (malformed
JSON, invalid input: `details` then lists the fields), 401 (no or dead credentials), 403 (a
token's scope, a role, the second factor, CSRF), 404 (not found, or hidden from the viewer's
role); writes also 409 (a conflict with the current state). They are added here to every
operation that does not document them itself, so that a client (and schemathesis in
`scripts/api-fuzz`) can rely on the document.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

ERROR_SCHEMA = "Error"
_ERROR = {
    "title": ERROR_SCHEMA,
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "description": "stable error code, e.g. `not_found`"},
        "message": {"type": "string", "description": "in the reader's language"},
        "details": {"description": "for `invalid_input`: the fields and their problems"},
    },
}
_ANSWERS = {
    400: "Malformed or invalid input",
    401: "Not authenticated, or the token is expired or revoked",
    403: "Not allowed: the token's scope, the role, the second factor or CSRF",
    404: "Not found, or not visible to this role",
}
_WRITE_ANSWERS = {409: "In conflict with the current state"}
_WRITES = {"post", "put", "patch", "delete"}


def errors_documented(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with the error answers added to every operation that lacks them."""
    schema.setdefault("components", {}).setdefault("schemas", {})[ERROR_SCHEMA] = _ERROR
    body = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}}}
    for path in schema.get("paths", {}).values():
        for method, operation in path.items():
            answers = operation.setdefault("responses", {})
            codes = _ANSWERS | (_WRITE_ANSWERS if method in _WRITES else {})
            for status, description in codes.items():
                if status not in answers and str(status) not in answers:  # Ninja's keys: int
                    answers[status] = {"description": description, "content": body}
    return schema


class RelaisAPI(NinjaAPI):
    """Ninja's API whose document lists the error answers too."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        errors_documented(schema)
        return schema
