"""A search by name never travels in a URL: URLs end up in server and proxy logs and in the
browser history of a shared office computer. The search text is posted (with its CSRF token)
and kept in the person's session under a random id for a short while; the caseload's URL, its
pages and its export carry that id (`?search=…`) and the filters that name nobody."""

import secrets
from time import time as _now

from django.http import QueryDict

TEXT = "q"
PARAM = "search"
SESSION_KEY = "caseload_searches"
LIFETIME_SECONDS = 30 * 60
KEPT = 20


def _searches(request) -> dict:
    now = _now()
    kept = {
        search_id: (text, expires)
        for search_id, (text, expires) in request.session.get(SESSION_KEY, {}).items()
        if expires > now
    }
    return dict(sorted(kept.items(), key=lambda item: item[1][1])[-KEPT:])


def search_remember(request, text: str) -> str:
    """Keep the text in the session; return the id that stands for it in URLs."""
    searches = _searches(request)
    search_id = secrets.token_urlsafe(12)
    searches[search_id] = (text, _now() + LIFETIME_SECONDS)
    request.session[SESSION_KEY] = dict(list(searches.items())[-KEPT:])
    return search_id


def search_recall(request, search_id: str) -> str | None:
    """The text an id stands for, or None once it has expired (or was never this person's)."""
    found = _searches(request).get(search_id)
    return found[0] if found else None


def query_without_name(request, data: QueryDict) -> QueryDict:
    """The caseload's URL query for these filters: the search text replaced by its id."""
    query = data.copy()
    for name in (TEXT, PARAM, "csrfmiddlewaretoken", "page"):
        query.pop(name, None)
    text = data.get(TEXT, "").strip()
    if text:
        query[PARAM] = search_remember(request, text)
    elif data.get(PARAM):
        query[PARAM] = data[PARAM]
    return query


def caseload_data(request, query: QueryDict) -> tuple[QueryDict, bool]:
    """The filter data a caseload URL stands for, with the search text recalled, and whether
    the URL named a search that has expired."""
    data = query.copy()
    search_id = data.pop(PARAM, [""])[-1]
    data.pop(TEXT, None)
    if not search_id:
        return data, False
    text = search_recall(request, search_id)
    if text is None:
        return data, True
    data[TEXT] = text
    return data, False
