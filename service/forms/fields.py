"""Strict marshmallow fields for submitted form values, with messages from the catalogue.

Marshmallow's stock fields coerce ("5" becomes 5, "yes" becomes True); a form submission arrives as JSON
from a widget that already knows the type, so anything else is a client bug or tampering and is refused.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import ROUND_FLOOR, Decimal, InvalidOperation, localcontext
from typing import Any

import re2
from marshmallow import ValidationError, fields

from service.forms.js_regex import Pattern, linear_options
from service.forms.messages import message

# Close to form-js's own email check (it must not refuse what the form accepted), plus "+" tags; letters
# and digits of any script, as Python's \w. RE2 (linear time): with `re` this pattern took quadratic time
# ("a@" + "a" * 200_000 + ".!" held a worker for over a second).
_WORD = r"\pL\pN_"
EMAIL_RE = re2.compile(rf"^[{_WORD}.+-]+@([{_WORD}-]+\.)+[{_WORD}-]{{2,}}$", linear_options())
# Looser than form-js (which insists on an international prefix) so local Vietnamese numbers such as
# 0912 345 678 pass; the digit count is bounded by E.164.
PHONE_RE = re2.compile(r"^\+?[\d\s().-]+$", linear_options())
PHONE_DIGITS = (8, 15)


class FormField(fields.Field[Any]):
    """Base: `None` and a missing key are 'required' errors when required, else `None` is accepted."""

    def __init__(self, *, locale: str, required: bool = False, **kwargs: Any):
        self.locale = locale
        required_message = message("required", locale)
        super().__init__(
            required=required,
            allow_none=not required,
            error_messages={"required": required_message, "null": required_message},
            **kwargs,
        )

    def error(self, key: str, **params: Any) -> ValidationError:
        return ValidationError(message(key, self.locale, **params))

    def allow_empty(self) -> None:
        """An emptied widget ('' or []) is an error when the field is required."""
        if self.required:
            raise self.error("required")


class Text(FormField):
    """textfield / textarea / Camunda string."""

    def __init__(
        self,
        *,
        min_length: int | None = None,
        max_length: int | None = None,
        pattern: Pattern | None = None,
        validation_type: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.min_length = min_length
        self.max_length = max_length
        self.pattern = pattern
        self.validation_type = validation_type

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | None:
        if not isinstance(value, str):
            raise self.error("not_string")
        stripped = value.strip()
        if not stripped:
            # Keep "" as the form sent it: an optional text field the user cleared.
            self.allow_empty()
            return value
        problems: list[str] = []
        # Like form-js, lengths are measured without surrounding blanks.
        if self.min_length is not None and len(stripped) < self.min_length:
            problems.append(message("min_length", self.locale, min=self.min_length))
        if self.max_length is not None and len(stripped) > self.max_length:
            problems.append(message("max_length", self.locale, max=self.max_length))
        if self.pattern is not None and not self.pattern.search(value):
            problems.append(message("pattern", self.locale))
        if self.validation_type == "email" and not EMAIL_RE.match(stripped):
            problems.append(message("email", self.locale))
        if self.validation_type == "phone" and not _is_phone(stripped):
            problems.append(message("phone", self.locale))
        if problems:
            raise ValidationError(problems)
        return value


def _is_phone(value: str) -> bool:
    digits = sum(ch.isdigit() for ch in value)
    return bool(PHONE_RE.match(value)) and PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]


class Number(FormField):
    """form-js number / Camunda long. Returns int or float (or the string, for serializeToString forms)."""

    def __init__(
        self,
        *,
        minimum: Decimal | None = None,
        maximum: Decimal | None = None,
        decimal_digits: int | None = None,
        increment: Decimal | None = None,
        as_string: bool = False,
        integer_only: bool = False,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.minimum = minimum
        self.maximum = maximum
        self.decimal_digits = decimal_digits
        self.increment = increment
        self.as_string = as_string
        self.integer_only = integer_only

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if value == "" or (self.as_string and isinstance(value, str) and not value.strip()):
            self.allow_empty()
            return None
        number = self._to_decimal(value)
        problems = self._check(number)
        if problems:
            raise ValidationError(problems)
        if self.as_string:
            return value.strip() if isinstance(value, str) else _plain(number)
        if self.integer_only or isinstance(value, int):
            return int(number)
        return float(value)

    def _to_decimal(self, value: Any) -> Decimal:
        # bool is an int subclass; True is not a number a user typed.
        if isinstance(value, bool):
            raise self.error("not_number")
        if isinstance(value, int):
            return Decimal(value)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise self.error("not_number")
            if self.integer_only and not value.is_integer():
                raise self.error("not_integer")
            return Decimal(repr(value))
        # serializeToString forms send "12.50" to keep precision; only they may send strings.
        if isinstance(value, str) and self.as_string:
            try:
                number = Decimal(value.strip())
            except InvalidOperation:
                raise self.error("not_number") from None
            if number.is_finite():
                return number
        raise self.error("not_number")

    def _check(self, number: Decimal) -> list[str]:
        problems: list[str] = []
        if self.integer_only and number != number.to_integral_value():
            problems.append(message("not_integer", self.locale))
        if self.minimum is not None and number < self.minimum:
            problems.append(message("min", self.locale, min=_plain(self.minimum)))
        if self.maximum is not None and number > self.maximum:
            problems.append(message("max", self.locale, max=_plain(self.maximum)))
        if self.decimal_digits is not None and _decimal_places(number) > self.decimal_digits:
            key = "not_integer" if self.decimal_digits == 0 else "decimal_digits"
            problems.append(message(key, self.locale, digits=self.decimal_digits))
        if self.increment:
            problem = self._increment_problem(number, self.increment)
            if problem:
                problems.append(problem)
        return problems

    def _increment_problem(self, number: Decimal, increment: Decimal) -> str | None:
        with localcontext() as context:
            # Enough precision for the exact quotient even for 1e308, so the remainder is exact.
            exponent = increment.as_tuple().exponent
            scale = -exponent if isinstance(exponent, int) else 0
            context.prec = max(28, number.adjusted() + scale + 10)
            if number % increment == 0:
                return None
            lower = (number / increment).to_integral_value(rounding=ROUND_FLOOR) * increment
            upper = lower + increment
        return message(
            "increment",
            self.locale,
            increment=_plain(increment),
            lower=_plain(lower),
            upper=_plain(upper),
        )


def _decimal_places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _plain(number: Decimal) -> str:
    """Decimal without exponent notation or trailing zeros, for messages ("1E+2" reads badly)."""
    return format(number.normalize(), "f")


class Checkbox(FormField):
    """A JSON boolean; form-js treats a required checkbox as 'must be ticked'."""

    def __init__(self, *, must_be_true: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.must_be_true = must_be_true

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.error("not_boolean")
        if self.must_be_true and not value:
            raise self.error("required")
        return value


def _is_scalar(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str | int | bool)


def _option_key(value: Any) -> tuple[bool, Any]:
    # Keeps True apart from 1 while 1 and 1.0 stay equal, as they do in JSON.
    return (isinstance(value, bool), value)


def option_keys(options: Iterable[Any]) -> frozenset[tuple[bool, Any]]:
    """Hashable membership keys of the scalar options of a select/radio/checklist/enum."""
    return frozenset(_option_key(option) for option in options if _is_scalar(option))


class Choice(FormField):
    """select / radio / Camunda enum: one scalar, from `options` when the options are static."""

    def __init__(self, *, options: frozenset[tuple[bool, Any]] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.options = options

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if value == "":
            self.allow_empty()
            return None
        if not _is_scalar(value):
            raise self.error("not_scalar")
        if self.options is not None and _option_key(value) not in self.options:
            raise self.error("invalid_choice")
        return value


class ChoiceList(FormField):
    """checklist / taglist: a list of distinct scalars, each from `options` when static."""

    def __init__(self, *, options: frozenset[tuple[bool, Any]] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.options = options

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        if not isinstance(value, list):
            raise self.error("not_list")
        if not value:
            self.allow_empty()
            return []
        if not all(_is_scalar(item) for item in value):
            raise self.error("not_scalar")
        problems: list[str] = []
        if self.options is not None:
            outside = [item for item in value if _option_key(item) not in self.options]
            if outside:
                problems.append(message("invalid_choices", self.locale, values=_listing(outside)))
        repeated = _repeated(value)
        if repeated:
            problems.append(message("duplicate_values", self.locale, values=_listing(repeated)))
        if problems:
            raise ValidationError(problems)
        return value


def _repeated(values: Sequence[Any]) -> list[Any]:
    seen: set[tuple[bool, Any]] = set()
    repeated: list[Any] = []
    for item in values:
        key = _option_key(item)
        if key in seen and item not in repeated:
            repeated.append(item)
        seen.add(key)
    return repeated


def _listing(values: Iterable[Any], limit: int = 5) -> str:
    shown = [str(v) for v in values]
    more = "…" if len(shown) > limit else ""
    return ", ".join(shown[:limit]) + more


class AnyValue(FormField):
    """A value the server cannot type (custom or file-picker fields, custom Camunda types): any JSON."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        return value
