"""What a validation run says: one Violation per result, in words a curator can act on.

Kept apart from the run itself (graph.validate) so that callers who only read or print a
report (the CLI, the HTTP API, the tests) need none of pySHACL's machinery.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib.term import Node


@dataclass(frozen=True)
class Violation:
    """One SHACL result, resolved to names and places a curator recognises."""

    focus: Node
    focus_label: str | None
    path: str | None
    value: str | None
    message: str
    severity: str
    shape: str
    location: str | None
    focus_name: str = ""

    def line(self) -> str:
        """One readable line: `file:line: node (label) path: message — value`."""
        parts = [f"{self.location}:" if self.location else "", self.focus_name or str(self.focus)]
        if self.focus_label:
            parts.append(f"({self.focus_label})")
        head = " ".join(p for p in parts if p)
        if self.path:
            head += f" {self.path}"
        body = self.message
        if self.severity != "Violation":
            body = f"[{self.severity}] {body}"
        if self.value and self.value not in self.message:
            body += f" — {self.value}"
        return f"{head}: {body}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "focus": str(self.focus),
            "focus_name": self.focus_name,
            "focus_label": self.focus_label,
            "path": self.path,
            "value": self.value,
            "message": self.message,
            "severity": self.severity,
            "shape": self.shape,
            "location": self.location,
        }


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of one validation run; `conforms` ignores warnings, as pySHACL does."""

    conforms: bool
    violations: tuple[Violation, ...]

    def count(self, severity: str) -> int:
        return sum(1 for v in self.violations if v.severity == severity)

    def summary(self) -> str:
        errors, warnings = self.count("Violation"), self.count("Warning")
        verdict = "符合 / conforms" if self.conforms else "不符合 / does not conform"
        counts = f"违规 {errors} 条、警告 {warnings} 条 / {errors} violations, {warnings} warnings"
        return f"{verdict}: {counts}"

    def text(self) -> str:
        return "\n".join([*(v.line() for v in self.violations), self.summary()])

    def to_dict(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "violations": self.count("Violation"),
            "warnings": self.count("Warning"),
            "results": [v.to_dict() for v in self.violations],
        }


def _sort_key(v: Violation) -> tuple[str, int, str, str]:
    where, line = (v.location or "~"), 0
    if v.location and ":" in v.location:
        head, _, tail = v.location.rpartition(":")
        if tail.isdigit():
            where, line = head, int(tail)
    return (where, line, v.focus_name, v.path or "")
