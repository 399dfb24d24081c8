"""Views that show no survivor data and so write no access-log row, each with the reason.

Our own views say so where they are written (`audit.reads.audit_exempt`, or an `audit_exempt`
attribute on a viewset or ModelAdmin); this registry names the views of other packages, and
ModelAdmins of models that hold no survivor data. `tests/audit/test_every_url_is_audited.py`
fails on any URL whose view is neither audited nor named here or marked exempt."""

# By the view's dotted path: `module.qualname` of a function or a method, or of the class of a
# class-based view.
EXEMPT_VIEWS: dict[str, str] = {
    "cases.views.home": "Redirects to the person's home page; shows nothing.",
    "organisations.views.set_language": "Stores the language chosen; no survivor data.",
    "django.contrib.auth.views.LoginView": "Signing in; no survivor data.",
    "django.contrib.auth.views.LogoutView": "Signing out; no survivor data.",
    "organisations.two_factor.SignInLinkView": (
        "A one-time sign-in link: choosing a password and enrolling; no survivor data."
    ),
    "django.contrib.auth.views.PasswordResetCompleteView": "Says the password was set.",
    "organisations.two_factor.two_factor": "The second sign-in step; no survivor data.",
    "organisations.views.place_options": "Districts, communes and villages of a place.",
    "organisations.views.people": "Staff accounts and roles of the organisation; no survivor.",
    "organisations.views.person_role": "Changes a staff member's role; no survivor data.",
    "organisations.views.person_active": "Deactivates a staff account; no survivor data.",
    "organisations.views.person_reset_sign_in": "A new sign-in link for a staff member.",
    "audit.views.access_log": (
        "The access log: ids, actions and times, never a survivor's name or facts; reading it "
        "is the administrator's oversight, not a read of a record."
    ),
    "drf_spectacular.views.SpectacularAPIView": "The API's schema; no data.",
    "drf_spectacular.views.SpectacularSwaggerSplitView": "The API's documentation page.",
    "api.views.keys.key_list": "The organisation's API keys (names, not secrets).",
    "api.views.keys.key_revoke": "Revokes an API key; no survivor data.",
    "api.views.errors.not_found": "The API's 404 for an unknown path; shows nothing.",
    "django.contrib.admin.sites.AdminSite.index": "The admin's list of models.",
    "django.contrib.admin.sites.AdminSite.app_index": "The admin's list of an app's models.",
    "django.contrib.admin.sites.AdminSite.login": "Signing in to the admin.",
    "django.contrib.admin.sites.AdminSite.logout": "Signing out of the admin.",
    "django.contrib.admin.sites.AdminSite.password_change": "Changing one's own password.",
    "django.contrib.admin.sites.AdminSite.password_change_done": "Says the password changed.",
    "django.contrib.admin.sites.AdminSite.i18n_javascript": "The admin's translations.",
    "django.contrib.admin.sites.AdminSite.catch_all_view": "Redirects or answers 404.",
    "django.contrib.admin.sites.AdminSite.autocomplete_view": (
        "Answers only for fields declared autocomplete_fields, and no admin declares one "
        "towards a survivor's record."
    ),
    "django.contrib.contenttypes.views.shortcut": "Redirects to an object's page, which audits.",
    "django_otp.plugins.otp_totp.admin.TOTPDeviceAdmin.config_view": "An authenticator device.",
    "django_otp.plugins.otp_totp.admin.TOTPDeviceAdmin.qrcode_view": "An authenticator's code.",
    "django.contrib.auth.admin.UserAdmin.user_change_password": "Setting a staff password.",
}

# ModelAdmins of models that hold no survivor data, by model label.
EXEMPT_ADMIN_MODELS: dict[str, str] = {
    "auth.Group": "Permission groups; no survivor data.",
    "axes.AccessAttempt": "Failed sign-ins: usernames and addresses of staff.",
    "axes.AccessFailureLog": "Failed sign-ins: usernames and addresses of staff.",
    "axes.AccessLog": "Sign-ins of staff.",
    "otp_totp.TOTPDevice": "Staff authenticator devices.",
    "otp_static.StaticDevice": "Staff backup codes.",
    "organisations.Province": "Places of Cambodia.",
    "organisations.District": "Places of Cambodia.",
    "organisations.Commune": "Places of Cambodia.",
    "organisations.Village": "Places of Cambodia.",
    "organisations.Organisation": "Organisations and their settings.",
    "organisations.User": "Staff accounts and their roles.",
    "audit.AccessEvent": (
        "The access log itself: ids, actions and times, never a survivor's name or facts."
    ),
}
