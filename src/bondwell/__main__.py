from bondwell.cli import run

run()
