"""Romanized names (Revised Romanization of Korean) of Korean provinces and cities.

Only whole values found here get a suggestion; anything else is left to the
agent, because romanizing personal and company names needs a person.
"""

from __future__ import annotations

ROMANIZED_PLACES = {
    "서울": "Seoul",
    "서울특별시": "Seoul",
    "부산": "Busan",
    "부산광역시": "Busan",
    "대구": "Daegu",
    "대구광역시": "Daegu",
    "인천": "Incheon",
    "인천광역시": "Incheon",
    "광주": "Gwangju",
    "광주광역시": "Gwangju",
    "대전": "Daejeon",
    "대전광역시": "Daejeon",
    "울산": "Ulsan",
    "울산광역시": "Ulsan",
    "세종": "Sejong",
    "세종특별자치시": "Sejong",
    "경기": "Gyeonggi-do",
    "경기도": "Gyeonggi-do",
    "강원": "Gangwon-do",
    "강원도": "Gangwon-do",
    "충북": "Chungcheongbuk-do",
    "충청북도": "Chungcheongbuk-do",
    "충남": "Chungcheongnam-do",
    "충청남도": "Chungcheongnam-do",
    "전북": "Jeollabuk-do",
    "전라북도": "Jeollabuk-do",
    "전남": "Jeollanam-do",
    "전라남도": "Jeollanam-do",
    "경북": "Gyeongsangbuk-do",
    "경상북도": "Gyeongsangbuk-do",
    "경남": "Gyeongsangnam-do",
    "경상남도": "Gyeongsangnam-do",
    "제주": "Jeju-do",
    "제주도": "Jeju-do",
    "제주특별자치도": "Jeju-do",
    "수원시": "Suwon-si",
    "성남시": "Seongnam-si",
    "고양시": "Goyang-si",
    "용인시": "Yongin-si",
    "부천시": "Bucheon-si",
    "안양시": "Anyang-si",
    "화성시": "Hwaseong-si",
    "창원시": "Changwon-si",
    "청주시": "Cheongju-si",
    "전주시": "Jeonju-si",
    "천안시": "Cheonan-si",
    "포항시": "Pohang-si",
    "김해시": "Gimhae-si",
    "강남구": "Gangnam-gu",
    "서초구": "Seocho-gu",
    "송파구": "Songpa-gu",
    "마포구": "Mapo-gu",
    "종로구": "Jongno-gu",
    "중구": "Jung-gu",
    "영등포구": "Yeongdeungpo-gu",
    "구로구": "Guro-gu",
    "금천구": "Geumcheon-gu",
    "분당구": "Bundang-gu",
}


def romanize(text: str) -> str | None:
    """Return the romanized form of a known Korean place name, or None."""
    return ROMANIZED_PLACES.get(text.strip())
