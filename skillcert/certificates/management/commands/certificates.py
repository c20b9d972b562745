"""Certificate operations from the command line.

certificates pdf --number NUMBER --out cert.pdf
certificates verify-token TOKEN [--offline]
    prints {"valid": true, "number": ..., "status": ...} and exits 0, or exits 1 with
    {"valid": false, "reason": ...} for a tampered, foreign-key or malformed token;
    --offline checks the signature with the public keys alone ("status": "offline").
certificates export --since YYYY-MM-DD --format csv|json --out DIR
    issued certificates for the provincial / national registry, with a SHA-256 file.
certificates issue --plan CODE [--dry-run] [--json]
    issues the certificates of the plan's registered passing results that have none yet;
    --json prints exactly {"issued": N, "skipped": [{"result": id, "code": ..., "message": ...}]},
    without it a Chinese summary; exit 0. An unknown plan or a batch not registered (or an
    organisation that may not issue) exits 2 with a Chinese message on stderr. --dry-run runs
    every check and changes nothing."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillcert.accounts.actors import SystemActor, command_actor
from skillcert.certificates.documents import certificate_pdf
from skillcert.certificates.exchange import export_certificates
from skillcert.certificates.models import Certificate
from skillcert.certificates.selectors import certificate_verify_token
from skillcert.certificates.services import certificates_issue_now
from skillcert.common.errors import DomainError
from skillcert.scoring.selectors import batch_of_plan

# Bad input (unknown plan, batch not registered, an organisation that may not issue).
EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = "职业技能等级证书：生成 PDF、核验令牌、导出交换数据"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        pdf = sub.add_parser("pdf")
        pdf.add_argument("--number", required=True)
        pdf.add_argument("--out", required=True)
        verify = sub.add_parser("verify-token")
        verify.add_argument("token")
        verify.add_argument("--offline", action="store_true")
        export = sub.add_parser("export")
        export.add_argument("--since", required=True)
        export.add_argument("--format", choices=["csv", "json"], default="csv")
        export.add_argument("--out", required=True)
        legacy = sub.add_parser("import-legacy")
        legacy.add_argument("--file", required=True)
        issue = sub.add_parser("issue")
        issue.add_argument("--plan", required=True)
        issue.add_argument("--dry-run", action="store_true")
        issue.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["subcommand"].replace("-", "_"))(options)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _pdf(self, options: dict[str, Any]) -> None:
        certificate = Certificate.objects.filter(number=options["number"].strip().upper()).first()
        if certificate is None:
            raise CommandError(f"证书 {options['number']} 不存在")
        Path(options["out"]).write_bytes(certificate_pdf(certificate))
        self.stdout.write(f"已生成 {options['out']}")

    def _verify_token(self, options: dict[str, Any]) -> None:
        outcome = certificate_verify_token(options["token"], offline=options["offline"])
        if outcome.valid:
            number = outcome.payload["n"] if outcome.payload else None
            status = "offline" if options["offline"] else outcome.status
            self.stdout.write(json.dumps({"valid": True, "number": number, "status": status}))
            return
        payload: dict[str, Any] = {"valid": False, "reason": outcome.reason}
        if outcome.payload is not None:
            payload["number"] = outcome.payload.get("n")
        self.stdout.write(json.dumps(payload))
        sys.exit(1)

    def _import_legacy(self, options: dict[str, Any]) -> None:
        from skillcert.certificates.legacy import legacy_import
        from skillcert.common.untrusted_files import text_decode

        try:
            data = Path(options["file"]).read_bytes()
        except OSError:
            raise CommandError(f"无法读取 {options['file']}") from None
        try:
            text = text_decode(data, what="证书文件")
            imported, errors = legacy_import(text=text, actor=SystemActor("cli"))
        except DomainError as exc:
            raise CommandError(f"[{exc.code}] {exc.message}") from None
        if errors:
            for error in errors[:200]:
                self.stderr.write(f"第{error.row}行 {error.column} [{error.code}] {error.message}")
            raise CommandError(f"有 {len(errors)} 处错误，未导入任何记录")
        self.stdout.write(f"已导入 {imported} 张职业资格证书")

    def _export(self, options: dict[str, Any]) -> None:
        try:
            since = dt.date.fromisoformat(options["since"])
        except ValueError:
            raise CommandError("--since 应为 YYYY-MM-DD 格式的日期") from None
        result = export_certificates(
            since=since, fmt=options["format"], out_dir=Path(options["out"])
        )
        self.stdout.write(
            f"已导出 {result.count} 张证书：{result.path}（校验文件 {result.checksum_path}）"
        )

    def _refuse(self, message: str) -> NoReturn:
        self.stderr.write(message)
        sys.exit(EXIT_BAD_INPUT)

    def _issue(self, options: dict[str, Any]) -> None:
        code = options["plan"].strip()
        batch = batch_of_plan(plan_code=code) if code else None
        if batch is None:
            self._refuse(f"评价计划 {code or '（空）'} 不存在或尚未建立成绩批次")
        try:
            outcome = certificates_issue_now(
                result_batch=batch, actor=command_actor("certificates"), dry_run=options["dry_run"]
            )
        except DomainError as exc:
            self._refuse(f"[{exc.code}] {exc.message}")
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"issued": len(outcome.issued), "skipped": outcome.skipped},
                    ensure_ascii=False,
                )
            )
            return
        verb = "将签发" if options["dry_run"] else "已签发"
        note = "（试运行，未作任何更改）" if options["dry_run"] else ""
        self.stdout.write(
            f"评价计划 {batch.plan.code}：{verb} {len(outcome.issued)} 张证书，"
            f"未发证 {len(outcome.skipped)} 人{note}"
        )
        for skip in outcome.skipped:
            self.stdout.write(f"  成绩 {skip['result']}：[{skip['code']}] {skip['message']}")
