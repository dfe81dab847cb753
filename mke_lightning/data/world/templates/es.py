"""World v2 text in Spanish: extra relation templates, the entity-alignment frame, language names.

Instruments (mixed genders, "el arpa") take colon labels or the bare "clases de"; sports are all masculine, so "el",
"al" and "torneos de" fit; languages are masculine ("el", or bare after "habla"/"en"). Universities keep "la"
("en la", "La {s}"); person frames avoid gendered adjectives ("natural de", not "nacido"/"graduado").
"""

from __future__ import annotations

#: relation -> templates appended after ``lexicon.TEMPLATES[relation]["es"]``; the last one is held out of
#: pretraining and appears only as an evaluation paraphrase.
EXTRA_TEMPLATES: dict[str, list[str]] = {
    "birthplace": [
        "{s} es natural de",
        "Ciudad de nacimiento de {s}:",
        "El nacimiento de {s} tuvo lugar en",
    ],
    "citizenship": [
        "El pasaporte de {s} fue expedido en",
        "{s} vota en las elecciones nacionales de",
        "El país que otorgó su nacionalidad a {s} es",
        "{s} tiene pasaporte de",
    ],
    "occupation": [
        "{s} se gana la vida como",
        "Ocupación de {s}:",
        "{s} ejerce como",
        "El trabajo de {s} es el de",
    ],
    "employer": [
        "{s} forma parte de la plantilla de",
        "El empleador de {s} es",
        "{s} presta sus servicios en",
        "La compañía donde trabaja {s} es",
    ],
    "educated_at": [
        "La universidad donde estudió {s} es la",
        "{s} cursó sus estudios universitarios en la",
        "El alma máter de {s} es la",
        "{s} hizo la carrera en la",
    ],
    "instrument": [
        "{s} recibe clases de",
        "El instrumento favorito de {s}:",
        "Instrumento con el que actúa {s}:",
        "{s} aprendió a tocar este instrumento:",
    ],
    "sport": [
        "El deporte favorito de {s} es el",
        "{s} participa en torneos de",
        "Los fines de semana, {s} practica el",
        "{s} se dedica al",
    ],
    "native_language": [
        "{s} habla desde la infancia",
        "En casa de {s} se habla",
        "El primer idioma de {s} es el",
        "{s} tiene como lengua materna el",
    ],
    "city_country": [
        "El país en el que está {s} es",
        "{s} pertenece a",
        "La ciudad de {s} forma parte de",
        "{s} es una localidad de",
    ],
    "headquarters": [
        "{s} dirige sus operaciones desde",
        "Las oficinas principales de {s} se encuentran en",
        "La casa matriz de {s} está en",
        "La compañía {s} está establecida en",
    ],
    "capital": [
        "{s} se gobierna desde",
        "En {s}, la capital es",
        "Los ministerios de {s} se concentran en",
        "{s} es un país cuya capital es",
    ],
    "official_language": [
        "Las leyes de {s} se redactan en",
        "{s} es un país cuya lengua oficial es el",
        "La administración pública de {s} utiliza el",
        "{s} tiene como idioma oficial el",
    ],
    "university_city": [
        "La {s} tiene su sede en",
        "La ciudad donde está la {s} es",
        "Los estudiantes de la {s} asisten a clases en",
        "La {s} está ubicada en",
    ],
}

#: a sentence saying an entity's name in another language: {a} this language's name, {b} the other language's
#: name, {language} that language's name from LANGUAGE_NAMES (written as the frame needs it).
ALIGNMENT = "En {language}, {a} se dice {b}"

#: language code -> its name as used in ALIGNMENT, for en de fr es ru zh ja th
LANGUAGE_NAMES: dict[str, str] = {
    "en": "inglés",
    "de": "alemán",
    "fr": "francés",
    "es": "español",
    "ru": "ruso",
    "zh": "chino",
    "ja": "japonés",
    "th": "tailandés",
}
