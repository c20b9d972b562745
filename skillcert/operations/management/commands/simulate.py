"""`manage.py simulate --scale jiangsu [--seed N] [--pdfs]`: seed 000's unified sitting run
through the real services in a fresh database (see skillcert/operations/simulation.py).

Exit codes: 0 when every stage ran and the consistency check passed; 1 when a stage or the
check failed (the message names it); 2 on bad arguments."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillcert.common.errors import DomainError
from skillcert.operations.simulation import SCALES, Simulation


class Command(BaseCommand):
    help = "模拟江苏两师统考全流程（报名→审核→备案→编排→考试→评分→发布→登记→发证→查验）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="jiangsu")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--pdfs", action="store_true", help="同时生成准考证 PDF")
        parser.add_argument("--json", action="store_true", help="最后一行输出各阶段耗时 JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        simulation = Simulation(
            scale=SCALES[options["scale"]],
            seed=options["seed"],
            pdfs=options["pdfs"],
            out=self.stdout.write,
        )
        try:
            report = simulation.run()
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message}") from error
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {name: round(seconds, 2) for name, seconds, _ in report.stages},
                    ensure_ascii=False,
                )
            )
