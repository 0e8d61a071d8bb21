from credit_check.cli import main

main()
