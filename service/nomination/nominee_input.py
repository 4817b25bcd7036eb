"""What a nominee may be given as, checked once for every way in: the JSON API and the dossier pages.

The schema checks shapes and lengths; the domain (`nominees.apply_values`) checks meaning (the DX score's
two decimals, the subject unit, the sector's clearances), so neither path can skip a rule.
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..i18n import msg
from ..models import OrgUnit
from ..models.nomination import NOMINEE_KINDS

ANNUAL_RATINGS = ("excellent", "good", "completed", "not_completed")
SEXES = ("male", "female")


class InitiativeIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 500))
    recognised = fields.Boolean(load_default=False)
    recognised_by = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=255))
    recognised_on = fields.Date(load_default=None, allow_none=True)


class NomineeIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(NOMINEE_KINDS))
    name = fields.String(required=True, validate=validate.Length(1, 255))
    identifier = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    subject_org_unit_code = fields.String(load_default=None, allow_none=True,
                                          validate=validate.Length(max=OrgUnit.code.type.length))
    position = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=255))
    unit_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=255))
    sex = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(SEXES))
    date_of_birth = fields.Date(load_default=None, allow_none=True)
    achievement_summary = fields.String(load_default="", validate=validate.Length(max=20000))
    achievement_key = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    award_form = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    tasks_completed = fields.Boolean(load_default=None, allow_none=True)
    annual_rating = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(ANNUAL_RATINGS))
    initiatives = fields.List(fields.Nested(InitiativeIn), load_default=list)
    sector = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    tax_clearance = fields.Boolean(load_default=None, allow_none=True)
    social_insurance_clearance = fields.Boolean(load_default=None, allow_none=True)
    environment_clearance_required = fields.Boolean(load_default=False)
    environment_clearance = fields.Boolean(load_default=None, allow_none=True)
    food_safety_clearance_required = fields.Boolean(load_default=False)
    food_safety_clearance = fields.Boolean(load_default=None, allow_none=True)
    # Checked (never rounded) by the domain: more than two decimals is refused there on every path.
    dx_index_score = fields.Decimal(load_default=None, allow_none=True, allow_nan=False)
    on_hold = fields.Boolean(load_default=False)
    hold_reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    propose_state_level = fields.Boolean(load_default=False)

    @validates_schema
    def _hold_needs_reason(self, data: dict, **_kwargs) -> None:
        if data.get("on_hold") and not (data.get("hold_reason") or "").strip():
            raise ValidationError({"hold_reason": [msg("Cần nêu lý do tạm dừng xét.")]})


class NomineePatch(NomineeIn):
    class Meta:
        partial = True


def nominee_values(values: dict) -> dict:
    """Loaded values as the domain stores them (an initiative's date as ISO text in the JSON column)."""
    if "initiatives" in values:
        values["initiatives"] = [{**item, "recognised_on": item["recognised_on"].isoformat()
                                  if item.get("recognised_on") else None} for item in values["initiatives"]]
    return values
