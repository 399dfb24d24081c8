from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX) and not request.path_info.startswith(
        "/api/v1/keys/"
    )


def bad_request_response(request, detail: str, *, status: int = 400):
    """A 400 (or 413) the person can read: problem+json for the API, the site's own page
    otherwise."""
    if is_api(request):
        from django.http import JsonResponse

        from api.schema import PROBLEM

        too_large = status == 413
        body = {
            "type": f"urn:homecoming:problem:{'request_too_large' if too_large else 'bad_request'}",
            "title": "Request too large" if too_large else "Invalid request",
            "status": status,
            "detail": detail,
        }
        return JsonResponse(body, status=status, content_type=PROBLEM)
    return render(request, "400.html", {"detail": detail}, status=status)


def bad_request(request, exception=None):
    """handler400: a suspicious or malformed request (too many fields, a bad header); a body
    over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413."""
    if isinstance(exception, RequestDataTooBig):
        return bad_request_response(request, _("The request is too large."), status=413)
    return bad_request_response(
        request, _("The request could not be understood. Go back, reload the page and try again.")
    )
