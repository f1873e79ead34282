"""FollowTheMoney entities (Aleph): ads as Documents, advertisers as Persons, handles as
UserAccounts, places as Addresses, risk leads as Notes; each validated before it is written."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, cast

from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.schema import ValidationData

from threadline.report._data import ExportAd

NAMESPACE = "threadline"
LEAD_NOTE = "A lead for a trained person to review, not a finding of fact."


def ftm_entities(items: Iterable[ExportAd]) -> Iterator[dict[str, Any]]:
    """Entities for the ads, one Person per network (or per unlinked ad with identifiers);
    an entity met again (a network's Person, a shared Address) is merged, not repeated."""
    merged: dict[str, Any] = {}
    for item in items:
        for entity in _entities(item):
            proxy = model.get_proxy(entity)
            if entity["id"] in merged:
                merged[entity["id"]].merge(proxy)
            else:
                merged[entity["id"]] = proxy
    for proxy in merged.values():
        yield dict(proxy.to_dict())


def validate_entity(entity: dict[str, Any]) -> list[str]:
    """Problems with one entity by the followthemoney model; empty when it is valid."""
    schema = model.get(str(entity.get("schema")))
    if schema is None:
        return [f"unknown schema {entity.get('schema')!r}"]
    properties = entity.get("properties", {})
    problems = [
        f"{name}: not a {schema.name} property"
        for name in properties
        if name not in schema.properties
    ]
    problems += [
        f"{name}: required" for name in sorted(schema.required) if not properties.get(name)
    ]
    if not entity.get("id"):
        problems.append("id: missing")
    try:
        schema.validate(cast(ValidationData, entity))
    except InvalidData as exc:
        problems += [f"{k}: {v}" for k, v in exc.errors.get("properties", {}).items()]
    return problems


def _entities(item: ExportAd) -> list[dict[str, Any]]:
    document = _document(item)
    entities = [document]
    address = _address(item)
    if address is not None:
        entities.append(address)
    person = _person(item, address, document["id"])
    if person is not None:
        entities.append(person)
        entities.extend(_accounts(item, person["id"], document["id"]))
    if item.level != "low" or item.juvenile:
        entities.append(_note(item, document["id"]))
    return entities


def _make(schema: str, *keys: str) -> Any:
    proxy = model.make_entity(schema)
    proxy.make_id(NAMESPACE, schema, *keys)
    return proxy


def _document(item: ExportAd) -> dict[str, Any]:
    ad = item.ad
    proxy = _make("Document", "ad", item.source, ad.id)
    proxy.add("title", ad.title or ad.id)
    proxy.add("bodyText", ad.body)
    proxy.add("sourceUrl", ad.url)
    proxy.add("publisher", ad.site)
    proxy.add("publishedAt", ad.posted_at.isoformat()[:19] if ad.posted_at else None)
    proxy.add("country", ad.country.lower() if ad.country else None)
    proxy.add("phoneMentioned", [v for k, v in item.identifiers if k == "phone"])
    proxy.add("emailMentioned", [v for k, v in item.identifiers if k == "email"])
    proxy.add("keywords", sorted({code for code, *_ in item.indicators}))
    proxy.add("fileName", f"ad-{item.row_id}.json")
    return dict(proxy.to_dict())


def _address(item: ExportAd) -> dict[str, Any] | None:
    ad = item.ad
    if not ad.city:
        return None
    proxy = _make("Address", ad.city, ad.region or "", ad.country or "")
    proxy.add("full", ", ".join(p for p in (ad.city, ad.region, ad.country) if p))
    proxy.add("city", ad.city)
    proxy.add("region", ad.region)
    proxy.add("country", ad.country.lower() if ad.country else None)
    return dict(proxy.to_dict())


def _person(item: ExportAd, address: dict[str, Any] | None, document: str) -> dict[str, Any] | None:
    if item.network is None and not item.identifiers:
        return None
    key = f"network:{item.network}" if item.network else f"ad:{item.source}:{item.ad.id}"
    proxy = _make("Person", key)
    label = f"network {item.network}" if item.network else f"ad {item.ad.id}"
    proxy.add("name", f"Unidentified advertiser ({label})")
    proxy.add("phone", [v for k, v in item.identifiers if k == "phone"])
    proxy.add("email", [v for k, v in item.identifiers if k == "email"])
    proxy.add("description", LEAD_NOTE)
    proxy.add("proof", document)  # the ads that show these identifiers
    if address is not None:
        proxy.add("addressEntity", address["id"])
    return dict(proxy.to_dict())


def _accounts(item: ExportAd, owner: str, document: str) -> list[dict[str, Any]]:
    accounts = []
    for kind, value in item.identifiers:
        if kind != "handle":
            continue
        service, _, handle = value.partition(":")
        proxy = _make("UserAccount", value)
        proxy.add("service", service)
        proxy.add("username", handle or value)
        proxy.add("owner", owner)
        proxy.add("proof", document)
        accounts.append(dict(proxy.to_dict()))
    return accounts


def _note(item: ExportAd, document_id: str) -> dict[str, Any]:
    proxy = _make("Note", "risk", item.source, item.ad.id)
    proxy.add("entity", document_id)
    codes = ", ".join(sorted({code for code, *_ in item.indicators})) or "none"
    flag = "juvenile indicator; " if item.juvenile else ""
    proxy.add(
        "description", f"Risk {item.level} ({item.score:g}); {flag}indicators: {codes}. {LEAD_NOTE}"
    )
    return dict(proxy.to_dict())
