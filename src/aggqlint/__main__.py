from aggqlint.entry import main

main()
