"""SIFT keypoints (scikit-image) on an image and on a rotated, scaled copy; matches checked against the known warp."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine._validate import check_choice, check_float, check_int

IMAGES = ("camera", "astronaut", "coins", "brick")
MAX_SIDE = 256
INLIER_PX = 3.0


def image(name="camera", size=128):
    """A bundled grey-scale image in [0, 1], its centre square resized to (size, size). Nothing is downloaded."""
    check_choice("name", name, IMAGES)
    size = check_int("size", size, low=32, high=MAX_SIDE)
    from skimage import data
    from skimage.color import rgb2gray
    from skimage.transform import resize
    pixels = getattr(data, name)()
    gray = rgb2gray(pixels) if pixels.ndim == 3 else pixels / 255.0
    side = min(gray.shape)
    top, left = (gray.shape[0] - side) // 2, (gray.shape[1] - side) // 2
    return np.clip(resize(gray[top:top + side, left:left + side], (size, size), anti_aliasing=True), 0, 1)


def _check_image(img):
    img = np.asarray(img, dtype=float)
    if img.ndim != 2:
        raise ValueError(f"image must be a 2-D grey-scale array, got shape {img.shape}")
    if min(img.shape) < 32 or max(img.shape) > MAX_SIDE:
        raise ValueError(f"image sides must be between 32 and {MAX_SIDE} pixels, got {img.shape}")
    if not np.all(np.isfinite(img)):
        raise ValueError("image must contain only finite values")
    return img


def similarity(shape, angle, scale):
    """The warp that scales by ``scale`` and rotates by ``angle`` degrees (anticlockwise on screen) about the
    image centre, shifted so the whole result fits a new canvas: returns (3×3 matrix on (col, row, 1),
    output shape)."""
    rows, cols = shape
    theta = np.deg2rad(angle)
    c, s = scale * np.cos(theta), scale * np.sin(theta)
    # On screen rows grow downwards, so an anticlockwise turn is a clockwise one in (col, row) coordinates.
    A = np.array([[c, s], [-s, c]])
    corners = np.array([[0, 0], [cols - 1, 0], [0, rows - 1], [cols - 1, rows - 1]], float)
    moved = corners @ A.T
    low, high = np.round(moved.min(axis=0), 9), moved.max(axis=0)
    span = np.round(high - low, 9)  # cos 90° is 6e-17, not 0: do not let it add a pixel
    out_cols, out_rows = int(np.ceil(span[0])) + 1, int(np.ceil(span[1])) + 1
    matrix = np.eye(3)
    matrix[:2, :2], matrix[:2, 2] = A, -low
    return matrix, (out_rows, out_cols)


def warp_image(img, angle, scale):
    """``img`` rotated and scaled by ``similarity`` (bilinear), on a canvas that holds all of it: (image, matrix)."""
    from skimage.transform import AffineTransform, warp
    matrix, shape = similarity(img.shape, angle, scale)
    if max(shape) > 2 * MAX_SIDE:
        raise ValueError(f"scale makes the copy too large ({shape[0]} × {shape[1]} pixels)")
    out = warp(img, AffineTransform(matrix=matrix).inverse, output_shape=shape, order=1, cval=0.0,
               preserve_range=True)
    return out, matrix


def map_points(points, matrix):
    """(row, col) points (n, 2) through a 3×3 matrix on (col, row, 1): returns (n, 2) as (row, col)."""
    points = np.asarray(points, float).reshape(-1, 2)
    xy = np.c_[points[:, 1], points[:, 0], np.ones(len(points))] @ matrix.T
    return np.c_[xy[:, 1], xy[:, 0]]


@dataclass(frozen=True)
class Keypoints:
    positions: np.ndarray     # (n, 2) (row, col)
    sigmas: np.ndarray        # (n,) scale of each keypoint, in pixels of the image
    orientations: np.ndarray  # (n,) radians
    descriptors: np.ndarray   # (n, 128)


def sift(img, **options):
    """scikit-image's SIFT on a grey-scale image: returns Keypoints (possibly none)."""
    from skimage.feature import SIFT
    img = _check_image(img) if img.shape[0] <= MAX_SIDE and img.shape[1] <= MAX_SIDE else np.asarray(img, float)
    detector = SIFT(**options)
    try:
        detector.detect_and_extract(img)
    except RuntimeError:  # scikit-image raises when it finds no keypoint at all
        return Keypoints(np.zeros((0, 2)), np.zeros(0), np.zeros(0), np.zeros((0, 128), np.uint8))
    return Keypoints(detector.keypoints.astype(float), np.asarray(detector.sigmas, float),
                     np.asarray(detector.orientations, float), detector.descriptors)


@dataclass(frozen=True)
class MatchResult:
    keypoints1: Keypoints
    keypoints2: Keypoints
    transformed: np.ndarray   # the rotated, scaled copy
    matrix: np.ndarray        # 3×3 warp on (col, row, 1), original → copy
    matches: np.ndarray       # (m, 2) int: index into keypoints1, index into keypoints2
    inlier: np.ndarray        # (m,) bool: the match lands within 3 px of where the warp sends its keypoint
    inlier_ratio: float       # share of matches that are inliers (0 when there are none)
    repeatability: float      # share of original keypoints with a keypoint of the copy within 3 px of their image


def match_transformed(image, angle=30.0, scale=1.0, max_ratio=0.8, tolerance=INLIER_PX, reference=None):
    """Detect SIFT keypoints in ``image`` and in a copy rotated by ``angle`` degrees and scaled by ``scale``,
    match their descriptors (mutual nearest neighbours passing Lowe's ratio test ``max_ratio``), and check every
    match against the known warp.

    Parameters
    ----------
    image : array (h, w), grey levels, sides 32 … 256
    angle : float, degrees, −360 … 360
    scale : float, 0.25 … 2
    max_ratio : float in (0, 1]: a match is kept only if its best descriptor distance is below this share of
        the second best
    tolerance : float, pixels: how close to the predicted position a match must land to count as correct
    reference : optional Keypoints of ``image`` from ``sift(image)``, to reuse across several copies

    Returns
    -------
    MatchResult with both images' keypoints, ``matches`` (m, 2), ``inlier_ratio`` and ``repeatability``.
    """
    from skimage.feature import match_descriptors
    img = _check_image(image)
    angle = check_float("angle", angle, low=-360.0, high=360.0)
    scale = check_float("scale", scale, low=0.25, high=2.0)
    max_ratio = check_float("max_ratio", max_ratio, low=0.0, high=1.0, low_inclusive=False)
    tolerance = check_float("tolerance", tolerance, low=0.0, low_inclusive=False)
    transformed, matrix = warp_image(img, angle, scale)
    first = sift(img) if reference is None else reference
    second = sift(transformed)
    predicted = map_points(first.positions, matrix)
    if len(first.positions) and len(second.positions):
        matches = match_descriptors(first.descriptors, second.descriptors, max_ratio=max_ratio, cross_check=True)
        distance = np.linalg.norm(second.positions[None, :, :] - predicted[:, None, :], axis=2)
        repeatability = float(np.mean(distance.min(axis=1) <= tolerance))
    else:
        matches, repeatability = np.zeros((0, 2), int), 0.0
    inlier = (np.linalg.norm(second.positions[matches[:, 1]] - predicted[matches[:, 0]], axis=1) <= tolerance
              if len(matches) else np.zeros(0, bool))
    ratio = float(inlier.mean()) if len(matches) else 0.0
    return MatchResult(first, second, transformed, matrix, np.asarray(matches, int), inlier, ratio, repeatability)


@dataclass(frozen=True)
class ScaleSpace:
    sigmas: np.ndarray    # (levels,) blur of each level, in pixels
    blurred: np.ndarray   # (levels, h, w): the image convolved with Gaussians of those widths
    dogs: np.ndarray      # (levels − 1, h, w): differences of neighbouring levels, blurred[i + 1] − blurred[i]


def scale_space(image, sigma=1.6, levels=5, step=2 ** 0.5):
    """One octave of SIFT's Gaussian scale space and its differences of Gaussians (DoG).

    Level i is the image blurred with σᵢ = sigma · stepⁱ; DoGᵢ = Lᵢ₊₁ − Lᵢ approximates (step − 1) σᵢ² ∇²G * I,
    so a blob of radius r answers most strongly at the level where σ ≈ r / √2."""
    from skimage.filters import gaussian
    img = _check_image(image)
    sigma = check_float("sigma", sigma, low=0.1, high=20.0)
    levels = check_int("levels", levels, low=2, high=8)
    step = check_float("step", step, low=1.01, high=4.0)
    sigmas = sigma * step ** np.arange(levels)
    blurred = np.stack([gaussian(img, sigma=s, mode="reflect", preserve_range=True) for s in sigmas])
    return ScaleSpace(sigmas, blurred, np.diff(blurred, axis=0))
