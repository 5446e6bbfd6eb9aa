"""Rows of the hottest one-row reads straight from the cursor into models, without the ORM's
query building (about 1 ms of CPU a query here, more than the round trip; issue 7).

``select(model, alias)`` gives the column list for ``SELECT`` in the model's field order, and
``build(model, values)`` turns those values into an instance exactly as the ORM would: the same
converters (dates, geometries) are applied, and the instance is marked as loaded from the
database. Used for the user of every staff request and the token of every app request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model
from django.db.models.expressions import Col

M = TypeVar("M", bound=Model)


@cache
def select(model: type[Model], alias: str) -> str:
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
