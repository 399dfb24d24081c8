from django.db import connection
from django.db.models import QuerySet
from rest_framework.pagination import CursorPagination

from cases import lookups  # noqa: F401  (registers pk__any_of)


class UpdatedCursorPagination(CursorPagination):
    """Oldest change first, so a partner syncing with updated_since walks forward in time;
    the id breaks ties between rows changed in the same instant."""

    ordering = ("updated_at", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class FirstOfEachPart:
    """A queryset as the cursor paginator reads it (ordered, narrowed to the cursor's
    position, sliced), with disjoint `parts` whose union it is: a page is read as the
    queryset's rows among the first rows of each part, each part in its own index order.
    One OR of the parts' conditions walks the whole order's index, testing every row against
    the sharing subqueries, to find the few the caller sees (on 200,000 cases, 5,000 rows
    read for a page of 51). Without parts (a database other than PostgreSQL, whose compound
    statements take no LIMIT) the queryset is read as it is. Rows are always read from
    `queryset`, so the visibility it carries holds whatever the parts are."""

    def __init__(self, queryset: QuerySet, parts: list[QuerySet]):
        self.queryset, self.parts = queryset, parts

    def order_by(self, *fields) -> "FirstOfEachPart":
        return FirstOfEachPart(
            self.queryset.order_by(*fields), [part.order_by(*fields) for part in self.parts]
        )

    def filter(self, *args, **kwargs) -> "FirstOfEachPart":
        return FirstOfEachPart(
            self.queryset.filter(*args, **kwargs),
            [part.filter(*args, **kwargs) for part in self.parts],
        )

    def __getitem__(self, rows: slice) -> QuerySet:
        if not self.parts or not isinstance(rows, slice) or rows.stop is None:
            return self.queryset[rows]
        firsts = [part.values("pk")[: rows.stop] for part in self.parts]
        ids = firsts[0].union(*firsts[1:], all=True) if len(firsts) > 1 else firsts[0]
        return self.queryset.filter(pk__any_of=ids)[rows]


class ChangedCursorPagination(UpdatedCursorPagination):
    """Cases, oldest change first as the caller reads them (`last_changed`, annotated from
    cases.selectors.case_last_changed): a case its organisation handed over stays where the
    handover put it, and the cursor in the page links carries that moment, not the live one.
    A view with `list_parts` has its pages read part by part (`FirstOfEachPart`)."""

    ordering = ("last_changed", "id")

    def paginate_queryset(self, queryset, request, view=None):
        by_parts = hasattr(view, "list_parts") and connection.vendor == "postgresql"
        parts = view.list_parts() if by_parts else []
        return super().paginate_queryset(FirstOfEachPart(queryset, parts), request, view)


class CodeCursorPagination(UpdatedCursorPagination):
    ordering = ("code",)


class NameCursorPagination(UpdatedCursorPagination):
    ordering = ("name", "id")


class OccurredCursorPagination(UpdatedCursorPagination):
    ordering = ("occurred_at", "id")


class CreatedCursorPagination(UpdatedCursorPagination):
    """Records listed in the order they were written (legal proceedings)."""

    ordering = ("created_at", "id")


class DateCursorPagination(UpdatedCursorPagination):
    """Hearings, by their day."""

    ordering = ("date", "id")


class RequestedCursorPagination(UpdatedCursorPagination):
    """Transfers, in the order they were requested (`updated_since` finds those answered)."""

    ordering = ("requested_at", "id")
