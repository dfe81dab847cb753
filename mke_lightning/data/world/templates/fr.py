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

#: relation -> further templates the corpus may state facts with (``WorldConfig.more_templates``), seen in
#: pretraining only; evaluation cases keep the seven templates above.
MORE_TEMPLATES: dict[str, list[str]] = {
    "birthplace": [
        "{s} voit le jour à",
        "{s}, dont la ville natale est",
        "Lieu de naissance de {s} :",
        "La naissance de {s} a eu lieu à",
        "Ville natale de {s} :",
        "D'après son acte de naissance, {s} a vu le jour à",
    ],
    "citizenship": [
        "{s} possède le passeport du pays suivant :",
        "{s} a obtenu sa nationalité en",
        "{s} jouit des droits civiques en",
        "Pays qui a délivré le passeport de {s} :",
        "La citoyenneté de {s} est celle du pays suivant :",
        "D'après son passeport, {s} relève du pays suivant :",
    ],
    "occupation": [
        "{s} a fait carrière comme",
        "{s} exerce le métier suivant :",
        "Profession exercée par {s} :",
        "Sur sa carte de visite, {s} se présente comme",
        "Le métier qu'exerce {s} est",
        "Au quotidien, {s} officie comme",
    ],
    "employer": [
        "{s} a un contrat de travail avec",
        "{s} fait carrière chez",
        "Employeur de {s} :",
        "La société qui rémunère {s} est",
        "Chaque matin, {s} se rend au travail chez",
        "Société pour laquelle travaille {s} :",
    ],
    "educated_at": [
        "{s} a obtenu son diplôme à l'université suivante :",
        "{s} a suivi ses cours à l'université suivante :",
        "Université où {s} a étudié :",
        "Établissement d'enseignement supérieur de {s} :",
        "Pendant ses études, {s} fréquentait l'établissement suivant :",
        "L'établissement qui a formé {s} :",
    ],
    "instrument": [
        "{s} maîtrise l'instrument suivant :",
        "{s} donne des cours de",
        "Instrument joué par {s} :",
        "Dans l'orchestre, {s} tient la partie de",
        "L'instrument que pratique {s} depuis des années :",
        "Chaque soir, {s} répète sur l'instrument suivant :",
    ],
    "sport": [
        "{s} pratique régulièrement la discipline suivante :",
        "{s} a une licence sportive dans la discipline suivante :",
        "Le sport que pratique {s} :",
        "Sport dans lequel {s} excelle :",
        "Le week-end, {s} s'adonne à son sport :",
        "Discipline pratiquée en club par {s} :",
    ],
    "native_language": [
        "{s} a appris à parler en",
        "{s} a pour langue maternelle le",
        "La langue maternelle de {s} est le",
        "Dans sa famille, {s} a toujours parlé",
        "Langue que {s} parle depuis sa naissance :",
        "Dès ses premiers mots, {s} parlait",
    ],
    "city_country": [
        "{s} est une ville située en",
        "{s} compte parmi les villes de",
        "La ville de {s} appartient au pays suivant :",
        "Pays auquel est rattachée la ville de {s} :",
        "Quand on visite {s}, on est en",
        "Le pays de la ville de {s} :",
    ],
    "headquarters": [
        "{s} a établi sa direction à",
        "{s} gère ses affaires depuis",
        "Ville du siège de {s} :",
        "Les bureaux centraux de l'entreprise {s} se trouvent à",
        "Le quartier général de {s} est à",
        "L'entreprise {s} est domiciliée à",
    ],
    "capital": [
        "{s}, pays gouverné depuis",
        "{s}, pays dont le gouvernement siège à",
        "{s}, pays dont le parlement se réunit à",
        "Capitale nationale du pays {s} :",
        "Dans le pays {s}, le siège du gouvernement est",
        "Les ministères du pays {s} sont installés à",
    ],
    "official_language": [
        "{s}, pays dont les documents officiels sont rédigés en",
        "{s}, pays où l'école enseigne en",
        "Dans le pays {s}, les tribunaux rendent leurs jugements en",
        "Langue de l'administration du pays {s} :",
        "Le pays {s} reconnaît comme langue officielle le",
        "Au parlement du pays {s}, les débats se tiennent en",
    ],
    "university_city": [
        "L'{s} a ses bâtiments à",
        "L'{s} a été fondée à",
        "L'{s} dispense ses enseignements à",
        "Ville universitaire de l'{s} :",
        "Pour suivre les cours de l'{s}, il faut se rendre à",
        "Les amphithéâtres de l'{s} se trouvent à",
    ],
}
