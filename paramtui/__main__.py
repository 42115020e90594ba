from paramtui.cli import main

raise SystemExit(main())
