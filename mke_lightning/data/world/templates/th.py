"""World v2 text in Thai: extra relation templates, the entity-alignment frame, language names.

Frames are written without spaces, like the existing ones, and end where the bare object follows directly.
Language objects already begin with ภาษา, so frames before them never end in ภาษา; instrument frames always name
ดนตรี so that they cannot be read as sport frames ("เล่น" fits both). LANGUAGE_NAMES are full names ("ภาษาอังกฤษ").
"""

from __future__ import annotations

#: relation -> templates appended after ``lexicon.TEMPLATES[relation]["th"]``; the last one is held out of
#: pretraining, appears only as an evaluation paraphrase, and is made only of characters (here: words too) that
#: the relation's other templates teach, recombined into a sentence the corpus never contains.
EXTRA_TEMPLATES: dict[str, list[str]] = {
    "birthplace": [
        "{s}เป็นชาวเมือง",
        "{s}ถือกำเนิดที่เมือง",
        "สถานที่เกิดของ{s}คือเมือง",
        "{s}เกิดที่เมือง",
    ],
    "citizenship": [
        "{s}ถือหนังสือเดินทางของประเทศ",
        "ประเทศที่{s}ถือสัญชาติคือ",
        "ตามเอกสารทางราชการ{s}มีสัญชาติ",
        "{s}ถือสัญชาติของประเทศ",
    ],
    "occupation": [
        "{s}มีอาชีพเป็น",
        "งานประจำของ{s}คือ",
        "ปัจจุบัน{s}เป็น",
        "{s}ประกอบอาชีพเป็น",
    ],
    "employer": [
        "บริษัทที่{s}ทำงานอยู่คือ",
        "{s}ได้รับการว่าจ้างจากบริษัท",
        "ต้นสังกัดของ{s}คือบริษัท",
        "{s}ทำงานอยู่ที่บริษัท",
    ],
    "educated_at": [
        "{s}เป็นศิษย์เก่าของ",
        "มหาวิทยาลัยที่{s}จบมาคือ",
        "{s}ได้รับปริญญาจาก",
        "มหาวิทยาลัยที่{s}เรียนจบคือ",
    ],
    "instrument": [
        "{s}ร่วมวงดนตรีในตำแหน่งผู้เล่น",
        "{s}มีความสามารถในการเล่นเครื่องดนตรีอย่าง",
        "เวลาขึ้นแสดงดนตรี{s}มักจะเล่น",
        "เครื่องดนตรีที่{s}มักจะเล่นคือ",
    ],
    "sport": [
        "{s}เป็นนักกีฬา",
        "กีฬาโปรดของ{s}คือ",
        "{s}ลงแข่งขันในกีฬาประเภท",
        "กีฬาที่{s}ลงแข่งขันคือ",
    ],
    "native_language": [
        "{s}เติบโตมากับการพูด",
        "{s}มีภาษาแม่เป็น",
        "ตั้งแต่เกิด{s}ได้ยินและพูด",
        "ตั้งแต่เด็ก{s}พูด",
    ],
    "city_country": [
        "{s}อยู่ในเขตแดนของประเทศ",
        "เมือง{s}เป็นส่วนหนึ่งของประเทศ",
        "{s}เป็นเมืองที่ขึ้นกับประเทศ",
        "ประเทศที่เมือง{s}เป็นส่วนหนึ่งคือ",
    ],
    "headquarters": [
        "{s}ตั้งสำนักงานใหญ่ไว้ที่เมือง",
        "เมืองที่เป็นที่ตั้งสำนักงานใหญ่ของ{s}คือ",
        "ผู้บริหารของบริษัท{s}ทำงานอยู่ที่เมือง",
        "{s}มีสำนักงานใหญ่ที่เมือง",
    ],
    "capital": [
        "{s}ตั้งเมืองหลวงไว้ที่",
        "รัฐบาลของ{s}ตั้งอยู่ที่เมือง",
        "ศูนย์กลางการปกครองของประเทศ{s}คือเมือง",
        "เมืองที่รัฐบาลของ{s}ตั้งอยู่คือ",
    ],
    "official_language": [
        "{s}กำหนดให้ภาษาราชการเป็น",
        "{s}ประกาศใช้",
        "ในประเทศ{s}เอกสารราชการเขียนด้วย",
        "ในประเทศ{s}ภาษาราชการคือ",
    ],
    "university_city": [
        "{s}เปิดการเรียนการสอนที่เมือง",
        "นักศึกษาของ{s}ใช้ชีวิตอยู่ในเมือง",
        "ที่ตั้งของ{s}คือเมือง",
        "วิทยาเขตของ{s}อยู่ในเมือง",
    ],
}

#: a sentence saying an entity's name in another language: {a} this language's name, {b} the other language's
#: name, {language} that language's name from LANGUAGE_NAMES (written as the frame needs it).
ALIGNMENT = "{a}ใน{language}เรียกว่า{b}"

#: language code -> its name as used in ALIGNMENT, for en de fr es ru zh ja th
LANGUAGE_NAMES: dict[str, str] = {
    "en": "ภาษาอังกฤษ",
    "de": "ภาษาเยอรมัน",
    "fr": "ภาษาฝรั่งเศส",
    "es": "ภาษาสเปน",
    "ru": "ภาษารัสเซีย",
    "zh": "ภาษาจีน",
    "ja": "ภาษาญี่ปุ่น",
    "th": "ภาษาไทย",
}
