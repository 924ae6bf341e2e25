from callersim_cli.cli import main

main()
