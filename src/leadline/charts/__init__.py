"""Charts: Vega-Lite specs of the flow figures (:mod:`.specs`) and offline pictures of them
(:mod:`.images`, SVG and PNG through vl-convert). No Django: the report of ``leadline analyze``
and the dashboard pages draw with the same builders."""
