from tests.access_matrix import RolePage, everyone

# Published versions and their downloads are public; the draft and the workflow are the review team's only.
PUBLIC = {"evidence", "evidence-template", "evidence-versions", "evidence-version", "evidence-download"}

TEAM_PAGE = everyone(403, researcher=200, site_lead=200)
TEAM_POST = everyone(403, researcher=405, site_lead=405)  # POST-only: a GET by the team is 405

ROLE_PAGES = [
    RolePage("evidence-review", TEAM_PAGE),
    RolePage("evidence-import", TEAM_PAGE),
    RolePage("evidence-screen", TEAM_PAGE, kwargs={"stage": "title_abstract"}),
    RolePage("evidence-conflicts", TEAM_PAGE),
    RolePage("evidence-publish", TEAM_PAGE),
    RolePage("evidence-draft-prisma", TEAM_PAGE),
    RolePage("evidence-decide", TEAM_POST, kwargs={"pk": 0, "stage": "title_abstract"}),
    RolePage("evidence-resolve", TEAM_POST, kwargs={"pk": 0, "stage": "title_abstract"}),
    RolePage("evidence-agree", TEAM_POST, kwargs={"pk": 0}),
    RolePage("evidence-add-site-study", TEAM_POST),
    # A record that does not exist: 404 for the team, 403 for everyone else (checked before the lookup).
    RolePage("evidence-extract", everyone(403, researcher=404, site_lead=404), kwargs={"pk": 0}),
    RolePage("evidence-rob", everyone(403, researcher=404, site_lead=404), kwargs={"pk": 0}),
]
