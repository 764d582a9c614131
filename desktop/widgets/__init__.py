"""Qt widgets: they render state and emit signals; no network and no call logic here."""
