from dpo_tui.launch import main

main()
