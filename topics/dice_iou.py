"""Dice and IoU: two discs you move and resize, their overlap, the curve Dice = 2·IoU/(1 + IoU), and why a miss
costs a small object more."""
import numpy as np
import streamlit as st

from engine import overlap
from ui import controls
from ui.page import Claim, Identity, live_part, metric_row, topic_page
from ui.shapes import mark_point
from ui.snippet import reproduce
from ui.theme import MUTED, NEGATIVE, POSITIVE, figure, mark_x, show, square_axes

LARGER = 3.0
OFFSETS = np.arange(0, 61, 1.0)


@st.cache_data(max_entries=64, show_spinner=False)
def scores(r_a, r_b, dx, dy, scale=1.0):
    pair = overlap.disc_masks(r_a, r_b, dx, dy, scale)
    a, b = pair.a, pair.b
    return dict(dice=overlap.dice(a, b), iou=overlap.iou(a, b), area_a=int(a.sum()), area_b=int(b.sum()),
                inter=int(np.sum(a & b)), union=int(np.sum(a | b)))


@st.cache_data(max_entries=32, show_spinner="Measuring every offset…")
def sweep(r_a, r_b, dy):
    """IoU and Dice at every offset, for these discs and for the same discs three times larger."""
    out = {}
    for scale in (1.0, LARGER):
        rows = [scores(r_a, r_b, float(dx), dy, scale) for dx in OFFSETS]
        out[scale] = {key: np.array([row[key] for row in rows]) for key in ("iou", "dice")}
    return out


def discs_figure(r_a, r_b, dx, dy, s):
    fig = figure(f"Dice {s['dice']:.3f} · IoU {s['iou']:.3f}", height=430, margin=dict(t=50, l=50, r=10, b=55))
    for (cx, cy, r, color, name, where) in ((0, 0, r_a, NEGATIVE, "A (truth)", "bottom"),
                                           (dx, dy, r_b, POSITIVE, "B (prediction)", "top")):
        fig.add_shape(type="circle", x0=cx - r, x1=cx + r, y0=cy - r, y1=cy + r, fillcolor=color, opacity=0.35,
                      line=dict(color=color, width=3))
        fig.add_annotation(x=cx, y=cy + r if where == "top" else cy - r, yanchor="bottom" if where == "top" else "top",
                           text=name, showarrow=False, font=dict(color=color))
    fig.update_xaxes(range=[-45, 105], title="pixels")
    fig.update_yaxes(range=[-50, 80])
    return square_axes(fig)


def relation_figure(s):
    j = np.linspace(0, 1, 101)
    fig = figure("Dice = 2·IoU / (1 + IoU)", height=430, margin=dict(t=50, l=60, r=10), showlegend=False)
    fig.add_trace(dict(type="scatter", x=j, y=j, mode="lines", name="Dice = IoU", line=dict(color=MUTED, dash="dot")))
    fig.add_trace(dict(type="scatter", x=j, y=2 * j / (1 + j), name="Dice", line=dict(color=NEGATIVE, width=3)))
    mark_point(fig, s["iou"], s["dice"], "these discs")
    fig.add_annotation(x=0.78, y=0.3, text="dotted: Dice = IoU", showarrow=False, font=dict(color="#6B7280"))
    fig.update_xaxes(range=[-0.02, 1.02], title="IoU")
    fig.update_yaxes(range=[-0.02, 1.02], title="Dice")
    return square_axes(fig)


def sweep_figure(curves, dx, r_a, r_b):
    fig = figure("The same miss in pixels: small discs against discs three times larger", height=360,
                 margin=dict(t=80))
    for scale, dash, label in ((1.0, "solid", f"radii {r_a:g}, {r_b:g}"), (LARGER, "dash", f"radii ×{LARGER:g}")):
        fig.add_trace(dict(type="scatter", x=OFFSETS, y=curves[scale]["iou"], name=f"IoU, {label}",
                           line=dict(color=NEGATIVE, width=3, dash=dash)))
        fig.add_trace(dict(type="scatter", x=OFFSETS, y=curves[scale]["dice"], name=f"Dice, {label}",
                           line=dict(color=POSITIVE, width=3, dash=dash)))
    mark_x(fig, dx, f"offset {dx:g} px")
    fig.update_xaxes(range=[0, 60], title="horizontal offset of B (pixels)")
    fig.update_yaxes(range=[0, 1.02], title="score")
    return fig


SNIPPET = '''
import numpy as np
from sklearn.metrics import f1_score, jaccard_score

r_a, r_b, dx, dy = {r_a}, {r_b}, {dx}, {dy}
x = np.arange(np.floor(min(-r_a, dx - r_b)) - 2, np.ceil(max(r_a, dx + r_b)) + 3)
y = np.arange(np.floor(min(-r_a, dy - r_b)) - 2, np.ceil(max(r_a, dy + r_b)) + 3)
xx, yy = np.meshgrid(x, y)
truth = xx ** 2 + yy ** 2 <= r_a ** 2                        # disc A at the origin
predicted = (xx - dx) ** 2 + (yy - dy) ** 2 <= r_b ** 2      # disc B at (dx, dy)
print(f"intersection: {{int(np.sum(truth & predicted))}}")
print(f"Dice: {{f1_score(truth.ravel(), predicted.ravel()):.4f}}")   # Dice is F1 over pixels
print(f"IoU: {{jaccard_score(truth.ravel(), predicted.ravel()):.4f}}")
'''


@live_part
def offset_part(offset_box, discs_box, relation_box, sweep_box, metrics_box, settings):
    """The offset and what it moves: disc B, both scores, the point on the curve, the marker on the sweep."""
    r_a, r_b, dy = settings
    with offset_box:
        dx = float(controls.slider("Horizontal offset of B (pixels)", "di_dx", 0, 60, 10))
    s = scores(r_a, r_b, dx, dy)
    larger = scores(r_a, r_b, dx, dy, LARGER)
    with discs_box:
        show(discs_figure(r_a, r_b, dx, dy, s), "di_discs")
    with relation_box:
        show(relation_figure(s), "di_relation")
    with sweep_box:
        show(sweep_figure(sweep(r_a, r_b, dy), dx, r_a, r_b), "di_sweep")
    with metrics_box:
        metric_row({"|A|": f"{s['area_a']:,}", "|B|": f"{s['area_b']:,}", "|A ∩ B|": f"{s['inter']:,}",
                    "|A ∪ B|": f"{s['union']:,}"})
        metric_row({"Dice": f"{s['dice']:.3f}", "IoU": f"{s['iou']:.3f}"})
        reproduce("dice_iou", SNIPPET.format(r_a=float(r_a), r_b=float(r_b), dx=dx, dy=float(dy)),
                  {"intersection": str(s["inter"]), "Dice": f"{s['dice']:.4f}", "IoU": f"{s['iou']:.4f}"},
                  needs="numpy scikit-learn")
    precision = s["inter"] / s["area_b"]
    recall = s["inter"] / s["area_a"]
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return [
        Identity("Dice = 2·IoU / (1 + IoU), so Dice is never below IoU and both rank predictions alike.",
                 f"Dice {s['dice']:.4f}", f"2 × {s['iou']:.4f} / (1 + {s['iou']:.4f}) = {2 * s['iou'] / (1 + s['iou']):.4f}",
                 "with I = |A ∩ B| and U = |A ∪ B| = |A| + |B| − I, Dice = 2I/(U + I) = 2(I/U)/(1 + I/U)"),
        Identity("Dice is the F1 score of the predicted pixels.",
                 f"Dice {s['dice']:.4f}",
                 f"F1 from precision {precision:.3f} (share of B inside A) and recall {recall:.3f} (share of A "
                 f"covered) = {f1:.4f}",
                 "2PR/(P + R) with P = I/|B| and R = I/|A| simplifies to 2I/(|A| + |B|)"),
        Claim("Missing by a few pixels costs a small object no more than a large one.",
              f"at {dx:g} px offset, IoU is {s['iou']:.3f} for these discs and {larger['iou']:.3f} for the same discs "
              f"{LARGER:g}× larger (differences up to 0.05 count as equal)",
              abs(s["iou"] - larger["iou"]) <= 0.05),
    ]


def play():
    controls_col, discs_col, relation_col = st.columns([1, 1.9, 1.25], gap="small")
    with controls_col:
        offset_box = st.container()  # the offset comes first: it is what this page is about
        r_a = controls.slider("Radius of A, the truth (pixels)", "di_ra", 4, 40, 20)
        r_b = controls.slider("Radius of B, the prediction (pixels)", "di_rb", 4, 40, 20)
        dy = controls.slider("Vertical offset of B (pixels)", "di_dy", 0, 30, 0)
    sweep_col, metrics_col = st.columns([1.8, 1], gap="large")
    offset_part(offset_box, discs_col, relation_col, sweep_col, metrics_col, (r_a, r_b, dy))


topic_page("dice_iou", play)
