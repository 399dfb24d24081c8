"""OpenAPI pieces: the Api-Key security scheme and the headers and error responses that every
operation shares."""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

PROBLEM = "application/problem+json"


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details; `errors` maps each field to its messages."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )

    class Meta:
        ref_name = "Problem"


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description=(
        "A unique string per intended write. Repeating a POST with the same key and body "
        "returns the first response (header Idempotent-Replayed: true) instead of writing twice."
    ),
)
IF_MATCH_REQUIRED = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the object as last read. Missing: 428; stale: 412.",
)
IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description="The ETag of the object as last read; a stale one answers 412.",
)

ERRORS_BY_METHOD = {
    "GET": ("400", "401", "403", "404", "429"),
    "POST": ("400", "401", "403", "404", "412", "422", "429"),
    "PATCH": ("400", "401", "403", "404", "412", "428", "429"),
}


class ApiAutoSchema(AutoSchema):
    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "POST":
            parameters.append(IDEMPOTENCY_KEY)
        if self.method == "PATCH":
            parameters.append(IF_MATCH_REQUIRED)
        elif self.method == "POST" and getattr(self.view, "honours_if_match", False):
            if self._is_action_on_object():
                parameters.append(IF_MATCH_OPTIONAL)
        return parameters

    def _is_action_on_object(self) -> bool:
        return "{" in self.path

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in ERRORS_BY_METHOD.get(self.method, ()):
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ProblemSerializer, code, media_types=[PROBLEM], direction=direction
                )
        return responses


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "An organisation's API key, sent as `Authorization: Api-Key <key>`.",
        }


class SessionWithoutCredentialsScheme(SessionScheme):
    """A person's session cookie, described as drf-spectacular describes Django's session."""

    target_class = "api.authentication.SessionWithoutCredentialsAuthentication"
