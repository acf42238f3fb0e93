"""The demo market `techbroker seed-demo` loads: invented organisations, people, listings, deals
and reward claims. Shipped with the package, so the installed command needs no checkout."""
