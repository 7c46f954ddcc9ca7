"""Build an index from cleaned sources, or carry unchanged sources over from an old index.

The builder appends each source's paragraphs, passages and term ids to flat columns
(see tables.py), so memory stays near the size of the text itself. The vocabulary only
grows: carried-over sources keep their term ids, which is what makes an incremental
rebuild a copy of arrays plus tokenizing only the files that changed.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retrieval.index.parts import Columns, Forward, IndexParts, make_engine
from retrieval.index.records import SourceColumns
from retrieval.index.tables import NO_VALUE, ParagraphTable, PassageTable, append_array
from retrieval.index.term_counts import TermCounter
from retrieval.index.vocabulary import Vocabulary
from retrieval.ingest.passages import passage_spans
from retrieval.model import Source
from retrieval.settings import RetrievalSettings
from retrieval.text.bounded import BoundedCache
from retrieval.text.langdetect import source_language, source_script, writes_in
from retrieval.text.tokenize import Tokenizer

COUNT_BATCH = 1 << 20  # piece codes gathered before they are counted (see term_counts)
TITLE_CACHE_BYTES = 32 << 20  # title and heading term ids, reused by each of their passages
# A chunk of documents (of one file) whose sampled documents all have one language: the
# first SAMPLE_FIRST and every SAMPLE_EVERY-th after them.
SAMPLE_FIRST = 8
SAMPLE_EVERY = 32


def _ids_size(key: str, ids: list[int]) -> int:
    return sys.getsizeof(key) + sys.getsizeof(ids) + 32 * len(ids) + 100


class IndexBuilder:
    """Accumulates sources into flat columns, then makes the engine once at the end."""

    def __init__(
        self,
        settings: RetrievalSettings,
        tokenizer: Tokenizer,
        vocab: Vocabulary | None = None,
        counter: TermCounter | None = None,
        spill: Path | None = None,
    ) -> None:
        self.settings = settings
        self.tokenizer = tokenizer
        self.vocab = vocab or Vocabulary.empty()
        self.records = SourceColumns()
        # Paragraph text: in memory, or appended to a spill file when building to disk, so
        # a large build does not hold all of its text in RAM.
        self._blob = bytearray()
        self._blob_size = 0
        self._spill_path = spill
        self._spill = spill.open("wb") if spill is not None else None
        self._spilled: np.ndarray | None = None  # the spill file's text, once it is done
        self._par_offsets = array("q", [0])
        self._par_source = array("i")
        self._par_number = array("i")
        self._par_section = array("i")
        self._par_page = array("i")
        self._sections: list[str] = []
        self._section_ids: dict[str, int] = {}
        self._pas_paragraph = array("i")
        self._pas_part = array("i")
        self._pas_start = array("i")
        self._pas_end = array("i")
        self._fwd = array("i")
        self._fwd_tfs = array("i")
        self._fwd_offsets = array("q", [0])
        self._cache_terms: BoundedCache[str, list[int]] = BoundedCache(TITLE_CACHE_BYTES, _ids_size)
        # Text -> term ids, with its caches; a worker shares one across its chunks.
        self._counter = counter or TermCounter(tokenizer, self.vocab)
        if self._counter.vocab is not self.vocab:
            raise ValueError("the term counter must add to the builder's vocabulary")
        # Passages not yet counted: their piece codes end to end, and where each ends.
        self._stream: list[int] = []
        self._stream_ends = array("q")

    @property
    def passage_count(self) -> int:
        """Return how many passages have been added so far."""
        return len(self._pas_part)

    def _extra_ids(self, text: str | None, weight: int, language: str | None) -> list[int]:
        if not text or weight <= 0:
            return []
        key = f"{language}\x00{weight}\x00{text}"
        cached = self._cache_terms.data.get(key)
        if cached is None:
            cached = self._counter.ids(text, clean=False) * weight
            self._cache_terms.put(key, cached)
        return cached

    def _section_id(self, section: str | None) -> int:
        if section is None:
            return NO_VALUE
        sid = self._section_ids.get(section)
        if sid is None:
            sid = self._section_ids[section] = len(self._sections)
            self._sections.append(section)
        return sid

    def add(
        self, source: Source, origin: str, *, language: str | None = None, detect: bool = True
    ) -> None:
        """Append a cleaned source, tokenizing its passages in the language configured or
        detected (language_of); with detect=False, in `language` (None: unknown)."""
        opts = self.settings.index
        max_chars = self.settings.sources.max_passage_chars
        row_source = len(self.records)
        first_paragraph, first_passage = len(self._par_number), len(self._pas_part)
        if detect:
            language = self.language_of(source)
        self._counter.use(language)
        title_ids = self._extra_ids(source.meta.searchable_title, opts.title_weight, language)
        stream, ends, add_codes = self._stream, self._stream_ends, self._counter.add_codes
        for para in source.paragraphs:
            text = para.text
            row = len(self._par_number)
            self._write_text(text.encode("utf-8"))
            self._par_offsets.append(self._blob_size)
            self._par_source.append(row_source)
            self._par_number.append(para.number)
            self._par_section.append(self._section_id(para.section))
            self._par_page.append(NO_VALUE if para.page is None else para.page)
            extra = self._extra_ids(para.section, opts.section_weight, language) + title_ids
            for part, (start, end) in enumerate(passage_spans(text, max_chars, language), start=1):
                self._pas_paragraph.append(row)
                self._pas_part.append(part)
                self._pas_start.append(start)
                self._pas_end.append(end)
                add_codes(stream, text[start:end])
                if extra:
                    stream.extend(extra)
                ends.append(len(stream))
            if len(stream) >= COUNT_BATCH:
                self._count_pending()
        rows = (
            first_paragraph,
            len(self._par_number) - first_paragraph,
            first_passage,
            len(self._pas_part) - first_passage,
        )
        self.records.append(source.meta, rows, origin, language)

    def add_chunk(self, sources: Sequence[Source], origin: str, shared: str | None = None) -> None:
        """Append the cleaned sources of one chunk of a file, in order (see chunk_languages)."""
        for source, language in zip(sources, self.chunk_languages(sources, shared), strict=True):
            self.add(source, origin, language=language, detect=False)

    def chunk_languages(
        self, sources: Sequence[Source], shared_before: str | None = None
    ) -> list[str | None]:
        """Return the language of each of a chunk of sources from one file.

        Detecting each of a million documents' language takes half a minute; the documents
        of one dump mostly share theirs. So when a sample of the chunk (the first
        SAMPLE_FIRST and every SAMPLE_EVERY-th) agrees on one language, a document whose
        opening is in a script of that language takes it, with no more than a look at its
        script; the others, and every document of a chunk whose sample disagrees, are
        detected one by one, as is a file of one source. The lines added to a dump whose
        documents all had one language (`shared_before`) have those documents as their
        sample.
        """
        configured = self.settings.tokenizer.language
        if configured != "auto":
            return [configured] * len(sources)
        sampled: dict[int, str | None] = {}
        if shared_before is None:
            sampled = {i: self.language_of(sources[i]) for i in _sample_rows(len(sources))}
        shared = set(sampled.values()) if sampled else {shared_before}
        if len(shared) != 1 or None in shared:
            return [
                sampled[i] if i in sampled else self.language_of(s) for i, s in enumerate(sources)
            ]
        language = shared.pop()
        out: list[str | None] = []
        for i, source in enumerate(sources):
            if i in sampled:
                out.append(sampled[i])
                continue
            script = source_script(source.meta.title, (p.text for p in source.paragraphs))
            same = script is not None and language is not None and writes_in(language, script)
            out.append(language if same else self.language_of(source))
        return out

    def language_of(self, source: Source) -> str | None:
        """Return the language a source is indexed in: configured, or detected."""
        configured = self.settings.tokenizer.language
        if configured != "auto":
            return configured
        return source_language(source.meta.title, (p.text for p in source.paragraphs))

    def _count_pending(self) -> None:
        """Count the passages added since the last call into forward index rows."""
        if not self._stream_ends:
            return
        terms, tfs, lengths = self._counter.count_rows(self._stream, self._stream_ends)
        base = len(self._fwd)
        append_array(self._fwd, terms)
        append_array(self._fwd_tfs, tfs)
        append_array(self._fwd_offsets, np.cumsum(lengths) + base)
        self._stream.clear()
        del self._stream_ends[:]
        self._counter.trim()

    def adopt(self, old: IndexParts, lo: int, hi: int) -> None:
        """Copy the rows of old sources lo..hi-1 (unchanged, consecutive) from an old index,
        whole arrays at a time (same vocabulary ids)."""
        if hi <= lo:
            return
        self._count_pending()
        table = old.records
        p0 = int(table.first_paragraph[lo])
        pn = int(table.first_paragraph[hi - 1] + table.paragraphs[hi - 1]) - p0
        q0 = int(table.first_passage[lo])
        qn = int(table.first_passage[hi - 1] + table.passages[hi - 1]) - q0
        paras, passages = old.paragraphs, old.passages
        base_src, base_par, base_pas = len(self.records), len(self._par_number), len(self._pas_part)
        text_lo, text_hi = int(paras.offsets[p0]), int(paras.offsets[p0 + pn])
        base_blob = self._blob_size
        self._write_text(paras.text_blob[text_lo:text_hi].data)  # no copy of the text
        append_array(self._par_offsets, paras.offsets[p0 + 1 : p0 + pn + 1] - text_lo + base_blob)
        append_array(self._par_source, paras.source[p0 : p0 + pn] - lo + base_src)
        append_array(self._par_number, paras.number[p0 : p0 + pn])
        sections = np.array([self._section_id(x) for x in paras.sections] + [NO_VALUE], np.int32)
        append_array(self._par_section, sections[paras.section[p0 : p0 + pn]])
        append_array(self._par_page, paras.page[p0 : p0 + pn])
        append_array(self._pas_paragraph, passages.paragraph[q0 : q0 + qn] - p0 + base_par)
        append_array(self._pas_part, passages.part[q0 : q0 + qn])
        append_array(self._pas_start, passages.start[q0 : q0 + qn])
        append_array(self._pas_end, passages.end[q0 : q0 + qn])
        f_lo, f_hi = int(old.forward.offsets[q0]), int(old.forward.offsets[q0 + qn])
        base_fwd = len(self._fwd)
        append_array(self._fwd, old.forward.terms[f_lo:f_hi])
        append_array(self._fwd_tfs, old.forward.tfs[f_lo:f_hi])
        append_array(self._fwd_offsets, old.forward.offsets[q0 + 1 : q0 + qn + 1] - f_lo + base_fwd)
        self.records.extend(table, lo, hi, base_par, base_pas)

    def _write_text(self, data: bytes | memoryview) -> None:
        if self._spill is not None:
            self._spill.write(data)
        else:
            self._blob += data
        self._blob_size += len(data)

    def spilled_text(self) -> Path | None:
        """Return the file the text was spilled to, flushed and closed (None: in memory);
        the tables made from it stay readable, and it may be moved."""
        if self._spill is None or self._spill_path is None:
            return None
        self._spill.close()
        self._spilled = self._text_array()  # mapped now: the path may not stay
        return self._spill_path

    def close(self) -> None:
        """Close the spill file, if any (the tables made from it stay readable)."""
        if self._spill is not None:
            self._spill.close()

    def _text_array(self) -> np.ndarray:
        if self._spilled is not None:
            return self._spilled
        if self._spill is None or self._spill_path is None:
            return np.frombuffer(self._blob, dtype=np.uint8)
        if not self._spill.closed:
            self._spill.flush()
        if self._blob_size == 0:
            return np.zeros(0, np.uint8)
        return np.memmap(self._spill_path, dtype=np.uint8, mode="r", shape=(self._blob_size,))

    def columns(self) -> Columns:
        """Return the rows added so far as tables (zero-copy views of the build buffers)."""
        self._count_pending()
        records = self.records.table()
        paragraphs = ParagraphTable(
            text=self._text_array(),
            offsets=np.frombuffer(self._par_offsets, dtype=np.int64),
            source=np.frombuffer(self._par_source, dtype=np.int32),
            number=np.frombuffer(self._par_number, dtype=np.int32),
            section=np.frombuffer(self._par_section, dtype=np.int32),
            page=np.frombuffer(self._par_page, dtype=np.int32),
            sections=self._sections,
            files=records.named,
        )
        passages = PassageTable(
            paragraphs,
            paragraph=np.frombuffer(self._pas_paragraph, dtype=np.int32),
            part=np.frombuffer(self._pas_part, dtype=np.int32),
            start=np.frombuffer(self._pas_start, dtype=np.int32),
            end=np.frombuffer(self._pas_end, dtype=np.int32),
        )
        forward = Forward(
            terms=np.frombuffer(self._fwd, dtype=np.int32),
            tfs=np.frombuffer(self._fwd_tfs, dtype=np.int32),
            offsets=np.frombuffer(self._fwd_offsets, dtype=np.int64),
        )
        return Columns(records, paragraphs, passages, forward)

    def merge(self, chunk: Columns, term_map: np.ndarray) -> None:
        """Append every row of a chunk built elsewhere; term_map turns its term ids into ours."""
        self._count_pending()
        par, pas, fwd = chunk.paragraphs, chunk.passages, chunk.forward
        base_src, base_par, base_pas = len(self.records), len(self._par_number), len(self._pas_part)
        base_blob, base_fwd = self._blob_size, len(self._fwd)
        sections = np.array([self._section_id(s) for s in par.sections] + [NO_VALUE], np.int32)
        self._write_text(par.text_blob.tobytes())
        append_array(self._par_offsets, par.offsets[1:] + base_blob)
        append_array(self._par_source, par.source + base_src)
        append_array(self._par_number, par.number)
        append_array(self._par_section, sections[par.section])  # NO_VALUE (-1) maps to the last
        append_array(self._par_page, par.page)
        append_array(self._pas_paragraph, pas.paragraph + base_par)
        append_array(self._pas_part, pas.part)
        append_array(self._pas_start, pas.start)
        append_array(self._pas_end, pas.end)
        append_array(self._fwd, term_map[fwd.terms])
        append_array(self._fwd_tfs, fwd.tfs)
        append_array(self._fwd_offsets, fwd.offsets[1:] + base_fwd)
        self.records.extend(chunk.records, 0, len(chunk.records), base_par, base_pas)

    def finish(self) -> IndexParts:
        """Return the tables, vocabulary, forward index and engine built so far."""
        cols = self.columns()
        self._counter.clear()
        self._cache_terms.clear()
        engine = make_engine(self.settings, self.vocab, cols.forward)
        return IndexParts(
            cols.records, cols.paragraphs, cols.passages, self.vocab, cols.forward, engine
        )


def _sample_rows(count: int) -> list[int]:
    head = list(range(min(count, SAMPLE_FIRST)))
    return head + list(range(SAMPLE_FIRST + SAMPLE_EVERY - 1, count, SAMPLE_EVERY))
