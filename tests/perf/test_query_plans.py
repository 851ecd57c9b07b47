"""What a mother's pages ask is found through her own rows: on SQLite, every query of her pages on a table of
per-mother rows searches by her (or by a key), never through an index that walks every site's rows
(issue 18: her open follow-ups were read through the (status, due_at) index, so each page she opened cost one row
per open follow-up of every site)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bondwell.screening.models import Assessment
from tests.perf.test_query_counts import grow
from tests.screening.helpers import PHQ9_CALM

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="query plans are SQLite's here: PostgreSQL chooses its plan from table statistics, not the schema alone",
)


def per_mother_tables() -> set[str]:
    """The tables of rows that belong to one mother (a `mother` foreign key)."""
    return {
        model._meta.db_table for model in apps.get_models()
        if any(field.name == "mother" and field.is_relation for field in model._meta.get_fields())
    }


def plans_of_her_pages(world: Any, client: Any) -> list[tuple[str, str]]:
    """(query, plan row) of every read her pages make: home, a questionnaire, sending it, its result, progress."""
    captured: list[str] = []

    def visit(method: str, url: str, data: dict[str, str] | None = None) -> Any:
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(url, data or {})
        captured.extend(q["sql"] for q in queries.captured_queries)
        return response

    visit("get", reverse("home"))
    url = visit("get", reverse("screening-start", kwargs={"instrument": "phq9"}))["Location"]
    visit("get", url)
    visit("post", url, {"view": "all", "go": "submit", **{k: str(v) for k, v in PHQ9_CALM.items()}})
    latest = Assessment.objects.filter(mother=world.mother_a).latest("id")
    visit("get", reverse("screening-result", args=[latest.pk]))
    visit("get", reverse("progress-mine"))
    found = []
    with connection.cursor() as cursor:
        for sql in captured:
            if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                for row in cursor.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall():
                    found.append((sql, row[3]))
    return found


# Indexes of per-mother tables that are not searched by her, and why each reads one row only.
ONE_ROW_INDEXES = {
    "accounts_audit_lane_id": "the audit chain's head: the newest event of a lane (ORDER BY id DESC LIMIT 1)",
}
PLAN_ROW = re.compile(r"^(SEARCH|SCAN) (\S+)(?: USING (?:COVERING )?INDEX (\S+) \((.*?)\))?")


def walks_other_rows(plan: str, index_tables: dict[str, str], mine: set[str]) -> bool:
    """A full scan, or a search of a per-mother table through a non-unique index that does not start with her."""
    match = PLAN_ROW.match(plan)
    if match is None:
        return False
    kind, _, index, constraint = match.groups()
    if kind == "SCAN":
        return True
    if index is None or index.startswith("sqlite_autoindex_") or index in ONE_ROW_INDEXES:  # the rowid, a unique key
        return False
    return index_tables.get(index) in mine and not (constraint or "").startswith("mother_id=")


def test_her_pages_read_her_rows_through_her_key(world: Any, client_as: Any) -> None:
    grow(world, 3)
    with connection.cursor() as cursor:
        index_tables = dict(cursor.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'").fetchall())
    mine = per_mother_tables()
    plans = plans_of_her_pages(world, client_as(world.users["mother"]))
    assert any("pathway_followup" in sql for sql, _ in plans)  # her open follow-ups are among what is asked
    walking = [f"{plan}  <-  {sql[:160]}" for sql, plan in plans if walks_other_rows(plan, index_tables, mine)]
    assert walking == []


def test_the_rule_catches_a_search_that_walks_every_sites_rows() -> None:
    tables = {"pathway_fol_status_2c028b_idx": "pathway_followup", "pathway_fol_mother__d13662_idx": "pathway_followup"}
    mine = {"pathway_followup"}
    by_status = "SEARCH pathway_followup USING INDEX pathway_fol_status_2c028b_idx (status=?)"
    assert walks_other_rows(by_status, tables, mine)
    assert walks_other_rows("SCAN pathway_followup", tables, mine)
    assert not walks_other_rows(
        "SEARCH pathway_followup USING INDEX pathway_fol_mother__d13662_idx (mother_id=? AND status=?)", tables, mine)
    assert not walks_other_rows("SEARCH T2 USING COVERING INDEX sqlite_autoindex_x_1 (supersedes_id=?)", tables, mine)
    assert not walks_other_rows("USE TEMP B-TREE FOR ORDER BY", tables, mine)
