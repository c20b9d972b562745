"""`manage.py eligibility --rules generic-2018 --level 3 --profile profile.json`

Prints one JSON object. Exit status: 0 eligible, 1 not eligible, 2 bad input (the JSON is
then {"code", "message", "field"} naming what is wrong)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from skillcert.common.errors import DomainError
from skillcert.eligibility import engine
from skillcert.eligibility.schema import parse_level, parse_profile
from skillcert.eligibility.selectors import rule_set_for, rule_set_load
from skillcert.occupations.selectors import occupation_by_code

EXIT_ELIGIBLE = 0
EXIT_NOT_ELIGIBLE = 1
EXIT_BAD_INPUT = 2


def _argument_error(message: str) -> NoReturn:
    raise DomainError("input.arguments", f"参数错误：{message}", field="arguments")


class Command(BaseCommand):
    help = "按申报条件规则集判定申报资格；退出码 0 符合、1 不符合、2 输入错误"

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # Argument mistakes answer in the same JSON shape as every other bad input.
        parser.error = _argument_error  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rules", help="规则集编号，如 generic-2018")
        parser.add_argument("--rules-version", help="规则集版本（默认最新）")
        parser.add_argument("--level", help="申报等级 1–5")
        parser.add_argument("--profile", help="申报人情况 JSON 文件；- 表示标准输入")
        parser.add_argument(
            "--province", default="", help="省份代码：叠加该省补充条款（需同时给出 --occupation）"
        )
        parser.add_argument("--occupation", default="", help="职业编码，如 4-07-03-02")

    def run_from_argv(self, argv: list[str]) -> None:
        try:
            super().run_from_argv(argv)
        except DomainError as exc:
            self._fail(exc)

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except DomainError as exc:
            self._fail(exc)

    def _fail(self, exc: DomainError) -> NoReturn:
        self.stdout.write(json.dumps(exc.as_dict(), ensure_ascii=False))
        sys.exit(EXIT_BAD_INPUT)

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("rules", "level", "profile"):
            if not options.get(name):
                raise DomainError("input.missing_argument", f"缺少参数 --{name}", field=name)
        level = parse_level(options["level"], "level")
        version = None
        if options.get("rules_version"):
            if not str(options["rules_version"]).isdigit():
                raise DomainError(
                    "input.version_invalid", "--rules-version 应为正整数", field="rules_version"
                )
            version = int(options["rules_version"])
        profile, as_of = parse_profile(self._read_profile(options["profile"]))
        as_of = as_of or timezone.localdate()
        decision = engine.evaluate(self._rule_set(options, version), level, profile, as_of)
        self.stdout.write(json.dumps(self._output(decision), ensure_ascii=False))
        sys.exit(EXIT_ELIGIBLE if decision.eligible else EXIT_NOT_ELIGIBLE)

    def _rule_set(self, options: dict[str, Any], version: int | None) -> engine.RuleSet:
        code = options["rules"]
        province = options.get("province") or ""
        if not province:
            return rule_set_load(code=code, version=version)
        if version is not None:
            raise DomainError(
                "input.version_with_province",
                "叠加省级补充条款时使用最新版本，不能指定 --rules-version",
                field="rules_version",
            )
        occupation = occupation_by_code(code=options.get("occupation") or "")
        if occupation is None:
            raise DomainError(
                "input.occupation_unknown",
                "--province 需配合有效的 --occupation 职业编码",
                field="occupation",
            )
        return rule_set_for(code=code, province=province, occupation=occupation)

    @staticmethod
    def _read_profile(path: str) -> Any:
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DomainError(
                "input.profile_unreadable", f"无法读取申报人情况文件：{exc}", field="profile"
            ) from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise DomainError(
                "input.profile_json",
                f"申报人情况文件不是有效的 JSON（第 {exc.lineno} 行）",
                field="profile",
            ) from None

    @staticmethod
    def _output(decision: engine.Decision) -> dict[str, Any]:
        out = decision.as_dict()
        out["overrides"] = list(decision.overrides)
        out["exempt"] = list(decision.exempt)
        return out
