"""Pure numerics for every topic: numpy, scipy, scikit-learn and torch only (no streamlit, no plotly)."""
