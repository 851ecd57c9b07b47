"""Date arithmetic in SQL on both SQLite and PostgreSQL (Django has no portable "date plus N days")."""

from __future__ import annotations

from typing import Any

from django.db.models import DateField, Func


class AddDays(Func):
    """`date + days` as a date; `days` may be an integer expression (e.g. a course's weeks × 7)."""

    arity = 2
    output_field = DateField()

    def _parts(self, compiler: Any, connection: Any) -> tuple[str, str, list[Any]]:
        day_sql, day_params = compiler.compile(self.source_expressions[0])
        n_sql, n_params = compiler.compile(self.source_expressions[1])
        return day_sql, n_sql, [*day_params, *n_params]

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        day, n, params = self._parts(compiler, connection)
        return f"DATE({day}, printf('%%+d days', {n}))", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        day, n, params = self._parts(compiler, connection)
        return f"({day} + ({n})::integer)", params


def plain_plan() -> None:
    """On PostgreSQL no JIT compilation and no parallel workers for the summaries' many small index probes (call
    inside a transaction): compiling the query or starting workers took longer than running it (bench/dashboard.py)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
