"""Plain multi-row INSERT for both engines, cheaper on SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows that all have the same keys in one statement.

    On SQLite they go to the driver's executemany as tuples: SQLAlchemy's per-row parameter
    handling cost more CPU than SQLite's own insert. Each value still passes through its
    column type's bind processor, so it is stored exactly as `insert(table)` would store it.
    PostgreSQL keeps SQLAlchemy's batched multi-VALUES insert, faster there than executemany.
    """
    if not rows:
        return
    if connection.dialect.name != "sqlite":
        connection.execute(insert(table), rows)
        return
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=list(rows[0]))
    keys = list(compiled.positiontup or ())
    converters = [
        (i, convert)
        for i, key in enumerate(keys)
        if (convert := table.c[key].type.dialect_impl(dialect).bind_processor(dialect))
    ]
    connection.exec_driver_sql(compiled.string, [_values(row, keys, converters) for row in rows])


def _values(row: dict[str, Any], keys: list[str], converters: list[Any]) -> tuple[Any, ...]:
    values = [row[key] for key in keys]
    for i, convert in converters:
        values[i] = convert(values[i])
    return tuple(values)
