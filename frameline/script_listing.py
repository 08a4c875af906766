"""What `frameline script parse` prints, from the fast launcher path and from the full CLI alike.

`script parse` is timed as a whole process against other parsers' command lines, so this module
does not import `json` (which brings `re` and `enum`, together more than parsing a feature
takes). JSON is written one element to a line, strings escaped by json's own C function, and
read back by any JSON parser as the document INTERFACES.md defines.
"""

from __future__ import annotations

from memory.screenplay.elements import Screenplay

try:
    from _json import encode_basestring as _quote
except ImportError:  # an interpreter without json's C speedups
    from json.encoder import py_encode_basestring as _quote


def script_listing(screenplay: Screenplay, as_json: bool) -> str:
    """The title page and elements as text lines, or as the JSON document INTERFACES.md defines."""
    if not as_json:
        lines = [f"{key}: {value}" for key, value in screenplay.title_page.items()]
        lines += [f"{element.type:<14} {element.text}" for element in screenplay.elements]
        return "".join(f"{line}\n" for line in lines)
    rows = ",\n    ".join([_object(element.to_json()) for element in screenplay.elements])
    elements = f"[\n    {rows}\n  ]" if rows else "[]"
    title_page = _object(screenplay.title_page)
    return f'{{\n  "title_page": {title_page},\n  "elements": {elements}\n}}\n'


def _object(fields: dict[str, object]) -> str:
    """A flat JSON object of strings, integers, booleans and nulls, on one line."""
    pairs = [
        f"{_quote(key)}: {_quote(value) if value.__class__ is str else _value(value)}"
        for key, value in fields.items()
    ]
    return "{" + ", ".join(pairs) + "}"


def _value(value: object) -> str:
    if isinstance(value, str):
        return _quote(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    raise TypeError(f"a screenplay listing holds no {type(value).__name__} values")
