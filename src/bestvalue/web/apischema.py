"""What every API operation may answer besides success, added to the OpenAPI schema in one place
(drf-spectacular documents only the success of each view).

Why: clients and the schema-driven tests must know that another agency's objects are 404, a role
without the right is 403, a missing token is 401, bad input is 400, and an agency without data
yet is 409."""

from __future__ import annotations

from typing import Any

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
ERRORS = {
    "401": "Not authenticated: send `Authorization: Token ...`.",
    "403": "Your role in this agency may not do this.",
    "404": "No such object (another agency's objects are not found either).",
}


def document_errors(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A drf-spectacular postprocessing hook."""
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            errors = dict(ERRORS)
            if method in ("post", "put", "patch"):
                errors["400"] = "The input is not valid: each field's errors are listed."
            elif _chooses(operation):
                errors["400"] = "A query parameter is not one of its values: it says which."
            if path.endswith(("/spend/", "/priorities/")):
                errors["409"] = "The agency has no data loaded yet, or it is being loaded."
            if path == "/api/token/":
                errors = {"400": "Wrong user name or password."}
            for code, text in errors.items():
                responses.setdefault(
                    code,
                    {"description": text, "content": {"application/json": {"schema": DETAIL}}},
                )
    return result


def _chooses(operation: dict[str, Any]) -> bool:
    """True when a query parameter of the operation takes one of a list of values."""
    return any(
        p.get("in") == "query" and "enum" in p.get("schema", {})
        for p in operation.get("parameters", [])
    )
