from aggqlint.cli import main

main()
