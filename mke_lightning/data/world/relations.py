"""The world's relations (with their subject and object types) and its two-hop chains: plain data."""

from __future__ import annotations

#: relation -> (subject type, object type)
RELATIONS: dict[str, tuple[str, str]] = {
    "birthplace": ("person", "city"),
    "citizenship": ("person", "country"),
    "occupation": ("person", "occupation"),
    "employer": ("person", "company"),
    "educated_at": ("person", "university"),
    "instrument": ("person", "instrument"),
    "sport": ("person", "sport"),
    "native_language": ("person", "language"),
    "city_country": ("city", "country"),
    "headquarters": ("company", "city"),
    "capital": ("country", "city"),
    "official_language": ("country", "language"),
    "university_city": ("university", "city"),
}

#: chain -> (first relation, second relation)
CHAINS: dict[str, tuple[str, str]] = {
    "birthplace_country": ("birthplace", "city_country"),
    "employer_headquarters": ("employer", "headquarters"),
    "citizenship_capital": ("citizenship", "capital"),
    "university_city": ("educated_at", "university_city"),
    "citizenship_language": ("citizenship", "official_language"),
}


__all__ = ["CHAINS", "RELATIONS"]
