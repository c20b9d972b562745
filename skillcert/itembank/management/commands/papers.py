"""`manage.py papers assemble --bank bank.json --blueprint blueprint.json --forms 3 --seed 1
--out forms.json`: the assembly core on exchange files, no database needed.

Exit codes: 0 assembled (forms.json written); 3 infeasible (the diagnosis
`{"infeasible": true, "conflicts": [...]}` is written to --out and stdout); 2 bad input
(unreadable file, invalid JSON, a field out of range: `{"code", "message", "field"}` on
stderr); 1 when HiGHS found no answer within --time-limit."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillcert.common.errors import DomainError
from skillcert.itembank import assembly

EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3


def _load(path: str, label: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise DomainError(
            "assembly.bad_input", f"无法读取{label} {path}：{exc.strerror}", field=label
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DomainError(
            "assembly.bad_input", f"{label} {path} 不是有效的 JSON：{exc}", field=label
        ) from None


class Command(BaseCommand):
    help = "组卷：papers assemble --bank 题库.json --blueprint 蓝图.json --forms N --out 输出.json"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        run = sub.add_parser("assemble", help="按蓝图组若干套平行卷")
        run.add_argument("--bank", required=True)
        run.add_argument("--blueprint", required=True)
        run.add_argument("--forms", type=int, default=1)
        run.add_argument("--seed", type=int, default=0)
        run.add_argument("--out", required=True)
        run.add_argument("--time-limit", type=float, default=assembly.DEFAULT_TIME_LIMIT)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            bank = assembly.bank_from_json(_load(options["bank"], "bank"))
            blueprint = assembly.blueprint_from_json(_load(options["blueprint"], "blueprint"))
            if not 1 <= options["forms"] <= 20:
                raise DomainError("assembly.bad_input", "--forms 应在 1 到 20 之间", field="forms")
            forms = assembly.assemble(
                bank,
                blueprint,
                forms=options["forms"],
                seed=options["seed"],
                time_limit=options["time_limit"],
            )
        except assembly.AssemblyInfeasible as exc:
            report = {"infeasible": True, "conflicts": [c.as_dict() for c in exc.conflicts]}
            text = json.dumps(report, ensure_ascii=False, indent=2)
            Path(options["out"]).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(text)
            raise CommandError(exc.message, returncode=EXIT_INFEASIBLE) from None
        except DomainError as exc:
            if exc.code == "assembly.timeout":
                raise CommandError(exc.message) from None
            sys.stderr.write(json.dumps(exc.as_dict(), ensure_ascii=False) + "\n")
            raise CommandError(exc.message, returncode=EXIT_BAD_INPUT) from None
        text = json.dumps(assembly.forms_to_json(forms), ensure_ascii=False, indent=2)
        Path(options["out"]).write_text(text + "\n", encoding="utf-8")
        self.stdout.write(
            f"已组 {len(forms)} 套："
            + "，".join(f"平均难度 {f.mean_difficulty:.3f}" for f in forms)
        )
