"""Read a form out of a rendered page and give back what a browser would submit from it:
text, hidden, date and time inputs, ticked boxes, chosen options and textareas."""
from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict


class _FormReader(HTMLParser):
    def __init__(self, where):
        super().__init__(convert_charrefs=True)
        self.where, self.inside, self.found = where, False, False
        self.fields, self._select, self._textarea, self._text = [], None, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.found:
            self.inside = self.where in attrs.get("class", "").split() or self.where in attrs.get("action", "")
            self.found = self.inside
        if not self.inside or "name" not in attrs and tag not in ("option",):
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((attrs["name"], attrs.get("value", "on")))
            elif kind not in ("submit", "button"):
                self.fields.append((attrs["name"], attrs.get("value", "")))
        elif tag == "select":
            self._select = [attrs["name"], None, None]
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select[1] is None:
                self._select[1] = value
            if "selected" in attrs:
                self._select[2] = value
        elif tag == "textarea":
            self._textarea, self._text = attrs["name"], []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select is not None:
            name, first, chosen = self._select
            self.fields.append((name, chosen if chosen is not None else first or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None


def form_fields(html: str, where: str = "plan-form", **changes) -> MultiDict:
    """The fields of the page's first form whose class or action has `where`, as submitted.
    Changes (contacts__0__name for contacts.0.name) replace or add fields; a list value stands
    for several values (ticked days), None removes the field."""
    reader = _FormReader(where)
    reader.feed(html)
    assert reader.found, f"no form {where!r} on the page"
    fields = MultiDict(reader.fields)
    for name, value in changes.items():
        name = name.replace("__", ".")
        fields.poplist(name)
        if isinstance(value, list):
            for item in value:
                fields.add(name, item)
        elif value is not None:
            fields[name] = value
    return fields
