from bestvalue.cli import main

main()
