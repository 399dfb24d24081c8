from audit.models import AccessEvent


def events(**filters):
    return list(AccessEvent.objects.filter(**filters).order_by("id"))


def last_event():
    return AccessEvent.objects.order_by("-id").first()
