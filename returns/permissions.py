"""Who may see and record a case's cross-border return: the legal policy, unchanged. A return is
protection (where the survivor crosses, when, who receives them), restricted like health facts
and legal detail, and shared with another organisation only while a referral it accepted shares
them with consent."""

from legal.permissions import LEGAL_CATEGORY, can_record_legal, can_view_legal

RETURN_CATEGORY = LEGAL_CATEGORY
can_view_return = can_view_legal
can_record_return = can_record_legal
