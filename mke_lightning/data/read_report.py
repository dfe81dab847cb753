"""``ReadReport``: what a read of edit cases kept and what it skipped, per language, and the read policies.

Every skip a policy allows is counted here with its first message, and :meth:`ReadReport.summary` is the line
that is logged after each read; :class:`EmptyReadError` carries the report of a read that kept nothing (or nothing
of a requested language), with :meth:`ReadReport.why_nothing_kept` / :meth:`ReadReport.why_language_not_kept`
as its message. The policies themselves are applied by :mod:`mke_lightning.data.reading`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from mke_lightning.data.schema import DatasetFormatError, InvalidView

SubjectPolicy = Literal["error", "skip", "keep"]
LanguagePolicy = Literal["error", "skip", "keep"]
InvalidPolicy = Literal["error", "skip"]
DuplicatePolicy = Literal["error", "skip"]


def check_policy(name: str, value: Any, allowed: Sequence[str]) -> None:
    """Raise ``ValueError`` naming the option ``name`` when ``value`` is none of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{name} must be {', '.join(repr(a) for a in allowed[:-1])} or {allowed[-1]!r}, got {value!r}")


class SkippedRecord:
    """Placeholder a reader leaves where it skipped a malformed record, so later records keep their index."""

    def __repr__(self) -> str:
        return "SKIPPED_RECORD"


#: The one :class:`SkippedRecord` (already counted by :meth:`ReadReport.skip_invalid`; the read passes over it).
SKIPPED_RECORD = SkippedRecord()


class EmptyReadError(DatasetFormatError):
    """A read that kept no case, or no view of a requested language; ``report`` says what was skipped."""

    def __init__(self, message: str, report: ReadReport):
        super().__init__(message, file=report.source)
        self.report = report


def _first(messages: Sequence[str]) -> str:
    return f" (first: {messages[0]})" if messages else ""


@dataclass
class ReadReport:
    """What a read kept and what it skipped, per language.

    ``views_in_file`` counts well-formed views per language before the ``languages`` filter; ``views_total`` those
    of the requested languages; ``views_kept`` those kept, which is also the number of kept cases per language
    (:meth:`cases_per_language`). ``invalid_records`` holds the message of each record skipped as malformed,
    ``invalid_views``/``first_invalid_view`` the views skipped as malformed per language, ``duplicate_cases`` the
    message of each record skipped for repeating a ``case_id``.
    """

    source: str
    cases_read: int = 0
    cases_kept: int = 0
    views_in_file: Counter = field(default_factory=Counter)
    views_total: Counter = field(default_factory=Counter)
    views_kept: Counter = field(default_factory=Counter)
    subject_missing: Counter = field(default_factory=Counter)
    cases_without_views: int = 0
    language_missing: Counter = field(default_factory=Counter)
    cases_missing_language: int = 0
    cases_skipped_for_language: int = 0
    notes: Counter = field(default_factory=Counter)
    on_invalid_record: InvalidPolicy = "error"
    invalid_records: list[str] = field(default_factory=list)
    invalid_views: Counter = field(default_factory=Counter)
    first_invalid_view: dict[str, str] = field(default_factory=dict)
    duplicate_cases: list[str] = field(default_factory=list)
    requested_languages: list[str] | None = None

    def __post_init__(self) -> None:
        check_policy("on_invalid_record", self.on_invalid_record, ("error", "skip"))

    def skip_invalid(self, error: DatasetFormatError) -> None:
        """Count (and keep the message of) a malformed record, or raise it when the policy is ``error``."""
        if self.on_invalid_record != "skip":
            raise error
        self.cases_read += 1
        self.invalid_records.append(str(error))

    def skip_invalid_view(self, error: DatasetFormatError) -> InvalidView:
        """For a reader: raise ``error`` (policy ``error``), or return the marker to put in place of the view; the
        read counts it per language."""
        if self.on_invalid_record != "skip":
            raise error
        return InvalidView(error)

    def count_invalid_view(self, lang: str, error: DatasetFormatError) -> None:
        self.invalid_views[lang] += 1
        self.first_invalid_view.setdefault(lang, str(error))

    def cases_per_language(self) -> dict[str, int]:
        """Cases kept per language (a kept case counts in each of its languages), sorted by language."""
        return {lang: self.views_kept[lang] for lang in sorted(self.views_kept)}

    def subject_located_share(self, lang: str) -> float:
        """Share of ``lang``'s well-formed views whose subject occurs verbatim in the prompt."""
        total = self.views_total[lang]
        return (total - self.subject_missing[lang]) / total if total else float("nan")

    @property
    def anything_skipped(self) -> bool:
        return bool(self.subject_missing or self.cases_without_views or self.cases_missing_language
                    or self.invalid_records or self.invalid_views or self.duplicate_cases)

    def summary(self) -> str:
        langs = sorted(set(self.views_total) | set(self.requested_languages or ()))
        per_lang = ", ".join(f"{lang} {self.views_kept[lang]}/{self.views_total[lang]}" for lang in langs)
        text = (f"{self.source}: kept {self.cases_kept}/{self.cases_read} cases; cases per language (kept/views "
                f"read): {per_lang or 'none'}; subject not in prompt: {dict(self.subject_missing) or 0}; "
                f"cases left without any view: {self.cases_without_views}")
        if self.cases_missing_language:
            text += (f"; cases lacking a requested language: {self.cases_missing_language} "
                     f"({dict(self.language_missing)}), of which skipped: {self.cases_skipped_for_language}")
        if self.invalid_records:
            text += f"; malformed records skipped: {len(self.invalid_records)}{_first(self.invalid_records)}"
        if self.invalid_views:
            first = next(iter(self.first_invalid_view.values()))
            text += f"; malformed views skipped: {dict(self.invalid_views)} (first: {first})"
        if self.duplicate_cases:
            text += f"; repeated case_ids skipped: {len(self.duplicate_cases)}{_first(self.duplicate_cases)}"
        if self.notes:
            text += f"; reader notes: {dict(self.notes)}"
        return text

    def why_nothing_kept(self) -> str:
        """Why the read kept no case, from the counts ("0 of 1031 records kept: 1031 malformed (first: ...)")."""
        if not self.cases_read:
            return "no records"
        reasons = []
        if self.invalid_records:
            reasons.append(f"{len(self.invalid_records)} malformed{_first(self.invalid_records)}")
        if self.duplicate_cases:
            reasons.append(f"{len(self.duplicate_cases)} repeating an earlier case_id{_first(self.duplicate_cases)}")
        if self.cases_skipped_for_language:
            reasons.append(f"{self.cases_skipped_for_language} lacking a requested language "
                           f"{dict(self.language_missing)} (on_language_missing='skip')")
        if self.cases_without_views:
            reasons.append(f"{self.cases_without_views} left without a view ({self._view_losses()})")
        return f"0 of {self.cases_read} records kept: " + "; ".join(reasons)

    def _view_losses(self) -> str:
        parts = []
        if self.requested_languages is not None:
            parts.append(f"languages requested: {self.requested_languages}; views in the file: "
                         f"{dict(self.views_in_file) or 'none'}")
        if self.subject_missing:
            parts.append(f"subject not in prompt, skipped: {dict(self.subject_missing)}")
        if self.invalid_views:
            first = next(iter(self.first_invalid_view.values()))
            parts.append(f"malformed views skipped: {dict(self.invalid_views)} (first: {first})")
        return "; ".join(parts)

    def why_language_not_kept(self, lang: str) -> str:
        """Why no view of the requested language ``lang`` was kept, from the counts."""
        reasons = []
        if self.language_missing[lang]:
            reasons.append(f"{self.language_missing[lang]} of {self.cases_read} records have no {lang!r} view")
        if self.invalid_views[lang]:
            reasons.append(f"{self.invalid_views[lang]} malformed (first: {self.first_invalid_view[lang]})")
        if self.subject_missing[lang]:
            reasons.append(f"{self.subject_missing[lang]} skipped with the subject not in the prompt "
                           "(on_subject_missing='skip')")
        if not reasons:
            reasons.append(f"the records holding it were skipped ({self.summary()})")
        return (f"no {lang!r} view kept, though languages={self.requested_languages} asks for it: "
                + "; ".join(reasons) + f" (views in the file: {dict(self.views_in_file) or 'none'})")
