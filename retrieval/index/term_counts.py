"""Count the index terms of passage text by id: the hot loop of every build.

A build sees the same few hundred thousand words millions of times, so tokenizing each
passage anew is waste. No token of the tokenizer crosses whitespace, so a passage's tokens
are its whitespace-separated pieces' tokens, in order. `TermCounter` remembers what each
piece ("Kerry’s", "talks,", "U.S.-Russia") stands for as one code: a term id, STOP for a
piece without terms, or a code for the rare piece with several terms. A passage is then a
`str.split` and one dictionary lookup per piece, in C, appended to a stream of codes; a
batch of passages is counted at once with numpy (`count_rows`), not a Counter each.
A piece's terms depend on the language of its text, so each language keeps its own
caches (`use`).
"""

from __future__ import annotations

from array import array

import numpy as np
import numpy.typing as npt

from retrieval.index.vocabulary import Vocabulary
from retrieval.text import segment
from retrieval.text.tokenize import Tokenizer

STOP = -1  # a piece or raw token with no index term (stopwords, lone punctuation)
FIRST_MULTI = -2  # pieces with several terms are coded -2, -3, ...: see TermCounter._multi
PIECE_LIMIT = 2_000_000  # pieces remembered before trim() starts afresh (bounds memory)
PIECE_CHARS = 64_000_000  # nor more characters of them than this (a dump of long "words")

IntArray = npt.NDArray[np.int32]
# Punctuation that never belongs to a token at a word's edge. Inside a piece that is
# otherwise one run of letters and digits (str.isalnum, which is exactly the regex's \w
# without "_"), it cannot start, join or extend a token, so the run is the only token.
_EDGE_PUNCTUATION = "\"'’‘“”«».,;:!?()[]{}—–-…/*"


class TermCounter:
    """Turns text into term ids of a vocabulary, adding new terms to it as they come."""

    def __init__(self, tokenizer: Tokenizer, vocab: Vocabulary) -> None:
        self.tokenizer = tokenizer
        self.vocab = vocab
        # Per language: raw token -> term id or STOP; whitespace piece -> term id, STOP or a
        # multi code.
        self._caches: dict[str | None, tuple[dict[str, int], dict[str, int]]] = {}
        self._raw_ids: dict[str, int] = {}
        self._pieces: dict[str, int] = {}
        self._lookup = self._pieces.__getitem__  # a plain dict's: twice as fast as a subclass's
        self._multi: list[tuple[int, ...]] = []  # code FIRST_MULTI - i -> term ids _multi[i]
        self._chars = 0  # characters of the pieces and raw tokens remembered, all languages
        self.use(tokenizer.language)

    def use(self, language: str | None) -> None:
        """Count text of this language from now on (each language keeps its own caches)."""
        if language == self.tokenizer.language and self._caches:
            return
        caches = self._caches.get(language)
        if caches is None:
            caches = self._caches[language] = ({}, {})
        self.tokenizer = self.tokenizer.for_language(language)
        self._raw_ids, self._pieces = caches
        self._lookup = self._pieces.__getitem__

    def _raw_id(self, raw: str) -> int:
        tid = self._raw_ids.get(raw)
        if tid is None:
            term = self.tokenizer.term(raw)
            tid = self.vocab.add(term, raw) if term else STOP
            self._raw_ids[raw] = tid
            self._chars += len(raw)
        return tid

    def ids(self, text: str, *, clean: bool = True) -> list[int]:
        """Return the term ids of text in order, repeats kept, stopwords left out."""
        ids = (self._raw_id(r) for r in self.tokenizer.raw_tokens(text, clean=clean))
        return [i for i in ids if i != STOP]

    def _code(self, piece: str) -> int:
        core = piece.strip(_EDGE_PUNCTUATION)
        if core.isalnum() and (core.isascii() or not segment.is_run(core)):
            # "talks," or "(2015)": one token, no regex needed
            return self._raw_id(core)
        ids = self.ids(piece)
        if len(ids) == 1:
            return ids[0]
        if not ids:
            return STOP
        self._multi.append(tuple(ids))
        return FIRST_MULTI - (len(self._multi) - 1)

    def add_codes(self, stream: list[int], text: str) -> None:
        """Append the code of each whitespace piece of clean text (see tokenize.clean_text)."""
        pieces = text.split()
        mark = len(stream)
        while True:
            try:
                stream.extend(map(self._lookup, pieces))
                return
            except KeyError:
                # extend() kept the codes before the piece not seen before: learn that one
                # and go on from it. New pieces are learned in the order they come, not a
                # set's: a new term's id, and the surface word kept for it, must not
                # depend on the hash seed.
                done = len(stream) - mark
                piece = pieces[done]
                self._pieces[piece] = self._code(piece)
                self._chars += len(piece)
                pieces = pieces[done:]
                mark = len(stream)

    def count_rows(
        self, stream: list[int], ends: array[int]
    ) -> tuple[IntArray, IntArray, npt.NDArray[np.int64]]:
        """Return the (term id, count) rows of passages given as one stream of codes.

        Passage i is stream[ends[i - 1]:ends[i]]; its row is sorted by term id. Returns the
        term ids and counts of all rows, end to end, and each row's length.
        """
        rows = len(ends)
        codes = np.array(stream, dtype=np.int64)
        bounds = np.zeros(rows + 1, np.int64)
        bounds[1:] = np.frombuffer(ends, dtype=np.int64)
        sizes = np.diff(bounds)
        owner = np.repeat(np.arange(rows, dtype=np.int64), sizes)
        multi = np.flatnonzero(codes <= FIRST_MULTI)
        if len(multi):  # rare: expand each several-term piece into its terms
            parts = [self._multi[FIRST_MULTI - int(codes[i])] for i in multi]
            owner = np.concatenate((owner, np.repeat(owner[multi], [len(p) for p in parts])))
            codes = np.concatenate((codes, [t for p in parts for t in p]))
        keep = codes >= 0
        keys = (owner[keep] << 32) | codes[keep]
        keys.sort()
        if not len(keys):
            return np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(rows, np.int64)
        first = np.empty(len(keys), dtype=bool)
        first[0] = True
        np.not_equal(keys[1:], keys[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        unique = keys[starts]
        tfs = np.diff(starts, append=len(keys)).astype(np.int32)
        terms = (unique & 0xFFFFFFFF).astype(np.int32)
        lengths = np.bincount(unique >> 32, minlength=rows).astype(np.int64)
        return terms, tfs, lengths

    def trim(self) -> None:
        """Start the piece cache afresh if it grew past PIECE_LIMIT pieces or PIECE_CHARS.

        Only between batches: codes of several-term pieces are valid until then.
        """
        pieces_held = sum(len(pieces) for _, pieces in self._caches.values())
        if pieces_held > PIECE_LIMIT or self._chars > PIECE_CHARS:
            self.clear()

    def clear(self) -> None:
        """Forget the caches (the vocabulary stays); codes given so far become invalid."""
        for raw_ids, pieces in self._caches.values():
            raw_ids.clear()
            pieces.clear()
        self._multi.clear()
        self._chars = 0
