"""QTI import of the layouts other tools write (fixtures after the QTI 2.2 / 2.1 spec
examples "choice", "choice_multiple" and TAO's authoring layout): the stem and its stimulus
are kept, and what the platform cannot hold is refused by name, never dropped."""

from __future__ import annotations

import io
import zipfile

import pytest

from skillcert.itembank.qti import parse_qti_package

QTI22 = "http://www.imsglobal.org/xsd/imsqti_v2p2"
QTI21 = "http://www.imsglobal.org/xsd/imsqti_v2p1"


def _package(item_xml: str, *, kind: str = "", resource_type: str = "imsqti_item_xmlv2p2") -> bytes:
    manifest = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:sc="urn:skillcert:itembank:1"
    identifier="m1">
  <organizations/>
  <resources>
    <resource identifier="i1" type="{resource_type}" href="items/i1/qti.xml">
      <metadata><sc:item><sc:level>3</sc:level><sc:element>A-01</sc:element>
        <sc:difficulty>0.6</sc:difficulty><sc:type>{kind}</sc:type></sc:item></metadata>
      <file href="items/i1/qti.xml"/>
    </resource>
  </resources>
</manifest>"""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", manifest)
        archive.writestr("items/i1/qti.xml", item_xml)
    return buffer.getvalue()


def _item(body: str, *, ns: str = QTI22, cardinality: str = "single", key: str = "ChoiceA") -> str:
    values = "".join(f"<value>{k}</value>" for k in key.split())
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="{ns}" identifier="choice" title="行李" adaptive="false"
    timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="{cardinality}" baseType="identifier">
    <correctResponse>{values}</correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>{body}</itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p2/rptemplates/match_correct"/>
</assessmentItem>"""


CHOICES = """
  <simpleChoice identifier="ChoiceA">随身携带行李</simpleChoice>
  <simpleChoice identifier="ChoiceB">行李可以交给陌生人</simpleChoice>
  <simpleChoice identifier="ChoiceC">行李可以留在座位上</simpleChoice>"""


def _only_row(item_xml: str, **kw: str):
    result = parse_qti_package(_package(item_xml, **kw))
    assert result.errors == []
    [row] = result.rows
    return row


def test_spec_layout_with_prompt_and_stimulus_paragraph():
    row = _only_row(
        _item(
            "<p>车站广播：请勿将行李无人看管。</p>"
            f'<choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="1">'
            f"<prompt>广播的意思是？</prompt>{CHOICES}</choiceInteraction>"
        )
    )
    assert row.item_type == "single"
    assert row.content["stem"] == "车站广播：请勿将行李无人看管。\n广播的意思是？"
    assert [o["text"] for o in row.content["options"]] == [
        "随身携带行李",
        "行李可以交给陌生人",
        "行李可以留在座位上",
    ]
    assert row.content["key"] == "A"


def test_tao_layout_div_wrapper_and_stem_in_p_without_prompt():
    row = _only_row(
        _item(
            '<div class="grid-row"><div class="col-12">'
            "<p>阅读材料：<strong>安全生产</strong>第一。</p>"
            "<p>下列做法正确的是</p>"
            '<choiceInteraction responseIdentifier="RESPONSE" shuffle="true" maxChoices="1">'
            f"{CHOICES}</choiceInteraction></div></div>"
        )
    )
    assert row.content["stem"] == "阅读材料：安全生产第一。\n下列做法正确的是"
    assert row.content["key"] == "A"


def test_qti21_multiple_choice_imports_with_its_key():
    body = (
        '<div><choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="0">'
        f"<prompt>哪些做法正确？</prompt>{CHOICES}</choiceInteraction></div>"
    )
    row = _only_row(
        _item(body, ns=QTI21, cardinality="multiple", key="ChoiceA ChoiceC"),
        resource_type="imsqti_item_xmlv2p1",
    )
    assert row.item_type == "multiple"
    assert row.content["key"] == ["A", "C"]
    assert row.content["stem"] == "哪些做法正确？"


def _only_error(item_xml: str):
    result = parse_qti_package(_package(item_xml))
    assert result.rows == []
    [error] = result.errors
    return error


def test_an_image_is_refused_by_name_not_dropped():
    error = _only_error(
        _item(
            '<p><img src="images/sign.png" alt="标志"/></p>'
            '<choiceInteraction responseIdentifier="RESPONSE" maxChoices="1">'
            f"<prompt>标志的意思是？</prompt>{CHOICES}</choiceInteraction>"
        )
    )
    assert (error.column, error.code) == ("itemBody", "qti.media_unsupported")
    assert "images/sign.png" in error.message and "img" in error.message


def test_an_image_inside_a_choice_is_refused():
    error = _only_error(
        _item(
            '<choiceInteraction responseIdentifier="RESPONSE" maxChoices="1"><prompt>选</prompt>'
            '<simpleChoice identifier="A"><img src="a.png" alt="a"/></simpleChoice>'
            '<simpleChoice identifier="B">乙</simpleChoice></choiceInteraction>',
            key="A",
        )
    )
    assert error.code == "qti.media_unsupported" and "a.png" in error.message


@pytest.mark.parametrize(
    ("body", "code", "named"),
    [
        (
            '<p>填空：<textEntryInteraction responseIdentifier="RESPONSE"/></p>',
            "qti.interaction_unsupported",
            "textEntryInteraction",
        ),
        ("<p>只有文字</p>", "qti.no_interaction", "choiceInteraction"),
        (
            '<p><m:math xmlns:m="http://www.w3.org/1998/Math/MathML"><m:mi>x</m:mi></m:math></p>'
            f'<choiceInteraction responseIdentifier="RESPONSE" maxChoices="1">{CHOICES}'
            "</choiceInteraction>",
            "qti.content_unsupported",
            "MathML",
        ),
        (
            f'<choiceInteraction responseIdentifier="RESPONSE" maxChoices="1">{CHOICES}'
            '</choiceInteraction><feedbackBlock outcomeIdentifier="FB" identifier="x" '
            'showHide="show"><p>提示</p></feedbackBlock>',
            "qti.content_unsupported",
            "feedbackBlock",
        ),
    ],
)
def test_what_the_platform_cannot_hold_is_named(body, code, named):
    error = _only_error(_item(body))
    assert error.code == code
    assert named in error.message


def test_an_interaction_without_declaration_or_another_root_is_refused():
    error = _only_error(
        _item(
            f'<choiceInteraction responseIdentifier="OTHER" maxChoices="1">{CHOICES}'
            "</choiceInteraction>"
        )
    )
    assert error.code == "qti.response_undeclared"
    error = _only_error(f'<assessmentTest xmlns="{QTI22}" identifier="t"/>')
    assert error.code == "qti.version_unsupported" and "assessmentTest" in error.message
