"""One Khmer word per concept: the catalogue is held to locale/km/GLOSSARY.tsv, and the
messages Django itself shows are Khmer too."""

import re

import pytest
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.utils import translation

from organisations.models import Role

from .catalogue import entries, glossary

CATALOGUE = entries()
LATIN_WORD = re.compile(r"(?<![%(])\b[A-Za-z]{3,}\b(?![)]?[sd])")


@pytest.mark.parametrize("concept", glossary(), ids=lambda c: c["concept"])
def test_each_concept_has_one_khmer_term(concept):
    stray = [
        entry["msgid"]
        for entry in CATALOGUE
        if concept["pattern"].search(entry["msgid"] + " " + entry["msgid_plural"])
        and any(text and concept["term"] not in text for text in entry["msgstrs"])
    ]
    variants = [
        entry["msgid"]
        for entry in CATALOGUE
        for variant in concept["forbidden"]
        if any(variant.search(text) for text in entry["msgstrs"])
    ]
    assert stray == [], f"“{concept['concept']}” is not “{concept['term']}” in these"
    assert variants == [], f"a second word for “{concept['concept']}” in these"


def test_every_entry_is_translated():
    assert [e["msgid"] for e in CATALOGUE if not all(e["msgstrs"])] == []


def test_role_names_are_told_apart():
    with translation.override("km"):
        names = [str(label) for label in Role.labels]
    assert len(set(names)) == len(names)
    for name in names:
        assert not any(other != name and other.startswith(name) for other in names), name


def khmer_only(text: str) -> bool:
    return LATIN_WORD.search(text) is None


@pytest.mark.django_db
def test_djangos_own_messages_are_khmer():
    class Sample(forms.Form):
        email = forms.EmailField()
        minutes = forms.IntegerField(validators=[MinValueValidator(0)])
        name = forms.CharField(validators=[MaxLengthValidator(3)])
        day = forms.DateField()
        required = forms.CharField()

    with translation.override("km"):
        form = Sample({"email": "nope", "minutes": "-1", "name": "abcd", "day": "x"})
        messages = [str(m) for errors in form.errors.values() for m in errors]
        login = AuthenticationForm(data={"username": "someone", "password": "wrong"})
        login.is_valid()
        messages += [str(m) for m in login.non_field_errors()]
        labels = [str(login.fields["username"].label), str(login.fields["password"].label)]
    assert len(messages) == 6
    assert [m for m in messages if not khmer_only(m)] == []
    assert "ឈ្មោះអ្នកប្រើ" in messages[-1]
    assert labels == ["ឈ្មោះអ្នកប្រើ", "ពាក្យសម្ងាត់"]
