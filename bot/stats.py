"""What /stats reports: questions answered, how many found nothing, and, only when
`privacy.log_questions` is on, which unanswered questions come back most (never who asked)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

MAX_KEPT = 5000  # distinct unanswered questions remembered at most


@dataclass
class Stats:
    """Counters since the bot started."""

    questions: int = 0
    not_found: int = 0
    unanswered: Counter[str] = field(default_factory=Counter)

    def record(self, question: str, found: bool, keep_text: bool) -> None:
        """Count one answered question."""
        self.questions += 1
        if found:
            return
        self.not_found += 1
        if keep_text:
            key = " ".join(question.casefold().split())[:200]
            if key in self.unanswered or len(self.unanswered) < MAX_KEPT:
                self.unanswered[key] += 1

    @property
    def not_found_rate(self) -> float:
        return self.not_found / self.questions if self.questions else 0.0
