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

#: relation -> further templates the corpus may state facts with (``WorldConfig.more_templates``), seen in
#: pretraining only; evaluation cases keep the seven templates above.
MORE_TEMPLATES: dict[str, list[str]] = {
    "birthplace": [
        "{s} wurde geboren in",
        "{s} kam zur Welt in",
        "Geburtsort von {s}:",
        "Die Stadt, in der {s} geboren wurde, heißt",
        "{s} erblickte das Licht der Welt in",
        "Ursprünglich stammt {s} aus",
    ],
    "citizenship": [
        "{s} hält die Staatsangehörigkeit von",
        "{s} ist eingebürgert in",
        "Staatsbürgerlich gehört {s} zu",
        "Staatsangehörigkeit von {s}:",
        "Laut Pass stammt {s} aus",
        "Auf die Frage nach der Nationalität nennt {s}",
    ],
    "occupation": [
        "{s} verdient den Lebensunterhalt als",
        "Von Beruf ist {s}",
        "Beruf von {s}:",
        "{s} hat eine Stelle als",
        "Hauptberuflich arbeitet {s} als",
        "Im Berufsleben ist {s}",
    ],
    "employer": [
        "{s} arbeitet für",
        "{s} hat eine Anstellung bei",
        "Arbeitgeber von {s}:",
        "Seit einigen Jahren arbeitet {s} bei",
        "{s} bezieht das Gehalt von",
        "Die Firma, bei der {s} angestellt ist, heißt",
    ],
    "educated_at": [
        "{s} machte den Abschluss an der",
        "Studiert hat {s} an der",
        "{s} absolvierte das Studium an der",
        "Hochschule von {s}: die",
        "Den Studienabschluss erwarb {s} an der",
        "Während des Studiums besuchte {s} die",
    ],
    "instrument": [
        "{s} übt täglich",
        "{s} spielt seit der Kindheit",
        "Instrument von {s}:",
        "Im Orchester spielt {s}",
        "Am liebsten spielt {s}",
        "{s} nimmt Unterricht im Fach",
    ],
    "sport": [
        "{s} spielt in der Freizeit",
        "{s} trainiert regelmäßig",
        "Sportart von {s}:",
        "Seit der Jugend spielt {s}",
        "{s} gewann mehrere Turniere im",
        "Der Sport, den {s} betreibt, ist",
    ],
    "native_language": [
        "{s} spricht seit der Kindheit",
        "{s} hat als Muttersprache",
        "Muttersprache von {s}:",
        "Zu Hause sprach {s} als Kind",
        "Die Sprache, mit der {s} aufgewachsen ist, ist",
        "Von klein auf spricht {s}",
    ],
    "city_country": [
        "{s} befindet sich in",
        "{s} gehört politisch zu",
        "Land der Stadt {s}:",
        "Geografisch liegt {s} in",
        "Die Stadt {s} gehört zu",
        "Wer {s} besucht, reist nach",
    ],
    "headquarters": [
        "{s} hat die Firmenzentrale in",
        "{s} residiert in",
        "Hauptsitz von {s}:",
        "Die Konzernzentrale von {s} steht in",
        "Der Firmensitz des Unternehmens {s} ist",
        "Geführt wird {s} von der Zentrale in",
    ],
    "capital": [
        "{s} ist ein Land mit der Hauptstadt",
        "{s} hat seine Regierung in",
        "Hauptstadt von {s}:",
        "Die Regierung von {s} sitzt in",
        "Das Parlament von {s} tagt in",
        "Die Hauptstadt des Staates {s} heißt",
    ],
    "official_language": [
        "{s} verwendet als Amtssprache",
        "In {s} gilt als Amtssprache",
        "Amtssprache von {s}:",
        "Offizielle Sprache in {s}:",
        "Die Gesetze von {s} sind verfasst auf",
        "Die Landessprache von {s} ist",
    ],
    "university_city": [
        "Die {s} hat ihren Sitz in",
        "Die {s} ist ansässig in",
        "Sitz der {s}:",
        "Studierende der {s} leben in",
        "Die Hörsäle der {s} stehen in",
        "Die {s} wurde gegründet in",
    ],
}
