"""One module per page type; each defines ``router`` (an ``APIRouter``)."""
