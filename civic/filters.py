"""The dashboard's filter state: a plain, hashable value shared by every page and the URL.

Empty tuples and `None` mean "no restriction". Dates are ISO `YYYY-MM-DD`, both ends inclusive.
In the URL each field is one query parameter (`city`, `district`, `street`, `theme` repeated for
several values; `from`, `to` once), so a copied link reproduces the view.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

_LIST_PARAMS = {"city": "cities", "district": "districts", "street": "streets", "theme": "themes"}


@dataclass(frozen=True)
class Filters:
    """What the user restricted the corpus to; `Filters()` is the whole corpus."""

    cities: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    streets: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    themes: tuple[str, ...] = ()

    def to_query_params(self) -> dict[str, list[str]]:
        """URL query parameters for this state; unrestricted fields are left out."""
        params = {param: list(getattr(self, field)) for param, field in _LIST_PARAMS.items()
                  if getattr(self, field)}
        if self.date_from:
            params["from"] = [self.date_from]
        if self.date_to:
            params["to"] = [self.date_to]
        return params

    @classmethod
    def from_query_params(cls, params: Mapping[str, Sequence[str]]) -> Filters:
        """The state a URL describes; malformed dates are ignored, duplicates dropped.

        Args:
            params: parameter name -> every value given for it (as `st.query_params.get_all`).
        """
        fields = {field: tuple(dict.fromkeys(v for v in params.get(param, ()) if v))
                  for param, field in _LIST_PARAMS.items()}
        dates = {field: next((v for v in params.get(param, ()) if _ISO_DATE.fullmatch(v)), None)
                 for param, field in (("from", "date_from"), ("to", "date_to"))}
        return cls(**fields, **dates)

    def name_parts(self) -> dict[str, object]:
        """The restricted fields in order, as `civic.exports.download_name` takes them (lists, a date range)."""
        parts: dict[str, object] = {"city": list(self.cities), "district": list(self.districts),
                                    "street": list(self.streets)}
        if self.date_from or self.date_to:
            parts["dates"] = (self.date_from or "", self.date_to or "")
        parts["theme"] = list(self.themes)
        return parts

    def is_empty(self) -> bool:
        """True when nothing is restricted."""
        return self == Filters()
