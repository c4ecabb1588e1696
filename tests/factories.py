"""factory-boy factories for the domain; personas in conftest build on them."""

from __future__ import annotations

import factory

from comptoir.accounts.models import Organisation, Tier, User
from comptoir.catalog.models import Component, Group, Product


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    monthly_ticket_quota = 20


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = User.Role.REQUESTER
    language = "fr"
    password = factory.django.Password("secret-pass-123")


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Group {n}")
    tier = Tier.L1

    @factory.post_generation
    def members(self, create: bool, extracted: list[User] | None, **kwargs: object) -> None:
        if create and extracted:
            self.members.add(*extracted)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Product {n}")


class ComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Component

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"Component {n}")
