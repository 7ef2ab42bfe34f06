from skaffold_ls.cli import main

raise SystemExit(main())
