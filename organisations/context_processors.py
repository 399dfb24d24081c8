from .models import Role


def navigation(request):
    """What the menu offers, by the signed-in person's role."""
    user = getattr(request, "user", None)
    membership = user.membership_or_none if user and user.is_authenticated else None
    role = membership.role if membership and membership.organisation.is_active else None
    return {
        "nav": {
            "role": role,
            "casework": role in (Role.SOCIAL_WORKER, Role.SUPERVISOR, Role.ORG_ADMIN),
            "supervises": role in (Role.SUPERVISOR, Role.ORG_ADMIN),
            "administers": role == Role.ORG_ADMIN,
            "officer": role == Role.MINISTRY_OFFICER,
            "organisation": membership.organisation if role else None,
        }
    }
