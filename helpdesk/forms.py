"""The base class of every form: only text reaches text fields."""

from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import FileField


class DeskForm(FlaskForm):
    """A FlaskForm that drops values a browser form could not have sent.

    Flask-WTF feeds a JSON body's values (numbers, lists, objects) and
    uploaded files into any field of the same name, and the text validators
    raise on them, which turned a crafted request into a server error. Here
    a file reaches only a file field, and a non-string JSON value reaches
    no field, so the form reports the value as missing instead.
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            wrapped = super().wrap_formdata(form, formdata)
            if wrapped is None:
                return None

            file_fields = {
                name
                for name, field in form._fields.items()
                if isinstance(field, FileField)
            }
            cleaned = MultiDict()
            for name, value in wrapped.items(multi=True):
                if isinstance(value, FileStorage):
                    if name in file_fields:
                        cleaned.add(name, value)
                elif isinstance(value, str) and name not in file_fields:
                    cleaned.add(name, value)
            return cleaned
