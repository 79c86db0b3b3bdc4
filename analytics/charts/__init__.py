"""Chart builders, plotly only: (registry, options) → (Figure, DataFrame). ``catalog.chart_catalog()`` lists them."""
