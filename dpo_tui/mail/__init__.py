"""Outbound mail: settings (`config`), building and sending messages (`send`), the daily digest (`digest`)."""
