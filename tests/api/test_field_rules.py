"""What a caller sees of a case follows cases.permissions, as in the browser: a receiving
organisation's key sees identity and health facts only as its accepted referral shares them."""

import pytest

from cases.models import Case
from cases.permissions import case_data_categories
from organisations.models import Role
from referrals.services import referral_accept
from tests.cases.factories import CaseFactory, log_session
from tests.organisations.factories import UserFactory
from tests.referrals.helpers import give_consent, send

pytestmark = pytest.mark.django_db


def case_url(case):
    return f"/api/v1/cases/{case.pk}/"


def seen(body) -> set[str]:
    names = {"identity": "identity", "case_facts": "case_facts", "sensitive_facts": "health"}
    return {category for field, category in names.items() if body[field] is not None}


def test_the_owners_key_sees_identity_and_facts_but_not_health(ngo_api, case, ngo_key):
    body = ngo_api.get(case_url(case)).json()
    assert body["identity"]["name_latin"] == "Sok Sreyneang"
    assert body["identity"]["family_contact"] is not None
    assert body["case_facts"]["movement"] == "cross_border"
    # Health facts are for the case's worker, supervisors and administrators, not API clients.
    assert body["sensitive_facts"] is None
    assert seen(body) == case_data_categories(ngo_key[0].user, case)


def test_a_supervisor_in_the_browser_sees_health(session_api, supervisor, case):
    body = session_api(supervisor).get(case_url(case)).json()
    assert body["sensitive_facts"]["hiv_status"] == "positive"


@pytest.mark.parametrize(
    ("shares", "expected"),
    [
        ({"shares_identity": True, "shares_case_facts": False}, {"identity"}),
        ({"shares_identity": False, "shares_case_facts": True}, {"case_facts"}),
        (
            {"shares_identity": True, "shares_case_facts": True, "shares_health": True},
            {"identity", "case_facts", "health"},
        ),
    ],
)
def test_a_receivers_key_sees_what_the_referral_shares(
    owner, case, third_ngo, make_key, key_client, shares, expected
):
    give_consent(case, owner, organisation=third_ngo, health=True)
    log_session(actor=owner, case=case, confidential_notes="Afraid of the recruiter.")
    referral = send(case, owner, third_ngo, **shares)
    key, plaintext = make_key(third_ngo)
    api = key_client(plaintext)
    assert api.get(case_url(case)).status_code == 404
    assert api.post(f"/api/v1/referrals/{referral.pk}/accept/").status_code == 200

    body = api.get(case_url(case)).json()
    assert seen(body) == expected == case_data_categories(key.user, case)
    if "identity" in expected:
        assert body["identity"]["name_latin"] == "Sok Sreyneang"
        # Family contact goes with identity, which the consent covers.
        assert body["identity"]["family_contact"] == ""  # not None: shared, though empty
    sessions = api.get("/api/v1/counselling-sessions/").json()["results"]
    notes = [row["confidential_notes"] for row in sessions]
    # Counselling sessions are health data, wholly.
    assert notes == (["Afraid of the recruiter."] if "health" in expected else [])
    consents = api.get("/api/v1/consents/").json()["results"]
    # The consent covers health: it tells of the survivor's health, shown only with it.
    assert len(consents) == (1 if "health" in expected else 0)
    assert all(row["guardian_name"] == "" for row in consents)  # given by the survivor
    assert all(row["given_by"] == "survivor" for row in consents)


def test_a_list_decides_each_row_as_the_detail_does(
    owner, colleague, ngo_key, ngo_api, session_api, third_ngo, make_key, key_client
):
    CaseFactory(actor=owner)
    CaseFactory(actor=colleague)
    shared = CaseFactory(actor=owner)
    give_consent(shared, owner, organisation=third_ngo)
    receiver = UserFactory(organisation=third_ngo, role=Role.SOCIAL_WORKER)
    referral_accept(actor=receiver, referral=send(shared, owner, third_ngo))
    key, plaintext = make_key(third_ngo)
    callers = [
        (ngo_key[0].user, ngo_api),
        (owner, session_api(owner)),
        (key.user, key_client(plaintext)),
        (receiver, session_api(receiver)),
    ]
    for user, api in callers:
        rows = api.get("/api/v1/cases/").json()["results"]
        assert rows
        for row in rows:
            case = Case.objects.get(pk=row["id"])
            assert seen(row) == case_data_categories(user, case), (user, row["id"])
