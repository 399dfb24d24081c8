"""Odd input is refused at the door with a 400, before any view reads it: a NUL character
anywhere in the path, the query or the form (PostgreSQL cannot store or compare it), and more
form fields than Django allows. A page gets the styled, translated 400 page; the API gets
problem+json."""

import re

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.utils.translation import gettext as _

from .responses import bad_request_response

NUL = "\x00"


# More digits than a 64-bit id or amount holds: a database lookup with it overflows.
TOO_LONG_NUMBER = re.compile(r"[-+]?\d{19,}")


def _has_nul(querydict) -> bool:
    return any(
        NUL in key or any(NUL in value for value in values) for key, values in querydict.lists()
    )


def _has_huge_number(querydict) -> bool:
    return any(
        TOO_LONG_NUMBER.fullmatch(value.strip())
        for values in querydict.lists()
        for value in values[1]
    )


class OddInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem:
            return bad_request_response(request, problem)
        return self.get_response(request)

    @staticmethod
    def problem(request) -> str:
        if NUL in request.path or _has_nul(request.GET):
            return _("The address contains a character that is not allowed (NUL).")
        if _has_huge_number(request.GET):
            return _("A number in the address is too long.")
        if request.method != "POST":
            return ""
        try:
            post = request.POST
        except TooManyFieldsSent:
            return _("The form sent too many fields. Reload the page and send it again.")
        except RequestDataTooBig:
            raise  # answered as a 413 by handler400
        if _has_huge_number(post):
            return _("A number in the form is too long. Correct it and send the form again.")
        if _has_nul(post):
            return _(
                "A field contains a character that is not allowed (NUL). "
                "Remove it and send the form again."
            )
        return ""
