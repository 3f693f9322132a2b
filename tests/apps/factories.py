"""Factories for the tests: real rows in the real database, no mocks."""

from __future__ import annotations

import datetime as dt

import factory

from relais.apps.accounts.models import Role, User
from relais.apps.organisation.models import (
    Agent,
    AgentSkill,
    Employment,
    OpeningHours,
    Partner,
    Site,
    SiteKind,
    Skill,
    SkillKind,
    Team,
)

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    role = Role.AGENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")
    country = "MA"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"Site {n}")
    kind = SiteKind.INSHORE
    country = "FR"
    time_zone = "Europe/Paris"
    partner = None


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    site = factory.SubFactory(SiteFactory)
    weekday = 0
    opens_at = dt.time(8)
    closes_at = dt.time(20)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    site = factory.SubFactory(SiteFactory)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"skill-{n}")
    kind = SkillKind.TOPIC
    name_en = factory.LazyAttribute(lambda o: o.code.title())
    name_fr = factory.LazyAttribute(lambda o: o.code.title())


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent

    user = factory.SubFactory(UserFactory, role=Role.AGENT)
    site = factory.SubFactory(SiteFactory)
    team = None
    employment = factory.LazyAttribute(
        lambda o: Employment.PARTNER if o.site.partner_id else Employment.INTERNAL
    )


class AgentSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgentSkill

    agent = factory.SubFactory(AgentFactory)
    skill = factory.SubFactory(SkillFactory)
    level = 3
