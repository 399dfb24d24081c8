"""Pages of documents: the upload form (for a case, a consent, a reintegration plan, a legal
proceeding or the cross-border return), each record's documents, and the download. Files are
only ever served here, after the access check, as attachments; each download is in the access
log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import record
from cases.forms import show_service_errors
from cases.permissions import visible_case_categories
from cases.selectors import case_get_for_user, consents_for_case
from legal import selectors as legal_selectors
from returns import selectors as return_selectors

from . import selectors, services
from .forms import DocumentForm
from .models import Category
from .permissions import can_upload_documents, uploadable_categories


def _upload_page(request, case, *, done, initial=None, **attachment):
    """`attachment`: at most one of consent, plan, proceeding, cross_border_return."""
    if not can_upload_documents(request.user, case):
        raise Http404("No such case.")
    record_to = next((value for value in attachment.values() if value is not None), None)
    categories = uploadable_categories(request.user, case)
    posted = request.method == "POST"
    form = DocumentForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        categories=categories,
        initial_category=initial,
    )
    if posted and form.is_valid():
        try:
            document = services.document_upload(
                actor=request.user,
                case=case,
                file=form.cleaned_data["file"],
                category=form.cleaned_data["category"],
                **attachment,
            )
        except (ValidationError, PermissionDenied) as error:
            show_service_errors(form, error)
        else:
            record(request, action=Action.CREATE, case=case, obj=document)
            messages.success(request, _("Document added."))
            return redirect(done)
    attached = None
    if record_to is not None:
        visible = selectors.documents_for_case(user=request.user, case=case)
        attached = list(visible.filter(**{name: value for name, value in attachment.items()}))
    record(request, action=Action.VIEW, case=case, obj=record_to)
    return render(
        request,
        "documents/upload.html",
        {"case": case, "form": form, "documents": attached, **attachment},
    )


@login_required
def case_upload(request, case_pk: int):
    case = case_get_for_user(user=request.user, pk=case_pk, perm="change")
    return _upload_page(request, case, done=reverse("cases:detail", args=[case.pk]))


@login_required
def consent_documents(request, case_pk: int, consent_pk: int):
    """A consent's documents (the signed consent form) and the form to add one."""
    case = case_get_for_user(user=request.user, pk=case_pk, perm="change")
    seen = visible_case_categories(request.user, case)
    consent = get_object_or_404(consents_for_case(case, seen), pk=consent_pk)
    return _upload_page(
        request,
        case,
        done=request.path,
        consent=consent,
        initial=Category.CONSENT_FORM,
    )


@login_required
def plan_documents(request, case_pk: int, plan_pk: int):
    """A reintegration plan's documents and the form to add one."""
    case = case_get_for_user(user=request.user, pk=case_pk, perm="change")
    plan = get_object_or_404(case.plans, pk=plan_pk)
    return _upload_page(request, case, done=request.path, plan=plan)


@login_required
def proceeding_documents(request, case_pk: int, proceeding_pk: int):
    """A legal proceeding's documents (court papers) and the form to add one: for who may
    record legal detail, a 404 for anyone else."""
    proceeding = legal_selectors.proceeding_get_for_recording(
        user=request.user, case_pk=case_pk, pk=proceeding_pk
    )
    return _upload_page(
        request, proceeding.case, done=request.path, proceeding=proceeding, initial=Category.LEGAL
    )


@login_required
def return_documents(request, case_pk: int):
    """The cross-border return's documents (a travel document, the acceptance letter) and the
    form to add one: for who may record the return, a 404 for anyone else."""
    ret = return_selectors.return_get_for_recording(user=request.user, case_pk=case_pk)
    return _upload_page(
        request, ret.case, done=request.path, cross_border_return=ret, initial=Category.IDENTITY
    )


def attachment_response(document, content: bytes) -> HttpResponse:
    """The file as a download: never shown inline, never cached, never sniffed as another
    type."""
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=document.original_name
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Length"] = str(len(content))
    return response


@login_required
def download(request, pk: int):
    document = selectors.document_get_for_user(user=request.user, pk=pk)
    content = services.document_content(document)
    record(request, action=Action.VIEW, case=document.case, obj=document)
    return attachment_response(document, content)
