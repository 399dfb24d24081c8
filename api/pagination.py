from rest_framework.pagination import CursorPagination


class UpdatedCursorPagination(CursorPagination):
    """Oldest change first, so a partner syncing with updated_since walks forward in time;
    the id breaks ties between rows changed in the same instant."""

    ordering = ("updated_at", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ChangedCursorPagination(UpdatedCursorPagination):
    """Cases, oldest change first as the caller reads them (`last_changed`, annotated from
    cases.selectors.case_last_changed): a case its organisation handed over stays where the
    handover put it, and the cursor in the page links carries that moment, not the live one."""

    ordering = ("last_changed", "id")


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
