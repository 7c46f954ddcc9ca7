"""The scale benchmark (`sourcebot bench`); nothing at run time imports this package.

run.py        generates the data once, runs each system in its own process, prints the table
worker.py     the child process: one system built, reloaded and timed
synthetic.py  the deterministic synthetic corpus and its questions
"""

from __future__ import annotations

from retrieval.bench.run import SYSTEMS, format_table, run_bench

__all__ = ["SYSTEMS", "format_table", "run_bench"]
