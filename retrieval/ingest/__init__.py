"""Ingest stage: source files in, cleaned and numbered Sources out.

files.py      finding the source files under the configured folders, safely
formats/      one reader a format (plain text, HTML, PDF, JSONL), each giving RawDocuments
cleaning.py   page furniture, titles, bylines, headings and repeats out of the raw text
pages.py      pages joined for cleaning and found again for citations
documents.py  raw documents to Sources with their metadata
passages.py   paragraphs cut into passages, the unit of retrieval
policy.py     skip or raise on a bad source, and where the warnings go
"""
