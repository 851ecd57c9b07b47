from tests.access_matrix import RolePage, everyone

# /metrics answers only a bearer of BONDWELL_METRICS_TOKEN (404 while none is set): tests/notify/test_health.py.
PUBLIC = {"metrics"}

ROLE_PAGES = [
    # Signing in is needed even to be told that a link is unusable (410 Gone for a forged token).
    RolePage("notify-ack", everyone(410), kwargs={"token": "not-a-signed-token"}),
    RolePage("notify-rota", everyone(403, site_lead=200)),
    RolePage("notify-contact", everyone(403, clinician=200, site_lead=200)),
    RolePage("notify-undelivered", everyone(403, site_lead=200, admin=200)),
]
