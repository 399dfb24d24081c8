from django import template

register = template.Library()


@register.inclusion_tag("followup/_case_section.html", takes_context=True)
def case_followup(context, case):
    """The follow-up section of the case page."""
    return {"case": case, "request": context["request"]}
