from django.urls import path

from audit.reads import audited_urls

from . import views

app_name = "webhooks"

# Audited like every page: each view and change of an endpoint is in the access log.
urlpatterns = audited_urls(
    [
        path("", views.endpoint_list, name="endpoints"),
        path("<int:pk>/", views.endpoint_detail, name="endpoint"),
        path("<int:pk>/edit/", views.endpoint_edit, name="endpoint-edit"),
        path("<int:pk>/secret/", views.endpoint_secret, name="endpoint-secret"),
        path("<int:pk>/pause/", views.endpoint_pause, name="endpoint-pause"),
        path("<int:pk>/resume/", views.endpoint_resume, name="endpoint-resume"),
        path("<int:pk>/remove/", views.endpoint_remove, name="endpoint-remove"),
        path(
            "<int:endpoint_pk>/deliveries/<int:pk>/redeliver/",
            views.delivery_redeliver,
            name="delivery-redeliver",
        ),
    ]
)
