"""The demo company “Maison Lumière”, a French home-goods retailer, as plain data.

Everything here is fixed: the same names, teams and skill levels on every run, so that
`relais demo` can compare what it finds with what it wants and change nothing twice.
Skill levels and chat capacities are given as short cycles read by the agent's position
(in their team for topics, on their site for languages and capacity): `None` in a cycle
means “does not have this skill”. Cycles of different lengths give a varied but
deterministic mix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from relais.apps.accounts.models import Role
from relais.apps.organisation.models import SiteKind, SkillKind

DEMO_PASSWORD = "lumiere-demo"  # noqa: S105 - documented, printed by `relais demo`
COMPANY_NAME = "Maison Lumière"
COMPANY_DOMAIN = "maison-lumiere.example"

Levels = tuple[int | None, ...]
OpeningPeriod = tuple[int, dt.time, dt.time]


@dataclass(frozen=True)
class SkillData:
    code: str
    kind: str
    name_en: str
    name_fr: str


@dataclass(frozen=True)
class PartnerData:
    name: str
    country: str
    contact_name: str
    contact_email: str
    contact_phone: str
    email_domain: str


@dataclass(frozen=True)
class AccountData:
    """A person who logs in: staff, supervisors, partner managers, agents.

    `partner` is set for partner managers only: it is what they may see.
    """

    username: str
    role: Role
    first_name: str = ""
    last_name: str = ""
    partner: str | None = None
    language: str = "fr"
    superuser: bool = False


@dataclass(frozen=True)
class TeamData:
    name: str
    supervisor: AccountData
    topics: Mapping[str, Levels]
    agents: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SiteData:
    name: str
    kind: SiteKind
    country: str
    time_zone: str
    opening_hours: tuple[OpeningPeriod, ...]
    email_domain: str
    teams: tuple[TeamData, ...]
    languages: Mapping[str, Levels]
    chat_capacity: tuple[int, ...] = (3,)
    partner: str | None = None
    capacity_voice: int = 1
    capacity_email: int = 5


def _hours(weekdays: range, opens: str, closes: str) -> tuple[OpeningPeriod, ...]:
    """The same period, in local time, on each of `weekdays` (0 = Monday)."""
    return tuple(
        (day, dt.time.fromisoformat(opens), dt.time.fromisoformat(closes)) for day in weekdays
    )


MONDAY_TO_FRIDAY = range(5)
MONDAY_TO_SATURDAY = range(6)
EVERY_DAY = range(7)

SKILLS = (
    SkillData("orders", SkillKind.TOPIC, "Orders", "Commandes"),
    SkillData("delivery", SkillKind.TOPIC, "Delivery", "Livraison"),
    SkillData("returns", SkillKind.TOPIC, "Returns", "Retours"),
    SkillData("billing", SkillKind.TOPIC, "Billing", "Facturation"),
    SkillData("loyalty", SkillKind.TOPIC, "Loyalty programme", "Programme de fidélité"),
    SkillData(
        "lamp-support",
        SkillKind.TOPIC,
        "Technical support for connected lamps",
        "Support technique lampes connectées",
    ),
    SkillData("fr", SkillKind.LANGUAGE, "French", "Français"),
    SkillData("en", SkillKind.LANGUAGE, "English", "Anglais"),
    SkillData("ar", SkillKind.LANGUAGE, "Arabic", "Arabe"),
    SkillData("nl", SkillKind.LANGUAGE, "Dutch", "Néerlandais"),
)

ATLAS = "Atlas Contact"
CARPATHIA = "Carpathia CX"

PARTNERS = (
    PartnerData(
        ATLAS,
        "MA",
        "Karim Bennani",
        "karim.bennani@atlas-contact.example",
        "+212 537 00 00 00",
        "atlas-contact.example",
    ),
    PartnerData(
        CARPATHIA,
        "RO",
        "Adriana Vasilescu",
        "adriana.vasilescu@carpathia-cx.example",
        "+40 21 000 00 00",
        "carpathia-cx.example",
    ),
)

STAFF = (
    AccountData("admin", Role.ADMINISTRATOR, superuser=True),
    AccountData("directrice", Role.DIRECTOR, "Claire", "Delmas"),
    AccountData("planificateur", Role.PLANNER, "Arnaud", "Mallet"),
    AccountData("qualite", Role.QUALITY_ANALYST, "Gaëlle", "Marchand"),
    AccountData("manager.atlas", Role.PARTNER_MANAGER, "Karim", "Bennani", partner=ATLAS),
    AccountData("qualite.atlas", Role.PARTNER_EVALUATOR, "Samira", "Alaoui", partner=ATLAS),
    AccountData(
        "manager.carpathia",
        Role.PARTNER_MANAGER,
        "Adriana",
        "Vasilescu",
        partner=CARPATHIA,
        language="en",
    ),
)


def _supervisor(username: str, first_name: str, last_name: str) -> AccountData:
    return AccountData(username, Role.SUPERVISOR, first_name, last_name)


LILLE = SiteData(
    name="Lille",
    kind=SiteKind.INSHORE,
    country="FR",
    time_zone="Europe/Paris",
    opening_hours=_hours(MONDAY_TO_SATURDAY, "08:00", "20:00"),
    email_domain=COMPANY_DOMAIN,
    languages={
        "fr": (5,),
        "en": (4, None, 3, None, None),
        "nl": (None, None, None, 3, None, None, 4),
    },
    chat_capacity=(3, 3, 2),
    teams=(
        TeamData(
            name="Lille Commandes",
            supervisor=_supervisor("superviseur.lille1", "Hélène", "Vasseur"),
            topics={
                "orders": (5, 4, 4),
                "delivery": (4, 3, 4, 3),
                "returns": (3, None, 2),
                "loyalty": (None, None, 3),
            },
            agents=(
                ("Camille", "Durand"),
                ("Thomas", "Lefebvre"),
                ("Sarah", "Benali"),
                ("Julien", "Dubois"),
                ("Manon", "Lambert"),
                ("Kévin", "Da Silva"),
                ("Léa", "Fontaine"),
                ("Antoine", "Vandenberghe"),
                ("Inès", "Haddad"),
                ("Maxime", "Delattre"),
            ),
        ),
        TeamData(
            name="Lille Après-vente",
            supervisor=_supervisor("superviseur.lille2", "François", "Deschamps"),
            topics={
                "returns": (5, 4, 4),
                "delivery": (4, 4, 3),
                "lamp-support": (4, None, 3, 5),
                "orders": (3, 2, 3, 3),
            },
            agents=(
                ("Pauline", "Lemaire"),
                ("Nicolas", "Dupont"),
                ("Chloé", "Vermeulen"),
                ("Mehdi", "Bouzid"),
                ("Émilie", "Carpentier"),
                ("Hugo", "Lecomte"),
                ("Aurélie", "Nguyen"),
                ("Romain", "Devos"),
                ("Fatou", "Diallo"),
                ("Quentin", "Leroy"),
            ),
        ),
        TeamData(
            name="Lille Fidélité et facturation",
            supervisor=_supervisor("superviseur.lille3", "Virginie", "Lemoine"),
            topics={
                "billing": (5, 4, 4, 3),
                "loyalty": (4, 5, 3),
                "orders": (3, 3, 2),
                "returns": (None, 2),
            },
            agents=(
                ("Justine", "Caron"),
                ("Alexandre", "Martin"),
                ("Sophie", "Decroix"),
                ("Yasmine", "Cherif"),
                ("Benoît", "Leclercq"),
                ("Marion", "Dhont"),
                ("Florian", "Petit"),
                ("Amandine", "Roussel"),
                ("Karim", "Mansouri"),
                ("Élodie", "Desmet"),
            ),
        ),
    ),
)

RABAT = SiteData(
    name="Rabat",
    kind=SiteKind.OFFSHORE,
    country="MA",
    time_zone="Africa/Casablanca",
    partner=ATLAS,
    # Atlas Contact runs Maison Lumière's chat around the clock from Rabat: beside Lille in
    # the day, alone in the evenings, at night and on Sundays (23:59: until midnight).
    opening_hours=_hours(EVERY_DAY, "00:00", "23:59"),
    email_domain="atlas-contact.example",
    languages={"fr": (5, 4, 5), "ar": (5,), "en": (3, None, 2, None, None)},
    chat_capacity=(3, 2),
    teams=(
        TeamData(
            name="Rabat Agdal",
            supervisor=_supervisor("superviseur.rabat1", "Saïd", "Benhima"),
            topics={
                "orders": (4, 5, 3),
                "delivery": (4, 3, 4, 4),
                "returns": (3, 3, None),
                "loyalty": (None, 2),
            },
            agents=(
                ("Youssef", "El Amrani"),
                ("Salma", "Bennani"),
                ("Omar", "Tazi"),
                ("Imane", "Alaoui"),
                ("Hamza", "Berrada"),
                ("Khadija", "Idrissi"),
                ("Mehdi", "Chraibi"),
                ("Nour", "El Fassi"),
                ("Ayoub", "Benjelloun"),
                ("Meryem", "Lahlou"),
            ),
        ),
        TeamData(
            name="Rabat Hassan",
            supervisor=_supervisor("superviseur.rabat2", "Laila", "Chaoui"),
            topics={
                "delivery": (4, 4, 3),
                "returns": (4, 3, 5),
                "lamp-support": (3, None, None, 2),
                "orders": (3,),
            },
            agents=(
                ("Anas", "Ouazzani"),
                ("Zineb", "Kettani"),
                ("Reda", "Sqalli"),
                ("Hajar", "Bouazza"),
                ("Ilyas", "Tahiri"),
                ("Sanae", "El Mansouri"),
                ("Soufiane", "Naciri"),
                ("Oumaima", "Filali"),
                ("Yassine", "Benkirane"),
                ("Ghita", "Lamrani"),
            ),
        ),
    ),
)

BUCAREST = SiteData(
    name="Bucarest",
    kind=SiteKind.OFFSHORE,  # nearshore in the trade; site kinds are inshore, offshore, homeshore
    country="RO",
    time_zone="Europe/Bucharest",
    partner=CARPATHIA,
    opening_hours=_hours(MONDAY_TO_FRIDAY, "09:00", "19:00"),
    email_domain="carpathia-cx.example",
    languages={"fr": (4, 3, 4, 5), "en": (5, 4), "nl": (None, None, None, None, 3)},
    chat_capacity=(3, 3, 2),
    teams=(
        TeamData(
            name="Bucarest Lipscani",
            supervisor=_supervisor("superviseur.bucarest", "Cristina", "Neagu"),
            topics={
                "lamp-support": (5, 4, 4, 3),
                "orders": (3, 4, 3),
                "delivery": (3, 3, 4),
                "returns": (3, None, 2, 3),
            },
            agents=(
                ("Andrei", "Popescu"),
                ("Ioana", "Ionescu"),
                ("Mihai", "Popa"),
                ("Elena", "Dumitrescu"),
                ("Alexandru", "Stan"),
                ("Maria", "Constantin"),
                ("Cristian", "Stoica"),
                ("Ana", "Gheorghiu"),
                ("Radu", "Marinescu"),
                ("Bianca", "Munteanu"),
                ("Vlad", "Georgescu"),
                ("Alina", "Dobre"),
                ("Ștefan", "Rusu"),
                ("Raluca", "Diaconu"),
                ("Bogdan", "Matei"),
            ),
        ),
    ),
)

DOMICILE = SiteData(
    name="Domicile France",
    kind=SiteKind.HOMESHORE,
    country="FR",
    time_zone="Europe/Paris",
    opening_hours=(
        *_hours(MONDAY_TO_FRIDAY, "08:00", "21:00"),
        *_hours(range(5, 6), "09:00", "17:00"),
    ),
    email_domain=COMPANY_DOMAIN,
    languages={"fr": (5,), "en": (None, 3, None, None)},
    chat_capacity=(2, 3),
    teams=(
        TeamData(
            name="Conseillers à domicile",
            supervisor=_supervisor("superviseur.domicile", "Valérie", "Perrin"),
            topics={
                "orders": (4, 4, 3),
                "loyalty": (4, None, 3),
                "billing": (None, 4, None, 3, None),
                "returns": (3, 3, 4, 2),
                "delivery": (None, 3),
            },
            # employees working from home from Brest to Nice, Lille to Biarritz
            agents=(
                ("Nathalie", "Girard"),
                ("Sébastien", "Morel"),
                ("Céline", "Fournier"),
                ("Laurent", "Mercier"),
                ("Isabelle", "Blanc"),
                ("Cédric", "Guérin"),
                ("Stéphanie", "Boyer"),
                ("Olivier", "Garnier"),
                ("Sandrine", "Chevalier"),
                ("Rachid", "Belkacem"),
                ("Véronique", "Faure"),
                ("Jérôme", "André"),
                ("Nadia", "Meziane"),
                ("Patrick", "Le Gall"),
                ("Mélanie", "Rousseau"),
            ),
        ),
    ),
)

SITES = (LILLE, RABAT, BUCAREST, DOMICILE)


@dataclass(frozen=True)
class MaskingData:
    """A masking policy of a partner (`partner`) or of a site (`site`): which fields its
    people may not see of the customers (docs/privacy.md)."""

    partner: str | None = None
    site: str | None = None
    surname: bool = True
    email: bool = True
    phone: bool = True
    address: bool = True
    patterns: str = ""


#: The partners' sites see a first name and an initial, nothing that reaches or locates the
#: customer; Maison Lumière's order numbers stay visible. Home agents are the company's own:
#: the name, not the rest. Lille sees everything (an inshore site needs no policy; written
#: here so that the admin shows it).
MASKING = (
    MaskingData(partner=ATLAS),
    MaskingData(partner=CARPATHIA),
    MaskingData(site=DOMICILE.name, surname=False),
    MaskingData(site=LILLE.name, surname=False, email=False, phone=False, address=False),
)
