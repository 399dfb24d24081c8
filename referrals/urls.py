from django.urls import path

from audit.reads import audited_urls

from . import views

app_name = "referrals"
# Every page here shows survivor data and is audited by construction (audit/reads.py).
urlpatterns = audited_urls(
    [
        path("send/<int:case_pk>/", views.referral_send, name="send"),
        path("inbox/", views.referral_inbox, name="inbox"),
        path("outbox/", views.referral_outbox, name="outbox"),
        path("overrides/", views.referral_overrides, name="overrides"),
        path("<int:pk>/", views.referral_detail, name="detail"),
        path("<int:pk>/accept/", views.referral_accept, name="accept"),
        path("<int:pk>/decline/", views.referral_decline, name="decline"),
        path("<int:pk>/start/", views.referral_start, name="start"),
        path("<int:pk>/complete/", views.referral_complete, name="complete"),
        path("<int:pk>/cancel/", views.referral_cancel, name="cancel"),
    ]
)
