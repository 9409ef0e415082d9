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

# The top bar's menus (ui/nav.py): each groups neighbouring sections, so the bar fits one line of a
# 1366-pixel screen. (A bar of menus, not a sidebar: Streamlit re-renders its sidebar on every slider move,
# and 42 sidebar links cost 20–45 ms of each move in A/B runs.)
MENUS = {
    "Statistics & evaluation": ("Statistics & testing", "Evaluating classifiers"),
    "Models": ("Model complexity", "Linear models & SVM", "Trees & ensembles", "Probabilistic models"),
    "Unsupervised": ("Unsupervised", "Recommenders & data structures"),
    "Neural networks": ("Neural network basics", "Convolutional networks"),
    "Sequences & frameworks": ("Sequence models & NLP", "Frameworks"),
}

TOPICS: tuple[Topic, ...] = (
    Topic("confidence_intervals", "Confidence intervals", "Statistics & testing", ":material/straighten:",
          "Draw 100 samples and count how many intervals catch the true mean; level, n, skew and method."),
    Topic("t_test", "t-test", "Statistics & testing", ":material/compare_arrows:",
          "Two samples, their t, df and p-value; Student against Welch, the p-value as a tail area, power against n."),
    Topic("type_errors", "Type I and II errors", "Statistics & testing", ":material/rule:",
          "H0 and H1 densities with α and β shaded: the trade-off, power, and what it means for precision and recall."),
    Topic("outliers", "Outliers and the IQR", "Statistics & testing", ":material/scatter_plot:",
          "Drag planted points out of a sample: box-plot fences, mean against median, z-scores masked by outliers."),
    Topic("roc_auc", "ROC & AUC", "Evaluating classifiers", ":material/show_chart:",
          "Slide a threshold through two score distributions and watch ROC, precision and recall move."),
    Topic("dice_iou", "Dice and IoU", "Evaluating classifiers", ":material/join_inner:",
          "Move and resize two shapes: Dice and IoU live, their exact relation, and why small objects suffer more."),
    Topic("imbalanced", "Imbalanced data", "Evaluating classifiers", ":material/balance:",
          "Over- and undersampling, SMOTE's synthetic points, the boundary before and after, and leakage."),
    Topic("bias_variance", "Bias–variance tradeoff", "Model complexity", ":material/target:",
          "Fit hundreds of polynomials and split their error into bias², variance and noise."),
    Topic("early_stopping", "Early stopping", "Model complexity", ":material/front_hand:",
          "A network overfits 20 noisy points: train and validation loss, patience, and the restored best epoch."),
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
    Topic("naive_bayes", "Naive Bayes", "Probabilistic models", ":material/casino:",
          "Per-feature Gaussians per class, priors and the posterior map; correlated features make it overconfident."),
    Topic("generative_discriminative", "Generative vs discriminative", "Probabilistic models", ":material/auto_awesome:",
          "Naive Bayes against logistic regression on learning curves over n, and new points sampled from naive Bayes."),
    Topic("kmeans", "K-means", "Unsupervised", ":material/scatter_plot:",
          "Group points into k clusters: step through assign and update, try bad starts, read the elbow."),
    Topic("gmm_em", "EM for Gaussian mixtures", "Unsupervised", ":material/bubble_chart:",
          "Soft clusters: E-steps colour points, M-steps move ellipses; see where K-means fails."),
    Topic("pca_ica", "PCA and ICA", "Unsupervised", ":material/rotate_right:",
          "Principal axes and explained variance, a scree plot on wine data, and the cocktail party: PCA vs ICA."),
    Topic("svd", "SVD", "Unsupervised", ":material/layers:",
          "Rebuild an image from its k largest singular values: spectrum, energy kept, storage and Eckart–Young."),
    Topic("tsne", "t-SNE", "Unsupervised", ":material/hub:",
          "Embed handwritten digits with t-SNE beside PCA: perplexity, learning rate, trustworthiness, PCA first."),
    Topic("matrix_factorization", "Matrix factorization", "Recommenders & data structures", ":material/grid_view:",
          "Fill the gaps of a ratings matrix by SGD: latent factors, learning rate, regularisation, train vs test RMSE."),
    Topic("bloom_filter", "Bloom filter", "Recommenders & data structures", ":material/filter_alt:",
          "Add items to a bit array with k hashes: measured vs theoretical false positives, the optimal k, no false negatives."),
    Topic("activations", "Activation functions", "Neural network basics", ":material/bolt:",
          "Sigmoid to GELU: values, derivatives, saturation, bias, softmax temperature, gradients through depth."),
    Topic("sgd", "SGD and mini-batches", "Neural network basics", ":material/route:",
          "Full-batch, mini-batch and single-example descent over a loss surface: learning rate, momentum, noise."),
    Topic("batch_norm", "Batch normalization", "Neural network basics", ":material/equalizer:",
          "The same network trained with and without batch norm over learning rates; train vs eval mode."),
    Topic("vanishing_gradients", "Vanishing & exploding gradients", "Neural network basics", ":material/trending_down:",
          "Per-layer gradient norms against depth for each activation and initialisation; clipping by global norm."),
    Topic("triplet_loss", "Triplet loss", "Neural network basics", ":material/join_inner:",
          "Move a negative through the easy, semi-hard and hard zones; train a tiny embedding with triplet loss."),
    Topic("cnn_output_size", "CNN output size", "Convolutional networks", ":material/grid_on:",
          "Kernel, padding, stride and dilation on a grid, and shapes through LeNet, AlexNet, VGG and ResNet."),
    Topic("conv_pooling", "Convolution & pooling", "Convolutional networks", ":material/filter_alt:",
          "Kernels on a photograph, then pooling; shift it: the map moves, a global max stays; conv vs dense parameters."),
    Topic("cnn_architectures", "ResNet, Inception & DenseNet", "Convolutional networks", ":material/account_tree:",
          "Gradients through a deep plain stack against a residual one; Inception's 1×1 bottleneck; DenseNet's growth."),
    Topic("sift", "SIFT", "Convolutional networks", ":material/center_focus_strong:",
          "Keypoints with scale and orientation, matched to a rotated and scaled copy; the difference-of-Gaussians scale space."),
    Topic("rnn_gru", "RNN, GRU & LSTM", "Sequence models & NLP", ":material/repeat:",
          "Gradients through time vanish or explode; gates keep them alive; a GRU's update gate step by step."),
    Topic("attention", "Attention", "Sequence models & NLP", ":material/center_focus_strong:",
          "softmax(QKᵀ/√d)·V on a sentence as a heat map: why the √d scaling, and a causal mask."),
    Topic("seq2seq", "Seq2seq & attention", "Sequence models & NLP", ":material/swap_horiz:",
          "A GRU encoder–decoder reverses digit strings: the fixed-size bottleneck against attention."),
    Topic("sampled_softmax", "Sampled softmax", "Sequence models & NLP", ":material/casino:",
          "Score a few sampled words instead of the whole vocabulary: cost, bias and noise against the full softmax."),
    Topic("rag", "Retrieval (RAG)", "Sequence models & NLP", ":material/manage_search:",
          "Ask a question of this playground's own notes: TF-IDF passages and scores, a cited answer, what keywords miss."),
    Topic("eager_vs_graph", "Eager vs graph execution", "Frameworks", ":material/device_hub:",
          "TensorFlow 1's sessions in PyTorch terms: print every intermediate eagerly, capture a torch.fx graph, "
          "Sequential vs functional, a traced if."),
)

_BY_SLUG = {topic.slug: topic for topic in TOPICS}


def by_slug(slug: str) -> Topic:
    return _BY_SLUG[slug]


def by_section() -> dict[str, list[Topic]]:
    """Topics grouped by section, sections in teaching order, empty sections left out."""
    grouped = {section: [t for t in TOPICS if t.section == section] for section in SECTIONS}
    return {section: topics for section, topics in grouped.items() if topics}


def by_menu() -> dict[str, list[Topic]]:
    """Topics grouped by the top bar's menus, in teaching order."""
    sections = by_section()
    return {menu: [t for section in grouped for t in sections.get(section, [])] for menu, grouped in MENUS.items()}


def search(query: str) -> list[Topic]:
    """Topics whose title, summary or section contains every word of ``query`` (case-insensitive)."""
    words = query.lower().split()
    return [t for t in TOPICS if all(w in f"{t.title} {t.summary} {t.section}".lower() for w in words)]
