"""The generic reader: any JSON/JSONL benchmark into the unified schema, driven by a field mapping in YAML.

A new benchmark needs a config, not code. The mapping names, for each :class:`~mke_lightning.data.schema.LangView`
field, the path of its value in a raw record (syntax in :mod:`~mke_lightning.data.readers.paths`)::

    reader:
      class_path: mke_lightning.data.readers.MappingReader
      init_args:
        fields:
          subject: "{lang}.subject"              # per-language blocks keyed by language code
          prompt: "{lang}.src"
          target_new: "{lang}.alt"
          target_true: null                      # optional
          paraphrases: ["{lang}.rephrase"]       # each path: a string or a list of strings
          neighborhood: [{prompt: "{lang}.loc", answer: "{lang}.loc_ans"}]
          multihop: [{prompt: "{lang}.portability.New Question", answer: "{lang}.portability.New Answer"}]
        case_id: null                            # null: the record's index
        language_aliases: {cz: cs}               # raw code -> ISO 639-1, on top of the built-in aliases

Where the languages are:

* **per-language blocks** inside a record: ``{lang}`` in the ``prompt`` path marks the object keyed by language
  (``"{lang}.src"``, or ``"edit.{lang}.prompt"`` when every field is keyed by language, as in MKEB); the record's
  languages are that object's keys (or only ``language_keys`` when given);
* **per-language files**: ``{lang}`` in the *file path* (``data/{lang}_qa.json``) is replaced by each of
  ``file_languages``; the files are index-aligned (record i of every file is the same edit), and their views
  are merged. A language found in two files must be given identically in both;
* **one language**: no ``{lang}`` anywhere; ``language`` names it.

List fields: a path resolving to a list contributes every item; a QA prompt list pairs with an answer list of the
same length, or with a single answer shared by all prompts. ``subject_placeholder`` (e.g. ``"{}"``) in the prompt
is replaced by the subject (ROME/MKEB templates).

Errors: a required value that is absent, empty or not a string, a list holding a non-string, prompt/answer lists of
different lengths, an unknown language code, or files of different lengths are each a
:class:`~mke_lightning.data.schema.DatasetFormatError` naming the file, the record index and the raw field path
(e.g. ``cz.portability.New Answer``). Nothing is dropped silently: absent languages are handled by the read's
``on_language_missing`` policy, subjects not in their prompt by ``on_subject_missing``; under ``on_invalid_record:
skip`` a fault inside one language's view (its fields, its key being no language code, copies differing between
files) skips that view only, a fault of the record (not an object, the case id, meta, the block object) the record.

Keys of the block object that another path of the mapping reads (``id`` for ``case_id: id``) are not languages,
unless the prompt path resolves under them: ``case_id: views.en.id`` reads the id out of the English view and keeps
that view. An unknown code in ``file_languages`` is an option error when the reader is built.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mke_lightning.data.languages import UnknownLanguageError, normalize_lang
from mke_lightning.data.readers.base import EditReader, register_reader
from mke_lightning.data.readers.paths import LANG, FieldPath, parse_path, resolve
from mke_lightning.data.reading import SKIPPED_RECORD, ReadReport, load_records
from mke_lightning.data.schema import DatasetFormatError, InvalidView


@dataclass
class QAMap:
    """Paths of a question (or list of questions) and its answer (or one answer per question)."""

    prompt: str
    answer: str


@dataclass
class FieldMap:
    """Paths of each unified-schema field in a raw record (``{lang}`` marks the language key)."""

    subject: str
    prompt: str
    target_new: str
    target_true: str | None = None
    paraphrases: list[str] = field(default_factory=list)
    neighborhood: list[QAMap] = field(default_factory=list)
    multihop: list[QAMap] = field(default_factory=list)


def _as_field_map(fields: FieldMap | Mapping[str, Any]) -> FieldMap:
    if isinstance(fields, FieldMap):
        return fields
    if not isinstance(fields, Mapping):
        raise ValueError(f"fields must be a mapping of unified field -> path, got {type(fields).__name__}")
    raw = dict(fields)
    unknown = sorted(set(raw) - set(FieldMap.__dataclass_fields__))
    if unknown:
        raise ValueError(f"unknown fields {unknown} in the field mapping; known: {list(FieldMap.__dataclass_fields__)}")
    for key in ("neighborhood", "multihop"):
        raw[key] = [qa if isinstance(qa, QAMap) else QAMap(**qa) for qa in raw.get(key) or []]
    raw["paraphrases"] = list(raw.get("paraphrases") or [])
    return FieldMap(**raw)


class Where:
    """The file and record being read, for error messages."""

    def __init__(self, file: str, index: int):
        self.file, self.index = file, index

    def error(self, message: str, path: FieldPath | str) -> DatasetFormatError:
        text = path.text if isinstance(path, FieldPath) else path
        return DatasetFormatError(message, file=self.file, record=self.index, field=text)


def as_text(value: Any, where: Where, path: FieldPath, required: bool) -> str | None:
    if value is None:
        if required:
            raise where.error("missing required field", path)
        return None
    if not isinstance(value, str):
        raise where.error(f"expected a string, got {type(value).__name__} {value!r:.60}", path)
    if not value.strip():
        raise where.error("empty string", path)
    return value


def as_texts(value: Any, where: Where, path: FieldPath) -> list[str]:
    """A string or a list of strings (``None``: none)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [as_text(value, where, path, True)]  # type: ignore[list-item]
    if not isinstance(value, Sequence):
        raise where.error(f"expected a string or a list of strings, got {type(value).__name__}", path)
    return [as_text(v, where, FieldPath(f"{path.text}[{i}]", ()), True) for i, v in enumerate(value)]  # type: ignore[misc]


@register_reader("mapping")
class MappingReader(EditReader):
    def __init__(
        self,
        fields: FieldMap,
        case_id: str | None = None,
        language: str | None = None,
        file_languages: list[str] | None = None,
        language_keys: list[str] | None = None,
        language_aliases: dict[str, str] | None = None,
        subject_placeholder: str | None = None,
        meta: dict[str, str] | None = None,
    ):
        """Options (each one is a key of the reader's ``init_args`` in a data config).

        Args:
            fields: path of each unified field in a raw record (see the module docstring).
            case_id: path of the case id (a string or an integer); ``None``: the record's index in the file.
            language: the language of records that have no ``{lang}`` in their paths and come from a file without
                ``{lang}`` in its name.
            file_languages: raw language codes substituted for ``{lang}`` in the file path (per-language files).
            language_keys: with per-language blocks, only these raw keys are languages (other keys of the block
                object are ignored); ``None``: every key is a language code, except keys the mapping reads as other
                fields (``case_id``, ``meta``, fields without ``{lang}``).
            language_aliases: extra raw-code -> ISO 639-1 mappings (the built-in ones, ``cz``->``cs``,
                ``du``->``nl`` ..., always apply).
            subject_placeholder: text in the prompt to replace by the subject (``"{}"`` for ROME-style templates).
            meta: name -> path of benchmark extras to keep in each case's ``meta`` (any JSON value).
        """
        self.fields = _as_field_map(fields)
        f = self.fields
        self._single = {name: parse_path(getattr(f, name)) for name in ("subject", "prompt", "target_new")}
        if f.target_true is not None:
            self._single["target_true"] = parse_path(f.target_true)
        self._paraphrases = [parse_path(p) for p in f.paraphrases]
        self._qa = {name: [(parse_path(qa.prompt), parse_path(qa.answer)) for qa in getattr(f, name)]
                    for name in ("neighborhood", "multihop")}
        self._case_id = parse_path(case_id) if case_id else None
        self._meta = {name: parse_path(p) for name, p in (meta or {}).items()}
        self.language = normalize_lang(language) if language else None
        self.file_languages = list(file_languages) if file_languages else None
        self.language_keys = list(language_keys) if language_keys else None
        self.language_aliases = {k: normalize_lang(v) for k, v in (language_aliases or {}).items()}
        self._file_iso = {raw: self._configured_iso(raw, "file_languages") for raw in self.file_languages or ()}
        self.subject_placeholder = subject_placeholder
        prompt = self._single["prompt"]
        self._blocks = prompt.prefix_before_lang() if prompt.has_lang else None
        all_paths = [*self._single.values(), *self._paraphrases, *(p for qas in self._qa.values() for qa in qas for p in qa)]
        if self._blocks is None and any(p.has_lang for p in all_paths):
            raise ValueError("the prompt path must hold {lang} when another field's path does "
                             "(the languages of a record are the keys at the prompt's {lang})")
        # Keys the mapping reads as something else (the case id, meta, shared fields) sit next to the language
        # blocks without being languages.
        self._not_languages: set[str] = set()
        if self._blocks is not None:
            cut = len(self._blocks.parts)
            others = [*all_paths, *self._meta.values(), *([self._case_id] if self._case_id else [])]
            for path in others:
                if not path.has_lang and len(path.parts) > cut and path.parts[:cut] == self._blocks.parts:
                    self._not_languages.add(str(path.parts[cut]))

    # ---- languages ------------------------------------------------------------------------------------------
    def _configured_iso(self, raw: str, option: str) -> str:
        try:
            return normalize_lang(self.language_aliases.get(raw, raw))
        except UnknownLanguageError as err:
            raise ValueError(f"{option}: {err} (add it to language_aliases)") from None

    def _iso(self, raw: str, where: Where, path: str) -> str:
        try:
            return normalize_lang(self.language_aliases.get(raw, raw))
        except UnknownLanguageError as err:
            raise where.error(str(err), path) from None

    def _holds_view(self, record: Any, key: str, where: Where) -> bool:
        """Whether the prompt path, with ``key`` as the language, reaches a value in ``record``."""
        try:
            return resolve(record, self._single["prompt"].with_lang(key), file=where.file, index=where.index) is not None
        except DatasetFormatError:
            return False

    def _is_language_key(self, record: Any, key: str, where: Where) -> bool:
        """A key of the language-block object is a language unless another field's path reads it and it holds no
        view: ``id`` in ``{"id": 7, "en": {...}}`` is not one, but ``en`` stays a language when ``case_id`` is
        ``en.id`` (reading a field out of a view must not drop the view)."""
        return key not in self._not_languages or self._holds_view(record, key, where)

    def _record_languages(self, record: Any, where: Where, file_lang: str | None) -> list[tuple[str | None, str]]:
        """``[(raw key or None, raw language code)]`` of the languages present in ``record``."""
        if self._blocks is None:
            lang = file_lang or self.language
            if lang is None:
                raise ValueError("records without {lang} paths need `language` (or per-language files)")
            return [(None, lang)]
        container = resolve(record, self._blocks, file=where.file, index=where.index) if self._blocks.parts else record
        if container is None:
            raise where.error("missing required field", self._blocks.text or "<record>")
        if not isinstance(container, Mapping):
            raise where.error(f"expected an object keyed by language, got {type(container).__name__}",
                              self._blocks.text or "<record>")
        for key in container if self.language_keys is None else self.language_keys:
            if not isinstance(key, str):
                raise where.error(f"language keys must be strings, got {key!r}", self._blocks.text or "<record>")
        keys = self.language_keys if self.language_keys is not None else \
            [k for k in container if self._is_language_key(record, k, where)]
        return [(key, key) for key in keys if container.get(key) is not None]

    def _block_path(self, key: str) -> str:
        return f"{self._blocks.text}.{key}" if self._blocks is not None and self._blocks.text else key

    # ---- one view -------------------------------------------------------------------------------------------
    def _view(self, record: Any, key: str | None, where: Where) -> dict[str, Any]:
        def at(path: FieldPath) -> tuple[FieldPath, Any]:
            concrete = path.with_lang(key) if key is not None and path.has_lang else path
            return concrete, resolve(record, concrete, file=where.file, index=where.index)

        view: dict[str, Any] = {}
        for name, path in self._single.items():
            concrete, value = at(path)
            view[name] = as_text(value, where, concrete, required=name != "target_true")
        if self.subject_placeholder and self.subject_placeholder in view["prompt"]:
            view["prompt"] = view["prompt"].replace(self.subject_placeholder, view["subject"])
        view["paraphrases"] = [t for path in self._paraphrases for t in as_texts(at(path)[1], where, at(path)[0])]
        for name, pairs in self._qa.items():
            items = []
            for prompt_path, answer_path in pairs:
                p_path, p_value = at(prompt_path)
                prompts = as_texts(p_value, where, p_path)
                if not prompts:
                    continue
                a_path, a_value = at(answer_path)
                answers = as_texts(a_value, where, a_path)
                if not answers:
                    raise where.error(f"missing the answer{'s' if len(prompts) > 1 else ''} of {p_path.text}", a_path)
                if len(answers) == 1 and len(prompts) > 1:
                    answers = answers * len(prompts)
                if len(answers) != len(prompts):
                    raise where.error(f"{len(prompts)} prompts at {p_path.text} but {len(answers)} answers", a_path)
                items.extend({"prompt": p, "answer": a} for p, a in zip(prompts, answers))
            view[name] = items
        return view

    # ---- one record, several files --------------------------------------------------------------------------
    def _files(self, path: str) -> list[tuple[str | None, str]]:
        if LANG in path:
            if not self.file_languages:
                raise ValueError(f"the data path {path!r} holds {{lang}}: set the reader's file_languages")
            return [(raw, path.replace(LANG, raw)) for raw in self.file_languages]
        return [(None, path)]

    def records(self, path: str, report: ReadReport) -> list[Any]:
        files = self._files(path)
        loaded = [(raw, file, load_records(file)) for raw, file in files]
        first_file, n = loaded[0][1], len(loaded[0][2])
        for _, file, recs in loaded[1:]:
            if len(recs) != n:
                raise DatasetFormatError(f"has {len(recs)} records but {first_file} has {n}; per-language files must "
                                         "be index-aligned (record i of every file is the same edit)", file=file)
        out: list[Any] = []
        for index in range(n):
            try:
                out.append(self._merged(loaded, index, report))
            except DatasetFormatError as err:
                report.skip_invalid(err)
                out.append(SKIPPED_RECORD)
        return out

    def _merged(self, loaded: list[tuple[str | None, str, list[Any]]], index: int, report: ReadReport) -> dict[str, Any]:
        """Record ``index`` of every file, merged into one unified record.

        A fault inside one language's view (a field, an unknown language key, copies differing between files) is
        reported through ``report.skip_invalid_view``: raised, or marked so that only that view is skipped.
        """
        views: dict[str, Any] = {}
        origin: dict[str, str] = {}
        for raw, file, recs in loaded:
            where = Where(file, index)
            record = recs[index]
            if not isinstance(record, Mapping):
                raise where.error(f"expected a JSON object, got {type(record).__name__}", "<record>")
            file_lang = self._file_iso[raw] if raw is not None else None
            for key, code in self._record_languages(record, where, file_lang):
                try:
                    lang = self._iso(code, where, self._block_path(code)) if key is not None else code
                except DatasetFormatError as err:
                    views.setdefault(code, report.skip_invalid_view(err))
                    continue
                try:
                    view: Any = self._view(record, key, where)
                except DatasetFormatError as err:
                    view = report.skip_invalid_view(err)
                self._merge_view(views, origin, lang, view, file, where, key, report)
        return self._unified(loaded[0][2][index], Where(loaded[0][1], index), views)

    @staticmethod
    def _merge_view(views: dict[str, Any], origin: dict[str, str], lang: str, view: Any, file: str, where: Where,
                    key: str | None, report: ReadReport) -> None:
        """Add ``lang``'s view from ``file``; a language given by several files must be the same in each."""
        if lang not in views:
            views[lang], origin[lang] = view, file
        elif isinstance(views[lang], InvalidView) or views[lang] == view:
            return
        elif isinstance(view, InvalidView):
            views[lang] = view
        else:
            views[lang] = report.skip_invalid_view(
                where.error(f"language {lang!r} differs from its view in {origin[lang]}", key or "<record>"))

    def _unified(self, record: Mapping[str, Any], where: Where, views: dict[str, Any]) -> dict[str, Any]:
        case_id: Any = str(where.index)
        if self._case_id is not None:
            case_id = resolve(record, self._case_id, file=where.file, index=where.index)
            if isinstance(case_id, int) and not isinstance(case_id, bool):
                case_id = str(case_id)
            case_id = as_text(case_id, where, self._case_id, required=True)
        meta = {name: resolve(record, p, file=where.file, index=where.index) for name, p in self._meta.items()}
        return {"case_id": case_id, "views": views, "meta": {k: v for k, v in meta.items() if v is not None}}
