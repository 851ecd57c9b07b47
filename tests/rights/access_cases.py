from tests.access_matrix import Case, RolePage, everyone


def _mother(world, mother):  # type: ignore[no-untyped-def]
    return {"mother_id": mother.pk}


CASES = [
    Case("rights-erase", _mother, own=everyone(403, site_lead=200)),
]

ROLE_PAGES = [
    RolePage("rights-mine", everyone(403, mother=200)),
    RolePage("rights-mine-json", everyone(403, mother=200)),
    RolePage("rights-mine-pdf", everyone(403, mother=200)),
    RolePage("rights-ask-erasure", everyone(403, mother=405)),
    RolePage("rights-requests", everyone(403, site_lead=200)),
]
