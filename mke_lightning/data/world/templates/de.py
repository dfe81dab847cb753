"""World v2 text in German: extra relation templates, the entity-alignment frame, language names.

Objects stay bare and article-free: occupations after "ist ..."/"als", instruments and sports after "spielt"/"im
Fach"/"in der Disziplin" (all ten sports are masculine or neuter, so "im" fits), countries and languages after "in",
"aus", "auf". Universities keep their article ("an der", "die"); frames about a person avoid gendered nouns.
"""

from __future__ import annotations

#: relation -> templates appended after ``lexicon.TEMPLATES[relation]["de"]``; the last one is held out of
#: pretraining, appears only as an evaluation paraphrase, and is made only of words the relation's other
#: templates teach (a new recombination of them, never one of them).
EXTRA_TEMPLATES: dict[str, list[str]] = {
    "birthplace": [
        "{s} ist gebürtig aus",
        "Als Geburtsort von {s} gilt",
        "Als Geburtsstadt von {s} gilt",
    ],
    "citizenship": [
        "{s} besitzt einen Reisepass aus",
        "Der Nationalität nach stammt {s} aus",
        "{s} hat die Nationalität des Landes",
        "Das Land, dessen Staatsangehörigkeit {s} besitzt, ist",
    ],
    "occupation": [
        "Beruflich ist {s}",
        "{s} ist tätig als",
        "Als Beruf gibt {s} an:",
        "{s} ist beruflich tätig als",
    ],
    "employer": [
        "{s} steht auf der Gehaltsliste von",
        "{s} ist tätig für das Unternehmen",
        "Das Unternehmen, für das {s} arbeitet, ist",
    ],
    "educated_at": [
        "Die Hochschule, an der {s} studiert hat, ist die",
        "{s} war eingeschrieben an der",
        "Ausgebildet wurde {s} an der",
        "{s} wurde ausgebildet an der",
    ],
    "instrument": [
        "Musikunterricht nahm {s} im Fach",
        "Hauptinstrument von {s}:",
        "Auf der Bühne spielt {s}",
        "{s} spielt auf der Bühne das Instrument",
    ],
    "sport": [
        "Im Verein spielt {s}",
        "Sportlich aktiv ist {s} im",
        "{s} ist erfolgreich in der Disziplin",
        "{s} ist sportlich aktiv in der Disziplin",
    ],
    "native_language": [
        "{s} spricht von Geburt an",
        "Als Kind lernte {s} zuerst",
        "In der Familie von {s} spricht man",
        "In der Familie spricht {s} von Geburt an",
    ],
    "city_country": [
        "{s} gehört zum Staatsgebiet von",
        "Der Staat, auf dessen Gebiet {s} liegt, ist",
        "Die Stadt {s} ist ein Teil von",
        "{s} liegt auf dem Staatsgebiet von",
    ],
    "headquarters": [
        "{s} ist ansässig in",
        "{s} unterhält seine Zentrale in",
        "Das Unternehmen {s} ist ansässig in",
    ],
    "capital": [
        "Regierungssitz von {s} ist",
        "{s} hat seine Hauptstadt in",
        "Als Hauptstadt von {s} dient",
        "{s} hat als Regierungssitz die Hauptstadt",
    ],
    "official_language": [
        "{s} hat als Amtssprache",
        "In {s} spricht man offiziell",
        "Die Behörden von {s} arbeiten auf",
        "{s} hat offiziell die Amtssprache",
    ],
    "university_city": [
        "Die {s} ist eine Hochschule in der Stadt",
        "Wer an der {s} studiert, wohnt meist in",
        "Der Standort der {s} ist",
        "Die {s} befindet sich in der Stadt",
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
