"""A cheap lexical pre-scan run on every query *before* it reaches the SPARQL parser.

Why: tpgraph answers public queries with pyoxigraph, and neither pyoxigraph nor rdflib can interrupt a running
query. Worse, pyoxigraph's parser and planner crash the whole process (stack overflow) or stall on small hostile
inputs: a few thousand nested ``{``, ``[`` or ``(``, long chains of ``!`` or ``+``, thousands of ``UNION``
branches, hundreds of triple patterns (planning alone takes seconds). ``SERVICE`` really connects out to the
network. So every query text goes through :func:`prescan` first, which refuses those shapes with an HTTP status
and a message a stranger can act on, in time linear in the text and without recursion.

The scan is lexical and conservative; the places where its reading needs care are in docs/sparql-prescan.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Limits", "QueryRefused", "ScanResult", "is_update", "prescan"]


@dataclass(frozen=True)
class Limits:
    """What :func:`prescan` accepts. The defaults leave ordinary hand-written queries far from every limit.

    ``max_triple_patterns`` bounds a cheap over-estimate, not an exact count: every statement separator
    (``.``, ``;``, ``,``) directly inside ``{ }`` or ``[ ]``, plus one per ``{ }`` group (so long chains of
    ``OPTIONAL``/``MINUS``/sub-groups count too), plus one per ``[ ]`` blank node, plus one per property-path
    ``/`` or ``|`` in a pattern, plus two per element of a collection ``( ... )`` in a pattern (RDF lists
    expand to two triples per element). ``?s ?p ?o . ?s ?q ?r .`` counts 3, close to the real 2.

    ``max_values`` bounds the number of terms written inside ``VALUES`` blocks, which pyoxigraph
    materialises in full.
    """

    max_length: int = 16 * 1024
    max_depth: int = 64
    max_operators: int = 500
    max_unions: int = 64
    max_triple_patterns: int = 128
    max_values: int = 2000


class QueryRefused(Exception):
    """The query is not passed on to the parser. ``status`` is the HTTP status to answer (400 for a query too
    big or deep or not a query at all, 403 for what this read-only, offline endpoint never does: updates,
    ``SERVICE``, ``LOAD``); ``message`` says, for a stranger, what was refused and, for a limit, its value."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def __repr__(self) -> str:
        return f"QueryRefused({self.status}, {self.message!r})"


@dataclass(frozen=True)
class ScanResult:
    """What the scan saw in an accepted query: its form and the measures the limits were checked against."""

    form: str
    depth: int
    operators: int
    unions: int
    triple_patterns: int
    dataset_clause: bool = False  # FROM or FROM NAMED: the query names its own dataset


_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
_PROLOGUE = ("PREFIX", "BASE")

_MSG_EMPTY = "empty query"
_MSG_NOT_QUERY = "not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE"
_MSG_UPDATE = "SPARQL Update is not allowed: this endpoint is read-only"
_MSG_SERVICE = "SERVICE is not allowed: this endpoint does not query other endpoints"
_MSG_LOAD = "LOAD is not allowed: this endpoint is read-only"

# Token kinds: the group numbers of the master pattern below (faster to dispatch on than group names), in the
# order the alternatives are tried. Frequent one-character tokens come first; where two alternatives can start
# alike, the longer comes first: a variable before '?', an IRI before '<<' before '<', a long string before a
# short one, a prefixed name before a bare word.
(
    _LPAREN,
    _LBRACE,
    _LBRACKET,
    _CLOSE,
    _SEP,
    _VAR,
    _NUM,
    _IRI,
    _LTLT,
    _GTGT,
    _OP,
    _LONG,
    _SHORT,
    _PNAME,
    _WORD,
    _LANG,
    _END,
    _OTHER,
) = range(1, 19)


@lru_cache(maxsize=1)
def _master() -> re.Pattern[str]:
    """The tokenizer: one pattern that, at any position, skips blanks and comments then matches one token.

    Every repetition is possessive, so no match ever backtracks: the scan is linear in the text. The last two
    alternatives always match, so ``finditer`` walks the whole text token by token, without gaps. Character
    classes follow the SPARQL 1.1 grammar (PN_CHARS_BASE and friends). Built on first use, not at import.
    """
    base = (
        "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f"
        "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
    )
    chars_u = base + "_"  # PN_CHARS_U
    extra = "\u00b7\u0300-\u036f\u203f-\u2040"
    chars = chars_u + r"\-0-9" + extra  # PN_CHARS
    plx = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"  # PLX: percent-encoding or PN_LOCAL_ESC
    prefix = rf"[{chars_u}](?:[{chars}]|\.++(?=[{chars}]))*+"  # dots inside, not at the end
    local = rf"(?:[{chars_u}:0-9]|{plx})(?:[{chars}:]|{plx}|\.++(?=[{chars}:%\\]))*+"
    # Characters that cannot start a token are skipped like blanks (pyoxigraph rejects them anyway).
    junk = rf"[^{chars_u}0-9?$<>'\"(){{}}\[\].,;:!&|+\-*/=^@#]"
    skip = rf"(?:[ \t\r\n]++|#[^\r\n]*+|{junk}++)*+"
    uchar = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
    alternatives = (
        r"(\()",  # _LPAREN
        r"(\{)",  # _LBRACE
        r"(\[)",  # _LBRACKET
        r"([)}\]])",  # _CLOSE
        r"([.;,])",  # _SEP
        rf"([?$][{chars_u}0-9][{chars_u}0-9{extra}]*+)",  # _VAR
        r"([0-9]++)",  # _NUM: digits only; a '.' is always scanned on its own (see the module docstring)
        rf"(<(?:[^<>\"{{}}|^`\\\x00-\x20]|{uchar})*+>)",  # _IRI
        r"(<(?=<))",  # _LTLT: the first '<' of '<<'; the second is scanned again, as it may start an IRI
        r"(>>)",  # _GTGT
        r"(&&|\|\||!=|<=|>=|\^\^|[!&|+\-*/=<>^?])",  # _OP
        (  # _LONG, possibly unterminated
            r"('''(?:[^'\\]++|\\[\s\S]?|'(?!''))*+(?:'''|\Z)"
            r'|"""(?:[^"\\]++|\\[\s\S]?|"(?!""))*+(?:"""|\Z))'
        ),
        r"""('(?:[^'\\\r\n]++|\\[^\r\n]?)*+'?|"(?:[^"\\\r\n]++|\\[^\r\n]?)*+"?)""",  # _SHORT, idem
        rf"((?:{prefix})?:(?:{local})?)",  # _PNAME: the prefix part may be empty, the local part too
        rf"([{chars_u}][{chars}.]*+)",  # _WORD: keywords, function names, true, false, a; or a glued run
        r"(@[a-zA-Z]++(?:-[a-zA-Z0-9]++)*+)",  # _LANG
        r"(\Z)",  # _END
        r"([\s\S])",  # _OTHER
    )
    return re.compile(skip + "(?:" + "|".join(alternatives) + ")")


_OPERAND_KINDS = frozenset((_IRI, _LONG, _SHORT, _VAR, _PNAME, _WORD, _NUM, _LANG, _CLOSE))
_VALUES_HEAD = frozenset((_VAR, _LPAREN, _LBRACE, _CLOSE))  # what may follow VALUES before its block
_PLAIN_TERMS = frozenset((_VAR, _NUM, _LONG, _SHORT))  # terms with no other role
# Kinds of the open brackets on the scan's stack, innermost last: '{' group, '[' blank node,
# '(' expression or other parenthesis, 'C' collection in a pattern, 'V' VALUES block, 'v' VALUES row,
# '<' triple term '<<'.
_PARENS = frozenset("(Cv")  # where '<' right after a term may be a less-than
_PATTERN = frozenset("{[")  # where triple patterns are written
_PATTERN_OR_LIST = frozenset("{[C")  # where a path '/' or '|' is part of a triple pattern
_ELEMENTS = frozenset("CVv")  # where each term counts: 2 triples in a collection, 1 value in VALUES


def _decide(key: str) -> str | None:
    """The query form a top-level word starts, ``"UPDATE"`` for an update keyword, or None for neither."""
    for form in _FORMS:
        if key.startswith(form):
            return form
    for keyword in _UPDATES:
        if key.startswith(keyword):
            return "UPDATE"
    return None


def _word_key(upper: str) -> str:
    """The keyword-ish head of an upper-cased bare word: ``SELECT`` in ``SELECT.X`` or ``SELECT-X``."""
    for sep in ".-":
        at = upper.find(sep)
        if at >= 0:
            upper = upper[:at]
    return upper


def _prefix_head(pname: str) -> str:
    """The upper-cased prefix part of a prefixed name: ``EX`` in ``ex:a``, ``""`` in ``:a``."""
    return pname[: pname.find(":")].upper()


def is_update(text: str) -> bool:
    """True when ``text`` is a SPARQL Update request: its first keyword after the prologue (``BASE`` and
    ``PREFIX`` declarations) is INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, COPY, MOVE, ADD or WITH.

    Like pyoxigraph, keywords are matched case-insensitively and need no separator after them
    (``INSERTDATA{...}``; ``LOAD:x`` is LOAD then ``:x``), so the first word *starting with* an update
    keyword counts. Strings, comments, IRIs and variables are skipped.
    """
    declaring = False  # right after PREFIX: the next prefixed name is the one being declared
    for m in _master().finditer(text):
        kind = m.lastindex
        if kind == _WORD:
            key = _word_key(m.group(kind).upper())
            if key.startswith(_PROLOGUE):
                declaring = key.startswith("PREFIX")
                continue
            return _decide(key) == "UPDATE"
        if kind == _PNAME:
            if not declaring:
                head = _prefix_head(m.group(kind))
                if not head.startswith(_PROLOGUE) and _decide(head) == "UPDATE":
                    return True
        elif kind == _END:
            break
        declaring = False
    return False


def prescan(text: str, limits: Limits = Limits()) -> ScanResult:
    """Check ``text`` lexically before it is parsed; return what was measured or raise :class:`QueryRefused`.

    Refused with 403: SPARQL Update, ``SERVICE`` anywhere, ``LOAD``. Refused with 400: an empty text, a text
    that is not a query (no SELECT, ASK, CONSTRUCT or DESCRIBE first after the prologue), and any of
    :class:`Limits` exceeded. One linear pass, no recursion; the first problem met is the one reported.
    """
    if len(text) > limits.max_length:
        raise QueryRefused(400, f"query is longer than {limits.max_length} characters")

    max_depth = limits.max_depth
    max_operators = limits.max_operators
    max_unions = limits.max_unions
    max_triples = limits.max_triple_patterns
    max_values = limits.max_values
    too_deep = f"query nesting is deeper than {max_depth} levels"
    too_many_operators = f"query has more than {max_operators} operators"
    too_many_triples = f"query has more than {max_triples} triple patterns and groups"
    too_many_values = f"query has more than {max_values} values in VALUES blocks"

    stack: list[str] = []  # kinds of the open brackets, innermost last (see _PARENS above)
    push = stack.append
    pop = stack.pop
    top = ""  # stack[-1], or "" at top level
    depth = deepest = operators = unions = triples = values = 0
    form: str | None = None
    values_pending = False  # after the VALUES keyword, until its block opens
    dataset_clause = False
    declaring = False  # right after PREFIX: the next prefixed name is the one being declared
    prev = 0  # kind of the previous token

    for m in _master().finditer(text):
        kind = m.lastindex
        if values_pending and kind not in _VALUES_HEAD:
            values_pending = False

        if kind == _CLOSE:
            if depth:
                pop()
                depth -= 1
                top = stack[-1] if depth else ""
        elif kind == _LPAREN or kind == _LBRACE or kind == _LBRACKET:
            if top == "C":
                triples += 2  # a nested list or blank node is an element of the enclosing list
            if kind == _LBRACE:
                if values_pending:
                    top = "V"
                    values_pending = False
                else:
                    top = "{"
                    triples += 1
            elif kind == _LBRACKET:
                top = "["
                triples += 1
            elif top == "C" or (top in _PATTERN and prev != _WORD):
                top = "C"  # a collection (or a call to a function named by an IRI: over-counted, harmless)
            elif top == "V":
                top = "v"
            else:
                top = "("
            push(top)
            depth += 1
            if depth > deepest:
                deepest = depth
                if depth > max_depth:
                    raise QueryRefused(400, too_deep)
            if triples > max_triples:
                raise QueryRefused(400, too_many_triples)
        elif kind == _SEP:
            if top in _PATTERN:
                triples += 1
                if triples > max_triples:
                    raise QueryRefused(400, too_many_triples)
        elif kind in _PLAIN_TERMS:
            if top in _ELEMENTS:
                if top == "C":
                    triples += 2
                    if triples > max_triples:
                        raise QueryRefused(400, too_many_triples)
                else:
                    values += 1
                    if values > max_values:
                        raise QueryRefused(400, too_many_values)
        elif kind == _OP:
            operators += 1
            if operators > max_operators:
                raise QueryRefused(400, too_many_operators)
            if top in _PATTERN_OR_LIST and m.group(kind) in ("/", "|"):
                triples += 1
                if triples > max_triples:
                    raise QueryRefused(400, too_many_triples)
        elif kind == _END:
            break
        elif kind == _WORD or kind == _PNAME or kind == _IRI:
            if kind == _WORD:
                word = m.group(kind)
                upper = word.upper()
                if "SERVICE" in upper:
                    raise QueryRefused(403, _MSG_SERVICE)
                if "LOAD" in upper:
                    raise QueryRefused(403, _MSG_LOAD)
                if "UNION" in upper:
                    unions += upper.count("UNION")
                    if unions > max_unions:
                        raise QueryRefused(400, f"query has more than {max_unions} UNION keywords")
                key = upper
                if "." in word or "-" in word:
                    # A glued run such as 'true.' or 'a-b': the parser reads separators and minus signs in it.
                    if top in _PATTERN:
                        triples += word.count(".")
                    operators += word.count("-")
                    key = _word_key(upper)
                declaring = False
                if key == "IN" or key.startswith("NOT"):
                    operators += 1
                elif key == "VALUES":
                    values_pending = True
                elif key == "FROM" and not depth:
                    dataset_clause = True
                elif key.startswith(_PROLOGUE):
                    declaring = key.startswith("PREFIX")
                elif form is None and not depth:
                    form = _decide(key)
                    if form == "UPDATE":
                        raise QueryRefused(403, _MSG_UPDATE)
                    if form is None:
                        raise QueryRefused(400, _MSG_NOT_QUERY)
            elif kind == _PNAME:
                head = _prefix_head(m.group(kind))
                if "SERVICE" in head:
                    raise QueryRefused(403, _MSG_SERVICE)
                if (
                    form is None
                    and not depth
                    and not declaring
                    and not head.startswith(_PROLOGUE)
                    and _decide(head) == "UPDATE"
                ):
                    raise QueryRefused(403, _MSG_UPDATE)  # 'LOAD:x' is LOAD then ':x'
                declaring = False
            elif top in _PARENS and prev in _OPERAND_KINDS:
                # An IRI right after a term inside parentheses: or a less-than? (see the module docstring)
                inner = m.group(kind)[1:-1]
                if "(" in inner or ")" in inner or "[" in inner or "]" in inner:
                    raise QueryRefused(
                        400,
                        f"cannot tell whether '<' at character {m.start(kind) + 1} starts an IRI or compares "
                        "two values: put a space after '<' when it means less-than",
                    )
                operators += 1 + sum(inner.count(op) for op in "!&|+-*/=")
            if top in _ELEMENTS:
                if top == "C":
                    triples += 2
                else:
                    values += 1
            if operators > max_operators:
                raise QueryRefused(400, too_many_operators)
            if triples > max_triples:
                raise QueryRefused(400, too_many_triples)
            if values > max_values:
                raise QueryRefused(400, too_many_values)
        elif kind == _LTLT:
            push("<")
            top = "<"
            depth += 1
            if depth > deepest:
                deepest = depth
                if depth > max_depth:
                    raise QueryRefused(400, too_deep)
        elif kind == _GTGT:
            if top == "<":
                pop()
                depth -= 1
                top = stack[-1] if depth else ""
            else:
                operators += 2
                if operators > max_operators:
                    raise QueryRefused(400, too_many_operators)
        # _LANG and _OTHER: nothing to count.
        prev = kind

    if form is None:
        if _master().match(text).lastindex == _END:  # nothing but blanks and comments
            raise QueryRefused(400, _MSG_EMPTY)
        raise QueryRefused(400, _MSG_NOT_QUERY)
    return ScanResult(form=form, depth=deepest, operators=operators, unions=unions, triple_patterns=triples,
                      dataset_clause=dataset_clause)
