"""techbroker's matching library: hybrid lexical + semantic search over listings.

A pure library (no web framework, no database): it takes texts, ids and filters and
returns ranked ids with scores and structured reasons. See `Matcher`.
"""

from matching.config import LEXICAL, MatcherConfig, config_for
from matching.encoders import (
    CachedEncoder,
    Encoder,
    HashEncoder,
    MiniLMEncoder,
    USEEncoder,
    encode_batched,
    get_encoder,
)
from matching.matcher import IndexNotFound, Matcher
from matching.persist import IndexCorrupt, IndexMismatch, MatchingError, read_version
from matching.text import Tokenizer, TokenizerConfig, detect_lang
from matching.types import Document, Filters, Lang, Query, Reason, ReasonCode, Result

__all__ = [
    "LEXICAL",
    "CachedEncoder",
    "Document",
    "Encoder",
    "Filters",
    "HashEncoder",
    "IndexCorrupt",
    "IndexMismatch",
    "IndexNotFound",
    "Lang",
    "Matcher",
    "MatcherConfig",
    "MatchingError",
    "MiniLMEncoder",
    "Query",
    "Reason",
    "ReasonCode",
    "Result",
    "Tokenizer",
    "TokenizerConfig",
    "USEEncoder",
    "config_for",
    "detect_lang",
    "encode_batched",
    "get_encoder",
    "read_version",
]
