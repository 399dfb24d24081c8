"""The error summary at the top of a page whose form came back with errors (the GOV.UK
pattern): every error at once, each a link to its field, focused when the page loads."""

from django import template

register = template.Library()


@register.inclusion_tag("_error_summary.html")
def error_summary(form):
    errors = []
    for name, messages in form.errors.items() if form is not None else ():
        field = form.fields.get(name)
        if field is None:
            errors.extend({"href": "", "message": message} for message in messages)
            continue
        bound = form[name]
        anchor = bound.id_for_label or bound.auto_id
        errors.extend(
            {"href": f"#{anchor}", "label": bound.label, "message": message} for message in messages
        )
    return {"errors": errors}
