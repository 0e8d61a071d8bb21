"""Any console: output the console cannot encode must never stop the tool.

Bureau staff run the tool in Windows consoles set to GBK/cp936, CI runners often have cp1252 or
ASCII, and output may go to a pipe or a file in any of those encodings. `protect_streams()` makes
stdout and stderr replace what they cannot encode instead of raising `UnicodeEncodeError` (the
stream's encoding is kept: a GBK console still gets GBK). Reports written with `--output`,
`--html` … are files in UTF-8 and never depend on the console.

`shows_chinese(stream)` tells whether a stream can encode Chinese text, so the CLI can say once
that the terminal report will not be readable there and what to do instead, and can choose
English for the one line that explains an exit code.
"""

from __future__ import annotations

import codecs
import sys
from typing import TextIO

SAMPLE = "信用交通县得分"  # characters every Chinese-capable encoding has


def protect_streams() -> None:
    """Make stdout and stderr replace unencodable characters (stdout with "?", stderr with
    backslash escapes, Python's own default for stderr) instead of raising."""
    for stream, errors in ((sys.stdout, "replace"), (sys.stderr, "backslashreplace")):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None or getattr(stream, "errors", None) in ("replace", "backslashreplace"):
            continue
        try:
            reconfigure(errors=errors)
        except (OSError, ValueError):  # a closed or exotic stream: leave it alone
            continue


def encoding_of(stream: TextIO | None) -> str:
    """The stream's encoding, normalised ("cp1252", "gbk", "utf-8"); "utf-8" when unknown."""
    name = getattr(stream, "encoding", None) or "utf-8"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


def can_encode(text: str, stream: TextIO | None) -> bool:
    try:
        text.encode(encoding_of(stream))
    except UnicodeEncodeError:
        return False
    return True


def shows_chinese(stream: TextIO | None = None) -> bool:
    """Whether `stream` (default stdout) can carry Chinese text."""
    return can_encode(SAMPLE, sys.stdout if stream is None else stream)


def pick(zh: str, en: str, stream: TextIO | None = None) -> str:
    """`zh` when the stream can show it, else `en`."""
    return zh if can_encode(zh, sys.stdout if stream is None else stream) else en


NO_CHINESE_HINT = ("this console cannot show Chinese text ({encoding}); "
                   "use --lang en, or write the report to a file with --output/--html (files are UTF-8)")

# Stand-ins for characters a narrow console encoding (cp1252, ASCII) lacks: table borders,
# arrows and punctuation, so an English report stays readable there.
_FALLBACK = {
    **dict.fromkeys("─━═┄┅╌╍", "-"), **dict.fromkeys("│┃║┆┇╎╏", "|"),
    **dict.fromkeys("┌┍┎┏┐┑┒┓└┕┖┗┘┙┚┛├┝┞┟┠┡┢┣┤┥┦┧┨┩┪┫┬┭┮┯┰┱┲┳┴┵┶┷┸┹┺┻┼┽┾┿╀╁╂╃╄╅╆╇╈╉╊╋"
                    "╒╓╔╕╖╗╘╙╚╛╜╝╞╟╠╡╢╣╤╥╦╧╨╩╪╫╬╭╮╯╰", "+"),
    "→": "->", "←": "<-", "—": "-", "–": "-", "…": "...", "·": ".", "×": "x", "✓": "v", "✗": "x",
    "“": '"', "”": '"', "‘": "'", "’": "'", "：": ":", "，": ",", "（": "(", "）": ")", "；": ";",
    "\u3000": " ",
}


def fit(text: str, stream: TextIO | None = None) -> str:
    """`text` with the characters the stream cannot encode replaced by ASCII stand-ins where one
    exists (the rest are left for the stream's "replace" handler)."""
    target = sys.stdout if stream is None else stream
    if can_encode(text, target):
        return text
    encoding = encoding_of(target)
    table: dict[int, str] = {}
    for char in set(text):
        if char in _FALLBACK:
            try:
                char.encode(encoding)
            except UnicodeEncodeError:
                table[ord(char)] = _FALLBACK[char]
    return text.translate(table)
