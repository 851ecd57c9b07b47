from tests.access_matrix import Case, RolePage, everyone


def _staff_of_her_site(world, mother):  # type: ignore[no-untyped-def]
    # The person whose second factor is reset: a clinician at the site of the record the matrix opens.
    staff = world.users if mother.site_id == world.site_a.pk else world.users_b
    return {"user_id": staff["clinician"].pk}


CASES = [
    Case("mfa-reset", _staff_of_her_site, own=everyone(403, site_lead=200, admin=200), foreign={"admin": 200}),
]

ROLE_PAGES = [
    RolePage("mfa-security", everyone(200)),
    RolePage("mfa-setup", everyone(200)),
    RolePage("mfa-verify", everyone(302)),
    RolePage("mfa-recovery-codes", everyone(405)),
    RolePage("mfa-forget-devices", everyone(405)),
    RolePage("mfa-passkey-options", everyone(405)),
    RolePage("mfa-passkey-add", everyone(405)),
    RolePage("mfa-passkey-login-options", everyone(405)),
    RolePage("mfa-passkey-login", everyone(405)),
]
