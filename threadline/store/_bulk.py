"""Plain multi-row INSERT for both engines, cheaper on SQLite."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert

_Convert = Callable[[Any], Any]
_SLICE = 500  # rows per executemany on SQLite


def insert_rows(
    connection: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    shared: Mapping[str, Any] | None = None,
) -> None:
    """Insert rows that all have the same keys, plus the `shared` values, in one statement.

    On SQLite they go to the driver's executemany as tuples: SQLAlchemy's per-row parameter
    handling cost more CPU than SQLite's own insert. Each value still passes through its
    column type's bind processor (a shared one once), so it is stored exactly as
    `insert(table)` would store it. PostgreSQL keeps SQLAlchemy's batched multi-VALUES
    insert, faster there than executemany.
    """
    if not rows:
        return
    shared = shared or {}
    if connection.dialect.name != "sqlite":
        connection.execute(insert(table), [{**row, **shared} for row in rows])
        return
    compiled = insert(table).compile(dialect=connection.dialect, column_keys=[*rows[0], *shared])
    template, plain, converted = _plan(connection, table, compiled.positiontup or [], shared)
    # In slices, so that only one slice of converted values (JSON text above all) is held.
    for start in range(0, len(rows), _SLICE):
        parameters = []
        for row in rows[start : start + _SLICE]:
            values = template.copy()
            for i, key in plain:
                values[i] = row[key]
            for i, key, convert in converted:
                values[i] = convert(row[key])
            parameters.append(tuple(values))
        connection.exec_driver_sql(compiled.string, parameters)


def _plan(
    connection: Connection, table: Table, keys: Sequence[str], shared: Mapping[str, Any]
) -> tuple[list[Any], list[tuple[int, str]], list[tuple[int, str, _Convert]]]:
    """The parameter tuple with the shared values in place, and where each row's go."""
    dialect = connection.dialect
    template: list[Any] = [None] * len(keys)
    plain: list[tuple[int, str]] = []
    converted: list[tuple[int, str, _Convert]] = []
    for i, key in enumerate(keys):
        convert = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
        if key in shared:
            template[i] = convert(shared[key]) if convert else shared[key]
        elif convert:
            converted.append((i, key, convert))
        else:
            plain.append((i, key))
    return template, plain, converted
