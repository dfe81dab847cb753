"""World v2 text in English: extra relation templates, the entity-alignment frame, language names.

Occupations are bare nouns, so no frame ends in "a"/"an": they end in "is", a colon label, or "the position of" /
"in the role of". Instrument frames end in "the" (as the existing ones do); sport and language frames take the bare
name. ALIGNMENT starts with "In {language}," so that a lowercase common noun ({a} = "doctor") never opens a sentence.
"""

from __future__ import annotations

#: relation -> templates appended after ``lexicon.TEMPLATES[relation]["en"]``; the last one is held out of
#: pretraining, appears only as an evaluation paraphrase, and is made only of words the relation's other templates
#: teach (a new sentence, not a new vocabulary).
EXTRA_TEMPLATES: dict[str, list[str]] = {
    "birthplace": [
        "{s} is a native of",
        "Place of birth of {s}:",
        "The city of birth of {s} is",
    ],
    "citizenship": [
        "{s} carries a passport issued by",
        "The state whose citizenship {s} holds is",
        "{s} holds the nationality of",
    ],
    "occupation": [
        "Occupation of {s}:",
        "{s} has worked for years in the role of",
        "What {s} does for a living:",
        "{s}'s profession is",
    ],
    "employer": [
        "The company that employs {s} is",
        "{s} is on the payroll of",
        "{s}'s employer is",
    ],
    "educated_at": [
        "The university {s} attended is",
        "{s} completed a degree at",
        "{s}'s alma mater is",
    ],
    "instrument": [
        "The musical instrument of {s} is the",
        "{s} performs on the",
        "Music lovers know {s} for playing the",
        "{s}'s musical instrument is the",
    ],
    "sport": [
        "{s} regularly plays",
        "In sports, {s} focuses on",
        "The game {s} is best at is",
        "{s} regularly competes in",
    ],
    "native_language": [
        "{s} is a native speaker of",
        "Since childhood, {s} has spoken",
        "The native language of {s} is",
    ],
    "city_country": [
        "The country where {s} lies is",
        "{s} lies within the borders of",
        "Geographically, {s} belongs to",
        "{s} lies in the country of",
    ],
    "headquarters": [
        "{s} runs its operations from",
        "{s} keeps its main office in",
        "The head office of {s} is in",
    ],
    "capital": [
        "{s} is governed from",
        "The city serving as the capital of {s} is",
        "{s} has its government in",
    ],
    "official_language": [
        "{s} recognizes as its official language",
        "The state language of {s} is",
        "Laws and official documents in {s} are written in",
        "The official language in {s} is",
    ],
    "university_city": [
        "{s} can be found in",
        "The home city of {s} is",
        "Students of {s} live and study in",
        "{s} is in the city of",
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
