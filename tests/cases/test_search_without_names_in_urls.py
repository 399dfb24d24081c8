"""A survivor's name typed into the caseload search never reaches a URL: not the address
the browser keeps in its history, not the request line a server or proxy logs."""

import time
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from cases import search
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db

NAME = "Sreyneang"


@pytest.fixture
def cases(owner):
    return (
        CaseFactory(actor=owner, name_latin="Sok Sreyneang", risk_level="high"),
        CaseFactory(actor=owner, name_latin="Chan Dara", risk_level="high"),
    )


def shown(response) -> list[str]:
    return [case.name_latin for case in response.context["page"].object_list]


def test_a_posted_search_lands_on_a_url_without_the_name(client_for, owner, cases):
    client = client_for(owner)
    response = client.post(reverse("cases:list"), {"q": NAME, "risk": "high"})
    assert response.status_code == 302
    url = response["Location"]
    assert NAME not in url and "q=" not in url
    assert parse_qs(urlsplit(url).query)["risk"] == ["high"]  # filters without names stay
    page = client.get(url)
    assert shown(page) == ["Sok Sreyneang"]
    assert NAME in page.content.decode()  # the search box still shows what was typed
    assert NAME not in "".join(page.context["query"]) and "q=" not in page.context["query"]


def test_htmx_search_pushes_an_address_without_the_name(client_for, owner, cases):
    response = client_for(owner).post(reverse("cases:list"), {"q": NAME}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"<html" not in response.content
    assert shown(response) == ["Sok Sreyneang"]
    pushed = response["HX-Push-Url"]
    assert pushed.startswith(reverse("cases:list") + "?search=") and NAME not in pushed


def test_the_page_form_posts_the_search_with_its_csrf_token(client_for, owner, cases):
    page = client_for(owner).get(reverse("cases:list")).content.decode()
    form = page[
        page.index('role="search"') - 200 : page.index("</form>", page.index('role="search"'))
    ]
    assert 'method="post"' in form and "hx-post=" in form and "csrfmiddlewaretoken" in form
    assert "hx-get=" not in form


def test_pages_and_the_export_link_carry_the_search_id_not_the_name(client_for, supervisor, owner):
    for number in range(30):
        CaseFactory(actor=owner, name_latin=f"Sok Sreyneang {number}")
    client = client_for(supervisor)
    page = client.post(reverse("cases:list"), {"q": NAME}, follow=True)
    html = page.content.decode()
    assert "page=2" in html and "search=" in html
    assert f"q={NAME}" not in html and "?q=" not in html
    second = client.get(page.redirect_chain[-1][0] + "&page=2")
    assert len(shown(second)) == 5


def test_a_name_sent_in_a_url_is_moved_out_of_it(client_for, owner, cases):
    response = client_for(owner).get(reverse("cases:list"), {"q": NAME})
    assert response.status_code == 302 and NAME not in response["Location"]


def test_a_search_id_works_only_for_its_person_and_only_for_a_while(
    client_for, owner, colleague, cases
):
    from django.test import Client

    client = client_for(owner)
    url = client.post(reverse("cases:list"), {"q": NAME})["Location"]
    other = Client()
    other.force_login(colleague)
    assert len(shown(other.get(url))) == 2  # another session: the id means nothing
    assert shown(client.get(url)) == ["Sok Sreyneang"]
    later = time.time() + search.LIFETIME_SECONDS + 1
    with mock.patch("cases.search._now", return_value=later):
        expired = client.get(url)
    assert len(shown(expired)) == 2
    assert "That search has expired" in expired.content.decode()


def test_the_export_follows_the_search_id(client_for, supervisor, owner, cases):
    from tests.cases.test_caseload import decrypted_rows

    client = client_for(supervisor)
    url = client.post(reverse("cases:list"), {"q": NAME})["Location"]
    query = urlsplit(url).query
    password = "x" * 12
    response = client.post(
        f"{reverse('cases:export')}?{query}", {"password": password, "password_again": password}
    )
    rows = decrypted_rows(response.content, password)
    assert [row[1] for row in rows[1:]] == ["Sok Sreyneang"]
