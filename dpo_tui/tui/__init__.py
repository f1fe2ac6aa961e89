"""The Textual interface. Screens call services and render plain views; requester text is always literal."""
