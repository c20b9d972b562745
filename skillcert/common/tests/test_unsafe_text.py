"""Controls, direction overrides and zero-width characters are refused with the field named
(they can hide or reorder what a reviewer reads); a value the database refuses is a 400."""

import pytest
from django.db import DataError
from django.test import Client, RequestFactory

from skillcert.common.middleware import RejectNulBytesMiddleware


@pytest.mark.parametrize(
    "text",
    ["张\u202e三", "张\u200b三", "张\x07三", "张\u2066三", "\ufeff张三", "张\x85三"],
    ids=["bidi-override", "zero-width-space", "bell", "isolate", "bom", "c1"],
)
def test_form_fields_with_hidden_characters_are_refused_naming_the_field(db, text):
    response = Client().post(
        "/candidates/register/",
        {
            "username": "u1",
            "password": "Correct-Horse-2026",
            "full_name": text,
            "id_number": "110101199003077777",
            "phone": "13912345678",
        },
    )
    assert response.status_code == 400
    assert "“full_name”中含有控制字符或不可见字符" in response.content.decode()


def test_json_members_and_query_parameters_are_checked(db):
    api = Client().post(
        "/api/v1/certificates/query",
        data='{"number": "S0001", "name": "李\\u202e四", "id_number": "x"}',
        content_type="application/json",
    )
    assert api.status_code == 400
    assert api.json() == {
        "code": "input.invisible_characters",
        "message": "“name”中含有控制字符或不可见字符（如零宽空格、文字方向控制符），"
        "请删除后重新提交",
        "field": "name",
    }
    assert Client().get("/directory/", {"q": "南京\u200d"}).status_code == 400


def test_ordinary_chinese_text_line_breaks_and_rare_characters_pass(db):
    assert Client().get("/directory/", {"q": "南京\t䶮𠅤\u3000中心\r\n"}).status_code == 200


def test_a_value_the_database_refuses_is_a_400_not_a_500():
    def view(request):
        raise DataError("value too long for type character varying(200)")

    middleware = RejectNulBytesMiddleware(view)
    request = RequestFactory().post("/anything/", {"name": "x"})
    response = middleware.process_exception(request, DataError("too long"))
    assert response is not None and response.status_code == 400
    assert "输入内容过长" in response.content.decode()
