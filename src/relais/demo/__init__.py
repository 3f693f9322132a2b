"""The demo, a product of its own beside the domain apps, which know nothing of it:

- `company_data`, `company`: the demo company “Maison Lumière” and its loader;
- `queues`: its queues, widget topics, and the queues for left messages and callbacks;
- `views`, `urls`, `templates/demo/`: the demo shop page with the chat widget (`/demo/boutique/`);
- `traffic/`: the traffic generator (simulated customers and bot agents);
- `management/commands/`: `relais demo` and `relais traffic`.
"""
