from django.shortcuts import render
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX) and not request.path_info.startswith(
        "/api/v1/keys/"
    )


def bad_request_response(request, detail: str):
    """A 400 the person can read: problem+json for the API, the site's own page otherwise."""
    if is_api(request):
        from django.http import JsonResponse

        from api.schema import PROBLEM

        body = {
            "type": "urn:homecoming:problem:bad_request",
            "title": "Invalid request",
            "status": 400,
            "detail": detail,
        }
        return JsonResponse(body, status=400, content_type=PROBLEM)
    return render(request, "400.html", {"detail": detail}, status=400)


def bad_request(request, exception=None):
    """handler400: a suspicious or malformed request (too many fields, a bad header)."""
    return bad_request_response(
        request, _("The request could not be understood. Go back, reload the page and try again.")
    )
