"""Patch: rows of the hottest one-row reads straight from the cursor into models, without the ORM's
query building (about 1 ms of CPU a query here, more than the round trip; issue 7).

Upstream API touched (internal): ``Model._meta.concrete_fields`` and ``Field.column``/``attname``,
``django.db.models.expressions.Col``, ``connection.ops.get_db_converters`` and
``Expression.get_db_converters`` (the converters the SQL compiler applies), ``Model.from_db``.

``read_one(queryset, sql, params)`` is the one entry: with ``FASTPATH`` on it runs ``sql`` (which
selects ``columns(model, alias)`` of the queryset's model, then of each ``related`` model in order)
and builds the instances exactly as the ORM would: the same converters (dates, geometries), marked
as loaded from the database. Off, it asks the ORM (``queryset.select_related(*related)``).
Used for the user of every staff request and the token of every app request.
Parity tests: tests/hwaseong_safety/fastpath/test_lean_rows.py.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.expressions import Col

M = TypeVar("M", bound=Model)


@cache
def columns(model: type[Model], alias: str) -> str:
    """``alias."col1", alias."col2", ...``: every concrete column, in field order."""
    return ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)


def width(model: type[Model]) -> int:
    return len(model._meta.concrete_fields)


_local = threading.local()


def _plan(model: type[Model]) -> tuple[list[str], list[tuple[int, list[Callable], Col]]]:
    """Per thread: the ORM's converters hold thread-bound state (the geometry one keeps the
    GEOS WKB reader of the thread that made it; shared, two threads corrupt each other's reads)."""
    plans = _local.__dict__.setdefault("plans", {})
    if model not in plans:
        fields = model._meta.concrete_fields
        converters = []
        for index, field in enumerate(fields):
            col = Col(model._meta.db_table, field)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if found:
                converters.append((index, found, col))
        plans[model] = [field.attname for field in fields], converters
    return plans[model]


def build(model: type[M], values: Sequence[Any]) -> M:
    attnames, converters = _plan(model)
    row = list(values)
    for index, functions, col in converters:
        for function in functions:
            row[index] = function(row[index], col, connection)
    return model.from_db(connection.alias, attnames, row)


def read_one(queryset: QuerySet[M], sql: str, params: Sequence[Any], related: Sequence[str] = ()) -> M | None:
    """The one row ``queryset`` would give (``None`` if none), its ``related`` foreign keys set.
    ``sql`` must select the same row: the model's ``columns``, then each related model's."""
    if not settings.FASTPATH:
        return queryset.select_related(*related).first()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    model = queryset.model
    instance, at = build(model, row[:width(model)]), width(model)
    for name in related:
        other = model._meta.get_field(name).related_model
        setattr(instance, name, build(other, row[at:at + width(other)]))
        at += width(other)
    return instance
