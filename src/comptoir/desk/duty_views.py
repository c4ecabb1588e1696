"""Who is on duty, and the triage queue they work: parse, read, render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from comptoir.core.clock import now as clock_now
from comptoir.desk.views import staff_required
from comptoir.dispatch.models import Rota
from comptoir.dispatch.services import duty_board
from comptoir.tickets import selectors


@staff_required
def duty(request: HttpRequest) -> HttpResponse:
    """Procedure 003: who is on duty (triage, hotline) and on call (emergency line) now,
    and who next."""
    board = duty_board(at=clock_now())
    # The agents of the emergency line opt their devices in to its pushes here.
    emergency_line = any(d.rota.kind == Rota.Kind.EMERGENCY for d in board)
    return render(request, "desk/duty.html", {"board": board, "emergency_line": emergency_line})


@staff_required
def triage(request: HttpRequest) -> HttpResponse:
    page_arg = request.GET.get("page", "1")
    page = selectors.triage(request.user, page=int(page_arg) if page_arg.isdigit() else 1)
    # The agent's own turn on duty if he has one, else the rota that triages for everyone.
    boards = [d for d in duty_board(at=clock_now()) if d.rota.kind == Rota.Kind.ON_DUTY]
    on_duty = next(
        (d for d in boards if d.now_user == request.user),
        next((d for d in boards if d.rota.is_general), next(iter(boards), None)),
    )
    return render(request, "desk/duty_triage.html", {"page": page, "on_duty": on_duty})
