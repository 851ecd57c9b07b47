"""Forms of the review workflow: thin shells over the rules in `bondwell.evidence.review`."""

from __future__ import annotations

from typing import Any

from django import forms

from bondwell.evidence.review import extraction, rob2, robins_i, screening
from bondwell.evidence.review.answers import ANSWER_LABELS
from bondwell.evidence.review.citations import FORMATS


class ImportForm(forms.Form):
    source = forms.CharField(max_length=120, label="Where the records come from",
                             help_text="The database or register searched, e.g. PubMed, CINAHL.")  # fmt: skip
    file_format = forms.ChoiceField(choices=[("", "From the file name")] + [(f, f.upper()) for f in FORMATS],
                                    required=False, label="Format")  # fmt: skip
    file = forms.FileField(label="Search results (.ris, .nbib or .csv)")


class DecisionForm(forms.Form):
    include = forms.TypedChoiceField(
        choices=[("yes", "Include"), ("no", "Exclude")], coerce=lambda v: v == "yes", label="Decision"
    )
    reason = forms.CharField(max_length=300, required=False, label="Reason for excluding")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("include") is False and not str(cleaned.get("reason") or "").strip():
            self.add_error("reason", "Give a reason for excluding this record.")
        return cleaned


class ExtractionForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for f in extraction.FIELDS:
            if f.name == "design":
                field: forms.Field = forms.ChoiceField(choices=[("", "Choose"), *list(extraction.DESIGNS.items())])
            else:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}) if f.long else forms.TextInput())
            field.required = False
            field.label = f.label
            field.help_text = f.hint
            self.fields[f.name] = field

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        data, errors = extraction.clean(cleaned)
        for name, message in errors.items():
            self.add_error(name, message)
        return data


def _answer_field(question_id: str, text: str, options: tuple[str, ...], hint: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=[("", "Choose")] + [(o, ANSWER_LABELS[o]) for o in options], required=False,
        label=f"{question_id} {text}", help_text=hint,
    )  # fmt: skip


class GroupedForm(forms.Form):
    """A form whose fields are shown in fieldsets, one per risk-of-bias domain."""

    group_titles: dict[str, str]

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        out: dict[str, list[forms.BoundField]] = {}
        for name in self.fields:
            domain = name[3:] if name.startswith("own") else "D" + name[1:].split(".")[0]
            out.setdefault(domain, []).append(self[name])
        return [(f"{d} {self.group_titles.get(d, '')}", fields) for d, fields in out.items()]


class Rob2Form(GroupedForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group_titles = {d.id: d.name for d in rob2.DOMAINS}
        for q in rob2.QUESTIONS.values():
            hint = "Only if an earlier answer leads here; otherwise leave it (not applicable)." if q.conditional else ""
            self.fields[f"q{q.id}"] = _answer_field(q.id, q.text, q.options, hint)

    def answers(self) -> dict[str, str]:
        return {k[1:]: v for k, v in self.cleaned_data.items() if v}


class RobinsForm(GroupedForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group_titles = dict(robins_i.DOMAIN_NAMES)
        for qid, text in robins_i.QUESTION_TEXT.items():
            self.fields[f"q{qid}"] = _answer_field(qid, text, robins_i.OPTIONS[qid])
        for domain, name in robins_i.DOMAIN_NAMES.items():
            self.fields[f"own{domain}"] = forms.ChoiceField(
                choices=[("", "Not needed")] + [(j.value, robins_i.LABELS[j]) for j in robins_i.Judgement],
                required=False, label=f"{domain} {name}: your judgement, if the diagram leaves it to you",
            )  # fmt: skip

    def answers(self) -> dict[str, str]:
        return {k[1:]: v for k, v in self.cleaned_data.items() if k.startswith("q") and v}

    def assessor(self) -> dict[str, str]:
        return {k[3:]: v for k, v in self.cleaned_data.items() if k.startswith("own") and v}


STAGE_LABELS = dict([(screening.TITLE_ABSTRACT, "Title and abstract"), (screening.FULL_TEXT, "Full text")])


class PublishForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Note for this version")
