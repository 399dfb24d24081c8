"""Once closing a case is asked for, the case page and the plan page say the request is
waiting instead of offering to ask again; a second request is refused and nothing is added."""

import datetime as dt

import pytest
from django.urls import reverse

from plans.models import Approval
from plans.services import approval_return, closure_request
from tests.webforms.helpers import hidden

pytestmark = pytest.mark.django_db

ASK = "Ask to close the case"
WAITING = (
    "A request to close the case, asked on 1 Dec 2026, is waiting for a supervisor's decision."
)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    # 10:00 in Phnom Penh on 1 December 2026.
    time_machine.move_to(dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC), tick=False)


def pages(client, case) -> dict[str, str]:
    return {
        name: client.get(reverse(url, args=[case.pk])).content.decode()
        for name, url in (("case", "cases:detail"), ("plan", "plans:plan"))
    }


def test_the_pages_say_a_request_is_waiting_until_it_is_decided(
    client_for, case, owner, supervisor
):
    client = client_for(owner)
    for name, page in pages(client, case).items():
        assert ASK in page and "is waiting for a supervisor" not in page, name

    approval = closure_request(actor=owner, case=case, reason="moved_away")
    for name, page in pages(client, case).items():
        assert ASK not in page, name
        assert WAITING in page, name

    # Returned with a comment: the worker may ask again.
    approval_return(actor=supervisor, approval=approval, comment="Try one more visit first.")
    for name, page in pages(client, case).items():
        assert ASK in page and "is waiting for a supervisor" not in page, name


def test_a_second_request_from_the_form_is_refused_and_adds_nothing(client_for, case, owner):
    closure_request(actor=owner, case=case, reason="moved_away")
    client = client_for(owner)
    url = reverse("plans:closure-request", args=[case.pk])
    form = client.get(url)
    response = client.post(
        url, {"submission": hidden(form, "submission"), "reason": "lost_contact", "note": ""}
    )
    assert response.status_code == 200
    assert "Closing this case is already waiting for approval." in response.content.decode()
    assert Approval.objects.filter(case=case).count() == 1


def test_the_pages_speak_khmer(client_for, case, owner):
    closure_request(actor=owner, case=case, reason="moved_away")
    client = client_for(owner)
    client.cookies["django_language"] = "km"
    for name, page in pages(client, case).items():
        assert "is waiting for a supervisor" not in page, name
        assert "រង់ចាំការសម្រេចរបស់អ្នកត្រួតពិនិត្យ" in page, name
