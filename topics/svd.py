"""SVD: rank-k reconstruction of a bundled image, its singular values, energy kept and storage against k."""
import base64
import io

import numpy as np
import streamlit as st
from PIL import Image

from engine import svd
from ui import controls
from ui.page import Claim, Identity, live_part, metric_row, topic_page
from ui.snippet import reproduce
from ui.theme import MUTED, PALETTE, figure, mark_x, show

SIZE = 192
IMAGE_LABELS = {"camera": "cameraman", "astronaut": "astronaut", "coins": "coins", "china": "Chinese temple",
                "noise": "random noise"}


@st.cache_data(max_entries=8, show_spinner=False)
def decomposition(name):
    A = svd.image(name, SIZE)
    U, s, Vt = svd.decompose(A)
    # The syllabus claim is about the image, not k: how good are the top 10 % of the terms?
    tenth = max(1, len(s) // 10)
    return A, (U, s, Vt), tenth, svd.low_rank(A, tenth, svd=(U, s, Vt)).relative_error


@st.cache_data(max_entries=32, show_spinner=False)
def reconstruction(name, k):
    A, factors, _, _ = decomposition(name)
    fit = svd.low_rank(A, k, svd=factors)
    return fit, png(fit.approx)


def png(pixels):
    """Grey-scale pixels in [0, 1] as a PNG data URI (clipped: a low-rank image overshoots a little)."""
    buffer = io.BytesIO()
    Image.fromarray(np.round(np.clip(pixels, 0, 1) * 255).astype(np.uint8), mode="L").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@st.cache_data(max_entries=8, show_spinner=False)
def original_png(name):
    return png(decomposition(name)[0])


def images_figure(original, approx, k, fit):
    """The original and the rank-k image side by side, both layout images (a k move redraws only the layout)."""
    panel = dict(range=[0, SIZE], showticklabels=False, showgrid=False, zeroline=False, ticks="", constrain="domain")
    label = dict(xref="paper", yref="paper", y=1.0, yanchor="bottom", showarrow=False, font=dict(size=15))
    fig = figure("", height=400, margin=dict(l=10, r=10, t=40, b=10), showlegend=False,
                 xaxis=dict(domain=[0, 0.48], **panel), yaxis=dict(scaleanchor="x", **panel),
                 xaxis2=dict(domain=[0.52, 1], **panel), yaxis2=dict(anchor="x2", scaleanchor="x2", **panel),
                 annotations=[dict(text="original (rank 192)", x=0.24, xanchor="center", **label),
                              dict(text=f"rank {k}: error {fit.relative_error:.1%}", x=0.76, xanchor="center", **label)])
    fig.layout["images"] = [dict(source=src, xref=xr, yref=yr, x=0, y=SIZE, sizex=SIZE, sizey=SIZE, sizing="stretch",
                                 layer="below", xanchor="left", yanchor="top")
                            for src, xr, yr in ((original, "x", "y"), (approx, "x2", "y2"))]
    # Two invisible points give each panel its data; the pictures are layout.
    fig.add_traces([dict(type="scatter", x=[0, SIZE], y=[0, SIZE], mode="markers", marker=dict(opacity=0),
                         hoverinfo="skip", xaxis=xa, yaxis=ya) for xa, ya in (("x", "y"), ("x2", "y2"))])
    return fig


def spectrum_figure(s, k):
    """Left: the singular values (log scale) with the kept ones and the dropped tail. Right: energy and storage."""
    r = len(s)
    idx = np.arange(1, r + 1)
    error = np.sqrt(np.maximum(1 - np.cumsum(s**2) / np.sum(s**2), 0))  # Eckart–Young, relative
    storage = idx * (2 * r + 1) / r**2
    title = dict(xref="paper", yref="paper", y=1.02, yanchor="bottom", showarrow=False, font=dict(size=15))
    fig = figure("", height=360, margin=dict(t=50, b=60),
                 xaxis=dict(domain=[0, 0.44], title="i", range=[0, r + 1]),
                 yaxis=dict(type="log", title="σᵢ", exponentformat="power", range=[np.log10(max(s[-1], 1e-6)) - 0.2, np.log10(s[0]) + 0.2]),
                 xaxis2=dict(domain=[0.56, 1], title="k (terms kept)", range=[0, r + 1]),
                 yaxis2=dict(anchor="x2", range=[0, 1.6], title="share", tickformat=".0%"),
                 legend=dict(x=0.57, y=0.98, yanchor="top", orientation="v"),
                 annotations=[dict(text="Singular values, largest first", x=0.22, xanchor="center", **title),
                              dict(text="Error and storage against k", x=0.78, xanchor="center", **title)])
    fig.add_traces([
        dict(type="scatter", x=idx, y=s, mode="lines", line=dict(color=PALETTE[0], width=3), name="σᵢ",
             showlegend=False),
        dict(type="scatter", x=idx, y=error, mode="lines", line=dict(color=PALETTE[2], width=3),
             name="error ‖A − A_k‖ / ‖A‖", xaxis="x2", yaxis="y2"),
        dict(type="scatter", x=idx, y=storage, mode="lines", line=dict(color=PALETTE[3], width=3),
             name="stored / pixels", xaxis="x2", yaxis="y2"),
        dict(type="scatter", x=[0, r + 1], y=[1, 1], mode="lines", line=dict(color=MUTED, dash="dot"),
             showlegend=False, xaxis="x2", yaxis="y2", hoverinfo="skip"),
    ])
    fig.add_shape(type="rect", x0=k + 0.5, x1=r + 1, y0=0, y1=1, xref="x", yref="y domain", fillcolor=MUTED,
                  opacity=0.18, line=dict(width=0), layer="below")
    mark_x(fig, k + 0.5, f"k = {k}")
    fig.add_shape(type="line", x0=k, x1=k, y0=0, y1=1, xref="x2", yref="y2 domain",
                  line=dict(color="#111827", dash="dash", width=2))
    return fig


def snippet(name, k):
    load = ("pixels = rng.uniform(size=(192, 192))" if name == "noise" else
            "from sklearn.datasets import load_sample_image\n        pixels = rgb2gray(load_sample_image('china.jpg'))"
            if name == "china" else f"pixels = data.{name}()\n        pixels = rgb2gray(pixels) if pixels.ndim == 3 "
                                    "else pixels / 255.0")
    return f"""
        import numpy as np
        from skimage import data
        from skimage.color import rgb2gray
        from skimage.transform import resize

        rng = np.random.default_rng(0)
        {load}
        if pixels.shape != (192, 192):  # centre square, shrunk to 192 × 192 grey levels in [0, 1]
            side = min(pixels.shape)
            top, left = (pixels.shape[0] - side) // 2, (pixels.shape[1] - side) // 2
            pixels = np.clip(resize(pixels[top:top + side, left:left + side], (192, 192), anti_aliasing=True), 0, 1)
        A, k = pixels, {k}
        U, s, Vt = np.linalg.svd(A, full_matrices=False)
        A_k = (U[:, :k] * s[:k]) @ Vt[:k]                   # keep the k largest singular values
        m, n = A.shape
        print(f"relative error: {{np.linalg.norm(A - A_k) / np.linalg.norm(A):.4f}}")
        print(f"largest singular value: {{s[0]:.3f}}")
        print(f"numbers stored: {{k * (m + n + 1)}}")
    """


@live_part
def rank_part(k_box, images_box, spectrum_box, metrics_box, name):
    A, factors, _, _ = decomposition(name)
    m, n = A.shape
    with k_box:
        k = controls.slider("k: singular values kept", "svd_k", 1, min(m, n), 20,
                            help="The rank-k image is Σ_{i≤k} σᵢ uᵢ vᵢᵀ: the k largest terms of the SVD.")
    fit, approx = reconstruction(name, k)
    s = fit.singular_values
    with images_box:
        show(images_figure(original_png(name), approx, k, fit), "svd_images")
    with spectrum_box:
        show(spectrum_figure(s, k), "svd_spectrum")
    energy = float(np.sum(s[:k] ** 2) / np.sum(s**2))
    with metrics_box:
        metric_row({"relative error": f"{fit.relative_error:.4f}", "energy kept": f"{energy:.1%}"},
                   help={"energy kept": "Σ_{i≤k} σᵢ² / Σ σᵢ²: the first term alone, the image's average brightness, "
                                        "holds most of it."})
        st.markdown(f"**{fit.stored:,}** numbers stored for {m * n:,} pixels: k(m + n + 1), with m = n = {m}.")
        reproduce("svd", snippet(name, k), {"relative error": f"{fit.relative_error:.4f}",
                                           "largest singular value": f"{s[0]:.3f}", "numbers stored": str(fit.stored)},
                  needs="numpy scikit-image scikit-learn")
    return [
        Identity("Eckart–Young: the rank-k truncation is the best rank-k approximation, and its error is the "
                 "root-sum-square of the dropped singular values.",
                 f"‖A − A_k‖_F = {fit.error:.4f}", f"√(Σ_{{i>k}} σᵢ²) = {svd.tail_energy(s, k):.4f}",
                 "A − A_k = Σ_{i>k} σᵢ uᵢ vᵢᵀ, and those rank-one terms are orthonormal in the Frobenius inner product"),
        Claim("Keeping only k terms compresses the matrix.",
              f"k(m + n + 1) = {fit.stored:,} numbers vs m·n = {m * n:,} pixels", fit.stored < m * n),
    ]


def play():
    controls_col, images_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        k_box = st.container()
        name = controls.choice("Image", "svd_img", list(svd.IMAGES), labels=IMAGE_LABELS,
                               help="192 × 192 grey levels; 'random noise' has no structure at all.")
        metrics_box = st.container()
    spectrum_box = st.container()
    _, _, tenth, tenth_error = decomposition(name)
    rank_part(k_box, images_col, spectrum_box, metrics_box, name)
    return [Claim("Highly correlated data have many small singular values that can be dropped: here the top 10 % of "
                  "the terms rebuild the image to within 10 % error.",
                  f"rank {tenth} relative error = {tenth_error:.1%} for the {IMAGE_LABELS[name]} image",
                  tenth_error <= 0.10)]


topic_page("svd", play)
