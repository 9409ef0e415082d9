"""What pages share: the topic catalog, the page scaffold, bound controls and Plotly helpers."""
