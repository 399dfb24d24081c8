import datetime as dt
import json
import operator
from collections.abc import Callable
from functools import reduce

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import Col
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, CursorPagination, _reverse_ordering

from cases.lookups import as_semi_join  # and registers pk__any_of

from .fields import MAX_ID


class KeysetCursorPagination(CursorPagination):
    """Pages whose cursor holds the whole sort key of the row it follows (each field of
    `ordering`, which ends with a unique one): the next page is the rows after that key,
    the previous the rows before it. DRF's cursor holds the first field alone and counts
    the rows that share it: walked backwards, a page of rows changed in the same instant
    lost some (encode/django-rest-framework#7709), and past 1,000 such rows its count is
    cut off. A cursor of another form answers 404, "Invalid cursor"."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        if not self.page_size:
            return None
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.cursor = self.decode_cursor(request)
        reverse, position = (False, None) if self.cursor is None else self.cursor[1:]
        ordering = _reverse_ordering(self.ordering) if reverse else self.ordering
        queryset = queryset.order_by(*ordering)
        if position is not None:
            queryset = queryset.filter(_after(ordering, position))
        rows = list(queryset[: self.page_size + 1])
        self.page = rows[: self.page_size]
        following = len(rows) > len(self.page)
        if reverse:
            self.page.reverse()
        # A page reached backwards has rows after it; forwards, rows before it.
        self.has_next = following if not reverse else position is not None
        self.has_previous = following if reverse else position is not None
        self.position = position
        self.display_page_controls = (self.has_previous or self.has_next) and bool(self.template)
        return self.page

    def get_next_link(self):
        if not self.has_next:
            return None
        position = self._key(self.page[-1]) if self.page else self.position
        return self.encode_cursor(Cursor(offset=0, reverse=False, position=position))

    def get_previous_link(self):
        if not self.has_previous:
            return None
        position = self._key(self.page[0]) if self.page else self.position
        return self.encode_cursor(Cursor(offset=0, reverse=True, position=position))

    def _key(self, row) -> list:
        return [getattr(row, field.removeprefix("-")) for field in self.ordering]

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        if cursor is None:
            return None
        if cursor.offset or cursor.position is None:
            raise NotFound(self.invalid_cursor_message)
        try:
            values = [_decoded(value) for value in json.loads(cursor.position)]
        except (TypeError, ValueError, KeyError):
            raise NotFound(self.invalid_cursor_message) from None
        if len(values) != len(self.ordering):
            raise NotFound(self.invalid_cursor_message)
        return Cursor(offset=0, reverse=cursor.reverse, position=values)

    def encode_cursor(self, cursor):
        position = json.dumps([_encoded(value) for value in cursor.position])
        return super().encode_cursor(cursor._replace(position=position))


def _after(ordering, key) -> Q:
    """The rows after `key` in `ordering`: the first field past its value, or equal and the
    next past its, and so on; with the first field's bound alone as well, which an index
    on the order reads as a range."""
    after, equal = [], Q()
    for field, value in zip(ordering, key, strict=True):
        name = field.removeprefix("-")
        past = f"{name}__{'lt' if field.startswith('-') else 'gt'}"
        after.append(equal & Q(**{past: value}))
        equal &= Q(**{name: value})
    first = ordering[0]
    from_first = f"{first.removeprefix('-')}__{'lte' if first.startswith('-') else 'gte'}"
    return Q(**{from_first: key[0]}) & reduce(operator.or_, after)


# A sort key's values in a cursor, each with its type: the columns lists are ordered by.
_TYPES = {
    "t": (dt.datetime, dt.datetime.isoformat, dt.datetime.fromisoformat),
    "d": (dt.date, dt.date.isoformat, dt.date.fromisoformat),
    "i": (int, int, int),
    "s": (str, str, str),
}


def _encoded(value) -> list:
    for tag, (kind, encode, _decode) in _TYPES.items():
        if isinstance(value, kind) and not isinstance(value, bool):
            return [tag, encode(value)]
    raise TypeError(f"A list cannot be ordered by a {type(value).__name__}.")


def _decoded(value):
    tag, encoded = value
    kind, _encode, decode = _TYPES[tag]
    if not isinstance(encoded, int if kind is int else str):
        raise TypeError("Not a value of its type.")
    decoded = decode(encoded)
    if kind is dt.datetime and decoded.tzinfo is None:
        raise ValueError("A moment without its offset.")
    if kind is int and not -MAX_ID <= decoded <= MAX_ID:
        raise ValueError("Not a number the database holds.")
    if kind is str and "\x00" in decoded:
        raise ValueError("Not text the database holds.")
    return decoded


class UpdatedCursorPagination(KeysetCursorPagination):
    """Oldest change first, so a partner syncing with updated_since walks forward in time;
    the id breaks ties between rows changed in the same instant.

    A partner list (api.views.base.PartnerViewSet) gives its paginator the function that
    builds its queryset, not the queryset: the paginator builds it when it reads it, which
    one that reads a list in parts (`ChangedCursorPagination`) may never do."""

    ordering = ("updated_at", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        listed = queryset() if callable(queryset) else queryset
        return super().paginate_queryset(listed, request, view)


class FirstOfEachPart:
    """A list as the cursor paginator reads it (ordered, narrowed to the cursor's position,
    sliced), with disjoint `parts` whose union it is: a page is the first rows of each part,
    each part read in its own index order, merged. One OR of the parts' conditions walks the
    whole order's index, testing every row against the sharing subqueries, to find the few
    the caller sees (on 200,000 cases, 5,000 rows read for a page of 51). The page's rows
    are read by `rows`, a function of the subquery of their ids: the parts are the caller's
    visibility and filters already, so the rows need neither again.

    The whole list is `whole`, a function that builds its queryset: it is built only when
    there are no parts (a database other than PostgreSQL, whose compound statements take no
    LIMIT): building the caller's visibility and filters for a queryset nobody reads cost
    2.6 ms of every page read in parts (the 20,000-case NGO at 1,000,000 cases)."""

    def __init__(
        self, whole: Callable[[], QuerySet], parts: list[QuerySet], rows=None, ordering=()
    ):
        self.whole, self.parts, self.rows, self.ordering = whole, parts, rows, ordering

    def order_by(self, *fields) -> "FirstOfEachPart":
        whole = self.whole
        parts = [part.order_by(*fields) for part in self.parts]
        return FirstOfEachPart(lambda: whole().order_by(*fields), parts, self.rows, fields)

    def filter(self, *args, **kwargs) -> "FirstOfEachPart":
        whole = self.whole
        return FirstOfEachPart(
            lambda: whole().filter(*args, **kwargs),
            [part.filter(*args, **kwargs) for part in self.parts],
            self.rows,
            self.ordering,
        )

    def __getitem__(self, rows: slice) -> QuerySet:
        if not self.parts or not isinstance(rows, slice) or rows.stop is None:
            return self.whole()[rows]
        first, *others = self.parts
        bound = self._bound(first, rows.stop) if others else None
        if bound is not None:
            others = [as_semi_join(part.filter(bound)) for part in others]
        firsts = [part.values("pk")[: rows.stop] for part in (first, *others)]
        ids = firsts[0].union(*firsts[1:], all=True) if len(firsts) > 1 else firsts[0]
        return self.rows(ids).order_by(*self.ordering)[rows]

    def _bound(self, first: QuerySet, stop: int) -> Q | None:
        """Where the other parts' rows of the first `stop` end: at the first part's
        `stop`-th row, if it has one, as a condition on the order's first column (no row
        after it can come before it in the merge). Read from that part's index, a few
        pages: it lets PostgreSQL read the others from the range of an index up to it
        (`as_semi_join`). None where the order's first field is not a column of the table
        (a former owner's handover moments): no index holds it."""
        if not self.ordering:
            return None
        field = self.ordering[0]
        name = field.removeprefix("-")
        annotation = first.query.annotations.get(name)
        if annotation is not None and not isinstance(annotation, Col):
            return None
        last = first.values_list(name, flat=True)[stop - 1 : stop]
        if not last:
            return None
        return Q(**{f"{name}__{'gte' if field.startswith('-') else 'lte'}": last[0]})


class ChangedCursorPagination(UpdatedCursorPagination):
    """Cases, oldest change first as the caller reads them (`last_changed`, annotated from
    cases.selectors.case_last_changed): a case its organisation handed over stays where the
    handover put it, and the cursor in the page links carries that moment, not the live one.
    A view with `list_parts` and `list_rows` has its pages read part by part
    (`FirstOfEachPart`), the whole list built only when there are no parts."""

    ordering = ("last_changed", "id")

    def paginate_queryset(self, queryset, request, view=None):
        whole = queryset if callable(queryset) else lambda: queryset
        by_parts = hasattr(view, "list_parts") and connection.vendor == "postgresql"
        parts = view.list_parts() if by_parts else []
        rows = view.list_rows if parts else None
        return super().paginate_queryset(FirstOfEachPart(whole, parts, rows), request, view)


class CodeCursorPagination(UpdatedCursorPagination):
    ordering = ("code",)


class NameCursorPagination(UpdatedCursorPagination):
    ordering = ("name", "id")


class OccurredCursorPagination(UpdatedCursorPagination):
    ordering = ("occurred_at", "id")


class UploadedCursorPagination(UpdatedCursorPagination):
    """Documents, in the order they were attached."""

    ordering = ("uploaded_at", "id")


class CreatedCursorPagination(UpdatedCursorPagination):
    """Records listed in the order they were written (legal proceedings)."""

    ordering = ("created_at", "id")


class DateCursorPagination(UpdatedCursorPagination):
    """Hearings, by their day."""

    ordering = ("date", "id")


class RequestedCursorPagination(UpdatedCursorPagination):
    """Transfers, in the order they were requested (`updated_since` finds those answered)."""

    ordering = ("requested_at", "id")
