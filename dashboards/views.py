"""Dashboard pages and exports: aggregates only, for ministry officers and supervisors."""

import csv
import io

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from audit.models import Action
from audit.reads import audit_exempt
from audit.services import record
from cases.spreadsheets import spreadsheet_safe

from . import charts
from .forms import DashboardFilterForm, organisations_for_filter, provinces_all
from .scope import ORGANISATION, dashboard_scope_for
from .tables import TABLE_SLUGS, Table, dashboard_numbers, dashboard_tables

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERTURBED_NOTE = gettext_lazy(
    "To protect survivors, every figure is slightly altered (by up to 2, the same way each "
    "time), values from 1 to 4 are shown as “<5”, a total may differ from the sum of its "
    "parts, and periods are whole months."
)
EXACT_NOTE = gettext_lazy(
    "Exact counts of your own organisation's cases; figures shown to the ministries are "
    "slightly altered to protect survivors."
)
TOO_FEW = gettext_lazy("Too few cases to show: choose a wider period or fewer filters.")


def _note(scope) -> str:
    return str(EXACT_NOTE if scope.kind == ORGANISATION else PERTURBED_NOTE)


def _dashboard(request):
    """The scope (404 for anyone without a dashboard), the filter form and the filters."""
    if not request.user.is_authenticated:
        raise Http404("No dashboard.")
    scope = dashboard_scope_for(request.user)
    provinces = list(provinces_all())
    form = DashboardFilterForm(
        request.GET or None,
        scope=scope,
        provinces=provinces,
        organisations=organisations_for_filter(scope),
    )
    return scope, form, form.filters(), provinces


@audit_exempt(
    "Figures under disclosure control, never a survivor's record; its exports are recorded."
)
@require_GET
def dashboard(request):
    scope, form, filters, provinces = _dashboard(request)
    today = timezone.localdate()
    numbers = dashboard_numbers(scope, filters, today=today)
    tables = dashboard_tables(scope, filters, today=today, numbers=numbers)
    context = {
        "scope": scope,
        "form": form,
        "note": _note(scope),
        "today": today,
        # Changes the summary has not caught up with (dashboards/summary.py, LIVE_CASES).
        "waiting_since": numbers.get("changes_waiting_since"),
    }
    if not tables:
        context["too_few"] = TOO_FEW
        return render(request, "dashboards/dashboard.html", context)
    language = get_language()
    province_table = tables[0]
    tiles = [
        (p.code, str(label), p.name_km, value)
        # The map has the provinces; the table's last row, no province in Cambodia, is not one.
        for p, (label, value) in zip(
            provinces, province_table.bars()[: len(provinces)], strict=True
        )
    ]
    map_title = _("Map of caseload by province of origin")
    largest = max((value for *_rest, value in tiles if value), default=0)
    query = urlencode(filters.as_query())
    sections = [
        {
            "table": table,
            "chart": charts.bar_chart(table.title, table.bars()),
            "csv": _export_url(table.slug, "csv", query),
            "xlsx": _export_url(table.slug, "xlsx", query),
        }
        for table in tables
    ]
    context |= {
        "sections": sections,
        "tile_map": charts.province_tile_grid(map_title, tiles, language),
        "legend": charts.legend(largest),
    }
    return render(request, "dashboards/dashboard.html", context)


def _export_url(slug: str, fmt: str, query: str) -> str:
    url = reverse("dashboards:export", args=[slug, fmt])
    return f"{url}?{query}" if query else url


def _export_rows(table: Table | None, scope, filters_text: str) -> list[list[str]]:
    rows = [[table.title if table else ""], [_("Scope"), scope.organisation_name]]
    if filters_text:
        rows.append([_("Filters"), filters_text])
    rows.append([_note(scope)])
    if table is None:
        rows.append([str(TOO_FEW)])
        return rows
    if table.note:
        rows.append([table.note])
    rows.append([])
    rows.append(table.header())
    rows.extend(table.body())
    footer = table.footer()
    if footer:
        rows.append(footer)
    return rows


@require_GET
def export(request, table: str, fmt: str):
    if table not in TABLE_SLUGS or fmt not in ("csv", "xlsx"):
        raise Http404("No such table.")
    scope, form, filters, _provinces = _dashboard(request)
    tables = dashboard_tables(scope, filters, today=timezone.localdate())
    chosen = next((t for t in tables if t.slug == table), None)
    filters_text = ", ".join(f"{k}={v}" for k, v in filters.as_query().items())
    rows = [
        [spreadsheet_safe(cell) for cell in row]
        for row in _export_rows(chosen, scope, filters_text)
    ]
    filename = f"homecoming-{table}-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        title = chosen.title if chosen else table
        response = HttpResponse(_xlsx(title, rows), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    record(request, action=Action.EXPORT)  # aggregates: no case, the path names the table
    return response


def _xlsx(title: str, rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31].translate({ord(c): " " for c in "[]:*?/\\"})
    for row in rows:
        # Counts go in as numbers so that they sum; "<5" and labels stay text.
        sheet.append([int(cell) if cell.isdigit() else cell for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
