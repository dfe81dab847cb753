"""World v2 text in French: extra relation templates, the entity-alignment frame, language names.

No frame ends in "de"/"le"/"la" before a vowel-initial or gendered object: universities, instruments and sports
("échecs") take colon labels or "cours de" (every instrument is consonant-initial); countries (all feminine, -ie)
take "en" and, as subjects, "pays {s}" or an apposition; languages take "parle"/"en" or "le" (all masculine).
"""

from __future__ import annotations

#: relation -> templates appended after ``lexicon.TEMPLATES[relation]["fr"]``; the last one is held out of
#: pretraining and appears only as an evaluation paraphrase.
EXTRA_TEMPLATES: dict[str, list[str]] = {
    "birthplace": [
        "{s} est originaire de",
        "Ville de naissance de {s} :",
        "La naissance de {s} a eu lieu à",
    ],
    "citizenship": [
        "Le passeport de {s} a été délivré en",
        "{s} vote aux élections nationales en",
        "Le pays qui a accordé sa nationalité à {s} :",
        "{s} jouit des droits civiques en",
    ],
    "occupation": [
        "{s} exerce en tant que",
        "Métier de {s} :",
        "{s} gagne sa vie comme",
        "Dans la vie, {s} est",
    ],
    "employer": [
        "{s} fait partie du personnel de",
        "Entreprise où travaille {s} :",
        "{s} occupe un poste chez",
    ],
    "educated_at": [
        "Université fréquentée par {s} :",
        "{s} compte parmi les anciens élèves de cet établissement :",
        "Lieu des études supérieures de {s} :",
        "{s} a obtenu son diplôme à l'université suivante :",
    ],
    "instrument": [
        "{s} prend des cours de",
        "Instrument qu'utilise {s} en concert :",
        "L'instrument de prédilection de {s} :",
        "{s} a appris à jouer de cet instrument :",
    ],
    "sport": [
        "Le sport favori de {s} :",
        "{s} s'entraîne chaque semaine dans cette discipline :",
        "Discipline dans laquelle {s} concourt :",
        "{s} consacre son temps libre au sport suivant :",
    ],
    "native_language": [
        "{s} s'exprime naturellement en",
        "Chez les parents de {s}, on parle",
        "Première langue apprise par {s} :",
        "{s} a pour langue maternelle le",
    ],
    "city_country": [
        "On trouve la ville de {s} en",
        "{s} fait partie des villes de",
        "Le pays auquel appartient {s} :",
        "{s} se trouve en",
    ],
    "headquarters": [
        "{s} dirige ses activités depuis",
        "La direction générale de {s} est installée à",
        "{s} a ses bureaux principaux à",
    ],
    "capital": [
        "Le gouvernement du pays {s} siège à",
        "En {s}, le pouvoir central est installé à",
        "Parmi les villes du pays {s}, la capitale est",
        "La capitale du pays {s} est",
    ],
    "official_language": [
        "En {s}, l'administration travaille en",
        "Les lois du pays {s} sont rédigées en",
        "{s}, pays dont la langue nationale est le",
        "Dans le pays {s}, la langue officielle est le",
    ],
    "university_city": [
        "L'{s} accueille ses étudiants à",
        "Ville où se situe l'{s} :",
        "Les étudiants de l'{s} suivent leurs cours à",
        "L'{s} est un établissement situé à",
    ],
}

#: a sentence saying an entity's name in another language: {a} this language's name, {b} the other language's
#: name, {language} that language's name from LANGUAGE_NAMES (written as the frame needs it).
ALIGNMENT = "En {language}, {a} se dit {b}"

#: language code -> its name as used in ALIGNMENT, for en de fr es ru zh ja th
LANGUAGE_NAMES: dict[str, str] = {
    "en": "anglais",
    "de": "allemand",
    "fr": "français",
    "es": "espagnol",
    "ru": "russe",
    "zh": "chinois",
    "ja": "japonais",
    "th": "thaï",
}
