"""Measurement of retrieval and answers; nothing at run time imports this package.

beir.py       BEIR folders (corpus, queries, graded qrels): nDCG@10, recall, MRR
questions.py  YAML question sets over the configured sources: top-1/top-3, not-found accuracy
squad.py      SQuAD-format files read into articles, paragraphs and questions
squad_eval.py para@1, para@3, quote@1 and not-found rates on them (--off-topic control)
extraction.py cleaning on extraction sets (web-dev layout): token P/R/F1 against the article
line_model_fit.py  refits the line model's weights (ingest/boilerplate.py) on such a set
metrics.py    the ranking metrics, as trec_eval defines them
rouge.py      ROUGE-N and ROUGE-L
summaries.py  our summaries against lead-N, LexRank and TextRank, scored with ROUGE
"""

from __future__ import annotations

from retrieval.evaluate.beir import evaluate_beir
from retrieval.evaluate.extraction import evaluate_extraction, is_extraction_set
from retrieval.evaluate.questions import evaluate_questions
from retrieval.evaluate.squad import load_squad
from retrieval.evaluate.squad_eval import evaluate_squad

__all__ = [
    "evaluate_beir",
    "evaluate_extraction",
    "evaluate_questions",
    "evaluate_squad",
    "is_extraction_set",
    "load_squad",
]
