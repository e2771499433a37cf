"""Shared parts of the vision-language engines (`transformers`, `openai`).

prompts: every prompt text; output: parse, validate, normalize model replies; pages: page images and
request groups; merge: combine group results by the schema; common: the extract/ask flow both use.
"""
