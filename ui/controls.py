"""Controls bound to the URL: every widget has a key and ``bind="query-params"``.

Keys are short and prefixed by the page (``svm_C``) so a shared link reads well and two pages
never share a widget state. Streamlit drops URL values that are not valid for the widget.
"""
from __future__ import annotations

import streamlit as st

BIND = "query-params"


def slider(label, key, min_value, max_value, value, step=None, help=None, **kwargs):
    return st.slider(label, min_value, max_value, value, step, key=key, help=help, bind=BIND, **kwargs)


def _formatter(labels):
    """Show ``labels[value]``, or the value itself when it has no label."""
    return (lambda value: labels.get(value, str(value))) if labels else str


def choice(label, key, options, index=0, help=None, labels=None, horizontal=False, on_change=None):
    """A segmented control (``horizontal``) or a select box; ``labels`` maps option → display text."""
    format_func = _formatter(labels)
    if horizontal:
        value = st.segmented_control(label, options, default=options[index], key=key, help=help,
                                     format_func=format_func, bind=BIND, required=True)
        # An empty URL value (``?key=``) can still come through as None; fall back to the default.
        return options[index] if value is None else value
    return st.selectbox(label, options, index=index, key=key, help=help, format_func=format_func,
                        on_change=on_change, bind=BIND)


def log_slider(label, key, options, value, help=None):
    """A slider over values spaced by powers of ten (C, γ, learning rates)."""
    return st.select_slider(label, options=options, value=value, key=key, help=help,
                            format_func=lambda v: f"{v:g}", bind=BIND)


def multichoice(label, key, options, default, help=None, labels=None):
    return st.multiselect(label, options, default=default, key=key, help=help, format_func=_formatter(labels),
                          bind=BIND)


def toggle(label, key, value=False, help=None):
    return st.toggle(label, value=value, key=key, help=help, bind=BIND)


def integer(label, key, min_value, max_value, value=None, help=None, on_change=None):
    """A whole-number field bound to the URL.

    It is a float field rounded to int: Streamlit 1.67's int ``number_input`` raises OverflowError
    on a URL value such as ``1e309``, while the float field ignores it like any invalid value.
    Leave ``value`` as None when ``st.session_state[key]`` is set by the page (e.g. from a preset).
    """
    initial = "min" if value is None else float(value)
    number = st.number_input(label, float(min_value), float(max_value), initial, step=1.0, format="%.0f", key=key,
                             help=help, on_change=on_change, bind=BIND)
    return int(round(number))


def text(label, key, value, help=None, max_chars=200):
    return st.text_input(label, value=value, key=key, help=help, max_chars=max_chars, bind=BIND)


def powers_of_ten(low_exp: int, high_exp: int, per_decade: int = 3) -> list[float]:
    """Round values from 10^low to 10^high, ``per_decade`` per decade (1, 2, 5 when 3)."""
    mantissas = {1: (1,), 2: (1, 3), 3: (1, 2, 5)}[per_decade]
    values = [float(f"{m}e{e}") for e in range(low_exp, high_exp) for m in mantissas]
    return values + [float(f"1e{high_exp}")]
