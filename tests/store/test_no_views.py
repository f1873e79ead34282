"""28 CFR 23.20(b): no field for political, religious or social views exists anywhere."""

from __future__ import annotations

import dataclasses
import inspect
import re

import threadline.model as model
from threadline.store.schema import metadata

FORBIDDEN = re.compile(
    r"politic|religio|faith|church|mosque|ideolog|belief|opinion|party_affil|union_member|"
    r"sexual_orient|ethnic|race\b|social_view|association|view(s)?$",
    re.IGNORECASE,
)


def test_no_table_has_a_column_for_views_or_beliefs() -> None:
    columns = [f"{t.name}.{c.name}" for t in metadata.tables.values() for c in t.columns]
    assert len(columns) > 50
    assert [c for c in columns if FORBIDDEN.search(c.split(".")[1])] == []


def test_no_model_type_has_a_field_for_views_or_beliefs() -> None:
    fields = [
        f"{name}.{field.name}"
        for name, kind in inspect.getmembers(model, inspect.isclass)
        if dataclasses.is_dataclass(kind)
        for field in dataclasses.fields(kind)
    ]
    assert fields
    assert [f for f in fields if FORBIDDEN.search(f.split(".")[1])] == []
