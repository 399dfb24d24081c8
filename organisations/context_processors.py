from .permissions import active_membership


def navigation(request):
    """The organisation the signed-in person acts for (what they may do is `can`)."""
    user = getattr(request, "user", None)
    membership = active_membership(user) if user is not None else None
    return {"nav": {"organisation": membership.organisation if membership else None}}
