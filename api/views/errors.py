from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from ..schema import PROBLEM


@csrf_exempt  # it writes nothing; a POST to a wrong path gets the same 404 problem
def not_found(request, *args, **kwargs):
    """Any other path under the API answers a problem, not the HTML 404 page."""
    body = {
        "type": "urn:homecoming:problem:not_found",
        "title": "Not found",
        "status": 404,
        "detail": "No such endpoint. The endpoints are listed at /api/v1/schema/.",
    }
    return JsonResponse(body, status=404, content_type=PROBLEM)
