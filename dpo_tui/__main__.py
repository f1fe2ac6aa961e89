from dpo_tui.cli import main

main()
