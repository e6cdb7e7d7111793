from alliance_cli.cli.main import main

main()
