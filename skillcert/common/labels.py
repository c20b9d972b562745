"""Chinese names for the codes a person may see: audit actions (`roster.import`), statuses in
a history (`received`), eligibility clause ids (`generic-2018/4/b`), error codes.

Each app registers its own vocabulary when it starts (`AppConfig.ready`): `labels_register`
for exact codes, `label_resolver_register` for a family of codes with a shape (a clause id).
`common` sits below every app and so imports none of them. `label_for` never hands a person a
raw English code: a code nobody registered is named by its registered prefix and the words it
is made of (`plan.session_add` → 评价计划：场次添加), and at worst by a neutral 其他操作."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import ClassVar

UNKNOWN = "其他操作"

_EXACT: dict[str, str] = {}
_RESOLVERS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = []

# The words codes are made of, for a code no app named exactly. A code reads well only when
# all its words are here; otherwise its prefix alone names it.
_WORDS: dict[str, str] = {
    "account": "账号",
    "action": "整改",
    "activation": "激活码",
    "add": "添加",
    "analysis": "分析",
    "appeal": "申诉",
    "approve": "通过",
    "approved": "审核通过",
    "arbitrate": "仲裁",
    "assign": "分配",
    "ban": "禁入",
    "batch": "批次",
    "blacklist": "严重失信名单",
    "abnormal": "经营异常名录",
    "bulk": "批量",
    "card": "证卡",
    "certificate": "证书",
    "change": "变更",
    "check": "核查",
    "city": "市级",
    "claim": "认领",
    "clear": "清除",
    "close": "关闭",
    "closed": "关闭",
    "collect": "领取",
    "complaint": "投诉",
    "complete": "完成",
    "correction": "更正",
    "create": "创建",
    "decide": "决定",
    "delete": "删除",
    "document": "文件",
    "no": "编号",
    "levels": "等级",
    "level": "等级",
    "name": "名称",
    "note": "说明",
    "number": "编号",
    "occupation": "职业",
    "organization": "机构",
    "reason": "理由",
    "score": "分数",
    "status": "状态",
    "details": "详情",
    "draw": "抽取",
    "drop": "移除",
    "education": "学历",
    "entry": "录入",
    "exit": "退出",
    "export": "导出",
    "file": "文件",
    "filed": "备案",
    "import": "导入",
    "issue": "发放",
    "issued": "颁发",
    "lift": "解除",
    "misconduct": "违纪",
    "open": "开放",
    "org": "机构",
    "override": "人工认定",
    "person": "人员",
    "plan": "计划",
    "postpone": "延期",
    "province": "省级",
    "publish": "发布",
    "reactivate": "恢复",
    "record": "记录",
    "refile": "重新报备",
    "register": "登记",
    "registration": "报名",
    "reissue": "补发",
    "reject": "不通过",
    "rejected": "审核未通过",
    "remove": "删除",
    "reopen": "重新开放",
    "reply": "答复",
    "request": "申请",
    "resolve": "办结",
    "respond": "报送",
    "restore": "恢复",
    "resubmit": "重新提交",
    "return": "退回",
    "returned": "退回修改",
    "review": "审核",
    "revoke": "撤销",
    "role": "角色",
    "sampling": "抽审比例",
    "session": "场次",
    "set": "设置",
    "start": "开始",
    "submit": "提交",
    "superseded": "被替代",
    "suspend": "暂停",
    "title": "职称",
    "update": "修改",
    "user": "用户",
    "username": "用户名",
    "upload": "上传",
    "void": "作废",
    "withdraw": "撤回",
    "work": "工作经历",
}


def labels_register(labels: Mapping[str, str]) -> None:
    """Name exact codes. A later registration of the same code replaces the earlier one."""
    _EXACT.update(labels)


def label_resolver_register(pattern: str, resolve: Callable[[re.Match[str]], str]) -> None:
    """Name every code that matches `pattern` (matched whole) by `resolve(match)`."""
    _RESOLVERS.append((re.compile(pattern), resolve))


def _words(code: str) -> str | None:
    words = [_WORDS.get(word) for word in re.split(r"[_.\s]+", code) if word]
    if words and all(words):
        return "".join(w for w in words if w)
    return None


def label_for(code: object, namespace: str = "", *, fallback: str = UNKNOWN) -> str:
    """The Chinese name of `code`. `namespace` separates codes that mean different things in
    different places: `label_for("received", "status.complaint")` reads
    `status.complaint.received` first. `fallback` names what nothing else names."""
    text = "" if code is None else str(code).strip()
    if not text or not re.search(r"[A-Za-z]", text):
        return text  # nothing to name, or already words (Chinese) or a number
    if namespace and f"{namespace}.{text}" in _EXACT:
        return _EXACT[f"{namespace}.{text}"]
    if text in _EXACT:
        return _EXACT[text]
    for pattern, resolve in _RESOLVERS:
        match = pattern.fullmatch(text)
        if match:
            return resolve(match)
    prefix, _, rest = text.partition(".")
    group = _EXACT.get(prefix) if rest else None
    said = _words(rest or text)
    if group and said:
        return f"{group}：{said}"
    if group:
        return f"{group}：{fallback}"
    return said or fallback


def transition_label(before: object, after: object, namespace: str = "") -> str:
    """A status move for a history row: 已提交 → 已受理."""
    start = label_for(before, namespace) if before else "—"
    return f"{start} → {label_for(after, namespace)}"


def codes_labelled(words: str) -> list[str]:
    """The registered codes whose Chinese name contains `words` (a search box that takes
    either a code or its name)."""
    return [code for code, name in _EXACT.items() if words in name]


def is_labelled(code: str) -> bool:
    """Whether an app named `code` exactly or by a resolver (tests use this to find codes a
    person would see only through the word fallback)."""
    return code in _EXACT or any(p.fullmatch(code) for p, _ in _RESOLVERS)


class LabelsRegistered:
    """Mixin for an app's `AppConfig` (before `AppConfig` in its bases): once the apps are
    loaded, `ready()` registers the app's `labels`, the Chinese names of its codes."""

    labels: ClassVar[Mapping[str, str]] = {}

    def ready(self) -> None:
        labels_register(self.labels)
