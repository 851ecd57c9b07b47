"""Demo sites and people: one account per role at the first site, a clinician and a mother at the second.

Accounts are made as the operator would (`accounts.services.create_user`, by nobody: the server's operator),
mothers are registered by their site's lead (`register_mother`, `add_baby`). The sites themselves are written here:
a site is set up by the operator with the database, and no service sets one up.
"""

from __future__ import annotations

import random
from datetime import timedelta

from bondwell.accounts import services
from bondwell.accounts.models import Country, Mother, Site, User
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
    user = services.create_user(email, by=None, role=role, full_name=name, site=site, password=None, synthetic=True)
    context.users[key] = with_demo_password(user)
    return user


def with_demo_password(user: User) -> User:
    """Demo only: the one public password every demo login shares (printed by `make run`). The services refuse it,
    rightly (too like the address); a synthetic account is the one place it is set."""
    assert user.is_synthetic
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def site_lead(context: DemoContext, site: Site) -> User | None:
    """The site lead who registers the demo's mothers at her site (none: the operator does)."""
    return next((u for u in context.users.values() if u.role == Role.SITE_LEAD and u.site_id == site.pk), None)


# Numbers set aside for drama and fiction (ACMA: 0491 570 xxx; Ofcom: 07700 900 xxx): they ring no one.
FICTIONAL_MOBILES = {"AU": "0491 570 {:03d}", "UK": "07700 900 {:03d}", "US": "(201) 555-0{:03d}"}
CONTACT_TIMES = ["Mornings before 11", "Afternoons, not 12–2 (baby sleeps)", "Any time on weekdays",
                 "After 4 pm", "Text first, then call", ""]


def _mother(context: DemoContext, site: Site, name: str, *, key: str = "", email: str | None = None) -> Mother:
    """A mother registered by her site's lead, with her baby; with an `email`, her sign-in as `context.users[key]`."""
    rng = context.rng
    # Contact details come from their own seeded generator, so the shared one's sequence stays as it was.
    own = random.Random(f"{site.slug}:{name}:{len(context.mothers)}")
    lead = site_lead(context, site)
    mother = services.register_mother(
        site, by=lead, full_name=name, email=email or "", sign_in=email is not None, synthetic=True,
        at=context.now - timedelta(days=rng.randint(20, 380)),
        date_of_birth=context.today - timedelta(days=own.randint(19 * 365, 42 * 365)),
        phone=FICTIONAL_MOBILES.get(site.country, FICTIONAL_MOBILES["AU"]).format(own.randint(100, 199)),
        preferred_contact_times=own.choice(CONTACT_TIMES),
    )
    if mother.user is not None:
        context.users[key] = with_demo_password(mother.user)
    age_days = rng.randint(21, 200)
    services.add_baby(
        mother, by=lead, name=rng.choice(BABY_NAMES), birth_date=context.today - timedelta(days=age_days),
        gestation_weeks=rng.choice([35, 37, 38, 39, 39, 40, 40, 41]),
    )
    context.mothers.append(mother)
    return mother


def showcase_mothers(context: DemoContext) -> list[User]:
    """The demo's own mother logins (printed by `make run`)."""
    return [user for key in ("mother", "mother2") if (user := context.users.get(key)) is not None]


def signed_in(context: DemoContext, mother: Mother) -> User:
    """Her sign-in, for what only she does (log practice). A demo mother first seen on paper is given one by her
    site's lead when she starts practising with the app, without a password (she would set it from the emailed
    link). The demo keeps mothers without one too: those on paper only."""
    if mother.user is not None:
        return mother.user
    lead = site_lead(context, mother.site)
    return services.give_sign_in(mother, by=lead, email=f"mother-{mother.pk}@demo.bondwell.test")


def load(context: DemoContext) -> None:
    harbourside = services.create_site("Harbourside Perinatal Service (synthetic)", by=None, slug="harbourside",
                                       country=Country.AUSTRALIA, synthetic=True)
    northgate = services.create_site("Northgate Community Health (synthetic)", by=None, slug="northgate",
                                     country=Country.UNITED_KINGDOM, synthetic=True)
    context.sites.update(harbourside=harbourside, northgate=northgate)

    _user(context, "educator", "educator@demo.bondwell.test", "Elena Educator", Role.EDUCATOR, harbourside)
    _user(context, "clinician", "clinician@demo.bondwell.test", "Chris Clinician", Role.CLINICIAN, harbourside)
    _user(context, "site_lead", "lead@demo.bondwell.test", "Lee Lead", Role.SITE_LEAD, harbourside)
    _user(context, "researcher", "researcher@demo.bondwell.test", "Robin Researcher", Role.RESEARCHER, None)
    _user(context, "admin", "admin@demo.bondwell.test", "Alex Admin", Role.ADMIN, None)
    _user(context, "educator2", "educator2@demo.bondwell.test", "Erin Educator", Role.EDUCATOR, northgate)
    _user(context, "clinician2", "clinician2@demo.bondwell.test", "Cam Clinician", Role.CLINICIAN, northgate)
    _user(context, "site_lead2", "lead2@demo.bondwell.test", "Lou Lead", Role.SITE_LEAD, northgate)

    _mother(context, harbourside, "Maya Demo", key="mother", email="mother@demo.bondwell.test")
    _mother(context, northgate, "Noor Demo", key="mother2", email="mother2@demo.bondwell.test")
    rng = context.rng
    for slug, count in MOTHERS_PER_SITE.items():
        for _ in range(count):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
            _mother(context, context.sites[slug], name)
