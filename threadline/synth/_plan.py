"""The network plan: who posts how many ads, with which identifiers, where and when."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from functools import cache

from threadline.synth import _lexicon as lex
from threadline.synth._places import CITIES, STATE_AREA_CODES, City
from threadline.synth._rng import seeded

DAY = 86_400.0
PERIOD_DAYS = 84  # twelve weeks of postings
# Shares of all ads by kind of network; independents take the rest.
_SHARES = {"trafficking": 0.42, "spammer": 0.18}
# Bigger cities host more networks: weights fall with the rank in CITIES.
_CITY_WEIGHTS = tuple(1.0 / math.sqrt(rank + 1) for rank in range(len(CITIES)))


@dataclass(frozen=True, slots=True)
class Persona:
    """A name an operation advertises under and the age it states for her."""

    name: str
    age: int


@dataclass(slots=True)
class Network:
    """One network's fixed plan and the little state it needs while its ads are written."""

    index: int
    id: str
    kind: str
    size: int
    start: float  # seconds after the period start
    span: float
    stops: tuple[tuple[float, int], ...]  # (seconds after start, city index), in order
    phones: tuple[str, ...]
    burners: tuple[str, ...]
    personas: tuple[Persona, ...]
    handles: tuple[tuple[str, str], ...]
    emails: tuple[str, ...]
    template_ids: tuple[str, ...]
    origins: tuple[str, ...]
    prices: dict[str, int]
    site: int
    emitted: int = 0
    stop_at: int = 0
    burners_used: int = 0
    seen: set[str] = field(default_factory=set)
    seen_templates: list[int] = field(default_factory=list)


class PhoneBook:
    """Hands out unused numbers in NNN-555-01XX, preferring the home city's area codes.

    The fictional range holds numbers for about 200,000 ads. Past that the book starts over,
    so later networks may share a phone with earlier ones: such corpora serve speed and
    memory benchmarks, not the quality floors (docs/truth.md says so).
    """

    def __init__(self) -> None:
        self._used: dict[int, int] = {}
        self.wrapped = 0

    def take(self, city: City, rng: random.Random) -> str:
        """A fresh E.164 number for a network based in `city` (reused once all are issued)."""
        for codes in (city.area_codes, STATE_AREA_CODES[city.region], _all_codes()):
            code = self._free_code(codes, rng)
            if code is not None:
                return self._issue(code)
        self._used.clear()
        self.wrapped += 1
        return self.take(city, rng)

    def _free_code(self, codes: tuple[int, ...], rng: random.Random) -> int | None:
        """An area code among `codes` with numbers left, or None."""
        free = [code for code in codes if self._used.get(code, 0) < 100]
        return rng.choice(free) if free else None

    def _issue(self, code: int) -> str:
        """The next unused number of an area code."""
        count = self._used.get(code, 0)
        self._used[code] = count + 1
        # A fixed stride through 00..99 so numbers do not come out in counting order.
        return f"+1{code}55501{(count * 37 + code) % 100:02d}"


@cache
def _all_codes() -> tuple[int, ...]:
    """Every area code the corpus knows, for when a state's own run out."""
    codes = {code for city in CITIES for code in city.area_codes}
    codes.update(code for state in STATE_AREA_CODES.values() for code in state)
    return tuple(sorted(codes))


def plan_networks(n: int, seed: int) -> list[Network]:
    """The networks behind `n` ads, in a random order, sizes summing to exactly `n`."""
    rng = seeded(seed, "plan")
    kinds = [(kind, size) for kind, budget in _budgets(n) for size in _sizes(kind, budget, n, rng)]
    rng.shuffle(kinds)
    width = max(4, len(str(len(kinds))))
    builder = _Builder(seed, width)
    return [builder.network(i, kind, size) for i, (kind, size) in enumerate(kinds)]


def _budgets(n: int) -> list[tuple[str, int]]:
    """How many ads each kind of network gets."""
    trafficking = round(n * _SHARES["trafficking"])
    spammer = round(n * _SHARES["spammer"])
    return [
        ("trafficking", trafficking),
        ("spammer", spammer),
        ("independent", n - trafficking - spammer),
    ]


def _sizes(kind: str, budget: int, n: int, rng: random.Random) -> list[int]:
    """Network sizes drawn until the kind's budget is spent."""
    sizes: list[int] = []
    while budget > 0:
        size = min(_draw_size(kind, n, rng), budget)
        sizes.append(size)
        budget -= size
    return sizes


def _draw_size(kind: str, n: int, rng: random.Random) -> int:
    """Long-tailed sizes: a few big operations and spammers, many small independents."""
    if kind == "independent":
        return min(12, 1 + int(math.log(1.0 - rng.random()) / math.log(0.75)))
    xmin, alpha, cap = (8, 1.1, n // 12) if kind == "trafficking" else (25, 1.3, n // 10)
    return min(max(cap, xmin * 2), int(xmin / (1.0 - rng.random()) ** (1.0 / alpha)))


class _Builder:
    """Draws each network's identifiers, keeping every identifier unique to one network."""

    def __init__(self, seed: int, width: int) -> None:
        self.seed = seed
        self.width = width
        self.phones = PhoneBook()
        self.taken: set[str] = set()
        self.templates = 0
        self.origins = 0
        self.operations = 0

    def _minor(self, kind: str) -> bool:
        """Every third trafficking operation advertises a minor: enough cases to evaluate."""
        if kind != "trafficking":
            return False
        self.operations += 1
        return self.operations % 3 == 1

    def network(self, index: int, kind: str, size: int) -> Network:
        """The plan of network number `index`."""
        rng = seeded(self.seed, "network", index)
        home = rng.choices(range(len(CITIES)), weights=_CITY_WEIGHTS)[0]
        phones = tuple(
            self.phones.take(CITIES[home], rng) for _ in range(_phone_count(kind, size, rng))
        )
        personas = _personas(kind, rng, minor=self._minor(kind))
        start, span = _window(kind, size, rng)
        return Network(
            index=index,
            id=f"N{index + 1:0{self.width}d}",
            kind=kind,
            size=size,
            start=start,
            span=span,
            stops=_stops(kind, home, span, rng),
            phones=phones,
            burners=tuple(self.phones.take(CITIES[home], rng) for _ in range(_burners(kind, size))),
            personas=personas,
            handles=self._handles(kind, personas[0].name, phones, rng),
            emails=self._emails(kind, personas[0].name, rng),
            template_ids=self._ids("T", _template_count(kind, size)),
            origins=self._ids("I", _origin_count(kind, size, rng)),
            prices=_prices(rng),
            site=rng.randrange(len(lex.SITES)),
        )

    def _ids(self, prefix: str, count: int) -> tuple[str, ...]:
        """The next `count` template (T...) or image (I...) ids."""
        start = self.templates if prefix == "T" else self.origins
        ids = tuple(f"{prefix}{start + i + 1:0{self.width}d}" for i in range(count))
        if prefix == "T":
            self.templates += count
        else:
            self.origins += count
        return ids

    def _unique(self, make: str, rng: random.Random) -> str:
        """The string, or the string with a number, never handed out before."""
        candidate = make
        while candidate in self.taken:
            candidate = f"{make}{rng.randint(2, 999)}"
        self.taken.add(candidate)
        return candidate

    def _handles(
        self, kind: str, name: str, phones: tuple[str, ...], rng: random.Random
    ) -> tuple[tuple[str, str], ...]:
        """The network's handles: services and names, unique across the corpus."""
        count = {"trafficking": rng.randint(1, 3), "independent": rng.choice((0, 0, 1, 2))}.get(
            kind, 0 if phones else 1
        )
        services = rng.sample(lex.HANDLE_SERVICES, count)
        return tuple(self._handle(service, name, phones, rng) for service in services)

    def _handle(
        self, service: str, name: str, phones: tuple[str, ...], rng: random.Random
    ) -> tuple[str, str]:
        """One handle; WhatsApp's is one of the network's phones."""
        if service == "whatsapp" and phones:
            return service, rng.choice(phones)
        if service == "whatsapp":
            service = "telegram"
        return service, self._unique(_handle_text(name, rng), rng)

    def _emails(self, kind: str, name: str, rng: random.Random) -> tuple[str, ...]:
        """The network's email addresses, unique across the corpus."""
        counts = {"trafficking": rng.choice((0, 1, 1, 2)), "independent": rng.choice((0, 0, 1))}
        return tuple(self._email(name, rng) for _ in range(counts.get(kind, 0)))

    def _email(self, name: str, rng: random.Random) -> str:
        """One email address made from a name."""
        local = self._unique(_handle_text(name, rng).replace("_", "."), rng)
        return f"{local}@{rng.choice(lex.EMAIL_DOMAINS)}"


def _handle_text(name: str, rng: random.Random) -> str:
    """A handle made from a name and a pet word, e.g. `kalina_honey`."""
    word = rng.choice(lex.HANDLE_WORDS)
    base = name.lower()
    forms = (f"{word}{base}", f"{base}_{word}", f"{base}.{word}", f"the{base}{word}", f"{base}xo")
    return rng.choice(forms)


def _phone_count(kind: str, size: int, rng: random.Random) -> int:
    """How many phones a network rotates through."""
    if kind == "trafficking":
        return max(1, min(8, size // 80 + rng.randint(1, 2), size))
    if kind == "spammer":
        return 1 if rng.random() < 0.85 else 0
    return 1


def _burners(kind: str, size: int) -> int:
    # Single-use phones make some ads reachable only through their template.
    """How many single-use phones a network has."""
    return max(1, round(size * 0.05)) if kind == "trafficking" and size >= 6 else 0


def _template_count(kind: str, size: int) -> int:
    """How many text templates a network writes from."""
    if kind == "trafficking":
        return 1 if size < 4 else min(6, 2 + size // 120)
    return 2 if kind == "independent" and size > 6 else 1


def _origin_count(kind: str, size: int, rng: random.Random) -> int:
    """How many original pictures a network posts."""
    if kind == "trafficking":
        return min(8, 2 + size // 60)
    if kind == "spammer":
        return 1 if rng.random() < 0.6 else 0
    return (2 if size > 4 else 1) if rng.random() < 0.7 else 0


def _personas(kind: str, rng: random.Random, minor: bool) -> tuple[Persona, ...]:
    """The names and ages a network advertises, a minor among them when asked."""
    count = rng.randint(2, 5) if kind == "trafficking" else 1
    names = _names(count, rng)
    low, high = (18, 27) if kind == "trafficking" else (20, 35)
    ages = [rng.randint(low, high) for _ in names]
    if minor:
        ages[-1] = rng.choice((16, 17))  # a minor among the adults: the case that matters most
    return tuple(Persona(name, age) for name, age in zip(names, ages, strict=True))


def _names(count: int, rng: random.Random) -> list[str]:
    """Distinct invented first names built from syllables."""
    names: list[str] = []
    while len(names) < count:
        name = rng.choice(lex.NAME_STARTS) + rng.choice(lex.NAME_MIDDLES) * rng.randint(0, 1)
        name = (name + rng.choice(lex.NAME_ENDS)).capitalize()
        if name not in names:
            names.append(name)
    return names


def _window(kind: str, size: int, rng: random.Random) -> tuple[float, float]:
    """When the network is active: its start and length in seconds."""
    low, high = {"trafficking": (21, 84), "spammer": (28, 84)}.get(kind, (3, 42))
    span = rng.uniform(low, high) * DAY
    return rng.uniform(0, PERIOD_DAYS * DAY - span), span


def _stops(kind: str, home: int, span: float, rng: random.Random) -> tuple[tuple[float, int], ...]:
    """Where the network posts over time: a circuit for operations, home for most others."""
    if kind == "spammer":
        return tuple((0.0, city) for city in rng.sample(range(len(CITIES)), rng.randint(4, 12)))
    if kind == "independent" and rng.random() < 0.75:
        return ((0.0, home),)
    stay = (4, 12) if kind == "trafficking" else (7, 14)
    stops, at, city = [], 0.0, home
    while at < span:
        stops.append((at, city))
        at += rng.uniform(*stay) * DAY
        city = rng.choices(range(len(CITIES)), weights=_CITY_WEIGHTS)[0]
    return tuple(stops)


def _prices(rng: random.Random) -> dict[str, int]:
    """The network's prices by unit, derived from an hourly rate."""
    hour = rng.choice(range(150, 420, 10))
    return {
        "hour": hour,
        "half_hour": round(hour * rng.uniform(0.55, 0.7) / 10) * 10,
        "quick_visit": round(hour * rng.uniform(0.35, 0.45) / 10) * 10,
        "overnight": round(hour * rng.uniform(3.0, 5.0) / 50) * 50,
        "session": hour + rng.choice((0, 20, 50)),
    }
