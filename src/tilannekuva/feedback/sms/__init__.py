"""SMS: the provider-neutral gateway, reply parsing, the conversation rules and the outbox worker.

Kept free of imports so that the store can use the gateway's plain types without a cycle.
"""
