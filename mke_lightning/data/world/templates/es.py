"""World v2 text in Spanish: extra relation templates, the entity-alignment frame, language names.

Instruments (mixed genders, "el arpa") take colon labels or the bare "clases de"; sports are all masculine, so "el",
"al" and "torneos de" fit; languages are masculine ("el", or bare after "habla"/"en"). Universities keep "la"
("en la", "La {s}"); person frames avoid gendered adjectives ("natural de", not "nacido"/"graduado").
"""

from __future__ import annotations

#: relation -> templates appended after ``lexicon.TEMPLATES[relation]["es"]``; the last one is held out of
#: pretraining, appears only as an evaluation paraphrase, and is made only of words the relation's other
#: templates teach.
EXTRA_TEMPLATES: dict[str, list[str]] = {
    "birthplace": [
        "{s} es natural de",
        "Ciudad de nacimiento de {s}:",
        "La ciudad de nacimiento de {s} es",
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
        "La ocupación de {s} es",
    ],
    "employer": [
        "{s} forma parte de la plantilla de",
        "El empleador de {s} es",
        "{s} presta sus servicios en",
        "La empresa para la que trabaja {s} es",
    ],
    "educated_at": [
        "La universidad donde estudió {s} es la",
        "{s} cursó sus estudios universitarios en la",
        "El alma máter de {s} es la",
        "{s} cursó sus estudios en la",
    ],
    "instrument": [
        "{s} recibe clases de",
        "El instrumento favorito de {s}:",
        "Instrumento con el que actúa {s}:",
        "{s} actúa con el siguiente instrumento:",
    ],
    "sport": [
        "El deporte favorito de {s} es el",
        "{s} participa en torneos de",
        "Los fines de semana, {s} practica el",
        "{s} juega torneos de",
    ],
    "native_language": [
        "{s} habla desde la infancia",
        "En casa de {s} se habla",
        "El primer idioma de {s} es el",
        "{s} habla en casa el",
    ],
    "city_country": [
        "El país en el que está {s} es",
        "{s} pertenece a",
        "La ciudad de {s} forma parte de",
        "{s} está situada en",
    ],
    "headquarters": [
        "{s} dirige sus operaciones desde",
        "Las oficinas principales de {s} se encuentran en",
        "La casa matriz de {s} está en",
        "Las oficinas centrales de {s} se encuentran en",
    ],
    "capital": [
        "{s} se gobierna desde",
        "En {s}, la capital es",
        "Los ministerios de {s} se concentran en",
        "{s} tiene su capital en",
    ],
    "official_language": [
        "Las leyes de {s} se redactan en",
        "{s} es un país cuya lengua oficial es el",
        "La administración pública de {s} utiliza el",
        "{s} utiliza oficialmente el",
    ],
    "university_city": [
        "La {s} tiene su sede en",
        "La ciudad donde está la {s} es",
        "Los estudiantes de la {s} asisten a clases en",
        "La {s} tiene su campus en",
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

#: relation -> further templates the corpus may state facts with (``WorldConfig.more_templates``), seen in
#: pretraining only; evaluation cases keep the seven templates above.
MORE_TEMPLATES: dict[str, list[str]] = {
    "birthplace": [
        "{s} nació en la ciudad de",
        "{s} vio la luz en",
        "Ciudad natal de {s}:",
        "Según su partida de nacimiento, {s} nació en",
        "El nacimiento de {s} tuvo lugar en",
        "{s} nació y se crio en",
    ],
    "citizenship": [
        "{s} tiene la ciudadanía de",
        "{s} ostenta la nacionalidad de",
        "Nacionalidad de {s}:",
        "Ciudadanía de {s}:",
        "Según sus documentos oficiales, {s} es nacional de",
        "El Estado que reconoce a {s} como nacional es",
    ],
    "occupation": [
        "{s} trabaja actualmente como",
        "{s} se desempeña como",
        "Profesión de {s}:",
        "De profesión, {s} es",
        "Oficio de {s}:",
        "Desde hace años, {s} trabaja como",
    ],
    "employer": [
        "{s} tiene un contrato con",
        "{s} trabaja actualmente para",
        "Empleador de {s}:",
        "Lugar de trabajo de {s}:",
        "Según su perfil profesional, {s} trabaja en",
        "La compañía que contrató a {s} es",
    ],
    "educated_at": [
        "{s} se formó en la",
        "{s} obtuvo su licenciatura en la",
        "La institución donde se formó {s} es la",
        "Antes de empezar a trabajar, {s} estudió en la",
        "El título universitario de {s} lo expidió la",
        "Los años universitarios de {s} transcurrieron en la",
    ],
    "instrument": [
        "{s} da clases de",
        "{s} toma lecciones de",
        "Instrumento principal de {s}:",
        "Instrumento que domina {s}:",
        "{s} lleva años estudiando este instrumento:",
        "Instrumento que estudia {s} en el conservatorio:",
    ],
    "sport": [
        "{s} practica el",
        "{s} dedica sus tardes al",
        "Deporte favorito de {s}:",
        "En su tiempo libre, {s} juega al",
        "El deporte que practica {s} es el",
        "Deporte en el que compite {s}:",
    ],
    "native_language": [
        "{s} aprendió a hablar en",
        "{s} tiene como lengua materna el",
        "Idioma materno de {s}:",
        "El idioma materno de {s} es el",
        "Desde la cuna, {s} habla",
        "La primera lengua que aprendió {s} fue el",
    ],
    "city_country": [
        "{s} es una localidad de",
        "{s} es una de las ciudades de",
        "País al que pertenece {s}:",
        "La ciudad de {s} se encuentra en",
        "En el mapa, {s} aparece dentro de",
        "El país donde se encuentra la ciudad de {s} es",
    ],
    "headquarters": [
        "{s} tiene su sede central en",
        "La empresa {s} está establecida en",
        "Sede de {s}:",
        "La sede social de {s} se ubica en",
        "El domicilio social de {s} está en",
        "{s} gestiona sus negocios desde",
    ],
    "capital": [
        "La ciudad capital de {s} es",
        "Capital de {s}:",
        "{s} es un país cuya capital es",
        "El parlamento de {s} se reúne en",
        "{s} concentra sus instituciones en",
        "La sede del gobierno de {s} se encuentra en",
    ],
    "official_language": [
        "{s} tiene como lengua oficial el",
        "{s} reconoce como idioma oficial el",
        "Idioma oficial de {s}:",
        "En las escuelas públicas de {s} se enseña en",
        "El idioma oficial de {s} es el",
        "Los documentos oficiales de {s} están escritos en",
    ],
    "university_city": [
        "La {s} está ubicada en",
        "La {s} tiene sus facultades en",
        "Ciudad donde se encuentra la {s}:",
        "Las aulas de la {s} están en",
        "Para estudiar en la {s}, hay que ir a",
        "La {s} imparte sus clases en",
    ],
}
