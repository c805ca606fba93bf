"""Near copies (雷同) among paragraphs, found in time that grows with the text, not its square.

Used by the check stage (a paragraph copied from last year's report, rule S) and by the batch (a
paragraph copied from another agency's report). It knows nothing of reports: it takes texts
already normalised for comparison (`reportkit.check.plain`: NFKC, no whitespace, no characters
that show nothing) and says which are alike.

Definition. Two texts a and b, each of at least `SHORT` characters, are alike when

    similarity(a, b) = 2 · LCS(a, b) / (|a| + |b|)  ≥  SIMILAR (0.9)

where LCS(a, b) is the length of their longest common subsequence: the characters both keep, in
order. It is difflib's ratio 2·M/T with difflib's greedy matching blocks (M) replaced by the
best alignment, so it is never below difflib's ratio, it does not depend on which text comes
first, and rapidfuzz computes it (the Indel distance |a| + |b| − 2·LCS, bit-parallel, in C++)
in O(|a|·|b|/64) at worst, stopping early once a pair cannot reach the threshold. The decision
is made on integers: |a| + |b| − 2·LCS ≤ ⌊(|a| + |b|) / 10⌋.

Candidates. Comparing every pair of a county's paragraphs is quadratic: 8,000 paragraphs make
32 million pairs. The index compares only candidate pairs:

- each text is cut into its overlapping 3-grams (tokens), a repeated one numbered by
  occurrence;
- a text's signature is its rarest tokens among those another text has too (ordered by how
  many texts have them, then by the token: one order for every text): max(16, ⌈|a|/8⌉) of them
  at most, leaving out tokens that more than 32 texts have, but for the 4 rarest (a text made
  of set phrases only still has a signature, and its near copies share it);
- a and b are candidates when their lengths can be alike (9·|a| ≤ 11·|b| and 9·|b| ≤ 11·|a|)
  and b has a token of a's signature, or a has a token of b's;
- candidates are decided by the similarity itself.

What this finds. A copy shares most of its tokens with its source; the rare ones (names, figures,
the specific wording) pick the source out among thousands, and the common ones (set phrases)
stay out of signatures, so they do not make every paragraph a candidate of every other. An edit
spoils at most 3 tokens, so a pair within ⌊(|signature| − 1)/3⌋ edits (5 for short texts) is
always a candidate; beyond that a pair is missed only if every signature token of both texts
is spoiled by the other's edits. On texts built to be hard (random characters, edits scattered
evenly at up to 12%, tests/test_similar.py) 98–100% of the pairs at 0.90–0.92 and every pair
above are found; on the fixtures and a synthetic county, every pair that comparing all pairs
finds. An exact
filter (prefix filtering, which needs the rarest 55% of a text's 3-grams at this threshold)
was measured 8 times slower on the synthetic county, and grows with its square: set phrases
reach every prefix.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

SIMILAR = 0.9  # texts at least this alike are 雷同 (as the fraction 9/10 in the integer tests)
SHORT = 30  # shorter texts (sub-heads, set phrases) are not compared
Q = 3  # characters per token
SIGNATURE = 16  # tokens in a text's signature, at most (more for texts over 128 characters)
COMMON = 32  # a token more texts have is left out of signatures, but for the FEWEST rarest
FEWEST = 4
# of the definition and the candidates: what a cached finding was computed with
VERSION = "lcs-0.9-30;q3-s16-c32-f4"


def similarity(a: str, b: str) -> float:
    """Return 2·LCS(a, b) / (|a| + |b|) when a and b are alike (≥ `SIMILAR`), else 0.0."""
    m, n = len(a), len(b)
    if m < SHORT or n < SHORT or not _lengths_fit(m, n):
        return 0.0
    if a == b:
        return 1.0
    limit = (m + n) // 10  # the largest distance that keeps 2·LCS ≥ 0.9·(m + n)
    distance = _indel().distance(a, b, score_cutoff=limit)
    return 1 - distance / (m + n) if distance <= limit else 0.0


def _indel() -> Any:
    # rapidfuzz is imported when texts are first compared, not when reportkit starts
    from rapidfuzz.distance import Indel

    return Indel


def _lengths_fit(m: int, n: int) -> bool:
    """True when texts of lengths m and n can be alike: 2·min ≥ 0.9·(m + n)."""
    return 11 * min(m, n) >= 9 * max(m, n)


def tokens(text: str) -> list[str]:
    """Return the text's 3-grams, a repeated one numbered by occurrence (``abc``, ``abc#1``…)."""
    grams = [text[i : i + Q] for i in range(len(text) - Q + 1)]
    if len(set(grams)) == len(grams):
        return grams
    counts = Counter(grams)
    return list(counts) + [f"{g}#{k}" for g, c in counts.items() if c > 1 for k in range(1, c)]


@dataclass(frozen=True)
class Match:
    """Text `other` of the index is alike to the text asked about, by `ratio`."""

    other: int
    ratio: float


class Index:
    """The texts of a comparison, indexed by their 3-grams (see the module's doc).

    Texts are numbered in the order given; texts shorter than `SHORT` are kept (for numbering)
    but never alike to anything.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = list(texts)
        # Inside, texts are numbered by length, so that the texts long enough and short enough
        # to be alike to one are a range of numbers, cut from each posting list by bisection.
        kept = sorted((i for i, t in enumerate(self.texts) if len(t) >= SHORT), key=self._length)
        self._outer = kept
        self._inner = {i: k for k, i in enumerate(kept)}
        self._kept = [self.texts[i] for i in kept]
        self._lengths = [len(text) for text in self._kept]
        grams = [tokens(text) for text in self._kept]  # for the two passes below only
        frequency: Counter[str] = Counter()
        for found in grams:
            frequency.update(found)
        rarity = frequency.__getitem__
        # A text's signature: its rarest tokens that another text has too (rarest first, then
        # by the token: one order for all texts), leaving out common ones but for the fewest.
        self._signatures: list[list[str]] = []
        self._signed: dict[str, list[int]] = {}  # token → the texts whose signature has it
        for k, ordered in enumerate(grams):
            ordered.sort()
            ordered.sort(key=rarity)
            shared = bisect_right(ordered, 1, key=rarity)  # tokens no other text has come first
            size = max(SIGNATURE, -(-self._lengths[k] // 8))
            end = min(len(ordered), shared + size)
            rare = bisect_right(ordered, COMMON, shared, end, key=rarity)
            signature = ordered[shared : min(end, max(rare, shared + FEWEST))]
            self._signatures.append(signature)
            for token in signature:
                self._signed.setdefault(token, []).append(k)
            grams[k] = []

    def _length(self, i: int) -> int:
        return len(self.texts[i])

    def __len__(self) -> int:
        return len(self.texts)

    def _window(self, k: int) -> tuple[int, int]:
        """Return the inner numbers (from, to) of the texts whose length fits inner text k's."""
        m = self._lengths[k]
        return bisect_left(self._lengths, -(-9 * m // 11)), bisect_right(self._lengths, 11 * m // 9)

    def _signers(self, k: int) -> set[int]:
        """Return the texts of fitting length whose signature has a token of inner text k."""
        low, high = self._window(k)
        found: set[int] = set()
        signed = self._signed
        for token in tokens(self._kept[k]):
            ids = signed.get(token)
            if ids is not None:
                found.update(ids[bisect_left(ids, low) : bisect_left(ids, high)])
        found.discard(k)
        return found

    def _having(self, asked: Collection[int]) -> dict[int, set[int]]:
        """Return, for each inner text asked about, the texts of fitting length that have a
        token of its signature (one pass over every text's tokens)."""
        wanted = {token for k in asked for token in self._signatures[k]}
        postings: dict[str, list[int]] = {token: [] for token in wanted}
        for j, text in enumerate(self._kept):
            for token in wanted.intersection(tokens(text)):
                postings[token].append(j)
        found: dict[int, set[int]] = {}
        for k in asked:
            low, high = self._window(k)
            found[k] = set()
            for token in self._signatures[k]:
                ids = postings[token]
                found[k].update(ids[bisect_left(ids, low) : bisect_left(ids, high)])
            found[k].discard(k)
        return found

    def _candidates(self, asked: Collection[int]) -> dict[int, set[int]]:
        """Return, for each inner text asked about, the texts that may be alike to it: those of
        fitting length whose signature has one of its tokens, or that have a token of its
        signature (a pair's candidacy is the same from either text)."""
        having = self._having(asked)
        return {k: self._signers(k) | having[k] for k in asked}

    def _alike(self, k: int, candidates: list[int]) -> list[tuple[int, float]]:
        """Return the candidates alike to inner text k, with how alike (sifted in rapidfuzz's
        C++ loop, then decided exactly by `similarity`)."""
        text = self._kept[k]
        if len(candidates) < 8 or len(text) > 2000:
            # few, or long: one by one (rapidfuzz strips a common prefix and suffix first)
            pairs = [(j, similarity(text, self._kept[j])) for j in candidates]
            return [(j, ratio) for j, ratio in pairs if ratio]
        from rapidfuzz import process

        choices = [self._kept[j] for j in candidates]
        near = process.extract(
            text, choices, scorer=_indel().normalized_similarity, score_cutoff=0.899, limit=None
        )
        found = []
        for _, _, position in near:
            ratio = similarity(text, choices[position])
            if ratio:
                found.append((candidates[position], ratio))
        return sorted(found)

    def matches(self, i: int, among: Collection[int] | None = None) -> list[Match]:
        """Return every text alike to text `i` (only those in `among`, when given), in index
        order, with how alike."""
        k = self._inner.get(i)
        if k is None:
            return []
        candidates = sorted(self._candidates([k])[k])
        if among is not None:
            candidates = [j for j in candidates if self._outer[j] in among]
        found = [Match(self._outer[j], ratio) for j, ratio in self._alike(k, candidates)]
        return sorted(found, key=lambda match: match.other)

    def pairs(self, touching: Iterable[int] | None = None) -> list[tuple[int, int, float]]:
        """Return every alike pair (i < j, ratio) once, sorted; with `touching`, only the pairs
        with at least one text in it."""
        asked = None if touching is None else {self._inner[i] for i in touching if i in self._inner}
        if asked is None or 2 * len(asked) >= len(self._kept):
            # every text asked: each pair's two directions are found from its two texts
            candidates = {k: self._signers(k) for k in range(len(self._kept))}
            if asked is not None:  # then only the pairs touching the texts asked about
                candidates = {
                    k: found if k in asked else found & asked for k, found in candidates.items()
                }
        else:
            candidates = self._candidates(sorted(asked))
        todo: dict[int, set[int]] = {}  # each candidate pair once, under its lower number
        for k, found in candidates.items():
            for j in found:
                if k < j:
                    todo.setdefault(k, set()).add(j)
                else:
                    todo.setdefault(j, set()).add(k)
        pairs = []
        for k, found in todo.items():
            for j, ratio in self._alike(k, sorted(found)):
                i, o = self._outer[k], self._outer[j]
                pairs.append((min(i, o), max(i, o), ratio))
        return sorted(pairs)


def index(texts: Sequence[str]) -> Index:
    """Return the index of `texts` (normalised as `reportkit.check.plain` does)."""
    return Index(texts)


def text_digest(text: str) -> str:
    """Return a short digest of a normalised text (128 bits), to name it in caches."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def signature(paragraphs: Iterable[tuple[str, str]]) -> str:
    """Return a digest of (place, text digest) pairs, and of the definition of alike: equal
    signatures, equal findings."""
    h = hashlib.sha256(VERSION.encode())
    for place, digest in paragraphs:
        h.update(f"{len(place)}:{place}{digest};".encode())
    return h.hexdigest()
