"""QTI 2.2 exchange for choice items (single, multiple, true/false), as an IMS content
package (zip with imsmanifest.xml) that TAO and other QTI tools import and export.

Mapping (docs/formats/itembank.md): one `assessmentItem` per item, identifier = item code;
`choiceInteraction` with `maxChoices` 1 (single, true/false) or 0 (multiple); options are
`simpleChoice` A, B, …; the key is `correctResponse`; the score is the MAXSCORE outcome's
default. Platform fields (level, element code, difficulty, enemy group) travel in the
manifest resource's metadata under the `urn:skillcert:itembank:1` namespace; a package
from another tool without them is rejected row by row, naming the missing field."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol
from xml.etree import ElementTree as ET
from xml.parsers import expat

from skillcert.common.errors import DomainError
from skillcert.common.untrusted_files import zip_open
from skillcert.itembank.assembly import ELEMENT_CODE
from skillcert.itembank.content import content_clean
from skillcert.itembank.excel import ItemRow, ParseResult, RowError

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p2"
QTI_READ = (QTI, "http://www.imsglobal.org/xsd/imsqti_v2p1")  # 2.1 items import alike
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
SC = "urn:skillcert:itembank:1"
TF_OPTIONS = ["正确", "错误"]
MAX_PACKAGE = 50 * 1024 * 1024  # uncompressed
MAX_ENTRIES = 20_000  # one file per item plus the manifest
ET.register_namespace("", QTI)


def _q(tag: str) -> str:
    return f"{{{QTI}}}{tag}"


def _item_body(root: ET.Element, *, kind: str, stem: str, options: list[dict[str, str]]) -> None:
    body = ET.SubElement(root, _q("itemBody"))
    interaction = ET.SubElement(
        body,
        _q("choiceInteraction"),
        {
            "responseIdentifier": "RESPONSE",
            "shuffle": "false",
            "maxChoices": "0" if kind == "multiple" else "1",
        },
    )
    ET.SubElement(interaction, _q("prompt")).text = stem
    for opt in options:
        ET.SubElement(interaction, _q("simpleChoice"), {"identifier": opt["label"]}).text = opt[
            "text"
        ]


RP_TEMPLATES = "http://www.imsglobal.org/question/qti_v2p2/rptemplates/"


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _set_score(parent: ET.Element, value: ET.Element | Decimal) -> None:
    target = ET.SubElement(parent, _q("setOutcomeValue"), {"identifier": "SCORE"})
    if isinstance(value, Decimal):
        ET.SubElement(target, _q("baseValue"), {"baseType": "float"}).text = _number(value)
    else:
        target.append(value)


def _response_var(tag: str) -> ET.Element:
    return ET.Element(_q(tag), {"identifier": "RESPONSE"})


def _response_processing(
    root: ET.Element, *, score: Decimal, partial_ratio: Decimal | None
) -> None:
    """The platform's rule (skillcert.scoring.objective) as QTI response processing, so any
    conforming engine gives the platform's score: the full score for the exact key, else 0
    (all or nothing; the standard template `match_correct` when the score is 1, which is what
    that template sets); with partial credit for multiple choice, `partial_ratio` of the
    score for a non-empty response that chooses only correct options. No `mapping` can
    express "any non-empty subset earns the same share" (mapped values add up per choice),
    so that rule is written out with `contains`."""
    if partial_ratio is None and score == 1:
        ET.SubElement(root, _q("responseProcessing"), {"template": f"{RP_TEMPLATES}match_correct"})
        return
    processing = ET.SubElement(root, _q("responseProcessing"))
    condition = ET.SubElement(processing, _q("responseCondition"))
    branch = ET.SubElement(condition, _q("responseIf"))
    if partial_ratio is not None:
        ET.SubElement(
            ET.SubElement(branch, _q("isNull")), _q("variable"), {"identifier": "RESPONSE"}
        )
        _set_score(branch, Decimal(0))
        branch = ET.SubElement(condition, _q("responseElseIf"))
    match = ET.SubElement(branch, _q("match"))
    match.extend([_response_var("variable"), _response_var("correct")])
    _set_score(branch, score)
    if partial_ratio is not None:
        branch = ET.SubElement(condition, _q("responseElseIf"))
        contains = ET.SubElement(branch, _q("contains"))
        contains.extend([_response_var("correct"), _response_var("variable")])
        _set_score(branch, score * partial_ratio)
    _set_score(ET.SubElement(condition, _q("responseElse")), Decimal(0))


def _item_xml(row: dict[str, Any], *, partial_ratio: Decimal | None = None) -> bytes:
    c, kind = row["content"], row["item_type"]
    score = Decimal(str(row["score"]))
    root = ET.Element(
        _q("assessmentItem"),
        {
            "identifier": row["code"],
            "title": row["code"],
            "adaptive": "false",
            "timeDependent": "false",
        },
    )
    response = ET.SubElement(
        root,
        _q("responseDeclaration"),
        {
            "identifier": "RESPONSE",
            "cardinality": "multiple" if kind == "multiple" else "single",
            "baseType": "identifier",
        },
    )
    correct = ET.SubElement(response, _q("correctResponse"))
    if kind == "true_false":
        keys = ["A" if c["key"] else "B"]
        options = [{"label": "A", "text": TF_OPTIONS[0]}, {"label": "B", "text": TF_OPTIONS[1]}]
    else:
        keys = c["key"] if kind == "multiple" else [c["key"]]
        options = c["options"]
    for key in keys:
        ET.SubElement(correct, _q("value")).text = key
    for name, default in (("SCORE", "0"), ("MAXSCORE", _number(score))):
        outcome = ET.SubElement(
            root,
            _q("outcomeDeclaration"),
            {"identifier": name, "cardinality": "single", "baseType": "float"},
        )
        ET.SubElement(ET.SubElement(outcome, _q("defaultValue")), _q("value")).text = default
    _item_body(root, kind=kind, stem=c["stem"], options=options)
    _response_processing(
        root, score=score, partial_ratio=partial_ratio if kind == "multiple" else None
    )
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# The platform's partial-credit rule for multiple choice, (occupation id, level) -> the share
# of the score a correct subset earns, or None (all or nothing). The rule is the scoring
# app's (its standards' scoring rules), which sits above the item bank: it registers itself
# here when it loads (`qti_partial_ratio_register`), as the item bank cannot import it.
class PartialRatioRule(Protocol):
    def __call__(self, *, occupation_id: int, level: int) -> Decimal | None: ...


_partial_ratio_rules: list[PartialRatioRule] = []


def qti_partial_ratio_register(rule: PartialRatioRule) -> None:
    """Install the rule that `qti_partial_ratio` consults (the last one registered wins)."""
    _partial_ratio_rules.append(rule)


def qti_partial_ratio(*, occupation_id: int, level: int) -> Decimal | None:
    """The partial-credit share the platform scores a multiple-choice item of `occupation_id`
    at `level` with; None when no rule is registered or the standard sets all or nothing."""
    if not _partial_ratio_rules:
        return None
    return _partial_ratio_rules[-1](occupation_id=occupation_id, level=level)


def _checked_ratio(ratio: Decimal | None, *, code: str) -> Decimal | None:
    if ratio is not None and not 0 <= ratio <= 1:
        raise DomainError(
            "scoring.partial_ratio",
            f"试题 {code} 的部分得分比例应在 0 到 1 之间",
            field="partial_ratio",
        )
    return ratio


def items_to_qti_package(
    rows: Sequence[dict[str, Any]], *, partial_ratio: Decimal | None = None
) -> bytes:
    """Choice items only; the caller filters (subjective and practical items have no QTI
    choice form and stay in the Excel template). `partial_ratio`: the partial credit for
    multiple choice (None: all or nothing, the platform's default); a row with its own
    `partial_ratio` key (items of several standards exported together) uses that instead."""
    ratios = [
        _checked_ratio(row.get("partial_ratio", partial_ratio), code=str(row["code"]))
        for row in rows
    ]
    manifest = ET.Element(f"{{{CP}}}manifest", {"identifier": "skillcert-itembank"})
    ET.SubElement(manifest, f"{{{CP}}}organizations")
    resources = ET.SubElement(manifest, f"{{{CP}}}resources")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for row, ratio in zip(rows, ratios, strict=True):
            href = f"items/{row['code']}.xml"
            package.writestr(href, _item_xml(row, partial_ratio=ratio))
            resource = ET.SubElement(
                resources,
                f"{{{CP}}}resource",
                {"identifier": row["code"], "type": "imsqti_item_xmlv2p2", "href": href},
            )
            meta = ET.SubElement(ET.SubElement(resource, f"{{{CP}}}metadata"), f"{{{SC}}}item")
            for name in ("level", "element", "difficulty", "enemy_group"):
                ET.SubElement(meta, f"{{{SC}}}{name}").text = str(row[name])
            ET.SubElement(meta, f"{{{SC}}}type").text = row["item_type"]
            ET.SubElement(resource, f"{{{CP}}}file", {"href": href})
        package.writestr(
            "imsmanifest.xml", ET.tostring(manifest, encoding="utf-8", xml_declaration=True)
        )
    return buffer.getvalue()


class _DoctypeFound(Exception):
    pass


def _refuse_doctype(*_args: object) -> None:
    raise _DoctypeFound


def _parse_xml(data: bytes) -> ET.Element:
    # Refuse DTDs outright: no entity expansion (billion laughs) or external entities. The
    # byte test is the quick answer; the expat pass also catches a DTD in UTF-16.
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise DomainError("qti.dtd_forbidden", "QTI 文件不允许包含 DTD/实体声明")
    probe = expat.ParserCreate()
    probe.StartDoctypeDeclHandler = _refuse_doctype
    probe.EntityDeclHandler = _refuse_doctype
    try:
        probe.Parse(data, True)
    except _DoctypeFound:
        raise DomainError("qti.dtd_forbidden", "QTI 文件不允许包含 DTD/实体声明") from None
    except expat.ExpatError as exc:
        raise DomainError("qti.xml_invalid", f"XML 格式错误：{str(exc)[:200]}") from None
    return ET.fromstring(data)  # noqa: S314 - no DTD (checked above); expat fetches nothing


def _text(node: ET.Element | None) -> str:
    return "".join(node.itertext()).strip() if node is not None else ""


class _Refused(Exception):
    """One resource of the package refused: where (the column), the code and the message."""

    def __init__(self, column: str, code: str, message: str) -> None:
        super().__init__(message)
        self.error = (column, code, message)


def _open_package(data: bytes) -> tuple[zipfile.ZipFile, ET.Element]:
    """The package and its manifest; raises _Refused for anything else."""
    try:
        if not data.startswith(b"PK"):
            raise KeyError("imsmanifest.xml")  # not a zip at all: same answer as no manifest
        package = zip_open(
            data, what="QTI 内容包", max_entries=MAX_ENTRIES, max_uncompressed=MAX_PACKAGE
        )
        return package, _parse_xml(package.read("imsmanifest.xml"))
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, KeyError):
        raise _Refused(
            "imsmanifest.xml",
            "qti.package_invalid",
            "不是有效的 QTI 内容包（zip 中缺少 imsmanifest.xml）",
        ) from None
    except DomainError as exc:
        raise _Refused("imsmanifest.xml", exc.code, exc.message) from None


def _as_qti22(root: ET.Element) -> ET.Element:
    """A QTI 2.1 item read as 2.2: the elements the import reads are the same in both."""
    for node in root.iter():
        if isinstance(node.tag, str) and node.tag.startswith("{"):
            namespace, _, local = node.tag[1:].partition("}")
            if namespace in QTI_READ:
                node.tag = _q(local)
    return root


def _open_item(package: zipfile.ZipFile, href: str) -> ET.Element:
    try:
        root = _as_qti22(_parse_xml(package.read(href)))
    except KeyError:
        raise _Refused(href[:80], "qti.file_missing", f"包内缺少文件 {href[:80]}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        raise _Refused(
            href[:80], "upload.corrupt", f"包内文件 {href[:80]} 已损坏或已加密"
        ) from None
    except DomainError as exc:
        raise _Refused(href, exc.code, exc.message) from None
    if root.tag != _q("assessmentItem"):
        raise _Refused(
            href[:80],
            "qti.version_unsupported",
            f"{href[:80]} 不是 QTI 2.1/2.2 的 assessmentItem（根元素为 {_local(root.tag)[:60]}）",
        )
    return root


# Inside itemBody: media and other namespaces (MathML, XInclude…) have no place in the
# platform's plain-text items; feedback and template elements are not item content.
MEDIA = frozenset({"img", "object", "audio", "video", "picture", "svg"})
NOT_CONTENT = frozenset(
    {"feedbackBlock", "feedbackInline", "templateBlock", "templateInline", "printedVariable"}
)
BLOCKS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "table",
        "tr",
        "caption",
        "dl",
        "dt",
        "dd",
        "hr",
        "rubricBlock",
        "prompt",
    }
)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _refuse_foreign(body: ET.Element) -> None:
    """Refuse what the import would otherwise lose, naming it."""
    for node in body.iter():
        tag = node.tag if isinstance(node.tag, str) else ""
        local = _local(tag)
        if local in MEDIA and (tag.startswith(f"{{{QTI}}}") or local == "svg"):
            source = (node.get("src") or node.get("data") or "")[:80]
            raise _Refused(
                "itemBody",
                "qti.media_unsupported",
                f"题目含图片或媒体（<{local}> {source}），本平台试题仅支持文字，"
                "请改为文字描述后再导入",
            )
        if tag and not tag.startswith(f"{{{QTI}}}"):
            raise _Refused(
                "itemBody",
                "qti.content_unsupported",
                f"题目含不支持的内容 <{local[:40]}>（命名空间 {tag[1:].partition('}')[0][:80]}）",
            )
        if local in NOT_CONTENT:
            raise _Refused(
                "itemBody",
                "qti.content_unsupported",
                f"题目含不支持的内容 <{local}>（反馈或模板变量）",
            )


def _interaction(body: ET.Element) -> ET.Element:
    interactions = [
        n for n in body.iter() if isinstance(n.tag, str) and _local(n.tag).endswith("Interaction")
    ]
    if not interactions:
        raise _Refused("itemBody", "qti.no_interaction", "题目中没有作答交互（choiceInteraction）")
    others = sorted({_local(n.tag) for n in interactions} - {"choiceInteraction"})
    if others:
        raise _Refused(
            "itemBody",
            "qti.interaction_unsupported",
            f"不支持的交互类型：{'、'.join(others)[:200]}（仅支持选择题 choiceInteraction）",
        )
    if len(interactions) > 1:
        raise _Refused(
            "itemBody",
            "qti.interaction_unsupported",
            f"一道题含 {len(interactions)} 个 choiceInteraction，仅支持每题一个",
        )
    return interactions[0]


def _stem_text(body: ET.Element, interaction: ET.Element) -> str:
    """The stimulus and the prompt, in document order, one line per block: everything in
    itemBody except the choices (TAO puts the stem in a <p> and wraps the interaction in a
    <div>; others use <prompt>)."""
    parts: list[str] = []

    def walk(node: ET.Element) -> None:
        block = _local(node.tag) in BLOCKS
        if block:
            parts.append("\n")
        if node is interaction:
            prompt = node.find(_q("prompt"))
            if prompt is not None:
                walk(prompt)
        else:
            parts.append(node.text or "")
            for child in node:
                walk(child)
        if block:
            parts.append("\n")
        if node is not body:
            parts.append(node.tail or "")

    walk(body)
    lines = (" ".join(line.split()) for line in "".join(parts).splitlines())
    return "\n".join(line for line in lines if line)


def _choice_content(
    body: ET.Element, declared: ET.Element, interaction: ET.Element, kind: str
) -> tuple[str, dict[str, Any]]:
    """The item's type and raw content (stem, options, key relabelled A, B, …)."""
    choices = [(c.get("identifier", ""), _text(c)) for c in interaction.findall(_q("simpleChoice"))]
    ids = [i for i, _ in choices]
    keys = [_text(v) for v in declared.iterfind(f"{_q('correctResponse')}/{_q('value')}")]
    if kind == "true_false" and [t for _, t in choices] != TF_OPTIONS:
        kind = "single"
    labels = "ABCDEFGHIJ"
    try:
        relabel = {ident: labels[n] for n, ident in enumerate(ids)}
        mapped = sorted(relabel[k] for k in keys)
    except (KeyError, IndexError):
        raise _Refused("correctResponse", "item.key_invalid", "正确答案不是该题的选项") from None
    stem = _stem_text(body, interaction)
    if kind == "true_false":
        return kind, {"stem": stem, "key": mapped == ["A"]}
    return kind, {
        "stem": stem,
        "options": [t for _, t in choices],
        "key": mapped if kind == "multiple" else "".join(mapped),
    }


def _score_and_difficulty(root: ET.Element, difficulty_text: str) -> tuple[Decimal, float]:
    max_score = root.find(
        f"{_q('outcomeDeclaration')}[@identifier='MAXSCORE']/{_q('defaultValue')}/{_q('value')}"
    )
    try:
        score = Decimal(_text(max_score) or "1").quantize(Decimal("0.01"))
        difficulty = float(difficulty_text or 0.5)
        if score <= 0 or not 0 <= difficulty <= 1:
            raise ValueError
    except (InvalidOperation, ValueError):
        raise _Refused("MAXSCORE", "item.value_invalid", "分值或难度不正确") from None
    return score, difficulty


def _resource_row(
    package: zipfile.ZipFile, res: ET.Element, number: int, seen: set[str]
) -> ItemRow:
    meta = res.find(f"{{{CP}}}metadata/{{{SC}}}item")
    fields = {
        name: _text(meta.find(f"{{{SC}}}{name}")) if meta is not None else ""
        for name in ("level", "element", "difficulty", "enemy_group", "type")
    }
    root = _open_item(package, res.get("href", ""))
    code = root.get("identifier", "")
    if not ELEMENT_CODE.match(code) or code in seen:
        raise _Refused("identifier", "item.code_invalid", f"试题标识 {code[:40]!r} 无效或重复")
    seen.add(code)
    if fields["level"] not in {"1", "2", "3", "4", "5"}:
        raise _Refused("level", "item.level_invalid", "缺少或无效的等级（skillcert:level）")
    if not ELEMENT_CODE.match(fields["element"]):
        raise _Refused(
            "element", "item.element_invalid", "缺少或无效的要素代码（skillcert:element）"
        )
    body = root.find(_q("itemBody"))
    if body is None:
        raise _Refused("itemBody", "qti.no_interaction", "题目缺少 itemBody")
    _refuse_foreign(body)
    interaction = _interaction(body)
    declared = next(
        (
            d
            for d in root.iterfind(_q("responseDeclaration"))
            if d.get("identifier") == interaction.get("responseIdentifier")
        ),
        None,
    )
    if declared is None:
        raise _Refused(
            "responseDeclaration",
            "qti.response_undeclared",
            "choiceInteraction 的 responseIdentifier 没有对应的 responseDeclaration",
        )
    multiple = (
        interaction.get("maxChoices", "1") != "1" or declared.get("cardinality") == "multiple"
    )
    kind, raw = _choice_content(
        body, declared, interaction, fields["type"] or ("multiple" if multiple else "single")
    )
    score, difficulty = _score_and_difficulty(root, fields["difficulty"])
    try:
        clean = content_clean(kind, raw, score=score)
    except DomainError as exc:
        raise _Refused(exc.field or "itemBody", exc.code, exc.message) from None
    return ItemRow(
        number,
        code,
        int(fields["level"]),
        fields["element"],
        kind,
        clean,
        score,
        difficulty,
        fields["enemy_group"][:40],
    )


def parse_qti_package(data: bytes) -> ParseResult:
    result = ParseResult()
    try:
        package, manifest = _open_package(data)
    except _Refused as refused:
        result.errors.append(RowError(0, *refused.error))
        return result
    seen: set[str] = set()
    for number, res in enumerate(manifest.iter(f"{{{CP}}}resource"), start=1):
        if not res.get("type", "").startswith("imsqti_item"):
            continue
        try:
            result.rows.append(_resource_row(package, res, number, seen))
        except _Refused as refused:
            result.errors.append(RowError(number, *refused.error))
    if not result.rows and not result.errors:
        result.errors.append(RowError(0, "imsmanifest.xml", "qti.empty", "内容包中没有试题"))
    return result
