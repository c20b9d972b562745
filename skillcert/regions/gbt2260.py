"""Reads the GB/T 2260 division table that python-stdnum ships (stdnum/cn/loc.dat, compiled
from the official code lists; LGPL-2.1+, data CC BY-SA). Each county line may carry a
history like `[1983-2013]白下区` or `[-1991]东郊区,[1992-]东丽区`; an entry with an open end
(or no bracket) is current."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

_HISTORY = re.compile(r"^\[(\d*)-(\d*)\](.*)$")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # province / prefecture / county
    parent_code: str | None
    active: bool


def _current_name(raw: str) -> tuple[str, bool]:
    names = [part.strip() for part in raw.split(",") if part.strip()]
    last = names[-1]
    for part in reversed(names):
        match = _HISTORY.match(part)
        if match is None:
            return part, True
        if match.group(2) == "":
            return match.group(3), True
    match = _HISTORY.match(last)
    return (match.group(3) if match else last), False


def read_divisions() -> list[Division]:
    text = resources.files("stdnum.cn").joinpath("loc.dat").read_text(encoding="utf-8")
    out: list[Division] = []
    province = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            code, rest = line.split(" ", 1)
            province = code
            found = re.search(r'province="([^"]*)"', rest)
            out.append(
                Division(f"{code}0000", found.group(1) if found else code, "province", None, True)
            )
            continue
        sub, rest = line.strip().split(" ", 1)
        county = re.search(r'county="([^"]*)"', rest)
        if county is None or sub == "0000":
            continue
        name, active = _current_name(county.group(1))
        code = province + sub
        if sub.endswith("00"):
            out.append(Division(code, name, "prefecture", f"{province}0000", active))
        else:
            out.append(Division(code, name, "county", f"{code[:4]}00", active))
    known = {d.code for d in out}
    # A county whose prefecture line is missing hangs directly under its province.
    return [
        d
        if d.parent_code is None or d.parent_code in known
        else Division(d.code, d.name, d.level, f"{d.code[:2]}0000", d.active)
        for d in out
    ]
