"""The pain-drawing answer as text: CSV (``/api/pain``, ``tpgraph pain --format csv``) and the CLI's table.

JSON is ``PainAnswer.as_json``; these flatten the same rows, so every front end shows the same fields: rank,
score, the muscle, the drawn regions covered (with intensity) and missed, support and sources, the notice.
"""

from __future__ import annotations

import csv
import io

from tpgraph.catalogue.pain_score import PainRow
from tpgraph.catalogue.pain_search import PainAnswer

CSV_COLUMNS = ("rank", "score", "muscle", "label", "kind", "viaGroup", "covers", "misses", "essentialOutside",
               "triggerPoint", "patternSource", "support", "sources", "minority", "notice")


def _covers(row: PainRow) -> str:
    return "; ".join(f"{m.region.label} ({m.intensity})" for m in row.best.matches)


def _flat(row: PainRow) -> dict[str, str]:
    return {
        "rank": str(row.rank), "score": f"{float(row.score):.4f}", "muscle": row.record.iri,
        "label": row.record.label, "kind": row.kind, "viaGroup": row.via_group.label if row.via_group else "",
        "covers": _covers(row), "misses": "; ".join(r.label for r in row.best.misses),
        "essentialOutside": "; ".join(r.label for r in row.best.essential_outside),
        "triggerPoint": row.best.trigger_point, "patternSource": row.best.source.label,
        "support": str(row.support), "sources": "; ".join(s.label for s in row.sources),
        "minority": "true" if row.minority else "false", "notice": "",
    }


def csv_text(answer: PainAnswer) -> str:
    """The rows as CSV (RFC 4180, CRLF line ends), in rank order; each row's notice column holds the notice."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in answer.rows:
        writer.writerow({**_flat(row), "notice": answer.notice})
    return out.getvalue()


def table_text(answer: PainAnswer) -> str:
    """The rows as the CLI prints them, then what was drawn and the notice as a footer."""
    headers = ("rank", "score", "muscle", "covers", "misses", "support")
    lines = [(str(r.rank), f"{float(r.score):.3f}",
              r.record.label + (f" (via {r.via_group.label})" if r.via_group else "")
              + (" [group]" if r.kind == "group" else "") + (" [minority]" if r.minority else ""),
              _covers(r), "; ".join(m.label for m in r.best.misses) or "-", str(r.support))
             for r in answer.rows]
    widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h) for i, h in enumerate(headers)]
    out = [" | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)),
           "-+-".join("-" * w for w in widths)]
    out += [" | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines]
    if not lines:
        out.append("(no muscle in the graph refers pain to these regions)")
    out.append("")
    out.append("drawn: " + ", ".join(r.label for r in answer.drawing))
    for phrase, regions in answer.read_as:
        out.append(f"'{phrase}' was read as: " + ", ".join(r.label for r in regions))
    out.append(answer.notice)
    return "\n".join(out) + "\n"
