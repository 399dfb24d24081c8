from django import template

register = template.Library()


@register.inclusion_tag("referrals/_case_section.html", takes_context=True)
def case_referrals(context, case):
    """The referrals section of the case page."""
    return {"case": case, "request": context["request"]}
