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

#: relation -> further templates the corpus may state facts with (``WorldConfig.more_templates``), seen in
#: pretraining only; evaluation cases keep the seven templates above.
MORE_TEMPLATES: dict[str, list[str]] = {
    "birthplace": [
        "{s} was born and raised in",
        "{s} came into the world in the city of",
        "Birthplace of {s}:",
        "The native city of {s} is",
        "Official records list the birthplace of {s} as",
        "By birth, {s} is from the city of",
    ],
    "citizenship": [
        "{s} is a national of",
        "{s} has citizenship in",
        "Citizenship of {s}:",
        "By nationality, {s} is a citizen of",
        "The passport {s} travels on was issued by",
        "The country that granted citizenship to {s} is",
    ],
    "occupation": [
        "{s} holds the position of",
        "{s} has built a career in the role of",
        "Profession of {s}:",
        "The job title held by {s} is",
        "At work, {s} serves in the role of",
        "The occupation {s} has chosen is",
    ],
    "employer": [
        "{s} is an employee of",
        "{s} has a job at",
        "Employer of {s}:",
        "The firm where {s} works is",
        "These days, {s} is employed at",
        "The company paying {s}'s salary is",
    ],
    "educated_at": [
        "{s} earned a degree at",
        "{s} is a graduate of",
        "University attended by {s}:",
        "The university from which {s} graduated is",
        "As a student, {s} was enrolled at",
        "The degree {s} holds was awarded by",
    ],
    "instrument": [
        "{s} is a skilled player of the",
        "{s} has mastered the",
        "On stage, {s} plays the",
        "The instrument that {s} practices every day is the",
        "Concert audiences hear {s} on the",
        "The instrument most associated with {s} is the",
    ],
    "sport": [
        "{s} is a keen player of",
        "{s} spends weekends playing",
        "Sport of {s}:",
        "The sport {s} trains in every week is",
        "As an athlete, {s} specializes in",
        "The favorite game of {s} is",
    ],
    "native_language": [
        "{s} speaks as a mother tongue",
        "{s} was raised speaking",
        "Mother tongue of {s}:",
        "As a child at home, {s} spoke",
        "The language {s} learned first is",
        "The language that {s} has spoken since birth is",
    ],
    "city_country": [
        "{s} is an urban center in",
        "{s} is located within",
        "Country containing the city of {s}:",
        "The city of {s} is part of",
        "Travelers who visit {s} are in",
        "On a map, the city of {s} appears in",
    ],
    "headquarters": [
        "{s} operates from its headquarters in",
        "{s} has its headquarters in",
        "Headquarters of {s}:",
        "The company {s} has its central office in",
        "Executives of {s} work at the company's headquarters in",
        "The city hosting the headquarters of {s} is",
    ],
    "capital": [
        "{s}'s capital is",
        "{s}'s parliament meets in",
        "Capital of {s}:",
        "The capital city of {s} is",
        "The national government of {s} is based in",
        "The seat of power in {s} is",
    ],
    "official_language": [
        "{s} has as its official language",
        "{s} conducts official business in",
        "State language of {s}:",
        "Government offices in {s} operate in",
        "The language used officially throughout {s} is",
        "In the schools and courts of {s}, the official language is",
    ],
    "university_city": [
        "{s} has its main buildings in",
        "{s} is situated in",
        "Location of {s}:",
        "The city that is home to {s} is",
        "The lecture halls of {s} are in",
        "Graduates of {s} spent their student years in",
    ],
}
