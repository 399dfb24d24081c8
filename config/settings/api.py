"""Django REST framework and OpenAPI settings for the partner API."""

API_INSTALLED_APPS = ["drf_spectacular_sidecar"]  # base.py: INSTALLED_APPS += API_INSTALLED_APPS

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so a request without credentials gets 401 with WWW-Authenticate: Api-Key.
        "api.authentication.ApiKeyAuthentication",
        # A person's session, only for a request that brings no credentials of its own.
        "api.authentication.SessionWithoutCredentialsAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasActiveMembership"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.SafeJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.UpdatedCursorPagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PartnerRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_key": "600/min", "session": "600/min"},
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Homecoming API",
    "DESCRIPTION": (
        "Cases, consents, counselling sessions, referrals and follow-up visits for partner "
        "systems. A key acts as its organisation's API client and sees exactly what that "
        "organisation may see. Errors are application/problem+json."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set, so the schema's enums read as the domain's words.
    "ENUM_NAME_OVERRIDES": {
        "CasePhaseEnum": "cases.models.Phase",
        # Any country but Cambodia: where a survivor returns from or to.
        "ReturnCountryEnum": "api.serializers.returns.OTHER_COUNTRIES",
        "SessionPhaseEnum": "cases.models.SessionPhase",
        "SessionKindEnum": "cases.models.SessionKind",
        "ResourceKindEnum": "followup.models.ResourceKind",
        "OrganisationKindEnum": "organisations.models.OrganisationKind",
        "RatingEnum": "followup.models.Rating",
        "VisitStatusEnum": "followup.models.VisitStatus",
        "ReferralStatusEnum": "referrals.models.Status",
        "ProceedingKindEnum": "legal.models.ProceedingKind",
        "ProceedingStatusEnum": "legal.models.ProceedingStatus",
        "ProtectionKindEnum": "legal.models.ProtectionKind",
        "AttitudeEnum": "plans.models.Attitude",
        "LivelihoodKindEnum": "plans.models.LivelihoodKind",
        "ExploitationFormEnum": "cases.models.ExploitationForm",
        "CountryEnum": "cases.countries.countries",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
