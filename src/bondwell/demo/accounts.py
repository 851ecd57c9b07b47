"""Demo sites and people: one account per role at the first site, a clinician and a mother at the second."""

from __future__ import annotations

import random
from datetime import timedelta

from bondwell.accounts.models import Baby, Country, Mother, Site, User
from bondwell.accounts.roles import Role
from bondwell.demo import DEMO_PASSWORD, DemoContext

FIRST_NAMES = [
    "Aisha", "Bree", "Chloe", "Dana", "Elif", "Fatima", "Grace", "Hana", "Isla", "Jade", "Kiri", "Lena",
    "Maya", "Noor", "Olivia", "Priya", "Quinn", "Rosa", "Sofia", "Tara", "Uma", "Vera", "Wren", "Yasmin",
]
SURNAMES = ["Nguyen", "Smith", "Patel", "Okafor", "Kowalski", "Garcia", "Chen", "Murphy", "Haddad", "Silva"]
BABY_NAMES = ["Alex", "Billie", "Charlie", "Eli", "Frankie", "Jamie", "Kai", "Luca", "Nico", "Remy", "Sam", "Theo"]

MOTHERS_PER_SITE = {"harbourside": 16, "northgate": 8}


def _user(context: DemoContext, key: str, email: str, name: str, role: Role, site: Site | None) -> User:
    user = User.objects.create_user(
        email, DEMO_PASSWORD, full_name=name, role=role, site=site, is_synthetic=True
    )
    context.users[key] = user
    return user


# Numbers set aside for drama and fiction (ACMA: 0491 570 xxx; Ofcom: 07700 900 xxx): they ring no one.
FICTIONAL_MOBILES = {"AU": "0491 570 {:03d}", "UK": "07700 900 {:03d}", "US": "(201) 555-0{:03d}"}
CONTACT_TIMES = ["Mornings before 11", "Afternoons, not 12–2 (baby sleeps)", "Any time on weekdays",
                 "After 4 pm", "Text first, then call", ""]


def _mother(context: DemoContext, site: Site, user: User | None, name: str) -> Mother:
    rng = context.rng
    # Contact details come from their own seeded generator, so the shared one's sequence stays as it was.
    own = random.Random(f"{site.slug}:{name}:{len(context.mothers)}")
    mother = Mother.objects.create(
        site=site, user=user, full_name=name, email=user.email if user else "", is_synthetic=True,
        created_at=context.now - timedelta(days=rng.randint(20, 380)),
        date_of_birth=context.today - timedelta(days=own.randint(19 * 365, 42 * 365)),
        phone=FICTIONAL_MOBILES.get(site.country, FICTIONAL_MOBILES["AU"]).format(own.randint(100, 199)),
        preferred_contact_times=own.choice(CONTACT_TIMES),
    )
    age_days = rng.randint(21, 200)
    Baby.objects.create(
        mother=mother,
        name=rng.choice(BABY_NAMES),
        birth_date=context.today - timedelta(days=age_days),
        gestation_weeks=rng.choice([35, 37, 38, 39, 39, 40, 40, 41]),
        is_synthetic=True,
    )
    context.mothers.append(mother)
    return mother


def load(context: DemoContext) -> None:
    harbourside = Site.objects.create(
        name="Harbourside Perinatal Service (synthetic)", slug="harbourside", country=Country.AUSTRALIA,
        is_synthetic=True,
    )
    northgate = Site.objects.create(
        name="Northgate Community Health (synthetic)", slug="northgate", country=Country.UNITED_KINGDOM,
        is_synthetic=True,
    )
    context.sites.update(harbourside=harbourside, northgate=northgate)

    mother_user = _user(context, "mother", "mother@demo.bondwell.test", "Maya Demo", Role.MOTHER, harbourside)
    _user(context, "educator", "educator@demo.bondwell.test", "Elena Educator", Role.EDUCATOR, harbourside)
    _user(context, "clinician", "clinician@demo.bondwell.test", "Chris Clinician", Role.CLINICIAN, harbourside)
    _user(context, "site_lead", "lead@demo.bondwell.test", "Lee Lead", Role.SITE_LEAD, harbourside)
    _user(context, "researcher", "researcher@demo.bondwell.test", "Robin Researcher", Role.RESEARCHER, None)
    _user(context, "admin", "admin@demo.bondwell.test", "Alex Admin", Role.ADMIN, None)
    mother2_user = _user(context, "mother2", "mother2@demo.bondwell.test", "Noor Demo", Role.MOTHER, northgate)
    _user(context, "educator2", "educator2@demo.bondwell.test", "Erin Educator", Role.EDUCATOR, northgate)
    _user(context, "clinician2", "clinician2@demo.bondwell.test", "Cam Clinician", Role.CLINICIAN, northgate)
    _user(context, "site_lead2", "lead2@demo.bondwell.test", "Lou Lead", Role.SITE_LEAD, northgate)

    _mother(context, harbourside, mother_user, "Maya Demo")
    _mother(context, northgate, mother2_user, "Noor Demo")
    rng = context.rng
    for slug, count in MOTHERS_PER_SITE.items():
        for _ in range(count):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
            _mother(context, context.sites[slug], None, name)
