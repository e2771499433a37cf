"""Build a document's pages on worker threads, in order, a few at a time.

Building a scanned page is mostly Tesseract, a subprocess: threads overlap it well. PyMuPDF calls are
serialised inside the providers, so sharing one Document between threads is safe. At most `workers`
pages are in flight or waiting, so memory stays at a few pages whatever the document's length.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from docai.document import Document, Page

_log = logging.getLogger(__name__)


def iter_pages(doc: Document, workers: int = 1) -> Iterator[Page]:
    """`doc.pages()`, with up to `workers` pages built ahead in parallel; same pages, same order.

    Errors (InputError for a bad page, ...) surface when their page is reached.
    """
    numbers = list(doc.page_numbers)
    if workers <= 1 or len(numbers) <= 1:
        yield from doc.pages()
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="docai-page") as pool:
        pending: deque[Future[Page]] = deque()
        todo = iter(numbers)
        try:
            for n in todo:
                pending.append(pool.submit(doc.page, n))
                if len(pending) >= workers:
                    break
            while pending:
                page = pending.popleft().result()
                nxt = next(todo, None)
                if nxt is not None:
                    pending.append(pool.submit(doc.page, nxt))
                yield page
        finally:
            for f in pending:
                f.cancel()
