"""Who manages webhooks: the rules are organisations.permissions'; named here for the app."""

from organisations.permissions import can_manage_webhooks, organisation_administrators

__all__ = ["can_manage_webhooks", "organisation_administrators"]
