"""SIFT: keypoints with scale and orientation, matches to a rotated and scaled copy, repeatability, DoG scale space."""
import base64
import io
from dataclasses import replace

import numpy as np
import streamlit as st
from PIL import Image

from engine import features
from ui import controls
from ui.page import Claim, live_part, metric_row, topic_page
from ui.shapes import add_polylines
from ui.snippet import reproduce
from ui.theme import BAD, GOOD, MUTED, PALETTE, figure, mark_x, show

SIZE = 128
ANGLES = [0, 15, 30, 45, 60, 75, 90]
SCALES = [0.35, 0.5, 0.7, 1.0, 1.4, 2.0]
REPEAT = 0.6  # share of keypoints found again that counts as "invariant"
IMAGE_LABELS = {"camera": "cameraman", "astronaut": "astronaut", "coins": "coins", "brick": "brick wall"}
GAP = 12  # pixels between the two pictures in the matches chart


def png(pixels, low=0.0, high=1.0):
    scaled = np.clip((np.asarray(pixels, float) - low) / (high - low), 0, 1)
    buffer = io.BytesIO()
    Image.fromarray(np.round(scaled * 255).astype(np.uint8), mode="L").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@st.cache_data(max_entries=4, show_spinner=False)
def original(name):
    img = features.image(name, SIZE)
    return img, features.sift(img), png(img)


@st.cache_data(max_entries=64, show_spinner=False)
def matched(name, angle, scale):
    """The match result without its copy's pixels (up to 1 MB each; the PNG is all the page draws), the PNG."""
    img, reference, _ = original(name)
    result = features.match_transformed(img, angle, scale, reference=reference)
    return replace(result, transformed=np.zeros(result.transformed.shape, np.bool_)), png(result.transformed)


def sweep(name, scale):
    """Every angle at this scale (cached one by one, so the angle slider then redraws from the cache)."""
    missing = [a for a in ANGLES if not _is_cached(name, a, scale)]
    bar = st.progress(0.0, text="Running SIFT on rotated copies…") if missing else None
    results = []
    for i, angle in enumerate(ANGLES):
        results.append(matched(name, angle, scale)[0])
        if bar:
            bar.progress((i + 1) / len(ANGLES), text=f"Running SIFT on rotated copies… {angle}°")
    if bar:
        bar.empty()
    return results


def _is_cached(name, angle, scale):
    return (name, angle, scale) in st.session_state.get("sift_seen", set())


def keypoint_paths(kp, offset=(0.0, 0.0), flip_height=None):
    """Circles of radius 2σ around each keypoint and a radius along its orientation, in plot coordinates
    (x = column, y = height − row, so the picture is upright)."""
    circles, ticks = [], []
    angles = np.linspace(0, 2 * np.pi, 19)
    for (row, col), sigma, theta in zip(kp.positions, kp.sigmas, kp.orientations):
        x, y = col + offset[0], flip_height - row + offset[1]
        r = 2 * sigma
        circles.append((x + r * np.cos(angles), y + r * np.sin(angles)))
        # skimage measures orientations from the row axis towards the column axis
        ticks.append((np.array([x, x + r * np.sin(theta)]), np.array([y, y - r * np.cos(theta)])))
    return circles, ticks


def image_layout(source, x, y_top, width, height):
    return dict(source=source, xref="x", yref="y", x=x, y=y_top, sizex=width, sizey=height, sizing="stretch",
                layer="below", xanchor="left", yanchor="top")


def keypoints_figure(img, kp, source):
    h, w = img.shape
    fig = figure(f"{len(kp.positions)} SIFT keypoints: circle = 2σ (scale), line = orientation", height=430,
                 showlegend=False, margin=dict(l=10, r=10, t=50, b=10))
    fig.layout["images"] = [image_layout(source, 0, h, w, h)]
    circles, ticks = keypoint_paths(kp, flip_height=h)
    add_polylines(fig, circles, "scale", line=dict(color="#F0E442", width=1.5), closed=True, showlegend=False)
    add_polylines(fig, ticks, "orientation", line=dict(color="#E69F00", width=2), showlegend=False)
    axis = dict(showticklabels=False, ticks="", showgrid=False, zeroline=False)
    fig.update_layout(xaxis=dict(range=[0, w], constrain="domain", **axis),
                      yaxis=dict(range=[0, h], scaleanchor="x", constrain="domain", **axis))
    return fig


def matches_figure(img, result, copy_source, original_source, angle, scale):
    """Original (left) and the copy (right) as layout images, every match a line: green if it lands where the
    known warp sends its keypoint, red if not. All of it layout, so an angle move redraws only the layout."""
    h, w = img.shape
    ch, cw = result.transformed.shape
    extent = int(np.ceil(scale * (SIZE - 1) * 2 ** 0.5)) + 2  # the copy's widest canvas at this scale (45°)
    height = max(h, extent)  # axis ranges fixed per scale, so an angle move leaves the axes alone
    left = w + GAP
    fig = figure(f"Matches: {int(result.inlier.sum())} correct (green), {int((~result.inlier).sum())} wrong (red)",
                 height=430, showlegend=False, margin=dict(l=10, r=10, t=50, b=10))
    fig.layout["images"] = [image_layout(original_source, 0, height, w, h),
                            image_layout(copy_source, left, height, cw, ch)]
    p1 = result.keypoints1.positions[result.matches[:, 0]] if len(result.matches) else np.zeros((0, 2))
    p2 = result.keypoints2.positions[result.matches[:, 1]] if len(result.matches) else np.zeros((0, 2))
    for good, color in ((True, GOOD), (False, BAD)):
        keep = result.inlier == good
        lines = [(np.array([a[1], left + b[1]]), np.array([height - a[0], height - b[0]]))
                 for a, b in zip(p1[keep], p2[keep])]
        add_polylines(fig, lines, "correct" if good else "wrong", line=dict(color=color, width=1.5), showlegend=False)
    axis = dict(showticklabels=False, ticks="", showgrid=False, zeroline=False)
    fig.update_layout(xaxis=dict(range=[0, left + extent], constrain="domain", **axis),
                      yaxis=dict(range=[0, height], scaleanchor="x", constrain="domain", **axis))
    return fig


def sweep_figure(results, angle):
    fig = figure("Against the rotation angle", height=360, margin=dict(t=50),
                 legend=dict(orientation="v", x=0.02, y=0.02, yanchor="bottom"))
    fig.add_traces([
        dict(type="scatter", x=ANGLES, y=[r.repeatability for r in results], name="keypoints found again",
             mode="lines+markers", line=dict(color=PALETTE[0], width=3)),
        dict(type="scatter", x=ANGLES, y=[r.inlier_ratio for r in results], name="matches that are correct",
             mode="lines+markers", line=dict(color=PALETTE[2], width=3)),
        dict(type="scatter", x=[ANGLES[0], ANGLES[-1]], y=[REPEAT, REPEAT], name="claim threshold", mode="lines",
             line=dict(color=MUTED, dash="dot")),
    ])
    mark_x(fig, angle, f"{angle}°")
    fig.update_xaxes(title="rotation (degrees)", range=[-3, 93], dtick=15)
    fig.update_yaxes(title="share", range=[0, 1.05], tickformat=".0%")
    return fig


@st.cache_data(max_entries=4, show_spinner=False)
def scale_space_png(name):
    img = original(name)[0]
    space = features.scale_space(img, sigma=1.6, levels=5)
    limit = float(np.abs(space.dogs).max())
    pad = np.ones((img.shape[0], 6))
    top = np.hstack([np.hstack([level, pad]) for level in space.blurred[:4]])
    bottom = np.hstack([np.hstack([(dog / limit + 1) / 2, pad]) for dog in space.dogs])
    mosaic = np.vstack([top, np.ones((10, top.shape[1])), bottom])
    return png(mosaic), mosaic.shape, space.sigmas


def scale_space_figure(source, shape, sigmas):
    h, w = shape
    fig = figure("Scale space: Gaussian blurs (top) and their differences, the DoG (bottom; grey = 0)", height=360,
                 showlegend=False, margin=dict(l=10, r=10, t=50, b=10))
    fig.layout["images"] = [image_layout(source, 0, h, w, h)]
    tile = (w + 6) / 4
    for i in range(4):
        fig.add_annotation(x=i * tile + SIZE / 2, y=h + 2, text=f"σ = {sigmas[i]:.1f}", showarrow=False,
                           yanchor="bottom")
        fig.add_annotation(x=i * tile + SIZE / 2, y=-2, text=f"L(σ={sigmas[i + 1]:.1f}) − L(σ={sigmas[i]:.1f})",
                           showarrow=False, yanchor="top")
    axis = dict(showticklabels=False, ticks="", showgrid=False, zeroline=False)
    fig.update_layout(xaxis=dict(range=[0, w], constrain="domain", **axis),
                      yaxis=dict(range=[-14, h + 14], scaleanchor="x", constrain="domain", **axis))
    return fig


def snippet(name, angle, scale):
    return f"""
        import numpy as np
        from skimage import data
        from skimage.color import rgb2gray
        from skimage.feature import SIFT, match_descriptors
        from skimage.transform import AffineTransform, resize, warp

        pixels = data.{name}()
        gray = rgb2gray(pixels) if pixels.ndim == 3 else pixels / 255.0
        side = min(gray.shape)
        top, left = (gray.shape[0] - side) // 2, (gray.shape[1] - side) // 2
        img = np.clip(resize(gray[top:top + side, left:left + side], ({SIZE}, {SIZE}), anti_aliasing=True), 0, 1)

        angle, scale = np.deg2rad({angle}), {scale}                  # rotate anticlockwise on screen, then scale
        A = scale * np.array([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]])  # on (col, row)
        corners = np.array([[0, 0], [{SIZE - 1}, 0], [0, {SIZE - 1}], [{SIZE - 1}, {SIZE - 1}]]) @ A.T
        low, high = np.round(corners.min(0), 9), corners.max(0)
        M = np.eye(3)
        M[:2, :2], M[:2, 2] = A, -low
        span = np.round(high - low, 9)
        shape = (int(np.ceil(span[1])) + 1, int(np.ceil(span[0])) + 1)
        copy = warp(img, AffineTransform(matrix=M).inverse, output_shape=shape, order=1, cval=0.0, preserve_range=True)

        a, b = SIFT(), SIFT()
        a.detect_and_extract(img)
        b.detect_and_extract(copy)
        matches = match_descriptors(a.descriptors, b.descriptors, max_ratio=0.8, cross_check=True)
        xy = np.c_[a.keypoints[:, 1], a.keypoints[:, 0], np.ones(len(a.keypoints))] @ M.T
        predicted = np.c_[xy[:, 1], xy[:, 0]]                         # where each keypoint should be, (row, col)
        correct = np.linalg.norm(b.keypoints[matches[:, 1]] - predicted[matches[:, 0]], axis=1) <= 3
        nearest = np.linalg.norm(b.keypoints[None] - predicted[:, None], axis=2).min(axis=1)
        print(f"keypoints: {{len(a.keypoints)}}")
        print(f"matches: {{len(matches)}}")
        print(f"correct share: {{correct.mean():.3f}}")
        print(f"found again: {{np.mean(nearest <= 3):.3f}}")
    """


@live_part
def angle_part(angle_box, matches_box, sweep_box, metrics_box, name, scale):
    with angle_box:
        angle = controls.log_slider("Rotation of the copy (degrees)", "sift_angle", ANGLES, 30)
    img, kp, source = original(name)
    results = sweep(name, scale)
    seen = st.session_state.setdefault("sift_seen", set())
    seen.update((name, a, scale) for a in ANGLES)
    result, copy_source = matched(name, angle, scale)
    with matches_box:
        show(matches_figure(img, result, copy_source, source, angle, scale), "sift_matches")
    with sweep_box:
        show(sweep_figure(results, angle), "sift_sweep")
    with metrics_box:
        metric_row({"keypoints (original)": str(len(kp.positions)), "keypoints (copy)": str(len(result.keypoints2.positions)),
                    "matches": str(len(result.matches)), "correct": f"{result.inlier_ratio:.0%}",
                    "found again": f"{result.repeatability:.0%}"},
                   help={"found again": "Share of the original's keypoints with a keypoint of the copy within 3 px of "
                                        "where the rotation and scaling send them."})
        reproduce("sift", snippet(name, angle, scale),
                  {"keypoints": str(len(kp.positions)), "matches": str(len(result.matches)),
                   "correct share": f"{result.inlier_ratio:.3f}", "found again": f"{result.repeatability:.3f}"},
                  needs="numpy scikit-image")
    return [Claim(f"SIFT keypoints are scale and rotation invariant: most of them (≥ {REPEAT:.0%}) are found again in "
                  "a rotated, rescaled copy.",
                  f"rotated {angle}°, scaled ×{scale:g}: {result.repeatability:.0%} of the {len(kp.positions)} "
                  f"keypoints found again; {result.inlier_ratio:.0%} of the {len(result.matches)} matches correct",
                  result.repeatability >= REPEAT)]


def play():
    controls_col, matches_col = st.columns([1, 2.6], gap="large")
    with controls_col:
        angle_box = st.container()
        scale = controls.log_slider("Scale of the copy", "sift_scale", SCALES, 1.0,
                                    help="Below about 0.5 the fine details that carried many keypoints are gone.")
        name = controls.choice("Image", "sift_img", list(features.IMAGES), labels=IMAGE_LABELS,
                               help=f"{SIZE} × {SIZE} grey levels from scikit-image's bundled images.")
    metrics_box = st.container()
    sweep_col, keypoints_col = st.columns(2)
    angle_part(angle_box, matches_col, sweep_col, metrics_box, name, scale)
    img, kp, source = original(name)
    with keypoints_col:
        show(keypoints_figure(img, kp, source), "sift_keypoints")
    mosaic, shape, sigmas = scale_space_png(name)
    show(scale_space_figure(mosaic, shape, sigmas), "sift_dog")


topic_page("sift", play)
