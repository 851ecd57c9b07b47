from tests.access_matrix import Case, everyone


def _mother(world, mother):  # type: ignore[no-untyped-def]
    return {"mother_id": mother.pk}


def _concern(world, mother):  # type: ignore[no-untyped-def]
    from bondwell.workspace.concerns import raise_concern

    users = world.users if mother.site_id == world.site_a.pk else world.users_b
    return {"concern_id": raise_concern(mother, "She seemed withdrawn in class.", by=users["educator"]).pk}


CASES = [
    # "I'm worried about this mother": educators (the mothers in their classes) and clinicians.
    Case("workspace-concern-new", _mother, own=everyone(403, educator=200, clinician=200)),
    # A concern is acted on like an alert: by the roles that receive alerts.
    Case("workspace-concern", _concern, own=everyone(403, clinician=200, site_lead=200)),
]
