"""Read a data file with libyaml (PyYAML's C parser) into ruamel's containers, line table included.

ruamel.yaml is the one YAML library whose round-trip mode keeps every key's and item's line, which is how the
loader reports ``file:line``; but it is pure Python, and at whole-body size it spent four fifths of a build
parsing. libyaml composes the same node tree with the same marks ten times faster. This module converts that
tree into ``CommentedMap``/``CommentedSeq`` with their ``lc`` tables filled exactly as ruamel fills them, and
resolves plain scalars by the YAML 1.2 core schema as ruamel does (``no`` and ``on`` stay strings, ``3-7`` is
not a number, an ISO date is a date).

It only takes the road it can reproduce exactly. Anything else — a syntax error, a duplicate key, an anchor,
alias, tag or merge key, a number written in a form beyond plain decimals — returns ``None``, and the caller
reads the file with ruamel, so the contributor sees ruamel's message and nothing changes in meaning.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # PyYAML built without libyaml: the caller falls back to ruamel for every file
    _Loader = None

# A tag (!), anchor (&), alias (*) or merge key (<<) at the start of a token: leave such files to ruamel.
_SPECIAL = re.compile(r"(?:^|[\s\[{,:?-])[!&*][^\s,\]}]|<<\s*:", re.MULTILINE)
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# Plain scalars that YAML 1.2 (as ruamel reads it) may give a type this module does not reproduce.
_UNSURE = re.compile(r"[-+]?(?:[0-9][0-9_:]*[0-9_:.eE+-]*|\.[0-9a-zA-Z]+|0[box][0-9a-fA-F_]+)|[0-9]{4}-[0-9]{1,2}-.*")


class _Unsure(Exception):
    """Raised inside the conversion when the file holds something only ruamel reads exactly."""


def read_fast(text: str) -> Any | None:
    """The document in ``text`` as ruamel's round-trip loader would give it, or ``None`` to use ruamel."""
    if _Loader is None or _SPECIAL.search(text):
        return None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    try:
        return _convert(node)
    except _Unsure:
        return None


def _convert(node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        seq = CommentedSeq()
        seq._yaml_set_line_col(node.start_mark.line, node.start_mark.column)
        for index, item in enumerate(node.value):
            seq.append(_convert(item))
            seq._yaml_set_idx_line_col(index, [item.start_mark.line, item.start_mark.column])
        return seq
    if isinstance(node, yaml.MappingNode):
        mapping = CommentedMap()
        mapping._yaml_set_line_col(node.start_mark.line, node.start_mark.column)
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Unsure
            key = _scalar(key_node)
            if key in mapping:
                raise _Unsure  # ruamel refuses a duplicate key with its own message
            mapping[key] = _convert(value_node)
            mapping._yaml_set_kv_line_col(key, [key_node.start_mark.line, key_node.start_mark.column,
                                                value_node.start_mark.line, value_node.start_mark.column])
        return mapping
    raise _Unsure


def _scalar(node: yaml.ScalarNode) -> Any:
    value = node.value
    if node.style:  # quoted or block scalars are strings (a plain scalar has no style)
        return value
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if _INT.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    date = _DATE.fullmatch(value)
    if date:
        try:
            return dt.date(int(date[1]), int(date[2]), int(date[3]))
        except ValueError:
            raise _Unsure from None
    if _UNSURE.fullmatch(value):
        raise _Unsure
    return value
