"""Deals (撮合项目): the broker's pipeline from introduction to a registered, paid contract.

The rules are split by use case: `opening` (open a deal, the parties' answer), `pipeline`
(the stage machine and its one `transition`), `brokers` (invitations, shares), `contracts`
(contract and registration), `payments`, `files` + `storage` (documents behind a FileStore),
`notes`, `notifications`, `dashboard`. `access` holds the one scoping query, `views` shapes
a deal for each viewer, `lookup` is what other domains may read.
"""
