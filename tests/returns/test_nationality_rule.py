"""A Cambodian national is not returned out of Cambodia, whichever is recorded second: a return
out of Cambodia for a Cambodian is refused (test_return_rules), and so is making a survivor
with such a return Cambodian, on the edit form and through the API, with nothing lost."""

import pytest
from django.core.exceptions import ValidationError

from cases.models import Case, CaseEvent
from cases.services import case_update
from tests.webforms.helpers import case_form_data, edit_url

from .factories import started
from .test_return_api import api

pytestmark = pytest.mark.django_db

RETURN_NAMED = (
    "This case has a return out of Cambodia, which is for a survivor of another nationality: "
    "correct the return before recording the survivor as Cambodian."
)


def test_the_service_refuses_and_changes_nothing(case, owner):
    started(case, owner)  # an Indonesian going home
    name, events = case.name_latin, CaseEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        case_update(actor=owner, case=case, nationality="KH", name_latin="Siti R.")
    assert error.value.message_dict == {"nationality": [RETURN_NAMED]}
    case.refresh_from_db()
    assert (case.nationality, case.name_latin) == ("ID", name)
    assert CaseEvent.objects.count() == events


def test_another_foreign_nationality_is_no_matter(case, owner):
    started(case, owner)
    assert case_update(actor=owner, case=case, nationality="MY").nationality == "MY"


def test_a_return_home_into_cambodia_is_no_matter(case, owner):
    Case.objects.filter(pk=case.pk).update(nationality="TH")
    case.refresh_from_db()
    started(case, owner, direction="into_cambodia", country="TH")
    assert case_update(actor=owner, case=case, nationality="KH").nationality == "KH"


def test_the_edit_form_shows_it_on_the_field_and_keeps_what_was_typed(client_for, case, owner):
    started(case, owner)
    client = client_for(owner)
    data = case_form_data(client.get(edit_url(case)))
    data_before = dict(data)
    data.update(nationality="KH", family_contact="Aunt in Jakarta, +62 812 0000")
    response = client.post(edit_url(case), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["nationality"] == [RETURN_NAMED]
    assert form["family_contact"].value() == "Aunt in Jakarta, +62 812 0000"
    case.refresh_from_db()
    assert (case.nationality, case.family_contact) == ("ID", data_before["family_contact"])


def test_who_may_not_see_the_return_is_refused_without_being_told_of_it(
    client_for, case, owner, colleague
):
    started(case, owner)
    client = client_for(colleague)  # edits the organisation's cases, sees no protection facts
    data = case_form_data(client.get(edit_url(case)))
    response = client.post(edit_url(case), {**data, "nationality": "KH"})
    assert response.status_code == 200
    (message,) = response.context["form"].errors["nationality"]
    assert "return" not in message.lower() and "ask the case's worker" in message
    assert Case.objects.get(pk=case.pk).nationality == "ID"


def test_the_api_answers_400_naming_the_field(case, owner):
    started(case, owner)
    client = api(owner)
    url = f"/api/v1/cases/{case.pk}/"
    etag = client.get(url)["ETag"]
    response = client.patch(url, {"nationality": "KH"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {"nationality": [RETURN_NAMED]}
    assert Case.objects.get(pk=case.pk).nationality == "ID"
