from tests.access_matrix import RolePage, everyone

PUBLIC = {"evidence", "evidence-template"}

ROLE_PAGES = [
    RolePage("evidence-add", everyone(403, researcher=200, site_lead=200)),
    RolePage("evidence-upload", everyone(403, researcher=200, site_lead=200)),
]
