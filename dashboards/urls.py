from django.urls import path

from audit.reads import audited_urls

from . import views

app_name = "dashboards"
# Every page here is audited by construction (audit/reads.py), unless declared exempt.
urlpatterns = audited_urls(
    [
        path("", views.dashboard, name="dashboard"),
        path("export/<slug:table>.<str:fmt>", views.export, name="export"),
    ]
)
