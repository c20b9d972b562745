import io

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from skillcert.candidates.photo import MAX_BYTES, photo_check


def image(width, height, fmt="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 200, 255)).save(buffer, format=fmt)
    return buffer.getvalue()


def test_good_one_inch_photo_passes():
    check = photo_check(image(295, 413))
    assert check.ok and check.format == "JPEG"


def test_png_accepted_gif_refused_by_content_not_name():
    assert photo_check(image(300, 420, "PNG")).ok
    check = photo_check(image(300, 420, "GIF"))
    assert check.fatal and "GIF" in check.fatal[0]


def test_not_an_image_is_fatal():
    assert photo_check(b"%PDF-1.4 not a photo").fatal


def test_too_large_is_fatal():
    assert photo_check(b"\xff" * (MAX_BYTES + 1)).fatal


def test_low_resolution_and_wrong_ratio_are_flagged_not_fatal():
    small = photo_check(image(150, 210))
    assert not small.fatal and "分辨率" in small.problems[0]
    square = photo_check(image(500, 500))
    assert not square.fatal and any("宽高比" in p for p in square.problems)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(data):
    check = photo_check(data)
    assert check.fatal or check.format
