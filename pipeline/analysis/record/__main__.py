"""``python -m pipeline.analysis.record > docs/results.schema.json``: the JSON Schema of results.json."""

import sys

from pipeline.analysis.record import schema_text

sys.stdout.write(schema_text())
