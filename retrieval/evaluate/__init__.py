"""Measurement of retrieval and answers; nothing at run time imports this package.

beir.py       BEIR folders (corpus, queries, graded qrels): nDCG@10, recall, MRR
questions.py  YAML question sets over the configured sources: top-1/top-3, not-found accuracy
metrics.py    the ranking metrics, as trec_eval defines them
rouge.py      ROUGE-N and ROUGE-L
summaries.py  our summaries against lead-N, LexRank and TextRank, scored with ROUGE
"""

from __future__ import annotations

from retrieval.evaluate.beir import evaluate_beir
from retrieval.evaluate.questions import evaluate_questions

__all__ = ["evaluate_beir", "evaluate_questions"]
