import io
import re

import pytest
from PIL import Image

from skillcert.certificates.render import CertificateFields, render_certificate_pdf
from skillcert.common.errors import DomainError
from skillcert.common.fonts import missing_glyphs


def _fields(name="张三"):
    return CertificateFields(
        title="职业技能等级证书",
        name=name,
        id_type="居民身份证",
        id_number="3201**********1234",
        occupation="企业人力资源管理师",
        specialty="--",
        level="三级/高级工",
        number="Y000032001064253000001",
        organization="南京金陵人力资源职业技能评价中心",
        issue_date="2025年6月30日",
    )


def _photo():
    buffer = io.BytesIO()
    Image.new("RGB", (295, 413), (200, 220, 240)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_rare_characters_in_names_are_covered_by_the_fonts():
    assert missing_glyphs("张䶮𠅤龑") == []


def test_renders_a_one_page_a4_pdf_with_rare_name_and_photo():
    pdf = render_certificate_pdf(
        _fields("张䶮𠅤"), verify_url="https://example.cn/v/k1.x.y", photo=_photo()
    )
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf)) == 1
    assert re.search(rb"/MediaBox\s*\[\s*0 0 595\.2\d* 841\.8", pdf)


def test_a_character_no_font_has_fails_loudly_instead_of_printing_a_box():
    with pytest.raises(DomainError) as err:
        render_certificate_pdf(
            _fields("王\U00030000"), verify_url="https://example.cn/v/t", photo=None
        )
    assert err.value.code == "pdf.glyph_missing"
    assert "U+30000" in err.value.message
    assert err.value.field == "name"


def _pdf_title_and_text(pdf_bytes):
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf_bytes)
    text = document[0].get_textpage().get_text_range()
    return document.get_metadata_dict().get("Title"), text


def test_the_pdf_names_itself_and_a_valid_certificate_carries_no_mark():
    pdf = render_certificate_pdf(_fields(), verify_url="https://example.cn/v/t", photo=None)
    title, text = _pdf_title_and_text(pdf)
    assert title == "职业技能等级证书 Y000032001064253000001"
    assert "已撤销" not in text and "已作废" not in text


def test_a_revoked_certificate_is_stamped_as_revoked():
    pdf = render_certificate_pdf(
        _fields(), verify_url="https://example.cn/v/t", photo=None, void_mark="已撤销"
    )
    title, text = _pdf_title_and_text(pdf)
    assert title == "职业技能等级证书 Y000032001064253000001"
    assert "已撤销" in text.replace(" ", "")
    assert "张三" in text  # the certificate itself is still printed under the mark
