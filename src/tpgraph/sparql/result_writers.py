"""Write SELECT and ASK results in the four W3C SPARQL result formats from rows held in memory.

Why this exists: the SPARQL endpoint caps the number of rows it returns (and says so). pyoxigraph's
``QuerySolutions.serialize()`` always writes every row, and pyoxigraph offers no public way to build a
``QuerySolutions`` from a list, so the endpoint iterates at most cap+1 solutions and hands the rows it kept
to these writers.

They follow the W3C specifications and, where those leave a choice, pyoxigraph 0.5 byte for byte; the choices and
the deliberate differences are in docs/sparql-result-writers.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

import pyoxigraph as ox

__all__ = ["MEDIA_TYPES", "write_boolean", "write_select"]

MEDIA_TYPES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
"""Format name -> media type of the W3C SPARQL results format that name selects."""

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
"""An RDF term as pyoxigraph returns it in a query solution."""

_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_RDF_DIR_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"
_SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
_XML_PROLOGUE = f'<?xml version="1.0"?><sparql xmlns="{_SPARQL_RESULTS_NS}">'
_ITS_ATTRIBUTES = ' xmlns:its="http://www.w3.org/2005/11/its" its:version="2.0"'

# Characters outside XML 1.0's Char production (section 2.2). Lone surrogates cannot occur: pyoxigraph
# terms hold valid Unicode only.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\r": "&#13;"}
)
_TSV_ESCAPES = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r", '"': '\\"', "\\": "\\\\"})

# Turtle's bare numeric and boolean tokens (Turtle grammar rules [19]-[21]); pyoxigraph's TSV writer uses
# the bare form exactly when the lexical form matches the token of the literal's datatype.
_TURTLE_INTEGER = re.compile(r"[+-]?[0-9]+")
_TURTLE_DECIMAL = re.compile(r"[+-]?[0-9]*\.[0-9]+")
_TURTLE_DOUBLE = re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+")
_TURTLE_BARE = {
    _XSD + "integer": _TURTLE_INTEGER,
    _XSD + "decimal": _TURTLE_DECIMAL,
    _XSD + "double": _TURTLE_DOUBLE,
    _XSD + "boolean": re.compile("true|false"),
}


def write_select(
    variables: Sequence[str | ox.Variable],
    rows: Iterable[Sequence[Term | None]],
    fmt: str,
) -> bytes:
    """Serialise SELECT results: ``variables`` in projection order, one sequence of terms per row.

    Each row holds one term, or None for an unbound variable, per variable, in the same order (a tuple, a
    list, or a pyoxigraph ``QuerySolution``). Variable names come without ``?``; pyoxigraph ``Variable``
    objects are accepted too. ``fmt`` is a key of ``MEDIA_TYPES``.

    Raises ValueError for an unknown format, an invalid or repeated variable name, a row of the wrong
    length, or (XML only) a value XML 1.0 cannot hold; TypeError for something that is not an RDF term.
    """
    names = _variable_names(variables)
    writer = _SELECT_WRITERS.get(fmt)
    if writer is None:
        raise ValueError(f"unknown SPARQL results format {fmt!r}; expected one of {sorted(MEDIA_TYPES)}")
    return writer(names, _checked_rows(names, rows)).encode("utf-8")


def write_boolean(value: bool, fmt: str) -> bytes:
    """Serialise an ASK result as JSON or XML.

    CSV and TSV raise ValueError: the CSV/TSV results specification defines those formats for SELECT only,
    so there is no standard way to write a boolean in them (the endpoint should answer 406).
    """
    word = "true" if value else "false"
    if fmt == "json":
        return f'{{"head":{{}},"boolean":{word}}}'.encode()
    if fmt == "xml":
        return f"{_XML_PROLOGUE}<head></head><boolean>{word}</boolean></sparql>".encode()
    if fmt in MEDIA_TYPES:
        raise ValueError(f"the SPARQL {fmt.upper()} results format has no form for a boolean (ASK) result")
    raise ValueError(f"unknown SPARQL results format {fmt!r}; expected one of {sorted(MEDIA_TYPES)}")


# --- shared -------------------------------------------------------------------------------------------------


def _variable_names(variables: Sequence[str | ox.Variable]) -> list[str]:
    """Names as plain strings, checked against SPARQL's VARNAME so they are safe in every format."""
    names: list[str] = []
    for variable in variables:
        name = variable.value if isinstance(variable, ox.Variable) else variable
        if not isinstance(name, str):
            raise TypeError(f"a variable name must be a str, not {type(name).__name__}")
        try:
            ox.Variable(name)
        except ValueError as err:
            raise ValueError(f"invalid SPARQL variable name {name!r} (give it without '?')") from err
        if name in names:
            raise ValueError(f"variable {name!r} appears twice")
        names.append(name)
    return names


def _checked_rows(names: list[str], rows: Iterable[Sequence[Term | None]]) -> Iterable[Sequence[Term | None]]:
    """Yield the rows, refusing any whose length does not match the variables (it would shift columns)."""
    for index, row in enumerate(rows):
        if len(row) != len(names):
            raise ValueError(f"row {index} has {len(row)} values for {len(names)} variables")
        yield row


def _unsupported(term: object) -> TypeError:
    return TypeError(f"not an RDF term: {term!r} ({type(term).__name__})")


def _direction(literal: ox.Literal) -> str | None:
    """The base direction as ``"ltr"``/``"rtl"``, or None (also on a pyoxigraph without directions)."""
    direction = getattr(literal, "direction", None)
    if direction is None:
        return None
    return "rtl" if direction == ox.BaseDirection.RTL else "ltr"


def _plain_datatype(literal: ox.Literal) -> str | None:
    """The datatype IRI to write, or None for the datatypes the formats leave implicit."""
    datatype = literal.datatype.value
    if literal.language is not None or datatype in (_XSD_STRING, _RDF_LANG_STRING, _RDF_DIR_LANG_STRING):
        return None
    return datatype


# --- JSON ---------------------------------------------------------------------------------------------------


def _json_string(value: str) -> str:
    # ensure_ascii=False escapes exactly what pyoxigraph escapes: '"', '\\' and U+0000-U+001F (short forms
    # \b \f \n \r \t where JSON has them, \u00xx in lower case otherwise).
    return json.dumps(value, ensure_ascii=False)


def _json_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f'{{"type":"uri","value":{_json_string(term.value)}}}'
    if isinstance(term, ox.BlankNode):
        return f'{{"type":"bnode","value":{_json_string(term.value)}}}'
    if isinstance(term, ox.Literal):
        out = f'{{"type":"literal","value":{_json_string(term.value)}'
        if term.language is not None:
            out += f',"xml:lang":{_json_string(term.language)}'
            direction = _direction(term)
            if direction is not None:
                out += f',"its:dir":"{direction}"'
        else:
            datatype = _plain_datatype(term)
            if datatype is not None:
                out += f',"datatype":{_json_string(datatype)}'
        return out + "}"
    if isinstance(term, ox.Triple):
        return (
            '{"type":"triple","value":{'
            f'"subject":{_json_term(term.subject)},'
            f'"predicate":{_json_term(term.predicate)},'
            f'"object":{_json_term(term.object)}}}}}'
        )
    raise _unsupported(term)


def _write_json(names: list[str], rows: Iterable[Sequence[Term | None]]) -> str:
    keys = [_json_string(name) for name in names]
    bindings = []
    for row in rows:
        pairs = [f"{key}:{_json_term(term)}" for key, term in zip(keys, row) if term is not None]
        bindings.append("{" + ",".join(pairs) + "}")
    return f'{{"head":{{"vars":[{",".join(keys)}]}},"results":{{"bindings":[{",".join(bindings)}]}}}}'


# --- XML ----------------------------------------------------------------------------------------------------


def _xml_text(value: str) -> str:
    """Escape for element content and double-quoted attributes; refuse what XML 1.0 cannot carry."""
    bad = _XML_FORBIDDEN.search(value)
    if bad is not None:
        raise ValueError(
            f"U+{ord(bad.group()):04X} cannot be written in XML 1.0 (in {value!r}); ask for JSON or TSV"
        )
    return value.translate(_XML_ESCAPES)


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language is not None:
            attributes = f' xml:lang="{_xml_text(term.language)}"'
            direction = _direction(term)
            if direction is not None:
                attributes += f' its:dir="{direction}"{_ITS_ATTRIBUTES}'
        else:
            datatype = _plain_datatype(term)
            attributes = "" if datatype is None else f' datatype="{_xml_text(datatype)}"'
        return f"<literal{attributes}>{_xml_text(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject>"
            f"<predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>"
        )
    raise _unsupported(term)


def _write_xml(names: list[str], rows: Iterable[Sequence[Term | None]]) -> str:
    parts = [_XML_PROLOGUE, "<head>"]
    parts += [f'<variable name="{name}"/>' for name in names]
    parts.append("</head><results>")
    for row in rows:
        parts.append("<result>")
        for name, term in zip(names, row):
            if term is not None:
                parts.append(f'<binding name="{name}">{_xml_term(term)}</binding>')
        parts.append("</result>")
    parts.append("</results></sparql>")
    return "".join(parts)


# --- CSV ----------------------------------------------------------------------------------------------------


def _csv_value(term: Term) -> str:
    """The plain, unescaped value: IRI as is, a literal's lexical form, ``_:label``, ``s p o``."""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.Triple):
        return f"{_csv_value(term.subject)} {_csv_value(term.predicate)} {_csv_value(term.object)}"
    raise _unsupported(term)


def _csv_field(value: str) -> str:
    # RFC 4180 as the spec applies it: quote only when needed, doubling quotes inside (pyoxigraph's choice).
    if any(c in value for c in '",\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _write_csv(names: list[str], rows: Iterable[Sequence[Term | None]]) -> str:
    lines = [",".join(names)]
    for row in rows:
        lines.append(",".join("" if term is None else _csv_field(_csv_value(term)) for term in row))
    return "".join(line + "\r\n" for line in lines)


# --- TSV ----------------------------------------------------------------------------------------------------


def _tsv_string(value: str) -> str:
    return '"' + value.translate(_TSV_ESCAPES) + '"'


def _tsv_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        if term.language is not None:
            direction = _direction(term)
            suffix = "" if direction is None else f"--{direction}"
            return f"{_tsv_string(term.value)}@{term.language}{suffix}"
        datatype = term.datatype.value
        bare = _TURTLE_BARE.get(datatype)
        if bare is not None and bare.fullmatch(term.value):
            return term.value
        if datatype == _XSD_STRING:
            return _tsv_string(term.value)
        return f"{_tsv_string(term.value)}^^<{datatype}>"
    if isinstance(term, ox.Triple):
        return f"<<( {_tsv_term(term.subject)} {_tsv_term(term.predicate)} {_tsv_term(term.object)} )>>"
    raise _unsupported(term)


def _write_tsv(names: list[str], rows: Iterable[Sequence[Term | None]]) -> str:
    lines = ["\t".join(f"?{name}" for name in names)]
    for row in rows:
        lines.append("\t".join("" if term is None else _tsv_term(term) for term in row))
    return "".join(line + "\n" for line in lines)


_SELECT_WRITERS = {"json": _write_json, "xml": _write_xml, "csv": _write_csv, "tsv": _write_tsv}
