"""OpenAPI generation: every operation documents the error responses it can give, all in the
one shape of api.exceptions."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, machine-readable code, e.g. `not_found`.")
    message = serializers.CharField(help_text="What went wrong, in the caller's language.")
    fields = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Per-field messages of a validation error (empty otherwise).",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


ERRORS = {
    "400": "Invalid input (see `error.fields`).",
    "401": "Not authenticated: no, an invalid, expired or revoked token.",
    "403": "Authenticated, but the caller's role may not do this.",
    "404": "Not found, or not visible to the caller.",
    "409": "Refused in the object's current state.",
    "429": "Too many requests: wait for the number of seconds in `Retry-After`.",
}
WRITE_ONLY_ERRORS = {"409"}
PUBLIC_ERRORS = {"400", "429"}  # what an endpoint open to anyone can still answer


class AutoSchema(BaseAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        public = getattr(self.view, "schema_public", False)
        for code, description in ERRORS.items():
            if code in responses:
                continue
            if code in WRITE_ONLY_ERRORS and self.method == "GET":
                continue
            if public and code not in PUBLIC_ERRORS:
                continue
            responses[code] = self._get_response_for_code(
                OpenApiResponse(ErrorSerializer, description=description), code
            )
        return responses
