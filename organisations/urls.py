from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("places/options/", views.place_options, name="place-options"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/role/", views.person_role, name="person-role"),
    path("people/<int:pk>/active/", views.person_active, name="person-active"),
    path("people/<int:pk>/reset/", views.person_reset_sign_in, name="person-reset"),
]
