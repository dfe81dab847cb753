"""MLaKE (Wei et al. 2024, "MLaKE: Multilingual Knowledge Editing Benchmark for Large Language Models",
arXiv:2404.04990): free-form QA in en, zh, ja, fr, de.

Layout of the release (the path given to the reader is its ``dataset/`` folder):

* ``single_hop/<lang>_qa.json``: one edit per record, index-aligned across the five languages: ``question``,
  ``o_prompt``/``o_answer``/``o_answer_aliases`` (the original fact), ``e_prompt``/``e_answer``/
  ``e_answer_aliases`` (the edited fact, a declarative sentence);
* ``multi_hop/new_<lang>_qa.json``: post-edit multi-hop questions, ``question``, ``e_answer``, and ``e_prompt``,
  always the *English* edit sentence: the join key to ``single_hop/en_qa.json``. They become the ``multihop``
  questions of that edit's view in ``<lang>``. (``old_<lang>_qa.json`` has no link to the edits and is not read.)

Decisions on what the release leaves open:

* **edit prompt**: MLaKE edits with a statement, not a cloze. With ``prompt_style: cloze`` (default) the prompt is
  ``e_prompt`` cut before ``e_answer`` ("Carl Sagan worked at" -> "BBC"), used only when ``o_prompt`` cut before
  ``o_answer`` gives the same text (so ES compares the two answers in the same context); otherwise (counted) and with
  ``prompt_style: question`` the prompt is ``question``. In cloze mode ``question`` is the paraphrase.
* **target_true** is ``o_answer``; the answer **aliases** are kept in ``meta["aliases"][lang]`` (metrics use the
  main answers).
* **subject**: there is no subject field; it is derived as the text the prompt shares with the question and the
  multi-hop questions (:mod:`~mke_lightning.data.readers.subjects`). Where nothing is shared the view's subject
  is left out of its prompt on purpose, so the read's ``on_subject_missing`` policy counts it.
* there are no locality prompts (NS and loc_f1 are not computed on MLaKE).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from mke_lightning.data.languages import normalize_lang
from mke_lightning.data.readers.base import EditReader, register_reader
from mke_lightning.data.readers.mapping import Where, as_text, as_texts
from mke_lightning.data.readers.paths import parse_path
from mke_lightning.data.readers.subjects import derive_subject
from mke_lightning.data.reading import ReadReport, load_records
from mke_lightning.data.schema import DatasetFormatError

MLAKE_LANGUAGES = ["en", "zh", "ja", "fr", "de"]


def _field(record: Any, name: str, where: Where) -> str:
    if not isinstance(record, dict):
        raise where.error(f"expected a JSON object, got {type(record).__name__}", "<record>")
    return as_text(record.get(name), where, parse_path(name), required=True)  # type: ignore[return-value]


def _aliases(record: dict, name: str, where: Where) -> list[str]:
    return as_texts(record.get(name), where, parse_path(name))


def cloze_prompt(statement: str, answer: str, original: str, original_answer: str) -> str | None:
    """``statement`` cut before ``answer``, when the original statement cut before its answer is the same text."""
    cut, cut_original = statement.find(answer), original.find(original_answer)
    if cut <= 0 or cut_original <= 0 or statement[:cut] != original[:cut_original]:
        return None
    prompt = statement[:cut].rstrip()
    return prompt or None


@register_reader("mlake")
class MLaKEReader(EditReader):
    def __init__(self, languages: list[str] | None = None, prompt_style: Literal["cloze", "question"] = "cloze",
                 multihop: bool = True, on_unmatched_multihop: Literal["error", "skip"] = "error"):
        """Options.

        Args:
            languages: which of en, zh, ja, fr, de to read (``None``: all five; ``en`` is always read, it holds the
                multi-hop join key).
            prompt_style: ``cloze`` (the edit statement cut before the answer; question as paraphrase) or
                ``question`` (see the module docstring).
            multihop: attach the multi-hop questions of ``multi_hop/new_<lang>_qa.json``.
            on_unmatched_multihop: a multi-hop record whose ``e_prompt`` matches no English edit: ``error`` or
                ``skip`` (counted).
        """
        self.languages = [normalize_lang(x) for x in (languages or MLAKE_LANGUAGES)]
        unknown = [x for x in self.languages if x not in MLAKE_LANGUAGES]
        if unknown:
            raise ValueError(f"MLaKE has no {unknown}; its languages are {MLAKE_LANGUAGES}")
        if prompt_style not in ("cloze", "question"):
            raise ValueError(f"prompt_style must be cloze or question, got {prompt_style!r}")
        if on_unmatched_multihop not in ("error", "skip"):
            raise ValueError(f"on_unmatched_multihop must be error or skip, got {on_unmatched_multihop!r}")
        self.prompt_style, self.multihop, self.on_unmatched_multihop = prompt_style, multihop, on_unmatched_multihop

    def _multihop(self, root: Path, lang: str, key_index: dict[str, int], report: ReadReport) -> dict[int, list]:
        file = root / "multi_hop" / f"new_{lang}_qa.json"
        out: dict[int, list] = {}
        if not file.is_file():
            report.notes[f"multi-hop file missing ({lang})"] += 1
            return out
        for index, record in enumerate(load_records(file)):
            where = Where(str(file), index)
            key = _field(record, "e_prompt", where)
            if key not in key_index:
                if self.on_unmatched_multihop == "error":
                    raise where.error("no English edit has this e_prompt (the join key to single_hop/en_qa.json)",
                                      "e_prompt")
                report.notes[f"multi-hop unmatched ({lang})"] += 1
                continue
            out.setdefault(key_index[key], []).append(
                {"prompt": _field(record, "question", where), "answer": _field(record, "e_answer", where)})
        return out

    def records(self, path: str, report: ReadReport) -> list[dict[str, Any]]:
        root = Path(path)
        if not (root / "single_hop").is_dir():
            raise FileNotFoundError(f"MLaKE folder {root} has no single_hop/ (give the release's dataset/ folder)")
        langs = ["en"] + [x for x in self.languages if x != "en"]
        single = {lang: (str(root / "single_hop" / f"{lang}_qa.json"),
                         load_records(root / "single_hop" / f"{lang}_qa.json")) for lang in langs}
        n = len(single["en"][1])
        for lang, (file, recs) in single.items():
            if len(recs) != n:
                raise DatasetFormatError(f"has {len(recs)} records but single_hop/en_qa.json has {n}; the single-hop "
                                         "files must be index-aligned", file=file)
        key_index = {_field(r, "e_prompt", Where(single["en"][0], i)): i for i, r in enumerate(single["en"][1])}
        hops = {lang: self._multihop(root, lang, key_index, report) for lang in langs} if self.multihop else {}
        return [self._record(single, hops, index, report) for index in range(n)]

    def _record(self, single: dict[str, tuple[str, list]], hops: dict[str, dict[int, list]], index: int,
                report: ReadReport) -> dict[str, Any]:
        """Edit ``index`` in every language; a malformed language record is one malformed view (skipped per the
        read's ``on_invalid_record``), the other languages are kept."""
        views: dict[str, Any] = {}
        aliases = {}
        for lang in self.languages:
            file, recs = single[lang]
            try:
                views[lang], aliases[lang] = self._view(recs[index], Where(file, index), lang,
                                                        hops.get(lang, {}).get(index, []), report)
            except DatasetFormatError as err:
                views[lang] = report.skip_invalid_view(err)
        return {"case_id": str(index), "views": views, "meta": {"aliases": aliases}}

    def _view(self, record: Any, where: Where, lang: str, multihop: list, report: ReadReport) -> tuple[dict, dict]:
        question = _field(record, "question", where)
        new, true = _field(record, "e_answer", where), _field(record, "o_answer", where)
        prompt = None
        if self.prompt_style == "cloze":
            prompt = cloze_prompt(_field(record, "e_prompt", where), new, _field(record, "o_prompt", where), true)
            if prompt is None:
                report.notes[f"question used as prompt, no cloze ({lang})"] += 1
        paraphrases = [question] if prompt is not None else []
        prompt = prompt or question
        subject = derive_subject(prompt, [question, *(qa["prompt"] for qa in multihop)], lang)
        if subject is None:
            report.notes[f"subject not derived ({lang})"] += 1
            subject = question if question != prompt else f"<no subject> {prompt}"
        view = {"subject": subject, "prompt": prompt, "target_new": new, "target_true": true,
                "paraphrases": paraphrases, "multihop": multihop}
        return view, {"target_new": _aliases(record, "e_answer_aliases", where),
                      "target_true": _aliases(record, "o_answer_aliases", where)}
