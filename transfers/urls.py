from django.urls import path

from audit.reads import audited_urls

from . import views

app_name = "transfers"
# Every page here shows survivor data and is audited by construction (audit/reads.py).
urlpatterns = audited_urls(
    [
        path("", views.transfer_list, name="list"),
        path("new/<int:case_pk>/", views.transfer_request, name="request"),
        path("<int:pk>/", views.transfer_detail, name="detail"),
        path("<int:pk>/accept/", views.transfer_accept, name="accept"),
        path("<int:pk>/decline/", views.transfer_decline, name="decline"),
        path("<int:pk>/cancel/", views.transfer_cancel, name="cancel"),
    ]
)
