"""The administrator's webhook pages: who sees them (an administrator of the organisation,
and no one else: 404), the secret shown once and kept encrypted, addresses refused under
production settings, redelivery, the access log, and constant query counts."""

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent, Action
from webhooks.models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/hooks"


@pytest.fixture
def endpoint(register, org_admin):
    return register(org_admin, URL)[0]


@pytest.fixture
def delivery(endpoint):
    now = timezone.now()
    return WebhookDelivery.objects.create(
        endpoint=endpoint,
        message_id="msg_test",
        event=Event.CASE_SHARED,
        resource="/api/v1/cases/1/",
        occurred_at=now,
        next_attempt_at=now,
        status=DeliveryStatus.FAILED,
        attempts=16,
        last_response_code=500,
    )


def pages(endpoint, delivery) -> list[tuple[str, str]]:
    return [
        ("get", reverse("webhooks:endpoints")),
        ("get", reverse("webhooks:endpoint", args=[endpoint.pk])),
        ("get", reverse("webhooks:endpoint-edit", args=[endpoint.pk])),
        ("post", reverse("webhooks:endpoint-edit", args=[endpoint.pk])),
        ("post", reverse("webhooks:endpoint-secret", args=[endpoint.pk])),
        ("post", reverse("webhooks:endpoint-pause", args=[endpoint.pk])),
        ("post", reverse("webhooks:endpoint-resume", args=[endpoint.pk])),
        ("post", reverse("webhooks:delivery-redeliver", args=[endpoint.pk, delivery.pk])),
        ("post", reverse("webhooks:endpoint-remove", args=[endpoint.pk])),
    ]


@pytest.mark.parametrize("who", ["owner", "supervisor", "officer", "outsider", "other_admin"])
def test_no_one_but_the_organisations_administrator_reaches_a_page(
    request, client_for, endpoint, delivery, who
):
    client = client_for(request.getfixturevalue(who))
    secret = endpoint.secret
    for method, url in pages(endpoint, delivery):
        if who == "other_admin" and url == reverse("webhooks:endpoints"):
            continue  # their own list, which must not show ours
        assert getattr(client, method)(url).status_code == 404, url
    endpoint.refresh_from_db()
    assert (endpoint.secret, endpoint.paused_at) == (secret, None)
    assert WebhookDelivery.objects.get().status == DeliveryStatus.FAILED


def test_another_administrators_list_shows_none_of_ours(client_for, other_admin, endpoint):
    page = client_for(other_admin).get(reverse("webhooks:endpoints"))
    assert page.status_code == 200
    assert URL not in page.content.decode()


def test_the_administrator_reaches_every_page(client_for, org_admin, endpoint, delivery):
    client = client_for(org_admin)
    for method, url in pages(endpoint, delivery):
        assert getattr(client, method)(url).status_code in (200, 302), url
    assert not WebhookEndpoint.objects.exists()


def test_the_secret_is_shown_once_and_stored_encrypted(client_for, org_admin):
    client = client_for(org_admin)
    form = client.get(reverse("webhooks:endpoints")).context["form"]
    answer = client.post(
        reverse("webhooks:endpoints"),
        {
            "url": URL,
            "description": "IOM case database",
            "events": [Event.REFERRAL_CREATED, Event.VISIT_OVERDUE],
            "submission": form.initial["submission"],
        },
    )
    assert answer.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.secret in answer.content.decode()
    assert endpoint.events == [Event.REFERRAL_CREATED, Event.VISIT_OVERDUE]

    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM webhooks_webhookendpoint")
        (stored,) = cursor.fetchone()
    assert endpoint.secret not in stored
    assert stored.startswith("gAAAA")  # a Fernet token

    again = client.get(reverse("webhooks:endpoint", args=[endpoint.pk]))
    assert endpoint.secret not in again.content.decode()
    assert URL in again.content.decode()

    created = AccessEvent.objects.get(action=Action.CREATE)
    assert (created.user, created.object_type, created.object_id) == (
        org_admin,
        "webhookendpoint",
        endpoint.pk,
    )
    history = LogEntry.objects.get_for_object(endpoint).get()
    assert endpoint.secret not in str(history.changes)


def test_a_new_secret_replaces_the_old_and_is_shown_once(client_for, org_admin, endpoint):
    old = endpoint.secret
    answer = client_for(org_admin).post(reverse("webhooks:endpoint-secret", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.secret in answer.content.decode()
    assert old not in answer.content.decode()


@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        ("http://203.0.113.7/hooks", "must start with https://"),
        ("ftp://203.0.113.7/hooks", "must start with https://"),
        ("https://127.0.0.1/hooks", "private or local address"),
        ("https://10.1.2.3/hooks", "private or local address"),
        ("https://192.168.1.20/hooks", "private or local address"),
        ("https://169.254.169.254/latest/meta-data", "private or local address"),
        ("https://[::1]/hooks", "private or local address"),
        ("https://[::ffff:10.0.0.1]/hooks", "private or local address"),
        ("https://localhost/hooks", "private or local address"),
        ("https://user:pass@93.184.216.34/hooks", "no user name or password"),
        ("https://93.184.216.34:99999/hooks", "valid URL"),
        ("https:///hooks", "valid URL"),
    ],
)
def test_production_settings_refuse_what_is_not_a_public_https_endpoint(
    client_for, org_admin, settings, url, refusal
):
    settings.WEBHOOKS_REQUIRE_HTTPS = True
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    answer = client_for(org_admin).post(
        reverse("webhooks:endpoints"), {"url": url, "events": [Event.CASE_SHARED]}
    )
    assert answer.status_code == 200
    assert refusal in str(answer.context["form"].errors["url"])
    assert not WebhookEndpoint.objects.exists()


def test_production_settings_accept_a_public_https_endpoint(client_for, org_admin, settings):
    settings.WEBHOOKS_REQUIRE_HTTPS = True
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    client_for(org_admin).post(
        reverse("webhooks:endpoints"),
        {"url": "https://93.184.216.34/hooks", "events": [Event.CASE_SHARED]},
    )
    assert WebhookEndpoint.objects.get().url == "https://93.184.216.34/hooks"


def test_an_endpoint_needs_an_event_from_the_list(client_for, org_admin):
    client = client_for(org_admin)
    for events in ([], ["case.deleted"]):
        answer = client.post(reverse("webhooks:endpoints"), {"url": URL, "events": events})
        assert answer.status_code == 200
        assert "events" in answer.context["form"].errors
    assert not WebhookEndpoint.objects.exists()


def test_send_again_puts_a_given_up_delivery_back_in_the_outbox(
    client_for, org_admin, endpoint, delivery
):
    answer = client_for(org_admin).post(
        reverse("webhooks:delivery-redeliver", args=[endpoint.pk, delivery.pk])
    )
    assert answer.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.next_attempt_at <= timezone.now()
    assert delivery.message_id == "msg_test"
    page = client_for(org_admin).get(reverse("webhooks:endpoint", args=[endpoint.pk]))
    assert "Waiting" in page.content.decode()


def test_a_delivery_of_another_endpoint_is_not_found_through_ours(
    client_for, org_admin, other_admin, register, endpoint, delivery
):
    theirs = register(other_admin, "http://127.0.0.1:9/theirs")[0]
    answer = client_for(org_admin).post(
        reverse("webhooks:delivery-redeliver", args=[endpoint.pk, delivery.pk + 1000])
    )
    assert answer.status_code == 404
    answer = client_for(other_admin).post(
        reverse("webhooks:delivery-redeliver", args=[theirs.pk, delivery.pk])
    )
    assert answer.status_code == 404


def test_the_api_keys_page_leads_to_the_webhooks(client_for, org_admin):
    page = client_for(org_admin).get(reverse("api:keys"))
    assert reverse("webhooks:endpoints") in page.content.decode()


def queries_for(client, url) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("count", [1, 6])
def test_the_list_costs_the_same_however_many_endpoints(client_for, org_admin, register, count):
    for number in range(count):
        register(org_admin, f"{URL}/{number}")
    total, sql = queries_for(client_for(org_admin), reverse("webhooks:endpoints"))
    # Session, user, membership with its organisation; the endpoints with their counts and
    # creator; the audit row.
    assert total == 5, sql


@pytest.mark.parametrize("count", [1, 40])
def test_an_endpoint_page_costs_the_same_however_many_deliveries(
    client_for, org_admin, endpoint, count
):
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            message_id=f"msg_{number}",
            event=Event.REFERRAL_ANSWERED,
            resource=f"/api/v1/referrals/{number}/",
            occurred_at=now,
            next_attempt_at=now,
        )
        for number in range(count)
    )
    total, sql = queries_for(
        client_for(org_admin), reverse("webhooks:endpoint", args=[endpoint.pk])
    )
    # Session, user, membership; the endpoint; the paginator's count and the page of
    # deliveries; the audit row.
    assert total == 7, sql


def test_key_rotation_moves_the_secret_to_the_new_key(endpoint, settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    from cases.encryption import _fernet

    secret = endpoint.secret
    old = settings.FIELD_ENCRYPTION_KEY
    settings.FIELD_ENCRYPTION_KEY = f"{Fernet.generate_key().decode()},{old}"
    call_command("rotate_field_encryption")
    settings.FIELD_ENCRYPTION_KEY = settings.FIELD_ENCRYPTION_KEY.split(",")[0]
    _fernet.cache_clear()
    try:
        assert WebhookEndpoint.objects.get().secret == secret
    finally:
        settings.FIELD_ENCRYPTION_KEY = old
        _fernet.cache_clear()


def test_the_administrator_changes_the_events_and_the_url(client_for, org_admin, endpoint):
    client = client_for(org_admin)
    form = client.get(reverse("webhooks:endpoint-edit", args=[endpoint.pk])).context["form"]
    answer = client.post(
        reverse("webhooks:endpoint-edit", args=[endpoint.pk]),
        {
            "url": URL + "/v2",
            "description": "New system",
            "events": [Event.CASE_UNSHARED],
            "version": form.initial["version"],
        },
    )
    assert answer.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events) == (URL + "/v2", [Event.CASE_UNSHARED])
    assert AccessEvent.objects.filter(action=Action.UPDATE, object_id=endpoint.pk).exists()


def test_a_change_over_someone_elses_is_refused(client_for, org_admin, endpoint):
    client = client_for(org_admin)
    form = client.get(reverse("webhooks:endpoint-edit", args=[endpoint.pk])).context["form"]
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(events=[Event.VISIT_OVERDUE])
    answer = client.post(
        reverse("webhooks:endpoint-edit", args=[endpoint.pk]),
        {"url": URL, "events": [Event.CASE_SHARED], "version": form.initial["version"]},
    )
    assert answer.status_code == 200
    assert "Someone else saved" in answer.content.decode()
    endpoint.refresh_from_db()
    assert endpoint.events == [Event.VISIT_OVERDUE]


def test_a_change_to_a_private_address_is_refused_under_production_settings(
    client_for, org_admin, endpoint, settings
):
    settings.WEBHOOKS_REQUIRE_HTTPS = True
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    answer = client_for(org_admin).post(
        reverse("webhooks:endpoint-edit", args=[endpoint.pk]),
        {"url": "https://10.0.0.5/hooks", "events": [Event.CASE_SHARED]},
    )
    assert "private or local address" in str(answer.context["form"].errors["url"])
    endpoint.refresh_from_db()
    assert endpoint.url == URL
