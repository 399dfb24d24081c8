"""The caseload as a spreadsheet for supervisors, encrypted with a password they choose.

Excel and LibreOffice open it after asking for the password; without it the file is
AES-encrypted noise (ECMA-376 agile encryption, by msoffcrypto-tool). Health facts and
counselling notes never go into an export."""

import io

import msoffcrypto
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook

from organisations.models import User

from .models import Case
from .permissions import can_export_identities
from .selectors import shown_caseload_row
from .spreadsheets import spreadsheet_safe

MINIMUM_PASSWORD = 12


def _rows(cases: QuerySet[Case]):
    yield [
        _("Case number"), _("Name (Latin script)"), _("Name (Khmer script)"), _("Nationality"),
        _("Sex"),
        _("Date of birth"), _("Minor at intake"), _("Province of origin"), _("Phase"),
        _("Risk"), _("Social worker"), _("Intake date"), _("Organisation"),
    ]  # fmt: skip
    for row in cases:
        # Every cell through the declaration (cases.visibility): a field the supervisor may
        # not see of a shared case is left empty.
        case = shown_caseload_row(row)
        yield [
            case.case_number,
            case.name_latin or "",
            case.name_khmer or "",
            case.nationality.name if case.nationality else "",
            case.get_sex_display() if case.sex else "",
            case.date_of_birth,
            _yes_no(case.minor_at_intake),
            case.origin_province.name_en if case.origin_province else "",
            case.get_phase_display() if case.phase else "",
            case.get_risk_level_display() if case.risk_level else "",
            (case.assigned_worker.get_full_name() or case.assigned_worker.username)
            if case.assigned_worker
            else "",
            case.intake_date,
            case.organisation.short_name,
        ]


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def caseload_workbook(*, actor: User, cases: QuerySet[Case], password: str) -> bytes:
    if not can_export_identities(actor):
        raise PermissionDenied(_("Only supervisors export the caseload."))
    if len(password) < MINIMUM_PASSWORD:
        raise ValueError(MINIMUM_PASSWORD)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Caseload"))
    for row in _rows(cases):
        sheet.append([spreadsheet_safe(v) if isinstance(v, str) else v for v in row])
    plain = io.BytesIO()
    workbook.save(plain)
    plain.seek(0)
    encrypted = io.BytesIO()
    office_file = msoffcrypto.OfficeFile(plain)
    office_file.encrypt(password, encrypted)
    return encrypted.getvalue()
