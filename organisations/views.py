from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from . import selectors, services
from .forms import InviteForm, RoleForm
from .permissions import administered_organisation, grantable_role_choices, grantable_roles


def _administered_organisation(request):
    organisation = administered_organisation(request.user)
    if organisation is None:
        raise Http404
    return organisation


@login_required
def place_options(request):
    """`<option>`s of the next level down, for the chained place pickers."""
    # htmx sends the picked place under its own field name, beside `level`.
    parent = next((value for key, value in request.GET.items() if key != "level"), "")
    places = selectors.place_children(level=request.GET.get("level", ""), parent=parent)
    return render(request, "organisations/_place_options.html", {"places": places})


@require_POST
def set_language(request):
    """Django's language switch, remembered for the signed-in person on every device."""
    if request.user.is_authenticated:
        try:
            services.user_set_language(user=request.user, language=request.POST.get("language", ""))
        except ValidationError:
            pass  # Django's view ignores an unknown language the same way.
    return django_set_language(request)


def _set_password_link(request, user) -> str:
    return request.build_absolute_uri(services.sign_in_link_path(user=user))


def _send_link(person, link: str) -> None:
    if person.email:
        send_mail(
            _("Your Homecoming account"),
            _("Choose your password here: %(link)s") % {"link": link},
            None,
            [person.email],
        )


def _people_page(request, organisation, *, form=None, link=None, linked_person=None):
    context = {
        "organisation": organisation,
        "members": selectors.members_of(organisation),
        "form": form or InviteForm(roles=grantable_roles(organisation)),
        "link": link,
        "linked_person": linked_person,
        "roles": grantable_role_choices(organisation),
    }
    return render(request, "organisations/people.html", context)


@login_required
def people(request):
    organisation = _administered_organisation(request)
    roles = grantable_roles(organisation)
    form = InviteForm(request.POST or None, roles=roles)
    link = person = None
    if request.method == "POST" and form.is_valid():
        try:
            person = services.user_invite(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            link = _set_password_link(request, person)
            _send_link(person, link)
            messages.success(request, _("%(name)s was added.") % {"name": person.username})
            form = None
    return _people_page(request, organisation, form=form, link=link, linked_person=person)


@login_required
@require_POST
def person_reset_sign_in(request, pk: int):
    """A new one-time link for a person who lost their phone or never enrolled an authenticator."""
    organisation = _administered_organisation(request)
    person = selectors.member_get_for_admin(organisation=organisation, pk=pk)
    try:
        services.user_reset_sign_in(actor=request.user, user=person)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("organisations:people")
    link = _set_password_link(request, person)
    _send_link(person, link)
    return _people_page(request, organisation, link=link, linked_person=person)


@login_required
@require_POST
def person_role(request, pk: int):
    organisation = _administered_organisation(request)
    person = selectors.member_get_for_admin(organisation=organisation, pk=pk)
    form = RoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose a role."))
        services.user_set_role(actor=request.user, user=person, role=form.cleaned_data["role"])
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Role changed."))
    return redirect("organisations:people")


@login_required
@require_POST
def person_active(request, pk: int):
    organisation = _administered_organisation(request)
    person = selectors.member_get_for_admin(organisation=organisation, pk=pk)
    if request.POST.get("active") != "1":
        # Deactivation asks first and hands the person's work over, on its own page.
        return redirect("person-deactivate", pk=person.pk)
    try:
        services.user_set_active(
            actor=request.user, user=person, active=request.POST.get("active") == "1"
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Saved."))
    return redirect("organisations:people")
