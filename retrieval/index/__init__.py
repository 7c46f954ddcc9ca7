"""Index stage: Sources in, a BM25 index over their passages out, in memory or on disk.

vocabulary.py   terms by id, with surface forms
term_counts.py  the hot loop: text to term ids and counts
tables.py       paragraphs and passages as flat, memory-mappable columns
parts.py        what an index is made of (records, tables, forward index, engine)
builder.py      appending sources (or an old index's rows) into those parts
parallel.py     cleaning and tokenizing in worker processes for large builds
scoring.py      BM25 variants, chosen by name
engines.py      the engines behind one interface (sparse, rank-bm25, bm25s)
storage.py      saving and loading an index, versioned and memory-mapped
update.py       building anew, or updating a saved index from changed files only
search.py       the read-only search index that answers are made from
"""
