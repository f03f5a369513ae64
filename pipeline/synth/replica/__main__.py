"""``python -m pipeline.synth.replica``: write the replica's CSV files."""

from pipeline.synth.replica import main

main()
