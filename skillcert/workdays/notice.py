"""Reading the State Council's annual holiday notice (国务院办公厅关于XXXX年部分节假日安排的通知).

Pure: text in, dates out. Each numbered item (``一、元旦：…``) names one or more festivals and
holds sentences of two kinds: the rest days (``1月1日（周四）至3日（周六）放假调休，共3天``,
``1月1日（周三）放假1天，不调休``) and the make-up working days (``1月4日（周日）上班``, several
separated by ``、``). Other sentences in an item (``鼓励各单位……安排职工在除夕休息``) and lines
outside the items (title, preamble, closing paragraphs, signature) carry no dates to enter and
are skipped. A numbered item that cannot be read, a stated weekday that does not match the
date, a day count (``共N天``) that does not match the range, or a make-up day that is not a
weekend is an error naming the line: nothing is guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from skillcert.common.errors import DomainError

CN_DIGITS = "零一二三四五六七八九十"
WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}

ITEM = re.compile(
    r"^\s*[一二三四五六七八九十]+\s*[、.．]\s*(?P<names>[^：:]+?)\s*[：:]\s*(?P<body>.+)$"
)
TITLE_YEAR = re.compile(r"关于\s*(\d{4})\s*年.*节假日安排")
# One date as the notices write it: optional year, month, day, then an optional parenthesis
# such as （周四）, （星期日） or （农历腊月二十八、周日）.
DATE = (
    r"(?:(?P<{p}y>\d{{4}})年)?(?:(?P<{p}m>\d{{1,2}})月)?(?P<{p}d>\d{{1,2}})日"
    r"(?:[（(](?P<{p}note>[^）)]*)[）)])?"
)
RANGE = re.compile(
    "^" + DATE.format(p="a") + r"(?:\s*(?:至|—|－|-|~|～)\s*" + DATE.format(p="b") + r")?\s*放假"
)
ONE_DATE = re.compile(DATE.format(p="x"))
DAY_COUNT = re.compile(r"共\s*(\d+)\s*天|放假\s*(\d+)\s*天")
WEEKDAY_NOTE = re.compile(r"(?:周|星期)([一二三四五六日天])")


@dataclass(frozen=True)
class NoticeLine:
    number: int
    text: str


@dataclass
class HolidayNotice:
    """What a notice arranges for one year: rest days (every day of each range, weekends
    included, as announced) and make-up working days on weekends, each with its festival."""

    year: int
    holidays: dict[dt.date, str] = field(default_factory=dict)
    workdays: dict[dt.date, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {
            "year": self.year,
            "holidays": [d.isoformat() for d in sorted(self.holidays)],
            "workdays": [d.isoformat() for d in sorted(self.workdays)],
        }


def _error(line: NoticeLine, why: str) -> DomainError:
    return DomainError(
        "workdays.notice_unparsable",
        f"第{line.number}行无法识别：{why}。原文：{line.text.strip()[:80]}",
        field="notice",
    )


def _date(
    match: re.Match[str], prefix: str, *, year: int, month: int | None, line: NoticeLine
) -> dt.date:
    y = int(match.group(f"{prefix}y") or year)
    m_text = match.group(f"{prefix}m")
    m = int(m_text) if m_text else month
    if m is None:
        raise _error(line, "日期缺少月份")
    try:
        day = dt.date(y, m, int(match.group(f"{prefix}d")))
    except ValueError:
        raise _error(line, f"{y}年{m}月{match.group(f'{prefix}d')}日不是有效日期") from None
    note = match.group(f"{prefix}note") or ""
    stated = WEEKDAY_NOTE.search(note)
    if stated and WEEKDAYS[stated.group(1)] != day.weekday():
        actual = "一二三四五六日"[day.weekday()]
        raise _error(
            line,
            f"{day.month}月{day.day}日是周{actual}，通知写作周{stated.group(1)}，请核对年份或日期",
        )
    return day


def _rest_days(sentence: str, *, year: int, line: NoticeLine) -> list[dt.date]:
    match = RANGE.match(sentence.strip())
    if match is None:
        raise _error(line, "放假日期应写作“X月X日至X日放假”或“X月X日放假”")
    first = _date(match, "a", year=year, month=None, line=line)
    last = first
    if match.group("bd"):
        last = _date(match, "b", year=first.year, month=first.month, line=line)
        if match.group("by") is None and last < first:
            last = last.replace(year=last.year + 1)  # 12月31日至1月2日 crosses into next year
    if last < first:
        raise _error(line, "放假结束日早于开始日")
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    count = DAY_COUNT.search(sentence)
    if count is not None:
        stated = int(count.group(1) or count.group(2))
        if stated != len(days):
            raise _error(line, f"放假共{len(days)}天，通知写作共{stated}天")
    return days


def _makeup_days(sentence: str, *, year: int, line: NoticeLine) -> list[dt.date]:
    days: list[dt.date] = []
    month: int | None = None
    for match in ONE_DATE.finditer(sentence):
        day = _date(match, "x", year=year, month=month, line=line)
        month = day.month
        if day.weekday() < 5:
            raise _error(line, f"调休上班日{day.month}月{day.day}日不是周末")
        days.append(day)
    if not days:
        raise _error(line, "“上班”前没有日期")
    return days


def notice_parse(text: str, *, year: int) -> HolidayNotice:
    """Read the notice for `year`. Raises DomainError naming the first line it cannot read."""
    lines = [NoticeLine(n, raw) for n, raw in enumerate(text.splitlines(), start=1)]
    notice = HolidayNotice(year=year)
    items = 0
    for line in lines:
        text_line = line.text.strip().replace(" ", "").replace("\u3000", "")
        title = TITLE_YEAR.search(text_line)
        if title and int(title.group(1)) != year:
            raise DomainError(
                "workdays.notice_year_mismatch",
                f"第{line.number}行：这是{title.group(1)}年的通知，与所选年份{year}不符",
                field="year",
            )
        match = ITEM.match(text_line)
        if match is None:
            continue
        items += 1
        name = match.group("names").strip()
        rest_found = False
        for sentence in filter(
            None, (s.strip() for s in re.split(r"[。；;]", match.group("body")))
        ):
            if "放假" in sentence and "日" in sentence and not rest_found:
                for day in _rest_days(sentence, year=year, line=line):
                    if day in notice.holidays:
                        raise _error(line, f"{day.month}月{day.day}日已在前面的节日中放假")
                    notice.holidays[day] = name
                rest_found = True
            elif sentence.endswith("上班"):
                for day in _makeup_days(sentence, year=year, line=line):
                    notice.workdays[day] = name
        if not rest_found:
            raise _error(line, "该项没有放假日期")
    if items == 0:
        raise DomainError(
            "workdays.notice_empty",
            "没有找到放假安排条目（应为“一、元旦：……”这样的编号条目），请粘贴通知全文",
            field="notice",
        )
    overlap = set(notice.holidays) & set(notice.workdays)
    if overlap:
        day = min(overlap)
        raise DomainError(
            "workdays.notice_conflict",
            f"{day.isoformat()} 既是放假日又是调休上班日，请核对通知",
            field="notice",
        )
    return notice
