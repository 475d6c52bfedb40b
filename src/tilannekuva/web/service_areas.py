"""Names of the service areas of extract-v1 ``units.service_area``, in Finnish, Swedish and English.

They are labels of a code table, like municipality names (``model.municipalities``) and
indicator names (the catalogue's ``name_fi``/``name_sv``/``name_en``), so they are kept as
data here rather than as free UI text: every code the extract format allows
(``model.extract_schema.SERVICE_AREAS``) has a name in every language, and a test holds the two
lists together. The Finnish names follow extract-v1; the Swedish ones are those used in
Finland's bilingual health and social services.
"""

from __future__ import annotations

from tilannekuva.model.extract_schema import SERVICE_AREAS

SERVICE_AREA_NAMES: dict[str, dict[str, str]] = {
    "reception": {"fi": "Vastaanotto", "sv": "Mottagning", "en": "Reception"},
    "oral": {"fi": "Suun terveydenhuolto", "sv": "Munhälsovård", "en": "Oral health care"},
    "mental": {
        "fi": "Mielenterveys- ja päihdepalvelut",
        "sv": "Mentalvårds- och missbrukartjänster",
        "en": "Mental health and substance use services",
    },
    "family": {
        "fi": "Neuvola ja perhekeskus",
        "sv": "Rådgivning och familjecenter",
        "en": "Child health clinic and family centre",
    },
    "rehab": {"fi": "Kuntoutus", "sv": "Rehabilitering", "en": "Rehabilitation"},
    "social": {"fi": "Sosiaalipalvelut", "sv": "Socialservice", "en": "Social services"},
    "elderly": {
        "fi": "Ikääntyneiden palvelut",
        "sv": "Tjänster för äldre",
        "en": "Services for older people",
    },
    "emergency": {"fi": "Päivystys", "sv": "Jour", "en": "Emergency care"},
    "specialist": {
        "fi": "Erikoissairaanhoito",
        "sv": "Specialiserad sjukvård",
        "en": "Specialised medical care",
    },
    "other": {"fi": "Muut palvelut", "sv": "Övriga tjänster", "en": "Other services"},
}


def service_area_name(code: str, locale: str) -> str:
    """The name in the reader's language; an unknown code is shown as itself, never guessed."""
    names = SERVICE_AREA_NAMES.get(code)
    if names is None:
        return code
    return names.get(locale, names["en"])


def service_area_order(code: str) -> int:
    """Position in extract-v1's list (reception first), so groups appear in a familiar order."""
    return SERVICE_AREAS.index(code) if code in SERVICE_AREAS else len(SERVICE_AREAS)
