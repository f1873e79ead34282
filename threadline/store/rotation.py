"""Re-encryption of every encrypted column under the primary key, batch by batch, online.

Capabilities that seal a column with `FieldCipher` add it to `ENCRYPTED_COLUMNS`; `threadline
keys rotate` walks the list. Each batch is its own short transaction and each row is replaced
only if it still holds the token that was read, so the app keeps running meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import Connection, Table, select, update

from threadline.errors import ConfigError
from threadline.store.crypto import FieldCipher
from threadline.store.db import Database
from threadline.store.schema import metadata  # every capability's tables, not just the core

BATCH_SIZE = 500


class EncryptedColumn(NamedTuple):
    """A column of FieldCipher tokens: table, id column, value column, cipher context."""

    table: str
    id_column: str
    value_column: str
    context: str


ENCRYPTED_COLUMNS: list[EncryptedColumn] = [
    EncryptedColumn("users", "id", "totp_secret", "users.totp_secret"),
    EncryptedColumn("intercept_contacts", "id", "phone_enc", "intercept_contacts.phone"),
    EncryptedColumn("intercept_messages", "id", "body_enc", "intercept_messages.body"),
    EncryptedColumn("intercept_facts", "id", "value_enc", "intercept_facts.value"),
    EncryptedColumn("face_persons", "id", "name_enc", "face_persons.name"),
    EncryptedColumn("face_persons", "id", "dob_enc", "face_persons.dob"),
    EncryptedColumn("watchlist", "id", "value_enc", "watchlist.value"),
    EncryptedColumn("watchlist_images", "watch_id", "hashes_enc", "watchlist.image_hashes"),
    EncryptedColumn("tips", "id", "account_enc", "tips.account"),
]


@dataclass(frozen=True, slots=True)
class RotationCount:
    """Tokens seen in a column and how many were re-sealed."""

    column: EncryptedColumn
    checked: int
    rotated: int


def rotate_keys(
    database: Database,
    cipher: FieldCipher,
    columns: list[EncryptedColumn] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> list[RotationCount]:
    """Re-seal every token not under the primary key, column by column."""
    return [
        rotate_column(database, cipher, column, on_batch)
        for column in (ENCRYPTED_COLUMNS if columns is None else columns)
    ]


def rotate_column(
    database: Database,
    cipher: FieldCipher,
    column: EncryptedColumn,
    on_batch: Callable[[int], None] | None = None,
) -> RotationCount:
    """Walk one column by id in batches; each batch commits on its own."""
    table = _table(column)
    after: object = None
    checked = rotated = 0
    while True:
        with database.transaction() as connection:
            batch = _batch(connection, table, column, after)
            rotated += sum(_reseal(connection, table, column, cipher, row) for row in batch)
        if not batch:
            return RotationCount(column, checked, rotated)
        checked += len(batch)
        after = batch[-1][0]
        if on_batch:
            on_batch(len(batch))


def _table(column: EncryptedColumn) -> Table:
    table = metadata.tables.get(column.table)
    if table is None or column.value_column not in table.c or column.id_column not in table.c:
        raise ConfigError(f"encrypted column {column.table}.{column.value_column} is unknown")
    return table


def _batch(
    connection: Connection, table: Table, column: EncryptedColumn, after: object
) -> list[tuple[object, str]]:
    ident, value = table.c[column.id_column], table.c[column.value_column]
    query = select(ident, value).where(value.is_not(None)).order_by(ident).limit(BATCH_SIZE)
    if after is not None:
        query = query.where(ident > after)
    return [(row[0], str(row[1])) for row in connection.execute(query)]


def _reseal(
    connection: Connection,
    table: Table,
    column: EncryptedColumn,
    cipher: FieldCipher,
    row: tuple[object, str],
) -> int:
    ident, token = row
    if not cipher.needs_rotation(token):
        return 0
    value = table.c[column.value_column]
    result = connection.execute(
        update(table)
        .where(table.c[column.id_column] == ident, value == token)
        .values({column.value_column: cipher.rotate(token, column.context)})
    )
    return int(result.rowcount)
