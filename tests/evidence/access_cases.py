from tests.access_matrix import RolePage, everyone

PUBLIC = {"evidence", "evidence-template"}

ROLE_PAGES = [
    RolePage("evidence-add", everyone(403, researcher=200, site_lead=200)),
    RolePage("evidence-upload", everyone(403, researcher=200, site_lead=200)),
]
# POST-only: a GET by an allowed role is 405 (checked before the study is looked up), 403 for every other role.
ROLE_PAGES.append(
    RolePage("evidence-remove", everyone(403, researcher=405, site_lead=405), kwargs={"key": "user-none"})
)
