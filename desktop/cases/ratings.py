"""好差评: the five levels and the 差评 reasons (国办发〔2019〕51号), and the follow-up a 差评 must get.

The reasons follow the evaluation areas of 国办发〔2019〕51号 and the national 好差评 standard's offline indicators
(服务效率, 服务水平, 服务态度) plus what the opinion names as the usual grounds of a 差评 (办事指南, 材料, 流程, 收费,
环境). A rating of 1 or 2 is a 差评: it needs a reason, and a supervisor records a 回访 or 整改 with a date and a note.
"""

from __future__ import annotations

from enum import StrEnum

LEVELS: dict[int, str] = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}

BAD_LEVELS = frozenset({1, 2})

BAD_REASONS: dict[str, str] = {
    "efficiency": "服务效率：等候或办理时间长、多次跑动",
    "attitude": "服务态度：冷硬横推、态度生硬",
    "competence": "服务水平：业务不熟、解释不清、一次性告知不到位",
    "guide": "办事指南不准确、材料要求不明确",
    "materials": "要求提交的材料过多或重复提交",
    "process": "办事流程繁琐、环节多",
    "fees": "收费不合理",
    "environment": "服务环境与设施不便",
    "other": "其他",
}


class FollowUpKind(StrEnum):
    VISIT = "visit"  # 回访
    RECTIFY = "rectify"  # 整改


FOLLOW_UP_LABELS: dict[FollowUpKind, str] = {FollowUpKind.VISIT: "回访", FollowUpKind.RECTIFY: "整改"}


def is_bad(level: int) -> bool:
    return level in BAD_LEVELS


def check_rating(level: int, reason: str | None) -> None:
    """A clear English error for a level off the scale, or a 差评 without a known reason."""
    if level not in LEVELS:
        raise ValueError(f"rating level must be 1–5, got {level}")
    if is_bad(level) and reason not in BAD_REASONS:
        raise ValueError(f"a 差评 needs a reason, one of: {', '.join(BAD_REASONS)}")
    if not is_bad(level) and reason is not None:
        raise ValueError("only a 差评 (level 1 or 2) takes a reason")
