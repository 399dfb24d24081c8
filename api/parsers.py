"""The API's JSON parser: a body nested deeper than any resource, or carrying a NUL character
(PostgreSQL cannot store or compare it), is a 400 with a message, whatever the endpoint."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


def _check(data) -> None:
    """Walk the parsed body without recursion, so depth costs no stack."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise ParseError(_("Text may not contain the NUL character."))
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise ParseError(_("The JSON body is nested too deeply."))
        items = value.items() if isinstance(value, dict) else ((None, item) for item in value)
        for key, item in items:
            if key is not None:
                stack.append((key, depth))
            stack.append((item, depth + 1))


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply.")) from None
        _check(data)
        return data
