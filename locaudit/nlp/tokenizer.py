"""The tokenizer: spaCy's English rules plus RTF control words as tokens of their own.

EHR exports often carry RTF remnants (``4:00\\par``, ``ROARK\\tab``, ``PROCEDURE:\\b0``). Left
glued to the word before them they hide clock faces and headers from the patterns, and the
note must not be rewritten (evidence offsets point into the original text), so the tokenizer
splits them off instead.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.lang.en import English
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import (
    compile_infix_regex,
    compile_prefix_regex,
    compile_suffix_regex,
    registry,
)

RTF_CONTROL = r"\\[a-z]{1,12}-?[0-9]{0,4}"
KEY_VALUE = r"(?<=[A-Za-z0-9_])=(?=\S)"  # 'SITE_1_LOCATION=1:00' from database exports


@registry.tokenizers("locaudit.tokenizer.v1")
def create_tokenizer() -> Callable[[Language], Tokenizer]:
    """spaCy's English tokenizer with RTF control words split off as suffixes and infixes."""
    def make(nlp: Language) -> Tokenizer:
        defaults = English.Defaults
        suffixes = [RTF_CONTROL + "$", *(defaults.suffixes or [])]
        infixes = [RTF_CONTROL, KEY_VALUE, *(defaults.infixes or [])]
        return Tokenizer(
            nlp.vocab,
            rules=defaults.tokenizer_exceptions,
            prefix_search=compile_prefix_regex(defaults.prefixes or []).search,
            suffix_search=compile_suffix_regex(suffixes).search,
            infix_finditer=compile_infix_regex(infixes).finditer,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )

    return make

