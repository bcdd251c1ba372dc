"""How input bytes become note text: UTF-8, or UTF-16 when a byte-order mark says so.

The policy, the same for every reader (JSON Lines, CSV, a folder of notes, FHIR, ``check``):

- UTF-8 is the input encoding; a UTF-8 byte-order mark at the start is dropped.
- A file (or a FHIR attachment, or a note file) that starts with a UTF-16 byte-order mark
  (``FF FE`` or ``FE FF``, what Windows tools write for "Unicode") is read as UTF-16. The
  mark is unambiguous, so this never guesses.
- Anything else that is not valid UTF-8 (a Windows-1252 or Latin-1 export, binary bytes) is
  never guessed at and never patched with replacement characters: the record it spoils
  becomes an ``error`` record of kind ``invalid_utf8`` naming the byte position, and the
  other records are read as usual. Guessing could turn a note into different words, and
  replacement characters would change what the evidence quotes; the contract has no field
  that could say "this note was altered", so the record says so by being an error.
- Valid UTF-8 with control characters (NUL, form feeds) is a note like any other: it is
  assessed as received, so evidence offsets still point into exactly what was sent.
"""

from __future__ import annotations

import codecs
import io
from typing import IO

UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode_note(raw: bytes) -> str:
    """One note's bytes as text (see the module docstring); raises ``UnicodeDecodeError``."""
    if raw.startswith(UTF16_BOMS):
        # surrogatepass keeps an unpaired surrogate, which the UTF-8 check below refuses
        text = raw.decode("utf-16", errors="surrogatepass")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:  # an unpaired surrogate: no UTF-8 writer can echo it
            at = 2 + 2 * exc.start
            raise UnicodeDecodeError("utf-16", raw, at, at + 2, "unpaired surrogate") from None
        return text
    return raw.decode("utf-8-sig")


class _Utf16AsUtf8(io.RawIOBase):
    """A UTF-16 byte stream (after its BOM) re-encoded as UTF-8, read incrementally, so the
    line-based readers work on it unchanged. An unpaired surrogate goes through as bytes that
    are not UTF-8, so only its own record becomes an ``invalid_utf8`` error; a stream that
    ends in the middle of a character ends like a truncated gzip (``EOFError``)."""

    def __init__(self, inner: IO[bytes], encoding: str) -> None:
        self._inner = inner
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="surrogatepass")
        self._buffer = b""
        self._eof = False

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:  # type: ignore[override]
        while not self._buffer and not self._eof:
            chunk = self._inner.read(1 << 16)
            try:
                text = self._decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError:
                raise EOFError("the UTF-16 stream ends inside a character") from None
            self._eof = not chunk
            self._buffer = text.encode("utf-8", errors="surrogatepass")
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n

    def tell(self) -> int:  # the progress bar asks how far into the input we are
        return self._inner.tell()


def utf8_stream(handle: IO[bytes]) -> IO[bytes]:
    """``handle`` as a UTF-8 byte stream: as it is, or re-encoded if it starts with a UTF-16
    byte-order mark. A UTF-8 BOM stays (the readers drop it)."""
    buffered = handle if hasattr(handle, "peek") else io.BufferedReader(handle)  # type: ignore[arg-type]
    head = buffered.peek(2)[:2]  # type: ignore[attr-defined]
    if head == codecs.BOM_UTF16_LE:
        buffered.read(2)
        return io.BufferedReader(_Utf16AsUtf8(buffered, "utf-16-le"))  # type: ignore[return-value]
    if head == codecs.BOM_UTF16_BE:
        buffered.read(2)
        return io.BufferedReader(_Utf16AsUtf8(buffered, "utf-16-be"))  # type: ignore[return-value]
    return buffered  # type: ignore[return-value]
