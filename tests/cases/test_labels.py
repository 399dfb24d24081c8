"""A choice's label is shown in the reader's language, whichever language built the field's
table of labels first (cases.labels), and computed choices (the countries) keep Django's own
lookup."""

from django.utils import translation

from cases.labels import labels_of
from cases.models import Case, CounsellingSession
from referrals.models import Referral


def test_labels_follow_the_active_language_after_the_table_is_built():
    case = Case(phase="reintegrated", destination_country="TH", sex="female")
    english = case.get_phase_display(), case.get_destination_country_display()
    with translation.override("km"):
        khmer = case.get_phase_display(), case.get_destination_country_display()
    assert english == ("Reintegrated, in follow-up", "Thailand")
    assert khmer == ("បានធ្វើសមាហរណកម្មឡើងវិញ កំពុងតាមដាន", "ថៃ")
    assert case.get_phase_display() == english[0]  # and back
    with translation.override("km"):
        assert str(labels_of(Case._meta.get_field("sex"))["female"]) == case.get_sex_display()


def test_a_value_without_a_label_is_shown_as_it_is_and_no_value_as_django_shows_it():
    assert Referral(service="no-such-service").get_service_display() == "no-such-service"
    assert CounsellingSession(kind=None).get_kind_display() is None


def test_every_method_django_made_for_fixed_choices_reads_the_kept_table():
    from django.apps import apps

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            method = model.__dict__.get(f"get_{field.name}_display")
            if method is None or not isinstance(field.choices, list | tuple):
                continue
            assert method.func.__module__ == "cases.labels", (model, field.name)


def test_the_nationality_keeps_djangos_lookup_in_the_readers_language():
    case = Case(nationality="TH")
    assert case.nationality.name == "Thailand"
    with translation.override("km"):
        assert case.nationality.name == "ថៃ"
        assert case.get_nationality_display() == "ថៃ"
    assert case.get_nationality_display() == "Thailand"
