from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import Action
from audit.reads import audit_exempt, audited
from audit.services import record
from cases.forms import show_service_errors
from cases.permissions import can_edit_case, visible_case_categories
from cases.selectors import case_get_for_user
from cases.visibility import shown
from webforms.responses import bad_request_response
from webforms.submissions import show_earlier, submit_once

from . import selectors, services
from .charts import followup_chart
from .forms import (
    CommunityResourceForm,
    HandOverForm,
    NotificationReadForm,
    ResourceFilterForm,
    VisitAddForm,
    VisitCancelForm,
    VisitMissedForm,
    VisitMoveForm,
    VisitRecordForm,
)
from .models import VisitStatus
from .permissions import can_add_community_resources

PER_PAGE = 50


@login_required
def week(request):
    visits = list(selectors.visits_for_worker_this_week(request.user))
    record(request, action=Action.LIST, cases=[visit.case_id for visit in visits])
    return render(request, "followup/week.html", {"visits": visits})


@dataclass(frozen=True)
class PageWithoutCount:
    """A page of a list too long to count on every view (an organisation's overdue visits
    are thousands, and counting them cost more than the rest of the page): one row more
    than the page is read to know whether a next page exists."""

    object_list: list
    number: int
    has_next: bool

    @classmethod
    def of(cls, queryset, number: str | None, per_page: int) -> "PageWithoutCount":
        try:
            page = max(int(number or 1), 1)
        except ValueError:
            page = 1
        start = (page - 1) * per_page
        rows = list(queryset[start : start + per_page + 1])
        return cls(rows[:per_page], page, len(rows) > per_page)

    def __iter__(self):
        return iter(self.object_list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


@login_required
def overdue(request):
    # The columns the list shows: fifty whole visits and cases cost more to build than to read.
    visits = selectors.visits_overdue_for(request.user).only(
        "scheduled_for",
        "case__case_number",
        "case__organisation_id",
        "assigned_worker__first_name",
        "assigned_worker__last_name",
        "assigned_worker__username",
    )
    page = PageWithoutCount.of(visits, request.GET.get("page"), PER_PAGE)
    record(request, action=Action.LIST, cases=[visit.case_id for visit in page])
    return render(request, "followup/overdue.html", {"page": page})


@login_required
def visit_detail(request, pk: int):
    """The visit and, for a planned visit the user may edit, the form to record it."""
    visit = selectors.visit_get_for_user(user=request.user, pk=pk)
    if request.method != "POST":
        record(request, action=Action.VIEW, obj=visit)
    can_edit = can_edit_case(request.user, visit.case)
    editable = visit.status == VisitStatus.PLANNED and can_edit
    if request.method == "POST" and not can_edit:
        raise Http404("No such visit.")
    # The resources of the survivor's home province: none for one with no home in Cambodia.
    province = visit.case.origin_province_id
    resources = (
        selectors.community_resources_for(request.user, province=province) if province else None
    )
    form = VisitRecordForm(request.POST or None, instance=visit, resources=resources)
    if request.method == "POST" and form.is_valid():
        try:
            # A visit recorded meanwhile by someone else is refused by the service, with
            # what changed, and the form keeps what this person typed.
            services.visit_record(
                actor=request.user, visit=visit, version=form.version, **form.service_arguments()
            )
        except (ValidationError, PermissionDenied) as error:
            show_service_errors(form, error)
        else:
            record(request, action=Action.UPDATE, obj=visit)
            messages.success(request, _("Visit recorded."))
            return redirect("followup:history", case_pk=visit.case_id)
    if request.method == "POST":
        visit.refresh_from_db()
    context = {
        "visit": shown(visit, visible_case_categories(request.user, visit.case)),
        "editable": editable,
        "form": form if editable or form.errors else None,
        "missed_form": VisitMissedForm() if editable else None,
        "can_miss": editable and visit.scheduled_for <= timezone.localdate(),
    }
    return render(
        request, "followup/visit_detail.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def visit_missed(request, pk: int):
    visit = selectors.visit_get_for_user(user=request.user, pk=pk, perm="change")
    form = VisitMissedForm(request.POST)
    if form.is_valid():
        try:
            services.visit_record_missed(actor=request.user, visit=visit, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            record(request, action=Action.UPDATE, obj=visit)
            messages.success(request, _("Missed visit recorded."))
    return redirect("followup:history", case_pk=visit.case_id)


def _visit_change(request, pk: int, form_class, service, template: str, done: str):
    visit = selectors.visit_get_for_user(user=request.user, pk=pk, perm="change")
    form = form_class(request.POST or None, version_of=visit)
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, visit=visit, version=form.version, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            show_service_errors(form, error)
        else:
            record(request, action=Action.UPDATE, obj=visit)
            messages.success(request, done)
            return redirect("followup:history", case_pk=visit.case_id)
    status = 400 if form.errors else 200
    return render(request, template, {"visit": visit, "form": form}, status=status)


@login_required
def visit_move(request, pk: int):
    return _visit_change(
        request, pk, VisitMoveForm, services.visit_move, "followup/visit_move.html", _("Moved.")
    )


@login_required
def visit_cancel(request, pk: int):
    return _visit_change(
        request,
        pk,
        VisitCancelForm,
        services.visit_cancel,
        "followup/visit_cancel.html",
        _("Visit cancelled."),
    )


@login_required
def visit_add(request, case_pk: int):
    case = case_get_for_user(user=request.user, pk=case_pk, perm="change")
    form = VisitAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = submit_once(
                user=request.user,
                token=form.submission,
                create=lambda: services.visit_add(
                    actor=request.user, case=case, **form.cleaned_data
                ),
                url_for=lambda visit: reverse("followup:history", args=[case.pk]),
            )
        except (ValidationError, PermissionDenied) as error:
            show_service_errors(form, error)
        else:
            if done.repeated:
                return show_earlier(request, done.url)
            visit = done.obj
            record(request, action=Action.CREATE, case=case, obj=visit)
            messages.success(request, _("Visit planned."))
            return redirect("followup:history", case_pk=case.pk)
    status = 400 if form.errors else 200
    return render(request, "followup/visit_add.html", {"case": case, "form": form}, status=status)


@login_required
def history(request, case_pk: int):
    case = case_get_for_user(user=request.user, pk=case_pk)
    record(request, action=Action.VIEW, case=case)
    # What the visits found is shown as the declaration allows (cases.visibility), as the
    # API shows it: nothing of it to a receiver given identity only.
    seen = visible_case_categories(request.user, case)
    visits = [shown(visit, seen) for visit in selectors.followup_history_for_case(case, seen)]
    context = {
        "case": case,
        "visits": visits,
        "chart": followup_chart(visits),
        "can_edit": can_edit_case(request.user, case),
    }
    return render(request, "followup/history.html", context)


@audit_exempt("The community resource directory: monks, village chiefs, schools; no survivor.")
@login_required
def resource_list(request):
    form = ResourceFilterForm(request.GET or None)
    province = commune = None
    if form.is_valid():
        province = form.cleaned_data["province"].pk if form.cleaned_data["province"] else None
        commune = form.cleaned_data["commune"].strip() or None
    resources = selectors.community_resources_for(request.user, province, commune)
    page = Paginator(resources, PER_PAGE).get_page(request.GET.get("page"))
    can_add = can_add_community_resources(request.user)
    return render(
        request, "followup/resource_list.html", {"form": form, "page": page, "can_add": can_add}
    )


@audit_exempt("Adds to the community resource directory; no survivor data.")
@login_required
def resource_create(request):
    form = CommunityResourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = submit_once(
                user=request.user,
                token=form.submission,
                create=lambda: services.community_resource_create(
                    actor=request.user, **form.service_arguments()
                ),
                url_for=lambda resource: reverse("followup:resources"),
            )
        except (ValidationError, PermissionDenied) as error:
            show_service_errors(form, error)
        else:
            if done.repeated:
                return show_earlier(request, done.url)
            messages.success(request, _("Added to the directory."))
            return redirect("followup:resources")
    status = 400 if form.errors else 200
    return render(request, "followup/resource_form.html", {"form": form}, status=status)


@audit_exempt(
    "The person's own reminders (a case number and a date, sent to them); the visit pages "
    "they link to are audited."
)
@login_required
def notifications(request):
    mine = selectors.notifications_for(request.user)
    if request.method == "POST":
        form = NotificationReadForm(request.POST)
        if not form.is_valid():
            return bad_request_response(request, _("No such notification."))
        unread = mine.filter(read_at__isnull=True)
        if form.cleaned_data["notification"]:
            unread = unread.filter(pk=form.cleaned_data["notification"])
        unread.update(read_at=timezone.now())
        return redirect("followup:notifications")
    page = Paginator(mine, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "followup/notifications.html", {"page": page})


@audited
@login_required
def person_deactivate(request, pk: int):
    """Ask first: the person's open cases and planned visits, and who takes them over."""
    person = selectors.person_get_for_deactivation(user=request.user, pk=pk)
    form = HandOverForm(request.POST if request.method == "POST" else None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_deactivate(
                actor=request.user, person=person, successor=form.cleaned_data["successor"]
            )
        except (ValidationError, PermissionDenied) as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s was deactivated.")
                % {"name": person.get_full_name() or person.username},
            )
            return redirect("organisations:people")
    cases, visits = selectors.person_open_work(person)
    cases, visits = list(cases), list(visits)
    record(request, action=Action.LIST, cases=cases)
    context = {"person": person, "form": form, "open_cases": cases, "visits": visits}
    return render(request, "followup/person_deactivate.html", context)
