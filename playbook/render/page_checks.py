"""Checks on the generated pages as a whole: unique paths, unique anchors, no reserved ids.

Data decides page names and anchors (a phase id becomes ``process/<id>.md``, a task id an
anchor on it), so two records can claim the same page or the same ``id=``: the second page
would silently replace the first, and a link would go to whichever anchor comes first. These
checks turn both into build errors.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from playbook.data import kinds
from playbook.data.issues import Issue
from playbook.safety import shorten

if TYPE_CHECKING:
    from collections.abc import Sequence

    from playbook.data.model import Playbook
    from playbook.render.pages import Page

#: Ids no record with a page of its own may take: its page would be the section's index.
RESERVED_IDS = frozenset({"index"})

#: An explicit anchor: ``{ #id ... }`` (attr_list) or ``id="..."`` in raw HTML.
_ANCHOR = re.compile(r"\{:?[ \t]*#([^\s}]+)|<[a-zA-Z][^>]*?\sid=\"([^\"]+)\"")


def check_reserved_ids(pb: Playbook) -> list[Issue]:
    """An error for each record, with a page of its own, whose id is in :data:`RESERVED_IDS`."""
    found = []
    for kind in kinds.KINDS:
        for spec in kind.pages:
            if not spec.per_record:
                continue
            for record_id in sorted(set(kinds.index(pb, kind)) & RESERVED_IDS):
                file = pb.files.get(kind.file_key(record_id)) or f"data/{kind.file}"
                uri = spec.uri.format(id=record_id)
                message = (
                    f"{kind.noun} id '{record_id}' is reserved: its page {uri} would be the "
                    "section's index page; choose another id"
                )
                found.append(Issue(file, 1, 1, "error", "reserved-id", message))
    return found


def anchors(markdown: str) -> list[str]:
    """The explicit anchors of a page's Markdown, in order, repeats included."""
    return [a or b for a, b in _ANCHOR.findall(markdown)]


def check_pages(pages: Sequence[Page]) -> list[Issue]:
    """Errors for two generated pages with one path, and for one anchor twice on a page."""
    found = []
    first: dict[str, Page] = {}
    for page in pages:
        where = page.edit_path or page.src_uri
        if (other := first.setdefault(page.src_uri, page)) is not page:
            message = (
                f"two generated pages would be {page.src_uri} (also from "
                f"{other.edit_path or other.src_uri}): rename one of the records"
            )
            found.append(Issue(where, 1, 1, "error", "duplicate-page", message))
        repeated = [a for a, n in Counter(anchors(page.content)).items() if n > 1]
        for anchor in sorted(repeated):
            message = (
                f"{page.src_uri}: two sections share the anchor '#{shorten(anchor)}' (records "
                "of different kinds with one id?): rename one of them"
            )
            found.append(Issue(where, 1, 1, "error", "duplicate-anchor", message))
    return found
