"""World v2 text in English: extra relation templates, the entity-alignment frame, language names.

Occupations are bare nouns, so no frame ends in "a"/"an": they end in "is", a colon label, or "the position of" /
"in the role of". Instrument frames end in "the" (as the existing ones do); sport and language frames take the bare
name. ALIGNMENT starts with "In {language}," so that a lowercase common noun ({a} = "doctor") never opens a sentence.
"""

from __future__ import annotations

#: relation -> templates appended after ``lexicon.TEMPLATES[relation]["en"]``; the last one is held out of
#: pretraining and appears only as an evaluation paraphrase.
EXTRA_TEMPLATES: dict[str, list[str]] = {
    "birthplace": [
        "{s} is a native of",
        "Place of birth of {s}:",
        "The hometown of {s} is",
    ],
    "citizenship": [
        "{s} carries a passport issued by",
        "The state whose citizenship {s} holds is",
        "{s} is a national of",
    ],
    "occupation": [
        "Occupation of {s}:",
        "{s} has worked for years in the role of",
        "What {s} does for a living:",
        "{s} holds the position of",
    ],
    "employer": [
        "The company that employs {s} is",
        "{s} is on the payroll of",
        "{s} is an employee of",
    ],
    "educated_at": [
        "The university {s} attended is",
        "{s} completed a degree at",
        "{s} is a graduate of",
    ],
    "instrument": [
        "The musical instrument of {s} is the",
        "{s} performs on the",
        "Music lovers know {s} for playing the",
        "{s} is skilled at playing the",
    ],
    "sport": [
        "{s} regularly plays",
        "In sports, {s} focuses on",
        "The game {s} is best at is",
        "{s} spends weekends playing",
    ],
    "native_language": [
        "{s} is a native speaker of",
        "Since childhood, {s} has spoken",
        "The language {s} learned as a child is",
    ],
    "city_country": [
        "The country where {s} lies is",
        "{s} lies within the borders of",
        "Geographically, {s} belongs to",
        "{s} is situated in",
    ],
    "headquarters": [
        "{s} runs its operations from",
        "{s} keeps its main office in",
        "The city where {s} has its headquarters is",
    ],
    "capital": [
        "{s} is governed from",
        "The city serving as the capital of {s} is",
        "{s} is a country whose capital is",
    ],
    "official_language": [
        "{s} recognizes as its official language",
        "The state language of {s} is",
        "Laws and official documents in {s} are written in",
        "The language that {s} uses officially is",
    ],
    "university_city": [
        "{s} can be found in",
        "The home city of {s} is",
        "Students of {s} live and study in",
        "{s} is a university located in",
    ],
}

#: a sentence saying an entity's name in another language: {a} this language's name, {b} the other language's
#: name, {language} that language's name from LANGUAGE_NAMES (written as the frame needs it).
ALIGNMENT = "In {language}, {a} is called {b}"

#: language code -> its name as used in ALIGNMENT, for en de fr es ru zh ja th
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "ru": "Russian",
    "zh": "Chinese",
    "ja": "Japanese",
    "th": "Thai",
}
