"""Units as data: what a figure's ``unit`` means, how it is written and whether it is charted.

The engine's units are in ``units.yaml`` beside this module; a digest adds its own in
``stats/units.yaml`` with the same fields, so "54 minutes" or "3 courses" need no code.
How a unit is written is one of five ways, each done by Babel or the catalogs:

- ``percent``: the locale's percent pattern ("81 %", "81%").
- ``number``: a plain number ("1 200").
- ``plural``: singular/plural words from the catalogs ("16 personer").
- ``currency``: a compact amount and the currency's name ("62 miljarder amerikanska dollar").
- ``unit``: a CLDR unit via ``babel.units.format_unit`` ("54 minuuttia", "3 년").
"""

from __future__ import annotations

from importlib.resources import files
from typing import Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ENGINE_UNITS_FILE = "units.yaml"  # package data of the digest package
DIGEST_UNITS_FILE = "units.yaml"  # optional, in stats/
UNIT_PATTERN = r"^[a-z][a-z0-9_]*$"


class ChartAxis(BaseModel):
    """How a unit's panel is drawn: one measure per axis, so one panel per unit."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    axis: Union[str, None] = Field(
        default=None,
        description="Axis label, translated in the catalogs. Units written by CLDR (`format: unit`) may leave "
        "it out: the axis then shows CLDR's own name of the unit in each language. Good: `Per cent`.",
    )
    max: Union[float, None] = Field(default=None, gt=0, description="Fixed end of the axis (percent: 100); "
                                    "left out, the axis ends a quarter beyond the largest value.")
    ticks: Union[tuple[float, ...], None] = Field(default=None, description="Fixed tick positions. Good: `[0, 25, 50, 75, 100]`.")


class Unit(BaseModel):
    """One unit a figure can be given in."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False)

    id: str = Field(pattern=UNIT_PATTERN, description="What editors write in `unit:`. Good: `minutes`, `percentage_points`.")
    description: str = Field(min_length=1, description="For editors: what a value in this unit means. "
                             "Good: `Share of a whole, 0–100; 81 means 81 %.`")
    format: Literal["percent", "number", "plural", "currency", "unit"] = Field(
        description="How the value is written: `percent`, `number`, `plural` (needs `forms`), "
        "`currency` (figures need `currency:`), `unit` (a CLDR unit, needs `cldr`)."
    )
    cldr: Union[str, None] = Field(
        default=None, pattern=r"^[a-z]+-[a-z0-9-]+$",
        description="CLDR unit id for `format: unit`. Good: `duration-minute`, `length-kilometer`.",
    )
    forms: Union[tuple[str, str], None] = Field(
        default=None,
        description="Singular and plural, with `{n}` where the number goes, for `format: plural`; translated "
        "in the catalogs with each language's plural rules. Good: `[\"{n} course\", \"{n} courses\"]`.",
    )
    min: Union[float, None] = Field(default=None, description="Smallest value a figure may have. Good: `0`.")
    max: Union[float, None] = Field(default=None, description="Largest value a figure may have. Good: `100` for percent.")
    chart: Union[ChartAxis, None] = Field(
        default=None, description="Draw figures in this unit in the topic charts; left out, they are listed on the page only."
    )

    @field_validator("forms")
    @classmethod
    def _placeholders(cls, forms: tuple[str, str] | None) -> tuple[str, str] | None:
        if forms is not None and not all("{n}" in form and form.count("{") == 1 for form in forms):
            raise ValueError("each form needs exactly one `{n}` placeholder and no other braces")
        return forms

    @model_validator(mode="after")
    def _needs(self) -> "Unit":
        if (self.format == "unit") != (self.cldr is not None):
            raise ValueError("`cldr` is required with `format: unit` and allowed only there")
        if (self.format == "plural") != (self.forms is not None):
            raise ValueError("`forms` is required with `format: plural` and allowed only there")
        if self.cldr is not None:
            from babel.units import UnknownUnitError, get_unit_name

            try:
                known = get_unit_name(self.cldr, locale="en") is not None
            except UnknownUnitError:
                known = False
            if not known:
                raise ValueError(f"CLDR has no unit {self.cldr!r}; see babel.units, e.g. `duration-minute`")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("`min` is greater than `max`")
        if self.chart is not None and self.chart.axis is None and self.format != "unit":
            raise ValueError("`chart.axis` is required unless the unit is written by CLDR (`format: unit`)")
        return self

    @property
    def charted(self) -> bool:
        return self.chart is not None

    def messages(self) -> list[str | tuple[str, str]]:
        """Strings of this unit a reader sees that the catalogs translate."""
        found: list[str | tuple[str, str]] = []
        if self.forms:
            found.append(self.forms)
        if self.chart and self.chart.axis:
            found.append(self.chart.axis)
        return found


def engine_units_text() -> str:
    """The engine's own unit file (package data)."""
    return files("digest").joinpath(ENGINE_UNITS_FILE).read_text(encoding="utf-8")
