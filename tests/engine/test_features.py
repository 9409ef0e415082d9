import numpy as np
import pytest
from skimage.feature import SIFT, match_descriptors

from engine import features


@pytest.fixture(scope="module")
def camera():
    return features.image("camera", 128)


def test_sift_is_scikit_images_sift(camera):
    ours = features.sift(camera)
    ref = SIFT()
    ref.detect_and_extract(camera)
    np.testing.assert_array_equal(ours.positions, ref.keypoints)
    np.testing.assert_array_equal(ours.descriptors, ref.descriptors)
    np.testing.assert_allclose(ours.sigmas, ref.sigmas)


def test_identity_copy_matches_every_keypoint_to_itself(camera):
    r = features.match_transformed(camera, angle=0.0, scale=1.0)
    assert r.transformed.shape == camera.shape
    np.testing.assert_allclose(r.transformed, camera, atol=1e-12)
    assert r.inlier_ratio == 1.0 and r.repeatability == 1.0
    ref = match_descriptors(r.keypoints1.descriptors, r.keypoints2.descriptors, max_ratio=0.8, cross_check=True)
    np.testing.assert_array_equal(r.matches, ref)


def test_a_quarter_turn_is_the_exact_pixel_rotation_and_keypoints_follow(camera):
    r = features.match_transformed(camera, angle=90.0, scale=1.0)
    np.testing.assert_allclose(r.transformed, np.rot90(camera), atol=1e-9)  # anticlockwise on screen
    assert r.repeatability > 0.9 and r.inlier_ratio > 0.95


def test_known_warp_maps_corners_and_centre():
    matrix, shape = features.similarity((100, 100), 90.0, 2.0)
    # top-left corner (row 0, col 0) goes to the bottom-left after an anticlockwise quarter turn
    np.testing.assert_allclose(features.map_points([[0, 0]], matrix), [[198, 0]], atol=1e-9)
    assert shape == (199, 199)
    distance = np.linalg.norm(features.map_points([[0, 0], [0, 10]], matrix)[1] - features.map_points([[0, 0]], matrix)[0])
    assert distance == pytest.approx(20.0)


def test_matches_survive_rotation_but_a_small_copy_loses_keypoints(camera):
    turned = features.match_transformed(camera, angle=30.0, scale=1.0)
    small = features.match_transformed(camera, angle=30.0, scale=0.35)
    assert turned.inlier_ratio > 0.9 and turned.repeatability > 0.6
    assert small.repeatability < 0.6 and len(small.matches) < len(turned.matches)


def test_reference_keypoints_can_be_reused(camera):
    reference = features.sift(camera)
    a = features.match_transformed(camera, 45.0, 1.0)
    b = features.match_transformed(camera, 45.0, 1.0, reference=reference)
    np.testing.assert_array_equal(a.matches, b.matches)


def test_dog_responds_most_where_sigma_matches_a_blob():
    yy, xx = np.mgrid[:64, :64]
    for radius in (3.0, 6.0):
        blob = ((yy - 32) ** 2 + (xx - 32) ** 2 <= radius**2).astype(float)
        space = features.scale_space(blob, sigma=1.0, levels=8, step=2 ** 0.5)
        # scale-normalised response at the centre: DoG / σ² is largest near σ = r / √2
        response = -space.dogs[:, 32, 32] / space.sigmas[:-1] ** 2
        best = space.sigmas[np.argmax(response)]
        assert radius / np.sqrt(2) / 1.5 <= best <= radius / np.sqrt(2) * 1.5
    flat = features.scale_space(np.full((40, 40), 0.3), levels=3)
    assert np.abs(flat.dogs).max() < 1e-12


@pytest.mark.parametrize("call, name", [
    (lambda: features.image("lena"), "name"),
    (lambda: features.match_transformed(np.zeros((10, 10))), "image"),
    (lambda: features.match_transformed(np.zeros((64, 64, 3))), "image"),
    (lambda: features.match_transformed(np.zeros((64, 64)), angle=1000), "angle"),
    (lambda: features.match_transformed(np.zeros((64, 64)), scale=5), "scale"),
    (lambda: features.match_transformed(np.zeros((64, 64)), max_ratio=0), "max_ratio"),
    (lambda: features.scale_space(np.zeros((64, 64)), levels=1), "levels"),
])
def test_bad_inputs_raise_value_error_naming_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_an_image_without_structure_has_no_keypoints_and_no_matches():
    r = features.match_transformed(np.full((64, 64), 0.5), angle=10.0)
    assert len(r.matches) == 0 and r.inlier_ratio == 0.0 and r.repeatability == 0.0
