"""All corpus checks, source by source (see corpus_checks_reply and corpus_checks_mime)."""

from __future__ import annotations

from tests.mail import corpus_checks_mime as mime
from tests.mail import corpus_checks_reply as reply
from tests.mail.corpus_run import CorpusRun, Outcome


def evaluate(run: CorpusRun) -> list[Outcome]:
    """Every expectation of every source, checked against what the parser produced."""
    outcomes: list[Outcome] = []
    for source in (
        "github-email_reply_parser",
        "zapier-email-reply-parser",
        "willdurand-EmailReplyParser",
        "crisp-email-reply-parser",
    ):
        outcomes.extend(reply.fragment_sources(run, source))
    outcomes.extend(reply.mail_parser_reply(run))
    outcomes.extend(reply.discourse(run))
    outcomes.extend(reply.talon(run))
    outcomes.extend(mime.sisimai(run))
    outcomes.extend(mime.osticket(run))
    outcomes.extend(mime.zammad(run))
    outcomes.extend(mime.enmime(run))
    outcomes.extend(mime.spamscope(run))
    outcomes.extend(mime.request_tracker(run))
    outcomes.extend(mime.django_helpdesk(run))
    outcomes.extend(mime.cpython(run))
    outcomes.extend(mime.outlook_msg(run))
    return outcomes
