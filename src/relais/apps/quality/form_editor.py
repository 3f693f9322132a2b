"""The evaluation-form editor's rows: a form version as the rows of the page (sections, each
with its criteria, and blank rows to fill), and the posted rows read back as the definitions
`services.form_version_create` takes. Blank rows are left out; a row half filled is an error
naming the row, and the page shows what was typed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from relais.apps.errors import RelaisError
from relais.apps.quality.errors import ErrorCode
from relais.apps.quality.models import FormVersion, SoftSkill
from relais.apps.quality.services import CriterionDefinition, SectionDefinition

BLANK_SECTIONS = 1
BLANK_CRITERIA = 2
MAX_SECTIONS = 20
MAX_CRITERIA = 30


@dataclass
class CriterionRow:
    label: str = ""
    guidance: str = ""
    soft_skill: str = ""
    weight: str = "1"
    scale_max: str = "4"
    critical: bool = False
    allows_not_applicable: bool = True

    @property
    def blank(self) -> bool:
        return not self.label.strip()


@dataclass
class SectionRow:
    title: str = ""
    weight: str = "1"
    criteria: list[CriterionRow] = field(default_factory=list)

    @property
    def blank(self) -> bool:
        return not self.title.strip() and all(c.blank for c in self.criteria)


@dataclass
class Draft:
    """What the editor shows: the form's name, its passing score and its rows."""

    name: str = ""
    passing_score: str = "80"
    sections: list[SectionRow] = field(default_factory=list)

    def with_blank_rows(self) -> Draft:
        """Room to add: blank criteria under each section, and a blank section."""
        for section in self.sections:
            section.criteria += [CriterionRow() for _ in range(BLANK_CRITERIA)]
        self.sections += [
            SectionRow(criteria=[CriterionRow() for _ in range(BLANK_CRITERIA + 1)])
            for _ in range(BLANK_SECTIONS)
        ]
        return self


def draft_of(version: FormVersion | None) -> Draft:
    """The rows of `version` (empty for a new form)."""
    if version is None:
        return Draft()
    return Draft(
        name=version.form.name,
        passing_score=f"{version.passing_score:g}",
        sections=[
            SectionRow(
                title=section.title,
                weight=f"{section.weight:g}",
                criteria=[
                    CriterionRow(
                        label=c.label,
                        guidance=c.guidance,
                        soft_skill=c.soft_skill,
                        weight=f"{c.weight:g}",
                        scale_max=str(c.scale_max),
                        critical=c.critical,
                        allows_not_applicable=c.allows_not_applicable,
                    )
                    for c in section.criteria.all()
                ],
            )
            for section in version.sections.all()
        ],
    )


def draft_posted(data: Mapping[str, str]) -> Draft:
    """The rows as posted (names `s<i>-…` and `s<i>-c<j>-…`), blank ones left out."""
    sections = []
    for i in range(MAX_SECTIONS):
        if f"s{i}-title" not in data:
            break
        criteria = []
        for j in range(MAX_CRITERIA):
            prefix = f"s{i}-c{j}-"
            if f"{prefix}label" not in data:
                break
            criteria.append(
                CriterionRow(
                    label=data.get(f"{prefix}label", "").strip(),
                    guidance=data.get(f"{prefix}guidance", "").strip(),
                    soft_skill=data.get(f"{prefix}soft_skill", ""),
                    weight=data.get(f"{prefix}weight", "").strip(),
                    scale_max=data.get(f"{prefix}scale_max", "").strip(),
                    critical=f"{prefix}critical" in data,
                    allows_not_applicable=f"{prefix}na" in data,
                )
            )
        section = SectionRow(
            title=data.get(f"s{i}-title", "").strip(),
            weight=data.get(f"s{i}-weight", "").strip(),
            criteria=[c for c in criteria if not c.blank],
        )
        if not section.blank:
            sections.append(section)
    return Draft(
        name=data.get("name", "").strip(),
        passing_score=data.get("passing_score", "").strip(),
        sections=sections,
    )


def _number(text: str, where: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise RelaisError(ErrorCode.INVALID_FORM, details=where) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise RelaisError(ErrorCode.INVALID_FORM, details=where)
    return value


def definitions(draft: Draft) -> tuple[str, float, list[SectionDefinition]]:
    """The name, passing score and sections to save; RelaisError naming the first bad row."""
    if not draft.name:
        raise RelaisError(ErrorCode.INVALID_FORM, details="name")
    passing = _number(draft.passing_score, "passing score")
    if not 0 <= passing <= 100:
        raise RelaisError(ErrorCode.INVALID_FORM, details="passing score")
    skills = {value for value, _label in SoftSkill.choices}
    sections = []
    for section in draft.sections:
        if not section.title:
            raise RelaisError(ErrorCode.INVALID_FORM, details=section.criteria[0].label)
        criteria = []
        for c in section.criteria:
            where = f"{section.title}: {c.label}"
            scale = _number(c.scale_max, where)
            if c.soft_skill not in skills or scale != int(scale) or not 1 <= scale <= 10:
                raise RelaisError(ErrorCode.INVALID_FORM, details=where)
            criteria.append(
                CriterionDefinition(
                    label=c.label,
                    weight=_number(c.weight, where),
                    scale_max=int(scale),
                    soft_skill=c.soft_skill,
                    critical=c.critical,
                    allows_not_applicable=c.allows_not_applicable,
                    guidance=c.guidance,
                )
            )
        sections.append(
            SectionDefinition(section.title, _number(section.weight, section.title), criteria)
        )
    return draft.name, passing, sections
