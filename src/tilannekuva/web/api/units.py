"""``/api/v1/units``: the organisation units of the current load, with municipality names.

Units and municipalities are the scopes of ``/api/v1/indicators/{id}/values``; a client needs
this list to label rows by name (Power BI joins it on ``unit_id`` or ``municipality_code``).
"""

from __future__ import annotations

from fastapi import APIRouter

from tilannekuva.model.municipalities import municipality_name
from tilannekuva.web.api.context import CurrentSnapshot
from tilannekuva.web.api.schemas import UnitOut

router = APIRouter()


@router.get(
    "/units",
    response_model=list[UnitOut],
    tags=["units"],
    summary="Organisation units",
    description="Every unit of the current load (extract-v1 `units.csv`), sorted by name: "
    "its municipality (code, and name in Finnish and Swedish), service area and parent unit. "
    "Empty when nothing has been loaded.",
)
def list_units(snapshot: CurrentSnapshot) -> list[UnitOut]:
    return [
        UnitOut(
            unit_id=unit.unit_id,
            name=unit.name,
            municipality_code=unit.municipality_code,
            municipality_name_fi=municipality_name(unit.municipality_code, "fi"),
            municipality_name_sv=municipality_name(unit.municipality_code, "sv"),
            service_area=unit.service_area,
            parent_id=unit.parent_id,
        )
        for unit in snapshot.units
    ]
