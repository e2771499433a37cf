"""Filling a schema from a document's words: one plan per field, then declared strategies in order.

`plan` says once what a field is (its concepts, role, rival party, year and sentence rules);
`strategies` are the small units that fill it, each with `applies(plan)` and `fill(plan, ctx)`, listed
per role in `order`; `totals` decides the document total; `context` holds the pages being read.
"""
