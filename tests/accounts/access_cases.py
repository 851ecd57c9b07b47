from tests.access_matrix import Case, RolePage, everyone

PUBLIC = {
    "login", "password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete",
    "healthz",
}


def _mother(world, mother):  # type: ignore[no-untyped-def]
    return {"mother_id": mother.pk}


def _colleague(world, mother):  # type: ignore[no-untyped-def]
    # A clinician at the mother's site: her own site's staff for a site lead, another site's for the others.
    users = world.users if mother.site_id == world.site_a.pk else world.users_b
    return {"user_id": users["clinician"].pk}


CASES = [
    # Staff management is not a view of the mother's record: keyed by her site's clinician instead.
    Case(
        "staff-edit", _colleague,
        own=everyone(403, site_lead=200, admin=200),
        foreign={"admin": 200, "site_lead": 404},
    ),
    Case(
        "mother-record", _mother,
        own=everyone(403, clinician=200, site_lead=200, educator=200, researcher=403, admin=403),
        foreign={"mother": 403, "researcher": 403, "admin": 403},
    ),
    Case(
        "mother-audit", _mother,
        own=everyone(403, clinician=200, site_lead=200),
    ),
]

ROLE_PAGES = [
    RolePage("home", everyone(200)),
    RolePage("my-record", everyone(403, mother=200)),
    RolePage("mother-list", everyone(403, educator=200, clinician=200, site_lead=200)),
    RolePage("staff-list", everyone(403, site_lead=200, admin=200)),
    RolePage("staff-new", everyone(403, site_lead=200, admin=200)),
    RolePage("password_change", everyone(200)),
    RolePage("password_change_done", everyone(200)),
]
