#!/usr/bin/env bash
# Create benchmarks/.peer-venv with the peer tool jira-agile-metrics and the pins it works with.
# The peer needs an older pandas/numpy than Leadline, so it lives in its own venv.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/../.peer-venv"
python="${PYTHON:-python3.11}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/pip" install --quiet -r "$here/requirements.txt"
"$venv/bin/python" -c "import jira_agile_metrics.calculators.cycletime, pandas, numpy; print('peer venv ready: pandas', pandas.__version__, 'numpy', numpy.__version__)"
