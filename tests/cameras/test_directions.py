from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cameras.directions import DEFAULT_FIELD_OF_VIEW, parse_direction

COMPASS = {
    "북": 0, "북동": 45, "동": 90, "남동": 135, "남": 180, "남서": 225, "서": 270, "북서": 315,
    "동북": 45, "동남": 135, "서남": 225, "서북": 315,
}


@pytest.mark.parametrize("text", ["360도 전방면", "360°", "360도", " 360 도 ", "360도 회전", "전방위"])
def test_all_around_is_a_field_of_view_without_bearing(text: str) -> None:
    assert parse_direction(text) == (None, 360)


@pytest.mark.parametrize("word", sorted(COMPASS))
@pytest.mark.parametrize("suffix", ["", "측", "쪽", "방향", "방면"])
def test_compass_words(word: str, suffix: str) -> None:
    assert parse_direction(word + suffix) == (COMPASS[word], DEFAULT_FIELD_OF_VIEW)


@pytest.mark.parametrize(("text", "expected"), [
    ("45°", (None, 45)), ("120도", (None, 120)), ("북측 120도", (0, 120)), ("남동쪽, 60°", (135, 60)),
    ("서 360도", (None, 360)),
])
def test_angles(text: str, expected: tuple) -> None:
    assert parse_direction(text) == expected


@pytest.mark.parametrize("text", [
    # Two directions, or none at all: no single bearing to draw.
    "동서", "남북", "좌우양방향", "특정방면", "", "   ", None,
    # Place descriptions from the real Daejeon data, some with compass syllables inside names.
    "주택 앞 삼거리", "반경 2~3m", "대사동", "중촌그린공원 서쪽정자", "현대아파트 113동 옆",
    "동양유치원  (버드내@ 214동 옆)", "남대전고 뒤 삼거리",
    # Angles that cannot be a field of view, and numbers without a unit.
    "0도", "400°", "360", "45",
])
def test_unclear_text_gives_nothing(text: str | None) -> None:
    assert parse_direction(text) == (None, None)


@given(st.text())
def test_never_raises_and_stays_in_range(text: str) -> None:
    bearing, field_of_view = parse_direction(text)
    assert bearing is None or (0 <= bearing < 360 and bearing in COMPASS.values())
    assert field_of_view is None or 0 < field_of_view <= 360
    # A bearing without a field of view would draw nothing sensible.
    assert bearing is None or field_of_view is not None


@given(st.sampled_from(sorted(COMPASS)), st.sampled_from(["", "측", "쪽"]), st.text().filter(str.strip))
def test_compass_word_inside_other_text_is_not_read(word: str, suffix: str, tail: str) -> None:
    text = f"{word}{suffix} {tail}"
    bearing, _ = parse_direction(text)
    stripped_tail = " ".join(tail.split())
    if bearing is not None:
        # Only an explicit angle may follow a compass word.
        assert stripped_tail.rstrip("도°˚º").strip(" ,").replace(".", "", 1).isdigit()
