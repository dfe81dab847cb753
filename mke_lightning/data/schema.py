"""The one data schema every benchmark is read into (design.md §3.1).

An :class:`EditCase` is one fact edit seen in several languages; each :class:`LangView` holds that language's edit
prompt, targets, paraphrases, locality (neighbourhood) questions and multi-hop questions. Readers turn raw
records into these objects with :func:`edit_case_from_record`, which raises :class:`DatasetFormatError` naming the
file, the record index and the field for anything malformed; nothing is dropped silently. :func:`parse_record` is
the same check that keeps a record's well-formed views apart from the errors of its malformed ones (the read's
``on_invalid_record: skip`` skips a view, not the whole record, when the fault is inside that view); a reader marks
a view it found malformed with :class:`InvalidView`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from mke_lightning.data.languages import UnknownLanguageError, normalize_lang


class DatasetFormatError(ValueError):
    """A record that does not fit the schema. The message names the file, the record index and the field."""

    def __init__(self, message: str, *, file: str | None = None, record: int | None = None, field: str | None = None):
        self.file, self.record, self.field, self.reason = file, record, field, message
        where = [f"file {file}" if file else None, f"record {record}" if record is not None else None,
                 f"field {field!r}" if field else None]
        located = ", ".join(w for w in where if w)
        super().__init__(f"{located}: {message}" if located else message)


@dataclass(frozen=True)
class QA:
    """A question (prompt to complete) and its expected answer."""

    prompt: str
    answer: str


@dataclass(frozen=True)
class LangView:
    """One language's view of an edit.

    Attributes:
        subject: the edited entity, occurring verbatim in ``prompt`` (locate-then-edit methods need its span).
        prompt: the edit prompt, completed by the target.
        target_new: the new object the edit installs.
        target_true: the original object; ``None`` where a benchmark lacks it (Bi-ZsRE, MzsRE).
        paraphrases: other prompts asking for the same fact.
        neighborhood: unrelated prompts with their ground-truth answers (locality).
        multihop: multi-hop / portability questions with their post-edit answers.
    """

    subject: str
    prompt: str
    target_new: str
    target_true: str | None = None
    paraphrases: tuple[str, ...] = ()
    neighborhood: tuple[QA, ...] = ()
    multihop: tuple[QA, ...] = ()

    @property
    def subject_span(self) -> tuple[int, int]:
        """Character offsets ``(start, end)`` of the last occurrence of the subject in the prompt."""
        from mke_lightning.data.spans import subject_char_span

        return subject_char_span(self.prompt, self.subject)


@dataclass(frozen=True)
class EditCase:
    """One fact edit with a view per language (ISO 639-1 codes). ``meta`` keeps benchmark extras (relation, ids)."""

    case_id: str
    views: Mapping[str, LangView]
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.views)

    def to_record(self) -> dict[str, Any]:
        """The JSON-serialisable form, as written to the unified JSONL files."""
        return {"case_id": self.case_id, "meta": dict(self.meta),
                "views": {lang: asdict(view) for lang, view in self.views.items()}}


def _fail(msg: str, ctx: dict[str, Any], fld: str) -> DatasetFormatError:
    return DatasetFormatError(msg, file=ctx.get("file"), record=ctx.get("record"), field=fld)


def _string(value: Any, ctx: dict[str, Any], fld: str, *, optional: bool = False, allow_empty: bool = False) -> str | None:
    if value is None:
        if optional:
            return None
        raise _fail("missing required field", ctx, fld)
    if not isinstance(value, str):
        raise _fail(f"expected a string, got {type(value).__name__} {value!r:.60}", ctx, fld)
    if not allow_empty and not value.strip():
        raise _fail("empty string", ctx, fld)
    return value


def _string_list(value: Any, ctx: dict[str, Any], fld: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise _fail(f"expected a list of strings, got {type(value).__name__}", ctx, fld)
    return tuple(_string(v, ctx, f"{fld}[{i}]") for i, v in enumerate(value))  # type: ignore[misc]


def _qa_list(value: Any, ctx: dict[str, Any], fld: str) -> tuple[QA, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise _fail(f"expected a list of {{prompt, answer}} objects, got {type(value).__name__}", ctx, fld)
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise _fail(f"expected an object with 'prompt' and 'answer', got {type(item).__name__}", ctx, f"{fld}[{i}]")
        out.append(QA(prompt=_string(item.get("prompt"), ctx, f"{fld}[{i}].prompt"),  # type: ignore[arg-type]
                      answer=_string(item.get("answer"), ctx, f"{fld}[{i}].answer")))  # type: ignore[arg-type]
    return tuple(out)


def lang_view_from_record(record: Any, *, file: str | None = None, index: int | None = None,
                          prefix: str = "") -> LangView:
    """Build a :class:`LangView` from a mapping, raising :class:`DatasetFormatError` for any bad field."""
    ctx = {"file": file, "record": index}
    if not isinstance(record, Mapping):
        raise _fail(f"expected an object, got {type(record).__name__}", ctx, prefix.rstrip(".") or "<record>")
    return LangView(
        subject=_string(record.get("subject"), ctx, prefix + "subject"),  # type: ignore[arg-type]
        prompt=_string(record.get("prompt"), ctx, prefix + "prompt"),  # type: ignore[arg-type]
        target_new=_string(record.get("target_new"), ctx, prefix + "target_new"),  # type: ignore[arg-type]
        target_true=_string(record.get("target_true"), ctx, prefix + "target_true", optional=True),
        paraphrases=_string_list(record.get("paraphrases"), ctx, prefix + "paraphrases"),
        neighborhood=_qa_list(record.get("neighborhood"), ctx, prefix + "neighborhood"),
        multihop=_qa_list(record.get("multihop"), ctx, prefix + "multihop"),
    )


@dataclass(frozen=True)
class InvalidView:
    """Stands, in a record's ``views``, for a view a reader found malformed and skipped (``on_invalid_record:
    skip``): the read then counts it per language as a malformed view instead of taking the language as absent."""

    error: DatasetFormatError


@dataclass(frozen=True)
class ParsedRecord:
    """A record split into its well-formed views and the errors of its malformed ones.

    ``view_errors`` is keyed by ISO 639-1 code, or by the raw key as written when the key is no known language.
    """

    case_id: str
    views: dict[str, LangView]
    view_errors: dict[str, DatasetFormatError]
    meta: dict[str, Any]


def _language_key(raw_lang: Any, ctx: dict[str, Any]) -> str:
    try:
        return normalize_lang(raw_lang)
    except UnknownLanguageError as err:
        raise _fail(str(err), ctx, f"views.{raw_lang}") from None


def _parse_view(raw_lang: Any, raw_view: Any, ctx: dict[str, Any]) -> tuple[str, LangView | DatasetFormatError]:
    """``(language, view)`` or, for a malformed view, ``(language or raw key, its error)``."""
    try:
        lang = _language_key(raw_lang, ctx)
    except DatasetFormatError as err:
        return str(raw_lang), raw_view.error if isinstance(raw_view, InvalidView) else err
    if isinstance(raw_view, InvalidView):
        return lang, raw_view.error
    try:
        return lang, lang_view_from_record(raw_view, file=ctx.get("file"), index=ctx.get("record"),
                                           prefix=f"views.{raw_lang}.")
    except DatasetFormatError as err:
        return lang, err


def _parse_views(views_raw: Mapping[Any, Any],
                 ctx: dict[str, Any]) -> tuple[dict[str, LangView], dict[str, DatasetFormatError]]:
    """Well-formed views and the errors of malformed ones; a language given twice is a record-level error."""
    views: dict[str, LangView] = {}
    errors: dict[str, DatasetFormatError] = {}
    raw_of: dict[str, Any] = {}
    for raw_lang, raw_view in views_raw.items():
        if raw_view is None:
            continue
        lang, view = _parse_view(raw_lang, raw_view, ctx)
        if lang in raw_of:
            raise _fail(f"language {lang!r} given twice (as {raw_of[lang]!r} and {raw_lang!r})", ctx,
                        f"views.{raw_lang}")
        raw_of[lang] = raw_lang
        if isinstance(view, DatasetFormatError):
            errors[lang] = view
        else:
            views[lang] = view
    return views, errors


def parse_record(record: Any, *, file: str | None = None, index: int | None = None) -> ParsedRecord:
    """Split a unified-schema record into well-formed views and the errors of malformed views.

    Record-level faults (not an object, ``case_id``, the ``views`` object itself, a language given twice, no view at
    all, ``meta``) raise :class:`DatasetFormatError`; a fault inside one view (its fields, or its key being no known
    language code) is collected in :attr:`ParsedRecord.view_errors` so the caller can skip just that view.
    """
    ctx = {"file": file, "record": index}
    if not isinstance(record, Mapping):
        raise _fail(f"expected a JSON object, got {type(record).__name__}", ctx, "<record>")
    case_id = record.get("case_id")
    if isinstance(case_id, int) and not isinstance(case_id, bool):
        case_id = str(case_id)
    case_id = _string(case_id, ctx, "case_id")
    views_raw = record.get("views")
    if not isinstance(views_raw, Mapping):
        raise _fail("missing required field" if views_raw is None else
                    f"expected an object keyed by language, got {type(views_raw).__name__}", ctx, "views")
    views, errors = _parse_views(views_raw, ctx)
    if not views and not errors:
        raise _fail("no language views", ctx, "views")
    meta = record.get("meta") or {}
    if not isinstance(meta, Mapping):
        raise _fail(f"expected an object, got {type(meta).__name__}", ctx, "meta")
    return ParsedRecord(case_id=case_id, views=views, view_errors=errors,  # type: ignore[arg-type]
                        meta={k: v for k, v in meta.items() if v is not None})


def edit_case_from_record(record: Any, *, file: str | None = None, index: int | None = None) -> EditCase:
    """Build an :class:`EditCase` from a unified-schema record (``{"case_id", "views": {lang: {...}}, "meta"?}``).

    Language codes are normalised to ISO 639-1; an unknown code is a :class:`DatasetFormatError`.
    A view whose value is ``null`` is treated as absent (columnar readers fill missing languages with nulls).
    Any malformed view raises (its error names the field); :func:`parse_record` collects them instead.
    """
    parsed = parse_record(record, file=file, index=index)
    if parsed.view_errors:
        raise next(iter(parsed.view_errors.values()))
    return EditCase(case_id=parsed.case_id, views=parsed.views, meta=parsed.meta)
