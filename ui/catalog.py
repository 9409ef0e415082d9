"""The single list of topics: navigation, the home page and the tests all read it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    section: str
    icon: str       # a Material icon shortcode: bundled with Streamlit, so it renders without emoji fonts
    summary: str

    @property
    def page_path(self) -> str:
        """Page script path from the repository root (what st.Page and AppTest take).

        The folder is ``topics/``, not ``pages/``: with a ``pages/`` folder beside app.py, Streamlit
        serves a deep link on a fresh server through its legacy auto-navigation, skipping app.py."""
        return f"topics/{self.slug}.py"

    @property
    def notes_path(self) -> Path:
        return ROOT / "assets" / "notes" / f"{self.slug}.md"


SECTIONS = (
    "Statistics & testing",
    "Evaluating classifiers",
    "Model complexity",
    "Linear models & SVM",
    "Trees & ensembles",
    "Probabilistic models",
    "Unsupervised",
    "Recommenders & data structures",
    "Neural network basics",
    "Convolutional networks",
    "Sequence models & NLP",
    "Frameworks",
)

TOPICS: tuple[Topic, ...] = (
    Topic("roc_auc", "ROC & AUC", "Evaluating classifiers", ":material/show_chart:",
          "Slide a threshold through two score distributions and watch ROC, precision and recall move."),
    Topic("bias_variance", "Bias–variance tradeoff", "Model complexity", ":material/target:",
          "Fit hundreds of polynomials and split their error into bias², variance and noise."),
    Topic("regularization", "L1 and L2 regularization", "Model complexity", ":material/compress:",
          "Coefficient paths against α, exact zeros from lasso, and the diamond-versus-circle picture."),
    Topic("svm", "Support vector machines", "Linear models & SVM", ":material/safety_divider:",
          "Margins, support vectors, C and kernels — and the 3-D lift that makes circles separable."),
    Topic("svm_vs_logreg", "SVM vs logistic regression", "Linear models & SVM", ":material/compare:",
          "Both boundaries on one data set: a far point moves one and not the other; overfitting claims under CV."),
    Topic("losses", "Loss functions", "Linear models & SVM", ":material/trending_down:",
          "MSE, MAE, Huber, cross-entropy and hinge: curves, gradients, an outlier dragged through three fitted lines."),
    Topic("decision_trees", "Decision trees", "Trees & ensembles", ":material/account_tree:",
          "Gini and entropy against p, the split search threshold by threshold, and depth against overfitting."),
    Topic("random_forest", "Random forests", "Trees & ensembles", ":material/forest:",
          "One tree against a forest: boundaries, out-of-bag accuracy, and the spread of predictions over training sets."),
    Topic("bagging_boosting", "Bagging vs boosting", "Trees & ensembles", ":material/stacks:",
          "AdaBoost round by round with weights as point sizes, bootstrap samples, and what label noise does to each."),
    Topic("kmeans", "K-means", "Unsupervised", ":material/scatter_plot:",
          "Group points into k clusters: step through assign and update, try bad starts, read the elbow."),
    Topic("gmm_em", "EM for Gaussian mixtures", "Unsupervised", ":material/bubble_chart:",
          "Soft clusters: E-steps colour points, M-steps move ellipses; see where K-means fails."),
    Topic("activations", "Activation functions", "Neural network basics", ":material/bolt:",
          "Sigmoid to GELU: values, derivatives, saturation, bias, softmax temperature, gradients through depth."),
    Topic("cnn_output_size", "CNN output size", "Convolutional networks", ":material/grid_on:",
          "Kernel, padding, stride and dilation on a grid, and shapes through LeNet, AlexNet, VGG and ResNet."),
)

_BY_SLUG = {topic.slug: topic for topic in TOPICS}


def by_slug(slug: str) -> Topic:
    return _BY_SLUG[slug]


def by_section() -> dict[str, list[Topic]]:
    """Topics grouped by section, sections in teaching order, empty sections left out."""
    grouped = {section: [t for t in TOPICS if t.section == section] for section in SECTIONS}
    return {section: topics for section, topics in grouped.items() if topics}


def search(query: str) -> list[Topic]:
    """Topics whose title, summary or section contains every word of ``query`` (case-insensitive)."""
    words = query.lower().split()
    return [t for t in TOPICS if all(w in f"{t.title} {t.summary} {t.section}".lower() for w in words)]
