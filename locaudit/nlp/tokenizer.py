"""The tokenizer: spaCy's English rules plus the debris of EHR exports as tokens of their own.

EHR exports often carry RTF remnants (``4:00\\par``, ``ROARK\\tab``, ``PROCEDURE:\\b0``). Left
glued to the word before them they hide clock faces and headers from the patterns, and the
note must not be rewritten (evidence offsets point into the original text), so the tokenizer
splits them off instead. The same holds for HTML tags ('depth.<br/>Lesion 2'), database keys
('SITE_1_LOCATION=1:00', 'Lesion1.Laterality: Right'), quoted CSV cells ('"1","Right"') and
HL7 fields ('OBX|8|TX|...||second Magseed deployed.||||||F').
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
# 'Lesion1.Laterality:', 'LESION_1.SIDE:', 'lesion2.device=' (not 'U.S.', '1.5cm', 'e.g.')
KEY_PATH = r"(?<=[A-Za-z0-9_])\.(?=[A-Z][a-z])|(?<=[A-Za-z_][0-9])\.(?=[A-Za-z]{2})"
HTML_TAG = r"</?[A-Za-z][A-Za-z0-9]{0,10}\s*/?>"  # '<br/>', '<p>', '</td>' in HTML exports
BEFORE_TAG = r"(?<=\w)[.,:;](?=</?[A-Za-z])"  # 'depth.<br/>Lesion 2'
CSV_CELLS = r'"[,;\t]"'  # '"1","Right","UOQ, 10 o'clock"': quoted cells of a CSV export
PIPES = r"\|+"  # 'REPORT||second Magseed deployed.||||||F': HL7 fields and table cells
BEFORE_PIPE = r"(?<=\w)[.,:;](?=\|)"  # 'deployed.||||||F'


@registry.tokenizers("locaudit.tokenizer.v1")
def create_tokenizer() -> Callable[[Language], Tokenizer]:
    """spaCy's English tokenizer with RTF control words split off as suffixes and infixes."""

    def make(nlp: Language) -> Tokenizer:
        defaults = English.Defaults
        prefixes = [HTML_TAG, PIPES, *(defaults.prefixes or [])]
        suffixes = [RTF_CONTROL + "$", HTML_TAG + "$", PIPES + "$", *(defaults.suffixes or [])]
        exports = [RTF_CONTROL, HTML_TAG, BEFORE_TAG, KEY_VALUE, KEY_PATH, CSV_CELLS]
        exports += [PIPES, BEFORE_PIPE]
        infixes = [*exports, *(defaults.infixes or [])]
        return Tokenizer(
            nlp.vocab,
            rules=defaults.tokenizer_exceptions,
            prefix_search=compile_prefix_regex(prefixes).search,
            suffix_search=compile_suffix_regex(suffixes).search,
            infix_finditer=compile_infix_regex(infixes).finditer,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )

    return make
