import factory

from organisations.models import Organisation, OrganisationKind, Province, Role, User
from organisations.services import organisation_create, user_create

PASSWORD = "a-long-test-password-2026"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Test Organisation {n}")
    short_name = factory.Sequence(lambda n: f"ORG{n}")
    kind = OrganisationKind.NGO
    province = factory.LazyFunction(lambda: Province.objects.get(code="12"))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return organisation_create(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sokha"
    last_name = factory.Sequence(lambda n: f"Chan{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.SOCIAL_WORKER
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return user_create(**kwargs)
