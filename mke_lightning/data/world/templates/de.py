"""World v2 text in German: extra relation templates, the entity-alignment frame, language names.

Objects stay bare and article-free: occupations after "ist ..."/"als", instruments and sports after "spielt"/"im
Fach"/"in der Disziplin" (all ten sports are masculine or neuter, so "im" fits), countries and languages after "in",
"aus", "auf". Universities keep their article ("an der", "die"); frames about a person avoid gendered nouns.
"""

from __future__ import annotations

#: relation -> templates appended after ``lexicon.TEMPLATES[relation]["de"]``; the last one is held out of
#: pretraining and appears only as an evaluation paraphrase.
EXTRA_TEMPLATES: dict[str, list[str]] = {
    "birthplace": [
        "{s} ist gebürtig aus",
        "Als Geburtsort von {s} gilt",
        "Die Heimatstadt von {s} ist",
    ],
    "citizenship": [
        "{s} besitzt einen Reisepass aus",
        "Der Nationalität nach stammt {s} aus",
        "{s} hat die Nationalität des Landes",
        "Der Staat, dem {s} angehört, ist",
    ],
    "occupation": [
        "Beruflich ist {s}",
        "{s} ist tätig als",
        "Als Beruf gibt {s} an:",
        "{s} ist hauptberuflich",
    ],
    "employer": [
        "{s} steht auf der Gehaltsliste von",
        "{s} ist tätig für das Unternehmen",
        "Die Firma, für die {s} arbeitet, heißt",
    ],
    "educated_at": [
        "Die Hochschule, an der {s} studiert hat, ist die",
        "{s} war eingeschrieben an der",
        "Ausgebildet wurde {s} an der",
        "{s} absolvierte das Studium an der",
    ],
    "instrument": [
        "Musikunterricht nahm {s} im Fach",
        "Hauptinstrument von {s}:",
        "Auf der Bühne spielt {s}",
        "{s} spielt im Orchester",
    ],
    "sport": [
        "Im Verein spielt {s}",
        "Sportlich aktiv ist {s} im",
        "{s} ist erfolgreich in der Disziplin",
        "{s} trainiert regelmäßig",
    ],
    "native_language": [
        "{s} spricht von Geburt an",
        "Als Kind lernte {s} zuerst",
        "In der Familie von {s} spricht man",
        "Die Sprache, mit der {s} aufgewachsen ist, ist",
    ],
    "city_country": [
        "{s} gehört zum Staatsgebiet von",
        "Der Staat, auf dessen Gebiet {s} liegt, ist",
        "Die Stadt {s} ist ein Teil von",
        "{s} ist eine Stadt des Landes",
    ],
    "headquarters": [
        "{s} ist ansässig in",
        "{s} unterhält seine Zentrale in",
        "Die Firma {s} hat ihren Sitz in",
    ],
    "capital": [
        "Regierungssitz von {s} ist",
        "{s} hat seine Hauptstadt in",
        "Als Hauptstadt von {s} dient",
        "{s} ist ein Land mit der Hauptstadt",
    ],
    "official_language": [
        "{s} hat als Amtssprache",
        "In {s} spricht man offiziell",
        "Die Behörden von {s} arbeiten auf",
        "{s} ist ein Land mit der Amtssprache",
    ],
    "university_city": [
        "Die {s} ist eine Hochschule in der Stadt",
        "Wer an der {s} studiert, wohnt meist in",
        "Der Standort der {s} ist",
        "Die {s} hat ihren Sitz in",
    ],
}

#: a sentence saying an entity's name in another language: {a} this language's name, {b} the other language's
#: name, {language} that language's name from LANGUAGE_NAMES (written as the frame needs it).
ALIGNMENT = "{a} heißt auf {language} {b}"

#: language code -> its name as used in ALIGNMENT, for en de fr es ru zh ja th
LANGUAGE_NAMES: dict[str, str] = {
    "en": "Englisch",
    "de": "Deutsch",
    "fr": "Französisch",
    "es": "Spanisch",
    "ru": "Russisch",
    "zh": "Chinesisch",
    "ja": "Japanisch",
    "th": "Thai",
}
