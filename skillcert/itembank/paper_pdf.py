"""A paper as PDF (typst): the question booklet, an answer sheet and the key, one document.
Item text goes in as JSON data (`sys.inputs`), never spliced into typst markup, so a stem
containing `#` or `*` is printed as written."""

from __future__ import annotations

import json
from typing import Any

import typst

TEMPLATE = r"""
#let data = json(bytes(sys.inputs.data))
#set page(paper: "a4", margin: 2cm, footer: context [
  #set align(center)
  #set text(8pt)
  #data.code · 第 #counter(page).display() 页 · 保密
])
#set text(font: ("Noto Serif CJK SC", "Noto Sans CJK SC"), size: 10.5pt, lang: "zh")
#align(center, text(16pt, weight: "bold", data.title))
#align(center, [试卷编号 #data.code　满分 #data.total 分　题量 #data.count])
#v(1em)
#for (n, it) in data.items.enumerate(start: 1) [
  #block(breakable: false)[
    *#n.* #it.stem（#it.score 分）
    #for opt in it.at("options", default: ()) [
      #linebreak() #h(1.5em) #opt.label. #opt.text
    ]
    #if it.type == "true_false" [ #linebreak() #h(1.5em) （　）正确　（　）错误 ]
  ]
  #v(0.4em)
]
#pagebreak()
#align(center, text(14pt, weight: "bold")[答题卡　#data.code])
#v(0.5em)
姓名：#box(width: 6em, repeat[\_])　准考证号：#box(width: 10em, repeat[\_])
#v(0.8em)
#table(
  columns: (auto, 1fr, auto, 1fr, auto, 1fr),
  ..data.items.enumerate(start: 1).map(((n, it)) => ([#n], [])).flatten()
)
#pagebreak()
#align(center, text(14pt, weight: "bold")[参考答案与评分标准　#data.code])
#v(0.5em)
#for (n, it) in data.items.enumerate(start: 1) [
  *#n.* #it.key #linebreak()
]
"""


def _key_text(item_type: str, content: dict[str, Any]) -> str:
    key = content.get("key")
    if item_type == "multiple":
        return "".join(key or [])
    if item_type == "true_false":
        return "正确" if key else "错误"
    if item_type == "subjective":
        return f"{content.get('answer', '')}　评分标准：{content.get('scheme', '')}"
    if item_type == "practical":
        return "；".join(f"{row['item']}（{row['score']:g}分）" for row in content.get("sheet", []))
    return str(key or "")


def render_paper_pdf(
    *, code: str, title: str, total: str, items: list[tuple[str, str, dict[str, Any]]]
) -> bytes:
    """`items`: (type, score, content) in paper order."""
    data = {
        "code": code,
        "title": title,
        "total": total,
        "count": len(items),
        "items": [
            {
                "type": item_type,
                "score": score,
                "stem": content.get("stem", ""),
                "options": content.get("options", []),
                "key": _key_text(item_type, content),
            }
            for item_type, score, content in items
        ],
    }
    pdf = typst.compile(
        TEMPLATE.encode("utf-8"),
        format="pdf",
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
    )
    assert isinstance(pdf, bytes)
    return pdf
