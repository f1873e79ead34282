"""US cities the corpus posts in: real spellings, state codes, ZIP codes and area codes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class City:
    """A city with its state, a few real ZIP codes and the area codes that serve it."""

    name: str
    region: str
    zips: tuple[str, ...]
    area_codes: tuple[int, ...]
    slug: str  # the city as a URL path segment


def _city(name: str, region: str, zips: str, codes: str) -> City:
    """A City from space-separated ZIP codes and area codes."""
    slug = name.lower().replace(".", "").replace(" ", "-")
    return City(name, region, tuple(zips.split()), tuple(int(c) for c in codes.split()), slug)


# Area codes are the metro's own codes (overlays included); all are valid US NPAs.
CITIES: tuple[City, ...] = (
    _city("New York", "NY", "10001 10013 10036", "212 646 332 917 718 347 929"),
    _city("Los Angeles", "CA", "90012 90028 90015", "213 323 310 424 818 747"),
    _city("Chicago", "IL", "60601 60611 60614", "312 773 872"),
    _city("Houston", "TX", "77002 77006 77019", "713 281 832 346"),
    _city("Phoenix", "AZ", "85004 85012", "602 480 623"),
    _city("Philadelphia", "PA", "19103 19107", "215 267 445"),
    _city("San Antonio", "TX", "78205 78209", "210 726"),
    _city("San Diego", "CA", "92101 92103", "619 858"),
    _city("Dallas", "TX", "75201 75204", "214 469 972 945"),
    _city("San Jose", "CA", "95113 95112", "408 669"),
    _city("Austin", "TX", "78701 78704", "512 737"),
    _city("Jacksonville", "FL", "32202 32207", "904"),
    _city("Fort Worth", "TX", "76102 76104", "817 682"),
    _city("Columbus", "OH", "43215 43201", "614 380"),
    _city("Charlotte", "NC", "28202 28203", "704 980"),
    _city("San Francisco", "CA", "94103 94109", "415 628"),
    _city("Indianapolis", "IN", "46204 46202", "317 463"),
    _city("Seattle", "WA", "98101 98109", "206"),
    _city("Denver", "CO", "80202 80205", "303 720 983"),
    _city("Washington", "DC", "20001 20005", "202 771"),
    _city("Boston", "MA", "02108 02116", "617 857"),
    _city("El Paso", "TX", "79901 79902", "915"),
    _city("Nashville", "TN", "37203 37201", "615 629"),
    _city("Detroit", "MI", "48226 48201", "313"),
    _city("Oklahoma City", "OK", "73102 73103", "405 572"),
    _city("Portland", "OR", "97204 97205", "503 971"),
    _city("Las Vegas", "NV", "89109 89101 89169", "702 725"),
    _city("Memphis", "TN", "38103 38104", "901"),
    _city("Louisville", "KY", "40202 40203", "502"),
    _city("Baltimore", "MD", "21202 21201", "410 443 667"),
    _city("Milwaukee", "WI", "53202 53203", "414"),
    _city("Albuquerque", "NM", "87102 87106", "505"),
    _city("Tucson", "AZ", "85701 85705", "520"),
    _city("Fresno", "CA", "93721 93704", "559"),
    _city("Sacramento", "CA", "95814 95811", "916 279"),
    _city("Kansas City", "MO", "64105 64108", "816"),
    _city("Atlanta", "GA", "30303 30308", "404 470 678 770"),
    _city("Miami", "FL", "33130 33131 33132", "305 786"),
    _city("Raleigh", "NC", "27601 27603", "919 984"),
    _city("Omaha", "NE", "68102 68131", "402 531"),
    _city("Minneapolis", "MN", "55401 55403", "612"),
    _city("Tulsa", "OK", "74103 74104", "918 539"),
    _city("Cleveland", "OH", "44113 44114", "216"),
    _city("Tampa", "FL", "33602 33606", "813"),
    _city("New Orleans", "LA", "70112 70130", "504"),
    _city("Honolulu", "HI", "96813 96815", "808"),
    _city("Orlando", "FL", "32801 32803", "407 689"),
    _city("St. Louis", "MO", "63101 63103", "314 557"),
    _city("Pittsburgh", "PA", "15222 15213", "412 878"),
    _city("Cincinnati", "OH", "45202 45203", "513"),
    _city("Salt Lake City", "UT", "84101 84111", "801 385"),
    _city("Newark", "NJ", "07102 07105", "973 862"),
    _city("Buffalo", "NY", "14202 14201", "716"),
    _city("Birmingham", "AL", "35203 35205", "205 659"),
    _city("Richmond", "VA", "23219 23220", "804"),
    _city("Boise", "ID", "83702 83706", "208 986"),
    _city("Des Moines", "IA", "50309 50312", "515"),
    _city("Little Rock", "AR", "72201 72202", "501"),
    _city("Anchorage", "AK", "99501 99503", "907"),
    _city("Charleston", "SC", "29401 29403", "843 854"),
    _city("Reno", "NV", "89501 89502", "775"),
    _city("Spokane", "WA", "99201 99202", "509"),
    _city("Jackson", "MS", "39201 39202", "601 769"),
    _city("Hartford", "CT", "06103 06106", "860 959"),
    _city("Providence", "RI", "02903 02906", "401"),
)

# More area codes per state, used when a city's own numbers run out (still in-state).
STATE_AREA_CODES: dict[str, tuple[int, ...]] = {
    "CA": (209, 530, 559, 562, 626, 650, 657, 661, 707, 714, 760, 805, 831, 909, 925, 949, 951),
    "TX": (254, 325, 361, 409, 430, 432, 806, 830, 903, 936, 940, 956, 979),
    "FL": (239, 321, 352, 386, 561, 727, 754, 772, 850, 863, 941, 954),
    "NY": (315, 516, 518, 585, 607, 631, 845, 914),
    "PA": (484, 570, 610, 717, 724, 814),
    "OH": (234, 330, 419, 440, 567, 740, 937),
    "IL": (217, 224, 309, 331, 618, 630, 708, 779, 815, 847),
    "MI": (231, 248, 269, 517, 586, 616, 734, 810, 906, 947, 989),
    "GA": (229, 478, 706, 762, 912),
    "NC": (252, 336, 743, 828, 910),
    "NJ": (201, 551, 609, 732, 848, 856, 908),
    "VA": (276, 434, 540, 571, 703, 757),
    "MO": (417, 573, 636, 660),
    "MA": (339, 351, 413, 508, 774, 781, 978),
    "TN": (423, 731, 865, 931),
    "WA": (253, 360, 425, 564),
    "AZ": (928,),
    "CO": (719, 970),
    "IN": (219, 260, 574, 765, 812, 930),
    "WI": (262, 274, 534, 608, 715, 920),
    "MN": (218, 320, 507, 651, 763, 952),
    "MD": (240, 301),
    "OK": (580,),
    "OR": (458, 541),
    "NV": (),
    "KY": (270, 364, 606, 859),
    "NM": (575,),
    "NE": (308,),
    "LA": (225, 318, 337, 985),
    "AL": (251, 256, 334, 938),
    "SC": (803, 839, 864),
    "UT": (435,),
    "AR": (479, 870),
    "IA": (319, 563, 641, 712),
    "ID": (),
    "MS": (228, 662),
    "CT": (203, 475),
    "HI": (),
    "AK": (),
    "DC": (),
    "RI": (),
}
