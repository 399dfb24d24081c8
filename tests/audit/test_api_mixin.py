"""`audit.api.AuditedViewSetMixin` on a throwaway DRF viewset (not the partner API's): an API
read, a list and a write each leave a row with the key; a guessed id leaves a denied row."""

import pytest
from auditlog.models import LogEntry
from django.urls import include, path, reverse
from rest_framework import authentication, exceptions, pagination, serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import SimpleRouter
from rest_framework.test import APIClient

from audit.api import AuditedViewSetMixin
from audit.models import Action, Channel
from cases.models import Case
from cases.selectors import case_list_visible_to
from organisations.models import User
from tests.cases.factories import CaseFactory

from .helpers import last_event

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.audit.test_api_mixin")]

KEY_ID, KEY_LABEL = 7, "Partner shelter (hc_ab12…)"


class TestKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Test-Key <username>`, setting `audit_api_key` as the API's will."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if len(header) != 2 or header[0] != b"Test-Key":
            return None
        try:
            user = User.objects.get(username=header[1].decode())
        except User.DoesNotExist:
            raise exceptions.AuthenticationFailed("no") from None
        request.audit_api_key = (KEY_ID, KEY_LABEL)
        return user, None


class CaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = ["id", "case_number", "risk_level"]
        read_only_fields = ["case_number"]


class TwoPerPage(pagination.PageNumberPagination):
    page_size = 2


class CaseViewSet(AuditedViewSetMixin, viewsets.ModelViewSet):
    authentication_classes = [TestKeyAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = []
    pagination_class = TwoPerPage
    serializer_class = CaseSerializer
    http_method_names = ["get", "patch"]

    def get_queryset(self):
        return case_list_visible_to(self.request.user).order_by("pk")


router = SimpleRouter()
router.register("cases", CaseViewSet, basename="audit-test-case")
urlpatterns = [path("api-test/", include(router.urls))]


def api_as(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Test-Key {user.username}")
    return client


def test_an_api_read_is_recorded_with_its_key(owner, case):
    response = api_as(owner).get(
        reverse("audit-test-case-detail", args=[case.pk]), REMOTE_ADDR="198.51.100.9"
    )
    assert response.status_code == 200
    event = last_event()
    assert (event.user, event.action, event.case) == (owner, Action.VIEW, case)
    assert (event.channel, event.api_key_id, event.api_key_label) == (
        Channel.API,
        KEY_ID,
        KEY_LABEL,
    )
    assert event.ip_address == "198.51.100.9"


def test_an_api_list_records_the_page_returned(owner):
    cases = [CaseFactory(actor=owner) for _ in range(3)]
    response = api_as(owner).get(reverse("audit-test-case-list"))
    assert response.status_code == 200
    event = last_event()
    assert event.action == Action.LIST and event.channel == Channel.API
    assert event.case_ids == [c.pk for c in cases[:2]]


def test_an_api_write_is_recorded_and_its_history_names_the_key_user(owner, case):
    response = api_as(owner).patch(
        reverse("audit-test-case-detail", args=[case.pk]), {"risk_level": "high"}, format="json"
    )
    assert response.status_code == 200
    event = last_event()
    assert (event.action, event.case, event.api_key_id) == (Action.UPDATE, case, KEY_ID)
    entry = LogEntry.objects.filter(object_pk=str(case.pk), action=LogEntry.Action.UPDATE).last()
    assert entry.changes_dict["risk_level"] == ["medium", "high"]
    assert entry.actor == owner


def test_an_outsiders_api_guess_is_recorded_as_denied(outsider, case):
    response = api_as(outsider).get(reverse("audit-test-case-detail", args=[case.pk]))
    assert response.status_code == 404
    event = last_event()
    assert (event.user, event.denied, event.case_id) == (outsider, True, case.pk)
    assert event.case_organisation_id == case.organisation_id
    assert event.channel == Channel.API


def test_a_request_without_a_key_records_nothing(case):
    response = APIClient().get(reverse("audit-test-case-detail", args=[case.pk]))
    assert response.status_code in (401, 403)
    assert last_event() is None


def test_without_audit_api_key_the_drf_auth_object_is_used(owner, case):
    class Key:
        pk = 31

        def __str__(self):
            return "Ministry sync (hc_zz99…)"

    client = APIClient()
    client.force_authenticate(owner, token=Key())
    client.get(reverse("audit-test-case-detail", args=[case.pk]))
    event = last_event()
    assert (event.channel, event.api_key_id, event.api_key_label) == (
        Channel.API,
        31,
        "Ministry sync (hc_zz99…)",
    )
