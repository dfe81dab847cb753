"""World v2 text in French: extra relation templates, the entity-alignment frame, language names.

No frame ends in "de"/"le"/"la" before a vowel-initial or gendered object: universities, instruments and sports
("échecs") take colon labels or "cours de" (every instrument is consonant-initial); countries (all feminine, -ie)
take "en" and, as subjects, "pays {s}" or an apposition; languages take "parle"/"en" or "le" (all masculine).
"""

from __future__ import annotations

#: relation -> templates appended after ``lexicon.TEMPLATES[relation]["fr"]``; the last one is held out of
#: pretraining, appears only as an evaluation paraphrase, and is made only of words that the relation's other
#: templates teach.
EXTRA_TEMPLATES: dict[str, list[str]] = {
    "birthplace": [
        "{s} est originaire de",
        "Ville de naissance de {s} :",
        "La ville de naissance de {s} est",
    ],
    "citizenship": [
        "Le passeport de {s} a été délivré en",
        "{s} vote aux élections nationales en",
        "Le pays qui a accordé sa nationalité à {s} :",
        "{s} a la citoyenneté du pays suivant :",
    ],
    "occupation": [
        "{s} exerce en tant que",
        "Métier de {s} :",
        "{s} gagne sa vie comme",
        "De profession, {s} est",
    ],
    "employer": [
        "{s} fait partie du personnel de",
        "Entreprise où travaille {s} :",
        "{s} travaille pour l'entreprise :",
    ],
    "educated_at": [
        "Université fréquentée par {s} :",
        "{s} compte parmi les anciens élèves de cet établissement :",
        "Lieu des études supérieures de {s} :",
        "{s} a fait ses études dans l'établissement suivant :",
    ],
    "instrument": [
        "{s} prend des cours de",
        "Instrument qu'utilise {s} en concert :",
        "L'instrument de prédilection de {s} :",
        "{s} utilise en concert l'instrument suivant :",
    ],
    "sport": [
        "Le sport favori de {s} :",
        "{s} s'entraîne chaque semaine dans cette discipline :",
        "Discipline dans laquelle {s} concourt :",
        "{s} concourt dans cette discipline :",
    ],
    "native_language": [
        "{s} s'exprime naturellement en",
        "Chez les parents de {s}, on parle",
        "Première langue apprise par {s} :",
        "{s} s'exprime depuis l'enfance en",
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
        "{s} a son siège social à",
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
        "En {s}, la langue officielle est le",
    ],
    "university_city": [
        "L'{s} accueille ses étudiants à",
        "Ville où se situe l'{s} :",
        "Les étudiants de l'{s} suivent leurs cours à",
        "L'{s} se situe à",
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
