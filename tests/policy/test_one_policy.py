"""Role rules live in the policy modules alone: templates ask `can`, code asks named functions.

A page added next year that compares roles itself fails here, not in an outside test."""

import re
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from organisations.models import OrganisationKind, Role
from tests.organisations.factories import OrganisationFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]

# Where roles may be named: the policy modules, the models that define them, migrations,
# tests and the seeding of demo and bench data.
ALLOWED = re.compile(
    r"^(\.venv|tests|demo|bench|node_modules)/|/migrations/|(^|/)permissions\.py$|(^|/)models\.py$"
    r"|/management/commands/seed_(demo|bench)\.py$"
)


def _outside_policy(lines: list[str]) -> list[str]:
    return [line for line in lines if not ALLOWED.search(line.split(":")[0].removeprefix("./"))]


def _grep(pattern: str, *paths: str, include: str | None = None) -> list[str]:
    command = ["grep", "-rnE", "--exclude-dir=.venv", "--exclude-dir=.git", pattern, *paths]
    if include:
        command.insert(2, f"--include={include}")
    found = subprocess.run(  # noqa: S603 (a fixed command, no user input)
        command, cwd=ROOT, capture_output=True, text=True, check=False
    )
    return [line for line in found.stdout.splitlines() if line]


def test_templates_never_test_roles():
    assert _grep(r"\.role ?(==|!=|in )|Role\.|is_superuser", "templates") == []
    # What a person may do is `can.<action>`; `nav` only names their organisation.
    flags = re.compile(r"\bnav\.(?!organisation\b)\w+")
    assert [
        f"{path}: {flag}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for flag in flags.findall(path.read_text(encoding="utf-8"))
    ] == []


def test_role_names_appear_only_in_the_policy_modules():
    lines = _grep(r"Role\.|\"supervisor\"|'supervisor'", ".", include="*.py")
    outside = [
        line for line in lines if not ALLOWED.search(line.split(":", 1)[0].removeprefix("./"))
    ]
    assert outside == []


def test_role_comparisons_appear_only_in_the_policy_modules():
    lines = _grep(r"\.role ?(==|!=|in |not in )|role__in=|membership__role=", ".", include="*.py")
    outside = [
        line for line in lines if not ALLOWED.search(line.split(":", 1)[0].removeprefix("./"))
    ]
    assert outside == []


@pytest.mark.django_db
def test_the_menu_follows_the_policy(client_for, owner, supervisor, org_admin, officer):
    menu = {
        owner: {"Register", "Visits", "Referrals", "My work"},
        supervisor: {"Register", "Team", "Dashboards"},
        org_admin: {"People", "API keys", "Audit log", "Team"},
        officer: {"Dashboards", "Referrals"},
    }
    hidden = {
        owner: {"Team", "Dashboards", "People", "Audit log"},
        supervisor: {"People", "Audit log", "API keys"},
        org_admin: set(),
        officer: {"Register", "Visits", "Team", "People"},
    }
    for user, shown in menu.items():
        page = client_for(user).get(reverse("cases:list")).content.decode()
        nav = page.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
        links = set(re.findall(r">([^<>]+)</a>", nav))
        assert shown <= links, (user, links)
        assert not (hidden[user] & links), (user, links)


@pytest.mark.django_db
def test_changing_who_closes_does_not_decide_who_exports(monkeypatch, supervisor, case):
    """Each decision is its own function: closing, assigning, exporting and the team page."""
    from cases import permissions

    monkeypatch.setattr(permissions, "_supervises_case", lambda user, case: False)
    assert not permissions.can_close_case(supervisor, case)
    assert permissions.can_export_identities(supervisor)
    assert permissions.can_see_team(supervisor)


@pytest.mark.django_db
def test_a_ministry_has_no_register_page(client_for, ministry):
    worker = UserFactory(organisation=ministry, role=Role.SOCIAL_WORKER)
    client = client_for(worker)
    assert client.get(reverse("cases:create")).status_code in (403, 404)
    assert "Register" not in client.get(reverse("cases:list")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "registers"),
    [
        (OrganisationKind.NGO, True),
        (OrganisationKind.INTERNATIONAL, True),
        (OrganisationKind.MINISTRY, False),
        (OrganisationKind.PROVINCIAL_DEPARTMENT, False),
        (OrganisationKind.NATIONAL_BODY, False),
        (OrganisationKind.POLICE, False),
        (OrganisationKind.COURT, False),
        (OrganisationKind.HEALTH_FACILITY, False),
    ],
)
def test_only_case_working_kinds_register_cases(kind, registers):
    from cases.permissions import can_register_cases

    organisation = OrganisationFactory(kind=kind)
    assert can_register_cases(UserFactory(organisation=organisation, role=Role.SUPERVISOR)) == (
        registers
    )


def test_role_groups_are_named_once():
    """ "Supervisor or administrator" and the other groups of roles are written in
    organisations/permissions.py only; every other policy module asks its functions."""
    lines = _grep(r"Role\.[A-Z_]+ *(,|\}|\)|==|!=| in )", ".", include="*.py")
    elsewhere = [
        line
        for line in lines
        if line.split(":")[0].endswith("permissions.py")
        and not line.startswith("./organisations/permissions.py")
    ]
    assert elsewhere == []
