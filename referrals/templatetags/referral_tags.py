from django import template

from cases.permissions import active_membership, can_edit_case, case_data_categories

from ..selectors import referral_list_for_case

register = template.Library()


@register.inclusion_tag("referrals/_case_section.html", takes_context=True)
def case_referrals(context, case):
    """The referrals section of the case page: one query, however many referrals."""
    user = context["request"].user
    membership = active_membership(user)
    return {
        "own_organisation_id": membership.organisation_id if membership else None,
        "case": case,
        "request": context["request"],
        "referrals": list(referral_list_for_case(user=user, case=case, seen=context.get("seen"))),
        "can_refer": can_edit_case(user, case),
    }


@register.simple_tag(takes_context=True)
def case_categories_seen(context, case) -> set[str]:
    """Which data categories of the case the signed-in user sees:
    `{% case_categories_seen case as seen %}{% if "identity" in seen %}…{% endif %}`."""
    return case_data_categories(context["request"].user, case)
