"""World v2 text in Thai: extra relation templates, the entity-alignment frame, language names.

Frames are written without spaces, like the existing ones, and end where the bare object follows directly.
Language objects already begin with ภาษา, so frames before them never end in ภาษา; instrument frames always name
ดนตรี so that they cannot be read as sport frames ("เล่น" fits both). LANGUAGE_NAMES are full names ("ภาษาอังกฤษ").
"""

from __future__ import annotations

#: relation -> templates appended after ``lexicon.TEMPLATES[relation]["th"]``; the last one is held out of
#: pretraining and appears only as an evaluation paraphrase.
EXTRA_TEMPLATES: dict[str, list[str]] = {
    "birthplace": [
        "{s}เป็นชาวเมือง",
        "{s}ถือกำเนิดที่เมือง",
        "สถานที่เกิดของ{s}คือเมือง",
        "{s}เกิดและเติบโตที่เมือง",
    ],
    "citizenship": [
        "{s}ถือหนังสือเดินทางของประเทศ",
        "ประเทศที่{s}ถือสัญชาติคือ",
        "ตามเอกสารทางราชการ{s}มีสัญชาติ",
        "{s}เป็นคนสัญชาติ",
    ],
    "occupation": [
        "{s}มีอาชีพเป็น",
        "งานประจำของ{s}คือ",
        "ปัจจุบัน{s}เป็น",
        "{s}หาเลี้ยงชีพด้วยการเป็น",
    ],
    "employer": [
        "บริษัทที่{s}ทำงานอยู่คือ",
        "{s}ได้รับการว่าจ้างจากบริษัท",
        "ต้นสังกัดของ{s}คือบริษัท",
        "{s}ทำงานประจำอยู่กับบริษัท",
    ],
    "educated_at": [
        "{s}เป็นศิษย์เก่าของ",
        "มหาวิทยาลัยที่{s}จบมาคือ",
        "{s}ได้รับปริญญาจาก",
        "สมัยเรียนมหาวิทยาลัย{s}เรียนที่",
    ],
    "instrument": [
        "{s}ร่วมวงดนตรีในตำแหน่งผู้เล่น",
        "{s}มีความสามารถในการเล่นเครื่องดนตรีอย่าง",
        "เวลาขึ้นแสดงดนตรี{s}มักจะเล่น",
        "เครื่องดนตรีประจำตัวของ{s}คือ",
    ],
    "sport": [
        "{s}เป็นนักกีฬา",
        "กีฬาโปรดของ{s}คือ",
        "{s}ลงแข่งขันในกีฬาประเภท",
        "ยามว่าง{s}ชอบเล่นกีฬา",
    ],
    "native_language": [
        "{s}เติบโตมากับการพูด",
        "{s}มีภาษาแม่เป็น",
        "ตั้งแต่เกิด{s}ได้ยินและพูด",
        "ที่บ้าน{s}พูด",
    ],
    "city_country": [
        "{s}อยู่ในเขตแดนของประเทศ",
        "เมือง{s}เป็นส่วนหนึ่งของประเทศ",
        "{s}เป็นเมืองที่ขึ้นกับประเทศ",
        "ประเทศที่มีเมือง{s}คือ",
    ],
    "headquarters": [
        "{s}ตั้งสำนักงานใหญ่ไว้ที่เมือง",
        "เมืองที่เป็นที่ตั้งสำนักงานใหญ่ของ{s}คือ",
        "ผู้บริหารของบริษัท{s}ทำงานอยู่ที่เมือง",
        "{s}บริหารกิจการจากเมือง",
    ],
    "capital": [
        "{s}ตั้งเมืองหลวงไว้ที่",
        "รัฐบาลของ{s}ตั้งอยู่ที่เมือง",
        "ศูนย์กลางการปกครองของประเทศ{s}คือเมือง",
        "เมืองที่เป็นเมืองหลวงของ{s}คือ",
    ],
    "official_language": [
        "{s}กำหนดให้ภาษาราชการเป็น",
        "{s}ประกาศใช้",
        "ในประเทศ{s}เอกสารราชการเขียนด้วย",
        "ภาษาที่ใช้อย่างเป็นทางการใน{s}คือ",
    ],
    "university_city": [
        "{s}เปิดการเรียนการสอนที่เมือง",
        "นักศึกษาของ{s}ใช้ชีวิตอยู่ในเมือง",
        "ที่ตั้งของ{s}คือเมือง",
        "ผู้ที่จะไปเรียนที่{s}ต้องเดินทางไปเมือง",
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
