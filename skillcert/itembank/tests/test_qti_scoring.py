"""The QTI export scores like the platform in any conforming QTI 2.2 engine.

No maintained Python QTI scorer exists on PyPI, so this module holds one: an interpreter of
the response-processing rules of the QTI 2.2 information model (responseCondition,
setOutcomeValue, match, contains, isNull, variable, correct, baseValue, mapResponse) and of
the two standard templates, whose fixed XML the IMS spec publishes at
http://www.imsglobal.org/question/qti_v2p2/rptemplates/{match_correct,map_response}.xml.
It reads only the exported item XML (never the exporter's code) and is compared with
skillcert.scoring.objective, the platform's scoring core."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from xml.etree import ElementTree as ET

import numpy as np
import pytest

from skillcert.common.errors import DomainError
from skillcert.itembank.qti import items_to_qti_package
from skillcert.scoring.objective import ObjectiveKey, item_scores, parse_choice

NS = "{http://www.imsglobal.org/xsd/imsqti_v2p2}"
TEMPLATE_BASE = "http://www.imsglobal.org/question/qti_v2p2/rptemplates/"
SPEC_TEMPLATES = {
    "match_correct": """
<responseProcessing xmlns="http://www.imsglobal.org/xsd/imsqti_v2p2">
  <responseCondition>
    <responseIf>
      <match><variable identifier="RESPONSE"/><correct identifier="RESPONSE"/></match>
      <setOutcomeValue identifier="SCORE">
        <baseValue baseType="float">1</baseValue>
      </setOutcomeValue>
    </responseIf>
    <responseElse>
      <setOutcomeValue identifier="SCORE">
        <baseValue baseType="float">0</baseValue>
      </setOutcomeValue>
    </responseElse>
  </responseCondition>
</responseProcessing>""",
    "map_response": """
<responseProcessing xmlns="http://www.imsglobal.org/xsd/imsqti_v2p2">
  <responseCondition>
    <responseIf>
      <isNull><variable identifier="RESPONSE"/></isNull>
      <setOutcomeValue identifier="SCORE">
        <baseValue baseType="float">0.0</baseValue>
      </setOutcomeValue>
    </responseIf>
    <responseElse>
      <setOutcomeValue identifier="SCORE"><mapResponse identifier="RESPONSE"/></setOutcomeValue>
    </responseElse>
  </responseCondition>
</responseProcessing>""",
}


class QtiScorer:
    """One item: its declarations and response processing, scored for a candidate response
    (a set of choice identifiers; empty = no response, which QTI treats as NULL)."""

    def __init__(self, xml: bytes) -> None:
        self.item = ET.fromstring(xml)  # noqa: S314 - our own test output
        declaration = self.item.find(f"{NS}responseDeclaration[@identifier='RESPONSE']")
        assert declaration is not None
        self.declaration: ET.Element = declaration
        self.cardinality = self.declaration.get("cardinality")
        processing = self.item.find(f"{NS}responseProcessing")
        assert processing is not None
        template = processing.get("template")
        if template:
            assert template.startswith(TEMPLATE_BASE), template
            assert len(processing) == 0, "a template with rules of its own is ambiguous"
            processing = ET.fromstring(SPEC_TEMPLATES[template.removeprefix(TEMPLATE_BASE)])  # noqa: S314
        self.rules = list(processing)

    def _value(self, values: set[str]) -> object:
        if not values:
            return None
        if self.cardinality == "single":
            assert len(values) == 1
            return next(iter(values))
        return frozenset(values)

    def _correct(self) -> object:
        values = {v.text or "" for v in self.declaration.iterfind(f"{NS}correctResponse/{NS}value")}
        return self._value(values)

    def _map_response(self, response: object) -> float:
        mapping = self.declaration.find(f"{NS}mapping")
        assert mapping is not None, "mapResponse needs a mapping"
        entries = {e.get("mapKey"): float(e.get("mappedValue", "0")) for e in mapping}
        default = float(mapping.get("defaultValue", "0"))
        chosen: list[str] = []  # each distinct value once (a multiple container is a set)
        if isinstance(response, str):
            chosen = [response]
        elif isinstance(response, frozenset):
            chosen = sorted(response)
        total = sum(entries.get(value, default) for value in chosen)
        if mapping.get("lowerBound") is not None:
            total = max(total, float(mapping.get("lowerBound", "0")))
        if mapping.get("upperBound") is not None:
            total = min(total, float(mapping.get("upperBound", "0")))
        return total

    def _expression(self, node: ET.Element, response: object) -> object:
        tag = node.tag.removeprefix(NS)
        if tag == "variable":
            assert node.get("identifier") == "RESPONSE"
            return response
        if tag == "correct":
            return self._correct()
        if tag == "baseValue":
            assert node.get("baseType") == "float"
            return float(node.text or "")
        if tag == "mapResponse":
            return self._map_response(response)
        args = [self._expression(child, response) for child in node]
        if tag == "isNull":
            return args[0] is None
        if tag in {"match", "contains"} and (args[0] is None or args[1] is None):
            return None  # NULL: a condition that is NULL counts as false
        if tag == "match":
            return args[0] == args[1]
        if tag == "contains":
            first, second = args
            assert isinstance(first, frozenset) and isinstance(second, frozenset)
            return second <= first
        raise AssertionError(f"expression {tag} not interpreted")

    def _run(self, rules: list[ET.Element], response: object, outcomes: dict[str, float]) -> None:
        for rule in rules:
            tag = rule.tag.removeprefix(NS)
            if tag == "setOutcomeValue":
                [expression] = list(rule)
                value = self._expression(expression, response)
                assert isinstance(value, float)
                outcomes[rule.get("identifier", "")] = value
            elif tag == "responseCondition":
                for branch in rule:
                    kind = branch.tag.removeprefix(NS)
                    body = list(branch)
                    if kind == "responseElse" or self._expression(body[0], response) is True:
                        self._run(body if kind == "responseElse" else body[1:], response, outcomes)
                        break
            else:
                raise AssertionError(f"rule {tag} not interpreted")

    def score(self, chosen: set[str]) -> float:
        outcomes = {"SCORE": 0.0}
        self._run(self.rules, self._value(chosen), outcomes)
        return outcomes["SCORE"]


def _items(package: bytes) -> dict[str, QtiScorer]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {
            name.removeprefix("items/").removesuffix(".xml"): QtiScorer(archive.read(name))
            for name in archive.namelist()
            if name.startswith("items/")
        }


ROWS = [
    {"code": "S1", "item_type": "single", "score": Decimal("1"), "options": "ABCD", "key": "C"},
    {"code": "S2", "item_type": "single", "score": Decimal("2.5"), "options": "ABCD", "key": "A"},
    {"code": "T1", "item_type": "true_false", "score": Decimal("1"), "options": "AB", "key": "B"},
    {"code": "T2", "item_type": "true_false", "score": Decimal("2"), "options": "AB", "key": "A"},
    {
        "code": "M1",
        "item_type": "multiple",
        "score": Decimal("2"),
        "options": "ABCDE",
        "key": "ACD",
    },
    {"code": "M2", "item_type": "multiple", "score": Decimal("1"), "options": "ABCD", "key": "AB"},
    {
        "code": "M3",
        "item_type": "multiple",
        "score": Decimal("3"),
        "options": "ABCD",
        "key": "ABCD",
    },
]


def _export_row(spec: dict[str, object]) -> dict[str, object]:
    kind, key, letters = spec["item_type"], str(spec["key"]), str(spec["options"])
    if kind == "true_false":
        content: dict[str, object] = {"stem": "判断", "key": key == "A"}
    else:
        content = {
            "stem": "题干",
            "options": [{"label": c, "text": f"选项{c}"} for c in letters],
            "key": list(key) if kind == "multiple" else key,
        }
    return {
        "code": spec["code"],
        "item_type": kind,
        "content": content,
        "score": spec["score"],
        "level": 3,
        "element": "A-01",
        "difficulty": 0.5,
        "enemy_group": "",
    }


def _responses(spec: dict[str, object]) -> list[str]:
    """All correct, every option ticked, a part of the key, a wrong one, a wrong one added
    to the key, and none; a single-choice interaction (maxChoices 1) takes one choice."""
    key, letters = str(spec["key"]), str(spec["options"])
    wrong = next((c for c in letters if c not in key), "")
    out = [key, letters, key[:1], wrong, "".join(sorted(key + wrong)), ""]
    if len(key) > 2:
        out.append(key[:2])
    if spec["item_type"] != "multiple":
        out = [r for r in out if len(r) <= 1]
    return out


@pytest.mark.parametrize("ratio", [None, Decimal("0.5"), Decimal("0.3"), Decimal("0")])
def test_any_conforming_scorer_gives_the_platform_score(ratio):
    package = items_to_qti_package([_export_row(r) for r in ROWS], partial_ratio=ratio)
    scorers = _items(package)
    key = ObjectiveKey(
        item_ids=tuple(str(r["code"]) for r in ROWS),
        types=tuple(str(r["item_type"]) for r in ROWS),
        keys=np.array([parse_choice(str(r["key"])) for r in ROWS], dtype=np.uint8),
        scores=np.array([float(r["score"]) for r in ROWS]),  # type: ignore[arg-type]
        partial_credit=ratio is not None,
        partial_ratio=float(ratio or 0),
    )
    checked = 0
    for column, spec in enumerate(ROWS):
        for response in _responses(spec):
            responses = np.zeros((1, len(ROWS)), dtype=np.uint8)
            responses[0, column] = parse_choice(response)
            platform = float(item_scores(key, responses)[0, column])
            qti = scorers[str(spec["code"])].score(set(response))
            assert qti == pytest.approx(platform, abs=1e-6), (spec["code"], response, ratio)
            checked += 1
    assert checked >= 35


def test_ticking_every_option_of_a_multiple_choice_earns_nothing():
    """The reported bug: a mapping of positive entries gave full marks for ticking all."""
    row = _export_row(ROWS[4])
    for ratio in (None, Decimal("0.5")):
        scorer = _items(items_to_qti_package([row], partial_ratio=ratio))["M1"]
        assert scorer.score(set("ABCDE")) == 0.0
        assert scorer.score(set("ACD")) == 2.0
        assert scorer.score(set("AC")) == (1.0 if ratio else 0.0)
        xml = ET.tostring(scorer.item, encoding="unicode")
        assert "mapping" not in xml and "mapResponse" not in xml


def test_score_one_all_or_nothing_uses_the_published_template():
    package = items_to_qti_package([_export_row(ROWS[0]), _export_row(ROWS[5])])
    for scorer in _items(package).values():
        processing = scorer.item.find(f"{NS}responseProcessing")
        assert processing is not None
        assert processing.get("template") == f"{TEMPLATE_BASE}match_correct"
        assert len(processing) == 0


def test_a_ratio_outside_zero_to_one_is_refused():
    with pytest.raises(DomainError) as caught:
        items_to_qti_package([_export_row(ROWS[4])], partial_ratio=Decimal("1.5"))
    assert caught.value.code == "scoring.partial_ratio"
