from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import Action
from audit.services import record
from followup import selectors as followup_selectors
from organisations.permissions import can_do_casework
from plans.selectors import current_plans
from webforms.redirects import safe_next
from webforms.submissions import earlier_result, show_earlier, submit_once

from . import search, selectors, services
from .duplicates import duplicates_for
from .exports import caseload_workbook
from .filters import CaseloadFilter
from .forms import (
    INTAKE_CONSENT_FIELDS,
    AssignForm,
    CaseForm,
    ConsentForm,
    ConsentWithdrawForm,
    CounsellingSessionForm,
    ExportForm,
    IntakeForm,
    PhaseChangeForm,
    SensitiveFactsForm,
    show_service_errors,
)
from .models import Case
from .permissions import (
    active_membership,
    allowed_phase_moves,
    can_add_casework,
    can_assign_case,
    can_edit_case,
    can_edit_sensitive_facts,
    can_export_identities,
    can_register_cases,
    can_see_team,
    home_is_dashboard,
    visible_case_categories,
)
from .signals import exported
from .visibility import HEALTH, shown

CASES_PER_PAGE = 25


def _caseload_page(request, caseload: CaseloadFilter):
    """A page of ids picked in caseload order, then those cases fetched whole."""
    narrow = caseload.filter_revealing if caseload.narrows() else None
    # Narrowed, what other organisations share is read once, for the parts, the count and
    # the page's rows. Otherwise the page's ids are picked from the grants' rows in the
    # database, each with what is read of its case.
    grants = selectors.shared_grants(request.user) if narrow else None
    number = request.GET.get("page")
    ids = selectors.CaseloadIds(
        selectors.caseload_ids(request.user, narrow, grants), number, CASES_PER_PAGE
    )
    page = Paginator(ids, CASES_PER_PAGE).get_page(number)
    rows = page.object_list
    grants = selectors.page_grants(request.user, rows) if grants is None else grants
    page.object_list = selectors.caseload_rows(request.user, [row[0] for row in rows], grants)
    return page


def _closed(request, case: Case):
    """A closed case takes no new work: back to it, saying how to reopen it."""
    messages.error(request, _("This case is closed. Reopen it (move it to intake) first."))
    return redirect("cases:detail", pk=case.pk)


@login_required
def home(request):
    """Where signing in lands: the page each person's work starts from."""
    if home_is_dashboard(request.user):
        return redirect("dashboards:dashboard")
    if can_do_casework(request.user):
        return redirect("plans:my-work")
    return redirect("cases:list")


@login_required
def case_list(request):
    """The caseload: my cases first, then the organisation's; search, filters and pages.

    A search is posted; its text is kept out of the URL (see `search.py`)."""
    query = request.GET.copy()
    if request.method == "POST" or search.TEXT in request.GET:
        query = search.query_without_name(request, request.POST or request.GET)
        url = reverse("cases:list") + (f"?{query.urlencode()}" if query else "")
        if not (request.method == "POST" and request.headers.get("HX-Request")):
            return redirect(url)
    data, expired = search.caseload_data(request, query)
    if expired:
        messages.warning(request, _("That search has expired. Search again."))
    caseload = CaseloadFilter(data or None, queryset=Case.objects.none())
    page = _caseload_page(request, caseload)
    record(request, action=Action.LIST, cases=page.object_list)
    query.pop("page", None)
    context = {
        "page": page,
        "filter": caseload,
        "query": query.urlencode(),
        "can_register": can_register_cases(request.user),
        "today": timezone.localdate(),
    }
    if request.headers.get("HX-Request"):
        response = render(request, "cases/_caseload_table.html", context)
        if request.method == "POST":
            response["HX-Push-Url"] = url  # the history gets the search's id, not its text
        return response
    return render(request, "cases/case_list.html", context)


@login_required
def case_detail(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    record(request, action=Action.VIEW, case=case)
    seen = visible_case_categories(request.user, case)
    sensitive = HEALTH in seen
    editable = can_edit_case(request.user, case)
    can_assign = editable and can_assign_case(request.user, case)
    casework = can_add_casework(request.user, case)
    facts = getattr(case, "sensitive_facts", None) if sensitive else None
    context = {
        "case": case,
        "shown": shown(case, seen),
        "can_edit": editable,
        "can_assign": can_assign,
        "seen": seen,
        "show_sensitive": sensitive,
        "can_edit_sensitive": sensitive and can_edit_sensitive_facts(request.user, case),
        "sensitive_facts": shown(facts, seen) if facts is not None else None,
        "exploitations": selectors.exploitation_list_for_case(case, seen),
        "consents": selectors.consent_list_for_case(case, seen),
        "sessions": selectors.counselling_session_list_for_case(case, seen),
        "timeline": selectors.case_timeline(case, seen),
        "shared_with": selectors.organisations_with_access(case, seen) if editable else (),
        "can_add_casework": casework,
        # For the plan section and the documents' "attach to": one query for both.
        "plans": list(current_plans(case)) if editable or casework else (),
        "phase_form": (
            PhaseChangeForm(case=case, user=request.user)
            if allowed_phase_moves(request.user, case)
            else None
        ),
        "team": selectors.worker_choices(case.organisation) if can_assign else (),
    }
    return render(request, "cases/case_detail.html", context)


def _consent_errors_to_intake(error: ValidationError) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    renamed = {INTAKE_CONSENT_FIELDS.get(k, k): v for k, v in error.error_dict.items()}
    return ValidationError(renamed)


@login_required
def case_create(request):
    """Intake: consent first, then identity, trafficking facts and risk; warns of duplicates."""
    if not can_register_cases(request.user):
        raise Http404
    form = IntakeForm(request.POST or None)
    duplicates, unnamed_duplicates = [], False
    if request.method == "POST" and form.is_valid():
        earlier = earlier_result(user=request.user, token=form.submission)
        if earlier:
            return show_earlier(request, earlier)
        arguments = form.service_arguments()
        duplicates, unnamed_duplicates = duplicates_for(
            request.user,
            name_latin=arguments["name_latin"],
            name_khmer=arguments["name_khmer"],
            date_of_birth=arguments["date_of_birth"],
            origin_province_id=getattr(form.cleaned_data["origin_province"], "pk", None),
        )
        if duplicates:
            record(request, action=Action.LIST, cases=duplicates)
        if not (duplicates or unnamed_duplicates) or form.cleaned_data["not_a_duplicate"]:
            try:
                done = submit_once(
                    user=request.user,
                    token=form.submission,
                    create=lambda: services.case_intake(
                        actor=request.user, consent=form.consent_arguments(), **arguments
                    ),
                    url_for=lambda case: reverse("cases:detail", args=[case.pk]),
                )
            except ValidationError as error:
                show_service_errors(form, _consent_errors_to_intake(error))
            else:
                if done.repeated:
                    return show_earlier(request, done.url)
                case = done.obj
                record(request, action=Action.CREATE, case=case)
                messages.success(
                    request, _("Case %(number)s registered.") % {"number": case.case_number}
                )
                return redirect("cases:detail", pk=case.pk)
    context = {"form": form, "duplicates": duplicates, "unnamed_duplicates": unnamed_duplicates}
    return render(request, "cases/intake.html", context)


@login_required
def consent_create(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk, perm="change")
    if not can_add_casework(request.user, case):
        return _closed(request, case)
    form = ConsentForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            done = submit_once(
                user=request.user,
                token=form.submission,
                create=lambda: services.consent_record(
                    actor=request.user, case=case, **form.cleaned_data
                ),
                url_for=lambda consent: reverse("cases:detail", args=[case.pk]),
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            if done.repeated:
                return show_earlier(request, done.url)
            consent = done.obj
            record(request, action=Action.CREATE, case=case, obj=consent)
            messages.success(request, _("Consent recorded."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/consent_form.html", {"form": form, "case": case})


@login_required
def consent_withdraw(request, pk: int, consent_pk: int):
    """Withdrawing consent is asked for first: the date, the reason, and which partners lose
    access to the case when it goes."""
    from referrals.selectors import organisations_relying_on_consent

    case = selectors.case_get_for_user(user=request.user, pk=pk, perm="change")
    seen = visible_case_categories(request.user, case)
    consent = get_object_or_404(
        selectors.consents_for_case(case, seen).select_related("shared_with_organisation"),
        pk=consent_pk,
    )
    if consent.withdrawn_on is not None:
        messages.error(request, _("This consent was already withdrawn."))
        return redirect("cases:detail", pk=case.pk)
    form = ConsentWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(actor=request.user, consent=consent, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            show_service_errors(form, error)
        else:
            record(request, action=Action.CONSENT_WITHDRAWAL, case=case, obj=consent)
            messages.success(request, _("Consent withdrawn."))
            return redirect("cases:detail", pk=case.pk)
    context = {
        "case": case,
        "consent": consent,
        "form": form,
        "partners": organisations_relying_on_consent(consent),
    }
    return render(request, "cases/consent_withdraw.html", context)


@login_required
@require_POST
def case_assign(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk, perm="change")
    if not can_assign_case(request.user, case):
        raise Http404
    # Where to go back is decided before anything is written: an odd address never turns
    # a saved assignment into an error page.
    back = safe_next(request, request.POST.get("next"), reverse("cases:detail", args=[case.pk]))
    form = AssignForm(request.POST, organisation=case.organisation)
    if form.is_valid():
        try:
            services.case_assign(actor=request.user, case=case, worker=form.cleaned_data["worker"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            record(request, action=Action.UPDATE, case=case)
            messages.success(request, _("Case reassigned."))
    else:
        messages.error(request, _("Choose a worker of this organisation."))
    return HttpResponseRedirect(back)


WORKERS_PER_PAGE = 50
REASSIGN_HERE_UP_TO = 30  # workers; at most a page of them (WORKERS_PER_PAGE)


@login_required
def team(request):
    """The supervisor's view: who carries how many cases, and who has not been seen."""
    if not can_see_team(request.user):
        raise Http404
    organisation = active_membership(request.user).organisation
    no_contact = list(selectors.cases_without_recent_contact(request.user)[:100])
    needing_worker = list(followup_selectors.cases_needing_worker(request.user))
    listed = {case.pk: case for case in [*no_contact, *needing_worker]}
    record(request, action=Action.LIST, cases=list(listed.values()))
    workers = Paginator(selectors.team_of(organisation), WORKERS_PER_PAGE)
    workers = workers.get_page(request.GET.get("page"))
    # A select of the whole team on every row of a hundred, beyond a few dozen names, is
    # megabytes on a phone and no help to pick from: a large team reassigns on the case page.
    reassign_here = workers.paginator.count <= REASSIGN_HERE_UP_TO
    context = {
        "workers": workers,
        "team": selectors.as_choices(workers) if reassign_here else (),
        "reassign_here": reassign_here,
        "no_contact": no_contact,
        "cases_needing_worker": needing_worker,
        "refused_addresses": followup_selectors.refused_email_addresses(organisation),
        "days": selectors.NO_CONTACT_DAYS,
        "assign_form": AssignForm(organisation=organisation),
    }
    return render(request, "cases/team.html", context)


@login_required
def case_edit(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk, perm="change")
    if not can_add_casework(request.user, case):
        return _closed(request, case)
    form = CaseForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(
                actor=request.user, case=case, version=form.version, **form.service_arguments()
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            record(request, action=Action.UPDATE, case=case)
            messages.success(request, _("Case updated."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "case": case})


@login_required
def case_sensitive_facts_edit(request, pk: int):
    """HIV status, health notes and legal case details: shown and changed only by those who
    may see them; for anyone else the page does not exist."""
    case = selectors.case_get_for_user(user=request.user, pk=pk, perm="change")
    if not can_edit_sensitive_facts(request.user, case):
        raise Http404
    facts = getattr(case, "sensitive_facts", None)
    initial = {}
    if facts is not None:
        initial = {name: getattr(facts, name) for name in SensitiveFactsForm.base_fields}
    form = SensitiveFactsForm(request.POST or None, initial=initial, version_of=facts)
    if request.method == "POST" and form.is_valid():
        try:
            facts = services.case_sensitive_facts_update(
                actor=request.user, case=case, version=form.version, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            show_service_errors(form, error)
        else:
            record(request, action=Action.UPDATE, case=case, obj=facts)
            messages.success(request, _("Health and legal facts saved."))
            return redirect("cases:detail", pk=case.pk)
    else:
        record(request, action=Action.VIEW, case=case, obj=facts)
    context = {
        "form": form,
        "case": case,
        "history": selectors.sensitive_facts_history(case),
    }
    return render(request, "cases/sensitive_facts_form.html", context)


@login_required
@require_POST
def case_phase_change(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk, perm="change")
    form = PhaseChangeForm(request.POST, case=case, user=request.user)
    if form.is_valid():
        try:
            services.case_change_phase(actor=request.user, case=case, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            show_service_errors(form, error)
        else:
            record(request, action=Action.PHASE_CHANGE, case=case)
            messages.success(request, _("Phase changed."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/phase_change.html", {"case": case, "form": form}, status=400)


@login_required
def counselling_session_create(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk, perm="change")
    if not can_add_casework(request.user, case):
        return _closed(request, case)
    form = CounsellingSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = submit_once(
                user=request.user,
                token=form.submission,
                create=lambda: services.counselling_session_log(
                    actor=request.user, case=case, **form.cleaned_data
                ),
                url_for=lambda session: reverse("cases:detail", args=[case.pk]),
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            if done.repeated:
                return show_earlier(request, done.url)
            session = done.obj
            record(request, action=Action.CREATE, case=case, obj=session)
            messages.success(request, _("Counselling session logged."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/session_form.html", {"form": form, "case": case})


@login_required
def caseload_export(request):
    """The filtered caseload as a password-protected spreadsheet, for supervisors."""
    if not can_export_identities(request.user):
        raise Http404
    data, _expired = search.caseload_data(request, request.GET)
    caseload = CaseloadFilter(
        data or None,
        queryset=selectors.caseload_for(request.user),
        reveals=selectors.case_reveals(request.user),
    )
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        content = caseload_workbook(
            actor=request.user, cases=caseload.qs, password=form.cleaned_data["password"]
        )
        exported.send(sender=Case, request=request, cases=caseload.qs, what="caseload.xlsx")
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="caseload-{stamp}.xlsx"'
        return response
    return render(request, "cases/export.html", {"form": form, "count": caseload.qs.count()})
