from django.urls import path

from audit.reads import audited_urls

from . import views

app_name = "primero"
# The connection page lists calls about referrals, the others show what Primero shared of a
# survivor: all audited by construction.
urlpatterns = audited_urls(
    [
        path("", views.connection_page, name="connection"),
        path("calls/<int:pk>/retry/", views.call_retry, name="call-retry"),
        path("referrals/", views.inbound_list, name="inbound"),
        path("referrals/<int:pk>/", views.inbound_detail, name="inbound-detail"),
        path("referrals/<int:pk>/accept/", views.inbound_accept, name="inbound-accept"),
        path("referrals/<int:pk>/decline/", views.inbound_decline, name="inbound-decline"),
    ]
)
