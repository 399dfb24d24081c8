"""The API reads a record's fields through readers worked out once per serializer
(api.serializers.base): every list of the API answers exactly what DRF's own
`Serializer.to_representation`, with fields built afresh, answers, for each kind of reader:
the owner's organisation, an organisation a referral shares the case with (some categories
hidden), and the former owner reading the case as it stood when it transferred it away."""

import pytest
from rest_framework import serializers

from api.serializers.base import ReadModelSerializer
from organisations.models import Role
from tests.api.test_access_matrix import LIST_OPERATIONS, LIST_PARAMETERS
from tests.organisations.factories import UserFactory
from tests.referrals.helpers import share
from transfers.services import transfer_accept

pytestmark = pytest.mark.django_db


def every_list(client, world) -> dict[str, dict]:
    answers = {}
    for path in sorted(LIST_OPERATIONS):
        parameters = {
            name: getattr(world, target).pk
            for name, target in LIST_PARAMETERS.get(path, {}).items()
        }
        response = client.get(path, {"page_size": 200, **parameters})
        assert response.status_code == 200, (path, response.content)
        answers[path] = response.json()
    return answers


def read_both_ways(clients: dict, world) -> tuple[dict, dict]:
    """Every list, read by each client through the API's readers, then as DRF reads."""
    fast = {name: every_list(client, world) for name, client in clients.items()}
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(ReadModelSerializer, "fields_of", serializers.Serializer.to_representation)
        patched.setattr(ReadModelSerializer, "get_fields", serializers.ModelSerializer.get_fields)
        drf = {name: every_list(client, world) for name, client in clients.items()}
    return fast, drf


def test_every_list_reads_as_drf_does(world, session_api, supervisor, third_ngo):
    receiver = UserFactory(username="receiver", organisation=third_ngo, role=Role.SUPERVISOR)
    share(world.case, third_ngo, health=False, service="shelter")
    clients = {"owner": session_api(supervisor), "receiver": session_api(receiver)}
    fast, drf = read_both_ways(clients, world)
    assert fast == drf
    shared = fast["receiver"]["/api/v1/cases/"]["results"]
    assert [row["sensitive_facts"] for row in shared] == [None], "health is not shared"
    assert shared[0]["identity"]["name_latin"] == world.case.name_latin
    assert all(fast["owner"][path]["results"] for path in ("/api/v1/plans/", "/api/v1/visits/"))

    # The case moves to the third organisation: its former owner reads it as it stood then.
    transfer_accept(actor=receiver, transfer=world.transfer, assigned_worker=receiver)
    fast, drf = read_both_ways({"former owner": clients["owner"]}, world)
    assert fast == drf
    assert fast["former owner"]["/api/v1/cases/"]["results"]


def test_each_serializer_has_its_own_nested_serializer():
    """Fields are copied shallowly from those built once per class (api.serializers.base); a
    nested serializer deeply, so that it reads its own parent's context, never that of
    another request's serializer."""
    from api.serializers.cases import CaseFactsSerializer

    first, second = CaseFactsSerializer(), CaseFactsSerializer()
    nested = first.fields["exploitations"], second.fields["exploitations"]
    assert nested[0].parent is first and nested[1].parent is second
    assert nested[0].child is not nested[1].child
    assert nested[0].child.parent is nested[0] and nested[1].child.parent is nested[1]
    assert first.fields["movement"] is not second.fields["movement"]
