"""French text similarity: TF-IDF over stemmed, accent-folded words without stop words.

scikit-learn ships only an English stop-word list, so the French list comes from the
`stop-words` package and stemming from Snowball (`snowballstemmer`), so that « marquage »
and « marquages », « routier » and « routière » count as the same word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import snowballstemmer
from sklearn.feature_extraction.text import TfidfVectorizer
from stop_words import get_stop_words

from app.matching.i18n import fold

_WORD_RE = re.compile(r"[^\W\d_]{2,}")  # letters only, two or more: digits are CPV-like noise


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    return frozenset(fold(w) for w in get_stop_words("french"))


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("french")


def analyze(text: str) -> list[str]:
    """Tokens used for similarity: lower-case words, stop words removed, stemmed, unaccented.

    Stemming runs before accent folding because the French Snowball stemmer uses accents.
    """
    words = [w for w in _WORD_RE.findall(text.casefold()) if fold(w) not in _stop_words()]
    return [fold(stem) for stem in _stemmer().stemWords(words)]


@dataclass(frozen=True)
class TextIndex:
    """Cosine similarities between documents of one corpus (one event's offers and needs).

    IDF is computed over the whole corpus, so a word every need uses ("travaux") weighs
    little and a rare shared word ("LED") weighs a lot.
    """

    documents: Mapping[str, str]
    _vectors: dict[str, dict[int, float]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys = sorted(self.documents)  # fixed order: the same corpus always gives the same model
        vectors: dict[str, dict[int, float]] = {k: {} for k in keys}
        if any(analyze(self.documents[k]) for k in keys):
            vectorizer = TfidfVectorizer(analyzer=analyze)  # l2-normalised rows
            matrix = vectorizer.fit_transform([self.documents[k] for k in keys]).tocsr()
            for row, key in enumerate(keys):
                start, end = matrix.indptr[row], matrix.indptr[row + 1]
                vectors[key] = {
                    int(c): float(v)
                    for c, v in zip(matrix.indices[start:end], matrix.data[start:end], strict=True)
                }
        object.__setattr__(self, "_vectors", vectors)

    def similarity(self, a: str, b: str) -> Decimal:
        """Cosine similarity of two documents in [0, 1], rounded to two decimals."""
        va, vb = self._vectors.get(a, {}), self._vectors.get(b, {})
        if len(va) > len(vb):
            va, vb = vb, va
        cosine = sum(value * vb.get(col, 0.0) for col, value in va.items())
        return Decimal(str(min(1.0, cosine))).quantize(Decimal("0.01"), ROUND_HALF_UP)
